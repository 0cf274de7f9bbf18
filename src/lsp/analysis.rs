//! Running the checker for the editor: one open document (or every form of its module root)
//! with the modules it uses, read from the editor's open buffers where it has them and from
//! disk otherwise, through `check` itself. The module root, code lists and catalogues are found
//! as `formwerk check` finds them (`driver::default_root`, `default_codelists`, …).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::documents::{path_to_uri, uri_to_path, Documents};
use super::index::Index;
use crate::catalogue;
use crate::check::{self, Checked};
use crate::codelists::Library;
use crate::driver;
use crate::files::Contents;
use crate::source::{DirLoader, FileId, ModuleLoader, SourceDb};

/// A checked program as the editor sees it.
pub struct Analysis {
    pub db: SourceDb,
    pub checked: Checked,
    /// The document the analysis was made for.
    pub file: FileId,
    /// The module root, when the document is a file on disk.
    pub root: Option<PathBuf>,
    /// The revision of the document's text that was checked.
    pub revision: u64,
    uris: BTreeMap<FileId, String>,
}

impl Analysis {
    pub fn index(&self) -> Index<'_> {
        Index::new(&self.db, &self.checked.program)
    }

    /// Whether the document parsed (else most questions have no answer from this analysis).
    pub fn parses(&self) -> bool {
        self.checked.program.units.get(&self.file).is_some_and(|u| u.ast.is_some())
    }

    /// The URI of a file of the analysis.
    pub fn uri(&self, file: FileId) -> Option<&str> {
        self.uris.get(&file).map(String::as_str)
    }

    /// The file of a URI.
    pub fn file_of(&self, uri: &str) -> Option<FileId> {
        self.uris.iter().find(|(_, u)| u.as_str() == uri).map(|(f, _)| *f)
    }

    /// The text of a file of the analysis.
    pub fn text(&self, file: FileId) -> &str {
        if !self.db.ids().any(|id| id == file) {
            return "";
        }
        &self.db.get(file).text
    }
}

/// What every analysis under one module root shares: its code lists and catalogues, loaded once.
#[derive(Default)]
pub struct Project {
    settings: BTreeMap<PathBuf, (Library, catalogue::Project)>,
}

/// Where a document sits: its module root and module name.
struct Place {
    root: Option<PathBuf>,
    module: String,
    name: String,
}

fn place(uri: &str) -> Place {
    match uri_to_path(uri) {
        Some(path) => {
            let root = driver::default_root(&path);
            let loader = DirLoader::new(&root);
            let module = loader.module_of(&path).unwrap_or_else(|| stem(&path));
            Place { name: loader.display_name(&path), root: Some(root), module }
        }
        None => {
            Place { root: None, module: stem(Path::new(uri.rsplit('/').next().unwrap_or(uri))), name: uri.to_string() }
        }
    }
}

fn stem(path: &Path) -> String {
    path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
}

/// Modules from the open buffers first, then from the module root on disk.
struct Overlay<'d> {
    dir: Option<DirLoader>,
    open: BTreeMap<String, (String, &'d str)>,
}

impl ModuleLoader for Overlay<'_> {
    fn load(&self, module: &str) -> Option<(String, Contents)> {
        if let Some((name, text)) = self.open.get(module) {
            return Some((name.clone(), Ok(text.as_bytes().to_vec())));
        }
        self.dir.as_ref()?.load(module)
    }
}

impl Project {
    /// Checks the document at `uri` (with what it uses). `None` for a document that is not open.
    pub fn analyze(&mut self, docs: &Documents, uri: &str) -> Option<Analysis> {
        self.run(docs, uri, false)
    }

    /// Checks every form under the document's module root, the document among them: for
    /// references and renames across modules.
    pub fn analyze_workspace(&mut self, docs: &Documents, uri: &str) -> Option<Analysis> {
        self.run(docs, uri, true)
    }

    fn run(&mut self, docs: &Documents, uri: &str, workspace: bool) -> Option<Analysis> {
        let document = docs.get(uri)?;
        let here = place(uri);
        let mut open = BTreeMap::new();
        let mut uris_by_name = BTreeMap::new();
        for (other, doc) in &docs.open {
            let there = place(other);
            if there.root == here.root && (here.root.is_some() || other == uri) {
                uris_by_name.insert(there.name.clone(), other.clone());
                open.insert(there.module, (there.name, doc.text.as_str()));
            }
        }
        let loader = Overlay { dir: here.root.as_ref().map(DirLoader::new), open };
        let (library, catalogues) = match &here.root {
            Some(root) => &*self.settings.entry(root.clone()).or_insert_with(|| load_settings(root)),
            None => &*self.settings.entry(PathBuf::new()).or_default(),
        };
        let mut db = SourceDb::new();
        let file = db.add(here.name.clone(), here.module.clone(), document.text.clone());
        let mut roots = vec![file];
        if workspace {
            if let Some(root) = &here.root {
                let dir = DirLoader::new(root);
                for path in forms_below(root) {
                    let Some(module) = dir.module_of(&path) else {
                        continue;
                    };
                    if db.find_module(&module).is_some() {
                        continue;
                    }
                    if let Some((name, contents)) = loader.load(&module) {
                        roots.push(db.add_contents(name, module, contents));
                    }
                }
            }
        }
        let checked = check::check_with_catalogues(&mut db, &loader, library, catalogues, &roots);
        let mut uris = BTreeMap::new();
        for id in db.ids() {
            let name = &db.get(id).name;
            let uri = match uris_by_name.get(name) {
                Some(uri) => uri.clone(),
                None if here.root.is_some() => path_to_uri(Path::new(name)),
                None => continue,
            };
            uris.insert(id, uri);
        }
        Some(Analysis { db, checked, file, root: here.root, revision: document.revision, uris })
    }
}

/// The code lists and catalogues next to a module root, as `check` loads them; a directory that
/// does not load leaves them out (the checker then says which list or language is unknown).
fn load_settings(root: &Path) -> (Library, catalogue::Project) {
    let library = driver::default_codelists(root).and_then(|dir| driver::load_codelists(&dir).ok()).unwrap_or_default();
    let catalogues =
        driver::default_catalogues(root).and_then(|dir| driver::load_catalogues(&dir).ok()).unwrap_or_default();
    (library, catalogues)
}

impl Project {
    /// Checks `files` (display name, module, text) as they would be after an edit, every one a
    /// root, with the settings of the module root `root`.
    pub fn check_texts(&mut self, root: Option<&Path>, files: Vec<(String, String, String)>) -> Checked {
        let (library, catalogues) = match root {
            Some(root) => &*self.settings.entry(root.to_path_buf()).or_insert_with(|| load_settings(root)),
            None => &*self.settings.entry(PathBuf::new()).or_default(),
        };
        let mut loader = crate::source::MemoryLoader::default();
        let mut db = SourceDb::new();
        let mut roots = Vec::new();
        for (name, module, text) in files {
            roots.push(db.add(name.clone(), module.clone(), text.clone()));
            loader.modules.insert(module, (name, text));
        }
        check::check_with_catalogues(&mut db, &loader, library, catalogues, &roots)
    }
}

/// At most this many directory entries are looked at when listing a module root's forms: a
/// document opened outside a `forms` directory has its own directory as the root, which may be
/// a home directory.
const MAX_ENTRIES: usize = 20_000;

/// The `.form` files below `root` (no links, no hidden directories, at most [`MAX_ENTRIES`]
/// entries looked at), sorted.
pub fn forms_below(root: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    let mut seen = 0;
    while let Some(directory) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&directory) else {
            continue;
        };
        for entry in entries.flatten() {
            seen += 1;
            if seen > MAX_ENTRIES {
                found.sort();
                return found;
            }
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let Ok(file_type) = entry.file_type() else {
                continue;
            };
            let path = entry.path();
            if file_type.is_dir() {
                stack.push(path);
            } else if file_type.is_file() && path.extension().is_some_and(|e| e == "form") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}
