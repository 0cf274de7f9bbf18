//! Go to definition and find references: the name under the cursor resolved through the
//! index (fields and groups in expressions and `member` paths, group types, code lists,
//! modules in `use`), and every name of the program that resolves to the same declaration.

use serde_json::Value;

use super::index::{Index, Occurrence, Target};
use super::View;

/// The occurrence of a name at a protocol position of the document (the innermost one).
pub fn occurrence_at(view: &View, index: &Index, position: &Value) -> Option<Occurrence> {
    let offset = view.offset(position);
    index
        .occurrences(view.file())
        .into_iter()
        .filter(|o| o.span.start <= offset && offset <= o.span.end)
        .min_by_key(|o| o.span.len())
}

/// `textDocument/definition`: the location of the declaration (a module: its file's start).
pub fn definition(view: &View, position: &Value) -> Value {
    let index = view.analysis.index();
    occurrence_at(view, &index, position).and_then(|o| view.location(o.target.name)).unwrap_or(Value::Null)
}

/// Every occurrence of `target` in the program, in file and text order.
pub fn occurrences_of(index: &Index, target: Target) -> Vec<Occurrence> {
    let mut out: Vec<Occurrence> =
        index.program.units.keys().flat_map(|&file| index.occurrences(file)).filter(|o| o.target == target).collect();
    out.sort_by_key(|o| o.span);
    out.dedup_by_key(|o| o.span);
    out
}

/// `textDocument/references` over a view of every form of the module root.
pub fn references(view: &View, position: &Value, include_declaration: bool) -> Value {
    let index = view.analysis.index();
    let Some(at) = occurrence_at(view, &index, position) else {
        return Value::Null;
    };
    let locations: Vec<Value> = occurrences_of(&index, at.target)
        .into_iter()
        .filter(|o| include_declaration || o.span != at.target.name)
        .filter_map(|o| view.location(o.span))
        .collect();
    Value::Array(locations)
}
