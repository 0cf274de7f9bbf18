//! Code lists: entries, URN and version, duplicate and missing codes; external lists
//! (`codelist Staat from "urn:…" version "2023-02-24"`) resolved from the code-list
//! library that the driver loaded, into ordinary codes.

use std::collections::BTreeMap;

use super::props::{self, Context};
use super::text::Languages;
use crate::codelists::{self, Library, Resolution};
use crate::diag::{closest, Code, Diagnostic};
use crate::ir;
use crate::source::Span;
use crate::syntax::ast::{self, StmtKind};

/// A `codelist` statement as written.
pub struct Decl<'s> {
    pub name: &'s ast::Ident,
    pub label: Option<&'s ast::Text>,
    pub body: Option<&'s ast::Block>,
    pub from: Option<&'s ast::CodelistFrom>,
}

impl<'s> Decl<'s> {
    /// The declaration of a `codelist` statement; `None` for any other statement.
    pub fn of(stmt: &'s ast::Stmt) -> Option<Decl<'s>> {
        match &stmt.kind {
            StmtKind::Codelist { name, label, body, from } => {
                Some(Decl { name, label: label.as_ref(), body: body.as_ref(), from: from.as_ref() })
            }
            _ => None,
        }
    }
}

/// Lowers a `codelist` definition from module `module`; an external one from `library`.
pub fn lower(
    decl: &Decl,
    module: &str,
    langs: &Languages,
    library: &Library,
    diagnostics: &mut Vec<Diagnostic>,
) -> ir::CodeList {
    let (name, label, body) = (decl.name, decl.label, decl.body);
    let stmts = body.map(|b| b.stmts.as_slice()).unwrap_or_default();
    let props = props::collect(stmts, Context::Codelist, diagnostics);
    if let Some(from) = decl.from {
        let conflicting =
            props.codes.iter().map(|s| s.span).chain(props.urn.map(|u| u.span)).chain(props.version.map(|v| v.span));
        if let Some(span) = conflicting.min_by_key(|s| s.start) {
            diagnostics.push(
                Diagnostic::new(
                    Code::ConflictingProperties,
                    format!("code list `{}` takes its codes, URN and version from `from`", name.name),
                    span,
                    "not allowed with `from`",
                )
                .with_note(from.span, "external list named here")
                .with_help("remove the `code`, `urn` and `version` statements, or the `from` reference"),
            );
        }
    }
    if let (Some(positional), Some(block_label)) = (label, props.label) {
        diagnostics.push(
            Diagnostic::new(Code::DuplicateProperty, "the code list has two labels", block_label.span, "second label")
                .with_note(positional.span, "first label")
                .with_help("keep one of them"),
        );
    }
    let label = label.or(props.label).map(|t| langs.lower(t, diagnostics));
    if let Some(from) = decl.from {
        let mut list = external(name, label, from, module, langs, library, diagnostics);
        list.extensible = props.extensible.is_some();
        return list;
    }
    let mut codes: Vec<ir::Code> = Vec::new();
    let mut seen: BTreeMap<&str, &ast::StringLit> = BTreeMap::new();
    for stmt in &props.codes {
        let StmtKind::Code { code, label, within } = &stmt.kind else {
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
        let within = within.as_ref().map(|w| w.value.clone());
        codes.push(ir::Code { code: code.value.clone(), label: langs.lower(label, diagnostics), within });
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
        external: None,
        extensible: props.extensible.is_some(),
        within: None,
    }
}

/// Resolves `from "urn" version "v"` in `library`: exactly that version, or (without a
/// version) the newest with a warning. A list that cannot be resolved is an error and lowers
/// to a list without codes (the run then has errors, so no backend sees it).
fn external(
    name: &ast::Ident,
    label: Option<ir::Text>,
    from: &ast::CodelistFrom,
    module: &str,
    langs: &Languages,
    library: &Library,
    diagnostics: &mut Vec<Diagnostic>,
) -> ir::CodeList {
    let mut list = ir::CodeList {
        name: name.name.clone(),
        module: module.to_string(),
        label,
        urn: Some(from.urn.value.clone()),
        version: from.version.as_ref().map(|v| v.value.clone()),
        codes: Vec::new(),
        external: None,
        extensible: false,
        within: None,
    };
    let urn = from.urn.value.as_str();
    let entry = match library.resolve(urn, from.version.as_ref().map(|v| v.value.as_str())) {
        Resolution::Exact(entry) => entry,
        Resolution::Newest(entry) => {
            let newest = entry.list.version.as_deref().unwrap_or_default();
            let n = library.versions(urn).len();
            diagnostics.push(
                Diagnostic::new(
                    Code::CodelistVersionUnpinned,
                    format!("code list `{}` names no version; the newest of {n}, \"{newest}\", is used", name.name),
                    from.span,
                    "no version",
                )
                .with_help(format!(
                    "write `version \"{newest}\"` after the URN, so that a newer file does not change the form"
                )),
            );
            entry
        }
        Resolution::OtherVersions(present) => {
            let version = from.version.as_ref().map_or(from.span, |v| v.span);
            let wanted = from.version.as_ref().map(|v| v.value.as_str()).unwrap_or_default();
            let quoted: Vec<String> = present.iter().map(|v| format!("\"{v}\"")).collect();
            diagnostics.push(
                Diagnostic::new(
                    Code::CodelistVersionMissing,
                    format!("code list \"{urn}\" is not available in version \"{wanted}\""),
                    version,
                    "version not present",
                )
                .with_help(format!(
                    "the code-list directory has {} {}; add the list in version \"{wanted}\", or name a version that is present",
                    if present.len() == 1 { "version" } else { "versions" },
                    quoted.join(", ")
                )),
            );
            return list;
        }
        Resolution::Unknown => {
            let help = if library.is_empty() {
                "no code list is available: put the genericode file into `codelists/` or pass `--codelists DIR`"
                    .to_string()
            } else {
                match closest(urn, library.urns()) {
                    Some(near) => format!("did you mean \"{near}\"?"),
                    None => format!(
                        "none of the {} lists of the code-list directory has this URN (its `CanonicalUri`)",
                        library.len()
                    ),
                }
            };
            diagnostics.push(
                Diagnostic::new(
                    Code::UnknownCodelist,
                    format!("no code list \"{urn}\" in the code-list directory"),
                    from.urn.span,
                    "unknown URN",
                )
                .with_help(help),
            );
            return list;
        }
    };
    if let Some(why) = codelists::invalid_codes(&entry.list.codes) {
        diagnostics.push(
            Diagnostic::new(
                Code::InvalidCodelistFile,
                format!("`{}` cannot be used as code list `{}`: {why}", entry.file, name.name),
                from.span,
                "resolves to this file",
            )
            .with_help("correct the file (the publisher's original has unique, non-empty keys), or use an inline list"),
        );
        return list;
    }
    let lang = langs.primary().to_string();
    list.urn = entry.list.urn.clone();
    list.version = entry.list.version.clone();
    list.codes = entry
        .list
        .codes
        .iter()
        .map(|(code, label)| ir::Code {
            code: code.clone(),
            label: ir::Text::from([(lang.clone(), label.clone())]),
            within: None,
        })
        .collect();
    list.external = Some(ir::ExternalCodeList { file: entry.file.clone(), sha256: entry.sha256.clone() });
    list
}

/// The `within` statement of a code list as written: the parent list, `by prefix N`, and the
/// statement's span (its other diagnostics are reported when the list is lowered).
pub fn within_of<'s>(decl: &Decl<'s>) -> Option<(&'s ast::Path, Option<&'s ast::IntLit>, Span)> {
    let stmts = decl.body.map(|b| b.stmts.as_slice()).unwrap_or_default();
    stmts.iter().find_map(|stmt| match &stmt.kind {
        StmtKind::Within { path, prefix } => Some((path, prefix.as_ref(), stmt.span)),
        _ => None,
    })
}

/// A code's `within "…"` written where the list names no parent list.
pub fn stray_parents(decl: &Decl, diagnostics: &mut Vec<Diagnostic>) {
    for (_, within) in written_parents(decl).into_iter().take(1) {
        diagnostics.push(
            Diagnostic::new(
                Code::InvalidCodeParent,
                format!("code list `{}` names no parent list, so its codes have no parents", decl.name.name),
                within.span,
                "parent of a list without `within`",
            )
            .with_help("name the list of the parents in the code list: `within Bundesland`"),
        );
    }
}

/// `code "…" … within "…"` of the list as written, by code.
fn written_parents<'s>(decl: &Decl<'s>) -> Vec<(&'s str, &'s ast::StringLit)> {
    let stmts = decl.body.map(|b| b.stmts.as_slice()).unwrap_or_default();
    stmts
        .iter()
        .filter_map(|stmt| match &stmt.kind {
            StmtKind::Code { code, within: Some(within), .. } => Some((code.value.as_str(), within)),
            _ => None,
        })
        .collect()
}

/// Gives every code of `list` its parent in the list `parent` (`within Parent`): the code's
/// own `within "…"`, or its first `prefix` characters. A code without a parent, a parent
/// that is not a code of `parent`, and a prefix longer than a code are `E0430`; an external
/// list (whose codes have no spans) reports at the `within` statement, its first problems.
pub fn resolve_parents(
    decl: &Decl,
    list: &mut ir::CodeList,
    parent: &ir::CodeList,
    prefix: Option<&ast::IntLit>,
    span: Span,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let written = written_parents(decl);
    let code_spans: BTreeMap<&str, Span> = decl
        .body
        .map(|b| b.stmts.as_slice())
        .unwrap_or_default()
        .iter()
        .filter_map(|stmt| match &stmt.kind {
            StmtKind::Code { code, .. } => Some((code.value.as_str(), code.span)),
            _ => None,
        })
        .collect();
    let parents: std::collections::BTreeSet<&str> = parent.codes.iter().map(|c| c.code.as_str()).collect();
    if let (Some(prefix), Some((_, within))) = (prefix, written.first()) {
        diagnostics.push(
            Diagnostic::new(
                Code::InvalidCodeParent,
                "a code names its parent in a list whose parents are prefixes",
                within.span,
                "second way to name the parent",
            )
            .with_note(prefix.span, "the parent is the code's prefix")
            .with_help("keep either `by prefix` or the codes' own `within \"…\"`"),
        );
        return;
    }
    if prefix.is_some_and(|p| p.value == 0) {
        let prefix = prefix.map_or(span, |p| p.span);
        diagnostics.push(
            Diagnostic::new(Code::InvalidCodeParent, "a prefix of no characters names no parent", prefix, "zero")
                .with_help("the parent of `09162` in `within Bundesland by prefix 2` is `09`"),
        );
        return;
    }
    const SHOWN: usize = 3;
    let mut problems = 0usize;
    let mut report = |diagnostic: Diagnostic, diagnostics: &mut Vec<Diagnostic>| {
        problems += 1;
        if problems <= SHOWN {
            diagnostics.push(diagnostic);
        }
    };
    let name = &decl.name.name;
    for code in &mut list.codes {
        let at = code_spans.get(code.code.as_str()).copied().unwrap_or(span);
        let (found, at_parent) = match prefix {
            Some(prefix) => {
                let n = prefix.value as usize;
                if code.code.chars().count() < n {
                    report(
                        Diagnostic::new(
                            Code::InvalidCodeParent,
                            format!("code \"{}\" of `{name}` is shorter than the prefix of {n} characters", code.code),
                            at,
                            "too short for the prefix",
                        )
                        .with_note(prefix.span, "prefix given here")
                        .with_help("the prefix is the parent's code: every code of the list must start with it"),
                        diagnostics,
                    );
                    continue;
                }
                (code.code.chars().take(n).collect::<String>(), at)
            }
            None => match written.iter().find(|(c, _)| *c == code.code) {
                Some((_, within)) => (within.value.clone(), within.span),
                None => {
                    report(
                        Diagnostic::new(
                            Code::InvalidCodeParent,
                            format!("code \"{}\" of `{name}` has no parent in `{}`", code.code, parent.name),
                            at,
                            "no parent",
                        )
                        .with_note(span, "the list's parents are named here")
                        .with_help(format!(
                            "write `code \"{}\" \"…\" within \"…\"` with a code of `{}`, or `by prefix N` after the parent list",
                            code.code, parent.name
                        )),
                        diagnostics,
                    );
                    continue;
                }
            },
        };
        if !parents.contains(found.as_str()) {
            let mut diagnostic = Diagnostic::new(
                Code::InvalidCodeParent,
                format!("the parent \"{found}\" of code \"{}\" is not a code of `{}`", code.code, parent.name),
                at_parent,
                "unknown parent",
            );
            diagnostic = match closest(&found, parents.iter().copied()) {
                Some(near) => diagnostic.with_help(format!("did you mean \"{near}\"?")),
                None => diagnostic.with_help(format!("the parent must be one of the codes of `{}`", parent.name)),
            };
            report(diagnostic, diagnostics);
            continue;
        }
        code.within = Some(found);
    }
    if problems > SHOWN {
        diagnostics.push(
            Diagnostic::new(
                Code::InvalidCodeParent,
                format!("{} more codes of `{name}` have no valid parent", problems - SHOWN),
                span,
                "parents named here",
            )
            .with_help("every code of a list with `within` needs a parent of the parent list"),
        );
    }
    if problems == 0 {
        list.within = Some(parent.name.clone());
    } else {
        // A list with unresolved parents keeps none: nothing downstream meets half a hierarchy.
        for code in &mut list.codes {
            code.within = None;
        }
    }
}

/// `code` is not a code of `list` (whose codes are `codes`): the help names the code whose label
/// was written, the closest code, or the first codes of the list.
pub fn unknown_code(list: &str, codes: &[ir::Code], code: &str, span: crate::source::Span) -> Diagnostic {
    let by_label = codes.iter().find(|c| c.label.values().any(|l| l.eq_ignore_ascii_case(code)));
    let help = match (by_label, closest(code, codes.iter().map(|c| c.code.as_str()))) {
        (Some(entry), _) => format!("\"{code}\" is a label; its code is \"{}\"", entry.code),
        (None, Some(suggestion)) => format!("did you mean \"{suggestion}\"?"),
        (None, None) => {
            let list_codes: Vec<String> = codes.iter().take(8).map(|c| format!("\"{}\"", c.code)).collect();
            format!("the codes of `{list}` are {}{}", list_codes.join(", "), if codes.len() > 8 { ", …" } else { "" })
        }
    };
    Diagnostic::new(Code::UnknownCode, format!("\"{code}\" is not a code of `{list}`"), span, "unknown code")
        .with_help(help)
}
