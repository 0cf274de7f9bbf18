//! Exact value types shared by every stage: calendar dates and decimal numbers.
//!
//! Forms deal with money and dates, where floating point and "roughly a date" are wrong.
//! These types are small, exact and have no dependencies.

mod date;
mod decimal;

pub use date::{Date, DurationUnit};
pub use decimal::Decimal;
