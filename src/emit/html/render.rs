//! The handlebars registry of one theme and the render of a page from a [`view::Page`], in strict
//! mode. Templates decide nothing: they place what the view model holds.
//!
//! Every render is bounded and checked, whatever the theme: [`Renderer::new`] refuses a theme
//! that [`Theme::check`] refuses; partials nest at most [`MAX_PARTIAL_DEPTH`] deep (each
//! partial runs inside a guard helper) and a page is at most [`MAX_PAGE_BYTES`] long, so even a
//! partial graph that slipped past the static check ends with an error; and the finished page
//! must pass the allowlist scan (`scan.rs`). Any failure is an [`Error`], never a page.

use std::cell::Cell;
use std::io::{self, Write};

use handlebars::template::{Template, TemplateElement};
use handlebars::{
    Context, Handlebars, Helper, HelperDef, HelperResult, Output, RenderContext, RenderErrorReason, Renderable,
};
use serde::Serialize;
use serde_json::{Map, Value};

use super::error::Error;
use super::scan;
use super::theme::{Theme, PARTIALS, STYLE_PARTIALS};
use super::view::Page;

/// The deepest partials may nest (the built-in ones nest about twice the form's depth).
pub const MAX_PARTIAL_DEPTH: usize = 96;

/// The longest page a render may produce.
pub const MAX_PAGE_BYTES: usize = 32 << 20;

/// The helper every partial runs inside; it counts the nesting.
const GUARD: &str = "formwerk-depth-guard";

/// The helper that `{{> partial}}` and `{{> partial context}}` become (see [`include_partials`]).
const INCLUDE: &str = "formwerk-include";

/// Helpers handlebars registers that partials must not reach.
const UNREGISTERED_HELPERS: &[&str] = &["raw", "log"];

/// A handlebars registry (strict mode) for one checked theme.
pub struct Renderer<'t> {
    registry: Handlebars<'static>,
    theme: &'t Theme,
}

#[derive(Serialize)]
struct Data<'a> {
    #[serde(flatten)]
    page: &'a Page,
    cls: &'a Map<String, Value>,
    css: &'a str,
    stylesheets: &'a [String],
    optional_text: &'a str,
    error_prefix: &'a str,
}

impl<'t> Renderer<'t> {
    /// Checks `theme` and compiles its partials.
    pub fn new(theme: &'t Theme) -> Result<Renderer<'t>, Error> {
        theme.check()?;
        let refuse = |message: String| Error::new(&theme.name, message);
        let mut registry = Handlebars::new();
        registry.set_strict_mode(true);
        registry.set_prevent_indent(true);
        for helper in UNREGISTERED_HELPERS {
            registry.unregister_helper(helper);
        }
        registry.register_helper(GUARD, Box::new(DepthGuard));
        registry.register_helper(INCLUDE, Box::new(Include));
        // A partial's last line break is dropped (the line that calls it has its own), except
        // after the `</style>` of the style partials, which are called on a line of their own.
        let sources = theme.partial_sources().map(|(name, source)| (name, source.trim_end_matches('\n')));
        for (name, source) in sources.chain(STYLE_PARTIALS.iter().copied()) {
            registry.register_partial(name, source).map_err(|e| refuse(format!("partial `{name}`: {e}")))?;
            let compiled = registry.get_template(name).cloned().unwrap_or_default();
            let compiled = include_partials(compiled).map_err(refuse)?;
            registry.register_template(name, guarded(compiled).map_err(refuse)?);
        }
        for (name, source) in [("document", "{{> page}}"), ("embedded", "{{> fragment}}")] {
            let compiled = Template::compile(source).map_err(|e| refuse(e.to_string()))?;
            registry.register_template(name, include_partials(compiled).map_err(refuse)?);
        }
        debug_assert_eq!(PARTIALS.len() + STYLE_PARTIALS.len() + 2, registry.get_templates().len());
        Ok(Renderer { registry, theme })
    }

    /// The whole document, or only the form (`fragment`) for a portal's own layout.
    pub fn render(&self, page: &Page, fragment: bool) -> Result<String, Error> {
        self.render_checked(page, fragment).map_err(|failure| Error::new(&self.theme.name, failure.to_string()))
    }

    /// Like [`Renderer::render`], with the failure as data (the probe words it differently).
    pub(super) fn render_checked(&self, page: &Page, fragment: bool) -> Result<String, Failure> {
        let data = Data {
            page,
            cls: &self.theme.classes,
            css: &self.theme.css,
            stylesheets: &self.theme.stylesheets,
            optional_text: &page.optional_text,
            error_prefix: &page.error_prefix,
        };
        DEPTH.with(|depth| depth.set(0));
        let mut out = Bounded { bytes: Vec::new(), exceeded: false };
        let template = if fragment { "embedded" } else { "document" };
        if let Err(error) = self.registry.render_to_write(template, &data, &mut out) {
            if out.exceeded {
                return Err(Failure::Render(format!("the page would be longer than {} MiB", MAX_PAGE_BYTES >> 20)));
            }
            return Err(Failure::Render(format!("the page cannot be rendered: {error}")));
        }
        let html = String::from_utf8(out.bytes).map_err(|e| Failure::Render(format!("the page is not UTF-8: {e}")))?;
        let html = tidy(&html);
        if let Err(refusal) = scan::scan(&html) {
            let excerpt: String = html.lines().nth(refusal.line - 1).unwrap_or_default().chars().take(100).collect();
            return Err(Failure::Refused { refusal, excerpt });
        }
        Ok(html)
    }
}

/// Why a render failed.
#[derive(Debug)]
pub(super) enum Failure {
    /// Strict mode, the depth guard or the size bound stopped it.
    Render(String),
    /// The allowlist scan refused the page; `excerpt` is the refused line.
    Refused { refusal: scan::Refusal, excerpt: String },
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Render(message) => f.write_str(message),
            Failure::Refused { refusal, excerpt } => write!(
                f,
                "the rendered page is refused: {} (line {} of the page: `{excerpt}`)",
                refusal.message, refusal.line
            ),
        }
    }
}

/// `template` inside a `{{#formwerk-depth-guard}}…{{/formwerk-depth-guard}}` block.
fn guarded(template: Template) -> Result<Template, String> {
    let mut wrapper = Template::compile(&format!("{{{{#{GUARD}}}}}{{{{/{GUARD}}}}}")).map_err(|e| e.to_string())?;
    let Some(TemplateElement::HelperBlock(block)) = wrapper.elements.first_mut() else {
        return Err("the guard block does not compile".to_string());
    };
    let name = template.name.clone();
    block.template = Some(template);
    wrapper.name = name;
    Ok(wrapper)
}

/// `template` with each partial call `{{> name}}` or `{{> name context}}` (no hash, no
/// indentation) made a call of the [`Include`] helper, which means the same without copying
/// the data: handlebars clones the whole current context into every partial it enters, so
/// pages took time quadratic in the form's nesting (most of a catalogue build).
fn include_partials(mut template: Template) -> Result<Template, String> {
    // `{{…}}`, not `{{{…}}}`: handlebars renders everything inside a triple-stash expression
    // without escaping, the included partial too.
    let call = Template::compile(&format!("{{{{{INCLUDE} \"partial\"}}}}")).map_err(|e| e.to_string())?;
    let Some(TemplateElement::Expression(call)) = call.elements.into_iter().next() else {
        return Err("the include call does not compile".to_string());
    };
    rewrite_partials(&mut template, &call);
    Ok(template)
}

fn rewrite_partials(template: &mut Template, call: &handlebars::template::HelperTemplate) {
    use handlebars::template::Parameter;
    for element in &mut template.elements {
        match element {
            TemplateElement::PartialExpression(partial)
                if partial.hash.is_empty()
                    && partial.params.len() <= 1
                    && partial.indent.as_deref().is_none_or(str::is_empty) =>
            {
                let name = match &partial.name {
                    Parameter::Name(name) => Parameter::Literal(Value::String(name.clone())),
                    literal @ Parameter::Literal(Value::String(_)) => literal.clone(),
                    subexpression @ Parameter::Subexpression(_) => subexpression.clone(),
                    _ => continue,
                };
                let mut include = call.clone();
                include.params = std::iter::once(name).chain(partial.params.iter().cloned()).collect();
                *element = TemplateElement::Expression(Box::new(include));
            }
            TemplateElement::HelperBlock(block) => {
                for inner in [&mut block.template, &mut block.inverse].into_iter().flatten() {
                    rewrite_partials(inner, call);
                }
            }
            TemplateElement::DecoratorBlock(block) | TemplateElement::PartialBlock(block) => {
                if let Some(inner) = &mut block.template {
                    rewrite_partials(inner, call);
                }
            }
            _ => {}
        }
    }
}

/// `{{formwerk-include "name" [context]}}`: renders the registered partial `name` (or a partial
/// defined inline) in a block whose data is the current context, or `context`, by path where it
/// has one, as a partial call would, but without copying it.
struct Include;

impl HelperDef for Include {
    fn call<'reg: 'rc, 'rc>(
        &self,
        helper: &Helper<'rc>,
        registry: &'reg Handlebars<'reg>,
        context: &'rc Context,
        render_context: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        let name = helper.param(0).and_then(|p| p.value().as_str()).unwrap_or_default();
        let template = match render_context.get_partial(name) {
            Some(template) => template,
            None => registry.get_template(name).ok_or_else(|| RenderErrorReason::PartialNotFound(name.to_string()))?,
        };
        let mut block = handlebars::BlockContext::new();
        match helper.param(1) {
            Some(context) => match context.context_path() {
                Some(path) => *block.base_path_mut() = path.clone(),
                None => block.set_base_value(context.value().clone()),
            },
            None => {
                if let Some(current) = render_context.block() {
                    *block.base_path_mut() = current.base_path().clone();
                    if let Some(value) = current.base_value() {
                        block.set_base_value(value.clone());
                    }
                }
            }
        }
        if let Some(current) = render_context.block() {
            // A partial sees the `@index`, `@first`, … of the block it is called in.
            block.local_variables_mut().clone_from(current.local_variables());
        }
        render_context.push_block(block);
        let result = template.render(registry, context, render_context, out);
        render_context.pop_block();
        result
    }
}

thread_local! {
    /// How deep partials nest in the render running on this thread.
    static DEPTH: Cell<usize> = const { Cell::new(0) };
}

/// Renders its block one level deeper, or fails beyond [`MAX_PARTIAL_DEPTH`].
struct DepthGuard;

impl HelperDef for DepthGuard {
    fn call<'reg: 'rc, 'rc>(
        &self,
        helper: &Helper<'rc>,
        registry: &'reg Handlebars<'reg>,
        context: &'rc Context,
        render_context: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        let depth = DEPTH.with(Cell::get) + 1;
        if depth > MAX_PARTIAL_DEPTH {
            return Err(RenderErrorReason::Other(format!("partials nest deeper than {MAX_PARTIAL_DEPTH}")).into());
        }
        DEPTH.with(|d| d.set(depth));
        let result = match helper.template() {
            Some(template) => template.render(registry, context, render_context, out),
            None => Ok(()),
        };
        DEPTH.with(|d| d.set(depth - 1));
        result
    }
}

/// A writer that refuses to grow past [`MAX_PAGE_BYTES`].
struct Bounded {
    bytes: Vec<u8>,
    exceeded: bool,
}

impl Write for Bounded {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.bytes.len() + buf.len() > MAX_PAGE_BYTES {
            self.exceeded = true;
            return Err(io::Error::other("the page is too long"));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Drops blank lines and trailing spaces that block helpers leave behind (never inside a
/// `textarea`, whose text is the citizen's).
fn tidy(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_textarea = false;
    for line in html.split('\n') {
        if in_textarea {
            out.push_str(line);
            out.push('\n');
            in_textarea = !line.contains("</textarea>");
            continue;
        }
        let trimmed = line.trim_end();
        if trimmed.contains("<textarea") && !trimmed.contains("</textarea>") {
            in_textarea = true;
            out.push_str(line);
            out.push('\n');
        } else if !trimmed.is_empty() {
            out.push_str(trimmed);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::html::view::{Node, Step};

    fn page(nodes: Vec<Node>) -> Page {
        Page {
            lang: "de".into(),
            rtl: false,
            optional_text: "(optional)".into(),
            error_prefix: "Fehler:".into(),
            title: "T".into(),
            heading: "T".into(),
            caption: None,
            description: None,
            form_id: "f".into(),
            multipart: false,
            novalidate: true,
            summary: None,
            warnings: None,
            notice: None,
            hidden_primary: None,
            steps: vec![Step { id: "s".into(), heading: None, heading_level: 2, hint: None, nodes }],
            buttons: Vec::new(),
            reveal_css: String::new(),
        }
    }

    /// `levels` groups around one info node with `text`.
    fn nested(levels: usize, text: String) -> Node {
        let mut node = Node { partial: "info", id: "i".into(), text, ..Node::default() };
        for level in 0..levels {
            node = Node {
                partial: "group",
                id: format!("g{level}"),
                label: "G".into(),
                children: vec![node],
                ..Node::default()
            };
        }
        node
    }

    #[test]
    fn partials_nest_at_most_the_maximum() {
        let theme = Theme::default();
        let renderer = Renderer::new(&theme).unwrap();
        assert!(renderer.render(&page(vec![nested(20, "x".into())]), true).is_ok());
        let error = renderer.render(&page(vec![nested(200, "x".into())]), true).unwrap_err();
        assert!(error.message.contains(&format!("partials nest deeper than {MAX_PARTIAL_DEPTH}")), "{error}");
        // The count starts afresh with every render.
        assert!(renderer.render(&page(vec![nested(20, "x".into())]), true).is_ok());
    }

    #[test]
    fn text_stays_escaped_inside_included_partials_at_any_depth() {
        let theme = Theme::default();
        let renderer = Renderer::new(&theme).unwrap();
        let html = renderer.render(&page(vec![nested(5, "<b onclick=\"x\">'1' & 2</b>".into())]), true).unwrap();
        assert!(html.contains("&lt;b onclick&#x3D;&quot;x&quot;&gt;&#x27;1&#x27; &amp; 2&lt;/b&gt;"), "{html}");
        assert!(!html.contains("<b "), "{html}");
    }

    #[test]
    fn included_partials_see_their_context_as_partials_do() {
        // `this`, `..` (the caller's context, as handlebars gives a partial), a context
        // parameter, a partial by computed name, and `@index` of the caller's `each`.
        let mut theme = Theme::default();
        let group = "<div id=\"{{id}}\" data-up=\"{{../id}}\">{{#each children}}[{{@index}}]{{> node}}{{/each}}</div>";
        theme.partials.insert("group".into(), group.into());
        theme.partials.insert("info".into(), "<p id=\"{{id}}\" data-up=\"{{../id}}\">{{@index}}:{{text}}</p>".into());
        let renderer = Renderer::new(&theme).unwrap();
        let html = renderer.render(&page(vec![nested(2, "t".into())]), true).unwrap();
        assert!(
            html.contains(
                "<div id=\"g1\" data-up=\"g1\">[0]<div id=\"g0\" data-up=\"g0\">[0]<p id=\"i\" data-up=\"i\">0:t</p>"
            ),
            "{html}"
        );
    }

    #[test]
    fn pages_are_at_most_the_maximum_long() {
        // Each group renders its children twice: the page doubles with every level.
        let mut theme = Theme::default();
        let doubling = "<div id=\"{{id}}\">{{#each children}}{{> node}}{{> node}}{{/each}}</div>";
        theme.partials.insert("group".into(), doubling.into());
        let renderer = Renderer::new(&theme).unwrap();
        let error = renderer.render(&page(vec![nested(12, "x".repeat(1 << 16))]), true).unwrap_err();
        assert!(error.message.contains("longer than 32 MiB"), "{error}");
    }
}
