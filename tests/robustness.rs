//! No input makes the parser or checker panic: thousands of mutated and truncated variants
//! of the corpus and the test cases, plus hand-made hostile inputs.

mod common;

use std::path::{Path, PathBuf};

/// A small deterministic generator (xorshift64*), so failures are reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

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

fn form_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            form_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "form") {
            out.push(path);
        }
    }
}

#[test]
fn ten_thousand_mutants_never_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut seeds = Vec::new();
    form_files(&root.join("forms"), &mut seeds);
    form_files(&root.join("tests/cases"), &mut seeds);
    seeds.sort();
    assert!(seeds.len() > 20, "expected the corpus and the cases as seeds");
    let texts: Vec<String> = seeds.iter().map(|p| std::fs::read_to_string(p).unwrap()).collect();
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
            let files = formwerk::emit::emit(&bundle, target, &settings);
            for file in &files {
                let text = String::from_utf8_lossy(&file.contents);
                assert!(!text.contains("compile_error!"), "{}: {source}", file.path);
            }
        }
        n_emitted += 1;
    }
    assert!(n_emitted > 10, "only {n_emitted} hostile forms were accepted and emitted");
}
