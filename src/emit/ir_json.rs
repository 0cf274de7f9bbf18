//! The IR target: each form's IR as pretty JSON, for tools that build on Formwerk.

use super::OutputFile;
use crate::ir;

pub fn emit(bundle: &ir::Bundle, pool: &crate::parallel::Pool) -> Vec<OutputFile> {
    pool.map(&bundle.forms, form_file)
}

/// `ir/<form>.json`: serialised straight from the IR (no `serde_json::Value` in between; with
/// `preserve_order` the bytes are the same).
pub fn form_file(form: &ir::Form) -> OutputFile {
    let mut contents = serde_json::to_vec_pretty(form).expect("the IR serialises");
    contents.push(b'\n');
    OutputFile { path: format!("ir/{}.json", form.id), contents }
}

/// Two-space pretty JSON with a final newline.
pub fn pretty(value: &serde_json::Value) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(value).expect("JSON values serialise");
    out.push(b'\n');
    out
}
