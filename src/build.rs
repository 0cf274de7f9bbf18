//! The library API of `formwerk build` for `build.rs` scripts and other Rust tools: a builder
//! with the command's defaults, whose `run` writes the outputs and whose `check` says which
//! files are out of date, both returning the diagnostics (rendered by `Display` on failure).
//!
//! ```no_run
//! use formwerk::emit::Target;
//!
//! let built = formwerk::Build::new().forms("forms").out("generated").emit([Target::JsonSchema, Target::Rust]).run()?;
//! built.rerun_if_changed(); // in a build script: rebuild when a form changes
//! # Ok::<(), formwerk::build::Error>(())
//! ```

use std::fmt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use crate::diag::render::{self, RenderOptions};
use crate::diag::{Diagnostic, Severity};
use crate::driver::{self, stale::Stale, BuildOutcome, CheckOutcome, DriverError, Paths, Phase, Session};
use crate::emit::{self, Target};
use crate::parallel::Pool;

/// What a build is doing, for a progress display ([`Build::on_progress`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
    /// Reading and checking the forms.
    Checking,
    /// `done` of `total` files of forms made (each form once per target).
    Emitting { done: usize, total: usize },
    /// Writing (or, for [`Build::check`], comparing) `files` files.
    Writing { files: usize },
}

type OnProgress = Arc<dyn Fn(Progress) + Send + Sync>;

/// A build of the forms in a directory, configured as `formwerk build` is on the command line
/// (same defaults: `forms` into `generated`, every target, the default theme).
#[derive(Clone)]
pub struct Build {
    forms: PathBuf,
    out: PathBuf,
    targets: Vec<Target>,
    theme: String,
    crate_name: String,
    schema_base_uri: String,
    codelists: Option<PathBuf>,
    catalogues: Option<PathBuf>,
    jobs: usize,
    forms_at_once: usize,
    cache: bool,
    on_progress: Option<OnProgress>,
}

impl Default for Build {
    fn default() -> Build {
        let settings = emit::Settings::default();
        Build {
            forms: PathBuf::from("forms"),
            out: PathBuf::from("generated"),
            targets: Target::ALL.to_vec(),
            theme: "default".to_string(),
            crate_name: settings.crate_name,
            schema_base_uri: settings.schema_base_uri,
            codelists: None,
            catalogues: None,
            jobs: 0,
            forms_at_once: 0,
            cache: true,
            on_progress: None,
        }
    }
}

impl fmt::Debug for Build {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Build")
            .field("forms", &self.forms)
            .field("out", &self.out)
            .field("targets", &self.targets)
            .field("theme", &self.theme)
            .field("crate_name", &self.crate_name)
            .field("schema_base_uri", &self.schema_base_uri)
            .field("codelists", &self.codelists)
            .field("catalogues", &self.catalogues)
            .field("jobs", &self.jobs)
            .field("forms_at_once", &self.forms_at_once)
            .finish_non_exhaustive()
    }
}

impl Build {
    /// A build with the defaults of `formwerk build`.
    pub fn new() -> Build {
        Build::default()
    }

    /// The directory of `.form` files (default `forms`); `use a.b` resolves below it.
    pub fn forms(mut self, dir: impl Into<PathBuf>) -> Build {
        self.forms = dir.into();
        self
    }

    /// The output directory (default `generated`); each target replaces only its own subdirectory.
    pub fn out(mut self, dir: impl Into<PathBuf>) -> Build {
        self.out = dir.into();
        self
    }

    /// The targets to emit (default: every target of [`Target::ALL`]); each once, in this order.
    pub fn emit(mut self, targets: impl IntoIterator<Item = Target>) -> Build {
        self.targets.clear();
        for target in targets {
            if !self.targets.contains(&target) {
                self.targets.push(target);
            }
        }
        self
    }

    /// The theme of the HTML pages: `default`, `kern`, or a directory of partials and CSS.
    pub fn theme(mut self, theme: impl Into<String>) -> Build {
        self.theme = theme.into();
        self
    }

    /// The name of the generated Rust crate.
    pub fn crate_name(mut self, name: impl Into<String>) -> Build {
        self.crate_name = name.into();
        self
    }

    /// The base URI of each JSON Schema's `$id` (`<base>/<form>/<version>/schema.json`).
    pub fn schema_base_uri(mut self, uri: impl Into<String>) -> Build {
        self.schema_base_uri = uri.into();
        self
    }

    /// The directory of genericode code lists (default: `codelists` next to the forms, if any).
    pub fn codelists(mut self, dir: impl Into<PathBuf>) -> Build {
        self.codelists = Some(dir.into());
        self
    }

    /// The directory of project catalogues (default: `catalogues` next to the forms, if any).
    pub fn catalogues(mut self, dir: impl Into<PathBuf>) -> Build {
        self.catalogues = Some(dir.into());
        self
    }

    /// Whether to use the build cache in the output directory (default: yes), which remakes
    /// only the forms whose sources changed since the last build, when that gives the same
    /// files as a whole build; `false` always checks and makes every form.
    pub fn cache(mut self, cache: bool) -> Build {
        self.cache = cache;
        self
    }

    /// How many threads make the files (default `0`: one per core). Output never depends on it.
    pub fn jobs(mut self, jobs: usize) -> Build {
        self.jobs = jobs;
        self
    }

    /// How many form files a whole build checks and makes at a time (default `0`:
    /// [`crate::parallel::FORMS_AT_ONCE`]). The build's memory grows with this, not with the
    /// catalogue; output never depends on it.
    pub fn forms_at_once(mut self, forms: usize) -> Build {
        self.forms_at_once = forms;
        self
    }

    /// Calls `on_progress` as the build goes on (from the threads that do the work).
    pub fn on_progress(mut self, on_progress: impl Fn(Progress) + Send + Sync + 'static) -> Build {
        self.on_progress = Some(Arc::new(on_progress));
        self
    }

    /// Checks every form and replaces the outputs in the output directory, all at once (a build
    /// with errors, or one that fails, leaves it as it was).
    pub fn run(&self) -> Result<Built, Error> {
        let settings = self.settings()?;
        let paths = self.paths();
        let (on_phase, settings) = self.reporting(settings);
        match driver::run_build(&paths, &self.targets, &settings, &on_phase, self.cache).map_err(Error::Driver)? {
            BuildOutcome::Failed(session) => Err(Error::Forms(Box::new(session))),
            BuildOutcome::Built { session, n_forms, n_files, remade, sources } => Ok(Built {
                session,
                forms: n_forms,
                files: n_files,
                remade,
                sources: sources.into_iter().map(PathBuf::from).collect(),
                forms_dir: self.forms.clone(),
            }),
        }
    }

    /// Checks every form and compares what [`Build::run`] would write with the output directory,
    /// writing nothing: the stale files are in [`Checked::stale`] (none: up to date).
    pub fn check(&self) -> Result<Checked, Error> {
        let settings = self.settings()?;
        let paths = self.paths();
        let (on_phase, settings) = self.reporting(settings);
        match driver::run_check(&paths, &self.targets, &settings, &on_phase).map_err(Error::Driver)? {
            CheckOutcome::Failed(session) => Err(Error::Forms(Box::new(session))),
            CheckOutcome::Checked { session, n_forms, n_files, stale } => {
                let sources = session.db.ids().map(|id| PathBuf::from(&session.db.get(id).name)).collect();
                let built = Built {
                    session,
                    forms: n_forms,
                    files: n_files,
                    remade: n_forms,
                    sources,
                    forms_dir: self.forms.clone(),
                };
                Ok(Checked { built, stale })
            }
        }
    }

    fn settings(&self) -> Result<emit::Settings, Error> {
        let html_theme = emit::html::Theme::load(&self.theme).map_err(|e| Error::Theme(e.to_string()))?;
        Ok(emit::Settings {
            schema_base_uri: self.schema_base_uri.clone(),
            crate_name: self.crate_name.clone(),
            html_theme,
            pool: Pool { forms_at_once: self.forms_at_once, ..Pool::with_jobs(self.jobs) },
        })
    }

    fn paths(&self) -> Paths<'_> {
        Paths {
            forms: &self.forms,
            out: &self.out,
            codelists: self.codelists.as_deref(),
            catalogues: self.catalogues.as_deref(),
        }
    }

    /// The phase callback and the settings whose pool counts the forms made, both telling
    /// [`Build::on_progress`].
    fn reporting(&self, mut settings: emit::Settings) -> (impl Fn(Phase), emit::Settings) {
        let on_progress = self.on_progress.clone();
        let counter = Arc::new(Counter::default());
        if let Some(on_progress) = &on_progress {
            let (on_progress, counter) = (on_progress.clone(), counter.clone());
            settings.pool.on_item = Some(Arc::new(move || {
                let done = counter.done.fetch_add(1, Ordering::Relaxed) + 1;
                let total = counter.total.load(Ordering::Relaxed);
                on_progress(Progress::Emitting { done: done.min(total), total });
            }));
        }
        let n_targets = self.targets.len();
        let on_phase = move |phase: Phase| {
            let Some(on_progress) = &on_progress else { return };
            match phase {
                Phase::Checking => on_progress(Progress::Checking),
                Phase::Emitting { forms, .. } => {
                    counter.total.store(forms * n_targets, Ordering::Relaxed);
                }
                Phase::Writing { files } => on_progress(Progress::Writing { files }),
            }
        };
        (on_phase, settings)
    }
}

/// Forms made so far of how many.
#[derive(Default)]
struct Counter {
    done: AtomicUsize,
    total: AtomicUsize,
}

/// A build that succeeded (warnings allowed).
pub struct Built {
    session: Session,
    /// How many forms were built.
    pub forms: usize,
    /// How many files the build consists of (written, or for `check` compared).
    pub files: usize,
    /// How many forms' files were made: all of them, unless the build cache found the others
    /// unchanged (see [`Build::cache`]).
    pub remade: usize,
    sources: Vec<PathBuf>,
    forms_dir: PathBuf,
}

impl fmt::Debug for Built {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Built").field("forms", &self.forms).field("files", &self.files).finish_non_exhaustive()
    }
}

impl Built {
    /// Every diagnostic of the run (warnings only, since it succeeded): of the forms checked,
    /// which after a build that used its cache are only the changed ones.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.session.checked.diagnostics
    }

    /// The diagnostics as `formwerk check` shows them, without colour.
    pub fn render_diagnostics(&self) -> String {
        render_session(&self.session)
    }

    /// The sources and checked forms of the run.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The files the build read (forms and the modules they use).
    pub fn sources(&self) -> Vec<PathBuf> {
        // A directory build names each file by its path as given (`forms/x.form`).
        self.sources.clone()
    }

    /// Tells Cargo (from a build script) to run it again when a form or module changes, or
    /// a form is added to or removed from the forms directory; prints the warnings as Cargo
    /// warnings.
    pub fn rerun_if_changed(&self) {
        println!("cargo:rerun-if-changed={}", self.forms_dir.display());
        for path in self.sources() {
            println!("cargo:rerun-if-changed={}", path.display());
        }
        for diagnostic in self.diagnostics().iter().filter(|d| d.severity() == Severity::Warning) {
            println!("cargo:warning={} {}", diagnostic.code.as_str(), diagnostic.message.replace('\n', " "));
        }
    }
}

/// What [`Build::check`] found.
#[derive(Debug)]
pub struct Checked {
    pub built: Built,
    /// The files that differ from what a build would write, sorted (none: up to date).
    pub stale: Vec<Stale>,
}

/// Why a build did not finish.
pub enum Error {
    /// The forms have errors (the session holds every diagnostic).
    Forms(Box<Session>),
    /// The theme could not be loaded.
    Theme(String),
    /// A setting, a path or the file system failed.
    Driver(DriverError),
}

impl Error {
    /// The session of a build whose forms have errors.
    pub fn session(&self) -> Option<&Session> {
        match self {
            Error::Forms(session) => Some(session),
            _ => None,
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Forms(session) => {
                let errors = session.checked.diagnostics.iter().filter(|d| d.severity() == Severity::Error).count();
                writeln!(f, "the forms have {errors} error{}:", if errors == 1 { "" } else { "s" })?;
                f.write_str(&render_session(session))
            }
            Error::Theme(message) => write!(f, "the theme: {message}"),
            Error::Driver(error) => write!(f, "{error}"),
        }
    }
}

impl std::error::Error for Error {}

fn render_session(session: &Session) -> String {
    render::render_all(&session.db, &session.checked.diagnostics, RenderOptions { color: false, width: 100 })
}
