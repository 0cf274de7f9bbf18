//! Backends: pure functions from the IR to output files, one module per target.
//!
//! Nothing here reads the AST or the checker; a backend cannot fail on a checked IR.

mod ir_json;

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
}

impl Target {
    pub const ALL: &'static [Target] = &[Target::Ir];

    pub fn name(self) -> &'static str {
        match self {
            Target::Ir => "ir",
        }
    }

    pub fn parse(name: &str) -> Option<Target> {
        Target::ALL.iter().copied().find(|t| t.name() == name)
    }

    /// The directory under the output directory that this target owns.
    pub fn directory(self) -> &'static str {
        match self {
            Target::Ir => "ir",
        }
    }
}

/// Emits `target` for every form of the bundle.
pub fn emit(bundle: &ir::Bundle, target: Target) -> Vec<OutputFile> {
    match target {
        Target::Ir => ir_json::emit(bundle),
    }
}

/// Files every build writes, whatever the targets: the published IR schema.
pub fn common_files() -> Vec<OutputFile> {
    vec![OutputFile { path: "ir.schema.json".to_string(), contents: ir_json::pretty(&ir::json_schema()) }]
}
