//! Semantic analysis: the only producer of IR. Runs its passes in order and collects every
//! problem of the run instead of stopping at the first.
//!
//! 1. `modules`: parse the given files and what they `use`; unknown modules, import cycles.
//! 2. `defs`: the group types and code lists of each file and their visibility.
//! 3. `lower`: each form to IR (with `props`, `field`, `pattern`, `codelist`, `text`),
//!    then its expressions (`expr`), then unsatisfiable conditions (`satisfiable`).
//! 4. Definitions of every file on their own, so modules no form uses are checked too.
//! 5. Unused imports.

mod codelist;
mod collide;
mod confirm;
mod defs;
mod expr;
mod field;
mod fim;
mod interpolate;
mod lower;
mod modules;
mod names;
mod pattern;
mod props;
mod satisfiable;
mod text;
mod tree;

pub use defs::{Def, DefKind, Defs};
pub use expr::FUNCTION_LIST;
pub use field::{is_file_type, AUTOCOMPLETE_TOKENS, SIMPLE_TYPES};
pub use modules::{Program, Unit};
pub use pattern::portable as portable_pattern;
pub use props::Context;

use std::collections::BTreeMap;

use crate::codelists::Library;
use crate::diag::{self, Code, Diagnostic};
use crate::ir;
use crate::source::{FileId, ModuleLoader, SourceDb, Span};

/// The result of checking: the forms that lowered, and every diagnostic.
pub struct Checked {
    /// Each form with the file it was declared in, in file order.
    pub forms: Vec<(FileId, ir::Form)>,
    /// Sorted by position, duplicates removed.
    pub diagnostics: Vec<Diagnostic>,
    /// Every file of the run as parsed, with where its imports lead: what tools that answer
    /// questions about the source (the language server) walk, so nothing is parsed twice.
    pub program: Program,
}

impl Checked {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Checks `roots` (and every module they import) without external code lists. Forms are
/// returned for the root files only.
pub fn check(db: &mut SourceDb, loader: &dyn ModuleLoader, roots: &[FileId]) -> Checked {
    check_with_codelists(db, loader, &Library::default(), roots)
}

/// Checks `roots` as [`check`] does, resolving `codelist X from "urn" version "v"` in
/// `library` (loaded by the caller: the checker does no I/O).
pub fn check_with_codelists(
    db: &mut SourceDb,
    loader: &dyn ModuleLoader,
    library: &Library,
    roots: &[FileId],
) -> Checked {
    check_with_catalogues(db, loader, library, &crate::catalogue::Project::new(), roots)
}

/// Checks `roots` as [`check_with_codelists`] does, with the project's catalogues
/// `catalogues` (read by the caller) for languages beyond the built-in ones.
pub fn check_with_catalogues(
    db: &mut SourceDb,
    loader: &dyn ModuleLoader,
    library: &Library,
    catalogues: &crate::catalogue::Project,
    roots: &[FileId],
) -> Checked {
    let mut diagnostics = Vec::new();
    let program = modules::load(db, loader, roots, &mut diagnostics);
    let db: &SourceDb = db;
    let defs = defs::Defs::collect(&program, &mut diagnostics);
    let mut form_ids: BTreeMap<String, Span> = BTreeMap::new();
    let mut form_names: Vec<(&str, Span)> = Vec::new();
    // Which declarations become forms is decided in order; they are lowered on every core.
    let mut to_lower = Vec::new();
    for &file in roots {
        let Some(ast) = &program.unit(file).ast else {
            continue;
        };
        for (index, decl) in ast.forms.iter().enumerate() {
            if index > 0 {
                diagnostics.push(
                    Diagnostic::new(
                        Code::MisplacedStatement,
                        "a file may hold only one form",
                        decl.name.span,
                        "second form",
                    )
                    .with_help("put each form into its own file"),
                );
                continue;
            }
            if let Some(first) = form_ids.get(&decl.name.name) {
                diagnostics.push(
                    Diagnostic::new(
                        Code::DuplicateName,
                        format!("form `{}` is declared twice", decl.name.name),
                        decl.name.span,
                        "declared again",
                    )
                    .with_note(*first, "first declared here")
                    .with_help("form names identify the generated files, so they must be unique"),
                );
                continue;
            }
            form_ids.insert(decl.name.name.clone(), decl.name.span);
            form_names.push((&decl.name.name, decl.name.span));
            to_lower.push((file, decl));
        }
    }
    let lowered = crate::parallel::map(0, &to_lower, |&(file, decl)| {
        let lowering = lower::FormLowering::new(&defs, db, library, catalogues, text::Languages(None));
        lowering.form(file, decl)
    });
    let mut forms = Vec::new();
    for ((file, _), (form, mut form_diagnostics)) in to_lower.iter().zip(lowered) {
        diagnostics.append(&mut form_diagnostics);
        forms.extend(form.map(|f| (*file, f)));
    }
    collide::check_form_names(&form_names, &mut diagnostics);
    let modules: Vec<(&str, Span)> = program
        .units
        .iter()
        .filter_map(|(&file, unit)| {
            let first = defs.own(file).map(|def| def.name.span).min_by_key(|span| span.start)?;
            Some((unit.module.as_str(), first))
        })
        .collect();
    collide::check_module_names(&modules, &mut diagnostics);
    for (&file, unit) in &program.units {
        if let Some(ast) = &unit.ast {
            props::collect(&ast.items, props::Context::File, &mut diagnostics);
        }
        let lowering = lower::FormLowering::new(&defs, db, library, catalogues, text::Languages(None));
        diagnostics.append(&mut lowering.definitions(file));
    }
    for &file in program.units.keys() {
        defs.report_unused_imports(file, &mut diagnostics);
    }
    diag::sort(&mut diagnostics);
    drop(defs);
    Checked { forms, diagnostics, program }
}
