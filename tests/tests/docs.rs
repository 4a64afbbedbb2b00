//! The documentation's examples are policies too: every ```hapolicy block in the README and in
#![allow(clippy::indexing_slicing, clippy::expect_used, clippy::unwrap_used, reason = "tests")]
//! docs/language.md must parse, and the README's tour must build a schema-valid CIB.

use hapolicy_compiler::{Compiler, Severity, Target};
use hapolicy_tests::*;

fn blocks(markdown: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = markdown;
    while let Some(start) = rest.find("```hapolicy\n") {
        rest = &rest[start + 12..];
        let Some(end) = rest.find("```") else { break };
        out.push(rest[..end].to_string());
        rest = &rest[end + 3..];
    }
    out
}

#[test]
fn every_documented_policy_parses() {
    let mut failures = Vec::new();
    let mut count = 0;
    for doc in ["README.md", "docs/language.md"] {
        let text = std::fs::read_to_string(root().join(doc)).expect("doc exists");
        for (i, block) in blocks(&text).into_iter().enumerate() {
            count += 1;
            let mut compiler = Compiler::new(Target::Pacemaker2);
            compiler.set_file(&format!("{doc}#{}", i + 1), block);
            let syntax: Vec<_> = compiler.diagnostics().iter().filter(|d| d.code.code == "HP0001").collect();
            if !syntax.is_empty() {
                failures.push(format!("{doc} block {}: {}", i + 1, syntax.iter().map(|d| d.message.clone()).collect::<Vec<_>>().join("; ")));
            }
        }
    }
    println!("{}/{count} documented policies parse", count - failures.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_readme_tour_builds_a_valid_cib() {
    let text = std::fs::read_to_string(root().join("README.md")).expect("README exists");
    let tour = blocks(&text).into_iter().next().expect("the README has a tour");
    let mut compiler = Compiler::new(Target::Pacemaker2);
    compiler.set_file("tour.hapolicy", tour);
    let problems: Vec<_> = compiler.diagnostics().iter().filter(|d| d.severity >= Severity::Warning).map(|d| d.message.clone()).collect();
    assert!(problems.is_empty(), "{problems:?}");
    let xml = compiler.cib().expect("the tour builds");
    let path = scratch("tour").join("tour.xml");
    std::fs::write(&path, with_online_nodes(xml)).expect("write");
    validate_schema(&path, &pacemaker2_schema()).expect("schema-valid");
    let (code, output) = crm_verify(&path);
    assert_eq!(code, 0, "{output}");
}
