//! The TextMate grammar (`editors/textmate/formwerk.tmLanguage.json`, copied into the VS Code
//! extension) is valid JSON and tokenizes as VS Code does (vscode-textmate on Oniguruma, from
//! the committed lockfile in `tests/textmate/`): a sample with every kind of token is
//! snapshotted, and in every corpus file every token has a scope and none is invalid.

mod common;

use std::path::Path;
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn tokenize(files: &[std::path::PathBuf]) -> String {
    common::npm_ci("tests/textmate", &["vscode-textmate", "vscode-oniguruma"], "the TextMate grammar check");
    let output = Command::new("node")
        .arg(root().join("tests/textmate/tokenize.mjs"))
        .arg(root().join("editors/textmate/formwerk.tmLanguage.json"))
        .args(files)
        .output()
        .expect("node runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn the_grammar_is_json_and_the_extension_has_the_same() {
    let grammar = std::fs::read_to_string(root().join("editors/textmate/formwerk.tmLanguage.json")).unwrap();
    let value: serde_json::Value = serde_json::from_str(&grammar).expect("valid JSON");
    assert_eq!(value["scopeName"], "source.formwerk");
    assert!(value["fileTypes"].as_array().unwrap().contains(&serde_json::json!("form")));
    let copy = std::fs::read_to_string(root().join("editors/vscode/formwerk.tmLanguage.json")).unwrap();
    assert_eq!(copy, grammar, "editors/vscode/formwerk.tmLanguage.json is a copy of editors/textmate's");
}

#[test]
fn a_sample_tokenizes_sensibly() {
    let sample = root().join("tests/textmate/sample.form");
    let tokens = tokenize(&[sample]);
    let tokens = tokens.lines().skip(1).collect::<Vec<_>>().join("\n");
    insta::assert_snapshot!("textmate_sample", tokens);
}

#[test]
fn every_corpus_token_has_a_scope() {
    let mut files = formwerk::driver::find_forms(&root().join("forms")).unwrap();
    files.sort();
    let tokens = tokenize(&files);
    let unscoped: Vec<&str> = tokens.lines().filter(|l| !l.starts_with('#') && l.trim_end().ends_with('→')).collect();
    assert!(unscoped.is_empty(), "tokens without a scope:\n{}", unscoped.join("\n"));
    let invalid: Vec<&str> = tokens.lines().filter(|l| l.contains("invalid")).collect();
    assert!(invalid.is_empty(), "invalid tokens:\n{}", invalid.join("\n"));
    // Spot checks: comments, keywords, strings, dates, operators and paths are recognised.
    for scope in [
        "comment.block.formwerk",
        "comment.line.double-slash.formwerk",
        "keyword.control.import.formwerk",
        "string.quoted.double.formwerk",
        "constant.character.escape.formwerk",
        "constant.other.date.formwerk",
        "constant.numeric.integer.formwerk",
        "keyword.operator.comparison.formwerk",
        "variable.other.member.formwerk",
        "entity.name.type.formwerk",
    ] {
        assert!(tokens.contains(scope), "no token has the scope {scope}");
    }
}
