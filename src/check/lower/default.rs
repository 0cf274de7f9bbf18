//! `default <value>`: the value a field starts with on a fresh page.
//!
//! The value is a constant of the field's type (a code for a choice, `true`/`false` for a
//! boolean, a number, a date, a text). Once the form is finished it must pass the field's own
//! checks exactly as the reference validator defines them (length, pattern, bounds,
//! decimals, formats), so that a citizen who keeps it is never told it is wrong. A
//! declaration (`must be true`) cannot start confirmed, a multiple choice or a file has no
//! default, and a field in a repeat has none (items are added by the citizen).

use super::FormLowering;
use crate::check::codelist;
use crate::check::tree::Tree;
use crate::diag::{Code, Diagnostic};
use crate::ir::{self, FieldType, Literal};
use crate::syntax::ast::{self, ExprKind, UnaryOp};

impl<'a> FormLowering<'a, '_> {
    /// The default of a field of type `ty` at `node`, typed; checked against the finished
    /// form later ([`FormLowering::check_defaults`]).
    pub(super) fn default(
        &mut self,
        value: &'a ast::Expr,
        ty: &FieldType,
        constraints: &ir::Constraints,
        node: &[String],
    ) -> Option<Literal> {
        let not_applicable = |help: &str| {
            Diagnostic::new(Code::NotApplicable, "this field cannot have a `default`", value.span, "no default here")
                .with_help(help.to_string())
        };
        if constraints.must_be_true {
            self.diagnostics
                .push(not_applicable("a declaration must be confirmed by the citizen: it always starts unconfirmed"));
            return None;
        }
        let literal = match (ty, &value.kind) {
            (FieldType::MultipleChoice { .. }, _) => {
                self.diagnostics.push(not_applicable(
                    "a multiple choice starts with nothing chosen, so that every chosen option is the citizen's",
                ));
                return None;
            }
            (FieldType::File | FieldType::Files, _) => {
                self.diagnostics.push(not_applicable("a file is always uploaded by the citizen"));
                return None;
            }
            (FieldType::Choice { codelist }, ExprKind::Str(code)) => {
                let codes = self.codelists.get(codelist).map(|(_, list)| list.codes.as_slice()).unwrap_or_default();
                if !codes.iter().any(|c| &c.code == code) {
                    self.diagnostics.push(codelist::unknown_code(codelist, codes, code, value.span));
                    return None;
                }
                Literal::Code(code.clone())
            }
            (FieldType::Boolean, ExprKind::Bool(b)) => Literal::Bool(*b),
            (FieldType::Integer | FieldType::Decimal | FieldType::Money, ExprKind::Number(n)) => {
                Literal::Number(n.clone())
            }
            (
                FieldType::Integer | FieldType::Decimal | FieldType::Money,
                ExprKind::Unary { op: UnaryOp::Neg, operand },
            ) if matches!(operand.kind, ExprKind::Number(_)) => {
                let ExprKind::Number(n) = &operand.kind else { return None };
                Literal::Number(format!("-{n}"))
            }
            (FieldType::Date, ExprKind::Date(date)) => Literal::Date(date.clone()),
            (FieldType::Date, ExprKind::Today) => {
                self.diagnostics.push(
                    Diagnostic::new(Code::InvalidBound, "a default is a fixed value", value.span, "changes every day")
                        .with_help("write a date such as `default 2026-01-01`, or leave the field empty"),
                );
                return None;
            }
            (
                FieldType::Text
                | FieldType::Multiline
                | FieldType::Email
                | FieldType::Phone
                | FieldType::Iban
                | FieldType::Postcode,
                ExprKind::Str(text),
            ) => Literal::Text(text.clone()),
            _ => {
                let wanted = match ty {
                    FieldType::Choice { .. } => "a code in quotes, e.g. `default \"DE\"`",
                    FieldType::Boolean => "`true` or `false`",
                    FieldType::Integer | FieldType::Decimal | FieldType::Money => "a number, e.g. `default 1`",
                    FieldType::Date => "a date, e.g. `default 2026-01-01`",
                    _ => "a text in quotes",
                };
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::TypeMismatch,
                        "the default is not a value of the field's type",
                        value.span,
                        "wrong type",
                    )
                    .with_help(format!("write {wanted}")),
                );
                return None;
            }
        };
        if let (FieldType::Integer, Literal::Number(n)) = (ty, &literal) {
            if !crate::value::Decimal::parse(n).is_some_and(|d| d.is_integer()) || n.parse::<i64>().is_err() {
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::TypeMismatch,
                        format!("{n} is not a whole number"),
                        value.span,
                        "not an integer",
                    )
                    .with_help("an integer field's default is a whole number, e.g. `default 1`"),
                );
                return None;
            }
        }
        self.defaults.push((node.to_vec(), value.span));
        Some(literal)
    }

    /// Checks the defaults against the finished form with the reference validator, all at
    /// once as a fresh page submits them (`Form::initial_values`): the violations at a field
    /// with a default (not `required`, `hidden` or `computed`, which concern other fields,
    /// conditions and `value`, a conflict of its own; not bounds relative to today, which
    /// move) are errors. One validation, bounded by the form.
    pub(super) fn check_defaults(&mut self, form: &mut ir::Form) {
        let defaults = std::mem::take(&mut self.defaults);
        if defaults.is_empty() {
            return;
        }
        let mut checked = Vec::new();
        for (node, span) in defaults {
            if (Tree { pages: &form.pages }).repeats_on(&node).is_empty() {
                checked.push((node, span));
                continue;
            }
            self.diagnostics.push(
                Diagnostic::new(
                    Code::NotApplicable,
                    "a field in a repeat cannot have a `default`",
                    span,
                    "in a repeat",
                )
                .with_help("items are added by the citizen and start empty; name the usual answer in the `hint`"),
            );
            clear_default(form, &node);
        }
        let options = crate::validate::Options { today: crate::value::Date::parse("2026-01-01").expect("a date") };
        let report = crate::validate::validate(form, &form.initial_values(), &options);
        for (node, span) in checked {
            let Some(ir::Item::Field(field)) = (Tree { pages: &form.pages }).node(&node) else { continue };
            let relative = |bound: &Option<ir::Bound>| matches!(bound, Some(ir::Bound::Today { .. }));
            let (min_moves, max_moves) = (relative(&field.constraints.min), relative(&field.constraints.max));
            let pointer: String = node.iter().map(|n| format!("/{}", crate::validate::pointer_segment(n))).collect();
            let broken: Vec<String> = report
                .violations
                .iter()
                .filter(|v| v.pointer == pointer)
                .filter(|v| !matches!(v.code.as_str(), "required" | "hidden" | "computed"))
                .filter(|v| !(v.code == "minimum" && min_moves || v.code == "maximum" && max_moves))
                .map(|v| format!("`{}`", v.code))
                .collect();
            if !broken.is_empty() {
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::InvalidBound,
                        format!(
                            "the default is not a valid value of `{}` (it breaks {})",
                            node.join("."),
                            broken.join(", ")
                        ),
                        span,
                        "invalid default",
                    )
                    .with_help(
                        "a citizen who keeps the default must not be told it is wrong: give a value the field accepts",
                    ),
                );
                clear_default(form, &node);
            }
        }
    }
}

fn clear_default(form: &mut ir::Form, node: &[String]) {
    if let Some(ir::Item::Field(field)) = crate::check::tree::node_mut(&mut form.pages, node) {
        field.default = None;
    }
}
