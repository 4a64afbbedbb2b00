//! Completion inside a `test` block: clause keywords, then what each statement takes next —
//! resources, operations of the named primitive, nodes, states, actions.

use super::{node_candidates, resource_candidates, Completion, CompletionKind};
use crate::model::{Model, SymbolKind, CONSTRAINABLE};

fn keywords(words: &[&str], detail: &str) -> Vec<Completion> {
    words.iter().map(|w| Completion::new(*w, CompletionKind::Keyword, detail)).collect()
}

/// The operations of a primitive a failure can name: its configured ops and the implicit ones.
fn operations(model: &Model, resource: &str) -> Vec<Completion> {
    let primitives = crate::scenario::resolve::primitives_of(model, resource).unwrap_or_default();
    let mut names: Vec<String> = Vec::new();
    for primitive in &primitives {
        names.extend(model.implicit_actions(primitive).into_iter().map(str::to_string));
        if let Some(p) = model.primitives.get(primitive.as_str()) {
            names.extend(p.ops.iter().map(|o| o.name.text.to_string()));
        }
    }
    names.sort();
    names.dedup();
    names.into_iter().map(|n| Completion::new(n, CompletionKind::Action, "operation")).collect()
}

/// Candidates for the statement whose words before the cursor are `words`.
pub(super) fn candidates(model: &Model, words: &[&str]) -> Vec<Completion> {
    let resources = || resource_candidates(model, CONSTRAINABLE);
    let (clause, rest): (&str, &[&str]) = match words.split_first() {
        Some((first, rest)) if matches!(*first, "given" | "when" | "expect") => (first, rest),
        _ => ("", words),
    };
    let last = rest.last().copied().unwrap_or("");
    let is_resource = |w: &str| matches!(model.kind_of(w), Some(k) if CONSTRAINABLE.contains(&k) || k == SymbolKind::Primitive);
    match (clause, rest) {
        ("", []) => {
            let mut out = keywords(&["given", "when", "expect"], "test clause");
            out.extend(resources());
            out
        }
        ("given", []) => {
            let mut out = keywords(&["nodes", "attribute"], "given");
            out.extend(resources());
            out
        }
        ("when", []) => {
            let mut out = keywords(&["node", "attribute", "time"], "event");
            out.extend(keywords(&["monitor", "start", "stop", "promote", "demote", "migrate_to", "migrate_from"], "operation"));
            out
        }
        ("expect", []) => {
            let mut out = keywords(&["fail-count"], "expect");
            out.extend(resources());
            out
        }
        (_, ["fail-count"]) => resource_candidates(model, &[SymbolKind::Primitive, SymbolKind::Group, SymbolKind::Clone, SymbolKind::Promotable]),
        (_, ["fail-count", resource]) => {
            let mut out = operations(model, resource);
            out.extend(keywords(&["on"], ""));
            out
        }
        ("when", ["time"]) => keywords(&["passes"], ""),
        ("when", [_op, .., "of"]) => resources(),
        ("when", [_op, _, "of", _, "fails", ..]) | ("when", [_op, "of", _, "fails", ..]) if last != "on" => keywords(&["on", "times", "with"], ""),
        ("when", [_op, .., "of", _]) => keywords(&["fails"], ""),
        ("when", ["node", _]) => keywords(&["fails", "online", "offline", "standby"], "node event"),
        ("when", [op]) if !matches!(*op, "node" | "attribute" | "time") => keywords(&["of"], ""),
        (_, [.., "on" | "from" | "nodes" | "node"]) => node_candidates(model),
        ("given", ["nodes", ..]) => {
            let mut out = node_candidates(model);
            out.extend(keywords(&["online", "offline", "standby"], "node status"));
            out
        }
        ("given", [resource]) | ("", [resource]) if is_resource(resource) => keywords(&["running", "promoted", "unpromoted", "stopped"], "state"),
        ("expect", [resource]) if is_resource(resource) => {
            let mut out = keywords(&["running", "promoted", "unpromoted", "stopped", "banned"], "state");
            out.extend(keywords(&["migrates", "moves", "restarts", "recovers", "reloads", "starts", "stops", "promotes", "demotes", "re-promotes"], "action"));
            out
        }
        (_, [_, "running" | "promoted" | "unpromoted" | "stopped"]) => keywords(&["on"], ""),
        (_, [_, "banned"]) => keywords(&["from"], ""),
        _ => Vec::new(),
    }
}
