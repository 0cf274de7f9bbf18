//! Rules and deferred expressions: once the data tree of a form is complete, every
//! condition and rule is lowered against it and written in place; page conditions are
//! folded into their items; `required when` conditions that can never hold are reported.

use std::collections::BTreeMap;

use super::{FormLowering, PendingRule, Slot, TextSlot};
use crate::check::expr::{Lowerer, Scope};
use crate::check::props::{self, Context};
use crate::check::satisfiable;
use crate::check::tree::{self, Tree};
use crate::check::{fim, names};
use crate::diag::{Code, Diagnostic};
use crate::ir::{self, Item, Requirement};
use crate::source::Span;
use crate::syntax::ast;

impl<'a> FormLowering<'a, '_> {
    pub(super) fn rule(
        &mut self,
        name: &ast::Ident,
        when: Option<&'a ast::Expr>,
        body: &'a ast::Block,
        path: &[String],
        boundary: usize,
    ) {
        names::check_ascii(name, &mut self.diagnostics);
        let props = props::collect(&body.stmts, Context::Rule, &mut self.diagnostics);
        let message = match props.message {
            Some(m) => self.langs.lower(m, &mut self.diagnostics),
            None => {
                self.missing(
                    name.span,
                    &format!("rule `{}` has no `message`", name.name),
                    "add `message \"…\" en \"…\"` for the citizen",
                );
                ir::Text::new()
            }
        };
        let Some(check) = props.check else {
            self.missing(
                name.span,
                &format!("rule `{}` has no `check`", name.name),
                "add `check <condition that must hold>`",
            );
            return;
        };
        // Rules of a shared group type exist once per instance; names must be unique per form.
        let unique =
            if boundary > 0 { format!("{}.{}", path[..boundary].join("."), name.name) } else { name.name.clone() };
        if let Some(first) = self.rule_names.get(&unique) {
            if *first != name.span {
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::DuplicateName,
                        format!("rule `{}` is declared twice", name.name),
                        name.span,
                        "declared again",
                    )
                    .with_note(*first, "first declared here")
                    .with_help("rule names identify violations (`rule:<name>`), so they must be unique in a form"),
                );
                return;
            }
        }
        self.rule_names.insert(unique.clone(), name.span);
        let fim = props.fim.and_then(|f| self.fim(f, fim::Place::Rule));
        let severity = props.severity.map_or(ir::Severity::Error, |level| severity(level, &mut self.diagnostics));
        self.rules.push(PendingRule {
            name: unique,
            scope: path.to_vec(),
            boundary,
            check,
            when,
            at: props.at,
            message,
            severity,
            fim,
        });
    }

    /// Lowers every deferred expression against the finished tree and writes it in place.
    pub(super) fn resolve_expressions(&mut self, pages: &mut [ir::Page]) -> Vec<ir::Rule> {
        let codelists: BTreeMap<String, ir::CodeList> =
            self.codelists.iter().map(|(name, (_, list))| (name.clone(), list.clone())).collect();
        let mut results: Vec<(ir::Path, Slot, Option<ir::Expr>, Span)> = Vec::new();
        let mut rules = Vec::new();
        {
            let tree = Tree { pages };
            let mut lowerer = Lowerer { tree, codelists: &codelists, diagnostics: &mut self.diagnostics };
            for pending in &self.pending {
                let scope = Scope::new(pending.scope.clone(), pending.boundary, &tree);
                let lowered = match (pending.slot, tree.node(&pending.node)) {
                    (Slot::Computed, Some(Item::Field(field))) => lowerer.computed(pending.expr, &scope, &field.ty),
                    (Slot::Computed, _) => None,
                    _ => lowerer.condition(pending.expr, &scope),
                };
                results.push((pending.node.clone(), pending.slot, lowered, pending.expr.span));
            }
            for rule in &self.rules {
                let scope = Scope::new(rule.scope.clone(), rule.boundary, &tree);
                let check = lowerer.condition(rule.check, &scope);
                let when = rule.when.map(|when| lowerer.condition(when, &scope));
                let check = match (check, when) {
                    (Some(check), None) => Some(check),
                    (Some(check), Some(Some(when))) => Some(crate::check::expr::implies(when, check)),
                    _ => None,
                };
                let at = match rule.at {
                    Some(path) => lowerer.target(path, &scope),
                    None => Some(rule.scope.clone()),
                };
                if let (Some(check), Some(at)) = (check, at) {
                    rules.push(ir::Rule {
                        name: rule.name.clone(),
                        scope: rule.scope.clone(),
                        check,
                        at,
                        message: rule.message.clone(),
                        severity: rule.severity,
                        fim: rule.fim.clone(),
                    });
                }
            }
        }
        let mut withins = Vec::new();
        {
            let tree = Tree { pages };
            let mut lowerer = Lowerer { tree, codelists: &codelists, diagnostics: &mut self.diagnostics };
            for pending in &self.withins {
                let scope = Scope::new(pending.scope.clone(), pending.boundary, &tree);
                let Some(Item::Field(field)) = tree.node(&pending.node) else { continue };
                let Some(target) = lowerer.target(pending.path, &scope) else { continue };
                if let Some(path) = within_target(&tree, &codelists, field, target, pending.path, lowerer.diagnostics) {
                    withins.push((pending.node.clone(), path));
                }
            }
        }
        for (node, path) in withins {
            if let Some(Item::Field(field)) = tree::node_mut(pages, &node) {
                field.constraints.within = Some(path);
            }
        }
        self.resolve_templates(pages, &codelists);
        let mut required_spans = Vec::new();
        for (node, slot, expr, span) in results {
            let Some(expr) = expr else {
                // A computed field whose expression failed has no placeholder left behind.
                if let (Slot::Computed, Some(Item::Field(f))) = (slot, tree::node_mut(pages, &node)) {
                    f.computed = None;
                }
                continue;
            };
            if let Slot::PageVisible(index) = slot {
                if let Some(page) = pages.get_mut(index) {
                    page.visible = Some(expr);
                }
                continue;
            }
            let Some(item) = tree::node_mut(pages, &node) else {
                continue;
            };
            match (slot, item) {
                (Slot::Visible, Item::Field(f)) => f.visible = Some(expr),
                (Slot::Visible, Item::Group(g)) => g.visible = Some(expr),
                (Slot::Visible, Item::Repeat(r)) => r.visible = Some(expr),
                (Slot::Visible, Item::Info(i)) => i.visible = Some(expr),
                (Slot::Required, Item::Field(f)) => {
                    f.required = Requirement::When(expr);
                    required_spans.push((node, span));
                }
                (Slot::Required, Item::Group(g)) => g.required = Requirement::When(expr),
                (Slot::Computed, Item::Field(f)) => f.computed = Some(expr),
                _ => {}
            }
        }
        super::tighten::apply_overrides(pages, &self.overrides);
        for page in pages.iter_mut() {
            if let Some(condition) = &page.visible {
                for item in &mut page.items {
                    let slot = match item {
                        Item::Field(f) => &mut f.visible,
                        Item::Group(g) => &mut g.visible,
                        Item::Repeat(r) => &mut r.visible,
                        Item::Info(i) => &mut i.visible,
                    };
                    *slot = Some(match slot.take() {
                        None => condition.clone(),
                        Some(own) => ir::Expr::And { operands: vec![condition.clone(), own] },
                    });
                }
            }
        }
        for (node, span) in required_spans {
            let Some(Item::Field(field)) = Tree { pages }.node(&node) else {
                continue;
            };
            let Requirement::When(condition) = &field.required else {
                continue;
            };
            let mut conditions = vec![condition];
            conditions.extend(field.visible.as_ref());
            if satisfiable::never_true(&conditions) {
                let help = if field.visible.is_some() {
                    "the field is required only under a condition that contradicts when it is shown; require it under the condition it is shown under"
                } else {
                    "the condition contradicts itself, so the field would never be required"
                };
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::UnsatisfiableCondition,
                        format!("`{}` can never be required", field.name),
                        span,
                        "never true",
                    )
                    .with_help(help),
                );
            }
        }
        rules
    }

    /// Resolves the placeholders of every label, hint and info like expression paths (to a
    /// field, the current item's inside a repeat) and writes them as paths from the root.
    fn resolve_templates(&mut self, pages: &mut [ir::Page], codelists: &BTreeMap<String, ir::CodeList>) {
        let mut rewrites: Vec<(ir::Path, TextSlot, BTreeMap<String, String>)> = Vec::new();
        {
            let tree = Tree { pages };
            let mut lowerer = Lowerer { tree, codelists, diagnostics: &mut self.diagnostics };
            for pending in &self.templates {
                let scope = Scope::new(pending.scope.clone(), pending.boundary, &tree);
                let mut resolved = BTreeMap::new();
                for path in &pending.paths {
                    let Some((abs, item)) = lowerer.resolve(path, &scope, false) else { continue };
                    if let Item::Field(_) = item {
                        resolved.insert(path.dotted(), abs.join("."));
                    } else {
                        lowerer.diagnostics.push(
                            Diagnostic::new(
                                Code::InvalidTemplate,
                                format!("`{{{}}}` names a {}, not a field", path.dotted(), kind_name(item)),
                                path.span,
                                "not a field",
                            )
                            .with_help("a placeholder shows one answer: name a field, e.g. `{antragsteller.vorname}`"),
                        );
                    }
                }
                rewrites.push((pending.node.clone(), pending.slot, resolved));
            }
        }
        for (node, slot, resolved) in rewrites {
            let Some(item) = tree::node_mut(pages, &node) else { continue };
            let text = match (slot, item) {
                (TextSlot::Label, Item::Field(f)) => &mut f.label,
                (TextSlot::Label, Item::Group(g)) => &mut g.label,
                (TextSlot::Label, Item::Repeat(r)) => &mut r.label,
                (TextSlot::Hint, Item::Field(ir::Field { hint: Some(hint), .. }))
                | (TextSlot::Hint, Item::Group(ir::Group { hint: Some(hint), .. }))
                | (TextSlot::Hint, Item::Repeat(ir::Repeat { hint: Some(hint), .. })) => hint,
                (TextSlot::Info, Item::Info(i)) => &mut i.text,
                _ => continue,
            };
            for template in text.values_mut() {
                let mut out = String::new();
                for piece in ir::template::pieces(template) {
                    match piece {
                        ir::template::Piece::Text(text) => out.push_str(&ir::template::escape(&text)),
                        ir::template::Piece::Field(path) => {
                            let written = path.join(".");
                            out.push('{');
                            out.push_str(resolved.get(&written).unwrap_or(&written));
                            out.push('}');
                        }
                    }
                }
                *template = out;
            }
        }
    }
}

fn kind_name(item: &Item) -> &'static str {
    match item {
        Item::Field(_) => "field",
        Item::Group(_) => "group",
        Item::Repeat(_) => "repeat",
        Item::Info(_) => "info",
    }
}

/// A rule's `severity`: `error` (the default) or `warning`.
fn severity(level: &ast::Ident, diagnostics: &mut Vec<Diagnostic>) -> ir::Severity {
    match level.name.as_str() {
        "error" => ir::Severity::Error,
        "warning" => ir::Severity::Warning,
        other => {
            let mut diagnostic = Diagnostic::new(
                Code::UnknownSeverity,
                format!("`{other}` is not a severity"),
                level.span,
                "unknown severity",
            );
            diagnostic = match other.to_ascii_lowercase().as_str() {
                "warn" | "warnung" | "hinweis" | "hint" | "info" | "notice" => diagnostic
                    .with_help("write `severity warning`: a hint the citizen may confirm; it never makes a submission invalid"),
                _ => diagnostic.with_help(
                    "write `severity warning` (a hint the citizen may confirm) or `severity error` (the default: a violation)",
                ),
            };
            diagnostics.push(diagnostic);
            ir::Severity::Error
        }
    }
}

/// Checks the answer a field's `within` names: a single choice of the parent list of the
/// field's list (`E0312` otherwise); its path when it is.
fn within_target(
    tree: &Tree,
    codelists: &BTreeMap<String, ir::CodeList>,
    field: &ir::Field,
    target: ir::Path,
    written: &ast::Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<ir::Path> {
    let ir::FieldType::Choice { codelist } = &field.ty else { return None };
    let parent_list = codelists.get(codelist)?.within.as_deref()?;
    let found = match tree.node(&target) {
        Some(Item::Field(ir::Field { ty: ir::FieldType::Choice { codelist: other }, .. })) if other == parent_list => {
            return Some(target);
        }
        Some(Item::Field(ir::Field { ty: ir::FieldType::Choice { codelist: other }, .. })) => {
            format!("a choice of `{other}`")
        }
        Some(Item::Field(ir::Field { ty: ir::FieldType::MultipleChoice { codelist: other }, .. })) => {
            format!("a multiple choice of `{other}`")
        }
        Some(Item::Field(_)) => "not a choice".to_string(),
        _ => "a group or repeat".to_string(),
    };
    diagnostics.push(
        Diagnostic::new(
            Code::InvalidWithin,
            format!("`{}` is {found}, but the parents of `{codelist}` are codes of `{parent_list}`", written.dotted()),
            written.span,
            "not the parent list",
        )
        .with_help(format!(
            "name a single choice of `{parent_list}` (`field …: choice of {parent_list}`) that asks for the parent"
        )),
    );
    None
}
