//! The language server's latency on a large document: the time from a one-character edit to the
//! diagnostics of that version, and the time to answer a completion request, over stdio as an
//! editor measures them.

use std::path::Path;
use std::time::{Duration, Instant};

use hapolicy_lsp::client::{position, Client};
use serde_json::json;

pub struct Latency {
    pub open: Duration,
    /// One character overwritten: the text keeps its length.
    pub edits: Vec<Duration>,
    /// A line inserted or deleted: everything after it moves.
    pub moving_edits: Vec<Duration>,
    pub completions: Vec<Duration>,
    pub completion_items: usize,
}

/// Opens `policy` in `hapolicy lsp`, then makes `edits` one-character edits (turning an op's
/// `timeout=60s` into `61s` and back) and `edits` completion requests at a new line in a
/// primitive's body (inserting that line and deleting it again are timed too).
pub fn measure(hapolicy: &Path, policy: &str, edits: usize) -> Result<Latency, String> {
    let mut client = Client::start(hapolicy, &["lsp", "--no-installed-agents"], None, false)?;
    client.timeout = Duration::from_secs(600);
    let uri = "untitled:bench.hapolicy";
    let started = Instant::now();
    client.open(uri, policy)?;
    client.diagnostics(uri, 1)?;
    let open = started.elapsed();

    let mut text = policy.to_string();
    let mut version = 1;
    let sites: Vec<usize> = text.match_indices("timeout=60s").map(|(i, _)| i + "timeout=6".len()).collect();
    if sites.is_empty() {
        return Err("the generated policy has no `timeout=60s` to edit".into());
    }
    let mut edit_times = Vec::new();
    for k in 0..edits {
        let at = sites.get((k * 7919) % sites.len()).copied().unwrap_or(0);
        let new = if text.get(at..=at) == Some("0") { "1" } else { "0" };
        let (line, character) = position(&text, at);
        text.replace_range(at..=at, new);
        version += 1;
        let sent = Instant::now();
        client.change(uri, version, (line, character), (line, character + 1), new)?;
        client.diagnostics(uri, version)?;
        edit_times.push(sent.elapsed());
    }

    // Completion on an empty line at the start of a primitive's body: the agent's parameters.
    let bodies: Vec<usize> = text.match_indices("primitive ").filter_map(|(i, _)| text.get(i..).and_then(|rest| rest.find("{\n")).map(|n| i + n + 2)).collect();
    let mut completion_times = Vec::new();
    let mut moving = Vec::new();
    let mut items = 0;
    for k in 0..edits {
        let Some(&at) = bodies.get((k * 104_729) % bodies.len().max(1)) else { break };
        // The line is inserted and removed again, so offsets in `text` stay valid.
        let (line, _) = position(&text, at);
        version += 1;
        let inserted = Instant::now();
        client.change(uri, version, (line, 0), (line, 0), "  \n")?;
        client.diagnostics(uri, version)?;
        moving.push(inserted.elapsed());
        let sent = Instant::now();
        let result = client.request("textDocument/completion", json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": 2 } }))?;
        completion_times.push(sent.elapsed());
        items = result.as_array().map_or(0, Vec::len);
        if items == 0 {
            return Err(format!("completion at line {} returned nothing", line + 1));
        }
        version += 1;
        let deleted = Instant::now();
        client.change(uri, version, (line, 0), (line + 1, 0), "")?;
        client.diagnostics(uri, version)?;
        moving.push(deleted.elapsed());
    }
    client.shutdown()?;
    Ok(Latency { open, edits: edit_times, moving_edits: moving, completions: completion_times, completion_items: items })
}

pub fn median(samples: &[Duration]) -> Duration {
    let mut sorted = samples.to_vec();
    sorted.sort();
    sorted.get(sorted.len() / 2).copied().unwrap_or_default()
}
