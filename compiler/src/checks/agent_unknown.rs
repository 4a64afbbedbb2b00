use super::scope::Scope;
use crate::cib::Target;
use crate::diagnostics::{did_you_mean, Code, Diagnostic, Severity};
use crate::model::Model;
use crate::syntax::ast::{ItemKind, PrimitiveSource};

pub static CODE: Code = Code {
    code: "HP2101",
    name: "unknown-agent",
    severity: Severity::Warning,
    summary: "an OCF or fencing agent hapolicy has no metadata for",
    doc: r#"# HP2101 unknown-agent

hapolicy checks parameters and operations against the agent's metadata, taken from `agent`
declarations in the policy, metadata files given with `--agents`, the agents installed on this
machine, and its built-in library of every agent in Debian's resource-agents and Pacemaker. This
agent is in none of them: it may be misspelt (Pacemaker itself would only notice when the
resource fails to start: `crm_verify` accepts `ocf:nosuch:Nope`), or be a custom agent.

```
primitive ip: ocf:heartbeat:IPAddr2 { ip = "192.0.2.1" }   # warning: did you mean `ocf:heartbeat:IPaddr2`?
```

Fix the name; for a custom agent, pass its metadata (`--agents my-agent.xml`) or declare it:

```
agent ocf:acme:Widget { param config: string required; action start timeout=30s; action stop timeout=30s; action monitor timeout=20s interval=10s }
```
"#,
};

pub fn check(model: &Model, _target: Target, scope: &Scope, out: &mut Vec<Diagnostic>) {
    for (file, item) in scope.items(model) {
        let agent = match &item.kind {
            ItemKind::Primitive { source: PrimitiveSource::Agent(a), .. } | ItemKind::Template { agent: a, .. } => a,
            _ => continue,
        };
        // Most agents are written as they are known: no need to parse those.
        if model.agents.contains_key(agent.text.as_str()) {
            continue;
        }
        let Ok(parsed) = crate::model::Agent::parse(&agent.text) else { continue };
        // Only OCF and fencing agents have metadata to check against.
        if !(parsed.is_ocf() || parsed.is_stonith()) || model.agents.contains_key(&parsed.spec()) {
            continue;
        }
        let prefix = format!("{}:", parsed.class);
        let candidates = model.agent_names.iter().filter(|k| k.starts_with(&prefix)).map(String::as_str);
        let mut d = Diagnostic::new(&CODE, agent.span, format!("no metadata is known for `{}`, so its parameters and operations are not checked", agent.text))
            .in_file(*file);
        d = match did_you_mean(&agent.text, candidates) {
            Some(s) => d.with_suggestion(s),
            None => d.with_help("check the name; for a custom agent, pass its metadata with `--agents FILE` or declare it with `agent ...`"),
        };
        out.push(d);
    }
}
