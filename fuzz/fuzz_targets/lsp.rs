//! Fuzz target: any text, then any sequence of edits and requests, through the language
//! server in process (`formwerk::lsp::Server`, the code behind `formwerk lsp`): every request
//! gets an answer (a result or an error), nothing panics. The input is the document's text up
//! to the first 0xFF byte; each 6 bytes after it are one operation (what, line, column, a
//! second line and column, which piece of text to insert).
#![no_main]

use formwerk::lsp::Server;
use serde_json::{json, Value};

const PIECES: &[&str] = &["", "x", "{", "}", "\"", "ä", "😀", "\n", ".", " == ", "field a: text \"A\"\n", "\r\n", "é\u{301}", "when "];
const METHODS: &[&str] = &[
    "textDocument/hover",
    "textDocument/definition",
    "textDocument/references",
    "textDocument/completion",
    "textDocument/documentSymbol",
    "textDocument/formatting",
    "textDocument/codeAction",
    "textDocument/prepareRename",
    "textDocument/rename",
];

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let split = data.iter().position(|&b| b == 0xFF).unwrap_or(data.len());
    let text = String::from_utf8_lossy(&data[..split]).into_owned();
    let ops = data.get(split + 1..).unwrap_or_default();
    let uri = "untitled:fuzz.form";
    let mut server = Server::default();
    server.handle_batch(vec![json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {}})]);
    server.handle_batch(vec![json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
        "textDocument": {"uri": uri, "languageId": "formwerk", "version": 1, "text": text}}})]);
    for (n, op) in ops.chunks_exact(6).take(64).enumerate() {
        let start = json!({"line": op[1] % 64, "character": op[2] % 128});
        let end = json!({"line": op[3] % 64, "character": op[4] % 128});
        let message = if op[0] % 2 == 0 {
            let piece = PIECES[op[5] as usize % PIECES.len()];
            json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
                "textDocument": {"uri": uri, "version": n + 2},
                "contentChanges": [{"range": {"start": start, "end": end}, "text": piece}]}})
        } else {
            let method = METHODS[op[5] as usize % METHODS.len()];
            json!({"jsonrpc": "2.0", "id": n + 1, "method": method, "params": {
                "textDocument": {"uri": uri}, "position": start, "range": {"start": start, "end": end},
                "context": {"diagnostics": [], "includeDeclaration": true}, "newName": "neu",
                "options": {"tabSize": 2, "insertSpaces": true}}})
        };
        let request = message.get("id").is_some();
        let replies = server.handle_batch(vec![message]);
        if request {
            let reply: &Value = replies.iter().find(|r| r.get("id").is_some()).expect("every request is answered");
            assert!(reply.get("result").is_some() || reply.get("error").is_some(), "{reply}");
        }
    }
});
