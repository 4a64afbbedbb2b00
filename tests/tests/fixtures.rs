//! Fixture tests: `.hapolicy` in, reviewed diagnostics (`.expected`) or CIB XML (`.xml`) out.
#![allow(clippy::indexing_slicing, clippy::expect_used, clippy::unwrap_used, reason = "tests")]
//!
//! `tests/fixtures/checks/HPnnnn-name.fail.hapolicy` (or `.xml`, a CIB to lint) must report HPnnnn;
//! `...pass.hapolicy` is the corrected policy and must not. Every diagnostic code has both. `tests/fixtures/build/*.hapolicy`
//! compile to the reviewed `.xml` beside them, which also has to satisfy Pacemaker's schema and
//! `crm_verify`. Regenerate expectations with `UPDATE_EXPECT=1 cargo test` and review the diff.

use hapolicy_compiler::diagnostics::codes;
use hapolicy_compiler::Target;
use hapolicy_tests::*;

#[test]
fn check_fixtures_report_what_they_expect() {
    let dir = fixtures("checks");
    // Policies, and CIBs (linted through the importer, with the same checks).
    let mut inputs = files_with_extension(&dir, "hapolicy");
    inputs.extend(files_with_extension(&dir, "xml"));
    let mut failures = Vec::new();
    for path in &inputs {
        let file = path.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let target = if file.contains("pacemaker3") { Target::Pacemaker3 } else { Target::Pacemaker2 };
        let compiler = compile(path, target);
        let code = file.split('-').next().unwrap_or("");
        let reported = compiler.diagnostics().iter().any(|d| d.code.code == code);
        if file.contains(".fail.") && !reported {
            failures.push(format!("{file}: expected a {code} diagnostic, got:\n{}", rendered_diagnostics(&compiler)));
        }
        if file.contains(".pass.") && reported {
            failures.push(format!("{file}: expected no {code} diagnostic, got:\n{}", rendered_diagnostics(&compiler)));
        }
        if let Some(diff) = compare_expected(&path.with_extension("expected"), &rendered_diagnostics(&compiler)) {
            failures.push(diff);
        }
    }
    println!("{}/{} check fixtures as expected", inputs.len() - failures.len(), inputs.len());
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_code_has_a_failing_and_a_passing_fixture() {
    let names: Vec<String> = files_with_extension(&fixtures("checks"), "hapolicy")
        .iter()
        .chain(files_with_extension(&fixtures("checks"), "xml").iter())
        .filter_map(|p| p.file_name().map(|s| s.to_string_lossy().into_owned()))
        .collect();
    let mut missing = Vec::new();
    for code in codes::all() {
        for kind in ["fail", "pass"] {
            if !names.iter().any(|n| n.starts_with(code.code) && n.contains(&format!(".{kind}."))) {
                missing.push(format!("{} ({}) has no .{kind}. fixture", code.code, code.name));
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn every_code_is_documented() {
    for code in codes::all() {
        assert!(code.doc.starts_with(&format!("# {} {}", code.code, code.name)), "{} doc must start with its heading", code.code);
        assert!(code.doc.contains("```"), "{} doc needs an example", code.code);
        assert!(!code.summary.is_empty());
    }
    let mut seen = std::collections::HashSet::new();
    for code in codes::all() {
        assert!(seen.insert(code.code), "{} is declared twice", code.code);
    }
}

#[test]
fn build_fixtures_compile_to_their_reviewed_cib() {
    let dir = fixtures("build");
    let inputs = files_with_extension(&dir, "hapolicy");
    assert!(!inputs.is_empty(), "no build fixtures in {}", dir.display());
    let scratch_dir = scratch("build-fixtures");
    let mut failures = Vec::new();
    for path in &inputs {
        let file = path.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let compiler = compile(path, Target::Pacemaker2);
        let Some(xml) = compiler.cib() else {
            failures.push(format!("{file}: does not build:\n{}", rendered_diagnostics(&compiler)));
            continue;
        };
        if let Some(diff) = compare_expected(&path.with_extension("xml"), xml) {
            failures.push(diff);
        }
        let cib = scratch_dir.join(format!("{file}.xml"));
        std::fs::write(&cib, with_online_nodes(xml)).expect("write cib");
        if let Err(e) = validate_schema(&cib, &pacemaker2_schema()) {
            failures.push(format!("{file}: schema rejects it:\n{e}"));
        }
        let (code, output) = crm_verify(&cib);
        if code != 0 {
            failures.push(format!("{file}: crm_verify exit {code}:\n{output}"));
        }
    }
    println!("{}/{} build fixtures as expected", inputs.len() - failures.len(), inputs.len());
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
