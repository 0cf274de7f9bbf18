//! The IR target: each form's IR as pretty JSON, for tools that build on Formwerk.

use super::OutputFile;
use crate::ir;

pub fn emit(bundle: &ir::Bundle, pool: &crate::parallel::Pool) -> Vec<OutputFile> {
    pool.map(&bundle.forms, |form| {
        let value = serde_json::to_value(form).expect("the IR serialises");
        OutputFile { path: format!("ir/{}.json", form.id), contents: pretty(&value) }
    })
}

/// Two-space pretty JSON with a final newline.
pub fn pretty(value: &serde_json::Value) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(value).expect("JSON values serialise");
    out.push(b'\n');
    out
}
