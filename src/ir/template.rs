//! Text templates: labels, hints and infos may show another answer, `{antragsteller.vorname}`.
//!
//! In the IR such a text is a template: `{path}` names a field by its path from the form
//! root (as in expressions, a path through a repeat means the current item), and `{{` and
//! `}}` stand for literal braces. Every other brace is escaped, so a template always reads
//! back into the same pieces. Texts of other kinds (titles, messages, code labels, units)
//! are plain text, in which braces have no meaning.
//!
//! Backends decide what a placeholder becomes: the HTML backend the current answer (escaped
//! like any text) or [`ABSENT`]; messages, XDatenfelder and other places without answers
//! [`neutral`] text; JSON Schema and the Rust docs keep the template, never executing it.

use std::borrow::Cow;

use super::Text;

/// What a placeholder shows when there is no answer to show.
pub const ABSENT: &str = "…";

/// One piece of a template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Text shown as it is (braces already unescaped).
    Text(Cow<'a, str>),
    /// A field path from the form root, e.g. `["antragsteller", "vorname"]`.
    Field(Vec<&'a str>),
}

/// The pieces of a template, in order. Never fails: a lone brace (which the checker does not
/// produce) is read as text.
pub fn pieces(template: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut rest = template;
    while let Some(index) = rest.find(['{', '}']) {
        text.push_str(&rest[..index]);
        let tail = &rest[index..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            text.push_str(&tail[..1]);
            rest = &tail[2..];
            continue;
        }
        if let (true, Some(close)) = (tail.starts_with('{'), tail.find('}')) {
            if !text.is_empty() {
                out.push(Piece::Text(Cow::Owned(std::mem::take(&mut text))));
            }
            out.push(Piece::Field(tail[1..close].split('.').collect()));
            rest = &tail[close + 1..];
            continue;
        }
        text.push_str(&tail[..1]);
        rest = &tail[1..];
    }
    text.push_str(rest);
    if !text.is_empty() {
        out.push(Piece::Text(Cow::Owned(text)));
    }
    out
}

/// Renders a template, asking `value` for each placeholder's text (`None`: [`ABSENT`]).
pub fn render(template: &str, mut value: impl FnMut(&[&str]) -> Option<String>) -> String {
    if !template.contains(['{', '}']) {
        return template.to_string();
    }
    let mut out = String::new();
    for piece in pieces(template) {
        match piece {
            Piece::Text(text) => out.push_str(&text),
            Piece::Field(path) => out.push_str(&value(&path).unwrap_or_else(|| ABSENT.to_string())),
        }
    }
    out
}

/// A template without answers: each placeholder becomes [`ABSENT`], `{{` a brace.
pub fn neutral(text: &Text) -> Cow<'_, Text> {
    if !text.values().any(|t| t.contains(['{', '}'])) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.iter().map(|(lang, t)| (lang.clone(), render(t, |_| None))).collect())
}

/// Escapes plain text for a template: `{` → `{{`, `}` → `}}`.
pub fn escape(text: &str) -> String {
    text.replace('{', "{{").replace('}', "}}")
}

/// The field paths a template names, in order.
pub fn fields(template: &str) -> Vec<Vec<&str>> {
    pieces(template)
        .into_iter()
        .filter_map(|p| match p {
            Piece::Field(path) => Some(path),
            Piece::Text(_) => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_and_braces() {
        let template = "Einkommen von {antragsteller.vorname} {{netto}}";
        assert_eq!(
            pieces(template),
            vec![
                Piece::Text("Einkommen von ".into()),
                Piece::Field(vec!["antragsteller", "vorname"]),
                Piece::Text(" {netto}".into()),
            ]
        );
        assert_eq!(render(template, |p| Some(p.join("/"))), "Einkommen von antragsteller/vorname {netto}");
        assert_eq!(render(template, |_| None), "Einkommen von … {netto}");
        assert_eq!(pieces(&escape("a{b}c")), vec![Piece::Text("a{b}c".into())]);
        assert_eq!(fields("{a} und {b.c}"), vec![vec!["a"], vec!["b", "c"]]);
    }
}
