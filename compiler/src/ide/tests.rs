//! Completion contexts as a table: text with the cursor at `|`, and labels that must (or must
//! not) be offered there.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic, reason = "tests")]

use crate::Compiler;

const POLICY: &str = "cluster { stonith-enabled = false }
node n1
node n2
primitive ip: ocf:heartbeat:IPaddr2 {
  ip = 192.0.2.1
  op monitor interval=10s
}
primitive db: ocf:pacemaker:Stateful
promotable db-clone: db
";

/// (text appended to POLICY with `|` for the cursor, offered, not offered)
const CASES: &[(&str, &[&str], &[&str])] = &[
    ("|", &["primitive", "location", "cluster"], &["ip"]),
    ("pri|", &["primitive"], &["group"]),
    ("primitive web: ocf:heartbeat:ap|", &["ocf:heartbeat:apache"], &["ocf:heartbeat:IPaddr2"]),
    ("primitive web: |", &["ocf:heartbeat:apache", "stonith:fence_ipmilan"], &[]),
    ("primitive web: ocf:heartbeat:apache {\n  |\n}", &["configfile", "op", "meta"], &["ip"]),
    ("primitive web: ocf:heartbeat:apache {\n  op |\n}", &["start", "monitor", "status"], &["promote"]),
    ("primitive web: ocf:heartbeat:apache {\n  op monitor |\n}", &["interval", "timeout", "on-fail"], &[]),
    ("primitive web: ocf:heartbeat:apache {\n  op stop on-fail=|\n}", &["fence", "block"], &["restart-container-x"]),
    ("primitive web: ocf:heartbeat:apache {\n  meta {\n    |\n  }\n}", &["allow-migrate", "target-role"], &[]),
    ("primitive web: ocf:heartbeat:apache {\n  meta {\n    target-role = |\n  }\n}", &["Started", "Stopped"], &[]),
    ("group g [|]", &["ip"], &["db-clone", "db"]),
    ("clone c: |", &["ip"], &["db"]),
    ("location l: ip prefers |", &["n1", "n2"], &["ip"]),
    ("location l: |", &["ip", "db-clone"], &["n1"]),
    ("colocation c: ip with |", &["db-clone", "Promoted"], &[]),
    ("location l: db-clone {\n  rule -inf: fail-count(|", &["db"], &["n1"]),
    ("location l: db-clone {\n  rule -inf: fail-count(ip, |", &["monitor", "start", "stop"], &["promote"]),
    ("location l: db-clone {\n  rule -inf: fail-count(ip, monitor, |", &["10s"], &[]),
    ("cluster {\n  no-quorum-policy = |\n}", &["stop", "freeze", "ignore"], &[]),
    ("rsc-defaults {\n  |\n}", &["resource-stickiness", "migration-threshold"], &["no-quorum-policy"]),
    ("test \"t\" {\n  |\n}", &["given", "when", "expect"], &["primitive"]),
    ("test \"t\" {\n  given |\n}", &["nodes", "ip", "db-clone"], &["n1"]),
    ("test \"t\" {\n  given ip running on |\n}", &["n1", "n2"], &["ip"]),
    ("test \"t\" {\n  when monitor of |\n}", &["ip"], &["n1"]),
    ("test \"t\" {\n  when node n1 |\n}", &["fails", "standby"], &["ip"]),
    ("test \"t\" {\n  expect ip |\n}", &["running", "migrates", "banned"], &["n1"]),
    ("test \"t\" {\n  expect fail-count ip |\n}", &["monitor", "on"], &["promote"]),
];

#[test]
fn completion_contexts() {
    let mut failures = Vec::new();
    for (tail, offered, absent) in CASES {
        let cursor = POLICY.len() + tail.find('|').unwrap();
        let text = format!("{POLICY}{}", tail.replace('|', ""));
        let mut compiler = Compiler::default();
        compiler.set_file("a.hapolicy", text.clone());
        let schema_of = |spec: &str| compiler.agent_schema(spec);
        let labels: Vec<String> = super::completions(compiler.model(), &text, cursor, &schema_of).into_iter().map(|c| c.label).collect();
        for want in *offered {
            if !labels.iter().any(|l| l == want) {
                failures.push(format!("{tail:?}: `{want}` not offered (got {labels:?})"));
            }
        }
        for unwanted in *absent {
            if labels.iter().any(|l| l == unwanted) {
                failures.push(format!("{tail:?}: `{unwanted}` offered"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn rename_updates_every_reference_and_refuses_clashes() {
    let mut compiler = Compiler::default();
    let text = format!("{POLICY}location l: db-clone {{\n  rule -inf: fail-count(db, monitor, 10s) >= 1\n}}\n");
    let file = compiler.set_file("a.hapolicy", text.clone());
    let at = text.find("fail-count(db").unwrap() + "fail-count(".len();
    let edits = super::rename(compiler.model(), file, at, "pgsql").unwrap();
    let spans: Vec<&str> = edits.iter().map(|(loc, _)| &text[loc.span.range()]).collect();
    assert_eq!(spans, ["db", "db", "db"], "declaration, promotable child, fail-count");
    assert!(super::rename(compiler.model(), file, at, "ip").unwrap_err().contains("already declared"));
    assert!(super::rename(compiler.model(), file, at, "9lives").unwrap_err().contains("not a valid CIB id"));
}

#[test]
fn hover_names_the_compiled_fail_count_attribute() {
    let mut compiler = Compiler::default();
    let text = format!("{POLICY}location l: db-clone {{\n  rule -inf: fail-count(ip, monitor, 10s) >= 1\n}}\n");
    let file = compiler.set_file("a.hapolicy", text.clone());
    let at = text.find("fail-count(ip").unwrap();
    let (_, markdown) = super::hover(compiler.model(), file, at).unwrap();
    assert!(markdown.contains("`fail-count-ip#monitor_10000`"), "{markdown}");
}

#[test]
fn hover_explains_live_migration() {
    let mut compiler = Compiler::default();
    let text = "cluster { stonith-enabled = false }
primitive fs: ocf:heartbeat:Filesystem { device = /dev/sdb1; directory = /srv; fstype = xfs }
primitive vm: ocf:heartbeat:VirtualDomain {
  config = /etc/libvirt/qemu/vm.xml
  meta { allow-migrate = true }
}
primitive ip: ocf:heartbeat:IPaddr2 {
  ip = 192.0.2.9
  meta { allow-migrate = true }
}
order fs-then-vm: fs then vm
";
    let file = compiler.set_file("a.hapolicy", text.to_string());
    let (_, vm) = super::hover(compiler.model(), file, text.find("vm:").unwrap()).unwrap();
    assert!(vm.contains("live-migrates when it moves on its own") && vm.contains("restarts instead if `fs` moves too"), "{vm}");
    let (_, ip) = super::hover(compiler.model(), file, text.find("ip:").unwrap()).unwrap();
    assert!(ip.contains("✗"), "{ip}");
}
