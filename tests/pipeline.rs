//! What pipelines rely on in `formwerk build`: `--check` says whether `generated/` is up to
//! date and writes nothing, the output does not depend on the number of threads, and the
//! library API (`formwerk::Build`) builds, checks and reports like the command.

mod common;

use common::{project, snapshot_tree, write};

use std::path::Path;
use std::process::{Command, Output};

use formwerk::build::Progress;
use formwerk::driver::stale::Why;
use formwerk::emit::Target;
use formwerk::Build;

fn formwerk(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_formwerk")).args(args).current_dir(dir).output().expect("the binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn check_says_whether_generated_is_up_to_date_and_writes_nothing() {
    let dir = project();
    // Nothing built yet: every file is missing, and `generated/` is not even created.
    let missing = formwerk(&["build", "--check"], dir.path());
    assert_eq!(missing.status.code(), Some(1), "{}", stderr(&missing));
    assert!(stdout(&missing).contains("ir/antrag.json: missing"), "{}", stdout(&missing));
    assert!(stderr(&missing).contains("out of date"), "{}", stderr(&missing));
    assert!(!dir.path().join("generated").exists());

    let built = formwerk(&["build"], dir.path());
    assert_eq!(built.status.code(), Some(0), "{}", stderr(&built));
    let fresh = formwerk(&["build", "--check"], dir.path());
    assert_eq!(fresh.status.code(), Some(0), "{}{}", stdout(&fresh), stderr(&fresh));
    assert!(stderr(&fresh).contains("up to date"), "{}", stderr(&fresh));

    // A changed file, an extra file in a target's directory and a removed file are listed;
    // a file outside the targets' directories is not Formwerk's business.
    let generated = dir.path().join("generated");
    std::fs::write(generated.join("html/antrag.html"), "edited by hand").unwrap();
    std::fs::write(generated.join("json-schema/old.schema.json"), "{}").unwrap();
    std::fs::remove_file(generated.join("xdf3/antrag.xdf3.xml")).unwrap();
    write(&generated, "notes.txt", "mine");
    let before = snapshot_tree(dir.path());
    let stale = formwerk(&["build", "--check"], dir.path());
    assert_eq!(stale.status.code(), Some(1));
    assert_eq!(
        stdout(&stale).lines().collect::<Vec<_>>(),
        [
            "html/antrag.html: changed",
            "json-schema/old.schema.json: not written by this build",
            "xdf3/antrag.xdf3.xml: missing"
        ]
    );
    assert!(stderr(&stale).contains("3 files differ"), "{}", stderr(&stale));
    let json = formwerk(&["build", "--check", "--message-format", "json"], dir.path());
    assert_eq!(json.status.code(), Some(1));
    let lines: Vec<serde_json::Value> =
        stdout(&json).lines().map(|line| serde_json::from_str(line).expect("one JSON object per line")).collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0], serde_json::json!({ "stale": "html/antrag.html", "why": "changed" }));
    assert_eq!(snapshot_tree(dir.path()), before, "--check wrote something");

    // Editing a form makes exactly that form's files (and the manifest) stale.
    formwerk(&["build"], dir.path());
    let form = dir.path().join("forms/antrag.form");
    let text = std::fs::read_to_string(&form).unwrap();
    std::fs::write(&form, text.replacen("title \"", "title \"Neu: ", 1)).unwrap();
    let edited = formwerk(&["build", "--check", "--emit", "ir,json-schema"], dir.path());
    assert_eq!(edited.status.code(), Some(1));
    let listed: Vec<String> = stdout(&edited).lines().map(str::to_string).collect();
    assert!(listed.contains(&"ir/antrag.json: changed".to_string()), "{listed:?}");
    assert!(listed.contains(&"manifest.json: changed".to_string()), "{listed:?}");
    assert!(listed.iter().all(|l| l.contains("antrag") || l.starts_with("manifest.json")), "{listed:?}");
}

#[cfg(unix)]
#[test]
fn check_refuses_a_linked_output_directory_as_build_does() {
    let dir = project();
    assert_eq!(formwerk(&["build", "--out", "real"], dir.path()).status.code(), Some(0));
    std::os::unix::fs::symlink(dir.path().join("real"), dir.path().join("linked")).unwrap();
    let output = formwerk(&["build", "--check", "--out", "linked"], dir.path());
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("is a symbolic link"), "{}", stderr(&output));
}

#[test]
fn check_reports_errors_in_forms_like_build() {
    let dir = project();
    write(dir.path(), "forms/broken.form", "form broken {\n  field x: nonsense\n}\n");
    let output = formwerk(&["build", "--check"], dir.path());
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("check failed"), "{}", stderr(&output));
    assert!(stderr(&output).contains("E0101"), "{}", stderr(&output));
    let usage = formwerk(&["build", "--check", "--emit", "nonsense"], dir.path());
    assert_eq!(usage.status.code(), Some(2));
}

#[test]
fn output_does_not_depend_on_the_number_of_threads() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("forms");
    let mut outputs = Vec::new();
    for jobs in ["1", "3"] {
        let out = dir.path().join(format!("out{jobs}"));
        let args = ["build", "--forms", corpus.to_str().unwrap(), "--out", out.to_str().unwrap(), "--jobs", jobs];
        let output = formwerk(&args, dir.path());
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let mut tree = snapshot_tree(&out);
        // The build cache records times and sizes: it is not output.
        assert!(tree.remove(".formwerk-cache.json").is_some());
        outputs.push(tree);
    }
    assert!(outputs[0].len() > 50, "the corpus builds many files");
    assert_eq!(outputs[0], outputs[1]);
}

#[test]
fn the_library_api_builds_checks_and_reports() {
    let dir = project();
    let (forms, out) = (dir.path().join("forms"), dir.path().join("out"));
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = seen.clone();
    let build = Build::new()
        .forms(&forms)
        .out(&out)
        .emit([Target::Ir, Target::JsonSchema, Target::Ir])
        .jobs(2)
        .on_progress(move |progress| log.lock().unwrap().push(progress));
    let built = build.run().expect("the project builds");
    assert_eq!(
        (built.forms, built.files),
        (1, 6),
        "ir, schema, its OpenAPI variant, schema note, ir.schema.json, manifest"
    );
    assert!(out.join("ir/antrag.json").is_file() && out.join("json-schema/antrag.schema.json").is_file());
    assert!(!out.join("html").exists());
    let mut sources: Vec<String> = built.sources().iter().map(|p| p.display().to_string()).collect();
    sources.sort();
    assert_eq!(sources.len(), 2, "{sources:?}");
    assert!(sources[0].ends_with("antrag.form") && sources[1].ends_with("codes.form"), "{sources:?}");
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.first(), Some(&Progress::Checking));
    assert!(seen.contains(&Progress::Emitting { done: 2, total: 2 }), "{seen:?}");
    assert!(matches!(seen.last(), Some(Progress::Writing { .. })), "{seen:?}");

    let checked = build.check().expect("the project checks");
    assert!(checked.stale.is_empty(), "{:?}", checked.stale);
    std::fs::write(out.join("ir/antrag.json"), "{}").unwrap();
    let checked = build.check().unwrap();
    assert_eq!(checked.stale.len(), 1);
    assert_eq!((checked.stale[0].path.as_str(), checked.stale[0].why), ("ir/antrag.json", Why::Changed));

    // Errors come back with every diagnostic, rendered by `Display` (what a build script shows).
    write(dir.path(), "forms/broken.form", "form broken {\n  field x: nonsense\n}\n");
    let error = build.run().expect_err("a broken form fails the build");
    let shown = error.to_string();
    assert!(shown.starts_with("the forms have 1 error"), "{shown}");
    assert!(shown.contains("broken.form"), "{shown}");
    assert!(error.session().is_some_and(|s| s.checked.has_errors()));
    assert_eq!(std::fs::read(out.join("ir/antrag.json")).unwrap(), b"{}", "a failed build changed the output");
    let theme = Build::new().forms(&forms).out(&out).theme("no-such-theme").run().expect_err("unknown theme");
    assert!(theme.to_string().contains("theme"), "{theme}");
}
