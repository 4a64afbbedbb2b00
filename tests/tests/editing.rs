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

/// Applies one random edit to `text`, on character boundaries as an editor does.
fn edit(rng: &mut Rng, text: &mut String, original: &str) {
    if rng.below(40) == 0 {
        *text = original.to_string();
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

fn policies() -> Vec<PathBuf> {
    let mut files = files_with_extension(&root().join("examples"), "hapolicy");
    for dir in ["checks", "migration", "build"] {
        let dir = fixtures(dir);
        if dir.is_dir() {
            files.extend(files_with_extension(&dir, "hapolicy"));
        }
    }
    files
}

#[test]
fn after_every_edit_the_model_and_diagnostics_equal_a_fresh_builds() {
    const EDITS_PER_FILE: usize = 40;
    let files = policies();
    assert!(files.len() >= 50, "expected the examples and fixture policies, found {}", files.len());
    let mut rng = Rng(0x5EED_0FED_1701);
    let mut compared = 0;
    let mut failures = Vec::new();
    for path in &files {
        let original = std::fs::read_to_string(path).unwrap();
        let mut session = Compiler::new(Target::Pacemaker3);
        session.set_per_item_parsing(true);
        session.set_file("policy.hapolicy", original.clone());
        let _ = session.diagnostics();
        let mut text = original.clone();
        for step in 0..EDITS_PER_FILE {
            edit(&mut rng, &mut text, &original);
            session.set_file("policy.hapolicy", text.clone());
            let mut fresh = Compiler::new(Target::Pacemaker3);
            fresh.set_per_item_parsing(true);
            fresh.set_file("policy.hapolicy", text.clone());
            compared += 1;
            if session.diagnostics() != fresh.diagnostics() {
                failures.push(format!(
                    "{} after edit {step}: diagnostics differ\n  session: {:?}\n  fresh:   {:?}\n--- text ---\n{text}",
                    path.display(),
                    session.diagnostics(),
                    fresh.diagnostics()
                ));
                break;
            }
            if session.model() != fresh.model() {
                failures.push(format!("{} after edit {step}: models differ\n--- text ---\n{text}", path.display()));
                break;
            }
        }
    }
    println!("{}/{compared} edits over {} policies gave a fresh build's model and diagnostics", compared - failures.len(), files.len());
    assert!(failures.is_empty(), "{} sessions went wrong; the first:\n{}", failures.len(), failures[0]);
}
