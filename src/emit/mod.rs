//! Backends: pure functions from the IR to output files, one module per target.
//!
//! Nothing here reads the AST or the checker; a backend cannot fail on a checked IR. Only the
//! HTML target returns an error, and only because of its theme, which is input from outside.

pub mod html;
pub mod ir_json;
pub mod json_schema;
pub mod rust;
pub mod xdf3;

use std::collections::BTreeMap;

use crate::ir;

/// One generated file, relative to the output directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputFile {
    /// Forward slashes, e.g. `ir/fuehrungszeugnis.json`.
    pub path: String,
    pub contents: Vec<u8>,
}

/// What `formwerk build --emit` can produce.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Target {
    /// The IR of each form as JSON (`ir/<form>.json`), plus `ir.schema.json`.
    Ir,
    /// JSON Schema 2020-12 per form (`json-schema/<form>.schema.json`).
    JsonSchema,
    /// A Rust crate with the runtime and typed data per form (`rust/`).
    Rust,
    /// A standalone HTML page per form and language (`html/<form>.html`, `<form>.en.html`).
    Html,
    /// Only the form element per form and language, for a portal's layout (`html-fragment/`).
    HtmlFragment,
    /// FIM XDatenfelder 3.0.0 per form (`xdf3/<form>.xdf3.xml`).
    Xdf3,
}

impl Target {
    /// The targets `formwerk build` emits by default (and `generated/` holds).
    pub const ALL: &'static [Target] = &[Target::Ir, Target::JsonSchema, Target::Rust, Target::Html, Target::Xdf3];
    /// Targets emitted only on request.
    pub const EXTRA: &'static [Target] = &[Target::HtmlFragment];

    pub fn name(self) -> &'static str {
        match self {
            Target::Ir => "ir",
            Target::JsonSchema => "json-schema",
            Target::Rust => "rust",
            Target::Html => "html",
            Target::HtmlFragment => "html-fragment",
            Target::Xdf3 => "xdf3",
        }
    }

    pub fn parse(name: &str) -> Option<Target> {
        Target::ALL.iter().chain(Target::EXTRA).copied().find(|t| t.name() == name)
    }

    /// The directory under the output directory that this target owns.
    pub fn directory(self) -> &'static str {
        match self {
            Target::Ir => "ir",
            Target::JsonSchema => "json-schema",
            Target::Rust => "rust",
            Target::Html => "html",
            Target::HtmlFragment => "html-fragment",
            Target::Xdf3 => "xdf3",
        }
    }
}

/// Settings of a build that backends need besides the IR.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Base of each schema's `$id`: `<base>/<form>/<version>/schema.json`.
    pub schema_base_uri: String,
    /// Name of the generated Rust crate.
    pub crate_name: String,
    /// The theme of the HTML pages.
    pub html_theme: html::Theme,
    /// On how many threads the forms' files are made, and whom to tell after each form.
    /// Output never depends on it.
    pub pool: crate::parallel::Pool,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            schema_base_uri: "https://formwerk.example/schemas".to_string(),
            crate_name: rust::DEFAULT_CRATE.to_string(),
            html_theme: html::Theme::default(),
            pool: crate::parallel::Pool::default(),
        }
    }
}

/// Why a target could not be emitted: the HTML theme was refused or a page could not be rendered
/// with it. A checked IR never causes this error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EmitError {
    Html(html::Error),
}

impl std::fmt::Display for EmitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EmitError::Html(error) => write!(f, "html: {error}"),
        }
    }
}

impl std::error::Error for EmitError {}

/// Emits `target` for every form of the bundle.
/// Forms are emitted on the threads of `settings.pool`.
pub fn emit(bundle: &ir::Bundle, target: Target, settings: &Settings) -> Result<Vec<OutputFile>, EmitError> {
    Ok(emit_recorded(bundle, target, settings)?.files)
}

/// A target's files for a bundle, with what a build keeps to make one form's files alone
/// later ([`emit_form`]).
pub struct Emitted {
    pub files: Vec<OutputFile>,
    /// What the target decided for the whole bundle that each form's files depend on (the
    /// Rust crate's [`rust::Decisions`]); `null` where a form's files depend only on the form.
    pub decisions: serde_json::Value,
    /// Per form id, a hash of what the target's files that are not the form's own read from
    /// it; none where every file belongs to one form. While a form's hash stays the same, a
    /// change of the form changes only its own files.
    pub contributions: BTreeMap<String, String>,
}

/// [`emit`], with what [`emit_form`] needs later.
pub fn emit_recorded(bundle: &ir::Bundle, target: Target, settings: &Settings) -> Result<Emitted, EmitError> {
    let pool = &settings.pool;
    let files = match target {
        Target::Ir => ir_json::emit(bundle, pool),
        Target::JsonSchema => json_schema::emit(bundle, &settings.schema_base_uri, pool),
        Target::Rust => {
            let recorded = rust::emit_recorded(bundle, &settings.crate_name, pool);
            let decisions = serde_json::to_value(&recorded.decisions).expect("decisions serialise");
            return Ok(Emitted { files: recorded.files, decisions, contributions: recorded.contributions });
        }
        Target::Html => html::emit(bundle, &settings.html_theme, false, pool).map_err(EmitError::Html)?,
        Target::HtmlFragment => html::emit(bundle, &settings.html_theme, true, pool).map_err(EmitError::Html)?,
        Target::Xdf3 => xdf3::emit(bundle, pool),
    };
    Ok(Emitted { files, decisions: serde_json::Value::Null, contributions: BTreeMap::new() })
}

/// One form's files of a target, with its contribution (see [`Emitted::contributions`]).
pub type FormFiles = (Vec<OutputFile>, Option<String>);

/// The files of `target` that belong to `form` alone, made without the other forms of its
/// bundle, under the `decisions` that [`emit_recorded`] made for the bundle, with the form's
/// contribution (as [`Emitted::contributions`] has it). `Ok(None)`: the decisions do not
/// cover the form (then only a whole build can make its files).
pub fn emit_form(
    form: &ir::Form,
    target: Target,
    settings: &Settings,
    decisions: &serde_json::Value,
) -> Result<Option<FormFiles>, EmitError> {
    if target == Target::Rust {
        // Read in place: the decisions cover the whole catalogue, the form needs its part.
        let Ok(decisions) = <rust::Decisions as serde::Deserialize>::deserialize(decisions) else {
            return Ok(None);
        };
        return Ok(rust::form_files(form, &settings.crate_name, &decisions).map(|(files, hash)| (files, Some(hash))));
    }
    if target == Target::JsonSchema {
        return Ok(Some((json_schema::form_files(form, &settings.schema_base_uri), None)));
    }
    let single = ir::Bundle { forms: vec![form.clone()] };
    Ok(Some((emit_recorded(&single, target, settings)?.files, None)))
}

/// Pretty JSON with a final newline, as every JSON output is written.
pub(crate) fn ir_json_pretty(value: &serde_json::Value) -> Vec<u8> {
    ir_json::pretty(value)
}

/// Files every build writes, whatever the targets: the published IR schema.
pub fn common_files() -> Vec<OutputFile> {
    vec![OutputFile { path: "ir.schema.json".to_string(), contents: ir_json::pretty(&ir::json_schema()) }]
}
