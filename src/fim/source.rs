//! The only way the importer writes `.form` text: a line builder whose methods that take
//! text from the XML escape it, so that raw interpolation of XML into source cannot be
//! written by accident.
//!
//! - Keywords and punctuation are `&'static str`: the importer's own words, never XML text.
//! - XML text becomes a string literal ([`Line::string`], escaped with the language's
//!   escapes), a [`Name`] (checked to be an identifier), a number or a checked [`Literal`].
//! - In comments, XML text is either quoted ([`Comment::quoted`], the string-literal escapes)
//!   or prose ([`Comment::prose`], [`Source::prose`]): line ends, control characters, bidi
//!   controls and invisible characters become `\u{…}` escapes, and `*/` is broken up, so a
//!   comment can neither end early nor reorder or hide what follows (Trojan Source).
//!
//! ```text
//! Line::new("field").name(&name).glue(":").word("text").string("Vorname \"x\"\n")
//!   → field vorname: text "Vorname \"x\"\n"
//! ```

use std::fmt::Write as _;

/// An identifier the grammar accepts: an ASCII letter or `_`, then ASCII letters, digits and
/// `_`, and not a reserved word.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Name(String);

/// Words the grammar reserves for operators and literals.
const RESERVED: &[&str] = &["and", "or", "not", "implies", "in", "is", "contains", "true", "false", "today"];

impl Name {
    /// `None` unless `text` is an identifier the grammar accepts.
    pub fn new(text: &str) -> Option<Name> {
        let mut chars = text.chars();
        let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !RESERVED.contains(&text);
        valid.then(|| Name(text.to_string()))
    }

    /// One of the importer's own names (`feld`, `Liste`), used when a label gives none.
    pub fn fallback(name: &'static str) -> Name {
        debug_assert!(Name::new(name).is_some(), "{name}");
        Name(name.to_string())
    }

    /// `name_n`, an identifier too.
    pub fn numbered(&self, n: usize) -> Name {
        Name(format!("{}_{n}", self.0))
    }

    /// `name_suffix` for one of the importer's own suffixes (`genau_eins`).
    pub fn suffixed(&self, suffix: &'static str) -> Name {
        debug_assert!(suffix.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'), "{suffix}");
        Name(format!("{}_{suffix}", self.0))
    }

    /// `name_other`: two names joined by `_` are a name too.
    pub fn joined(&self, other: &Name) -> Name {
        Name(format!("{}_{}", self.0, other.0))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A bound written as a literal: a non-negative integer, a decimal or an ISO date, each
/// checked for its shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Literal(String);

impl Literal {
    pub fn integer(value: u64) -> Literal {
        Literal(value.to_string())
    }

    /// `12` or `12.50`: digits with an optional fraction.
    pub fn decimal(text: &str) -> Option<Literal> {
        let (int, frac) = text.split_once('.').unwrap_or((text, "0"));
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        (digits(int) && digits(frac)).then(|| Literal(text.to_string()))
    }

    /// `2024-02-29`: a calendar date.
    pub fn date(text: &str) -> Option<Literal> {
        let b = text.as_bytes();
        let shape = b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
        (shape && crate::value::Date::parse(text).is_some()).then(|| Literal(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One statement (or block head) being built, token by token, separated by single spaces.
#[must_use]
pub struct Line {
    text: String,
}

impl Line {
    /// A line that starts with a keyword.
    pub fn new(keyword: &'static str) -> Line {
        Line { text: keyword.to_string() }
    }

    fn space(&mut self) {
        if !self.text.is_empty() && !self.text.ends_with('(') {
            self.text.push(' ');
        }
    }

    /// A keyword or punctuation, after a space.
    pub fn word(mut self, word: &'static str) -> Line {
        self.space();
        self.text.push_str(word);
        self
    }

    /// Punctuation without a space before it (`:`, `,`, `)`).
    pub fn glue(mut self, punctuation: &'static str) -> Line {
        self.text.push_str(punctuation);
        self
    }

    pub fn name(mut self, name: &Name) -> Line {
        self.space();
        self.text.push_str(name.as_str());
        self
    }

    /// Any text as a string literal.
    pub fn string(mut self, text: &str) -> Line {
        self.space();
        self.text.push_str(&string(text));
        self
    }

    /// A path of names: `a.b.c`.
    pub fn path(mut self, path: &[Name]) -> Line {
        self.space();
        for (k, name) in path.iter().enumerate() {
            if k > 0 {
                self.text.push('.');
            }
            self.text.push_str(name.as_str());
        }
        self
    }

    /// A label, hint or info as a string literal: braces are literal (`{{`, `}}`), since
    /// in these texts `{path}` would show another answer.
    pub fn template(self, text: &str) -> Line {
        self.string(&text.replace('{', "{{").replace('}', "}}"))
    }

    pub fn int(mut self, value: u64) -> Line {
        self.space();
        let _ = write!(self.text, "{value}");
        self
    }

    /// `min..max` with either end open.
    pub fn range(mut self, min: Option<u64>, max: Option<u64>) -> Line {
        self.space();
        if let Some(min) = min {
            let _ = write!(self.text, "{min}");
        }
        self.text.push_str("..");
        if let Some(max) = max {
            let _ = write!(self.text, "{max}");
        }
        self
    }

    pub fn literal(mut self, literal: &Literal) -> Line {
        self.space();
        self.text.push_str(literal.as_str());
        self
    }
}

/// One line comment being built.
#[must_use]
pub struct Comment {
    text: String,
}

impl Comment {
    /// A comment that starts with the importer's own words.
    pub fn new(words: &'static str) -> Comment {
        Comment { text: words.to_string() }
    }

    /// More of the importer's own words, exactly as given.
    pub fn words(mut self, words: &'static str) -> Comment {
        self.text.push_str(words);
        self
    }

    /// XML text in quotes, with the string-literal escapes.
    pub fn quoted(mut self, text: &str) -> Comment {
        self.text.push_str(&string(text));
        self
    }

    /// XML text as it reads, on one line (see [`prose`]).
    pub fn prose(mut self, text: &str) -> Comment {
        self.text.push_str(&prose(text));
        self
    }

    /// A checked name.
    pub fn name(mut self, name: &Name) -> Comment {
        self.text.push_str(name.as_str());
        self
    }

    /// A number.
    pub fn int(mut self, value: u64) -> Comment {
        let _ = write!(self.text, "{value}");
        self
    }
}

/// The printed source: lines at the current block depth.
#[derive(Default)]
pub struct Source {
    out: String,
    depth: usize,
}

impl Source {
    pub fn new() -> Source {
        Source::default()
    }

    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
    }

    pub fn line(&mut self, line: Line) {
        self.indent();
        self.out.push_str(&line.text);
        self.out.push('\n');
    }

    /// `line {`, and the following lines one level deeper.
    pub fn open(&mut self, line: Line) {
        self.indent();
        self.out.push_str(&line.text);
        self.out.push_str(" {\n");
        self.depth += 1;
    }

    /// `}` one level up.
    pub fn close(&mut self) {
        self.depth = self.depth.saturating_sub(1);
        self.indent();
        self.out.push_str("}\n");
    }

    pub fn comment(&mut self, comment: Comment) {
        self.indent();
        let text = comment.text.trim_end();
        self.out.push_str(if text.is_empty() { "//" } else { "// " });
        self.out.push_str(text);
        self.out.push('\n');
    }

    /// Prose of several lines (a rule text): one comment line per line of `text`, each
    /// starting with `prefix`; blank lines stay as `//`.
    pub fn prose(&mut self, prefix: &'static str, text: &str) {
        for line in text.split('\n') {
            let line = prose(line);
            self.indent();
            if line.is_empty() {
                self.out.push_str("//\n");
            } else {
                let _ = writeln!(self.out, "//{prefix}{line}");
            }
        }
    }

    /// An empty line, unless one is already there or a block has just opened.
    pub fn blank(&mut self) {
        if !self.out.is_empty() && !self.out.ends_with("{\n") && !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
    }

    /// Appends source printed separately (at depth 0), at this depth.
    pub fn append(&mut self, other: &Source) {
        for line in other.out.lines() {
            if !line.is_empty() {
                self.indent();
                self.out.push_str(line);
            }
            self.out.push('\n');
        }
    }

    /// The length of the text so far, to read what is printed after it with [`Source::since`].
    pub fn len(&self) -> usize {
        self.out.len()
    }

    /// What was printed after `start`, each line without its indentation, so that text
    /// printed at different depths compares equal.
    pub fn since(&self, start: usize) -> String {
        let mut text = String::new();
        for line in self.out[start..].lines() {
            text.push_str(line.trim_start());
            text.push('\n');
        }
        text
    }

    pub fn finish(self) -> String {
        self.out
    }
}

/// Characters escaped as `\u{…}` in string literals and comments: line ends the grammar does
/// not treat as such, bidi controls and invisible characters (Trojan Source), the BOM.
pub fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}'
                | '\u{2029}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
                | '\u{061C}'
                | '\u{FEFF}'
        )
}

/// A string literal with the language's escapes; hidden characters as `\u{…}`, and the `/`
/// of `*/` as `\u{2f}`, so that no imported source contains `*/` (commenting a part of it
/// out with `/* … */` cannot end early).
pub fn string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '/' if out.ends_with('*') => out.push_str("\\u{2f}"),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if is_hidden(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Text for a comment or a message: hidden characters (line ends included) as `\u{…}`, `*/`
/// and `/*` broken up by a space. Quotes and backslashes stay as they are: they end nothing.
pub fn prose(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '/' if out.ends_with('*') => out.push_str(" /"),
            '*' if out.ends_with('/') => out.push_str(" *"),
            c if is_hidden(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_from_the_xml_can_end_a_literal_or_a_comment() {
        assert_eq!(string("a\"b\\c\nd\te\r\u{85}\u{2028}\u{202E}"), r#""a\"b\\c\nd\te\u{d}\u{85}\u{2028}\u{202e}""#);
        assert_eq!(string("/* a */"), r#""/* a *\u{2f}""#);
        assert_eq!(prose("x */ y /* z\n\u{2029}\u{2066}\""), r#"x * / y / * z\u{a}\u{2029}\u{2066}""#);
        let mut source = Source::new();
        source.comment(Comment::new("FIM id ").quoted("S1\n}").words(": ").prose("a\nfield x: text"));
        source.prose("   ", "eins\n\nzwei\u{2028}drei");
        assert_eq!(
            source.finish(),
            "// FIM id \"S1\\n}\": a\\u{a}field x: text\n//   eins\n//\n//   zwei\\u{2028}drei\n"
        );
    }

    #[test]
    fn names_and_literals_are_checked() {
        assert!(Name::new("vorname_2").is_some());
        assert!(Name::new("_x").is_some());
        for bad in ["", "2x", "a b", "a\nb", "größe", "and", "x\"", "today"] {
            assert!(Name::new(bad).is_none(), "{bad}");
        }
        assert!(Literal::decimal("12.50").is_some() && Literal::decimal("7").is_some());
        for bad in ["", "1.", ".5", "-1", "1e5", "1\n", "1.2.3"] {
            assert!(Literal::decimal(bad).is_none(), "{bad}");
        }
        assert!(Literal::date("2024-02-29").is_some());
        for bad in ["2023-02-29", "2024-2-290", "+024-02-29", "2024-02-29\n"] {
            assert!(Literal::date(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn lines_are_tokens_separated_by_spaces() {
        let name = Name::new("a").unwrap();
        let line = Line::new("check").word("(").name(&name).word("is set").glue(")").word("or").string("x");
        assert_eq!(line.text, r#"check (a is set) or "x""#);
        let mut source = Source::new();
        source.open(Line::new("repeat").name(&name).range(Some(0), None));
        source.line(Line::new("length").range(None, Some(5)));
        source.close();
        assert_eq!(source.finish(), "repeat a 0.. {\n  length ..5\n}\n");
    }
}
