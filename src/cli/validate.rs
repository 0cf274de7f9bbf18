//! `formwerk validate`: one JSON submission against a form, with the reference validator;
//! every violation (and failing warning rule) for people or as JSON. Exit 0 valid, 1 invalid,
//! 2 usage or I/O failure.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use formwerk::validate;

use super::place::{self, FormPlace};
use crate::{usage_failure, MessageFormat};

#[derive(clap::Args)]
pub struct Args {
    /// The `.form` file that declares the form.
    form: PathBuf,
    /// The submission as JSON (`-` for standard input).
    submission: PathBuf,
    /// Language of the messages (default: the form's first language).
    #[arg(long)]
    lang: Option<String>,
    /// `human` for people, `json` for programs.
    #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
    format: MessageFormat,
    /// The date to validate on (default: today in Germany), e.g. `2026-06-15`.
    #[arg(long)]
    today: Option<String>,
    #[command(flatten)]
    place: FormPlace,
}

pub fn run(args: Args) -> ExitCode {
    let today = match place::today(args.today.as_deref()) {
        Ok(today) => today,
        Err(code) => return code,
    };
    let form = match args.place.load(&args.form) {
        Ok(form) => form,
        Err(code) => return code,
    };
    let (submission_path, format) = (args.submission.as_path(), args.format);
    let lang = args.lang.as_deref().unwrap_or(&form.languages[0]).to_string();
    if !form.languages.contains(&lang) {
        return usage_failure(&format!("the form has no language `{lang}` (it has {})", form.languages.join(", ")));
    }
    let bytes = if submission_path == Path::new("-") {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes).map(|_| bytes)
    } else {
        std::fs::read(submission_path)
    };
    let bytes = match bytes {
        Ok(bytes) => bytes,
        Err(error) => return usage_failure(&format!("cannot read `{}`: {error}", submission_path.display())),
    };
    // Read as the generated `from_json` reads it: at any depth, keeping only what the form
    // looks at (items past a repeat's maximum and unknown members' values are skipped).
    let submission = match validate::read(&form, &bytes) {
        Ok(value) => value,
        Err(validate::ReadError::Json(error)) => {
            return usage_failure(&format!(
                "`{}` is not valid JSON: {}:{}: {}",
                submission_path.display(),
                error.line(),
                error.column(),
                error.to_string().split(" at line").next().unwrap_or_default()
            ))
        }
        Err(error) => return usage_failure(&format!("`{}` is not valid JSON: {error}", submission_path.display())),
    };
    let report = validate::validate(&form, &submission, &validate::Options { today });
    let mut text = String::new();
    match format {
        MessageFormat::Json => {
            let entries = |list: &[validate::Violation]| -> Vec<serde_json::Value> {
                list.iter()
                    .map(|v| {
                        serde_json::json!({
                            "pointer": v.pointer,
                            "code": v.code,
                            "message": v.messages.get(&lang),
                            "messages": v.messages,
                        })
                    })
                    .collect()
            };
            let mut out = serde_json::json!({
                "form": form.id,
                "version": form.version,
                "today": today.to_string(),
                "valid": report.is_valid(),
                "violations": entries(&report.violations),
            });
            // Failing rules of `severity warning`: never violations, listed apart when there are any.
            if !report.warnings.is_empty() {
                out["warnings"] = serde_json::Value::Array(entries(&report.warnings));
            }
            text = format!("{}\n", serde_json::to_string_pretty(&out).unwrap_or_default());
        }
        MessageFormat::Human => {
            if report.is_valid() {
                text.push_str(&format!(
                    "valid: {} conforms to {} {} (today {today})\n",
                    submission_path.display(),
                    form.id,
                    form.version
                ));
            } else {
                let n = report.violations.len();
                text.push_str(&format!(
                    "invalid: {} has {n} violation{} of {} {} (today {today})\n",
                    submission_path.display(),
                    if n == 1 { "" } else { "s" },
                    form.id,
                    form.version
                ));
                for violation in &report.violations {
                    // A pointer names the submission's keys: never write its controls to a terminal.
                    let pointer =
                        if violation.pointer.is_empty() { "(form)".to_string() } else { printable(&violation.pointer) };
                    let message = violation.messages.get(&lang).map_or("", String::as_str);
                    text.push_str(&format!("  {pointer}  [{}]  {message}\n", violation.code));
                }
            }
            let n = report.warnings.len();
            if n > 0 {
                text.push_str(&format!(
                    "{n} warning{} (the citizen may confirm; not violations):\n",
                    if n == 1 { "" } else { "s" }
                ));
            }
            for warning in &report.warnings {
                let pointer =
                    if warning.pointer.is_empty() { "(form)".to_string() } else { printable(&warning.pointer) };
                let message = warning.messages.get(&lang).map_or("", String::as_str);
                text.push_str(&format!("  {pointer}  [{}]  {message}\n", warning.code));
            }
        }
    }
    // The verdict is the exit status, also when the reader stopped early (`| head`).
    if let Err(error) = super::stdout::write(&text) {
        return usage_failure(&format!("cannot write standard output: {error}"));
    }
    if report.is_valid() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// `text` with every code point that a text may not contain (controls, bidi overrides, …)
/// written as `\u{…}`, so that printing it cannot change a terminal.
fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if !formwerk::validate::formats::text_allows(c, false) {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    out
}
