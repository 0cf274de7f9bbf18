//! The server's own pages (index, check your answers, confirmation, status pages), rendered
//! from handlebars templates in strict mode (`templates/*.hbs`), which escape every text, and
//! held to the HTML backend's allowlist scan like every form page. The rows of the check page
//! come from the HTML backend's view model of each step, so a value is shown as the step shows
//! it (labels of chosen codes, dates, file names).

use handlebars::Handlebars;
use serde::Serialize;
use serde_json::{json, Value};

use crate::emit::html::{self, Input, Scope};
use crate::ir::Form;

const TEMPLATES: &[(&str, &str)] = &[
    ("layout", include_str!("templates/layout.hbs")),
    ("index", include_str!("templates/index.hbs")),
    ("check", include_str!("templates/check.hbs")),
    ("done", include_str!("templates/done.hbs")),
    ("status", include_str!("templates/status.hbs")),
    ("stale", include_str!("templates/stale.hbs")),
];

/// The registry of the server's templates.
pub struct Pages {
    registry: Handlebars<'static>,
}

impl Pages {
    pub fn new() -> Pages {
        let mut registry = Handlebars::new();
        registry.set_strict_mode(true);
        registry.set_prevent_indent(true);
        for (name, text) in TEMPLATES {
            // The templates are part of the binary and tested; a failure is a bug.
            registry.register_partial(name, *text).expect("the server's templates parse");
        }
        registry.register_template_string("page", "{{> layout}}").expect("the layout parses");
        registry.register_template_string("stale-notice", "{{> stale}}").expect("the notice parses");
        Pages { registry }
    }

    /// Renders page `content` with `data` (an object) in the layout, and scans it.
    pub fn render(&self, content: &str, lang: &str, title: &str, data: Value) -> Result<String, String> {
        let mut data = data;
        if let Value::Object(map) = &mut data {
            map.insert("content".into(), json!(content));
            map.insert("lang".into(), json!(lang));
            map.insert("title".into(), json!(title));
            map.insert("texts".into(), serde_json::to_value(texts(lang)).unwrap_or_default());
        }
        let html = self.registry.render("page", &data).map_err(|e| e.to_string())?;
        html::scan(&html).map_err(|refusal| format!("{refusal:?}"))?;
        Ok(html)
    }
}

impl Pages {
    /// The preview's notice that the forms have errors (placed at the top of a form's page).
    pub fn stale_notice(&self, lang: &str) -> Result<String, String> {
        let data = json!({ "texts": texts(lang) });
        let html = self.registry.render("stale-notice", &data).map_err(|e| e.to_string())?;
        html::scan(&html).map_err(|refusal| format!("{refusal:?}"))?;
        Ok(html)
    }
}

impl Default for Pages {
    fn default() -> Self {
        Pages::new()
    }
}

/// The interface texts of the server's own pages.
#[derive(Serialize)]
pub struct Texts {
    pub index_title: &'static str,
    pub no_forms: &'static str,
    pub diagnostics: &'static str,
    pub stale: &'static str,
    pub check_title: &'static str,
    pub change: &'static str,
    pub send_title: &'static str,
    pub send_text: &'static str,
    pub send: &'static str,
    pub problem: &'static str,
    pub done_title: &'static str,
    pub reference: &'static str,
    pub done_text: &'static str,
    pub again: &'static str,
    pub home: &'static str,
    pub not_found: &'static str,
    pub not_answered: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
}

pub fn texts(lang: &str) -> Texts {
    if lang == "en" {
        Texts {
            index_title: "Forms",
            no_forms: "There are no forms without errors.",
            diagnostics: "Diagnostics",
            stale: "The forms have errors: the last good version is served.",
            check_title: "Check your answers before sending",
            change: "Change",
            send_title: "Send your application",
            send_text: "By sending this application you confirm that your answers are correct.",
            send: "Accept and send",
            problem: "There is a problem",
            done_title: "Application sent",
            reference: "Your reference number",
            done_text: "Keep the reference number: you need it when you contact us.",
            again: "Fill in the form again",
            home: "All forms",
            not_found: "Page not found",
            not_answered: "Not answered",
            yes: "Yes",
            no: "No",
        }
    } else {
        Texts {
            index_title: "Formulare",
            no_forms: "Es gibt keine fehlerfreien Formulare.",
            diagnostics: "Meldungen",
            stale: "Die Formulare haben Fehler: die letzte fehlerfreie Fassung wird angezeigt.",
            check_title: "Prüfen Sie Ihre Angaben, bevor Sie sie absenden",
            change: "Ändern",
            send_title: "Antrag absenden",
            send_text: "Mit dem Absenden bestätigen Sie, dass Ihre Angaben richtig sind.",
            send: "Zustimmen und absenden",
            problem: "Es gibt ein Problem",
            done_title: "Antrag gesendet",
            reference: "Ihr Aktenzeichen",
            done_text: "Bewahren Sie das Aktenzeichen auf: Sie brauchen es, wenn Sie sich an uns wenden.",
            again: "Formular erneut ausfüllen",
            home: "Alle Formulare",
            not_found: "Seite nicht gefunden",
            not_answered: "Nicht beantwortet",
            yes: "Ja",
            no: "Nein",
        }
    }
}

/// One row of the check page.
#[derive(Serialize)]
pub struct Row {
    pub label: String,
    pub value: String,
    pub heading: bool,
    pub href: Option<String>,
}

/// The rows of step `page` as the step shows `values`, each with a change link to `href`.
pub fn rows(form: &Form, lang: &str, page: usize, values: &Value, href: &str) -> Vec<Row> {
    let input = Input { lang, scope: Scope::Step(page), values, report: None, focus: None, notice: None };
    let view = html::view(form, &input);
    let texts = texts(lang);
    let mut rows = Vec::new();
    for step in &view.steps {
        for node in &step.nodes {
            node_rows(node, &texts, href, &mut rows);
        }
    }
    rows
}

fn node_rows(node: &html::Node, texts: &Texts, href: &str, rows: &mut Vec<Row>) {
    let link = Some(format!("{href}#{}", node.id));
    let value = match node.partial {
        "info" => return,
        "group" => {
            rows.push(Row { label: node.label.clone(), value: String::new(), heading: true, href: None });
            for child in &node.children {
                node_rows(child, texts, href, rows);
            }
            return;
        }
        "repeat" => {
            rows.push(Row { label: node.label.clone(), value: String::new(), heading: true, href: link });
            for item in &node.items {
                rows.push(Row { label: item.legend.clone(), value: String::new(), heading: true, href: None });
                for child in &item.nodes {
                    node_rows(child, texts, href, rows);
                }
            }
            return;
        }
        "file" => node.uploaded.as_ref().map(|u| u.text.clone()).unwrap_or_default(),
        "date" => {
            let parts: Vec<&str> = node.parts.iter().map(|p| p.value.as_str()).collect();
            if parts.iter().all(|p| p.is_empty()) {
                String::new()
            } else {
                parts.join(".")
            }
        }
        "checkbox" => {
            let checked = node.options.iter().any(|o| o.checked) || node.value == "ja";
            (if checked { texts.yes } else { texts.no }).to_string()
        }
        "radios" | "checkboxes" | "select" => {
            node.options.iter().filter(|o| o.checked).map(|o| o.label.clone()).collect::<Vec<_>>().join(", ")
        }
        _ => match &node.suffix {
            Some(suffix) if !node.value.is_empty() => format!("{} {suffix}", node.value),
            _ => node.value.clone(),
        },
    };
    let value = if value.is_empty() { texts.not_answered.to_string() } else { value };
    rows.push(Row { label: node.label.clone(), value, heading: false, href: link });
}
