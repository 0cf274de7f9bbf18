//! Making a failing rule hold while generating valid examples: random values rarely meet an
//! equality (`gebuehr == 30.70 * 12 / 12`), so each `field == expression` in the rule is tried
//! as an assignment, branch by branch, until the rule holds.

use serde_json::{json, Value};

use super::rng::Rng;
use crate::ir::{CompareOp, Expr, Rule, ValueType};
use crate::validate::{pointer_segment, Compiled, Options, V};

/// Tries to make rule `name` (violated at `pointer`) hold by assignments; `true` on success.
pub fn rule(
    compiled: &Compiled,
    submission: &mut Value,
    name: &str,
    pointer: &str,
    rng: &mut Rng,
    options: &Options,
) -> bool {
    let Some(rule) = compiled.form().rules.iter().find(|r| r.name == name) else { return false };
    let indices = indices_of(compiled, rule, pointer);
    let mut equalities = Vec::new();
    equalities_in(&rule.check, &mut equalities);
    // Try in random order so that `or` branches are all reachable.
    for _ in 0..equalities.len() {
        let (path, ty, other) = equalities[rng.below(equalities.len() as u64) as usize];
        let value = compiled.eval(other, submission, options, &indices);
        let Some(json) = to_json(&value, ty) else { continue };
        let Some(target) = concrete_pointer(compiled, path, &indices) else { continue };
        let mut candidate = submission.clone();
        if set(&mut candidate, &target, json) && compiled.eval(&rule.check, &candidate, options, &indices).is_true() {
            *submission = candidate;
            return true;
        }
    }
    false
}

fn equalities_in<'e>(expr: &'e Expr, out: &mut Vec<(&'e Vec<String>, &'e ValueType, &'e Expr)>) {
    match expr {
        Expr::Compare { cmp: CompareOp::Eq, lhs, rhs, .. } => {
            if let Expr::Field { path, ty } = lhs.as_ref() {
                out.push((path, ty, rhs));
            }
            if let Expr::Field { path, ty } = rhs.as_ref() {
                out.push((path, ty, lhs));
            }
        }
        Expr::And { operands } | Expr::Or { operands } => operands.iter().for_each(|o| equalities_in(o, out)),
        _ => {}
    }
}

fn to_json(value: &V, ty: &ValueType) -> Option<Value> {
    Some(match (value, ty) {
        (V::Num(n), ValueType::Integer) if n.is_integer() => json!(n.to_string().parse::<i64>().ok()?),
        (V::Num(n), ValueType::Money) if n.significant_scale() <= 2 => json!(n.normalised().to_string()),
        (V::Num(n), ValueType::Decimal) => json!(n.normalised().to_string()),
        (V::Bool(b), ValueType::Bool) => json!(b),
        (V::Text(t), ValueType::Text | ValueType::Code { .. }) => json!(t),
        (V::Date(d), ValueType::Date) => json!(d.to_string()),
        _ => return None,
    })
}

/// The current item of each repeat on the rule's `at` path, read off the violation pointer.
fn indices_of(compiled: &Compiled, rule: &Rule, pointer: &str) -> Vec<(Vec<String>, usize)> {
    let segments: Vec<&str> = pointer.split('/').skip(1).collect();
    let mut out = Vec::new();
    let mut position = 0;
    for depth in 0..rule.at.len() {
        position += 1;
        let prefix = rule.at[..=depth].to_vec();
        if compiled.repeats().contains(&prefix) && depth + 1 < rule.at.len() {
            if let Some(index) = segments.get(position).and_then(|s| s.parse().ok()) {
                out.push((prefix, index));
            }
            position += 1;
        }
    }
    out
}

fn concrete_pointer(compiled: &Compiled, path: &[String], indices: &[(Vec<String>, usize)]) -> Option<String> {
    let mut pointer = String::new();
    for depth in 0..path.len() {
        pointer.push('/');
        pointer.push_str(&pointer_segment(&path[depth]));
        let prefix = &path[..=depth];
        if depth + 1 < path.len() && compiled.repeats().contains(prefix) {
            let (_, index) = indices.iter().find(|(p, _)| p == prefix)?;
            pointer.push_str(&format!("/{index}"));
        }
    }
    Some(pointer)
}

fn set(submission: &mut Value, pointer: &str, value: Value) -> bool {
    let Some((parent, key)) = pointer.rsplit_once('/') else { return false };
    let parent = if parent.is_empty() { Some(submission) } else { submission.pointer_mut(parent) };
    match parent {
        Some(Value::Object(object)) => {
            object.insert(key.replace("~1", "/").replace("~0", "~"), value);
            true
        }
        _ => false,
    }
}
