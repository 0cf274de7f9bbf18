//! `formwerk compat`: every `compat/*.compat` case (an old and a new version of a form, with
//! `//- /old/x.form` and `//- /new/x.form` markers) is compared and its rendered report
//! snapshotted; every rule id has a case; the corpus against itself and against its built IR
//! has no finding; and the command through the binary (sources, built IR, a git ref, JSON
//! lines, exit codes, modes, ignores and `compat.toml`).
//!
//! A case may start with `// mode: submit` (default `full`) and `// allow: rule=reason` lines.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

use formwerk::check::{self, Checked};
use formwerk::compat::{self, locate::Locator, Mode, Options};
use formwerk::source::{MemoryLoader, SourceDb};

/// Checks the files of one side (`old` or `new`) of a case; names keep the side's prefix.
fn check_side(files: &[(String, String)], side: &str) -> (SourceDb, Checked) {
    let mut db = SourceDb::new();
    let mut loader = MemoryLoader::default();
    let prefix = format!("{side}/");
    let side_files: Vec<_> = files.iter().filter(|(path, _)| path.starts_with(&prefix)).collect();
    for (path, body) in &side_files {
        loader.modules.insert(common::module_of(&path[prefix.len()..]), (path.clone(), body.clone()));
    }
    let roots: Vec<_> = side_files
        .iter()
        .map(|(path, body)| db.add(path.clone(), common::module_of(&path[prefix.len()..]), body.clone()))
        .collect();
    let checked = check::check(&mut db, &loader, &roots);
    (db, checked)
}

fn options_of(text: &str) -> Options {
    let mut options = Options::default();
    for line in text.lines().take_while(|l| l.starts_with("//") && !l.starts_with("//-")) {
        if let Some(mode) = line.strip_prefix("// mode: ") {
            options.mode = Mode::parse(mode.trim()).expect("a mode");
        }
        if let Some((rule, reason)) = line.strip_prefix("// allow: ").and_then(|a| a.split_once('=')) {
            options.ignore.insert(rule.to_string(), reason.to_string());
        }
    }
    options
}

/// The rendered report of a case and the rules it found.
fn run_case(path: &Path) -> (String, Vec<&'static str>) {
    let text = std::fs::read_to_string(path).unwrap();
    let files = common::split_fixture(&text);
    let options = options_of(&text);
    let (old_db, old) = check_side(&files, "old");
    let (new_db, new) = check_side(&files, "new");
    for (side, db, checked) in [("old", &old_db, &old), ("new", &new_db, &new)] {
        assert!(
            !checked.has_errors(),
            "{}: the {side} side must check clean:\n{}",
            path.display(),
            common::render_plain(db, checked)
        );
    }
    let forms = |c: &Checked| c.forms.iter().map(|(_, f)| f.clone()).collect::<Vec<_>>();
    let mut findings = compat::compare_sets(&forms(&old), &forms(&new), &options, true);
    Locator::new(&new_db).locate_new(&mut findings);
    Locator::new(&old_db).locate_old(&mut findings);
    let rules = findings.iter().map(|f| f.rule).collect();
    (compat::render::human(&findings, options.mode), rules)
}

fn case_files() -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/compat");
    let mut cases: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "compat"))
        .collect();
    cases.sort();
    cases
}

#[test]
fn cases() {
    insta::glob!("compat/*.compat", |path| {
        let (output, _) = run_case(path);
        insta::assert_snapshot!(output);
    });
}

#[test]
fn every_rule_has_a_case() {
    let mut seen = BTreeSet::new();
    for case in case_files() {
        seen.extend(run_case(&case).1);
    }
    let missing: Vec<&str> = compat::RULES.iter().map(|r| r.id).filter(|id| !seen.contains(id)).collect();
    assert!(missing.is_empty(), "rules without a case in tests/compat: {missing:?}");
    let docs = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/COMPAT.md")).unwrap();
    let undocumented: Vec<&str> =
        compat::RULES.iter().map(|r| r.id).filter(|id| !docs.contains(&format!("`{id}`"))).collect();
    assert!(undocumented.is_empty(), "rules missing from docs/COMPAT.md: {undocumented:?}");
}

fn corpus() -> Vec<formwerk::ir::Form> {
    let forms = Path::new(env!("CARGO_MANIFEST_DIR")).join("forms");
    let session = formwerk::driver::check_paths(&[forms], None).unwrap();
    assert!(!session.checked.has_errors());
    session.checked.forms.into_iter().map(|(_, f)| f).collect()
}

#[test]
fn the_corpus_against_itself_has_no_finding() {
    let forms = corpus();
    assert!(forms.len() >= 8);
    let findings = compat::compare_sets(&forms, &forms, &Options::default(), true);
    assert!(findings.is_empty(), "{}", compat::render::human(&findings, Mode::Full));
}

#[test]
fn the_corpus_against_its_built_ir_has_no_finding() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("generated/ir");
    let built: Vec<formwerk::ir::Form> = corpus()
        .iter()
        .map(|f| {
            let text = std::fs::read_to_string(dir.join(format!("{}.json", f.id))).unwrap();
            serde_json::from_str(&text).unwrap()
        })
        .collect();
    let findings = compat::compare_sets(&built, &corpus(), &Options::default(), true);
    assert!(findings.is_empty(), "{}", compat::render::human(&findings, Mode::Full));
}

#[test]
fn a_form_changed_in_place_breaks_on_every_rule_it_touches_and_nothing_else() {
    // The change of one constraint in a corpus form gives exactly that rule and the version's.
    let old = corpus();
    let mut new = old.clone();
    let form = new.iter_mut().find(|f| f.id == "hundesteuer").unwrap();
    form.version = "2.0.0".to_string();
    let field = first_text_field(form.pages.iter_mut().flat_map(|p| p.items.iter_mut())).expect("a text field");
    field.constraints.max_length = Some(field.constraints.max_length.map_or(10, |m| m / 2));
    let findings = compat::compare_sets(&old, &new, &Options::default(), true);
    let rules: Vec<&str> = findings.iter().map(|f| f.rule).collect();
    assert_eq!(rules, ["length-tightened"], "{}", compat::render::human(&findings, Mode::Full));
}

fn first_text_field<'a>(
    items: impl Iterator<Item = &'a mut formwerk::ir::Item>,
) -> Option<&'a mut formwerk::ir::Field> {
    for item in items {
        match item {
            formwerk::ir::Item::Field(f) if f.ty == formwerk::ir::FieldType::Text => return Some(f),
            formwerk::ir::Item::Group(g) => {
                if let Some(f) = first_text_field(g.items.iter_mut()) {
                    return Some(f);
                }
            }
            _ => {}
        }
    }
    None
}

// The command through the binary.

const OLD: &str = r#"form antrag {
  title "Antrag"
  version "1.0.0"
  languages de
  field name: text "Name" required { length ..50 }
  field hinweis: text "Hinweis"
}
"#;

/// `OLD` without its optional field `hinweis`, at `version`.
fn removed(version: &str) -> String {
    OLD.replace("  field hinweis: text \"Hinweis\"\n", "").replace("1.0.0", version)
}

fn formwerk(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_formwerk")).current_dir(dir).args(args).output().unwrap()
}

fn write(dir: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

#[test]
fn against_a_directory_of_sources() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("old/antrag.form", OLD), ("new/antrag.form", &removed("1.1.0"))]);
    let output = formwerk(dir.path(), &["compat", "new", "--against", "old"]);
    assert_eq!(output.status.code(), Some(3), "{}{}", stdout(&output), stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("error[field-removed] antrag: field `hinweis` is gone"), "{text}");
    assert!(text.contains("--> new/antrag.form:1:6\n"), "{text}");
    assert!(text.contains("--> old/antrag.form:6:9 (old)"), "{text}");
    assert!(text.contains("error[major-not-bumped]"), "{text}");
    // A compatible change (a new optional field) with a minor bump passes in submit mode.
    write(
        dir.path(),
        &[(
            "new/antrag.form",
            &OLD.replace("1.0.0", "1.1.0").replace("\"Hinweis\"\n", "\"Hinweis\"\n  field neu: text \"Neu\"\n"),
        )],
    );
    let output = formwerk(dir.path(), &["compat", "new", "--against", "old", "--mode", "submit"]);
    assert_eq!(output.status.code(), Some(0), "{}{}", stdout(&output), stderr(&output));
    assert!(stdout(&output).contains("info[field-added]"), "{}", stdout(&output));
    // The same against itself: no changes.
    let output = formwerk(dir.path(), &["compat", "old", "--against", "old"]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stdout(&output), "compat (full): no changes\n");
}

#[test]
fn against_built_ir() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("old/antrag.form", OLD), ("new/antrag.form", &removed("1.0.0"))]);
    let built = formwerk(dir.path(), &["build", "--forms", "old", "--out", "gen", "--emit", "ir"]);
    assert!(built.status.success(), "{}", stderr(&built));
    for against in ["gen", "gen/ir"] {
        let output = formwerk(dir.path(), &["compat", "new", "--against", against]);
        assert_eq!(output.status.code(), Some(3), "{}{}", stdout(&output), stderr(&output));
        let text = stdout(&output);
        assert!(text.contains("error[field-removed]"), "{text}");
        assert!(
            text.contains("error[version-unchanged] antrag: the form changed but its version is still 1.0.0"),
            "{text}"
        );
        assert!(!text.contains("(old)"), "built IR has no sources: {text}");
    }
    let output = formwerk(dir.path(), &["compat", "new", "--against", "new-nothing"]);
    assert_eq!(output.status.code(), Some(2), "not a directory, not a git repository: {}", stderr(&output));
}

#[test]
fn against_a_git_ref() {
    let dir = tempfile::tempdir().unwrap();
    let git = |args: &[&str]| {
        let output = Command::new("git")
            .current_dir(dir.path())
            .args(["-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false"])
            .args(args)
            .output()
            .unwrap();
        assert!(output.status.success(), "git {args:?}: {}", stderr(&output));
    };
    git(&["init", "-q"]);
    write(dir.path(), &[("forms/antrag.form", OLD)]);
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "one"]);
    write(dir.path(), &[("forms/antrag.form", &removed("2.0.0"))]);
    let output = formwerk(dir.path(), &["compat", "--against", "HEAD"]);
    assert_eq!(output.status.code(), Some(3), "{}{}", stdout(&output), stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("--> HEAD:forms/antrag.form:6:9 (old)"), "{text}");
    assert!(!text.contains("major-not-bumped"), "2.0.0 is a major bump: {text}");
    // From the forms directory itself, and with an unknown ref.
    let output = formwerk(&dir.path().join("forms"), &["compat", ".", "--against", "HEAD"]);
    assert_eq!(output.status.code(), Some(3), "{}{}", stdout(&output), stderr(&output));
    let output = formwerk(dir.path(), &["compat", "--against", "no-such-ref"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("neither a directory nor a commit"), "{}", stderr(&output));
    let output = formwerk(dir.path(), &["compat", "--against", "--version"]);
    assert_ne!(output.status.code(), Some(0));

    // A form in the ref larger than a source may be is refused by its listed size, unread;
    // a link named `*.form` in the ref is not followed.
    write(dir.path(), &[("forms/gross.form", &format!("// {}\n{OLD}", "x".repeat(17 * 1024 * 1024)))]);
    std::os::unix::fs::symlink("/proc/self/environ", dir.path().join("forms/link.form")).unwrap();
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "two"]);
    std::fs::remove_file(dir.path().join("forms/gross.form")).unwrap();
    std::fs::remove_file(dir.path().join("forms/link.form")).unwrap();
    let output = formwerk(dir.path(), &["compat", "--against", "HEAD"]);
    assert_eq!(output.status.code(), Some(2), "{}{}", stdout(&output), stderr(&output));
    assert!(stderr(&output).contains("gross.form` is larger than a source may be"), "{}", stderr(&output));
    assert!(!stderr(&output).contains("PATH="), "{}", stderr(&output));
}

#[test]
fn json_lines_and_ignores() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("old/antrag.form", OLD), ("new/antrag.form", &removed("1.1.0"))]);
    let output = formwerk(dir.path(), &["compat", "new", "--against", "old", "--message-format", "json"]);
    assert_eq!(output.status.code(), Some(3));
    let lines: Vec<serde_json::Value> = stdout(&output).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let removed_line = lines.iter().find(|l| l["rule"] == "field-removed").unwrap();
    assert_eq!(removed_line["severity"], "error");
    assert_eq!(removed_line["direction"], "submit");
    assert_eq!(removed_line["path"], "hinweis");
    assert_eq!(removed_line["old_location"]["file"], "old/antrag.form");
    assert_eq!(removed_line["old_location"]["line"], 6);
    assert!(lines.iter().all(|l| l["rule"].is_string() && l["severity"].is_string() && l["direction"].is_string()));
    // Ignored with a reason: no breaking change left, so no major bump is needed either.
    let output =
        formwerk(dir.path(), &["compat", "new", "--against", "old", "--allow", "field-removed=nobody filled it in"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(stdout(&output).contains("= ignored: nobody filled it in"), "{}", stdout(&output));
    assert!(stdout(&output).ends_with("compat (full): 1 ignored\n"), "{}", stdout(&output));
    // Without a reason, or an unknown rule: refused.
    for allow in ["field-removed", "field-removed=  ", "no-such-rule=why"] {
        let output = formwerk(dir.path(), &["compat", "new", "--against", "old", "--allow", allow]);
        assert_eq!(output.status.code(), Some(2), "{allow}");
        assert!(
            stderr(&output).contains("needs a reason") || stderr(&output).contains("unknown rule"),
            "{}",
            stderr(&output)
        );
    }
}

#[test]
fn compat_toml_sets_the_mode_and_ignores() {
    let dir = tempfile::tempdir().unwrap();
    // Removing a code breaks submissions only; adding one breaks readers only.
    let list = |codes: &str| {
        format!("form antrag {{\n  title \"A\"\n  version \"1.1.0\"\n  languages de\n  codelist Farbe {{\n{codes}  }}\n  field farbe: choice of Farbe \"Farbe\"\n}}\n")
    };
    let old = list("    code \"R\" \"Rot\"\n").replace("1.1.0", "1.0.0");
    write(
        dir.path(),
        &[("old/antrag.form", &old), ("forms/antrag.form", &list("    code \"R\" \"Rot\"\n    code \"G\" \"Grün\"\n"))],
    );
    let output = formwerk(dir.path(), &["compat", "--against", "old"]);
    assert_eq!(output.status.code(), Some(3), "adding a code breaks consumers: {}", stdout(&output));
    write(dir.path(), &[("compat.toml", "mode = \"submit\"\n")]);
    let output = formwerk(dir.path(), &["compat", "--against", "old"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(stdout(&output).contains("info[code-added]"), "{}", stdout(&output));
    // The flag wins over the file.
    let output = formwerk(dir.path(), &["compat", "--against", "old", "--mode", "consume"]);
    assert_eq!(output.status.code(), Some(3), "{}", stdout(&output));
    write(dir.path(), &[("compat.toml", "mode = \"full\"\n[ignore]\n\"code-added\" = \"readers take any code\"\n")]);
    let output = formwerk(dir.path(), &["compat", "--against", "old"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    write(dir.path(), &[("compat.toml", "[ignore]\n\"code-added\" = \"\"\n")]);
    let output = formwerk(dir.path(), &["compat", "--against", "old"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("compat.toml: ignoring `code-added` needs a reason"), "{}", stderr(&output));
    write(dir.path(), &[("compat.toml", "mood = \"full\"\n")]);
    let output = formwerk(dir.path(), &["compat", "--against", "old"]);
    assert_eq!(output.status.code(), Some(2), "an unknown setting is refused");
}

#[test]
fn forms_with_errors_are_not_compared() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("old/antrag.form", OLD), ("new/antrag.form", "form antrag {\n")]);
    let output = formwerk(dir.path(), &["compat", "new", "--against", "old"]);
    assert_eq!(output.status.code(), Some(1));
    let output = formwerk(dir.path(), &["compat", "old", "--against", "new"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("the old forms (`new`) have errors"), "{}", stderr(&output));
}

#[test]
fn nothing_in_the_compiler_depends_on_compat() {
    fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    for file in files {
        let relative = file.strip_prefix(&src).unwrap();
        // The overlay check is compat's one client inside the compiler, run by the driver after
        // checking (`tests/tidy.rs` keeps the checker below it).
        if relative.starts_with("compat")
            || relative.starts_with("cli")
            || relative.starts_with("overlay")
            || relative == Path::new("main.rs")
        {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(!text.contains("compat::"), "{} uses compat: it is a leaf", file.display());
    }
}
