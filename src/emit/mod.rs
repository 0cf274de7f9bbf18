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
    let stream = Stream::new(bundle, target, settings)?;
    let mut files = stream.head();
    let indexed: Vec<(usize, &ir::Form)> = bundle.forms.iter().enumerate().collect();
    let made = settings.pool.map(&indexed, |(index, form)| {
        let hash = if target == Target::Rust { ir_sha256(form) } else { String::new() };
        stream.form(*index, form, &hash)
    });
    for form_files in made {
        files.extend(form_files?);
    }
    let mut emitted = stream.finish();
    files.append(&mut emitted.files);
    emitted.files = files;
    Ok(emitted)
}

/// A target being made for a bundle form by form, so that a build writes each form's files as
/// they are made: the files before the forms' ([`Stream::head`]), each form's own on any thread
/// ([`Stream::form`]), and the files after them ([`Stream::finish`], which the forms' own files
/// may feed). Together they are [`emit_recorded`]'s files in its order.
pub struct Stream<'b> {
    kind: StreamKind<'b>,
}

enum StreamKind<'b> {
    Ir,
    JsonSchema(&'b str),
    Rust(rust::Stream<'b>),
    Html(html::Renderer<'b>, bool),
    Xdf3,
}

impl<'b> Stream<'b> {
    /// `target` for `bundle`; an HTML theme that is refused fails here.
    pub fn new(bundle: &ir::Bundle, target: Target, settings: &'b Settings) -> Result<Stream<'b>, EmitError> {
        if target == Target::Rust {
            let rust = rust::Stream::new(bundle, &settings.crate_name);
            return Ok(Stream { kind: StreamKind::Rust(rust) });
        }
        Stream::of_outlines(&[], target, settings)
    }

    /// `target` for the forms of `outlines` (in the bundle's order), whose files are made
    /// later from the forms themselves: what a target decides for the whole catalogue (only
    /// the Rust crate decides anything) needs only the outlines.
    pub fn of_outlines(
        outlines: &[rust::Outline],
        target: Target,
        settings: &'b Settings,
    ) -> Result<Stream<'b>, EmitError> {
        let kind = match target {
            Target::Ir => StreamKind::Ir,
            Target::JsonSchema => StreamKind::JsonSchema(&settings.schema_base_uri),
            Target::Rust => StreamKind::Rust(rust::Stream::of_outlines(outlines, &settings.crate_name)),
            Target::Html | Target::HtmlFragment => {
                let renderer = html::Renderer::new(&settings.html_theme).map_err(EmitError::Html)?;
                StreamKind::Html(renderer, target == Target::HtmlFragment)
            }
            Target::Xdf3 => StreamKind::Xdf3,
        };
        Ok(Stream { kind })
    }

    /// The files before the forms' own.
    pub fn head(&self) -> Vec<OutputFile> {
        match &self.kind {
            StreamKind::Rust(stream) => stream.head(),
            _ => Vec::new(),
        }
    }

    /// The files of the form `index` of the bundle, with the hash of its IR ([`ir_sha256`]).
    pub fn form(&self, index: usize, form: &ir::Form, ir_sha256: &str) -> Result<Vec<OutputFile>, EmitError> {
        Ok(match &self.kind {
            StreamKind::Ir => vec![ir_json::form_file(form)],
            StreamKind::JsonSchema(base_uri) => json_schema::form_files(form, base_uri),
            StreamKind::Rust(stream) => stream.form(index, form, ir_sha256),
            StreamKind::Html(renderer, fragment) => {
                html::form_pages(renderer, form, *fragment).map_err(EmitError::Html)?
            }
            StreamKind::Xdf3 => vec![xdf3::form_file(form)],
        })
    }

    /// The files after the forms' own, with what [`emit_form`] needs later.
    pub fn finish(self) -> Emitted {
        match self.kind {
            StreamKind::Rust(stream) => {
                let recorded = stream.finish();
                let decisions = serde_json::to_value(&recorded.decisions).expect("decisions serialise");
                Emitted { files: recorded.files, decisions, contributions: recorded.contributions }
            }
            _ => Emitted { files: Vec::new(), decisions: serde_json::Value::Null, contributions: BTreeMap::new() },
        }
    }
}

/// SHA-256 of a form's IR as compact JSON, lower-case hex: the manifest's `ir_sha256` and the
/// Rust crate's `CONTENT_HASH`.
pub fn ir_sha256(form: &ir::Form) -> String {
    use sha2::Digest;
    let mut hasher = sha2::Sha256::new();
    serde_json::to_writer(HashWriter(&mut hasher), form).expect("the IR serialises");
    hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Feeds what is written into a hash, so that the IR is hashed without holding its JSON.
struct HashWriter<'h>(&'h mut sha2::Sha256);

impl std::io::Write for HashWriter<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        sha2::Digest::update(self.0, bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
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
        let made = rust::form_files(form, &settings.crate_name, &decisions, &ir_sha256(form));
        return Ok(made.map(|(files, hash)| (files, Some(hash))));
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
