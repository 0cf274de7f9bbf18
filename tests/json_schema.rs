//! The generated JSON Schemas: each is valid against the 2020-12 meta-schema, and on
//! thousands of example submissions the `jsonschema` crate (formats not asserted: the patterns
//! state them) reaches the same verdict at the same locations as the reference validator — for
//! everything the schema states; the rest is exactly what its `x-formwerk-not-expressed` list says.

mod common;

use std::collections::BTreeSet;

use formwerk::ir::FieldType;
use formwerk::validate::{Compiled, Options};
use formwerk::value::Date;

/// The corpus, plus the forms in `tests/json_schema/` that exercise what the corpus lacks.
fn corpus() -> Vec<formwerk::ir::Form> {
    let mut forms = common::corpus();
    forms.extend(common::extra_forms("tests/json_schema"));
    forms
}

fn schema_of(form: &formwerk::ir::Form) -> serde_json::Value {
    formwerk::emit::json_schema::form_schema(form, "https://formwerk.example/schemas")
}

#[test]
fn every_schema_is_valid_against_the_meta_schema() {
    for form in corpus() {
        let schema = schema_of(&form);
        if let Err(error) = jsonschema::meta::validate(&schema) {
            panic!("{}: {error} at {}", form.id, error.instance_path());
        }
        jsonschema::options().should_validate_formats(true).build(&schema).expect("the schema compiles");
    }
}

/// The paths (names joined by `/`, without repeat indices) of the form's fields of `kind`.
fn fields_of(form: &formwerk::ir::Form, kind: fn(&formwerk::ir::FieldType) -> bool) -> BTreeSet<String> {
    use formwerk::ir::Item;
    fn walk(items: &[Item], prefix: &str, kind: fn(&formwerk::ir::FieldType) -> bool, out: &mut BTreeSet<String>) {
        for item in items {
            match item {
                Item::Field(field) if kind(&field.ty) => {
                    out.insert(format!("{prefix}{}", field.name));
                }
                Item::Group(group) => walk(&group.items, &format!("{prefix}{}/", group.name), kind, out),
                Item::Repeat(repeat) => walk(&repeat.items, &format!("{prefix}{}/", repeat.name), kind, out),
                _ => {}
            }
        }
    }
    let mut out = BTreeSet::new();
    for page in &form.pages {
        walk(&page.items, "", kind, &mut out);
    }
    out
}

#[test]
fn schema_and_reference_validator_agree() {
    let options = Options { today: Date::parse("2026-06-15").unwrap() };
    let mut disagreements = Vec::new();
    let mut n_compared = 0;
    for form in corpus() {
        let compiled = Compiled::new(&form);
        let schema = schema_of(&form);
        // Formats not asserted: the patterns state everything, dates included.
        let validator = jsonschema::options().should_validate_formats(false).build(&schema).unwrap();
        let gaps = common::not_expressed(&schema);
        let unexpressed = |pointer: &str, code: &str| common::is_unexpressed(&gaps, pointer, code);
        let examples = formwerk::examples::generate(&compiled, 500, 1600, 11, &options);
        assert!(examples.len() >= 2000, "{}: only {} examples", form.id, examples.len());
        let choices = fields_of(&form, |ty| matches!(ty, FieldType::MultipleChoice { .. }));
        let files = fields_of(&form, |ty| matches!(ty, FieldType::File | FieldType::Files));
        for example in &examples {
            let report = compiled.validate(&example.submission, &options);
            let reference: BTreeSet<String> = report
                .violations
                .iter()
                .filter(|v| !unexpressed(&v.pointer, &v.code))
                .map(|v| v.pointer.clone())
                .collect();
            let skipped = report.violations.iter().any(|v| unexpressed(&v.pointer, &v.code));
            let mut schema_locations = BTreeSet::new();
            for error in validator.iter_errors(&example.submission) {
                let mut base = error.instance_path().to_string();
                // The reference reports a bad entry of a multiple choice at the field.
                if let Some((field, last)) = base.rsplit_once('/') {
                    let names: Vec<&str> =
                        field.split('/').skip(1).filter(|s| !s.chars().all(|c| c.is_ascii_digit())).collect();
                    let choice = last.chars().all(|c| c.is_ascii_digit()) && choices.contains(&names.join("/"));
                    // And a file of a type it does not accept at the file, where a single
                    // accepted kind is the pattern of its `name` or `media_type`.
                    let file = ["name", "media_type"].contains(&last) && files.contains(&names.join("/"));
                    if choice || file {
                        base = field.to_string();
                    }
                }
                match error.kind() {
                    jsonschema::error::ValidationErrorKind::Required { property } => {
                        schema_locations.insert(format!("{base}/{}", property.as_str().unwrap_or_default()));
                    }
                    jsonschema::error::ValidationErrorKind::AdditionalProperties { unexpected } => {
                        for name in unexpected {
                            schema_locations.insert(format!("{base}/{name}"));
                        }
                    }
                    _ => {
                        schema_locations.insert(base);
                    }
                }
            }
            n_compared += 1;
            // Where the reference reports something the schema cannot state, the schema may
            // still see the rest; compare only what both can say.
            // A hidden node that is given is reported at the node; a schema validator also
            // reports what is wrong inside it (its schema is in `properties`).
            let hidden: Vec<String> =
                report.violations.iter().filter(|v| v.code == "hidden").map(|v| format!("{}/", v.pointer)).collect();
            let schema_locations: BTreeSet<String> = schema_locations
                .into_iter()
                .filter(|l| !(skipped && !reference.contains(l) && report.violations.iter().any(|v| &v.pointer == l)))
                .filter(|l| !hidden.iter().any(|h| l.starts_with(h.as_str())))
                .collect();
            if reference != schema_locations {
                disagreements.push(format!(
                    "{}: reference {reference:?}, schema {schema_locations:?}\n  {}",
                    form.id,
                    serde_json::to_string(&example.submission).unwrap()
                ));
            }
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} of {n_compared} submissions disagree; first ones:\n{}",
        disagreements.len(),
        disagreements.iter().filter(|d| !d.contains("/size\"}")).take(12).cloned().collect::<Vec<_>>().join("\n")
    );
}

/// The text patterns of the schemas mean what the runtime means, on every code point, in
/// the `jsonschema` crate (ajv: `tests/ajv.rs`).
#[test]
fn text_patterns_agree_with_the_runtime_on_every_code_point() {
    use formwerk::validate::formats;
    for multiline in [false, true] {
        let schema = serde_json::json!({ "type": "string", "pattern": formats::text_pattern(multiline) });
        let validator = jsonschema::options().build(&schema).unwrap();
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let text = format!("a{c}b");
            let expected = formats::invalid_char(&text, multiline).is_none();
            assert_eq!(validator.is_valid(&serde_json::json!(text)), expected, "U+{:04X}", c as u32);
        }
    }
}
