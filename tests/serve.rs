//! `formwerk serve` through real HTTP on an ephemeral loopback port: the no-JS journey of
//! `tests/serve/forms/antrag.form` (an error round trip, repeat add/remove, an upload kept
//! across an error, hidden and skipped steps, check answers with change links, submit,
//! confirmation), the stored submission read back with `formwerk submissions`, answers that
//! survive a restart, each security point, and the preview's reload and diagnostics.
#![cfg(feature = "serve")]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::http::{csrf, raw, Client, Server};
use serde_json::json;

fn forms() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/serve/forms")
}

fn formwerk(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_formwerk")).args(args).output().expect("formwerk runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// GETs `path` (expecting 200) and returns the page with its CSRF token.
fn page(client: &mut Client, path: &str) -> (String, String) {
    let response = client.get(path);
    assert_eq!(response.status, 200, "GET {path}:\n{}", response.text());
    let html = response.text();
    let token = csrf(&html);
    (html, token)
}

const STEP1: &str = "/f/antrag/schritt/1";
const STEP2: &str = "/f/antrag/schritt/2";
const STEP3: &str = "/f/antrag/schritt/3";
const CHECK: &str = "/f/antrag/pruefen";

#[test]
fn the_journey_without_javascript_ends_in_a_stored_typed_submission() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(&forms(), data.path(), &[]);
    let mut client = server.client();

    // The index lists the form; the form starts at its first step with a new session.
    let index = client.get("/");
    assert_eq!(index.status, 200);
    assert!(index.text().contains("href=\"/f/antrag\""), "{}", index.text());
    let start = client.get("/f/antrag");
    assert_eq!((start.status, start.location()), (303, STEP1));
    let cookie = start.header("set-cookie").unwrap().to_string();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");

    // A later step cannot be reached before the earlier ones are done.
    assert_eq!(client.get(STEP2).location(), STEP1);
    assert_eq!(client.get(STEP3).location(), STEP1);

    // Step 1 with errors: 303 back, the GET shows the pending values and the errors.
    let (html, token) = page(&mut client, STEP1);
    assert!(html.contains("Schritt 1 von 3"), "{html}");
    let saved = client.post(
        STEP1,
        &[
            ("_csrf", &token),
            ("name", "Erika <b>Mustermann</b>"),
            ("geburtsdatum[tag]", "31"),
            ("geburtsdatum[monat]", "02"),
            ("geburtsdatum[jahr]", "1990"),
            ("aktion", "weiter"),
        ],
    );
    assert_eq!((saved.status, saved.location()), (303, STEP1));
    let (html, token) = page(&mut client, STEP1);
    assert!(html.contains("<title>Fehler: "), "{html}");
    assert!(html.contains("id=\"fehlerzusammenfassung\""));
    assert!(html.contains("value=\"Erika &lt;b&gt;Mustermann&lt;/b&gt;\""), "the typed name is kept, escaped");
    assert!(html.contains("value=\"31\""), "the impossible date is kept as typed");
    // Reloading shows the same page again (nothing is posted twice).
    assert!(client.get(STEP1).text().contains("<title>Fehler: "));

    // Step 1 valid: on to step 2.
    let saved = client.post(
        STEP1,
        &[
            ("_csrf", &token),
            ("name", "Erika Mustermann"),
            ("geburtsdatum[tag]", "12"),
            ("geburtsdatum[monat]", "8"),
            ("geburtsdatum[jahr]", "1990"),
            ("hund", "ja"),
            ("aktion", "weiter"),
        ],
    );
    assert_eq!(saved.location(), STEP2);

    // Repeat: add two items, remove the first, with the note.
    let (html, token) = page(&mut client, STEP2);
    assert!(html.contains("value=\"hinzufuegen:kinder\""), "{html}");
    assert!(html.contains("enctype=\"multipart/form-data\""));
    assert_eq!(client.post(STEP2, &[("_csrf", &token), ("aktion", "hinzufuegen:kinder")]).location(), STEP2);
    let (html, token) = page(&mut client, STEP2);
    assert!(html.contains("name=\"kinder[0][vorname]\""), "{html}");
    assert!(html.contains(" autofocus"), "the new item's first control is focused");
    let added =
        client.post(STEP2, &[("_csrf", &token), ("kinder[0][vorname]", "Max"), ("aktion", "hinzufuegen:kinder")]);
    assert_eq!(added.location(), STEP2);
    let (html, token) = page(&mut client, STEP2);
    assert!(html.contains("value=\"Max\"") && html.contains("name=\"kinder[1][vorname]\""), "{html}");
    let removed = client.post(
        STEP2,
        &[
            ("_csrf", &token),
            ("kinder[0][vorname]", "Max"),
            ("kinder[1][vorname]", "Moritz"),
            ("aktion", "entfernen:kinder:0"),
        ],
    );
    assert_eq!(removed.location(), STEP2);
    let (html, token) = page(&mut client, STEP2);
    assert!(html.contains("Kind 1 wurde entfernt"), "{html}");
    assert!(html.contains("value=\"Moritz\"") && !html.contains("value=\"Max\""), "{html}");
    assert!(!html.contains("name=\"kinder[1][vorname]\""));

    // An upload together with an error in another field: the file is kept, shown by name.
    let posted = client.post_multipart(
        STEP2,
        &[
            ("_csrf", &token),
            ("kinder[0][vorname]", "Moritz"),
            ("bemerkung", "viel zu lang für zwanzig Zeichen"),
            ("aktion", "weiter"),
        ],
        &[("nachweis", "Nach<weis>.txt", "text/plain", b"hello, world\n")],
    );
    assert_eq!(posted.status, 303, "{}", posted.text());
    assert_eq!(posted.location(), STEP2);
    let (html, token) = page(&mut client, STEP2);
    assert!(html.contains("<title>Fehler: "), "{html}");
    assert!(html.contains("Nach&lt;weis&gt;.txt"), "the file name is shown escaped:\n{html}");
    // A forged file property is ignored: only the server says what was uploaded.
    let fixed = client.post_multipart(
        STEP2,
        &[
            ("_csrf", &token),
            ("kinder[0][vorname]", "Moritz"),
            ("nachweis[name]", "forged.pdf"),
            ("nachweis[size]", "1"),
            ("bemerkung", "kurz"),
            ("aktion", "weiter"),
        ],
        &[],
    );
    assert_eq!(fixed.location(), STEP3);
    // A file of a type the field does not accept and one too large are refused and reported.
    let (_, token) = page(&mut client, STEP2);
    let refused = client.post_multipart(
        STEP2,
        &[("_csrf", &token), ("kinder[0][vorname]", "Moritz"), ("aktion", "weiter")],
        &[("nachweis", "big.txt", "text/plain", &[b'x'; 2048])],
    );
    assert_eq!(refused.location(), STEP2);
    let (html, token) = page(&mut client, STEP2);
    assert!(html.contains("<title>Fehler: ") && html.contains("big.txt"), "{html}");
    // The refused file replaced the stored one: upload it again.
    let again = client.post_multipart(
        STEP2,
        &[("_csrf", &token), ("kinder[0][vorname]", "Moritz"), ("bemerkung", "kurz"), ("aktion", "weiter")],
        &[("nachweis", "Nach<weis>.txt", "text/plain", b"hello, world\n")],
    );
    assert_eq!(again.location(), STEP3);

    // Step 3 is visible because of a dog; then the check page.
    let (_, token) = page(&mut client, STEP3);
    assert_eq!(
        client.post(STEP3, &[("_csrf", &token), ("hundename", "Bello"), ("aktion", "weiter")]).location(),
        CHECK
    );
    let (html, token) = page(&mut client, CHECK);
    for text in ["Erika Mustermann", "12.8.1990", "Moritz", "Bello", "Nach&lt;weis&gt;.txt", "Ja"] {
        assert!(html.contains(text), "{text} is on the check page:\n{html}");
    }
    // `=` is written as a character reference by the escaping templates.
    assert!(html.contains("href=\"/f/antrag/schritt/1?von&#x3D;pruefen#name\""), "{html}");

    // A change link returns to the check page; answering "no dog" hides step 3.
    let (_, change) = page(&mut client, "/f/antrag/schritt/1?von=pruefen");
    let changed = client.post(
        "/f/antrag/schritt/1?von=pruefen",
        &[
            ("_csrf", &change),
            ("name", "Erika Mustermann"),
            ("geburtsdatum[tag]", "12"),
            ("geburtsdatum[monat]", "8"),
            ("geburtsdatum[jahr]", "1990"),
            ("hund", "nein"),
            ("aktion", "weiter"),
        ],
    );
    assert_eq!(changed.location(), CHECK);
    let (html, _) = page(&mut client, CHECK);
    assert!(!html.contains("Bello"), "a hidden step's answers are gone:\n{html}");
    assert_ne!(client.get(STEP3).status, 200, "a hidden step cannot be reached by URL");

    // Submit: validated, stored, confirmed with a reference.
    let submitted = client.post(CHECK, &[("_csrf", &token), ("aktion", "weiter")]);
    assert_eq!(submitted.location(), "/f/antrag/bestaetigung");
    let done = client.get("/f/antrag/bestaetigung");
    let text = done.text();
    let at = text.find("FW-").expect("a reference on the confirmation page");
    let reference = &text[at..at + 17];
    // Posting again stores nothing more.
    assert_eq!(client.post(CHECK, &[("_csrf", &token), ("aktion", "weiter")]).status, 303);

    let db = data.path().join("intake.sqlite");
    let db = db.to_str().unwrap();
    let (ok, list, err) = formwerk(&["submissions", "--db", db, "list"]);
    assert!(ok, "{err}");
    assert_eq!(list.lines().count(), 1, "{list}");
    assert!(list.starts_with(reference), "{list}");
    let (ok, shown, err) = formwerk(&["submissions", "--db", db, "show", reference]);
    assert!(ok, "{err}");
    let record: serde_json::Value = serde_json::from_str(&shown).unwrap();
    assert_eq!(record["form"], "antrag");
    assert_eq!(record["version"], "1.0.0");
    assert_eq!(record["content_hash"].as_str().unwrap().len(), 64);
    assert_eq!(record["report"], json!({"violations": []}));
    let expected = json!({
        "name": "Erika Mustermann",
        "geburtsdatum": "1990-08-12",
        "hund": false,
        "kinder": [{"vorname": "Moritz"}],
        "nachweis": {"name": "Nach<weis>.txt", "media_type": "text/plain", "size": 13},
        "bemerkung": "kurz"
    });
    assert_eq!(record["data"], expected);
    let sha = record["files"][0]["sha256"].as_str().unwrap().to_string();
    assert_eq!(record["files"][0]["pointer"], "/nachweis");

    let out = tempfile::tempdir().unwrap();
    let (ok, _, err) = formwerk(&["submissions", "--db", db, "export", "--out", out.path().to_str().unwrap()]);
    assert!(ok, "{err}");
    let exported: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join(reference).join("submission.json")).unwrap()).unwrap();
    assert_eq!(exported, expected);
    assert_eq!(std::fs::read(out.path().join(reference).join("files").join(&sha)).unwrap(), b"hello, world\n");
    // The exported data is valid for the reference validator.
    let form = formwerk::driver::check_paths(&[forms()], None).unwrap().checked.forms.remove(0).1;
    let options = formwerk::validate::Options { today: formwerk::value::Date::parse("2026-06-15").unwrap() };
    assert!(formwerk::validate::validate(&form, &exported, &options).is_valid());
}

/// A warning (a rule of `severity warning`) on a step: the page is shown again with the
/// warning summary (not an error) and a confirming button; confirming the same answers goes
/// on, a changed answer that still warns asks again, and the stored report lists the warning.
/// A missing value reads the form's own `required message`.
#[test]
fn a_warning_is_shown_and_confirmed_to_go_on() {
    let data = tempfile::tempdir().unwrap();
    let forms = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/serve/warnings");
    let server = Server::start(&forms, data.path(), &[]);
    let mut client = server.client();
    let (step1, step2, check) = ("/f/miete/schritt/1", "/f/miete/schritt/2", "/f/miete/pruefen");
    assert_eq!(client.get("/f/miete").location(), step1);

    // Missing rent: an error with the form's own message, no warning.
    let (_, token) = page(&mut client, step1);
    let posted = client.post(step1, &[("_csrf", &token), ("personen", "1"), ("aktion", "weiter")]);
    assert_eq!(posted.location(), step1);
    let (html, token) = page(&mut client, step1);
    assert!(html.contains("Bitte geben Sie die Miete an."), "{html}");
    assert!(!html.contains("hinweiszusammenfassung"), "errors first: {html}");

    // A high rent: no error, but the page comes back with the warning and a confirming button.
    let posted = client.post(step1, &[("_csrf", &token), ("personen", "1"), ("miete", "1500"), ("aktion", "weiter")]);
    assert_eq!(posted.location(), step1, "a warning is shown before going on");
    let (html, token) = page(&mut client, step1);
    assert!(!html.contains("<title>Fehler: ") && !html.contains("id=\"fehlerzusammenfassung\""), "{html}");
    assert!(html.contains("id=\"hinweiszusammenfassung\"") && html.contains("Bitte prüfen Sie Ihre Angaben"), "{html}");
    assert!(html.contains("href=\"#miete\">Die Miete ist für die Größe des Haushalts ungewöhnlich hoch."), "{html}");
    assert!(html.contains("value=\"bestaetigen\"") && html.contains("Angaben bestätigen und weiter"), "{html}");
    assert!(html.contains("value=\"1500\""), "the answers are kept");
    let fingerprint = html.split("name=\"_hinweise\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();

    // Confirming with a changed rent that still warns: asked again.
    let posted = client.post(
        step1,
        &[
            ("_csrf", &token),
            ("personen", "1"),
            ("miete", "1400"),
            ("_hinweise", &fingerprint),
            ("aktion", "bestaetigen"),
        ],
    );
    assert_eq!(posted.location(), step1, "a changed answer is confirmed anew");
    let (html, token) = page(&mut client, step1);
    assert!(html.contains("id=\"hinweiszusammenfassung\"") && html.contains("value=\"1400\""), "{html}");
    let fingerprint = html.split("name=\"_hinweise\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    // `weiter` (Enter in an old page) does not confirm; a forged fingerprint neither.
    let forged = client.post(
        step1,
        &[("_csrf", &token), ("personen", "1"), ("miete", "1400"), ("_hinweise", "00"), ("aktion", "bestaetigen")],
    );
    assert_eq!(forged.location(), step1);
    let (_, token) = page(&mut client, step1);

    // Confirming the answers the warning was shown for goes on.
    let posted = client.post(
        step1,
        &[
            ("_csrf", &token),
            ("personen", "1"),
            ("miete", "1400"),
            ("_hinweise", &fingerprint),
            ("aktion", "bestaetigen"),
        ],
    );
    assert_eq!(posted.location(), step2);
    let (_, token) = page(&mut client, step2);
    assert_eq!(client.post(step2, &[("_csrf", &token), ("aktion", "weiter")]).location(), check);

    // A warning never blocks: the submission is stored, its report lists the confirmed warning.
    let (html, token) = page(&mut client, check);
    assert!(html.contains("1400"), "{html}");
    assert_eq!(client.post(check, &[("_csrf", &token), ("aktion", "weiter")]).location(), "/f/miete/bestaetigung");
    let db = data.path().join("intake.sqlite");
    let db = db.to_str().unwrap();
    let (ok, list, err) = formwerk(&["submissions", "--db", db, "list"]);
    assert!(ok, "{err}");
    let reference = list.split_whitespace().next().unwrap();
    let (ok, shown, err) = formwerk(&["submissions", "--db", db, "show", reference]);
    assert!(ok, "{err}");
    let record: serde_json::Value = serde_json::from_str(&shown).unwrap();
    assert_eq!(record["report"]["violations"], json!([]));
    assert_eq!(record["report"]["warnings"][0]["code"], "rule:miete_hoch", "{shown}");
    assert_eq!(record["report"]["warnings"][0]["pointer"], "/miete");
}

/// A warning of the whole form (a rule without `at`, outside every section) is on no step: the
/// last visible step shows it and is left only by confirming it, like a step's own warning.
#[test]
fn a_warning_of_the_whole_form_is_confirmed_on_the_last_step() {
    let data = tempfile::tempdir().unwrap();
    let forms = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/serve/form-warning");
    let server = Server::start(&forms, data.path(), &[]);
    let mut client = server.client();
    let (step1, step2, check) = ("/f/haushalt/schritt/1", "/f/haushalt/schritt/2", "/f/haushalt/pruefen");
    assert_eq!(client.get("/f/haushalt").location(), step1);
    let (_, token) = page(&mut client, step1);
    assert_eq!(client.post(step1, &[("_csrf", &token), ("erwachsene", "1"), ("aktion", "weiter")]).location(), step2);

    // The answers that make the rule fail are on the last step: it comes back with the warning.
    let (_, token) = page(&mut client, step2);
    let posted = client.post(step2, &[("_csrf", &token), ("einkommen", "9000"), ("aktion", "weiter")]);
    assert_eq!(posted.location(), step2, "the warning of the whole form is shown on the last step");
    let (html, token) = page(&mut client, step2);
    assert!(html.contains("id=\"hinweiszusammenfassung\""), "{html}");
    assert!(html.contains("Das Einkommen ist für die Größe des Haushalts ungewöhnlich hoch."), "{html}");
    let fingerprint = html.split("name=\"_hinweise\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let confirm =
        [("_csrf", token.as_str()), ("einkommen", "9000"), ("_hinweise", &fingerprint), ("aktion", "bestaetigen")];
    assert_eq!(client.post(step2, &confirm).location(), check);

    // Stored with the confirmed warning, at the whole form.
    let (_, token) = page(&mut client, check);
    assert_eq!(client.post(check, &[("_csrf", &token), ("aktion", "weiter")]).location(), "/f/haushalt/bestaetigung");
    let db = data.path().join("intake.sqlite");
    let (ok, list, err) = formwerk(&["submissions", "--db", db.to_str().unwrap(), "list"]);
    assert!(ok, "{err}");
    let reference = list.split_whitespace().next().unwrap();
    let (ok, shown, err) = formwerk(&["submissions", "--db", db.to_str().unwrap(), "show", reference]);
    assert!(ok, "{err}");
    let record: serde_json::Value = serde_json::from_str(&shown).unwrap();
    assert_eq!(record["report"]["warnings"][0]["code"], "rule:einkommen_hoch", "{shown}");
    assert_eq!(record["report"]["warnings"][0]["pointer"], "");
}

#[test]
fn several_files_in_one_field_are_uploaded_counted_and_bounded() {
    const STEP: &str = "/f/belege/schritt/1";
    const CHECK: &str = "/f/belege/pruefen";
    let forms = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/serve/several");
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(&forms, data.path(), &[]);
    let mut client = server.client();
    assert_eq!(client.get("/f/belege").location(), STEP);
    let (html, token) = page(&mut client, STEP);
    assert!(html.contains(" multiple"), "{html}");
    assert!(html.contains("Sie können bis zu 3 Dateien hochladen. Zusammen höchstens 2 KB."), "{html}");

    // Two parts under the field's one name: both kept, in order.
    let a: &[u8] = &[b'a'; 600];
    let b: &[u8] = &[b'b'; 600];
    let two = client.post_multipart(
        STEP,
        &[("_csrf", &token), ("aktion", "weiter")],
        &[("belege", "a.txt", "text/plain", a), ("belege", "b.txt", "text/plain", b)],
    );
    assert_eq!(two.location(), CHECK, "{}", two.text());
    let (html, _) = page(&mut client, STEP);
    assert!(html.contains("name=\"belege[0][name]\" value=\"a.txt\""), "{html}");
    assert!(html.contains("name=\"belege[1][name]\" value=\"b.txt\""), "{html}");

    // A file that would make them larger than 2 KB together is refused and reported.
    let (_, token) = page(&mut client, STEP);
    let c: &[u8] = &[b'c'; 900];
    let large = client.post_multipart(
        STEP,
        &[("_csrf", &token), ("aktion", "weiter")],
        &[("belege", "c.txt", "text/plain", c)],
    );
    assert_eq!(large.location(), STEP);
    let (html, token) = page(&mut client, STEP);
    assert!(html.contains("Die Dateien bei „Belege“ dürfen zusammen höchstens 2 KB groß sein."), "{html}");

    // One more file fits; of two, the second is one too many; a third is only read past.
    let small: &[u8] = b"klein";
    let many = client.post_multipart(
        STEP,
        &[("_csrf", &token), ("aktion", "weiter")],
        &[
            ("belege", "d.txt", "text/plain", small),
            ("belege", "e.txt", "text/plain", small),
            ("belege", "f.txt", "text/plain", small),
        ],
    );
    assert_eq!(many.location(), STEP);
    let (html, token) = page(&mut client, STEP);
    assert!(html.contains("Bei „Belege“ sind höchstens 3 Dateien möglich."), "{html}");
    assert!(html.contains("d.txt") && html.contains("e.txt") && !html.contains("f.txt"), "{html}");

    // Many parts for the one field: read past, one reported too many, nothing more stored.
    let parts: Vec<(&str, &str, &str, &[u8])> = (0..300).map(|_| ("belege", "g.txt", "text/plain", small)).collect();
    let flood = client.post_multipart(STEP, &[("_csrf", &token), ("aktion", "weiter")], &parts);
    assert_eq!(flood.location(), STEP);
    let (html, token) = page(&mut client, STEP);
    assert_eq!(html.matches("Hochgeladen: g.txt").count(), 1, "{html}");
    assert_eq!(std::fs::read_dir(data.path().join("uploads")).unwrap().count(), 3, "a, b and d are stored");

    // Removing the second file moves the third up; without new files the three stored are
    // valid again.
    let removed = client.post_multipart(STEP, &[("_csrf", &token), ("aktion", "datei-entfernen:belege-1")], &[]);
    assert_eq!(removed.location(), STEP);
    let (html, token) = page(&mut client, STEP);
    assert!(!html.contains("b.txt") && html.contains("name=\"belege[1][name]\" value=\"d.txt\""), "{html}");
    let saved = client.post_multipart(STEP, &[("_csrf", &token), ("aktion", "weiter")], &[]);
    assert_eq!(saved.location(), CHECK);
    let (_, token) = page(&mut client, CHECK);
    assert_eq!(client.post(CHECK, &[("_csrf", &token), ("aktion", "weiter")]).location(), "/f/belege/bestaetigung");

    let db = data.path().join("intake.sqlite");
    let db = db.to_str().unwrap();
    let (ok, list, err) = formwerk(&["submissions", "--db", db, "list"]);
    assert!(ok, "{err}");
    let reference = list.split_whitespace().next().unwrap().to_string();
    let (ok, shown, err) = formwerk(&["submissions", "--db", db, "show", &reference]);
    assert!(ok, "{err}");
    let record: serde_json::Value = serde_json::from_str(&shown).unwrap();
    assert_eq!(
        record["data"],
        json!({"belege": [
            {"name": "a.txt", "media_type": "text/plain", "size": 600},
            {"name": "d.txt", "media_type": "text/plain", "size": 5}
        ]})
    );
    let pointers: Vec<&str> =
        record["files"].as_array().unwrap().iter().map(|f| f["pointer"].as_str().unwrap()).collect();
    assert_eq!(pointers.len(), 2, "{record}");
    assert!(pointers.contains(&"/belege/0") && pointers.contains(&"/belege/1"), "{record}");
}

#[test]
fn answers_survive_a_restart_and_sessions_are_signed() {
    let data = tempfile::tempdir().unwrap();
    let mut server = Server::start(&forms(), data.path(), &[]);
    let mut client = server.client();
    client.get("/f/antrag");
    let (_, token) = page(&mut client, STEP1);
    client.post(STEP1, &[("_csrf", &token), ("name", "Nach dem Neustart"), ("aktion", "weiter")]);
    server.kill();
    let server = Server::start(&forms(), data.path(), &[]);
    let mut again = Client { addr: server.addr.clone(), host: server.addr.clone(), cookie: client.cookie.clone() };
    let (html, _) = page(&mut again, STEP1);
    assert!(html.contains("value=\"Nach dem Neustart\""), "{html}");
    // A forged cookie is a new session that sees nothing.
    let cookie = client.cookie.clone().unwrap();
    let forged = format!("{}0{}", &cookie[..cookie.len() - 1].replace("formwerk_sitzung=", "formwerk_sitzung=f"), "");
    let mut stranger = Client { cookie: Some(forged), ..again.clone() };
    let response = stranger.get(STEP1);
    assert!(response.header("set-cookie").is_some(), "a forged cookie gets a new session");
    assert!(!response.text().contains("Nach dem Neustart"));
}

#[test]
fn every_security_point_is_enforced_over_http() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(&forms(), data.path(), &[]);
    let mut client = server.client();
    client.get("/f/antrag");
    let (_, token) = page(&mut client, STEP1);

    // Headers on every response.
    let response = client.get(STEP1);
    let csp = response.header("content-security-policy").unwrap();
    assert!(csp.contains("script-src 'self';") && csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(!csp.contains("script-src 'unsafe-inline'"));
    assert_eq!(response.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(response.header("referrer-policy"), Some("same-origin"));
    assert_eq!(response.header("cache-control"), Some("no-store"));

    // CSRF: missing, wrong, two tokens → 403; the right one → 303.
    assert_eq!(client.post(STEP1, &[("name", "x")]).status, 403);
    assert_eq!(client.post(STEP1, &[("_csrf", "0123456789abcdef0123456789abcdef"), ("name", "x")]).status, 403);
    assert_eq!(client.post(STEP1, &[("_csrf", &token), ("_csrf", &token), ("name", "x")]).status, 403);
    assert_eq!(
        client.post_multipart(STEP2, &[("name", "x"), ("_csrf", &token)], &[]).status,
        403,
        "the token must come first"
    );
    assert_eq!(client.post(STEP1, &[("_csrf", &token), ("name", "x")]).status, 303);
    let mut no_session = Client { cookie: None, ..client.clone() };
    assert_eq!(no_session.post(STEP1, &[("_csrf", &token), ("name", "x")]).status, 403);
    // A POST from another origin.
    let cross = client.send(
        "POST",
        STEP1,
        &[("origin", "http://evil.example"), ("content-type", "application/x-www-form-urlencoded")],
        format!("_csrf={token}").as_bytes(),
    );
    assert_eq!(cross.status, 403);

    // Host: another name → 421, none → 400 (DNS rebinding).
    let mut rebinding = Client { host: "evil.example".into(), ..client.clone() };
    assert_eq!(rebinding.get(STEP1).status, 421);
    let missing = raw(&server.addr, b"GET / HTTP/1.0\r\n\r\n", b"");
    assert_eq!(missing.status, 400);
    let mut localhost =
        Client { host: format!("localhost:{}", server.addr.rsplit(':').next().unwrap()), ..client.clone() };
    assert_eq!(localhost.get("/").status, 200);

    // Body size: beyond the text limit, beyond the form's file limit → 413.
    let big = "x".repeat(2 * 1024 * 1024);
    assert_eq!(client.post(STEP1, &[("_csrf", &token), ("name", &big)]).status, 413);
    let huge = vec![b'x'; 3 * 1024 * 1024];
    let response = client.post_multipart(STEP2, &[("_csrf", &token)], &[("nachweis", "a.txt", "text/plain", &huge)]);
    assert_eq!(response.status, 413);
    let head = format!(
        "POST {STEP1} HTTP/1.1\r\nHost: {}\r\nCookie: {}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 999999999\r\nConnection: close\r\n\r\n",
        server.addr,
        client.cookie.as_deref().unwrap()
    );
    let declared = raw(&server.addr, head.as_bytes(), b"");
    assert_eq!(declared.status, 413);

    // File tokens: traversal, foreign and malformed tokens are 404.
    for path in [
        "/f/antrag/datei/..%2F..%2Fsession.key",
        "/f/antrag/datei/../../session.key",
        "/f/antrag/datei/0123456789abcdef0123456789abcdef",
        "/f/antrag/datei/session.key",
        "/f/antrag/datei/%2e%2e",
    ] {
        assert_eq!(client.get(path).status, 404, "{path}");
    }
    // Unknown forms and steps, and non-canonical step numbers.
    for path in [
        "/f/nichts",
        "/f/antrag/schritt/0",
        "/f/antrag/schritt/01",
        "/f/antrag/schritt/4",
        "/f/antrag/schritt/99999999999",
    ] {
        assert_eq!(client.get(path).status, 404, "{path}");
    }
    assert_eq!(client.send("POST", STEP1, &[("content-type", "text/plain")], b"x").status, 415);
    // The preview's script is not served outside preview mode.
    assert_eq!(client.get("/_formwerk/reload.js").status, 404);
}

#[test]
fn serve_in_a_project_folder_is_the_preview_unless_told_otherwise() {
    let dir = tempfile::tempdir().unwrap();
    let forms = dir.path().join("forms");
    std::fs::create_dir(&forms).unwrap();
    std::fs::copy(self::forms().join("antrag.form"), forms.join("antrag.form")).unwrap();
    let data = dir.path().join("data");
    for (extra, preview) in [(&[][..], true), (&["--no-watch"][..], false)] {
        let server = Server::start_in(dir.path(), &data, extra);
        let mut client = server.client();
        let expected = if preview { 200 } else { 404 };
        assert_eq!(client.get("/_formwerk/reload.js").status, expected, "{extra:?}");
        assert_eq!(client.get("/").text().contains(crate_script()), preview, "{extra:?}");
    }
}

#[test]
fn preview_reloads_and_keeps_the_last_good_forms_with_diagnostics() {
    let dir = tempfile::tempdir().unwrap();
    let forms = dir.path().join("forms");
    std::fs::create_dir(&forms).unwrap();
    let source = std::fs::read_to_string(self::forms().join("antrag.form")).unwrap();
    std::fs::write(forms.join("antrag.form"), &source).unwrap();
    let server = Server::start(&forms, &dir.path().join("data"), &["--watch", "--poll-ms", "50"]);
    let mut client = server.client();
    let index = client.get("/");
    assert!(index.text().contains(crate_script()), "the reload script is on preview pages");
    let csp = index.header("content-security-policy").unwrap().to_string();
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline'; connect"), "{csp}");
    let script = client.get("/_formwerk/reload.js");
    assert_eq!(script.status, 200);
    assert!(script.text().contains("EventSource"));

    // An answer, which a later version of the form no longer has.
    client.get("/f/antrag");
    let (_, token) = page(&mut client, STEP1);
    assert_eq!(client.post(STEP1, &[("_csrf", &token), ("name", "Vorher")]).status, 303);

    // A broken edit: the last good form is still served, the index shows the diagnostic.
    std::fs::write(forms.join("antrag.form"), source.replace("field name: text", "field name: txet")).unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let text = client.get("/").text();
        if text.contains("E0") {
            assert!(text.contains("formwerk explain"), "{text}");
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the diagnostic never appeared:\n{text}");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(client.get("/f/antrag").status, 303, "the last good form is still served");
    let (step, _) = page(&mut client, STEP1);
    assert!(step.contains("class=\"fw-stale\"") && step.contains(crate_script()), "a notice on the form's pages");
    // Fixed again, with a new title and the field `name` renamed.
    let renamed =
        source.replace("\"Testantrag\"", "\"Neuer Testantrag\"").replace("field name: text", "field vollname: text");
    std::fs::write(forms.join("antrag.form"), renamed).unwrap();
    loop {
        let text = client.get("/").text();
        if text.contains("Neuer Testantrag") && !text.contains("E0") {
            break;
        }
        assert!(std::time::Instant::now() < deadline + std::time::Duration::from_secs(20), "{text}");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    // The saved answer no longer fits: it is dropped, the step renders, and saving works.
    let (step, token) = page(&mut client, STEP1);
    assert!(step.contains("name=\"vollname\"") && !step.contains("Vorher") && !step.contains("fw-stale"), "{step}");
    assert_eq!(client.post(STEP1, &[("_csrf", &token), ("vollname", "Nachher")]).location(), STEP1);
}

fn crate_script() -> &'static str {
    "<script src=\"/_formwerk/reload.js\" defer></script>"
}
