//! `formwerk serve`: the whole journey of a form as a web server, for authors (preview with
//! live reload, `--watch`) and as a real intake (validated submissions in SQLite).
//!
//! - `journey.rs`: the routes: one step per page (GET shows, POST saves, post/redirect/get),
//!   repeat and upload actions, check your answers, submit, confirmation;
//! - `session.rs`: signed session cookies and the journeys stored in the database;
//! - `uploads.rs`: multipart bodies streamed to disk within the form's limits;
//! - `intake.rs`: submissions stored in one transaction, listed and exported;
//! - `db.rs`: the SQLite database (WAL) and its schema;
//! - `security.rs`: Host and Origin checks, security headers, token comparison;
//! - `preview.rs`: loading the forms through the driver, watching them, live reload;
//! - `pages.rs`: the server's own pages, from escaping templates, held to the allowlist scan.
//!
//! Every page of a form is rendered by the HTML backend; posted data is converted by
//! `formdata` and validated by the reference validator; which steps are shown comes from the
//! form's conditions on the answers, recomputed on every request.

mod db;
mod intake;
mod journey;
mod pages;
mod preview;
mod security;
mod session;
mod uploads;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::routing::get;
use axum::Router;

pub use db::Db;
pub use intake::{export, new_reference, New, Record, StoredFile};
pub use security::content_security_policy;

use crate::emit::html::{Renderer, Theme};
use crate::value::Date;

/// How a server runs.
pub struct Config {
    /// The directory of `.form` files.
    pub forms: PathBuf,
    /// The data folder: session key, uploads, stored files (and the database by default).
    pub data: PathBuf,
    /// The SQLite database.
    pub db: PathBuf,
    pub addr: SocketAddr,
    /// Host names besides the bound address that requests may name (behind a proxy).
    pub allow_hosts: Vec<String>,
    /// How long a session lives without a request.
    pub session: Duration,
    /// Preview mode: watch the forms, reload open pages.
    pub preview: bool,
    pub poll: Duration,
    /// The theme of the pages (`default`, `kern` or a directory).
    pub theme: String,
    /// The date submissions are validated on (default: today in Germany).
    pub today: Option<Date>,
}

/// The default data folder of a project: `.formwerk/serve` next to the forms directory.
pub fn default_data(forms: &Path) -> PathBuf {
    let parent = forms.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    parent.join(".formwerk").join("serve")
}

/// What every handler shares.
pub struct App {
    config: Config,
    hosts: Vec<String>,
    db: Db,
    key: session::Key,
    loaded: Arc<RwLock<preview::Loaded>>,
    renderer: Renderer<'static>,
    pages: pages::Pages,
    changed: tokio::sync::watch::Receiver<u64>,
    uploads: PathBuf,
    files: PathBuf,
}

impl App {
    fn loaded(&self) -> std::sync::RwLockReadGuard<'_, preview::Loaded> {
        self.loaded.read().unwrap_or_else(|p| p.into_inner())
    }

    fn today(&self) -> Date {
        self.config.today.unwrap_or_else(Date::today_in_berlin)
    }
}

/// Prepares the data folder, database, key and forms, binds, prints the address on standard
/// output (`formwerk serve: http://127.0.0.1:8080/`) and serves until Ctrl-C.
pub fn run(config: Config) -> Result<(), String> {
    let uploads = config.data.join("uploads");
    let files = config.data.join("files");
    for dir in [&config.data, &uploads, &files] {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot create `{}`: {e}", dir.display()))?;
    }
    if let Some(parent) = config.db.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| format!("cannot create `{}`: {e}", parent.display()))?;
    }
    let db = Db::open(&config.db)?;
    let key = session::Key::load_or_create(&config.data.join("session.key"))?;
    let theme = Theme::load(&config.theme).map_err(|e| e.to_string())?;
    // One theme for the life of the process: the renderer borrows it.
    let theme: &'static Theme = Box::leak(Box::new(theme));
    let renderer = Renderer::new(theme).map_err(|e| e.to_string())?;
    let loaded = Arc::new(RwLock::new(preview::Loaded::default()));
    // Taken before the forms are read, so that any change after it reloads them (the watcher's
    // thread may start late on a loaded machine, after a first edit).
    let seen = config.preview.then(|| preview::fingerprint(&config.forms));
    preview::reload(&config.forms, &loaded)?;
    let listener =
        std::net::TcpListener::bind(config.addr).map_err(|e| format!("cannot listen on {}: {e}", config.addr))?;
    listener.set_nonblocking(true).map_err(|e| e.to_string())?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let hosts = security::allowed_hosts(addr, &config.allow_hosts);
    let (sender, changed) = tokio::sync::watch::channel(0u64);
    let watcher =
        seen.map(|seen| preview::watch(config.forms.clone(), config.poll, seen, loaded.clone(), sender.clone()));
    let app =
        Arc::new(App { config, hosts, db, key, loaded, renderer, pages: pages::Pages::new(), changed, uploads, files });
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    let result = runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener).map_err(|e| e.to_string())?;
        {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "formwerk serve: http://{addr}/");
            let _ = out.flush();
        }
        axum::serve(listener, router(app))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .map_err(|e| e.to_string())
    });
    drop(sender);
    drop(watcher);
    result
}

fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/", get(journey::index))
        .route("/_formwerk/reload.js", get(journey::reload_script))
        .route("/_formwerk/events", get(journey::events))
        .route("/_formwerk/live/{file}", get(journey::live_script))
        .route("/f/{form}", get(journey::start))
        .route("/f/{form}/schritt/{step}", get(journey::show_step).post(journey::save_step))
        .route("/f/{form}/pruefen", get(journey::show_check).post(journey::submit))
        .route("/f/{form}/bestaetigung", get(journey::confirmation))
        .route("/f/{form}/datei/{token}", get(journey::file))
        .fallback(journey::not_found)
        .layer(axum::middleware::from_fn_with_state(app.clone(), security::guard))
        .with_state(app)
}
