//! External code lists against the real genericode lists in `../shared/fim/codelists/`
//! (read from there, never copied into the project; see its SOURCES.md): a form refers to a
//! list by URN and version and gets exactly that file; the FIM import resolves
//! `codelisteReferenz` the same way, exports it again as a reference, and re-imports to the
//! same code lists; hostile code-list directories are refused, naming the file, without a
//! panic or a hang; and the command line finds lists with `--codelists` and by default.

use std::path::{Path, PathBuf};
use std::process::Command;

use formwerk::codelists::{Library, Resolution};
use formwerk::fim;
use formwerk::ir::{self, FieldType, Item};

const STAAT: &str = "urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:staat";
const STAAT_2023_SHA256: &str = "0e65d148d426aa9e37438e9f16d6bef236306ec51ee80dbec07f3ba2d9168221";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared/fim/codelists`, beside the repository (as on every developer's machine and in
/// CI); `None`, with a message, when it is not there, except under `CI=true`.
fn shared_lists() -> Option<PathBuf> {
    let dir = root().join("../shared/fim/codelists");
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(std::env::var_os("CI").is_none(), "CI has ../shared/fim/codelists beside the clone");
    eprintln!("skipping: no ../shared/fim/codelists beside the repository");
    None
}

fn formwerk() -> Command {
    Command::new(env!("CARGO_BIN_EXE_formwerk"))
}

fn sample(name: &str) -> String {
    std::fs::read_to_string(root().join("tests/fim/samples/xdf3").join(name)).unwrap()
}

/// Imports `xml` with `library`, checks the printed source with the same library and returns
/// the report and the form; panics on any diagnostic.
fn import_and_check(xml: &str, library: &Library) -> (fim::Imported, ir::Form) {
    let imported = fim::import(xml, library).unwrap();
    let (db, checked) = fim::check_source_with("import.form", &imported.source, library);
    let rendered =
        formwerk::diag::render::render_all(&db, &checked.diagnostics, formwerk::diag::render::RenderOptions::plain());
    assert!(checked.diagnostics.is_empty(), "the imported source does not check clean:\n{rendered}");
    let form = checked.forms.into_iter().next().unwrap().1;
    (imported, form)
}

/// Every field's path and type, in order.
fn field_types(items: &[Item], path: &str, out: &mut Vec<(String, FieldType)>) {
    for item in items {
        match item {
            Item::Field(f) => out.push((format!("{path}/{}", f.name), f.ty.clone())),
            Item::Group(g) => field_types(&g.items, &format!("{path}/{}", g.name), out),
            Item::Repeat(r) => field_types(&r.items, &format!("{path}/{}", r.name), out),
            Item::Info(_) => {}
        }
    }
}

fn fields_of(form: &ir::Form) -> Vec<(String, FieldType)> {
    let mut out = Vec::new();
    for page in &form.pages {
        field_types(&page.items, "", &mut out);
    }
    out
}

#[test]
fn the_real_lists_load_and_a_reference_gets_exactly_its_version() {
    let Some(dir) = shared_lists() else { return };
    let library = formwerk::driver::load_codelists(&dir).unwrap();
    assert_eq!(library.len(), 8);
    let Resolution::Exact(entry) = library.resolve(STAAT, Some("2023-02-24")) else { panic!("staat 2023-02-24") };
    assert_eq!(entry.file, "staat_2023-02-24.xml");
    assert_eq!(entry.sha256, STAAT_2023_SHA256, "the byte-exact copy of SOURCES.md");
    assert_eq!(entry.list.codes.len(), 197);
    assert_eq!(entry.list.codes[0], ("000".to_string(), "Deutschland".to_string()));
    let Resolution::Exact(newer) = library.resolve(STAAT, Some("2024-08-01")) else { panic!("staat 2024-08-01") };
    assert_eq!(newer.file, "staat_2024-08-01.xml");
    assert_eq!(library.resolve(STAAT, Some("2017-01-01")), Resolution::OtherVersions(vec!["2023-02-24", "2024-08-01"]));
    assert!(matches!(library.resolve(STAAT, None), Resolution::Newest(e) if e.file == "staat_2024-08-01.xml"));
    // Column ids differ between versions of one list (2.2 has 7 columns, 2.4 has 14).
    let rechtsformen = "urn:xoev-de:xunternehmen:codeliste:rechtsformen";
    let Resolution::Exact(old) = library.resolve(rechtsformen, Some("2.2")) else { panic!("rechtsformen 2.2") };
    let Resolution::Exact(new) = library.resolve(rechtsformen, Some("2.4")) else { panic!("rechtsformen 2.4") };
    assert_eq!((old.list.codes.len(), new.list.codes.len()), (164, 174));
    assert!(matches!(
        library.resolve("urn:xoev-de:xunternehmen:codeliste:registergerichte", Some("14")),
        Resolution::Unknown
    ));
}

#[test]
fn a_fim_reference_to_staat_2023_02_24_resolves_to_that_file_and_a_missing_version_warns() {
    let Some(dir) = shared_lists() else { return };
    let library = formwerk::driver::load_codelists(&dir).unwrap();
    let xml = sample("S07000000201V1.2.0_xdf3.xml");
    let (imported, form) = import_and_check(&xml, &library);
    assert!(imported.source.contains(&format!("from \"{STAAT}\" version \"2023-02-24\"\n")), "{}", imported.source);
    assert_eq!((imported.report.codelists_external, imported.report.codelists_unresolved), (1, 0));
    let staat: Vec<&ir::CodeList> = form.codelists.values().filter(|l| l.urn.as_deref() == Some(STAAT)).collect();
    assert_eq!(staat.len(), 1);
    assert_eq!(staat[0].version.as_deref(), Some("2023-02-24"));
    let external = staat[0].external.as_ref().expect("the list is external");
    assert_eq!((external.file.as_str(), external.sha256.as_str()), ("staat_2023-02-24.xml", STAAT_2023_SHA256));
    assert_eq!(staat[0].codes.len(), 197);

    // The same reference to a version that is not present: another version is not used.
    let old = xml.replace(">2023-02-24</xdf3:version>", ">2017-01-01</xdf3:version>");
    assert_ne!(old, xml);
    let (imported, form) = import_and_check(&old, &library);
    assert_eq!((imported.report.codelists_external, imported.report.codelists_unresolved), (0, 1));
    assert!(form.codelists.values().all(|l| l.urn.as_deref() != Some(STAAT)));
    let warning = imported.report.warnings.iter().find(|w| w.contains(STAAT)).expect("a warning names the list");
    assert!(warning.contains("version 2017-01-01 not available, only versions 2023-02-24, 2024-08-01"), "{warning}");
    assert!(imported.source.contains(&format!("// FIM code list {STAAT} version 2017-01-01: not available")));
}

#[test]
fn every_xdf3_sample_imports_with_the_real_lists_exports_references_and_reimports_the_same_lists() {
    let Some(dir) = shared_lists() else { return };
    let library = formwerk::driver::load_codelists(&dir).unwrap();
    let mut counts = String::new();
    let mut exports = Vec::new();
    for entry in std::fs::read_dir(root().join("tests/fim/samples/xdf3")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let (imported, form) = import_and_check(&std::fs::read_to_string(&path).unwrap(), &library);
        counts.push_str(&format!(
            "{name}: {} resolved, {} unresolved\n",
            imported.report.codelists_external, imported.report.codelists_unresolved
        ));
        let exported = formwerk::emit::xdf3::document(&form);
        let compact: String = exported.split_whitespace().collect();
        for list in form.codelists.values().filter(|l| l.external.is_some()) {
            let (urn, version) = (list.urn.as_deref().unwrap(), list.version.as_deref().unwrap());
            let reference = format!(
                "<xdf:codelisteReferenz><xdf:canonicalIdentification>{urn}</xdf:canonicalIdentification><xdf:version>{version}</xdf:version><xdf:canonicalVersionUri>{urn}_{version}</xdf:canonicalVersionUri></xdf:codelisteReferenz>"
            );
            assert!(compact.contains(&reference), "{name}: no reference to {urn} {version}");
            assert!(
                !exported.contains("<xdf:code>000</xdf:code>"),
                "{name}: an external list is not written as values"
            );
        }
        let (_, again) = import_and_check(&exported, &library);
        assert_eq!(again.codelists, form.codelists, "{name}: the code lists changed in import → export → import");
        assert_eq!(fields_of(&again), fields_of(&form), "{name}: field types changed in import → export → import");
        exports.push((name, exported));
    }
    insta::assert_snapshot!("xdf3_samples_with_the_real_lists", {
        let mut lines: Vec<&str> = counts.lines().collect();
        lines.sort();
        lines.join("\n")
    });
    // The exports (with `codelisteReferenz`) are valid XDatenfelder 3.0.0.
    if Command::new("xmllint").arg("--version").output().is_err() {
        assert!(std::env::var_os("CI").is_none(), "xmllint is missing; .ci/run installs Debian's libxml2-utils");
        return;
    }
    let out = tempfile::tempdir().unwrap();
    let paths: Vec<PathBuf> = exports
        .iter()
        .map(|(name, xml)| {
            let path = out.path().join(format!("{name}.xml"));
            std::fs::write(&path, xml).unwrap();
            path
        })
        .collect();
    let run = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(root().join("tests/fim/xsd/xdf3.0.0/xdatenfelder.xsd"))
        .args(&paths)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert_eq!(stderr.matches(" validates").count(), paths.len(), "{stderr}");
}

const FORM: &str = r#"form staatsangabe {
  title "Staatsangabe" en "State"
  version "1.0.0"
  languages de, en
  codelist Staat "Staat" en "State" from "urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:staat" version "2023-02-24"
  field staat: choice of Staat "Staat" en "State" required
}
"#;

/// A project: `forms/staatsangabe.form` and, if `lists`, `codelists/` with the two staat lists.
fn project(lists: &Path, with_codelists: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("forms")).unwrap();
    std::fs::write(dir.path().join("forms/staatsangabe.form"), FORM).unwrap();
    if with_codelists {
        std::fs::create_dir(dir.path().join("codelists")).unwrap();
        for name in ["staat_2023-02-24.xml", "staat_2024-08-01.xml"] {
            std::fs::copy(lists.join(name), dir.path().join("codelists").join(name)).unwrap();
        }
    }
    dir
}

#[test]
fn the_command_line_finds_lists_with_codelists_and_in_the_default_directory() {
    let Some(lists) = shared_lists() else { return };
    // Without a code-list directory: E0420, exit 1.
    let bare = project(&lists, false);
    let run = formwerk().current_dir(bare.path()).args(["check", "--color", "never"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("E0420") && stderr.contains("`--codelists"), "{stderr}");
    // `--codelists` names the directory.
    let run = formwerk().current_dir(bare.path()).args(["check", "--codelists"]).arg(&lists).output().unwrap();
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));

    // `codelists/` next to `forms/` is used without configuration, by check, build and validate.
    let dir = project(&lists, true);
    let run = formwerk().current_dir(dir.path()).arg("check").output().unwrap();
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
    let run = formwerk().current_dir(dir.path()).arg("build").output().unwrap();
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
    let ir = std::fs::read_to_string(dir.path().join("generated/ir/staatsangabe.json")).unwrap();
    assert!(ir.contains("\"file\": \"staat_2023-02-24.xml\"") && !ir.contains(&*dir.path().to_string_lossy()));
    let schema = std::fs::read_to_string(dir.path().join("generated/json-schema/staatsangabe.schema.json")).unwrap();
    assert!(schema.contains("\"version\": \"2023-02-24\"") && schema.contains(STAAT_2023_SHA256));
    let xdf3 = std::fs::read_to_string(dir.path().join("generated/xdf3/staatsangabe.xdf3.xml")).unwrap();
    assert!(xdf3.contains("<xdf:version>2023-02-24</xdf:version>"));
    let rust = std::fs::read_to_string(dir.path().join("generated/rust/forms/staatsangabe/src/lib.rs")).unwrap();
    assert!(rust.contains("External genericode list urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:staat, version 2023-02-24, read from `staat_2023-02-24.xml`"));
    for (code, expected) in [("000", 0), ("999", 1)] {
        let submission = dir.path().join("s.json");
        std::fs::write(&submission, format!("{{\"staat\": \"{code}\"}}")).unwrap();
        let run = formwerk()
            .current_dir(dir.path())
            .args(["validate", "forms/staatsangabe.form", "s.json", "--today", "2026-01-01"])
            .output()
            .unwrap();
        assert_eq!(run.status.code(), Some(expected), "{code}: {}", String::from_utf8_lossy(&run.stdout));
    }
    // Another directory given explicitly wins over the default one.
    let empty = tempfile::tempdir().unwrap();
    let run = formwerk().current_dir(dir.path()).args(["check", "--codelists"]).arg(empty.path()).output().unwrap();
    assert_eq!(run.status.code(), Some(1));
}

/// Puts one hostile entry into a code-list directory.
type Make = dyn Fn(&Path);

#[cfg(unix)]
#[test]
fn hostile_code_list_directories_are_refused_naming_the_file() {
    let Some(lists) = shared_lists() else { return };
    let cases: Vec<(&str, Box<Make>, &str)> = vec![
        (
            "link",
            Box::new(|dir: &Path| std::os::unix::fs::symlink("/proc/self/environ", dir.join("a.xml")).unwrap()),
            "a.xml` is a symbolic link",
        ),
        (
            "fifo",
            Box::new(|dir: &Path| {
                let path = std::ffi::CString::new(dir.join("a.xml").to_string_lossy().as_bytes()).unwrap();
                assert_eq!(unsafe { libc::mkfifo(path.as_ptr(), 0o600) }, 0);
            }),
            "not a regular file",
        ),
        (
            "huge",
            Box::new(|dir: &Path| {
                let file = std::fs::File::create(dir.join("a.xml")).unwrap();
                file.set_len(17 * 1024 * 1024).unwrap();
            }),
            "larger than 16 MiB",
        ),
        (
            "not genericode",
            Box::new(|dir: &Path| std::fs::write(dir.join("a.xml"), "<html><body>Staat</body></html>").unwrap()),
            "is not a genericode code list: the root element is not a genericode `CodeList`",
        ),
        (
            "billion laughs",
            Box::new(|dir: &Path| {
                let mut xml = String::from("<?xml version=\"1.0\"?><!DOCTYPE CodeList [<!ENTITY l0 \"ha\">");
                for i in 1..10 {
                    xml.push_str(&format!("<!ENTITY l{i} \"{}\">", format!("&l{};", i - 1).repeat(10)));
                }
                xml.push_str("]><CodeList><Identification><ShortName>&l9;</ShortName></Identification></CodeList>");
                std::fs::write(dir.join("a.xml"), xml).unwrap();
            }),
            "is not a genericode code list: not well-formed XML",
        ),
        (
            "latin-1",
            Box::new(|dir: &Path| std::fs::write(dir.join("a.xml"), b"<CodeList>Gr\xfcn</CodeList>").unwrap()),
            "a.xml` is not UTF-8",
        ),
        (
            "same version, other codes",
            Box::new(|dir: &Path| {
                let text = std::fs::read_to_string(dir.join("staat_2023-02-24.xml")).unwrap();
                std::fs::write(dir.join("zz.xml"), text.replacen(">000<", ">001<", 1)).unwrap();
            }),
            "like `staat_2023-02-24.xml`, with other codes",
        ),
    ];
    for (what, make, expected) in cases {
        let dir = project(&lists, true);
        make(&dir.path().join("codelists"));
        let started = std::time::Instant::now();
        let run = formwerk().current_dir(dir.path()).args(["check", "--color", "never"]).output().unwrap();
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(2), "{what}: {stderr}");
        assert!(stderr.contains(expected), "{what}: {stderr}");
        assert!(!stderr.contains("panicked") && !stderr.contains("HOME="), "{what}: {stderr}");
        assert!(started.elapsed().as_secs() < 20, "{what}: took {:?}", started.elapsed());
    }
    // The directory itself must not be a link.
    let dir = project(&lists, false);
    std::os::unix::fs::symlink(&lists, dir.path().join("codelists")).unwrap();
    let run = formwerk().current_dir(dir.path()).arg("check").output().unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("is a symbolic link"), "{stderr}");
}

#[test]
fn a_form_with_an_external_list_exports_a_reference_and_round_trips_to_the_same_ir() {
    let Some(dir) = shared_lists() else { return };
    let library = formwerk::driver::load_codelists(&dir).unwrap();
    let mut db = formwerk::source::SourceDb::new();
    let file = db.add("staatsangabe.form", "staatsangabe", FORM);
    let loader = formwerk::source::MemoryLoader::default();
    let checked = formwerk::check::check_with_codelists(&mut db, &loader, &library, &[file]);
    assert!(checked.diagnostics.is_empty(), "{:?}", checked.diagnostics);
    let form = &checked.forms[0].1;
    let exported = formwerk::emit::xdf3::document(form);
    assert!(!exported.contains("<xdf:werte>"), "an external list is referenced, not written as values");
    let (first, imported) = import_and_check(&exported, &library);
    assert!(
        first.source.contains(&format!("codelist Staat from \"{STAAT}\" version \"2023-02-24\"\n")),
        "{}",
        first.source
    );
    assert_eq!(imported.codelists["Staat"].codes, form.codelists["Staat"].codes);
    assert_eq!(imported.codelists["Staat"].external, form.codelists["Staat"].external);
    let (_, again) = import_and_check(&formwerk::emit::xdf3::document(&imported), &library);
    assert_eq!(again, imported, "import → export → import changed the IR");
}

#[test]
fn a_fim_reference_without_a_version_gets_the_newest_with_a_warning() {
    let Some(dir) = shared_lists() else { return };
    let library = formwerk::driver::load_codelists(&dir).unwrap();
    let xml = sample("S07000000201V1.2.0_xdf3.xml");
    let unversioned = xml.replace("<xdf3:version>2023-02-24</xdf3:version>", "");
    assert_ne!(unversioned, xml);
    let (imported, form) = import_and_check(&unversioned, &library);
    assert!(imported.source.contains(&format!("from \"{STAAT}\" version \"2024-08-01\"\n")), "{}", imported.source);
    assert!(imported
        .report
        .warnings
        .iter()
        .any(|w| w.contains("referenced without a version; the newest present, 2024-08-01, is used")));
    let staat = form.codelists.values().find(|l| l.urn.as_deref() == Some(STAAT)).unwrap();
    assert_eq!(staat.external.as_ref().unwrap().file, "staat_2024-08-01.xml");
}

/// Cascading choices over the real DESTATIS Kreis list: `within Bundesland by prefix 2` gives
/// each of its codes the state of its first two digits, and a district outside the chosen
/// state is `not_within`.
#[test]
fn the_real_kreis_list_cascades_from_the_states_by_prefix() {
    let Some(dir) = shared_lists() else { return };
    let library = formwerk::driver::load_codelists(&dir).unwrap();
    let states: String = (1..=16).map(|n| format!("    code \"{n:02}\" \"Land {n:02}\"\n")).collect();
    let source = format!(
        "form f {{\n  title \"F\"\n  version \"1.0.0\"\n  languages de\n  codelist Bundesland {{\n{states}  }}\n  \
         codelist Kreis \"Kreis\" from \"urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:kreis\" version \"2021-07-31\" {{\n    \
         within Bundesland by prefix 2\n  }}\n  field land: choice of Bundesland \"Land\"\n  \
         field kreis: choice of Kreis within land \"Kreis\"\n}}\n"
    );
    let (db, checked) = fim::check_source_with("main.form", &source, &library);
    let rendered =
        formwerk::diag::render::render_all(&db, &checked.diagnostics, formwerk::diag::render::RenderOptions::plain());
    assert!(checked.diagnostics.is_empty(), "{rendered}");
    let form = checked.forms.into_iter().next().unwrap().1;
    let kreis = &form.codelists["Kreis"];
    assert_eq!(kreis.within.as_deref(), Some("Bundesland"));
    assert!(kreis.codes.len() > 400);
    assert!(kreis.codes.iter().all(|c| c.within.as_deref() == Some(&c.code[..2])));
    let options = formwerk::validate::Options { today: formwerk::value::Date::parse("2026-01-01").unwrap() };
    let codes = |report: formwerk::validate::Report| report.violations.into_iter().map(|v| v.code).collect::<Vec<_>>();
    let valid = formwerk::validate::validate(&form, &serde_json::json!({"land": "09", "kreis": "09162"}), &options);
    assert!(codes(valid).is_empty());
    let outside = formwerk::validate::validate(&form, &serde_json::json!({"land": "11", "kreis": "09162"}), &options);
    assert_eq!(codes(outside), ["not_within"]);
}
