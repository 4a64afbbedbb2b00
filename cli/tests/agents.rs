//! Agent schemas from the machine: the real installed agents, metadata files, the on-disk
//! cache, and the built-in library kept in step with the installed agents.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic, reason = "tests")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn hapolicy(args: &[&str], cache: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hapolicy")).args(args).env("HAPOLICY_CACHE_DIR", cache).output().expect("hapolicy runs")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hapolicy-agents-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn require_agents() {
    assert!(
        Path::new("/usr/lib/ocf/resource.d/heartbeat/IPaddr2").exists(),
        "the real resource agents are not installed: apt-get install -y resource-agents (these tests never skip)"
    );
}

#[test]
fn the_built_in_library_matches_the_installed_agents() {
    require_agents();
    let dir = scratch("drift");
    let out = hapolicy(&["agents", "import", "--installed", "-o", dir.to_str().unwrap()], &dir.join("cache"));
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let library = Path::new(env!("CARGO_MANIFEST_DIR")).join("../stdlib/agents");
    for name in ["ocf-heartbeat.hapolicy", "ocf-pacemaker.hapolicy", "stonith.hapolicy"] {
        let installed = std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name} was not generated: {e}"));
        let embedded = std::fs::read_to_string(library.join(name)).unwrap();
        assert!(
            installed == embedded,
            "stdlib/agents/{name} differs from the agents installed here; regenerate it with `hapolicy agents import --installed -o stdlib/agents` and review the diff"
        );
    }
}

#[test]
fn installed_agents_are_checked_and_cached() {
    require_agents();
    let dir = scratch("installed");
    let policy = dir.join("p.hapolicy");
    std::fs::write(&policy, "cluster { stonith-enabled = false }\nprimitive d: ocf:heartbeat:Dummy { fake = \"x\"; stat = \"y\" }\n").unwrap();
    let cache = dir.join("cache");
    let out = hapolicy(&["check", "--format", "json", policy.to_str().unwrap()], &cache);
    assert_eq!(out.status.code(), Some(1));
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(report.contains("HP2102") && report.contains("did you mean `state`?"), "{report}");
    let cached: Vec<_> = std::fs::read_dir(&cache).expect("the metadata was cached").collect();
    assert_eq!(cached.len(), 1, "one agent's metadata cached");
    // A second run reads the cache and reports the same.
    let again = hapolicy(&["check", "--format", "json", policy.to_str().unwrap()], &cache);
    assert_eq!(String::from_utf8_lossy(&again.stdout), report);
}

#[test]
fn metadata_files_describe_custom_agents() {
    let dir = scratch("custom");
    let xml = r#"<?xml version="1.0"?>
<resource-agent name="Widget" version="1.0">
  <version>1.1</version>
  <parameters>
    <parameter name="config" required="1" unique="1"><content type="string"/></parameter>
    <parameter name="level" reloadable="1"><content type="integer" default="1"/></parameter>
  </parameters>
  <actions>
    <action name="start" timeout="40s"/><action name="stop" timeout="20s"/>
    <action name="monitor" timeout="20s" interval="10s"/><action name="reload-agent" timeout="10s"/>
  </actions>
</resource-agent>"#;
    std::fs::write(dir.join("ocf:acme:Widget.xml"), xml).unwrap();
    let policy = dir.join("p.hapolicy");
    std::fs::write(&policy, "cluster { stonith-enabled = false }\nprimitive w: ocf:acme:Widget { level = high }\n").unwrap();
    let out = hapolicy(&["check", "--format", "json", "--agents", dir.to_str().unwrap(), policy.to_str().unwrap()], &dir.join("cache"));
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(report.contains("HP2103") && report.contains("`config`"), "the required parameter is missing: {report}");
    assert!(report.contains("HP2104"), "`high` is not an integer: {report}");
    assert!(!report.contains("HP2101"), "the agent is known: {report}");

    // The same through the project's hapolicy.conf instead of --agents.
    let project = dir.join("project");
    std::fs::create_dir_all(project.join("agents")).unwrap();
    std::fs::write(project.join("agents").join("ocf:acme:Widget.xml"), xml).unwrap();
    std::fs::write(project.join("hapolicy.conf"), "# where our custom agents are described\nagents = agents\n").unwrap();
    let policy = project.join("p.hapolicy");
    std::fs::write(&policy, "cluster { stonith-enabled = false }\nprimitive w: ocf:acme:Widget { config = \"/etc/w\" }\n").unwrap();
    let out = hapolicy(&["check", "--format", "json", policy.to_str().unwrap()], &dir.join("cache"));
    let report = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{report}");
    assert!(!report.contains("HP2101"), "the agent is known from hapolicy.conf: {report}");
}
