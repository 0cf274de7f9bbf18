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
//!   Items past the maximum are not part of the submission's meaning: they are not checked,
//!   and expressions (`count`, `sum`, `any`, …) see only the first `max` items.
//! - Of an object's members that the form does not have, the first (in document order) is
//!   `unknown_property`; the others are not reported. So the number of violations is bounded
//!   by the form (for repeats with a maximum), not by the input.
//! - Strings must not be empty (`empty`): absent is the only way to say "no value".
//! - Types are checked before formats, formats before bounds; a value gets at most one
//!   violation of its own (the first that applies), rules come after the object's fields.
//! - A failing rule of `severity warning` is a warning (`Report::warnings`, code
//!   `rule:<name>`), never a violation: the submission stays valid.
//! - A shown computed field (`value <expr>`) holds exactly its computed value while that is
//!   known and is absent while it is unknown (`computed`); it is never `required`.
//! - `today` is an input, so results are reproducible.
//!
//! Recursion follows the *form* (whose depth the checker bounds), never the submission.
//! [`read`] reads a submission from bytes as the generated `from_json` does, with the same
//! runtime readers: at any depth, keeping only what the form looks at.

mod compute;
mod eval;
mod read;

pub use crate::runtime::{formats, messages};

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

pub use compute::{filled, json_of};
pub use eval::{is_given, V};
pub use read::{read, ReadError};

pub use crate::runtime::messages::Kind;

use crate::ir::{self, Bound, Field, FieldType, Form, Item, Requirement};
use crate::runtime::check::{self, FieldKind, Sink, Spec};
use crate::runtime::json::Leaf;
use crate::runtime::logic;
use crate::runtime::messages::Catalogue;
use crate::value::Date;

/// What the caller supplies besides the submission.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// The current date in Europe/Berlin.
    pub today: Date,
}

pub use crate::runtime::check::{Report, Violation};

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
    /// The maximum number of items of each repeat that has one.
    limits: BTreeMap<Vec<String>, usize>,
    rules_by_scope: BTreeMap<&'f [String], Vec<&'f ir::Rule>>,
    /// The catalogue entries of each of the form's languages (see `crate::catalogue`).
    catalogues: Vec<(&'f str, Vec<(&'f str, &'f str)>)>,
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
        let catalogues = form
            .languages
            .iter()
            .map(|lang| (lang.as_str(), crate::catalogue::entries(crate::catalogue::texts(form, lang))))
            .collect();
        Compiled {
            form,
            codes,
            regexes,
            repeats: repeat_paths(form),
            limits: repeat_limits(form),
            rules_by_scope,
            catalogues,
        }
    }

    pub fn form(&self) -> &'f Form {
        self.form
    }

    pub fn validate(&self, submission: &Value, options: &Options) -> Report {
        let catalogues: Vec<Catalogue> =
            self.catalogues.iter().map(|(lang, entries)| Catalogue { lang, entries }).collect();
        let mut validator = Validator {
            compiled: self,
            env: eval::Env {
                root: submission,
                today: options.today,
                repeats: &self.repeats,
                limits: &self.limits,
                indices: Vec::new(),
            },
            sink: Sink::new(&catalogues, options.today),
        };
        match submission.as_object() {
            Some(object) => {
                let items: Vec<&Item> = self.form.items().collect();
                validator.object(&items, object, &mut Vec::new(), "");
            }
            None => validator.push("", Kind::Type("object"), &self.form.title),
        }
        validator.sink.report()
    }

    /// Evaluates an expression of the form over a submission (no repeat item in context).
    pub fn eval(&self, expr: &ir::Expr, submission: &Value, options: &Options, indices: &[(Vec<String>, usize)]) -> V {
        let mut env = eval::Env {
            root: submission,
            today: options.today,
            repeats: &self.repeats,
            limits: &self.limits,
            indices: indices.to_vec(),
        };
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

    /// The label of a code of the field's code list, by language (empty when unknown).
    fn code_label(&self, field: &Field, code: &str) -> Vec<(&'f str, &'f str)> {
        let (FieldType::Choice { codelist } | FieldType::MultipleChoice { codelist }) = &field.ty else {
            return Vec::new();
        };
        let form: &'f Form = self.form;
        form.codelists
            .get(codelist)
            .and_then(|list| list.codes.iter().find(|c| c.code == code))
            .map(|c| label(&c.label))
            .unwrap_or_default()
    }

    fn matches(&self, pattern: &str, text: &str) -> bool {
        self.regexes.get(pattern).is_some_and(|regex| regex.is_match(text))
    }

    /// Checks a field's (non-absent) value into `sink`.
    fn check_field(&self, sink: &mut Sink, field: &Field, value: &Value, pointer: &str) {
        let c = &field.constraints;
        let is_code = |code: &str| self.has_code(field, code);
        let pattern = c.pattern.as_ref().map(|p| move |text: &str| self.matches(&p.regex, text));
        let pattern_message: Vec<(&str, &str)> = c
            .pattern
            .as_ref()
            .and_then(|p| p.message.as_ref())
            .map(|m| m.iter().map(|(l, t)| (l.as_str(), t.as_str())).collect())
            .unwrap_or_default();
        let accept: Vec<&str> = c.accept.iter().map(String::as_str).collect();
        let unit = field.unit.as_ref().map(label).unwrap_or_default();
        let exclusive_labels: Vec<(&str, Vec<(&str, &str)>)> =
            c.exclusive.iter().map(|code| (code.as_str(), self.code_label(field, code))).collect();
        let required_message = field.required_message.as_ref().map(label).unwrap_or_default();
        let exclusive: Vec<(&str, &[(&str, &str)])> =
            exclusive_labels.iter().map(|(code, label)| (*code, label.as_slice())).collect();
        let spec = Spec {
            kind: field_kind(&field.ty, &is_code),
            min_length: c.min_length,
            max_length: c.max_length,
            pattern: pattern.as_ref().map(|p| p as &dyn Fn(&str) -> bool),
            pattern_message: &pattern_message,
            decimals: c.decimals,
            min: c.min.as_ref().map(bound),
            max: c.max.as_ref().map(bound),
            accept: &accept,
            max_size: c.max_size,
            min_count: c.min_count,
            max_count: c.max_count,
            max_total: c.max_total,
            must_be_true: c.must_be_true,
            required_message: &required_message,
            unit: &unit,
            exclusive: &exclusive,
        };
        sink.field(pointer, &Leaf::of(value), &spec, &label(&ir::template::neutral(&field.label)));
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

/// The maximum number of items of every repeat that has one, by path.
pub fn repeat_limits(form: &Form) -> BTreeMap<Vec<String>, usize> {
    fn walk(items: &[Item], path: &mut Vec<String>, out: &mut BTreeMap<Vec<String>, usize>) {
        for item in items {
            path.push(item.name().to_string());
            if let Item::Repeat(ir::Repeat { max: Some(max), .. }) = item {
                out.insert(path.clone(), *max as usize);
            }
            walk(item.children(), path, out);
            path.pop();
        }
    }
    let mut out = BTreeMap::new();
    for page in &form.pages {
        walk(&page.items, &mut Vec::new(), &mut out);
    }
    out
}

/// Escapes a key for a JSON pointer (RFC 6901).
pub fn pointer_segment(key: &str) -> String {
    crate::runtime::json::pointer_segment(key).into_owned()
}

/// A text of the IR as a [`check::Label`].
fn label(text: &ir::Text) -> Vec<(&str, &str)> {
    text.iter().map(|(lang, text)| (lang.as_str(), text.as_str())).collect()
}

/// The runtime's kind of a field type; `is_code` decides membership in its code list.
pub fn field_kind<'a>(ty: &FieldType, is_code: &'a dyn Fn(&str) -> bool) -> FieldKind<'a> {
    match ty {
        FieldType::Text => FieldKind::Text,
        FieldType::Multiline => FieldKind::Multiline,
        FieldType::Email => FieldKind::Email,
        FieldType::Phone => FieldKind::Phone,
        FieldType::Iban => FieldKind::Iban,
        FieldType::Postcode => FieldKind::Postcode,
        FieldType::Integer => FieldKind::Integer,
        FieldType::Decimal => FieldKind::Decimal,
        FieldType::Money => FieldKind::Money,
        FieldType::Boolean => FieldKind::Boolean,
        FieldType::Date => FieldKind::Date,
        FieldType::Choice { .. } => FieldKind::Choice(is_code),
        FieldType::MultipleChoice { .. } => FieldKind::MultipleChoice(is_code),
        FieldType::File => FieldKind::File,
        FieldType::Files => FieldKind::Files,
    }
}

/// The runtime's form of a bound.
fn bound(bound: &Bound) -> check::Bound<'_> {
    match bound {
        Bound::Number { value } => check::Bound::Number(value),
        Bound::Date { value } => check::Bound::Date(value),
        Bound::Today { amount, unit } => check::Bound::Today(*amount, eval::unit(*unit)),
    }
}

struct Validator<'a> {
    compiled: &'a Compiled<'a>,
    env: eval::Env<'a>,
    sink: Sink<'a>,
}

impl<'a> Validator<'a> {
    fn push(&mut self, pointer: &str, kind: Kind, label_text: &ir::Text) {
        // A label that names other answers is quoted without them (`ir::template`).
        self.sink.push(pointer, kind, &label(&ir::template::neutral(label_text)));
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
        if let Some(key) = object.keys().find(|key| !known.contains(key.as_str())) {
            self.sink.unknown(pointer, key);
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
                (Item::Field(field @ Field { computed: Some(expr), .. }), value) => {
                    self.computed(field, expr, value, &child_pointer)
                }
                (Item::Field(field), None) => {
                    if self.required(&field.required) {
                        let message = field.required_message.clone().map(Into::into);
                        let kind = if field.constraints.must_be_true {
                            Kind::NotConfirmed(message)
                        } else {
                            Kind::Required(message)
                        };
                        self.push(&child_pointer, kind, &field.label);
                    }
                }
                (Item::Field(field), Some(value)) => self.field(field, value, &child_pointer),
                (Item::Group(group), None) => {
                    if self.required(&group.required) {
                        self.push(
                            &child_pointer,
                            Kind::Required(group.required_message.clone().map(Into::into)),
                            &group.label,
                        );
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
                        self.push(&child_pointer, Kind::Required(None), &repeat.label);
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
        // Items past the maximum are not checked.
        let counted = repeat.max.map_or(entries.len(), |max| entries.len().min(max as usize));
        let children: Vec<&Item> = repeat.items.iter().collect();
        for (index, entry) in entries[..counted].iter().enumerate() {
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
                let kind = Kind::Rule(rule.name.clone(), rule.message.clone().into());
                let text = label(&rule.message);
                match rule.severity {
                    ir::Severity::Error => self.sink.push(&pointer, kind, &text),
                    ir::Severity::Warning => self.sink.warn(&pointer, kind, &text),
                }
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
        let before = self.sink.violations.len();
        self.compiled.check_field(&mut self.sink, field, value, pointer);
        if let (Some(parent), true) = (&field.constraints.within, self.sink.violations.len() == before) {
            self.within(field, parent, value, pointer);
        }
    }

    /// `within`: a valid code whose parent is not the valid answer at `parent` (see
    /// `ir::Constraints::within`).
    fn within(&mut self, field: &Field, parent: &[String], value: &Value, pointer: &str) {
        let form = self.compiled.form;
        let FieldType::Choice { codelist } = &field.ty else { return };
        let Some(list) = form.codelists.get(codelist) else { return };
        let Some(parents) = list.within.as_ref().and_then(|name| form.codelists.get(name)) else { return };
        let Some(code) = value.as_str().and_then(|code| list.codes.iter().find(|c| c.code == code)) else { return };
        let answer = self.env.lookup(parent).and_then(Value::as_str);
        let answer = answer.and_then(|answer| parents.codes.iter().find(|c| c.code == answer));
        if check::not_within(code.within.as_deref(), answer.map(|a| a.code.as_str())) {
            let parent_label = answer.map(|a| a.label.clone()).unwrap_or_default();
            let kind = Kind::NotWithin(code.label.clone().into(), parent_label.into());
            self.push(pointer, kind, &field.label);
        }
    }

    /// A shown computed field (`value <expr>`): given, its value is checked as any field's
    /// and then compared with the computed one; absent, it must be so because the value is
    /// unknown (see `ir::Field::computed`).
    fn computed(&mut self, field: &Field, expr: &ir::Expr, value: Option<&Value>, pointer: &str) {
        let expected = logic::computed(eval::eval(expr, &mut self.env), field.computed_scale());
        let wrong = match value {
            None => logic::computed_mismatch(&expected, None),
            Some(value) => {
                let before = self.sink.violations.len();
                self.field(field, value, pointer);
                self.sink.violations.len() == before && {
                    let given = eval::read(Some(value), &computed_type(&field.ty));
                    logic::computed_mismatch(&expected, Some(&given))
                }
            }
        };
        if wrong {
            self.push(pointer, Kind::Computed, &field.label);
        }
    }
}

/// How a computed field's submitted value is read to compare it with the computed one.
fn computed_type(ty: &FieldType) -> ir::ValueType {
    match ty {
        FieldType::Integer => ir::ValueType::Integer,
        FieldType::Decimal => ir::ValueType::Decimal,
        FieldType::Money => ir::ValueType::Money,
        FieldType::Boolean => ir::ValueType::Bool,
        FieldType::Date => ir::ValueType::Date,
        // The checker admits only the types above; a text is read as text.
        _ => ir::ValueType::Text,
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

/// The date a date bound stands for on `today`.
pub fn resolve_date_bound(bound: &Bound, today: Date) -> Option<Date> {
    self::bound(bound).date(today)
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
            patterns::WHOLE_EUROS,
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

    /// The date pattern accepts exactly the dates `Date::parse` reads: every year from 0000
    /// to 9999 with the days around each month's end and February's, and every day of whole
    /// years (leap, common, centuries).
    #[test]
    fn the_date_pattern_is_the_calendar() {
        use crate::value::Date;
        let pattern = regex::Regex::new(&format!("^(?:{})$", patterns::DATE)).unwrap();
        let mut checked = 0;
        let mut check = |text: &str| {
            assert_eq!(pattern.is_match(text), Date::parse(text).is_some(), "{text}");
            checked += 1;
        };
        for year in 0..=9999 {
            for month in 0..=13 {
                for day in [0, 1, 9, 10, 19, 20, 28, 29, 30, 31, 32, 39, 40, 99] {
                    check(&format!("{year:04}-{month:02}-{day:02}"));
                }
            }
        }
        for year in [1, 4, 100, 400, 1600, 1900, 2000, 2023, 2024, 2100, 9996, 9999] {
            for month in 0..=99 {
                for day in 0..=99 {
                    check(&format!("{year:04}-{month:02}-{day:02}"));
                }
            }
        }
        for text in ["2024-1-01", "20240-01-01", "2024-01-010", "2024/01/01", "２０２４-01-01", "2024-01-01\n", ""]
        {
            check(text);
        }
        assert!(checked > 1_500_000);
    }
}
