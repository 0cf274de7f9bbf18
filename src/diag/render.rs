//! Rendering diagnostics for people (miette, with or without colour) and for pipelines (JSON).
//!
//! This is the only module that knows about miette. Tests render with
//! [`RenderOptions::plain`] so that snapshots do not depend on the terminal.

use std::fmt;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};
use serde_json::json;

use super::{Diagnostic, Severity};
use crate::source::SourceDb;

/// How human-readable diagnostics are drawn.
#[derive(Clone, Copy, Debug)]
pub struct RenderOptions {
    pub color: bool,
    pub width: usize,
}

impl RenderOptions {
    /// No colour, 80 columns: for snapshots and logs.
    pub fn plain() -> RenderOptions {
        RenderOptions { color: false, width: 80 }
    }
}

/// Renders one diagnostic the way a person reads it, with source excerpts.
pub fn render(db: &SourceDb, diagnostic: &Diagnostic, options: RenderOptions) -> String {
    let theme = if options.color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let handler =
        GraphicalReportHandler::new_themed(theme).with_width(options.width).with_links(false).with_urls(false);
    let mut out = String::new();
    let report = MietteReport::new(db, diagnostic);
    if handler.render_report(&mut out, &report).is_err() {
        out = format!("{}: {}\n", diagnostic.code.as_str(), diagnostic.message);
    }
    out
}

/// Renders every diagnostic followed by a one-line summary.
pub fn render_all(db: &SourceDb, diagnostics: &[Diagnostic], options: RenderOptions) -> String {
    let mut out = String::new();
    for diagnostic in diagnostics {
        out.push_str(&render(db, diagnostic, options));
        out.push('\n');
    }
    out.push_str(&summary(diagnostics));
    out
}

/// "2 errors, 1 warning", or "no problems".
pub fn summary(diagnostics: &[Diagnostic]) -> String {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    match (errors, warnings) {
        (0, 0) => "no problems\n".to_string(),
        (e, 0) => format!("{}\n", plural(e, "error")),
        (0, w) => format!("{}\n", plural(w, "warning")),
        (e, w) => format!("{}, {}\n", plural(e, "error"), plural(w, "warning")),
    }
}

/// One diagnostic as a JSON object (one line of `--message-format json`).
pub fn to_json(db: &SourceDb, diagnostic: &Diagnostic) -> serde_json::Value {
    let labels: Vec<serde_json::Value> = diagnostic
        .labels
        .iter()
        .map(|label| {
            let file = db.get(label.span.file);
            let (line, column) = file.line_col(label.span.start);
            let (end_line, end_column) = file.line_col(label.span.end);
            json!({
                "file": file.name,
                "start": label.span.start,
                "end": label.span.end,
                "line": line,
                "column": column,
                "end_line": end_line,
                "end_column": end_column,
                "message": label.message,
                "primary": label.primary,
            })
        })
        .collect();
    json!({
        "code": diagnostic.code.as_str(),
        "slug": diagnostic.code.slug(),
        "severity": diagnostic.severity().as_str(),
        "message": diagnostic.message,
        "labels": labels,
        "help": diagnostic.help,
    })
}

/// Adapter from our plain diagnostic to miette's trait.
struct MietteReport {
    code: &'static str,
    message: String,
    severity: Severity,
    help: Option<String>,
    labels: Vec<LabeledSpan>,
    source: Option<NamedSource<String>>,
}

impl MietteReport {
    fn new(db: &SourceDb, diagnostic: &Diagnostic) -> MietteReport {
        let primary_file = diagnostic.span().file;
        let mut labels = Vec::new();
        let mut notes = Vec::new();
        for label in &diagnostic.labels {
            if label.span.file == primary_file {
                let span = SourceSpan::new((label.span.start as usize).into(), label.span.len());
                let text = (!label.message.is_empty()).then(|| label.message.clone());
                labels.push(if label.primary {
                    LabeledSpan::new_primary_with_span(text, span)
                } else {
                    LabeledSpan::new_with_span(text, span)
                });
            } else {
                let file = db.get(label.span.file);
                let (line, column) = file.line_col(label.span.start);
                notes.push(format!("{}:{line}:{column}: {}", file.name, label.message));
            }
        }
        let mut help = diagnostic.help.clone();
        if !notes.is_empty() {
            let joined = notes.join("\n");
            help = Some(match help {
                Some(h) => format!("{h}\n{joined}"),
                None => joined,
            });
        }
        let source = (!diagnostic.labels.is_empty()).then(|| {
            let file = db.get(primary_file);
            NamedSource::new(file.name.clone(), file.text.clone())
        });
        MietteReport {
            code: diagnostic.code.as_str(),
            message: diagnostic.message.clone(),
            severity: diagnostic.severity(),
            help,
            labels,
            source,
        }
    }
}

impl fmt::Debug for MietteReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl fmt::Display for MietteReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for MietteReport {}

impl miette::Diagnostic for MietteReport {
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }
}
