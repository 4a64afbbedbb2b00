//! Codes of the syntax, naming and value errors. Codes of Pacemaker-rule checks are declared in
//! their own files under `checks/`; `all()` lists every code.

use super::{Code, Severity};

pub static SYNTAX: Code = Code {
    code: "HP0001",
    name: "syntax-error",
    severity: Severity::Error,
    summary: "the text is not valid .hapolicy syntax",
    doc: r#"# HP0001 syntax-error

The item could not be read. The message says what was expected at that point and what was found.

Each top-level item starts with a keyword (`primitive`, `group`, `location`, ...) at the start of a
line. Inside `{ }` every statement ends at a new line or `;`. Values with spaces, `#`, `=`, `<`,
`>`, `!`, brackets or commas must be quoted.

Only the broken item is skipped: the rest of the file is still checked, so fix the first error
of an item first.

```
primitive web ocf:heartbeat:apache      # error: expected `:` or `from`
primitive web: ocf:heartbeat:apache     # fixed
```
"#,
};

pub static UNRESOLVED: Code = Code {
    code: "HP1001",
    name: "unresolved-reference",
    severity: Severity::Error,
    summary: "a name does not refer to anything declared",
    doc: r#"# HP1001 unresolved-reference

A constraint, group, clone, tag, fail-count expression or fencing level names something that is
not declared in the policy.

Pacemaker only checks that an IDREF matches *some* id, and then ignores the constraint at run
time ("Ignoring constraint ... because X is not a valid resource or tag"), so a typo silently
removes a placement or ordering rule from the cluster.

```
primitive web: ocf:heartbeat:apache { configfile = "/etc/apache2/apache2.conf" }
location prefer-n1: wbe prefers node1 = 50     # error: `wbe` is not declared (did you mean `web`?)
```

Fix the name, or declare the missing item.
"#,
};

pub static DUPLICATE_NAME: Code = Code {
    code: "HP1002",
    name: "duplicate-id",
    severity: Severity::Error,
    summary: "two declarations share one CIB id",
    doc: r#"# HP1002 duplicate-id

Every element of a CIB has an id, and ids must be unique across the whole document — a
resource and a constraint cannot share a name. hapolicy uses names as ids, so two declarations
with the same name would produce an invalid CIB. (Ids that hapolicy generates itself, such as
`web-monitor-10s`, never take a declared name: they get a numbered suffix instead.)

```
primitive web: ocf:heartbeat:apache
location web: web prefers node1     # error: `web` is already the id of the primitive
```

Rename one of them.
"#,
};

pub static INVALID_DURATION: Code = Code {
    code: "HP1003",
    name: "invalid-duration",
    severity: Severity::Error,
    summary: "a duration Pacemaker would misread or reject",
    doc: r#"# HP1003 invalid-duration

Durations are written as a whole number with an optional unit: `250ms`, `10s`, `5min`, `2h`
(no unit means seconds), or as an ISO 8601 duration such as `PT30S` where ISO is allowed.

Pacemaker's own parser is lenient in ways that hide mistakes: it keeps only the integer part
(`1.5m` is one minute), matches units by prefix (`5monkeys` is five minutes), knows no day unit
(`5d` becomes 0, so a recurring monitor silently becomes a probe setting) and turns anything it
cannot read into 0 or the 20 s default without an error. hapolicy accepts only values whose
meaning is unambiguous.

```
op monitor interval=1.5m     # error: fractions are dropped by Pacemaker
op monitor interval=90s      # fixed
op monitor interval=2d       # error: no day unit
op monitor interval=48h      # fixed
```
"#,
};

pub static INVALID_SCORE: Code = Code {
    code: "HP1004",
    name: "invalid-score",
    severity: Severity::Error,
    summary: "a value that is not a score",
    doc: r#"# HP1004 invalid-score

Scores are integers, `inf`/`+inf` or `-inf` (`INFINITY` is accepted too). Pacemaker clamps
scores to ±1,000,000 (INFINITY) and reads anything else as 0 without an error.

```
location l: web prefers node1 = high     # error
location l: web prefers node1 = 100      # fixed
```
"#,
};

pub static INVALID_VALUE: Code = Code {
    code: "HP1005",
    name: "invalid-value",
    severity: Severity::Error,
    summary: "a value outside the set Pacemaker accepts for this setting",
    doc: r#"# HP1005 invalid-value

The setting takes one of a fixed set of values (a boolean, a role, an on-fail policy, an order
kind, ...) or a number, and the value given is not one of them. Pacemaker would fall back to a
default — often silently — or reject the CIB.

```
op monitor interval=10s on-fail=restrat     # error (did you mean `restart`?)
meta { allow-migrate = maybe }              # error: not a boolean
```
"#,
};

pub static INVALID_DATE: Code = Code {
    code: "HP1006",
    name: "invalid-date",
    severity: Severity::Error,
    summary: "a date or time Pacemaker cannot read",
    doc: r#"# HP1006 invalid-date

Dates follow ISO 8601: `2024-01-15`, `2024-01-15T02:00:00`, a week date `2024-W03-1`, an
ordinal date `2024-015`, or a time of day `02:00`. Pacemaker 2.1 only logs an unreadable date
and carries on (a date rule then never matches; an `interval-origin` is ignored).

```
op monitor interval=24h interval-origin=2024-13-01     # error: month 13
op monitor interval=24h interval-origin=02:00          # fixed
```
"#,
};

pub static UNKNOWN_PROPERTY: Code = Code {
    code: "HP1007",
    name: "unknown-property",
    severity: Severity::Error,
    summary: "a property that this kind of item does not have",
    doc: r#"# HP1007 unknown-property

Properties written as `key=value` after an item's name (or an `op`) are attributes of the CIB
element, and each element has a fixed set. An unknown one would either fail Pacemaker's schema
or be lost. Parameters and meta attributes go in the body instead.

```
op monitor interval=10s timout=20s     # error: did you mean `timeout`?
```
"#,
};

pub static WRONG_KIND: Code = Code {
    code: "HP1008",
    name: "wrong-kind-of-reference",
    severity: Severity::Error,
    summary: "a name refers to the wrong kind of item",
    doc: r#"# HP1008 wrong-kind-of-reference

The name resolves, but to something that cannot stand there: a group member that is not a
primitive, a clone of a clone, a constraint naming a node or an ACL role, a fencing level
naming a resource that is not a fencing device, a primitive derived from something that is not a
template.

```
group g [web-clone]      # error: groups contain primitives, `web-clone` is a clone
```
"#,
};

pub static CONTAINED_TWICE: Code = Code {
    code: "HP1009",
    name: "resource-contained-twice",
    severity: Severity::Error,
    summary: "a resource is placed in two groups, clones or bundles",
    doc: r#"# HP1009 resource-contained-twice

Groups, clones and bundles take ownership of the resources they name: in the CIB the primitive
element moves inside them. A primitive can therefore belong to only one of them (a group can be
cloned, and then the clone names the group).

```
group g1 [ip, web]
group g2 [web, db]     # error: `web` is already a member of `g1`
```
"#,
};

pub static INVALID_AGENT: Code = Code {
    code: "HP1010",
    name: "invalid-agent",
    severity: Severity::Error,
    summary: "a resource agent specification Pacemaker cannot use",
    doc: r#"# HP1010 invalid-agent

An agent is written `class:provider:type` for OCF agents (`ocf:heartbeat:IPaddr2`) and
`class:type` for the others (`systemd:httpd`, `lsb:nginx`, `service:cron`,
`stonith:fence_ipmilan`). Known classes: ocf, lsb, systemd, service, stonith, upstart and
nagios. Only OCF agents have a provider.

```
primitive ip: heartbeat:IPaddr2          # error: missing class
primitive ip: ocf:heartbeat:IPaddr2      # fixed
```
"#,
};

pub static UNKNOWN_OPTION: Code = Code {
    code: "HP1011",
    name: "unknown-option",
    severity: Severity::Warning,
    summary: "a meta attribute or cluster option Pacemaker does not know, or one used in the wrong place",
    doc: r#"# HP1011 unknown-option

Meta attributes, cluster options and op defaults are name/value pairs that Pacemaker stores
whatever their name: a misspelt `migration-treshold` is kept in the CIB and silently has no
effect. An option that belongs elsewhere (`interleave` on a primitive rather than its clone,
`timeout` in `rsc-defaults` rather than `op-defaults`) is just as inert.

```
primitive db: ocf:heartbeat:pgsql { meta { migration-treshold = 3 } }   # warning: did you mean `migration-threshold`?
```
"#,
};

pub static DEPRECATED: Code = Code {
    code: "HP1012",
    name: "deprecated",
    severity: Severity::Warning,
    summary: "an option or name Pacemaker has deprecated",
    doc: r#"# HP1012 deprecated

Pacemaker still reads this option or name but has deprecated it, and a later release removes
it or already warns about it: legacy role names (`Master`, `Slave`), `master-max`, group
`ordered`/`collocated`, `restart-type`, `remove-after-stop` and others. The message names the
replacement.

```
op monitor interval=10s role=Master        # warning: write `Promoted`
```
"#,
};

/// Every code of the syntax and naming layer, in order.
pub static BASE: &[&Code] = &[
    &SYNTAX,
    &UNRESOLVED,
    &DUPLICATE_NAME,
    &INVALID_DURATION,
    &INVALID_SCORE,
    &INVALID_VALUE,
    &INVALID_DATE,
    &UNKNOWN_PROPERTY,
    &WRONG_KIND,
    &CONTAINED_TWICE,
    &INVALID_AGENT,
    &UNKNOWN_OPTION,
    &DEPRECATED,
];

/// Every code hapolicy can report, sorted by code.
pub fn all() -> Vec<&'static Code> {
    let mut all: Vec<&'static Code> = BASE.iter().copied().chain(crate::checks::CODES.iter().copied()).chain(crate::import::CODES.iter().copied()).collect();
    all.sort_by_key(|c| c.code);
    all
}

/// Looks a code up by `HP1234` or by its kebab-case name (`duplicate-operation`), in any case.
pub fn find(query: &str) -> Option<&'static Code> {
    let query = query.trim();
    all().into_iter().find(|c| c.code.eq_ignore_ascii_case(query) || c.name.eq_ignore_ascii_case(query))
}

/// The code or name closest to a misspelt one, for "did you mean".
pub fn suggest(query: &str) -> Option<&'static str> {
    let all = all();
    super::did_you_mean(query, all.iter().flat_map(|c| [c.code, c.name]))
}
