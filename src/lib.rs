//! Formwerk: a compiler for administrative forms.

pub mod diag;
pub mod ir;
pub mod source;
pub mod syntax;
pub mod value;
