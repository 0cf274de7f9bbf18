//! The generated validators mean what the reference validator means: for every corpus form,
//! 2,100 example submissions and 1,500 random mutations of them give the same report —
//! pointers, codes, messages and order — from the generated `validate_on`, the generated
//! `from_json_on` and the reference validator. Valid submissions come back from `from_json`
//! as typed data that serialises to the same JSON. Hostile submissions too: a million items
//! past a repeat's maximum, JSON nested to any depth, and code points that text may not
//! contain give the same report everywhere, read from bytes as `formwerk validate` reads them.
//! An overlay's generated projection agrees with the reference one and yields submissions the
//! base's generated validator accepts.

use formwerk::validate::{Compiled, Options};
use formwerk::value::Date;
use serde_json::{json, Map, Value};

const TODAY: &str = "2026-06-15";

mod common;

use common::corpus_form;

/// A small deterministic generator (xorshift), so that a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// A value of any JSON type, biased towards the edges of what forms check.
fn random_value(rng: &mut Rng, depth: usize) -> Value {
    let scalars = [
        json!(null),
        json!(true),
        json!(false),
        json!(0),
        json!(3),
        json!(-1),
        json!(3.0),
        json!(2.5),
        json!(-0.0),
        json!(1e30),
        json!(u64::MAX),
        json!(i64::MIN),
        json!(9_223_372_036_854_775_807_i64),
        json!(9_223_372_036_854_775_808_u64),
        json!(""),
        json!("a"),
        json!("N"),
        json!("m"),
        json!("line\nbreak"),
        json!("2024-02-29"),
        json!("2023-02-29"),
        json!("1900-01-01"),
        json!("12.50"),
        json!("12.505"),
        json!("-0.07"),
        json!("1.234,56"),
        json!("DE89370400440532013000"),
        json!("DE89370400440532013001"),
        json!("10115"),
        json!("00999"),
        json!("anna@example.de"),
        json!("+49 30 1234567"),
        json!("~/a"),
        json!("ä".repeat(300)),
        json!("a\u{0}b"),
        json!("\u{1b}[2J"),
        json!("a\tb"),
        json!("a\r\nb"),
        json!("\u{85}"),
        json!("x\u{2028}y"),
        json!("\u{202e}fdp.exe"),
        json!("\u{2066}"),
        json!("\u{fffe}"),
        json!("\u{1fffe}"),
        json!("Ari\u{200f}"),
    ];
    match rng.below(if depth > 2 { 1 } else { 4 }) {
        0 => rng.pick(&scalars).clone(),
        1 => Value::Array((0..rng.below(4)).map(|_| random_value(rng, depth + 1)).collect()),
        2 => {
            json!({"name": "nachweis.pdf", "media_type": rng.pick(&["application/pdf", "image/png", "x"]), "size": rng.pick(&[json!(12), json!(-1), json!(3.0), json!(99_999_999), json!("1")])})
        }
        _ => {
            let keys = ["a", "name", "size", "media_type", "x/y", "~"];
            let mut object = Map::new();
            for _ in 0..rng.below(4) {
                object.insert(rng.pick(&keys).to_string(), random_value(rng, depth + 1));
            }
            Value::Object(object)
        }
    }
}

/// The JSON pointers of every value in `value`.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(members) => {
            for (key, member) in members {
                pointers(member, format!("{at}/{}", key.replace('~', "~0").replace('/', "~1")), out);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                pointers(item, format!("{at}/{index}"), out);
            }
        }
        _ => {}
    }
    out.push(at);
}

/// One to three random changes: a value replaced, a member removed, an unknown one added.
fn mutate(rng: &mut Rng, mut value: Value) -> Value {
    for _ in 0..=rng.below(3) {
        let mut all = Vec::new();
        pointers(&value, String::new(), &mut all);
        let target = rng.pick(&all).clone();
        match rng.below(3) {
            0 if target.is_empty() => value = random_value(rng, 0),
            0 => *value.pointer_mut(&target).expect("a pointer of the value") = random_value(rng, 1),
            1 => {
                let (parent, key) = target.rsplit_once('/').unwrap_or(("", ""));
                if let Some(Value::Object(members)) = value.pointer_mut(parent) {
                    members.shift_remove(&key.replace("~1", "/").replace("~0", "~"));
                }
            }
            _ => {
                if let Some(Value::Object(members)) = value.pointer_mut(&target) {
                    members.insert(rng.pick(&["extra", "a~b", "x/y", "name"]).to_string(), random_value(rng, 1));
                }
            }
        }
    }
    value
}

/// Reports as JSON, so that the compiler's and the generated crate's types compare.
fn as_json<T: serde::Serialize>(report: &T) -> Value {
    serde_json::to_value(report).unwrap()
}

macro_rules! agreement {
    ($($form:ident),* $(,)?) => {$(
        #[test]
        fn $form() {
            let form = corpus_form(stringify!($form));
            let compiled = Compiled::new(&form);
            let today = Date::parse(TODAY).unwrap();
            let options = Options { today };
            let generated_today = formwerk_forms::runtime::date::Date::parse(TODAY).unwrap();
            let examples = formwerk::examples::generate(&compiled, 500, 1600, 5, &options);
            assert!(examples.len() >= 2000, "only {} examples", examples.len());
            let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
            let mut submissions: Vec<Value> = examples.iter().map(|e| e.submission.clone()).collect();
            for i in 0..1500 {
                let base = examples[i % examples.len()].submission.clone();
                submissions.push(mutate(&mut rng, base));
            }
            let (mut n_valid, mut n_invalid) = (0, 0);
            for submission in &submissions {
                let reference = as_json(&compiled.validate(submission, &options));
                let generated = as_json(&formwerk_forms::$form::validate_on(submission, generated_today));
                assert_eq!(generated, reference, "validate_on disagrees on\n{submission}");
                let bytes = serde_json::to_vec(submission).unwrap();
                match formwerk_forms::$form::from_json_on(&bytes, generated_today) {
                    Ok(typed) => {
                        // Valid: no violation (warnings never refuse a submission).
                        assert_eq!(reference["violations"], json!([]), "from_json accepted\n{submission}");
                        n_valid += 1;
                        // Typed data writes back what was read (up to how numbers are spelled).
                        let written = serde_json::to_value(&typed).unwrap();
                        let reread = formwerk_forms::$form::validate_on(&written, generated_today);
                        assert!(reread.is_valid(), "{written}");
                    }
                    Err(report) => {
                        assert_eq!(as_json(&report), reference, "from_json disagrees on\n{submission}");
                        n_invalid += 1;
                    }
                }
            }
            // Both verdicts are well represented.
            assert!(n_valid >= 400 && n_invalid >= 1500, "{n_valid} valid, {n_invalid} invalid");
        }
    )*};
}

agreement!(
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

/// The generated crate of an overlay projects its submissions onto the base exactly as the
/// reference does (`formwerk::overlay::project_submission`), and the projection of every valid
/// example is valid for the base's generated validator; its constants name the base.
#[test]
fn the_generated_overlay_projects_onto_its_base() {
    let overlay = corpus_form("wohngeld_sachsen");
    let extends = overlay.extends.clone().expect("an overlay");
    assert_eq!(formwerk_forms::wohngeld_sachsen::BASE_ID, extends.id);
    assert_eq!(formwerk_forms::wohngeld_sachsen::BASE_VERSION, formwerk_forms::wohngeld::VERSION);
    let compiled = Compiled::new(&overlay);
    let options = Options { today: Date::parse(TODAY).unwrap() };
    let generated_today = formwerk_forms::runtime::date::Date::parse(TODAY).unwrap();
    let examples = formwerk::examples::generate(&compiled, 200, 0, 9, &options);
    assert_eq!(examples.len(), 200);
    for example in examples {
        let text = serde_json::to_string(&example.submission).unwrap();
        let projected: Value =
            serde_json::from_str(&formwerk_forms::wohngeld_sachsen::project_to_base(&text).unwrap()).unwrap();
        assert_eq!(projected, formwerk::overlay::project_submission(&overlay, &example.submission));
        let mut in_place = example.submission.clone();
        formwerk_forms::wohngeld_sachsen::project_value_to_base(&mut in_place);
        assert_eq!(in_place, projected);
        let report = formwerk_forms::wohngeld::validate_on(&projected, generated_today);
        assert!(report.is_valid(), "the projection is not valid for the base: {}\n{projected}", as_json(&report));
    }
    assert!(formwerk_forms::wohngeld_sachsen::project_to_base("{").is_err());
}

/// Text that is not one JSON value is a single `malformed` violation, never a panic.
#[test]
fn malformed_bytes_are_one_violation() {
    let today = formwerk_forms::runtime::date::Date::parse(TODAY).unwrap();
    for bytes in [&b""[..], b"{", b"{\"a\": 1} x", b"\xff", b"[1, 2", b"{\"a\": \"\xc3\"}", &[b'['; 100_000]] {
        let report = formwerk_forms::hundesteuer::from_json_on(bytes, today).unwrap_err();
        assert_eq!(report.violations.len(), 1);
        assert_eq!(report.violations[0].code, "malformed");
        assert_eq!(report.violations[0].pointer, "");
    }
    let report = formwerk_forms::hundesteuer::from_json_on(b"[]", today).unwrap_err();
    assert_eq!(report.violations[0].code, "type");
}

/// A key that appears twice counts once, with its last value, as `serde_json::Value` has it.
#[test]
fn repeated_keys_keep_the_last_value() {
    let form = corpus_form("hundesteuer");
    let compiled = Compiled::new(&form);
    let options = Options { today: Date::parse(TODAY).unwrap() };
    let today = formwerk_forms::runtime::date::Date::parse(TODAY).unwrap();
    let texts = [
        r#"{"extra": 1, "halter": 5, "extra": 2, "halter": {"familienname": ""}}"#,
        r#"{"halter": {"familienname": "A"}, "halter": [], "zz": 1, "zz": {}}"#,
    ];
    for text in texts {
        let value: Value = serde_json::from_str(text).unwrap();
        let reference = as_json(&compiled.validate(&value, &options));
        let generated = as_json(&formwerk_forms::hundesteuer::from_json_on(text.as_bytes(), today).unwrap_err());
        assert_eq!(generated, reference, "{text}");
    }
}

/// The reference validator on bytes, read as `formwerk validate` reads them; or why they are
/// not a submission.
fn reference_on_bytes(compiled: &Compiled, bytes: &[u8]) -> Result<Value, String> {
    let options = Options { today: Date::parse(TODAY).unwrap() };
    let value = formwerk::validate::read(compiled.form(), bytes).map_err(|e| e.to_string())?;
    Ok(as_json(&compiled.validate(&value, &options)))
}

fn from_json_on_bytes(bytes: &[u8]) -> Value {
    let today = formwerk_forms::runtime::date::Date::parse(TODAY).unwrap();
    match formwerk_forms::hundesteuer::from_json_on(bytes, today) {
        Ok(_) => json!({"violations": []}),
        Err(report) => as_json(&report),
    }
}

/// Every validator gives the same report on `bytes`: the reference on what `validate::read`
/// reads, the generated `from_json_on`, and, where serde_json parses the bytes into a `Value`,
/// the reference and the generated `validate_on` on that. Returns the report.
fn all_agree(compiled: &Compiled, bytes: &[u8]) -> Value {
    let reference = reference_on_bytes(compiled, bytes);
    let from_json = from_json_on_bytes(bytes);
    let reference = match reference {
        Ok(reference) => reference,
        Err(detail) => {
            // Both refuse the bytes, for the same reason.
            assert_eq!(from_json["violations"].as_array().unwrap().len(), 1);
            assert_eq!(from_json["violations"][0]["code"], "malformed");
            let message = from_json["violations"][0]["messages"]["en"].as_str().unwrap();
            assert!(message.contains(&detail), "{message} / {detail}");
            return from_json;
        }
    };
    assert_eq!(from_json, reference, "from_json_on disagrees");
    if let Ok(value) = serde_json::from_slice::<Value>(bytes) {
        let options = Options { today: Date::parse(TODAY).unwrap() };
        let generated_today = formwerk_forms::runtime::date::Date::parse(TODAY).unwrap();
        assert_eq!(as_json(&compiled.validate(&value, &options)), reference, "the reference on a Value disagrees");
        let generated = as_json(&formwerk_forms::hundesteuer::validate_on(&value, generated_today));
        assert_eq!(generated, reference, "validate_on disagrees");
    }
    reference
}

fn codes(report: &Value) -> Vec<(String, String)> {
    report["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["pointer"].as_str().unwrap().to_string(), v["code"].as_str().unwrap().to_string()))
        .collect()
}

/// A hundesteuer submission as bytes: `hunde` written as given, then the members of `base`,
/// then `extra` members (which, coming last, replace those of `base`).
fn with_dogs(base: &Value, dogs: &str, extra: &str) -> Vec<u8> {
    let mut object = base.as_object().unwrap().clone();
    object.shift_remove("hunde");
    let rest = serde_json::to_string(&Value::Object(object)).unwrap();
    let rest = rest.strip_prefix('{').unwrap().strip_suffix('}').unwrap();
    let mut text = format!("{{\"hunde\":{dogs}");
    for part in [rest, extra].into_iter().filter(|p| !p.is_empty()) {
        text.push(',');
        text.push_str(part);
    }
    text.push('}');
    text.into_bytes()
}

/// A valid hundesteuer submission that stays valid with five copies of its first dog, and
/// that dog as JSON text.
fn base_with_dog(compiled: &Compiled) -> (Value, String) {
    let options = Options { today: Date::parse(TODAY).unwrap() };
    for example in formwerk::examples::generate(compiled, 50, 0, 3, &options) {
        let dog = serde_json::to_string(&example.submission["hunde"][0]).unwrap();
        let mut five = example.submission.clone();
        five["hunde"] = json!(vec![example.submission["hunde"][0].clone(); 5]);
        if compiled.validate(&five, &options).is_valid() {
            return (example.submission, dog);
        }
    }
    panic!("no example stays valid with five copies of its first dog");
}

/// A million items past a repeat's maximum of 5 (4 MB) are one `max_items` violation: they
/// are neither checked nor kept (the generated reader skips them, by `runtime::json::ManySeed`).
#[test]
fn a_million_items_past_the_maximum_are_one_violation() {
    let form = corpus_form("hundesteuer");
    let compiled = Compiled::new(&form);
    let (base, dog) = base_with_dog(&compiled);
    let five = [dog.as_str(); 5].join(",");
    let valid = all_agree(&compiled, &with_dogs(&base, &format!("[{five}]"), ""));
    assert_eq!(codes(&valid), [], "five copies of a valid dog are valid");
    let million_empty = format!("[{five}{}]", ",{}".repeat(1_000_000));
    assert!(million_empty.len() > 3_000_000);
    let report = all_agree(&compiled, &with_dogs(&base, &million_empty, ""));
    assert_eq!(codes(&report), [("/hunde".to_string(), "max_items".to_string())]);
    let million_garbage = format!("[{five}{}]", ",{\"x\":[1,{\"y\":\"\\u0000\"}],\"name\":7}".repeat(1_000_000));
    assert_eq!(all_agree(&compiled, &with_dogs(&base, &million_garbage, "")), report);
    // Empty items from the first: what the first five report, and one `max_items`.
    let six = all_agree(&compiled, &with_dogs(&base, &format!("[{{}}{}]", ",{}".repeat(5)), ""));
    let million = all_agree(&compiled, &with_dogs(&base, &format!("[{{}}{}]", ",{}".repeat(999_999)), ""));
    assert_eq!(million, six);
    assert!(codes(&six).len() < 60, "{} violations", codes(&six).len());
    assert!(codes(&six).contains(&("/hunde".to_string(), "max_items".to_string())));
}

/// JSON nested to any depth reads alike in the reference validator (`validate::read`, as
/// `formwerk validate` reads) and in the generated `from_json`: serde_json's limit of 128
/// levels does not apply, because what lies deeper than the form looks is skipped without
/// recursion.
#[test]
fn any_depth_reads_alike() {
    let handle = std::thread::Builder::new()
        .stack_size(8 * 1024 * 1024)
        .spawn(|| {
            let form = corpus_form("hundesteuer");
            let compiled = Compiled::new(&form);
            let (base, dog) = base_with_dog(&compiled);
            let dogs = format!("[{dog}]");
            let five = [dog.as_str(); 5].join(",");
            for depth in [1, 2, 126, 127, 128, 129, 100_000] {
                let nested = |inner: &str| format!("{}{inner}{}", "[".repeat(depth), "]".repeat(depth));
                let deep_objects = format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth));
                // An unknown member, a field's value, a group, a repeat item, one past the
                // maximum, and the whole submission.
                let cases = [
                    (with_dogs(&base, &dogs, &format!("\"tief\":{}", nested("0"))), "/tief", "unknown_property"),
                    (with_dogs(&base, &dogs, &format!("\"tief\":{deep_objects}")), "/tief", "unknown_property"),
                    (with_dogs(&base, &dogs, &format!("\"zuzug\":{}", nested("true"))), "/zuzug", "type"),
                    (with_dogs(&base, &dogs, &format!("\"halter\":{}", nested("{}"))), "/halter", "type"),
                    (with_dogs(&base, &format!("[{}]", nested(&dog)), ""), "/hunde/0", "type"),
                    (with_dogs(&base, &format!("[{five},{}]", nested("")), ""), "/hunde", "max_items"),
                    (nested("{}").into_bytes(), "", "type"),
                ];
                for (bytes, pointer, code) in cases {
                    let report = all_agree(&compiled, &bytes);
                    let got = codes(&report);
                    assert!(
                        got.contains(&(pointer.to_string(), code.to_string())),
                        "depth {depth}: {got:?} lacks {pointer} {code}"
                    );
                }
            }
        })
        .unwrap();
    handle.join().expect("no stack overflow");
}

/// Code points that text may not contain are one `text_invalid_character` violation in every
/// validator; allowed ones (directional marks, astral noncharacters) are text.
#[test]
fn code_points_in_text_agree() {
    let form = corpus_form("hundesteuer");
    let compiled = Compiled::new(&form);
    let (base, _) = base_with_dog(&compiled);
    let refused = [
        "\u{0}", "\u{8}", "\t", "\u{b}", "\u{1b}", "\u{7f}", "\u{85}", "\u{9f}", "\u{2028}", "\u{2029}", "\u{202a}",
        "\u{202e}", "\u{2066}", "\u{2069}", "\u{fdd0}", "\u{fdef}", "\u{fffe}", "\u{ffff}",
    ];
    let accepted = [
        "\u{a0}",
        "\u{200e}",
        "\u{200f}",
        "\u{61c}",
        "\u{2027}",
        "\u{202f}",
        "\u{2065}",
        "\u{206a}",
        "\u{fdcf}",
        "\u{fdf0}",
        "\u{fffd}",
        "\u{1fffe}",
        "\u{10ffff}",
    ];
    for (inserted, valid) in refused.iter().map(|c| (c, false)).chain(accepted.iter().map(|c| (c, true))) {
        let mut submission = base.clone();
        let name = submission["hunde"][0]["name"].as_str().unwrap().to_string();
        submission["hunde"][0]["name"] = json!(format!("{name}{inserted}"));
        let report = all_agree(&compiled, &serde_json::to_vec(&submission).unwrap());
        let expected: Vec<(String, String)> =
            if valid { Vec::new() } else { vec![("/hunde/0/name".to_string(), "text_invalid_character".to_string())] };
        assert_eq!(codes(&report), expected, "U+{:04X}", inserted.chars().next().unwrap() as u32);
    }
    // A lone surrogate is not a string: both refuse the text.
    let bytes =
        serde_json::to_string(&base).unwrap().replacen("\"hunde\":[{\"name\":\"", "\"hunde\":[{\"name\":\"\\ud800", 1);
    assert!(bytes.contains("\\ud800"));
    let report = all_agree(&compiled, bytes.as_bytes());
    assert_eq!(codes(&report), [(String::new(), "malformed".to_string())]);
}

/// The edges of the expression functions, conditional rules and the computed household income,
/// in the Wohngeld form: each edit of a valid submission is validated by the reference and by
/// both generated entry points, which must agree, and the intended rule must be what fails (or
/// nothing).
#[test]
fn wohngeld_functions_agree_on_their_edges() {
    let form = corpus_form("wohngeld");
    let compiled = Compiled::new(&form);
    let options = Options { today: Date::parse(TODAY).unwrap() };
    let generated_today = formwerk_forms::runtime::date::Date::parse(TODAY).unwrap();
    let examples = formwerk::examples::generate(&compiled, 40, 0, 11, &options);
    let mut base = examples
        .iter()
        .map(|e| e.submission.clone())
        .find(|s| s["zuschussart"] == "M" && s["untervermietet"] == false && s["frueherer_antrag"] == false)
        .expect("a valid rent allowance without subletting");
    // Household members only where a case lists them; the applicant was born before them.
    base["mitglieder"] = json!([]);
    base["antragsteller"]["geburtsdatum"] = json!("1980-01-01");
    base["wohnflaeche"] = json!("80");
    base["miete"] = json!("700");
    let member = |vornamen: &str, geburtsdatum: &str| {
        json!({"name": {"familienname": "Kaya", "vornamen": vornamen}, "geburtsdatum": geburtsdatum,
               "verwandtschaft": "K", "einkommen": "0"})
    };
    let cases: Vec<(&str, Value, Option<&str>)> = vec![
        ("18 today", json!({"antragsteller": {"geburtsdatum": "2008-06-15"}}), None),
        ("18 tomorrow", json!({"antragsteller": {"geburtsdatum": "2008-06-16"}}), Some("rule:volljaehrig")),
        (
            "a duplicate member",
            json!({"mitglieder": [member("Ida", "2020-01-01"), member("Ida", "2020-01-01")]}),
            Some("rule:keine_doppelten_mitglieder"),
        ),
        (
            "members differ by birth",
            json!({"mitglieder": [member("Ida", "2020-01-01"), member("Ida", "2021-01-01")]}),
            None,
        ),
        (
            "a child older than the applicant",
            json!({"mitglieder": [member("Ida", "1900-01-01")]}),
            Some("rule:kind_juenger"),
        ),
        (
            "moved in after the start",
            json!({"einzug": "2026-06-15", "beginn": "2026-06-14"}),
            Some("rule:einzug_vor_beginn"),
        ),
        ("moved in on the start", json!({"einzug": "2026-06-14", "beginn": "2026-06-14"}), None),
        (
            "a short reference number",
            json!({"frueherer_antrag": true, "aktenzeichen": "W-12"}),
            Some("rule:aktenzeichen_vollstaendig"),
        ),
        ("a full reference number", json!({"frueherer_antrag": true, "aktenzeichen": "W-123"}), None),
        ("rent per m² too high", json!({"wohnflaeche": "10", "miete": "501"}), Some("rule:miete_plausibel")),
        ("rent per m² at the limit", json!({"wohnflaeche": "10", "miete": "500"}), None),
        (
            "subletting above the rent",
            json!({"untervermietet": true, "miete": "400", "untermiete": "400"}),
            Some("rule:untermiete_unter_miete"),
        ),
        ("the household income of two members", json!({"mitglieder": [member("Ida", "2020-01-01")]}), None),
        (
            "a household income that is not the sum",
            json!({"mitglieder": [member("Ida", "2020-01-01")], "haushaltseinkommen": "1"}),
            Some("computed"),
        ),
        (
            "maintenance without amount",
            json!({"unterhalt_gezahlt": true, "unterhalt_betrag": "0"}),
            Some("rule:unterhalt_angegeben"),
        ),
    ];
    for (name, edit, expected) in cases {
        let mut submission = base.clone();
        merge(&mut submission, &edit);
        // The household income is computed from the edited answers, as a server does; a
        // case that sets it itself keeps its value.
        if edit.get("haushaltseinkommen").is_none() {
            compiled.fill_computed(&mut submission, &options);
        }
        let reference = as_json(&compiled.validate(&submission, &options));
        let generated = as_json(&formwerk_forms::wohngeld::validate_on(&submission, generated_today));
        assert_eq!(generated, reference, "{name}: validate_on disagrees on\n{submission}");
        let bytes = serde_json::to_vec(&submission).unwrap();
        let from_json = match formwerk_forms::wohngeld::from_json_on(&bytes, generated_today) {
            Ok(_) => json!({"violations": []}),
            Err(report) => as_json(&report),
        };
        assert_eq!(from_json, reference, "{name}: from_json_on disagrees");
        let found: Vec<String> = codes(&reference).into_iter().map(|(_, code)| code).collect();
        let wanted: Vec<String> = expected.into_iter().map(str::to_string).collect();
        assert_eq!(found, wanted, "{name}: {reference}");
    }

    // The warning rule (`severity warning`): reported apart by every validator, at its `at`,
    // with its message; the submission stays valid, so `from_json_on` returns the typed data.
    let warning_cases = [
        ("rent high for one person", json!({"miete": "1500"}), Some("/mitglieder")),
        ("rent at the limit for one person", json!({"miete": "1000"}), None),
        ("rent for two persons", json!({"miete": "1500", "mitglieder": [member("Ida", "2020-01-01")]}), None),
    ];
    for (name, edit, expected) in warning_cases {
        let mut submission = base.clone();
        merge(&mut submission, &edit);
        compiled.fill_computed(&mut submission, &options);
        let reference = as_json(&compiled.validate(&submission, &options));
        let generated = as_json(&formwerk_forms::wohngeld::validate_on(&submission, generated_today));
        assert_eq!(generated, reference, "{name}: validate_on disagrees on\n{submission}");
        assert_eq!(reference["violations"], json!([]), "{name}: {reference}");
        let bytes = serde_json::to_vec(&submission).unwrap();
        assert!(formwerk_forms::wohngeld::from_json_on(&bytes, generated_today).is_ok(), "{name}: a warning refused");
        match expected {
            Some(pointer) => {
                assert_eq!(reference["warnings"][0]["pointer"], pointer, "{name}: {reference}");
                assert_eq!(reference["warnings"][0]["code"], "rule:miete_je_person", "{name}: {reference}");
                assert!(reference["warnings"][0]["messages"]["en"].as_str().unwrap().contains("unusually high"));
            }
            None => assert!(reference.get("warnings").is_none(), "{name}: {reference}"),
        }
    }
}

/// Writes the members of `edit` into `target`, objects member by member.
fn merge(target: &mut Value, edit: &Value) {
    match (target, edit) {
        (Value::Object(target), Value::Object(edit)) => {
            for (key, value) in edit {
                match target.get_mut(key) {
                    Some(slot) if value.is_object() => merge(slot, value),
                    _ => {
                        target.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (target, edit) => *target = edit.clone(),
    }
}
