//! FIM references and their metadata: `fim "F60000227" version "1.2" { … }` lowered to
//! [`ir::FimRef`] with its [`ir::FimMeta`].
//!
//! ```text
//! field geburtsdatum: date "Geburtsdatum" {
//!   fim "F60000227" version "1.2" {
//!     name "Geburtsdatum"
//!     bezug "§ 3 Abs. 1 Nr. 6 BMG" link "https://www.gesetze-im-internet.de/bmg/__3.html"
//!     output label "Geburtsdatum"
//!     element "HAR"
//!     rule "R00000002589" version "1.0.0" { name "Alter" text "Das Datum liegt in der Vergangenheit." kind "V" }
//!   }
//! }
//! ```
//!
//! Which entry is allowed where is decided by `props` (`document` only in a form's block, a
//! rule's `fim` takes no block); here the values are checked: ids have the FIM shape (a
//! letter and digits), versions are versions, `element`, `prefill` and a rule's `kind` take
//! only the values of their FIM code lists. Nothing here changes what a form accepts.

use std::collections::BTreeMap;

use super::props::{self, Context};
use crate::diag::{Code, Diagnostic};
use crate::ir;
use crate::source::Span;
use crate::syntax::ast::{self, FimKey, StmtKind};

/// Where a `fim` statement stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    Form,
    /// A group, repeat, field or info.
    Element,
    /// A Formwerk rule translated from a FIM rule: id and version only.
    Rule,
}

/// `schemaelementart`: abstract, harmonised, legal-norm derived.
const ELEMENT_KINDS: [&str; 3] = ["ABS", "HAR", "RNG"];
/// `vorbefuellung`.
const PREFILL: [&str; 3] = ["keine", "optional", "verpflichtend"];
/// The `anzahl` FIM gives a single element; a repeat states its own counts.
/// `0:*` and `1:*` only on a file field that takes the most files the language allows
/// (`count ..100`): FIM's unbounded number of files (checked where the field is lowered).
const MULTIPLICITY: [&str; 4] = ["0:1", "1:1", "0:*", "1:*"];
/// `regeltyp`.
const RULE_KINDS: [&str; 4] = ["B", "K", "M", "V"];

/// Lowers one `fim` statement; `None` (with a diagnostic) when the id is not a FIM id.
pub fn lower(
    (id, version, body): (&ast::StringLit, Option<&ast::StringLit>, Option<&ast::Block>),
    place: Place,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<ir::FimRef> {
    let valid_id = fim_id(id, "SGFCDRV", diagnostics);
    let version = version.filter(|v| super::lower::check_version(v, diagnostics)).map(|v| v.value.clone());
    let meta = match body {
        Some(block) if place == Place::Rule => {
            diagnostics.push(
                Diagnostic::new(
                    Code::MisplacedStatement,
                    "a rule's `fim` takes no metadata block",
                    block.span,
                    "not allowed here",
                )
                .with_help(
                    "a rule's `fim` names the FIM rule it was translated from; its texts belong in the `fim` block of the element that holds the FIM rule",
                ),
            );
            None
        }
        Some(block) => {
            let context = if place == Place::Form { Context::FimForm } else { Context::Fim };
            Some(Box::new(meta(&block.stmts, context, diagnostics)))
        }
        None => None,
    };
    valid_id.then(|| ir::FimRef { id: id.value.clone(), version, meta })
}

fn meta(stmts: &[ast::Stmt], context: Context, diagnostics: &mut Vec<Diagnostic>) -> ir::FimMeta {
    let props = props::collect(stmts, context, diagnostics);
    let mut meta = ir::FimMeta {
        bezug: bezug(&props),
        output_label: props.output_label.map(|s| s.value.clone()),
        output_hint: props.output_hint.map(|s| s.value.clone()),
        locked: props.locked.is_some(),
        ..ir::FimMeta::default()
    };
    for (key, value) in &props.fim_entries {
        let text = Some(value.value.clone());
        match key {
            FimKey::Name => meta.name = text,
            FimKey::Definition => meta.definition = text,
            FimKey::Element => {
                meta.element = one_of(value, "element", &ELEMENT_KINDS, diagnostics).then_some(value.value.clone())
            }
            FimKey::Prefill => {
                meta.prefill = one_of(value, "prefill", &PREFILL, diagnostics).then_some(value.value.clone())
            }
            FimKey::Multiplicity => {
                meta.multiplicity =
                    one_of(value, "multiplicity", &MULTIPLICITY, diagnostics).then_some(value.value.clone())
            }
            // Rule entries: misplaced here, already reported by `props`.
            FimKey::Text | FimKey::Script | FimKey::Kind => {}
        }
    }
    if let Some((id, version)) = props.document {
        let version = version.filter(|v| super::lower::check_version(v, diagnostics)).map(|v| v.value.clone());
        if fim_id(id, "D", diagnostics) {
            meta.document = Some(ir::FimId { id: id.value.clone(), version });
        }
    }
    if let Some((urn, version)) = props.fim_codelist {
        // A code list's version is the publisher's (often a date), not a FIM version.
        meta.codelist = Some(ir::FimCodelistRef { urn: urn.value.clone(), version: version.map(|v| v.value.clone()) });
    }
    let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
    for stmt in &props.fim_rules {
        let StmtKind::FimRule { id, version, body } = &stmt.kind else { continue };
        if let Some(first) = seen.get(id.value.as_str()) {
            diagnostics.push(
                Diagnostic::new(
                    Code::DuplicateProperty,
                    format!("FIM rule \"{}\" is given twice", id.value),
                    id.span,
                    "second time",
                )
                .with_note(*first, "first given here")
                .with_help("keep one entry per FIM rule id"),
            );
            continue;
        }
        seen.insert(&id.value, id.span);
        if let Some(rule) = rule(id, version, body.as_ref(), diagnostics) {
            meta.rules.push(rule);
        }
    }
    meta
}

fn rule(
    id: &ast::StringLit,
    version: &Option<ast::StringLit>,
    body: Option<&ast::Block>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<ir::FimRule> {
    let valid = fim_id(id, "R", diagnostics);
    let version = version.as_ref().filter(|v| super::lower::check_version(v, diagnostics)).map(|v| v.value.clone());
    let stmts = body.map(|b| b.stmts.as_slice()).unwrap_or_default();
    let props = props::collect(stmts, Context::FimRule, diagnostics);
    let mut rule = ir::FimRule {
        id: id.value.clone(),
        version,
        name: None,
        text: None,
        script: None,
        kind: None,
        bezug: bezug(&props),
    };
    for (key, value) in &props.fim_entries {
        let text = Some(value.value.clone());
        match key {
            FimKey::Name => rule.name = text,
            FimKey::Text => rule.text = text,
            FimKey::Script => rule.script = text,
            FimKey::Kind => rule.kind = one_of(value, "kind", &RULE_KINDS, diagnostics).then_some(value.value.clone()),
            FimKey::Definition | FimKey::Element | FimKey::Prefill | FimKey::Multiplicity => {}
        }
    }
    valid.then_some(rule)
}

fn bezug(props: &props::Props) -> Vec<ir::FimBezug> {
    props
        .bezug
        .iter()
        .map(|(text, link)| ir::FimBezug { text: text.value.clone(), link: link.map(|l| l.value.clone()) })
        .collect()
}

/// Whether `value` is one of `allowed`; reports it otherwise.
fn one_of(value: &ast::StringLit, key: &str, allowed: &[&str], diagnostics: &mut Vec<Diagnostic>) -> bool {
    if allowed.contains(&value.value.as_str()) {
        return true;
    }
    let list = allowed.iter().map(|a| format!("\"{a}\"")).collect::<Vec<_>>().join(", ");
    diagnostics.push(
        Diagnostic::new(
            Code::InvalidLiteral,
            format!("\"{}\" is not a FIM `{key}`", value.value),
            value.span,
            "not in the FIM code list",
        )
        .with_help(format!("`{key}` takes one of {list}")),
    );
    false
}

/// Whether `id` is a FIM id: one of `letters` followed by at least five digits.
fn fim_id(id: &ast::StringLit, letters: &str, diagnostics: &mut Vec<Diagnostic>) -> bool {
    let value = id.value.as_str();
    let mut chars = value.chars();
    let valid =
        chars.next().is_some_and(|c| letters.contains(c)) && value.len() >= 6 && chars.all(|c| c.is_ascii_digit());
    if !valid {
        let help = if letters.len() == 1 {
            format!("this FIM id starts with `{letters}` and continues with digits, e.g. \"{letters}00000002589\"")
        } else {
            "FIM ids are a letter (S schema, G group, F field, C code list, D document, R rule) and digits, e.g. \"F60000227\"".to_string()
        };
        diagnostics.push(
            Diagnostic::new(Code::InvalidLiteral, format!("\"{value}\" is not a FIM id"), id.span, "invalid FIM id")
                .with_help(help),
        );
    }
    valid
}
