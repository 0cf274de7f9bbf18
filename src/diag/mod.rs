//! Diagnostics as plain data: what every stage reports instead of failing.
//!
//! A [`Diagnostic`] has a [`Code`] from the one table in `codes.rs`, a message, labelled
//! spans and an optional help line. Stages return `(T, Vec<Diagnostic>)` and keep going
//! after the first problem. Only `render.rs` knows about miette.

mod codes;
pub mod render;

pub use codes::{Code, Severity};

use crate::source::Span;

/// A span with a short message, drawn under the source line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
    /// The primary label is where the problem is; secondary labels give context.
    pub primary: bool,
}

/// One problem found in the sources.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub message: String,
    pub labels: Vec<Label>,
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic whose primary label is `span` with `label` as its text.
    pub fn new(code: Code, message: impl Into<String>, span: Span, label: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            message: message.into(),
            labels: vec![Label { span, message: label.into(), primary: true }],
            help: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn with_note(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.labels.push(Label { span, message: message.into(), primary: false });
        self
    }

    pub fn severity(&self) -> Severity {
        self.code.severity()
    }

    pub fn is_error(&self) -> bool {
        self.severity() == Severity::Error
    }

    /// The primary span, used for ordering.
    pub fn span(&self) -> Span {
        self.labels.iter().find(|l| l.primary).or(self.labels.first()).map(|l| l.span).unwrap_or_default()
    }
}

/// Sorts diagnostics by file and position (then code) so that output is deterministic,
/// and drops exact duplicates (the same problem found through two imports).
pub fn sort(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by(|a, b| (a.span(), a.code.as_str(), &a.message).cmp(&(b.span(), b.code.as_str(), &b.message)));
    diagnostics.dedup();
}

/// The "did you mean" candidate: the closest name within a small edit distance.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    // Up to a third of the name may differ, and never all of it ("X" does not suggest "N").
    let length = name.chars().count();
    let limit = (length / 3).max(1);
    candidates
        .into_iter()
        .filter(|c| *c != name)
        .map(|c| (edit_distance(&name.to_lowercase(), &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= limit && *d < length)
        .min_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(b.1)))
        .map(|(_, c)| c)
}

/// Levenshtein distance over characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b_chars: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b_chars.len()).collect();
    let mut current = vec![0; b_chars.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        current[0] = i + 1;
        for (j, cb) in b_chars.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b_chars.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_characters_not_bytes() {
        assert_eq!(edit_distance("straße", "strasse"), 2);
        assert_eq!(edit_distance("geburtsdatum", "geburtsdatum"), 0);
        assert_eq!(edit_distance("", "abc"), 3);
    }

    #[test]
    fn closest_suggests_near_names_only() {
        let names = ["geburtsdatum", "vorname", "familienname"];
        assert_eq!(closest("geburtsdatm", names), Some("geburtsdatum"));
        assert_eq!(closest("vornam", names), Some("vorname"));
        assert_eq!(closest("xyz", names), None);
        assert_eq!(closest("X", ["N", "O"]), None);
        assert_eq!(closest("Geschlect", ["Geschlecht"]), Some("Geschlecht"));
    }
}
