//! Project catalogues on disk: `catalogues/` next to the forms and `--catalogues DIR` are
//! found, and hostile catalogue directories and files give a clear error, never a panic.

use std::path::Path;

use formwerk::diag::Code;
use formwerk::driver;

const FORM: &str = "form antrag {\n  title \"Antrag\" ar \"طلب\"\n  version \"1.0.0\"\n  languages de, ar\n}\n";

fn project(catalogue: Option<&[u8]>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("forms")).unwrap();
    std::fs::write(dir.path().join("forms/antrag.form"), FORM).unwrap();
    if let Some(bytes) = catalogue {
        std::fs::create_dir(dir.path().join("catalogues")).unwrap();
        std::fs::write(dir.path().join("catalogues/ar.toml"), bytes).unwrap();
    }
    dir
}

fn codes(root: &Path, catalogues: Option<&Path>) -> Result<Vec<Code>, String> {
    let forms = root.join("forms");
    driver::check_paths_in(std::slice::from_ref(&forms), Some(&forms), None, catalogues)
        .map(|session| session.checked.diagnostics.iter().map(|d| d.code).collect())
        .map_err(|e| e.to_string())
}

fn arabic() -> Vec<u8> {
    std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/catalogues/ar.toml")).unwrap()
}

#[test]
fn the_default_directory_and_the_option_are_found() {
    let dir = project(Some(&arabic()));
    assert_eq!(codes(dir.path(), None), Ok(vec![]));
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::rename(dir.path().join("catalogues"), elsewhere.path().join("texte")).unwrap();
    assert_eq!(codes(dir.path(), None), Ok(vec![Code::MissingCatalogue]));
    assert_eq!(codes(dir.path(), Some(&elsewhere.path().join("texte"))), Ok(vec![]));
}

#[test]
fn hostile_catalogues_are_errors_not_panics() {
    let huge = vec![b'#'; 300 * 1024];
    let not_utf8 = b"[language]\nname = \"\xff\"\n".to_vec();
    let mut markup = String::from_utf8(arabic()).unwrap();
    markup = markup.replace("\"توجد مشكلة\"", "\"<script>alert(1)</script>\"");
    for (bytes, expected) in [
        (huge, Some(Code::InvalidCatalogue)),
        (not_utf8, Some(Code::InvalidCatalogue)),
        (b"[[[ not toml".to_vec(), Some(Code::InvalidCatalogue)),
        (b"[messages]\nrequired = \"{label\"\n".to_vec(), Some(Code::InvalidCatalogue)),
        // Markup is text: accepted here, escaped on every page (tests/html.rs).
        (markup.into_bytes(), None),
    ] {
        let dir = project(Some(&bytes));
        let got = codes(dir.path(), None).unwrap();
        assert_eq!(got, expected.into_iter().collect::<Vec<_>>());
    }
}

#[test]
fn badly_named_or_linked_catalogues_stop_the_run() {
    let dir = project(Some(&arabic()));
    std::fs::write(dir.path().join("catalogues/arabisch.toml"), arabic()).unwrap();
    let error = codes(dir.path(), None).unwrap_err();
    assert!(error.contains("is not named by a language tag"), "{error}");

    #[cfg(unix)]
    {
        let dir = project(Some(&arabic()));
        std::fs::remove_file(dir.path().join("catalogues/ar.toml")).unwrap();
        std::os::unix::fs::symlink("/proc/self/environ", dir.path().join("catalogues/ar.toml")).unwrap();
        let error = codes(dir.path(), None).unwrap_err();
        assert!(error.contains("link"), "{error}");
        let linked = project(None);
        std::os::unix::fs::symlink(dir.path().join("catalogues"), linked.path().join("catalogues")).unwrap();
        let error = codes(linked.path(), None).unwrap_err();
        assert!(error.contains("symbolic link"), "{error}");
    }
}
