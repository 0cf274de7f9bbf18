//! Source files and spans: `FileId`, `Span`, and the `SourceDb` that owns every loaded text.
//!
//! Everything that points into source code does so through a `Span` of byte offsets.
//! Line and column numbers are computed only when a diagnostic is rendered.

use std::path::{Path, PathBuf};

/// Index of a file in a [`SourceDb`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct FileId(pub u32);

/// A byte range `start..end` in one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        Span { file, start: start as u32, end: end as u32 }
    }

    /// The smallest span covering both `self` and `other` (same file assumed).
    pub fn to(self, other: Span) -> Span {
        Span { file: self.file, start: self.start.min(other.start), end: self.end.max(other.end) }
    }

    pub fn len(&self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }
}

/// One loaded source file.
#[derive(Debug)]
pub struct SourceFile {
    /// The name shown in diagnostics, relative to the forms root (e.g. `common/person.form`).
    pub name: String,
    /// The module path under which `use` finds this file (e.g. `common.person`).
    pub module: String,
    pub text: String,
    /// Byte offsets at which lines start, for line/column lookup.
    line_starts: Vec<u32>,
}

impl SourceFile {
    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: u32) -> (usize, usize) {
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let start = self.line_starts[line] as usize;
        let end = (offset as usize).min(self.text.len());
        let column = self.text.get(start..end).map_or(0, |s| s.chars().count()) + 1;
        (line + 1, column)
    }
}

/// Every source file of one compiler run. Files are added, never removed.
#[derive(Debug, Default)]
pub struct SourceDb {
    files: Vec<SourceFile>,
}

impl SourceDb {
    pub fn new() -> SourceDb {
        SourceDb::default()
    }

    pub fn add(&mut self, name: impl Into<String>, module: impl Into<String>, text: impl Into<String>) -> FileId {
        let text = text.into();
        let mut line_starts = vec![0u32];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i as u32 + 1));
        self.files.push(SourceFile { name: name.into(), module: module.into(), text, line_starts });
        FileId(self.files.len() as u32 - 1)
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn find_module(&self, module: &str) -> Option<FileId> {
        self.files.iter().position(|f| f.module == module).map(|i| FileId(i as u32))
    }

    pub fn ids(&self) -> impl Iterator<Item = FileId> {
        (0..self.files.len() as u32).map(FileId)
    }

    /// The text a span covers.
    pub fn slice(&self, span: Span) -> &str {
        self.get(span.file).text.get(span.start as usize..span.end as usize).unwrap_or("")
    }
}

/// Where `use a.b` looks for modules: a directory of `.form` files, or files held in memory.
pub trait ModuleLoader {
    /// The display name and text of module `a.b`, or `None` if it does not exist.
    fn load(&self, module: &str) -> Option<(String, String)>;
}

/// Loads `a.b` from `<root>/a/b.form`.
pub struct DirLoader {
    pub root: PathBuf,
}

impl DirLoader {
    pub fn new(root: impl Into<PathBuf>) -> DirLoader {
        DirLoader { root: root.into() }
    }

    /// The module path of a file under the root (`common/person.form` → `common.person`).
    pub fn module_of(&self, file: &Path) -> Option<String> {
        let rel = file.strip_prefix(&self.root).ok()?;
        let rel = rel.with_extension("");
        let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
        Some(parts?.join("."))
    }

    /// The name shown in diagnostics: the path as the user would type it (`forms/x.form`).
    pub fn display_name(&self, file: &Path) -> String {
        let path = file.strip_prefix("./").unwrap_or(file);
        path.to_string_lossy().replace('\\', "/")
    }
}

impl ModuleLoader for DirLoader {
    fn load(&self, module: &str) -> Option<(String, String)> {
        if module.split('.').any(|part| part.is_empty() || part.contains(['/', '\\'])) {
            return None;
        }
        let mut path = self.root.clone();
        for part in module.split('.') {
            path.push(part);
        }
        path.set_extension("form");
        let text = std::fs::read_to_string(&path).ok()?;
        Some((self.display_name(&path), text))
    }
}

/// Modules held in memory, keyed by module path: for tests and multi-file fixtures.
#[derive(Default)]
pub struct MemoryLoader {
    pub modules: std::collections::BTreeMap<String, (String, String)>,
}

impl ModuleLoader for MemoryLoader {
    fn load(&self, module: &str) -> Option<(String, String)> {
        self.modules.get(module).cloned()
    }
}
