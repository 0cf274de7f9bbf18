//! Realistic valid values for one field: German names with umlauts, real postal codes, IBANs
//! with correct check digits, plausible dates, strings generated from the field's pattern.

use regex_syntax::hir::{Class, Hir, HirKind};
use serde_json::{json, Value};

use super::rng::Rng;
use crate::ir::{Bound, Field, FieldType};
use crate::validate::{formats, resolve_date_bound};
use crate::value::{Date, Decimal, DurationUnit};

const FIRST_NAMES: &[&str] =
    &["Jürgen", "Anna-Lena", "Özlem", "Jörg", "Zoë", "Björn", "Marie", "Kübra", "Sören", "Lea"];
const LAST_NAMES: &[&str] = &["Müller", "Schröder", "Weiß", "Groß", "Yılmaz", "Meyer-Lüdenscheidt", "Nguyen", "Kühn"];
const STREETS: &[&str] = &["Hauptstraße 1", "Am Mühlbach 12a", "Schloßallee 7", "Königsweg 33", "Lindenstraße 4"];
const CITIES: &[&str] = &["Berlin", "München", "Köln", "Düsseldorf", "Görlitz", "Nürnberg", "Lübeck", "Fürth"];
const POSTCODES: &[&str] = &["10115", "80331", "50667", "40213", "02826", "90402", "23552", "90762", "01067"];
const WORDS: &[&str] =
    &["Antrag", "Prüfung", "Bescheid", "Gebühr", "Straße", "Größe", "Übergabe", "Nachweis", "Änderung"];

/// A valid value for `field` on `today`, or `None` if none could be found.
pub fn field_value(field: &Field, codes: &[String], rng: &mut Rng, today: Date) -> Option<Value> {
    value(field, codes, rng, today, false)
}

/// Like [`field_value`], but dates range over everything the field's bounds allow (about a
/// century), not only over plausible ones: for breaking rules on purpose.
pub fn any_value(field: &Field, codes: &[String], rng: &mut Rng, today: Date) -> Option<Value> {
    value(field, codes, rng, today, true)
}

fn value(field: &Field, codes: &[String], rng: &mut Rng, today: Date, wide: bool) -> Option<Value> {
    let c = &field.constraints;
    let name = field.name.to_lowercase();
    Some(match &field.ty {
        FieldType::Text | FieldType::Multiline => {
            for _ in 0..30 {
                let candidate = match &c.pattern {
                    Some(pattern) => from_pattern(&pattern.regex, rng)?,
                    None => realistic_text(&name, field.ty == FieldType::Multiline, rng),
                };
                let fitted =
                    if c.pattern.is_some() { candidate } else { fit_length(candidate, c.min_length, c.max_length) };
                let length = fitted.chars().count() as u64;
                if c.min_length.is_none_or(|m| length >= m)
                    && c.max_length.is_none_or(|m| length <= m)
                    && !fitted.is_empty()
                {
                    return Some(Value::String(fitted));
                }
            }
            return None;
        }
        FieldType::Email => {
            let (first, last) = (*rng.pick(FIRST_NAMES), *rng.pick(LAST_NAMES));
            let local = format!("{}.{}", ascii(first), ascii(last)).to_lowercase();
            let email = format!("{local}@example.de");
            json!(fit_length(email, None, c.max_length))
        }
        FieldType::Phone => {
            json!(format!("+49 {} {}", rng.pick(&["30", "89", "221", "40"]), 1_000_000 + rng.below(8_999_999)))
        }
        FieldType::Iban => json!(iban(rng)),
        FieldType::Postcode => json!(rng.pick(POSTCODES)),
        FieldType::Integer => {
            let min = bound_number(&c.min).unwrap_or(0);
            let max = bound_number(&c.max).unwrap_or(min.max(0) + 100);
            if min > max {
                return None;
            }
            json!(min + rng.below((max - min + 1) as u64) as i64)
        }
        FieldType::Decimal | FieldType::Money => {
            let places = c.decimals.unwrap_or(2);
            let scale = 10i64.pow(places.min(6));
            let min = decimal_bound(&c.min).unwrap_or(Decimal::from_i64(0));
            let max = decimal_bound(&c.max).unwrap_or_else(|| min.checked_add(Decimal::from_i64(500)).unwrap_or(min));
            for _ in 0..30 {
                let units = rng.below(50_000 * scale as u64) as i64;
                let text = format!("{}.{:0width$}", units / scale, units % scale, width = places.min(6) as usize);
                let text = if places == 0 { (units / scale).to_string() } else { text };
                let value = Decimal::parse(&text)?;
                let value = if value > max || value < min { clamp_scaled(min, max, places, rng)? } else { value };
                if value >= min && value <= max && value.scale() <= places {
                    return Some(json!(value.to_string()));
                }
            }
            return None;
        }
        // A declaration is confirmed in every valid submission.
        FieldType::Boolean if c.must_be_true => json!(true),
        FieldType::Boolean => json!(rng.below(2) == 1),
        FieldType::Date => {
            let (default_min, default_max) = if wide {
                (today.shift(-100, DurationUnit::Years)?, today.shift(5, DurationUnit::Years)?)
            } else if name.contains("geburt") {
                (today.shift(-80, DurationUnit::Years)?, today.shift(-18, DurationUnit::Years)?)
            } else {
                (today.shift(-2, DurationUnit::Years)?, today.shift(1, DurationUnit::Years)?)
            };
            let min = c.min.as_ref().and_then(|b| resolve_date_bound(b, today));
            let max = c.max.as_ref().and_then(|b| resolve_date_bound(b, today));
            let (mut low, mut high) =
                (min.unwrap_or(default_min).max(default_min), max.unwrap_or(default_max).min(default_max));
            if low > high {
                low = min.unwrap_or(high);
                high = max.unwrap_or(low);
            }
            if low > high {
                return None;
            }
            let span = (high.day_number() - low.day_number()) as u64;
            json!(Date::from_day_number(low.day_number() + rng.below(span + 1) as i64)?.to_string())
        }
        FieldType::Choice { .. } | FieldType::MultipleChoice { .. } if codes.is_empty() => return None,
        FieldType::Choice { .. } => json!(rng.pick(codes)),
        FieldType::MultipleChoice { .. } => {
            let mut chosen: Vec<&String> = codes.iter().filter(|_| rng.below(2) == 1).collect();
            if chosen.is_empty() {
                chosen.push(rng.pick(codes));
            }
            // An exclusive code ("none of these") stands alone.
            if chosen.len() > 1 {
                if let Some(alone) = chosen.iter().copied().find(|code| c.exclusive.contains(code)) {
                    if rng.below(4) == 0 {
                        chosen = vec![alone];
                    } else {
                        chosen.retain(|code| !c.exclusive.contains(code));
                        if chosen.is_empty() {
                            chosen.push(alone);
                        }
                    }
                }
            }
            json!(chosen)
        }
        FieldType::File => file_value(field, rng),
        FieldType::Files => files_value(field, rng),
    })
}

fn clamp_scaled(min: Decimal, max: Decimal, places: u32, rng: &mut Rng) -> Option<Decimal> {
    let pick = if rng.below(2) == 0 { min } else { max };
    (pick.scale() <= places).then_some(pick)
}

fn bound_number(bound: &Option<Bound>) -> Option<i64> {
    match bound {
        Some(Bound::Number { value }) => value.parse().ok(),
        _ => None,
    }
}

fn decimal_bound(bound: &Option<Bound>) -> Option<Decimal> {
    match bound {
        Some(Bound::Number { value }) => Decimal::parse(value),
        _ => None,
    }
}

/// A file reference that satisfies `accept` and `max_size`.
pub fn file_value(field: &Field, rng: &mut Rng) -> Value {
    let c = &field.constraints;
    let (name, media_type) = match c.accept.first().map(String::as_str) {
        Some(".jpg") | Some(".jpeg") => ("foto.jpg".to_string(), "image/jpeg".to_string()),
        Some(".png") | Some("image/*") | Some("image/png") => ("scan.png".to_string(), "image/png".to_string()),
        Some(".pdf") => ("nachweis.pdf".to_string(), "application/pdf".to_string()),
        Some(entry) if entry.starts_with('.') => (format!("nachweis{entry}"), "application/octet-stream".to_string()),
        Some(entry) => (format!("nachweis.{}", entry.rsplit('/').next().unwrap_or("bin")), entry.to_string()),
        None => ("nachweis.pdf".to_string(), "application/pdf".to_string()),
    };
    let max = c.max_size.unwrap_or(10 * 1024 * 1024);
    json!({ "name": name, "media_type": media_type, "size": 1 + rng.below(max) })
}

/// Several file references within `count` (at most three of them, as people attach them),
/// each within `accept` and `max_size`, together within `max_total`.
pub fn files_value(field: &Field, rng: &mut Rng) -> Value {
    let c = &field.constraints;
    let min = c.min_count.unwrap_or(1).max(1);
    let max = c.max_count.unwrap_or(min).max(min);
    let count = min + rng.below(u64::from(max.min(min.max(3)) - min + 1)) as u32;
    // Each file gets an equal share of the total; the checker keeps `max_size` within it.
    let share = c.max_total.map_or(u64::MAX, |total| (total / u64::from(count)).max(1));
    let files: Vec<Value> = (0..count)
        .map(|index| {
            let mut file = file_value(field, rng);
            let size = file["size"].as_u64().unwrap_or(1).min(share);
            file["size"] = json!(size);
            if let Some(name) = file["name"].as_str().filter(|_| index > 0) {
                let numbered = match name.rsplit_once('.') {
                    Some((stem, extension)) => format!("{stem}-{}.{extension}", index + 1),
                    None => format!("{name}-{}", index + 1),
                };
                file["name"] = json!(numbered);
            }
            file
        })
        .collect();
    Value::Array(files)
}

fn ascii(text: &str) -> String {
    text.replace('ü', "ue")
        .replace('ö', "oe")
        .replace('ä', "ae")
        .replace('ß', "ss")
        .replace('ı', "i")
        .replace('Ö', "Oe")
        .replace('ë', "e")
}

fn realistic_text(name: &str, multiline: bool, rng: &mut Rng) -> String {
    if multiline {
        return format!("{} und {}.\nBitte um {}.", rng.pick(WORDS), rng.pick(WORDS), rng.pick(WORDS));
    }
    if name.contains("doktorgrad") {
        rng.pick(&["Dr.", "Dr. med.", "Prof. Dr."]).to_string()
    } else if name.contains("kreditinstitut") || name.contains("bank") {
        rng.pick(&["Sparkasse Köln Bonn", "Berliner Volksbank", "Deutsche Kreditbank"]).to_string()
    } else if name.contains("inhaber") {
        format!("{} {}", rng.pick(FIRST_NAMES), rng.pick(LAST_NAMES))
    } else if name.contains("strasse") {
        rng.pick(STREETS).to_string()
    } else if name.contains("rasse") {
        rng.pick(&["Mischling", "Deutscher Schäferhund", "Dackel", "Labrador Retriever"]).to_string()
    } else if name.contains("vorname") {
        rng.pick(FIRST_NAMES).to_string()
    } else if name.contains("name") {
        rng.pick(LAST_NAMES).to_string()
    } else if name.contains("strasse") || name.contains("anschrift") {
        rng.pick(STREETS).to_string()
    } else if name.contains("ort") || name.contains("gemeinde") || name.contains("stadt") {
        rng.pick(CITIES).to_string()
    } else {
        format!("{} {}", rng.pick(WORDS), rng.pick(WORDS))
    }
}

/// Cuts or pads (with `ä`, two bytes, one code point) to fit the length bounds.
fn fit_length(text: String, min: Option<u64>, max: Option<u64>) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    if let Some(max) = max {
        chars.truncate(max as usize);
    }
    while chars.last().is_some_and(|c| c.is_whitespace()) {
        chars.pop();
    }
    while min.is_some_and(|m| (chars.len() as u64) < m) {
        chars.push('ä');
    }
    chars.into_iter().collect()
}

/// A German IBAN with valid check digits.
pub fn iban(rng: &mut Rng) -> String {
    let bban: String = (0..18).map(|_| char::from(b'0' + rng.below(10) as u8)).collect();
    format!("DE{}{bban}", formats::iban_check_digits("DE", &bban))
}

/// A random string matching a portable pattern (anchored).
pub fn from_pattern(regex: &str, rng: &mut Rng) -> Option<String> {
    let hir = regex_syntax::Parser::new().parse(regex).ok()?;
    let mut out = String::new();
    generate(&hir, rng, &mut out);
    Some(out)
}

fn generate(hir: &Hir, rng: &mut Rng, out: &mut String) {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => {}
        HirKind::Literal(literal) => out.push_str(&String::from_utf8_lossy(&literal.0)),
        HirKind::Class(Class::Unicode(class)) => {
            let ranges = class.ranges();
            // Prefer readable characters when the class allows them.
            let readable: Vec<(char, char)> = ranges
                .iter()
                .filter_map(|r| {
                    let (start, end) = (r.start().max(' '), r.end().min('ÿ'));
                    (start <= end).then_some((start, end))
                })
                .collect();
            let pool: Vec<(char, char)> =
                if readable.is_empty() { ranges.iter().map(|r| (r.start(), r.end())).collect() } else { readable };
            if pool.is_empty() {
                return;
            }
            let (start, end) = pool[rng.below(pool.len() as u64) as usize];
            let span = end as u32 - start as u32;
            let c = char::from_u32(start as u32 + rng.below(span as u64 + 1) as u32).unwrap_or(start);
            // Never a code point that a text may not contain (controls, bidi overrides, …).
            let allowed = |c: &char| formats::text_allows(*c, false);
            let first_allowed = |(start, end): &(char, char)| (*start..=*end).take(64).find(allowed);
            if let Some(c) = Some(c).filter(allowed).or_else(|| pool.iter().find_map(first_allowed)) {
                out.push(c);
            }
        }
        HirKind::Class(Class::Bytes(class)) => {
            if let Some(range) = class.ranges().first() {
                out.push(char::from(range.start()));
            }
        }
        HirKind::Repetition(repetition) => {
            let max = repetition.max.unwrap_or(repetition.min + 4).min(repetition.min + 6);
            let count = repetition.min + rng.below((max - repetition.min + 1) as u64) as u32;
            for _ in 0..count {
                generate(&repetition.sub, rng, out);
            }
        }
        HirKind::Capture(capture) => generate(&capture.sub, rng, out),
        HirKind::Concat(parts) => parts.iter().for_each(|p| generate(p, rng, out)),
        HirKind::Alternation(branches) => {
            let branch = &branches[rng.below(branches.len() as u64) as usize];
            generate(branch, rng, out);
        }
    }
}
