//! One field's view: which control a field type becomes (text input, date parts, radios,
//! checkboxes, select, file, textarea), its attributes (`type`, `inputmode`, autocomplete,
//! width), its options, the limits stated next to it, and its value as entered.

use std::collections::BTreeMap;

use serde_json::Value;

use super::model::{Button, Choice, Hint, Node, Part, Uploaded};
use super::{describedby, id_segment, name_of, pointer_of, tr, Builder};
use crate::emit::html::strings;
use crate::ir::{self, Bound, Control, Field, FieldType, Form, Requirement};

/// How a field is presented.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Input,
    Textarea,
    Date,
    Radios,
    BoolRadios,
    Checkbox,
    Checkboxes,
    Select,
    File,
}

pub(super) fn kind_of(field: &Field, form: &Form) -> Kind {
    match &field.ty {
        FieldType::Multiline => Kind::Textarea,
        FieldType::Date => Kind::Date,
        FieldType::File | FieldType::Files => Kind::File,
        FieldType::Boolean if field.control == Some(Control::Checkbox) => Kind::Checkbox,
        FieldType::Boolean => Kind::BoolRadios,
        FieldType::MultipleChoice { .. } => Kind::Checkboxes,
        FieldType::Choice { codelist } => match field.control {
            Some(Control::Radios) => Kind::Radios,
            Some(Control::Select) => Kind::Select,
            _ => {
                let n = form.codelists.get(codelist).map_or(0, |l| l.codes.len());
                if n <= 7 {
                    Kind::Radios
                } else {
                    Kind::Select
                }
            }
        },
        _ => Kind::Input,
    }
}

/// The id of the n-th option (0-based) of a choice with id `id`: the first equals `id`.
pub(super) fn option_id(id: &str, index: usize) -> String {
    if index == 0 {
        id.to_string()
    } else {
        format!("{id}-{}", index + 1)
    }
}

impl Builder<'_> {
    pub(super) fn field(
        &mut self,
        field: &Field,
        path: &[String],
        concrete: &[String],
        id: &str,
        conditional: bool,
    ) -> Node {
        let pointer = pointer_of(concrete);
        self.rendered.push(pointer.clone());
        let kind = kind_of(field, self.form);
        let name = name_of(concrete);
        let value = self.value_at(concrete);
        let s = self.s;
        let hint = field.hint.as_ref().map(|h| Hint { id: format!("{id}-hinweis"), text: self.template(h) });
        let hint = match (kind, hint) {
            (Kind::Date, None) => Some(Hint { id: format!("{id}-hinweis"), text: s.date_hint.to_string() }),
            (Kind::Checkboxes, None) => Some(Hint { id: format!("{id}-hinweis"), text: s.select_all.to_string() }),
            (_, hint) => hint,
        };
        let info = self.info_text(field).map(|text| Hint { id: format!("{id}-info"), text });
        let target = match kind {
            Kind::Date => format!("{id}-tag"),
            _ => id.to_string(),
        };
        let error = self.error_of(&pointer, id, &target, None);
        let required = field.required == Requirement::Always && !conditional;
        let invalid = error.is_some();
        let autocomplete = self.autocomplete(field, path);
        let focus = self.input.focus;
        let mut node = Node {
            partial: "text",
            id: id.to_string(),
            name: name.clone(),
            label: self.template(&field.label),
            optional: field.required == Requirement::Never,
            describedby: describedby(&[&hint, &info, &error]),
            hint,
            info,
            required,
            invalid,
            input_type: "text",
            autofocus: focus == Some(target.as_str()),
            target,
            ..Node::default()
        };
        node.error = error;
        if field.computed.is_some() {
            // Read-only: an `<output>` labelled by the field's label, with the value computed
            // from the current answers (empty while it cannot be computed). Nothing is posted.
            node.partial = "output";
            node.optional = false;
            node.required = false;
            // The limits stated next to an input are for what a citizen types.
            node.info = None;
            node.describedby = describedby(&[&node.hint, &node.error]);
            let text = value.map(scalar_text).unwrap_or_default();
            node.value = match field.ty {
                FieldType::Decimal | FieldType::Money => self.decimal_text(&text),
                FieldType::Integer => self.number_text(&text),
                FieldType::Boolean => match value {
                    Some(Value::Bool(true)) => s.yes.to_string(),
                    Some(Value::Bool(false)) => s.no.to_string(),
                    _ => String::new(),
                },
                _ => text,
            };
            if !node.value.is_empty() {
                node.suffix = match &field.unit {
                    _ if field.ty == FieldType::Money => Some(s.euro_suffix.to_string()),
                    Some(unit) => Some(tr(unit, &self.lang)),
                    None => None,
                };
            }
            return node;
        }
        match kind {
            Kind::Input => {
                node.value = value.map(scalar_text).unwrap_or_default();
                if matches!(field.ty, FieldType::Decimal | FieldType::Money) {
                    node.value = self.decimal_text(&node.value);
                }
                node.autocomplete = autocomplete;
                match &field.ty {
                    FieldType::Email => {
                        node.input_type = "email";
                        node.spellcheck = Some("false");
                    }
                    FieldType::Phone => node.input_type = "tel",
                    FieldType::Iban => {
                        node.spellcheck = Some("false");
                        node.autocapitalize = Some("characters");
                        node.width = Some("width_iban");
                    }
                    FieldType::Postcode => {
                        node.inputmode = Some("numeric");
                        node.width = Some("width_5");
                    }
                    FieldType::Integer => {
                        node.inputmode = (!allows_negative(field)).then_some("numeric");
                        node.width = Some("width_10");
                        self.unit_suffix(field, &mut node);
                    }
                    FieldType::Decimal => {
                        node.inputmode = (!allows_negative(field)).then_some("decimal");
                        node.width = Some("width_10");
                        self.unit_suffix(field, &mut node);
                    }
                    FieldType::Money => {
                        // Whole euros need no decimal separator on the keyboard.
                        let keyboard = if field.constraints.decimals == Some(0) { "numeric" } else { "decimal" };
                        node.inputmode = (!allows_negative(field)).then_some(keyboard);
                        node.width = Some("width_10");
                        node.suffix = Some(s.euro_suffix.to_string());
                        node.partial = "money";
                    }
                    _ => {
                        node.width = match field.constraints.max_length {
                            Some(n) if n <= 10 => Some("width_10"),
                            Some(n) if n <= 20 => Some("width_20"),
                            _ => None,
                        };
                        if node.autocomplete.as_deref().is_some_and(|t| t.ends_with("name") || t.ends_with("prefix")) {
                            node.spellcheck = Some("false");
                        }
                    }
                }
            }
            Kind::Textarea => {
                node.partial = "textarea";
                node.value = value.map(scalar_text).unwrap_or_default();
            }
            Kind::Date => {
                node.partial = "date";
                let (day, month, year) = value.map(|v| date_parts(&scalar_text(v))).unwrap_or_default();
                let bday = autocomplete.as_deref().is_some_and(|t| t.ends_with("bday"));
                let prefix = autocomplete.as_deref().and_then(|t| t.strip_suffix("bday")).unwrap_or("").to_string();
                let parts =
                    [("tag", s.day, day, "width_2", "bday-day"), ("monat", s.month, month, "width_2", "bday-month")];
                let year_part = [("jahr", s.year, year, "width_4", "bday-year")];
                node.parts = parts
                    .into_iter()
                    .chain(year_part)
                    .map(|(key, label, value, width, token)| {
                        let part_id = format!("{id}-{key}");
                        Part {
                            autofocus: focus == Some(part_id.as_str()),
                            id: part_id,
                            name: format!("{name}[{key}]"),
                            label: label.to_string(),
                            value,
                            autocomplete: bday.then(|| format!("{prefix}{token}")),
                            width,
                            invalid,
                        }
                    })
                    .collect();
            }
            Kind::Radios | Kind::BoolRadios | Kind::Checkboxes => {
                node.partial = if kind == Kind::Checkboxes { "checkboxes" } else { "radios" };
                node.inline = kind == Kind::BoolRadios;
                let chosen: Vec<String> = match value {
                    Some(Value::Array(items)) => items.iter().map(scalar_text).collect(),
                    Some(Value::Bool(true)) => vec!["ja".to_string()],
                    Some(Value::Bool(false)) => vec!["nein".to_string()],
                    Some(other) => vec![scalar_text(other)],
                    None => vec![],
                };
                node.options = self
                    .options(field)
                    .into_iter()
                    .enumerate()
                    .map(|(index, (value, label, _))| {
                        let option = option_id(id, index);
                        Choice {
                            group: None,
                            group_id: None,
                            group_end: false,
                            autofocus: focus == Some(option.as_str()),
                            id: option,
                            checked: chosen.contains(&value),
                            required: required && kind != Kind::Checkboxes,
                            value,
                            label,
                            controls: None,
                        }
                    })
                    .collect();
                self.group_options(field, &mut node.options);
            }
            Kind::Checkbox => {
                node.partial = "checkbox";
                node.value = "ja".to_string();
                node.options = vec![Choice {
                    group: None,
                    group_id: None,
                    group_end: false,
                    id: id.to_string(),
                    value: "ja".to_string(),
                    label: node.label.clone(),
                    checked: value == Some(&Value::Bool(true)),
                    required,
                    controls: None,
                    autofocus: false,
                }];
            }
            Kind::Select => {
                node.partial = "select";
                node.autocomplete = autocomplete;
                node.placeholder_option = Some(s.please_select.to_string());
                let chosen = value.map(scalar_text);
                node.options = self
                    .options(field)
                    .into_iter()
                    .enumerate()
                    .map(|(index, (value, label, _))| Choice {
                        group: None,
                        group_id: None,
                        group_end: false,
                        id: format!("{id}-option-{}", index + 1),
                        checked: chosen.as_deref() == Some(value.as_str()),
                        required: false,
                        value,
                        label,
                        controls: None,
                        autofocus: false,
                    })
                    .collect();
                self.group_options(field, &mut node.options);
            }
            Kind::File => {
                node.partial = "file";
                self.multipart = true;
                node.accept = (!field.constraints.accept.is_empty()).then(|| field.constraints.accept.join(","));
                if field.ty == FieldType::Files {
                    node.multiple = true;
                    // Each file uploaded so far, with its own remove button (`belege-1-entfernen`).
                    let files = match value {
                        Some(Value::Array(files)) => files.as_slice(),
                        _ => &[],
                    };
                    let most = field.constraints.max_count.map_or(files.len(), |max| max as usize + 1);
                    for (index, file) in files.iter().take(most).enumerate() {
                        let Value::Object(file) = file else { continue };
                        let file_name = file.get("name").map(scalar_text).unwrap_or_default();
                        let fields = ["name", "media_type", "size"]
                            .iter()
                            .map(|key| {
                                (format!("{name}[{index}][{key}]"), file.get(*key).map(scalar_text).unwrap_or_default())
                            })
                            .collect();
                        node.uploads.push(Uploaded {
                            text: strings::fill(s.uploaded, &[("name", &file_name)]),
                            fields,
                            remove: Button {
                                id: format!("{id}-{index}-entfernen"),
                                value: format!("datei-entfernen:{id}-{index}"),
                                label: strings::fill(s.remove_file, &[("name", &file_name)]),
                                primary: false,
                                describedby: None,
                            },
                        });
                    }
                    if !node.uploads.is_empty() {
                        self.has_secondary = true;
                        node.required = false;
                    }
                } else if let Some(Value::Object(file)) = value {
                    let file_name = file.get("name").map(scalar_text).unwrap_or_default();
                    let fields = ["name", "media_type", "size"]
                        .iter()
                        .map(|key| (format!("{name}[{key}]"), file.get(*key).map(scalar_text).unwrap_or_default()))
                        .collect();
                    self.has_secondary = true;
                    node.required = false;
                    node.uploaded = Some(Uploaded {
                        text: strings::fill(s.uploaded, &[("name", &file_name)]),
                        fields,
                        remove: Button {
                            id: format!("{id}-entfernen"),
                            value: format!("datei-entfernen:{id}"),
                            label: strings::fill(s.remove_file, &[("name", &file_name)]),
                            primary: false,
                            describedby: None,
                        },
                    });
                }
            }
        }
        node
    }

    /// For a single choice of a list with parents (`within`): marks where each parent's group
    /// of options opens (with the parent's text) and closes; the options come in that order.
    fn group_options(&self, field: &Field, options: &mut [Choice]) {
        let FieldType::Choice { codelist } = &field.ty else { return };
        let Some(list) = self.form.codelists.get(codelist) else { return };
        let Some(parents) = list.within.as_ref().and_then(|name| self.form.codelists.get(name)) else { return };
        // Each option's parent, looked up once (a page of a long list is rendered on every step).
        let by_code: BTreeMap<&str, &str> =
            list.codes.iter().filter_map(|c| Some((c.code.as_str(), c.within.as_deref()?))).collect();
        let parent: Vec<Option<String>> =
            options.iter().map(|o| by_code.get(o.value.as_str()).map(|p| p.to_string())).collect();
        let label_of = |parent: &str| parents.codes.iter().find(|c| c.code == parent).map(|c| tr(&c.label, &self.lang));
        let mut open = false;
        let first = options.first().map(|o| o.id.clone()).unwrap_or_default();
        let mut groups = 0;
        for index in 0..options.len() {
            let previous = index.checked_sub(1).and_then(|i| parent[i].as_deref());
            let next = parent.get(index + 1).and_then(|p| p.as_deref());
            let parent = parent[index].as_deref();
            if index == 0 || previous != parent {
                options[index].group = parent.and_then(label_of);
                open = options[index].group.is_some();
                if open {
                    // The first option's id is the field's: no other id of the page extends it.
                    groups += 1;
                    options[index].group_id = Some(format!("{first}-gruppe-{groups}"));
                }
            }
            options[index].group_end = open && (index + 1 == options.len() || next != parent);
        }
    }

    /// `(value, label, code)` of each option of a choice or boolean; the codes of a list with
    /// parents grouped by parent, in the parent list's order.
    pub(super) fn options(&self, field: &Field) -> Vec<(String, String, String)> {
        match &field.ty {
            FieldType::Boolean => vec![
                ("ja".to_string(), self.s.yes.to_string(), "true".to_string()),
                ("nein".to_string(), self.s.no.to_string(), "false".to_string()),
            ],
            FieldType::Choice { codelist } | FieldType::MultipleChoice { codelist } => self
                .form
                .codelists
                .get(codelist)
                .map(|list| {
                    let mut codes: Vec<&ir::Code> = list.codes.iter().collect();
                    if let Some(parents) = list.within.as_ref().and_then(|name| self.form.codelists.get(name)) {
                        let rank: BTreeMap<&str, usize> =
                            parents.codes.iter().enumerate().map(|(i, p)| (p.code.as_str(), i)).collect();
                        codes.sort_by_key(|c| c.within.as_deref().and_then(|p| rank.get(p).copied()));
                    }
                    codes.iter().map(|c| (c.code.clone(), tr(&c.label, &self.lang), c.code.clone())).collect()
                })
                .unwrap_or_default(),
            _ => vec![],
        }
    }

    /// The static limits stated next to a field: length, file types and size, number range.
    pub(super) fn info_text(&self, field: &Field) -> Option<String> {
        let s = self.s;
        let c = &field.constraints;
        match &field.ty {
            FieldType::Multiline => c.max_length.map(|n| match n {
                1 => strings::fill(s.max_one_char, &[("n", "1")]),
                n => strings::fill(s.max_chars, &[("n", &n.to_string())]),
            }),
            FieldType::File | FieldType::Files => {
                let mut parts = Vec::new();
                if !c.accept.is_empty() {
                    // The same readable names as the validators' `file_type` message.
                    let texts = crate::catalogue::texts(self.form, &self.lang);
                    let entries = crate::catalogue::entries(texts);
                    let catalogue = crate::catalogue::runtime(&self.lang, &entries);
                    let types = crate::validate::messages::file_types(&c.accept, &catalogue);
                    parts.push(strings::fill(s.file_types, &[("types", &types)]));
                }
                if let Some(size) = c.max_size {
                    parts.push(strings::fill(s.file_size, &[("size", &strings::file_size(size, s.decimal_separator))]));
                }
                // "Sie können bis zu 5 Dateien hochladen. Zusammen höchstens 20 MB."
                if let (FieldType::Files, Some(max)) = (&field.ty, c.max_count) {
                    let max_text = max.to_string();
                    parts.push(match c.min_count {
                        Some(min) => strings::fill(s.files_between, &[("min", &min.to_string()), ("max", &max_text)]),
                        None if max == 1 => s.files_up_to_one.to_string(),
                        None => strings::fill(s.files_up_to, &[("n", &max_text)]),
                    });
                }
                if let (FieldType::Files, Some(total)) = (&field.ty, c.max_total) {
                    let size = strings::file_size(total, s.decimal_separator);
                    parts.push(strings::fill(s.files_total, &[("size", &size)]));
                }
                (!parts.is_empty()).then(|| parts.join(" "))
            }
            FieldType::Integer | FieldType::Decimal | FieldType::Money => {
                let unit = field.unit.as_ref().map(|u| tr(u, &self.lang));
                let number = |bound: &Option<Bound>| match bound {
                    Some(Bound::Number { value }) => Some(match &unit {
                        Some(unit) => format!("{} {unit}", self.number_text(value)),
                        None => self.number_text(value),
                    }),
                    _ => None,
                };
                let mut parts = Vec::new();
                // The suffix next to the input is hidden from assistive technology: the
                // unit reaches it here, in the field's description.
                if let Some(unit) = &unit {
                    parts.push(strings::fill(s.unit, &[("unit", unit)]));
                }
                if field.ty == FieldType::Money && c.decimals == Some(0) {
                    parts.push(s.whole_euros.to_string());
                }
                if let Some(min) = number(&c.min) {
                    parts.push(strings::fill(s.at_least, &[("n", &min)]));
                }
                if let Some(max) = number(&c.max) {
                    parts.push(strings::fill(s.at_most, &[("n", &max)]));
                }
                (!parts.is_empty()).then(|| parts.join(" "))
            }
            _ => None,
        }
    }

    /// A number field with a unit shows it after the input, like money's `€`.
    fn unit_suffix(&self, field: &Field, node: &mut Node) {
        if let Some(unit) = &field.unit {
            node.suffix = Some(tr(unit, &self.lang));
            node.partial = "money";
        }
    }

    /// A decimal of the submission (`12.5`) as the page's language writes it (`12,5`); any
    /// other text is kept as entered.
    pub(super) fn decimal_text(&self, value: &str) -> String {
        let digits = value.strip_prefix('-').unwrap_or(value);
        let plain = digits
            .split_once('.')
            .map_or(!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()), |(a, b)| {
                !a.is_empty() && !b.is_empty() && a.bytes().chain(b.bytes()).all(|c| c.is_ascii_digit())
            });
        if plain {
            self.number_text(value)
        } else {
            value.to_string()
        }
    }

    pub(super) fn number_text(&self, value: &str) -> String {
        value.replace('.', self.s.decimal_separator)
    }

    /// The IR's token, except inside repeats (about other people); prefixed with the
    /// enclosing group's section when the token occurs more than once.
    pub(super) fn autocomplete(&self, field: &Field, path: &[String]) -> Option<String> {
        let token = field.autocomplete.clone()?;
        if !self.indices.is_empty() {
            return None;
        }
        if self.repeated_tokens.contains(&token) && path.len() > 1 {
            return Some(format!("section-{} {token}", id_segment(&path[..path.len() - 1].join("-"))));
        }
        Some(token)
    }
}

fn allows_negative(field: &Field) -> bool {
    match &field.constraints.min {
        Some(Bound::Number { value }) => value.starts_with('-'),
        _ => true,
    }
}

pub(super) fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// `2007-03-27` → (`27`, `3`, `2007`); `x.3.2007` (kept unreadable input) → its parts.
fn date_parts(text: &str) -> (String, String, String) {
    let trim = |s: &str| {
        let t = s.trim_start_matches('0');
        if t.is_empty() && !s.is_empty() {
            "0".to_string()
        } else {
            t.to_string()
        }
    };
    if let [y, m, d] = text.split('-').collect::<Vec<_>>().as_slice() {
        if y.len() == 4 {
            return (trim(d), trim(m), y.to_string());
        }
    }
    match text.split('.').collect::<Vec<_>>().as_slice() {
        [d, m, y] => (d.to_string(), m.to_string(), y.to_string()),
        _ => (String::new(), String::new(), text.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_parts_as_entered() {
        assert_eq!(date_parts("2007-03-27"), ("27".into(), "3".into(), "2007".into()));
        assert_eq!(date_parts("x.3.2007"), ("x".into(), "3".into(), "2007".into()));
    }
}
