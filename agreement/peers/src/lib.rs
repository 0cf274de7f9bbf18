//! The `jsonschema` crate's compile-time validators (0.60.2, the last published macro) of the
//! corpus forms' generated JSON Schemas, formats asserted, for the validator benchmark.

macro_rules! validators {
    ($($name:ident = $path:literal),* $(,)?) => {
        $(
            #[jsonschema::validator(path = $path, validate_formats = true)]
            struct $name;
        )*
    };
}

validators!(
    Bewohnerparkausweis = "../../generated/json-schema/bewohnerparkausweis.schema.json",
    Fuehrungszeugnis = "../../generated/json-schema/fuehrungszeugnis.schema.json",
    Gewerbeanmeldung = "../../generated/json-schema/gewerbeanmeldung.schema.json",
    Hundesteuer = "../../generated/json-schema/hundesteuer.schema.json",
    Jaegerpruefung = "../../generated/json-schema/jaegerpruefung.schema.json",
    Wohnsitzanmeldung = "../../generated/json-schema/wohnsitzanmeldung.schema.json",
);

/// The number of errors of `value` by the compile-time validator of the corpus form `form`.
pub fn errors(form: &str, value: &serde_json::Value) -> usize {
    match form {
        "bewohnerparkausweis" => Bewohnerparkausweis::iter_errors(value).count(),
        "fuehrungszeugnis" => Fuehrungszeugnis::iter_errors(value).count(),
        "gewerbeanmeldung" => Gewerbeanmeldung::iter_errors(value).count(),
        "hundesteuer" => Hundesteuer::iter_errors(value).count(),
        "jaegerpruefung" => Jaegerpruefung::iter_errors(value).count(),
        "wohnsitzanmeldung" => Wohnsitzanmeldung::iter_errors(value).count(),
        other => panic!("unknown form {other}"),
    }
}
