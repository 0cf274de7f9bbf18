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
//! With `--features peers`, the strongest peers too:
//!
//! - `e_sonic_then_macro`: `sonic_rs::from_slice` into a `serde_json::Value`, then the
//!   `jsonschema` crate's compile-time validator (`#[jsonschema::validator]`, 0.60.2, formats
//!   asserted) collecting every error;
//! - `c_macro_value`: that compile-time validator on the parsed `Value`;
//! - `d_sonic_read_only`: `sonic_rs::from_slice::<IgnoredAny>`.
//!
//! Each benchmark handles all 400 submissions once per iteration. Targets (issue 12):
//! a ≥ 5× cheaper than b, c ≥ 3× cheaper than c_jsonschema, a ≤ 1.5× d on valid submissions.
//! Wall times on shared machines are noisy: `python3 agreement/benches/instructions.py`
//! counts the instructions of each measurement with callgrind (see its header).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Mutex, OnceLock};

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
    /// Whether each submission is valid (by the reference validator).
    valid: Vec<bool>,
    schema: jsonschema::Validator,
}

/// The case of a form, built on first use (only the forms a run measures: under callgrind,
/// building every form's examples would take most of a run).
fn case(form_id: &str) -> &'static Case {
    static BUNDLE: OnceLock<(formwerk::ir::Bundle, Vec<formwerk::emit::OutputFile>)> = OnceLock::new();
    static CASES: Mutex<BTreeMap<String, &'static Case>> = Mutex::new(BTreeMap::new());
    let (bundle, schemas) = BUNDLE.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("agreement/ lies in the project");
        let session = formwerk::driver::check_paths(&[root.join("forms")], Some(&root.join("forms"))).unwrap();
        let bundle = formwerk::ir::Bundle { forms: session.checked.forms.iter().map(|(_, f)| f.clone()).collect() };
        let schemas = formwerk::emit::emit(&bundle, formwerk::emit::Target::JsonSchema, &Default::default())
            .expect("JSON Schema cannot fail");
        (bundle, schemas)
    });
    let mut cases = CASES.lock().unwrap();
    cases.entry(form_id.to_string()).or_insert_with(|| {
        let form = bundle.forms.iter().find(|form| form.id == form_id).expect("a corpus form");
        let options = Options { today: formwerk::value::Date::parse("2026-06-15").unwrap() };
        let compiled = Compiled::new(form);
        let examples = formwerk::examples::generate(&compiled, 200, 200, 3, &options);
        let values: Vec<Value> = examples.into_iter().map(|e| e.submission).collect();
        let path = format!("json-schema/{}.schema.json", form.id);
        let file = schemas.iter().find(|f| f.path == path).expect("a schema per form");
        let schema: Value = serde_json::from_slice(&file.contents).unwrap();
        let schema = jsonschema::options().should_validate_formats(true).build(&schema).unwrap();
        let bytes = values.iter().map(|v| serde_json::to_vec(v).unwrap()).collect();
        let valid = values.iter().map(|v| compiled.validate(v, &options).is_valid()).collect();
        Box::leak(Box::new(Case { bytes, values, valid, schema }))
    })
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

// The measurements, each over a case's submissions (`which` selects some of them). Never
// inlined, so that `benches/instructions.py` can count each one's instructions alone
// (callgrind `--toggle-collect`).

#[inline(never)]
fn measure_a_from_json(case: &Case, form: &str, which: &[usize]) -> usize {
    which.iter().filter(|&&i| dispatch!(form, from_json_on, black_box(&case.bytes[i]))).count()
}

#[inline(never)]
fn measure_b_parse_then_jsonschema(case: &Case, _: &str, which: &[usize]) -> usize {
    which
        .iter()
        .map(|&i| {
            let value: Value = serde_json::from_slice(black_box(&case.bytes[i])).unwrap();
            case.schema.iter_errors(&value).count()
        })
        .sum()
}

#[inline(never)]
fn measure_c_validate_value(case: &Case, form: &str, which: &[usize]) -> usize {
    which.iter().filter(|&&i| dispatch!(form, validate_on, black_box(&case.values[i]))).count()
}

#[inline(never)]
fn measure_c_jsonschema_value(case: &Case, _: &str, which: &[usize]) -> usize {
    which.iter().map(|&i| case.schema.iter_errors(black_box(&case.values[i])).count()).sum()
}

#[inline(never)]
fn measure_d_read_only(case: &Case, _: &str, which: &[usize]) -> usize {
    which
        .iter()
        .filter(|&&i| serde_json::from_slice::<serde::de::IgnoredAny>(black_box(&case.bytes[i])).is_ok())
        .count()
}

#[cfg(feature = "peers")]
#[inline(never)]
fn measure_e_sonic_then_macro(case: &Case, form: &str, which: &[usize]) -> usize {
    which
        .iter()
        .map(|&i| {
            let value: Value = sonic_rs::from_slice(black_box(&case.bytes[i])).unwrap();
            formwerk_peers::errors(form, &value)
        })
        .sum()
}

#[cfg(feature = "peers")]
#[inline(never)]
fn measure_c_macro_value(case: &Case, form: &str, which: &[usize]) -> usize {
    which.iter().map(|&i| formwerk_peers::errors(form, black_box(&case.values[i]))).sum()
}

#[cfg(feature = "peers")]
#[inline(never)]
fn measure_d_sonic_read_only(case: &Case, _: &str, which: &[usize]) -> usize {
    which.iter().filter(|&&i| sonic_rs::from_slice::<serde::de::IgnoredAny>(black_box(&case.bytes[i])).is_ok()).count()
}

type Measure = fn(&Case, &str, &[usize]) -> usize;

const MEASURES: &[(&str, Measure)] = &[
    ("a_from_json", measure_a_from_json),
    ("b_parse_then_jsonschema", measure_b_parse_then_jsonschema),
    ("c_validate_value", measure_c_validate_value),
    ("c_jsonschema_value", measure_c_jsonschema_value),
    ("d_read_only", measure_d_read_only),
    #[cfg(feature = "peers")]
    ("e_sonic_then_macro", measure_e_sonic_then_macro),
    #[cfg(feature = "peers")]
    ("c_macro_value", measure_c_macro_value),
    #[cfg(feature = "peers")]
    ("d_sonic_read_only", measure_d_sonic_read_only),
];

fn all(case: &Case) -> Vec<usize> {
    (0..case.bytes.len()).collect()
}

#[divan::bench(args = FORMS)]
fn a_from_json(bencher: divan::Bencher, form: &str) {
    let (case, which) = (case(form), all(case(form)));
    bencher.bench(|| measure_a_from_json(case, form, &which));
}

#[divan::bench(args = FORMS)]
fn b_parse_then_jsonschema(bencher: divan::Bencher, form: &str) {
    let (case, which) = (case(form), all(case(form)));
    bencher.bench(|| measure_b_parse_then_jsonschema(case, form, &which));
}

#[divan::bench(args = FORMS)]
fn c_validate_value(bencher: divan::Bencher, form: &str) {
    let (case, which) = (case(form), all(case(form)));
    bencher.bench(|| measure_c_validate_value(case, form, &which));
}

#[divan::bench(args = FORMS)]
fn c_jsonschema_value(bencher: divan::Bencher, form: &str) {
    let (case, which) = (case(form), all(case(form)));
    bencher.bench(|| measure_c_jsonschema_value(case, form, &which));
}

#[divan::bench(args = FORMS)]
fn d_read_only(bencher: divan::Bencher, form: &str) {
    let (case, which) = (case(form), all(case(form)));
    bencher.bench(|| measure_d_read_only(case, form, &which));
}

#[cfg(feature = "peers")]
#[divan::bench(args = FORMS)]
fn e_sonic_then_macro(bencher: divan::Bencher, form: &str) {
    let (case, which) = (case(form), all(case(form)));
    bencher.bench(|| measure_e_sonic_then_macro(case, form, &which));
}

#[cfg(feature = "peers")]
#[divan::bench(args = FORMS)]
fn c_macro_value(bencher: divan::Bencher, form: &str) {
    let (case, which) = (case(form), all(case(form)));
    bencher.bench(|| measure_c_macro_value(case, form, &which));
}

#[cfg(feature = "peers")]
#[divan::bench(args = FORMS)]
fn d_sonic_read_only(bencher: divan::Bencher, form: &str) {
    let (case, which) = (case(form), all(case(form)));
    bencher.bench(|| measure_d_sonic_read_only(case, form, &which));
}

/// With `VALIDATORS_ONE=<measure>:<form>:<all|valid|invalid>`, runs that one measurement
/// once over those submissions and prints how many it handled, instead of benchmarking:
/// what `benches/instructions.py` runs under callgrind.
fn main() {
    if let Ok(one) = std::env::var("VALIDATORS_ONE") {
        let mut parts = one.split(':');
        let (measure, form, which) =
            (parts.next().unwrap_or(""), parts.next().unwrap_or(""), parts.next().unwrap_or("all"));
        let run =
            MEASURES.iter().find(|(name, _)| *name == measure).unwrap_or_else(|| panic!("no measure {measure}")).1;
        let case = case(form);
        let chosen: Vec<usize> = (0..case.bytes.len())
            .filter(|&i| match which {
                "valid" => case.valid[i],
                "invalid" => !case.valid[i],
                _ => true,
            })
            .collect();
        let result = run(case, form, &chosen);
        println!("{measure} {form} {which}: {} submissions, result {result}", chosen.len());
        return;
    }
    divan::main();
}
