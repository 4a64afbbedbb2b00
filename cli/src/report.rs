//! Loading policy files into the compiler, and showing its diagnostics.

use std::io::IsTerminal;
use std::path::Path;

use hapolicy_compiler::diagnostics::{render_json, FileText};
use hapolicy_compiler::{Compiler, Diagnostic, Severity, Target};
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource};

/// Reads every file into a fresh compiler; an unreadable file is a usage/I-O error.
pub fn load(files: &[std::path::PathBuf], agents: &crate::AgentArgs, target: Target) -> Result<Compiler, String> {
    let mut compiler = Compiler::new(target);
    for path in files {
        let text = read(path)?;
        compiler.set_file(&path.display().to_string(), text);
    }
    // Files named on the command line first, then the project's configuration.
    let mut paths = agents.paths.clone();
    paths.extend(crate::agents::configured_paths(files.first().map(std::path::PathBuf::as_path))?);
    crate::agents::supply(&mut compiler, &paths, !agents.no_installed_agents)?;
    Ok(compiler)
}

fn read(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    String::from_utf8(bytes).map_err(|e| format!("{} is not UTF-8 text (byte {} is invalid)", path.display(), e.utf8_error().valid_up_to()))
}

pub fn errors(diagnostics: &[Diagnostic]) -> usize {
    diagnostics.iter().filter(|d| d.severity == Severity::Error).count()
}

fn miette_severity(s: Severity) -> miette::Severity {
    match s {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Advice => miette::Severity::Advice,
    }
}

/// Renders diagnostics for a terminal with miette (colour only on a terminal).
pub fn human(compiler: &Compiler, diagnostics: &[Diagnostic]) -> String {
    let files = compiler.files();
    let theme = if std::io::stderr().is_terminal() { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let handler = GraphicalReportHandler::new_themed(theme).with_links(false);
    let mut out = String::new();
    for d in diagnostics {
        let (path, text) = files.get(d.file.0 as usize).cloned().unwrap_or_default();
        let mut labels = vec![LabeledSpan::new_primary_with_span(None, d.span.range())];
        for label in d.labels.iter().filter(|l| l.file == d.file) {
            labels.push(LabeledSpan::new_with_span(Some(label.message.clone()), label.span.range()));
        }
        let mut report = MietteDiagnostic::new(d.message.clone()).with_code(d.code.code).with_severity(miette_severity(d.severity)).with_labels(labels);
        let mut help = d.help.clone().unwrap_or_default();
        for label in d.labels.iter().filter(|l| l.file != d.file) {
            if let Some((other, other_text)) = files.get(label.file.0 as usize) {
                let pos = hapolicy_compiler::span::LineIndex::new(other_text).line_col(other_text, label.span.start as usize);
                help.push_str(&format!("\n{}: {}:{}:{}", label.message, other, pos.line, pos.column));
            }
        }
        if !help.is_empty() {
            report = report.with_help(help);
        }
        let report = miette::Report::new(report).with_source_code(NamedSource::new(path, text));
        if handler.render_report(&mut out, report.as_ref()).is_err() {
            out.push_str(&format!("{}: {}\n", d.code.code, d.message));
        }
    }
    let errors = errors(diagnostics);
    let warnings = diagnostics.iter().filter(|d| d.severity == Severity::Warning).count();
    if errors + warnings > 0 {
        out.push_str(&format!("{errors} error(s), {warnings} warning(s)\n"));
    }
    out
}

/// Shows diagnostics in the chosen format; the exit code is 1 when any is an error.
pub fn show(compiler: &Compiler, format: crate::Format, clean: &str) -> u8 {
    let diagnostics = compiler.diagnostics();
    match format {
        crate::Format::Json => emit(&json(compiler, diagnostics)),
        crate::Format::Sarif => emit(&sarif(compiler, diagnostics)),
        crate::Format::Human if diagnostics.is_empty() => eprintln!("{clean}"),
        crate::Format::Human => eprint!("{}", human(compiler, diagnostics)),
    }
    u8::from(errors(diagnostics) > 0)
}

/// Writes to standard output; a closed pipe (`hapolicy ... | head`) is not an error worth a panic.
pub fn emit(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|_| out.write_all(b"\n")).and_then(|_| out.flush());
}

pub fn sarif(compiler: &Compiler, diagnostics: &[Diagnostic]) -> String {
    let files = compiler.files();
    let texts: Vec<FileText<'_>> = files.iter().map(|(p, t)| FileText::new(p, t)).collect();
    hapolicy_compiler::diagnostics::render_sarif(&texts, diagnostics)
}

pub fn json(compiler: &Compiler, diagnostics: &[Diagnostic]) -> String {
    let files = compiler.files();
    let texts: Vec<FileText<'_>> = files.iter().map(|(p, t)| FileText::new(p, t)).collect();
    render_json(&texts, diagnostics)
}
