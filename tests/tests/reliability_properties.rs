//! Properties of generated policies (proptest, fixed case counts so the suite stays fast):
//! - `build` output is well-formed and valid against Pacemaker's own schema (xmllint, batched);
//! - `import(build(p))` rebuilds to the same CIB (the import is a fixed point);
//! - `fmt` is idempotent and keeps the syntax tree (same canonical rendering, same CIB);
//! - generated ids are valid XML IDs, unique, and never take a name the admin declared.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic, reason = "tests")]

use std::collections::HashSet;
use std::path::Path;
use std::sync::Mutex;

use hapolicy_compiler::cib::{read_xml, XmlElement};
use hapolicy_compiler::{format, import, syntax, Compiler, Severity, Target};
use hapolicy_tests::quote;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

/// A generated policy: primitives with parameters and operations, an optional group and clone,
/// and constraints between the top-level resources; laid out with random spacing and comments
/// so that the formatter has work to do.
#[derive(Debug, Clone)]
struct Policy {
    text: String,
    names: Vec<String>,
}

#[derive(Debug, Clone)]
struct Primitive {
    params: Vec<(&'static str, String)>,
    ops: Vec<(&'static str, u32, u32)>,
    stickiness: Option<i32>,
}

fn primitive() -> impl Strategy<Value = Primitive> {
    let value = prop_oneof![
        "[a-z0-9/._-]{1,12}".prop_map(|s| s),
        any::<String>().prop_map(|s| s.chars().filter(|c| !c.is_control() || *c == '\t' || *c == '\n').take(12).collect()),
    ];
    let params = proptest::sample::subsequence(vec!["fake", "state"], 0..=2).prop_flat_map(move |keys| {
        let n = keys.len();
        (Just(keys), proptest::collection::vec(value.clone(), n))
    });
    let ops = proptest::collection::vec((proptest::sample::select(vec!["monitor", "start", "stop"]), 1u32..120, 10u32..200), 0..3);
    (params, ops, proptest::option::of(-1000i32..1000)).prop_map(|((keys, values), ops, stickiness)| {
        let params = keys.into_iter().zip(values).collect();
        // One operation of each name and interval: Pacemaker refuses duplicates.
        let mut seen = HashSet::new();
        let ops = ops.into_iter().filter(|(name, interval, _)| seen.insert((*name, if *name == "monitor" { *interval } else { 0 }))).collect();
        Primitive { params, ops, stickiness }
    })
}

/// Names that invite collisions with generated ids: a base and the ids derived from it.
fn names(count: usize) -> impl Strategy<Value = Vec<String>> {
    let suffixes = vec![
        "",
        "-monitor-10s",
        "-monitor-10000",
        "-start-0",
        "-instance_attributes",
        "-meta_attributes",
        "-clone",
        "-1",
        "-rule",
        "-expr",
        "-meta_attributes-resource-stickiness",
    ];
    proptest::collection::vec(("[a-zA-Z_][a-zA-Z0-9_.-]{0,6}", proptest::sample::select(suffixes)), count).prop_map(|parts| {
        let mut out: Vec<String> = Vec::new();
        for (i, (base, suffix)) in parts.into_iter().enumerate() {
            // Some names derive from an earlier one, so they are exactly what the generator would make.
            let name = match out.first() {
                Some(first) if i % 2 == 1 => format!("{first}{suffix}"),
                _ => format!("{base}{suffix}"),
            };
            if !out.contains(&name) && !matches!(name.as_str(), "node1" | "node2" | "cib-bootstrap-options") {
                out.push(name);
            }
        }
        out
    })
}

fn policy() -> impl Strategy<Value = Policy> {
    (2usize..7)
        .prop_flat_map(|n| (names(n + 4), proptest::collection::vec(primitive(), n), any::<u64>()))
        .prop_filter("enough distinct names", |(names, primitives, _)| names.len() >= primitives.len() + 4)
        .prop_map(|(names, primitives, layout)| {
            let mut bits = layout;
            let mut flip = |n: u64| {
                let v = bits % n;
                bits = bits.rotate_right(7) ^ 0x9e37_79b9;
                v
            };
            let mut text = String::from("cluster {\n  stonith-enabled = false\n}\nnode node1\nnode node2\n");
            let count = primitives.len();
            let mut declared = Vec::new();
            for (i, p) in primitives.iter().enumerate() {
                let name = &names[i];
                declared.push(name.clone());
                if flip(3) == 0 {
                    text.push_str("# a comment before the primitive\n\n");
                }
                text.push_str(&format!("primitive {name}:   ocf:heartbeat:Dummy {{\n"));
                for (key, value) in &p.params {
                    let indent = " ".repeat(1 + flip(4) as usize);
                    // `state` is unique per primitive: the value carries the name.
                    let value = if *key == "state" { format!("/run/{name}-{value}") } else { value.clone() };
                    text.push_str(&format!("{indent}{key}   =  {}\n", quote(&value)));
                }
                for (op, interval, timeout) in &p.ops {
                    match *op {
                        "monitor" => text.push_str(&format!("  op monitor interval={interval}s timeout={timeout}s\n")),
                        other => text.push_str(&format!("    op {other} timeout={timeout}s\n")),
                    }
                }
                if let Some(score) = p.stickiness {
                    text.push_str(&format!("  meta {{ resource-stickiness = {score} }}\n"));
                }
                text.push_str("}\n");
            }
            // The last primitives may form a group, the first may be cloned.
            let mut top: Vec<String> = declared.clone();
            let group_name = &names[count];
            let clone_name = &names[count + 1];
            if count >= 3 && flip(2) == 0 {
                let members = &declared[count - 2..];
                text.push_str(&format!("group {group_name} [{}]\n", members.join(", ")));
                top.retain(|n| !members.contains(n));
                top.push(group_name.clone());
                declared.push(group_name.clone());
            }
            if flip(2) == 0 {
                let first = declared[0].clone();
                text.push_str(&format!("clone {clone_name}: {first} {{\n  interleave = true\n}}\n"));
                top.retain(|n| *n != first);
                top.push(clone_name.clone());
                declared.push(clone_name.clone());
            }
            // Constraints between distinct top-level resources.
            let (a, b) = (&top[0], &top[top.len() - 1]);
            let location = &names[count + 2];
            text.push_str(&format!("location {location}: {a} prefers node1 = {}\n", flip(200) as i64 - 100));
            declared.push(location.clone());
            if a != b {
                let colocation = &names[count + 3];
                text.push_str(&format!("colocation {colocation}: {b} with {a}\n"));
                declared.push(colocation.clone());
                if count + 4 < names.len() {
                    let order = &names[count + 4];
                    text.push_str(&format!("order {order}: {a} then {b}\n"));
                    declared.push(order.clone());
                }
            }
            if flip(2) == 0 {
                text.push_str(&format!("location rule-{location}: {a} {{\n  rule -inf: not defined(pingd) or (pingd < integer 10 and $uname == node2)\n}}\n"));
                declared.push(format!("rule-{location}"));
            }
            Policy { text, names: declared }
        })
}

fn build(text: &str) -> Result<String, String> {
    let mut compiler = Compiler::new(Target::Pacemaker2);
    compiler.set_file("p.hapolicy", text.to_string());
    let errors: Vec<_> = compiler.diagnostics().iter().filter(|d| d.severity == Severity::Error).map(|d| format!("{} {}", d.code.code, d.message)).collect();
    compiler.cib().map(str::to_string).ok_or_else(|| format!("does not build: {errors:?}\n{text}"))
}

fn runner(cases: u32) -> TestRunner {
    // A fixed seed: a failure is reproducible, and the suite does the same work every run.
    TestRunner::new_with_rng(Config { cases, failure_persistence: None, ..Config::default() }, TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]))
}

fn validate(cibs: &[String]) {
    let dir = std::env::temp_dir().join(format!("hapolicy-properties-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let paths: Vec<_> = cibs
        .iter()
        .enumerate()
        .map(|(i, cib)| {
            let path = dir.join(format!("{i}.xml"));
            std::fs::write(&path, cib).unwrap();
            path
        })
        .collect();
    let schema = Path::new("/usr/share/pacemaker/pacemaker-3.9.rng");
    // One xmllint run for all CIBs: it reports each file, and fails if any is invalid.
    let out = std::process::Command::new(hapolicy_tests::require_tool("xmllint")).arg("--noout").arg("--relaxng").arg(schema).args(&paths).output().unwrap();
    let report = String::from_utf8_lossy(&out.stderr);
    let valid = report.lines().filter(|l| l.ends_with(" validates")).count();
    println!("{valid}/{} generated CIBs are valid against {}", cibs.len(), schema.display());
    let _ = std::fs::remove_dir_all(&dir);
    assert!(out.status.success() && valid == cibs.len(), "{report}");
}

#[test]
fn built_policies_are_schema_valid_and_import_to_a_fixed_point() {
    let cibs = Mutex::new(Vec::new());
    runner(48)
        .run(&policy(), |p| {
            let first = build(&p.text).map_err(TestCaseError::fail)?;
            let root = read_xml(&first).map_err(|e| TestCaseError::fail(format!("not well-formed: {e:?}\n{first}")))?;
            let imported = import::import(root, &first);
            let rendered = import::render(&imported);
            let second = build(&rendered).map_err(TestCaseError::fail)?;
            prop_assert_eq!(&first, &second, "import(build(p)) rebuilds differently\n--- policy\n{}\n--- imported\n{}", p.text, rendered);
            cibs.lock().unwrap().push(first);
            Ok(())
        })
        .unwrap();
    validate(&cibs.into_inner().unwrap());
}

#[test]
fn fmt_is_idempotent_and_keeps_the_tree() {
    runner(64)
        .run(&policy(), |p| {
            let once = format::format_source(&p.text).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
            let twice = format::format_source(&once).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
            prop_assert_eq!(&once, &twice, "fmt is not idempotent");
            // The same tree: the canonical rendering of both parses agrees, and so does the CIB.
            let tree = |text: &str| format::format_items(&syntax::parse(text).items);
            prop_assert_eq!(tree(&p.text), tree(&once), "fmt changed the syntax tree");
            prop_assert_eq!(build(&p.text), build(&once), "fmt changed the CIB");
            Ok(())
        })
        .unwrap();
    println!("64 generated policies: fmt idempotent, tree and CIB unchanged");
}

fn is_xml_id(id: &str) -> bool {
    id.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') && id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

fn collect_ids<'a>(element: &'a XmlElement, out: &mut Vec<(&'a str, &'a str)>) {
    let mut stack = vec![element];
    while let Some(e) = stack.pop() {
        if let Some(id) = e.value("id") {
            out.push((e.name.as_str(), id));
        }
        stack.extend(e.elements());
    }
}

#[test]
fn generated_ids_are_valid_unique_and_leave_declared_names_alone() {
    runner(96)
        .run(&policy(), |p| {
            let cib = build(&p.text).map_err(TestCaseError::fail)?;
            let root = read_xml(&cib).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
            let mut ids = Vec::new();
            collect_ids(root.child("configuration").unwrap(), &mut ids);
            let mut seen = HashSet::new();
            for (element, id) in &ids {
                prop_assert!(is_xml_id(id), "<{element} id={id:?}> is not a valid XML ID");
                prop_assert!(seen.insert(*id), "id {id:?} is used twice\n{cib}");
            }
            // Each declared name is the id of the element it names, not of a generated one.
            for name in &p.names {
                let owners: Vec<_> = ids.iter().filter(|(_, id)| id == name).map(|(element, _)| *element).collect();
                prop_assert!(
                    owners.len() == 1 && ["primitive", "group", "clone", "rsc_location", "rsc_colocation", "rsc_order"].contains(&owners[0]),
                    "declared name {name:?} is the id of {owners:?}\n{cib}"
                );
            }
            Ok(())
        })
        .unwrap();
    println!("96 generated policies: every id a valid XML ID, unique, declared names kept");
}
