//! Fix fixtures: `tests/fixtures/fix/NAME.hapolicy` (or `NAME.xml`, a CIB that `lint --fix`
//! rewrites) with fixes applied becomes the reviewed `NAME.fixed`. `NAME.unsafe.*` fixtures are
//! fixed with unsafe fixes too (`--fix-unsafe`); the others with safe fixes only.
//!
//! Besides matching the reviewed text, every fixed file must read back without new syntax
//! errors, each fix must remove the diagnostic it was offered for, and — the promise a safe fix
//! makes — a policy fixed with safe fixes compiles to the same CIB as before (up to the option
//! names a fix renamed). A fixed CIB must still pass Pacemaker's schema and `crm_verify`.
#![allow(clippy::indexing_slicing, clippy::expect_used, clippy::unwrap_used, reason = "tests")]

use hapolicy_compiler::diagnostics::fixes::fix_files;
use hapolicy_compiler::diagnostics::levels::LintLevels;
use hapolicy_compiler::diagnostics::{FileId, Safety};
use hapolicy_compiler::{Compiler, Target};
use hapolicy_tests::*;

/// Option names the renaming fixes of the fixtures change; the CIBs differ in exactly these.
/// Op ids are derived from the role as written (`db-monitor-10s-master`); Pacemaker identifies
/// an operation by its name and interval, never by its id.
const RENAMES: &[(&str, &str)] = &[
    ("master-max", "promoted-max"),
    ("master-node-max", "promoted-node-max"),
    ("crmd-transition-delay", "transition-delay"),
    ("-master\"", "-promoted\""),
    ("-slave\"", "-unpromoted\""),
];

fn count(compiler: &Compiler, code: &str) -> usize {
    compiler.diagnostics().iter().filter(|d| d.code.code == code).count()
}

#[test]
fn fix_fixtures_become_their_reviewed_text() {
    let dir = fixtures("fix");
    let mut inputs = files_with_extension(&dir, "hapolicy");
    inputs.extend(files_with_extension(&dir, "xml"));
    assert!(inputs.len() >= 6, "fix fixtures are missing in {}", dir.display());
    let scratch_dir = scratch("fix-fixtures");
    let mut failures = Vec::new();
    for path in &inputs {
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        let allow_unsafe = file.contains(".unsafe.");
        let is_cib = file.ends_with(".xml");
        let mut compiler = compile(path, Target::Pacemaker2);
        let codes_before: Vec<&str> = compiler.diagnostics().iter().map(|d| d.code.code).collect();
        let cib_before = compiler.cib_despite_check_errors();
        let results = fix_files(&mut compiler, &[FileId(0)], &LintLevels::new(), allow_unsafe);
        let result = &results[0];
        if let Some(why) = &result.undone {
            failures.push(format!("{file}: fixes were undone: {why}"));
            continue;
        }
        if result.applied.is_empty() {
            failures.push(format!("{file}: no fix was applied"));
        }
        if let Some(diff) = compare_expected(&path.with_extension("fixed"), &result.fixed) {
            failures.push(diff);
        }
        // Each applied fix removed its diagnostic.
        for applied in &result.applied {
            let before = codes_before.iter().filter(|c| **c == applied.code.code).count();
            if count(&compiler, applied.code.code) >= before {
                failures.push(format!("{file}: `{}` did not remove its {} diagnostic", applied.title, applied.code.code));
            }
        }
        // No fix of the kind applied is left over.
        let leftover: Vec<String> = compiler
            .diagnostics()
            .iter()
            .filter(|d| d.fixes.iter().any(|f| f.safety == Safety::Safe || allow_unsafe))
            .map(|d| format!("{} {}", d.code.code, d.message))
            .collect();
        if !leftover.is_empty() {
            failures.push(format!("{file}: fixes left over after fixing: {leftover:?}"));
        }
        if compiler.diagnostics().iter().any(|d| d.code.code.starts_with("HP0") || d.code.code == "HP4004") {
            failures.push(format!("{file}: the fixed text does not read back:\n{}", rendered_diagnostics(&compiler)));
        }
        if is_cib {
            let cib = scratch_dir.join(&file);
            std::fs::write(&cib, &result.fixed).unwrap();
            if let Err(e) = validate_schema(&cib, &pacemaker2_schema()) {
                failures.push(format!("{file}: the schema rejects the fixed CIB:\n{e}"));
            }
            let (code, output) = crm_verify(&cib);
            if code != 0 {
                failures.push(format!("{file}: crm_verify exit {code} on the fixed CIB:\n{output}"));
            }
        } else if !allow_unsafe {
            let mut expected = cib_before.clone();
            for (old, new) in RENAMES {
                expected = expected.replace(old, new);
            }
            if compiler.cib_despite_check_errors() != expected {
                failures.push(format!("{file}: safe fixes changed the compiled CIB"));
            }
        }
    }
    println!("{}/{} fix fixtures as expected", inputs.len() - failures.len().min(inputs.len()), inputs.len());
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
