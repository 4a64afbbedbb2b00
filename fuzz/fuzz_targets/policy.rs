//! Policy text → parse and check → CIB → formatter. Any input must come back as diagnostics or
//! output, never a panic, an abort or a hang.
#![no_main]

use hapolicy_compiler::{format, Compiler, Target};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let mut compiler = Compiler::new(Target::Pacemaker2);
    compiler.set_file("fuzz.hapolicy", text.clone());
    let _ = compiler.diagnostics();
    let _ = compiler.cib();
    let _ = compiler.cib_despite_check_errors();
    if let Ok(formatted) = format::format_source(&text) {
        // What the formatter prints must read back.
        let _ = format::format_source(&formatted);
    }
});
