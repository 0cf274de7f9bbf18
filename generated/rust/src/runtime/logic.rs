//! The operators of form expressions in three-valued logic: a reference to an absent or
//! malformed value is unknown, and unknown spreads through every operator except `and`/`or`
//! (Kleene), `is set` and `is empty`. Also how a field's value is read as an expression value.

use std::cmp::Ordering;

use serde_json::Number;

use super::date::{Date, DurationUnit};
use super::decimal::Decimal;
use super::formats;
use super::json::Leaf;

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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arith {
    Add,
    Sub,
    Mul,
    Div,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Agg {
    Sum,
    Min,
    Max,
}

/// A JSON number as an exact decimal (integers exactly; floats through their shortest text).
pub fn number(number: &Number) -> Option<Decimal> {
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

/// A whole number of a submission that fits `i64` (`3` and `3.0` alike).
pub fn whole_number(number: &Number) -> Option<i64> {
    if let Some(i) = number.as_i64() {
        return Some(i);
    }
    if number.is_u64() {
        return None;
    }
    let f = number.as_f64()?;
    // 2^63 is exactly representable; every integral float below it in magnitude fits.
    (f.fract() == 0.0 && (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&f)).then_some(f as i64)
}

pub fn read_bool(value: Option<&Leaf>) -> V {
    match value {
        Some(Leaf::Bool(b)) => V::Bool(*b),
        _ => V::Unknown,
    }
}

pub fn read_integer(value: Option<&Leaf>) -> V {
    match value.and_then(Leaf::as_number).and_then(number) {
        Some(n) if n.is_integer() => V::Num(n),
        _ => V::Unknown,
    }
}

pub fn read_decimal(value: Option<&Leaf>) -> V {
    value.and_then(Leaf::as_str).and_then(formats::decimal).map_or(V::Unknown, V::Num)
}

/// Text and codes: a non-empty string.
pub fn read_text(value: Option<&Leaf>) -> V {
    match value.and_then(Leaf::as_str) {
        Some(s) if !s.is_empty() => V::Text(s.to_string()),
        _ => V::Unknown,
    }
}

pub fn read_date(value: Option<&Leaf>) -> V {
    value.and_then(Leaf::as_str).and_then(Date::parse).map_or(V::Unknown, V::Date)
}

pub fn read_codes(value: Option<&Leaf>) -> V {
    match value {
        Some(Leaf::Array(items)) => {
            let codes: Option<Vec<String>> = items.iter().map(|i| i.as_str().map(str::to_string)).collect();
            codes.map_or(V::Unknown, V::Codes)
        }
        _ => V::Unknown,
    }
}

/// The number of chosen codes of a multiple choice: 0 when absent, unknown when malformed.
pub fn count_codes(value: Option<&Leaf>) -> V {
    match value {
        None => V::Num(Decimal::from_i64(0)),
        Some(Leaf::Array(items)) => V::Num(Decimal::from_i64(items.len() as i64)),
        Some(_) => V::Unknown,
    }
}

pub fn number_literal(text: &str) -> V {
    Decimal::parse(text).map_or(V::Unknown, V::Num)
}

pub fn date_literal(text: &str) -> V {
    Date::parse(text).map_or(V::Unknown, V::Date)
}

pub fn count(n: usize) -> V {
    V::Num(Decimal::from_i64(n as i64))
}

pub fn not(value: V) -> V {
    match value {
        V::Bool(b) => V::Bool(!b),
        _ => V::Unknown,
    }
}

pub fn neg(value: V) -> V {
    match value {
        V::Num(n) => V::Num(n.negated()),
        _ => V::Unknown,
    }
}

/// Kleene's `and`.
pub fn and(operands: impl IntoIterator<Item = V>) -> V {
    kleene(false, operands)
}

/// Kleene's `or`.
pub fn or(operands: impl IntoIterator<Item = V>) -> V {
    kleene(true, operands)
}

/// Kleene's `or` (`dominant` = true) or `and` (`dominant` = false): the dominant value wins,
/// otherwise any unknown makes the result unknown.
fn kleene(dominant: bool, operands: impl IntoIterator<Item = V>) -> V {
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

pub fn arith(op: Arith, a: V, b: V) -> V {
    let (V::Num(a), V::Num(b)) = (a, b) else { return V::Unknown };
    let result = match op {
        Arith::Add => a.checked_add(b),
        Arith::Sub => a.checked_sub(b),
        Arith::Mul => a.checked_mul(b),
        Arith::Div => a.checked_div(b),
    };
    result.map_or(V::Unknown, V::Num)
}

pub fn shift(date: V, amount: i64, unit: DurationUnit) -> V {
    match date {
        V::Date(d) => d.shift(amount, unit).map_or(V::Unknown, V::Date),
        _ => V::Unknown,
    }
}

/// `value in [candidates]`: unknown when the value is.
pub fn one_of(value: V, candidates: impl IntoIterator<Item = V>) -> V {
    if value == V::Unknown {
        return V::Unknown;
    }
    or(candidates.into_iter().map(|candidate| compare(Cmp::Eq, &value, &candidate)))
}

/// `field == "literal"` (or `!=` when `equal` is false) for a text or code field, without
/// building values: what `compare(read_text(value), Text(literal))` gives.
pub fn text_is(value: Option<&Leaf>, literal: &str, equal: bool) -> V {
    match value.and_then(Leaf::as_str) {
        Some(s) if !s.is_empty() => V::Bool((s == literal) == equal),
        _ => V::Unknown,
    }
}

/// `field in ["a", "b"]` for a text or code field: what `one_of(read_text(value), …)` gives.
pub fn text_in(value: Option<&Leaf>, literals: &[&str]) -> V {
    match value.and_then(Leaf::as_str) {
        Some(s) if !s.is_empty() => V::Bool(literals.contains(&s)),
        _ => V::Unknown,
    }
}

/// A multiple choice has `code` among its chosen codes.
pub fn contains(set: V, code: &str) -> V {
    match set {
        V::Codes(codes) => V::Bool(codes.iter().any(|c| c == code)),
        _ => V::Unknown,
    }
}

/// Adds one item's outcome to a `count(… where …)`: `None` when the outcome is unknown.
pub fn count_where(count: usize, outcome: V) -> Option<usize> {
    match outcome {
        V::Bool(true) => Some(count + 1),
        V::Bool(false) => Some(count),
        _ => None,
    }
}

/// `sum`/`min`/`max` of the known values (unknown ones are skipped).
pub fn aggregate(func: Agg, values: impl IntoIterator<Item = V>) -> V {
    let values = values.into_iter().filter(|v| *v != V::Unknown);
    match func {
        Agg::Sum => {
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
        Agg::Min | Agg::Max => {
            let mut best: Option<V> = None;
            for value in values {
                let replace = match (&best, &value) {
                    (None, _) => true,
                    (Some(V::Num(a)), V::Num(b)) => (func == Agg::Min) == (b < a),
                    (Some(V::Date(a)), V::Date(b)) => (func == Agg::Min) == (b < a),
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

pub fn compare(cmp: Cmp, a: &V, b: &V) -> V {
    let ordering: Option<Ordering> = match (a, b) {
        (V::Num(x), V::Num(y)) => Some(x.cmp(y)),
        (V::Date(x), V::Date(y)) => Some(x.cmp(y)),
        (V::Text(x), V::Text(y)) => return equality(cmp, x == y),
        (V::Bool(x), V::Bool(y)) => return equality(cmp, x == y),
        _ => None,
    };
    let Some(ordering) = ordering else { return V::Unknown };
    V::Bool(match cmp {
        Cmp::Eq => ordering == Ordering::Equal,
        Cmp::Ne => ordering != Ordering::Equal,
        Cmp::Lt => ordering == Ordering::Less,
        Cmp::Le => ordering != Ordering::Greater,
        Cmp::Gt => ordering == Ordering::Greater,
        Cmp::Ge => ordering != Ordering::Less,
    })
}

fn equality(cmp: Cmp, equal: bool) -> V {
    match cmp {
        Cmp::Eq => V::Bool(equal),
        Cmp::Ne => V::Bool(!equal),
        _ => V::Unknown,
    }
}
