//! `build` writes the CIB as it generates it (`cib::generate_xml`), never holding the whole
//! element tree. Its text must be the tree's (`cib::generate`, then `to_xml`) byte for byte: on
//! every policy in the repository, and on one large enough to be written in several chunks.
#![allow(clippy::panic, clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing, reason = "a test reports failures by panicking")]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use hapolicy_compiler::cib::{generate, generate_xml, to_xml};
use hapolicy_compiler::{Compiler, Target};

fn policies() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root").to_path_buf();
    let mut found = Vec::new();
    let mut dirs = vec![root.join("examples"), root.join("tests/fixtures")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "hapolicy") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// The streamed text (its pieces written out one after the other) and the tree's, compared.
fn both_ways(name: &str, text: &str, target: Target) -> (String, usize) {
    let mut compiler = Compiler::new(target);
    compiler.set_file(name, text.to_string());
    let pieces = generate_xml(compiler.model(), target);
    let mut written = Vec::new();
    pieces.write_to(&mut written).unwrap();
    let streamed = String::from_utf8(written).unwrap();
    assert_eq!(streamed, pieces.as_str(), "{name}: the pieces written out differ from the pieces joined");
    assert_eq!(streamed.len(), pieces.len());
    let tree = to_xml(&generate(compiler.model(), target));
    if streamed != tree {
        let at = streamed.bytes().zip(tree.bytes()).position(|(a, b)| a != b).unwrap_or(streamed.len().min(tree.len()));
        let from = at.saturating_sub(200);
        panic!(
            "{name}: the streamed CIB differs from the tree's at byte {at}\n--- streamed\n{}\n--- tree\n{}",
            streamed.get(from..(at + 200).min(streamed.len())).unwrap_or(""),
            tree.get(from..(at + 200).min(tree.len())).unwrap_or("")
        );
    }
    (streamed, pieces.pieces().count())
}

#[test]
fn every_policy_in_the_repository_is_written_the_same_streamed() {
    let files = policies();
    assert!(files.len() > 100, "expected the examples and fixtures, found {} policies", files.len());
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        for target in [Target::Pacemaker2, Target::Pacemaker3] {
            both_ways(&path.display().to_string(), &text, target);
        }
    }
    println!("{} policies written the same streamed and from the tree", files.len());
}

#[test]
fn a_large_policy_is_written_in_several_chunks_the_same() {
    // Every section, with a few thousand resources and constraints between them: the streamed
    // writer cuts resources and constraints into chunks of about a megabyte.
    let mut policy = String::from(include_str!("../../examples/full-cluster.hapolicy"));
    for i in 0..4000 {
        writeln!(
            policy,
            "primitive bulk{i}: ocf:heartbeat:VirtualDomain {{\n  config = \"/etc/libvirt/qemu/bulk{i}.xml\"\n  meta {{ allow-migrate = true }}\n  \
             op monitor interval=30s timeout=60s\n  op migrate_to timeout=120s\n}}\n\
             location bulk{i}-prefers-node1: bulk{i} prefers node1 = 50\n\
             xml <<< <rsc_order id=\"raw-{i}\" first=\"bulk{i}\" then=\"bulk{}\"/> >>>",
            (i + 1) % 4000
        )
        .unwrap();
    }
    let mut compiler = Compiler::new(Target::Pacemaker2);
    compiler.set_file("large.hapolicy", policy.clone());
    let syntax: Vec<_> = compiler.diagnostics().iter().filter(|d| d.code.code == "HP0001").take(3).map(|d| d.message.clone()).collect();
    assert!(syntax.is_empty(), "the large policy does not parse: {syntax:?}");
    let (xml, pieces) = both_ways("large.hapolicy", &policy, Target::Pacemaker2);
    assert!(xml.len() > 3 << 20, "the large policy's CIB is only {} bytes: it would not need several chunks", xml.len());
    // The chunks stay pieces of their own (moved into the text, not copied into one string).
    assert!(pieces > 3, "the large policy's CIB came in {pieces} pieces");
    assert_eq!(xml.matches("<primitive id=\"bulk").count(), 4000);
}
