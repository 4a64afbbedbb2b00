//! The `hapolicy` command: a thin shell over the compiler.
//!
//! It owns what the compiler must not: reading files, rendering diagnostics for a terminal
//! (miette) or for tools (JSON), writing output atomically, and exit codes — 0 success, 1 the
//! input has errors, 2 usage or I/O errors. One file per subcommand.

mod agents;
mod build;
mod check;
mod explain;
mod fmt;
mod import;
mod lint;
mod migration;
mod output;
mod report;

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(name = "hapolicy", version, about = "A typed policy language for Pacemaker clusters: check policies and compile them to CIB XML")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum, Default)]
pub enum TargetArg {
    /// Pacemaker 2.1 (CIB schema pacemaker-3.9)
    #[default]
    #[value(name = "pacemaker-2")]
    Pacemaker2,
    /// Pacemaker 3.0 (CIB schema pacemaker-4.0)
    #[value(name = "pacemaker-3")]
    Pacemaker3,
}

impl From<TargetArg> for hapolicy_compiler::Target {
    fn from(t: TargetArg) -> Self {
        match t {
            TargetArg::Pacemaker2 => hapolicy_compiler::Target::Pacemaker2,
            TargetArg::Pacemaker3 => hapolicy_compiler::Target::Pacemaker3,
        }
    }
}

#[derive(Clone, Copy, ValueEnum, Default, PartialEq, Eq)]
pub enum Format {
    #[default]
    Human,
    Json,
    /// SARIF 2.1.0, for code-scanning views in CI.
    Sarif,
}

#[derive(Subcommand)]
enum Command {
    /// Compile policy files to one CIB (to OUT, written atomically, or to stdout).
    Build {
        #[arg(required = true)]
        files: Vec<std::path::PathBuf>,
        #[command(flatten)]
        agents: AgentArgs,
        /// Where to write the CIB; nothing is written when the policy has errors.
        #[arg(short, long)]
        output: Option<std::path::PathBuf>,
        /// The Pacemaker version the CIB is for.
        #[arg(long, value_enum, default_value_t)]
        target: TargetArg,
    },
    /// Check policy files and report every problem.
    Check {
        #[arg(required = true)]
        files: Vec<std::path::PathBuf>,
        #[command(flatten)]
        agents: AgentArgs,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
        #[arg(long, value_enum, default_value_t)]
        target: TargetArg,
    },
    /// Rewrite policy files in the canonical layout (comments are kept).
    Fmt {
        #[arg(required = true)]
        files: Vec<std::path::PathBuf>,
        /// Change nothing; exit 1 if a file is not formatted.
        #[arg(long)]
        check: bool,
    },
    /// Check existing CIB XML with the same checks, reported at the XML's lines.
    Lint {
        /// CIB files, or `-` for standard input.
        files: Vec<std::path::PathBuf>,
        /// Lint the running cluster's CIB (`cibadmin --query`).
        #[arg(long)]
        live: bool,
        #[command(flatten)]
        agents: AgentArgs,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// The live-migration checklist per resource, for a policy or a CIB (with its status).
    Migration {
        #[arg(required = true)]
        files: Vec<std::path::PathBuf>,
        #[command(flatten)]
        agents: AgentArgs,
        #[arg(long, value_enum, default_value_t)]
        format: migration::MigrationFormat,
    },
    /// Turn an existing CIB into a policy file.
    Import {
        cib: std::path::PathBuf,
        /// Where to write the policy (stdout otherwise).
        #[arg(short, long)]
        output: Option<std::path::PathBuf>,
        /// Overwrite OUTPUT if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Work with agent metadata.
    Agents {
        #[command(subcommand)]
        command: AgentsCommand,
    },
    /// Print the documentation of a diagnostic code (e.g. HP2001), or list every code.
    Explain {
        /// A code such as HP2001, or a name such as duplicate-operation; omit to list all.
        code: Option<String>,
    },
}

/// Where agent schemas come from, besides `agent` declarations and the built-in library.
#[derive(clap::Args)]
pub struct AgentArgs {
    /// Agent metadata XML files, or directories of them, named after their agent
    /// (`ocf:acme:Widget.xml`); they take precedence over installed agents.
    #[arg(long = "agents", value_name = "PATH")]
    pub paths: Vec<std::path::PathBuf>,
    /// Do not run the agents installed on this machine; use only declarations, --agents and the
    /// built-in library.
    #[arg(long)]
    pub no_installed_agents: bool,
}

#[derive(Subcommand)]
enum AgentsCommand {
    /// Turn agent metadata into `agent` declarations (the form of the built-in library).
    Import {
        /// NAME=FILE pairs, such as ocf:acme:Widget=widget.xml
        specs: Vec<String>,
        /// Every agent installed on this machine (OCF agents and fence agents).
        #[arg(long)]
        installed: bool,
        /// A directory to write one file per class and provider into; stdout otherwise.
        #[arg(short, long)]
        output: Option<std::path::PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { ExitCode::from(2) } else { ExitCode::SUCCESS };
        }
    };
    let code = match cli.command {
        Command::Build { files, agents, output, target } => build::run(&files, &agents, output.as_deref(), target.into()),
        Command::Check { files, agents, format, target } => check::run(&files, &agents, format, target.into()),
        Command::Agents { command: AgentsCommand::Import { specs, installed, output } } => agents::import(&specs, installed, output.as_deref()),
        Command::Explain { code } => explain::run(code.as_deref()),
        Command::Fmt { files, check } => fmt::run(&files, check),
        Command::Lint { files, live, agents, format } => lint::run(&files, live, &agents, format),
        Command::Migration { files, agents, format } => migration::run(&files, &agents, format),
        Command::Import { cib, output, force } => import::run(&cib, output.as_deref(), force),
    };
    ExitCode::from(code)
}
