//! Times each stage of checking one file through the compiler database, as `hapolicy check` or
//! `lint` runs it (without installed agents): `cargo run --release -p hapolicy-compiler --example
//! stages -- FILE` prints the time to read the file, parse it (or import it, for a CIB), build the
//! model and run the checks. For finding which stage grows faster than the input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic, reason = "a measuring tool")]
use std::time::Instant;
// The allocator of the `hapolicy` binary, so that the figures match the command's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let t = Instant::now();
    let text = std::fs::read_to_string(&path).unwrap();
    let read = t.elapsed();
    let mut c = std::mem::ManuallyDrop::new(hapolicy_compiler::Compiler::new(hapolicy_compiler::Target::Pacemaker2));
    c.set_file(&path, text);
    let t = Instant::now();
    let agents = c.referenced_agents().len();
    let parse = t.elapsed();
    let t = Instant::now();
    let items = c.model().items.len();
    let model = t.elapsed();
    let t = Instant::now();
    let n = c.diagnostics().len();
    let checks = t.elapsed();
    println!("read {read:?} parse {parse:?} model {model:?} checks {checks:?} ({agents} agents, {items} items, {n} diagnostics)");
}
