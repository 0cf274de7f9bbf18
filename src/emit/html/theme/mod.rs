//! Themes: class names by role, CSS, linked stylesheets and partial overrides; the two built-in
//! themes; loading a theme directory; and [`Theme::check`], which every theme passes before a
//! page is rendered with it (`Renderer::new` calls it, so a `Theme` built in code is held to the
//! same rules as a loaded one).
//!
//! A theme directory may contain `classes.json` (class names by role, merged over the neutral
//! theme's; values are escaped where they are placed), `theme.css` (replaces the neutral CSS;
//! it must pass `css::check`: it cannot leave its `<style>` element, and its URLs are relative,
//! http(s) or `data:` images), `theme.json` (`{"stylesheets": [urls]}`, relative or http(s)) and
//! `<partial>.hbs` files that replace built-in partials of the same name (they must pass
//! `partials.rs`: escaped output only, known helpers and partials, no recursion without end).
//! When a directory is loaded, its partials are also rendered into a probe page (`probe.rs`) and
//! the output is scanned, so markup the allowlist refuses is reported with the file that makes it.
//! Its files are read as `files::read_text` reads them: regular files only (a link, FIFO or
//! device is refused without being opened through), UTF-8, at most [`MAX_THEME_FILE_BYTES`].

mod partials;
mod probe;

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Map, Value};

use super::css;
use super::error::Error;
use super::url;

/// The largest theme file read (the built-in themes' files are a few KiB).
pub const MAX_THEME_FILE_BYTES: u64 = 1024 * 1024;

/// The built-in partials a theme may replace, by name.
pub const PARTIALS: &[(&str, &str)] = &[
    ("page", include_str!("../templates/page.hbs")),
    ("fragment", include_str!("../templates/fragment.hbs")),
    ("form", include_str!("../templates/form.hbs")),
    ("summary", include_str!("../templates/summary.hbs")),
    ("node", include_str!("../templates/node.hbs")),
    ("label-text", include_str!("../templates/label-text.hbs")),
    ("messages", include_str!("../templates/messages.hbs")),
    ("input", include_str!("../templates/input.hbs")),
    ("text", include_str!("../templates/text.hbs")),
    ("money", include_str!("../templates/money.hbs")),
    ("output", include_str!("../templates/output.hbs")),
    ("textarea", include_str!("../templates/textarea.hbs")),
    ("date", include_str!("../templates/date.hbs")),
    ("radios", include_str!("../templates/radios.hbs")),
    ("checkboxes", include_str!("../templates/checkboxes.hbs")),
    ("checkbox", include_str!("../templates/checkbox.hbs")),
    ("select", include_str!("../templates/select.hbs")),
    ("file", include_str!("../templates/file.hbs")),
    ("group", include_str!("../templates/group.hbs")),
    ("repeat", include_str!("../templates/repeat.hbs")),
    ("info", include_str!("../templates/info.hbs")),
    ("button", include_str!("../templates/button.hbs")),
];

/// Formwerk's own partials, which a theme may call but not replace: the only ones that write
/// text unescaped, the checked theme CSS and the escaped reveal CSS, each into its `<style>`.
pub const STYLE_PARTIALS: &[(&str, &str)] = &[
    ("theme-style", "<style>\n{{{@root.css}}}\n</style>\n"),
    ("reveal-style", "{{#if @root.reveal_css}}\n<style>\n{{{@root.reveal_css}}}\n</style>\n{{/if}}\n"),
];

const DEFAULT_CLASSES: &str = include_str!("../themes/default/classes.json");
const DEFAULT_CSS: &str = include_str!("../themes/default/theme.css");
const KERN_CLASSES: &str = include_str!("../themes/kern/classes.json");
const KERN_CSS: &str = include_str!("../themes/kern/theme.css");
const KERN_THEME: &str = include_str!("../themes/kern/theme.json");

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

    /// A built-in theme by name, or a theme directory, checked (see the module docs).
    pub fn load(name_or_dir: &str) -> Result<Theme, Error> {
        if let Some(theme) = Theme::builtin(name_or_dir) {
            return Ok(theme);
        }
        let refuse = |message: String| Error::new(name_or_dir, message);
        let dir = Path::new(name_or_dir);
        if !dir.is_dir() {
            return Err(refuse("neither a built-in theme (default, kern) nor a directory".to_string()));
        }
        // Theme files come from elsewhere: only regular files are read (no links, FIFOs or
        // devices), at most `MAX_THEME_FILE_BYTES` each, as UTF-8, and their bytes are never
        // echoed in a refusal.
        let read = |file: &str| -> Result<Option<String>, Error> {
            let path = dir.join(file);
            match std::fs::symlink_metadata(&path) {
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
                _ => {}
            }
            crate::files::read_text(&path, MAX_THEME_FILE_BYTES).map(Some).map_err(refuse)
        };
        let mut theme = Theme { name: name_or_dir.to_string(), ..Theme::default() };
        if let Some(text) = read("classes.json")? {
            let own: Map<String, Value> =
                serde_json::from_str(&text).map_err(|e| refuse(format!("classes.json: not a JSON object: {e}")))?;
            for (role, class) in own {
                if !theme.classes.contains_key(&role) {
                    return Err(refuse(format!("classes.json: unknown role `{role}`")));
                }
                if !class.is_string() {
                    return Err(refuse(format!("classes.json: the class of `{role}` must be a string")));
                }
                theme.classes.insert(role, class);
            }
        }
        if let Some(css) = read("theme.css")? {
            theme.css = css;
        }
        if let Some(text) = read("theme.json")? {
            theme.stylesheets = stylesheets(&text).map_err(refuse)?;
        }
        let entries = std::fs::read_dir(dir).map_err(|e| refuse(format!("cannot read the directory: {e}")))?;
        let mut files: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        files.sort();
        for path in files.iter().filter(|p| p.extension().is_some_and(|e| e == "hbs")) {
            let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            if !PARTIALS.iter().any(|(known, _)| *known == name) {
                return Err(refuse(format!("`{name}.hbs` does not replace a known partial")));
            }
            let text = read(&format!("{name}.hbs"))?.unwrap_or_default();
            theme.partials.insert(name, text);
        }
        theme.check()?;
        probe::check(&theme)?;
        Ok(theme)
    }

    /// Checks what the theme may contain (see the module docs); a refusal names the file, the
    /// line and why.
    pub fn check(&self) -> Result<(), Error> {
        let refuse = |message: String| Error::new(&self.name, message);
        css::check(&self.css, css::Context::Stylesheet)
            .map_err(|problem| refuse(format!("theme.css line {}: {}", problem.line, problem.message)))?;
        for stylesheet in &self.stylesheets {
            url::check(stylesheet, url::Use::Stylesheet)
                .map_err(|message| refuse(format!("theme.json: stylesheet `{stylesheet}`: {message}")))?;
        }
        for name in self.partials.keys() {
            if !PARTIALS.iter().any(|(known, _)| known == name) {
                return Err(refuse(format!("`{name}.hbs` does not replace a known partial")));
            }
        }
        let known: Vec<&str> = PARTIALS.iter().chain(STYLE_PARTIALS).map(|(name, _)| *name).collect();
        let mut calls = BTreeMap::new();
        for (name, source) in self.partial_sources() {
            let own = partials::check(source, &known).map_err(|problem| {
                refuse(format!("{} line {}: {}", self.origin(name), problem.line, problem.message))
            })?;
            calls.insert(name.to_string(), own);
        }
        partials::check_graph(&calls, &|name| self.origin(name)).map_err(refuse)
    }

    /// Every replaceable partial's source: the theme's own, else the built-in one.
    pub(super) fn partial_sources(&self) -> impl Iterator<Item = (&'static str, &str)> {
        PARTIALS.iter().map(|(name, builtin)| (*name, self.partials.get(*name).map_or(*builtin, String::as_str)))
    }

    /// Where a partial comes from, for messages: `info.hbs`, or the built-in partial.
    fn origin(&self, name: &str) -> String {
        if self.partials.contains_key(name) {
            format!("`{name}.hbs`")
        } else {
            format!("the built-in partial `{name}`")
        }
    }
}
