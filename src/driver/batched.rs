//! A whole build (and `build --check`) made a batch of form files at a time, so that its memory
//! does not grow with the catalogue.
//!
//! Each batch of files (`Pool::forms_at_once`, in the forms directory's order) is read, checked
//! like a whole run (with the modules its files use, which stay loaded for the next batches),
//! and its forms' files are made at once, every target's but the Rust crate's. What stays of a
//! batch is small: per form its manifest entry, its files' paths and hashes, what the Rust
//! crate decides from ([`emit::rust::Outline`]), and its IR, written to a private temporary
//! directory ([`Spill`]); the parse trees, the IR in memory and the texts of the files without
//! diagnostics are dropped. Before a batch's files are made, what spans the catalogue is
//! checked with the names of every batch so far (forms declared twice, names that coincide:
//! [`check::check_names`]). After the last batch the Rust crate is made: its decisions from
//! the outlines, then each form's crate from its IR read back.
//!
//! Errors anywhere fall back to checking every file at once, so that a failed build reports
//! exactly what `formwerk check` reports (the files already made are the caller's to drop).
//! The files and the manifest are those of a generation of the whole bundle, byte for byte, on
//! any batch size and number of threads (`tests/batched.rs`).

use std::collections::BTreeSet;
use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::{
    check_forms, find_forms, finish_generation, project_inputs, read_source, take_files, DriverError, Generated,
    Generation, MadeForm, Paths, Phase, Put, Session,
};
use crate::check::{self, Checked};
use crate::diag::{self, Diagnostic};
use crate::emit::{self, rust::Outline, OutputFile, Target};
use crate::ir;
use crate::source::{DirLoader, FileId, SourceDb};

/// What a batched generation ends with.
pub(super) enum Batched {
    /// The forms have errors: the session of checking every file at once.
    Failed(Session),
    /// Made: the run's diagnostics and sources (no forms: they were dropped as they were made),
    /// how many forms, and the files as `put` kept them.
    Made { session: Session, n_forms: usize, files: Vec<OutputFile> },
}

/// Makes the files of `generation` from the forms of `paths.forms` a batch at a time, handing
/// them to `put` as they are made (see the module's documentation).
pub(super) fn generate(paths: &Paths, generation: &mut Generation, put: &Put) -> Result<Batched, DriverError> {
    let Generation { targets, settings, on_phase, .. } = *generation;
    on_phase(Phase::Checking);
    let (library, project) = project_inputs(paths.forms, paths.codelists, paths.catalogues)?;
    let loader = DirLoader::new(paths.forms);
    let found = find_forms(paths.forms)?;
    let at_once = match settings.pool.forms_at_once {
        0 => crate::parallel::FORMS_AT_ONCE,
        n => n,
    };
    let jobs = settings.pool.jobs;
    let emit_error = |e: emit::EmitError| DriverError { message: e.to_string() };
    // Every target first: a theme that cannot render fails before any file is made. The Rust
    // crate's stream needs every form's outline, so it is made after the last batch.
    let streams: Vec<Option<emit::Stream>> = targets
        .iter()
        .map(|t| (*t != Target::Rust).then(|| emit::Stream::of_outlines(&[], *t, settings)).transpose())
        .collect::<Result<_, _>>()
        .map_err(emit_error)?;
    let rust = targets.iter().position(|t| *t == Target::Rust);
    let spill = rust.map(|_| Spill::new()).transpose()?;
    let take = |batch: Vec<OutputFile>| take_files(put, batch);
    let common = take(emit::common_files())?;
    let mut cache = generation.cache.take().map(|(key, started)| (super::incremental::Cache::new(key), started));

    let mut db = SourceDb::new();
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let mut names = check::Names::default();
    let mut made: Vec<MadeForm> = Vec::new();
    let mut outlines: Vec<Outline> = Vec::new();
    let mut interner = emit::rust::Interner::default();
    // Each overlay's id with its base's id, for the cache.
    let mut overlays: Vec<(String, String)> = Vec::new();
    for (n, batch) in found.chunks(at_once).enumerate() {
        let mut roots = Vec::with_capacity(batch.len());
        for file in batch {
            // A file an earlier batch read as a module is checked as a root now, from that text.
            roots.push(read_source(&mut db, &loader, file)?.0);
        }
        let mut checked = check::check_with_catalogues(&mut db, &loader, &library, &project, &roots);
        // Overlays are proved against their bases (`formwerk compat` in the submit direction).
        crate::overlay::apply(&mut checked);
        if checked.has_errors() {
            return whole_check(paths, on_phase);
        }
        let Checked { forms, diagnostics: mut found_here, names: mut named, .. } = checked;
        let reported: BTreeSet<FileId> =
            found_here.iter().flat_map(|d| d.labels.iter().map(|label| label.span.file)).collect();
        diagnostics.append(&mut found_here);
        // What spans the catalogue, before this batch's files are made (a form declared in an
        // earlier batch would make the same files again): forms declared twice, names that
        // coincide. Only errors.
        names.forms.append(&mut named.forms);
        names.modules.append(&mut named.modules);
        names.modules.sort();
        names.modules.dedup();
        let mut across = Vec::new();
        check::check_names(&names, &mut across);
        if !across.is_empty() {
            return whole_check(paths, on_phase);
        }
        if let Some((cache, started)) = &mut cache {
            cache.read_sources(&db, roots.iter().copied(), *started);
            for (file, form) in &forms {
                cache.made_form(&db, *file, form);
            }
        }
        // How many forms there are is known once every file is read: until then, every file
        // not read yet counts as one.
        let unread = found.len().saturating_sub((n + 1) * at_once);
        let target = targets.first().copied().unwrap_or(Target::Ir);
        on_phase(Phase::Emitting { target, forms: made.len() + forms.len() + unread });
        let first = made.len();
        let indexed: Vec<(usize, &(FileId, ir::Form))> = forms.iter().enumerate().collect();
        let shared_db = &db;
        let batch_made = crate::parallel::map(jobs, &indexed, |(i, (file, form))| -> Result<MadeForm, DriverError> {
            let ir_sha256 = emit::ir_sha256(form);
            let mut per_target = Vec::with_capacity(streams.len());
            for stream in &streams {
                match stream {
                    Some(stream) => {
                        per_target.push(take(stream.form(0, form, &ir_sha256).map_err(emit_error)?)?);
                        if let Some(on_item) = &settings.pool.on_item {
                            on_item();
                        }
                    }
                    // Made after the last batch, from the IR written now.
                    None => {
                        per_target.push(Vec::new());
                        if let Some(spill) = &spill {
                            spill.write(first + i, form)?;
                        }
                    }
                }
            }
            Ok(MadeForm::of(form, shared_db.get(*file), ir_sha256, per_target))
        });
        for form in batch_made {
            made.push(form?);
        }
        for (file, form) in &forms {
            if rust.is_some() {
                outlines.push(Outline::of(form, &mut interner));
            }
            if let Some(extends) = &form.extends {
                overlays.push((form.id.clone(), extends.id.clone()));
            }
            if !reported.contains(file) {
                db.forget_text(*file);
            }
        }
    }
    // The bundle's order is the forms' ids'.
    let mut order: Vec<usize> = (0..made.len()).collect();
    order.sort_by(|a, b| made[*a].id.cmp(&made[*b].id));
    let mut heads: Vec<Vec<(OutputFile, String)>> = targets.iter().map(|_| Vec::new()).collect();
    let mut tails: Vec<Vec<(OutputFile, String)>> = targets.iter().map(|_| Vec::new()).collect();
    if let (Some(r), Some(spill)) = (rust, &spill) {
        let mut slots: Vec<Option<Outline>> = outlines.into_iter().map(Some).collect();
        let sorted: Vec<Outline> = order.iter().filter_map(|i| slots[*i].take()).collect();
        let stream = emit::Stream::of_outlines(&sorted, Target::Rust, settings).map_err(emit_error)?;
        drop(sorted);
        heads[r] = take(stream.head())?;
        let indexed: Vec<(usize, usize)> = order.iter().copied().enumerate().collect();
        let crates = crate::parallel::map(jobs, &indexed, |(index, at)| -> Result<_, DriverError> {
            let form = spill.read(*at)?;
            let files = take(stream.form(*index, &form, &made[*at].ir_sha256).map_err(emit_error)?)?;
            if let Some(on_item) = &settings.pool.on_item {
                on_item();
            }
            Ok(files)
        });
        for ((_, at), files) in indexed.iter().zip(crates) {
            made[*at].per_target[r] = files?;
        }
        let emitted = stream.finish();
        if let Some((cache, _)) = &mut cache {
            cache.record(Target::Rust, &emitted);
        }
        tails[r] = take(emitted.files)?;
    }
    for (stream, target) in streams.into_iter().zip(targets) {
        if let Some(stream) = stream {
            let emitted = stream.finish();
            if let Some((cache, _)) = &mut cache {
                cache.record(*target, &emitted);
            }
            let position = targets.iter().position(|t| t == target).unwrap_or_default();
            tails[position] = take(emitted.files)?;
        }
    }
    let cache = cache.map(|(mut cache, started)| {
        // The modules, which stay loaded; the forms' files were recorded with their batches.
        cache.read_sources(&db, db.ids().filter(|id| !db.get(*id).forgotten()), started);
        for (overlay, base) in &overlays {
            if let Some(base) = made.iter().find(|form| form.id == *base) {
                cache.add_input(overlay, base.source.clone());
            }
        }
        cache
    });
    let n_forms = made.len();
    let mut slots: Vec<Option<MadeForm>> = made.into_iter().map(Some).collect();
    let forms: Vec<MadeForm> = order.iter().filter_map(|i| slots[*i].take()).collect();
    let files = finish_generation(Generated { common, heads, forms, tails }, generation, cache, put)?;
    diag::sort(&mut diagnostics);
    let checked = Checked { diagnostics, ..Checked::default() };
    Ok(Batched::Made { session: Session { db, checked }, n_forms, files })
}

/// Checks every file at once after a batch found an error, so that the build reports what
/// `formwerk check` reports.
fn whole_check(paths: &Paths, on_phase: &dyn Fn(Phase)) -> Result<Batched, DriverError> {
    let session = check_forms(paths, on_phase)?;
    if session.checked.has_errors() {
        return Ok(Batched::Failed(session));
    }
    Err(DriverError {
        message: "internal error: checking the forms a batch at a time found an error that checking them all at \
                  once does not find; please report this with the forms"
            .to_string(),
    })
}

/// The IR of the forms whose Rust crates are made after the last batch, as compact JSON in a
/// directory of its own under the system's temporary directory (created new, private to the
/// user, removed when dropped).
struct Spill {
    dir: PathBuf,
}

impl Spill {
    fn new() -> Result<Spill, DriverError> {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let base = std::env::temp_dir();
        loop {
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            let dir = base.join(format!("formwerk-ir-{}-{n}", std::process::id()));
            match private_dir(&dir) {
                Ok(()) => return Ok(Spill { dir }),
                // Left by another process of the same id, or made by someone else: not ours.
                Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists && n < 1000 => continue,
                Err(error) => return Err(super::io_error("create the temporary directory", &dir, error)),
            }
        }
    }

    fn path(&self, index: usize) -> PathBuf {
        self.dir.join(format!("{index}.json"))
    }

    fn write(&self, index: usize, form: &ir::Form) -> Result<(), DriverError> {
        let path = self.path(index);
        let written = std::fs::File::create_new(&path).and_then(|file| {
            let mut writer = std::io::BufWriter::new(file);
            serde_json::to_writer(&mut writer, form).map_err(std::io::Error::other)?;
            writer.flush()
        });
        written.map_err(|error| super::io_error("write", &path, error))
    }

    fn read(&self, index: usize) -> Result<ir::Form, DriverError> {
        let path = self.path(index);
        let bytes = std::fs::read(&path).map_err(|error| super::io_error("read", &path, error))?;
        serde_json::from_slice(&bytes).map_err(|error| DriverError {
            message: format!("internal error: the IR written to `{}` does not read back: {error}", path.display()),
        })
    }
}

impl Drop for Spill {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[cfg(unix)]
fn private_dir(dir: &std::path::Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new().mode(0o700).create(dir)
}

#[cfg(not(unix))]
fn private_dir(dir: &std::path::Path) -> std::io::Result<()> {
    std::fs::create_dir(dir)
}
