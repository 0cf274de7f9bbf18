//! Fuzz target: any bytes through every generated `from_json_on`: never a panic, and the same
//! report as the reference validator on what `validate::read` reads from the same bytes (the
//! two refuse exactly the same bytes); where serde_json parses the bytes into a `Value`, also
//! the same as the generated `validate_on` and the reference on that `Value`.
//!
//! Each input is also tried in hostile shapes: nested 130 levels deep (past serde_json's
//! limit of 128) as the whole input, inside an unknown member and inside a field's value; as
//! every item of each top-level repeat, past its maximum; and with a control character and a
//! bidi override added to each of its strings.
#![no_main]

use formwerk::ir::{Form, Item};
use formwerk::validate::{Compiled, Options};
use formwerk::value::Date;
use serde_json::{json, Value};

#[path = "shared/corpus.rs"]
mod corpus;

use corpus::{COMPILED, FORMS};

macro_rules! generated {
    ($id:expr, $bytes:expr, $value:expr, $today:expr) => {
        match $id {
            "bewohnerparkausweis" => run!(bewohnerparkausweis, $bytes, $value, $today),
            "fuehrungszeugnis" => run!(fuehrungszeugnis, $bytes, $value, $today),
            "gewerbeanmeldung" => run!(gewerbeanmeldung, $bytes, $value, $today),
            "hundesteuer" => run!(hundesteuer, $bytes, $value, $today),
            "integrationskurs" => run!(integrationskurs, $bytes, $value, $today),
            "jaegerpruefung" => run!(jaegerpruefung, $bytes, $value, $today),
            "wohngeld" => run!(wohngeld, $bytes, $value, $today),
            "wohngeld_sachsen" => run!(wohngeld_sachsen, $bytes, $value, $today),
            "wohnsitzanmeldung" => run!(wohnsitzanmeldung, $bytes, $value, $today),
            other => panic!("a corpus form without generated code: {other}"),
        }
    };
}

/// The reports of `from_json_on` and (for a JSON value) `validate_on`, as JSON.
macro_rules! run {
    ($module:ident, $bytes:expr, $value:expr, $today:expr) => {{
        let from_json = match formwerk_forms::$module::from_json_on($bytes, $today) {
            Ok(_) => json!({"violations": []}),
            Err(report) => serde_json::to_value(report).expect("a report serialises"),
        };
        let validate = $value.map(|v| serde_json::to_value(formwerk_forms::$module::validate_on(v, $today)).unwrap());
        (from_json, validate)
    }};
}

/// The input in hostile shapes, for `form`.
fn variants(form: &Form, data: &[u8]) -> Vec<Vec<u8>> {
    let text = String::from_utf8_lossy(data);
    let deep = |inner: &str| format!("{}{inner}{}", "[".repeat(130), "]".repeat(130));
    let mut out = vec![format!("{{\"tief\": {}}}", deep(&text)).into_bytes(), deep(&text).into_bytes()];
    if let Some(field) = form.items().find(|item| matches!(item, Item::Field(_))) {
        out.push(format!("{{\"{}\": {}}}", field.name(), deep(&text)).into_bytes());
    }
    for item in form.items() {
        if let Item::Repeat(repeat) = item {
            let n_items = repeat.max.map_or(3, |max| max as usize + 2);
            let items = vec![text.as_ref(); n_items].join(",");
            out.push(format!("{{\"{}\": [{items}]}}", repeat.name).into_bytes());
        }
    }
    // Every string with a control character and a bidi override added.
    if let Ok(mut value) = serde_json::from_slice::<Value>(data) {
        poison(&mut value);
        out.push(serde_json::to_vec(&value).expect("a value serialises"));
    }
    out
}

fn poison(value: &mut Value) {
    match value {
        Value::String(text) => text.push_str("\u{1b}\u{202e}"),
        Value::Array(items) => items.iter_mut().for_each(poison),
        Value::Object(members) => members.values_mut().for_each(poison),
        _ => {}
    }
}

fn compare(form: &Form, compiled: &Compiled, bytes: &[u8]) {
    let options = Options { today: Date::parse("2026-06-15").expect("a date") };
    let today = formwerk_forms::runtime::date::Date::parse("2026-06-15").expect("a date");
    let value: Option<Value> = serde_json::from_slice(bytes).ok();
    let (from_json, validate) = generated!(form.id.as_str(), bytes, value.as_ref(), today);
    match formwerk::validate::read(form, bytes) {
        Ok(read) => {
            let reference = serde_json::to_value(compiled.validate(&read, &options)).unwrap();
            assert_eq!(from_json, reference, "from_json_on disagrees with the reference on what it reads");
            if let (Some(value), Some(validate)) = (&value, validate) {
                let on_value = serde_json::to_value(compiled.validate(value, &options)).unwrap();
                assert_eq!(on_value, reference, "the reference on a Value disagrees with it on bytes");
                assert_eq!(validate, reference, "validate_on disagrees");
            }
        }
        Err(detail) => {
            let violations = from_json["violations"].as_array().expect("a report");
            assert_eq!(violations.len(), 1, "the reference refuses what from_json_on reads: {detail}");
            assert_eq!(violations[0]["code"], "malformed");
            assert!(violations[0]["messages"]["de"].as_str().unwrap_or_default().contains(&detail.to_string()));
        }
    }
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    for (form, compiled) in FORMS.iter().zip(COMPILED.iter()) {
        compare(form, compiled, data);
        for variant in variants(form, data) {
            compare(form, compiled, &variant);
        }
    }
});
