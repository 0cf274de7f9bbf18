//! Dense layout of formatted generated code: prettyplease puts every element of a long list
//! on its own line, which makes a code list or a form's plan thousands of lines. This packs
//! complete list elements onto shared lines and folds short blocks back onto one line.
//!
//! It only moves line breaks between complete elements (lines balanced in brackets that end
//! with `,`, outside string and char literals), never inside one, and never touches comment
//! lines, so the result is the same Rust; `tests` check that it still parses to the same tokens.

/// The widest line packing makes (longer elements keep a line of their own).
const WIDTH: usize = 120;

/// `source` (formatted by prettyplease) with list elements packed and short blocks folded.
pub fn densify(source: &str) -> String {
    let mut lines: Vec<String> = source.lines().map(str::to_string).collect();
    loop {
        let before = lines.len();
        lines = pack(lines);
        lines = fold(lines);
        if lines.len() == before {
            break;
        }
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// A line's width in characters (labels are German: `ü` is one column, two bytes).
fn width(line: &str) -> usize {
    line.chars().count()
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// Whether a line is a complete list element: balanced, ending with `,`, not a comment.
fn element(line: &str) -> bool {
    let text = line.trim();
    text.ends_with(',') && !text.starts_with("//") && !text.starts_with('#') && depth(text) == Some(0)
}

/// The bracket balance of `text` (opened minus closed), skipping string and char literals;
/// `None` if it closes one it did not open or ends inside a literal or comment.
fn depth(text: &str) -> Option<i32> {
    let chars: Vec<char> = text.chars().collect();
    let mut depth = 0;
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '"' => {
                i += 1;
                loop {
                    match chars.get(i)? {
                        '\\' => i += 2,
                        '"' => break,
                        _ => i += 1,
                    }
                }
            }
            // A char literal (`'x'`, `'\n'`, `'\u{..}'`); otherwise a lifetime.
            '\'' if chars.get(i + 1) == Some(&'\\') => {
                i += 3;
                while *chars.get(i)? != '\'' {
                    i += 1;
                }
            }
            '\'' if chars.get(i + 2) == Some(&'\'') => i += 2,
            '/' if chars.get(i + 1) == Some(&'/') || chars.get(i + 1) == Some(&'*') => return None,
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => {
                depth -= 1;
                if depth < 0 {
                    return None;
                }
            }
            _ => {}
        }
        i += 1;
    }
    Some(depth)
}

/// Joins runs of elements at one indentation while they fit in [`WIDTH`].
fn pack(lines: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    let mut open = false; // whether the last line of `out` is a packable element
    for line in lines {
        if element(&line) {
            if let Some(last) = out.last_mut().filter(|last| open && indent(last) == indent(&line)) {
                if width(last) + 1 + width(line.trim()) <= WIDTH {
                    last.push(' ');
                    last.push_str(line.trim());
                    continue;
                }
            }
            out.push(line);
            open = true;
        } else {
            out.push(line);
            open = false;
        }
    }
    out
}

/// Folds `head {` / one packed line / `}` back onto one line where it fits.
fn fold(lines: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < lines.len() {
        if i + 2 < lines.len() {
            if let Some(folded) = fold_three(&lines[i], &lines[i + 1], &lines[i + 2]) {
                out.push(folded);
                i += 3;
                continue;
            }
        }
        out.push(lines[i].clone());
        i += 1;
    }
    out
}

fn fold_three(head: &str, inner: &str, close: &str) -> Option<String> {
    let opener = head.trim_end().chars().last()?;
    let closer = match opener {
        '(' => ')',
        '[' => ']',
        '{' => '}',
        _ => return None,
    };
    let head_text = head.trim();
    if head_text.starts_with("//") || head_text.starts_with('#') || !element(inner) {
        return None;
    }
    // Only the closing bracket, perhaps followed by `,` or `;` (a statement or an element).
    let close_text = close.trim();
    if indent(close) != indent(head) || indent(inner) != indent(head) + 4 || !close_text.starts_with(closer) {
        return None;
    }
    if !["", ",", ";", ")", "),", ");"].contains(&&close_text[1..]) {
        return None;
    }
    // Function bodies and items keep their lines; only expressions fold.
    if opener == '{' && !head_text.ends_with(" {") {
        return None;
    }
    if opener == '{' && (head_text.starts_with("fn ") || head_text.contains(" fn ") || head_text.starts_with("pub ")) {
        return None;
    }
    // A trailing comma goes, except in parentheses that are not a call (`f(`, `Some(`),
    // where `(x,)` is a tuple.
    let call = head_text.trim_end_matches('(').ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '>');
    let body = if opener == '(' && !call { inner.trim() } else { inner.trim().trim_end_matches(',') };
    let folded = if opener == '{' {
        format!("{} {body} {close_text}", head.trim_end())
    } else {
        format!("{}{body}{close_text}", head.trim_end())
    };
    (width(&folded) <= WIDTH).then_some(folded)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same_tokens(a: &str, b: &str) {
        // Trailing commas before `]`, `}` and a call's `)` may go (the tests have no 1-tuples but `(1,)`).
        let tokens = |s: &str| {
            s.parse::<proc_macro2::TokenStream>()
                .unwrap()
                .to_string()
                .replace(" ,]", "]")
                .replace(" ,}", "}")
                .replace(" ,)", ")")
        };
        assert_eq!(tokens(a), tokens(b));
    }

    #[test]
    fn lists_pack_and_short_blocks_fold() {
        let source = "static X: &[&str] = &[\n    \"a\",\n    \"b, \\\"c\\\"\",\n    \"d\",\n];\n";
        let dense = densify(source);
        assert_eq!(dense, "static X: &[&str] = &[\"a\", \"b, \\\"c\\\"\", \"d\"];\n");
        same_tokens(source, &dense);
    }

    #[test]
    fn long_lists_wrap_at_the_width_and_comments_stay() {
        let mut source = String::from("static X: &[&str] = &[\n");
        for i in 0..40 {
            source.push_str(&format!("    \"code{i:03}\",\n"));
        }
        source.push_str("];\n/// A doc comment, with a comma,\nenum E {\n    /// First,\n    A,\n    B,\n}\n");
        let dense = densify(&source);
        assert!(dense.lines().all(|l| width(l) <= WIDTH), "{dense}");
        assert!(dense.lines().count() <= 12, "{dense}");
        assert!(dense.contains("    /// First,\n    A, B,\n"), "{dense}");
        same_tokens(&source, &dense);
    }

    #[test]
    fn text_that_looks_like_brackets_or_comments_stays_inside_its_literal() {
        let calls = "const X: T = f(\n    &g(\n        a,\n    ),\n);\nconst Y: (u8,) = (\n    1,\n);\n";
        let dense = densify(calls);
        assert_eq!(dense, "const X: T = f(&g(a));\nconst Y: (u8,) = (1,);\n");
        same_tokens(calls, &dense);
        let source = "const L: &[(&str, &str)] = &[\n    (\"de\", \"a ( [ { // b\"),\n    ('x', '\\''),\n    (\"en\", \"}\"),\n];\nfn f<'a>(x: &'a str) -> &'a str {\n    x\n}\n";
        let dense = densify(source);
        same_tokens(source, &dense);
        assert!(dense.contains("fn f<'a>(x: &'a str) -> &'a str {\n    x\n}"), "{dense}");
    }
}
