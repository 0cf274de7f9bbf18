//! Hover: what the name under the cursor declares (a field's type, translations, constraints
//! and conditions; a group's or group type's members; a code list's codes; a code's label; a
//! module's definitions), and the explanation of the diagnostics at the cursor, as
//! `formwerk explain CODE` prints it.

use serde_json::{json, Value};

use super::index::{body_of, Index, Kind};
use super::navigate::occurrence_at;
use super::View;
use crate::check::DefKind;
use crate::syntax::ast::{FieldTypeAst, Stmt, StmtKind, Text};

/// At most this many members or codes are listed.
const LISTED: usize = 40;

/// `textDocument/hover`: Markdown, or `null` when there is nothing to say.
pub fn hover(view: &View, position: &Value) -> Value {
    let index = view.analysis.index();
    let mut parts = Vec::new();
    let mut range = None;
    if let Some(occurrence) = occurrence_at(view, &index, position) {
        range = Some(view.range(occurrence.span));
        parts.extend(describe(&index, occurrence.target.kind, occurrence.target.name));
    }
    let offset = view.offset(position);
    let file = view.file();
    // Explanations come from the current analysis only: its spans are of the current text.
    if view.parses() || !view.analysis.parses() {
        for diagnostic in &view.analysis.checked.diagnostics {
            let span = diagnostic.span();
            if span.file == file && span.start <= offset && offset <= span.end {
                let code = diagnostic.code;
                parts.push(format!(
                    "**{} {}**: {}\n\n```text\n{}\n```\n\n(`formwerk explain {}`)",
                    code.as_str(),
                    code.slug(),
                    diagnostic.message,
                    code.explanation(),
                    code.as_str()
                ));
            }
        }
    }
    if parts.is_empty() {
        return Value::Null;
    }
    let mut out = json!({"contents": {"kind": "markdown", "value": parts.join("\n\n---\n\n")}});
    if let Some(range) = range {
        out["range"] = range;
    }
    out
}

fn describe(index: &Index, kind: Kind, name: crate::source::Span) -> Option<String> {
    if kind == Kind::Module {
        let file = index.db.get(name.file);
        let defs: Vec<String> =
            index.defs.own(name.file).take(LISTED).map(|d| format!("- `{}`", d.name.name)).collect();
        let path = format!("{}.form", file.module.replace('.', "/"));
        return Some(format!("module `{}` ({path})\n\n{}", file.module, defs.join("\n")));
    }
    let (file, stmt) = index.declaration(super::index::Target { kind, name })?;
    let mut out = vec![format!("```formwerk\n{}\n```", header(index, stmt))];
    if let Some(text) = label_of(stmt) {
        out.push(texts(text));
    }
    match &stmt.kind {
        StmtKind::Field { ty, body, .. } => {
            let props: Vec<String> =
                body.iter().flat_map(|b| b.stmts.iter()).filter_map(|s| property(index, s)).collect();
            if !props.is_empty() {
                out.push(props.join("\n"));
            }
            if let FieldTypeAst::Choice { list, .. } = ty {
                if let Some(def) = index.definition(file, &list.name, DefKind::Codelist) {
                    out.push(codes(def.stmt));
                }
            }
        }
        StmtKind::Group { .. } | StmtKind::Repeat { .. } => {
            let container = if kind == Kind::GroupType {
                body_of(stmt).map(|b| super::index::Container { file, stmts: &b.stmts })
            } else {
                index.container_of(file, stmt)
            };
            if let Some(container) = container {
                let members: Vec<String> = index
                    .members(container, true)
                    .into_iter()
                    .take(LISTED)
                    .map(|m| format!("- `{}`", header(index, m)))
                    .collect();
                out.push(format!("members:\n{}", members.join("\n")));
            }
        }
        StmtKind::Codelist { .. } => out.push(codes(stmt)),
        _ => {}
    }
    Some(out.join("\n\n"))
}

/// The statement's first line as written, up to its block.
fn header(index: &Index, stmt: &Stmt) -> String {
    let text = index.db.slice(stmt.span);
    let line = text.lines().next().unwrap_or("");
    let line = line.trim_end().trim_end_matches('{').trim_end();
    shorten(line, 160)
}

fn shorten(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_string();
    }
    let cut: String = text.chars().take(limit).collect();
    format!("{cut}…")
}

fn label_of(stmt: &Stmt) -> Option<&Text> {
    match &stmt.kind {
        StmtKind::Field { label, .. }
        | StmtKind::Group { label, .. }
        | StmtKind::Repeat { label, .. }
        | StmtKind::Section { label, .. }
        | StmtKind::Codelist { label, .. }
        | StmtKind::Code { label, .. } => label.as_ref(),
        StmtKind::Info { text, .. } => Some(text),
        _ => None,
    }
}

fn texts(text: &Text) -> String {
    let mut out = format!("- de: {}", text.primary.value);
    for (lang, value) in &text.translations {
        out.push_str(&format!("\n- {}: {}", lang.name, value.value));
    }
    out
}

/// A constraint or condition of a field, as written.
fn property(index: &Index, stmt: &Stmt) -> Option<String> {
    match &stmt.kind {
        StmtKind::Fim { .. } | StmtKind::Text { .. } => None,
        _ => Some(format!("- `{}`", header(index, stmt))),
    }
}

fn codes(list: &Stmt) -> String {
    let mut lines = Vec::new();
    let entries: Vec<&Stmt> =
        body_of(list).iter().flat_map(|b| b.stmts.iter()).filter(|s| matches!(s.kind, StmtKind::Code { .. })).collect();
    for stmt in entries.iter().take(LISTED) {
        if let StmtKind::Code { code, label, .. } = &stmt.kind {
            let label = label.as_ref().map(|l| l.primary.value.as_str()).unwrap_or("");
            lines.push(format!("- `\"{}\"` {}", code.value, label));
        }
    }
    if entries.len() > LISTED {
        lines.push(format!("- … {} more", entries.len() - LISTED));
    }
    if entries.is_empty() {
        return "codes: (external list)".to_string();
    }
    format!("codes:\n{}", lines.join("\n"))
}
