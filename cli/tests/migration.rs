//! `hapolicy migration` as a user runs it: the JSON schema, human output, and exit codes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, reason = "tests")]

mod common;
use common::*;

fn fixture(name: &str) -> String {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    root.join("tests").join("fixtures").join("migration").join(name).display().to_string()
}

#[test]
fn json_has_the_documented_shape() {
    let out = hapolicy(&["migration", &fixture("orders.hapolicy"), "--format", "json", "--no-installed-agents"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    let resources = json["resources"].as_array().expect("resources");
    assert!(!resources.is_empty());
    for r in resources {
        assert!(r["id"].is_string());
        assert!(r["allow_migrate"].is_boolean());
        assert!(r["agent_supports_migration"].is_boolean() || r["agent_supports_migration"].is_null());
        assert!(r["will_migrate_alone"].is_boolean());
        for item in r["checklist"].as_array().expect("checklist") {
            assert!(item["item"].is_string() && item["ok"].is_boolean() && item["detail"].is_string(), "{item}");
        }
        for risk in r["restart_risks"].as_array().expect("restart_risks") {
            assert!(risk["dependency"].is_string() && risk["kind"].is_string() && risk["detail"].is_string(), "{risk}");
        }
    }
    let vm1 = resources.iter().find(|r| r["id"] == "vm1").expect("vm1");
    assert_eq!(vm1["will_migrate_alone"], true);
    assert_eq!(vm1["restart_risks"][0]["dependency"], "disk");
    assert_eq!(vm1["restart_risks"][0]["kind"], "ordered-after");
    assert_eq!(vm1["restart_risks"][0]["constraint"], "disk-then-vm1");
}

#[test]
fn a_cib_with_a_status_section_shows_the_runtime_state() {
    let out = hapolicy(&["migration", &fixture("status-conditions.xml"), "--no-installed-agents"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("✗ healthy: failed: monitor (every 10000 ms) returned 1 on n1"), "{text}");
    assert!(text.contains("✗ healthy: its start on n1 is still pending"), "{text}");
}

#[test]
fn a_policy_with_errors_is_not_explained() {
    let dir = std::env::temp_dir().join(format!("hapolicy-cli-migration-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let policy = dir.join("broken.hapolicy");
    std::fs::write(&policy, "primitive vm: ocf:heartbeat:Dummy { meta { allow-migrate = true } }\norder o: dsk then vm\n").unwrap();
    let out = hapolicy(&["migration", policy.to_str().unwrap(), "--no-installed-agents"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
}
