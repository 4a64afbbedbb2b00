//! `hapolicy migration`: the live-migration checklist per resource, for a policy or a CIB (whose
//! status section adds the runtime conditions), in human or JSON form.

use std::path::PathBuf;

use hapolicy_compiler::analysis::migration;
use hapolicy_compiler::Target;

use crate::report;

#[derive(Clone, Copy, clap::ValueEnum, Default, PartialEq, Eq)]
pub enum MigrationFormat {
    #[default]
    Human,
    Json,
}

pub fn run(files: &[PathBuf], agents: &crate::AgentArgs, format: MigrationFormat) -> u8 {
    // The process ends right after: freeing the database item by item is wasted time.
    let compiler = match report::load(files, agents, Target::Pacemaker2) {
        Ok(c) => std::mem::ManuallyDrop::new(c),
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    // A policy with errors would be explained wrongly; a CIB is what the cluster runs, errors or not.
    let all_cibs = compiler.files().iter().all(|(path, text)| hapolicy_compiler::db::is_cib(path, text));
    let errors = report::errors(compiler.diagnostics());
    if errors > 0 && !all_cibs {
        eprint!("{}", report::human(&compiler, compiler.diagnostics()));
        eprintln!("error: fix the {errors} error(s) above first");
        return 1;
    }
    let analysis = migration::analyze_project(&compiler);
    match format {
        MigrationFormat::Json => report::emit(&analysis.to_json()),
        MigrationFormat::Human => report::emit(analysis.to_human().trim_end()),
    }
    0
}
