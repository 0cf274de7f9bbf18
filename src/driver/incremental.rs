//! The build cache: a build that remakes only the forms whose sources changed.
//!
//! After every build, `<out>/.formwerk-cache.json` (hidden, never part of a generation, not
//! compared by `build --check`) records what that build read and decided: a key of everything
//! besides the forms that the outputs depend on (compiler binary, targets, settings, theme,
//! code lists, catalogues), every source file with its hash, per form the files it was made
//! from (its own and the modules of its code lists and group types), the targets' decisions
//! for the whole catalogue ([`emit::Emitted::decisions`]) and per form what the catalogue-wide
//! files read from it ([`emit::Emitted::contributions`]), and the hash of the manifest written
//! with it.
//!
//! The next build first tries [`try_build`]: when the key and the manifest are the same and
//! the set of source files is too, it hashes the sources and checks only the forms whose files
//! changed (with the modules they use, read again). It makes only those forms' files, and only
//! if each keeps its id, its list of files and its contributions, which means that no other
//! file can change; then it replaces only the files whose contents differ and the manifest,
//! through the same journal as a full build (all-old or all-new under SIGKILL). Everything
//! else (a changed module, a new or removed file, a form whose contributions change, any
//! doubt) falls back to the full build, which writes the same bytes: the cache decides how
//! much is remade, never what is written (`tests/incremental.rs` compares both).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::output::OutputDir;
use super::{check_paths_in, find_forms, sha256, BuildOutcome, DriverError, Paths, Phase, Session};
use crate::emit::{self, OutputFile, Target};
use crate::files;
use crate::source::{DirLoader, FileId, SourceDb};

/// The cache's name inside `--out`.
pub const CACHE: &str = ".formwerk-cache.json";

/// What a build leaves for the next one (see the module's documentation).
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Cache {
    /// Always [`FORMAT`].
    format: u32,
    key: String,
    manifest_sha256: String,
    /// Every source file read, by its name in the build, with the hash of its bytes.
    files: BTreeMap<String, String>,
    /// The stamps of the source files whose hashes need not be computed again while their
    /// stamps stay the same: only of files not changed since their build started (a file
    /// changed while it is read may have a stamp that its hash does not belong to).
    source_stamps: BTreeMap<String, String>,
    /// Per form id, its source file and the files it was made from.
    forms: BTreeMap<String, FormInputs>,
    /// Per target name, its decisions for the whole catalogue.
    decisions: BTreeMap<String, Value>,
    /// Per target name and form id, the form's contribution.
    contributions: BTreeMap<String, BTreeMap<String, String>>,
    /// Every file and directory of the generation (the targets' directories and the top-level
    /// files) as the build left it: size and modification time, so that a file edited, added
    /// or removed by hand since (which changes its directory's time) makes the next build a
    /// full one.
    stamps: BTreeMap<String, String>,
}

const FORMAT: u32 = 1;

#[derive(Debug, Default, Serialize, Deserialize)]
struct FormInputs {
    source: String,
    inputs: BTreeSet<String>,
}

impl Cache {
    /// The cache of a build of `forms` (each with the file it was declared in) from `db`.
    /// The cache of a build that started at `started` (before it read any source).
    pub fn of_build(
        key: String,
        db: &SourceDb,
        forms: &[(FileId, &crate::ir::Form)],
        started: std::time::SystemTime,
    ) -> Cache {
        let mut cache = Cache::new(key);
        cache.read_sources(db, db.ids(), started);
        for (file, form) in forms {
            cache.made_form(db, *file, form);
        }
        for (_, form) in forms {
            // An overlay is made from its base's source too.
            if let Some(extends) = &form.extends {
                if let Some((base_file, _)) = forms.iter().find(|(_, f)| f.id == extends.id) {
                    cache.add_input(&form.id, db.get(*base_file).name.clone());
                }
            }
        }
        cache
    }

    /// An empty cache under `key`, to be told what a build read and made.
    pub fn new(key: String) -> Cache {
        Cache { format: FORMAT, key, ..Cache::default() }
    }

    /// Records the source files `ids` of `db` with their hashes, and the stamps of those not
    /// changed since the build `started`.
    pub fn read_sources(&mut self, db: &SourceDb, ids: impl Iterator<Item = FileId>, started: std::time::SystemTime) {
        for id in ids {
            let file = db.get(id);
            self.files.insert(file.name.clone(), sha256(file.text.as_bytes()));
            // A directory build names each file by its path as given.
            if let Ok(metadata) = std::fs::symlink_metadata(&file.name) {
                if unchanged_since(&metadata, started) {
                    self.source_stamps.insert(file.name.clone(), stamp_text(&metadata));
                }
            }
        }
    }

    /// Records that `form`, declared in `file`, was made from its file and the modules of its
    /// code lists and group types (an overlay's base is added with [`Cache::add_input`]).
    pub fn made_form(&mut self, db: &SourceDb, file: FileId, form: &crate::ir::Form) {
        let source = db.get(file).name.clone();
        let modules = form.codelists.values().map(|l| &l.module).chain(form.group_types.values().map(|t| &t.module));
        let mut inputs: BTreeSet<String> =
            modules.filter_map(|m| db.find_module(m)).map(|id| db.get(id).name.clone()).collect();
        inputs.insert(source.clone());
        self.forms.insert(form.id.clone(), FormInputs { source, inputs });
    }

    /// Records that the form `id` was made from `source` too.
    pub fn add_input(&mut self, id: &str, source: String) {
        if let Some(form) = self.forms.get_mut(id) {
            form.inputs.insert(source);
        }
    }

    /// Records a target's decisions and contributions.
    pub fn record(&mut self, target: Target, emitted: &emit::Emitted) {
        if !emitted.decisions.is_null() {
            self.decisions.insert(target.name().to_string(), emitted.decisions.clone());
        }
        if !emitted.contributions.is_empty() {
            self.contributions.insert(target.name().to_string(), emitted.contributions.clone());
        }
    }

    /// Writes the cache into `out` for the manifest `manifest` (its bytes as written), with
    /// the stamps of the whole generation (`entries`: the targets' directories and top-level
    /// files).
    pub fn write_all(mut self, dir: &OutputDir, manifest: &[u8], entries: &[String]) -> Result<(), DriverError> {
        self.stamps = stamp_tree(dir.path(), entries);
        self.write(dir, manifest)
    }

    /// Writes the cache into `out` for the manifest `manifest` (its bytes as written).
    fn write(mut self, dir: &OutputDir, manifest: &[u8]) -> Result<(), DriverError> {
        self.manifest_sha256 = sha256(manifest);
        let bytes = serde_json::to_vec(&self).expect("the cache serialises");
        dir.write_private(CACHE, &bytes)
    }
}

/// The key of everything besides the forms that a build's outputs depend on: the compiler
/// (its version and its binary's size and time), the targets and settings, the theme, and the
/// files of the code-list and catalogue directories (names, sizes and times).
pub fn key(paths: &Paths, targets: &[Target], settings: &emit::Settings) -> String {
    let exe = std::env::current_exe().ok().and_then(|exe| std::fs::metadata(exe).ok());
    let root = paths.forms;
    let codelists = paths.codelists.map(Path::to_path_buf).or_else(|| super::default_codelists(root));
    let catalogues = paths.catalogues.map(Path::to_path_buf).or_else(|| super::default_catalogues(root));
    let key = serde_json::json!({
        "formwerk": env!("CARGO_PKG_VERSION"),
        "ir": crate::ir::VERSION,
        "binary": exe.map(|m| (m.len(), stamp(&m))),
        "forms": paths.forms.display().to_string(),
        "targets": targets.iter().map(|t| t.name()).collect::<Vec<_>>(),
        "crate_name": settings.crate_name,
        "schema_base_uri": settings.schema_base_uri,
        "theme": sha256(format!("{:?}", settings.html_theme).as_bytes()),
        "codelists": codelists.map(|dir| listing(&dir)),
        "catalogues": catalogues.map(|dir| listing(&dir)),
    });
    sha256(&serde_json::to_vec(&key).expect("JSON values serialise"))
}

/// The stamps (see [`Cache::stamps`]) of the entries `entries` of `out` and, for directories,
/// of everything below them (without following links; iterative).
fn stamp_tree(out: &Path, entries: &[String]) -> BTreeMap<String, String> {
    let mut stamps = BTreeMap::new();
    let mut stack: Vec<String> = entries.to_vec();
    while let Some(relative) = stack.pop() {
        let path = out.join(&relative);
        let Ok(metadata) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        if metadata.is_dir() {
            if let Ok(children) = std::fs::read_dir(&path) {
                for child in children.flatten() {
                    stack.push(format!("{relative}/{}", child.file_name().to_string_lossy()));
                }
            }
        }
        stamps.insert(relative, stamp_text(&metadata));
    }
    stamps
}

/// What is recorded of one entry: kind, size and time.
fn stamp_text(metadata: &std::fs::Metadata) -> String {
    let kind = if metadata.file_type().is_symlink() {
        "link"
    } else if metadata.is_dir() {
        "dir"
    } else {
        "file"
    };
    format!("{kind} {} {}", metadata.len(), stamp(metadata).unwrap_or(0))
}

/// Whether every stamped entry of `out` is as recorded (looked at on every core).
fn stamps_hold(out: &Path, stamps: &BTreeMap<String, String>, jobs: usize) -> bool {
    let entries: Vec<(&String, &String)> = stamps.iter().collect();
    let held = crate::parallel::map(jobs, &entries, |(relative, recorded)| {
        std::fs::symlink_metadata(out.join(relative)).is_ok_and(|metadata| stamp_text(&metadata) == **recorded)
    });
    held.into_iter().all(|held| held)
}

/// Whether a file was last changed before `started` (so not while a build that started then
/// read it).
fn unchanged_since(metadata: &std::fs::Metadata, started: std::time::SystemTime) -> bool {
    metadata.modified().is_ok_and(|modified| modified < started)
}

/// A file's modification time in nanoseconds, if the system has one.
fn stamp(metadata: &std::fs::Metadata) -> Option<u128> {
    metadata.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok().map(|d| d.as_nanos())
}

/// The entries of `dir` with their sizes and times (nothing below; sorted).
fn listing(dir: &Path) -> Vec<(String, u64, Option<u128>)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut listed: Vec<_> = entries
        .flatten()
        .filter_map(|entry| {
            let metadata = entry.metadata().ok()?;
            Some((entry.file_name().to_string_lossy().into_owned(), metadata.len(), stamp(&metadata)))
        })
        .collect();
    listed.sort();
    listed
}

/// A build of only the forms whose sources changed, if the cache in `paths.out` allows one
/// (see the module's documentation); `Ok(None)`: a full build is needed, and nothing was
/// written.
pub fn try_build(
    paths: &Paths,
    targets: &[Target],
    settings: &emit::Settings,
    on_phase: &dyn Fn(Phase),
) -> Result<Option<BuildOutcome>, DriverError> {
    match std::fs::symlink_metadata(paths.out) {
        Ok(metadata) if metadata.is_dir() && !metadata.file_type().is_symlink() => {}
        _ => return Ok(None),
    }
    let key = key(paths, targets, settings);
    // The lock is held from before the cache is read until the commit; the full build opens
    // the directory again, so it is released (dropped) before falling back.
    let Some(dir) = OutputDir::open(paths.out, false, || super::wait_message(paths.out))? else {
        return Ok(None);
    };
    let Some((cache, manifest)) = read_cache(&dir, &key)? else {
        return Ok(None);
    };
    // The generation must be as the last build left it (nothing edited, added or removed).
    if cache.stamps.is_empty() || !stamps_hold(paths.out, &cache.stamps, settings.pool.jobs) {
        return Ok(None);
    }
    on_phase(Phase::Checking);
    // The same files as the last build, each named as the checker names it.
    let loader = DirLoader::new(paths.forms);
    let found: Vec<(String, PathBuf)> =
        find_forms(paths.forms)?.into_iter().map(|path| (loader.display_name(&path), path)).collect();
    if found.len() != cache.files.len() || found.iter().any(|(name, _)| !cache.files.contains_key(name)) {
        return Ok(None);
    }
    // A file whose stamp is the recorded one keeps its hash; the others are read and hashed
    // (stamped before reading: a change meanwhile changes the stamp again).
    let started = std::time::SystemTime::now();
    let looked = crate::parallel::map(settings.pool.jobs, &found, |(name, path)| {
        let metadata = std::fs::symlink_metadata(path).ok().filter(|m| m.is_file())?;
        let now = stamp_text(&metadata);
        if cache.source_stamps.get(name) == Some(&now) {
            return Some((cache.files[name].clone(), Some(now)));
        }
        let bytes = files::read_regular(path, files::MAX_SOURCE_BYTES).ok()?;
        Some((sha256(&bytes), unchanged_since(&metadata, started).then_some(now)))
    });
    let mut changed = BTreeSet::new();
    let mut stamps = BTreeMap::new();
    for ((name, _), looked) in found.iter().zip(looked) {
        // Unreadable now: the full build reports it.
        let Some((hash, stamp)) = looked else {
            return Ok(None);
        };
        if cache.files[name] != hash {
            changed.insert(name.clone());
        }
        if let Some(stamp) = stamp {
            stamps.insert(name.clone(), stamp);
        }
    }
    let dirty: Vec<(&String, &FormInputs)> =
        cache.forms.iter().filter(|(_, form)| form.inputs.iter().any(|input| changed.contains(input))).collect();
    let sources: BTreeSet<&String> = dirty.iter().map(|(_, form)| &form.source).collect();
    // A changed file that declares no form is a module (or was unused): the full build checks it.
    if changed.iter().any(|name| !sources.contains(name)) {
        return Ok(None);
    }
    let paths_of: BTreeMap<&String, &PathBuf> = found.iter().map(|(name, path)| (name, path)).collect();
    let to_check: Vec<PathBuf> = sources.iter().map(|name| paths_of[*name].clone()).collect();
    let mut session = if to_check.is_empty() {
        Session { db: SourceDb::new(), checked: crate::check::Checked::default() }
    } else {
        check_paths_in(&to_check, Some(paths.forms), paths.codelists, paths.catalogues)?.without_program()
    };
    if session.checked.has_errors() {
        drop(dir);
        return Ok(Some(BuildOutcome::Failed(session)));
    }
    // Each changed file must declare the same forms as before.
    let before: BTreeSet<(&str, &str)> = dirty.iter().map(|(id, form)| (id.as_str(), form.source.as_str())).collect();
    let after: BTreeSet<(&str, &str)> = session
        .checked
        .forms
        .iter()
        .map(|(file, form)| (form.id.as_str(), session.db.get(*file).name.as_str()))
        .collect();
    if before != after {
        return Ok(None);
    }
    let Some(made) = remake(&session, &cache, &manifest, targets, settings, on_phase)? else {
        return Ok(None);
    };
    let n_forms = manifest["forms"].as_array().map_or(0, Vec::len);
    let remade = session.checked.forms.len();
    // The new cache: the new hashes of the changed files and of the modules read again.
    let mut next = cache;
    let new_stamps = stamps != next.source_stamps;
    next.source_stamps = stamps;
    for id in session.db.ids() {
        let file = session.db.get(id);
        if next.files.contains_key(&file.name) {
            let hash = sha256(file.text.as_bytes());
            // Read again after it was stamped: a stamp holds only for what was hashed then.
            if next.files.get(&file.name) != Some(&hash) && !changed.contains(&file.name) {
                next.source_stamps.remove(&file.name);
            }
            next.files.insert(file.name.clone(), hash);
        }
    }
    if made.files.is_empty() {
        // Nothing to write (the manifest is the same, too); the cache, if it learnt something.
        if !changed.is_empty() || new_stamps {
            next.write(&dir, &made.manifest)?;
        }
    } else {
        on_phase(Phase::Writing { files: made.files.len() });
        let staging = dir.stage_files()?;
        if let Err(error) = staging.write(&made.files) {
            dir.abandon(staging);
            return Err(error);
        }
        dir.commit(staging)?;
        // The files written and the directories they were renamed into have new stamps.
        for file in &made.files {
            let mut relative = file.path.as_str();
            loop {
                if let Ok(metadata) = std::fs::symlink_metadata(paths.out.join(relative)) {
                    next.stamps.insert(relative.to_string(), stamp_text(&metadata));
                }
                match relative.rsplit_once('/') {
                    Some((parent, _)) => relative = parent,
                    None => break,
                }
            }
        }
        next.write(&dir, &made.manifest)?;
    }
    let n_files = manifest["files"].as_object().map_or(0, |files| files.len()) + 1;
    let sources = found.into_iter().map(|(name, _)| name).collect();
    session.checked.forms.sort_by(|a, b| a.1.id.cmp(&b.1.id));
    Ok(Some(BuildOutcome::Built { session, n_forms, n_files, remade, sources }))
}

/// The cache and manifest of `dir`, if the cache was written with this manifest and `key`.
fn read_cache(dir: &OutputDir, key: &str) -> Result<Option<(Cache, Value)>, DriverError> {
    let (Some(cache), Some(manifest)) = (dir.read(CACHE)?, dir.read("manifest.json")?) else {
        return Ok(None);
    };
    let Ok(cache) = serde_json::from_slice::<Cache>(&cache) else {
        return Ok(None);
    };
    if cache.format != FORMAT || cache.key != key || cache.manifest_sha256 != sha256(&manifest) {
        return Ok(None);
    }
    let Ok(manifest) = serde_json::from_slice::<Value>(&manifest) else {
        return Ok(None);
    };
    Ok(super::is_manifest(&manifest).then_some((cache, manifest)))
}

/// What an incremental build writes: the files whose contents changed, and the new manifest's
/// bytes (among `files` if it changed).
struct Made {
    files: Vec<OutputFile>,
    manifest: Vec<u8>,
}

/// The changed forms' files for every target, and the manifest with their new hashes; `None`
/// if a form's files or contributions differ from what the cache knows (a full build then).
fn remake(
    session: &Session,
    cache: &Cache,
    manifest: &Value,
    targets: &[Target],
    settings: &emit::Settings,
    on_phase: &dyn Fn(Phase),
) -> Result<Option<Made>, DriverError> {
    let mut manifest = manifest.clone();
    let no_decisions = Value::Null;
    let mut own: BTreeMap<&str, Vec<OutputFile>> = BTreeMap::new();
    for target in targets {
        on_phase(Phase::Emitting { target: *target, forms: session.checked.forms.len() });
        let decisions = cache.decisions.get(target.name()).unwrap_or(&no_decisions);
        let known = cache.contributions.get(target.name());
        for (_, form) in &session.checked.forms {
            let made = emit::emit_form(form, *target, settings, decisions)
                .map_err(|error| DriverError { message: error.to_string() })?;
            let Some((files, contribution)) = made else {
                return Ok(None);
            };
            if contribution.as_ref() != known.and_then(|k| k.get(&form.id)) {
                return Ok(None);
            }
            if let Some(on_item) = &settings.pool.on_item {
                on_item();
            }
            own.entry(form.id.as_str()).or_default().extend(files);
        }
    }
    let Some(entries) = manifest["forms"].as_array_mut() else {
        return Ok(None);
    };
    let mut made_files = Vec::new();
    for (file, form) in &session.checked.forms {
        let Some(entry) = entries.iter_mut().find(|entry| entry["id"] == form.id.as_str()) else {
            return Ok(None);
        };
        let made = own.remove(form.id.as_str()).unwrap_or_default();
        // The same files as before: then the manifest lists them the same.
        let mut listed: Vec<&str> = entry["files"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
        let mut made_paths: Vec<&str> = made.iter().map(|f| f.path.as_str()).collect();
        listed.sort_unstable();
        made_paths.sort_unstable();
        if made_paths != listed {
            return Ok(None);
        }
        let source = session.db.get(*file);
        entry["version"] = Value::from(form.version.as_str());
        entry["source_sha256"] = Value::from(sha256(source.text.as_bytes()));
        entry["ir_sha256"] = Value::from(emit::ir_sha256(form));
        made_files.extend(made);
    }
    let Some(listed) = manifest["files"].as_object_mut() else {
        return Ok(None);
    };
    let mut files = Vec::new();
    for file in made_files {
        let hash = sha256(&file.contents);
        // Only values change: the order of the listing stays the full build's.
        let Some(value) = listed.get_mut(&file.path) else {
            return Ok(None);
        };
        if value.as_str() != Some(hash.as_str()) {
            *value = Value::from(hash);
            files.push(file);
        }
    }
    let bytes = super::manifest_bytes(&manifest);
    if sha256(&bytes) != cache.manifest_sha256 {
        files.push(OutputFile { path: "manifest.json".to_string(), contents: bytes.clone() });
    }
    Ok(Some(Made { files, manifest: bytes }))
}
