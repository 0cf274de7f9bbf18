//! Overlays (`form a extends b`): the projection onto the base, the overlay check, and what the
//! built artifacts say about the base.
//!
//! - For generated valid examples of every corpus overlay, the projection (additions removed)
//!   is valid for the base, and it removes exactly the additions (property over the examples
//!   generator's output, with the reference validator).
//! - The artifacts of the corpus overlay carry the base's id and version: IR, JSON Schema,
//!   manifest and the generated Rust crate (with its projection function).
//! - The overlay check (`E0463`, `W0012`) on an overlay's IR changed by hand, since no source
//!   can reach it past the checker's refusals.

mod common;

use formwerk::examples;
use formwerk::ir;
use formwerk::validate::{Compiled, Options};
use formwerk::value::Date;

fn options() -> Options {
    Options { today: Date::parse("2026-06-15").unwrap() }
}

/// Every member path of a JSON value (through arrays).
fn paths(value: &serde_json::Value, at: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match value {
        serde_json::Value::Object(object) => {
            for (key, child) in object {
                at.push(key.clone());
                out.push(at.clone());
                paths(child, at, out);
                at.pop();
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                paths(item, at, out);
            }
        }
        _ => {}
    }
}

#[test]
fn projected_examples_of_every_overlay_are_valid_for_the_base() {
    let corpus = common::corpus();
    let overlays: Vec<&ir::Form> = corpus.iter().filter(|f| f.extends.is_some()).collect();
    assert!(!overlays.is_empty(), "the corpus has an overlay");
    for overlay in overlays {
        let extends = overlay.extends.as_ref().unwrap();
        let base = corpus.iter().find(|f| f.id == extends.id).expect("the base is a corpus form");
        assert_eq!(base.version, extends.version);
        let (compiled_overlay, compiled_base) = (Compiled::new(overlay), Compiled::new(base));
        let made = examples::generate(&compiled_overlay, 300, 0, 11, &options());
        assert_eq!(made.len(), 300, "{}: not enough examples", overlay.id);
        let mut n_with_additions = 0;
        for example in made {
            assert!(compiled_overlay.validate(&example.submission, &options()).violations.is_empty());
            let projected = formwerk::overlay::project_submission(overlay, &example.submission);
            let report = compiled_base.validate(&projected, &options());
            assert!(
                report.violations.is_empty(),
                "{}: the projection is not valid for `{}`: {:?}\n{projected}",
                overlay.id,
                base.id,
                report.violations.iter().map(|v| (&v.pointer, &v.code)).collect::<Vec<_>>()
            );
            // Exactly the additions are gone: every other member is kept.
            let (mut before, mut after) = (Vec::new(), Vec::new());
            paths(&example.submission, &mut Vec::new(), &mut before);
            paths(&projected, &mut Vec::new(), &mut after);
            let removed: Vec<&Vec<String>> = before.iter().filter(|p| !after.contains(p)).collect();
            n_with_additions += usize::from(!removed.is_empty());
            for path in &removed {
                assert!(
                    extends.is_addition(path),
                    "{}: `{}` was removed but is no addition",
                    overlay.id,
                    path.join(".")
                );
            }
            assert!(after.iter().all(|p| !extends.is_addition(p)), "{}: an addition is left", overlay.id);
        }
        assert!(n_with_additions > 0, "{}: no example holds an addition", overlay.id);
    }
}

#[test]
fn the_projection_never_fails_on_other_shapes() {
    let overlay = common::corpus_form("wohngeld_sachsen");
    for value in [
        serde_json::json!(null),
        serde_json::json!([1, 2]),
        serde_json::json!({"behoerde": "14612", "bescheid_sorbisch": true, "x": 1}),
        serde_json::json!({"behoerde": {"deep": [1]}, "anschrift": "text"}),
    ] {
        let projected = formwerk::overlay::project_submission(&overlay, &value);
        if let Some(object) = projected.as_object() {
            assert!(!object.contains_key("behoerde") && !object.contains_key("bescheid_sorbisch"));
        } else {
            assert_eq!(projected, value);
        }
    }
    let text =
        formwerk::runtime::project::project_json(r#"{"behoerde":"14612","beginn":"2026-07-01"}"#, &[&["behoerde"]]);
    assert_eq!(text.unwrap(), r#"{"beginn":"2026-07-01"}"#);
    assert!(formwerk::runtime::project::project_json("{", &[&["behoerde"]]).is_err());
}

#[test]
fn the_artifacts_of_an_overlay_carry_the_base_id_and_version() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let overlay = common::corpus_form("wohngeld_sachsen");
    let base = common::corpus_form("wohngeld");
    let extends = overlay.extends.as_ref().expect("an overlay");
    assert_eq!((extends.id.as_str(), extends.version.as_str()), ("wohngeld", base.version.as_str()));
    assert!(extends.additions.contains(&vec!["behoerde".to_string()]));
    assert!(extends.additions.contains(&vec!["bescheid_sorbisch".to_string()]));
    let read = |path: &str| std::fs::read_to_string(root.join(path)).unwrap();
    // The built IR.
    let ir: serde_json::Value = serde_json::from_str(&read("generated/ir/wohngeld_sachsen.json")).unwrap();
    assert_eq!(ir["extends"]["id"], "wohngeld");
    assert_eq!(ir["extends"]["version"], base.version.as_str());
    // The JSON Schema.
    let schema: serde_json::Value =
        serde_json::from_str(&read("generated/json-schema/wohngeld_sachsen.schema.json")).unwrap();
    assert_eq!(schema["x-formwerk-extends"]["id"], "wohngeld");
    assert_eq!(schema["x-formwerk-extends"]["version"], base.version.as_str());
    // The manifest.
    let manifest: serde_json::Value = serde_json::from_str(&read("generated/manifest.json")).unwrap();
    let entry = manifest["forms"].as_array().unwrap().iter().find(|f| f["id"] == "wohngeld_sachsen").unwrap();
    assert_eq!(entry["extends"], serde_json::json!({"id": "wohngeld", "version": base.version}));
    let plain = manifest["forms"].as_array().unwrap().iter().find(|f| f["id"] == "wohngeld").unwrap();
    assert!(plain.get("extends").is_none());
    // The generated Rust crate: constants and the projection.
    let crate_dir = root.join("generated/rust/forms/wohngeld_sachsen/src");
    let rust: String = std::fs::read_dir(&crate_dir)
        .unwrap()
        .map(|entry| std::fs::read_to_string(entry.unwrap().path()).unwrap_or_default())
        .collect();
    assert!(rust.contains("pub const BASE_ID: &str = \"wohngeld\";"), "{rust}");
    assert!(rust.contains(&format!("pub const BASE_VERSION: &str = \"{}\";", base.version)));
    assert!(rust.contains("pub fn project_to_base(json: &str)"));
    assert!(rust.contains("\"behoerde\""));
}

/// Checks the corpus overlay with its base as a fixture (the files of `forms/`).
fn checked_corpus_overlay() -> formwerk::check::Checked {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("forms");
    let mut fixture = String::new();
    for path in ["wohngeld_sachsen.form", "wohngeld.form", "common/person.form", "common/address.form"]
        .into_iter()
        .chain(["common/contact.form", "common/bank.form", "common/codes.form"])
    {
        fixture.push_str(&format!("//- /{path}\n{}\n", std::fs::read_to_string(root.join(path)).unwrap()));
    }
    let (_, checked) = common::check_fixture(&fixture);
    assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
    checked
}

#[test]
fn the_overlay_check_refuses_a_projection_the_base_does_not_accept() {
    let mut checked = checked_corpus_overlay();
    assert!(formwerk::overlay::verify(&checked).is_empty(), "the corpus overlay passes its check");
    let (_, overlay) = checked.forms.iter_mut().find(|(_, f)| f.id == "wohngeld_sachsen").unwrap();
    // A longer reference number than the base allows (as if `member` could loosen): E0463.
    let mut loosened = overlay.clone();
    let Some(ir::Item::Field(field)) =
        loosened.pages.iter_mut().flat_map(|p| p.items.iter_mut()).find(|i| i.name() == "aktenzeichen")
    else {
        panic!("no aktenzeichen")
    };
    field.constraints.max_length = Some(40);
    let findings = formwerk::overlay::findings(&loosened, &checked.bases["wohngeld"]);
    let errors: Vec<&str> =
        findings.iter().filter(|f| f.severity == formwerk::compat::Severity::Error).map(|f| f.rule).collect();
    assert_eq!(errors, ["length-tightened"]);
    // A changed condition cannot be decided: W0012.
    let mut conditional = overlay.clone();
    let Some(ir::Item::Field(field)) =
        conditional.pages.iter_mut().flat_map(|p| p.items.iter_mut()).find(|i| i.name() == "beginn")
    else {
        panic!("no beginn")
    };
    field.visible = Some(ir::Expr::Literal { value: ir::Literal::Bool(true) });
    *overlay = loosened;
    let codes: Vec<&str> = formwerk::overlay::verify(&checked).iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["E0463"]);
    let (_, overlay) = checked.forms.iter_mut().find(|(_, f)| f.id == "wohngeld_sachsen").unwrap();
    *overlay = conditional;
    let diagnostics = formwerk::overlay::verify(&checked);
    let codes: Vec<&str> = diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["W0012"], "{diagnostics:?}");
    // Skipped with a reason.
    let (_, overlay) = checked.forms.iter_mut().find(|(_, f)| f.id == "wohngeld_sachsen").unwrap();
    overlay.extends.as_mut().unwrap().unchecked = Some("Übergang".to_string());
    assert!(formwerk::overlay::verify(&checked).is_empty());
}

#[test]
fn the_projected_ir_is_the_base_without_the_additions() {
    let overlay = common::corpus_form("wohngeld_sachsen");
    let projected = formwerk::overlay::project_form(&overlay);
    assert_eq!(projected.id, "wohngeld");
    assert!(projected.extends.is_none());
    let names: Vec<&str> = projected.items().map(ir::Item::name).collect();
    assert!(!names.contains(&"behoerde") && !names.contains(&"bescheid_sorbisch"));
    let base = common::corpus_form("wohngeld");
    assert_eq!(names, base.items().map(ir::Item::name).collect::<Vec<_>>());
}
