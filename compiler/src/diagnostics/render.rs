//! Plain renderings of diagnostics: a compact one-line form (fixtures, logs) and the JSON schema
//! that CI tools read. The coloured terminal form is the CLI's business (miette).

use serde::Serialize;

use super::{Diagnostic, Edit, Safety, Severity};
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
    fixes: Vec<JsonFix<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    file: &'a str,
    range: JsonRange,
    replacement: &'a str,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    title: &'a str,
    safety: Safety,
    edits: Vec<JsonEdit<'a>>,
}

/// Where an edit's span lies, as a path and a 1-based range; `None` when the file is unknown.
fn edit_position<'a>(files: &[FileText<'a>], edit: &Edit) -> Option<(&'a str, LineCol, LineCol)> {
    let f = files.get(edit.file.0 as usize)?;
    Some((f.path, f.lines.line_col(f.text, edit.span.start as usize), f.lines.line_col(f.text, edit.span.end as usize)))
}

fn json_fixes<'a>(files: &[FileText<'a>], d: &'a Diagnostic) -> Vec<JsonFix<'a>> {
    d.fixes
        .iter()
        .map(|fix| JsonFix {
            title: &fix.title,
            safety: fix.safety,
            edits: fix
                .edits
                .iter()
                .filter_map(|e| {
                    edit_position(files, e).map(|(file, start, end)| JsonEdit { file, range: JsonRange { start, end }, replacement: &e.replacement })
                })
                .collect(),
        })
        .collect()
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
                    fixes: json_fixes(files, d),
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
            let mut result = json!({
                "ruleId": d.code.code,
                "ruleIndex": codes.iter().position(|c| c.code == d.code.code).unwrap_or(0),
                "level": sarif_level(d.severity),
                "message": {"text": message},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": path},
                    "region": {"startLine": start.line, "startColumn": start.column, "endLine": end.line, "endColumn": end.column}
                }}]
            });
            let fixes: Vec<_> = d.fixes.iter().filter_map(|fix| sarif_fix(files, fix)).collect();
            if let (false, Some(object)) = (fixes.is_empty(), result.as_object_mut()) {
                object.insert("fixes".to_string(), serde_json::Value::Array(fixes));
            }
            result
        })
        .collect();
    let log = json!({
        "version": "2.1.0",
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "runs": [{
            "tool": {"driver": {"name": "hapolicy", "version": env!("CARGO_PKG_VERSION"), "informationUri": "https://clusterlabs.org/", "rules": rules}},
            "columnKind": "unicodeCodePoints",
            "results": results
        }]
    });
    serde_json::to_string_pretty(&log).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}

/// A fix as SARIF: one `artifactChange` per file, each edit a `replacement` of a deleted region
/// by inserted content; how safe the fix is goes into the fix's property bag.
fn sarif_fix(files: &[FileText<'_>], fix: &super::Fix) -> Option<serde_json::Value> {
    use serde_json::json;
    let mut changes: Vec<(&str, Vec<serde_json::Value>)> = Vec::new();
    for edit in &fix.edits {
        let (path, start, end) = edit_position(files, edit)?;
        let replacement = json!({
            "deletedRegion": {"startLine": start.line, "startColumn": start.column, "endLine": end.line, "endColumn": end.column},
            "insertedContent": {"text": edit.replacement}
        });
        match changes.iter_mut().find(|(p, _)| *p == path) {
            Some((_, list)) => list.push(replacement),
            None => changes.push((path, vec![replacement])),
        }
    }
    let safety = match fix.safety {
        Safety::Safe => "safe",
        Safety::Unsafe => "unsafe",
    };
    Some(json!({
        "description": {"text": fix.title},
        "artifactChanges": changes.into_iter().map(|(uri, replacements)| json!({"artifactLocation": {"uri": uri}, "replacements": replacements})).collect::<Vec<_>>(),
        "properties": {"safety": safety}
    }))
}

fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Advice => "note",
    }
}
