//! The checker's diagnostics as protocol diagnostics: the primary label's range, the code (and
//! its `formwerk explain` text, as a hover on the range, see `hover.rs`), every other label as
//! related information, and the help line. The diagnostic's code and help travel in `data`, so
//! quick fixes (`actions.rs`) read the suggestion the checker made instead of guessing.

use serde_json::{json, Value};

use super::analysis::Analysis;
use super::position::LineIndex;
use crate::diag::{Diagnostic, Severity};
use crate::source::FileId;

/// The protocol diagnostics of one file of an analysis: those whose primary label is in it.
pub fn for_file(analysis: &Analysis, file: FileId) -> Vec<Value> {
    let text = analysis.text(file);
    let index = LineIndex::new(text);
    analysis
        .checked
        .diagnostics
        .iter()
        .filter(|d| d.span().file == file)
        .map(|d| convert(analysis, &index, d))
        .collect()
}

fn convert(analysis: &Analysis, index: &LineIndex, diagnostic: &Diagnostic) -> Value {
    let span = diagnostic.span();
    let primary = diagnostic.labels.iter().find(|l| l.primary);
    let mut message = diagnostic.message.clone();
    if let Some(label) = primary.filter(|l| !l.message.is_empty()) {
        message.push_str(&format!(" ({})", label.message));
    }
    if let Some(help) = &diagnostic.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    let related: Vec<Value> = diagnostic
        .labels
        .iter()
        .filter(|l| !l.primary)
        .filter_map(|label| {
            let uri = analysis.uri(label.span.file)?;
            let text = analysis.text(label.span.file);
            let range = LineIndex::new(text).range(label.span.start as usize, label.span.end as usize);
            Some(json!({"location": {"uri": uri, "range": range}, "message": label.message}))
        })
        .collect();
    let severity = match diagnostic.severity() {
        Severity::Error => 1,
        Severity::Warning => 2,
    };
    let mut out = json!({
        "range": index.range(span.start as usize, span.end as usize),
        "severity": severity,
        "code": diagnostic.code.as_str(),
        "source": "formwerk",
        "message": message,
        "data": {
            "slug": diagnostic.code.slug(),
            "help": diagnostic.help,
            "label": primary.map(|l| l.message.as_str()),
        },
    });
    if !related.is_empty() {
        out["relatedInformation"] = Value::Array(related);
    }
    out
}
