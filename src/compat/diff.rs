//! The walk over two IRs of one form: matches items (by FIM id, else by name) and says what
//! each change does to submissions (backward) and to readers (forward).
//!
//! Only what shapes data counts here: names, kinds, types, requirements, visibility,
//! constraints, repeat bounds, codes and rules. Labels, hints and other texts are left to
//! version discipline, which sees every change.

use std::cmp::Ordering;
use std::collections::BTreeSet;

use super::{Change, Effect, Impact, Target};
use crate::ir::{self, Bound, CodeList, Constraints, Expr, Field, FieldType, Form, Item, Path, Requirement};
use crate::value::Decimal;

use Impact::{Breaks, Maybe, Safe};

/// Every data-shaping change from `old` to `new`, in the new form's order.
pub(super) fn diff(old: &Form, new: &Form) -> Vec<Change> {
    let mut walk = Walk::new(old, new);
    let old_items: Vec<&Item> = old.items().collect();
    let new_items: Vec<&Item> = new.items().collect();
    walk.items(&[], &old_items, &new_items);
    walk.moves();
    walk.codelists();
    walk.rules();
    walk.out
}

struct Walk<'a> {
    old: &'a Form,
    new: &'a Form,
    out: Vec<Change>,
    /// What `added` reported: the index of its change, the parent's path and the item.
    added: Vec<(usize, Path, &'a Item)>,
    /// What `removed` reported, likewise.
    removed: Vec<(usize, Path, &'a Item)>,
}

fn kind(item: &Item) -> &'static str {
    match item {
        Item::Field(_) => "field",
        Item::Group(_) => "group",
        Item::Repeat(_) => "repeat",
        Item::Info(_) => "info",
    }
}

fn fim_id(item: &Item) -> Option<&str> {
    let fim = match item {
        Item::Field(f) => &f.fim,
        Item::Group(g) => &g.fim,
        Item::Repeat(r) => &r.fim,
        Item::Info(i) => &i.fim,
    };
    fim.as_ref().map(|f| f.id.as_str())
}

/// The items that hold data: infos carry none, and a member hidden in this use is never there.
fn data<'i>(items: &[&'i Item]) -> Vec<&'i Item> {
    items.iter().copied().filter(|i| !matches!(i, Item::Info(_)) && !i.never_shown()).collect()
}

fn child(path: &[String], name: &str) -> Path {
    let mut path = path.to_vec();
    path.push(name.to_string());
    path
}

/// How a requirement reads in a message.
fn requirement_text(requirement: &Requirement) -> String {
    match requirement {
        Requirement::Always => "required".to_string(),
        Requirement::Never => "optional".to_string(),
        Requirement::When(_) => "required when …".to_string(),
    }
}

/// Whether a node with this requirement and visibility is in every submission (`Breaks`), in
/// some (`Maybe`), or need not be (`Safe`).
fn presence(requirement: &Requirement, visible: Option<&Expr>) -> Impact {
    match (requirement, visible) {
        (Requirement::Always, None) => Breaks,
        (Requirement::Never, _) => Safe,
        _ => Maybe,
    }
}

fn type_text(ty: &FieldType) -> String {
    match ty {
        FieldType::Choice { codelist } => format!("choice of {codelist}"),
        FieldType::MultipleChoice { codelist } => format!("multiple choice of {codelist}"),
        other => {
            serde_json::to_value(other).ok().and_then(|v| v["kind"].as_str().map(str::to_string)).unwrap_or_default()
        }
    }
}

/// Whether every value of `narrow` is a value of `wide` (a string type into a wider one).
fn widens(narrow: &FieldType, wide: &FieldType) -> bool {
    use FieldType::*;
    matches!(
        (narrow, wide),
        (Text | Email | Phone | Iban | Postcode, Text | Multiline) | (Money, Decimal) | (Integer, Decimal)
    )
}

impl<'a> Walk<'a> {
    fn new(old: &'a Form, new: &'a Form) -> Walk<'a> {
        Walk { old, new, out: Vec::new(), added: Vec::new(), removed: Vec::new() }
    }

    fn push(&mut self, rule: &'static str, effect: Effect, target: Target, message: String) {
        self.out.push(Change { rule, effect, target, message, old: None, new: None });
    }

    fn push_detail(
        &mut self,
        rule: &'static str,
        effect: Effect,
        target: Target,
        message: String,
        old: String,
        new: String,
    ) {
        self.out.push(Change { rule, effect, target, message, old: Some(old), new: Some(new) });
    }

    fn items(&mut self, path: &[String], old: &[&'a Item], new: &[&'a Item]) {
        let (old, new) = (data(old), data(new));
        let mut taken = vec![false; new.len()];
        let mut pairs: Vec<(usize, Option<usize>)> = Vec::new();
        for (old_idx, old_item) in old.iter().enumerate() {
            let by_fim =
                fim_id(old_item).and_then(|id| (0..new.len()).find(|&n| !taken[n] && fim_id(new[n]) == Some(id)));
            let by_name = || (0..new.len()).find(|&n| !taken[n] && new[n].name() == old_item.name());
            let found = by_fim.or_else(by_name);
            if let Some(n) = found {
                taken[n] = true;
            }
            pairs.push((old_idx, found));
        }
        // In the new form's order: matched and added items, then what was removed.
        for (new_idx, new_item) in new.iter().enumerate() {
            match pairs.iter().find(|(_, n)| *n == Some(new_idx)) {
                Some((old_idx, _)) => self.matched(path, old[*old_idx], new_item),
                None => self.added(path, new_item),
            }
        }
        for (old_idx, _) in pairs.iter().filter(|(_, n)| n.is_none()) {
            self.removed(path, old[*old_idx]);
        }
    }

    fn added(&mut self, path: &[String], item: &'a Item) {
        self.added.push((self.out.len(), path.to_vec(), item));
        let at = child(path, item.name());
        let dotted = at.join(".");
        if let Item::Field(field @ Field { computed: Some(expr), .. }) = item {
            // Not asked of the citizen, but required of a submission while it can be computed.
            let known = self.knowable(expr, field.visible.as_ref());
            let why = match known {
                Breaks => "old submissions lack its value, which can always be computed from them",
                _ => "old submissions lack its value wherever it can be computed from them",
            };
            let message = format!("computed field `{dotted}` is new: {why}");
            self.push("computed-field-added", Effect::new(known, Maybe), Target::Item(at), message);
            return;
        }
        let rule = match item {
            Item::Field(_) => "field-added",
            Item::Group(_) | Item::Repeat(_) => "group-added",
            Item::Info(_) => return,
        };
        let present = presence(&item.requirement(), item.visible());
        let why = match present {
            Breaks => "required: old submissions lack it",
            Maybe => "required under a condition: old submissions may lack it",
            Safe => "optional",
        };
        let message =
            format!("{} `{dotted}` is new ({why}); readers that refuse unknown members cannot read it", kind(item));
        self.push(rule, Effect::new(present, Maybe), Target::Item(at), message);
    }

    fn removed(&mut self, path: &[String], item: &'a Item) {
        self.removed.push((self.out.len(), path.to_vec(), item));
        let at = child(path, item.name());
        let dotted = at.join(".");
        if let Item::Field(field @ Field { computed: Some(expr), .. }) = item {
            let known = self.knowable_in(self.old, expr, field.visible.as_ref());
            let message = format!(
                "computed field `{dotted}` is gone: old submissions that hold its value are refused, and old readers that read it miss it"
            );
            self.push("computed-field-removed", Effect::new(known, known.max(Maybe)), Target::Item(at), message);
            return;
        }
        let rule = match item {
            Item::Field(_) => "field-removed",
            Item::Group(_) | Item::Repeat(_) => "group-removed",
            Item::Info(_) => return,
        };
        let present = presence(&item.requirement(), item.visible());
        let message = format!(
            "{} `{dotted}` is gone: old submissions that hold it are refused{}",
            kind(item),
            match present {
                Breaks => ", and old readers that require it miss it",
                Maybe => ", and old readers that require it under a condition may miss it",
                Safe => "",
            }
        );
        self.push(rule, Effect::new(Breaks, present), Target::Item(at), message);
    }

    /// An item that is gone from one group and new in another, with the same FIM id, moved:
    /// one `field-moved` or `group-moved` (and what changed in it) instead of a removal and an
    /// addition. Names alone do not say so (`name` is a member of many groups).
    fn moves(&mut self) {
        let mut replaced: Vec<(usize, Vec<Change>)> = Vec::new();
        let mut dropped: BTreeSet<usize> = BTreeSet::new();
        let mut taken = vec![false; self.added.len()];
        for (removed_at, old_parent, old_item) in &self.removed {
            let Some(id) = fim_id(old_item) else { continue };
            let found = self
                .added
                .iter()
                .enumerate()
                .find(|(n, (_, _, item))| !taken[*n] && fim_id(item) == Some(id) && kind(item) == kind(old_item));
            let Some((n, (added_at, new_parent, new_item))) = found else { continue };
            taken[n] = true;
            let mut inner = Walk::new(self.old, self.new);
            inner.moved(old_parent, new_parent, old_item, new_item);
            dropped.insert(*removed_at);
            dropped.insert(*added_at);
            replaced.push((*added_at, inner.out));
        }
        if dropped.is_empty() {
            return;
        }
        let out = std::mem::take(&mut self.out);
        for (index, change) in out.into_iter().enumerate() {
            if !dropped.contains(&index) {
                self.out.push(change);
            } else if let Some(position) = replaced.iter().position(|(at, _)| *at == index) {
                let (_, changes) = replaced.swap_remove(position);
                self.out.extend(changes);
            }
        }
    }

    fn moved(&mut self, old_parent: &[String], new_parent: &[String], old: &'a Item, new: &'a Item) {
        let (from, at) = (child(old_parent, old.name()), child(new_parent, new.name()));
        let rule = if matches!(new, Item::Field(_)) { "field-moved" } else { "group-moved" };
        let message = format!(
            "{} `{}` moved to `{}` (the same FIM id {}): its data is at another place",
            kind(new),
            from.join("."),
            at.join("."),
            fim_id(new).unwrap_or_default()
        );
        self.push_detail(
            rule,
            Effect::new(Breaks, Breaks),
            Target::Item(at.clone()),
            message,
            from.join("."),
            at.join("."),
        );
        self.compare(&at, old, new);
    }

    fn matched(&mut self, path: &[String], old: &'a Item, new: &'a Item) {
        let at = child(path, new.name());
        let dotted = at.join(".");
        if old.name() != new.name() {
            let rule = if matches!(new, Item::Field(_)) { "field-renamed" } else { "group-renamed" };
            let message = format!(
                "{} `{}` is now `{dotted}` (the same FIM id {}): its member has a new key",
                kind(new),
                child(path, old.name()).join("."),
                fim_id(new).unwrap_or_default()
            );
            self.push_detail(
                rule,
                Effect::new(Breaks, Breaks),
                Target::Item(at.clone()),
                message,
                old.name().to_string(),
                new.name().to_string(),
            );
        }
        self.compare(&at, old, new);
    }

    /// What changed in an item that is the same in both versions (found at `at` in the new).
    fn compare(&mut self, at: &Path, old: &'a Item, new: &'a Item) {
        let dotted = at.join(".");
        let at = at.clone();
        match (old, new) {
            (Item::Field(o), Item::Field(n)) => self.field(&at, o, n),
            (Item::Group(o), Item::Group(n)) => {
                self.requirement(&at, &o.required, &n.required);
                self.visibility(&at, o.visible.as_ref(), n.visible.as_ref());
                let (old_items, new_items): (Vec<&Item>, Vec<&Item>) =
                    (o.items.iter().collect(), n.items.iter().collect());
                self.items(&at, &old_items, &new_items);
            }
            (Item::Repeat(o), Item::Repeat(n)) => {
                self.repeat_bounds(&at, (o.min, o.max), (n.min, n.max));
                self.visibility(&at, o.visible.as_ref(), n.visible.as_ref());
                let (old_items, new_items): (Vec<&Item>, Vec<&Item>) =
                    (o.items.iter().collect(), n.items.iter().collect());
                self.items(&at, &old_items, &new_items);
            }
            _ => {
                let message =
                    format!("`{dotted}` was a {} and is now a {}: its data has another shape", kind(old), kind(new));
                self.push_detail(
                    "type-changed",
                    Effect::new(Breaks, Breaks),
                    Target::Item(at),
                    message,
                    kind(old).into(),
                    kind(new).into(),
                );
            }
        }
    }

    fn field(&mut self, at: &Path, old: &Field, new: &Field) {
        let dotted = at.join(".");
        let (old_form, new_form) = (self.old, self.new);
        if old.ty != new.ty {
            match (&old.ty, &new.ty) {
                (FieldType::Choice { codelist: a }, FieldType::Choice { codelist: b })
                | (FieldType::MultipleChoice { codelist: a }, FieldType::MultipleChoice { codelist: b }) => {
                    // Another list: what matters is which codes it holds.
                    if let (Some(a), Some(b)) = (old_form.codelists.get(a), new_form.codelists.get(b)) {
                        self.codes(Target::Item(at.clone()), &format!("the list of `{dotted}`"), a, b);
                    }
                }
                (o, n) => {
                    let effect = if widens(o, n) {
                        Effect::new(Safe, Breaks)
                    } else if widens(n, o) {
                        Effect::new(Breaks, Safe)
                    } else {
                        Effect::new(Breaks, Breaks)
                    };
                    let message = format!("the type of `{dotted}` changed from {} to {}", type_text(o), type_text(n));
                    self.push_detail(
                        "type-changed",
                        effect,
                        Target::Item(at.clone()),
                        message,
                        type_text(o),
                        type_text(n),
                    );
                }
            }
        }
        self.computed(at, old, new);
        self.requirement(at, &old.required, &new.required);
        self.visibility(at, old.visible.as_ref(), new.visible.as_ref());
        self.constraints(at, &new.ty, &old.constraints, &new.constraints);
    }

    /// A field that became computed, stopped being computed, or computes something else.
    fn computed(&mut self, at: &Path, old: &Field, new: &Field) {
        let dotted = at.join(".");
        let target = Target::Item(at.clone());
        let show = |expr: &Expr| serde_json::to_string(expr).unwrap_or_default();
        match (&old.computed, &new.computed) {
            (None, Some(expr)) => {
                let message = format!(
                    "`{dotted}` is computed now: an old submission's answer must equal the computed value (and be absent while it is unknown), and readers no longer get the citizen's answer"
                );
                self.push_detail(
                    "field-became-computed",
                    Effect::new(Maybe, Maybe),
                    target,
                    message,
                    String::new(),
                    show(expr),
                );
            }
            (Some(expr), None) => {
                let message = format!(
                    "`{dotted}` is no longer computed: old submissions' values are still values of it, but readers get the citizen's answer instead of the computed value"
                );
                self.push_detail(
                    "field-no-longer-computed",
                    Effect::new(Safe, Maybe),
                    target,
                    message,
                    show(expr),
                    String::new(),
                );
            }
            (Some(a), Some(b)) if a != b || old.computed_scale() != new.computed_scale() => {
                let message = format!(
                    "`{dotted}` computes another value now: an old submission's value may differ from it, and readers read another meaning"
                );
                self.push_detail(
                    "computed-expression-changed",
                    Effect::new(Maybe, Maybe),
                    target,
                    message,
                    show(a),
                    show(b),
                );
            }
            _ => {}
        }
    }

    /// Whether the value of `expr` on a field shown under `visible` can be computed from every
    /// submission of the new form (`Breaks`: a submission without it is refused) or only from
    /// some (`Maybe`).
    fn knowable(&self, expr: &Expr, visible: Option<&Expr>) -> Impact {
        self.knowable_in(self.new, expr, visible)
    }

    fn knowable_in(&self, form: &ir::Form, expr: &Expr, visible: Option<&Expr>) -> Impact {
        if visible.is_some() {
            return Maybe;
        }
        // A repeat is read only through aggregates, which are known without items (`count`
        // and `sum` of none are 0); a value is known when it is in every submission (inside a
        // repeat: in every item).
        let mut paths = Vec::new();
        expr.read_paths(&mut paths);
        let always = paths.iter().all(|path| match lookup(form, path) {
            Some(Item::Repeat(r)) => r.visible.is_none(),
            Some(item) => presence(&item.requirement(), item.visible()) == Breaks,
            None => false,
        });
        if always {
            Breaks
        } else {
            Maybe
        }
    }

    fn requirement(&mut self, at: &Path, old: &Requirement, new: &Requirement) {
        let dotted = at.join(".");
        let target = Target::Item(at.clone());
        let (rule, effect, what) = match (old, new) {
            (Requirement::Never, Requirement::Always) => {
                ("requirement-tightened", Effect::new(Breaks, Safe), "is now required")
            }
            (Requirement::Never, Requirement::When(_)) | (Requirement::When(_), Requirement::Always) => {
                ("requirement-tightened", Effect::new(Maybe, Safe), "is required in more cases")
            }
            (Requirement::Always, Requirement::Never) => {
                ("requirement-loosened", Effect::new(Safe, Breaks), "is now optional")
            }
            (Requirement::Always, Requirement::When(_)) | (Requirement::When(_), Requirement::Never) => {
                ("requirement-loosened", Effect::new(Safe, Maybe), "is required in fewer cases")
            }
            (Requirement::When(a), Requirement::When(b)) if a != b => {
                ("requirement-condition-changed", Effect::new(Maybe, Maybe), "is required under another condition")
            }
            _ => return,
        };
        let message = format!("`{dotted}` {what}");
        self.push_detail(rule, effect, target, message, requirement_text(old), requirement_text(new));
    }

    fn visibility(&mut self, at: &Path, old: Option<&Expr>, new: Option<&Expr>) {
        let what = match (old, new) {
            (None, Some(_)) => "is now shown only under a condition: a hidden value must be absent",
            (Some(_), None) => "is now always shown",
            (Some(a), Some(b)) if a != b => "is shown under another condition",
            _ => return,
        };
        let message = format!("`{}` {what}", at.join("."));
        self.push("visibility-changed", Effect::new(Maybe, Maybe), Target::Item(at.clone()), message);
    }

    /// A tightened (`narrower`) or loosened constraint.
    fn narrowed(&mut self, at: &Path, family: &str, narrower: bool, what: String, old: String, new: String) {
        let (rule, effect) = match (family, narrower) {
            ("length", true) => ("length-tightened", Effect::new(Breaks, Safe)),
            ("length", false) => ("length-loosened", Effect::new(Safe, Breaks)),
            ("bounds", true) => ("bounds-tightened", Effect::new(Breaks, Safe)),
            ("bounds", false) => ("bounds-loosened", Effect::new(Safe, Breaks)),
            ("decimals", true) => ("decimals-tightened", Effect::new(Breaks, Safe)),
            ("decimals", false) => ("decimals-loosened", Effect::new(Safe, Breaks)),
            ("repeat", true) => ("repeat-bounds-tightened", Effect::new(Breaks, Safe)),
            ("repeat", false) => ("repeat-bounds-loosened", Effect::new(Safe, Breaks)),
            (_, true) => ("constraint-tightened", Effect::new(Breaks, Safe)),
            (_, false) => ("constraint-loosened", Effect::new(Safe, Breaks)),
        };
        let message =
            format!("`{}`: {what} {} ({old} → {new})", at.join("."), if narrower { "tightened" } else { "loosened" });
        self.push_detail(rule, effect, Target::Item(at.clone()), message, old, new);
    }

    fn constraints(&mut self, at: &Path, ty: &FieldType, old: &Constraints, new: &Constraints) {
        let show = |v: Option<u64>| v.map_or("none".to_string(), |v| v.to_string());
        let (old_min, new_min) = (old.min_length.unwrap_or(0), new.min_length.unwrap_or(0));
        if old_min != new_min {
            self.narrowed(
                at,
                "length",
                new_min > old_min,
                "the minimum length".into(),
                show(old.min_length),
                show(new.min_length),
            );
        }
        if old.max_length != new.max_length {
            let narrower = new.max_length.unwrap_or(u64::MAX) < old.max_length.unwrap_or(u64::MAX);
            self.narrowed(
                at,
                "length",
                narrower,
                "the maximum length".into(),
                show(old.max_length),
                show(new.max_length),
            );
        }
        self.bound(at, "minimum", old.min.as_ref(), new.min.as_ref(), Ordering::Greater);
        self.bound(at, "maximum", old.max.as_ref(), new.max.as_ref(), Ordering::Less);
        // Money has two decimals unless it says otherwise; a decimal has no limit.
        let implicit = if matches!(ty, FieldType::Money) { Some(2) } else { None };
        let (old_dec, new_dec) = (old.decimals.or(implicit), new.decimals.or(implicit));
        if old_dec != new_dec {
            let narrower = new_dec.unwrap_or(u32::MAX) < old_dec.unwrap_or(u32::MAX);
            let show = |d: Option<u32>| d.map_or("any".to_string(), |d| d.to_string());
            self.narrowed(at, "decimals", narrower, "the number of decimals".into(), show(old_dec), show(new_dec));
        }
        self.pattern(at, old, new);
        if old.accept != new.accept {
            let (o, n): (BTreeSet<&String>, BTreeSet<&String>) =
                (old.accept.iter().collect(), new.accept.iter().collect());
            let show = |a: &[String]| if a.is_empty() { "any type".to_string() } else { a.join(", ") };
            let (old_text, new_text) = (show(&old.accept), show(&new.accept));
            // Empty accepts any type.
            if !n.is_empty() && (o.is_empty() || !n.is_superset(&o)) {
                self.narrowed(at, "file", true, "the accepted file types".into(), old_text.clone(), new_text.clone());
            }
            if !o.is_empty() && (n.is_empty() || !o.is_superset(&n)) {
                self.narrowed(at, "file", false, "the accepted file types".into(), old_text, new_text);
            }
        }
        if old.max_size != new.max_size {
            let narrower = new.max_size.unwrap_or(u64::MAX) < old.max_size.unwrap_or(u64::MAX);
            self.narrowed(at, "file", narrower, "the largest file size".into(), show(old.max_size), show(new.max_size));
        }
        // Several files: how many (absent: at least one; the maximum is always given, so both
        // versions take several files when both have one) and how large together.
        let several = old.max_count.is_some() && new.max_count.is_some();
        let (old_min, new_min) = (old.min_count.unwrap_or(1), new.min_count.unwrap_or(1));
        if several && old_min != new_min {
            let count = |n: u32| format!("at least {n}");
            self.narrowed(at, "file", new_min > old_min, "the fewest files".into(), count(old_min), count(new_min));
        }
        if several && old.max_count != new.max_count {
            let narrower = new.max_count.unwrap_or(u32::MAX) < old.max_count.unwrap_or(u32::MAX);
            let count = |n: Option<u32>| n.map_or("any".to_string(), |n| format!("at most {n}"));
            self.narrowed(at, "file", narrower, "the most files".into(), count(old.max_count), count(new.max_count));
        }
        if old.max_total != new.max_total {
            let narrower = new.max_total.unwrap_or(u64::MAX) < old.max_total.unwrap_or(u64::MAX);
            self.narrowed(
                at,
                "file",
                narrower,
                "the files' size together".into(),
                show(old.max_total),
                show(new.max_total),
            );
        }
        if old.must_be_true != new.must_be_true {
            let show = |b: bool| if b { "must be true" } else { "any" }.to_string();
            self.narrowed(
                at,
                "confirm",
                new.must_be_true,
                "`must be true`".into(),
                show(old.must_be_true),
                show(new.must_be_true),
            );
        }
        if old.within != new.within {
            // Filtering a choice by another answer refuses more; not filtering it refuses less;
            // filtering by another answer refuses what the old one accepted.
            let show = |p: &Option<Path>| p.as_ref().map_or("none".to_string(), |p| format!("within {}", p.join(".")));
            self.narrowed(
                at,
                "within",
                new.within.is_some(),
                "the filter of the choice".into(),
                show(&old.within),
                show(&new.within),
            );
        }
        if old.exclusive != new.exclusive {
            let (o, n): (BTreeSet<&String>, BTreeSet<&String>) =
                (old.exclusive.iter().collect(), new.exclusive.iter().collect());
            let show = |a: &[String]| if a.is_empty() { "none".to_string() } else { a.join(", ") };
            if !o.is_superset(&n) {
                self.narrowed(
                    at,
                    "exclusive",
                    true,
                    "the exclusive codes".into(),
                    show(&old.exclusive),
                    show(&new.exclusive),
                );
            }
            if !n.is_superset(&o) {
                self.narrowed(
                    at,
                    "exclusive",
                    false,
                    "the exclusive codes".into(),
                    show(&old.exclusive),
                    show(&new.exclusive),
                );
            }
        }
    }

    /// A `min` (narrower when it grows) or `max` (narrower when it shrinks).
    fn bound(&mut self, at: &Path, what: &str, old: Option<&Bound>, new: Option<&Bound>, narrower_when: Ordering) {
        if old == new {
            return;
        }
        let (old_text, new_text) =
            (old.map_or("none".to_string(), bound_text), new.map_or("none".to_string(), bound_text));
        let narrower = match (old, new) {
            (None, Some(_)) => Some(true),
            (Some(_), None) => Some(false),
            (Some(o), Some(n)) => match compare_bounds(n, o) {
                Some(Ordering::Equal) => return,
                ordered => ordered.map(|ord| ord == narrower_when),
            },
            (None, None) => return,
        };
        match narrower {
            Some(narrower) => self.narrowed(at, "bounds", narrower, format!("the {what}"), old_text, new_text),
            None => {
                let message = format!(
                    "`{}`: the {what} changed in a way that cannot be ordered ({old_text} → {new_text})",
                    at.join(".")
                );
                self.push_detail(
                    "bounds-changed",
                    Effect::new(Maybe, Maybe),
                    Target::Item(at.clone()),
                    message,
                    old_text,
                    new_text,
                );
            }
        }
    }

    fn pattern(&mut self, at: &Path, old: &Constraints, new: &Constraints) {
        let (o, n) = (old.pattern.as_ref().map(|p| &p.regex), new.pattern.as_ref().map(|p| &p.regex));
        let (effect, what) = match (o, n) {
            (None, Some(_)) => (Effect::new(Maybe, Safe), "a pattern was added"),
            (Some(_), None) => (Effect::new(Safe, Maybe), "the pattern was removed"),
            (Some(a), Some(b)) if a != b => (Effect::new(Maybe, Maybe), "the pattern changed"),
            _ => return,
        };
        let show = |p: Option<&crate::ir::Pattern>| p.map_or("none".to_string(), |p| p.source.clone());
        let message = format!("`{}`: {what}; whether it accepts the same values cannot be decided here", at.join("."));
        self.push_detail(
            "pattern-changed",
            effect,
            Target::Item(at.clone()),
            message,
            show(old.pattern.as_ref()),
            show(new.pattern.as_ref()),
        );
    }

    fn repeat_bounds(&mut self, at: &Path, old: (u32, Option<u32>), new: (u32, Option<u32>)) {
        let show = |m: Option<u32>| m.map_or("unbounded".to_string(), |m| m.to_string());
        if old.0 != new.0 {
            self.narrowed(at, "repeat", new.0 > old.0, "the fewest items".into(), old.0.to_string(), new.0.to_string());
        }
        if old.1 != new.1 {
            let narrower = new.1.unwrap_or(u32::MAX) < old.1.unwrap_or(u32::MAX);
            self.narrowed(at, "repeat", narrower, "the most items".into(), show(old.1), show(new.1));
        }
    }

    /// Codes removed (old submissions may hold them) and added (old readers do not know them).
    fn codes(&mut self, target: Target, what: &str, old: &CodeList, new: &CodeList) {
        let old_codes: BTreeSet<&str> = old.codes.iter().map(|c| c.code.as_str()).collect();
        let new_codes: BTreeSet<&str> = new.codes.iter().map(|c| c.code.as_str()).collect();
        let code_target = |code: &str| match &target {
            Target::Code { list, .. } => Target::Code { list: list.clone(), code: Some(code.to_string()) },
            other => other.clone(),
        };
        for code in new.codes.iter().map(|c| c.code.as_str()).filter(|c| !old_codes.contains(c)) {
            // An `extensible` list promised its readers new codes: they keep them as `Other`.
            let (consume, message) = if old.extensible {
                (
                    Safe,
                    format!(
                        "{what} has the new code \"{code}\"; the list is extensible, so old readers keep it as `Other`"
                    ),
                )
            } else {
                (Breaks, format!("{what} has the new code \"{code}\", which old readers do not know"))
            };
            self.push_detail(
                "code-added",
                Effect::new(Safe, consume),
                code_target(code),
                message,
                String::new(),
                code.to_string(),
            );
        }
        for new_code in &new.codes {
            let Some(old_code) = old.codes.iter().find(|c| c.code == new_code.code) else { continue };
            let (Some(was), Some(is)) = (&old_code.within, &new_code.within) else { continue };
            if was != is {
                let code = new_code.code.as_str();
                let message = format!(
                    "{what}: the code \"{code}\" belongs to \"{is}\" now, not \"{was}\": old submissions that chose it with \"{was}\" are refused"
                );
                self.push_detail(
                    "code-parent-changed",
                    Effect::new(Breaks, Safe),
                    code_target(code),
                    message,
                    was.clone(),
                    is.clone(),
                );
            }
        }
        for code in old.codes.iter().map(|c| c.code.as_str()).filter(|c| !new_codes.contains(c)) {
            let message = format!("{what} lost the code \"{code}\": old submissions that chose it are refused");
            self.push_detail(
                "code-removed",
                Effect::new(Breaks, Safe),
                code_target(code),
                message,
                code.to_string(),
                String::new(),
            );
        }
    }

    fn codelists(&mut self) {
        let (old_form, new_form) = (self.old, self.new);
        for (name, new_list) in &new_form.codelists {
            let Some(old_list) = old_form.codelists.get(name) else { continue };
            let target = Target::Code { list: name.clone(), code: None };
            let version = |l: &CodeList| {
                let external = l.external.as_ref().map(|e| e.sha256.as_str()).unwrap_or_default();
                (l.urn.clone(), l.version.clone(), external.to_string())
            };
            if version(old_list) != version(new_list) {
                let show = |l: &CodeList| {
                    format!(
                        "{} {}",
                        l.urn.as_deref().unwrap_or("(no urn)"),
                        l.version.as_deref().unwrap_or("(no version)")
                    )
                };
                let message =
                    format!("code list `{name}` changed its version ({} → {})", show(old_list), show(new_list));
                self.push_detail(
                    "codelist-version-changed",
                    Effect::new(Safe, Safe),
                    target.clone(),
                    message,
                    show(old_list),
                    show(new_list),
                );
            }
            if old_list.extensible != new_list.extensible {
                let show = |extensible: bool| if extensible { "extensible" } else { "closed" }.to_string();
                let message = if new_list.extensible {
                    format!("code list `{name}` is now extensible: later versions may add codes, which readers keep as `Other`")
                } else {
                    format!("code list `{name}` is no longer extensible: readers refuse codes it does not list")
                };
                self.push_detail(
                    "codelist-extensible-changed",
                    Effect::new(Safe, Safe),
                    target.clone(),
                    message,
                    show(old_list.extensible),
                    show(new_list.extensible),
                );
            }
            self.codes(target, &format!("code list `{name}`"), old_list, new_list);
        }
    }

    fn rules(&mut self) {
        let (old_form, new_form) = (self.old, self.new);
        for new_rule in &new_form.rules {
            let target = Target::Rule(new_rule.name.clone());
            let warns = !new_rule.severity.is_error();
            match old_form.rules.iter().find(|r| r.name == new_rule.name) {
                None if warns => {
                    let message = format!("warning rule `{}` is new: it never refuses a submission", new_rule.name);
                    self.push("warning-added", Effect::new(Safe, Safe), target, message);
                }
                None => {
                    let message = format!("rule `{}` is new: old submissions may break it", new_rule.name);
                    self.push("rule-added", Effect::new(Maybe, Safe), target, message);
                }
                Some(old_rule) if old_rule.severity != new_rule.severity => {
                    if warns {
                        let message = format!(
                            "rule `{}` is only a warning now: new data may break what old readers rely on",
                            new_rule.name
                        );
                        self.push("rule-became-warning", Effect::new(Safe, Maybe), target, message);
                    } else {
                        let message =
                            format!("warning rule `{}` is an error now: old submissions may break it", new_rule.name);
                        self.push("warning-became-rule", Effect::new(Maybe, Safe), target, message);
                    }
                }
                Some(old_rule) if warns => {
                    if old_rule.check != new_rule.check
                        || old_rule.scope != new_rule.scope
                        || old_rule.at != new_rule.at
                    {
                        let message = format!("warning rule `{}` checks something else now", new_rule.name);
                        self.push("warning-changed", Effect::new(Safe, Safe), target, message);
                    }
                }
                Some(old_rule) => {
                    if old_rule.check != new_rule.check
                        || old_rule.scope != new_rule.scope
                        || old_rule.at != new_rule.at
                    {
                        let message = format!("rule `{}` checks something else now", new_rule.name);
                        self.push("rule-changed", Effect::new(Maybe, Maybe), target, message);
                    }
                }
            }
        }
        for old_rule in old_form.rules.iter().filter(|o| !new_form.rules.iter().any(|n| n.name == o.name)) {
            if !old_rule.severity.is_error() {
                let message = format!("warning rule `{}` is gone: it never refused a submission", old_rule.name);
                self.push("warning-removed", Effect::new(Safe, Safe), Target::Rule(old_rule.name.clone()), message);
                continue;
            }
            let message = format!("rule `{}` is gone: new data may break what old readers rely on", old_rule.name);
            self.push("rule-removed", Effect::new(Safe, Maybe), Target::Rule(old_rule.name.clone()), message);
        }
    }
}

fn bound_text(bound: &Bound) -> String {
    match bound {
        Bound::Number { value } | Bound::Date { value } => value.clone(),
        Bound::Today { amount: 0, .. } => "today".to_string(),
        Bound::Today { amount, unit } => {
            let unit = serde_json::to_value(unit).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
            format!("today {} {} {unit}", if *amount < 0 { "-" } else { "+" }, amount.unsigned_abs())
        }
    }
}

/// `a` against `b`, when the two can be ordered.
fn compare_bounds(a: &Bound, b: &Bound) -> Option<Ordering> {
    match (a, b) {
        (Bound::Number { value: x }, Bound::Number { value: y }) => Some(Decimal::parse(x)?.cmp(&Decimal::parse(y)?)),
        // `YYYY-MM-DD` orders as text.
        (Bound::Date { value: x }, Bound::Date { value: y }) => Some(x.cmp(y)),
        (Bound::Today { amount: x, unit: u }, Bound::Today { amount: y, unit: v }) if u == v => Some(x.cmp(y)),
        _ => None,
    }
}

/// The item at `path` in `form` (through groups and repeats).
fn lookup<'f>(form: &'f ir::Form, path: &[String]) -> Option<&'f Item> {
    let (first, rest) = path.split_first()?;
    let mut node = form.items().find(|i| i.name() == first)?;
    for name in rest {
        node = node.children().iter().find(|i| i.name() == name)?;
    }
    Some(node)
}
