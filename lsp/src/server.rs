//! The LSP methods: each reads a snapshot of the database on a blocking thread and converts the
//! compiler's answer to protocol types.

use std::collections::{HashMap, HashSet};
use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use hapolicy_compiler::diagnostics::{FileId, Safety};
use hapolicy_compiler::ide::{self, CompletionKind, OutlineKind, OutlineSymbol, TokenKind};
use hapolicy_compiler::model::SymbolKind;
use hapolicy_compiler::span::{offset_of_position, Span};
use hapolicy_compiler::Compiler;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use crate::convert::{self, Text};
use crate::Options;

/// The semantic token types, in the order of `TokenKind` indices below.
const TOKEN_TYPES: &[SemanticTokenType] = &[
    SemanticTokenType::KEYWORD,
    SemanticTokenType::COMMENT,
    SemanticTokenType::STRING,
    SemanticTokenType::NUMBER,
    SemanticTokenType::CLASS,
    SemanticTokenType::ENUM_MEMBER,
    SemanticTokenType::TYPE,
    SemanticTokenType::PROPERTY,
    SemanticTokenType::METHOD,
];

fn token_index(kind: TokenKind) -> (u32, u32) {
    match kind {
        TokenKind::Keyword => (0, 0),
        TokenKind::Comment => (1, 0),
        TokenKind::String => (2, 0),
        TokenKind::Number => (3, 0),
        TokenKind::Declaration => (4, 1),
        TokenKind::Reference => (4, 0),
        TokenKind::Node => (5, 0),
        TokenKind::Agent => (6, 0),
        TokenKind::Property => (7, 0),
        TokenKind::Operation => (8, 0),
    }
}

/// What the server keeps between messages.
struct State {
    compiler: Compiler,
    /// Open documents and their versions.
    versions: HashMap<String, i32>,
    /// Files the last publication gave diagnostics to.
    published: HashSet<String>,
    /// Agents whose metadata was already looked for.
    agents_looked_up: HashSet<String>,
    /// Positions count bytes (UTF-8) rather than UTF-16 code units.
    utf8: bool,
}

pub struct Backend {
    client: Client,
    state: Arc<Mutex<State>>,
    options: Options,
}

impl Backend {
    pub fn new(client: Client, options: Options) -> Backend {
        let mut compiler = Compiler::default();
        // One edit changes one item: reparse only that one.
        compiler.set_per_item_parsing(true);
        let state = State { compiler, versions: HashMap::new(), published: HashSet::new(), agents_looked_up: HashSet::new(), utf8: false };
        Backend { client, state: Arc::new(Mutex::new(state)), options }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Answers from a snapshot on a blocking thread. A change meanwhile cancels the query
    /// (`ContentModified`); a panic becomes an internal error, and the server keeps serving.
    async fn query<T: Send + 'static>(&self, f: impl FnOnce(&Compiler, bool) -> T + Send + 'static) -> Result<T> {
        let (snapshot, utf8) = {
            let state = self.state();
            (state.compiler.snapshot(), state.utf8)
        };
        let joined = tokio::task::spawn_blocking(move || {
            std::panic::catch_unwind(AssertUnwindSafe(move || {
                let result = Compiler::catch(AssertUnwindSafe(|| f(&snapshot, utf8)));
                drop(snapshot);
                result
            }))
        })
        .await;
        match joined {
            Ok(Ok(Ok(value))) => Ok(value),
            Ok(Ok(Err(_cancelled))) => Err(Error::content_modified()),
            Ok(Err(panic)) => {
                let what = panic.downcast_ref::<&str>().map(|s| (*s).to_string()).or_else(|| panic.downcast_ref::<String>().cloned()).unwrap_or_default();
                self.client.log_message(MessageType::ERROR, format!("hapolicy: internal error answering a request: {what}")).await;
                Err(Error::internal_error())
            }
            Err(_) => Err(Error::internal_error()),
        }
    }

    /// Runs `f` on a document: its file id and text, or `None` when the document is unknown.
    async fn on_document<T: Send + 'static>(&self, uri: &Uri, f: impl FnOnce(&Compiler, FileId, &Text<'_>) -> Option<T> + Send + 'static) -> Result<Option<T>> {
        let path = uri.as_str().to_string();
        self.query(move |compiler, utf8| {
            let id = compiler.file_id(&path)?;
            let (_, text) = compiler.file(id)?;
            let text = Text::new(text, utf8);
            f(compiler, id, &text)
        })
        .await
    }

    /// Looks up metadata for agents the policy names that were not looked up yet, then
    /// publishes diagnostics for every file of the project.
    async fn refresh(&self) {
        if let Some(loader) = self.options.load_agent.clone() {
            let Ok(referenced) = self.query(|compiler, _| compiler.referenced_agents()).await else { return };
            let missing: Vec<String> = {
                let mut state = self.state();
                referenced.into_iter().filter(|a| state.agents_looked_up.insert(a.clone())).collect()
            };
            if !missing.is_empty() {
                let found = tokio::task::spawn_blocking(move || {
                    missing.iter().filter_map(|a| loader(a).map(|(origin, xml)| (a.clone(), origin, xml))).collect::<Vec<_>>()
                })
                .await;
                if let Ok(found) = found {
                    let mut state = self.state();
                    for (agent, origin, xml) in found {
                        if !state.compiler.has_agent_metadata(&agent) {
                            state.compiler.add_agent_metadata(&agent, &origin, xml);
                        }
                    }
                }
            }
        }
        self.publish().await;
    }

    async fn publish(&self) {
        // The versions are read with the snapshot, so that diagnostics are labelled with the
        // version they were computed for, even if an edit arrives meanwhile.
        let versions = self.state().versions.clone();
        let computed = self
            .query(|compiler, utf8| {
                let mut by_file: Vec<(String, Vec<Diagnostic>)> = Vec::new();
                let diagnostics = compiler.diagnostics();
                // Files are borrowed, and a line index is built only for a file with diagnostics:
                // a large policy without any costs no copy and no scan.
                let mut id = FileId(0);
                while let Some((path, text)) = compiler.file(id) {
                    let mut mine = diagnostics.iter().filter(|d| d.file == id).peekable();
                    let list = match mine.peek() {
                        None => Vec::new(),
                        Some(_) => {
                            let text = Text::new(text, utf8);
                            mine.map(|d| convert::diagnostic(compiler, &text, d, utf8)).collect()
                        }
                    };
                    by_file.push((path.to_string(), list));
                    id = FileId(id.0.saturating_add(1));
                    if id.0 == u32::MAX {
                        break;
                    }
                }
                by_file
            })
            .await;
        let Ok(by_file) = computed else { return };
        let mut to_send = Vec::new();
        {
            let mut state = self.state();
            if state.versions != versions {
                // An edit arrived while computing: its own refresh publishes.
                return;
            }
            let mut now = HashSet::new();
            for (path, list) in by_file {
                // Open documents always hear back; other files only when something changed.
                let had = state.published.contains(&path);
                if list.is_empty() && !had && !state.versions.contains_key(&path) {
                    continue;
                }
                if !list.is_empty() {
                    now.insert(path.clone());
                }
                let version = state.versions.get(&path).copied();
                to_send.push((path, list, version));
            }
            // Files that left the project lose their diagnostics.
            for gone in state.published.difference(&now).cloned().collect::<Vec<_>>() {
                if !to_send.iter().any(|(p, _, _)| p == &gone) {
                    to_send.push((gone, Vec::new(), None));
                }
            }
            state.published = now;
        }
        for (path, list, version) in to_send {
            if let Some(uri) = convert::uri(&path) {
                self.client.publish_diagnostics(uri, list, version).await;
            }
        }
    }

    /// Adds the workspace's policy files, so that names declared in other files resolve.
    fn load_workspace(&self, root: &Path) {
        let mut found = Vec::new();
        collect_policies(root, 0, &mut found);
        let mut state = self.state();
        for path in found {
            let (Ok(text), Some(uri)) = (std::fs::read_to_string(&path), Uri::from_file_path(&path)) else { continue };
            state.compiler.set_file(uri.as_str(), text);
        }
    }
}

/// `.hapolicy` files under `dir`, a few levels deep, skipping build and VCS folders.
fn collect_policies(dir: &Path, depth: usize, out: &mut Vec<std::path::PathBuf>) {
    const MAX_FILES: usize = 5_000;
    if depth > 6 || out.len() >= MAX_FILES {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<_> = entries.filter_map(std::result::Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            if !name.starts_with('.') && !matches!(name, "target" | "node_modules") {
                collect_policies(&path, depth + 1, out);
            }
        } else if name.ends_with(".hapolicy") && out.len() < MAX_FILES {
            out.push(path);
        }
    }
}

/// Applies LSP content changes (whole-document or ranged) to a text.
fn apply_changes(text: &mut String, changes: Vec<TextDocumentContentChangeEvent>, utf8: bool) {
    for change in changes {
        match change.range {
            None => *text = change.text,
            Some(range) => {
                // One change of a large file: only the text up to it is scanned, not indexed.
                let at = |p: Position| offset_of_position(text, p.line, p.character, !utf8);
                let start = at(range.start);
                let end = at(range.end).max(start);
                if text.is_char_boundary(start) && text.is_char_boundary(end) && end <= text.len() {
                    text.replace_range(start..end, &change.text);
                }
            }
        }
    }
}

fn outline_kind(kind: OutlineKind) -> SymbolKind_ {
    match kind {
        OutlineKind::Resource => SymbolKind_::CLASS,
        OutlineKind::Template => SymbolKind_::INTERFACE,
        OutlineKind::Constraint => SymbolKind_::EVENT,
        OutlineKind::Node => SymbolKind_::ENUM_MEMBER,
        OutlineKind::Options => SymbolKind_::NAMESPACE,
        OutlineKind::Operation => SymbolKind_::METHOD,
        OutlineKind::Agent => SymbolKind_::STRUCT,
        OutlineKind::Other => SymbolKind_::OBJECT,
    }
}

type SymbolKind_ = tower_lsp_server::ls_types::SymbolKind;

fn symbol_kind(kind: SymbolKind) -> SymbolKind_ {
    match kind {
        SymbolKind::Primitive | SymbolKind::Group | SymbolKind::Clone | SymbolKind::Promotable | SymbolKind::Bundle => SymbolKind_::CLASS,
        SymbolKind::Template => SymbolKind_::INTERFACE,
        SymbolKind::Constraint => SymbolKind_::EVENT,
        SymbolKind::Op => SymbolKind_::METHOD,
        _ => SymbolKind_::OBJECT,
    }
}

#[allow(deprecated, reason = "DocumentSymbol::deprecated must be written even though it is deprecated")]
fn document_symbol(text: &Text<'_>, symbol: OutlineSymbol) -> DocumentSymbol {
    let children: Vec<DocumentSymbol> = symbol.children.into_iter().map(|c| document_symbol(text, c)).collect();
    DocumentSymbol {
        name: symbol.name,
        detail: Some(symbol.detail),
        kind: outline_kind(symbol.kind),
        tags: None,
        deprecated: None,
        range: text.range(symbol.span),
        selection_range: text.range(symbol.selection),
        children: if children.is_empty() { None } else { Some(children) },
    }
}

fn completion_kind(kind: CompletionKind) -> CompletionItemKind {
    match kind {
        CompletionKind::Keyword => CompletionItemKind::KEYWORD,
        CompletionKind::Agent => CompletionItemKind::MODULE,
        CompletionKind::Parameter => CompletionItemKind::FIELD,
        CompletionKind::Action => CompletionItemKind::METHOD,
        CompletionKind::Property => CompletionItemKind::PROPERTY,
        CompletionKind::Option => CompletionItemKind::PROPERTY,
        CompletionKind::Resource => CompletionItemKind::CLASS,
        CompletionKind::Node => CompletionItemKind::ENUM_MEMBER,
        CompletionKind::Value => CompletionItemKind::VALUE,
    }
}

/// Edits grouped by file, as a workspace edit.
fn workspace_edit(compiler: &Compiler, utf8: bool, edits: Vec<(FileId, Span, String)>) -> WorkspaceEdit {
    let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
    for (file, span, new_text) in edits {
        let Some((path, text)) = compiler.file(file) else { continue };
        let Some(uri) = convert::uri(path) else { continue };
        let range = Text::new(text, utf8).range(span);
        changes.entry(uri).or_default().push(TextEdit { range, new_text });
    }
    WorkspaceEdit { changes: Some(changes), document_changes: None, change_annotations: None }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let utf8 = params.capabilities.general.as_ref().and_then(|g| g.position_encodings.as_ref()).is_some_and(|e| e.contains(&PositionEncodingKind::UTF8));
        self.state().utf8 = utf8;
        let roots: Vec<std::path::PathBuf> = match &params.workspace_folders {
            Some(folders) => folders.iter().filter_map(|f| f.uri.to_file_path().map(|p| p.into_owned())).collect(),
            #[allow(deprecated, reason = "older clients only send root_uri")]
            None => params.root_uri.as_ref().and_then(|u| u.to_file_path()).map(|p| p.into_owned()).into_iter().collect(),
        };
        for root in roots {
            self.load_workspace(&root);
        }
        let legend = SemanticTokensLegend { token_types: TOKEN_TYPES.to_vec(), token_modifiers: vec![SemanticTokenModifier::DECLARATION] };
        let capabilities = ServerCapabilities {
            position_encoding: Some(if utf8 { PositionEncodingKind::UTF8 } else { PositionEncodingKind::UTF16 }),
            text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                ..TextDocumentSyncOptions::default()
            })),
            hover_provider: Some(HoverProviderCapability::Simple(true)),
            completion_provider: Some(CompletionOptions {
                trigger_characters: Some([":", "=", " ", "(", ","].iter().map(|s| (*s).to_string()).collect()),
                ..CompletionOptions::default()
            }),
            definition_provider: Some(OneOf::Left(true)),
            references_provider: Some(OneOf::Left(true)),
            rename_provider: Some(OneOf::Right(RenameOptions { prepare_provider: Some(true), work_done_progress_options: WorkDoneProgressOptions::default() })),
            document_symbol_provider: Some(OneOf::Left(true)),
            workspace_symbol_provider: Some(OneOf::Left(true)),
            document_formatting_provider: Some(OneOf::Left(true)),
            code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                code_action_kinds: Some(vec![CodeActionKind::QUICKFIX, CodeActionKind::SOURCE_FIX_ALL]),
                ..CodeActionOptions::default()
            })),
            semantic_tokens_provider: Some(SemanticTokensServerCapabilities::SemanticTokensOptions(SemanticTokensOptions {
                legend,
                full: Some(SemanticTokensFullOptions::Bool(true)),
                range: Some(false),
                work_done_progress_options: WorkDoneProgressOptions::default(),
            })),
            inlay_hint_provider: Some(OneOf::Left(true)),
            folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
            diagnostic_provider: Some(DiagnosticServerCapabilities::Options(DiagnosticOptions {
                identifier: Some("hapolicy".into()),
                inter_file_dependencies: true,
                workspace_diagnostics: false,
                work_done_progress_options: WorkDoneProgressOptions::default(),
            })),
            ..ServerCapabilities::default()
        };
        Ok(InitializeResult {
            capabilities,
            server_info: Some(ServerInfo { name: "hapolicy".into(), version: Some(env!("CARGO_PKG_VERSION").into()) }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        self.refresh().await;
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        {
            let mut state = self.state();
            let path = params.text_document.uri.as_str().to_string();
            state.versions.insert(path.clone(), params.text_document.version);
            state.compiler.set_file(&path, params.text_document.text);
        }
        self.refresh().await;
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        {
            let mut state = self.state();
            let path = params.text_document.uri.as_str().to_string();
            state.versions.insert(path.clone(), params.text_document.version);
            let utf8 = state.utf8;
            state.compiler.edit_file(&path, |text| apply_changes(text, params.content_changes, utf8));
        }
        self.refresh().await;
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        {
            let mut state = self.state();
            let path = params.text_document.uri.as_str().to_string();
            state.versions.remove(&path);
            // A file on disk stays in the project (other files may name what it declares), with
            // the text it has on disk; an unsaved buffer leaves it.
            match params.text_document.uri.to_file_path().and_then(|p| std::fs::read_to_string(p).ok()) {
                Some(on_disk) => {
                    state.compiler.set_file(&path, on_disk);
                }
                None => state.compiler.remove_file(&path),
            }
        }
        self.publish().await;
    }

    async fn diagnostic(&self, params: DocumentDiagnosticParams) -> Result<DocumentDiagnosticReportResult> {
        let items = self
            .on_document(&params.text_document.uri, |compiler, id, text| {
                Some(compiler.diagnostics().iter().filter(|d| d.file == id).map(|d| convert::diagnostic(compiler, text, d, false)).collect::<Vec<_>>())
            })
            .await?
            .unwrap_or_default();
        Ok(DocumentDiagnosticReportResult::Report(DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
            related_documents: None,
            full_document_diagnostic_report: FullDocumentDiagnosticReport { result_id: None, items },
        })))
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let position = params.text_document_position_params.position;
        self.on_document(&params.text_document_position_params.text_document.uri, move |compiler, id, text| {
            let (span, markdown) = ide::hover(compiler.model(), id, text.offset(position))?;
            Some(Hover { contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value: markdown }), range: Some(text.range(span)) })
        })
        .await
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let position = params.text_document_position.position;
        self.on_document(&params.text_document_position.text_document.uri, move |compiler, _, text| {
            let schema_of = |spec: &str| compiler.agent_schema(spec);
            let items: Vec<CompletionItem> = ide::completions(compiler.model(), text.text, text.offset(position), &schema_of)
                .into_iter()
                .map(|c| CompletionItem {
                    label: c.label,
                    kind: Some(completion_kind(c.kind)),
                    detail: if c.detail.is_empty() { None } else { Some(c.detail) },
                    documentation: if c.documentation.is_empty() {
                        None
                    } else {
                        Some(Documentation::MarkupContent(MarkupContent { kind: MarkupKind::Markdown, value: c.documentation }))
                    },
                    insert_text: c.insert,
                    ..CompletionItem::default()
                })
                .collect();
            Some(CompletionResponse::Array(items))
        })
        .await
    }

    async fn goto_definition(&self, params: GotoDefinitionParams) -> Result<Option<GotoDefinitionResponse>> {
        let position = params.text_document_position_params.position;
        let utf8 = self.state().utf8;
        self.on_document(&params.text_document_position_params.text_document.uri, move |compiler, id, text| {
            let target = ide::definition(compiler.model(), id, text.offset(position))?;
            let (path, target_text) = compiler.file(target.file)?;
            let range = Text::new(target_text, utf8).range(target.span);
            Some(GotoDefinitionResponse::Scalar(Location { uri: convert::uri(path)?, range }))
        })
        .await
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let position = params.text_document_position.position;
        let include = params.context.include_declaration;
        let utf8 = self.state().utf8;
        self.on_document(&params.text_document_position.text_document.uri, move |compiler, id, text| {
            let found = ide::references(compiler.model(), id, text.offset(position), include);
            let mut texts: HashMap<FileId, Text<'_>> = HashMap::new();
            let mut out = Vec::new();
            for loc in found {
                let Some((path, file_text)) = compiler.file(loc.file) else { continue };
                let text = texts.entry(loc.file).or_insert_with(|| Text::new(file_text, utf8));
                if let Some(uri) = convert::uri(path) {
                    out.push(Location { uri, range: text.range(loc.span) });
                }
            }
            Some(out)
        })
        .await
    }

    async fn prepare_rename(&self, params: TextDocumentPositionParams) -> Result<Option<PrepareRenameResponse>> {
        let position = params.position;
        self.on_document(&params.text_document.uri, move |compiler, id, text| {
            let span = ide::prepare_rename(compiler.model(), id, text.offset(position))?;
            Some(PrepareRenameResponse::Range(text.range(span)))
        })
        .await
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let position = params.text_document_position.position;
        let new_name = params.new_name;
        let result = self
            .on_document(&params.text_document_position.text_document.uri, move |compiler, id, text| {
                Some(
                    ide::rename(compiler.model(), id, text.offset(position), &new_name)
                        .map(|edits| edits.into_iter().map(|(loc, t)| (loc.file, loc.span, t)).collect::<Vec<_>>()),
                )
            })
            .await?;
        match result {
            None => Ok(None),
            Some(Err(reason)) => Err(Error::invalid_params(reason)),
            Some(Ok(edits)) => {
                let utf8 = self.state().utf8;
                self.query(move |compiler, _| Some(workspace_edit(compiler, utf8, edits))).await
            }
        }
    }

    async fn document_symbol(&self, params: DocumentSymbolParams) -> Result<Option<DocumentSymbolResponse>> {
        self.on_document(&params.text_document.uri, |compiler, id, text| {
            let symbols = ide::document_symbols(compiler.model(), id).into_iter().map(|s| document_symbol(text, s)).collect();
            Some(DocumentSymbolResponse::Nested(symbols))
        })
        .await
    }

    async fn symbol(&self, params: WorkspaceSymbolParams) -> Result<Option<WorkspaceSymbolResponse>> {
        let query = params.query;
        self.query(move |compiler, utf8| {
            let mut texts: HashMap<FileId, Text<'_>> = HashMap::new();
            let mut out = Vec::new();
            for (name, kind, loc) in ide::workspace_symbols(compiler.model(), &query, 500) {
                let Some((path, file_text)) = compiler.file(loc.file) else { continue };
                let text = texts.entry(loc.file).or_insert_with(|| Text::new(file_text, utf8));
                let Some(uri) = convert::uri(path) else { continue };
                out.push(WorkspaceSymbol {
                    name,
                    kind: symbol_kind(kind),
                    tags: None,
                    container_name: Some(kind.describe().to_string()),
                    location: OneOf::Left(Location { uri, range: text.range(loc.span) }),
                    data: None,
                });
            }
            Some(WorkspaceSymbolResponse::Nested(out))
        })
        .await
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        self.on_document(&params.text_document.uri, |compiler, id, text| {
            let (path, _) = compiler.file(id)?;
            if hapolicy_compiler::db::is_cib(path, text.text) {
                return None;
            }
            let formatted = hapolicy_compiler::format::format_source(text.text).ok()?;
            if formatted == text.text {
                return Some(Vec::new());
            }
            Some(vec![TextEdit { range: text.whole(), new_text: formatted }])
        })
        .await
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let range = params.range;
        let only = params.context.only.clone();
        let utf8 = self.state().utf8;
        self.on_document(&params.text_document.uri, move |compiler, id, text| {
            let wanted = text.span(range);
            let mut actions: CodeActionResponse = Vec::new();
            let diagnostics: Vec<_> = compiler.diagnostics().iter().filter(|d| d.file == id).collect();
            let want = |kind: &CodeActionKind| only.as_ref().is_none_or(|only| only.iter().any(|k| kind.as_str().starts_with(k.as_str())));
            if want(&CodeActionKind::QUICKFIX) {
                for d in diagnostics.iter().filter(|d| d.span.start <= wanted.end && d.span.end >= wanted.start) {
                    for fix in &d.fixes {
                        let edits = fix.edits.iter().map(|e| (e.file, e.span, e.replacement.clone())).collect();
                        actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                            title: fix.title.clone(),
                            kind: Some(CodeActionKind::QUICKFIX),
                            diagnostics: Some(vec![convert::diagnostic(compiler, text, d, utf8)]),
                            edit: Some(workspace_edit(compiler, utf8, edits)),
                            is_preferred: Some(fix.safety == Safety::Safe),
                            ..CodeAction::default()
                        }));
                    }
                }
            }
            let fix_all = CodeActionKind::new("source.fixAll.hapolicy");
            if only.as_ref().is_some_and(|_| want(&fix_all)) {
                // Every safe fix of this file whose edits do not overlap an earlier one.
                let mut taken: Vec<Span> = Vec::new();
                let mut edits = Vec::new();
                for fix in diagnostics.iter().flat_map(|d| d.fixes.iter()).filter(|f| f.safety == Safety::Safe) {
                    if fix.edits.iter().all(|e| e.file == id && taken.iter().all(|t| e.span.end <= t.start || e.span.start >= t.end)) {
                        taken.extend(fix.edits.iter().map(|e| e.span));
                        edits.extend(fix.edits.iter().map(|e| (e.file, e.span, e.replacement.clone())));
                    }
                }
                if !edits.is_empty() {
                    actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                        title: "Apply every safe hapolicy fix".into(),
                        kind: Some(fix_all),
                        edit: Some(workspace_edit(compiler, utf8, edits)),
                        ..CodeAction::default()
                    }));
                }
            }
            Some(actions)
        })
        .await
    }

    async fn semantic_tokens_full(&self, params: SemanticTokensParams) -> Result<Option<SemanticTokensResult>> {
        self.on_document(&params.text_document.uri, |compiler, id, text| {
            let tokens = ide::semantic_tokens(compiler.model(), id, text.text);
            let mut data = Vec::with_capacity(tokens.len());
            let (mut line, mut start) = (0u32, 0u32);
            for (span, kind) in tokens {
                let from = text.position(span.start as usize);
                let to = text.position(span.end as usize);
                if to.line != from.line || to.character <= from.character {
                    continue;
                }
                let (token_type, modifiers) = token_index(kind);
                let delta_line = from.line - line;
                let delta_start = if delta_line == 0 { from.character - start } else { from.character };
                data.push(SemanticToken { delta_line, delta_start, length: to.character - from.character, token_type, token_modifiers_bitset: modifiers });
                line = from.line;
                start = from.character;
            }
            Some(SemanticTokensResult::Tokens(SemanticTokens { result_id: None, data }))
        })
        .await
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        let range = params.range;
        self.on_document(&params.text_document.uri, move |compiler, id, text| {
            let hints = ide::inlay_hints(compiler.model(), id, text.span(range));
            Some(
                hints
                    .into_iter()
                    .map(|h| InlayHint {
                        position: text.position(h.offset),
                        label: InlayHintLabel::String(h.label),
                        kind: None,
                        text_edits: None,
                        tooltip: Some(InlayHintTooltip::String(h.tooltip)),
                        padding_left: Some(true),
                        padding_right: None,
                        data: None,
                    })
                    .collect(),
            )
        })
        .await
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        self.on_document(&params.text_document.uri, |compiler, id, text| {
            let ranges = ide::folding_ranges(compiler.model(), id, text.text);
            Some(
                ranges
                    .into_iter()
                    .filter_map(|span| {
                        let (from, to) = (text.position(span.start as usize), text.position(span.end as usize));
                        let comment = text.text.get(span.range()).is_some_and(|s| s.starts_with('#'));
                        (to.line > from.line).then_some(FoldingRange {
                            start_line: from.line,
                            start_character: None,
                            end_line: to.line,
                            end_character: None,
                            kind: Some(if comment { FoldingRangeKind::Comment } else { FoldingRangeKind::Region }),
                            collapsed_text: None,
                        })
                    })
                    .collect(),
            )
        })
        .await
    }
}
