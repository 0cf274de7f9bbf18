//! Lowering one form: AST → IR. Builds the data tree first (fields, groups, repeats, pages),
//! then resolves every expression against the finished tree, then checks what needs both
//! (unsatisfiable conditions).
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

use super::defs::{DefKind, Defs};
use super::expr::{Lowerer, Scope};
use super::props::{self, Context, Props};
use super::text::{Languages, SUPPORTED};
use super::tree::{self, Tree};
use super::{codelist, field, names, satisfiable};
use crate::diag::{Code, Diagnostic};
use crate::ir::{self, Item, Requirement};
use crate::source::{FileId, SourceDb, Span};
use crate::syntax::ast::{self, Flag, Stmt, StmtKind};

/// Where a pending expression goes once it is lowered.
#[derive(Clone, Copy, Debug)]
enum Slot {
    Visible,
    Required,
    PageVisible(usize),
}

struct Pending<'a> {
    node: ir::Path,
    slot: Slot,
    scope: ir::Path,
    boundary: usize,
    expr: &'a ast::Expr,
}

struct PendingRule<'a> {
    name: String,
    scope: ir::Path,
    boundary: usize,
    check: &'a ast::Expr,
    at: Option<&'a ast::Path>,
    message: ir::Text,
}

/// State while lowering one form (or one module checked on its own).
pub struct FormLowering<'a, 'd> {
    defs: &'d Defs<'a>,
    db: &'d SourceDb,
    langs: Languages,
    pub diagnostics: Vec<Diagnostic>,
    codelists: BTreeMap<String, (FileId, ir::CodeList)>,
    group_types: BTreeMap<String, ir::GroupType>,
    pending: Vec<Pending<'a>>,
    rules: Vec<PendingRule<'a>>,
    rule_names: BTreeMap<String, Span>,
    /// Group types being expanded, to detect recursion.
    type_stack: Vec<(FileId, String)>,
}

impl<'a, 'd> FormLowering<'a, 'd> {
    pub fn new(defs: &'d Defs<'a>, db: &'d SourceDb, langs: Languages) -> Self {
        FormLowering {
            defs,
            db,
            langs,
            diagnostics: Vec::new(),
            codelists: BTreeMap::new(),
            group_types: BTreeMap::new(),
            pending: Vec::new(),
            rules: Vec::new(),
            rule_names: BTreeMap::new(),
            type_stack: Vec::new(),
        }
    }

    /// Lowers a whole form declared in `file`.
    pub fn form(
        mut self,
        file: FileId,
        decl: &'a ast::FormDecl,
    ) -> (Option<ir::Form>, Vec<Diagnostic>) {
        names::check_ascii(&decl.name, &mut self.diagnostics);
        let props = props::collect(&decl.body.stmts, Context::Form, &mut self.diagnostics);
        let languages = self.languages(&props, decl);
        self.langs = Languages(Some(languages.clone()));
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
        let description = props
            .description
            .map(|d| self.langs.lower(d, &mut self.diagnostics));
        let version = match props.version {
            Some(v) => {
                check_version(v, &mut self.diagnostics);
                v.value.clone()
            }
            None => {
                self.missing(
                    decl.name.span,
                    "the form has no `version`",
                    "add `version \"1.0.0\"`",
                );
                String::new()
            }
        };
        let fim = props.fim.and_then(|f| self.fim(f));
        // Code lists declared inside the form body are definitions of the file (see defs).
        let mut seen = BTreeMap::new();
        let sections: Vec<&Stmt> = props
            .members
            .iter()
            .copied()
            .filter(|s| matches!(s.kind, StmtKind::Section { .. }))
            .collect();
        let mut pages = Vec::new();
        if sections.is_empty() {
            let items = self.members(file, &props.members, &[], 0, &mut seen);
            pages.push(ir::Page {
                name: None,
                title: None,
                hint: None,
                visible: None,
                items,
            });
        } else {
            for member in &props.members {
                match member.kind {
                    StmtKind::Section { .. }
                    | StmtKind::Rule { .. }
                    | StmtKind::Codelist { .. } => {}
                    _ => self.diagnostics.push(props::member_outside_section(member)),
                }
            }
            let rules: Vec<&Stmt> = props
                .members
                .iter()
                .copied()
                .filter(|s| matches!(s.kind, StmtKind::Rule { .. }))
                .collect();
            self.members(file, &rules, &[], 0, &mut seen);
            for section in sections {
                let index = pages.len();
                if let Some(page) = self.section(file, section, index, &mut seen) {
                    pages.push(page);
                }
            }
        }
        let rules = self.resolve_expressions(&mut pages);
        let form = ir::Form {
            ir_version: ir::VERSION,
            id: decl.name.name.clone(),
            version,
            languages,
            title,
            description,
            fim,
            pages,
            rules,
            codelists: self
                .codelists
                .into_iter()
                .map(|(name, (_, list))| (name, list))
                .collect(),
            group_types: self.group_types,
        };
        (Some(form), self.diagnostics)
    }

    /// Checks the definitions of a file on their own (for modules no form uses yet).
    pub fn definitions(mut self, file: FileId) -> Vec<Diagnostic> {
        let defs: Vec<_> = self.defs.own(file).copied().collect();
        let mut pages = Vec::new();
        for def in defs {
            match def.kind {
                DefKind::Codelist => {
                    if let StmtKind::Codelist { name, label, body } = &def.stmt.kind {
                        let module = self.db.get(def.file).module.clone();
                        codelist::lower(
                            name,
                            label.as_ref(),
                            body.as_ref(),
                            &module,
                            &self.langs,
                            &mut self.diagnostics,
                        );
                    }
                }
                DefKind::GroupType => {
                    // Check the type as the only member of an otherwise empty form.
                    let mut seen = BTreeMap::new();
                    let instance = ast::Ident {
                        name: def.name.name.clone(),
                        span: def.name.span,
                    };
                    let items = self.instance(
                        def.file,
                        &instance,
                        def.name,
                        None,
                        None,
                        &[],
                        &mut seen,
                        false,
                    );
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
            pages.clear();
            self.pending.clear();
        }
        self.diagnostics
    }

    fn missing(&mut self, span: Span, message: &str, help: &str) {
        self.diagnostics
            .push(Diagnostic::new(Code::MissingProperty, message, span, "missing").with_help(help));
    }

    fn languages(&mut self, props: &Props, decl: &ast::FormDecl) -> Vec<String> {
        let Some((idents, _)) = props.languages else {
            self.missing(
                decl.name.span,
                "the form has no `languages`",
                "add `languages de, en` (German first)",
            );
            return vec!["de".to_string()];
        };
        let mut languages: Vec<String> = Vec::new();
        for ident in idents {
            if !SUPPORTED.contains(&ident.name.as_str()) {
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::UnknownLanguage,
                        format!("language `{}` is not supported", ident.name),
                        ident.span,
                        "unsupported",
                    )
                    .with_help(format!(
                        "Formwerk has messages for {}",
                        SUPPORTED.join(", ")
                    )),
                );
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
                languages.push(ident.name.clone());
            }
        }
        if languages.is_empty() {
            languages.push("de".to_string());
        }
        languages
    }

    fn fim(
        &mut self,
        (id, version): (&ast::StringLit, Option<&ast::StringLit>),
    ) -> Option<ir::FimRef> {
        let value = id.value.as_str();
        let mut chars = value.chars();
        let valid = matches!(chars.next(), Some('S' | 'G' | 'F' | 'C' | 'D' | 'R' | 'V'))
            && value.len() >= 6
            && chars.all(|c| c.is_ascii_digit());
        if !valid {
            self.diagnostics.push(
                Diagnostic::new(Code::InvalidLiteral, format!("\"{value}\" is not a FIM id"), id.span, "invalid FIM id")
                    .with_help("FIM ids are a letter (S schema, G group, F field, C code list, R rule) and digits, e.g. \"F60000227\""),
            );
            return None;
        }
        if let Some(version) = version {
            check_version(version, &mut self.diagnostics);
        }
        Some(ir::FimRef {
            id: value.to_string(),
            version: version.map(|v| v.value.clone()),
        })
    }

    fn label(
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
                    &format!(
                        "write the label after the name: `{} … \"Bezeichnung\" en \"Label\"`",
                        name.name
                    ),
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
        let stmts = body
            .as_ref()
            .map(|b| b.stmts.as_slice())
            .unwrap_or_default();
        let props = props::collect(stmts, Context::Section, &mut self.diagnostics);
        let title = self.label(label.as_ref(), &props, None, name);
        let hint = props
            .hint
            .map(|h| self.langs.lower(h, &mut self.diagnostics));
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
        Some(ir::Page {
            name: Some(name.name.clone()),
            title: Some(title),
            hint,
            visible,
            items,
        })
    }

    /// Lowers the members of one object (`path`); `seen` holds the names already used in it.
    fn members(
        &mut self,
        file: FileId,
        members: &[&'a Stmt],
        path: &[String],
        boundary: usize,
        seen: &mut BTreeMap<String, Span>,
    ) -> Vec<Item> {
        let mut items = Vec::new();
        for stmt in members {
            let name = match &stmt.kind {
                StmtKind::Field { name, .. }
                | StmtKind::Group { name, .. }
                | StmtKind::Repeat { name, .. }
                | StmtKind::Info { name, .. } => name,
                StmtKind::Rule { name, body } => {
                    self.rule(name, body, path, boundary);
                    continue;
                }
                _ => continue,
            };
            names::check_ascii(name, &mut self.diagnostics);
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
            let item = match &stmt.kind {
                StmtKind::Field {
                    name,
                    ty,
                    label,
                    flag,
                    body,
                } => self.field(
                    file,
                    name,
                    ty,
                    label.as_ref(),
                    *flag,
                    body.as_ref(),
                    path,
                    boundary,
                ),
                StmtKind::Group {
                    name,
                    ty: Some(ty),
                    label,
                    body,
                } => self.instance(
                    file,
                    name,
                    ty,
                    label.as_ref(),
                    body.as_ref(),
                    path,
                    &mut BTreeMap::new(),
                    false,
                ),
                StmtKind::Repeat {
                    name,
                    ty: Some(ty),
                    label,
                    body,
                    count,
                } => {
                    let mut item = self.instance(
                        file,
                        name,
                        ty,
                        label.as_ref(),
                        body.as_ref(),
                        path,
                        &mut BTreeMap::new(),
                        true,
                    );
                    if let Some(Item::Repeat(repeat)) = &mut item {
                        self.count(repeat, count.as_ref());
                    }
                    item
                }
                StmtKind::Group {
                    name,
                    ty: None,
                    label,
                    body,
                } => self.group(
                    file,
                    name,
                    label.as_ref(),
                    body.as_ref(),
                    Context::Group,
                    None,
                    None,
                    path,
                    boundary,
                ),
                StmtKind::Repeat {
                    name,
                    ty: None,
                    label,
                    body,
                    count,
                } => {
                    let mut item = self.group(
                        file,
                        name,
                        label.as_ref(),
                        body.as_ref(),
                        Context::Repeat,
                        None,
                        None,
                        path,
                        boundary,
                    );
                    if let Some(Item::Repeat(repeat)) = &mut item {
                        self.count(repeat, count.as_ref());
                    }
                    item
                }
                StmtKind::Info { name, text, body } => {
                    let stmts = body
                        .as_ref()
                        .map(|b| b.stmts.as_slice())
                        .unwrap_or_default();
                    let props = props::collect(stmts, Context::Info, &mut self.diagnostics);
                    let node = child(path, &name.name);
                    let visible = self.defer(props.visible, &node, Slot::Visible, path, boundary);
                    let text = self.langs.lower(text, &mut self.diagnostics);
                    Some(Item::Info(ir::Info {
                        name: name.name.clone(),
                        text,
                        visible,
                    }))
                }
                _ => None,
            };
            items.extend(item);
        }
        items
    }

    /// Registers an expression to lower once the tree is complete; returns its placeholder.
    fn defer(
        &mut self,
        expr: Option<&'a ast::Expr>,
        node: &[String],
        slot: Slot,
        scope: &[String],
        boundary: usize,
    ) -> Option<ir::Expr> {
        let expr = expr?;
        self.pending.push(Pending {
            node: node.to_vec(),
            slot,
            scope: scope.to_vec(),
            boundary,
            expr,
        });
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
        let label = self.label(label, &props, None, name);
        let hint = props
            .hint
            .map(|h| self.langs.lower(h, &mut self.diagnostics));
        let ty = match ty {
            ast::FieldTypeAst::Simple(ident) => field::simple_type(&ident.name)?,
            ast::FieldTypeAst::Choice { list, multiple } => {
                let codelist = self.use_codelist(file, list)?;
                if *multiple {
                    ir::FieldType::MultipleChoice { codelist }
                } else {
                    ir::FieldType::Choice { codelist }
                }
            }
        };
        let node = child(path, &name.name);
        let required = self.requirement(flag, &props, &node, path, boundary);
        let visible = self.defer(props.visible, &node, Slot::Visible, path, boundary);
        let constraints = field::constraints(&ty, &props, &self.langs, &mut self.diagnostics);
        let fim = props.fim.and_then(|f| self.fim(f));
        let autocomplete = props
            .autocomplete
            .and_then(|t| field::autocomplete(t, &ty, &mut self.diagnostics));
        let control = props
            .control
            .and_then(|c| field::control(c, &ty, &mut self.diagnostics));
        Some(Item::Field(ir::Field {
            name: name.name.clone(),
            label,
            hint,
            ty,
            required,
            visible,
            constraints,
            fim,
            autocomplete,
            control,
        }))
    }

    fn requirement(
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
                        Diagnostic::new(
                            Code::DuplicateProperty,
                            "`optional` is given twice",
                            span,
                            "second time",
                        )
                        .with_help("keep one `optional`"),
                    );
                }
                optional = Some(span);
            }
            None => {}
        }
        match (required, optional) {
            (Some((_, required_span)), Some(optional_span)) => {
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::ConflictingProperties,
                        "the field is marked both required and optional",
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
        let def = self
            .defs
            .lookup(file, list, DefKind::Codelist, &mut self.diagnostics)?;
        let name = def.name.name.clone();
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
        if let StmtKind::Codelist {
            name: ident,
            label,
            body,
        } = &def.stmt.kind
        {
            let module = self.db.get(def.file).module.clone();
            let lowered = codelist::lower(
                ident,
                label.as_ref(),
                body.as_ref(),
                &module,
                &self.langs,
                &mut self.diagnostics,
            );
            self.codelists.insert(name.clone(), (def.file, lowered));
        }
        Some(name)
    }

    /// A group or repeat written out with its members (also the body of a group type).
    #[allow(clippy::too_many_arguments)]
    fn group(
        &mut self,
        file: FileId,
        name: &ast::Ident,
        label: Option<&ast::Text>,
        body: Option<&'a ast::Block>,
        context: Context,
        type_def: Option<(&'a ast::Block, Option<ir::Text>, String)>,
        instance_props: Option<&Props<'a>>,
        path: &[String],
        boundary: usize,
    ) -> Option<Item> {
        let node = child(path, &name.name);
        let own_stmts = body.map(|b| b.stmts.as_slice()).unwrap_or_default();
        let props = match instance_props {
            Some(_) => Props::default(),
            None => props::collect(own_stmts, context, &mut self.diagnostics),
        };
        let props = instance_props.unwrap_or(&props);
        let (members, type_label, of, member_boundary) = match &type_def {
            Some((def_body, def_label, of)) => {
                let def_props =
                    props::collect(&def_body.stmts, Context::Group, &mut self.diagnostics);
                (
                    def_props.members,
                    def_label.clone(),
                    Some(of.clone()),
                    node.len(),
                )
            }
            None => (props.members.clone(), None, None, boundary),
        };
        let is_repeat = matches!(context, Context::Repeat | Context::RepeatInstance);
        // For a repeat of a shared type, the type's label names one item ("Kind").
        let label = if is_repeat {
            self.label(label, props, None, name)
        } else {
            self.label(label, props, type_label.clone(), name)
        };
        let hint = props
            .hint
            .map(|h| self.langs.lower(h, &mut self.diagnostics));
        let fim = props.fim.and_then(|f| self.fim(f));
        let visible = self.defer(props.visible, &node, Slot::Visible, path, boundary);
        let items = self.members(file, &members, &node, member_boundary, &mut BTreeMap::new());
        if is_repeat {
            let item_label = match (props.item, type_label) {
                (Some(item), _) => self.langs.lower(item, &mut self.diagnostics),
                (None, Some(type_label)) => type_label,
                (None, None) => {
                    self.missing(
                        name.span,
                        &format!("repeat `{}` has no `item` label", name.name),
                        "name one item, e.g. `item \"Kind\" en \"Child\"`; it is shown as \"Kind 1\", \"Kind 2\", …",
                    );
                    ir::Text::new()
                }
            };
            return Some(Item::Repeat(ir::Repeat {
                name: name.name.clone(),
                label,
                item_label,
                hint,
                of,
                min: 0,
                max: None,
                visible,
                fim,
                items,
            }));
        }
        let required = match self.requirement(None, props, &node, path, boundary) {
            Requirement::Never if props.optional.is_none() && contains_always_required(&items) => {
                Requirement::Always
            }
            other => other,
        };
        Some(Item::Group(ir::Group {
            name: name.name.clone(),
            label,
            hint,
            of,
            required,
            visible,
            fim,
            items,
        }))
    }

    /// A group or repeat that is an instance of a shared group type.
    #[allow(clippy::too_many_arguments)]
    fn instance(
        &mut self,
        file: FileId,
        name: &ast::Ident,
        ty: &ast::Ident,
        label: Option<&ast::Text>,
        body: Option<&'a ast::Block>,
        path: &[String],
        _seen: &mut BTreeMap<String, Span>,
        is_repeat: bool,
    ) -> Option<Item> {
        let def = self
            .defs
            .lookup(file, ty, DefKind::GroupType, &mut self.diagnostics)?;
        let key = (def.file, def.name.name.clone());
        if self.type_stack.contains(&key) {
            let chain: Vec<&str> = self.type_stack.iter().map(|(_, n)| n.as_str()).collect();
            self.diagnostics.push(
                Diagnostic::new(
                    Code::RecursiveGroup,
                    format!(
                        "group type `{}` contains itself ({} → {})",
                        def.name.name,
                        chain.join(" → "),
                        def.name.name
                    ),
                    ty.span,
                    "recursive use",
                )
                .with_note(def.name.span, "type defined here")
                .with_help("define a separate, smaller type for the inner group"),
            );
            return None;
        }
        let StmtKind::Group {
            label: def_label,
            body: def_body,
            ..
        } = &def.stmt.kind
        else {
            return None;
        };
        let empty_block: &'a ast::Block = match def_body {
            Some(b) => b,
            None => {
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::MissingProperty,
                        format!("group type `{}` has no members", def.name.name),
                        def.name.span,
                        "empty type",
                    )
                    .with_help(
                        "write its fields in a block: `group Person \"Person\" { field … }`",
                    ),
                );
                return None;
            }
        };
        let def_label_text = def_label
            .as_ref()
            .map(|t| self.langs.lower(t, &mut self.diagnostics));
        let def_props = props::collect(&empty_block.stmts, Context::Group, &mut Vec::new());
        let def_fim = def_props.fim.and_then(|f| self.fim(f));
        if def_label_text.is_none() {
            self.missing(
                def.name.span,
                &format!("group type `{}` has no label", def.name.name),
                "write the label after the name",
            );
        }
        let module = self.db.get(def.file).module.clone();
        self.group_types.insert(
            def.name.name.clone(),
            ir::GroupType {
                name: def.name.name.clone(),
                module,
                label: def_label_text.clone().unwrap_or_default(),
                fim: def_fim.clone(),
            },
        );
        let context = if is_repeat {
            Context::RepeatInstance
        } else {
            Context::GroupInstance
        };
        let stmts = body.map(|b| b.stmts.as_slice()).unwrap_or_default();
        let instance_props = props::collect(stmts, context, &mut self.diagnostics);
        self.type_stack.push(key);
        let mut item = self.group(
            def.file,
            name,
            label,
            None,
            context,
            Some((empty_block, def_label_text, def.name.name.clone())),
            Some(&instance_props),
            path,
            path.len(),
        );
        self.type_stack.pop();
        // The type's own FIM id applies unless the instance names one.
        match &mut item {
            Some(Item::Group(g)) if g.fim.is_none() => g.fim = def_fim,
            Some(Item::Repeat(r)) if r.fim.is_none() => r.fim = def_fim,
            _ => {}
        }
        let _ = file;
        item
    }

    fn count(&mut self, repeat: &mut ir::Repeat, range: Option<&ast::IntRange>) {
        let Some(range) = range else { return };
        let to_u32 = |value: u64| u32::try_from(value).unwrap_or(u32::MAX);
        repeat.min = range.min.map_or(0, |m| to_u32(m.value));
        repeat.max = range.max.map(|m| to_u32(m.value));
        match repeat.max {
            Some(max) if repeat.min > max => self.diagnostics.push(
                Diagnostic::new(
                    Code::ContradictoryBounds,
                    format!(
                        "repeat `{}` needs at least {} but at most {max} items",
                        repeat.name, repeat.min
                    ),
                    range.span,
                    "no count fits",
                )
                .with_help(format!("write `{max}..{}`", repeat.min)),
            ),
            Some(0) => self.diagnostics.push(
                Diagnostic::new(
                    Code::ContradictoryBounds,
                    format!("repeat `{}` allows no items", repeat.name),
                    range.span,
                    "at most 0",
                )
                .with_help("a repeat group needs a maximum of at least 1"),
            ),
            _ => {}
        }
    }

    fn rule(&mut self, name: &ast::Ident, body: &'a ast::Block, path: &[String], boundary: usize) {
        names::check_ascii(name, &mut self.diagnostics);
        let props = props::collect(&body.stmts, Context::Rule, &mut self.diagnostics);
        let message = match props.message {
            Some(m) => self.langs.lower(m, &mut self.diagnostics),
            None => {
                self.missing(
                    name.span,
                    &format!("rule `{}` has no `message`", name.name),
                    "add `message \"…\" en \"…\"` for the citizen",
                );
                ir::Text::new()
            }
        };
        let Some(check) = props.check else {
            self.missing(
                name.span,
                &format!("rule `{}` has no `check`", name.name),
                "add `check <condition that must hold>`",
            );
            return;
        };
        // Rules of a shared group type exist once per instance; names must be unique per form.
        let unique = if boundary > 0 {
            format!("{}.{}", path[..boundary].join("."), name.name)
        } else {
            name.name.clone()
        };
        if let Some(first) = self.rule_names.get(&unique) {
            if *first != name.span {
                self.diagnostics.push(
                    Diagnostic::new(Code::DuplicateName, format!("rule `{}` is declared twice", name.name), name.span, "declared again")
                        .with_note(*first, "first declared here")
                        .with_help("rule names identify violations (`rule:<name>`), so they must be unique in a form"),
                );
                return;
            }
        }
        self.rule_names.insert(unique.clone(), name.span);
        self.rules.push(PendingRule {
            name: unique,
            scope: path.to_vec(),
            boundary,
            check,
            at: props.at,
            message,
        });
    }

    /// Lowers every deferred expression against the finished tree and writes it in place.
    fn resolve_expressions(&mut self, pages: &mut [ir::Page]) -> Vec<ir::Rule> {
        let codelists: BTreeMap<String, ir::CodeList> = self
            .codelists
            .iter()
            .map(|(name, (_, list))| (name.clone(), list.clone()))
            .collect();
        let mut results: Vec<(ir::Path, Slot, Option<ir::Expr>, Span)> = Vec::new();
        let mut rules = Vec::new();
        {
            let tree = Tree { pages };
            let mut lowerer = Lowerer {
                tree,
                codelists: &codelists,
                diagnostics: &mut self.diagnostics,
            };
            for pending in &self.pending {
                let scope = Scope::new(pending.scope.clone(), pending.boundary, &tree);
                let lowered = lowerer.condition(pending.expr, &scope);
                results.push((
                    pending.node.clone(),
                    pending.slot,
                    lowered,
                    pending.expr.span,
                ));
            }
            for rule in &self.rules {
                let scope = Scope::new(rule.scope.clone(), rule.boundary, &tree);
                let check = lowerer.condition(rule.check, &scope);
                let at = match rule.at {
                    Some(path) => lowerer.target(path, &scope),
                    None => Some(rule.scope.clone()),
                };
                if let (Some(check), Some(at)) = (check, at) {
                    rules.push(ir::Rule {
                        name: rule.name.clone(),
                        scope: rule.scope.clone(),
                        check,
                        at,
                        message: rule.message.clone(),
                    });
                }
            }
        }
        let mut required_spans = Vec::new();
        for (node, slot, expr, span) in results {
            let Some(expr) = expr else { continue };
            if let Slot::PageVisible(index) = slot {
                if let Some(page) = pages.get_mut(index) {
                    page.visible = Some(expr);
                }
                continue;
            }
            let Some(item) = tree::node_mut(pages, &node) else {
                continue;
            };
            match (slot, item) {
                (Slot::Visible, Item::Field(f)) => f.visible = Some(expr),
                (Slot::Visible, Item::Group(g)) => g.visible = Some(expr),
                (Slot::Visible, Item::Repeat(r)) => r.visible = Some(expr),
                (Slot::Visible, Item::Info(i)) => i.visible = Some(expr),
                (Slot::Required, Item::Field(f)) => {
                    f.required = Requirement::When(expr);
                    required_spans.push((node, span));
                }
                (Slot::Required, Item::Group(g)) => g.required = Requirement::When(expr),
                _ => {}
            }
        }
        for page in pages.iter_mut() {
            if let Some(condition) = &page.visible {
                for item in &mut page.items {
                    let slot = match item {
                        Item::Field(f) => &mut f.visible,
                        Item::Group(g) => &mut g.visible,
                        Item::Repeat(r) => &mut r.visible,
                        Item::Info(i) => &mut i.visible,
                    };
                    *slot = Some(match slot.take() {
                        None => condition.clone(),
                        Some(own) => ir::Expr::And {
                            operands: vec![condition.clone(), own],
                        },
                    });
                }
            }
        }
        for (node, span) in required_spans {
            let Some(Item::Field(field)) = Tree { pages }.node(&node) else {
                continue;
            };
            let Requirement::When(condition) = &field.required else {
                continue;
            };
            let mut conditions = vec![condition];
            conditions.extend(field.visible.as_ref());
            if satisfiable::never_true(&conditions) {
                let help = if field.visible.is_some() {
                    "the field is required only under a condition that contradicts when it is shown; require it under the condition it is shown under"
                } else {
                    "the condition contradicts itself, so the field would never be required"
                };
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::UnsatisfiableCondition,
                        format!("`{}` can never be required", field.name),
                        span,
                        "never true",
                    )
                    .with_help(help),
                );
            }
        }
        rules
    }
}

fn child(path: &[String], name: &str) -> ir::Path {
    let mut node = path.to_vec();
    node.push(name.to_string());
    node
}

/// Stands in for an expression until `resolve_expressions` replaces it.
fn placeholder() -> ir::Expr {
    ir::Expr::Literal {
        value: ir::Literal::Bool(true),
    }
}

/// Whether a group must be present: it holds a field, group or repeat that is always
/// required and always visible.
fn contains_always_required(items: &[Item]) -> bool {
    items.iter().any(|item| match item {
        Item::Field(f) => f.required == Requirement::Always && f.visible.is_none(),
        Item::Group(g) => g.required == Requirement::Always && g.visible.is_none(),
        Item::Repeat(r) => r.min > 0 && r.visible.is_none(),
        Item::Info(_) => false,
    })
}

fn check_version(version: &ast::StringLit, diagnostics: &mut Vec<Diagnostic>) {
    let parts: Vec<&str> = version.value.split('.').collect();
    let valid = (1..=3).contains(&parts.len())
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    if !valid {
        diagnostics.push(
            Diagnostic::new(
                Code::InvalidLiteral,
                format!("\"{}\" is not a version", version.value),
                version.span,
                "invalid version",
            )
            .with_help(
                "write a version such as \"1.0.0\" (one to three numbers separated by dots)",
            ),
        );
    }
}
