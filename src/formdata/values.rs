//! Reading one posted input by its field type: German numbers, dates from three parts,
//! yes/no, IBANs, file properties. Unreadable input is kept as text for the validator.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::ir::FieldType;

/// The JSON value of a field from what was posted, or `None` when nothing was entered.
pub fn field_value(ty: &FieldType, values: Vec<String>, parts: BTreeMap<String, String>) -> Option<Value> {
    match ty {
        FieldType::MultipleChoice { .. } => {
            let codes: Vec<Value> =
                values.into_iter().map(|v| v.trim().to_string()).filter(|v| !v.is_empty()).map(Value::String).collect();
            (!codes.is_empty()).then_some(Value::Array(codes))
        }
        FieldType::Date if !parts.is_empty() => date_from_parts(&parts),
        FieldType::File => file(&parts),
        _ => {
            let raw = values.into_iter().next_back()?;
            let text = if *ty == FieldType::Multiline {
                raw.trim_end().replace("\r\n", "\n").replace('\r', "\n")
            } else {
                raw.trim().replace('\t', " ")
            };
            if text.is_empty() {
                return None;
            }
            Some(scalar(ty, text))
        }
    }
}

fn scalar(ty: &FieldType, text: String) -> Value {
    match ty {
        FieldType::Integer => {
            let digits: String = text.chars().filter(|c| !matches!(c, ' ' | '.' | '\u{a0}' | '\u{202f}')).collect();
            digits.parse::<i64>().map_or(Value::String(text), |n| json!(n))
        }
        FieldType::Decimal => Value::String(german_decimal(&text).unwrap_or(text)),
        FieldType::Money => {
            let stripped = text.replace('€', "").replace("EUR", "");
            Value::String(german_decimal(stripped.trim()).unwrap_or(text))
        }
        FieldType::Boolean => match text.to_lowercase().as_str() {
            "ja" | "true" | "on" | "1" | "yes" => Value::Bool(true),
            "nein" | "false" | "0" | "no" => Value::Bool(false),
            _ => Value::String(text),
        },
        FieldType::Iban => {
            Value::String(text.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase())
        }
        FieldType::Date => Value::String(date_from_text(&text).unwrap_or(text)),
        _ => Value::String(text),
    }
}

/// `1.234,56` → `1234.56`, `12,5` → `12.5`, `12.5` → `12.5`, `1.234` → `1234`.
pub fn german_decimal(text: &str) -> Option<String> {
    let compact: String = text.chars().filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}')).collect();
    let (negative, body) = match compact.strip_prefix('-') {
        Some(rest) => (true, rest.to_string()),
        None => (false, compact.clone()),
    };
    let (int_part, frac_part) = if let Some((int_part, frac)) = body.split_once(',') {
        (grouped(int_part)?, Some(frac.to_string()))
    } else if body.matches('.').count() == 1 {
        let (a, b) = body.split_once('.')?;
        // A single dot followed by exactly three digits is a thousands separator (German).
        if b.len() == 3 && !a.is_empty() {
            (format!("{a}{b}"), None)
        } else {
            (a.to_string(), Some(b.to_string()))
        }
    } else {
        (grouped(&body)?, None)
    };
    let valid = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !valid(&int_part) || frac_part.as_deref().is_some_and(|f| !valid(f)) {
        return None;
    }
    let sign = if negative { "-" } else { "" };
    Some(match frac_part {
        Some(frac) => format!("{sign}{int_part}.{frac}"),
        None => format!("{sign}{int_part}"),
    })
}

/// `1.234.567` → `1234567`; groups after the first must have three digits.
fn grouped(text: &str) -> Option<String> {
    let groups: Vec<&str> = text.split('.').collect();
    if groups.len() > 1 && groups[1..].iter().any(|g| g.len() != 3) {
        return None;
    }
    Some(groups.concat())
}

const MONTHS: [&[&str]; 12] = [
    &["januar", "jan", "jänner", "january"],
    &["februar", "feb", "february"],
    &["märz", "mär", "maerz", "mar", "march"],
    &["april", "apr"],
    &["mai", "may"],
    &["juni", "jun", "june"],
    &["juli", "jul", "july"],
    &["august", "aug"],
    &["september", "sep", "sept"],
    &["oktober", "okt", "oct", "october"],
    &["november", "nov"],
    &["dezember", "dez", "dec", "december"],
];

fn month(text: &str) -> Option<u32> {
    let text = text.trim().trim_end_matches('.').to_lowercase();
    if let Ok(n) = text.parse::<u32>() {
        return Some(n);
    }
    MONTHS.iter().position(|names| names.contains(&text.as_str())).map(|i| i as u32 + 1)
}

/// Three inputs → `YYYY-MM-DD` (even if no such day exists: the validator says so).
fn date_from_parts(parts: &BTreeMap<String, String>) -> Option<Value> {
    let get = |key: &str| parts.get(key).map(|v| v.trim()).unwrap_or("");
    let (day, month_text, year) = (get("tag"), get("monat"), get("jahr"));
    if day.is_empty() && month_text.is_empty() && year.is_empty() {
        return None;
    }
    let parsed = (day.parse::<u32>().ok(), month(month_text), year.parse::<u32>().ok());
    Some(Value::String(match parsed {
        (Some(d), Some(m), Some(y)) if year.len() == 4 => format!("{y:04}-{m:02}-{d:02}"),
        _ => format!("{day}.{month_text}.{year}"),
    }))
}

/// `27.3.2007` or `2007-03-27` → `2007-03-27`.
fn date_from_text(text: &str) -> Option<String> {
    if text.len() == 10 && text.as_bytes()[4] == b'-' {
        return Some(text.to_string());
    }
    let parts: Vec<&str> = text.split('.').map(str::trim).collect();
    let [day, month_text, year] = parts.as_slice() else { return None };
    let (d, m, y) = (day.parse::<u32>().ok()?, month(month_text)?, year.parse::<u32>().ok()?);
    (year.len() == 4).then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// Several files from their properties by index: in the order of the indexes, without gaps;
/// absent when no file has a name.
pub fn files(files: BTreeMap<usize, BTreeMap<String, String>>) -> Option<Value> {
    let files: Vec<Value> = files.values().filter_map(file).collect();
    (!files.is_empty()).then_some(Value::Array(files))
}

fn file(parts: &BTreeMap<String, String>) -> Option<Value> {
    let name = parts.get("name").map(|n| n.trim()).filter(|n| !n.is_empty())?;
    let media_type = parts.get("media_type").map(|m| m.trim()).unwrap_or("");
    let size = parts.get("size").map(|s| s.trim()).unwrap_or("");
    let size = size.parse::<u64>().map_or(Value::String(size.to_string()), |n| json!(n));
    Some(json!({ "name": name, "media_type": media_type, "size": size }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn german_numbers() {
        assert_eq!(german_decimal("1.234,56").as_deref(), Some("1234.56"));
        assert_eq!(german_decimal("12,5").as_deref(), Some("12.5"));
        assert_eq!(german_decimal("12.5").as_deref(), Some("12.5"));
        assert_eq!(german_decimal("1.234").as_deref(), Some("1234"));
        assert_eq!(german_decimal("-0,07").as_deref(), Some("-0.07"));
        assert_eq!(german_decimal("1 234,5").as_deref(), Some("1234.5"));
        assert_eq!(german_decimal("12,5,1"), None);
        assert_eq!(german_decimal("1.23.4"), None);
        assert_eq!(german_decimal("zwölf"), None);
    }

    #[test]
    fn dates_from_parts() {
        let parts = |d: &str, m: &str, y: &str| {
            BTreeMap::from([
                ("tag".to_string(), d.to_string()),
                ("monat".to_string(), m.to_string()),
                ("jahr".to_string(), y.to_string()),
            ])
        };
        assert_eq!(date_from_parts(&parts("27", "3", "2007")), Some(json!("2007-03-27")));
        assert_eq!(date_from_parts(&parts("27", "März", "2007")), Some(json!("2007-03-27")));
        assert_eq!(date_from_parts(&parts("30", "2", "2023")), Some(json!("2023-02-30")));
        assert_eq!(date_from_parts(&parts("", "", "")), None);
        assert_eq!(date_from_parts(&parts("x", "2", "2023")), Some(json!("x.2.2023")));
        assert_eq!(date_from_text("27.03.2007").as_deref(), Some("2007-03-27"));
    }
}
