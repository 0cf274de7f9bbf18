//! Themes and the handlebars registry: the templates embedded in the binary, a theme's class
//! names, CSS, linked stylesheets and partial overrides, rendered in strict mode from a
//! [`view::Page`]. Templates decide nothing: they place what the view model holds.
//!
//! A theme directory may contain `classes.json` (class names by role, merged over the neutral
//! theme's), `theme.css` (replaces the neutral CSS), `theme.json` (`{"stylesheets": [urls]}`)
//! and `<partial>.hbs` files that replace built-in partials of the same name.

use std::collections::BTreeMap;
use std::path::Path;

use handlebars::Handlebars;
use serde::Serialize;
use serde_json::{Map, Value};

use super::strings;
use super::view::Page;

/// The built-in partials, by name.
pub const PARTIALS: &[(&str, &str)] = &[
    ("page", include_str!("templates/page.hbs")),
    ("fragment", include_str!("templates/fragment.hbs")),
    ("form", include_str!("templates/form.hbs")),
    ("summary", include_str!("templates/summary.hbs")),
    ("node", include_str!("templates/node.hbs")),
    ("label-text", include_str!("templates/label-text.hbs")),
    ("messages", include_str!("templates/messages.hbs")),
    ("input", include_str!("templates/input.hbs")),
    ("text", include_str!("templates/text.hbs")),
    ("money", include_str!("templates/money.hbs")),
    ("textarea", include_str!("templates/textarea.hbs")),
    ("date", include_str!("templates/date.hbs")),
    ("radios", include_str!("templates/radios.hbs")),
    ("checkboxes", include_str!("templates/checkboxes.hbs")),
    ("checkbox", include_str!("templates/checkbox.hbs")),
    ("select", include_str!("templates/select.hbs")),
    ("file", include_str!("templates/file.hbs")),
    ("group", include_str!("templates/group.hbs")),
    ("repeat", include_str!("templates/repeat.hbs")),
    ("info", include_str!("templates/info.hbs")),
    ("button", include_str!("templates/button.hbs")),
];

const DEFAULT_CLASSES: &str = include_str!("themes/default/classes.json");
const DEFAULT_CSS: &str = include_str!("themes/default/theme.css");
const KERN_CLASSES: &str = include_str!("themes/kern/classes.json");
const KERN_CSS: &str = include_str!("themes/kern/theme.css");
const KERN_THEME: &str = include_str!("themes/kern/theme.json");

/// A theme: class names by role, CSS, linked stylesheets and partial overrides.
#[derive(Clone, Debug, PartialEq)]
pub struct Theme {
    pub name: String,
    pub classes: Map<String, Value>,
    pub css: String,
    pub stylesheets: Vec<String>,
    pub partials: BTreeMap<String, String>,
}

impl Default for Theme {
    fn default() -> Theme {
        Theme::builtin("default").expect("the default theme exists")
    }
}

fn classes(text: &str) -> Map<String, Value> {
    serde_json::from_str(text).expect("built-in class maps are JSON objects")
}

fn stylesheets(text: &str) -> Result<Vec<String>, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| format!("theme.json is not JSON: {e}"))?;
    match &value["stylesheets"] {
        Value::Null => Ok(Vec::new()),
        Value::Array(items) => items
            .iter()
            .map(|i| i.as_str().map(str::to_string).ok_or_else(|| "theme.json: stylesheets are strings".to_string()))
            .collect(),
        _ => Err("theme.json: `stylesheets` must be a list of URLs".to_string()),
    }
}

impl Theme {
    /// `default` (neutral) or `kern` (KERN UX class names, KERN CSS linked).
    pub fn builtin(name: &str) -> Option<Theme> {
        match name {
            "default" => Some(Theme {
                name: "default".to_string(),
                classes: classes(DEFAULT_CLASSES),
                css: DEFAULT_CSS.to_string(),
                stylesheets: Vec::new(),
                partials: BTreeMap::new(),
            }),
            "kern" => {
                let mut merged = classes(DEFAULT_CLASSES);
                merged.extend(classes(KERN_CLASSES));
                Some(Theme {
                    name: "kern".to_string(),
                    classes: merged,
                    css: KERN_CSS.to_string(),
                    stylesheets: stylesheets(KERN_THEME).expect("the KERN theme.json is valid"),
                    partials: BTreeMap::new(),
                })
            }
            _ => None,
        }
    }

    /// A built-in theme by name, or a theme directory.
    pub fn load(name_or_dir: &str) -> Result<Theme, String> {
        if let Some(theme) = Theme::builtin(name_or_dir) {
            return Ok(theme);
        }
        let dir = Path::new(name_or_dir);
        if !dir.is_dir() {
            return Err(format!("theme `{name_or_dir}` is neither a built-in theme (default, kern) nor a directory"));
        }
        let read = |file: &str| -> Result<Option<String>, String> {
            let path = dir.join(file);
            if !path.exists() {
                return Ok(None);
            }
            std::fs::read_to_string(&path).map(Some).map_err(|e| format!("cannot read `{}`: {e}", path.display()))
        };
        let mut theme = Theme {
            name: dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            ..Theme::default()
        };
        if let Some(text) = read("classes.json")? {
            let own: Map<String, Value> =
                serde_json::from_str(&text).map_err(|e| format!("{}: not a JSON object: {e}", dir.display()))?;
            for (role, class) in own {
                if !theme.classes.contains_key(&role) {
                    return Err(format!("classes.json: unknown role `{role}`"));
                }
                if !class.is_string() {
                    return Err(format!("classes.json: the class of `{role}` must be a string"));
                }
                theme.classes.insert(role, class);
            }
        }
        if let Some(css) = read("theme.css")? {
            theme.css = css;
        }
        if let Some(text) = read("theme.json")? {
            theme.stylesheets = stylesheets(&text)?;
        }
        let entries = std::fs::read_dir(dir).map_err(|e| format!("cannot read `{}`: {e}", dir.display()))?;
        let mut files: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        files.sort();
        for path in files.iter().filter(|p| p.extension().is_some_and(|e| e == "hbs")) {
            let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            if !PARTIALS.iter().any(|(known, _)| *known == name) {
                return Err(format!("`{}` does not replace a known partial", path.display()));
            }
            let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
            if text.to_lowercase().contains("<script") {
                return Err(format!("`{}`: partials must not contain scripts", path.display()));
            }
            theme.partials.insert(name, text);
        }
        Renderer::new(&theme)?;
        Ok(theme)
    }
}

/// A handlebars registry (strict mode) for one theme.
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
    pub fn new(theme: &'t Theme) -> Result<Renderer<'t>, String> {
        let mut registry = Handlebars::new();
        registry.set_strict_mode(true);
        registry.set_prevent_indent(true);
        for (name, text) in PARTIALS {
            let text = theme.partials.get(*name).map(String::as_str).unwrap_or(text).trim_end_matches('\n');
            registry.register_partial(name, text).map_err(|e| format!("partial `{name}`: {e}"))?;
        }
        registry.register_template_string("document", "{{> page}}").map_err(|e| e.to_string())?;
        registry.register_template_string("embedded", "{{> fragment}}").map_err(|e| e.to_string())?;
        Ok(Renderer { registry, theme })
    }

    /// The whole document, or only the form (`fragment`) for a portal's own layout.
    pub fn render(&self, page: &Page, fragment: bool) -> Result<String, String> {
        let s = strings::for_language(&page.lang);
        let data = Data {
            page,
            cls: &self.theme.classes,
            css: &self.theme.css,
            stylesheets: &self.theme.stylesheets,
            optional_text: s.optional,
            error_prefix: s.error_prefix,
        };
        let html = self
            .registry
            .render(if fragment { "embedded" } else { "document" }, &data)
            .map_err(|e| format!("theme `{}`: {e}", self.theme.name))?;
        Ok(tidy(&html))
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
