//! `hapolicy plan` and `hapolicy apply` against Pacemaker's real tools.
//!
//! Every test starts from a running cluster: `tests/fixtures/plan/cluster.hapolicy` built, its
//! nodes brought online and its resources started by `crm_simulate -S -O`, then each start's
//! restart digest recorded the way Pacemaker's controller records it (crm_simulate's fake
//! executor does not, and without one Pacemaker never reloads). A fixture `NAME.hapolicy` is a
//! changed policy; `NAME.expected` is the reviewed plan hapolicy prints for it, including the
//! transition `crm_simulate` computes on the cluster's status with the new configuration.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic, clippy::indexing_slicing, reason = "tests")]

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use hapolicy_compiler::Target;
use hapolicy_tests::*;

/// The `hapolicy` binary, built by cargo when it is missing or stale (this crate cannot depend
/// on a binary crate).
fn hapolicy_binary() -> PathBuf {
    static BUILT: std::sync::Once = std::sync::Once::new();
    BUILT.call_once(|| {
        let status = Command::new(env!("CARGO")).args(["build", "-q", "-p", "hapolicy"]).current_dir(root()).status().expect("cargo runs");
        assert!(status.success(), "building the hapolicy binary failed");
    });
    // The test executable lives in target/<profile>/deps; the binary one level up.
    let exe = std::env::current_exe().expect("test executable");
    let binary = exe.parent().and_then(Path::parent).expect("target directory").join("hapolicy");
    assert!(binary.exists(), "{} is missing after cargo build", binary.display());
    binary
}

fn hapolicy(dir: &Path, args: &[&str]) -> Output {
    Command::new(hapolicy_binary()).args(args).env("HAPOLICY_CACHE_DIR", dir.join("cache")).stdin(Stdio::null()).output().expect("hapolicy runs")
}

fn text(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

/// A CIB file of `cluster.hapolicy` with every resource running; with `digests`, each start is
/// recorded with the restart digest the controller would write.
fn running_cluster(name: &str, digests: bool) -> (PathBuf, PathBuf) {
    running(&fixtures("plan").join("cluster.hapolicy"), name, digests)
}

/// A CIB file of a policy with every resource started by `crm_simulate`.
fn running(policy: &Path, name: &str, digests: bool) -> (PathBuf, PathBuf) {
    require_tool("crm_simulate");
    require_tool("cibadmin");
    let dir = scratch(&format!("plan-{name}"));
    let compiler = compile(policy, Target::Pacemaker2);
    let xml = compiler.cib().expect("the policy builds");
    let start = dir.join("start.xml");
    std::fs::write(&start, with_online_nodes(xml)).expect("write");
    let cib = dir.join("cib.xml");
    let summary = crm_simulate(&start, Some(&cib));
    for resource in compiler.model().primitives.keys() {
        assert!(summary.contains(&format!("Start      {resource}")), "{resource} starts:\n{summary}");
    }
    if digests {
        record_restart_digests(&cib, &compiler);
    }
    (dir, cib)
}

/// Adds `op-force-restart` and `op-restart-digest` to each start in the history, as Pacemaker's
/// controller does for agents that can reload: the parameters that force a restart (not
/// `reloadable` for reload-agent, `unique` for the legacy reload), and the digest of their
/// values, which `crm_resource --digests` computes from the history.
fn record_restart_digests(cib: &Path, compiler: &hapolicy_compiler::Compiler) {
    let model = compiler.model();
    for (name, _) in model.primitives.iter() {
        let schema = &model.agent_of(name).expect("agent known").schema;
        let forcing: Vec<&str> = if schema.supports_reload_agent() {
            schema.params.iter().filter(|p| !p.reloadable).map(|p| p.name.as_str()).collect()
        } else if schema.supports_legacy_reload() {
            schema.params.iter().filter(|p| p.unique).map(|p| p.name.as_str()).collect()
        } else {
            continue;
        };
        let xml = std::fs::read_to_string(cib).expect("read");
        let key = format!("operation_key=\"{name}_start_0\"");
        let at = xml.find(&key).unwrap_or_else(|| panic!("{name} has a start in the history"));
        let end = at + xml[at..].find("/>").expect("end of the operation");
        let node =
            xml[..at].rsplit("<node_state ").next().and_then(|s| s.split("uname=\"").nth(1)).and_then(|s| s.split('"').next()).expect("node").to_string();
        let marked = format!("{} op-force-restart=\" {} \" op-restart-digest=\"pending\"{}", &xml[..end], forcing.join(" "), &xml[end..]);
        std::fs::write(cib, marked).expect("write");
        let out = Command::new(require_tool("crm_resource"))
            .env("CIB_file", cib)
            .args(["--digests", "-r", name, "-N", &node, "--output-as=xml"])
            .output()
            .expect("crm_resource runs");
        let report = String::from_utf8_lossy(&out.stdout);
        let hash = report
            .split("type=\"nonreloadable\" hash=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap_or_else(|| panic!("crm_resource reports the restart digest of {name}: {report}"));
        let xml = std::fs::read_to_string(cib).expect("read").replacen("op-restart-digest=\"pending\"", &format!("op-restart-digest=\"{hash}\""), 1);
        std::fs::write(cib, xml).expect("write");
    }
}

/// Plans a fixture against a CIB; returns the JSON plan.
fn plan_json(dir: &Path, fixture: &str, cib: &Path) -> serde_json::Value {
    let policy = fixtures("plan").join(format!("{fixture}.hapolicy"));
    let out = hapolicy(dir, &["plan", policy.to_str().unwrap(), "--cib", cib.to_str().unwrap(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("plan prints JSON ({e}): {}", text(&out)))
}

fn change<'a>(plan: &'a serde_json::Value, resource: &str) -> &'a serde_json::Value {
    plan["changes"].as_array().expect("changes").iter().find(|c| c["resource"] == resource).unwrap_or_else(|| panic!("{resource} is in the plan: {plan:#}"))
}

/// The plan's prediction for `resource` is `effect`, and the scheduler's transition confirms it.
fn assert_confirmed(plan: &serde_json::Value, resource: &str, effect: &str, action: &str) {
    let c = change(plan, resource);
    assert_eq!(c["effect"], effect, "predicted effect of {resource}: {plan:#}");
    assert_eq!(c["scheduler"], effect, "the scheduler's effect on {resource}: {plan:#}");
    assert_eq!(c["agrees"], true);
    let actions: Vec<&serde_json::Value> = plan["transition"].as_array().expect("transition").iter().filter(|a| a["resource"] == resource).collect();
    assert!(actions.iter().any(|a| a["action"] == action), "the transition has `{action}` for {resource}: {plan:#}");
}

/// The human plan of every fixture matches its reviewed expectation.
#[test]
fn plans_match_their_reviewed_expectations() {
    let (dir, cib) = running_cluster("expected", true);
    let mut failures = Vec::new();
    let mut count = 0;
    for policy in files_with_extension(&fixtures("plan"), "hapolicy") {
        let out = hapolicy(&dir, &["plan", policy.to_str().unwrap(), "--cib", cib.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(0), "{}: {}", policy.display(), text(&out));
        count += 1;
        if let Some(diff) = compare_expected(&policy.with_extension("expected"), &String::from_utf8_lossy(&out.stdout)) {
            failures.push(diff);
        }
    }
    println!("{}/{count} plans match their expectations", count - failures.len());
    assert!(count >= 6, "the fixtures are there");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_non_reloadable_parameter_restarts() {
    let (dir, cib) = running_cluster("restart", true);
    let plan = plan_json(&dir, "restart", &cib);
    assert_confirmed(&plan, "web", "restart", "restart");
    let params = &change(&plan, "web")["params"];
    assert_eq!(params[0]["name"], "state");
    assert_eq!(params[0]["note"], "not reloadable");
    assert_eq!(plan["changes"].as_array().unwrap().len(), 1, "nothing else changes: {plan:#}");
}

#[test]
fn a_reloadable_parameter_of_a_reload_agent_agent_reloads() {
    let (dir, cib) = running_cluster("reload", true);
    let plan = plan_json(&dir, "reload", &cib);
    assert_confirmed(&plan, "web", "reload", "reload");
    assert_eq!(change(&plan, "web")["params"][0]["note"], "reloadable");
}

#[test]
fn a_non_unique_parameter_of_a_legacy_reload_agent_reloads() {
    let (dir, cib) = running_cluster("legacy", true);
    let plan = plan_json(&dir, "legacy-reload", &cib);
    assert_confirmed(&plan, "legacy", "reload", "reload");
}

#[test]
fn moving_a_migratable_vm_migrates() {
    let (dir, cib) = running_cluster("migrate", true);
    let plan = plan_json(&dir, "migrate", &cib);
    assert_confirmed(&plan, "vm", "migrate", "migrate");
    let migration = plan["transition"].as_array().unwrap().iter().find(|a| a["resource"] == "vm").unwrap();
    assert_eq!((migration["from"].as_str(), migration["to"].as_str()), (Some("n1"), Some("n2")));
    assert_eq!(plan["constraints"][0]["id"], "vm-placement");
}

#[test]
fn without_a_recorded_restart_digest_the_scheduler_restarts_and_the_plan_says_why() {
    // crm_simulate's own history has no restart digests: the prediction (reload) and the
    // scheduler (restart) disagree, and the plan explains it from the history.
    let (dir, cib) = running_cluster("no-digest", false);
    let plan = plan_json(&dir, "reload", &cib);
    let web = change(&plan, "web");
    assert_eq!(web["effect"], "reload");
    assert_eq!(web["scheduler"], "restart");
    assert_eq!(web["agrees"], false);
    assert!(web["note"].as_str().unwrap().contains("without a restart digest"), "{web:#}");
}

/// A VM with allow-migrate is not predicted to migrate when a filesystem it is ordered after
/// moves with it: the scheduler stops and starts it, and the plan said so, naming the ordering.
#[test]
fn a_migration_blocked_by_an_ordering_is_predicted_as_a_restart() {
    let dir = fixtures("plan").join("blocked-migration");
    let (scratch_dir, cib) = running(&dir.join("cluster.hapolicy"), "blocked", true);
    let policy = dir.join("moved.hapolicy");
    let out = hapolicy(&scratch_dir, &["plan", policy.to_str().unwrap(), "--cib", cib.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let human = String::from_utf8_lossy(&out.stdout);
    if let Some(diff) = compare_expected(&dir.join("moved.expected"), &human) {
        panic!("{diff}");
    }
    let out = hapolicy(&scratch_dir, &["plan", policy.to_str().unwrap(), "--cib", cib.to_str().unwrap(), "--format", "json"]);
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let vm = change(&plan, "vm");
    assert_eq!((vm["effect"].as_str(), vm["scheduler"].as_str(), vm["agrees"].as_bool()), (Some("restart"), Some("restart"), Some(true)), "{plan:#}");
    assert!(vm["reason"].as_str().unwrap().contains("fs-then-vm orders it after fs"), "{vm:#}");
    let moves: Vec<&str> = plan["transition"].as_array().unwrap().iter().filter_map(|a| a["action"].as_str()).collect();
    assert_eq!(moves, vec!["move", "move"], "both move by stop and start: {plan:#}");
}

/// The CIB's version as `admin_epoch.epoch.num_updates`.
fn version(cib: &Path) -> (u64, u64, u64) {
    let xml = std::fs::read_to_string(cib).expect("read");
    let root = hapolicy_compiler::cib::read_xml(&xml).expect("the CIB reads");
    let v = hapolicy_compiler::plan::CibVersion::of(&root);
    (v.admin_epoch, v.epoch, v.num_updates)
}

#[test]
fn apply_installs_the_configuration_with_cibadmin_and_a_second_plan_shows_no_changes() {
    let (dir, cib) = running_cluster("apply", true);
    let before = version(&cib);
    let policy = fixtures("plan").join("apply.hapolicy");
    let out = hapolicy(&dir, &["apply", policy.to_str().unwrap(), "--cib", cib.to_str().unwrap(), "--yes"]);
    let output = text(&out);
    assert_eq!(out.status.code(), Some(0), "{output}");
    assert!(output.contains("ok web: reload") && output.contains("ok vm: migrate") && output.contains("ok extra: start"), "{output}");
    let after = version(&cib);
    assert!(after.1 > before.1, "the epoch advances: {before:?} -> {after:?}");
    assert!(output.contains(&format!("CIB version {}.{}.{} -> {}.{}.{}", before.0, before.1, before.2, after.0, after.1, after.2)), "{output}");

    let (code, verify) = crm_verify(&cib);
    assert_eq!(code, 0, "crm_verify passes on the applied CIB:\n{verify}");
    let xml = std::fs::read_to_string(&cib).unwrap();
    assert!(xml.contains("name=\"no-quorum-policy\" value=\"freeze\"") && xml.contains("<primitive id=\"extra\""), "{xml}");
    assert!(xml.contains("<node_state "), "the status section is kept");

    // The configuration now matches the policy; the transition still lists what the cluster has
    // not yet done (a CIB file has no controller to act on it).
    let second = plan_json(&dir, "apply", &cib);
    for section in ["changes", "constraints", "properties", "nodes", "other"] {
        assert_eq!(second[section].as_array().map(Vec::len), Some(0), "no {section} on the second plan: {second:#}");
    }
    let again = hapolicy(&dir, &["plan", policy.to_str().unwrap(), "--cib", cib.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&again.stdout).starts_with("No changes"), "{}", text(&again));

    // Once the cluster has carried out the transition, nothing is left to do.
    let settled = dir.join("settled.xml");
    crm_simulate(&cib, Some(&settled));
    let last = plan_json(&dir, "apply", &settled);
    assert_eq!(last["transition"].as_array().map(Vec::len), Some(0), "{last:#}");
    let nothing = hapolicy(&dir, &["apply", policy.to_str().unwrap(), "--cib", settled.to_str().unwrap(), "--yes"]);
    assert_eq!(nothing.status.code(), Some(0));
    assert!(text(&nothing).contains("Nothing to apply."), "{}", text(&nothing));
    assert_eq!(version(&settled).1, version(&cib).1, "nothing applied, nothing changed");
}

#[test]
fn apply_without_yes_refuses_when_standard_input_is_not_a_terminal() {
    let (dir, cib) = running_cluster("no-terminal", true);
    let before = std::fs::read_to_string(&cib).unwrap();
    let policy = fixtures("plan").join("reload.hapolicy");
    let out = hapolicy(&dir, &["apply", policy.to_str().unwrap(), "--cib", cib.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("pass --yes"), "{}", text(&out));
    assert_eq!(std::fs::read_to_string(&cib).unwrap(), before, "the CIB is untouched");
}

/// Runs `apply` on a pseudo-terminal (through `script`), and changes the CIB while it waits for
/// the answer: apply must notice and refuse.
#[test]
fn apply_refuses_when_the_cib_changed_since_the_plan() {
    let (dir, cib) = running_cluster("changed", true);
    let policy = fixtures("plan").join("reload.hapolicy");
    let command = format!("{} apply {} --cib {}", hapolicy_binary().display(), policy.display(), cib.display());
    let mut child = Command::new(require_tool("script"))
        .args(["-qec", &command, "/dev/null"])
        .env("HAPOLICY_CACHE_DIR", dir.join("cache"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("script runs");
    let mut stdout = child.stdout.take().unwrap();
    let mut seen = Vec::new();
    let mut buffer = [0u8; 4096];
    while !String::from_utf8_lossy(&seen).contains("Only `yes` is accepted") {
        let n = stdout.read(&mut buffer).expect("read");
        assert!(n > 0, "apply asks before applying: {}", String::from_utf8_lossy(&seen));
        seen.extend_from_slice(&buffer[..n]);
    }
    // Someone else changes the cluster meanwhile.
    let status =
        Command::new(require_tool("crm_attribute")).env("CIB_file", &cib).args(["-n", "cluster-name", "-v", "other"]).status().expect("crm_attribute runs");
    assert!(status.success());
    let changed = std::fs::read_to_string(&cib).unwrap();
    child.stdin.as_mut().unwrap().write_all(b"yes\n").expect("answer");
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).expect("read");
    let status = child.wait().expect("apply ends");
    assert_eq!(status.code(), Some(1), "{rest}");
    assert!(rest.contains("changed since the plan was made"), "{rest}");
    assert_eq!(std::fs::read_to_string(&cib).unwrap(), changed, "nothing was applied");
}

/// `--live` asks `cibadmin`; with `CIB_file` set, cibadmin (and so hapolicy) works on that file
/// exactly as on a running cluster.
#[test]
fn live_goes_through_cibadmin() {
    let (dir, cib) = running_cluster("live", true);
    let policy = fixtures("plan").join("reload.hapolicy");
    let live = |args: &[&str]| {
        Command::new(hapolicy_binary())
            .args(args)
            .env("CIB_file", &cib)
            .env("HAPOLICY_CACHE_DIR", dir.join("cache"))
            .stdin(Stdio::null())
            .output()
            .expect("hapolicy runs")
    };
    let out = live(&["plan", policy.to_str().unwrap(), "--live", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let through_cibadmin: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(through_cibadmin, plan_json(&dir, "reload", &cib), "the same plan as from the file");

    let epoch = version(&cib).1;
    let out = live(&["apply", policy.to_str().unwrap(), "--live", "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(version(&cib).1 > epoch, "applied through cibadmin");
    assert!(std::fs::read_to_string(&cib).unwrap().contains("name=\"fake\" value=\"2\""));
}

/// The plan compares meaning, not bytes: each CIB of Pacemaker's scheduler regression suite,
/// imported and rebuilt (new nvpair ids, attribute order, canonical values), plans no change
/// against the original.
#[test]
fn rebuilt_corpus_cibs_plan_no_changes_against_their_originals() {
    use hapolicy_compiler::cib::{generate, read_xml, to_xml};
    let dir = root().join("..").join("shared").join("corpus").join("pacemaker-cts");
    assert!(dir.is_dir(), "{} is missing: the shared/ folder must sit beside the checkout", dir.display());
    let files = files_with_extension(&dir, "xml");
    let mut differing = Vec::new();
    for file in &files {
        let original = std::fs::read_to_string(file).unwrap();
        let Ok(root) = read_xml(&original) else {
            differing.push(format!("{}: unreadable", file.display()));
            continue;
        };
        let policy = hapolicy_compiler::import::render(&hapolicy_compiler::import::import(root, &original));
        let mut compiler = hapolicy_compiler::Compiler::new(Target::Pacemaker2);
        compiler.set_file("imported.hapolicy", policy);
        // Rebuild even where the policy has findings, as the import corpus test does.
        let rebuilt = to_xml(&generate(compiler.model(), Target::Pacemaker2));
        let model = compiler.model();
        let lookup = |spec: &str| model.agents.get(spec).map(|k| k.schema.clone());
        match hapolicy_compiler::plan::plan(&rebuilt, &original, &lookup) {
            Ok(planned) if planned.plan.is_empty() => {}
            Ok(planned) => differing.push(format!("{}:\n{}", file.display(), planned.plan.render_human())),
            Err(e) => differing.push(format!("{}: {e}", file.display())),
        }
    }
    let same = files.len() - differing.len();
    println!("{same}/{} rebuilt corpus CIBs plan no changes against their originals", files.len());
    for d in differing.iter().take(15) {
        println!("{d}");
    }
    // At least 99%. The known difference: date-1.xml, whose node has two rule-based attribute
    // sets of equal score, which the rebuilt CIB orders by explicit scores.
    assert!(same * 100 >= files.len() * 99, "{same}/{} below 99%", files.len());
}
