//! Reads any CIB XML into a tree of elements, attributes and comments with byte spans, for lint
//! and import.
//!
//! quick-xml splits the text into markup (it finds where each tag, comment and declaration ends,
//! quotes included); everything else is done here in one pass with an explicit stack, so the
//! cost is linear in the input and deep nesting cannot overflow the call stack:
//!
//! - **Start tags** are parsed here, straight from the text, so every attribute name and value
//!   has an exact span. Attributes must be quoted (either quote), separated by whitespace and
//!   unique. Values are read as an XML parser must (and libxml2, hence Pacemaker, does): the five
//!   predefined entities and character references (`&#10;`, `&#x9;`) are resolved, literal tabs,
//!   newlines and carriage returns become spaces (`\r\n` one space), and `<`, a bare `&`, other
//!   entities and control characters are errors.
//! - **Entities are never expanded.** A DOCTYPE that declares entities is rejected (that is
//!   where "billion laughs" and external-entity attacks live; a CIB never needs one), any other
//!   DOCTYPE is ignored, and a reference to anything but the five predefined entities is an error.
//!   Nothing is allocated beyond the tree itself: an attribute value costs its own length.
//! - Elements may nest [`MAX_DEPTH`] deep.
//! - Comments inside the root element are kept as [`XmlNode::Comment`]; comments outside it,
//!   processing instructions, the XML declaration and text (CIBs have no text content) are
//!   skipped, once checked to be well-formed (so that what Pacemaker would reject is not
//!   accepted here: characters XML forbids, `]]>` in text, a misplaced or malformed
//!   declaration). Text outside the root must be whitespace. A UTF-8 byte-order mark is skipped.
//!
//! The first problem ends reading with an [`XmlError`] whose span points at the text at fault
//! and whose message names it the way a person would. Accepting and rejecting agree with
//! libxml2 (`xmllint`) on randomly mutated CIBs, except that a DOCTYPE declaring entities is
//! refused here.

use std::collections::HashSet;
use std::fmt;

use quick_xml::errors::{Error as QuickError, IllFormedError, SyntaxError};
use quick_xml::events::Event;
use quick_xml::Reader;

use crate::span::Span;

/// How deep elements may nest (the root is at depth 1).
pub const MAX_DEPTH: usize = 256;

/// A CIB element as read from XML, with where it and each attribute value are in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlElement {
    pub name: compact_str::CompactString,
    pub attrs: Vec<XmlAttr>,
    pub children: Vec<XmlNode>,
    /// The start tag, from `<` to `>` inclusive (the whole element when it is empty, `<x/>`).
    pub span: Span,
    /// Byte offset just past the element's end (past `</x>`, or past `/>`).
    pub end: u32,
}

/// One attribute of an element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlAttr {
    pub name: compact_str::CompactString,
    /// The value with references resolved and whitespace normalised, as Pacemaker sees it.
    pub value: compact_str::CompactString,
    pub name_span: Span,
    /// The value as written, inside the quotes.
    pub value_span: Span,
}

/// What an element contains that is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum XmlNode {
    Element(XmlElement),
    /// A comment's text (between `<!--` and `-->`, as written) and the span of the whole comment.
    Comment {
        text: String,
        span: Span,
    },
}

/// Why a text could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlError {
    pub message: String,
    pub span: Span,
}

impl fmt::Display for XmlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for XmlError {}

impl XmlElement {
    /// The attribute with this name.
    pub fn get(&self, name: &str) -> Option<&XmlAttr> {
        self.attrs.iter().find(|a| a.name == name)
    }

    /// The value of the attribute with this name.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.get(name).map(|a| a.value.as_str())
    }

    /// The child elements, in order (comments skipped).
    pub fn elements(&self) -> impl Iterator<Item = &XmlElement> {
        self.children.iter().filter_map(|c| match c {
            XmlNode::Element(e) => Some(e),
            XmlNode::Comment { .. } => None,
        })
    }

    /// The first child element with this name.
    pub fn child(&self, name: &str) -> Option<&XmlElement> {
        self.elements().find(|e| e.name == name)
    }

    /// The child elements with this name, in order.
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a XmlElement> {
        self.elements().filter(move |e| e.name == name)
    }

    /// The whole element, from its start tag to past its end tag.
    pub fn full_span(&self) -> Span {
        Span { start: self.span.start, end: self.end }
    }
}

/// Reads an XML document (a CIB, or any XML) into its root element.
///
/// # Errors
///
/// When the text is not well-formed XML, has no root element, declares entities, or nests
/// elements more than [`MAX_DEPTH`] deep.
pub fn read_xml(text: &str) -> Result<XmlElement, XmlError> {
    // quick-xml would drop a byte-order mark without counting it in its positions.
    let base = if text.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { 0 };
    let body = text.get(base..).unwrap_or_default();
    if body.starts_with('\u{feff}') {
        // quick-xml would drop this one too, again without counting it.
        return Err(XmlError {
            message: "text before the root element: a second byte-order mark (U+FEFF)".to_string(),
            span: Span::new(base, base + '\u{feff}'.len_utf8()),
        });
    }
    Parser::new(text, body, base).run().map_err(|e| XmlError { span: char_aligned(text, e.span), ..e })
}

/// The span, widened to character boundaries and clamped to the text (a safety net: spans are
/// computed on boundaries already).
fn char_aligned(text: &str, span: Span) -> Span {
    let len = text.len();
    let mut start = span.range().start.min(len);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = span.range().end.clamp(start, len);
    while !text.is_char_boundary(end) {
        end += 1;
    }
    Span::new(start, end)
}

/// Attributes compared pairwise before a set is used to find duplicates.
const LINEAR_DUPLICATE_CHECK: usize = 16;

struct Parser<'a> {
    /// The whole input; spans are offsets into it.
    text: &'a str,
    /// Where the text quick-xml reads starts in `text` (after a byte-order mark).
    base: usize,
    reader: Reader<&'a [u8]>,
    /// The open elements, innermost last, each with where its children start in `children`.
    stack: Vec<(XmlElement, usize)>,
    /// The children read so far of every open element, outermost first. An element's children
    /// move into it, in one exactly sized vector, when it closes: a large CIB's tree then holds no
    /// spare capacity.
    children: Vec<XmlNode>,
    /// The attributes of the start tag being read (reused from tag to tag for the same reason).
    attrs: Vec<XmlAttr>,
    root: Option<XmlElement>,
    doctype_seen: bool,
    /// Attribute names of the current start tag, once it has many.
    names: HashSet<&'a str>,
}

fn offset(position: u64) -> usize {
    usize::try_from(position).unwrap_or(usize::MAX)
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

fn is_name_start(c: char) -> bool {
    matches!(c,
        ':' | 'A'..='Z' | '_' | 'a'..='z'
        | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}' | '\u{F8}'..='\u{2FF}' | '\u{370}'..='\u{37D}'
        | '\u{37F}'..='\u{1FFF}' | '\u{200C}'..='\u{200D}' | '\u{2070}'..='\u{218F}'
        | '\u{2C00}'..='\u{2FEF}' | '\u{3001}'..='\u{D7FF}' | '\u{F900}'..='\u{FDCF}'
        | '\u{FDF0}'..='\u{FFFD}' | '\u{10000}'..='\u{EFFFF}')
}

fn is_name_char(c: char) -> bool {
    is_name_start(c) || matches!(c, '-' | '.' | '0'..='9' | '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}')
}

/// Whether XML allows this character in a document at all.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

/// Shortens what a message quotes from the input.
fn excerpt(s: &str) -> String {
    const MAX: usize = 40;
    match s.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", s.get(..cut).unwrap_or_default()),
        None => s.to_string(),
    }
}

/// How a character is named in a message.
fn describe(c: char) -> String {
    if c.is_control() || c.is_whitespace() || !is_xml_char(c) {
        format!("U+{:04X}", u32::from(c))
    } else {
        format!("`{c}`")
    }
}

impl<'a> Parser<'a> {
    fn new(text: &'a str, body: &'a str, base: usize) -> Self {
        let mut reader = Reader::from_str(body);
        let config = reader.config_mut();
        // Tag nesting is checked here, with better messages and spans.
        config.check_end_names = false;
        config.allow_unmatched_ends = true;
        // libxml2 rejects `--` inside comments, so Pacemaker never writes one.
        config.check_comments = true;
        config.expand_empty_elements = false;
        config.trim_text(false);
        Parser { text, base, reader, stack: Vec::new(), children: Vec::new(), attrs: Vec::new(), root: None, doctype_seen: false, names: HashSet::new() }
    }

    fn error(message: impl Into<String>, start: usize, end: usize) -> XmlError {
        XmlError { message: message.into(), span: Span::new(start, end.max(start)) }
    }

    fn slice(&self, start: usize, end: usize) -> &'a str {
        self.text.get(start..end).unwrap_or_default()
    }

    fn byte(&self, at: usize) -> Option<u8> {
        self.text.as_bytes().get(at).copied()
    }

    fn char_at(&self, at: usize) -> Option<char> {
        self.text.get(at..).and_then(|s| s.chars().next())
    }

    /// The 1-based line of an offset, for messages that point elsewhere too.
    fn line_of(&self, at: usize) -> usize {
        self.text.as_bytes().get(..at).map_or(0, |s| s.iter().filter(|&&b| b == b'\n').count()) + 1
    }

    /// The end of the XML name starting at `at` (equal to `at` when there is none), not past `limit`.
    fn scan_name(&self, at: usize, limit: usize) -> usize {
        let Some(rest) = self.text.get(at..limit) else { return at };
        let mut i = 0;
        while let Some(&b) = rest.as_bytes().get(i) {
            // ASCII first: names in a CIB nearly always are.
            let (ok, len) = if b.is_ascii() {
                let start = b.is_ascii_alphabetic() || b == b'_' || b == b':';
                (start || i > 0 && (b.is_ascii_digit() || b == b'-' || b == b'.'), 1)
            } else {
                match rest.get(i..).and_then(|s| s.chars().next()) {
                    Some(c) => (if i == 0 { is_name_start(c) } else { is_name_char(c) }, c.len_utf8()),
                    None => (false, 0),
                }
            };
            if !ok {
                break;
            }
            i += len;
        }
        at + i
    }

    fn run(mut self) -> Result<XmlElement, XmlError> {
        loop {
            let start = self.base + offset(self.reader.buffer_position());
            let event = match self.reader.read_event() {
                Ok(event) => event,
                Err(e) => return Err(self.reader_error(&e)),
            };
            let end = self.base + offset(self.reader.buffer_position());
            match event {
                Event::Start(_) => self.open(start, end, false)?,
                Event::Empty(_) => self.open(start, end, true)?,
                Event::End(_) => self.close(start, end)?,
                Event::Text(_) => {
                    if self.stack.is_empty() && !self.slice(start, end).bytes().all(is_space) {
                        return Err(self.outside_root(start, end));
                    }
                    // Text is not kept, but what Pacemaker would reject is still an error.
                    self.check_chars(start, end)?;
                    if let Some(at) = self.slice(start, end).find("]]>") {
                        return Err(Self::error("`]]>` is not allowed in text: write `]]&gt;`", start + at, start + at + 3));
                    }
                }
                Event::CData(_) => {
                    if self.stack.is_empty() {
                        return Err(self.outside_root(start, end));
                    }
                    self.check_chars(start, end)?;
                }
                Event::GeneralRef(_) => {
                    if self.stack.is_empty() {
                        return Err(self.outside_root(start, end));
                    }
                    // Text is not kept, but a reference Pacemaker would reject is still an error.
                    self.reference(start, end)?;
                }
                Event::Comment(comment) => {
                    self.check_chars(start, end)?;
                    if !self.stack.is_empty() {
                        let text = comment.into_inner().into_owned();
                        self.children.push(XmlNode::Comment { text, span: Span::new(start, end) });
                    }
                }
                Event::DocType(_) => self.doctype(start, end)?,
                Event::Decl(_) => self.declaration(start, end)?,
                Event::PI(_) => {
                    self.check_chars(start, end)?;
                    self.processing_instruction(start, end)?;
                }
                Event::Eof => break,
            }
        }
        if let Some((open, _)) = self.stack.last() {
            return Err(XmlError { message: format!("unclosed element <{}> opened here (the text ends before its end tag)", open.name), span: open.span });
        }
        let len = self.text.len();
        match self.root.take() {
            Some(root) => Ok(root),
            None if self.slice(self.base, len).bytes().all(is_space) => Err(Self::error("the text is empty: expected an XML element such as <cib>", len, len)),
            None => Err(Self::error("no root element: expected an XML element such as <cib>", len, len)),
        }
    }

    fn outside_root(&self, start: usize, end: usize) -> XmlError {
        let skip = self.slice(start, end).bytes().take_while(|&b| is_space(b)).count();
        let what = if self.root.is_some() { "after the root element" } else { "before the root element" };
        let first = start + skip;
        let last = self.char_at(first).map_or(first, |c| first + c.len_utf8());
        Self::error(format!("text {what}: a document is one element, with only comments and whitespace around it"), first, last)
    }

    /// Checks that the text from `start` to `end` holds only characters XML allows.
    fn check_chars(&self, start: usize, end: usize) -> Result<(), XmlError> {
        let bytes = self.text.as_bytes().get(start..end).unwrap_or_default();
        let mut from = 0;
        while let Some(found) = bytes.get(from..).and_then(|rest| rest.iter().position(|&b| (b < 0x20 && !is_space(b)) || b == 0xEF)) {
            let at = start + from + found;
            let c = self.char_at(at).unwrap_or_default();
            if !is_xml_char(c) {
                return Err(Self::error(format!("{} is not allowed in XML", describe(c)), at, at + c.len_utf8()));
            }
            from += found + c.len_utf8().max(1);
        }
        Ok(())
    }

    /// `<?xml version="1.0" encoding="…" standalone="…"?>`: checked, then ignored (the text is
    /// already decoded).
    fn declaration(&mut self, start: usize, end: usize) -> Result<(), XmlError> {
        if start != self.base {
            return Err(Self::error("the XML declaration `<?xml …?>` must be at the very start of the text", start, end));
        }
        let attrs = self.attributes("?xml", start + "<?xml".len(), end.saturating_sub("?>".len()))?;
        let mut expected = ["version", "encoding", "standalone"].into_iter();
        for (i, attr) in attrs.iter().enumerate() {
            if i == 0 && attr.name != "version" {
                return Err(XmlError { message: "the XML declaration must start with version=\"1.0\"".to_string(), span: attr.name_span });
            }
            if !expected.any(|name| name == attr.name) {
                return Err(XmlError {
                    message: format!("unexpected `{}` in the XML declaration: it takes version, encoding and standalone, in that order", attr.name),
                    span: attr.name_span,
                });
            }
            let v = attr.value.as_str();
            let valid = match attr.name.as_str() {
                // As lenient as libxml2, which only warns about versions other than 1.0.
                "version" => v
                    .split_once('.')
                    .is_some_and(|(major, minor)| major.len() == 1 && major.bytes().all(|b| b.is_ascii_digit()) && minor.bytes().all(|b| b.is_ascii_digit())),
                "encoding" => {
                    v.bytes().next().is_some_and(|b| b.is_ascii_alphabetic()) && v.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
                }
                _ => v == "yes" || v == "no",
            };
            if !valid {
                return Err(XmlError { message: format!("invalid {} `{}` in the XML declaration", attr.name, excerpt(v)), span: attr.value_span });
            }
        }
        if attrs.is_empty() {
            return Err(Self::error("the XML declaration must start with version=\"1.0\"", start, end));
        }
        Ok(())
    }

    /// `<?target …?>`: skipped, once its target is seen to be a name other than `xml`.
    fn processing_instruction(&self, start: usize, end: usize) -> Result<(), XmlError> {
        let content_end = end.saturating_sub("?>".len());
        let target_end = self.scan_name(start + 2, content_end);
        let target = self.slice(start + 2, target_end);
        if target.is_empty() || target_end < content_end && !self.byte(target_end).is_some_and(is_space) {
            return Err(Self::error(
                "`<?` must be followed by the name of a processing instruction's target",
                start,
                self.scan_to_char_boundary(target_end + 1),
            ));
        }
        if target.eq_ignore_ascii_case("xml") {
            return Err(Self::error("`<?xml` is reserved for the XML declaration, which must be at the very start of the text", start, target_end));
        }
        Ok(())
    }

    fn doctype(&mut self, start: usize, end: usize) -> Result<(), XmlError> {
        if !self.stack.is_empty() || self.root.is_some() {
            return Err(Self::error("a DOCTYPE must come before the root element", start, end));
        }
        if self.doctype_seen {
            return Err(Self::error("a second DOCTYPE: a document has at most one", start, end));
        }
        self.doctype_seen = true;
        let decl = self.slice(start, end);
        if let Some(at) = decl.find("<!ENTITY") {
            let at = start + at;
            return Err(Self::error(
                "the DOCTYPE declares entities, which are not supported: a CIB never needs them, and \
                 expanding them is unsafe (\"billion laughs\", external files)",
                at,
                at + "<!ENTITY".len(),
            ));
        }
        Ok(())
    }

    /// A start tag `<name attr="value" …>` (or an empty element `<name …/>`) from `start` to `end`.
    fn open(&mut self, start: usize, end: usize, empty: bool) -> Result<(), XmlError> {
        let inner_end = end.saturating_sub(if empty { 2 } else { 1 });
        let name_start = start + 1;
        let name_end = self.scan_name(name_start, inner_end);
        if name_end == name_start {
            return Err(match self.char_at(name_start) {
                Some(c) if name_start < inner_end && !matches!(c, ' ' | '\t' | '\n' | '\r') => {
                    Self::error(format!("{} cannot start an element name", describe(c)), start, name_start + c.len_utf8())
                }
                _ => Self::error("`<` must be followed by an element name", start, start + 1),
            });
        }
        let name = self.slice(name_start, name_end);
        if self.stack.len() >= MAX_DEPTH {
            return Err(Self::error(format!("<{name}> is nested too deep: elements may nest at most {MAX_DEPTH} levels"), start, name_end));
        }
        if self.stack.is_empty() {
            if let Some(root) = &self.root {
                return Err(Self::error(
                    format!("a second root element <{name}> after </{}>: a document has exactly one root element", root.name),
                    start,
                    name_end,
                ));
            }
        }
        let attrs = self.attributes(name, name_end, inner_end)?;
        let element = XmlElement { name: name.into(), attrs, children: Vec::new(), span: Span::new(start, end), end: Span::new(end, end).end };
        if empty {
            self.attach(element);
        } else {
            self.stack.push((element, self.children.len()));
        }
        Ok(())
    }

    fn attach(&mut self, element: XmlElement) {
        if self.stack.is_empty() {
            self.root = Some(element);
        } else {
            self.children.push(XmlNode::Element(element));
        }
    }

    /// The attributes of a start tag, from after the element name to before `>` or `/>`.
    fn attributes(&mut self, element: &str, at: usize, end: usize) -> Result<Vec<XmlAttr>, XmlError> {
        let mut attrs = std::mem::take(&mut self.attrs);
        attrs.clear();
        self.read_attributes(&mut attrs, element, at, end)?;
        // Moved into a vector of exactly their number, not taken with the scratch's capacity.
        let mut exact = Vec::with_capacity(attrs.len());
        exact.append(&mut attrs);
        self.attrs = attrs;
        Ok(exact)
    }

    /// Reads the attributes of a start tag into `attrs`.
    fn read_attributes(&mut self, attrs: &mut Vec<XmlAttr>, element: &str, mut at: usize, end: usize) -> Result<(), XmlError> {
        self.names.clear();
        loop {
            let space_start = at;
            while self.byte(at).is_some_and(is_space) && at < end {
                at += 1;
            }
            if at >= end {
                return Ok(());
            }
            let name_end = self.scan_name(at, end);
            let c = self.char_at(at).unwrap_or('\0');
            if name_end == at {
                let message = match c {
                    '/' => format!("unexpected `/` in the start tag of <{element}>: `/` may only come right before `>`"),
                    '"' | '\'' => format!("an attribute value without a name in the start tag of <{element}>"),
                    _ => format!("unexpected {} in the start tag of <{element}>: expected an attribute name", describe(c)),
                };
                return Err(Self::error(message, at, at + c.len_utf8()));
            }
            let name = self.slice(at, name_end);
            if space_start == at {
                return Err(Self::error(format!("attribute `{name}` must be separated from what comes before it by whitespace"), at, name_end));
            }
            let name_span = Span::new(at, name_end);
            at = name_end;
            while self.byte(at).is_some_and(is_space) && at < end {
                at += 1;
            }
            if self.byte(at) != Some(b'=') || at >= end {
                return Err(XmlError { message: format!("attribute `{name}` has no value: expected `=\"…\"` after it"), span: name_span });
            }
            at += 1;
            while self.byte(at).is_some_and(is_space) && at < end {
                at += 1;
            }
            let quote = match self.byte(at) {
                Some(q @ (b'"' | b'\'')) if at < end => q,
                _ if at >= end => {
                    return Err(Self::error(format!("attribute `{name}` has no value after `=`"), name_span.range().start, at));
                }
                _ => {
                    let word = self.slice(at, end).bytes().take_while(|&b| !is_space(b)).count().max(1);
                    let word_end = self.scan_to_char_boundary(at + word);
                    return Err(Self::error(format!("the value of attribute `{name}` is not quoted: write {name}=\"…\""), at, word_end));
                }
            };
            let value_start = at + 1;
            let Some(close) = self.text.as_bytes().get(value_start..end).and_then(|s| s.iter().position(|&b| b == quote)) else {
                return Err(Self::error(format!("the value of attribute `{name}` is not closed: the closing `{}` is missing", quote as char), at, value_start));
            };
            let value_end = value_start + close;
            if let Some(previous) = self.duplicate(attrs, name) {
                let line = self.line_of(previous);
                return Err(XmlError { message: format!("duplicate attribute `{name}` on <{element}> (first given on line {line})"), span: name_span });
            }
            let value = self.attribute_value(value_start, value_end)?;
            attrs.push(XmlAttr { name: name.into(), value, name_span, value_span: Span::new(value_start, value_end) });
            at = value_end + 1;
        }
    }

    fn scan_to_char_boundary(&self, mut at: usize) -> usize {
        while at < self.text.len() && !self.text.is_char_boundary(at) {
            at += 1;
        }
        at.min(self.text.len())
    }

    /// Where an attribute of this name was already given on the tag being read, if it was.
    fn duplicate(&mut self, attrs: &[XmlAttr], name: &'a str) -> Option<usize> {
        if attrs.len() < LINEAR_DUPLICATE_CHECK {
            return attrs.iter().find(|a| a.name == name).map(|a| a.name_span.range().start);
        }
        if self.names.is_empty() {
            for a in attrs {
                let span = a.name_span.range();
                self.names.insert(self.slice(span.start, span.end));
            }
        }
        if self.names.insert(name) {
            None
        } else {
            attrs.iter().find(|a| a.name == name).map(|a| a.name_span.range().start)
        }
    }

    /// An attribute value as an XML parser reads it: references resolved, whitespace normalised.
    fn attribute_value(&self, start: usize, end: usize) -> Result<compact_str::CompactString, XmlError> {
        let raw = self.slice(start, end);
        let bytes = raw.as_bytes();
        let special = |b: &u8| *b == b'&' || *b == b'<' || *b < 0x20 || *b == 0xEF;
        if !bytes.iter().any(special) {
            return Ok(raw.into());
        }
        let mut out = String::with_capacity(raw.len());
        let mut copied = 0;
        let mut i = 0;
        while let Some(found) = bytes.get(i..).and_then(|rest| rest.iter().position(special)) {
            let j = i + found;
            out.push_str(raw.get(copied..j).unwrap_or_default());
            i = j + 1;
            match bytes.get(j).copied().unwrap_or_default() {
                b'&' => {
                    let semicolon = self.reference_end(start + j, end)?;
                    out.push(self.reference(start + j, semicolon + 1)?);
                    i = semicolon + 1 - start;
                }
                b'<' => {
                    return Err(Self::error("`<` is not allowed in an attribute value: write `&lt;`", start + j, start + j + 1));
                }
                b'\r' => {
                    out.push(' ');
                    if bytes.get(i) == Some(&b'\n') {
                        i += 1;
                    }
                }
                b'\t' | b'\n' => out.push(' '),
                0xEF => {
                    // U+FFFE and U+FFFF (EF BF BE/BF) are not XML characters; other EF sequences are.
                    let c = raw.get(j..).and_then(|s| s.chars().next()).unwrap_or_default();
                    if !is_xml_char(c) {
                        return Err(Self::error(format!("{} is not allowed in XML", describe(c)), start + j, start + j + c.len_utf8()));
                    }
                    out.push(c);
                    i = j + c.len_utf8();
                }
                b => {
                    return Err(Self::error(format!("the control character U+{b:04X} is not allowed in XML"), start + j, start + j + 1));
                }
            }
            copied = i;
        }
        out.push_str(raw.get(copied..).unwrap_or_default());
        Ok(out.into())
    }

    /// The `;` ending the reference whose `&` is at `amp` (not past `limit`).
    fn reference_end(&self, amp: usize, limit: usize) -> Result<usize, XmlError> {
        let rest = self.text.as_bytes().get(amp + 1..limit).unwrap_or_default();
        let len = rest.iter().take_while(|&&b| b.is_ascii_alphanumeric() || matches!(b, b'#' | b'_' | b'-' | b'.' | b':') || b >= 0x80).count();
        if rest.get(len) == Some(&b';') && len > 0 {
            return Ok(amp + 1 + len);
        }
        Err(Self::error("`&` must start a reference such as `&amp;` or `&#10;` (a literal `&` is written `&amp;`)", amp, amp + 1))
    }

    /// The character a reference `&…;` from `start` to `end` stands for.
    fn reference(&self, start: usize, end: usize) -> Result<char, XmlError> {
        let body = self.slice(start + 1, end.saturating_sub(1));
        let resolved = match body {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "apos" => Some('\''),
            "quot" => Some('"'),
            _ => None,
        };
        if let Some(c) = resolved {
            return Ok(c);
        }
        let Some(number) = body.strip_prefix('#') else {
            return Err(Self::error(
                format!(
                    "unknown entity `&{};`: only `&lt;` `&gt;` `&amp;` `&apos;` `&quot;` and character references such as `&#10;` are allowed",
                    excerpt(body)
                ),
                start,
                end,
            ));
        };
        let (digits, radix) = match number.strip_prefix('x') {
            Some(hex) => (hex, 16),
            None => (number, 10),
        };
        let code = if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
            None
        } else {
            digits.chars().try_fold(0u32, |n, c| n.checked_mul(radix)?.checked_add(c.to_digit(radix)?))
        };
        match code.and_then(char::from_u32) {
            Some(c) if is_xml_char(c) => Ok(c),
            Some(c) => Err(Self::error(format!("invalid character reference `&{};`: {} is not allowed in XML", excerpt(body), describe(c)), start, end)),
            None => Err(Self::error(
                format!("invalid character reference `&{};`: expected a decimal (`&#10;`) or hexadecimal (`&#xA;`) Unicode code point", excerpt(body)),
                start,
                end,
            )),
        }
    }

    /// An end tag `</name>` from `start` to `end`.
    fn close(&mut self, start: usize, end: usize) -> Result<(), XmlError> {
        let inner = self.slice(start + 2, end.saturating_sub(1));
        let name_len = inner.trim_end_matches([' ', '\t', '\n', '\r']).len();
        let name = inner.get(..name_len).unwrap_or_default();
        let name_end = self.scan_name(start + 2, start + 2 + name_len);
        if name.is_empty() || name_end != start + 2 + name_len {
            let message = if name.is_empty() {
                "`</` must be followed by an element name".to_string()
            } else {
                format!("invalid end tag `</{}>`: an end tag holds only the element name", excerpt(name))
            };
            return Err(Self::error(message, start, end));
        }
        let Some((mut element, children_from)) = self.stack.pop() else {
            let message = match &self.root {
                Some(root) => format!("end tag </{name}> after the root element <{}> was closed", root.name),
                None => format!("end tag </{name}> without a matching start tag"),
            };
            return Err(Self::error(message, start, end));
        };
        if element.name != name {
            let line = self.line_of(element.span.range().start);
            return Err(Self::error(
                format!("mismatched end tag </{name}>, expected </{}> (for the <{}> opened on line {line})", element.name, element.name),
                start,
                end,
            ));
        }
        element.end = Span::new(end, end).end;
        element.children = self.children.drain(children_from.min(self.children.len())..).collect();
        self.attach(element);
        Ok(())
    }

    /// Turns quick-xml's error into ours, with a precise span.
    fn reader_error(&self, error: &QuickError) -> XmlError {
        let at = self.base + offset(self.reader.error_position());
        let len = self.text.len();
        let opener = self.opener_end(at);
        let until_end = |what: &str, closing: &str| Self::error(format!("{what} is not closed: `{closing}` not found before the end of the text"), at, opener);
        match error {
            QuickError::Syntax(SyntaxError::UnclosedTag) => {
                let name = self.slice(at + 1, opener);
                if name.is_empty() || name == "/" {
                    Self::error("a tag is not closed: `>` not found before the end of the text", at, opener.max(at + 1).min(len))
                } else {
                    until_end(&format!("the tag <{name}"), ">")
                }
            }
            QuickError::Syntax(SyntaxError::UnclosedSingleQuotedAttributeValue | SyntaxError::UnclosedDoubleQuotedAttributeValue) => {
                let quote = self.open_quote(at);
                Self::error("an attribute value is not closed: its closing quote is missing before the end of the text", quote, quote + 1)
            }
            QuickError::Syntax(SyntaxError::UnclosedComment) => until_end("a comment", "-->"),
            QuickError::Syntax(SyntaxError::UnclosedCData) => until_end("a CDATA section", "]]>"),
            QuickError::Syntax(SyntaxError::UnclosedDoctype) => until_end("the DOCTYPE", ">"),
            QuickError::Syntax(SyntaxError::UnclosedPI) => until_end("a processing instruction", "?>"),
            QuickError::Syntax(SyntaxError::UnclosedXmlDecl) => until_end("the XML declaration", "?>"),
            QuickError::Syntax(SyntaxError::InvalidBangMarkup) => {
                Self::error("`<!` must start a comment `<!--`, a CDATA section `<![CDATA[` or a `<!DOCTYPE`", at, (at + 2).min(len))
            }
            QuickError::IllFormed(IllFormedError::DoubleHyphenInComment) => Self::error("`--` is not allowed inside a comment", at, (at + 2).min(len)),
            QuickError::IllFormed(IllFormedError::UnclosedReference) => {
                Self::error("`&` must start a reference such as `&amp;` or `&#10;` (a literal `&` is written `&amp;`)", at, (at + 1).min(len))
            }
            QuickError::IllFormed(IllFormedError::MissingDoctypeName) => Self::error("the DOCTYPE has no name", at, (at + 1).min(len)),
            other => Self::error(format!("not well-formed XML: {other}"), at, self.scan_to_char_boundary(at + 1)),
        }
    }

    /// The end of `<name`, `</name`, `<!--`, `<?name` … starting at `at`, for error spans.
    fn opener_end(&self, at: usize) -> usize {
        let len = self.text.len();
        let mut i = at + 1;
        match self.byte(i) {
            Some(b'/' | b'?') => i += 1,
            Some(b'!') => {
                i += 1;
                while self.byte(i) == Some(b'-') && i < at + 4 {
                    i += 1;
                }
            }
            _ => {}
        }
        let end = self.scan_name(i.min(len), len);
        end.max(at + 1).min(len)
    }

    /// The quote that opens the attribute value left open at the end of the text, in the tag at `at`.
    fn open_quote(&self, at: usize) -> usize {
        let mut open = None;
        for (i, &b) in self.text.as_bytes().get(at..).unwrap_or_default().iter().enumerate() {
            match (open, b) {
                (None, b'"' | b'\'') => open = Some((at + i, b)),
                (Some((_, q)), b) if b == q => open = None,
                _ => {}
            }
        }
        open.map_or(at, |(i, _)| i)
    }
}

#[cfg(test)]
#[allow(clippy::panic, clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing, reason = "tests report failures by panicking")]
mod tests {
    use std::borrow::Cow;
    use std::time::Instant;

    use quick_xml::events::attributes::Attribute;
    use quick_xml::XmlVersion;

    use super::*;

    fn read(text: &str) -> XmlElement {
        match read_xml(text) {
            Ok(root) => root,
            Err(e) => panic!("{text:?} should read, got {e:?}"),
        }
    }

    /// The error, checked to lie inside the text.
    fn fails(text: &str) -> XmlError {
        match read_xml(text) {
            Ok(root) => panic!("{text:?} should fail, read {root:?}"),
            Err(e) => {
                assert!(text.get(e.span.range()).is_some(), "span {:?} outside {text:?}", e.span);
                e
            }
        }
    }

    fn at(text: &str, span: Span) -> &str {
        &text[span.range()]
    }

    /// An independent reading of an attribute value as written: quick-xml's XML 1.0 normalisation.
    fn oracle(raw: &str) -> String {
        let attribute = Attribute { key: quick_xml::name::QName("k"), value: Cow::Borrowed(raw) };
        attribute.normalized_value(XmlVersion::Implicit1_0).unwrap().into_owned()
    }

    const CIB: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!-- before the root: skipped -->
<cib epoch="3" num_updates='0' admin_epoch = "0">
  <configuration>
    <!-- the resources -->
    <resources>
      <primitive id="db" class="ocf" provider="heartbeat" type="pgsql">
        <instance_attributes id="db-params">
          <nvpair id="db-params-x" name="x" value="a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos;"/>
        </instance_attributes>
      </primitive>
    </resources>
    <constraints/>
  </configuration>
  <status>text is ignored</status>
</cib>
"#;

    #[test]
    fn reads_a_tree() {
        let root = read(CIB);
        assert_eq!(root.name, "cib");
        assert_eq!(root.value("epoch"), Some("3"));
        assert_eq!(root.value("num_updates"), Some("0"));
        assert_eq!(root.value("admin_epoch"), Some("0"));
        assert_eq!(root.value("missing"), None);
        let names: Vec<&str> = root.elements().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["configuration", "status"]);
        let configuration = root.child("configuration").unwrap();
        assert!(matches!(&configuration.children[0], XmlNode::Comment { text, .. } if text == " the resources "));
        let primitive = configuration.child("resources").unwrap().child("primitive").unwrap();
        assert_eq!(primitive.attrs.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(), ["id", "class", "provider", "type"]);
        let nvpair = primitive.children_named("instance_attributes").next().unwrap().child("nvpair").unwrap();
        assert_eq!(nvpair.value("value"), Some("a & b <c> \"d\" 'e'"));
        assert_eq!(root.child("status").unwrap().children, []);
        assert!(configuration.child("constraints").unwrap().children.is_empty());
    }

    #[test]
    fn spans_point_at_the_text() {
        let root = read(CIB);
        assert_eq!(at(CIB, root.span), "<cib epoch=\"3\" num_updates='0' admin_epoch = \"0\">");
        assert!(at(CIB, root.full_span()).ends_with("</status>\n</cib>"));
        assert_eq!(root.end as usize, CIB.trim_end().len());
        let epoch = root.get("admin_epoch").unwrap();
        assert_eq!(at(CIB, epoch.name_span), "admin_epoch");
        assert_eq!(at(CIB, epoch.value_span), "0");
        assert_eq!(at(CIB, root.get("num_updates").unwrap().name_span), "num_updates");
        let configuration = root.child("configuration").unwrap();
        let XmlNode::Comment { span, .. } = &configuration.children[0] else { panic!() };
        assert_eq!(at(CIB, *span), "<!-- the resources -->");
        let constraints = configuration.child("constraints").unwrap();
        assert_eq!(at(CIB, constraints.span), "<constraints/>");
        assert_eq!(constraints.end, constraints.span.end);
        let nvpair = configuration.child("resources").unwrap().elements().next().unwrap().elements().next().unwrap().child("nvpair").unwrap();
        let value = nvpair.get("value").unwrap();
        assert_eq!(at(CIB, value.value_span), "a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos;");
        assert_eq!(at(CIB, nvpair.get("id").unwrap().value_span), "db-params-x");
        for a in &nvpair.attrs {
            assert_eq!(oracle(at(CIB, a.value_span)), a.value);
        }
    }

    #[test]
    fn spans_count_a_byte_order_mark_and_multibyte_text() {
        let text = "\u{feff}<cib é=\"ü\"><x a='ß'/></cib>";
        let root = read(text);
        assert_eq!(at(text, root.span), "<cib é=\"ü\">");
        assert_eq!(at(text, root.get("é").unwrap().value_span), "ü");
        let x = root.child("x").unwrap();
        assert_eq!(at(text, x.get("a").unwrap().value_span), "ß");
        assert_eq!(root.end as usize, text.len());
    }

    #[test]
    fn references_and_whitespace_in_values() {
        let text = "<a nl='x&#10;y' tab=\"&#9;&#x9;\" cr='&#13;' q=\"&quot;'\" s='\"&apos;' hex='&#x41;&#X;' />";
        let e = fails(text);
        assert!(e.message.contains("invalid character reference `&#X;`"), "{e:?}");
        let text = "<a nl='x&#10;y' tab=\"&#9;&#x9;\" cr='&#13;' q=\"&quot;'\" s='\"&apos;' hex='&#x41;&#x1F600;' amp='&amp;lt;'/>";
        let root = read(text);
        assert_eq!(root.value("nl"), Some("x\ny"));
        assert_eq!(root.value("tab"), Some("\t\t"));
        assert_eq!(root.value("cr"), Some("\r"));
        assert_eq!(root.value("q"), Some("\"'"));
        assert_eq!(root.value("s"), Some("\"'"));
        assert_eq!(root.value("hex"), Some("A😀"));
        assert_eq!(root.value("amp"), Some("&lt;"));
        // Literal whitespace is normalised as by every XML parser: it is what Pacemaker sees.
        let text = "<a v='a\tb\nc\r\nd\re  f' e=''/>";
        let root = read(text);
        assert_eq!(root.value("v"), Some("a b c d e  f"));
        assert_eq!(root.value("e"), Some(""));
        for a in &root.attrs {
            assert_eq!(oracle(at(text, a.value_span)), a.value);
        }
    }

    #[test]
    fn invalid_references() {
        for (text, wanted, bad) in [
            ("<a v='&foo;'/>", "unknown entity `&foo;`", "&foo;"),
            ("<a v='&#0;'/>", "U+0000 is not allowed", "&#0;"),
            ("<a v='&#xD800;'/>", "invalid character reference", "&#xD800;"),
            ("<a v='&#99999999999;'/>", "invalid character reference", "&#99999999999;"),
            ("<a v='&#x;'/>", "invalid character reference", "&#x;"),
            ("<a v='&#12a;'/>", "invalid character reference", "&#12a;"),
            ("<a v='a & b'/>", "`&` must start a reference", "&"),
            ("<a v='a &amp b'/>", "`&` must start a reference", "&"),
            ("<a v='&'/>", "`&` must start a reference", "&"),
            ("<a v='a<b'/>", "`<` is not allowed in an attribute value", "<"),
            ("<a v='\u{1}'/>", "control character U+0001", "\u{1}"),
            ("<a v='\u{FFFE}'/>", "U+FFFE is not allowed", "\u{FFFE}"),
            ("<a>&nbsp;</a>", "unknown entity `&nbsp;`", "&nbsp;"),
            ("<a>&#1;</a>", "U+0001 is not allowed", "&#1;"),
            ("<a>a & b</a>", "`&` must start a reference", "&"),
        ] {
            let e = fails(text);
            assert!(e.message.contains(wanted), "{text}: {e:?}");
            assert_eq!(at(text, e.span), bad, "{text}: {e:?}");
        }
        // Other characters starting with the byte EF are fine.
        assert_eq!(read("<a v='\u{FEFF}\u{F000}'/>").value("v"), Some("\u{FEFF}\u{F000}"));
    }

    #[test]
    fn comments_are_kept_inside_the_root_only() {
        let text = "<!--a--><r><!--b--><x/><!-- c -->\n</r><!--d-->";
        let root = read(text);
        let comments: Vec<&str> = root
            .children
            .iter()
            .filter_map(|c| match c {
                XmlNode::Comment { text, .. } => Some(text.as_str()),
                XmlNode::Element(_) => None,
            })
            .collect();
        assert_eq!(comments, ["b", " c "]);
        assert_eq!(root.elements().count(), 1);
        let e = fails("<r><!-- a -- b --></r>");
        assert!(e.message.contains("`--`"), "{e:?}");
    }

    #[test]
    fn skipped_markup() {
        let text =
            "<?xml version='1.0'?>\n<!DOCTYPE cib SYSTEM \"cib.dtd\">\n<?pi stuff?>\n<cib><![CDATA[<not a tag>]]><?pi?>\ntext &amp; &#10; more</cib>\n\n";
        let root = read(text);
        assert!(root.children.is_empty());
        let e = fails("<!-- x --><?xml version='1.0'?><cib/>");
        assert!(e.message.contains("XML declaration"), "{e:?}");
        assert_eq!(at("<!-- x --><?xml version='1.0'?><cib/>", e.span), "<?xml version='1.0'?>");
        read("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone='no' ?><?xml-stylesheet href='a'?><cib/>");
        read("<?xml version='1.1'?><cib><?target?></cib>");
    }

    #[test]
    fn malformed_declarations() {
        check("<?xml?><cib/>", "must start with version=\"1.0\"", "<?xml?>");
        check("<?xml encoding='UTF-8'?><cib/>", "must start with version", "encoding");
        check("<?xml version='1.0' standalone='yes' encoding='UTF-8'?><cib/>", "unexpected `encoding`", "encoding");
        check("<?xml version='1.0' foo='1'?><cib/>", "unexpected `foo`", "foo");
        check("<?xml version='10'?><cib/>", "invalid version `10`", "10");
        check("<?xml version='1.0' encoding='8bit'?><cib/>", "invalid encoding", "8bit");
        check("<?xml version='1.0' standalone='maybe'?><cib/>", "invalid standalone", "maybe");
        check("<?xml version=1.0?><cib/>", "not quoted", "1.0");
        check("<?xml version'1.0'?><cib/>", "attribute `version` has no value", "version");
        check("<?xml<version='1.0'?><cib/>", "`<?` must be followed by the name", "<?xml<");
        check("<cib><?XML x?></cib>", "`<?xml` is reserved", "<?XML");
        check("<cib><??></cib>", "`<?` must be followed by the name", "<??");
        check("<?xml version='11.0'?><cib/>", "invalid version `11.0`", "11.0");
        read("<?xml version='1.'?><cib/>");
    }

    #[test]
    fn characters_xml_forbids() {
        check("<cib>a ]]> b</cib>", "`]]>` is not allowed in text", "]]>");
        check("<cib>a \u{1} b</cib>", "U+0001 is not allowed in XML", "\u{1}");
        check("<cib><!-- \u{FFFF} --></cib>", "U+FFFF is not allowed in XML", "\u{FFFF}");
        check("<cib><![CDATA[\u{0}]]></cib>", "U+0000 is not allowed in XML", "\u{0}");
        check("<cib><?pi \u{8}?></cib>", "U+0008 is not allowed in XML", "\u{8}");
        read("<cib>\u{FEFF} \u{FFFD} ]] > \t\r\n<![CDATA[ ]] ]]></cib>");
    }

    fn check(text: &str, wanted: &str, span: &str) {
        let e = fails(text);
        assert!(e.message.contains(wanted), "{text:?}: {e:?}");
        assert_eq!(at(text, e.span), span, "{text:?}: {e:?}");
    }

    #[test]
    fn truncated_input() {
        check("", "the text is empty", "");
        check("  \n ", "the text is empty", "");
        check("<?xml version='1.0'?><!-- only -->", "no root element", "");
        check("<cib>\n  <configuration>\n    <primitive id='x'>", "unclosed element <primitive> opened here", "<primitive id='x'>");
        check("<cib>\n  <configuration>\n    <primitive id='x'", "the tag <primitive is not closed", "<primitive");
        check("<cib><primitive id='x", "attribute value is not closed", "'");
        check("<cib><primitive id=\"x", "attribute value is not closed", "\"");
        check("<cib><primitive a='1' id=\"x'", "attribute value is not closed", "\"");
        check("<cib><!-- c", "comment is not closed", "<!--");
        check("<cib><![CDATA[ x", "CDATA section is not closed", "<!");
        check("<cib></cib", "the tag </cib is not closed", "</cib");
        check("<cib><", "a tag is not closed", "<");
        check("<cib>&am", "`&` must start a reference", "&");
        check("<?xml version='1.0'", "XML declaration is not closed", "<?xml");
        check("<!DOCTYPE cib [", "DOCTYPE is not closed", "<!DOCTYPE");
    }

    #[test]
    fn mismatched_and_stray_tags() {
        let text = "<cib>\n<clone id='c'>\n<group id='g'>\n</clone>";
        check(text, "mismatched end tag </clone>, expected </group> (for the <group> opened on line 3)", "</clone>");
        check("<cib><clone></group></cib>", "mismatched end tag </group>, expected </clone>", "</group>");
        check("</cib>", "end tag </cib> without a matching start tag", "</cib>");
        check("<cib/></cib>", "end tag </cib> after the root element <cib> was closed", "</cib>");
        check("<cib/><cib/>", "a second root element <cib> after </cib>", "<cib");
        check("<cib></cib>x", "text after the root element", "x");
        check("junk<cib/>", "text before the root element", "j");
        check("<cib></ cib>", "invalid end tag", "</ cib>");
        check("<cib></cib x='1'>", "invalid end tag", "</cib x='1'>");
        check("<cib></>", "`</` must be followed by an element name", "</>");
        check("<cib><></cib>", "`<` must be followed by an element name", "<");
        check("<cib>< x/></cib>", "`<` must be followed by an element name", "<");
        check("<cib><1x/></cib>", "`1` cannot start an element name", "<1");
        // End tags may have whitespace before `>`.
        assert_eq!(read("<cib\n></cib\n >").name, "cib");
    }

    #[test]
    fn malformed_attributes() {
        check("<cib a=1/>", "the value of attribute `a` is not quoted: write a=\"…\"", "1");
        check("<cib a=value b='1'>", "the value of attribute `a` is not quoted", "value");
        check("<cib a b='1'/>", "attribute `a` has no value", "a");
        check("<cib a/>", "attribute `a` has no value", "a");
        check("<cib a=/>", "attribute `a` has no value after `=`", "a=");
        check("<cib a='1'b='2'/>", "attribute `b` must be separated", "b");
        check("<cib a='1' / >", "unexpected `/`", "/");
        check("<cib 'x'/>", "an attribute value without a name", "'");
        check("<cib a='1' $='2'/>", "unexpected `$`", "$");
        check("<cib id='1' x='2' id=\"3\"/>", "duplicate attribute `id` on <cib> (first given on line 1)", "id");
        // Many attributes are checked with a set.
        let mut many: String = "<cib".into();
        for i in 0..100 {
            many.push_str(&format!(" a{i}='{i}'"));
        }
        let ok = format!("{many}/>");
        assert_eq!(read(&ok).attrs.len(), 100);
        let dup = format!("{many} a50='x'/>");
        check(&dup, "duplicate attribute `a50`", "a50");
        let dup = format!("{many} a99='x'/>");
        check(&dup, "duplicate attribute `a99`", "a99");
        // `>` and the other quote are fine inside values; whitespace around `=` too.
        let root = read("<cib a = \"x>'y\" b\n=\n'\"'/>");
        assert_eq!(root.value("a"), Some("x>'y"));
        assert_eq!(root.value("b"), Some("\""));
    }

    #[test]
    fn entities_are_never_expanded() {
        let laughs = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<lolz a="&lol9;">&lol9;</lolz>"#;
        check(laughs, "the DOCTYPE declares entities, which are not supported", "<!ENTITY");
        let external = "<!DOCTYPE cib [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><cib a='&xxe;'/>";
        check(external, "declares entities", "<!ENTITY");
        // Without a declaration, a reference is simply unknown.
        check("<lolz a=\"&lol9;\"/>", "unknown entity `&lol9;`", "&lol9;");
        check("<cib/><!DOCTYPE cib>", "DOCTYPE must come before the root element", "<!DOCTYPE cib>");
        check("<!DOCTYPE cib><!DOCTYPE cib><cib/>", "a second DOCTYPE", "<!DOCTYPE cib>");
        // A DOCTYPE without entities is ignored.
        assert_eq!(read("<!DOCTYPE cib [<!ELEMENT cib ANY>]><cib/>").name, "cib");
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = |n: usize| format!("{}{}", "<a>".repeat(n), "</a>".repeat(n));
        let mut ok = read(&deep(MAX_DEPTH));
        let mut depth = 1;
        while let Some(XmlNode::Element(child)) = ok.children.pop() {
            ok = child;
            depth += 1;
        }
        assert_eq!(depth, MAX_DEPTH);
        let text = deep(MAX_DEPTH + 1);
        let e = fails(&text);
        assert!(e.message.contains("nested too deep"), "{e:?}");
        assert_eq!(e.span.start as usize, 3 * MAX_DEPTH);
        let started = Instant::now();
        let e = fails(&deep(10_000));
        assert!(e.message.contains("nested too deep"), "{e:?}");
        let e = fails(&"<a>".repeat(10_000));
        assert!(e.message.contains("nested too deep"), "{e:?}");
        let e = fails(&format!("{}{}", "<a/>".repeat(10_000), "</a>"));
        assert!(e.message.contains("second root element"), "{e:?}");
        assert!(started.elapsed().as_secs() < 5);
    }

    /// A small deterministic generator (xorshift), so failures reproduce.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    /// Reads the text; it may fail, but only with a span inside the text, and a tree whose spans
    /// are inside the text and whose values are what the text says.
    fn read_anything(text: &str) {
        match read_xml(text) {
            Ok(root) => {
                let mut stack = vec![&root];
                while let Some(e) = stack.pop() {
                    assert!(text.get(e.span.range()).is_some_and(|s| s.starts_with('<') && s.ends_with('>')), "{text:?}");
                    assert!(e.end >= e.span.end && e.end as usize <= text.len());
                    for a in &e.attrs {
                        assert_eq!(text.get(a.name_span.range()), Some(a.name.as_str()));
                        assert_eq!(oracle(&text[a.value_span.range()]), a.value, "{text:?}");
                    }
                    stack.extend(e.elements());
                }
            }
            Err(e) => {
                assert!(text.get(e.span.range()).is_some(), "{text:?}: {e:?}");
                assert!(!e.message.is_empty());
            }
        }
    }

    #[test]
    fn random_garbage_never_panics() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        const PIECES: &[&str] = &[
            "<",
            ">",
            "/",
            "</",
            "/>",
            "=",
            "'",
            "\"",
            "&",
            ";",
            "&amp;",
            "&#10;",
            "&#x",
            "<!--",
            "-->",
            "<!",
            "[",
            "]",
            "<![CDATA[",
            "]]>",
            "<?",
            "?>",
            "<!DOCTYPE",
            "<!ENTITY",
            " ",
            "\n",
            "\t",
            "\r",
            "a",
            "cib",
            "id",
            "é",
            "😀",
            "\u{feff}",
            "\0",
            "-",
            "--",
            "x",
            "1",
            "#",
        ];
        for _ in 0..20_000 {
            let mut text = String::new();
            for _ in 0..rng.below(40) {
                text.push_str(PIECES[rng.below(PIECES.len())]);
            }
            read_anything(&text);
        }
        for _ in 0..2_000 {
            let bytes: Vec<u8> = (0..rng.below(200)).map(|_| rng.next() as u8).collect();
            read_anything(&String::from_utf8_lossy(&bytes));
        }
    }

    #[test]
    fn every_prefix_and_mutation_of_a_cib() {
        for end in 0..=CIB.len() {
            if let Some(prefix) = CIB.get(..end) {
                read_anything(prefix);
            }
        }
        let mut rng = Rng(12345);
        for _ in 0..5_000 {
            let mut text = CIB.as_bytes().to_vec();
            for _ in 0..1 + rng.below(3) {
                let i = rng.below(text.len());
                match rng.below(3) {
                    0 => text[i] = b"<>/='\"&;! -x"[rng.below(12)],
                    1 => {
                        text.remove(i);
                    }
                    _ => text.insert(i, b"<>/='\"&;! -x"[rng.below(12)]),
                }
            }
            read_anything(&String::from_utf8_lossy(&text));
        }
    }

    #[test]
    fn a_huge_attribute_is_read_in_one_pass() {
        const SIZE: usize = 50 * 1024 * 1024;
        let mut text = String::with_capacity(SIZE + 64);
        text.push_str("<cib value=\"");
        let mut chunks = 0;
        while text.len() < SIZE {
            text.push_str("0123456789abcdef");
            chunks += 1;
        }
        text.push_str("&amp;\"/>");
        let started = Instant::now();
        let root = read(&text);
        let elapsed = started.elapsed();
        let value = root.value("value").unwrap();
        assert_eq!(value.len(), 16 * chunks + 1);
        assert!(value.ends_with("ef&"));
        assert!(elapsed.as_secs() < 20, "{elapsed:?}");
        // An unterminated one fails quickly too.
        let e = fails(&text[..text.len() - 3]);
        assert!(e.message.contains("attribute value is not closed"), "{e:?}");
    }

    /// Peak memory of reading a 50 MB attribute, measured in a child process (this test binary,
    /// running only [`huge_attribute_memory_child`]) so that other tests do not disturb it.
    #[test]
    fn a_huge_attribute_costs_its_own_size() {
        if std::fs::read_to_string("/proc/self/status").is_err() {
            eprintln!("no /proc/self/status: memory not measured");
            return;
        }
        let exe = std::env::current_exe().unwrap();
        let output = std::process::Command::new(exe)
            .args(["--exact", "cib::read::tests::huge_attribute_memory_child", "--nocapture", "--test-threads=1"])
            .env("HAPOLICY_MEMORY_CHILD", "1")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
        assert!(stdout.contains("memory-ok"), "the child did not run: {stdout}");
    }

    fn peak_rss_kib() -> usize {
        let status = std::fs::read_to_string("/proc/self/status").unwrap();
        let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    }

    #[test]
    fn huge_attribute_memory_child() {
        if std::env::var_os("HAPOLICY_MEMORY_CHILD").is_none() {
            return;
        }
        const SIZE: usize = 50 * 1024 * 1024;
        let mut text = String::with_capacity(SIZE + 64);
        text.push_str("<cib value=\"");
        while text.len() < SIZE {
            text.push_str("0123&#9;\t789ab");
        }
        text.push_str("\"/>");
        let before = peak_rss_kib();
        let root = read(&text);
        let after = peak_rss_kib();
        assert!(root.value("value").unwrap().len() > SIZE / 2);
        let grown = (after - before) * 1024;
        println!("reading {} MB grew the peak by {} MB", text.len() >> 20, grown >> 20);
        // The value itself (at most the size of the text) plus a little.
        assert!(grown <= SIZE + SIZE / 2, "grew {grown} bytes for a {SIZE}-byte attribute");
        println!("memory-ok");
    }
}
