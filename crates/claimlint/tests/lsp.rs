//! `claimlint lsp` end to end: the real binary, JSON-RPC over its stdin and
//! stdout. Every wait is bounded; a hung server fails the test instead of
//! hanging it.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const TIMEOUT: Duration = Duration::from_secs(30);

struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    messages: Receiver<Value>,
    next_id: i64,
    /// Messages received while waiting for something else.
    backlog: Vec<Value>,
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
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
        if let Some(v) = line.strip_prefix("Content-Length: ") {
            length = v.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

impl Client {
    fn start(root: &Path) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_claimlint"))
            .arg("lsp")
            .current_dir(root)
            .env_clear()
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("claimlint starts");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if tx.send(message).is_err() {
                    break;
                }
            }
        });
        let stdin = child.stdin.take();
        Client {
            child,
            stdin,
            messages: rx,
            next_id: 0,
            backlog: Vec::new(),
        }
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        let stdin = self.stdin.as_mut().expect("stdin open");
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        stdin.flush().unwrap();
    }

    /// Sends `body` in a frame as it is, valid JSON or not.
    fn send_raw(&mut self, body: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        write!(stdin, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
        stdin.write_all(body).unwrap();
        stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let response = self.wait_for(|m| m["id"] == id && m.get("method").is_none());
        assert!(response.get("error").is_none(), "error: {response}");
        response["result"].clone()
    }

    /// The first message (in arrival order) for which `pred` holds.
    fn wait_for(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.backlog.iter().position(&pred) {
            return self.backlog.remove(i);
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.messages.recv_timeout(left) {
                Ok(m) if pred(&m) => return m,
                Ok(m) => {
                    // Answer server-to-client requests (watcher registration).
                    if m.get("id").is_some() && m.get("method").is_some() {
                        let id = m["id"].clone();
                        self.send(json!({"jsonrpc": "2.0", "id": id, "result": null}));
                    }
                    self.backlog.push(m);
                }
                Err(RecvTimeoutError::Timeout) => panic!(
                    "no matching message within {TIMEOUT:?}; got {:#?}",
                    self.backlog
                ),
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("server closed its output; got {:#?}", self.backlog)
                }
            }
        }
    }

    fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let m = self.wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["version"] == version
        });
        m["params"]["diagnostics"].as_array().unwrap().clone()
    }

    fn initialize(&mut self, root: &Path, encodings: Value) -> Value {
        let root_uri = file_uri(root);
        let result = self.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": root_uri,
                "workspaceFolders": [{"uri": root_uri, "name": "site"}],
                "capabilities": {
                    "general": {"positionEncodings": encodings},
                    "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}
                }
            }),
        );
        self.notify("initialized", json!({}));
        result
    }

    fn shutdown(mut self) {
        let result = self.request("shutdown", Value::Null);
        assert_eq!(result, Value::Null);
        self.notify("exit", Value::Null);
        self.stdin = None;
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(status.success(), "exit status {status}");
                return;
            }
            assert!(Instant::now() < deadline, "server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

fn file_uri(path: &Path) -> String {
    format!("file://{}", path.to_string_lossy().replace(' ', "%20"))
}

fn utf16_len(s: &str) -> u64 {
    s.encode_utf16().count() as u64
}

/// Byte offset of a UTF-16 LSP position in `text`.
fn offset_of(text: &str, pos: &Value) -> usize {
    let line = pos["line"].as_u64().unwrap() as usize;
    let character = pos["character"].as_u64().unwrap() as usize;
    let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let mut units = 0;
    for (i, c) in text[start..].char_indices() {
        if units >= character || c == '\n' {
            return start + i;
        }
        units += c.len_utf16();
    }
    text.len()
}

fn find<'v>(diagnostics: &'v [Value], rule: &str) -> Option<&'v Value> {
    diagnostics.iter().find(|d| d["code"] == rule)
}

const DRAFT: &str = "# Our ketamine program\n\n😀 “Quoted” — the Side Affects are mild.\n\nKetamine is completely safe.\n";

#[test]
fn diagnostics_code_actions_changes_hover_and_shutdown() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut client = Client::start(root);
    let init = client.initialize(root, json!(["utf-16"]));
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(init["serverInfo"]["name"], "claimlint");

    let uri = file_uri(&root.join("draft.md"));
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": DRAFT}}),
    );
    let diagnostics = client.diagnostics(&uri, 1);

    // The range is in UTF-16 code units: the emoji counts 2, curly quotes 1.
    let affect = find(&diagnostics, "integrity.affect-effect").expect("affect/effect found");
    let line = "😀 “Quoted” — the Side Affects are mild.";
    let start = utf16_len(&line[..line.find("Side Affects").unwrap()]);
    assert_eq!(
        affect["range"],
        json!({"start": {"line": 2, "character": start},
               "end": {"line": 2, "character": start + 12}})
    );
    assert_eq!(affect["source"], "claimlint");
    let safe = find(&diagnostics, "safety.absolute-safe").expect("safety claim found");
    assert_eq!(safe["severity"], 1);
    assert_eq!(
        safe["range"]["start"],
        json!({"line": 4, "character": "Ketamine is ".len()})
    );

    // Code actions on the finding: its fix, and a suppression with a reason.
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": affect["range"],
               "context": {"diagnostics": [affect]}}),
    );
    let actions = actions.as_array().unwrap();
    let suppress = actions
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with("Suppress"))
        .expect("a suppression action");
    assert_eq!(
        suppress["edit"]["changes"][&uri][0],
        json!({"range": {"start": {"line": 2, "character": 0}, "end": {"line": 2, "character": 0}},
               "newText": "<!-- claimlint-disable-next-line integrity.affect-effect -- reason -->\n"})
    );
    let fix = actions
        .iter()
        .find(|a| a["isPreferred"] == true)
        .expect("a fix action");
    let edit = &fix["edit"]["changes"][&uri][0];
    assert_eq!(edit["newText"], "Side Effects");

    // Apply the fix as an incremental change; the finding goes.
    let mut text = DRAFT.to_string();
    let from = offset_of(&text, &edit["range"]["start"]);
    let to = offset_of(&text, &edit["range"]["end"]);
    assert_eq!(&text[from..to], "Side Affects");
    text.replace_range(from..to, "Side Effects");
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2},
               "contentChanges": [{"range": edit["range"], "text": "Side Effects"}]}),
    );
    let diagnostics = client.diagnostics(&uri, 2);
    assert!(find(&diagnostics, "integrity.affect-effect").is_none());
    assert!(find(&diagnostics, "safety.absolute-safe").is_some());

    // Hover on the remaining finding explains the rule and cites sources.
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 4, "character": 14}}),
    );
    let value = hover["contents"]["value"].as_str().unwrap();
    assert!(value.contains("safety.absolute-safe"), "{value}");
    assert!(value.contains("References"), "{value}");
    assert!(value.contains("https://"), "{value}");

    // Malformed messages and unknown requests do not stop the server.
    client.notify("textDocument/didOpen", json!({"textDocument": 42}));
    client.next_id += 1;
    let id = client.next_id;
    client.send(json!({"jsonrpc": "2.0", "id": id, "method": "claimlint/unknown", "params": {}}));
    let response = client.wait_for(|m| m["id"] == id);
    assert_eq!(response["error"]["code"], -32601);

    // A full-text change removing the claim clears the diagnostics.
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 3},
               "contentChanges": [{"text": "# Notes\n\nKetamine can cause nausea.\n"}]}),
    );
    assert!(client.diagnostics(&uri, 3).is_empty());

    // Saving lints at once (with the saved text the client includes).
    client.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": uri}, "text": "Ketamine cures depression.\n"}),
    );
    let diagnostics = client.diagnostics(&uri, 3);
    assert!(find(&diagnostics, "cure.cure-claim").is_some());
    client.shutdown();
}

#[test]
fn utf8_positions_when_the_client_offers_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut client = Client::start(dir.path());
    let init = client.initialize(dir.path(), json!(["utf-8", "utf-16"]));
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8");
    let uri = file_uri(&dir.path().join("draft.md"));
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 7, "text": DRAFT}}),
    );
    let diagnostics = client.diagnostics(&uri, 7);
    let affect = find(&diagnostics, "integrity.affect-effect").unwrap();
    let line = "😀 “Quoted” — the Side Affects are mild.";
    let start = line.find("Side Affects").unwrap() as u64;
    assert_eq!(affect["range"]["start"]["character"], start);
    client.shutdown();
}

#[test]
fn workspace_rules_are_loaded_and_reloaded() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join("house")).unwrap();
    let rule = |message: &str| {
        format!(
            "id: house.clinic-name\nseverity: warning\nkind: substitution\nsummary: Our name\nmessage: \"{message}\"\nswap:\n  \"bright path\": \"BrightPath\"\nexplain: House style.\n"
        )
    };
    std::fs::write(root.join("house/name.yaml"), rule("first message")).unwrap();
    std::fs::write(root.join(".claimlint.yaml"), "rules: [house/]\n").unwrap();
    let mut client = Client::start(root);
    client.initialize(root, json!(["utf-16"]));
    let uri = file_uri(&root.join("post.md"));
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1,
                                "text": "Welcome to Bright Path.\n"}}),
    );
    let diagnostics = client.diagnostics(&uri, 1);
    assert_eq!(
        find(&diagnostics, "house.clinic-name").unwrap()["message"],
        "first message"
    );

    std::fs::write(root.join("house/name.yaml"), rule("second message")).unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&root.join("house/name.yaml")), "type": 2}]}),
    );
    let diagnostics = client.diagnostics(&uri, 1);
    assert_eq!(
        find(&diagnostics, "house.clinic-name").unwrap()["message"],
        "second message"
    );

    // Removing the rules from the configuration drops the house rule.
    std::fs::write(root.join(".claimlint.yaml"), "# no house rules\n").unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&root.join(".claimlint.yaml")), "type": 2}]}),
    );
    assert!(find(&client.diagnostics(&uri, 1), "house.clinic-name").is_none());
    client.shutdown();
}

#[test]
fn workspace_configuration_and_suppressions_apply_as_in_check() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join(".claimlint.yaml"),
        "disable: [marketing]\nseverity:\n  info: [cure.cure-claim]\n",
    )
    .unwrap();
    let mut client = Client::start(root);
    client.initialize(root, json!(["utf-16"]));
    let uri = file_uri(&root.join("post.md"));
    let text = "Ketamine is a beacon of hope. Ketamine cures depression.\n\n\
                <!-- claimlint-disable-next-line safety.no-side-effects -- quoted from a 1990s brochure we rebut below -->\n\
                Ketamine has no side effects.\n";
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
    );
    let diagnostics = client.diagnostics(&uri, 1);
    // Disabled by category, re-graded by id, suppressed with a reason.
    assert!(
        find(&diagnostics, "marketing.hype-terms").is_none(),
        "{diagnostics:#?}"
    );
    let cure = find(&diagnostics, "cure.cure-claim").expect("cure claim");
    assert_eq!(cure["severity"], 3, "information");
    assert!(
        find(&diagnostics, "safety.no-side-effects").is_none(),
        "{diagnostics:#?}"
    );
    client.shutdown();
}

#[test]
fn a_frame_that_is_not_json_gets_a_parse_error_and_the_server_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut client = Client::start(root);
    // Before initialisation too.
    client.send_raw(b"{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": ");
    let error = client.wait_for(|m| m.get("error").is_some());
    assert_eq!(error["id"], Value::Null, "{error}");
    assert_eq!(error["jsonrpc"], "2.0");
    assert_eq!(error["error"]["code"], -32700, "{error}");
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("Parse error"),
        "{error}"
    );
    client.initialize(root, json!(["utf-16"]));

    // Bytes that are not UTF-8, then JSON that is not a message.
    client.send_raw(b"\xff\xfe\x00garbage");
    let error = client.wait_for(|m| m.get("error").is_some());
    assert_eq!(error["error"]["code"], -32700, "{error}");
    assert_eq!(error["id"], Value::Null, "{error}");
    client.send_raw(br#"{"jsonrpc": "2.0", "id": 77, "params": {}}"#);
    let error = client.wait_for(|m| m["id"] == 77);
    assert_eq!(error["error"]["code"], -32600, "{error}");

    // The server still lints and answers.
    let uri = file_uri(&root.join("draft.md"));
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": DRAFT}}),
    );
    let diagnostics = client.diagnostics(&uri, 1);
    assert!(find(&diagnostics, "safety.absolute-safe").is_some());
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 4, "character": 14}}),
    );
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("safety.absolute-safe")
    );
    assert!(client.backlog.iter().all(|m| m.get("error").is_none()));
    client.shutdown();
}

#[test]
fn broken_framing_ends_the_server_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_claimlint"))
        .arg("lsp")
        .current_dir(dir.path())
        .env_clear()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("claimlint starts");
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(b"Content-Type: text/plain\r\n\r\n{}")
        .unwrap();
    drop(stdin);
    let (tx, rx) = channel();
    std::thread::spawn(move || tx.send(child.wait_with_output()));
    let out = rx.recv_timeout(TIMEOUT).expect("server exits").unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("error: claimlint lsp: a message header has no Content-Length"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

#[test]
fn a_finding_about_many_places_has_related_information() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut client = Client::start(root);
    client.initialize(root, json!(["utf-16"]));
    let mut text = String::from("# Ketamine clinic Denver\n\n");
    for i in 0..8 {
        text.push_str(&format!(
            "Our ketamine clinic Denver team helps patients ({i}). Call the ketamine clinic Denver today.\n\n"
        ));
    }
    let uri = file_uri(&root.join("stuffed.md"));
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
    );
    let diagnostics = client.diagnostics(&uri, 1);
    let stuffing = diagnostics
        .iter()
        .find(|d| d["code"] == "integrity.keyword-stuffing" && d["range"]["start"]["line"] == 0)
        .expect("stuffing finding");
    let related = stuffing["relatedInformation"].as_array().unwrap();
    assert_eq!(related.len(), 8);
    for (i, r) in related.iter().enumerate() {
        assert_eq!(r["location"]["uri"], uri.as_str());
        assert_eq!(
            r["location"]["range"],
            json!({"start": {"line": 2 + 2 * i, "character": 4},
                   "end": {"line": 2 + 2 * i, "character": 4 + "ketamine clinic Denver".len()}})
        );
        assert_eq!(r["message"], "repeated here");
    }
    // A finding about one place has none.
    let single = diagnostics
        .iter()
        .find(|d| d["code"] != "integrity.keyword-stuffing")
        .expect("another finding");
    assert!(single.get("relatedInformation").is_none(), "{single:#}");
    client.shutdown();
}
