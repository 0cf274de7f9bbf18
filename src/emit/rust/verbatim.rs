//! Macro invocations laid out by the generator. prettyplease prints a macro's tokens as one
//! flowing run of text, so the bodies of `object!` and `code_list!` (one line per member or
//! entry) are written here as text, from tokens and escaped literals only, and put into the
//! formatted file in place of a placeholder identifier.

use std::cell::RefCell;

use proc_macro2::{Delimiter, Literal, TokenStream, TokenTree};
use quote::{format_ident, quote};

/// The name of a placeholder, before its number.
const WORD: &str = "__formwerk_verbatim_";

/// The bodies of a file's invocations, by placeholder number.
#[derive(Default)]
pub struct Verbatim {
    bodies: RefCell<Vec<Vec<String>>>,
}

impl Verbatim {
    /// `path! { … }` with `lines` as its body.
    pub fn invocation(&self, path: TokenStream, lines: Vec<String>) -> TokenStream {
        let mut bodies = self.bodies.borrow_mut();
        let placeholder = format_ident!("__formwerk_verbatim_{}", bodies.len());
        bodies.push(lines);
        quote! { #path! { #placeholder } }
    }

    /// `tokens` made by another file's invocations (whose bodies are `bodies`), with each of
    /// their placeholders taken over by this file: the bodies of a shared item made while a
    /// form was emitted on its own thread.
    pub fn adopt(&self, tokens: TokenStream, bodies: &[Vec<String>]) -> TokenStream {
        tokens
            .into_iter()
            .map(|tree| match tree {
                TokenTree::Ident(ident) => {
                    let text = ident.to_string();
                    let body =
                        text.strip_prefix(WORD).and_then(|n| n.parse::<usize>().ok()).and_then(|n| bodies.get(n));
                    match body {
                        Some(body) => {
                            let mut own = self.bodies.borrow_mut();
                            let placeholder = format_ident!("__formwerk_verbatim_{}", own.len());
                            own.push(body.clone());
                            TokenTree::Ident(placeholder)
                        }
                        None => TokenTree::Ident(ident),
                    }
                }
                TokenTree::Group(group) => {
                    let mut adopted = proc_macro2::Group::new(group.delimiter(), self.adopt(group.stream(), bodies));
                    adopted.set_span(group.span());
                    TokenTree::Group(adopted)
                }
                other => other,
            })
            .collect()
    }

    /// The bodies of this file's invocations, by placeholder number (for [`Verbatim::adopt`]).
    pub fn into_bodies(self) -> Vec<Vec<String>> {
        self.bodies.into_inner()
    }

    /// `formatted` with each placeholder replaced by its body, indented one level deeper
    /// than the invocation.
    pub fn fill(&self, formatted: &str) -> String {
        let bodies = self.bodies.borrow();
        let mut out = String::with_capacity(formatted.len());
        for line in formatted.lines() {
            let Some((start, end, body)) = placeholder(line).and_then(|(s, e, n)| Some((s, e, bodies.get(n)?))) else {
                out.push_str(line);
                out.push('\n');
                continue;
            };
            let indent = line.len() - line.trim_start().len();
            let (before, after, inner) = if line.trim() == &line[start..end] {
                // `{` and `}` on lines of their own: the body replaces the line.
                (String::new(), String::new(), indent)
            } else {
                // `path! { placeholder }` on one line: the braces open and close around the body.
                let before = line[..start].trim_end().to_string();
                let after = format!("{}{}", " ".repeat(indent), line[end..].trim_start());
                (before, after, indent + 4)
            };
            if !before.is_empty() {
                out.push_str(&before);
                out.push('\n');
            }
            for body_line in body {
                out.push_str(&" ".repeat(inner));
                out.push_str(body_line);
                out.push('\n');
            }
            if !after.trim().is_empty() {
                out.push_str(&after);
                out.push('\n');
            }
        }
        out
    }
}

/// Where a line holds a placeholder and which: only a line that is the placeholder alone, or
/// `path! { placeholder }`, so that the same word in a form's text (in a string literal or a
/// doc comment) is never taken for one.
fn placeholder(line: &str) -> Option<(usize, usize, usize)> {
    let text = line.trim();
    let start = line.find(WORD)?;
    let digits = line[start + WORD.len()..].bytes().take_while(u8::is_ascii_digit).count();
    let end = start + WORD.len() + digits;
    let n = line[start + WORD.len()..end].parse().ok()?;
    let alone = text == &line[start..end];
    let path = line[..start].trim_start().strip_suffix("! { ");
    let invocation = line[end..] == *" }"
        && path.is_some_and(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':'));
    (alone || invocation).then_some((start, end, n))
}

/// A path or type as compact text (`::std::option::Option<Kind>`): its tokens with a space
/// only between two words and after a comma. Literals come out escaped, as tokens print them.
pub fn text(tokens: &TokenStream) -> String {
    let mut out = String::new();
    write(tokens.clone(), &mut out);
    out
}

fn write(tokens: TokenStream, out: &mut String) {
    let mut word_before = false;
    for token in tokens {
        match token {
            TokenTree::Ident(ident) => {
                if word_before {
                    out.push(' ');
                }
                out.push_str(&ident.to_string());
                word_before = true;
            }
            TokenTree::Literal(literal) => {
                if word_before {
                    out.push(' ');
                }
                out.push_str(&literal.to_string());
                word_before = true;
            }
            TokenTree::Punct(punct) => {
                out.push(punct.as_char());
                if punct.as_char() == ',' {
                    out.push(' ');
                }
                word_before = false;
            }
            TokenTree::Group(group) => {
                let (open, close) = match group.delimiter() {
                    Delimiter::Parenthesis => ("(", ")"),
                    Delimiter::Bracket => ("[", "]"),
                    Delimiter::Brace => ("{ ", " }"),
                    Delimiter::None => ("", ""),
                };
                out.push_str(open);
                write(group.stream(), out);
                out.push_str(close);
                word_before = false;
            }
        }
    }
}

/// `#[doc = "…"]`, the text as an escaped string literal.
pub fn doc(text: &str) -> String {
    format!("#[doc = {}]", Literal::string(text))
}

/// A string literal, escaped.
pub fn string(text: &str) -> String {
    Literal::string(text).to_string()
}

/// `text` (tokens printed by another thread) with each placeholder replaced by its body from
/// `bodies`: the item's whole text, whatever the placeholders' numbers.
pub fn expand(text: &str, bodies: &[Vec<String>]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(WORD) {
        out.push_str(&rest[..at]);
        let after = &rest[at + WORD.len()..];
        let digits = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        match after[..digits].parse::<usize>().ok().and_then(|n| bodies.get(n)) {
            Some(body) => {
                out.push('{');
                out.push_str(&body.join("\n"));
                out.push('}');
            }
            None => out.push_str(&rest[at..at + WORD.len() + digits]),
        }
        rest = &after[digits..];
    }
    out.push_str(rest);
    out
}

/// The bodies of `bodies` that `text` (tokens printed by another thread) may name, at their
/// numbers, the others left empty: what [`Verbatim::adopt`] needs to take `text` over alone.
pub fn named_bodies(text: &str, bodies: &[Vec<String>]) -> Vec<Vec<String>> {
    let mut named = vec![Vec::new(); bodies.len()];
    let mut rest = text;
    while let Some(at) = rest.find(WORD) {
        let after = &rest[at + WORD.len()..];
        let digits = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if let Some(n) = after[..digits].parse::<usize>().ok().filter(|n| *n < bodies.len()) {
            named[n] = bodies[n].clone();
        }
        rest = &after[digits..];
    }
    named
}

#[cfg(test)]
mod tests {
    #[test]
    fn expand_puts_each_body_in_place_of_its_placeholder() {
        let bodies = vec![vec!["a,".to_string(), "b,".to_string()], vec!["c".to_string()]];
        let text = "object ! { __formwerk_verbatim_1 } x __formwerk_verbatim_0 __formwerk_verbatim_9";
        assert_eq!(super::expand(text, &bodies), "object ! { {c} } x {a,\nb,} __formwerk_verbatim_9");
    }

    use super::*;

    #[test]
    fn an_item_keeps_only_the_bodies_it_names_at_their_numbers() {
        let bodies = vec![vec!["a".to_string()], vec!["b".to_string()], vec!["c".to_string()]];
        let text = "object ! { __formwerk_verbatim_2 } __formwerk_verbatim_7";
        assert_eq!(named_bodies(text, &bodies), vec![vec![], vec![], vec!["c".to_string()]]);
        // Adopting the item with only those bodies gives what adopting it with all of them gives.
        let adopt = |bodies: &[Vec<String>]| {
            let verbatim = Verbatim::default();
            let tokens = verbatim.adopt(text.parse().unwrap(), bodies);
            verbatim.fill(&tokens.to_string())
        };
        assert_eq!(adopt(&named_bodies(text, &bodies)), adopt(&bodies));
    }

    #[test]
    fn bodies_replace_their_placeholders_at_the_invocations_indentation() {
        let verbatim = Verbatim::default();
        let a = verbatim.invocation(quote! { crate::m }, vec!["x: u8,".into(), "y: u8,".into()]);
        let b = verbatim.invocation(quote! { m }, vec!["z".into()]);
        let formatted = format!("{a}\nmod n {{\n    {b}\n}}\n");
        let filled = verbatim.fill(&formatted.replace(" :: ", "::").replace("m ! {", "m! {"));
        assert_eq!(filled, "crate::m! {\n    x: u8,\n    y: u8,\n}\nmod n {\n    m! {\n        z\n    }\n}\n");
    }

    #[test]
    fn the_placeholder_word_in_form_text_is_left_alone() {
        let verbatim = Verbatim::default();
        let _ = verbatim.invocation(quote! { m }, vec!["INJECTED".into()]);
        for line in [
            "    /// __formwerk_verbatim_0",
            "    label: &[(\"de\", \"__formwerk_verbatim_0\")],",
            "    (\"de\", \"m! { __formwerk_verbatim_0 }\"),",
            "    \"m! { __formwerk_verbatim_0 }\",",
        ] {
            assert_eq!(verbatim.fill(line), format!("{line}\n"));
        }
        assert!(verbatim.fill("m! { __formwerk_verbatim_0 }").contains("INJECTED"));
    }

    #[test]
    fn types_and_literals_print_compactly_and_escaped() {
        let ty = quote! { ::std::option::Option<::std::vec::Vec<crate::shared::m::T>> };
        assert_eq!(text(&ty), "::std::option::Option<::std::vec::Vec<crate::shared::m::T>>");
        assert_eq!(text(&quote! { &'static str }), "&'static str");
        let evil = "\"] fn evil() {} #[doc = \"\n";
        assert_eq!(doc(evil), "#[doc = \"\\\"] fn evil() {} #[doc = \\\"\\n\"]");
        let parsed: syn::Attribute = syn::parse_quote! { #[doc = "x"] };
        assert!(parsed.path().is_ident("doc"));
        let round: syn::Expr = syn::parse_str(&string(evil)).unwrap();
        assert_eq!(quote! { #round }.to_string(), Literal::string(evil).to_string());
    }
}
