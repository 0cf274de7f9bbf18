//! CSS as the HTML backend writes and reads it: [`ident`] and [`string`] escape every text that
//! Formwerk places into CSS (ids in selectors, codes in attribute selectors), and [`check`]
//! decides what CSS a theme may contain (`tokens.rs` tokenises it as browsers do).
//!
//! Both escapes write ASCII punctuation only as hexadecimal escapes (`<` becomes `\3c `), so an
//! escaped text can end neither the string, nor the rule, nor the `<style>` element around it.

mod check;
mod tokens;

pub use check::{check, Context};

/// `text` as a CSS identifier, e.g. for `#id`: letters, digits, `-`, `_` and non-ASCII as they
/// are, everything else (and a leading digit, or a digit after a leading `-`) as a hexadecimal
/// escape. NUL becomes U+FFFD, as CSS reads it.
pub fn ident(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    for (index, &c) in chars.iter().enumerate() {
        let leading_digit = c.is_ascii_digit() && (index == 0 || (index == 1 && chars[0] == '-'));
        let lone_dash = c == '-' && chars.len() == 1;
        match c {
            '\0' => out.push('\u{FFFD}'),
            _ if leading_digit || lone_dash => push_hex(&mut out, c),
            'a'..='z' | 'A'..='Z' | '0'..='9' | '-' | '_' => out.push(c),
            _ if !c.is_ascii() => out.push(c),
            _ => push_hex(&mut out, c),
        }
    }
    out
}

/// `text` as a double-quoted CSS string: quotes, backslashes, `<`, `>`, `&` and control
/// characters as hexadecimal escapes, NUL as U+FFFD, everything else as it is.
pub fn string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\0' => out.push('\u{FFFD}'),
            '"' | '\'' | '\\' | '<' | '>' | '&' => push_hex(&mut out, c),
            _ if c.is_control() => push_hex(&mut out, c),
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `\hex ` (the space ends the escape, so a following hex digit is not swallowed).
fn push_hex(out: &mut String, c: char) {
    out.push_str(&format!("\\{:x} ", c as u32));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        assert_eq!(ident("kinder-0-name_x"), "kinder-0-name_x");
        assert_eq!(ident("1a"), "\\31 a");
        assert_eq!(ident("-1"), "-\\31 ");
        assert_eq!(ident("-"), "\\2d ");
        assert_eq!(ident("a b</style>"), "a\\20 b\\3c \\2f style\\3e ");
        assert_eq!(ident("straße"), "straße");
        assert_eq!(ident("a\0"), "a\u{FFFD}");
    }

    #[test]
    fn strings() {
        assert_eq!(string("O"), "\"O\"");
        assert_eq!(string("</style><script>"), "\"\\3c /style\\3e \\3c script\\3e \"");
        assert_eq!(string("a\"b\\c'd"), "\"a\\22 b\\5c c\\27 d\"");
        assert_eq!(string("x\ny\u{7f}"), "\"x\\a y\\7f \"");
        assert_eq!(string("Größe & Co"), "\"Größe \\26  Co\"");
    }
}
