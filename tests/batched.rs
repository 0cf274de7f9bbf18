//! A whole build checks and makes a catalogue a batch of form files at a time
//! (`Build::forms_at_once`), so that its memory does not grow with the catalogue: the files it
//! writes, the manifest and the cache do not depend on the batches, a form declared in two
//! batches fails the build as `formwerk check` reports it, and the warnings of every batch are
//! reported with their source.

mod common;

use std::path::Path;
use std::sync::Mutex;

use common::{render_plain, snapshot_tree, write, CODES, GOOD};
use formwerk::Build;

/// The builds of this file run one at a time, so that a build's temporary directory is seen
/// only while that build runs.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The repository's forms, code lists and catalogues, copied to `dir`.
fn corpus_project(dir: &Path) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    for part in ["forms", "codelists", "catalogues"].into_iter().filter(|part| repo.join(part).is_dir()) {
        std::fs::create_dir_all(dir.join(part)).unwrap();
        common::copy_dir(&repo.join(part), &dir.join(part));
    }
}

/// The files below `out` with their contents; of the cache only what does not depend on the
/// time (what the build read and decided).
fn outputs(out: &Path) -> std::collections::BTreeMap<String, Option<Vec<u8>>> {
    let mut files = snapshot_tree(out);
    let cache = files.remove(".formwerk-cache.json").flatten().expect("a build writes its cache");
    let mut cache: serde_json::Value = serde_json::from_slice(&cache).unwrap();
    let cache = cache.as_object_mut().unwrap();
    for timed in ["stamps", "source_stamps"] {
        assert!(cache.remove(timed).is_some(), "the cache has {timed}");
    }
    files.insert("cache without stamps".to_string(), Some(serde_json::to_vec(cache).unwrap()));
    files
}

/// The spill directories of this process's builds left in the temporary directory.
fn spills_left() -> Vec<String> {
    let prefix = format!("formwerk-ir-{}-", std::process::id());
    std::fs::read_dir(std::env::temp_dir())
        .unwrap()
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.starts_with(&prefix))
        .collect()
}

#[test]
fn batches_of_any_size_make_the_same_files() {
    let _guard = one_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    corpus_project(dir.path());
    let forms = dir.path().join("forms");
    let build = |out: &str, at_once: usize, jobs: usize| {
        let out = dir.path().join(out);
        let built = Build::new().forms(&forms).out(&out).forms_at_once(at_once).jobs(jobs).run();
        let built = built.unwrap_or_else(|error| panic!("batches of {at_once}: {error}"));
        assert!(built.forms >= 9, "every corpus form is built");
        assert!(spills_left().is_empty(), "the IR written aside is removed: {:?}", spills_left());
        outputs(&out)
    };
    let whole = build("whole", 1000, 0);
    // The overlay `wohngeld_sachsen` and its base, and the modules of `common/` (read as
    // modules by the forms before them, and as files of their own later), all in other batches.
    for (at_once, jobs) in [(1, 1), (1, 0), (2, 0), (3, 2), (0, 0)] {
        let batched = build(&format!("at-{at_once}-{jobs}"), at_once, jobs);
        assert_eq!(batched.keys().collect::<Vec<_>>(), whole.keys().collect::<Vec<_>>(), "batches of {at_once}");
        for (path, contents) in &whole {
            assert!(batched[path] == *contents, "batches of {at_once}, {jobs} jobs: `{path}` differs");
        }
    }
    // What every form's IR says is what checking every file at once says.
    let session = formwerk::driver::check_paths_in(std::slice::from_ref(&forms), Some(&forms), None, None).unwrap();
    for (_, form) in &session.checked.forms {
        let written = std::fs::read(dir.path().join("whole/ir").join(format!("{}.json", form.id))).unwrap();
        let written: formwerk::ir::Form = serde_json::from_slice(&written).unwrap();
        assert_eq!(&written, form, "{}", form.id);
    }
}

#[test]
fn a_form_declared_in_two_batches_fails_the_build_as_check_reports_it() {
    let _guard = one_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "forms/antrag.form", GOOD);
    write(dir.path(), "forms/common/codes.form", CODES);
    // The same form again, in a file of its own: alone, each batch is fine.
    write(dir.path(), "forms/zweitantrag.form", GOOD);
    let forms = dir.path().join("forms");
    let out = dir.path().join("generated");
    let error = Build::new().forms(&forms).out(&out).forms_at_once(1).run().expect_err("the form is declared twice");
    let session = error.session().unwrap_or_else(|| panic!("an error in the forms, not: {error}"));
    let checked = formwerk::driver::check_paths(std::slice::from_ref(&forms), Some(&forms)).unwrap();
    let reported = render_plain(&session.db, &session.checked);
    assert!(reported.contains("form `antrag` is declared twice"), "{reported}");
    assert_eq!(reported, render_plain(&checked.db, &checked.checked));
    assert!(!out.exists(), "a failed build leaves no `--out` behind");
    assert!(spills_left().is_empty(), "{:?}", spills_left());
    // `build --check` says the same.
    let error = Build::new().forms(&forms).out(&out).forms_at_once(1).check().expect_err("declared twice");
    assert_eq!(render_plain(&error.session().unwrap().db, &error.session().unwrap().checked), reported);
}

#[test]
fn the_warnings_of_every_batch_are_reported_with_their_source() {
    let _guard = one_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "forms/common/codes.form", CODES);
    // Three forms, each with a label that lacks its English text (W0001), and one without.
    for (name, warns) in [("antrag_a", true), ("antrag_b", false), ("antrag_c", true), ("antrag_d", true)] {
        let label = if warns { r#""Art""# } else { r#""Art" en "Kind""# };
        let source = GOOD.replace("form antrag", &format!("form {name}")).replace(r#""Art" en "Kind""#, label);
        write(dir.path(), &format!("forms/{name}.form"), source);
    }
    let forms = dir.path().join("forms");
    let built = Build::new().forms(&forms).out(dir.path().join("generated")).forms_at_once(1).run().unwrap();
    assert_eq!(built.forms, 4);
    let checked = formwerk::driver::check_paths(std::slice::from_ref(&forms), Some(&forms)).unwrap();
    let expected = render_plain(&checked.db, &checked.checked);
    assert_eq!(expected.matches("W0001").count(), 3, "{expected}");
    // Rendered with the lines they point into: the files with warnings keep their text.
    assert_eq!(render_plain(&built.session().db, &built.session().checked), expected);
    assert!(expected.contains(r#"field art: choice of Art "Art" required"#), "{expected}");
}
