//! The open documents: their text as the editor has it, kept in step with full and incremental
//! changes (`textDocument/didChange`), and their URIs as paths. A change that cannot apply (a
//! range outside the text is clamped; a text above the source limit is refused) never panics.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::Value;

use super::position::LineIndex;
/// The largest text kept (the checker refuses larger source files).
const MAX_SOURCE_BYTES: usize = crate::files::MAX_SOURCE_BYTES as usize;

/// One open document.
pub struct Document {
    pub text: String,
    pub version: i64,
    /// Bumped on every change, so results computed for an older text are recognised.
    pub revision: u64,
}

/// Every open document by URI.
#[derive(Default)]
pub struct Documents {
    pub open: BTreeMap<String, Document>,
    revisions: u64,
}

impl Documents {
    pub fn open(&mut self, uri: &str, text: String, version: i64) {
        self.revisions += 1;
        let text = bounded(text);
        self.open.insert(uri.to_string(), Document { text, version, revision: self.revisions });
    }

    pub fn close(&mut self, uri: &str) {
        self.open.remove(uri);
    }

    pub fn get(&self, uri: &str) -> Option<&Document> {
        self.open.get(uri)
    }

    /// Applies `contentChanges` in order: a change with a `range` replaces that range, one
    /// without replaces the whole text. Returns false for an unknown document.
    pub fn change(&mut self, uri: &str, version: i64, changes: &[Value]) -> bool {
        self.revisions += 1;
        let revision = self.revisions;
        let Some(document) = self.open.get_mut(uri) else {
            return false;
        };
        for change in changes {
            let Some(new_text) = change["text"].as_str() else {
                continue;
            };
            match change.get("range") {
                Some(range) if range.is_object() => {
                    let (start, end) = LineIndex::new(&document.text).span_of(range);
                    if document.text.len() - (end - start) + new_text.len() > MAX_SOURCE_BYTES {
                        continue;
                    }
                    document.text.replace_range(start..end, new_text);
                }
                _ => document.text = bounded(new_text.to_string()),
            }
        }
        document.version = version;
        document.revision = revision;
        true
    }
}

/// A text within the source limit: a larger one is cut at a character boundary (the checker
/// would refuse the file; the editor still gets answers for what is there).
fn bounded(mut text: String) -> String {
    if text.len() > MAX_SOURCE_BYTES {
        let mut end = MAX_SOURCE_BYTES;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    text
}

/// The local path of a `file:` URI (percent-decoded); `None` for other schemes.
pub fn uri_to_path(uri: &str) -> Option<PathBuf> {
    let rest = uri.strip_prefix("file://")?;
    // `file:///c%3A/x` on Windows; `file:///home/x` elsewhere.
    let bytes = rest.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(byte) = hex {
                decoded.push(byte);
                i += 3;
                continue;
            }
        }
        decoded.push(bytes[i]);
        i += 1;
    }
    let path = String::from_utf8(decoded).ok()?;
    let path = path.strip_prefix("localhost").unwrap_or(&path);
    if cfg!(windows) {
        Some(PathBuf::from(path.trim_start_matches('/')))
    } else {
        Some(PathBuf::from(path))
    }
}

/// The `file:` URI of a path, percent-encoding what a URI path may not hold.
pub fn path_to_uri(path: &std::path::Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let mut uri = String::from("file://");
    if !text.starts_with('/') {
        uri.push('/');
    }
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"/-._~".contains(&byte) {
            uri.push(byte as char);
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn incremental_changes_count_utf16_and_clamp() {
        let mut docs = Documents::default();
        docs.open("file:///f.form", "field größe 😀 x\n".to_string(), 1);
        // Replace `x` (after the emoji: column 15 in UTF-16 units).
        let change =
            json!({"range": {"start": {"line": 0, "character": 15}, "end": {"line": 0, "character": 16}}, "text": "y"});
        assert!(docs.change("file:///f.form", 2, &[change]));
        assert_eq!(docs.get("file:///f.form").unwrap().text, "field größe 😀 y\n");
        // A range far outside the text appends at the end.
        let change =
            json!({"range": {"start": {"line": 99, "character": 0}, "end": {"line": 99, "character": 3}}, "text": "z"});
        docs.change("file:///f.form", 3, &[change]);
        assert_eq!(docs.get("file:///f.form").unwrap().text, "field größe 😀 y\nz");
        assert!(!docs.change("file:///other.form", 1, &[]));
    }

    #[test]
    fn uris_and_paths_round_trip() {
        let path = PathBuf::from("/home/a b/straße.form");
        let uri = path_to_uri(&path);
        assert_eq!(uri, "file:///home/a%20b/stra%C3%9Fe.form");
        assert_eq!(uri_to_path(&uri), Some(path));
        assert_eq!(uri_to_path("untitled:Untitled-1"), None);
        assert_eq!(uri_to_path("file:///x%"), Some(PathBuf::from("/x%")));
    }
}
