//! The real-forms corpus in `forms/`: it checks clean, its IR is snapshotted and valid
//! against the published IR schema, `generated/` is up to date, and together the forms use
//! every feature of the language.

use std::collections::BTreeSet;
use std::path::Path;

use formwerk::driver::{self, Session};
use formwerk::emit::Target;

fn session() -> Session {
    // Relative paths, as `cargo run -- build` uses them (tests run in the package root).
    driver::check_paths(&[Path::new("forms").to_path_buf()], Some(Path::new("forms"))).expect("forms/ loads")
}

#[test]
fn corpus_checks_clean() {
    let session = session();
    let rendered = formwerk::diag::render::render_all(
        &session.db,
        &session.checked.diagnostics,
        formwerk::diag::render::RenderOptions::plain(),
    );
    assert!(session.checked.diagnostics.is_empty(), "the corpus must check without any diagnostic:\n{rendered}");
    assert!(session.checked.forms.len() >= 6, "the corpus has at least six forms");
}

#[test]
fn ir_of_every_corpus_form() {
    for (_, form) in &session().checked.forms {
        let json = serde_json::to_string_pretty(form).unwrap();
        insta::assert_snapshot!(format!("ir_{}", form.id), json);
    }
}

#[test]
fn json_schema_of_every_corpus_form() {
    for (_, form) in &session().checked.forms {
        let schema = formwerk::emit::json_schema::form_schema(form, "https://formwerk.example/schemas");
        insta::assert_snapshot!(format!("json_schema_{}", form.id), serde_json::to_string_pretty(&schema).unwrap());
    }
}

#[test]
fn every_ir_validates_against_the_published_schema() {
    let schema_text = std::fs::read_to_string("generated/ir.schema.json").expect("generated/ir.schema.json exists");
    let schema: serde_json::Value = serde_json::from_str(&schema_text).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the IR schema is a valid JSON Schema");
    for (_, form) in &session().checked.forms {
        let instance = serde_json::to_value(form).unwrap();
        let errors: Vec<String> =
            validator.iter_errors(&instance).map(|e| format!("{} at {}", e, e.instance_path())).collect();
        assert!(errors.is_empty(), "IR of `{}` does not match ir.schema.json:\n{}", form.id, errors.join("\n"));
        // And it reads back into the same IR.
        let back: formwerk::ir::Form = serde_json::from_value(instance).unwrap();
        assert_eq!(&back, form);
    }
}

#[test]
fn generated_is_up_to_date() {
    let out = Path::new("generated");
    if std::env::var_os("UPDATE_GENERATED").is_some() {
        match driver::build(Path::new("forms"), out, Target::ALL, &Default::default()).unwrap() {
            driver::BuildOutcome::Built { .. } => {}
            driver::BuildOutcome::Failed(_) => panic!("the corpus has errors"),
        }
    }
    let session = session();
    let files = driver::generate(&session, Target::ALL, &Default::default()).expect("the default theme renders");
    let mut stale = Vec::new();
    for file in &files {
        let current = std::fs::read(out.join(&file.path)).unwrap_or_default();
        if current != file.contents {
            stale.push(file.path.clone());
        }
    }
    let expected: BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    for target in Target::ALL {
        let mut stack = vec![out.join(target.directory())];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).into_iter().flatten() {
                let entry = entry.unwrap().path();
                if entry.is_dir() {
                    stack.push(entry);
                    continue;
                }
                let path = entry.strip_prefix(out).unwrap().to_string_lossy().replace('\\', "/");
                if !expected.contains(path.as_str()) {
                    stale.push(format!("{path} (no longer generated)"));
                }
            }
        }
    }
    assert!(
        stale.is_empty(),
        "generated/ is stale: {stale:?}\nrun `cargo run -- build` (or `UPDATE_GENERATED=1 cargo test --test corpus`) and commit the result"
    );
}

/// Collects every value of the given keys anywhere in a JSON tree.
fn values_of(value: &serde_json::Value, key: &str, out: &mut BTreeSet<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                if k == key {
                    match v {
                        serde_json::Value::String(s) => {
                            out.insert(s.clone());
                        }
                        other => {
                            out.insert(other.to_string());
                        }
                    }
                }
                values_of(v, key, out);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|i| values_of(i, key, out)),
        _ => {}
    }
}

#[test]
fn corpus_uses_every_language_feature() {
    let session = session();
    let forms: Vec<serde_json::Value> =
        session.checked.forms.iter().map(|(_, f)| serde_json::to_value(f).unwrap()).collect();
    let all = serde_json::Value::Array(forms.clone());
    let collect = |key: &str| {
        let mut out = BTreeSet::new();
        values_of(&all, key, &mut out);
        out
    };
    let require = |what: &str, found: &BTreeSet<String>, wanted: &[&str]| {
        let missing: Vec<&&str> = wanted.iter().filter(|w| !found.contains(**w)).collect();
        assert!(missing.is_empty(), "the corpus uses no {what} {missing:?}");
    };
    require(
        "field/item kind",
        &collect("kind"),
        &[
            "text",
            "multiline",
            "integer",
            "decimal",
            "money",
            "boolean",
            "date",
            "email",
            "phone",
            "iban",
            "postcode",
            "file",
            "files",
            "choice",
            "multiple_choice",
            "field",
            "group",
            "repeat",
            "info",
            "number",
            "today",
        ],
    );
    require(
        "expression",
        &collect("op"),
        &[
            "literal",
            "today",
            "field",
            "not",
            "and",
            "or",
            "compare",
            "arith",
            "shift_date",
            "in",
            "contains",
            "is_set",
            "is_empty",
            "count",
            "aggregate",
            "any",
            "all",
        ],
    );
    require("comparison", &collect("cmp"), &["eq", "ne", "lt", "le", "gt", "ge"]);
    require("arithmetic", &collect("arith"), &["add", "sub", "mul"]);
    require("aggregate", &collect("func"), &["sum", "min", "max"]);
    require("date unit", &collect("unit"), &["days", "months", "years"]);
    require("requirement", &collect("mode"), &["always", "never", "when"]);
    require("control", &collect("control"), &["radios", "select", "checkbox"]);
    for key in ["min_length", "max_length", "pattern", "min", "max", "decimals", "accept", "max_size", "message"] {
        assert!(!collect(key).is_empty(), "the corpus uses no `{key}`");
    }
    for key in ["max_count", "max_total"] {
        assert!(!collect(key).is_empty(), "the corpus uses no `{key}`");
    }
    require("rule severity", &collect("severity"), &["warning"]);
    for key in [
        "visible",
        "hint",
        "fim",
        "of",
        "item_label",
        "autocomplete",
        "description",
        "urn",
        "must_be_true",
        "required_message",
        "extends",
    ] {
        assert!(!collect(key).is_empty(), "the corpus uses no `{key}`");
    }
    let autocomplete = collect("autocomplete");
    assert!(autocomplete.iter().any(|a| a.starts_with("section-")), "no `section-…` autocomplete");
    let modules = collect("module");
    assert!(modules.iter().any(|m| m.starts_with("common.")), "no code list or type from a common module");
    assert!(modules.iter().any(|m| !m.contains('.')), "no code list declared in a form file");

    let typed = &session.checked.forms;
    assert!(typed.iter().any(|(_, f)| f.fim.is_some()), "no form with a FIM id");
    assert!(typed.iter().filter(|(_, f)| f.pages.len() > 1).count() >= 3, "fewer than three multi-page forms");
    assert!(typed.iter().any(|(_, f)| f.pages.iter().any(|p| p.visible.is_some())), "no conditional section");
    assert!(typed.iter().any(|(_, f)| f.rules.iter().any(|r| !r.scope.is_empty())), "no rule inside a repeat");
    assert!(typed.iter().any(|(_, f)| f.languages.len() == 2), "no bilingual form");

    let nested_group = forms.iter().any(|f| {
        let mut inner = BTreeSet::new();
        for page in f["pages"].as_array().unwrap() {
            for item in page["items"].as_array().unwrap() {
                if item["kind"] == "group" {
                    values_of(&item["items"], "kind", &mut inner);
                }
            }
        }
        inner.contains("group")
    });
    assert!(nested_group, "no group nested in a group");
    let repeat_bounds = typed
        .iter()
        .flat_map(|(_, f)| f.items())
        .any(|i| matches!(i, formwerk::ir::Item::Repeat(r) if r.min > 0 && r.max.is_some()));
    assert!(repeat_bounds, "no top-level repeat with both a minimum and a maximum");
    let mut fields = Vec::new();
    for (_, form) in typed {
        formwerk::validate::for_each_field(form, &mut |f| fields.push(f.clone()));
    }
    assert!(fields.iter().any(|f| f.unit.is_some()), "no field with a `unit`");
    let whole_euros =
        |f: &formwerk::ir::Field| f.ty == formwerk::ir::FieldType::Money && f.constraints.decimals == Some(0);
    assert!(fields.iter().any(whole_euros), "no money field in whole euros (`decimals 0`)");
    let interpolated = |text: &formwerk::ir::Text| text.values().any(|t| !formwerk::ir::template::fields(t).is_empty());
    assert!(fields.iter().any(|f| interpolated(&f.label)), "no label that names another answer");
    fn infos<'f>(items: &'f [formwerk::ir::Item], out: &mut Vec<&'f formwerk::ir::Info>) {
        for item in items {
            match item {
                formwerk::ir::Item::Info(info) => out.push(info),
                other => infos(other.children(), out),
            }
        }
    }
    let mut all_infos = Vec::new();
    for (_, form) in typed {
        form.pages.iter().for_each(|page| infos(&page.items, &mut all_infos));
    }
    assert!(all_infos.iter().any(|i| interpolated(&i.text)), "no info that names another answer");

    let sources: String = (0..session.db.ids().count())
        .map(|i| session.db.get(formwerk::source::FileId(i as u32)).text.clone())
        .collect();
    assert!(sources.contains("//") && sources.contains("/*"), "the corpus uses no line or block comment");
}
