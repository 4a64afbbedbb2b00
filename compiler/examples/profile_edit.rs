//! Times one-character edits of a large policy through the compiler database, as the language
//! server makes them: `cargo run --release -p hapolicy-compiler --example profile_edit -- POLICY
//! [per-item]` (`EDITS=N` edits, `INSERT=1` to insert and delete rather than replace). Under `valgrind --tool=callgrind --collect-atstart=no
//! --toggle-collect='profile_edit::edit_once'` it counts the instructions of the edits alone.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic, reason = "a measuring tool")]
use std::time::Instant;

// The allocator of the `hapolicy` binary, so that the figures match the language server's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[inline(never)]
fn edit_once(c: &mut hapolicy_compiler::Compiler, text: String) -> usize {
    c.set_file("a.hapolicy", text);
    c.diagnostics().len()
}

fn main() {
    let path = std::env::args().nth(1).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let mut c = hapolicy_compiler::Compiler::default();
    c.set_per_item_parsing(std::env::args().nth(2).is_some());
    c.set_file("a.hapolicy", text.clone());
    let t = Instant::now();
    let n = c.diagnostics().len();
    println!("first diagnostics: {n} in {:?}", t.elapsed());
    // Each edit at another `timeout=60s`, spread over the file as the benchmark spreads them.
    let sites: Vec<usize> = text.match_indices("timeout=60s").map(|(i, _)| i + 9).collect();
    let edits: usize = std::env::var("EDITS").ok().and_then(|e| e.parse().ok()).unwrap_or(4);
    // Edits come in pairs at one site: `1` then `0` again, or with `INSERT=1` a character typed
    // and deleted again (which moves every item after it).
    let insert = std::env::var_os("INSERT").is_some();
    let mut times = Vec::new();
    let mut text = text;
    for k in 0..edits {
        let at = sites[(k / 2 * 7919) % sites.len()];
        let mut t2 = text.clone();
        match (insert, k % 2 == 0) {
            (false, even) => t2.replace_range(at..=at, if even { "1" } else { "0" }),
            (true, true) => t2.insert(at, '1'),
            (true, false) => {
                t2.remove(at);
            }
        }
        let t = Instant::now();
        let n = edit_once(&mut c, t2.clone());
        text = t2;
        times.push(t.elapsed());
        println!("edit: {:?} ({n})", t.elapsed());
    }
    times.sort();
    println!("median edit: {:?}", times.get(times.len() / 2).copied().unwrap_or_default());
}
