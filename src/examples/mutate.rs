//! Invalid examples: one mutation of a valid submission whose single effect is known in
//! advance. Which values a condition or rule reads is computed from the IR, so a mutation
//! either touches a value nobody reads (its own constraint breaks) or a value only the
//! targeted condition or rule reads.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use super::rng::Rng;
use super::{codes_of, node_value, values, Expect};
use crate::ir::{self, Bound, Expr, Field, FieldType, Form, Item, Requirement};
use crate::validate::{pointer_segment, resolve_date_bound, Compiled, Options};
use crate::value::{Date, Decimal, DurationUnit};

/// Who reads a value.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Reader {
    Visible(ir::Path),
    Required(ir::Path),
    Rule(String),
    /// The expression of a computed field (`value <expr>`).
    Computed(ir::Path),
    /// The filter of a single choice (`within`): it reads the choice and the filtering answer.
    Within(ir::Path),
}

/// Which paths each condition and rule reads.
pub struct Analysis {
    reads: Vec<(ir::Path, Reader)>,
}

impl Analysis {
    pub fn new(form: &Form) -> Analysis {
        let mut reads = Vec::new();
        fn items(list: &[Item], path: &mut Vec<String>, reads: &mut Vec<(ir::Path, Reader)>) {
            for item in list {
                path.push(item.name().to_string());
                let (visible, required) = match item {
                    Item::Field(f) => (f.visible.as_ref(), Some(&f.required)),
                    Item::Group(g) => (g.visible.as_ref(), Some(&g.required)),
                    Item::Repeat(r) => (r.visible.as_ref(), None),
                    Item::Info(i) => (i.visible.as_ref(), None),
                };
                if let Some(condition) = visible {
                    collect(condition, &mut |p| reads.push((p.clone(), Reader::Visible(path.clone()))));
                }
                if let Some(Requirement::When(condition)) = required {
                    collect(condition, &mut |p| reads.push((p.clone(), Reader::Required(path.clone()))));
                }
                if let Item::Field(ir::Field { computed: Some(expr), .. }) = item {
                    collect(expr, &mut |p| reads.push((p.clone(), Reader::Computed(path.clone()))));
                }
                if let Item::Field(ir::Field { constraints: ir::Constraints { within: Some(parent), .. }, .. }) = item {
                    reads.push((parent.clone(), Reader::Within(path.clone())));
                    reads.push((path.clone(), Reader::Within(path.clone())));
                }
                items(item.children(), path, reads);
                path.pop();
            }
        }
        let root: Vec<Item> = form.items().cloned().collect();
        items(&root, &mut Vec::new(), &mut reads);
        for rule in &form.rules {
            collect(&rule.check, &mut |p| reads.push((p.clone(), Reader::Rule(rule.name.clone()))));
        }
        Analysis { reads }
    }

    /// Everyone who reads `path`, a value inside it, or a group or repeat around it.
    fn readers(&self, path: &[String]) -> BTreeSet<&Reader> {
        self.reads.iter().filter(|(p, _)| p.starts_with(path) || path.starts_with(p)).map(|(_, r)| r).collect()
    }

    fn unread(&self, path: &[String]) -> bool {
        self.readers(path).is_empty()
    }
}

/// Calls `f` with every sub-expression of `expr`, `expr` first.
fn visit(expr: &Expr, f: &mut dyn FnMut(&Expr)) {
    f(expr);
    match expr {
        Expr::Literal { .. } | Expr::Today | Expr::Field { .. } | Expr::IsSet { .. } | Expr::IsEmpty { .. } => {}
        Expr::Not { operand } | Expr::Neg { operand, .. } => visit(operand, f),
        Expr::And { operands } | Expr::Or { operands } => operands.iter().for_each(|o| visit(o, f)),
        Expr::Compare { lhs, rhs, .. } | Expr::Arith { lhs, rhs, .. } => {
            visit(lhs, f);
            visit(rhs, f);
        }
        Expr::ShiftDate { date, .. } | Expr::Length { text: date } => visit(date, f),
        Expr::DaysBetween { from: lhs, to: rhs } | Expr::Age { birth: lhs, at: rhs } => {
            visit(lhs, f);
            visit(rhs, f);
        }
        Expr::In { value, set, .. } => {
            visit(value, f);
            set.iter().for_each(|s| visit(s, f));
        }
        Expr::Contains { set, .. } => visit(set, f),
        Expr::Count { filter, .. } => {
            if let Some(filter) = filter {
                visit(filter, f);
            }
        }
        Expr::Aggregate { value, .. } => visit(value, f),
        Expr::Any { condition, .. } | Expr::All { condition, .. } => visit(condition, f),
        Expr::Unique { keys, .. } => keys.iter().for_each(|key| visit(key, f)),
    }
}

/// Calls `f` with every path an expression reads.
fn collect(expr: &Expr, f: &mut dyn FnMut(&ir::Path)) {
    visit(expr, &mut |e| match e {
        Expr::Field { path, .. } | Expr::IsSet { path } | Expr::IsEmpty { path } | Expr::Count { path, .. } => f(path),
        Expr::Aggregate { repeat, .. }
        | Expr::Any { repeat, .. }
        | Expr::All { repeat, .. }
        | Expr::Unique { repeat, .. } => f(repeat),
        _ => {}
    });
}

/// A node of the form at a concrete place in a submission.
struct Slot<'f> {
    item: &'f Item,
    /// Names from the root (no indices).
    path: ir::Path,
    /// JSON pointer of the node.
    pointer: String,
    /// The current item of each repeat around the node.
    indices: Vec<(ir::Path, usize)>,
    present: bool,
}

/// Every node whose parent object exists in the submission.
fn slots<'f>(form: &'f Form, submission: &Value) -> Vec<Slot<'f>> {
    fn walk<'f>(
        items: &[&'f Item],
        value: &Value,
        path: &mut Vec<String>,
        pointer: &str,
        indices: &mut Vec<(ir::Path, usize)>,
        out: &mut Vec<Slot<'f>>,
    ) {
        let Some(object) = value.as_object() else { return };
        for item in items {
            if let Item::Info(_) = item {
                continue;
            }
            path.push(item.name().to_string());
            let child_pointer = format!("{pointer}/{}", pointer_segment(item.name()));
            let child = object.get(item.name());
            out.push(Slot {
                item,
                path: path.clone(),
                pointer: child_pointer.clone(),
                indices: indices.clone(),
                present: child.is_some(),
            });
            match (item, child) {
                (Item::Group(group), Some(inner)) => {
                    let children: Vec<&Item> = group.items.iter().collect();
                    walk(&children, inner, path, &child_pointer, indices, out);
                }
                (Item::Repeat(repeat), Some(Value::Array(entries))) => {
                    let children: Vec<&Item> = repeat.items.iter().collect();
                    for (index, entry) in entries.iter().enumerate() {
                        indices.push((path.clone(), index));
                        walk(&children, entry, path, &format!("{child_pointer}/{index}"), indices, out);
                        indices.pop();
                    }
                }
                _ => {}
            }
            path.pop();
        }
    }
    let root: Vec<&Item> = form.items().collect();
    let mut out = Vec::new();
    walk(&root, submission, &mut Vec::new(), "", &mut Vec::new(), &mut out);
    out
}

/// Sets (or with `None`, removes) the value at a JSON pointer whose parent exists.
fn set_at(submission: &mut Value, pointer: &str, value: Option<Value>) -> bool {
    let Some((parent, key)) = pointer.rsplit_once('/') else { return false };
    let key = key.replace("~1", "/").replace("~0", "~");
    let parent = if parent.is_empty() { Some(submission) } else { submission.pointer_mut(parent) };
    match (parent, value) {
        (Some(Value::Object(object)), Some(value)) => {
            object.insert(key, value);
            true
        }
        (Some(Value::Object(object)), None) => object.remove(&key).is_some(),
        (Some(Value::Array(items)), Some(value)) => match key.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
            Some(slot) => {
                *slot = value;
                true
            }
            None => false,
        },
        _ => false,
    }
}

fn visible_in(compiled: &Compiled, slot: &Slot, submission: &Value, options: &Options) -> bool {
    let condition = match slot.item {
        Item::Field(f) => f.visible.as_ref(),
        Item::Group(g) => g.visible.as_ref(),
        Item::Repeat(r) => r.visible.as_ref(),
        Item::Info(_) => None,
    };
    condition.is_none_or(|c| compiled.eval(c, submission, options, &slot.indices).is_true())
}

/// One invalid example derived from `base`, or `None` if this attempt found nothing to break.
pub fn invalid(
    compiled: &Compiled,
    analysis: &Analysis,
    base: &Value,
    rng: &mut Rng,
    options: &Options,
) -> Option<(Value, Expect)> {
    let form = compiled.form();
    let all = slots(form, base);
    let mut submission = base.clone();
    let expect = |pointer: &str, code: &str| Expect { pointer: pointer.to_string(), code: code.to_string() };
    let visible = |slot: &Slot| visible_in(compiled, slot, base, options);
    match rng.below(8) {
        // A filtered choice (`within`) gets a code of another parent.
        0 if rng.chance(50) => not_within(compiled, analysis, &all, base, rng, options),
        // A value nobody reads gets a value that breaks its own constraint.
        0..=2 => {
            let candidates: Vec<&Slot> = all
                .iter()
                .filter(|s| matches!(s.item, Item::Field(_)) && analysis.unread(&s.path) && (s.present || visible(s)))
                .collect();
            let slot = candidates.get(rng.below(candidates.len() as u64) as usize)?;
            let Item::Field(field) = slot.item else { return None };
            let current = base.pointer(&slot.pointer);
            let bad = bad_values(field, current, &codes_of(compiled, field), rng, options.today);
            let (value, code) = bad.get(rng.below(bad.len() as u64) as usize)?.clone();
            set_at(&mut submission, &slot.pointer, Some(value));
            // A file that is too large is reported at its size; of several files, at the first.
            let first = if field.ty == FieldType::Files { "/0" } else { "" };
            let at = match code {
                "file_size" => format!("{}{first}/size", slot.pointer),
                "file_type" | "file_invalid" => format!("{}{first}", slot.pointer),
                _ => slot.pointer.clone(),
            };
            Some((submission, expect(&at, code)))
        }
        // A required value nobody reads goes missing (or a computed value that is known).
        3 => {
            let candidates: Vec<&Slot> = all
                .iter()
                .filter(|s| s.present && analysis.unread(&s.path))
                .filter(|s| match s.item {
                    Item::Field(f) => f.required == Requirement::Always || f.computed.is_some(),
                    Item::Group(g) => g.required == Requirement::Always,
                    Item::Repeat(r) => r.min > 0,
                    Item::Info(_) => false,
                })
                .collect();
            let slot = candidates.get(rng.below(candidates.len() as u64) as usize)?;
            set_at(&mut submission, &slot.pointer, None);
            Some((submission, expect(&slot.pointer, missing_code(slot.item))))
        }
        // A repeat nobody reads gets one item too many or too few.
        4 => {
            let candidates: Vec<&Slot> = all
                .iter()
                .filter(|s| s.present && analysis.unread(&s.path))
                .filter(|s| matches!(s.item, Item::Repeat(r) if r.max.is_some() || r.min > 1))
                .collect();
            let slot = candidates.get(rng.below(candidates.len() as u64) as usize)?;
            let Item::Repeat(repeat) = slot.item else { return None };
            let mut entries = base.pointer(&slot.pointer)?.as_array()?.clone();
            let first = entries.first()?.clone();
            let code = match repeat.max {
                Some(max) if repeat.min <= 1 || rng.chance(50) => {
                    while entries.len() <= max as usize {
                        entries.push(first.clone());
                    }
                    "max_items"
                }
                _ => {
                    entries.truncate(repeat.min as usize - 1);
                    "min_items"
                }
            };
            set_at(&mut submission, &slot.pointer, Some(Value::Array(entries)));
            Some((submission, expect(&slot.pointer, code)))
        }
        // A field hidden by its condition gets a value.
        5 => {
            let candidates: Vec<&Slot> = all
                .iter()
                .filter(|s| !s.present && analysis.unread(&s.path) && !visible(s))
                .filter(|s| matches!(s.item, Item::Field(_) | Item::Group(_)))
                .collect();
            let slot = candidates.get(rng.below(candidates.len() as u64) as usize)?;
            let value = node_value(compiled, slot.item, rng, options)?;
            set_at(&mut submission, &slot.pointer, Some(value));
            Some((submission, expect(&slot.pointer, "hidden")))
        }
        // A condition is toggled so that a field nobody reads becomes required and is missing.
        6 => toggle_required(compiled, analysis, base, &all, rng, options),
        // A rule is broken through values only it reads.
        _ => {
            if rng.chance(20) {
                let key = "nicht_im_formular";
                set_at(&mut submission, &format!("/{key}"), Some(json!("x")));
                return Some((submission, expect(&format!("/{key}"), "unknown_property")));
            }
            let errors: Vec<&ir::Rule> = form.rules.iter().filter(|r| r.severity.is_error()).collect();
            let rule = errors.get(rng.below(errors.len() as u64) as usize)?;
            break_rule(compiled, rule, base, &all, rng, options)
        }
    }
}

/// A valid submission that a rule of `severity warning` warns about, derived from `base` as an
/// invalid example is (values only that rule reads): the expected warning, or `None`.
pub fn warn(compiled: &Compiled, base: &Value, rng: &mut Rng, options: &Options) -> Option<(Value, Expect)> {
    let form = compiled.form();
    let warnings: Vec<&ir::Rule> = form.rules.iter().filter(|r| !r.severity.is_error()).collect();
    let rule = warnings.get(rng.below(warnings.len() as u64) as usize)?;
    break_rule(compiled, rule, base, &slots(form, base), rng, options)
}

fn toggle_required(
    compiled: &Compiled,
    analysis: &Analysis,
    base: &Value,
    all: &[Slot],
    rng: &mut Rng,
    options: &Options,
) -> Option<(Value, Expect)> {
    let candidates: Vec<&Slot> = all
        .iter()
        .filter(|s| !s.present && analysis.unread(&s.path))
        .filter(|s| matches!(s.item, Item::Field(f) if matches!(f.required, Requirement::When(_))))
        .collect();
    let slot = candidates.get(rng.below(candidates.len() as u64) as usize)?;
    let Item::Field(field) = slot.item else { return None };
    let Requirement::When(condition) = &field.required else { return None };
    // The controlling field: read by this field's conditions and by nothing else.
    let mut read = BTreeSet::new();
    collect(condition, &mut |p| {
        read.insert(p.clone());
    });
    if let Some(visible) = &field.visible {
        collect(visible, &mut |p| {
            read.insert(p.clone());
        });
    }
    let [controller] = read.iter().collect::<Vec<_>>()[..] else { return None };
    let own = [Reader::Visible(slot.path.clone()), Reader::Required(slot.path.clone())];
    if !analysis.readers(controller).iter().all(|r| own.contains(r)) {
        return None;
    }
    let control = all.iter().find(|s| s.path == *controller && slot.indices.starts_with(&s.indices))?;
    if !control.present && !visible_in(compiled, control, base, options) {
        return None;
    }
    let Item::Field(control_field) = control.item else { return None };
    let options_for_control: Vec<Value> = match &control_field.ty {
        FieldType::Boolean => vec![json!(true), json!(false)],
        FieldType::Choice { .. } => codes_of(compiled, control_field).into_iter().map(Value::String).collect(),
        _ => (0..10).filter_map(|_| values::field_value(control_field, &[], rng, options.today)).collect(),
    };
    for value in options_for_control {
        let mut submission = base.clone();
        if !set_at(&mut submission, &control.pointer, Some(value)) {
            continue;
        }
        let required = compiled.eval(condition, &submission, options, &slot.indices).is_true();
        let shown =
            field.visible.as_ref().is_none_or(|v| compiled.eval(v, &submission, options, &slot.indices).is_true());
        if required && shown {
            return Some((submission, Expect { pointer: slot.pointer.clone(), code: missing_code(slot.item).into() }));
        }
    }
    None
}

fn break_rule(
    compiled: &Compiled,
    rule: &ir::Rule,
    base: &Value,
    all: &[Slot],
    rng: &mut Rng,
    options: &Options,
) -> Option<(Value, Expect)> {
    let mut read = BTreeSet::new();
    collect(&rule.check, &mut |p| {
        read.insert(p.clone());
    });
    // The rule's place: the form, or one item of the repeat (or group in a repeat) it is in.
    let scopes: Vec<Vec<(ir::Path, usize)>> = if rule.scope.is_empty() {
        vec![Vec::new()]
    } else {
        all.iter()
            .filter(|s| s.path.len() > rule.scope.len() && s.path.starts_with(&rule.scope))
            .map(|s| s.indices.iter().filter(|(p, _)| rule.scope.starts_with(p)).cloned().collect())
            .collect::<BTreeSet<Vec<(ir::Path, usize)>>>()
            .into_iter()
            .collect()
    };
    let indices = scopes.get(rng.below(scopes.len() as u64) as usize)?.clone();
    // Every field value the rule reads in this place (all items, for an aggregate).
    let targets: Vec<&Slot> = all
        .iter()
        .filter(|s| matches!(s.item, Item::Field(_)) && read.iter().any(|p| s.path.starts_with(p)))
        .filter(|s| s.indices.starts_with(&indices) || indices.starts_with(&s.indices))
        .filter(|s| s.present || visible_in(compiled, s, base, options))
        .collect();
    if targets.is_empty() {
        return None;
    }
    for _ in 0..60 {
        let mut submission = base.clone();
        let mut changed = false;
        // Values of one other item are copied into this one, so that rules comparing items
        // (`unique`, equal codes) can break; a field's own value is valid wherever it stands.
        let donor = rng.below(4) as usize;
        for target in &targets {
            if !rng.chance(60) {
                continue;
            }
            let Item::Field(field) = target.item else { continue };
            // Leaving a value out breaks `is set` rules; only optional values may go.
            if target.present && rng.chance(30) && !matches!(field.required, Requirement::Always) {
                let still_optional = match &field.required {
                    Requirement::When(condition) => !compiled.eval(condition, base, options, &target.indices).is_true(),
                    _ => true,
                };
                if still_optional {
                    changed |= set_at(&mut submission, &target.pointer, None);
                    continue;
                }
            }
            let copied = rng.chance(50).then(|| sibling_value(target, &targets, donor, base)).flatten();
            let Some(value) =
                copied.or_else(|| values::any_value(field, &codes_of(compiled, field), rng, options.today))
            else {
                continue;
            };
            changed |= set_at(&mut submission, &target.pointer, Some(value));
        }
        if !changed || !compiled.eval(&rule.check, &submission, options, &indices).is_false() {
            continue;
        }
        if !only_the_rule_changed(compiled, rule, &indices, base, &submission, all, options) {
            continue;
        }
        let mut pointer = String::new();
        for (depth, name) in rule.at.iter().enumerate() {
            pointer.push('/');
            pointer.push_str(&pointer_segment(name));
            if let Some((_, index)) =
                indices.iter().find(|(p, _)| p[..] == rule.at[..=depth] && depth + 1 < rule.at.len())
            {
                pointer.push_str(&format!("/{index}"));
            }
        }
        return Some((submission, Expect { pointer, code: format!("rule:{}", rule.name) }));
    }
    None
}

/// The value of the same field in item `donor` of the innermost repeat around `target`.
fn sibling_value(target: &Slot, targets: &[&Slot], donor: usize, base: &Value) -> Option<Value> {
    let (repeat, own) = target.indices.last()?;
    if *own == donor {
        return None;
    }
    let other = targets.iter().find(|other| {
        other.present
            && other.path == target.path
            && other.indices.last().is_some_and(|(r, index)| r == repeat && *index == donor)
            && other.indices[..other.indices.len() - 1] == target.indices[..target.indices.len() - 1]
    })?;
    base.pointer(&other.pointer).cloned()
}

/// Whether changing field values from `before` to `after` leaves every visibility,
/// requirement, computed value and every other rule as it was (so that only `rule` breaks).
/// The new values are valid on their own; this predicts the rest from the conditions, not
/// the validator.
fn only_the_rule_changed(
    compiled: &Compiled,
    rule: &ir::Rule,
    indices: &[(ir::Path, usize)],
    before: &Value,
    after: &Value,
    all: &[Slot],
    options: &Options,
) -> bool {
    let outcome = |submission: &Value, expr: &Expr, indices: &[(ir::Path, usize)]| {
        compiled.eval(expr, submission, options, indices)
    };
    for slot in all {
        let (visible, required) = match slot.item {
            Item::Field(f) => (f.visible.as_ref(), Some(&f.required)),
            Item::Group(g) => (g.visible.as_ref(), Some(&g.required)),
            Item::Repeat(r) => (r.visible.as_ref(), None),
            Item::Info(_) => continue,
        };
        if let Some(condition) = visible {
            if outcome(before, condition, &slot.indices).is_true() != outcome(after, condition, &slot.indices).is_true()
            {
                return false;
            }
        }
        if let Some(Requirement::When(condition)) = required {
            if outcome(before, condition, &slot.indices).is_true() != outcome(after, condition, &slot.indices).is_true()
            {
                return false;
            }
        }
        // A computed value must stay what it was, so that the submitted one stays right.
        if let Item::Field(Field { computed: Some(expr), .. }) = slot.item {
            if outcome(before, expr, &slot.indices) != outcome(after, expr, &slot.indices) {
                return false;
            }
        }
    }
    for other in &compiled.form().rules {
        let places: BTreeSet<Vec<(ir::Path, usize)>> = if other.scope.is_empty() {
            BTreeSet::from([Vec::new()])
        } else {
            all.iter()
                .filter(|s| s.path.len() > other.scope.len() && s.path.starts_with(&other.scope))
                .map(|s| s.indices.iter().filter(|(p, _)| other.scope.starts_with(p)).cloned().collect())
                .collect()
        };
        for place in places {
            if other.name == rule.name && place == indices {
                continue;
            }
            if outcome(after, &other.check, &place).is_false() {
                return false;
            }
        }
    }
    true
}

/// A shown single choice filtered by a valid answer (`within`), that only its filter reads,
/// gets a code whose parent is another: `not_within`.
fn not_within(
    compiled: &Compiled,
    analysis: &Analysis,
    all: &[Slot],
    base: &Value,
    rng: &mut Rng,
    options: &Options,
) -> Option<(Value, Expect)> {
    let form = compiled.form();
    let mut candidates: Vec<(&Slot, Vec<&str>)> = Vec::new();
    for slot in all {
        let Item::Field(field @ Field { ty: FieldType::Choice { codelist }, .. }) = slot.item else { continue };
        let Some(parent) = &field.constraints.within else { continue };
        let only_filter = analysis.readers(&slot.path).iter().all(|r| **r == Reader::Within(slot.path.clone()));
        if !slot.present || !only_filter || !visible_in(compiled, slot, base, options) {
            continue;
        }
        let Some(list) = form.codelists.get(codelist) else { continue };
        let Some(parents) = list.within.as_ref().and_then(|name| form.codelists.get(name)) else { continue };
        let answer =
            compiled.eval(&Expr::Field { path: parent.clone(), ty: ir::ValueType::Text }, base, options, &slot.indices);
        let crate::validate::V::Text(answer) = answer else { continue };
        if !parents.codes.iter().any(|c| c.code == answer) {
            continue;
        }
        let others: Vec<&str> = list
            .codes
            .iter()
            .filter(|c| c.within.as_deref() != Some(answer.as_str()))
            .map(|c| c.code.as_str())
            .collect();
        if !others.is_empty() {
            candidates.push((slot, others));
        }
    }
    let (slot, others) = candidates.get(rng.below(candidates.len() as u64) as usize)?;
    let code = others[rng.below(others.len() as u64) as usize];
    let mut submission = base.clone();
    set_at(&mut submission, &slot.pointer, Some(json!(code)));
    Some((submission, Expect { pointer: slot.pointer.clone(), code: "not_within".to_string() }))
}

/// Values that break exactly one constraint of `field`, with the code each one produces.
fn bad_values(
    field: &Field,
    current: Option<&Value>,
    codes: &[String],
    rng: &mut Rng,
    today: Date,
) -> Vec<(Value, &'static str)> {
    let c = &field.constraints;
    let mut out: Vec<(Value, &'static str)> = Vec::new();
    let text_like = matches!(
        field.ty,
        FieldType::Text
            | FieldType::Multiline
            | FieldType::Email
            | FieldType::Phone
            | FieldType::Iban
            | FieldType::Postcode
    );
    if text_like
        || matches!(field.ty, FieldType::Date | FieldType::Decimal | FieldType::Money | FieldType::Choice { .. })
    {
        out.push((json!(""), "empty"));
        out.push((json!(42), "type"));
    }
    if text_like {
        // One code point that no text may contain, inserted into the value: it is reported
        // before format, length and pattern. Line breaks have their own code (`line_break`).
        let mut forbidden = vec!['\u{0}', '\u{1b}', '\u{7f}', '\u{85}', '\u{2028}', '\u{202e}', '\u{2066}', '\u{fffe}'];
        if field.ty != FieldType::Multiline {
            forbidden.push('\t');
        }
        let text = current.and_then(Value::as_str).filter(|t| !t.is_empty()).unwrap_or("Text");
        let mut chars: Vec<char> = text.chars().collect();
        let at = rng.below(chars.len() as u64 + 1) as usize;
        chars.insert(at, forbidden[rng.below(forbidden.len() as u64) as usize]);
        out.push((json!(chars.into_iter().collect::<String>()), "text_invalid_character"));
    }
    match &field.ty {
        FieldType::Text | FieldType::Multiline if c.pattern.is_none() => {
            if let Some(max) = c.max_length {
                // Multi-byte characters: a byte count would already be far over the limit.
                out.push((json!("ß".repeat(max as usize + 1)), "max_length"));
            }
            if let Some(min) = c.min_length.filter(|m| *m > 1) {
                out.push((json!("ö".repeat(min as usize - 1)), "min_length"));
            }
            if field.ty == FieldType::Text && c.min_length.is_none_or(|m| m <= 3) && c.max_length.is_none_or(|m| m >= 3)
            {
                out.push((json!("a\nb"), "line_break"));
            }
        }
        FieldType::Text | FieldType::Multiline => {
            let pattern = c.pattern.as_ref().map(|p| p.regex.clone()).unwrap_or_default();
            let regex = regex::Regex::new(&format!("^(?:{pattern})$")).ok();
            for candidate in ["!", "??", "#x#"] {
                let length = candidate.chars().count() as u64;
                let fits = c.min_length.is_none_or(|m| length >= m) && c.max_length.is_none_or(|m| length <= m);
                if fits && regex.as_ref().is_some_and(|r| !r.is_match(candidate)) {
                    out.push((json!(candidate), "pattern"));
                    break;
                }
            }
        }
        FieldType::Email => out.push((json!("anna@localhost"), "email_invalid")),
        FieldType::Phone => out.push((json!("030 CALL ME"), "phone_invalid")),
        FieldType::Postcode => out.push((json!("1234"), "postcode_invalid")),
        FieldType::Iban => {
            let valid = current.and_then(Value::as_str).map(str::to_string).unwrap_or_else(|| values::iban(rng));
            let mut chars: Vec<char> = valid.chars().collect();
            let last = chars.len() - 1;
            chars[last] = if chars[last] == '9' { '0' } else { char::from(chars[last] as u8 + 1) };
            out.push((json!(chars.into_iter().collect::<String>()), "iban_invalid"));
            out.push((json!(format!("{valid}0")), "iban_invalid"));
        }
        FieldType::Integer => {
            out.push((json!(2.5), "type"));
            out.push((json!("12"), "type"));
            if let Some(Bound::Number { value }) = &c.max {
                if let Ok(max) = value.parse::<i64>() {
                    out.push((json!(max + 1), "maximum"));
                }
            }
            if let Some(Bound::Number { value }) = &c.min {
                if let Ok(min) = value.parse::<i64>() {
                    out.push((json!(min - 1), "minimum"));
                }
            }
        }
        FieldType::Decimal | FieldType::Money => {
            out.push((json!("1,5"), "decimal_invalid"));
            out.push((json!(12.5), "type"));
            let places = if field.ty == FieldType::Money { Some(c.decimals.unwrap_or(2)) } else { c.decimals };
            if let Some(places) = places {
                out.push((json!(format!("0.{}1", "0".repeat(places as usize))), "decimals"));
            }
            if let Some(Bound::Number { value }) = &c.max {
                if let Some(max) = Decimal::parse(value).and_then(|m| m.checked_add(Decimal::from_i64(1))) {
                    out.push((json!(max.to_string()), "maximum"));
                }
            }
            if let Some(Bound::Number { value }) = &c.min {
                if let Some(min) = Decimal::parse(value).and_then(|m| m.checked_sub(Decimal::from_i64(1))) {
                    out.push((json!(min.to_string()), "minimum"));
                }
            }
        }
        FieldType::Boolean => {
            out.push((json!("ja"), "type"));
            if c.must_be_true {
                out.push((json!(false), "not_confirmed"));
            }
        }
        FieldType::Date => {
            out.push((json!("2023-02-30"), "date_invalid"));
            out.push((json!("2023-02-29"), "date_invalid"));
            out.push((json!("27.03.2007"), "date_invalid"));
            if let Some(max) =
                c.max.as_ref().and_then(|b| resolve_date_bound(b, today)).and_then(|d| d.shift(1, DurationUnit::Days))
            {
                out.push((json!(max.to_string()), "maximum"));
            }
            if let Some(min) =
                c.min.as_ref().and_then(|b| resolve_date_bound(b, today)).and_then(|d| d.shift(-1, DurationUnit::Days))
            {
                out.push((json!(min.to_string()), "minimum"));
            }
        }
        FieldType::Choice { .. } => out.push((json!("kein-code"), "code_invalid")),
        FieldType::MultipleChoice { .. } => {
            out.push((json!([]), "empty"));
            out.push((json!(["kein-code"]), "code_invalid"));
            if let Some(code) = codes.first() {
                out.push((json!([code, code]), "codes_duplicate"));
            }
            // An exclusive code with another one.
            if let (Some(alone), Some(other)) =
                (c.exclusive.first(), codes.iter().find(|code| !c.exclusive.contains(code)))
            {
                out.push((json!([other, alone]), "exclusive"));
            }
            out.push((json!("de"), "type"));
        }
        FieldType::File => {
            out.push((json!("nachweis.pdf"), "file_invalid"));
            if let Some(max) = c.max_size {
                let mut large = values::file_value(field, rng);
                large["size"] = json!(max + 1);
                out.push((large, "file_size"));
            }
            if !c.accept.is_empty() {
                out.push((
                    json!({"name": "programm.exe", "media_type": "application/x-msdownload", "size": 10}),
                    "file_type",
                ));
            }
        }
        FieldType::Files => files_bad_values(field, rng, &mut out),
    }
    out
}

/// Several files that break exactly one constraint: not a list, an empty list, too few or too
/// many files, the first file invalid, of another type or too large, or too large together.
fn files_bad_values(field: &Field, rng: &mut Rng, out: &mut Vec<(Value, &'static str)>) {
    let c = &field.constraints;
    let min = c.min_count.unwrap_or(1).max(1) as usize;
    let max = c.max_count.unwrap_or(min as u32) as usize;
    // Valid files of one byte each: `count` of them never exceed a total.
    let small = |count: usize, rng: &mut Rng| -> Vec<Value> {
        (0..count)
            .map(|_| {
                let mut file = values::file_value(field, rng);
                file["size"] = json!(1);
                file
            })
            .collect()
    };
    out.push((values::file_value(field, rng), "type"));
    out.push((json!([]), "empty"));
    out.push((Value::Array(small(max + 1, rng)), "max_files"));
    if min > 1 {
        out.push((Value::Array(small(min - 1, rng)), "min_files"));
    }
    let mut invalid = small(min, rng);
    invalid[0] = json!("nachweis.pdf");
    out.push((Value::Array(invalid), "file_invalid"));
    if !c.accept.is_empty() {
        let mut other = small(min, rng);
        other[0] = json!({"name": "programm.exe", "media_type": "application/x-msdownload", "size": 1});
        out.push((Value::Array(other), "file_type"));
    }
    if let Some(max_size) = c.max_size {
        let mut large = small(min, rng);
        large[0]["size"] = json!(max_size + 1);
        let total = max_size + min as u64;
        if c.max_total.is_none_or(|max_total| total <= max_total) {
            out.push((Value::Array(large), "file_size"));
        }
    }
    if let Some(max_total) = c.max_total {
        // As few files as exceed the total, each at most `max_size`.
        let each = c.max_size.unwrap_or(max_total).min(max_total);
        let count = ((max_total / each) as usize + 1).max(min);
        if count <= max {
            let mut files = small(count, rng);
            for file in &mut files {
                file["size"] = json!(each);
            }
            out.push((Value::Array(files), "total_size"));
        }
    }
}

/// The code of a required value that is missing: a declaration is not confirmed, a known
/// computed value is not the computed one.
fn missing_code(item: &Item) -> &'static str {
    match item {
        Item::Field(field) if field.constraints.must_be_true => "not_confirmed",
        Item::Field(field) if field.computed.is_some() => "computed",
        _ => "required",
    }
}
