//! Fixed bounds on dates and decimal (money) strings, stated as portable regular expressions.
//!
//! JSON Schema compares only JSON numbers with `minimum`/`maximum`; dates and decimals are
//! strings, so a fixed bound on them is stated here as a pattern instead. Each function returns
//! an unanchored regex that the caller wraps as `^(?:…)$` and puts in an `allOf` next to the
//! type's own pattern: it is exact on strings that match the type's pattern, and says nothing
//! about other strings. The regexes use only ASCII literals, `[0-9]`-style classes, groups,
//! alternation and the quantifiers `*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}`, so ECMA-262 (with or
//! without the `u` flag) and Rust's `regex` read them alike. Their size is linear in the
//! bound's digits.

use crate::runtime::date::Date;
use crate::runtime::decimal::Decimal;

/// Dates `YYYY-MM-DD` on or after `bound`; `None` if `bound` is not a date.
pub fn date_at_least(bound: &str) -> Option<String> {
    Date::parse(bound)?;
    Some(fixed_width(bound.as_bytes(), 0, Direction::AtLeast))
}

/// Dates `YYYY-MM-DD` on or before `bound`; `None` if `bound` is not a date.
pub fn date_at_most(bound: &str) -> Option<String> {
    Date::parse(bound)?;
    Some(fixed_width(bound.as_bytes(), 0, Direction::AtMost))
}

/// Decimal strings (`-?[0-9]+(\.[0-9]+)?`, leading zeros allowed) whose value is at least
/// `bound`; `None` if `bound` is not a decimal.
pub fn decimal_at_least(bound: &str) -> Option<String> {
    let bound = Magnitude::of(bound)?;
    // x ≥ a: unsigned and |x| ≥ a (anything unsigned if a < 0), or signed and |x| ≤ −a.
    let unsigned = if bound.negative { any_magnitude() } else { at_least(&bound) };
    let signed = (bound.negative || bound.is_zero()).then(|| at_most(&bound));
    Some(signs(unsigned, signed))
}

/// Decimal strings (`-?[0-9]+(\.[0-9]+)?`, leading zeros allowed) whose value is at most
/// `bound`; `None` if `bound` is not a decimal.
pub fn decimal_at_most(bound: &str) -> Option<String> {
    let bound = Magnitude::of(bound)?;
    // x ≤ a: unsigned and |x| ≤ a (only if a ≥ 0), or signed and |x| ≥ −a (anything if a ≥ 0).
    let unsigned = (!bound.negative).then(|| at_most(&bound));
    let signed = if bound.negative { at_least(&bound) } else { any_magnitude() };
    Some(match unsigned {
        Some(unsigned) => signs(unsigned, Some(signed)),
        None => format!("-{signed}"),
    })
}

#[derive(Clone, Copy, PartialEq)]
enum Direction {
    AtLeast,
    AtMost,
}

/// Strings of `bound`'s shape (its digits replaced by any digit) that are lexicographically
/// ≥ / ≤ `bound` from position `at` on, given that the earlier positions equal `bound`'s.
fn fixed_width(bound: &[u8], at: usize, direction: Direction) -> String {
    let Some(&c) = bound.get(at) else {
        return String::new();
    };
    if !c.is_ascii_digit() {
        return format!("{}{}", literal(c), fixed_width(bound, at + 1, direction));
    }
    let d = c - b'0';
    let beyond = match direction {
        Direction::AtLeast => digit_class(d + 1, 9),
        Direction::AtMost => d.checked_sub(1).and_then(|below| digit_class(0, below)),
    };
    if at + 1 == bound.len() {
        // The last position: the bound's digit and the ones beyond it form one class.
        return match direction {
            Direction::AtLeast => digit_class(d, 9),
            Direction::AtMost => digit_class(0, d),
        }
        .expect("a digit");
    }
    let same = format!("{d}{}", fixed_width(bound, at + 1, direction));
    match beyond {
        Some(beyond) => format!("({same}|{beyond}{})", shape(&bound[at + 1..])),
        None => same,
    }
}

/// Any string of `template`'s shape: a digit for each digit, other characters literally.
fn shape(template: &[u8]) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(&c) = rest.first() {
        if c.is_ascii_digit() {
            let run = rest.iter().take_while(|b| b.is_ascii_digit()).count();
            out.push_str(&digits_exactly(run));
            rest = &rest[run..];
        } else {
            out.push_str(&literal(c));
            rest = &rest[1..];
        }
    }
    out
}

fn literal(c: u8) -> String {
    match c {
        b'.' => "\\.".to_string(),
        c if c.is_ascii_alphanumeric() || c == b'-' => char::from(c).to_string(),
        c => format!("\\{}", char::from(c)),
    }
}

/// `[lo-hi]`, a single digit, or `None` for an empty range.
fn digit_class(lo: u8, hi: u8) -> Option<String> {
    match lo.cmp(&hi) {
        std::cmp::Ordering::Greater => None,
        std::cmp::Ordering::Equal => Some(lo.to_string()),
        std::cmp::Ordering::Less => Some(format!("[{lo}-{hi}]")),
    }
}

fn digits_exactly(n: usize) -> String {
    match n {
        0 => String::new(),
        1 => "[0-9]".to_string(),
        n => format!("[0-9]{{{n}}}"),
    }
}

fn digits_at_least(n: usize) -> String {
    match n {
        0 => "[0-9]*".to_string(),
        1 => "[0-9]+".to_string(),
        n => format!("[0-9]{{{n},}}"),
    }
}

/// Any fraction, or none.
const ANY_FRACTION: &str = "(\\.[0-9]+)?";

fn any_magnitude() -> String {
    format!("[0-9]+{ANY_FRACTION}")
}

/// Joins the unsigned and the signed (`-`) alternative.
fn signs(unsigned: String, signed: Option<String>) -> String {
    match signed {
        Some(signed) => format!("{unsigned}|-{signed}"),
        None => unsigned,
    }
}

/// `(a|b|…)`, or the only alternative as it is.
fn either(alternatives: Vec<String>) -> String {
    match alternatives.len() {
        1 => alternatives.into_iter().next().expect("one"),
        _ => format!("({})", alternatives.join("|")),
    }
}

/// A bound's absolute value as digits: the integer part without leading zeros (empty for
/// zero) and the fraction without trailing zeros.
struct Magnitude {
    negative: bool,
    integer: Vec<u8>,
    fraction: Vec<u8>,
}

impl Magnitude {
    fn of(bound: &str) -> Option<Magnitude> {
        let value = Decimal::parse(bound)?;
        let digits = bound.strip_prefix('-').unwrap_or(bound);
        let (integer, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        let digits = |text: &str| text.bytes().map(|b| b - b'0').collect::<Vec<u8>>();
        Some(Magnitude {
            negative: value.is_negative(),
            integer: digits(integer.trim_start_matches('0')),
            fraction: digits(fraction.trim_end_matches('0')),
        })
    }

    fn is_zero(&self) -> bool {
        self.integer.is_empty() && self.fraction.is_empty()
    }
}

/// Unsigned decimal strings whose value is ≥ `bound`'s absolute value.
fn at_least(bound: &Magnitude) -> String {
    let n = bound.integer.len();
    // More significant integer digits than the bound, or as many and at least as large.
    let longer = format!("[1-9]{}{ANY_FRACTION}", digits_at_least(n));
    let as_long = if n == 0 { format!("0{}", fraction_at_least(bound)) } else { integer_at_least(bound, 0) };
    format!("0*({longer}|{as_long})")
}

/// From integer digit `at` on (the earlier ones equal the bound's), ≥ the bound.
fn integer_at_least(bound: &Magnitude, at: usize) -> String {
    let Some(&d) = bound.integer.get(at) else {
        return fraction_at_least(bound);
    };
    let mut alternatives = vec![format!("{d}{}", integer_at_least(bound, at + 1))];
    if let Some(larger) = digit_class(d + 1, 9) {
        alternatives.push(format!("{larger}{}{ANY_FRACTION}", digits_exactly(bound.integer.len() - at - 1)));
    }
    either(alternatives)
}

/// The fraction (`\.[0-9]+` or none) when the integer part equals the bound's: ≥ its fraction.
fn fraction_at_least(bound: &Magnitude) -> String {
    if bound.fraction.is_empty() {
        return ANY_FRACTION.to_string();
    }
    format!("\\.{}", fraction_digits_at_least(&bound.fraction, 0))
}

fn fraction_digits_at_least(fraction: &[u8], at: usize) -> String {
    // A fraction that ends before the bound's (whose last digit is not 0) is smaller.
    let Some(&d) = fraction.get(at) else {
        return "[0-9]*".to_string();
    };
    let mut alternatives = vec![format!("{d}{}", fraction_digits_at_least(fraction, at + 1))];
    if let Some(larger) = digit_class(d + 1, 9) {
        alternatives.push(format!("{larger}[0-9]*"));
    }
    either(alternatives)
}

/// Unsigned decimal strings whose value is ≤ `bound`'s absolute value.
fn at_most(bound: &Magnitude) -> String {
    let n = bound.integer.len();
    let mut alternatives = Vec::new();
    // Fewer significant integer digits than the bound (after `0*`: at most n − 1 digits).
    match n {
        0 => {}
        1 => alternatives.push(format!("0{ANY_FRACTION}")),
        n => alternatives.push(format!("[0-9]{{1,{}}}{ANY_FRACTION}", n - 1)),
    }
    alternatives.push(if n == 0 { format!("0{}", fraction_at_most(bound)) } else { integer_at_most(bound, 0) });
    format!("0*{}", either(alternatives))
}

/// From integer digit `at` on (the earlier ones equal the bound's), ≤ the bound.
fn integer_at_most(bound: &Magnitude, at: usize) -> String {
    let Some(&d) = bound.integer.get(at) else {
        return fraction_at_most(bound);
    };
    let mut alternatives = vec![format!("{d}{}", integer_at_most(bound, at + 1))];
    // The first significant digit is not 0 (shorter integer parts are stated apart).
    let lowest = if at == 0 { 1 } else { 0 };
    if let Some(smaller) = d.checked_sub(1).and_then(|below| digit_class(lowest, below)) {
        alternatives.push(format!("{smaller}{}{ANY_FRACTION}", digits_exactly(bound.integer.len() - at - 1)));
    }
    either(alternatives)
}

/// The fraction (`\.[0-9]+` or none) when the integer part equals the bound's: ≤ its fraction.
fn fraction_at_most(bound: &Magnitude) -> String {
    if bound.fraction.is_empty() {
        return "(\\.0+)?".to_string();
    }
    format!("(\\.{})?", either(fraction_digits_at_most(&bound.fraction, 0)))
}

/// Fraction digits from `at` on (at least one there), ≤ the bound's (padded with zeros): the
/// alternatives.
fn fraction_digits_at_most(fraction: &[u8], at: usize) -> Vec<String> {
    let d = fraction[at];
    let rest = if at + 1 == fraction.len() {
        "0*".to_string()
    } else {
        // Ending here is smaller: the bound's remaining digits end in a non-zero one.
        format!("({})?", fraction_digits_at_most(fraction, at + 1).join("|"))
    };
    let mut alternatives = Vec::new();
    if let Some(smaller) = d.checked_sub(1).and_then(|below| digit_class(0, below)) {
        alternatives.push(format!("{smaller}[0-9]*"));
    }
    alternatives.push(format!("{d}{rest}"));
    alternatives
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::date::days_in_month;
    use std::cmp::Ordering;

    /// A small deterministic generator (xorshift64), so that failures reproduce.
    struct Xorshift(u64);

    impl Xorshift {
        fn below(&mut self, n: u64) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0 % n
        }
    }

    /// Anchors as the caller does, after checking that `regex` keeps to the portable subset
    /// and parses with `regex_syntax` as well.
    fn compile(regex: &str) -> regex::Regex {
        let anchored = format!("^(?:{regex})$");
        assert!(regex_syntax::Parser::new().parse(&anchored).is_ok(), "{regex}");
        assert!(regex.bytes().all(|b| b.is_ascii_digit() || b"-\\.[](){},|*+?".contains(&b)), "{regex}");
        assert!(!regex.contains("(?") && !regex.contains("\\d") && !regex.contains("()"), "{regex}");
        assert!(regex.split("\\").skip(1).all(|after| after.starts_with('.')), "{regex}");
        regex::Regex::new(&anchored).expect("a valid regex")
    }

    /// Every candidate against every bound, both directions; the number of pairs compared.
    fn agree<T: Ord + std::fmt::Debug>(
        candidates: &[String],
        bounds: &[&str],
        parse: impl Fn(&str) -> Option<T>,
        at_least: impl Fn(&str) -> Option<String>,
        at_most: impl Fn(&str) -> Option<String>,
    ) -> usize {
        let mut pairs = 0;
        for bound in bounds {
            let limit = parse(bound).unwrap_or_else(|| panic!("{bound} is a valid bound"));
            let least = at_least(bound).expect("a pattern");
            let most = at_most(bound).expect("a pattern");
            let (least_regex, most_regex) = (compile(&least), compile(&most));
            for candidate in candidates {
                let value = parse(candidate).unwrap_or_else(|| panic!("{candidate} is valid"));
                let order = value.cmp(&limit);
                assert_eq!(least_regex.is_match(candidate), order != Ordering::Less, "{candidate} ≥ {bound}: {least}");
                assert_eq!(most_regex.is_match(candidate), order != Ordering::Greater, "{candidate} ≤ {bound}: {most}");
                pairs += 2;
            }
        }
        pairs
    }

    fn date(year: i32, month: u8, day: u8) -> String {
        Date::new(year, month, day).expect("a date").to_string()
    }

    #[test]
    fn date_bounds_agree_with_date_order() {
        let mut candidates = Vec::new();
        for year in [1, 2, 999, 1000, 1899, 1900, 1999, 2000, 2023, 2024, 9998, 9999] {
            for month in 1..=12 {
                candidates.extend((1..=days_in_month(year, month)).map(|day| date(year, month, day)));
            }
        }
        let mut random = Xorshift(0x2545_f491_4f6c_dd1d);
        for _ in 0..3000 {
            let year = 1 + random.below(9999) as i32;
            let month = 1 + random.below(12) as u8;
            let day = 1 + random.below(u64::from(days_in_month(year, month))) as u8;
            candidates.push(date(year, month, day));
        }
        let mut bounds = vec![
            "0001-01-01",
            "0001-01-02",
            "0001-12-31",
            "0009-09-09",
            "0010-10-10",
            "0999-12-31",
            "1000-01-01",
            "1899-12-31",
            "1900-01-01",
            "1900-02-28",
            "1900-03-01",
            "1999-12-31",
            "2000-01-01",
            "2000-02-29",
            "2000-03-01",
            "2000-09-30",
            "2000-10-01",
            "2000-10-31",
            "2000-12-09",
            "2023-02-28",
            "2024-02-29",
            "2024-06-15",
            "2024-12-31",
            "9998-12-31",
            "9999-01-01",
            "9999-12-30",
            "9999-12-31",
        ];
        let random_bounds: Vec<String> =
            (0..15).map(|i| candidates[(i * 997 + 13) % candidates.len()].clone()).collect();
        bounds.extend(random_bounds.iter().map(String::as_str));
        let pairs = agree(&candidates, &bounds, Date::parse, date_at_least, date_at_most);
        assert!(pairs > 500_000, "{pairs}");
    }

    #[test]
    fn dates_that_are_not_dates_are_no_bounds() {
        for bad in ["", "2023-02-29", "0000-01-01", "2024-1-01", "2024-01-01 ", "today", "2024/01/01"] {
            assert_eq!(date_at_least(bad), None, "{bad}");
            assert_eq!(date_at_most(bad), None, "{bad}");
        }
    }

    /// On strings of the date's shape that are no dates (`2023-02-30`, `2024-13-01`, which
    /// only an asserted `format: date` refuses) the patterns compare the text.
    #[test]
    fn date_patterns_compare_the_text_of_any_date_shape() {
        let mut random = Xorshift(0x853c_49e6_748f_ea9b);
        let shaped = |random: &mut Xorshift| -> String {
            let mut text: Vec<u8> = (0..10).map(|_| b'0' + random.below(10) as u8).collect();
            (text[4], text[7]) = (b'-', b'-');
            String::from_utf8(text).expect("ASCII")
        };
        let candidates: Vec<String> = (0..3000).map(|_| shaped(&mut random)).collect();
        for bound in ["0001-01-01", "2000-02-29", "2024-12-31", "9999-12-31", "1234-05-06"] {
            let (least, most) =
                (compile(&date_at_least(bound).expect("a date")), compile(&date_at_most(bound).expect("a date")));
            for candidate in &candidates {
                assert_eq!(least.is_match(candidate), candidate.as_str() >= bound, "{candidate} ≥ {bound}");
                assert_eq!(most.is_match(candidate), candidate.as_str() <= bound, "{candidate} ≤ {bound}");
            }
        }
        let least = compile(&date_at_least("9999-12-31").expect("a date"));
        assert!(least.is_match("9999-12-31") && !least.is_match("9999-12-30") && least.is_match("9999-13-01"));
    }

    const DECIMAL_BOUNDS: &[&str] = &[
        "0",
        "-0",
        "-0.00",
        "00",
        "1",
        "-1",
        "2",
        "5",
        "9",
        "10",
        "99",
        "100",
        "1000",
        "-1000",
        "1000.00",
        "999.99",
        "0.5",
        "-0.5",
        "0.05",
        "0.001",
        "-0.001",
        "1.5",
        "-2.5",
        "100.10",
        "007.50",
        "9.99",
        "-9.99",
        "0.9",
        "19.95",
        "1.01",
        "50",
        "-50",
        "12345678.9",
        "0.0000001",
    ];

    /// Every string over `alphabet` of length 1 to `longest` that is a decimal.
    fn all_decimals(alphabet: &[u8], longest: usize) -> Vec<String> {
        let mut out = Vec::new();
        let mut layer = vec![String::new()];
        for _ in 0..longest {
            layer = layer.iter().flat_map(|s| alphabet.iter().map(move |&c| format!("{s}{}", char::from(c)))).collect();
            out.extend(layer.iter().filter(|s| Decimal::parse(s).is_some()).cloned());
        }
        out
    }

    /// Random decimals, with leading zeros and trailing fraction zeros, and ones near `bounds`.
    fn random_decimals(random: &mut Xorshift, count: usize, bounds: &[&str]) -> Vec<String> {
        let digits = |random: &mut Xorshift, n: u64| -> String {
            (0..n).map(|_| char::from(b'0' + random.below(10) as u8)).collect()
        };
        let mut out = Vec::new();
        for _ in 0..count {
            let sign = if random.below(2) == 0 { "-" } else { "" };
            let zeros = "0".repeat(random.below(3) as usize);
            let n = 1 + random.below(9);
            let integer = digits(random, n);
            let fraction = match random.below(3) {
                0 => String::new(),
                _ => {
                    let n = 1 + random.below(6);
                    format!(".{}", digits(random, n))
                }
            };
            out.push(format!("{sign}{zeros}{integer}{fraction}"));
        }
        // Near each bound: its digits with one changed, one added, or zeros around them.
        for bound in bounds {
            for _ in 0..200 {
                let mut text = bound.to_string();
                match random.below(6) {
                    0 => {
                        let at = random.below(text.len() as u64) as usize;
                        if text.as_bytes()[at].is_ascii_digit() {
                            let digit = char::from(b'0' + random.below(10) as u8);
                            text.replace_range(at..=at, &digit.to_string());
                        }
                    }
                    1 => text.push_str(if text.contains('.') { "0" } else { ".0" }),
                    2 => {
                        let digit = random.below(10).to_string();
                        text.push_str(&if text.contains('.') { digit } else { format!(".{digit}") });
                    }
                    3 => text = format!("00{}", text.trim_start_matches('-')),
                    4 => text = format!("-{}", text.trim_start_matches('-')),
                    _ => {
                        let digit = random.below(10).to_string();
                        text = format!("{digit}{}", text.trim_start_matches('-'));
                    }
                }
                if Decimal::parse(&text).is_some() {
                    out.push(text);
                }
            }
        }
        out
    }

    #[test]
    fn decimal_bounds_agree_with_decimal_order() {
        let mut candidates = all_decimals(b"0159-.", 6);
        candidates.extend(all_decimals(b"0129-.", 5));
        candidates.extend(random_decimals(&mut Xorshift(0x9e37_79b9_7f4a_7c15), 4000, DECIMAL_BOUNDS));
        candidates.extend(DECIMAL_BOUNDS.iter().map(|b| b.to_string()));
        let pairs = agree(&candidates, DECIMAL_BOUNDS, Decimal::parse, decimal_at_least, decimal_at_most);
        assert!(pairs > 1_000_000, "{pairs}");
    }

    #[test]
    fn decimals_that_are_not_decimals_are_no_bounds() {
        for bad in ["", ".5", "1.", "-", "1e5", "1,5", "--1", "+1", "1.2.3", "12345678901234567890123456789"] {
            assert_eq!(decimal_at_least(bad), None, "{bad}");
            assert_eq!(decimal_at_most(bad), None, "{bad}");
        }
    }

    #[test]
    fn decimal_patterns_compare_by_value() {
        let at_most = compile(&decimal_at_most("1000").expect("a decimal"));
        for yes in ["1000.00", "0999.9", "-5000", "-0", "0001000"] {
            assert!(at_most.is_match(yes), "{yes}");
        }
        for no in ["1000.01", "1001", "01000.0001"] {
            assert!(!at_most.is_match(no), "{no}");
        }
        let at_least = compile(&decimal_at_least("0").expect("a decimal"));
        assert!(at_least.is_match("-0") && at_least.is_match("-0.00") && !at_least.is_match("-0.01"));
    }
}
