//! Editor sessions: a sequence of edits on one file of a long-lived database with per-item
//! parsing (as the language server runs it), each followed by diagnostics and the ide questions
//! at arbitrary byte offsets — including ones inside a multi-byte character or past the end.
//! After each edit the session's diagnostics must equal a fresh database's.
#![no_main]

use hapolicy_compiler::span::Span;
use hapolicy_compiler::{ide, Compiler, Target};
use libfuzzer_sys::fuzz_target;

/// Reads the input as: a starting text, then edits separated by 0xFF bytes. Each edit is two
/// offset bytes (scaled into the text), a delete length byte, and the bytes to insert.
fuzz_target!(|data: &[u8]| {
    let mut parts = data.split(|&b| b == 0xFF);
    let mut text = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
    let mut compiler = Compiler::new(Target::Pacemaker2);
    compiler.set_per_item_parsing(true);
    let file = compiler.set_file("edit.hapolicy", text.clone());
    ask(&compiler, file, &text, 0);
    for edit in parts.take(64) {
        let [a, b, delete] = [0, 1, 2].map(|i| edit.get(i).copied().unwrap_or(0));
        let insert = edit.get(3..).unwrap_or_default();
        let raw = usize::from(u16::from_le_bytes([a, b]));
        let at = if text.is_empty() { 0 } else { raw % (text.len() + 1) };
        // The edit itself is applied on character boundaries, as an editor would; the questions
        // below are asked at the raw offset too.
        let start = floor_boundary(&text, at);
        let end = floor_boundary(&text, start.saturating_add(usize::from(delete)).min(text.len()));
        text.replace_range(start..end, &String::from_utf8_lossy(insert));
        compiler.set_file("edit.hapolicy", text.clone());
        ask(&compiler, file, &text, raw);
        // What the session reuses must not show: a fresh database sees the same.
        let mut fresh = Compiler::new(Target::Pacemaker2);
        fresh.set_per_item_parsing(true);
        fresh.set_file("edit.hapolicy", text.clone());
        assert_eq!(compiler.diagnostics(), fresh.diagnostics(), "an edited session and a fresh build disagree");
    }
});

fn floor_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn ask(compiler: &Compiler, file: hapolicy_compiler::diagnostics::FileId, text: &str, raw: usize) {
    let _ = compiler.diagnostics();
    let model = compiler.model();
    let schema_of = |spec: &str| compiler.agent_schema(spec);
    for offset in [raw, raw % (text.len() + 2), text.len(), text.len() + 1, raw.wrapping_mul(7) % (text.len() + 1)] {
        let _ = ide::hover(model, file, offset);
        let _ = ide::completions(model, text, offset, &schema_of);
        let _ = ide::definition(model, file, offset);
        let _ = ide::references(model, file, offset, true);
        let _ = ide::prepare_rename(model, file, offset);
        let _ = ide::rename(model, file, offset, "renamed");
    }
    let _ = ide::document_symbols(model, file);
    let _ = ide::folding_ranges(model, file, text);
    let _ = ide::semantic_tokens(model, file, text);
    let _ = ide::inlay_hints(model, file, Span::new(0, text.len()));
    let _ = ide::inlay_hints(model, file, Span::new(raw.min(text.len() + 1), raw.saturating_add(3)));
}
