//! Labels, hints and infos that name other answers (`ir::template`): on a re-render with
//! values, each placeholder shows the current answer as the page writes it (the chosen
//! option's label, `27.03.2007`, `12,50`); without one, the neutral `…`. The text goes into
//! the page like any other text, so the answer is escaped by construction.

use serde_json::Value;

use super::{tr, Builder};
use crate::emit::html::strings;
use crate::ir::{template, Field, FieldType, Item, Text};
use crate::value::Date;

/// At most this many characters of an answer are shown in a text (a label is no place for a
/// whole letter); a longer answer is cut and ends in `…`.
const MAX_CHARS: usize = 80;

impl Builder<'_> {
    /// A label, hint or info in the page's language, with the current answers filled in.
    pub(super) fn template(&self, text: &Text) -> String {
        template::render(&tr(text, &self.lang), |path| self.answer(path))
    }

    /// The current answer of the field at `path` (from the root; through a repeat, the
    /// item being rendered) as the page shows it, if there is one.
    fn answer(&self, path: &[&str]) -> Option<String> {
        let path: Vec<String> = path.iter().map(|s| s.to_string()).collect();
        let mut concrete = Vec::new();
        for n in 0..path.len() {
            concrete.push(path[n].clone());
            if self.repeats.contains(&path[..=n]) {
                let (_, index) = self.indices.iter().find(|(p, _)| p.as_slice() == &path[..=n])?;
                concrete.push(index.to_string());
            }
        }
        let Some(Item::Field(field)) = self.items_on(&path)?.last().copied() else { return None };
        let text = self.shown(field, self.value_at(&concrete)?)?;
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        Some(match text.char_indices().nth(MAX_CHARS) {
            Some((cut, _)) => format!("{}…", &text[..cut]),
            None => text.to_string(),
        })
    }

    fn shown(&self, field: &Field, value: &Value) -> Option<String> {
        let label_of = |code: &str| {
            let options = self.options(field);
            options.into_iter().find(|(value, _, _)| value == code).map_or_else(|| code.to_string(), |(_, l, _)| l)
        };
        Some(match (&field.ty, value) {
            (FieldType::Boolean, Value::Bool(yes)) => (if *yes { self.s.yes } else { self.s.no }).to_string(),
            (FieldType::Choice { .. }, Value::String(code)) => label_of(code),
            (FieldType::MultipleChoice { .. }, Value::Array(codes)) => {
                codes.iter().filter_map(Value::as_str).map(label_of).collect::<Vec<_>>().join(", ")
            }
            (FieldType::Date, Value::String(text)) => match Date::parse(text) {
                Some(date) => strings::fill(
                    self.s.date,
                    &[
                        ("day", &format!("{:02}", date.day)),
                        ("month", &format!("{:02}", date.month)),
                        ("year", &format!("{:04}", date.year)),
                    ],
                ),
                _ => text.clone(),
            },
            (FieldType::Decimal, Value::String(text)) => self.decimal_text(text),
            (FieldType::Money, Value::String(text)) => format!("{} {}", self.decimal_text(text), self.s.euro_suffix),
            (FieldType::File, Value::Object(file)) => file.get("name")?.as_str()?.to_string(),
            (FieldType::Files, Value::Array(files)) => {
                files.iter().filter_map(|file| file.get("name")?.as_str()).collect::<Vec<_>>().join(", ")
            }
            (_, Value::String(text)) => text.clone(),
            (_, Value::Number(number)) => number.to_string(),
            _ => return None,
        })
    }
}
