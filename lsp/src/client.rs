//! A minimal LSP client over a child process's stdio, for the end-to-end tests and the latency
//! benchmark: JSON-RPC with Content-Length framing, as an editor speaks it.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

pub struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    /// Notifications and server requests received while waiting for something else.
    pending: Vec<Value>,
    next_id: i64,
    pub timeout: Duration,
}

impl Client {
    /// Starts `program args...` and initializes it with the workspace `root` (if any); `utf8`
    /// offers UTF-8 positions besides UTF-16.
    pub fn start(program: &std::path::Path, args: &[&str], root: Option<&std::path::Path>, utf8: bool) -> Result<Client, String> {
        let mut child = Command::new(program)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", program.display()))?;
        let stdin = child.stdin.take().ok_or("no stdin")?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let (send, messages) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(value) = read_message(&mut reader) {
                if send.send(value).is_err() {
                    return;
                }
            }
        });
        let mut client = Client { child, stdin, messages, pending: Vec::new(), next_id: 1, timeout: Duration::from_secs(60) };
        let encodings = if utf8 { json!(["utf-8", "utf-16"]) } else { json!(["utf-16"]) };
        let root_uri = root.map(|r| format!("file://{}", r.display()));
        let result = client.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": root_uri,
                "capabilities": {
                    "general": { "positionEncodings": encodings },
                    "textDocument": { "publishDiagnostics": {}, "hover": { "contentFormat": ["markdown"] } }
                }
            }),
        )?;
        if result.get("capabilities").is_none() {
            return Err(format!("initialize answered {result}"));
        }
        client.notify("initialized", json!({}))?;
        Ok(client)
    }

    pub fn send(&mut self, message: &Value) -> Result<(), String> {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len())
            .and_then(|()| self.stdin.flush())
            .map_err(|e| format!("cannot write to the server: {e}"))
    }

    pub fn notify(&mut self, method: &str, params: Value) -> Result<(), String> {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }))
    }

    /// Sends a request and waits for its response; returns the whole response object.
    pub fn request_raw(&mut self, method: &str, params: Value) -> Result<Value, String> {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }))?;
        let deadline = Instant::now() + self.timeout;
        loop {
            let message = self.next_message(deadline).ok_or_else(|| format!("no answer to {method} within {:?}", self.timeout))?;
            if message.get("id") == Some(&json!(id)) && message.get("method").is_none() {
                return Ok(message);
            }
            self.pending.push(message);
        }
    }

    /// Sends a request and returns its result; an error response is an `Err`.
    pub fn request(&mut self, method: &str, params: Value) -> Result<Value, String> {
        let response = self.request_raw(method, params)?;
        if let Some(error) = response.get("error") {
            return Err(format!("{method} failed: {error}"));
        }
        Ok(response.get("result").cloned().unwrap_or(Value::Null))
    }

    fn next_message(&mut self, deadline: Instant) -> Option<Value> {
        self.messages.recv_timeout(deadline.saturating_duration_since(Instant::now())).ok()
    }

    /// Waits for a notification `method` whose params satisfy `matches`; returns its params.
    pub fn wait_for(&mut self, method: &str, matches: impl Fn(&Value) -> bool) -> Result<Value, String> {
        let is_it = |m: &Value| m.get("method") == Some(&json!(method)) && m.get("params").is_some_and(&matches);
        if let Some(i) = self.pending.iter().position(is_it) {
            return Ok(self.pending.remove(i).get("params").cloned().unwrap_or(Value::Null));
        }
        let deadline = Instant::now() + self.timeout;
        loop {
            let message = self.next_message(deadline).ok_or_else(|| format!("no {method} notification within {:?}", self.timeout))?;
            if is_it(&message) {
                return Ok(message.get("params").cloned().unwrap_or(Value::Null));
            }
            self.pending.push(message);
        }
    }

    /// Waits for the diagnostics of `uri` at `version`.
    pub fn diagnostics(&mut self, uri: &str, version: i64) -> Result<Vec<Value>, String> {
        let params = self.wait_for("textDocument/publishDiagnostics", |p| p.get("uri") == Some(&json!(uri)) && p.get("version") == Some(&json!(version)))?;
        Ok(params.get("diagnostics").and_then(Value::as_array).cloned().unwrap_or_default())
    }

    pub fn open(&mut self, uri: &str, text: &str) -> Result<(), String> {
        self.notify("textDocument/didOpen", json!({ "textDocument": { "uri": uri, "languageId": "hapolicy", "version": 1, "text": text } }))
    }

    /// Replaces the text between two (line, character) positions.
    pub fn change(&mut self, uri: &str, version: i64, start: (u32, u32), end: (u32, u32), text: &str) -> Result<(), String> {
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": uri, "version": version },
                "contentChanges": [{ "range": { "start": { "line": start.0, "character": start.1 }, "end": { "line": end.0, "character": end.1 } }, "text": text }]
            }),
        )
    }

    /// Asks the server to shut down and exit; fails if it does not exit cleanly.
    pub fn shutdown(mut self) -> Result<(), String> {
        self.request("shutdown", Value::Null)?;
        self.notify("exit", Value::Null)?;
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return if status.success() { Ok(()) } else { Err(format!("the server exited with {status}")) };
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        Err("the server did not exit after `exit`".into())
    }
}

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(n) = line.strip_prefix("Content-Length: ") {
            length = n.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

/// The (line, character) of byte `offset` of `text`, the character counted in UTF-16 units.
pub fn position(text: &str, offset: usize) -> (u32, u32) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count();
    let column: usize = before.rsplit('\n').next().map_or(0, |l| l.encode_utf16().count());
    (u32::try_from(line).unwrap_or(u32::MAX), u32::try_from(column).unwrap_or(u32::MAX))
}
