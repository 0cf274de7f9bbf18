//! The driver: finds `.form` files on disk, runs the checker, and writes outputs.
//!
//! Reading: every source is read through `files` (regular files only, never through a
//! symbolic link, at most 16 MiB); the directory walk does not follow links and skips
//! hidden entries. A file that is refused or not UTF-8 becomes a diagnostic of its own.
//!
//! Writing (`output`): a build's outcome in `--out` is all-old or all-new even when the
//! process is killed, two builds never write at once, and only directories that Formwerk
//! wrote (listed in the previous `manifest.json`, or empty) are ever replaced.

mod batched;
mod fault;
mod incremental;
mod output;
pub mod stale;

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use serde_json::json;
use sha2::{Digest, Sha256};

use crate::catalogue;
use crate::check::{self, Checked};
use crate::codelists::Library;
use crate::emit::{self, OutputFile, Target};
use crate::files::{self, FileProblem};
use crate::ir;
use crate::source::{DirLoader, FileId, SourceDb};

use batched::Batched;
use output::{Existing, OutputDir};

/// A failure that is not a problem in the forms: missing paths, unreadable files, a full disk.
#[derive(Debug)]
pub struct DriverError {
    pub message: String,
}

impl fmt::Display for DriverError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DriverError {}

fn io_error(action: &str, path: &Path, error: io::Error) -> DriverError {
    DriverError { message: format!("cannot {action} `{}`: {error}", path.display()) }
}

/// The sources of one run and the result of checking them.
pub struct Session {
    pub db: SourceDb,
    pub checked: Checked,
}

impl Session {
    /// The session without the parsed files (`Checked::program`), which only tools that answer
    /// questions about the source read: a build of a catalogue does not keep every AST.
    pub fn without_program(mut self) -> Session {
        self.checked.program = check::Program::default();
        self
    }
}

/// The `.form` files below `dir`, sorted, so that runs are deterministic.
///
/// Symbolic links are not followed, and hidden entries (`.git`, an editor's `.#x.form`)
/// are skipped. A link named `*.form`, a link to a directory, and a FIFO or other special
/// file named `*.form` are returned too: reading them refuses them with a diagnostic,
/// instead of skipping them silently.
pub fn find_forms(dir: &Path) -> Result<Vec<PathBuf>, DriverError> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        let entries = std::fs::read_dir(&current).map_err(|e| io_error("read directory", &current, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| io_error("read directory", &current, e))?;
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let path = entry.path();
            let file_type = entry.file_type().map_err(|e| io_error("read", &path, e))?;
            let is_form = path.extension().is_some_and(|e| e == "form");
            if file_type.is_dir() {
                stack.push(path);
            } else if is_form || (file_type.is_symlink() && path.is_dir()) {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Refuses a directory the user named that is a symbolic link (or no directory at all).
fn named_directory(path: &Path, what: &str) -> Result<(), DriverError> {
    match std::fs::symlink_metadata(path) {
        Ok(metadata) if metadata.file_type().is_symlink() => Err(DriverError {
            message: format!(
                "{what} `{}` is a symbolic link; Formwerk does not follow links (name the directory it points to)",
                path.display()
            ),
        }),
        Ok(metadata) if metadata.is_dir() => Ok(()),
        Ok(_) => Err(DriverError { message: format!("{what} `{}` is not a directory", path.display()) }),
        Err(_) => Err(DriverError { message: format!("{what} `{}` does not exist", path.display()) }),
    }
}

/// The directory modules are resolved against for `path` when none is given: a directory
/// checks against itself; a file against the nearest enclosing `forms` directory, else
/// its own directory.
pub fn default_root(path: &Path) -> PathBuf {
    if path.is_dir() {
        return path.to_path_buf();
    }
    let parent = path.parent().map(Path::to_path_buf).unwrap_or_default();
    parent.ancestors().find(|a| a.file_name().is_some_and(|n| n == "forms")).map(Path::to_path_buf).unwrap_or(parent)
}

/// The name of the code-list directory used by default, next to the module root
/// (`forms/` → `codelists/`).
pub const DEFAULT_CODELISTS: &str = "codelists";

/// The code-list directory used when none is given: `codelists` next to the module root
/// `root` (for `forms`, `codelists` in the same directory), if it exists.
pub fn default_codelists(root: &Path) -> Option<PathBuf> {
    let dir = root.parent().unwrap_or(Path::new("")).join(DEFAULT_CODELISTS);
    std::fs::symlink_metadata(&dir).is_ok().then_some(dir)
}

/// Loads the external code lists of a run from `dir` (every `*.xml` file directly in it).
/// The directory must not be a link, and every file in it must be a readable genericode
/// list: a run does not go on with a list it was meant to have silently left out.
pub fn load_codelists(dir: &Path) -> Result<Library, DriverError> {
    let (library, problems) = Library::load(dir).map_err(|message| DriverError { message })?;
    if problems.is_empty() {
        return Ok(library);
    }
    let lines: Vec<String> = problems.iter().map(|p| format!("  {p}")).collect();
    Err(DriverError {
        message: format!(
            "the code-list directory `{}` has {} unusable file{}:\n{}",
            dir.display(),
            problems.len(),
            if problems.len() == 1 { "" } else { "s" },
            lines.join("\n")
        ),
    })
}

/// The name of the catalogue directory used by default, next to the module root
/// (`forms/` → `catalogues/`).
pub const DEFAULT_CATALOGUES: &str = "catalogues";

/// The most catalogue files a directory may hold.
const MAX_CATALOGUES: usize = 200;

/// The catalogue directory used when none is given: `catalogues` next to the module root
/// `root`, if it exists.
pub fn default_catalogues(root: &Path) -> Option<PathBuf> {
    let dir = root.parent().unwrap_or(Path::new("")).join(DEFAULT_CATALOGUES);
    std::fs::symlink_metadata(&dir).is_ok().then_some(dir)
}

/// Loads the project catalogues in `dir`: every `<tag>.toml` directly in it. A file whose
/// name is not a language tag, or that cannot be read, stops the run; a file that reads
/// but is not a usable catalogue is kept with its problems, which the checker reports at
/// the `languages` entry of every form in that language.
pub fn load_catalogues(dir: &Path) -> Result<catalogue::Project, DriverError> {
    let shown = dir.display();
    match std::fs::symlink_metadata(dir) {
        Ok(m) if m.file_type().is_symlink() => {
            return Err(DriverError {
                message: format!(
                    "the catalogue directory `{shown}` is a symbolic link; Formwerk does not follow links"
                ),
            })
        }
        Ok(m) if m.is_dir() => {}
        Ok(_) => return Err(DriverError { message: format!("the catalogue directory `{shown}` is not a directory") }),
        Err(_) => return Err(DriverError { message: format!("the catalogue directory `{shown}` does not exist") }),
    }
    let entries = std::fs::read_dir(dir).map_err(|e| DriverError { message: format!("cannot read `{shown}`: {e}") })?;
    let mut project = catalogue::Project::new();
    for entry in entries {
        let entry = entry.map_err(|e| DriverError { message: format!("cannot read `{shown}`: {e}") })?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(lang) = name.strip_suffix(".toml") else { continue };
        if name.starts_with('.') {
            continue;
        }
        if catalogue::tag::problem(lang).is_some() || lang.contains('_') {
            let shown_name: String = name.chars().filter(|c| !c.is_control()).take(60).collect();
            return Err(DriverError {
                message: format!(
                    "the catalogue `{shown}/{shown_name}` is not named by a language tag; name it `<tag>.toml` (`ar.toml`, `de-CH.toml`)"
                ),
            });
        }
        if project.len() >= MAX_CATALOGUES {
            return Err(DriverError { message: format!("`{shown}` holds more than {MAX_CATALOGUES} catalogues") });
        }
        let texts = match files::read_below(dir, Path::new(&name), catalogue::MAX_FILE_BYTES) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(source) => catalogue::parse(lang, &source),
                Err(_) => Err(vec!["the file is not UTF-8".to_string()]),
            },
            Err(FileProblem::TooLarge { limit }) => Err(vec![format!("the file is larger than {} KB", limit / 1024)]),
            Err(problem) => {
                return Err(DriverError { message: problem.describe(&format!("{shown}/{name}")) });
            }
        };
        project.insert(lang.to_string(), texts);
    }
    Ok(project)
}

/// Loads and checks the `.form` files at `paths` (files or directories), with the code
/// lists of the default code-list directory.
pub fn check_paths(paths: &[PathBuf], root: Option<&Path>) -> Result<Session, DriverError> {
    check_paths_with(paths, root, None)
}

/// Loads and checks the `.form` files at `paths` (files or directories); external code
/// lists come from `codelists`, else from [`default_codelists`].
pub fn check_paths_with(
    paths: &[PathBuf],
    root: Option<&Path>,
    codelists: Option<&Path>,
) -> Result<Session, DriverError> {
    check_paths_in(paths, root, codelists, None)
}

/// [`check_paths_with`] with the project catalogues in `catalogues` (else in
/// [`default_catalogues`]).
pub fn check_paths_in(
    paths: &[PathBuf],
    root: Option<&Path>,
    codelists: Option<&Path>,
    catalogues: Option<&Path>,
) -> Result<Session, DriverError> {
    if let Some(root) = root {
        named_directory(root, "the module root")?;
    }
    let first = paths.first().cloned().unwrap_or_else(|| PathBuf::from("forms"));
    let root = root.map(Path::to_path_buf).unwrap_or_else(|| default_root(&first));
    let (library, project) = project_inputs(&root, codelists, catalogues)?;
    let loader = DirLoader::new(&root);
    let mut db = SourceDb::new();
    let mut roots: Vec<FileId> = Vec::new();
    for path in paths {
        let Ok(metadata) = std::fs::symlink_metadata(path) else {
            return Err(DriverError { message: format!("`{}` does not exist", path.display()) });
        };
        let files = if metadata.is_dir() {
            find_forms(path)?
        } else if metadata.file_type().is_symlink() && path.is_dir() {
            named_directory(path, "the directory")?;
            Vec::new()
        } else {
            vec![path.clone()]
        };
        for file in files {
            if let (id, true) = read_source(&mut db, &loader, &file)? {
                roots.push(id);
            }
        }
    }
    let mut checked = check::check_with_catalogues(&mut db, &loader, &library, &project, &roots);
    // Overlays are proved against their bases (`formwerk compat` in the submit direction).
    crate::overlay::apply(&mut checked);
    Ok(Session { db, checked })
}

/// The code lists and project catalogues of a run whose module root is `root`: from the
/// directories given, else from the default ones next to the forms.
fn project_inputs(
    root: &Path,
    codelists: Option<&Path>,
    catalogues: Option<&Path>,
) -> Result<(Library, catalogue::Project), DriverError> {
    let library = match codelists.map(Path::to_path_buf).or_else(|| default_codelists(root)) {
        Some(dir) => load_codelists(&dir)?,
        None => Library::default(),
    };
    let project = match catalogues.map(Path::to_path_buf).or_else(|| default_catalogues(root)) {
        Some(dir) => load_catalogues(&dir)?,
        None => catalogue::Project::new(),
    };
    Ok((library, project))
}

/// The file of `db` for the form file `file`, read into it unless its module is there already
/// (then `false`). A file that is refused or not UTF-8 becomes a file with a problem (a
/// diagnostic of its own); one that is missing or unreadable fails the run.
fn read_source(db: &mut SourceDb, loader: &DirLoader, file: &Path) -> Result<(FileId, bool), DriverError> {
    let module = loader
        .module_of(file)
        .unwrap_or_else(|| file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default());
    if let Some(id) = db.find_module(&module) {
        return Ok((id, false));
    }
    let contents = match files::read_regular(file, files::MAX_SOURCE_BYTES) {
        Err(problem @ (FileProblem::Missing | FileProblem::Unreadable { .. })) => {
            return Err(DriverError { message: problem.describe(&file.display().to_string()) })
        }
        contents => contents,
    };
    Ok((db.add_contents(loader.display_name(file), module, contents), true))
}

/// The outcome of loading a single form file.
pub enum FormLoad {
    /// The form (and what it imports) has errors; the session holds the diagnostics.
    Failed(Session),
    Loaded(Session, Box<ir::Form>),
}

/// Loads and checks the form declared in `path`, resolving its imports like `check`.
pub fn load_form(path: &Path, root: Option<&Path>) -> Result<FormLoad, DriverError> {
    load_form_with(path, root, None)
}

/// [`load_form`] with external code lists from `codelists` (else the default directory).
pub fn load_form_with(path: &Path, root: Option<&Path>, codelists: Option<&Path>) -> Result<FormLoad, DriverError> {
    if !path.is_file() {
        return Err(DriverError { message: format!("`{}` is not a form file", path.display()) });
    }
    let session = check_paths_with(&[path.to_path_buf()], root, codelists)?;
    if session.checked.has_errors() {
        return Ok(FormLoad::Failed(session));
    }
    match session.checked.forms.first() {
        Some((_, form)) => {
            let form = Box::new(form.clone());
            Ok(FormLoad::Loaded(session, form))
        }
        None => Err(DriverError { message: format!("`{}` declares no form (is it a module?)", path.display()) }),
    }
}

/// What a build did.
pub enum BuildOutcome {
    /// The forms have errors; nothing was written.
    Failed(Session),
    /// Outputs were written: the files of `remade` of the `n_forms` forms (all, unless the
    /// build cache found the others unchanged; then `session` has only the forms checked).
    Built { session: Session, n_forms: usize, n_files: usize, remade: usize, sources: Vec<String> },
}

/// `formwerk build`: checks every form below `forms`, then replaces the outputs of
/// `targets` under `out` (each target owns one subdirectory) and the common files.
///
/// Settings, `forms` and `out` are checked before anything is read or written; a build
/// with errors in the forms writes nothing (and does not even create `out`).
pub fn build(
    forms: &Path,
    out: &Path,
    targets: &[Target],
    settings: &emit::Settings,
) -> Result<BuildOutcome, DriverError> {
    build_with(forms, out, targets, settings, None)
}

/// [`build`] with external code lists from `codelists` (else `codelists` next to `forms`).
pub fn build_with(
    forms: &Path,
    out: &Path,
    targets: &[Target],
    settings: &emit::Settings,
    codelists: Option<&Path>,
) -> Result<BuildOutcome, DriverError> {
    build_in(forms, out, targets, settings, codelists, None)
}

/// [`build_with`] with the project catalogues in `catalogues` (else `catalogues` next to
/// `forms`).
pub fn build_in(
    forms: &Path,
    out: &Path,
    targets: &[Target],
    settings: &emit::Settings,
    codelists: Option<&Path>,
    catalogues: Option<&Path>,
) -> Result<BuildOutcome, DriverError> {
    run_build(&Paths { forms, out, codelists, catalogues }, targets, settings, &|_| {}, true)
}

/// Where a build reads its forms, code lists and catalogues, and where it writes.
#[derive(Clone, Copy, Debug)]
pub struct Paths<'a> {
    pub forms: &'a Path,
    pub out: &'a Path,
    /// External code lists (else `codelists` next to `forms`).
    pub codelists: Option<&'a Path>,
    /// Project catalogues (else `catalogues` next to `forms`).
    pub catalogues: Option<&'a Path>,
}

/// What a build is doing, for whoever shows progress.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Reading and checking the forms.
    Checking,
    /// Making the files of `target` for `forms` forms (the pool of the settings tells each form).
    Emitting { target: Target, forms: usize },
    /// Writing `files` files (or, for `--check`, comparing them).
    Writing { files: usize },
}

/// `formwerk build` of the forms at `paths` into `paths.out`, telling `on_phase` what it does.
/// Settings and paths are checked before anything is read or written; a build with errors in
/// the forms writes nothing (and does not even create `out`). With `cache`, only the forms
/// whose sources changed since the last build are remade, where that gives the same files
/// (see `driver/incremental.rs`).
pub fn run_build(
    paths: &Paths,
    targets: &[Target],
    settings: &emit::Settings,
    on_phase: &dyn Fn(Phase),
    cache: bool,
) -> Result<BuildOutcome, DriverError> {
    check_settings(settings)?;
    named_directory(paths.forms, "the forms directory")?;
    match std::fs::symlink_metadata(paths.out) {
        Ok(metadata) if metadata.file_type().is_symlink() || !metadata.is_dir() => {
            // `OutputDir::open` says what is wrong.
            OutputDir::open(paths.out, false, || {})?;
        }
        _ => {}
    }
    if cache {
        if let Some(outcome) = incremental::try_build(paths, targets, settings, on_phase)? {
            return Ok(outcome);
        }
    }
    // Before any source is read: the cache trusts stamps only of files older than this.
    let started = std::time::SystemTime::now();
    let created = std::fs::symlink_metadata(paths.out).is_err();
    let (dir, kept) = open_for_writing(paths.out, targets)?;
    let directories: Vec<&str> = targets.iter().map(|t| t.directory()).collect();
    // Each target's files go into the staging directory as soon as they are made, and are
    // dropped: a catalogue's outputs are never all in memory; the forms are checked and made
    // a batch at a time, so neither are their parse trees and IR.
    let staging = dir.stage(&directories)?;
    let key = incremental::key(paths, targets, settings);
    let cache = Some((key, started));
    let mut generation = Generation { targets, settings, on_phase, listed: &kept, cache, made_cache: None };
    let made = batched::generate(paths, &mut generation, &|batch| {
        staging.write(&batch)?;
        Ok(paths_only(batch))
    });
    // What the build returns unless it commits: the forms' errors, or what failed.
    let made = match made {
        Ok(Batched::Made { session, n_forms, files }) => Ok((session, n_forms, files.len())),
        Ok(Batched::Failed(session)) => Err(Ok(BuildOutcome::Failed(session))),
        Err(error) => Err(Err(error)),
    };
    let (session, n_forms, n_files) = match made {
        Ok(made) => made,
        Err(outcome) => {
            dir.abandon(staging);
            if created {
                // An `--out` this build made stays unmade.
                drop(dir);
                let _ = std::fs::remove_dir(paths.out);
            }
            return outcome;
        }
    };
    on_phase(Phase::Writing { files: n_files });
    dir.commit(staging)?;
    if let Some((cache, manifest)) = generation.made_cache {
        let mut entries: Vec<String> = kept.iter().cloned().collect();
        entries.extend(emit::common_files().into_iter().map(|file| file.path));
        entries.push("manifest.json".to_string());
        cache.write_all(&dir, &manifest, &entries)?;
    }
    // Each file once: a form file a batch read again as a module is listed once.
    let mut seen = BTreeSet::new();
    let sources =
        session.db.ids().map(|id| session.db.get(id).name.clone()).filter(|name| seen.insert(name.clone())).collect();
    Ok(BuildOutcome::Built { session, n_forms, n_files, remade: n_forms, sources })
}

/// What `build --check` found.
pub enum CheckOutcome {
    /// The forms have errors; nothing was compared.
    Failed(Session),
    /// The files of `out` that differ from what a build would write (none: up to date).
    Checked { session: Session, n_forms: usize, n_files: usize, stale: Vec<stale::Stale> },
}

/// `formwerk build --check`: whether `paths.out` holds exactly what [`run_build`] would write,
/// found without writing anything (not even a lock: a build running meanwhile may be seen
/// half done).
pub fn run_check(
    paths: &Paths,
    targets: &[Target],
    settings: &emit::Settings,
    on_phase: &dyn Fn(Phase),
) -> Result<CheckOutcome, DriverError> {
    check_settings(settings)?;
    named_directory(paths.forms, "the forms directory")?;
    // As a build would refuse it; a missing `out` is simply all missing.
    if std::fs::symlink_metadata(paths.out).is_ok() {
        named_directory(paths.out, "the output directory")?;
    }
    let previous = read_previous_manifest(paths.out);
    let owned = owned_directories(previous.as_ref());
    let exists = |directory: &str| std::fs::symlink_metadata(paths.out.join(directory)).is_ok_and(|m| m.is_dir());
    let kept = kept_directories(targets, &owned, exists);
    // Each target's files are compared as soon as they are made, and dropped.
    let stale = std::sync::Mutex::new(Vec::new());
    let mut generation = Generation { targets, settings, on_phase, listed: &kept, cache: None, made_cache: None };
    let made = batched::generate(paths, &mut generation, &|batch| {
        let changed = stale::changed_files(paths.out, &batch);
        stale.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).extend(changed);
        Ok(paths_only(batch))
    })?;
    let (session, n_forms, files) = match made {
        Batched::Made { session, n_forms, files } => (session, n_forms, files),
        Batched::Failed(session) => return Ok(CheckOutcome::Failed(session)),
    };
    let mut stale = stale.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner());
    on_phase(Phase::Writing { files: files.len() });
    // A build replaces its targets' directories whole; other directories stay as they are.
    let compared: BTreeSet<&str> = targets.iter().map(|t| t.directory()).collect();
    let expected: BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    stale.extend(stale::extra_files(paths.out, &expected, &compared));
    stale.sort();
    Ok(CheckOutcome::Checked { session, n_forms, n_files: files.len(), stale })
}

/// Reads and checks the forms of a build.
fn check_forms(paths: &Paths, on_phase: &dyn Fn(Phase)) -> Result<Session, DriverError> {
    on_phase(Phase::Checking);
    let session = check_paths_in(&[paths.forms.to_path_buf()], Some(paths.forms), paths.codelists, paths.catalogues)?;
    Ok(session.without_program())
}

/// The manifest of the build in `out` if it reads as one (for `--check`, which refuses nothing).
fn read_previous_manifest(out: &Path) -> Option<serde_json::Value> {
    let bytes = crate::files::read_below(out, Path::new("manifest.json"), crate::files::MAX_SOURCE_BYTES).ok()?;
    let manifest: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    is_manifest(&manifest).then_some(manifest)
}

/// Whether a JSON value has the shape of a `manifest.json` that Formwerk wrote.
fn is_manifest(manifest: &serde_json::Value) -> bool {
    manifest["ir_version"].is_u64() && manifest["files"].is_object()
}

/// The target directories a manifest lists after a build of `targets`: those, and the
/// directories of earlier builds that this one leaves in place (which stay Formwerk's).
fn kept_directories(targets: &[Target], owned: &BTreeSet<String>, exists: impl Fn(&str) -> bool) -> BTreeSet<String> {
    let mut kept: BTreeSet<String> = targets.iter().map(|t| t.directory().to_string()).collect();
    for directory in owned {
        if !kept.contains(directory) && exists(directory) {
            kept.insert(directory.clone());
        }
    }
    kept
}

/// Finishes or discards what a killed build left in `out` (as every build does first),
/// waiting for a build that is writing there. Nothing to do if `out` does not exist.
pub fn recover(out: &Path) -> Result<(), DriverError> {
    OutputDir::open(out, false, || wait_message(out)).map(drop)
}

fn wait_message(out: &Path) {
    eprintln!("waiting for another build into `{}` to finish", out.display());
}

/// The checks of a build's settings that no backend can make up for.
pub fn check_settings(settings: &emit::Settings) -> Result<(), DriverError> {
    emit::rust::check_crate_name(&settings.crate_name)
        .map_err(|why| DriverError { message: format!("`--crate-name {:?}`: {why}", settings.crate_name) })?;
    check_schema_base_uri(&settings.schema_base_uri)
        .map_err(|why| DriverError { message: format!("`--schema-base-uri {:?}`: {why}", settings.schema_base_uri) })
}

/// Each schema's `$id` is `<base>/<form>/<version>/schema.json`, so the base must be an
/// absolute http(s) URI with a host and no query or fragment (a `$id` must not have a
/// fragment, and a query would end up in the middle), written only with the characters
/// RFC 3986 allows, percent-encoding included; no `.` or `..` segments; at most 1000 bytes.
pub fn check_schema_base_uri(uri: &str) -> Result<(), String> {
    if uri.len() > 1000 {
        return Err("a base URI has at most 1000 characters".to_string());
    }
    let rest = uri
        .strip_prefix("https://")
        .or_else(|| uri.strip_prefix("http://"))
        .ok_or("the base URI must start with `https://` or `http://`")?;
    let bytes = uri.as_bytes();
    for (index, c) in uri.char_indices() {
        match c {
            '?' => return Err("the base URI must not have a query (`?`)".to_string()),
            '#' => return Err("the base URI must not have a fragment (`#`)".to_string()),
            '%' if !(bytes.get(index + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(index + 2).is_some_and(u8::is_ascii_hexdigit)) =>
            {
                return Err("`%` must start a percent-encoded byte such as `%20`".to_string())
            }
            c if c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@/%[]".contains(c) => {}
            c => return Err(format!("{c:?} is not allowed in a URI (percent-encode it)")),
        }
    }
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    if authority.contains('@') {
        return Err("the base URI must not contain user information (`user@`)".to_string());
    }
    let host = authority.rsplit_once(':').map_or(authority, |(host, port)| {
        if port.chars().all(|c| c.is_ascii_digit()) {
            host
        } else {
            authority
        }
    });
    let ip_literal = host.starts_with('[') && host.ends_with(']');
    if host.is_empty() || (host.contains(':') && !ip_literal) {
        return Err("the base URI has no host name".to_string());
    }
    if path.split('/').any(|segment| segment == "." || segment == "..") {
        return Err("the base URI must not have `.` or `..` segments".to_string());
    }
    Ok(())
}

/// Opens `out` for a new generation: locked, recovered, and checked that every entry the
/// build replaces is Formwerk's. Returns the directory and the target directories the new
/// manifest lists (this build's and the earlier ones it leaves in place).
fn open_for_writing(out: &Path, targets: &[Target]) -> Result<(OutputDir, BTreeSet<String>), DriverError> {
    let Some(dir) = OutputDir::open(out, true, || wait_message(out))? else {
        return Err(DriverError { message: format!("cannot create `{}`", out.display()) });
    };
    let previous = previous_manifest(&dir)?;
    let owned = owned_directories(previous.as_ref());
    let directories: Vec<&str> = targets.iter().map(|t| t.directory()).collect();
    for directory in &directories {
        match dir.existing(directory) {
            Existing::Absent | Existing::Directory { empty: true } => {}
            Existing::Directory { empty: false } if owned.contains(*directory) => {}
            Existing::Directory { empty: false } => {
                return Err(refusal(
                    &dir,
                    directory,
                    "a directory that Formwerk did not write (it is not empty and not listed in `manifest.json`)",
                ))
            }
            Existing::File => return Err(refusal(&dir, directory, "a file")),
            Existing::Other(kind) => return Err(refusal(&dir, directory, kind)),
        }
    }
    let previous_files = previous.as_ref().and_then(|p| p["files"].as_object());
    // The top-level files of a build: the common files, then the manifest (checked above).
    for file in emit::common_files() {
        match dir.existing(&file.path) {
            Existing::Absent => {}
            Existing::File if previous_files.is_some_and(|f| f.contains_key(&file.path)) => {}
            Existing::File => {
                return Err(refusal(
                    &dir,
                    &file.path,
                    "a file that Formwerk did not write (not listed in `manifest.json`)",
                ))
            }
            Existing::Directory { .. } => return Err(refusal(&dir, &file.path, "a directory")),
            Existing::Other(kind) => return Err(refusal(&dir, &file.path, kind)),
        }
    }
    let kept = kept_directories(targets, &owned, |d| matches!(dir.existing(d), Existing::Directory { .. }));
    Ok((dir, kept))
}

fn refusal(dir: &OutputDir, name: &str, what: &str) -> DriverError {
    DriverError {
        message: format!(
            "refusing to replace `{}`: it is {what}; move it away or build into another --out",
            dir.path().join(name).display()
        ),
    }
}

/// The `manifest.json` of the generation in `out`, if there is one; an error if there is
/// a `manifest.json` that Formwerk did not write (it would be replaced).
fn previous_manifest(dir: &OutputDir) -> Result<Option<serde_json::Value>, DriverError> {
    let not_ours = |what: &str| DriverError {
        message: format!(
            "refusing to replace `{}`: it is {what}; move it away or build into another --out",
            dir.path().join("manifest.json").display()
        ),
    };
    match dir.existing("manifest.json") {
        Existing::Absent => return Ok(None),
        Existing::File => {}
        Existing::Directory { .. } => return Err(not_ours("a directory")),
        Existing::Other(kind) => return Err(not_ours(kind)),
    }
    let bytes = dir.read("manifest.json")?.unwrap_or_default();
    match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(manifest) if is_manifest(&manifest) => Ok(Some(manifest)),
        _ => Err(not_ours("not a manifest that Formwerk wrote")),
    }
}

/// The target directories a manifest says Formwerk wrote (`directories`, or in manifests
/// from before that field, `targets`); only names of targets count.
fn owned_directories(manifest: Option<&serde_json::Value>) -> BTreeSet<String> {
    let Some(manifest) = manifest else {
        return BTreeSet::new();
    };
    let listed = manifest.get("directories").or_else(|| manifest.get("targets"));
    let known: Vec<&str> = Target::ALL.iter().chain(Target::EXTRA).map(|t| t.directory()).collect();
    listed
        .and_then(|l| l.as_array())
        .into_iter()
        .flatten()
        .filter_map(|d| d.as_str())
        .filter(|d| known.contains(d))
        .map(str::to_string)
        .collect()
}

fn manifest_bytes(manifest: &serde_json::Value) -> Vec<u8> {
    let mut contents = serde_json::to_vec_pretty(manifest).expect("JSON values serialise");
    contents.push(b'\n');
    contents
}

/// Every output file of a build, in a fixed order, including the manifest; an error (a theme
/// that cannot render) before anything is written.
pub fn generate(
    session: &Session,
    targets: &[Target],
    settings: &emit::Settings,
) -> Result<Vec<OutputFile>, DriverError> {
    let listed: BTreeSet<String> = targets.iter().map(|t| t.directory().to_string()).collect();
    let mut forms = session.checked.forms.clone();
    let mut generation =
        Generation { targets, settings, on_phase: &|_| {}, listed: &listed, cache: None, made_cache: None };
    generate_into(&session.db, &mut forms, &mut generation, &|batch| Ok(batch))
}

/// `files` without their contents: what a build keeps of the files it has written (or
/// compared), for the manifest and the count.
fn paths_only(files: Vec<OutputFile>) -> Vec<OutputFile> {
    files.into_iter().map(|file| OutputFile { path: file.path, contents: Vec::new() }).collect()
}

/// Makes the files of a build target by target, telling `on_phase` which target it makes,
/// and hands each target's files to `put`, which keeps what it returns (a build writes them
/// and keeps only their paths). The manifest comes last; its `directories` are `listed`.
/// Returns the kept files in a fixed order.
fn generate_into(
    db: &SourceDb,
    checked: &mut Vec<(FileId, ir::Form)>,
    generation: &mut Generation,
    put: &Put,
) -> Result<Vec<OutputFile>, DriverError> {
    // The forms move into the bundle (sorted by id) and back afterwards, in their order: a
    // catalogue's IR is never held twice.
    let mut order: Vec<(usize, FileId, ir::Form)> =
        std::mem::take(checked).into_iter().enumerate().map(|(i, (file, form))| (i, file, form)).collect();
    order.sort_by(|a, b| a.2.id.cmp(&b.2.id));
    let (places, forms): (Vec<(usize, FileId)>, Vec<ir::Form>) =
        order.into_iter().map(|(i, file, form)| ((i, file), form)).unzip();
    let bundle = ir::Bundle { forms };
    let made = generate_bundle(db, &places, &bundle, generation, put);
    let mut restored: Vec<(usize, FileId, ir::Form)> =
        places.into_iter().zip(bundle.forms).map(|((i, file), form)| (i, file, form)).collect();
    restored.sort_by_key(|(i, _, _)| *i);
    *checked = restored.into_iter().map(|(_, file, form)| (file, form)).collect();
    made
}

/// What a build makes and reports, besides its forms.
struct Generation<'a> {
    targets: &'a [Target],
    settings: &'a emit::Settings,
    on_phase: &'a dyn Fn(Phase),
    /// The manifest's `directories`.
    listed: &'a BTreeSet<String>,
    /// The key of a build cache to make (a build that writes) and when the build started, and
    /// the cache made with the manifest's bytes.
    cache: Option<(String, std::time::SystemTime)>,
    made_cache: Option<(incremental::Cache, Vec<u8>)>,
}

/// Where a build's files go as they are made: a build writes them into its staging directory,
/// `build --check` compares them; either keeps what it returns (only paths). Called on the
/// threads that make the files.
type Put<'p> = dyn Fn(Vec<OutputFile>) -> Result<Vec<OutputFile>, DriverError> + Sync + 'p;

/// [`generate_into`] for the forms of `bundle`, each declared in the file of `places`.
///
/// Form by form, on the threads of the settings' pool, every target makes the form's own files,
/// which are hashed and handed to `put` at once; the files a target makes for the whole bundle
/// come before (and after) the forms'. So a catalogue's outputs are never all in memory, and
/// the manifest lists the files in the same order on any number of threads.
fn generate_bundle(
    db: &SourceDb,
    places: &[(usize, FileId)],
    bundle: &ir::Bundle,
    generation: &mut Generation,
    put: &Put,
) -> Result<Vec<OutputFile>, DriverError> {
    let Generation { targets, settings, on_phase, .. } = *generation;
    let forms: Vec<(FileId, &ir::Form)> = places.iter().map(|(_, file)| *file).zip(&bundle.forms).collect();
    let mut cache =
        generation.cache.take().map(|(key, started)| incremental::Cache::of_build(key, db, &forms, started));
    let jobs = settings.pool.jobs;
    let emit_error = |e: emit::EmitError| DriverError { message: e.to_string() };
    // Every target first: a theme that cannot render fails before any file is made.
    let streams: Vec<emit::Stream> = targets
        .iter()
        .map(|t| emit::Stream::new(bundle, *t, settings))
        .collect::<Result<_, _>>()
        .map_err(emit_error)?;
    let take = |batch: Vec<OutputFile>| take_files(put, batch);
    let common = take(emit::common_files())?;
    let heads: Vec<Vec<(OutputFile, String)>> =
        streams.iter().map(|stream| take(stream.head())).collect::<Result<_, _>>()?;
    on_phase(Phase::Emitting { target: targets.first().copied().unwrap_or(Target::Ir), forms: forms.len() });
    let indexed: Vec<(usize, &(FileId, &ir::Form))> = forms.iter().enumerate().collect();
    // Per form: its entry in the manifest, and per target its files (kept, with their hashes).
    let made = crate::parallel::map(jobs, &indexed, |(index, (file, form))| -> Result<_, DriverError> {
        let ir_sha256 = emit::ir_sha256(form);
        let mut per_target = Vec::with_capacity(streams.len());
        for stream in &streams {
            let files = stream.form(*index, form, &ir_sha256).map_err(emit_error);
            // The first error in the forms' order is reported, whichever thread found it.
            per_target.push(files.and_then(&take));
            if let Some(on_item) = &settings.pool.on_item {
                on_item();
            }
        }
        let per_target: Vec<_> = per_target.into_iter().collect::<Result<_, _>>()?;
        Ok(MadeForm::of(form, db.get(*file), ir_sha256, per_target))
    });
    let made: Vec<MadeForm> = made.into_iter().collect::<Result<_, _>>()?;
    let mut tails = Vec::with_capacity(streams.len());
    for (stream, target) in streams.into_iter().zip(targets) {
        let emitted = stream.finish();
        if let Some(cache) = &mut cache {
            cache.record(*target, &emitted);
        }
        tails.push(take(emitted.files)?);
    }
    let made_cache = finish_generation(Generated { common, heads, forms: made, tails }, generation, cache, put)?;
    Ok(made_cache)
}

/// Hashes each file, then hands the batch to `put`: (kept file, hash) in the batch's order.
fn take_files(put: &Put, batch: Vec<OutputFile>) -> Result<Vec<(OutputFile, String)>, DriverError> {
    let hashes: Vec<String> = batch.iter().map(|f| sha256(&f.contents)).collect();
    Ok(put(batch)?.into_iter().zip(hashes).collect())
}

/// One form of a generation as the manifest lists it, with its files per target (kept, with
/// their hashes).
struct MadeForm {
    id: String,
    version: String,
    extends: Option<(String, String)>,
    source: String,
    source_sha256: String,
    ir_sha256: String,
    per_target: Vec<Vec<(OutputFile, String)>>,
}

impl MadeForm {
    fn of(
        form: &ir::Form,
        source: &crate::source::SourceFile,
        ir_sha256: String,
        per_target: Vec<Vec<(OutputFile, String)>>,
    ) -> MadeForm {
        MadeForm {
            id: form.id.clone(),
            version: form.version.clone(),
            extends: form.extends.as_ref().map(|e| (e.id.clone(), e.version.clone())),
            source: source.name.clone(),
            source_sha256: sha256(source.text.as_bytes()),
            ir_sha256,
            per_target,
        }
    }
}

/// The files of a generation (kept, with their hashes) as they were made: the common files,
/// per target the files before the forms', per form (in the bundle's order) and target its
/// own, and per target the files after the forms'.
struct Generated {
    common: Vec<(OutputFile, String)>,
    heads: Vec<Vec<(OutputFile, String)>>,
    forms: Vec<MadeForm>,
    tails: Vec<Vec<(OutputFile, String)>>,
}

/// Lists the files of `made` in the manifest's order, makes the manifest (and the cache's
/// record of it), hands it to `put`, and returns the kept files.
fn finish_generation(
    made: Generated,
    generation: &mut Generation,
    cache: Option<incremental::Cache>,
    put: &Put,
) -> Result<Vec<OutputFile>, DriverError> {
    let Generated { common, heads, forms, tails } = made;
    let mut entries = Vec::with_capacity(forms.len());
    let mut per_form: Vec<std::vec::IntoIter<Vec<(OutputFile, String)>>> = Vec::with_capacity(forms.len());
    for mut form in forms {
        per_form.push(std::mem::take(&mut form.per_target).into_iter());
        entries.push(form);
    }
    // The manifest's order: the common files, then per target its files before the forms',
    // the forms' in the bundle's order, and its files after them.
    let mut files = Vec::new();
    let mut hashes = serde_json::Map::new();
    let mut keep = |batch: Vec<(OutputFile, String)>| {
        for (file, hash) in batch {
            hashes.insert(file.path.clone(), json!(hash));
            files.push(file);
        }
    };
    keep(common);
    for (head, tail) in heads.into_iter().zip(tails) {
        keep(head);
        for form in &mut per_form {
            keep(form.next().unwrap_or_default());
        }
        keep(tail);
    }
    // Each form's own files, in one pass: `ir/<id>.json`, `json-schema/<id>.schema.json`, …
    // (ids have no `.`), and its Rust crate `rust/forms/<dir>/`.
    let crate_dirs: HashMap<String, &str> =
        entries.iter().map(|form| (emit::rust::form_dir(&form.id), form.id.as_str())).collect();
    let mut own_files: HashMap<&str, Vec<&str>> = entries.iter().map(|form| (form.id.as_str(), Vec::new())).collect();
    for file in &files {
        let path = file.path.as_str();
        let in_crate = path.strip_prefix("rust/forms/").and_then(|rest| crate_dirs.get(rest.split_once('/')?.0));
        let owner = in_crate.copied().or_else(|| {
            let (stem, _) = path.rsplit('/').next()?.split_once('.')?;
            own_files.contains_key(stem).then_some(stem)
        });
        if let Some(owned) = owner.and_then(|id| own_files.get_mut(id)) {
            owned.push(path);
        }
    }
    let manifest_forms: Vec<serde_json::Value> = entries
        .iter()
        .map(|form| {
            let mut entry = json!({
                "id": form.id,
                "version": form.version,
                "source": form.source,
                "source_sha256": form.source_sha256,
                "ir_sha256": form.ir_sha256,
                "files": own_files[form.id.as_str()],
            });
            if let Some((id, version)) = &form.extends {
                entry["extends"] = json!({ "id": id, "version": version });
            }
            entry
        })
        .collect();
    let manifest = json!({
        "ir_version": ir::VERSION,
        "targets": generation.targets.iter().map(|t| t.name()).collect::<Vec<_>>(),
        // The target directories under `--out` that Formwerk wrote (a later build replaces
        // only these); a build that emits fewer targets keeps the others listed.
        "directories": generation.listed,
        "forms": manifest_forms,
        "files": hashes,
    });
    let manifest = OutputFile { path: "manifest.json".to_string(), contents: manifest_bytes(&manifest) };
    generation.made_cache = cache.map(|cache| (cache, manifest.contents.clone()));
    files.extend(put(vec![manifest])?);
    Ok(files)
}

pub fn sha256(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}
