//! `formwerk check --watch`: checks again whenever a form, module, code list or catalogue
//! changes, until Ctrl-C. Polls the files' sizes and modification times (no extra dependency,
//! works on every file system); a change is acted on once the files have stayed the same for
//! one more poll, so an editor's save in several writes is checked once.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// How often the files are looked at.
const POLL: Duration = Duration::from_millis(250);

/// What is watched: every `.form` file below the given paths and the module root, and the files
/// directly in the code-list and catalogue directories.
pub struct Watched {
    pub paths: Vec<PathBuf>,
    pub directories: Vec<PathBuf>,
}

type Fingerprint = Vec<(PathBuf, u64, Option<SystemTime>)>;

fn fingerprint(watched: &Watched) -> Fingerprint {
    let mut files: Vec<PathBuf> = Vec::new();
    for path in &watched.paths {
        match std::fs::symlink_metadata(path) {
            Ok(metadata) if metadata.is_dir() => files.extend(formwerk::driver::find_forms(path).unwrap_or_default()),
            _ => files.push(path.clone()),
        }
    }
    for directory in &watched.directories {
        if let Ok(entries) = std::fs::read_dir(directory) {
            files.extend(entries.flatten().map(|e| e.path()));
        }
    }
    files.sort();
    files.dedup();
    files
        .into_iter()
        .map(|file| {
            let metadata = std::fs::symlink_metadata(&file).ok();
            let size = metadata.as_ref().map_or(0, |m| m.len());
            let modified = metadata.and_then(|m| m.modified().ok());
            (file, size, modified)
        })
        .collect()
}

/// Runs `check` now and after every change, forever (the process ends on Ctrl-C).
pub fn run(watched: &Watched, check: &mut dyn FnMut()) -> ! {
    let terminal = std::io::stderr().is_terminal();
    let mut seen = fingerprint(watched);
    loop {
        if terminal {
            // Clear the screen and go home, so only the latest diagnostics are shown.
            eprint!("\x1b[2J\x1b[H");
        }
        check();
        eprintln!("[watching {} files for changes; Ctrl-C to stop]", seen.len());
        loop {
            std::thread::sleep(POLL);
            let now = fingerprint(watched);
            if now == seen {
                continue;
            }
            // Debounce: wait until the files stop changing.
            let mut settled = now;
            loop {
                std::thread::sleep(POLL);
                let again = fingerprint(watched);
                if again == settled {
                    break;
                }
                settled = again;
            }
            seen = settled;
            if !terminal {
                eprintln!("[files changed; checking again]");
            }
            break;
        }
    }
}

/// The directories whose files a check also reads: the module root, the code lists, the catalogues.
pub fn directories(root: &Path, codelists: Option<&Path>, catalogues: Option<&Path>) -> Vec<PathBuf> {
    let mut out = Vec::new();
    out.extend(codelists.map(Path::to_path_buf).or_else(|| formwerk::driver::default_codelists(root)));
    out.extend(catalogues.map(Path::to_path_buf).or_else(|| formwerk::driver::default_catalogues(root)));
    out
}
