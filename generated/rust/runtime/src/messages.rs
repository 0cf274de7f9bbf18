//! Messages for citizens, one per violation kind, from the texts of a language's catalogue
//! ([`Catalogue`], generated static data in a generated crate, loaded by the compiler for the
//! reference validator). Form-specific texts (rule messages, pattern messages) come from the IR.

use std::collections::BTreeMap;

use super::date::Date;

/// A text in several languages, by language tag.
pub type Text = BTreeMap<String, String>;

/// Every kind of violation the reference validator reports, with what its message needs.
#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    /// Absent while required; the form's own message (`required message "…"`), if any.
    Required(Option<Text>),
    Hidden,
    UnknownProperty,
    Type(&'static str),
    Empty,
    LineBreak,
    /// A code point that no text may contain (`formats::TEXT_FORBIDDEN`), the first one.
    TextInvalidCharacter(char),
    MinLength(u64),
    MaxLength(u64),
    Pattern(Option<Text>),
    /// A bound as the form writes it, with the field's unit by language (empty: none).
    Minimum(String, Text),
    Maximum(String, Text),
    Decimals(u32),
    /// Money with cents where the form asks for whole euros (`decimals 0`).
    Cents,
    DateInvalid,
    DecimalInvalid,
    EmailInvalid,
    PhoneInvalid,
    IbanInvalid,
    PostcodeInvalid,
    CodeInvalid,
    CodesDuplicate,
    MinItems(u32),
    MaxItems(u32),
    FileInvalid,
    FileType(Vec<String>),
    FileSize(u64),
    /// Fewer files than a field that takes several needs (`count 2..5`).
    MinFiles(u32),
    /// More files than a field takes.
    MaxFiles(u32),
    /// Files whose sizes add up to more than the field's `max_total` (in bytes).
    TotalSize(u64),
    Rule(String, Text),
    /// A declaration that must be confirmed (`must be true`) is absent or `false`; the form's
    /// own message (`required message "…"`), if any.
    NotConfirmed(Option<Text>),
    /// A computed field (`value <expr>`) that does not hold its computed value, or is given
    /// while the value cannot be computed.
    Computed,
    /// A code that excludes every other ("none of these") was chosen with others; its label.
    Exclusive(Text),
    /// A code whose parent is not the answer that filters the list (`within`): the code's
    /// label and the label of the other answer's code.
    NotWithin(Text, Text),
    /// The submission could not be read as JSON (with the parser's explanation).
    Malformed(String),
}

impl Kind {
    /// The stable violation code, e.g. `max_length` or `rule:mindestalter`.
    pub fn code(&self) -> String {
        let code = match self {
            Kind::Required(_) => "required",
            Kind::Hidden => "hidden",
            Kind::UnknownProperty => "unknown_property",
            Kind::Type(_) => "type",
            Kind::Empty => "empty",
            Kind::LineBreak => "line_break",
            Kind::TextInvalidCharacter(_) => "text_invalid_character",
            Kind::MinLength(_) => "min_length",
            Kind::MaxLength(_) => "max_length",
            Kind::Pattern(_) => "pattern",
            Kind::Minimum(..) => "minimum",
            Kind::Maximum(..) => "maximum",
            Kind::Decimals(_) | Kind::Cents => "decimals",
            Kind::DateInvalid => "date_invalid",
            Kind::DecimalInvalid => "decimal_invalid",
            Kind::EmailInvalid => "email_invalid",
            Kind::PhoneInvalid => "phone_invalid",
            Kind::IbanInvalid => "iban_invalid",
            Kind::PostcodeInvalid => "postcode_invalid",
            Kind::CodeInvalid => "code_invalid",
            Kind::CodesDuplicate => "codes_duplicate",
            Kind::MinItems(_) => "min_items",
            Kind::MaxItems(_) => "max_items",
            Kind::FileInvalid => "file_invalid",
            Kind::FileType(_) => "file_type",
            Kind::FileSize(_) => "file_size",
            Kind::MinFiles(_) => "min_files",
            Kind::MaxFiles(_) => "max_files",
            Kind::TotalSize(_) => "total_size",
            Kind::Rule(name, _) => return format!("rule:{name}"),
            Kind::NotConfirmed(_) => "not_confirmed",
            Kind::Computed => "computed",
            Kind::Exclusive(_) => "exclusive",
            Kind::NotWithin(..) => "not_within",
            Kind::Malformed(_) => "malformed",
        };
        code.to_string()
    }

    /// The message in the catalogue's language; `label` is the field's label in that language.
    pub fn message(&self, catalogue: &Catalogue, label: &str) -> String {
        // A colon ends a label on a page ("Anschrift:"), not the name a message quotes.
        let label = label.trim_end();
        let label = label.strip_suffix(':').unwrap_or(label).trim_end();
        let quoted = catalogue.quote(label);
        let mut message = self.sentence(catalogue, &quoted);
        // A label that ends a sentence itself ("Haben Sie Kinder?", "Ich versichere … sind.")
        // also ends the message that closes with it: no second mark after the quote.
        if label.ends_with(['?', '!', '.', '…', '؟']) && message.ends_with(&format!("{quoted}.")) {
            message.pop();
        }
        message
    }

    fn sentence(&self, catalogue: &Catalogue, quoted: &str) -> String {
        let lang = catalogue.lang;
        let label = ("label", quoted);
        let simple = |key: &str| fill(catalogue.get(&format!("messages.{key}")), &[label]);
        let counted =
            |key: &str, n: u64| fill(catalogue.counted(&format!("messages.{key}"), n), &[label, ("n", &n.to_string())]);
        let in_language = |text: &Text| text.get(lang).or_else(|| text.values().next()).cloned().unwrap_or_default();
        match self {
            Kind::Required(Some(text)) | Kind::NotConfirmed(Some(text)) => in_language(text),
            Kind::Required(None) => simple("required"),
            Kind::Hidden => simple("hidden"),
            Kind::UnknownProperty => simple("unknown_property"),
            Kind::Type(expected) => {
                let key = format!("types.{}", expected.replace(' ', "_"));
                let expected = catalogue.find(&key).unwrap_or(expected);
                fill(catalogue.get("messages.type"), &[label, ("expected", expected)])
            }
            Kind::Empty => simple("empty"),
            Kind::LineBreak => simple("line_break"),
            Kind::TextInvalidCharacter(c) => fill(
                catalogue.get("messages.text_invalid_character"),
                &[label, ("code", &format!("U+{:04X}", *c as u32))],
            ),
            Kind::MinLength(n) => counted("min_length", *n),
            Kind::MaxLength(n) => counted("max_length", *n),
            Kind::Pattern(Some(text)) => in_language(text),
            Kind::Pattern(None) => simple("pattern"),
            Kind::Minimum(bound, unit) | Kind::Maximum(bound, unit) => {
                let unit = unit.get(lang).or_else(|| unit.values().next()).map_or("", String::as_str);
                let key = if matches!(self, Kind::Minimum(..)) { "minimum" } else { "maximum" };
                if Date::parse(bound).is_some() {
                    let key = format!("messages.{key}_date");
                    fill(catalogue.get(&key), &[label, ("date", &catalogue.date(bound))])
                } else {
                    let number = catalogue.number(bound);
                    let number = if unit.is_empty() { number } else { format!("{number} {unit}") };
                    fill(catalogue.get(&format!("messages.{key}")), &[label, ("n", &number)])
                }
            }
            Kind::Decimals(0) => simple("whole_number"),
            Kind::Decimals(n) => counted("decimals", u64::from(*n)),
            Kind::Cents => simple("cents"),
            Kind::DateInvalid => simple("date_invalid"),
            Kind::DecimalInvalid => simple("decimal_invalid"),
            Kind::EmailInvalid => simple("email_invalid"),
            Kind::PhoneInvalid => simple("phone_invalid"),
            Kind::IbanInvalid => simple("iban_invalid"),
            Kind::PostcodeInvalid => simple("postcode_invalid"),
            Kind::CodeInvalid => simple("code_invalid"),
            Kind::CodesDuplicate => simple("codes_duplicate"),
            Kind::MinItems(n) => counted("min_items", u64::from(*n)),
            Kind::MaxItems(n) => counted("max_items", u64::from(*n)),
            Kind::FileInvalid => simple("file_invalid"),
            Kind::FileType(accept) => {
                fill(catalogue.get("messages.file_type"), &[label, ("types", &file_types(accept, catalogue))])
            }
            Kind::FileSize(bytes) => fill(catalogue.get("messages.file_size"), &[label, ("size", &size(*bytes))]),
            Kind::MinFiles(n) => counted("min_files", u64::from(*n)),
            Kind::MaxFiles(n) => counted("max_files", u64::from(*n)),
            Kind::TotalSize(bytes) => fill(catalogue.get("messages.total_size"), &[label, ("size", &size(*bytes))]),
            Kind::Exclusive(option) => {
                let option = catalogue.quote(&in_language(option));
                fill(catalogue.get("messages.exclusive"), &[label, ("option", &option)])
            }
            Kind::NotWithin(option, parent) => {
                let option = catalogue.quote(&in_language(option));
                let parent = catalogue.quote(&in_language(parent));
                fill(catalogue.get("messages.not_within"), &[label, ("option", &option), ("parent", &parent)])
            }
            Kind::NotConfirmed(None) => simple("not_confirmed"),
            Kind::Computed => simple("computed"),
            Kind::Rule(_, text) => in_language(text),
            Kind::Malformed(detail) => fill(catalogue.get("messages.malformed"), &[("detail", detail)]),
        }
    }
}

/// The texts of one language, flattened from its catalogue file: `messages.required` →
/// `Bitte machen Sie eine Angabe zu {label}.`, a count's forms as `messages.min_items.one`
/// and `messages.min_items.other`. Entries are sorted by key. The compiler checks that a
/// catalogue has every key with only the placeholders it may use, so a missing entry is
/// never met (it would read as an empty text).
#[derive(Clone, Copy, Debug)]
pub struct Catalogue<'a> {
    pub lang: &'a str,
    pub entries: &'a [(&'a str, &'a str)],
}

impl<'a> Catalogue<'a> {
    /// The template under `key`, if the catalogue has it.
    pub fn find(&self, key: &str) -> Option<&'a str> {
        self.entries.binary_search_by(|(k, _)| (*k).cmp(key)).ok().map(|idx| self.entries[idx].1)
    }

    /// The template under `key` (empty if absent).
    pub fn get(&self, key: &str) -> &'a str {
        self.find(key).unwrap_or_default()
    }

    /// The form of `key` for a count of `n`: `key.one` for one, else `key.other`, else `key`.
    pub fn counted(&self, key: &str, n: u64) -> &'a str {
        let one = if n == 1 { self.find(&format!("{key}.one")) } else { None };
        one.or_else(|| self.find(&format!("{key}.other"))).unwrap_or_else(|| self.get(key))
    }

    /// A label or option in the language's quotation marks.
    pub fn quote(&self, text: &str) -> String {
        fill(self.get("format.quote"), &[("text", text)])
    }

    /// A date `YYYY-MM-DD` as the language writes it (other text as it is).
    pub fn date(&self, text: &str) -> String {
        match Date::parse(text) {
            Some(date) => fill(
                self.get("format.date"),
                &[
                    ("day", &format!("{:02}", date.day)),
                    ("month", &format!("{:02}", date.month)),
                    ("year", &format!("{:04}", date.year)),
                ],
            ),
            None => text.to_string(),
        }
    }

    /// A decimal number `12.5` with the language's decimal separator.
    pub fn number(&self, text: &str) -> String {
        text.replace('.', self.get("format.decimal_separator"))
    }
}

/// Fills the placeholders `{name}` of `template` with `values` in one pass, so a value is
/// never read as a template; `{{` and `}}` are literal braces, and a placeholder without a
/// value stays as it is written.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(idx) = rest.find(['{', '}']) {
        out.push_str(&rest[..idx]);
        let tail = &rest[idx..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            out.push_str(&tail[..1]);
            rest = &tail[2..];
            continue;
        }
        if let (true, Some(end)) = (tail.starts_with('{'), tail.find('}')) {
            let name = &tail[1..end];
            if let Some((_, value)) = values.iter().find(|(key, _)| *key == name) {
                out.push_str(value);
                rest = &tail[end + 1..];
                continue;
            }
        }
        out.push_str(&tail[..1]);
        rest = &tail[1..];
    }
    out.push_str(rest);
    out
}

/// The allowed file types as a citizen names them: `.pdf`, `.jpg`, `image/jpeg` → "PDF,
/// JPEG-Bild" ("PDF, JPEG image"), each name once, in the form's order.
pub fn file_types<S: AsRef<str>>(accept: &[S], catalogue: &Catalogue) -> String {
    let mut names: Vec<String> = Vec::new();
    for entry in accept {
        let name = file_type(entry.as_ref(), catalogue);
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names.join(", ")
}

/// One allowed file type (an extension `.pdf` or a media type `image/png`) by its name.
fn file_type(entry: &str, catalogue: &Catalogue) -> String {
    let lower = entry.trim().to_ascii_lowercase();
    let known = match lower.as_str() {
        ".pdf" | "application/pdf" => Some("pdf"),
        ".jpg" | ".jpeg" | ".jpe" | "image/jpeg" => Some("jpeg"),
        ".png" | "image/png" => Some("png"),
        ".gif" | "image/gif" => Some("gif"),
        ".tif" | ".tiff" | "image/tiff" => Some("tiff"),
        ".webp" | "image/webp" => Some("webp"),
        ".heic" | ".heif" | "image/heic" | "image/heif" => Some("heic"),
        ".svg" | "image/svg+xml" => Some("svg"),
        ".txt" | "text/plain" => Some("txt"),
        ".csv" | "text/csv" => Some("csv"),
        ".xml" | "application/xml" | "text/xml" => Some("xml"),
        ".doc" | ".docx" | "application/msword" => Some("word"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => Some("word"),
        ".odt" | "application/vnd.oasis.opendocument.text" => Some("odt"),
        ".zip" | "application/zip" => Some("zip"),
        "image/*" => Some("any_image"),
        "text/*" => Some("any_text"),
        "audio/*" => Some("any_audio"),
        "video/*" => Some("any_video"),
        _ => None,
    };
    if let Some(name) = known.and_then(|key| catalogue.find(&format!("file_types.{key}"))) {
        return name.to_string();
    }
    match lower.strip_prefix('.') {
        // Another extension: its letters, as people name such files ("XLSX").
        Some(extension) => extension.to_ascii_uppercase(),
        // Another media type: written as it is, in lower case.
        None => lower,
    }
}

/// The file-type keys of a catalogue (`file_types.<key>`).
pub const FILE_TYPE_KEYS: &[&str] = &[
    "pdf",
    "jpeg",
    "png",
    "gif",
    "tiff",
    "webp",
    "heic",
    "svg",
    "txt",
    "csv",
    "xml",
    "word",
    "odt",
    "zip",
    "any_image",
    "any_text",
    "any_audio",
    "any_video",
];

/// The names of expected types in `type` messages (`types.<key>`).
pub const TYPE_KEYS: &[&str] =
    &["text", "whole_number", "yes_or_no", "object", "list", "list_of_codes", "list_of_files"];

/// A size in bytes as a citizen reads it: whole megabytes as `MB`, else kilobytes.
pub fn size(bytes: u64) -> String {
    // A `match` rather than `is_multiple_of`: the generated crate supports Rust 1.85.
    let (value, unit) = match bytes % (1024 * 1024) {
        0 => (bytes / (1024 * 1024), "MB"),
        _ => (bytes / 1024, "KB"),
    };
    format!("{value} {unit}")
}
