//! Calendar dates (proleptic Gregorian) and shifting them by days, months and years.

use std::fmt;

/// A real calendar date; `2023-02-30` cannot be constructed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DurationUnit {
    Days,
    Months,
    Years,
}

pub fn is_leap_year(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

impl Date {
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        if (1..=9999).contains(&year) && (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month) {
            Some(Date { year, month, day })
        } else {
            None
        }
    }

    /// Parses exactly `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Option<Date> {
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return None;
        }
        // The number of the ASCII digits in `range`, read from the bytes.
        let digits = |range: std::ops::Range<usize>| -> Option<u32> {
            bytes[range].iter().try_fold(0u32, |n, b| b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0')))
        };
        Date::new(digits(0..4)? as i32, digits(5..7)? as u8, digits(8..10)? as u8)
    }

    /// Days since 0000-03-01 (a monotonic day number for comparisons and day arithmetic).
    pub fn day_number(self) -> i64 {
        let (y, m) = if self.month <= 2 {
            (self.year as i64 - 1, self.month as i64 + 9)
        } else {
            (self.year as i64, self.month as i64 - 3)
        };
        365 * y + y.div_euclid(4) - y.div_euclid(100) + y.div_euclid(400) + (153 * m + 2) / 5 + self.day as i64 - 1
    }

    pub fn from_day_number(n: i64) -> Option<Date> {
        let y = (10000 * n + 14780).div_euclid(3652425);
        let mut ddd = n - (365 * y + y.div_euclid(4) - y.div_euclid(100) + y.div_euclid(400));
        let mut y = y;
        if ddd < 0 {
            y -= 1;
            ddd = n - (365 * y + y.div_euclid(4) - y.div_euclid(100) + y.div_euclid(400));
        }
        let mi = (100 * ddd + 52) / 3060;
        let month = (mi + 2) % 12 + 1;
        let year = y + (mi + 2) / 12;
        let day = ddd - (mi * 306 + 5) / 10 + 1;
        Date::new(i32::try_from(year).ok()?, month as u8, day as u8)
    }

    /// Shifts by `amount` units. Months and years clamp to the end of the month
    /// (2024-02-29 plus one year is 2025-02-28), as people count ages and deadlines.
    pub fn shift(self, amount: i64, unit: DurationUnit) -> Option<Date> {
        match unit {
            DurationUnit::Days => Date::from_day_number(self.day_number().checked_add(amount)?),
            DurationUnit::Months | DurationUnit::Years => {
                let months = if unit == DurationUnit::Years { amount.checked_mul(12)? } else { amount };
                let total = (self.year as i64 * 12 + self.month as i64 - 1).checked_add(months)?;
                let year = i32::try_from(total.div_euclid(12)).ok()?;
                let month = (total.rem_euclid(12) + 1) as u8;
                let day = self.day.min(days_in_month(year, month));
                Date::new(year, month, day)
            }
        }
    }
}

impl Date {
    /// The calendar date in Germany (Europe/Berlin: CET, CEST from the last Sunday of March
    /// 01:00 UTC to the last Sunday of October 01:00 UTC) at `unix_seconds`.
    pub fn in_berlin(unix_seconds: i64) -> Date {
        let epoch = Date { year: 1970, month: 1, day: 1 }.day_number();
        let utc_day = Date::from_day_number(epoch + unix_seconds.div_euclid(86_400)).unwrap_or(Date {
            year: 1970,
            month: 1,
            day: 1,
        });
        let last_sunday = |month: u8| {
            let last = Date { year: utc_day.year, month, day: 31 };
            // Day 0 of the day number (0000-03-01) was a Wednesday.
            let weekday = (last.day_number() + 3).rem_euclid(7); // 0 = Sunday
            last.day_number() - weekday
        };
        let seconds_of = |day_number: i64| (day_number - epoch) * 86_400 + 3_600;
        let summer = unix_seconds >= seconds_of(last_sunday(3)) && unix_seconds < seconds_of(last_sunday(10));
        let offset = if summer { 7_200 } else { 3_600 };
        Date::from_day_number(epoch + (unix_seconds + offset).div_euclid(86_400)).unwrap_or(utc_day)
    }

    /// Today in Germany, from the system clock.
    pub fn today_in_berlin() -> Date {
        let seconds =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
        Date::in_berlin(seconds)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_impossible_dates() {
        assert!(Date::parse("2023-02-29").is_none());
        assert!(Date::parse("2023-02-30").is_none());
        assert!(Date::parse("2024-02-29").is_some());
        assert!(Date::parse("1900-02-29").is_none());
        assert!(Date::parse("2000-02-29").is_some());
        assert!(Date::parse("2024-13-01").is_none());
        assert!(Date::parse("2024-1-01").is_none());
        for bad in ["+024-01-01", "2024-0a-01", "2024-01-0\u{665}", "2024-01-01 ", "0000-01-01", "2024/01/01"] {
            assert!(Date::parse(bad).is_none(), "{bad:?}");
        }
        assert_eq!(Date::parse("9999-12-31").map(|d| d.to_string()).as_deref(), Some("9999-12-31"));
    }

    #[test]
    fn day_numbers_round_trip() {
        for text in ["0001-01-01", "1999-12-31", "2000-02-29", "2024-03-01", "9999-12-31"] {
            let date = Date::parse(text).unwrap();
            assert_eq!(Date::from_day_number(date.day_number()), Some(date), "{text}");
        }
        let a = Date::parse("2024-02-28").unwrap();
        assert_eq!(a.shift(1, DurationUnit::Days).unwrap().to_string(), "2024-02-29");
        assert_eq!(a.shift(2, DurationUnit::Days).unwrap().to_string(), "2024-03-01");
    }

    #[test]
    fn today_is_the_date_in_berlin() {
        // 2026-11-27 23:30 UTC is 2026-11-28 00:30 CET.
        assert_eq!(Date::in_berlin(1_795_822_200).to_string(), "2026-11-28");
        assert_eq!(Date::in_berlin(1_795_822_200 - 3_600).to_string(), "2026-11-27");
        // 2026-06-30 22:30 UTC is 2026-07-01 00:30 CEST.
        assert_eq!(Date::in_berlin(1_782_858_600).to_string(), "2026-07-01");
        assert_eq!(Date::in_berlin(1_782_858_600 - 3_600).to_string(), "2026-06-30");
        assert_eq!(Date::in_berlin(0).to_string(), "1970-01-01");
    }

    #[test]
    fn month_arithmetic_clamps_to_month_end() {
        let leap = Date::parse("2024-02-29").unwrap();
        assert_eq!(leap.shift(1, DurationUnit::Years).unwrap().to_string(), "2025-02-28");
        assert_eq!(leap.shift(-18, DurationUnit::Years).unwrap().to_string(), "2006-02-28");
        let end = Date::parse("2024-01-31").unwrap();
        assert_eq!(end.shift(1, DurationUnit::Months).unwrap().to_string(), "2024-02-29");
        assert_eq!(end.shift(-2, DurationUnit::Months).unwrap().to_string(), "2023-11-30");
    }
}
