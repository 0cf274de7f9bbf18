//! Fuzz target: any bytes as an `application/x-www-form-urlencoded` body against every corpus
//! form, through the form-data conversion and the reference validator. Never a panic; the
//! decoded pairs survive being encoded again; conversion is deterministic; pruning hidden
//! values a second time changes nothing; every repeat holds at most its maximum of items and
//! the report is bounded by the form; the same for each page converted onto the answers of the
//! whole body (`convert_page`, as `formwerk serve` converts a step), and `file_field` on every
//! posted name.
#![no_main]

use formwerk::ir::Item;
use formwerk::validate::Options;
use formwerk::value::Date;
use serde_json::Value;

#[path = "shared/corpus.rs"]
mod corpus;

use corpus::{COMPILED, FORMS};

/// Percent-encodes every byte that is not unreserved, as a browser would.
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Asserts that no repeat under `items` holds more than its maximum.
fn assert_repeats_bounded<'a>(items: impl IntoIterator<Item = &'a Item>, value: &Value) {
    let Value::Object(object) = value else { return };
    for item in items {
        let Some(member) = object.get(item.name()) else { continue };
        match item {
            Item::Repeat(repeat) => {
                let Value::Array(elements) = member else { continue };
                if let Some(max) = repeat.max {
                    assert!(elements.len() <= max as usize, "repeat `{}` holds more than {max} items", repeat.name);
                }
                for element in elements {
                    assert_repeats_bounded(&repeat.items, element);
                }
            }
            Item::Group(group) => assert_repeats_bounded(&group.items, member),
            // Several files: at most one past the maximum (reported as one too many).
            Item::Field(field) if field.ty == formwerk::ir::FieldType::Files => {
                let Value::Array(files) = member else { continue };
                let max = field.constraints.max_count.unwrap_or(0) as usize;
                assert!(files.len() <= max + 1, "`{}` holds more than {} files", field.name, max + 1);
            }
            _ => {}
        }
    }
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let options = Options { today: Date::parse("2026-06-15").expect("a date") };
    let body = String::from_utf8_lossy(data);
    let pairs = formwerk::formdata::parse_urlencoded(&body);
    let encoded: Vec<String> =
        pairs.iter().map(|(name, value)| format!("{}={}", encode(name), encode(value))).collect();
    assert_eq!(formwerk::formdata::parse_urlencoded(&encoded.join("&")), pairs, "decoded pairs survive encoding");
    for (form, compiled) in FORMS.iter().zip(COMPILED.iter()) {
        let converted = formwerk::formdata::convert(compiled, &pairs, &options);
        assert_eq!(converted, formwerk::formdata::convert(compiled, &pairs, &options), "conversion is deterministic");
        let mut pruned = converted.submission.clone();
        formwerk::formdata::prune_hidden(compiled, &mut pruned, &options);
        assert_eq!(pruned, converted.submission, "pruning twice changes nothing");
        assert_repeats_bounded(form.items(), &converted.submission);
        let report = compiled.validate(&converted.submission, &options);
        assert!(report.violations.len() <= 10_000, "a report bounded by the form");
        // `formwerk serve`: each page posted onto the answers of the whole body.
        for page in 0..form.pages.len() {
            let merged = formwerk::formdata::convert_page(compiled, page, &converted.submission, &pairs, &options);
            let mut pruned = merged.submission.clone();
            formwerk::formdata::prune_hidden(compiled, &mut pruned, &options);
            assert_eq!(pruned, merged.submission, "a page's conversion is pruned");
            assert_repeats_bounded(form.items(), &merged.submission);
        }
        for (name, _) in &pairs {
            let _ = formwerk::formdata::file_field(form, name);
            let _ = formwerk::formdata::holds_file_properties(form, name);
        }
    }
});
