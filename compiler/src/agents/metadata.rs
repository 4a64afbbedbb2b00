//! Reads the XML an agent prints for `meta-data` into an [`AgentSchema`].
//!
//! One pass over quick-xml's event stream with a stack of element contexts, so the cost is linear
//! in the input and nothing is built that is not kept. The reader is lenient where Pacemaker is:
//! unknown elements and attributes are skipped (with everything inside them), parameters and
//! actions without a name are dropped, and flag attributes are true only for Pacemaker's true
//! words (`1`, `true`, `yes`, `y`, `on`, any case) — anything else reads as false, as in the
//! controller. Like the controller, only the first `<version>`, `<parameters>` and `<actions>`
//! under the root count. The input must still be well-formed XML with a `<resource-agent>` root.
//!
//! Descriptions: of several `<longdesc>`/`<shortdesc>` the first in English wins (`lang="en"` or
//! no `lang`, then `en-*`/`en_*`, then any); text is taken from all descendants (CDATA and
//! character references included), trimmed, and an empty description counts as absent. Entity
//! references other than the five predefined ones are kept as written, since the DTD that could
//! define them is not read.
//!
//! Fence agents use the same format with a few extras, read too: a `shortdesc` attribute on the
//! root (used when there is no `<shortdesc>` element), `deprecated="1"` on a parameter, and
//! `obsoletes="old"` on its replacement (recorded as `replaced_with` of the deprecated `old`).

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::Reader;

use super::{ActionSchema, AgentSchema, ContentType, ParamSchema};

/// Why metadata could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MetadataError {
    pub message: String,
    /// Byte offset in the input of the problem (of the element or markup at fault; the input's
    /// length for a premature end).
    pub offset: usize,
}

impl fmt::Display for MetadataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at byte {})", self.message, self.offset)
    }
}

impl std::error::Error for MetadataError {}

/// Parses agent metadata XML (OCF 1.0 or 1.1).
///
/// # Errors
///
/// When the input is not well-formed XML, has no `<resource-agent>` root element, or has
/// content outside it.
pub fn parse_metadata(xml: &str) -> Result<AgentSchema, MetadataError> {
    // quick-xml reads a `&str` as already decoded, so a byte-order mark would be text before the root.
    match xml.strip_prefix('\u{feff}') {
        Some(rest) => Parser::new(rest, xml.len() - rest.len()).run(),
        None => Parser::new(xml, 0).run(),
    }
}

const ROOT: &str = "resource-agent";

/// What an open element means to us. Everything inside an `Ignored` element is ignored too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Node {
    Agent,
    Parameters,
    Parameter,
    Content,
    Deprecated,
    Actions,
    Ignored,
}

/// Where captured text goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    OcfVersion,
    AgentShort(u8),
    AgentLong(u8),
    ParamShort(u8),
    ParamLong(u8),
}

#[derive(Debug, Clone, Copy)]
struct Capture {
    target: Target,
    /// Stack depth of the element whose text is captured; capture ends when it closes.
    depth: usize,
}

/// A parameter being read, with what is needed to finish it.
struct ParamBuilder {
    schema: ParamSchema,
    short_rank: Option<u8>,
    long_rank: Option<u8>,
    content_seen: bool,
    select: bool,
    options: Vec<String>,
    obsoletes: Option<String>,
}

struct Parser<'a> {
    input: &'a str,
    /// Bytes before `input` in what the caller passed (a byte-order mark).
    base: usize,
    reader: Reader<&'a [u8]>,
    stack: Vec<Node>,
    schema: AgentSchema,
    root_seen: bool,
    root_closed: bool,
    version_seen: bool,
    parameters_seen: bool,
    actions_seen: bool,
    agent_short_rank: Option<u8>,
    agent_long_rank: Option<u8>,
    root_shortdesc: Option<String>,
    param: Option<ParamBuilder>,
    /// (index of a parameter, name of the parameter it obsoletes).
    obsoletes: Vec<(usize, String)>,
    capture: Option<Capture>,
    text: String,
}

impl<'a> Parser<'a> {
    fn new(input: &'a str, base: usize) -> Self {
        Parser {
            input,
            base,
            reader: Reader::from_str(input),
            stack: Vec::new(),
            schema: AgentSchema { ocf_version: String::new(), agent_version: None, shortdesc: None, longdesc: None, params: Vec::new(), actions: Vec::new() },
            root_seen: false,
            root_closed: false,
            version_seen: false,
            parameters_seen: false,
            actions_seen: false,
            agent_short_rank: None,
            agent_long_rank: None,
            root_shortdesc: None,
            param: None,
            obsoletes: Vec::new(),
            capture: None,
            text: String::new(),
        }
    }

    fn run(mut self) -> Result<AgentSchema, MetadataError> {
        loop {
            let at = self.position(self.reader.buffer_position());
            let event = match self.reader.read_event() {
                Ok(event) => event,
                Err(e) => {
                    let at = self.position(self.reader.error_position());
                    return Err(self.error_at(format!("the metadata is not well-formed XML: {e}"), at));
                }
            };
            match event {
                Event::Start(e) => self.open(&e, at)?,
                Event::Empty(e) => {
                    self.open(&e, at)?;
                    self.close();
                }
                Event::End(_) => self.close(),
                Event::Text(t) => {
                    let content = t.xml10_content();
                    self.on_text(&content, at)?;
                }
                Event::CData(c) => {
                    let content = c.xml10_content();
                    if self.outside_root() {
                        return Err(self.error_at(self.stray("character data"), at));
                    }
                    self.push_text(&content);
                }
                Event::GeneralRef(r) => self.reference(&r, at)?,
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
                Event::Eof => break,
            }
        }
        if !self.root_seen {
            let message = if self.input.trim().is_empty() { "the metadata is empty".to_string() } else { format!("the metadata has no <{ROOT}> element") };
            return Err(self.error_at(message, self.input.len()));
        }
        if !self.root_closed {
            return Err(self.error_at(format!("the metadata ends before </{ROOT}> (truncated output?)"), self.input.len()));
        }
        Ok(self.finish())
    }

    /// An offset from quick-xml, clamped to the input.
    fn position(&self, pos: u64) -> usize {
        usize::try_from(pos).unwrap_or(usize::MAX).min(self.input.len())
    }

    fn error_at(&self, message: String, at: usize) -> MetadataError {
        MetadataError { message, offset: self.base.saturating_add(at) }
    }

    fn outside_root(&self) -> bool {
        self.stack.is_empty()
    }

    fn stray(&self, what: &str) -> String {
        if self.root_closed {
            format!("{what} after the </{ROOT}> end tag")
        } else {
            format!("{what} before the <{ROOT}> element; agent metadata is a <{ROOT}> XML document")
        }
    }

    fn open(&mut self, e: &BytesStart<'_>, at: usize) -> Result<(), MetadataError> {
        let name = e.name();
        let name = name.as_ref();
        let Some(&parent) = self.stack.last() else {
            if self.root_closed {
                return Err(self.error_at(self.stray(&format!("element <{name}>")), at));
            }
            if name != ROOT {
                return Err(self.error_at(format!("the root element is <{name}>, but agent metadata must have a <{ROOT}> root element"), at));
            }
            self.root_seen = true;
            self.open_root(e, at)?;
            self.stack.push(Node::Agent);
            return Ok(());
        };
        let node = match (parent, name) {
            (Node::Agent, "version") if !self.version_seen => {
                self.version_seen = true;
                self.start_capture(Target::OcfVersion);
                Node::Ignored
            }
            (Node::Agent, "shortdesc") => {
                let rank = self.lang_rank(e, at)?;
                if beats(rank, self.agent_short_rank) {
                    self.start_capture(Target::AgentShort(rank));
                }
                Node::Ignored
            }
            (Node::Agent, "longdesc") => {
                let rank = self.lang_rank(e, at)?;
                if beats(rank, self.agent_long_rank) {
                    self.start_capture(Target::AgentLong(rank));
                }
                Node::Ignored
            }
            (Node::Agent, "parameters") if !self.parameters_seen => {
                self.parameters_seen = true;
                Node::Parameters
            }
            (Node::Agent, "actions") if !self.actions_seen => {
                self.actions_seen = true;
                Node::Actions
            }
            (Node::Parameters, "parameter") => self.open_parameter(e, at)?,
            (Node::Parameter, "shortdesc") => {
                let rank = self.lang_rank(e, at)?;
                if self.param.as_ref().is_some_and(|p| beats(rank, p.short_rank)) {
                    self.start_capture(Target::ParamShort(rank));
                }
                Node::Ignored
            }
            (Node::Parameter, "longdesc") => {
                let rank = self.lang_rank(e, at)?;
                if self.param.as_ref().is_some_and(|p| beats(rank, p.long_rank)) {
                    self.start_capture(Target::ParamLong(rank));
                }
                Node::Ignored
            }
            (Node::Parameter, "content") => self.open_content(e, at)?,
            (Node::Parameter, "deprecated") => {
                if let Some(p) = self.param.as_mut() {
                    p.schema.deprecated = true;
                }
                Node::Deprecated
            }
            (Node::Deprecated, "replaced-with") => {
                if let Some(replacement) = self.attr_value(e, at, "name")? {
                    if !replacement.is_empty() {
                        if let Some(p) = self.param.as_mut() {
                            p.schema.replaced_with.push(replacement.into_owned());
                        }
                    }
                }
                Node::Ignored
            }
            (Node::Content, "option") => {
                if let Some(value) = self.attr_value(e, at, "value")? {
                    if let Some(p) = self.param.as_mut() {
                        p.options.push(value.into_owned());
                    }
                }
                Node::Ignored
            }
            (Node::Actions, "action") => {
                self.open_action(e, at)?;
                Node::Ignored
            }
            _ => Node::Ignored,
        };
        self.stack.push(node);
        Ok(())
    }

    fn open_root(&mut self, e: &BytesStart<'_>, at: usize) -> Result<(), MetadataError> {
        for attr in e.attributes() {
            let attr = attr.map_err(|err| self.error_at(format!("bad attribute in <{ROOT}>: {err}"), at))?;
            match attr.key.as_ref() {
                "version" => self.schema.agent_version = Some(self.decode(&attr.value, at)?.into_owned()),
                "shortdesc" => {
                    let text = self.decode(&attr.value, at)?;
                    let text = text.trim();
                    if !text.is_empty() {
                        self.root_shortdesc = Some(text.to_string());
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn open_parameter(&mut self, e: &BytesStart<'_>, at: usize) -> Result<Node, MetadataError> {
        let mut schema = ParamSchema {
            name: String::new(),
            required: false,
            unique: false,
            unique_group: None,
            reloadable: false,
            private: false,
            deprecated: false,
            replaced_with: Vec::new(),
            content: ContentType::String,
            default: None,
            shortdesc: None,
            longdesc: None,
        };
        let mut obsoletes = None;
        for attr in e.attributes() {
            let attr = attr.map_err(|err| self.error_at(format!("bad attribute in <parameter>: {err}"), at))?;
            let value = self.decode(&attr.value, at)?;
            match attr.key.as_ref() {
                "name" => schema.name = value.into_owned(),
                "required" => schema.required = is_true(&value),
                "unique" => schema.unique = is_true(&value),
                "unique-group" => schema.unique_group = Some(value.into_owned()),
                "reloadable" => schema.reloadable = is_true(&value),
                "private" => schema.private = is_true(&value),
                "deprecated" => schema.deprecated |= is_true(&value),
                "obsoletes" if !value.is_empty() => obsoletes = Some(value.into_owned()),
                _ => {}
            }
        }
        if schema.name.is_empty() {
            // Pacemaker warns and skips such a parameter; so do we, with its contents.
            return Ok(Node::Ignored);
        }
        self.param = Some(ParamBuilder { schema, short_rank: None, long_rank: None, content_seen: false, select: false, options: Vec::new(), obsoletes });
        Ok(Node::Parameter)
    }

    fn open_content(&mut self, e: &BytesStart<'_>, at: usize) -> Result<Node, MetadataError> {
        if self.param.as_ref().is_none_or(|p| p.content_seen) {
            return Ok(Node::Ignored);
        }
        let mut content = ContentType::String;
        let mut select = false;
        let mut default = None;
        for attr in e.attributes() {
            let attr = attr.map_err(|err| self.error_at(format!("bad attribute in <content>: {err}"), at))?;
            match attr.key.as_ref() {
                "type" => {
                    let value = self.decode(&attr.value, at)?;
                    select = false;
                    content = match value.as_ref() {
                        "string" => ContentType::String,
                        "integer" => ContentType::Integer,
                        "boolean" => ContentType::Boolean,
                        "time" => ContentType::Time,
                        "select" => {
                            select = true;
                            ContentType::Select(Vec::new())
                        }
                        _ => ContentType::Other(value.into_owned()),
                    };
                }
                "default" => default = Some(self.decode(&attr.value, at)?.into_owned()),
                _ => {}
            }
        }
        if let Some(p) = self.param.as_mut() {
            p.content_seen = true;
            p.select = select;
            p.schema.content = content;
            p.schema.default = default;
        }
        Ok(Node::Content)
    }

    fn open_action(&mut self, e: &BytesStart<'_>, at: usize) -> Result<(), MetadataError> {
        let mut action = ActionSchema { name: String::new(), timeout: None, interval: None, depth: None, role: None, start_delay: None };
        for attr in e.attributes() {
            let attr = attr.map_err(|err| self.error_at(format!("bad attribute in <action>: {err}"), at))?;
            let slot = match attr.key.as_ref() {
                "name" => {
                    action.name = self.decode(&attr.value, at)?.into_owned();
                    continue;
                }
                "timeout" => &mut action.timeout,
                "interval" => &mut action.interval,
                "depth" => &mut action.depth,
                "role" => &mut action.role,
                "start-delay" => &mut action.start_delay,
                _ => continue,
            };
            *slot = Some(self.decode(&attr.value, at)?.into_owned());
        }
        if !action.name.is_empty() {
            self.schema.actions.push(action);
        }
        Ok(())
    }

    /// How much a description's language is preferred: English (or unmarked) first.
    fn lang_rank(&self, e: &BytesStart<'_>, at: usize) -> Result<u8, MetadataError> {
        let Some(lang) = self.attr_value(e, at, "lang")? else { return Ok(2) };
        let lang = lang.trim();
        Ok(if lang.is_empty() || lang.eq_ignore_ascii_case("en") {
            2
        } else if lang.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("en-") || p.eq_ignore_ascii_case("en_")) {
            1
        } else {
            0
        })
    }

    /// The decoded value of one attribute, if present.
    fn attr_value<'e>(&self, e: &'e BytesStart<'_>, at: usize, key: &str) -> Result<Option<Cow<'e, str>>, MetadataError> {
        for attr in e.attributes() {
            let attr = attr.map_err(|err| self.error_at(format!("bad attribute in <{}>: {err}", e.name().as_ref()), at))?;
            if attr.key.as_ref() == key {
                return match attr.value {
                    Cow::Borrowed(raw) => self.decode(raw, at).map(Some),
                    Cow::Owned(raw) => self.decode(&raw, at).map(|v| Some(Cow::Owned(v.into_owned()))),
                };
            }
        }
        Ok(None)
    }

    /// Normalizes a raw attribute value: references resolved, tabs and line ends made spaces.
    fn decode<'v>(&self, raw: &'v str, at: usize) -> Result<Cow<'v, str>, MetadataError> {
        decode_attribute(raw).map_err(|message| self.error_at(message, at))
    }

    fn close(&mut self) {
        if let Some(capture) = self.capture {
            if capture.depth == self.stack.len() {
                self.capture = None;
                self.finish_capture(capture.target);
            }
        }
        match self.stack.pop() {
            Some(Node::Agent) => self.root_closed = true,
            Some(Node::Parameter) => self.finish_parameter(),
            _ => {}
        }
    }

    fn on_text(&mut self, content: &str, at: usize) -> Result<(), MetadataError> {
        if self.outside_root() {
            if content.trim().is_empty() {
                return Ok(());
            }
            return Err(self.error_at(self.stray("text"), at));
        }
        self.push_text(content);
        Ok(())
    }

    fn reference(&mut self, r: &BytesRef<'_>, at: usize) -> Result<(), MetadataError> {
        if self.outside_root() {
            return Err(self.error_at(self.stray("an entity reference"), at));
        }
        if r.is_char_ref() {
            match r.resolve_char_ref() {
                Ok(Some(c)) => {
                    if self.capture.is_some() {
                        self.text.push(c);
                    }
                }
                _ => return Err(self.error_at(format!("invalid character reference `&{};`", r.as_ref()), at)),
            }
        } else if self.capture.is_some() {
            match resolve_predefined_entity(r) {
                Some(s) => self.text.push_str(s),
                None => {
                    self.text.push('&');
                    self.text.push_str(r);
                    self.text.push(';');
                }
            }
        }
        Ok(())
    }

    fn push_text(&mut self, content: &str) {
        if self.capture.is_some() {
            self.text.push_str(content);
        }
    }

    fn start_capture(&mut self, target: Target) {
        self.text.clear();
        // The element is pushed right after this call.
        self.capture = Some(Capture { target, depth: self.stack.len() + 1 });
    }

    fn finish_capture(&mut self, target: Target) {
        let text = take_trimmed(&mut self.text);
        if let Target::OcfVersion = target {
            self.schema.ocf_version = text;
            return;
        }
        if text.is_empty() {
            return;
        }
        match target {
            Target::OcfVersion => {}
            Target::AgentShort(rank) => {
                self.schema.shortdesc = Some(text);
                self.agent_short_rank = Some(rank);
            }
            Target::AgentLong(rank) => {
                self.schema.longdesc = Some(text);
                self.agent_long_rank = Some(rank);
            }
            Target::ParamShort(rank) => {
                if let Some(p) = self.param.as_mut() {
                    p.schema.shortdesc = Some(text);
                    p.short_rank = Some(rank);
                }
            }
            Target::ParamLong(rank) => {
                if let Some(p) = self.param.as_mut() {
                    p.schema.longdesc = Some(text);
                    p.long_rank = Some(rank);
                }
            }
        }
    }

    fn finish_parameter(&mut self) {
        let Some(mut p) = self.param.take() else { return };
        if p.select {
            p.schema.content = ContentType::Select(p.options);
        }
        if let Some(old) = p.obsoletes {
            self.obsoletes.push((self.schema.params.len(), old));
        }
        self.schema.params.push(p.schema);
    }

    fn finish(mut self) -> AgentSchema {
        if self.schema.shortdesc.is_none() {
            self.schema.shortdesc = self.root_shortdesc.take();
        }
        if !self.obsoletes.is_empty() {
            // First parameter of each name, as `AgentSchema::param` finds it.
            let mut index: HashMap<&str, usize> = HashMap::with_capacity(self.schema.params.len());
            for (i, p) in self.schema.params.iter().enumerate() {
                index.entry(p.name.as_str()).or_insert(i);
            }
            let links: Vec<(usize, String)> = self
                .obsoletes
                .iter()
                .filter_map(|(new, old)| {
                    let old = *index.get(old.as_str())?;
                    let new = self.schema.params.get(*new)?;
                    Some((old, new.name.clone()))
                })
                .collect();
            for (old, new) in links {
                if let Some(p) = self.schema.params.get_mut(old) {
                    if p.deprecated && !p.replaced_with.contains(&new) {
                        p.replaced_with.push(new);
                    }
                }
            }
        }
        self.schema
    }
}

/// Whether a description of `rank` replaces the one kept so far (the first of the best rank wins).
fn beats(rank: u8, kept: Option<u8>) -> bool {
    kept.is_none_or(|kept| rank > kept)
}

/// Pacemaker's true words (`crm_str_to_boolean`, case-insensitive, untrimmed); everything else is false.
fn is_true(value: &str) -> bool {
    ["1", "true", "yes", "y", "on"].iter().any(|t| value.eq_ignore_ascii_case(t))
}

/// The buffer's text, trimmed, leaving the buffer empty; reuses the buffer's allocation.
fn take_trimmed(text: &mut String) -> String {
    let end = text.trim_end().len();
    text.truncate(end);
    let start = text.len() - text.trim_start().len();
    text.drain(..start);
    std::mem::take(text)
}

/// Attribute value normalization (XML 1.0 §3.3.3, CDATA attributes): `&...;` references
/// resolved (unknown entities kept as written), and tab, CR, LF and CR LF each made one space.
fn decode_attribute(raw: &str) -> Result<Cow<'_, str>, String> {
    if !raw.contains(['&', '\t', '\r', '\n']) {
        return Ok(Cow::Borrowed(raw));
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(i) = rest.find(['&', '\t', '\r', '\n']) {
        let (before, from) = rest.split_at(i);
        out.push_str(before);
        if let Some(after) = from.strip_prefix('&') {
            let Some(end) = after.find(';') else {
                return Err(format!("unterminated reference in attribute value `{raw}`"));
            };
            let (name, tail) = after.split_at(end);
            if let Some(number) = name.strip_prefix('#') {
                let code = match number.strip_prefix('x') {
                    Some(hex) if hex.bytes().all(|b| b.is_ascii_hexdigit()) => u32::from_str_radix(hex, 16).ok(),
                    Some(_) => None,
                    None if number.bytes().all(|b| b.is_ascii_digit()) => number.parse::<u32>().ok(),
                    None => None,
                };
                match code.and_then(char::from_u32).filter(|c| *c != '\0') {
                    Some(c) => out.push(c),
                    None => return Err(format!("invalid character reference `&{name};` in attribute value")),
                }
            } else if let Some(s) = resolve_predefined_entity(name) {
                out.push_str(s);
            } else {
                out.push('&');
                out.push_str(name);
                out.push(';');
            }
            rest = tail.get(1..).unwrap_or("");
        } else {
            out.push(' ');
            rest = if from.starts_with("\r\n") { from.get(2..).unwrap_or("") } else { from.get(1..).unwrap_or("") };
        }
    }
    out.push_str(rest);
    Ok(Cow::Owned(out))
}

#[cfg(test)]
#[allow(clippy::panic, clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing, reason = "tests report failures by panicking")]
mod tests {
    use super::*;

    fn parse(xml: &str) -> AgentSchema {
        parse_metadata(xml).unwrap_or_else(|e| panic!("{e}\n{xml}"))
    }

    fn error(xml: &str) -> MetadataError {
        match parse_metadata(xml) {
            Ok(schema) => panic!("expected an error, got {schema:?}"),
            Err(e) => e,
        }
    }

    const OCF_1_0: &str = r#"<?xml version="1.0"?>
<!DOCTYPE resource-agent SYSTEM "ra-api-1.dtd">
<resource-agent name="Example" version="0.9">
<version>1.0</version>

<longdesc lang="en">
Manages an example
service.
</longdesc>
<shortdesc lang="en">Example service</shortdesc>

<parameters>
<parameter name="ip" unique="1" required="1">
<longdesc lang="en">The address.</longdesc>
<shortdesc lang="en">IP</shortdesc>
<content type="string" />
</parameter>
<parameter name="port" unique="0" required="0">
<longdesc lang="en">The port.</longdesc>
<shortdesc lang="en">Port</shortdesc>
<content type="integer" default="80"/>
</parameter>
<parameter name="debug" unique="false" required="true">
<shortdesc lang="en">Debug</shortdesc>
<content type="boolean" default="false"/>
</parameter>
<parameter name="wait">
<content type="time" default="10s"/>
</parameter>
<parameter name="bare"/>
</parameters>

<actions>
<action name="start"   timeout="20s" />
<action name="stop"    timeout="20s" />
<action name="monitor" depth="0" timeout="20s" interval="10s" role="Master" />
<action name="monitor" depth="0" timeout="20s" interval="11s" role="Slave" />
<action name="reload"  timeout="20s" />
<action name="migrate_to" timeout="120s" start-delay="5s"/>
<action name="meta-data" timeout="5s" />
</actions>
</resource-agent>
"#;

    #[test]
    fn reads_ocf_1_0() {
        let s = parse(OCF_1_0);
        assert_eq!(s.ocf_version, "1.0");
        assert_eq!(s.agent_version.as_deref(), Some("0.9"));
        assert_eq!(s.shortdesc.as_deref(), Some("Example service"));
        assert_eq!(s.longdesc.as_deref(), Some("Manages an example\nservice."));
        assert_eq!(s.params.len(), 5);

        let ip = s.param("ip").unwrap();
        assert!(ip.required && ip.unique && !ip.reloadable && !ip.private && !ip.deprecated);
        assert_eq!(ip.content, ContentType::String);
        assert_eq!(ip.default, None);
        assert_eq!(ip.shortdesc.as_deref(), Some("IP"));
        assert_eq!(ip.longdesc.as_deref(), Some("The address."));

        let port = s.param("port").unwrap();
        assert!(!port.required && !port.unique);
        assert_eq!(port.content, ContentType::Integer);
        assert_eq!(port.default.as_deref(), Some("80"));

        let debug = s.param("debug").unwrap();
        assert!(debug.required && !debug.unique);
        assert_eq!(debug.content, ContentType::Boolean);
        assert_eq!(debug.longdesc, None);

        assert_eq!(s.param("wait").unwrap().content, ContentType::Time);
        let bare = s.param("bare").unwrap();
        assert_eq!(bare.content, ContentType::String, "a parameter without <content> is a string");
        assert_eq!((bare.shortdesc.as_ref(), bare.longdesc.as_ref()), (None, None));

        assert_eq!(s.actions.len(), 7);
        let monitors: Vec<_> = s.action("monitor").collect();
        assert_eq!(monitors.len(), 2);
        assert_eq!(monitors[0].role.as_deref(), Some("Master"));
        assert_eq!(monitors[1].role.as_deref(), Some("Slave"));
        assert_eq!(monitors[1].interval.as_deref(), Some("11s"));
        assert_eq!(monitors[0].depth.as_deref(), Some("0"));
        let migrate = s.action("migrate_to").next().unwrap();
        assert_eq!(migrate.start_delay.as_deref(), Some("5s"));
        assert_eq!(migrate.timeout.as_deref(), Some("120s"));
        assert_eq!(migrate.interval, None);

        assert!(s.supports_legacy_reload());
        assert!(!s.supports_reload_agent());
        assert!(!s.migratable(), "migrate_from is missing");
        assert!(!s.promotable());
    }

    const OCF_1_1: &str = r#"<?xml version="1.0"?>
<resource-agent name="Modern" version="2.1">
  <version>1.1</version>
  <longdesc lang="en">Modern agent</longdesc>
  <shortdesc lang="en">Modern</shortdesc>
  <parameters>
    <parameter name="mode" reloadable="1">
      <longdesc lang="en">How to run</longdesc>
      <shortdesc lang="en">Mode</shortdesc>
      <content type="select" default="fast">
        <option value="fast" />
        <option value="safe" />
        <option value="a &amp; b" />
      </content>
    </parameter>
    <parameter name="server" unique-group="address" required="1">
      <shortdesc lang="en">Server</shortdesc>
      <content type="string"/>
    </parameter>
    <parameter name="port" unique-group="address">
      <shortdesc lang="en">Port</shortdesc>
      <content type="integer" default="3121"/>
    </parameter>
    <parameter name="old_port" private="true">
      <deprecated>
        <replaced-with name="port" />
        <replaced-with name="server" />
        <desc lang="en">Use port instead</desc>
      </deprecated>
      <longdesc lang="en">Old port</longdesc>
      <shortdesc lang="en">Old</shortdesc>
      <content type="integer"/>
    </parameter>
  </parameters>
  <actions>
    <action name="start" timeout="20s" />
    <action name="stop" timeout="20s" />
    <action name="monitor" timeout="20s" interval="10s" role="Promoted" depth="0" />
    <action name="monitor" timeout="20s" interval="11s" role="Unpromoted" depth="0" />
    <action name="promote" timeout="10s" />
    <action name="demote" timeout="10s" />
    <action name="migrate_to" timeout="20s" />
    <action name="migrate_from" timeout="20s" />
    <action name="reload" timeout="20s" />
    <action name="reload-agent" timeout="20s" />
  </actions>
</resource-agent>"#;

    #[test]
    fn reads_ocf_1_1() {
        let s = parse(OCF_1_1);
        assert_eq!(s.ocf_version, "1.1");
        assert_eq!(s.agent_version.as_deref(), Some("2.1"));

        let mode = s.param("mode").unwrap();
        assert!(mode.reloadable && !mode.unique && !mode.required);
        assert_eq!(mode.content, ContentType::Select(vec!["fast".to_string(), "safe".to_string(), "a & b".to_string()]));
        assert_eq!(mode.default.as_deref(), Some("fast"));

        let server = s.param("server").unwrap();
        assert_eq!(server.unique_group.as_deref(), Some("address"));
        assert!(server.required && !server.unique);
        assert_eq!(s.param("port").unwrap().unique_group.as_deref(), Some("address"));

        let old = s.param("old_port").unwrap();
        assert!(old.deprecated && old.private);
        assert_eq!(old.replaced_with, ["port", "server"]);
        assert_eq!(old.longdesc.as_deref(), Some("Old port"), "the deprecation <desc> is not the parameter's description");
        assert!(!s.param("port").unwrap().deprecated);

        let roles: Vec<_> = s.action("monitor").map(|a| a.role.as_deref()).collect();
        assert_eq!(roles, [Some("Promoted"), Some("Unpromoted")]);
        assert!(s.supports_reload_agent());
        assert!(!s.supports_legacy_reload(), "OCF 1.1 agents are never reloaded with `reload`");
        assert!(s.migratable());
        assert!(s.promotable());
        assert!(s.is_private("old_port"));
    }

    #[test]
    fn flags_read_like_pacemaker() {
        let xml = r#"<resource-agent><parameters>
            <parameter name="a" required="1" unique="true" reloadable="yes" private="on"/>
            <parameter name="b" required="0" unique="false" reloadable="no" private="off"/>
            <parameter name="c" required="TRUE" unique="On" reloadable="Y" private=" 1 "/>
            <parameter name="d" required="maybe" unique="" reloadable="2"/>
        </parameters></resource-agent>"#;
        let s = parse(xml);
        let flags = |n: &str| {
            let p = s.param(n).unwrap();
            (p.required, p.unique, p.reloadable, p.private)
        };
        assert_eq!(flags("a"), (true, true, true, true));
        assert_eq!(flags("b"), (false, false, false, false));
        assert_eq!(flags("c"), (true, true, true, false));
        assert_eq!(flags("d"), (false, false, false, false));
        assert_eq!(s.ocf_version, "", "no <version>");
    }

    #[test]
    fn prefers_english_descriptions() {
        let xml = r#"<resource-agent name="x">
            <shortdesc lang="de">Beispiel</shortdesc>
            <shortdesc lang="en">Example</shortdesc>
            <shortdesc lang="en">Second English</shortdesc>
            <longdesc lang="fr">Seulement</longdesc>
            <parameters>
              <parameter name="p">
                <shortdesc lang="en-GB">British</shortdesc>
                <shortdesc>Unmarked</shortdesc>
                <longdesc lang="de">Deutsch</longdesc>
                <longdesc lang="en_US">American</longdesc>
                <longdesc lang="en">   </longdesc>
              </parameter>
            </parameters>
          </resource-agent>"#;
        let s = parse(xml);
        assert_eq!(s.shortdesc.as_deref(), Some("Example"));
        assert_eq!(s.longdesc.as_deref(), Some("Seulement"), "another language is better than nothing");
        let p = s.param("p").unwrap();
        assert_eq!(p.shortdesc.as_deref(), Some("Unmarked"));
        assert_eq!(p.longdesc.as_deref(), Some("American"), "an empty description does not count");
    }

    #[test]
    fn text_with_cdata_entities_and_markup() {
        let xml = "<resource-agent>\r\n<longdesc lang=\"en\">\r\n  a &amp; b &lt;c&gt; <![CDATA[<raw & kept>]]> &#x41;&#66; &custom; <b>bold</b>\r\n  end  </longdesc>\
                   <parameters><parameter name=\"p\"><content type=\"string\" default=\"x&amp;y&#x20;&quot;q&quot;&#9;z\"/></parameter></parameters></resource-agent>";
        let s = parse(xml);
        assert_eq!(s.longdesc.as_deref(), Some("a & b <c> <raw & kept> AB &custom; bold\n  end"));
        assert_eq!(s.param("p").unwrap().default.as_deref(), Some("x&y \"q\"\tz"));
    }

    #[test]
    fn attribute_whitespace_is_normalized() {
        let s = parse("<resource-agent version=\"a\tb\r\nc\nd &unknown;\"/>");
        assert_eq!(s.agent_version.as_deref(), Some("a b c d &unknown;"));
    }

    #[test]
    fn tolerates_unknown_elements_and_attributes() {
        let xml = r#"<!DOCTYPE resource-agent SYSTEM "ra-api-1.dtd" [ <!ENTITY custom "x"> ]>
            <!-- a comment -->
            <?some-pi data?>
            <resource-agent name="x" novel="1">
              <version>1.1</version>
              <vendor-url>https://example.com</vendor-url>
              <special tag="x"><parameter name="hidden"/><action name="hidden"/></special>
              <parameters extra="y">
                <parameter name="p" novel="z">
                  <getopt mixed="-p"/>
                  <content type="integer" default="1" unit="s"><option value="ignored"/></content>
                  <content type="boolean"/>
                  <shortdesc lang="en">P<sub>1</sub></shortdesc>
                  <unknown><longdesc>not mine</longdesc></unknown>
                </parameter>
                <parameter><shortdesc>no name</shortdesc></parameter>
                <parameter name=""/>
                <notaparameter name="q"/>
              </parameters>
              <parameters><parameter name="second-list"/></parameters>
              <actions><action name="start" automatic="0" on_target="1"/><action timeout="1s"/><other name="x"/></actions>
              <actions><action name="second-list"/></actions>
              <version>9.9</version>
            </resource-agent>
            <!-- trailing comment -->
            "#;
        let s = parse(xml);
        assert_eq!(s.ocf_version, "1.1", "only the first <version> counts");
        let names: Vec<_> = s.params.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["p"]);
        let p = &s.params[0];
        assert_eq!(p.content, ContentType::Integer, "only the first <content> counts");
        assert_eq!(p.shortdesc.as_deref(), Some("P1"));
        assert_eq!(p.longdesc, None);
        let actions: Vec<_> = s.actions.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(actions, ["start"]);
    }

    #[test]
    fn keeps_unknown_content_types() {
        let xml = r#"<resource-agent name="pacemaker-controld" version="2.1.5">
          <version>1.1</version>
          <parameters>
            <parameter name="load-threshold"><content type="percentage" default="80%"/></parameter>
            <parameter name="shell-timeout"><content type="second" default="5"/></parameter>
            <parameter name="typeless"><content default="x"/></parameter>
            <parameter name="empty-select"><content type="select"/></parameter>
          </parameters>
        </resource-agent>"#;
        let s = parse(xml);
        assert_eq!(s.param("load-threshold").unwrap().content, ContentType::Other("percentage".to_string()));
        assert_eq!(s.param("shell-timeout").unwrap().content, ContentType::Other("second".to_string()));
        assert_eq!(s.param("typeless").unwrap().content, ContentType::String);
        assert_eq!(s.param("typeless").unwrap().default.as_deref(), Some("x"));
        assert_eq!(s.param("empty-select").unwrap().content, ContentType::Select(Vec::new()));
        assert!(s.actions.is_empty());
    }

    #[test]
    fn reads_fence_agent_extras() {
        let xml = r#"<?xml version="1.0" ?>
<resource-agent name="fence_x" shortdesc="Fence agent for X" >
<symlink name="fence_y" shortdesc="Fence agent for Y"/>
<longdesc>fence_x fences X.</longdesc>
<vendor-url></vendor-url>
<parameters>
	<parameter name="ip" unique="0" required="0" obsoletes="ipaddr">
		<getopt mixed="-a, --ip=[ip]" />
		<content type="string"  />
		<shortdesc lang="en">IP address</shortdesc>
	</parameter>
	<parameter name="ipaddr" unique="0" required="0" deprecated="1">
		<content type="string"  />
	</parameter>
	<parameter name="method" obsoletes="not-deprecated">
		<content type="select" default="onoff"><option value="onoff" /><option value="cycle" /></content>
	</parameter>
	<parameter name="not-deprecated"/>
</parameters>
<actions>
	<action name="on" automatic="0"/>
	<action name="off" />
	<action name="monitor" />
</actions>
</resource-agent>"#;
        let s = parse(xml);
        assert_eq!(s.shortdesc.as_deref(), Some("Fence agent for X"));
        assert_eq!(s.longdesc.as_deref(), Some("fence_x fences X."));
        assert_eq!(s.agent_version, None);
        let ipaddr = s.param("ipaddr").unwrap();
        assert!(ipaddr.deprecated);
        assert_eq!(ipaddr.replaced_with, ["ip"]);
        assert!(s.param("not-deprecated").unwrap().replaced_with.is_empty());
        assert_eq!(s.param("method").unwrap().content, ContentType::Select(vec!["onoff".to_string(), "cycle".to_string()]));
        let with_element = parse(r#"<resource-agent shortdesc="attr"><shortdesc>element</shortdesc></resource-agent>"#);
        assert_eq!(with_element.shortdesc.as_deref(), Some("element"));
    }

    #[test]
    fn empty_and_self_closing_documents() {
        let s = parse("\u{feff}<resource-agent/>");
        assert_eq!(s.ocf_version, "");
        assert!(s.params.is_empty() && s.actions.is_empty());
        let s = parse("<resource-agent><version/><parameters/><actions/></resource-agent>");
        assert_eq!(s.ocf_version, "");
        let s = parse("<resource-agent><version>\n  1.1\n</version></resource-agent>");
        assert_eq!(s.ocf_version, "1.1");
        assert!(s.is_ocf_1_1_or_later());
    }

    #[test]
    fn rejects_a_wrong_root() {
        let xml = "<?xml version=\"1.0\"?>\n<html><body/></html>";
        let e = error(xml);
        assert!(e.message.contains("<html>") && e.message.contains("<resource-agent>"), "{e}");
        assert_eq!(e.offset, xml.find("<html").unwrap());

        let e = error("<resource-agents/>");
        assert!(e.message.contains("<resource-agents>"), "{e}");
    }

    #[test]
    fn rejects_non_xml() {
        for input in [
            "",
            "   \n",
            "hello world",
            "usage: fence_ack_manual <nodename>",
            "<<<>>>",
            "\0\0\0",
            "<",
            "&amp;",
            "<!-- only a comment -->",
            "<![CDATA[x]]>",
            "\u{feff}",
        ] {
            let e = error(input);
            assert!(e.offset <= input.len(), "{input:?}: {e}");
            assert!(!e.message.is_empty());
        }
        assert!(error("").message.contains("empty"));
        assert!(error("hello").message.contains("before the <resource-agent> element"));
    }

    #[test]
    fn rejects_malformed_xml() {
        for input in [
            "<resource-agent><parameters></resource-agent>",
            "<resource-agent></resource-agent></resource-agent>",
            "<resource-agent></resource-agent><resource-agent/>",
            "<resource-agent/>trailing text",
            "<resource-agent name='a' name='b'/>",
            "<resource-agent name=a/>",
            "<resource-agent><parameters><parameter name=\"x\" required></parameter></parameters></resource-agent>",
            "<resource-agent><longdesc>&#0;</longdesc></resource-agent>",
            "<resource-agent><longdesc>&#xZZ;</longdesc></resource-agent>",
            "<resource-agent><longdesc>a & b</longdesc></resource-agent>",
            "<resource-agent version=\"&#xD800;\"/>",
            "<resource-agent version=\"a &amp b\"/>",
            "<resource-agent><actions><action name=\"x\" timeout=\"&#99999999999;\"/></actions></resource-agent>",
        ] {
            let e = error(input);
            assert!(e.offset <= input.len(), "{input:?}: {e}");
        }
        let e = error("<resource-agent/><second/>");
        assert!(e.message.contains("after the </resource-agent>"), "{e}");
        assert_eq!(e.offset, "<resource-agent/>".len());
    }

    #[test]
    fn every_truncation_is_an_error() {
        for doc in [OCF_1_0, OCF_1_1] {
            let end = doc.find("</resource-agent>").unwrap() + "</resource-agent>".len();
            for cut in (0..end).filter(|&i| doc.is_char_boundary(i)) {
                let e = error(&doc[..cut]);
                assert!(e.offset <= cut, "cut at {cut}: {e}");
            }
            for cut in end..=doc.len() {
                parse(&doc[..cut]);
            }
        }
    }

    #[test]
    fn mutated_input_never_panics() {
        // Deterministic byte-level mutations of valid metadata (xorshift); only the absence of
        // panics matters, and errors must point inside the input.
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let alphabet = b"<>/=\"'&;#x![]-? \nabcCDATA1";
        for doc in [OCF_1_0, OCF_1_1] {
            for _ in 0..3000 {
                let mut bytes = doc.as_bytes().to_vec();
                for _ in 0..(next() % 4 + 1) {
                    let at = (next() as usize) % bytes.len();
                    let byte = alphabet[(next() as usize) % alphabet.len()];
                    match next() % 3 {
                        0 => bytes[at] = byte,
                        1 => bytes.insert(at, byte),
                        _ => {
                            bytes.remove(at);
                        }
                    }
                }
                let text = String::from_utf8_lossy(&bytes);
                if let Err(e) = parse_metadata(&text) {
                    assert!(e.offset <= text.len(), "{e}");
                }
            }
        }
    }

    #[test]
    fn large_and_deep_inputs_are_linear() {
        // 20 000 parameters, a 1 MB description and 100 000 nested unknown elements.
        let mut xml = String::from("<resource-agent><version>1.1</version><longdesc>");
        for _ in 0..100_000 {
            xml.push_str("ab &amp; ");
        }
        xml.push_str("</longdesc><parameters>");
        for i in 0..20_000 {
            xml.push_str(&format!(
                "<parameter name=\"p{i}\" unique-group=\"g\" reloadable=\"1\"><shortdesc lang=\"de\">x</shortdesc><shortdesc>y</shortdesc>\
                 <content type=\"select\"><option value=\"a\"/><option value=\"b\"/></content></parameter>"
            ));
        }
        xml.push_str("</parameters><special>");
        for _ in 0..100_000 {
            xml.push_str("<n>");
        }
        for _ in 0..100_000 {
            xml.push_str("</n>");
        }
        xml.push_str("</special></resource-agent>");
        let started = std::time::Instant::now();
        let s = parse(&xml);
        assert_eq!(s.params.len(), 20_000);
        assert_eq!(s.param("p19999").unwrap().shortdesc.as_deref(), Some("y"));
        assert_eq!(s.longdesc.as_ref().map(String::len), Some(100_000 * 5 - 1));
        assert!(started.elapsed() < std::time::Duration::from_secs(20), "took {:?}", started.elapsed());
    }
}
