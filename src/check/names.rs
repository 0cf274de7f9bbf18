//! Rules for declared names: ASCII only, with a transliteration in the help.

use crate::diag::{Code, Diagnostic};
use crate::syntax::ast::Ident;

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
