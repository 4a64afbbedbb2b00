//! Pacemaker's scheduler as the judge of `hapolicy migration`: for every started resource of the
//! migration scenarios of Pacemaker's regression suite and of `fixtures/migration` (a primitive,
//! a group, or an anonymous clone's instance), ban it from its node, run `crm_simulate -S`, and —
//! where only that resource (or its group, or clone) moves — compare "the transition migrates it"
//! with the analysis' `will_migrate_alone`. Restart risks are
//! checked the same way: the resource and the dependency a risk names are banned together, and
//! the scheduler must restart the resource instead of migrating it.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use hapolicy_compiler::analysis::migration::{analyze_project, MigrationAnalysis, RiskKind};
use hapolicy_compiler::model::{Model, SymbolKind};
use hapolicy_compiler::{Compiler, Target};
use hapolicy_tests::*;

/// The corpus scenarios about migration: they mention allow-migrate or a remote connection.
fn corpus_scenarios() -> Vec<PathBuf> {
    let dir = root().join("..").join("shared").join("corpus").join("pacemaker-cts");
    assert!(dir.is_dir(), "{} is missing: the shared/ folder must sit beside the checkout", dir.display());
    files_with_extension(&dir, "xml")
        .into_iter()
        .filter(|p| {
            let text = std::fs::read_to_string(p).unwrap_or_default();
            text.contains("allow-migrate") || text.contains("type=\"remote\"") || text.contains("remote-node")
        })
        .collect()
}

/// The scenarios written for this suite: CIBs as they are, policies built and brought up (every
/// node online, then one simulated transition so that everything runs).
fn fixture_scenarios(scratch_dir: &Path) -> Vec<PathBuf> {
    let dir = fixtures("migration");
    let mut out = files_with_extension(&dir, "xml");
    for policy in files_with_extension(&dir, "hapolicy") {
        let compiler = compile(&policy, Target::Pacemaker2);
        let xml = compiler.cib().unwrap_or_else(|| panic!("{} does not build:\n{}", policy.display(), rendered_diagnostics(&compiler)));
        let stem = policy.file_stem().unwrap().to_string_lossy().into_owned();
        let start = scratch_dir.join(format!("{stem}.start.xml"));
        std::fs::write(&start, with_online_nodes(xml)).expect("write");
        let running = scratch_dir.join(format!("{stem}.xml"));
        simulate(&start, Some(&running));
        out.push(running);
    }
    out
}

/// `crm_simulate -x CIB -S`: the whole output. A simulated transition may end in "failed"
/// (an action it cannot run); the summary printed before that is what is compared.
fn simulate(cib: &Path, save: Option<&Path>) -> String {
    let mut command = Command::new(require_tool("crm_simulate"));
    command.arg("-x").arg(cib).arg("-S");
    if let Some(save) = save {
        command.arg("-O").arg(save);
    }
    let output = command.output().expect("crm_simulate runs");
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(text.contains("Transition Summary"), "crm_simulate did not plan a transition for {}: {}", cib.display(), String::from_utf8_lossy(&output.stderr));
    text
}

fn section<'a>(output: &'a str, title: &str, end: &str) -> Vec<&'a str> {
    output.lines().skip_while(|l| !l.starts_with(title)).skip(1).take_while(|l| !l.starts_with(end)).filter(|l| !l.trim().is_empty()).collect()
}

/// Transition summary lines as (action, resource, line), clone instance numbers stripped.
fn summary(output: &str) -> Vec<(String, String, String)> {
    section(output, "Transition Summary", "Executing")
        .into_iter()
        .filter_map(|line| {
            let mut words = line.trim().strip_prefix("* ")?.split_whitespace();
            let action = words.next()?.to_string();
            let rsc = words.next()?;
            let rsc = rsc.split(':').next().unwrap_or(rsc).to_string();
            Some((action, rsc, line.trim().to_string()))
        })
        .collect()
}

/// Primitives crm_simulate shows active on one node (`Started`, `Starting` or `FAILED NODE`) in
/// the current state.
fn started(output: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for line in section(output, "Current cluster status", "Transition Summary") {
        let Some(rest) = line.trim().strip_prefix("* ") else { continue };
        let Some(id) = rest.split_whitespace().next() else { continue };
        let Some((_, state)) = rest.split_once("):") else { continue };
        let state = state.trim();
        let Some(node) = ["Started ", "Starting ", "FAILED "].iter().find_map(|p| state.strip_prefix(p)) else { continue };
        let node = node.split_whitespace().next().unwrap_or("");
        if !node.starts_with('[') && !id.contains(':') {
            out.insert(id.to_string(), node.to_string());
        }
    }
    out
}

/// For each anonymous clone, a node where one of its instances is started (crm_simulate lists
/// them as `Started: [ n1 n2 ]` under `Clone Set: NAME [CHILD]:`).
fn clone_instances(output: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut clone: Option<String> = None;
    for line in section(output, "Current cluster status", "Transition Summary") {
        let line = line.trim().trim_start_matches("* ");
        if let Some(rest) = line.strip_prefix("Clone Set: ") {
            clone = rest.split_whitespace().next().map(str::to_string);
        } else if let (Some(name), Some(nodes)) = (&clone, line.strip_prefix("Started: [ ")) {
            if let Some(node) = nodes.split_whitespace().next() {
                out.entry(name.clone()).or_insert_with(|| node.to_string());
            }
        } else if !line.starts_with("Stopped") && !line.starts_with("Started") {
            clone = None;
        }
    }
    out
}

/// A copy of the CIB with `rsc` banned from `node`.
fn with_ban(cib: &str, rsc: &str, node: &str) -> String {
    let ban = format!("<rsc_location id=\"hapolicy-test-ban-{rsc}\" rsc=\"{rsc}\" node=\"{node}\" score=\"-INFINITY\"/>");
    if cib.contains("<constraints/>") {
        cib.replacen("<constraints/>", &format!("<constraints>{ban}</constraints>"), 1)
    } else if let Some(at) = cib.find("</constraints>") {
        format!("{}{ban}{}", &cib[..at], &cib[at..])
    } else {
        cib.replacen("</resources>", &format!("</resources><constraints>{ban}</constraints>"), 1)
    }
}

/// What can be banned: a primitive of its own, a group (its members all on one node), or an
/// anonymous clone from a node where an instance runs.
fn units(model: &Model, placement: &BTreeMap<String, String>, clones: &BTreeMap<String, String>) -> Vec<(String, Vec<String>, String)> {
    let mut out = Vec::new();
    let mut names: Vec<String> = model.symbols.keys().map(|k| k.to_string()).collect();
    names.sort();
    for name in &names {
        if model.parent.contains_key(name.as_str()) {
            continue;
        }
        let members = match model.kind_of(name) {
            Some(SymbolKind::Primitive) => vec![name.clone()],
            Some(SymbolKind::Group) => model.primitives_in(name),
            Some(SymbolKind::Clone) => {
                if let Some(node) = clones.get(name.as_str()) {
                    out.push((name.clone(), model.primitives_in(name), node.clone()));
                }
                continue;
            }
            _ => continue,
        };
        let nodes: BTreeSet<Option<&String>> = members.iter().map(|m| placement.get(m)).collect();
        if let [Some(node)] = nodes.into_iter().collect::<Vec<_>>().as_slice() {
            out.push((name.clone(), members, (*node).clone()));
        }
    }
    out
}

#[derive(Default)]
struct Tally {
    agree: usize,
    disagree: Vec<String>,
    missed_migrations: Vec<String>,
    others_move: usize,
    does_not_move: usize,
    already_changing: usize,
    /// Restart risks tested by moving the resource and its dependency together.
    risks_confirmed: usize,
    risks_refuted: Vec<String>,
    risks_skipped: usize,
}

/// Moves a resource and each dependency its restart risks name (ordered-after, not clones) at
/// once: the scheduler must restart the resource rather than migrate it.
fn judge_risks(
    cib: &Path,
    text: &str,
    analysis: &MigrationAnalysis,
    units: &[(String, Vec<String>, String)],
    before: &[(String, String, String)],
    dir: &Path,
    tally: &mut Tally,
) {
    let unit_of = |name: &str| units.iter().find(|(u, _, _)| u == name);
    for resource in analysis.resources.iter().filter(|r| r.will_migrate_alone) {
        let Some((_, _, node)) = unit_of(&resource.id) else { continue };
        for risk in resource.restart_risks.iter().filter(|r| r.kind == RiskKind::OrderedAfter) {
            let Some((dependency, members, dependency_node)) = unit_of(&risk.dependency) else {
                tally.risks_skipped += 1;
                continue;
            };
            if before.iter().any(|(_, r, _)| r == &resource.id || members.contains(r)) {
                tally.risks_skipped += 1;
                continue;
            }
            let banned = dir.join("banned-both.xml");
            std::fs::write(&banned, with_ban(&with_ban(text, &resource.id, node), dependency, dependency_node)).expect("write");
            let after: Vec<(String, String, String)> = summary(&simulate(&banned, None)).into_iter().filter(|line| !before.contains(line)).collect();
            let action_of =
                |name: &str| after.iter().find(|(a, r, _)| r == name && matches!(a.as_str(), "Migrate" | "Move" | "Recover")).map(|(a, _, _)| a.clone());
            let (Some(action), true) = (action_of(&resource.id), members.iter().any(|m| action_of(m).is_some())) else {
                tally.risks_skipped += 1;
                continue;
            };
            if action == "Migrate" {
                let lines: Vec<&str> = after.iter().map(|(_, _, l)| l.as_str()).collect();
                tally.risks_refuted.push(format!(
                    "{}: {} still migrates when {dependency} moves too\n    {}",
                    cib.file_name().unwrap().to_string_lossy(),
                    resource.id,
                    lines.join("\n    ")
                ));
            } else {
                tally.risks_confirmed += 1;
                if std::env::var_os("MIGRATION_VERBOSE").is_some() {
                    println!("risk confirmed {}: {} {action} when {dependency} moves too", cib.display(), resource.id);
                }
            }
        }
    }
}

fn judge(cib: &Path, dir: &Path, tally: &mut Tally) {
    let text = std::fs::read_to_string(cib).expect("read CIB");
    let mut compiler = Compiler::new(Target::Pacemaker2);
    compiler.set_file(&cib.file_name().unwrap().to_string_lossy(), text.clone());
    let analysis: MigrationAnalysis = analyze_project(&compiler);
    let baseline = simulate(cib, None);
    let before = summary(&baseline);
    let placement = started(&baseline);
    let units = units(compiler.model(), &placement, &clone_instances(&baseline));
    judge_risks(cib, &text, &analysis, &units, &before, dir, tally);
    for (unit, members, node) in units {
        if before.iter().any(|(_, r, _)| members.contains(r)) {
            tally.already_changing += 1;
            continue;
        }
        let banned = dir.join("banned.xml");
        std::fs::write(&banned, with_ban(&text, &unit, &node)).expect("write");
        let after: Vec<(String, String, String)> = summary(&simulate(&banned, None)).into_iter().filter(|line| !before.contains(line)).collect();
        if after.iter().any(|(_, r, _)| !members.contains(r)) {
            tally.others_move += 1;
            continue;
        }
        let moved: BTreeMap<&str, &str> =
            after.iter().filter(|(a, _, _)| matches!(a.as_str(), "Migrate" | "Move" | "Recover")).map(|(a, r, _)| (r.as_str(), a.as_str())).collect();
        if moved.is_empty() {
            tally.does_not_move += 1;
            continue;
        }
        let scenario = cib.file_name().unwrap().to_string_lossy();
        for member in &members {
            let Some(action) = moved.get(member.as_str()) else { continue };
            let migrated = *action == "Migrate";
            let predicted = analysis.resource(member).is_some_and(|r| r.will_migrate_alone);
            if migrated == predicted {
                tally.agree += 1;
                if std::env::var_os("MIGRATION_VERBOSE").is_some() {
                    println!("agree {scenario}: {member} (ban {unit} from {node}): scheduler {action}, will_migrate_alone={predicted}");
                }
            } else {
                let lines: Vec<&str> = after.iter().map(|(_, _, l)| l.as_str()).collect();
                let case = format!(
                    "{scenario}: {member} (ban {unit} from {node}): scheduler {action}, predicted will_migrate_alone={predicted}\n    {}",
                    lines.join("\n    ")
                );
                if migrated {
                    tally.missed_migrations.push(case.clone());
                }
                tally.disagree.push(case);
            }
        }
    }
}

/// Each written scenario's checklist, as `hapolicy migration` prints it, against its reviewed
/// `.expected` file (policies as written, CIBs with their status section).
#[test]
fn the_checklist_of_each_fixture_is_as_reviewed() {
    let dir = fixtures("migration");
    let mut failures = Vec::new();
    let mut inputs = files_with_extension(&dir, "hapolicy");
    inputs.extend(files_with_extension(&dir, "xml"));
    for input in &inputs {
        let compiler = compile(input, Target::Pacemaker2);
        let actual = analyze_project(&compiler).to_human();
        failures.extend(compare_expected(&input.with_extension("expected"), &actual));
    }
    println!("{} fixtures", inputs.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn will_migrate_alone_agrees_with_pacemakers_scheduler() {
    require_tool("crm_simulate");
    let dir = scratch("migration-differential");
    let mut scenarios = corpus_scenarios();
    let corpus = scenarios.len();
    scenarios.extend(fixture_scenarios(&dir));
    // Two workers: crm_simulate dominates the time, and the machine has two cores.
    let mut tally = Tally::default();
    let parts: Vec<Tally> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..2)
            .map(|worker| {
                let scenarios = &scenarios;
                let dir = dir.join(format!("worker{worker}"));
                scope.spawn(move || {
                    std::fs::create_dir_all(&dir).expect("scratch");
                    let mut part = Tally::default();
                    for cib in scenarios.iter().skip(worker).step_by(2) {
                        judge(cib, &dir, &mut part);
                    }
                    part
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().expect("worker")).collect()
    });
    for part in parts {
        tally.agree += part.agree;
        tally.disagree.extend(part.disagree);
        tally.missed_migrations.extend(part.missed_migrations);
        tally.others_move += part.others_move;
        tally.does_not_move += part.does_not_move;
        tally.already_changing += part.already_changing;
        tally.risks_confirmed += part.risks_confirmed;
        tally.risks_refuted.extend(part.risks_refuted);
        tally.risks_skipped += part.risks_skipped;
    }
    let compared = tally.agree + tally.disagree.len();
    println!("{} scenarios ({corpus} from Pacemaker's suite, {} written here)", scenarios.len(), scenarios.len() - corpus);
    println!("{}/{compared} agree", tally.agree);
    println!(
        "skipped: {} where other resources move too, {} where the resource does not move, {} already changing without the ban",
        tally.others_move, tally.does_not_move, tally.already_changing
    );
    for case in &tally.disagree {
        println!("DISAGREE {case}");
    }
    let risks = tally.risks_confirmed + tally.risks_refuted.len();
    println!("restart risks (ordered-after): {}/{risks} confirmed when the dependency moves too ({} not testable)", tally.risks_confirmed, tally.risks_skipped);
    for case in &tally.risks_refuted {
        println!("REFUTED {case}");
    }
    assert!(compared >= 40, "too few comparable cases ({compared}): the harness is not exercising the scheduler");
    assert!(tally.missed_migrations.is_empty(), "live migrations the analysis did not predict:\n{}", tally.missed_migrations.join("\n"));
    assert!(tally.agree * 100 >= compared * 98, "{}/{compared} agree, below 98%", tally.agree);
    assert!(risks >= 1 && tally.risks_confirmed * 100 >= risks * 98, "{}/{risks} restart risks confirmed, below 98%", tally.risks_confirmed);
}

/// The other direction: orderings the analysis does not count as restart risks (optional,
/// asymmetrical, or after a resource that migrates too) must really let the resource migrate
/// when both move.
#[test]
fn orderings_without_a_restart_risk_let_both_move_by_migration() {
    require_tool("crm_simulate");
    let dir = scratch("migration-no-risk");
    let running = fixture_scenarios(&dir).into_iter().find(|p| p.file_name().is_some_and(|n| n == "orders.xml")).expect("orders fixture");
    let text = std::fs::read_to_string(&running).expect("read");
    let mut compiler = Compiler::new(Target::Pacemaker2);
    compiler.set_file("orders.xml", text.clone());
    let analysis = analyze_project(&compiler);
    let placement = started(&simulate(&running, None));
    let mut checked = 0;
    for (dependent, dependency) in [("vm6", "opt-disk"), ("vm7", "asym-disk"), ("vm4", "vm3")] {
        let resource = analysis.resource(dependent).expect("analysed");
        assert!(resource.will_migrate_alone && resource.restart_risks.is_empty(), "{dependent}: {:?}", resource.restart_risks);
        let banned = dir.join("both.xml");
        std::fs::write(&banned, with_ban(&with_ban(&text, dependent, &placement[dependent]), dependency, &placement[dependency])).expect("write");
        let after = summary(&simulate(&banned, None));
        assert!(after.iter().any(|(a, r, _)| r == dependency && matches!(a.as_str(), "Move" | "Migrate")), "{dependency} must move: {after:?}");
        assert!(after.iter().any(|(a, r, _)| r == dependent && a == "Migrate"), "{dependent} must migrate when {dependency} moves too: {after:?}");
        checked += 1;
    }
    println!("{checked}/3 orderings without a restart risk migrate");
}
