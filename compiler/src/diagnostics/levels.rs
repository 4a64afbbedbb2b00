//! Lint levels: how loudly each code is reported in a project or a run. Every code has a default
//! severity; a project's `hapolicy.conf` and the command line (`--deny`, `--warn`, `--allow`)
//! override it per code, and `warnings` names every diagnostic that would be a warning.
//!
//! The rules, in one place so every shell behaves the same:
//! - a level for a code (by `HP2001` or by its name `duplicate-operation`) beats the level for
//!   `warnings`; a level given on the command line beats the project's;
//! - `allow` drops the diagnostic, `advice`/`warn`/`deny` report it as advice, warning or error;
//! - errors that mean the policy cannot be compiled at all — syntax (HP0xxx), names and values
//!   (HP1xxx), unreadable CIBs (HP4004) — can be made no quieter: only the checks of
//!   Pacemaker's rules (HP2xxx) and the CIB findings that are not errors can be lowered.

use super::{codes, Code, Diagnostic, Severity};

/// How a code is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Level {
    /// Not reported at all.
    Allow,
    Advice,
    Warn,
    /// Reported as an error: `check` and `lint` exit 1, `build` writes nothing.
    Deny,
}

impl Level {
    /// `allow`, `advice`, `warn` (or `warning`), `deny` (or `error`).
    pub fn parse(text: &str) -> Result<Level, String> {
        match text.trim().trim_matches('"').to_ascii_lowercase().as_str() {
            "allow" => Ok(Level::Allow),
            "advice" | "note" => Ok(Level::Advice),
            "warn" | "warning" => Ok(Level::Warn),
            "deny" | "error" => Ok(Level::Deny),
            other => Err(format!("`{other}` is not a level; use allow, advice, warn or deny")),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Allow => "allow",
            Level::Advice => "advice",
            Level::Warn => "warn",
            Level::Deny => "deny",
        }
    }

    fn severity(self) -> Option<Severity> {
        match self {
            Level::Allow => None,
            Level::Advice => Some(Severity::Advice),
            Level::Warn => Some(Severity::Warning),
            Level::Deny => Some(Severity::Error),
        }
    }
}

/// Where a level was set; the command line overrides the project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Origin {
    Config,
    CommandLine,
}

/// What a level names: one code, or every warning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Target {
    Code(&'static Code),
    Warnings,
}

/// Whether a code may be made quieter than an error. Errors outside the Pacemaker-rule checks
/// mean the text could not be read or compiled: there is no CIB to write without them.
pub fn can_be_lowered(code: &Code) -> bool {
    code.severity != Severity::Error || code.code.starts_with("HP2")
}

/// The levels of one run: the project's, then the command line's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LintLevels {
    entries: Vec<(Target, Level, Origin)>,
}

impl LintLevels {
    pub fn new() -> LintLevels {
        LintLevels::default()
    }

    /// Sets the level of a code (`HP2001`, `duplicate-operation`) or of `warnings`. An unknown
    /// code, or a level an error cannot have, is an error whose message says why.
    pub fn set(&mut self, name: &str, level: Level, origin: Origin) -> Result<(), String> {
        let name = name.trim().trim_matches('"');
        let target = if name.eq_ignore_ascii_case("warnings") {
            if level == Level::Warn {
                return Err("`warnings` are warnings already; give `warnings` the level deny, advice or allow".to_string());
            }
            Target::Warnings
        } else {
            let code = codes::find(name).ok_or_else(|| match codes::suggest(name) {
                Some(s) => format!("`{name}` is not a diagnostic code (did you mean `{s}`?); `hapolicy explain` lists them"),
                None => format!("`{name}` is not a diagnostic code; `hapolicy explain` lists them, or write `warnings` for every warning"),
            })?;
            if level != Level::Deny && !can_be_lowered(code) {
                let why = if code.code.starts_with("HP0") {
                    "a syntax error: the item cannot be read, so there is nothing to check or compile"
                } else {
                    "an error the policy cannot be compiled with"
                };
                return Err(format!("{} ({}) is {why}; it cannot be made a {}", code.code, code.name, level_name(level)));
            }
            Target::Code(code)
        };
        // A conflicting level from the same origin is a mistake; a later origin overrides.
        if let Some((_, other, _)) = self.entries.iter().find(|(t, l, o)| *t == target && *o == origin && *l != level) {
            return Err(format!("`{name}` is given both {} and {}", other.as_str(), level.as_str()));
        }
        self.entries.push((target, level, origin));
        Ok(())
    }

    /// The level that applies to `code`, if any was set: the code's own beats `warnings`, the
    /// command line beats the project.
    fn level_for(&self, code: &Code) -> Option<Level> {
        self.entries.iter().filter(|(t, _, _)| matches!(t, Target::Code(c) if c.code == code.code)).max_by_key(|(_, _, o)| *o).map(|(_, l, _)| *l)
    }

    fn warnings_level(&self) -> Option<Level> {
        self.entries.iter().filter(|(t, _, _)| *t == Target::Warnings).max_by_key(|(_, _, o)| *o).map(|(_, l, _)| *l)
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The diagnostics as this run reports them: allowed ones dropped, the others at their level.
    pub fn apply(&self, diagnostics: &[Diagnostic]) -> Vec<Diagnostic> {
        if self.entries.is_empty() {
            return diagnostics.to_vec();
        }
        let warnings = self.warnings_level();
        diagnostics
            .iter()
            .filter_map(|d| {
                let level = self.level_for(d.code).or(if d.severity == Severity::Warning { warnings } else { None });
                let Some(level) = level else { return Some(d.clone()) };
                // An error that cannot be lowered stays an error whatever was asked.
                if d.severity == Severity::Error && !can_be_lowered(d.code) {
                    return Some(d.clone());
                }
                level.severity().map(|severity| d.clone().with_severity(severity))
            })
            .collect()
    }
}

fn level_name(level: Level) -> &'static str {
    match level {
        Level::Allow => "allowed (dropped)",
        Level::Advice => "piece of advice",
        Level::Warn => "warning",
        Level::Deny => "error",
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]
    use super::*;
    use crate::span::Span;

    fn diagnostic(code: &'static Code) -> Diagnostic {
        Diagnostic::new(code, Span { start: 0, end: 1 }, "m".to_string())
    }

    fn code(name: &str) -> &'static Code {
        codes::find(name).unwrap()
    }

    #[test]
    fn codes_by_number_or_name_and_the_command_line_wins() {
        let mut levels = LintLevels::new();
        levels.set("HP2016", Level::Deny, Origin::Config).unwrap();
        levels.set("role-needs-promotable", Level::Allow, Origin::CommandLine).unwrap();
        assert!(levels.apply(&[diagnostic(code("HP2016"))]).is_empty());
        let mut levels = LintLevels::new();
        levels.set("role-needs-promotable", Level::Deny, Origin::Config).unwrap();
        assert_eq!(levels.apply(&[diagnostic(code("HP2016"))])[0].severity, Severity::Error);
    }

    #[test]
    fn deny_warnings_spares_codes_named_on_their_own() {
        let mut levels = LintLevels::new();
        levels.set("warnings", Level::Deny, Origin::CommandLine).unwrap();
        levels.set("HP2007", Level::Advice, Origin::CommandLine).unwrap();
        let out = levels.apply(&[diagnostic(code("HP2016")), diagnostic(code("HP2007")), diagnostic(code("HP2202"))]);
        let severities: Vec<Severity> = out.iter().map(|d| d.severity).collect();
        assert_eq!(severities, [Severity::Error, Severity::Advice, Severity::Advice]);
    }

    #[test]
    fn syntax_errors_cannot_be_allowed_and_unknown_codes_are_named() {
        let mut levels = LintLevels::new();
        let e = levels.set("HP0001", Level::Allow, Origin::CommandLine).unwrap_err();
        assert!(e.contains("syntax error") && e.contains("cannot be made"), "{e}");
        assert!(levels.set("HP0001", Level::Deny, Origin::CommandLine).is_ok());
        let e = levels.set("duplicate-operaton", Level::Allow, Origin::Config).unwrap_err();
        assert!(e.contains("did you mean `duplicate-operation`"), "{e}");
        assert!(Level::parse("forbid").is_err());
        // An error-level Pacemaker check can be lowered.
        assert!(levels.set("HP2001", Level::Warn, Origin::Config).is_ok());
        let e = levels.set("HP2001", Level::Deny, Origin::Config).unwrap_err();
        assert!(e.contains("both warn and deny"), "{e}");
    }
}
