//! The generated Rust crate: its typed data reads every valid example of its form and writes
//! it back unchanged, and the crate builds on its own when copied to an empty directory.

use std::path::Path;

use formwerk::validate::{Compiled, Options};
use formwerk::value::Date;

fn valid_examples(form_id: &str) -> Vec<serde_json::Value> {
    let session = formwerk::driver::check_paths(&[Path::new("forms").to_path_buf()], Some(Path::new("forms"))).unwrap();
    let (_, form) = session.checked.forms.iter().find(|(_, f)| f.id == form_id).expect("a corpus form");
    let compiled = Compiled::new(form);
    let options = Options { today: Date::parse("2026-06-15").unwrap() };
    formwerk::examples::generate(&compiled, 200, 0, 21, &options).into_iter().map(|e| e.submission).collect()
}

macro_rules! round_trip {
    ($($form:ident),* $(,)?) => {$(
        #[test]
        fn $form() {
            let examples = valid_examples(stringify!($form));
            assert_eq!(examples.len(), 200);
            for example in examples {
                let typed: formwerk_forms::$form::Submission = serde_json::from_value(example.clone())
                    .unwrap_or_else(|e| panic!("{e}\n{example}"));
                assert_eq!(serde_json::to_value(&typed).unwrap(), example);
            }
            assert_eq!(formwerk_forms::$form::ID, stringify!($form));
        }
    )*};
}

round_trip!(bewohnerparkausweis, fuehrungszeugnis, gewerbeanmeldung, hundesteuer, jaegerpruefung, wohnsitzanmeldung);

#[test]
fn the_crate_builds_alone() {
    let copy = tempfile::tempdir().unwrap();
    let mut stack = vec![Path::new("generated/rust").to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let target = copy.path().join(path.strip_prefix("generated/rust").unwrap());
            if path.is_dir() {
                std::fs::create_dir_all(&target).unwrap();
                stack.push(path);
            } else {
                std::fs::copy(&path, &target).unwrap();
            }
        }
    }
    // The copy is its own workspace, outside this one.
    let manifest = copy.path().join("Cargo.toml");
    let mut text = std::fs::read_to_string(&manifest).unwrap();
    text.push_str("\n[workspace]\n");
    std::fs::write(&manifest, text).unwrap();
    let output = std::process::Command::new(env!("CARGO"))
        .args(["build", "--offline", "--quiet"])
        .current_dir(copy.path())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
}

#[test]
fn shared_code_lists_are_one_type_with_codes_and_labels() {
    use formwerk_forms::shared::common_codes::Geschlecht;
    assert_eq!(Geschlecht::M.code(), "m");
    assert_eq!(Geschlecht::M.label("de"), Some("männlich"));
    assert_eq!(Geschlecht::M.label("en"), Some("male"));
    assert_eq!(Geschlecht::M.label("fr"), None);
    assert_eq!(serde_json::to_value(Geschlecht::M).unwrap(), "m");
    // Every form that uses the list refers to this one type.
    let person: formwerk_forms::shared::common_person::NatuerlichePerson =
        serde_json::from_value(serde_json::json!({"familienname": "Groß", "vornamen": "Jörg", "geburtsdatum": "1980-01-01", "geschlecht": "m", "geburtsort": "Görlitz", "staatsangehoerigkeit": "000"}))
            .unwrap();
    assert_eq!(person.geschlecht, Geschlecht::M);
}
