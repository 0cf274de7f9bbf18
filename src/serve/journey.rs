//! The routes of a journey, without JavaScript: `GET /f/<form>/schritt/<n>` shows a step,
//! `POST` the same URL saves it and redirects (post/redirect/get): valid → 303 to the next
//! visible step, invalid → 303 back, whose GET shows the pending values and the errors; the
//! secondary buttons add and remove repeat items and uploaded files. `pruefen` shows every
//! answer with change links that come back to it, and its POST validates everything with the
//! reference validator and stores the submission; `bestaetigung` shows the reference.
//!
//! Which steps are visible is computed from the form's conditions on the answers on every
//! request, and a step can be reached only when every visible step before it is valid, so no
//! URL skips or shows a hidden step.

// A handler returns early with the response to send (403, 404, 413, …): on that cold path a
// `Response` by value is simpler than a boxed one.
#![allow(clippy::result_large_err)]

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::intake::{New, StoredFile};
use super::preview::Served;
use super::session::{is_token, Session, COOKIE};
use super::uploads::{self, Refused};
use super::App;
use crate::emit::html::{self, Action, Input, Scope};
use crate::formdata;
use crate::ir::{Form, Item};
use crate::validate::{Compiled, Options, Report};

/// `?von=pruefen`: the step was opened from a change link and returns to the check page.
#[derive(Deserialize, Default)]
pub struct From {
    von: Option<String>,
}

impl From {
    fn returning(&self) -> bool {
        self.von.as_deref() == Some("pruefen")
    }
}

type Result<T> = std::result::Result<T, Response>;

// ---------------------------------------------------------------- responses

fn page(html: String) -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
}

fn see_other(location: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

fn status(app: &App, code: StatusCode, text: &str) -> Response {
    let lang = "de";
    let heading = code.canonical_reason().unwrap_or("Fehler");
    let html = app
        .pages
        .render("status", lang, heading, json!({ "heading": heading, "text": text }))
        .unwrap_or_else(|_| String::new());
    (code, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
}

fn internal(app: &App, message: &str) -> Response {
    eprintln!("formwerk serve: {message}");
    status(app, StatusCode::INTERNAL_SERVER_ERROR, "Der Server konnte die Anfrage nicht bearbeiten.")
}

fn with_cookie(mut response: Response, cookie: Option<String>) -> Response {
    if let Some(cookie) = cookie {
        let value = format!("{COOKIE}={cookie}; Path=/; HttpOnly; SameSite=Lax");
        if let Ok(value) = HeaderValue::from_str(&value) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

// ---------------------------------------------------------------- context

/// The session of a request's cookie, if it is signed and alive.
fn session_of(app: &App, headers: &HeaderMap) -> Option<Session> {
    let ttl = app.config.session.as_secs() as i64;
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().strip_prefix(COOKIE)?.strip_prefix('='))
        .find_map(|cookie| app.key.verify(cookie).and_then(|id| app.db.session(id, ttl)))
}

/// The session of the request, or a new one with the cookie to set.
fn session_or_new(app: &App, headers: &HeaderMap) -> Result<(Session, Option<String>)> {
    if let Some(session) = session_of(app, headers) {
        return Ok((session, None));
    }
    // Starting a session deletes the expired ones (and their uploads' rows): their files first.
    for token in app.db.expired_uploads() {
        let _ = std::fs::remove_file(app.uploads.join(token));
    }
    let session = app.db.new_session(app.config.session.as_secs() as i64).map_err(|e| internal(app, &e))?;
    let cookie = app.key.sign(&session.id);
    Ok((session, Some(cookie)))
}

fn served(app: &App, form: &str) -> Result<Arc<Served>> {
    app.loaded().form(form).ok_or_else(|| status(app, StatusCode::NOT_FOUND, "Dieses Formular gibt es nicht."))
}

fn lang(form: &Form) -> &str {
    form.languages.first().map_or("de", String::as_str)
}

fn step_url(form: &str, page: usize, returning: bool) -> String {
    let query = if returning { "?von=pruefen" } else { "" };
    format!("/f/{form}/schritt/{}{query}", page + 1)
}

/// Keeps only what the form has (members it names, repeat items up to its maximum): answers
/// saved for an older version of a form (preview) are dropped where they no longer fit.
fn fit(form: &Form, answers: &Value) -> Value {
    fn object(items: &[&Item], value: &Value) -> Map<String, Value> {
        let mut out = Map::new();
        let Some(members) = value.as_object() else { return out };
        for item in items {
            let Some(child) = members.get(item.name()) else { continue };
            match item {
                Item::Field(_) => {
                    out.insert(item.name().to_string(), child.clone());
                }
                Item::Group(group) => {
                    let children: Vec<&Item> = group.items.iter().collect();
                    if child.is_object() {
                        out.insert(item.name().to_string(), Value::Object(object(&children, child)));
                    }
                }
                Item::Repeat(repeat) => {
                    let children: Vec<&Item> = repeat.items.iter().collect();
                    let max = repeat.max.map_or(usize::MAX, |m| m as usize);
                    if let Some(list) = child.as_array() {
                        let list = list.iter().take(max).map(|entry| Value::Object(object(&children, entry))).collect();
                        out.insert(item.name().to_string(), Value::Array(list));
                    }
                }
                Item::Info(_) => {}
            }
        }
        out
    }
    let items: Vec<&Item> = form.items().collect();
    Value::Object(object(&items, answers))
}

/// The pages whose condition holds on the answers (an unanswered condition hides the page).
fn visible_pages(compiled: &Compiled, answers: &Value, options: &Options) -> Vec<usize> {
    let form = compiled.form();
    (0..form.pages.len())
        .filter(|&n| form.pages[n].visible.as_ref().is_none_or(|c| compiled.eval(c, answers, options, &[]).is_true()))
        .collect()
}

/// The first segment of a JSON pointer, unescaped.
fn first_segment(pointer: &str) -> Option<String> {
    let segment = pointer.strip_prefix('/')?.split('/').next()?;
    Some(segment.replace("~1", "/").replace("~0", "~"))
}

/// The page whose items hold a violation's pointer.
fn page_of(form: &Form, pointer: &str) -> Option<usize> {
    let first = first_segment(pointer)?;
    form.pages.iter().position(|page| page.items.iter().any(|item| item.name() == first))
}

/// The report restricted to one page. A warning on no page (a rule of the whole form, without
/// `at`) is the last visible page's (`last`), so that it is confirmed like any other before the
/// answers are checked.
fn page_report(form: &Form, report: &Report, page: usize, last: bool) -> Report {
    let here = |pointer: &str| page_of(form, pointer) == Some(page);
    Report {
        violations: report.violations.iter().filter(|v| here(&v.pointer)).cloned().collect(),
        warnings: report
            .warnings
            .iter()
            .filter(|w| here(&w.pointer) || (last && page_of(form, &w.pointer).is_none()))
            .cloned()
            .collect(),
    }
}

/// The first visible page (before `limit`) with a violation.
fn first_invalid(form: &Form, report: &Report, visible: &[usize], limit: usize) -> Option<usize> {
    visible.iter().copied().filter(|&n| n < limit).find(|&n| !page_report(form, report, n, false).is_valid())
}

/// Inserts the session's CSRF token as the form's first field (a token is 32 hex digits, so
/// nothing in it needs escaping).
fn with_csrf(html: String, csrf: &str) -> String {
    if !is_token(csrf) {
        return html;
    }
    let Some(start) = html.find("<form ") else { return html };
    let Some(end) = html[start..].find('>') else { return html };
    let mut html = html;
    html.insert_str(start + end + 1, &format!("\n<input type=\"hidden\" name=\"_csrf\" value=\"{csrf}\">"));
    html
}

/// In preview: the reload script, and when the last check of the forms failed, a notice at the
/// top of `main` that links to the diagnostics on the index (from the escaping templates).
fn finish(app: &App, html: String) -> String {
    if !app.config.preview {
        return html;
    }
    let mut html = html;
    if app.loaded().stale {
        let lang = html.find("<html lang=\"").and_then(|at| html[at + 12..].split('"').next()).unwrap_or("de");
        let lang = if lang == "en" { "en" } else { "de" };
        if let (Ok(notice), Some(main)) = (app.pages.stale_notice(lang), html.find("<main")) {
            if let Some(end) = html[main..].find('>') {
                html.insert_str(main + end + 1, &notice);
            }
        }
    }
    super::preview::with_reload(html)
}

// ---------------------------------------------------------------- index and preview

pub async fn index(State(app): State<Arc<App>>) -> Response {
    let loaded = app.loaded();
    let forms: Vec<Value> = loaded
        .forms
        .iter()
        .map(|s| {
            let title = s.form.title.get(lang(&s.form)).cloned().unwrap_or_else(|| s.form.id.clone());
            json!({ "id": s.form.id, "title": title, "version": s.form.version })
        })
        .collect();
    let data = json!({ "forms": forms, "diagnostics": loaded.diagnostics, "stale": loaded.stale });
    drop(loaded);
    match app.pages.render("index", "de", "Formulare – formwerk serve", data) {
        Ok(html) => page(finish(&app, html)),
        Err(e) => internal(&app, &e),
    }
}

pub async fn reload_script(State(app): State<Arc<App>>) -> Response {
    if !app.config.preview {
        return not_found(State(app)).await;
    }
    ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], super::preview::RELOAD_SCRIPT).into_response()
}

/// `GET /_formwerk/live/<form>.live.js`: the form's live-values bundle (`html::live`), the
/// only script of a form's pages besides the preview's reload script.
pub async fn live_script(State(app): State<Arc<App>>, Path(file): Path<String>) -> Response {
    let script = file.strip_suffix(".live.js").and_then(|form| app.loaded().form(form)).and_then(|s| s.live.clone());
    match script {
        Some(script) => ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], script).into_response(),
        None => not_found(State(app)).await,
    }
}

/// The URL of the live-values bundle of `form`.
fn live_url(form: &str) -> String {
    format!("/_formwerk/live/{form}.live.js")
}

/// Server-sent events: `event: reload` whenever the forms were loaded again.
pub async fn events(State(app): State<Arc<App>>) -> Response {
    if !app.config.preview {
        return not_found(State(app)).await;
    }
    let mut changed = app.changed.clone();
    changed.mark_unchanged();
    let stream = futures_util::stream::unfold(changed, |mut changed| async move {
        let event = match tokio::time::timeout(std::time::Duration::from_secs(15), changed.changed()).await {
            Ok(Ok(())) => "event: reload\ndata: reload\n\n",
            Ok(Err(_)) => return None,
            Err(_) => ": keep-alive\n\n",
        };
        Some((Ok::<_, std::convert::Infallible>(event), changed))
    });
    ([(header::CONTENT_TYPE, "text/event-stream")], Body::from_stream(stream)).into_response()
}

pub async fn not_found(State(app): State<Arc<App>>) -> Response {
    status(&app, StatusCode::NOT_FOUND, "Diese Seite gibt es nicht.")
}

// ---------------------------------------------------------------- steps

/// `GET /f/<form>`: the first visible step.
pub async fn start(State(app): State<Arc<App>>, Path(form): Path<String>, headers: HeaderMap) -> Response {
    let run = || -> Result<Response> {
        let served = served(&app, &form)?;
        let (session, cookie) = session_or_new(&app, &headers)?;
        let journey = app.db.journey(&session.id, &form);
        let compiled = Compiled::new(&served.form);
        let options = Options { today: app.today() };
        let answers = fit(&served.form, &journey.answers);
        let first = visible_pages(&compiled, &answers, &options).first().copied().unwrap_or(0);
        Ok(with_cookie(see_other(&step_url(&form, first, false)), cookie))
    };
    run().unwrap_or_else(|response| response)
}

/// `GET /f/<form>/schritt/<n>`.
pub async fn show_step(
    State(app): State<Arc<App>>,
    Path((form, step)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    // A step opened from a change link (`?von=pruefen`) looks the same: its form posts to
    // the same URL, query included, and the POST returns to the check page.
    let run = || -> Result<Response> {
        let served = served(&app, &form)?;
        let page = step_page(&app, &served.form, &step)?;
        let (session, cookie) = session_or_new(&app, &headers)?;
        let mut journey = app.db.journey(&session.id, &form);
        let compiled = Compiled::new(&served.form);
        let options = Options { today: app.today() };
        let answers = fit(&served.form, &journey.answers);
        let visible = visible_pages(&compiled, &answers, &options);
        let report = compiled.validate(&answers, &options);
        // A hidden step, or one after an unfinished step, is not shown: the journey goes on
        // where it must.
        if !visible.contains(&page) {
            let target =
                first_invalid(&served.form, &report, &visible, usize::MAX).or(visible.first().copied()).unwrap_or(0);
            return Ok(with_cookie(see_other(&step_url(&form, target, false)), cookie));
        }
        if let Some(earlier) = first_invalid(&served.form, &report, &visible, page) {
            return Ok(with_cookie(see_other(&step_url(&form, earlier, false)), cookie));
        }
        let last = visible.last() == Some(&page);
        let shown = (journey.show_errors == Some(page)).then(|| page_report(&served.form, &report, page, last));
        let lang = lang(&served.form);
        let input = Input {
            lang,
            scope: Scope::Step(page),
            values: &answers,
            report: shown.as_ref(),
            focus: journey.focus.as_deref(),
            notice: journey.notice.as_deref(),
        };
        let view = html::view(&served.form, &input);
        let mut html = app.renderer.render(&view, false).map_err(|e| internal(&app, &e.to_string()))?;
        if served.live.is_some() {
            html = html::live::with_script(html, &live_url(&served.form.id));
        }
        if journey.focus.is_some() || journey.notice.is_some() {
            journey.focus = None;
            journey.notice = None;
            app.db.save_journey(&session.id, &form, &journey).map_err(|e| internal(&app, &e))?;
        }
        Ok(with_cookie(page_response(&app, html, &session), cookie))
    };
    run().unwrap_or_else(|response| response)
}

fn page_response(app: &App, html: String, session: &Session) -> Response {
    page(finish(app, with_csrf(html, &session.csrf)))
}

/// The page (0-based) of a step number in a URL (1-based, canonical decimal).
fn step_page(app: &App, form: &Form, step: &str) -> Result<usize> {
    let canonical =
        !step.starts_with('0') && !step.is_empty() && step.len() <= 4 && step.bytes().all(|b| b.is_ascii_digit());
    match step.parse::<usize>() {
        Ok(n) if canonical && n >= 1 && n <= form.pages.len() => Ok(n - 1),
        _ => Err(status(app, StatusCode::NOT_FOUND, "Diesen Schritt gibt es nicht.")),
    }
}

/// What a POST carried: its pairs (the CSRF token checked and removed) and new uploads.
struct Posted {
    pairs: Vec<(String, String)>,
    refused: Vec<(String, String)>,
    stored: Vec<uploads::Upload>,
}

/// Reads a POST body within the form's limits: 413 beyond them, 403 without the session's
/// CSRF token, 415 for other content types.
async fn read_post(
    app: &App,
    form: &Form,
    session: &Session,
    existing: &[uploads::Upload],
    request: Request,
) -> Result<Posted> {
    let content_type =
        request.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let declared =
        request.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    let essence = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let forbidden = || {
        status(
            app,
            StatusCode::FORBIDDEN,
            "Die Sitzung ist abgelaufen oder die Anfrage ist ungültig. Bitte laden Sie die Seite neu.",
        )
    };
    let too_large = || status(app, StatusCode::PAYLOAD_TOO_LARGE, "Die gesendeten Daten sind zu groß.");
    match essence.as_str() {
        "application/x-www-form-urlencoded" => {
            let limit = uploads::MAX_TEXT_BYTES;
            if declared.is_some_and(|n| n > limit) {
                return Err(too_large());
            }
            let bytes = axum::body::to_bytes(request.into_body(), limit as usize).await.map_err(|_| too_large())?;
            let mut pairs = formdata::parse_urlencoded(&String::from_utf8_lossy(&bytes));
            let tokens: Vec<String> = pairs.iter().filter(|(n, _)| n == "_csrf").map(|(_, v)| v.clone()).collect();
            if tokens.len() != 1 || !super::security::same_token(&tokens[0], &session.csrf) {
                return Err(forbidden());
            }
            pairs.retain(|(n, _)| n != "_csrf");
            Ok(Posted { pairs, refused: Vec::new(), stored: Vec::new() })
        }
        "multipart/form-data" => {
            let limit = uploads::body_limit(form);
            if declared.is_some_and(|n| n > limit) {
                return Err(too_large());
            }
            let boundary = multer::parse_boundary(&content_type)
                .map_err(|_| status(app, StatusCode::BAD_REQUEST, "Die Anfrage ist fehlerhaft."))?;
            match uploads::read(form, request.into_body(), boundary, &session.csrf, &app.uploads, existing).await {
                Ok(parsed) => Ok(Posted { pairs: parsed.pairs, refused: parsed.refused, stored: parsed.stored }),
                Err(Refused::TooLarge) => Err(too_large()),
                Err(Refused::Forbidden) => Err(forbidden()),
                Err(Refused::Malformed(m)) => {
                    Err(status(app, StatusCode::BAD_REQUEST, &format!("Die Anfrage ist fehlerhaft: {m}")))
                }
                Err(Refused::Io(e)) => Err(internal(app, &e)),
            }
        }
        _ => Err(status(app, StatusCode::UNSUPPORTED_MEDIA_TYPE, "Die Anfrage hat ein unbekanntes Format.")),
    }
}

/// Whether a posted name is a file's property (`nachweis[name]`): only the server says what
/// was uploaded, so these are never taken from the request.
fn is_file_property(form: &Form, name: &str) -> bool {
    ["[name]", "[media_type]", "[size]"]
        .iter()
        .any(|suffix| name.strip_suffix(suffix).is_some_and(|field| formdata::holds_file_properties(form, field)))
}

/// `POST /f/<form>/schritt/<n>`.
pub async fn save_step(
    State(app): State<Arc<App>>,
    Path((form, step)): Path<(String, String)>,
    Query(from): Query<From>,
    request: Request,
) -> Response {
    match save(&app, &form, &step, from.returning(), request).await {
        Ok(response) | Err(response) => response,
    }
}

async fn save(app: &App, form_id: &str, step: &str, returning: bool, request: Request) -> Result<Response> {
    let served = served(app, form_id)?;
    let form = &served.form;
    let page = step_page(app, form, step)?;
    let Some(session) = session_of(app, request.headers()) else {
        return Err(status(app, StatusCode::FORBIDDEN, "Die Sitzung ist abgelaufen. Bitte laden Sie die Seite neu."));
    };
    let existing = app.db.uploads(&session.id, form_id);
    let posted = read_post(app, form, &session, &existing, request).await?;
    if !posted.stored.is_empty() {
        let replaced = app.db.record_uploads(&session.id, form_id, &posted.stored).map_err(|e| internal(app, &e))?;
        for token in replaced {
            let _ = std::fs::remove_file(app.uploads.join(token));
        }
    }
    // A refused file replaces the field's earlier upload: the page reports what was sent.
    for (name, _) in &posted.refused {
        if let Some(field) = name.strip_suffix("[name]") {
            if let Some(token) = app.db.remove_upload(&session.id, form_id, &uploads::id_of(field)) {
                let _ = std::fs::remove_file(app.uploads.join(token));
            }
        }
    }
    let action = posted
        .pairs
        .iter()
        .rev()
        .find(|(n, _)| n == "aktion")
        .and_then(|(_, v)| Action::parse(v))
        .unwrap_or(Action::Next);
    // The fingerprint of the warnings the page showed (`bestaetigen`).
    let confirmed = posted.pairs.iter().rev().find(|(n, _)| n == "_hinweise").map(|(_, v)| v.clone());
    let mut pairs: Vec<(String, String)> = posted
        .pairs
        .into_iter()
        .filter(|(n, _)| n != "aktion" && n != "_hinweise" && !is_file_property(form, n))
        .collect();
    for upload in app.db.uploads(&session.id, form_id) {
        pairs.extend(upload.pairs());
    }
    pairs.extend(posted.refused);

    let compiled = Compiled::new(form);
    let options = Options { today: app.today() };
    let mut journey = app.db.journey(&session.id, form_id);
    let answers = fit(form, &journey.answers);
    let mut values = formdata::convert_page(&compiled, page, &answers, &pairs, &options).submission;
    // Removed after the conversion, so that the values still hold the file the action removes
    // (of several files, the others move up, in the values and in the uploads alike).
    if let Action::RemoveFile { field } = &action {
        if let Some(token) = app.db.remove_upload(&session.id, form_id, field) {
            let _ = std::fs::remove_file(app.uploads.join(token));
        }
    }
    journey.focus = None;
    journey.notice = None;
    journey.show_errors = None;
    let lang = lang(form).to_string();
    let here = step_url(form_id, page, returning);
    let target = match &action {
        Action::Add { .. } | Action::Remove { .. } | Action::RemoveFile { .. } => {
            if let Some(applied) = html::apply(form, &values, &action, &lang) {
                values = applied.values;
                journey.focus = applied.focus;
                journey.notice = applied.notice;
            }
            here
        }
        Action::Back => {
            let visible = visible_pages(&compiled, &values, &options);
            let previous = visible.iter().copied().rfind(|&n| n < page).unwrap_or(page);
            step_url(form_id, previous, false)
        }
        Action::Next | Action::Confirm => {
            let report = compiled.validate(&values, &options);
            let visible = visible_pages(&compiled, &values, &options);
            let shown = page_report(form, &report, page, visible.last() == Some(&page));
            // Warnings of the page's answers are shown once, like errors; the citizen goes on
            // by confirming exactly them, for exactly these answers (see `html::warnings_fingerprint`).
            let unconfirmed = !shown.warnings.is_empty()
                && (action != Action::Confirm
                    || confirmed.as_deref() != Some(&html::warnings_fingerprint(&shown, &[page], form, &values)));
            if shown.is_valid() && unconfirmed {
                journey.show_errors = Some(page);
                here
            } else if shown.is_valid() {
                match visible.iter().copied().find(|&n| n > page) {
                    Some(next) if !returning => step_url(form_id, next, false),
                    _ => format!("/f/{form_id}/pruefen"),
                }
            } else {
                journey.show_errors = Some(page);
                here
            }
        }
    };
    journey.answers = values;
    app.db.save_journey(&session.id, form_id, &journey).map_err(|e| internal(app, &e))?;
    Ok(see_other(&target))
}

// ---------------------------------------------------------------- check, submit, confirmation

/// `GET /f/<form>/pruefen`.
pub async fn show_check(State(app): State<Arc<App>>, Path(form_id): Path<String>, headers: HeaderMap) -> Response {
    let run = || -> Result<Response> {
        let served = served(&app, &form_id)?;
        let form = &served.form;
        let (session, cookie) = session_or_new(&app, &headers)?;
        let mut journey = app.db.journey(&session.id, &form_id);
        let compiled = Compiled::new(form);
        let options = Options { today: app.today() };
        let answers = fit(form, &journey.answers);
        let visible = visible_pages(&compiled, &answers, &options);
        let report = compiled.validate(&answers, &options);
        if let Some(page) = first_invalid(form, &report, &visible, usize::MAX) {
            journey.show_errors = Some(page);
            app.db.save_journey(&session.id, &form_id, &journey).map_err(|e| internal(&app, &e))?;
            return Ok(with_cookie(see_other(&step_url(&form_id, page, false)), cookie));
        }
        let lang = lang(form);
        // Violations no step shows (rules over the whole submission).
        let errors: Vec<String> = report
            .violations
            .iter()
            .filter(|v| page_of(form, &v.pointer).is_none())
            .map(|v| v.messages.get(lang).or_else(|| v.messages.values().next()).cloned().unwrap_or_default())
            .collect();
        let steps: Vec<Value> = visible
            .iter()
            .map(|&n| {
                let heading = form.pages[n]
                    .title
                    .as_ref()
                    .and_then(|t| t.get(lang).cloned())
                    .unwrap_or_else(|| format!("{} {}", if lang == "en" { "Step" } else { "Schritt" }, n + 1));
                let rows = super::pages::rows(form, lang, n, &answers, &step_url(&form_id, n, true));
                json!({ "heading": heading, "rows": rows })
            })
            .collect();
        let form_title = form.title.get(lang).cloned().unwrap_or_default();
        let texts = super::pages::texts(lang);
        let title = format!("{} – {form_title}", texts.check_title);
        let data = json!({ "steps": steps, "errors": errors, "form_title": form_title, "csrf": session.csrf });
        let html = app.pages.render("check", lang, &title, data).map_err(|e| internal(&app, &e))?;
        Ok(with_cookie(page(finish(&app, html)), cookie))
    };
    run().unwrap_or_else(|response| response)
}

/// `POST /f/<form>/pruefen`: validates everything and stores the submission.
pub async fn submit(State(app): State<Arc<App>>, Path(form_id): Path<String>, request: Request) -> Response {
    match submit_inner(&app, &form_id, request).await {
        Ok(response) | Err(response) => response,
    }
}

async fn submit_inner(app: &App, form_id: &str, request: Request) -> Result<Response> {
    let served = served(app, form_id)?;
    let form = &served.form;
    let Some(session) = session_of(app, request.headers()) else {
        return Err(status(app, StatusCode::FORBIDDEN, "Die Sitzung ist abgelaufen. Bitte laden Sie die Seite neu."));
    };
    read_post(app, form, &session, &app.db.uploads(&session.id, form_id), request).await?;
    let compiled = Compiled::new(form);
    let options = Options { today: app.today() };
    let mut journey = app.db.journey(&session.id, form_id);
    let mut data = fit(form, &journey.answers);
    formdata::prune_hidden(&compiled, &mut data, &options);
    let report = compiled.validate(&data, &options);
    if !report.is_valid() {
        let visible = visible_pages(&compiled, &data, &options);
        if let Some(page) = first_invalid(form, &report, &visible, usize::MAX) {
            journey.show_errors = Some(page);
            app.db.save_journey(&session.id, form_id, &journey).map_err(|e| internal(app, &e))?;
            return Ok(see_other(&step_url(form_id, page, false)));
        }
        // Nothing to submit (a repeated POST after the submission) or a rule over the whole
        // submission: the check page says which.
        return Ok(see_other(&format!("/f/{form_id}/pruefen")));
    }
    if data.as_object().is_some_and(Map::is_empty) && journey.reference.is_some() {
        return Ok(see_other(&format!("/f/{form_id}/bestaetigung")));
    }
    let uploads = app.db.uploads(&session.id, form_id);
    let mut files = Vec::new();
    for upload in &uploads {
        let pointer = uploads::pointer_of(&upload.name);
        if data.pointer(&pointer).is_none() {
            continue;
        }
        uploads::keep(&app.uploads, &app.files, upload).map_err(|e| internal(app, &e))?;
        files.push(StoredFile {
            pointer,
            name: upload.original.clone(),
            media_type: upload.media_type.clone(),
            size: upload.size,
            sha256: upload.sha256.clone(),
        });
    }
    let report_json = serde_json::to_value(&report).unwrap_or(Value::Null);
    let new = New {
        form: form_id,
        version: &form.version,
        content_hash: &served.hash,
        lang: lang(form),
        data: &data,
        report: &report_json,
        files: &files,
    };
    app.db.submit(&session.id, &new).map_err(|e| internal(app, &e))?;
    for upload in &uploads {
        let _ = std::fs::remove_file(app.uploads.join(&upload.token));
    }
    Ok(see_other(&format!("/f/{form_id}/bestaetigung")))
}

/// `GET /f/<form>/bestaetigung`.
pub async fn confirmation(State(app): State<Arc<App>>, Path(form_id): Path<String>, headers: HeaderMap) -> Response {
    let run = || -> Result<Response> {
        let served = served(&app, &form_id)?;
        let form = &served.form;
        let Some(session) = session_of(&app, &headers) else { return Ok(see_other(&format!("/f/{form_id}"))) };
        let journey = app.db.journey(&session.id, &form_id);
        let Some(reference) = journey.reference else { return Ok(see_other(&format!("/f/{form_id}"))) };
        let lang = lang(form);
        let texts = super::pages::texts(lang);
        let form_title = form.title.get(lang).cloned().unwrap_or_default();
        let title = format!("{} – {form_title}", texts.done_title);
        let data = json!({ "reference": reference, "form_title": form_title, "form_id": form_id });
        let html = app.pages.render("done", lang, &title, data).map_err(|e| internal(&app, &e))?;
        Ok(page(finish(&app, html)))
    };
    run().unwrap_or_else(|response| response)
}

/// `GET /f/<form>/datei/<token>`: an upload of this session, as a download; any other token
/// (malformed, another session's, a path) is 404.
pub async fn file(
    State(app): State<Arc<App>>,
    Path((form_id, token)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let missing = || status(&app, StatusCode::NOT_FOUND, "Diese Datei gibt es nicht.");
    if !is_token(&token) {
        return missing();
    }
    let Some(session) = session_of(&app, &headers) else { return missing() };
    let Some(upload) = app.db.uploads(&session.id, &form_id).into_iter().find(|u| u.token == token) else {
        return missing();
    };
    match std::fs::read(app.uploads.join(&upload.token)) {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, "application/octet-stream".to_string()),
                (header::CONTENT_DISPOSITION, "attachment; filename=\"datei\"".to_string()),
            ],
            bytes,
        )
            .into_response(),
        Err(_) => missing(),
    }
}
