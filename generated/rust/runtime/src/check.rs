//! The checks of one field's value, in their fixed order (type → code points → format →
//! length → pattern/bounds; one violation per value), and the report they go into.

use std::collections::BTreeMap;

use serde::Serialize;

use super::date::{Date, DurationUnit};
use super::decimal::Decimal;
use super::formats;
use super::json::{pointer_segment, Leaf};
use super::logic::{self, whole_number};
use super::messages::{Catalogue, Kind, Text};

/// A text in several languages as `(language, text)` pairs, sorted by language.
pub type Label<'a> = &'a [(&'a str, &'a str)];

/// One problem with a submission.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// JSON pointer of the offending value (RFC 6901), `""` for the whole submission.
    pub pointer: String,
    /// Stable code: `required`, `max_length`, `rule:<name>`, …
    pub code: String,
    /// The message in each of the form's languages.
    pub messages: BTreeMap<String, String>,
}

/// Every violation of one submission, in document order, and apart from them the warnings:
/// failing rules of `severity warning`, hints the citizen may confirm (same fields, code
/// `rule:<name>`), which never make a submission invalid.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    pub violations: Vec<Violation>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Violation>,
}

impl Report {
    /// Whether the submission is valid: warnings do not count.
    pub fn is_valid(&self) -> bool {
        self.violations.is_empty()
    }
}

/// What kind of value a field holds, with its code list.
#[derive(Clone, Copy)]
pub enum FieldKind<'a> {
    Text,
    Multiline,
    Email,
    Phone,
    Iban,
    Postcode,
    Integer,
    Decimal,
    Money,
    Boolean,
    Date,
    /// One code; the function says whether a string is a code of the list.
    Choice(&'a dyn Fn(&str) -> bool),
    MultipleChoice(&'a dyn Fn(&str) -> bool),
    File,
    /// Several file references (an array), each checked as a `File`.
    Files,
}

/// A bound as the form states it; parsed when checked, exactly as written.
#[derive(Clone, Copy)]
pub enum Bound<'a> {
    Number(&'a str),
    /// A number bound parsed ahead of time, with its text as the form writes it.
    Exact(Decimal, &'a str),
    Date(&'a str),
    /// `today` shifted by an amount.
    Today(i64, DurationUnit),
}

impl Bound<'_> {
    /// The date a date bound stands for on `today`.
    pub fn date(&self, today: Date) -> Option<Date> {
        match self {
            Bound::Date(text) => Date::parse(text),
            Bound::Today(amount, unit) => today.shift(*amount, *unit),
            Bound::Number(_) | Bound::Exact(..) => None,
        }
    }
}

/// Everything the checks of one field need.
#[derive(Clone, Copy)]
pub struct Spec<'a> {
    pub kind: FieldKind<'a>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    /// Whether a text matches the field's pattern (anchored to the whole value).
    pub pattern: Option<&'a dyn Fn(&str) -> bool>,
    /// The form's message for a pattern mismatch (empty: the built-in one).
    pub pattern_message: Label<'a>,
    pub decimals: Option<u32>,
    pub min: Option<Bound<'a>>,
    pub max: Option<Bound<'a>>,
    /// File types (`.pdf`, `image/*`); empty: any.
    pub accept: &'a [&'a str],
    pub max_size: Option<u64>,
    /// Several files: the fewest (absent: one), the most, and the most bytes together.
    pub min_count: Option<u32>,
    pub max_count: Option<u32>,
    pub max_total: Option<u64>,
    /// A boolean that must be `true` (a declaration to confirm).
    pub must_be_true: bool,
    /// The form's message for a declaration that is not confirmed (empty: the built-in one).
    pub required_message: Label<'a>,
    /// The unit of a number (`m²`) by language, quoted with a bound; empty: none.
    pub unit: Label<'a>,
    /// Codes of a multiple choice that exclude every other, with their labels.
    pub exclusive: &'a [(&'a str, Label<'a>)],
}

impl Spec<'_> {
    /// A spec of `kind` without constraints.
    pub const fn of(kind: FieldKind) -> Spec {
        Spec {
            kind,
            min_length: None,
            max_length: None,
            pattern: None,
            pattern_message: &[],
            decimals: None,
            min: None,
            max: None,
            accept: &[],
            max_size: None,
            min_count: None,
            max_count: None,
            max_total: None,
            must_be_true: false,
            required_message: &[],
            unit: &[],
            exclusive: &[],
        }
    }
}

/// Collects violations with their messages in each of the form's languages.
pub struct Sink<'a> {
    /// The texts of each of the form's languages, the primary one first.
    pub catalogues: &'a [Catalogue<'a>],
    pub today: Date,
    pub violations: Vec<Violation>,
    /// Failing rules of `severity warning`: never violations.
    pub warnings: Vec<Violation>,
}

impl<'a> Sink<'a> {
    pub fn new(catalogues: &'a [Catalogue<'a>], today: Date) -> Sink<'a> {
        Sink { catalogues, today, violations: Vec::new(), warnings: Vec::new() }
    }

    pub fn report(self) -> Report {
        Report { violations: self.violations, warnings: self.warnings }
    }

    /// Adds a violation of `kind` at `pointer`; `label` names the value in the messages.
    pub fn push(&mut self, pointer: &str, kind: Kind, label: Label) {
        let violation = self.make(pointer, kind, label);
        self.violations.push(violation);
    }

    /// Adds a warning (a failing rule of `severity warning`) at `pointer`.
    pub fn warn(&mut self, pointer: &str, kind: Kind, label: Label) {
        let warning = self.make(pointer, kind, label);
        self.warnings.push(warning);
    }

    fn make(&self, pointer: &str, kind: Kind, label: Label) -> Violation {
        let messages = self
            .catalogues
            .iter()
            .map(|catalogue| {
                let lang = catalogue.lang;
                let label = label.iter().find(|(l, _)| *l == lang).or(label.first()).map_or("", |(_, text)| text);
                (lang.to_string(), kind.message(catalogue, label))
            })
            .collect();
        Violation { pointer: pointer.to_string(), code: kind.code(), messages }
    }

    /// A member `key` of the object at `pointer` that the form does not have.
    pub fn unknown(&mut self, pointer: &str, key: &str) {
        let member = format!("{pointer}/{}", pointer_segment(key));
        self.push(&member, Kind::UnknownProperty, &[("", key)]);
    }

    /// Checks a field's value.
    pub fn field(&mut self, pointer: &str, value: &Leaf, spec: &Spec, label: Label) {
        match spec.kind {
            FieldKind::File => return self.file(pointer, value, spec, label),
            FieldKind::Files => return self.files(pointer, value, spec, label),
            _ => {}
        }
        if let Some(kind) = field_violation(value, spec, self.today) {
            self.push(pointer, kind, label);
        }
    }

    /// Several files: the list as a whole (not a list, empty, too few or too many files),
    /// then each of the first `max_count` files as a file (`/belege/1/size`), then the sum of
    /// the sizes of those files that are well-formed references. Files past the maximum are
    /// not checked, so the work is bounded by the form.
    fn files(&mut self, pointer: &str, value: &Leaf, spec: &Spec, label: Label) {
        let Leaf::Array(entries) = value else {
            return self.push(pointer, Kind::Type("list of files"), label);
        };
        if entries.is_empty() {
            return self.push(pointer, Kind::Empty, label);
        }
        let max = spec.max_count.map_or(usize::MAX, |max| max as usize);
        if let Some(min) = spec.min_count.filter(|min| entries.len() < *min as usize) {
            self.push(pointer, Kind::MinFiles(min), label);
        } else if entries.len() > max {
            self.push(pointer, Kind::MaxFiles(max as u32), label);
        }
        let mut total = 0u64;
        for (index, entry) in entries.iter().take(max).enumerate() {
            self.file(&format!("{pointer}/{index}"), entry, spec, label);
            total = total.saturating_add(file_ref(entry).map_or(0, |file| file.size));
        }
        if let Some(max_total) = spec.max_total.filter(|max_total| total > *max_total) {
            self.push(pointer, Kind::TotalSize(max_total), label);
        }
    }

    /// A file reference is checked member by member, so that each problem has the pointer
    /// of the offending value (`/nachweis/size` for a file that is too large). Of its unknown
    /// members only the first is reported.
    fn file(&mut self, pointer: &str, value: &Leaf, spec: &Spec, label: Label) {
        let Leaf::Object(members) = value else {
            return self.push(pointer, Kind::FileInvalid, label);
        };
        let unknown = members.iter().find(|(k, _)| !["name", "media_type", "size"].contains(&k.as_ref()));
        if let Some((key, _)) = unknown {
            self.push(&format!("{pointer}/{}", pointer_segment(key)), Kind::UnknownProperty, label);
        }
        let Some(file) = file_ref(value) else {
            let valid = [
                ("name", value.get("name").and_then(Leaf::as_str).is_some_and(file_name)),
                ("media_type", value.get("media_type").and_then(Leaf::as_str).is_some_and(media_type)),
                ("size", value.get("size").and_then(Leaf::as_number).is_some_and(|n| file_size(n).is_some())),
            ];
            for (member, _) in valid.iter().filter(|(_, ok)| !ok) {
                self.push(&format!("{pointer}/{member}"), Kind::FileInvalid, label);
            }
            return;
        };
        if unknown.is_some() {
            return;
        }
        if !spec.accept.is_empty() && !formats::file_accepted(&file, spec.accept) {
            self.push(pointer, Kind::FileType(spec.accept.iter().map(|a| a.to_string()).collect()), label);
        }
        if let Some(max) = spec.max_size.filter(|max| file.size > *max) {
            self.push(&format!("{pointer}/size"), Kind::FileSize(max), label);
        }
    }
}

/// A file reference's members, if they are well-formed (other members are not looked at).
pub fn file_ref<'v>(value: &'v Leaf) -> Option<formats::FileRef<'v>> {
    let name = value.get("name")?.as_str().filter(|n| file_name(n))?;
    let media_type = value.get("media_type")?.as_str().filter(|m| media_type(m))?;
    let size = file_size(value.get("size")?.as_number()?)?;
    Some(formats::FileRef { name, media_type, size })
}

/// A file name: single-line text, not empty.
fn file_name(name: &str) -> bool {
    !name.is_empty() && formats::invalid_char(name, false).is_none()
}

/// A media type: single-line text with a `/`.
fn media_type(media_type: &str) -> bool {
    media_type.contains('/') && formats::invalid_char(media_type, false).is_none()
}

/// A file size: a non-negative whole number of bytes (`3` and `3.0` alike).
fn file_size(number: &serde_json::Number) -> Option<u64> {
    whole_number(number).and_then(|n| u64::try_from(n).ok())
}

/// The first violation of a (non-file) field's value, if any.
pub fn field_violation(value: &Leaf, spec: &Spec, today: Date) -> Option<Kind> {
    let text_kind = matches!(
        spec.kind,
        FieldKind::Text
            | FieldKind::Multiline
            | FieldKind::Email
            | FieldKind::Phone
            | FieldKind::Iban
            | FieldKind::Postcode
    );
    if text_kind {
        return text_violation(value, spec);
    }
    match spec.kind {
        FieldKind::Integer => {
            let n = value.as_number().and_then(logic::number).filter(Decimal::is_integer);
            let Some(n) = n else { return Some(Kind::Type("whole number")) };
            // Whole numbers are 64-bit: an implicit bound after the form's own.
            bounds(&n, spec).or_else(|| match () {
                _ if n < Decimal::from_i64(i64::MIN) => Some(Kind::Minimum(i64::MIN.to_string(), unit(spec))),
                _ if n > Decimal::from_i64(i64::MAX) => Some(Kind::Maximum(i64::MAX.to_string(), unit(spec))),
                _ => None,
            })
        }
        FieldKind::Decimal | FieldKind::Money => {
            let text = match non_empty(value) {
                Ok(text) => text,
                Err(kind) => return Some(kind),
            };
            let Some(n) = formats::decimal(text) else { return Some(Kind::DecimalInvalid) };
            let money = matches!(spec.kind, FieldKind::Money);
            // Money has cents, unless the form asks for whole euros (`decimals 0`).
            let places = if money { Some(spec.decimals.unwrap_or(2)) } else { spec.decimals };
            if let Some(places) = places.filter(|p| n.scale() > *p) {
                return Some(if money && places == 0 { Kind::Cents } else { Kind::Decimals(places) });
            }
            bounds(&n, spec)
        }
        FieldKind::Boolean => match value {
            Leaf::Bool(false) if spec.must_be_true => Some(Kind::NotConfirmed(text(spec.required_message))),
            Leaf::Bool(_) => None,
            _ => Some(Kind::Type("yes or no")),
        },
        FieldKind::Date => {
            let text = match non_empty(value) {
                Ok(text) => text,
                Err(kind) => return Some(kind),
            };
            let Some(date) = Date::parse(text) else { return Some(Kind::DateInvalid) };
            date_bounds(date, spec, today)
        }
        FieldKind::Choice(is_code) => {
            let code = match non_empty(value) {
                Ok(code) => code,
                Err(kind) => return Some(kind),
            };
            (!is_code(code)).then_some(Kind::CodeInvalid)
        }
        FieldKind::MultipleChoice(is_code) => {
            let Leaf::Array(entries) = value else { return Some(Kind::Type("list of codes")) };
            if entries.is_empty() {
                return Some(Kind::Empty);
            }
            for (index, entry) in entries.iter().enumerate() {
                let Some(code) = entry.as_str() else { return Some(Kind::Type("list of codes")) };
                if !is_code(code) {
                    return Some(Kind::CodeInvalid);
                }
                if entries[..index].iter().any(|e| e.as_str() == Some(code)) {
                    return Some(Kind::CodesDuplicate);
                }
            }
            if entries.len() < 2 {
                return None;
            }
            // The first exclusive code of the form's order that was chosen with others.
            spec.exclusive.iter().find(|(code, _)| entries.iter().any(|e| e.as_str() == Some(*code))).map(
                |(_, label)| {
                    Kind::Exclusive(label.iter().map(|(lang, text)| (lang.to_string(), text.to_string())).collect())
                },
            )
        }
        _ => None,
    }
}

/// A string value that is not empty, or the violation it is.
fn non_empty<'v>(value: &'v Leaf) -> Result<&'v str, Kind> {
    match value.as_str() {
        None => Err(Kind::Type("text")),
        Some("") => Err(Kind::Empty),
        Some(text) => Ok(text),
    }
}

fn text_violation(value: &Leaf, spec: &Spec) -> Option<Kind> {
    let text = match non_empty(value) {
        Ok(text) => text,
        Err(kind) => return Some(kind),
    };
    let multiline = matches!(spec.kind, FieldKind::Multiline);
    // Most texts are printable ASCII: no line break, nothing forbidden, a byte per character.
    let ascii = formats::printable_ascii(text);
    if !ascii && !multiline && text.contains(['\n', '\r']) {
        return Some(Kind::LineBreak);
    }
    if let Some(c) = (!ascii).then(|| formats::invalid_char_beyond_ascii(text, multiline)).flatten() {
        return Some(Kind::TextInvalidCharacter(c));
    }
    let format = match spec.kind {
        FieldKind::Email => Some((formats::is_email(text), Kind::EmailInvalid)),
        FieldKind::Phone => Some((formats::is_phone(text), Kind::PhoneInvalid)),
        FieldKind::Iban => Some((formats::is_iban(text), Kind::IbanInvalid)),
        FieldKind::Postcode => Some((formats::is_postcode(text), Kind::PostcodeInvalid)),
        _ => None,
    };
    if let Some((false, kind)) = format {
        return Some(kind);
    }
    if spec.min_length.is_some() || spec.max_length.is_some() {
        let length = if ascii { text.len() } else { text.chars().count() } as u64;
        if let Some(min) = spec.min_length.filter(|min| length < *min) {
            return Some(Kind::MinLength(min));
        }
        if let Some(max) = spec.max_length.filter(|max| length > *max) {
            return Some(Kind::MaxLength(max));
        }
    }
    match spec.pattern {
        Some(matches) if !matches(text) => {
            // The form's own message, if it has one; otherwise the built-in one.
            let message = (!spec.pattern_message.is_empty())
                .then(|| spec.pattern_message.iter().map(|(l, t)| (l.to_string(), t.to_string())).collect());
            Some(Kind::Pattern(message))
        }
        _ => None,
    }
}

/// A number bound's value and text.
fn number_bound<'a>(bound: Option<Bound<'a>>) -> Option<(Decimal, &'a str)> {
    match bound? {
        Bound::Number(text) => Some((Decimal::parse(text)?, text)),
        Bound::Exact(value, text) => Some((value, text)),
        _ => None,
    }
}

fn bounds(n: &Decimal, spec: &Spec) -> Option<Kind> {
    if let Some((_, text)) = number_bound(spec.min).filter(|(min, _)| n < min) {
        return Some(Kind::Minimum(text.to_string(), unit(spec)));
    }
    if let Some((_, text)) = number_bound(spec.max).filter(|(max, _)| n > max) {
        return Some(Kind::Maximum(text.to_string(), unit(spec)));
    }
    None
}

/// The field's unit by language, for a message that quotes a bound.
fn unit(spec: &Spec) -> Text {
    spec.unit.iter().map(|(lang, unit)| (lang.to_string(), unit.to_string())).collect()
}

fn date_bounds(date: Date, spec: &Spec, today: Date) -> Option<Kind> {
    if let Some(min) = spec.min.and_then(|b| b.date(today)) {
        if date < min {
            return Some(Kind::Minimum(min.to_string(), Text::new()));
        }
    }
    if let Some(max) = spec.max.and_then(|b| b.date(today)) {
        if date > max {
            return Some(Kind::Maximum(max.to_string(), Text::new()));
        }
    }
    None
}

/// A form's own text (empty: none), as a message's text.
pub fn text(label: Label) -> Option<Text> {
    (!label.is_empty()).then(|| label.iter().map(|(lang, text)| (lang.to_string(), text.to_string())).collect())
}

/// `within`: whether a valid code whose parent is `parent_of_code` is outside the answer that
/// filters its list, `answer` (a valid code of the parent list; `None` while that answer is
/// absent or invalid, when any code is accepted).
pub fn not_within(parent_of_code: Option<&str>, answer: Option<&str>) -> bool {
    matches!(answer, Some(answer) if parent_of_code != Some(answer))
}
