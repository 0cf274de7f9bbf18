//! Formwerk: a compiler for administrative forms. One `.form` definition is checked and
//! turned into JSON Schema, HTML and a Rust validation crate that all mean the same thing.
//!
//! The modules in pipeline order (see `ARCHITECTURE.md`):
//! `source` (files and spans) → `syntax` (pest → AST) → `check` (the only producer of IR,
//! reporting `diag`nostics) → `ir` (the checked model) → `emit` (one module per target).
//! `validate` interprets the IR and defines what a form means; `formdata` turns posted HTML
//! forms into submissions; `examples` generates valid and invalid submissions; `driver` runs
//! the pipeline on disk, `build` is its API for build scripts (`formwerk::Build`); `files` reads hostile files (regular files only, no links, bounded,
//! UTF-8); `runtime` holds what generated code shares with the validator (exact dates and
//! decimals, value formats, messages), re-exported for the compiler as `value`.

pub mod build;
pub mod catalogue;
pub mod check;
pub mod codelists;
pub mod compat;
pub mod diag;
pub mod driver;
pub mod emit;
pub mod examples;
pub mod files;
pub mod fim;
pub mod fmt;
pub mod formdata;
pub mod ir;
pub mod lsp;
pub mod overlay;
pub mod parallel;
pub mod runtime;
#[cfg(feature = "serve")]
pub mod serve;
pub mod source;
pub mod syntax;
pub mod validate;
pub mod value;

pub use build::Build;
