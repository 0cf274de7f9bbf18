//! The live-values bundle (`html::live`) in Debian's chromium (`tests/browser/live.mjs`),
//! checked against the server: every corpus form the bundle covers and `tests/live/rechnung.form`
//! (every covered construct, some left to the server, hostile texts), in each language, filled
//! with valid examples of the examples generator; then many variants of the number inputs
//! (cleared, unreadable, German and other spellings, too many digits), set in the page. After
//! each, the text of every `<output>` must equal what the server renders for the answers the
//! browser would post (its `FormData`, converted by `formdata`): differential, nothing
//! hard-coded. Outputs the bundle leaves to the server are never touched. The hostile texts
//! run no script.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use formwerk::emit::html::{self, live, Input, Scope, Theme};
use formwerk::ir::Form;
use formwerk::validate::{Compiled, Options};
use formwerk::value::Date;
use serde_json::{json, Value};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn options() -> Options {
    Options { today: Date::parse("2026-06-15").unwrap() }
}

fn fixture() -> Form {
    let (db, checked) = common::check_fixture_file(&root().join("tests/live/rechnung.form"));
    assert!(!checked.has_errors(), "{}", common::render_plain(&db, &checked));
    checked.forms[0].1.clone()
}

/// Handlebars' escapes undone (the text a browser shows).
fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#x60;", "`")
        .replace("&#x3D;", "=")
        .replace("&amp;", "&")
}

/// The text of every `<output>` of a page, by id.
fn outputs(html: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for part in html.split("<output ").skip(1) {
        let id = part.split("id=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
        let text = &part[part.find('>').unwrap() + 1..part.find("</output>").unwrap()];
        out.insert(id, unescape(text));
    }
    out
}

#[test]
fn live_values_equal_the_servers_for_the_answers_a_browser_posts() {
    // Which constructs are covered: the rest is left to the server.
    let form = fixture();
    let coverage: Vec<String> = live::coverage(&form)
        .into_iter()
        .map(|(field, result)| format!("{field}: {}", result.err().unwrap_or_else(|| "live".into())))
        .collect();
    insta::assert_snapshot!("live_coverage", coverage.join("\n"));

    let chromium =
        std::env::var_os("CHROMIUM").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    if !chromium.exists() {
        assert!(std::env::var_os("CI").is_none(), "chromium is missing; .ci/run installs it with apt-get");
        eprintln!("skipping: no chromium at {} (CI installs it)", chromium.display());
        return;
    }
    common::npm_ci("tests/browser", &["playwright-core", "axe-core"], "the browser checks");
    let out = root().join("target/live-browser");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).unwrap();
    let mut forms: Vec<Form> = common::corpus().into_iter().filter(|f| live::plan(f).is_some()).collect();
    assert!(forms.iter().any(|f| f.id == "wohngeld"), "the corpus has computed fields the bundle covers");
    forms.push(form);
    let mut pages = Vec::new();
    let mut by_page = BTreeMap::new();
    for form in &forms {
        let script = live::script(form).unwrap();
        assert!(!script.contains("</") && !script.contains("<!--") && !script.contains('\u{2028}'), "{}", form.id);
        std::fs::write(out.join(live::file_name(form)), &script).unwrap();
        let compiled = Compiled::new(form);
        let examples = formwerk::examples::generate(&compiled, 2, 0, 11, &options());
        for lang in &form.languages {
            for (n, example) in examples.iter().enumerate() {
                let input = Input {
                    lang,
                    scope: Scope::All,
                    values: &example.submission,
                    report: None,
                    focus: None,
                    notice: None,
                };
                let html = html::render_page(form, &input, &Theme::default()).unwrap();
                let html = live::with_script(html, &live::file_name(form));
                let name = format!("{}-{lang}-{n}.html", form.id);
                std::fs::write(out.join(&name), &html).unwrap();
                pages.push(json!({ "file": out.join(&name), "seed": pages.len() + 1, "covered": live::plan(form).unwrap()["outputs"].as_array().unwrap().iter().map(|o| o["id"].clone()).collect::<Vec<_>>() }));
                by_page.insert(out.join(&name).display().to_string(), (form, lang.clone()));
            }
        }
    }
    let plan = out.join("plan.json");
    std::fs::write(&plan, json!({ "pages": pages, "variants": 24 }).to_string()).unwrap();
    let started = std::time::Instant::now();
    let output =
        Command::new("node").arg(root().join("tests/browser/live.mjs")).arg(&plan).output().expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    eprintln!("live values in chromium: {} pages in {:.1} s", pages.len(), started.elapsed().as_secs_f64());

    let (mut compared, mut empty, mut changed) = (0, 0, 0);
    let results: Vec<Value> = stdout.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
    assert_eq!(results.len(), pages.len(), "{stdout}");
    for result in &results {
        assert_eq!(result["problems"], json!([]), "{result}");
        let (form, lang) = &by_page[result["file"].as_str().unwrap()];
        let compiled = Compiled::new(form);
        let covered: Vec<&str> = result["covered"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        let initial: BTreeMap<String, String> = serde_json::from_value(result["initial"].clone()).unwrap();
        for state in result["states"].as_array().unwrap() {
            let pairs: Vec<(String, String)> = serde_json::from_value(state["pairs"].clone()).unwrap();
            let shown: BTreeMap<String, String> = serde_json::from_value(state["outputs"].clone()).unwrap();
            let converted = formwerk::formdata::convert(&compiled, &pairs, &options());
            let input = Input {
                lang,
                scope: Scope::All,
                values: &converted.submission,
                report: None,
                focus: None,
                notice: None,
            };
            let server = outputs(&html::render_page(form, &input, &Theme::default()).unwrap());
            assert_eq!(server.keys().collect::<Vec<_>>(), shown.keys().collect::<Vec<_>>());
            for (id, text) in &shown {
                if covered.contains(&id.as_str()) {
                    assert_eq!(
                        text, &server[id],
                        "{} ({lang}) `{id}`: the browser shows what the server renders for {pairs:?}",
                        form.id
                    );
                    compared += 1;
                    empty += usize::from(text.is_empty());
                    changed += usize::from(text != &initial[id]);
                } else {
                    assert_eq!(text, &initial[id], "{} `{id}` is left to the server", form.id);
                }
            }
        }
    }
    eprintln!("{compared} outputs compared, {empty} empty, {changed} changed by the bundle");
    assert!(compared > 500 && empty > 20 && changed > 100, "{compared} {empty} {changed}");
}
