//! Shared harness for the end-to-end suites: locating fixtures, running Pacemaker's real tools,
//! and comparing against reviewed expectation files.
//!
//! It owns no product logic. Tests that need Pacemaker's tools call `require_tool`, which fails
//! the test with an install hint when the tool is missing — never a silent skip.
#![allow(clippy::panic, clippy::expect_used, clippy::unwrap_used, reason = "a test harness reports failures by panicking")]

use std::path::{Path, PathBuf};
use std::process::Command;

use hapolicy_compiler::diagnostics::{render_human, FileText};
use hapolicy_compiler::{Compiler, Target};

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ has a parent").to_path_buf()
}

pub fn fixtures(dir: &str) -> PathBuf {
    root().join("tests").join("fixtures").join(dir)
}

/// Every file with this extension in a directory, sorted.
pub fn files_with_extension(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    files.sort();
    files
}

/// Compiles one policy file; its path in diagnostics is the file name alone.
pub fn compile(path: &Path, target: Target) -> Compiler {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut compiler = Compiler::new(target);
    let name = path.file_name().expect("file name").to_string_lossy().into_owned();
    compiler.set_file(&name, text);
    compiler
}

/// The compact rendering used in `.expected` files.
pub fn rendered_diagnostics(compiler: &Compiler) -> String {
    let files = compiler.files();
    let texts: Vec<FileText<'_>> = files.iter().map(|(p, t)| FileText::new(p, t)).collect();
    render_human(&texts, compiler.diagnostics())
}

/// Compares `actual` with the reviewed expectation file; `UPDATE_EXPECT=1` rewrites it instead.
/// Returns a description of the difference, if any.
pub fn compare_expected(path: &Path, actual: &str) -> Option<String> {
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(path, actual).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        return None;
    }
    let expected = std::fs::read_to_string(path).unwrap_or_default();
    if expected == actual {
        return None;
    }
    Some(format!("{} differs (run with UPDATE_EXPECT=1 after reviewing):\n--- expected\n{expected}\n--- actual\n{actual}", path.display()))
}

/// The path of a Pacemaker (or libxml2) tool; fails the test loudly when it is not installed.
pub fn require_tool(name: &str) -> PathBuf {
    for dir in ["/usr/sbin", "/usr/bin", "/sbin", "/bin"] {
        let path = Path::new(dir).join(name);
        if path.exists() {
            return path;
        }
    }
    panic!("`{name}` is not installed: these tests run Pacemaker's real tools. Install them with `apt-get install -y pacemaker-cli-utils resource-agents libxml2-utils` (the README's test command does this)");
}

/// Pacemaker 2.1's RelaxNG schema for CIBs.
pub fn pacemaker2_schema() -> PathBuf {
    let path = PathBuf::from("/usr/share/pacemaker/pacemaker-3.9.rng");
    assert!(path.exists(), "{} is missing: install pacemaker-cli-utils", path.display());
    path
}

/// Pacemaker 3's schema, kept in shared/ beside the checkout.
pub fn pacemaker3_schema() -> PathBuf {
    let path = root().join("..").join("shared").join("schemas").join("pacemaker-3.0.2").join("pacemaker-4.0.rng");
    assert!(path.exists(), "{} is missing: the shared/ folder must sit beside the checkout", path.display());
    path
}

/// Validates a CIB file with xmllint; returns xmllint's complaint on failure.
pub fn validate_schema(cib: &Path, schema: &Path) -> Result<(), String> {
    let out = Command::new(require_tool("xmllint")).arg("--noout").arg("--relaxng").arg(schema).arg(cib).output().expect("xmllint runs");
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// A copy of a CIB whose status shows every configured node online with quorum, so that
/// `crm_verify` runs its full checks (it skips operation checks without a status section) and
/// judges the configuration, not an empty cluster's state.
pub fn with_online_nodes(cib: &str) -> String {
    let mut states = String::new();
    let mut rest = cib;
    while let Some(at) = rest.find("<node id=\"") {
        rest = &rest[at + 10..];
        let id_end = rest.find('"').expect("closing quote");
        let id = &rest[..id_end];
        let uname_at = rest.find("uname=\"").expect("uname") + 7;
        let uname_end = rest[uname_at..].find('"').expect("closing quote") + uname_at;
        let uname = &rest[uname_at..uname_end];
        states.push_str(&format!("<node_state id=\"{id}\" uname=\"{uname}\" in_ccm=\"true\" crmd=\"online\" join=\"member\" expected=\"member\"/>"));
    }
    cib.replacen("<cib ", "<cib have-quorum=\"1\" ", 1).replacen("<status/>", &format!("<status>{states}</status>"), 1)
}

/// Runs `crm_verify -x` on a CIB; returns its exit code and output.
pub fn crm_verify(cib: &Path) -> (i32, String) {
    let out = Command::new(require_tool("crm_verify")).arg("-x").arg(cib).arg("-VV").output().expect("crm_verify runs");
    (out.status.code().unwrap_or(-1), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

/// A scratch directory unique to one test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hapolicy-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

/// Runs `crm_simulate -x IN -S` (optionally saving the resulting state to `out`) and returns the
/// "Transition Summary" lines.
pub fn crm_simulate(cib: &Path, out: Option<&Path>) -> String {
    let mut command = Command::new(require_tool("crm_simulate"));
    command.arg("-x").arg(cib).arg("-S");
    if let Some(out) = out {
        command.arg("-O").arg(out);
    }
    let output = command.output().expect("crm_simulate runs");
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(output.status.success(), "crm_simulate failed: {text}{}", String::from_utf8_lossy(&output.stderr));
    let summary: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("Transition Summary"))
        .skip(1)
        .take_while(|l| !l.starts_with("Executing"))
        .filter(|l| !l.trim().is_empty())
        .collect();
    summary.join("\n")
}

/// Sets a transient node attribute in a CIB file, as the cluster would (`crm_attribute -l reboot`).
pub fn set_node_attribute(cib: &Path, node: &str, name: &str, value: &str) {
    let status = Command::new(require_tool("crm_attribute"))
        .env("CIB_file", cib)
        .args(["-N", node, "-n", name, "-v", value, "-l", "reboot"])
        .status()
        .expect("crm_attribute runs");
    assert!(status.success(), "crm_attribute failed");
}

/// A small deterministic generator (xorshift) for test data, so that a failure reproduces.
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next_u64() % n.max(1) as u64).unwrap_or(0)
    }
}

/// A policy string literal for any text: quotes, backslashes and control characters escaped.
pub fn quote(value: &str) -> String {
    let mut out = String::from("\"");
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
