//! Rust identifiers from the definition's stable names (field names, code-list codes, type
//! names), never from labels: relabelling changes no identifier.
//!
//! Each derivation also exists as text (`*_text`), which never fails whatever the name: the
//! checker uses it to reject names whose identifiers would collide (`check::collide`).

use proc_macro2::{Ident, Span};

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false", "fn", "for", "gen",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static", "struct",
    "trait", "true", "try", "type", "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final",
    "macro", "override", "priv", "typeof", "unsized", "virtual", "yield",
];

/// The text of an identifier that is never a keyword: `type` becomes `r#type`; `self`,
/// `Self`, `super` and `crate`, which cannot be raw, get a trailing `_`.
fn ident_text(name: &str) -> String {
    if ["self", "Self", "super", "crate"].contains(&name) {
        return format!("{name}_");
    }
    if KEYWORDS.contains(&name) {
        return format!("r#{name}");
    }
    name.to_string()
}

fn ident(name: &str) -> Ident {
    let text = ident_text(name);
    match text.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(&text, Span::call_site()),
    }
}

/// A field or module name (already ASCII in the source), e.g. `geburtsdatum`.
pub fn field(name: &str) -> Ident {
    ident(&name.to_ascii_lowercase())
}

/// The text of [`field`].
pub fn field_text(name: &str) -> String {
    ident_text(&name.to_ascii_lowercase())
}

pub fn module(form_id: &str) -> Ident {
    field(form_id)
}

/// The text of [`module`].
pub fn module_text(form_id: &str) -> String {
    field_text(form_id)
}

/// A type name from one or more names: `["antragsteller", "anschrift"]` → `AntragstellerAnschrift`.
/// Total: a name whose first word starts with a digit keeps a leading `_` (`_1` → `_1`). The
/// checker rejects names that collide this way (`check::collide`) and names made only of
/// underscores, which have no words (`check::names`).
pub fn type_name(parts: &[&str]) -> Ident {
    ident(&type_name_text(parts))
}

/// The text of [`type_name`].
pub fn type_name_text(parts: &[&str]) -> String {
    let mut out = String::new();
    for part in parts {
        for word in part.split('_').filter(|w| !w.is_empty()) {
            let mut chars = word.chars();
            if let Some(first) = chars.next() {
                out.extend(first.to_uppercase());
                out.push_str(chars.as_str());
            }
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    if out == "_" {
        out.push('_');
    }
    ident_text(&out)
}

/// The associated items of a code-list enum, which a variant of the same name would make
/// ambiguous (`Liste::ALL`).
const ENUM_ITEMS: &[&str] = &["ALL", "URN", "VERSION"];

/// An enum variant for a code: `N` → `N`, `001` → `C001`, `a-b.c` → `A_b_c`, `ALL` → `ALL_`.
pub fn variant(code: &str) -> Ident {
    let mut out: String = code.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
    if out.is_empty() || !out.starts_with(|c: char| c.is_ascii_alphabetic()) {
        out.insert(0, 'C');
    }
    let mut chars = out.chars();
    let first = chars.next().map(|c| c.to_ascii_uppercase()).unwrap_or('C');
    let mut name = format!("{first}{}", chars.as_str());
    if ENUM_ITEMS.contains(&name.as_str()) {
        name.push('_');
    }
    ident(&name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_valid_and_stable() {
        assert_eq!(field("type").to_string(), "r#type");
        assert_eq!(field("self").to_string(), "self_");
        assert_eq!(type_name(&["antragsteller", "wohn_anschrift"]).to_string(), "AntragstellerWohnAnschrift");
        assert_eq!(variant("001").to_string(), "C001");
        assert_eq!(variant("n").to_string(), "N");
        assert_eq!(variant("a-b.c").to_string(), "A_b_c");
        assert_eq!(variant("").to_string(), "C");
        assert_eq!(variant("ALL").to_string(), "ALL_");
        assert_eq!(variant("all").to_string(), "All");
        // Never an invalid identifier, whatever the checker lets through.
        for name in ["_", "__", "_1", "a__1", "self", "self_", "_self"] {
            let ty = type_name(&[name]).to_string();
            assert!(syn::parse_str::<syn::Ident>(&ty).is_ok(), "{name} → {ty}");
        }
        assert_eq!(type_name(&["_1"]).to_string(), "_1");
    }
}
