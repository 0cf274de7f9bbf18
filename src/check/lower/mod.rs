//! Lowering one form: AST → IR. Builds the data tree first (fields, groups, repeats, pages),
//! then resolves every expression against the finished tree, then checks what needs both
//! (unsatisfiable conditions). Groups and repeats live in `group.rs`, rules and the
//! expression pass in `resolve.rs`.
//!
//! ```text
//! form hundesteuer {
//!   title "Anmeldung eines Hundes" en "Registration of a dog"
//!   version "1.0.0"
//!   languages de, en
//!   group halter: Person "Halterin oder Halter" en "Owner"
//!   field rasse: text "Rasse" en "Breed" required
//! }
//! ```

use std::collections::BTreeMap;

mod computed;
mod default;
mod group;
mod overlay;
mod resolve;
mod tighten;

use group::GroupDecl;

use crate::check::defs::{DefKind, Defs};
use crate::check::props::{self, Context, Props};
use crate::check::text::Languages;
use crate::check::{codelist, collide, confirm, field, fim, interpolate, names};
use crate::diag::{Code, Diagnostic};
use crate::ir::{self, Item, Requirement};
use crate::source::{FileId, SourceDb, Span};
use crate::syntax::ast::{self, Flag, Stmt, StmtKind};

/// Where a pending expression goes once it is lowered.
#[derive(Clone, Copy, Debug)]
pub(super) enum Slot {
    Visible,
    Required,
    PageVisible(usize),
    /// `value <expr>` of a computed field.
    Computed,
}

pub(super) struct Pending<'a> {
    pub(super) node: ir::Path,
    pub(super) slot: Slot,
    pub(super) scope: ir::Path,
    pub(super) boundary: usize,
    pub(super) expr: &'a ast::Expr,
}

/// Which text of a node a template is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum TextSlot {
    Label,
    Hint,
    Info,
}

/// A label, hint or info whose placeholders are resolved once the tree is complete.
pub(super) struct PendingTemplate {
    pub(super) node: ir::Path,
    pub(super) slot: TextSlot,
    pub(super) scope: ir::Path,
    pub(super) boundary: usize,
    pub(super) paths: Vec<ast::Path>,
}

pub(super) struct PendingRule<'a> {
    pub(super) name: String,
    pub(super) scope: ir::Path,
    pub(super) boundary: usize,
    pub(super) check: &'a ast::Expr,
    /// `rule r when …`: the check applies only where this holds.
    pub(super) when: Option<&'a ast::Expr>,
    pub(super) at: Option<&'a ast::Path>,
    pub(super) message: ir::Text,
    pub(super) severity: ir::Severity,
    pub(super) fim: Option<ir::FimRef>,
}

/// State while lowering one form (or one module checked on its own).
pub struct FormLowering<'a, 'd> {
    pub(super) defs: &'d Defs<'a>,
    pub(super) db: &'d SourceDb,
    /// External code lists, for `codelist X from "urn" version "v"`.
    pub(super) library: &'d crate::codelists::Library,
    /// The project's catalogues (`catalogues/<tag>.toml`), each read or with its problems.
    pub(super) project_catalogues: &'d crate::catalogue::Project,
    /// The project catalogues of the form's languages, for `ir::Form::catalogues`.
    pub(super) catalogues: BTreeMap<String, crate::catalogue::Texts>,
    pub(super) langs: Languages,
    pub diagnostics: Vec<Diagnostic>,
    pub(super) codelists: BTreeMap<String, (FileId, ir::CodeList)>,
    pub(super) group_types: BTreeMap<String, ir::GroupType>,
    pub(super) pending: Vec<Pending<'a>>,
    pub(super) rules: Vec<PendingRule<'a>>,
    pub(super) templates: Vec<PendingTemplate>,
    pub(super) rule_names: BTreeMap<String, Span>,
    /// Group types being expanded, to detect recursion.
    pub(super) type_stack: Vec<(FileId, String)>,
    /// Where each name was declared, for diagnostics about the finished form (`collide`).
    pub(super) spans: collide::Spans,
    /// What `member` blocks decide that a resolved expression would otherwise overwrite.
    overrides: Vec<(ir::Path, tighten::Override)>,
    /// Fields with a `default`, checked against the finished form.
    defaults: Vec<(ir::Path, Span)>,
    /// Computed fields (`value <expr>`) and their statements, checked for cycles.
    computed: Vec<(ir::Path, Span)>,
    /// When the form is an overlay merged with its base: what is applied to its IR.
    overlay: Option<&'a crate::check::overlay::Plan>,
    /// Code lists whose parent lists are being lowered, to detect circles.
    resolving: Vec<String>,
    /// Fields with `within`: the answer that filters them, resolved against the finished tree.
    withins: Vec<PendingWithin<'a>>,
}

/// A field's `within path`, resolved once the tree is complete.
pub(super) struct PendingWithin<'a> {
    pub(super) node: ir::Path,
    pub(super) scope: ir::Path,
    pub(super) boundary: usize,
    pub(super) path: &'a ast::Path,
}

impl<'a, 'd> FormLowering<'a, 'd> {
    pub fn new(
        defs: &'d Defs<'a>,
        db: &'d SourceDb,
        library: &'d crate::codelists::Library,
        project_catalogues: &'d crate::catalogue::Project,
        langs: Languages,
    ) -> Self {
        FormLowering {
            defs,
            db,
            library,
            project_catalogues,
            catalogues: BTreeMap::new(),
            langs,
            diagnostics: Vec::new(),
            codelists: BTreeMap::new(),
            group_types: BTreeMap::new(),
            pending: Vec::new(),
            rules: Vec::new(),
            templates: Vec::new(),
            rule_names: BTreeMap::new(),
            type_stack: Vec::new(),
            spans: collide::Spans::default(),
            overrides: Vec::new(),
            defaults: Vec::new(),
            computed: Vec::new(),
            overlay: None,
            resolving: Vec::new(),
            withins: Vec::new(),
        }
    }

    /// Lowers the next form as an overlay with `plan` (`None`: an ordinary form).
    pub fn overlay(mut self, plan: Option<&'a crate::check::overlay::Plan>) -> Self {
        self.overlay = plan;
        self
    }

    /// Lowers a whole form declared in `file`.
    pub fn form(mut self, file: FileId, decl: &'a ast::FormDecl) -> (Option<ir::Form>, Vec<Diagnostic>) {
        if names::check_ascii(&decl.name, &mut self.diagnostics) {
            names::check_reserved(&decl.name, names::NameKind::Form, &mut self.diagnostics);
        }
        let props = props::collect(&decl.body.stmts, Context::Form, &mut self.diagnostics);
        let languages = self.languages(&props, decl);
        let glossary = self.overlay.map(|plan| plan.glossary.clone()).unwrap_or_default();
        self.langs = Languages(Some(languages.clone()), glossary);
        let title = match props.title {
            Some(t) => self.langs.lower(t, &mut self.diagnostics),
            None => {
                self.missing(
                    decl.name.span,
                    "the form has no `title`",
                    "add `title \"Antrag auf …\" en \"Application for …\"`",
                );
                ir::Text::new()
            }
        };
        let description = props.description.map(|d| self.langs.lower(d, &mut self.diagnostics));
        let version = match props.version {
            Some(v) => {
                check_version(v, &mut self.diagnostics);
                v.value.clone()
            }
            None => {
                self.missing(decl.name.span, "the form has no `version`", "add `version \"1.0.0\"`");
                String::new()
            }
        };
        let fim = props.fim.and_then(|f| self.fim(f, fim::Place::Form));
        // Code lists declared inside the form body are definitions of the file (see defs).
        let mut seen = BTreeMap::new();
        let sections: Vec<&Stmt> =
            props.members.iter().copied().filter(|s| matches!(s.kind, StmtKind::Section { .. })).collect();
        let mut pages = Vec::new();
        if sections.is_empty() {
            let items = self.members(file, &props.members, &[], 0, &mut seen);
            pages.push(ir::Page { name: None, title: None, hint: None, visible: None, items });
        } else {
            for member in &props.members {
                match member.kind {
                    StmtKind::Section { .. } | StmtKind::Rule { .. } | StmtKind::Codelist { .. } => {}
                    _ => self.diagnostics.push(props::member_outside_section(member)),
                }
            }
            let rules: Vec<&Stmt> =
                props.members.iter().copied().filter(|s| matches!(s.kind, StmtKind::Rule { .. })).collect();
            self.members(file, &rules, &[], 0, &mut seen);
            for section in sections {
                let index = pages.len();
                if let Some(page) = self.section(file, section, index, &mut seen) {
                    pages.push(page);
                }
            }
        }
        let narrowings = self.overlay.map(|plan| self.apply_overlay(plan, &mut pages)).unwrap_or_default();
        let rules = self.resolve_expressions(&mut pages);
        // Codes are narrowed once the base's conditions have been read against the base's list.
        self.narrow_codes(&narrowings, &mut pages, file);
        let extends = self.overlay.map(|plan| ir::Extends {
            id: plan.base_id.clone(),
            version: plan.base_version.clone(),
            additions: plan.additions.clone(),
            rules: plan.rules.clone(),
            unchecked: plan.unchecked.clone(),
        });
        let group_types = std::mem::take(&mut self.group_types);
        let codelists = std::mem::take(&mut self.codelists);
        let mut form = ir::Form {
            ir_version: ir::VERSION,
            id: decl.name.name.clone(),
            version,
            languages,
            title,
            description,
            fim,
            extends,
            pages,
            rules,
            codelists: codelists.into_iter().map(|(name, (_, list))| (name, list)).collect(),
            group_types,
            catalogues: std::mem::take(&mut self.catalogues),
        };
        collide::check_form(&form, decl.name.span, &self.spans, &mut self.diagnostics);
        self.check_defaults(&mut form);
        self.check_computed(&mut form);
        (Some(form), self.diagnostics)
    }

    /// Checks the definitions of a file on their own (for modules no form uses yet).
    pub fn definitions(mut self, file: FileId) -> Vec<Diagnostic> {
        let defs: Vec<_> = self.defs.own(file).copied().collect();
        let mut pages = Vec::new();
        let mut instances = Vec::new();
        let mut own_types = std::collections::BTreeSet::new();
        let mut own_codelists = std::collections::BTreeSet::new();
        for def in defs {
            match def.kind {
                DefKind::Codelist => {
                    if let Some(decl) = codelist::Decl::of(def.stmt) {
                        let name = decl.name;
                        let module = self.db.get(def.file).module.clone();
                        codelist::lower(&decl, &module, &self.langs, self.library, &mut self.diagnostics);
                        own_codelists.insert(name.name.clone());
                        self.spans.codelists.insert(name.name.clone(), name.span);
                    }
                }
                DefKind::GroupType => {
                    // Check the type as the only member of an otherwise empty form.
                    let instance = ast::Ident { name: def.name.name.clone(), span: def.name.span };
                    let items = self.instance(def.file, &instance, def.name, None, None, None, &[], 0, false);
                    own_types.insert(def.name.name.clone());
                    pages.push(ir::Page {
                        name: None,
                        title: None,
                        hint: None,
                        visible: None,
                        items: items.into_iter().collect(),
                    });
                }
            }
            self.resolve_expressions(&mut pages);
            instances.extend(pages.drain(..).flat_map(|page| page.items));
            // Each type is resolved on its own: its rules must not meet the next type's tree.
            self.pending.clear();
            self.rules.clear();
        }
        collide::check_definitions(&instances, &own_types, &own_codelists, &self.spans, &mut self.diagnostics);
        self.diagnostics
    }

    pub(super) fn missing(&mut self, span: Span, message: &str, help: &str) {
        self.diagnostics.push(Diagnostic::new(Code::MissingProperty, message, span, "missing").with_help(help));
    }

    fn languages(&mut self, props: &Props, decl: &ast::FormDecl) -> Vec<String> {
        let Some((idents, _)) = props.languages else {
            self.missing(decl.name.span, "the form has no `languages`", "add `languages de, en` (German first)");
            return vec!["de".to_string()];
        };
        let mut languages: Vec<String> = Vec::new();
        for ident in idents {
            if let Some(diagnostic) = crate::check::text::tag_diagnostic(ident) {
                self.diagnostics.push(diagnostic);
            } else if languages.contains(&ident.name) {
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::DuplicateProperty,
                        format!("language `{}` is listed twice", ident.name),
                        ident.span,
                        "again",
                    )
                    .with_help("list each language once"),
                );
            } else {
                // A language whose catalogue is missing or unusable is still the form's
                // language: only that is reported, not every translation into it.
                if let Some(diagnostic) = self.catalogue(ident) {
                    self.diagnostics.push(diagnostic);
                }
                languages.push(ident.name.clone());
            }
        }
        if languages.is_empty() {
            languages.push("de".to_string());
        }
        languages
    }

    /// Finds the catalogue of the language `ident`: the project's (kept for the IR), else
    /// a built-in one; `missing-catalogue` or `invalid-catalogue` otherwise.
    fn catalogue(&mut self, ident: &ast::Ident) -> Option<Diagnostic> {
        let lang = ident.name.as_str();
        match self.project_catalogues.get(lang) {
            Some(Ok(texts)) => {
                self.catalogues.insert(lang.to_string(), texts.clone());
                None
            }
            Some(Err(problems)) => Some(
                Diagnostic::new(
                    Code::InvalidCatalogue,
                    format!("the catalogue `catalogues/{lang}.toml` cannot be used"),
                    ident.span,
                    "its catalogue has problems",
                )
                .with_help(format!("correct the catalogue file: {}", problems.join("; "))),
            ),
            None if crate::catalogue::builtin().contains_key(lang) => None,
            None => Some(
                Diagnostic::new(
                    Code::MissingCatalogue,
                    format!("there is no catalogue for the language `{lang}`"),
                    ident.span,
                    "no catalogue",
                )
                .with_help(format!(
                    "Formwerk has built-in catalogues for {}; add `catalogues/{lang}.toml` next to the forms \
                     (a copy of a built-in one, translated; see docs/LANGUAGE.md, Catalogues)",
                    crate::catalogue::builtin().keys().cloned().collect::<Vec<_>>().join(", ")
                )),
            ),
        }
    }

    pub(super) fn fim(
        &mut self,
        statement: (&ast::StringLit, Option<&ast::StringLit>, Option<&ast::Block>),
        place: fim::Place,
    ) -> Option<ir::FimRef> {
        self.fim_of(statement, place, false)
    }

    /// A `fim` statement; FIM's unbounded multiplicity (`0:*`, `1:*`) is kept only where
    /// `most_files`: a file field that takes the most files the language allows (the export
    /// writes it back; nothing else of a form repeats without bound).
    fn fim_of(
        &mut self,
        statement: (&ast::StringLit, Option<&ast::StringLit>, Option<&ast::Block>),
        place: fim::Place,
        most_files: bool,
    ) -> Option<ir::FimRef> {
        let mut fim = fim::lower(statement, place, &mut self.diagnostics)?;
        let Some(meta) = fim.meta.as_deref_mut() else { return Some(fim) };
        if !most_files && meta.multiplicity.as_deref().is_some_and(|m| m.ends_with(":*")) {
            let written = meta.multiplicity.take().unwrap_or_default();
            self.diagnostics.push(
                Diagnostic::new(
                    Code::InvalidLiteral,
                    format!("FIM multiplicity \"{written}\" needs a field of up to {} files", field::MAX_FILES),
                    statement.0.span,
                    "its `fim` block says the element repeats without bound",
                )
                .with_help(format!(
                    "an unbounded FIM multiplicity is kept by a file field with `count ..{}`; a single element takes \"0:1\" or \"1:1\", and a repeat states its own counts",
                    field::MAX_FILES
                )),
            );
        }
        Some(fim)
    }

    pub(super) fn label(
        &mut self,
        positional: Option<&ast::Text>,
        props: &Props,
        fallback: Option<ir::Text>,
        name: &ast::Ident,
    ) -> ir::Text {
        if let (Some(first), Some(second)) = (positional, props.label) {
            self.diagnostics.push(
                Diagnostic::new(
                    Code::DuplicateProperty,
                    format!("`{}` has two labels", name.name),
                    second.span,
                    "second label",
                )
                .with_note(first.span, "first label")
                .with_help("keep one of them"),
            );
        }
        match positional.or(props.label) {
            Some(text) => self.langs.lower(text, &mut self.diagnostics),
            None => fallback.unwrap_or_else(|| {
                self.missing(
                    name.span,
                    &format!("`{}` has no label", name.name),
                    &format!("write the label after the name: `{} … \"Bezeichnung\" en \"Label\"`", name.name),
                );
                ir::Text::new()
            }),
        }
    }

    fn section(
        &mut self,
        file: FileId,
        stmt: &'a Stmt,
        index: usize,
        seen: &mut BTreeMap<String, Span>,
    ) -> Option<ir::Page> {
        let StmtKind::Section { name, label, body } = &stmt.kind else {
            return None;
        };
        names::check_ascii(name, &mut self.diagnostics);
        let stmts = body.as_ref().map(|b| b.stmts.as_slice()).unwrap_or_default();
        let props = props::collect(stmts, Context::Section, &mut self.diagnostics);
        let title = self.label(label.as_ref(), &props, None, name);
        let hint = props.hint.map(|h| self.langs.lower(h, &mut self.diagnostics));
        let visible = props.visible.map(|expr| {
            self.pending.push(Pending {
                node: Vec::new(),
                slot: Slot::PageVisible(index),
                scope: Vec::new(),
                boundary: 0,
                expr,
            });
            placeholder()
        });
        let items = self.members(file, &props.members, &[], 0, seen);
        Some(ir::Page { name: Some(name.name.clone()), title: Some(title), hint, visible, items })
    }

    /// Lowers the members of one object (`path`); `seen` holds the names already used in it.
    pub(super) fn members(
        &mut self,
        file: FileId,
        members: &[&'a Stmt],
        path: &[String],
        boundary: usize,
        seen: &mut BTreeMap<String, Span>,
    ) -> Vec<Item> {
        let mut items = Vec::new();
        for stmt in members {
            // Each statement names types and lists through the imports of the file it is
            // written in (an overlay's statements stand among its base's).
            let file = if stmt.span.file == file { file } else { stmt.span.file };
            let name = match &stmt.kind {
                StmtKind::Field { name, .. }
                | StmtKind::Group { name, .. }
                | StmtKind::Repeat { name, .. }
                | StmtKind::Info { name, .. } => name,
                StmtKind::Rule { name, when, body } => {
                    self.rule(name, when.as_ref(), body, path, boundary);
                    continue;
                }
                _ => continue,
            };
            if names::check_ascii(name, &mut self.diagnostics) && !matches!(stmt.kind, StmtKind::Info { .. }) {
                names::check_reserved(name, names::NameKind::Member, &mut self.diagnostics);
            }
            if let Some(first) = seen.get(&name.name) {
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::DuplicateName,
                        format!("`{}` is declared twice in the same group", name.name),
                        name.span,
                        "declared again",
                    )
                    .with_note(*first, "first declared here")
                    .with_help("names become JSON keys, so they must be unique within a group (sections share the form's group)"),
                );
                continue;
            }
            seen.insert(name.name.clone(), name.span);
            self.spans.members.insert(child(path, &name.name), name.span);
            let item = match &stmt.kind {
                StmtKind::Field { name, ty, within, label, flag, body } => {
                    let item = self.field(file, name, ty, label.as_ref(), *flag, body.as_ref(), path, boundary);
                    self.within(item.as_ref(), within.as_ref(), body.as_ref(), path, boundary);
                    item
                }
                StmtKind::Group { name, ty: Some(ty), label, flag, body } => {
                    self.instance(file, name, ty, label.as_ref(), *flag, body.as_ref(), path, boundary, false)
                }
                StmtKind::Repeat { name, ty: Some(ty), label, body, count } => {
                    let mut item =
                        self.instance(file, name, ty, label.as_ref(), None, body.as_ref(), path, boundary, true);
                    if let Some(Item::Repeat(repeat)) = &mut item {
                        self.count(repeat, count.as_ref());
                    }
                    item
                }
                StmtKind::Group { name, ty: None, label, flag, body } => {
                    let stmts = body.as_ref().map(|b| b.stmts.as_slice()).unwrap_or_default();
                    let props = props::collect(stmts, Context::Group, &mut self.diagnostics);
                    let decl = GroupDecl {
                        name,
                        label: label.as_ref(),
                        flag: *flag,
                        context: Context::Group,
                        props: &props,
                        type_def: None,
                    };
                    self.group(file, decl, path, boundary)
                }
                StmtKind::Repeat { name, ty: None, label, body, count } => {
                    let stmts = body.as_ref().map(|b| b.stmts.as_slice()).unwrap_or_default();
                    let props = props::collect(stmts, Context::Repeat, &mut self.diagnostics);
                    let decl = GroupDecl {
                        name,
                        label: label.as_ref(),
                        flag: None,
                        context: Context::Repeat,
                        props: &props,
                        type_def: None,
                    };
                    let mut item = self.group(file, decl, path, boundary);
                    if let Some(Item::Repeat(repeat)) = &mut item {
                        self.count(repeat, count.as_ref());
                    }
                    item
                }
                StmtKind::Info { name, text, body } => {
                    let stmts = body.as_ref().map(|b| b.stmts.as_slice()).unwrap_or_default();
                    let props = props::collect(stmts, Context::Info, &mut self.diagnostics);
                    let node = child(path, &name.name);
                    let visible = self.defer(props.visible, &node, Slot::Visible, path, boundary);
                    let lowered = self.langs.lower(text, &mut self.diagnostics);
                    let text = self.template(Some(text), lowered, &node, TextSlot::Info, path, boundary);
                    let fim = props.fim.and_then(|f| self.fim(f, fim::Place::Element));
                    Some(Item::Info(ir::Info { name: name.name.clone(), text, visible, fim }))
                }
                _ => None,
            };
            items.extend(item);
        }
        // A catalogue's IR is held whole until it is emitted: no spare capacity.
        items.shrink_to_fit();
        items
    }

    /// Reads a label, hint or info (`source`, lowered as `lowered`) as a template and
    /// registers its placeholders; a text without source (a shared type's label) is plain.
    pub(super) fn template(
        &mut self,
        source: Option<&ast::Text>,
        lowered: ir::Text,
        node: &[String],
        slot: TextSlot,
        scope: &[String],
        boundary: usize,
    ) -> ir::Text {
        let mut out = ir::Text::new();
        let mut paths = Vec::new();
        for (lang, value) in lowered {
            let literal = source.and_then(|text| {
                if lang == self.langs.primary() {
                    Some(&text.primary)
                } else {
                    text.translations.iter().find(|(l, _)| l.name == lang).map(|(_, s)| s)
                }
            });
            let template = match literal {
                Some(literal) => {
                    let parsed = interpolate::parse(literal, self.db, &mut self.diagnostics);
                    paths.extend(parsed.paths);
                    parsed.template
                }
                None => ir::template::escape(&value),
            };
            out.insert(lang, template);
        }
        if !paths.is_empty() {
            self.templates.push(PendingTemplate { node: node.to_vec(), slot, scope: scope.to_vec(), boundary, paths });
        }
        out
    }

    /// Registers an expression to lower once the tree is complete; returns its placeholder.
    pub(super) fn defer(
        &mut self,
        expr: Option<&'a ast::Expr>,
        node: &[String],
        slot: Slot,
        scope: &[String],
        boundary: usize,
    ) -> Option<ir::Expr> {
        let expr = expr?;
        self.pending.push(Pending { node: node.to_vec(), slot, scope: scope.to_vec(), boundary, expr });
        Some(placeholder())
    }

    #[allow(clippy::too_many_arguments)]
    fn field(
        &mut self,
        file: FileId,
        name: &ast::Ident,
        ty: &ast::FieldTypeAst,
        label: Option<&ast::Text>,
        flag: Option<(Flag, Span)>,
        body: Option<&'a ast::Block>,
        path: &[String],
        boundary: usize,
    ) -> Option<Item> {
        let stmts = body.map(|b| b.stmts.as_slice()).unwrap_or_default();
        let props = props::collect(stmts, Context::Field, &mut self.diagnostics);
        let node = child(path, &name.name);
        let label_text = label.or(props.label);
        let label = self.label(label, &props, None, name);
        let label = self.template(label_text, label, &node, TextSlot::Label, path, boundary);
        let hint = props.hint.map(|h| {
            let lowered = self.langs.lower(h, &mut self.diagnostics);
            self.template(Some(h), lowered, &node, TextSlot::Hint, path, boundary)
        });
        let ty = match ty {
            // A file field with `count` takes several files.
            ast::FieldTypeAst::Simple(ident) => match field::simple_type(&ident.name)? {
                ir::FieldType::File if props.count.is_some() => ir::FieldType::Files,
                simple => simple,
            },
            ast::FieldTypeAst::Choice { list, multiple } => {
                let codelist = self.use_codelist(file, list)?;
                if *multiple {
                    ir::FieldType::MultipleChoice { codelist }
                } else {
                    ir::FieldType::Choice { codelist }
                }
            }
        };
        // `must be true` is read apart from `required`/`optional`, which it implies.
        let (flag, must_flag) = match flag {
            Some((Flag::MustBeTrue, span)) => (None, Some(span)),
            other => (other, None),
        };
        let must = confirm::must_be_true(must_flag, &props, &ty, &mut self.diagnostics);
        let computed = props.value.and_then(|(expr, span)| {
            self.computed_field(expr, span, &ty, flag, must_flag, &props, &node, path, boundary)
        });
        let mut required = self.requirement(flag, &props, &node, path, boundary);
        let visible = self.defer(props.visible, &node, Slot::Visible, path, boundary);
        let mut constraints = field::constraints(&ty, &props, &self.langs, &mut self.diagnostics);
        let most_files = ty == ir::FieldType::Files && constraints.max_count == Some(field::MAX_FILES as u32);
        let fim = props.fim.and_then(|f| self.fim_of(f, fim::Place::Element, most_files));
        let autocomplete = props.autocomplete.and_then(|t| field::autocomplete(t, &ty, &mut self.diagnostics));
        let mut control = props.control.and_then(|c| field::control(c, &ty, &mut self.diagnostics));
        match must {
            Some(span) => {
                let optional = match flag {
                    Some((Flag::Optional, span)) => Some(span),
                    _ => props.optional,
                };
                confirm::lower(span, optional, &props, &mut required, &mut control, &mut self.diagnostics);
                constraints.must_be_true = true;
            }
            None => confirm::warn_unconfirmed(name, &ty, &required, control, &props, &mut self.diagnostics),
        }
        if let Some((codes, span)) = props.exclusive {
            constraints.exclusive = self.exclusive(codes, span, &ty);
        }
        let default = props.default.and_then(|value| self.default(value, &ty, &constraints, &node));
        let prefill = props
            .prefill
            .and_then(|(source, locked, span)| field::prefill(source, locked, span, &ty, &mut self.diagnostics));
        let unit = props.unit.filter(|u| field::unit(u, &ty, &mut self.diagnostics));
        let unit = unit.map(|u| self.langs.lower(u, &mut self.diagnostics));
        let required_message = props.required_message.map(|m| self.langs.lower(m, &mut self.diagnostics));
        Some(Item::Field(ir::Field {
            name: name.name.clone(),
            label,
            hint,
            ty,
            required,
            required_message,
            visible,
            constraints,
            fim,
            autocomplete,
            control,
            unit,
            default,
            prefill,
            computed,
        }))
    }

    /// `within path` of a field (on its line or in its block): checked that the field is a
    /// single choice of a list with parents, and resolved once the tree is complete.
    fn within(
        &mut self,
        item: Option<&Item>,
        inline: Option<&'a ast::Path>,
        body: Option<&'a ast::Block>,
        path: &[String],
        boundary: usize,
    ) {
        let stmts = body.map(|b| b.stmts.as_slice()).unwrap_or_default();
        let in_block = stmts.iter().find_map(|stmt| match &stmt.kind {
            StmtKind::Within { path, prefix } => Some((path, prefix.as_ref(), stmt.span)),
            _ => None,
        });
        if let (Some(first), Some((_, _, second))) = (inline, in_block) {
            self.diagnostics.push(
                Diagnostic::new(Code::DuplicateProperty, "`within` is given twice", second, "second time")
                    .with_note(first.span, "first given here")
                    .with_help("keep one `within`"),
            );
            return;
        }
        if let Some((_, Some(prefix), _)) = in_block {
            self.diagnostics.push(
                Diagnostic::new(Code::InvalidWithin, "`by prefix` belongs to a code list", prefix.span, "not for a field")
                    .with_help("a field names only the answer that filters it: `within bundesland`; the list says how its codes find their parents"),
            );
            return;
        }
        let Some((target, span)) = inline.map(|p| (p, p.span)).or(in_block.map(|(p, _, s)| (p, s))) else { return };
        let Some(Item::Field(field)) = item else { return };
        let list = match &field.ty {
            ir::FieldType::Choice { codelist } => codelist,
            ir::FieldType::MultipleChoice { .. } => {
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::InvalidWithin,
                        "a multiple choice cannot be filtered by another answer",
                        span,
                        "on a multiple choice",
                    )
                    .with_help("make the field a single choice (`choice of …`), or remove `within`"),
                );
                return;
            }
            _ => {
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::InvalidWithin,
                        "only a choice can be filtered by another answer",
                        span,
                        "not a choice",
                    )
                    .with_help("`within` belongs to `field x: choice of List within other`"),
                );
                return;
            }
        };
        if self.codelists.get(list).is_some_and(|(_, l)| l.within.is_none()) {
            self.diagnostics.push(
                Diagnostic::new(
                    Code::InvalidWithin,
                    format!("the codes of `{list}` have no parents, so no answer can filter them"),
                    span,
                    "list without parents",
                )
                .with_help(format!(
                    "say in `codelist {list}` which list holds the parents: `within Bundesland by prefix 2`"
                )),
            );
            return;
        }
        self.withins.push(PendingWithin {
            node: child(path, &field.name),
            scope: path.to_vec(),
            boundary,
            path: target,
        });
    }

    /// `exclusive "…"`: codes of the field's multiple choice, each once.
    fn exclusive(&mut self, codes: &[ast::StringLit], span: Span, ty: &ir::FieldType) -> Vec<String> {
        let ir::FieldType::MultipleChoice { codelist: list } = ty else {
            self.diagnostics.push(
                Diagnostic::new(
                    Code::NotApplicable,
                    "`exclusive` applies only to multiple choice fields",
                    span,
                    "not applicable",
                )
                .with_help("a single choice or a yes/no question excludes other answers already"),
            );
            return Vec::new();
        };
        let known = self.codelists.get(list).map_or(&[][..], |(_, list)| list.codes.as_slice());
        let mut out: Vec<String> = Vec::new();
        for literal in codes {
            if !known.iter().any(|c| c.code == literal.value) {
                self.diagnostics.push(codelist::unknown_code(list, known, &literal.value, literal.span));
            } else if out.contains(&literal.value) {
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::DuplicateProperty,
                        format!("\"{}\" is named twice", literal.value),
                        literal.span,
                        "named again",
                    )
                    .with_help("name each exclusive code once"),
                );
            } else {
                out.push(literal.value.clone());
            }
        }
        out
    }

    pub(super) fn requirement(
        &mut self,
        flag: Option<(Flag, Span)>,
        props: &Props<'a>,
        node: &[String],
        path: &[String],
        boundary: usize,
    ) -> Requirement {
        let mut required: Option<(Option<&'a ast::Expr>, Span)> = props.required;
        let mut optional = props.optional;
        match flag {
            Some((Flag::Required, span)) => {
                if let Some((_, block_span)) = required {
                    self.diagnostics.push(
                        Diagnostic::new(
                            Code::DuplicateProperty,
                            "`required` is given twice",
                            block_span,
                            "second time",
                        )
                        .with_note(span, "first given here")
                        .with_help("keep one `required`"),
                    );
                } else {
                    required = Some((None, span));
                }
            }
            Some((Flag::Optional, span)) => {
                if optional.is_some() {
                    self.diagnostics.push(
                        Diagnostic::new(Code::DuplicateProperty, "`optional` is given twice", span, "second time")
                            .with_help("keep one `optional`"),
                    );
                }
                optional = Some(span);
            }
            Some((Flag::MustBeTrue, span)) => self.diagnostics.push(
                Diagnostic::new(
                    Code::NotApplicable,
                    "`must be true` applies only to boolean fields",
                    span,
                    "not a boolean field",
                )
                .with_help("write `required` or `optional` here, and `must be true` on the boolean fields inside"),
            ),
            None => {}
        }
        match (required, optional) {
            (Some((_, required_span)), Some(optional_span)) => {
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::ConflictingProperties,
                        format!("`{}` is marked both required and optional", node.last().map_or("", String::as_str)),
                        optional_span,
                        "optional",
                    )
                    .with_note(required_span, "required")
                    .with_help("keep the one you mean; use `required when …` for fields required only sometimes"),
                );
                Requirement::Never
            }
            (Some((None, _)), None) => Requirement::Always,
            (Some((Some(expr), _)), None) => {
                self.pending.push(Pending {
                    node: node.to_vec(),
                    slot: Slot::Required,
                    scope: path.to_vec(),
                    boundary,
                    expr,
                });
                Requirement::When(placeholder())
            }
            (None, _) => Requirement::Never,
        }
    }

    fn use_codelist(&mut self, file: FileId, list: &ast::Ident) -> Option<String> {
        let def = self.defs.lookup(file, list, DefKind::Codelist, &mut self.diagnostics)?;
        let name = def.name.name.clone();
        self.spans.codelists.insert(name.clone(), def.name.span);
        if let Some((existing_file, _)) = self.codelists.get(&name) {
            if *existing_file != def.file {
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::AmbiguousName,
                        format!("this form uses two different code lists named `{name}`"),
                        list.span,
                        "second list of this name",
                    )
                    .with_help("rename one of the code lists; names of code lists must be unique within a form"),
                );
                return None;
            }
            return Some(name);
        }
        if let Some(decl) = codelist::Decl::of(def.stmt) {
            let module = self.db.get(def.file).module.clone();
            let mut lowered = codelist::lower(&decl, &module, &self.langs, self.library, &mut self.diagnostics);
            match codelist::within_of(&decl) {
                Some((parent, prefix, span)) => {
                    self.codelist_parents(def.file, &decl, &mut lowered, parent, prefix, span)
                }
                None => codelist::stray_parents(&decl, &mut self.diagnostics),
            }
            self.codelists.insert(name.clone(), (def.file, lowered));
        }
        Some(name)
    }

    /// `within Parent [by prefix N]` of a code list: lowers the parent list into the form
    /// (a list cannot be its own ancestor) and gives every code its parent there.
    fn codelist_parents(
        &mut self,
        file: FileId,
        decl: &codelist::Decl,
        list: &mut ir::CodeList,
        parent: &ast::Path,
        prefix: Option<&ast::IntLit>,
        span: Span,
    ) {
        let [parent_name] = parent.segments.as_slice() else {
            self.diagnostics.push(
                Diagnostic::new(
                    Code::InvalidCodeParent,
                    "the parent of a code list is a code list",
                    parent.span,
                    "a path",
                )
                .with_help("name the list of the parents: `within Bundesland`"),
            );
            return;
        };
        self.resolving.push(decl.name.name.clone());
        let cycle = self.resolving.contains(&parent_name.name);
        let resolved = if cycle { None } else { self.use_codelist(file, parent_name) };
        self.resolving.pop();
        if cycle {
            self.diagnostics.push(
                Diagnostic::new(
                    Code::InvalidCodeParent,
                    format!("code list `{}` would be its own ancestor", decl.name.name),
                    parent.span,
                    "parent list in a circle",
                )
                .with_help("the parents of a list form a hierarchy: Bundesland ← Kreis ← Gemeinde, never back"),
            );
            return;
        }
        let Some(resolved) = resolved else { return };
        let Some((_, parent_list)) = self.codelists.get(&resolved) else { return };
        let parent_list = parent_list.clone();
        codelist::resolve_parents(decl, list, &parent_list, prefix, span, &mut self.diagnostics);
    }
}

pub(super) fn child(path: &[String], name: &str) -> ir::Path {
    let mut node = path.to_vec();
    node.push(name.to_string());
    node
}

/// Stands in for an expression until `resolve_expressions` replaces it.
pub(super) fn placeholder() -> ir::Expr {
    ir::Expr::Literal { value: ir::Literal::Bool(true) }
}

/// Whether a group must be present: it holds a field, group or repeat that is always
/// required and always visible.
pub(super) fn contains_always_required(items: &[Item]) -> bool {
    items.iter().any(|item| match item {
        Item::Field(f) => f.required == Requirement::Always && f.visible.is_none(),
        Item::Group(g) => g.required == Requirement::Always && g.visible.is_none(),
        Item::Repeat(r) => r.min > 0 && r.visible.is_none(),
        Item::Info(_) => false,
    })
}

/// Whether `version` is a version (one to three numbers); reports it otherwise.
pub(super) fn check_version(version: &ast::StringLit, diagnostics: &mut Vec<Diagnostic>) -> bool {
    let parts: Vec<&str> = version.value.split('.').collect();
    let valid =
        (1..=3).contains(&parts.len()) && parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    if !valid {
        diagnostics.push(
            Diagnostic::new(
                Code::InvalidLiteral,
                format!("\"{}\" is not a version", version.value),
                version.span,
                "invalid version",
            )
            .with_help("write a version such as \"1.0.0\" (one to three numbers separated by dots)"),
        );
    }
    valid
}
