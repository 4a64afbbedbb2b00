//! Pacemaker's scheduler regression CIBs (../shared/corpus/pacemaker-cts): every one is linted
//! without a crash, and imported then rebuilt; Pacemaker's own scheduler is the judge of
//! fidelity — the rebuilt configuration, spliced into the original CIB with its status, must make
//! `crm_simulate` plan exactly the same transition as the original.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic, reason = "tests")]

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use hapolicy_compiler::cib::{generate, read_xml, to_xml, Target};
use hapolicy_compiler::import;
use hapolicy_compiler::Compiler;
use hapolicy_tests::*;

fn corpus() -> Vec<PathBuf> {
    let dir = root().join("..").join("shared").join("corpus").join("pacemaker-cts");
    assert!(dir.is_dir(), "{} is missing: the shared/ folder must sit beside the checkout", dir.display());
    files_with_extension(&dir, "xml")
}

/// Runs `work` over the files on two threads, collecting failures.
fn each<F: Fn(&Path) -> Result<(), String> + Sync>(files: &[PathBuf], work: F) -> Vec<String> {
    let failures = Mutex::new(Vec::new());
    let next = Mutex::new(0usize);
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| loop {
                let index = {
                    let mut n = next.lock().unwrap();
                    *n += 1;
                    *n - 1
                };
                let Some(file) = files.get(index) else { break };
                if let Err(e) = work(file) {
                    failures.lock().unwrap().push(format!("{}: {e}", file.file_name().unwrap().to_string_lossy()));
                }
            });
        }
    });
    let mut failures = failures.into_inner().unwrap();
    failures.sort();
    failures
}

#[test]
fn every_corpus_cib_lints_without_a_crash() {
    let files = corpus();
    let started = std::time::Instant::now();
    let failures = each(&files, |file| {
        let text = std::fs::read_to_string(file).map_err(|e| e.to_string())?;
        let mut compiler = Compiler::new(Target::Pacemaker2);
        compiler.set_file("cib.xml", text);
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| compiler.diagnostics().len()));
        result.map(|_| ()).map_err(|_| "lint panicked".to_string())
    });
    println!("{}/{} corpus CIBs linted in {:.1}s", files.len() - failures.len(), files.len(), started.elapsed().as_secs_f64());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The transition summary `crm_simulate` prints for a CIB text.
fn transition(dir: &Path, name: &str, cib: &str) -> Result<String, String> {
    let path = dir.join(name);
    std::fs::write(&path, cib).map_err(|e| e.to_string())?;
    let out = std::process::Command::new(require_tool("crm_simulate")).arg("-x").arg(&path).arg("-S").output().map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    // The Transition Summary and everything after it (the actions executed, the resulting state).
    let summary: Vec<&str> = text.lines().skip_while(|l| !l.starts_with("Transition Summary")).collect();
    if !out.status.success() {
        return Err(format!("crm_simulate exit {:?}", out.status.code()));
    }
    Ok(summary.join("\n"))
}

/// The original CIB with its configuration replaced by the rebuilt one (status kept).
fn splice(original: &str, rebuilt: &str) -> Option<String> {
    let start = original.find("<configuration")?;
    let end = original.find("</configuration>")? + "</configuration>".len();
    let new_start = rebuilt.find("<configuration")?;
    let new_end = rebuilt.find("</configuration>")? + "</configuration>".len();
    let mut spliced = format!("{}{}{}", &original[..start], &rebuilt[new_start..new_end], &original[end..]);
    // The rebuilt configuration uses the current schema.
    if let Some(at) = spliced.find("validate-with=\"") {
        let value_start = at + "validate-with=\"".len();
        if let Some(len) = spliced[value_start..].find('"') {
            spliced.replace_range(value_start..value_start + len, "pacemaker-3.9");
        }
    }
    Some(spliced)
}

#[test]
fn imported_corpus_cibs_rebuild_to_the_same_transitions() {
    let files = corpus();
    let dir = scratch("corpus");
    let identical = Mutex::new(0usize);
    let fixed_points = Mutex::new(0usize);
    let unreproducible = Mutex::new(0usize);
    let failures = each(&files, |file| {
        let original = std::fs::read_to_string(file).map_err(|e| e.to_string())?;
        let root = read_xml(&original).map_err(|e| format!("unreadable: {}", e.message))?;
        let imported = import::import(root, &original);
        let policy = import::render(&imported);
        let mut compiler = Compiler::new(Target::Pacemaker2);
        compiler.set_file("imported.hapolicy", policy.clone());
        let syntax: Vec<String> = compiler.diagnostics().iter().filter(|d| d.code.code == "HP0001").map(|d| d.message.clone()).collect();
        if !syntax.is_empty() {
            return Err(format!("the imported policy does not parse: {}", syntax.join("; ")));
        }
        // Rebuild even where the policy has findings: fidelity is judged by the scheduler.
        let rebuilt = to_xml(&generate(compiler.model(), Target::Pacemaker2));
        // import and build reach a fixed point: the policy imported from the rebuilt CIB (written
        // in canonical values) builds a CIB that imports to the same policy text again.
        let round = |cib: &str| -> Option<(String, String)> {
            let root = read_xml(cib).ok()?;
            let text = import::render(&import::import(root, cib));
            let mut c = Compiler::new(Target::Pacemaker2);
            c.set_file("round.hapolicy", text.clone());
            Some((text, to_xml(&generate(c.model(), Target::Pacemaker2))))
        };
        let second = round(&rebuilt);
        let third = second.as_ref().and_then(|(_, cib)| round(cib));
        match (&second, &third) {
            (Some((p2, _)), Some((p3, _))) if p2 == p3 => *fixed_points.lock().unwrap() += 1,
            _ if std::env::var_os("SHOW_FIXED_POINT").is_some() => {
                println!(
                    "not a fixed point: {}\n--- second\n{}\n--- third\n{}",
                    file.display(),
                    second.map(|s| s.0).unwrap_or_default(),
                    third.map(|s| s.0).unwrap_or_default()
                );
            }
            _ => {}
        }
        let spliced = splice(&original, &rebuilt).ok_or("no configuration section")?;
        let name = file.file_stem().unwrap().to_string_lossy().into_owned();
        let before = transition(&dir, &format!("{name}.orig.xml"), &original);
        let after = transition(&dir, &format!("{name}.rebuilt.xml"), &spliced);
        match (before, after) {
            (Ok(b), Ok(a)) if a == b => {
                *identical.lock().unwrap() += 1;
                Ok(())
            }
            (Ok(b), Ok(a)) => Err(format!("transitions differ:\n--- original\n{b}\n--- rebuilt\n{a}")),
            (Err(e), _) => {
                *unreproducible.lock().unwrap() += 1;
                Err(format!("the original does not simulate ({e})"))
            }
            (_, Err(e)) => Err(format!("the rebuilt CIB does not simulate ({e})")),
        }
    });
    let identical = identical.into_inner().unwrap();
    let fixed_points = fixed_points.into_inner().unwrap();
    let reproducible = files.len() - unreproducible.into_inner().unwrap();
    println!("{identical}/{reproducible} corpus CIBs (of {} whose original simulates) rebuild to an identical transition", files.len());
    println!("{fixed_points}/{} imports reach a fixed point (import after build gives the same policy again)", files.len());
    for f in failures.iter().take(40) {
        println!("{f}\n");
    }
    // At least 99% (the target is all). The known difference: order-wrong-kind.xml has
    // kind="foo", which the current schema rejects (lint reports it as HP1005).
    assert!(identical * 100 >= reproducible * 99, "{identical}/{reproducible} identical, below 99%");
    assert!(fixed_points * 100 >= files.len() * 99, "{fixed_points}/{} fixed points, below 99%", files.len());
}
