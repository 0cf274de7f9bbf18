//! Trojan Source (CVE-2021-42574): raw characters that change the direction of text make
//! source display differently from how it parses, e.g. a comment that seems to end before a
//! condition that is in fact inside it. Every run of such characters gets a `bidi-control`
//! warning with its exact span, in strings, comments and anywhere else.
//!
//! Strings can say the same with an escape (`"\u{202E}"`), which every reader sees; in
//! comments and between tokens the characters are never needed.

use crate::diag::{Code, Diagnostic};
use crate::source::{FileId, Span};

/// At most this many warnings per file; the last one says how many runs it stands for.
const MAX_WARNINGS: usize = 20;

/// The name of a character that changes the direction of text, if `c` is one: the
/// embeddings, overrides and isolates of Unicode's bidirectional algorithm and the three
/// invisible marks.
fn bidi_name(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{202A}' => "LEFT-TO-RIGHT EMBEDDING",
        '\u{202B}' => "RIGHT-TO-LEFT EMBEDDING",
        '\u{202C}' => "POP DIRECTIONAL FORMATTING",
        '\u{202D}' => "LEFT-TO-RIGHT OVERRIDE",
        '\u{202E}' => "RIGHT-TO-LEFT OVERRIDE",
        '\u{2066}' => "LEFT-TO-RIGHT ISOLATE",
        '\u{2067}' => "RIGHT-TO-LEFT ISOLATE",
        '\u{2068}' => "FIRST STRONG ISOLATE",
        '\u{2069}' => "POP DIRECTIONAL ISOLATE",
        '\u{200E}' => "LEFT-TO-RIGHT MARK",
        '\u{200F}' => "RIGHT-TO-LEFT MARK",
        '\u{061C}' => "ARABIC LETTER MARK",
        _ => return None,
    })
}

/// Where in the text a character stands.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Context {
    Code,
    String,
    LineComment,
    BlockComment,
}

/// A run of adjacent direction characters in one context.
struct Run {
    start: usize,
    end: usize,
    context: Context,
    chars: Vec<char>,
}

/// Warnings for every run of raw direction characters in `text`.
pub fn check(file: FileId, text: &str) -> Vec<Diagnostic> {
    let runs = runs(text);
    let n_runs = runs.len();
    let mut diagnostics = Vec::new();
    for (index, run) in runs.into_iter().enumerate() {
        if index == MAX_WARNINGS {
            break;
        }
        let mut diagnostic = warning(file, &run);
        if index + 1 == MAX_WARNINGS && n_runs > MAX_WARNINGS {
            diagnostic.message.push_str(&format!(" (and {} more in this file)", n_runs - MAX_WARNINGS));
        }
        diagnostics.push(diagnostic);
    }
    diagnostics
}

fn runs(text: &str) -> Vec<Run> {
    let mut runs: Vec<Run> = Vec::new();
    let mut context = Context::Code;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if bidi_name(c).is_some() {
            let end = at + c.len_utf8();
            match runs.last_mut() {
                Some(run) if run.end == at && run.context == context => {
                    run.end = end;
                    run.chars.push(c);
                }
                _ => runs.push(Run { start: at, end, context, chars: vec![c] }),
            }
            continue;
        }
        let next = chars.peek().map(|&(_, n)| n);
        context = match (context, c, next) {
            (Context::Code, '"', _) => Context::String,
            (Context::Code, '/', Some('/')) => {
                chars.next();
                Context::LineComment
            }
            (Context::Code, '/', Some('*')) => {
                chars.next();
                Context::BlockComment
            }
            (Context::String, '\\', Some('"' | '\\')) => {
                chars.next();
                Context::String
            }
            (Context::String, '"', _) => Context::Code,
            (Context::LineComment, '\n', _) => Context::Code,
            (Context::BlockComment, '*', Some('/')) => {
                chars.next();
                Context::Code
            }
            (context, _, _) => context,
        };
    }
    runs
}

fn warning(file: FileId, run: &Run) -> Diagnostic {
    let codes: Vec<String> = run.chars.iter().map(|c| format!("U+{:04X}", *c as u32)).collect();
    let what = match run.chars.as_slice() {
        [one] => format!("{} ({})", codes[0], bidi_name(*one).unwrap_or_default()),
        _ => codes.join(" "),
    };
    let (place, help) = match run.context {
        Context::String => (
            "a string",
            format!(
                "write it as an escape, `{}`: the text stays the same, and readers of the source see it",
                run.chars.iter().map(|c| format!("\\u{{{:X}}}", *c as u32)).collect::<String>()
            ),
        ),
        Context::LineComment | Context::BlockComment => (
            "a comment",
            format!(
                "remove it: in a comment it only changes how the source is displayed (to write about the \
                 character, spell it out as `{}`)",
                codes[0]
            ),
        ),
        Context::Code => (
            "the source",
            "remove it: between tokens it is never needed, and it changes how the source is displayed".to_string(),
        ),
    };
    let plural = if run.chars.len() == 1 { "character" } else { "characters" };
    Diagnostic::new(
        Code::BidiControl,
        format!("raw text direction {plural} {what} in {place}"),
        Span::new(file, run.start, run.end),
        "invisible: reorders how the source is displayed",
    )
    .with_help(help)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contexts(text: &str) -> Vec<(usize, usize, Context)> {
        runs(text).iter().map(|r| (r.start, r.end, r.context)).collect()
    }

    #[test]
    fn finds_every_run_with_its_context() {
        let rlo = '\u{202E}';
        let text = format!("a{rlo} \"b{rlo}{rlo}\\\"{rlo}\" // c{rlo}\n/* d{rlo} */ e{rlo}");
        let found = contexts(&text);
        let kinds: Vec<Context> = found.iter().map(|r| r.2).collect();
        assert_eq!(
            kinds,
            [
                Context::Code,
                Context::String,
                Context::String,
                Context::LineComment,
                Context::BlockComment,
                Context::Code
            ]
        );
        // Adjacent characters form one run whose span covers both.
        assert_eq!(found[1].1 - found[1].0, 2 * rlo.len_utf8());
        for (start, end, _) in found {
            assert!(text[start..end].chars().all(|c| bidi_name(c).is_some()));
        }
    }

    #[test]
    fn an_escaped_backslash_ends_before_the_quote() {
        // `"\\"` is a complete string; what follows is code again.
        let text = "\"\\\\\" \u{2066}";
        assert_eq!(contexts(text)[0].2, Context::Code);
    }

    #[test]
    fn warnings_are_bounded() {
        let text = "x\u{200F}".repeat(1000);
        let diagnostics = check(FileId(0), &text);
        assert_eq!(diagnostics.len(), MAX_WARNINGS);
        assert!(diagnostics.last().unwrap().message.contains("and 980 more"));
    }
}
