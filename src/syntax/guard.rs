//! A cheap lexical scan that bounds bracket nesting before pest sees the text.
//!
//! pest and every later stage recurse over nested brackets; bounding the depth here keeps
//! hostile or garbled input from overflowing the stack.

use crate::diag::{Code, Diagnostic};
use crate::source::{FileId, Span};

/// The deepest bracket nesting accepted; real forms stay below ten.
pub const MAX_NESTING: usize = 48;

/// Returns a diagnostic at the first bracket that nests deeper than [`MAX_NESTING`].
pub fn check_nesting(file: FileId, text: &str) -> Option<Diagnostic> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < bytes.len() && !(bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i += 1;
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(
                        Diagnostic::new(
                            Code::SyntaxError,
                            format!("brackets are nested more than {MAX_NESTING} levels deep"),
                            Span::new(file, i, i + 1),
                            "too deep",
                        )
                        .with_help("split the form into groups or the expression into simpler rules"),
                    );
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}
