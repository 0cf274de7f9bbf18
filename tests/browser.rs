//! The generated HTML in a real browser (Debian's `chromium`, driven by playwright-core; nothing
//! downloads a browser): every corpus form, in each language, in both themes, empty, filled
//! with valid values, and with two full error reports, passes axe-core (WCAG 2.0/2.1 A and AA)
//! and the contract checks of HTML.md §3.2; a deliberately broken page is caught; a keyboard-only
//! journey fills a form and posts data that the reference validator accepts.
//! npm packages come from the committed lockfile (`tests/browser/package-lock.json`).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use formwerk::emit::html::{self, Input, Scope, Theme};
use formwerk::ir::Form;
use formwerk::validate::{Compiled, Options, Report};
use formwerk::value::Date;
use serde_json::{json, Value};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Installs the npm packages and finds chromium; `None` (skip) only outside CI without chromium.
fn setup() -> Option<PathBuf> {
    let chromium =
        std::env::var_os("CHROMIUM").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    if !chromium.exists() {
        assert!(std::env::var_os("CI").is_none(), "chromium is missing; .ci/run installs it with apt-get");
        eprintln!("skipping: no chromium at {} (CI installs it)", chromium.display());
        return None;
    }
    common::npm_ci("tests/browser", &["playwright-core", "axe-core"], "the browser checks");
    Some(chromium)
}

fn options() -> Options {
    Options { today: Date::parse("2026-06-15").unwrap() }
}

use common::corpus;

/// The states every page is checked in: (name, values, report).
fn states(form: &Form) -> Vec<(&'static str, Value, Option<Report>)> {
    let compiled = Compiled::new(form);
    let options = options();
    let valid = formwerk::examples::generate(&compiled, 1, 0, 7, &options).remove(0).submission;
    assert!(compiled.validate(&valid, &options).is_valid());
    let empty = json!({});
    let empty_report = compiled.validate(&empty, &options);
    let junk = common::nonsense(&valid);
    let junk_report = compiled.validate(&junk, &options);
    assert!(junk_report.violations.len() > 5, "{}: nonsense should break many rules", form.id);
    vec![
        ("leer", empty.clone(), None),
        ("gueltig", valid, None),
        ("fehler-leer", empty, Some(empty_report)),
        ("fehler-unsinn", junk, Some(junk_report)),
    ]
}

/// Runs the checks over `pages`; where a page has a `post` path, the form data the browser would
/// submit is written there.
fn run_check(pages: &[PathBuf], posts: &[(PathBuf, PathBuf)], name: &str) -> (bool, String) {
    let entry = |page: &PathBuf| match posts.iter().find(|(p, _)| p == page) {
        Some((_, post)) => json!({ "file": page, "post": post }),
        None => json!({ "file": page }),
    };
    let list = json!({ "pages": pages.iter().map(entry).collect::<Vec<_>>() });
    let input = root().join(format!("target/browser-{name}.json"));
    std::fs::write(&input, serde_json::to_vec(&list).unwrap()).unwrap();
    let output =
        Command::new("node").arg(root().join("tests/browser/check.mjs")).arg(&input).output().expect("node runs");
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    (output.status.success(), text)
}

#[test]
fn every_corpus_page_passes_axe_and_the_contract_checks() {
    if setup().is_none() {
        return;
    }
    let out = root().join("target/browser-pages");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).unwrap();
    let mut pages = Vec::new();
    let mut posts: Vec<(PathBuf, PathBuf)> = Vec::new();
    let mut valid_values = Vec::new();
    let mut n_errors = 0;
    let forms = corpus();
    for form in &forms {
        for (state, values, report) in states(form) {
            n_errors += report.as_ref().map_or(0, |r| r.violations.len());
            for lang in &form.languages {
                for theme_name in ["default", "kern"] {
                    let theme = Theme::builtin(theme_name).unwrap();
                    let input = Input {
                        lang,
                        scope: Scope::All,
                        values: &values,
                        report: report.as_ref(),
                        focus: None,
                        notice: None,
                    };
                    let html = html::render_page(form, &input, &theme).unwrap();
                    let path = out.join(format!("{}-{lang}-{theme_name}-{state}.html", form.id));
                    std::fs::write(&path, html).unwrap();
                    if state == "gueltig" && lang == "de" && theme_name == "default" {
                        posts.push((path.clone(), out.join(format!("{}-post.json", form.id))));
                        valid_values.push(values.clone());
                    }
                    pages.push(path);
                }
            }
        }
        // The steps of a multi-page form, each with the errors of an empty submission.
        let report = Compiled::new(form).validate(&json!({}), &options());
        for step in 0..form.pages.len() {
            let values = json!({});
            let input = Input {
                lang: "de",
                scope: Scope::Step(step),
                values: &values,
                report: Some(&report),
                focus: None,
                notice: None,
            };
            let html = html::render_page(form, &input, &Theme::default()).unwrap();
            let path = out.join(format!("{}-schritt-{}.html", form.id, step + 1));
            std::fs::write(&path, html).unwrap();
            pages.push(path);
        }
    }
    // The options of cascading choices grouped by parent as radios (a group per state or
    // district, inside the question's one fieldset; the corpus has them only as a select, in
    // optgroups): the case file's page, empty and with a `not_within` error.
    let (_, checked) = common::check_fixture_file(&root().join("tests/cases/check/ok/cascading_choices.form"));
    for (_, form) in &checked.forms {
        let wrong = json!({"bundesland": "11", "kreis": "09162", "bezirk": "M1"});
        let report = Compiled::new(form).validate(&wrong, &options());
        assert!(report.violations.iter().any(|v| v.code == "not_within"), "{:?}", report.violations);
        let empty = json!({});
        for (state, values, report) in [("leer", &empty, None), ("fehler", &wrong, Some(&report))] {
            for theme_name in ["default", "kern"] {
                let theme = Theme::builtin(theme_name).unwrap();
                let input = Input { lang: "de", scope: Scope::All, values, report, focus: None, notice: None };
                let html = html::render_page(form, &input, &theme).unwrap();
                // A group per parent: Bayern, Berlin (districts); München, Berlin (boroughs).
                assert_eq!(html.matches("<div role=\"group\" aria-labelledby=").count(), 4, "grouped options:\n{html}");
                let path = out.join(format!("kaskade-{theme_name}-{state}.html"));
                std::fs::write(&path, html).unwrap();
                pages.push(path);
            }
        }
    }
    assert!(pages.len() >= 6 * 2 * 2 * 4, "every form, language, theme and state");
    // A right-to-left page is among them (the contract checks hold it to `dir="rtl"`).
    assert!(pages.iter().any(|p| p.to_string_lossy().contains("integrationskurs-ar-")), "the Arabic pages");
    assert!(n_errors > 200, "the error pages should show many errors");
    let (ok, text) = run_check(&pages, &posts, "corpus");
    assert!(ok, "{text}");
    assert!(text.contains(&format!("checked {} pages, 0 failures", pages.len())), "{text}");
    // What the browser posts for a page filled with a valid submission converts back to it.
    assert_eq!(posts.len(), forms.len());
    for ((_, post), (form, expected)) in posts.iter().zip(forms.iter().zip(&valid_values)) {
        let pairs: Vec<(String, String)> = serde_json::from_slice(&std::fs::read(post).unwrap()).unwrap();
        let compiled = Compiled::new(form);
        let converted = formwerk::formdata::convert(&compiled, &pairs, &options());
        assert!(converted.ignored.is_empty(), "{}: {:?}", form.id, converted.ignored);
        let (mut expected, mut got) = (expected.clone(), converted.submission.clone());
        drop_unpostable(&mut expected);
        drop_unpostable(&mut got);
        assert_eq!(got, expected, "{}: the posted form data differs", form.id);
        assert!(compiled.validate(&converted.submission, &options()).is_valid());
    }
}

/// What a browser cannot post comes back absent with the same meaning: an unticked checkbox
/// (`false`, for a question only a tick answers) and a repeat without items (`[]`). Applied to
/// both sides (a `nein` radio does post `false`; the keyboard journey checks that).
fn drop_unpostable(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|_, v| *v != Value::Bool(false) && *v != json!([]));
            map.values_mut().for_each(drop_unpostable);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_unpostable),
        _ => {}
    }
}

#[test]
fn a_broken_page_is_caught() {
    if setup().is_none() {
        return;
    }
    let page = r#"<!DOCTYPE html>
<html lang="de"><head><meta charset="utf-8"><title>Antrag</title></head>
<body><main><h1>Antrag</h1>
<form id="f" method="post" novalidate>
<label for="name">Name</label>
<input id="name" name="name" type="text" aria-describedby="name-hinweis name-weg">
<div id="name-hinweis">Hinweis</div>
<input id="name" name="zweiter" type="text">
<input id="ja" name="frage" type="radio" value="ja"><label for="ja">Ja</label>
<input id="nein" name="frage" type="radio" value="nein"><label for="nein">Nein</label>
<input id="plz" name="plz" type="text" autocomplete="cc-number" placeholder="PLZ">
<button type="submit" name="aktion" value="weiter">Weiter</button>
</form></main></body></html>"#;
    let path = root().join("target/browser-broken.html");
    std::fs::write(&path, page).unwrap();
    // A generated page whose theme makes hints too faint.
    let theme_dir = root().join("target/browser-faint-theme");
    std::fs::create_dir_all(&theme_dir).unwrap();
    let css = format!("{}\n.fw-hint {{ color: #b4b4b4; }}\n", Theme::default().css);
    std::fs::write(theme_dir.join("theme.css"), css).unwrap();
    let faint = Theme::load(theme_dir.to_str().unwrap()).unwrap();
    let form = corpus().into_iter().find(|f| f.id == "fuehrungszeugnis").unwrap();
    let empty = json!({});
    let input = Input { lang: "de", scope: Scope::All, values: &empty, report: None, focus: None, notice: None };
    let faint_page = root().join("target/browser-faint.html");
    std::fs::write(&faint_page, html::render_page(&form, &input, &faint).unwrap()).unwrap();
    let (ok, text) = run_check(&[path, faint_page], &[], "broken");
    assert!(!ok, "{text}");
    assert!(text.contains("checked 2 pages, 2 failures"), "{text}");
    assert!(text.contains("browser-faint.html\n  axe color-contrast"), "{text}");
    for expected in [
        "duplicate id name",
        "aria-describedby=\"name-weg\"",
        "options of frage are not in one fieldset",
        "autocomplete \"cc-number\"",
        "plz has a placeholder",
        "axe ",
    ] {
        assert!(text.contains(expected), "the check should report `{expected}`:\n{text}");
    }
}

#[test]
fn keyboard_only_journey_posts_a_valid_submission() {
    if setup().is_none() {
        return;
    }
    let form = corpus().into_iter().find(|f| f.id == "fuehrungszeugnis").unwrap();
    let empty = json!({});
    let input = Input { lang: "de", scope: Scope::All, values: &empty, report: None, focus: None, notice: None };
    let page = root().join("target/browser-keyboard.html");
    std::fs::write(&page, html::render_page(&form, &input, &Theme::default()).unwrap()).unwrap();
    // What to do at each focus stop; every other stop is passed with Tab.
    let plan = json!({
        "belegart": {"kind": "choose", "index": 0},
        "antragsteller-familienname": {"kind": "type", "text": "Muster"},
        "antragsteller-vornamen": {"kind": "type", "text": "Erika"},
        "antragsteller-geschlecht": {"kind": "choose", "index": 1},
        "antragsteller-geburtsdatum-tag": {"kind": "type", "text": "12"},
        "antragsteller-geburtsdatum-monat": {"kind": "type", "text": "8"},
        "antragsteller-geburtsdatum-jahr": {"kind": "type", "text": "1980"},
        "antragsteller-geburtsort": {"kind": "type", "text": "Lyon, Frankreich"},
        "antragsteller-staatsangehoerigkeit": {"kind": "select", "index": 1},
        "anschrift-strasse_hausnummer": {"kind": "type", "text": "Bahnhofstraße 12a"},
        "anschrift-plz": {"kind": "type", "text": "10115"},
        "anschrift-ort": {"kind": "type", "text": "Berlin"},
        "kontakt-email": {"kind": "type", "text": "erika@example.org"},
        "gebuehrenbefreiung": {"kind": "choose", "index": 1},
        "richtigkeit": {"kind": "tick"}
    });
    let plan_path = root().join("target/browser-keyboard-plan.json");
    std::fs::write(&plan_path, plan.to_string()).unwrap();
    let output = Command::new("node")
        .arg(root().join("tests/browser/keyboard.mjs"))
        .arg(&page)
        .arg(&plan_path)
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    let result: Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(result["problems"], json!([]), "{stdout}");
    let stops: Vec<String> = serde_json::from_value(result["stops"].clone()).unwrap();
    assert!(stops.len() >= 15, "{stdout}");
    // Panels revealed only by other choices are skipped (CSS `:has`, no JavaScript); the others are reached.
    for hidden in ["aufforderung", "empfangende_behoerde-name", "befreiungsgrund", "nachweis_befreiung"] {
        assert!(!stops.iter().any(|s| s == hidden), "{hidden} should be hidden: {stops:?}");
    }
    for shown in ["verwendungszweck", "fruehere_namen-hinzufuegen", "kontakt-telefon", "aktion-weiter"] {
        assert!(stops.iter().any(|s| s == shown), "{shown} should be reachable: {stops:?}");
    }
    assert_eq!(result["enter_from"], "kontakt-telefon");
    let pairs: Vec<(String, String)> = serde_json::from_value(result["pairs"].clone()).unwrap();
    assert!(pairs.contains(&("aktion".to_string(), "weiter".to_string())), "Enter submits the primary action");
    let compiled = Compiled::new(&form);
    let converted = formwerk::formdata::convert(&compiled, &pairs, &options());
    assert_eq!(converted.ignored, ["aktion"]);
    let report = compiled.validate(&converted.submission, &options());
    assert!(report.is_valid(), "{:#?}\n{}", report.violations, converted.submission);
    let submission = &converted.submission;
    assert_eq!(submission["belegart"], "N");
    assert_eq!(submission["antragsteller"]["geschlecht"], "w");
    assert_eq!(submission["antragsteller"]["geburtsdatum"], "1980-08-12");
    assert_eq!(submission["antragsteller"]["staatsangehoerigkeit"], "000");
    assert_eq!(submission["gebuehrenbefreiung"], false);
    assert_eq!(submission["richtigkeit"], true);
}

/// A fragment inside a minimal page of a portal's own.
fn portal_page(fragment: &str) -> String {
    format!("<!DOCTYPE html>\n<html lang=\"de\"><head><meta charset=\"utf-8\"><title>Portal</title></head>\n<body><main>\n{fragment}</main></body></html>\n")
}

#[test]
fn hostile_themes_and_codes_run_no_script() {
    if setup().is_none() {
        return;
    }
    let out = root().join("target/browser-hostile");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).unwrap();
    let (db, checked) = common::check_fixture(include_str!("hostile/codes.form"));
    assert!(!checked.has_errors(), "{}", common::render_plain(&db, &checked));
    let codes = checked.forms[0].1.clone();
    let script = "</style><script>window.__pwned = 1</script>";
    let quote = "\"]{}*{display:none}[x=\"";
    let image = "</textarea><img src=x onerror=\"window.__pwned = 2\">";
    // Posted values that try the same in attributes and in a textarea's neighbourhood.
    let values = json!({ "nach_skript": "</textarea>\"><script>window.__pwned = 3</script>", "nach_zitat": image });
    let input = Input { lang: "de", scope: Scope::All, values: &values, report: None, focus: None, notice: None };
    let accepted = Theme::load(root().join("tests/hostile/accepted-theme").to_str().unwrap()).unwrap();
    let step = |kind: &str, name: &str, value: &str, panel: &str| json!({ kind: name, "value": value, "panel": panel });
    // Each step's panel and whether it must be shown after the step.
    let steps = vec![
        (step("select", "auswahl", "normal", "nach_skript-bereich"), false),
        (step("select", "auswahl", "normal", "nach_anderem-bereich"), true),
        (step("select", "auswahl", script, "nach_skript-bereich"), true),
        (step("select", "auswahl", script, "nach_zitat-bereich"), false),
        (step("select", "auswahl", quote, "nach_zitat-bereich"), true),
        (step("select", "auswahl", quote, "nach_skript-bereich"), false),
        (step("select", "auswahl", "a\\b", "nach_zitat-bereich"), true),
        (step("select", "auswahl", "zeile\nzwei", "nach_zeile-bereich"), true),
        (step("select", "auswahl", "zeile\nzwei", "nach_zitat-bereich"), false),
        (step("select", "auswahl", image, "nach_anderem-bereich"), false),
        (step("radio", "knopf", "zweite", "nach_knopf-bereich"), false),
        (step("radio", "knopf", "'", "nach_knopf-bereich"), true),
        (step("radio", "knopf", script, "nach_knopf-bereich"), false),
    ];
    let mut pages = Vec::new();
    let mut write = |name: &str, html: String, with_steps: bool| {
        let path = out.join(name);
        std::fs::write(&path, html).unwrap();
        let planned: Vec<&Value> = if with_steps { steps.iter().map(|(s, _)| s).collect() } else { Vec::new() };
        pages.push(json!({ "file": path, "steps": planned }));
    };
    for theme in [Theme::default(), Theme::builtin("kern").unwrap(), accepted.clone()] {
        let name = theme.name.rsplit('/').next().unwrap().to_string();
        write(&format!("codes-{name}.html"), html::render_page(&codes, &input, &theme).unwrap(), true);
        let fragment = html::render_fragment(&codes, &input, &theme).unwrap();
        write(&format!("codes-{name}-fragment.html"), portal_page(&fragment), true);
    }
    let form = corpus().into_iter().find(|f| f.id == "fuehrungszeugnis").unwrap();
    let empty = json!({});
    let plain = Input { values: &empty, ..input };
    write("accepted-theme.html", html::render_page(&form, &plain, &accepted).unwrap(), false);
    // The control: a page that does run script, so the harness is shown to notice.
    let control = "<!DOCTYPE html><html lang=\"de\"><head><meta charset=\"utf-8\"><title>x</title></head><body>\
        <script>window.__pwned = 1</script><img src=\"nicht-da.png\" onerror=\"alert(1)\"></body></html>";
    write("control.html", control.to_string(), false);

    let plan = out.join("plan.json");
    std::fs::write(&plan, json!({ "pages": pages }).to_string()).unwrap();
    let output =
        Command::new("node").arg(root().join("tests/browser/hostile.mjs")).arg(&plan).output().expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    let result: Value = serde_json::from_str(stdout.trim()).unwrap();
    let results = result["pages"].as_array().unwrap();
    assert_eq!(results.len(), 8);
    let expected: Vec<bool> = steps.iter().map(|(_, shown)| *shown).collect();
    for page in results {
        let file = page["file"].as_str().unwrap();
        if file.ends_with("control.html") {
            assert_eq!(page["pwned"], "1", "{page}");
            assert!(page["dialogs"].as_u64().unwrap() >= 1 && page["scripts"] == 1, "{page}");
            assert_eq!(page["handlers"], json!(["img[onerror]"]), "{page}");
            continue;
        }
        assert_eq!(page["pwned"], Value::Null, "{file}: a script ran: {page}");
        assert_eq!(page["dialogs"], 0, "{file}: {page}");
        assert_eq!(page["scripts"], 0, "{file}: {page}");
        assert_eq!(page["handlers"], json!([]), "{file}: {page}");
        if file.contains("codes-") {
            let shown: Vec<bool> = serde_json::from_value(page["shown"].clone()).unwrap();
            assert_eq!(shown, expected, "{file}: the reveal with hostile codes");
        }
    }
}
