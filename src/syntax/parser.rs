//! pest pairs → AST. The grammar lives in `grammar/formwerk.pest`; operator precedence here.

use std::cell::RefCell;
use std::sync::{LazyLock, Mutex};

use pest::iterators::Pair;
use pest::pratt_parser::{Assoc, Op, PrattParser};
use pest::Parser as _;

use super::ast::*;
use crate::diag::{Code, Diagnostic};
use crate::source::{FileId, Span};
use crate::value::Date;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/formwerk.pest"]
pub(crate) struct FormParser;

/// The most operators one expression may have; bounds the depth of the expression tree.
const MAX_OPERATORS: usize = 128;

static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::op_implies, Assoc::Right))
        .op(Op::infix(Rule::op_or, Assoc::Left))
        .op(Op::infix(Rule::op_and, Assoc::Left))
        .op(Op::prefix(Rule::op_not))
        .op(Op::infix(Rule::op_eq, Assoc::Left)
            | Op::infix(Rule::op_ne, Assoc::Left)
            | Op::infix(Rule::op_lt, Assoc::Left)
            | Op::infix(Rule::op_le, Assoc::Left)
            | Op::infix(Rule::op_gt, Assoc::Left)
            | Op::infix(Rule::op_ge, Assoc::Left)
            | Op::infix(Rule::op_in, Assoc::Left)
            | Op::infix(Rule::op_not_in, Assoc::Left)
            | Op::infix(Rule::op_contains, Assoc::Left))
        .op(Op::infix(Rule::op_add, Assoc::Left) | Op::infix(Rule::op_sub, Assoc::Left))
        .op(Op::infix(Rule::op_mul, Assoc::Left) | Op::infix(Rule::op_div, Assoc::Left))
        .op(Op::prefix(Rule::op_neg))
        .op(Op::postfix(Rule::op_is_set)
            | Op::postfix(Rule::op_is_not_set)
            | Op::postfix(Rule::op_is_empty)
            | Op::postfix(Rule::op_is_not_empty))
});

pub fn parse_file(file: FileId, text: &str) -> (Option<File>, Vec<Diagnostic>) {
    match FormParser::parse(Rule::file, text) {
        Ok(mut pairs) => {
            let lower = Lower { file, diagnostics: RefCell::new(Vec::new()) };
            let ast = pairs.next().map(|pair| lower.file(pair));
            (ast, lower.diagnostics.into_inner())
        }
        Err(_) => {
            // Parse again with pest's detailed tracking, which knows the expected tokens at the
            // furthest position. It is a global switch and costs time, so it is on only for
            // this second parse, serialised so that concurrent parses cannot turn it off early.
            static DETAIL: Mutex<()> = Mutex::new(());
            let guard = DETAIL.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            pest::set_error_detail(true);
            let detailed = FormParser::parse(Rule::file, text).err();
            pest::set_error_detail(false);
            drop(guard);
            let diagnostic = detailed.map(|error| syntax_error(file, text, error));
            (None, diagnostic.into_iter().collect())
        }
    }
}

fn syntax_error(file: FileId, text: &str, error: pest::error::Error<Rule>) -> Diagnostic {
    use pest::error::{ErrorVariant, InputLocation};
    let (mut start, mut end) = match error.location {
        InputLocation::Pos(pos) => (pos, pos),
        InputLocation::Span((start, end)) => (start, end),
    };
    let mut expected: Vec<String> = Vec::new();
    if let Some(attempts) = error.parse_attempts() {
        if attempts.max_position > start {
            start = attempts.max_position.min(text.len());
            end = start;
        }
        let tokens: Vec<String> = attempts.expected_tokens().iter().map(|t| t.to_string()).collect();
        expected = summarise_tokens(&tokens);
        if expected.is_empty() {
            expected = attempts
                .call_stacks()
                .iter()
                .filter_map(|stack| stack.deepest.get_rule().copied().or(stack.parent))
                .map(|rule| describe(rule).to_string())
                .collect();
        }
    }
    // Point at the whole unexpected token rather than at a single position.
    let token_end = text[start..]
        .char_indices()
        .find(|&(i, c)| i > 0 && (c.is_whitespace() || !(c.is_alphanumeric() || c == '_')))
        .map_or(text.len(), |(i, _)| start + i);
    let end = end.max(token_end).min(text.len());
    let found = if start >= text.len() {
        "end of file".to_string()
    } else {
        let token: String = text[start..end].chars().take(30).collect();
        format!("`{}`", token.trim())
    };
    let message = match &error.variant {
        _ if !expected.is_empty() => format!("expected {}, found {found}", join_or(&expected)),
        ErrorVariant::ParsingError { positives, .. } if !positives.is_empty() => {
            let mut names: Vec<&str> = positives.iter().map(|r| describe(*r)).collect();
            names.sort_unstable();
            names.dedup();
            let expected = match names.as_slice() {
                [one] => (*one).to_string(),
                [init @ .., last] => format!("{} or {last}", init.join(", ")),
                [] => String::new(),
            };
            format!("expected {expected}, found {found}")
        }
        ErrorVariant::CustomError { message } => message.clone(),
        _ => format!("unexpected {found}"),
    };
    let expected_text = message.contains("in quotes");
    let found_word = text[start..].chars().next().is_some_and(|c| c.is_alphabetic());
    let word: String = text[start.min(text.len())..].chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
    let keyword_suggestion = if message.contains("a statement") || message.contains("a field type") {
        crate::diag::closest(&word, STATEMENT_KEYWORDS.iter().chain(TYPE_KEYWORDS).copied())
    } else {
        None
    };
    let before: Vec<&str> = {
        let mut words: Vec<&str> = text[..start.min(text.len())].split_whitespace().rev().take(2).collect();
        words.reverse();
        words
    };
    let attempt_help = super::attempts::help(&super::attempts::Attempt {
        word: &word,
        before: &before,
        statement: message.contains("a statement"),
        field_type: message.contains("a field type"),
    });
    let suggestion_help;
    let help = if let Some(help) = &attempt_help {
        help.as_str()
    } else if let Some(keyword) = keyword_suggestion {
        suggestion_help = format!("did you mean `{keyword}`?");
        suggestion_help.as_str()
    } else if let [single] = expected.as_slice() {
        if single.starts_with('`') {
            suggestion_help = format!("insert {single} before {found}");
            suggestion_help.as_str()
        } else {
            "see docs/LANGUAGE.md for the statements each block accepts"
        }
    } else if found == "end of file" {
        "a block `{` or a string `\"` was not closed"
    } else if expected_text && found_word {
        "texts are written in quotes, e.g. `field vorname: text \"Vorname\"`"
    } else if message.contains("a value") {
        "the expression is incomplete: an operator needs a value on both sides"
    } else {
        "see docs/LANGUAGE.md for the statements each block accepts"
    };
    Diagnostic::new(Code::SyntaxError, message, Span::new(file, start, end.max(start)), "unexpected here")
        .with_help(help)
}

const STATEMENT_KEYWORDS: &[&str] = &[
    "accept",
    "after",
    "at",
    "autocomplete",
    "bezug",
    "check",
    "code",
    "codelist",
    "codes",
    "count",
    "control",
    "decimals",
    "default",
    "definition",
    "description",
    "document",
    "element",
    "exclusive",
    "extensible",
    "field",
    "fim",
    "group",
    "hidden",
    "hint",
    "info",
    "item",
    "kind",
    "label",
    "languages",
    "length",
    "locked",
    "max",
    "max_size",
    "max_total",
    "member",
    "message",
    "min",
    "multiplicity",
    "must",
    "name",
    "optional",
    "output",
    "pattern",
    "prefill",
    "repeat",
    "required",
    "rule",
    "script",
    "section",
    "severity",
    "title",
    "translations",
    "unit",
    "urn",
    "value",
    "version",
    "visible",
    "within",
];
/// The simple types (before `choice`, which takes a code list), then the other type keywords.
const TYPE_KEYWORDS: &[&str] = &[
    "text",
    "multiline",
    "integer",
    "decimal",
    "money",
    "boolean",
    "date",
    "email",
    "phone",
    "iban",
    "postcode",
    "file",
    "choice",
    "multiple",
];

/// The simple types as written after `field name:`: the type keywords before `choice`.
pub const SIMPLE_TYPES: &[&str] = TYPE_KEYWORDS.split_at(12).0;
const VALUE_TOKENS: &[&str] = &["(", "-", "[", "false", "not", "today", "true"];

/// Turns pest's expected tokens into what a form author reads: keywords of statements,
/// types and values are summarised; whitespace and comment openers are dropped.
fn summarise_tokens(tokens: &[String]) -> Vec<String> {
    let trivia = ["\t", "\n", "\r", " ", "/*", "//", "\u{feff}", "_"];
    let mut out: Vec<String> = Vec::new();
    let mut statements = 0;
    let mut types = 0;
    let mut values = 0;
    let mut others = Vec::new();
    for token in tokens {
        let token = token.as_str();
        if trivia.contains(&token)
            || token.escape_debug().to_string() != token && token.chars().all(char::is_whitespace)
        {
            continue;
        }
        if token == "BUILTIN_RULE" {
            continue;
        }
        if token == "0..9" {
            values += 1;
        } else if STATEMENT_KEYWORDS.contains(&token) {
            statements += 1;
        } else if TYPE_KEYWORDS.contains(&token) {
            types += 1;
        } else if VALUE_TOKENS.contains(&token) {
            values += 1;
        } else if token == "\"" {
            out.push("a text in quotes".to_string());
        } else if token.chars().all(|c| c.is_ascii_graphic()) && token.chars().count() <= 12 && !token.contains("..")
            || token == ".."
        {
            others.push(format!("`{token}`"));
        }
    }
    // `text` alone is also an entry of a FIM rule, not a field type.
    if types > 1 {
        out.push(describe(Rule::field_type).to_string());
    }
    if values >= 3 {
        // A quote also starts a value here; "a value" says it all.
        out.retain(|t| t != "a text in quotes");
        out.push("a value".to_string());
    }
    if statements >= 3 {
        out.push("a statement".to_string());
    }
    out.extend(others);
    out
}

fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// A reader's name for what the parser expected.
fn describe(rule: Rule) -> &'static str {
    match rule {
        Rule::EOI => "end of file",
        Rule::file => "`use`, `form`, `group` or `codelist`",
        Rule::ident | Rule::module_path | Rule::path => "a name",
        Rule::string | Rule::string_body => "a string in quotes",
        Rule::text => "a text in quotes",
        Rule::translation | Rule::lang_tag | Rule::language_entry => "a translation such as `en \"…\"`",
        Rule::block => "a block `{ … }`",
        Rule::field_type | Rule::simple_type | Rule::single_choice | Rule::multi_choice => {
            "a field type (text, multiline, integer, decimal, money, boolean, date, email, phone, iban, postcode, file, choice of …)"
        }
        Rule::expr => "an expression",
        Rule::integer | Rule::int_range | Rule::count_range => "a number or range such as `1..5`",
        Rule::type_annot => "`:` and a type name",
        Rule::form_extends => "`extends` and the module of the base form",
        Rule::inline_flag => "`required`, `optional` or `must be true`",
        Rule::size_unit => "`B`, `KB` or `MB`",
        Rule::duration_unit => "`days`, `months` or `years`",
        Rule::op_implies
        | Rule::op_or
        | Rule::op_and
        | Rule::op_eq
        | Rule::op_ne
        | Rule::op_le
        | Rule::op_ge
        | Rule::op_lt
        | Rule::op_gt
        | Rule::op_in
        | Rule::op_not_in
        | Rule::op_contains
        | Rule::op_add
        | Rule::op_sub
        | Rule::op_mul
        | Rule::op_div => "an operator",
        Rule::op_is_set | Rule::op_is_not_set | Rule::op_is_empty | Rule::op_is_not_empty => "`is set` or `is empty`",
        Rule::op_not | Rule::op_neg => "a value",
        Rule::call | Rule::date_lit | Rule::duration | Rule::number | Rule::boolean | Rule::today | Rule::set_lit => "a value",
        _ => "a statement",
    }
}

struct Lower {
    file: FileId,
    diagnostics: RefCell<Vec<Diagnostic>>,
}

impl Lower {
    /// The pair's span without the trailing whitespace pest includes after optional parts.
    fn span(&self, pair: &Pair<Rule>) -> Span {
        let start = pair.as_span().start();
        Span::new(self.file, start, start + pair.as_str().trim_end().len())
    }

    fn error(&self, diagnostic: Diagnostic) {
        self.diagnostics.borrow_mut().push(diagnostic);
    }

    fn file(&self, pair: Pair<Rule>) -> File {
        let mut file = File { uses: Vec::new(), forms: Vec::new(), items: Vec::new() };
        for item in pair.into_inner() {
            match item.as_rule() {
                Rule::use_decl => {
                    let span = self.span(&item);
                    let path = item
                        .into_inner()
                        .nth(1)
                        .map(|p| p.into_inner().map(|i| self.ident(i)).collect())
                        .unwrap_or_default();
                    file.uses.push(Use { path, span });
                }
                Rule::form_decl => {
                    let span = self.span(&item);
                    let mut inner = item.into_inner().skip(1);
                    let name = self.ident(inner.next().expect("form name"));
                    let mut next = inner.next().expect("form body");
                    let mut extends = None;
                    if next.as_rule() == Rule::form_extends {
                        extends = Some(self.extends(next));
                        next = inner.next().expect("form body");
                    }
                    let body = self.block(next);
                    file.forms.push(FormDecl { name, extends, body, span });
                }
                Rule::EOI => {}
                _ => {
                    if let Some(stmt) = self.stmt(item) {
                        file.items.push(stmt);
                    }
                }
            }
        }
        file
    }

    fn ident(&self, pair: Pair<Rule>) -> Ident {
        Ident { name: pair.as_str().to_string(), span: self.span(&pair) }
    }

    fn block(&self, pair: Pair<Rule>) -> Block {
        let span = self.span(&pair);
        let mut stmts: Vec<Stmt> = pair.into_inner().filter_map(|p| self.stmt(p)).collect();
        // A catalogue's ASTs are held until every form is checked: no spare capacity.
        stmts.shrink_to_fit();
        Block { stmts, span }
    }

    fn codelist_from(&self, pair: Pair<Rule>) -> Option<CodelistFrom> {
        let span = self.span(&pair);
        let mut strings = pair.into_inner().filter(|p| p.as_rule() == Rule::string);
        let urn = self.string(strings.next()?);
        let version = strings.next().map(|p| self.string(p));
        Some(CodelistFrom { urn, version, span })
    }

    fn string(&self, pair: Pair<Rule>) -> StringLit {
        let span = self.span(&pair);
        let raw = pair.into_inner().next().map_or("", |p| p.as_str());
        let mut value = String::with_capacity(raw.len());
        let mut chars = raw.char_indices();
        while let Some((i, c)) = chars.next() {
            if c != '\\' {
                value.push(c);
                continue;
            }
            match chars.next() {
                Some((_, 'n')) => value.push('\n'),
                Some((_, 't')) => value.push('\t'),
                Some((_, 'u')) => {
                    let rest = &raw[i + 2..];
                    let close = rest.find('}').unwrap_or(rest.len());
                    let hex = rest.get(1..close).unwrap_or("");
                    match u32::from_str_radix(hex, 16).ok().and_then(char::from_u32) {
                        Some(ch) => value.push(ch),
                        None => {
                            let start = span.start as usize + 1 + i;
                            self.error(
                                Diagnostic::new(
                                    Code::InvalidLiteral,
                                    format!("`\\u{{{hex}}}` is not a Unicode character"),
                                    Span::new(self.file, start, start + close + 3),
                                    "invalid escape",
                                )
                                .with_help("use a code point up to 10FFFF that is not a surrogate (D800–DFFF)"),
                            );
                        }
                    }
                    for _ in 0..=close {
                        chars.next();
                    }
                }
                Some((_, other @ ('"' | '\\'))) => value.push(other),
                Some((_, other)) => {
                    // Keep the text as written so that later checks do not report follow-up errors.
                    value.push('\\');
                    value.push(other);
                    let start = span.start as usize + 1 + i;
                    self.error(
                        Diagnostic::new(
                            Code::InvalidLiteral,
                            format!("`\\{other}` is not an escape"),
                            Span::new(self.file, start, start + 1 + other.len_utf8()),
                            "unknown escape",
                        )
                        .with_help(format!(
                            "a backslash is written `\\\\` (in a pattern: `\\\\{other}`); the escapes are \\\" \\\\ \\n \\t \\u{{…}}"
                        )),
                    );
                }
                None => {}
            }
        }
        StringLit { value, span }
    }

    fn text(&self, pair: Pair<Rule>) -> Text {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let primary = self.string(inner.next().expect("text has a string"));
        let translations = inner
            .map(|translation| {
                let mut parts = translation.into_inner();
                let lang = self.ident(parts.next().expect("language"));
                let string = self.string(parts.next().expect("translated string"));
                (lang, string)
            })
            .collect();
        Text { primary, translations, span }
    }

    fn integer(&self, pair: Pair<Rule>) -> IntLit {
        let span = self.span(&pair);
        let value = pair.as_str().parse::<u64>().unwrap_or_else(|_| {
            self.error(Diagnostic::new(Code::InvalidLiteral, "number is too large", span, "does not fit into 64 bits"));
            0
        });
        IntLit { value, span }
    }

    fn int_range(&self, pair: Pair<Rule>) -> IntRange {
        let span = self.span(&pair);
        if pair.as_rule() == Rule::integer {
            let value = self.integer(pair);
            return IntRange { min: Some(value), max: Some(value), span };
        }
        let text = pair.as_str();
        let dots = text.find("..").unwrap_or(0) + span.start as usize;
        let mut range = IntRange { min: None, max: None, span };
        for part in pair.into_inner() {
            let value = self.integer(part);
            if (value.span.start as usize) < dots {
                range.min = Some(value);
            } else {
                range.max = Some(value);
            }
        }
        range
    }

    fn stmt(&self, pair: Pair<Rule>) -> Option<Stmt> {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let mut inner = pair.into_inner().peekable();
        // Skip the keyword token every statement starts with (text keys carry meaning).
        if !matches!(rule, Rule::text_stmt | Rule::bound_stmt | Rule::fim_entry_stmt) {
            inner.next();
        }
        let kind = match rule {
            Rule::field_stmt => {
                let name = self.ident(inner.next()?);
                let ty = self.field_type(inner.next()?);
                let mut within = None;
                let mut label = None;
                let mut flag = None;
                let mut body = None;
                for part in inner {
                    match part.as_rule() {
                        Rule::field_within => within = part.into_inner().nth(1).map(|p| self.path(p)),
                        Rule::text => label = Some(self.text(part)),
                        Rule::inline_flag => flag = Some((self.flag(&part), self.span(&part))),
                        Rule::block => body = Some(self.block(part)),
                        _ => {}
                    }
                }
                StmtKind::Field { name, ty, within, label, flag, body }
            }
            Rule::group_stmt | Rule::repeat_stmt => {
                let name = self.ident(inner.next()?);
                let (mut ty, mut label, mut count, mut body, mut flag) = (None, None, None, None, None);
                for part in inner {
                    match part.as_rule() {
                        Rule::inline_flag => flag = Some((self.flag(&part), self.span(&part))),
                        Rule::type_annot => ty = part.into_inner().next().map(|p| self.ident(p)),
                        Rule::text => label = Some(self.text(part)),
                        Rule::count_range => count = part.into_inner().next().map(|p| self.int_range(p)),
                        Rule::block => body = Some(self.block(part)),
                        _ => {}
                    }
                }
                if rule == Rule::group_stmt {
                    StmtKind::Group { name, ty, label, flag, body }
                } else {
                    StmtKind::Repeat { name, ty, label, count, body }
                }
            }
            Rule::section_stmt | Rule::codelist_stmt => {
                let name = self.ident(inner.next()?);
                let (mut label, mut body, mut from) = (None, None, None);
                for part in inner {
                    match part.as_rule() {
                        Rule::text => label = Some(self.text(part)),
                        Rule::block => body = Some(self.block(part)),
                        Rule::codelist_from => from = self.codelist_from(part),
                        _ => {}
                    }
                }
                if rule == Rule::section_stmt {
                    StmtKind::Section { name, label, body }
                } else {
                    StmtKind::Codelist { name, label, body, from }
                }
            }
            Rule::info_stmt => {
                let name = self.ident(inner.next()?);
                let text = self.text(inner.next()?);
                let body = inner.next().map(|b| self.block(b));
                StmtKind::Info { name, text, body }
            }
            Rule::rule_stmt => {
                let name = self.ident(inner.next()?);
                let mut next = inner.next()?;
                let mut when = None;
                if next.as_rule() == Rule::kw_when {
                    when = self.expr(inner.next()?);
                    next = inner.next()?;
                }
                let body = self.block(next);
                StmtKind::Rule { name, when, body }
            }
            Rule::code_stmt => {
                let code = self.string(inner.next()?);
                let (mut label, mut within) = (None, None);
                for part in inner {
                    match part.as_rule() {
                        Rule::text => label = Some(self.text(part)),
                        Rule::code_within => within = part.into_inner().nth(1).map(|p| self.string(p)),
                        _ => {}
                    }
                }
                StmtKind::Code { code, label, within }
            }
            Rule::text_stmt => {
                let key = match inner.next()?.as_str() {
                    "label" => TextKey::Label,
                    "hint" => TextKey::Hint,
                    "title" => TextKey::Title,
                    "description" => TextKey::Description,
                    "message" => TextKey::Message,
                    "unit" => TextKey::Unit,
                    _ => TextKey::Item,
                };
                StmtKind::Text { key, text: self.text(inner.next()?) }
            }
            Rule::version_stmt => StmtKind::Version(self.string(inner.next()?)),
            Rule::languages_stmt => StmtKind::Languages(inner.map(|p| self.ident(p)).collect()),
            Rule::fim_stmt | Rule::fim_rule_stmt => {
                let id = self.string(inner.next()?);
                let (mut version, mut body) = (None, None);
                for part in inner {
                    match part.as_rule() {
                        Rule::string => version = Some(self.string(part)),
                        Rule::block => body = Some(self.block(part)),
                        _ => {}
                    }
                }
                if rule == Rule::fim_stmt {
                    StmtKind::Fim { id, version, body }
                } else {
                    StmtKind::FimRule { id, version, body }
                }
            }
            Rule::fim_entry_stmt => {
                let key = match inner.next()?.as_str() {
                    "name" => FimKey::Name,
                    "definition" => FimKey::Definition,
                    "element" => FimKey::Element,
                    "prefill" => FimKey::Prefill,
                    "multiplicity" => FimKey::Multiplicity,
                    "text" => FimKey::Text,
                    "script" => FimKey::Script,
                    _ => FimKey::Kind,
                };
                StmtKind::FimEntry { key, value: self.string(inner.next()?) }
            }
            Rule::bezug_stmt => {
                let text = self.string(inner.next()?);
                let link = inner.nth(1).map(|p| self.string(p));
                StmtKind::Bezug { text, link }
            }
            Rule::document_stmt => {
                let id = self.string(inner.next()?);
                let version = inner.nth(1).map(|p| self.string(p));
                StmtKind::Document { id, version }
            }
            Rule::member_stmt => {
                let path = self.path(inner.next()?);
                let body = self.block(inner.next()?);
                StmtKind::Member { path, body }
            }
            Rule::hidden_stmt => StmtKind::Hidden,
            Rule::extensible_stmt => StmtKind::Extensible,
            Rule::default_stmt => StmtKind::Default(self.expr(inner.next()?)?),
            Rule::value_stmt => StmtKind::Value(self.expr(inner.next()?)?),
            Rule::prefill_stmt => {
                let source = inner.clone().find(|p| p.as_rule() == Rule::string)?;
                StmtKind::Prefill { source: self.string(source), locked: inner.any(|p| p.as_rule() == Rule::kw_locked) }
            }
            Rule::fim_codelist_stmt => {
                let urn = self.string(inner.next()?);
                let version = inner.nth(1).map(|p| self.string(p));
                StmtKind::FimCodelist { urn, version }
            }
            Rule::output_stmt => {
                let hint = inner.next()?.as_str() == "hint";
                StmtKind::Output { hint, text: self.string(inner.next()?) }
            }
            Rule::locked_stmt => StmtKind::Locked,
            Rule::urn_stmt => StmtKind::Urn(self.string(inner.next()?)),
            Rule::required_stmt => {
                let (mut when, mut message) = (None, None);
                for part in inner {
                    match part.as_rule() {
                        Rule::required_when => when = part.into_inner().nth(1).and_then(|e| self.expr(e)),
                        Rule::required_message => message = part.into_inner().nth(1).map(|t| self.text(t)),
                        _ => {}
                    }
                }
                StmtKind::Required { when, message }
            }
            Rule::severity_stmt => StmtKind::Severity(self.ident(inner.next()?)),
            Rule::within_stmt => {
                let path = self.path(inner.next()?);
                let prefix = inner.next().and_then(|by| by.into_inner().nth(2)).map(|n| self.integer(n));
                StmtKind::Within { path, prefix }
            }
            Rule::optional_stmt => StmtKind::Optional,
            Rule::visible_stmt => StmtKind::Visible(self.expr(inner.nth(1)?)?),
            Rule::length_stmt => StmtKind::Length(self.int_range(inner.next()?)),
            Rule::bound_stmt => {
                let kind = if inner.next()?.as_str() == "min" { BoundKind::Min } else { BoundKind::Max };
                StmtKind::Bound { kind, value: self.expr(inner.next()?)? }
            }
            Rule::decimals_stmt => StmtKind::Decimals(self.integer(inner.next()?)),
            Rule::pattern_stmt => StmtKind::Pattern(self.string(inner.next()?)),
            Rule::accept_stmt => StmtKind::Accept(inner.map(|p| self.string(p)).collect()),
            Rule::max_size_stmt | Rule::max_total_stmt => {
                let total = rule == Rule::max_total_stmt;
                let amount = self.integer(inner.next()?);
                let unit = match inner.next()?.as_str() {
                    "KB" => SizeUnit::Kb,
                    "MB" => SizeUnit::Mb,
                    _ => SizeUnit::Bytes,
                };
                if total {
                    StmtKind::MaxTotal { amount, unit }
                } else {
                    StmtKind::MaxSize { amount, unit }
                }
            }
            Rule::count_stmt => StmtKind::Count(self.int_range(inner.next()?)),
            Rule::autocomplete_stmt => StmtKind::Autocomplete(self.string(inner.next()?)),
            Rule::control_stmt => StmtKind::Control(self.ident(inner.next()?)),
            Rule::check_stmt => StmtKind::Check(self.expr(inner.next()?)?),
            Rule::at_stmt => StmtKind::At(self.path(inner.next()?)),
            Rule::must_stmt => StmtKind::MustBeTrue,
            Rule::exclusive_stmt => {
                StmtKind::Exclusive(inner.filter(|p| p.as_rule() == Rule::string).map(|s| self.string(s)).collect())
            }
            Rule::codes_stmt => {
                StmtKind::Codes(inner.filter(|p| p.as_rule() == Rule::string).map(|s| self.string(s)).collect())
            }
            Rule::translations_stmt => {
                let lang = self.ident(inner.next()?);
                let entries = inner
                    .filter(|p| p.as_rule() == Rule::translation_entry_stmt)
                    .filter_map(|entry| {
                        let mut parts = entry.into_inner();
                        let primary = self.string(parts.next()?);
                        let translated = self.string(parts.next()?);
                        Some((primary, translated))
                    })
                    .collect();
                StmtKind::Translations { lang, entries }
            }
            Rule::after_stmt => {
                let path = self.path(inner.next()?);
                let body = self.block(inner.next()?);
                StmtKind::After { path, body }
            }
            _ => return None,
        };
        Some(Stmt { kind, span })
    }

    fn flag(&self, pair: &Pair<Rule>) -> Flag {
        match pair.as_str().trim() {
            "required" => Flag::Required,
            "optional" => Flag::Optional,
            _ => Flag::MustBeTrue,
        }
    }

    fn field_type(&self, pair: Pair<Rule>) -> FieldTypeAst {
        let inner = pair.into_inner().next().expect("field type alternative");
        match inner.as_rule() {
            Rule::simple_type => FieldTypeAst::Simple(self.ident(inner)),
            rule => {
                let list =
                    inner.into_inner().find(|p| p.as_rule() == Rule::ident).map(|p| self.ident(p)).expect("list name");
                FieldTypeAst::Choice { list, multiple: rule == Rule::multi_choice }
            }
        }
    }

    /// `extends a.b unchecked "reason"`.
    fn extends(&self, pair: Pair<Rule>) -> Extends {
        let span = self.span(&pair);
        let mut base = Vec::new();
        let mut unchecked = None;
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::module_path => base = part.into_inner().map(|i| self.ident(i)).collect(),
                Rule::string => unchecked = Some(self.string(part)),
                _ => {}
            }
        }
        Extends { base, unchecked, span }
    }

    fn path(&self, pair: Pair<Rule>) -> Path {
        let span = self.span(&pair);
        Path { segments: pair.into_inner().map(|p| self.ident(p)).collect(), span }
    }

    /// Lowers an `expr` pair. Returns `None` (with a diagnostic) when a literal is invalid.
    fn expr(&self, pair: Pair<Rule>) -> Option<Expr> {
        let span = self.span(&pair);
        let pairs = pair.into_inner();
        let n_operators = pairs.clone().filter(|p| format!("{:?}", p.as_rule()).starts_with("op_")).count();
        if n_operators > MAX_OPERATORS {
            self.error(
                Diagnostic::new(
                    Code::SyntaxError,
                    format!("expression has {n_operators} operators; at most {MAX_OPERATORS} are allowed"),
                    span,
                    "too long",
                )
                .with_help("split it into several rules or conditions"),
            );
            return None;
        }
        PRATT
            .map_primary(|primary| self.primary(primary))
            .map_prefix(|op, operand| {
                let operand = operand?;
                let op_span = self.span(&op);
                let op = if op.as_rule() == Rule::op_not { UnaryOp::Not } else { UnaryOp::Neg };
                Some(Expr { span: op_span.to(operand.span), kind: ExprKind::Unary { op, operand: Box::new(operand) } })
            })
            .map_postfix(|operand, op| {
                let operand = operand?;
                let op_span = self.span(&op);
                let op = match op.as_rule() {
                    Rule::op_is_set => PostfixOp::IsSet,
                    Rule::op_is_not_set => PostfixOp::IsNotSet,
                    Rule::op_is_empty => PostfixOp::IsEmpty,
                    _ => PostfixOp::IsNotEmpty,
                };
                Some(Expr {
                    span: operand.span.to(op_span),
                    kind: ExprKind::Postfix { op, operand: Box::new(operand) },
                })
            })
            .map_infix(|lhs, op, rhs| {
                let (lhs, rhs) = (lhs?, rhs?);
                let op = match op.as_rule() {
                    Rule::op_implies => BinaryOp::Implies,
                    Rule::op_or => BinaryOp::Or,
                    Rule::op_and => BinaryOp::And,
                    Rule::op_eq => BinaryOp::Eq,
                    Rule::op_ne => BinaryOp::Ne,
                    Rule::op_lt => BinaryOp::Lt,
                    Rule::op_le => BinaryOp::Le,
                    Rule::op_gt => BinaryOp::Gt,
                    Rule::op_ge => BinaryOp::Ge,
                    Rule::op_in => BinaryOp::In,
                    Rule::op_not_in => BinaryOp::NotIn,
                    Rule::op_contains => BinaryOp::Contains,
                    Rule::op_add => BinaryOp::Add,
                    Rule::op_sub => BinaryOp::Sub,
                    Rule::op_mul => BinaryOp::Mul,
                    _ => BinaryOp::Div,
                };
                Some(Expr {
                    span: lhs.span.to(rhs.span),
                    kind: ExprKind::Binary { op, lhs: Box::new(lhs), rhs: Box::new(rhs) },
                })
            })
            .parse(pairs)
    }

    fn primary(&self, pair: Pair<Rule>) -> Option<Expr> {
        let span = self.span(&pair);
        let kind = match pair.as_rule() {
            Rule::expr => return self.expr(pair).map(|e| Expr { span, ..e }),
            Rule::boolean => ExprKind::Bool(pair.as_str() == "true"),
            Rule::number => ExprKind::Number(pair.as_str().to_string()),
            Rule::string => ExprKind::Str(self.string(pair).value),
            Rule::today => ExprKind::Today,
            Rule::date_lit => {
                let text = pair.as_str();
                if Date::parse(text).is_none() {
                    self.error(
                        Diagnostic::new(
                            Code::InvalidLiteral,
                            format!("`{text}` is not a date in the calendar"),
                            span,
                            "no such day",
                        )
                        .with_help("dates are written YYYY-MM-DD; check the day of the month and leap years"),
                    );
                    return None;
                }
                ExprKind::Date(text.to_string())
            }
            Rule::duration => {
                let mut inner = pair.into_inner();
                let amount = self.integer(inner.next()?);
                let unit = match inner.next()?.as_str().trim_end_matches('s') {
                    "day" => DurationUnit::Days,
                    "month" => DurationUnit::Months,
                    _ => DurationUnit::Years,
                };
                let Ok(amount) = u32::try_from(amount.value).map(|a| a.min(100_000)) else {
                    self.error(Diagnostic::new(Code::InvalidLiteral, "duration is too long", span, "too large"));
                    return None;
                };
                ExprKind::Duration { amount, unit }
            }
            Rule::set_lit => {
                let items: Option<Vec<Expr>> = pair.into_inner().map(|p| self.expr(p)).collect();
                ExprKind::Set(items?)
            }
            Rule::call => {
                let mut inner = pair.into_inner();
                let name = self.ident(inner.next()?);
                let args: Option<Vec<Expr>> = inner.map(|p| self.expr(p)).collect();
                ExprKind::Call { name, args: args? }
            }
            Rule::path => ExprKind::Path(self.path(pair)),
            _ => return None,
        };
        Some(Expr { kind, span })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_simple_types_are_the_type_keywords_before_choice() {
        assert_eq!(super::SIMPLE_TYPES.last(), Some(&"file"));
        assert_eq!(super::TYPE_KEYWORDS[super::SIMPLE_TYPES.len()], "choice");
    }
}
