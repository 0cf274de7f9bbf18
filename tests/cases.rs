//! The data-driven test harness: every `tests/cases/<stage>/<kind>/*.form` is a test.
//!
//! - `ok/`: must check with no diagnostic at all; the snapshot shows the IR of its forms.
//! - `err/`: must report at least one error; the snapshot shows the rendered diagnostics.
//! - `warn/`: must report warnings and no errors; the snapshot shows them.
//!
//! A case may hold several files, separated by `//- /path.form` lines. A case that is not
//! UTF-8 is one file, read as bytes. Adding a test is adding a file; run `cargo insta test`
//! and `cargo insta review` to accept its snapshot.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use formwerk::diag::{Code, Severity};

fn kind_of(path: &Path) -> &str {
    path.parent().and_then(|p| p.file_name()).and_then(|n| n.to_str()).unwrap_or("")
}

fn run_case(path: &Path) -> (String, Vec<Code>) {
    let (db, checked) = common::check_fixture_file(path);
    let codes: Vec<Code> = checked.diagnostics.iter().map(|d| d.code).collect();
    let n_errors = checked.diagnostics.iter().filter(|d| d.severity() == Severity::Error).count();
    let n_warnings = checked.diagnostics.len() - n_errors;
    let rendered = common::render_plain(&db, &checked);
    let name = path.display();
    let output = match kind_of(path) {
        "ok" => {
            assert!(checked.diagnostics.is_empty(), "{name} must check clean, but:\n{rendered}");
            let forms: Vec<_> = checked.forms.iter().map(|(_, f)| f).collect();
            serde_json::to_string_pretty(&forms).unwrap()
        }
        "err" => {
            assert!(n_errors > 0, "{name} must fail, but:\n{rendered}");
            rendered
        }
        "warn" => {
            assert!(n_errors == 0 && n_warnings > 0, "{name} must warn without errors, but:\n{rendered}");
            rendered
        }
        other => panic!("{name}: unknown case kind `{other}` (use ok, err or warn)"),
    };
    (output, codes)
}

#[test]
fn cases() {
    insta::glob!("cases/**/*.form", |path| {
        let (output, _) = run_case(path);
        insta::assert_snapshot!(output);
    });
}

/// Codes that only the file system produces, with the test that shows each.
const FILE_SYSTEM_CODES: &[(Code, &str)] = &[(Code::SourceFileRefused, "tests/hostile_fs.rs")];

/// Codes of the overlay check, a second proof behind the checker's refusals that no source can
/// reach: the named test shows them on an overlay's IR changed by hand.
const OVERLAY_CHECK_CODES: &[(Code, &str)] =
    &[(Code::OverlayBreaksBase, "tests/overlay.rs"), (Code::OverlayMayBreakBase, "tests/overlay.rs")];

#[test]
fn every_diagnostic_code_has_a_case() {
    let mut seen = BTreeSet::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let mut stack = vec![root];
    let mut n_err_cases = 0;
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "form") && kind_of(&path) != "ok" {
                n_err_cases += usize::from(kind_of(&path) == "err");
                let (_, checked) = common::check_fixture_file(&path);
                seen.extend(checked.diagnostics.iter().map(|d| d.code));
            }
        }
    }
    // Only a file system can hold a symbolic link or a FIFO: the named test shows these codes.
    for (code, test) in FILE_SYSTEM_CODES.iter().chain(OVERLAY_CHECK_CODES) {
        let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(test)).unwrap();
        assert!(text.contains(code.as_str()), "{test} must show {}", code.as_str());
        seen.insert(*code);
    }
    let missing: Vec<&str> = Code::ALL.iter().filter(|c| !seen.contains(c)).map(|c| c.as_str()).collect();
    assert!(missing.is_empty(), "codes without an err/warn case: {missing:?}");
    assert!(n_err_cases >= 40, "only {n_err_cases} error cases; the suite promises at least 40");
}
