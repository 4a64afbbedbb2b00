//! A real editor end to end: Debian's Neovim, headless, with its built-in LSP client attached to
//! `hapolicy lsp` (tests/fixtures/neovim/attach.lua), opens a broken policy; the diagnostics and
//! a hover must arrive through the editor.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, reason = "tests")]

use std::path::Path;
use std::process::Command;

#[test]
fn neovim_shows_diagnostics_from_the_language_server() {
    let nvim = ["/usr/bin/nvim", "/usr/local/bin/nvim"].into_iter().map(Path::new).find(|p| p.exists());
    let nvim = nvim.unwrap_or_else(|| panic!("Neovim is required for this test and was not found: install Debian's `neovim` package (scripts/test.sh does)"));
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/neovim");
    let out = std::env::temp_dir().join(format!("hapolicy-nvim-{}.txt", std::process::id()));
    let _ = std::fs::remove_file(&out);
    let status = Command::new(nvim)
        .current_dir(&fixtures)
        .args(["--headless", "--clean", "-n", "broken.hapolicy", "-c", "luafile attach.lua"])
        .env("HAPOLICY_BIN", env!("CARGO_BIN_EXE_hapolicy"))
        .env("HAPOLICY_NVIM_OUT", &out)
        .env("XDG_STATE_HOME", std::env::temp_dir())
        .status()
        .expect("run nvim");
    assert!(status.success(), "nvim exited with {status}");
    let report = std::fs::read_to_string(&out).unwrap_or_else(|e| panic!("nvim wrote no report ({e})"));
    let _ = std::fs::remove_file(&out);
    println!("{report}");
    let diagnostics: Vec<&str> = report.lines().filter(|l| l.starts_with("diagnostic ")).collect();
    assert_eq!(diagnostics.len(), 1, "{report}");
    assert!(diagnostics[0].starts_with("diagnostic 10:19 HP1001 `web-server` is not declared"), "{report}");
    assert!(report.contains("hover **parameter** `ip`"), "{report}");
}
