//! The build cache (`driver/incremental.rs`): after every kind of edit, a build that uses the
//! cache leaves exactly the generation a whole build writes, and it remakes only the changed
//! forms where the issue says it must (a one-form edit), falling back to a whole build
//! everywhere else (modules, added and removed forms, catalogue-wide changes, hand-edited
//! output).

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

use common::{copy_dir, snapshot_tree, write};

fn formwerk(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_formwerk")).args(args).current_dir(dir).output().unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The generation in `out`, without the cache (not part of it).
fn generation(out: &Path) -> BTreeMap<String, Option<Vec<u8>>> {
    let mut tree = snapshot_tree(out);
    tree.retain(|name, _| !name.starts_with(".formwerk-cache"));
    tree
}

/// Builds with the cache into `out`, then without it into `full`, and asserts that both
/// generations are the same; returns how many forms the cached build remade (all: the
/// number of forms).
fn build_both(root: &Path, what: &str) -> usize {
    let cached = formwerk(root, &["build", "--forms", "forms", "--out", "out"]);
    assert_eq!(cached.status.code(), Some(0), "{what}: {}", stderr(&cached));
    let _ = std::fs::remove_dir_all(root.join("full"));
    let full = formwerk(root, &["build", "--forms", "forms", "--out", "full", "--no-cache"]);
    assert_eq!(full.status.code(), Some(0), "{what}: {}", stderr(&full));
    let (cached_tree, full_tree) = (generation(&root.join("out")), generation(&root.join("full")));
    let differ: Vec<&String> =
        cached_tree.keys().chain(full_tree.keys()).filter(|k| cached_tree.get(*k) != full_tree.get(*k)).collect();
    assert!(differ.is_empty(), "{what}: the cached build differs from a whole build in {differ:?}");
    remade(&stderr(&cached))
}

/// The number of forms a build's message says it remade.
fn remade(message: &str) -> usize {
    let line = message.lines().find(|l| l.starts_with("built ")).unwrap_or_else(|| panic!("{message}"));
    match line.split_once(" files, ") {
        Some((_, rest)) => rest.split(' ').next().unwrap().parse().unwrap(),
        None => line.split(' ').nth(1).unwrap().parse().unwrap(),
    }
}

fn edit(root: &Path, file: &str, from: &str, to: &str) {
    let path = root.join("forms").join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} has {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

/// The corpus's forms (`forms/*.form`) and every source file of it (modules too).
fn corpus_counts() -> (usize, usize) {
    let forms = Path::new(env!("CARGO_MANIFEST_DIR")).join("forms");
    let count = |dir: &Path| {
        std::fs::read_dir(dir)
            .unwrap()
            .filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "form"))
            .count()
    };
    let forms_n = count(&forms);
    (forms_n, forms_n + count(&forms.join("common")))
}

/// A copy of the corpus with its catalogues.
fn corpus_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    for sub in ["forms", "catalogues"] {
        std::fs::create_dir(dir.path().join(sub)).unwrap();
        copy_dir(&repo.join(sub), &dir.path().join(sub));
    }
    dir
}

#[test]
fn a_cached_build_writes_what_a_whole_build_writes_after_every_kind_of_edit() {
    let dir = corpus_project();
    let root = dir.path();
    let n = corpus_counts().0;
    assert_eq!(build_both(root, "first build"), n, "no cache yet: every form");
    assert_eq!(build_both(root, "nothing changed"), 0);

    // One form's text: only that form.
    edit(root, "hundesteuer.form", "\"Anmeldung zur Hundesteuer\"", "\"Anmeldung zur Hundesteuer (neu)\"");
    assert_eq!(build_both(root, "a title"), 1);
    // A comment: the form is checked again; its files are the same, the manifest changes.
    edit(root, "jaegerpruefung.form", "form jaegerpruefung", "// Kommentar\nform jaegerpruefung");
    assert_eq!(build_both(root, "a comment"), 1);
    // The base of an overlay: the overlay too.
    edit(root, "wohngeld.form", "form wohngeld", "// Kommentar\nform wohngeld");
    assert_eq!(build_both(root, "an overlay's base"), 2);
    // Two forms at once.
    edit(root, "hundesteuer.form", "(neu)", "(neuer)");
    edit(root, "fuehrungszeugnis.form", "version \"1.0.0\"", "version \"1.0.0\" // zwei");
    assert_eq!(build_both(root, "two forms"), 2);

    // What the crate's catalogue-wide files read (the version is in its README): all forms.
    edit(root, "hundesteuer.form", "  version \"1.0.0\"", "  version \"1.1.0\"");
    assert_eq!(build_both(root, "a version"), n);
    // A module that forms use: all forms.
    edit(root, "common/address.form", "\"", "\"Neu: ");
    assert_eq!(build_both(root, "a module"), n);
    // A form added, then removed.
    let text = std::fs::read_to_string(root.join("forms/hundesteuer.form")).unwrap();
    write(root, "forms/hundesteuer2.form", text.replace("form hundesteuer", "form hundesteuer2"));
    assert_eq!(build_both(root, "a form added"), n + 1);
    std::fs::remove_file(root.join("forms/hundesteuer2.form")).unwrap();
    assert_eq!(build_both(root, "a form removed"), n);

    // Output edited, added or removed by hand: a whole build repairs it.
    std::fs::write(root.join("out/html/hundesteuer.html"), "edited by hand").unwrap();
    assert_eq!(build_both(root, "an output edited by hand"), n);
    std::fs::write(root.join("out/json-schema/old.schema.json"), "{}").unwrap();
    assert_eq!(build_both(root, "an output added by hand"), n);
    assert!(!root.join("out/json-schema/old.schema.json").exists());
    std::fs::remove_file(root.join("out/xdf3/wohngeld.xdf3.xml")).unwrap();
    assert_eq!(build_both(root, "an output removed by hand"), n);
    std::fs::remove_file(root.join("out/.formwerk-cache.json")).unwrap();
    assert_eq!(build_both(root, "no cache"), n);
    std::fs::write(root.join("out/.formwerk-cache.json"), "{ not json").unwrap();
    assert_eq!(build_both(root, "a damaged cache"), n);
    assert_eq!(build_both(root, "and again nothing changed"), 0);
}

#[test]
fn a_cached_build_with_errors_writes_nothing_and_the_next_one_remakes_the_form() {
    let dir = corpus_project();
    let root = dir.path();
    assert_eq!(build_both(root, "first build"), corpus_counts().0);
    let before = snapshot_tree(&root.join("out"));
    edit(root, "hundesteuer.form", "title \"", "titel \"");
    let failed = formwerk(root, &["build", "--forms", "forms", "--out", "out"]);
    assert_eq!(failed.status.code(), Some(1), "{}", stderr(&failed));
    assert!(stderr(&failed).contains("hundesteuer.form"), "{}", stderr(&failed));
    assert_eq!(snapshot_tree(&root.join("out")), before, "a failed build changes nothing");
    edit(root, "hundesteuer.form", "titel \"", "title \"Neu: ");
    assert_eq!(build_both(root, "fixed"), 1);
}

#[test]
fn the_library_reports_what_it_remade_and_every_source() {
    let dir = corpus_project();
    let root = dir.path();
    let build = formwerk::Build::new().forms(root.join("forms")).out(root.join("out"));
    let (n, sources) = corpus_counts();
    let first = build.run().unwrap();
    assert_eq!((first.forms, first.remade), (n, n));
    edit(root, "jaegerpruefung.form", "form jaegerpruefung", "// neu\nform jaegerpruefung");
    let second = build.run().unwrap();
    assert_eq!((second.forms, second.remade), (n, 1));
    // A build script still learns every file the build depends on.
    let sorted = |built: &formwerk::build::Built| {
        let mut sources = built.sources();
        sources.sort();
        sources
    };
    assert_eq!(sorted(&second), sorted(&first));
    assert_eq!(sorted(&first).len(), sources, "{:?}", sorted(&first));
    // An overlay is made again with its base (`wohngeld_sachsen extends wohngeld`).
    edit(root, "wohngeld.form", "form wohngeld", "// neu\nform wohngeld");
    assert_eq!(build.run().unwrap().remade, 2);
    let uncached = formwerk::Build::new().forms(root.join("forms")).out(root.join("out")).cache(false).run().unwrap();
    assert_eq!(uncached.remade, n);
}

#[test]
fn a_tampered_cache_is_never_trusted_into_a_wrong_or_failed_build() {
    let dir = corpus_project();
    let root = dir.path();
    assert_eq!(build_both(root, "first build"), corpus_counts().0);
    let cache_path = root.join("out/.formwerk-cache.json");
    type Tamper = fn(&mut serde_json::Value);
    let tamperings: Vec<(&str, Tamper)> = vec![
        (
            "a constant that is no identifier",
            (|c| c["decisions"]["rust"]["catalogues"]["hundesteuer"][0][1] = "DE; fn x() {}".into()),
        ),
        (
            "a language the form does not have",
            (|c| c["decisions"]["rust"]["catalogues"]["hundesteuer"][0][0] = "xx".into()),
        ),
        (
            "a shared module that is no name",
            (|c| {
                c["decisions"]["rust"]["shared"].as_array_mut().unwrap().push(serde_json::json!(["a b\"c", "list:X"]))
            }),
        ),
        ("decisions of another shape", (|c| c["decisions"]["rust"] = serde_json::json!([1, 2, 3]))),
        ("a stamp outside the output", (|c| c["stamps"]["../../../../etc/passwd"] = "file 1 1".into())),
        ("a contribution that differs", (|c| c["contributions"]["rust"]["hundesteuer"] = "0".into())),
    ];
    for (what, tamper) in tamperings {
        // The cache of the last build (else it would not match the manifest and count anyway).
        let mut cache: serde_json::Value = serde_json::from_slice(&std::fs::read(&cache_path).unwrap()).unwrap();
        tamper(&mut cache);
        std::fs::write(&cache_path, serde_json::to_vec(&cache).unwrap()).unwrap();
        edit(root, "hundesteuer.form", "title \"", "title \"x");
        // Whatever the cache says, the build ends in the whole build's generation.
        build_both(root, what);
    }
}
