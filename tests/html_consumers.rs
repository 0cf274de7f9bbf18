//! The generated HTML is accepted by the validators its consumers run: html-validate (the
//! recommended preset with the exceptions in `tests/htmlcheck/.htmlvalidate.mjs`, each justified
//! there) and the Nu HTML checker (`vnu.jar`, which also checks the CSS of `<style>` elements)
//! report 0 errors on every page `formwerk build` writes and on the pages of the render API:
//! every corpus form in each language and both built-in themes, empty, filled with a valid
//! example (uploaded files included), with the report of an empty submission and of one whose
//! every value is nonsense, each step of a multi-page form, a repeat item just added (focus) and
//! just removed (notice), and the fragments, placed in a portal page. A control page with a
//! duplicate id must be reported by both, so neither passes by checking nothing.
//! npm packages come from the committed lockfile (`tests/htmlcheck/package-lock.json`); the Nu
//! checker needs `java` (CI installs Debian's `default-jre-headless`).

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use formwerk::emit::html::{self, apply, Action, Input, Scope, Theme};
use formwerk::ir::Form;
use formwerk::validate::{Compiled, Options, Report};
use formwerk::value::Date;
use serde_json::{json, Value};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn options() -> Options {
    Options { today: Date::parse("2026-06-15").unwrap() }
}

/// A state of the whole form: its name, the values and the report.
struct State {
    name: &'static str,
    values: Value,
    report: Option<Report>,
    focus: Option<String>,
    notice: Option<String>,
}

fn state(name: &'static str, values: Value, report: Option<Report>) -> State {
    State { name, values, report, focus: None, notice: None }
}

/// The states every form is rendered in (see the header).
fn states(form: &Form) -> Vec<State> {
    let compiled = Compiled::new(form);
    let options = options();
    let valid = formwerk::examples::generate(&compiled, 1, 0, 7, &options).remove(0).submission;
    let empty_report = compiled.validate(&json!({}), &options);
    let junk = common::nonsense(&valid);
    let junk_report = compiled.validate(&junk, &options);
    let mut states = vec![
        state("leer", json!({}), None),
        state("gueltig", valid.clone(), None),
        state("fehler-leer", json!({}), Some(empty_report)),
        state("fehler-unsinn", junk, Some(junk_report)),
    ];
    // The first repeat's add button, pressed on the valid page, then its first item removed.
    let page = html::render_page(form, &input("de", &valid, None, None, None), &Theme::default()).unwrap();
    if let Some(at) = page.find("value=\"hinzufuegen:") {
        let rest = &page[at + "value=\"hinzufuegen:".len()..];
        let repeat = rest[..rest.find('"').unwrap()].to_string();
        let added = apply(form, &valid, &Action::Add { repeat: repeat.clone() }, "de").unwrap();
        let removed = apply(form, &added.values, &Action::Remove { repeat, index: 0 }, "de").unwrap();
        assert!(added.focus.is_some() && removed.notice.is_some());
        states.push(State { focus: added.focus, ..state("hinzugefuegt", added.values, None) });
        states.push(State { notice: removed.notice, ..state("entfernt", removed.values, None) });
    }
    states
}

fn input<'a>(
    lang: &'a str,
    values: &'a Value,
    report: Option<&'a Report>,
    focus: Option<&'a str>,
    notice: Option<&'a str>,
) -> Input<'a> {
    Input { lang, scope: Scope::All, values, report, focus, notice }
}

/// A portal's page around a fragment, as the render API's user would place it.
fn portal(lang: &str, fragment: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<title>Portal</title>\n</head>\n\
         <body>\n<main>\n{fragment}</main>\n</body>\n</html>\n"
    )
}

/// Writes every page to check into `out` and returns their paths.
fn write_pages(out: &Path) -> Vec<PathBuf> {
    let mut pages = Vec::new();
    let mut write = |name: String, html: String| {
        let path = out.join(name);
        std::fs::write(&path, html).unwrap();
        pages.push(path);
    };
    // What `formwerk build` writes (checked to be up to date by tests/corpus.rs): the pages,
    // not the live-values bundles (`<form>.live.js`) next to them.
    for entry in std::fs::read_dir(root().join("generated/html")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "html") {
            continue;
        }
        write(
            format!("build-{}", path.file_name().unwrap().to_string_lossy()),
            std::fs::read_to_string(&path).unwrap(),
        );
    }
    for form in &common::corpus() {
        let states = states(form);
        for theme_name in ["default", "kern"] {
            let theme = Theme::builtin(theme_name).unwrap();
            for lang in &form.languages {
                for s in &states {
                    let input = input(lang, &s.values, s.report.as_ref(), s.focus.as_deref(), s.notice.as_deref());
                    let name = format!("{}-{lang}-{theme_name}-{}", form.id, s.name);
                    write(format!("{name}.html"), html::render_page(form, &input, &theme).unwrap());
                    // A fragment is the page's form in a wrapper: empty and full of errors suffice.
                    if ["leer", "fehler-unsinn"].contains(&s.name) {
                        let fragment = html::render_fragment(form, &input, &theme).unwrap();
                        write(format!("{name}-fragment.html"), portal(lang, &fragment));
                    }
                }
                // The steps of a multi-page form, each with the errors of an empty submission.
                let values = json!({});
                let report = Compiled::new(form).validate(&values, &options());
                for step in 0..form.pages.len() {
                    let input = Input { scope: Scope::Step(step), ..input(lang, &values, Some(&report), None, None) };
                    let html = html::render_page(form, &input, &theme).unwrap();
                    write(format!("{}-{lang}-{theme_name}-schritt-{}.html", form.id, step + 1), html);
                }
            }
        }
    }
    pages
}

/// Starts the Nu checker on `pages` (one java invocation, JSON report on standard error), without
/// the messages that `tests/htmlcheck/vnu-filter.txt` drops, each with its reason.
fn start_nu(pages: &[PathBuf]) -> std::process::Child {
    let dir = root().join("tests/htmlcheck");
    Command::new("java")
        .arg("-jar")
        .arg(dir.join("node_modules/vnu-jar/build/dist/vnu.jar"))
        .args(["--format", "json", "--filterfile"])
        .arg(dir.join("vnu-filter.txt"))
        .args(pages)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("java is needed for the Nu HTML checker (CI installs Debian's default-jre-headless): {e}")
        })
}

/// The messages of the Nu checker's report.
fn nu_messages(output: &std::process::Output) -> Vec<Value> {
    // vnu writes its report to standard error, and exits 1 when there is any error.
    let report: Value = serde_json::from_slice(&output.stderr).unwrap_or_else(|e| {
        panic!(
            "the Nu checker's report is not JSON ({e}):\n{}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    report["messages"].as_array().expect("the Nu checker's report lists messages").clone()
}

#[test]
fn html_validate_and_the_nu_checker_report_no_error() {
    common::npm_ci("tests/htmlcheck", &["html-validate", "vnu-jar"], "html-validate and the Nu checker");
    let out = root().join("target/html-consumers");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).unwrap();
    let mut pages = write_pages(&out);
    assert!(pages.len() > 300, "{} pages", pages.len());
    assert!(pages.iter().any(|p| p.to_string_lossy().contains("integrationskurs-ar-")), "the Arabic pages");
    // A control page with a duplicate id, which each checker must report (so neither passes by
    // checking nothing).
    let control = out.join("kontrolle.html");
    std::fs::write(&control, portal("de", "<p id=\"doppelt\">a</p>\n<p id=\"doppelt\">b</p>\n")).unwrap();
    pages.push(control.clone());
    let is_control = |file: &str| file == control.to_str().unwrap();

    // Both checkers at once: the Nu checker in one java process, html-validate in one node process.
    let nu = start_nu(&pages);
    let list = out.join("files.json");
    std::fs::write(&list, serde_json::to_vec(&json!({ "files": pages })).unwrap()).unwrap();
    let output = Command::new("node")
        .arg(root().join("tests/htmlcheck/check.mjs"))
        .arg(&list)
        .output()
        .expect("node runs (Node.js is needed for html-validate)");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let html_validate = format!("{stdout}{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains(&format!("html-validate: checked {} files", pages.len())), "{html_validate}");
    // Each error is a line `file:line:column: rule: message`.
    let (control_found, html_validate_errors): (Vec<&str>, Vec<&str>) = stdout
        .lines()
        .filter(|l| l.starts_with(out.to_str().unwrap()))
        .partition(|l| is_control(l.split(':').next().unwrap()));
    assert!(
        control_found.iter().any(|l| l.contains(": no-dup-id: ")),
        "html-validate misses the control:\n{html_validate}"
    );

    // The Nu checker: errors (and documents it could not check) fail; warnings are counted.
    let messages = nu_messages(&nu.wait_with_output().expect("the Nu checker runs"));
    let file_of = |m: &Value| m["url"].as_str().unwrap_or("?").trim_start_matches("file:").to_string();
    let (nu_control, nu_errors): (Vec<&Value>, Vec<&Value>) =
        messages.iter().filter(|m| m["type"] != "info").partition(|m| is_control(&file_of(m)));
    assert!(
        nu_control.iter().any(|m| m["message"].as_str().unwrap_or("").contains("Duplicate ID")),
        "the Nu checker misses the control: {nu_control:?}"
    );
    let nu_errors: Vec<String> = nu_errors
        .iter()
        .map(|m| {
            let (kind, message) = (m["type"].as_str().unwrap_or("?"), m["message"].as_str().unwrap_or("?"));
            format!("{}:{}: {kind}: {message}", file_of(m), m["lastLine"])
        })
        .collect();
    let mut warnings: BTreeMap<&str, usize> = BTreeMap::new();
    for m in messages.iter().filter(|m| m["type"] == "info" && !is_control(&file_of(m))) {
        *warnings.entry(m["message"].as_str().unwrap_or("?")).or_default() += 1;
    }
    for (message, n) in &warnings {
        eprintln!("Nu checker warning, {n} times: {message}");
    }
    // html-validate's count per rule (`  rule: n`), the control's included.
    let per_rule: Vec<&str> = stdout.lines().filter(|l| l.starts_with("  ")).collect();
    assert!(
        html_validate_errors.is_empty() && nu_errors.is_empty(),
        "html-validate errors ({}; per rule with the control's: {}):\n{}\nNu checker errors ({}):\n{}",
        html_validate_errors.len(),
        per_rule.join(", "),
        html_validate_errors.join("\n"),
        nu_errors.len(),
        nu_errors.join("\n")
    );
}
