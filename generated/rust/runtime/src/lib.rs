//! The runtime: exact dates and decimals, the value formats, and the built-in messages.
//!
//! These files define the meaning every target shares. The reference validator uses them
//! here; the Rust backend is meant to copy them verbatim into the generated crate, so that
//! generated validators compute with the same code. Therefore they are self-contained: they
//! use only `std`, `serde`, `serde_json` and each other (through `super::`), never the compiler's own
//! modules (`tests/tidy.rs` checks this).

pub mod check;
pub mod date;
pub mod decimal;
pub mod formats;
pub mod json;
pub mod logic;
pub mod messages;
pub mod plan;
pub mod project;
pub mod tree;
pub mod walk;
