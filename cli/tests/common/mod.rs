//! What the binary's test suites share: running `hapolicy`, and scratch files for its inputs.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, reason = "test helpers; not every suite uses all of them")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs the `hapolicy` binary this package builds.
pub fn hapolicy(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hapolicy")).args(args).output().expect("hapolicy runs")
}

/// A fresh, empty directory for one test (per process, so suites running at once do not meet).
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hapolicy-tests-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes `text` to `dir/name` and returns the path as text, for the command line.
pub fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}
