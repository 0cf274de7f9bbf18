//! Genericode code lists (OASIS genericode 1.0), as XDF2 schemas reference them by id and URN.
//!
//! The code column is the column of the list's first key; the label column is `name` if there
//! is one, else the first other column whose id contains `name`, else the next column.

use std::collections::BTreeMap;
use std::path::Path;

use roxmltree::Document;

use super::read::{child, children};

/// One genericode list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Genericode {
    pub urn: Option<String>,
    pub version: Option<String>,
    pub short_name: Option<String>,
    pub codes: Vec<(String, String)>,
}

/// Parses one genericode file; `Err` says why it is not one.
pub fn parse(xml: &str) -> Result<Genericode, String> {
    let doc = Document::parse(xml).map_err(|e| format!("not well-formed XML: {e}"))?;
    let root = doc.root_element();
    if root.tag_name().name() != "CodeList" {
        return Err(format!("root element is `{}`, not a genericode `CodeList`", root.tag_name().name()));
    }
    let identification = child(root, "Identification");
    let id_text = |name: &str| identification.and_then(|i| super::text_of(i, name));
    let columns: Vec<String> = child(root, "ColumnSet")
        .map(|set| children(set, "Column").filter_map(|c| c.attribute("Id").map(String::from)).collect())
        .unwrap_or_default();
    let key_column = child(root, "ColumnSet")
        .and_then(|set| child(set, "Key"))
        .and_then(|key| child(key, "ColumnRef"))
        .and_then(|r| r.attribute("Ref"))
        .map(String::from)
        .or_else(|| columns.first().cloned())
        .ok_or("the list has no columns")?;
    let label_column = columns
        .iter()
        .find(|c| c.as_str() == "name")
        .or_else(|| columns.iter().find(|c| **c != key_column && c.contains("name")))
        .or_else(|| columns.iter().find(|c| **c != key_column))
        .cloned()
        .unwrap_or_else(|| key_column.clone());
    let mut codes = Vec::new();
    for row in child(root, "SimpleCodeList").into_iter().flat_map(|l| children(l, "Row")) {
        let value = |column: &str| -> Option<String> {
            children(row, "Value")
                .find(|v| v.attribute("ColumnRef") == Some(column))
                .and_then(|v| super::text_of(v, "SimpleValue"))
        };
        if let Some(code) = value(&key_column) {
            let label = value(&label_column).unwrap_or_else(|| code.clone());
            codes.push((code, label));
        }
    }
    Ok(Genericode {
        urn: id_text("CanonicalUri"),
        version: id_text("Version"),
        short_name: id_text("ShortName"),
        codes,
    })
}

/// The code lists available to an import, found by FIM id (file name) or URN.
#[derive(Default)]
pub struct Library {
    by_urn: BTreeMap<String, Genericode>,
    by_id: BTreeMap<String, Genericode>,
}

impl Library {
    /// Every `.xml` file of `dir` that is a genericode list; other files are reported in `skipped`.
    pub fn load(dir: &Path) -> Result<(Library, Vec<String>), String> {
        let mut library = Library::default();
        let mut skipped = Vec::new();
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .map_err(|e| format!("cannot read `{}`: {e}", dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "xml"))
            .collect();
        paths.sort();
        for path in paths {
            let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
            match parse(&text) {
                Ok(list) => {
                    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
                    library.add(stem.split('_').next().unwrap_or_default(), list);
                }
                Err(why) => skipped.push(format!("{}: {why}", path.display())),
            }
        }
        Ok((library, skipped))
    }

    /// Adds a list under its URN and under `id` (a file name such as `C00000020`).
    pub fn add(&mut self, id: &str, list: Genericode) {
        if let Some(urn) = &list.urn {
            self.by_urn.insert(urn.clone(), list.clone());
        }
        if !id.is_empty() {
            self.by_id.insert(id.to_string(), list);
        }
    }

    /// The list a field refers to: by URN first, then by FIM id.
    pub fn find(&self, urn: Option<&str>, id: Option<&str>) -> Option<&Genericode> {
        urn.and_then(|u| self.by_urn.get(u)).or_else(|| id.and_then(|i| self.by_id.get(i)))
    }

    pub fn is_empty(&self) -> bool {
        self.by_urn.is_empty() && self.by_id.is_empty()
    }
}
