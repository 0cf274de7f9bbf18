//! `formwerk serve`: the settings of the server (`formwerk::serve::Config`) from the command
//! line, then `formwerk::serve::run` until Ctrl-C.
//!
//! Exit codes: 0 stopped, 2 usage or I/O failure (forms unreadable, address in use).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use formwerk::serve;
use formwerk::value::Date;

use crate::usage_failure;

#[derive(clap::Args)]
pub struct Args {
    /// Directory of `.form` files (default: `forms`, and then the preview is on unless
    /// `--no-watch`: `formwerk serve` in a project folder is the author's preview).
    #[arg(long)]
    forms: Option<PathBuf>,
    /// Address to listen on (port 0: any free port; the address is printed on start).
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Data folder for the session key, uploads and stored files
    /// (default: `.formwerk/serve` next to the forms directory).
    #[arg(long)]
    data: Option<PathBuf>,
    /// The SQLite database of sessions and submissions (default: `<data>/intake.sqlite`).
    #[arg(long)]
    db: Option<PathBuf>,
    /// Minutes a session lives without a request.
    #[arg(long, default_value_t = 60)]
    session_minutes: u64,
    /// Preview for authors: watch the forms, rebuild on change, reload open pages (the
    /// default without `--forms`).
    #[arg(long, conflicts_with = "no_watch")]
    watch: bool,
    /// No preview: only the journey and the intake (for a deployment).
    #[arg(long)]
    no_watch: bool,
    /// How often `--watch` polls the forms, in milliseconds.
    #[arg(long, default_value_t = 300)]
    poll_ms: u64,
    /// A host name requests may name besides the listening address (behind a proxy).
    #[arg(long = "allow-host", value_name = "HOST")]
    allow_hosts: Vec<String>,
    /// Theme of the pages: `default`, `kern`, or a directory of partials and CSS.
    #[arg(long, default_value = "default")]
    theme: String,
    /// The date submissions are validated on (default: today in Germany), e.g. `2026-06-15`.
    #[arg(long)]
    today: Option<String>,
}

pub fn run(args: Args) -> ExitCode {
    let today = match args.today.as_deref().map(|t| Date::parse(t).ok_or(t)) {
        Some(Err(text)) => return usage_failure(&format!("`--today {text}` is not a date (write YYYY-MM-DD)")),
        Some(Ok(date)) => Some(date),
        None => None,
    };
    if args.session_minutes == 0 || args.session_minutes > 60 * 24 * 30 {
        return usage_failure("`--session-minutes` must be between 1 and 43200");
    }
    // In a project folder (no `--forms`), `serve` is the author's preview unless told otherwise.
    let preview = args.watch || (args.forms.is_none() && !args.no_watch);
    let forms = args.forms.unwrap_or_else(|| PathBuf::from("forms"));
    if !forms.is_dir() {
        return usage_failure(&format!("`{}` is not a directory of forms (see `--forms`)", forms.display()));
    }
    let data = args.data.unwrap_or_else(|| serve::default_data(&forms));
    let db = args.db.unwrap_or_else(|| data.join("intake.sqlite"));
    let config = serve::Config {
        forms,
        data,
        db,
        addr: args.addr,
        allow_hosts: args.allow_hosts,
        session: Duration::from_secs(args.session_minutes * 60),
        preview,
        poll: Duration::from_millis(args.poll_ms.clamp(50, 10_000)),
        theme: args.theme,
        today,
    };
    match serve::run(config) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => usage_failure(&message),
    }
}
