//! The canonical layout: prints the atoms of `lex` line by line.
//!
//! - Every statement starts a line, indented two spaces per enclosing block; a block's `{` ends
//!   the line of its statement and its `}` has a line of its own (an empty block is `{}`).
//! - Tokens of one statement are separated by one space, except after `(`, `[`, `.` and a prefix
//!   minus, before `)`, `]`, `,`, `:` and `.`, and between a function's name and its `(`.
//! - Blank lines: at most one; kept where the author had one between statements or comments,
//!   added between two sibling declarations (`form`, `field`, `group`, `repeat`, `section`,
//!   `info`, `rule`, `codelist`, `member`) when either ends in a block with something in it
//!   (not around a property's block, such as `fim "…" { … }` among a field's properties), and
//!   after the last `use`; never after `{`, before `}` or inside a statement.
//! - Comments stay where they were: a comment after a token on the same line stays after it
//!   (a line comment ends the line; the statement then continues on the next line, indented
//!   one level deeper); a comment on a line of its own stays on a line of its own, indented like
//!   the statement or `}` that follows it (one level deeper inside a statement); a block comment
//!   followed by a token on the same line stays before it. Comment text is never changed, except
//!   for trailing whitespace after a line comment.
//!
//! - Translations are aligned where that makes a table: in a run of two or more `code` lines
//!   (one after the other, each with a translation and no comment), the first translation of
//!   each starts in the same column, if that column is at most 56 characters from the start of
//!   the line and no line gets more than 24 spaces; codes with long or very uneven labels stay
//!   as they are.
//!
//! Nothing is reordered, joined or split beyond that.

use super::lex::{Atom, Kind, Statement};
use crate::syntax::Rule;

const INDENT: &str = "  ";
/// The furthest column translations are aligned at.
const ALIGN_MAX: usize = 56;
/// The most spaces alignment adds to a line.
const ALIGN_GAP: usize = 24;

pub(super) fn print(atoms: &[Atom]) -> String {
    let mut printer = Printer::default();
    printer.siblings.push(None);
    // For each atom, the index of the first token after it (comments skipped).
    let mut next_tokens = vec![atoms.len(); atoms.len()];
    for index in (0..atoms.len().saturating_sub(1)).rev() {
        next_tokens[index] = if atoms[index + 1].is_comment() { next_tokens[index + 1] } else { index + 1 };
    }
    for (index, atom) in atoms.iter().enumerate() {
        let next_token = atoms.get(next_tokens[index]);
        let next = atoms.get(index + 1);
        if atom.is_comment() {
            printer.comment(atom, next_token, next);
        } else {
            printer.token(atom, atoms.get(index.wrapping_sub(1)));
        }
    }
    printer.finish()
}

#[derive(Default)]
struct Printer {
    /// Finished lines with their indentation; for a `code` line, where its first translation
    /// starts (a byte offset).
    lines: Vec<(String, Option<usize>)>,
    /// The line being written is a whole `code` statement (so far), and where its first
    /// translation starts.
    code_line: bool,
    align_at: Option<usize>,
    /// The line being written, without its indentation.
    line: String,
    line_indent: usize,
    /// Blocks entered and not left.
    depth: usize,
    /// The next token must start a line (after `{`, `}` or a line comment).
    must_break: bool,
    /// A comment on a line of its own was followed, on the same line, by what comes next.
    glue: bool,
    /// The last thing on the line is a token of this kind (`None`: a comment, or nothing).
    last_token: Option<(Kind, bool)>,
    /// No blank line may come next (start of the file or of a block).
    at_block_start: bool,
    /// No line was started since the last token (the next line-starting item is the first of
    /// its gap, where an added blank line goes).
    first_in_gap: bool,
    /// Per open block (and the file), the last statement started in it.
    siblings: Vec<Option<Statement>>,
}

impl Printer {
    fn flush(&mut self) {
        if !self.line.is_empty() {
            let indent = INDENT.repeat(self.line_indent);
            let align = if self.code_line { self.align_at.map(|at| indent.len() + at) } else { None };
            self.lines.push((indent + self.line.trim_end(), align));
            self.line.clear();
        }
        self.code_line = false;
        self.align_at = None;
    }

    fn start_line(&mut self, indent: usize, blank: bool) {
        self.flush();
        if blank && !self.at_block_start && !self.lines.is_empty() {
            self.lines.push((String::new(), None));
        }
        self.line_indent = indent;
        self.at_block_start = false;
        self.must_break = false;
        self.first_in_gap = false;
    }

    fn push(&mut self, text: &str, space: bool) {
        if space && !self.line.is_empty() {
            self.line.push(' ');
        }
        self.line.push_str(text);
    }

    /// Whether a blank line is added before `statement` (the first line of its gap).
    fn added_blank(&self, statement: Option<Statement>) -> bool {
        let (Some(this), Some(Some(previous))) = (statement, self.siblings.last()) else {
            return false;
        };
        ((previous.has_body || this.has_body) && declares(previous.rule) && declares(this.rule))
            || (previous.rule == Rule::use_decl && this.rule != Rule::use_decl)
    }

    fn comment(&mut self, comment: &Atom, next_token: Option<&Atom>, next: Option<&Atom>) {
        let trailing = comment.newlines_before == 0 && !self.line.is_empty();
        if trailing || self.glue {
            // A block comment glued to a comment before it stays glued to what follows.
            self.glue = self.glue && comment.kind == Kind::BlockComment && next.is_some_and(|n| n.newlines_before == 0);
            self.push(&comment.text, true);
        } else {
            // On a line of its own: indented like what follows it.
            let (indent, may_blank) = match next_token {
                Some(token) if token.statement.is_some() => (self.depth, true),
                Some(token) if token.kind == Kind::BraceClose => (self.depth, true),
                None => (self.depth, true),
                Some(_) => (self.depth + 1, false),
            };
            let added = self.first_in_gap && self.added_blank(next_token.and_then(|t| t.statement));
            self.start_line(indent, may_blank && (comment.newlines_before >= 2 || added));
            self.push(&comment.text, false);
            self.glue = comment.kind == Kind::BlockComment && next.is_some_and(|n| n.newlines_before == 0);
            // What follows on a later line stays on a later line.
            self.must_break = !self.glue;
        }
        self.last_token = None;
        self.code_line = false;
        if comment.kind == Kind::LineComment {
            self.must_break = true;
        }
    }

    fn token(&mut self, token: &Atom, previous: Option<&Atom>) {
        match token.kind {
            Kind::BraceClose => {
                self.depth = self.depth.saturating_sub(1);
                self.siblings.pop();
                if previous.is_some_and(|p| p.kind == Kind::BraceOpen) {
                    self.push("}", false);
                } else if self.glue {
                    self.push("}", true);
                } else {
                    self.start_line(self.depth, false);
                    self.push("}", false);
                }
                self.must_break = true;
            }
            _ if token.statement.is_some() => {
                if self.glue {
                    self.push(&token.text, true);
                } else {
                    let blank = self.first_in_gap && self.added_blank(token.statement);
                    self.start_line(self.depth, token.newlines_before >= 2 || blank);
                    self.push(&token.text, false);
                    self.code_line = token.statement.is_some_and(|s| s.rule == Rule::code_stmt);
                }
                if let Some(last) = self.siblings.last_mut() {
                    *last = token.statement;
                }
            }
            _ => {
                if self.must_break && !self.glue {
                    self.start_line(self.depth + 1, false);
                    self.push(&token.text, false);
                } else {
                    let space = match self.last_token {
                        Some((kind, is_ident)) => space_between(kind, is_ident, token),
                        None => true,
                    };
                    self.push(&token.text, space);
                    if token.is_translation && self.code_line && self.align_at.is_none() {
                        self.align_at = Some(self.line.len() - token.text.len());
                    }
                }
                if token.kind == Kind::BraceOpen {
                    self.depth += 1;
                    self.siblings.push(None);
                    self.must_break = true;
                    self.at_block_start = true;
                }
            }
        }
        self.glue = false;
        self.first_in_gap = true;
        self.last_token = Some((token.kind, token.is_ident));
    }

    fn finish(mut self) -> String {
        self.flush();
        align_translations(&mut self.lines);
        let mut out = String::new();
        for (line, _) in &self.lines {
            out.push_str(line);
            out.push('\n');
        }
        out
    }
}

/// Pads runs of `code` lines so that their first translations start in one column.
fn align_translations(lines: &mut [(String, Option<usize>)]) {
    let mut start = 0;
    while start < lines.len() {
        let length = lines[start..].iter().take_while(|(_, align)| align.is_some()).count();
        if length >= 2 {
            let run = &mut lines[start..start + length];
            let column = |(line, align): &(String, Option<usize>)| line[..align.unwrap_or(0)].chars().count();
            let widest = run.iter().map(column).max().unwrap_or(0);
            let narrowest = run.iter().map(column).min().unwrap_or(0);
            if widest <= ALIGN_MAX && widest - narrowest <= ALIGN_GAP {
                for entry in run.iter_mut() {
                    let padding = " ".repeat(widest - column(entry));
                    let at = entry.1.unwrap_or(0);
                    entry.0.insert_str(at, &padding);
                }
            }
        }
        start += length.max(1);
    }
}

/// A statement that declares something (a member, a page, a type, a rule), as opposed to one
/// that states a property of the declaration around it (`hint`, `fim`, `min`, …).
fn declares(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::form_decl
            | Rule::field_stmt
            | Rule::group_stmt
            | Rule::repeat_stmt
            | Rule::section_stmt
            | Rule::info_stmt
            | Rule::rule_stmt
            | Rule::codelist_stmt
            | Rule::member_stmt
            | Rule::after_stmt
            | Rule::translations_stmt
    )
}

/// Whether one space separates two tokens of a statement.
fn space_between(previous: Kind, previous_is_ident: bool, next: &Atom) -> bool {
    if matches!(next.kind, Kind::Close | Kind::Comma | Kind::Colon | Kind::Dot) {
        return false;
    }
    if matches!(previous, Kind::Open | Kind::Dot | Kind::Neg) {
        return false;
    }
    !(next.kind == Kind::Open && next.text == "(" && previous_is_ident)
}
