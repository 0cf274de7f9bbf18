//! Conditions as JSON Schema, in the reference validator's three-valued logic.
//!
//! Each condition is translated twice: `T(c)` holds exactly when `c` is *true* and `F(c)`
//! exactly when `c` is *false*; an absent or malformed value makes neither hold (unknown).
//! `not` swaps them, `and`/`or` combine them as Kleene logic does. A node is visible when
//! `T(visible)` holds (unknown hides, as in the validator). Only conditions over values in
//! the same object (or in groups below it) are expressed; the rest are reported as gaps.

use serde_json::{json, Value};

use crate::ir::{CompareOp, Expr, Literal, Requirement, ValueType};

/// The `if`/`then`/`else` entry for a node `name` of the object at `base`, or `None` when
/// its conditions cannot be stated. `schema` is the node's own schema, which applies only
/// while the node is visible.
pub fn node_conditional(
    name: &str,
    schema: &Value,
    visible: Option<&Expr>,
    requirement: &Requirement,
    base: &[String],
    repeats: &std::collections::BTreeSet<Vec<String>>,
) -> Option<Value> {
    let cx = Cx { base, repeats };
    // ajv's strict mode wants `type` and `properties` next to `required`.
    let required = json!({ "type": "object", "properties": { name: true }, "required": [name] });
    let when_visible = match requirement {
        Requirement::Always => required,
        Requirement::Never => json!({}),
        Requirement::When(condition) => json!({ "if": cx.truth(condition, true)?, "then": required }),
    };
    match visible {
        None => Some(when_visible),
        Some(condition) => {
            let mut then = json!({ "type": "object", "properties": { name: schema } });
            if let (Some(then_object), Some(extra)) = (then.as_object_mut(), when_visible.as_object()) {
                for (key, value) in extra {
                    // `properties` of the node's own schema wins over the placeholder `true`.
                    if key != "properties" {
                        then_object.insert(key.clone(), value.clone());
                    }
                }
            }
            Some(json!({
                "if": cx.truth(condition, true)?,
                "then": then,
                "else": { "type": "object", "properties": { name: false } }
            }))
        }
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
