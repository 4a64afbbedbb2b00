//! Findings only a CIB can have: what the importer could not carry over, legacy syntax, the
//! schema version, and runtime state recorded in the status section.

use crate::cib::{XmlElement, XmlNode};
use crate::diagnostics::{Code, Diagnostic, Severity};

pub static NOT_IMPORTED: Code = Code {
    code: "HP4001",
    name: "not-imported",
    severity: Severity::Warning,
    summary: "part of the CIB that the policy language cannot express yet",
    doc: r#"# HP4001 not-imported

The importer reads the configuration into the policy language; this element or attribute has no
equivalent yet (for example an `id-ref` to a shared rule or operation set, or legacy ACL syntax).
It is reported rather than silently dropped: the imported policy does not contain it, and lint
does not check it.

```
<rule id-ref="shared-rule"/>      <!-- warning: references are not imported -->
```

Write the referenced content out in place, or keep that part of the configuration by hand.
"#,
};

pub static LEGACY: Code = Code {
    code: "HP4002",
    name: "legacy-cib-syntax",
    severity: Severity::Warning,
    summary: "deprecated CIB syntax that Pacemaker 3 removes",
    doc: r#"# HP4002 legacy-cib-syntax

The CIB uses syntax Pacemaker has deprecated and Pacemaker 3 removes or rewrites on upgrade:
`<master>` (a promotable clone), the role names `Master`/`Slave`, `<lifetime>`, `requires` on an
operation. Pacemaker 2.1 still accepts most of it; an upgrade may change or drop it.

```
<master id="db-clone"> ... </master>     <!-- warning: use a clone with promotable=true -->
```

Importing the CIB and building it again writes the current syntax.
"#,
};

pub static IGNORED_ROLE: Code = Code {
    code: "HP4003",
    name: "location-role-ignored",
    severity: Severity::Warning,
    summary: "a role on a location constraint with rules, which Pacemaker ignores",
    doc: r#"# HP4003 location-role-ignored

When a location constraint has rules, Pacemaker takes the role only from each `<rule>` and
ignores the constraint's own `role` attribute: a ban meant for the Promoted role then applies to
every instance.

```
<rsc_location id="l" rsc="db-clone" role="Promoted">
  <rule id="r" score="-INFINITY"> ... </rule>        <!-- applies to every role -->
</rsc_location>
```

Put `role="Promoted"` on the rule. In a policy, `location l: db-clone role=Promoted { rule ... }`
is compiled that way.
"#,
};

pub static NOT_A_CIB: Code = Code {
    code: "HP4004",
    name: "not-a-cib",
    severity: Severity::Error,
    summary: "the XML is not a CIB, or it cannot be read",
    doc: r#"# HP4004 not-a-cib

lint and import read whole CIB documents: a `<cib>` root with a `<configuration>` section, as
`cibadmin --query` prints. Malformed XML is reported at the position where reading failed.

```
<configuration> ... </configuration>     <!-- error: wrap it in <cib> -->
```
"#,
};

pub static OLD_SCHEMA: Code = Code {
    code: "HP4005",
    name: "old-schema",
    severity: Severity::Advice,
    summary: "the CIB declares an old schema version",
    doc: r#"# HP4005 old-schema

`validate-with` names the schema Pacemaker validates the CIB against. Versions before
pacemaker-3.0 predate current syntax, and Pacemaker 3 only upgrades CIBs from pacemaker-2.0 on.
`cibadmin --upgrade` (or importing and building with hapolicy) writes the current version.

```
<cib validate-with="pacemaker-1.2" ...>     <!-- advice -->
```
"#,
};

pub static RUNTIME: Code = Code {
    code: "HP4006",
    name: "runtime-failure",
    severity: Severity::Warning,
    summary: "the status section records failures",
    doc: r#"# HP4006 runtime-failure

The CIB's status section shows that an operation failed, or that a resource has a fail count on
a node: the cluster may have banned it there (see `migration-threshold`) until the failure
expires (`failure-timeout`) or is cleaned up (`crm_resource --cleanup`).

```
<nvpair name="fail-count-db#monitor_10000" value="3"/>      <!-- warning -->
```
"#,
};

pub static RAW_XML: Code = Code {
    code: "HP4007",
    name: "kept-as-raw-xml",
    severity: Severity::Advice,
    summary: "a CIB element the importer keeps as raw XML",
    doc: r#"# HP4007 kept-as-raw-xml

Part of this element has no equivalent in the policy language yet (an `id-ref` to shared
operations or rules, legacy ACL syntax, an attribute the language does not know). Rather than
lose it, the importer writes the whole element into the policy through the raw-XML escape hatch,
and `build` writes it back unchanged:

```
xml <<<
<primitive id="web" class="ocf" provider="heartbeat" type="apache">
  <operations id-ref="shared-ops"/>
</primitive>
>>>
```

Raw XML is placed in the right section of the CIB and its id can be named by constraints and
groups, but its content is not checked. Rewrite it in the language when you can.
"#,
};

pub static CODES: &[&Code] = &[&NOT_IMPORTED, &LEGACY, &IGNORED_ROLE, &NOT_A_CIB, &OLD_SCHEMA, &RUNTIME, &RAW_XML];

/// Whether `pacemaker-X.Y` is at least `min` (`pacemaker-next` is newer than every version).
fn schema_at_least(schema: &str, min: (u32, u32)) -> bool {
    let Some(version) = schema.strip_prefix("pacemaker-") else { return false };
    if version == "next" {
        return true;
    }
    let mut parts = version.split('.').map(|p| p.parse::<u32>().ok());
    match (parts.next().flatten(), parts.next().flatten()) {
        (Some(major), minor) => (major, minor.unwrap_or(0)) >= min,
        _ => false,
    }
}

fn walk<'a>(e: &'a XmlElement, f: &mut impl FnMut(&'a XmlElement)) {
    // Iterative: CIBs can be deep, and input is untrusted.
    let mut stack = vec![e];
    while let Some(next) = stack.pop() {
        f(next);
        for child in next.children.iter().rev() {
            if let XmlNode::Element(c) = child {
                stack.push(c);
            }
        }
    }
}

/// Findings about the CIB as a whole: an old schema.
pub(super) fn schema_findings(root: &XmlElement, out: &mut Vec<Diagnostic>) {
    if let Some(schema) = root.get("validate-with") {
        let version = schema.value.strip_prefix("pacemaker-").and_then(|v| v.split('.').next()).and_then(|m| m.parse::<u32>().ok());
        if version.is_some_and(|major| major < 3) {
            out.push(
                Diagnostic::new(&OLD_SCHEMA, schema.value_span, format!("the CIB is written for {}, an old schema", schema.value))
                    .with_help("build the imported policy to write pacemaker-3.9 (or pacemaker-4.0 for Pacemaker 3)"),
            );
        }
    }
}

/// Legacy role names (`Master`, `Slave`) in the configuration, gathered element by element as
/// the importer goes through it, in document order.
pub(super) struct LegacyRoles {
    fix: crate::diagnostics::Safety,
    pub found: Vec<Diagnostic>,
}

impl LegacyRoles {
    pub fn new(root: &XmlElement) -> LegacyRoles {
        // The new role names mean the same to Pacemaker, but schemas before pacemaker-3.7 reject them.
        let new_roles_valid = root.get("validate-with").is_some_and(|s| schema_at_least(&s.value, (3, 7)));
        let fix = if new_roles_valid { crate::diagnostics::Safety::Safe } else { crate::diagnostics::Safety::Unsafe };
        LegacyRoles { fix, found: Vec::new() }
    }

    /// This element's own attributes.
    pub fn element(&mut self, e: &XmlElement) {
        for attr in ["role", "rsc-role", "with-rsc-role"] {
            if let Some(a) = e.get(attr).filter(|a| a.value == "Master" || a.value == "Slave") {
                let new = if a.value == "Master" { "Promoted" } else { "Unpromoted" };
                self.found.push(
                    Diagnostic::new(&LEGACY, a.value_span, format!("`{}` is the legacy name of the {new} role", a.value))
                        .with_help(format!("write `{new}`"))
                        .with_fix(format!("write `{new}`"), self.fix, a.value_span, new),
                );
            }
        }
    }

    /// This element and everything in it.
    pub fn walk(&mut self, e: &XmlElement) {
        walk(e, &mut |e| self.element(e));
    }
}

/// Findings about the cluster's state recorded in the CIB: failures and fail counts.
pub(super) fn status_findings(root: &XmlElement, out: &mut Vec<Diagnostic>) {
    let Some(status) = root.child("status") else { return };
    for node_state in status.children_named("node_state") {
        let node = node_state.value("uname").or(node_state.value("id")).unwrap_or("a node").to_string();
        walk(node_state, &mut |e| {
            if e.name == "nvpair" {
                if let (Some(name), Some(v)) = (e.get("name"), e.value("value")) {
                    if name.value.starts_with("fail-count-") && v != "0" {
                        out.push(
                            Diagnostic::new(&RUNTIME, name.value_span, format!("{} is {v} on {node}", name.value))
                                .with_help("the resource may be banned there; `crm_resource --cleanup` clears it once the cause is fixed"),
                        );
                    }
                }
            }
            if e.name == "lrm_rsc_op" {
                let rc = e.value("rc-code").and_then(|r| r.parse::<i32>().ok());
                let op = e.value("operation").unwrap_or("");
                let interval = e.value("interval").unwrap_or("0");
                // 0 is success; 7 (not running) is the expected answer of a probe; 8 is "running promoted".
                let expected = matches!(rc, Some(0)) || (rc == Some(7) && op == "monitor" && interval == "0") || rc == Some(8);
                if !expected && e.value("op-status").is_some_and(|s| s == "0") {
                    if let Some(id) = e.get("id") {
                        out.push(
                            Diagnostic::new(
                                &RUNTIME,
                                id.value_span,
                                format!("operation {op} (interval {interval} ms) returned {} on {node}", rc.map_or("nothing".to_string(), |r| r.to_string())),
                            )
                            .with_help("check the resource's logs on that node"),
                        );
                    }
                }
            }
        });
    }
}
