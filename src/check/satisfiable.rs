//! Detects `required when` conditions that can never hold, alone or together with the
//! field's `visible when` ("where detectable": constants and contradictory tests of the
//! same field against codes, texts or yes/no).
//!
//! ```text
//! visible when art == "O"   required when art == "N"      // unsatisfiable-condition
//! visible when art == "O"   required when art in ["O"]    // fine
//! ```

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{CompareOp, Expr, Literal, Path};

/// What the conjunction says about one field's value.
#[derive(Default)]
struct Domain {
    /// The value must be one of these (intersection of all positive tests).
    allowed: Option<BTreeSet<String>>,
    /// The value must be none of these.
    excluded: BTreeSet<String>,
}

/// Whether the conjunction of `conditions` can never be true.
pub fn never_true(conditions: &[&Expr]) -> bool {
    let mut atoms = Vec::new();
    for condition in conditions {
        conjuncts(condition, &mut atoms);
    }
    if atoms.iter().any(|a| matches!(a, Expr::Literal { value: Literal::Bool(false) })) {
        return true;
    }
    let mut domains: BTreeMap<&Path, Domain> = BTreeMap::new();
    for atom in atoms {
        let Some((path, allowed, positive)) = test_of(atom) else {
            continue;
        };
        let domain = domains.entry(path).or_default();
        if positive {
            let allowed: BTreeSet<String> = allowed.into_iter().collect();
            domain.allowed = Some(match domain.allowed.take() {
                Some(previous) => previous.intersection(&allowed).cloned().collect(),
                None => allowed,
            });
        } else {
            domain.excluded.extend(allowed);
        }
    }
    domains.values().any(|d| d.allowed.as_ref().is_some_and(|allowed| allowed.iter().all(|v| d.excluded.contains(v))))
}

fn conjuncts<'e>(expr: &'e Expr, out: &mut Vec<&'e Expr>) {
    match expr {
        Expr::And { operands } => operands.iter().for_each(|o| conjuncts(o, out)),
        other => out.push(other),
    }
}

/// `field == v`, `field in [..]`, `field` (yes), `not field`, `field != v` as
/// (field, values, positive).
fn test_of(atom: &Expr) -> Option<(&Path, Vec<String>, bool)> {
    match atom {
        Expr::Field { path, .. } => Some((path, vec!["true".into()], true)),
        Expr::Not { operand } => match operand.as_ref() {
            Expr::Field { path, .. } => Some((path, vec!["true".into()], false)),
            Expr::In { value, set, .. } => {
                let (path, values) = field_and_literals(value, set)?;
                Some((path, values, false))
            }
            _ => None,
        },
        Expr::Compare { cmp: cmp @ (CompareOp::Eq | CompareOp::Ne), lhs, rhs, .. } => {
            let (path, values) = field_and_literals(lhs, std::slice::from_ref(rhs.as_ref()))
                .or_else(|| field_and_literals(rhs, std::slice::from_ref(lhs.as_ref())))?;
            Some((path, values, *cmp == CompareOp::Eq))
        }
        Expr::In { value, set, .. } => {
            let (path, values) = field_and_literals(value, set)?;
            Some((path, values, true))
        }
        _ => None,
    }
}

fn field_and_literals<'e>(field: &'e Expr, literals: &[Expr]) -> Option<(&'e Path, Vec<String>)> {
    let Expr::Field { path, .. } = field else {
        return None;
    };
    let values = literals
        .iter()
        .map(|l| match l {
            Expr::Literal { value: Literal::Code(v) | Literal::Text(v) } => Some(v.clone()),
            Expr::Literal { value: Literal::Bool(b) } => Some(b.to_string()),
            _ => None,
        })
        .collect::<Option<Vec<_>>>()?;
    Some((path, values))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::ValueType;

    fn field(name: &str) -> Expr {
        Expr::Field { path: vec![name.into()], ty: ValueType::Code { codelist: "L".into() } }
    }
    fn eq(name: &str, code: &str) -> Expr {
        Expr::Compare {
            cmp: CompareOp::Eq,
            ty: ValueType::Code { codelist: "L".into() },
            lhs: Box::new(field(name)),
            rhs: Box::new(Expr::Literal { value: Literal::Code(code.into()) }),
        }
    }

    #[test]
    fn finds_contradictory_equalities() {
        assert!(never_true(&[&eq("art", "O"), &eq("art", "N")]));
        assert!(!never_true(&[&eq("art", "O"), &eq("art", "O")]));
        assert!(!never_true(&[&eq("art", "O"), &eq("andere", "N")]));
        let set = Expr::In {
            value: Box::new(field("art")),
            set: vec![
                Expr::Literal { value: Literal::Code("N".into()) },
                Expr::Literal { value: Literal::Code("P".into()) },
            ],
            ty: ValueType::Code { codelist: "L".into() },
        };
        assert!(never_true(&[&eq("art", "O"), &set]));
        assert!(!never_true(&[&eq("art", "N"), &set]));
        let not_n = Expr::Not {
            operand: Box::new(Expr::In {
                value: Box::new(field("art")),
                set: vec![Expr::Literal { value: Literal::Code("N".into()) }],
                ty: ValueType::Code { codelist: "L".into() },
            }),
        };
        assert!(never_true(&[&eq("art", "N"), &not_n]));
        assert!(never_true(&[&Expr::Literal { value: Literal::Bool(false) }]));
    }

    #[test]
    fn finds_yes_and_no_of_one_boolean() {
        let yes = Expr::Field { path: vec!["b".into()], ty: ValueType::Bool };
        let no = Expr::Not { operand: Box::new(yes.clone()) };
        assert!(never_true(&[&yes, &no]));
        assert!(!never_true(&[&yes]));
    }
}
