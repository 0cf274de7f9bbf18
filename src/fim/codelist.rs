//! Which genericode list a FIM `codelisteReferenz` gets, decided once for the printer and the
//! rule translation alike. The lists themselves are read by the neutral `crate::codelists`,
//! which the checker uses for `codelist X from "urn" version "v"`, so import and check
//! resolve a reference the same way.
//!
//! A reference with a URN gets the list with that URN in exactly its version (without a
//! version: the newest, with a warning). When only other versions are present, nothing is
//! used and the import warns: a 2017 reference never silently gets a 2023 list. A reference
//! whose URN is not present at all falls back to the FIM id (XDF2 files such as
//! `C00000020_genericode.xml`), unless that file holds a list with another URN.

pub use crate::codelists::{Entry, Genericode, Library, Resolution};

use super::model::CodeListRef;

/// The outcome of looking a reference up.
pub enum Lookup<'a> {
    /// The list to use; `note` says why it is not exact (a reference without a version).
    Found { entry: &'a Entry, note: Option<String> },
    /// Not used: `why` says what is missing (for the warning and the comment).
    Missing { why: String },
}

/// Looks `reference` up in `library` (see the module docs).
pub fn lookup<'a>(library: &'a Library, reference: &CodeListRef) -> Lookup<'a> {
    let by_id = || reference.id.as_deref().and_then(|id| library.by_id(id));
    let what = reference.urn.clone().or_else(|| reference.id.clone()).unwrap_or_default();
    let version = reference.version.as_deref().map(|v| format!(" version {v}")).unwrap_or_default();
    if let Some(urn) = reference.urn.as_deref() {
        match library.resolve(urn, reference.version.as_deref()) {
            Resolution::Exact(entry) => return Lookup::Found { entry, note: None },
            Resolution::Newest(entry) => {
                let newest = entry.list.version.as_deref().unwrap_or_default();
                let note =
                    format!("code list {urn} is referenced without a version; the newest present, {newest}, is used");
                return Lookup::Found { entry, note: Some(note) };
            }
            Resolution::OtherVersions(present) => {
                let why = format!(
                    "code list {what}{version} not available, only version{} {} (not used: the values may differ; see --codelists)",
                    if present.len() == 1 { "" } else { "s" },
                    present.join(", ")
                );
                return Lookup::Missing { why };
            }
            Resolution::Unknown => {}
        }
    }
    // The file named after the FIM id, unless it is another list than the URN names.
    let same_list = |entry: &&Entry| match (&reference.urn, &entry.list.urn) {
        (Some(wanted), Some(found)) => wanted == found,
        _ => true,
    };
    match by_id().filter(same_list) {
        Some(entry) => Lookup::Found { entry, note: None },
        None => Lookup::Missing { why: format!("code list {what}{version} not available (see --codelists)") },
    }
}

/// The codes of the list `reference` resolves to, if any.
pub fn codes<'a>(library: &'a Library, reference: &CodeListRef) -> Option<&'a [(String, String)]> {
    match lookup(library, reference) {
        Lookup::Found { entry, .. } => Some(&entry.list.codes),
        Lookup::Missing { .. } => None,
    }
}
