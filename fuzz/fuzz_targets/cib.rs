//! CIB XML → lint (an `.xml` file goes through the importer and the same checks) and import
//! rendering. Any input must come back as findings or a policy, never a panic or a hang.
#![no_main]

use std::cell::RefCell;

use hapolicy_compiler::cib::read_xml;
use hapolicy_compiler::{import, Compiler, Target};
use libfuzzer_sys::fuzz_target;

thread_local! {
    // One database for the whole run; each input replaces both files.
    static COMPILER: RefCell<Compiler> = RefCell::new(Compiler::new(Target::Pacemaker2));
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    COMPILER.with_borrow_mut(|compiler| run(compiler, text));
});

fn run(compiler: &mut Compiler, text: String) {
    compiler.remove_file("imported.hapolicy");
    compiler.set_file("fuzz.xml", text.clone());
    let _ = compiler.diagnostics();
    if let Ok(root) = read_xml(&text) {
        let imported = import::import(root, &text);
        let rendered = import::render(&imported);
        // The imported policy is checked like any other.
        compiler.set_file("imported.hapolicy", rendered);
        let _ = compiler.diagnostics();
    }
}
