//! Policy tests (`test` blocks, `hapolicy test`) end to end: the binary a user runs, driving the
//! real `crm_simulate`. The examples' tests and the scenario fixtures must pass; a deliberately
//! wrong expectation must fail with the reviewed report; the JSON report has its documented shape.
//!
//! These live beside the binary (not in the `tests` crate) so that cargo builds the `hapolicy`
//! they run. Fixtures are in `tests/fixtures/policy-tests`; `UPDATE_EXPECT=1` rewrites the
//! reviewed `.expected` report.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic, reason = "tests")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn fixtures() -> PathBuf {
    root().join("tests").join("fixtures").join("policy-tests")
}

/// Fails loudly when Pacemaker's tools are missing: these tests run the real scheduler.
fn require_pacemaker() {
    for tool in ["crm_simulate", "crm_attribute"] {
        let found = ["/usr/sbin", "/usr/bin", "/sbin", "/bin"].iter().any(|dir| Path::new(dir).join(tool).exists());
        assert!(found, "`{tool}` is not installed: policy tests run Pacemaker's scheduler. Install it with `apt-get install -y pacemaker-cli-utils resource-agents` (the README's test command does this)");
    }
}

fn hapolicy_test(dir: &Path, args: &[&str]) -> Output {
    require_pacemaker();
    Command::new(env!("CARGO_BIN_EXE_hapolicy")).current_dir(dir).arg("test").args(args).arg("--no-installed-agents").output().expect("hapolicy runs")
}

fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr)))
}

#[test]
fn the_examples_tests_pass_through_crm_simulate() {
    let examples = root().join("examples");
    let mut files: Vec<String> = std::fs::read_dir(&examples)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "hapolicy"))
        .filter(|p| std::fs::read_to_string(p).unwrap().lines().any(|l| l.starts_with("test \"")))
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert!(files.len() >= 3, "examples with tests: {files:?}");
    let (mut passed, mut total, mut failures) = (0, 0, Vec::new());
    for file in &files {
        let output = hapolicy_test(&examples, &[file, "--format", "json"]);
        let report = json(&output);
        for test in report["tests"].as_array().unwrap() {
            total += 1;
            if test["passed"] == true {
                passed += 1;
            } else {
                failures.push(format!("{file}: {test:#}"));
            }
        }
        assert_eq!(output.status.code(), Some(if failures.is_empty() { 0 } else { 1 }), "{file}: {}", String::from_utf8_lossy(&output.stderr));
    }
    println!("{passed}/{total} example tests pass through crm_simulate");
    assert!(total >= 13, "expected at least 13 example tests, found {total}");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_failure_scenarios_behave_as_the_tests_say() {
    let output = hapolicy_test(&fixtures(), &["scenarios.hapolicy"]);
    let report = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{report}{}", String::from_utf8_lossy(&output.stderr));
    let passed = report.lines().filter(|l| l.starts_with("ok ")).count();
    println!("{passed} scenario tests pass");
    assert_eq!(passed, 10, "{report}");
}

#[test]
fn a_wrong_expectation_fails_with_expected_actual_and_the_transition() {
    let output = hapolicy_test(&fixtures(), &["wrong-expectation.hapolicy"]);
    assert_eq!(output.status.code(), Some(1), "a failed test exits 1");
    let report = String::from_utf8_lossy(&output.stdout).into_owned();
    for needle in ["FAILED wrong-expectation.hapolicy:17", "expected: web running on n2", "actual:   web running on n1", "Recover    web"] {
        assert!(report.contains(needle), "`{needle}` missing from:\n{report}");
    }
    // The fail-count expectation holds, so it is not listed as a failure.
    assert!(!report.contains("fail-count"), "{report}");
    let expected = fixtures().join("wrong-expectation.expected");
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(&expected, &report).unwrap();
    }
    assert_eq!(report, std::fs::read_to_string(&expected).unwrap_or_default(), "the report differs from {} (UPDATE_EXPECT=1 after review)", expected.display());
}

#[test]
fn the_json_report_has_name_passed_expected_actual_and_transition() {
    let output = hapolicy_test(&fixtures(), &["wrong-expectation.hapolicy", "--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    let report = json(&output);
    let test = &report["tests"][0];
    assert_eq!(test["name"], "web moves after one failure (wrong: the threshold is 3)");
    assert_eq!(test["passed"], false);
    assert_eq!(test["expected"], serde_json::json!(["web running on n2", "web moves", "fail-count web monitor 10s on n1 = 1"]));
    assert_eq!(test["actual"][0], "web running on n1");
    assert_eq!(test["actual"][2], "fail-count web monitor 10s on n1 = 1");
    assert!(test["transition"].as_array().unwrap().iter().any(|l| l.as_str().unwrap().contains("Recover")), "{test:#}");
    assert_eq!(report["summary"], serde_json::json!({"passed": 0, "failed": 1}));
}

#[test]
fn a_test_naming_an_unknown_resource_is_a_policy_error_and_nothing_runs() {
    let dir = std::env::temp_dir().join(format!("hapolicy-policy-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("p.hapolicy"),
        "primitive web: ocf:heartbeat:Dummy { op monitor interval=10s }\ntest \"t\" {\n  given wbe running on n1\n  when monitor 15s of web fails on n1\n}\n",
    )
    .unwrap();
    let output = hapolicy_test(&dir, &["p.hapolicy"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("HP2401") && stderr.contains("HP2402") && stderr.contains("did you mean `web`"), "{stderr}");
    assert!(output.stdout.is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}
