//! The document's outline (`textDocument/documentSymbol`): the form with its sections, fields,
//! groups, repeats, infos, rules and code lists (with their codes), and the file's group types
//! and code lists, nested as written.

use serde_json::{json, Value};

use super::index::{body_of, decl_name};
use super::View;
use crate::syntax::ast::{Stmt, StmtKind};

// The protocol's `SymbolKind` numbers.
const MODULE: u32 = 2;
const CLASS: u32 = 5;
const FIELD: u32 = 8;
const ENUM: u32 = 10;
const STRUCT: u32 = 23;
const ARRAY: u32 = 18;
const NAMESPACE: u32 = 3;
const STRING: u32 = 15;
const EVENT: u32 = 24;
const ENUM_MEMBER: u32 = 22;

pub fn document_symbols(view: &View) -> Value {
    let Some(ast) = view.analysis.checked.program.units.get(&view.file()).and_then(|u| u.ast.as_ref()) else {
        return json!([]);
    };
    let mut out = Vec::new();
    for form in &ast.forms {
        out.push(json!({
            "name": form.name.name,
            "detail": "form",
            "kind": MODULE,
            "range": view.range(form.span),
            "selectionRange": view.range(form.name.span),
            "children": symbols(view, &form.body.stmts, false),
        }));
    }
    out.extend(symbols(view, &ast.items, true));
    out.sort_by_key(|s| (s["range"]["start"]["line"].as_u64(), s["range"]["start"]["character"].as_u64()));
    Value::Array(out)
}

fn symbols(view: &View, stmts: &[Stmt], top: bool) -> Vec<Value> {
    stmts.iter().filter_map(|stmt| symbol(view, stmt, top)).collect()
}

fn symbol(view: &View, stmt: &Stmt, top: bool) -> Option<Value> {
    let (kind, detail) = match &stmt.kind {
        StmtKind::Field { .. } => (FIELD, "field"),
        StmtKind::Group { .. } if top => (CLASS, "group type"),
        StmtKind::Group { .. } => (STRUCT, "group"),
        StmtKind::Repeat { .. } => (ARRAY, "repeat"),
        StmtKind::Section { .. } => (NAMESPACE, "section"),
        StmtKind::Info { .. } => (STRING, "info"),
        StmtKind::Rule { .. } => (EVENT, "rule"),
        StmtKind::Codelist { .. } => (ENUM, "code list"),
        StmtKind::Code { code, label, .. } => {
            let label = label.as_ref().map(|l| l.primary.value.clone()).unwrap_or_default();
            return Some(json!({
                "name": code.value,
                "detail": label,
                "kind": ENUM_MEMBER,
                "range": view.range(stmt.span),
                "selectionRange": view.range(code.span),
            }));
        }
        _ => return None,
    };
    let name = decl_name(stmt)?;
    let mut out = json!({
        "name": name.name,
        "detail": detail,
        "kind": kind,
        "range": view.range(stmt.span),
        "selectionRange": view.range(name.span),
    });
    let children = body_of(stmt).map(|b| symbols(view, &b.stmts, false)).unwrap_or_default();
    if !children.is_empty() {
        out["children"] = Value::Array(children);
    }
    Some(out)
}
