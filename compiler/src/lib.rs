//! The hapolicy compiler: `.hapolicy` text in, diagnostics and CIB XML out.
//!
//! It owns the whole pipeline, flowing one way: `syntax` (text to tree, total, no IO) →
//! `model` (names resolved, values typed) → `checks` (Pacemaker's rules) → `cib` (element tree
//! and XML). `db` wraps the pipeline in salsa queries and exposes the `Compiler` facade that the
//! CLI and the language server share. This crate must not do IO, print, exit, or know about
//! terminals or LSP: shells read files and render diagnostics.

pub mod agents;
pub mod analysis;
pub mod checks;
pub mod cib;
pub mod db;
pub mod diagnostics;
mod drop_aside;
pub mod fast_hash;
pub mod format;
pub mod ide;
pub mod import;
pub mod model;
pub mod plan;
pub mod scenario;
pub mod span;
pub mod status;
pub mod syntax;
pub mod values;

pub use cib::Target;
pub use db::Compiler;
pub use diagnostics::{Diagnostic, Severity};
