//! Form data → JSON submission: what a browser posts (`application/x-www-form-urlencoded`
//! pairs named as the HTML backend names them) becomes the submission the validators read.
//!
//! - Names are bracket paths: `antragsteller[vorname]`, `kinder[0][name]`; date parts
//!   `geburtsdatum[tag]`, `[monat]`, `[jahr]`; multiple choices repeat one name (or `name[]`);
//!   files arrive as `nachweis[name]`, `[media_type]`, `[size]` filled in by the server.
//! - A repeat's index is a canonical decimal below the repeat's maximum (`0` to `max - 1`);
//!   any other (`[01]`, `[+1]`, `[ 1]`, `[99999999999999999999]`, `[max]`) names no item and
//!   its pair is ignored. The items keep the order of their indexes, without gaps
//!   (`kinder[0]`, `kinder[5]` are two items), so there are never more than `max`.
//! - Text keeps what was typed, with the line ends a browser sends normalised: in multi-line
//!   text CR LF and CR become LF, in single-line text a TAB becomes a space. Other code points
//!   that a text may not contain stay, for the validator to report.
//! - Empty inputs become absent; values of fields hidden by their conditions are dropped
//!   (until nothing changes, since hiding one field can hide another).
//! - A group whose inputs were posted but all left empty is an empty object while the group
//!   is required (so the validator names each missing field, not the whole group), and
//!   absent otherwise (an optional group left empty is no answer).
//! - German number formats (`1.234,56`, `12,5`), `€`, and spaced or lower-case IBANs are
//!   normalised; what cannot be read is kept as text so that the validator reports it.
//! - Names that are not part of the form (buttons such as `aktion`) are listed as ignored.
//! - Computed fields (`value <expr>`) are computed here, whatever was posted for them: a
//!   browser's value of a read-only field proves nothing (`validate::Compiled::fill_computed`).

mod values;

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::ir::{FieldType, Item, Requirement};
use crate::validate::{Compiled, Options};

/// The result of a conversion.
#[derive(Clone, Debug, PartialEq)]
pub struct Converted {
    pub submission: Value,
    /// Names of pairs that do not belong to the form, in the order they came.
    pub ignored: Vec<String>,
}

/// Decodes an `application/x-www-form-urlencoded` body into pairs (`+` is a space).
pub fn parse_urlencoded(body: &str) -> Vec<(String, String)> {
    body.split('&')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let (name, value) = part.split_once('=').unwrap_or((part, ""));
            (percent_decode(name), percent_decode(value))
        })
        .collect()
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() && bytes[i + 1].is_ascii_hexdigit() && bytes[i + 2].is_ascii_hexdigit() => {
                let hex = |b: u8| (b as char).to_digit(16).unwrap_or(0) as u8;
                out.push(hex(bytes[i + 1]) * 16 + hex(bytes[i + 2]));
                i += 2;
            }
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Splits `a[b][0][c]` into `["a", "b", "0", "c"]`; `None` when the brackets are malformed.
fn segments(name: &str) -> Option<Vec<&str>> {
    let (head, mut rest) = match name.find('[') {
        Some(i) => (&name[..i], &name[i..]),
        None => (name, ""),
    };
    let mut out = vec![head];
    while !rest.is_empty() {
        let inner = rest.strip_prefix('[')?;
        let close = inner.find(']')?;
        out.push(&inner[..close]);
        rest = &inner[close + 1..];
    }
    Some(out)
}

/// Raw values collected for one field before conversion.
#[derive(Debug, Default)]
struct Raw {
    /// Values posted under the field's own name (several for a multiple choice).
    values: Vec<String>,
    /// Values posted under a part name: date parts, file properties.
    parts: BTreeMap<String, String>,
    /// The properties of each of several files, by index (`belege[1][name]`).
    files: BTreeMap<usize, BTreeMap<String, String>>,
}

/// Collected pairs, shaped like the form.
#[derive(Debug)]
enum Node {
    Object(BTreeMap<String, Node>),
    Items(BTreeMap<usize, Node>),
    Field(Raw),
}

/// Converts posted pairs into a JSON submission for the compiled form.
pub fn convert(compiled: &Compiled, pairs: &[(String, String)], options: &Options) -> Converted {
    let form = compiled.form();
    let root_items: Vec<&Item> = form.items().collect();
    let mut root = BTreeMap::new();
    let mut ignored = Vec::new();
    for (name, value) in pairs {
        let placed = segments(name).is_some_and(|segments| place(&mut root, &root_items, &segments, value));
        if !placed {
            ignored.push(name.clone());
        }
    }
    let mut submission = Value::Object(to_json(&root_items, root));
    // Computed first, so that a posted (forged or stale) computed value never decides what
    // is hidden; again once the hidden values are gone.
    compiled.fill_computed(&mut submission, options);
    prune_hidden(compiled, &mut submission, options);
    drop_empty_unrequired(compiled, &mut submission, options);
    prune_hidden(compiled, &mut submission, options);
    // A posted value of a computed field is never trusted: the server computes it (and a
    // computed value may show or hide other fields, so once more after pruning).
    compiled.fill_computed(&mut submission, options);
    prune_hidden(compiled, &mut submission, options);
    compiled.fill_computed(&mut submission, options);
    Converted { submission, ignored }
}

/// Converts the pairs one page of a multi-page form posted onto the answers of the others:
/// the page's items are replaced by what was posted (names of other pages are ignored), then
/// hidden values are pruned, empty optional groups dropped and computed fields computed on
/// the whole submission, so a condition over another page's answer decides as it does for
/// the whole form.
pub fn convert_page(
    compiled: &Compiled,
    page: usize,
    answers: &Value,
    pairs: &[(String, String)],
    options: &Options,
) -> Converted {
    let form = compiled.form();
    let Some(page) = form.pages.get(page) else {
        return Converted { submission: answers.clone(), ignored: pairs.iter().map(|(n, _)| n.clone()).collect() };
    };
    let page_items: Vec<&Item> = page.items.iter().collect();
    let mut root = BTreeMap::new();
    let mut ignored = Vec::new();
    for (name, value) in pairs {
        let placed = segments(name).is_some_and(|segments| place(&mut root, &page_items, &segments, value));
        if !placed {
            ignored.push(name.clone());
        }
    }
    let mut merged = answers.as_object().cloned().unwrap_or_default();
    for item in &page_items {
        merged.remove(item.name());
    }
    merged.extend(to_json(&page_items, root));
    // Keep the form's order of members, whatever order the pages were answered in.
    let mut ordered = Map::new();
    for item in form.items() {
        if let Some(value) = merged.remove(item.name()) {
            ordered.insert(item.name().to_string(), value);
        }
    }
    let mut submission = Value::Object(ordered);
    // Computed fields as in `convert`: never what was posted, always what the answers give
    // (a page's answers change the computed fields of every page).
    compiled.fill_computed(&mut submission, options);
    prune_hidden(compiled, &mut submission, options);
    drop_empty_unrequired(compiled, &mut submission, options);
    prune_hidden(compiled, &mut submission, options);
    compiled.fill_computed(&mut submission, options);
    prune_hidden(compiled, &mut submission, options);
    compiled.fill_computed(&mut submission, options);
    Converted { submission, ignored }
}

/// The file field that `name` (a posted bracket path such as `kinder[0][nachweis]`) names,
/// with repeat indexes below their maximum: the names under which a server accepts an upload
/// (all files of a field that takes several under its one name).
pub fn file_field<'f>(form: &'f crate::ir::Form, name: &str) -> Option<&'f crate::ir::Field> {
    file_field_at(form, name, false)
}

/// The file field of a posted file's properties (`nachweis`, `belege[2]` for one of several
/// files): the names whose `[name]`, `[media_type]` and `[size]` only a server may fill in.
pub fn holds_file_properties(form: &crate::ir::Form, name: &str) -> bool {
    file_field_at(form, name, true).is_some()
}

fn file_field_at<'f>(form: &'f crate::ir::Form, name: &str, indexed: bool) -> Option<&'f crate::ir::Field> {
    let segments = segments(name)?;
    let mut items: Vec<&Item> = form.items().collect();
    let mut rest = segments.as_slice();
    while let Some((first, tail)) = rest.split_first() {
        let item = items.iter().find(|i| i.name() == *first)?;
        match item {
            Item::Field(field) => {
                let fits = match (tail, &field.ty) {
                    ([], FieldType::File | FieldType::Files) => !indexed || field.ty == FieldType::File,
                    ([index], FieldType::Files) => indexed && file_index(index, field).is_some(),
                    _ => false,
                };
                return fits.then_some(field);
            }
            Item::Group(group) => {
                items = group.items.iter().collect();
                rest = tail;
            }
            Item::Repeat(repeat) => {
                let (index, tail) = tail.split_first()?;
                item_index(index, repeat.max)?;
                items = repeat.items.iter().collect();
                rest = tail;
            }
            Item::Info(_) => return None,
        }
    }
    None
}

/// An object that holds no value, only (nested) objects that hold none.
fn blank(value: &Value) -> bool {
    value.as_object().is_some_and(|members| members.values().all(blank))
}

/// Removes the blank objects of groups that are not required on this submission (optional,
/// or a `required when` whose condition does not hold), outermost first.
fn drop_empty_unrequired(compiled: &Compiled, submission: &mut Value, options: &Options) {
    fn walk(
        compiled: &Compiled,
        items: &[Item],
        root: &Value,
        value: &Value,
        steps: &mut Vec<PathStep>,
        options: &Options,
        out: &mut Vec<Vec<PathStep>>,
    ) {
        let Some(object) = value.as_object() else { return };
        for item in items {
            let Some(child) = object.get(item.name()) else { continue };
            steps.push(PathStep::Key(item.name().to_string()));
            match item {
                Item::Group(group) => {
                    walk(compiled, &group.items, root, child, steps, options, out);
                    let empty = blank(child);
                    let required = match &group.required {
                        Requirement::Always => true,
                        Requirement::Never => false,
                        Requirement::When(condition) => {
                            let indices = steps_to_indices(steps, compiled);
                            compiled.eval(condition, root, options, &indices).is_true()
                        }
                    };
                    if empty && !required {
                        out.push(steps.clone());
                    }
                }
                Item::Repeat(repeat) => {
                    for (index, entry) in child.as_array().into_iter().flatten().enumerate() {
                        steps.push(PathStep::Index(index));
                        walk(compiled, &repeat.items, root, entry, steps, options, out);
                        steps.pop();
                    }
                }
                _ => {}
            }
            steps.pop();
        }
    }
    let form = compiled.form();
    let mut out = Vec::new();
    for page in &form.pages {
        walk(compiled, &page.items, submission, submission, &mut Vec::new(), options, &mut out);
    }
    for steps in out.iter().rev() {
        remove_at(submission, steps);
    }
}

/// Files one pair into the tree; `false` if the name does not fit the form.
fn place(object: &mut BTreeMap<String, Node>, items: &[&Item], segments: &[&str], value: &str) -> bool {
    let Some((first, rest)) = segments.split_first() else { return false };
    let Some(item) = items.iter().find(|i| i.name() == *first && !matches!(i, Item::Info(_))) else { return false };
    match item {
        Item::Field(field) => {
            let raw = match object.entry(first.to_string()).or_insert_with(|| Node::Field(Raw::default())) {
                Node::Field(raw) => raw,
                _ => return false,
            };
            match (rest, &field.ty) {
                ([], _) => raw.values.push(value.to_string()),
                ([""], FieldType::MultipleChoice { .. }) => raw.values.push(value.to_string()),
                ([part], FieldType::Date) if ["tag", "monat", "jahr"].contains(part) => {
                    raw.parts.insert(part.to_string(), value.to_string());
                }
                ([part], FieldType::File) if ["name", "media_type", "size"].contains(part) => {
                    raw.parts.insert(part.to_string(), value.to_string());
                }
                ([index, part], FieldType::Files) if ["name", "media_type", "size"].contains(part) => {
                    let Some(index) = file_index(index, field) else { return false };
                    raw.files.entry(index).or_default().insert(part.to_string(), value.to_string());
                }
                _ => return false,
            }
            true
        }
        Item::Group(group) => {
            let children: Vec<&Item> = group.items.iter().collect();
            match object.entry(first.to_string()).or_insert_with(|| Node::Object(BTreeMap::new())) {
                Node::Object(inner) => place(inner, &children, rest, value),
                _ => false,
            }
        }
        Item::Repeat(repeat) => {
            let Some((index, rest)) = rest.split_first() else { return false };
            let Some(index) = item_index(index, repeat.max) else { return false };
            let children: Vec<&Item> = repeat.items.iter().collect();
            let entries = match object.entry(first.to_string()).or_insert_with(|| Node::Items(BTreeMap::new())) {
                Node::Items(entries) => entries,
                _ => return false,
            };
            match entries.entry(index).or_insert_with(|| Node::Object(BTreeMap::new())) {
                Node::Object(inner) => place(inner, &children, rest, value),
                _ => false,
            }
        }
        Item::Info(_) => false,
    }
}

/// The file of several that an index names: as a repeat's, but one past the field's most
/// files is still a file, so that a server can say there was one too many (`max_files`).
fn file_index(text: &str, field: &crate::ir::Field) -> Option<usize> {
    item_index(text, field.constraints.max_count.map(|max| max.saturating_add(1)))
}

/// The item a repeat index names: a canonical decimal (`0`, `1`, … — no sign, no leading
/// zero, no spaces) below the repeat's maximum. Anything else names no item, so `[01]` and
/// `[+1]` are not item 1, and no index makes the conversion allocate.
fn item_index(text: &str, max: Option<u32>) -> Option<usize> {
    let canonical =
        text == "0" || (!text.starts_with('0') && !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()));
    let index: usize = text.parse().ok().filter(|_| canonical)?;
    max.is_none_or(|max| index < max as usize).then_some(index)
}

/// Turns the collected tree into JSON, converting each field's raw input by its type.
fn to_json(items: &[&Item], mut object: BTreeMap<String, Node>) -> Map<String, Value> {
    let mut out = Map::new();
    for item in items {
        let Some(node) = object.remove(item.name()) else { continue };
        let value = match (item, node) {
            (Item::Field(field), Node::Field(raw)) if field.ty == FieldType::Files => values::files(raw.files),
            (Item::Field(field), Node::Field(raw)) => values::field_value(&field.ty, raw.values, raw.parts),
            (Item::Group(group), Node::Object(inner)) => {
                let children: Vec<&Item> = group.items.iter().collect();
                let converted = to_json(&children, inner);
                let may_be_required = group.required != Requirement::Never;
                (!converted.is_empty() || may_be_required).then_some(Value::Object(converted))
            }
            (Item::Repeat(repeat), Node::Items(entries)) => {
                let children: Vec<&Item> = repeat.items.iter().collect();
                let list: Vec<Value> = entries
                    .into_values()
                    .map(|entry| match entry {
                        Node::Object(inner) => Value::Object(to_json(&children, inner)),
                        _ => Value::Object(Map::new()),
                    })
                    .collect();
                Some(Value::Array(list))
            }
            _ => None,
        };
        if let Some(value) = value {
            out.insert(item.name().to_string(), value);
        }
    }
    out
}

/// Drops every value whose node is hidden, until nothing changes.
pub fn prune_hidden(compiled: &Compiled, submission: &mut Value, options: &Options) {
    let form = compiled.form();
    let root_items: Vec<&Item> = form.items().collect();
    // Each pass removes at least one node, so the number of nodes bounds the passes.
    for _ in 0..10_000 {
        let mut hidden: Vec<Vec<PathStep>> = Vec::new();
        find_hidden(
            compiled,
            &root_items,
            submission,
            submission,
            &mut Vec::new(),
            &mut Vec::new(),
            options,
            &mut hidden,
        );
        if hidden.is_empty() {
            return;
        }
        for steps in hidden.iter().rev() {
            remove_at(submission, steps);
        }
    }
}

#[derive(Clone, Debug)]
enum PathStep {
    Key(String),
    Index(usize),
}

#[allow(clippy::too_many_arguments)]
fn find_hidden(
    compiled: &Compiled,
    items: &[&Item],
    root: &Value,
    value: &Value,
    path: &mut Vec<String>,
    steps: &mut Vec<PathStep>,
    options: &Options,
    hidden: &mut Vec<Vec<PathStep>>,
) {
    let indices = steps_to_indices(steps, compiled);
    let Some(object) = value.as_object() else { return };
    for item in items {
        let Some(child) = object.get(item.name()) else { continue };
        let visible = match item {
            Item::Field(f) => f.visible.as_ref(),
            Item::Group(g) => g.visible.as_ref(),
            Item::Repeat(r) => r.visible.as_ref(),
            Item::Info(_) => continue,
        };
        steps.push(PathStep::Key(item.name().to_string()));
        let shown = visible.is_none_or(|condition| compiled.eval(condition, root, options, &indices).is_true());
        if !shown {
            hidden.push(steps.clone());
            steps.pop();
            continue;
        }
        path.push(item.name().to_string());
        match item {
            Item::Group(group) => {
                let children: Vec<&Item> = group.items.iter().collect();
                find_hidden(compiled, &children, root, child, path, steps, options, hidden);
            }
            Item::Repeat(repeat) => {
                let children: Vec<&Item> = repeat.items.iter().collect();
                for (index, entry) in child.as_array().into_iter().flatten().enumerate() {
                    steps.push(PathStep::Index(index));
                    find_hidden(compiled, &children, root, entry, path, steps, options, hidden);
                    steps.pop();
                }
            }
            _ => {}
        }
        path.pop();
        steps.pop();
    }
}

/// The current item of each repeat along `steps` (keys and indices from the root).
fn steps_to_indices(steps: &[PathStep], compiled: &Compiled) -> Vec<(Vec<String>, usize)> {
    let mut names = Vec::new();
    let mut out = Vec::new();
    for step in steps {
        match step {
            PathStep::Key(key) => names.push(key.clone()),
            PathStep::Index(index) => {
                if compiled.repeats().contains(&names) {
                    out.push((names.clone(), *index));
                }
            }
        }
    }
    out
}

fn remove_at(value: &mut Value, steps: &[PathStep]) {
    let Some((last, init)) = steps.split_last() else { return };
    let mut current = value;
    for step in init {
        current = match (step, current) {
            (PathStep::Key(key), Value::Object(map)) => match map.get_mut(key) {
                Some(next) => next,
                None => return,
            },
            (PathStep::Index(index), Value::Array(items)) => match items.get_mut(*index) {
                Some(next) => next,
                None => return,
            },
            _ => return,
        };
    }
    if let (PathStep::Key(key), Value::Object(map)) = (last, current) {
        map.remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_bracket_paths() {
        assert_eq!(segments("kinder[0][vorname]"), Some(vec!["kinder", "0", "vorname"]));
        assert_eq!(segments("sprachen[]"), Some(vec!["sprachen", ""]));
        assert_eq!(segments("a[b"), None);
        assert_eq!(segments("plain"), Some(vec!["plain"]));
    }

    #[test]
    fn decodes_urlencoded_bodies() {
        let pairs = parse_urlencoded("name=J%C3%BCrgen+M%C3%BCller&kinder%5B0%5D%5Bname%5D=Ida&x=%zz&empty=");
        assert_eq!(pairs[0], ("name".into(), "Jürgen Müller".into()));
        assert_eq!(pairs[1], ("kinder[0][name]".into(), "Ida".into()));
        assert_eq!(pairs[2], ("x".into(), "%zz".into()));
        assert_eq!(pairs[3], ("empty".into(), "".into()));
    }
}
