//! The failure-handling checks (HP2301–HP2305) claim things about Pacemaker's scheduler; these
//! tests make the real `crm_simulate` show each claim, on CIBs hapolicy compiles, and check that
//! hapolicy warns exactly where the scheduler behaves so.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

use std::path::{Path, PathBuf};
use std::process::Command;

use hapolicy_compiler::{Compiler, Target};
use hapolicy_tests::*;

fn codes(policy: &str) -> Vec<&'static str> {
    let mut compiler = Compiler::new(Target::Pacemaker2);
    compiler.set_file("p.hapolicy", policy.to_string());
    compiler.diagnostics().iter().map(|d| d.code.code).collect()
}

/// The policy compiled to a CIB with its nodes online. A live cluster's CIB carries the DC's
/// feature set; without it the scheduler would read fail counts in the pre-3.0.13 (per
/// resource) form.
fn cib(dir: &Path, policy: &str) -> PathBuf {
    let mut compiler = Compiler::new(Target::Pacemaker2);
    compiler.set_file("p.hapolicy", policy.to_string());
    let xml = compiler.cib().expect("the policy builds").to_string();
    let xml = with_online_nodes(&xml).replacen("<cib ", "<cib crm_feature_set=\"3.16.1\" ", 1);
    let path = dir.join("start.xml");
    std::fs::write(&path, xml).unwrap();
    path
}

/// Runs `crm_simulate -x IN -S ARGS... [-O OUT]`; returns standard output and error together.
fn simulate(input: &Path, args: &[&str], out: Option<&Path>) -> String {
    let mut command = Command::new(require_tool("crm_simulate"));
    command.arg("-x").arg(input).arg("-S").args(args);
    if let Some(out) = out {
        command.arg("-O").arg(out);
    }
    let output = command.output().expect("crm_simulate runs");
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "crm_simulate failed:\n{text}");
    text
}

/// The "Transition Summary" lines of a crm_simulate output.
fn summary(output: &str) -> String {
    output.lines().skip_while(|l| !l.starts_with("Transition Summary")).skip(1).take_while(|l| !l.starts_with("Executing")).collect::<Vec<_>>().join("\n")
}

/// web runs on n1, then its 10s monitor fails once there.
fn after_a_monitor_failure(name: &str, policy: &str) -> (PathBuf, String) {
    let dir = scratch(name);
    let start = cib(&dir, policy);
    let running = dir.join("running.xml");
    let first = simulate(&start, &[], Some(&running));
    assert!(summary(&first).contains("Start      web     (    n1 )"), "{first}");
    let failed = dir.join("failed.xml");
    let reaction = simulate(&running, &["-i", "web_monitor_10000@n1=1"], Some(&failed));
    (failed, summary(&reaction))
}

fn web_policy(on_fail: &str, meta: &str) -> String {
    format!(
        "cluster {{ stonith-enabled = false }}\nnode n1\nnode n2\nprimitive web: ocf:heartbeat:Dummy {{\n  op monitor interval=10s on-fail={on_fail}\n  meta {{ {meta} }}\n}}\nlocation web-prefers-n1: web prefers n1 = 100\n"
    )
}

#[test]
fn migration_threshold_moves_a_restarted_resource_but_never_a_blocked_or_ignored_one() {
    // Threshold 1: the first counted failure bans web from n1.
    let policy = web_policy("restart", "migration-threshold = 1");
    assert!(!codes(&policy).contains(&"HP2301"));
    let (_, reaction) = after_a_monitor_failure("threshold-restart", &policy);
    assert!(reaction.contains("Recover    web     ( n1 -> n2 )"), "the threshold moves web:\n{reaction}");

    for on_fail in ["block", "ignore"] {
        let policy = web_policy(on_fail, "migration-threshold = 1");
        assert!(codes(&policy).contains(&"HP2301"), "hapolicy warns for on-fail={on_fail}");
        let (failed, reaction) = after_a_monitor_failure(&format!("threshold-{on_fail}"), &policy);
        assert!(!reaction.contains("n2"), "on-fail={on_fail}: the threshold must not move web:\n{reaction}");
        // Nor in any later transition: the count has reached the threshold and web stays.
        let later = summary(&simulate(&failed, &[], None));
        assert!(!later.contains("n2"), "on-fail={on_fail}: {later}");
    }
}

#[test]
fn failed_starts_and_stops_set_infinity_unless_start_failure_is_fatal_is_false() {
    // The scheduler tells the controller, in every transition graph, what a failed start and a
    // failed stop add to the fail count.
    let dir = scratch("failed-start-offset");
    for (fatal, offset) in [("true", "INFINITY"), ("false", "1")] {
        let policy = format!(
            "cluster {{ stonith-enabled = false; start-failure-is-fatal = {fatal} }}\nnode n1\nnode n2\nprimitive web: ocf:heartbeat:Dummy {{ meta {{ migration-threshold = 3 }} }}\n"
        );
        // Without monitors only starts and stops can fail: the threshold only counts when starts do.
        assert_eq!(codes(&policy).contains(&"HP2301"), fatal == "true", "{policy}");
        let start = cib(&dir, &policy);
        let graph = dir.join(format!("graph-{fatal}.xml"));
        simulate(&start, &["-G", graph.to_str().unwrap()], None);
        let graph = std::fs::read_to_string(&graph).unwrap();
        assert!(graph.contains(&format!("failed-start-offset=\"{offset}\"")), "start-failure-is-fatal={fatal}:\n{}", &graph[..graph.len().min(400)]);
        assert!(graph.contains("failed-stop-offset=\"INFINITY\""));
    }
    // And so a rule counting three failed starts holds after one.
    let rule = "cluster { stonith-enabled = false }\nprimitive db: ocf:heartbeat:Dummy\nprimitive backup: ocf:heartbeat:Dummy\nlocation l: backup { rule -inf: fail-count(db, start) >= 3 }\n";
    assert!(codes(rule).contains(&"HP2304"));
}

#[test]
fn failure_timeout_does_not_expire_a_failure_of_an_on_fail_block_operation() {
    let later = ["-t", "2040-01-01 00:00:00"];
    let policy = web_policy("restart", "failure-timeout = 60s; migration-threshold = 1");
    assert!(!codes(&policy).contains(&"HP2302"));
    let (failed, _) = after_a_monitor_failure("timeout-restart", &policy);
    let expired = simulate(&failed, &later, None);
    assert!(expired.contains("clear_failcount for web on n1") && summary(&expired).contains("Move       web     ( n2 -> n1 )"), "{expired}");

    let policy = web_policy("block", "failure-timeout = 60s; migration-threshold = 1");
    assert!(codes(&policy).contains(&"HP2302"));
    let (failed, _) = after_a_monitor_failure("timeout-block", &policy);
    let kept = simulate(&failed, &["-t", "2040-01-01 00:00:00", "-VV"], None);
    assert!(!kept.contains("clear_failcount"), "{kept}");
    assert!(kept.contains("Ignoring failure timeout 60 for web because it conflicts with on-fail=block"), "{kept}");
}

#[test]
fn a_fail_count_never_passes_the_migration_threshold_on_a_node() {
    let policy = "cluster { stonith-enabled = false }\nnode n1\nnode n2\nprimitive web: ocf:heartbeat:Dummy {\n  op monitor interval=10s\n  meta { migration-threshold = 2 }\n}\nlocation web-prefers-n1: web prefers n1 = 100\n";
    let rule = format!("{policy}primitive backup: ocf:heartbeat:Dummy\nlocation b: backup {{ rule -inf: fail-count(web, monitor, 10s) >= 3 }}\n");
    assert!(codes(&rule).contains(&"HP2303"));
    assert!(!codes(&rule.replace(">= 3", ">= 2")).contains(&"HP2303"));

    let dir = scratch("threshold-cap");
    let start = cib(&dir, policy);
    let running = dir.join("running.xml");
    simulate(&start, &[], Some(&running));
    let once = dir.join("once.xml");
    let first = summary(&simulate(&running, &["-i", "web_monitor_10000@n1=1"], Some(&once)));
    assert!(first.contains("Recover    web     (    n1 )"), "one failure: recovered in place\n{first}");
    let twice = dir.join("twice.xml");
    let second = summary(&simulate(&once, &["-i", "web_monitor_10000@n1=1"], Some(&twice)));
    assert!(second.contains("( n1 -> n2 )"), "the second failure reaches the threshold and web leaves n1\n{second}");
    // web no longer runs on n1, so its monitor there can fail no more: the count stays at 2.
    let state = std::fs::read_to_string(&twice).unwrap();
    assert!(state.contains(r#"name="fail-count-web#monitor_10000" value="2""#), "{state}");
    let after = simulate(&twice, &[], None);
    assert!(after.contains("Started n2"), "{after}");
}

#[test]
fn a_resource_condition_without_provider_never_matches_in_pacemaker_2() {
    let policy = |condition: &str| {
        format!("cluster {{ stonith-enabled = false }}\nnode n1\nnode n2\nprimitive web: ocf:heartbeat:Dummy\nrsc-defaults keep-stopped score=10 {{\n  when resource({condition})\n  target-role = Stopped\n}}\n")
    };
    let dir = scratch("rsc-expression");
    let without = policy("ocf:Dummy");
    assert!(codes(&without).contains(&"HP2305"));
    let started = summary(&simulate(&cib(&dir, &without), &[], None));
    assert!(started.contains("Start      web"), "the defaults never apply, web starts:\n{started}");

    let with = policy("ocf:heartbeat:Dummy");
    assert!(!codes(&with).contains(&"HP2305"));
    let stopped = summary(&simulate(&cib(&dir, &with), &[], None));
    assert!(!stopped.contains("Start"), "the defaults apply, web stays stopped:\n{stopped}");
}

#[test]
fn an_ignored_stop_failure_starts_the_resource_elsewhere_while_a_blocked_one_does_not() {
    let policy = |stop: &str, defaults: &str| {
        format!(
            "cluster {{ stonith-enabled = false }}\n{defaults}node n1\nnode n2\nprimitive web: ocf:heartbeat:Dummy {{\n  op monitor interval=10s\n  {stop}\n}}\nlocation web-prefers-n1: web prefers n1 = 100\n"
        )
    };
    // n1 goes into standby and web's stop there fails; then the next transition runs.
    let after_failed_stop = |name: &str, policy: &str| {
        let dir = scratch(name);
        let running = dir.join("running.xml");
        simulate(&cib(&dir, policy), &[], Some(&running));
        let status = Command::new(require_tool("crm_attribute"))
            .env("CIB_file", &running)
            .args(["-N", "n1", "-n", "standby", "-v", "on"])
            .status()
            .expect("crm_attribute runs");
        assert!(status.success());
        let failed = dir.join("failed.xml");
        simulate(&running, &["-F", "web_stop_0@n1=1"], Some(&failed));
        summary(&simulate(&failed, &[], None))
    };
    for (name, policy) in [
        ("stop-ignore", policy("op stop timeout=20s on-fail=ignore", "")),
        ("stop-ignore-defaults", policy("op stop timeout=20s", "op-defaults { on-fail = ignore }\n")),
    ] {
        assert!(codes(&policy).contains(&"HP2306"), "{name}");
        let next = after_failed_stop(name, &policy);
        assert!(next.contains("Start      web     (    n2 )"), "{name}: web starts on n2 although its stop on n1 failed:\n{next}");
    }
    let blocked = policy("op stop timeout=20s", "");
    assert!(!codes(&blocked).contains(&"HP2306"));
    let next = after_failed_stop("stop-block", &blocked);
    assert!(!next.contains("n2"), "without fencing the default blocks web on n1:\n{next}");
}
