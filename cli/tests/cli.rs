//! The `hapolicy` binary as a user runs it: exit codes, atomic output, JSON diagnostics, explain.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic, reason = "tests")]

mod common;
use common::*;

use std::path::Path;

const GOOD: &str = "cluster { stonith-enabled = false }\nnode n1\nprimitive web: ocf:heartbeat:Dummy {\n  op monitor interval=10s\n}\n";
const BROKEN: &str = "cluster { stonith-enabled = false }\nprimitive web: ocf:heartbeat:Dummy {\n  op monitor interval=1.5m\n}\nlocation l: wbe prefers n1\n";

#[test]
fn build_writes_the_cib_and_exits_0() {
    let dir = scratch("build");
    let policy = write(&dir, "p.hapolicy", GOOD);
    let out = dir.join("cib.xml");
    let result = hapolicy(&["build", &policy, "-o", out.to_str().unwrap()]);
    assert_eq!(result.status.code(), Some(0), "{}", String::from_utf8_lossy(&result.stderr));
    let xml = std::fs::read_to_string(&out).unwrap();
    assert!(xml.contains(r#"<op id="web-monitor-10s" name="monitor" interval="10s"/>"#), "{xml}");
    // Nothing but the output is left in the directory (no temporary files).
    let names: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[test]
fn build_to_stdout() {
    let dir = scratch("stdout");
    let policy = write(&dir, "p.hapolicy", GOOD);
    let result = hapolicy(&["build", &policy]);
    assert_eq!(result.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&result.stdout).starts_with("<?xml"));
}

#[test]
fn a_failed_build_exits_1_points_at_the_source_and_leaves_the_old_output() {
    let dir = scratch("failed");
    let policy = write(&dir, "p.hapolicy", BROKEN);
    let out = write(&dir, "cib.xml", "previous build");
    let result = hapolicy(&["build", &policy, "-o", &out]);
    assert_eq!(result.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(stderr.contains("HP1003") && stderr.contains("HP1001"), "{stderr}");
    assert!(stderr.contains("p.hapolicy:3:"), "the report names the file and line: {stderr}");
    assert!(stderr.contains("did you mean `web`?"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "previous build");
}

#[test]
fn check_json_follows_the_documented_schema() {
    let dir = scratch("json");
    let policy = write(&dir, "p.hapolicy", BROKEN);
    let result = hapolicy(&["check", "--format", "json", "--no-installed-agents", &policy]);
    assert_eq!(result.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&result.stdout).expect("valid JSON");
    let diagnostics = report["diagnostics"].as_array().unwrap();
    let duration = diagnostics.iter().find(|d| d["code"] == "HP1003").expect("HP1003 reported");
    assert_eq!(duration["severity"], "error");
    assert_eq!(duration["file"], policy.as_str());
    // `1.5m` sits on line 3, columns 23 to 27 (1-based, counted in characters).
    assert_eq!(duration["range"]["start"]["line"], 3);
    assert_eq!(duration["range"]["start"]["column"], 23);
    assert_eq!(duration["range"]["end"]["column"], 27);
    assert!(duration["help"].is_string() || duration["help"].is_null());
    assert_eq!(report["summary"]["errors"], 2);
    assert_eq!(report["summary"]["warnings"], 0);
}

#[test]
fn check_of_a_clean_policy_exits_0() {
    let dir = scratch("clean");
    let policy = write(&dir, "p.hapolicy", GOOD);
    assert_eq!(hapolicy(&["check", &policy]).status.code(), Some(0));
}

#[test]
fn explain_prints_every_codes_documentation() {
    let list = hapolicy(&["explain"]);
    assert_eq!(list.status.code(), Some(0));
    let listing = String::from_utf8_lossy(&list.stdout).into_owned();
    let codes: Vec<&str> = listing.lines().filter_map(|l| l.split_whitespace().next()).collect();
    assert!(codes.len() >= 25, "{listing}");
    for code in codes {
        let out = hapolicy(&["explain", code]);
        assert_eq!(out.status.code(), Some(0), "{code}");
        let doc = String::from_utf8_lossy(&out.stdout);
        assert!(doc.starts_with(&format!("# {code}")), "{code}: {doc}");
    }
    assert_eq!(hapolicy(&["explain", "HP9999"]).status.code(), Some(2));
    assert!(String::from_utf8_lossy(&hapolicy(&["explain", "duplicate-operation"]).stdout).contains("HP2001"));
}

#[test]
fn usage_and_io_errors_exit_2() {
    assert_eq!(hapolicy(&["build", "/nonexistent/p.hapolicy"]).status.code(), Some(2));
    assert_eq!(hapolicy(&["frobnicate"]).status.code(), Some(2));
    let dir = scratch("binary");
    std::fs::write(dir.join("bin.hapolicy"), [0xff, 0xfe, 0x00, 0x41]).unwrap();
    let result = hapolicy(&["check", dir.join("bin.hapolicy").to_str().unwrap()]);
    assert_eq!(result.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&result.stderr).contains("not UTF-8"));
}

#[test]
fn hostile_input_gives_errors_not_panics() {
    let dir = scratch("hostile");
    let deep = format!(
        "cluster {{ stonith-enabled = false }}\nprimitive a: ocf:heartbeat:Dummy\nlocation l: a {{ rule 1: {}x == 1{} }}\n",
        "(".repeat(5000),
        ")".repeat(5000)
    );
    let cases = [
        ("deep.hapolicy", deep),
        ("unclosed.hapolicy", "primitive a: ocf:heartbeat:Dummy {\n  op monitor interval=10s\nprimitive b: ocf:heartbeat:Dummy { \"\n".to_string()),
        ("junk.hapolicy", "}{][)(\"\\\n#\n=== = =\n\u{feff}primitive".to_string()),
    ];
    for (name, text) in cases {
        let path = write(&dir, name, &text);
        let result = hapolicy(&["check", &path]);
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert_eq!(result.status.code(), Some(1), "{name}: {stderr}");
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
    }
    let deep = hapolicy(&["check", dir.join("deep.hapolicy").to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&deep.stderr).contains("more than 64 levels deep"));
}

#[test]
fn nested_rules_up_to_the_limit_compile() {
    // 60 levels of alternating and/or: a nested <rule> for every level but the innermost condition.
    let mut condition = "x0 == 0".to_string();
    for level in 1..60 {
        let op = if level % 2 == 0 { "and" } else { "or" };
        condition = format!("x{level} == {level} {op} ({condition})");
    }
    let dir = scratch("nested");
    let path = write(
        &dir,
        "nested.hapolicy",
        &format!("cluster {{ stonith-enabled = false }}\nprimitive a: ocf:heartbeat:Dummy\nlocation l: a {{ rule 1: {condition} }}\n"),
    );
    let result = hapolicy(&["build", &path]);
    assert_eq!(result.status.code(), Some(0), "{}", String::from_utf8_lossy(&result.stderr));
    assert_eq!(String::from_utf8_lossy(&result.stdout).matches("<rule ").count(), 59);
}

#[test]
fn the_examples_are_formatted_and_fmt_keeps_comments() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let mut files: Vec<String> =
        std::fs::read_dir(&examples).unwrap().map(|e| e.unwrap().path().display().to_string()).filter(|p| p.ends_with(".hapolicy")).collect();
    files.sort();
    let mut args = vec!["fmt", "--check"];
    args.extend(files.iter().map(String::as_str));
    let result = hapolicy(&args);
    assert_eq!(result.status.code(), Some(0), "{}", String::from_utf8_lossy(&result.stderr));

    let dir = scratch("fmt");
    let path = write(&dir, "messy.hapolicy", "# head\nprimitive   a:ocf:heartbeat:Dummy{fake=\"1\"   # why\n}\n");
    assert_eq!(hapolicy(&["fmt", "--check", &path]).status.code(), Some(1));
    assert_eq!(hapolicy(&["fmt", &path]).status.code(), Some(0));
    let formatted = std::fs::read_to_string(&path).unwrap();
    assert!(formatted.contains("# head") && formatted.contains("# why"), "{formatted}");
    assert_eq!(hapolicy(&["fmt", "--check", &path]).status.code(), Some(0));
}

#[test]
fn lint_reports_at_the_xml_line_and_import_writes_a_policy_that_builds() {
    let dir = scratch("lint-import");
    let cib = write(
        &dir,
        "cib.xml",
        r#"<cib validate-with="pacemaker-3.9" admin_epoch="0" epoch="1" num_updates="0">
  <configuration>
    <crm_config><cluster_property_set id="cib-bootstrap-options"><nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
    <nodes><node id="1" uname="node1"/></nodes>
    <resources>
      <primitive id="vip" class="ocf" provider="heartbeat" type="IPaddr2">
        <instance_attributes id="vip-ia"><nvpair id="vip-ip" name="ip" value="192.0.2.10"/></instance_attributes>
        <operations><op id="vip-mon" name="monitor" interval="1.5m"/></operations>
      </primitive>
    </resources>
    <constraints><rsc_order id="o" first="vip" then="vip"/></constraints>
  </configuration>
  <status/>
</cib>
"#,
    );
    let lint = hapolicy(&["lint", "--no-installed-agents", "--format", "json", &cib]);
    assert_eq!(lint.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&lint.stdout).unwrap();
    let find = |code: &str| {
        report["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == code).cloned().unwrap_or_else(|| panic!("{code} missing: {report}"))
    };
    assert_eq!(find("HP1003")["range"]["start"]["line"], 8, "the bad interval is on line 8 of the XML");
    assert_eq!(find("HP2009")["range"]["start"]["line"], 11);

    let out = dir.join("imported.hapolicy");
    let import = hapolicy(&["import", &cib, "-o", out.to_str().unwrap()]);
    assert_eq!(import.status.code(), Some(0), "{}", String::from_utf8_lossy(&import.stderr));
    let policy = std::fs::read_to_string(&out).unwrap();
    assert!(policy.contains("primitive vip: ocf:heartbeat:IPaddr2"), "{policy}");
    assert_eq!(hapolicy(&["import", &cib, "-o", out.to_str().unwrap()]).status.code(), Some(2), "import refuses to overwrite");
}

#[test]
fn sarif_output_for_code_scanning() {
    let dir = scratch("sarif");
    let policy = write(&dir, "p.hapolicy", BROKEN);
    let result = hapolicy(&["check", "--format", "sarif", "--no-installed-agents", &policy]);
    assert_eq!(result.status.code(), Some(1));
    let log: serde_json::Value = serde_json::from_slice(&result.stdout).expect("valid JSON");
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "hapolicy");
    let results = run["results"].as_array().unwrap();
    let duration = results.iter().find(|r| r["ruleId"] == "HP1003").expect("HP1003 reported");
    assert_eq!(duration["level"], "error");
    let region = &duration["locations"][0]["physicalLocation"]["region"];
    assert_eq!((region["startLine"].as_u64(), region["startColumn"].as_u64()), (Some(3), Some(23)));
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.iter().any(|r| r["id"] == "HP1003" && r["shortDescription"]["text"].is_string()));
}
