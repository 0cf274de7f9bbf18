//! Exact value types shared by every stage: calendar dates and decimal numbers.
//!
//! Forms deal with money and dates, where floating point and "roughly a date" are wrong.
//! The types live in the self-contained `runtime`; this module names them for the compiler.

pub use crate::runtime::date::{Date, DurationUnit};
pub use crate::runtime::decimal::Decimal;
