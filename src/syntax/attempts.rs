//! What authors naturally write that the language says another way (or not at all), and the
//! targeted help a syntax error gives for it instead of a pointer to the documentation.
//!
//! Each entry is recognised from the word the parser stopped at and the words before it, and
//! says what to write instead, or that the feature does not exist and why.

/// Where the parser stopped, as far as the help needs to know.
pub(super) struct Attempt<'a> {
    /// The word at the error (letters, digits, `_`), possibly empty.
    pub word: &'a str,
    /// Up to two words before it, nearest last (`rule r when` → `["rule", "r"]`).
    pub before: &'a [&'a str],
    /// The parser expected a statement.
    pub statement: bool,
    /// The parser expected a field type.
    pub field_type: bool,
}

/// Field types of other languages and tools, with the Formwerk type that means the same.
const TYPE_ALIASES: &[(&str, &str)] = &[
    ("bool", "boolean"),
    ("checkbox", "boolean"),
    ("string", "text"),
    ("str", "text"),
    ("textarea", "multiline"),
    ("int", "integer"),
    ("number", "integer"),
    ("float", "decimal"),
    ("double", "decimal"),
    ("currency", "money"),
    ("euro", "money"),
    ("datetime", "date"),
    ("tel", "phone"),
    ("telephone", "phone"),
    ("mail", "email"),
    ("upload", "file"),
    ("attachment", "file"),
    ("select", "choice of <Codelist>"),
    ("enum", "choice of <Codelist>"),
    ("radio", "choice of <Codelist>"),
];

/// The targeted help for a natural attempt, or `None` when the error is something else.
pub(super) fn help(attempt: &Attempt<'_>) -> Option<String> {
    let word = attempt.word;
    let previous = attempt.before.last().copied().unwrap_or("");
    if attempt.field_type {
        if word == "signature" {
            return Some(
                "there is no signature type: a signature is not data a validator can check. For a \
                 confirmation write a declaration, `field bestaetigung: boolean \"Ich versichere …\" must be \
                 true`; for a signed document, a `file` field"
                    .to_string(),
            );
        }
        if let Some((_, ours)) = TYPE_ALIASES.iter().find(|(alias, _)| alias.eq_ignore_ascii_case(word)) {
            return Some(format!("Formwerk calls this type `{ours}`"));
        }
    }
    match word {
        "when" if previous == "hint" || previous == "label" => Some(format!(
            "a {previous} is always shown; for text that depends on an answer, add an `info` next to the \
             field with `visible when …` in its block"
        )),
        "if" if matches!(previous, "visible" | "required") => Some(format!("write `{previous} when …`")),
        "if" | "unless" if attempt.statement => Some(
            "conditions are written on what they change: `visible when …` or `required when …` in a field's, \
             group's or info's block, and `rule r when … { check … }` for a rule"
                .to_string(),
        ),
        "placeholder" if attempt.statement => Some(
            "there are no placeholders: their text vanishes on input and is often taken for an answer. Put the \
             example into the hint: `hint \"z. B. Max Mustermann\"`"
                .to_string(),
        ),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn help_for(word: &str, before: &[&str], statement: bool, field_type: bool) -> Option<String> {
        help(&Attempt { word, before, statement, field_type })
    }

    #[test]
    fn aliases_apply_only_where_a_type_is_expected() {
        assert_eq!(help_for("bool", &["a", ":"], false, true).as_deref(), Some("Formwerk calls this type `boolean`"));
        assert_eq!(help_for("bool", &[], true, false), None);
    }

    #[test]
    fn when_depends_on_the_words_before() {
        assert!(help_for("when", &["hint"], false, false).unwrap().contains("`info`"));
        assert_eq!(help_for("when", &["field", "x"], false, false), None);
    }
}
