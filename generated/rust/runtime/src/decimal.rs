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

    /// `mantissa × 10^-scale`, for constants that were parsed ahead of time.
    pub const fn from_parts(mantissa: i128, scale: u32) -> Decimal {
        Decimal { mantissa, scale }
    }

    /// The mantissa as written (`1.50` has 150, with [`Decimal::scale`] 2).
    pub fn mantissa(&self) -> i128 {
        self.mantissa
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

    pub fn is_negative(&self) -> bool {
        self.mantissa < 0
    }

    pub fn is_zero(&self) -> bool {
        self.mantissa == 0
    }

    /// Exact sum; `None` on overflow.
    pub fn checked_add(self, other: Decimal) -> Option<Decimal> {
        let scale = self.scale.max(other.scale);
        Some(Decimal { mantissa: self.rescaled(scale)?.checked_add(other.rescaled(scale)?)?, scale })
    }

    pub fn checked_sub(self, other: Decimal) -> Option<Decimal> {
        self.checked_add(other.negated())
    }

    /// Exact product; `None` on overflow.
    pub fn checked_mul(self, other: Decimal) -> Option<Decimal> {
        let product = Decimal { mantissa: self.mantissa.checked_mul(other.mantissa)?, scale: self.scale + other.scale };
        Some(product.normalised())
    }

    /// Quotient with ten more digits than the operands, truncated; `None` for division by zero.
    pub fn checked_div(self, other: Decimal) -> Option<Decimal> {
        if other.mantissa == 0 {
            return None;
        }
        let scale = self.scale.max(other.scale) + 10;
        // (a / 10^sa) / (b / 10^sb) = (a * 10^(scale + sb - sa)) / b  × 10^-scale
        let shift = scale + other.scale - self.scale;
        let numerator = self.mantissa.checked_mul(10i128.checked_pow(shift)?)?;
        Some(Decimal { mantissa: numerator / other.mantissa, scale }.normalised())
    }

    /// Rounded half away from zero to at most `scale` digits after the point (`2.345` to 2 is
    /// `2.35`, `-2.345` is `-2.35`): how a computed amount becomes a value of its field.
    pub fn rounded(self, scale: u32) -> Decimal {
        if self.scale <= scale {
            return self;
        }
        // At most 28 significant digits: the divisor fits in an i128.
        let divisor = 10i128.pow(self.scale - scale);
        let (quotient, remainder) = (self.mantissa / divisor, self.mantissa % divisor);
        let up = remainder.abs() * 2 >= divisor;
        let mantissa = if up { quotient + self.mantissa.signum() } else { quotient };
        Decimal { mantissa, scale }.normalised()
    }

    pub fn negated(self) -> Decimal {
        Decimal { mantissa: -self.mantissa, scale: self.scale }
    }

    /// The same value without trailing zeros after the point.
    pub fn normalised(self) -> Decimal {
        let mut value = self;
        while value.scale > 0 && value.mantissa % 10 == 0 {
            value.mantissa /= 10;
            value.scale -= 1;
        }
        value
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
    fn arithmetic_is_exact() {
        let d = |s| Decimal::parse(s).unwrap();
        assert_eq!(d("0.1").checked_add(d("0.2")).unwrap(), d("0.3"));
        assert_eq!(d("1.07").checked_sub(d("0.07")).unwrap().to_string(), "1.00");
        assert_eq!(d("30.70").checked_mul(d("24")).unwrap().to_string(), "736.8");
        assert_eq!(d("736.8").checked_div(d("12")).unwrap().to_string(), "61.4");
        assert_eq!(d("1").checked_div(d("3")).unwrap().to_string(), "0.3333333333");
        assert!(d("1").checked_div(d("0")).is_none());
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
