//! The generated validators mean what the reference validator means: for every corpus form,
//! 2,100 example submissions and 1,500 random mutations of them give the same report —
//! pointers, codes, messages and order — from the generated `validate_on`, the generated
//! `from_json_on` and the reference validator. Valid submissions come back from `from_json`
//! as typed data that serialises to the same JSON.

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
                        assert_eq!(reference, json!({"violations": []}), "from_json accepted\n{submission}");
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

agreement!(bewohnerparkausweis, fuehrungszeugnis, gewerbeanmeldung, hundesteuer, jaegerpruefung, wohnsitzanmeldung);

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
