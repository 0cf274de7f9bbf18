//! Syntax: source text → AST with spans, using the pest grammar in `grammar/formwerk.pest`.
//!
//! Knows nothing of types, the IR or backends. A syntax error stops the parse of one file
//! (pest reports the first); other files are still parsed and checked.

pub mod ast;
mod attempts;
mod bidi;
mod guard;
mod parser;

pub use parser::SIMPLE_TYPES;

use crate::diag::Diagnostic;
use crate::source::FileId;
use crate::source::SourceDb;

/// The deepest bracket nesting the parser accepts (the FIM import bounds group nesting by it).
pub use guard::MAX_NESTING;
/// The grammar's rules, for the formatter's walk over the concrete parse tree.
pub(crate) use parser::Rule;

/// The concrete parse tree of a text (pest's pairs; whitespace and comments are not in it), for
/// the formatter. `None` when the text does not parse; [`parse`] says why.
pub(crate) fn concrete(text: &str) -> Option<pest::iterators::Pairs<'_, Rule>> {
    use pest::Parser as _;
    guard::check_nesting(FileId(0), text).is_none().then(|| parser::FormParser::parse(Rule::file, text).ok()).flatten()
}

/// Parses one file of the database. Returns `None` when the file has a syntax error.
/// Raw text direction characters are warned about whether or not the file parses.
pub fn parse(db: &SourceDb, file: FileId) -> (Option<ast::File>, Vec<Diagnostic>) {
    let text = &db.get(file).text;
    let mut diagnostics = bidi::check(file, text);
    if let Some(diagnostic) = guard::check_nesting(file, text) {
        diagnostics.push(diagnostic);
        return (None, diagnostics);
    }
    let (ast, mut parse_diagnostics) = parser::parse_file(file, text);
    diagnostics.append(&mut parse_diagnostics);
    (ast, diagnostics)
}
