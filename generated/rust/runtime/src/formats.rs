//! The value formats every target shares, each defined once here (part of the runtime, see
//! `runtime/mod.rs`): the code points a text may contain, decimals, money, e-mail,
//! phone numbers, IBAN, German postal codes and file references.
//!
//! Each format is also expressible as a portable regular expression ([`PATTERNS`]), so that
//! the JSON Schema and HTML backends can state it; the IBAN checksum and calendar dates are
//! checked in code on top of their patterns.

use super::decimal::Decimal;

/// Portable regexes (ECMA-262 and Rust `regex` agree) for the string formats, unanchored.
pub mod patterns {
    /// An exact decimal: optional minus, digits, optional fraction.
    pub const DECIMAL: &str = "-?[0-9]+(\\.[0-9]+)?";
    /// Money: like decimal, at most two decimals.
    pub const MONEY: &str = "-?[0-9]+(\\.[0-9]{1,2})?";
    /// Money in whole euros (`decimals 0`): no fraction at all.
    pub const WHOLE_EUROS: &str = "-?[0-9]+";
    /// A calendar date `YYYY-MM-DD` from 0001-01-01 to 9999-12-31 that exists: months of
    /// 30 and 31 days, February 29 only in leap years (divisible by 4, centuries by 400).
    /// Exactly what `Date::parse` (`date.rs`) accepts, so no consumer depends on
    /// asserting `format: date`.
    pub const DATE: &str = concat!(
        "([0-9]{3}[1-9]|[0-9]{2}[1-9][0-9]|[0-9][1-9][0-9]{2}|[1-9][0-9]{3})-",
        "((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|(0[469]|11)-(0[1-9]|[12][0-9]|30)|02-(0[1-9]|1[0-9]|2[0-8]))",
        "|([0-9]{2}(0[48]|[2468][048]|[13579][26])|(0[48]|[2468][048]|[13579][26])00)-02-29"
    );
    /// WHATWG's "valid e-mail address", with at least one dot in the domain.
    pub const EMAIL: &str = "[A-Za-z0-9.!#$%&'*+\\/=?^_`{|}~-]+@[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+";
    /// A phone number as people write it: optional `+`, digits, spaces, `/`, `-`, `(`, `)`.
    pub const PHONE: &str = "\\+?[0-9(][0-9 ()\\/-]{3,28}[0-9]";
    /// An IBAN: country code, check digits, 11 to 30 letters or digits (no spaces).
    pub const IBAN: &str = "[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}";
    /// A German postal code: five digits, the first two from 01 to 99.
    pub const POSTCODE: &str = "(0[1-9]|[1-9][0-9])[0-9]{3}";
}

/// The code points no text of a submission may contain, as inclusive ranges; the same list
/// decides [`text_allows`] and is stated for JSON Schema by [`text_pattern`].
///
/// - C0 controls except TAB and LF, DEL and the C1 controls: NUL is refused by databases such
///   as PostgreSQL, ESC drives terminals, and none of them can be typed into a form. CR is one
///   of them: a line ends with LF (the form-data conversion turns a browser's CR LF into LF).
/// - U+2028 and U+2029, line and paragraph separators: one line of data that displays as two.
/// - Bidi embeddings, overrides (U+202A–U+202E) and isolates (U+2066–U+2069): text that
///   displays in another order than it is stored ("Trojan Source"). The directional marks
///   U+200E, U+200F and U+061C only affect neutral characters and are allowed.
/// - The noncharacters of the Basic Multilingual Plane (U+FDD0–U+FDEF, U+FFFE, U+FFFF; the
///   last two are not XML characters). The noncharacters of the other planes are XML
///   characters and are allowed: a portable pattern without the `u` flag cannot name them.
///
/// Lone surrogates cannot reach a check: a JSON text with one (`"\ud800"`) is not read as a
/// string.
pub const TEXT_FORBIDDEN: &[(char, char)] = &[
    ('\u{0}', '\u{8}'),
    ('\u{b}', '\u{1f}'),
    ('\u{7f}', '\u{9f}'),
    ('\u{2028}', '\u{2029}'),
    ('\u{202a}', '\u{202e}'),
    ('\u{2066}', '\u{2069}'),
    ('\u{fdd0}', '\u{fdef}'),
    ('\u{fffe}', '\u{ffff}'),
];

/// Also forbidden in single-line text (and every text kind except `multiline`): TAB and LF.
pub const LINE_FORBIDDEN: &[(char, char)] = &[('\t', '\n')];

/// Whether a text (multi-line or not) may contain `c`.
pub fn text_allows(c: char, multiline: bool) -> bool {
    let within = |ranges: &[(char, char)]| ranges.iter().any(|(low, high)| (*low..=*high).contains(&c));
    let forbidden = within(TEXT_FORBIDDEN) || (!multiline && within(LINE_FORBIDDEN));
    !forbidden
}

/// Whether every byte of `text` is printable ASCII (`' '..='~'`): such a text has no line
/// break and no forbidden code point, and as many characters as bytes. Eight bytes at a time.
pub fn printable_ascii(text: &str) -> bool {
    printable_ascii_bytes(text.as_bytes())
}

fn printable_ascii_bytes(bytes: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let x = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
        // A byte below 0x20 borrows, one of 0x80 or above has its high bit, and 0x7F
        // becomes 0 when XORed with 0x7F: each sets its high bit here.
        let below_space = x.wrapping_sub(ONES * 0x20);
        let delete = (x ^ (ONES * 0x7f)).wrapping_sub(ONES);
        if (below_space | x | delete) & HIGH != 0 {
            return false;
        }
    }
    chunks.remainder().iter().all(|b| (0x20..0x7f).contains(b))
}

/// The first code point of `text` that a text may not contain.
pub fn invalid_char(text: &str, multiline: bool) -> Option<char> {
    // Printable ASCII is always allowed: most texts are decided on the bytes.
    if printable_ascii(text) {
        return None;
    }
    invalid_char_beyond_ascii(text, multiline)
}

/// [`invalid_char`] for a text known not to be all printable ASCII (umlauts, say): its
/// printable ASCII characters still need no table lookup.
pub fn invalid_char_beyond_ascii(text: &str, multiline: bool) -> Option<char> {
    text.chars().find(|&c| !(' '..'\u{7f}').contains(&c) && !text_allows(c, multiline))
}

/// A portable pattern (ECMA-262 with or without the `u` flag, and Rust `regex`) that a text
/// matches exactly when [`invalid_char`] finds nothing: `^[^…]*$` with `\uXXXX` escapes.
pub fn text_pattern(multiline: bool) -> String {
    format!("^{}*$", text_class(multiline))
}

/// The class of the code points a text may contain, `[^…]`, written with `\uXXXX` escapes
/// only (every forbidden code point is in the Basic Multilingual Plane, so the class means
/// the same with and without ECMA-262's `u` flag).
pub fn text_class(multiline: bool) -> String {
    let mut ranges: Vec<(u32, u32)> = TEXT_FORBIDDEN.iter().map(|(low, high)| (*low as u32, *high as u32)).collect();
    if !multiline {
        ranges.extend(LINE_FORBIDDEN.iter().map(|(low, high)| (*low as u32, *high as u32)));
    }
    ranges.sort();
    let mut merged: Vec<(u32, u32)> = Vec::new();
    for (low, high) in ranges {
        match merged.last_mut() {
            Some(last) if low <= last.1 + 1 => last.1 = last.1.max(high),
            _ => merged.push((low, high)),
        }
    }
    let mut class = String::from("[^");
    for (low, high) in merged {
        match high - low {
            0 => class.push_str(&format!("\\u{low:04X}")),
            1 => class.push_str(&format!("\\u{low:04X}\\u{high:04X}")),
            _ => class.push_str(&format!("\\u{low:04X}-\\u{high:04X}")),
        }
    }
    class.push(']');
    class
}

/// Parses an exact decimal in the submission format (`-12.50`).
pub fn decimal(text: &str) -> Option<Decimal> {
    if !matches_decimal(text) {
        return None;
    }
    Decimal::parse(text)
}

fn matches_decimal(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (int_part, frac_part) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    !int_part.is_empty()
        && int_part.bytes().all(|b| b.is_ascii_digit())
        && frac_part.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

pub fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else { return false };
    let local_ok =
        !local.is_empty() && local.chars().all(|c| c.is_ascii_alphanumeric() || ".!#$%&'*+/=?^_`{|}~-".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let label_ok = |label: &str| {
        let bytes = label.as_bytes();
        (1..=63).contains(&bytes.len())
            && bytes[0].is_ascii_alphanumeric()
            && bytes[bytes.len() - 1].is_ascii_alphanumeric()
            && bytes.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-')
    };
    local_ok && labels.len() >= 2 && labels.iter().all(|l| label_ok(l))
}

pub fn is_phone(text: &str) -> bool {
    let rest = text.strip_prefix('+').unwrap_or(text);
    let chars: Vec<char> = rest.chars().collect();
    (5..=30).contains(&chars.len())
        && (chars[0].is_ascii_digit() || chars[0] == '(')
        && chars[chars.len() - 1].is_ascii_digit()
        && chars.iter().all(|c| c.is_ascii_digit() || " ()/-".contains(*c))
}

pub fn is_postcode(text: &str) -> bool {
    text.len() == 5 && text.bytes().all(|b| b.is_ascii_digit()) && !text.starts_with("00")
}

/// IBAN lengths by country (SWIFT IBAN registry, the SEPA countries and a few more).
const IBAN_LENGTHS: &[(&str, usize)] = &[
    ("AD", 24),
    ("AE", 23),
    ("AL", 28),
    ("AT", 20),
    ("AZ", 28),
    ("BA", 20),
    ("BE", 16),
    ("BG", 22),
    ("BH", 22),
    ("BR", 29),
    ("CH", 21),
    ("CR", 22),
    ("CY", 28),
    ("CZ", 24),
    ("DE", 22),
    ("DK", 18),
    ("DO", 28),
    ("EE", 20),
    ("EG", 29),
    ("ES", 24),
    ("FI", 18),
    ("FO", 18),
    ("FR", 27),
    ("GB", 22),
    ("GE", 22),
    ("GI", 23),
    ("GL", 18),
    ("GR", 27),
    ("GT", 28),
    ("HR", 21),
    ("HU", 28),
    ("IE", 22),
    ("IL", 23),
    ("IS", 26),
    ("IT", 27),
    ("JO", 30),
    ("KW", 30),
    ("KZ", 20),
    ("LB", 28),
    ("LI", 21),
    ("LT", 20),
    ("LU", 20),
    ("LV", 21),
    ("MC", 27),
    ("MD", 24),
    ("ME", 22),
    ("MK", 19),
    ("MR", 27),
    ("MT", 31),
    ("MU", 30),
    ("NL", 18),
    ("NO", 15),
    ("PK", 24),
    ("PL", 28),
    ("PS", 29),
    ("PT", 25),
    ("QA", 29),
    ("RO", 24),
    ("RS", 22),
    ("SA", 24),
    ("SE", 24),
    ("SI", 19),
    ("SK", 24),
    ("SM", 27),
    ("TN", 24),
    ("TR", 26),
    ("UA", 29),
    ("VA", 22),
    ("VG", 24),
    ("XK", 20),
];

/// An IBAN without spaces, upper case: known country, its length, and mod-97 = 1.
pub fn is_iban(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.len() < 15 || !bytes.iter().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()) {
        return false;
    }
    let Some((_, length)) = IBAN_LENGTHS.iter().find(|(country, _)| text.starts_with(country)) else { return false };
    bytes.len() == *length && bytes[2].is_ascii_digit() && bytes[3].is_ascii_digit() && iban_remainder(text) == 1
}

/// The mod-97 remainder of an IBAN (rearranged, letters as two digits).
pub fn iban_remainder(text: &str) -> u32 {
    let rearranged = text[4..].bytes().chain(text[..4].bytes());
    let mut remainder: u32 = 0;
    for b in rearranged {
        let value = if b.is_ascii_digit() { (b - b'0') as u32 } else { (b - b'A') as u32 + 10 };
        remainder = if value >= 10 { (remainder * 100 + value) % 97 } else { (remainder * 10 + value) % 97 };
    }
    remainder
}

/// The check digits that make `country + "00" + bban` a valid IBAN.
pub fn iban_check_digits(country: &str, bban: &str) -> String {
    let candidate = format!("{country}00{bban}");
    format!("{:02}", 98 - iban_remainder(&candidate))
}

/// A file reference in a submission: `{"name": "nachweis.pdf", "media_type": "application/pdf", "size": 12345}`.
pub struct FileRef<'a> {
    pub name: &'a str,
    pub media_type: &'a str,
    pub size: u64,
}

/// Whether a file matches one of the `accept` entries (extensions or media types, `image/*`).
pub fn file_accepted(file: &FileRef, accept: &[&str]) -> bool {
    let name = file.name.to_ascii_lowercase();
    let media_type = file.media_type.to_ascii_lowercase();
    accept.iter().any(|entry| {
        if let Some(extension) = entry.strip_prefix('.') {
            name.rsplit_once('.').is_some_and(|(_, ext)| ext == extension)
        } else if let Some(major) = entry.strip_suffix("/*") {
            media_type.split_once('/').is_some_and(|(m, _)| m == major)
        } else {
            media_type == *entry
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_ascii_is_decided_exactly_eight_bytes_at_a_time() {
        // Every byte value at every position of a text that spans two chunks and a remainder,
        // and two bad bytes at once (a borrow from one must not hide or invent the other).
        for len in [1, 7, 8, 9, 16, 19] {
            for at in 0..len {
                for byte in 0..=255u8 {
                    let mut bytes = vec![b'a'; len];
                    bytes[at] = byte;
                    let expected = (0x20..0x7f).contains(&byte);
                    assert_eq!(printable_ascii_bytes(&bytes), expected, "{byte:#x} at {at} of {len}");
                    bytes[(at + 1) % len] = 0x7f;
                    assert!(!printable_ascii_bytes(&bytes) || len == 1 && expected);
                }
            }
        }
        assert!(printable_ascii(""));
        assert!(printable_ascii(" !~Hallo Welt 0123456789"));
        assert!(!printable_ascii("Müller, Anna-Lena"));
        assert!(!printable_ascii("eine\nZeile"));
    }

    #[test]
    fn iban_checksum_and_length() {
        assert!(is_iban("DE89370400440532013000"));
        assert!(is_iban("GB82WEST12345698765432"));
        assert!(!is_iban("DE89370400440532013001"), "wrong checksum");
        assert!(!is_iban("DE8937040044053201300"), "too short for DE");
        assert!(!is_iban("de89370400440532013000"), "lower case");
        assert!(!is_iban("XX89370400440532013000"), "unknown country");
        let digits = iban_check_digits("DE", "370400440532013000");
        assert_eq!(digits, "89");
    }

    #[test]
    fn formats() {
        assert!(is_email("anna.mueller@example.de"));
        assert!(!is_email("anna@localhost"));
        assert!(!is_email("anna müller@example.de"));
        assert!(is_phone("+49 30 1234567"));
        assert!(is_phone("(030) 123-456"));
        assert!(!is_phone("12"));
        assert!(!is_phone("030 12345 abc"));
        assert!(is_postcode("10115"));
        assert!(!is_postcode("00123"));
        assert!(!is_postcode("1011"));
        assert!(decimal("0.07").is_some() && decimal("-12").is_some());
        assert!(decimal("1,5").is_none() && decimal("1e5").is_none() && decimal(".5").is_none());
    }

    #[test]
    fn text_code_points() {
        assert_eq!(invalid_char("Müller-Lüdenscheidt, Zoë 😀", false), None);
        assert_eq!(invalid_char("a\u{200f}b\u{200e}", false), None, "directional marks");
        assert_eq!(invalid_char("a\u{0}b", true), Some('\u{0}'));
        assert_eq!(invalid_char("a\u{1b}[31m", false), Some('\u{1b}'));
        assert_eq!(invalid_char("a\tb", false), Some('\t'));
        assert_eq!(invalid_char("a\tb\nc", true), None);
        assert_eq!(invalid_char("a\r\nb", true), Some('\r'));
        assert_eq!(invalid_char("\u{85}", true), Some('\u{85}'));
        assert_eq!(invalid_char("x\u{2028}", true), Some('\u{2028}'));
        assert_eq!(invalid_char("\u{202e}gnp.exe", false), Some('\u{202e}'));
        assert_eq!(invalid_char("\u{2067}", false), Some('\u{2067}'));
        assert_eq!(invalid_char("\u{fdd0}\u{ffff}", false), Some('\u{fdd0}'));
        assert_eq!(invalid_char("\u{1fffe}", false), None, "astral noncharacters are XML characters");
        assert_eq!(
            text_pattern(false),
            "^[^\\u0000-\\u001F\\u007F-\\u009F\\u2028-\\u202E\\u2066-\\u2069\\uFDD0-\\uFDEF\\uFFFE\\uFFFF]*$"
        );
        assert!(text_pattern(true).starts_with("^[^\\u0000-\\u0008\\u000B-\\u001F"));
    }
}
