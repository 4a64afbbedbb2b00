//! `hapolicy plan`: what installing a policy would change on a cluster, and the transition
//! Pacemaker's scheduler would execute for it.
//!
//! The shell's part: reading the cluster's CIB (a file, or `cibadmin --query`), compiling the
//! policy, and running `crm_simulate` on the cluster's status with the new configuration. The
//! comparison, the predictions and their reconciliation live in `hapolicy_compiler::plan`.

use std::path::{Path, PathBuf};
use std::process::Command;

use hapolicy_compiler::cib::read_xml;
use hapolicy_compiler::plan::{self, CibVersion, Planned};
use hapolicy_compiler::Target;

use crate::{report, AgentArgs};

/// Which cluster to plan against.
#[derive(clap::Args, Clone)]
#[group(required = true, multiple = false)]
pub struct ClusterArgs {
    /// A CIB file (as `cibadmin --query` writes it); `apply` changes it through cibadmin with `CIB_file`.
    #[arg(long, value_name = "FILE")]
    pub cib: Option<PathBuf>,
    /// The running cluster's CIB (`cibadmin --query`).
    #[arg(long)]
    pub live: bool,
}

#[derive(Clone, Copy, clap::ValueEnum, Default, PartialEq, Eq)]
pub enum PlanFormat {
    #[default]
    Human,
    Json,
}

impl ClusterArgs {
    /// How the CIB is named in messages.
    pub fn describe(&self) -> String {
        match &self.cib {
            Some(path) => path.display().to_string(),
            None => "the live cluster".to_string(),
        }
    }

    /// A Pacemaker command aimed at this CIB (`CIB_file` for a file).
    pub fn command(&self, program: &str) -> Command {
        let mut command = Command::new(program);
        if let Some(path) = &self.cib {
            command.env("CIB_file", path);
        }
        command
    }

    /// The CIB as it is now.
    pub fn query(&self) -> Result<String, String> {
        if let Some(path) = &self.cib {
            return std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()));
        }
        let out = Command::new("cibadmin").arg("--query").output().map_err(|e| format!("cannot run cibadmin (install pacemaker-cli-utils): {e}"))?;
        if !out.status.success() {
            return Err(format!("cibadmin --query failed: {}", String::from_utf8_lossy(&out.stderr).trim()));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }
}

/// The version of a CIB text.
pub fn version_of(cib: &str) -> Result<CibVersion, String> {
    read_xml(cib).map(|root| CibVersion::of(&root)).map_err(|e| format!("the cluster's CIB cannot be read: {e}"))
}

/// A plan, made and reconciled with the scheduler.
pub struct Made {
    pub planned: Planned,
    /// The cluster's CIB the plan was made against.
    pub cluster: String,
}

/// Why making a plan failed, with the exit code.
pub struct Failure {
    pub code: u8,
    pub message: String,
}

impl Failure {
    fn usage(message: String) -> Failure {
        Failure { code: 2, message }
    }
}

/// Compiles the policy, compares it with the cluster's CIB and runs the scheduler.
pub fn make(files: &[PathBuf], cluster: &ClusterArgs, agents: &AgentArgs) -> Result<Made, Failure> {
    let cluster_text = cluster.query().map_err(Failure::usage)?;
    // A cluster on the Pacemaker 3 schema gets a configuration for Pacemaker 3.
    let target = match read_xml(&cluster_text).ok().and_then(|root| root.value("validate-with").map(str::to_string)) {
        Some(schema) if schema.starts_with("pacemaker-4") => Target::Pacemaker3,
        _ => Target::Pacemaker2,
    };
    let compiler = std::mem::ManuallyDrop::new(report::load(files, agents, target).map_err(Failure::usage)?);
    let cib = compiler.cib();
    let diagnostics = compiler.diagnostics();
    if !diagnostics.is_empty() {
        eprint!("{}", report::human(&compiler, diagnostics));
    }
    let Some(compiled) = cib else {
        return Err(Failure { code: 1, message: "the policy has errors; no plan was made".to_string() });
    };
    let model = compiler.model();
    let lookup = |spec: &str| model.agents.get(spec).map(|known| known.schema.clone());
    let mut planned = plan::plan(compiled, &cluster_text, &lookup).map_err(Failure::usage)?;
    let transition = simulate(&planned.simulation_cib).map_err(Failure::usage)?;
    planned.plan.reconcile(transition, &cluster_text);
    Ok(Made { planned, cluster: cluster_text })
}

/// Runs `crm_simulate -S` on the cluster's status with the new configuration.
fn simulate(cib: &str) -> Result<Vec<plan::TransitionAction>, String> {
    let file = TempFile::write("simulate", cib)?;
    let out = Command::new("crm_simulate")
        .arg("--xml-file")
        .arg(file.path())
        .args(["--simulate", "--output-as=xml"])
        .output()
        .map_err(|e| format!("cannot run crm_simulate (install pacemaker-cli-utils): {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    match plan::parse_simulation(&text) {
        Ok(actions) if out.status.success() => Ok(actions),
        Ok(_) => Err(format!("crm_simulate failed: {}", String::from_utf8_lossy(&out.stderr).trim())),
        Err(e) => Err(format!("{e}\n{}", String::from_utf8_lossy(&out.stderr).trim())),
    }
}

/// A file in the temporary directory, removed when dropped.
pub struct TempFile(PathBuf);

impl TempFile {
    pub fn write(purpose: &str, contents: &str) -> Result<TempFile, String> {
        use std::io::Write;
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
        let path = std::env::temp_dir().join(format!("hapolicy-{purpose}-{}-{nanos}.xml", std::process::id()));
        // A new file only: never write through a file (or link) someone else put there.
        let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(&path).map_err(|e| format!("cannot create {}: {e}", path.display()))?;
        let temp = TempFile(path);
        file.write_all(contents.as_bytes()).map_err(|e| format!("cannot write {}: {e}", temp.0.display()))?;
        Ok(temp)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

pub fn run(files: &[PathBuf], cluster: &ClusterArgs, agents: &AgentArgs, format: PlanFormat) -> u8 {
    let made = match make(files, cluster, agents) {
        Ok(made) => made,
        Err(failure) => {
            eprintln!("error: {}", failure.message);
            return failure.code;
        }
    };
    let plan = &made.planned.plan;
    match format {
        PlanFormat::Human => report::emit(plan.render_human().trim_end()),
        PlanFormat::Json => report::emit(&plan.to_json()),
    }
    u8::from(!plan.conflicts.is_empty())
}
