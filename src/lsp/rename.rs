//! Renaming a field, group or repeat, or a group type, in every form and module of the module
//! root. The new name must be a name the grammar reads as one (tried on the parser itself), and
//! the renamed program must not have an error the program did not have before: the checker is
//! asked (duplicate names, ambiguous types, names that collide in a target, reserved names), so
//! a rename that collides is refused with the checker's own message.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::analysis::Project;
use super::index::Kind;
use super::navigate::{occurrence_at, occurrences_of};
use super::View;
use crate::diag::Diagnostic;
use crate::source::SourceDb;

fn renamable(kind: Kind) -> bool {
    matches!(kind, Kind::Field | Kind::Group | Kind::Repeat | Kind::GroupType)
}

/// `textDocument/prepareRename`: the range of the name under the cursor, if it can be renamed.
pub fn prepare(view: &View, position: &Value) -> Value {
    let index = view.analysis.index();
    match occurrence_at(view, &index, position) {
        Some(o) if renamable(o.target.kind) => {
            json!({"range": view.range(o.span), "placeholder": view.analysis.db.slice(o.span)})
        }
        _ => Value::Null,
    }
}

/// `textDocument/rename` over a view of every form of the module root: the workspace edit,
/// or why the rename is refused.
pub fn rename(project: &mut Project, view: &View, position: &Value, new_name: &str) -> Result<Value, String> {
    let analysis = &view.analysis;
    let index = analysis.index();
    let Some(at) = occurrence_at(view, &index, position) else {
        return Err("there is no name to rename here".to_string());
    };
    if !renamable(at.target.kind) {
        return Err("only fields, groups, repeats and group types can be renamed".to_string());
    }
    check_name(new_name, at.target.kind)?;
    let occurrences = occurrences_of(&index, at.target);
    let mut by_file: BTreeMap<_, Vec<_>> = BTreeMap::new();
    for occurrence in &occurrences {
        by_file.entry(occurrence.span.file).or_default().push(occurrence.span);
    }
    // The program as it would be, checked again.
    let mut files = Vec::new();
    for id in analysis.db.ids() {
        let source = analysis.db.get(id);
        if source.problem.is_some() {
            continue;
        }
        let mut text = source.text.clone();
        if let Some(spans) = by_file.get(&id) {
            for span in spans.iter().rev() {
                if let Some(range) =
                    text.get(span.start as usize..span.end as usize).map(|_| span.start as usize..span.end as usize)
                {
                    text.replace_range(range, new_name);
                }
            }
        }
        files.push((source.name.clone(), source.module.clone(), text));
    }
    let after = project.check_texts(analysis.root.as_deref(), files);
    if let Some(new) = new_errors(&analysis.checked.diagnostics, &after.diagnostics) {
        return Err(format!("renaming to `{new_name}` would make the forms wrong: {}", new.message));
    }
    let mut changes = serde_json::Map::new();
    for (file, spans) in by_file {
        let Some(uri) = (if file == analysis.file { Some(view.uri.as_str()) } else { analysis.uri(file) }) else {
            continue;
        };
        let edits: Vec<Value> = spans.iter().map(|s| json!({"range": view.range(*s), "newText": new_name})).collect();
        changes.insert(uri.to_string(), Value::Array(edits));
    }
    Ok(json!({"changes": changes}))
}

/// Refuses a name the grammar does not read as a name in that place (a keyword, a digit first,
/// punctuation), by parsing a one-line declaration with it.
fn check_name(name: &str, kind: Kind) -> Result<(), String> {
    let valid_chars = !name.is_empty() && name.len() <= 200 && name.chars().all(|c| c.is_alphanumeric() || c == '_');
    let snippet = match kind {
        Kind::GroupType => format!("group {name} {{\n  field x: text \"x\"\n}}\n"),
        _ => format!("form f {{\n  field {name}: text \"x\"\n}}\n"),
    };
    let mut db = SourceDb::new();
    let file = db.add("rename.form", "rename", snippet);
    let (ast, _) = crate::syntax::parse(&db, file);
    if !valid_chars || ast.is_none() {
        return Err(format!(
            "`{name}` is not a valid name (a letter or `_`, then letters, digits and `_`; not a keyword)"
        ));
    }
    Ok(())
}

/// The first error of `after` whose code appears more often than in `before`.
fn new_errors<'d>(before: &[Diagnostic], after: &'d [Diagnostic]) -> Option<&'d Diagnostic> {
    let count = |list: &[Diagnostic]| {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for d in list.iter().filter(|d| d.is_error()) {
            *counts.entry(d.code.as_str()).or_default() += 1;
        }
        counts
    };
    let (old, new) = (count(before), count(after));
    let grown: Vec<&str> =
        new.iter().filter(|(code, n)| old.get(*code).copied().unwrap_or(0) < **n).map(|(c, _)| *c).collect();
    after.iter().find(|d| d.is_error() && grown.contains(&d.code.as_str()))
}
