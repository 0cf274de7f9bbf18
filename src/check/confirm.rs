//! Declarations that must be confirmed: `must be true` on a boolean field.
//!
//! ```text
//! field richtigkeit: boolean "Ich versichere, dass meine Angaben richtig sind." must be true
//! ```
//!
//! `must be true` says what the value must be, in the words every target uses (JSON Schema
//! `const: true`, the validators' `not_confirmed`): the field is required (unless the author
//! narrows it with `required when …`) and shown as a single checkbox, whose unticked state
//! is absent. This module decides where it may stand and what it implies, and warns about a
//! required checkbox without it, which accepts `false` in JSON but not from a browser.

use crate::check::props::Props;
use crate::diag::{Code, Diagnostic};
use crate::ir::{Control, FieldType, Requirement};
use crate::source::Span;
use crate::syntax::ast;

/// The span of `must be true` (inline or in the block) if it applies to a field of `ty`.
pub fn must_be_true(
    inline: Option<Span>,
    props: &Props,
    ty: &FieldType,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Span> {
    let span = match (inline, props.must_be_true) {
        (Some(first), Some(second)) => {
            diagnostics.push(
                Diagnostic::new(Code::DuplicateProperty, "`must be true` is given twice", second, "second time")
                    .with_note(first, "first given here")
                    .with_help("keep one `must be true`"),
            );
            first
        }
        (Some(span), None) | (None, Some(span)) => span,
        (None, None) => return None,
    };
    if *ty != FieldType::Boolean {
        diagnostics.push(
            Diagnostic::new(
                Code::NotApplicable,
                "`must be true` applies only to boolean fields",
                span,
                "not a boolean",
            )
            .with_help("a value of another type is constrained with `min`, `max`, `length` or `pattern`"),
        );
        return None;
    }
    Some(span)
}

/// Applies `must be true` (at `span`): required unless narrowed, shown as a checkbox.
pub fn lower(
    span: Span,
    optional: Option<Span>,
    props: &Props,
    required: &mut Requirement,
    control: &mut Option<Control>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if let Some(optional) = optional {
        diagnostics.push(
            Diagnostic::new(
                Code::ConflictingProperties,
                "a declaration that must be true cannot be optional",
                optional,
                "optional",
            )
            .with_note(span, "must be true")
            .with_help(
                "remove `optional`; `must be true` makes the field required (narrow it with `required when …`), \
                 or remove `must be true` if ticking the box is up to the citizen",
            ),
        );
    }
    if *required == Requirement::Never {
        *required = Requirement::Always;
    }
    match control {
        None => *control = Some(Control::Checkbox),
        Some(Control::Checkbox) => {}
        Some(_) => {
            let at = props.span_of("control").unwrap_or(span);
            diagnostics.push(
                Diagnostic::new(
                    Code::ConflictingProperties,
                    "a declaration that must be true is a single checkbox",
                    at,
                    "not a checkbox",
                )
                .with_note(span, "must be true")
                .with_help(
                    "remove the `control` statement (a declaration is shown as a checkbox), or remove \
                     `must be true` to ask a yes/no question",
                ),
            );
            *control = Some(Control::Checkbox);
        }
    }
}

/// Warns about a required checkbox that does not have to be ticked.
pub fn warn_unconfirmed(
    name: &ast::Ident,
    ty: &FieldType,
    required: &Requirement,
    control: Option<Control>,
    props: &Props,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if *ty != FieldType::Boolean || control != Some(Control::Checkbox) || *required == Requirement::Never {
        return;
    }
    let at = props.span_of("control").unwrap_or(name.span);
    diagnostics.push(
        Diagnostic::new(
            Code::UnconfirmedDeclaration,
            format!("`{}` is a required checkbox that does not have to be ticked", name.name),
            at,
            "a checkbox accepts `false` here",
        )
        .with_note(name.span, "declared here")
        .with_help(format!(
            "if the citizen must confirm it, write `field {}: boolean \"…\" must be true` (instead of `required` and \
             `control checkbox`); if both answers count, use `control radios`",
            name.name
        )),
    );
}
