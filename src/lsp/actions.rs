//! Quick fixes and formatting. A quick fix applies what the checker itself suggested: the name
//! of a "did you mean" help (`unknown-name`, `unknown-type`, unknown codes and tokens), or the
//! translation a `missing-translation` warning asks for. Formatting is `fmt::format_source`,
//! one edit replacing the document; a text that does not parse is left as it is.

use serde_json::{json, Value};

use super::position::LineIndex;
use super::View;
use crate::diag::{Code, Diagnostic};

/// `textDocument/formatting`: the edits that format `text` (`null` when it does not parse).
pub fn format(text: &str) -> Value {
    match crate::fmt::format_source(text) {
        Ok(formatted) if formatted == text => json!([]),
        Ok(formatted) => {
            let range = LineIndex::new(text).range(0, text.len());
            json!([{"range": range, "newText": formatted}])
        }
        Err(_) => Value::Null,
    }
}

/// `textDocument/codeAction`: quick fixes for the diagnostics in the requested range.
pub fn code_actions(view: &View, params: &Value) -> Value {
    // The analysis' spans are of the current text only when it parses.
    if !view.parses() {
        return json!([]);
    }
    let index = LineIndex::new(view.current());
    let (start, end) = index.span_of(&params["range"]);
    let file = view.file();
    let mut out = Vec::new();
    for diagnostic in &view.analysis.checked.diagnostics {
        let span = diagnostic.span();
        if span.file != file || (span.end as usize) < start || (span.start as usize) > end {
            continue;
        }
        let Some((title, edit_span, new_text)) = fix(view, diagnostic) else {
            continue;
        };
        let edit = json!({"range": index.range(edit_span.0, edit_span.1), "newText": new_text});
        out.push(json!({
            "title": title,
            "kind": "quickfix",
            "isPreferred": true,
            "diagnostics": [{
                "range": index.range(span.start as usize, span.end as usize),
                "code": diagnostic.code.as_str(),
                "source": "formwerk",
                "message": diagnostic.message,
            }],
            "edit": {"changes": {view.uri.clone(): [edit]}},
        }));
    }
    Value::Array(out)
}

/// The fix the checker suggested for one diagnostic: a title, the byte range to replace, the text.
fn fix(view: &View, diagnostic: &Diagnostic) -> Option<(String, (usize, usize), String)> {
    let span = diagnostic.span();
    let (start, end) = (span.start as usize, span.end as usize);
    if diagnostic.code == Code::MissingTranslation {
        let label = &diagnostic.labels.iter().find(|l| l.primary)?.message;
        let lang = label.strip_prefix("add `")?.split(' ').next()?;
        if lang.is_empty() || !lang.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return None;
        }
        return Some((format!("Add the `{lang}` translation"), (end, end), format!(" {lang} \"…\"")));
    }
    let help = diagnostic.help.as_deref()?;
    let rest = help.split_once("did you mean ")?.1;
    let (quote, rest) = match rest.chars().next()? {
        '`' => ('`', &rest[1..]),
        '"' => ('"', &rest[1..]),
        _ => return None,
    };
    let suggestion = rest.split(quote).next()?;
    if suggestion.is_empty() || suggestion.contains('\n') {
        return None;
    }
    let written = view.current().get(start..end)?;
    let new_text = if written.starts_with('"') { format!("\"{suggestion}\"") } else { suggestion.to_string() };
    if quote == '"' && !written.starts_with('"') {
        return None;
    }
    Some((format!("Replace with `{suggestion}`"), (start, end), new_text))
}
