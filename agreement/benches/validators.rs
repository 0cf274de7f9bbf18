//! `cargo bench --manifest-path agreement/Cargo.toml --bench validators`: the generated Rust
//! validators against a generic JSON Schema validator, per corpus form, on the same 400
//! submissions (200 valid, 200 invalid examples from `formwerk::examples`, today fixed):
//!
//! - `a_from_json`: generated `from_json_on` on the bytes (reads, validates, types);
//! - `b_parse_then_jsonschema`: `serde_json::from_slice::<Value>`, then the `jsonschema`
//!   crate (formats asserted) collecting every error on the generated JSON Schema;
//! - `c_validate_value`: generated `validate_on` on an already parsed `Value`;
//! - `c_jsonschema_value`: the `jsonschema` crate on the same parsed `Value`;
//! - `d_read_only`: `serde_json::from_slice::<IgnoredAny>`, merely reading the bytes.
//!
//! Each benchmark handles all 400 submissions once per iteration. Targets (issue 5):
//! a ≥ 5× faster than b, c ≥ 3× faster than c_jsonschema, a ≤ 1.5× d.

use std::path::Path;
use std::sync::OnceLock;

use divan::black_box;
use formwerk::validate::{Compiled, Options};
use serde_json::Value;

const FORMS: &[&str] = &[
    "bewohnerparkausweis",
    "fuehrungszeugnis",
    "gewerbeanmeldung",
    "hundesteuer",
    "jaegerpruefung",
    "wohnsitzanmeldung",
];

struct Case {
    bytes: Vec<Vec<u8>>,
    values: Vec<Value>,
    schema: jsonschema::Validator,
}

fn case(form_id: &str) -> &'static Case {
    static CASES: OnceLock<Vec<(String, Case)>> = OnceLock::new();
    let cases = CASES.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("agreement/ lies in the project");
        let session = formwerk::driver::check_paths(&[root.join("forms")], Some(&root.join("forms"))).unwrap();
        let bundle = formwerk::ir::Bundle { forms: session.checked.forms.iter().map(|(_, f)| f.clone()).collect() };
        let schemas = formwerk::emit::emit(&bundle, formwerk::emit::Target::JsonSchema, &Default::default())
            .expect("JSON Schema cannot fail");
        let options = Options { today: formwerk::value::Date::parse("2026-06-15").unwrap() };
        bundle
            .forms
            .iter()
            .map(|form| {
                let compiled = Compiled::new(form);
                let examples = formwerk::examples::generate(&compiled, 200, 200, 3, &options);
                let values: Vec<Value> = examples.into_iter().map(|e| e.submission).collect();
                let path = format!("json-schema/{}.schema.json", form.id);
                let file = schemas.iter().find(|f| f.path == path).expect("a schema per form");
                let schema: Value = serde_json::from_slice(&file.contents).unwrap();
                let schema = jsonschema::options().should_validate_formats(true).build(&schema).unwrap();
                let bytes = values.iter().map(|v| serde_json::to_vec(v).unwrap()).collect();
                (form.id.clone(), Case { bytes, values, schema })
            })
            .collect()
    });
    &cases.iter().find(|(id, _)| id == form_id).expect("a corpus form").1
}

fn today() -> formwerk_forms::runtime::date::Date {
    formwerk_forms::runtime::date::Date::parse("2026-06-15").unwrap()
}

macro_rules! dispatch {
    ($form:expr, $call:ident, $arg:expr) => {
        match $form {
            "bewohnerparkausweis" => formwerk_forms::bewohnerparkausweis::$call($arg, today()).is_ok_or_valid(),
            "fuehrungszeugnis" => formwerk_forms::fuehrungszeugnis::$call($arg, today()).is_ok_or_valid(),
            "gewerbeanmeldung" => formwerk_forms::gewerbeanmeldung::$call($arg, today()).is_ok_or_valid(),
            "hundesteuer" => formwerk_forms::hundesteuer::$call($arg, today()).is_ok_or_valid(),
            "jaegerpruefung" => formwerk_forms::jaegerpruefung::$call($arg, today()).is_ok_or_valid(),
            "wohnsitzanmeldung" => formwerk_forms::wohnsitzanmeldung::$call($arg, today()).is_ok_or_valid(),
            other => panic!("unknown form {other}"),
        }
    };
}

/// A verdict from either kind of result, so the work cannot be optimised away.
trait Verdict {
    fn is_ok_or_valid(&self) -> bool;
}

impl<T> Verdict for Result<T, formwerk_forms::runtime::check::Report> {
    fn is_ok_or_valid(&self) -> bool {
        self.is_ok()
    }
}

impl Verdict for formwerk_forms::runtime::check::Report {
    fn is_ok_or_valid(&self) -> bool {
        self.is_valid()
    }
}

#[divan::bench(args = FORMS)]
fn a_from_json(bencher: divan::Bencher, form: &str) {
    let case = case(form);
    bencher.bench(|| case.bytes.iter().filter(|b| dispatch!(form, from_json_on, black_box(b))).count());
}

#[divan::bench(args = FORMS)]
fn b_parse_then_jsonschema(bencher: divan::Bencher, form: &str) {
    let case = case(form);
    bencher.bench(|| {
        case.bytes
            .iter()
            .map(|bytes| {
                let value: Value = serde_json::from_slice(black_box(bytes)).unwrap();
                case.schema.iter_errors(&value).count()
            })
            .sum::<usize>()
    });
}

#[divan::bench(args = FORMS)]
fn c_validate_value(bencher: divan::Bencher, form: &str) {
    let case = case(form);
    bencher.bench(|| case.values.iter().filter(|v| dispatch!(form, validate_on, black_box(v))).count());
}

#[divan::bench(args = FORMS)]
fn c_jsonschema_value(bencher: divan::Bencher, form: &str) {
    let case = case(form);
    bencher.bench(|| case.values.iter().map(|v| case.schema.iter_errors(black_box(v)).count()).sum::<usize>());
}

#[divan::bench(args = FORMS)]
fn d_read_only(bencher: divan::Bencher, form: &str) {
    let case = case(form);
    bencher.bench(|| {
        case.bytes.iter().filter(|b| serde_json::from_slice::<serde::de::IgnoredAny>(black_box(b)).is_ok()).count()
    });
}

fn main() {
    divan::main();
}
