//! The generated JSON Schemas and OpenAPI documents in the tools other states' teams use, for
//! every corpus form (plus `tests/json_schema/`): json-schema-to-typescript with `tsc --strict`,
//! @hyperjump/json-schema, RJSF, swagger-parser (`consumers/check.mjs`), @redocly/cli, and
//! datamodel-code-generator with pydantic (`consumers/datamodel.py`). Installs the npm packages
//! from `tests/consumers/package-lock.json` and the Python ones into `target/consumers-venv`
//! from `tests/consumers/requirements.txt` when missing (`.ci/run` does both up front).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use formwerk::validate::{Compiled, Options};
use formwerk::value::Date;

/// Writes every form's schema and OpenAPI document with example cases into
/// `target/consumers/<name>/`, and returns the input file the checks read.
fn write_cases(name: &str, cases_per_form: usize) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("target/consumers").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let options = Options { today: Date::parse("2026-06-15").unwrap() };
    let mut forms = common::corpus();
    forms.extend(common::extra_forms("tests/json_schema"));
    let mut entries = Vec::new();
    let (mut valid, mut invalid) = (0, 0);
    for form in &forms {
        let schema = formwerk::emit::json_schema::form_schema(form, "https://formwerk.example/schemas");
        let openapi = formwerk::emit::json_schema::openapi::document(form, schema.clone());
        let schema_file = format!("{}.schema.json", form.id);
        let openapi_file = format!("{}.openapi.json", form.id);
        std::fs::write(dir.join(&schema_file), serde_json::to_vec_pretty(&schema).unwrap()).unwrap();
        std::fs::write(dir.join(&openapi_file), serde_json::to_vec_pretty(&openapi).unwrap()).unwrap();
        let gaps = common::not_expressed(&schema);
        let compiled = Compiled::new(form);
        let cases: Vec<serde_json::Value> =
            formwerk::examples::generate(&compiled, cases_per_form / 2, cases_per_form, 17, &options)
                .into_iter()
                .take(cases_per_form)
                .map(|example| {
                    let report = compiled.validate(&example.submission, &options);
                    let ok = report.violations.iter().all(|v| common::is_unexpressed(&gaps, &v.pointer, &v.code));
                    // A given node hidden by a condition the schema cannot state: the reference
                    // reports only that it is there, the schema checks its value; no verdict.
                    if common::hidden_by_a_gap(&report, &gaps) {
                        return serde_json::json!({ "submission": example.submission, "valid": null });
                    }
                    if ok {
                        valid += 1;
                    } else {
                        invalid += 1;
                    }
                    serde_json::json!({ "submission": example.submission, "valid": ok })
                })
                .collect();
        entries.push(serde_json::json!({
            "id": form.id,
            "name": formwerk::emit::json_schema::openapi::component_name(&form.id),
            "schema": schema_file,
            "openapi": openapi_file,
            "cases": cases,
        }));
    }
    let enough = forms.len() * cases_per_form / 5;
    assert!(valid > enough && invalid > enough, "the checks need both kinds: {valid} valid, {invalid} invalid");
    let input = dir.join("cases.json");
    let body = serde_json::json!({ "dir": dir, "forms": entries });
    std::fs::write(&input, serde_json::to_vec(&body).unwrap()).unwrap();
    input
}

fn run(command: &mut Command, what: &str) -> String {
    let output = command.output().unwrap_or_else(|e| panic!("{what} runs: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{what} fails:\n{stdout}\n{stderr}");
    stdout
}

#[test]
fn javascript_consumers_type_and_validate_like_the_reference() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    common::npm_ci(
        "tests/consumers",
        &["json-schema-to-typescript", "@hyperjump/json-schema", "@rjsf/validator-ajv8", "@redocly/cli"],
        "the consumer checks",
    );
    let input = write_cases("javascript", 120);
    let stdout = run(Command::new("node").arg(root.join("tests/consumers/check.mjs")).arg(&input), "check.mjs");
    for tool in ["json-schema-to-typescript", "@hyperjump/json-schema", "RJSF", "swagger-parser"] {
        assert!(stdout.contains(tool), "{tool} did not run:\n{stdout}");
    }
    // @redocly/cli's recommended rules: errors fail the run.
    let documents: Vec<PathBuf> = std::fs::read_dir(input.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".openapi.json"))
        .collect();
    assert!(documents.len() >= 9, "{documents:?}");
    run(
        Command::new(root.join("tests/consumers/node_modules/.bin/redocly"))
            .args(["lint", "--format=stylish", "--config"])
            .arg(root.join("tests/consumers/redocly.yaml"))
            .args(&documents)
            .env("REDOCLY_TELEMETRY", "off")
            .env("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true"),
        "redocly lint",
    );
}

/// The virtual environment with datamodel-code-generator and pydantic, made when missing.
fn python() -> PathBuf {
    static INSTALLING: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _installing = INSTALLING.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let venv = root.join("target/consumers-venv");
    let interpreter = venv.join("bin/python");
    if venv.join("bin/datamodel-codegen").exists() {
        return interpreter;
    }
    run(Command::new("python3").args(["-m", "venv"]).arg(&venv), "python3 -m venv (Python 3 is needed)");
    run(
        Command::new(&interpreter)
            .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r"])
            .arg(root.join("tests/consumers/requirements.txt")),
        "pip install",
    );
    interpreter
}

#[test]
fn python_models_type_every_field_and_read_valid_submissions() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let interpreter = python();
    let input = write_cases("python", 60);
    let stdout =
        run(Command::new(interpreter).arg(root.join("tests/consumers/datamodel.py")).arg(&input), "datamodel.py");
    assert!(stdout.contains("datamodel-code-generator + pydantic"), "{stdout}");
}
