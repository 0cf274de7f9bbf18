//! Example submissions for a form: valid ones that satisfy every constraint, condition and
//! rule, and invalid ones that break exactly one named constraint and say which
//! (`{"submission": …, "expect": {"pointer": …, "code": …}}`). Deterministic per seed, and
//! streamed: [`generate_each`] hands out each example as it is made, in memory that does not
//! grow with the number asked for. Valid examples never contain a code point that a text may
//! not contain (`runtime::formats::TEXT_FORBIDDEN`); one mutation inserts one.
//!
//! Invalid examples are derived from valid ones by a mutation whose effect the generator
//! predicts on its own: it changes only values that no condition or rule reads (or, for
//! conditions and rules, only values that nothing else reads), so the expected violation
//! follows from the mutation. The validator is never asked what to expect.

mod mutate;
mod rng;
mod solve;
mod values;

use std::ops::ControlFlow;

use serde::Serialize;
use serde_json::{Map, Value};

pub use rng::Rng;

use crate::formdata::prune_hidden;
use crate::ir::{Item, Requirement};
use crate::validate::{Compiled, Options};

/// The violation an invalid example must produce.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Expect {
    pub pointer: String,
    pub code: String,
}

/// One line of `formwerk examples`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Example {
    pub submission: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expect: Option<Expect>,
    /// The warning a valid example must produce (a rule of `severity warning`, derived as an
    /// invalid example is); valid examples without it produce none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warning: Option<Expect>,
}

/// `n_valid` valid and `n_invalid` invalid examples (fewer if the form admits no more).
pub fn generate(compiled: &Compiled, n_valid: usize, n_invalid: usize, seed: u64, options: &Options) -> Vec<Example> {
    let mut out = Vec::new();
    generate_each(compiled, n_valid, n_invalid, seed, options, &mut |example| {
        out.push(example);
        ControlFlow::Continue(())
    });
    out
}

/// How many examples of each kind were made.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Made {
    pub valid: usize,
    pub invalid: usize,
    /// Whether any valid submission was found (also when none was asked for): when not, the
    /// form admits none.
    pub any_valid: bool,
}

/// At most this many valid submissions are kept as bases for invalid ones, so that memory
/// does not grow with the number of examples.
const POOL: usize = 64;

/// Makes the examples of [`generate`] one at a time and hands each to `emit` as soon as it is
/// made, valid ones first; `emit` stops the generation with `ControlFlow::Break`. Memory does
/// not depend on the counts.
pub fn generate_each(
    compiled: &Compiled,
    n_valid: usize,
    n_invalid: usize,
    seed: u64,
    options: &Options,
    emit: &mut dyn FnMut(Example) -> ControlFlow<()>,
) -> Made {
    let mut rng = Rng::new(seed);
    let mut made = Made::default();
    let mut valid_pool = Vec::new();
    let warns = compiled.form().rules.iter().any(|r| !r.severity.is_error());
    for index in 0..n_valid.max(usize::from(n_invalid > 0)) {
        let Some(submission) = valid(compiled, &mut rng, options) else { break };
        made.any_valid = true;
        if valid_pool.len() < POOL {
            valid_pool.push(submission.clone());
        }
        if index < n_valid {
            made.valid += 1;
            // Every fifth valid example of a form with warning rules tries to trigger one.
            let warned = (warns && rng.chance(20)).then(|| mutate::warn(compiled, &submission, &mut rng, options));
            let example = match warned.flatten() {
                Some((submission, warning)) => Example { submission, expect: None, warning: Some(warning) },
                None => Example { submission, expect: None, warning: None },
            };
            if emit(example).is_break() {
                return made;
            }
        }
    }
    if valid_pool.is_empty() {
        return made;
    }
    let analysis = mutate::Analysis::new(compiled.form());
    let mut attempts: usize = 0;
    let mut refreshed: usize = 0;
    while made.invalid < n_invalid && attempts < n_invalid.saturating_mul(20).saturating_add(100) {
        attempts += 1;
        let base = &valid_pool[rng.below(valid_pool.len() as u64) as usize];
        if let Some((submission, expect)) = mutate::invalid(compiled, &analysis, base, &mut rng, options) {
            made.invalid += 1;
            if emit(Example { submission, expect: Some(expect), warning: None }).is_break() {
                return made;
            }
        }
        // Refresh the pool now and then so invalid examples start from varied data.
        if attempts.is_multiple_of(25) {
            if let Some(fresh) = valid(compiled, &mut rng, options) {
                if valid_pool.len() < POOL {
                    valid_pool.push(fresh);
                } else {
                    valid_pool[refreshed % POOL] = fresh;
                    refreshed += 1;
                }
            }
        }
    }
    made
}

/// One valid submission: random values within every constraint, hidden values pruned,
/// conditionally required values filled in, equalities of failing rules solved; whatever
/// still fails is drawn again. Warnings are solved and drawn again like violations, so a valid
/// example warns of nothing, unless a form warns of every draw (then after 100 draws).
pub fn valid(compiled: &Compiled, rng: &mut Rng, options: &Options) -> Option<Value> {
    let form = compiled.form();
    let items: Vec<&Item> = form.items().collect();
    for attempt in 0..200 {
        let mut submission = Value::Object(object(compiled, &items, rng, options)?);
        for _ in 0..6 {
            prune_hidden(compiled, &mut submission, options);
            // Computed values follow the answers (and may show or hide other values).
            compiled.fill_computed(&mut submission, options);
            prune_hidden(compiled, &mut submission, options);
            compiled.fill_computed(&mut submission, options);
            let report = compiled.validate(&submission, options);
            if report.is_valid() && (report.warnings.is_empty() || attempt >= 100) {
                return Some(submission);
            }
            let mut repaired = false;
            for violation in report.violations.iter().chain(&report.warnings) {
                if violation.code == "required" || violation.code == "not_confirmed" {
                    repaired |= fill(compiled, &mut submission, &violation.pointer, rng, options);
                } else if violation.code == "not_within" {
                    repaired |= within(compiled, &mut submission, &violation.pointer, rng, options);
                } else if let Some(name) = violation.code.strip_prefix("rule:") {
                    repaired |= solve::rule(compiled, &mut submission, name, &violation.pointer, rng, options);
                }
            }
            if !repaired {
                break;
            }
        }
    }
    None
}

fn codes_of(compiled: &Compiled, field: &crate::ir::Field) -> Vec<String> {
    match &field.ty {
        crate::ir::FieldType::Choice { codelist } | crate::ir::FieldType::MultipleChoice { codelist } => compiled
            .form()
            .codelists
            .get(codelist)
            .map(|list| list.codes.iter().map(|c| c.code.clone()).collect())
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// A value for one node (field, group or repeat).
fn node_value(compiled: &Compiled, item: &Item, rng: &mut Rng, options: &Options) -> Option<Value> {
    match item {
        Item::Field(field) => values::field_value(field, &codes_of(compiled, field), rng, options.today),
        Item::Group(group) => {
            let children: Vec<&Item> = group.items.iter().collect();
            Some(Value::Object(object(compiled, &children, rng, options)?))
        }
        Item::Repeat(repeat) => {
            let max = repeat.max.unwrap_or(repeat.min + 3).min(repeat.min + 3);
            let count = repeat.min + rng.below((max - repeat.min + 1) as u64) as u32;
            let children: Vec<&Item> = repeat.items.iter().collect();
            let entries: Option<Vec<Value>> =
                (0..count).map(|_| object(compiled, &children, rng, options).map(Value::Object)).collect();
            Some(Value::Array(entries?))
        }
        Item::Info(_) => None,
    }
}

fn object(compiled: &Compiled, items: &[&Item], rng: &mut Rng, options: &Options) -> Option<Map<String, Value>> {
    let mut out = Map::new();
    for item in items {
        let always = match item {
            // A computed value is computed once the answers are drawn (`valid`).
            Item::Field(f) if f.computed.is_some() => continue,
            Item::Field(f) => f.required == Requirement::Always,
            Item::Group(g) => g.required == Requirement::Always,
            Item::Repeat(r) => r.min > 0,
            Item::Info(_) => continue,
        };
        if always || rng.chance(75) {
            out.insert(item.name().to_string(), node_value(compiled, item, rng, options)?);
        }
    }
    Some(out)
}

/// A filtered choice (`within`) at a JSON pointer gets a code of the parent that filters it;
/// `false` if there is none.
fn within(compiled: &Compiled, submission: &mut Value, pointer: &str, rng: &mut Rng, options: &Options) -> bool {
    let form = compiled.form();
    let segments: Vec<String> = pointer.split('/').skip(1).map(|s| s.replace("~1", "/").replace("~0", "~")).collect();
    // The field's path (without indices) and the current item of each repeat on it.
    let (mut path, mut indices) = (Vec::new(), Vec::new());
    for segment in &segments {
        match segment.parse::<usize>() {
            Ok(index) if compiled.repeats().contains(&path) => indices.push((path.clone(), index)),
            _ => path.push(segment.clone()),
        }
    }
    let Some((first, rest)) = path.split_first() else { return false };
    let mut node = form.items().find(|i| i.name() == first);
    for name in rest {
        node = node.and_then(|n| n.children().iter().find(|i| i.name() == name));
    }
    let Some(Item::Field(field)) = node else { return false };
    let (crate::ir::FieldType::Choice { codelist }, Some(parent)) = (&field.ty, &field.constraints.within) else {
        return false;
    };
    let expr = crate::ir::Expr::Field { path: parent.clone(), ty: crate::ir::ValueType::Text };
    let crate::validate::V::Text(answer) = compiled.eval(&expr, submission, options, &indices) else { return false };
    let Some(list) = form.codelists.get(codelist) else { return false };
    let fitting: Vec<&str> =
        list.codes.iter().filter(|c| c.within.as_deref() == Some(answer.as_str())).map(|c| c.code.as_str()).collect();
    if fitting.is_empty() {
        return false;
    }
    let code = fitting[rng.below(fitting.len() as u64) as usize];
    match submission.pointer_mut(pointer) {
        Some(slot) => {
            *slot = Value::String(code.to_string());
            true
        }
        None => false,
    }
}

/// Fills the node at a JSON pointer with a fresh value; `false` if it cannot be found.
fn fill(compiled: &Compiled, submission: &mut Value, pointer: &str, rng: &mut Rng, options: &Options) -> bool {
    let form = compiled.form();
    let segments: Vec<String> = pointer.split('/').skip(1).map(|s| s.replace("~1", "/").replace("~0", "~")).collect();
    let Some((last, init)) = segments.split_last() else { return false };
    let mut items: Vec<&Item> = form.items().collect();
    let mut current = &mut *submission;
    let mut index = 0;
    while index < init.len() {
        let Some(item) = items.iter().find(|i| i.name() == init[index]).copied() else { return false };
        let Some(next) = current.get_mut(&init[index]) else { return false };
        current = next;
        items = item.children().iter().collect();
        if let Item::Repeat(_) = item {
            index += 1;
            let Some(position) = init.get(index).and_then(|i| i.parse::<usize>().ok()) else { return false };
            let Some(next) = current.get_mut(position) else { return false };
            current = next;
        }
        index += 1;
    }
    let Some(item) = items.iter().find(|i| i.name() == last.as_str()).copied() else { return false };
    let Some(value) = node_value(compiled, item, rng, options) else { return false };
    match current.as_object_mut() {
        Some(object) => {
            object.insert(last.clone(), value);
            true
        }
        None => false,
    }
}
