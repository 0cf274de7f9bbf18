//! Loading: parses the given files and every module they `use`, and finds import cycles.
//!
//! Modules are found through a [`ModuleLoader`] (`use common.person` → `common/person.form`),
//! so tests can hold whole multi-file programs in memory.

use std::collections::{BTreeMap, BTreeSet};

use crate::diag::{Code, Diagnostic};
use crate::source::{self, FileId, ModuleLoader, SourceDb};
use crate::syntax::{self, ast};

/// One parsed file and where its imports lead.
pub struct Unit {
    pub module: String,
    /// `None` when the file has a syntax error.
    pub ast: Option<ast::File>,
    /// Each `use` with the file it resolved to (`None`: unknown module).
    pub imports: Vec<(ast::Use, Option<FileId>)>,
    /// The file of the base form when the file's form is an overlay (`extends`) and its base
    /// module was found.
    pub base: Option<FileId>,
}

/// Every file of one run.
#[derive(Default)]
pub struct Program {
    pub units: BTreeMap<FileId, Unit>,
}

impl Program {
    pub fn unit(&self, file: FileId) -> &Unit {
        &self.units[&file]
    }
}

/// Parses `roots` and, transitively, every module they import.
pub fn load(
    db: &mut SourceDb,
    loader: &dyn ModuleLoader,
    roots: &[FileId],
    diagnostics: &mut Vec<Diagnostic>,
) -> Program {
    let mut units = BTreeMap::new();
    // The roots are parsed on every core first; the modules they use, as they are found.
    let parse = |db: &SourceDb, file: FileId| {
        // A file that was refused or is not UTF-8 has no text to parse.
        if db.get(file).problem.is_some() {
            (None, Vec::new())
        } else {
            syntax::parse(db, file)
        }
    };
    let shared: &SourceDb = db;
    let parsed = crate::parallel::map(0, roots, |&file| parse(shared, file));
    let mut parsed: BTreeMap<FileId, _> = roots.iter().copied().zip(parsed).collect();
    let mut queue: Vec<FileId> = roots.to_vec();
    while let Some(file) = queue.pop() {
        if units.contains_key(&file) {
            continue;
        }
        // A file that was refused or is not UTF-8 has no text to parse; say why instead.
        diagnostics.extend(source::file_diagnostics(db, file));
        let (ast, mut parse_diagnostics) = parsed.remove(&file).unwrap_or_else(|| parse(db, file));
        diagnostics.append(&mut parse_diagnostics);
        let mut imports = Vec::new();
        for use_ in ast.as_ref().map(|a| a.uses.as_slice()).unwrap_or_default() {
            let module = use_.module();
            let target = db.find_module(&module).or_else(|| {
                let (name, contents) = loader.load(&module)?;
                Some(db.add_contents(name, module.clone(), contents))
            });
            match target {
                Some(target) => queue.push(target),
                None => diagnostics.push(
                    Diagnostic::new(
                        Code::UnknownModule,
                        format!("module `{module}` not found"),
                        use_.span,
                        "no such module",
                    )
                    .with_help(format!(
                        "`use {module}` reads the file `{}.form` below the forms directory",
                        module.replace('.', "/")
                    )),
                ),
            }
            imports.push((use_.clone(), target));
        }
        // An overlay's base is loaded like a module (never a path: a module name below the root).
        let mut base = None;
        if let Some(extends) = ast.as_ref().and_then(|a| a.forms.first()).and_then(|f| f.extends.as_ref()) {
            let module = extends.module();
            let target = db.find_module(&module).or_else(|| {
                let (name, contents) = loader.load(&module)?;
                Some(db.add_contents(name, module.clone(), contents))
            });
            match target {
                Some(target) => {
                    queue.push(target);
                    base = Some(target);
                }
                None => diagnostics.push(
                    Diagnostic::new(
                        Code::UnknownBase,
                        format!("the base form `{module}` is not found"),
                        extends.span,
                        "no such module",
                    )
                    .with_help(format!(
                        "`extends {module}` reads the form in the file `{}.form` below the forms directory",
                        module.replace('.', "/")
                    )),
                ),
            }
        }
        let module = db.get(file).module.clone();
        units.insert(file, Unit { module, ast, imports, base });
    }
    let program = Program { units };
    report_cycles(db, &program, diagnostics);
    program
}

/// Reports each import cycle once, at the `use` that closes it.
fn report_cycles(db: &SourceDb, program: &Program, diagnostics: &mut Vec<Diagnostic>) {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Active,
        Done,
    }
    let mut marks: BTreeMap<FileId, Mark> = BTreeMap::new();
    let mut reported: BTreeSet<Vec<FileId>> = BTreeSet::new();
    for &start in program.units.keys() {
        if marks.contains_key(&start) {
            continue;
        }
        // Iterative depth-first search: (file, index of the next import to follow).
        let mut stack: Vec<(FileId, usize)> = vec![(start, 0)];
        marks.insert(start, Mark::Active);
        while let Some(&mut (file, ref mut next)) = stack.last_mut() {
            let imports = &program.unit(file).imports;
            if *next >= imports.len() {
                marks.insert(file, Mark::Done);
                stack.pop();
                continue;
            }
            let (use_, target) = &imports[*next];
            *next += 1;
            let Some(target) = *target else { continue };
            match marks.get(&target) {
                None => {
                    marks.insert(target, Mark::Active);
                    stack.push((target, 0));
                }
                Some(Mark::Active) => {
                    let position = stack.iter().position(|(f, _)| *f == target).unwrap_or(0);
                    let cycle: Vec<FileId> = stack[position..].iter().map(|(f, _)| *f).collect();
                    let mut key = cycle.clone();
                    key.sort();
                    if reported.insert(key) {
                        let mut names: Vec<&str> = cycle.iter().map(|f| db.get(*f).module.as_str()).collect();
                        names.push(db.get(target).module.as_str());
                        diagnostics.push(
                            Diagnostic::new(
                                Code::ImportCycle,
                                format!("modules import each other in a cycle: {}", names.join(" → ")),
                                use_.span,
                                "this import closes the cycle",
                            )
                            .with_help("move the shared definitions into a module that both import"),
                        );
                    }
                }
                Some(Mark::Done) => {}
            }
        }
    }
}
