//! `formwerk fmt`: formatting is idempotent and never changes meaning (the IR and the diagnostic
//! codes are the same before and after) on the corpus, every case and every FIM import; every
//! comment is kept once, in order; the layout of a messy input is snapshotted; and the command
//! formats in place, shows a diff with `--check`, and refuses files that do not parse or are
//! links.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use formwerk::fmt;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn format(text: &str, what: &str) -> String {
    fmt::format_source(text).unwrap_or_else(|error| panic!("{what}: {error}"))
}

/// Formats `text` and asserts that formatting the result again changes nothing.
fn format_stable(text: &str, what: &str) -> String {
    let once = format(text, what);
    let twice = format(&once, what);
    assert_eq!(once, twice, "{what}: formatting twice changes the text");
    once
}

/// What checking a fixture means: the IR of its forms and the diagnostic codes and messages.
fn meaning(fixture: &str) -> (String, Vec<String>) {
    let (_, checked) = common::check_fixture(fixture);
    let forms: Vec<_> = checked.forms.iter().map(|(_, f)| f).collect();
    // The formatter drops a byte order mark, and with it the warning about it.
    let diagnostics = checked
        .diagnostics
        .iter()
        .filter(|d| d.code != formwerk::diag::Code::ByteOrderMark)
        .map(|d| format!("{} {}", d.code.as_str(), d.message))
        .collect();
    (serde_json::to_string_pretty(&forms).unwrap(), diagnostics)
}

/// A fixture from files (`//- /path` markers).
fn fixture(files: &[(String, String)]) -> String {
    files.iter().map(|(path, body)| format!("//- /{path}\n{body}")).collect()
}

/// Formats every `.form` file of a fixture; asserts idempotence and the same meaning.
/// Returns the number of files formatted.
fn assert_same_meaning(files: &[(String, String)], what: &str) -> usize {
    let mut n_formatted = 0;
    let formatted: Vec<(String, String)> = files
        .iter()
        .map(|(path, body)| {
            if path.ends_with(".form") {
                n_formatted += 1;
                (path.clone(), format_stable(body, &format!("{what}: {path}")))
            } else {
                (path.clone(), body.clone())
            }
        })
        .collect();
    let before = meaning(&fixture(files));
    let after = meaning(&fixture(&formatted));
    assert_eq!(before.1, after.1, "{what}: formatting changed the diagnostics");
    assert!(before.0 == after.0, "{what}: formatting changed the IR");
    n_formatted
}

fn corpus_files() -> Vec<(String, String)> {
    let forms = root().join("forms");
    formwerk::driver::find_forms(&forms)
        .unwrap()
        .into_iter()
        .map(|path| {
            let name = path.strip_prefix(&forms).unwrap().to_string_lossy().replace('\\', "/");
            (name, std::fs::read_to_string(&path).unwrap())
        })
        .collect()
}

#[test]
fn the_corpus_is_formatted_and_formatting_keeps_its_ir() {
    let files = corpus_files();
    assert!(files.len() >= 10 && files.iter().any(|(name, _)| name.starts_with("common/")));
    let n = assert_same_meaning(&files, "forms");
    assert_eq!(n, files.len());
    for (name, text) in &files {
        assert!(format(text, name) == *text, "forms/{name} is not formatted; run `cargo run --bin formwerk -- fmt`");
    }
}

#[test]
fn formatting_keeps_the_meaning_of_every_case() {
    let mut cases = Vec::new();
    let mut stack = vec![root().join("tests/cases")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "form") {
                cases.push(path);
            }
        }
    }
    cases.sort();
    let (mut n_ok, mut n_other) = (0, 0);
    for case in &cases {
        let Ok(text) = String::from_utf8(std::fs::read(case).unwrap()) else { continue };
        let files = common::split_fixture(&text);
        let what = case.strip_prefix(root()).unwrap().display().to_string();
        let ok = case.parent().is_some_and(|p| p.ends_with("ok"));
        if ok {
            n_ok += assert_same_meaning(&files, &what);
        } else if files.iter().all(|(path, body)| !path.ends_with(".form") || fmt::format_source(body).is_ok()) {
            // Cases with diagnostics that parse: the same diagnostics (and IR) after formatting.
            n_other += assert_same_meaning(&files, &what);
        }
    }
    assert!(n_ok >= 20 && n_other >= 100, "{n_ok} ok files, {n_other} others");
}

/// The genericode lists shipped with an XDF2 sample, as `tests/fim.rs` loads them.
fn library_for(sample: &Path) -> formwerk::fim::Library {
    let stem = sample.file_stem().unwrap().to_string_lossy().replace("_xdf2", "");
    let dir = root().join("tests/fim/samples/xdf2/codelists").join(stem);
    if dir.is_dir() {
        formwerk::fim::Library::load(&dir).unwrap().0
    } else {
        formwerk::fim::Library::default()
    }
}

#[test]
fn imported_fim_source_is_formatted_and_formatting_keeps_its_ir() {
    let mut n = 0;
    for dir in ["xdf2", "xdf3"] {
        let mut samples: Vec<PathBuf> = std::fs::read_dir(root().join("tests/fim/samples").join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "xml"))
            .collect();
        samples.sort();
        for sample in samples {
            let library = library_for(&sample);
            let xml = std::fs::read_to_string(&sample).unwrap();
            let imported = formwerk::fim::import(&xml, &library).unwrap();
            let what = sample.file_name().unwrap().to_string_lossy().into_owned();
            let formatted = format_stable(&imported.source, &what);
            assert!(formatted == imported.source, "{what}: `import-fim` prints source that is not formatted");
            let name = format!("{}.form", imported.form_name);
            let ir = |source: &str| {
                let (_, checked) = formwerk::fim::check_source_with(&name, source, &library);
                let codes: Vec<_> = checked.diagnostics.iter().map(|d| d.code.as_str()).collect();
                let forms: Vec<_> = checked.forms.iter().map(|(_, f)| f).collect();
                (serde_json::to_string(&forms).unwrap(), codes)
            };
            assert!(ir(&imported.source) == ir(&formatted), "{what}: formatting changed the IR");
            n += 1;
        }
    }
    assert!(n >= 15, "{n} samples");
}

const COMMENTED: &str = r#"/* A block comment
   over two lines. */
// A line comment before the first use.
use common.person   // trailing after a use
form   kommentare{ /* trailing block after the brace */
  title "Kommentare" // between the text and its translation
    en "Comments"
  version "1.0.0" languages de, en

  // before a section
  section eins "Eins" en "One" {
    field a: text "A" /* inside */ en "A" required
    field b: integer "B"
      // own line inside a statement
      en "B" { min 0 max /* before a value */ 10 }


    /* block before a field */ field c: boolean "C" en "C"
    // before a closing brace
  }
}
// at the end of the file
/* and a block at the very end */"#;

#[test]
fn every_comment_is_kept_once_and_in_order() {
    let formatted = format_stable(COMMENTED, "comments");
    let expected = [
        "/* A block comment\n   over two lines. */",
        "// A line comment before the first use.",
        "// trailing after a use",
        "/* trailing block after the brace */",
        "// between the text and its translation",
        "// before a section",
        "/* inside */",
        "// own line inside a statement",
        "/* before a value */",
        "/* block before a field */",
        "// before a closing brace",
        "// at the end of the file",
        "/* and a block at the very end */",
    ];
    let mut from = 0;
    for comment in expected {
        assert_eq!(formatted.matches(comment).count(), 1, "`{comment}` is not once in:\n{formatted}");
        let at = formatted[from..].find(comment).unwrap_or_else(|| panic!("`{comment}` out of order:\n{formatted}"));
        from += at + comment.len();
    }
    assert_eq!(fmt::comments(&formatted).unwrap(), expected);
    insta::assert_snapshot!("comments", formatted);
}

const MESSY: &str = "use common.person\nuse common.address\ncodelist Farbe \"Farbe\" en \"Colour\" {code \"R\" \"Rot\" en \"Red\"\n      code \"G\" \"Grün\"   en \"Green\"}\nform   messy{\ntitle \"Unordentlich\"   en \"Messy\"\n\n\n\n  version \"1.0.0\"\n languages de,en\n  group antragsteller : Person \"Antragsteller\" en \"Applicant\"\n  field farbe:choice of Farbe \"Farbe\" en \"Colour\" required{control   radios}\n  field alter: integer \"Alter\" en \"Age\" { min 0 max 150 visible when farbe==\"R\"and(alter >18 or  count( [ 1,2 ] )>-1) }\n  field  geburt: date \"Geburt\" en \"Birth\" {max today-14   years}\n  field ok: boolean \"OK\" en \"OK\"   must   be   true\n  field n: text \"N\" en \"N\" {length 1..40 visible when antragsteller.vorname is  not   set}\n  rule r{check alter>=0 at alter message \"M\" en \"M\"}\n  field empty: text \"E\" en \"E\" {}\n}\n";

#[test]
fn a_messy_form_gets_the_canonical_layout() {
    let formatted = format_stable(MESSY, "messy");
    insta::assert_snapshot!("messy", formatted);
}

/// Comments in awkward places: each source is formatted twice to the same text, keeps its
/// comments in order, and keeps its tokens (the formatter's own safeguard).
#[test]
fn comments_in_awkward_places_are_kept() {
    let sources = [
        "form f { title \"T\" en \"T\" }",
        "form f { // c\n}",
        "form f {\n  /* a */ /* b */ title \"T\"\n}",
        "form f {\n  title \"T\"\n  /* own line */\n  en \"T\"\n}",
        "form f {\n  title \"T\" /* trailing */\n  en \"T\"\n}",
        "form f { title /* a\n  b */ \"T\" }",
        "form f { rule r { check - /* neg */ 1 < 2 // x\n at a } }",
        "form f {\r\n  title \"T\" // crlf  \r\n}\r\n",
        "use a // x\n// y\nuse b\n\n\n\n// z\nform f {}",
        "// a\n\n\n// b\n",
        "form f { field x: text \"a // not a comment /* either */\" }",
        "form f { visible when (a // one\n or /* two */ b) and count(x) > 1 }",
        "\u{FEFF}form\u{FEFF}f{title\u{FEFF}\"T\" required when x is\u{FEFF} not  set }",
    ];
    for source in sources {
        let formatted = format_stable(source, source);
        assert_eq!(fmt::comments(&formatted), fmt::comments(source), "{source:?} became {formatted:?}");
        assert!(!formatted.contains("\r") && formatted.ends_with('\n'), "{formatted:?}");
    }
}

/// A comment inserted at every other place where whitespace is, one place at a time, in a corpus form
/// (as a line comment, as a block comment on the same line and as a block comment on a line of
/// its own): the result formats to itself and keeps every comment; one variant in a hundred is checked
/// to keep the IR.
#[test]
fn a_comment_anywhere_is_kept() {
    let files = corpus_files();
    let (name, text) = files.iter().find(|(name, _)| name == "hundesteuer.form").expect("hundesteuer.form");
    let places: Vec<usize> = text
        .char_indices()
        .filter(|&(i, c)| c.is_whitespace() && !text[..i].ends_with(char::is_whitespace))
        .map(|(i, _)| i)
        .collect();
    assert!(places.len() > 500, "{} places", places.len());
    let mut n_checked = 0;
    for (index, &at) in places.iter().enumerate().step_by(2) {
        for comment in [" // c\n", " /* c */ ", "\n/* c */\n"] {
            let variant = format!("{}{comment}{}", &text[..at], &text[at..]);
            // Inside a string or a multi-word token the variant means something else or does
            // not parse: only the ones that keep the comment count.
            if fmt::comments(&variant).is_none_or(|c| c.len() != fmt::comments(text).unwrap().len() + 1) {
                continue;
            }
            let formatted = format_stable(&variant, &format!("{name} with {comment:?} at {at}"));
            assert_eq!(fmt::comments(&formatted), fmt::comments(&variant), "{name} at {at}:\n{formatted}");
            n_checked += 1;
            if index % 50 == 0 && comment == " // c\n" {
                let mut changed = files.clone();
                changed.iter_mut().find(|(n, _)| n == name).unwrap().1 = variant;
                assert_same_meaning(&changed, &format!("{name} with {comment:?} at {at}"));
            }
        }
    }
    assert!(n_checked > 500, "{n_checked} variants");
}

/// Mutated corpus forms (a span deleted, duplicated or moved; a comment opener, quote or brace
/// inserted): each is refused with a diagnostic or formatted to a text that formats to itself
/// and keeps its comments; the formatter's safeguard never trips.
#[test]
fn mutated_forms_are_refused_or_formatted_stably() {
    let files = corpus_files();
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut random = |below: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % below.max(1) as u64) as usize
    };
    let (mut n_formatted, mut n_refused) = (0, 0);
    for round in 0..1500 {
        let (_, text) = &files[round % files.len()];
        let bytes = text.as_bytes();
        let (a, b) = (random(bytes.len()), random(bytes.len()));
        let (start, end) = (a.min(b), a.max(b).min(a.min(b) + 200));
        let mut mutated = bytes.to_vec();
        match random(5) {
            0 => drop(mutated.drain(start..end)),
            1 => mutated.splice(start..start, bytes[start..end].to_vec()).for_each(drop),
            2 => mutated.splice(start..start, b"/*".to_vec()).for_each(drop),
            3 => mutated.splice(start..start, b"// x\n".to_vec()).for_each(drop),
            _ => mutated.splice(start..start, [b"{", b"}", b"\"", b"(", b"-"][random(5)].to_vec()).for_each(drop),
        }
        let Ok(mutated) = String::from_utf8(mutated) else { continue };
        match fmt::format_source(&mutated) {
            Ok(formatted) => {
                assert_eq!(format(&formatted, "mutant"), formatted, "not idempotent on:\n{mutated}");
                assert_eq!(fmt::comments(&formatted), fmt::comments(&mutated));
                n_formatted += 1;
            }
            Err(fmt::Error::Syntax(diagnostics)) => {
                assert!(!diagnostics.is_empty());
                n_refused += 1;
            }
            Err(error) => panic!("{error} on:\n{mutated}"),
        }
    }
    assert!(n_formatted > 100 && n_refused > 100, "{n_formatted} formatted, {n_refused} refused");
}

#[test]
fn a_source_that_does_not_parse_is_refused() {
    for broken in ["form f {", "form f { title \"a }", "/* open", "form f { field : text }"] {
        assert!(matches!(fmt::format_source(broken), Err(fmt::Error::Syntax(d)) if !d.is_empty()), "{broken}");
    }
    assert_eq!(format("", "empty"), "");
    assert_eq!(format("  // only a comment\n\n", "comment only"), "// only a comment\n");
}

// ---------------------------------------------------------------- the command

fn formwerk(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let output =
        Command::new(env!("CARGO_BIN_EXE_formwerk")).args(args).current_dir(dir).env("NO_COLOR", "1").output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

const UNFORMATTED: &str = "form f {\n    title \"T\"   en \"T\"\n  version \"1.0.0\"  languages de, en\n}\n";

#[test]
fn check_shows_a_diff_and_fmt_formats_in_place() {
    let temp = tempfile::tempdir().unwrap();
    let forms = temp.path().join("forms");
    std::fs::create_dir(&forms).unwrap();
    std::fs::write(forms.join("f.form"), UNFORMATTED).unwrap();

    let (code, stdout, stderr) = formwerk(temp.path(), &["fmt", "--check"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(std::fs::read_to_string(forms.join("f.form")).unwrap(), UNFORMATTED, "--check wrote");
    insta::assert_snapshot!("check_diff", format!("{stdout}---- stderr\n{stderr}"));

    let (code, stdout, stderr) = formwerk(temp.path(), &["fmt"]);
    assert_eq!((code, stdout.as_str()), (0, ""), "{stderr}");
    assert_eq!(stderr, "formatted 1 of 1 file\n");
    let formatted = std::fs::read_to_string(forms.join("f.form")).unwrap();
    assert_eq!(formatted, format(UNFORMATTED, "f.form"));
    let leftovers: Vec<_> = std::fs::read_dir(&forms).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(leftovers.len(), 1, "a temporary file was left: {leftovers:?}");

    let (code, stdout, stderr) = formwerk(temp.path(), &["fmt", "--check", "forms/f.form"]);
    assert_eq!((code, stdout.as_str(), stderr.as_str()), (0, "", ""));
    let modified = std::fs::metadata(forms.join("f.form")).unwrap().modified().unwrap();
    let (code, _, stderr) = formwerk(temp.path(), &["fmt"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    assert_eq!(std::fs::metadata(forms.join("f.form")).unwrap().modified().unwrap(), modified, "rewritten");
}

#[test]
fn a_byte_order_mark_and_crlf_line_ends_are_not_formatted() {
    let temp = tempfile::tempdir().unwrap();
    let formatted = format(UNFORMATTED, "f.form");
    let path = temp.path().join("f.form");
    for variant in [format!("\u{FEFF}{formatted}"), formatted.replace('\n', "\r\n")] {
        std::fs::write(&path, &variant).unwrap();
        let (code, stdout, stderr) = formwerk(temp.path(), &["fmt", "--check", "f.form"]);
        assert_eq!(code, 1, "{stderr}");
        assert!(stdout.starts_with("--- f.form\n") && stdout.contains("\n-"), "{stdout}");
        let (code, _, stderr) = formwerk(temp.path(), &["fmt", "f.form"]);
        assert_eq!(code, 0, "{stderr}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), formatted);
    }
}

#[test]
fn a_file_that_does_not_parse_is_refused_and_left_unchanged() {
    let temp = tempfile::tempdir().unwrap();
    let broken = "form f {\n  title \"T\" en\n";
    std::fs::write(temp.path().join("broken.form"), broken).unwrap();
    std::fs::write(temp.path().join("good.form"), UNFORMATTED).unwrap();
    for check in [true, false] {
        let args: &[&str] = if check { &["fmt", "--check", "."] } else { &["fmt", "."] };
        let (code, _, stderr) = formwerk(temp.path(), args);
        assert_eq!(code, 1, "{stderr}");
        assert!(stderr.contains("E0101") && stderr.contains("broken.form"), "{stderr}");
        assert_eq!(std::fs::read_to_string(temp.path().join("broken.form")).unwrap(), broken);
    }
    // The other file was still formatted.
    assert_eq!(std::fs::read_to_string(temp.path().join("good.form")).unwrap(), format(UNFORMATTED, "good"));
}

#[cfg(unix)]
#[test]
fn a_linked_form_is_refused_and_its_target_unchanged() {
    let temp = tempfile::tempdir().unwrap();
    let outside = temp.path().join("outside.form");
    std::fs::write(&outside, UNFORMATTED).unwrap();
    let forms = temp.path().join("forms");
    std::fs::create_dir(&forms).unwrap();
    std::os::unix::fs::symlink(&outside, forms.join("linked.form")).unwrap();
    for args in [&["fmt"][..], &["fmt", "forms/linked.form"], &["fmt", "--check"]] {
        let (code, _, stderr) = formwerk(temp.path(), args);
        assert_eq!(code, 1, "{args:?}: {stderr}");
        assert!(stderr.contains("E0109") && stderr.contains("symbolic link"), "{stderr}");
    }
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), UNFORMATTED);
    assert!(std::fs::symlink_metadata(forms.join("linked.form")).unwrap().file_type().is_symlink());
    // A linked directory named on the command line is refused as `check` refuses it.
    std::os::unix::fs::symlink(&forms, temp.path().join("linked")).unwrap();
    let (code, _, stderr) = formwerk(temp.path(), &["fmt", "linked"]);
    assert_eq!(code, 2, "{stderr}");
}
