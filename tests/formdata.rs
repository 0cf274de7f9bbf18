//! Form-data conversion on hand-written cases: every `tests/formdata/*.form` holds a form and
//! `//- /posts.ndjson`, one post per line: `{"name", "body" | "pairs", "expect", "ignored"}`,
//! optionally with `"violations": [[pointer, code], …]`, what the reference validator then
//! reports on the converted submission (what a citizen sees after posting the page).

mod common;

use formwerk::formdata;
use formwerk::validate::{Compiled, Options};
use formwerk::value::Date;

#[test]
fn formdata_cases() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/formdata");
    let mut n_cases = 0;
    for entry in std::fs::read_dir(root).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let (form_text, posts) = text.split_once("//- /posts.ndjson\n").expect("a posts section");
        let (db, checked) = common::check_fixture(form_text);
        assert!(!checked.has_errors(), "{}", common::render_plain(&db, &checked));
        let compiled = Compiled::new(&checked.forms[0].1);
        let options = Options { today: Date::parse("2026-06-15").unwrap() };
        for line in posts.lines().filter(|l| !l.trim().is_empty()) {
            let case: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{line}: {e}"));
            let pairs: Vec<(String, String)> = match case["body"].as_str() {
                Some(body) => formdata::parse_urlencoded(body),
                None => serde_json::from_value(case["pairs"].clone()).unwrap(),
            };
            let converted = formdata::convert(&compiled, &pairs, &options);
            assert_eq!(converted.submission, case["expect"], "{}: {}", path.display(), case["name"]);
            let ignored: Vec<String> = serde_json::from_value(case["ignored"].clone()).unwrap();
            assert_eq!(converted.ignored, ignored, "{}: {}", path.display(), case["name"]);
            if let Some(expected) = case.get("violations") {
                let report = compiled.validate(&converted.submission, &options);
                let found: Vec<(String, String)> =
                    report.violations.iter().map(|v| (v.pointer.clone(), v.code.clone())).collect();
                let expected: Vec<(String, String)> = serde_json::from_value(expected.clone()).unwrap();
                assert_eq!(found, expected, "{}: {}", path.display(), case["name"]);
            }
            n_cases += 1;
        }
    }
    assert!(n_cases >= 8);
}
