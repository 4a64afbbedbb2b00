//! Policy text → parse and check → CIB → formatter. Any input must come back as diagnostics or
//! output, never a panic, an abort or a hang.
#![no_main]

use std::cell::RefCell;

use hapolicy_compiler::{format, Compiler, Target};
use libfuzzer_sys::fuzz_target;

thread_local! {
    // One database for the whole run, as the CLI's watch mode and the language server keep one:
    // each input replaces the file. (A fresh database per input spends most of the time setting
    // up the agent library.)
    static COMPILER: RefCell<Compiler> = RefCell::new(Compiler::new(Target::Pacemaker2));
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    COMPILER.with_borrow_mut(|compiler| run(compiler, text));
});

fn run(compiler: &mut Compiler, text: String) {
    compiler.set_file("fuzz.hapolicy", text.clone());
    let _ = compiler.diagnostics();
    let _ = compiler.cib();
    let _ = compiler.cib_despite_check_errors();
    if let Ok(formatted) = format::format_source(&text) {
        // What the formatter prints must read back.
        let _ = format::format_source(&formatted);
    }
}
