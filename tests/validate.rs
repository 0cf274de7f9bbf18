//! The reference validator on hand-written cases: every `tests/validate/*.form` holds a form
//! (`//- /main.form`, plus modules) and `//- /submissions.ndjson`, one case per line:
//! `{"name", "submission", "expect": [{"pointer", "code"}], "warnings"?: [{"pointer", "code"}],
//! "today"?}` (no `warnings`: none expected). The default today is
//! 2026-06-15. Each case must report exactly the expected violations, in order; the full
//! reports (with messages) are snapshotted. Plus the `validate` command on hostile input.

mod common;

use formwerk::validate::{self, Options};
use formwerk::value::Date;

#[test]
fn validate_cases() {
    insta::glob!("validate/*.form", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let (form_text, cases) = text.split_once("//- /submissions.ndjson\n").expect("a submissions section");
        let (db, checked) = common::check_fixture(form_text);
        assert!(!checked.has_errors(), "{}", common::render_plain(&db, &checked));
        let (_, form) = checked.forms.first().expect("the case declares a form");
        let compiled = validate::Compiled::new(form);
        let mut snapshot = String::new();
        let mut failures = Vec::new();
        for line in cases.lines().filter(|l| !l.trim().is_empty()) {
            let case: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{line}: {e}"));
            let today = Date::parse(case["today"].as_str().unwrap_or("2026-06-15")).unwrap();
            let report = compiled.validate(&case["submission"], &Options { today });
            let got: Vec<(String, String)> =
                report.violations.iter().map(|v| (v.pointer.clone(), v.code.clone())).collect();
            let expected: Vec<(String, String)> = case["expect"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| (e["pointer"].as_str().unwrap().to_string(), e["code"].as_str().unwrap().to_string()))
                .collect();
            if got != expected {
                failures.push(format!("{}: expected {expected:?}, got {got:?}", case["name"]));
            }
            let got: Vec<(String, String)> =
                report.warnings.iter().map(|v| (v.pointer.clone(), v.code.clone())).collect();
            let expected: Vec<(String, String)> = case["warnings"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .map(|e| (e["pointer"].as_str().unwrap().to_string(), e["code"].as_str().unwrap().to_string()))
                .collect();
            if got != expected {
                failures.push(format!("{}: expected warnings {expected:?}, got {got:?}", case["name"]));
            }
            assert_eq!(report.is_valid(), report.violations.is_empty(), "warnings never make a submission invalid");
            snapshot.push_str(&format!("# {}\n", case["name"].as_str().unwrap()));
            for violation in &report.violations {
                snapshot.push_str(&format!("{} {}\n", violation.pointer, violation.code));
                for (lang, message) in &violation.messages {
                    snapshot.push_str(&format!("  {lang}: {message}\n"));
                }
            }
            for warning in &report.warnings {
                snapshot.push_str(&format!("warning {} {}\n", warning.pointer, warning.code));
                for (lang, message) in &warning.messages {
                    snapshot.push_str(&format!("  {lang}: {message}\n"));
                }
            }
        }
        assert!(failures.is_empty(), "{}:\n{}", path.display(), failures.join("\n"));
        insta::assert_snapshot!(snapshot);
    });
}

/// `formwerk validate` with `args`, run from the package root.
fn formwerk(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_formwerk"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .expect("formwerk runs")
}

/// The command reads a submission as the generated `from_json` does: JSON nested past
/// serde_json's 128 levels is a submission like any other (not "not valid JSON"), and a
/// million items past a repeat's maximum are one violation.
#[test]
fn the_command_reads_any_depth_and_bounds_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let today = ["--today", "2026-06-15", "--format", "json"];
    for depth in [127, 128, 129, 100_000] {
        let path = dir.path().join(format!("deep{depth}.json"));
        std::fs::write(&path, format!("{{\"tief\": {}0{}}}", "[".repeat(depth), "]".repeat(depth))).unwrap();
        let output = formwerk(&[&["validate", "forms/hundesteuer.form", path.to_str().unwrap()][..], &today].concat());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "depth {depth}: {stderr}");
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let first = &report["violations"][0];
        assert_eq!((first["pointer"].as_str(), first["code"].as_str()), (Some("/tief"), Some("unknown_property")));
    }
    let path = dir.path().join("million.json");
    std::fs::write(&path, format!("{{\"hunde\": [{{}}{}]}}", ",{}".repeat(999_999))).unwrap();
    let output = formwerk(&[&["validate", "forms/hundesteuer.form", path.to_str().unwrap()][..], &today].concat());
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let violations = report["violations"].as_array().unwrap();
    assert!(violations.len() < 60, "{} violations", violations.len());
    assert!(violations.iter().any(|v| v["pointer"] == "/hunde" && v["code"] == "max_items"));
    assert!(!violations.iter().any(|v| v["pointer"].as_str().unwrap().starts_with("/hunde/5")));
    // Not JSON is still a usage error, with line and column.
    std::fs::write(&path, "{\"hunde\": [1,]}").unwrap();
    let output = formwerk(&["validate", "forms/hundesteuer.form", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("is not valid JSON: 1:14"), "{output:?}");
}

/// Keys of a submission are printed with their controls escaped, so a report cannot
/// drive the terminal.
#[test]
fn human_output_escapes_controls_in_pointers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("esc.json");
    std::fs::write(&path, r#"{"\u001b[2J\u202e": 1}"#).unwrap();
    let output = formwerk(&["validate", "forms/hundesteuer.form", path.to_str().unwrap(), "--today", "2026-06-15"]);
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(!stdout.contains('\u{1b}') && !stdout.contains('\u{202e}'), "{stdout}");
    assert!(stdout.contains("/\\u{1b}[2J\\u{202e}  [unknown_property]"), "{stdout}");
}

/// A language beyond de/en: the messages come from the project catalogue `catalogues/ar.toml`
/// (plural forms, quotes, dates), next to the German ones from the built-in catalogue.
#[test]
fn arabic_messages_come_from_the_project_catalogue() {
    let form = common::corpus_form("integrationskurs");
    let submission = serde_json::json!({
        "geburtsdatum": "2015-01-01",
        "kinderbetreuung": true,
        "anzahl_kinder": 7,
        "bemerkungen": "x".repeat(501),
    });
    let report = validate::validate(&form, &submission, &Options { today: Date::parse("2026-06-15").unwrap() });
    let message = |pointer: &str, lang: &str| {
        let violation = report.violations.iter().find(|v| v.pointer == pointer).unwrap_or_else(|| panic!("{pointer}"));
        violation.messages[lang].clone()
    };
    assert_eq!(message("/vorname", "ar"), "يرجى تعبئة «الاسم الأول».");
    assert_eq!(message("/vorname", "de"), "Bitte machen Sie eine Angabe zu „Vorname“.");
    assert_eq!(message("/geburtsdatum", "ar"), "يجب ألا يكون «تاريخ الميلاد» بعد 15/06/2010.");
    assert_eq!(message("/geburtsdatum", "de"), "„Geburtsdatum“ darf nicht nach dem 15.06.2010 liegen.");
    assert_eq!(message("/anzahl_kinder", "ar"), "يجب ألا يتجاوز «لكم طفلًا؟» 6.");
    // A label that ends with the Arabic question mark ends the message.
    assert_eq!(message("/kursart", "ar"), "يرجى تعبئة «ما الدورة التي ترغب في حضورها؟»");
    assert_eq!(message("/bemerkungen", "ar"), "يجب ألا يتجاوز «ملاحظات» 500 حرفًا.");
}

/// A project adds a language without touching Rust: a catalogue derived from the built-in
/// German one (Swiss spelling, no ß) is used for `de-CH`, with its plural forms; a label that
/// looks like a placeholder stays text.
#[test]
fn a_project_catalogue_adds_a_language() {
    let catalogue = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/catalogue/de.toml"))
        .unwrap()
        .replace("name = \"Deutsch\"", "name = \"Deutsch (Schweiz)\"")
        .replace("„{text}“", "«{text}»")
        .replace("ß", "ss");
    let fixture = format!(
        "form antrag {{
  title \"Antrag\" de-CH \"Gesuch\"
  version \"1.0.0\"
  languages de, de-CH
  field strasse: text \"Straße {{{{n}}}}\" de-CH \"Strasse {{{{n}}}}\" required {{ length ..1 }}
  field kinder: integer \"Kinder\" de-CH \"Kinder\" {{ max 1 }}
}}
//- /catalogues/de-CH.toml
{catalogue}"
    );
    let (db, checked) = common::check_fixture(&fixture);
    assert!(!checked.has_errors(), "{}", common::render_plain(&db, &checked));
    let (_, form) = checked.forms.first().unwrap();
    assert!(form.catalogues.contains_key("de-CH") && !form.catalogues.contains_key("de"));
    let options = Options { today: Date::parse("2026-06-15").unwrap() };
    let report = validate::validate(form, &serde_json::json!({"kinder": 2}), &options);
    assert_eq!(report.violations[0].messages["de-CH"], "Bitte machen Sie eine Angabe zu «Strasse {n}».");
    assert_eq!(report.violations[0].messages["de"], "Bitte machen Sie eine Angabe zu „Straße {n}“.");
    assert_eq!(report.violations[1].messages["de-CH"], "«Kinder» darf höchstens 1 sein.");
    let report = validate::validate(form, &serde_json::json!({"strasse": "ab"}), &options);
    assert_eq!(report.violations[0].messages["de-CH"], "«Strasse {n}» darf höchstens 1 Zeichen lang sein.");
}
