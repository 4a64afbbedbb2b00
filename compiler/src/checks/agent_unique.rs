use crate::agents::AgentSchema;
use crate::cib::Target;
use crate::diagnostics::FileId;
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::fast_hash::FastMap;
use crate::model::{Model, SymbolKind};
use crate::syntax::ast::{Assign, ItemKind};

pub static CODE: Code = Code {
    code: "HP2105",
    name: "unique-parameter-collision",
    severity: Severity::Error,
    summary: "two resources of one agent share a value the agent requires to be unique",
    doc: r#"# HP2105 unique-parameter-collision

Some parameters identify what a resource manages — the address of an IPaddr2, the disk image
of a VirtualDomain — and the agent's metadata marks them `unique` (or gives several parameters a
`unique-group` whose combination must be unique). Two resources with the same value would
fight over the same thing on the same node.

```
primitive ip1: ocf:heartbeat:IPaddr2 { ip = "192.0.2.10" }
primitive ip2: ocf:heartbeat:IPaddr2 { ip = "192.0.2.10" }   # error: same `ip` as ip1
```
"#,
};

/// Each unique group of an agent (a group of one for a plain `unique` parameter), sorted.
fn unique_groups(schema: &AgentSchema) -> Vec<(&str, Vec<&str>)> {
    let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
    for p in &schema.params {
        let group = match (&p.unique_group, p.unique) {
            (Some(group), _) => group.as_str(),
            (None, true) => p.name.as_str(),
            (None, false) => continue,
        };
        match groups.iter_mut().find(|(g, _)| *g == group) {
            Some((_, members)) => members.push(p.name.as_str()),
            None => groups.push((group, vec![p.name.as_str()])),
        }
    }
    groups.sort();
    groups
}

fn value_text<'a>(value: &Option<(FileId, &'a Assign)>) -> &'a str {
    value.map_or("", |(_, a)| a.value.text.as_str())
}

pub fn check(model: &Model, _target: Target, out: &mut Vec<Diagnostic>) {
    // (agent, group, first member's value, the other members' values) → the first primitive
    // that used it. Items are in file order, so "first" is the first written.
    let mut seen: FastMap<(&str, &str, &str, Vec<&str>), &str> = FastMap::default();
    // Each agent's unique groups, worked out once.
    let mut groups_of: FastMap<&str, Vec<(&str, Vec<&str>)>> = FastMap::default();
    // The first written is the first in file order (an imported CIB's items need not be).
    let mut primitives: Vec<(FileId, u32, &str)> = Vec::with_capacity(model.primitives.len());
    for (index, (_, item)) in model.items.iter().enumerate() {
        let ItemKind::Primitive { name, .. } = &item.kind else { continue };
        if let Some(symbol) = model.symbol(&name.text).filter(|s| s.item == index && s.kind == SymbolKind::Primitive) {
            primitives.push((symbol.file, symbol.span.start, name.text.as_str()));
        }
    }
    primitives.sort_by_key(|&(file, start, _)| (file, start));
    for (_, _, name) in primitives {
        let Some(agent) = model.primitives.get(name).and_then(|p| p.agent.as_ref()) else { continue };
        let groups = match groups_of.get(agent.spec_str()) {
            Some(groups) => groups,
            None => {
                let groups = model.agents.get(agent.spec_str()).map(|known| unique_groups(&known.schema)).unwrap_or_default();
                groups_of.entry(agent.spec_str()).or_insert(groups)
            }
        };
        for (group, members) in groups {
            let values: Vec<Option<(FileId, &Assign)>> = members.iter().map(|m| model.param(name, m)).collect();
            let Some((file, first)) = values.iter().flatten().next().copied() else { continue };
            let key = (agent.spec_str(), *group, values.first().map_or("", value_text), values.iter().skip(1).map(value_text).collect::<Vec<&str>>());
            match seen.get(&key) {
                Some(other) => {
                    let what = if members.len() > 1 { format!("the combination of {}", members.join(", ")) } else { format!("`{group}`") };
                    let mut d =
                        Diagnostic::new(&CODE, first.value.span, format!("`{name}` has the same {what} as `{other}`; the agent requires it to be unique"))
                            .in_file(file);
                    if let Some(sym) = model.symbol(other) {
                        d = d.with_label(sym.file, sym.span, "the other resource");
                    }
                    out.push(d.with_help("give each resource its own value"));
                }
                None => {
                    seen.insert(key, name);
                }
            }
        }
    }
}
