//! Fuzz target: any JSON against every corpus form, through the validator and the form-data
//! conversion, must give a report, never a panic.
#![no_main]

use std::sync::LazyLock;

use formwerk::validate::{Compiled, Options};
use formwerk::value::Date;

static FORMS: LazyLock<Vec<formwerk::ir::Form>> = LazyLock::new(|| {
    let forms = std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../forms"));
    let session = formwerk::driver::check_paths(&[forms.clone()], Some(&forms)).expect("the corpus loads");
    session.checked.forms.into_iter().map(|(_, form)| form).collect()
});

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let options = Options { today: Date::parse("2026-06-15").expect("a date") };
    let pairs = formwerk::formdata::parse_urlencoded(&String::from_utf8_lossy(data));
    let value: Option<serde_json::Value> = serde_json::from_slice(data).ok();
    for form in FORMS.iter() {
        let compiled = Compiled::new(form);
        if let Some(value) = &value {
            compiled.validate(value, &options);
        }
        formwerk::formdata::convert(&compiled, &pairs, &options);
    }
});
