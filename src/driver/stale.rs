//! `formwerk build --check`: which files of an output directory differ from what a build
//! would write there, found without writing anything (no lock, no recovery, no staging).
//!
//! Files are read as every other file of a project (`files::read_below`: no links, regular
//! files only); what cannot be read so counts as changed.

use std::collections::BTreeSet;
use std::fmt;
use std::path::Path;

use crate::emit::OutputFile;
use crate::files::{self, FileProblem};

/// The largest output file compared; anything larger differs from every build's output.
const MAX_OUTPUT_BYTES: u64 = 256 * 1024 * 1024;

/// The directory an interrupted build stages in (see `output.rs`).
const STAGING: &str = ".formwerk-staging";

/// One file that is not as a build would write it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Stale {
    /// The path below the output directory, with `/`.
    pub path: String,
    pub why: Why,
}

/// Why a file is stale.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Why {
    /// A build would write it, and it is not there.
    Missing,
    /// It is there with other contents (or cannot be read as a regular file).
    Changed,
    /// It is in a directory a build owns, and a build would remove it.
    Extra,
    /// A build was interrupted here; the next build finishes or discards it.
    Interrupted,
}

impl fmt::Display for Why {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Why::Missing => "missing",
            Why::Changed => "changed",
            Why::Extra => "not written by this build",
            Why::Interrupted => "left by an interrupted build",
        })
    }
}

/// The files of `out` that differ from `files` (every file a build writes, with paths
/// relative to `out`), and the files in `owned` directories that a build would not write,
/// sorted by path.
pub fn stale_files(out: &Path, files: &[OutputFile], owned: &BTreeSet<&str>) -> Vec<Stale> {
    let mut stale = changed_files(out, files);
    let expected: BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    stale.extend(extra_files(out, &expected, owned));
    stale.sort();
    stale
}

/// The files among `files` that `out` lacks or holds with other bytes, in their order (a
/// build's files can be compared in batches, as they are made).
pub fn changed_files(out: &Path, files: &[OutputFile]) -> Vec<Stale> {
    let mut stale = Vec::new();
    for file in files {
        let why = match files::read_below(out, Path::new(&file.path), MAX_OUTPUT_BYTES) {
            Ok(bytes) if bytes == file.contents => continue,
            Err(FileProblem::Missing) => Why::Missing,
            _ => Why::Changed,
        };
        stale.push(Stale { path: file.path.clone(), why });
    }
    stale
}

/// What `out` holds that a build writing `expected` would not: files in `owned` directories,
/// and the staging directory of an interrupted build. Unsorted.
pub fn extra_files(out: &Path, expected: &BTreeSet<&str>, owned: &BTreeSet<&str>) -> Vec<Stale> {
    let mut stale = Vec::new();
    if std::fs::symlink_metadata(out.join(STAGING)).is_ok() {
        stale.push(Stale { path: STAGING.to_string(), why: Why::Interrupted });
    }
    for directory in owned {
        let mut found = Vec::new();
        list_files(&out.join(directory), directory, &mut found);
        for path in found {
            if !expected.contains(path.as_str()) {
                stale.push(Stale { path, why: Why::Extra });
            }
        }
    }
    stale
}

fn list_files(dir: &Path, prefix: &str, found: &mut Vec<String>) {
    let mut pending = vec![(dir.to_path_buf(), prefix.to_string())];
    while let Some((dir, prefix)) = pending.pop() {
        let Ok(metadata) = std::fs::symlink_metadata(&dir) else { continue };
        if !metadata.is_dir() {
            found.push(prefix);
            continue;
        }
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = format!("{prefix}/{}", entry.file_name().to_string_lossy());
            match entry.file_type() {
                Ok(kind) if kind.is_dir() => pending.push((entry.path(), path)),
                _ => found.push(path),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, contents: &str) -> OutputFile {
        OutputFile { path: path.to_string(), contents: contents.as_bytes().to_vec() }
    }

    #[test]
    fn finds_missing_changed_and_extra_files() {
        let out = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(out.path().join("ir/old")).unwrap();
        std::fs::write(out.path().join("ir/a.json"), "a").unwrap();
        std::fs::write(out.path().join("ir/b.json"), "old b").unwrap();
        std::fs::write(out.path().join("ir/old/c.json"), "c").unwrap();
        std::fs::write(out.path().join("mine.txt"), "not owned").unwrap();
        let files = [file("ir/a.json", "a"), file("ir/b.json", "b"), file("ir/d.json", "d")];
        let stale = stale_files(out.path(), &files, &BTreeSet::from(["ir"]));
        let found: Vec<(&str, Why)> = stale.iter().map(|s| (s.path.as_str(), s.why)).collect();
        assert_eq!(found, [("ir/b.json", Why::Changed), ("ir/d.json", Why::Missing), ("ir/old/c.json", Why::Extra)]);
        assert!(stale_files(out.path(), &files[..1], &BTreeSet::new()).is_empty());
    }

    #[test]
    fn deeply_nested_extra_files_are_found() {
        let out = tempfile::tempdir().unwrap();
        let deep: std::path::PathBuf = std::iter::repeat_n("d", 300).collect();
        std::fs::create_dir_all(out.path().join("ir").join(&deep)).unwrap();
        std::fs::write(out.path().join("ir").join(&deep).join("x.json"), "x").unwrap();
        let stale = stale_files(out.path(), &[], &BTreeSet::from(["ir"]));
        assert_eq!(stale.len(), 1);
        assert!(stale[0].path.ends_with("/d/x.json") && stale[0].why == Why::Extra, "{stale:?}");
    }

    #[cfg(unix)]
    #[test]
    fn a_link_is_never_followed() {
        let out = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        std::fs::write(elsewhere.path().join("a.json"), "a").unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), out.path().join("ir")).unwrap();
        let stale = stale_files(out.path(), &[file("ir/a.json", "a")], &BTreeSet::from(["ir"]));
        let found: Vec<(&str, Why)> = stale.iter().map(|s| (s.path.as_str(), s.why)).collect();
        assert_eq!(found, [("ir", Why::Extra), ("ir/a.json", Why::Changed)]);
    }

    #[test]
    fn an_interrupted_build_is_stale() {
        let out = tempfile::tempdir().unwrap();
        std::fs::create_dir(out.path().join(STAGING)).unwrap();
        let stale = stale_files(out.path(), &[], &BTreeSet::new());
        assert_eq!(stale, [Stale { path: STAGING.to_string(), why: Why::Interrupted }]);
    }
}
