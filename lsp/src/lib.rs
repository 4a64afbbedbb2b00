//! The hapolicy language server: LSP over stdio, a thin shell over the compiler's incremental
//! database (`hapolicy_compiler::Compiler`) and its editor answers (`hapolicy_compiler::ide`).
//!
//! It owns the protocol: documents and versions, position encodings, turning requests into
//! queries on database snapshots (cancelled work answers `ContentModified`; a panic answers an
//! internal error and the server keeps serving), publishing diagnostics after each change. It
//! must not analyse policies itself, and it never writes files: every edit goes back to the
//! editor as a `TextEdit`.

pub mod client;
mod convert;
mod server;

use std::sync::Arc;

pub use server::Backend;

/// Finds an agent's metadata XML outside the project (installed agents, a metadata path):
/// `class:provider:type` → (origin, XML). The CLI supplies it; the server calls it once per
/// agent the policy names.
pub type AgentLoader = Arc<dyn Fn(&str) -> Option<(String, String)> + Send + Sync>;

/// How the server is set up by its shell.
#[derive(Clone, Default)]
pub struct Options {
    pub load_agent: Option<AgentLoader>,
}

/// Serves LSP on stdin/stdout until the client asks the server to exit.
pub fn run_stdio(options: Options) -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        let (service, socket) = tower_lsp_server::LspService::new(|client| Backend::new(client, options));
        tower_lsp_server::Server::new(tokio::io::stdin(), tokio::io::stdout(), socket).serve(service).await;
    });
    Ok(())
}
