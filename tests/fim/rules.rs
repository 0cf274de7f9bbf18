//! Translated FIM rules keep FIM's meaning. For every sample, each reading that the import
//! reports (what a rule's text says, in submission terms: `fim::Reading`) is held against the
//! built form with the reference validator:
//!
//! - every submission the validator accepts (generated valid examples) obeys every reading;
//! - for every reading, a submission the rule's text forbids (made from an accepted one by
//!   changing only the elements the rule names) is rejected with the violation the reading
//!   predicts, at the element it names;
//! - for every reading, a submission the text allows, with the rule in play (its condition
//!   holding, its element filled), is accepted.

use std::collections::BTreeMap;

use formwerk::examples;
use formwerk::fim::{Condition, Held, Meaning, Reading};
use formwerk::ir;
use formwerk::validate::{Compiled, Options};
use serde_json::Value;

/// Valid examples generated per sample.
const VALID_EXAMPLES: usize = 40;

fn options() -> Options {
    Options { today: formwerk::value::Date::parse("2026-06-15").unwrap() }
}

/// The JSON pointer of `names` below `at`.
fn pointer(at: &str, names: &[String]) -> String {
    names.iter().fold(at.to_string(), |p, n| format!("{p}/{n}"))
}

fn is_present(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => false,
        Some(Value::Array(items)) => !items.is_empty(),
        Some(_) => true,
    }
}

/// The slots `path` reaches below the object at `at`: each (pointer, value), walking every
/// item of an array on the way; a missing object on the way reaches none.
fn slots<'v>(root: &'v Value, at: &str, path: &[String]) -> Vec<(String, Option<&'v Value>)> {
    let Some(start) = root.pointer(at) else { return Vec::new() };
    let mut current: Vec<(String, &Value)> = vec![(at.to_string(), start)];
    for (k, name) in path.iter().enumerate() {
        let last = k + 1 == path.len();
        let mut next = Vec::new();
        for (p, object) in current {
            let member = object.get(name).filter(|v| !v.is_null());
            let p = format!("{p}/{name}");
            if last {
                next.push((p, member));
                continue;
            }
            match member {
                Some(Value::Array(items)) => {
                    next.extend(items.iter().enumerate().map(|(i, item)| (format!("{p}/{i}"), Some(item))))
                }
                Some(object @ Value::Object(_)) => next.push((p, Some(object))),
                _ => {}
            }
        }
        if last {
            return next;
        }
        current = next.into_iter().filter_map(|(p, v)| v.map(|v| (p, v))).collect();
    }
    current.into_iter().map(|(p, v)| (p, Some(v))).collect()
}

/// The object instances at `prefix` (every item of a repeat on the way).
fn instances(root: &Value, prefix: &[String]) -> Vec<String> {
    if prefix.is_empty() {
        return vec![String::new()];
    }
    let (last, parents) = prefix.split_last().unwrap();
    let mut out = Vec::new();
    for parent in instances(root, parents) {
        for (p, value) in slots(root, &parent, std::slice::from_ref(last)) {
            match value {
                Some(Value::Array(items)) => out.extend((0..items.len()).map(|i| format!("{p}/{i}"))),
                Some(Value::Object(_)) => out.push(p),
                _ => {}
            }
        }
    }
    out
}

/// Sets (or, for `None`, removes) the member at `pointer`, making missing objects on the way.
fn put(root: &mut Value, pointer: &str, value: Option<Value>) {
    let mut parts: Vec<&str> = pointer.split('/').skip(1).collect();
    let last = parts.pop().expect("a member pointer");
    let mut at = root;
    for part in parts {
        at = match at {
            Value::Array(items) => &mut items[part.parse::<usize>().expect("an index")],
            Value::Object(members) => {
                members.entry(part.to_string()).or_insert_with(|| Value::Object(Default::default()))
            }
            _ => panic!("{pointer} crosses a value"),
        };
    }
    let Value::Object(members) = at else { panic!("{pointer}: not in an object") };
    match value {
        Some(value) => {
            members.insert(last.to_string(), value);
        }
        None => {
            members.remove(last);
        }
    }
}

/// The longest common prefix of paths, leaving each at least its own last name.
fn common(paths: &[&[String]]) -> Vec<String> {
    let shortest = paths.iter().map(|p| p.len()).min().unwrap_or(0).saturating_sub(1);
    let mut out = Vec::new();
    for k in 0..shortest {
        let name = &paths[0][k];
        if paths.iter().all(|p| &p[k] == name) {
            out.push(name.clone());
        } else {
            break;
        }
    }
    out
}

/// What a test sees in a value.
fn held(test: &Condition, value: Option<&Value>) -> Held {
    let any = test.holds.iter().chain(&test.fails);
    match value.filter(|v| is_present(Some(v))) {
        None => Held::Absent,
        Some(_) if any.clone().any(|h| *h == Held::Present) => Held::Present,
        Some(Value::Bool(b)) => Held::Bool(*b),
        Some(Value::String(s)) => Held::Code(s.clone()),
        Some(other) => Held::Code(other.to_string()),
    }
}

/// The first value the accepted examples give the element at `path`.
struct Pool<'e>(&'e [Value]);

impl Pool<'_> {
    fn value(&self, path: &[String]) -> Option<Value> {
        self.0.iter().flat_map(|e| slots(e, "", path)).find_map(|(_, v)| v.filter(|v| is_present(Some(v))).cloned())
    }

    fn of(&self, held: &Held, path: &[String]) -> Option<Option<Value>> {
        Some(match held {
            Held::Absent => None,
            Held::Present => Some(self.value(path)?),
            Held::Bool(b) => Some(Value::Bool(*b)),
            Held::Code(code) => Some(Value::String(code.clone())),
        })
    }
}

/// One reading in one object instance of one submission: the pointers of the elements it
/// names there.
struct Place {
    example: usize,
    target: String,
    controller: Option<String>,
}

/// Counts over all samples.
#[derive(Default)]
struct Tally {
    /// Readings exercised both ways.
    readings: usize,
    /// Of these, how many needed the second round of examples.
    second_round: usize,
    accepted_checked: usize,
    by_shape: BTreeMap<&'static str, usize>,
}

/// Holds one sample's readings against its form; returns what could not be exercised. Deep
/// optional groups are rarely all filled, so a reading no example puts in play is tried
/// again on more examples (another seed).
fn hold(name: &str, form: &ir::Form, readings: &[Reading], tally: &mut Tally) -> Vec<String> {
    let compiled = Compiled::new(form);
    let options = options();
    let validate = |submission: &Value| compiled.validate(submission, &options).violations;
    let mut pending: Vec<&Reading> = readings.iter().collect();
    let mut missing = Vec::new();
    for (round, (n, seed)) in [(VALID_EXAMPLES, 11), (VALID_EXAMPLES * 10, 12)].into_iter().enumerate() {
        let accepted: Vec<Value> = examples::generate(&compiled, n, 0, seed, &options)
            .into_iter()
            .filter(|e| e.expect.is_none())
            .map(|e| e.submission)
            .collect();
        assert!(!accepted.is_empty(), "{name}: no valid example");
        let pool = Pool(&accepted);
        missing.clear();
        for reading in std::mem::take(&mut pending) {
            let what = format!("{name}: rule {} ({}) {:?}", reading.rule, reading.shape, reading.meaning);
            // Every accepted submission obeys the reading.
            for (e, example) in accepted.iter().enumerate() {
                if let Some(why) = disobeys(example, reading, readings) {
                    panic!("{what}: the validator accepts example {e}, which FIM forbids: {why}\n{example:#}");
                }
                tally.accepted_checked += 1;
            }
            match exercise(reading, readings, &accepted, &pool, &validate) {
                Ok(()) => {
                    tally.readings += 1;
                    *tally.by_shape.entry(reading.shape).or_default() += 1;
                    if round > 0 {
                        tally.second_round += 1;
                    }
                }
                Err(Verdict::Wrong(why)) => panic!("{what}: {why}"),
                Err(Verdict::Unexercised(why)) => {
                    pending.push(reading);
                    missing.push(format!("{what}: {why}"));
                }
            }
        }
        if pending.is_empty() {
            break;
        }
    }
    missing
}

enum Verdict {
    /// The validator disagrees with the reading.
    Wrong(String),
    /// No submission could be made to try it (named, so that the test can say how many).
    Unexercised(String),
}

/// The places a reading is in play in one submission.
fn places(example: &Value, index: usize, target: &[String], controller: Option<&[String]>) -> Vec<Place> {
    let prefix = match controller {
        Some(c) => common(&[target, c]),
        None => target[..target.len() - 1].to_vec(),
    };
    let mut out = Vec::new();
    for instance in instances(example, &prefix) {
        let controller = controller.map(|c| pointer(&instance, &c[prefix.len()..]));
        for (target, _) in slots(example, &instance, &target[prefix.len()..]) {
            out.push(Place { example: index, target, controller: controller.clone() });
        }
    }
    out
}

/// Whether the element a reading names is shown in that place, by the other readings of
/// the same element (a `Required` holds only where it is shown).
fn shown(example: &Value, place: &Place, target: &[String], readings: &[Reading]) -> bool {
    readings.iter().all(|r| match &r.meaning {
        Meaning::Shown { target: t, test } if t == target => {
            let prefix = common(&[t, &test.controller]);
            let instance = instance_of(&place.target, prefix.len(), t);
            let controller = pointer(&instance, &test.controller[prefix.len()..]);
            test.holds.contains(&held(test, example.pointer(&controller)))
        }
        _ => true,
    })
}

/// The pointer of the instance at `depth` names into `path` that `at` (a pointer along
/// `path`, with item indices) lies in.
fn instance_of(at: &str, depth: usize, path: &[String]) -> String {
    let mut out = String::new();
    let mut parts = at.split('/').skip(1).peekable();
    for name in &path[..depth] {
        let part = parts.next().expect("a pointer along the path");
        assert_eq!(part, name);
        out = format!("{out}/{part}");
        if parts.peek().is_some_and(|p| p.parse::<usize>().is_ok()) {
            out = format!("{out}/{}", parts.next().unwrap());
        }
    }
    out
}

/// Why an accepted submission breaks a reading, if it does.
fn disobeys(example: &Value, reading: &Reading, readings: &[Reading]) -> Option<String> {
    match &reading.meaning {
        Meaning::Shown { target, test } => {
            for place in places(example, 0, target, Some(&test.controller)) {
                let c = example.pointer(place.controller.as_deref().unwrap());
                if is_present(example.pointer(&place.target)) && !test.holds.contains(&held(test, c)) {
                    return Some(format!(
                        "{} is filled while {:?} does not hold it shown",
                        place.target,
                        held(test, c)
                    ));
                }
            }
            None
        }
        Meaning::Required { target, test } => {
            let controller = test.as_ref().map(|t| t.controller.as_slice());
            for place in places(example, 0, target, controller) {
                let on = match test {
                    Some(test) => {
                        test.holds.contains(&held(test, example.pointer(place.controller.as_deref().unwrap())))
                    }
                    None => true,
                };
                if on && shown(example, &place, target, readings) && !is_present(example.pointer(&place.target)) {
                    return Some(format!("{} is empty though required", place.target));
                }
            }
            None
        }
        Meaning::AtLeastOne { members } | Meaning::AtLeastOneTrue { members } | Meaning::ExactlyOne { members } => {
            let paths: Vec<&[String]> = members.iter().map(Vec::as_slice).collect();
            let prefix = common(&paths);
            for instance in instances(example, &prefix) {
                let values: Vec<Option<&Value>> =
                    members.iter().map(|m| example.pointer(&pointer(&instance, &m[prefix.len()..]))).collect();
                let given = values.iter().filter(|v| is_present(**v)).count();
                let yes = values.iter().filter(|v| matches!(v, Some(Value::Bool(true)))).count();
                let ok = match reading.meaning {
                    Meaning::AtLeastOne { .. } => given >= 1,
                    Meaning::AtLeastOneTrue { .. } => yes >= 1,
                    _ => given == 1,
                };
                if !ok {
                    return Some(format!("at {instance}: {given} of the members given, {yes} yes"));
                }
            }
            None
        }
    }
}

/// The violations at `pointer` (or below it) with `code`.
fn has(violations: &[formwerk::runtime::check::Violation], pointer: &str, code: &str) -> bool {
    violations.iter().any(|v| (v.pointer == pointer || v.pointer.starts_with(&format!("{pointer}/"))) && v.code == code)
}

fn exercise(
    reading: &Reading,
    readings: &[Reading],
    accepted: &[Value],
    pool: &Pool,
    validate: &dyn Fn(&Value) -> Vec<formwerk::runtime::check::Violation>,
) -> Result<(), Verdict> {
    let wrong = |why: String| Err(Verdict::Wrong(why));
    let unexercised = |why: &str| Err(Verdict::Unexercised(why.to_string()));
    match &reading.meaning {
        Meaning::Shown { target, test } => {
            // Accepted with the element filled: the test held.
            let filled: Vec<Place> = accepted
                .iter()
                .enumerate()
                .flat_map(|(i, e)| places(e, i, target, Some(&test.controller)))
                .filter(|p| is_present(accepted[p.example].pointer(&p.target)))
                .collect();
            let Some(place) = filled.first() else { return unexercised("no accepted example fills the element") };
            // Forbidden: the same, with the controller at each value for which it does not hold.
            let mut tried = 0;
            for fail in &test.fails {
                let Some(value) = pool.of(fail, &test.controller) else { continue };
                let mut submission = accepted[place.example].clone();
                put(&mut submission, place.controller.as_deref().unwrap(), value);
                let violations = validate(&submission);
                if !has(&violations, &place.target, "hidden") {
                    return wrong(format!(
                        "with the controller at {fail:?}, {} is filled, and the validator does not say `hidden` there: {violations:?}",
                        place.target
                    ));
                }
                tried += 1;
            }
            if tried == 0 {
                return unexercised("no value of the controller fails the test");
            }
            Ok(())
        }
        Meaning::Required { target, test } => {
            let controller = test.as_ref().map(|t| t.controller.as_slice());
            let candidates: Vec<Place> = accepted
                .iter()
                .enumerate()
                .flat_map(|(i, e)| places(e, i, target, controller))
                .filter(|p| shown(&accepted[p.example], p, target, readings))
                .collect();
            let mut forbidden = 0;
            for place in &candidates {
                let example = &accepted[place.example];
                let on = match test {
                    Some(test) => {
                        test.holds.contains(&held(test, example.pointer(place.controller.as_deref().unwrap())))
                    }
                    None => true,
                };
                // Forbidden: in play and emptied.
                if on && is_present(example.pointer(&place.target)) {
                    let mut submission = example.clone();
                    put(&mut submission, &place.target, None);
                    let violations = validate(&submission);
                    if !has(&violations, &place.target, "required") {
                        return wrong(format!(
                            "{} emptied while required, and the validator does not say `required` there: {violations:?}",
                            place.target
                        ));
                    }
                    forbidden += 1;
                }
                // Allowed: not in play and empty.
                if let (Some(test), false) = (test, on) {
                    let mut submission = example.clone();
                    put(&mut submission, &place.target, None);
                    let violations = validate(&submission);
                    if has(&violations, &place.target, "required") {
                        return wrong(format!(
                            "{} emptied while {:?} does not require it, and the validator says `required`",
                            place.target,
                            held(test, example.pointer(place.controller.as_deref().unwrap()))
                        ));
                    }
                }
                if forbidden > 0 {
                    return Ok(());
                }
            }
            unexercised("no accepted example fills the element where it is required")
        }
        Meaning::AtLeastOne { members } | Meaning::AtLeastOneTrue { members } | Meaning::ExactlyOne { members } => {
            let paths: Vec<&[String]> = members.iter().map(Vec::as_slice).collect();
            let prefix = common(&paths);
            // A rule's code is `rule:<scope>.<name>`; the import names it after the FIM id.
            let name = format!("fim_{}", reading.rule.to_ascii_lowercase());
            let is_it = |code: &str| {
                code.strip_prefix("rule:").and_then(|c| c.rsplit('.').next()).is_some_and(|n| n.starts_with(&name))
            };
            let (e, instance) = accepted
                .iter()
                .enumerate()
                .flat_map(|(i, e)| instances(e, &prefix).into_iter().map(move |p| (i, p)))
                .next()
                .ok_or(Verdict::Unexercised("no accepted example has the members' group".to_string()))?;
            let at = |m: &Vec<String>| pointer(&instance, &m[prefix.len()..]);
            let mut forbidden: Vec<Value> = Vec::new();
            match reading.meaning {
                Meaning::AtLeastOne { .. } | Meaning::ExactlyOne { .. } => {
                    let mut none = accepted[e].clone();
                    members.iter().for_each(|m| put(&mut none, &at(m), None));
                    forbidden.push(none);
                }
                _ => {
                    let mut no = accepted[e].clone();
                    members.iter().for_each(|m| put(&mut no, &at(m), Some(Value::Bool(false))));
                    forbidden.push(no);
                }
            }
            if matches!(reading.meaning, Meaning::ExactlyOne { .. }) {
                let mut both = accepted[e].clone();
                for m in members.iter().take(2) {
                    let Some(value) = pool.value(m) else { return unexercised("no accepted example fills a member") };
                    put(&mut both, &at(m), Some(value));
                }
                forbidden.push(both);
            }
            let scope = if prefix.is_empty() { String::new() } else { instance.clone() };
            for submission in &forbidden {
                let violations = validate(submission);
                let found = violations
                    .iter()
                    .any(|v| is_it(&v.code) && (scope.starts_with(&v.pointer) || v.pointer.is_empty()));
                if !found {
                    return wrong(format!(
                        "{submission:#} breaks it, and the validator does not say rule:…{name}: {violations:?}"
                    ));
                }
            }
            Ok(())
        }
    }
}

#[test]
fn every_translated_rule_rejects_what_fim_forbids_and_accepts_what_it_allows() {
    let mut tally = Tally::default();
    let mut missing = Vec::new();
    for sample in super::samples() {
        let name = super::name_of(&sample);
        let xml = std::fs::read_to_string(&sample).unwrap();
        let (imported, form) = super::import_and_check(&xml, &super::library_for(&sample), &name);
        // The rules the source says it translated are the rules with a reading.
        let said: std::collections::BTreeSet<&str> = imported
            .source
            .lines()
            .filter(|l| l.trim_start().starts_with("// FIM rule ") && l.contains(", translated ("))
            .filter_map(|l| l.trim_start().strip_prefix("// FIM rule ")?.split([' ', ',', ':']).next())
            .collect();
        let read: std::collections::BTreeSet<&str> = imported.report.readings.iter().map(|r| r.rule.as_str()).collect();
        assert_eq!(said, read, "{name}: the translated rules and the readings");
        missing.extend(hold(&name, &form, &imported.report.readings, &mut tally));
    }
    eprintln!(
        "{} readings exercised ({:?}; {} on the second round of examples); {} checks of an accepted example against a reading",
        tally.readings, tally.by_shape, tally.second_round, tally.accepted_checked,
    );
    assert!(missing.is_empty(), "readings no example puts in play:\n{}", missing.join("\n"));
    assert!(tally.readings >= 137, "the samples have 137 readings; {} were exercised", tally.readings);
}
