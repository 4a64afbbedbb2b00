//! `hapolicy check`: report every problem, in human or JSON form.

use std::path::PathBuf;

use hapolicy_compiler::Target;

use crate::{report, Format};

pub fn run(files: &[PathBuf], agents: &crate::AgentArgs, format: Format, target: Target) -> u8 {
    // The process ends right after: freeing the database item by item is wasted time.
    let compiler = match report::load(files, agents, target) {
        Ok(c) => std::mem::ManuallyDrop::new(c),
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    report::show(&compiler, format, &format!("no problems found in {} file(s)", files.len()))
}
