//! Reading a submission from bytes for the reference validator, with the runtime's readers
//! (`runtime::json`) driven by the IR instead of by generated structs: the reference reads
//! exactly what the generated `from_json` reads, so the two accept the same texts and see
//! the same values, at any depth.
//!
//! The result is a `serde_json::Value` that means to the validator what the input means, but
//! holds only what the form looks at:
//! - a field's value as `runtime::json::Leaf` reads it; a container inside it (which no check
//!   looks into) becomes `[]`;
//! - groups and repeat items by the form; a value of the wrong type keeps only whether it is
//!   given (`true` or `null`);
//! - a repeat's items up to its maximum, then `null` for "more" (items past the maximum are
//!   not checked and expressions do not see them);
//! - of the members the form does not have, the first key (with `null`): only it is reported.
//!
//! Everything else is consumed by serde_json without recursion, so memory and recursion
//! are bounded by the form, not by the input; JSON nested deeper than the form is read like
//! any other.

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::{Map, Value};

use crate::ir::{Form, Item};
use crate::runtime::json::{self, Group, GroupSeed, Leaf, Many, ManySeed, Str};

pub use crate::runtime::json::ReadError;

/// Reads a submission of `form` from bytes (a JSON text in UTF-8), as the generated
/// `from_json` of the form reads it.
pub fn read(form: &Form, bytes: &[u8]) -> Result<Value, ReadError> {
    let root = json::read_seed(bytes, GroupSeed(ObjectSeed { members: Members::Root(form) }))?;
    Ok(group_value(root))
}

/// The data items of an object of the form.
#[derive(Clone, Copy)]
enum Members<'f> {
    Root(&'f Form),
    Items(&'f [Item]),
}

impl<'f> Members<'f> {
    fn find(self, name: &str) -> Option<&'f Item> {
        let is_member = |item: &&Item| item.name() == name && !matches!(item, Item::Info(_));
        match self {
            Members::Root(form) => form.items().find(is_member),
            Members::Items(items) => items.iter().find(is_member),
        }
    }
}

/// Reads an object of the form (the root, a group, or a repeat's item).
#[derive(Clone, Copy)]
struct ObjectSeed<'f> {
    members: Members<'f>,
}

impl<'f> ObjectSeed<'f> {
    fn of(items: &'f [Item]) -> ObjectSeed<'f> {
        ObjectSeed { members: Members::Items(items) }
    }
}

impl<'de> DeserializeSeed<'de> for ObjectSeed<'_> {
    type Value = Map<String, Value>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Map<String, Value>, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ObjectSeed<'_> {
    type Value = Map<String, Value>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an object of the form")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Map<String, Value>, A::Error> {
        let mut out = Map::new();
        let mut has_unknown = false;
        while let Some(Str(key)) = map.next_key()? {
            let value = match self.members.find(&key) {
                Some(Item::Field(_)) => leaf_value(map.next_value::<Leaf>()?),
                Some(Item::Group(group)) => group_value(map.next_value_seed(GroupSeed(ObjectSeed::of(&group.items)))?),
                Some(Item::Repeat(repeat)) => {
                    let max = repeat.max.map(|max| max as usize);
                    many_value(map.next_value_seed(ManySeed { max, item: ObjectSeed::of(&repeat.items) })?)
                }
                Some(Item::Info(_)) | None => {
                    map.next_value::<IgnoredAny>()?;
                    if has_unknown {
                        continue;
                    }
                    has_unknown = true;
                    Value::Null
                }
            };
            out.insert(key.into_owned(), value);
        }
        Ok(out)
    }
}

/// A field's value as the checks read it.
fn leaf_value(leaf: Leaf) -> Value {
    match leaf {
        Leaf::Null => Value::Null,
        Leaf::Bool(b) => Value::Bool(b),
        Leaf::Num(n) => Value::Number(n),
        Leaf::Str(s) => Value::String(s.into_owned()),
        Leaf::Array(items) => Value::Array(items.into_iter().map(leaf_value).collect()),
        Leaf::Object(members) => {
            Value::Object(members.into_iter().map(|(key, value)| (key.into_owned(), leaf_value(value))).collect())
        }
        // A container inside a field's value: no check looks into it.
        Leaf::Nested => Value::Array(Vec::new()),
    }
}

/// A value that is not of the expected type keeps only whether it is given.
fn other_value(given: bool) -> Value {
    if given {
        Value::Bool(true)
    } else {
        Value::Null
    }
}

fn group_value(group: Group<Map<String, Value>>) -> Value {
    match group {
        Group::Object(object) => Value::Object(object),
        Group::Other { given } => other_value(given),
    }
}

fn many_value(many: Many<Map<String, Value>>) -> Value {
    match many {
        Many::Items { items, more } => {
            let mut entries: Vec<Value> = items.into_iter().map(group_value).collect();
            if more {
                entries.push(Value::Null);
            }
            Value::Array(entries)
        }
        Many::Other { given } => other_value(given),
    }
}
