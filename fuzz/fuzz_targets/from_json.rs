//! Fuzz target: any bytes through every generated `from_json_on`: never a panic, and where the
//! bytes are a JSON value, the same report as the generated `validate_on` and the reference
//! validator.
#![no_main]

use std::sync::LazyLock;

use formwerk::validate::{Compiled, Options};
use formwerk::value::Date;

static FORMS: LazyLock<Vec<formwerk::ir::Form>> = LazyLock::new(|| {
    let forms = std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../forms"));
    let session = formwerk::driver::check_paths(&[forms.clone()], Some(&forms)).expect("the corpus loads");
    session.checked.forms.into_iter().map(|(_, form)| form).collect()
});

macro_rules! generated {
    ($id:expr, $bytes:expr, $value:expr, $today:expr) => {
        match $id {
            "bewohnerparkausweis" => run!(bewohnerparkausweis, $bytes, $value, $today),
            "fuehrungszeugnis" => run!(fuehrungszeugnis, $bytes, $value, $today),
            "gewerbeanmeldung" => run!(gewerbeanmeldung, $bytes, $value, $today),
            "hundesteuer" => run!(hundesteuer, $bytes, $value, $today),
            "jaegerpruefung" => run!(jaegerpruefung, $bytes, $value, $today),
            "wohnsitzanmeldung" => run!(wohnsitzanmeldung, $bytes, $value, $today),
            other => panic!("a corpus form without generated code: {other}"),
        }
    };
}

/// The reports of `from_json_on` and (for a JSON value) `validate_on`, as JSON.
macro_rules! run {
    ($module:ident, $bytes:expr, $value:expr, $today:expr) => {{
        let from_json = match formwerk_forms::$module::from_json_on($bytes, $today) {
            Ok(_) => serde_json::json!({"violations": []}),
            Err(report) => serde_json::to_value(report).expect("a report serialises"),
        };
        let validate = $value.map(|v| serde_json::to_value(formwerk_forms::$module::validate_on(v, $today)).unwrap());
        (from_json, validate)
    }};
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let options = Options { today: Date::parse("2026-06-15").expect("a date") };
    let today = formwerk_forms::runtime::date::Date::parse("2026-06-15").expect("a date");
    let value: Option<serde_json::Value> = serde_json::from_slice(data).ok();
    for form in FORMS.iter() {
        let (from_json, validate) = generated!(form.id.as_str(), data, value.as_ref(), today);
        if let (Some(value), Some(validate)) = (&value, validate) {
            let reference = serde_json::to_value(Compiled::new(form).validate(value, &options)).unwrap();
            assert_eq!(validate, reference, "validate_on disagrees");
            assert_eq!(from_json, reference, "from_json_on disagrees");
        }
    }
});
