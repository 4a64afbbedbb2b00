//! The VS Code extension (editors/vscode) builds and packages with npm, and its grammar tests
//! pass: `npm ci`, `npm test`, `npm run package`, as its README tells a user to run them.

#![allow(clippy::expect_used, clippy::panic, reason = "tests")]

use std::process::Command;

fn npm(dir: &std::path::Path, args: &[&str]) -> String {
    let npm = hapolicy_tests::require_tool("npm");
    let output = Command::new(npm).args(args).current_dir(dir).output().expect("npm runs");
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "npm {} failed:\n{text}", args.join(" "));
    text
}

#[test]
fn the_vscode_extension_builds_tests_and_packages() {
    let dir = hapolicy_tests::root().join("editors/vscode");
    npm(&dir, &["ci", "--no-audit", "--no-fund"]);
    let tested = npm(&dir, &["test"]);
    let summary = tested.lines().find(|l| l.starts_with("grammar tests:")).unwrap_or_else(|| panic!("no summary line:\n{tested}"));
    println!("{summary}");
    assert!(summary.contains(" 0 failed"), "{summary}");
    let vsix = dir.join("hapolicy-0.1.0.vsix");
    let _ = std::fs::remove_file(&vsix);
    npm(&dir, &["run", "package"]);
    let size = std::fs::metadata(&vsix).map(|m| m.len()).unwrap_or(0);
    assert!(size > 10_000, "the package is missing or empty ({size} bytes)");
}
