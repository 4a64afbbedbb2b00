//! The `hapolicy` command: a thin shell over the compiler.
//!
//! It owns what the compiler must not: reading files, rendering diagnostics for a terminal
//! (miette) or for tools (JSON), writing output atomically, and exit codes — 0 success, 1 the
//! input has errors, 2 usage or I/O errors. One file per subcommand.

// Building a large CIB allocates millions of small strings and vectors: mimalloc makes that
// markedly cheaper than the system allocator (see BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod agents;
mod allocator;
mod apply;
mod build;
mod check;
mod config;
mod explain;
mod fmt;
mod import;
mod lint;
mod lsp;
mod migration;
mod output;
mod plan;
mod report;
mod test;

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
        #[command(flatten)]
        levels: LevelArgs,
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
        #[command(flatten)]
        levels: LevelArgs,
        #[command(flatten)]
        fix: FixArgs,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
        #[arg(long, value_enum, default_value_t)]
        target: TargetArg,
    },
    /// Run the policies' `test` blocks through Pacemaker's scheduler (crm_simulate).
    Test {
        #[arg(required = true)]
        files: Vec<std::path::PathBuf>,
        #[command(flatten)]
        agents: AgentArgs,
        #[command(flatten)]
        levels: LevelArgs,
        #[arg(long, value_enum, default_value_t)]
        format: test::TestFormat,
        #[arg(long, value_enum, default_value_t)]
        target: TargetArg,
        /// Keep each test's CIBs (start.xml, run-N.xml) in DIR/test-N, to replay them with crm_simulate.
        #[arg(long, value_name = "DIR")]
        keep: Option<std::path::PathBuf>,
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
        #[command(flatten)]
        levels: LevelArgs,
        #[command(flatten)]
        fix: FixArgs,
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
    /// Show what installing a policy would change on a cluster, and the transition Pacemaker
    /// would execute.
    Plan {
        #[arg(required = true)]
        files: Vec<std::path::PathBuf>,
        #[command(flatten)]
        cluster: plan::ClusterArgs,
        #[command(flatten)]
        agents: AgentArgs,
        #[arg(long, value_enum, default_value_t)]
        format: plan::PlanFormat,
    },
    /// Show the plan, ask, then replace the cluster's configuration with the policy's
    /// (`cibadmin --replace --scope configuration`).
    Apply {
        #[arg(required = true)]
        files: Vec<std::path::PathBuf>,
        #[command(flatten)]
        cluster: plan::ClusterArgs,
        #[command(flatten)]
        agents: AgentArgs,
        /// Apply without asking (required when standard input is not a terminal).
        #[arg(long)]
        yes: bool,
    },
    /// Work with agent metadata.
    Agents {
        #[command(subcommand)]
        command: AgentsCommand,
    },
    /// Run the language server on standard input and output (for editors).
    Lsp {
        /// Do not run the agents installed on this machine for their metadata.
        #[arg(long)]
        no_installed_agents: bool,
        /// Accepted for editors that pass it; stdio is the only transport.
        #[arg(long)]
        stdio: bool,
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

/// Lint levels for this run; they override the `[lints]` section of `hapolicy.conf`.
#[derive(clap::Args, Default)]
pub struct LevelArgs {
    /// Report CODE (`HP2016` or `role-needs-promotable`) as an error; `--deny warnings` makes every warning an error.
    #[arg(long, value_name = "CODE")]
    pub deny: Vec<String>,
    /// Report CODE as a warning.
    #[arg(long, value_name = "CODE")]
    pub warn: Vec<String>,
    /// Do not report CODE (syntax errors cannot be allowed).
    #[arg(long, value_name = "CODE")]
    pub allow: Vec<String>,
}

/// Applying the fixes diagnostics carry.
#[derive(clap::Args, Default, Clone, Copy)]
pub struct FixArgs {
    /// Apply every safe fix to the files (rewritten atomically), then report what remains.
    #[arg(long)]
    pub fix: bool,
    /// Apply unsafe fixes too (did-you-mean guesses, changes of behaviour); implies --fix. Review the diff.
    #[arg(long)]
    pub fix_unsafe: bool,
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
        Command::Build { files, agents, levels, output, target } => build::run(&files, &agents, &levels, output.as_deref(), target.into()),
        Command::Check { files, agents, levels, fix, format, target } => check::run(&files, &agents, &levels, fix, format, target.into()),
        Command::Agents { command: AgentsCommand::Import { specs, installed, output } } => agents::import(&specs, installed, output.as_deref()),
        Command::Explain { code } => explain::run(code.as_deref()),
        Command::Lsp { no_installed_agents, stdio: _ } => {
            allocator::purge_by_reset();
            lsp::run(no_installed_agents)
        }
        Command::Test { files, agents, levels, format, target, keep } => test::run(&files, &agents, &levels, format, target.into(), keep.as_deref()),
        Command::Fmt { files, check } => fmt::run(&files, check),
        Command::Lint { files, live, agents, levels, fix, format } => lint::run(&files, live, &agents, &levels, fix, format),
        Command::Migration { files, agents, format } => migration::run(&files, &agents, format),
        Command::Import { cib, output, force } => import::run(&cib, output.as_deref(), force),
        Command::Plan { files, cluster, agents, format } => plan::run(&files, &cluster, &agents, format),
        Command::Apply { files, cluster, agents, yes } => apply::run(&files, &cluster, &agents, yes),
    };
    ExitCode::from(code)
}
