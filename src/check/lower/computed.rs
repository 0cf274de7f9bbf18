//! `value <expr>`: a read-only field whose value is computed from other answers.
//!
//! The field is never asked of the citizen, so `required`, `optional`, `default`,
//! `prefill from`, `must be true` and `control` contradict it (`E0310`). Integer, decimal,
//! money, boolean and date fields can be computed; the expression is lowered once the tree
//! is complete, to the field's type (`Lowerer::computed`). Computed fields whose values
//! depend on each other in a circle are `E0311`.

use std::collections::BTreeMap;

use super::FormLowering;
use super::Slot;
use crate::check::props::Props;
use crate::diag::{Code, Diagnostic};
use crate::ir::{self, FieldType};
use crate::source::Span;
use crate::syntax::ast::{self, Flag};

impl<'a> FormLowering<'a, '_> {
    /// The placeholder of a computed field's expression (lowered later), after reporting
    /// what contradicts it; `None` when the field's type cannot be computed.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn computed_field(
        &mut self,
        expr: &'a ast::Expr,
        span: Span,
        ty: &FieldType,
        flag: Option<(Flag, Span)>,
        must_flag: Option<Span>,
        props: &Props<'a>,
        node: &[String],
        scope: &[String],
        boundary: usize,
    ) -> Option<ir::Expr> {
        if !matches!(
            ty,
            FieldType::Integer | FieldType::Decimal | FieldType::Money | FieldType::Boolean | FieldType::Date
        ) {
            self.diagnostics.push(
                Diagnostic::new(
                    Code::NotApplicable,
                    "only integer, decimal, money, boolean and date fields can be computed",
                    span,
                    "not computable",
                )
                .with_help("compute a number, an amount, a yes/no answer or a date; a text is asked of the citizen"),
            );
            return None;
        }
        let mut conflicts: Vec<(&str, Span)> = Vec::new();
        match flag {
            Some((Flag::Required, s)) => conflicts.push(("required", s)),
            Some((Flag::Optional, s)) => conflicts.push(("optional", s)),
            _ => {}
        }
        if let Some((_, s)) = props.required {
            conflicts.push(("required", s));
        }
        if let Some(s) = props.optional {
            conflicts.push(("optional", s));
        }
        if let Some(s) = must_flag.or(props.must_be_true) {
            conflicts.push(("must be true", s));
        }
        if let Some(value) = props.default {
            conflicts.push(("default", value.span));
        }
        if let Some((_, _, s)) = props.prefill {
            conflicts.push(("prefill from", s));
        }
        if let Some(control) = props.control {
            conflicts.push(("control", control.span));
        }
        for (keyword, at) in conflicts {
            self.diagnostics.push(
                Diagnostic::new(
                    Code::ComputedConflict,
                    format!("a computed field cannot also have `{keyword}`"),
                    at,
                    "contradicts `value`",
                )
                .with_note(span, "the value is computed here")
                .with_help(format!(
                    "the citizen does not answer a computed field: remove `{keyword}` (while the value cannot be computed, the field is absent)"
                )),
            );
        }
        self.computed.push((node.to_vec(), span));
        self.defer(Some(expr), node, Slot::Computed, scope, boundary)
    }

    /// Reports computed fields whose values depend on each other in a circle (and removes
    /// their expressions, so that nothing downstream meets a circle).
    pub(super) fn check_computed(&mut self, form: &mut ir::Form) {
        let spans: BTreeMap<ir::Path, Span> = std::mem::take(&mut self.computed).into_iter().collect();
        if spans.is_empty() {
            return;
        }
        let mut reads: BTreeMap<ir::Path, Vec<ir::Path>> = BTreeMap::new();
        fn walk(items: &[ir::Item], path: &mut Vec<String>, reads: &mut BTreeMap<ir::Path, Vec<ir::Path>>) {
            for item in items {
                path.push(item.name().to_string());
                if let ir::Item::Field(ir::Field { computed: Some(expr), .. }) = item {
                    let mut paths = Vec::new();
                    expr.read_paths(&mut paths);
                    reads.insert(path.clone(), paths.into_iter().cloned().collect());
                }
                walk(item.children(), path, reads);
                path.pop();
            }
        }
        for page in &form.pages {
            walk(&page.items, &mut Vec::new(), &mut reads);
        }
        let mut reported: Vec<ir::Path> = Vec::new();
        for start in reads.keys() {
            if reported.contains(start) {
                continue;
            }
            let Some(cycle) = cycle_from(start, &reads) else { continue };
            let span = spans.get(start).copied();
            if let Some(span) = span {
                let names: Vec<String> = cycle.iter().map(|p| format!("`{}`", p.join("."))).collect();
                let help = if cycle.len() <= 2 {
                    "the expression reads the field's own value: compute it from other answers".to_string()
                } else {
                    format!("{} compute each other: let one of them be answered by the citizen", names.join(" → "))
                };
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::ComputedCycle,
                        format!("the computed value of `{}` depends on itself", start.join(".")),
                        span,
                        "in a circle",
                    )
                    .with_help(help),
                );
            }
            reported.extend(cycle);
        }
        for path in reported {
            if let Some(ir::Item::Field(field)) = crate::check::tree::node_mut(&mut form.pages, &path) {
                field.computed = None;
            }
        }
    }
}

/// The computed fields of a circle through `start` (from `start` back to it), if any: a
/// depth-first search over what each computed field reads, bounded by the form.
fn cycle_from(start: &ir::Path, reads: &BTreeMap<ir::Path, Vec<ir::Path>>) -> Option<Vec<ir::Path>> {
    let mut stack: Vec<(ir::Path, usize)> = vec![(start.clone(), 0)];
    let mut visited: Vec<ir::Path> = Vec::new();
    while let Some((node, next)) = stack.pop() {
        let Some(targets) = reads.get(&node) else { continue };
        let Some(target) = targets.get(next) else { continue };
        stack.push((node, next + 1));
        if target == start {
            let mut cycle: Vec<ir::Path> = stack.iter().map(|(p, _)| p.clone()).collect();
            cycle.push(start.clone());
            return Some(cycle);
        }
        if reads.contains_key(target) && !visited.contains(target) {
            visited.push(target.clone());
            stack.push((target.clone(), 0));
        }
    }
    None
}
