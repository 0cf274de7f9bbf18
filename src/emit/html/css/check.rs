//! What CSS may contain, checked on the text and on its tokens (as a browser tokenises it, escapes
//! decoded). A theme's `theme.css`, every `<style>` element and every `style` attribute of a
//! rendered page go through [`check`]:
//!
//! - every `<` is followed by a space or `=` (a media range `width < 40em`), so the text can
//!   never contain `</style`, `<!--` or `<script` in any spelling and cannot leave `<style>`;
//! - every URL (`url(…)`, `url("…")`, `src("…")`, the strings of `image()`, `image-set()` and
//!   `cross-fade()`, and `@import`) is relative or http(s) (`url.rs`), a `data:` image at most;
//!   a `style` attribute carries no URL at all;
//! - no `expression()`, `behavior` or `-moz-binding` (script in old browsers);
//! - no malformed strings, URLs or unclosed comments, which browsers would read differently
//!   from what a reviewer sees.

use super::tokens::{tokenize, Token};
use crate::emit::html::url::{self, Use};

/// Where the CSS stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Context {
    /// A stylesheet: a theme's CSS or the text of a `<style>` element.
    Stylesheet,
    /// The declarations of a `style` attribute: no URLs at all.
    Attribute,
}

/// Why CSS was refused, at a 1-based line of its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub message: String,
}

/// Functions whose string arguments are URLs.
const IMAGE_FUNCTIONS: &[&str] = &["image", "image-set", "-webkit-image-set", "cross-fade", "-webkit-cross-fade"];

/// `Ok` if `text` may stand in `context`, else the first problem.
pub fn check(text: &str, context: Context) -> Result<(), Problem> {
    check_angle_brackets(text)?;
    let tokens = tokenize(text);
    let mut index = 0;
    // Inside `@import …;`, URLs are stylesheets.
    let mut in_import = false;
    // Depth of an image function whose strings are URLs, with the depth it opened at.
    let mut depth = 0usize;
    let mut image_function_at: Option<usize> = None;
    while index < tokens.len() {
        let (token, line) = &tokens[index];
        let line = *line;
        let problem = |message: String| Err(Problem { line, message });
        let resource = if in_import { Use::Stylesheet } else { Use::CssResource };
        match token {
            Token::OpenComment => return problem("a comment is never closed".to_string()),
            Token::BadString => return problem("a string is not closed on its line".to_string()),
            Token::BadUrl => {
                return problem(
                    "a `url(…)` is malformed (quote it, or escape its spaces, quotes and parentheses)".into(),
                )
            }
            Token::Url(value) => check_url(value, context, resource, line)?,
            Token::Str(value) if image_function_at.is_some() => check_url(value, context, resource, line)?,
            Token::Str(value) if in_import => check_url(value, context, Use::Stylesheet, line)?,
            Token::Function(name) => {
                let name = name.to_ascii_lowercase();
                depth += 1;
                match name.as_str() {
                    "expression" => return problem("`expression()` is not allowed (it runs script)".to_string()),
                    "url" | "src" => {
                        let argument = tokens[index + 1..].iter().find(|(t, _)| *t != Token::Whitespace);
                        if let Some((Token::Str(value), line)) = argument {
                            check_url(value, context, resource, *line)?;
                        }
                    }
                    _ if IMAGE_FUNCTIONS.contains(&name.as_str()) && image_function_at.is_none() => {
                        image_function_at = Some(depth);
                    }
                    _ => {}
                }
            }
            Token::Open(_) => depth += 1,
            Token::Close(_) => {
                if image_function_at == Some(depth) {
                    image_function_at = None;
                }
                depth = depth.saturating_sub(1);
            }
            Token::AtKeyword(name) if name.eq_ignore_ascii_case("import") => {
                if context == Context::Attribute {
                    return problem("`@import` is not allowed here".to_string());
                }
                in_import = true;
            }
            Token::Semicolon => in_import = false,
            Token::Ident(name) if ["behavior", "-moz-binding"].iter().any(|n| name.eq_ignore_ascii_case(n)) => {
                return problem(format!("`{name}` is not allowed (it runs script)"));
            }
            _ => {}
        }
        index += 1;
    }
    Ok(())
}

fn check_url(value: &str, context: Context, used: Use, line: usize) -> Result<(), Problem> {
    if context == Context::Attribute {
        return Err(Problem { line, message: "a `style` attribute must not contain URLs".to_string() });
    }
    url::check(value, used).map_err(|message| Problem { line, message })
}

/// Every `<` is followed by whitespace or `=`: nothing in the text can start a tag.
fn check_angle_brackets(text: &str) -> Result<(), Problem> {
    let bytes = text.as_bytes();
    for (at, _) in text.match_indices('<') {
        if !matches!(bytes.get(at + 1), Some(b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'=')) {
            let line = 1 + text[..at].matches('\n').count();
            let shown: String = text[at..].chars().take(12).collect();
            return Err(Problem {
                line,
                message: format!("`{shown}`: CSS must not contain `<` followed by anything but a space or `=` (it could end the style element; in a string write `\\3c `)"),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(text: &str) -> String {
        check(text, Context::Stylesheet).unwrap_err().message
    }

    #[test]
    fn css_cannot_leave_the_style_element() {
        assert!(refused("a { color: red }\n</style><script>alert(1)</script>").contains("must not contain `<`"));
        assert!(refused("a { content: \"</STYLE >\" }").contains("`<`"));
        assert!(refused("/* <!-- */").contains("`<`"));
        assert!(check("@media (width < 40em) { a { color: red } }", Context::Stylesheet).is_ok());
        assert!(check("a::after { content: \"\\3c /style>\" }", Context::Stylesheet).is_ok());
    }

    #[test]
    fn urls_are_http_relative_or_images() {
        assert!(check("a { background: url(img/a.png) url('https://x/b.png') }", Context::Stylesheet).is_ok());
        assert!(check("a { background: url(data:image/png;base64,AAA) }", Context::Stylesheet).is_ok());
        assert!(refused("a { background: url(javascript:alert) }").contains("`javascript:`"));
        assert!(refused("a { background: url(javascript:alert(1)) }").contains("malformed"));
        assert!(refused("a { background: url( \"JAVA\\53 CRIPT:x\" ) }").contains("`javascript:`"));
        assert!(refused("a { background: \\75 rl(vbscript:x) }").contains("`vbscript:`"));
        assert!(refused("a { background: image-set(\"x.png\" 1x, \"javascript:x\" 2x) }").contains("`javascript:`"));
        assert!(refused("@import 'data:text/css,a{}';").contains("`data:`"));
        assert!(refused("@import url(data:image/png;base64,AA);").contains("`data:`"));
        assert!(refused("a { x: url(a b) }").contains("malformed"));
        assert!(check("a { content: \"Hinweis: javascript:x\" }", Context::Stylesheet).is_ok());
    }

    #[test]
    fn script_in_old_browsers_is_refused() {
        assert!(refused("a { width: expression(alert(1)) }").contains("expression"));
        assert!(refused("a { width: e\\78pression(alert(1)) }").contains("expression"));
        assert!(refused("a { behavior: url(x.htc) }").contains("behavior"));
        assert!(refused("a { -moz-binding: url(x.xml#y) }").contains("-moz-binding"));
        assert!(refused("a { color: red } /* never closed").contains("never closed"));
    }

    #[test]
    fn style_attributes_carry_no_urls() {
        assert!(check("color: red; margin: 0", Context::Attribute).is_ok());
        assert!(check("background: url(a.png)", Context::Attribute).is_err());
        assert!(check("background: url('a.png')", Context::Attribute).is_err());
    }
}
