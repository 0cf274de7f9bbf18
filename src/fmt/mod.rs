//! The formatter: one canonical layout for `.form` source, comments kept where the author put them.
//!
//! It works on the concrete syntax, never on the AST, the checker or the IR: the text is parsed
//! with the one grammar (`syntax::concrete`), the parse tree and the text between its leaves
//! become a flat list of tokens and comments (`lex.rs`), and `layout.rs` prints them with the
//! layout rules listed there. Nothing is reordered, so formatting cannot change meaning; as a
//! safeguard every result is parsed again and must give the same tokens and comments in the same
//! order, or the source is returned unchanged with an internal error.
//!
//! A text that does not parse is refused with the parser's diagnostic. `diff.rs` shows what
//! formatting would change (`formwerk fmt --check`).
//!
//! ```text
//! form  f{title "T"   en "T"
//!   version "1"  languages de,en}
//! ```
//! becomes
//! ```text
//! form f {
//!   title "T" en "T"
//!   version "1"
//!   languages de, en
//! }
//! ```

mod diff;
mod layout;
mod lex;

pub use diff::unified_diff;

use crate::diag::Diagnostic;
use crate::source::{FileId, SourceDb};

/// Why a source was not formatted.
#[derive(Debug)]
pub enum Error {
    /// The source does not parse (or was not read as text): the diagnostics say why.
    Syntax(Vec<Diagnostic>),
    /// The formatter failed its own safeguard; a bug, described for a report.
    Internal(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Syntax(diagnostics) => match diagnostics.first() {
                Some(first) => write!(f, "the source does not parse: {}", first.message),
                None => write!(f, "the source does not parse"),
            },
            Error::Internal(why) => write!(f, "internal formatter error: {why}"),
        }
    }
}

/// Formats one file of the database. Refuses a file that was not read as text or does not
/// parse, with the diagnostics `formwerk check` gives for it.
pub fn format_file(db: &SourceDb, file: FileId) -> Result<String, Error> {
    let refused: Vec<Diagnostic> =
        crate::source::file_diagnostics(db, file).into_iter().filter(Diagnostic::is_error).collect();
    if !refused.is_empty() {
        return Err(Error::Syntax(refused));
    }
    let text = &db.get(file).text;
    if crate::syntax::concrete(text).is_none() {
        // The parser's own diagnostic says why (it parses again with pest's error tracking).
        let (_, diagnostics) = crate::syntax::parse(db, file);
        return Err(Error::Syntax(diagnostics.into_iter().filter(Diagnostic::is_error).collect()));
    }
    format_parsed(text)
}

/// Formats a source text (see [`format_file`]).
pub fn format_source(text: &str) -> Result<String, Error> {
    let mut db = SourceDb::new();
    let file = db.add("main.form", "main", text);
    format_file(&db, file)
}

/// Formats a text that parses.
fn format_parsed(text: &str) -> Result<String, Error> {
    let atoms = atoms_of(text).ok_or_else(|| Error::Internal("the source parsed once but not twice".into()))??;
    let formatted = layout::print(&atoms);
    match atoms_of(&formatted) {
        Some(Ok(again)) if same_tokens(&atoms, &again) => Ok(formatted),
        Some(Ok(_)) => Err(Error::Internal("formatting changed the tokens or comments".into())),
        Some(Err(error)) => Err(error),
        None => Err(Error::Internal("the formatted source does not parse".into())),
    }
}

fn atoms_of(text: &str) -> Option<Result<Vec<lex::Atom>, Error>> {
    let pairs = crate::syntax::concrete(text)?;
    Some(lex::atoms(text, pairs).map_err(Error::Internal))
}

/// The same tokens and comments in the same order (layout aside).
fn same_tokens(before: &[lex::Atom], after: &[lex::Atom]) -> bool {
    before.len() == after.len()
        && before.iter().zip(after).all(|(a, b)| a.kind == b.kind && a.text == b.text && a.statement == b.statement)
}

/// The comments of a source in order, as the formatter keeps them (a line comment without
/// trailing whitespace); `None` if the source does not parse. For tests.
pub fn comments(text: &str) -> Option<Vec<String>> {
    let atoms = atoms_of(text)?.ok()?;
    Some(atoms.into_iter().filter(|a| a.is_comment()).map(|a| a.text).collect())
}
