//! Pacemaker's own scheduler as the judge: compiled rules must fire on exactly the attributes
//! Pacemaker sets.
#![allow(clippy::expect_used, reason = "tests")]

use hapolicy_compiler::Target;
use hapolicy_tests::*;

#[test]
fn a_fail_count_rule_moves_the_promoted_role() {
    let policy = fixtures("scheduler").join("fail-count-bans-promoted.hapolicy");
    let compiler = compile(&policy, Target::Pacemaker2);
    let xml = compiler.cib().expect("the fixture builds");
    let dir = scratch("fail-count-ban");
    let start = dir.join("start.xml");
    std::fs::write(&start, with_online_nodes(xml)).expect("write");

    let running = dir.join("running.xml");
    let first = crm_simulate(&start, Some(&running));
    assert!(first.contains("Promote") && first.contains("Promoted node1"), "app is promoted on node1 first:\n{first}");

    // A failure of the 11s (Unpromoted) monitor is not what the rule tests: nothing moves.
    let unrelated = dir.join("unrelated.xml");
    std::fs::copy(&running, &unrelated).expect("copy");
    set_node_attribute(&unrelated, "node1", "fail-count-app#monitor_11000", "1");
    let quiet = crm_simulate(&unrelated, None);
    assert!(!quiet.contains("Demote"), "an unrelated fail count must not move the role:\n{quiet}");

    // The Promoted monitor's failure, as Pacemaker records it, bans the role from node1.
    set_node_attribute(&running, "node1", "fail-count-app#monitor_10000", "1");
    let second = crm_simulate(&running, None);
    assert!(second.contains("Demote") && second.contains("Promoted -> Unpromoted node1"), "{second}");
    assert!(second.contains("Promote") && second.contains("Unpromoted -> Promoted node2"), "{second}");
}

/// Builds a policy text into a CIB whose nodes are online, then simulates it until everything
/// runs, puts `node` in standby, and returns the transition Pacemaker plans.
fn standby_transition(name: &str, policy: &str, node: &str) -> String {
    let mut compiler = hapolicy_compiler::Compiler::new(Target::Pacemaker2);
    compiler.set_file(&format!("{name}.hapolicy"), policy.to_string());
    let xml = compiler.cib().expect("the policy builds");
    let dir = scratch(name);
    let start = dir.join("start.xml");
    std::fs::write(&start, with_online_nodes(xml)).expect("write");
    let running = dir.join("running.xml");
    crm_simulate(&start, Some(&running));
    let status = std::process::Command::new(require_tool("crm_attribute"))
        .env("CIB_file", &running)
        .args(["-N", node, "-n", "standby", "-v", "on"])
        .status()
        .expect("crm_attribute runs");
    assert!(status.success());
    crm_simulate(&running, None)
}

#[test]
fn a_vm_ordered_after_a_non_migratable_resource_restarts_as_hapolicy_warns() {
    let policy = std::fs::read_to_string(fixtures("scheduler").join("migration-blocked-by-order.hapolicy")).expect("fixture");
    let mut compiler = hapolicy_compiler::Compiler::new(Target::Pacemaker2);
    compiler.set_file("p.hapolicy", policy.clone());
    assert!(compiler.diagnostics().iter().any(|d| d.code.code == "HP2202"), "hapolicy explains the restart in advance");
    let blocked = standby_transition("migration-blocked", &policy, "n1");
    assert!(blocked.contains("Move") && blocked.contains("due to unrunnable fs stop"), "{blocked}");

    // Without the ordering, the same VM live-migrates.
    let free_policy = policy.replace("order fs-then-vm: fs then vm", "");
    let mut compiler = hapolicy_compiler::Compiler::new(Target::Pacemaker2);
    compiler.set_file("p.hapolicy", free_policy.clone());
    assert!(!compiler.diagnostics().iter().any(|d| d.code.code == "HP2202"));
    let free = standby_transition("migration-free", &free_policy, "n1");
    assert!(free.contains("Migrate") && free.contains("vm"), "{free}");
}

#[test]
fn the_scheduler_plans_a_migration_hapolicy_knows_will_fail() {
    // Pacemaker does not check the agent: it plans migrate_to for an IPaddr2 with allow-migrate.
    let policy = "cluster { stonith-enabled = false }\nnode n1\nnode n2\nprimitive ip: ocf:heartbeat:IPaddr2 { ip = \"192.0.2.5\"; meta { allow-migrate = true } }\nlocation ip-prefers-n1: ip prefers n1 = 100\n";
    let mut compiler = hapolicy_compiler::Compiler::new(Target::Pacemaker2);
    compiler.set_file("p.hapolicy", policy.to_string());
    assert!(compiler.diagnostics().iter().any(|d| d.code.code == "HP2201"), "hapolicy reports HP2201");
    let planned = standby_transition("ipaddr-migrate", policy, "n1");
    assert!(planned.contains("Migrate") && planned.contains("ip"), "{planned}");
}
