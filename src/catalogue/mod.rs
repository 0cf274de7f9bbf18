//! Catalogues: the citizen-facing texts Formwerk writes itself (built-in validation
//! messages, the words of dates and numbers, and HTML interface texts), one TOML file per
//! language. `de` and `en` are built in (`de.toml`, `en.toml`, embedded); a project adds or
//! replaces a language with `catalogues/<tag>.toml` next to its forms, which the driver
//! reads and the checker puts into the IR of the forms in that language
//! (`ir::Form::catalogues`). Backends read a form's texts through [`texts`].
//!
//! A file is flattened into `section.key → template` (`messages.required`); a count's forms
//! `{ one = "…", other = "…" }` become `messages.min_items.one` and `.other`. [`parse`]
//! accepts a file only if it has every key of [`SPEC`], no other key, only the placeholders
//! each key may use, balanced braces and no forbidden characters: a catalogue is input from
//! outside and possibly hostile. Its texts are data: pages escape them like every text.
//! `tag.rs` owns which language tags are accepted.

pub mod tag;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use crate::runtime::formats::TEXT_FORBIDDEN;
use crate::runtime::messages::{Catalogue, FILE_TYPE_KEYS, TYPE_KEYS};

/// The texts of one language, flattened and sorted by key.
pub type Texts = BTreeMap<String, String>;

/// A project's catalogues by language: each read, or with the problems that make it unusable.
pub type Project = BTreeMap<String, Result<Texts, Vec<String>>>;

/// The largest catalogue file read, in bytes.
pub const MAX_FILE_BYTES: u64 = 256 * 1024;
/// The longest template, in characters.
pub const MAX_TEMPLATE_CHARS: usize = 1000;

/// How an entry is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    /// A string.
    Text,
    /// A string, or `{ one = "…", other = "…" }` (`one` optional) for a count.
    Counted,
}

/// One entry every catalogue has: its key, shape and the placeholders it may use.
struct Entry {
    key: &'static str,
    shape: Shape,
    placeholders: &'static [&'static str],
}

const fn text(key: &'static str, placeholders: &'static [&'static str]) -> Entry {
    Entry { key, shape: Shape::Text, placeholders }
}

const fn counted(key: &'static str, placeholders: &'static [&'static str]) -> Entry {
    Entry { key, shape: Shape::Counted, placeholders }
}

const L: &[&str] = &["label"];
const LN: &[&str] = &["label", "n"];
const NONE: &[&str] = &[];

/// Every entry of a catalogue except the names of types and file types ([`TYPE_KEYS`],
/// [`FILE_TYPE_KEYS`], no placeholders).
const SPEC: &[Entry] = &[
    text("language.name", NONE),
    text("format.quote", &["text"]),
    text("format.date", &["day", "month", "year"]),
    text("format.decimal_separator", NONE),
    text("messages.required", L),
    text("messages.hidden", L),
    text("messages.unknown_property", L),
    text("messages.type", &["label", "expected"]),
    text("messages.empty", L),
    text("messages.line_break", L),
    text("messages.text_invalid_character", &["label", "code"]),
    counted("messages.min_length", LN),
    counted("messages.max_length", LN),
    text("messages.pattern", L),
    text("messages.minimum", LN),
    text("messages.maximum", LN),
    text("messages.minimum_date", &["label", "date"]),
    text("messages.maximum_date", &["label", "date"]),
    text("messages.whole_number", L),
    counted("messages.decimals", LN),
    text("messages.cents", L),
    text("messages.date_invalid", L),
    text("messages.decimal_invalid", L),
    text("messages.email_invalid", L),
    text("messages.phone_invalid", L),
    text("messages.iban_invalid", L),
    text("messages.postcode_invalid", L),
    text("messages.code_invalid", L),
    text("messages.codes_duplicate", L),
    counted("messages.min_items", LN),
    counted("messages.max_items", LN),
    text("messages.file_invalid", L),
    text("messages.file_type", &["label", "types"]),
    text("messages.file_size", &["label", "size"]),
    counted("messages.min_files", LN),
    counted("messages.max_files", LN),
    text("messages.total_size", &["label", "size"]),
    text("messages.exclusive", &["label", "option"]),
    text("messages.not_within", &["label", "option", "parent"]),
    text("messages.not_confirmed", L),
    text("messages.computed", L),
    text("messages.malformed", &["detail"]),
    text("interface.optional", NONE),
    text("interface.error_prefix", NONE),
    text("interface.summary_title", NONE),
    text("interface.warning_title", NONE),
    text("interface.warning_intro", NONE),
    text("interface.confirm", NONE),
    text("interface.title_error_prefix", NONE),
    text("interface.step", &["n", "total"]),
    text("interface.day", NONE),
    text("interface.month", NONE),
    text("interface.year", NONE),
    text("interface.date_hint", NONE),
    text("interface.please_select", NONE),
    text("interface.yes", NONE),
    text("interface.no", NONE),
    text("interface.next", NONE),
    text("interface.submit", NONE),
    text("interface.back", NONE),
    text("interface.add", L),
    text("interface.remove", &["item", "n"]),
    text("interface.removed", &["item", "n"]),
    counted("interface.at_most_items", &["n"]),
    text("interface.select_all", NONE),
    counted("interface.max_chars", &["n"]),
    text("interface.file_types", &["types"]),
    text("interface.file_size", &["size"]),
    text("interface.uploaded", &["name"]),
    text("interface.remove_file", &["name"]),
    text("interface.at_least", &["n"]),
    text("interface.at_most", &["n"]),
    text("interface.euro_suffix", NONE),
    text("interface.unit", &["unit"]),
    text("interface.whole_euros", NONE),
    counted("interface.files_up_to", &["n"]),
    text("interface.files_between", &["min", "max"]),
    text("interface.files_total", &["size"]),
];

/// Every key a catalogue must have, with the placeholders it may use (for docs and help).
pub fn required_keys() -> Vec<(String, &'static [&'static str])> {
    let mut keys: Vec<(String, &'static [&'static str])> =
        SPEC.iter().map(|entry| (entry.key.to_string(), entry.placeholders)).collect();
    keys.extend(TYPE_KEYS.iter().map(|key| (format!("types.{key}"), NONE)));
    keys.extend(FILE_TYPE_KEYS.iter().map(|key| (format!("file_types.{key}"), NONE)));
    keys
}

fn spec(key: &str) -> Option<(Shape, &'static [&'static str])> {
    if let Some(entry) = SPEC.iter().find(|entry| entry.key == key) {
        return Some((entry.shape, entry.placeholders));
    }
    let (section, name) = key.split_once('.')?;
    let names = match section {
        "types" => TYPE_KEYS,
        "file_types" => FILE_TYPE_KEYS,
        _ => return None,
    };
    names.contains(&name).then_some((Shape::Text, NONE))
}

/// Reads the catalogue of `lang` from TOML `source`: its texts, or every problem found
/// (each a sentence; missing keys are listed together). `language.dir` is `ltr` or `rtl`;
/// without it, the direction of the language's script ([`tag::is_right_to_left`]).
pub fn parse(lang: &str, source: &str) -> Result<Texts, Vec<String>> {
    if source.len() as u64 > MAX_FILE_BYTES {
        return Err(vec![format!("the file is larger than {} KB", MAX_FILE_BYTES / 1024)]);
    }
    let table: toml::Table = match toml::from_str(source) {
        Ok(table) => table,
        Err(error) => return Err(vec![format!("not valid TOML: {}", error.message())]),
    };
    let mut problems = Vec::new();
    let mut texts = Texts::new();
    for (section, value) in &table {
        let Some(entries) = value.as_table() else {
            problems.push(format!("`{section}` must be a table (`[{section}]`)"));
            continue;
        };
        for (name, value) in entries {
            let key = format!("{section}.{name}");
            if key == "language.dir" {
                match value.as_str() {
                    Some(dir @ ("ltr" | "rtl")) => {
                        texts.insert(key, dir.to_string());
                    }
                    _ => problems.push("`language.dir` must be \"ltr\" or \"rtl\"".to_string()),
                }
                continue;
            }
            let Some((shape, placeholders)) = spec(&key) else {
                problems.push(format!("unknown key `{}`", short(&key)));
                continue;
            };
            match (value, shape) {
                (toml::Value::String(template), _) => {
                    check_template(&key, template, placeholders, &mut problems);
                    texts.insert(key, template.clone());
                }
                (toml::Value::Table(forms), Shape::Counted) => {
                    if !forms.contains_key("other") {
                        problems.push(format!("`{key}` needs an `other` form"));
                    }
                    for (form, value) in forms {
                        let form_key = format!("{key}.{form}");
                        match (form.as_str(), value.as_str()) {
                            ("one" | "other", Some(template)) => {
                                check_template(&form_key, template, placeholders, &mut problems);
                                texts.insert(form_key, template.to_string());
                            }
                            ("one" | "other", None) => problems.push(format!("`{form_key}` must be a string")),
                            _ => problems.push(format!(
                                "`{}` is not a form of a count: use `one` and `other`",
                                short(&form_key)
                            )),
                        }
                    }
                }
                (_, Shape::Counted) => {
                    problems.push(format!("`{key}` must be a string or a table `{{ one = \"…\", other = \"…\" }}`"))
                }
                (_, Shape::Text) => problems.push(format!("`{key}` must be a string")),
            }
        }
    }
    let missing: Vec<String> = required_keys()
        .into_iter()
        .map(|(key, _)| key)
        .filter(|key| !texts.contains_key(key) && !texts.contains_key(&format!("{key}.other")))
        .collect();
    if !missing.is_empty() {
        problems.push(format!("missing keys: {}", missing.join(", ")));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    if !texts.contains_key("language.dir") {
        let dir = if tag::is_right_to_left(lang) { "rtl" } else { "ltr" };
        texts.insert("language.dir".to_string(), dir.to_string());
    }
    Ok(texts)
}

/// A key as a problem quotes it: at most 60 characters.
fn short(key: &str) -> String {
    if key.chars().count() <= 60 {
        key.to_string()
    } else {
        format!("{}…", key.chars().take(59).collect::<String>())
    }
}

fn check_template(key: &str, template: &str, placeholders: &[&str], problems: &mut Vec<String>) {
    if template.chars().count() > MAX_TEMPLATE_CHARS {
        problems.push(format!("`{key}` is longer than {MAX_TEMPLATE_CHARS} characters"));
        return;
    }
    if let Some(c) = template.chars().find(|c| TEXT_FORBIDDEN.iter().any(|(low, high)| (*low..=*high).contains(c))) {
        problems.push(format!("`{key}` contains the character U+{:04X}, which no text may contain", c as u32));
    }
    let mut rest = template;
    while let Some(idx) = rest.find(['{', '}']) {
        let tail = &rest[idx..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            rest = &tail[2..];
            continue;
        }
        let closed = tail.starts_with('{').then(|| tail.find('}')).flatten();
        let Some(end) = closed else {
            problems.push(format!("`{key}` has a lone `{}`: write `{{{{` or `}}}}` for a brace", &tail[..1]));
            return;
        };
        let name = &tail[1..end];
        if !placeholders.contains(&name) {
            let allowed = if placeholders.is_empty() {
                "none".to_string()
            } else {
                placeholders.iter().map(|p| format!("{{{p}}}")).collect::<Vec<_>>().join(", ")
            };
            problems.push(format!("`{key}` uses the placeholder `{{{}}}`; it may use {allowed}", short(name)));
        }
        rest = &tail[end + 1..];
    }
}

/// The built-in catalogues, by language.
pub fn builtin() -> &'static BTreeMap<String, Texts> {
    static BUILTIN: OnceLock<BTreeMap<String, Texts>> = OnceLock::new();
    BUILTIN.get_or_init(|| {
        [("de", include_str!("de.toml")), ("en", include_str!("en.toml"))]
            .into_iter()
            .map(|(lang, source)| {
                let texts = parse(lang, source).unwrap_or_else(|problems| panic!("built-in {lang}: {problems:?}"));
                (lang.to_string(), texts)
            })
            .collect()
    })
}

/// The texts of `lang` for `form`: the project catalogue the checker put into the IR, else
/// the built-in one (else German: a checked form always has a catalogue for its languages).
pub fn texts<'f>(form: &'f crate::ir::Form, lang: &str) -> &'f Texts {
    let builtin = builtin();
    form.catalogues.get(lang).or_else(|| builtin.get(lang)).unwrap_or(&builtin["de"])
}

/// The entries of `texts` as the runtime reads them.
pub fn entries(texts: &Texts) -> Vec<(&str, &str)> {
    texts.iter().map(|(key, value)| (key.as_str(), value.as_str())).collect()
}

/// A runtime catalogue over `entries` (from [`entries`]).
pub fn runtime<'a>(lang: &'a str, entries: &'a [(&'a str, &'a str)]) -> Catalogue<'a> {
    Catalogue { lang, entries }
}

/// Whether `lang` is written right to left, by its catalogue.
pub fn is_right_to_left(texts: &Texts) -> bool {
    texts.get("language.dir").is_some_and(|dir| dir == "rtl")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_catalogues_are_complete() {
        for (lang, texts) in builtin() {
            assert!(texts.len() > 90, "{lang}");
            assert_eq!(texts["language.dir"], "ltr");
        }
    }

    #[test]
    fn problems_are_named() {
        let problems = parse("xx", "[messages]\nrequired = \"{labl} {\"\nfoo = 1\n").unwrap_err();
        let text = problems.join("\n");
        assert!(text.contains("`messages.required` uses the placeholder `{labl}`"), "{text}");
        assert!(text.contains("unknown key `messages.foo`"), "{text}");
        assert!(text.contains("missing keys: language.name, format.quote"), "{text}");
        assert!(parse("xx", "[[[").unwrap_err()[0].starts_with("not valid TOML"));
        assert!(parse("xx", &"#".repeat(300_000)).is_err());
        let lone = parse("xx", "[format]\nquote = \"}{text}\"").unwrap_err().join("\n");
        assert!(lone.contains("lone `}`"), "{lone}");
    }

    #[test]
    fn direction_defaults_to_the_script() {
        let mut source = include_str!("de.toml").replace("dir = \"ltr\"\n", "");
        assert_eq!(parse("ar", &source).unwrap()["language.dir"], "rtl");
        assert_eq!(parse("de", &source).unwrap()["language.dir"], "ltr");
        source = source.replace("[language]\n", "[language]\ndir = \"rtl\"\n");
        assert_eq!(parse("de", &source).unwrap()["language.dir"], "rtl");
    }
}
