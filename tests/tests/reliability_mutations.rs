//! Mutated policies never crash or hang `check`: every example and a sample of policies imported
//! from the Pacemaker corpus, cut up by a fixed-seed generator (deletions, insertions of
//! syntax-significant characters, duplications, truncations), each checked within a time box —
//! in batch mode and with the editor's per-item parsing, on a long-lived database as the
//! language server keeps one. (The language server itself gets the same edits as didChange in
//! `cli/tests/lsp.rs`.)
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic, reason = "tests")]

use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use hapolicy_compiler::cib::read_xml;
use hapolicy_compiler::{ide, import, Compiler, Target};
use hapolicy_tests::Rng;

/// No single check may take longer than this (a debug build; typical cases take milliseconds).
const TIME_BOX: Duration = Duration::from_secs(5);

const INSERTS: &[&str] =
    &["{", "}", "\"", "(", ")", "[", "]", "\n", "=", ":", "#", "é", "<<<", ">>>", " and ", " or ", "not ", "\\", "op ", "rule ", "-inf", "0", ";", "\t", "🙂"];

/// One to six random edits, on character boundaries.
fn mutate(original: &str, rng: &mut Rng) -> String {
    let mut text: Vec<char> = original.chars().collect();
    for _ in 0..1 + rng.below(6) {
        let at = rng.below(text.len() + 1);
        match rng.next_u64() % 4 {
            0 => {
                let end = (at + rng.below(40)).min(text.len());
                text.drain(at..end);
            }
            1 => {
                let insert = INSERTS[rng.below(INSERTS.len())];
                text.splice(at..at, insert.chars());
            }
            2 => {
                let end = (at + rng.below(80)).min(text.len());
                let copy: Vec<char> = text[at..end].to_vec();
                let to = rng.below(text.len() + 1);
                text.splice(to..to, copy);
            }
            _ => text.truncate(at),
        }
    }
    text.into_iter().collect()
}

fn examples() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|x| x == "hapolicy")).collect();
    files.sort();
    files.into_iter().map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(&p).unwrap())).collect()
}

/// Every `step`-th CIB of the Pacemaker corpus, imported to a policy.
fn imported_corpus(step: usize) -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/pacemaker-cts");
    let dir = if dir.is_dir() { dir } else { Path::new("/work/shared/corpus/pacemaker-cts").to_path_buf() };
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("the Pacemaker corpus at {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "xml"))
        .collect();
    files.sort();
    files
        .into_iter()
        .step_by(step)
        .filter_map(|p| {
            let xml = std::fs::read_to_string(&p).ok()?;
            let root = read_xml(&xml).ok()?;
            Some((p.file_name().unwrap().to_string_lossy().into_owned(), import::render(&import::import(root, &xml))))
        })
        .collect()
}

/// Checks every mutation of every source on a worker thread; the main thread fails the test if
/// one case takes longer than the time box or the worker dies. Returns the number of cases.
fn run(sources: Vec<(String, String)>, per_source: usize, seed: u64, per_item: bool) -> usize {
    let (progress, watch) = mpsc::channel::<(String, String)>();
    let (done, finished) = mpsc::channel::<usize>();
    let worker = std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(move || {
            let mut rng = Rng(seed);
            let mut compiler = Compiler::new(Target::Pacemaker2);
            compiler.set_per_item_parsing(per_item);
            let mut cases = 0;
            for (name, original) in &sources {
                for _ in 0..per_source {
                    let text = mutate(original, &mut rng);
                    progress.send((name.clone(), text.clone())).unwrap();
                    let file = compiler.set_file("mutated.hapolicy", text.clone());
                    let _ = compiler.diagnostics();
                    let _ = compiler.cib();
                    if per_item {
                        // The questions an editor asks after each keystroke, somewhere in the text.
                        let offset = rng.below(text.len() + 2);
                        let _ = ide::hover(compiler.model(), file, offset);
                        let _ = ide::completions(compiler.model(), &text, offset, &|spec| compiler.agent_schema(spec));
                        let _ = ide::definition(compiler.model(), file, offset);
                    }
                    cases += 1;
                }
            }
            done.send(cases).unwrap();
        })
        .unwrap();
    let mut current: Option<(String, String)> = None;
    let mut started = Instant::now();
    loop {
        match watch.recv_timeout(TIME_BOX) {
            Ok(case) => {
                current = Some(case);
                started = Instant::now();
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let (name, text) = current.unwrap_or_default();
                panic!("a mutation of {name} took longer than {TIME_BOX:?} ({:?} so far):\n{text}", started.elapsed());
            }
        }
    }
    let joined = worker.join();
    match (finished.recv(), joined) {
        (Ok(cases), Ok(())) => cases,
        _ => {
            let (name, text) = current.unwrap_or_default();
            panic!("checking a mutation of {name} panicked:\n{text}");
        }
    }
}

#[test]
fn mutated_examples_never_crash_or_hang_check() {
    let sources = examples();
    let count = sources.len();
    let batch = run(sources.clone(), 120, 0x5eed_0001, false);
    let editor = run(sources, 60, 0x5eed_0002, true);
    println!("{batch} batch checks + {editor} editor checks of mutated examples ({count} examples): none crashed or exceeded {TIME_BOX:?}");
    assert!(batch + editor >= 2_000, "too few cases: {}", batch + editor);
}

#[test]
fn mutated_imported_corpus_policies_never_crash_or_hang_check() {
    let sources = imported_corpus(6);
    let count = sources.len();
    assert!(count >= 90, "only {count} corpus CIBs imported");
    let batch = run(sources.clone(), 15, 0x5eed_0003, false);
    let editor = run(sources, 5, 0x5eed_0004, true);
    println!("{batch} batch checks + {editor} editor checks of mutated imported corpus policies ({count} CIBs): none crashed or exceeded {TIME_BOX:?}");
    assert!(batch + editor >= 1_500, "too few cases: {}", batch + editor);
}

/// The editor's questions at every byte offset — inside multi-byte characters and past the end
/// too — answer or decline, never panic (the language server turns positions into byte offsets,
/// and a client's positions can be stale).
#[test]
fn ide_questions_at_any_byte_offset_never_panic() {
    let mut asked = 0;
    for (i, (name, original)) in examples().into_iter().enumerate() {
        // Non-ASCII in a comment, a string and a name position.
        let text = format!("# é🙂 日本\n{}\nprimitive ü: ocf:heartbeat:Dummy {{ fake = \"日本🙂\" }}\n", original.replacen("\n", " # ß\n", 3));
        let mut compiler = Compiler::new(Target::Pacemaker2);
        compiler.set_per_item_parsing(true);
        let file = compiler.set_file("unicode.hapolicy", text.clone());
        let _ = compiler.diagnostics();
        let model = compiler.model();
        let step = if i < 2 { 1 } else { 13 };
        for offset in (0..=text.len() + 2).step_by(step) {
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let _ = ide::hover(model, file, offset);
                let _ = ide::completions(model, &text, offset, &|spec| compiler.agent_schema(spec));
                let _ = ide::definition(model, file, offset);
                let _ = ide::references(model, file, offset, true);
                let _ = ide::prepare_rename(model, file, offset);
                let _ = ide::rename(model, file, offset, "renamed");
                let _ = ide::inlay_hints(model, file, hapolicy_compiler::span::Span::new(offset, offset + 40));
            }));
            assert!(result.is_ok(), "{name}: an ide question at byte {offset} panicked ({:?})", text.get(offset.saturating_sub(10)..offset + 10));
            asked += 1;
        }
    }
    println!("{asked} offsets asked hover, completions, definition, references, rename and inlay hints: none panicked");
}
