//! `formwerk submissions list|show|export`: reads the intake database that `formwerk serve`
//! writes (read-only use of `formwerk::serve::Db`).
//!
//! Exit codes: 0 success, 2 usage or I/O failure (no database, unknown reference).

use std::path::PathBuf;
use std::process::ExitCode;

use formwerk::serve;

use crate::usage_failure;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Sub,
    /// The SQLite database (default: `.formwerk/serve/intake.sqlite` next to `forms`).
    #[arg(long, global = true)]
    db: Option<PathBuf>,
    /// The data folder with the stored files (default: the database's folder).
    #[arg(long, global = true)]
    data: Option<PathBuf>,
}

#[derive(clap::Subcommand)]
enum Sub {
    /// One line per submission: reference, form, version, time of receipt, files.
    List {
        /// Only submissions of this form.
        #[arg(long)]
        form: Option<String>,
    },
    /// One submission as JSON (data, report, files and metadata).
    Show { reference: String },
    /// Writes each submission as `<out>/<reference>/submission.json`, `meta.json` and `files/`.
    Export {
        /// The directory to write into.
        #[arg(long)]
        out: PathBuf,
        /// Only submissions of this form.
        #[arg(long)]
        form: Option<String>,
    },
}

pub fn run(args: Args) -> ExitCode {
    let data = args.data.unwrap_or_else(|| serve::default_data(std::path::Path::new("forms")));
    let path = args.db.clone().unwrap_or_else(|| data.join("intake.sqlite"));
    let data = match args.db {
        Some(db) if !data.join("files").is_dir() => db.parent().map(PathBuf::from).unwrap_or(data),
        _ => data,
    };
    let db = match serve::Db::open_existing(&path) {
        Ok(db) => db,
        Err(message) => return usage_failure(&message),
    };
    match args.command {
        Sub::List { form } => match db.submissions(form.as_deref()) {
            Ok(records) => {
                let mut out = String::new();
                for r in &records {
                    out.push_str(&format!(
                        "{}  {} {}  {}  {} file{}\n",
                        r.reference,
                        r.form,
                        r.version,
                        r.received,
                        r.files.len(),
                        if r.files.len() == 1 { "" } else { "s" }
                    ));
                }
                written(super::stdout::write(&out))
            }
            Err(message) => usage_failure(&message),
        },
        Sub::Show { reference } => match db.submission(&reference) {
            Ok(Some(record)) => {
                let text = serde_json::to_string_pretty(&record).unwrap_or_default();
                written(super::stdout::write(&format!("{text}\n")))
            }
            Ok(None) => usage_failure(&format!("no submission `{reference}` in `{}`", path.display())),
            Err(message) => usage_failure(&message),
        },
        Sub::Export { out, form } => {
            let records = match db.submissions(form.as_deref()) {
                Ok(records) => records,
                Err(message) => return usage_failure(&message),
            };
            match serve::export(&records, &data.join("files"), &out) {
                Ok(n) => {
                    eprintln!("exported {n} submission{} to `{}`", if n == 1 { "" } else { "s" }, out.display());
                    ExitCode::SUCCESS
                }
                Err(message) => usage_failure(&message),
            }
        }
    }
}

/// The exit status of a listing: success, also when the reader stopped early.
fn written(result: std::io::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => usage_failure(&format!("cannot write standard output: {error}")),
    }
}
