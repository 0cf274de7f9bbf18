//! The corpus forms (`forms/`), checked and compiled once per fuzzing process; shared by the
//! fuzz targets that run inputs against every corpus form.

use std::sync::LazyLock;

use formwerk::ir::Form;
use formwerk::validate::Compiled;

pub static FORMS: LazyLock<Vec<Form>> = LazyLock::new(|| {
    let forms = std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../forms"));
    let session = formwerk::driver::check_paths(&[forms.clone()], Some(&forms)).expect("the corpus loads");
    session.checked.forms.into_iter().map(|(_, form)| form).collect()
});

pub static COMPILED: LazyLock<Vec<Compiled<'static>>> = LazyLock::new(|| FORMS.iter().map(Compiled::new).collect());
