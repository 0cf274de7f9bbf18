//! A generator of colliding names: hundreds of small forms built from names that a target
//! folds, reserves or derives into one (case variants, Rust keywords and `self`/`_`
//! variants, `_`/`.` path variants that flatten into one Rust type, the crate's own module
//! names, names of HTML ids a container derives). Each form must either be rejected with
//! `name-collision` or `reserved-name` (and nothing else), or build: every accepted form goes
//! into one generated crate that `cargo check` accepts, and each accepted page has unique
//! HTML ids with every repeat item and every error shown.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use formwerk::diag::Code;

/// Names worth trying everywhere: Rust keywords (strict, reserved and weak), the variants
/// of the ones that cannot be raw, underscores, and names the generated code uses itself.
const NAMES: &str =
    "as async await break const continue crate dyn else enum extern fn for gen if impl let loop match mod \
    move mut pub ref return self static struct super trait try type unsafe use where while abstract \
    become box do final macro override priv typeof unsized virtual yield union macro_rules raw safe Self \
    SELF Super Crate self_ Self_ _self crate_ _ __ ___ _1 __1 a__b __unknown _unknown unknown submission \
    Submission form Form option some none ok err string vec result default clone debug copy hash \
    file_ref FileRef sink check spec label kind group many leaf str given logic v bound date root obj \
    ptr value items entry id version content_hash languages validate from_json validate_on from_json_on \
    std core alloc serde serde_json regex runtime shared lib main all urn code from_code ALL URN VERSION \
    item at_form check_form forms wasm exports plan FORMS";

/// One generated case: the files of a fixture (all of them roots).
struct Case {
    what: String,
    fixture: String,
}

fn form(id: &str, definitions: &str, body: &str) -> String {
    format!("{definitions}\nform {id} {{\n  title \"T\"\n  version \"1.0.0\"\n  languages de\n{body}\n}}\n")
}

/// A case of one file, with a form and a module name unique in the bundle (definitions of
/// one module that several forms use are shared in the crate).
fn case(cases: &mut Vec<Case>, what: String, definitions: &str, body: &str) {
    let id = format!("g{}", cases.len());
    cases.push(Case { what, fixture: format!("//- /{id}.form\n{}", form(&id, definitions, body)) });
}

fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    // One name in each role.
    for name in NAMES.split_whitespace() {
        case(&mut cases, format!("field `{name}`"), "", &format!("  field {name}: text \"F\""));
        case(
            &mut cases,
            format!("group `{name}`"),
            "",
            &format!("  group {name} \"G\" {{\n    field x: text \"X\"\n  }}"),
        );
        case(
            &mut cases,
            format!("repeat `{name}`"),
            "",
            &format!("  repeat {name} \"R\" 1..3 {{\n    item \"I\"\n    field {name}: integer \"X\"\n  }}"),
        );
        case(
            &mut cases,
            format!("code list `{name}`"),
            &format!("codelist {name} \"L\" {{\n  code \"{name}\" \"C\"\n  code \"x\" \"X\"\n}}"),
            &format!("  field wahl: choice of {name} \"W\""),
        );
        case(
            &mut cases,
            format!("group type `{name}`"),
            &format!("group {name} \"T\" {{\n  field {name}: date \"D\"\n}}"),
            &format!("  group a: {name} \"A\"\n  repeat b: {name} \"B\" 1..2"),
        );
        // Forms keep their names, so each name is a form of its own case.
        let file = format!("//- /f{}.form\n", cases.len());
        cases.push(Case { what: format!("form `{name}`"), fixture: file + &form(name, "", "  field x: text \"X\"") });
    }
    // Names that fold into one: case variants, keyword variants, `_` and `.` in paths.
    let sibling_pairs = [
        ("Name", "name"),
        ("NAME", "nAme"),
        ("self", "self_"),
        ("Self", "self_"),
        ("crate", "crate_"),
        ("_", "__"),
        ("a__b", "a_b"),
        ("_1", "__1"),
        ("type", "Type"),
        ("kind", "kind_item"),
        ("x_y", "x__y"),
    ];
    for (a, b) in sibling_pairs {
        case(
            &mut cases,
            format!("fields `{a}`, `{b}`"),
            "",
            &format!("  field {a}: text \"A\"\n  field {b}: text \"B\""),
        );
        case(
            &mut cases,
            format!("groups `{a}`, `{b}`"),
            "",
            &format!("  group {a} \"A\" {{\n    field x: text \"X\"\n  }}\n  group {b} \"B\" {{\n    field x: text \"X\"\n  }}"),
        );
        case(
            &mut cases,
            format!("repeat `{a}`, group `{b}`"),
            "",
            &format!(
                "  repeat {a} \"A\" 1..2 {{\n    item \"I\"\n    field x: text \"X\"\n  }}\n  group {b} \"B\" {{\n    field x: text \"X\"\n  }}"
            ),
        );
        case(
            &mut cases,
            format!("code lists `{a}`, `{b}`"),
            &format!("codelist {a} \"A\" {{\n  code \"a\" \"A\"\n}}\ncodelist {b} \"B\" {{\n  code \"b\" \"B\"\n}}"),
            &format!("  field f: choice of {a} \"F\"\n  field g: choice of {b} \"G\""),
        );
        case(
            &mut cases,
            format!("code list `{a}`, group `{b}`"),
            &format!("codelist {a} \"A\" {{\n  code \"a\" \"A\"\n}}"),
            &format!("  field f: choice of {a} \"F\"\n  group {b} \"B\" {{\n    field x: text \"X\"\n  }}"),
        );
        case(
            &mut cases,
            format!("group type `{a}`, group `{b}`"),
            &format!("group {a} \"A\" {{\n  field x: text \"X\"\n}}"),
            &format!("  group f: {a} \"F\"\n  group {b} \"B\" {{\n    field x: text \"X\"\n  }}"),
        );
    }
    let paths = [
        "  group x \"X\" {\n    group a_b \"AB\" {\n      field c: text \"C\"\n    }\n  }\n  group x_a \"XA\" {\n    group b \"B\" {\n      field c: text \"C\"\n    }\n  }",
        "  group a \"A\" {\n    group b \"B\" {\n      group c \"C\" {\n        field x: text \"X\"\n      }\n    }\n  }\n  group a_b \"AB\" {\n    group c \"C\" {\n      field x: text \"X\"\n    }\n  }",
        "  repeat x \"X\" 1..2 {\n    item \"I\"\n    group y \"Y\" {\n      field z: text \"Z\"\n    }\n  }\n  group x_y \"XY\" {\n    field z: text \"Z\"\n  }",
        "  group p \"P\" {\n    repeat q \"Q\" 1..2 {\n      item \"I\"\n      field z: text \"Z\"\n    }\n  }\n  group p_q_item \"PQ\" {\n    field z: text \"Z\"\n  }",
    ];
    for body in paths {
        case(&mut cases, format!("paths\n{body}"), "", body);
    }
    let typed = [
        (
            "group Person \"P\" {\n  group anschrift \"A\" {\n    field ort: text \"O\"\n  }\n}\ngroup PersonAnschrift \"PA\" {\n  field plz: text \"P\"\n}",
            "  group a: Person \"A\"\n  group b: PersonAnschrift \"B\"",
        ),
        ("group Person \"P\" {\n  field name: text \"N\"\n}", "  group a: Person \"A\"\n  group person \"B\" {\n    field x: text \"X\"\n  }"),
        ("codelist Submission \"S\" {\n  code \"a\" \"A\"\n}", "  field s: choice of Submission \"S\""),
        ("codelist Liste \"L\" {\n  code \"ALL\" \"A\"\n  code \"URN\" \"U\"\n  code \"VERSION\" \"V\"\n  code \"all\" \"a\"\n  code \"ALL_\" \"B\"\n}", "  field s: choice of Liste \"S\""),
    ];
    for (definitions, body) in typed {
        case(&mut cases, format!("definitions\n{definitions}\n{body}"), definitions, body);
    }
    // Members named like the ids their container derives, and like the page's own ids.
    for member in ["hinweis", "fehler", "bereich", "info", "hinzufuegen", "entfernen", "tag", "monat", "jahr", "option"]
    {
        case(
            &mut cases,
            format!("group member `{member}`"),
            "",
            &format!(
                "  field schalter: boolean \"S\"\n  group g \"G\" {{\n    hint \"H\"\n    visible when schalter\n    field {member}: text \"M\"\n  }}"
            ),
        );
        case(
            &mut cases,
            format!("repeat member `{member}`"),
            "",
            &format!(
                "  field schalter: boolean \"S\"\n  repeat r \"R\" 1..3 {{\n    item \"I\"\n    hint \"H\"\n    visible when schalter\n    field {member}: text \"M\"\n  }}"
            ),
        );
    }
    for body in [
        "  field inhalt: text \"I\"",
        "  field fehlerzusammenfassung: text \"F\"",
        "  group fehlerzusammenfassung \"F\" {\n    field titel: text \"T\"\n  }",
        "  group aktion \"A\" {\n    field weiter: text \"W\"\n    field zurueck: text \"Z\"\n  }",
        "  group hinweis \"H\" {\n    field aktion: text \"A\"\n  }",
    ] {
        case(&mut cases, format!("page ids\n{body}"), "", body);
    }
    let n = cases.len();
    cases.push(Case {
        what: "form `formular` with a member named like the form".to_string(),
        fixture: format!(
            "//- /g{n}.form\n{}",
            form(&format!("g{n}"), "", &format!("  group formular \"F\" {{\n    field g{n}: text \"X\"\n  }}"))
        ),
    });
    cases.push(Case {
        what: "form `tag` with a date `formular`".to_string(),
        fixture: format!("//- /tag.form\n{}", form("tag", "", "  field formular: date \"D\"")),
    });
    // Forms and modules that fold into one.
    cases.push(Case {
        what: "forms `Fall` and `fall`".to_string(),
        fixture: format!(
            "//- /a.form\n{}//- /b.form\n{}",
            form("Fall", "", "  field x: text \"X\""),
            form("fall", "", "  field x: text \"X\"")
        ),
    });
    cases.push(Case {
        what: "modules `m.teil` and `m_teil`, both shared".to_string(),
        fixture: format!(
            "//- /m/teil.form\ncodelist A \"A\" {{\n  code \"a\" \"A\"\n}}\n//- /m_teil.form\ncodelist B \"B\" {{\n  code \"b\" \"B\"\n}}\n//- /f1.form\nuse m.teil\nuse m_teil\n{}//- /f2.form\nuse m.teil\nuse m_teil\n{}",
            form("modul_eins", "", "  field a: choice of A \"A\"\n  field b: choice of B \"B\""),
            form("modul_zwei", "", "  field a: choice of A \"A\"\n  field b: choice of B \"B\"")
        ),
    });
    cases
}

/// Values with one item in every repeat, and a report with an error on every object,
/// field, repeat and item, so that the page shows every id it can derive.
fn everything_shown(form: &formwerk::ir::Form) -> (serde_json::Value, formwerk::validate::Report) {
    use formwerk::ir::Item;
    fn walk(
        items: &[Item],
        pointer: &str,
        out: &mut serde_json::Map<String, serde_json::Value>,
        errors: &mut Vec<String>,
    ) {
        for item in items {
            let here = format!("{pointer}/{}", item.name());
            errors.push(here.clone());
            match item {
                Item::Group(group) => {
                    let mut inner = serde_json::Map::new();
                    walk(&group.items, &here, &mut inner, errors);
                    out.insert(group.name.clone(), serde_json::Value::Object(inner));
                }
                Item::Repeat(repeat) => {
                    let mut inner = serde_json::Map::new();
                    errors.push(format!("{here}/0"));
                    walk(&repeat.items, &format!("{here}/0"), &mut inner, errors);
                    out.insert(repeat.name.clone(), serde_json::json!([inner]));
                }
                _ => {}
            }
        }
    }
    let mut values = serde_json::Map::new();
    let mut pointers = Vec::new();
    let items: Vec<Item> = form.items().cloned().collect();
    walk(&items, "", &mut values, &mut pointers);
    let violations = pointers
        .into_iter()
        .map(|pointer| formwerk::validate::Violation {
            pointer,
            code: "required".to_string(),
            messages: BTreeMap::from([("de".to_string(), "Fehler".to_string())]),
        })
        .collect();
    (serde_json::Value::Object(values), formwerk::validate::Report { violations, warnings: Vec::new() })
}

fn duplicate_ids(html: &str) -> Vec<String> {
    let mut seen = BTreeSet::new();
    let mut duplicates = Vec::new();
    for part in html.split(" id=\"").skip(1) {
        let id = part.split('"').next().unwrap_or_default().to_string();
        if !seen.insert(id.clone()) {
            duplicates.push(id);
        }
    }
    duplicates
}

#[test]
fn colliding_names_are_rejected_or_build() {
    let cases = cases();
    let mut accepted: Vec<(usize, formwerk::ir::Form)> = Vec::new();
    let mut problems = Vec::new();
    let mut n_rejected = 0;
    for (index, case) in cases.iter().enumerate() {
        let (db, checked) = common::check_fixture(&case.fixture);
        let errors: BTreeSet<Code> = checked.diagnostics.iter().filter(|d| d.is_error()).map(|d| d.code).collect();
        if errors.is_empty() {
            for (_, form) in &checked.forms {
                let (values, report) = everything_shown(form);
                let input = formwerk::emit::html::empty_input("de", &values, Some(&report));
                let theme = formwerk::emit::html::Theme::default();
                let html = formwerk::emit::html::render_page(form, &input, &theme).unwrap();
                let duplicates = duplicate_ids(&html);
                if !duplicates.is_empty() {
                    problems.push(format!("{}: duplicate HTML ids {duplicates:?}", case.what));
                }
                accepted.push((index, form.clone()));
            }
        } else if errors.iter().all(|c| matches!(c, Code::NameCollision | Code::ReservedName)) {
            n_rejected += 1;
        } else {
            let rendered = common::render_plain(&db, &checked);
            problems.push(format!("{}: rejected for another reason:\n{rendered}", case.what));
        }
    }
    let n_accepted = accepted.len();
    problems.extend(compile(&cases, &accepted));
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
    // The generator exercises both outcomes: raw identifiers and the names of other crates
    // compile, while folded and reserved names are rejected.
    assert!(n_accepted > 300, "only {n_accepted} forms accepted");
    assert!(n_rejected > 60, "only {n_rejected} cases rejected");
    eprintln!("{} cases: {n_accepted} forms accepted and built, {n_rejected} cases rejected", cases.len());
}

/// Builds the generated workspace of every accepted form and runs `cargo check`; a failure
/// names the cases whose crates have errors.
fn compile(cases: &[Case], accepted: &[(usize, formwerk::ir::Form)]) -> Vec<String> {
    // Cases are checked apart, so two of them may name forms that one check would reject
    // together (`self_` and `Self_`); one of each such set stands for the others.
    let mut modules_seen = BTreeSet::new();
    let accepted: Vec<&(usize, formwerk::ir::Form)> =
        accepted.iter().filter(|(_, form)| modules_seen.insert(form.id.to_ascii_lowercase())).collect();
    let bundle = formwerk::ir::Bundle { forms: accepted.iter().map(|(_, f)| f.clone()).collect() };
    let files = formwerk::emit::rust::emit(&bundle, "colliding_names", &Default::default());
    let dir = tempfile::tempdir().unwrap();
    let mut paths = BTreeSet::new();
    for file in &files {
        let path = dir.path().join(&file.path);
        assert!(paths.insert(path.clone()), "{} is written twice", file.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &file.contents).unwrap();
    }
    let krate = dir.path().join("rust");
    let output = std::process::Command::new(env!("CARGO"))
        .args(["check", "--offline", "--quiet", "--message-format", "short"])
        .env("CARGO_TARGET_DIR", Path::new(env!("CARGO_MANIFEST_DIR")).join("target/standalone"))
        .current_dir(&krate)
        .output()
        .unwrap();
    if output.status.success() {
        return Vec::new();
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    // Each form is the crate in `forms/<dir>/`.
    let crates: BTreeMap<String, usize> =
        accepted.iter().map(|(index, form)| (formwerk::emit::rust::form_dir(&form.id), *index)).collect();
    let mut culprits = BTreeSet::new();
    for line in stderr.lines().filter(|line| line.contains(": error")) {
        let file = line.split(".rs:").next().unwrap_or(line);
        let form = file.strip_prefix("forms/").and_then(|f| f.split('/').next());
        match form.and_then(|form| crates.get(form)) {
            Some(&index) => culprits.insert(cases[index].what.clone()),
            None => culprits.insert(format!("the crate's own `{file}.rs`")),
        };
    }
    let mut problems: Vec<String> =
        culprits.into_iter().map(|what| format!("{what}: the generated crate does not compile")).collect();
    problems.push(stderr.lines().take(40).collect::<Vec<_>>().join("\n"));
    problems
}
