//! No input makes the parser or checker panic: thousands of mutated and truncated variants
//! of the corpus and the test cases, plus hand-made hostile inputs. Hostile submissions get
//! reports bounded by the form.

mod common;

use common::{form_files, Rng};

use std::path::Path;

const TOKENS: &[&str] = &[
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "\"",
    "..",
    "field x: text \"X\"",
    "group g: ",
    "repeat r \"R\" 3..1 {",
    "section s {",
    " when ",
    " and ",
    " or ",
    "not ",
    "today - ",
    "1..",
    "é",
    "\\u{",
    "/*",
    "//",
    "\n",
    " == ",
    " in ",
    "count(",
    " is set",
    "99999999999999999999999",
    "0.0000001",
    "-",
    ":",
    ",",
    "use common.person\n",
    "use x.y\n",
    "rule r {",
    "check ",
    "at ",
    "2024-02-30",
    "5 years",
    "sum(",
    "any(",
    "ä",
    "\u{202E}",
    "\0",
    "codelist C { code \"a\" \"A\" }",
    "pattern \"(?i)\"",
    "pattern \"[\"",
    "choice of ",
    "multiple choice of ",
    "max ",
    "min ",
    "length ",
    "en \"x\"",
    // Names that targets fold, reserve or derive into one, and patterns that explode.
    "field _: text \"U\"",
    "field self: text \"S\"",
    "field Name: text \"N\"",
    "group submission \"S\" { field a: text \"A\" }",
    "group x_a \"X\" { group b \"B\" { field c: text \"C\" } }",
    "form runtime",
    "pattern \"(a+)+\"",
    "pattern \".{200}{50}\"",
    "pattern \"[a-z]*[a-z]*\"",
    "\u{2066}",
];

fn char_boundary(text: &str, mut index: usize) -> usize {
    index = index.min(text.len());
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

fn mutate(text: &str, rng: &mut Rng) -> String {
    let mut out = text.to_string();
    for _ in 0..1 + rng.below(3) {
        let len = out.len();
        let at = char_boundary(&out, rng.below(len + 1));
        match rng.below(6) {
            0 => out.truncate(at),
            1 => {
                let end = char_boundary(&out, at + rng.below(60));
                out.replace_range(at..end, "");
            }
            2 => {
                let end = char_boundary(&out, at + rng.below(200));
                let copy = out[at..end].to_string();
                let to = char_boundary(&out, rng.below(len + 1));
                out.insert_str(to, &copy);
            }
            3 => out.insert_str(at, TOKENS[rng.below(TOKENS.len())]),
            4 => {
                let mut lines: Vec<&str> = out.lines().collect();
                if lines.len() > 1 {
                    let (a, b) = (rng.below(lines.len()), rng.below(lines.len()));
                    lines.swap(a, b);
                }
                out = lines.join("\n");
            }
            _ => {
                let end = char_boundary(&out, at + 1);
                let replacement = ['{', '}', '"', '.', ' ', 'x', '1', '(', '=', '\n'][rng.below(10)];
                out.replace_range(at..end, &replacement.to_string());
            }
        }
    }
    out
}

#[test]
fn ten_thousand_mutants_never_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut seeds = Vec::new();
    form_files(&root.join("forms"), &mut seeds);
    form_files(&root.join("tests/cases"), &mut seeds);
    seeds.sort();
    assert!(seeds.len() > 20, "expected the corpus and the cases as seeds");
    // A case that is not UTF-8 (`latin1_source.form`) seeds as its lossy text.
    let texts: Vec<String> =
        seeds.iter().map(|p| String::from_utf8_lossy(&std::fs::read(p).unwrap()).into_owned()).collect();
    // Corpus modules stay available so that `use` in mutants resolves.
    let modules: String = seeds
        .iter()
        .zip(&texts)
        .filter(|(p, _)| p.starts_with(root.join("forms/common")))
        .map(|(p, t)| format!("//- /common/{}\n{t}\n", p.file_name().unwrap().to_string_lossy()))
        .collect();
    let mut rng = Rng(0x5EED_F0E4_1234_5678);
    let mut n_errors = 0;
    for i in 0..10_000 {
        let seed = &texts[i % texts.len()];
        let mutant = mutate(seed, &mut rng);
        let fixture = if mutant.contains("//- /") { mutant } else { format!("//- /main.form\n{mutant}\n{modules}") };
        let (db, checked) = common::check_fixture(&fixture);
        n_errors += usize::from(checked.has_errors());
        // Rendering must not panic either (spans must lie inside their files).
        if i % 10 == 0 {
            common::render_plain(&db, &checked);
        }
    }
    assert!(n_errors > 5_000, "mutations should usually break the form ({n_errors} did)");
}

#[test]
fn hostile_inputs_get_diagnostics_not_crashes() {
    let header = "form f {\n  title \"T\"\n  version \"1\"\n  languages de\n  field a: boolean \"A\"\n";
    let inputs = [
        format!("{header}  info i \"I\" {{ visible when {}a{} }}\n}}", "(".repeat(100_000), ")".repeat(100_000)),
        format!("{header}  info i \"I\" {{ visible when {}a }}\n}}", "not ".repeat(50_000)),
        format!("{header}  info i \"I\" {{ visible when a{} }}\n}}", " and a".repeat(50_000)),
        format!("{header}  info i \"I\" {{ visible when {}a{} }}\n}}", "-(".repeat(40), ")".repeat(40)),
        format!("{header}{}", "group g \"G\" {\n".repeat(10_000)),
        format!("{header}  field s: text \"{}\"\n}}", "x".repeat(1_000_000)),
        "\"".repeat(10_000),
        "/*".repeat(10_000),
        "\u{FEFF}form f {}".to_string(),
        String::from_utf8_lossy(&[0xff, 0xfe, 0x00, 0x41]).into_owned(),
    ];
    for input in inputs {
        let (db, checked) = common::check_fixture(&input);
        common::render_plain(&db, &checked);
    }
}

/// Sources as bytes, as they come from disk: byte order marks, UTF-16 and UTF-32, NUL bytes,
/// Latin-1 bytes, encoded surrogates and truncated sequences are decoded or refused with a
/// diagnostic, never a panic, and a refused file never shows its bytes.
#[test]
fn mutated_bytes_never_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut seeds = Vec::new();
    form_files(&root.join("forms"), &mut seeds);
    seeds.sort();
    let texts: Vec<Vec<u8>> = seeds.iter().map(|p| std::fs::read(p).unwrap()).collect();
    let inserts: &[&[u8]] = &[
        b"\xEF\xBB\xBF",
        b"\xFF\xFE",
        b"\xFE\xFF",
        b"\x00\x00\xFE\xFF",
        b"\x00",
        b"\xFC",
        b"\xE4",
        b"\xED\xA0\x80",
        b"\xC3",
        b"\xF0\x9F",
        b"\xF4\x90\x80\x80",
        b"\xC0\xAF",
    ];
    let mut rng = Rng(0xB17E_5EED_0000_0001);
    for i in 0..1_000 {
        let mut bytes = texts[i % texts.len()].clone();
        for _ in 0..1 + rng.below(3) {
            let at = rng.below(bytes.len() + 1);
            match rng.below(3) {
                0 => bytes.splice(at..at, inserts[rng.below(inserts.len())].iter().copied()).for_each(drop),
                1 => bytes.truncate(at),
                _ => bytes = bytes.iter().flat_map(|b| [*b, 0]).collect(),
            }
        }
        let mut db = formwerk::source::SourceDb::new();
        let file = db.add_contents("main.form", "main", Ok(bytes));
        let checked = formwerk::check::check(&mut db, &formwerk::source::MemoryLoader::default(), &[file]);
        let rendered = common::render_plain(&db, &checked);
        if db.get(file).problem.is_some() {
            assert!(db.get(file).text.is_empty() && !rendered.contains("title \""), "{rendered}");
        }
    }
}

/// Hostile names and patterns through the whole pipeline: each form is checked and, when it
/// has no errors, emitted to every target; nothing panics, and what a target cannot take is
/// an error of the checker, never of an emitter.
#[test]
fn hostile_names_and_patterns_check_and_emit_every_target() {
    let names = [
        "_",
        "__",
        "_1",
        "self",
        "Self",
        "self_",
        "super",
        "crate",
        "type",
        "Type",
        "r#type",
        "__unknown",
        "submission",
        "runtime",
        "lib",
        "main",
        "shared",
        "catalogues",
        "raw",
        "hinweis",
        "fehler",
        "inhalt",
        "aktion",
        "ALL",
        "Name",
        "name",
    ];
    let patterns = [
        "(a+)+",
        "(a|aa)*c",
        "(x+x+)+y",
        ".{200}{50}",
        "[A-Z]{2}{3}",
        "[a-z]*[a-z]*",
        "(|)*",
        "((a*)*)*",
        "(?:)",
        "a{0,999}",
        "(a{1,20}){1,20}{1,20}",
        "\\\\d+(\\\\.\\\\d+)*",
    ];
    let form = |definitions: &str, id: &str, members: &str| {
        format!("{definitions}\nform {id} {{\n title \"T\"\n version \"1\"\n languages de\n{members}\n}}\n")
    };
    let mut sources = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let upper = name.to_uppercase();
        sources.push(form("", &format!("f{i}"), &format!(" field {name}: text \"A\"\n field {upper}: text \"B\"")));
        sources.push(form(
            &format!("codelist {name} \"L\" {{ code \"{name}\" \"C\" }}"),
            &format!("g{i}"),
            &format!(
                " group {name} \"G\" {{ hint \"H\"\n field hinweis: choice of {name} \"H\" }}\n \
                 repeat {name}_item \"R\" 1..2 {{ item \"I\"\n field entfernen: text \"E\" }}"
            ),
        ));
        sources.push(form("", name, " field x: text \"X\""));
    }
    for (i, pattern) in patterns.iter().enumerate() {
        sources.push(form("", &format!("p{i}"), &format!(" field x: text \"X\" {{ pattern \"{pattern}\" }}")));
    }
    let settings = formwerk::emit::Settings::default();
    let mut n_emitted = 0;
    for source in sources {
        let (db, checked) = common::check_fixture(&source);
        common::render_plain(&db, &checked);
        if checked.has_errors() {
            continue;
        }
        let bundle = formwerk::ir::Bundle { forms: checked.forms.iter().map(|(_, f)| f.clone()).collect() };
        for &target in formwerk::emit::Target::ALL.iter().chain(formwerk::emit::Target::EXTRA) {
            let files = formwerk::emit::emit(&bundle, target, &settings)
                .expect("the built-in theme renders every checked form");
            for file in &files {
                let text = String::from_utf8_lossy(&file.contents);
                assert!(!text.contains("compile_error!"), "{}: {source}", file.path);
            }
        }
        n_emitted += 1;
    }
    assert!(n_emitted > 10, "only {n_emitted} hostile forms were accepted and emitted");
}

/// Hostile submissions, read from bytes as `formwerk validate` and the generated `from_json`
/// read them: nesting far past serde_json's limit, a million items past a repeat's maximum,
/// a hundred thousand unknown members, and megabytes of control characters. Each gives a
/// report bounded by the form, never a panic or a stack overflow.
#[test]
fn hostile_submissions_get_reports_bounded_by_the_form() {
    let handle = std::thread::Builder::new()
        .stack_size(8 * 1024 * 1024)
        .spawn(|| {
            let options = formwerk::validate::Options { today: formwerk::value::Date::parse("2026-06-15").unwrap() };
            for form in common::corpus() {
                let compiled = formwerk::validate::Compiled::new(&form);
                let mut inputs = vec![
                    format!("{{\"x\": {}0{}}}", "[".repeat(100_000), "]".repeat(100_000)),
                    format!("{}{{}}{}", "[".repeat(100_000), "]".repeat(100_000)),
                    format!("{{{}\"z\": 0}}", (0..100_000).map(|i| format!("\"k{i}\": {i},")).collect::<String>()),
                ];
                for item in form.items() {
                    let member = match item {
                        formwerk::ir::Item::Repeat(_) => format!("[{}{{}}]", "{\"a\": [1]},".repeat(1_000_000)),
                        formwerk::ir::Item::Field(_) => format!("\"{}\"", "\\u0000\\u001b\\u202e".repeat(100_000)),
                        _ => continue,
                    };
                    inputs.push(format!("{{\"{}\": {member}}}", item.name()));
                }
                for input in inputs {
                    let value = formwerk::validate::read(&form, input.as_bytes()).expect("well-formed JSON is read");
                    let report = compiled.validate(&value, &options);
                    assert!(report.violations.len() < 500, "{}: {} violations", form.id, report.violations.len());
                }
            }
        })
        .unwrap();
    handle.join().expect("no stack overflow");
}

// ---------------------------------------------------------------- FIM import (issue 11)

/// Text that a hostile XDatenfelder file puts where the importer expects a name, label, id,
/// code, pattern or number (as XML: `&#10;` is a newline).
const FIM_TEXTS: &[&str] = &[
    "S1&#10;field boese: text \"B\" required&#10;//",
    "R1&#10;rule r {&#10;check false&#10;message \"m\"&#10;}&#10;//",
    "x&quot; }&#10;}&#10;codelist Boese {&#10;code \"a\" \"b\"&#10;}",
    "*/ /* \\ \\u{0} &#13;&#x85;&#x2028;&#x2029;&#x202E;&#x2066;&#9;",
    "99999999999999999999999",
    "4294967295",
    "-1",
    "0",
    "0:0",
    "3:1",
    "1:*",
    "0:4294967295",
    "1.5",
    "2024-02-30",
    "F123456",
    "(a",
    "(?=a)b",
    "(a+)+$",
    "[\\p{L}]+",
    "{\"minLength\":\"5\",\"maxLength\":\"2\",\"pattern\":\"^x$\"}",
    "select",
    "label",
    "hidden",
    "num_int",
    "date",
    "file",
    "X",
    "",
    "in",
    "Name",
];

/// Byte ranges of the `<tag>` elements of `xml`, open and close tags matched in one pass.
fn elements(xml: &str, tag: &str) -> Vec<(usize, usize)> {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    let mut tags: Vec<(usize, bool)> = xml.match_indices(&open).map(|(i, _)| (i, true)).collect();
    tags.extend(xml.match_indices(&close).map(|(i, _)| (i, false)));
    tags.sort();
    let (mut stack, mut found) = (Vec::new(), Vec::new());
    for (at, is_open) in tags {
        if is_open {
            stack.push(at);
        } else if let Some(start) = stack.pop() {
            found.push((start, at + close.len()));
        }
    }
    found
}

/// One to three structural or textual mutations of an XDatenfelder file.
fn mutate_fim(xml: &str, rng: &mut Rng) -> String {
    let mut out = xml.to_string();
    for _ in 0..1 + rng.below(3) {
        let blocks = elements(&out, "xdf:struktur");
        let block = (!blocks.is_empty()).then(|| blocks[rng.below(blocks.len())]);
        match (rng.below(6), block) {
            // A text node becomes hostile text.
            (0 | 1, _) if out.contains('>') => {
                let texts: Vec<usize> = out.match_indices('>').map(|(i, _)| i + 1).collect();
                let at = texts[rng.below(texts.len())];
                let end = out[at..].find('<').map_or(out.len(), |i| at + i);
                out.replace_range(at..end, FIM_TEXTS[rng.below(FIM_TEXTS.len())]);
            }
            // A block repeated up to 60 times: many equal labels, ids and code lists.
            (2, Some((start, end))) if end - start < 4_000 => {
                let copy = out[start..end].repeat(1 + rng.below(60));
                out.insert_str(end, &copy);
            }
            (3, Some((start, end))) => out.replace_range(start..end, ""),
            // A block wrapped in up to 60 groups, some of them choice groups.
            (4, Some((start, end))) => {
                let levels = 1 + rng.below(60);
                let art = if rng.below(2) == 0 { "<xdf:art><code>X</code></xdf:art>" } else { "" };
                let open = format!("<xdf:struktur><xdf:anzahl>0:1</xdf:anzahl><xdf:enthaelt><xdf:datenfeldgruppe><xdf:identifikation><xdf:id>G00000001</xdf:id></xdf:identifikation><xdf:bezeichnungEingabe>Ebene</xdf:bezeichnungEingabe>{art}");
                let wrapped = format!(
                    "{}{}{}",
                    open.repeat(levels),
                    &out[start..end],
                    "</xdf:datenfeldgruppe></xdf:enthaelt></xdf:struktur>".repeat(levels)
                );
                out.replace_range(start..end, &wrapped);
            }
            _ => out = mutate(&out, rng),
        }
    }
    out
}

#[test]
fn mutated_and_hostile_fim_files_import_to_source_that_checks_or_are_refused() {
    use formwerk::fim::{self, ImportError, Library};

    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut seeds: Vec<String> = Vec::new();
    for dir in ["tests/fim/samples/xdf2", "tests/fim/samples/xdf3", "fuzz/seeds/import_fim"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            let small = std::fs::metadata(&path).unwrap().len() < 100_000;
            if path.extension().is_some_and(|e| e == "xml") && small {
                let text = std::fs::read_to_string(&path).unwrap();
                seeds.push(text.split('\0').next().unwrap().to_string());
            }
        }
    }
    seeds.sort();
    assert!(seeds.len() >= 8, "{}", seeds.len());
    let hidden = |c: char| {
        (c.is_control() && c != '\n')
            || matches!(c, '\u{2028}' | '\u{2029}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{061C}' | '\u{FEFF}')
    };
    let library = Library::default();
    let mut rng = Rng(0xF1A7_DA7E_4F1E_1D00);
    let (mut n_imported, mut n_deep) = (0, 0);
    for i in 0..2_000 {
        let mutant = mutate_fim(&seeds[i % seeds.len()], &mut rng);
        match fim::import(&mutant, &library) {
            Ok(imported) => {
                n_imported += 1;
                assert!(!imported.source.chars().any(hidden), "mutant {i}: raw hidden character:\n{}", imported.source);
                let (db, checked) = fim::check_source("mutant.form", &imported.source);
                assert!(
                    !checked.has_errors(),
                    "mutant {i}: the imported source does not check:\n{}\n{}\n--- mutant:\n{mutant}",
                    imported.source,
                    common::render_plain(&db, &checked)
                );
            }
            Err(ImportError::TooDeep { .. }) => n_deep += 1,
            Err(_) => {}
        }
    }
    assert!(n_imported > 700, "many mutants should still import ({n_imported} did)");
    assert!(n_deep > 0, "some mutants nest too deep");
}
