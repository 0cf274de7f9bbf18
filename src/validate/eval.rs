//! Evaluating IR expressions over a submission, in three-valued logic: a reference to an
//! absent or malformed value is unknown, and unknown spreads through every operator except
//! `and`/`or` (Kleene), `is set` and `is empty`.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::ir::{AggregateFunc, ArithOp, CompareOp, DateUnit, Expr, Literal, ValueType};
use crate::runtime::json::Leaf;
pub use crate::runtime::logic::V;
use crate::runtime::logic::{self, Agg, Arith, Cmp};
use crate::value::{Date, DurationUnit};

/// What an expression can see: the submission, today, and the current item of each repeat.
pub struct Env<'a> {
    pub root: &'a Value,
    pub today: Date,
    /// Paths of every repeat of the form.
    pub repeats: &'a BTreeSet<Vec<String>>,
    /// The maximum number of items of each repeat that has one: expressions see no more.
    pub limits: &'a BTreeMap<Vec<String>, usize>,
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

    /// The number of items of the repeat at `path` that expressions see: none when it is
    /// absent or malformed, at most its maximum.
    fn items(&self, path: &[String]) -> usize {
        let n_items = self.lookup(path).and_then(Value::as_array).map_or(0, Vec::len);
        self.limits.get(path).map_or(n_items, |max| n_items.min(*max))
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

/// Reads a field's JSON value as the expression type; malformed values are unknown.
pub fn read(value: Option<&Value>, ty: &ValueType) -> V {
    let leaf = value.map(Leaf::of);
    let leaf = leaf.as_ref();
    match ty {
        ValueType::Bool => logic::read_bool(leaf),
        ValueType::Integer => logic::read_integer(leaf),
        ValueType::Decimal | ValueType::Money => logic::read_decimal(leaf),
        ValueType::Text | ValueType::Code { .. } => logic::read_text(leaf),
        ValueType::Date => logic::read_date(leaf),
        ValueType::Codes { .. } => logic::read_codes(leaf),
        ValueType::File => V::Unknown,
    }
}

pub fn unit(unit: DateUnit) -> DurationUnit {
    match unit {
        DateUnit::Days => DurationUnit::Days,
        DateUnit::Months => DurationUnit::Months,
        DateUnit::Years => DurationUnit::Years,
    }
}

pub fn cmp(op: CompareOp) -> Cmp {
    match op {
        CompareOp::Eq => Cmp::Eq,
        CompareOp::Ne => Cmp::Ne,
        CompareOp::Lt => Cmp::Lt,
        CompareOp::Le => Cmp::Le,
        CompareOp::Gt => Cmp::Gt,
        CompareOp::Ge => Cmp::Ge,
    }
}

pub fn arith(op: ArithOp) -> Arith {
    match op {
        ArithOp::Add => Arith::Add,
        ArithOp::Sub => Arith::Sub,
        ArithOp::Mul => Arith::Mul,
        ArithOp::Div => Arith::Div,
    }
}

pub fn agg(func: AggregateFunc) -> Agg {
    match func {
        AggregateFunc::Sum => Agg::Sum,
        AggregateFunc::Min => Agg::Min,
        AggregateFunc::Max => Agg::Max,
    }
}

pub fn eval(expr: &Expr, env: &mut Env) -> V {
    match expr {
        Expr::Literal { value } => match value {
            Literal::Bool(b) => V::Bool(*b),
            Literal::Number(n) => logic::number_literal(n),
            Literal::Text(t) | Literal::Code(t) => V::Text(t.clone()),
            Literal::Date(d) => logic::date_literal(d),
        },
        Expr::Today => V::Date(env.today),
        Expr::Field { path, ty } => read(env.lookup(path), ty),
        Expr::Not { operand } => logic::not(eval(operand, env)),
        Expr::Neg { operand, .. } => logic::neg(eval(operand, env)),
        Expr::And { operands } => logic::and(operands.iter().map(|o| eval(o, env))),
        Expr::Or { operands } => logic::or(operands.iter().map(|o| eval(o, env))),
        Expr::Compare { cmp: op, lhs, rhs, .. } => logic::compare(cmp(*op), &eval(lhs, env), &eval(rhs, env)),
        Expr::Arith { arith: op, lhs, rhs, .. } => {
            let lhs = eval(lhs, env);
            logic::arith(arith(*op), lhs, eval(rhs, env))
        }
        Expr::ShiftDate { date, amount, unit: u } => logic::shift(eval(date, env), *amount, unit(*u)),
        Expr::Length { text } => logic::length(eval(text, env)),
        Expr::Unique { repeat, keys } => {
            let tuples: Vec<Vec<V>> = (0..env.items(repeat))
                .map(|index| env.with_item(repeat, index, |env| keys.iter().map(|key| eval(key, env)).collect()))
                .collect();
            logic::unique(tuples)
        }
        Expr::DaysBetween { from, to } => {
            let from = eval(from, env);
            logic::days_between(from, eval(to, env))
        }
        Expr::Age { birth, at } => {
            let birth = eval(birth, env);
            logic::age(birth, eval(at, env))
        }
        Expr::In { value, set, .. } => {
            let value = eval(value, env);
            if value == V::Unknown {
                return V::Unknown;
            }
            let candidates: Vec<V> = set.iter().map(|candidate| eval(candidate, env)).collect();
            logic::one_of(value, candidates)
        }
        Expr::Contains { set, code } => logic::contains(eval(set, env), code),
        Expr::IsSet { path } => V::Bool(is_given(env.lookup(path))),
        Expr::IsEmpty { path } => V::Bool(!is_given(env.lookup(path))),
        Expr::Count { path, filter } => {
            if !env.repeats.contains(path) {
                // A multiple choice: the number of chosen codes.
                let leaf = env.lookup(path).map(Leaf::of);
                return logic::count_codes(leaf.as_ref());
            }
            let n_items = env.items(path);
            let Some(filter) = filter else { return logic::count(n_items) };
            (0..n_items)
                .try_fold(0, |count, index| {
                    logic::count_where(count, env.with_item(path, index, |env| eval(filter, env)))
                })
                .map_or(V::Unknown, logic::count)
        }
        Expr::Aggregate { func, repeat, value, .. } => {
            let values: Vec<V> =
                (0..env.items(repeat)).map(|index| env.with_item(repeat, index, |env| eval(value, env))).collect();
            logic::aggregate(agg(*func), values)
        }
        Expr::Any { repeat, condition } | Expr::All { repeat, condition } => {
            let outcomes: Vec<V> =
                (0..env.items(repeat)).map(|i| env.with_item(repeat, i, |env| eval(condition, env))).collect();
            if matches!(expr, Expr::Any { .. }) {
                logic::or(outcomes)
            } else {
                logic::and(outcomes)
            }
        }
    }
}
