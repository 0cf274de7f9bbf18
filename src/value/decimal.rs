//! Exact decimal numbers for bounds and money: `0.07` is exactly seven hundredths.

use std::cmp::Ordering;
use std::fmt;

/// `mantissa × 10^-scale`, with up to 28 significant digits.
#[derive(Clone, Copy, Debug, Eq)]
pub struct Decimal {
    mantissa: i128,
    scale: u32,
}

const MAX_DIGITS: usize = 28;

impl Decimal {
    pub fn from_i64(value: i64) -> Decimal {
        Decimal { mantissa: value as i128, scale: 0 }
    }

    /// Parses `-12`, `0.07`, `1234.50`. No exponent, no thousands separators.
    pub fn parse(text: &str) -> Option<Decimal> {
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (int_part, frac_part) = match digits.split_once('.') {
            Some((i, f)) => (i, f),
            None => (digits, ""),
        };
        if int_part.is_empty() || !int_part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        if digits.contains('.') && (frac_part.is_empty() || !frac_part.bytes().all(|b| b.is_ascii_digit())) {
            return None;
        }
        let significant = int_part.trim_start_matches('0').len() + frac_part.len();
        if significant > MAX_DIGITS {
            return None;
        }
        let mut mantissa: i128 = 0;
        for b in int_part.bytes().chain(frac_part.bytes()) {
            mantissa = mantissa.checked_mul(10)?.checked_add((b - b'0') as i128)?;
        }
        Some(Decimal { mantissa: if negative { -mantissa } else { mantissa }, scale: frac_part.len() as u32 })
    }

    /// Number of digits after the decimal point as written (`1.50` has 2).
    pub fn scale(&self) -> u32 {
        self.scale
    }

    /// Number of digits after the point without trailing zeros (`1.50` needs 1).
    pub fn significant_scale(&self) -> u32 {
        let mut mantissa = self.mantissa;
        let mut scale = self.scale;
        while scale > 0 && mantissa % 10 == 0 {
            mantissa /= 10;
            scale -= 1;
        }
        scale
    }

    pub fn is_integer(&self) -> bool {
        self.significant_scale() == 0
    }

    fn rescaled(&self, scale: u32) -> Option<i128> {
        self.mantissa.checked_mul(10i128.checked_pow(scale - self.scale)?)
    }
}

impl PartialEq for Decimal {
    fn eq(&self, other: &Decimal) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Decimal) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Decimal) -> Ordering {
        let scale = self.scale.max(other.scale);
        match (self.rescaled(scale), other.rescaled(scale)) {
            (Some(a), Some(b)) => a.cmp(&b),
            // Only reachable near the 38-digit limit; fall back to the sign and magnitude order.
            _ => self.mantissa.signum().cmp(&other.mantissa.signum()).then(self.scale.cmp(&other.scale).reverse()),
        }
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.mantissa.unsigned_abs().to_string();
        let sign = if self.mantissa < 0 { "-" } else { "" };
        if self.scale == 0 {
            return write!(f, "{sign}{digits}");
        }
        let scale = self.scale as usize;
        let padded = format!("{digits:0>width$}", width = scale + 1);
        let (int_part, frac_part) = padded.split_at(padded.len() - scale);
        write!(f, "{sign}{int_part}.{frac_part}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_exactly() {
        for text in ["0", "12", "-3", "0.07", "1234.50", "-0.001"] {
            assert_eq!(Decimal::parse(text).unwrap().to_string(), text);
        }
        for bad in ["", ".5", "1.", "1e5", "1,5", "--1", "1.2.3"] {
            assert!(Decimal::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn compares_across_scales() {
        let d = |s| Decimal::parse(s).unwrap();
        assert_eq!(d("1.50"), d("1.5"));
        assert!(d("0.07") < d("0.1"));
        assert!(d("-2") < d("-1.99"));
        assert_eq!(d("1.50").significant_scale(), 1);
        assert!(d("3.00").is_integer());
    }
}
