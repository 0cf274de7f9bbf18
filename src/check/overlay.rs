//! Overlays: a form that adapts another form of the project without copying it.
//!
//! ```text
//! form wohngeld_sachsen extends wohngeld {
//!   version "1.0.0"                                  // its own version (title, languages: the base's unless given)
//!   member antragsteller.telefon { required }        // tighten: required, length, min, max, hidden, codes
//!   member antragsteller { hint "…" en "…" }         // replace a hint
//!   member wohnung { field landkreis: text "…" }     // add at the end of a group, repeat or section
//!   after antragsteller.email { field fax: phone "…" }  // add after a base item
//!   info hinweis "…" en "…"                          // replace the text of a base info
//!   field sorbisch: boolean "…"                      // add at the end of the form
//!   rule r { check … }                                // add a rule (it may read base fields)
//!   translations hsb { "Vorname" "Předmjeno" }       // translate base texts by their German text
//! }
//! ```
//!
//! Refused with `overlay-changes-base` (each with what to write instead): redeclaring a base
//! item, `optional`, conditions (`required when`, `visible when`), labels, types and any other
//! constraint of a base member.
//!
//! [`merge`] works on the syntax: it copies the base form's statements, places the overlay's
//! additions among them, replaces hints and infos, and keeps the tightenings ([`Plan`]) for
//! the lowering to apply to the IR, where they are checked like `member` blocks of a shared
//! group type. The merged form is lowered like any form, each statement in the file it was
//! written in (names resolve through that file's imports). Whether the result accepts only
//! what the base accepts is proved outside the checker (`src/overlay`, on `compat`).

use crate::diag::{Code, Diagnostic};
use crate::ir;
use crate::syntax::ast::{self, Block, Stmt, StmtKind, TextKey};

/// What the lowering of an overlay needs beyond the merged statements.
pub struct Plan {
    /// The base form's id and version (as its source says).
    pub base_id: String,
    pub base_version: String,
    /// `unchecked "reason"`.
    pub unchecked: Option<String>,
    /// `member path { … }` statements that keep only what is applied to the IR: `required`,
    /// `length`, `min`, `max`, `hidden`, `codes`.
    pub tightenings: Vec<Stmt>,
    /// The data paths of the added fields, groups, repeats and infos.
    pub additions: Vec<ir::Path>,
    /// The names of the added rules.
    pub rules: Vec<String>,
    /// `translations lang { "primary" "translation" … }`: translations of the base's texts.
    pub glossary: crate::check::text::Glossary,
}

/// The base form with the overlay applied, named and placed as the overlay.
pub struct Merged {
    pub decl: ast::FormDecl,
    pub plan: Plan,
}

/// Where a path of the overlay leads in the base's statements.
enum Found {
    /// The statement at these indices (through sections, groups and repeats written out).
    At(Vec<usize>),
    /// Below a group or repeat of a shared type: only the IR has its members.
    InType,
}

/// Applies `overlay` to a copy of `base`.
pub fn merge(overlay: &ast::FormDecl, base: &ast::FormDecl, diagnostics: &mut Vec<Diagnostic>) -> Merged {
    let extends = overlay.extends.as_ref();
    let mut stmts: Vec<Stmt> = base
        .body
        .stmts
        .iter()
        .filter(|s| !matches!(s.kind, StmtKind::Version(_) | StmtKind::Fim { .. }))
        .cloned()
        .collect();
    let base_version = base
        .body
        .stmts
        .iter()
        .find_map(|s| match &s.kind {
            StmtKind::Version(v) => Some(v.value.clone()),
            _ => None,
        })
        .unwrap_or_default();
    let mut plan = Plan {
        base_id: base.name.name.clone(),
        base_version,
        unchecked: extends.and_then(|e| e.unchecked.as_ref()).map(|s| s.value.clone()),
        tightenings: Vec::new(),
        additions: Vec::new(),
        rules: Vec::new(),
        glossary: Default::default(),
    };
    let mut glossary = std::collections::BTreeMap::new();
    let has_sections = stmts.iter().any(|s| matches!(s.kind, StmtKind::Section { .. }));
    for stmt in &overlay.body.stmts {
        match &stmt.kind {
            StmtKind::Text { key: key @ (TextKey::Title | TextKey::Description), .. } => {
                let key = *key;
                stmts.retain(|s| !matches!(&s.kind, StmtKind::Text { key: k, .. } if *k == key));
                stmts.insert(0, stmt.clone());
            }
            StmtKind::Languages(_) => {
                stmts.retain(|s| !matches!(s.kind, StmtKind::Languages(_)));
                stmts.insert(0, stmt.clone());
            }
            StmtKind::Version(_) | StmtKind::Fim { .. } | StmtKind::Codelist { .. } => stmts.insert(0, stmt.clone()),
            StmtKind::Rule { name, .. } => {
                plan.rules.push(name.name.clone());
                stmts.push(stmt.clone());
            }
            StmtKind::Info { name, text, body } if find_info(&stmts, &name.name).is_some() => {
                replace_info(&mut stmts, name, text, body.as_ref(), diagnostics);
            }
            StmtKind::Field { .. } | StmtKind::Group { .. } | StmtKind::Repeat { .. } | StmtKind::Info { .. } => {
                if has_sections {
                    diagnostics.push(
                        Diagnostic::new(
                            Code::MisplacedStatement,
                            format!("`{}` is not allowed outside a section: the base form has sections", stmt.kind.keyword()),
                            stmt.span,
                            "outside every section",
                        )
                        .with_help(
                            "add it to a page of the base with `member <section> { … }`, after an item with `after <path> { … }`, or in a new `section` of the overlay",
                        ),
                    );
                    continue;
                }
                add_items(&mut stmts, None, std::slice::from_ref(stmt), &mut plan, diagnostics);
            }
            StmtKind::Section { name, .. } => {
                if let Some(first) = stmts.iter().find_map(|s| name_of(s).filter(|n| n.name == name.name)) {
                    diagnostics.push(redeclared(name, first.span, "section"));
                    continue;
                }
                for item in section_items(stmt) {
                    if let Some(item_name) = name_of(item) {
                        if let Some(first) = root_names(&stmts).into_iter().find(|n| n.name == item_name.name) {
                            diagnostics.push(redeclared(item_name, first.span, item.kind.keyword()));
                            continue;
                        }
                        plan.additions.push(vec![item_name.name.clone()]);
                    }
                }
                rules_in(stmt, &mut plan.rules);
                stmts.push(stmt.clone());
            }
            StmtKind::Translations { lang, entries } => {
                if let Some(diagnostic) = crate::check::text::tag_diagnostic(lang) {
                    diagnostics.push(diagnostic);
                    continue;
                }
                for (primary, translated) in entries {
                    let key = (lang.name.clone(), primary.value.clone());
                    if glossary.insert(key, translated.value.clone()).is_some() {
                        diagnostics.push(
                            Diagnostic::new(
                                Code::DuplicateProperty,
                                format!("\"{}\" is translated into `{}` twice", primary.value, lang.name),
                                primary.span,
                                "again",
                            )
                            .with_help("translate each text once; a text used in several places takes the one translation everywhere"),
                        );
                    }
                }
            }
            StmtKind::Member { path, body } => member(&mut stmts, path, body, &mut plan, diagnostics),
            StmtKind::After { path, body } => after(&mut stmts, path, body, &mut plan, diagnostics),
            _ => stmts.push(stmt.clone()),
        }
    }
    plan.glossary = std::sync::Arc::new(glossary);
    let decl = ast::FormDecl {
        name: overlay.name.clone(),
        extends: overlay.extends.clone(),
        body: Block { stmts, span: overlay.body.span },
        span: overlay.span,
    };
    Merged { decl, plan }
}

/// `member path { … }`: tightenings for the IR, hints replaced, items added at the end.
fn member(stmts: &mut Vec<Stmt>, path: &ast::Path, body: &Block, plan: &mut Plan, diagnostics: &mut Vec<Diagnostic>) {
    let Some(found) = locate(stmts, path, diagnostics) else { return };
    let mut tightenings = Vec::new();
    let mut additions = Vec::new();
    let mut hint = None;
    for stmt in &body.stmts {
        match &stmt.kind {
            StmtKind::Required { when: None, .. }
            | StmtKind::Length(_)
            | StmtKind::Bound { .. }
            | StmtKind::Hidden
            | StmtKind::Codes(_) => tightenings.push(stmt.clone()),
            StmtKind::Text { key: TextKey::Hint, .. } => hint = Some(stmt),
            StmtKind::Field { .. }
            | StmtKind::Group { .. }
            | StmtKind::Repeat { .. }
            | StmtKind::Info { .. }
            | StmtKind::Rule { .. } => additions.push(stmt.clone()),
            _ => diagnostics.push(refused(stmt)),
        }
    }
    let indices = match &found {
        Found::At(indices) => Some(indices.clone()),
        Found::InType => None,
    };
    if hint.is_some() || !additions.is_empty() {
        let Some(indices) = &indices else {
            let at = hint.map(|h| h.span).or(additions.first().map(|a| a.span)).unwrap_or(path.span);
            diagnostics.push(
                Diagnostic::new(
                    Code::OverlayChangesBase,
                    format!("`{}` is a member of a group of a shared type", path.dotted()),
                    at,
                    "cannot change the type's members here",
                )
                .with_help(
                    "inside a group of a shared type an overlay can only tighten members (`required`, `length`, `min`, `max`, `hidden`, `codes`); add new items next to the group with `after`",
                ),
            );
            return;
        };
        if let Some(hint) = hint {
            let target = stmt_at_mut(stmts, indices);
            if matches!(target.kind, StmtKind::Info { .. }) {
                diagnostics.push(
                    Diagnostic::new(Code::NotApplicable, "an info has no hint", hint.span, "not applicable").with_help(
                        "replace the text of an info by declaring it again in the overlay: `info name \"…\"`",
                    ),
                );
            } else {
                replace_hint(target, hint);
            }
        }
        if !additions.is_empty() {
            add_items(stmts, Some(indices), &additions, plan, diagnostics);
        }
    }
    if !tightenings.is_empty() {
        if let Some(indices) = &indices {
            if matches!(stmt_at(stmts, indices).kind, StmtKind::Section { .. }) {
                diagnostics.push(
                    Diagnostic::new(
                        Code::NotApplicable,
                        format!("`{}` is a section, which holds no value", path.dotted()),
                        tightenings[0].span,
                        "not applicable",
                    )
                    .with_help("tighten the fields of the section: `member <field> { required }`"),
                );
                return;
            }
        }
        let span = tightenings[0].span;
        plan.tightenings.push(Stmt {
            kind: StmtKind::Member { path: path.clone(), body: Block { stmts: tightenings, span } },
            span: path.span,
        });
    }
}

/// `after path { … }`: the items are placed right after the base item at `path`.
fn after(stmts: &mut Vec<Stmt>, path: &ast::Path, body: &Block, plan: &mut Plan, diagnostics: &mut Vec<Diagnostic>) {
    let Some(found) = locate(stmts, path, diagnostics) else { return };
    let Found::At(indices) = found else {
        diagnostics.push(
            Diagnostic::new(
                Code::OverlayChangesBase,
                format!("`{}` is a member of a group of a shared type", path.dotted()),
                path.span,
                "cannot add to the type's members here",
            )
            .with_help("add the items after the group itself: `after <group> { … }`"),
        );
        return;
    };
    let mut items = Vec::new();
    for stmt in &body.stmts {
        match stmt.kind {
            StmtKind::Field { .. } | StmtKind::Group { .. } | StmtKind::Repeat { .. } | StmtKind::Info { .. } => {
                items.push(stmt.clone())
            }
            StmtKind::Section { .. } if matches!(stmt_at(stmts, &indices).kind, StmtKind::Section { .. }) => {
                items.push(stmt.clone())
            }
            _ => diagnostics.push(
                Diagnostic::new(
                    Code::MisplacedStatement,
                    format!("`{}` is not allowed in an `after` block", stmt.kind.keyword()),
                    stmt.span,
                    "not allowed here",
                )
                .with_help("an `after` block places fields, groups, repeats and infos (after a section: sections); rules go into the overlay's body"),
            ),
        }
    }
    let (parent, last) = indices.split_at(indices.len() - 1);
    let data_parent = data_path(stmts, parent);
    let mut insert_at = last[0] + 1;
    for item in items {
        if let StmtKind::Section { name, .. } = &item.kind {
            if let Some(first) = stmts.iter().find_map(|s| name_of(s).filter(|n| n.name == name.name)) {
                diagnostics.push(redeclared(name, first.span, "section"));
                continue;
            }
            for inner in section_items(&item) {
                if let Some(n) = name_of(inner) {
                    plan.additions.push(vec![n.name.clone()]);
                }
            }
            rules_in(&item, &mut plan.rules);
        } else if let Some(name) = name_of(&item) {
            if let Some(first) = object_names(stmts, parent).into_iter().find(|n| n.name == name.name) {
                diagnostics.push(redeclared(name, first.span, item.kind.keyword()));
                continue;
            }
            let mut path = data_parent.clone();
            path.push(name.name.clone());
            plan.additions.push(path);
            rules_in(&item, &mut plan.rules);
        }
        container_mut(stmts, parent).insert(insert_at, item);
        insert_at += 1;
    }
}

/// Adds `items` at the end of the container at `indices` (`None`: the form).
fn add_items(
    stmts: &mut Vec<Stmt>,
    indices: Option<&[usize]>,
    items: &[Stmt],
    plan: &mut Plan,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if let Some(indices) = indices {
        let target = stmt_at(stmts, indices);
        let accepts = matches!(
            &target.kind,
            StmtKind::Group { ty: None, .. } | StmtKind::Repeat { ty: None, .. } | StmtKind::Section { .. }
        );
        if !accepts {
            let what = match target.kind {
                StmtKind::Group { .. } | StmtKind::Repeat { .. } => {
                    "a group of a shared type, which takes its members from the type"
                }
                _ => "not a group, repeat or section",
            };
            diagnostics.push(
                Diagnostic::new(
                    Code::OverlayChangesBase,
                    format!("cannot add members to `{}`", name_of(target).map(|n| n.name.as_str()).unwrap_or("?")),
                    items[0].span,
                    what,
                )
                .with_help("place new items next to it instead: `after <path> { field … }`"),
            );
            return;
        }
    }
    let container: Vec<usize> = indices.map(<[usize]>::to_vec).unwrap_or_default();
    let data_parent = data_path(stmts, &container);
    for item in items {
        if let StmtKind::Rule { name, .. } = &item.kind {
            plan.rules.push(name.name.clone());
        } else if let Some(name) = name_of(item) {
            let existing = if container.is_empty() { root_names(stmts) } else { object_names(stmts, &container) };
            if let Some(first) = existing.into_iter().find(|n| n.name == name.name) {
                diagnostics.push(redeclared(name, first.span, item.kind.keyword()));
                continue;
            }
            let mut path = data_parent.clone();
            path.push(name.name.clone());
            plan.additions.push(path);
            rules_in(item, &mut plan.rules);
        }
        if container.is_empty() {
            stmts.push(item.clone());
        } else {
            children_mut(stmt_at_mut(stmts, &container)).push(item.clone());
        }
    }
}

/// Finds `path` among the base's statements (the first name at the top or in any section).
fn locate(stmts: &[Stmt], path: &ast::Path, diagnostics: &mut Vec<Diagnostic>) -> Option<Found> {
    let segments = &path.segments;
    let first = segments.first()?;
    let mut indices: Vec<usize> = Vec::new();
    if let Some(i) = stmts.iter().position(|s| name_of(s).is_some_and(|n| n.name == first.name)) {
        indices.push(i);
    } else {
        for (i, stmt) in stmts.iter().enumerate() {
            if let StmtKind::Section { .. } = stmt.kind {
                if let Some(j) = children(stmt).iter().position(|s| name_of(s).is_some_and(|n| n.name == first.name)) {
                    indices = vec![i, j];
                    break;
                }
            }
        }
    }
    if indices.is_empty() {
        let names: Vec<String> = root_names(stmts).into_iter().map(|n| n.name.clone()).collect();
        diagnostics.push(unknown(first, &names, "the base form"));
        return None;
    }
    for segment in &segments[1..] {
        let current = stmt_at(stmts, &indices);
        match &current.kind {
            StmtKind::Group { ty: Some(_), .. } | StmtKind::Repeat { ty: Some(_), .. } => {
                return Some(Found::InType);
            }
            StmtKind::Group { .. } | StmtKind::Repeat { .. } | StmtKind::Section { .. } => {
                let inner = children(current);
                match inner.iter().position(|s| name_of(s).is_some_and(|n| n.name == segment.name)) {
                    Some(i) => indices.push(i),
                    None => {
                        let names: Vec<String> = inner.iter().filter_map(name_of).map(|n| n.name.clone()).collect();
                        let owner = name_of(current).map(|n| format!("`{}`", n.name)).unwrap_or_default();
                        diagnostics.push(unknown(segment, &names, &owner));
                        return None;
                    }
                }
            }
            _ => {
                let owner = name_of(current).map(|n| format!("`{}`", n.name)).unwrap_or_default();
                diagnostics.push(unknown(segment, &[], &owner));
                return None;
            }
        }
    }
    Some(Found::At(indices))
}

fn unknown(name: &ast::Ident, candidates: &[String], owner: &str) -> Diagnostic {
    let help = match crate::diag::closest(&name.name, candidates.iter().map(String::as_str)) {
        Some(close) => format!("did you mean `{close}`?"),
        None if candidates.is_empty() => format!("{owner} has no members"),
        None => format!("the members here are: {}", candidates.join(", ")),
    };
    Diagnostic::new(Code::UnknownName, format!("{owner} has no member `{}`", name.name), name.span, "no such member")
        .with_help(help)
}

fn redeclared(name: &ast::Ident, first: crate::source::Span, keyword: &str) -> Diagnostic {
    Diagnostic::new(
        Code::OverlayChangesBase,
        format!("`{}` is already declared by the base form", name.name),
        name.span,
        "declared again",
    )
    .with_note(first, "declared in the base here")
    .with_help(if keyword == "section" {
        format!("add to the base's page with `member {} {{ field … }}`, or name the new section otherwise", name.name)
    } else if keyword == "info" {
        "an info of the base is replaced by `info name \"…\"` in the same place (the form, or a `member` block of its group)".to_string()
    } else {
        format!(
            "an overlay cannot replace a base {keyword}: tighten it with `member {} {{ required … }}`, or add one under a new name",
            name.name
        )
    })
}

/// The refusal of a statement a `member` block of an overlay does not take, with what to
/// write instead.
fn refused(stmt: &Stmt) -> Diagnostic {
    let keyword = stmt.kind.keyword();
    let (message, help) = match &stmt.kind {
        StmtKind::Optional => (
            "an overlay cannot make a base member optional".to_string(),
            "the base needs its value, so every submission of the overlay must hold it: keep the base's requirement".to_string(),
        ),
        StmtKind::Required { when: Some(_), .. } => (
            "an overlay cannot make a base member required under a condition".to_string(),
            "write `required` (always), or a `rule` in the overlay that checks the condition".to_string(),
        ),
        StmtKind::Visible(_) => (
            "an overlay cannot change when a base member is shown".to_string(),
            "conditions belong to the base; take an optional member out with `hidden`, or check what you need in a `rule` of the overlay".to_string(),
        ),
        StmtKind::Text { key: TextKey::Label, .. } => (
            "an overlay cannot replace a base label".to_string(),
            "the label says what the value means, which the base decides; replace the hint instead (`hint \"…\"`)".to_string(),
        ),
        StmtKind::Member { .. } => (
            "`member` blocks do not nest".to_string(),
            "name the member by its path: `member gruppe.feld { … }`".to_string(),
        ),
        _ => (
            format!("an overlay cannot change `{keyword}` of a base member"),
            "a `member` block of an overlay takes `required`, `length`, `min`, `max`, `hidden`, `codes` (a subset of a choice's codes), `hint`, and new fields, groups, repeats, infos and rules".to_string(),
        ),
    };
    Diagnostic::new(Code::OverlayChangesBase, message, stmt.span, "changes the base").with_help(help)
}

fn replace_hint(target: &mut Stmt, hint: &Stmt) {
    let body = match &mut target.kind {
        StmtKind::Field { body, .. }
        | StmtKind::Group { body, .. }
        | StmtKind::Repeat { body, .. }
        | StmtKind::Section { body, .. } => body,
        _ => return,
    };
    let block = body.get_or_insert_with(|| Block { stmts: Vec::new(), span: hint.span });
    block.stmts.retain(|s| !matches!(s.kind, StmtKind::Text { key: TextKey::Hint, .. }));
    block.stmts.insert(0, hint.clone());
}

fn find_info(stmts: &[Stmt], name: &str) -> Option<Vec<usize>> {
    for (i, stmt) in stmts.iter().enumerate() {
        match &stmt.kind {
            StmtKind::Info { name: n, .. } if n.name == name => return Some(vec![i]),
            StmtKind::Section { .. } => {
                if let Some(j) = children(stmt)
                    .iter()
                    .position(|s| matches!(&s.kind, StmtKind::Info { name: n, .. } if n.name == name))
                {
                    return Some(vec![i, j]);
                }
            }
            _ => {}
        }
    }
    None
}

fn replace_info(
    stmts: &mut [Stmt],
    name: &ast::Ident,
    text: &ast::Text,
    body: Option<&Block>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if let Some(body) = body {
        diagnostics.push(
            Diagnostic::new(
                Code::OverlayChangesBase,
                format!("an overlay replaces only the text of the base's info `{}`", name.name),
                body.span,
                "changes the base",
            )
            .with_help("when the info is shown is the base's: write `info name \"…\"` without a block"),
        );
        return;
    }
    let Some(indices) = find_info(stmts, &name.name) else { return };
    if let StmtKind::Info { text: old, .. } = &mut stmt_at_mut(stmts, &indices).kind {
        *old = text.clone();
    }
}

/// The names of the rules in an added statement and in the groups, repeats and sections it
/// holds (nesting is bounded by the parser).
fn rules_in(stmt: &Stmt, out: &mut Vec<String>) {
    if let StmtKind::Rule { name, .. } = &stmt.kind {
        out.push(name.name.clone());
    }
    for child in children(stmt) {
        rules_in(child, out);
    }
}

fn name_of(stmt: &Stmt) -> Option<&ast::Ident> {
    match &stmt.kind {
        StmtKind::Field { name, .. }
        | StmtKind::Group { name, .. }
        | StmtKind::Repeat { name, .. }
        | StmtKind::Info { name, .. }
        | StmtKind::Section { name, .. } => Some(name),
        _ => None,
    }
}

fn children(stmt: &Stmt) -> &[Stmt] {
    match &stmt.kind {
        StmtKind::Group { body: Some(b), .. }
        | StmtKind::Repeat { body: Some(b), .. }
        | StmtKind::Section { body: Some(b), .. } => &b.stmts,
        _ => &[],
    }
}

fn children_mut(stmt: &mut Stmt) -> &mut Vec<Stmt> {
    let span = stmt.span;
    match &mut stmt.kind {
        StmtKind::Group { body, .. } | StmtKind::Repeat { body, .. } | StmtKind::Section { body, .. } => {
            &mut body.get_or_insert_with(|| Block { stmts: Vec::new(), span }).stmts
        }
        _ => unreachable!("only groups, repeats and sections are containers"),
    }
}

fn section_items(section: &Stmt) -> &[Stmt] {
    children(section)
}

fn stmt_at<'s>(stmts: &'s [Stmt], indices: &[usize]) -> &'s Stmt {
    let mut at = &stmts[indices[0]];
    for &i in &indices[1..] {
        at = &children(at)[i];
    }
    at
}

fn stmt_at_mut<'s>(stmts: &'s mut [Stmt], indices: &[usize]) -> &'s mut Stmt {
    let mut at = &mut stmts[indices[0]];
    for &i in &indices[1..] {
        at = &mut children_mut(at)[i];
    }
    at
}

/// The statements that hold the one at `parent` followed by one more index.
fn container_mut<'s>(stmts: &'s mut Vec<Stmt>, parent: &[usize]) -> &'s mut Vec<Stmt> {
    if parent.is_empty() {
        stmts
    } else {
        children_mut(stmt_at_mut(stmts, parent))
    }
}

/// The data path of the statement at `indices` (sections hold no data).
fn data_path(stmts: &[Stmt], indices: &[usize]) -> ir::Path {
    let mut path = Vec::new();
    for n in 1..=indices.len() {
        let stmt = stmt_at(stmts, &indices[..n]);
        if !matches!(stmt.kind, StmtKind::Section { .. }) {
            if let Some(name) = name_of(stmt) {
                path.push(name.name.clone());
            }
        }
    }
    path
}

/// The names of the object whose members are the children of `parent` (the root, with every
/// section, for an empty path or a section).
fn object_names<'s>(stmts: &'s [Stmt], parent: &[usize]) -> Vec<&'s ast::Ident> {
    if parent.is_empty() || matches!(stmt_at(stmts, parent).kind, StmtKind::Section { .. }) {
        return root_names(stmts);
    }
    children(stmt_at(stmts, parent)).iter().filter_map(name_of).collect()
}

/// The names of the root object: the form's items and those of every section.
fn root_names(stmts: &[Stmt]) -> Vec<&ast::Ident> {
    let mut names = Vec::new();
    for stmt in stmts {
        if let StmtKind::Section { .. } = stmt.kind {
            names.extend(children(stmt).iter().filter_map(name_of));
        } else if let Some(name) = name_of(stmt) {
            names.push(name);
        }
    }
    names
}
