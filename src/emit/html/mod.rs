//! The HTML backend: accessible form pages (WCAG 2.1 AA, BITV 2.0) that work without
//! JavaScript, following the markup contract in `HTML.md` (ids, names, aria wiring, error
//! summary, repeat groups, conditional reveal, autocomplete, `novalidate`).
//!
//! `view/` computes everything a page shows (the view model); `render.rs` feeds it to
//! handlebars templates in strict mode, themed by class names and CSS (`theme/`); `reveal.rs`
//! turns conditions into CSS, with every text escaped by `css/`; `strings.rs` holds the
//! interface texts; `actions.rs` applies the add/remove buttons. [`render_page`] is the API a
//! preview server or portal calls to re-render a form with submitted values and a report.
//! `live.rs` is the optional enhancement bundle: live values of computed fields where the
//! page runs JavaScript, one external script per form, placed after the scan.
//!
//! A theme is input from outside Formwerk and may be hostile: it is checked when it is loaded
//! and again before each renderer is built (`theme/`), every render is bounded, and every
//! rendered page and fragment must pass the allowlist scan of `scan.rs`, whose elements,
//! attributes and URLs cannot run script. A failure is an [`Error`], never a page.

mod actions;
mod css;
mod error;
pub mod live;
mod render;
mod reveal;
mod scan;
mod strings;
mod theme;
mod url;
mod view;

pub use actions::{apply, Action, Applied};
pub use error::Error;
pub use render::{Renderer, MAX_PAGE_BYTES, MAX_PARTIAL_DEPTH};
pub use scan::{scan, Refusal};
pub use theme::{Theme, PARTIALS};
pub use view::{id_segment, warnings_fingerprint, Input, Node, Page, Scope};

use super::OutputFile;
use crate::ir::{self, Form};
use crate::validate::Report;

/// The view model of a page (for tests and tools that want the decisions, not the markup).
pub fn view(form: &Form, input: &Input) -> Page {
    view::build(form, input)
}

/// Renders a complete page: the form in `input.lang` with the submitted values, and, when a
/// report is given, the error summary and inline errors. Every entered value is kept.
pub fn render_page(form: &Form, input: &Input, theme: &Theme) -> Result<String, Error> {
    Renderer::new(theme)?.render(&view::build(form, input), false)
}

/// Like [`render_page`], but only the form (with its reveal CSS), for a portal's own layout.
pub fn render_fragment(form: &Form, input: &Input, theme: &Theme) -> Result<String, Error> {
    Renderer::new(theme)?.render(&view::build(form, input), true)
}

/// An empty page of `form` in `lang`, with the errors of `report` if given.
pub fn empty_input<'a>(lang: &'a str, values: &'a serde_json::Value, report: Option<&'a Report>) -> Input<'a> {
    Input { lang, scope: Scope::All, values, report, focus: None, notice: None }
}

/// `html/<form>.html` in the form's first language and `html/<form>.<lang>.html` in each other
/// (or the fragments, under `html-fragment/`), and `<form>.live.js` next to them when the form
/// has computed fields the bundle covers (pages load it; a fragment's portal may). Any render
/// failure fails the whole target.
pub fn emit(
    bundle: &ir::Bundle,
    theme: &Theme,
    fragment: bool,
    pool: &crate::parallel::Pool,
) -> Result<Vec<OutputFile>, Error> {
    let renderer = Renderer::new(theme)?;
    let pages = pool.map(&bundle.forms, |form| form_pages(&renderer, form, fragment));
    let mut files = Vec::new();
    for pages in pages {
        files.extend(pages?);
    }
    Ok(files)
}

/// The pages of one form (see [`emit`]) with a renderer of the theme.
pub fn form_pages(renderer: &Renderer, form: &Form, fragment: bool) -> Result<Vec<OutputFile>, Error> {
    let dir = if fragment { "html-fragment" } else { "html" };
    let initial = form.initial_values();
    let mut files = Vec::new();
    let live = live::script(form);
    for (n, lang) in form.languages.iter().enumerate() {
        let input = empty_input(lang, &initial, None);
        let mut html = renderer.render(&view::build(form, &input), fragment)?;
        if live.is_some() && !fragment {
            html = live::with_script(html, &live::file_name(form));
        }
        let path = if n == 0 { format!("{dir}/{}.html", form.id) } else { format!("{dir}/{}.{lang}.html", form.id) };
        files.push(OutputFile { path, contents: html.into_bytes() });
    }
    if let Some(script) = live {
        files.push(OutputFile { path: format!("{dir}/{}", live::file_name(form)), contents: script.into_bytes() });
    }
    Ok(files)
}
