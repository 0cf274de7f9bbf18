//! The import report (`formwerk import-fim --report`): what was imported and what was not.

use std::collections::BTreeMap;
use std::fmt;

use super::rules::Shape;

/// Counts of one import, and every warning.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Data fields, counted per occurrence (a field used twice counts twice).
    pub fields: usize,
    /// Field groups, per occurrence.
    pub groups: usize,
    /// Code lists written into the source.
    pub codelists: usize,
    /// Of these, lists written as a reference to the code-list directory (`from "urn" version "v"`).
    pub codelists_external: usize,
    /// Code-list references that no list of the directory resolves (each became a text field).
    pub codelists_unresolved: usize,
    /// FIM rules kept as comments.
    pub rules: usize,
    /// FIM rules translated into conditions or rules.
    pub rules_translated: usize,
    /// Per shape (`wenn-dann`, …, `other`): rules translated and kept.
    pub shapes: BTreeMap<&'static str, (usize, usize)>,
    /// FIM groups used more than once that are printed once, as a shared group type.
    pub shared_types: usize,
    /// FIM groups used more than once that are printed at each use: id, uses and why.
    pub groups_inline: Vec<String>,
    /// What each translated rule means for a submission, as the import read its text.
    pub readings: Vec<Reading>,
    pub warnings: Vec<String>,
}

/// What a translated FIM rule means for a submission, as the import read the rule's text: a
/// check of the built form against FIM (tests/fim.rs) and of the report by a reviewer.
/// Paths are member names from the form's root; a repeat on the way is an array of objects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reading {
    /// The FIM id of the rule.
    pub rule: String,
    /// Its shape (`wenn-dann`, `mindestens-eines`, …).
    pub shape: &'static str,
    pub meaning: Meaning,
}

/// One thing a translated rule says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Meaning {
    /// `target` may hold a value only while the test holds.
    Shown { target: Vec<String>, test: Condition },
    /// `target` must hold a value while the test holds (`None`: whenever it is shown).
    Required { target: Vec<String>, test: Option<Condition> },
    /// At least one of the members is given.
    AtLeastOne { members: Vec<Vec<String>> },
    /// At least one of the members (yes/no fields) is yes.
    AtLeastOneTrue { members: Vec<Vec<String>> },
    /// Exactly one of the members is given.
    ExactlyOne { members: Vec<Vec<String>> },
}

/// A test of one element: which of its values make it hold, and which do not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Condition {
    pub controller: Vec<String>,
    pub holds: Vec<Held>,
    pub fails: Vec<Held>,
}

/// A value a test is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Held {
    /// No value.
    Absent,
    /// Any value (of an element that is only tested for presence).
    Present,
    Bool(bool),
    Code(String),
}

impl Report {
    /// Counts one rule.
    pub(super) fn rule(&mut self, shape: Shape, translated: bool) {
        let counts = self.shapes.entry(shape.label()).or_default();
        if translated {
            self.rules_translated += 1;
            counts.0 += 1;
        } else {
            self.rules += 1;
            counts.1 += 1;
        }
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} fields, {} groups, {} code lists, {} rules translated, {} rules kept as comments, {} warnings",
            self.fields,
            self.groups,
            self.codelists,
            self.rules_translated,
            self.rules,
            self.warnings.len()
        )?;
        if self.codelists_external > 0 || self.codelists_unresolved > 0 {
            writeln!(
                f,
                "  code-list references: {} resolved from the code-list directory, {} not resolved",
                self.codelists_external, self.codelists_unresolved
            )?;
        }
        for (shape, (translated, kept)) in &self.shapes {
            writeln!(f, "  rules of shape {shape}: {translated} translated, {kept} kept as comments")?;
        }
        if self.shared_types > 0 {
            writeln!(f, "  {} groups used more than once printed as a shared group type", self.shared_types)?;
        }
        for group in &self.groups_inline {
            writeln!(f, "  group used more than once, printed at each use: {group}")?;
        }
        for warning in &self.warnings {
            writeln!(f, "  warning: {warning}")?;
        }
        Ok(())
    }
}
