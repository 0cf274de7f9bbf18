//! `formwerk import-fim`: a FIM XDatenfelder 2.0 or 3.0.0 Stammdatenschema as Formwerk source
//! (`formwerk::fim` does the work), written out and then checked as `formwerk check` would.

use std::path::PathBuf;
use std::process::ExitCode;

use formwerk::diag::render::{self, RenderOptions};

use crate::{exit_for, usage_failure};

#[derive(clap::Args)]
pub struct Args {
    /// The XDatenfelder file (`.xml`).
    file: PathBuf,
    /// Directory of genericode code lists that an XDF2 schema references (by id or URN).
    #[arg(long)]
    codelists: Option<PathBuf>,
    /// Write the source to this file instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Print the import report (counts and every warning) to standard error.
    #[arg(long)]
    report: bool,
}

/// The largest XDatenfelder file `import-fim` reads (the largest real one has 1.4 MB).
const MAX_FIM_BYTES: u64 = 64 * 1024 * 1024;

pub fn run(args: Args) -> ExitCode {
    let (file, out, show_report) = (args.file.as_path(), args.out.as_deref(), args.report);
    // A regular file only, not through a link, bounded, UTF-8: never a FIFO that blocks.
    let xml = match formwerk::files::read_text(file, MAX_FIM_BYTES) {
        Ok(xml) => xml,
        Err(error) => return usage_failure(&error),
    };
    let library = match args.codelists.as_deref().map(formwerk::codelists::Library::load).transpose() {
        Ok(Some((library, skipped))) => {
            for skipped in skipped {
                eprintln!("warning: skipped: {skipped}");
            }
            library
        }
        Ok(None) => formwerk::codelists::Library::default(),
        Err(error) => return usage_failure(&error),
    };
    let imported = match formwerk::fim::import(&xml, &library) {
        Ok(imported) => imported,
        Err(error) => return usage_failure(&format!("{}: {error}", file.display())),
    };
    let written = match out {
        Some(path) => {
            std::fs::write(path, &imported.source).map_err(|e| format!("cannot write `{}`: {e}", path.display()))
        }
        None => super::stdout::write(&imported.source).map_err(|e| format!("cannot write standard output: {e}")),
    };
    if let Err(error) = written {
        return usage_failure(&error);
    }
    if show_report {
        eprint!("{}: {}", file.display(), imported.report);
    } else if !imported.report.warnings.is_empty() {
        eprintln!("{}: {} warnings (see --report)", file.display(), imported.report.warnings.len());
    }
    let name = out.map(|p| p.display().to_string()).unwrap_or_else(|| format!("{}.form", imported.form_name));
    let (db, checked) = formwerk::fim::check_source_with(&name, &imported.source, &library);
    if !checked.diagnostics.is_empty() {
        eprint!("{}", render::render_all(&db, &checked.diagnostics, RenderOptions::plain()));
    }
    exit_for(&checked.diagnostics)
}
