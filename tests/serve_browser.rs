//! `formwerk serve` in Debian's chromium with JavaScript disabled (`tests/browser/serve.mjs`):
//! for two corpus forms, the whole journey from the first step to the confirmation with an error
//! round trip on every step, a repeat item added and removed, uploads kept across an error, a
//! change link from the check page, and axe with the contract checks on every page state; then
//! the stored submission is the example the journey typed, valid for the reference validator.
//! A keyboard-only run through each form's first step reaches every control and goes on.
#![cfg(feature = "serve")]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::http::Server;
use formwerk::emit::html::{self, Input, Scope, Theme};
use formwerk::validate::{Compiled, Options};
use formwerk::value::Date;
use serde_json::{json, Value};

const FORMS: &[&str] = &["fuehrungszeugnis", "hundesteuer"];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// What a browser cannot post comes back absent (as in `tests/browser.rs`), and a file's size
/// is the size of the file the journey uploads.
fn postable(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|_, v| *v != Value::Bool(false) && *v != json!([]));
            if map.contains_key("media_type") && map.contains_key("size") {
                map.insert("size".into(), json!(map["size"].as_u64().unwrap_or(1).clamp(1, 2048)));
            }
            map.values_mut().for_each(postable);
        }
        Value::Array(items) => items.iter_mut().for_each(postable),
        _ => {}
    }
}

/// How many file values a submission has.
fn files_in(value: &Value) -> usize {
    match value {
        Value::Object(map) if map.contains_key("media_type") => 1,
        Value::Object(map) => map.values().map(files_in).sum(),
        Value::Array(items) => items.iter().map(files_in).sum(),
        _ => 0,
    }
}

#[test]
fn no_js_journeys_of_two_corpus_forms_end_in_their_examples() {
    let chromium =
        std::env::var_os("CHROMIUM").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    if !chromium.exists() {
        assert!(std::env::var_os("CI").is_none(), "chromium is missing; .ci/run installs it with apt-get");
        eprintln!("skipping: no chromium at {} (CI installs it)", chromium.display());
        return;
    }
    common::npm_ci("tests/browser", &["playwright-core", "axe-core"], "the browser checks");
    let options = Options { today: Date::parse("2026-06-15").unwrap() };
    let out = root().join("target/serve-browser");
    std::fs::create_dir_all(&out).unwrap();
    let corpus = common::corpus();
    let mut examples = Vec::new();
    let mut planned = Vec::new();
    for id in FORMS {
        let form = corpus.iter().find(|f| f.id == *id).unwrap();
        let compiled = Compiled::new(form);
        let example = formwerk::examples::generate(&compiled, 1, 0, 7, &options).remove(0).submission;
        let input = Input { lang: "de", scope: Scope::All, values: &example, report: None, focus: None, notice: None };
        let filled = out.join(format!("{id}.html"));
        std::fs::write(&filled, html::render_page(form, &input, &Theme::default()).unwrap()).unwrap();
        planned.push(json!({ "id": id, "filled": filled }));
        examples.push((form.clone(), example));
    }
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(&root().join("forms"), data.path(), &[]);
    let plan = out.join("plan.json");
    std::fs::write(
        &plan,
        json!({ "base": format!("http://{}", server.addr), "pages": out, "forms": planned }).to_string(),
    )
    .unwrap();
    let started = std::time::Instant::now();
    let output =
        Command::new("node").arg(root().join("tests/browser/serve.mjs")).arg(&plan).output().expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    eprintln!("browser journeys in {:.1} s", started.elapsed().as_secs_f64());

    let db = formwerk::serve::Db::open_existing(&data.path().join("intake.sqlite")).unwrap();
    let lines: Vec<Value> = stdout.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
    let (keyboard, results): (Vec<Value>, Vec<Value>) = lines.into_iter().partition(|l| l.get("keyboard").is_some());
    assert_eq!(keyboard.len(), FORMS.len(), "{stdout}");
    for run in &keyboard {
        assert_eq!(run["problems"], json!([]), "{run}");
    }
    assert_eq!(results.len(), FORMS.len(), "{stdout}");
    for (result, (form, example)) in results.iter().zip(&examples) {
        assert_eq!(result["problems"], json!([]), "{}", serde_json::to_string_pretty(result).unwrap());
        assert!(result["roundTrips"].as_u64().unwrap() >= 2, "{result}");
        assert!(result["states"].as_u64().unwrap() >= 6, "{result}");
        let reference = result["reference"].as_str().unwrap_or_else(|| panic!("{result}"));
        let record = db.submission(reference).unwrap().unwrap_or_else(|| panic!("{reference} is stored"));
        assert_eq!(record.form, form.id);
        assert!(formwerk::validate::validate(form, &record.data, &options).is_valid());
        let (mut got, mut expected) = (record.data.clone(), example.clone());
        postable(&mut got);
        postable(&mut expected);
        assert_eq!(got, expected, "{}: the stored submission is the example the journey typed", form.id);
        assert_eq!(record.files.len(), files_in(example), "every file of the example is stored: {result}");
    }
    let sum = |key: &str| results.iter().map(|r| r[key].as_u64().unwrap()).sum::<u64>();
    assert!(sum("repeats") >= 1, "a repeat item was added and removed");
    assert!(sum("uploadsKept") >= 1, "an upload was kept across an error");
}

/// The warning page (a rule of `severity warning`) in chromium: with JavaScript off and the
/// keyboard only, the answers of the first step come back with the focused warning summary,
/// which axe and the contract checks accept; Tab to the confirming button and Enter go on to
/// the confirmation, and the stored submission holds the confirmed warning. With JavaScript
/// on, the served page runs its live-values bundle under the server's CSP (`script-src
/// 'self'`): the computed output shows what the server renders for the same answers.
#[test]
fn the_warning_page_is_confirmed_with_the_keyboard_and_live_values_run_under_the_csp() {
    let chromium =
        std::env::var_os("CHROMIUM").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    if !chromium.exists() {
        assert!(std::env::var_os("CI").is_none(), "chromium is missing; .ci/run installs it with apt-get");
        eprintln!("skipping: no chromium at {} (CI installs it)", chromium.display());
        return;
    }
    common::npm_ci("tests/browser", &["playwright-core", "axe-core"], "the browser checks");
    let forms = root().join("tests/serve/warnings");
    let form = common::forms_in("tests/serve/warnings").into_iter().find(|f| f.id == "miete").unwrap();
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(&forms, data.path(), &[]);
    let out = root().join("target/serve-browser");
    std::fs::create_dir_all(&out).unwrap();
    let plan = out.join("warning.json");
    let answers = json!([["personen", "3"], ["miete", "3.500"]]);
    std::fs::write(
        &plan,
        json!({ "base": format!("http://{}", server.addr), "form": "miete", "answers": answers, "output": "miete_je_person" })
            .to_string(),
    )
    .unwrap();
    let started = std::time::Instant::now();
    let output =
        Command::new("node").arg(root().join("tests/browser/warning.mjs")).arg(&plan).output().expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    eprintln!("warning page in {:.1} s", started.elapsed().as_secs_f64());
    let result: Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    assert_eq!(result["problems"], json!([]), "{}", serde_json::to_string_pretty(&result).unwrap());
    assert_eq!(result["states"], 2, "{result}");

    let db = formwerk::serve::Db::open_existing(&data.path().join("intake.sqlite")).unwrap();
    let reference = result["reference"].as_str().unwrap_or_else(|| panic!("{result}"));
    let record = db.submission(reference).unwrap().unwrap();
    assert_eq!(record.data["miete"], "3500", "{:?}", record.data);
    assert_eq!(record.data["miete_je_person"], "1166.67", "{:?}", record.data);

    // The live value equals the server's rendering of the answers the browser would post.
    let pairs: Vec<(String, String)> = serde_json::from_value(result["live"]["pairs"].clone()).unwrap();
    let options = Options { today: Date::parse("2026-06-15").unwrap() };
    let converted = formwerk::formdata::convert(&Compiled::new(&form), &pairs, &options);
    let input =
        Input { lang: "de", scope: Scope::All, values: &converted.submission, report: None, focus: None, notice: None };
    let page = html::render_page(&form, &input, &Theme::default()).unwrap();
    let shown = page.split("id=\"miete_je_person\"").nth(1).unwrap();
    let shown = &shown[shown.find('>').unwrap() + 1..shown.find("</output>").unwrap()];
    assert_eq!(result["live"]["text"], shown, "{result}");
    assert_eq!(shown, "1166,67 €");
}
