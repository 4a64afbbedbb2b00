//! Any parameter value survives policy → CIB → policy → CIB byte for byte: quotes, `<`, `&`,
//! `]]>`, tabs, newlines, non-ASCII, shell metacharacters. Values come from a fixed-seed generator,
//! so a failure is reproducible.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic, reason = "tests")]

use hapolicy_compiler::cib::read_xml;
use hapolicy_compiler::{import, Compiler, Target};
use hapolicy_tests::{quote, Rng};

/// A random value from pieces that are hard to carry through XML and policy text.
fn value(rng: &mut Rng) -> String {
    const PIECES: &[&str] = &[
        "a", "Z", "0", " ", "\t", "\n", "\r", "\"", "'", "\\", "<", ">", "&", "]]>", "#", "=", ";", ",", "{", "}", "[", "]", "(", ")", "$HOME", "`id`", "|",
        "*", "é", "日本", "🙂", "&amp;", "&#10;", "--", "<!--", "\\n", "%s",
    ];
    let len = (rng.next_u64() % 8) as usize;
    (0..len).map(|_| PIECES[(rng.next_u64() % PIECES.len() as u64) as usize]).collect()
}

fn build(policy: &str) -> String {
    let mut compiler = Compiler::new(Target::Pacemaker2);
    compiler.set_file("p.hapolicy", policy.to_string());
    let syntax: Vec<_> = compiler.diagnostics().iter().filter(|d| d.severity == hapolicy_compiler::Severity::Error).map(|d| d.message.clone()).collect();
    compiler.cib().map(str::to_string).unwrap_or_else(|| panic!("does not build: {syntax:?}\n{policy}"))
}

#[test]
fn arbitrary_values_survive_the_round_trip() {
    let mut rng = Rng(0x5eed_cafe_f00d_1234);
    let mut cases = 0;
    for round in 0..200 {
        let values: Vec<String> = (0..5).map(|_| value(&mut rng)).collect();
        let mut agent = String::from("agent ocf:test:Any {\n");
        for i in 0..values.len() {
            agent.push_str(&format!("  param p{i}: string\n"));
        }
        agent.push_str("  action start timeout=20s\n  action stop timeout=20s\n  action monitor timeout=20s\n}\n");
        let mut policy = format!("cluster {{ stonith-enabled = false }}\n{agent}primitive r: ocf:test:Any {{\n");
        for (i, v) in values.iter().enumerate() {
            policy.push_str(&format!("  p{i} = {}\n", quote(v)));
        }
        policy.push_str("}\n");
        let first = build(&policy);
        // Every value is in the CIB exactly, as XML reads it back.
        let root = read_xml(&first).expect("the CIB reads back");
        let rendered = import::render(&import::import(root.clone(), &first));
        for (i, v) in values.iter().enumerate() {
            let read: Vec<_> = root
                .child("configuration")
                .unwrap()
                .child("resources")
                .unwrap()
                .child("primitive")
                .unwrap()
                .child("instance_attributes")
                .unwrap()
                .elements()
                .filter(|e| e.value("name") == Some(&format!("p{i}")))
                .map(|e| e.value("value").unwrap().to_string())
                .collect();
            assert_eq!(read, vec![v.clone()], "round {round}: value {v:?} in\n{first}");
        }
        // Imported back to a policy (with the agent declaration) and rebuilt: the same CIB.
        let second = build(&format!("{agent}\n{rendered}"));
        assert_eq!(first, second, "round {round}: the rebuilt CIB differs\n--- policy\n{rendered}");
        cases += 1;
    }
    println!("{cases}/200 random value sets survive policy → CIB → policy → CIB");
}
