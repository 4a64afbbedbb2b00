use super::scope::Scope;
use crate::agents::{AgentSchema, ContentType};
use crate::cib::Target;
use crate::diagnostics::{did_you_mean, Code, Diagnostic, Severity};
use crate::model::{Model, SymbolKind};
use crate::values;

pub static CODE_UNKNOWN: Code = Code {
    code: "HP2102",
    name: "unknown-parameter",
    severity: Severity::Error,
    summary: "a parameter the resource's agent does not have",
    doc: r#"# HP2102 unknown-parameter

Pacemaker passes every parameter to the agent as an `OCF_RESKEY_` environment variable and never
checks the names, so a misspelt parameter is silently ignored and the agent uses its default
(`crm_verify` does not notice). hapolicy checks the names against the agent's metadata.

```
primitive ip: ocf:heartbeat:IPaddr2 { ip = "192.0.2.1"; cidr_netmsk = 24 }   # error: did you mean `cidr_netmask`?
```
"#,
};

pub static CODE_REQUIRED: Code = Code {
    code: "HP2103",
    name: "missing-required-parameter",
    severity: Severity::Error,
    summary: "a parameter the agent requires is not set",
    doc: r#"# HP2103 missing-required-parameter

The agent's metadata marks the parameter as required: without it the agent's start (and its
validation) fails on every node, and the resource ends up banned everywhere. `crm_verify` does
not check this.

```
primitive ip: ocf:heartbeat:IPaddr2 { cidr_netmask = 24 }   # error: `ip` is required
```
"#,
};

pub static CODE_TYPE: Code = Code {
    code: "HP2104",
    name: "parameter-type",
    severity: Severity::Error,
    summary: "a parameter value of the wrong type for the agent",
    doc: r#"# HP2104 parameter-type

The agent's metadata gives each parameter a type: integer, boolean, a choice of values, or a
time. A value of the wrong type reaches the agent unchanged and fails there — or, for booleans,
is read as false.

```
primitive ip: ocf:heartbeat:IPaddr2 { ip = "192.0.2.1"; cidr_netmask = "255.255.255.0" }   # error: an integer
```
"#,
};

pub static CODE_DEPRECATED: Code = Code {
    code: "HP2106",
    name: "deprecated-parameter",
    severity: Severity::Warning,
    summary: "a parameter the agent has deprecated",
    doc: r#"# HP2106 deprecated-parameter

The agent still reads the parameter but its metadata marks it deprecated, usually naming the
parameter that replaces it; a future version of the agent may drop it.

```
primitive fence: stonith:fence_ipmilan { ipaddr = "10.0.0.1" }   # warning: use `ip`
```
"#,
};

/// Parameters Pacemaker's fencer understands for every fencing device.
fn fencer_parameter(name: &str) -> bool {
    name.starts_with("pcmk_") || matches!(name, "priority" | "provides")
}

/// Parameters of fence agents that the fencer fills in itself.
fn supplied_by_fencer(name: &str) -> bool {
    matches!(name, "action" | "port" | "plug" | "nodename")
}

fn type_error(value: &str, content: &ContentType) -> Option<String> {
    match content {
        ContentType::Integer if value.trim().parse::<i64>().is_err() => Some(format!("`{value}` is not an integer")),
        ContentType::Boolean if values::parse_bool(value).is_err() => Some(format!("`{value}` is not a boolean; write `true` or `false`")),
        ContentType::Select(options) if !options.iter().any(|o| o == value) => Some(format!("`{value}` is not one of {}", options.join(", "))),
        ContentType::Time if value.parse::<u64>().is_err() && values::parse_duration(value).is_err() => Some(format!("`{value}` is not a time such as `30s`")),
        _ => None,
    }
}

fn check_primitive(model: &Model, name: &str, schema: &AgentSchema, stonith: bool, out: &mut Vec<Diagnostic>) {
    let params = model.params_of(name);
    for (file, assign) in &params {
        let key = assign.key.text.as_str();
        match schema.param(key) {
            None if stonith && fencer_parameter(key) => {}
            None => {
                let mut d = Diagnostic::new(
                    &CODE_UNKNOWN,
                    assign.key.span,
                    format!("the agent of `{name}` has no parameter `{key}`; Pacemaker would pass it on and the agent would ignore it"),
                )
                .in_file(*file);
                d = match did_you_mean(key, schema.params.iter().map(|p| p.name.as_str())) {
                    Some(s) => d.with_suggestion(s),
                    None => d.with_help(format!("its parameters are: {}", schema.params.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(", "))),
                };
                out.push(d);
            }
            Some(param) => {
                // Some agents' metadata contradicts itself (an integer `dampen` defaulting to
                // `5s`): then values shaped like the default are accepted too.
                let default_contradicts = param.default.as_deref().is_some_and(|d| !d.is_empty() && type_error(d, &param.content).is_some());
                let like_default = default_contradicts
                    && (param.default.as_deref().is_some_and(|d| values::parse_duration(d).is_err()) || values::parse_duration(&assign.value.text).is_ok());
                if let Some(problem) = type_error(&assign.value.text, &param.content).filter(|_| !like_default) {
                    out.push(Diagnostic::new(&CODE_TYPE, assign.value.span, format!("`{key}`: {problem}")).in_file(*file));
                }
                if param.deprecated {
                    let help = if param.replaced_with.is_empty() {
                        "check the agent's documentation for its replacement".to_string()
                    } else {
                        format!("use `{}` instead", param.replaced_with.join("` or `"))
                    };
                    let mut d = Diagnostic::new(&CODE_DEPRECATED, assign.key.span, format!("the agent has deprecated `{key}`")).in_file(*file).with_help(help);
                    // Unsafe: the agent installed on the cluster may be older than this metadata
                    // and not know the new name, and nothing promises the new one reads values alike.
                    if let [new] = param.replaced_with.as_slice() {
                        if !params.iter().any(|(_, a)| a.key.text == *new) {
                            d = d.with_fix(format!("rename to `{new}`"), crate::diagnostics::Safety::Unsafe, assign.key.span, new.clone());
                        }
                    }
                    out.push(d);
                }
            }
        }
    }
    // Required parameters: satisfied by the parameter or by one that replaces it.
    let Some(info) = model.primitives.get(name) else { return };
    for param in schema.params.iter().filter(|p| p.required && !p.deprecated) {
        if stonith && supplied_by_fencer(&param.name) {
            continue;
        }
        let given = params.iter().any(|(_, a)| {
            a.key.text == param.name
                || schema
                    .params
                    .iter()
                    .any(|other| other.name == a.key.text && (other.replaced_with.contains(&param.name) || param.replaced_with.contains(&other.name)))
        });
        if !given {
            out.push(
                Diagnostic::new(&CODE_REQUIRED, info.span, format!("`{name}` does not set `{}`, which its agent requires", param.name))
                    .in_file(info.file)
                    .with_help(format!(
                        "add `{} = ...`{}",
                        param.name,
                        param.default.as_ref().filter(|d| !d.is_empty()).map(|d| format!(" (the agent suggests `{d}`)")).unwrap_or_default()
                    )),
            );
        }
    }
}

pub fn check(model: &Model, _target: Target, scope: &Scope, out: &mut Vec<Diagnostic>) {
    for info in scope.primitives(model) {
        let name = &info.name;
        // Templates are checked through the primitives that use them.
        if model.kind_of(name) != Some(SymbolKind::Primitive) {
            continue;
        }
        let Some(known) = model.agent_of(name) else { continue };
        let stonith = info.agent.as_ref().is_some_and(crate::model::Agent::is_stonith);
        check_primitive(model, name, &known.schema, stonith, out);
    }
}
