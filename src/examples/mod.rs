//! Example submissions for a form: valid ones that satisfy every constraint, condition and
//! rule, and invalid ones that break exactly one named constraint and say which
//! (`{"submission": …, "expect": {"pointer": …, "code": …}}`). Deterministic per seed.
//!
//! Invalid examples are derived from valid ones by a mutation whose effect the generator
//! predicts on its own: it changes only values that no condition or rule reads (or, for
//! conditions and rules, only values that nothing else reads), so the expected violation
//! follows from the mutation. The validator is never asked what to expect.

mod mutate;
mod rng;
mod solve;
mod values;

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
}

/// `n_valid` valid and `n_invalid` invalid examples (fewer if the form admits no more).
pub fn generate(compiled: &Compiled, n_valid: usize, n_invalid: usize, seed: u64, options: &Options) -> Vec<Example> {
    let mut rng = Rng::new(seed);
    let mut out = Vec::new();
    let mut valid_pool = Vec::new();
    for _ in 0..n_valid.max(usize::from(n_invalid > 0)) {
        match valid(compiled, &mut rng, options) {
            Some(submission) => valid_pool.push(submission),
            None => break,
        }
    }
    out.extend(valid_pool.iter().take(n_valid).map(|s| Example { submission: s.clone(), expect: None }));
    if valid_pool.is_empty() {
        return out;
    }
    let analysis = mutate::Analysis::new(compiled.form());
    let mut attempts = 0;
    let mut produced = 0;
    while produced < n_invalid && attempts < n_invalid * 20 + 100 {
        attempts += 1;
        let base = &valid_pool[rng.below(valid_pool.len() as u64) as usize];
        if let Some((submission, expect)) = mutate::invalid(compiled, &analysis, base, &mut rng, options) {
            out.push(Example { submission, expect: Some(expect) });
            produced += 1;
        }
        // Refresh the pool now and then so invalid examples start from varied data.
        if attempts % 25 == 0 {
            if let Some(fresh) = valid(compiled, &mut rng, options) {
                valid_pool.push(fresh);
            }
        }
    }
    out
}

/// One valid submission: random values within every constraint, hidden values pruned,
/// conditionally required values filled in, equalities of failing rules solved; whatever
/// still fails is drawn again.
pub fn valid(compiled: &Compiled, rng: &mut Rng, options: &Options) -> Option<Value> {
    let form = compiled.form();
    let items: Vec<&Item> = form.items().collect();
    for _ in 0..200 {
        let mut submission = Value::Object(object(compiled, &items, rng, options)?);
        for _ in 0..6 {
            prune_hidden(compiled, &mut submission, options);
            let report = compiled.validate(&submission, options);
            if report.is_valid() {
                return Some(submission);
            }
            let mut repaired = false;
            for violation in &report.violations {
                if violation.code == "required" {
                    repaired |= fill(compiled, &mut submission, &violation.pointer, rng, options);
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
