//! FIM XDatenfelder import: an XDatenfelder 2.0 or 3.0.0 Stammdatenschema (plus genericode
//! code lists) → readable Formwerk source that the checker accepts.
//!
//! `guard` bounds group nesting first, `read` turns the XML into the neutral `model`,
//! `print` makes every Formwerk decision and writes it with `source` (the only way text
//! reaches the `.form` source, escaped), `names` derives identifiers from labels,
//! `codelist` reads genericode, `share` decides which groups used more than once become one
//! shared group type, `report` counts; the printed source is laid out by `crate::fmt`.
//! Import never fails on content: what cannot be carried over becomes a comment in the
//! source and a warning. It fails only when the file is not an XDatenfelder 2.0 or 3.0.0
//! Stammdatenschema (XDF 1.0 gets its own "unsupported version" error) or nests groups
//! deeper than the language accepts.
//!
//! Every input may be hostile: nothing from the XML is printed raw (ids, names, labels and
//! codes cannot add statements), work and output are linear in the input, and nothing
//! recurses deeper than [`MAX_GROUP_DEPTH`].
//!
//! The export direction (IR → XDF 3.0.0) is a backend: `emit::xdf3`.

pub mod codelist;
mod guard;
pub mod model;
mod names;
mod plan;
mod print;
mod read;
mod report;
mod rules;
mod share;
mod source;

use std::fmt;

use roxmltree::{Document, Node};

pub use codelist::Library;
pub use guard::MAX_GROUP_DEPTH;
pub use print::MAX_CHOICE_MEMBERS;
pub use report::{Condition, Held, Meaning, Reading, Report};

use model::XdfVersion;

/// What the import could not carry over exactly, one sentence each (with the FIM id).
pub type Warnings = Vec<String>;

const NS_XDF2: &str = "urn:xoev-de:fim:standard:xdatenfelder_2";
const NS_XDF3: &str = "urn:xoev-de:fim:standard:xdatenfelder_3.0.0";
const NS_XDF1: &str = "urn:xoev-de:fim:standard:xdatenfelder_1";

/// Why a file cannot be imported at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportError {
    /// Not well-formed XML.
    Xml(String),
    /// An XDatenfelder version other than 2.0 and 3.0.0 (the namespace says which).
    UnsupportedVersion(String),
    /// Well-formed, but not an XDatenfelder Stammdatenschema message.
    NotASchema(String),
    /// Groups nested deeper than [`MAX_GROUP_DEPTH`]; the position of the first group too deep.
    TooDeep { line: u32, column: u32, limit: usize },
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::Xml(why) => write!(f, "not well-formed XML: {why}"),
            ImportError::UnsupportedVersion(version) => write!(
                f,
                "unsupported XDatenfelder version {version}: import reads XDatenfelder 2.0 and 3.0.0 (convert the file with the FIM tools first)"
            ),
            ImportError::NotASchema(why) => write!(f, "not an XDatenfelder Stammdatenschema: {why}"),
            ImportError::TooDeep { line, column, limit } => write!(
                f,
                "groups are nested more than {limit} levels deep: the `datenfeldgruppe` at line {line}, column {column} is one too many (Formwerk forms nest at most {limit} groups)"
            ),
        }
    }
}

impl std::error::Error for ImportError {}

/// The result of an import.
pub struct Imported {
    /// The `.form` source.
    pub source: String,
    /// The form's name in the source (also the file name it should get).
    pub form_name: String,
    pub report: Report,
}

/// Imports one XDatenfelder file, resolving XDF2 code-list references in `library`.
pub fn import(xml: &str, library: &Library) -> Result<Imported, ImportError> {
    let options = roxmltree::ParsingOptions { allow_dtd: false, ..roxmltree::ParsingOptions::default() };
    let doc = Document::parse_with_options(xml, options).map_err(|e| ImportError::Xml(e.to_string()))?;
    let root = doc.root_element();
    let namespace = root.tag_name().namespace().unwrap_or_default();
    let xdf = match namespace {
        NS_XDF3 => XdfVersion::V3,
        NS_XDF2 => XdfVersion::V2,
        NS_XDF1 => return Err(ImportError::UnsupportedVersion("1.0".to_string())),
        ns if ns.starts_with("urn:xoev-de:fim:standard:xdatenfelder") => {
            return Err(ImportError::UnsupportedVersion(format!("with namespace `{ns}`")));
        }
        ns => return Err(ImportError::NotASchema(format!("root element in namespace `{ns}`"))),
    };
    if root.tag_name().name() != "xdatenfelder.stammdatenschema.0102" {
        return Err(ImportError::NotASchema(format!(
            "root element is `{}`, not `xdatenfelder.stammdatenschema.0102`",
            root.tag_name().name()
        )));
    }
    guard::check_depth(&doc)?;
    let mut warnings = Warnings::new();
    let schema = read::schema(root, xdf, &mut warnings)
        .ok_or_else(|| ImportError::NotASchema("the message has no `stammdatenschema`".to_string()))?;
    latin_warnings(root, &mut warnings);
    let mut report = Report::default();
    let printed = print::file(&schema, library, &mut warnings, &mut report);
    report.warnings = dedupe(warnings);
    // The printed source gets the canonical layout; a source that would not parse (never
    // expected) is kept as printed, so that checking it shows why.
    let source = crate::fmt::format_source(&printed.source).unwrap_or(printed.source);
    Ok(Imported { source, form_name: printed.form_name, report })
}

/// Each warning once, in order of first appearance, with a count when an element was used
/// several times; XML text in them on one line, with hidden characters escaped (warnings
/// are printed to a terminal).
fn dedupe(warnings: Warnings) -> Warnings {
    let warnings: Warnings = warnings.iter().map(|w| source::prose(w)).collect();
    let mut counts: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for warning in &warnings {
        *counts.entry(warning.as_str()).or_default() += 1;
    }
    let mut out = Vec::new();
    for warning in &warnings {
        match counts.remove(warning.as_str()) {
            Some(1) => out.push(warning.clone()),
            Some(n) => out.push(format!("{warning} ({n} occurrences)")),
            None => {}
        }
    }
    out
}

/// Characters outside the XSD's String.Latin set are imported as they are, with one warning
/// per character.
fn latin_warnings(root: Node, warnings: &mut Warnings) {
    let mut found: std::collections::BTreeMap<char, usize> = std::collections::BTreeMap::new();
    for node in root.descendants() {
        let texts = node.text().into_iter().filter(|_| node.is_text()).chain(node.attributes().map(|a| a.value()));
        for text in texts {
            for c in text.chars().filter(|c| !crate::emit::xdf3::latin::is_permitted(*c)) {
                *found.entry(c).or_default() += 1;
            }
        }
    }
    for (c, n) in found {
        warnings.push(format!(
            "character U+{:04X} \"{c}\" ({n}×) is outside the XSD's permitted set (String.Latin); imported as it is",
            c as u32
        ));
    }
}

/// The trimmed text of the child element `name`; `None` when absent or blank.
fn text_of(node: Node, name: &str) -> Option<String> {
    node_text(read::child(node, name)?)
}

/// The trimmed text of an element with line ends as LF; `None` when blank.
fn node_text(node: Node) -> Option<String> {
    let text: String = node.children().filter(|c| c.is_text()).filter_map(|c| c.text()).collect();
    line_ends(&text)
}

/// `text` trimmed, with CR LF and CR as LF; `None` when blank.
fn line_ends(text: &str) -> Option<String> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

/// Checks imported source on its own (it imports no modules), as `formwerk check` would,
/// without external code lists.
pub fn check_source(name: &str, source: &str) -> (crate::source::SourceDb, crate::check::Checked) {
    check_source_with(name, source, &Library::default())
}

/// Checks imported source as [`check_source`] does, resolving its external code lists
/// (`codelist X from …`) in `library`, the library the import used.
pub fn check_source_with(
    name: &str,
    source: &str,
    library: &Library,
) -> (crate::source::SourceDb, crate::check::Checked) {
    let mut db = crate::source::SourceDb::new();
    let loader = crate::source::MemoryLoader::default();
    let module = name.rsplit('/').next().unwrap_or(name).trim_end_matches(".form").to_string();
    let root = db.add(name.to_string(), module, source.to_string());
    let checked = crate::check::check_with_codelists(&mut db, &loader, library, &[root]);
    (db, checked)
}
