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

/// A reader of a form's data must accept what a newer version of the form produces:
/// `read_tolerant` skips members it does not know (at any depth) and keeps a code that an
/// `extensible` list does not have as `Open::Other`, while the intake (`from_json`) and the
/// plain typed read stay strict, and everything else stays as strict as before.
#[test]
fn tolerant_read_accepts_a_submission_of_a_newer_version() {
    use formwerk_forms::gewerbeanmeldung::{self as form, Betriebsart, Rechtsform};
    use formwerk_forms::runtime::json::Open;
    let today = formwerk_forms::runtime::date::Date::parse("2026-06-15").unwrap();
    let example = valid_examples("gewerbeanmeldung").into_iter().next().unwrap();
    // What version 1.2.0 might send: a new legal form (the European company, SE), a new kind of
    // business, a new member at the top and one inside the business's address.
    let mut newer = example.clone();
    newer["rechtsform"] = "SE".into();
    newer["betriebsart"] = serde_json::json!(["HA", "ONLINE"]);
    newer["steuernummer_neu"] = serde_json::json!({"wert": "12/345/67890", "geprueft": true});
    let group = newer.as_object_mut().unwrap().values_mut().find(|v| v.is_object()).unwrap();
    group["zusatz_neu"] = "x".into();
    let bytes = serde_json::to_vec(&newer).unwrap();

    // The intake and the plain typed read refuse it.
    assert!(form::from_json_on(&bytes, today).is_err());
    assert!(serde_json::from_slice::<form::Submission>(&bytes).is_err());

    // The tolerant read keeps what it knows.
    let typed = form::read_tolerant(&bytes).unwrap_or_else(|e| panic!("{e}\n{newer}"));
    assert_eq!(typed.rechtsform, Open::Other("SE".to_string()));
    assert_eq!(typed.rechtsform.code(), "SE");
    assert_eq!(typed.rechtsform.known(), None);
    assert_eq!(typed.betriebsart, vec![Open::Known(Betriebsart::HA), Open::Other("ONLINE".to_string())]);
    // Written back, it is the newer submission without the members this version lacks.
    let mut expected = newer.clone();
    expected.as_object_mut().unwrap().remove("steuernummer_neu");
    let group = expected.as_object_mut().unwrap().values_mut().find(|v| v.is_object()).unwrap();
    group.as_object_mut().unwrap().remove("zusatz_neu");
    assert_eq!(serde_json::to_value(&typed).unwrap(), expected);

    // A valid submission of this version reads the same either way.
    let valid = serde_json::to_vec(&example).unwrap();
    let strict: form::Submission = serde_json::from_slice(&valid).unwrap();
    assert_eq!(form::read_tolerant(&valid).unwrap(), strict);
    assert!(matches!(strict.rechtsform, Open::Known(_)));
    assert_eq!(Open::Known(Rechtsform::GMBH).code(), "GMBH");

    // Tolerance ends with the read: the plain read afterwards is strict again.
    assert!(serde_json::from_slice::<form::Submission>(&bytes).is_err());

    // What stays strict: a code of a list that is not extensible, a member given twice, a
    // missing required member, a wrong type.
    let mut closed = example.clone();
    closed["grund"] = "XX".into();
    let error = form::read_tolerant(&serde_json::to_vec(&closed).unwrap()).unwrap_err().to_string();
    assert!(error.contains("a code of the list"), "{error}");
    let mut missing = example.clone();
    missing.as_object_mut().unwrap().remove("rechtsform");
    let error = form::read_tolerant(&serde_json::to_vec(&missing).unwrap()).unwrap_err().to_string();
    assert!(error.contains("missing field `rechtsform`"), "{error}");
    let mut wrong = example.clone();
    wrong["rechtsform"] = 7.into();
    assert!(form::read_tolerant(&serde_json::to_vec(&wrong).unwrap()).is_err());
    let text = String::from_utf8(valid).unwrap();
    let twice = text.replacen('{', "{\"rechtsform\":\"GMBH\",", 1);
    let error = form::read_tolerant(twice.as_bytes()).unwrap_err().to_string();
    assert!(error.contains("duplicate field `rechtsform`"), "{error}");
}
