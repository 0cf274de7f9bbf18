//! `formwerk fmt [PATHS] [--check]`: formats `.form` files in place with `formwerk::fmt`, or, with
//! `--check`, prints a unified diff of every file that is not formatted and exits with 1.
//!
//! Files are found and read as `formwerk check` finds and reads them (`driver::find_forms`,
//! `files::read_regular`): a linked `.form`, a FIFO or a file that is not UTF-8 is refused with
//! the same diagnostic, and a file that does not parse with the parser's; such a file is left as
//! it is and the run exits with 1. A file is written only when its text changes, atomically
//! (a temporary file in the same directory, renamed over the original).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use formwerk::diag::render::{self, RenderOptions};
use formwerk::source::SourceDb;
use formwerk::{driver, files, fmt};

use crate::usage_failure;

pub fn run(paths: &[PathBuf], check: bool) -> ExitCode {
    let mut found = Vec::new();
    for path in paths {
        let Ok(metadata) = std::fs::symlink_metadata(path) else {
            return usage_failure(&format!("`{}` does not exist", path.display()));
        };
        if metadata.file_type().is_symlink() && path.is_dir() {
            return usage_failure(&format!(
                "the directory `{}` is a symbolic link; Formwerk does not follow links (name the directory it points to)",
                path.display()
            ));
        } else if metadata.is_dir() {
            match driver::find_forms(path) {
                Ok(forms) => found.extend(forms),
                Err(error) => return usage_failure(&error.to_string()),
            }
        } else {
            found.push(path.clone());
        }
    }

    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let options = RenderOptions { color, width: 100 };
    let mut db = SourceDb::new();
    let (mut refused, mut changed) = (0, 0);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for path in &found {
        let name = path.display().to_string();
        let id = db.add_contents(name.clone(), "", files::read_regular(path, files::MAX_SOURCE_BYTES));
        let formatted = match fmt::format_file(&db, id) {
            Ok(formatted) => formatted,
            Err(fmt::Error::Syntax(diagnostics)) => {
                eprint!("{}", render::render_all(&db, &diagnostics, options));
                refused += 1;
                continue;
            }
            Err(internal) => {
                eprintln!("error: `{name}` was left as it is: {internal}");
                refused += 1;
                continue;
            }
        };
        let source = db.get(id);
        if formatted == source.text && !source.bom {
            continue;
        }
        changed += 1;
        if check {
            // A byte order mark is dropped too: the diff shows it on the first line.
            let old = if source.bom { format!("\u{FEFF}{}", source.text) } else { source.text.clone() };
            let _ = out.write_all(fmt::unified_diff(&name, &old, &formatted).as_bytes());
        } else if let Err(error) = write_atomically(path, &formatted) {
            return usage_failure(&format!("cannot write `{name}`: {error}"));
        }
    }
    let _ = out.flush();
    let total = found.len();
    let files_word = |n: usize| if n == 1 { "file" } else { "files" };
    if check && changed > 0 {
        let are = if changed == 1 { "is" } else { "are" };
        eprintln!("{changed} of {total} {} {are} not formatted; run `formwerk fmt`", files_word(total));
    } else if changed > 0 {
        eprintln!("formatted {changed} of {total} {}", files_word(total));
    }
    if refused > 0 {
        eprintln!(
            "{refused} {} could not be formatted and {} left as {}",
            files_word(refused),
            if refused == 1 { "was" } else { "were" },
            if refused == 1 { "it is" } else { "they are" }
        );
    }
    if refused > 0 || (check && changed > 0) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Replaces `path` with `text`: written to a new file next to it (with its permissions), synced,
/// then renamed over it, so that a reader sees the old or the new text and never a part.
/// Refuses if `path` became something other than a regular file meanwhile.
fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let directory = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temporary = directory.join(format!(".{name}.fmt-{}", std::process::id()));
    let result = (|| {
        let original = std::fs::symlink_metadata(path)?;
        let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(&temporary)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        std::fs::set_permissions(&temporary, original.permissions())?;
        if !std::fs::symlink_metadata(path)?.file_type().is_file() {
            return Err(std::io::Error::other("it is no longer a regular file"));
        }
        std::fs::rename(&temporary, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result
}
