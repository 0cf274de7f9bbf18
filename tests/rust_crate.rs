//! The generated Rust crate as users build it: on its own when copied to an empty directory,
//! with clippy clean, with each form alone by its feature; hostile form text compiles and
//! comes back exactly; the crate of every imported FIM sample compiles. (What it computes is
//! compared with the reference validator in `agreement/`.)

mod common;

use std::path::Path;

use formwerk::validate::{Compiled, Options};
use formwerk::value::Date;

/// Copies a generated crate (a workspace of its own) to `to`, outside this one.
fn copy_crate(from: &Path, to: &Path) {
    common::copy_dir(from, to);
    let manifest = std::fs::read_to_string(to.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("\n[workspace]\n"), "the generated crate is its own workspace");
}

/// Runs cargo in a copied crate; its dependencies are built once into `target/standalone`.
fn cargo_in(dir: &Path, args: &[&str], stdin: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO"))
        .args(args)
        .env("CARGO_TARGET_DIR", Path::new(env!("CARGO_MANIFEST_DIR")).join("target/standalone"))
        .current_dir(dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Written from another thread: a child that answers line by line fills its stdout pipe
    // while we still write its stdin.
    let mut input = child.stdin.take().unwrap();
    let stdin = stdin.to_vec();
    let writer = std::thread::spawn(move || input.write_all(&stdin));
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(output.status.success(), "cargo {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    output.stdout
}

#[test]
fn the_crate_builds_alone_and_clippy_is_clean() {
    let copy = tempfile::tempdir().unwrap();
    copy_crate(Path::new("generated/rust"), copy.path());
    cargo_in(copy.path(), &["clippy", "--offline", "--quiet", "--", "-D", "warnings"], b"");
}

/// One feature per form: the crate builds with no form, with each form alone (only what it
/// uses of the shared crate, the regex crate only for a form with patterns) and with all forms.
#[test]
fn each_form_builds_alone_by_its_feature() {
    let copy = tempfile::tempdir().unwrap();
    copy_crate(Path::new("generated/rust"), copy.path());
    let manifest = std::fs::read_to_string(copy.path().join("Cargo.toml")).unwrap();
    let forms: Vec<String> = common::corpus().into_iter().map(|form| form.id).collect();
    assert!(manifest
        .contains(&format!("all = [{}]", forms.iter().map(|f| format!("{f:?}")).collect::<Vec<_>>().join(", "))));
    let clippy = ["clippy", "--offline", "--quiet", "--no-default-features"];
    cargo_in(copy.path(), &[&clippy[..], &["--", "-D", "warnings"]].concat(), b"");
    for form in &forms {
        cargo_in(copy.path(), &[&clippy[..], &["--features", form, "--", "-D", "warnings"]].concat(), b"");
    }
    // A form without patterns does not pull in regex.
    let tree =
        cargo_in(copy.path(), &["tree", "--offline", "--no-default-features", "--features", "fuehrungszeugnis"], b"");
    assert!(!String::from_utf8_lossy(&tree).contains("regex"));
    let tree = cargo_in(copy.path(), &["tree", "--offline", "--no-default-features", "--features", "hundesteuer"], b"");
    assert!(String::from_utf8_lossy(&tree).contains("regex"));
}

/// Labels, messages and code-list labels full of quotes, backslashes, `*/`, `"#`, braces,
/// control and bidi characters and 4,200-character text compile (clippy clean) and come back
/// exactly: the generated code's labels and reports equal the IR's and the reference validator's.
#[test]
fn hostile_form_text_compiles_and_round_trips() {
    let out = tempfile::tempdir().unwrap();
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_formwerk"))
        .args(["build", "--forms", "tests/rust", "--emit", "rust", "--out"])
        .arg(out.path())
        .status()
        .unwrap();
    assert!(status.success());
    let krate = out.path().join("crate");
    copy_crate(&out.path().join("rust"), &krate);
    std::fs::create_dir_all(krate.join("examples")).unwrap();
    std::fs::write(krate.join("examples/probe.rs"), PROBE).unwrap();
    let form = common::forms_in("tests/rust").into_iter().find(|f| f.id == "hostile").unwrap();
    let compiled = Compiled::new(&form);
    let options = Options { today: Date::parse("2026-06-15").unwrap() };
    let submissions = [
        serde_json::json!({}),
        serde_json::json!({"wahl": "B", "text": "abc", "lang": "x", "zz\"}": 1}),
        serde_json::json!({"wahl": 5, "text": "a\nb", "lang": ""}),
        serde_json::json!({"wahl": "C", "text": "ab", "lang": "Ä\\\"{}*/"}),
    ];
    cargo_in(&krate, &["clippy", "--offline", "--quiet", "--", "-D", "warnings"], b"");
    let input: String = submissions.iter().map(|s| format!("{s}\n")).collect();
    let stdout = cargo_in(&krate, &["run", "--offline", "--quiet", "--example", "probe"], input.as_bytes());
    let mut lines = std::str::from_utf8(&stdout).unwrap().lines();
    // Code-list labels, exactly as in the IR.
    let labels: serde_json::Value = serde_json::from_str(lines.next().unwrap()).unwrap();
    let list = &form.codelists["Boese"];
    let expected: serde_json::Map<String, serde_json::Value> =
        list.codes.iter().map(|c| (c.code.clone(), serde_json::to_value(&c.label).unwrap())).collect();
    assert_eq!(labels, serde_json::Value::Object(expected));
    // Reports, exactly as the reference validator's.
    let mut n_valid = 0;
    for submission in &submissions {
        let line: serde_json::Value = serde_json::from_str(lines.next().unwrap()).unwrap();
        let reference = serde_json::to_value(compiled.validate(submission, &options)).unwrap();
        assert_eq!(line["report"], reference, "{submission}");
        if reference["violations"].as_array().unwrap().is_empty() {
            assert_eq!(&line["typed"], submission);
            n_valid += 1;
        }
    }
    assert_eq!(n_valid, 1);
    // The texts reached the messages unharmed.
    let first: serde_json::Value = serde_json::to_value(compiled.validate(&submissions[0], &options)).unwrap();
    assert!(first.to_string().contains(r#"Wähle \"eins\" */ {x}"#), "{first}");
}

/// Prints the code list's labels, then per submission on stdin its report and typed data.
const PROBE: &str = r#"
use std::io::BufRead;
use formwerk_forms::hostile::{self, Boese};

fn main() {
    let labels: serde_json::Map<String, serde_json::Value> = Boese::ALL
        .iter()
        .map(|c| (c.code().to_string(), serde_json::json!({"de": c.label("de"), "en": c.label("en")})))
        .collect();
    println!("{}", serde_json::Value::Object(labels));
    let today = formwerk_forms::runtime::date::Date::parse("2026-06-15").unwrap();
    for line in std::io::stdin().lock().lines() {
        let line = line.unwrap();
        let value: serde_json::Value = serde_json::from_str(&line).unwrap();
        let report = hostile::validate_on(&value, today);
        let typed = match hostile::from_json_on(line.as_bytes(), today) {
            Ok(typed) => serde_json::to_value(&typed).unwrap(),
            Err(again) => { assert_eq!(again, report); serde_json::Value::Null }
        };
        println!("{}", serde_json::json!({"report": report, "typed": typed}));
    }
}
"#;

/// Real forms from elsewhere: the crate generated for every imported FIM sample (names made
/// from German labels, deep nesting, many code lists) compiles with clippy clean, and its
/// validators report exactly what the reference validator reports on valid and invalid
/// examples of every sample; valid ones come back as typed data that writes the same JSON.
#[test]
fn the_crate_of_every_imported_fim_sample_compiles_and_agrees() {
    let formwerk = env!("CARGO_BIN_EXE_formwerk");
    let work = tempfile::tempdir().unwrap();
    let forms = work.path().join("forms");
    std::fs::create_dir_all(&forms).unwrap();
    // The real genericode lists beside the repository, when present: references to them are
    // imported as external lists (`codelist X from "urn" version "v"`) and built with them.
    let shared = Path::new("../shared/fim/codelists");
    let codelists = if shared.is_dir() { shared } else { Path::new("tests/fim/samples/xdf2/codelists") };
    let mut n_forms = 0;
    for version in ["xdf2", "xdf3"] {
        let dir = Path::new("tests/fim/samples").join(version);
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "xml") {
                continue;
            }
            let name = path.file_stem().unwrap().to_string_lossy().to_ascii_lowercase().replace('.', "_");
            let status = std::process::Command::new(formwerk)
                .arg("import-fim")
                .arg(&path)
                .arg("--codelists")
                .arg(codelists)
                .arg("--out")
                .arg(forms.join(format!("{name}.form")))
                .stderr(std::process::Stdio::null())
                .status()
                .unwrap();
            assert!(status.success(), "{} imports", path.display());
            n_forms += 1;
        }
    }
    assert_eq!(n_forms, 15);
    let out = work.path().join("out");
    let status = std::process::Command::new(formwerk)
        .args(["build", "--emit", "rust", "--codelists"])
        .arg(codelists)
        .arg("--forms")
        .arg(&forms)
        .arg("--out")
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    let krate = work.path().join("crate");
    copy_crate(&out.join("rust"), &krate);
    cargo_in(&krate, &["clippy", "--offline", "--quiet", "--", "-D", "warnings"], b"");

    let session = formwerk::driver::check_paths_with(std::slice::from_ref(&forms), Some(&forms), Some(codelists))
        .expect("the imported forms load");
    assert!(!session.checked.has_errors());
    let fim_forms: Vec<formwerk::ir::Form> = session.checked.forms.into_iter().map(|(_, form)| form).collect();
    assert_eq!(fim_forms.len(), 15);
    let options = Options { today: Date::parse("2026-06-15").unwrap() };
    let mut input = String::new();
    let mut expected = Vec::new();
    for form in &fim_forms {
        let compiled = Compiled::new(form);
        for example in formwerk::examples::generate(&compiled, 40, 40, 5, &options) {
            let module = formwerk::emit::rust::names::module_text(&form.id);
            input.push_str(&format!("{}\n", serde_json::json!({"form": module, "submission": example.submission})));
            expected.push((
                form.id.clone(),
                example.submission.clone(),
                compiled.validate(&example.submission, &options),
            ));
        }
    }
    assert!(expected.len() > 15 * 40, "every sample has valid and invalid examples");
    let arms: String = fim_forms
        .iter()
        .map(|form| {
            let module = formwerk::emit::rust::names::module_text(&form.id);
            format!("{module:?} => probe!({module}),\n")
        })
        .collect();
    std::fs::create_dir_all(krate.join("examples")).unwrap();
    std::fs::write(krate.join("examples/agree.rs"), AGREE.replace("ARMS", &arms)).unwrap();
    let stdout = cargo_in(&krate, &["run", "--offline", "--quiet", "--example", "agree"], input.as_bytes());
    let lines: Vec<&str> = std::str::from_utf8(&stdout).unwrap().lines().collect();
    assert_eq!(lines.len(), expected.len());
    let mut n_valid = 0;
    for (line, (form, submission, reference)) in lines.iter().zip(&expected) {
        let line: serde_json::Value = serde_json::from_str(line).unwrap();
        let reference = serde_json::to_value(reference).unwrap();
        assert_eq!(line["report"], reference, "{form}: {submission}");
        if reference["violations"].as_array().unwrap().is_empty() {
            assert_eq!(&line["typed"], submission, "{form}");
            n_valid += 1;
        } else {
            assert_eq!(line["from_json"], reference, "{form}: {submission}");
        }
    }
    assert!(n_valid >= 15 * 40, "{n_valid} valid examples");
}

/// Per line of stdin (`{"form": module, "submission": …}`): the generated `validate_on`
/// report, and what `from_json_on` gives for the same bytes (typed data or the report).
const AGREE: &str = r#"
use std::io::BufRead;

macro_rules! probe {
    ($form:ident) => {{
        |value: &serde_json::Value, bytes: &[u8], today| {
            let report = formwerk_forms::$form::validate_on(value, today);
            let (typed, from_json) = match formwerk_forms::$form::from_json_on(bytes, today) {
                Ok(typed) => (serde_json::to_value(&typed).unwrap(), serde_json::Value::Null),
                Err(report) => (serde_json::Value::Null, serde_json::to_value(&report).unwrap()),
            };
            serde_json::json!({"report": report, "typed": typed, "from_json": from_json})
        }
    }};
}

fn main() {
    let today = formwerk_forms::runtime::date::Date::parse("2026-06-15").unwrap();
    for line in std::io::stdin().lock().lines() {
        let line: serde_json::Value = serde_json::from_str(&line.unwrap()).unwrap();
        let bytes = serde_json::to_vec(&line["submission"]).unwrap();
        let run: fn(&serde_json::Value, &[u8], formwerk_forms::runtime::date::Date) -> serde_json::Value =
            match line["form"].as_str().unwrap() {
                ARMS
                other => panic!("no form {other}"),
            };
        println!("{}", run(&line["submission"], &bytes, today));
    }
}
"#;
