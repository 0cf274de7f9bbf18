//! The HTML backend without a browser: snapshots of every corpus page, the render API (values
//! kept, error summary and inline errors), escaping, ids, themes and the fragment mode.

mod common;

use std::collections::BTreeSet;

use formwerk::emit::html::{self, Input, Scope, Theme};
use formwerk::ir::Form;
use formwerk::validate::{Compiled, Options};
use formwerk::value::Date;
use serde_json::json;

use common::corpus;

fn fixture(text: &str) -> Form {
    let (db, checked) = common::check_fixture(text);
    assert!(!checked.has_errors(), "{}", common::render_plain(&db, &checked));
    checked.forms[0].1.clone()
}

fn options() -> Options {
    Options { today: Date::parse("2026-06-15").unwrap() }
}

fn input<'a>(
    lang: &'a str,
    values: &'a serde_json::Value,
    report: Option<&'a formwerk::validate::Report>,
) -> Input<'a> {
    Input { lang, scope: Scope::All, values, report, focus: None, notice: None }
}

/// Attribute values `attr="…"` in `html`.
fn attribute_values<'h>(html: &'h str, attr: &str) -> Vec<&'h str> {
    let needle = format!(" {attr}=\"");
    html.match_indices(&needle)
        .map(|(at, _)| {
            let rest = &html[at + needle.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect()
}

#[test]
fn corpus_pages_snapshots() {
    let empty = json!({});
    for form in corpus() {
        for lang in &form.languages {
            let html = html::render_page(&form, &input(lang, &empty, None), &Theme::default()).unwrap();
            insta::assert_snapshot!(format!("{}.{lang}", form.id), html);
        }
        let html = html::render_page(&form, &input("de", &empty, None), &Theme::builtin("kern").unwrap()).unwrap();
        insta::assert_snapshot!(format!("{}.kern", form.id), html);
    }
}

#[test]
fn ids_are_ascii_and_unique_on_every_page() {
    let options = options();
    for form in corpus() {
        let compiled = Compiled::new(&form);
        let valid = formwerk::examples::generate(&compiled, 1, 0, 3, &options).remove(0).submission;
        let report = compiled.validate(&json!({}), &options);
        for (values, report) in [(json!({}), None), (valid, None), (json!({}), Some(&report))] {
            let html = html::render_page(&form, &input("de", &values, report), &Theme::default()).unwrap();
            let ids = attribute_values(&html, "id");
            let mut seen = BTreeSet::new();
            for id in &ids {
                assert!(
                    id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_'),
                    "{id}"
                );
                assert!(seen.insert(*id), "{}: duplicate id {id}", form.id);
            }
            for name in attribute_values(&html, "name") {
                assert!(name.is_ascii(), "{name}");
            }
        }
    }
}

#[test]
fn form_text_is_escaped() {
    let form = fixture(
        r#"
codelist Art "Art" {
  code "a" "<b>fett</b> & \"zitiert\""
  code "b" "Zweite"
}
form f {
  title "Titel <script>alert(1)</script>"
  version "1.0.0"
  languages de
  field name: text "Name <img src=x onerror=alert(1)>" required {
    hint "Hinweis 'mit' <i>Auszeichnung</i>"
  }
  field art: choice of Art "Art" required { control radios }
}
"#,
    );
    let values = json!({ "name": "\"><script>alert(2)</script>" });
    let report = Compiled::new(&form).validate(&json!({}), &options());
    let html = html::render_page(&form, &input("de", &values, Some(&report)), &Theme::default()).unwrap();
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("<img"), "{html}");
    assert!(!html.contains("<b>fett"), "{html}");
    assert!(
        html.contains("Titel &lt;script&gt;alert(1)&lt;&#x2F;script&gt;") || html.contains("Titel &lt;script&gt;"),
        "{html}"
    );
    assert!(html.contains("value=\"&quot;&gt;&lt;script&gt;"), "{html}");
}

#[test]
fn render_api_keeps_values_and_shows_errors() {
    let form = fixture(
        r#"
codelist Sprache "Sprache" {
  code "de" "Deutsch"
  code "en" "Englisch"
}
form antrag {
  title "Antrag" en "Application"
  version "1.0.0"
  languages de, en
  field vorname: text "Vorname" en "Given name" required { autocomplete "given-name" }
  field alter: integer "Alter" en "Age" required { min 0 max 130 }
  field geburtsdatum: date "Geburtsdatum" en "Date of birth" required
  field sprachen: multiple choice of Sprache "Sprachen" en "Languages" optional
  field bemerkung: multiline "Bemerkung" en "Remarks" optional { length 1..500 }
  repeat kinder "Kinder" en "Children" 0..3 {
    item "Kind" en "Child"
    field name: text "Name" en "Name" required
  }
}
"#,
    );
    let values = json!({
        "vorname": "Jürgen",
        "alter": "zwölf",
        "geburtsdatum": "x.3.2007",
        "sprachen": ["en"],
        "bemerkung": "Zeile 1\n\nZeile 3",
        "kinder": [{}, {"name": "Ida"}]
    });
    let report = Compiled::new(&form).validate(&values, &options());
    assert!(!report.is_valid());
    let html = html::render_page(&form, &input("de", &values, Some(&report)), &Theme::default()).unwrap();
    // Values as entered, also invalid ones.
    assert!(html.contains("id=\"vorname\" name=\"vorname\" type=\"text\" value=\"Jürgen\""), "{html}");
    assert!(html.contains("name=\"alter\" type=\"text\" value=\"zwölf\""), "{html}");
    assert!(html.contains("name=\"geburtsdatum[tag]\" type=\"text\" inputmode=\"numeric\" value=\"x\""), "{html}");
    assert!(html.contains("name=\"geburtsdatum[jahr]\" type=\"text\" inputmode=\"numeric\" value=\"2007\""), "{html}");
    assert!(html.contains("value=\"en\" checked"), "{html}");
    assert!(html.contains(">Zeile 1\n\nZeile 3</textarea>"), "{html}");
    assert!(html.contains("name=\"kinder[1][name]\" type=\"text\" value=\"Ida\""), "{html}");
    // The summary first, linking to each inline error in field order.
    assert!(html.contains("<title>Fehler: Antrag</title>"), "{html}");
    let summary_at = html.find("id=\"fehlerzusammenfassung\"").unwrap();
    assert!(summary_at < html.find("<form").unwrap());
    let links = attribute_values(&html, "href");
    let errors: Vec<&str> = attribute_values(&html, "id").into_iter().filter(|id| id.ends_with("-fehler")).collect();
    assert_eq!(links, ["#alter", "#geburtsdatum-tag", "#kinder-0-name"], "{html}");
    assert_eq!(errors, ["alter-fehler", "geburtsdatum-fehler", "kinder-0-name-fehler"]);
    // Wiring: hint, info, error, in that order; aria-invalid on the text input.
    assert!(html.contains("aria-describedby=\"alter-info alter-fehler\" aria-invalid=\"true\""), "{html}");
    assert!(html.contains("role=\"group\" aria-describedby=\"geburtsdatum-hinweis geburtsdatum-fehler\""), "{html}");
    // Repeat buttons are named per item and skip validation.
    assert!(html.contains("value=\"entfernen:kinder:1\" formnovalidate>Kind 2 entfernen</button>"), "{html}");
    // The primary action comes first (hidden), because secondary buttons precede the visible one.
    let first_button = html.find("<button").unwrap();
    assert!(
        html[first_button..].starts_with("<button type=\"submit\" name=\"aktion\" value=\"weiter\" hidden"),
        "{html}"
    );
    // English.
    let en = html::render_page(&form, &input("en", &values, Some(&report)), &Theme::default()).unwrap();
    assert!(en.contains("<title>Error: Application</title>") && en.contains("There is a problem"), "{en}");
    // Without a report there are no errors.
    let clean = html::render_page(&form, &input("de", &values, None), &Theme::default()).unwrap();
    assert!(!clean.contains("fehler") && clean.contains("<title>Antrag</title>"));
}

#[test]
fn steps_are_pages_of_their_own() {
    let form = corpus().into_iter().find(|f| f.id == "fuehrungszeugnis").unwrap();
    let empty = json!({});
    let report = Compiled::new(&form).validate(&empty, &options());
    let step = Input { scope: Scope::Step(1), ..input("de", &empty, Some(&report)) };
    let html = html::render_page(&form, &step, &Theme::default()).unwrap();
    assert!(html.contains("<title>Fehler: Schritt 2 von 3: Angaben zur Person – Antrag auf Erteilung eines Führungszeugnisses</title>"), "{html}");
    assert!(html.contains("<h1 class=\"fw-h1\">Angaben zur Person</h1>"), "{html}");
    assert!(html.contains("value=\"zurueck\" formnovalidate>Zurück</button>"), "{html}");
    assert!(!html.contains("name=\"belegart\""), "only this step's fields");
    // Only this step's errors: the applicant group is required.
    assert!(html.contains("antragsteller-fehler"));
    assert!(!html.contains("belegart-fehler"));
}

#[test]
fn themes_change_only_classes_and_wrappers() {
    let empty = json!({});
    for form in corpus() {
        let plain = html::render_page(&form, &input("de", &empty, None), &Theme::default()).unwrap();
        let kern = html::render_page(&form, &input("de", &empty, None), &Theme::builtin("kern").unwrap()).unwrap();
        assert!(kern.contains("kern-form-input__input") && kern.contains("@kern-ux/native@2.7.2/dist/kern.css"));
        for attr in ["id", "name", "for", "aria-describedby", "autocomplete", "value", "type"] {
            assert_eq!(attribute_values(&plain, attr), attribute_values(&kern, attr), "{}: {attr}", form.id);
        }
    }
}

#[test]
fn theme_directories_override_partials_and_classes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("classes.json"), r#"{"input": "mein-eingabefeld"}"#).unwrap();
    std::fs::write(dir.path().join("theme.css"), ".mein-eingabefeld { color: #000; }").unwrap();
    std::fs::write(dir.path().join("info.hbs"), "<aside class=\"mein-hinweis\" id=\"{{id}}\"><p>{{text}}</p></aside>")
        .unwrap();
    let theme = Theme::load(dir.path().to_str().unwrap()).unwrap();
    let form = corpus().into_iter().find(|f| f.id == "fuehrungszeugnis").unwrap();
    let empty = json!({});
    let html = html::render_page(&form, &input("de", &empty, None), &theme).unwrap();
    assert!(
        html.contains("class=\"mein-eingabefeld\"")
            && html.contains("<aside class=\"mein-hinweis\" id=\"gebuehr_hinweis\">")
    );
    assert!(html.contains(".mein-eingabefeld { color: #000; }"));

    let bad = tempfile::tempdir().unwrap();
    std::fs::write(bad.path().join("classes.json"), r#"{"unbekannt": "x"}"#).unwrap();
    assert!(Theme::load(bad.path().to_str().unwrap()).unwrap_err().message.contains("unknown role `unbekannt`"));
    let unknown = tempfile::tempdir().unwrap();
    std::fs::write(unknown.path().join("kopf.hbs"), "x").unwrap();
    let error = Theme::load(unknown.path().to_str().unwrap()).unwrap_err();
    assert!(error.message.contains("does not replace a known partial"));
    let script = tempfile::tempdir().unwrap();
    std::fs::write(script.path().join("info.hbs"), "<script>x</script>").unwrap();
    let error = Theme::load(script.path().to_str().unwrap()).unwrap_err();
    assert!(error.message.contains("`info.hbs`: ") && error.message.contains("element `<script>` is not allowed"));
    let broken = tempfile::tempdir().unwrap();
    std::fs::write(broken.path().join("info.hbs"), "{{#if x}}").unwrap();
    assert!(Theme::load(broken.path().to_str().unwrap()).is_err());
    assert!(Theme::load("/nicht/vorhanden").is_err());
}

#[test]
fn fragments_hold_only_the_form() {
    let form = corpus().into_iter().find(|f| f.id == "fuehrungszeugnis").unwrap();
    let empty = json!({});
    let fragment = html::render_fragment(&form, &input("de", &empty, None), &Theme::default()).unwrap();
    assert!(!fragment.contains("<html") && !fragment.contains("<head") && !fragment.contains("<main"));
    assert!(
        fragment.contains("<form id=\"formular-fuehrungszeugnis\"") && fragment.contains("@supports selector(:has(*))")
    );
}

#[test]
fn add_and_remove_buttons_work_without_javascript() {
    use formwerk::emit::html::{apply, Action};
    let form = corpus().into_iter().find(|f| f.id == "fuehrungszeugnis").unwrap();
    assert_eq!(Action::parse("hinzufuegen:fruehere_namen"), Some(Action::Add { repeat: "fruehere_namen".into() }));
    assert_eq!(
        Action::parse("entfernen:fruehere_namen:1"),
        Some(Action::Remove { repeat: "fruehere_namen".into(), index: 1 })
    );
    assert_eq!(Action::parse("weiter"), Some(Action::Next));
    assert_eq!(Action::parse("entfernen:x:eins"), None);
    assert_eq!(Action::parse("weiter:x"), None);

    // Adding: one more (empty) item, focus on its first control.
    let values = json!({ "fruehere_namen": [{ "namensart": "GN", "name": "Schmidt" }] });
    let added = apply(&form, &values, &Action::Add { repeat: "fruehere_namen".into() }, "de").unwrap();
    assert_eq!(added.values["fruehere_namen"], json!([{ "namensart": "GN", "name": "Schmidt" }, {}]));
    assert_eq!(added.focus.as_deref(), Some("fruehere_namen-1-namensart"));
    let page = Input { focus: added.focus.as_deref(), ..input("de", &added.values, None) };
    let html = html::render_page(&form, &page, &Theme::default()).unwrap();
    assert!(html.contains("id=\"fruehere_namen-1-namensart\" name=\"fruehere_namen[1][namensart]\" type=\"radio\" value=\"GN\" required autofocus"), "{html}");
    assert!(html.contains("value=\"Schmidt\""));

    // Removing: the item is gone, a focused note says which.
    let removed =
        apply(&form, &added.values, &Action::Remove { repeat: "fruehere_namen".into(), index: 0 }, "de").unwrap();
    assert_eq!(removed.values["fruehere_namen"], json!([{}]));
    assert_eq!(removed.notice.as_deref(), Some("Früherer Name 1 wurde entfernt."));
    let page = Input { notice: removed.notice.as_deref(), ..input("de", &removed.values, None) };
    let html = html::render_page(&form, &page, &Theme::default()).unwrap();
    assert!(html.contains("tabindex=\"-1\" autofocus>Früherer Name 1 wurde entfernt.</p>"), "{html}");
    assert!(!html.contains("Schmidt"));

    // At the maximum there is no add button, and adding does nothing.
    let full = json!({ "fruehere_namen": [{}, {}, {}, {}, {}] });
    assert!(apply(&form, &full, &Action::Add { repeat: "fruehere_namen".into() }, "de").is_none());
    let html = html::render_page(&form, &input("de", &full, None), &Theme::default()).unwrap();
    assert!(!html.contains("hinzufuegen:fruehere_namen") && html.contains("Sie können höchstens 5 Einträge angeben."));

    // Removing an uploaded file.
    let with_file =
        json!({ "belegart": "NE", "aufforderung": { "name": "a.pdf", "media_type": "application/pdf", "size": 100 } });
    let html = html::render_page(&form, &input("de", &with_file, None), &Theme::default()).unwrap();
    assert!(
        html.contains("Hochgeladen: a.pdf")
            && html.contains("value=\"datei-entfernen:aufforderung\" formnovalidate>Datei a.pdf entfernen")
    );
    assert!(html.contains("<input type=\"hidden\" name=\"aufforderung[name]\" value=\"a.pdf\">"), "{html}");
    let without = apply(&form, &with_file, &Action::RemoveFile { field: "aufforderung".into() }, "de").unwrap();
    assert_eq!(without.values, json!({ "belegart": "NE" }));
    assert!(apply(&form, &with_file, &Action::Add { repeat: "unbekannt".into() }, "de").is_none());
}

#[test]
fn several_files_are_listed_each_with_its_remove_button() {
    use formwerk::emit::html::{apply, Action};
    let form = fixture(
        r#"form f {
  title "F" en "F"
  version "1.0.0"
  languages de, en
  field belege: file "Belege" en "Receipts" required {
    accept ".pdf", "image/jpeg"
    max_size 10 MB
    count 1..5
    max_total 20 MB
  }
}"#,
    );
    let empty = json!({});
    let html = html::render_page(&form, &input("de", &empty, None), &Theme::default()).unwrap();
    assert!(html.contains("type=\"file\" multiple accept=\".pdf,image/jpeg\""), "{html}");
    let start = html.find("type=\"file\"").unwrap();
    assert!(
        html[start..start + html[start..].find('>').unwrap()].contains(" required"),
        "required without files:\n{html}"
    );
    assert!(
        html.contains("Erlaubte Dateitypen: PDF, JPEG-Bild. Höchstens 10 MB pro Datei. Sie können bis zu 5 Dateien hochladen. Zusammen höchstens 20 MB."),
        "{html}"
    );
    let en = html::render_page(&form, &input("en", &empty, None), &Theme::default()).unwrap();
    assert!(en.contains("You can upload up to 5 files. At most 20 MB together."), "{en}");

    let file = |name: &str| json!({ "name": name, "media_type": "application/pdf", "size": 100 });
    let values = json!({ "belege": [file("a.pdf"), file("b<1>.pdf"), file("c.pdf")] });
    let report = Compiled::new(&form).validate(&values, &options());
    assert!(report.is_valid(), "{report:?}");
    let html = html::render_page(&form, &input("de", &values, None), &Theme::default()).unwrap();
    for (index, name) in ["a.pdf", "b&lt;1&gt;.pdf", "c.pdf"].iter().enumerate() {
        assert!(html.contains(&format!("Hochgeladen: {name}")), "{html}");
        assert!(
            html.contains(&format!("<input type=\"hidden\" name=\"belege[{index}][name]\" value=\"{name}\">")),
            "{html}"
        );
        assert!(html.contains(&format!("id=\"belege-{index}-entfernen\"")), "{html}");
        assert!(
            html.contains(&format!("value=\"datei-entfernen:belege-{index}\" formnovalidate>Datei {name} entfernen")),
            "{html}"
        );
    }
    let file_input = |html: &str| {
        let start = html.find("type=\"file\"").unwrap();
        html[start..start + html[start..].find('>').unwrap()].to_string()
    };
    assert!(!file_input(&html).contains(" required"), "not required once files are uploaded: {}", file_input(&html));
    let ids = attribute_values(&html, "id");
    assert_eq!(ids.len(), ids.iter().collect::<BTreeSet<_>>().len(), "ids are unique");

    // Removing the second file moves the third up; removing the last leaves no member.
    let removed = apply(&form, &values, &Action::RemoveFile { field: "belege-1".into() }, "de").unwrap();
    assert_eq!(removed.values, json!({ "belege": [file("a.pdf"), file("c.pdf")] }));
    assert_eq!(removed.focus.as_deref(), Some("belege"));
    assert!(apply(&form, &values, &Action::RemoveFile { field: "belege-3".into() }, "de").is_none());
    assert!(apply(&form, &values, &Action::RemoveFile { field: "belege".into() }, "de").is_none());
    let one = json!({ "belege": [file("a.pdf")] });
    let none = apply(&form, &one, &Action::RemoveFile { field: "belege-0".into() }, "de").unwrap();
    assert_eq!(none.values, json!({}));

    // A report on one file of several points at it; far more files than the maximum render
    // only one past it.
    let many: Vec<_> = (0..500).map(|i| file(&format!("{i}.pdf"))).collect();
    let values = json!({ "belege": many });
    let report = Compiled::new(&form).validate(&values, &options());
    assert_eq!(report.violations.len(), 1, "{report:?}");
    assert_eq!(report.violations[0].code, "max_files");
    let html = html::render_page(&form, &input("de", &values, Some(&report)), &Theme::default()).unwrap();
    assert!(html.contains("Bei „Belege“ sind höchstens 5 Dateien möglich."), "{html}");
    assert!(html.contains("Hochgeladen: 5.pdf") && !html.contains("Hochgeladen: 6.pdf"), "{html}");
}

#[test]
fn items_at_the_minimum_cannot_be_removed() {
    use formwerk::emit::html::{apply, Action};
    let form = fixture(
        r#"form kinder {
  title "Kinder"
  version "1.0.0"
  languages de
  repeat kinder "Kinder" 1..3 {
    item "Kind"
    field name: text "Name" required
  }
}"#,
    );
    // One item, the minimum: no remove button, and the remove action is refused.
    let one = json!({ "kinder": [{ "name": "Ida" }] });
    let html = html::render_page(&form, &input("de", &one, None), &Theme::default()).unwrap();
    assert!(!html.contains("entfernen:kinder") && !html.contains("Kind 1 entfernen"), "{html}");
    assert!(apply(&form, &one, &Action::Remove { repeat: "kinder".into(), index: 0 }, "de").is_none());
    // Nothing posted: the minimum's one empty item, still without a remove button.
    let html = html::render_page(&form, &input("de", &json!({}), None), &Theme::builtin("kern").unwrap()).unwrap();
    assert!(html.contains("Kind 1") && !html.contains("entfernen:kinder"), "{html}");
    // Two items: each can be removed, down to the minimum.
    let two = json!({ "kinder": [{ "name": "Ida" }, { "name": "Ben" }] });
    let html = html::render_page(&form, &input("de", &two, None), &Theme::default()).unwrap();
    assert!(html.contains("Kind 1 entfernen") && html.contains("Kind 2 entfernen"), "{html}");
    let removed = apply(&form, &two, &Action::Remove { repeat: "kinder".into(), index: 1 }, "de").unwrap();
    assert_eq!(removed.values["kinder"], json!([{ "name": "Ida" }]));
}

#[test]
fn a_page_with_every_section_has_no_step_numbers() {
    let form = corpus().into_iter().find(|f| f.id == "hundesteuer").unwrap();
    assert!(form.pages.len() > 1);
    let empty = json!({});
    let all = html::render_page(&form, &input("de", &empty, None), &Theme::default()).unwrap();
    assert!(!all.contains("Schritt"), "{all}");
    assert!(all.contains("<h2 class=\"fw-h2\">Hunde</h2>"), "{all}");
    // One step of several still says where the citizen is.
    let step = Input { scope: Scope::Step(1), ..input("de", &empty, None) };
    let html = html::render_page(&form, &step, &Theme::default()).unwrap();
    assert!(html.contains("Schritt 2 von 4"), "{html}");
}

#[test]
fn limits_read_in_the_singular() {
    let form = fixture(
        r#"form eins {
  title "Eins"
  version "1.0.0"
  languages de, en
  repeat vertreter "Vertretung:" en "Representative" 0..1 {
    item "Vertretung" en "Representative"
    field name: text "Name" en "Name"
  }
  field nachweis: file "Nachweis" en "Proof" { accept ".pdf", "image/jpeg", ".jpg" }
}"#,
    );
    let empty = json!({});
    let de = html::render_page(&form, &input("de", &empty, None), &Theme::default()).unwrap();
    assert!(
        de.contains("Sie können höchstens einen Eintrag angeben.")
            && de.contains("Erlaubte Dateitypen: PDF, JPEG-Bild."),
        "{de}"
    );
    // A label written with a colon gets no second one.
    assert!(de.contains(">Vertretung: weiteren Eintrag hinzufügen<"), "{de}");
    let en = html::render_page(&form, &input("en", &empty, None), &Theme::default()).unwrap();
    assert!(
        en.contains("You can enter at most one entry.") && en.contains("Allowed file types: PDF, JPEG image."),
        "{en}"
    );
}

#[test]
fn interpolated_texts_show_the_current_answer_escaped_or_a_placeholder() {
    let form = fixture(
        r#"
codelist Art "Art" {
  code "m" "Miete"
  code "e" "Eigentum"
}
form f {
  title "Wohngeld"
  version "1.0.0"
  languages de, en
  field vorname: text "Vorname" en "First name" required
  field art: choice of Art "Wohnform" en "Housing" required
  field einkommen: money "Einkommen von {vorname}" en "Income of {vorname}" {
    hint "Bei {art}: netto, {{ohne Kindergeld}}" en "For {art}: net"
  }
  repeat kinder "Kinder von {vorname}" en "Children of {vorname}" 0..3 {
    item "Kind" en "Child"
    field name: text "Name" en "Name"
    field schule: text "Schule von {name}" en "School of {name}"
  }
  info dank "Danke, {vorname}!" en "Thank you, {vorname}!"
}
"#,
    );
    // Without answers, every placeholder is the neutral `…`; literal braces are single.
    let empty = json!({});
    let html = html::render_page(&form, &input("de", &empty, None), &Theme::default()).unwrap();
    assert!(html.contains("Einkommen von …"), "{html}");
    assert!(html.contains("Bei …: netto, {ohne Kindergeld}"), "{html}");
    assert!(html.contains("Danke, …!"), "{html}");
    assert!(!html.contains("{vorname}"), "{html}");

    // With answers: the text, the chosen option's label, each repeat item's own answer, and
    // hostile answers escaped like every other text.
    let values = json!({
        "vorname": "<script>alert(1)</script>",
        "art": "m",
        "kinder": [{ "name": "Ada" }, { "name": "Bob & \"Co\"" }, {}]
    });
    let html = html::render_page(&form, &input("de", &values, None), &Theme::default()).unwrap();
    assert!(!html.contains("<script>alert"), "{html}");
    assert!(html.contains("Einkommen von &lt;script&gt;"), "{html}");
    assert!(html.contains("Bei Miete: netto"), "{html}");
    assert!(html.contains("Schule von Ada"), "{html}");
    assert!(html.contains("Schule von Bob &amp; &quot;Co&quot;"), "{html}");
    assert!(html.contains("Schule von …"), "{html}");
    let en = html::render_page(&form, &input("en", &values, None), &Theme::default()).unwrap();
    assert!(en.contains("School of Ada") && en.contains("For Miete: net"), "{en}");

    // Messages quote a label without answers, in the reference validator and so in the page.
    let report = Compiled::new(&form).validate(&json!({ "einkommen": "1.234" }), &options());
    let violation = report.violations.iter().find(|v| v.pointer == "/einkommen").expect("a violation at /einkommen");
    let message = &violation.messages["de"];
    assert!(message.contains("„Einkommen von …“"), "{message}");
}

/// A right-to-left language's page says so (`dir="rtl"` with its `lang`), its interface texts
/// come from its catalogue, and a left-to-right page has no `dir`.
#[test]
fn right_to_left_pages_have_dir() {
    let form = common::corpus_form("integrationskurs");
    let values = json!({});
    let report = Compiled::new(&form).validate(&json!({}), &options());
    let arabic = html::render_page(&form, &input("ar", &values, Some(&report)), &Theme::default()).unwrap();
    assert!(arabic.contains("<html lang=\"ar\" dir=\"rtl\">"), "{arabic}");
    assert!(arabic.contains("توجد مشكلة"), "the error summary's title comes from catalogues/ar.toml");
    assert!(arabic.contains("يرجى تعبئة «الاسم الأول»."), "{arabic}");
    let german = html::render_page(&form, &input("de", &values, Some(&report)), &Theme::default()).unwrap();
    assert!(german.contains("<html lang=\"de\">") && !german.contains("dir="), "{german}");
    let fragment =
        html::emit(&formwerk::ir::Bundle { forms: vec![form] }, &Theme::default(), true, &Default::default()).unwrap();
    let arabic_fragment = fragment.iter().find(|f| f.path.ends_with(".ar.html")).expect("an Arabic fragment");
    assert!(String::from_utf8_lossy(&arabic_fragment.contents).contains("lang=\"ar\" dir=\"rtl\""));
}

/// A hostile catalogue's markup is text: interface texts and messages are escaped like every
/// other text.
#[test]
fn catalogue_texts_are_escaped() {
    let catalogue = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/catalogue/en.toml"))
        .unwrap()
        .replace("\"Submit\"", "\"<script>alert(1)</script>\"")
        .replace("\"There is a problem\"", "\"<img src=x onerror=alert(2)>\"")
        .replace("\"Please fill in {label}.\"", "\"<b>{label}</b> \\\"'\"");
    let form = fixture(&format!(
        "form f {{
  title \"Titel\" en-GB \"Title\"
  version \"1.0.0\"
  languages de, en-GB
  field name: text \"Name\" en-GB \"Name\" required
}}
//- /catalogues/en-GB.toml
{catalogue}"
    ));
    let values = json!({});
    let report = Compiled::new(&form).validate(&json!({}), &options());
    let html = html::render_page(&form, &input("en-GB", &values, Some(&report)), &Theme::default()).unwrap();
    assert!(!html.contains("<script") && !html.contains("<img") && !html.contains("<b>"), "{html}");
    assert!(html.contains("&lt;script&gt;") && html.contains("&lt;img"), "{html}");
    assert!(html.contains("&lt;b&gt;“Name”&lt;&#x2F;b&gt;") || html.contains("&lt;b&gt;“Name”&lt;/b&gt;"), "{html}");
}

/// A computed field (`value <expr>`) is an `<output>` labelled by its label, showing the value
/// computed from the current answers (not what the values say), in the page's number format,
/// empty while it cannot be computed; nothing is posted for it.
#[test]
fn computed_values_are_outputs_computed_from_the_current_answers() {
    let form = fixture(
        r#"
form f {
  title "Wohngeld"
  version "1.0.0"
  languages de, en
  repeat einkommen "Einkommen" en "Income" 0..3 {
    item "Einkommen" en "Income"
    field betrag: money "Betrag" en "Amount" required
  }
  field anzahl: integer "Anzahl" en "Number"
  field summe: money "Summe" en "Total" { value sum(einkommen.betrag) }
  field je: decimal "Je Person" en "Per person" { value summe / anzahl decimals 2 }
}
"#,
    );
    let values = json!({ "einkommen": [{ "betrag": "1200.5" }, { "betrag": "300" }], "summe": "1", "anzahl": 3 });
    let html = html::render_page(&form, &input("de", &values, None), &Theme::default()).unwrap();
    let output = |id: &str| {
        let start = html.find(&format!("<output class=\"fw-output\" id=\"{id}\"")).unwrap_or_else(|| panic!("{html}"));
        let text = &html[start..];
        text[text.find('>').unwrap() + 1..text.find("</output>").unwrap()].to_string()
    };
    // The posted "1" is not what is shown: 1200.50 + 300 = 1500.50, a third of it 500.17.
    assert_eq!(output("summe"), "1500,50 €");
    assert_eq!(output("je"), "500,17");
    assert!(html.contains("<label class=\"fw-label\" for=\"summe\">Summe</label>"), "{html}");
    assert!(!attribute_values(&html, "name").contains(&"summe"), "nothing is posted for a computed field");
    // Unknown (no number of persons): empty, without a unit.
    let values = json!({ "einkommen": [{ "betrag": "10" }] });
    let html = html::render_page(&form, &input("de", &values, None), &Theme::default()).unwrap();
    assert!(html.contains("id=\"je\" tabindex=\"-1\"></output>"), "{html}");
    assert!(html.contains("id=\"summe\" tabindex=\"-1\">10,00 €</output>"), "{html}");
    assert!(html::scan(&html).is_ok());
}

/// The options of a list with parents (`within`) are grouped by parent, in the parent list's
/// order: a select in one `<optgroup>` per parent, radios in one `role="group"` per parent named
/// by its heading, inside the question's one fieldset (as an optgroup is a group), each group
/// closed once; the chosen option stays chosen.
#[test]
fn options_of_a_list_with_parents_are_grouped_by_parent() {
    let form = fixture(
        r#"form gestuft {
  title "Gestuft"
  version "1.0.0"
  languages de
  codelist Land { code "09" "Bayern"  code "11" "Berlin" }
  codelist Kreis {
    within Land by prefix 2
    code "11000" "Berlin"
    code "09162" "München"
    code "09184" "Landkreis München"
  }
  field land: choice of Land "Land"
  field kreis: choice of Kreis within land "Kreis" { control select }
  field wohnkreis: choice of Kreis "Wohnkreis" { control radios }
}"#,
    );
    let values = json!({"land": "09", "kreis": "09184"});
    let page = html::render_page(&form, &input("de", &values, None), &Theme::default()).unwrap();
    let select = &page[page.find("id=\"kreis\"").unwrap()..];
    let select = &select[..select.find("</select>").unwrap()];
    let bayern = select.find("<optgroup label=\"Bayern\">").expect(select);
    let berlin = select.find("<optgroup label=\"Berlin\">").expect(select);
    assert!(bayern < select.find("09162").unwrap() && select.find("09184").unwrap() < berlin, "{select}");
    assert!(select.contains("<option value=\"09184\" selected>"), "{select}");
    assert_eq!(select.matches("<optgroup").count(), 2, "{select}");
    assert_eq!(select.matches("</optgroup>").count(), 2, "{select}");
    let radios = &page[page.find(">Wohnkreis").unwrap()..];
    let radios = &radios[..radios.find("</fieldset>").unwrap()];
    assert!(radios.contains("<div role=\"group\" aria-labelledby=\"wohnkreis-gruppe-1\">"), "{radios}");
    assert!(radios.contains("<p class=\"fw-legend\" id=\"wohnkreis-gruppe-1\">Bayern</p>"), "{radios}");
    assert!(radios.contains("<p class=\"fw-legend\" id=\"wohnkreis-gruppe-2\">Berlin</p>"), "{radios}");
    assert_eq!(radios.matches("<div role=\"group\"").count(), 2, "{radios}");
    assert!(!radios.contains("<fieldset"), "no fieldset inside the question's: {radios}");
    assert_eq!(page.matches("<div").count(), page.matches("</div>").count(), "{page}");
}
