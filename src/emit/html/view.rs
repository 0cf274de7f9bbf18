//! The view model of one page, computed in Rust from the IR, the submitted values and a
//! validation report: every id, name, `aria-describedby` list, autocomplete token, error and
//! value is decided here (HTML.md §2), so that a theme's templates only add classes and wrappers.
//!
//! Ids derive from the data path (`kinder-0-vorname`), names are bracket paths
//! (`kinder[0][vorname]`, `geburtsdatum[tag]`), derived ids are `ID-hinweis`, `ID-info`,
//! `ID-fehler` and `ID-bereich`. Errors are mapped to the nearest rendered node of their JSON
//! pointer; the summary lists one link per inline error, in field order.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::Value;

use super::reveal::{self, ControlRef, Dnf, Resolver};
use super::strings::{self, Strings};
use crate::ir::{Bound, Control, Expr, Field, FieldType, Form, Item, Path, Requirement, Text};
use crate::validate::Report;

/// Which part of the form a page shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Every section, one after another, with one submit button.
    All,
    /// One section (0-based) of a multi-page form, with back and next buttons.
    Step(usize),
}

/// What a page is rendered from besides the form.
#[derive(Clone, Copy, Debug)]
pub struct Input<'a> {
    pub lang: &'a str,
    pub scope: Scope,
    /// The submission as the form-data conversion produced it (`{}` when empty).
    pub values: &'a Value,
    pub report: Option<&'a Report>,
    /// The id of the control that gets `autofocus` (after adding a repeat item).
    pub focus: Option<&'a str>,
    /// A note shown first with `autofocus`, e.g. "Kind 2 wurde entfernt."
    pub notice: Option<&'a str>,
}

#[derive(Serialize)]
pub struct Page {
    pub lang: String,
    pub title: String,
    pub heading: String,
    pub caption: Option<String>,
    pub description: Option<String>,
    pub form_id: String,
    pub multipart: bool,
    pub novalidate: bool,
    pub summary: Option<Summary>,
    pub notice: Option<String>,
    pub hidden_primary: Option<Button>,
    pub steps: Vec<Step>,
    pub buttons: Vec<Button>,
    pub reveal_css: String,
}

#[derive(Serialize)]
pub struct Summary {
    pub id: String,
    pub title_id: String,
    pub title: String,
    pub links: Vec<Link>,
}

#[derive(Serialize)]
pub struct Link {
    pub href: String,
    pub text: String,
}

#[derive(Serialize)]
pub struct Step {
    pub id: String,
    pub heading: Option<String>,
    pub heading_level: u8,
    pub hint: Option<Hint>,
    pub nodes: Vec<Node>,
}

#[derive(Clone, Serialize)]
pub struct Hint {
    pub id: String,
    pub text: String,
}

#[derive(Clone, Serialize)]
pub struct Button {
    pub id: String,
    pub value: String,
    pub label: String,
    pub primary: bool,
    pub describedby: Option<String>,
}

/// One item of the form as a theme's partial receives it. Every key is always present (strict
/// mode), unused ones are `null` or empty.
#[derive(Serialize, Default)]
pub struct Node {
    /// The partial that renders it: `text`, `textarea`, `date`, `radios`, `checkboxes`,
    /// `checkbox`, `select`, `file`, `group`, `repeat`, `info`.
    pub partial: &'static str,
    pub id: String,
    pub name: String,
    pub label: String,
    pub optional: bool,
    pub hint: Option<Hint>,
    pub info: Option<Hint>,
    pub error: Option<Hint>,
    pub describedby: Option<String>,
    pub required: bool,
    pub invalid: bool,
    pub value: String,
    pub input_type: &'static str,
    pub autocomplete: Option<String>,
    pub inputmode: Option<&'static str>,
    pub spellcheck: Option<&'static str>,
    pub autocapitalize: Option<&'static str>,
    pub width: Option<&'static str>,
    pub suffix: Option<String>,
    pub accept: Option<String>,
    pub uploaded: Option<Uploaded>,
    pub options: Vec<Choice>,
    pub placeholder_option: Option<String>,
    pub parts: Vec<Part>,
    pub inline: bool,
    pub children: Vec<Node>,
    pub heading_level: u8,
    pub items: Vec<RepeatItem>,
    pub add: Option<Button>,
    pub limit: Option<String>,
    pub panel: Option<String>,
    pub controls: Option<String>,
    pub autofocus: bool,
    pub text: String,
    /// Where the error summary links to (the first control of the node).
    #[serde(skip)]
    pub target: String,
}

#[derive(Serialize)]
pub struct Choice {
    pub id: String,
    pub value: String,
    pub label: String,
    pub checked: bool,
    pub required: bool,
    pub controls: Option<String>,
    pub autofocus: bool,
}

#[derive(Serialize)]
pub struct Part {
    pub id: String,
    pub name: String,
    pub label: String,
    pub value: String,
    pub autocomplete: Option<String>,
    pub width: &'static str,
    pub invalid: bool,
    pub autofocus: bool,
}

#[derive(Serialize)]
pub struct Uploaded {
    pub text: String,
    pub fields: Vec<(String, String)>,
    pub remove: Button,
}

#[derive(Serialize)]
pub struct RepeatItem {
    pub id: String,
    pub legend: String,
    pub nodes: Vec<Node>,
    pub error: Option<Hint>,
    pub describedby: Option<String>,
    pub remove: Button,
}

/// Lower-case ASCII for ids: `ä` → `ae`, anything else outside `[a-z0-9_]` → `-`.
pub fn id_segment(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        match c {
            'ä' => out.push_str("ae"),
            'ö' => out.push_str("oe"),
            'ü' => out.push_str("ue"),
            'ß' => out.push_str("ss"),
            'a'..='z' | '0'..='9' | '_' => out.push(c),
            _ => out.push('-'),
        }
    }
    if out.is_empty() {
        out.push('x');
    }
    out
}

/// A text in `lang`, else in the form's first language.
fn tr(text: &Text, lang: &str) -> String {
    text.get(lang).or_else(|| text.values().next()).cloned().unwrap_or_default()
}

/// The form's language to render: `lang` if the form has it, else its first language.
pub fn language_of(form: &Form, lang: &str) -> String {
    if form.languages.iter().any(|l| l == lang) {
        lang.to_string()
    } else {
        form.languages[0].clone()
    }
}

/// Builds the view model of one page.
pub fn build(form: &Form, input: &Input) -> Page {
    let lang = language_of(form, input.lang);
    let pages: Vec<usize> = match input.scope {
        Scope::All => (0..form.pages.len()).collect(),
        Scope::Step(n) => vec![n.min(form.pages.len() - 1)],
    };
    // First pass: which pointers are rendered, so each violation finds its node.
    let mut probe = Builder::new(form, &lang, input, &pages, BTreeMap::new());
    let _ = probe.steps();
    let errors = match input.report {
        Some(report) => map_errors(form, report, &lang, &probe.rendered, &pages),
        None => BTreeMap::new(),
    };
    let mut builder = Builder::new(form, &lang, input, &pages, errors);
    let mut steps = builder.steps();
    let controls = std::mem::take(&mut builder.controls);
    for step in &mut steps {
        for node in &mut step.nodes {
            attach_controls(node, &controls);
        }
    }
    let s = builder.s;
    let has_errors = !builder.summary.is_empty();
    let form_title = tr(&form.title, &lang);
    let n_pages = form.pages.len();
    let (title, heading, caption) = match input.scope {
        Scope::Step(_) if n_pages > 1 => {
            let index = pages[0];
            let page_title = form.pages[index].title.as_ref().map(|t| tr(t, &lang)).unwrap_or(form_title.clone());
            let step = format!("{} {} {} {}", s.step, index + 1, s.of, n_pages);
            (format!("{step}: {page_title} – {form_title}"), page_title, Some(format!("{step} · {form_title}")))
        }
        _ => (form_title.clone(), form_title.clone(), None),
    };
    let title = if has_errors { format!("{}{title}", s.title_error_prefix) } else { title };
    let last = match input.scope {
        Scope::All => true,
        Scope::Step(_) => pages[0] + 1 == n_pages,
    };
    let primary = Button {
        id: "aktion-weiter".to_string(),
        value: "weiter".to_string(),
        label: (if last { s.submit } else { s.next }).to_string(),
        primary: true,
        describedby: None,
    };
    let mut buttons = vec![primary.clone()];
    if matches!(input.scope, Scope::Step(n) if n > 0) {
        buttons.push(Button {
            id: "aktion-zurueck".to_string(),
            value: "zurueck".to_string(),
            label: s.back.to_string(),
            primary: false,
            describedby: None,
        });
    }
    let hidden_primary =
        builder.has_secondary.then(|| Button { id: "aktion-weiter-standard".to_string(), ..primary.clone() });
    let summary = has_errors.then(|| Summary {
        id: "fehlerzusammenfassung".to_string(),
        title_id: "fehlerzusammenfassung-titel".to_string(),
        title: s.summary_title.to_string(),
        links: std::mem::take(&mut builder.summary),
    });
    let reveal_css = if builder.reveal_rules.is_empty() {
        String::new()
    } else {
        format!("@supports selector(:has(*)) {{\n  {}\n}}", builder.reveal_rules.join("\n  "))
    };
    Page {
        lang: lang.clone(),
        title,
        heading,
        caption,
        description: form.description.as_ref().map(|d| tr(d, &lang)),
        form_id: builder.form_id.clone(),
        multipart: builder.multipart,
        novalidate: true,
        summary,
        notice: input.notice.map(str::to_string),
        hidden_primary,
        steps,
        buttons,
        reveal_css,
    }
}

fn attach_controls(node: &mut Node, controls: &BTreeMap<String, Vec<String>>) {
    let list = |id: &str| controls.get(id).map(|panels| panels.join(" "));
    if matches!(node.partial, "select" | "checkbox") {
        node.controls = list(&node.id);
    }
    for choice in &mut node.options {
        choice.controls = list(&choice.id);
    }
    for child in &mut node.children {
        attach_controls(child, controls);
    }
    for item in &mut node.items {
        for child in &mut item.nodes {
            attach_controls(child, controls);
        }
    }
}

/// Violations by the pointer of the rendered node that shows them, messages joined.
fn map_errors(
    form: &Form,
    report: &Report,
    lang: &str,
    rendered: &[String],
    pages: &[usize],
) -> BTreeMap<String, Vec<String>> {
    let on_page: BTreeSet<&str> = pages.iter().flat_map(|p| form.pages[*p].items.iter().map(Item::name)).collect();
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for violation in &report.violations {
        let segments: Vec<String> =
            violation.pointer.split('/').skip(1).map(|s| s.replace("~1", "/").replace("~0", "~")).collect();
        if let Some(first) = segments.first() {
            if !on_page.contains(first.as_str()) {
                continue;
            }
        }
        let node = rendered
            .iter()
            .filter(|p| {
                let own: Vec<&str> = p.split('/').skip(1).collect();
                own.len() <= segments.len() && own.iter().zip(&segments).all(|(a, b)| *a == b)
            })
            .max_by_key(|p| p.len())
            .or_else(|| rendered.first());
        let Some(node) = node else { continue };
        let message = violation.messages.get(lang).or_else(|| violation.messages.values().next()).cloned();
        let messages = out.entry(node.clone()).or_default();
        if let Some(message) = message {
            if !messages.contains(&message) {
                messages.push(message);
            }
        }
    }
    out
}

/// How a field is presented.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
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

fn kind_of(field: &Field, form: &Form) -> Kind {
    match &field.ty {
        FieldType::Multiline => Kind::Textarea,
        FieldType::Date => Kind::Date,
        FieldType::File => Kind::File,
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
fn option_id(id: &str, index: usize) -> String {
    if index == 0 {
        id.to_string()
    } else {
        format!("{id}-{}", index + 1)
    }
}

struct Builder<'a> {
    form: &'a Form,
    lang: String,
    s: &'static Strings,
    input: &'a Input<'a>,
    pages: Vec<usize>,
    errors: BTreeMap<String, Vec<String>>,
    repeats: BTreeSet<Path>,
    /// The current item of each enclosing repeat.
    indices: Vec<(Path, usize)>,
    form_id: String,
    rendered: Vec<String>,
    summary: Vec<Link>,
    reveal_rules: Vec<String>,
    controls: BTreeMap<String, Vec<String>>,
    multipart: bool,
    has_secondary: bool,
    /// Autocomplete tokens used more than once outside repeats get a `section-` prefix.
    repeated_tokens: BTreeSet<String>,
}

impl<'a> Builder<'a> {
    fn new(
        form: &'a Form,
        lang: &str,
        input: &'a Input<'a>,
        pages: &[usize],
        errors: BTreeMap<String, Vec<String>>,
    ) -> Builder<'a> {
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        count_tokens(&form.items().collect::<Vec<_>>(), &mut counts);
        Builder {
            form,
            lang: lang.to_string(),
            s: strings::for_language(lang),
            input,
            pages: pages.to_vec(),
            errors,
            repeats: crate::validate::repeat_paths(form),
            indices: Vec::new(),
            form_id: format!("formular-{}", id_segment(&form.id)),
            rendered: Vec::new(),
            summary: Vec::new(),
            reveal_rules: Vec::new(),
            controls: BTreeMap::new(),
            multipart: false,
            has_secondary: false,
            repeated_tokens: counts.into_iter().filter(|(_, n)| *n > 1).map(|(t, _)| t).collect(),
        }
    }

    fn steps(&mut self) -> Vec<Step> {
        let titled = self.pages.len() > 1 && matches!(self.input.scope, Scope::All);
        let n_pages = self.form.pages.len();
        let mut steps = Vec::new();
        for index in self.pages.clone() {
            let page = &self.form.pages[index];
            let id = format!("schritt-{}", index + 1);
            let heading = titled.then(|| {
                let title = page.title.as_ref().map(|t| tr(t, &self.lang)).unwrap_or_default();
                format!("{} {} {} {}: {title}", self.s.step, index + 1, self.s.of, n_pages)
            });
            let hint = page.hint.as_ref().map(|h| Hint { id: format!("{id}-hinweis"), text: tr(h, &self.lang) });
            let level = if titled { 3 } else { 2 };
            let items: Vec<&Item> = page.items.iter().collect();
            let nodes = self.items(&items, &[], &[], false, level);
            steps.push(Step { id, heading, heading_level: 2, hint, nodes });
        }
        steps
    }

    /// Nodes for `items`, whose data path is `path` and whose rendered path (with repeat
    /// indices) is `concrete`.
    fn items(
        &mut self,
        items: &[&Item],
        path: &[String],
        concrete: &[String],
        conditional: bool,
        level: u8,
    ) -> Vec<Node> {
        let mut nodes = Vec::new();
        for item in items {
            let mut item_path = path.to_vec();
            item_path.push(item.name().to_string());
            let mut item_concrete = concrete.to_vec();
            item_concrete.push(item.name().to_string());
            let visible = match item {
                Item::Field(f) => f.visible.as_ref(),
                Item::Group(g) => g.visible.as_ref(),
                Item::Repeat(r) => r.visible.as_ref(),
                Item::Info(i) => i.visible.as_ref(),
            };
            let id = item_concrete.iter().map(|s| id_segment(s)).collect::<Vec<_>>().join("-");
            let panel = visible.and_then(|condition| self.panel(&id, condition));
            let conditional = conditional || visible.is_some();
            let mut node = match item {
                Item::Field(field) => self.field(field, &item_path, &item_concrete, &id, conditional),
                Item::Group(group) => {
                    let pointer = pointer_of(&item_concrete);
                    self.rendered.push(pointer.clone());
                    let slot = self.summary.len();
                    let children: Vec<&Item> = group.items.iter().collect();
                    let conditional = conditional || group.required != Requirement::Always;
                    let children = self.items(&children, &item_path, &item_concrete, conditional, level);
                    let hint =
                        group.hint.as_ref().map(|h| Hint { id: format!("{id}-hinweis"), text: tr(h, &self.lang) });
                    let target = children.first().map(|c| c.target.clone()).unwrap_or_default();
                    let error = self.error_of(&pointer, &id, &target, Some(slot));
                    Node {
                        partial: "group",
                        describedby: describedby(&[&hint, &None, &error]),
                        label: tr(&group.label, &self.lang),
                        optional: group.required == Requirement::Never,
                        invalid: error.is_some(),
                        id: id.clone(),
                        hint,
                        error,
                        children,
                        target,
                        ..Node::default()
                    }
                }
                Item::Repeat(repeat) => self.repeat(repeat, &item_path, &item_concrete, &id, conditional, level),
                Item::Info(info) => {
                    Node { partial: "info", id: id.clone(), text: tr(&info.text, &self.lang), ..Node::default() }
                }
            };
            node.panel = panel;
            nodes.push(node);
        }
        nodes
    }

    /// The panel id of a conditional item when CSS can reveal it; records the CSS rule.
    fn panel(&mut self, id: &str, condition: &Expr) -> Option<String> {
        let (when_true, _) = reveal::truth(condition, &*self, 0)?;
        let panel = format!("{id}-bereich");
        self.reveal_rules.push(reveal::hide_rule(&self.form_id, &panel, &when_true));
        for controlling in ids_in(&when_true) {
            let panels = self.controls.entry(controlling).or_default();
            if !panels.contains(&panel) {
                panels.push(panel.clone());
            }
        }
        Some(panel)
    }

    /// Takes the inline error of the node at `pointer`, adding its summary link (at `slot`,
    /// the summary's length when the node began, for containers whose error comes first).
    fn error_of(&mut self, pointer: &str, id: &str, target: &str, slot: Option<usize>) -> Option<Hint> {
        let messages = self.errors.remove(pointer)?;
        let text = messages.join(" ");
        let link = Link { href: format!("#{target}"), text: text.clone() };
        match slot {
            Some(slot) => self.summary.insert(slot, link),
            None => self.summary.push(link),
        }
        Some(Hint { id: format!("{id}-fehler"), text })
    }

    fn value_at(&self, concrete: &[String]) -> Option<&'a Value> {
        let mut current = self.input.values;
        for segment in concrete {
            current = match current {
                Value::Object(map) => map.get(segment)?,
                Value::Array(items) => items.get(segment.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(current)
    }

    fn field(&mut self, field: &Field, path: &[String], concrete: &[String], id: &str, conditional: bool) -> Node {
        let pointer = pointer_of(concrete);
        self.rendered.push(pointer.clone());
        let kind = kind_of(field, self.form);
        let name = name_of(concrete);
        let value = self.value_at(concrete);
        let s = self.s;
        let hint = field.hint.as_ref().map(|h| Hint { id: format!("{id}-hinweis"), text: tr(h, &self.lang) });
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
            label: tr(&field.label, &self.lang),
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
                    }
                    FieldType::Decimal => {
                        node.inputmode = (!allows_negative(field)).then_some("decimal");
                        node.width = Some("width_10");
                    }
                    FieldType::Money => {
                        node.inputmode = (!allows_negative(field)).then_some("decimal");
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
            }
            Kind::Checkbox => {
                node.partial = "checkbox";
                node.value = "ja".to_string();
                node.options = vec![Choice {
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
                        id: format!("{id}-option-{}", index + 1),
                        checked: chosen.as_deref() == Some(value.as_str()),
                        required: false,
                        value,
                        label,
                        controls: None,
                        autofocus: false,
                    })
                    .collect();
            }
            Kind::File => {
                node.partial = "file";
                self.multipart = true;
                node.accept = (!field.constraints.accept.is_empty()).then(|| field.constraints.accept.join(","));
                if let Some(Value::Object(file)) = value {
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

    /// `(value, label, code)` of each option of a choice or boolean.
    fn options(&self, field: &Field) -> Vec<(String, String, String)> {
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
                    list.codes.iter().map(|c| (c.code.clone(), tr(&c.label, &self.lang), c.code.clone())).collect()
                })
                .unwrap_or_default(),
            _ => vec![],
        }
    }

    /// The static limits stated next to a field: length, file types and size, number range.
    fn info_text(&self, field: &Field) -> Option<String> {
        let s = self.s;
        let c = &field.constraints;
        let text = match &field.ty {
            FieldType::Multiline => c.max_length.map(|n| strings::fill(s.max_chars, &[("n", &n.to_string())])),
            FieldType::File => {
                let mut parts = Vec::new();
                if !c.accept.is_empty() {
                    let types: Vec<String> =
                        c.accept.iter().map(|a| a.trim_start_matches('.').to_uppercase()).collect();
                    parts.push(strings::fill(s.file_types, &[("types", &types.join(", "))]));
                }
                if let Some(size) = c.max_size {
                    parts.push(strings::fill(s.file_size, &[("size", &strings::file_size(size, &self.lang))]));
                }
                (!parts.is_empty()).then(|| parts.join(" "))
            }
            FieldType::Integer | FieldType::Decimal | FieldType::Money => {
                let number = |bound: &Option<Bound>| match bound {
                    Some(Bound::Number { value }) => Some(self.number_text(value)),
                    _ => None,
                };
                let mut parts = Vec::new();
                if let Some(min) = number(&c.min) {
                    parts.push(strings::fill(s.at_least, &[("n", &min)]));
                }
                if let Some(max) = number(&c.max) {
                    parts.push(strings::fill(s.at_most, &[("n", &max)]));
                }
                (!parts.is_empty()).then(|| parts.join(" "))
            }
            _ => None,
        };
        text
    }

    /// A decimal of the submission (`12.5`) as the page's language writes it (`12,5`); any
    /// other text is kept as entered.
    fn decimal_text(&self, value: &str) -> String {
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

    fn number_text(&self, value: &str) -> String {
        if self.lang == "en" {
            value.to_string()
        } else {
            value.replace('.', ",")
        }
    }

    /// The IR's token, except inside repeats (about other people); prefixed with the
    /// enclosing group's section when the token occurs more than once.
    fn autocomplete(&self, field: &Field, path: &[String]) -> Option<String> {
        let token = field.autocomplete.clone()?;
        if !self.indices.is_empty() {
            return None;
        }
        if self.repeated_tokens.contains(&token) && path.len() > 1 {
            return Some(format!("section-{} {token}", id_segment(&path[..path.len() - 1].join("-"))));
        }
        Some(token)
    }

    fn repeat(
        &mut self,
        repeat: &crate::ir::Repeat,
        path: &[String],
        concrete: &[String],
        id: &str,
        conditional: bool,
        level: u8,
    ) -> Node {
        let pointer = pointer_of(concrete);
        self.rendered.push(pointer.clone());
        let slot = self.summary.len();
        let s = self.s;
        let given = match self.value_at(concrete) {
            Some(Value::Array(items)) => items.len(),
            _ => 0,
        };
        let n_items = given.max(repeat.min as usize);
        let item_label = tr(&repeat.item_label, &self.lang);
        let children: Vec<&Item> = repeat.items.iter().collect();
        let mut items = Vec::new();
        for index in 0..n_items {
            let mut item_concrete = concrete.to_vec();
            item_concrete.push(index.to_string());
            let item_id = format!("{id}-{index}");
            let item_pointer = pointer_of(&item_concrete);
            self.rendered.push(item_pointer.clone());
            let item_slot = self.summary.len();
            self.indices.push((path.to_vec(), index));
            let nodes = self.items(&children, path, &item_concrete, conditional, level + 1);
            self.indices.pop();
            let target = nodes.first().map(|n| n.target.clone()).unwrap_or_default();
            let error = self.error_of(&item_pointer, &item_id, &target, Some(item_slot));
            let number = (index + 1).to_string();
            self.has_secondary = true;
            items.push(RepeatItem {
                legend: format!("{item_label} {number}"),
                describedby: error.as_ref().map(|e| e.id.clone()),
                error,
                nodes,
                remove: Button {
                    id: format!("{item_id}-entfernen"),
                    value: format!("entfernen:{id}:{index}"),
                    label: strings::fill(s.remove, &[("item", &item_label), ("n", &number)]),
                    primary: false,
                    describedby: None,
                },
                id: item_id,
            });
        }
        let at_max = repeat.max.is_some_and(|max| n_items >= max as usize);
        let mut add = (!at_max).then(|| Button {
            id: format!("{id}-hinzufuegen"),
            value: format!("hinzufuegen:{id}"),
            label: strings::fill(s.add, &[("label", &tr(&repeat.label, &self.lang))]),
            primary: false,
            describedby: None,
        });
        if add.is_some() {
            self.has_secondary = true;
        }
        let limit = repeat.max.map(|max| strings::fill(s.at_most_items, &[("n", &max.to_string())]));
        let hint = repeat.hint.as_ref().map(|h| Hint { id: format!("{id}-hinweis"), text: tr(h, &self.lang) });
        let info = limit.as_ref().map(|text| Hint { id: format!("{id}-info"), text: text.clone() });
        // The repeat's own error is described by its first item (so the summary keeps field
        // order), or by the add button when there is no item yet.
        let first_control = items.first().and_then(|i| i.nodes.first()).map(|n| n.target.clone());
        let target = match (&first_control, &add) {
            (Some(control), _) => control.clone(),
            (None, Some(button)) => button.id.clone(),
            (None, None) => String::new(),
        };
        let error = self.error_of(&pointer, id, &target, Some(slot));
        match (items.first_mut(), &mut add) {
            (Some(first), add) => {
                if let Some(error) = &error {
                    first.describedby = Some(match &first.describedby {
                        Some(own) => format!("{} {own}", error.id),
                        None => error.id.clone(),
                    });
                }
                if let Some(button) = add {
                    button.describedby = describedby(&[&hint, &info]);
                }
            }
            (None, Some(button)) => button.describedby = describedby(&[&hint, &info, &error]),
            (None, None) => {}
        }
        Node {
            partial: "repeat",
            id: id.to_string(),
            label: tr(&repeat.label, &self.lang),
            heading_level: level,
            hint,
            info,
            invalid: error.is_some(),
            error,
            items,
            add,
            limit,
            target,
            ..Node::default()
        }
    }

    /// The rendered id of the data path `path` with the current repeat items, when every
    /// repeat on the way has a current item.
    fn concrete_id(&self, path: &Path) -> Option<String> {
        let mut segments = Vec::new();
        for (n, segment) in path.iter().enumerate() {
            segments.push(id_segment(segment));
            let prefix = &path[..=n];
            if self.repeats.contains(prefix) {
                let (_, index) = self.indices.iter().find(|(p, _)| p.as_slice() == prefix)?;
                segments.push(index.to_string());
            }
        }
        Some(segments.join("-"))
    }

    /// The IR items from the root to `path` (all must exist).
    fn items_on(&self, path: &Path) -> Option<Vec<&'a Item>> {
        let mut items: Vec<&'a Item> = self.form.items().collect();
        let mut out = Vec::new();
        for segment in path {
            let item = *items.iter().find(|i| i.name() == segment)?;
            out.push(item);
            items = item.children().iter().collect();
        }
        Some(out)
    }
}

impl Resolver for Builder<'_> {
    fn control(&self, path: &Path) -> Option<ControlRef> {
        let first = path.first()?;
        if !self.pages.iter().any(|p| self.form.pages[*p].items.iter().any(|i| i.name() == first)) {
            return None;
        }
        let Item::Field(field) = *self.items_on(path)?.last()? else { return None };
        let id = self.concrete_id(path)?;
        let options = |builder: &Self| -> Vec<(String, String)> {
            builder
                .options(field)
                .into_iter()
                .enumerate()
                .map(|(index, (_, _, code))| (code, option_id(&id, index)))
                .collect()
        };
        Some(match kind_of(field, self.form) {
            Kind::Radios | Kind::BoolRadios => ControlRef::Radios(options(self)),
            Kind::Checkboxes => ControlRef::Checkboxes(options(self)),
            Kind::Checkbox => ControlRef::Checkbox(id),
            Kind::Select => ControlRef::Select(id),
            _ => return None,
        })
    }

    fn shown(&self, path: &Path, depth: usize) -> Option<(Dnf, Dnf)> {
        let mut t: Dnf = vec![vec![]];
        for item in self.items_on(path)? {
            let visible = match item {
                Item::Field(f) => f.visible.as_ref(),
                Item::Group(g) => g.visible.as_ref(),
                Item::Repeat(r) => r.visible.as_ref(),
                Item::Info(_) => None,
            };
            if let Some(condition) = visible {
                let (own, _) = reveal::truth(condition, self, depth)?;
                let mut product = Vec::new();
                for a in &t {
                    for b in &own {
                        let mut term = a.clone();
                        term.extend(b.iter().filter(|p| !a.contains(p)).cloned());
                        product.push(term);
                    }
                }
                t = product;
            }
        }
        Some((t, vec![]))
    }
}

fn count_tokens(items: &[&Item], counts: &mut BTreeMap<String, usize>) {
    for item in items {
        match item {
            Item::Field(field) => {
                if let Some(token) = &field.autocomplete {
                    *counts.entry(token.clone()).or_default() += 1;
                }
            }
            Item::Group(group) => count_tokens(&group.items.iter().collect::<Vec<_>>(), counts),
            // Repeats get no tokens.
            Item::Repeat(_) | Item::Info(_) => {}
        }
    }
}

/// Ids named by `#id` in selector pieces.
fn ids_in(dnf: &Dnf) -> Vec<String> {
    let mut out = Vec::new();
    for piece in dnf.iter().flatten() {
        let mut rest = piece.as_str();
        while let Some(start) = rest.find('#') {
            let tail = &rest[start + 1..];
            let end = tail.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-')).unwrap_or(tail.len());
            let id = tail[..end].to_string();
            if !out.contains(&id) {
                out.push(id);
            }
            rest = &tail[end..];
        }
    }
    out
}

fn allows_negative(field: &Field) -> bool {
    match &field.constraints.min {
        Some(Bound::Number { value }) => value.starts_with('-'),
        _ => true,
    }
}

fn describedby(parts: &[&Option<Hint>]) -> Option<String> {
    let ids: Vec<&str> = parts.iter().filter_map(|p| p.as_ref().map(|h| h.id.as_str())).collect();
    (!ids.is_empty()).then(|| ids.join(" "))
}

fn pointer_of(concrete: &[String]) -> String {
    concrete.iter().map(|s| format!("/{}", crate::validate::pointer_segment(s))).collect()
}

/// `["kinder", "0", "name"]` → `kinder[0][name]`.
pub fn name_of(concrete: &[String]) -> String {
    let mut out = concrete[0].clone();
    for segment in &concrete[1..] {
        out.push_str(&format!("[{segment}]"));
    }
    out
}

fn scalar_text(value: &Value) -> String {
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
    fn ids_are_ascii() {
        assert_eq!(id_segment("Straße_Größe"), "strasse_groesse");
        assert_eq!(id_segment("a.b[c]"), "a-b-c-");
        assert_eq!(name_of(&["kinder".into(), "0".into(), "name".into()]), "kinder[0][name]");
        assert_eq!(date_parts("2007-03-27"), ("27".into(), "3".into(), "2007".into()));
        assert_eq!(date_parts("x.3.2007"), ("x".into(), "3".into(), "2007".into()));
    }
}
