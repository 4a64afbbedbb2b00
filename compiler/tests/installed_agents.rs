//! Runs every installed OCF resource agent with `meta-data`, as Pacemaker's executor does, and
//! reads each answer with `parse_metadata`. Fence agents and Pacemaker's daemons, which print
//! the same format, are read too when they are installed.
//!
//! The OCF agents are required: without them this fails with an install hint rather than
//! passing vacuously.
#![allow(clippy::panic, clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing, reason = "a test reports failures by panicking")]

use std::collections::BTreeMap;
use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use hapolicy_compiler::agents::metadata::parse_metadata;
use hapolicy_compiler::agents::{AgentSchema, ContentType};

const OCF_ROOT: &str = "/usr/lib/ocf";
const TIMEOUT: Duration = Duration::from_secs(10);
const INSTALL_HINT: &str = "install the agents with `apt-get install -y resource-agents pacemaker-resource-agents` \
                            (these tests run the real agents and never skip)";

/// Runs a command with stdin and stderr closed, returning its stdout if it exits with 0 within the timeout.
fn run(mut command: Command) -> Result<String, String> {
    command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::null());
    let mut child = command.spawn().map_err(|e| format!("cannot run: {e}"))?;
    let mut stdout = child.stdout.take().ok_or("no stdout")?;
    // Read on another thread so a large answer cannot fill the pipe while we wait.
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let result = stdout.read_to_end(&mut bytes).map(|_| bytes);
        let _ = sender.send(result);
    });
    let deadline = Instant::now() + TIMEOUT;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(10)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("timed out after {TIMEOUT:?}"));
            }
            Err(e) => return Err(format!("cannot wait: {e}")),
        }
    };
    // A background process left holding the pipe must not hang the test.
    let bytes = match receiver.recv_timeout(TIMEOUT) {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(e)) => return Err(format!("cannot read its output: {e}")),
        Err(_) => return Err("its output was not closed".to_string()),
    };
    if !status.success() {
        return Err(format!("exited with {status}"));
    }
    String::from_utf8(bytes).map_err(|e| format!("output is not UTF-8: {e}"))
}

fn is_executable_file(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// The sorted entries of a directory, without hidden ones (Pacemaker ignores those too).
fn entries(dir: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')))
        .collect();
    paths.sort();
    paths
}

/// Parses every executable under `/usr/lib/ocf/resource.d/*/`, keyed `provider:type`.
fn installed_ocf_agents() -> BTreeMap<String, AgentSchema> {
    let root = Path::new(OCF_ROOT).join("resource.d");
    let heartbeat = root.join("heartbeat");
    assert!(heartbeat.is_dir(), "{} is missing: {INSTALL_HINT}", heartbeat.display());

    let mut parsed = BTreeMap::new();
    let mut failures = Vec::new();
    let mut total = 0;
    for provider_dir in entries(&root).into_iter().filter(|p| p.is_dir()) {
        let provider = provider_dir.file_name().unwrap().to_string_lossy().into_owned();
        for agent in entries(&provider_dir).into_iter().filter(|p| is_executable_file(p)) {
            total += 1;
            let kind = agent.file_name().unwrap().to_string_lossy().into_owned();
            let key = format!("{provider}:{kind}");
            let mut command = Command::new(&agent);
            command
                .arg("meta-data")
                .env("OCF_ROOT", OCF_ROOT)
                .env("OCF_RA_VERSION_MAJOR", "1")
                .env("OCF_RA_VERSION_MINOR", "1")
                .env("OCF_RESOURCE_PROVIDER", &provider)
                .env("OCF_RESOURCE_TYPE", &kind);
            match run(command).and_then(|xml| parse_metadata(&xml).map_err(|e| e.to_string())) {
                Ok(schema) => {
                    parsed.insert(key, schema);
                }
                Err(e) => failures.push(format!("ocf:{key}: {e}")),
            }
        }
    }
    println!("{}/{total} agents parsed", parsed.len());
    assert!(failures.is_empty(), "{} of {total} agents failed:\n{}", failures.len(), failures.join("\n"));
    assert!(total > 0, "no executable agents under {}: {INSTALL_HINT}", root.display());
    parsed
}

fn agent<'a>(agents: &'a BTreeMap<String, AgentSchema>, key: &str) -> &'a AgentSchema {
    agents.get(key).unwrap_or_else(|| panic!("ocf:{key} is not installed: {INSTALL_HINT}"))
}

#[test]
fn every_installed_ocf_agent_parses() {
    let agents = installed_ocf_agents();

    let ipaddr2 = agent(&agents, "heartbeat:IPaddr2");
    let ip = ipaddr2.param("ip").expect("IPaddr2 has `ip`");
    assert!(ip.required && ip.unique, "{ip:?}");
    assert_eq!(ip.content, ContentType::String);
    assert!(ipaddr2.shortdesc.is_some() && ipaddr2.longdesc.is_some());

    let virtual_domain = agent(&agents, "heartbeat:VirtualDomain");
    assert!(virtual_domain.advertises("migrate_to") && virtual_domain.advertises("migrate_from"));
    assert!(virtual_domain.migratable());
    assert_eq!(virtual_domain.ocf_version, "1.0");

    let dummy = agent(&agents, "pacemaker:Dummy");
    assert_eq!(dummy.ocf_version, "1.1");
    assert!(dummy.supports_reload_agent());
    assert!(!dummy.supports_legacy_reload());
    let reloadable: Vec<&str> = dummy.params.iter().filter(|p| p.reloadable).map(|p| p.name.as_str()).collect();
    assert!(reloadable.contains(&"fake") && reloadable.contains(&"op_sleep"), "{reloadable:?}");
    assert_eq!(dummy.param("state").and_then(|p| p.unique_group.as_deref()), Some("state"));
    assert!(dummy.is_private("passwd"), "no explicit private parameters, so `passwd` is");

    let stateful = agent(&agents, "pacemaker:Stateful");
    assert!(stateful.promotable());
    let roles: Vec<_> = stateful.action("monitor").filter_map(|a| a.role.as_deref()).collect();
    assert!(roles.contains(&"Promoted") && roles.contains(&"Unpromoted"), "{roles:?}");

    let heartbeat_dummy = agent(&agents, "heartbeat:Dummy");
    assert!(heartbeat_dummy.supports_legacy_reload() && !heartbeat_dummy.supports_reload_agent());

    if let Some(sysinfo) = agents.get("pacemaker:SysInfo") {
        assert!(sysinfo.params.iter().any(|p| matches!(p.content, ContentType::Select(ref o) if !o.is_empty())));
    }
}

/// Fence agents (`fence_* -o metadata`) print the same format; those without metadata
/// (`fence_ack_manual` prints usage) are listed, not failed. Fails when none are installed.
#[test]
fn installed_fence_agents_parse() {
    let mut agents: Vec<PathBuf> = std::fs::read_dir("/usr/sbin").map(|dir| dir.filter_map(|e| e.ok().map(|e| e.path())).collect()).unwrap_or_default();
    agents.retain(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("fence_")) && is_executable_file(p));
    agents.sort();
    assert!(
        agents.len() > 10,
        "no fence agents in /usr/sbin: install them with `apt-get install -y fence-agents` (these tests run the real agents and never skip)"
    );
    let (mut parsed, mut no_metadata, mut failures) = (0, Vec::new(), Vec::new());
    for agent in &agents {
        let mut command = Command::new(agent);
        command.args(["-o", "metadata"]);
        let name = agent.file_name().unwrap().to_string_lossy().into_owned();
        match run(command) {
            Ok(xml) if !xml.contains("<resource-agent") => no_metadata.push(name),
            Ok(xml) => match parse_metadata(&xml) {
                Ok(schema) => {
                    parsed += 1;
                    assert!(!schema.params.is_empty(), "{name} has no parameters");
                }
                Err(e) => failures.push(format!("{name}: {e}")),
            },
            Err(_) => no_metadata.push(name),
        }
    }
    println!("{parsed}/{} fence agents parsed; without metadata: {no_metadata:?}", agents.len());
    assert!(failures.is_empty(), "fence agents failed:\n{}", failures.join("\n"));
}

/// Pacemaker's daemons describe their cluster options in the same format (types such as
/// `percentage` are kept as `Other`). Fails when a daemon is not installed.
#[test]
fn pacemaker_option_metadata_parses() {
    let mut parsed = 0;
    for daemon in ["pacemaker-schedulerd", "pacemaker-controld", "pacemaker-based", "pacemaker-fenced"] {
        let path = Path::new("/usr/lib/pacemaker").join(daemon);
        assert!(is_executable_file(&path), "{} is missing: install pacemaker (apt-get install -y pacemaker-cli-utils pulls it in)", path.display());
        let mut command = Command::new(&path);
        command.arg("metadata");
        let xml = run(command).unwrap_or_else(|e| panic!("{daemon} metadata: {e}"));
        let schema = parse_metadata(&xml).unwrap_or_else(|e| panic!("{daemon}: {e}"));
        assert!(!schema.params.is_empty(), "{daemon} lists no options");
        parsed += 1;
        if daemon == "pacemaker-schedulerd" {
            let policy = schema.param("no-quorum-policy").expect("no-quorum-policy");
            assert!(matches!(&policy.content, ContentType::Select(o) if o.iter().any(|v| v == "freeze")), "{policy:?}");
        }
    }
    println!("{parsed} Pacemaker daemons' option metadata parsed");
}
