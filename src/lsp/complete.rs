//! Completion. What is offered depends on where the cursor is, read from the current line and
//! the enclosing statements of the last analysis that parsed:
//! - after `use`: the modules of the module root;
//! - after `field x:`: the simple types and `choice of`; after `choice of`: the visible code
//!   lists; after `group x:` or `repeat x:`: the visible group types;
//! - in a string after `exclusive`, or compared with a choice field (`art == "`, `art in ["`):
//!   the codes of the field's list;
//! - in an expression (`visible when`, `required when`, `check`, `min`, `max`, `default`,
//!   `rule r when`): the fields in scope, a path's members after `.`, operators and functions;
//! - at the start of a statement: the statement keywords the enclosing block accepts (the
//!   checker's own table, `check::Context::accepts`).

use std::collections::BTreeSet;

use serde_json::{json, Value};

use super::index::{body_of, decl_name, Container, Index};
use super::position::LineIndex;
use super::View;
use crate::check::{Context, DefKind, FUNCTION_LIST, SIMPLE_TYPES};
use crate::syntax::ast::{FieldTypeAst, Ident, Stmt, StmtKind};

// The protocol's `CompletionItemKind` numbers.
const FIELD: u32 = 5;
const CLASS: u32 = 7;
const MODULE: u32 = 9;
const ENUM: u32 = 13;
const KEYWORD: u32 = 14;
const FUNCTION: u32 = 3;
const ENUM_MEMBER: u32 = 20;

const EXPRESSION_WORDS: &[&str] = &[
    "and",
    "or",
    "not",
    "implies",
    "in",
    "not in",
    "contains",
    "is set",
    "is not set",
    "is empty",
    "is not empty",
    "today",
    "true",
    "false",
];

/// `textDocument/completion`: a list of items (empty when nothing fits).
pub fn complete(view: &View, position: &Value) -> Value {
    let current = view.current();
    let offset = LineIndex::new(current).offset_of(position);
    let line_start = current[..offset].rfind('\n').map_or(0, |i| i + 1);
    let before = &current[line_start..offset];
    let index = view.analysis.index();
    let items = items(view, &index, before, view.offset(position));
    Value::Array(items)
}

fn item(label: &str, kind: u32, detail: &str) -> Value {
    json!({"label": label, "kind": kind, "detail": detail})
}

fn items(view: &View, index: &Index, before: &str, offset: u32) -> Vec<Value> {
    let words: Vec<&str> = before.split_whitespace().collect();
    let typing = !before.ends_with(char::is_whitespace);
    // The words before the one being typed.
    let done: &[&str] = if typing && !words.is_empty() { &words[..words.len() - 1] } else { &words };
    let file = view.file();
    let scope = index.scope_at(file, offset);
    if let Some(string) = open_string(before) {
        return codes_in_string(index, &scope.stack, &scope.stmts, string);
    }
    match done {
        ["use"] => return modules(view, index),
        [.., "choice", "of"] => return definitions(index, file, DefKind::Codelist, ENUM),
        ["group" | "repeat", _, ":"] => return definitions(index, file, DefKind::GroupType, CLASS),
        ["group" | "repeat", name] if name.ends_with(':') => {
            return definitions(index, file, DefKind::GroupType, CLASS);
        }
        ["field", _, ":"] => return field_types(),
        ["field", name] if name.ends_with(':') => return field_types(),
        _ => {}
    }
    let expression =
        done.iter().any(|w| matches!(*w, "when" | "check" | "min" | "max" | "default" | "at")) || before.contains("==");
    if expression {
        let typed = if typing { words.last().copied().unwrap_or("") } else { "" };
        return paths(index, &scope.stack, typed);
    }
    if done.is_empty() {
        return keywords(&scope.stmts, scope.top_level, offset);
    }
    Vec::new()
}

/// The text of a string literal the line leaves open (an odd number of unescaped quotes).
fn open_string(before: &str) -> Option<&str> {
    let mut open = None;
    let mut escaped = false;
    for (i, c) in before.char_indices() {
        match c {
            '\\' if open.is_some() && !escaped => {
                escaped = true;
                continue;
            }
            '"' if !escaped => open = if open.is_some() { None } else { Some(i) },
            _ => {}
        }
        escaped = false;
    }
    open.map(|i| &before[..i])
}

fn modules(view: &View, index: &Index) -> Vec<Value> {
    let mut names = BTreeSet::new();
    if let Some(root) = &view.analysis.root {
        let loader = crate::source::DirLoader::new(root);
        for path in super::analysis::forms_below(root) {
            names.extend(loader.module_of(&path));
        }
    }
    names.extend(index.program.units.values().map(|u| u.module.clone()));
    let own = index.program.units.get(&view.file()).map(|u| u.module.clone());
    names.into_iter().filter(|n| Some(n) != own.as_ref()).map(|n| item(&n, MODULE, "module")).collect()
}

fn definitions(index: &Index, file: crate::source::FileId, kind: DefKind, item_kind: u32) -> Vec<Value> {
    let mut seen = BTreeSet::new();
    index
        .defs
        .all_visible(file)
        .into_iter()
        .filter(|d| d.kind == kind && seen.insert(d.name.name.clone()))
        .map(|d| {
            let module = index.program.units.get(&d.file).map(|u| u.module.as_str()).unwrap_or("");
            item(&d.name.name, item_kind, module)
        })
        .collect()
}

fn field_types() -> Vec<Value> {
    let mut out: Vec<Value> = SIMPLE_TYPES.iter().map(|t| item(t, KEYWORD, "type")).collect();
    out.push(item("choice of", KEYWORD, "one code of a list"));
    out.push(item("multiple choice of", KEYWORD, "codes of a list"));
    out
}

/// The fields, groups and repeats in scope, or the members of the path typed so far.
fn paths(index: &Index, stack: &[Container], typed: &str) -> Vec<Value> {
    // The expression may follow an operator without a space (`a==b`).
    let typed = typed.rsplit(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.')).next().unwrap_or("");
    if let Some((parent, _)) = typed.rsplit_once('.') {
        let segments: Vec<Ident> =
            parent.split('.').map(|s| Ident { name: s.to_string(), span: Default::default() }).collect();
        let resolved = index.resolve_path(stack, &segments);
        if resolved.len() != segments.len() {
            return Vec::new();
        }
        let Some(&(file, stmt)) = resolved.last() else {
            return Vec::new();
        };
        let Some(container) = index.container_of(file, stmt) else {
            return Vec::new();
        };
        return index.members(container, false).into_iter().filter_map(|m| member(index, m)).collect();
    }
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for container in stack.iter().rev() {
        for m in index.members(*container, false) {
            if decl_name(m).is_some_and(|n| seen.insert(n.name.clone())) {
                out.extend(member(index, m));
            }
        }
    }
    out.extend(EXPRESSION_WORDS.iter().map(|w| item(w, KEYWORD, "operator")));
    out.extend(FUNCTION_LIST.replace(" and ", ", ").split(", ").map(|f| item(&format!("{f}()"), FUNCTION, "function")));
    out
}

fn member(index: &Index, stmt: &Stmt) -> Option<Value> {
    let name = decl_name(stmt)?;
    let detail = index.db.slice(stmt.span).lines().next().unwrap_or("").trim_end_matches('{').trim().to_string();
    Some(item(&name.name, FIELD, &detail))
}

/// The codes of the list of the field that a string is compared with.
fn codes_in_string(index: &Index, stack: &[Container], stmts: &[&Stmt], before_string: &str) -> Vec<Value> {
    let trimmed = before_string.trim_end();
    let field = if trimmed.trim_start().starts_with("exclusive") {
        // The enclosing field's own list.
        stmts.iter().rev().find(|s| matches!(s.kind, StmtKind::Field { .. })).map(|s| (index_file(stack), *s))
    } else {
        // `path == "`, `path != "`, `path in ["…", "`, `path contains "`.
        let cut = ["==", "!=", " in [", " not in [", " contains "]
            .iter()
            .filter_map(|op| trimmed.rfind(op).map(|i| (i, op)))
            .max_by_key(|(i, _)| *i)
            .map(|(i, _)| i);
        cut.and_then(|i| {
            let path = trimmed[..i].split_whitespace().last()?;
            let segments: Vec<Ident> =
                path.split('.').map(|s| Ident { name: s.to_string(), span: Default::default() }).collect();
            let resolved = index.resolve_path(stack, &segments);
            (resolved.len() == segments.len()).then(|| resolved.last().copied()).flatten()
        })
    };
    let Some((file, stmt)) = field else {
        return Vec::new();
    };
    let StmtKind::Field { ty: FieldTypeAst::Choice { list, .. }, .. } = &stmt.kind else {
        return Vec::new();
    };
    let Some(def) = index.definition(file, &list.name, DefKind::Codelist) else {
        return Vec::new();
    };
    body_of(def.stmt)
        .iter()
        .flat_map(|b| b.stmts.iter())
        .filter_map(|s| match &s.kind {
            StmtKind::Code { code, label, .. } => {
                let label = label.as_ref().map(|l| l.primary.value.as_str()).unwrap_or("");
                Some(item(&code.value, ENUM_MEMBER, label))
            }
            _ => None,
        })
        .collect()
}

fn index_file(stack: &[Container]) -> crate::source::FileId {
    stack.last().map(|c| c.file).unwrap_or_default()
}

/// The statement keywords of the innermost block around the offset.
fn keywords(stmts: &[&Stmt], top_level: bool, offset: u32) -> Vec<Value> {
    let inside = stmts.iter().rev().find(|s| body_of(s).is_some_and(|b| b.span.start < offset && offset <= b.span.end));
    let context = match inside {
        None if top_level => {
            let mut out: Vec<Value> = ["use", "form"].iter().map(|k| item(k, KEYWORD, "statement")).collect();
            out.extend(Context::File.accepts().iter().map(|k| item(k, KEYWORD, "statement")));
            return out;
        }
        None => Context::Form,
        Some(stmt) => match &stmt.kind {
            StmtKind::Field { .. } => Context::Field,
            StmtKind::Group { ty: Some(_), .. } => Context::GroupInstance,
            StmtKind::Group { .. } => Context::Group,
            StmtKind::Repeat { ty: Some(_), .. } => Context::RepeatInstance,
            StmtKind::Repeat { .. } => Context::Repeat,
            StmtKind::Section { .. } => Context::Section,
            StmtKind::Info { .. } => Context::Info,
            StmtKind::Rule { .. } => Context::Rule,
            StmtKind::Codelist { .. } => Context::Codelist,
            StmtKind::Member { .. } => Context::Member,
            StmtKind::FimRule { .. } => Context::FimRule,
            StmtKind::Fim { .. } => {
                if stmts.len() == 1 {
                    Context::FimForm
                } else {
                    Context::Fim
                }
            }
            _ => return Vec::new(),
        },
    };
    context.accepts().iter().map(|k| item(k, KEYWORD, "statement")).collect()
}
