//! Patterns: accepts the regex subset on which ECMA-262 (browsers, JSON Schema tools) and
//! Rust's `regex` agree, and writes it out in a normalised, unanchored form.
//!
//! Accepted: literals, `.`, `[…]` with ranges, `\d` and `\w` (written out as ASCII classes,
//! since Rust's are Unicode-aware), groups `(…)` and `(?:…)`, `|`, and the quantifiers
//! `? * + {n} {n,} {n,m}` (lazy or greedy; a quantifier on a quantifier is written with a
//! group, `(?:.{200}){50}`, which ECMA-262 requires). A leading `^` and trailing `$` are
//! dropped: patterns always match the whole value. Everything else is `non-portable-pattern`.
//!
//! A portable pattern must also be one that every target runs: small enough for the `regex`
//! crate's size limit, which the runtime uses as it is (`pattern-too-large`), and free of the
//! ambiguity that makes backtracking engines take exponential or polynomial time
//! (`ambiguous-pattern`, see `ambiguity`).

mod ambiguity;
mod automaton;

use regex_syntax::ast::{
    self as rx, Ast, ClassPerlKind, ClassSet, ClassSetItem, GroupKind, RepetitionKind, RepetitionRange,
};

use crate::diag::{Code, Diagnostic};
use crate::source::Span;
use crate::syntax::ast::StringLit;

/// `.` in the portable form: ECMA-262's meaning, which Rust's `.` lacks.
const DOT: &str = "[^\\n\\r\\u{2028}\\u{2029}]";

/// Checks a pattern literal; returns the portable regex or reports why there is none.
pub fn lower(literal: &StringLit, diagnostics: &mut Vec<Diagnostic>) -> Option<String> {
    let source = literal.value.as_str();
    let ast = match rx::parse::ParserBuilder::new().nest_limit(32).build().parse(source) {
        Ok(ast) => ast,
        Err(error) => {
            let span = sub_span(literal, error.span());
            let (code, help) = match error.kind() {
                rx::ErrorKind::UnsupportedBackreference => {
                    (Code::NonPortablePattern, "back-references are not supported; spell the alternatives out")
                }
                rx::ErrorKind::UnsupportedLookAround => {
                    (Code::NonPortablePattern, "look-around is not supported; use a rule for conditions on the value")
                }
                _ => (Code::InvalidPattern, "check brackets, escapes and quantifiers"),
            };
            diagnostics.push(
                Diagnostic::new(code, format!("pattern is not valid: {}", error.kind()), span, "here").with_help(help),
            );
            return None;
        }
    };
    let body = strip_anchors(&ast);
    let mut writer = Writer { out: String::new(), problem: None };
    for node in &body {
        writer.node(node);
    }
    if let Some((span, what, help)) = writer.problem {
        diagnostics.push(
            Diagnostic::new(
                Code::NonPortablePattern,
                format!("pattern uses {what}, which browsers and Rust interpret differently"),
                sub_span(literal, &span),
                "not portable",
            )
            .with_help(help),
        );
        return None;
    }
    if let Some(diagnostic) = safety(literal, &body) {
        diagnostics.push(diagnostic);
        return None;
    }
    if let Err((engine, detail)) = compiles_everywhere(&writer.out) {
        diagnostics.push(
            Diagnostic::new(
                Code::PatternTooLarge,
                format!("pattern is too large for the Rust `{engine}` crate: {detail}"),
                literal.span,
                "too large",
            )
            .with_help(TOO_LARGE_HELP),
        );
        return None;
    }
    Some(writer.out)
}

/// Compiles the portable pattern exactly as the runtime and the reference validator compile it
/// (`regex`), and as the runtime does in WebAssembly (`regex-lite`); both treat a pattern that
/// does not compile as one that matches nothing, so such a pattern is an error here. On error,
/// the engine and its reason.
pub fn compiles_everywhere(portable: &str) -> Result<(), (&'static str, String)> {
    let anchored = format!("^(?:{portable})$");
    let last_line = |error: String| error.lines().last().unwrap_or_default().trim().to_string();
    regex::Regex::new(&anchored).map_err(|e| ("regex", last_line(e.to_string())))?;
    regex_lite::Regex::new(&anchored).map_err(|e| ("regex-lite", last_line(e.to_string())))?;
    Ok(())
}

const TOO_LARGE_HELP: &str =
    "bound the length with `length` and keep the pattern small, e.g. `[A-Z]{0,4000}` → `[A-Z]*` with `length ..4000`";

/// Whether a backtracking engine matches the pattern in linear time, and the size limits.
fn safety(literal: &StringLit, body: &[&Ast]) -> Option<Diagnostic> {
    let Ok(automaton) = automaton::build(body) else {
        return Some(
            Diagnostic::new(
                Code::PatternTooLarge,
                format!(
                    "pattern has more than {} character positions once its counted repetitions are written out",
                    automaton::MAX_POSITIONS
                ),
                literal.span,
                "too large",
            )
            .with_help(TOO_LARGE_HELP),
        );
    };
    let text = |span: &rx::Span| -> String {
        literal.value.get(span.start.offset..span.end.offset).unwrap_or_default().to_string()
    };
    match ambiguity::analyse(&automaton)? {
        ambiguity::Finding::Exponential { span, witness } => Some(
            Diagnostic::new(
                Code::AmbiguousPattern,
                format!("the repetition `{}` can read {witness:?} in two ways", text(&span)),
                sub_span(literal, &span),
                format!("reads {witness:?} in two ways"),
            )
            .with_help(
                "a backtracking engine (browsers, JSON Schema validators) tries every way before it rejects a text, \
                 which takes exponential time: make each character belong to one way of matching, e.g. `(a+)+` → \
                 `a+`, `(a|aa)*` → `a*`, `([A-Za-z]+ ?)+` → `[A-Za-z]+( [A-Za-z]+)*`",
            ),
        ),
        ambiguity::Finding::Polynomial { first, second, witness } => Some(
            Diagnostic::new(
                Code::AmbiguousPattern,
                format!(
                    "the repetitions `{}` and `{}` can both read {witness:?}, with nothing required between them",
                    text(&first),
                    text(&second)
                ),
                sub_span(literal, &second),
                format!("also reads {witness:?}"),
            )
            .with_note(sub_span(literal, &first), format!("reads {witness:?}"))
            .with_help(
                "a backtracking engine (browsers, JSON Schema validators) tries every way to split a text between \
                 them before it rejects it, which takes polynomial time: let the repetitions read different \
                 characters, or join them, e.g. `[a-z]*[a-z]*` → `[a-z]*`, `.*@.*` → `[^@]*@.*`",
            ),
        ),
        ambiguity::Finding::TooComplex => Some(
            Diagnostic::new(
                Code::PatternTooLarge,
                "pattern is too complex to prove that backtracking engines match it in linear time",
                literal.span,
                "too complex",
            )
            .with_help(
                "simplify the repetitions: fewer alternatives and counted repetitions inside `*` and `+`, and \
                 `length` for the length",
            ),
        ),
    }
}

/// The top-level nodes without a leading `^` and a trailing `$`.
fn strip_anchors(ast: &Ast) -> Vec<&Ast> {
    let mut nodes: Vec<&Ast> = match ast {
        Ast::Concat(concat) => concat.asts.iter().collect(),
        other => vec![other],
    };
    let is = |node: &Ast, kinds: &[rx::AssertionKind]| matches!(node, Ast::Assertion(a) if kinds.contains(&a.kind));
    if nodes.first().is_some_and(|n| is(n, &[rx::AssertionKind::StartLine, rx::AssertionKind::StartText])) {
        nodes.remove(0);
    }
    if nodes.last().is_some_and(|n| is(n, &[rx::AssertionKind::EndLine, rx::AssertionKind::EndText])) {
        nodes.pop();
    }
    nodes
}

/// Maps a span inside the pattern to the source, when the literal has no escapes.
fn sub_span(literal: &StringLit, span: &rx::Span) -> Span {
    let raw_len = literal.span.len().saturating_sub(2);
    if raw_len == literal.value.len() {
        let start = literal.span.start as usize + 1 + span.start.offset;
        let end = (literal.span.start as usize + 1 + span.end.offset).max(start + 1);
        Span::new(literal.span.file, start, end.min(literal.span.end as usize - 1).max(start))
    } else {
        literal.span
    }
}

struct Writer {
    out: String,
    problem: Option<(rx::Span, &'static str, &'static str)>,
}

impl Writer {
    fn reject(&mut self, span: &rx::Span, what: &'static str, help: &'static str) {
        if self.problem.is_none() {
            self.problem = Some((*span, what, help));
        }
    }

    fn node(&mut self, ast: &Ast) {
        match ast {
            Ast::Empty(_) => {}
            Ast::Flags(flags) => self.reject(&flags.span, "inline flags", "write both cases explicitly, e.g. `[Aa]`"),
            Ast::Literal(literal) => self.literal(literal.c, false),
            Ast::Dot(_) => self.out.push_str(DOT),
            Ast::Assertion(assertion) => self.reject(
                &assertion.span,
                "an anchor or word boundary",
                "a pattern always matches the whole value; remove `^`, `$` and `\\b` inside it",
            ),
            Ast::ClassUnicode(class) => {
                self.reject(&class.span, "a Unicode class", "list the characters or ranges, e.g. `[A-Za-zÄÖÜäöüß]`")
            }
            Ast::ClassPerl(class) => match (class.kind.clone(), class.negated) {
                (ClassPerlKind::Digit, false) => self.out.push_str("[0-9]"),
                (ClassPerlKind::Digit, true) => self.out.push_str("[^0-9]"),
                (ClassPerlKind::Word, false) => self.out.push_str("[A-Za-z0-9_]"),
                (ClassPerlKind::Word, true) => self.out.push_str("[^A-Za-z0-9_]"),
                (ClassPerlKind::Space, _) => {
                    self.reject(&class.span, "`\\s`", "write the whitespace you mean, e.g. `[ ]` or `[ \\t]`")
                }
            },
            Ast::ClassBracketed(class) => {
                self.out.push('[');
                if class.negated {
                    self.out.push('^');
                }
                self.class_set(&class.kind);
                self.out.push(']');
            }
            Ast::Repetition(repetition) => {
                self.atom(&repetition.ast);
                match &repetition.op.kind {
                    RepetitionKind::ZeroOrOne => self.out.push('?'),
                    RepetitionKind::ZeroOrMore => self.out.push('*'),
                    RepetitionKind::OneOrMore => self.out.push('+'),
                    RepetitionKind::Range(RepetitionRange::Exactly(n)) => self.out.push_str(&format!("{{{n}}}")),
                    RepetitionKind::Range(RepetitionRange::AtLeast(n)) => self.out.push_str(&format!("{{{n},}}")),
                    RepetitionKind::Range(RepetitionRange::Bounded(n, m)) => self.out.push_str(&format!("{{{n},{m}}}")),
                }
                if !repetition.greedy {
                    self.out.push('?');
                }
            }
            Ast::Group(group) => {
                match &group.kind {
                    GroupKind::CaptureIndex(_) => self.out.push('('),
                    GroupKind::NonCapturing(flags) if flags.items.is_empty() => self.out.push_str("(?:"),
                    GroupKind::NonCapturing(_) => {
                        self.reject(&group.span, "inline flags", "write both cases explicitly, e.g. `[Aa]`");
                        self.out.push_str("(?:");
                    }
                    GroupKind::CaptureName { .. } => {
                        self.reject(&group.span, "a named group", "use a plain group `(…)`");
                        self.out.push('(');
                    }
                }
                self.node(&group.ast);
                self.out.push(')');
            }
            Ast::Alternation(alternation) => {
                for (i, branch) in alternation.asts.iter().enumerate() {
                    if i > 0 {
                        self.out.push('|');
                    }
                    self.node(branch);
                }
            }
            Ast::Concat(concat) => {
                for node in &concat.asts {
                    self.node(node);
                }
            }
        }
    }

    /// A repeated node: wrapped in `(?:…)` when it would otherwise not be one atom.
    fn atom(&mut self, ast: &Ast) {
        // ECMA-262 forbids a quantifier directly on a quantifier (`a{2}{3}`).
        if matches!(ast, Ast::Concat(_) | Ast::Alternation(_) | Ast::Repetition(_)) {
            self.out.push_str("(?:");
            self.node(ast);
            self.out.push(')');
        } else {
            self.node(ast);
        }
    }

    fn literal(&mut self, c: char, in_class: bool) {
        let special = if in_class { "\\]^-[" } else { "\\^$.|?*+()[]{}/" };
        if special.contains(c) {
            self.out.push('\\');
            self.out.push(c);
        } else if c == '\n' {
            self.out.push_str("\\n");
        } else if c == '\t' {
            self.out.push_str("\\t");
        } else if c == '\r' {
            self.out.push_str("\\r");
        } else if c.is_control() {
            self.out.push_str(&format!("\\u{{{:X}}}", c as u32));
        } else {
            self.out.push(c);
        }
    }

    fn class_set(&mut self, set: &ClassSet) {
        match set {
            ClassSet::Item(item) => self.class_item(item),
            ClassSet::BinaryOp(op) => {
                self.reject(&op.span, "class set operations", "list the characters of the class directly")
            }
        }
    }

    fn class_item(&mut self, item: &ClassSetItem) {
        match item {
            ClassSetItem::Empty(_) => {}
            ClassSetItem::Literal(literal) => self.literal(literal.c, true),
            ClassSetItem::Range(range) => {
                self.literal(range.start.c, true);
                self.out.push('-');
                self.literal(range.end.c, true);
            }
            ClassSetItem::Ascii(class) => {
                self.reject(&class.span, "a POSIX class", "write the range instead, e.g. `[A-Za-z]` for `[[:alpha:]]`")
            }
            ClassSetItem::Unicode(class) => {
                self.reject(&class.span, "a Unicode class", "list the characters or ranges, e.g. `[A-Za-zÄÖÜäöüß]`")
            }
            ClassSetItem::Perl(class) => match (class.kind.clone(), class.negated) {
                (ClassPerlKind::Digit, false) => self.out.push_str("0-9"),
                (ClassPerlKind::Word, false) => self.out.push_str("A-Za-z0-9_"),
                _ => self.reject(&class.span, "`\\s` or a negated class inside `[…]`", "write the characters you mean"),
            },
            ClassSetItem::Bracketed(class) => {
                self.reject(&class.span, "a nested class", "merge the nested class into the outer one")
            }
            ClassSetItem::Union(union) => {
                for item in &union.items {
                    self.class_item(item);
                }
            }
        }
    }
}

/// The portable form of a pattern outside any source file, or why there is none (used by
/// the FIM import to decide whether a pattern can be kept).
pub fn portable(source: &str) -> Result<String, String> {
    let literal = StringLit { value: source.to_string(), span: Span::default() };
    let mut diagnostics = Vec::new();
    lower(&literal, &mut diagnostics).ok_or_else(|| {
        diagnostics.first().map(|d| d.message.clone()).unwrap_or_else(|| "not a portable pattern".to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn portable(pattern: &str) -> Result<String, Code> {
        let literal = StringLit { value: pattern.to_string(), span: Span::new(FileId(0), 0, pattern.len() + 2) };
        let mut diagnostics = Vec::new();
        lower(&literal, &mut diagnostics).ok_or_else(|| diagnostics[0].code)
    }

    #[test]
    fn translates_what_differs() {
        assert_eq!(portable(r"\d{5}").unwrap(), "[0-9]{5}");
        assert_eq!(portable(r"^[A-Z]{2}\d+$").unwrap(), "[A-Z]{2}[0-9]+");
        assert_eq!(portable(r"[\d-]+").unwrap(), r"[0-9\-]+");
        assert_eq!(portable(r"a.b").unwrap(), format!("a{DOT}b"));
        assert_eq!(portable(r"(ab|cd){2,3}?").unwrap(), "(ab|cd){2,3}?");
        assert_eq!(portable(r"\.\/").unwrap(), r"\.\/");
        assert_eq!(portable("[ÄÖÜäöüß]+").unwrap(), "[ÄÖÜäöüß]+");
        assert_eq!(portable("a\u{1}").unwrap(), "a\\u{1}");
    }

    #[test]
    fn output_parses_again_as_rust_regex() {
        for pattern in [r"\d{5}", r"a.b", "x\u{7}y", r"[\w.-]+@[\w-]+"] {
            let out = portable(pattern).unwrap();
            assert!(regex_syntax::Parser::new().parse(&out).is_ok(), "{out}");
        }
    }

    #[test]
    fn rejects_what_cannot_be_shared() {
        for pattern in [r"(?i)abc", r"\s+", r"\p{L}+", r"a\bb", r"(?P<x>a)", r"[[:alpha:]]", r"[a-z&&[^aeiou]]", r"a^b"]
        {
            assert_eq!(portable(pattern), Err(Code::NonPortablePattern), "{pattern}");
        }
        assert_eq!(portable(r"(a)\1"), Err(Code::NonPortablePattern));
        assert_eq!(portable(r"[0-9"), Err(Code::InvalidPattern));
        assert_eq!(portable(r"a{3,1}"), Err(Code::InvalidPattern));
    }

    #[test]
    fn quantifiers_on_quantifiers_get_a_group() {
        assert_eq!(portable("[A-Z]{2}{3}").unwrap(), "(?:[A-Z]{2}){3}");
        assert_eq!(portable("a{2}*").unwrap(), "(?:a{2})*");
    }

    #[test]
    fn what_the_regex_crate_refuses_is_an_error_not_a_pattern_that_matches_nothing() {
        // Few positions, but a class of many ranges compiles to a large program each time.
        let holes: String = (0x100..0x900).step_by(2).filter_map(char::from_u32).collect();
        let pattern = format!("[^{holes}]{{999}}");
        assert!(regex::Regex::new(&format!("^(?:{})$", portable_ok(&pattern))).is_err());
        assert_eq!(portable(&pattern), Err(Code::PatternTooLarge));
    }

    /// The portable form without the size and safety checks.
    fn portable_ok(pattern: &str) -> String {
        let ast = rx::parse::Parser::new().parse(pattern).unwrap();
        let mut writer = Writer { out: String::new(), problem: None };
        for node in strip_anchors(&ast) {
            writer.node(node);
        }
        writer.out
    }
}
