//! Names that collide once a target derives its own names from them (`name-collision`).
//!
//! Every generated name comes from source names only, so that adding a field never renames
//! another; instead of numbering what collides, the checker rejects it. It derives names
//! exactly as the targets do (the Rust backend's own `names` functions) and reports:
//!
//! - members of one object whose names differ only in letter case (one Rust field, one HTML
//!   id: `Name` and `name`);
//! - Rust types of one form, or of one module's definitions, with the same name (`x.a_b` and
//!   `x_a.b` both `XAB`; a repeat `kind` is `KindItem`; the form itself is `Submission`);
//! - HTML ids that coincide: an id is the lower-case path joined by `-`, and containers add
//!   derived ids (`ID-hinweis`, `ID-fehler`, …) that a member of that name would repeat; the
//!   page has ids of its own (`inhalt`, `fehlerzusammenfassung`, `aktion-weiter`, …);
//! - forms whose Rust modules (lower case) coincide, and modules whose shared Rust module
//!   (`common.person` → `common_person`) coincides.
//!
//! ```text
//! group x "X" { group a_b "AB" { field c: text "C" } }
//! group x_a "XA" { group b "B" { field c: text "C" } }   // E0211: both are the type `XAB`
//! ```

use std::collections::{BTreeMap, BTreeSet};

use crate::diag::{Code, Diagnostic};
use crate::emit::rust::names as rust_names;
use crate::ir::{self, FieldType, Item};
use crate::source::Span;

/// Where the names of one form (or one module's definitions) were declared.
#[derive(Default)]
pub struct Spans {
    /// Fields, groups, repeats and infos by their path from the form (or type instance).
    pub members: BTreeMap<ir::Path, Span>,
    pub codelists: BTreeMap<String, Span>,
    pub group_types: BTreeMap<String, Span>,
}

/// A generated name that is taken: what took it, and where that was declared.
struct Taken {
    /// Identifies the generating thing; the same thing may claim its name twice (a group
    /// type used by two instances).
    key: String,
    what: String,
    span: Span,
}

/// One namespace of a target, e.g. the Rust types of a form module.
struct Namespace<'d> {
    target: &'static str,
    taken: BTreeMap<String, Taken>,
    diagnostics: &'d mut Vec<Diagnostic>,
}

impl<'d> Namespace<'d> {
    fn new(target: &'static str, diagnostics: &'d mut Vec<Diagnostic>) -> Self {
        Namespace { target, taken: BTreeMap::new(), diagnostics }
    }

    /// Claims `name` for `what`; reports it when something else has it already.
    fn claim(&mut self, name: String, key: String, what: String, span: Span, help: String) {
        match self.taken.get(&name) {
            None => {
                self.taken.insert(name, Taken { key, what, span });
            }
            Some(first) if first.key == key => {}
            Some(first) => {
                let diagnostic = Diagnostic::new(
                    Code::NameCollision,
                    format!("{what} would be the {} `{name}`, like {}", self.target, first.what),
                    span,
                    format!("{} `{name}`", self.target),
                )
                .with_help(help);
                // Page ids have no declaration to point to.
                let diagnostic = if first.span == Span::default() {
                    diagnostic
                } else {
                    diagnostic.with_note(first.span, format!("{} declared here", first.what))
                };
                self.diagnostics.push(diagnostic);
            }
        }
    }
}

/// All checks on one lowered form.
pub fn check_form(form: &ir::Form, form_span: Span, spans: &Spans, diagnostics: &mut Vec<Diagnostic>) {
    let root: Vec<&Item> = form.items().collect();
    siblings(&root, &[], spans, diagnostics);
    let mut types = Namespace::new("Rust type", diagnostics);
    types.claim(
        rust_names::type_name_text(&["submission"]),
        "form".to_string(),
        format!("the whole form `{}`", form.id),
        form_span,
        "`Submission` is the type of the whole form; rename the group".to_string(),
    );
    rust_types(&mut types, &root, &[], &[], None, spans, &|_| true);
    for name in form.codelists.keys() {
        claim_codelist(&mut types, name, spans);
    }
    for name in form.group_types.keys() {
        claim_group_type(&mut types, name, spans);
    }
    html_ids(form, &root, spans, diagnostics);
}

/// Checks the Rust types of one module's own definitions, which go together into the
/// crate's `shared` module when several forms use them. `instances` are the group types
/// lowered on their own; `own_types` and `own_codelists` the module's definitions.
pub fn check_definitions(
    instances: &[Item],
    own_types: &BTreeSet<String>,
    own_codelists: &BTreeSet<String>,
    spans: &Spans,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let items: Vec<&Item> = instances.iter().collect();
    siblings(&items, &[], spans, diagnostics);
    let mut types = Namespace::new("Rust type", diagnostics);
    rust_types(&mut types, &items, &[], &[], None, spans, &|name| own_types.contains(name));
    for name in own_codelists {
        claim_codelist(&mut types, name, spans);
    }
    for name in own_types {
        claim_group_type(&mut types, name, spans);
    }
}

/// Forms whose Rust modules (and file names on a case-insensitive file system) coincide.
pub fn check_form_names(forms: &[(&str, Span)], diagnostics: &mut Vec<Diagnostic>) {
    let mut modules = Namespace::new("Rust module", diagnostics);
    for (name, span) in forms {
        modules.claim(
            rust_names::module_text(name),
            name.to_string(),
            format!("form `{name}`"),
            *span,
            "forms name Rust modules and files, which are lower case (or case-insensitive): rename one of the forms"
                .to_string(),
        );
    }
}

/// Modules with definitions whose shared Rust module would coincide (`common.person` and
/// `common_person`). `modules` holds each module with the span of its first definition.
pub fn check_module_names(modules: &[(&str, Span)], diagnostics: &mut Vec<Diagnostic>) {
    let mut shared = Namespace::new("shared Rust module", diagnostics);
    for (module, span) in modules {
        shared.claim(
            rust_names::field_text(&module.replace('.', "_")),
            module.to_string(),
            format!("the definitions of module `{module}`"),
            *span,
            "the shared module of a module joins its path with `_` in lower case; rename one of the files".to_string(),
        );
    }
}

fn claim_codelist(types: &mut Namespace, name: &str, spans: &Spans) {
    types.claim(
        rust_names::type_name_text(&[name]),
        format!("list:{name}"),
        format!("code list `{name}`"),
        spans.codelists.get(name).copied().unwrap_or_default(),
        format!("rename the code list, e.g. `{name}Liste`"),
    );
}

fn claim_group_type(types: &mut Namespace, name: &str, spans: &Spans) {
    types.claim(
        rust_names::type_name_text(&[name]),
        format!("type:{name}"),
        format!("group type `{name}`"),
        spans.group_types.get(name).copied().unwrap_or_default(),
        format!("rename the group type, e.g. `{name}Typ`"),
    );
}

/// Members of one object that differ only in letter case; recursively for every object.
fn siblings(items: &[&Item], path: &[String], spans: &Spans, diagnostics: &mut Vec<Diagnostic>) {
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    for item in items {
        let name = item.name();
        let member = child(path, name);
        let lower = name.to_ascii_lowercase();
        match seen.get(&lower) {
            Some(first) if *first != name => {
                let span = spans.members.get(&member).copied().unwrap_or_default();
                let mut diagnostic = Diagnostic::new(
                    Code::NameCollision,
                    format!("`{name}` and `{first}` differ only in letter case"),
                    span,
                    format!("the Rust field and HTML id `{lower}`, like `{first}`"),
                )
                .with_help(format!(
                    "Rust fields and HTML ids are lower case, so names in one group must differ in more than \
                     case: rename one of them, e.g. `{}`",
                    unused_variant(&lower, &seen)
                ));
                if let Some(first_span) = spans.members.get(&child(path, first)) {
                    diagnostic = diagnostic.with_note(*first_span, format!("`{first}` declared here"));
                }
                diagnostics.push(diagnostic);
            }
            Some(_) => {}
            None => {
                seen.insert(lower, name);
            }
        }
        let children: Vec<&Item> = item.children().iter().collect();
        if !children.is_empty() {
            siblings(&children, &member, spans, diagnostics);
        }
    }
}

/// `name_2` (or `_3`, …), whichever no sibling has yet.
fn unused_variant(lower: &str, seen: &BTreeMap<String, &str>) -> String {
    (2..).map(|n| format!("{lower}_{n}")).find(|candidate| !seen.contains_key(candidate)).unwrap_or_default()
}

fn child(path: &[String], name: &str) -> ir::Path {
    let mut out = path.to_vec();
    out.push(name.to_string());
    out
}

fn display(path: &[String]) -> String {
    path.join(".")
}

/// Claims the Rust type of every group and repeat item below `items`, named as the Rust
/// backend names them: a group type's own name, else the enclosing `naming` plus the name
/// (plus `item` for a repeat). Instances of types for which `own` is false are skipped;
/// `in_type` is the group type whose members these are, if any.
fn rust_types(
    types: &mut Namespace,
    items: &[&Item],
    naming: &[String],
    path: &[String],
    in_type: Option<&str>,
    spans: &Spans,
    own: &dyn Fn(&str) -> bool,
) {
    for item in distinct_in_case(items) {
        let (of, is_repeat) = match item {
            Item::Group(group) => (group.of.as_deref(), false),
            Item::Repeat(repeat) => (repeat.of.as_deref(), true),
            _ => continue,
        };
        let member = child(path, item.name());
        let children: Vec<&Item> = item.children().iter().collect();
        if let Some(type_name) = of {
            if own(type_name) {
                claim_group_type(types, type_name, spans);
                rust_types(types, &children, &[type_name.to_string()], &member, Some(type_name), spans, own);
            }
            continue;
        }
        let parts = child(naming, item.name());
        let mut name_parts: Vec<&str> = parts.iter().map(String::as_str).collect();
        if is_repeat {
            name_parts.push("item");
        }
        let kind = if is_repeat { "the items of repeat" } else { "group" };
        let (what, key) = match in_type {
            Some(type_name) => (
                format!("{kind} `{}` of group type `{type_name}`", display(&parts[1..])),
                format!("{kind}:type:{}", display(&parts)),
            ),
            None => (format!("{kind} `{}`", display(&parts)), format!("{kind}:form:{}", display(&parts))),
        };
        types.claim(
            rust_names::type_name_text(&name_parts),
            key,
            what,
            spans.members.get(&member).copied().unwrap_or_default(),
            format!(
                "a Rust type joins the names of its path in CamelCase, so `_` and `.` between them do not count: \
                 rename `{}`, e.g. to `{}_2`",
                item.name(),
                item.name()
            ),
        );
        rust_types(types, &children, &parts, &member, in_type, spans, own);
    }
}

/// The items without those whose name differs from an earlier one only in case (which
/// `siblings` reports once, instead of once per target).
fn distinct_in_case<'i>(items: &[&'i Item]) -> Vec<&'i Item> {
    let mut seen = BTreeSet::new();
    items.iter().copied().filter(|item| seen.insert(item.name().to_ascii_lowercase())).collect()
}

/// The ids the page itself uses, besides those derived from names.
fn page_ids(form: &ir::Form) -> Vec<(String, &'static str)> {
    vec![
        ("inhalt".to_string(), "the main content"),
        ("hinweis-aktion".to_string(), "the notice after an action"),
        ("fehlerzusammenfassung".to_string(), "the error summary"),
        ("fehlerzusammenfassung-titel".to_string(), "the title of the error summary"),
        ("aktion-weiter".to_string(), "the button to go on"),
        ("aktion-weiter-standard".to_string(), "the default button"),
        ("aktion-zurueck".to_string(), "the button to go back"),
        (format!("formular-{}", form.id.to_ascii_lowercase()), "the form element"),
    ]
}

/// The ids a node derives from its own id, with what each is for: only those that a name
/// could repeat (suffixes that are names; repeat items are numbered, written `N`).
fn derived_ids(item: &Item) -> Vec<(&'static str, &'static str)> {
    let mut out = Vec::new();
    match item {
        Item::Field(field) => {
            out.push(("fehler", "error"));
            out.push(("info", "length or file information"));
            let default_hint = matches!(field.ty, FieldType::Date | FieldType::MultipleChoice { .. });
            if field.hint.is_some() || default_hint {
                out.push(("hinweis", "hint"));
            }
            if field.visible.is_some() {
                out.push(("bereich", "conditional panel"));
            }
            if field.ty == FieldType::Date {
                out.extend([("tag", "day input"), ("monat", "month input"), ("jahr", "year input")]);
            }
            if field.ty == FieldType::File {
                out.push(("entfernen", "remove button"));
            }
        }
        Item::Group(group) => {
            out.push(("fehler", "error"));
            if group.hint.is_some() {
                out.push(("hinweis", "hint"));
            }
            if group.visible.is_some() {
                out.push(("bereich", "conditional panel"));
            }
        }
        Item::Repeat(repeat) => {
            out.push(("fehler", "error"));
            out.push(("hinzufuegen", "add button"));
            out.push(("N", "item"));
            out.push(("N-entfernen", "item's remove button"));
            out.push(("N-fehler", "item's error"));
            if repeat.hint.is_some() {
                out.push(("hinweis", "hint"));
            }
            if repeat.max.is_some() {
                out.push(("info", "item limit"));
            }
            if repeat.visible.is_some() {
                out.push(("bereich", "conditional panel"));
            }
        }
        Item::Info(info) => {
            if info.visible.is_some() {
                out.push(("bereich", "conditional panel"));
            }
        }
    }
    out
}

fn html_ids(form: &ir::Form, root: &[&Item], spans: &Spans, diagnostics: &mut Vec<Diagnostic>) {
    let mut ids = Namespace::new("HTML id", diagnostics);
    for (id, what) in page_ids(form) {
        ids.claim(id.clone(), format!("page:{id}"), what.to_string(), Span::default(), String::new());
    }
    html_walk(&mut ids, root, "", &[], spans);
}

/// Claims the id of every item below `items` and the ids it derives; `prefix` is the id of
/// the enclosing object (with `-N` for a repeat's items), empty at the top.
fn html_walk(ids: &mut Namespace, items: &[&Item], prefix: &str, path: &[String], spans: &Spans) {
    for item in distinct_in_case(items) {
        let member = child(path, item.name());
        let id = if prefix.is_empty() {
            item.name().to_ascii_lowercase()
        } else {
            format!("{prefix}-{}", item.name().to_ascii_lowercase())
        };
        let span = spans.members.get(&member).copied().unwrap_or_default();
        let name = display(&member);
        let help = format!(
            "HTML ids are the lower-case path joined by `-`, and each element derives ids such as `…-hinweis` and \
             `…-fehler` from its own; rename `{}`, e.g. to `{}_angabe`",
            item.name(),
            item.name()
        );
        ids.claim(id.clone(), format!("item:{name}"), format!("`{name}`"), span, help.clone());
        for (suffix, what) in derived_ids(item) {
            ids.claim(
                format!("{id}-{suffix}"),
                format!("derived:{name}:{suffix}"),
                format!("the {what} of `{name}`"),
                span,
                help.clone(),
            );
        }
        let children: Vec<&Item> = item.children().iter().collect();
        let child_prefix = if matches!(item, Item::Repeat(_)) { format!("{id}-N") } else { id };
        html_walk(ids, &children, &child_prefix, &member, spans);
    }
}
