//! Fuzz target: any bytes against every corpus form, through the reference validator (on
//! what `validate::read` reads, as `formwerk validate` does, and on a parsed `Value`) and
//! through the form-data conversion, must give a report, never a panic; reports are bounded
//! by the form. Form data is also tried with every bracket index of the input's pair names
//! replaced by hostile ones (signs, leading zeros, huge numbers, past the maximum).
#![no_main]

use formwerk::validate::Options;
use formwerk::value::Date;

#[path = "shared/corpus.rs"]
mod corpus;

use corpus::{COMPILED, FORMS};

const INDEXES: &[&str] =
    &["+1", "01", " 1", "1 ", "-0", "99999999999999999999", "4294967296", "18446744073709551615", "11", "5"];

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let options = Options { today: Date::parse("2026-06-15").expect("a date") };
    let pairs = formwerk::formdata::parse_urlencoded(&String::from_utf8_lossy(data));
    let hostile: Vec<(String, String)> = pairs
        .iter()
        .enumerate()
        .map(|(i, (name, value))| (name.replace("[0]", &format!("[{}]", INDEXES[i % INDEXES.len()])), value.clone()))
        .collect();
    let value: Option<serde_json::Value> = serde_json::from_slice(data).ok();
    for (form, compiled) in FORMS.iter().zip(COMPILED.iter()) {
        if let Some(value) = &value {
            compiled.validate(value, &options);
        }
        if let Ok(read) = formwerk::validate::read(form, data) {
            let report = compiled.validate(&read, &options);
            assert!(report.violations.len() <= 10_000, "a report bounded by the form");
        }
        for pairs in [&pairs, &hostile] {
            let converted = formwerk::formdata::convert(compiled, pairs, &options);
            let report = compiled.validate(&converted.submission, &options);
            assert!(report.violations.len() <= 10_000, "a report bounded by the form");
        }
    }
});
