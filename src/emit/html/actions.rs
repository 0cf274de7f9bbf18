//! What the secondary buttons of a page ask a server to do, without JavaScript: add or remove a
//! repeat item, remove an uploaded file. [`apply`] changes the submitted values and says where
//! focus goes on the re-rendered page (HTML.md §2.2: the new item's first control, or a note
//! "Kind 2 wurde entfernt.").

use serde_json::{Map, Value};

use super::strings;
use super::view::{self, id_segment, Input, Node, Scope};
use crate::ir::{FieldType, Form, Item, Text};

/// The value of the `aktion` button that submitted a page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// `weiter`: the primary action (validate, then go on or submit).
    Next,
    /// `zurueck`: the previous step.
    Back,
    /// `bestaetigen`: go on as `weiter`, confirming the warnings the page showed (they are
    /// confirmed only while the answers are the ones they were shown for).
    Confirm,
    /// `hinzufuegen:<repeat id>`.
    Add { repeat: String },
    /// `entfernen:<repeat id>:<index>`.
    Remove { repeat: String, index: usize },
    /// `datei-entfernen:<field id>`.
    RemoveFile { field: String },
}

impl Action {
    pub fn parse(value: &str) -> Option<Action> {
        let mut parts = value.split(':');
        let action = match (parts.next()?, parts.next(), parts.next()) {
            ("weiter", None, None) => Action::Next,
            ("zurueck", None, None) => Action::Back,
            ("bestaetigen", None, None) => Action::Confirm,
            ("hinzufuegen", Some(repeat), None) => Action::Add { repeat: repeat.to_string() },
            ("entfernen", Some(repeat), Some(index)) => {
                Action::Remove { repeat: repeat.to_string(), index: index.parse().ok()? }
            }
            ("datei-entfernen", Some(field), None) => Action::RemoveFile { field: field.to_string() },
            _ => return None,
        };
        parts.next().is_none().then_some(action)
    }
}

/// The values after an action, and what the re-rendered page focuses.
#[derive(Clone, Debug, PartialEq)]
pub struct Applied {
    pub values: Value,
    /// The id of the control that gets `autofocus`.
    pub focus: Option<String>,
    /// A note to show first, focused.
    pub notice: Option<String>,
}

/// Applies an add, remove or remove-file action to `values`; `None` for the primary and back
/// actions, for ids that name nothing on the form, for adding beyond a repeat's maximum and
/// for removing below its minimum.
pub fn apply(form: &Form, values: &Value, action: &Action, lang: &str) -> Option<Applied> {
    let lang = view::language_of(form, lang);
    let mut values = values.clone();
    if !values.is_object() {
        values = Value::Object(Map::new());
    }
    match action {
        Action::Next | Action::Back | Action::Confirm => None,
        Action::Add { repeat } => {
            let (path, ir) = find(form, &values, repeat, true)?;
            let Item::Repeat(ir) = ir else { return None };
            let items = array_at(&mut values, &path)?;
            while items.len() < ir.min as usize {
                items.push(Value::Object(Map::new()));
            }
            if ir.max.is_some_and(|max| items.len() >= max as usize) {
                return None;
            }
            items.push(Value::Object(Map::new()));
            let item_id = format!("{repeat}-{}", items.len() - 1);
            let input =
                Input { lang: &lang, scope: Scope::All, values: &values, report: None, focus: None, notice: None };
            let page = view::build(form, &input);
            let focus = page.steps.iter().flat_map(|s| &s.nodes).find_map(|n| first_control_of(n, &item_id));
            Some(Applied { values, focus, notice: None })
        }
        Action::Remove { repeat, index } => {
            let (path, ir) = find(form, &values, repeat, true)?;
            let Item::Repeat(ir) = ir else { return None };
            let items = array_at(&mut values, &path)?;
            // Removing is refused where it would leave fewer items than the minimum (the page
            // offers no remove button then).
            if *index >= items.len() || items.len() <= ir.min as usize {
                return None;
            }
            items.remove(*index);
            let s = strings::for_language(form, &lang);
            let item = text(&ir.item_label, &lang);
            let notice = strings::fill(s.removed, &[("item", &item), ("n", &(index + 1).to_string())]);
            Some(Applied { values, focus: None, notice: Some(notice) })
        }
        Action::RemoveFile { field } => {
            // One of several files: `belege-1` is the second file of the field `belege`.
            if let Some((field_id, index)) = field.rsplit_once('-') {
                let index = index.parse::<usize>().ok().filter(|_| index.bytes().all(|b| b.is_ascii_digit()));
                let found = index.and_then(|index| Some((find(form, &values, field_id, false)?, index)));
                if let Some(((path, Item::Field(ir)), index)) = found {
                    if ir.ty == FieldType::Files {
                        let files = array_at(&mut values, &path)?;
                        if index >= files.len() {
                            return None;
                        }
                        files.remove(index);
                        if files.is_empty() {
                            remove_at(&mut values, &path)?;
                        }
                        return Some(Applied { values, focus: Some(field_id.to_string()), notice: None });
                    }
                }
            }
            let (path, Item::Field(ir)) = find(form, &values, field, false)? else { return None };
            if ir.ty != FieldType::File {
                return None;
            }
            remove_at(&mut values, &path)?;
            Some(Applied { values, focus: Some(field.clone()), notice: None })
        }
    }
}

fn text(text: &Text, lang: &str) -> String {
    text.get(lang).or_else(|| text.values().next()).cloned().unwrap_or_default()
}

/// The first control inside the repeat item with id `item_id`.
fn first_control_of(node: &Node, item_id: &str) -> Option<String> {
    for item in &node.items {
        if item.id == item_id {
            return item.nodes.first().map(|n| n.target.clone());
        }
        if let Some(found) = item.nodes.iter().find_map(|n| first_control_of(n, item_id)) {
            return Some(found);
        }
    }
    node.children.iter().find_map(|n| first_control_of(n, item_id))
}

/// The concrete path (with repeat indices) and IR item of the repeat (or file field) whose
/// rendered id is `id`, looking through the items present in `values`.
fn find<'f>(form: &'f Form, values: &Value, id: &str, repeat: bool) -> Option<(Vec<String>, &'f Item)> {
    fn walk<'f>(
        items: &'f [Item],
        values: Option<&Value>,
        concrete: &mut Vec<String>,
        id: &str,
        repeat: bool,
    ) -> Option<(Vec<String>, &'f Item)> {
        for item in items {
            concrete.push(item.name().to_string());
            let own_id = concrete.iter().map(|s| id_segment(s)).collect::<Vec<_>>().join("-");
            let value = values.and_then(|v| v.get(item.name()));
            let hit = match item {
                Item::Repeat(_) => repeat,
                Item::Field(field) => !repeat && matches!(field.ty, FieldType::File | FieldType::Files),
                _ => false,
            };
            if hit && own_id == id {
                return Some((concrete.clone(), item));
            }
            let found = match item {
                Item::Group(group) => walk(&group.items, value, concrete, id, repeat),
                Item::Repeat(r) => {
                    let n = value.and_then(Value::as_array).map_or(0, Vec::len);
                    (0..n).find_map(|index| {
                        concrete.push(index.to_string());
                        let found = walk(&r.items, value.and_then(|v| v.get(index)), concrete, id, repeat);
                        concrete.pop();
                        found
                    })
                }
                _ => None,
            };
            concrete.pop();
            if found.is_some() {
                return found;
            }
        }
        None
    }
    form.pages.iter().find_map(|page| walk(&page.items, Some(values), &mut Vec::new(), id, repeat))
}

/// The array at `path`, created when absent.
/// Removes the member at `path` (object keys and array indexes); `None` if there is none.
fn remove_at(values: &mut Value, path: &[String]) -> Option<Value> {
    let (last, parents) = path.split_last()?;
    let mut current = values;
    for segment in parents {
        current = match current {
            Value::Object(map) => map.get_mut(segment)?,
            Value::Array(items) => items.get_mut(segment.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    current.as_object_mut()?.remove(last)
}

fn array_at<'v>(values: &'v mut Value, path: &[String]) -> Option<&'v mut Vec<Value>> {
    let (last, parents) = path.split_last()?;
    let mut current = values;
    for segment in parents {
        current = match current {
            Value::Object(map) => map.entry(segment.clone()).or_insert_with(|| Value::Object(Map::new())),
            Value::Array(items) => items.get_mut(segment.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    let slot = current.as_object_mut()?.entry(last.clone()).or_insert_with(|| Value::Array(Vec::new()));
    slot.as_array_mut()
}
