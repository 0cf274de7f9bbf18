//! The generated JSON Schemas: each is valid against the 2020-12 meta-schema, and on
//! thousands of example submissions the `jsonschema` crate (formats asserted) reaches the same
//! verdict at the same locations as the reference validator — for everything the schema
//! states; the rest is exactly what its `x-formwerk-not-expressed` list says.

mod common;

use std::collections::BTreeSet;

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

/// The paths (names joined by `/`, without repeat indices) of the form's multiple choices.
fn multiple_choices(form: &formwerk::ir::Form) -> BTreeSet<String> {
    use formwerk::ir::{FieldType, Item};
    fn walk(items: &[Item], prefix: &str, out: &mut BTreeSet<String>) {
        for item in items {
            match item {
                Item::Field(field) if matches!(field.ty, FieldType::MultipleChoice { .. }) => {
                    out.insert(format!("{prefix}{}", field.name));
                }
                Item::Group(group) => walk(&group.items, &format!("{prefix}{}/", group.name), out),
                Item::Repeat(repeat) => walk(&repeat.items, &format!("{prefix}{}/", repeat.name), out),
                _ => {}
            }
        }
    }
    let mut out = BTreeSet::new();
    for page in &form.pages {
        walk(&page.items, "", &mut out);
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
        let validator = jsonschema::options().should_validate_formats(true).build(&schema).unwrap();
        let gaps = common::not_expressed(&schema);
        let unexpressed = |pointer: &str, code: &str| common::is_unexpressed(&gaps, pointer, code);
        let examples = formwerk::examples::generate(&compiled, 500, 1600, 11, &options);
        assert!(examples.len() >= 2000, "{}: only {} examples", form.id, examples.len());
        let choices = multiple_choices(&form);
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
                    if last.chars().all(|c| c.is_ascii_digit()) && choices.contains(&names.join("/")) {
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
            let schema_locations: BTreeSet<String> = schema_locations
                .into_iter()
                .filter(|l| !(skipped && !reference.contains(l) && report.violations.iter().any(|v| &v.pointer == l)))
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
