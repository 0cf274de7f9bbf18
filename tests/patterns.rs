//! Patterns every target can run: the hostile ones (nested ambiguous repetitions, a
//! quantifier on a quantifier, patterns past the size limits) are rejected with a reason,
//! while every pattern of the corpus, of the tests and of the real FIM samples is either
//! accepted or rejected for a portability reason it had before; every accepted pattern
//! compiles in ajv (as the generated schema states it) and with the `regex` crate (as the
//! runtime compiles it).

mod common;

use common::form_files;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use formwerk::diag::Code;

/// The pattern as a string literal of the form language.
fn literal(pattern: &str) -> String {
    let mut out = String::from("\"");
    for c in pattern.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:X}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The error codes of a form whose only constraint is `pattern`.
fn codes_of(pattern: &str) -> Vec<Code> {
    let source = format!(
        "form p {{\n  title \"P\"\n  version \"1\"\n  languages de\n  field f: text \"F\" {{\n    pattern {}\n  }}\n}}\n",
        literal(pattern)
    );
    let (_, checked) = common::check_fixture(&source);
    checked.diagnostics.iter().filter(|d| d.is_error()).map(|d| d.code).collect()
}

#[test]
fn hostile_patterns_are_rejected_with_their_reason() {
    let hostile = [
        ("(a+)+", Code::AmbiguousPattern),
        ("(a|aa)*c", Code::AmbiguousPattern),
        ("(x+x+)+y", Code::AmbiguousPattern),
        ("(a*)*b", Code::AmbiguousPattern),
        ("([a-z]+ ?)+", Code::AmbiguousPattern),
        ("(\\d+\\.?)+", Code::AmbiguousPattern),
        ("(x(|))*", Code::AmbiguousPattern),
        ("[a-z]*[a-z]*!", Code::AmbiguousPattern),
        (".*@.*", Code::AmbiguousPattern),
        (".{200}{50}", Code::PatternTooLarge),
        ("[A-Z]{0,4000}", Code::PatternTooLarge),
        ("((a{1,20}){1,20}){1,20}", Code::PatternTooLarge),
    ];
    for (pattern, code) in hostile {
        assert_eq!(codes_of(pattern), [code], "{pattern}");
    }
}

/// The string literals after `pattern` in form source, outside line comments.
fn patterns_in_source(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
        let Some(rest) = line.trim_start().strip_prefix("pattern \"") else { continue };
        let mut value = String::new();
        let mut chars = rest.chars();
        while let Some(c) = chars.next() {
            match c {
                '"' => break,
                '\\' => match chars.next() {
                    Some('n') => value.push('\n'),
                    Some('t') => value.push('\t'),
                    Some('u') => {
                        let hex: String = chars.by_ref().skip(1).take_while(|&c| c != '}').collect();
                        value.extend(u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32));
                    }
                    Some(other) => value.push(other),
                    None => {}
                },
                c => value.push(c),
            }
        }
        found.push(value);
    }
    found
}

/// Every `pattern` of the real FIM samples, as the XML states it: the `pattern` attribute of
/// `praezisierung` (XDF3) or its member in the JSON text of `praezisierung` (XDF2).
fn fim_patterns(root: &Path) -> Vec<String> {
    let mut files = Vec::new();
    for version in ["xdf2", "xdf3"] {
        for entry in std::fs::read_dir(root.join("tests/fim/samples").join(version)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "xml") {
                files.push(path);
            }
        }
    }
    files.sort();
    let mut found = Vec::new();
    for file in files {
        let xml = std::fs::read_to_string(&file).unwrap();
        let document = roxmltree::Document::parse(&xml).unwrap();
        for node in document.descendants().filter(|n| n.tag_name().name() == "praezisierung") {
            if let Some(pattern) = node.attribute("pattern") {
                found.push(pattern.to_string());
            } else if let Some(json) = node.text().and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok()) {
                found.extend(json["pattern"].as_str().map(str::to_string));
            }
        }
    }
    found
}

/// What ajv says of each pattern: `Ok(())` or why it does not compile.
fn ajv_compiles(patterns: &[String]) -> BTreeMap<String, Result<(), String>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    common::npm_ci("tests/ajv", &["ajv"], "the ajv pattern check");
    let input = root.join("target/ajv-patterns.json");
    std::fs::write(&input, serde_json::to_vec(&serde_json::json!({ "patterns": patterns })).unwrap()).unwrap();
    let output = Command::new("node").arg(root.join("tests/ajv/patterns.mjs")).arg(&input).output().expect("node runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| {
            let line: serde_json::Value = serde_json::from_str(line).unwrap();
            let pattern = line["pattern"].as_str().unwrap().to_string();
            let result = if line["compiles"] == true { Ok(()) } else { Err(line["error"].to_string()) };
            (pattern, result)
        })
        .collect()
}

#[test]
fn real_patterns_are_accepted_and_compile_in_every_target() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    form_files(&root.join("forms"), &mut files);
    form_files(&root.join("tests"), &mut files);
    files.sort();
    // (where, pattern): hand-written ones from forms and tests, then the FIM samples.
    let mut sources: Vec<(String, String)> = Vec::new();
    for file in &files {
        let where_ = file.strip_prefix(root).unwrap().display().to_string();
        // Error cases show rejected patterns on purpose.
        if where_.contains("/err/") {
            continue;
        }
        let text = std::fs::read_to_string(file).unwrap();
        sources.extend(patterns_in_source(&text).into_iter().map(|p| (where_.clone(), p)));
    }
    let n_hand_written = sources.len();
    let fim = fim_patterns(root);
    let n_fim = fim.len();
    sources.extend(fim.into_iter().map(|p| ("tests/fim/samples".to_string(), p)));
    assert!(n_hand_written >= 10 && n_fim >= 60, "{n_hand_written} hand-written and {n_fim} FIM patterns found");

    let mut outcomes: BTreeMap<String, usize> = BTreeMap::new();
    let mut accepted = Vec::new();
    let mut problems = Vec::new();
    for (where_, pattern) in &sources {
        let codes = codes_of(pattern);
        let outcome = match codes.as_slice() {
            [] => "accepted".to_string(),
            codes => codes.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(","),
        };
        *outcomes
            .entry(format!("{} {outcome}", if where_.starts_with("tests/fim") { "FIM" } else { "hand-written" }))
            .or_default() += 1;
        match codes.as_slice() {
            [] => accepted.push(formwerk::check::portable_pattern(pattern).unwrap()),
            // The FIM samples hold Unicode classes (`[\p{L}0-9. ]*`), which were never portable.
            [Code::NonPortablePattern] if where_.starts_with("tests/fim") => {}
            _ => problems.push(format!("{where_}: {pattern:?} is rejected ({outcome})")),
        }
    }
    eprintln!("patterns: {outcomes:?}");
    accepted.sort();
    accepted.dedup();
    // The runtime and the reference validator compile them so; a failure would match nothing.
    for regex in &accepted {
        if let Err(error) = regex::Regex::new(&format!("^(?:{regex})$")) {
            problems.push(format!("{regex:?} does not compile with the regex crate: {error}"));
        }
    }
    // In WebAssembly the runtime compiles them with `regex-lite`: they must compile there and
    // mean the same, on texts made of the pattern's own characters, digits and letters.
    let mut rng = common::Rng(0x5eed_1e55);
    let mut n_matches = 0;
    for regex in &accepted {
        let anchored = format!("^(?:{regex})$");
        let (Ok(full), Ok(lite)) = (regex::Regex::new(&anchored), regex_lite::Regex::new(&anchored)) else {
            problems.push(format!("{regex:?} does not compile with regex-lite"));
            continue;
        };
        let mut alphabet: Vec<char> = regex.chars().filter(|c| !c.is_control()).collect();
        alphabet.extend("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcxyzäöüß \n\u{2028}".chars());
        let fixed = ["", "a", "0", "12345", "DE89370400440532013000", "ä", "\n", "\u{2028}", "a\r\nb"];
        let hir = regex_syntax::parse(&anchored).unwrap();
        let random = (0..300).map(|i| {
            let mut text = String::new();
            if i % 2 == 0 {
                // A text the pattern matches, half of them changed at one place.
                member(&hir, &mut rng, &mut text);
                if i % 4 == 0 && !text.is_empty() {
                    let mut chars: Vec<char> = text.chars().collect();
                    let at = rng.below(chars.len());
                    chars[at] = alphabet[rng.below(alphabet.len())];
                    text = chars.into_iter().collect();
                }
            } else {
                text = (0..rng.below(24)).map(|_| alphabet[rng.below(alphabet.len())]).collect();
            }
            text
        });
        for text in fixed.into_iter().map(String::from).chain(random) {
            let matches = full.is_match(&text);
            n_matches += usize::from(matches);
            if matches != lite.is_match(&text) {
                problems.push(format!("{regex:?} on {text:?}: regex says {matches}, regex-lite the opposite"));
            }
        }
    }
    assert!(n_matches >= accepted.len() * 100, "only {n_matches} texts matched: the comparison says little");
    // As the generated schema states them; a quantifier on a quantifier is written with a
    // group, which ajv needs (it rejects the bare form, shown alongside).
    let nested = "[A-Z]{2}{3}";
    assert!(codes_of(nested).is_empty());
    let nested_portable = formwerk::check::portable_pattern(nested).unwrap();
    let mut anchored: Vec<String> = accepted.iter().map(|r| format!("^(?:{r})$")).collect();
    anchored.push(format!("^(?:{nested_portable})$"));
    let bare = format!("^(?:{nested})$");
    anchored.push(bare.clone());
    let ajv = ajv_compiles(&anchored);
    assert_eq!(ajv.len(), anchored.len());
    assert!(ajv[&bare].is_err(), "ajv should refuse a quantifier on a quantifier");
    for (pattern, result) in &ajv {
        if let (Err(error), false) = (result, *pattern == bare) {
            problems.push(format!("ajv cannot compile {pattern:?}: {error}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Appends a random text that `hir` matches (repetitions at most three past their minimum).
fn member(hir: &regex_syntax::hir::Hir, rng: &mut common::Rng, out: &mut String) {
    use regex_syntax::hir::{Class, HirKind};
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => {}
        HirKind::Literal(literal) => out.push_str(std::str::from_utf8(&literal.0).unwrap()),
        HirKind::Class(Class::Unicode(class)) => {
            let range = class.ranges()[rng.below(class.ranges().len())];
            let span = range.end() as usize - range.start() as usize + 1;
            let c = (0..8).find_map(|_| char::from_u32(range.start() as u32 + rng.below(span) as u32));
            out.push(c.unwrap_or(range.start()));
        }
        HirKind::Class(Class::Bytes(class)) => out.push(char::from(class.ranges()[0].start())),
        HirKind::Repetition(repetition) => {
            let most = repetition.max.unwrap_or(repetition.min + 3).min(repetition.min + 3);
            let n = repetition.min as usize + rng.below((most - repetition.min) as usize + 1);
            for _ in 0..n {
                member(&repetition.sub, rng, out);
            }
        }
        HirKind::Capture(capture) => member(&capture.sub, rng, out),
        HirKind::Concat(parts) => parts.iter().for_each(|part| member(part, rng, out)),
        HirKind::Alternation(parts) => member(&parts[rng.below(parts.len())], rng, out),
    }
}
