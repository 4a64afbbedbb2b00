//! Agent metadata from the machine: running installed agents' `meta-data` (with a timeout and an
//! on-disk cache keyed by the agent's path, size and modification time), reading metadata files
//! the admin names, and `hapolicy agents import`, which turns metadata into the `agent`
//! declarations the stdlib is kept in.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use hapolicy_compiler::Compiler;

const TIMEOUT: Duration = Duration::from_secs(10);

fn ocf_root() -> PathBuf {
    std::env::var_os("OCF_ROOT").map_or_else(|| PathBuf::from("/usr/lib/ocf"), PathBuf::from)
}

fn cache_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("HAPOLICY_CACHE_DIR") {
        return Some(PathBuf::from(dir));
    }
    let base = std::env::var_os("XDG_CACHE_HOME").map(PathBuf::from).or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
    Some(base.join("hapolicy").join("agents"))
}

/// Runs a command with a time limit; returns its standard output when it succeeds in time.
fn run_with_timeout(command: &mut Command) -> Result<String, String> {
    let mut child = command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().map_err(|e| e.to_string())?;
    let mut stdout = child.stdout.take().ok_or("no output")?;
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });
    let start = Instant::now();
    loop {
        match child.try_wait().map_err(|e| e.to_string())? {
            Some(_) => break,
            None if start.elapsed() > TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("no answer within {}s", TIMEOUT.as_secs()));
            }
            None => std::thread::sleep(Duration::from_millis(5)),
        }
    }
    let text = reader.join().map_err(|_| "reading the output failed".to_string())?;
    if text.trim_start().starts_with('<') {
        Ok(text)
    } else {
        Err("the agent printed no metadata".to_string())
    }
}

/// The executable behind an agent name, and how to ask it for metadata.
fn locate(agent: &str) -> Option<(PathBuf, Command)> {
    let parts: Vec<&str> = agent.split(':').collect();
    match parts.as_slice() {
        ["ocf", provider, kind] => {
            let root = ocf_root();
            let path = root.join("resource.d").join(provider).join(kind);
            if !path.is_file() {
                return None;
            }
            let mut command = Command::new(&path);
            command
                .arg("meta-data")
                .env("OCF_ROOT", &root)
                .env("OCF_RA_VERSION_MAJOR", "1")
                .env("OCF_RA_VERSION_MINOR", "1")
                .env("OCF_RESOURCE_INSTANCE", "${OCF_RESOURCE_INSTANCE}")
                .env("OCF_RESOURCE_TYPE", kind)
                .env("OCF_RESOURCE_PROVIDER", provider);
            Some((path, command))
        }
        ["stonith", kind] => {
            let path = ["/usr/sbin", "/sbin", "/usr/bin"].iter().map(|d| Path::new(d).join(kind)).find(|p| p.is_file())?;
            // Through Pacemaker's fencer tool when it is there: it reports what Pacemaker itself
            // reads (the fencer supplies `action`, for one).
            let fencer = ["/usr/sbin/stonith_admin", "/sbin/stonith_admin"].iter().map(Path::new).find(|p| p.is_file());
            let command = match fencer {
                Some(admin) => {
                    let mut c = Command::new(admin);
                    c.args(["--metadata", "--agent", kind]);
                    c
                }
                None => {
                    let mut c = Command::new(&path);
                    c.args(["-o", "metadata"]);
                    c
                }
            };
            Some((path, command))
        }
        _ => None,
    }
}

/// Metadata of an installed agent, from the cache when the agent file has not changed.
pub fn installed_metadata(agent: &str) -> Option<Result<(String, String), String>> {
    let (path, mut command) = locate(agent)?;
    let meta = std::fs::metadata(&path).ok()?;
    let mtime = meta.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok()).map_or(0, |d| d.as_secs());
    let key = format!("{}-{}-{mtime}.xml", path.display().to_string().replace('/', "_"), meta.len());
    let cached = cache_dir().map(|d| d.join(&key));
    if let Some(text) = cached.as_ref().and_then(|c| std::fs::read_to_string(c).ok()) {
        return Some(Ok((path.display().to_string(), text)));
    }
    Some(match run_with_timeout(&mut command) {
        Ok(text) => {
            if let Some(cache) = cached {
                if let Some(parent) = cache.parent() {
                    let _ = std::fs::create_dir_all(parent);
                }
                let _ = crate::output::write_atomically(&cache, &text);
            }
            Ok((path.display().to_string(), text))
        }
        Err(e) => Err(format!("{}: {e}", path.display())),
    })
}

/// Agent metadata paths from the project's `hapolicy.conf` (`agents = PATH` lines; see `config`).
pub fn configured_paths(first_input: Option<&Path>) -> Result<Vec<PathBuf>, String> {
    crate::config::load(first_input).map(|c| c.agents)
}

/// Supplies metadata to the compiler: files the admin named first (their stem is the agent name,
/// e.g. `ocf:acme:Widget.xml`), then the installed agents the policy uses.
pub fn supply(compiler: &mut Compiler, paths: &[PathBuf], installed: bool) -> Result<(), String> {
    for path in paths {
        let files: Vec<PathBuf> = if path.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "xml"))
                .collect();
            entries.sort();
            entries
        } else {
            vec![path.clone()]
        };
        for file in files {
            let name = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            if name.split(':').count() < 2 {
                return Err(format!("{}: name metadata files after their agent, such as `ocf:acme:Widget.xml`", file.display()));
            }
            let xml = std::fs::read_to_string(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
            compiler.add_agent_metadata(&name, &file.display().to_string(), xml);
        }
    }
    if installed {
        for agent in compiler.referenced_agents() {
            match installed_metadata(&agent) {
                Some(Ok((origin, xml))) => compiler.add_agent_metadata(&agent, &origin, xml),
                Some(Err(e)) => eprintln!("warning: cannot read the metadata of {agent}: {e}"),
                None => {}
            }
        }
    }
    for (agent, origin, error) in compiler.metadata_errors() {
        eprintln!("warning: ignoring the metadata of {agent} from {origin}: {error}");
    }
    Ok(())
}

/// Every installed OCF agent and fence agent, as `class:provider:type` names.
fn installed_agents() -> Vec<String> {
    let mut names = Vec::new();
    if let Ok(providers) = std::fs::read_dir(ocf_root().join("resource.d")) {
        for provider in providers.filter_map(Result::ok) {
            let provider_name = provider.file_name().to_string_lossy().into_owned();
            if let Ok(agents) = std::fs::read_dir(provider.path()) {
                for agent in agents.filter_map(Result::ok) {
                    let path = agent.path();
                    let executable = std::os::unix::fs::PermissionsExt::mode(&match std::fs::metadata(&path) {
                        Ok(m) => m.permissions(),
                        Err(_) => continue,
                    }) & 0o111
                        != 0;
                    if path.is_file() && executable {
                        names.push(format!("ocf:{provider_name}:{}", agent.file_name().to_string_lossy()));
                    }
                }
            }
        }
    }
    if let Ok(entries) = std::fs::read_dir("/usr/sbin") {
        for entry in entries.filter_map(Result::ok) {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with("fence_") && !name.contains('.') {
                names.push(format!("stonith:{name}"));
            }
        }
    }
    names.sort();
    names
}

/// `hapolicy agents import`: metadata to `agent` declarations, one file per class and provider.
pub fn import(specs: &[String], installed: bool, out: Option<&Path>) -> u8 {
    let mut sources: Vec<(String, Result<String, String>)> = Vec::new();
    for spec in specs {
        let Some((name, file)) = spec.split_once('=') else {
            eprintln!("error: write NAME=FILE, such as ocf:acme:Widget=widget.xml (got `{spec}`)");
            return 2;
        };
        sources.push((name.to_string(), std::fs::read_to_string(file).map_err(|e| format!("cannot read {file}: {e}"))));
    }
    if installed {
        for agent in installed_agents() {
            if let Some(result) = locate(&agent).map(|(_, mut command)| run_with_timeout(&mut command)) {
                sources.push((agent, result));
            }
        }
    }
    let mut by_group: BTreeMap<String, String> = BTreeMap::new();
    let mut failures = 0;
    let mut count = 0;
    for (name, xml) in sources {
        let schema = xml.and_then(|x| hapolicy_compiler::agents::metadata::parse_metadata(&x).map_err(|e| e.message));
        match schema {
            Ok(schema) => {
                let group = name.rsplit_once(':').map_or(name.as_str(), |(g, _)| g).replace(':', "-");
                let text = by_group.entry(group).or_default();
                text.push_str(&hapolicy_compiler::model::agents::declaration(&name, &schema));
                text.push('\n');
                count += 1;
            }
            Err(e) => {
                eprintln!("warning: skipping {name}: {e}");
                failures += 1;
            }
        }
    }
    const HEADER: &str = "# Generated by `hapolicy agents import`: facts from the agents' metadata (names, types,\n# defaults, flags, actions and advised timeouts). Edit by regenerating, not by hand.\n\n";
    match out {
        Some(dir) => {
            if let Err(e) = std::fs::create_dir_all(dir) {
                eprintln!("error: cannot create {}: {e}", dir.display());
                return 2;
            }
            for (group, text) in &by_group {
                let path = dir.join(format!("{group}.hapolicy"));
                if let Err(e) = crate::output::write_atomically(&path, &format!("{HEADER}{text}")) {
                    eprintln!("error: cannot write {}: {e}", path.display());
                    return 2;
                }
            }
        }
        None => {
            let all: String = std::iter::once(HEADER).chain(by_group.values().map(String::as_str)).collect();
            crate::report::emit(all.trim_end());
        }
    }
    eprintln!("{count} agents imported, {failures} skipped");
    0
}
