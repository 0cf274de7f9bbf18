//! The allowlist check of every rendered page and fragment: the output is tokenised as the HTML
//! tokenizer of a browser reads it, and every element, attribute and URL must be one the markup
//! contract needs. Because it reads the finished output, a theme cannot get past it by splitting
//! a tag across template syntax (`<scr{{!-- --}}ipt>`).
//!
//! Refused: elements outside [`ELEMENTS`] (so `<script>`, `<iframe>`, `<object>`, `<embed>`,
//! `<base>`, `<svg>`, `<math>`, `<template>`, `<noscript>`, …), attributes outside
//! [`ATTRIBUTES`] (so every `on*` handler, `http-equiv`, `action`, `formaction`, `srcdoc`, …),
//! `href` and `src` except on `a`/`link` and `img` and only with the URLs `url.rs` allows,
//! `style` attributes that `css::check` refuses, comments and other markup declarations, and
//! character references in attributes other than numeric ones and `&amp;` `&lt;` `&gt;`
//! `&quot;` `&apos;` (a named one such as `&colon;` would hide a `javascript:`). The text of
//! `<style>` elements must pass `css::check`.

use super::css;
use super::url::{self, Use};

/// The elements a page may contain.
pub const ELEMENTS: &[&str] = &[
    "html",
    "head",
    "meta",
    "title",
    "link",
    "style",
    "body",
    "main",
    "header",
    "footer",
    "nav",
    "section",
    "article",
    "aside",
    "div",
    "span",
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "a",
    "strong",
    "em",
    "b",
    "i",
    "small",
    "abbr",
    "code",
    "kbd",
    "sub",
    "sup",
    "mark",
    "time",
    "address",
    "br",
    "hr",
    "img",
    "figure",
    "figcaption",
    "details",
    "summary",
    "table",
    "caption",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "th",
    "td",
    "form",
    "fieldset",
    "legend",
    "label",
    "input",
    "select",
    "option",
    "optgroup",
    "textarea",
    "button",
    "output",
];

/// The attributes a page may contain (besides `aria-*` and `data-*`), on any allowed element.
pub const ATTRIBUTES: &[&str] = &[
    "id",
    "class",
    "lang",
    "dir",
    "title",
    "hidden",
    "tabindex",
    "role",
    "style",
    "autofocus",
    "inputmode",
    "spellcheck",
    "autocapitalize",
    "translate",
    "charset",
    "name",
    "content",
    "rel",
    "href",
    "src",
    "alt",
    "width",
    "height",
    "loading",
    "decoding",
    "media",
    "integrity",
    "crossorigin",
    "referrerpolicy",
    "hreflang",
    "type",
    "value",
    "checked",
    "selected",
    "disabled",
    "readonly",
    "required",
    "multiple",
    "min",
    "max",
    "step",
    "minlength",
    "maxlength",
    "pattern",
    "placeholder",
    "size",
    "rows",
    "cols",
    "wrap",
    "accept",
    "autocomplete",
    "for",
    "formnovalidate",
    "novalidate",
    "method",
    "enctype",
    "label",
    "colspan",
    "rowspan",
    "scope",
    "headers",
    "start",
    "reversed",
    "datetime",
    "open",
];

/// Why a page was refused: the line of the output and what was found there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    pub line: usize,
    pub message: String,
}

/// `Ok` if every element, attribute, URL and stylesheet of `html` is allowed.
pub fn scan(html: &str) -> Result<(), Refusal> {
    Scanner { html, bytes: html.as_bytes(), at: 0 }.run()
}

struct Scanner<'h> {
    html: &'h str,
    bytes: &'h [u8],
    at: usize,
}

struct Attribute {
    name: String,
    value: String,
}

impl<'h> Scanner<'h> {
    fn refuse<T>(&self, at: usize, message: String) -> Result<T, Refusal> {
        let line = 1 + self.html[..at.min(self.html.len())].matches('\n').count();
        Err(Refusal { line, message })
    }

    fn run(mut self) -> Result<(), Refusal> {
        let doctype = "<!DOCTYPE html>";
        if self.html.len() >= doctype.len() && self.html[..doctype.len()].eq_ignore_ascii_case(doctype) {
            self.at = doctype.len();
        }
        while let Some(offset) = self.html[self.at..].find('<') {
            let start = self.at + offset;
            self.at = start + 1;
            match self.bytes.get(start + 1) {
                Some(c) if c.is_ascii_alphabetic() => self.start_tag(start)?,
                Some(b'/') => self.end_tag(start)?,
                Some(b'!') | Some(b'?') => {
                    return self
                        .refuse(start, format!("`{}`: comments and declarations are not allowed", self.shown(start)))
                }
                // `<` before anything else is text.
                _ => {}
            }
        }
        Ok(())
    }

    /// A few characters from `at`, for messages.
    fn shown(&self, at: usize) -> String {
        self.html[at..].chars().take(24).take_while(|c| *c != '\n').collect()
    }

    fn name_at(&mut self) -> String {
        let start = self.at;
        while self.at < self.bytes.len()
            && !matches!(self.bytes[self.at], b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'/' | b'>')
        {
            self.at += 1;
        }
        self.html[start..self.at].to_ascii_lowercase()
    }

    fn skip_space(&mut self) {
        while self.at < self.bytes.len() && matches!(self.bytes[self.at], b' ' | b'\t' | b'\n' | b'\r' | b'\x0c') {
            self.at += 1;
        }
    }

    fn end_tag(&mut self, start: usize) -> Result<(), Refusal> {
        self.at = start + 2;
        if !self.bytes.get(self.at).is_some_and(u8::is_ascii_alphabetic) {
            return self
                .refuse(start, format!("`{}`: not an end tag (browsers read it as a comment)", self.shown(start)));
        }
        let name = self.name_at();
        if !ELEMENTS.contains(&name.as_str()) {
            return self.refuse(start, format!("element `<{name}>` is not allowed"));
        }
        self.skip_space();
        if self.bytes.get(self.at) != Some(&b'>') {
            return self.refuse(start, format!("`{}`: an end tag has nothing but its name", self.shown(start)));
        }
        self.at += 1;
        Ok(())
    }

    fn start_tag(&mut self, start: usize) -> Result<(), Refusal> {
        self.at = start + 1;
        let name = self.name_at();
        if !ELEMENTS.contains(&name.as_str()) {
            return self.refuse(start, format!("element `<{name}>` is not allowed"));
        }
        let mut attributes = Vec::new();
        loop {
            self.skip_space();
            match self.bytes.get(self.at) {
                None => return self.refuse(start, format!("`<{name}` is never closed")),
                Some(b'>') => {
                    self.at += 1;
                    break;
                }
                Some(b'/') => self.at += 1,
                Some(_) => attributes.push(self.attribute(start)?),
            }
        }
        for attribute in &attributes {
            self.check_attribute(start, &name, attribute, &attributes)?;
        }
        match name.as_str() {
            "style" => {
                let text_start = self.at;
                let end = self.raw_text_end("style");
                if let Err(problem) = css::check(&self.html[text_start..end], css::Context::Stylesheet) {
                    let line = self.html[..text_start].matches('\n').count() + problem.line;
                    return Err(Refusal { line, message: format!("in a style element: {}", problem.message) });
                }
                self.at = end;
            }
            "textarea" | "title" => self.at = self.raw_text_end(&name),
            _ => {}
        }
        Ok(())
    }

    /// Where the raw text of `element` ends: at `</element` followed by a space, `/` or `>`
    /// (any case), or at the end of the page.
    fn raw_text_end(&self, element: &str) -> usize {
        let mut from = self.at;
        while let Some(found) = self.html[from..].find("</") {
            let at = from + found;
            let name_end = at + 2 + element.len();
            let name_matches = self.html.get(at + 2..name_end).is_some_and(|name| name.eq_ignore_ascii_case(element));
            let after = self.bytes.get(name_end);
            if name_matches && matches!(after, None | Some(b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'/' | b'>')) {
                return at;
            }
            from = at + 2;
        }
        self.html.len()
    }

    /// One attribute, as the HTML tokenizer reads it.
    fn attribute(&mut self, tag: usize) -> Result<Attribute, Refusal> {
        let start = self.at;
        // A first `=` belongs to the name.
        self.at += 1;
        while self.at < self.bytes.len()
            && !matches!(self.bytes[self.at], b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'/' | b'>' | b'=')
        {
            self.at += 1;
        }
        let name = self.html[start..self.at].to_ascii_lowercase();
        self.skip_space();
        if self.bytes.get(self.at) != Some(&b'=') {
            return Ok(Attribute { name, value: String::new() });
        }
        self.at += 1;
        self.skip_space();
        let raw = match self.bytes.get(self.at) {
            Some(&quote @ (b'"' | b'\'')) => {
                let value_start = self.at + 1;
                let Some(length) = self.html[value_start..].find(quote as char) else {
                    return self.refuse(tag, format!("the value of `{name}` is never closed"));
                };
                self.at = value_start + length + 1;
                &self.html[value_start..value_start + length]
            }
            _ => {
                let value_start = self.at;
                while self.at < self.bytes.len()
                    && !matches!(self.bytes[self.at], b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'>')
                {
                    self.at += 1;
                }
                &self.html[value_start..self.at]
            }
        };
        match decode(raw) {
            Ok(value) => Ok(Attribute { name, value }),
            Err(reference) => self.refuse(
                tag,
                format!("`{reference}` in the value of `{name}`: only numeric character references and &amp; &lt; &gt; &quot; &apos; are allowed in attributes"),
            ),
        }
    }

    fn check_attribute(
        &self,
        tag: usize,
        element: &str,
        attribute: &Attribute,
        all: &[Attribute],
    ) -> Result<(), Refusal> {
        let name = attribute.name.as_str();
        if name.starts_with("on") {
            return self.refuse(tag, format!("event handler attribute `{name}` on `<{element}>` is not allowed"));
        }
        let data_or_aria = ["data-", "aria-"].iter().any(|prefix| {
            name.strip_prefix(prefix).is_some_and(|rest| {
                !rest.is_empty()
                    && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
            })
        });
        if !data_or_aria && !ATTRIBUTES.contains(&name) {
            return self.refuse(tag, format!("attribute `{name}` on `<{element}>` is not allowed"));
        }
        let value = attribute.value.as_str();
        let url_use = match (name, element) {
            ("href", "a") => Some(Use::Link),
            ("href", "link") => Some(Use::Stylesheet),
            ("src", "img") => Some(Use::Image),
            ("href" | "src", _) => {
                return self.refuse(tag, format!("attribute `{name}` on `<{element}>` is not allowed"))
            }
            _ => None,
        };
        if let Some(used) = url_use {
            if let Err(message) = url::check(value, used) {
                return self.refuse(tag, format!("`{name}` of `<{element}>`: {message}"));
            }
        }
        if name == "rel" && element == "link" {
            let allowed = value
                .split_ascii_whitespace()
                .all(|rel| matches!(rel.to_ascii_lowercase().as_str(), "stylesheet" | "icon"));
            if !allowed {
                return self.refuse(tag, format!("`<link rel=\"{value}\">` is not allowed (only stylesheet and icon)"));
            }
        }
        if name == "style" {
            if let Err(problem) = css::check(value, css::Context::Attribute) {
                return self.refuse(tag, format!("`style` on `<{element}>`: {}", problem.message));
            }
        }
        if element == "meta" && name == "content" && !all.iter().any(|a| a.name == "name") {
            return self.refuse(tag, "`<meta content>` is allowed only with `name`".to_string());
        }
        Ok(())
    }
}

/// The value of an attribute with its character references decoded; the reference that is not
/// allowed otherwise. Numeric references are read as browsers read them, also without `;`.
fn decode(raw: &str) -> Result<String, String> {
    if !raw.contains('&') {
        return Ok(raw.to_string());
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let after = &rest[1..];
        if let Some(number) = after.strip_prefix('#') {
            let (hex, digits_from) = match number.as_bytes().first() {
                Some(b'x' | b'X') => (true, &number[1..]),
                _ => (false, number),
            };
            let length = digits_from
                .bytes()
                .take_while(|b| if hex { b.is_ascii_hexdigit() } else { b.is_ascii_digit() })
                .count();
            if length == 0 {
                return Err(rest.chars().take(8).collect());
            }
            let digits = &digits_from[..length];
            let base = if hex { 16 } else { 10 };
            let value = digits.chars().fold(0u32, |value, digit| {
                value.saturating_mul(base).saturating_add(digit.to_digit(base).unwrap_or(0)).min(0x11_0000)
            });
            out.push(char::from_u32(value).filter(|_| value != 0).unwrap_or('\u{FFFD}'));
            let consumed = 1 + 1 + usize::from(hex) + length;
            rest = &rest[consumed..];
            rest = rest.strip_prefix(';').unwrap_or(rest);
            continue;
        }
        let named = [("amp;", '&'), ("lt;", '<'), ("gt;", '>'), ("quot;", '"'), ("apos;", '\'')];
        if let Some((entity, c)) = named.iter().find(|(entity, _)| after.starts_with(entity)) {
            out.push(*c);
            rest = &after[entity.len()..];
            continue;
        }
        if after.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric()) {
            return Err(rest.chars().take(10).collect());
        }
        out.push('&');
        rest = after;
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(html: &str) -> String {
        scan(html).unwrap_err().message
    }

    #[test]
    fn contract_markup_passes() {
        let page = "<!DOCTYPE html>\n<html lang=\"de\"><head><meta charset=\"utf-8\"><title>a < b</title>\n<link rel=\"stylesheet\" href=\"https://cdn.example/k.css\">\n<style>\na { color: red }\n</style></head><body><form method=\"post\" novalidate><input id=\"a\" name=\"a[0]\" value=\"&quot;&gt;&#x27;\" aria-describedby=\"b\" data-controls=\"c\" autofocus><textarea><script></textarea><a href=\"#a\">x</a></form></body></html>";
        assert_eq!(scan(page), Ok(()));
    }

    #[test]
    fn scripts_and_handlers_are_refused() {
        assert!(refused("<p>x</p>\n<script>alert(1)</script>").contains("`<script>`"));
        assert!(refused("<SCRIPT>").contains("`<script>`"));
        assert!(refused("<img src=x onerror=alert(1)>").contains("`onerror`"));
        assert!(refused("<div/onclick=\"x\">").contains("`onclick`"));
        assert!(refused("<iframe src=\"https://x\"></iframe>").contains("`<iframe>`"));
        assert!(refused("<svg><script>x</script></svg>").contains("`<svg>`"));
        assert!(refused("<meta http-equiv=\"refresh\" content=\"0;url=javascript:x\">").contains("`http-equiv`"));
        assert!(refused("<base href=\"https://evil\">").contains("`<base>`"));
        assert!(refused("<button formaction=\"javascript:x\">").contains("`formaction`"));
        assert!(refused("<!-- x -->").contains("comments"));
        assert!(refused("</ x>").contains("not an end tag"));
        assert!(refused("<p").contains("never closed"));
    }

    #[test]
    fn urls_are_decoded_then_checked() {
        assert!(refused("<a href=\"javascript:alert(1)\">").contains("`javascript:`"));
        assert!(refused("<a href=\"jav&#x61;script:alert(1)\">").contains("`javascript:`"));
        assert!(refused("<a href=\"jav&#97script:alert(1)\">").contains("`javascript:`"));
        assert!(refused("<a href=\"&#0000000106;avascript:alert(1)\">").contains("`javascript:`"));
        assert!(refused("<a href=\"java&Tab;script:alert(1)\">").contains("`&Tab;"));
        assert!(refused("<a href=\"javascript&colon;alert(1)\">").contains("`&colon;"));
        assert!(refused("<a href='  vbscript:x'>").contains("`vbscript:`"));
        assert!(refused("<img src=\"data:image/png;base64,AA\">").contains("`data:`"));
        assert!(refused("<link rel=\"import\" href=\"x.html\">").contains("rel"));
        assert!(refused("<div href=\"x\">").contains("`href` on `<div>`"));
        assert_eq!(scan("<a href=\"mailto:a@b.de\" title=\"A &amp; B & C\">"), Ok(()));
    }

    #[test]
    fn styles_are_checked_as_css() {
        assert!(refused("<div style=\"background: url(x.png)\">").contains("URLs"));
        assert!(refused("<style>a { background: url(javascript:x) }</style>").contains("`javascript:`"));
        assert!(refused("<style>a {}</style ><script>x</script>").contains("`<script>`"));
        assert_eq!(scan("<div style=\"color: red\"><style>a{}</style></div>"), Ok(()));
    }
}
