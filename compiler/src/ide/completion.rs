//! Completion: what may be typed at the cursor. The context comes from the text before the
//! cursor (the item being typed usually does not parse yet); the candidates come from the model,
//! the agents' metadata and Pacemaker's option tables.

use hapolicy_stdlib::{OptionSpec, Scope, ValueType, CLUSTER_OPTIONS, OP_PROPERTIES, RESOURCE_META};

use crate::agents::{AgentSchema, ContentType};
use crate::model::{Model, SymbolKind, ON_FAIL_VALUES, ROLE_VALUES};
use crate::syntax::{chunks, code_chars, ITEM_KEYWORDS};

mod test_block;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompletionKind {
    Keyword,
    Agent,
    Parameter,
    Action,
    Property,
    Option,
    Resource,
    Node,
    Value,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    pub label: String,
    pub kind: CompletionKind,
    /// One line shown beside the label (a type, a default).
    pub detail: String,
    /// Markdown shown on selection.
    pub documentation: String,
    /// Text to insert when it differs from the label.
    pub insert: Option<String>,
}

impl Completion {
    fn new(label: impl Into<String>, kind: CompletionKind, detail: impl Into<String>) -> Completion {
        Completion { label: label.into(), kind, detail: detail.into(), documentation: String::new(), insert: None }
    }

    fn documented(mut self, documentation: impl Into<String>) -> Completion {
        self.documentation = documentation.into();
        self
    }

    fn inserting(mut self, insert: impl Into<String>) -> Completion {
        self.insert = Some(insert.into());
        self
    }
}

/// Candidates at byte `offset` of `text`. `schema_of` finds an agent's schema by its
/// `class:provider:type` (the model only holds the agents the parsed items use).
pub fn completions(model: &Model, text: &str, offset: usize, schema_of: &dyn Fn(&str) -> Option<AgentSchema>) -> Vec<Completion> {
    let offset = offset.min(text.len());
    let Some(before) = text.get(..offset) else { return Vec::new() };
    // The item being typed: the last chunk before the cursor (a half-typed keyword is a chunk
    // that does not start with one).
    let item_start = chunks(before).last().map_or(before.len(), |c| c.span.start as usize);
    let head = before.get(item_start..).unwrap_or("");
    let context = Context::read(head);
    let candidates = context.candidates(model, schema_of);
    let partial = context.partial.as_str();
    candidates.into_iter().filter(|c| c.label.starts_with(partial) || partial.is_empty()).collect()
}

/// What the text before the cursor says about where it is.
struct Context {
    /// The item's header words (`primitive web: ocf:heartbeat:apache`), empty at the top level.
    header: Vec<String>,
    /// Headers of the `{` blocks the cursor is in, innermost last; the first is the item's body.
    blocks: Vec<String>,
    /// The statement before the cursor, without the word being typed.
    statement: String,
    /// The word being typed.
    partial: String,
    /// Open `[` in the header (a group's or tag's member list).
    in_brackets: bool,
    /// Arguments of an unclosed `fail-count(`, when the cursor is inside one.
    fail_count_args: Option<Vec<String>>,
}

impl Context {
    fn read(head: &str) -> Context {
        let mut blocks: Vec<String> = Vec::new();
        let mut header: Option<String> = None;
        let mut statement_start = 0;
        let mut brackets = 0i32;
        let mut parens: Vec<usize> = Vec::new();
        for (i, c) in code_chars(head) {
            match c {
                '{' => {
                    let text = head.get(statement_start..i).unwrap_or("").trim().to_string();
                    if header.is_none() {
                        header = Some(text.clone());
                    }
                    blocks.push(text);
                    statement_start = i + 1;
                }
                '}' => {
                    blocks.pop();
                    statement_start = i + 1;
                }
                '\n' | ';' if !blocks.is_empty() => statement_start = i + 1,
                '[' => brackets += 1,
                ']' => brackets -= 1,
                '(' => parens.push(i),
                ')' => {
                    parens.pop();
                }
                _ => {}
            }
        }
        let header_text = header.unwrap_or_else(|| if blocks.is_empty() { head.trim().to_string() } else { String::new() });
        let tail = head.get(statement_start..).unwrap_or("");
        let partial_start = tail.rfind(|c: char| c.is_whitespace() || matches!(c, '=' | ',' | '(' | '[' | '{' | ';' | ':')).map_or(0, |i| i + 1);
        // `ocf:heartbeat:IP` is one word: agents contain colons.
        let agent_start = tail.rfind(char::is_whitespace).map_or(0, |i| i + 1);
        // (`web:` is a name and its colon, not an agent.)
        let agent_like = tail.get(agent_start..).is_some_and(|w| w.contains(':') && !(w.ends_with(':') && w.matches(':').count() == 1));
        let partial_start = if agent_like && blocks.is_empty() { agent_start } else { partial_start };
        let partial = tail.get(partial_start..).unwrap_or("").to_string();
        let statement = tail.get(..partial_start).unwrap_or("").to_string();
        let fail_count_args = parens.last().and_then(|&open| {
            let before = head.get(..open)?;
            if !before.trim_end().ends_with("fail-count") {
                return None;
            }
            let inside = head.get(open + 1..)?;
            let mut args: Vec<String> = inside.split(',').map(|a| a.trim().to_string()).collect();
            args.pop();
            Some(args)
        });
        // At the start of a new line outside any block, bracket or continued line: a new item.
        let line_start = head.rfind('\n').map_or(0, |i| i + 1);
        let before_partial_on_line = head.get(line_start..head.len().saturating_sub(partial.len())).unwrap_or("");
        let continued = head.get(..line_start).is_some_and(|h| h.trim_end_matches('\n').ends_with('\\'));
        let new_item = blocks.is_empty() && brackets <= 0 && parens.is_empty() && line_start > 0 && before_partial_on_line.is_empty() && !continued;
        let header = if new_item { Vec::new() } else { header_text.split_whitespace().map(str::to_string).collect() };
        Context { header, blocks, statement, partial, in_brackets: brackets > 0, fail_count_args }
    }

    fn keyword(&self) -> &str {
        self.header.first().map_or("", String::as_str)
    }

    /// The words of the statement before the word being typed.
    fn words(&self) -> Vec<&str> {
        self.statement.split(|c: char| c.is_whitespace()).filter(|w| !w.is_empty()).collect()
    }

    fn candidates(&self, model: &Model, schema_of: &dyn Fn(&str) -> Option<AgentSchema>) -> Vec<Completion> {
        if let Some(args) = &self.fail_count_args {
            return fail_count_candidates(model, args);
        }
        if self.header.is_empty() || (self.blocks.is_empty() && self.header.len() <= 1 && !self.statement.contains(char::is_whitespace)) {
            return ITEM_KEYWORDS.iter().map(|k| Completion::new(*k, CompletionKind::Keyword, "item")).collect();
        }
        if self.blocks.is_empty() {
            return self.header_candidates(model);
        }
        self.body_candidates(model, schema_of)
    }

    /// In an item's header, before its `{`.
    fn header_candidates(&self, model: &Model) -> Vec<Completion> {
        let words = self.words();
        let last = words.last().copied().unwrap_or("");
        let resources = |kinds: &[SymbolKind]| resource_candidates(model, kinds);
        match self.keyword() {
            "primitive" | "template" if last == "from" => resources(&[SymbolKind::Template]),
            "primitive" | "template" if self.statement.contains(':') || self.partial.contains(':') => {
                model.agent_names.iter().map(|a| Completion::new(a.clone(), CompletionKind::Agent, "agent")).collect()
            }
            "group" if self.in_brackets => resources(&[SymbolKind::Primitive]).into_iter().filter(|c| !model.parent.contains_key(c.label.as_str())).collect(),
            "clone" | "promotable" if self.statement.contains(':') => {
                resources(&[SymbolKind::Primitive, SymbolKind::Group]).into_iter().filter(|c| !model.parent.contains_key(c.label.as_str())).collect()
            }
            "tag" if self.in_brackets => resources(&[SymbolKind::Primitive, SymbolKind::Group, SymbolKind::Clone, SymbolKind::Promotable, SymbolKind::Bundle]),
            "location" if matches!(last, "prefers" | "avoids") => node_candidates(model),
            "location" if words.len() == 2 => resources(crate::model::CONSTRAINABLE),
            "location" => ["prefers", "avoids", "rule"].iter().map(|k| Completion::new(*k, CompletionKind::Keyword, "location")).collect(),
            "colocation" | "order" | "ticket" if words.len() >= 2 => {
                let mut out = resources(crate::model::CONSTRAINABLE);
                let extra: &[&str] = match self.keyword() {
                    "colocation" => &["with", "Promoted", "Unpromoted", "Started"],
                    "order" => &["then", "start", "stop", "promote", "demote"],
                    _ => &["for"],
                };
                out.extend(extra.iter().map(|k| Completion::new(*k, CompletionKind::Keyword, "")));
                out
            }
            "fencing-level" if words.len() <= 2 => node_candidates(model),
            "fencing-level" => model
                .primitives
                .values()
                .filter(|p| p.agent.as_ref().is_some_and(crate::model::Agent::is_stonith))
                .map(|p| Completion::new(p.name.clone(), CompletionKind::Resource, "fencing device"))
                .collect(),
            "node" => Vec::new(),
            _ => Vec::new(),
        }
    }

    /// Inside an item's `{ ... }`.
    fn body_candidates(&self, model: &Model, schema_of: &dyn Fn(&str) -> Option<AgentSchema>) -> Vec<Completion> {
        let keyword = self.keyword();
        if keyword == "test" {
            return test_block::candidates(model, &self.words());
        }
        let block = self.blocks.last().map_or("", String::as_str);
        let block_word = block.split_whitespace().next().unwrap_or("");
        let words = self.words();
        let resource = matches!(keyword, "primitive" | "template");
        let meta_scopes: &[Scope] = match keyword {
            "group" => &[Scope::Resource, Scope::Group],
            "clone" | "promotable" => &[Scope::Resource, Scope::Clone],
            "primitive" | "template" => &[Scope::Resource, Scope::Primitive],
            _ => &[Scope::Resource],
        };
        let schema = if resource { self.agent_schema(model, schema_of) } else { None };
        // `key = ` → values.
        if let Some(key) = assigned_key(&self.statement) {
            return match (self.blocks.len(), block_word, keyword) {
                (_, "op", _) | (1, _, "op-defaults") => option_values(OP_PROPERTIES, key, &[Scope::Operation]),
                (1, _, "cluster") => option_values(CLUSTER_OPTIONS, key, &[Scope::Cluster]),
                (_, "meta", _) | (1, _, "rsc-defaults" | "group" | "clone" | "promotable" | "bundle") => option_values(RESOURCE_META, key, meta_scopes),
                _ if words.first() == Some(&"op") => option_values(OP_PROPERTIES, key, &[Scope::Operation]),
                _ if words.first() == Some(&"meta") => option_values(RESOURCE_META, key, meta_scopes),
                _ => schema.as_ref().map(|s| param_values(s, key)).unwrap_or_default(),
            };
        }
        if self.blocks.len() == 1 || matches!(block_word, "params" | "meta" | "op") {
            if words.first() == Some(&"op") || block_word == "op" {
                return if words.len() <= 1 && block_word != "op" {
                    schema
                        .as_ref()
                        .map(action_candidates)
                        .unwrap_or_else(|| ["start", "stop", "monitor"].iter().map(|a| Completion::new(*a, CompletionKind::Action, "")).collect())
                } else {
                    option_names(OP_PROPERTIES, &[Scope::Operation], CompletionKind::Property, "=")
                };
            }
            if !words.is_empty() {
                return Vec::new();
            }
            return match (keyword, block_word) {
                (_, "meta") => option_names(RESOURCE_META, meta_scopes, CompletionKind::Option, " = "),
                ("primitive" | "template", "params") => schema.as_ref().map(param_candidates).unwrap_or_default(),
                ("primitive" | "template", _) => {
                    let mut out = schema.as_ref().map(param_candidates).unwrap_or_default();
                    out.extend(["op", "meta", "params", "utilization"].iter().map(|k| Completion::new(*k, CompletionKind::Keyword, "statement")));
                    out
                }
                ("cluster", _) => option_names(CLUSTER_OPTIONS, &[Scope::Cluster], CompletionKind::Option, " = "),
                ("rsc-defaults", _) => option_names(RESOURCE_META, &[Scope::Resource, Scope::Clone, Scope::Group], CompletionKind::Option, " = "),
                ("op-defaults", _) => option_names(OP_PROPERTIES, &[Scope::Operation], CompletionKind::Option, " = "),
                ("group" | "clone" | "promotable" | "bundle", _) => {
                    let mut out = option_names(RESOURCE_META, meta_scopes, CompletionKind::Option, " = ");
                    out.push(Completion::new("meta", CompletionKind::Keyword, "statement"));
                    out
                }
                _ => Vec::new(),
            };
        }
        Vec::new()
    }

    /// The schema of the agent named in a primitive's or template's header (`: AGENT`, or
    /// `from TEMPLATE` through the template).
    fn agent_schema(&self, model: &Model, schema_of: &dyn Fn(&str) -> Option<AgentSchema>) -> Option<AgentSchema> {
        let header = self.header.join(" ");
        if let Some(template) = header.split(" from ").nth(1).and_then(|t| t.split_whitespace().next()) {
            let (_, item) = model.item_of(template)?;
            let crate::syntax::ast::ItemKind::Template { agent, .. } = &item.kind else { return None };
            return schema_of(&agent.text);
        }
        let after_colon = header.split_once(':')?.1;
        let agent = after_colon.split_whitespace().next()?;
        schema_of(agent)
    }
}

/// `key =` or `key=` at the end of a statement.
fn assigned_key(statement: &str) -> Option<&str> {
    let trimmed = statement.trim_end().strip_suffix('=')?;
    trimmed.trim_end().rsplit(|c: char| c.is_whitespace()).next().filter(|k| !k.is_empty())
}

fn resource_candidates(model: &Model, kinds: &[SymbolKind]) -> Vec<Completion> {
    let mut out: Vec<Completion> = model
        .symbols
        .iter()
        .filter(|(_, s)| kinds.contains(&s.kind))
        .map(|(name, s)| {
            let detail = model.primitives.get(name).and_then(|p| p.agent.as_ref()).map_or_else(|| s.kind.describe().to_string(), crate::model::Agent::spec);
            Completion::new(name.clone(), CompletionKind::Resource, detail)
        })
        .collect();
    out.sort_by(|a, b| a.label.cmp(&b.label));
    out
}

fn node_candidates(model: &Model) -> Vec<Completion> {
    let mut out: Vec<Completion> = model.nodes.keys().map(|n| Completion::new(n.clone(), CompletionKind::Node, "node")).collect();
    out.sort_by(|a, b| a.label.cmp(&b.label));
    out
}

fn fail_count_candidates(model: &Model, args: &[String]) -> Vec<Completion> {
    match args {
        [] => resource_candidates(model, &[SymbolKind::Primitive]),
        [primitive] => {
            let mut names: Vec<String> = model.implicit_actions(primitive).into_iter().map(str::to_string).collect();
            if let Some(p) = model.primitives.get(primitive.as_str()) {
                names.extend(p.ops.iter().map(|o| o.name.text.to_string()));
            }
            names.sort();
            names.dedup();
            names.into_iter().map(|n| Completion::new(n, CompletionKind::Action, format!("an operation of {primitive}"))).collect()
        }
        [primitive, op] => model
            .primitives
            .get(primitive.as_str())
            .map(|p| {
                p.ops
                    .iter()
                    .filter(|o| o.name.text == op)
                    .filter_map(|o| o.interval_ms)
                    .map(|ms| Completion::new(crate::values::format_duration(ms), CompletionKind::Value, format!("interval of {op} ({ms} ms)")))
                    .collect()
            })
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

fn param_candidates(schema: &AgentSchema) -> Vec<Completion> {
    let mut params: Vec<_> = schema.params.iter().filter(|p| !p.deprecated).collect();
    // Required parameters first, then in the agent's order.
    params.sort_by_key(|p| !p.required);
    params
        .into_iter()
        .map(|p| {
            let mut detail = match &p.content {
                ContentType::Select(_) => "select".to_string(),
                other => format!("{other:?}").to_lowercase(),
            };
            if p.required {
                detail.push_str(", required");
            }
            if let Some(d) = p.default.as_ref().filter(|d| !d.is_empty()) {
                detail.push_str(&format!(", default {d}"));
            }
            let doc = p.shortdesc.clone().or_else(|| p.longdesc.clone()).unwrap_or_default();
            Completion::new(p.name.clone(), CompletionKind::Parameter, detail).documented(doc).inserting(format!("{} = ", p.name))
        })
        .collect()
}

fn param_values(schema: &AgentSchema, key: &str) -> Vec<Completion> {
    match schema.param(key).map(|p| &p.content) {
        Some(ContentType::Boolean) => ["true", "false"].iter().map(|v| Completion::new(*v, CompletionKind::Value, "boolean")).collect(),
        Some(ContentType::Select(options)) => options.iter().map(|o| Completion::new(o.clone(), CompletionKind::Value, key.to_string())).collect(),
        _ => Vec::new(),
    }
}

fn action_candidates(schema: &AgentSchema) -> Vec<Completion> {
    let mut out: Vec<Completion> = Vec::new();
    for action in &schema.actions {
        if matches!(action.name.as_str(), "meta-data" | "validate-all") || out.iter().any(|c| c.label == action.name) {
            continue;
        }
        let mut insert = action.name.clone();
        let mut detail = Vec::new();
        if let Some(i) = action.interval.as_ref().filter(|i| i.as_str() != "0" && action.name == "monitor") {
            insert.push_str(&format!(" interval={i}"));
            detail.push(format!("interval {i}"));
        }
        if let Some(t) = &action.timeout {
            insert.push_str(&format!(" timeout={t}"));
            detail.push(format!("advised timeout {t}"));
        }
        out.push(Completion::new(action.name.clone(), CompletionKind::Action, detail.join(", ")).inserting(insert));
    }
    out
}

fn option_names(table: &'static [OptionSpec], scopes: &[Scope], kind: CompletionKind, separator: &str) -> Vec<Completion> {
    table
        .iter()
        .filter(|s| scopes.contains(&s.scope) && s.deprecated.is_none())
        .map(|s| {
            let detail = if s.default.is_empty() { String::new() } else { format!("default {}", s.default) };
            Completion::new(s.name, kind, detail).documented(s.description).inserting(format!("{}{separator}", s.name))
        })
        .collect()
}

fn option_values(table: &'static [OptionSpec], key: &str, scopes: &[Scope]) -> Vec<Completion> {
    let Some(spec) = hapolicy_stdlib::find_in(table, key, scopes).or_else(|| hapolicy_stdlib::find(table, key)) else { return Vec::new() };
    let values: Vec<&str> = match spec.ty {
        ValueType::Boolean => vec!["true", "false"],
        ValueType::Select(options) => options.to_vec(),
        ValueType::Role => ROLE_VALUES.to_vec(),
        _ if key == "on-fail" => ON_FAIL_VALUES.to_vec(),
        _ => Vec::new(),
    };
    values.into_iter().map(|v| Completion::new(v, CompletionKind::Value, if v == spec.default { "default" } else { "" })).collect()
}
