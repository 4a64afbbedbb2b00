//! Applying fixes: choosing which fixes of a set of diagnostics go into a file (safe ones, or
//! unsafe ones too when asked), applying their edits from the end of the text, and the loop that
//! re-checks after each pass, so a fix that uncovers another is followed up and a fix that
//! would break the file is never written.
//!
//! A fix is applied whole or not at all; of two fixes that touch the same text only the first
//! is applied in a pass (the next pass, on the re-checked text, decides about the other).

use super::levels::LintLevels;
use super::{Code, Diagnostic, FileId, Fix, Safety, Severity};
use crate::db::Compiler;

/// A fix that went into a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedFix {
    pub code: &'static Code,
    pub title: String,
    pub safety: Safety,
    /// Where the diagnostic was, in the text before this fix (byte offset).
    pub at: u32,
}

/// The text after one pass, and what was applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixPass {
    pub text: String,
    pub applied: Vec<AppliedFix>,
}

fn overlaps(a: &Fix, b: &Fix) -> bool {
    a.edits.iter().any(|x| b.edits.iter().any(|y| (x.span.start < y.span.end && y.span.start < x.span.end) || x.span.start == y.span.start))
}

/// Applies to `text`, the text of `file`, the first acceptable fix of each diagnostic: safe
/// ones, and unsafe ones when `allow_unsafe`. A fix must lie wholly in `file`, within the text
/// and on character boundaries; one that overlaps a fix chosen before it waits for a later pass.
pub fn apply_fixes(text: &str, file: FileId, diagnostics: &[Diagnostic], allow_unsafe: bool) -> FixPass {
    let mut chosen: Vec<(&Diagnostic, &Fix)> = Vec::new();
    for d in diagnostics {
        let acceptable = d.fixes.iter().find(|f| {
            (f.safety == Safety::Safe || allow_unsafe)
                && !f.edits.is_empty()
                && f.edits.iter().all(|e| e.file == file && e.span.start <= e.span.end && text.get(e.span.range()).is_some())
        });
        let Some(fix) = acceptable else { continue };
        // Two diagnostics may offer the very same edits: apply them once.
        if chosen.iter().any(|(_, other)| other.edits == fix.edits) {
            continue;
        }
        if chosen.iter().any(|(_, other)| overlaps(other, fix)) {
            continue;
        }
        chosen.push((d, fix));
    }
    let mut edits: Vec<&super::Edit> = chosen.iter().flat_map(|(_, f)| f.edits.iter()).collect();
    edits.sort_by_key(|e| std::cmp::Reverse((e.span.start, e.span.end)));
    let mut out = text.to_string();
    for e in edits {
        let range = tidy_deletion(text, e);
        if out.get(range.clone()).is_some() {
            out.replace_range(range, &e.replacement);
        }
    }
    let mut applied: Vec<AppliedFix> =
        chosen.iter().map(|(d, f)| AppliedFix { code: d.code, title: f.title.clone(), safety: f.safety, at: d.span.start }).collect();
    applied.sort_by_key(|a| a.at);
    FixPass { text: out, applied }
}

/// The range an edit replaces; a deletion that ends a line or a list item also takes the blanks
/// before it, so removing `timeout=20s` from `role=Promoted timeout=20s` leaves no trailing space.
fn tidy_deletion(text: &str, edit: &super::Edit) -> std::ops::Range<usize> {
    let range = edit.span.range();
    if !edit.replacement.is_empty() {
        return range;
    }
    let after = text.get(range.end..).and_then(|rest| rest.chars().next());
    if !matches!(after, None | Some('\n' | '\r' | ' ' | '\t' | ';' | '}')) {
        return range;
    }
    let before = text.get(..range.start).unwrap_or("");
    let blanks = before.len() - before.trim_end_matches([' ', '\t']).len();
    // Keep the indentation of a line the deletion empties.
    if before.trim_end_matches([' ', '\t']).ends_with('\n') || blanks == before.len() {
        return range;
    }
    range.start - blanks..range.end
}

/// What fixing did to one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileFixes {
    pub file: FileId,
    pub path: String,
    /// The text before any fix.
    pub original: String,
    /// The text to write (the original when nothing was applied or the fixes were undone).
    pub fixed: String,
    pub applied: Vec<AppliedFix>,
    /// Set when the fixed text read worse than the original (a bug in a fix): nothing of this
    /// file's fixes is kept.
    pub undone: Option<String>,
}

impl FileFixes {
    pub fn changed(&self) -> bool {
        self.fixed != self.original
    }
}

/// Errors that mean a file cannot be read (syntax, an unreadable CIB).
fn unreadable(diagnostics: &[Diagnostic], file: FileId) -> usize {
    diagnostics.iter().filter(|d| d.file == file && d.severity == Severity::Error && (d.code.code.starts_with("HP0") || d.code.code == "HP4004")).count()
}

/// Passes over the project's `files` until no acceptable fix is left (at most a few passes), re-checking after each.
/// Fixes of diagnostics the levels drop are not applied. The compiler ends up holding the fixed texts.
pub fn fix_files(compiler: &mut Compiler, files: &[FileId], levels: &LintLevels, allow_unsafe: bool) -> Vec<FileFixes> {
    const PASSES: usize = 8;
    let texts = compiler.files();
    let before = compiler.diagnostics().to_vec();
    let mut results: Vec<FileFixes> = files
        .iter()
        .filter_map(|f| {
            texts.get(f.0 as usize).map(|(path, text)| FileFixes {
                file: *f,
                path: path.clone(),
                original: text.clone(),
                fixed: text.clone(),
                applied: Vec::new(),
                undone: None,
            })
        })
        .collect();
    for _ in 0..PASSES {
        let diagnostics = levels.apply(compiler.diagnostics());
        let mut changed = false;
        for result in &mut results {
            let pass = apply_fixes(&result.fixed, result.file, &diagnostics, allow_unsafe);
            if pass.applied.is_empty() || pass.text == result.fixed {
                continue;
            }
            result.fixed = pass.text;
            result.applied.extend(pass.applied);
            compiler.set_file(&result.path, result.fixed.clone());
            changed = true;
        }
        if !changed {
            break;
        }
    }
    let after = compiler.diagnostics().to_vec();
    for result in &mut results {
        if result.changed() && unreadable(&after, result.file) > unreadable(&before, result.file) {
            result.undone = Some("the fixed text did not read back cleanly, so no fix was kept; please report this".to_string());
            result.fixed = result.original.clone();
            result.applied.clear();
            compiler.set_file(&result.path, result.original.clone());
        }
    }
    results
}

/// Fixes are judged for policy text, where hapolicy decides what the text means. In CIB XML
/// Pacemaker reads the text itself, so an edit that keeps a policy's meaning can change a CIB's
/// (`P1D` is 24 hours to hapolicy and 0 to Pacemaker): there such fixes are offered as unsafe,
/// except those of the CIB findings (HP4xxx), which are made for XML.
pub fn judge_for_cib(diagnostic: &mut Diagnostic) {
    if diagnostic.code.code.starts_with("HP4") {
        return;
    }
    for fix in &mut diagnostic.fixes {
        fix.safety = Safety::Unsafe;
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]
    use super::*;
    use crate::diagnostics::codes;
    use crate::span::Span;

    fn fixing(start: u32, end: u32, replacement: &str, safety: Safety) -> Diagnostic {
        Diagnostic::new(&codes::DEPRECATED, Span { start, end }, "m".to_string()).with_fix("t", safety, Span { start, end }, replacement)
    }

    #[test]
    fn applies_from_the_end_and_skips_overlaps_and_unsafe_fixes() {
        let text = "role=Master role=Slave x";
        let ds = [
            fixing(5, 11, "Promoted", Safety::Safe),
            fixing(17, 22, "Unpromoted", Safety::Safe),
            fixing(17, 20, "Sl", Safety::Safe),
            fixing(23, 24, "y", Safety::Unsafe),
        ];
        let pass = apply_fixes(text, FileId(0), &ds, false);
        assert_eq!(pass.text, "role=Promoted role=Unpromoted x");
        assert_eq!(pass.applied.len(), 2);
        let pass = apply_fixes(text, FileId(0), &ds, true);
        assert_eq!(pass.text, "role=Promoted role=Unpromoted y");
    }

    #[test]
    fn out_of_range_and_other_files_are_ignored() {
        let ds = [fixing(3, 99, "x", Safety::Safe), fixing(0, 1, "x", Safety::Safe).in_file(FileId(1))];
        let pass = apply_fixes("abc", FileId(0), &ds, true);
        assert_eq!(pass.text, "abc");
        assert!(pass.applied.is_empty());
    }
}
