//! The compiler database: the only user of salsa.
//!
//! Inputs are the source files and the project (its file list and build target). Parsing is per
//! file; the model, the diagnostics and the CIB are per project. The CLI and the language server
//! both go through `Compiler`, which owns the database and applies changes as input setters.

use salsa::Setter;

use crate::agents::AgentSchema;
use crate::cib::{self, Target};
use crate::diagnostics::{Diagnostic, FileId, Severity};
use crate::model::{self, Model};
use crate::syntax::{self, ParsedFile};

#[salsa::input(debug)]
pub struct SourceFile {
    #[returns(ref)]
    pub path: String,
    #[returns(ref)]
    pub text: String,
}

/// Agent metadata XML the shell found (a file the admin named, or an installed agent).
#[salsa::input(debug)]
pub struct AgentMetadata {
    #[returns(ref)]
    pub name: String,
    #[returns(ref)]
    pub origin: String,
    #[returns(ref)]
    pub xml: String,
}

#[salsa::input(debug)]
pub struct Project {
    #[returns(ref)]
    pub files: Vec<SourceFile>,
    /// Parse item by item, reusing the items whose text did not change (for editors, where
    /// one edit changes one item); otherwise parse whole files, on two threads when large.
    pub per_item_parsing: bool,
    pub target: Target,
    /// Supplied agent metadata, in order of precedence.
    #[returns(ref)]
    pub metadata: Vec<AgentMetadata>,
    /// The stdlib's agent declarations.
    #[returns(ref)]
    pub library: Vec<SourceFile>,
}

#[salsa::db]
#[derive(Default, Clone)]
pub struct Database {
    storage: salsa::Storage<Self>,
    memos: std::sync::Arc<EditMemos>,
}

#[salsa::db]
impl salsa::Database for Database {}

/// The database as the queries see it: salsa's, plus the memos that let a query redo only what
/// an edit touched.
#[salsa::db]
pub trait Db: salsa::Database {
    fn memos(&self) -> &EditMemos;
}

#[salsa::db]
impl Db for Database {
    fn memos(&self) -> &EditMemos {
        &self.memos
    }
}

/// Memos beside salsa's, for per-item runs (the language server's): what the last run of a
/// query made, which the next run reuses where the edit left it alone. A memo never changes a
/// result: each records what it was made from, and the next run checks that before reusing it
/// (tests/tests/editing.rs compares edited sessions with fresh builds).
#[derive(Default)]
pub struct EditMemos {
    /// The last per-item parse of each file (`parse_file`). After an edit, only the text from the
    /// item before the change to the first item start after it is scanned again, and the items
    /// outside it are taken as they were (moved, when the edit changed the text's length; moving
    /// an item means copying it whole).
    parses: std::sync::Mutex<std::collections::HashMap<String, LastParse>>,
    /// What checking each item's properties found (`model::item_facts`), in model order; each
    /// entry holds its item, which identifies it by address.
    facts: std::sync::Mutex<Vec<ItemFactsEntry>>,
    /// What the checks found in the last run (`checks::incremental`).
    checks: std::sync::Mutex<Option<crate::checks::incremental::LastChecks>>,
    /// The last model built (`model::patch`).
    model: std::sync::Mutex<Option<Model>>,
    /// The buffer of a file's text before its last edit (`Compiler::edit_file`), kept to take the
    /// next edit's text without fresh pages.
    spare_text: std::sync::Mutex<String>,
}

/// An item, its file, its facts, and the parse it was placed from (to recognise a moved copy).
type ItemFactsEntry = (std::sync::Arc<syntax::ast::Item>, FileId, std::sync::Arc<model::ItemFacts>, Option<syntax::ItemOrigin>);

/// Takes what a memo holds, leaving it empty (a poisoned lock holds nothing).
fn take_memo<T: Default>(memo: &std::sync::Mutex<T>) -> T {
    memo.lock().map(|mut held| std::mem::take(&mut *held)).unwrap_or_default()
}

fn keep_memo<T>(memo: &std::sync::Mutex<T>, value: T) {
    if let Ok(mut held) = memo.lock() {
        *held = value;
    }
}

/// Which parse each of the files' items was placed from, as the last parses have it: one entry
/// per item, in model order (`None` for an item of a file not parsed item by item).
fn placed_origins(parses: &std::collections::HashMap<String, LastParse>, files: &[(&str, &ParsedFile)]) -> Vec<Option<syntax::ItemOrigin>> {
    let mut origins = Vec::with_capacity(files.iter().map(|(_, parsed)| parsed.items.len()).sum());
    for (path, parsed) in files {
        let from = origins.len();
        if let Some(last) = parses.get(*path) {
            let items = last.outcomes.iter().filter_map(|o| match o {
                ChunkOutcome::Item { placed: Some(placed), origin, .. } => Some((placed, *origin)),
                _ => None,
            });
            // The memo is the parse that gave these items, unless a cancelled run left it behind.
            for ((placed, origin), item) in items.zip(&parsed.items) {
                origins.push(std::sync::Arc::ptr_eq(placed, item).then_some(origin));
            }
        }
        origins.resize(from + parsed.items.len(), None);
    }
    origins
}

/// One file's last per-item parse: its text, its chunks and what each chunk gave.
pub struct LastParse {
    text: String,
    chunks: Vec<syntax::Chunk>,
    /// One per chunk, in the same order.
    outcomes: Vec<ChunkOutcome>,
}

enum ChunkOutcome {
    /// The item parsed from the chunk's text alone (spans from 0), moved to where it stands
    /// (`None` only until `place` has placed it), and that parse's number, which every copy
    /// placed from it shares.
    Item { unplaced: std::sync::Arc<syntax::ast::Item>, placed: Option<std::sync::Arc<syntax::ast::Item>>, origin: syntax::ItemOrigin },
    /// The chunk's syntax error, with spans from the chunk's start (boxed: most chunks are
    /// items, and the outcomes of a large file are a vector made anew per edit).
    Error(Box<Diagnostic>),
    /// A `test` block: small, not configuration, parsed again each time.
    Test,
}

/// Parses one file (re-run only when that file's text changes). A CIB (a `.xml` file) is read
/// through the importer, so lint runs the same model and checks, with spans in the XML.
#[salsa::tracked(returns(ref))]
pub fn parse_file(db: &dyn Db, file: SourceFile, per_item: bool) -> ParsedFile {
    if is_cib(file.path(db), file.text(db)) {
        return import_file(file.text(db));
    }
    if !per_item {
        return syntax::parse(file.text(db));
    }
    let text = file.text(db);
    let mut last = db.memos().parses.lock().ok().and_then(|mut files| files.remove(file.path(db)));
    let (chunks, change) = match &last {
        Some(last) => {
            let change = syntax::TextChange::between(&last.text, text);
            (syntax::chunks_after_edit(&last.text, &last.chunks, text, change), Some(change))
        }
        None => (syntax::chunks(text), None),
    };
    let mut parsed = ParsedFile { items: Vec::with_capacity(chunks.len()), ..ParsedFile::default() };
    let mut outcomes = Vec::with_capacity(chunks.len());
    // Items parsed or moved, placed after the loop (on two threads when many moved).
    let mut to_place = Vec::new();
    for (position, chunk) in chunks.iter().enumerate() {
        let start = chunk.span.start as usize;
        // Tests are small and not configuration: parsed in place, without the per-item cache.
        if syntax::is_test_chunk(text, chunk) {
            match syntax::parse_test(text, chunk) {
                Ok(test) => parsed.tests.push(std::sync::Arc::new(test)),
                Err(error) => parsed.errors.push(error),
            }
            outcomes.push(ChunkOutcome::Test);
            continue;
        }
        let kept = match (change, last.as_mut()) {
            (Some(change), Some(last)) => unchanged_outcome(last, change, text, position, chunks.len(), chunk),
            _ => None,
        };
        let (outcome, moved_from) = match kept {
            Some(kept) => kept,
            None => (
                {
                    let source = text.get(chunk.span.range()).unwrap_or("");
                    match parse_item_text(db, ItemText::new(db, source, chunk.starts_with_keyword)) {
                        Ok(item) => ChunkOutcome::Item { unplaced: std::sync::Arc::clone(item), placed: None, origin: syntax::ItemOrigin::fresh() },
                        Err(error) => ChunkOutcome::Error(Box::new(error.clone())),
                    }
                },
                None,
            ),
        };
        match &outcome {
            ChunkOutcome::Item { placed: None, .. } => to_place.push(ToPlace { outcome: outcomes.len(), start, moved_from }),
            ChunkOutcome::Error(error) => {
                let mut moved = error.as_ref().clone();
                syntax::Shift::shift(&mut moved, i64::from(chunk.span.start));
                parsed.errors.push(moved);
            }
            ChunkOutcome::Item { .. } | ChunkOutcome::Test => {}
        }
        outcomes.push(outcome);
    }
    place(&mut outcomes, &to_place);
    parsed.items.extend(outcomes.iter().filter_map(|o| match o {
        ChunkOutcome::Item { placed, .. } => placed.clone(),
        _ => None,
    }));
    // The text is kept in the last text's buffer: a large file then costs a copy per edit, but
    // no fresh pages.
    let mut kept = String::new();
    if let Some(mut last) = last {
        kept = std::mem::take(&mut last.text);
        // What was not reused moved or changed: after a large edit, free it off the answer's path.
        if last.outcomes.len() > 1_000 {
            crate::drop_aside::drop_aside(last);
        }
    }
    kept.clear();
    kept.push_str(text);
    if let Ok(mut files) = db.memos().parses.lock() {
        files.insert(file.path(db).clone(), LastParse { text: kept, chunks, outcomes });
    }
    parsed
}

/// What `chunk` of the new `text` gave last time, if its text is unchanged: it lies wholly
/// before the change, or wholly after it (where the old chunk stood `delta` away), or between
/// (where several places changed) with the same text where it stood. `position` is the chunk's
/// index among the new text's `count` chunks: the old chunk stood at the same index (before the
/// change) or as far from the end (after it), unless the lines around the change split
/// differently; then it is searched for. The outcome is taken out of `last` (moved, not
/// shared: a large file's items then cost no reference counting per edit); an outcome already
/// taken gives `None`, and the chunk is parsed again. An item that moved comes with its copy
/// where it stood, to be copied again (`ToPlace::moved_from`).
fn unchanged_outcome(
    last: &mut LastParse,
    change: syntax::TextChange,
    text: &str,
    position: usize,
    count: usize,
    chunk: &syntax::Chunk,
) -> Option<(ChunkOutcome, Option<(std::sync::Arc<syntax::ast::Item>, usize)>)> {
    let (start, end) = (chunk.span.start as usize, chunk.span.end as usize);
    let new_len = text.len();
    let (old_start, guess) = if end <= change.prefix {
        (start, Some(position))
    } else if start >= new_len - change.suffix {
        (start + last.text.len() - new_len, (position + last.chunks.len()).checked_sub(count))
    } else if last.text.get(chunk.span.range()) == text.get(chunk.span.range()) {
        (start, Some(position))
    } else {
        return None;
    };
    let at_guess = guess.filter(|&i| last.chunks.get(i).is_some_and(|c| c.span.start as usize == old_start));
    let index = match at_guess {
        Some(index) => index,
        None => last.chunks.binary_search_by_key(&old_start, |c| c.span.start as usize).ok()?,
    };
    let old = last.chunks.get(index)?;
    if old.span.end - old.span.start != chunk.span.end - chunk.span.start || old.starts_with_keyword != chunk.starts_with_keyword {
        return None;
    }
    let outcome = last.outcomes.get_mut(index)?;
    if matches!(outcome, ChunkOutcome::Test) {
        return None;
    }
    match std::mem::replace(outcome, ChunkOutcome::Test) {
        ChunkOutcome::Item { unplaced, placed, origin } if old_start == start => Some((ChunkOutcome::Item { unplaced, placed, origin }, None)),
        ChunkOutcome::Item { unplaced, placed, origin } => Some((ChunkOutcome::Item { unplaced, placed: None, origin }, placed.map(|copy| (copy, old_start)))),
        error @ ChunkOutcome::Error(_) => Some((error, None)),
        ChunkOutcome::Test => None,
    }
}

/// An item to place: its outcome's index, where its chunk starts, and, when it only moved, its
/// copy where it stood and where that was.
struct ToPlace {
    outcome: usize,
    start: usize,
    moved_from: Option<(std::sync::Arc<syntax::ast::Item>, usize)>,
}

/// Places the items `to_place` lists: after an edit that changed the text's length, every item
/// after it is copied, which on a large file is worth a second thread.
fn place(outcomes: &mut [ChunkOutcome], to_place: &[ToPlace]) {
    const ON_TWO_THREADS_FROM: usize = 2_000;
    let placed_of = |list: &[ToPlace], outcomes: &[ChunkOutcome]| -> Vec<std::sync::Arc<syntax::ast::Item>> {
        let placed = list.iter().filter_map(|item| match (&item.moved_from, outcomes.get(item.outcome)) {
            (Some((copy, at)), _) => Some(placed_at(copy, *at, item.start)),
            (None, Some(ChunkOutcome::Item { unplaced, .. })) => Some(placed_at(unplaced, 0, item.start)),
            _ => None,
        });
        placed.collect()
    };
    let placed = if to_place.len() < ON_TWO_THREADS_FROM {
        placed_of(to_place, outcomes)
    } else {
        // On the pool's threads, which outlive the edit (see the workspace's Cargo.toml).
        let (first, second) = to_place.split_at(to_place.len() / 2);
        let shared: &[ChunkOutcome] = outcomes;
        let (mut placed, rest) = rayon::join(|| placed_of(first, shared), || placed_of(second, shared));
        placed.extend(rest);
        placed
    };
    for (item, copy) in to_place.iter().zip(placed) {
        if let Some(ChunkOutcome::Item { placed, .. }) = outcomes.get_mut(item.outcome) {
            *placed = Some(copy);
        }
    }
}

/// A copy of `item`, which stands at `from`, moved to `to`. Always a copy of its own, even when
/// it does not move: equal texts parse to one shared item, and the item where it stands
/// identifies it by address (`checks::incremental`), so two files starting with the same item
/// must not share it. A moved item is copied from its last copy rather than from its parse: the
/// copies of a file's items were made one after another, each item's parts side by side, where
/// the parses' are spread among the parser's own allocations, and copying reads memory, most of
/// it not in any cache (copying 20,000 items takes about 40% less from the copies).
fn placed_at(item: &std::sync::Arc<syntax::ast::Item>, from: usize, to: usize) -> std::sync::Arc<syntax::ast::Item> {
    let mut moved = item.as_ref().clone();
    let by = i64::try_from(to).unwrap_or(i64::MAX).saturating_sub(i64::try_from(from).unwrap_or(i64::MAX));
    if by != 0 {
        syntax::Shift::shift(&mut moved, by);
    }
    std::sync::Arc::new(moved)
}

/// The text of one item, wherever it stands: equal texts are one value, parsed once.
#[salsa::interned(debug)]
pub struct ItemText<'db> {
    #[returns(ref)]
    pub text: String,
    pub starts_with_keyword: bool,
}

/// One item parsed from its own text (spans from 0).
#[salsa::tracked(returns(ref))]
fn parse_item_text<'db>(db: &'db dyn salsa::Database, item: ItemText<'db>) -> Result<std::sync::Arc<syntax::ast::Item>, Diagnostic> {
    syntax::parse_chunk(item.text(db), *item.starts_with_keyword(db)).map(std::sync::Arc::new)
}

/// Whether a file is CIB XML rather than a policy.
pub fn is_cib(path: &str, text: &str) -> bool {
    path.ends_with(".xml") || text.trim_start().starts_with('<')
}

fn import_file(text: &str) -> ParsedFile {
    match cib::read_xml(text) {
        Ok(root) => {
            let imported = crate::import::import(root, text);
            ParsedFile { items: imported.items, errors: imported.findings, tests: Vec::new() }
        }
        Err(e) => ParsedFile {
            tests: Vec::new(),
            items: Vec::new(),
            errors: vec![Diagnostic::new(&crate::import::findings::NOT_A_CIB, e.span, format!("the XML cannot be read: {}", e.message))],
        },
    }
}

/// Reads one agent's metadata XML (re-run only when that XML changes).
#[salsa::tracked(returns(ref))]
pub fn parse_agent_metadata(db: &dyn salsa::Database, metadata: AgentMetadata) -> Result<AgentSchema, String> {
    crate::agents::metadata::parse_metadata(metadata.xml(db)).map_err(|e| e.message)
}

/// The agents the policy's primitives and templates name, as `class:provider:type`, sorted:
/// read off the syntax alone, so that the shell can supply their metadata before anything is
/// resolved (supplying it later would build the model twice).
#[salsa::tracked(returns(ref))]
pub fn used_agents(db: &dyn Db, project: Project) -> Vec<String> {
    // Agents are written the same way many times over: each distinct text is parsed once. A
    // hash set, because this runs after every edit and a sorted set compares each primitive's
    // agent with several others.
    let mut names: Vec<String> = project
        .files(db)
        .iter()
        .flat_map(|f| parse_file(db, *f, *project.per_item_parsing(db)).items.iter())
        .filter_map(|item| match &item.kind {
            syntax::ast::ItemKind::Primitive { source: syntax::ast::PrimitiveSource::Agent(a), .. } | syntax::ast::ItemKind::Template { agent: a, .. } => {
                Some(a.text.as_str())
            }
            _ => None,
        })
        .collect::<crate::fast_hash::FastSet<&str>>()
        .into_iter()
        .filter_map(|text| model::Agent::parse(text).ok().map(|agent| agent.spec()))
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// The stdlib declarations of the agents the policy uses: each declaration is its own input
/// (named after its agent), and only those referenced are parsed.
#[salsa::tracked(returns(ref))]
pub fn library_items(db: &dyn Db, project: Project) -> Vec<std::sync::Arc<syntax::ast::Item>> {
    let wanted = used_agents(db, project);
    project.library(db).iter().filter(|f| wanted.binary_search(f.path(db)).is_ok()).flat_map(|f| parse_file(db, *f, false).items.iter().cloned()).collect()
}

/// The resolved model of the whole project.
#[salsa::tracked(returns(ref))]
pub fn project_model(db: &dyn Db, project: Project) -> Model {
    let files = project.files(db);
    let parsed: Vec<(FileId, &ParsedFile)> =
        files.iter().enumerate().map(|(i, f)| (FileId(u32::try_from(i).unwrap_or(u32::MAX)), parse_file(db, *f, *project.per_item_parsing(db)))).collect();
    let items: Vec<(FileId, &[std::sync::Arc<syntax::ast::Item>])> = parsed.iter().map(|(id, p)| (*id, p.items.as_slice())).collect();
    let metadata: Vec<(String, String, AgentSchema)> = project
        .metadata(db)
        .iter()
        .filter_map(|m| parse_agent_metadata(db, *m).as_ref().ok().map(|schema| (m.name(db).clone(), m.origin(db).clone(), schema.clone())))
        .collect();
    let library_names: Vec<&str> = project.library(db).iter().map(|f| f.path(db).as_str()).collect();
    if !*project.per_item_parsing(db) {
        return model::build(&items, &metadata, library_items(db, project), &library_names, &mut |file, item| model::item_facts(file, item).shared());
    }
    // An editor's session: items the edit left alone keep what checking them found, and an
    // edit that moves no name patches the last model instead of building anew.
    let stdlib = library_items(db, project);
    let with_paths: Vec<(&str, &ParsedFile)> = files.iter().zip(&parsed).map(|(f, (_, p))| (f.path(db).as_str(), *p)).collect();
    let origins = placed_origins(&db.memos().parses.lock().unwrap_or_else(std::sync::PoisonError::into_inner), &with_paths);
    // What the last build found, per item in model order: an entry an item takes over is moved,
    // not shared, so an edit costs no reference counting for the items it left alone.
    let before: std::cell::RefCell<Vec<Option<ItemFactsEntry>>> = std::cell::RefCell::new(take_memo(&db.memos().facts).into_iter().map(Some).collect());
    let mut now: Vec<ItemFactsEntry> = Vec::with_capacity(origins.len());
    // Items come in model order (as `origins`), so an item is looked for where it stood last
    // time first; by address only when the items before it were added or removed.
    let mut by_address: Option<crate::fast_hash::FastMap<usize, usize>> = None;
    let mut facts_of = |file: FileId, item: &std::sync::Arc<syntax::ast::Item>| {
        let index = now.len();
        let origin = origins.get(index).copied().flatten();
        let same = |entry: &ItemFactsEntry| std::sync::Arc::ptr_eq(&entry.0, item) && entry.1 == file;
        // An item an edit before it only moved: the copy it replaces was placed from the same parse.
        let moved_from = |entry: &ItemFactsEntry| entry.1 == file && origin.is_some() && entry.3 == origin;
        let mut before = before.borrow_mut();
        let take_same = |slot: &mut Option<ItemFactsEntry>| if slot.as_ref().is_some_and(same) { slot.take() } else { None };
        let kept = match before.get_mut(index).and_then(take_same) {
            Some(entry) => Some(entry),
            None if before.get(index).and_then(Option::as_ref).is_some_and(moved_from) => None,
            // With as many items as last time, an item not where it stood is new or moved.
            None if before.len() == origins.len() => None,
            None => {
                let index = by_address.get_or_insert_with(|| {
                    before.iter().enumerate().filter_map(|(i, entry)| Some((std::sync::Arc::as_ptr(&entry.as_ref()?.0) as usize, i))).collect()
                });
                index.get(&(std::sync::Arc::as_ptr(item) as usize)).and_then(|&i| before.get_mut(i)).and_then(take_same)
            }
        };
        let entry = kept.unwrap_or_else(|| {
            let facts = match before.get(index).and_then(Option::as_ref) {
                Some(entry) if moved_from(entry) => model::ItemFacts::moved(&entry.2, i64::from(item.span.start) - i64::from(entry.0.span.start)),
                _ => model::item_facts(file, item).shared(),
            };
            (std::sync::Arc::clone(item), file, facts, origin)
        });
        let facts = std::sync::Arc::clone(&entry.2);
        now.push(entry);
        facts
    };
    // The item at `index` is a copy of the last model's item there that an edit before it moved:
    // both were placed from the same parse.
    let copied = |index: usize, last: &std::sync::Arc<syntax::ast::Item>| {
        let before = before.borrow();
        let last_origin = before.get(index).and_then(Option::as_ref).filter(|entry| std::sync::Arc::ptr_eq(&entry.0, last)).and_then(|entry| entry.3);
        last_origin.is_some() && last_origin == origins.get(index).copied().flatten()
    };
    let last = take_memo(&db.memos().model);
    let built = match last.as_ref().and_then(|last| model::patch(last, &items, &metadata, stdlib, &copied, &mut facts_of)) {
        Some(patched) => patched,
        None => model::build(&items, &metadata, stdlib, &library_names, &mut facts_of),
    };
    keep_memo(&db.memos().model, Some(built.clone()));
    keep_memo(&db.memos().facts, now);
    // What the last build had and this one did not take over (the items an edit changed or
    // moved): after a large edit, freed off the answer's path.
    let before = before.into_inner();
    if before.len() > 1_000 {
        crate::drop_aside::drop_aside(before);
    }
    built
}

/// The `test` blocks of every file, in file order.
#[salsa::tracked(returns(ref))]
pub fn project_tests(db: &dyn Db, project: Project) -> Vec<(FileId, std::sync::Arc<syntax::ast::TestBlock>)> {
    let mut tests = Vec::new();
    for (i, file) in project.files(db).iter().enumerate() {
        let id = FileId(u32::try_from(i).unwrap_or(u32::MAX));
        tests.extend(parse_file(db, *file, *project.per_item_parsing(db)).tests.iter().map(|t| (id, std::sync::Arc::clone(t))));
    }
    tests
}

/// Every diagnostic of the project: syntax, names and values, then Pacemaker's rules; sorted by
/// file and position.
#[salsa::tracked(returns(ref))]
pub fn project_diagnostics(db: &dyn Db, project: Project) -> Vec<Diagnostic> {
    let mut all = Vec::new();
    for (i, file) in project.files(db).iter().enumerate() {
        let id = FileId(u32::try_from(i).unwrap_or(u32::MAX));
        all.extend(parse_file(db, *file, *project.per_item_parsing(db)).errors.iter().cloned().map(|d| d.in_file(id)));
    }
    let model = project_model(db, project);
    let target = *project.target(db);
    all.extend(model.diagnostics.iter().cloned());
    if *project.per_item_parsing(db) {
        // An editor's session: check again only what the last edit may have changed.
        // Which parse each model item was placed from: the facts memo, filled by the model build in
        // model order, already knows (an entry that is not this very item knows nothing of it).
        let origins: Vec<Option<syntax::ItemOrigin>> = {
            let facts = db.memos().facts.lock();
            let facts = facts.as_deref().map_or(&[][..], Vec::as_slice);
            let origin = |i: usize, item: &std::sync::Arc<syntax::ast::Item>| facts.get(i).filter(|e| std::sync::Arc::ptr_eq(&e.0, item)).and_then(|e| e.3);
            model.items.iter().enumerate().map(|(i, (_, item))| origin(i, item)).collect()
        };
        let (found, checked) = crate::checks::incremental::run_after_edit(model, target, take_memo(&db.memos().checks), origins);
        keep_memo(&db.memos().checks, Some(checked));
        let whole = crate::checks::run_whole(model, target);
        all.extend(found);
        all.extend(whole);
    } else {
        all.extend(crate::checks::run(model, target));
    }
    all.extend(crate::checks::test_references::check(model, project_tests(db, project)));
    all.sort_by(|a, b| (a.file, a.span.start, a.code.code).cmp(&(b.file, b.span.start, b.code.code)));
    all.dedup();
    let cib_files: Vec<bool> = project.files(db).iter().map(|f| is_cib(f.path(db), f.text(db))).collect();
    for d in &mut all {
        if cib_files.get(d.file.0 as usize).copied().unwrap_or(false) {
            crate::diagnostics::fixes::judge_for_cib(d);
        }
    }
    all
}

/// The CIB XML, or `None` when the project has errors.
#[salsa::tracked(returns(ref))]
pub fn project_cib(db: &dyn Db, project: Project) -> Option<cib::XmlText> {
    let model = project_model(db, project);
    let target = *project.target(db);
    // The CIB is generated from the model while the checks run; it is kept only if they find
    // no error.
    let (xml, has_errors) = std::thread::scope(|scope| {
        let generated = scope.spawn(move || cib::generate_xml(model, target));
        let has_errors = project_diagnostics(db, project).iter().any(|d| d.severity == Severity::Error);
        (generated.join().ok(), has_errors)
    });
    if has_errors {
        None
    } else {
        xml
    }
}

/// The facade the shells use: owns the database, applies changes, answers questions.
///
/// `snapshot` gives another handle on the same database for answering on another thread; when
/// an input changes, queries running on snapshots are cancelled (they unwind with
/// `salsa::Cancelled`, which `Compiler::catch` turns into an error value).
#[derive(Clone)]
pub struct Compiler {
    db: Database,
    project: Project,
}

impl Default for Compiler {
    fn default() -> Self {
        Compiler::new(Target::default())
    }
}

impl Compiler {
    pub fn new(target: Target) -> Compiler {
        Compiler::with_database(Database::default(), target)
    }

    fn with_database(db: Database, target: Target) -> Compiler {
        // One input per declared agent, so that a build parses only the agents it uses.
        let mut library = Vec::new();
        for (_, text) in hapolicy_stdlib::AGENT_LIBRARY {
            for chunk in syntax::chunks(text) {
                let Some(source) = text.get(chunk.span.range()) else { continue };
                let Some(name) = source.strip_prefix("agent ").and_then(|rest| rest.split_whitespace().next()) else { continue };
                library.push(SourceFile::new(&db, name.to_string(), source.to_string()));
            }
        }
        let project = Project::new(&db, Vec::new(), false, target, Vec::new(), library);
        Compiler { db, project }
    }

    /// Supplies agent metadata XML; earlier calls take precedence over later ones for the same
    /// agent, and `agent` declarations in the policy over all of them.
    pub fn add_agent_metadata(&mut self, name: &str, origin: &str, xml: String) {
        let mut metadata = self.project.metadata(&self.db).clone();
        metadata.push(AgentMetadata::new(&self.db, name.to_string(), origin.to_string(), xml));
        self.project.set_metadata(&mut self.db).to(metadata);
    }

    /// Metadata that could not be read: (agent, origin, reason).
    pub fn metadata_errors(&self) -> Vec<(String, String, String)> {
        self.project
            .metadata(&self.db)
            .iter()
            .filter_map(|m| parse_agent_metadata(&self.db, *m).as_ref().err().map(|e| (m.name(&self.db).clone(), m.origin(&self.db).clone(), e.clone())))
            .collect()
    }

    /// The agents the policy's primitives and templates use, as `class:provider:type`, sorted.
    pub fn referenced_agents(&self) -> Vec<String> {
        used_agents(&self.db, self.project).clone()
    }

    /// Adds a file, or replaces its text if a file with this path is already known.
    pub fn set_file(&mut self, path: &str, text: String) -> FileId {
        let files = self.project.files(&self.db).clone();
        if let Some((i, file)) = files.iter().enumerate().find(|(_, f)| f.path(&self.db) == path) {
            if file.text(&self.db) != &text {
                file.set_text(&mut self.db).to(text);
            }
            return FileId(u32::try_from(i).unwrap_or(u32::MAX));
        }
        let file = SourceFile::new(&self.db, path.to_string(), text);
        let mut files = files;
        files.push(file);
        let id = FileId(u32::try_from(files.len() - 1).unwrap_or(u32::MAX));
        self.project.set_files(&mut self.db).to(files);
        id
    }

    /// Changes a file's text in place, as an editor's change does (a new file starts empty). A
    /// large file is copied once per edit, into the buffer its text had before the last edit.
    pub fn edit_file(&mut self, path: &str, edit: impl FnOnce(&mut String)) -> FileId {
        let files = self.project.files(&self.db).clone();
        let Some((i, file)) = files.iter().enumerate().find(|(_, f)| f.path(&self.db) == path) else {
            let mut text = String::new();
            edit(&mut text);
            return self.set_file(path, text);
        };
        let mut text = take_memo(&self.db.memos.spare_text);
        text.clear();
        text.push_str(file.text(&self.db));
        edit(&mut text);
        if file.text(&self.db) != &text {
            text = file.set_text(&mut self.db).to(text);
        }
        keep_memo(&self.db.memos.spare_text, text);
        FileId(u32::try_from(i).unwrap_or(u32::MAX))
    }

    /// Removes a file from the project (nothing happens if it is not there).
    pub fn remove_file(&mut self, path: &str) {
        let mut files = self.project.files(&self.db).clone();
        let before = files.len();
        files.retain(|f| f.path(&self.db) != path);
        if files.len() != before {
            self.project.set_files(&mut self.db).to(files);
        }
    }

    /// The id of the file with this path.
    pub fn file_id(&self, path: &str) -> Option<FileId> {
        let index = self.project.files(&self.db).iter().position(|f| f.path(&self.db) == path)?;
        u32::try_from(index).ok().map(FileId)
    }

    /// A file's path and text.
    pub fn file(&self, id: FileId) -> Option<(&str, &str)> {
        let file = self.project.files(&self.db).get(id.0 as usize)?;
        Some((file.path(&self.db).as_str(), file.text(&self.db).as_str()))
    }

    /// Another handle on the same database, for answering questions on another thread.
    pub fn snapshot(&self) -> Compiler {
        self.clone()
    }

    /// Runs `f`, turning salsa's cancellation (an input changed meanwhile) into `Err`.
    pub fn catch<T>(f: impl FnOnce() -> T + std::panic::UnwindSafe) -> Result<T, salsa::Cancelled> {
        salsa::Cancelled::catch(f)
    }

    /// Whether metadata for this agent was already supplied (read or not).
    pub fn has_agent_metadata(&self, name: &str) -> bool {
        self.project.metadata(&self.db).iter().any(|m| m.name(&self.db) == name)
    }

    /// An agent's schema by `class:provider:type`: from the model (declarations, supplied
    /// metadata, the library entries the policy uses), else from supplied metadata or the
    /// library directly (for an agent the policy names only in text that does not parse yet).
    pub fn agent_schema(&self, spec: &str) -> Option<AgentSchema> {
        if let Some(known) = self.model().agents.get(spec) {
            return Some(known.schema.clone());
        }
        for m in self.project.metadata(&self.db) {
            if m.name(&self.db) == spec {
                if let Ok(schema) = parse_agent_metadata(&self.db, *m) {
                    return Some(schema.clone());
                }
            }
        }
        let library = self.project.library(&self.db).iter().find(|f| f.path(&self.db) == spec)?;
        parse_file(&self.db, *library, false).items.iter().find_map(|item| model::agents::schema_from_declaration(&item.kind)).map(|(_, schema)| schema)
    }

    /// Parses item by item from now on, reusing unchanged items after an edit (for editors).
    pub fn set_per_item_parsing(&mut self, on: bool) {
        if *self.project.per_item_parsing(&self.db) != on {
            self.project.set_per_item_parsing(&mut self.db).to(on);
        }
    }

    pub fn set_target(&mut self, target: Target) {
        if *self.project.target(&self.db) != target {
            self.project.set_target(&mut self.db).to(target);
        }
    }

    /// Paths and texts of the files, in `FileId` order.
    pub fn files(&self) -> Vec<(String, String)> {
        self.project.files(&self.db).iter().map(|f| (f.path(&self.db).clone(), f.text(&self.db).clone())).collect()
    }

    pub fn diagnostics(&self) -> &[Diagnostic] {
        project_diagnostics(&self.db, self.project)
    }

    pub fn model(&self) -> &Model {
        project_model(&self.db, self.project)
    }

    /// The policy tests of every file (`test` blocks), for `hapolicy test`.
    pub fn tests(&self) -> &[(FileId, std::sync::Arc<syntax::ast::TestBlock>)] {
        project_tests(&self.db, self.project)
    }

    /// The CIB XML as one string, or `None` when the project has errors.
    pub fn cib(&self) -> Option<&str> {
        self.cib_text().map(cib::XmlText::as_str)
    }

    /// The CIB XML in pieces, as generated: for writing it out without first joining it.
    pub fn cib_text(&self) -> Option<&cib::XmlText> {
        project_cib(&self.db, self.project).as_ref()
    }

    /// The CIB even though checks report errors: for a run whose lint levels lowered every
    /// error to a warning (only Pacemaker-rule checks can be lowered; see `diagnostics::levels`).
    pub fn cib_despite_check_errors(&self) -> String {
        self.cib_text_despite_check_errors().into_string()
    }

    /// [`Compiler::cib_despite_check_errors`] in pieces.
    pub fn cib_text_despite_check_errors(&self) -> cib::XmlText {
        cib::generate_xml(self.model(), *self.project.target(&self.db))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]
    use std::sync::{Arc, Mutex};

    use super::*;

    fn recording_compiler() -> (Compiler, Arc<Mutex<Vec<String>>>) {
        let log = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&log);
        let storage = salsa::Storage::new(Some(Box::new(move |event: salsa::Event| {
            if let salsa::EventKind::WillExecute { database_key } = event.kind {
                sink.lock().unwrap().push(format!("{database_key:?}"));
            }
        })));
        (Compiler::with_database(Database { storage, memos: std::sync::Arc::default() }, Target::default()), log)
    }

    #[test]
    fn editing_one_file_reparses_only_that_file() {
        let (mut compiler, log) = recording_compiler();
        compiler.set_file("a.hapolicy", "cluster { stonith-enabled = false }\nprimitive a: ocf:heartbeat:Dummy\n".to_string());
        compiler.set_file("b.hapolicy", "primitive b: ocf:heartbeat:Dummy\n".to_string());
        assert!(compiler.cib().is_some());
        let parses = |log: &Arc<Mutex<Vec<String>>>| log.lock().unwrap().iter().filter(|k| k.starts_with("parse_file")).count();
        // Both files, and the stdlib declaration of the one agent they use, are parsed once.
        assert_eq!(parses(&log), 3);
        log.lock().unwrap().clear();

        compiler.set_file("b.hapolicy", "primitive b: ocf:heartbeat:Dummy { fake = \"1\" }\n".to_string());
        assert!(compiler.cib().is_some_and(|xml| xml.contains("b-instance_attributes-fake")));
        assert_eq!(parses(&log), 1, "only the edited file is parsed again: {:?}", log.lock().unwrap());

        log.lock().unwrap().clear();
        assert!(compiler.cib().is_some());
        assert!(log.lock().unwrap().is_empty(), "nothing re-runs without a change");
    }

    #[test]
    fn items_that_did_not_move_are_reused_not_copied() {
        let mut compiler = Compiler::default();
        compiler.set_per_item_parsing(true);
        let text: String = (0..20).map(|i| format!("primitive p{i}: ocf:heartbeat:Dummy {{ fake = \"{i}\" }}\n")).collect();
        compiler.set_file("a.hapolicy", text.clone());
        let items = |c: &Compiler| c.model().items.iter().map(|(_, item)| Arc::clone(item)).collect::<Vec<_>>();
        let first = items(&compiler);

        // An edit that keeps the length: every other item is where it was, and is the same value.
        compiler.set_file("a.hapolicy", text.replace("fake = \"10\"", "fake = \"11\""));
        let second = items(&compiler);
        let same: Vec<bool> = first.iter().zip(&second).map(|(a, b)| Arc::ptr_eq(a, b)).collect();
        assert_eq!(same, (0..20).map(|i| i != 10).collect::<Vec<_>>());

        // An insertion moves the items after it: those before it are still reused.
        let edited = text.replace("fake = \"10\"", "fake = \"100\"");
        compiler.set_file("a.hapolicy", edited.clone());
        let third = items(&compiler);
        let same: Vec<bool> = second.iter().zip(&third).map(|(a, b)| Arc::ptr_eq(a, b)).collect();
        assert_eq!(same, (0..20).map(|i| i < 10).collect::<Vec<_>>());
        let p15 = compiler.model().symbol("p15").unwrap();
        assert_eq!(edited.get(p15.span.range()), Some("p15"), "moved items are at their new offsets");
    }

    /// The items the last diagnostics run checked, by name (`None`: all of them).
    fn checked_names(compiler: &Compiler) -> Option<Vec<String>> {
        let _ = compiler.diagnostics();
        let memo = compiler.db.memos().checks.lock().unwrap();
        let checked = memo.as_ref().unwrap().checked()?;
        let model = compiler.model();
        Some(checked.iter().map(|&i| model.items[i].1.name().map_or_else(|| "(unnamed)".to_string(), |n| n.text.to_string())).collect())
    }

    #[test]
    fn editing_one_resource_rechecks_it_and_what_names_it() {
        let mut compiler = Compiler::default();
        compiler.set_per_item_parsing(true);
        let primitives: String = (0..100).map(|i| format!("primitive p{i}: ocf:heartbeat:Dummy {{\n  op monitor interval=10s timeout=20s\n}}\n")).collect();
        let text = format!(
            "cluster {{ stonith-enabled = false }}\n{primitives}group g [p5, p6]\nlocation away-from-failures: p50 {{\n  rule -inf: fail-count(p50, monitor, 10s) >= 3\n}}\n"
        );
        compiler.set_file("a.hapolicy", text.clone());
        assert_eq!(checked_names(&compiler), None, "the first run checks everything");

        // An operation of p50 changes: p50 is checked again, and the location whose fail-count
        // rule names it; nothing else but the cluster options.
        // The `timeout=20s` of primitive `n`, overwritten.
        let retimed = |n: usize| {
            let (at, _) = text.match_indices("timeout=20s").nth(n).unwrap();
            let mut edited = text.clone();
            edited.replace_range(at..at + 11, "timeout=21s");
            edited
        };
        compiler.set_file("a.hapolicy", retimed(50));
        let mut checked = checked_names(&compiler).unwrap();
        checked.sort();
        assert_eq!(checked, ["(unnamed)", "away-from-failures", "p50"]);

        // A member of a group changes: its group and the other member are checked with it.
        compiler.set_file("a.hapolicy", retimed(5));
        let mut checked = checked_names(&compiler).unwrap();
        checked.sort();
        assert!(checked.contains(&"p5".to_string()) && checked.contains(&"g".to_string()) && checked.contains(&"p6".to_string()), "{checked:?}");
        assert!(checked.len() <= 6, "{checked:?}");
    }

    #[test]
    fn editing_one_item_reparses_only_that_item() {
        let (mut compiler, log) = recording_compiler();
        compiler.set_per_item_parsing(true);
        let items: Vec<String> = (0..50).map(|i| format!("primitive p{i}: ocf:heartbeat:Dummy {{\n  fake = \"{i}\"\n}}\n")).collect();
        let text = format!("cluster {{ stonith-enabled = false }}\n{}", items.concat());
        compiler.set_file("a.hapolicy", text.clone());
        assert!(compiler.diagnostics().is_empty());
        let item_parses = |log: &Arc<Mutex<Vec<String>>>| log.lock().unwrap().iter().filter(|k| k.starts_with("parse_item_text")).count();
        assert_eq!(item_parses(&log), 51);
        log.lock().unwrap().clear();

        // One character of p20 changes (which moves every later item): only p20 is parsed again,
        // and the diagnostics point at the moved items correctly.
        let edited = text.replace("fake = \"20\"", "fake = \"20\" bogus");
        compiler.set_file("a.hapolicy", edited.clone());
        let diagnostics = compiler.diagnostics();
        assert_eq!(item_parses(&log), 1, "{:?}", log.lock().unwrap());
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        let at = diagnostics[0].span.start as usize;
        assert_eq!(edited.get(at..at + 5), Some("bogus"));

        // Names still resolve to the right places after the shift.
        let model = compiler.model();
        let p40 = model.symbol("p40").unwrap();
        assert_eq!(edited.get(p40.span.range()), Some("p40"));
    }
}
