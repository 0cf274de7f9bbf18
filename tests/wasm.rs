//! The generated WebAssembly module as browsers and Node.js run it: built from the generated
//! workspace (`generated/rust/wasm`, profile `wasm`) for `wasm32-unknown-unknown`, loaded by the
//! generated wrapper `formwerk.mjs`, it gives the reference validator's report on the examples
//! of every corpus form and on hostile texts — in Node.js, and in Debian's chromium fetching it
//! as a site serves it — both as one module for the catalogue and as one module per form. Each
//! form's module stays within 150 KB gzipped (the sizes are printed).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use formwerk::validate::{Compiled, Options};
use formwerk::value::Date;
use serde_json::{json, Value};

const TODAY: &str = "2026-06-15";

/// The most one form's module may weigh, gzipped.
const MAX_GZIPPED: usize = 150 * 1024;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Whether the toolchain has the wasm target; CI installs it (`.ci/run`), elsewhere the test
/// is skipped without it.
fn wasm_target() -> bool {
    let sysroot = Command::new("rustc").args(["--print", "sysroot"]).output().expect("rustc runs");
    let sysroot = String::from_utf8_lossy(&sysroot.stdout).trim().to_string();
    let installed = Path::new(&sysroot).join("lib/rustlib/wasm32-unknown-unknown").is_dir();
    if !installed {
        // `.ci/run` adds the target, or says it could not and sets this.
        let unavailable = std::env::var_os("FORMWERK_NO_WASM_TARGET").is_some();
        assert!(std::env::var_os("CI").is_none() || unavailable, "the wasm32 target is missing; .ci/run adds it");
        eprintln!("skipping: `rustup target add wasm32-unknown-unknown` to run this test");
    }
    installed
}

/// Builds the module of the copied workspace `dir` with `features` (all forms when `None`)
/// and returns its path, copied to `to`.
fn build(dir: &Path, features: Option<&str>, to: PathBuf) -> PathBuf {
    let target = root().join("target/wasm");
    let mut args = vec!["build", "--offline", "--quiet", "-p", "formwerk_forms_wasm", "--profile", "wasm"];
    args.extend(["--target", "wasm32-unknown-unknown"]);
    if let Some(features) = features {
        args.extend(["--no-default-features", "--features", features]);
    }
    let output =
        Command::new(env!("CARGO")).args(&args).env("CARGO_TARGET_DIR", &target).current_dir(dir).output().unwrap();
    assert!(output.status.success(), "cargo {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    std::fs::copy(target.join("wasm32-unknown-unknown/wasm/formwerk_forms_wasm.wasm"), &to).unwrap();
    to
}

fn gzipped_size(path: &Path) -> usize {
    let output = Command::new("gzip").args(["-9", "-c"]).arg(path).output().expect("gzip runs");
    assert!(output.status.success());
    output.stdout.len()
}

/// Texts that are no submission, or a hostile one: each gets the reference's verdict.
fn hostile_texts() -> Vec<String> {
    vec![
        String::new(),
        "{".to_string(),
        "[]".to_string(),
        "null".to_string(),
        r#"{"a": 1} x"#.to_string(),
        "[".repeat(100_000),
        format!(r#"{{"x": "{}"}}"#, "ä".repeat(200_000)),
        r#"{"x": "\ud800"}"#.to_string(),
        r#"{"x": 1, "x": {"y": [1, 2, 3]}}"#.to_string(),
    ]
}

#[test]
fn the_wasm_module_agrees_with_the_reference_in_node_and_chromium() {
    if !wasm_target() {
        return;
    }
    common::npm_ci("tests/browser", &["playwright-core"], "the WebAssembly checks");
    let work = tempfile::tempdir().unwrap();
    let workspace = work.path().join("rust");
    std::fs::create_dir_all(&workspace).unwrap();
    common::copy_dir(&root().join("generated/rust"), &workspace);

    let forms = common::corpus();
    let today = Date::parse(TODAY).unwrap();
    let options = Options { today };
    let mut modules = serde_json::Map::new();
    modules.insert("all".into(), json!(build(&workspace, None, work.path().join("all.wasm"))));
    let mut sizes = Vec::new();
    for form in &forms {
        let path = build(&workspace, Some(&form.id), work.path().join(format!("{}.wasm", form.id)));
        sizes.push((form.id.clone(), std::fs::metadata(&path).unwrap().len(), gzipped_size(&path)));
        modules.insert(form.id.clone(), json!(path));
    }
    for (form, bytes, gzipped) in &sizes {
        eprintln!("{form}: {bytes} bytes, {gzipped} gzipped");
    }

    // Each case runs in the catalogue's module and in its form's own; the browser gets a sample.
    // Expected: {"report": the reference's} or {"malformed": why the reference cannot read the
    // text} or {"error": what the wrapper throws}.
    let (mut node, mut browser) = (Vec::new(), Vec::new());
    for form in &forms {
        let compiled = Compiled::new(form);
        let examples = formwerk::examples::generate(&compiled, 150, 400, 11, &options);
        let mut texts: Vec<String> = examples.iter().map(|e| e.submission.to_string()).collect();
        texts.extend(hostile_texts());
        for (i, text) in texts.iter().enumerate() {
            let expect = match formwerk::validate::read(compiled.form(), text.as_bytes()) {
                Ok(value) => json!({"report": compiled.validate(&value, &options)}),
                Err(error) => json!({"malformed": error.to_string()}),
            };
            for module in ["all", form.id.as_str()] {
                let case = json!({"module": module, "form": form.id, "text": text, "expect": expect});
                if i % 8 == 0 && module == "all" {
                    browser.push(case.clone());
                }
                node.push(case);
            }
        }
    }
    // A form the module does not have, and a day that is none, are errors, not reports.
    let form = &forms[0].id;
    for (module, form, today, needle) in [
        ("all", "nope", TODAY, "this module has no form `nope`"),
        (form.as_str(), forms[1].id.as_str(), TODAY, "this module has no form"),
        ("all", form.as_str(), "2026-02-30", "today is not a date"),
        ("all", form.as_str(), "15.06.2026", "today is not yyyy-mm-dd"),
    ] {
        let case = json!({"module": module, "form": form, "text": "{}", "today": today, "expect": {"error": needle}});
        node.push(case.clone());
        browser.push(case);
    }
    let plan = json!({
        "wrapper": workspace.join("wasm/formwerk.mjs"),
        "today": TODAY,
        "modules": modules,
        "node": node,
        "browser": browser,
    });
    let plan_path = work.path().join("plan.json");
    std::fs::write(&plan_path, plan.to_string()).unwrap();
    let out = work.path().join("out.json");
    let output = Command::new("node")
        .arg(root().join("tests/browser/wasm.mjs"))
        .arg(&plan_path)
        .arg(&out)
        .output()
        .expect("node runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let results: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();

    // Each module says which forms it has.
    let ids: Vec<String> = forms.iter().map(|f| f.id.clone()).collect();
    assert_eq!(results["forms"]["all"], json!(ids));
    for id in &ids {
        assert_eq!(results["forms"][id], json!([id]));
    }
    for (runtime, cases) in [("node", &node), ("browser", &browser)] {
        let results = results[runtime].as_array().unwrap();
        assert_eq!(results.len(), cases.len(), "{runtime}");
        let mut n_valid = 0;
        for (result, case) in results.iter().zip(cases) {
            let shown: String = case["text"].as_str().unwrap().chars().take(300).collect();
            let at = format!("{runtime}, module {}, form {}, on {shown}", case["module"], case["form"]);
            let expect = &case["expect"];
            if let Some(reference) = expect.get("report") {
                assert_eq!(result, reference, "{at}");
                n_valid += usize::from(reference["violations"].as_array().unwrap().is_empty());
            } else if let Some(detail) = expect["malformed"].as_str() {
                // Both refuse the text, for the same reason.
                let violations = result["violations"].as_array().unwrap_or_else(|| panic!("{at}: {result}"));
                assert_eq!(violations.len(), 1, "{at}");
                assert_eq!(violations[0]["code"], "malformed", "{at}");
                let messages = violations[0]["messages"].as_object().unwrap();
                assert!(
                    messages.values().any(|m| m.as_str().unwrap().contains(detail)),
                    "{at}: {messages:?} / {detail}"
                );
            } else {
                let needle = expect["error"].as_str().unwrap_or_else(|| panic!("{at}: {expect}"));
                let error = result["error"].as_str().unwrap_or_else(|| panic!("{at}: {result}"));
                assert!(error.contains(needle), "{at}: {error} / {needle}");
            }
        }
        // Both verdicts are well represented.
        let least = if runtime == "node" { 8 * 2 * 100 } else { 8 * 10 };
        assert!(n_valid >= least, "{runtime}: only {n_valid} valid submissions");
    }

    for (form, _, gzipped) in &sizes {
        assert!(*gzipped <= MAX_GZIPPED, "{form}: {gzipped} bytes gzipped, more than {MAX_GZIPPED}");
    }
}
