//! `hapolicy build`: policy files to a CIB.

use std::io::Write;
use std::path::{Path, PathBuf};

use hapolicy_compiler::Target;

use crate::{output, report};

pub fn run(files: &[PathBuf], agents: &crate::AgentArgs, out: Option<&Path>, target: Target) -> u8 {
    // The process ends right after: freeing the database item by item is wasted time.
    let compiler = match report::load(files, agents, target) {
        Ok(c) => std::mem::ManuallyDrop::new(c),
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    // Asking for the CIB first lets generation run beside the checks.
    let cib = compiler.cib();
    let diagnostics = compiler.diagnostics();
    if !diagnostics.is_empty() {
        eprint!("{}", report::human(&compiler, diagnostics));
    }
    let Some(xml) = cib else {
        eprintln!("error: the policy has errors; nothing was written");
        return 1;
    };
    match out {
        Some(path) => {
            if let Err(e) = output::write_atomically(path, xml) {
                eprintln!("error: cannot write {}: {e}", path.display());
                return 2;
            }
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            if stdout.write_all(xml.as_bytes()).and_then(|_| stdout.flush()).is_err() {
                return 2;
            }
        }
    }
    0
}
