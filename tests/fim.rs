//! FIM XDatenfelder import and export, on the real samples in `tests/fim/samples/`:
//! every XDF 2.0 and 3.0.0 sample imports, checks clean and builds every target; XDF 1.0 is
//! refused with a clear error; exported XDF 3.0.0 (of the corpus and of every import)
//! validates against the official XSD (`xmllint`, Debian `libxml2-utils`); import → export →
//! import keeps the IR of every XDF3 sample; the imported source of four samples is
//! snapshotted so reviewers can read it.

use std::path::{Path, PathBuf};
use std::process::Command;

use formwerk::emit::{self, Target};
use formwerk::fim::{self, ImportError, Library};
use formwerk::ir;

#[path = "fim/compare.rs"]
mod compare;
#[path = "fim/rules.rs"]
mod rules;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every XDF2 and XDF3 sample, sorted.
fn samples() -> Vec<PathBuf> {
    let mut found = Vec::new();
    for dir in ["xdf2", "xdf3"] {
        for entry in std::fs::read_dir(root().join("tests/fim/samples").join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "xml") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// The genericode lists shipped with an XDF2 sample (`codelists/<schema>/`).
fn library_for(sample: &Path) -> Library {
    let stem = sample.file_stem().unwrap().to_string_lossy().replace("_xdf2", "");
    let dir = root().join("tests/fim/samples/xdf2/codelists").join(stem);
    if dir.is_dir() {
        let (library, skipped) = Library::load(&dir).unwrap();
        assert!(skipped.is_empty(), "{skipped:?}");
        library
    } else {
        Library::default()
    }
}

fn name_of(sample: &Path) -> String {
    sample.file_stem().unwrap().to_string_lossy().into_owned()
}

/// Imports, checks and returns the source and the checked IR; panics with the diagnostics
/// if the checker finds an error.
fn import_and_check(xml: &str, library: &Library, what: &str) -> (fim::Imported, ir::Form) {
    let imported = fim::import(xml, library).unwrap_or_else(|e| panic!("{what}: {e}"));
    let (db, checked) = fim::check_source_with(&format!("{}.form", imported.form_name), &imported.source, library);
    if checked.has_errors() {
        let rendered = formwerk::diag::render::render_all(
            &db,
            &checked.diagnostics,
            formwerk::diag::render::RenderOptions::plain(),
        );
        panic!("{what}: the imported source has errors:\n{rendered}");
    }
    assert!(checked.diagnostics.is_empty(), "{what}: the imported source has warnings: {:?}", checked.diagnostics);
    let form = checked.forms.into_iter().next().expect("the import declares a form").1;
    (imported, form)
}

#[test]
fn every_sample_imports_checks_clean_and_builds_every_target() {
    let mut table = String::from(
        "| sample | fields | groups | code lists | of these external | references unresolved | rules translated | rules kept as comments | shared group types | reused groups inline | warnings |\n|---|---|---|---|---|---|---|---|---|---|---|\n",
    );
    let mut details = String::new();
    let mut shapes: std::collections::BTreeMap<&str, (usize, usize)> = std::collections::BTreeMap::new();
    for sample in samples() {
        let name = name_of(&sample);
        let xml = std::fs::read_to_string(&sample).unwrap();
        let (imported, form) = import_and_check(&xml, &library_for(&sample), &name);
        let report = &imported.report;
        assert!(report.fields > 0 && report.groups > 0, "{name}: {report}");
        table.push_str(&format!(
            "| {name} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
            report.fields,
            report.groups,
            report.codelists,
            report.codelists_external,
            report.codelists_unresolved,
            report.rules_translated,
            report.rules,
            report.shared_types,
            report.groups_inline.len(),
            report.warnings.len()
        ));
        for inline in &report.groups_inline {
            details.push_str(&format!("{name}: reused group printed at each use: {inline}\n"));
        }
        for (shape, (translated, kept)) in &report.shapes {
            let entry = shapes.entry(*shape).or_insert((0, 0));
            entry.0 += translated;
            entry.1 += kept;
        }
        for warning in &report.warnings {
            details.push_str(&format!("{name}: {warning}\n"));
        }
        let bundle = ir::Bundle { forms: vec![form] };
        for target in Target::ALL {
            let files = emit::emit(&bundle, *target, &Default::default()).expect("every target emits");
            assert!(!files.is_empty(), "{name}: no output for {}", target.name());
        }
    }
    table.push_str("\n| rule shape | translated | kept as comments |\n|---|---|---|\n");
    for (shape, (translated, kept)) in &shapes {
        table.push_str(&format!("| {shape} | {translated} | {kept} |\n"));
    }
    insta::assert_snapshot!("import_reports", format!("{table}\n{details}"));
}

#[test]
fn every_sample_imported_into_one_folder_checks_and_builds_together() {
    // Form names start with the schema id, so imports of different schemas never share one
    // (before, 35 of 91 real imports took the same first title words and collided, E0204).
    let dir = tempfile::tempdir().unwrap();
    let mut names = std::collections::BTreeSet::new();
    for sample in samples() {
        let xml = std::fs::read_to_string(&sample).unwrap();
        let imported = fim::import(&xml, &library_for(&sample)).unwrap();
        let id = name_of(&sample).split(['V', '_']).next().unwrap().to_ascii_lowercase();
        assert!(imported.form_name.starts_with(&format!("{id}_")), "{}: {}", name_of(&sample), imported.form_name);
        assert!(names.insert(imported.form_name.clone()), "two samples import as `{}`", imported.form_name);
        std::fs::write(dir.path().join(format!("{}.form", imported.form_name)), &imported.source).unwrap();
    }
    // The lists of every sample in one code-list directory: the same URN and version twice
    // (staat 2020-05-11 ships with two samples) is accepted because the codes are the same.
    let codelists = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(root().join("tests/fim/samples/xdf2/codelists")).unwrap() {
        let sample_dir = entry.unwrap().path();
        for list in std::fs::read_dir(&sample_dir).unwrap() {
            let list = list.unwrap().path();
            let name = format!("{}_{}", name_of(&sample_dir), list.file_name().unwrap().to_string_lossy());
            std::fs::copy(&list, codelists.path().join(name)).unwrap();
        }
    }
    let session =
        formwerk::driver::check_paths_with(&[dir.path().to_path_buf()], Some(dir.path()), Some(codelists.path()))
            .unwrap();
    let errors: Vec<_> = session.checked.diagnostics.iter().map(|d| format!("{:?}: {}", d.code, d.message)).collect();
    assert!(!session.checked.has_errors(), "{errors:#?}");
    assert_eq!(session.checked.forms.len(), names.len());
    let bundle = ir::Bundle { forms: session.checked.forms.into_iter().map(|(_, form)| form).collect() };
    for target in Target::ALL {
        let files = emit::emit(&bundle, *target, &Default::default()).expect("every target emits");
        assert!(!files.is_empty(), "no output for {}", target.name());
    }
}

#[test]
fn form_names_are_stable_across_versions_of_one_schema() {
    let xml = xdf3("");
    let first = fim::import(&xml, &Library::default()).unwrap().form_name;
    let other_version = xml.replace("<xdf:version>1.0.0</xdf:version>", "<xdf:version>2.1.0</xdf:version>");
    assert_eq!(fim::import(&other_version, &Library::default()).unwrap().form_name, first);
    assert_eq!(first, "s12345678_testantrag");
    let other_schema = xml.replace("S12345678", "S12345679");
    assert_eq!(fim::import(&other_schema, &Library::default()).unwrap().form_name, "s12345679_testantrag");
}

#[test]
fn xdf1_is_refused_as_an_unsupported_version() {
    let xml = std::fs::read_to_string(root().join("tests/fim/samples/xdf1/S00000036_xdf1.xml")).unwrap();
    let error = fim::import(&xml, &Library::default()).err().expect("XDF 1.0 is refused");
    assert_eq!(error, ImportError::UnsupportedVersion("1.0".to_string()));
    assert!(error
        .to_string()
        .starts_with("unsupported XDatenfelder version 1.0: import reads XDatenfelder 2.0 and 3.0.0"));
}

#[test]
fn files_that_are_not_schemas_are_refused() {
    let library = Library::default();
    assert!(matches!(fim::import("<a>", &library), Err(ImportError::Xml(_))));
    assert!(matches!(fim::import("<form xmlns=\"urn:x\"/>", &library), Err(ImportError::NotASchema(_))));
    let other = "<x:xdatenfelder.stammdatenschema.0102 xmlns:x=\"urn:xoev-de:fim:standard:xdatenfelder_4\"/>";
    assert!(matches!(fim::import(other, &library), Err(ImportError::UnsupportedVersion(_))));
}

#[test]
fn import_export_import_keeps_the_ir_of_every_xdf3_sample() {
    for sample in samples().into_iter().filter(|s| name_of(s).ends_with("_xdf3")) {
        let name = name_of(&sample);
        let xml = std::fs::read_to_string(&sample).unwrap();
        let (_, first) = import_and_check(&xml, &Library::default(), &name);
        let exported = emit::xdf3::document(&first);
        let (_, second) = import_and_check(&exported, &Library::default(), &format!("{name} (exported)"));
        let differences =
            json_differences(&serde_json::to_value(&first).unwrap(), &serde_json::to_value(&second).unwrap(), "");
        assert!(
            differences.is_empty(),
            "{name}: the IR changed in import → export → import:\n{}",
            differences.join("\n")
        );
        assert_eq!(first, second, "{name}: the IR changed in import → export → import");
    }
}

#[test]
fn export_of_every_xdf3_import_keeps_every_property_the_language_carries() {
    // What is left out, and why, is listed in `compare::NOT_COMPARED`.
    assert!(!compare::NOT_COMPARED.is_empty());
    let mut report = String::new();
    for sample in samples().into_iter().filter(|s| name_of(s).ends_with("_xdf3")) {
        let name = name_of(&sample);
        let xml = std::fs::read_to_string(&sample).unwrap();
        let (_, form) = import_and_check(&xml, &Library::default(), &name);
        let exported = emit::xdf3::document(&form);
        let (original, again) = (compare::properties(&xml), compare::properties(&exported));
        assert!(original.len() > 20, "{name}: the walk found only {} properties", original.len());
        let differences = compare::differences(&original, &again);
        if !differences.is_empty() {
            report.push_str(&format!(
                "{name}: {} properties differ\n  {}\n",
                differences.len(),
                differences.iter().take(40).cloned().collect::<Vec<_>>().join("\n  ")
            ));
        }
    }
    assert!(report.is_empty(), "import → export changed properties:\n{report}");
}

#[test]
fn an_xdf2_import_exports_the_metadata_xdf3_can_hold() {
    // XDF 2.0 shares the structure of 3.0.0; these properties have the same name in both.
    const CARRIED: [&str; 7] =
        ["/name", "/definition", "/bezug", "/bezeichnungAusgabe", "/hilfetextAusgabe", "/schemaelementart", "/anzahl"];
    for sample in samples().into_iter().filter(|s| name_of(s).ends_with("_xdf2")) {
        let name = name_of(&sample);
        let xml = std::fs::read_to_string(&sample).unwrap();
        let (_, form) = import_and_check(&xml, &Library::default(), &name);
        let exported = emit::xdf3::document(&form);
        let (original, again) = (compare::properties(&xml), compare::properties(&exported));
        // An element whose id has no FIM shape (`F00-4cb0…`) gets no `fim` statement, so
        // nothing to carry metadata: the import says so with a warning.
        let fim_shaped = |key: &str| {
            key.split('/')
                .filter_map(|s| s.split_once('@').map(|(id, _)| id))
                .all(|id| id.len() >= 6 && id[1..].bytes().all(|b| b.is_ascii_digit()))
        };
        let carried = |map: &std::collections::BTreeMap<String, String>| {
            map.iter()
                .filter(|(k, _)| CARRIED.iter().any(|c| k.ends_with(c)) && !k.contains("/regel:") && fim_shaped(k))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect::<std::collections::BTreeMap<_, _>>()
        };
        let present = carried(&original);
        assert!(
            present.keys().any(|k| k.ends_with("/definition")) && present.keys().any(|k| k.ends_with("/bezug")),
            "{name}: the sample has metadata"
        );
        let mut exported = carried(&again);
        exported.retain(|k, _| present.contains_key(k));
        let differences = compare::differences(&present, &exported);
        assert!(differences.is_empty(), "{name}: metadata lost in the export:\n{}", differences.join("\n"));
    }
}

#[test]
fn an_element_whose_label_is_a_question_is_named_after_its_technical_name() {
    let sample = root().join("tests/fim/samples/xdf3/S00000000364V1.0.0_xdf3.xml");
    let (imported, form) = import_and_check(&std::fs::read_to_string(sample).unwrap(), &Library::default(), "364");
    // F00000003445: label "Weicht die Ausgabestelle von der Anschrift des Unternehmens ab?",
    // technical name "Abweichende Ausgabestelle".
    let field = form.items().find(|i| i.name() == "abweichende_ausgabestelle").expect(&imported.source);
    let ir::Item::Field(field) = field else { panic!("{field:?}") };
    assert_eq!(field.label["de"], "Weicht die Ausgabestelle von der Anschrift des Unternehmens ab?");
    assert!(!imported.source.contains("weicht_ausgabestelle"), "{}", imported.source);
    // A short label that is no question still names its element (F60000000319 "Eingetragener Name").
    assert!(form.items().any(|i| i.name() == "eingetragener_name"));
}

#[test]
fn the_structural_comparison_reports_a_changed_property() {
    let sample = samples().into_iter().find(|s| name_of(s).ends_with("_xdf3")).unwrap();
    let xml = std::fs::read_to_string(&sample).unwrap();
    let original = compare::properties(&xml);
    let changed = xml.replacen("</xdf3:bezug>", " geändert</xdf3:bezug>", 1);
    assert_ne!(changed, xml);
    let differences = compare::differences(&original, &compare::properties(&changed));
    assert_eq!(differences.len(), 1, "{differences:?}");
    assert!(differences[0].contains("/bezug: "), "{differences:?}");
    // A rule that is lost shows with every property it had.
    let start = xml.find("<xdf3:regel>").expect("the sample has a rule");
    let end = xml[start..].find("</xdf3:regel>").unwrap() + start + "</xdf3:regel>".len();
    let without_rule = format!("{}{}", &xml[..start], &xml[end..]);
    let differences = compare::differences(&original, &compare::properties(&without_rule));
    assert!(differences.iter().any(|d| d.contains("/regel:R") && d.ends_with("≠ —")), "{differences:?}");
}

/// The JSON pointers where two values differ (at most 20), with both values, shortened.
fn json_differences(a: &serde_json::Value, b: &serde_json::Value, at: &str) -> Vec<String> {
    use serde_json::Value;
    let mut out = Vec::new();
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for key in x.keys().chain(y.keys().filter(|k| !x.contains_key(*k))) {
                let (left, right) = (x.get(key).unwrap_or(&Value::Null), y.get(key).unwrap_or(&Value::Null));
                out.extend(json_differences(left, right, &format!("{at}/{key}")));
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            if x.len() != y.len() {
                out.push(format!("{at}: {} items ≠ {} items", x.len(), y.len()));
            }
            for (i, (left, right)) in x.iter().zip(y).enumerate() {
                out.extend(json_differences(left, right, &format!("{at}/{i}")));
            }
        }
        _ if a != b => {
            let short = |v: &Value| v.to_string().chars().take(200).collect::<String>();
            out.push(format!("{at}: {} ≠ {}", short(a), short(b)));
        }
        _ => {}
    }
    out.truncate(20);
    out
}

/// `xmllint` (Debian's libxml2-utils) for the XSD checks; `None` (skip, with a message) only
/// outside CI when it is not installed. `.ci/run` installs it.
fn xmllint() -> Option<Command> {
    let found = Command::new("xmllint").arg("--version").output().is_ok();
    if !found {
        assert!(std::env::var_os("CI").is_none(), "xmllint is missing; .ci/run installs Debian's libxml2-utils");
        eprintln!("skipping the XSD check: no `xmllint` (install Debian's libxml2-utils; CI does)");
        return None;
    }
    Some(Command::new("xmllint"))
}

/// Validates XML files against the official XDatenfelder 3.0.0 XSD with `xmllint`.
fn assert_valid_xdf3(files: &[(String, String)]) {
    let dir = tempfile::tempdir().unwrap();
    let mut paths = Vec::new();
    for (name, xml) in files {
        let path = dir.path().join(format!("{name}.xml"));
        std::fs::write(&path, xml).unwrap();
        paths.push(path);
    }
    let Some(mut xmllint) = xmllint() else { return };
    let output = xmllint
        .arg("--noout")
        .arg("--schema")
        .arg(root().join("tests/fim/xsd/xdf3.0.0/xdatenfelder.xsd"))
        .args(&paths)
        .output()
        .expect("xmllint runs (install Debian's libxml2-utils)");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "exported XDF3 does not validate:\n{stderr}");
    assert_eq!(stderr.matches(" validates").count(), files.len(), "{stderr}");
}

#[test]
fn exported_xdf3_of_the_corpus_validates_against_the_official_xsd() {
    let forms = root().join("forms");
    let session = formwerk::driver::check_paths(std::slice::from_ref(&forms), Some(&forms)).unwrap();
    assert!(!session.checked.has_errors());
    let files: Vec<(String, String)> =
        session.checked.forms.iter().map(|(_, form)| (form.id.clone(), emit::xdf3::document(form))).collect();
    assert!(files.len() >= 6);
    assert_valid_xdf3(&files);
}

#[test]
fn exported_xdf3_of_every_imported_sample_validates_against_the_official_xsd() {
    let mut files = Vec::new();
    for sample in samples() {
        let name = name_of(&sample);
        let xml = std::fs::read_to_string(&sample).unwrap();
        let (_, form) = import_and_check(&xml, &library_for(&sample), &name);
        files.push((name, emit::xdf3::document(&form)));
    }
    assert_valid_xdf3(&files);
}

#[test]
fn the_xsd_check_rejects_what_it_should() {
    // The validation above can fail: a schema without its required `struktur` is invalid.
    let forms = root().join("forms");
    let session = formwerk::driver::check_paths(std::slice::from_ref(&forms), Some(&forms)).unwrap();
    let xml = emit::xdf3::document(&session.checked.forms[0].1);
    let start = xml.find("    <xdf:struktur>").unwrap();
    let end = xml.rfind("</xdf:struktur>\n").unwrap() + "</xdf:struktur>\n".len();
    let broken = format!("{}{}", &xml[..start], &xml[end..]);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.xml");
    std::fs::write(&path, broken).unwrap();
    let Some(mut xmllint) = xmllint() else { return };
    let status = xmllint
        .arg("--noout")
        .arg("--schema")
        .arg(root().join("tests/fim/xsd/xdf3.0.0/xdatenfelder.xsd"))
        .arg(&path)
        .output()
        .expect("xmllint runs (install Debian's libxml2-utils)")
        .status;
    assert!(!status.success());
}

#[test]
fn imported_sources_read_like_hand_written_formwerk() {
    for sample in [
        "xdf3/S00000000364V1.0.0_xdf3.xml",
        "xdf3/S00000000373V1.0.0_xdf3.xml",
        "xdf3/S07000000201V1.2.0_xdf3.xml",
        "xdf2/S05000058V1.0_xdf2.xml",
    ] {
        let path = root().join("tests/fim/samples").join(sample);
        let xml = std::fs::read_to_string(&path).unwrap();
        let (imported, _) = import_and_check(&xml, &library_for(&path), sample);
        insta::assert_snapshot!(format!("import_{}", name_of(&path)), imported.source);
    }
}

/// A minimal XDF3 schema around `inner` (the `struktur` entries of the schema).
fn xdf3(inner: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<xdf:xdatenfelder.stammdatenschema.0102 xmlns:xdf="urn:xoev-de:fim:standard:xdatenfelder_3.0.0">
  <xdf:header><xdf:nachrichtID>t</xdf:nachrichtID><xdf:erstellungszeitpunkt>2024-01-01T00:00:00Z</xdf:erstellungszeitpunkt></xdf:header>
  <xdf:stammdatenschema>
    <xdf:identifikation><xdf:id>S12345678</xdf:id><xdf:version>1.0.0</xdf:version></xdf:identifikation>
    <xdf:name>Test</xdf:name>
    <xdf:bezeichnung>Testantrag</xdf:bezeichnung>
    <xdf:dokumentsteckbrief><xdf:id>D12345678</xdf:id></xdf:dokumentsteckbrief>
    {inner}
  </xdf:stammdatenschema>
</xdf:xdatenfelder.stammdatenschema.0102>"#
    )
}

fn field(id: &str, label: &str, datatype: &str, extra: &str) -> String {
    format!(
        r#"<xdf:datenfeld><xdf:identifikation><xdf:id>{id}</xdf:id><xdf:version>1.0.0</xdf:version></xdf:identifikation>
        <xdf:name>{label}</xdf:name><xdf:bezeichnungEingabe>{label}</xdf:bezeichnungEingabe>
        <xdf:feldart><code>input</code></xdf:feldart><xdf:datentyp><code>{datatype}</code></xdf:datentyp>{extra}</xdf:datenfeld>"#
    )
}

fn entry(anzahl: &str, element: &str) -> String {
    format!("<xdf:struktur><xdf:anzahl>{anzahl}</xdf:anzahl><xdf:enthaelt>{element}</xdf:enthaelt></xdf:struktur>")
}

#[test]
fn a_choice_group_requires_exactly_one_of_its_members() {
    let members = [
        entry("1:1", &field("F10000001", "Telefon", "text", "")),
        entry("1:1", &field("F10000002", "E-Mail", "text", "")),
    ]
    .concat();
    let group = format!(
        r#"<xdf:datenfeldgruppe><xdf:identifikation><xdf:id>G10000001</xdf:id></xdf:identifikation><xdf:name>Kontakt</xdf:name>
        <xdf:bezeichnungEingabe>Kontakt</xdf:bezeichnungEingabe><xdf:art><code>X</code></xdf:art>{members}</xdf:datenfeldgruppe>"#
    );
    let (imported, form) = import_and_check(&xdf3(&entry("1:1", &group)), &Library::default(), "choice");
    assert!(imported.source.contains("rule kontakt_genau_eins {"), "{}", imported.source);
    let compiled = formwerk::validate::Compiled::new(&form);
    let options = formwerk::validate::Options { today: formwerk::value::Date::parse("2026-06-15").unwrap() };
    let verdict = |submission: serde_json::Value| {
        compiled.validate(&submission, &options).violations.iter().map(|v| v.code.clone()).collect::<Vec<_>>()
    };
    assert!(verdict(serde_json::json!({"kontakt": {"telefon": "0211 1234"}})).is_empty());
    assert!(verdict(serde_json::json!({"kontakt": {"e_mail": "a@b.de"}})).is_empty());
    assert_eq!(
        verdict(serde_json::json!({"kontakt": {"telefon": "0211 1234", "e_mail": "a@b.de"}})),
        ["rule:kontakt_genau_eins"]
    );
    assert_eq!(verdict(serde_json::json!({"kontakt": {}})), ["rule:kontakt_genau_eins"]);
    // Exported, the rule is the group's kind again ("Auswahlgruppe"), and it round-trips.
    let exported = emit::xdf3::document(&form);
    assert!(exported.contains("<code>X</code></xdf:art>"), "{exported}");
    assert!(!exported.contains("<xdf:regel>"), "{exported}");
    let (_, again) = import_and_check(&exported, &Library::default(), "choice (exported)");
    assert_eq!(again, form);
    assert_valid_xdf3(&[("choice".to_string(), exported)]);
}

#[test]
fn patterns_are_kept_when_portable_and_commented_otherwise() {
    let fields = [
        entry("0:1", &field("F10000001", "Postleitzahl", "text", r#"<xdf:praezisierung pattern="^[0-9]{5}$"/>"#)),
        entry("0:1", &field("F10000002", "Ortsname", "text", r#"<xdf:praezisierung pattern="[\p{L} ]+"/>"#)),
        entry("0:1", &field("F10000003", "Art", "text", r#"<xdf:praezisierung pattern="Mehrfachauswahl"/>"#)),
        entry("0:1", &field("F10000004", "Nummer", "text", r#"<xdf:praezisierung pattern="(a"/>"#)),
    ]
    .concat();
    let (imported, form) = import_and_check(&xdf3(&fields), &Library::default(), "patterns");
    let items: Vec<&ir::Item> = form.items().collect();
    let ir::Item::Field(plz) = items[0] else { panic!() };
    assert_eq!(plz.constraints.pattern.as_ref().unwrap().regex, "[0-9]{5}", "anchors dropped: the whole value matches");
    for item in &items[1..] {
        let ir::Item::Field(f) = item else { panic!() };
        assert!(f.constraints.pattern.is_none(), "{}", f.name);
    }
    assert!(
        imported.source.contains(r"// FIM pattern (not portable: pattern uses a Unicode class"),
        "{}",
        imported.source
    );
    assert!(imported.source.contains("// FIM pattern (plain text, not a pattern): Mehrfachauswahl"));
    assert!(imported.source.contains("// FIM pattern (not portable: pattern is not valid"));
    assert_eq!(imported.report.warnings.len(), 3, "{:?}", imported.report.warnings);
}

#[test]
fn multiplicities_become_required_optional_and_repeats() {
    let pdf = "<xdf:maxSize>2097152</xdf:maxSize><xdf:mediaType>application/pdf</xdf:mediaType>";
    let fields = [
        entry("1:1", &field("F10000001", "Name", "text", "")),
        entry("0:1", &field("F10000002", "Zusatz", "text", "")),
        entry("2:5", &field("F10000003", "Zeile", "text", "")),
        entry("1:*", &field("F10000004", "Anlage", "file", pdf)),
        entry("0:3", &field("F10000005", "Belege", "file", pdf)),
        entry("2:4", &field("F10000006", "Seiten", "file", "")),
    ]
    .concat();
    let (imported, form) = import_and_check(&xdf3(&fields), &Library::default(), "multiplicities");
    let items: Vec<&ir::Item> = form.items().collect();
    let ir::Item::Field(name) = items[0] else { panic!() };
    assert_eq!(name.required, ir::Requirement::Always);
    let ir::Item::Field(zusatz) = items[1] else { panic!() };
    assert_eq!(zusatz.required, ir::Requirement::Never);
    let ir::Item::Repeat(zeile) = items[2] else { panic!() };
    assert_eq!((zeile.min, zeile.max), (2, Some(5)));
    // A file field FIM lets take several files is one field of several files (`count`), not a
    // repeat; an unbounded multiplicity gets the language's bound, with a warning.
    let files = |item: &ir::Item| -> (ir::Requirement, Option<u32>, Option<u32>) {
        let ir::Item::Field(f) = item else { panic!("{item:?}") };
        assert_eq!(f.ty, ir::FieldType::Files, "{}", f.name);
        (f.required.clone(), f.constraints.min_count, f.constraints.max_count)
    };
    let (required, _, max) = files(items[3]);
    assert_eq!((required, max), (ir::Requirement::Always, Some(100)));
    let ir::Item::Field(anlage) = items[3] else { panic!() };
    assert_eq!(anlage.constraints.max_size, Some(2 * 1024 * 1024));
    assert_eq!(anlage.constraints.accept, ["application/pdf"]);
    assert!(imported.source.contains("max_size 2 MB"));
    assert!(imported.source.contains("count ..100"), "{}", imported.source);
    assert!(imported.source.contains("multiplicity \"1:*\""), "FIM's own number is kept: {}", imported.source);
    assert!(
        imported.report.warnings.iter().any(|w| w.contains("multiplicity 1:* of a file field")),
        "{:?}",
        imported.report.warnings
    );
    let (required, _, max) = files(items[4]);
    assert_eq!((required, max), (ir::Requirement::Never, Some(3)));
    let (required, min, max) = files(items[5]);
    assert_eq!((required, min, max), (ir::Requirement::Always, Some(2), Some(4)));
    assert!(imported.source.contains("count 2..4"), "{}", imported.source);
    // A repeated field goes back to XDF3 as one field with its multiplicity, and so do files.
    let exported = emit::xdf3::document(&form);
    for anzahl in ["2:5", "1:*", "0:3", "2:4"] {
        assert!(exported.contains(&format!("<xdf:anzahl>{anzahl}</xdf:anzahl>")), "{anzahl}: {exported}");
    }
    assert_eq!(exported.matches("<xdf:datenfeldgruppe>").count(), 0, "{exported}");
}

/// Found by the `import_fim` fuzz target: a media type the checker rejects made the imported
/// source fail to check. The importer asks the checker's own question and keeps the rest.
#[test]
fn file_types_the_checker_rejects_stay_comments() {
    let types = ["application/pdf", "applicat)on/pdf", " IMAGE/JPEG ", "no type", ".", "*/*\"", ".PNG"]
        .map(|t| format!("<xdf:mediaType>{t}</xdf:mediaType>"))
        .concat();
    let fields = entry("1:1", &field("F10000004", "Anlage", "file", &types));
    let (imported, form) = import_and_check(&xdf3(&fields), &Library::default(), "file types");
    let ir::Item::Field(file) = form.items().next().unwrap() else { panic!() };
    assert_eq!(file.constraints.accept, ["application/pdf", "image/jpeg", ".png"]);
    // Comment text is escaped as all imported text is: `*/` never appears raw.
    for shown in ["applicat)on/pdf", "no type", "* / *\""] {
        assert!(
            imported.source.contains(&format!("// FIM file type (not a file type): {shown}\n")),
            "{}",
            imported.source
        );
        assert!(imported.report.warnings.iter().any(|w| w.contains(shown)), "{:?}", imported.report.warnings);
    }
}

#[test]
fn characters_outside_the_permitted_set_are_imported_with_a_warning() {
    let fields = entry("0:1", &field("F10000001", "Betrag ≤ 100 €", "num_currency", ""));
    let (imported, form) = import_and_check(&xdf3(&fields), &Library::default(), "latin");
    let ir::Item::Field(f) = form.items().next().unwrap() else { panic!() };
    assert_eq!(f.label["de"], "Betrag ≤ 100 €");
    assert_eq!(imported.report.warnings.len(), 1);
    assert!(imported.report.warnings[0].contains("U+2264"), "{:?}", imported.report.warnings);
    // The export maps it to the permitted set so the file validates.
    assert!(emit::xdf3::document(&form).contains("Betrag &lt;= 100 €"));
}

#[test]
fn the_import_command_writes_source_and_reports() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("bewohnerparken.form");
    let sample = root().join("tests/fim/samples/xdf2/S05000058V1.0_xdf2.xml");
    let codelists = root().join("tests/fim/samples/xdf2/codelists/S05000058V1.0");
    let run = Command::new(env!("CARGO_BIN_EXE_formwerk"))
        .arg("import-fim")
        .arg(&sample)
        .arg("--codelists")
        .arg(&codelists)
        .arg("--out")
        .arg(&out)
        .arg("--report")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("33 fields, 8 groups, 6 code lists, 2 rules translated, 0 rules kept as comments, 7 warnings"),
        "{stderr}"
    );
    assert!(stderr.contains("  rules of shape wenn-dann: 2 translated, 0 kept as comments"), "{stderr}");
    assert!(stderr.contains("  warning: "), "{stderr}");
    let source = std::fs::read_to_string(&out).unwrap();
    assert!(source.contains("form s05000058_antrag_erteilung_verlaengerung {"));
    // The printed source names the lists by URN and version; it checks with the same directory.
    assert!(source.contains(" from \"urn:de:fim:codeliste:zustimmung\" version \"2021-01-11\"\n"), "{source}");
    let check = Command::new(env!("CARGO_BIN_EXE_formwerk"))
        .arg("check")
        .arg(&out)
        .arg("--codelists")
        .arg(&codelists)
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(0), "{}", String::from_utf8_lossy(&check.stderr));

    let xdf1 = root().join("tests/fim/samples/xdf1/S00000036_xdf1.xml");
    let refused = Command::new(env!("CARGO_BIN_EXE_formwerk")).arg("import-fim").arg(&xdf1).output().unwrap();
    assert_eq!(refused.status.code(), Some(2));
    assert!(refused.stdout.is_empty());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("unsupported XDatenfelder version 1.0"));
}

#[test]
fn every_data_type_and_field_kind_has_a_formwerk_form() {
    let types =
        ["text", "text_latin", "date", "time", "datetime", "bool", "num", "num_int", "num_currency", "file", "obj"];
    let mut fields: Vec<String> = types
        .iter()
        .enumerate()
        .map(|(i, ty)| entry("0:1", &field(&format!("F2000000{i:04}"), &format!("Feld {ty}"), ty, "")))
        .collect();
    let kind = |id: &str, label: &str, kind: &str, extra: &str| {
        entry("1:1", &field(id, label, "text", extra).replace("<code>input</code>", &format!("<code>{kind}</code>")))
    };
    fields.push(kind(
        "F30000001",
        "Hinweis zum Datenschutz",
        "label",
        "<xdf:inhalt>Ihre Daten werden geschützt.</xdf:inhalt>",
    ));
    fields.push(kind("F30000002", "Aktenzeichen", "hidden", ""));
    fields.push(kind("F30000003", "Behörde", "locked", ""));
    fields.push(kind(
        "F30000004",
        "Anrede",
        "select",
        "<xdf:werte><xdf:wert><xdf:code>1</xdf:code><xdf:name>Frau</xdf:name></xdf:wert><xdf:wert><xdf:code>2</xdf:code><xdf:name>Herr</xdf:name></xdf:wert></xdf:werte>",
    ));
    let (imported, form) = import_and_check(&xdf3(&fields.concat()), &Library::default(), "types");
    let types_of: Vec<String> = form
        .items()
        .map(|item| match item {
            ir::Item::Field(f) => serde_json::to_value(&f.ty).unwrap()["kind"].as_str().unwrap().to_string(),
            ir::Item::Info(_) => "info".to_string(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        types_of,
        [
            "text", "text", "date", "text", "text", "boolean", "decimal", "integer", "money", "file", "file", "info",
            "text", "text", "choice"
        ]
    );
    let patterns: Vec<Option<&str>> = form
        .items()
        .filter_map(|item| match item {
            ir::Item::Field(f) => Some(f.constraints.pattern.as_ref().map(|p| p.source.as_str())),
            _ => None,
        })
        .collect();
    assert_eq!(patterns[3], Some("([01][0-9]|2[0-3]):[0-5][0-9]"), "time is text with a pattern");
    assert!(patterns[4].is_some_and(|p| p.starts_with("[0-9]{4}-")), "datetime is text with a pattern");
    let ir::Item::Info(info) = form.items().nth(11).unwrap() else { panic!() };
    assert_eq!(info.text["de"], "Hinweis zum Datenschutz\nIhre Daten werden geschützt.");
    assert!(imported.source.contains("// FIM field kind \"hidden\""));
    assert!(imported.source.contains("// FIM field kind \"locked\""));
    let ir::Item::Field(anrede) = form.items().nth(14).unwrap() else { panic!() };
    let ir::FieldType::Choice { codelist } = &anrede.ty else { panic!() };
    assert_eq!(form.codelists[codelist].codes.iter().map(|c| c.code.as_str()).collect::<Vec<_>>(), ["1", "2"]);
    // time, datetime, obj, hidden, locked: five warnings.
    assert_eq!(imported.report.warnings.len(), 5, "{:?}", imported.report.warnings);
}

// ---------------------------------------------------------------- hostile input (issue 11)

/// Statements a hostile file tries to smuggle into the imported source (a required field,
/// an always-false rule, a code list), followed by every character that could end or
/// confuse a comment or a string literal: quotes, backslashes, `*/`, CR, NEL, the line and
/// paragraph separators, C1 controls and bidi overrides (C0 controls other than tab, LF and
/// CR cannot appear in XML 1.0).
const INJECTION: &str = "S99999999\nfield boese: text \"Böse\" required\nrule immer_falsch {\n  check false\n  message \"nein\"\n}\ncodelist Boese {\n  code \"a\" \"b\"\n}\n// \" \\\" */ /* \r\u{85}\u{2028}\u{2029}\u{9b}\u{202E}\u{2066}\t|";

/// Text as XML character data or attribute value; CR, LF and tab as character references so
/// they survive attribute-value normalisation.
fn xml_text(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\r' | '\n' | '\t' => out.push_str(&format!("&#{};", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// One line per item of the form (nested by two spaces), then its rules and code lists: what
/// the imported source declares, independent of how it is spelled.
fn outline(form: &ir::Form) -> Vec<String> {
    fn lines(items: &[ir::Item], depth: usize, out: &mut Vec<String>) {
        for item in items {
            let line = match item {
                ir::Item::Field(f) => format!(
                    "field {}: {} {}",
                    f.name,
                    serde_json::to_value(&f.ty).unwrap()["kind"].as_str().unwrap(),
                    if f.required == ir::Requirement::Always { "required" } else { "optional" }
                ),
                ir::Item::Group(g) => format!("group {}", g.name),
                ir::Item::Repeat(r) => format!("repeat {} {}..{:?}", r.name, r.min, r.max),
                ir::Item::Info(i) => format!("info {}", i.name),
            };
            out.push(format!("{}{line}", "  ".repeat(depth)));
            lines(item.children(), depth + 1, out);
        }
    }
    let mut out = Vec::new();
    lines(&form.items().cloned().collect::<Vec<_>>(), 0, &mut out);
    out.extend(form.rules.iter().map(|r| format!("rule {}", r.name)));
    out.extend(
        form.codelists.iter().map(|(name, list)| {
            format!("codelist {name}: {:?}", list.codes.iter().map(|c| &c.code).collect::<Vec<_>>())
        }),
    );
    out
}

/// A character that must never appear raw in imported source: it ends a line comment, is a
/// control character, or reorders or hides text (Trojan Source).
fn is_dangerous(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{061C}' | '\u{FEFF}')
}

/// An XDF3 schema with `payload` in every text the importer prints: ids, versions, names,
/// labels, hints, descriptions, rule names and texts, code-list codes and labels, patterns,
/// default values, and the metadata of `fim` blocks (definitions, references and their links,
/// output texts, element kinds, prefill, rule scripts and types).
fn hostile_xdf3(payload: &str) -> String {
    let p = xml_text(payload);
    let ident = format!("<xdf:identifikation><xdf:id>{p}</xdf:id><xdf:version>{p}</xdf:version></xdf:identifikation>");
    let rule =
        format!("<xdf:regel>{ident}<xdf:name>{p}</xdf:name><xdf:freitextRegel>{p}</xdf:freitextRegel></xdf:regel>");
    let meta = format!(
        r#"<xdf:definition>{p}</xdf:definition><xdf:bezug link="{p}">{p}</xdf:bezug><xdf:bezeichnungAusgabe>{p}</xdf:bezeichnungAusgabe>
        <xdf:schemaelementart><code>{p}</code></xdf:schemaelementart><xdf:hilfetextAusgabe>{p}</xdf:hilfetextAusgabe>
        <xdf:vorbefuellung><code>{p}</code></xdf:vorbefuellung>"#
    );
    let kept_rule = format!(
        "<xdf:regel><xdf:identifikation><xdf:id>R10000001</xdf:id></xdf:identifikation><xdf:name>{p}</xdf:name>\
         <xdf:freitextRegel>{p}</xdf:freitextRegel><xdf:bezug link=\"{p}\">{p}</xdf:bezug><xdf:typ><code>{p}</code></xdf:typ><xdf:skript>{p}</xdf:skript></xdf:regel>"
    );
    let field = |id: &str, label: &str, kind: &str, extra: &str| {
        format!(
            r#"<xdf:datenfeld><xdf:identifikation><xdf:id>{id}</xdf:id><xdf:version>{p}</xdf:version></xdf:identifikation>
            <xdf:name>{p}</xdf:name><xdf:bezeichnungEingabe>{label} {p}</xdf:bezeichnungEingabe><xdf:hilfetextEingabe>{p}</xdf:hilfetextEingabe>
            <xdf:feldart><code>{kind}</code></xdf:feldart><xdf:datentyp><code>text</code></xdf:datentyp>{meta}{extra}{rule}{kept_rule}</xdf:datenfeld>"#
        )
    };
    let members = [
        entry("1:1", &field("F10000001", "Vorname", "input", &format!(r#"<xdf:praezisierung pattern="{p}"/>"#))),
        entry(
            "0:1",
            &field(
                &p,
                "Anrede",
                "select",
                &format!(
                    "<xdf:werte><xdf:wert><xdf:code>{p}</xdf:code><xdf:name>{p}</xdf:name></xdf:wert>\
                     <xdf:wert><xdf:code>ok</xdf:code><xdf:name>{p}</xdf:name></xdf:wert></xdf:werte>"
                ),
            ),
        ),
        entry("0:1", &field("F10000003", "Aktenzeichen", "hidden", &format!("<xdf:inhalt>{p}</xdf:inhalt>"))),
        entry("1:1", &format!("<xdf:datenfeldgruppe>{ident}<xdf:name>{p}</xdf:name><xdf:bezeichnungEingabe>Leer {p}</xdf:bezeichnungEingabe></xdf:datenfeldgruppe>")),
        entry("0:3", &format!(
            "<xdf:datenfeldgruppe><xdf:identifikation><xdf:id>G10000001</xdf:id><xdf:version>{p}</xdf:version></xdf:identifikation>\
             <xdf:name>{p}</xdf:name><xdf:bezeichnungEingabe>Kind {p}</xdf:bezeichnungEingabe><xdf:hilfetextEingabe>{p}</xdf:hilfetextEingabe>{rule}{}</xdf:datenfeldgruppe>",
            entry("1:1", &field("F10000004", "Name", "input", ""))
        )),
    ]
    .concat();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<xdf:xdatenfelder.stammdatenschema.0102 xmlns:xdf="urn:xoev-de:fim:standard:xdatenfelder_3.0.0">
  <xdf:header><xdf:nachrichtID>t</xdf:nachrichtID><xdf:erstellungszeitpunkt>2024-01-01T00:00:00Z</xdf:erstellungszeitpunkt></xdf:header>
  <xdf:stammdatenschema>{ident}<xdf:name>{p}</xdf:name><xdf:beschreibung>{p}</xdf:beschreibung>
    <xdf:bezeichnung>Antrag {p}</xdf:bezeichnung>{rule}{members}
  </xdf:stammdatenschema>
</xdf:xdatenfelder.stammdatenschema.0102>"#
    )
}

#[test]
fn hostile_text_in_every_position_adds_no_statement_and_is_carried_over_exactly() {
    let xml = hostile_xdf3(INJECTION);
    let (imported, form) = import_and_check(&xml, &Library::default(), "hostile");
    let source = &imported.source;
    // Exactly what the file declares: no field `boese`, no rule `immer_falsch`, no list `Boese`.
    assert_eq!(
        outline(&form),
        [
            "field vorname_s99999999_field_boese: text required",
            "field anrede_s99999999_field_boese: choice optional",
            "field aktenzeichen_s99999999_field_boese: text optional",
            "repeat kind_s99999999_field_boese 0..Some(3)",
            "  field name_s99999999_field_boese: text required",
            // The code arrives exactly (XML turns its CR into LF).
            &format!("codelist AnredeS99999999FieldBoese: {:?}", [INJECTION.replace('\r', "\n").as_str(), "ok"]),
        ],
        "{source}"
    );
    // Texts arrive exactly (whitespace runs in labels become one space, as for any label).
    let one_line = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert_eq!(form.title["de"], format!("Antrag {}", one_line(INJECTION)));
    let ir::Item::Field(vorname) = form.items().next().unwrap() else { panic!() };
    // A label is a template (`ir::template`): its braces arrive as literal braces, not placeholders.
    assert!(ir::template::fields(&vorname.label["de"]).is_empty());
    assert_eq!(ir::template::render(&vorname.label["de"], |_| None), format!("Vorname {}", one_line(INJECTION)));
    assert!(vorname.constraints.pattern.is_none(), "the hostile pattern is not portable");
    // The metadata arrives exactly too; values outside FIM's code lists are left out.
    let exact = INJECTION.replace('\r', "\n");
    let meta = vorname.fim.as_ref().and_then(|f| f.meta.as_deref()).expect("the field keeps its metadata");
    assert_eq!(meta.name.as_deref(), Some(exact.as_str()));
    assert_eq!(meta.definition.as_deref(), Some(exact.as_str()));
    assert_eq!(meta.output_label.as_deref(), Some(exact.as_str()));
    assert_eq!(meta.output_hint.as_deref(), Some(exact.as_str()));
    assert_eq!(meta.bezug, [ir::FimBezug { text: exact.clone(), link: Some(exact.clone()) }]);
    assert_eq!((meta.element.as_deref(), meta.prefill.as_deref()), (None, None));
    let [kept] = meta.rules.as_slice() else { panic!("one FIM rule with a FIM id: {:?}", meta.rules) };
    assert_eq!(
        (kept.id.as_str(), kept.text.as_deref(), kept.script.as_deref()),
        ("R10000001", Some(exact.as_str()), Some(exact.as_str()))
    );
    assert_eq!(kept.kind, None);
    // Nothing dangerous is printed raw, anywhere: every such character is an escape.
    assert!(!source.chars().any(is_dangerous), "{source:?}");
    assert!(!source.contains("*/"), "{source}");
    // Ids and versions that are not FIM ids are refused with a warning and kept, escaped, in a comment.
    let warnings = imported.report.warnings.join("\n");
    assert!(!warnings.chars().any(is_dangerous), "{warnings:?}");
    assert!(warnings.contains(": not a FIM id"), "{warnings}");
    assert!(warnings.contains("is not `1.2.3`"), "{warnings}");
    assert!(source.contains("// FIM id (refused, not a FIM id): \"S99999999\\nfield boese"), "{source}");
    assert_eq!(form.fim, None);
}

/// `depth` groups, each inside the one before, one per line; the innermost holds `inner`.
fn nested_groups(depth: usize, inner: &str) -> String {
    let mut xml = String::new();
    for level in 1..=depth {
        xml.push_str(&format!(
            "\n<xdf:struktur><xdf:anzahl>1:1</xdf:anzahl><xdf:enthaelt><xdf:datenfeldgruppe><xdf:identifikation><xdf:id>G{level:08}</xdf:id></xdf:identifikation><xdf:name>Ebene</xdf:name><xdf:bezeichnungEingabe>Ebene</xdf:bezeichnungEingabe>"
        ));
    }
    xml.push_str(inner);
    for _ in 0..depth {
        xml.push_str("</xdf:datenfeldgruppe></xdf:enthaelt></xdf:struktur>");
    }
    xdf3(&xml)
}

/// The line and column of the `n`-th (1-based) group of `xml`.
fn position_of_group(xml: &str, n: usize) -> (u32, u32) {
    let (offset, _) = xml.match_indices("<xdf:datenfeldgruppe>").nth(n - 1).unwrap();
    let line_start = xml[..offset].rfind('\n').map_or(0, |i| i + 1);
    (xml[..offset].matches('\n').count() as u32 + 1, xml[line_start..offset].chars().count() as u32 + 1)
}

#[test]
fn groups_nested_as_deep_as_the_language_accepts_import_and_deeper_ones_are_refused_with_their_line() {
    let limit = fim::MAX_GROUP_DEPTH;
    // The deepest source the importer writes: a repeated field or a choice rule in the innermost group.
    let repeated = entry("0:3", &field("F10000001", "Name", "text", ""));
    let choice = format!(
        "<xdf:art><code>X</code></xdf:art>{}{}",
        entry("0:1", &field("F10000002", "Telefon", "text", "")),
        entry("0:1", &field("F10000003", "E-Mail", "text", ""))
    );
    for inner in [&repeated, &choice] {
        let (imported, form) = import_and_check(&nested_groups(limit, inner), &Library::default(), "at the limit");
        assert_eq!(imported.report.groups, limit);
        let mut depth = 0;
        let mut item = form.items().next().unwrap();
        while let ir::Item::Group(group) = item {
            depth += 1;
            item = &group.items[0];
        }
        assert_eq!(depth, limit);
    }
    for depth in [limit + 1, 40_000] {
        let xml = nested_groups(depth, &repeated);
        let error = fim::import(&xml, &Library::default()).err().expect("too deep");
        let (line, column) = position_of_group(&xml, limit + 1);
        assert_eq!(error, ImportError::TooDeep { line, column, limit }, "depth {depth}");
        assert!(
            error.to_string().starts_with(&format!(
                "groups are nested more than {limit} levels deep: the `datenfeldgruppe` at line {line}, column {column}"
            )),
            "{error}"
        );
    }
}

#[test]
fn the_import_command_refuses_deep_nesting_with_the_line_and_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tief.xml");
    let xml = nested_groups(40_000, &entry("1:1", &field("F10000001", "Name", "text", "")));
    std::fs::write(&path, &xml).unwrap();
    let run = Command::new(env!("CARGO_BIN_EXE_formwerk")).arg("import-fim").arg(&path).output().unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(run.stdout.is_empty());
    let (line, column) = position_of_group(&xml, fim::MAX_GROUP_DEPTH + 1);
    assert!(stderr.contains(&format!("`datenfeldgruppe` at line {line}, column {column}")), "{stderr}");
}

/// A choice group (Auswahlgruppe) of `n` optional text fields.
fn choice_group(n: usize) -> String {
    let members: String =
        (0..n).map(|i| entry("0:1", &field(&format!("F2{i:08}"), &format!("Angabe {i}"), "text", ""))).collect();
    let group = format!(
        r#"<xdf:datenfeldgruppe><xdf:identifikation><xdf:id>G10000001</xdf:id></xdf:identifikation><xdf:name>Kontakt</xdf:name>
        <xdf:bezeichnungEingabe>Kontakt</xdf:bezeichnungEingabe><xdf:art><code>X</code></xdf:art>{members}</xdf:datenfeldgruppe>"#
    );
    xdf3(&entry("1:1", &group))
}

#[test]
fn choice_groups_get_their_rule_up_to_a_bound_and_a_comment_beyond_it() {
    let max = fim::MAX_CHOICE_MEMBERS;
    let (imported, form) = import_and_check(&choice_group(max), &Library::default(), "widest choice");
    assert_eq!(form.rules.len(), 1, "{}", imported.source);
    let compiled = formwerk::validate::Compiled::new(&form);
    let options = formwerk::validate::Options { today: formwerk::value::Date::parse("2026-06-15").unwrap() };
    let codes = |submission: serde_json::Value| {
        compiled.validate(&submission, &options).violations.iter().map(|v| v.code.clone()).collect::<Vec<_>>()
    };
    assert!(codes(serde_json::json!({"kontakt": {"angabe_31": "x"}})).is_empty());
    assert_eq!(codes(serde_json::json!({"kontakt": {"angabe_0": "x", "angabe_31": "y"}})), ["rule:kontakt_genau_eins"]);
    // Wider groups: the rule (n² terms, 2n − 1 operators per alternative) is not written; at 65
    // members it would exceed the parser's 128 operators per expression.
    for n in [max + 1, 65, 400] {
        let (imported, form) = import_and_check(&choice_group(n), &Library::default(), "wide choice");
        assert!(form.rules.is_empty());
        assert!(
            imported.source.contains(&format!(
                "// FIM choice group (Auswahlgruppe): exactly one of these {n} members is given (too many for a rule)."
            )),
            "{}",
            imported.source
        );
        assert_eq!(imported.report.warnings.len(), 1, "{:?}", imported.report.warnings);
        assert!(imported.source.len() < 200 * n, "{n} members: {} bytes", imported.source.len());
    }
}

#[test]
fn patterns_the_checker_rejects_stay_comments_and_the_import_agrees_with_the_checker() {
    let patterns = [
        "[0-9]{5}",
        "(?=[A-Z])[A-Z0-9]+",
        r"(a)\1",
        r"[\p{L}]+",
        "(a+)+",
        "(a|aa)*c",
        ".{200}{50}",
        "(x+x+)+y",
        "a{1000}{1000}",
        "[a-z]{1,1000000}",
    ];
    let fields: String = patterns
        .iter()
        .enumerate()
        .map(|(i, p)| {
            entry(
                "0:1",
                &field(
                    &format!("F3{i:08}"),
                    &format!("Feld {i}"),
                    "text",
                    &format!(r#"<xdf:praezisierung pattern="{}"/>"#, xml_text(p)),
                ),
            )
        })
        .collect();
    let (imported, form) = import_and_check(&xdf3(&fields), &Library::default(), "patterns");
    for (i, (pattern, item)) in patterns.iter().zip(form.items()).enumerate() {
        let ir::Item::Field(f) = item else { panic!() };
        // The same pattern written by hand: does the checker accept it?
        let literal: String =
            pattern.chars().flat_map(|c| if matches!(c, '"' | '\\') { vec!['\\', c] } else { vec![c] }).collect();
        let hand_written = format!("form f {{\n  title \"F\"\n  version \"1.0.0\"\n  languages de\n  field x: text \"X\" {{\n    pattern \"{literal}\"\n  }}\n}}\n");
        let (_, checked) = fim::check_source("f.form", &hand_written);
        assert_eq!(f.constraints.pattern.is_some(), !checked.has_errors(), "{pattern}: import and checker disagree");
        if f.constraints.pattern.is_none() {
            assert!(
                imported
                    .report
                    .warnings
                    .iter()
                    .any(|w| w.starts_with(&format!("F3{i:08}: pattern ")) && w.contains("kept as a comment")),
                "{pattern}: {:?}",
                imported.report.warnings
            );
        }
    }
    // Rejected today: look-around and back-references.
    for i in [1, 2] {
        let ir::Item::Field(f) = form.items().nth(i).unwrap() else { panic!() };
        assert!(f.constraints.pattern.is_none(), "{}", patterns[i]);
    }
    assert!(
        imported.source.contains("// FIM pattern (not portable: pattern is not valid: look-around"),
        "{}",
        imported.source
    );
}

#[test]
fn work_and_output_grow_linearly_with_the_file() {
    // 5,000 fields with one label: unique names, claimed without trying every earlier suffix again.
    let fields: String = (0..5_000).map(|i| entry("0:1", &field(&format!("F1{i:08}"), "Name", "text", ""))).collect();
    let (imported, form) = import_and_check(&xdf3(&fields), &Library::default(), "same labels");
    assert_eq!(form.items().last().unwrap().name(), "name_5000");
    assert!(imported.source.len() < 20 * fields.len(), "{} bytes", imported.source.len());
    // A code list of 5,000 codes used by 20 fields is printed once.
    let values: String = (0..5_000)
        .map(|i| format!("<xdf:wert><xdf:code>{i}</xdf:code><xdf:name>Wert {i}</xdf:name></xdf:wert>"))
        .collect();
    let select = |i: usize| {
        field(&format!("F2{i:08}"), "Auswahl", "text", &format!("<xdf:werte>{values}</xdf:werte>"))
            .replace("<code>input</code>", "<code>select</code>")
    };
    let xml = xdf3(&(0..20).map(|i| entry("0:1", &select(i))).collect::<String>());
    let (imported, form) = import_and_check(&xml, &Library::default(), "large code list");
    assert_eq!(form.codelists.len(), 1);
    assert_eq!(imported.source.matches("code \"4999\" \"Wert 4999\"").count(), 1);
    // 100,000 nested elements that are not groups: nothing recurses over them.
    let deep = format!("{}{}", "<x>".repeat(100_000), "</x>".repeat(100_000));
    let xml = xdf3(&entry("1:1", &field("F10000001", "Name", "text", &deep)));
    let (_, form) = import_and_check(&xml, &Library::default(), "deep unknown elements");
    assert_eq!(form.items().count(), 1);
}

// ---------------------------------------------------------------------------------------
// FIM rules: each recognised shape, with texts from the samples, translated and enforced.

/// A select field with inline values (code, name).
fn select(id: &str, label: &str, values: &[(&str, &str)]) -> String {
    let werte: String = values
        .iter()
        .map(|(code, name)| format!("<xdf:wert><xdf:code>{code}</xdf:code><xdf:name>{name}</xdf:name></xdf:wert>"))
        .collect();
    field(id, label, "text", &format!("<xdf:werte>{werte}</xdf:werte>"))
        .replace("<code>input</code>", "<code>select</code>")
}

fn group(id: &str, label: &str, rules: &str, members: &str) -> String {
    format!(
        r#"<xdf:datenfeldgruppe><xdf:identifikation><xdf:id>{id}</xdf:id></xdf:identifikation><xdf:name>{label}</xdf:name>
        <xdf:bezeichnungEingabe>{label}</xdf:bezeichnungEingabe>{rules}{members}</xdf:datenfeldgruppe>"#
    )
}

fn regel(id: &str, text: &str) -> String {
    format!(
        "<xdf:regel><xdf:identifikation><xdf:id>{id}</xdf:id><xdf:version>1.0.0</xdf:version></xdf:identifikation><xdf:name>Regel</xdf:name><xdf:freitextRegel>{}</xdf:freitextRegel></xdf:regel>",
        xml_text(text)
    )
}

/// Imports, checks and returns the source, the report and a validator of JSON submissions.
fn rule_form(inner: &str) -> (String, fim::Report, impl Fn(serde_json::Value) -> Vec<(String, String)>) {
    let (imported, form) = import_and_check(&xdf3(inner), &Library::default(), "rule form");
    let today = formwerk::value::Date::parse("2026-01-15").unwrap();
    let validate = move |submission: serde_json::Value| -> Vec<(String, String)> {
        let report = formwerk::validate::validate(&form, &submission, &formwerk::validate::Options { today });
        report.violations.into_iter().map(|v| (v.pointer, v.code)).collect()
    };
    (imported.source, imported.report, validate)
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
}

#[test]
fn rule_shape_activate_and_deactivate_on_yes_no_becomes_visible_when() {
    // S00000000364, R00000002589.
    let text = "WENN Datenfeld F00000003445 \"Abweichende Ausgabestelle\" = JA, DANN aktiviere Datenfeldgruppe G00000002211 \"Sitz der Ausgabestelle\". \n\nWENN Datenfeld F00000003445 \"Abweichende Ausgabestelle\" = NEIN, DANN deaktiviere Datenfeldgruppe G00000002211 \"Sitz der Ausgabestelle\".";
    let inner = [
        regel("R00000002589", text),
        entry("1:1", &field("F00000003445", "Abweichende Ausgabestelle", "bool", "")),
        entry(
            "1:1",
            &group(
                "G00000002211",
                "Sitz der Ausgabestelle",
                "",
                &entry("1:1", &field("F60000000243", "Straße", "text", "")),
            ),
        ),
    ]
    .concat();
    let (source, report, validate) = rule_form(&inner);
    assert!(
        source.contains("    // FIM rule R00000002589:\n    visible when abweichende_ausgabestelle == true\n"),
        "{source}"
    );
    assert!(source.contains("group sitz_ausgabestelle \"Sitz der Ausgabestelle\" required {"), "{source}");
    assert_eq!((report.rules_translated, report.rules), (1, 0));
    assert_eq!(report.shapes.get("wenn-dann"), Some(&(1, 0)));
    // The rule text says: with JA the group is active (and, being 1:1, required); with NEIN it is not.
    let sitz = serde_json::json!({"strasse": "Hauptstraße"});
    assert_eq!(validate(serde_json::json!({"abweichende_ausgabestelle": true, "sitz_ausgabestelle": sitz})), vec![]);
    assert_eq!(validate(serde_json::json!({"abweichende_ausgabestelle": false})), vec![]);
    assert_eq!(
        validate(serde_json::json!({"abweichende_ausgabestelle": false, "sitz_ausgabestelle": sitz})),
        pairs(&[("/sitz_ausgabestelle", "hidden")])
    );
    assert_eq!(
        validate(serde_json::json!({"abweichende_ausgabestelle": true})),
        pairs(&[("/sitz_ausgabestelle", "required")])
    );
}

#[test]
fn rule_shape_must_and_must_not_be_filled_by_code_becomes_visible_and_required() {
    // S00000000362 and others, R60000000020.
    let text = "Wenn das Feld F60000000263 \"Abfrage Anschrift Inland oder Ausland\" = 001 \"in Deutschland\", dann muss die Feldgruppe G60000000088 \"Anschrift Inland\" befüllt sein. Wenn das Feld F60000000263 \"Abfrage Anschrift Inland oder Ausland\" <> 001 \"in Deutschland\", dann darf die Feldgruppe G60000000088 \"Anschrift Inland\" nicht befüllt sein.";
    let members = [
        entry(
            "1:1",
            &select(
                "F60000000263",
                "Wo befindet sich die Anschrift?",
                &[("001", "in Deutschland"), ("002", "außerhalb von Deutschland")],
            ),
        ),
        entry(
            "0:1",
            &group("G60000000088", "Anschrift Inland", "", &entry("1:1", &field("F60000000243", "Straße", "text", ""))),
        ),
    ]
    .concat();
    let inner = entry("1:1", &group("G60000000093", "Anschrift", &regel("R60000000020", text), &members));
    let (source, report, validate) = rule_form(&inner);
    assert!(source.contains("visible when wo_befindet_sich_anschrift == \"001\""), "{source}");
    assert!(source.contains("group anschrift_inland \"Anschrift Inland\" required {"), "{source}");
    assert_eq!(report.shapes.get("wenn-dann"), Some(&(1, 0)));
    let inland = serde_json::json!({"strasse": "Hauptstraße"});
    assert_eq!(
        validate(serde_json::json!({"anschrift": {"wo_befindet_sich_anschrift": "001", "anschrift_inland": inland}})),
        vec![]
    );
    assert_eq!(validate(serde_json::json!({"anschrift": {"wo_befindet_sich_anschrift": "002"}})), vec![]);
    assert_eq!(
        validate(serde_json::json!({"anschrift": {"wo_befindet_sich_anschrift": "001"}})),
        pairs(&[("/anschrift/anschrift_inland", "required")])
    );
    assert_eq!(
        validate(serde_json::json!({"anschrift": {"wo_befindet_sich_anschrift": "002", "anschrift_inland": inland}})),
        pairs(&[("/anschrift/anschrift_inland", "hidden")])
    );
}

#[test]
fn rule_shape_required_when_another_field_is_empty_becomes_required_when() {
    // S00000094 (XDF2 text), R00001223: either number or e-mail.
    let text = "Wenn im Datenfeld F60000240 der Wert \"\" angegeben wurde, dann soll F00002483 zum Pflichtfeld werden.";
    let members = [
        entry("0:1", &field("F60000240", "Telefon", "text", "")),
        entry("0:1", &field("F00002483", "E-Mail", "text", "")),
    ]
    .concat();
    let inner = entry("1:1", &group("G00001408", "Erreichbarkeit", &regel("R00001223", text), &members));
    let (source, _, validate) = rule_form(&inner);
    assert!(source.contains("field e_mail: text \"E-Mail\" {"), "{source}");
    assert!(source.contains("required when telefon is not set"), "{source}");
    assert_eq!(validate(serde_json::json!({"erreichbarkeit": {"telefon": "0301234"}})), vec![]);
    assert_eq!(validate(serde_json::json!({"erreichbarkeit": {"e_mail": "a@b.de"}})), vec![]);
    assert_eq!(validate(serde_json::json!({"erreichbarkeit": {}})), pairs(&[("/erreichbarkeit/e_mail", "required")]));
}

#[test]
fn rule_shape_at_least_one_becomes_a_rule() {
    // R60000000050 in many samples.
    let text = "Es muss mindestens eines der Felder F60000000240 \"Telefon\", F60000000241 \"Telefax\" oder F60000000242 \"E-Mail\" befüllt sein.";
    let members = [
        entry("0:1", &field("F60000000240", "Telefon", "text", "")),
        entry("0:1", &field("F60000000241", "Telefax", "text", "")),
        entry("0:1", &field("F60000000242", "E-Mail", "text", "")),
    ]
    .concat();
    let inner = entry("1:1", &group("G60000000183", "Erreichbarkeit", &regel("R60000000050", text), &members));
    let (source, report, validate) = rule_form(&inner);
    assert!(source.contains("check telefon is set or telefax is set or e_mail is set"), "{source}");
    assert_eq!(report.shapes.get("mindestens-eines"), Some(&(1, 0)));
    assert_eq!(validate(serde_json::json!({"erreichbarkeit": {"telefax": "0301234"}})), vec![]);
    assert_eq!(
        validate(serde_json::json!({"erreichbarkeit": {}})),
        pairs(&[("/erreichbarkeit", "rule:fim_r60000000050")])
    );
}

#[test]
fn rule_shape_exactly_one_becomes_a_rule() {
    // R60000000019 in many samples.
    let text = "Es muss entweder Feldgruppe G60000000086 \"Anschrift Inland Straßenanschrift\" oder Feldgruppe G60000000087 \"Anschrift Inland Postfachanschrift\" befüllt werden.";
    let members = [
        entry(
            "0:1",
            &group("G60000000086", "Straßenanschrift", "", &entry("1:1", &field("F60000000243", "Straße", "text", ""))),
        ),
        entry(
            "0:1",
            &group(
                "G60000000087",
                "Postfachanschrift",
                "",
                &entry("1:1", &field("F60000000245", "Postfach", "text", "")),
            ),
        ),
    ]
    .concat();
    let inner = entry("1:1", &group("G60000000088", "Anschrift Inland", &regel("R60000000019", text), &members));
    let (_, report, validate) = rule_form(&inner);
    assert_eq!(report.shapes.get("entweder-oder"), Some(&(1, 0)));
    let strasse = serde_json::json!({"strasse": "Hauptstraße"});
    let postfach = serde_json::json!({"postfach": "12 34"});
    assert_eq!(validate(serde_json::json!({"anschrift_inland": {"postfachanschrift": postfach}})), vec![]);
    let both = serde_json::json!({"anschrift_inland": {"strassenanschrift": strasse, "postfachanschrift": postfach}});
    assert_eq!(validate(both), pairs(&[("/anschrift_inland", "rule:fim_r60000000019")]));
    assert_eq!(
        validate(serde_json::json!({"anschrift_inland": {}})),
        pairs(&[("/anschrift_inland", "rule:fim_r60000000019")])
    );
}

#[test]
fn rule_shape_at_least_one_true_becomes_a_rule() {
    // S05000001323, R05000013447 (shortened to three fields).
    let text = "Mindestens eines der Felder F05000018341 \"Studium der Humanmedizin\", F05000018343 \"Studium der Zahnmedizin\" oder F05000018346 \"Studium der Pharmazie\" muss den Wert \"wahr\" haben.";
    let members = [
        entry("0:1", &field("F05000018341", "Humanmedizin", "bool", "")),
        entry("0:1", &field("F05000018343", "Zahnmedizin", "bool", "")),
        entry("0:1", &field("F05000018346", "Pharmazie", "bool", "")),
    ]
    .concat();
    let inner = entry("1:1", &group("G05000012327", "Studium", &regel("R05000013447", text), &members));
    let (_, report, validate) = rule_form(&inner);
    assert_eq!(report.shapes.get("mindestens-eines-wahr"), Some(&(1, 0)));
    assert_eq!(validate(serde_json::json!({"studium": {"zahnmedizin": true}})), vec![]);
    assert_eq!(
        validate(serde_json::json!({"studium": {"zahnmedizin": false, "pharmazie": false}})),
        pairs(&[("/studium", "rule:fim_r05000013447")])
    );
}

#[test]
fn ambiguous_rules_stay_comments_that_name_their_paths() {
    // The code 003 is not in the list; the same rule about an element used twice; two tested elements.
    let unknown_code = "Wenn das Feld F60000000263 \"Abfrage\" = 003 \"anderswo\", dann muss die Feldgruppe G60000000088 \"Anschrift Inland\" befüllt sein.";
    let twice = "WENN F60000000263 = 001, DANN aktiviere F60000000243.";
    let two_fields = "Wenn das Feld F60000000263 = 001 ODER das Feld F60000000240 = \"wahr\", dann muss die Feldgruppe G60000000088 befüllt sein.";
    let inland =
        group("G60000000088", "Anschrift Inland", "", &entry("1:1", &field("F60000000243", "Straße", "text", "")));
    let members = [
        entry("1:1", &select("F60000000263", "Wo", &[("001", "in Deutschland"), ("002", "außerhalb")])),
        entry("0:1", &field("F60000000240", "Bool", "bool", "")),
        entry("0:1", &inland),
        entry("0:1", &group("G60000000089", "Zweite", "", &entry("0:1", &inland))),
    ]
    .concat();
    let rules = [regel("R1000001", unknown_code), regel("R1000002", twice), regel("R1000003", two_fields)].concat();
    let inner = entry("1:1", &group("G60000000093", "Anschrift", &rules, &members));
    let (source, report, _) = rule_form(&inner);
    assert_eq!((report.rules_translated, report.rules), (0, 3), "{source}");
    assert_eq!(report.shapes.get("wenn-dann"), Some(&(0, 3)));
    assert!(!source.contains("visible when") && !source.contains("required when"), "{source}");
    assert!(
        source.contains("// FIM rule R1000001 1.0.0 \"Regel\" (kept as a comment: a value is not one the element can have; concerns anschrift.wo, anschrift.anschrift_inland, anschrift.zweite.anschrift_inland):"),
        "{source}"
    );
    assert!(source.contains("// FIM rule R1000002 1.0.0 \"Regel\" (kept as a comment: an element it names is not exactly one element here; concerns anschrift.wo, anschrift.anschrift_inland.strasse, anschrift.zweite.anschrift_inland.strasse):"), "{source}");
    assert!(source.contains("(kept as a comment: a sentence is not recognised; concerns anschrift.wo, anschrift.bool, anschrift.anschrift_inland, anschrift.zweite.anschrift_inland):"), "{source}");
}

// ---------------------------------------------------------------------------------------
// Reused groups: a FIM group used more than once becomes one shared group type.

#[test]
fn a_reused_group_of_a_real_sample_is_printed_once_as_a_type_with_an_instance_per_use() {
    // S00000000364 uses G60000000086 "Straßenanschrift" twice (the employer's and the
    // Ausgabestelle's address).
    let path = samples().into_iter().find(|p| name_of(p) == "S00000000364V1.0.0_xdf3").expect("the sample");
    let xml = std::fs::read_to_string(&path).unwrap();
    assert_eq!(xml.matches("<xdf3:id>G60000000086</xdf3:id>").count(), 2);
    let (imported, form) = import_and_check(&xml, &library_for(&path), "S00000000364");
    let source = &imported.source;
    assert_eq!(source.matches("\ngroup Strassenanschrift \"Straßenanschrift\" {\n").count(), 1, "{source}");
    assert_eq!(source.matches(": Strassenanschrift \"Straßenanschrift\"").count(), 2, "{source}");
    // The members are printed once, in the type.
    assert_eq!(source.matches("field strasse: text \"Straße\" required {").count(), 1, "{source}");
    assert_eq!(imported.report.shared_types, 1);
    assert!(imported.report.groups_inline.is_empty(), "{:?}", imported.report.groups_inline);
    // Groups are counted per use, as before.
    assert_eq!(imported.report.groups, 3);
    assert!(form.group_types.contains_key("Strassenanschrift"));
    let instances: Vec<&ir::Group> = form
        .items()
        .flat_map(|item| std::iter::once(item).chain(children(item)))
        .filter_map(|item| match item {
            ir::Item::Group(g) if g.of.as_deref() == Some("Strassenanschrift") => Some(g),
            _ => None,
        })
        .collect();
    assert_eq!(instances.len(), 2);
    for instance in instances {
        // Each use keeps its FIM id (the export writes it) and the type's members.
        assert_eq!(instance.fim.as_ref().map(|f| f.id.as_str()), Some("G60000000086"));
        assert_eq!(instance.items.len(), 5);
    }
}

fn children(item: &ir::Item) -> Vec<&ir::Item> {
    match item {
        ir::Item::Group(g) => g.items.iter().flat_map(|i| std::iter::once(i).chain(children(i))).collect(),
        ir::Item::Repeat(r) => r.items.iter().flat_map(|i| std::iter::once(i).chain(children(i))).collect(),
        _ => Vec::new(),
    }
}

/// The group G10000010 (a yes/no field and a text field), with `rules` in it.
fn address(rules: &str) -> String {
    let members = [
        entry("1:1", &field("F10000011", "Postfach vorhanden", "bool", "")),
        entry("0:1", &field("F10000012", "Postfach", "text", "")),
    ]
    .concat();
    group("G10000010", "Anschrift", rules, &members)
}

const POSTFACH_RULE: &str = "WENN Datenfeld F10000011 \"Postfach vorhanden\" = JA, DANN aktiviere Datenfeld F10000012 \"Postfach\".\nWENN Datenfeld F10000011 \"Postfach vorhanden\" = NEIN, DANN deaktiviere Datenfeld F10000012 \"Postfach\".";

#[test]
fn a_reused_group_whose_translated_rule_stays_inside_it_is_shared_with_its_condition() {
    let inner = [
        entry(
            "1:1",
            &group("G10000020", "Antragsteller", "", &entry("1:1", &address(&regel("R10000001", POSTFACH_RULE)))),
        ),
        entry("0:3", &address(&regel("R10000001", POSTFACH_RULE))),
    ]
    .concat();
    let (source, report, validate) = rule_form(&inner);
    assert_eq!(report.shared_types, 1, "{source}");
    assert_eq!(source.matches("visible when postfach_vorhanden == true").count(), 1, "{source}");
    assert!(source.contains("\ngroup Anschrift \"Anschrift\" {\n"), "{source}");
    assert!(source.contains("    group anschrift: Anschrift \"Anschrift\" required {\n"), "{source}");
    assert!(source.contains("  repeat anschrift: Anschrift \"Anschrift\" 0..3 {\n"), "{source}");
    // The rule is counted per use, as it applies at each.
    assert_eq!((report.rules_translated, report.rules), (2, 0));
    // The condition holds at every use.
    let hidden = serde_json::json!({"postfach_vorhanden": false, "postfach": "12 34"});
    assert_eq!(
        validate(serde_json::json!({"antragsteller": {"anschrift": hidden}, "anschrift": [hidden]})),
        pairs(&[("/antragsteller/anschrift/postfach", "hidden"), ("/anschrift/0/postfach", "hidden")])
    );
}

#[test]
fn a_reused_group_whose_translated_rule_refers_outside_it_stays_inline() {
    // The rule belongs to the enclosing group and switches a field inside one use of the
    // reused group by a field outside it: a group type cannot refer outside itself.
    let rule = "WENN Datenfeld F10000021 \"Vertretung\" = JA, DANN aktiviere Datenfeld F10000012 \"Postfach\".\nWENN Datenfeld F10000021 \"Vertretung\" = NEIN, DANN deaktiviere Datenfeld F10000012 \"Postfach\".";
    let members = [entry("1:1", &field("F10000021", "Vertretung", "bool", "")), entry("1:1", &address(""))].concat();
    let inner = [
        entry("1:1", &group("G10000020", "Antragsteller", &regel("R10000002", rule), &members)),
        entry("1:1", &group("G10000030", "Vertreter", "", &entry("1:1", &address("")))),
    ]
    .concat();
    let (source, report, validate) = rule_form(&inner);
    assert_eq!(report.shared_types, 0, "{source}");
    assert_eq!(
        report.groups_inline,
        vec!["G10000010 (2 uses): a translated rule inside it refers to an element outside it".to_string()]
    );
    assert!(!source.contains("\ngroup Anschrift"), "{source}");
    assert_eq!(source.matches("group anschrift \"Anschrift\" required {").count(), 2, "{source}");
    assert!(source.contains("visible when vertretung == true"), "{source}");
    assert_eq!(report.rules_translated, 1);
    let anschrift = serde_json::json!({"postfach_vorhanden": true, "postfach": "12 34"});
    assert_eq!(
        validate(serde_json::json!({
            "antragsteller": {"vertretung": false, "anschrift": anschrift},
            "vertreter": {"anschrift": anschrift}
        })),
        pairs(&[("/antragsteller/anschrift/postfach", "hidden")])
    );
}

#[test]
fn a_reused_group_that_differs_between_its_uses_stays_inline_and_one_with_a_rule_is_shared() {
    // The same id and version, but one use holds a translated rule the other does not have.
    let differs = [
        entry(
            "1:1",
            &group("G10000020", "Antragsteller", "", &entry("1:1", &address(&regel("R10000001", POSTFACH_RULE)))),
        ),
        entry("1:1", &group("G10000030", "Vertreter", "", &entry("1:1", &address("")))),
    ]
    .concat();
    let (source, report, _) = rule_form(&differs);
    assert_eq!(report.shared_types, 0, "{source}");
    assert_eq!(report.groups_inline.len(), 1);
    assert!(report.groups_inline[0].contains("differs between its uses"), "{:?}", report.groups_inline);
    // A choice group prints a rule, which the type holds once and checks in every instance.
    let choice = [
        entry("1:1", &field("F10000001", "Telefon", "text", "")),
        entry("1:1", &field("F10000002", "E-Mail", "text", "")),
    ]
    .concat();
    let kontakt = group("G10000040", "Kontakt", "", &choice)
        .replace("</xdf:bezeichnungEingabe>", "</xdf:bezeichnungEingabe><xdf:art><code>X</code></xdf:art>");
    let with_rule = [
        entry("1:1", &group("G10000020", "Antragsteller", "", &entry("1:1", &kontakt))),
        entry("1:1", &group("G10000030", "Vertreter", "", &entry("1:1", &kontakt))),
    ]
    .concat();
    let (source, report, validate) = rule_form(&with_rule);
    assert_eq!(report.shared_types, 1, "{source}");
    assert!(report.groups_inline.is_empty(), "{:?}", report.groups_inline);
    assert_eq!(source.matches("rule kontakt_genau_eins").count(), 1, "{source}");
    // Both instances are checked by the type's rule: two answers are one too many in each.
    let both = serde_json::json!({"telefon": "1", "e_mail": "a@b.de"});
    let violations = validate(serde_json::json!({"antragsteller": {"kontakt": both}, "vertreter": {"kontakt": both}}));
    let rules: Vec<&(String, String)> = violations.iter().filter(|(_, code)| code.starts_with("rule:")).collect();
    assert_eq!(rules.len(), 2, "{violations:?}\n{source}");
}

#[test]
fn reused_groups_nest_and_survive_export_and_import() {
    // G10000020 holds the reused G10000010 and is itself used twice.
    let antragsteller = group(
        "G10000020",
        "Person",
        "",
        &[entry("1:1", &field("F10000022", "Name", "text", "")), entry("1:1", &address(""))].concat(),
    );
    let inner = [entry("1:1", &antragsteller), entry("0:1", &antragsteller), entry("1:1", &address(""))].concat();
    let (imported, form) = import_and_check(&xdf3(&inner), &Library::default(), "nested");
    assert_eq!(imported.report.shared_types, 2, "{}", imported.source);
    assert!(imported.source.contains("\ngroup Person \"Person\" {\n"), "{}", imported.source);
    assert!(
        imported.source.contains("\n  group anschrift: Anschrift \"Anschrift\" required {\n"),
        "{}",
        imported.source
    );
    let exported = emit::xdf3::document(&form);
    let (again, form_again) = import_and_check(&exported, &Library::default(), "nested again");
    assert_eq!(again.report.shared_types, 2, "{}", again.source);
    assert_eq!(form_again, form, "import → export → import changed the IR");
}

#[test]
fn a_group_type_is_never_named_like_a_rust_type_of_the_form() {
    // The form has its own group `anschrift` (Rust type `Anschrift`), so the type of the reused
    // address group must take another name, or the checker would reject the collision.
    let own = group("G10000050", "Anschrift", "", &entry("1:1", &field("F10000051", "Zeile", "text", "")));
    let inner = [
        entry("1:1", &own),
        entry("1:1", &group("G10000020", "Antragsteller", "", &entry("1:1", &address("")))),
        entry("1:1", &group("G10000030", "Vertreter", "", &entry("1:1", &address("")))),
    ]
    .concat();
    let (imported, form) = import_and_check(&xdf3(&inner), &Library::default(), "rust names");
    assert_eq!(imported.report.shared_types, 1, "{}", imported.source);
    assert!(imported.source.contains("\ngroup Anschrift_2 \"Anschrift\" {\n"), "{}", imported.source);
    assert!(imported.source.contains("  group anschrift \"Anschrift\" required {\n"), "{}", imported.source);
    assert_eq!(form.group_types.keys().collect::<Vec<_>>(), ["Anschrift_2"]);
}
