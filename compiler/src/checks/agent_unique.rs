use std::collections::HashMap;

use crate::cib::Target;
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::model::{Model, SymbolKind};

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

pub fn check(model: &Model, _target: Target, out: &mut Vec<Diagnostic>) {
    // (agent, parameter or group, value(s)) → the first primitive that used it.
    let mut seen: HashMap<(&str, &str, Vec<&str>), &str> = HashMap::new();
    // Each agent's unique groups (a group of one for a plain `unique` parameter), sorted.
    let mut groups_of: HashMap<&str, Vec<(&str, Vec<&str>)>> = HashMap::new();
    let mut names: Vec<&String> = model.primitives.keys().filter(|n| model.kind_of(n) == Some(SymbolKind::Primitive)).collect();
    names.sort_by_cached_key(|n| model.symbol(n).map(|s| (s.file, s.span.start)));
    for name in names {
        let Some(agent) = model.primitives.get(name).and_then(|p| p.agent.as_ref()) else { continue };
        let Some(known) = model.agents.get(agent.spec_str()) else { continue };
        let groups = groups_of.entry(agent.spec_str()).or_insert_with(|| {
            let mut groups: HashMap<&str, Vec<&str>> = HashMap::new();
            for p in &known.schema.params {
                if let Some(group) = &p.unique_group {
                    groups.entry(group.as_str()).or_default().push(p.name.as_str());
                } else if p.unique {
                    groups.entry(p.name.as_str()).or_default().push(p.name.as_str());
                }
            }
            let mut sorted: Vec<_> = groups.into_iter().collect();
            sorted.sort();
            sorted
        });
        if groups.is_empty() {
            continue;
        }
        let params = model.params_of(name);
        let value_of = |param: &str| params.iter().find(|(_, a)| a.key.text == param).map(|(f, a)| (*f, *a));
        for (group, members) in groups.iter() {
            let Some((file, first)) = members.iter().find_map(|m| value_of(m)) else { continue };
            let values: Vec<&str> = members.iter().map(|m| value_of(m).map_or("", |(_, a)| a.value.text.as_str())).collect();
            match seen.get(&(agent.spec_str(), *group, values.clone())) {
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
                    seen.insert((agent.spec_str(), *group, values), name.as_str());
                }
            }
        }
    }
}
