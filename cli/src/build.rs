//! `hapolicy build`: policy files to a CIB, written only when the run's lint levels leave no
//! error (a code denied in `hapolicy.conf` or with `--deny` stops the build like any error).

use std::io::Write;
use std::path::{Path, PathBuf};

use hapolicy_compiler::Target;

use crate::{config, output, report};

pub fn run(files: &[PathBuf], agents: &crate::AgentArgs, levels: &crate::LevelArgs, out: Option<&Path>, target: Target) -> u8 {
    let levels = match config::levels_for(files, levels) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    // The process ends right after: freeing the database item by item is wasted time.
    let compiler = match report::load(files, agents, target) {
        Ok(c) => std::mem::ManuallyDrop::new(c),
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    // Asking for the CIB first lets generation run beside the checks.
    let cib = compiler.cib_text();
    let diagnostics = levels.apply(compiler.diagnostics());
    if !diagnostics.is_empty() {
        eprint!("{}", report::human(&compiler, &diagnostics));
    }
    if report::errors(&diagnostics) > 0 {
        eprintln!("error: the policy has errors; nothing was written");
        return 1;
    }
    // No error is left, yet the compiler held one back: a Pacemaker-rule error the levels
    // lowered, which the CIB can be written with.
    let lowered;
    let xml = match cib {
        Some(xml) => xml,
        None => {
            lowered = compiler.cib_text_despite_check_errors();
            &lowered
        }
    };
    match out {
        Some(path) => {
            if let Err(e) = output::write_atomically_with(path, |file| xml.write_to(file)) {
                eprintln!("error: cannot write {}: {e}", path.display());
                return 2;
            }
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            if xml.write_to(&mut stdout).and_then(|_| stdout.flush()).is_err() {
                return 2;
            }
        }
    }
    0
}
