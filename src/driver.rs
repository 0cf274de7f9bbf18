//! The driver: finds `.form` files on disk, runs the checker, and writes outputs so that a
//! failed build changes nothing (everything is staged in a temporary directory first).

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use serde_json::json;
use sha2::{Digest, Sha256};

use crate::check::{self, Checked};
use crate::emit::{self, OutputFile, Target};
use crate::ir;
use crate::source::{DirLoader, FileId, SourceDb};

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

/// All `.form` files below `dir`, sorted, so that runs are deterministic.
pub fn find_forms(dir: &Path) -> Result<Vec<PathBuf>, DriverError> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        let entries = std::fs::read_dir(&current).map_err(|e| io_error("read directory", &current, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| io_error("read directory", &current, e))?;
            let path = entry.path();
            let file_type = entry.file_type().map_err(|e| io_error("read", &path, e))?;
            if file_type.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "form") {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
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

/// Loads and checks the `.form` files at `paths` (files or directories).
pub fn check_paths(paths: &[PathBuf], root: Option<&Path>) -> Result<Session, DriverError> {
    let first = paths.first().cloned().unwrap_or_else(|| PathBuf::from("forms"));
    let root = root.map(Path::to_path_buf).unwrap_or_else(|| default_root(&first));
    let loader = DirLoader::new(&root);
    let mut db = SourceDb::new();
    let mut roots: Vec<FileId> = Vec::new();
    for path in paths {
        if !path.exists() {
            return Err(DriverError { message: format!("`{}` does not exist", path.display()) });
        }
        let files = if path.is_dir() { find_forms(path)? } else { vec![path.clone()] };
        for file in files {
            let text = std::fs::read_to_string(&file).map_err(|e| io_error("read", &file, e))?;
            let module = loader
                .module_of(&file)
                .unwrap_or_else(|| file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default());
            if db.find_module(&module).is_some() {
                continue;
            }
            roots.push(db.add(loader.display_name(&file), module, text));
        }
    }
    let checked = check::check(&mut db, &loader, &roots);
    Ok(Session { db, checked })
}

/// The outcome of loading a single form file.
pub enum FormLoad {
    /// The form (and what it imports) has errors; the session holds the diagnostics.
    Failed(Session),
    Loaded(Session, Box<ir::Form>),
}

/// Loads and checks the form declared in `path`, resolving its imports like `check`.
pub fn load_form(path: &Path, root: Option<&Path>) -> Result<FormLoad, DriverError> {
    if !path.is_file() {
        return Err(DriverError { message: format!("`{}` is not a form file", path.display()) });
    }
    let session = check_paths(&[path.to_path_buf()], root)?;
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
    /// Outputs were written.
    Built { session: Session, n_forms: usize, n_files: usize },
}

/// `formwerk build`: checks every form below `forms`, then replaces the outputs of
/// `targets` under `out` (each target owns one subdirectory) and the common files.
pub fn build(
    forms: &Path,
    out: &Path,
    targets: &[Target],
    settings: &emit::Settings,
) -> Result<BuildOutcome, DriverError> {
    if !forms.is_dir() {
        return Err(DriverError { message: format!("forms directory `{}` does not exist", forms.display()) });
    }
    let session = check_paths(&[forms.to_path_buf()], Some(forms))?;
    if session.checked.has_errors() {
        return Ok(BuildOutcome::Failed(session));
    }
    let files = generate(&session, targets, settings)?;
    write_atomically(out, targets, &files)?;
    let n_forms = session.checked.forms.len();
    Ok(BuildOutcome::Built { session, n_forms, n_files: files.len() })
}

/// Every output file of a build, in a fixed order, including the manifest; an error (a theme
/// that cannot render) before anything is written.
pub fn generate(
    session: &Session,
    targets: &[Target],
    settings: &emit::Settings,
) -> Result<Vec<OutputFile>, DriverError> {
    let mut forms: Vec<&(FileId, ir::Form)> = session.checked.forms.iter().collect();
    forms.sort_by(|a, b| a.1.id.cmp(&b.1.id));
    let bundle = ir::Bundle { forms: forms.iter().map(|(_, form)| form.clone()).collect() };
    let mut files = emit::common_files();
    for target in targets {
        files.extend(emit::emit(&bundle, *target, settings).map_err(|e| DriverError { message: e.to_string() })?);
    }
    let manifest_forms: Vec<serde_json::Value> = forms
        .iter()
        .map(|(file, form)| {
            let source = session.db.get(*file);
            let ir_json = serde_json::to_vec(form).expect("the IR serialises");
            let own_files: Vec<&str> = files
                .iter()
                .map(|f| f.path.as_str())
                .filter(|p| {
                    // `ir/<id>.json`, `json-schema/<id>.schema.json`, …
                    Path::new(p).file_name().is_some_and(|n| n.to_string_lossy().starts_with(&format!("{}.", form.id)))
                })
                .collect();
            json!({
                "id": form.id,
                "version": form.version,
                "source": source.name,
                "source_sha256": sha256(source.text.as_bytes()),
                "ir_sha256": sha256(&ir_json),
                "files": own_files,
            })
        })
        .collect();
    let hashes: serde_json::Map<String, serde_json::Value> =
        files.iter().map(|f| (f.path.clone(), json!(sha256(&f.contents)))).collect();
    let manifest = json!({
        "ir_version": ir::VERSION,
        "targets": targets.iter().map(|t| t.name()).collect::<Vec<_>>(),
        "forms": manifest_forms,
        "files": hashes,
    });
    let mut contents = serde_json::to_vec_pretty(&manifest).expect("JSON values serialise");
    contents.push(b'\n');
    files.push(OutputFile { path: "manifest.json".to_string(), contents });
    Ok(files)
}

pub fn sha256(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Writes `files` into a staging directory next to `out`, then swaps each target's
/// directory and each common file into place. Nothing under `out` changes if staging fails.
fn write_atomically(out: &Path, targets: &[Target], files: &[OutputFile]) -> Result<(), DriverError> {
    let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| io_error("create", parent, e))?;
    let out_name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "generated".into());
    let staging = parent.join(format!(".{out_name}.staging-{}", std::process::id()));
    if staging.exists() {
        std::fs::remove_dir_all(&staging).map_err(|e| io_error("remove", &staging, e))?;
    }
    let result = stage(&staging, files).and_then(|()| swap_in(out, &staging, targets, files));
    let _ = std::fs::remove_dir_all(&staging);
    result
}

fn stage(staging: &Path, files: &[OutputFile]) -> Result<(), DriverError> {
    for file in files {
        let path = staging.join(&file.path);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| io_error("create", dir, e))?;
        }
        std::fs::write(&path, &file.contents).map_err(|e| io_error("write", &path, e))?;
    }
    for dir in Target::ALL.iter().chain(Target::EXTRA).map(|t| staging.join(t.directory())) {
        // A target with no forms still owns an (empty) directory.
        std::fs::create_dir_all(&dir).map_err(|e| io_error("create", &dir, e))?;
    }
    Ok(())
}

fn swap_in(out: &Path, staging: &Path, targets: &[Target], files: &[OutputFile]) -> Result<(), DriverError> {
    std::fs::create_dir_all(out).map_err(|e| io_error("create", out, e))?;
    for target in targets {
        let new = staging.join(target.directory());
        let current = out.join(target.directory());
        let old = out.join(format!(".{}.old-{}", target.directory(), std::process::id()));
        if current.exists() {
            std::fs::rename(&current, &old).map_err(|e| io_error("move", &current, e))?;
        }
        std::fs::rename(&new, &current).map_err(|e| io_error("move", &new, e))?;
        if old.exists() {
            std::fs::remove_dir_all(&old).map_err(|e| io_error("remove", &old, e))?;
        }
    }
    for file in files.iter().filter(|f| !f.path.contains('/')) {
        let from = staging.join(&file.path);
        let to = out.join(&file.path);
        std::fs::rename(&from, &to).map_err(|e| io_error("move", &from, e))?;
    }
    Ok(())
}
