//! Every example compiles without errors, and its CIB validates against Pacemaker's own schema
#![allow(clippy::indexing_slicing, clippy::expect_used, clippy::unwrap_used, reason = "tests")]
//! and passes `crm_verify` on a cluster whose nodes are online.

use hapolicy_compiler::Target;
use hapolicy_tests::*;

#[test]
fn every_example_builds_validates_and_passes_crm_verify() {
    let examples = files_with_extension(&root().join("examples"), "hapolicy");
    assert!(examples.len() >= 10, "expected the examples folder to hold at least 10 policies, found {}", examples.len());
    let dir = scratch("examples");
    let mut failures = Vec::new();
    for path in &examples {
        let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let compiler = compile(path, Target::Pacemaker2);
        let Some(xml) = compiler.cib() else {
            failures.push(format!("{name}: does not build:\n{}", rendered_diagnostics(&compiler)));
            continue;
        };
        let cib = dir.join(format!("{name}.xml"));
        std::fs::write(&cib, xml).expect("write cib");
        if let Err(e) = validate_schema(&cib, &pacemaker2_schema()) {
            failures.push(format!("{name}: schema pacemaker-3.9 rejects it:\n{e}"));
        }
        let online = dir.join(format!("{name}.online.xml"));
        std::fs::write(&online, with_online_nodes(xml)).expect("write cib");
        let (code, output) = crm_verify(&online);
        if code != 0 {
            failures.push(format!("{name}: crm_verify exit {code}:\n{output}"));
        }
    }
    println!("{}/{} examples build, validate and pass crm_verify", examples.len() - failures.len(), examples.len());
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_example_validates_against_the_pacemaker3_schema() {
    let examples = files_with_extension(&root().join("examples"), "hapolicy");
    let dir = scratch("examples-pcmk3");
    let mut failures = Vec::new();
    for path in &examples {
        let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let compiler = compile(path, Target::Pacemaker3);
        let Some(xml) = compiler.cib() else {
            failures.push(format!("{name}: does not build for Pacemaker 3:\n{}", rendered_diagnostics(&compiler)));
            continue;
        };
        let cib = dir.join(format!("{name}.xml"));
        std::fs::write(&cib, xml).expect("write cib");
        if let Err(e) = validate_schema(&cib, &pacemaker3_schema()) {
            failures.push(format!("{name}: schema pacemaker-4.0 rejects it:\n{e}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
