//! The reference validator on hand-written cases: every `tests/validate/*.form` holds a form
//! (`//- /main.form`, plus modules) and `//- /submissions.ndjson`, one case per line:
//! `{"name", "submission", "expect": [{"pointer", "code"}], "today"?}`. The default today is
//! 2026-06-15. Each case must report exactly the expected violations, in order; the full
//! reports (with messages) are snapshotted.

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
            snapshot.push_str(&format!("# {}\n", case["name"].as_str().unwrap()));
            for violation in &report.violations {
                snapshot.push_str(&format!("{} {}\n", violation.pointer, violation.code));
                for (lang, message) in &violation.messages {
                    snapshot.push_str(&format!("  {lang}: {message}\n"));
                }
            }
        }
        assert!(failures.is_empty(), "{}:\n{}", path.display(), failures.join("\n"));
        insta::assert_snapshot!(snapshot);
    });
}
