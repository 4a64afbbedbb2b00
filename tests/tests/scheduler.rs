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
