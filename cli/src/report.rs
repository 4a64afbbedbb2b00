//! Loading policy files into the compiler, and showing its diagnostics.

use std::io::IsTerminal;
use std::path::Path;

use hapolicy_compiler::diagnostics::levels::LintLevels;
use hapolicy_compiler::diagnostics::{fixes, render_json, FileId, FileText, Safety};
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
        if let Some(fix) = d.fixes.iter().find(|f| f.safety == Safety::Safe) {
            if !help.is_empty() {
                help.push('\n');
            }
            help.push_str(&format!("--fix: {}", fix.title));
        }
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
        let fixable = diagnostics.iter().filter(|d| d.fixes.iter().any(|f| f.safety == Safety::Safe)).count();
        let fixable = if fixable > 0 { format!(", {fixable} fixable with --fix") } else { String::new() };
        out.push_str(&format!("{errors} error(s), {warnings} warning(s){fixable}\n"));
    }
    out
}

/// Shows the diagnostics as the run's lint levels report them.
pub fn show_leveled(compiler: &Compiler, levels: &LintLevels, format: crate::Format, clean: &str) -> u8 {
    show_diagnostics(compiler, &levels.apply(compiler.diagnostics()), format, clean)
}

/// `--fix`: applies the fixes to the named files of the compiler, writes the changed files
/// atomically (to the paths given, which may differ from the compiler's names for them) and
/// says on stderr what was fixed. Returns false when a file could not be written.
pub fn fix(compiler: &mut Compiler, paths: &[(FileId, std::path::PathBuf)], levels: &LintLevels, fix: crate::FixArgs) -> bool {
    let ids: Vec<FileId> = paths.iter().map(|(id, _)| *id).collect();
    let results = fixes::fix_files(compiler, &ids, levels, fix.fix_unsafe);
    let mut ok = true;
    if results.iter().all(|r| r.applied.is_empty() && r.undone.is_none()) {
        let kind = if fix.fix_unsafe { "fixes" } else { "safe fixes" };
        eprintln!("no {kind} to apply");
    }
    for result in results {
        let Some((_, path)) = paths.iter().find(|(id, _)| *id == result.file) else { continue };
        if let Some(why) = &result.undone {
            eprintln!("error: {}: {why}", path.display());
            ok = false;
            continue;
        }
        if !result.changed() {
            continue;
        }
        if let Err(e) = crate::output::write_atomically(path, &result.fixed) {
            eprintln!("error: cannot write {}: {e}", path.display());
            ok = false;
            continue;
        }
        eprintln!("fixed {} problem(s) in {}:", result.applied.len(), path.display());
        for applied in &result.applied {
            let unsafe_note = if applied.safety == Safety::Unsafe { " (unsafe)" } else { "" };
            eprintln!("  {} {}: {}{unsafe_note}", applied.code.code, applied.code.name, applied.title);
        }
    }
    ok
}

fn show_diagnostics(compiler: &Compiler, diagnostics: &[Diagnostic], format: crate::Format, clean: &str) -> u8 {
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
