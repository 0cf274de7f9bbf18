//! Overlays after checking: the projection of an overlay onto its base, and the proof that it
//! accepts only what the base accepts.
//!
//! The checker merges an overlay with its base and lowers it like any form; its IR says what
//! it builds on (`ir::Extends`: the base's id and version, the paths it adds, the rules it
//! adds). Here:
//! - [`project_form`] removes the additions from the overlay's IR: what the base part of every
//!   submission must satisfy;
//! - [`verify`] compares that projection with the base's IR in the submit direction with
//!   `formwerk compat` (`compat::compare_shapes`): every breaking finding is `E0463`, a finding
//!   that cannot be decided a warning, so that every submission the overlay accepts is, with its
//!   additions removed, one the base accepts; `unchecked "reason"` skips it;
//! - [`project_submission`] removes the additions from a submission (the runtime's
//!   `project`, which the generated crate has too).
//!
//! This module depends on `check`, `ir` and `compat`; nothing below the driver depends on it.

use crate::check::Checked;
use crate::compat::{self, Mode, Severity};
use crate::diag::{Code, Diagnostic};
use crate::ir;

/// The overlay's IR without its additions: the fields, groups, repeats and infos it adds and
/// the rules it adds. A page left empty by it is dropped. Other forms are returned unchanged.
pub fn project_form(form: &ir::Form) -> ir::Form {
    let mut projected = form.clone();
    let Some(extends) = form.extends.as_ref() else { return projected };
    fn keep(items: &mut Vec<ir::Item>, at: &[String], extends: &ir::Extends) {
        items.retain(|item| {
            let mut path = at.to_vec();
            path.push(item.name().to_string());
            !extends.additions.contains(&path)
        });
        for item in items.iter_mut() {
            let mut path = at.to_vec();
            path.push(item.name().to_string());
            if let Some(children) = item.children_mut() {
                keep(children, &path, extends);
            }
        }
    }
    // A page that held only additions (a section the overlay adds) goes with them.
    projected.pages.retain_mut(|page| {
        let had_items = !page.items.is_empty();
        keep(&mut page.items, &[], extends);
        !had_items || !page.items.is_empty()
    });
    projected.rules.retain(|rule| !extends.rules.contains(&rule.name));
    projected.id = extends.id.clone();
    projected.version = extends.version.clone();
    projected.extends = None;
    projected
}

/// A submission of the overlay `form` as its base's submission (the value unchanged when the
/// form is no overlay).
pub fn project_submission(form: &ir::Form, value: &serde_json::Value) -> serde_json::Value {
    let mut projected = value.clone();
    if let Some(extends) = &form.extends {
        let paths: Vec<Vec<&str>> =
            extends.additions.iter().map(|path| path.iter().map(String::as_str).collect()).collect();
        let paths: Vec<&[&str]> = paths.iter().map(Vec::as_slice).collect();
        crate::runtime::project::remove_additions(&mut projected, &paths);
    }
    projected
}

/// The findings of the overlay check: the projection of `overlay` against `base`, in the
/// submit direction (old: the overlay's submissions, new: the base's validator).
pub fn findings(overlay: &ir::Form, base: &ir::Form) -> Vec<compat::Finding> {
    let options = compat::Options { mode: Mode::Submit, ..compat::Options::default() };
    compat::compare_shapes(&project_form(overlay), base, &options)
}

/// Adds the overlay check's diagnostics ([`verify`]) to a run without errors, in order: what
/// `check` and `build` do after checking.
pub fn apply(checked: &mut Checked) {
    if !checked.has_errors() {
        let found = verify(checked);
        if !found.is_empty() {
            checked.diagnostics.extend(found);
            crate::diag::sort(&mut checked.diagnostics);
        }
    }
}

/// Checks every overlay among the checked forms against its base: `E0463` for each breaking
/// finding, `W0012` for each that cannot be decided. Located at the overlay's `extends`.
pub fn verify(checked: &Checked) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for (file, form) in &checked.forms {
        let Some(extends) = &form.extends else { continue };
        if extends.unchecked.is_some() {
            continue;
        }
        let Some(base) = checked.bases.get(&extends.id) else { continue };
        let Some(span) = checked
            .program
            .units
            .get(file)
            .and_then(|unit| unit.ast.as_ref())
            .and_then(|ast| ast.forms.first())
            .and_then(|decl| decl.extends.as_ref())
            .map(|e| e.span)
        else {
            continue;
        };
        for finding in findings(form, base) {
            let code = match finding.severity {
                Severity::Error => Code::OverlayBreaksBase,
                Severity::Warning => Code::OverlayMayBreakBase,
                Severity::Info => continue,
            };
            let path = if finding.path.is_empty() { String::new() } else { format!(" at `{}`", finding.path) };
            diagnostics.push(
                Diagnostic::new(
                    code,
                    if code == Code::OverlayBreaksBase {
                        format!("the overlay accepts submissions that `{}` refuses ({}{path})", base.id, finding.rule)
                    } else {
                        format!(
                            "the overlay may accept submissions that `{}` refuses ({}{path})",
                            base.id, finding.rule
                        )
                    },
                    span,
                    "checked against the base",
                )
                .with_help(format!(
                    "{} (overlay → base: {}); narrow or add instead, or skip the check with `unchecked \"reason\"`",
                    finding.message,
                    compat_rule_hint(finding.rule)
                )),
            );
        }
    }
    diagnostics
}

/// What a compat rule means when the overlay's projection is the old side and the base the
/// new one.
fn compat_rule_hint(rule: &str) -> &'static str {
    match rule {
        "field-added" | "group-added" => "the base requires something the overlay leaves out",
        "code-removed" => "the overlay accepts a code the base does not have",
        "requirement-tightened" => "the base requires what the overlay leaves optional",
        "length-tightened" | "bounds-tightened" | "decimals-tightened" | "constraint-tightened" => {
            "the base is narrower than the overlay"
        }
        "type-changed" => "the types differ",
        _ => "see docs/COMPAT.md",
    }
}
