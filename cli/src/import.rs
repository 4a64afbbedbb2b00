//! `hapolicy import`: an existing CIB as an idiomatic, formatted policy.

use std::path::Path;

use hapolicy_compiler::cib::read_xml;
use hapolicy_compiler::diagnostics::{render_human, FileText, Severity};

use crate::output;

pub fn run(cib: &Path, out: Option<&Path>, force: bool) -> u8 {
    let text = match std::fs::read_to_string(cib) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", cib.display());
            return 2;
        }
    };
    if let Some(path) = out {
        if path.exists() && !force {
            eprintln!("error: {} exists; pass --force to overwrite it", path.display());
            return 2;
        }
    }
    let path = cib.display().to_string();
    let files = [FileText::new(&path, &text)];
    let root = match read_xml(&text) {
        Ok(root) => root,
        Err(e) => {
            let d =
                hapolicy_compiler::Diagnostic::new(&hapolicy_compiler::import::findings::NOT_A_CIB, e.span, format!("the XML cannot be read: {}", e.message));
            eprint!("{}", render_human(&files, &[d]));
            return 1;
        }
    };
    let imported = hapolicy_compiler::import::import(root, &text);
    if !imported.findings.is_empty() {
        eprint!("{}", render_human(&files, &imported.findings));
    }
    if imported.findings.iter().any(|d| d.severity == Severity::Error) {
        return 1;
    }
    let mut policy = format!("# Imported from {} by hapolicy.\n\n", cib.file_name().map_or(path.clone(), |n| n.to_string_lossy().into_owned()));
    hapolicy_compiler::import::render_into(&mut policy, &imported);
    match out {
        Some(path) => {
            if let Err(e) = output::write_atomically(path, &policy) {
                eprintln!("error: cannot write {}: {e}", path.display());
                return 2;
            }
        }
        None => crate::report::emit(policy.trim_end()),
    }
    0
}
