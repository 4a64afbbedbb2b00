//! Diagnostics as plain data: a stable code, a severity, a message in Pacemaker's terms, the
//! span it is about, and help saying how to fix it. Renderers (terminal, JSON, LSP) live at the
//! edges and only read these values.

pub mod codes;
pub mod fixes;
pub mod levels;
mod render;

use serde::Serialize;

use crate::span::Span;
pub use render::{render_human, render_json, render_sarif, FileText};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Advice,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Advice => "advice",
        }
    }
}

/// A diagnostic code, declared once, never reused.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct Code {
    /// `HP0001` style: HP0xxx syntax, HP1xxx values and names, HP2xxx Pacemaker rules.
    pub code: &'static str,
    /// A short kebab-case name, e.g. `duplicate-operation`.
    pub name: &'static str,
    pub severity: Severity,
    /// One line: what the code reports.
    pub summary: &'static str,
    /// Markdown: what, why in Pacemaker's terms, an example, how to fix. Printed by `hapolicy explain`.
    pub doc: &'static str,
}

/// A secondary span with a note ("first defined here").
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Label {
    pub file: FileId,
    pub span: Span,
    pub message: String,
}

/// Which of the project's files a diagnostic is in (an index into the project's file list).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// How far a fix can be trusted: `--fix` applies only safe ones; editors offer both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Safety {
    /// Keeps the meaning the author evidently wanted; applied by `--fix`.
    Safe,
    /// A guess (a did-you-mean spelling, a changed behaviour): offered, never applied unasked.
    Unsafe,
}

/// Replace the text at `span` of `file` with `replacement`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Edit {
    pub file: FileId,
    pub span: Span,
    pub replacement: String,
}

/// A fix for a diagnostic: a title for menus and the edits that make it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Fix {
    pub title: String,
    pub safety: Safety,
    pub edits: Vec<Edit>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    pub code: &'static Code,
    pub severity: Severity,
    pub message: String,
    pub file: FileId,
    pub span: Span,
    pub labels: Vec<Label>,
    pub help: Option<String>,
    pub fixes: Vec<Fix>,
}

impl Diagnostic {
    pub fn new(code: &'static Code, span: Span, message: String) -> Diagnostic {
        Diagnostic { code, severity: code.severity, message, file: FileId(0), span, labels: Vec::new(), help: None, fixes: Vec::new() }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn in_file(mut self, file: FileId) -> Diagnostic {
        self.file = file;
        for edit in self.fixes.iter_mut().flat_map(|f| f.edits.iter_mut()) {
            edit.file = file;
        }
        self
    }

    pub fn with_label(mut self, file: FileId, span: Span, message: impl Into<String>) -> Diagnostic {
        self.labels.push(Label { file, span, message: message.into() });
        self
    }

    /// A fix replacing `span` (in this diagnostic's file) with `replacement`.
    pub fn with_fix(mut self, title: impl Into<String>, safety: Safety, span: Span, replacement: impl Into<String>) -> Diagnostic {
        let edit = Edit { file: self.file, span, replacement: replacement.into() };
        self.fixes.push(Fix { title: title.into(), safety, edits: vec![edit] });
        self
    }

    /// "did you mean `x`?" as help, and as an (unsafe) fix replacing this diagnostic's span.
    pub fn with_suggestion(self, suggestion: &str) -> Diagnostic {
        let span = self.span;
        self.with_help(format!("did you mean `{suggestion}`?")).with_fix(format!("change to `{suggestion}`"), Safety::Unsafe, span, suggestion)
    }

    pub fn with_severity(mut self, severity: Severity) -> Diagnostic {
        self.severity = severity;
        self
    }
}

/// The closest candidate to a misspelt name, if one is close enough to suggest.
pub fn did_you_mean<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let length = wrong.chars().count();
    let limit = (length / 3).max(1);
    // The distance is at least the difference in length: skipping candidates that differ more
    // keeps a huge misspelt word (a 10 MB line) from costing length × candidate work.
    candidates
        .into_iter()
        .filter(|c| c.chars().count().abs_diff(length) <= limit)
        .map(|c| (edit_distance(wrong, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

/// Optimal-string-alignment distance: insertions, deletions, substitutions and swaps of two
/// neighbouring characters (`wbe` is one step from `web`), ignoring ASCII case.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().map(|c| c.to_ascii_lowercase()).collect();
    let b: Vec<char> = b.chars().map(|c| c.to_ascii_lowercase()).collect();
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    let at = |i: usize, j: usize| i * width + j;
    for i in 0..=a.len() {
        if let Some(cell) = d.get_mut(at(i, 0)) {
            *cell = i;
        }
    }
    for j in 0..=b.len() {
        if let Some(cell) = d.get_mut(at(0, j)) {
            *cell = j;
        }
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let (ca, cb) = (a.get(i - 1), b.get(j - 1));
            let cost = usize::from(ca != cb);
            let get = |i: usize, j: usize| d.get(at(i, j)).copied().unwrap_or(usize::MAX / 2);
            let mut value = (get(i - 1, j) + 1).min(get(i, j - 1) + 1).min(get(i - 1, j - 1) + cost);
            if i > 1 && j > 1 && ca == b.get(j - 2) && a.get(i - 2) == cb {
                value = value.min(get(i - 2, j - 2) + 1);
            }
            if let Some(cell) = d.get_mut(at(i, j)) {
                *cell = value;
            }
        }
    }
    d.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(did_you_mean("web-grop", ["web-group", "db"]), Some("web-group"));
        assert_eq!(did_you_mean("zzz", ["web-group", "db"]), None);
        assert_eq!(did_you_mean("wbe", ["web", "db"]), Some("web"));
    }
}
