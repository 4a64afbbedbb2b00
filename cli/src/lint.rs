//! `hapolicy lint`: the compiler's checks on existing CIB XML, reported at the XML's lines.

use std::io::Read;
use std::path::PathBuf;
use std::process::Command;

use hapolicy_compiler::{Compiler, Target};

use crate::{report, AgentArgs, Format};

/// Reads the CIBs: files, `-` for standard input, or the live cluster's CIB.
fn load(files: &[PathBuf], live: bool, agents: &AgentArgs) -> Result<Compiler, String> {
    let mut compiler = Compiler::new(Target::Pacemaker2);
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
            compiler.set_file(&name, text);
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
    Ok(compiler)
}

pub fn run(files: &[PathBuf], live: bool, agents: &AgentArgs, format: Format) -> u8 {
    if files.is_empty() && !live {
        eprintln!("error: name CIB files to lint, `-` for standard input, or --live");
        return 2;
    }
    // The process ends right after: freeing the database item by item is wasted time.
    let compiler = match load(files, live, agents) {
        Ok(c) => std::mem::ManuallyDrop::new(c),
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    report::show(&compiler, format, "no problems found")
}
