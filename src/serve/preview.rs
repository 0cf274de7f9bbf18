//! The forms a server serves, and the preview for authors: the forms directory is checked
//! through the driver as `formwerk check` does; with `--watch` a thread polls it (debounced:
//! a change is loaded once two polls agree), rebuilds in-process and keeps the last good forms
//! when the new ones have errors, whose diagnostics (code, message, place, `explain` text) the
//! index page shows. Open pages reload through server-sent events and a fixed script that is
//! served only in preview mode.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

use serde::Serialize;

use crate::driver;
use crate::ir::Form;

/// A form as served: the checked IR and its content hash.
pub struct Served {
    pub form: Form,
    /// SHA-256 of the form's IR as JSON (what `ir/<form>.json` holds).
    pub hash: String,
    /// The live-values bundle of the form (`html::live`), when it covers a computed field.
    pub live: Option<String>,
}

/// A diagnostic as the index page shows it.
#[derive(Clone, Serialize)]
pub struct Shown {
    pub code: String,
    pub severity: String,
    pub message: String,
    pub place: String,
    pub explain: String,
}

/// The current forms and the diagnostics of the last load.
#[derive(Default)]
pub struct Loaded {
    pub forms: Vec<Arc<Served>>,
    pub diagnostics: Vec<Shown>,
    /// The last load failed: the forms are the last good ones.
    pub stale: bool,
    pub generation: u64,
}

impl Loaded {
    pub fn form(&self, id: &str) -> Option<Arc<Served>> {
        self.forms.iter().find(|s| s.form.id == id).cloned()
    }
}

/// One check of the forms directory.
pub struct Load {
    /// The forms, empty when `failed`.
    pub forms: Vec<Arc<Served>>,
    pub diagnostics: Vec<Shown>,
    /// The forms have errors.
    pub failed: bool,
}

/// Checks the forms in `dir`; `Err` only when they cannot be read at all.
pub fn load(dir: &Path) -> Result<Load, String> {
    let session = driver::check_paths(&[dir.to_path_buf()], None).map_err(|e| e.message)?;
    let shown = session
        .checked
        .diagnostics
        .iter()
        .map(|diagnostic| {
            let json = crate::diag::render::to_json(&session.db, diagnostic);
            let place = json["labels"]
                .as_array()
                .and_then(|labels| labels.iter().find(|l| l["primary"] == true))
                .map(|l| format!("{}:{}:{}", l["file"].as_str().unwrap_or(""), l["line"], l["column"]))
                .unwrap_or_default();
            Shown {
                code: diagnostic.code.as_str().to_string(),
                severity: json["severity"].as_str().unwrap_or("").to_string(),
                message: diagnostic.message.clone(),
                place,
                explain: diagnostic.code.explanation().to_string(),
            }
        })
        .collect();
    if session.checked.has_errors() {
        return Ok(Load { forms: Vec::new(), diagnostics: shown, failed: true });
    }
    let mut forms: Vec<Arc<Served>> = session
        .checked
        .forms
        .into_iter()
        .map(|(_, form)| {
            let json = serde_json::to_value(&form).unwrap_or_default();
            let hash = driver::sha256(&crate::emit::ir_json::pretty(&json));
            let live = crate::emit::html::live::script(&form);
            Arc::new(Served { form, hash, live })
        })
        .collect();
    forms.sort_by(|a, b| a.form.id.cmp(&b.form.id));
    Ok(Load { forms, diagnostics: shown, failed: false })
}

/// Loads `dir` into `loaded`: new forms replace the old ones only when they have no errors.
pub fn reload(dir: &Path, loaded: &RwLock<Loaded>) -> Result<u64, String> {
    let Load { forms, diagnostics, failed } = load(dir)?;
    let mut loaded = loaded.write().unwrap_or_else(|p| p.into_inner());
    if !failed {
        loaded.forms = forms;
    }
    loaded.diagnostics = diagnostics;
    loaded.stale = failed;
    loaded.generation += 1;
    Ok(loaded.generation)
}

/// What the watcher compares: each form file's path, size and modification time.
pub type Fingerprint = Vec<(PathBuf, u64, Option<SystemTime>)>;

/// The [`Fingerprint`] of the forms in `dir` now.
pub fn fingerprint(dir: &Path) -> Fingerprint {
    let files = driver::find_forms(dir).unwrap_or_default();
    files
        .into_iter()
        .map(|path| {
            let metadata = std::fs::symlink_metadata(&path).ok();
            let size = metadata.as_ref().map_or(0, |m| m.len());
            let modified = metadata.and_then(|m| m.modified().ok());
            (path, size, modified)
        })
        .collect()
}

/// Polls `dir` every `interval` on a thread of its own; after a change from `seen` (taken
/// before the forms in `loaded` were read) that two polls agree on, reloads and tells
/// `changed` the new generation.
pub fn watch(
    dir: PathBuf,
    interval: Duration,
    seen: Fingerprint,
    loaded: Arc<RwLock<Loaded>>,
    changed: tokio::sync::watch::Sender<u64>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let mut seen = seen;
        let mut pending: Option<Fingerprint> = None;
        loop {
            std::thread::sleep(interval);
            if changed.is_closed() {
                return;
            }
            let now = fingerprint(&dir);
            match pending.take() {
                Some(previous) if previous == now => {
                    seen = now;
                    match reload(&dir, &loaded) {
                        Ok(generation) => {
                            let _ = changed.send(generation);
                        }
                        Err(message) => eprintln!("formwerk serve: {message}"),
                    }
                }
                _ if now != seen => pending = Some(now),
                _ => {}
            }
        }
    })
}

/// The preview's only script: reload the page when the server says the forms changed.
pub const RELOAD_SCRIPT: &str =
    "new EventSource(\"/_formwerk/events\").addEventListener(\"reload\", function () { location.reload(); });\n";

/// The element that loads [`RELOAD_SCRIPT`] (inserted into preview pages after the scan).
pub const RELOAD_ELEMENT: &str = "<script src=\"/_formwerk/reload.js\" defer></script>";

/// Inserts the reload script into a scanned page (before `</head>`).
pub fn with_reload(mut html: String) -> String {
    if let Some(at) = html.find("</head>") {
        html.insert_str(at, RELOAD_ELEMENT);
    }
    html
}
