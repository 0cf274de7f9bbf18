//! `formwerk lsp`: a language server over standard input and output.
//!
//! - `transport.rs` frames messages; `documents.rs` keeps the open texts in step with the
//!   editor; `position.rs` converts UTF-16 positions to byte offsets;
//! - `analysis.rs` runs the checker on a document and the modules it uses; `index.rs` says what
//!   each name stands for, over the checker's ASTs and by its scoping rules;
//! - one module per feature: `diagnostics.rs`, `hover.rs`, `navigate.rs` (definition and
//!   references), `complete.rs`, `rename.rs`, `symbols.rs`, `actions.rs` (quick fixes and
//!   formatting through `fmt`).
//!
//! The server is a loop over messages: everything that arrived while it was busy is handled
//! as one batch, so a burst of keystrokes is checked once (diagnostics are published after
//! the batch) and a request cancelled in the same batch is not computed. While a document does
//! not parse, answers come from its last analysis that did, with offsets shifted over the
//! edited region. Nothing here panics on any text or message: every lookup is total.

mod actions;
mod analysis;
mod complete;
mod diagnostics;
mod documents;
mod hover;
mod index;
mod navigate;
mod position;
mod rename;
mod symbols;
mod transport;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, BufReader, Read, Write};
use std::rc::Rc;

use serde_json::{json, Value};

use crate::source::{FileId, Span};
use analysis::{Analysis, Project};
use documents::Documents;
use position::LineIndex;

pub use transport::MAX_MESSAGE_BYTES;

const PARSE_ERROR: i64 = -32700;
const INVALID_REQUEST: i64 = -32600;
const METHOD_NOT_FOUND: i64 = -32601;
const INVALID_PARAMS: i64 = -32602;
const SERVER_NOT_INITIALIZED: i64 = -32002;
const REQUEST_CANCELLED: i64 = -32800;

/// Runs the server until `exit` or the end of `input`. Returns the process exit code: 0 after
/// `shutdown` then `exit`, 1 otherwise (as the protocol asks).
pub fn run(input: impl Read + Send + 'static, output: &mut impl Write) -> io::Result<i32> {
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut input = BufReader::new(input);
        loop {
            let message = transport::read(&mut input);
            let end = !matches!(message, Ok(Some(_)));
            if sender.send(message).is_err() || end {
                break;
            }
        }
    });
    let mut server = Server::default();
    while let Ok(first) = receiver.recv() {
        let mut batch = vec![first];
        batch.extend(receiver.try_iter());
        let mut messages = Vec::new();
        let mut ended = false;
        for item in batch {
            match item {
                Ok(Some(transport::Incoming::Message(message))) => messages.push(message),
                Ok(Some(transport::Incoming::Malformed(error))) => {
                    transport::write(output, &error_response(Value::Null, PARSE_ERROR, &error))?;
                }
                Ok(None) => ended = true,
                Err(error) => {
                    eprintln!("formwerk lsp: {error}");
                    ended = true;
                }
            }
        }
        for reply in server.handle_batch(messages) {
            transport::write(output, &reply)?;
        }
        if let Some(code) = server.exit {
            return Ok(code);
        }
        if ended {
            break;
        }
    }
    Ok(1)
}

/// The server's state: open documents, their analyses, the protocol's lifecycle.
#[derive(Default)]
pub struct Server {
    docs: Documents,
    project: Project,
    /// The latest analysis of each open document.
    current: BTreeMap<String, Rc<Analysis>>,
    /// The latest analysis of each open document in which it parsed.
    good: BTreeMap<String, Rc<Analysis>>,
    /// Documents changed since their diagnostics were last published.
    dirty: BTreeSet<String>,
    initialized: bool,
    shut_down: bool,
    /// Set by `exit`: the process exit code.
    pub exit: Option<i32>,
}

impl Server {
    /// Handles messages that arrived together, then publishes the diagnostics of the
    /// documents they changed. Returns the messages to send, in order.
    pub fn handle_batch(&mut self, messages: Vec<Value>) -> Vec<Value> {
        let cancelled: BTreeSet<String> = messages
            .iter()
            .filter(|m| m["method"] == "$/cancelRequest")
            .map(|m| m["params"]["id"].to_string())
            .collect();
        let mut out = Vec::new();
        for message in messages {
            if message.get("id").is_some()
                && cancelled.contains(&message["id"].to_string())
                && message.get("method").is_some()
            {
                out.push(error_response(message["id"].clone(), REQUEST_CANCELLED, "cancelled"));
                continue;
            }
            out.extend(self.handle(message));
            if self.exit.is_some() {
                return out;
            }
        }
        out.extend(self.publish());
        out
    }

    /// Handles one message; diagnostics wait for [`Server::publish`].
    pub fn handle(&mut self, message: Value) -> Vec<Value> {
        let Some(method) = message["method"].as_str().map(str::to_string) else {
            // A response to a request of ours (we send none), or nonsense.
            return match message.get("id") {
                Some(id) if message.get("result").is_none() && message.get("error").is_none() => {
                    vec![error_response(id.clone(), INVALID_REQUEST, "a message needs a method")]
                }
                _ => Vec::new(),
            };
        };
        let params = message.get("params").cloned().unwrap_or(Value::Null);
        match message.get("id").cloned() {
            Some(id) => vec![match self.request(&method, &params) {
                Ok(result) => json!({"jsonrpc": "2.0", "id": id, "result": result}),
                Err((code, text)) => error_response(id, code, &text),
            }],
            None => {
                self.notification(&method, &params);
                Vec::new()
            }
        }
    }

    fn notification(&mut self, method: &str, params: &Value) {
        let uri = params["textDocument"]["uri"].as_str().unwrap_or_default().to_string();
        match method {
            "exit" => self.exit = Some(if self.shut_down { 0 } else { 1 }),
            _ if !self.initialized || self.shut_down => {}
            "textDocument/didOpen" => {
                let text = params["textDocument"]["text"].as_str().unwrap_or_default().to_string();
                self.docs.open(&uri, text, params["textDocument"]["version"].as_i64().unwrap_or(0));
                self.dirty.insert(uri);
            }
            "textDocument/didChange" => {
                let changes = params["contentChanges"].as_array().map(Vec::as_slice).unwrap_or_default();
                let version = params["textDocument"]["version"].as_i64().unwrap_or(0);
                if self.docs.change(&uri, version, changes) {
                    self.dirty.insert(uri);
                }
            }
            "textDocument/didClose" => {
                self.docs.close(&uri);
                self.current.remove(&uri);
                self.good.remove(&uri);
                self.dirty.insert(uri);
            }
            "textDocument/didSave" => {
                // Other open documents may use the saved module from disk: check them again.
                self.dirty.extend(self.docs.open.keys().cloned());
            }
            _ => {}
        }
    }

    /// Publishes the diagnostics of every changed document (an empty list for a closed one).
    pub fn publish(&mut self) -> Vec<Value> {
        let mut out = Vec::new();
        for uri in std::mem::take(&mut self.dirty) {
            let diagnostics = match self.analysis(&uri) {
                Some(analysis) => diagnostics::for_file(&analysis, analysis.file),
                None => Vec::new(),
            };
            let version = self.docs.get(&uri).map(|d| d.version);
            out.push(json!({
                "jsonrpc": "2.0",
                "method": "textDocument/publishDiagnostics",
                "params": {"uri": uri, "version": version, "diagnostics": diagnostics},
            }));
        }
        out
    }

    /// The analysis of the document's current text (made if it is stale).
    fn analysis(&mut self, uri: &str) -> Option<Rc<Analysis>> {
        let revision = self.docs.get(uri)?.revision;
        if let Some(analysis) = self.current.get(uri).filter(|a| a.revision == revision) {
            return Some(analysis.clone());
        }
        let analysis = Rc::new(self.project.analyze(&self.docs, uri)?);
        if analysis.parses() {
            self.good.insert(uri.to_string(), analysis.clone());
        }
        self.current.insert(uri.to_string(), analysis.clone());
        Some(analysis)
    }

    /// The analysis to answer questions about a document from: the current one if the text
    /// parses, else the last one that did; with the document's current text.
    fn view(&mut self, params: &Value) -> Result<View, (i64, String)> {
        let uri = params["textDocument"]["uri"].as_str().ok_or((INVALID_PARAMS, "no textDocument.uri".to_string()))?;
        let uri = uri.to_string();
        let current = self.analysis(&uri).ok_or((INVALID_PARAMS, format!("`{uri}` is not open")))?;
        let analysis = match self.good.get(&uri) {
            Some(good) if !current.parses() => good.clone(),
            _ => current,
        };
        let text = self.docs.get(&uri).map(|d| d.text.clone()).unwrap_or_default();
        Ok(View::new(analysis, text, uri))
    }

    /// A view of every form under the document's module root, checked (for references and
    /// renames across modules).
    fn workspace_view(&mut self, params: &Value) -> Result<View, (i64, String)> {
        let uri = params["textDocument"]["uri"].as_str().ok_or((INVALID_PARAMS, "no textDocument.uri".to_string()))?;
        let analysis =
            self.project.analyze_workspace(&self.docs, uri).ok_or((INVALID_PARAMS, format!("`{uri}` is not open")))?;
        let text = self.docs.get(uri).map(|d| d.text.clone()).unwrap_or_default();
        Ok(View::new(Rc::new(analysis), text, uri.to_string()))
    }

    fn request(&mut self, method: &str, params: &Value) -> Result<Value, (i64, String)> {
        if method == "initialize" {
            self.initialized = true;
            return Ok(capabilities());
        }
        if !self.initialized {
            return Err((SERVER_NOT_INITIALIZED, "the server is not initialized".to_string()));
        }
        if self.shut_down {
            return Err((INVALID_REQUEST, "the server is shut down".to_string()));
        }
        match method {
            "shutdown" => {
                self.shut_down = true;
                Ok(Value::Null)
            }
            "textDocument/hover" => Ok(hover::hover(&self.view(params)?, &params["position"])),
            "textDocument/definition" => Ok(navigate::definition(&self.view(params)?, &params["position"])),
            "textDocument/references" => {
                let include = params["context"]["includeDeclaration"].as_bool().unwrap_or(true);
                Ok(navigate::references(&self.workspace_view(params)?, &params["position"], include))
            }
            "textDocument/completion" => Ok(complete::complete(&self.view(params)?, &params["position"])),
            "textDocument/documentSymbol" => Ok(symbols::document_symbols(&self.view(params)?)),
            "textDocument/formatting" => {
                let uri = params["textDocument"]["uri"].as_str().ok_or((INVALID_PARAMS, "no uri".to_string()))?;
                let text = self.docs.get(uri).ok_or((INVALID_PARAMS, format!("`{uri}` is not open")))?;
                Ok(actions::format(&text.text))
            }
            "textDocument/codeAction" => Ok(actions::code_actions(&self.view(params)?, params)),
            "textDocument/prepareRename" => Ok(rename::prepare(&self.view(params)?, &params["position"])),
            "textDocument/rename" => {
                let new_name = params["newName"].as_str().ok_or((INVALID_PARAMS, "no newName".to_string()))?;
                let view = self.workspace_view(params)?;
                if !view.parses() {
                    return Err((
                        INVALID_REQUEST,
                        "the document has a syntax error; fix it before renaming".to_string(),
                    ));
                }
                rename::rename(&mut self.project, &view, &params["position"], new_name)
                    .map_err(|message| (INVALID_REQUEST, message))
            }
            _ => Err((METHOD_NOT_FOUND, format!("`{method}` is not supported"))),
        }
    }
}

fn capabilities() -> Value {
    json!({
        "capabilities": {
            "positionEncoding": "utf-16",
            "textDocumentSync": {"openClose": true, "change": 2, "save": true},
            "hoverProvider": true,
            "definitionProvider": true,
            "referencesProvider": true,
            "completionProvider": {"triggerCharacters": [".", " ", "\""]},
            "renameProvider": {"prepareProvider": true},
            "documentSymbolProvider": true,
            "documentFormattingProvider": true,
            "codeActionProvider": {"codeActionKinds": ["quickfix"]},
        },
        "serverInfo": {"name": "formwerk", "version": env!("CARGO_PKG_VERSION")},
    })
}

fn error_response(id: Value, code: i64, message: &str) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}})
}

/// An analysis seen through the document's current text: while the text does not parse, the
/// analysis is an older one, and offsets in the document are shifted over the edited region
/// (the common prefix and suffix of the two texts).
pub struct View {
    pub analysis: Rc<Analysis>,
    pub uri: String,
    current: String,
    /// Length of the common prefix and suffix of the analysed and the current text.
    prefix: usize,
    suffix: usize,
}

impl View {
    fn new(analysis: Rc<Analysis>, current: String, uri: String) -> View {
        let old = analysis.text(analysis.file);
        let prefix = old.bytes().zip(current.bytes()).take_while(|(a, b)| a == b).count();
        let max_suffix = old.len().min(current.len()) - prefix;
        let suffix = old.bytes().rev().zip(current.bytes().rev()).take(max_suffix).take_while(|(a, b)| a == b).count();
        View { analysis, uri, current, prefix, suffix }
    }

    /// Whether the analysis is of the current text.
    pub fn parses(&self) -> bool {
        self.prefix == self.current.len() && self.current.len() == self.analysis.text(self.analysis.file).len()
    }

    pub fn file(&self) -> FileId {
        self.analysis.file
    }

    /// The current text of the document.
    pub fn current(&self) -> &str {
        &self.current
    }

    /// The offset in the analysed text of a protocol position in the current text.
    pub fn offset(&self, position: &Value) -> u32 {
        let offset = LineIndex::new(&self.current).offset_of(position);
        let old_len = self.analysis.text(self.analysis.file).len();
        let mapped = if offset <= self.prefix {
            offset
        } else if offset >= self.current.len() - self.suffix {
            // Within the common suffix: `offset + old_len >= current.len()` holds there.
            offset + old_len - self.current.len()
        } else {
            self.prefix
        };
        mapped as u32
    }

    /// The offset in the current text of an offset in the analysed text of the document.
    fn current_offset(&self, offset: usize) -> usize {
        let old_len = self.analysis.text(self.analysis.file).len();
        if offset <= self.prefix {
            offset
        } else if offset >= old_len - self.suffix {
            offset + self.current.len() - old_len
        } else {
            self.prefix
        }
    }

    /// The protocol range of a span of the analysis.
    pub fn range(&self, span: Span) -> Value {
        if span.file == self.analysis.file {
            let index = LineIndex::new(&self.current);
            index.range(self.current_offset(span.start as usize), self.current_offset(span.end as usize))
        } else {
            LineIndex::new(self.analysis.text(span.file)).range(span.start as usize, span.end as usize)
        }
    }

    /// The protocol location of a span of the analysis (`None` for a file without a URI).
    pub fn location(&self, span: Span) -> Option<Value> {
        let uri = if span.file == self.analysis.file { self.uri.as_str() } else { self.analysis.uri(span.file)? };
        Some(json!({"uri": uri, "range": self.range(span)}))
    }
}
