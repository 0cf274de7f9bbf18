//! Source files and spans: `FileId`, `Span`, and the `SourceDb` that owns every loaded text.
//!
//! Everything that points into source code does so through a `Span` of byte offsets.
//! Line and column numbers are computed only when a diagnostic is rendered.
//!
//! A file enters the `SourceDb` as bytes and is decoded there (`files::decode`), so a file
//! that is not UTF-8 text, or that was refused unread (a symbolic link, a FIFO, too large),
//! still has a name and an id but no text: [`file_diagnostics`] says why, without echoing
//! a byte of it. Modules on disk are read only through `files`, never through a link.

use std::path::{Path, PathBuf};

use crate::diag::{Code, Diagnostic};
use crate::files::{self, Contents, EncodingProblem, FileProblem};

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
    /// The decoded text, without a byte order mark; empty when the file has a `problem`.
    pub text: String,
    /// Why the file has no text: refused unread, or not UTF-8.
    pub problem: Option<SourceProblem>,
    /// The file started with a UTF-8 byte order mark (skipped).
    pub bom: bool,
    /// Byte offsets at which lines start, for line/column lookup.
    line_starts: Vec<u32>,
    /// The text was dropped ([`SourceDb::forget_text`]).
    forgotten: bool,
}

/// Why a source file has no text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SourceProblem {
    /// Not read at all: a symbolic link, not a regular file, too large, unreadable.
    Refused(FileProblem),
    /// Read, but not UTF-8 text.
    Encoding(EncodingProblem),
}

impl SourceFile {
    /// Whether its text was dropped ([`SourceDb::forget_text`]).
    pub fn forgotten(&self) -> bool {
        self.forgotten
    }

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

    /// Adds a text, decoded like a file's bytes: a byte order mark is skipped, and a text
    /// with NUL bytes (binary, or UTF-16) becomes a file with a problem and no text.
    pub fn add(&mut self, name: impl Into<String>, module: impl Into<String>, text: impl Into<String>) -> FileId {
        self.add_contents(name, module, Ok(text.into().into_bytes()))
    }

    /// Adds a file as read from disk: its bytes, decoded, or why it was refused.
    pub fn add_contents(&mut self, name: impl Into<String>, module: impl Into<String>, contents: Contents) -> FileId {
        let (text, bom, problem) = match contents.map(files::decode) {
            Ok(Ok(decoded)) => (decoded.text, decoded.bom, None),
            Ok(Err(encoding)) => (String::new(), false, Some(SourceProblem::Encoding(encoding))),
            Err(refused) => (String::new(), false, Some(SourceProblem::Refused(refused))),
        };
        let mut line_starts = vec![0u32];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i as u32 + 1));
        let file =
            SourceFile { name: name.into(), module: module.into(), text, problem, bom, line_starts, forgotten: false };
        self.files.push(file);
        FileId(self.files.len() as u32 - 1)
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn find_module(&self, module: &str) -> Option<FileId> {
        self.files.iter().position(|f| f.module == module && !f.forgotten).map(|i| FileId(i as u32))
    }

    /// Drops the text of `id`, which nothing will report on (a whole build checks a catalogue
    /// a batch of files at a time and keeps only the texts its diagnostics point into). Its
    /// name stays; its module is no longer found, so a later `use` reads the file again, as a
    /// file of its own.
    pub fn forget_text(&mut self, id: FileId) {
        let file = &mut self.files[id.0 as usize];
        file.text = String::new();
        file.line_starts = vec![0];
        file.forgotten = true;
    }

    pub fn ids(&self) -> impl Iterator<Item = FileId> {
        (0..self.files.len() as u32).map(FileId)
    }

    /// The text a span covers.
    pub fn slice(&self, span: Span) -> &str {
        self.get(span.file).text.get(span.start as usize..span.end as usize).unwrap_or("")
    }
}

/// What is wrong with a file as a whole, before any parsing: it was refused unread or is
/// not UTF-8 (an error, and the file has no text), or it starts with a byte order mark
/// (a warning). Each diagnostic points at the start of the file and names its position.
pub fn file_diagnostics(db: &SourceDb, id: FileId) -> Vec<Diagnostic> {
    let file = db.get(id);
    let start = Span::new(id, 0, 0);
    let mut out = Vec::new();
    match &file.problem {
        Some(SourceProblem::Refused(problem)) => {
            let help = match problem {
                FileProblem::SymbolicLink { .. } => {
                    "copy the file into the forms directory, or name the directory the link points to"
                }
                FileProblem::NotRegular { .. } => "a form source is a regular file; rename or move this one",
                FileProblem::TooLarge { .. } => "split the file into modules (`use a.b` reads `a/b.form`)",
                FileProblem::Missing | FileProblem::Unreadable { .. } => "check the file's permissions",
            };
            out.push(
                Diagnostic::new(Code::SourceFileRefused, problem.describe(&file.name), start, "not read")
                    .with_help(help),
            );
        }
        Some(SourceProblem::Encoding(problem)) => {
            let help = match problem {
                EncodingProblem::Utf16 { .. } | EncodingProblem::Utf32 { .. } => {
                    "save the file as UTF-8 (for example with `iconv -f UTF-16 -t UTF-8`)"
                }
                EncodingProblem::Nul { .. } => "a form source is UTF-8 text; this file is not one",
                EncodingProblem::InvalidUtf8 { .. } => {
                    "the file is probably Latin-1 or Windows-1252; save it as UTF-8 (for example with `iconv -f WINDOWS-1252 -t UTF-8`)"
                }
            };
            out.push(
                Diagnostic::new(Code::SourceNotUtf8, problem.describe(&file.name), start, "not UTF-8 text")
                    .with_help(help),
            );
        }
        None if file.bom => out.push(
            Diagnostic::new(
                Code::ByteOrderMark,
                format!("`{}` starts with a UTF-8 byte order mark", file.name),
                start,
                "byte order mark, skipped",
            )
            .with_help("save the file as UTF-8 without a byte order mark; some tools read the mark as text"),
        ),
        None => {}
    }
    out
}

/// Where `use a.b` looks for modules: a directory of `.form` files, or files held in memory.
pub trait ModuleLoader {
    /// The display name and contents of module `a.b` (its bytes, or why its file was not
    /// read), or `None` if it does not exist.
    fn load(&self, module: &str) -> Option<(String, Contents)>;
}

/// Loads `a.b` from `<root>/a/b.form`, reading only regular files, never through a
/// symbolic link (neither the file nor a directory below the root), at most
/// [`files::MAX_SOURCE_BYTES`].
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
    fn load(&self, module: &str) -> Option<(String, Contents)> {
        if module.split('.').any(|part| part.is_empty() || part.contains(['/', '\\'])) {
            return None;
        }
        let mut relative = PathBuf::new();
        for part in module.split('.') {
            relative.push(part);
        }
        relative.set_extension("form");
        let path = self.root.join(&relative);
        match files::read_below(&self.root, &relative, files::MAX_SOURCE_BYTES) {
            Err(FileProblem::Missing) => None,
            contents => Some((self.display_name(&path), contents)),
        }
    }
}

/// Modules held in memory, keyed by module path: for tests and multi-file fixtures.
#[derive(Default)]
pub struct MemoryLoader {
    pub modules: std::collections::BTreeMap<String, (String, String)>,
}

impl ModuleLoader for MemoryLoader {
    fn load(&self, module: &str) -> Option<(String, Contents)> {
        self.modules.get(module).map(|(name, text)| (name.clone(), Ok(text.clone().into_bytes())))
    }
}
