//! `hapolicy lsp`: starts the language server, giving it the installed agents' metadata.

use std::sync::Arc;

pub fn run(no_installed_agents: bool) -> u8 {
    let load_agent: Option<hapolicy_lsp::AgentLoader> =
        if no_installed_agents { None } else { Some(Arc::new(|agent: &str| crate::agents::installed_metadata(agent).and_then(Result::ok))) };
    match hapolicy_lsp::run_stdio(hapolicy_lsp::Options { load_agent }) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("error: the language server stopped: {e}");
            2
        }
    }
}
