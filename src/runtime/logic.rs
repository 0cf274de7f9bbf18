//! The operators of form expressions in three-valued logic: a reference to an absent or
//! malformed value is unknown, and unknown spreads through every operator except `and`/`or`
//! (Kleene), `is set` and `is empty`. Also how a field's value is read as an expression value.

use std::cmp::Ordering;
use std::collections::BTreeSet;

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

/// `unique(repeat, keys…)` over the key tuples of the items: false when two tuples are equal
/// part by part as `==` compares, true otherwise; a tuple with an unknown part is not compared.
/// `n log n` in the items: a repeat without a maximum takes as many as a submission brings.
pub fn unique(keys: impl IntoIterator<Item = Vec<V>>) -> V {
    let mut seen = BTreeSet::new();
    for key in keys {
        let Some(parts) = key.into_iter().map(KeyPart::of).collect::<Option<Vec<KeyPart>>>() else { continue };
        if !seen.insert(parts) {
            return V::Bool(false);
        }
    }
    V::Bool(true)
}

/// A value as `==` tells values apart, with an order: numbers by value (`1.0` is `1`), texts
/// exactly, dates by day. Values of different kinds never compare equal, as with `==`.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum KeyPart {
    Bool(bool),
    Num(Decimal),
    Text(String),
    Date(Date),
}

impl KeyPart {
    /// `None` for what `==` never finds equal to anything (unknown, a set of codes), so the
    /// tuple holding it is not compared.
    fn of(value: V) -> Option<KeyPart> {
        match value {
            V::Bool(b) => Some(KeyPart::Bool(b)),
            V::Num(n) => Some(KeyPart::Num(n)),
            V::Text(t) => Some(KeyPart::Text(t)),
            V::Date(d) => Some(KeyPart::Date(d)),
            V::Unknown | V::Codes(_) => None,
        }
    }
}

/// `length(text)`: the number of code points.
pub fn length(text: V) -> V {
    match text {
        V::Text(text) => V::Num(Decimal::from_i64(text.chars().count() as i64)),
        _ => V::Unknown,
    }
}

/// `days_between(from, to)`: negative when `to` is earlier.
pub fn days_between(from: V, to: V) -> V {
    match (from, to) {
        (V::Date(from), V::Date(to)) => V::Num(Decimal::from_i64(to.day_number() - from.day_number())),
        _ => V::Unknown,
    }
}

/// `age(birth, at)`: the full years from `birth` to `at`. A year is complete on the birth's
/// month and day, and a birth on 29 February completes it on 1 March in other years
/// (§ 187 Abs. 2, § 188 BGB), the same as `birth <= at - n years` (which clamps to 28 February).
pub fn age(birth: V, at: V) -> V {
    match (birth, at) {
        (V::Date(birth), V::Date(at)) => {
            let before_birthday = (at.month, at.day) < (birth.month, birth.day);
            V::Num(Decimal::from_i64(i64::from(at.year) - i64::from(birth.year) - i64::from(before_birthday)))
        }
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

/// The value a computed field (`value <expr>`) must hold: the expression's value, a number
/// rounded half away from zero to `scale` decimals when the field has a scale.
pub fn computed(value: V, scale: Option<u32>) -> V {
    match (value, scale) {
        (V::Num(n), Some(scale)) => V::Num(n.rounded(scale)),
        (value, _) => value,
    }
}

/// Whether a computed field's slot is wrong: `expected` is [`computed`], `given` the
/// submitted value read as an expression value (`None`: absent). Known, the value must be
/// given and equal (numbers by value, `1.50` equals `1.5`); unknown, it must be absent.
pub fn computed_mismatch(expected: &V, given: Option<&V>) -> bool {
    match (expected, given) {
        (V::Unknown, None) => false,
        (V::Unknown, Some(_)) | (_, None) => true,
        (expected, Some(given)) => !compare(Cmp::Eq, expected, given).is_true(),
    }
}

fn equality(cmp: Cmp, equal: bool) -> V {
    match cmp {
        Cmp::Eq => V::Bool(equal),
        Cmp::Ne => V::Bool(!equal),
        _ => V::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> V {
        date_literal(text)
    }

    fn num(n: i64) -> V {
        V::Num(Decimal::from_i64(n))
    }

    #[test]
    fn ages_complete_on_the_birthday_and_after_29_february_on_1_march() {
        assert_eq!(age(date("2000-05-10"), date("2018-05-09")), num(17));
        assert_eq!(age(date("2000-05-10"), date("2018-05-10")), num(18));
        assert_eq!(age(date("2000-02-29"), date("2018-02-28")), num(17));
        assert_eq!(age(date("2000-02-29"), date("2018-03-01")), num(18));
        assert_eq!(age(date("2000-02-29"), date("2020-02-29")), num(20));
        assert_eq!(age(V::Unknown, date("2018-03-01")), V::Unknown);
    }

    #[test]
    fn age_agrees_with_shifting_by_years() {
        // `age(b, t) >= n` exactly when `b <= t - n years`, for every day of two leap cycles.
        let start = Date::new(1999, 12, 1).map(Date::day_number).unwrap_or_default();
        for offset in 0..(4 * 366 * 2) {
            let Some(birth) = Date::from_day_number(start + offset) else { continue };
            for at in ["2018-02-28", "2018-03-01", "2020-02-29", "2021-01-01", "2024-12-31"] {
                let at_date = Date::parse(at).unwrap_or(birth);
                for n in [0, 1, 18, 20] {
                    let by_age = compare(Cmp::Ge, &age(V::Date(birth), V::Date(at_date)), &num(n));
                    let by_shift = compare(Cmp::Le, &V::Date(birth), &shift(V::Date(at_date), -n, DurationUnit::Years));
                    assert_eq!(by_age, by_shift, "birth {birth}, at {at}, n {n}");
                }
            }
        }
    }

    #[test]
    fn unique_compares_complete_keys_as_equality_does() {
        let text = |t: &str| V::Text(t.to_string());
        assert_eq!(unique([vec![text("Ada"), num(1)], vec![text("Ada"), num(2)]]), V::Bool(true));
        assert_eq!(
            unique([vec![text("Ada"), num(1)], vec![text("Bo"), num(1)], vec![text("Ada"), num(1)]]),
            V::Bool(false)
        );
        // `1.0 == 1` holds, so the keys are equal.
        assert_eq!(unique([vec![number_literal("1.0")], vec![num(1)]]), V::Bool(false));
        // An item with an absent key part is not compared.
        assert_eq!(unique([vec![text("Ada"), V::Unknown], vec![text("Ada"), V::Unknown]]), V::Bool(true));
        assert_eq!(unique(Vec::<Vec<V>>::new()), V::Bool(true));
    }

    #[test]
    fn unique_means_no_two_keys_are_equal_under_equality() {
        // Against the definition, on every pair of small keys of mixed kinds.
        let parts = [
            V::Unknown,
            V::Bool(true),
            num(1),
            number_literal("1.0"),
            num(2),
            V::Text("1".to_string()),
            V::Text("a".to_string()),
            date("2024-02-29"),
            V::Codes(vec!["A".to_string()]),
        ];
        let keys: Vec<Vec<V>> =
            parts.iter().flat_map(|a| parts.iter().map(move |b| vec![a.clone(), b.clone()])).collect();
        for (i, first) in keys.iter().enumerate() {
            for second in &keys[i..] {
                let equal = first.iter().zip(second).all(|(a, b)| compare(Cmp::Eq, a, b).is_true());
                assert_eq!(unique([first.clone(), second.clone()]), V::Bool(!equal), "{first:?} {second:?}");
            }
        }
    }

    #[test]
    fn unique_over_many_items_finds_the_last_duplicate() {
        // A repeat without a maximum takes what a submission brings: 200,000 distinct keys and
        // one repeated at the end (a pairwise comparison would take 2·10¹⁰ steps).
        let mut keys: Vec<Vec<V>> = (0..200_000).map(|n| vec![num(n), V::Text(format!("k{n}"))]).collect();
        assert_eq!(unique(keys.clone()), V::Bool(true));
        keys.push(vec![number_literal("17.00"), V::Text("k17".to_string())]);
        assert_eq!(unique(keys), V::Bool(false));
    }

    #[test]
    fn computed_values_round_half_away_from_zero_and_must_match_or_be_absent() {
        let dec = |t: &str| V::Num(Decimal::parse(t).unwrap());
        assert_eq!(computed(dec("2.345"), Some(2)), dec("2.35"));
        assert_eq!(computed(dec("-2.345"), Some(2)), dec("-2.35"));
        assert_eq!(computed(dec("2.344999"), Some(2)), dec("2.34"));
        assert_eq!(computed(dec("7.5"), Some(0)), dec("8"));
        assert_eq!(computed(dec("1.23456"), None), dec("1.23456"));
        assert_eq!(computed(V::Unknown, Some(2)), V::Unknown);
        assert!(!computed_mismatch(&dec("1.5"), Some(&dec("1.50"))));
        assert!(computed_mismatch(&dec("1.5"), Some(&dec("1.51"))));
        assert!(computed_mismatch(&dec("1.5"), None));
        assert!(computed_mismatch(&V::Unknown, Some(&dec("0"))));
        assert!(!computed_mismatch(&V::Unknown, None));
        assert!(computed_mismatch(&dec("1"), Some(&V::Unknown)));
        assert!(!computed_mismatch(&V::Bool(true), Some(&V::Bool(true))));
    }

    #[test]
    fn days_between_is_signed_and_length_counts_code_points() {
        assert_eq!(days_between(date("2024-02-28"), date("2024-03-01")), num(2));
        assert_eq!(days_between(date("2024-03-01"), date("2024-02-28")), num(-2));
        assert_eq!(days_between(date("2024-03-01"), V::Unknown), V::Unknown);
        assert_eq!(length(V::Text("Müller".to_string())), num(6));
        assert_eq!(length(V::Unknown), V::Unknown);
    }
}
