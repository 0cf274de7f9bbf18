//! The character set XDatenfelder permits in texts: XÖV `String.Latin` 1.1 (`latinchars.xsd`).
//!
//! The import warns about characters outside it; the export maps typographic characters to
//! their plain equivalents so the output validates.

/// Inclusive ranges of `String.Latin` 1.1, from `latinchars.xsd`.
const RANGES: &[(u32, u32)] = &[
    (0x9, 0xa),
    (0xd, 0xd),
    (0x20, 0x7e),
    (0xa1, 0xac),
    (0xae, 0x107),
    (0x10a, 0x11b),
    (0x11e, 0x123),
    (0x126, 0x131),
    (0x134, 0x15b),
    (0x15e, 0x16b),
    (0x16e, 0x17e),
    (0x18f, 0x18f),
    (0x1a0, 0x1a1),
    (0x1af, 0x1b0),
    (0x1b7, 0x1b7),
    (0x1cd, 0x1d4),
    (0x1de, 0x1df),
    (0x1e4, 0x1f0),
    (0x1f4, 0x1f5),
    (0x1fa, 0x1ff),
    (0x218, 0x21b),
    (0x21e, 0x21f),
    (0x22a, 0x22b),
    (0x22e, 0x233),
    (0x259, 0x259),
    (0x292, 0x292),
    // Combining circumflex and caron, permitted after particular letters only.
    (0x302, 0x302),
    (0x30c, 0x30c),
    (0x1e02, 0x1e03),
    (0x1e0a, 0x1e0b),
    (0x1e10, 0x1e11),
    (0x1e1e, 0x1e21),
    (0x1e24, 0x1e27),
    (0x1e30, 0x1e31),
    (0x1e40, 0x1e41),
    (0x1e44, 0x1e45),
    (0x1e56, 0x1e57),
    (0x1e60, 0x1e63),
    (0x1e6a, 0x1e6b),
    (0x1e80, 0x1e85),
    (0x1e8c, 0x1e93),
    (0x1e9e, 0x1e9e),
    (0x1ea0, 0x1ea7),
    (0x1eaa, 0x1eac),
    (0x1eae, 0x1ec1),
    (0x1ec4, 0x1ed3),
    (0x1ed6, 0x1edd),
    (0x1ee4, 0x1ef9),
    (0x20ac, 0x20ac),
];

pub fn is_permitted(c: char) -> bool {
    let c = c as u32;
    RANGES.iter().any(|(low, high)| (*low..=*high).contains(&c))
}

/// `text` with every character outside the set replaced: typographic quotes and dashes by
/// their ASCII forms, `≤`/`≥` by `<=`/`>=`, anything else by `?`.
pub fn to_latin(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_permitted(c) && c != '\u{302}' && c != '\u{30c}' {
            out.push(c);
            continue;
        }
        match c {
            '„' | '“' | '”' | '‟' | '″' => out.push('"'),
            '‚' | '‘' | '’' | '‛' | '′' => out.push('\''),
            '–' | '—' | '‐' | '‑' | '−' => out.push('-'),
            '…' => out.push_str("..."),
            '≤' => out.push_str("<="),
            '≥' => out.push_str(">="),
            '•' | '·' => out.push('*'),
            '\u{a0}' | '\u{2009}' | '\u{202f}' => out.push(' '),
            _ => out.push('?'),
        }
    }
    out
}
