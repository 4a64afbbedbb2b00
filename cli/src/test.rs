//! `hapolicy test`: runs the policy's `test` blocks through Pacemaker's own scheduler.
//!
//! The compiler plans each test (`scenario::plan`) and judges it (`scenario::judge`); this file
//! only runs the processes: `crm_attribute` for node attributes between runs and
//! `crm_simulate --output-as=xml` for each run, in a scratch directory per test.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

use hapolicy_compiler::model::Model;
use hapolicy_compiler::scenario::judge::{givens_hold, judge, RunOutput, TestReport};
use hapolicy_compiler::scenario::plan::{
    anonymous_history, clear_fail_counts, copy_digests, inject_spec, iso_time, plan, restamp, share_digests, Run, RunKind,
};
use hapolicy_compiler::scenario::report::{render_human, render_json};
use hapolicy_compiler::span::LineIndex;
use hapolicy_compiler::syntax::ast::TestBlock;
use hapolicy_compiler::Target;

use crate::{config, report};

#[derive(Clone, Copy, clap::ValueEnum, Default, PartialEq, Eq)]
pub enum TestFormat {
    #[default]
    Human,
    Json,
}

/// Where a Pacemaker tool is installed.
fn tool(name: &str) -> Option<PathBuf> {
    ["/usr/sbin", "/usr/bin", "/sbin", "/bin"].iter().map(|dir| Path::new(dir).join(name)).find(|p| p.exists())
}

pub fn run(files: &[PathBuf], agents: &crate::AgentArgs, levels: &crate::LevelArgs, format: TestFormat, target: Target, keep: Option<&Path>) -> u8 {
    let levels = match config::levels_for(files, levels) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let compiler = match report::load(files, agents, target) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let diagnostics = levels.apply(compiler.diagnostics());
    if !diagnostics.is_empty() {
        eprint!("{}", report::human(&compiler, &diagnostics));
    }
    if report::errors(&diagnostics) > 0 {
        eprintln!("error: the policy has errors; no test was run");
        return 1;
    }
    let (Some(simulate), Some(attribute)) = (tool("crm_simulate"), tool("crm_attribute")) else {
        eprintln!("error: `crm_simulate` and `crm_attribute` are needed to run policy tests: install Pacemaker's command-line tools (`apt-get install pacemaker-cli-utils`)");
        return 2;
    };
    let cib = match compiler.cib() {
        Some(xml) => xml.to_string(),
        None => compiler.cib_despite_check_errors(),
    };
    let now = unix_now();
    let tools = Tools { simulate, attribute, now };
    let mut reports = Vec::new();
    for (index, (file, test)) in compiler.tests().iter().enumerate() {
        let (path, text) = compiler.file(*file).unwrap_or(("", ""));
        let line = LineIndex::new(text).line_col(text, test.span.start as usize).line;
        let scratch = match keep {
            Some(dir) => dir.join(format!("test-{}", index + 1)),
            None => std::env::temp_dir().join(format!("hapolicy-test-{}-{index}", std::process::id())),
        };
        let mut report = TestReport {
            name: test.name.text.to_string(),
            file: path.to_string(),
            line,
            passed: false,
            outcomes: Vec::new(),
            transition: Vec::new(),
            error: None,
        };
        match run_test(&tools, compiler.model(), &cib, test, text, &scratch) {
            Ok((outcomes, transition)) => {
                report.passed = outcomes.iter().all(|o| o.passed);
                report.outcomes = outcomes;
                report.transition = transition;
            }
            Err(error) => report.error = Some(error),
        }
        if keep.is_none() {
            let _ = std::fs::remove_dir_all(&scratch);
        }
        reports.push(report);
    }
    if reports.is_empty() {
        eprintln!("note: the files hold no `test` blocks");
    }
    match format {
        TestFormat::Human => print!("{}", render_human(&reports)),
        TestFormat::Json => println!("{}", render_json(&reports)),
    }
    if reports.iter().all(|r| r.passed) {
        0
    } else {
        1
    }
}

struct Tools {
    simulate: PathBuf,
    attribute: PathBuf,
    /// Seconds since 1970 when the run started: `time passes` counts from here.
    now: u64,
}

type Judged = (Vec<hapolicy_compiler::scenario::judge::Outcome>, Vec<String>);

fn run_test(tools: &Tools, model: &Model, cib: &str, test: &TestBlock, source: &str, scratch: &Path) -> Result<Judged, String> {
    let plan = plan(model, cib, test)?;
    std::fs::create_dir_all(scratch).map_err(|e| format!("cannot create {}: {e}", scratch.display()))?;
    let mut current = scratch.join("start.xml");
    std::fs::write(&current, &plan.start_cib).map_err(|e| format!("cannot write {}: {e}", current.display()))?;
    let mut outputs = Vec::new();
    let simulated_clock = plan.start_time.is_some() || plan.runs.iter().any(|r| r.elapsed_ms > 0);
    let start = plan.start_time.unwrap_or(tools.now);
    let mut clocks = Vec::new();
    for (i, run) in plan.runs.iter().enumerate() {
        let next = scratch.join(format!("run-{i}.xml"));
        let clock = simulated_clock.then(|| start + run.elapsed_ms / 1000);
        let real_start = unix_now();
        let xml = run_once(tools, run, clock, &current, &next)?;
        if let Some(at) = clock {
            // What this run injected or executed happened at the simulated time, not now.
            let saved = std::fs::read_to_string(&next).map_err(|e| format!("cannot read {}: {e}", next.display()))?;
            std::fs::write(&next, restamp(&saved, real_start, unix_now(), at, &clocks)).map_err(|e| format!("cannot write {}: {e}", next.display()))?;
            clocks.push(at);
        }
        outputs.push(RunOutput { label: run.label.clone(), judged: run.judged, xml });
        current = match run.kind {
            // The given state held while Pacemaker placed what the givens leave open: go on from there.
            RunKind::Digests if givens_hold(model, test, &outputs.last().map_or(String::new(), |o| o.xml.clone())) => next,
            // It did not: go on from the givens alone, so that the first judged transition shows
            // what Pacemaker does with them.
            RunKind::Digests => {
                let read = |p: &Path| std::fs::read_to_string(p).map_err(|e| format!("cannot read {}: {e}", p.display()));
                let patched = scratch.join(format!("run-{i}-given.xml"));
                std::fs::write(&patched, copy_digests(&read(&current)?, &read(&next)?)).map_err(|e| format!("cannot write {}: {e}", patched.display()))?;
                patched
            }
            RunKind::Record | RunKind::Simulate => next,
        };
    }
    let final_cib = std::fs::read_to_string(&current).map_err(|e| format!("cannot read {}: {e}", current.display()))?;
    Ok(judge(model, test, source, &outputs, &final_cib))
}

/// One run: attributes first (as the cluster's attribute manager would set them), then the
/// scheduler with the injections; returns crm_simulate's XML output.
fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

fn run_once(tools: &Tools, run: &Run, clock: Option<u64>, input: &Path, output: &Path) -> Result<String, String> {
    for change in &run.attributes {
        let status = Command::new(&tools.attribute)
            .env("CIB_file", input)
            .args(["-N", &change.node, "-n", &change.name, "-v", &change.value, "-l", "reboot"])
            .output()
            .map_err(|e| format!("cannot run crm_attribute: {e}"))?;
        if !status.status.success() {
            return Err(format!("crm_attribute could not set {} on {}: {}", change.name, change.node, String::from_utf8_lossy(&status.stderr).trim()));
        }
    }
    let simulate = |input: &Path, schedule: bool, injections: bool, output: &Path| -> Result<std::process::Output, String> {
        let mut command = Command::new(&tools.simulate);
        command.arg("-x").arg(input);
        if schedule {
            command.args(["-S", "-s"]).args(&run.args);
        }
        if let Some(at) = clock {
            command.arg("-t").arg(iso_time(at));
        }
        if injections {
            for injection in &run.injections {
                command.arg("-i").arg(inject_spec(injection));
            }
        }
        command.arg("-O").arg(output).arg("--output-as=xml");
        command.output().map_err(|e| format!("cannot run crm_simulate: {e}"))
    };
    let result = if run.kind == RunKind::Simulate && !run.injections.is_empty() {
        // Results are injected first, given the digests their operation records elsewhere,
        // and only then scheduled (see `share_digests`).
        let injected = output.with_extension("injected.xml");
        let first = simulate(input, false, true, &injected)?;
        if !first.status.success() || String::from_utf8_lossy(&first.stderr).contains("Invalid resource") {
            return Err(format!("crm_simulate failed in `{}`: {}", run.label, String::from_utf8_lossy(&first.stderr).trim()));
        }
        let saved = std::fs::read_to_string(&injected).map_err(|e| format!("cannot read {}: {e}", injected.display()))?;
        std::fs::write(&injected, share_digests(&saved)).map_err(|e| format!("cannot write {}: {e}", injected.display()))?;
        simulate(&injected, true, false, output)?
    } else {
        simulate(input, run.kind != RunKind::Record, run.kind == RunKind::Record, output)?
    };
    let stdout = String::from_utf8_lossy(&result.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&result.stderr);
    // crm_simulate reports an injection it cannot place on stderr and carries on.
    if !result.status.success() || stderr.contains("Invalid resource") {
        return Err(format!("crm_simulate failed in `{}`: {}", run.label, stderr.trim()));
    }
    if run.kind == RunKind::Simulate {
        let saved = std::fs::read_to_string(output).map_err(|e| format!("cannot read {}: {e}", output.display()))?;
        std::fs::write(output, clear_fail_counts(&saved, &stdout)).map_err(|e| format!("cannot write {}: {e}", output.display()))?;
    }
    if run.kind == RunKind::Record {
        // The givens' history, recorded as the cluster records anonymous clone instances.
        let saved = std::fs::read_to_string(output).map_err(|e| format!("cannot read {}: {e}", output.display()))?;
        std::fs::write(output, anonymous_history(&saved, &run.injections)).map_err(|e| format!("cannot write {}: {e}", output.display()))?;
    }
    Ok(stdout)
}
