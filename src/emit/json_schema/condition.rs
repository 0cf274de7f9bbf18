//! Conditions as JSON Schema, in the reference validator's three-valued logic.
//!
//! Each condition is translated twice: `T(c)` holds exactly when `c` is *true* and `F(c)`
//! exactly when `c` is *false*; an absent or malformed value makes neither hold (unknown).
//! `not` swaps them, `and`/`or` combine them as Kleene logic does. A node is visible when
//! `T(visible)` holds (unknown hides, as in the validator). Only conditions over values in
//! the same object (or in groups below it) are expressed; the rest are reported as gaps.

use serde_json::{json, Value};

use crate::ir::{CompareOp, Expr, Literal, Requirement, ValueType};

/// Where a node's conditional goes: evaluated in the object at `anchor` (an ancestor of, or
/// equal to, the node's object `object`), with `then`/`else` navigating down to the node.
pub struct Placement<'a> {
    pub anchor: &'a [String],
    pub object: &'a [String],
    /// Visibility conditions of the groups and repeats between anchor and node: the node is
    /// checked only while they hold, as the validator does not look inside hidden nodes.
    pub guards: Vec<&'a Expr>,
}

/// The `if`/`then`/`else` entry for node `name`, or `None` when its conditions cannot be
/// stated. It states presence only: whether the node must be given, or absent because hidden
/// (the node's own schema is in its object's `properties`).
pub fn node_conditional(
    name: &str,
    visible: Option<&Expr>,
    requirement: &Requirement,
    placement: &Placement,
    repeats: &std::collections::BTreeSet<Vec<String>>,
) -> Option<Value> {
    let cx = Cx { base: placement.anchor, repeats };
    let down = &placement.object[placement.anchor.len()..];
    // ajv's strict mode wants `type` and `properties` next to `required`.
    let required = json!({ "type": "object", "properties": { name: true }, "required": [name] });
    let guard = |condition: Value| -> Option<Value> {
        if placement.guards.is_empty() {
            return Some(condition);
        }
        let mut all: Vec<Value> = placement.guards.iter().map(|g| cx.truth(g, true)).collect::<Option<_>>()?;
        if condition != json!(true) {
            all.push(condition);
        }
        Some(if all.len() == 1 { all.remove(0) } else { json!({ "allOf": all }) })
    };
    match visible {
        None => {
            let Requirement::When(condition) = requirement else {
                return Some(navigate(required, down, placement.anchor, repeats));
            };
            let condition = guard(cx.truth(condition, true)?)?;
            Some(json!({ "if": condition, "then": navigate(required, down, placement.anchor, repeats) }))
        }
        Some(visible) => {
            let then = match requirement {
                Requirement::Always => Some(required),
                Requirement::Never => None,
                Requirement::When(condition) => Some(json!({ "if": cx.truth(condition, true)?, "then": required })),
            };
            let hidden = json!({ "type": "object", "properties": { name: false } });
            let mut conditional = json!({ "if": cx.truth(visible, true)? });
            if let Some(then) = then {
                conditional["then"] = navigate(then, down, placement.anchor, repeats);
            }
            conditional["else"] = navigate(hidden, down, placement.anchor, repeats);
            if placement.guards.is_empty() {
                return Some(conditional);
            }
            // Guarded: the node's rules apply only while every guard holds.
            Some(json!({ "if": guard(json!(true))?, "then": conditional }))
        }
    }
}

/// Wraps `schema` (for the object at `anchor + down`) so that it applies from `anchor`:
/// through groups by `properties`, through repeats by `items` (every item).
fn navigate(
    schema: Value,
    down: &[String],
    anchor: &[String],
    repeats: &std::collections::BTreeSet<Vec<String>>,
) -> Value {
    let mut inner = schema;
    for depth in (0..down.len()).rev() {
        let mut path = anchor.to_vec();
        path.extend_from_slice(&down[..=depth]);
        if repeats.contains(&path) {
            inner = json!({ "type": "array", "items": inner });
        }
        inner = json!({ "type": "object", "properties": { down[depth].as_str(): inner } });
    }
    inner
}

/// Every path a condition reads.
pub fn reads(expr: &Expr, out: &mut Vec<Vec<String>>) {
    match expr {
        Expr::Field { path, .. } | Expr::IsSet { path } | Expr::IsEmpty { path } => out.push(path.clone()),
        Expr::Count { path, filter } => {
            out.push(path.clone());
            if let Some(filter) = filter {
                reads(filter, out);
            }
        }
        Expr::Aggregate { repeat, value, .. } => {
            out.push(repeat.clone());
            reads(value, out);
        }
        Expr::Any { repeat, condition } | Expr::All { repeat, condition } => {
            out.push(repeat.clone());
            reads(condition, out);
        }
        Expr::Unique { repeat, keys } => {
            out.push(repeat.clone());
            keys.iter().for_each(|key| reads(key, out));
        }
        Expr::Not { operand } | Expr::Neg { operand, .. } => reads(operand, out),
        Expr::And { operands } | Expr::Or { operands } => operands.iter().for_each(|o| reads(o, out)),
        Expr::Compare { lhs, rhs, .. } | Expr::Arith { lhs, rhs, .. } => {
            reads(lhs, out);
            reads(rhs, out);
        }
        Expr::ShiftDate { date, .. } | Expr::Length { text: date } => reads(date, out),
        Expr::DaysBetween { from: lhs, to: rhs } | Expr::Age { birth: lhs, at: rhs } => {
            reads(lhs, out);
            reads(rhs, out);
        }
        Expr::In { value, set, .. } => {
            reads(value, out);
            set.iter().for_each(|s| reads(s, out));
        }
        Expr::Contains { set, .. } => reads(set, out),
        Expr::Literal { .. } | Expr::Today => {}
    }
}

struct Cx<'a> {
    base: &'a [String],
    repeats: &'a std::collections::BTreeSet<Vec<String>>,
}

impl Cx<'_> {
    /// `T(expr)` for `want = true`, `F(expr)` for `want = false`.
    fn truth(&self, expr: &Expr, want: bool) -> Option<Value> {
        match expr {
            Expr::Literal { value: Literal::Bool(b) } => Some(json!(*b == want)),
            Expr::Not { operand } => self.truth(operand, !want),
            Expr::And { operands } | Expr::Or { operands } => {
                let parts: Option<Vec<Value>> = operands.iter().map(|o| self.truth(o, want)).collect();
                let conjunctive = matches!(expr, Expr::And { .. }) == want;
                Some(if conjunctive { json!({ "allOf": parts? }) } else { json!({ "anyOf": parts? }) })
            }
            Expr::Field { path, ty: ValueType::Bool } => self.at(path, json!({ "const": want })),
            Expr::Compare { cmp, ty, lhs, rhs } => {
                let (path, literal, cmp) = match (lhs.as_ref(), rhs.as_ref()) {
                    (Expr::Field { path, .. }, Expr::Literal { value }) => (path, value, *cmp),
                    (Expr::Literal { value }, Expr::Field { path, .. }) => (path, value, flip(*cmp)),
                    _ => return None,
                };
                self.compare(path, ty, literal, cmp, want)
            }
            Expr::In { value, set, ty } => {
                let Expr::Field { path, .. } = value.as_ref() else { return None };
                let values: Option<Vec<Value>> = set
                    .iter()
                    .map(|e| match e {
                        Expr::Literal { value } => literal_json(value, ty),
                        _ => None,
                    })
                    .collect();
                let member = json!({ "enum": values? });
                let test = if want { member } else { json!({ "not": member }) };
                self.at(path, json!({ "allOf": [known(ty)?, test] }))
            }
            Expr::Contains { set, code } => {
                let Expr::Field { path, .. } = set.as_ref() else { return None };
                let contains = json!({ "type": "array", "contains": { "const": code } });
                let test = if want { contains } else { json!({ "not": contains }) };
                self.at(path, json!({ "allOf": [{ "type": "array", "items": { "type": "string" } }, test] }))
            }
            Expr::IsSet { path } | Expr::IsEmpty { path } => {
                let given = self.at(path, json!({ "not": { "enum": [null, "", []] } }))?;
                let set = matches!(expr, Expr::IsSet { .. }) == want;
                Some(if set { given } else { json!({ "not": given }) })
            }
            _ => None,
        }
    }

    fn compare(&self, path: &[String], ty: &ValueType, literal: &Literal, cmp: CompareOp, want: bool) -> Option<Value> {
        let test = match cmp {
            CompareOp::Eq | CompareOp::Ne => {
                let constant = json!({ "const": literal_json(literal, ty)? });
                if (cmp == CompareOp::Eq) == want {
                    constant
                } else {
                    json!({ "not": constant })
                }
            }
            _ => {
                // Ordering is stated only for integers, whose JSON values are numbers.
                let (ValueType::Integer, Literal::Number(n)) = (ty, literal) else { return None };
                let n: i64 = n.parse().ok()?;
                let cmp = if want { cmp } else { negate(cmp) };
                match cmp {
                    CompareOp::Lt => json!({ "type": "integer", "exclusiveMaximum": n }),
                    CompareOp::Le => json!({ "type": "integer", "maximum": n }),
                    CompareOp::Gt => json!({ "type": "integer", "exclusiveMinimum": n }),
                    _ => json!({ "type": "integer", "minimum": n }),
                }
            }
        };
        self.at(path, json!({ "allOf": [known(ty)?, test] }))
    }

    /// `schema` applied to the value at `path`, which must be present; `None` when the path
    /// leaves the object or passes through a repeat.
    fn at(&self, path: &[String], schema: Value) -> Option<Value> {
        let relative = path.strip_prefix(self.base)?;
        if relative.is_empty() {
            return None;
        }
        for depth in self.base.len() + 1..path.len() {
            if self.repeats.contains(&path[..depth]) {
                return None;
            }
        }
        let mut inner = schema;
        for name in relative.iter().rev() {
            inner = json!({ "type": "object", "required": [name], "properties": { name: inner } });
        }
        Some(inner)
    }
}

/// What the validator can read as a known value of this type.
fn known(ty: &ValueType) -> Option<Value> {
    match ty {
        ValueType::Bool => Some(json!({ "type": "boolean" })),
        ValueType::Integer => Some(json!({ "type": "integer" })),
        ValueType::Text | ValueType::Code { .. } => Some(json!({ "type": "string", "minLength": 1 })),
        _ => None,
    }
}

fn literal_json(literal: &Literal, ty: &ValueType) -> Option<Value> {
    match (literal, ty) {
        (Literal::Bool(b), ValueType::Bool) => Some(json!(b)),
        (Literal::Number(n), ValueType::Integer) => n.parse::<i64>().ok().map(|n| json!(n)),
        (Literal::Text(t) | Literal::Code(t), ValueType::Text | ValueType::Code { .. }) => Some(json!(t)),
        _ => None,
    }
}

fn flip(cmp: CompareOp) -> CompareOp {
    match cmp {
        CompareOp::Lt => CompareOp::Gt,
        CompareOp::Le => CompareOp::Ge,
        CompareOp::Gt => CompareOp::Lt,
        CompareOp::Ge => CompareOp::Le,
        other => other,
    }
}

fn negate(cmp: CompareOp) -> CompareOp {
    match cmp {
        CompareOp::Lt => CompareOp::Ge,
        CompareOp::Le => CompareOp::Gt,
        CompareOp::Gt => CompareOp::Le,
        CompareOp::Ge => CompareOp::Lt,
        CompareOp::Eq => CompareOp::Ne,
        CompareOp::Ne => CompareOp::Eq,
    }
}
