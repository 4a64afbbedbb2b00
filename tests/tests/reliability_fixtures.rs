//! Hostile inputs kept as files (and every crash the fuzzers find, as its input): each
//! `tests/fixtures/reliability/*.hapolicy` or `*.xml` must be checked within the time box with an
//! error, never a panic or a hang — once as a whole and once through the editor's per-item
//! parsing with the ide questions asked at every 97th byte offset (char boundary or not).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic, reason = "tests")]

use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use hapolicy_compiler::{ide, Compiler, Severity, Target};

const TIME_BOX: Duration = Duration::from_secs(10);

fn run(name: String, text: String) -> Vec<String> {
    let (send, receive) = mpsc::channel();
    let path = if name.ends_with(".xml") { "input.xml" } else { "input.hapolicy" };
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            let mut batch = Compiler::new(Target::Pacemaker2);
            batch.set_file(path, text.clone());
            let errors: Vec<String> =
                batch.diagnostics().iter().filter(|d| d.severity == Severity::Error).map(|d| format!("{} {}", d.code.code, d.message)).collect();
            let _ = batch.cib();
            let mut editor = Compiler::new(Target::Pacemaker2);
            editor.set_per_item_parsing(true);
            let file = editor.set_file(path, text.clone());
            let _ = editor.diagnostics();
            for offset in (0..=text.len() + 1).step_by(97) {
                let _ = ide::hover(editor.model(), file, offset);
                let _ = ide::completions(editor.model(), &text, offset, &|spec| editor.agent_schema(spec));
                let _ = ide::definition(editor.model(), file, offset);
            }
            let _ = send.send(errors);
        })
        .unwrap();
    match receive.recv_timeout(TIME_BOX) {
        Ok(errors) => errors,
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("{name}: still running after {TIME_BOX:?}"),
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("{name}: panicked or overflowed its stack"),
    }
}

#[test]
fn hostile_fixtures_end_in_errors() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/reliability");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let mut passed = 0;
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = String::from_utf8_lossy(&std::fs::read(path).unwrap()).into_owned();
        let errors = run(name.clone(), text);
        println!("{name}: {}", errors.first().map_or("no error", String::as_str));
        assert!(!errors.is_empty(), "{name}: no error reported");
        passed += 1;
    }
    println!("{passed}/{} hostile fixtures end in an error within {TIME_BOX:?}", files.len());
    assert!(passed >= 4, "the fixtures are missing");
}
