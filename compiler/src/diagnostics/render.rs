//! Plain renderings of diagnostics: a compact one-line form (fixtures, logs) and the JSON schema
//! that CI tools read. The coloured terminal form is the CLI's business (miette).

use serde::Serialize;

use super::{Diagnostic, Severity};
use crate::span::{LineCol, LineIndex};

/// A file's path and text, for turning spans into positions.
pub struct FileText<'a> {
    pub path: &'a str,
    pub text: &'a str,
    pub lines: LineIndex,
}

impl<'a> FileText<'a> {
    pub fn new(path: &'a str, text: &'a str) -> FileText<'a> {
        FileText { path, text, lines: LineIndex::new(text) }
    }
}

fn file_of<'a, 'b>(files: &'b [FileText<'a>], d: &Diagnostic) -> Option<&'b FileText<'a>> {
    files.get(d.file.0 as usize)
}

/// `path:line:col: error[HP1001]: message` plus an indented `help:` line.
pub fn render_human(files: &[FileText<'_>], diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let (path, pos) = match file_of(files, d) {
            Some(f) => (f.path, f.lines.line_col(f.text, d.span.start as usize)),
            None => ("<unknown>", LineCol { line: 0, column: 0 }),
        };
        out.push_str(&format!("{path}:{}:{}: {}[{}]: {}\n", pos.line, pos.column, d.severity.as_str(), d.code.code, d.message));
        for label in &d.labels {
            if let Some(f) = files.get(label.file.0 as usize) {
                let lpos = f.lines.line_col(f.text, label.span.start as usize);
                out.push_str(&format!("    note: {}:{}:{}: {}\n", f.path, lpos.line, lpos.column, label.message));
            }
        }
        if let Some(help) = &d.help {
            out.push_str(&format!("    help: {help}\n"));
        }
    }
    out
}

#[derive(Serialize)]
struct JsonRange {
    start: LineCol,
    end: LineCol,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'a str,
    severity: Severity,
    message: &'a str,
    file: &'a str,
    range: JsonRange,
    help: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonSummary {
    errors: usize,
    warnings: usize,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    diagnostics: Vec<JsonDiagnostic<'a>>,
    summary: JsonSummary,
}

/// `{"diagnostics":[...],"summary":{"errors","warnings"}}` with 1-based lines and character columns.
pub fn render_json(files: &[FileText<'_>], diagnostics: &[Diagnostic]) -> String {
    let report = JsonReport {
        diagnostics: diagnostics
            .iter()
            .map(|d| {
                let (path, start, end) = match file_of(files, d) {
                    Some(f) => (f.path, f.lines.line_col(f.text, d.span.start as usize), f.lines.line_col(f.text, d.span.end as usize)),
                    None => ("", LineCol { line: 1, column: 1 }, LineCol { line: 1, column: 1 }),
                };
                JsonDiagnostic {
                    code: d.code.code,
                    severity: d.severity,
                    message: &d.message,
                    file: path,
                    range: JsonRange { start, end },
                    help: d.help.as_deref(),
                }
            })
            .collect(),
        summary: JsonSummary {
            errors: diagnostics.iter().filter(|d| d.severity == Severity::Error).count(),
            warnings: diagnostics.iter().filter(|d| d.severity == Severity::Warning).count(),
        },
    };
    serde_json::to_string_pretty(&report).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}

/// SARIF 2.1.0, for code-scanning views in CI: one run, the codes as rules, each diagnostic a
/// result with its file and 1-based region.
pub fn render_sarif(files: &[FileText<'_>], diagnostics: &[Diagnostic]) -> String {
    use serde_json::json;
    let mut codes: Vec<&'static super::Code> = diagnostics.iter().map(|d| d.code).collect();
    codes.sort_by_key(|c| c.code);
    codes.dedup_by_key(|c| c.code);
    let rules: Vec<_> = codes
        .iter()
        .map(|c| json!({"id": c.code, "name": c.name, "shortDescription": {"text": c.summary}, "fullDescription": {"text": c.doc}, "defaultConfiguration": {"level": sarif_level(c.severity)}}))
        .collect();
    let results: Vec<_> = diagnostics
        .iter()
        .map(|d| {
            let (path, start, end) = match file_of(files, d) {
                Some(f) => (f.path, f.lines.line_col(f.text, d.span.start as usize), f.lines.line_col(f.text, d.span.end as usize)),
                None => ("", LineCol { line: 1, column: 1 }, LineCol { line: 1, column: 1 }),
            };
            let mut message = d.message.clone();
            if let Some(help) = &d.help {
                message.push_str("\nhelp: ");
                message.push_str(help);
            }
            json!({
                "ruleId": d.code.code,
                "level": sarif_level(d.severity),
                "message": {"text": message},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": path},
                    "region": {"startLine": start.line, "startColumn": start.column, "endLine": end.line, "endColumn": end.column}
                }}]
            })
        })
        .collect();
    let log = json!({
        "version": "2.1.0",
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "runs": [{"tool": {"driver": {"name": "hapolicy", "version": env!("CARGO_PKG_VERSION"), "rules": rules}}, "results": results}]
    });
    serde_json::to_string_pretty(&log).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}

fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Advice => "note",
    }
}
