//! `hapolicy apply`: show the plan, ask, then install the policy's configuration with
//! Pacemaker's own `cibadmin --replace --scope configuration` — refusing when the cluster's CIB
//! changed since the plan was made.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

use crate::plan::{self, ClusterArgs, TempFile};
use crate::{report, AgentArgs};

pub fn run(files: &[PathBuf], cluster: &ClusterArgs, agents: &AgentArgs, yes: bool) -> u8 {
    match apply(files, cluster, agents, yes) {
        Ok(code) => code,
        Err(failure) => {
            eprintln!("error: {}", failure.message);
            failure.code
        }
    }
}

fn apply(files: &[PathBuf], cluster: &ClusterArgs, agents: &AgentArgs, yes: bool) -> Result<u8, plan::Failure> {
    let fail = |code: u8, message: String| plan::Failure { code, message };
    if !yes && !std::io::stdin().is_terminal() {
        return Err(fail(2, "standard input is not a terminal, so apply cannot ask for confirmation: pass --yes to apply without asking".to_string()));
    }
    let made = plan::make(files, cluster, agents)?;
    let plan = &made.planned.plan;
    report::emit(plan.render_human().trim_end());
    if !plan.conflicts.is_empty() {
        return Err(fail(1, "the configuration conflicts with the cluster (see above); nothing was applied".to_string()));
    }
    if plan.is_empty() {
        report::emit("Nothing to apply.");
        return Ok(0);
    }
    if !yes && !confirm(&cluster.describe()) {
        report::emit("Not applied.");
        return Ok(1);
    }

    // The plan is only valid for the CIB it was made against.
    let before = plan::version_of(&made.cluster).map_err(|e| fail(2, e))?;
    let now = plan::version_of(&cluster.query().map_err(|e| fail(2, e))?).map_err(|e| fail(2, e))?;
    if now != before {
        return Err(fail(
            1,
            format!(
                "the CIB of {} changed since the plan was made (version {before}, now {now}); nothing was applied: run apply again to plan against the new CIB",
                cluster.describe()
            ),
        ));
    }

    let file = TempFile::write("configuration", &made.planned.configuration).map_err(|e| fail(2, e))?;
    let out = cluster
        .command("cibadmin")
        .args(["--replace", "--scope", "configuration", "--xml-file"])
        .arg(file.path())
        .output()
        .map_err(|e| fail(2, format!("cannot run cibadmin (install pacemaker-cli-utils): {e}")))?;
    if !out.status.success() {
        let why = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        return Err(fail(1, format!("cibadmin --replace refused the configuration; nothing was applied:\n{}", why.trim())));
    }
    let after = cluster.query().and_then(|text| plan::version_of(&text)).map_err(|e| fail(2, format!("applied, but the new CIB cannot be read: {e}")))?;
    report::emit(&format!(
        "Applied to {}: {} resource change(s), {} constraint change(s), {} option change(s). CIB version {before} -> {after}.",
        cluster.describe(),
        plan.changes.len(),
        plan.constraints.len(),
        plan.properties.len()
    ));
    Ok(0)
}

/// Asks on the terminal; only `yes` confirms.
fn confirm(target: &str) -> bool {
    eprint!("\nApply these changes to {target}? Only `yes` is accepted: ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    if std::io::stdin().lock().read_line(&mut answer).is_err() {
        return false;
    }
    answer.trim() == "yes"
}
