//! `hapolicy fmt`: rewrite policy files in the canonical layout, keeping every comment.

use std::path::PathBuf;

use hapolicy_compiler::diagnostics::{render_human, FileText};
use hapolicy_compiler::format::format_source;

use crate::output;

pub fn run(files: &[PathBuf], check: bool) -> u8 {
    let mut status = 0;
    for path in files {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: cannot read {}: {e}", path.display());
                return 2;
            }
        };
        match format_source(&text) {
            Err(errors) => {
                let name = path.display().to_string();
                eprint!("{}", render_human(&[FileText::new(&name, &text)], &errors));
                eprintln!("error: {} has syntax errors; it was not formatted", path.display());
                status = 1;
            }
            Ok(formatted) if formatted == text => {}
            Ok(_) if check => {
                eprintln!("{} is not formatted", path.display());
                status = 1;
            }
            Ok(formatted) => {
                if let Err(e) = output::write_atomically(path, &formatted) {
                    eprintln!("error: cannot write {}: {e}", path.display());
                    return 2;
                }
            }
        }
    }
    status
}
