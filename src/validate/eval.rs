//! Evaluating IR expressions over a submission, in three-valued logic: a reference to an
//! absent or malformed value is unknown, and unknown spreads through every operator except
//! `and`/`or` (Kleene), `is set` and `is empty`.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::ir::{AggregateFunc, ArithOp, CompareOp, DateUnit, Expr, Literal, ValueType};
use crate::value::{Date, Decimal, DurationUnit};

/// A value during evaluation.
#[derive(Clone, Debug, PartialEq)]
pub enum V {
    Unknown,
    Bool(bool),
    Num(Decimal),
    Text(String),
    Date(Date),
    Codes(Vec<String>),
}

impl V {
    pub fn is_true(&self) -> bool {
        *self == V::Bool(true)
    }

    pub fn is_false(&self) -> bool {
        *self == V::Bool(false)
    }
}

/// What an expression can see: the submission, today, and the current item of each repeat.
pub struct Env<'a> {
    pub root: &'a Value,
    pub today: Date,
    /// Paths of every repeat of the form.
    pub repeats: &'a BTreeSet<Vec<String>>,
    /// The current item of each repeat in context, innermost last.
    pub indices: Vec<(Vec<String>, usize)>,
}

impl<'a> Env<'a> {
    /// The JSON value at an IR path, following the current item through repeats.
    pub fn lookup(&self, path: &[String]) -> Option<&'a Value> {
        let mut value = self.root;
        for (depth, name) in path.iter().enumerate() {
            value = value.as_object()?.get(name)?;
            let prefix = &path[..=depth];
            if depth + 1 < path.len() && self.repeats.contains(prefix) {
                let index = self.index_of(prefix)?;
                value = value.as_array()?.get(index)?;
            }
        }
        Some(value)
    }

    pub fn index_of(&self, repeat: &[String]) -> Option<usize> {
        self.indices.iter().rev().find(|(path, _)| path == repeat).map(|(_, index)| *index)
    }

    /// The items of the repeat at `path` (empty when absent or malformed).
    fn items(&self, path: &[String]) -> usize {
        self.lookup(path).and_then(Value::as_array).map_or(0, Vec::len)
    }

    fn with_item<T>(&mut self, repeat: &[String], index: usize, f: impl FnOnce(&mut Self) -> T) -> T {
        self.indices.push((repeat.to_vec(), index));
        let result = f(self);
        self.indices.pop();
        result
    }
}

/// Whether a JSON value counts as given: present, not null, not `""`, not `[]`.
pub fn is_given(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => false,
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(items)) => !items.is_empty(),
        Some(_) => true,
    }
}

/// A JSON number as an exact decimal (integers exactly; floats through their shortest text).
pub fn number(value: &Value) -> Option<Decimal> {
    let number = value.as_number()?;
    if let Some(i) = number.as_i64() {
        return Some(Decimal::from_i64(i));
    }
    if let Some(u) = number.as_u64() {
        return Decimal::parse(&u.to_string());
    }
    let f = number.as_f64()?;
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e27 {
        return Decimal::parse(&format!("{f:.0}"));
    }
    Decimal::parse(&number.to_string())
}

/// Reads a field's JSON value as the expression type; malformed values are unknown.
pub fn read(value: Option<&Value>, ty: &ValueType) -> V {
    let Some(value) = value else { return V::Unknown };
    match ty {
        ValueType::Bool => value.as_bool().map_or(V::Unknown, V::Bool),
        ValueType::Integer => match number(value) {
            Some(n) if n.is_integer() => V::Num(n),
            _ => V::Unknown,
        },
        ValueType::Decimal | ValueType::Money => {
            value.as_str().and_then(crate::validate::formats::decimal).map_or(V::Unknown, V::Num)
        }
        ValueType::Text | ValueType::Code { .. } => match value.as_str() {
            Some(s) if !s.is_empty() => V::Text(s.to_string()),
            _ => V::Unknown,
        },
        ValueType::Date => value.as_str().and_then(Date::parse).map_or(V::Unknown, V::Date),
        ValueType::Codes { .. } => match value.as_array() {
            Some(items) => {
                let codes: Option<Vec<String>> = items.iter().map(|i| i.as_str().map(str::to_string)).collect();
                codes.map_or(V::Unknown, V::Codes)
            }
            None => V::Unknown,
        },
        ValueType::File => V::Unknown,
    }
}

fn unit(unit: DateUnit) -> DurationUnit {
    match unit {
        DateUnit::Days => DurationUnit::Days,
        DateUnit::Months => DurationUnit::Months,
        DateUnit::Years => DurationUnit::Years,
    }
}

pub fn eval(expr: &Expr, env: &mut Env) -> V {
    match expr {
        Expr::Literal { value } => match value {
            Literal::Bool(b) => V::Bool(*b),
            Literal::Number(n) => Decimal::parse(n).map_or(V::Unknown, V::Num),
            Literal::Text(t) | Literal::Code(t) => V::Text(t.clone()),
            Literal::Date(d) => Date::parse(d).map_or(V::Unknown, V::Date),
        },
        Expr::Today => V::Date(env.today),
        Expr::Field { path, ty } => read(env.lookup(path), ty),
        Expr::Not { operand } => match eval(operand, env) {
            V::Bool(b) => V::Bool(!b),
            _ => V::Unknown,
        },
        Expr::Neg { operand, .. } => match eval(operand, env) {
            V::Num(n) => V::Num(n.negated()),
            _ => V::Unknown,
        },
        Expr::And { operands } => kleene(false, operands.iter().map(|o| eval(o, env))),
        Expr::Or { operands } => kleene(true, operands.iter().map(|o| eval(o, env))),
        Expr::Compare { cmp, lhs, rhs, .. } => compare(*cmp, &eval(lhs, env), &eval(rhs, env)),
        Expr::Arith { arith, lhs, rhs, .. } => match (eval(lhs, env), eval(rhs, env)) {
            (V::Num(a), V::Num(b)) => {
                let result = match arith {
                    ArithOp::Add => a.checked_add(b),
                    ArithOp::Sub => a.checked_sub(b),
                    ArithOp::Mul => a.checked_mul(b),
                    ArithOp::Div => a.checked_div(b),
                };
                result.map_or(V::Unknown, V::Num)
            }
            _ => V::Unknown,
        },
        Expr::ShiftDate { date, amount, unit: u } => match eval(date, env) {
            V::Date(d) => d.shift(*amount, unit(*u)).map_or(V::Unknown, V::Date),
            _ => V::Unknown,
        },
        Expr::In { value, set, .. } => {
            let value = eval(value, env);
            if value == V::Unknown {
                return V::Unknown;
            }
            let matches: Vec<V> =
                set.iter().map(|candidate| compare(CompareOp::Eq, &value, &eval(candidate, env))).collect();
            kleene(true, matches.into_iter())
        }
        Expr::Contains { set, code } => match eval(set, env) {
            V::Codes(codes) => V::Bool(codes.contains(code)),
            _ => V::Unknown,
        },
        Expr::IsSet { path } => V::Bool(is_given(env.lookup(path))),
        Expr::IsEmpty { path } => V::Bool(!is_given(env.lookup(path))),
        Expr::Count { path, filter } => {
            if !env.repeats.contains(path) {
                // A multiple choice: the number of chosen codes.
                return match env.lookup(path) {
                    None => V::Num(Decimal::from_i64(0)),
                    Some(Value::Array(items)) => V::Num(Decimal::from_i64(items.len() as i64)),
                    Some(_) => V::Unknown,
                };
            }
            let n_items = env.items(path);
            let Some(filter) = filter else { return V::Num(Decimal::from_i64(n_items as i64)) };
            let mut count = 0;
            for index in 0..n_items {
                match env.with_item(path, index, |env| eval(filter, env)) {
                    V::Bool(true) => count += 1,
                    V::Bool(false) => {}
                    _ => return V::Unknown,
                }
            }
            V::Num(Decimal::from_i64(count))
        }
        Expr::Aggregate { func, repeat, value, .. } => {
            let mut values = Vec::new();
            for index in 0..env.items(repeat) {
                match env.with_item(repeat, index, |env| eval(value, env)) {
                    V::Unknown => {}
                    known => values.push(known),
                }
            }
            aggregate(*func, values)
        }
        Expr::Any { repeat, condition } | Expr::All { repeat, condition } => {
            let outcomes: Vec<V> =
                (0..env.items(repeat)).map(|i| env.with_item(repeat, i, |env| eval(condition, env))).collect();
            kleene(matches!(expr, Expr::Any { .. }), outcomes.into_iter())
        }
    }
}

/// Kleene's `or` (`dominant` = true) or `and` (`dominant` = false): the dominant value wins,
/// otherwise any unknown makes the result unknown.
fn kleene(dominant: bool, operands: impl Iterator<Item = V>) -> V {
    let mut unknown = false;
    for operand in operands {
        match operand {
            V::Bool(b) if b == dominant => return V::Bool(dominant),
            V::Bool(_) => {}
            _ => unknown = true,
        }
    }
    if unknown {
        V::Unknown
    } else {
        V::Bool(!dominant)
    }
}

fn aggregate(func: AggregateFunc, values: Vec<V>) -> V {
    match func {
        AggregateFunc::Sum => {
            let mut total = Decimal::from_i64(0);
            for value in values {
                let V::Num(n) = value else { return V::Unknown };
                match total.checked_add(n) {
                    Some(sum) => total = sum,
                    None => return V::Unknown,
                }
            }
            V::Num(total)
        }
        AggregateFunc::Min | AggregateFunc::Max => {
            let mut best: Option<V> = None;
            for value in values {
                let replace = match (&best, &value) {
                    (None, _) => true,
                    (Some(V::Num(a)), V::Num(b)) => (func == AggregateFunc::Min) == (b < a),
                    (Some(V::Date(a)), V::Date(b)) => (func == AggregateFunc::Min) == (b < a),
                    _ => return V::Unknown,
                };
                if replace {
                    best = Some(value);
                }
            }
            best.unwrap_or(V::Unknown)
        }
    }
}

fn compare(cmp: CompareOp, a: &V, b: &V) -> V {
    use std::cmp::Ordering;
    let ordering: Option<Ordering> = match (a, b) {
        (V::Num(x), V::Num(y)) => Some(x.cmp(y)),
        (V::Date(x), V::Date(y)) => Some(x.cmp(y)),
        (V::Text(x), V::Text(y)) => {
            return match cmp {
                CompareOp::Eq => V::Bool(x == y),
                CompareOp::Ne => V::Bool(x != y),
                _ => V::Unknown,
            }
        }
        (V::Bool(x), V::Bool(y)) => {
            return match cmp {
                CompareOp::Eq => V::Bool(x == y),
                CompareOp::Ne => V::Bool(x != y),
                _ => V::Unknown,
            }
        }
        _ => None,
    };
    let Some(ordering) = ordering else { return V::Unknown };
    V::Bool(match cmp {
        CompareOp::Eq => ordering == Ordering::Equal,
        CompareOp::Ne => ordering != Ordering::Equal,
        CompareOp::Lt => ordering == Ordering::Less,
        CompareOp::Le => ordering != Ordering::Greater,
        CompareOp::Gt => ordering == Ordering::Greater,
        CompareOp::Ge => ordering != Ordering::Less,
    })
}
