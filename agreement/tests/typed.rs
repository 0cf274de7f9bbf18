//! The typed data of the generated crate: every valid example of a corpus form reads into its
//! `Submission` and writes back unchanged; code lists that several forms share are one type.

mod common;

use formwerk::validate::{Compiled, Options};
use formwerk::value::Date;

fn valid_examples(form_id: &str) -> Vec<serde_json::Value> {
    let form = common::corpus_form(form_id);
    let compiled = Compiled::new(&form);
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

round_trip!(
    bewohnerparkausweis,
    fuehrungszeugnis,
    gewerbeanmeldung,
    hundesteuer,
    integrationskurs,
    jaegerpruefung,
    wohngeld,
    wohngeld_sachsen,
    wohnsitzanmeldung
);

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

/// The typed structs read only what the form has: an unknown or repeated member, a missing
/// required one and a code outside its list are errors; `null` for an optional one is absent.
#[test]
fn typed_data_refuses_what_the_form_does_not_have() {
    use formwerk_forms::shared::common_person::NatuerlichePerson;
    let person = serde_json::json!({"familienname": "Groß", "vornamen": "Jörg", "geburtsdatum": "1980-01-01", "geschlecht": "m", "geburtsort": "Görlitz", "staatsangehoerigkeit": "000"});
    let read = |value: &serde_json::Value| serde_json::from_value::<NatuerlichePerson>(value.clone());
    assert!(read(&person).is_ok());
    let mut unknown = person.clone();
    unknown["spitzname"] = "Jo".into();
    assert!(read(&unknown).unwrap_err().to_string().contains("unknown field `spitzname`"));
    let mut missing = person.clone();
    missing.as_object_mut().unwrap().remove("familienname");
    assert!(read(&missing).unwrap_err().to_string().contains("missing field `familienname`"));
    let mut bad_code = person.clone();
    bad_code["geschlecht"] = "q".into();
    assert!(read(&bad_code).unwrap_err().to_string().contains("a code of the list"));
    let repeated = r#"{"familienname": "A", "familienname": "B", "vornamen": "J", "geburtsdatum": "1980-01-01", "geschlecht": "m", "geburtsort": "G", "staatsangehoerigkeit": "000"}"#;
    let error = serde_json::from_str::<NatuerlichePerson>(repeated).unwrap_err().to_string();
    assert!(error.contains("duplicate field `familienname`"), "{error}");
    let mut null = person.clone();
    null["geburtsname"] = serde_json::Value::Null;
    assert_eq!(read(&null).unwrap().geburtsname, None);
    let typed = read(&person).unwrap();
    assert_eq!(serde_json::to_value(&typed).unwrap(), person);
}
