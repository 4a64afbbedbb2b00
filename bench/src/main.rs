//! `hapolicy-bench`: time `hapolicy build`, `check`, `fmt`, `lint` and `import` on generated
//! policies of several sizes, next to Pacemaker's `crm_verify -x` on the CIB that `hapolicy build`
//! produced, crmsh's `crm configure verify` on it where crmsh is installed (once per size up to
//! `--crmsh-max`, it is slow), and `xmllint --noout` merely parsing that CIB (the floor of any tool
//! reading it).
//!
//! ```text
//! hapolicy-bench [--sizes 1000,10000,50000] [--runs 3] [--crm-verify-runs R] [--hapolicy PATH] [--keep]
//! hapolicy-bench --print-policy N          # write the generated policy to stdout
//! ```
//!
//! Each command is run `--runs` times; the table shows the median wall time and the largest
//! peak RSS (measured with `/usr/bin/time -f %M` when it exists). crm_verify checks the CIB as
//! built; with `--live` it gets a copy with `have-quorum="1"` and a `node_state` per node (all
//! online members, each with the `pingd` attribute the ping clone maintains), so that it runs the
//! scheduler over a live-looking cluster instead of stopping at "no quorum".

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use hapolicy_bench::generate;

const USAGE: &str = "\
usage: hapolicy-bench [--sizes N[,N...]] [--runs R] [--crm-verify-runs R] [--crmsh-max N] [--live] [--lsp [--lsp-edits E]] [--plot FILE.png] [--hapolicy PATH] [--keep]
       hapolicy-bench --only-lsp [--sizes N[,N...]] [--lsp-edits E]
       hapolicy-bench --print-policy N

  --sizes            numbers of primitives to generate (default 1000,10000,50000; crm_verify
                     alone takes minutes at 50000)
  --runs             runs per command; the median wall time is reported (default 3)
  --crm-verify-runs  runs of crm_verify (default: --runs)
  --crmsh-max        largest size at which crmsh's `crm configure verify` is timed, once, when crmsh
                     is installed (default 2000; it takes about 20 minutes at 10000; 0 never runs it)
  --live           give crm_verify a status with every node online: it then schedules the whole
                   cluster (hours at 10000 primitives) instead of checking the CIB as built
  --plot FILE.png    draw time against size for every command and crm_verify (needs gnuplot)
  --lsp              also measure the language server: edit-to-diagnostics and completion latency
  --only-lsp         measure only the language server
  --lsp-edits        edits and completion requests per size (default 20; medians are reported)
  --hapolicy         the hapolicy binary (default: `hapolicy` next to this binary)
  --keep             keep the temporary directory with the policies and CIBs
  --print-policy     print the generated policy with N primitives and exit";

struct Options {
    sizes: Vec<usize>,
    runs: usize,
    verify_runs: Option<usize>,
    /// crmsh's `crm configure verify` runs (once) at sizes up to this; it is slow.
    crmsh_max: usize,
    live: bool,
    hapolicy: Option<PathBuf>,
    keep: bool,
    print_policy: Option<usize>,
    lsp: bool,
    only_lsp: bool,
    plot: Option<PathBuf>,
    lsp_edits: usize,
}

fn parse_args() -> Result<Options, String> {
    let mut opts = Options {
        sizes: vec![1000, 10000, 50000],
        runs: 3,
        verify_runs: None,
        crmsh_max: 2_000,
        live: false,
        hapolicy: None,
        keep: false,
        print_policy: None,
        lsp: false,
        only_lsp: false,
        lsp_edits: 20,
        plot: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        // Accept both `--flag value` and `--flag=value`.
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| -> Result<String, String> { inline.clone().or_else(|| args.next()).ok_or_else(|| format!("{name} needs a value")) };
        match flag.as_str() {
            "--sizes" => {
                let v = value("--sizes")?;
                opts.sizes = v
                    .split(',')
                    .filter(|s| !s.trim().is_empty())
                    .map(|s| s.trim().replace('_', "").parse::<usize>().map_err(|e| format!("--sizes: `{s}`: {e}")))
                    .collect::<Result<_, _>>()?;
                if opts.sizes.is_empty() {
                    return Err("--sizes: no sizes given".into());
                }
            }
            "--runs" => {
                let v = value("--runs")?;
                opts.runs = v.parse().map_err(|e| format!("--runs: `{v}`: {e}"))?;
                if opts.runs == 0 {
                    return Err("--runs must be at least 1".into());
                }
            }
            "--crm-verify-runs" => {
                let v = value("--crm-verify-runs")?;
                let r: usize = v.parse().map_err(|e| format!("--crm-verify-runs: `{v}`: {e}"))?;
                if r == 0 {
                    return Err("--crm-verify-runs must be at least 1".into());
                }
                opts.verify_runs = Some(r);
            }
            "--crmsh-max" => {
                let v = value("--crmsh-max")?;
                opts.crmsh_max = v.replace('_', "").parse().map_err(|e| format!("--crmsh-max: `{v}`: {e}"))?;
            }
            "--hapolicy" => opts.hapolicy = Some(PathBuf::from(value("--hapolicy")?)),
            "--keep" => opts.keep = true,
            "--live" => opts.live = true,
            "--lsp" => opts.lsp = true,
            "--plot" => opts.plot = Some(PathBuf::from(value("--plot")?)),
            "--only-lsp" => {
                opts.lsp = true;
                opts.only_lsp = true;
            }
            "--lsp-edits" => {
                let v = value("--lsp-edits")?;
                opts.lsp_edits = v.parse().map_err(|e| format!("--lsp-edits: `{v}`: {e}"))?;
                if opts.lsp_edits == 0 {
                    return Err("--lsp-edits must be at least 1".into());
                }
            }
            "--print-policy" => {
                let v = value("--print-policy")?;
                opts.print_policy = Some(v.parse().map_err(|e| format!("--print-policy: `{v}`: {e}"))?);
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(opts)
}

/// The first executable called `name` in `PATH`, then in the sbin directories where Pacemaker
/// installs its tools (often missing from an unprivileged user's `PATH`).
fn find_program(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path).chain(["/usr/sbin", "/sbin", "/usr/local/sbin"].iter().map(PathBuf::from)).map(|dir| dir.join(name)).find(|p| p.is_file())
}

/// One measured run of a command.
struct Sample {
    wall: Duration,
    /// Peak resident set size in KiB, if `/usr/bin/time` could report it.
    rss_kib: Option<u64>,
}

/// The result of `runs` runs of one command.
struct Measurement {
    median: Duration,
    rss_kib: Option<u64>,
}

/// Runs `program args` once in `dir`, under `/usr/bin/time -f %M` when `time` is given. Fails if
/// the command exits non-zero (with its output, so that the reason is visible).
fn run_once(time: Option<&Path>, dir: &Path, program: &Path, args: &[&str], allowed: &[i32]) -> Result<Sample, String> {
    let rss_file = dir.join("rss.txt");
    let mut cmd = match time {
        Some(t) => {
            let mut c = Command::new(t);
            c.arg("-f").arg("%M").arg("-o").arg(&rss_file).arg(program);
            c
        }
        None => Command::new(program),
    };
    cmd.args(args).current_dir(dir).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let start = Instant::now();
    let out = cmd.output().map_err(|e| format!("cannot run {}: {e}", program.display()))?;
    let wall = start.elapsed();
    if !out.status.code().is_some_and(|c| allowed.contains(&c)) {
        return Err(format!(
            "`{} {}` failed ({}):\n{}{}",
            program.display(),
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let rss_kib = time.and_then(|_| {
        let text = std::fs::read_to_string(&rss_file).ok()?;
        let _ = std::fs::remove_file(&rss_file);
        text.lines().rev().find_map(|l| l.trim().parse::<u64>().ok())
    });
    Ok(Sample { wall, rss_kib })
}

fn measure(runs: usize, time: Option<&Path>, dir: &Path, program: &Path, args: &[&str]) -> Result<Measurement, String> {
    measure_allowing(runs, time, dir, program, args, &[0])
}

/// `measure`, accepting the given exit codes as success.
fn measure_allowing(runs: usize, time: Option<&Path>, dir: &Path, program: &Path, args: &[&str], allowed: &[i32]) -> Result<Measurement, String> {
    let mut samples = Vec::with_capacity(runs);
    for i in 1..=runs {
        let sample = run_once(time, dir, program, args, allowed)?;
        let rss = sample.rss_kib.map_or_else(|| "n/a".to_string(), |k| format!("{:.1} MiB", k as f64 / 1024.0));
        eprintln!("    run {i}/{runs}: {:.3} s, peak RSS {rss}", sample.wall.as_secs_f64());
        samples.push(sample);
    }
    let mut walls: Vec<Duration> = samples.iter().map(|s| s.wall).collect();
    walls.sort();
    // Median; for an even count, the mean of the two middle runs.
    let mid = walls.len() / 2;
    let median = if walls.len() % 2 == 1 {
        walls.get(mid).copied().unwrap_or_default()
    } else {
        let a = walls.get(mid.saturating_sub(1)).copied().unwrap_or_default();
        let b = walls.get(mid).copied().unwrap_or_default();
        (a + b) / 2
    };
    let rss_kib = samples.iter().filter_map(|s| s.rss_kib).max();
    Ok(Measurement { median, rss_kib })
}

/// The value of attribute `name` in the start tag `tag` (`<node id="1" uname="node1">`).
fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let needle = format!(" {name}=\"");
    let start = tag.find(&needle)? + needle.len();
    let rest = tag.get(start..)?;
    rest.get(..rest.find('"')?)
}

/// A copy of `cib` that looks like a live cluster to crm_verify: `have-quorum="1"` on `<cib>` and,
/// in `<status>`, a `node_state` for every cluster node, online and a member, with the `pingd`
/// attribute that the ping clone would have set.
fn with_live_status(cib: &str) -> Result<String, String> {
    let nodes_start = cib.find("<nodes>");
    let nodes_end = cib.find("</nodes>");
    let mut states = String::new();
    if let (Some(a), Some(b)) = (nodes_start, nodes_end) {
        let section = cib.get(a..b).unwrap_or_default();
        for piece in section.split("<node ").skip(1) {
            let tag = piece.get(..piece.find('>').unwrap_or(piece.len())).unwrap_or_default();
            let tag = format!(" {tag}");
            if attribute(&tag, "type").is_some_and(|t| t != "member") {
                continue;
            }
            let (Some(id), Some(uname)) = (attribute(&tag, "id"), attribute(&tag, "uname")) else { continue };
            // The node attribute a running ocf:pacemaker:ping clone maintains, so that rules on
            // `pingd` pass and the scheduler places every resource, as in a healthy cluster.
            states.push_str(&format!(
                "    <node_state id=\"{id}\" uname=\"{uname}\" in_ccm=\"true\" crmd=\"online\" join=\"member\" expected=\"member\">\n\
                 \x20     <transient_attributes id=\"{id}\">\n\
                 \x20       <instance_attributes id=\"status-{id}\">\n\
                 \x20         <nvpair id=\"status-{id}-pingd\" name=\"pingd\" value=\"200\"/>\n\
                 \x20       </instance_attributes>\n\
                 \x20     </transient_attributes>\n\
                 \x20   </node_state>\n"
            ));
        }
    }
    let cib_tag = cib.find("<cib ").ok_or("the CIB has no <cib> element")?;
    let mut out = String::with_capacity(cib.len() + states.len() + 64);
    out.push_str(cib.get(..cib_tag).unwrap_or_default());
    out.push_str("<cib have-quorum=\"1\" ");
    let rest = cib.get(cib_tag + "<cib ".len()..).unwrap_or_default();
    let rest = rest.replacen(" have-quorum=\"0\"", "", 1).replacen(" have-quorum=\"false\"", "", 1);
    let status = format!("<status>\n{states}  </status>");
    if rest.contains("<status/>") {
        out.push_str(&rest.replacen("<status/>", &status, 1));
    } else if let Some(i) = rest.find("<status>") {
        out.push_str(rest.get(..i).unwrap_or_default());
        out.push_str("<status>\n");
        out.push_str(&states);
        out.push_str(rest.get(i + "<status>".len()..).unwrap_or_default());
    } else if let Some(i) = rest.find("</cib>") {
        out.push_str(rest.get(..i).unwrap_or_default());
        out.push_str("  ");
        out.push_str(&status);
        out.push('\n');
        out.push_str(rest.get(i..).unwrap_or_default());
    } else {
        return Err("the CIB has no </cib>".into());
    }
    Ok(out)
}

struct Row {
    size: usize,
    policy_bytes: usize,
    cib_bytes: usize,
    build: Measurement,
    check: Measurement,
    fmt: Measurement,
    verify: Measurement,
    lint: Measurement,
    import: Measurement,
    /// `xmllint --noout` on the CIB build wrote: merely parsing it, the floor of any CIB tool.
    xml_parse: Measurement,
    /// crmsh's `crm configure verify` on that CIB (`CIB_file`), where installed and the size is
    /// at most `--crmsh-max`.
    crmsh: Option<Measurement>,
}

fn secs(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64())
}

fn rss(m: &Measurement) -> String {
    match m.rss_kib {
        Some(k) => format!("{:.1} MiB", k as f64 / 1024.0),
        None => "n/a".into(),
    }
}

fn ratio(verify: Duration, build: Duration) -> String {
    let (v, b) = (verify.as_secs_f64(), build.as_secs_f64());
    if b <= 0.0 || v <= 0.0 {
        "n/a".into()
    } else if v >= b {
        format!("{:.1}x faster", v / b)
    } else {
        format!("{:.1}x slower", b / v)
    }
}

fn print_table(rows: &[Row]) {
    let header = [
        "primitives",
        "policy",
        "CIB",
        "hapolicy build (s)",
        "hapolicy check (s)",
        "hapolicy fmt (s)",
        "hapolicy lint (s)",
        "hapolicy import (s)",
        "crm_verify (s)",
        "build vs crm_verify",
        "lint vs crm_verify",
        "import vs crm_verify",
        "xmllint --noout (s)",
        "build vs xmllint",
        "crm configure verify (s)",
        "lint vs crm configure verify",
        "build RSS",
        "check RSS",
        "crm_verify RSS",
    ];
    let mut table: Vec<Vec<String>> = vec![header.iter().map(|s| s.to_string()).collect()];
    for r in rows {
        table.push(vec![
            r.size.to_string(),
            format!("{:.1} KiB", r.policy_bytes as f64 / 1024.0),
            format!("{:.1} KiB", r.cib_bytes as f64 / 1024.0),
            secs(r.build.median),
            secs(r.check.median),
            secs(r.fmt.median),
            secs(r.lint.median),
            secs(r.import.median),
            secs(r.verify.median),
            ratio(r.verify.median, r.build.median),
            ratio(r.verify.median, r.lint.median),
            ratio(r.verify.median, r.import.median),
            secs(r.xml_parse.median),
            ratio(r.xml_parse.median, r.build.median),
            r.crmsh.as_ref().map_or_else(|| "not run".into(), |m| secs(m.median)),
            r.crmsh.as_ref().map_or_else(|| "n/a".into(), |m| ratio(m.median, r.lint.median)),
            rss(&r.build),
            rss(&r.check),
            rss(&r.verify),
        ]);
    }
    let cols = header.len();
    let widths: Vec<usize> = (0..cols).map(|c| table.iter().filter_map(|row| row.get(c)).map(|s| s.len()).max().unwrap_or(0)).collect();
    for (i, row) in table.iter().enumerate() {
        let line: Vec<String> = row.iter().zip(&widths).map(|(cell, w)| format!("{cell:>w$}", w = *w)).collect();
        println!("| {} |", line.join(" | "));
        if i == 0 {
            let rule: Vec<String> = widths.iter().map(|w| format!("{}:", "-".repeat(w + 1))).collect();
            println!("|{}|", rule.join("|"));
        }
    }
}

/// How each command's time grows between consecutive sizes (the issue's near-linear target is
/// at most 6x from 10,000 to 50,000 primitives, 5x the size).
fn print_growth(rows: &[Row]) {
    if rows.len() < 2 {
        return;
    }
    println!();
    println!("| growth | size | build | check | fmt | lint | import | crm_verify -x |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for pair in rows.windows(2) {
        let [from, to] = pair else { continue };
        let grow = |a: &Measurement, b: &Measurement| {
            let a = a.median.as_secs_f64();
            if a > 0.0 {
                format!("x{:.1}", b.median.as_secs_f64() / a)
            } else {
                "n/a".into()
            }
        };
        println!(
            "| {} → {} | x{:.1} | {} | {} | {} | {} | {} | {} |",
            from.size,
            to.size,
            to.size as f64 / from.size.max(1) as f64,
            grow(&from.build, &to.build),
            grow(&from.check, &to.check),
            grow(&from.fmt, &to.fmt),
            grow(&from.lint, &to.lint),
            grow(&from.import, &to.import),
            grow(&from.verify, &to.verify),
        );
    }
}

/// Agent schema loading: a policy with one primitive of every agent in the built-in library,
/// checked from the library alone and from the installed agents (cache warm), next to a policy
/// without resources.
fn schema_loading(opts: &Options, time: Option<&Path>, hapolicy: &Path) -> Result<(), String> {
    let library = Path::new(env!("CARGO_MANIFEST_DIR")).join("../stdlib/agents");
    let mut names = Vec::new();
    for entry in std::fs::read_dir(&library).map_err(|e| format!("cannot read {}: {e}", library.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        names.extend(text.lines().filter_map(|l| l.strip_prefix("agent ")).filter_map(|l| l.split_whitespace().next()).map(str::to_string));
    }
    let dir = std::env::temp_dir().join(format!("hapolicy-bench-agents-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let mut policy = String::from("cluster { stonith-enabled = false }\n");
    for (i, name) in names.iter().enumerate() {
        policy.push_str(&format!("primitive a{i}: {name}\n"));
    }
    std::fs::write(dir.join("agents.hapolicy"), policy).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("empty.hapolicy"), "cluster { stonith-enabled = false }\n").map_err(|e| e.to_string())?;
    let cache = dir.join("cache");
    let cache_arg = cache.display().to_string();
    // Parameters are missing everywhere, so check exits 1: the time is what counts here.
    let empty = measure_allowing(opts.runs, time, &dir, hapolicy, &["check", "--no-installed-agents", "empty.hapolicy"], &[0, 1])?;
    let library_only = measure_allowing(opts.runs, time, &dir, hapolicy, &["check", "--no-installed-agents", "agents.hapolicy"], &[0, 1])?;
    std::env::set_var("HAPOLICY_CACHE_DIR", &cache_arg);
    let cold = measure_allowing(1, time, &dir, hapolicy, &["check", "agents.hapolicy"], &[0, 1])?;
    let warm = measure_allowing(opts.runs, time, &dir, hapolicy, &["check", "agents.hapolicy"], &[0, 1])?;
    let _ = std::fs::remove_dir_all(&dir);
    println!();
    println!("| agent schemas ({} agents) | check (s) |", names.len());
    println!("|---|---:|");
    println!("| no resources (baseline) | {} |", secs(empty.median));
    println!("| every agent, from the built-in library | {} |", secs(library_only.median));
    println!("| every agent, installed, metadata cached | {} |", secs(warm.median));
    println!("| every agent, installed, first run (runs each agent's meta-data) | {} |", secs(cold.median));
    Ok(())
}

fn run(opts: &Options) -> Result<(), String> {
    let hapolicy = match &opts.hapolicy {
        Some(p) => p.clone(),
        None => {
            let exe = std::env::current_exe().map_err(|e| format!("cannot find this binary's path: {e}"))?;
            exe.parent().map(|d| d.join("hapolicy")).ok_or("this binary has no parent directory")?
        }
    };
    if !hapolicy.is_file() {
        return Err(format!("hapolicy binary not found at {}; build it with `cargo build --release -p hapolicy` or pass --hapolicy PATH", hapolicy.display()));
    }
    let hapolicy = std::fs::canonicalize(&hapolicy).unwrap_or(hapolicy);
    if opts.only_lsp {
        return lsp_table(opts, &hapolicy);
    }
    let crm_verify = find_program("crm_verify").ok_or(
        "crm_verify not found (looked in PATH, /usr/sbin, /sbin, /usr/local/sbin); \
         install Pacemaker's command-line tools (e.g. the pacemaker-cli or pacemaker-cli-utils package) to run this benchmark",
    )?;
    // crmsh is optional: the issue's reference figures came from it, but not every machine has it.
    let crm = find_program("crm");
    if crm.is_none() {
        eprintln!("note: crmsh (`crm`) not found; `crm configure verify` is not timed (Debian: apt-get install crmsh)");
    }
    let env = find_program("env").ok_or("env not found")?;
    let xmllint = find_program("xmllint").ok_or("xmllint not found; install it (Debian: apt-get install libxml2-utils) to run this benchmark")?;
    let time = Some(PathBuf::from("/usr/bin/time")).filter(|p| p.is_file());
    if time.is_none() {
        eprintln!("note: /usr/bin/time not found; peak RSS will be reported as n/a");
    }

    let dir = std::env::temp_dir().join(format!("hapolicy-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    eprintln!("hapolicy:   {}", hapolicy.display());
    eprintln!("crm_verify: {}", crm_verify.display());
    eprintln!("work dir:   {}", dir.display());
    eprintln!("runs:       {} per hapolicy command, {} of crm_verify (median wall time, max peak RSS)", opts.runs, opts.verify_runs.unwrap_or(opts.runs));

    let result = (|| -> Result<Vec<Row>, String> {
        let mut rows = Vec::new();
        for &size in &opts.sizes {
            let sub = dir.join(size.to_string());
            std::fs::create_dir_all(&sub).map_err(|e| format!("cannot create {}: {e}", sub.display()))?;
            let policy = generate::policy(size);
            std::fs::write(sub.join("policy.hapolicy"), &policy).map_err(|e| format!("cannot write the policy: {e}"))?;

            eprintln!("[{size}] hapolicy build ...");
            let build = measure(opts.runs, time.as_deref(), &sub, &hapolicy, &["build", "policy.hapolicy", "-o", "cib.xml"])?;
            eprintln!("[{size}] hapolicy check ...");
            let check = measure(opts.runs, time.as_deref(), &sub, &hapolicy, &["check", "policy.hapolicy"])?;

            eprintln!("[{size}] hapolicy fmt --check ...");
            // The generated policy is not in the canonical layout: fmt --check reads, formats and
            // compares it all, and exits 1.
            let fmt = measure_allowing(opts.runs, time.as_deref(), &sub, &hapolicy, &["fmt", "--check", "policy.hapolicy"], &[0, 1])?;
            eprintln!("[{size}] hapolicy lint ...");
            let lint = measure(opts.runs, time.as_deref(), &sub, &hapolicy, &["lint", "cib.xml"])?;
            eprintln!("[{size}] hapolicy import ...");
            let import = measure(opts.runs, time.as_deref(), &sub, &hapolicy, &["import", "cib.xml"])?;

            let cib = std::fs::read_to_string(sub.join("cib.xml")).map_err(|e| format!("cannot read cib.xml: {e}"))?;
            // By default crm_verify checks the CIB exactly as built (empty status: it reports the
            // nodes as unclean, exit 78, and still runs every configuration check). With --live it
            // gets every node online and schedules the whole cluster, which takes far longer.
            let (verify_file, allowed): (&str, &[i32]) = if opts.live {
                std::fs::write(sub.join("cib-live.xml"), with_live_status(&cib)?).map_err(|e| format!("cannot write cib-live.xml: {e}"))?;
                ("cib-live.xml", &[0])
            } else {
                ("cib.xml", &[0, 78])
            };
            eprintln!("[{size}] crm_verify -x {verify_file} ...");
            let verify = measure_allowing(opts.verify_runs.unwrap_or(opts.runs), time.as_deref(), &sub, &crm_verify, &["-x", verify_file], allowed)
                .map_err(|e| format!("crm_verify rejected the compiled CIB, so the comparison is void:\n{e}"))?;
            eprintln!("[{size}] xmllint --noout cib.xml ...");
            let xml_parse = measure(opts.runs, time.as_deref(), &sub, &xmllint, &["--noout", "cib.xml"])?;
            let crmsh = match &crm {
                Some(crm) if size <= opts.crmsh_max => {
                    // crmsh reads the CIB from the file named by `CIB_file`, as if it were the live
                    // cluster's; it gets its own copy, so that nothing it might write touches ours.
                    std::fs::write(sub.join("cib-crmsh.xml"), &cib).map_err(|e| format!("cannot write cib-crmsh.xml: {e}"))?;
                    let cib_file = format!("CIB_file={}", sub.join("cib-crmsh.xml").display());
                    let crm = crm.display().to_string();
                    eprintln!("[{size}] CIB_file=cib-crmsh.xml crm configure verify ...");
                    Some(measure(1, time.as_deref(), &sub, &env, &[&cib_file, &crm, "configure", "verify"])?)
                }
                _ => None,
            };
            rows.push(Row { size, policy_bytes: policy.len(), cib_bytes: cib.len(), build, check, fmt, verify, lint, import, xml_parse, crmsh });
        }
        Ok(rows)
    })();

    if opts.keep {
        eprintln!("kept {}", dir.display());
    } else {
        let _ = std::fs::remove_dir_all(&dir);
    }
    let rows = result?;
    print_table(&rows);
    print_growth(&rows);
    if let Some(png) = &opts.plot {
        plot(&rows, png)?;
    }
    schema_loading(opts, time.as_deref(), &hapolicy)?;
    if opts.lsp {
        lsp_table(opts, &hapolicy)?;
    }
    Ok(())
}

/// Time against size on log-log axes, one line per command, drawn by gnuplot into `png`.
fn plot(rows: &[Row], png: &Path) -> Result<(), String> {
    let gnuplot = find_program("gnuplot").ok_or("--plot needs gnuplot (Debian: apt-get install gnuplot-nox)")?;
    let mut data = String::from("# primitives build check fmt lint import crm_verify crm-configure-verify\n");
    for r in rows {
        let s = |m: &Measurement| m.median.as_secs_f64();
        // gnuplot skips a point whose value is `NaN`: sizes where crmsh was not run.
        let crmsh = r.crmsh.as_ref().map_or_else(|| "NaN".to_string(), |m| s(m).to_string());
        data.push_str(&format!("{} {} {} {} {} {} {} {crmsh}\n", r.size, s(&r.build), s(&r.check), s(&r.fmt), s(&r.lint), s(&r.import), s(&r.verify)));
    }
    let dir = std::env::temp_dir().join(format!("hapolicy-bench-plot-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let data_file = dir.join("times.dat");
    std::fs::write(&data_file, &data).map_err(|e| e.to_string())?;
    let columns = [
        (2, "hapolicy build"),
        (3, "hapolicy check"),
        (4, "hapolicy fmt"),
        (5, "hapolicy lint (CIB)"),
        (6, "hapolicy import"),
        (7, "crm_verify -x"),
        (8, "crm configure verify (crmsh)"),
    ];
    let lines: Vec<String> =
        columns.iter().map(|(c, title)| format!("'{}' using 1:{c} with linespoints lw 2 pt 7 title '{title}'", data_file.display())).collect();
    let script = format!(
        "set terminal pngcairo size 900,600 noenhanced font ',11'\nset output '{}'\nset title 'Time against cluster size (median wall time, 2 cores)'\n\
         set logscale xy\nset xlabel 'primitives'\nset ylabel 'seconds'\nset grid\nset key top left\nplot {}\n",
        png.display(),
        lines.join(", ")
    );
    let script_file = dir.join("plot.gp");
    std::fs::write(&script_file, script).map_err(|e| e.to_string())?;
    let status = Command::new(gnuplot).arg(&script_file).status().map_err(|e| format!("cannot run gnuplot: {e}"))?;
    let _ = std::fs::remove_dir_all(&dir);
    if !status.success() {
        return Err(format!("gnuplot failed ({status})"));
    }
    eprintln!("plot written to {}", png.display());
    Ok(())
}

/// The language server's latency per size (medians over `--lsp-edits` samples).
fn lsp_table(opts: &Options, hapolicy: &Path) -> Result<(), String> {
    println!();
    println!("Language server (`hapolicy lsp`, over stdio), medians of {} samples:", opts.lsp_edits);
    println!();
    println!("| primitives | open → diagnostics | edit → diagnostics | line inserted/deleted → diagnostics | completion | completion items |");
    println!("|-----------:|-------------------:|-------------------:|------------------------------------:|-----------:|-----------------:|");
    for &size in &opts.sizes {
        eprintln!("[{size}] hapolicy lsp ...");
        let latency = hapolicy_bench::lsp::measure(hapolicy, &generate::policy(size), opts.lsp_edits)?;
        let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
        println!(
            "| {size} | {} | {} | {} | {} | {} |",
            ms(latency.open),
            ms(hapolicy_bench::lsp::median(&latency.edits)),
            ms(hapolicy_bench::lsp::median(&latency.moving_edits)),
            ms(hapolicy_bench::lsp::median(&latency.completions)),
            latency.completion_items
        );
    }
    Ok(())
}

fn main() -> ExitCode {
    let opts = match parse_args() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("hapolicy-bench: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    if let Some(n) = opts.print_policy {
        print!("{}", generate::policy(n));
        return ExitCode::SUCCESS;
    }
    match run(&opts) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("hapolicy-bench: error: {e}");
            ExitCode::FAILURE
        }
    }
}
