//! The lint framework as a user drives it: levels from `hapolicy.conf` and the command line,
//! `--fix`, fixes in JSON and SARIF, and the shape of the SARIF log code-scanning tools read.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, reason = "tests")]

mod common;
use common::*;

use std::process::Output;

use serde_json::Value;

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Builds, with one warning: a role on a resource that is not promotable (HP2016).
const WARNS: &str = "cluster { stonith-enabled = false }\nprimitive web: ocf:heartbeat:Dummy {\n  op monitor interval=10s role=Promoted\n}\n";

/// A CIB with legacy role names (HP4002, safely fixable) and an ISO interval (HP2007).
const LEGACY_CIB: &str = r#"<cib validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0">
  <configuration>
    <crm_config><cluster_property_set id="c"><nvpair id="c-s" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
    <nodes/>
    <resources>
      <clone id="db-clone">
        <meta_attributes id="m"><nvpair id="m-p" name="promotable" value="true"/></meta_attributes>
        <primitive id="db" class="ocf" provider="pacemaker" type="Stateful">
          <operations>
            <op id="db-mon" name="monitor" interval="P2D" role="Master"/>
            <op id="db-mon2" name="monitor" interval="10s" role="Slave"/>
          </operations>
        </primitive>
      </clone>
    </resources>
    <constraints/>
  </configuration>
  <status/>
</cib>
"#;

#[test]
fn deny_on_the_command_line_stops_the_build_and_allow_drops_the_warning() {
    let dir = scratch("deny");
    let policy = write(&dir, "p.hapolicy", WARNS);
    let out = dir.join("cib.xml");
    let out_arg = out.to_str().unwrap();
    let plain = hapolicy(&["build", "--no-installed-agents", &policy, "-o", out_arg]);
    assert_eq!(plain.status.code(), Some(0), "{}", stderr(&plain));
    assert!(stderr(&plain).contains("HP2016"));
    std::fs::remove_file(&out).unwrap();

    for flags in [&["--deny", "HP2016"][..], &["--deny", "role-needs-promotable"], &["--deny", "warnings"]] {
        let mut args = vec!["build", "--no-installed-agents", &policy, "-o", out_arg];
        args.extend_from_slice(flags);
        let denied = hapolicy(&args);
        assert_eq!(denied.status.code(), Some(1), "{flags:?}: {}", stderr(&denied));
        assert!(stderr(&denied).contains("nothing was written"), "{}", stderr(&denied));
        assert!(!out.exists(), "{flags:?}: a denied code must stop the build");
    }

    let allowed = hapolicy(&["check", "--no-installed-agents", &policy, "--allow", "HP2016"]);
    assert_eq!(allowed.status.code(), Some(0));
    assert!(!stderr(&allowed).contains("HP2016"), "{}", stderr(&allowed));
    // A code named on its own beats `warnings`.
    let spared = hapolicy(&["check", "--no-installed-agents", &policy, "--deny", "warnings", "--warn", "HP2016"]);
    assert_eq!(spared.status.code(), Some(0), "{}", stderr(&spared));
}

#[test]
fn a_lowered_pacemaker_error_lets_the_build_write() {
    let dir = scratch("lowered");
    // Two monitors with one interval: HP2001, an error by default.
    let policy = write(
        &dir,
        "p.hapolicy",
        "cluster { stonith-enabled = false }\nprimitive web: ocf:heartbeat:Dummy {\n  op monitor interval=10s\n  op monitor interval=10s timeout=30s\n}\n",
    );
    let out = dir.join("cib.xml");
    assert_eq!(hapolicy(&["build", "--no-installed-agents", &policy, "-o", out.to_str().unwrap()]).status.code(), Some(1));
    assert!(!out.exists());
    let lowered = hapolicy(&["build", "--no-installed-agents", &policy, "-o", out.to_str().unwrap(), "--warn", "duplicate-operation"]);
    assert_eq!(lowered.status.code(), Some(0), "{}", stderr(&lowered));
    assert!(std::fs::read_to_string(&out).unwrap().contains("<cib"));
}

#[test]
fn the_project_config_sets_levels_and_the_command_line_overrides_it() {
    let dir = scratch("config");
    let policy = write(&dir, "p.hapolicy", WARNS);
    write(&dir, "hapolicy.conf", "# project settings\n[lints]\nrole-needs-promotable = \"deny\"\n");
    let denied = hapolicy(&["check", "--no-installed-agents", &policy, "--format", "json"]);
    assert_eq!(denied.status.code(), Some(1), "{}", stderr(&denied));
    let report: Value = serde_json::from_slice(&denied.stdout).unwrap();
    assert_eq!(report["diagnostics"][0]["code"], "HP2016");
    assert_eq!(report["diagnostics"][0]["severity"], "error");
    assert_eq!(report["summary"]["errors"], 1);
    let overridden = hapolicy(&["check", "--no-installed-agents", &policy, "--allow", "HP2016"]);
    assert_eq!(overridden.status.code(), Some(0), "{}", stderr(&overridden));

    write(&dir, "hapolicy.conf", "[lints]\nHP2016 = deny\nwarnings = advice\nHP9999 = deny\n");
    let unknown = hapolicy(&["check", "--no-installed-agents", &policy]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("hapolicy.conf:4:") && stderr(&unknown).contains("`HP9999` is not a diagnostic code"), "{}", stderr(&unknown));

    write(&dir, "hapolicy.conf", "[lints]\nHP2016 = forbid\n");
    let level = hapolicy(&["check", "--no-installed-agents", &policy]);
    assert_eq!(level.status.code(), Some(2));
    assert!(stderr(&level).contains("hapolicy.conf:2:") && stderr(&level).contains("not a level"), "{}", stderr(&level));
}

#[test]
fn syntax_errors_cannot_be_allowed() {
    let dir = scratch("syntax");
    let policy = write(&dir, "p.hapolicy", "primitive web ocf:heartbeat:Dummy\n");
    let out = hapolicy(&["check", "--no-installed-agents", &policy, "--allow", "HP0001"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--allow HP0001") && stderr(&out).contains("syntax error"), "{}", stderr(&out));
    let out = hapolicy(&["check", "--no-installed-agents", &policy, "--allow", "syntax-eror"]);
    assert!(stderr(&out).contains("did you mean `syntax-error`"), "{}", stderr(&out));
}

#[test]
fn check_fix_rewrites_the_policy_and_reports_what_remains() {
    let dir = scratch("fix");
    let text = "cluster { stonith-enabled = false }\nnode n1\nprimitive db: ocf:pacemaker:Stateful {\n  op monitor interval=10s role=Master\n  op monitor interval=11s role=Slave\n}\npromotable db-clone: db { master-max = 1 }\nlocation l: db-clon prefers n1\n";
    let policy = write(&dir, "p.hapolicy", text);
    let out = hapolicy(&["check", "--no-installed-agents", "--fix", &policy]);
    // The misspelt `db-clon` remains: its did-you-mean fix is unsafe.
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("fixed 3 problem(s)"), "{}", stderr(&out));
    assert!(stderr(&out).contains("HP1001"), "what remains is reported: {}", stderr(&out));
    let fixed = std::fs::read_to_string(&policy).unwrap();
    assert!(fixed.contains("role=Promoted") && fixed.contains("role=Unpromoted") && fixed.contains("promoted-max = 1"), "{fixed}");
    assert!(fixed.contains("db-clon "), "{fixed}");
    let names: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names.len(), 1, "no temporary files are left: {names:?}");

    let out = hapolicy(&["check", "--no-installed-agents", "--fix-unsafe", &policy]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(std::fs::read_to_string(&policy).unwrap().contains("location l: db-clone prefers n1"));
}

#[test]
fn lint_fix_rewrites_the_cib_and_keeps_unsafe_fixes_for_the_author() {
    let dir = scratch("lint-fix");
    let cib = write(&dir, "cib.xml", LEGACY_CIB);
    let out = hapolicy(&["lint", "--no-installed-agents", "--fix", &cib]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let fixed = std::fs::read_to_string(&cib).unwrap();
    assert!(fixed.contains(r#"role="Promoted""#) && fixed.contains(r#"role="Unpromoted""#), "{fixed}");
    // In a CIB, Pacemaker reads `P2D` as one day: writing 48h would change behaviour.
    assert!(fixed.contains(r#"interval="P2D""#), "{fixed}");
    assert!(stderr(&out).contains("HP2007"), "{}", stderr(&out));
}

#[test]
fn json_carries_fixes_with_their_safety() {
    let dir = scratch("json-fixes");
    let cib = write(&dir, "cib.xml", LEGACY_CIB);
    let out = hapolicy(&["lint", "--no-installed-agents", "--format", "json", &cib]);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let legacy = report["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == "HP4002").unwrap();
    let fix = &legacy["fixes"][0];
    assert_eq!(fix["safety"], "safe");
    assert_eq!(fix["edits"][0]["replacement"], "Promoted");
    assert_eq!(fix["edits"][0]["range"]["start"]["line"], 10);
    let iso = report["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == "HP2007").unwrap();
    assert_eq!(iso["fixes"][0]["safety"], "unsafe");
}

/// Checks the parts of SARIF 2.1.0 (OASIS, sarif-schema-2.1.0.json) that code-scanning tools
/// require, and the types of what hapolicy writes. Returns every violation as a JSON path.
fn sarif_violations(log: &Value) -> Vec<String> {
    let mut v = Vec::new();
    let mut need = |ok: bool, what: String| {
        if !ok {
            v.push(what);
        }
    };
    let region_ok = |r: &Value| {
        let line = r["startLine"].as_u64().unwrap_or(0);
        let col = r["startColumn"].as_u64().unwrap_or(1);
        line >= 1 && col >= 1 && r["endLine"].as_u64().unwrap_or(line) >= line && r["endColumn"].as_u64().unwrap_or(1) >= 1
    };
    const LEVELS: &[&str] = &["none", "note", "warning", "error"];
    need(log["version"] == "2.1.0", "version must be \"2.1.0\"".into());
    need(log["$schema"].as_str().is_some_and(|s| s.contains("sarif")), "$schema".into());
    let Some(runs) = log["runs"].as_array() else {
        need(false, "runs must be an array".into());
        return v;
    };
    for (r, run) in runs.iter().enumerate() {
        let driver = &run["tool"]["driver"];
        need(driver["name"].as_str().is_some_and(|n| !n.is_empty()), format!("runs[{r}].tool.driver.name"));
        let rules = driver["rules"].as_array().cloned().unwrap_or_default();
        for (i, rule) in rules.iter().enumerate() {
            need(rule["id"].is_string(), format!("runs[{r}].tool.driver.rules[{i}].id"));
            need(rule["shortDescription"]["text"].is_string(), format!("runs[{r}].tool.driver.rules[{i}].shortDescription.text"));
            let level = rule["defaultConfiguration"]["level"].as_str().unwrap_or("");
            need(LEVELS.contains(&level), format!("runs[{r}].tool.driver.rules[{i}].defaultConfiguration.level"));
        }
        let Some(results) = run["results"].as_array() else {
            need(false, format!("runs[{r}].results must be an array"));
            continue;
        };
        for (i, result) in results.iter().enumerate() {
            let at = format!("runs[{r}].results[{i}]");
            need(result["message"]["text"].as_str().is_some_and(|t| !t.is_empty()), format!("{at}.message.text"));
            let id = result["ruleId"].as_str();
            need(id.is_some(), format!("{at}.ruleId"));
            need(result["level"].as_str().is_some_and(|l| LEVELS.contains(&l)), format!("{at}.level"));
            if let Some(index) = result["ruleIndex"].as_u64() {
                need(rules.get(index as usize).is_some_and(|rule| rule["id"].as_str() == id), format!("{at}.ruleIndex points at its rule"));
            }
            let locations = result["locations"].as_array().cloned().unwrap_or_default();
            need(!locations.is_empty(), format!("{at}.locations"));
            for (j, location) in locations.iter().enumerate() {
                let physical = &location["physicalLocation"];
                need(
                    physical["artifactLocation"]["uri"].as_str().is_some_and(|u| !u.is_empty()),
                    format!("{at}.locations[{j}].physicalLocation.artifactLocation.uri"),
                );
                need(region_ok(&physical["region"]), format!("{at}.locations[{j}].physicalLocation.region"));
            }
            for (j, fix) in result["fixes"].as_array().cloned().unwrap_or_default().iter().enumerate() {
                let changes = fix["artifactChanges"].as_array().cloned().unwrap_or_default();
                need(!changes.is_empty(), format!("{at}.fixes[{j}].artifactChanges"));
                for (k, change) in changes.iter().enumerate() {
                    need(change["artifactLocation"]["uri"].is_string(), format!("{at}.fixes[{j}].artifactChanges[{k}].artifactLocation.uri"));
                    let replacements = change["replacements"].as_array().cloned().unwrap_or_default();
                    need(!replacements.is_empty(), format!("{at}.fixes[{j}].artifactChanges[{k}].replacements"));
                    for (m, replacement) in replacements.iter().enumerate() {
                        need(region_ok(&replacement["deletedRegion"]), format!("{at}.fixes[{j}].artifactChanges[{k}].replacements[{m}].deletedRegion"));
                        let inserted = &replacement["insertedContent"];
                        need(inserted.is_null() || inserted["text"].is_string(), format!("{at}.fixes[{j}]...replacements[{m}].insertedContent.text"));
                    }
                }
            }
        }
    }
    v
}

#[test]
fn lint_sarif_has_the_shape_of_sarif_2_1_0() {
    let dir = scratch("sarif-shape");
    let cib = write(&dir, "cib.xml", LEGACY_CIB);
    let out = hapolicy(&["lint", "--no-installed-agents", "--format", "sarif", &cib]);
    let log: Value = serde_json::from_slice(&out.stdout).expect("the SARIF log is JSON");
    let violations = sarif_violations(&log);
    assert!(violations.is_empty(), "{violations:#?}");
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert!(results.len() >= 3, "{results:?}");
    // Fixes, and each rule's default level.
    let legacy = results.iter().find(|r| r["ruleId"] == "HP4002").unwrap();
    let replacement = &legacy["fixes"][0]["artifactChanges"][0]["replacements"][0];
    assert_eq!(replacement["insertedContent"]["text"], "Promoted");
    assert_eq!(replacement["deletedRegion"]["startLine"], 10);
    let rules = log["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    let rule = rules.iter().find(|r| r["id"] == "HP4002").unwrap();
    assert_eq!(rule["defaultConfiguration"]["level"], "warning");
    // The checker itself catches what it claims to.
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"] = Value::Null;
    broken["runs"][0]["results"][0]["message"] = Value::Null;
    assert_eq!(sarif_violations(&broken).len(), 2, "{:?}", sarif_violations(&broken));
}

#[test]
fn sarif_levels_follow_the_run() {
    let dir = scratch("sarif-levels");
    let cib = write(&dir, "cib.xml", LEGACY_CIB);
    let out = hapolicy(&["lint", "--no-installed-agents", "--format", "sarif", "--deny", "legacy-cib-syntax", &cib]);
    assert_eq!(out.status.code(), Some(1));
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    let legacy = log["runs"][0]["results"].as_array().unwrap().iter().find(|r| r["ruleId"] == "HP4002").unwrap().clone();
    assert_eq!(legacy["level"], "error");
}

#[test]
fn explain_accepts_codes_and_names_in_any_case() {
    for query in ["HP2016", "hp2016", "role-needs-promotable", "Role-Needs-Promotable"] {
        let out = hapolicy(&["explain", query]);
        assert_eq!(out.status.code(), Some(0), "{query}");
        assert!(String::from_utf8_lossy(&out.stdout).starts_with("# HP2016 role-needs-promotable"), "{query}");
    }
    let out = hapolicy(&["explain", "role-needs-promotabel"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("did you mean `role-needs-promotable`"), "{}", stderr(&out));
}
