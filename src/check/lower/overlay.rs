//! An overlay's tightenings, applied to the IR of the merged form (see `check::overlay`).
//!
//! `member path { required length min max hidden }` is checked and applied as a `member`
//! block of a shared group type is (`tighten.rs`: only narrower, `loosened-member`
//! otherwise); `hidden` only on a member the base never requires; `codes "A", …` keeps a
//! subset of a choice's codes, as a list of its own (`<List><Path>` in CamelCase), after the
//! base's conditions were read against the base's list.

use std::collections::BTreeMap;

use super::FormLowering;
use crate::check::codelist;
use crate::check::overlay::Plan;
use crate::check::props::{self, Context};
use crate::diag::{Code, Diagnostic};
use crate::ir::{self, Item, Requirement};
use crate::source::{FileId, Span};
use crate::syntax::ast::{StmtKind, StringLit};

/// A `codes` statement to apply once expressions are resolved.
pub(super) struct Narrowing<'a> {
    path: ir::Path,
    codes: &'a [StringLit],
    span: Span,
}

impl<'a> FormLowering<'a, '_> {
    /// Applies the plan's tightenings; returns the code narrowings for later.
    pub(super) fn apply_overlay(&mut self, plan: &'a Plan, pages: &mut [ir::Page]) -> Vec<Narrowing<'a>> {
        let mut narrowings = Vec::new();
        let mut seen: BTreeMap<ir::Path, Span> = BTreeMap::new();
        for stmt in &plan.tightenings {
            let StmtKind::Member { path, body } = &stmt.kind else { continue };
            let names: ir::Path = path.segments.iter().map(|s| s.name.clone()).collect();
            if let Some(first) = seen.get(&names) {
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::DuplicateProperty,
                        format!("member `{}` is tightened twice", path.dotted()),
                        path.span,
                        "second time",
                    )
                    .with_note(*first, "first here")
                    .with_help("write everything about one member in one `member` block"),
                );
                continue;
            }
            seen.insert(names.clone(), path.span);
            let member_props = props::collect(&body.stmts, Context::OverlayMember, &mut self.diagnostics);
            let Some(target) = crate::check::tree::node_mut(pages, &names) else {
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::UnknownName,
                        format!("the base form has no member `{}`", path.dotted()),
                        path.span,
                        "no such member",
                    )
                    .with_help("name a field, group or repeat of the base by its path from the form"),
                );
                continue;
            };
            if let Some(hidden) = member_props.hidden {
                if target.requirement() != Requirement::Never {
                    self.diagnostics.push(
                        Diagnostic::new(
                            Code::OverlayChangesBase,
                            format!("`{}` is required by the base and cannot be hidden", path.dotted()),
                            hidden,
                            "the base needs its value",
                        )
                        .with_help("only a member the base never requires can be taken out; keep it, or narrow what it accepts (`length`, `min`, `max`, `codes`)"),
                    );
                    continue;
                }
            }
            self.apply(target, &member_props, &names, path.span);
            if let Some((codes, span)) = member_props.only_codes {
                narrowings.push(Narrowing { path: names, codes, span });
            }
        }
        narrowings
    }

    /// Gives each narrowed choice a list of its own with the kept codes.
    pub(super) fn narrow_codes(&mut self, narrowings: &[Narrowing<'a>], pages: &mut [ir::Page], file: FileId) {
        for narrowing in narrowings {
            let Some(Item::Field(field)) = crate::check::tree::node_mut(pages, &narrowing.path) else {
                self.diagnostics.push(not_a_choice(&narrowing.path, narrowing.span));
                continue;
            };
            let (ir::FieldType::Choice { codelist: list } | ir::FieldType::MultipleChoice { codelist: list }) =
                &mut field.ty
            else {
                self.diagnostics.push(not_a_choice(&narrowing.path, narrowing.span));
                continue;
            };
            let Some((_, base_list)) = self.codelists.get(list.as_str()) else { continue };
            let base_list = base_list.clone();
            let mut kept: Vec<&str> = Vec::new();
            let mut valid = true;
            for literal in narrowing.codes {
                if !base_list.codes.iter().any(|c| c.code == literal.value) {
                    self.diagnostics.push(codelist::unknown_code(list, &base_list.codes, &literal.value, literal.span));
                    valid = false;
                } else if kept.contains(&literal.value.as_str()) {
                    self.diagnostics.push(
                        Diagnostic::new(
                            Code::DuplicateProperty,
                            format!("\"{}\" is named twice", literal.value),
                            literal.span,
                            "named again",
                        )
                        .with_help("name each code once"),
                    );
                } else {
                    kept.push(&literal.value);
                }
            }
            if !valid {
                continue;
            }
            let name = format!("{}{}", base_list.name, camel(&narrowing.path));
            let mut narrowed = base_list.clone();
            narrowed.name = name.clone();
            narrowed.module = self.db.get(file).module.clone();
            // The codes keep the base list's order.
            narrowed.codes.retain(|c| kept.contains(&c.code.as_str()));
            self.spans.codelists.insert(name.clone(), narrowing.span);
            self.codelists.insert(name.clone(), (file, narrowed));
            *list = name;
        }
    }
}

fn not_a_choice(path: &[String], span: Span) -> Diagnostic {
    Diagnostic::new(Code::NotApplicable, format!("`{}` is not a choice", path.join(".")), span, "not applicable")
        .with_help("`codes` keeps some codes of a `choice of …` or `multiple choice of …` field")
}

/// `antragsteller.familienstand` → `AntragstellerFamilienstand`.
fn camel(path: &[String]) -> String {
    let mut out = String::new();
    for segment in path {
        for part in segment.split('_') {
            let mut chars = part.chars();
            if let Some(first) = chars.next() {
                out.extend(first.to_uppercase());
                out.push_str(chars.as_str());
            }
        }
    }
    out
}
