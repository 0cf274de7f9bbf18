//! Definitions and their visibility: the group types and code lists of each file, and which
//! of them a file can see (its own and those of the modules it imports directly).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use super::modules::Program;
use super::names;
use crate::diag::closest;
use crate::diag::{Code, Diagnostic};
use crate::source::FileId;
use crate::syntax::ast::{self, Stmt, StmtKind};

/// What a top-level name stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DefKind {
    GroupType,
    Codelist,
}

/// One top-level definition.
#[derive(Clone, Copy)]
pub struct Def<'a> {
    pub kind: DefKind,
    pub file: FileId,
    pub name: &'a ast::Ident,
    pub stmt: &'a Stmt,
}

/// The definitions of every file, and lookups through imports.
pub struct Defs<'a> {
    by_file: BTreeMap<FileId, BTreeMap<&'a str, Def<'a>>>,
    program: &'a Program,
    /// Imports through which a definition was found, for `unused-import`.
    /// Shared by the forms' lowerings, which run on several threads.
    used_imports: Mutex<BTreeSet<(FileId, usize)>>,
}

impl<'a> Defs<'a> {
    /// Collects the top-level definitions of every file; reports duplicates and non-ASCII names.
    pub fn collect(program: &'a Program, diagnostics: &mut Vec<Diagnostic>) -> Defs<'a> {
        let mut by_file = BTreeMap::new();
        for (file, unit) in &program.units {
            let mut defs: BTreeMap<&str, Def> = BTreeMap::new();
            // Code lists may also be declared inside the form; they are visible in the whole file.
            let form_codelists = unit
                .ast
                .iter()
                .flat_map(|a| a.forms.iter())
                .flat_map(|f| f.body.stmts.iter())
                .filter(|s| matches!(s.kind, StmtKind::Codelist { .. }));
            for stmt in unit.ast.iter().flat_map(|a| a.items.iter()).chain(form_codelists) {
                let (kind, name) = match &stmt.kind {
                    StmtKind::Group { name, .. } => (DefKind::GroupType, name),
                    StmtKind::Codelist { name, .. } => (DefKind::Codelist, name),
                    _ => continue,
                };
                if names::check_ascii(name, diagnostics) {
                    names::check_reserved(name, names::NameKind::Definition, diagnostics);
                }
                if let Some(first) = defs.get(name.name.as_str()) {
                    diagnostics.push(
                        Diagnostic::new(
                            Code::DuplicateName,
                            format!("`{}` is defined twice in this file", name.name),
                            name.span,
                            "defined again here",
                        )
                        .with_note(first.name.span, "first defined here")
                        .with_help("rename one of the definitions"),
                    );
                    continue;
                }
                defs.insert(name.name.as_str(), Def { kind, file: *file, name, stmt });
            }
            by_file.insert(*file, defs);
        }
        Defs { by_file, program, used_imports: Mutex::new(BTreeSet::new()) }
    }

    /// The definitions `name` may stand for as seen from `file`, by the rule of [`Defs::lookup`]:
    /// its own definition if it has one, else every import's (more than one is ambiguous).
    pub fn visible(&self, file: FileId, name: &str) -> Vec<Def<'a>> {
        if let Some(def) = self.by_file.get(&file).and_then(|d| d.get(name)) {
            return vec![*def];
        }
        self.program
            .units
            .get(&file)
            .into_iter()
            .flat_map(|unit| unit.imports.iter())
            .filter_map(|(_, target)| self.by_file.get(&(*target)?)?.get(name).copied())
            .collect()
    }

    /// Every definition visible from `file`: its own, then its imports'.
    pub fn all_visible(&self, file: FileId) -> Vec<Def<'a>> {
        let mut files = vec![file];
        files.extend(self.program.units.get(&file).into_iter().flat_map(|u| u.imports.iter()).filter_map(|(_, t)| *t));
        files.iter().filter_map(|f| self.by_file.get(f)).flat_map(|d| d.values().copied()).collect()
    }

    /// The definitions of one file itself.
    pub fn own(&self, file: FileId) -> impl Iterator<Item = &Def<'a>> {
        self.by_file.get(&file).into_iter().flat_map(|d| d.values())
    }

    /// Looks `name` up as seen from `file`: its own definitions first, then its imports.
    /// Reports `unknown-type` or `ambiguous-name` and returns `None` when it cannot decide.
    pub fn lookup(
        &self,
        file: FileId,
        name: &ast::Ident,
        wanted: DefKind,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<Def<'a>> {
        if let Some(def) = self.by_file.get(&file).and_then(|d| d.get(name.name.as_str())) {
            return self.expect_kind(*def, name, wanted, diagnostics);
        }
        let mut found: Vec<(usize, Def<'a>)> = Vec::new();
        for (index, (_, target)) in self.program.unit(file).imports.iter().enumerate() {
            if let Some(def) = target.and_then(|t| self.by_file.get(&t)).and_then(|d| d.get(name.name.as_str())) {
                found.push((index, *def));
            }
        }
        match found.as_slice() {
            [] => {
                let candidates: Vec<&str> = self.visible_names(file, wanted);
                let mut diagnostic = Diagnostic::new(
                    Code::UnknownType,
                    format!("unknown {} `{}`", describe(wanted), name.name),
                    name.span,
                    "not defined here or in an imported module",
                );
                diagnostic = match closest(&name.name, candidates) {
                    Some(suggestion) => diagnostic.with_help(format!("did you mean `{suggestion}`?")),
                    None => diagnostic.with_help(format!(
                        "define the {} in this file, or `use` the module that defines it",
                        describe(wanted)
                    )),
                };
                diagnostics.push(diagnostic);
                None
            }
            [(index, def)] => {
                self.used_imports.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).insert((file, *index));
                self.expect_kind(*def, name, wanted, diagnostics)
            }
            [(_, first), (_, second), ..] => {
                let modules = [first.file, second.file].map(|f| self.program.unit(f).module.clone());
                diagnostics.push(
                    Diagnostic::new(
                        Code::AmbiguousName,
                        format!("`{}` is defined in both `{}` and `{}`", name.name, modules[0], modules[1]),
                        name.span,
                        "ambiguous",
                    )
                    .with_help("rename one of the definitions, or import only the module you need"),
                );
                None
            }
        }
    }

    fn expect_kind(
        &self,
        def: Def<'a>,
        name: &ast::Ident,
        wanted: DefKind,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<Def<'a>> {
        if def.kind == wanted {
            return Some(def);
        }
        let help = match wanted {
            DefKind::Codelist => format!("`{}` is a group type; use it as `group name: {}`", name.name, name.name),
            DefKind::GroupType => {
                format!("`{}` is a code list; use it as `field name: choice of {}`", name.name, name.name)
            }
        };
        diagnostics.push(
            Diagnostic::new(
                Code::UnknownType,
                format!("`{}` is not a {}", name.name, describe(wanted)),
                name.span,
                format!("expected a {}", describe(wanted)),
            )
            .with_note(def.name.span, "defined here")
            .with_help(help),
        );
        None
    }

    fn visible_names(&self, file: FileId, wanted: DefKind) -> Vec<&'a str> {
        let mut files = vec![file];
        files.extend(self.program.unit(file).imports.iter().filter_map(|(_, t)| *t));
        files
            .iter()
            .filter_map(|f| self.by_file.get(f))
            .flat_map(|defs| defs.iter())
            .filter(|(_, def)| def.kind == wanted)
            .map(|(name, _)| *name)
            .collect()
    }

    /// Warns about `use`s through which nothing was looked up.
    pub fn report_unused_imports(&self, file: FileId, diagnostics: &mut Vec<Diagnostic>) {
        let used = self.used_imports.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        for (index, (use_, target)) in self.program.unit(file).imports.iter().enumerate() {
            if target.is_some() && !used.contains(&(file, index)) {
                diagnostics.push(
                    Diagnostic::new(
                        Code::UnusedImport,
                        format!("nothing from `{}` is used", use_.module()),
                        use_.span,
                        "unused import",
                    )
                    .with_help("remove this `use`"),
                );
            }
        }
    }
}

fn describe(kind: DefKind) -> &'static str {
    match kind {
        DefKind::GroupType => "group type",
        DefKind::Codelist => "code list",
    }
}
