//! What the tests of the generated crate share: the corpus forms, checked from the project's
//! `forms/` (the parent of this crate).

use std::path::{Path, PathBuf};

/// The project's root directory.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("agreement/ lies in the project").to_path_buf()
}

/// The corpus: every form in `forms/`, in id order; it must check without errors.
pub fn corpus() -> Vec<formwerk::ir::Form> {
    let dir = root().join("forms");
    let session = formwerk::driver::check_paths(std::slice::from_ref(&dir), Some(&dir)).unwrap();
    assert!(!session.checked.has_errors(), "{} checks clean", dir.display());
    let mut forms: Vec<formwerk::ir::Form> = session.checked.forms.into_iter().map(|(_, f)| f).collect();
    forms.sort_by(|a, b| a.id.cmp(&b.id));
    forms
}

/// One corpus form by id.
pub fn corpus_form(id: &str) -> formwerk::ir::Form {
    corpus().into_iter().find(|f| f.id == id).unwrap_or_else(|| panic!("no corpus form `{id}`"))
}
