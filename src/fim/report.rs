//! The import report (`formwerk import-fim --report`): what was imported and what was not.

use std::fmt;

/// Counts of one import, and every warning.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Data fields, counted per occurrence (a field used twice counts twice).
    pub fields: usize,
    /// Field groups, per occurrence.
    pub groups: usize,
    /// Code lists written into the source.
    pub codelists: usize,
    /// FIM rules kept as comments.
    pub rules: usize,
    pub warnings: Vec<String>,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} fields, {} groups, {} code lists, {} rules kept as comments, {} warnings",
            self.fields,
            self.groups,
            self.codelists,
            self.rules,
            self.warnings.len()
        )?;
        for warning in &self.warnings {
            writeln!(f, "  warning: {warning}")?;
        }
        Ok(())
    }
}
