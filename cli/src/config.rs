//! The project's `hapolicy.conf`: the nearest one in the directory of the first input file or
//! above it. Top-level lines are `agents = PATH` (metadata files or directories, relative to the
//! config file); a `[lints]` section sets lint levels, one `CODE = LEVEL` a line, where CODE is
//! `HP2016`, a name such as `role-needs-promotable`, or `warnings`, and LEVEL is allow, advice,
//! warn or deny. `#` starts a comment; values may be quoted.

use std::path::{Path, PathBuf};

use hapolicy_compiler::diagnostics::levels::{Level, LintLevels, Origin};

/// What a project's configuration says.
#[derive(Debug, Default)]
pub struct Config {
    /// The file it was read from.
    pub path: Option<PathBuf>,
    pub agents: Vec<PathBuf>,
    pub lints: Vec<LintSetting>,
}

/// `CODE = LEVEL` from the `[lints]` section, with its line for error messages.
#[derive(Debug)]
pub struct LintSetting {
    pub name: String,
    pub level: String,
    pub line: usize,
}

/// The nearest `hapolicy.conf` for `first_input` (or the working directory), read and checked.
pub fn load(first_input: Option<&Path>) -> Result<Config, String> {
    let start = first_input.and_then(|p| std::fs::canonicalize(p).ok()).and_then(|p| p.parent().map(Path::to_path_buf));
    let Some(mut dir) = start.or_else(|| std::env::current_dir().ok()) else { return Ok(Config::default()) };
    loop {
        let path = dir.join("hapolicy.conf");
        if path.is_file() {
            let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            return parse(&text, &dir).map(|mut c| {
                c.path = Some(path.clone());
                c
            });
        }
        if !dir.pop() {
            return Ok(Config::default());
        }
    }
}

#[derive(PartialEq)]
enum Section {
    Top,
    Lints,
}

/// Reads the text of a config file in `dir`; errors are `LINE: message` (the caller adds the path).
fn parse_text(text: &str, dir: &Path) -> Result<Config, (usize, String)> {
    let mut config = Config::default();
    let mut section = Section::Top;
    for (n, raw) in text.lines().enumerate() {
        let line_no = n + 1;
        let line = raw.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = match name.trim() {
                "lints" => Section::Lints,
                other => return Err((line_no, format!("unknown section `[{other}]`; the sections are `[lints]`"))),
            };
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            let expected = if section == Section::Lints { "`CODE = LEVEL`, such as `HP2016 = deny`" } else { "`agents = PATH` or a `[lints]` section" };
            return Err((line_no, format!("expected {expected}")));
        };
        let (key, value) = (key.trim(), value.trim().trim_matches('"'));
        match section {
            Section::Top if key == "agents" => config.agents.push(dir.join(value)),
            Section::Top => return Err((line_no, format!("unknown setting `{key}`; settings are `agents = PATH`, and lint levels go under `[lints]`"))),
            Section::Lints => config.lints.push(LintSetting { name: key.to_string(), level: value.to_string(), line: line_no }),
        }
    }
    Ok(config)
}

fn parse(text: &str, dir: &Path) -> Result<Config, String> {
    parse_text(text, dir).map_err(|(line, message)| format!("{}:{line}: {message}", dir.join("hapolicy.conf").display()))
}

/// The levels of a run: the project's `[lints]`, then `--deny`, `--warn` and `--allow`.
pub fn levels(config: &Config, args: &crate::LevelArgs) -> Result<LintLevels, String> {
    let mut levels = LintLevels::new();
    let file = config.path.as_ref().map_or_else(|| "hapolicy.conf".to_string(), |p| p.display().to_string());
    for setting in &config.lints {
        let level = Level::parse(&setting.level).map_err(|e| format!("{file}:{}: {e}", setting.line))?;
        levels.set(&setting.name, level, Origin::Config).map_err(|e| format!("{file}:{}: {e}", setting.line))?;
    }
    for (names, level) in [(&args.deny, Level::Deny), (&args.warn, Level::Warn), (&args.allow, Level::Allow)] {
        for name in names {
            levels.set(name, level, Origin::CommandLine).map_err(|e| format!("--{} {name}: {e}", flag(level)))?;
        }
    }
    Ok(levels)
}

fn flag(level: Level) -> &'static str {
    match level {
        Level::Deny => "deny",
        Level::Warn => "warn",
        Level::Allow => "allow",
        Level::Advice => "advice",
    }
}

/// The levels for a run over `files`, from their project's config and the command line.
pub fn levels_for(files: &[PathBuf], args: &crate::LevelArgs) -> Result<LintLevels, String> {
    let first = files.first().map(PathBuf::as_path).filter(|p| p.as_os_str() != "-");
    levels(&load(first)?, args)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]
    use super::*;

    #[test]
    fn agents_and_a_lints_section() {
        let c = parse_text("agents = vendor # local agents\n\n[lints]\nHP2016 = \"deny\"\nwarnings = allow\n", Path::new("/p")).unwrap();
        assert_eq!(c.agents, [PathBuf::from("/p/vendor")]);
        assert_eq!(c.lints.len(), 2);
        assert_eq!((c.lints[0].name.as_str(), c.lints[0].level.as_str(), c.lints[0].line), ("HP2016", "deny", 4));
    }

    #[test]
    fn mistakes_name_their_line() {
        assert_eq!(parse_text("[lint]\n", Path::new("/p")).unwrap_err().0, 1);
        assert_eq!(parse_text("agents = a\nfoo = b\n", Path::new("/p")).unwrap_err().0, 2);
        assert!(parse_text("[lints]\nHP2016\n", Path::new("/p")).unwrap_err().1.contains("CODE = LEVEL"));
    }
}
