//! The report of `formwerk compat`: for people (one block per finding with its location, and a
//! summary line) and for pipelines (one JSON object per finding and line).

use serde_json::json;

use super::{Direction, Finding, Mode, Severity};

/// Every finding as a person reads it, then the summary.
pub fn human(findings: &[Finding], mode: Mode) -> String {
    let mut out = String::new();
    for finding in findings {
        out.push_str(&format!(
            "{}[{}] {}: {}\n",
            finding.severity.as_str(),
            finding.rule,
            finding.form,
            finding.message
        ));
        if let Some(at) = &finding.new_at {
            out.push_str(&format!("  --> {at}\n"));
        }
        if let Some(at) = &finding.old_at {
            out.push_str(&format!("  --> {at} (old)\n"));
        }
        out.push_str(&format!("   = {}\n", effect_text(finding, mode)));
        if let Some(reason) = &finding.ignored {
            out.push_str(&format!("   = ignored: {reason}\n"));
        }
    }
    out.push_str(&summary(findings, mode));
    out
}

/// `submit: breaks, consume: may break` for the directions the mode counts.
fn effect_text(finding: &Finding, mode: Mode) -> String {
    if finding.rule.starts_with("version-") || finding.rule == "major-not-bumped" {
        return "version discipline".to_string();
    }
    let parts: Vec<String> = [Direction::Submit, Direction::Consume]
        .into_iter()
        .filter(|d| mode.counts(*d))
        .map(|d| {
            let impact = match finding.effect.of(d) {
                super::Impact::Breaks => "breaks",
                super::Impact::Maybe => "may break",
                super::Impact::Safe => "compatible",
            };
            format!("{}: {impact}", d.as_str())
        })
        .collect();
    parts.join(", ")
}

/// "1 error, 2 warnings, 1 info (mode full)", with ignored findings counted apart.
pub fn summary(findings: &[Finding], mode: Mode) -> String {
    let count = |severity: Severity| findings.iter().filter(|f| f.severity == severity && f.ignored.is_none()).count();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let ignored = findings.iter().filter(|f| f.ignored.is_some()).count();
    let mut parts = Vec::new();
    for (severity, word) in [(Severity::Error, "error"), (Severity::Warning, "warning"), (Severity::Info, "info")] {
        let n = count(severity);
        if n > 0 {
            parts.push(plural(n, word));
        }
    }
    if ignored > 0 {
        parts.push(format!("{ignored} ignored"));
    }
    if parts.is_empty() {
        parts.push("no changes".to_string());
    }
    format!("compat ({}): {}\n", mode.as_str(), parts.join(", "))
}

/// One finding as a JSON object (one line of `--message-format json`).
pub fn to_json(finding: &Finding) -> serde_json::Value {
    let location = |at: &Option<super::Location>| {
        at.as_ref().map(|at| json!({ "file": at.file, "line": at.line, "column": at.column }))
    };
    json!({
        "form": finding.form,
        "rule": finding.rule,
        "severity": finding.severity.as_str(),
        "direction": finding.direction(),
        "submit": finding.effect.submit.as_str(),
        "consume": finding.effect.consume.as_str(),
        "path": finding.path,
        "message": finding.message,
        "old": finding.old,
        "new": finding.new,
        "ignored": finding.ignored,
        "location": location(&finding.new_at),
        "old_location": location(&finding.old_at),
    })
}
