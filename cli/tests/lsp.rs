//! The language server driven over stdio with JSON-RPC, as an editor drives it: a workspace of
//! two files (tests/fixtures/lsp/workspace), edits, and every request an editor sends.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, reason = "tests")]

use hapolicy_lsp::client::{self, Client};
use serde_json::{json, Value};

/// A client speaking to `hapolicy lsp` (without installed agents: the built-in library answers).
struct Editor(Client);

impl Editor {
    fn start(root: Option<&std::path::Path>, utf8: bool) -> Editor {
        Editor(Client::start(std::path::Path::new(env!("CARGO_BIN_EXE_hapolicy")), &["lsp", "--no-installed-agents"], root, utf8).unwrap())
    }
    fn notify(&mut self, method: &str, params: Value) {
        self.0.notify(method, params).unwrap();
    }
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.0.request(method, params).unwrap()
    }
    fn request_raw(&mut self, method: &str, params: Value) -> Value {
        self.0.request_raw(method, params).unwrap()
    }
    fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        self.0.diagnostics(uri, version).unwrap()
    }
    fn open(&mut self, uri: &str, text: &str) {
        self.0.open(uri, text).unwrap();
    }
    fn change(&mut self, uri: &str, version: i64, start: (u32, u32), end: (u32, u32), text: &str) {
        self.0.change(uri, version, start, end, text).unwrap();
    }
    fn shutdown(self) {
        self.0.shutdown().unwrap();
    }
}

/// The position of the first `needle` in `text`, plus `extra` characters.
fn position_of(text: &str, needle: &str, extra: usize) -> (u32, u32) {
    client::position(text, text.find(needle).unwrap_or_else(|| panic!("`{needle}` is not in the text")) + extra)
}

fn workspace() -> std::path::PathBuf {
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/lsp/workspace");
    let dir = std::env::temp_dir().join(format!("hapolicy-lsp-{}-{}", std::process::id(), rand_suffix()));
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(&source).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
    }
    dir
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos())
}

fn at(position: (u32, u32)) -> Value {
    json!({ "line": position.0, "character": position.1 })
}

fn doc(uri: &str, position: (u32, u32)) -> Value {
    json!({ "textDocument": { "uri": uri }, "position": at(position) })
}

fn labels(completion: &Value) -> Vec<String> {
    let items = completion.as_array().or_else(|| completion["items"].as_array()).cloned().unwrap_or_default();
    items.iter().map(|i| i["label"].as_str().unwrap_or("").to_string()).collect()
}

/// Applies LSP text edits (UTF-16 positions) to a text.
fn apply(text: &str, edits: &[Value]) -> String {
    let offset = |p: &Value| -> usize {
        let (line, character) = (p["line"].as_u64().unwrap() as usize, p["character"].as_u64().unwrap() as usize);
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        let line_text = text[start..].split('\n').next().unwrap_or("");
        let mut units = 0;
        for (i, c) in line_text.char_indices() {
            if units >= character {
                return start + i;
            }
            units += c.len_utf16();
        }
        start + line_text.len()
    };
    let mut spans: Vec<(usize, usize, String)> =
        edits.iter().map(|e| (offset(&e["range"]["start"]), offset(&e["range"]["end"]), e["newText"].as_str().unwrap().to_string())).collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_string();
    for (start, end, new) in spans {
        out.replace_range(start..end, &new);
    }
    out
}

#[test]
fn an_editor_session() {
    let dir = workspace();
    let main_path = dir.join("main.hapolicy");
    let uri = format!("file://{}", main_path.display());
    let shared_uri = format!("file://{}", dir.join("shared.hapolicy").display());
    let text = std::fs::read_to_string(&main_path).unwrap();
    let mut client = Editor::start(Some(&dir), false);

    // Opening a clean file publishes no problem, although `db` is declared in the other file.
    client.open(&uri, &text);
    assert_eq!(client.diagnostics(&uri, 1), Vec::<Value>::new());

    // A typo in a group member: HP1001 at the name, with a quick fix.
    let member = position_of(&text, "web-ip, web-server]", 0);
    client.change(&uri, 2, member, (member.0, member.1 + 6), "web-pi");
    let diagnostics = client.diagnostics(&uri, 2);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0]["code"], "HP1001");
    assert_eq!(diagnostics[0]["range"]["start"], at(member));
    assert!(diagnostics[0]["message"].as_str().unwrap().contains("did you mean `web-ip`"), "{}", diagnostics[0]);

    // Pull diagnostics agree.
    let pulled = client.request("textDocument/diagnostic", json!({ "textDocument": { "uri": uri } }));
    assert_eq!(pulled["items"][0]["code"], "HP1001");

    let actions = client.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri }, "range": { "start": at(member), "end": at(member) }, "context": { "diagnostics": diagnostics } }),
    );
    let fix = actions.as_array().unwrap().iter().find(|a| a["title"] == "change to `web-ip`").expect("a did-you-mean fix");
    let edits = fix["edit"]["changes"][&uri].as_array().unwrap().clone();
    let broken = text.replace("[web-ip, web-server]", "[web-pi, web-server]");
    let fixed = apply(&broken, &edits);
    assert_eq!(fixed, text);
    client.notify("textDocument/didChange", json!({ "textDocument": { "uri": uri, "version": 3 }, "contentChanges": [{ "text": fixed }] }));
    assert_eq!(client.diagnostics(&uri, 3), Vec::<Value>::new());

    // Hover: a parameter from the agent's metadata, an op's effective settings, a fail-count.
    let hover = client.request("textDocument/hover", doc(&uri, position_of(&text, "ip = 192", 0)));
    let shown = hover["contents"]["value"].as_str().unwrap();
    assert!(shown.contains("**parameter** `ip`") && shown.contains("required"), "{shown}");
    let hover = client.request("textDocument/hover", doc(&uri, position_of(&text, "op monitor interval=10s", 4)));
    let shown = hover["contents"]["value"].as_str().unwrap();
    assert!(shown.contains("on-fail: `restart`") && shown.contains("fail-count-web-ip#monitor_10000"), "{shown}");
    let hover = client.request("textDocument/hover", doc(&uri, position_of(&text, "fail-count(db", 2)));
    assert!(hover["contents"]["value"].as_str().unwrap().contains("`fail-count-db#monitor_10000`"), "{hover}");
    let hover = client.request("textDocument/hover", doc(&uri, position_of(&text, "stonith-enabled", 0)));
    assert!(hover["contents"]["value"].as_str().unwrap().contains("cluster option"), "{hover}");

    // Go to definition across files, references and rename.
    let definition = client.request("textDocument/definition", doc(&uri, position_of(&text, "db-clone then", 0)));
    assert_eq!(definition["uri"], json!(shared_uri));
    assert_eq!(definition["range"]["start"]["line"], 6);
    let references = client.request(
        "textDocument/references",
        json!({ "textDocument": { "uri": uri }, "position": at(position_of(&text, "fail-count(db", 11)), "context": { "includeDeclaration": true } }),
    );
    // `db`: declared in shared.hapolicy, the promotable's child, the fail-count rule.
    assert_eq!(references.as_array().unwrap().len(), 3, "{references}");
    let rename = client
        .request("textDocument/rename", json!({ "textDocument": { "uri": uri }, "position": at(position_of(&text, "fail-count(db", 11)), "newName": "pgsql" }));
    assert_eq!(rename["changes"][&uri].as_array().unwrap().len(), 1);
    assert_eq!(rename["changes"][&shared_uri].as_array().unwrap().len(), 2);
    let taken = client.request_raw(
        "textDocument/rename",
        json!({ "textDocument": { "uri": uri }, "position": at(position_of(&text, "fail-count(db", 11)), "newName": "web" }),
    );
    assert!(taken["error"]["message"].as_str().unwrap().contains("already declared"), "{taken}");

    // Completion: parameters of the agent, operations it advertises, on-fail values, resources.
    let mut typing = text.clone();
    let insert_at = position_of(&typing, "  cidr_netmask", 0);
    typing = typing.replacen("  cidr_netmask", "  \n  cidr_netmask", 1);
    client.notify("textDocument/didChange", json!({ "textDocument": { "uri": uri, "version": 4 }, "contentChanges": [{ "text": typing }] }));
    let params = labels(&client.request("textDocument/completion", doc(&uri, (insert_at.0, 2))));
    assert!(params.contains(&"nic".to_string()) && params.contains(&"op".to_string()), "{params:?}");
    assert_eq!(params.first().map(String::as_str), Some("ip"), "required parameters come first: {params:?}");
    let typing = typing.replacen("  \n  cidr_netmask", "  op \n  cidr_netmask", 1);
    client.notify("textDocument/didChange", json!({ "textDocument": { "uri": uri, "version": 5 }, "contentChanges": [{ "text": typing }] }));
    let ops = labels(&client.request("textDocument/completion", doc(&uri, (insert_at.0, 5))));
    assert!(ops.contains(&"monitor".to_string()) && ops.contains(&"start".to_string()) && !ops.contains(&"promote".to_string()), "{ops:?}");
    let typing = typing.replacen("  op \n  cidr_netmask", "  op stop on-fail=\n  cidr_netmask", 1);
    client.notify("textDocument/didChange", json!({ "textDocument": { "uri": uri, "version": 6 }, "contentChanges": [{ "text": typing }] }));
    let values = labels(&client.request("textDocument/completion", doc(&uri, (insert_at.0, 19))));
    assert!(values.contains(&"fence".to_string()) && values.contains(&"block".to_string()), "{values:?}");
    let line = typing.lines().position(|l| l.starts_with("order db-then-web")).unwrap() as u32;
    let typing = typing.replacen("then start web\n", "then start web\ncolocation x: web with \n", 1);
    client.notify("textDocument/didChange", json!({ "textDocument": { "uri": uri, "version": 7 }, "contentChanges": [{ "text": typing }] }));
    let resources = labels(&client.request("textDocument/completion", doc(&uri, (line + 1, "colocation x: web with ".len() as u32))));
    // (`web-ip`, being edited above, does not parse at the moment.)
    assert!(resources.contains(&"db-clone".to_string()) && resources.contains(&"web-server".to_string()), "{resources:?}");

    // Formatting gives what `hapolicy fmt` writes.
    let messy = text.replace("  ip = 192.0.2.10", "ip=192.0.2.10");
    client.notify("textDocument/didChange", json!({ "textDocument": { "uri": uri, "version": 8 }, "contentChanges": [{ "text": messy }] }));
    let edits = client.request("textDocument/formatting", json!({ "textDocument": { "uri": uri }, "options": { "tabSize": 2, "insertSpaces": true } }));
    assert_eq!(apply(&messy, edits.as_array().unwrap()), text);

    // Outline, semantic tokens, inlay hints, folding.
    client.notify("textDocument/didChange", json!({ "textDocument": { "uri": uri, "version": 9 }, "contentChanges": [{ "text": text }] }));
    let symbols = client.request("textDocument/documentSymbol", json!({ "textDocument": { "uri": uri } }));
    let names: Vec<&str> = symbols.as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["cluster", "node1", "node2", "web-ip", "web-server", "web", "web-prefers-node1", "db-failures", "web-with-db", "db-then-web"]);
    assert_eq!(symbols[3]["children"][0]["name"], "monitor 10s");
    let workspace_symbols = client.request("workspace/symbol", json!({ "query": "db" }));
    assert!(workspace_symbols.as_array().unwrap().iter().any(|s| s["name"] == "db-clone" && s["location"]["uri"] == json!(shared_uri)));
    let tokens = client.request("textDocument/semanticTokens/full", json!({ "textDocument": { "uri": uri } }));
    assert!(tokens["data"].as_array().unwrap().len() > 5 * 40, "five numbers per token");
    let hints = client.request("textDocument/inlayHint", json!({ "textDocument": { "uri": uri }, "range": { "start": at((0, 0)), "end": at((40, 0)) } }));
    let hint_labels: Vec<&str> = hints.as_array().unwrap().iter().map(|h| h["label"].as_str().unwrap()).collect();
    assert!(hint_labels.contains(&" → fail-count-db#monitor_10000"), "{hint_labels:?}");
    assert!(hint_labels.contains(&" timeout=20s on-fail=restart"), "{hint_labels:?}");
    let folds = client.request("textDocument/foldingRange", json!({ "textDocument": { "uri": uri } }));
    assert!(folds.as_array().unwrap().iter().any(|f| f["startLine"] == 8 && f["endLine"] == 12), "{folds}");

    client.shutdown();
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn positions_count_bytes_when_the_client_offers_utf8() {
    let mut client = Editor::start(None, true);
    let uri = "untitled:accents.hapolicy";
    // `é` is two bytes and one UTF-16 unit: the column of the error after it tells which the
    // server counts.
    let text = "cluster { stonith-enabled = false }\nprimitive d: ocf:heartbeat:Dummy {\n  op monitor interval=10s description=\"é\" timeout=bogus\n}\n";
    client.open(uri, text);
    let diagnostics = client.diagnostics(uri, 1);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    let bytes = text.lines().nth(2).unwrap().find("bogus").unwrap();
    assert_eq!(diagnostics[0]["range"]["start"], json!({ "line": 2, "character": bytes }));
    client.shutdown();
}

/// Mutated examples sent as edits: the server answers every request and publishes diagnostics
/// for the last version, whatever the text.
#[test]
fn survives_broken_edits() {
    let examples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let mut client = Editor::start(None, false);
    let uri = "untitled:fuzz.hapolicy";
    client.open(uri, "");
    client.diagnostics(uri, 1);
    let mut version = 1;
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut files: Vec<_> =
        std::fs::read_dir(&examples).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|x| x == "hapolicy")).collect();
    files.sort();
    let mut requests = 0;
    for file in files {
        let original = std::fs::read_to_string(&file).unwrap();
        for _ in 0..8 {
            let mut text: Vec<char> = original.chars().collect();
            for _ in 0..(1 + next() % 6) {
                let at = (next() as usize) % text.len().max(1);
                match next() % 4 {
                    0 => {
                        let end = (at + (next() % 40) as usize).min(text.len());
                        text.drain(at..end);
                    }
                    1 => text.insert(at.min(text.len()), ['{', '}', '"', '(', '\n', '=', ':', '#', 'é'][(next() % 9) as usize]),
                    2 => {
                        let end = (at + (next() % 60) as usize).min(text.len());
                        let copy: Vec<char> = text[at..end].to_vec();
                        text.splice(at..at, copy);
                    }
                    _ => text.truncate(at),
                }
            }
            let text: String = text.into_iter().collect();
            version += 1;
            client.notify("textDocument/didChange", json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": text }] }));
            let line = (next() % (text.lines().count().max(1) as u64)) as u32;
            for method in ["textDocument/hover", "textDocument/completion", "textDocument/definition"] {
                let response = client.request_raw(method, doc(uri, (line, (next() % 30) as u32)));
                let error = response["error"]["code"].as_i64();
                // ContentModified is a fine answer; an internal error is not.
                assert!(error.is_none() || error == Some(-32801), "{method} on {}: {response}", file.display());
                requests += 1;
            }
            for method in ["textDocument/semanticTokens/full", "textDocument/documentSymbol", "textDocument/foldingRange", "textDocument/formatting"] {
                let response = client.request_raw(method, json!({ "textDocument": { "uri": uri }, "options": { "tabSize": 2, "insertSpaces": true } }));
                assert!(response["error"]["code"].as_i64().is_none_or(|c| c == -32801), "{method} on {}: {response}", file.display());
                requests += 1;
            }
        }
    }
    client.diagnostics(uri, version);
    println!("{requests} requests answered on {} broken versions", version - 1);
    client.shutdown();
}

/// The server's environment after it started, as the kernel has it (`/proc`): it re-runs itself
/// once so that its allocator purges by reset (`cli/src/allocator.rs`).
fn server_environment(env: &[(&str, &str)]) -> String {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_hapolicy"))
        .args(["lsp", "--no-installed-agents"])
        .env_remove("MIMALLOC_PURGE_DECOMMITS")
        .envs(env.iter().copied())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let environ = format!("/proc/{}/environ", child.id());
    // The exec keeps the process id; until it has happened the old environment shows.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let mut seen = String::new();
    while std::time::Instant::now() < deadline {
        seen = String::from_utf8_lossy(&std::fs::read(&environ).unwrap_or_default()).replace('\0', "\n");
        if seen.lines().any(|l| l.starts_with("MIMALLOC_PURGE_DECOMMITS=")) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    drop(child.stdin.take());
    let _ = child.wait();
    seen
}

#[test]
fn the_server_runs_with_its_allocator_purging_by_reset() {
    assert!(server_environment(&[]).lines().any(|l| l == "MIMALLOC_PURGE_DECOMMITS=0"), "the server did not re-run itself with purging by reset");
    // The admin's own setting wins.
    let chosen = server_environment(&[("MIMALLOC_PURGE_DECOMMITS", "1")]);
    assert!(chosen.lines().any(|l| l == "MIMALLOC_PURGE_DECOMMITS=1"), "{chosen}");
}
