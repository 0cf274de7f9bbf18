//! Texts and their translations: primary language first, the others checked against the
//! form's `languages` (`unknown-language`, and `missing-translation` warnings).

use crate::catalogue::tag::TagProblem;
use crate::diag::{Code, Diagnostic};
use crate::ir;
use crate::syntax::ast;

/// The languages texts are checked against; `None` for modules checked on their own,
/// whose texts are checked when a form uses them. The second part is an overlay's glossary
/// (`translations hsb { "Vorname" "Předmjeno" }`): translations of primary texts, by language
/// and primary text, for texts that do not give one themselves.
#[derive(Clone, Debug)]
pub struct Languages(pub Option<Vec<String>>, pub Glossary);

/// `(language, primary text)` → translation.
pub type Glossary = std::sync::Arc<std::collections::BTreeMap<(String, String), String>>;

impl Languages {
    pub fn primary(&self) -> &str {
        self.0.as_ref().and_then(|l| l.first()).map_or("de", |l| l.as_str())
    }

    /// Lowers a text, reporting translations into undeclared languages and missing ones.
    pub fn lower(&self, text: &ast::Text, diagnostics: &mut Vec<Diagnostic>) -> ir::Text {
        let mut out = ir::Text::new();
        out.insert(self.primary().to_string(), text.primary.value.clone());
        for (lang, value) in &text.translations {
            if let Some(diagnostic) = tag_diagnostic(lang) {
                diagnostics.push(diagnostic);
                continue;
            }
            if let Some(declared) = &self.0 {
                if !declared.contains(&lang.name) {
                    diagnostics.push(
                        Diagnostic::new(
                            Code::UnknownLanguage,
                            format!("translation into `{}`, which the form does not declare", lang.name),
                            lang.span,
                            "undeclared language",
                        )
                        .with_help(format!(
                            "the form's languages are {}; add `{}` to `languages` or remove the translation",
                            declared.join(", "),
                            lang.name
                        )),
                    );
                    continue;
                }
            }
            if lang.name == self.primary() || out.contains_key(&lang.name) {
                diagnostics.push(
                    Diagnostic::new(
                        Code::DuplicateProperty,
                        format!("this text already has a `{}` version", lang.name),
                        lang.span,
                        "given twice",
                    )
                    .with_help("give each language once"),
                );
                continue;
            }
            out.insert(lang.name.clone(), value.value.clone());
        }
        if let Some(declared) = &self.0 {
            for lang in declared.iter().skip(1) {
                if !out.contains_key(lang) {
                    if let Some(translation) = self.1.get(&(lang.clone(), text.primary.value.clone())) {
                        out.insert(lang.clone(), translation.clone());
                        continue;
                    }
                    diagnostics.push(
                        Diagnostic::new(
                            Code::MissingTranslation,
                            format!("text has no {} translation", language_name(lang)),
                            text.span,
                            format!("add `{lang} \"…\"`"),
                        )
                        .with_help(if self.1.is_empty() {
                            format!(
                                "write the translation after the text: \"{}\" {lang} \"…\"",
                                shorten(&text.primary.value)
                            )
                        } else {
                            format!(
                                "translate it in the overlay: `translations {lang} {{ \"{}\" \"…\" }}`",
                                shorten(&text.primary.value)
                            )
                        }),
                    );
                }
            }
        }
        out
    }
}

/// `malformed-language-tag` for a tag that is not a well-formed BCP 47 tag (or not in its
/// canonical case), with the canonical form or what is wrong as help.
pub fn tag_diagnostic(tag: &ast::Ident) -> Option<Diagnostic> {
    let problem = crate::catalogue::tag::problem(&tag.name)?;
    let (label, help) = match problem {
        TagProblem::Case { canonical } => {
            ("not in canonical case", format!("write `{canonical}`: tags are compared as written (language in lower case, Script in title case, REGION in upper case)"))
        }
        TagProblem::Malformed(reason) => (
            "malformed",
            format!("{reason}; write a BCP 47 tag such as `de`, `hsb`, `de-CH` or `sr-Latn`"),
        ),
    };
    Some(
        Diagnostic::new(
            Code::MalformedLanguageTag,
            format!("`{}` is not a well-formed language tag", tag.name),
            tag.span,
            label,
        )
        .with_help(help),
    )
}

pub fn language_name(tag: &str) -> &str {
    match tag {
        "de" => "German",
        "en" => "English",
        other => other,
    }
}

fn shorten(text: &str) -> String {
    if text.chars().count() <= 30 {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(29).collect::<String>())
    }
}
