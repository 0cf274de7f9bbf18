//! Code lists: entries, URN and version, duplicate and missing codes.

use std::collections::BTreeMap;

use super::props::{self, Context};
use super::text::Languages;
use crate::diag::{Code, Diagnostic};
use crate::ir;
use crate::syntax::ast::{self, StmtKind};

/// Lowers a `codelist` definition from module `module`.
pub fn lower(
    name: &ast::Ident,
    label: Option<&ast::Text>,
    body: Option<&ast::Block>,
    module: &str,
    langs: &Languages,
    diagnostics: &mut Vec<Diagnostic>,
) -> ir::CodeList {
    let stmts = body.map(|b| b.stmts.as_slice()).unwrap_or_default();
    let props = props::collect(stmts, Context::Codelist, diagnostics);
    if let (Some(positional), Some(block_label)) = (label, props.label) {
        diagnostics.push(
            Diagnostic::new(Code::DuplicateProperty, "the code list has two labels", block_label.span, "second label")
                .with_note(positional.span, "first label")
                .with_help("keep one of them"),
        );
    }
    let label = label.or(props.label).map(|t| langs.lower(t, diagnostics));
    let mut codes: Vec<ir::Code> = Vec::new();
    let mut seen: BTreeMap<&str, &ast::StringLit> = BTreeMap::new();
    for stmt in &props.codes {
        let StmtKind::Code { code, label } = &stmt.kind else {
            continue;
        };
        if let Some(first) = seen.get(code.value.as_str()) {
            diagnostics.push(
                Diagnostic::new(
                    Code::DuplicateCode,
                    format!("code \"{}\" appears twice in `{}`", code.value, name.name),
                    code.span,
                    "duplicate code",
                )
                .with_note(first.span, "first used here")
                .with_help("give each entry its own code"),
            );
            continue;
        }
        seen.insert(code.value.as_str(), code);
        if code.value.is_empty() || code.value.trim() != code.value {
            diagnostics.push(
                Diagnostic::new(
                    Code::InvalidLiteral,
                    "a code must not be empty or start or end with spaces",
                    code.span,
                    "invalid code",
                )
                .with_help("codes are identifiers such as \"N\" or \"001\""),
            );
            continue;
        }
        let Some(label) = label else {
            diagnostics.push(
                Diagnostic::new(
                    Code::MissingProperty,
                    format!("code \"{}\" has no label", code.value),
                    stmt.span,
                    "label missing",
                )
                .with_help(format!("write `code \"{}\" \"Bezeichnung\" en \"Label\"`", code.value)),
            );
            continue;
        };
        codes.push(ir::Code { code: code.value.clone(), label: langs.lower(label, diagnostics) });
    }
    if props.codes.is_empty() {
        diagnostics.push(
            Diagnostic::new(Code::EmptyCodelist, format!("code list `{}` has no codes", name.name), name.span, "empty")
                .with_help("add entries such as `code \"A\" \"Bezeichnung\"`"),
        );
    }
    ir::CodeList {
        name: name.name.clone(),
        module: module.to_string(),
        label,
        urn: props.urn.map(|u| u.value.clone()),
        version: props.version.map(|v| v.value.clone()),
        codes,
    }
}
