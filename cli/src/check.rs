//! `hapolicy check`: report every problem, in human, JSON or SARIF form, at the run's lint
//! levels; with `--fix`, apply the safe fixes first and report what remains.

use std::path::PathBuf;

use hapolicy_compiler::diagnostics::FileId;
use hapolicy_compiler::Target;

use crate::{config, report, Format};

pub fn run(files: &[PathBuf], agents: &crate::AgentArgs, levels: &crate::LevelArgs, fix: crate::FixArgs, format: Format, target: Target) -> u8 {
    let levels = match config::levels_for(files, levels) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    // The process ends right after: freeing the database item by item is wasted time.
    let mut compiler = match report::load(files, agents, target) {
        Ok(c) => std::mem::ManuallyDrop::new(c),
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    if fix.fix || fix.fix_unsafe {
        // `report::load` adds the files in order, so the n-th path is FileId(n).
        let paths: Vec<(FileId, PathBuf)> = files.iter().enumerate().map(|(i, p)| (FileId(u32::try_from(i).unwrap_or(u32::MAX)), p.clone())).collect();
        if !report::fix(&mut compiler, &paths, &levels, fix) {
            return 2;
        }
    }
    report::show_leveled(&compiler, &levels, format, &format!("no problems found in {} file(s)", files.len()))
}
