//! External code lists: genericode files in a code-list directory, found by URN and version.
//!
//! Shared by the checker (`codelist X from "urn" version "v"`) and the FIM import
//! (`codelisteReferenz`), so both resolve a reference the same way. Loading reads the
//! directory through `files` (regular files only, no links, at most 16 MiB each, UTF-8,
//! at most [`MAX_FILES`] files); everything else only looks lists up, without I/O.
//!
//! A reference names a URN and usually a version. [`Library::resolve`] finds exactly that
//! version, or says which versions of the URN are present; a reference without a version
//! gets the newest one ([`compare_versions`]).

mod genericode;

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::path::Path;

pub use genericode::{parse, Genericode};

use crate::files;

/// At most this many `.xml` files are read from one code-list directory.
pub const MAX_FILES: usize = 10_000;

/// One list of the library and the file it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The file name inside the directory (never a path), e.g. `staat_2023-02-24.xml`.
    pub file: String,
    /// SHA-256 of the file's bytes, lower-case hex.
    pub sha256: String,
    pub list: Genericode,
}

/// A file of the directory that is not a usable genericode list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadProblem {
    /// The file name inside the directory.
    pub file: String,
    /// A sentence naming the file as the directory was given (never quoting its contents).
    pub reason: String,
}

impl std::fmt::Display for LoadProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.reason)
    }
}

/// How a reference was resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resolution<'a> {
    /// The list with that URN and version (or, for a reference without a version, the only one).
    Exact(&'a Entry),
    /// The reference has no version; this is the newest of several.
    Newest(&'a Entry),
    /// The URN is present, but not in the version asked for: the versions present, oldest first.
    OtherVersions(Vec<&'a str>),
    /// No list has that URN.
    Unknown,
}

/// The code lists available to a run, by URN and version (and by file id for XDF2 imports).
#[derive(Clone, Debug, Default)]
pub struct Library {
    entries: Vec<Entry>,
    /// URN → version (`""` when the list has none) → entry index.
    by_urn: BTreeMap<String, BTreeMap<String, usize>>,
    /// The file name up to its first `_` or `.` (`C00000020_genericode.xml` → `C00000020`).
    by_id: BTreeMap<String, usize>,
}

impl Library {
    /// Every `*.xml` file directly in `dir` (hidden files skipped, sorted by name), with a
    /// problem for each that is not a usable genericode list. `Err` when `dir` cannot be read
    /// or is a link.
    pub fn load(dir: &Path) -> Result<(Library, Vec<LoadProblem>), String> {
        let shown = dir.display();
        match std::fs::symlink_metadata(dir) {
            Ok(m) if m.file_type().is_symlink() => {
                return Err(format!(
                    "the code-list directory `{shown}` is a symbolic link; Formwerk does not follow links"
                ))
            }
            Ok(m) if m.is_dir() => {}
            Ok(_) => return Err(format!("the code-list directory `{shown}` is not a directory")),
            Err(_) => return Err(format!("the code-list directory `{shown}` does not exist")),
        }
        let entries = std::fs::read_dir(dir).map_err(|e| format!("cannot read `{shown}`: {e}"))?;
        let mut names = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| format!("cannot read `{shown}`: {e}"))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') || !name.ends_with(".xml") {
                continue;
            }
            // The file name reaches the IR and every output: only printable, one-line names.
            if name.chars().any(|c| c.is_control() || matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}' | '\u{FFFD}' | '`')) {
                return Err(format!(
                    "`{shown}` holds a file whose name has control, direction or replacement characters; rename it"
                ));
            }
            names.push(name);
            if names.len() > MAX_FILES {
                return Err(format!("`{shown}` holds more than {MAX_FILES} `.xml` files"));
            }
        }
        names.sort();
        let mut library = Library::default();
        let mut problems = Vec::new();
        for name in names {
            let path = dir.join(&name);
            let shown = path.display().to_string();
            let bytes = match files::read_regular(&path, files::MAX_SOURCE_BYTES) {
                Ok(bytes) => bytes,
                Err(problem) => {
                    problems.push(LoadProblem { reason: problem.describe(&shown), file: name });
                    continue;
                }
            };
            let sha256 = sha256(&bytes);
            let text = match files::decode(bytes) {
                Ok(text) => text.text,
                Err(problem) => {
                    problems.push(LoadProblem { reason: problem.describe(&shown), file: name });
                    continue;
                }
            };
            match parse(&text) {
                Ok(list) => {
                    if let Err(reason) = library.add(&name, &sha256, list) {
                        problems.push(LoadProblem { file: name, reason: format!("`{shown}` {reason}") });
                    }
                }
                Err(reason) => problems.push(LoadProblem {
                    file: name,
                    reason: format!("`{shown}` is not a genericode code list: {reason}"),
                }),
            }
        }
        Ok((library, problems))
    }

    /// Adds a list read from `file` (a file name). A second list with the same URN and version
    /// is refused unless its codes are the same.
    pub fn add(&mut self, file: &str, sha256: &str, list: Genericode) -> Result<(), String> {
        let index = self.entries.len();
        if let Some(urn) = &list.urn {
            let versions = self.by_urn.entry(urn.clone()).or_default();
            let version = list.version.clone().unwrap_or_default();
            if let Some(&first) = versions.get(&version) {
                let first = &self.entries[first];
                if first.list.codes != list.codes {
                    return Err(format!(
                        "holds {urn} version {version} like `{}`, with other codes; keep one of them",
                        first.file
                    ));
                }
                return Ok(());
            }
            versions.insert(version, index);
        }
        let id = file.split(['_', '.']).next().unwrap_or_default();
        if !id.is_empty() {
            self.by_id.entry(id.to_string()).or_insert(index);
        }
        self.entries.push(Entry { file: file.to_string(), sha256: sha256.to_string(), list });
        Ok(())
    }

    /// The list with `urn` in `version`; without a version, the newest.
    pub fn resolve(&self, urn: &str, version: Option<&str>) -> Resolution<'_> {
        let Some(versions) = self.by_urn.get(urn) else {
            return Resolution::Unknown;
        };
        match version {
            Some(version) => match versions.get(version) {
                Some(&index) => Resolution::Exact(&self.entries[index]),
                None => Resolution::OtherVersions(self.versions(urn)),
            },
            None => {
                let newest =
                    versions.iter().max_by(|a, b| compare_versions(a.0, b.0)).map(|(_, &index)| &self.entries[index]);
                match newest {
                    Some(entry) if versions.len() == 1 => Resolution::Exact(entry),
                    Some(entry) => Resolution::Newest(entry),
                    None => Resolution::Unknown,
                }
            }
        }
    }

    /// The versions present of `urn`, oldest first.
    pub fn versions(&self, urn: &str) -> Vec<&str> {
        let mut versions: Vec<&str> =
            self.by_urn.get(urn).into_iter().flat_map(|v| v.keys()).map(String::as_str).collect();
        versions.sort_by(|a, b| compare_versions(a, b));
        versions
    }

    /// Every URN present, sorted.
    pub fn urns(&self) -> impl Iterator<Item = &str> {
        self.by_urn.keys().map(String::as_str)
    }

    /// The list whose file name starts with the FIM id `id` (XDF2 `C00000020_genericode.xml`).
    pub fn by_id(&self, id: &str) -> Option<&Entry> {
        self.by_id.get(id).map(|&index| &self.entries[index])
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }
}

/// Why a list's codes cannot be a Formwerk code list (none, an empty code or one with
/// spaces around it, a code twice), or `None` when they can.
pub fn invalid_codes(codes: &[(String, String)]) -> Option<String> {
    if codes.is_empty() {
        return Some("the list has no codes".to_string());
    }
    let mut seen = std::collections::BTreeSet::new();
    for (code, _) in codes {
        if code.is_empty() || code.trim() != code {
            return Some(format!("the code \"{}\" is empty or has spaces around it", code.escape_debug()));
        }
        if !seen.insert(code.as_str()) {
            return Some(format!("the code \"{}\" appears twice", code.escape_debug()));
        }
    }
    None
}

/// Orders versions as people read them: runs of digits by number (`2.10` after `2.9`),
/// other runs by text, so dates (`2023-02-24`) and dotted numbers both sort.
pub fn compare_versions(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (runs(a), runs(b));
    loop {
        match (a.next(), b.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => {
                let order = match (number(x), number(y)) {
                    (Some(x), Some(y)) => x.len().cmp(&y.len()).then_with(|| x.cmp(y)),
                    _ => x.cmp(y),
                };
                if order != Ordering::Equal {
                    return order;
                }
            }
        }
    }
}

/// The maximal runs of ASCII digits and of other characters.
fn runs(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let first = rest.chars().next()?;
        let digit = first.is_ascii_digit();
        let end = rest.find(|c: char| c.is_ascii_digit() != digit).unwrap_or(rest.len());
        let (run, tail) = rest.split_at(end);
        rest = tail;
        Some(run)
    })
}

/// A run of digits without leading zeros, or `None` for other text.
fn number(run: &str) -> Option<&str> {
    run.bytes().all(|b| b.is_ascii_digit()).then(|| {
        let trimmed = run.trim_start_matches('0');
        if trimmed.is_empty() {
            "0"
        } else {
            trimmed
        }
    })
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(urn: &str, version: Option<&str>, codes: &[&str]) -> Genericode {
        Genericode {
            urn: Some(urn.to_string()),
            version: version.map(String::from),
            short_name: None,
            codes: codes.iter().map(|c| (c.to_string(), format!("Wert {c}"))).collect(),
        }
    }

    #[test]
    fn versions_sort_by_number_and_date() {
        let mut versions = vec!["2.10", "2.9", "10", "2023-02-24", "2021-07-31", "1", "2.4", "2.2"];
        versions.sort_by(|a, b| compare_versions(a, b));
        assert_eq!(versions, ["1", "2.2", "2.4", "2.9", "2.10", "10", "2021-07-31", "2023-02-24"]);
    }

    #[test]
    fn resolves_exact_versions_only_and_the_newest_without_one() {
        let mut library = Library::default();
        library.add("a.xml", "", list("urn:x", Some("2.4"), &["1"])).unwrap();
        library.add("b.xml", "", list("urn:x", Some("2.10"), &["2"])).unwrap();
        assert!(matches!(library.resolve("urn:x", Some("2.4")), Resolution::Exact(e) if e.file == "a.xml"));
        assert_eq!(library.resolve("urn:x", Some("2.2")), Resolution::OtherVersions(vec!["2.4", "2.10"]));
        assert!(matches!(library.resolve("urn:x", None), Resolution::Newest(e) if e.file == "b.xml"));
        assert_eq!(library.resolve("urn:y", Some("1")), Resolution::Unknown);
    }

    #[test]
    fn the_same_version_twice_must_have_the_same_codes() {
        let mut library = Library::default();
        library.add("a.xml", "", list("urn:x", Some("1"), &["1"])).unwrap();
        library.add("b.xml", "", list("urn:x", Some("1"), &["1"])).unwrap();
        let error = library.add("c.xml", "", list("urn:x", Some("1"), &["2"])).unwrap_err();
        assert!(error.contains("`a.xml`"), "{error}");
        assert_eq!(library.len(), 1);
    }
}
