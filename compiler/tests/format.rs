//! The formatter against every policy in the repository: it must succeed, be idempotent, keep
//! every comment, and keep the tree (so the compiled CIB, or the diagnostics, stay the same).
#![allow(clippy::panic, clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing, reason = "a test reports failures by panicking")]

use std::path::{Path, PathBuf};

use hapolicy_compiler::format::{format_items, format_source};
use hapolicy_compiler::span::Span;
use hapolicy_compiler::syntax::ast::*;
use hapolicy_compiler::syntax::parse;
use hapolicy_compiler::{Compiler, Target};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root").to_path_buf()
}

fn files(dir: &str, suffix: &str) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
        .unwrap_or_else(|e| panic!("cannot read {dir}: {e}"))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.ends_with(suffix)))
        .collect();
    found.sort();
    assert!(!found.is_empty(), "no {suffix} files in {dir}");
    found
}

/// The `#` comments of a text, outside quoted strings, without trailing whitespace.
fn comments(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut in_string = false;
    let mut escaped = false;
    let mut comment: Option<String> = None;
    for c in text.chars() {
        if let Some(current) = comment.as_mut() {
            if c == '\n' {
                found.push(current.trim_end().to_string());
                comment = None;
            } else {
                current.push(c);
            }
            continue;
        }
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '#' => comment = Some("#".to_string()),
            _ => {}
        }
    }
    if let Some(current) = comment {
        found.push(current.trim_end().to_string());
    }
    found.sort();
    found
}

/// A tree's debug form with every span removed, so trees parsed from different texts compare.
fn without_spans<I: std::borrow::Borrow<Item>>(items: &[I]) -> String {
    let items: Vec<&Item> = items.iter().map(std::borrow::Borrow::borrow).collect();
    let text = format!("{items:?}");
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(at) = rest.find("Span { start: ") {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        let close = after.find('}').expect("span closes");
        out.push_str("Span");
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

fn target_for(path: &Path) -> Target {
    if path.to_string_lossy().contains("pacemaker3") {
        Target::Pacemaker3
    } else {
        Target::Pacemaker2
    }
}

/// The CIB, or the diagnostic codes when it does not build.
fn compiled(target: Target, text: &str) -> Result<String, Vec<String>> {
    let mut compiler = Compiler::new(target);
    compiler.set_file("policy.hapolicy", text.to_string());
    match compiler.cib() {
        Some(xml) => Ok(xml.to_string()),
        None => Err(compiler.diagnostics().iter().map(|d| d.code.code.to_string()).collect()),
    }
}

/// Every check on one file; returns the problems found.
fn check_file(path: &Path) -> Vec<String> {
    let name = path.strip_prefix(root()).unwrap_or(path).display().to_string();
    let original = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {name}: {e}"));
    let problems = check_text(&name, target_for(path), &original);
    if let (Ok(dir), Ok(formatted)) = (std::env::var("FORMAT_DUMP"), format_source(&original)) {
        let _ = std::fs::write(Path::new(&dir).join(path.file_name().unwrap()), formatted);
    }
    problems
}

/// Every check on one text; returns the problems found.
fn check_text(name: &str, target: Target, original: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let formatted = match format_source(original) {
        Ok(text) => text,
        Err(errors) => return vec![format!("{name}: not formatted: {errors:?}")],
    };
    let reparsed = parse(&formatted);
    if !reparsed.errors.is_empty() {
        problems.push(format!("{name}: the formatted text has syntax errors: {:?}\n{formatted}", reparsed.errors));
        return problems;
    }
    match format_source(&formatted) {
        Ok(again) if again == formatted => {}
        Ok(again) => problems.push(format!("{name}: not idempotent\n--- first\n{formatted}\n--- second\n{again}")),
        Err(errors) => problems.push(format!("{name}: formatted text refused: {errors:?}")),
    }
    let tree = parse(original).items;
    if without_spans(&tree) != without_spans(&reparsed.items) {
        problems.push(format!("{name}: the tree changed\n{formatted}"));
    }
    if comments(original) != comments(&formatted) {
        problems.push(format!("{name}: comments differ\n--- original\n{:#?}\n--- formatted\n{:#?}", comments(original), comments(&formatted)));
    }
    if compiled(target, original) != compiled(target, &formatted) {
        problems.push(format!("{name}: compiles differently after formatting"));
    }
    // Printing the tree alone (as the importer does) gives the same tree back, and is stable.
    let plain = format_items(&tree);
    let plain_parsed = parse(&plain);
    if !plain_parsed.errors.is_empty() || without_spans(&plain_parsed.items) != without_spans(&tree) {
        problems.push(format!("{name}: format_items does not round-trip: {:?}\n{plain}", plain_parsed.errors));
    } else if format_items(&plain_parsed.items) != plain {
        problems.push(format!("{name}: format_items is not idempotent"));
    }
    if formatted.lines().any(|l| l.ends_with(' ') || l.contains('\t')) {
        problems.push(format!("{name}: trailing spaces or tabs in the output"));
    }
    problems
}

fn check_set(label: &str, paths: &[PathBuf]) {
    let mut problems = Vec::new();
    let mut ok = 0;
    for path in paths {
        let found = check_file(path);
        if found.is_empty() {
            ok += 1;
        }
        problems.extend(found);
    }
    println!("{ok}/{} {label} formatted", paths.len());
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn examples_format() {
    check_set("examples", &files("examples", ".hapolicy"));
}

/// The policies the importer writes for the 600 CIBs of Pacemaker's scheduler regression suite
/// (../shared/corpus/pacemaker-cts) go through the same checks: formatting them is idempotent,
/// keeps their comments and keeps their tree.
#[test]
fn imported_corpus_policies_format() {
    let corpus = root().join("../shared/corpus/pacemaker-cts");
    assert!(corpus.is_dir(), "{} is missing: the shared/ folder must sit beside the checkout", corpus.display());
    let mut cibs: Vec<PathBuf> =
        std::fs::read_dir(&corpus).unwrap().filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|x| x == "xml")).collect();
    cibs.sort();
    let mut problems = Vec::new();
    let mut checked = 0;
    for cib in &cibs {
        let text = std::fs::read_to_string(cib).unwrap();
        let Ok(root_element) = hapolicy_compiler::cib::read_xml(&text) else { continue };
        let policy = hapolicy_compiler::import::render(&hapolicy_compiler::import::import(root_element, &text));
        if !parse(&policy).errors.is_empty() {
            continue;
        }
        checked += 1;
        problems.extend(check_text(&cib.display().to_string(), Target::default(), &policy));
    }
    println!("{}/{checked} imported corpus policies format idempotently, keeping comments and tree", checked - problems.len().min(checked));
    assert!(checked >= 590, "only {checked} corpus CIBs imported to a parsable policy");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn build_fixtures_format() {
    check_set("build fixtures", &files("tests/fixtures/build", ".hapolicy"));
}

#[test]
fn stdlib_agents_format() {
    check_set("stdlib agent files", &files("stdlib/agents", ".hapolicy"));
}

#[test]
fn passing_check_fixtures_format() {
    check_set("passing check fixtures", &files("tests/fixtures/checks", ".pass.hapolicy"));
}

#[test]
fn failing_check_fixtures_format_or_are_refused() {
    // Not required, but a good stress test: every failing fixture either has syntax errors
    // (and is refused) or goes through every check above.
    let paths = files("tests/fixtures/checks", ".fail.hapolicy");
    let mut problems = Vec::new();
    let mut formatted = 0;
    let mut refused = 0;
    for path in &paths {
        let text = std::fs::read_to_string(path).expect("read");
        if parse(&text).errors.is_empty() {
            formatted += 1;
            problems.extend(check_file(path));
        } else {
            assert!(format_source(&text).is_err(), "{} has syntax errors but was formatted", path.display());
            refused += 1;
        }
    }
    println!("{formatted}/{} failing check fixtures formatted, {refused} refused for syntax errors", paths.len());
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

// ------------------------------------------------------------------ hand-written cases

fn fmt(text: &str) -> String {
    format_source(text).unwrap_or_else(|e| panic!("syntax errors: {e:?}"))
}

#[test]
fn syntax_errors_are_returned() {
    let errors = format_source("primitive a ocf:heartbeat:Dummy\n").expect_err("a syntax error");
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].code.code, "HP0001");
}

#[test]
fn before_and_after() {
    let cases: &[(&str, &str)] = &[
        // spacing, one statement per line, inline short bodies
        (
            "cluster{stonith-enabled=false;no-quorum-policy  =  stop}\nnode   node1   id=1{rack=r1}\n\n\nnode node2\n",
            "cluster { stonith-enabled = false; no-quorum-policy = stop }\n\nnode node1 id=1 { rack = r1 }\n\nnode node2\n",
        ),
        (
            "primitive ip : ocf:heartbeat:IPaddr2 {\n    ip = \"192.0.2.1\" ; cidr_netmask=24\n        op monitor   interval=10s timeout = 20s\n  meta{target-role=Stopped}\n}\n",
            "primitive ip: ocf:heartbeat:IPaddr2 {\n  ip = \"192.0.2.1\"\n  cidr_netmask = 24\n  op monitor interval=10s timeout=20s\n  meta { target-role = Stopped }\n}\n",
        ),
        // constraints on one line; location prefers
        (
            "location l1 : web   prefers node1=50\ncolocation c: Promoted   db with web=-inf\norder o:promote db then  start web kind=Optional\n",
            "location l1: web prefers node1 = 50\n\ncolocation c: Promoted db with web = -inf\n\norder o: promote db then start web kind=Optional\n",
        ),
        // a run of one-line items of one keyword stays together
        (
            "fencing-level node1 index=1 [ipmi1]\nfencing-level node1 index=2 [pdu,ipmi2]\ntag t [ a , b ]\n",
            "fencing-level node1 index=1 [ipmi1]\nfencing-level node1 index=2 [pdu, ipmi2]\n\ntag t [a, b]\n",
        ),
        // rules: mixed groups parenthesised, built-ins as written, quoted attribute names
        (
            "location l: a {\n  rule role=Promoted   -inf :  ( $uname==n1   or   $uname == n2 ) and not defined( \"odd name\" ) and fail-count(p,monitor,10s)>=1\n}\n",
            "location l: a {\n  rule role=Promoted -inf: ($uname == n1 or $uname == n2)\n      and not defined(\"odd name\")\n      and fail-count(p, monitor, 10s) >= 1\n}\n",
        ),
        // dates, date specs, ops and resources in when clauses
        (
            "op-defaults  fast  score=10 {\n  when op( monitor ,10s ) and resource(ocf:heartbeat:IPaddr2)\n  timeout=8s\n}\ncluster night score=10 { when date in 2025-01-01 to \"2025-02-01 00:00\"\n  batch-limit=30 }\n",
            "op-defaults fast score=10 {\n  when op(monitor, 10s) and resource(ocf:heartbeat:IPaddr2)\n  timeout = 8s\n}\n\ncluster night score=10 {\n  when date in 2025-01-01 to \"2025-02-01 00:00\"\n  batch-limit = 30\n}\n",
        ),
        // sets, tickets, alerts, ACLs, agent declarations
        (
            "colocation s: = -500 { set [a,b] sequential=false ; set [c] role=Promoted }\nticket t: requires tk loss-policy=stop {set [a]}\n",
            "colocation s: = -500 {\n  set [a, b] sequential=false\n  set [c] role=Promoted\n}\n\nticket t: requires tk loss-policy=stop {\n  set [a]\n}\n",
        ),
        (
            "alert a path=/bin/true { select nodes attributes [x,y]\n recipient r value=\"/tmp/log\" { meta {timeout=5s} } }\nacl-role ro { read xpath=\"/cib\" }\nacl-user \"dom user\" [ro]\n",
            "alert a path=/bin/true {\n  select nodes attributes [x, y]\n  recipient r value=\"/tmp/log\" {\n    meta { timeout = 5s }\n  }\n}\n\nacl-role ro {\n  read xpath=\"/cib\"\n}\n\nacl-user \"dom user\" [ro]\n",
        ),
        (
            "agent ocf:acme:W {\n param mode : select( fast ,\"very safe\" ) required default=fast\n action start timeout=20s }\n",
            "agent ocf:acme:W {\n  param mode: select(fast, \"very safe\") required default=fast\n  action start timeout=20s\n}\n",
        ),
        // bundle parts, keys that must be quoted in a bundle body
        (
            "bundle b { podman image=x replicas=2\n  \"network\" = 1\n  port-mapping p port=80 }\n",
            "bundle b {\n  podman image=x replicas=2\n  \"network\" = 1\n  port-mapping p port=80\n}\n",
        ),
        // long lines: continued before a property, conditions broken before `or`
        (
            "primitive fs: ocf:heartbeat:Filesystem {\n  op monitor interval=168h timeout=5min interval-origin=2025-W01-1T03:30:00 check-level=20 description=\"weekly deep check\"\n}\nlocation l: fs {\n  rule -inf: fail-count(fs, monitor, 168h) >= 1 or fail-count(fs, start) >= 1 or fail-count(fs, stop) >= 1\n}\n",
            "primitive fs: ocf:heartbeat:Filesystem {\n  op monitor interval=168h timeout=5min interval-origin=2025-W01-1T03:30:00 check-level=20 \\\n             description=\"weekly deep check\"\n}\n\nlocation l: fs {\n  rule -inf: fail-count(fs, monitor, 168h) >= 1\n      or fail-count(fs, start) >= 1\n      or fail-count(fs, stop) >= 1\n}\n",
        ),
        // comments: before items, before statements, at line ends (aligned), before a closing brace
        (
            "# file\ncluster {\n  stonith-enabled = false # demo\n  # the next one\n  no-quorum-policy = stop   # stop\n}\n\n\n# nodes\nnode n1 # first\nnode n2\n",
            "# file\ncluster {\n  stonith-enabled = false  # demo\n  # the next one\n  no-quorum-policy = stop  # stop\n}\n\n# nodes\nnode n1  # first\nnode n2\n",
        ),
        // a condition spread over lines stays one operand per line; a comment inside it goes
        // before the rule
        (
            "location l: a {\n  rule 10: x == 1 or\n    (y == 2 or z == 3)\n  rule 5: a == 1 or b == 2\n}\n",
            "location l: a {\n  rule 10: x == 1\n      or (y == 2 or z == 3)\n  rule 5: a == 1 or b == 2\n}\n",
        ),
        // a comment inside such a condition goes before the rule
        (
            "location l: a {\n  rule 10: x == 1 # one\n     or y == 2\n}\n",
            "location l: a {\n  # one\n  rule 10: x == 1\n      or y == 2\n}\n",
        ),
    ];
    let mut failures = Vec::new();
    for (before, after) in cases {
        let got = fmt(before);
        if &got != after {
            failures.push(format!("--- input\n{before}--- expected\n{after}--- got\n{got}"));
            continue;
        }
        assert_eq!(fmt(&got), got, "not idempotent:\n{got}");
        assert_eq!(without_spans(&parse(before).items), without_spans(&parse(&got).items), "tree changed:\n{got}");
    }
    println!("{}/{} before/after cases as expected", cases.len() - failures.len(), cases.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// ------------------------------------------------------------------ trees built by a program

fn s(text: &str) -> Spanned {
    // Spans of built trees mean nothing; make them deliberately wrong.
    Spanned { text: text.into(), span: Span::new(999, 3) }
}

fn v(text: &str) -> Value {
    Value { text: text.into(), quoted: false, span: Span::new(7, 7) }
}

fn a(key: &str, value: &str) -> Assign {
    Assign { key: s(key), value: v(value) }
}

#[test]
fn built_trees_are_printed_without_spans() {
    let op = Op { name: s("monitor"), props: vec![a("interval", "10s")], params: Vec::new(), sets: Vec::new(), span: Span::new(5, 1) };
    let meta = AttrSet {
        kind: SetKind::Meta,
        name: None,
        reference: None,
        props: Vec::new(),
        when: Vec::new(),
        entries: vec![a("target-role", "Stopped")],
        span: Span::new(0, 0),
    };
    let items = vec![
        Item {
            kind: ItemKind::Cluster { name: None, props: Vec::new(), when: Vec::new(), entries: vec![a("stonith-enabled", "false")] },
            span: Span::new(50, 60),
        },
        Item {
            kind: ItemKind::Primitive {
                name: s("pdu"),
                source: PrimitiveSource::Agent(s("stonith:fence_apc_snmp")),
                props: vec![a("description", "the PDU, outlet map")],
                body: Body {
                    assigns: vec![a("pcmk_host_map", "node1:1;node2:2"), a("odd key", "x\"y\\z"), a("ip", "10.0.0.110")],
                    sets: vec![meta],
                    ops: vec![op],
                },
            },
            span: Span::new(0, 10),
        },
        Item { kind: ItemKind::AclTarget { group: false, name: s("dom user"), props: Vec::new(), roles: vec![s("ro")] }, span: Span::default() },
        Item { kind: ItemKind::AclTarget { group: false, name: s("bob"), props: Vec::new(), roles: Vec::new() }, span: Span::default() },
    ];
    let text = format_items(&items);
    let expected = "cluster { stonith-enabled = false }\n\n\
                    primitive pdu: stonith:fence_apc_snmp description=\"the PDU, outlet map\" {\n  \
                    pcmk_host_map = \"node1:1;node2:2\"\n  \
                    \"odd key\" = \"x\\\"y\\\\z\"\n  \
                    ip = 10.0.0.110\n  \
                    meta { target-role = Stopped }\n  \
                    op monitor interval=10s\n\
                    }\n\n\
                    acl-user \"dom user\" [ro]\n\
                    acl-user bob\n";
    assert_eq!(text, expected);
    let parsed = parse(&text);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let ItemKind::Primitive { body, props, .. } = &parsed.items[1].kind else { panic!("a primitive") };
    assert_eq!(props[0].value.text, "the PDU, outlet map");
    assert_eq!(body.assigns[0].value.text, "node1:1;node2:2");
    assert_eq!(body.assigns[1].key.text, "odd key");
    assert_eq!(body.assigns[1].value.text, "x\"y\\z");
}

// ------------------------------------------------------------------ every construct, messily

const EVERYTHING: &str = r#"# a policy that uses every construct, written carelessly
cluster {stonith-enabled=false
   cluster-name="prod web"}
cluster night score=10 { when date-spec(hours=0-5, weekdays=1-5) ; batch-limit = 30 }
op-defaults fast score=5 {
  when op(monitor,10s) or (resource(ocf:heartbeat:IPaddr2) and op(start))
  timeout = 8s # fast
}
rsc-defaults { resource-stickiness = 100 }
node n1 id=1 type=member description="first node" { rack = r1
  params extra score=3 { when date > 2025-01-01; weight = 3 }
  utilization { cpu = 8 }
}
node "odd node"
node n2
template tpl : ocf:heartbeat:Dummy { fake = 1
  op monitor interval=10s { OCF_CHECK_LEVEL = 10; params { a = 1 } ; meta { record-pending = true } }
}
primitive p1 from tpl { state = /run/p1 }
primitive p2: ocf:heartbeat:IPaddr2 description="two words" {
  ip = "192.0.2.1"   # quoted by the admin
  "odd key" = "a \"quoted\" \\ value"
  meta use shared-meta
  params use shared-params
  meta shared-meta score=1 { target-role = Started }
  params shared-params { cidr_netmask = 24 }
  op monitor interval=10s timeout=20s role=Promoted
  op stop timeout=60s on-fail=block   # stop
}
primitive p3: stonith:fence_ipmilan { ip = 10.0.0.1; username = u }
group g [p1,
   # the second member
   p2] description=grp { meta { is-managed = true } ; resource-stickiness = 1 }
clone c1: g { interleave=true }
promotable pr: p3 { promoted-max = 1 }
bundle b1 {
  docker image=img replicas=1
  network control-port=3121
  storage-mapping sm source-dir=/a target-dir=/b options="ro,Z"
  meta { target-role = Stopped }
  target-role = Started
}
bundle b2: p1 { rkt image=x }
location l1: p1 prefers n1
location l2: p1 avoids n2 = -100
location l3: pattern "^p[0-9]$" resource-discovery=never prefers n1 = 10
location l4: { set [p1, p2] ; prefers n1 = 5 }
location l5: p2 role=Promoted {
  rule role=Promoted score-attribute="pingd" : defined(pingd)
  rule -inf: not defined(pingd) or pingd < integer 100   # no uplink
  rule: rack == param(rack) and $id != meta(owner)
  rule 5: "date" == x and "integer" == y and z == "string" and w == number "1.5"
  rule 10: date < 2026-01-01 and date in 2025-01-01 to 2025-02-01
  rule 20:
     fail-count(p2) >= 1 or
     fail-count(p2, monitor) >= 1 or
     fail-count(p2, monitor, 10s) > 0
}
colocation co1: Started p1 with Promoted pr = 100 node-attribute=rack influence=false
colocation co2: { set s1 [p1] sequential=false
  set [p2] role=Started }
colocation co3: = inf { set [p1, p2] }
order o1: p1 then p2
order o2: start p1 then promote pr kind=Optional symmetrical=false
order o3: kind=Serialize { set [p1] ; set [p2] require-all=false action=start }
ticket t1: Promoted pr requires tk loss-policy=demote
ticket t2: requires tk { set [p1] }
tag tg1 [p1, p2]
tag tg2 []
alert a1 path="/usr/share/pacemaker/alerts/alert_file.sh.sample" description="file log" {
  # parameters
  logfile = /var/log/alerts.log
  meta { timeout = 15s; timestamp-format = "%H:%M" }
  select nodes fencing resources attributes [standby,shutdown]
  recipient r1 value="/tmp/one"
  recipient r2 value="/tmp/two" { meta { timeout = 30s } ; params { x = 1 } }
}
alert a2 path=/bin/true
fencing-level n1 index=1 [p3]
fencing-level pattern "n[0-9]" index=2 [p3, p3]
fencing-level attribute rack = r1 index=3 [p3]
fencing-level "odd node" index=1 [p3]
acl-role ro description="read only" { read xpath="/cib"; deny reference=p2
  write object-type=constraints attribute=x }
acl-role empty
acl-user alice [ro]
acl-user "bob smith"
acl-group ops description=team [ro, ro]
agent ocf:acme:Widget ocf-version="1.1" {
  param config: string required unique
  param "odd-name": integer reloadable default=1
  param mode: select(fast, "very safe") default=fast
  param level: select
  action start timeout=40s
  action monitor timeout=20s interval=10s depth=0
}
# the end
"#;

#[test]
fn every_construct_round_trips() {
    let problems = check_text("every construct", Target::Pacemaker2, EVERYTHING);
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
    println!("{}", format_source(EVERYTHING).unwrap());
}

#[test]
fn odd_files() {
    assert_eq!(fmt(""), "");
    assert_eq!(fmt("\n\n"), "");
    assert_eq!(fmt("# only\n\n# comments   \n"), "# only\n\n# comments\n");
    // Windows line endings are read, and written as `\n`.
    assert_eq!(fmt("node n1 # a\r\n\r\nnode n2\r\n"), "node n1  # a\n\nnode n2\n");
    // A comment inside a bracketed list that becomes one line goes before the item.
    assert_eq!(fmt("tag t [a, # first\n  b]\n"), "# first\ntag t [a, b]\n");
    // Comments in a body that becomes empty are kept.
    assert_eq!(fmt("node n1 {\n  # nothing yet\n}\n"), "# nothing yet\nnode n1\n");
}
