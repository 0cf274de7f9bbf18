//! A shared group type tightened where it is used: `member a.b { required length ..40 max 10
//! hidden }` in a group or repeat of the type.
//!
//! Each entry may only narrow what the type allows, so that every submission this use accepts
//! is one the type accepts: `required` makes an optional field or group required, `length`,
//! `min` and `max` replace the type's bounds on the sides they give (each at least as narrow
//! as the type's), `hidden` takes the member out of this use (a value for it is refused, and
//! expressions see it as not given). A use with tightened members is written out in the IR
//! (`of` is absent and `adapts` names the type), so every backend treats it as the group it
//! now is; the type and its other uses are unchanged.

use std::collections::BTreeMap;

use super::FormLowering;
use crate::check::field;
use crate::check::props::{self, Context, Props};
use crate::diag::{Code, Diagnostic};
use crate::ir::{self, Bound, Item};
use crate::source::Span;
use crate::syntax::ast::{Stmt, StmtKind};

/// What a tightening does that a deferred expression of the type would otherwise overwrite:
/// applied after the form's expressions are resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Override {
    /// Made required, with the use's `required message` if it gives one.
    Required(Option<ir::Text>),
    Hidden,
}

impl<'a> FormLowering<'a, '_> {
    /// Applies the `member` entries of a use of group type `type_name` to its lowered `item`
    /// (at `node`, the use's path from the form).
    pub(super) fn tighten(&mut self, item: &mut Item, node: &[String], tightenings: &[&'a Stmt], type_name: &str) {
        let mut seen: BTreeMap<Vec<String>, Span> = BTreeMap::new();
        let mut changed = false;
        for stmt in tightenings {
            let StmtKind::Member { path, body } = &stmt.kind else { continue };
            let names: Vec<String> = path.segments.iter().map(|s| s.name.clone()).collect();
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
            let member_props = props::collect(&body.stmts, Context::Member, &mut self.diagnostics);
            let Some(target) = member_mut(item, &names) else {
                self.unknown_member(item, &names, path.span, type_name);
                continue;
            };
            let mut at = node.to_vec();
            at.extend(names.iter().cloned());
            changed |= self.apply(target, &member_props, &at, path.span);
        }
        if changed {
            // Written out: this use no longer has the type's members.
            match item {
                Item::Group(g) => {
                    g.adapts = g.of.take();
                }
                Item::Repeat(r) => {
                    r.adapts = r.of.take();
                }
                _ => {}
            }
            for names in seen.keys() {
                write_out_along(item, names);
            }
        }
    }

    /// Applies one `member` block; whether it changed anything.
    pub(super) fn apply(&mut self, target: &mut Item, props: &Props<'a>, at: &[String], span: Span) -> bool {
        let mut changed = false;
        let name = target.name().to_string();
        if let Some(hidden) = props.hidden {
            if let Some((_, required)) = props.required {
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::ContradictoryBounds,
                        format!("member `{name}` is both hidden and required"),
                        required,
                        "required",
                    )
                    .with_note(hidden, "hidden here")
                    .with_help("a hidden member is not part of this use: remove `required` or `hidden`"),
                );
                return false;
            }
            self.overrides.push((at.to_vec(), Override::Hidden));
            changed = true;
        }
        if let Some((when, required_span)) = props.required {
            match (when, &*target) {
                (Some(when), _) => self.diagnostics.push(
                    Diagnostic::new(
                        Code::NotApplicable,
                        "a member is made required, not required when",
                        when.span,
                        "condition",
                    )
                    .with_help(
                        "write `required`; a condition on a member belongs in the type, or in a `rule` of the form",
                    ),
                ),
                (None, Item::Field(_) | Item::Group(_)) => {
                    let message = props.required_message.map(|m| self.langs.lower(m, &mut self.diagnostics));
                    self.overrides.push((at.to_vec(), Override::Required(message)));
                    changed = true;
                }
                (None, _) => self.diagnostics.push(
                    Diagnostic::new(
                        Code::NotApplicable,
                        format!("`required` does not apply to `{name}`"),
                        required_span,
                        "not a field or group",
                    )
                    .with_help("a field or a group can be made required; a repeat's item count belongs to the type"),
                ),
            }
        }
        let narrows = props.length.is_some() || props.min.is_some() || props.max.is_some();
        if narrows {
            match target {
                Item::Field(f) => changed |= self.narrow(f, props, span),
                _ => {
                    let keyword = ["length", "min", "max"].into_iter().find(|k| props.span_of(k).is_some());
                    let keyword_span = keyword.and_then(|k| props.span_of(k)).unwrap_or(span);
                    self.diagnostics.push(
                        Diagnostic::new(
                            Code::NotApplicable,
                            format!("`{}` does not apply to `{name}`", keyword.unwrap_or("length")),
                            keyword_span,
                            "not a field",
                        )
                        .with_help("`length`, `min` and `max` narrow a field of the type"),
                    );
                }
            }
        }
        changed
    }

    /// Narrows a field's length and bounds; whether it changed them.
    fn narrow(&mut self, field: &mut ir::Field, props: &Props<'a>, span: Span) -> bool {
        let before = self.diagnostics.len();
        let new = field::constraints(&field.ty, props, &self.langs, &mut self.diagnostics);
        if self.diagnostics.len() > before {
            return false;
        }
        let old = field.constraints.clone();
        let mut c = field.constraints.clone();
        let mut loosened: Vec<(Span, String)> = Vec::new();
        if let Some(range) = props.length {
            if let Some(min) = range.min {
                let value = (min.value > 0).then_some(min.value);
                if value.unwrap_or(0) < old.min_length.unwrap_or(0) {
                    loosened.push((range.span, format!("at least {} characters", old.min_length.unwrap_or(0))));
                }
                c.min_length = value;
            }
            if let Some(max) = range.max {
                if old.max_length.is_some_and(|old| max.value > old) {
                    loosened.push((range.span, format!("at most {} characters", old.max_length.unwrap_or(0))));
                }
                c.max_length = Some(max.value);
            }
            if c.min_length.unwrap_or(0) > c.max_length.unwrap_or(u64::MAX) {
                loosened.clear();
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::ContradictoryBounds,
                        format!(
                            "this use needs at least {} but at most {} characters",
                            c.min_length.unwrap_or(0),
                            c.max_length.unwrap_or(0)
                        ),
                        range.span,
                        "no value can satisfy this",
                    )
                    .with_help("the type's other bound still applies: keep the lengths within it"),
                );
                return false;
            }
        }
        for (new_bound, old_bound, expr, lower) in
            [(&new.min, &old.min, props.min, true), (&new.max, &old.max, props.max, false)]
        {
            let (Some(new_bound), Some(expr)) = (new_bound, expr) else { continue };
            if let Some(old_bound) = old_bound {
                let narrower = if lower {
                    field::bound_at_least(new_bound, old_bound)
                } else {
                    field::bound_at_least(old_bound, new_bound)
                };
                match narrower {
                    Some(true) => {}
                    Some(false) => loosened.push((
                        expr.span,
                        format!("{} {}", if lower { "at least" } else { "at most" }, describe(old_bound)),
                    )),
                    None => {
                        self.diagnostics.push(
                            Diagnostic::new(
                                Code::LoosenedMember,
                                format!(
                                    "cannot tell whether this {} is narrower than the type's ({})",
                                    if lower { "minimum" } else { "maximum" },
                                    describe(old_bound)
                                ),
                                expr.span,
                                "a fixed date against one relative to today",
                            )
                            .with_help("give the bound in the same kind as the type's: a fixed date, or `today` shifted by a duration"),
                        );
                        return false;
                    }
                }
            }
            if lower {
                c.min = Some(new_bound.clone());
            } else {
                c.max = Some(new_bound.clone());
            }
        }
        if let (Some(min), Some(max)) = (&c.min, &c.max) {
            if field::bounds_contradict(min, max) {
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::ContradictoryBounds,
                        "in this use the minimum is above the maximum",
                        span,
                        "no value can satisfy this",
                    )
                    .with_help("the type's other bound still applies: keep the bounds within it"),
                );
                return false;
            }
        }
        if !loosened.is_empty() {
            for (at, allows) in loosened {
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::LoosenedMember,
                        format!("this loosens `{}`: the type allows {allows}", field.name),
                        at,
                        "wider than the type",
                    )
                    .with_help("a use may only narrow a member of its type; change the type itself to allow more"),
                );
            }
            return false;
        }
        let changed = c != field.constraints;
        field.constraints = c;
        changed
    }

    fn unknown_member(&mut self, item: &Item, names: &[String], span: Span, type_name: &str) {
        let (found, missing) = walk(item, names);
        let members: Vec<&str> = found.children().iter().map(|i| i.name()).collect();
        let help = match crate::diag::closest(&names[missing], members.iter().copied()) {
            Some(close) => format!("did you mean `{close}`?"),
            None if members.is_empty() => format!("`{}` has no members", found.name()),
            None => format!("the members here are: {}", members.join(", ")),
        };
        self.diagnostics.push(
            Diagnostic::new(
                Code::UnknownName,
                format!("group type `{type_name}` has no member `{}`", names[..=missing].join(".")),
                span,
                "no such member",
            )
            .with_help(help),
        );
    }
}

/// The item at `names` below `item`.
fn member_mut<'i>(item: &'i mut Item, names: &[String]) -> Option<&'i mut Item> {
    let mut at = item;
    for name in names {
        at = at.children_mut()?.iter_mut().find(|i| i.name() == name)?;
    }
    Some(at)
}

/// How far `names` goes below `item`: the last item found and the index of the first name not
/// found.
fn walk<'i>(item: &'i Item, names: &[String]) -> (&'i Item, usize) {
    let mut at = item;
    for (k, name) in names.iter().enumerate() {
        match at.children().iter().find(|i| i.name() == name) {
            Some(next) => at = next,
            None => return (at, k),
        }
    }
    (at, names.len().saturating_sub(1))
}

/// Groups and repeats of other types on the way to a tightened member are written out too.
fn write_out_along(item: &mut Item, names: &[String]) {
    let mut at = item;
    for name in &names[..names.len().saturating_sub(1)] {
        let Some(next) = at.children_mut().and_then(|items| items.iter_mut().find(|i| i.name() == name)) else {
            return;
        };
        match next {
            Item::Group(g) if g.of.is_some() => g.adapts = g.of.take(),
            Item::Repeat(r) if r.of.is_some() => r.adapts = r.of.take(),
            _ => {}
        }
        at = next;
    }
}

fn describe(bound: &Bound) -> String {
    match bound {
        Bound::Number { value } | Bound::Date { value } => value.clone(),
        Bound::Today { amount: 0, .. } => "today".to_string(),
        Bound::Today { amount, unit } => {
            let unit = match unit {
                ir::DateUnit::Days => "days",
                ir::DateUnit::Months => "months",
                ir::DateUnit::Years => "years",
            };
            format!("today {} {} {unit}", if *amount < 0 { "-" } else { "+" }, amount.unsigned_abs())
        }
    }
}

/// Applies the overrides after the form's expressions are resolved.
pub(super) fn apply_overrides(pages: &mut [ir::Page], overrides: &[(ir::Path, Override)]) {
    for (node, what) in overrides {
        let Some(item) = crate::check::tree::node_mut(pages, node) else { continue };
        match (what, item) {
            (Override::Required(message), Item::Field(f)) => {
                f.required = ir::Requirement::Always;
                if message.is_some() {
                    f.required_message = message.clone();
                }
            }
            (Override::Required(message), Item::Group(g)) => {
                g.required = ir::Requirement::Always;
                if message.is_some() {
                    g.required_message = message.clone();
                }
            }
            (Override::Hidden, item) => {
                // Never shown, so never required either (not even under the type's condition).
                let hidden = Some(ir::Expr::Literal { value: ir::Literal::Bool(false) });
                match item {
                    Item::Field(f) => (f.visible, f.required) = (hidden, ir::Requirement::Never),
                    Item::Group(g) => (g.visible, g.required) = (hidden, ir::Requirement::Never),
                    Item::Repeat(r) => (r.visible, r.min) = (hidden, 0),
                    Item::Info(i) => i.visible = hidden,
                }
            }
            _ => {}
        }
    }
}
