//! Example submissions against the reference validator, for every corpus form: valid
//! examples validate clean, each invalid example reports exactly its intended violation, and
//! generation is deterministic per seed. Plus: no panic on arbitrary or deeply nested JSON,
//! and the `examples` command streams (a reader that stops early ends it quietly) and fails
//! when it can make none of the examples asked for.

mod common;

use std::collections::BTreeSet;

use formwerk::examples::{self, Rng};
use formwerk::validate::{Compiled, Options};
use formwerk::value::Date;

use common::corpus;

fn options() -> Options {
    Options { today: Date::parse("2026-06-15").unwrap() }
}

#[test]
fn examples_agree_with_the_reference_validator() {
    let mut codes = BTreeSet::new();
    let mut rules: BTreeSet<String> = BTreeSet::new();
    let mut n_rules = 0;
    let mut warned = 0;
    for form in corpus() {
        // An overlay's rules are its base's (counted there) and its own; warnings never refuse.
        let own_rule = |name: &str| form.extends.as_ref().is_none_or(|e| e.rules.iter().any(|r| r == name));
        n_rules += form.rules.iter().filter(|r| r.severity.is_error() && own_rule(&r.name)).count();
        let compiled = Compiled::new(&form);
        let examples = examples::generate(&compiled, 100, 600, 7, &options());
        let n_invalid = examples.iter().filter(|e| e.expect.is_some()).count();
        assert_eq!((examples.len() - n_invalid, n_invalid), (100, 600), "{}: not enough examples", form.id);
        for example in &examples {
            let report = compiled.validate(&example.submission, &options());
            let got: Vec<(&str, &str)> =
                report.violations.iter().map(|v| (v.pointer.as_str(), v.code.as_str())).collect();
            let warnings: Vec<(&str, &str)> =
                report.warnings.iter().map(|v| (v.pointer.as_str(), v.code.as_str())).collect();
            match &example.warning {
                // A warning never makes the example invalid: it is one of the valid ones.
                Some(warning) => {
                    assert!(example.expect.is_none(), "{}: a warning example is valid", form.id);
                    assert_eq!(
                        warnings,
                        [(warning.pointer.as_str(), warning.code.as_str())],
                        "{}: warning example\n{}",
                        form.id,
                        example.submission
                    );
                    warned += 1;
                }
                None if example.expect.is_none() => {
                    assert!(
                        warnings.is_empty(),
                        "{}: valid example warned {warnings:?}\n{}",
                        form.id,
                        example.submission
                    )
                }
                None => {}
            }
            match &example.expect {
                None => assert!(got.is_empty(), "{}: valid example reported {got:?}\n{}", form.id, example.submission),
                Some(expect) => {
                    assert_eq!(
                        got,
                        [(expect.pointer.as_str(), expect.code.as_str())],
                        "{}: invalid example\n{}",
                        form.id,
                        example.submission
                    );
                    if expect.code.starts_with("rule:") {
                        let name = expect.code.trim_start_matches("rule:");
                        let owner = match &form.extends {
                            Some(extends) if !own_rule(name) => &extends.id,
                            _ => &form.id,
                        };
                        rules.insert(format!("{owner}/{}", expect.code));
                    }
                    codes.insert(if expect.code.starts_with("rule:") {
                        "rule".to_string()
                    } else {
                        expect.code.clone()
                    });
                }
            }
        }
        let again = examples::generate(&compiled, 100, 600, 7, &options());
        assert_eq!(again, examples, "{}: generation is not deterministic", form.id);
        let other_seed = examples::generate(&compiled, 5, 0, 8, &options());
        assert_ne!(other_seed[..5], examples[..5], "{}: the seed makes no difference", form.id);
    }
    let wanted = [
        "required",
        "hidden",
        "unknown_property",
        "type",
        "empty",
        "max_length",
        "min_length",
        "pattern",
        "date_invalid",
        "minimum",
        "maximum",
        "max_items",
        "code_invalid",
        "postcode_invalid",
        "iban_invalid",
        "file_size",
        "text_invalid_character",
        "rule",
    ];
    let missing: Vec<&str> = wanted.iter().copied().filter(|w| !codes.contains(*w)).collect();
    assert!(missing.is_empty(), "no invalid example covers {missing:?}");
    // Some rules cannot break alone (a field bound already implies them, or breaking them
    // changes a condition too); nearly all must be covered.
    assert!(rules.len() * 10 >= n_rules * 8, "only {} of {n_rules} rules are broken by some example", rules.len());
    // The corpus has warning rules (wohngeld): some valid examples trigger them.
    assert!(warned > 0, "no valid example triggers a warning");
}

/// Random JSON, biased towards the form's own keys so that typed paths are reached.
fn random_json(rng: &mut Rng, keys: &[String], depth: u32) -> serde_json::Value {
    use serde_json::json;
    match rng.below(if depth == 0 { 6 } else { 9 }) {
        0 => json!(null),
        1 => json!(rng.below(2) == 1),
        2 => json!(rng.next_u64() as i64),
        3 => json!((rng.next_u64() % 10_000) as f64 / 7.0),
        4 => json!(["", "2024-02-30", "DE89370400440532013000", "ä\n", "1,5", "-0.00"][rng.below(6) as usize]),
        5 => json!(u64::MAX),
        6 | 7 => {
            let mut object = serde_json::Map::new();
            for _ in 0..rng.below(8) {
                let key = if rng.chance(80) { rng.pick(keys).clone() } else { "x~/y".to_string() };
                object.insert(key, random_json(rng, keys, depth - 1));
            }
            serde_json::Value::Object(object)
        }
        _ => serde_json::Value::Array((0..rng.below(5)).map(|_| random_json(rng, keys, depth - 1)).collect()),
    }
}

#[test]
fn arbitrary_json_never_panics() {
    let forms = corpus();
    let mut rng = Rng::new(99);
    for form in &forms {
        let compiled = Compiled::new(form);
        let mut keys = BTreeSet::new();
        formwerk::validate::for_each_field(form, &mut |f| {
            keys.insert(f.name.clone());
        });
        fn names(items: &[formwerk::ir::Item], out: &mut BTreeSet<String>) {
            for item in items {
                out.insert(item.name().to_string());
                names(item.children(), out);
            }
        }
        for page in &form.pages {
            names(&page.items, &mut keys);
        }
        let keys: Vec<String> = keys.into_iter().collect();
        for _ in 0..500 {
            let value = random_json(&mut rng, &keys, 6);
            let report = compiled.validate(&value, &options());
            assert!(report.violations.iter().all(|v| v.pointer.is_empty() || v.pointer.starts_with('/')));
            let pairs: Vec<(String, String)> = (0..rng.below(10))
                .map(|_| (format!("{}[{}]", rng.pick(&keys), rng.below(3)), rng.pick(&keys).clone()))
                .collect();
            formwerk::formdata::convert(&compiled, &pairs, &options());
        }
    }
}

#[test]
fn deeply_nested_and_huge_inputs_are_fine() {
    // Built by hand: serde_json refuses to parse this deep, but a caller may construct it.
    let handle = std::thread::Builder::new()
        .stack_size(64 * 1024 * 1024)
        .spawn(|| {
            let forms = corpus();
            let mut deep = serde_json::json!("tief");
            for _ in 0..50_000 {
                // Built without `json!`, which would copy `deep` each time.
                let mut object = serde_json::Map::new();
                object.insert("antragsteller".to_string(), serde_json::Value::Array(vec![deep]));
                deep = serde_json::Value::Object(object);
            }
            let wide: serde_json::Map<String, serde_json::Value> =
                (0..100_000).map(|i| (format!("k{i}"), serde_json::json!(i))).collect();
            let wide = serde_json::Value::Object(wide);
            for form in &forms {
                let compiled = Compiled::new(form);
                assert!(!compiled.validate(&deep, &options()).is_valid());
                // Only the first unknown member is reported: the report is bounded by the form.
                let report = compiled.validate(&wide, &options());
                let unknown: Vec<&str> = report
                    .violations
                    .iter()
                    .filter(|v| v.code == "unknown_property")
                    .map(|v| v.pointer.as_str())
                    .collect();
                assert_eq!(unknown, ["/k0"]);
            }
            // Dropping the deep value must not overflow either.
            drop(deep);
        })
        .unwrap();
    handle.join().expect("no stack overflow");
}

fn formwerk() -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_formwerk"));
    command.current_dir(env!("CARGO_MANIFEST_DIR")).env("NO_COLOR", "1");
    command
}

/// Ten million examples asked for, read by a reader that stops after three lines (like
/// `| head -3`): the first lines arrive at once (nothing is buffered until the end), and the
/// command ends quietly, with success, when the pipe closes.
#[test]
fn examples_stream_and_end_quietly_on_a_closed_pipe() {
    use std::io::BufRead;
    let started = std::time::Instant::now();
    let mut child = formwerk()
        .args(["examples", "forms/hundesteuer.form", "--valid", "10000000", "--invalid", "10000000"])
        .args(["--today", "2026-06-15"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // A command that buffers everything would never write: end it after a minute.
    let pid = child.id();
    let (done, finished) = std::sync::mpsc::channel::<()>();
    std::thread::spawn(move || {
        if finished.recv_timeout(std::time::Duration::from_secs(60)).is_err() {
            let _ = std::process::Command::new("kill").arg(pid.to_string()).status();
        }
    });
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    for _ in 0..3 {
        let line = lines.next().expect("a line").unwrap();
        let example: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert!(example["submission"].is_object());
    }
    drop(lines);
    let status = child.wait().unwrap();
    let _ = done.send(());
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(status.success(), "{status}: {stderr}");
    assert!(stderr.is_empty(), "{stderr}");
    assert!(started.elapsed() < std::time::Duration::from_secs(60), "took {:?}", started.elapsed());
}

/// A form that admits no valid submission makes no examples: an error (exit 1) that says
/// why, not an empty success. Zero examples asked for is not an error.
#[test]
fn examples_that_make_nothing_are_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let form = dir.path().join("unmoeglich.form");
    std::fs::write(
        &form,
        "form unmoeglich {\n  title \"U\"\n  version \"1\"\n  languages de\n  field a: integer \"A\" required { min 1 max 5 }\n  rule gross {\n    check a > 10\n    at a\n    message \"A ist größer als 10.\"\n  }\n}\n",
    )
    .unwrap();
    let form = form.to_str().unwrap();
    for counts in [["--valid", "3", "--invalid", "0"], ["--valid", "0", "--invalid", "3"]] {
        let output = formwerk().args(["examples", form, "--root"]).arg(dir.path()).args(counts).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{stderr}");
        assert!(output.stdout.is_empty());
        assert!(stderr.contains("made none of the 3 examples asked for: no submission satisfies"), "{stderr}");
    }
    let output = formwerk()
        .args(["examples", form, "--root"])
        .arg(dir.path())
        .args(["--valid", "0", "--invalid", "0"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
}

/// The streaming generator hands out what `generate` returns, and stops when told to.
#[test]
fn generate_each_streams_what_generate_returns() {
    let form = common::corpus_form("fuehrungszeugnis");
    let compiled = Compiled::new(&form);
    let all = examples::generate(&compiled, 20, 30, 4, &options());
    let mut streamed = Vec::new();
    let made = examples::generate_each(&compiled, 20, 30, 4, &options(), &mut |example| {
        streamed.push(example);
        std::ops::ControlFlow::Continue(())
    });
    assert_eq!(streamed, all);
    assert_eq!((made.valid, made.invalid), (20, 30));
    let mut first = Vec::new();
    examples::generate_each(&compiled, 20, 30, 4, &options(), &mut |example| {
        first.push(example);
        if first.len() == 5 {
            std::ops::ControlFlow::Break(())
        } else {
            std::ops::ControlFlow::Continue(())
        }
    });
    assert_eq!(first[..], all[..5]);
}
