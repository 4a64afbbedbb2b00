//! An editor session sees what a fresh build sees. The language server keeps one database and
//! feeds it each edit; it then reparses, rebuilds and rechecks only what the edit touched. After
//! every edit, the model and the diagnostics must equal those of a new database that sees the
//! edited text for the first time. The edits come from a fixed-seed generator, so a failure
//! reproduces: they open and close strings, brackets and raw blocks, add and remove items, paste
//! pieces of the file elsewhere, and sometimes replace the whole text.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic, reason = "tests")]

use std::path::PathBuf;

use hapolicy_compiler::{Compiler, Target};
use hapolicy_tests::{files_with_extension, fixtures, root, Rng};

const PIECES: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "\"",
    "\n",
    "#",
    " ",
    "1",
    "x",
    "\\\n",
    "xml <<<\n",
    ">>>\n",
    "timeout=61s",
    "interval=0",
    "on-fail=demote",
    "allow-migrate=true",
    "primitive extra: ocf:heartbeat:Dummy\n",
    "primitive vm: ocf:heartbeat:VirtualDomain { config = \"/etc/vm.xml\"\n  meta allow-migrate=true\n}\n",
    "group extra-group [extra]\n",
    "location prefer-extra extra 100: n1\n",
    "order extra-first extra then vm\n",
    "cluster { stonith-enabled = false }\n",
    "é",
];

/// Values that other items' findings depend on, each with what it may become: an edit that
/// swaps one keeps every name, so it is checked incrementally, and what it changes shows up in
/// other items (an order's restart advice, a fail-count rule's reach, a clone's promotion).
const SWAPS: &[&[&str]] = &[
    &["allow-migrate=true", "allow-migrate=false"],
    &["allow-migrate = true", "allow-migrate = false"],
    &["on-fail=block", "on-fail=restart", "on-fail=ignore", "on-fail=demote", "on-fail=stop", "on-fail=fence"],
    &["interval=10s", "interval=20s", "interval=0", "interval=30s"],
    &["timeout=20s", "timeout=600s", "timeout=5s"],
    &["ocf:heartbeat:Dummy", "ocf:heartbeat:VirtualDomain", "ocf:pacemaker:Stateful", "lsb:foo", "stonith:fence_ipmilan", "ocf:heartbeat:IPaddr2"],
    &["ocf:heartbeat:VirtualDomain", "ocf:heartbeat:Dummy"],
    &["ocf:pacemaker:Stateful", "ocf:heartbeat:Dummy"],
    &["promotable ", "clone "],
    &["migration-threshold=3", "migration-threshold=1", "migration-threshold=0"],
    &["migration-threshold = 3", "migration-threshold = 1"],
    &["failure-timeout=60s", "failure-timeout=0"],
    &["role=Promoted", "role=Unpromoted", "role=Stopped", "role=Started"],
    &[" then ", " then start "],
    &["kind=Mandatory", "kind=Optional", "kind=Serialize"],
    &["symmetrical=false", "symmetrical=true"],
    &["promotable = true", "promotable = false"],
    &["enabled=false", "enabled=true"],
    // Values an agent requires to be unique.
    &["ip = \"192.0.2.10\"", "ip = \"192.0.2.11\"", "ip = \"10.0.0.11\""],
    // Text added before a primitive's parameters: they move inside it, and findings about
    // them (a unique value's collision) move with them.
    &["ocf:heartbeat:IPaddr2 {", "ocf:heartbeat:IPaddr2   {"],
    // A primitive without a body that may start to migrate (and one that stops).
    &["ocf:heartbeat:Dummy\n", "ocf:heartbeat:Dummy { meta { allow-migrate = true } }\n"],
    &[" { meta { allow-migrate = true } }", ""],
    &["start-failure-is-fatal = false", "start-failure-is-fatal = true"],
];

/// Keywords after which a file declares the names a `name` swap picks from.
const DECLARING: &[&str] = &["primitive ", "group ", "clone ", "promotable ", "template ", "bundle ", "tag "];

/// Swaps one value for another, or one name occurrence for another declared name.
fn swap(rng: &mut Rng, text: &mut String) -> bool {
    let mut found: Vec<(usize, &str, &[&str])> = Vec::new();
    for group in SWAPS {
        for value in group.iter().filter(|v| !v.is_empty()) {
            found.extend(text.match_indices(value).map(|(at, v)| (at, v, *group)));
        }
    }
    let names: Vec<String> = text
        .lines()
        .filter_map(|line| DECLARING.iter().find_map(|k| line.strip_prefix(k)))
        .filter_map(|rest| rest.split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_')).next())
        .filter(|n| !n.is_empty())
        .map(str::to_string)
        .collect();
    if !names.is_empty() && rng.below(2) == 0 {
        // Renaming a reference: a group member, a constraint's resource, a clone's child.
        let name = &names[rng.below(names.len())];
        let places: Vec<usize> = text
            .match_indices(name.as_str())
            .map(|(at, _)| at)
            .filter(|&at| {
                let before = text[..at].chars().next_back().is_none_or(|c| !(c.is_alphanumeric() || c == '-' || c == '_'));
                let after = text[at + name.len()..].chars().next().is_none_or(|c| !(c.is_alphanumeric() || c == '-' || c == '_'));
                before && after
            })
            .collect();
        if let Some(&at) = places.get(rng.below(places.len().max(1))) {
            let other = names[rng.below(names.len())].clone();
            text.replace_range(at..at + name.len(), &other);
            return true;
        }
    }
    let Some(&(at, value, group)) = found.get(rng.below(found.len().max(1))) else { return false };
    let other = group[rng.below(group.len())];
    text.replace_range(at..at + value.len(), other);
    true
}

/// Applies one random edit to `text`, on character boundaries as an editor does.
fn edit(rng: &mut Rng, text: &mut String, original: &str) {
    if rng.below(40) == 0 {
        *text = original.to_string();
        return;
    }
    if rng.below(2) == 0 && swap(rng, text) {
        return;
    }
    let boundary = |text: &str, mut at: usize| {
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    let start = boundary(text, rng.below(text.len() + 1));
    let end = boundary(text, (start + rng.below(10)).min(text.len()));
    let insert = match rng.below(5) {
        0 => String::new(),
        // A piece of the file itself, as a paste.
        1 => {
            let from = boundary(text, rng.below(text.len() + 1));
            let to = boundary(text, (from + rng.below(120)).min(text.len()));
            text[from..to].to_string()
        }
        _ => PIECES[rng.below(PIECES.len())].to_string(),
    };
    text.replace_range(start..end, &insert);
}

/// The policies to edit, each with its number of edits: more where items depend on each other
/// most (migration, scheduling, examples).
fn policies() -> Vec<(PathBuf, usize)> {
    let mut files: Vec<(PathBuf, usize)> = files_with_extension(&root().join("examples"), "hapolicy").into_iter().map(|p| (p, 200)).collect();
    for (dir, edits) in [("checks", 40), ("build", 40), ("migration", 400), ("scheduler", 400)] {
        files.extend(files_with_extension(&fixtures(dir), "hapolicy").into_iter().map(|p| (p, edits)));
    }
    // Findings that compare items by value rather than by name.
    for unique in files.iter_mut().filter(|(p, _)| p.to_string_lossy().contains("HP2105")) {
        unique.1 = 400;
    }
    files
}

#[test]
fn after_every_edit_the_model_and_diagnostics_equal_a_fresh_builds() {
    let files = policies();
    assert!(files.len() >= 50, "expected the examples and fixture policies, found {}", files.len());
    let mut rng = Rng(0x5EED_0FED_1701);
    let mut compared = 0;
    let mut failures = Vec::new();
    for (k, (path, edits)) in files.iter().enumerate() {
        let original = std::fs::read_to_string(path).unwrap();
        // Every other session has a second file after the edited one, left as it is: an edit
        // that adds or removes an item changes the position of every item in it.
        let other = (k % 2 == 1).then(|| std::fs::read_to_string(&files[(k + 1) % files.len()].0).unwrap());
        let start = |text: &str| {
            let mut compiler = Compiler::new(Target::Pacemaker3);
            compiler.set_per_item_parsing(true);
            compiler.set_file("policy.hapolicy", text.to_string());
            if let Some(other) = &other {
                compiler.set_file("other.hapolicy", other.clone());
            }
            compiler
        };
        let mut session = start(&original);
        let _ = session.diagnostics();
        let mut text = original.clone();
        for step in 0..*edits {
            edit(&mut rng, &mut text, &original);
            session.set_file("policy.hapolicy", text.clone());
            let fresh = start(&text);
            compared += 1;
            if session.diagnostics() != fresh.diagnostics() {
                let brief = |c: &Compiler| {
                    c.diagnostics().iter().map(|d| format!("\n    {} at {}..{}: {}", d.code.code, d.span.start, d.span.end, d.message)).collect::<String>()
                };
                failures.push(format!(
                    "{} after edit {step}: diagnostics differ\n  session:{}\n  fresh:{}\n--- text ---\n{text}",
                    path.display(),
                    brief(&session),
                    brief(&fresh)
                ));
                break;
            }
            if session.model() != fresh.model() {
                let (a, b) = (session.model(), fresh.model());
                let fields = [
                    ("items", a.items == b.items),
                    ("symbols", a.symbols == b.symbols),
                    ("nodes", a.nodes == b.nodes),
                    ("parent", a.parent == b.parent),
                    ("primitives", a.primitives == b.primitives),
                    ("agents", a.agents == b.agents),
                    ("diagnostics", a.diagnostics == b.diagnostics),
                ];
                let differ: Vec<&str> = fields.iter().filter(|(_, same)| !same).map(|(name, _)| *name).collect();
                failures.push(format!("{} after edit {step}: models differ in {differ:?}\n--- text ---\n{text}", path.display()));
                break;
            }
        }
    }
    println!("{}/{compared} edits over {} policies gave a fresh build's model and diagnostics", compared - failures.len(), files.len());
    assert!(failures.is_empty(), "{} sessions went wrong; the first:\n{}", failures.len(), failures[0]);
}

/// Two files may begin with the same text (and so the same parsed item): edits to one of them
/// must still give what a fresh build gives.
#[test]
fn files_that_begin_alike_are_told_apart() {
    let first = "primitive shared: ocf:heartbeat:Dummy { fake = \"1\" }\n";
    let a = format!("{first}primitive a: ocf:heartbeat:Dummy\norder a-first: a then shared\n");
    let b = format!("{first}primitive b: ocf:heartbeat:Dummy {{ meta {{ allow-migrate = true }} }}\n");
    let mut session = Compiler::new(Target::Pacemaker3);
    session.set_per_item_parsing(true);
    session.set_file("a.hapolicy", a.clone());
    session.set_file("b.hapolicy", b.clone());
    let _ = session.diagnostics();
    let mut rng = Rng(0x00AB_CDEF_0123);
    let mut text = b.clone();
    for step in 0..300 {
        edit(&mut rng, &mut text, &b);
        session.set_file("b.hapolicy", text.clone());
        let mut fresh = Compiler::new(Target::Pacemaker3);
        fresh.set_per_item_parsing(true);
        fresh.set_file("a.hapolicy", a.clone());
        fresh.set_file("b.hapolicy", text.clone());
        assert_eq!(session.diagnostics(), fresh.diagnostics(), "after edit {step} of b.hapolicy:\n{text}");
        assert!(session.model() == fresh.model(), "models differ after edit {step} of b.hapolicy:\n{text}");
    }
}

/// Removing an item that declares nothing (a fencing level) moves every item of the files after
/// it one position back without copying them: what was found about each, and which items
/// mention which names, must follow it. A later edit then rechecks the items that mention what
/// it changed (here a location about a clone that stops being promotable).
#[test]
fn items_of_a_later_file_keep_their_findings_when_an_earlier_file_loses_an_item() {
    let a = "fencing-level n1 index=1 [f1]\n";
    let b = |clone: &str| {
        format!(
            "node n1\nprimitive f1: stonith:fence_dummy\n\
             primitive bad: ocf:heartbeat:Dummy {{\n  op monitor interval=10s\n  op monitor interval=10s\n}}\n\
             location f1-placement: f1 avoids n1\n\
             primitive db: ocf:pacemaker:Stateful\n{clone} db-clone: db\nprimitive spacer: ocf:heartbeat:Dummy\n\
             location db-promoted: db-clone role=Promoted avoids n1\n"
        )
    };
    let start = |a: &str, b: &str| {
        let mut compiler = Compiler::new(Target::Pacemaker3);
        compiler.set_per_item_parsing(true);
        compiler.set_file("a.hapolicy", a.to_string());
        compiler.set_file("b.hapolicy", b.to_string());
        compiler
    };
    let mut session = start(a, &b("promotable"));
    let before: Vec<&str> = session.diagnostics().iter().map(|d| d.code.code).collect();
    assert!(before.contains(&"HP2001"), "the fixture needs a finding about `bad`: {before:?}");
    session.set_file("a.hapolicy", String::new());
    assert_eq!(session.diagnostics(), start("", &b("promotable")).diagnostics());
    // As long as `promotable`, so that nothing moves and only the mentions lead to the location.
    session.set_file("b.hapolicy", b("clone     "));
    let after: Vec<&str> = session.diagnostics().iter().map(|d| d.code.code).collect();
    assert!(after.contains(&"HP2016"), "a Promoted location on a plain clone is reported: {after:?}");
    assert_eq!(session.diagnostics(), start("", &b("clone     ")).diagnostics());
}
