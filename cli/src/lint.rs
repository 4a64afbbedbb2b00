//! `hapolicy lint`: the compiler's checks on existing CIB XML, reported at the XML's lines.

use std::io::Read;
use std::path::PathBuf;
use std::process::Command;

use hapolicy_compiler::{Compiler, Target};

use hapolicy_compiler::diagnostics::FileId;

use crate::{report, AgentArgs, FixArgs, Format, LevelArgs};

/// Reads the CIBs: files, `-` for standard input, or the live cluster's CIB. Also returns the
/// files on disk (the only ones `--fix` may rewrite) with their ids in the compiler.
fn load(files: &[PathBuf], live: bool, agents: &AgentArgs) -> Result<(Compiler, Vec<(FileId, PathBuf)>), String> {
    let mut compiler = Compiler::new(Target::Pacemaker2);
    let mut on_disk = Vec::new();
    for path in files {
        if path.as_os_str() == "-" {
            let mut text = String::new();
            std::io::stdin().read_to_string(&mut text).map_err(|e| format!("cannot read standard input: {e}"))?;
            compiler.set_file("<stdin>.xml", text);
        } else {
            let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let mut name = path.display().to_string();
            if !name.ends_with(".xml") {
                // Whatever its name, a file given to lint is read as XML.
                name.push_str(" (xml)");
            }
            on_disk.push((compiler.set_file(&name, text), path.clone()));
        }
    }
    if live {
        let out = Command::new("cibadmin").arg("--query").output().map_err(|e| format!("cannot run cibadmin: {e}"))?;
        if !out.status.success() {
            return Err(format!("cibadmin --query failed: {}", String::from_utf8_lossy(&out.stderr).trim()));
        }
        compiler.set_file("<live CIB>.xml", String::from_utf8_lossy(&out.stdout).into_owned());
    }
    let mut paths = agents.paths.clone();
    paths.extend(crate::agents::configured_paths(files.first().map(PathBuf::as_path).filter(|p| p.as_os_str() != "-"))?);
    crate::agents::supply(&mut compiler, &paths, !agents.no_installed_agents)?;
    Ok((compiler, on_disk))
}

pub fn run(files: &[PathBuf], live: bool, agents: &AgentArgs, levels: &LevelArgs, fix: FixArgs, format: Format) -> u8 {
    if files.is_empty() && !live {
        eprintln!("error: name CIB files to lint, `-` for standard input, or --live");
        return 2;
    }
    let levels = match crate::config::levels_for(files, levels) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    // The process ends right after: freeing the database item by item is wasted time.
    let (mut compiler, on_disk) = match load(files, live, agents) {
        Ok((c, on_disk)) => (std::mem::ManuallyDrop::new(c), on_disk),
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    if fix.fix || fix.fix_unsafe {
        if on_disk.len() < files.len() || live {
            eprintln!("note: --fix rewrites CIB files only; standard input and the live CIB are left as they are");
        }
        if !report::fix(&mut compiler, &on_disk, &levels, fix) {
            return 2;
        }
    }
    report::show_leveled(&compiler, &levels, format, "no problems found")
}
