//! Helpers shared by the integration tests: multi-file fixtures and plain rendering.

#![allow(dead_code)]

pub mod http;

use formwerk::check::{self, Checked};
use formwerk::diag::render::{self, RenderOptions};
use formwerk::source::{MemoryLoader, SourceDb};

/// Splits a fixture into files at `//- /path.form` marker lines (rust-analyzer style).
/// A fixture without markers is the single file `main.form`.
pub fn split_fixture(text: &str) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = Vec::new();
    for line in text.split_inclusive('\n') {
        if let Some(path) = line.trim_end().strip_prefix("//- /") {
            files.push((path.trim().to_string(), String::new()));
            continue;
        }
        match files.last_mut() {
            Some((_, body)) => body.push_str(line),
            None => files.push(("main.form".to_string(), line.to_string())),
        }
    }
    files
}

/// Module path of a fixture file: `common/person.form` → `common.person`.
pub fn module_of(path: &str) -> String {
    path.trim_end_matches(".form").replace('/', ".")
}

/// Checks every file of a fixture as a root (like `formwerk check DIR`). Files under
/// `codelists/` (`//- /codelists/farbe_1.xml`) are genericode lists: the code-list library of
/// the run, as the driver would load it from a code-list directory; files under `catalogues/`
/// are the project's catalogues.
pub fn check_fixture(text: &str) -> (SourceDb, Checked) {
    let mut db = SourceDb::new();
    let mut loader = MemoryLoader::default();
    let mut library = formwerk::codelists::Library::default();
    let (catalogues, rest): (Vec<_>, Vec<_>) =
        split_fixture(text).into_iter().partition(|(path, _)| path.starts_with("catalogues/"));
    let (lists, files): (Vec<_>, Vec<_>) = rest.into_iter().partition(|(path, _)| path.starts_with("codelists/"));
    // Files under `catalogues/` (`//- /catalogues/hsb.toml`) are the project's catalogues.
    let project: formwerk::catalogue::Project = catalogues
        .iter()
        .map(|(path, body)| {
            let lang = path.trim_start_matches("catalogues/").trim_end_matches(".toml");
            (lang.to_string(), formwerk::catalogue::parse(lang, body))
        })
        .collect();
    // A list that does not parse (e.g. in a mutated fixture) is left out, as if absent: the
    // references to it then fail to resolve, which the case's snapshot shows.
    for (path, body) in &lists {
        if let Ok(list) = formwerk::codelists::parse(body) {
            let sha256 = formwerk::driver::sha256(body.as_bytes());
            let _ = library.add(path.trim_start_matches("codelists/"), &sha256, list);
        }
    }
    for (path, body) in &files {
        loader.modules.insert(module_of(path), (path.clone(), body.clone()));
    }
    let roots: Vec<_> = files.iter().map(|(path, body)| db.add(path.clone(), module_of(path), body.clone())).collect();
    let mut checked = check::check_with_catalogues(&mut db, &loader, &library, &project, &roots);
    // Overlays are proved against their bases, as `formwerk check` does.
    formwerk::overlay::apply(&mut checked);
    (db, checked)
}

/// Checks a fixture file: split into files if it is UTF-8 text, else one file `main.form`
/// whose bytes are decoded as the driver decodes a file on disk (e.g. a Latin-1 case).
pub fn check_fixture_file(path: &std::path::Path) -> (SourceDb, Checked) {
    match String::from_utf8(std::fs::read(path).unwrap()) {
        Ok(text) => check_fixture(&text),
        Err(not_utf8) => {
            let mut db = SourceDb::new();
            let root = db.add_contents("main.form", "main", Ok(not_utf8.into_bytes()));
            let checked = check::check(&mut db, &MemoryLoader::default(), &[root]);
            (db, checked)
        }
    }
}

/// Diagnostics as a user sees them, without colour, 80 columns.
pub fn render_plain(db: &SourceDb, checked: &Checked) -> String {
    render::render_all(db, &checked.diagnostics, RenderOptions::plain())
}

/// The `x-formwerk-not-expressed` entries of a generated schema as `(at, kind)`.
pub fn not_expressed(schema: &serde_json::Value) -> Vec<(String, String)> {
    schema["x-formwerk-not-expressed"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|g| (g["at"].as_str().unwrap().to_string(), g["kind"].as_str().unwrap().to_string()))
        .collect()
}

fn segments(text: &str) -> Vec<&str> {
    text.split('/').filter(|s| *s != "*" && s.parse::<usize>().is_err()).collect()
}

/// Whether a reference violation is one the schema says it does not state: rules always;
/// bounds and IBAN checksums at the listed node; whether a node whose condition is not stated
/// is there (`hidden`, `required`; its value's own schema is stated). Patterns use `*` for
/// repeat items.
pub fn is_unexpressed(gaps: &[(String, String)], pointer: &str, code: &str) -> bool {
    code.starts_with("rule:")
        || gaps.iter().any(|(at, kind)| match kind.as_str() {
            "minimum" | "maximum" => code == kind && segments(at) == segments(pointer),
            "iban-checksum" => code == "iban_invalid" && segments(at) == segments(pointer),
            "computed" => code == "computed" && segments(at) == segments(pointer),
            "total-size" => code == "total_size" && segments(at) == segments(pointer),
            "condition" => ["hidden", "required"].contains(&code) && segments(at) == segments(pointer),
            _ => false,
        })
}

/// Whether the reference reports a given node hidden by a condition the schema does not
/// state. The schema checks such a node's value (its schema is in `properties`), the
/// reference only reports that it is there: the schema's verdict can differ from the
/// reference's without the unstated violation.
pub fn hidden_by_a_gap(report: &formwerk::validate::Report, gaps: &[(String, String)]) -> bool {
    report.violations.iter().any(|v| v.code == "hidden" && is_unexpressed(gaps, &v.pointer, &v.code))
}

/// The forms of every fixture in `dir` (relative to the package root); each must check clean.
pub fn extra_forms(dir: &str) -> Vec<formwerk::ir::Form> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut paths: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    paths.sort();
    let mut forms = Vec::new();
    for path in paths.into_iter().filter(|p| p.extension().is_some_and(|e| e == "form")) {
        let (db, checked) = check_fixture(&std::fs::read_to_string(&path).unwrap());
        assert!(checked.diagnostics.is_empty(), "{}: {}", path.display(), render_plain(&db, &checked));
        forms.extend(checked.forms.into_iter().map(|(_, f)| f));
    }
    forms
}

/// The checked forms of `dir` (relative to the package root, which is also its module root),
/// in id order; the directory must check without errors.
pub fn forms_in(dir: &str) -> Vec<formwerk::ir::Form> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let session = formwerk::driver::check_paths(std::slice::from_ref(&dir), Some(&dir)).unwrap();
    assert!(!session.checked.has_errors(), "{} checks clean", dir.display());
    let mut forms: Vec<formwerk::ir::Form> = session.checked.forms.into_iter().map(|(_, f)| f).collect();
    forms.sort_by(|a, b| a.id.cmp(&b.id));
    forms
}

/// The corpus: every form in `forms/`.
pub fn corpus() -> Vec<formwerk::ir::Form> {
    forms_in("forms")
}

/// One corpus form by id.
pub fn corpus_form(id: &str) -> formwerk::ir::Form {
    corpus().into_iter().find(|f| f.id == id).unwrap_or_else(|| panic!("no corpus form `{id}`"))
}

/// Installs the npm packages of a test folder (relative to the package root) from its lockfile,
/// unless a finished install has every one of `packages`. Node.js is needed for `why`.
///
/// The tests of one binary run in parallel and several call this: one lock serialises them, so
/// no two `npm ci` unpack into the same `node_modules` (they did, and failed, in CI). npm writes
/// `node_modules/.package-lock.json` last, so its presence says an install finished.
pub fn npm_ci(dir: &str, packages: &[&str], why: &str) {
    static INSTALLING: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _installing = INSTALLING.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let modules = dir.join("node_modules");
    if modules.join(".package-lock.json").exists() && packages.iter().all(|p| modules.join(p).exists()) {
        return;
    }
    let status = std::process::Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(&dir)
        .status()
        .unwrap_or_else(|e| panic!("npm runs (Node.js is needed for {why}): {e}"));
    assert!(status.success(), "npm ci failed in {}", dir.display());
}

/// A small deterministic generator (xorshift64*), so failures of randomised tests are
/// reproducible from their seed.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (`0` when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Every `.form` file below `dir`, appended to `out` in directory order.
pub fn form_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            form_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "form") {
            out.push(path);
        }
    }
}

/// A project's form (`forms/antrag.form`) that checks clean, using a code list from a module.
pub const GOOD: &str = r#"use common.codes
form antrag {
  title "Antrag" en "Application"
  version "1.0.0"
  languages de, en
  field art: choice of Art "Art" en "Kind" required
}
"#;

/// The module `GOOD` uses (`forms/common/codes.form`).
pub const CODES: &str = r#"codelist Art "Art" en "Kind" {
  code "A" "Erste" en "First"
}
"#;

/// Writes `contents` to `path` below `dir`, creating the directories on the way.
pub fn write(dir: &std::path::Path, path: &str, contents: impl AsRef<[u8]>) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, contents).unwrap();
}

/// A project in a temporary directory: `forms/` with [`GOOD`] and the module [`CODES`].
pub fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "forms/antrag.form", GOOD);
    write(dir.path(), "forms/common/codes.form", CODES);
    dir
}

/// Every entry below `dir` (links not followed): files with their contents, directories as
/// `None`, for checking that a run changed nothing.
pub fn snapshot_tree(dir: &std::path::Path) -> std::collections::BTreeMap<String, Option<Vec<u8>>> {
    let mut out = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&current) else { continue };
        for entry in entries {
            let path = entry.unwrap().path();
            let name = path.strip_prefix(dir).unwrap().display().to_string();
            if std::fs::symlink_metadata(&path).unwrap().is_dir() {
                out.insert(name, None);
                stack.push(path);
            } else {
                out.insert(name, std::fs::read(&path).ok());
            }
        }
    }
    out
}

/// Copies the directory `from` into `to` (which exists), recursively: e.g. a generated crate
/// to a place outside this workspace.
pub fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

/// Every value of a valid submission replaced by nonsense, so nearly every field is in error
/// (the error states of the HTML checks).
pub fn nonsense(value: &serde_json::Value) -> serde_json::Value {
    use serde_json::{json, Value};
    match value {
        Value::Object(map) if map.contains_key("media_type") => {
            json!({ "name": "programm.exe", "media_type": "application/x-msdownload", "size": 999_999_999_u64 })
        }
        Value::Object(map) => Value::Object(map.iter().map(|(k, v)| (k.clone(), nonsense(v))).collect()),
        Value::Array(items) if items.iter().all(Value::is_object) => Value::Array(items.iter().map(nonsense).collect()),
        Value::Array(_) => json!(["?"]),
        Value::Number(_) => json!("zwölf"),
        Value::Bool(_) => json!("vielleicht"),
        Value::String(_) => json!("?"),
        Value::Null => Value::Null,
    }
}
