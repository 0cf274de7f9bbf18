//! ajv (JavaScript, draft 2020-12, strict mode, ajv-formats) compiles every generated schema
//! and reaches the reference validator's verdict on the same example submissions. Installs
//! its npm packages from the committed lockfile (`tests/ajv/package-lock.json`) when needed.

mod common;

use std::path::Path;
use std::process::Command;

use formwerk::validate::{Compiled, Options};
use formwerk::value::Date;

#[test]
fn ajv_agrees_with_the_reference_validator() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let ajv_dir = root.join("tests/ajv");
    common::npm_ci("tests/ajv", &["ajv"], "the ajv check");
    let options = Options { today: Date::parse("2026-06-15").unwrap() };
    let session = formwerk::driver::check_paths(&[root.join("forms")], Some(&root.join("forms"))).unwrap();
    let mut forms = Vec::new();
    let mut n_invalid = 0;
    let mut all: Vec<formwerk::ir::Form> = session.checked.forms.iter().map(|(_, f)| f.clone()).collect();
    all.extend(common::extra_forms("tests/json_schema"));
    for form in &all {
        let compiled = Compiled::new(form);
        let schema = formwerk::emit::json_schema::form_schema(form, "https://formwerk.example/schemas");
        let gaps = common::not_expressed(&schema);
        let cases: Vec<serde_json::Value> = formwerk::examples::generate(&compiled, 400, 1600, 13, &options)
            .into_iter()
            .map(|example| {
                let report = compiled.validate(&example.submission, &options);
                let valid = report.violations.iter().all(|v| common::is_unexpressed(&gaps, &v.pointer, &v.code));
                n_invalid += usize::from(!valid);
                // A given node hidden by a condition the schema cannot state: the reference
                // reports only that it is there, the schema checks its value; no verdict to compare.
                let unknowable = common::hidden_by_a_gap(&report, &gaps);
                serde_json::json!({ "submission": example.submission, "valid": if unknowable { None } else { Some(valid) } })
            })
            .collect();
        forms.push(serde_json::json!({ "id": form.id, "schema": schema, "cases": cases }));
    }
    assert!(n_invalid > 1000, "the check should see many invalid submissions");
    let input = root.join("target/ajv-cases.json");
    std::fs::write(&input, serde_json::to_vec(&serde_json::json!({ "forms": forms })).unwrap()).unwrap();
    let output = Command::new("node").arg(ajv_dir.join("check.mjs")).arg(&input).output().expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "ajv disagrees:\n{stdout}\n{stderr}");
    assert!(stdout.contains(", 0 disagreements"), "{stdout}");
}

/// ajv reads the text patterns as the runtime does, on every code point (`text_patterns.mjs`).
#[test]
fn ajv_text_patterns_agree_on_every_code_point() {
    use formwerk::validate::formats;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    common::npm_ci("tests/ajv", &["ajv"], "the ajv check");
    let cases: Vec<serde_json::Value> = [false, true]
        .into_iter()
        .map(|multiline| {
            let mut forbidden: Vec<(u32, u32)> =
                formats::TEXT_FORBIDDEN.iter().map(|(low, high)| (*low as u32, *high as u32)).collect();
            if !multiline {
                forbidden.extend(formats::LINE_FORBIDDEN.iter().map(|(low, high)| (*low as u32, *high as u32)));
            }
            serde_json::json!({ "pattern": formats::text_pattern(multiline), "forbidden": forbidden })
        })
        .collect();
    let input = root.join("target/ajv-patterns.json");
    std::fs::write(&input, serde_json::to_vec(&serde_json::json!({ "cases": cases })).unwrap()).unwrap();
    let output =
        Command::new("node").arg(root.join("tests/ajv/text_patterns.mjs")).arg(&input).output().expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "ajv disagrees:\n{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains(", 0 disagreements"), "{stdout}");
}
