//! A submission read by a [`plan::Form`](super::plan::Form): per object one slot per member,
//! holding exactly what `json::Leaf`, `json::Group` and `json::Many` keep, and the first
//! unknown key. Reading is driven by the plan instead of by generated structs, with the same
//! visitors as the reference validator, so both accept the same texts and see the same
//! values, at any depth: what the form does not look at is only consumed.
//!
//! A valid submission's typed structs are read from the tree ([`typed`], called by the
//! generated `from_tree` of each struct, which knows each member's slot), without a second
//! pass over the bytes and without instantiating serde's derived visitors per struct.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};

use super::json::{self, Group, GroupSeed, Leaf, Many, ManySeed, ReadError, Str, Unknown};
use super::plan::{Form, Node};

/// What a submission holds for one member.
#[derive(Clone, Debug, PartialEq)]
pub enum Slot<'de> {
    Absent,
    Leaf(Leaf<'de>),
    Group(Group<Obj<'de>>),
    Many(Many<Obj<'de>>),
}

impl Slot<'_> {
    /// Present, not `null`, not `""`, not `[]` (`json::Given`).
    pub fn given(&self) -> bool {
        use super::json::Given;
        match self {
            Slot::Absent => false,
            Slot::Leaf(leaf) => leaf.given(),
            Slot::Group(group) => group.given(),
            Slot::Many(many) => many.given(),
        }
    }
}

/// An object of a submission, read by the plan's object `object`.
#[derive(Clone, Debug, PartialEq)]
pub struct Obj<'de> {
    pub object: u16,
    /// One per member of the plan's object, in its order.
    pub slots: Vec<Slot<'de>>,
    pub unknown: Unknown<'de>,
}

/// Reads the submission `bytes` (a JSON text in UTF-8) by `form`.
pub fn read<'de>(form: &'static Form, bytes: &'de [u8]) -> Result<Group<Obj<'de>>, ReadError> {
    json::read_seed(bytes, GroupSeed(ObjectSeed { form, object: 0 }))
}

/// Reads a submission that is already a `serde_json::Value` by `form`.
pub fn read_value<'de>(form: &'static Form, value: &'de serde_json::Value) -> Group<Obj<'de>> {
    // A `Value` is always well-formed: every type here reads any JSON.
    GroupSeed(ObjectSeed { form, object: 0 }).deserialize(value).unwrap_or(Group::Other { given: true })
}

/// Reads an object of the form.
#[derive(Clone, Copy)]
struct ObjectSeed {
    form: &'static Form,
    object: u16,
}

impl<'de> DeserializeSeed<'de> for ObjectSeed {
    type Value = Obj<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Obj<'de>, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ObjectSeed {
    type Value = Obj<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object of the form")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Obj<'de>, A::Error> {
        let plan = &self.form.objects[self.object as usize];
        let mut slots = Vec::with_capacity(plan.members.len());
        slots.resize_with(plan.members.len(), || Slot::Absent);
        let mut unknown = Unknown::default();
        let mut expected = 0;
        while let Some(Str(key)) = map.next_key()? {
            let Some(index) = plan.find_from(&key, expected) else {
                map.next_value::<IgnoredAny>()?;
                unknown.add(key);
                continue;
            };
            expected = index + 1;
            slots[index] = match &plan.members[index].node {
                Node::Field { .. } => Slot::Leaf(map.next_value()?),
                Node::Group { object, .. } => {
                    Slot::Group(map.next_value_seed(GroupSeed(ObjectSeed { form: self.form, object: *object }))?)
                }
                Node::Repeat { max, object, .. } => {
                    // Items past the maximum are only consumed, never kept.
                    let item = ObjectSeed { form: self.form, object: *object };
                    Slot::Many(map.next_value_seed(ManySeed { max: max.map(|max| max as usize), item })?)
                }
            };
        }
        Ok(Obj { object: self.object, slots, unknown })
    }
}

/// Conversions of a valid submission's slots into typed data, for the generated
/// `from_tree` functions of the typed structs: `None` when a value does not fit (which
/// cannot happen once the submission is valid).
pub mod typed {
    use super::super::json::{Group, Leaf, Many, Open};
    use super::super::logic::whole_number;
    use super::{Obj, Slot};

    fn leaf<'a, 'de>(slot: &'a Slot<'de>) -> Option<&'a Leaf<'de>> {
        match slot {
            Slot::Leaf(leaf) => Some(leaf),
            _ => None,
        }
    }

    pub fn text(slot: &Slot) -> Option<String> {
        leaf(slot)?.as_str().map(str::to_string)
    }

    pub fn integer(slot: &Slot) -> Option<i64> {
        leaf(slot)?.as_number().and_then(whole_number)
    }

    pub fn boolean(slot: &Slot) -> Option<bool> {
        match leaf(slot)? {
            Leaf::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// A file reference's name, media type and size.
    pub fn file(slot: &Slot) -> Option<(String, String, u64)> {
        let file = super::super::check::file_ref(leaf(slot)?)?;
        Some((file.name.to_string(), file.media_type.to_string(), file.size))
    }

    /// Several file references' names, media types and sizes.
    pub fn files(slot: &Slot) -> Option<Vec<(String, String, u64)>> {
        let Leaf::Array(items) = leaf(slot)? else { return None };
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            let file = super::super::check::file_ref(item)?;
            out.push((file.name.to_string(), file.media_type.to_string(), file.size));
        }
        Some(out)
    }

    /// A code as the code list's entry.
    pub fn code<T>(slot: &Slot, from_code: fn(&str) -> Option<T>) -> Option<T> {
        leaf(slot)?.as_str().and_then(from_code)
    }

    /// Chosen codes as the code list's entries.
    pub fn codes<T>(slot: &Slot, from_code: fn(&str) -> Option<T>) -> Option<Vec<T>> {
        // Plain loops rather than `collect` into `Option<Vec<_>>`: these are instantiated per
        // type of every form, and the iterator adapters cost each instance much more code.
        let Leaf::Array(items) = leaf(slot)? else { return None };
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            out.push(from_code(item.as_str()?)?);
        }
        Some(out)
    }

    /// A code of an `extensible` list as its entry (a valid submission holds only listed codes).
    pub fn open_code<T>(slot: &Slot, from_code: fn(&str) -> Option<T>) -> Option<Open<T>> {
        code(slot, from_code).map(Open::Known)
    }

    /// Chosen codes of an `extensible` list as its entries.
    pub fn open_codes<T>(slot: &Slot, from_code: fn(&str) -> Option<T>) -> Option<Vec<Open<T>>> {
        let Leaf::Array(items) = leaf(slot)? else { return None };
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            out.push(Open::Known(from_code(item.as_str()?)?));
        }
        Some(out)
    }

    /// A group's object as its typed struct.
    pub fn group<T>(slot: &Slot, from_tree: fn(&Obj) -> Option<T>) -> Option<T> {
        match slot {
            Slot::Group(Group::Object(obj)) => from_tree(obj),
            _ => None,
        }
    }

    /// A repeat's items as their typed structs.
    pub fn many<T>(slot: &Slot, from_tree: fn(&Obj) -> Option<T>) -> Option<Vec<T>> {
        let Slot::Many(Many::Items { items, .. }) = slot else { return None };
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            out.push(from_tree(item.object()?)?);
        }
        Some(out)
    }
}
