//! The reference validator: interprets the IR against a JSON submission. It *defines* what a
//! form means; every generated validator (JSON Schema, Rust) must agree with it.
//!
//! A report lists every violation in document order, each with the JSON pointer of the
//! offending value, a stable code and the message in each of the form's languages. The
//! rules of the data model are in the `ir` module docs; the ones decided here:
//!
//! - A value that is hidden by its condition must be absent (`hidden`); nothing inside a
//!   hidden or absent group is checked.
//! - A required field, group or repeat that is visible and absent is `required`; a repeat
//!   with fewer items than its minimum is `min_items`, with more than its maximum `max_items`.
//! - Strings must not be empty (`empty`): absent is the only way to say "no value".
//! - Types are checked before formats, formats before bounds; a value gets at most one
//!   violation of its own (the first that applies), rules come after the object's fields.
//! - `today` is an input, so results are reproducible.
//!
//! Recursion follows the *form* (whose depth the checker bounds), never the submission.

mod eval;

pub use crate::runtime::{formats, messages};

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::{Map, Value};

pub use eval::{is_given, V};

pub use crate::runtime::messages::Kind;

use crate::ir::{self, Bound, Field, FieldType, Form, Item, Requirement};
use crate::value::{Date, Decimal, DurationUnit};

/// What the caller supplies besides the submission.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// The current date in Europe/Berlin.
    pub today: Date,
}

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

/// Every violation of one submission, in document order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    pub violations: Vec<Violation>,
}

impl Report {
    pub fn is_valid(&self) -> bool {
        self.violations.is_empty()
    }
}

/// Validates `submission` against `form` (compiles the form's patterns each time; use
/// [`Compiled`] to validate many submissions).
pub fn validate(form: &Form, submission: &Value, options: &Options) -> Report {
    Compiled::new(form).validate(submission, options)
}

/// A form prepared for validation: code sets, compiled patterns, repeat paths, rules by scope.
pub struct Compiled<'f> {
    form: &'f Form,
    codes: BTreeMap<String, BTreeSet<String>>,
    regexes: BTreeMap<String, regex::Regex>,
    repeats: BTreeSet<Vec<String>>,
    rules_by_scope: BTreeMap<&'f [String], Vec<&'f ir::Rule>>,
}

impl<'f> Compiled<'f> {
    pub fn new(form: &'f Form) -> Compiled<'f> {
        let codes = form
            .codelists
            .iter()
            .map(|(name, list)| (name.clone(), list.codes.iter().map(|c| c.code.clone()).collect()))
            .collect();
        let mut regexes = BTreeMap::new();
        for_each_field(form, &mut |field| {
            if let Some(pattern) = &field.constraints.pattern {
                // The checker admits only patterns that compile; a failure here would be a bug
                // in the portable subset, and the pattern then matches nothing.
                let regex = regex::Regex::new(&format!("^(?:{})$", pattern.regex))
                    .unwrap_or_else(|_| regex::Regex::new("[^\\s\\S]").expect("a valid regex"));
                regexes.insert(pattern.regex.clone(), regex);
            }
        });
        let mut rules_by_scope: BTreeMap<&[String], Vec<&ir::Rule>> = BTreeMap::new();
        for rule in &form.rules {
            rules_by_scope.entry(rule.scope.as_slice()).or_default().push(rule);
        }
        Compiled { form, codes, regexes, repeats: repeat_paths(form), rules_by_scope }
    }

    pub fn form(&self) -> &'f Form {
        self.form
    }

    pub fn validate(&self, submission: &Value, options: &Options) -> Report {
        let mut validator = Validator {
            compiled: self,
            env: eval::Env { root: submission, today: options.today, repeats: &self.repeats, indices: Vec::new() },
            violations: Vec::new(),
        };
        match submission.as_object() {
            Some(object) => {
                let items: Vec<&Item> = self.form.items().collect();
                validator.object(&items, object, &mut Vec::new(), "");
            }
            None => validator.push("", Kind::Type("object"), &self.form.title),
        }
        Report { violations: validator.violations }
    }

    /// Evaluates an expression of the form over a submission (no repeat item in context).
    pub fn eval(&self, expr: &ir::Expr, submission: &Value, options: &Options, indices: &[(Vec<String>, usize)]) -> V {
        let mut env =
            eval::Env { root: submission, today: options.today, repeats: &self.repeats, indices: indices.to_vec() };
        eval::eval(expr, &mut env)
    }

    pub fn repeats(&self) -> &BTreeSet<Vec<String>> {
        &self.repeats
    }

    fn has_code(&self, field: &Field, code: &str) -> bool {
        match &field.ty {
            FieldType::Choice { codelist } | FieldType::MultipleChoice { codelist } => {
                self.codes.get(codelist).is_some_and(|set| set.contains(code))
            }
            _ => false,
        }
    }

    fn matches(&self, pattern: &str, text: &str) -> bool {
        self.regexes.get(pattern).is_some_and(|regex| regex.is_match(text))
    }
}

/// Calls `f` for every field of the form, at any depth.
pub fn for_each_field<'f>(form: &'f Form, f: &mut dyn FnMut(&'f Field)) {
    fn walk<'f>(items: &'f [Item], f: &mut dyn FnMut(&'f Field)) {
        for item in items {
            match item {
                Item::Field(field) => f(field),
                Item::Group(group) => walk(&group.items, f),
                Item::Repeat(repeat) => walk(&repeat.items, f),
                Item::Info(_) => {}
            }
        }
    }
    for page in &form.pages {
        walk(&page.items, f);
    }
}

/// The paths of every repeat of the form.
pub fn repeat_paths(form: &Form) -> BTreeSet<Vec<String>> {
    fn walk(items: &[Item], path: &mut Vec<String>, out: &mut BTreeSet<Vec<String>>) {
        for item in items {
            path.push(item.name().to_string());
            if let Item::Repeat(_) = item {
                out.insert(path.clone());
            }
            walk(item.children(), path, out);
            path.pop();
        }
    }
    let mut out = BTreeSet::new();
    let root: Vec<Item> = form.items().cloned().collect();
    walk(&root, &mut Vec::new(), &mut out);
    out
}

/// Escapes a key for a JSON pointer (RFC 6901).
pub fn pointer_segment(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

struct Validator<'a> {
    compiled: &'a Compiled<'a>,
    env: eval::Env<'a>,
    violations: Vec<Violation>,
}

impl<'a> Validator<'a> {
    fn push(&mut self, pointer: &str, kind: Kind, label: &ir::Text) {
        let messages = self
            .compiled
            .form
            .languages
            .iter()
            .map(|lang| {
                let label = label.get(lang).or_else(|| label.values().next()).map_or("", String::as_str);
                (lang.clone(), kind.message(lang, label))
            })
            .collect();
        self.violations.push(Violation { pointer: pointer.to_string(), code: kind.code(), messages });
    }

    fn holds(&mut self, condition: Option<&ir::Expr>) -> bool {
        match condition {
            None => true,
            Some(expr) => eval::eval(expr, &mut self.env).is_true(),
        }
    }

    fn required(&mut self, requirement: &Requirement) -> bool {
        match requirement {
            Requirement::Always => true,
            Requirement::Never => false,
            Requirement::When(condition) => eval::eval(condition, &mut self.env).is_true(),
        }
    }

    /// Checks the members `items` of the object at `path` (pointer `pointer`).
    fn object(&mut self, items: &[&'a Item], object: &'a Map<String, Value>, path: &mut Vec<String>, pointer: &str) {
        let known: BTreeSet<&str> = items.iter().filter(|i| !matches!(i, Item::Info(_))).map(|i| i.name()).collect();
        for key in object.keys() {
            if !known.contains(key.as_str()) {
                let label = ir::Text::from([(String::new(), key.clone())]);
                self.push(&format!("{pointer}/{}", pointer_segment(key)), Kind::UnknownProperty, &label);
            }
        }
        for item in items {
            let (name, visible) = match item {
                Item::Info(_) => continue,
                Item::Field(f) => (&f.name, f.visible.as_ref()),
                Item::Group(g) => (&g.name, g.visible.as_ref()),
                Item::Repeat(r) => (&r.name, r.visible.as_ref()),
            };
            let child_pointer = format!("{pointer}/{}", pointer_segment(name));
            let value = object.get(name.as_str());
            path.push(name.clone());
            let shown = self.holds(visible);
            match (item, value) {
                (_, Some(_)) if !shown => self.push(&child_pointer, Kind::Hidden, label_of(item)),
                (_, None) if !shown => {}
                (Item::Field(field), None) => {
                    if self.required(&field.required) {
                        self.push(&child_pointer, Kind::Required, &field.label);
                    }
                }
                (Item::Field(field), Some(value)) => self.field(field, value, &child_pointer),
                (Item::Group(group), None) => {
                    if self.required(&group.required) {
                        self.push(&child_pointer, Kind::Required, &group.label);
                    }
                }
                (Item::Group(group), Some(value)) => match value.as_object() {
                    Some(inner) => {
                        let children: Vec<&Item> = group.items.iter().collect();
                        self.object(&children, inner, path, &child_pointer);
                    }
                    None => self.push(&child_pointer, Kind::Type("object"), &group.label),
                },
                (Item::Repeat(repeat), None) => {
                    if repeat.min > 0 {
                        self.push(&child_pointer, Kind::Required, &repeat.label);
                    }
                }
                (Item::Repeat(repeat), Some(value)) => self.repeat(repeat, value, path, &child_pointer),
                (Item::Info(_), _) => {}
            }
            path.pop();
        }
        self.rules(path);
    }

    fn repeat(&mut self, repeat: &'a ir::Repeat, value: &'a Value, path: &mut Vec<String>, pointer: &str) {
        let Some(entries) = value.as_array() else {
            self.push(pointer, Kind::Type("list"), &repeat.label);
            return;
        };
        if entries.len() < repeat.min as usize {
            self.push(pointer, Kind::MinItems(repeat.min), &repeat.label);
        } else if let Some(max) = repeat.max.filter(|max| entries.len() > *max as usize) {
            self.push(pointer, Kind::MaxItems(max), &repeat.label);
        }
        let children: Vec<&Item> = repeat.items.iter().collect();
        for (index, entry) in entries.iter().enumerate() {
            let entry_pointer = format!("{pointer}/{index}");
            self.env.indices.push((path.clone(), index));
            match entry.as_object() {
                Some(object) => self.object(&children, object, path, &entry_pointer),
                None => self.push(&entry_pointer, Kind::Type("object"), &repeat.item_label),
            }
            self.env.indices.pop();
        }
    }

    /// Evaluates the rules declared for the object at `path` (once per repeat item).
    fn rules(&mut self, path: &[String]) {
        let Some(rules) = self.compiled.rules_by_scope.get(path).cloned() else { return };
        for rule in rules {
            if eval::eval(&rule.check, &mut self.env).is_false() {
                let pointer = self.pointer_of(&rule.at);
                self.push(&pointer, Kind::Rule(rule.name.clone(), rule.message.clone()), &rule.message);
            }
        }
    }

    /// The JSON pointer of an IR path, with the current item of each repeat on it.
    fn pointer_of(&self, path: &[String]) -> String {
        let mut pointer = String::new();
        for depth in 0..path.len() {
            pointer.push('/');
            pointer.push_str(&pointer_segment(&path[depth]));
            let prefix = &path[..=depth];
            if depth + 1 < path.len() && self.env.repeats.contains(prefix) {
                if let Some(index) = self.env.index_of(prefix) {
                    pointer.push_str(&format!("/{index}"));
                }
            }
        }
        pointer
    }

    fn field(&mut self, field: &Field, value: &Value, pointer: &str) {
        if field.ty == FieldType::File {
            return self.file(field, value, pointer);
        }
        if let Some(kind) = field_violation(self.compiled, field, value, self.env.today) {
            self.push(pointer, kind, &field.label);
        }
    }

    /// A file reference is checked member by member, so that each problem has the pointer
    /// of the offending value (`/nachweis/size` for a file that is too large).
    fn file(&mut self, field: &Field, value: &Value, pointer: &str) {
        let Some(object) = value.as_object() else {
            return self.push(pointer, Kind::FileInvalid, &field.label);
        };
        let mut malformed = false;
        for key in object.keys().filter(|k| !["name", "media_type", "size"].contains(&k.as_str())) {
            self.push(&format!("{pointer}/{}", pointer_segment(key)), Kind::UnknownProperty, &field.label);
            malformed = true;
        }
        let valid = [
            ("name", object.get("name").and_then(Value::as_str).is_some_and(|n| !n.is_empty())),
            ("media_type", object.get("media_type").and_then(Value::as_str).is_some_and(|m| m.contains('/'))),
            ("size", object.get("size").and_then(eval::number).is_some_and(|n| n.is_integer() && !n.is_negative())),
        ];
        for (member, ok) in valid {
            if !ok {
                self.push(&format!("{pointer}/{member}"), Kind::FileInvalid, &field.label);
                malformed = true;
            }
        }
        if malformed {
            return;
        }
        let Some(file) = formats::file_ref(value) else { return };
        let c = &field.constraints;
        if !c.accept.is_empty() && !formats::file_accepted(&file, &c.accept) {
            self.push(pointer, Kind::FileType(c.accept.clone()), &field.label);
        }
        if let Some(max) = c.max_size.filter(|max| file.size > *max) {
            self.push(&format!("{pointer}/size"), Kind::FileSize(max), &field.label);
        }
    }
}

fn label_of(item: &Item) -> &ir::Text {
    match item {
        Item::Field(f) => &f.label,
        Item::Group(g) => &g.label,
        Item::Repeat(r) => &r.label,
        Item::Info(i) => &i.text,
    }
}

fn field_violation(compiled: &Compiled, field: &Field, value: &Value, today: Date) -> Option<Kind> {
    let constraints = &field.constraints;
    match &field.ty {
        FieldType::Text
        | FieldType::Multiline
        | FieldType::Email
        | FieldType::Phone
        | FieldType::Iban
        | FieldType::Postcode => {
            let Some(text) = value.as_str() else { return Some(Kind::Type("text")) };
            if text.is_empty() {
                return Some(Kind::Empty);
            }
            if field.ty != FieldType::Multiline && text.contains(['\n', '\r']) {
                return Some(Kind::LineBreak);
            }
            let format_ok = match field.ty {
                FieldType::Email => formats::is_email(text),
                FieldType::Phone => formats::is_phone(text),
                FieldType::Iban => formats::is_iban(text),
                FieldType::Postcode => formats::is_postcode(text),
                _ => true,
            };
            if !format_ok {
                return Some(match field.ty {
                    FieldType::Email => Kind::EmailInvalid,
                    FieldType::Phone => Kind::PhoneInvalid,
                    FieldType::Iban => Kind::IbanInvalid,
                    _ => Kind::PostcodeInvalid,
                });
            }
            let length = text.chars().count() as u64;
            if let Some(min) = constraints.min_length.filter(|min| length < *min) {
                return Some(Kind::MinLength(min));
            }
            if let Some(max) = constraints.max_length.filter(|max| length > *max) {
                return Some(Kind::MaxLength(max));
            }
            if let Some(pattern) = &constraints.pattern {
                if !compiled.matches(&pattern.regex, text) {
                    return Some(Kind::Pattern(pattern.message.clone()));
                }
            }
            None
        }
        FieldType::Integer => {
            let n = eval::number(value).filter(Decimal::is_integer);
            let Some(n) = n else { return Some(Kind::Type("whole number")) };
            bounds(&n, constraints)
        }
        FieldType::Decimal | FieldType::Money => {
            let Some(text) = value.as_str() else { return Some(Kind::Type("text")) };
            if text.is_empty() {
                return Some(Kind::Empty);
            }
            let Some(n) = formats::decimal(text) else { return Some(Kind::DecimalInvalid) };
            let places = if field.ty == FieldType::Money { Some(2) } else { constraints.decimals };
            if let Some(places) = places.filter(|p| n.scale() > *p) {
                return Some(Kind::Decimals(places));
            }
            bounds(&n, constraints)
        }
        FieldType::Boolean => value.as_bool().is_none().then_some(Kind::Type("yes or no")),
        FieldType::Date => {
            let Some(text) = value.as_str() else { return Some(Kind::Type("text")) };
            if text.is_empty() {
                return Some(Kind::Empty);
            }
            let Some(date) = Date::parse(text) else { return Some(Kind::DateInvalid) };
            date_bounds(date, constraints, today)
        }
        FieldType::Choice { .. } => {
            let Some(code) = value.as_str() else { return Some(Kind::Type("text")) };
            if code.is_empty() {
                return Some(Kind::Empty);
            }
            (!compiled.has_code(field, code)).then_some(Kind::CodeInvalid)
        }
        FieldType::MultipleChoice { .. } => {
            let Some(entries) = value.as_array() else { return Some(Kind::Type("list of codes")) };
            if entries.is_empty() {
                return Some(Kind::Empty);
            }
            let mut seen = BTreeSet::new();
            for entry in entries {
                let Some(code) = entry.as_str() else { return Some(Kind::Type("list of codes")) };
                if !compiled.has_code(field, code) {
                    return Some(Kind::CodeInvalid);
                }
                if !seen.insert(code) {
                    return Some(Kind::CodesDuplicate);
                }
            }
            None
        }
        // Checked member by member in `Validator::file`.
        FieldType::File => None,
    }
}

fn bounds(n: &Decimal, constraints: &ir::Constraints) -> Option<Kind> {
    if let Some(Bound::Number { value }) = &constraints.min {
        if Decimal::parse(value).is_some_and(|min| *n < min) {
            return Some(Kind::Minimum(value.clone()));
        }
    }
    if let Some(Bound::Number { value }) = &constraints.max {
        if Decimal::parse(value).is_some_and(|max| *n > max) {
            return Some(Kind::Maximum(value.clone()));
        }
    }
    None
}

/// The date a date bound stands for on `today`.
pub fn resolve_date_bound(bound: &Bound, today: Date) -> Option<Date> {
    match bound {
        Bound::Date { value } => Date::parse(value),
        Bound::Today { amount, unit } => {
            let unit = match unit {
                ir::DateUnit::Days => DurationUnit::Days,
                ir::DateUnit::Months => DurationUnit::Months,
                ir::DateUnit::Years => DurationUnit::Years,
            };
            today.shift(*amount, unit)
        }
        Bound::Number { .. } => None,
    }
}

fn date_bounds(date: Date, constraints: &ir::Constraints, today: Date) -> Option<Kind> {
    if let Some(min) = constraints.min.as_ref().and_then(|b| resolve_date_bound(b, today)) {
        if date < min {
            return Some(Kind::Minimum(min.to_string()));
        }
    }
    if let Some(max) = constraints.max.as_ref().and_then(|b| resolve_date_bound(b, today)) {
        if date > max {
            return Some(Kind::Maximum(max.to_string()));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::formats::patterns;

    #[test]
    fn format_patterns_are_valid_rust_regexes() {
        let anchored = |p: &str| regex_syntax::Parser::new().parse(&format!("^(?:{p})$")).is_ok();
        let all = [
            patterns::DECIMAL,
            patterns::MONEY,
            patterns::DATE,
            patterns::EMAIL,
            patterns::PHONE,
            patterns::IBAN,
            patterns::POSTCODE,
        ];
        for pattern in all {
            assert!(anchored(pattern), "{pattern}");
        }
    }
}
