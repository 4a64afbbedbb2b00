//! Between the compiler's byte offsets and LSP's line/column positions, and from the compiler's
//! diagnostics to LSP's.

use hapolicy_compiler::diagnostics::{Diagnostic, Severity};
use hapolicy_compiler::span::{LineIndex, Span};
use hapolicy_compiler::Compiler;
use tower_lsp_server::ls_types as lsp;

/// One file's text with its line index, in the encoding the client and server agreed on.
pub struct Text<'a> {
    pub text: &'a str,
    index: LineIndex,
    utf8: bool,
}

impl<'a> Text<'a> {
    pub fn new(text: &'a str, utf8: bool) -> Text<'a> {
        Text { text, index: LineIndex::new(text), utf8 }
    }

    pub fn position(&self, offset: usize) -> lsp::Position {
        let (line, character) = self.index.position(self.text, offset, !self.utf8);
        lsp::Position { line, character }
    }

    pub fn range(&self, span: Span) -> lsp::Range {
        lsp::Range { start: self.position(span.start as usize), end: self.position(span.end as usize) }
    }

    pub fn offset(&self, position: lsp::Position) -> usize {
        self.index.offset(self.text, position.line, position.character, !self.utf8)
    }

    pub fn span(&self, range: lsp::Range) -> Span {
        Span::new(self.offset(range.start), self.offset(range.end))
    }

    /// The range of the whole text.
    pub fn whole(&self) -> lsp::Range {
        self.range(Span::new(0, self.text.len()))
    }
}

pub fn uri(path: &str) -> Option<lsp::Uri> {
    path.parse().ok()
}

/// An LSP diagnostic for a compiler diagnostic in the file `text` belongs to.
pub fn diagnostic(compiler: &Compiler, text: &Text<'_>, d: &Diagnostic, utf8: bool) -> lsp::Diagnostic {
    let severity = match d.severity {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Advice => lsp::DiagnosticSeverity::INFORMATION,
    };
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let related: Vec<lsp::DiagnosticRelatedInformation> = d
        .labels
        .iter()
        .filter_map(|label| {
            let (path, label_text) = compiler.file(label.file)?;
            let range = if label.file == d.file { text.range(label.span) } else { Text::new(label_text, utf8).range(label.span) };
            Some(lsp::DiagnosticRelatedInformation { location: lsp::Location { uri: uri(path)?, range }, message: label.message.clone() })
        })
        .collect();
    lsp::Diagnostic {
        range: text.range(d.span),
        severity: Some(severity),
        code: Some(lsp::NumberOrString::String(d.code.code.to_string())),
        code_description: None,
        source: Some("hapolicy".to_string()),
        message,
        related_information: if related.is_empty() { None } else { Some(related) },
        tags: None,
        data: None,
    }
}
