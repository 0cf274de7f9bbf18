//! `formwerk lsp` over its real standard input and output: a session on a corpus form and the
//! modules it uses (initialize, didOpen, didChange, hover, definition, references, completion,
//! rename, formatting, codeAction, documentSymbol, shutdown, exit) with snapshots of the
//! answers; positions in UTF-16 code units next to umlauts and emoji; the protocol's errors and
//! lifecycle; and thousands of random edits without a panic or a hang.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// How long any answer may take before the test calls it a hang.
const PATIENCE: Duration = Duration::from_secs(60);

struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: i64,
    /// Notifications received while waiting for responses.
    notifications: Vec<Value>,
    /// The `file://` prefix of the temporary forms directory, replaced in snapshots.
    root_uri: String,
}

impl Client {
    fn start(root: &Path) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_formwerk"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start formwerk lsp");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (sender, messages) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(value) = line.strip_prefix("Content-Length: ") {
                        length = value.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; length.expect("a Content-Length header")];
                reader.read_exact(&mut body).expect("a whole message");
                let message: Value = serde_json::from_slice(&body).expect("the server writes JSON");
                if sender.send(message).is_err() {
                    return;
                }
            }
        });
        let root_uri = format!("file://{}", root.display());
        Client { child, stdin, messages, next_id: 0, notifications: Vec::new(), root_uri }
    }

    fn send(&mut self, message: Value) {
        let body = serde_json::to_vec(&message).unwrap();
        write!(self.stdin, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
        self.stdin.write_all(&body).unwrap();
        self.stdin.flush().unwrap();
    }

    fn send_raw(&mut self, body: &[u8]) {
        write!(self.stdin, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
        self.stdin.write_all(body).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and waits for its response (the whole message: `result` or `error`).
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.response(id)
    }

    fn response(&mut self, id: i64) -> Value {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.messages.recv_timeout(left) {
                Ok(message) if message["id"] == id => return message,
                Ok(message) => self.notifications.push(message),
                Err(RecvTimeoutError::Timeout) => panic!("no answer to request {id} within {PATIENCE:?}"),
                Err(RecvTimeoutError::Disconnected) => panic!("the server ended before answering request {id}"),
            }
        }
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Value {
        if let Some(i) = self.notifications.iter().position(|n| n["params"]["uri"] == uri) {
            return self.notifications.remove(i)["params"]["diagnostics"].clone();
        }
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let message = self.messages.recv_timeout(left).expect("diagnostics are published");
            if message["method"] == "textDocument/publishDiagnostics" && message["params"]["uri"] == uri {
                return message["params"]["diagnostics"].clone();
            }
            self.notifications.push(message);
        }
    }

    fn initialize(&mut self) -> Value {
        let reply = self.request("initialize", json!({"processId": null, "capabilities": {}, "rootUri": null}));
        self.notify("initialized", json!({}));
        reply
    }

    /// Shuts down and exits; returns the process exit code.
    fn finish(mut self) -> i32 {
        let reply = self.request("shutdown", Value::Null);
        assert_eq!(reply["result"], Value::Null, "{reply}");
        self.notify("exit", Value::Null);
        self.wait()
    }

    fn wait(mut self) -> i32 {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code().unwrap_or(-1);
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// A result as pretty JSON, with the temporary directory's URI replaced.
    fn show(&self, value: &Value) -> String {
        serde_json::to_string_pretty(value).unwrap().replace(&self.root_uri, "file:///ROOT")
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A copy of `forms/hundesteuer.form` and `forms/common/` in a temporary `forms` directory.
fn corpus() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let forms = dir.path().join("forms");
    std::fs::create_dir_all(forms.join("common")).unwrap();
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("forms");
    std::fs::copy(source.join("hundesteuer.form"), forms.join("hundesteuer.form")).unwrap();
    for entry in std::fs::read_dir(source.join("common")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), forms.join("common").join(entry.file_name())).unwrap();
    }
    let forms = forms.canonicalize().unwrap();
    (dir, forms)
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// The protocol position of the `nth` occurrence of `needle` in `text`, `shift` characters in.
fn position(text: &str, needle: &str, nth: usize, shift: usize) -> Value {
    let start = text.match_indices(needle).nth(nth).unwrap_or_else(|| panic!("`{needle}` #{nth} not found")).0;
    let offset = start + needle.chars().take(shift).map(char::len_utf8).sum::<usize>();
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = text[..offset].matches('\n').count();
    let character: usize = text[line_start..offset].chars().map(char::len_utf16).sum();
    json!({"line": line, "character": character})
}

#[test]
fn a_session_on_a_corpus_form() {
    let (_dir, forms) = corpus();
    let path = forms.join("hundesteuer.form");
    let text = std::fs::read_to_string(&path).unwrap();
    let doc = uri(&path);
    let mut client = Client::start(&forms);
    let init = client.initialize();
    insta::assert_snapshot!("initialize", client.show(&init["result"]));
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": doc, "languageId": "formwerk", "version": 1, "text": text}}),
    );
    assert_eq!(client.diagnostics(&doc), json!([]), "the corpus form has no diagnostics");
    let td = json!({"uri": doc});
    let ask = |client: &mut Client, method: &str, extra: Value| {
        let mut params = json!({"textDocument": td});
        params.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        let reply = client.request(method, params);
        assert!(reply.get("error").is_none(), "{method}: {reply}");
        reply["result"].clone()
    };
    let in_expression = position(&text, "visible when zuzug", 0, 14);
    let results = [
        ("hover_field", ask(&mut client, "textDocument/hover", json!({"position": in_expression}))),
        (
            "hover_group_type",
            ask(&mut client, "textDocument/hover", json!({"position": position(&text, "NatuerlichePerson", 0, 3)})),
        ),
        (
            "hover_code_list",
            ask(&mut client, "textDocument/hover", json!({"position": position(&text, "codelist Herkunft", 0, 10)})),
        ),
        (
            "hover_module",
            ask(&mut client, "textDocument/hover", json!({"position": position(&text, "use common.bank", 0, 6)})),
        ),
        (
            "hover_code_in_expression",
            ask(
                &mut client,
                "textDocument/hover",
                json!({"position": position(&text, "zahlungsweise == \"LS\"", 0, 18)}),
            ),
        ),
        (
            "definition_of_group_type",
            ask(
                &mut client,
                "textDocument/definition",
                json!({"position": position(&text, "NatuerlichePerson", 0, 3)}),
            ),
        ),
        ("definition_in_expression", ask(&mut client, "textDocument/definition", json!({"position": in_expression}))),
        (
            "definition_of_module",
            ask(&mut client, "textDocument/definition", json!({"position": position(&text, "use common.bank", 0, 6)})),
        ),
        (
            "references_of_field",
            ask(
                &mut client,
                "textDocument/references",
                json!({"position": position(&text, "field zuzug", 0, 7), "context": {"includeDeclaration": true}}),
            ),
        ),
        (
            "completion_in_expression",
            ask(
                &mut client,
                "textDocument/completion",
                json!({"position": position(&text, "visible when zuzug", 0, 13)}),
            ),
        ),
        (
            "completion_of_codes",
            ask(
                &mut client,
                "textDocument/completion",
                json!({"position": position(&text, "visible when zahlungsweise == \"LS\"", 0, 31)}),
            ),
        ),
        (
            "completion_of_statements_in_a_field",
            ask(
                &mut client,
                "textDocument/completion",
                json!({"position": position(&text, "      control radios", 0, 6)}),
            ),
        ),
        (
            "completion_of_modules",
            ask(&mut client, "textDocument/completion", json!({"position": position(&text, "use common.bank", 0, 4)})),
        ),
        ("document_symbols", ask(&mut client, "textDocument/documentSymbol", json!({}))),
        (
            "rename_field",
            ask(
                &mut client,
                "textDocument/rename",
                json!({"position": position(&text, "field zuzug", 0, 7), "newName": "umzug"}),
            ),
        ),
    ];
    for (name, result) in &results {
        insta::assert_snapshot!(*name, client.show(result));
    }
    // A rename across modules: the group type in `common/person.form` and its uses.
    let reply = client.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": doc}, "position": position(&text, "NatuerlichePerson", 0, 3), "newName": "Antragsteller"}),
    );
    let changes = reply["result"]["changes"].as_object().expect("a workspace edit");
    assert!(changes.keys().any(|k| k.ends_with("common/person.form")), "{reply}");
    assert!(changes.keys().any(|k| k.ends_with("hundesteuer.form")), "{reply}");
    // Refused: a name taken by a sibling, and a keyword.
    let collides = client.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": doc}, "position": position(&text, "field zuzug", 0, 7), "newName": "bisherige_gemeinde"}),
    );
    insta::assert_snapshot!("rename_refused_collision", client.show(&collides["error"]));
    for invalid in ["1zuzug", "zu-zug", "zu zug", ""] {
        let refused = client.request(
            "textDocument/rename",
            json!({"textDocument": {"uri": doc}, "position": position(&text, "field zuzug", 0, 7), "newName": invalid}),
        );
        assert_eq!(refused["error"]["code"], -32600, "{invalid}: {refused}");
    }

    // An edit: a misspelt name in an expression (an incremental change) gets a diagnostic with
    // the did-you-mean fix, and a text without its translation the missing-translation fix.
    let at = position(&text, "visible when zuzug", 0, 18);
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": doc, "version": 2}, "contentChanges": [{"range": {"start": at, "end": at}, "text": "g"}]}),
    );
    let diagnostics = client.diagnostics(&doc);
    insta::assert_snapshot!("diagnostics_after_typo", client.show(&diagnostics));
    let range = diagnostics[0]["range"].clone();
    let actions =
        ask(&mut client, "textDocument/codeAction", json!({"range": range, "context": {"diagnostics": diagnostics}}));
    insta::assert_snapshot!("code_action_did_you_mean", client.show(&actions));
    let hover = ask(&mut client, "textDocument/hover", json!({"position": range["start"]}));
    assert!(hover["contents"]["value"].as_str().unwrap().contains("formwerk explain E0"), "{hover}");

    let label = " en \"Dog tax registration\"";
    let start = text.find(label).unwrap();
    let removed = json!({
        "start": position(&text, label, 0, 0),
        "end": position(&text, label, 0, label.chars().count()),
    });
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": doc, "version": 3}, "contentChanges": [
            {"range": {"start": range["start"], "end": range["end"]}, "text": "zuzug"},
            {"range": removed, "text": ""},
        ]}),
    );
    let diagnostics = client.diagnostics(&doc);
    assert_eq!(diagnostics.as_array().unwrap().len(), 1, "{diagnostics}");
    assert_eq!(diagnostics[0]["code"], "W0001");
    let actions = ask(
        &mut client,
        "textDocument/codeAction",
        json!({"range": diagnostics[0]["range"], "context": {"diagnostics": diagnostics}}),
    );
    insta::assert_snapshot!("code_action_missing_translation", client.show(&actions));
    assert!(start > 0);

    // Formatting: a badly indented document gets one edit with the formatted text.
    let messy = "form  f {\n title \"T\"\n        field a: text \"A\"   // kept\n}\n";
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": doc, "version": 4}, "contentChanges": [{"text": messy}]}),
    );
    let formatted =
        ask(&mut client, "textDocument/formatting", json!({"options": {"tabSize": 2, "insertSpaces": true}}));
    insta::assert_snapshot!("formatting", client.show(&formatted));
    assert_eq!(client.finish(), 0);
}

#[test]
fn positions_count_utf16_code_units() {
    let (_dir, forms) = corpus();
    let path = forms.join("emoji.form");
    let text = "form emoji {\n  title \"Größe 😀\"\n  field a: boolean \"Ä 😀 ö\"\n  info i \"😀😀 ü\" { visible when a == true }\n}\n";
    let doc = uri(&path);
    let mut client = Client::start(&forms);
    client.initialize();
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": doc, "languageId": "formwerk", "version": 1, "text": text}}),
    );
    client.diagnostics(&doc);
    // `a` after two emoji (four UTF-16 units, eight bytes) on the same line.
    let at = position(text, "when a", 0, 5);
    assert_eq!(at, json!({"line": 3, "character": 33}));
    let definition = client.request("textDocument/definition", json!({"textDocument": {"uri": doc}, "position": at}));
    assert_eq!(
        definition["result"]["range"],
        json!({"start": {"line": 2, "character": 8}, "end": {"line": 2, "character": 9}})
    );
    // An incremental edit right after the emoji of the title: `Größe 😀!`.
    let after_emoji = position(text, "😀\"", 0, 1);
    assert_eq!(after_emoji, json!({"line": 1, "character": 17}));
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": doc, "version": 2}, "contentChanges": [{"range": {"start": after_emoji, "end": after_emoji}, "text": "!"}]}),
    );
    client.diagnostics(&doc);
    let formatted = client.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": doc}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    // The inserted character is right after the emoji.
    let new_text = formatted["result"][0]["newText"].as_str().unwrap_or_default();
    assert!(new_text.contains("title \"Größe 😀!\""), "{formatted}");
    let symbols = client.request("textDocument/documentSymbol", json!({"textDocument": {"uri": doc}}));
    assert_eq!(symbols["result"][0]["children"][1]["selectionRange"]["start"], json!({"line": 3, "character": 7}));
    assert_eq!(client.finish(), 0);
}

#[test]
fn answers_come_from_the_last_parse_while_the_text_is_broken() {
    let (_dir, forms) = corpus();
    let path = forms.join("hundesteuer.form");
    let text = std::fs::read_to_string(&path).unwrap();
    let doc = uri(&path);
    let mut client = Client::start(&forms);
    client.initialize();
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": doc, "languageId": "formwerk", "version": 1, "text": text}}),
    );
    client.diagnostics(&doc);
    // Break the syntax near the top (two lines more, an unclosed brace).
    let top = json!({"line": 0, "character": 0});
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": doc, "version": 2}, "contentChanges": [{"range": {"start": top, "end": top}, "text": "form {\n\n"}]}),
    );
    let diagnostics = client.diagnostics(&doc);
    assert_eq!(diagnostics[0]["code"], "E0101", "{diagnostics}");
    // A field far below the edit: found in the last analysis that parsed, at its new place.
    let broken = format!("form {{\n\n{text}");
    let at = position(&broken, "visible when zuzug", 0, 14);
    let hover = client.request("textDocument/hover", json!({"textDocument": {"uri": doc}, "position": at}));
    let expected_line = at["line"].as_u64().unwrap();
    assert_eq!(hover["result"]["range"]["start"]["line"], expected_line, "{hover}");
    assert!(hover["result"]["contents"]["value"].as_str().unwrap().contains("field zuzug"), "{hover}");
    let definition = client.request("textDocument/definition", json!({"textDocument": {"uri": doc}, "position": at}));
    let declared = position(&broken, "field zuzug", 0, 6);
    assert_eq!(definition["result"]["range"]["start"], declared, "{definition}");
    // Completion in the broken text still offers the fields in scope.
    let completion = client.request("textDocument/completion", json!({"textDocument": {"uri": doc}, "position": at}));
    let labels: Vec<&str> =
        completion["result"].as_array().unwrap().iter().filter_map(|i| i["label"].as_str()).collect();
    assert!(labels.contains(&"bisherige_gemeinde"), "{labels:?}");
    // At the very end of the text (the common suffix).
    let end = position(&broken, "}\n", broken.matches("}\n").count() - 1, 1);
    let reply = client.request("textDocument/hover", json!({"textDocument": {"uri": doc}, "position": end}));
    assert!(reply.get("result").is_some(), "{reply}");
    assert_eq!(client.finish(), 0);
}

#[test]
fn protocol_errors_and_lifecycle() {
    let (_dir, forms) = corpus();
    let mut client = Client::start(&forms);
    let early = client.request("textDocument/hover", json!({}));
    assert_eq!(early["error"]["code"], -32002, "{early}");
    client.initialize();
    let unknown = client.request("workspace/frobnicate", json!({}));
    assert_eq!(unknown["error"]["code"], -32601, "{unknown}");
    let not_open = client.request("textDocument/hover", json!({"textDocument": {"uri": "file:///nope.form"}}));
    assert_eq!(not_open["error"]["code"], -32602, "{not_open}");
    client.send_raw(b"{not json");
    let parse_error = client.messages.recv_timeout(PATIENCE).unwrap();
    assert_eq!(parse_error["error"]["code"], -32700, "{parse_error}");
    // Unknown notifications are ignored; the server still answers.
    client.notify("$/setTrace", json!({"value": "off"}));
    let reply = client.request("shutdown", Value::Null);
    assert_eq!(reply["result"], Value::Null);
    let late = client.request("textDocument/hover", json!({}));
    assert_eq!(late["error"]["code"], -32600, "{late}");
    client.notify("exit", Value::Null);
    assert_eq!(client.wait(), 0);
    // `exit` without `shutdown` exits with 1.
    let mut client = Client::start(&forms);
    client.initialize();
    client.notify("exit", Value::Null);
    assert_eq!(client.wait(), 1);
}

/// A small deterministic generator (xorshift), so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

#[test]
fn thousands_of_random_edits_neither_panic_nor_hang() {
    let (_dir, forms) = corpus();
    let path = forms.join("hundesteuer.form");
    let text = std::fs::read_to_string(&path).unwrap();
    let lines = text.lines().count() as u64;
    let doc = uri(&path);
    let mut client = Client::start(&forms);
    client.initialize();
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": doc, "languageId": "formwerk", "version": 1, "text": text}}),
    );
    let pieces = [
        "",
        "x",
        "{",
        "}",
        "\"",
        "ä",
        "😀",
        "\n",
        "field q: text \"Q\"\n",
        " == ",
        ".",
        "visible when ",
        "\r\n",
        "é\u{301}",
    ];
    let methods =
        ["textDocument/hover", "textDocument/completion", "textDocument/definition", "textDocument/documentSymbol"];
    let mut rng = Rng(0x5eed_f0e1);
    let started = Instant::now();
    let mut edits = 0;
    for version in 2..3002 {
        let mut pos = || json!({"line": rng.below(lines + 3), "character": rng.below(90)});
        let (start, end) = (pos(), pos());
        let piece = pieces[rng.below(pieces.len() as u64) as usize];
        client.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": doc, "version": version}, "contentChanges": [{"range": {"start": start, "end": end}, "text": piece}]}),
        );
        edits += 1;
        if version % 100 == 0 {
            let method = methods[rng.below(methods.len() as u64) as usize];
            let position = json!({"line": rng.below(lines + 3), "character": rng.below(90)});
            let reply = client.request(method, json!({"textDocument": {"uri": doc}, "position": position}));
            assert!(reply.get("result").is_some(), "{method}: {reply}");
        }
        if started.elapsed() > Duration::from_secs(20) {
            break;
        }
    }
    assert!(edits >= 1000, "only {edits} edits in the time");
    // A full replacement brings the document back; it still answers.
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": doc, "version": 5000}, "contentChanges": [{"text": text}]}),
    );
    let symbols = client.request("textDocument/documentSymbol", json!({"textDocument": {"uri": doc}}));
    assert!(symbols["result"].as_array().is_some_and(|s| !s.is_empty()), "{symbols}");
    assert_eq!(client.finish(), 0);
}
