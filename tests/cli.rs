//! The `formwerk` binary as users and pipelines call it: exit codes, output formats,
//! `explain`, colours, and builds that fail without touching the output directory.

mod common;

use common::{project, snapshot_tree, write, GOOD};

use std::path::Path;
use std::process::{Command, Output};

use formwerk::diag::Code;

fn formwerk(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_formwerk"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .expect("the binary runs")
}

#[test]
fn check_exit_codes() {
    let dir = project();
    let ok = formwerk(&["check"], dir.path());
    assert_eq!(ok.status.code(), Some(0), "{}", String::from_utf8_lossy(&ok.stderr));
    assert!(String::from_utf8_lossy(&ok.stderr).contains("no problems"));

    write(dir.path(), "forms/kaputt.form", "form kaputt {\n  title \"K\"\n");
    let failed = formwerk(&["check", "forms"], dir.path());
    assert_eq!(failed.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&failed.stderr).contains("E0101"));

    let missing = formwerk(&["check", "nirgendwo"], dir.path());
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("does not exist"));

    let usage = formwerk(&["check", "--no-such-flag"], dir.path());
    assert_eq!(usage.status.code(), Some(2));
}

#[test]
fn a_single_file_resolves_modules_from_its_forms_directory() {
    let dir = project();
    let output = formwerk(&["check", "forms/antrag.form"], dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
}

#[test]
fn three_independent_mistakes_are_all_reported_as_json() {
    let dir = project();
    write(
        dir.path(),
        "forms/antrag.form",
        r#"use common.codes
form antrag {
  title "Antrag" en "Application"
  version "1.0.0"
  languages de, en
  field art: choice of Art "Art" en "Kind"
  field name: text "Name" en "Name" { length 50..10 }
  field behoerde: text "Behörde" en "Authority" { visible when art == "X" }
  field alter: integer "Alter" en "Age" { visible when nmae is set }
}
"#,
    );
    let output = formwerk(&["check", "--message-format", "json"], dir.path());
    assert_eq!(output.status.code(), Some(1));
    let lines: Vec<serde_json::Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is JSON"))
        .collect();
    let codes: Vec<&str> = lines.iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["E0401", "E0209", "E0201"]);
    for diagnostic in &lines {
        assert_eq!(diagnostic["severity"], "error");
        assert!(diagnostic["help"].as_str().is_some_and(|h| !h.is_empty()), "{diagnostic}");
        let label = &diagnostic["labels"][0];
        assert_eq!(label["file"], "forms/antrag.form");
        assert!(label["line"].as_u64().unwrap() >= 7 && label["end"].as_u64() > label["start"].as_u64());
    }
    assert_eq!(lines[2]["labels"][0]["line"], 9);
    assert_eq!(lines[2]["labels"][0]["column"], 56);
}

#[test]
fn explain_prints_every_code_with_an_example() {
    let dir = tempfile::tempdir().unwrap();
    for code in Code::ALL {
        let output = formwerk(&["explain", code.as_str()], dir.path());
        assert_eq!(output.status.code(), Some(0));
        let text = String::from_utf8(output.stdout).unwrap();
        assert!(text.starts_with(&format!("{} ({}", code.as_str(), code.slug())), "{text}");
        assert!(text.contains("Example"), "{} has no example", code.as_str());
        let by_slug = formwerk(&["explain", code.slug()], dir.path());
        assert_eq!(by_slug.stdout, text.as_bytes());
    }
    let list = formwerk(&["explain"], dir.path());
    assert_eq!(String::from_utf8(list.stdout).unwrap().lines().count(), Code::ALL.len());
    assert_eq!(formwerk(&["explain", "E9999"], dir.path()).status.code(), Some(2));
}

#[test]
fn colours_only_when_asked_or_on_a_terminal() {
    let dir = project();
    write(dir.path(), "forms/antrag.form", GOOD.replace("required", "{ length 1..2 }"));
    let plain = formwerk(&["check"], dir.path());
    assert!(!plain.stderr.contains(&0x1b), "no escape codes when stderr is not a terminal");
    let forced = formwerk(&["check", "--color", "always"], dir.path());
    assert!(forced.stderr.contains(&0x1b));
    let mut no_color = Command::new(env!("CARGO_BIN_EXE_formwerk"));
    no_color.args(["check"]).current_dir(dir.path()).env("NO_COLOR", "1");
    assert!(!no_color.output().unwrap().stderr.contains(&0x1b));
}

#[test]
fn build_writes_ir_and_a_failed_build_changes_nothing() {
    let dir = project();
    write(dir.path(), "generated/other/keep.txt", "another tool's output");
    let built = formwerk(&["build"], dir.path());
    assert_eq!(built.status.code(), Some(0), "{}", String::from_utf8_lossy(&built.stderr));
    let before = snapshot_tree(&dir.path().join("generated"));
    let files = before.iter().filter(|(_, contents)| contents.is_some()).map(|(name, _)| name.as_str());
    let names: Vec<&str> = files.filter(|n| !n.starts_with("rust/")).collect();
    for rust_file in [
        "rust/Cargo.toml",
        "rust/src/lib.rs",
        "rust/forms/antrag/Cargo.toml",
        "rust/forms/antrag/src/lib.rs",
        "rust/runtime/src/formats.rs",
        "rust/shared/src/lib.rs",
    ] {
        assert!(before.contains_key(rust_file), "{rust_file} is generated");
    }
    assert_eq!(
        names,
        [
            ".formwerk-cache.json",
            "html/antrag.en.html",
            "html/antrag.html",
            "ir.schema.json",
            "ir/antrag.json",
            "json-schema/antrag.not-expressed.md",
            "json-schema/antrag.openapi.json",
            "json-schema/antrag.schema.json",
            "manifest.json",
            "other/keep.txt",
            "xdf3/antrag.xdf3.xml"
        ]
    );
    let schema: serde_json::Value =
        serde_json::from_slice(before["json-schema/antrag.schema.json"].as_deref().unwrap()).unwrap();
    assert_eq!(schema["$id"], "https://formwerk.example/schemas/antrag/1.0.0/schema.json");
    let ir: serde_json::Value = serde_json::from_slice(before["ir/antrag.json"].as_deref().unwrap()).unwrap();
    assert_eq!(ir["id"], "antrag");
    let manifest: serde_json::Value = serde_json::from_slice(before["manifest.json"].as_deref().unwrap()).unwrap();
    assert_eq!(manifest["forms"][0]["source"], "forms/antrag.form");
    assert_eq!(
        manifest["forms"][0]["files"],
        serde_json::json!([
            "ir/antrag.json",
            "json-schema/antrag.schema.json",
            "json-schema/antrag.openapi.json",
            "json-schema/antrag.not-expressed.md",
            "rust/forms/antrag/src/lib.rs",
            "rust/forms/antrag/Cargo.toml",
            "html/antrag.html",
            "html/antrag.en.html",
            "xdf3/antrag.xdf3.xml"
        ])
    );

    // Building twice gives identical bytes.
    assert_eq!(formwerk(&["build"], dir.path()).status.code(), Some(0));
    assert_eq!(snapshot_tree(&dir.path().join("generated")), before);

    // A broken form fails the build and leaves every output as it was.
    write(dir.path(), "forms/antrag.form", GOOD.replace("choice of Art", "choice of Artt"));
    write(dir.path(), "forms/zweites.form", GOOD.replace("form antrag", "form zweites"));
    let failed = formwerk(&["build"], dir.path());
    assert_eq!(failed.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&failed.stderr).contains("was not changed"));
    assert_eq!(snapshot_tree(&dir.path().join("generated")), before);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(leftovers.len(), 2, "no staging directory is left behind: {leftovers:?}");

    let unknown = formwerk(&["build", "--emit", "ir,pdf"], dir.path());
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("unknown target `pdf`"));
}

#[test]
fn validate_reports_violations_and_exit_codes() {
    let dir = project();
    write(dir.path(), "valid.json", r#"{"art": "A"}"#);
    write(dir.path(), "invalid.json", r#"{"art": "B", "extra": 1}"#);
    write(dir.path(), "broken.json", "{\n  \"art\": \"A\",\n  oops\n}");
    let valid = formwerk(&["validate", "forms/antrag.form", "valid.json", "--today", "2026-06-15"], dir.path());
    assert_eq!(valid.status.code(), Some(0), "{}", String::from_utf8_lossy(&valid.stderr));
    assert!(String::from_utf8_lossy(&valid.stdout).starts_with("valid: "));

    let invalid =
        formwerk(&["validate", "forms/antrag.form", "invalid.json", "--format", "json", "--lang", "en"], dir.path());
    assert_eq!(invalid.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&invalid.stdout).unwrap();
    assert_eq!(report["valid"], false);
    let found: Vec<(&str, &str)> = report["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["pointer"].as_str().unwrap(), v["code"].as_str().unwrap()))
        .collect();
    assert_eq!(found, [("/extra", "unknown_property"), ("/art", "code_invalid")]);
    assert_eq!(report["violations"][1]["message"], "Please choose one of the options for “Kind”.");

    let broken = formwerk(&["validate", "forms/antrag.form", "broken.json"], dir.path());
    assert_eq!(broken.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&broken.stderr).contains("broken.json` is not valid JSON: 3:3"),
        "{}",
        String::from_utf8_lossy(&broken.stderr)
    );
    let bad_date = formwerk(&["validate", "forms/antrag.form", "valid.json", "--today", "2026-02-30"], dir.path());
    assert_eq!(bad_date.status.code(), Some(2));
}

#[test]
fn examples_are_ndjson_and_deterministic() {
    let dir = project();
    let args =
        ["examples", "forms/antrag.form", "--valid", "3", "--invalid", "4", "--seed", "5", "--today", "2026-06-15"];
    let first = formwerk(&args, dir.path());
    assert_eq!(first.status.code(), Some(0), "{}", String::from_utf8_lossy(&first.stderr));
    let lines: Vec<serde_json::Value> =
        String::from_utf8(first.stdout.clone()).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 7);
    assert!(lines[..3].iter().all(|l| l.get("expect").is_none()));
    assert!(lines[3..].iter().all(|l| l["expect"]["code"].is_string()));
    assert_eq!(formwerk(&args, dir.path()).stdout, first.stdout);
}

#[test]
fn build_emits_html_fragments_and_themes_on_request() {
    let dir = project();
    let built = formwerk(&["build", "--emit", "html,html-fragment", "--theme", "kern"], dir.path());
    assert_eq!(built.status.code(), Some(0), "{}", String::from_utf8_lossy(&built.stderr));
    let page = std::fs::read_to_string(dir.path().join("generated/html/antrag.html")).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>") && page.contains("kern-form-input__input"));
    let fragment = std::fs::read_to_string(dir.path().join("generated/html-fragment/antrag.en.html")).unwrap();
    assert!(fragment.contains("<form ") && !fragment.contains("<html"));
    let unknown = formwerk(&["build", "--theme", "no-such-theme"], dir.path());
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("neither a built-in theme"));
}

/// `formwerk explain | head -1`: when the reader has gone away, the command ends quietly with
/// success (no panic about the closed pipe), as `examples` does; `validate` keeps its verdict. The pipe is closed before the
/// command writes anything, so its first write meets it.
#[cfg(unix)]
#[test]
fn output_into_a_closed_pipe_ends_quietly() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_formwerk"))
        .arg("explain")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked") && !stderr.contains("Broken pipe"), "{stderr}");
    assert!(output.status.success(), "{}: {stderr}", output.status);

    // `formwerk validate … | head`: the verdict stays the exit status (1: invalid).
    let dir = project();
    write(dir.path(), "invalid.json", r#"{"art": "B", "extra": 1}"#);
    let mut child = Command::new(env!("CARGO_BIN_EXE_formwerk"))
        .args(["validate", "forms/antrag.form", "invalid.json"])
        .current_dir(dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked") && !stderr.contains("Broken pipe"), "{stderr}");
    assert_eq!(output.status.code(), Some(1), "{stderr}");
}
