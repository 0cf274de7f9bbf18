//! The source as a flat list of atoms for the printer: the tokens of the concrete parse tree,
//! the punctuation between them, and every comment, each with the newlines before it.
//!
//! The grammar's `WHITESPACE` and `COMMENT` are silent, so the parse tree has neither: the text
//! between two leaves of the tree is lexed here, and after a successful parse it holds only
//! whitespace, comments (`//` to the end of the line, `/*` to the first `*/`, exactly as the
//! grammar reads them) and the punctuation that the grammar writes as literals (`{ } : , . ( )
//! [ ]`). Strings are leaves of the tree, so a `//` inside a string is never a comment.
//! This module decides nothing about layout.

use std::collections::BTreeMap;

use pest::iterators::Pairs;

use crate::syntax::Rule;

/// What an atom is, as far as layout cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    /// A keyword, name, string, number, operator or any other leaf of the tree.
    Word,
    /// `(` or `[`.
    Open,
    /// `)` or `]`.
    Close,
    Comma,
    Colon,
    Dot,
    /// The `{` of a block.
    BraceOpen,
    /// The `}` of a block.
    BraceClose,
    /// A prefix minus, written against its operand.
    Neg,
    LineComment,
    BlockComment,
}

/// A statement that starts at a token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Statement {
    pub rule: Rule,
    /// The statement ends in a block with something in it (statements or comments).
    pub has_body: bool,
}

/// One token or comment of the source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Atom {
    pub kind: Kind,
    /// The text as printed: verbatim, except that a line comment loses trailing whitespace and
    /// the spaces inside a multi-word token (`must be true`, `is not set`, `14 years`) are one.
    pub text: String,
    /// Line breaks in the whitespace directly before the atom (2 or more: a blank line).
    pub newlines_before: usize,
    /// The token is an identifier (a call's `(` follows it without a space).
    pub is_ident: bool,
    /// The token is the language tag of a translation (`en` in `"Rot" en "Red"`).
    pub is_translation: bool,
    /// The statement this token starts, if any.
    pub statement: Option<Statement>,
}

impl Atom {
    pub fn is_comment(&self) -> bool {
        matches!(self.kind, Kind::LineComment | Kind::BlockComment)
    }
}

/// The grammar's whitespace (`WHITESPACE` in `grammar/formwerk.pest`).
pub(super) fn is_grammar_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n' | '\u{FEFF}')
}

/// Compound-atomic rules: one token, although they have inner pairs.
const COMPOUND: &[Rule] = &[
    Rule::string,
    Rule::int_range,
    Rule::duration,
    Rule::must_be_true,
    Rule::op_is_set,
    Rule::op_is_not_set,
    Rule::op_is_empty,
    Rule::op_is_not_empty,
    Rule::op_not_in,
];

fn is_statement(rule: Rule) -> bool {
    matches!(rule, Rule::use_decl | Rule::form_decl) || format!("{rule:?}").ends_with("_stmt")
}

/// A leaf of the tree: where it is, and which rule.
struct Leaf {
    start: usize,
    end: usize,
    rule: Rule,
}

/// The atoms of `text`, whose parse tree is `pairs`. Fails only if the text between two leaves
/// holds something other than whitespace, comments and punctuation, which a text that parsed
/// cannot have.
pub(super) fn atoms(text: &str, pairs: Pairs<'_, Rule>) -> Result<Vec<Atom>, String> {
    let mut leaves: Vec<Leaf> = Vec::new();
    let mut statements: BTreeMap<usize, Statement> = BTreeMap::new();
    let mut skip_until = 0;
    for pair in pairs.flatten() {
        let rule = pair.as_rule();
        let span = pair.as_span();
        let (start, end) = (span.start(), span.end());
        if is_statement(rule) {
            let block = pair.clone().into_inner().filter(|p| p.as_rule() == Rule::block).last();
            let has_body = block.is_some_and(|block| {
                let inside = block.as_str();
                let inside = inside.get(1..inside.len().saturating_sub(1)).unwrap_or("");
                !inside.trim_matches(is_grammar_space).is_empty()
            });
            statements.entry(start).or_insert(Statement { rule, has_body });
        }
        if start < skip_until || matches!(rule, Rule::file | Rule::block | Rule::EOI) {
            continue;
        }
        if COMPOUND.contains(&rule) || pair.clone().into_inner().next().is_none() {
            leaves.push(Leaf { start, end, rule });
            skip_until = end;
        }
    }

    let mut lexer = Lexer { text, atoms: Vec::new(), newlines: 0 };
    let mut position = 0;
    for leaf in &leaves {
        lexer.gap(position, leaf.start)?;
        let source = &text[leaf.start..leaf.end];
        let printed = if leaf.rule == Rule::string {
            source.to_string()
        } else {
            source.split(is_grammar_space).filter(|word| !word.is_empty()).collect::<Vec<_>>().join(" ")
        };
        let kind = if leaf.rule == Rule::op_neg { Kind::Neg } else { Kind::Word };
        let statement = statements.get(&leaf.start).copied();
        lexer.push(kind, printed, Some(leaf.rule), statement);
        position = leaf.end;
    }
    lexer.gap(position, text.len())?;
    Ok(lexer.atoms)
}

struct Lexer<'a> {
    text: &'a str,
    atoms: Vec<Atom>,
    /// Newlines seen since the last atom.
    newlines: usize,
}

impl Lexer<'_> {
    fn push(&mut self, kind: Kind, text: String, rule: Option<Rule>, statement: Option<Statement>) {
        let (is_ident, is_translation) = (rule == Some(Rule::ident), rule == Some(Rule::lang_tag));
        self.atoms.push(Atom { kind, text, newlines_before: self.newlines, is_ident, is_translation, statement });
        self.newlines = 0;
    }

    /// Lexes the text between two leaves.
    fn gap(&mut self, start: usize, end: usize) -> Result<(), String> {
        let gap = &self.text[start..end];
        let mut rest = gap;
        while let Some(c) = rest.chars().next() {
            let offset = start + gap.len() - rest.len();
            if is_grammar_space(c) {
                if c == '\n' {
                    self.newlines += 1;
                }
                rest = &rest[c.len_utf8()..];
            } else if let Some(after) = rest.strip_prefix("//") {
                let length = 2 + after.find('\n').unwrap_or(after.len());
                let comment = rest[..length].trim_end_matches(is_grammar_space).to_string();
                self.push(Kind::LineComment, comment, None, None);
                rest = &rest[length..];
            } else if let Some(after) = rest.strip_prefix("/*") {
                let Some(close) = after.find("*/") else {
                    return Err(format!("unterminated block comment at byte {offset}"));
                };
                let length = 2 + close + 2;
                self.push(Kind::BlockComment, rest[..length].to_string(), None, None);
                rest = &rest[length..];
            } else {
                let kind = match c {
                    '{' => Kind::BraceOpen,
                    '}' => Kind::BraceClose,
                    '(' | '[' => Kind::Open,
                    ')' | ']' => Kind::Close,
                    ',' => Kind::Comma,
                    ':' => Kind::Colon,
                    '.' => Kind::Dot,
                    _ => return Err(format!("unexpected `{c}` between tokens at byte {offset}")),
                };
                self.push(kind, c.to_string(), None, None);
                rest = &rest[1..];
            }
        }
        Ok(())
    }
}
