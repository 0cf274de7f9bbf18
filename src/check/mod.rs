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
mod overlay;
mod pattern;
mod props;
mod satisfiable;
mod text;
mod tree;

pub use defs::{Def, DefKind, Defs};
pub use expr::FUNCTION_LIST;
pub use field::{is_file_type, AUTOCOMPLETE_TOKENS, MAX_FILES, SIMPLE_TYPES};
pub use modules::{Program, Unit};
pub use pattern::portable as portable_pattern;
pub use props::Context;

use std::collections::BTreeMap;

use crate::codelists::Library;
use crate::diag::{self, Code, Diagnostic};
use crate::ir;
use crate::source::{FileId, ModuleLoader, SourceDb, Span};

/// The result of checking: the forms that lowered, and every diagnostic.
#[derive(Default)]
pub struct Checked {
    /// Each form with the file it was declared in, in file order.
    pub forms: Vec<(FileId, ir::Form)>,
    /// Sorted by position, duplicates removed.
    pub diagnostics: Vec<Diagnostic>,
    /// Every file of the run as parsed, with where its imports lead: what tools that answer
    /// questions about the source (the language server) walk, so nothing is parsed twice.
    pub program: Program,
    /// The base forms of the overlays among `forms`, by id (also when the base's file was not
    /// given), for the overlay check (`src/overlay`).
    pub bases: BTreeMap<String, ir::Form>,
    /// The names the run's forms and modules claim in the generated targets.
    pub names: Names,
}

/// The names that forms and modules with definitions claim (each with where it is declared):
/// what must be unique across a whole catalogue. A build that checks a catalogue a batch of
/// files at a time checks the batches' names together with [`check_names`].
#[derive(Default)]
pub struct Names {
    pub forms: Vec<(String, Span)>,
    pub modules: Vec<(String, Span)>,
}

/// Forms declared twice (by their files' first form) and forms or modules whose names
/// coincide in a target: the checks of a whole run that span files.
pub fn check_names(names: &Names, diagnostics: &mut Vec<Diagnostic>) {
    let mut first: BTreeMap<&str, Span> = BTreeMap::new();
    let mut forms: Vec<(&str, Span)> = Vec::new();
    for (name, span) in &names.forms {
        match first.get(name.as_str()) {
            Some(first) => diagnostics.push(declared_twice(name, *span, *first)),
            None => {
                first.insert(name, *span);
                forms.push((name, *span));
            }
        }
    }
    collide::check_form_names(&forms, diagnostics);
    let modules: Vec<(&str, Span)> = names.modules.iter().map(|(module, span)| (module.as_str(), *span)).collect();
    collide::check_module_names(&modules, diagnostics);
}

fn declared_twice(name: &str, span: Span, first: Span) -> Diagnostic {
    Diagnostic::new(Code::DuplicateName, format!("form `{name}` is declared twice"), span, "declared again")
        .with_note(first, "first declared here")
        .with_help("form names identify the generated files, so they must be unique")
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
    // Overlays are merged with their bases first: the lowering sees one form.
    let merged: BTreeMap<FileId, overlay::Merged> =
        roots.iter().filter_map(|&file| Some((file, merge_overlay(&program, file, &mut diagnostics)?))).collect();
    let defs = defs::Defs::collect(&program, &mut diagnostics);
    let mut form_ids: BTreeMap<String, Span> = BTreeMap::new();
    let mut names = Names::default();
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
                diagnostics.push(declared_twice(&decl.name.name, decl.name.span, *first));
                continue;
            }
            form_ids.insert(decl.name.name.clone(), decl.name.span);
            names.forms.push((decl.name.name.clone(), decl.name.span));
            if decl.extends.is_some() {
                // An overlay that could not be merged has its diagnostics already.
                if let Some(merged) = merged.get(&file) {
                    to_lower.push((file, &merged.decl, Some(&merged.plan)));
                }
                continue;
            }
            to_lower.push((file, decl, None));
        }
    }
    let lowered = crate::parallel::map(0, &to_lower, |&(file, decl, plan)| {
        let lowering =
            lower::FormLowering::new(&defs, db, library, catalogues, text::Languages(None, Default::default()));
        lowering.overlay(plan).form(file, decl)
    });
    let mut forms = Vec::new();
    for ((file, _, _), (form, mut form_diagnostics)) in to_lower.iter().zip(lowered) {
        diagnostics.append(&mut form_diagnostics);
        forms.extend(form.map(|f| (*file, f)));
    }
    // The bases of the overlays, for the overlay check: lowered again unless given.
    let mut bases = BTreeMap::new();
    for (&file, merged) in &merged {
        let base_id = &merged.plan.base_id;
        if bases.contains_key(base_id) {
            continue;
        }
        if let Some((_, form)) = forms.iter().find(|(_, f)| f.id == *base_id && f.extends.is_none()) {
            bases.insert(base_id.clone(), form.clone());
            continue;
        }
        let Some(base_file) = program.unit(file).base else { continue };
        let Some(base_decl) = program.unit(base_file).ast.as_ref().and_then(|a| a.forms.first()) else { continue };
        let lowering =
            lower::FormLowering::new(&defs, db, library, catalogues, text::Languages(None, Default::default()));
        let (form, mut base_diagnostics) = lowering.form(base_file, base_decl);
        diagnostics.append(&mut base_diagnostics);
        if let Some(form) = form {
            bases.insert(base_id.clone(), form);
        }
    }
    names.modules = program
        .units
        .iter()
        .filter_map(|(&file, unit)| {
            let first = defs.own(file).map(|def| def.name.span).min_by_key(|span| span.start)?;
            Some((unit.module.clone(), first))
        })
        .collect();
    // The forms' ids are unique already (a form declared again is not lowered).
    check_names(&names, &mut diagnostics);
    for (&file, unit) in &program.units {
        if let Some(ast) = &unit.ast {
            props::collect(&ast.items, props::Context::File, &mut diagnostics);
        }
        let lowering =
            lower::FormLowering::new(&defs, db, library, catalogues, text::Languages(None, Default::default()));
        diagnostics.append(&mut lowering.definitions(file));
    }
    for &file in program.units.keys() {
        defs.report_unused_imports(file, &mut diagnostics);
    }
    diag::sort(&mut diagnostics);
    drop(defs);
    drop(merged);
    Checked { forms, diagnostics, program, bases, names }
}

/// The form of `file` merged with its base, when it is an overlay whose base can be extended.
fn merge_overlay(program: &Program, file: FileId, diagnostics: &mut Vec<Diagnostic>) -> Option<overlay::Merged> {
    let decl = program.unit(file).ast.as_ref()?.forms.first()?;
    let extends = decl.extends.as_ref()?;
    // An unknown base module is reported where it is loaded.
    let base_file = program.unit(file).base?;
    if base_file == file {
        diagnostics.push(
            Diagnostic::new(
                Code::InvalidBase,
                format!("form `{}` extends itself", decl.name.name),
                extends.span,
                "its own file",
            )
            .with_help("an overlay extends another form of the project: name that form's module"),
        );
        return None;
    }
    // A base that does not parse has its syntax error already.
    let base_ast = program.unit(base_file).ast.as_ref()?;
    let Some(base) = base_ast.forms.first() else {
        diagnostics.push(
            Diagnostic::new(
                Code::UnknownBase,
                format!("the module `{}` holds no form", extends.module()),
                extends.span,
                "a module, not a form",
            )
            .with_help("`extends` names the module of a form: the file that declares `form … { … }`"),
        );
        return None;
    };
    if let Some(base_extends) = &base.extends {
        diagnostics.push(
            Diagnostic::new(
                Code::InvalidBase,
                format!("the base `{}` is itself an overlay (of `{}`)", base.name.name, base_extends.module()),
                extends.span,
                "an overlay of an overlay",
            )
            .with_note(base_extends.span, "the base extends this form")
            .with_help(format!(
                "an overlay is proved against one base that stands on its own: extend `{}` directly",
                base_extends.module()
            )),
        );
        return None;
    }
    if let Some(reason) = &extends.unchecked {
        if reason.value.trim().is_empty() {
            diagnostics.push(
                Diagnostic::new(Code::MissingProperty, "`unchecked` needs a reason", reason.span, "empty reason")
                    .with_help(
                    "say why the overlay may accept what its base refuses: `unchecked \"Übergangsregelung bis 2027\"`",
                ),
            );
        } else {
            diagnostics.push(
                Diagnostic::new(
                    Code::OverlayUnchecked,
                    format!("the overlay `{}` is not checked against its base", decl.name.name),
                    reason.span,
                    "unchecked",
                )
                .with_help("readers built for the base may refuse its submissions; remove `unchecked` once it only narrows and adds"),
            );
        }
    }
    Some(overlay::merge(decl, base, diagnostics))
}
