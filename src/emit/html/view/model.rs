//! The view model's types: what a theme's partials receive. Plain serialisable data; every
//! decision about it is made in `view/mod.rs` and `view/field.rs`.

use serde::Serialize;
use serde_json::Value;

use crate::validate::Report;

/// Which part of the form a page shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Every section, one after another, with one submit button.
    All,
    /// One section (0-based) of a multi-page form, with back and next buttons.
    Step(usize),
}

/// What a page is rendered from besides the form.
#[derive(Clone, Copy, Debug)]
pub struct Input<'a> {
    pub lang: &'a str,
    pub scope: Scope,
    /// The submission as the form-data conversion produced it (`{}` when empty).
    pub values: &'a Value,
    pub report: Option<&'a Report>,
    /// The id of the control that gets `autofocus` (after adding a repeat item).
    pub focus: Option<&'a str>,
    /// A note shown first with `autofocus`, e.g. "Kind 2 wurde entfernt."
    pub notice: Option<&'a str>,
}

#[derive(Serialize)]
pub struct Page {
    pub lang: String,
    /// The language is written right to left (`dir="rtl"` on the page).
    pub rtl: bool,
    /// The interface texts the templates write themselves, from the language's catalogue.
    pub optional_text: String,
    pub error_prefix: String,
    pub title: String,
    pub heading: String,
    pub caption: Option<String>,
    pub description: Option<String>,
    pub form_id: String,
    pub multipart: bool,
    pub novalidate: bool,
    pub summary: Option<Summary>,
    /// The warnings of the answers (rules of `severity warning`), shown only when there is no
    /// error; the primary button then confirms them.
    pub warnings: Option<Warnings>,
    pub notice: Option<String>,
    pub hidden_primary: Option<Button>,
    pub steps: Vec<Step>,
    pub buttons: Vec<Button>,
    pub reveal_css: String,
}

#[derive(Serialize)]
pub struct Summary {
    pub id: String,
    pub title_id: String,
    pub title: String,
    pub links: Vec<Link>,
}

/// The summary of warnings: like the error summary, but a request to check, with the
/// fingerprint that the confirming POST sends back (`_hinweise`).
#[derive(Serialize)]
pub struct Warnings {
    pub id: String,
    pub title_id: String,
    pub title: String,
    pub intro: String,
    pub links: Vec<Link>,
    pub fingerprint: String,
}

#[derive(Serialize)]
pub struct Link {
    pub href: String,
    pub text: String,
}

#[derive(Serialize)]
pub struct Step {
    pub id: String,
    pub heading: Option<String>,
    pub heading_level: u8,
    pub hint: Option<Hint>,
    pub nodes: Vec<Node>,
}

#[derive(Clone, Serialize)]
pub struct Hint {
    pub id: String,
    pub text: String,
}

#[derive(Clone, Serialize)]
pub struct Button {
    pub id: String,
    pub value: String,
    pub label: String,
    pub primary: bool,
    pub describedby: Option<String>,
}

/// One item of the form as a theme's partial receives it. Every key is always present (strict
/// mode), unused ones are `null` or empty.
#[derive(Serialize, Default)]
pub struct Node {
    /// The partial that renders it: `text`, `textarea`, `date`, `radios`, `checkboxes`,
    /// `checkbox`, `select`, `file`, `group`, `repeat`, `info`.
    pub partial: &'static str,
    pub id: String,
    pub name: String,
    pub label: String,
    pub optional: bool,
    pub hint: Option<Hint>,
    pub info: Option<Hint>,
    pub error: Option<Hint>,
    pub describedby: Option<String>,
    pub required: bool,
    pub invalid: bool,
    pub value: String,
    pub input_type: &'static str,
    pub autocomplete: Option<String>,
    pub inputmode: Option<&'static str>,
    pub spellcheck: Option<&'static str>,
    pub autocapitalize: Option<&'static str>,
    pub width: Option<&'static str>,
    pub suffix: Option<String>,
    pub accept: Option<String>,
    pub uploaded: Option<Uploaded>,
    /// The files uploaded so far of a field that takes several (`multiple`).
    pub uploads: Vec<Uploaded>,
    pub multiple: bool,
    pub options: Vec<Choice>,
    pub placeholder_option: Option<String>,
    pub parts: Vec<Part>,
    pub inline: bool,
    pub children: Vec<Node>,
    pub heading_level: u8,
    pub items: Vec<RepeatItem>,
    pub add: Option<Button>,
    pub limit: Option<String>,
    pub panel: Option<String>,
    pub controls: Option<String>,
    pub autofocus: bool,
    pub text: String,
    /// Where the error summary links to (the first control of the node).
    #[serde(skip)]
    pub target: String,
}

#[derive(Serialize)]
pub struct Choice {
    /// The label of the group this option opens (a parent's text, for a list with parents).
    pub group: Option<String>,
    /// The id of the group's heading, which names the group of radios (`role="group"`).
    pub group_id: Option<String>,
    /// This option closes its group.
    pub group_end: bool,
    pub id: String,
    pub value: String,
    pub label: String,
    pub checked: bool,
    pub required: bool,
    pub controls: Option<String>,
    pub autofocus: bool,
}

#[derive(Serialize)]
pub struct Part {
    pub id: String,
    pub name: String,
    pub label: String,
    pub value: String,
    pub autocomplete: Option<String>,
    pub width: &'static str,
    pub invalid: bool,
    pub autofocus: bool,
}

#[derive(Serialize)]
pub struct Uploaded {
    pub text: String,
    pub fields: Vec<(String, String)>,
    pub remove: Button,
}

#[derive(Serialize)]
pub struct RepeatItem {
    pub id: String,
    pub legend: String,
    pub nodes: Vec<Node>,
    pub error: Option<Hint>,
    pub describedby: Option<String>,
    /// Absent when removing an item would leave fewer than the repeat's minimum.
    pub remove: Option<Button>,
}
