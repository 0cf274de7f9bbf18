//! Field types and constraints: which constraint applies to which type, constant bounds,
//! and bounds that contradict each other.
//!
//! ```text
//! field alter: integer "Alter" { min 0  max 130 }          // accepted
//! field alter: integer "Alter" { min 18 max 16 }           // contradictory-bounds
//! field name: text "Name" { decimals 2 }                    // not-applicable
//! field miete: money "Miete" { decimals 0 }                 // whole euros
//! field geburtsdatum: date "Geburtsdatum" { max today - 14 years }
//! ```

use super::pattern;
use super::props::Props;
use super::text::Languages;
use crate::diag::{Code, Diagnostic};
use crate::ir::{self, Bound, Constraints, Control, DateUnit, FieldType};
use crate::source::Span;
use crate::syntax::ast::{self, ExprKind, SizeUnit, UnaryOp};
use crate::value::{Date, Decimal, DurationUnit};

/// The simple types as written after `field name:` (in the grammar's order): the parser's
/// type keywords before `choice`.
pub use crate::syntax::SIMPLE_TYPES;

/// Maps a simple type name to its field type; `None` for choices (resolved by the caller).
pub fn simple_type(name: &str) -> Option<FieldType> {
    Some(match name {
        "text" => FieldType::Text,
        "multiline" => FieldType::Multiline,
        "integer" => FieldType::Integer,
        "decimal" => FieldType::Decimal,
        "money" => FieldType::Money,
        "boolean" => FieldType::Boolean,
        "date" => FieldType::Date,
        "email" => FieldType::Email,
        "phone" => FieldType::Phone,
        "iban" => FieldType::Iban,
        "postcode" => FieldType::Postcode,
        "file" => FieldType::File,
        _ => return None,
    })
}

fn type_name(ty: &FieldType) -> &'static str {
    match ty {
        FieldType::Text => "text",
        FieldType::Multiline => "multiline",
        FieldType::Integer => "integer",
        FieldType::Decimal => "decimal",
        FieldType::Money => "money",
        FieldType::Boolean => "boolean",
        FieldType::Date => "date",
        FieldType::Email => "email",
        FieldType::Phone => "phone",
        FieldType::Iban => "iban",
        FieldType::Postcode => "postcode",
        FieldType::File => "file",
        FieldType::Files => "file (several)",
        FieldType::Choice { .. } => "choice",
        FieldType::MultipleChoice { .. } => "multiple choice",
    }
}

/// WHATWG autocomplete tokens allowed for data about the person filling in (HTML.md §2.3).
pub const AUTOCOMPLETE_TOKENS: &[&str] = &[
    "given-name",
    "additional-name",
    "family-name",
    "honorific-prefix",
    "bday",
    "address-line1",
    "address-line2",
    "postal-code",
    "address-level2",
    "country",
    "country-name",
    "email",
    "tel",
    "organization",
    "organization-title",
];

/// Whether `value` is what `accept` takes: an extension (`.pdf`) or a media type
/// (`image/jpeg`, `image/*`). The FIM import asks the same question before it prints one.
pub fn is_file_type(value: &str) -> bool {
    let extension = value.len() > 1 && value.starts_with('.') && value[1..].chars().all(|c| c.is_ascii_alphanumeric());
    let media_type = value.split_once('/').is_some_and(|(a, b)| {
        !a.is_empty() && !b.is_empty() && value.chars().all(|c| c.is_ascii_alphanumeric() || "/.+-*".contains(c))
    });
    extension || media_type
}

/// Lowers the constraints of a field of type `ty`; reports those that do not apply.
pub fn constraints(ty: &FieldType, props: &Props, langs: &Languages, diagnostics: &mut Vec<Diagnostic>) -> Constraints {
    let mut out = Constraints::default();
    let text_like = matches!(ty, FieldType::Text | FieldType::Multiline | FieldType::Email | FieldType::Phone);
    let ordered = matches!(ty, FieldType::Integer | FieldType::Decimal | FieldType::Money | FieldType::Date);
    let mut not_applicable = |keyword: &str, help: &str| {
        if let Some(span) = props.span_of(keyword) {
            diagnostics.push(
                Diagnostic::new(
                    Code::NotApplicable,
                    format!("`{keyword}` does not apply to a field of type {}", type_name(ty)),
                    span,
                    "not applicable",
                )
                .with_help(help.to_string()),
            );
            false
        } else {
            true
        }
    };
    let length_ok =
        text_like || not_applicable("length", "`length` applies to text, multiline, email and phone fields");
    let pattern_ok =
        text_like || not_applicable("pattern", "`pattern` applies to text, multiline, email and phone fields");
    let min_ok = ordered || not_applicable("min", "`min` applies to integer, decimal, money and date fields");
    let max_ok = ordered || not_applicable("max", "`max` applies to integer, decimal, money and date fields");
    let decimals_help = if *ty == FieldType::Money {
        "money has cents (at most two decimals) unless `decimals 0` makes it whole euros"
    } else {
        "`decimals` applies to decimal fields, and `decimals 0` to money (whole euros)"
    };
    let whole_euros = *ty == FieldType::Money && props.decimals.is_some_and(|d| d.value == 0);
    let decimals_ok = *ty == FieldType::Decimal || whole_euros || not_applicable("decimals", decimals_help);
    let file = matches!(ty, FieldType::File | FieldType::Files);
    let files = *ty == FieldType::Files;
    let accept_ok = file || not_applicable("accept", "`accept` applies to file fields");
    let size_ok = file || not_applicable("max_size", "`max_size` applies to file fields");
    let count_ok = files || not_applicable("count", "`count` applies to file fields: it lets one take several files");
    let total_ok = files
        || not_applicable("max_total", "`max_total` applies to a file field that takes several files (`count 1..5`)");
    let _ = (length_ok, pattern_ok, min_ok, max_ok, decimals_ok, accept_ok, size_ok, count_ok, total_ok);

    if let (true, Some(range)) = (length_ok, props.length) {
        out.min_length = range.min.map(|m| m.value).filter(|&m| m > 0);
        out.max_length = range.max.map(|m| m.value);
        if let (Some(min), Some(max)) = (range.min, range.max) {
            if min.value > max.value {
                diagnostics
                    .push(contradictory(range.span, format!("length {}..{} allows no value", min.value, max.value)));
            }
        }
    }
    if pattern_ok {
        if let Some(literal) = props.pattern {
            if let Some(regex) = pattern::lower(literal, diagnostics) {
                let message = props.message.map(|m| langs.lower(m, diagnostics));
                out.pattern = Some(ir::Pattern { source: literal.value.clone(), regex, message });
            }
        } else if let Some(message) = props.message {
            diagnostics.push(
                Diagnostic::new(Code::MisplacedStatement, "`message` in a field needs a `pattern`", message.span, "no pattern to explain")
                    .with_help("a field's `message` is shown when its pattern does not match; cross-field messages belong in a `rule`"),
            );
        }
    }
    if min_ok {
        out.min = props.min.and_then(|e| bound(e, ty, diagnostics));
    }
    if max_ok {
        out.max = props.max.and_then(|e| bound(e, ty, diagnostics));
    }
    if let (Some(min), Some(max), Some(min_expr), Some(max_expr)) = (&out.min, &out.max, props.min, props.max) {
        if bounds_contradict(min, max) {
            diagnostics.push(
                contradictory(min_expr.span.to(max_expr.span), "the minimum is above the maximum".to_string())
                    .with_note(min_expr.span, "minimum")
                    .with_note(max_expr.span, "maximum"),
            );
        }
    }
    if let (true, Some(decimals)) = (decimals_ok, props.decimals) {
        out.decimals = Some(decimals.value.min(28) as u32);
        for (expr, value) in [(props.min, &out.min), (props.max, &out.max)] {
            if let (Some(expr), Some(Bound::Number { value })) = (expr, value) {
                if Decimal::parse(value).is_some_and(|d| d.significant_scale() as u64 > decimals.value) {
                    let message = match (whole_euros, decimals.value) {
                        (true, _) => format!("bound {value} is not a whole number of euros"),
                        (false, 0) => format!("bound {value} is not a whole number"),
                        (false, 1) => format!("bound {value} has more than one decimal place"),
                        (false, n) => format!("bound {value} has more than {n} decimal places"),
                    };
                    diagnostics.push(
                        Diagnostic::new(Code::InvalidBound, message, expr.span, "too precise")
                            .with_help("a bound must itself be a valid value of the field"),
                    );
                }
            }
        }
    }
    if let (true, Some((list, _))) = (accept_ok, props.accept) {
        for entry in list {
            let value = entry.value.trim();
            if is_file_type(value) {
                out.accept.push(value.to_ascii_lowercase());
            } else {
                diagnostics.push(
                    Diagnostic::new(
                        Code::InvalidLiteral,
                        format!("\"{}\" is not a file type", entry.value),
                        entry.span,
                        "invalid file type",
                    )
                    .with_help("write an extension such as \".pdf\" or a media type such as \"image/jpeg\""),
                );
            }
        }
    }
    if let (true, Some((amount, unit, span))) = (size_ok, props.max_size) {
        match size_in_bytes(amount, unit) {
            Some(0) => diagnostics.push(contradictory(span, "a file of at most 0 bytes cannot be uploaded".into())),
            Some(bytes) => out.max_size = Some(bytes),
            None => {
                diagnostics.push(Diagnostic::new(Code::InvalidLiteral, "file size is too large", span, "too large"))
            }
        }
    }
    if let (true, Some((range, span))) = (count_ok, props.count) {
        file_count(range, span, &mut out, diagnostics);
    }
    if let (true, Some((amount, unit, span))) = (total_ok, props.max_total) {
        match size_in_bytes(amount, unit) {
            Some(0) => {
                diagnostics.push(contradictory(span, "files of at most 0 bytes together cannot be uploaded".into()))
            }
            Some(bytes) => {
                out.max_total = Some(bytes);
                if out.max_size.is_some_and(|each| each > bytes) {
                    diagnostics.push(
                        Diagnostic::new(
                            Code::ContradictoryBounds,
                            "`max_size` of each file is larger than `max_total` of all files",
                            span,
                            "smaller than one file may be",
                        )
                        .with_help(
                            "lower `max_size` to at most the total, or leave it out: the total bounds each file too",
                        ),
                    );
                }
            }
            None => {
                diagnostics.push(Diagnostic::new(Code::InvalidLiteral, "file size is too large", span, "too large"))
            }
        }
    }
    out
}

/// The most files one field may take: what a citizen can sensibly attach, and what bounds a
/// server's work on one field.
pub const MAX_FILES: u64 = 100;

/// `count 1..5` of a field that takes several files: at least one file (`required` does not
/// lower that), at most a stated maximum of [`MAX_FILES`] or fewer.
fn file_count(range: &ast::IntRange, span: Span, out: &mut Constraints, diagnostics: &mut Vec<Diagnostic>) {
    let Some(max) = range.max else {
        diagnostics.push(
            Diagnostic::new(Code::InvalidBound, "`count` needs a maximum", range.span, "no maximum")
                .with_help(format!("write the most files the field takes, e.g. `count 1..5` (at most {MAX_FILES})")),
        );
        return;
    };
    if max.value > MAX_FILES {
        diagnostics.push(
            Diagnostic::new(
                Code::InvalidBound,
                format!("a field takes at most {MAX_FILES} files"),
                max.span,
                "too many",
            )
            .with_help("ask for an archive or split the files over several fields"),
        );
        return;
    }
    let min = range.min.map_or(0, |m| m.value);
    if max.value == 0 || min > max.value {
        diagnostics.push(contradictory(span, format!("count {min}..{} allows no files", max.value)));
        return;
    }
    // Bounded by `MAX_FILES` above, so both fit.
    out.min_count = (min > 1).then_some(min as u32);
    out.max_count = Some(max.value as u32);
}

fn size_in_bytes(amount: &ast::IntLit, unit: SizeUnit) -> Option<u64> {
    let factor: u64 = match unit {
        SizeUnit::Bytes => 1,
        SizeUnit::Kb => 1024,
        SizeUnit::Mb => 1024 * 1024,
    };
    amount.value.checked_mul(factor)
}

fn contradictory(span: Span, message: String) -> Diagnostic {
    Diagnostic::new(Code::ContradictoryBounds, message, span, "no value can satisfy this")
        .with_help("the lower bound must not be above the upper bound")
}

/// A constant bound for a field of type `ty`.
fn bound(expr: &ast::Expr, ty: &FieldType, diagnostics: &mut Vec<Diagnostic>) -> Option<Bound> {
    let invalid = |diagnostics: &mut Vec<Diagnostic>, message: String, help: &str| {
        diagnostics
            .push(Diagnostic::new(Code::InvalidBound, message, expr.span, "invalid bound").with_help(help.to_string()));
        None
    };
    if *ty == FieldType::Date {
        return match date_bound(expr) {
            Some(bound) => Some(bound),
            None => invalid(
                diagnostics,
                "a date bound must be a date or `today` shifted by a duration".into(),
                "write e.g. `min 1900-01-01`, `max today` or `max today - 14 years`; compare with other fields in a `rule`",
            ),
        };
    }
    let number = match &expr.kind {
        ExprKind::Number(n) => Some(n.clone()),
        ExprKind::Unary { op: UnaryOp::Neg, operand } => match &operand.kind {
            ExprKind::Number(n) => Some(format!("-{n}")),
            _ => None,
        },
        _ => None,
    };
    let Some(value) = number.as_deref().and_then(Decimal::parse) else {
        return invalid(
            diagnostics,
            format!("a bound of a field of type {} must be a number", type_name(ty)),
            "write e.g. `min 0` or `max 99.99`; compare with other fields in a `rule`",
        );
    };
    match ty {
        FieldType::Integer if !value.is_integer() => {
            invalid(diagnostics, format!("{value} is not a whole number"), "an integer field needs whole-number bounds")
        }
        FieldType::Money if value.significant_scale() > 2 => {
            invalid(diagnostics, format!("{value} has more than two decimal places"), "money has cents at most")
        }
        _ => Some(Bound::Number { value: value.to_string() }),
    }
}

fn date_bound(expr: &ast::Expr) -> Option<Bound> {
    match &expr.kind {
        ExprKind::Date(text) => Some(Bound::Date { value: text.clone() }),
        ExprKind::Today => Some(Bound::Today { amount: 0, unit: DateUnit::Days }),
        ExprKind::Binary { op: op @ (ast::BinaryOp::Add | ast::BinaryOp::Sub), lhs, rhs } => {
            let (ExprKind::Today, ExprKind::Duration { amount, unit }) = (&lhs.kind, &rhs.kind) else {
                return None;
            };
            let amount = if *op == ast::BinaryOp::Sub { -(*amount as i64) } else { *amount as i64 };
            let unit = match unit {
                ast::DurationUnit::Days => DateUnit::Days,
                ast::DurationUnit::Months => DateUnit::Months,
                ast::DurationUnit::Years => DateUnit::Years,
            };
            Some(Bound::Today { amount, unit })
        }
        _ => None,
    }
}

/// Days on which bounds relative to today are compared: month ends and leap days.
const REFERENCE_DAYS: [&str; 5] = ["2023-01-31", "2024-02-29", "2025-02-28", "2026-03-31", "2026-11-28"];

/// Whether `min > max` for every possible value of `today` (checked on a few reference days
/// that cover month ends and leap days) or, for constants, plainly.
pub fn bounds_contradict(min: &Bound, max: &Bound) -> bool {
    match (min, max) {
        (Bound::Number { value: a }, Bound::Number { value: b }) => {
            matches!((Decimal::parse(a), Decimal::parse(b)), (Some(a), Some(b)) if a > b)
        }
        (Bound::Date { value: a }, Bound::Date { value: b }) => a > b,
        (Bound::Today { .. }, Bound::Today { .. }) => REFERENCE_DAYS
            .iter()
            .filter_map(|r| Date::parse(r))
            .all(|today| matches!((resolve_today(min, today), resolve_today(max, today)), (Some(a), Some(b)) if a > b)),
        _ => false,
    }
}

/// Whether bound `a` is at least `b` for every value of `today`; `None` when that cannot be
/// told (a fixed date against one relative to today).
pub fn bound_at_least(a: &Bound, b: &Bound) -> Option<bool> {
    match (a, b) {
        (Bound::Number { value: a }, Bound::Number { value: b }) => Some(Decimal::parse(a)? >= Decimal::parse(b)?),
        (Bound::Date { value: a }, Bound::Date { value: b }) => Some(a >= b),
        (Bound::Today { .. }, Bound::Today { .. }) => {
            Some(REFERENCE_DAYS.iter().filter_map(|r| Date::parse(r)).all(
                |today| matches!((resolve_today(a, today), resolve_today(b, today)), (Some(a), Some(b)) if a >= b),
            ))
        }
        _ => None,
    }
}

fn resolve_today(bound: &Bound, today: Date) -> Option<Date> {
    let Bound::Today { amount, unit } = bound else {
        return None;
    };
    let unit = match unit {
        DateUnit::Days => DurationUnit::Days,
        DateUnit::Months => DurationUnit::Months,
        DateUnit::Years => DurationUnit::Years,
    };
    today.shift(*amount, unit)
}

/// Checks an `autocomplete` token against the allow-list; an optional `section-…` prefix is kept.
pub fn autocomplete(token: &ast::StringLit, ty: &FieldType, diagnostics: &mut Vec<Diagnostic>) -> Option<String> {
    let words: Vec<&str> = token.value.split_whitespace().collect();
    let (section, name) = match words.as_slice() {
        [section, name] if section.starts_with("section-") && section.len() > 8 => (Some(*section), *name),
        [name] => (None, *name),
        _ => (None, ""),
    };
    if !AUTOCOMPLETE_TOKENS.contains(&name) {
        let suggestion = crate::diag::closest(name, AUTOCOMPLETE_TOKENS.iter().copied());
        let help = match suggestion {
            Some(s) => format!("did you mean \"{s}\"? Allowed: {}", AUTOCOMPLETE_TOKENS.join(", ")),
            None => format!("allowed tokens: {}", AUTOCOMPLETE_TOKENS.join(", ")),
        };
        diagnostics.push(
            Diagnostic::new(
                Code::InvalidAutocomplete,
                format!("\"{}\" is not an allowed autocomplete token", token.value),
                token.span,
                "unknown token",
            )
            .with_help(help),
        );
        return None;
    }
    let fits = match ty {
        FieldType::Text => true,
        FieldType::Email => name == "email",
        FieldType::Phone => name == "tel",
        FieldType::Postcode => name == "postal-code",
        FieldType::Date => name == "bday",
        FieldType::Choice { .. } => name == "country",
        _ => false,
    };
    if !fits {
        diagnostics.push(
            Diagnostic::new(
                Code::NotApplicable,
                format!("autocomplete \"{name}\" does not fit a field of type {}", type_name(ty)),
                token.span,
                "does not fit",
            )
            .with_help("email fields take \"email\", phone \"tel\", postcode \"postal-code\", dates \"bday\", country choices \"country\""),
        );
        return None;
    }
    Some(match section {
        Some(section) => format!("{section} {name}"),
        None => name.to_string(),
    })
}

/// Checks `control` against the field type.
pub fn control(ident: &ast::Ident, ty: &FieldType, diagnostics: &mut Vec<Diagnostic>) -> Option<Control> {
    let allowed: &[(&str, Control)] = match ty {
        FieldType::Choice { .. } => &[("radios", Control::Radios), ("select", Control::Select)],
        FieldType::Boolean => &[("radios", Control::Radios), ("checkbox", Control::Checkbox)],
        FieldType::MultipleChoice { .. } => &[("checkbox", Control::Checkbox)],
        _ => &[],
    };
    if let Some((_, control)) = allowed.iter().find(|(name, _)| *name == ident.name) {
        return Some(*control);
    }
    let help = if allowed.is_empty() {
        "`control` applies to choices (radios, select), booleans (radios, checkbox) and multiple choices (checkbox)"
            .to_string()
    } else {
        format!(
            "a field of type {} can be shown as {}",
            type_name(ty),
            allowed.iter().map(|(n, _)| format!("`{n}`")).collect::<Vec<_>>().join(" or ")
        )
    };
    diagnostics.push(
        Diagnostic::new(
            Code::NotApplicable,
            format!("`control {}` does not apply to a field of type {}", ident.name, type_name(ty)),
            ident.span,
            "not applicable",
        )
        .with_help(help),
    );
    None
}

/// Whether a `unit` fits the field type: only integer and decimal fields hold a number that
/// is measured in a unit (money is always in euros); an empty unit says nothing.
pub fn unit(text: &ast::Text, ty: &FieldType, diagnostics: &mut Vec<Diagnostic>) -> bool {
    let help = match ty {
        FieldType::Integer | FieldType::Decimal => None,
        FieldType::Money => Some("money is always in euros and shows `€` itself; say what the amount is per in the label (\"Miete pro Monat\")"),
        _ => Some("`unit` applies to integer and decimal fields; say the unit of other values in the label or hint"),
    };
    if let Some(help) = help {
        diagnostics.push(
            Diagnostic::new(
                Code::NotApplicable,
                format!("`unit` does not apply to a field of type {}", type_name(ty)),
                text.span,
                "not applicable",
            )
            .with_help(help),
        );
        return false;
    }
    let blank = std::iter::once(&text.primary).chain(text.translations.iter().map(|(_, t)| t));
    if let Some(empty) = blank.into_iter().find(|t| t.value.trim().is_empty()) {
        diagnostics.push(
            Diagnostic::new(Code::InvalidLiteral, "a unit must not be empty", empty.span, "empty unit")
                .with_help("write the unit as citizens read it, e.g. `unit \"m²\"`, or leave `unit` out"),
        );
        return false;
    }
    true
}

/// `prefill from "key" [locked]`: the key is the portal's name for a value (letters, digits,
/// `.`, `_`, `-`; at most 100 characters). A file is never prefilled.
pub fn prefill(
    source: &ast::StringLit,
    locked: bool,
    span: Span,
    ty: &FieldType,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<ir::Prefill> {
    if matches!(ty, FieldType::File | FieldType::Files) {
        diagnostics.push(
            Diagnostic::new(Code::NotApplicable, "a file cannot be prefilled", span, "not applicable")
                .with_help("a file is always uploaded by the citizen"),
        );
        return None;
    }
    let key = source.value.as_str();
    let valid = !key.is_empty()
        && key.len() <= 100
        && key.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        && key.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
    if !valid {
        diagnostics.push(
            Diagnostic::new(
                Code::InvalidLiteral,
                format!("\"{key}\" is not a prefill key"),
                source.span,
                "invalid key",
            )
            .with_help(
                "a key starts with a letter and has letters, digits, `.`, `_` and `-`, e.g. \"bundid.familienname\"",
            ),
        );
        return None;
    }
    Some(ir::Prefill { source: key.to_string(), locked })
}
