//! Rules for declared names on their own: ASCII only (with a transliteration in the help),
//! and not a name that a target reserves (`reserved-name`). Names that collide with each
//! other once a target derives its names are `collide`'s concern.

use crate::diag::{Code, Diagnostic};
use crate::syntax::ast::Ident;

/// What a name declares, for the rules that differ by kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameKind {
    /// A field, group or repeat: a JSON key, a Rust field and an HTML id.
    Member,
    /// A code list or group type: a Rust type.
    Definition,
    /// A form: a Rust module, and the name of a file in every target.
    Form,
}

/// Rust's strict and reserved keywords (2021 edition, and `gen` of 2024). As module names they
/// would need raw identifiers, which do not name files.
const RUST_KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "false", "fn",
    "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self",
    "static", "struct", "super", "trait", "true", "try", "type", "unsafe", "use", "where", "while", "abstract",
    "become", "box", "do", "final", "macro", "override", "priv", "typeof", "unsized", "virtual", "yield",
];

/// Names at the root of the generated crate besides the forms: its own modules and files
/// (`lib.rs`; `main.rs` would become a binary; `runtime`; `shared`; `catalogues`). The crates
/// its code names (`std`, `serde`, `regex`) are fine: it writes their paths absolute (`::serde`).
const CRATE_NAMES: &[&str] = &["lib", "main", "runtime", "shared", "catalogues"];

/// Reports a name that a target cannot write or that would replace a part of its own.
pub fn check_reserved(name: &Ident, kind: NameKind, diagnostics: &mut Vec<Diagnostic>) -> bool {
    let text = name.name.as_str();
    let lower = text.to_ascii_lowercase();
    let problem: Option<(String, String)> = if !text.is_empty() && text.bytes().all(|b| b == b'_') {
        Some((format!("`{text}` is not a name in Rust"), "use a name with a letter, e.g. `wert`".to_string()))
    } else if kind == NameKind::Form
        && (RUST_KEYWORDS.contains(&lower.as_str()) || CRATE_NAMES.contains(&lower.as_str()))
    {
        let why = if CRATE_NAMES.contains(&lower.as_str()) {
            format!("the generated Rust crate uses `{lower}` itself")
        } else {
            format!("`{lower}` is a Rust keyword")
        };
        Some((
            format!("form `{text}` would be the Rust module `{lower}`, but {why}"),
            format!("write `form {text}_` or another name"),
        ))
    } else if kind == NameKind::Member && ["self", "super", "crate"].contains(&lower.as_str()) {
        Some((
            format!("`{text}` cannot be a field of a Rust struct, not even as a raw identifier"),
            format!("write `{text}_` instead"),
        ))
    } else if kind == NameKind::Member && text.starts_with("__") {
        Some((
            "names starting with `__` are reserved for the generated code, such as `__unknown`".to_string(),
            format!("write `{}` instead", suggest_unreserved(text.trim_start_matches('_'))),
        ))
    } else {
        None
    };
    let Some((message, help)) = problem else { return true };
    diagnostics.push(Diagnostic::new(Code::ReservedName, message, name.span, "reserved").with_help(help));
    false
}

/// Reports a name that is not ASCII; generated JSON keys, HTML ids and Rust identifiers
/// derive from names, so they must be portable.
pub fn check_ascii(name: &Ident, diagnostics: &mut Vec<Diagnostic>) -> bool {
    if name.name.is_ascii() {
        return true;
    }
    diagnostics.push(
        Diagnostic::new(
            Code::NonAsciiName,
            format!("name `{}` contains characters outside ASCII", name.name),
            name.span,
            "only a-z, A-Z, 0-9 and _",
        )
        .with_help(format!("write it as `{}`; labels may use any character", transliterate(&name.name))),
    );
    false
}

fn suggest_unreserved(trimmed: &str) -> String {
    if trimmed.starts_with(|c: char| c.is_ascii_digit()) {
        format!("wert_{trimmed}")
    } else {
        trimmed.to_string()
    }
}

/// German transliteration for names: `größe` → `groesse`; other letters lose their accents
/// where that is obvious and become `_` otherwise.
pub fn transliterate(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        match c {
            'ä' => out.push_str("ae"),
            'ö' => out.push_str("oe"),
            'ü' => out.push_str("ue"),
            'Ä' => out.push_str("Ae"),
            'Ö' => out.push_str("Oe"),
            'Ü' => out.push_str("Ue"),
            'ß' => out.push_str("ss"),
            'é' | 'è' | 'ê' => out.push('e'),
            'á' | 'à' | 'â' => out.push('a'),
            c if c.is_ascii() => out.push(c),
            _ => out.push('_'),
        }
    }
    out
}
