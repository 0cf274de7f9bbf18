//! BCP 47 language tags as forms and catalogues name them: a primary language of 2–3
//! letters, then an optional script (4 letters), region (2 letters or 3 digits) and variants
//! (5–8 letters and digits, or a digit and 3 more), e.g. `de`, `hsb`, `de-CH`, `sr-Latn`,
//! `de-1996`. Extensions and private use (`-u-…`, `-x-…`) are not accepted: no catalogue
//! needs them. Tags are compared as written, so only the canonical case is accepted
//! (`de-CH`, not `de-ch`); the problem then names the canonical form.

/// Why a tag is not accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TagProblem {
    /// Well formed, but not in canonical case.
    Case { canonical: String },
    /// Not a language tag; the text says which part is wrong.
    Malformed(String),
}

/// Why `tag` is not an accepted language tag, or `None` if it is one.
pub fn problem(tag: &str) -> Option<TagProblem> {
    match canonical(tag) {
        Ok(canonical) if canonical == tag => None,
        Ok(canonical) => Some(TagProblem::Case { canonical }),
        Err(reason) => Some(TagProblem::Malformed(reason)),
    }
}

/// The canonical spelling of a well-formed tag (`DE-ch` → `de-CH`), or why it is malformed.
pub fn canonical(tag: &str) -> Result<String, String> {
    if tag.len() > 35 {
        return Err("a language tag has at most 35 characters".into());
    }
    if tag.contains('_') {
        return Err(format!("subtags are joined by hyphens, not underscores (`{}`)", tag.replace('_', "-")));
    }
    let mut subtags = tag.split('-');
    let language = subtags.next().unwrap_or_default();
    if !(2..=3).contains(&language.len()) || !language.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(format!(
            "`{language}` is not a language: a tag starts with a language code of 2 or 3 letters (ISO 639)"
        ));
    }
    let mut out = vec![language.to_ascii_lowercase()];
    // 0: script may come, 1: region may come, 2: only variants.
    let mut stage = 0;
    for subtag in subtags {
        let alpha = subtag.bytes().all(|b| b.is_ascii_alphabetic());
        let digits = subtag.bytes().all(|b| b.is_ascii_digit());
        let alnum = subtag.bytes().all(|b| b.is_ascii_alphanumeric());
        if subtag.is_empty() || !alnum {
            return Err(format!("`{subtag}` is not a subtag: subtags are letters and digits between hyphens"));
        }
        if stage == 0 && subtag.len() == 4 && alpha {
            let mut script = subtag.to_ascii_lowercase();
            script[..1].make_ascii_uppercase();
            out.push(script);
            stage = 1;
        } else if stage <= 1 && ((subtag.len() == 2 && alpha) || (subtag.len() == 3 && digits)) {
            out.push(subtag.to_ascii_uppercase());
            stage = 2;
        } else if (5..=8).contains(&subtag.len()) || (subtag.len() == 4 && subtag.as_bytes()[0].is_ascii_digit()) {
            out.push(subtag.to_ascii_lowercase());
            stage = 2;
        } else {
            return Err(format!(
                "`{subtag}` is neither a script (4 letters), a region (2 letters or 3 digits) nor a variant \
                 (5–8 characters) in its place"
            ));
        }
    }
    let variants = &out[1..];
    for (idx, variant) in variants.iter().enumerate() {
        if variant.len() >= 5 && variants[idx + 1..].contains(variant) {
            return Err(format!("the variant `{variant}` is given twice"));
        }
    }
    Ok(out.join("-"))
}

/// The script direction a language is written in when its catalogue does not say: Arabic,
/// Hebrew, Persian, Urdu, Pashto, Sindhi, Uyghur, Yiddish, Dhivehi, Kurdish (Sorani) and an
/// explicit `Arab`/`Hebr`/`Thaa`/`Syrc`/`Nkoo`/`Adlm` script are right to left.
pub fn is_right_to_left(tag: &str) -> bool {
    const RTL_LANGUAGES: &[&str] = &["ar", "he", "fa", "ur", "ps", "sd", "ug", "yi", "dv", "ckb"];
    const RTL_SCRIPTS: &[&str] = &["Arab", "Hebr", "Thaa", "Syrc", "Nkoo", "Adlm"];
    const LTR_SCRIPTS: &[&str] = &["Latn", "Cyrl"];
    let mut subtags = tag.split('-');
    let language = subtags.next().unwrap_or_default();
    let script = subtags.next().filter(|s| s.len() == 4 && s.bytes().all(|b| b.is_ascii_alphabetic()));
    match script {
        Some(script) if RTL_SCRIPTS.contains(&script) => true,
        Some(script) if LTR_SCRIPTS.contains(&script) => false,
        _ => RTL_LANGUAGES.contains(&language),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_formed_tags_are_accepted_as_written() {
        for tag in ["de", "en", "hsb", "ar", "de-CH", "sr-Latn", "sr-Latn-RS", "es-419", "de-1996", "sl-rozaj"] {
            assert_eq!(problem(tag), None, "{tag}");
        }
    }

    #[test]
    fn case_is_canonicalised() {
        assert_eq!(problem("de-ch"), Some(TagProblem::Case { canonical: "de-CH".into() }));
        assert_eq!(problem("DE"), Some(TagProblem::Case { canonical: "de".into() }));
        assert_eq!(problem("sr-latn"), Some(TagProblem::Case { canonical: "sr-Latn".into() }));
    }

    #[test]
    fn malformed_tags_say_why() {
        for tag in ["deutsch", "d", "de_CH", "de-", "de--CH", "de-CH-DE", "de-x-foo", "de-Latn-Latn", "1de"] {
            assert!(matches!(problem(tag), Some(TagProblem::Malformed(_))), "{tag}");
        }
        assert!(matches!(problem(&"a".repeat(100)), Some(TagProblem::Malformed(_))));
    }

    #[test]
    fn direction_follows_the_script() {
        assert!(is_right_to_left("ar"));
        assert!(is_right_to_left("fa-IR"));
        assert!(is_right_to_left("az-Arab"));
        assert!(!is_right_to_left("ku-Latn"));
        assert!(!is_right_to_left("de"));
        assert!(!is_right_to_left("hsb"));
    }
}
