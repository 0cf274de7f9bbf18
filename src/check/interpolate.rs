//! Interpolation in labels, hints and infos: `{path}` shows another answer.
//!
//! ```text
//! field einkommen: money "Einkommen von {antragsteller.vorname}"   // a placeholder
//! info klammern "Geschweifte Klammern: {{ und }}"                  // literal braces
//! field x: text "Betrag {betrag"                                    // invalid-template
//! field y: text "Name von {antragstellr.vorname}"                   // unknown-name
//! ```
//!
//! The template is read from the source text of the string, so that each problem has the
//! span of its braces and an escaped brace (`\u{7B}`) is always a literal one. What is read
//! becomes the canonical IR template (`ir::template`): placeholders as written, every
//! literal brace doubled. The paths are resolved like expression paths once the data tree is
//! complete (`lower/resolve.rs`) and rewritten to paths from the form root.

use crate::diag::{Code, Diagnostic};
use crate::source::{SourceDb, Span};
use crate::syntax::ast;

/// A string of a label, hint or info, read as a template.
pub struct Parsed {
    /// The canonical template, with placeholders as written.
    pub template: String,
    /// Each placeholder's path; every segment carries the span of the braces.
    pub paths: Vec<ast::Path>,
}

/// Reads `lit` as a template from its source text (falling back to its value when the
/// source is not at hand), reporting stray braces and placeholders that are no path.
pub fn parse(lit: &ast::StringLit, db: &SourceDb, diagnostics: &mut Vec<Diagnostic>) -> Parsed {
    let span = lit.span;
    let source = &db.get(span.file).text;
    let quoted = source.get(span.start as usize..span.end as usize).filter(|s| s.len() >= 2);
    let (raw, base, escapes) = match quoted {
        Some(q) if q.starts_with('"') && q.ends_with('"') => (&q[1..q.len() - 1], span.start as usize + 1, true),
        _ => (lit.value.as_str(), span.start as usize, false),
    };
    let at = |start: usize, end: usize| {
        if escapes {
            Span::new(span.file, base + start, base + end)
        } else {
            span
        }
    };
    let mut out = Parsed { template: String::new(), paths: Vec::new() };
    let literal = |template: &mut String, c: char| match c {
        '{' => template.push_str("{{"),
        '}' => template.push_str("}}"),
        c => template.push(c),
    };
    let mut index = 0;
    while let Some(c) = raw[index..].chars().next() {
        let rest = &raw[index..];
        if c == '\\' && escapes {
            let (decoded, used) = escape(rest);
            decoded.into_iter().for_each(|c| literal(&mut out.template, c));
            index += used;
            continue;
        }
        if rest.starts_with("{{") || rest.starts_with("}}") {
            literal(&mut out.template, c);
            index += 2;
            continue;
        }
        if c == '}' {
            diagnostics.push(
                Diagnostic::new(Code::InvalidTemplate, "`}` without a `{`", at(index, index + 1), "unmatched brace")
                    .with_help("write `}}` for a literal brace; a placeholder is written `{antragsteller.vorname}`"),
            );
            index += 1;
            continue;
        }
        if c != '{' {
            literal(&mut out.template, c);
            index += c.len_utf8();
            continue;
        }
        let Some(close) = rest[1..].find(['{', '}', '"', '\\', '\n']).filter(|&i| rest.as_bytes()[i + 1] == b'}')
        else {
            diagnostics.push(
                Diagnostic::new(Code::InvalidTemplate, "`{` is not closed", at(index, index + 1), "unclosed brace")
                    .with_help("write `{{` for a literal brace, or close the placeholder: `{antragsteller.vorname}`"),
            );
            index += 1;
            continue;
        };
        let braces = at(index, index + close + 2);
        let content = rest[1..close + 1].trim();
        let segments: Vec<&str> = content.split('.').collect();
        let is_path = segments.iter().all(|s| {
            s.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_')
                && s.chars().all(|c| c.is_alphanumeric() || c == '_')
        });
        if is_path {
            out.template.push('{');
            out.template.push_str(content);
            out.template.push('}');
            let segments = segments.iter().map(|s| ast::Ident { name: s.to_string(), span: braces }).collect();
            out.paths.push(ast::Path { segments, span: braces });
        } else {
            diagnostics.push(
                Diagnostic::new(
                    Code::InvalidTemplate,
                    format!("`{{{content}}}` does not name a field"),
                    braces,
                    "not a field path",
                )
                .with_help("a placeholder names a field by its path (`{antragsteller.vorname}`); write `{{` and `}}` for literal braces"),
            );
        }
        index += close + 2;
    }
    out
}

/// The characters a string escape at the start of `rest` stands for, and its length; the
/// parser has already reported escapes that are not valid.
fn escape(rest: &str) -> (Option<char>, usize) {
    let mut chars = rest.chars();
    chars.next();
    match chars.next() {
        Some('n') => (Some('\n'), 2),
        Some('t') => (Some('\t'), 2),
        Some('u') => {
            let close = rest.find('}').unwrap_or(rest.len() - 1);
            let hex = rest.get(3..close).unwrap_or("");
            (u32::from_str_radix(hex, 16).ok().and_then(char::from_u32), close + 1)
        }
        Some(c) => (Some(c), 1 + c.len_utf8()),
        None => (None, 1),
    }
}
