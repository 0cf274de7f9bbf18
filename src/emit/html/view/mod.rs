//! The view model of one page, computed in Rust from the IR, the submitted values and a
//! validation report: every id, name, `aria-describedby` list, autocomplete token, error and
//! value is decided here (HTML.md §2), so that a theme's templates only add classes and wrappers.
//!
//! Ids derive from the data path (`kinder-0-vorname`), names are bracket paths
//! (`kinder[0][vorname]`, `geburtsdatum[tag]`), derived ids are `ID-hinweis`, `ID-info`,
//! `ID-fehler` and `ID-bereich`. Errors are mapped to the nearest rendered node of their JSON
//! pointer; the summary lists one link per inline error, in field order.

mod field;
mod interpolate;
mod model;

pub use model::*;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::reveal::{self, ControlRef, Dnf, Resolver};
use super::strings::{self, Strings};
use crate::ir::{Expr, Form, Item, Path, Requirement, Text};
use crate::validate::Report;
use field::{kind_of, option_id, Kind};

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
    // The answers as given: what the warnings' fingerprint is computed on.
    let answers = input.values;
    // Computed fields show the values computed from the current answers (today's in Berlin
    // where an expression reads `today`), whatever the values hold for them.
    let mut computed = false;
    crate::validate::for_each_field(form, &mut |field| computed |= field.computed.is_some());
    let filled;
    let input = if computed {
        let options = crate::validate::Options { today: crate::value::Date::today_in_berlin() };
        filled = crate::validate::filled(&crate::validate::Compiled::new(form), input.values, &options);
        &Input { values: &filled, ..*input }
    } else {
        input
    };
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
            let step = strings::fill(s.step, &[("n", &(index + 1).to_string()), ("total", &n_pages.to_string())]);
            (format!("{step}: {page_title} – {form_title}"), page_title, Some(format!("{step} · {form_title}")))
        }
        _ => (form_title.clone(), form_title.clone(), None),
    };
    let title = if has_errors { format!("{}{title}", s.title_error_prefix) } else { title };
    let last = match input.scope {
        Scope::All => true,
        Scope::Step(_) => pages[0] + 1 == n_pages,
    };
    // Warnings are shown only on a page without errors: the citizen confirms them with the
    // primary button, which says so.
    let warnings = match input.report {
        Some(report) if !has_errors && !report.warnings.is_empty() => {
            warning_summary(form, report, &lang, &probe.rendered, &pages, &steps, answers, &s)
        }
        _ => None,
    };
    let primary = match warnings {
        Some(_) => Button {
            id: "aktion-bestaetigen".to_string(),
            value: "bestaetigen".to_string(),
            label: s.confirm.to_string(),
            primary: true,
            describedby: Some("hinweiszusammenfassung-titel".to_string()),
        },
        None => Button {
            id: "aktion-weiter".to_string(),
            value: "weiter".to_string(),
            label: (if last { s.submit } else { s.next }).to_string(),
            primary: true,
            describedby: None,
        },
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
        rtl: s.rtl,
        optional_text: s.optional.to_string(),
        error_prefix: s.error_prefix.to_string(),
        title,
        heading,
        caption,
        description: form.description.as_ref().map(|d| tr(d, &lang)),
        form_id: builder.form_id.clone(),
        multipart: builder.multipart,
        novalidate: true,
        summary,
        warnings,
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

/// Violations by the pointer of the rendered node that shows them (the nearest rendered
/// ancestor), each message once. A violation inside a repeat item that is not rendered (beyond
/// the maximum) is not shown; the repeat's own `max_items` violation is. Linear in the report.
fn map_errors(
    form: &Form,
    report: &Report,
    lang: &str,
    rendered: &Rendered,
    pages: &[usize],
) -> BTreeMap<String, Vec<String>> {
    let on_page: BTreeSet<&str> = pages.iter().flat_map(|p| form.pages[*p].items.iter().map(Item::name)).collect();
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
    for violation in &report.violations {
        let segments: Vec<String> =
            violation.pointer.split('/').skip(1).map(|s| s.replace("~1", "/").replace("~0", "~")).collect();
        if let Some(first) = segments.first() {
            if !on_page.contains(first.as_str()) {
                continue;
            }
        }
        let nearest = (1..=segments.len())
            .rev()
            .map(|n| (n, pointer_of(&segments[..n])))
            .find(|(_, pointer)| rendered.nodes.contains(pointer));
        let node = match nearest {
            Some((n, pointer)) => {
                if n < segments.len() && rendered.repeats.contains(&pointer) {
                    // An item that is not rendered.
                    continue;
                }
                pointer
            }
            None => match rendered.first.clone() {
                Some(first) => first,
                None => continue,
            },
        };
        let message = violation.messages.get(lang).or_else(|| violation.messages.values().next()).cloned();
        let messages = out.entry(node.clone()).or_default();
        if let Some(message) = message {
            if seen.insert((node, message.clone())) {
                messages.push(message);
            }
        }
    }
    out
}

/// The summary of the warnings of `report` on `pages` (a rule of `severity warning` that
/// fails): one link per warning, to the first control of the nearest rendered node of its
/// pointer, with the warning's message; `None` when none is on these pages.
#[allow(clippy::too_many_arguments)]
fn warning_summary(
    form: &Form,
    report: &Report,
    lang: &str,
    rendered: &Rendered,
    pages: &[usize],
    steps: &[Step],
    answers: &Value,
    s: &Strings,
) -> Option<Warnings> {
    let on_page: BTreeSet<&str> = pages.iter().flat_map(|p| form.pages[*p].items.iter().map(Item::name)).collect();
    let mut links: Vec<Link> = Vec::new();
    for warning in &report.warnings {
        let segments: Vec<String> =
            warning.pointer.split('/').skip(1).map(|s| s.replace("~1", "/").replace("~0", "~")).collect();
        if segments.first().is_some_and(|first| !on_page.contains(first.as_str())) {
            continue;
        }
        let nearest = (1..=segments.len()).rev().find(|n| rendered.nodes.contains(&pointer_of(&segments[..*n])));
        let id = match nearest {
            Some(n) => segments[..n].iter().map(|s| id_segment(s)).collect::<Vec<_>>().join("-"),
            None => steps.first().map(|step| step.id.clone()).unwrap_or_default(),
        };
        let target = target_of(steps, &id).unwrap_or(id);
        let text = warning.messages.get(lang).or_else(|| warning.messages.values().next()).cloned().unwrap_or_default();
        let link = Link { href: format!("#{target}"), text };
        if !links.iter().any(|l| l.href == link.href && l.text == link.text) {
            links.push(link);
        }
    }
    if links.is_empty() {
        return None;
    }
    Some(Warnings {
        id: "hinweiszusammenfassung".to_string(),
        title_id: "hinweiszusammenfassung-titel".to_string(),
        title: s.warning_title.to_string(),
        intro: s.warning_intro.to_string(),
        links,
        fingerprint: warnings_fingerprint(report, pages, form, answers),
    })
}

/// What the citizen confirms with `bestaetigen`: the warnings of `report` on `pages`, and the
/// answers they were shown for. A confirming POST is taken only when the warnings of its own
/// answers give the same fingerprint, so an answer that changes asks again.
pub fn warnings_fingerprint(report: &Report, pages: &[usize], form: &Form, answers: &Value) -> String {
    use sha2::{Digest, Sha256};
    let on_page: BTreeSet<&str> = pages.iter().flat_map(|p| form.pages[*p].items.iter().map(Item::name)).collect();
    let mut hasher = Sha256::new();
    for warning in &report.warnings {
        let first = warning.pointer.split('/').nth(1).map(|s| s.replace("~1", "/").replace("~0", "~"));
        if first.is_some_and(|first| !on_page.contains(first.as_str())) {
            continue;
        }
        hasher.update(warning.code.as_bytes());
        hasher.update([0]);
        hasher.update(warning.pointer.as_bytes());
        hasher.update([0]);
    }
    hasher.update(serde_json::to_string(answers).unwrap_or_default().as_bytes());
    hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The first control of the node with `id` (its summary target), anywhere in `steps`.
fn target_of(steps: &[Step], id: &str) -> Option<String> {
    fn find(nodes: &[Node], id: &str) -> Option<String> {
        for node in nodes {
            if node.id == id {
                return Some(if node.target.is_empty() { node.id.clone() } else { node.target.clone() });
            }
            if let Some(found) = find(&node.children, id) {
                return Some(found);
            }
            for item in &node.items {
                if let Some(found) = find(&item.nodes, id) {
                    return Some(found);
                }
            }
        }
        None
    }
    steps.iter().find_map(|step| find(&step.nodes, id))
}

/// The pointers of the rendered nodes, with those of the repeats.
#[derive(Default)]
struct Rendered {
    first: Option<String>,
    nodes: BTreeSet<String>,
    repeats: BTreeSet<String>,
}

impl Rendered {
    fn push(&mut self, pointer: String) {
        if self.first.is_none() {
            self.first = Some(pointer.clone());
        }
        self.nodes.insert(pointer);
    }
}

struct Builder<'a> {
    form: &'a Form,
    lang: String,
    s: Strings<'a>,
    input: &'a Input<'a>,
    pages: Vec<usize>,
    errors: BTreeMap<String, Vec<String>>,
    repeats: BTreeSet<Path>,
    /// The current item of each enclosing repeat.
    indices: Vec<(Path, usize)>,
    form_id: String,
    rendered: Rendered,
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
            s: strings::for_language(form, lang),
            input,
            pages: pages.to_vec(),
            errors,
            repeats: crate::validate::repeat_paths(form),
            indices: Vec::new(),
            form_id: format!("formular-{}", id_segment(&form.id)),
            rendered: Rendered::default(),
            summary: Vec::new(),
            reveal_rules: Vec::new(),
            controls: BTreeMap::new(),
            multipart: false,
            has_secondary: false,
            repeated_tokens: counts.into_iter().filter(|(_, n)| *n > 1).map(|(t, _)| t).collect(),
        }
    }

    fn steps(&mut self) -> Vec<Step> {
        // A page with every section shows each section's title as a heading, but no "Schritt 1
        // von 5": on one page there are no steps.
        let titled = self.pages.len() > 1 && matches!(self.input.scope, Scope::All);
        let mut steps = Vec::new();
        for index in self.pages.clone() {
            let page = &self.form.pages[index];
            let id = format!("schritt-{}", index + 1);
            let heading = page.title.as_ref().filter(|_| titled).map(|t| tr(t, &self.lang));
            let hint = page.hint.as_ref().map(|h| Hint { id: format!("{id}-hinweis"), text: tr(h, &self.lang) });
            let level = if heading.is_some() { 3 } else { 2 };
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
            if item.never_shown() {
                continue;
            }
            let mut item_path = path.to_vec();
            item_path.push(item.name().to_string());
            let mut item_concrete = concrete.to_vec();
            item_concrete.push(item.name().to_string());
            let visible = item.visible();
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
                        group.hint.as_ref().map(|h| Hint { id: format!("{id}-hinweis"), text: self.template(h) });
                    let target = children.first().map(|c| c.target.clone()).unwrap_or_default();
                    let error = self.error_of(&pointer, &id, &target, Some(slot));
                    Node {
                        partial: "group",
                        describedby: describedby(&[&hint, &None, &error]),
                        label: self.template(&group.label),
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
                    Node { partial: "info", id: id.clone(), text: self.template(&info.text), ..Node::default() }
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
        for controlling in reveal::controls(&when_true) {
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
        self.rendered.repeats.insert(pointer.clone());
        let slot = self.summary.len();
        let s = self.s;
        let given = match self.value_at(concrete) {
            Some(Value::Array(items)) => items.len(),
            _ => 0,
        };
        // Items beyond the maximum are not rendered: the report's `max_items` violation is
        // shown on the repeat, and the page stays bounded by the form, not by what was posted.
        let given = repeat.max.map_or(given, |max| given.min(max as usize));
        let n_items = given.max(repeat.min as usize);
        let item_label = tr(&repeat.item_label, &self.lang);
        let children: Vec<&Item> = repeat.items.iter().collect();
        // An item can be removed only while more than the minimum are left.
        let removable = n_items > repeat.min as usize;
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
            self.has_secondary |= removable;
            items.push(RepeatItem {
                legend: format!("{item_label} {number}"),
                describedby: error.as_ref().map(|e| e.id.clone()),
                error,
                nodes,
                remove: removable.then(|| Button {
                    id: format!("{item_id}-entfernen"),
                    value: format!("entfernen:{id}:{index}"),
                    label: strings::fill(s.remove, &[("item", &item_label), ("n", &number)]),
                    primary: false,
                    describedby: None,
                }),
                id: item_id,
            });
        }
        let at_max = repeat.max.is_some_and(|max| n_items >= max as usize);
        let mut add = (!at_max).then(|| Button {
            id: format!("{id}-hinzufuegen"),
            value: format!("hinzufuegen:{id}"),
            // "Kinder: weiteren Eintrag hinzufügen", also for a label written "Kinder:".
            label: strings::fill(s.add, &[("label", self.template(&repeat.label).trim_end().trim_end_matches(':'))]),
            primary: false,
            describedby: None,
        });
        if add.is_some() {
            self.has_secondary = true;
        }
        let limit = repeat.max.map(|max| match max {
            1 => strings::fill(s.at_most_one_item, &[("n", "1")]),
            max => strings::fill(s.at_most_items, &[("n", &max.to_string())]),
        });
        let hint = repeat.hint.as_ref().map(|h| Hint { id: format!("{id}-hinweis"), text: self.template(h) });
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
            label: self.template(&repeat.label),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_ascii() {
        assert_eq!(id_segment("Straße_Größe"), "strasse_groesse");
        assert_eq!(id_segment("a.b[c]"), "a-b-c-");
        assert_eq!(name_of(&["kinder".into(), "0".into(), "name".into()]), "kinder[0][name]");
    }
}
