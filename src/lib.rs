//! Formwerk: a compiler for administrative forms.

pub mod check;
pub mod diag;
pub mod driver;
pub mod emit;
pub mod examples;
pub mod formdata;
pub mod ir;
pub mod source;
pub mod syntax;
pub mod validate;
pub mod value;
