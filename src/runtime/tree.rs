//! A submission read by a [`plan::Form`](super::plan::Form): per object one slot per member,
//! holding exactly what `json::Leaf`, `json::Group` and `json::Many` keep, and the first
//! unknown key. Reading is driven by the plan instead of by generated structs, with the same
//! visitors as the reference validator, so both accept the same texts and see the same
//! values, at any depth: what the form does not look at is only consumed.
//!
//! A valid submission's tree is also a serde `Deserializer` ([`Obj::typed`]), so the typed
//! structs of a generated crate are plain `#[derive(Deserialize)]` types, read from the tree
//! without a second pass over the bytes.

use std::fmt;

use serde::de::{
    self, value::Error as DeError, DeserializeSeed, Deserializer, IgnoredAny, IntoDeserializer, MapAccess, SeqAccess,
    Visitor,
};

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
        while let Some(Str(key)) = map.next_key()? {
            let Some(index) = plan.find(&key) else {
                map.next_value::<IgnoredAny>()?;
                unknown.add(key);
                continue;
            };
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

impl<'de> Obj<'de> {
    /// The typed data of a valid submission, through its `Deserialize` (derived): absent
    /// members are missing keys, present ones are read as they were given.
    pub fn typed<T: de::Deserialize<'de>>(&self, form: &'static Form) -> Result<T, DeError> {
        T::deserialize(ObjDe { form, obj: self })
    }
}

/// An object of the tree as a serde `Deserializer` (a map of its present members).
struct ObjDe<'a, 'de> {
    form: &'static Form,
    obj: &'a Obj<'de>,
}

impl<'de> Deserializer<'de> for ObjDe<'_, 'de> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_map(Members { form: self.form, obj: self.obj, next: 0 })
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_some(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit
        unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

/// The present members of an object, in the plan's order.
struct Members<'a, 'de> {
    form: &'static Form,
    obj: &'a Obj<'de>,
    next: usize,
}

impl<'de> MapAccess<'de> for Members<'_, 'de> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, DeError> {
        while let Some(slot) = self.obj.slots.get(self.next) {
            if !matches!(slot, Slot::Absent) {
                let name = self.form.objects[self.obj.object as usize].members[self.next].name;
                return seed.deserialize(name.into_deserializer()).map(Some);
            }
            self.next += 1;
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        let slot = &self.obj.slots[self.next];
        self.next += 1;
        seed.deserialize(SlotDe { form: self.form, slot })
    }
}

struct SlotDe<'a, 'de> {
    form: &'static Form,
    slot: &'a Slot<'de>,
}

impl<'de> Deserializer<'de> for SlotDe<'_, 'de> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.slot {
            Slot::Leaf(leaf) => LeafDe(leaf).deserialize_any(visitor),
            Slot::Group(Group::Object(obj)) => ObjDe { form: self.form, obj }.deserialize_any(visitor),
            Slot::Many(Many::Items { items, .. }) => visitor.visit_seq(Items { form: self.form, items: items.iter() }),
            _ => Err(de::Error::custom("a value of the wrong type")),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.slot {
            Slot::Absent | Slot::Leaf(Leaf::Null) => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match self.slot {
            Slot::Leaf(leaf) => LeafDe(leaf).deserialize_enum(name, variants, visitor),
            _ => self.deserialize_any(visitor),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit
        unit_struct newtype_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

/// The items of a repeat.
struct Items<'a, 'de> {
    form: &'static Form,
    items: std::slice::Iter<'a, Group<Obj<'de>>>,
}

impl<'de> SeqAccess<'de> for Items<'_, 'de> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, DeError> {
        match self.items.next() {
            None => Ok(None),
            Some(Group::Object(obj)) => seed.deserialize(ObjDe { form: self.form, obj }).map(Some),
            Some(Group::Other { .. }) => Err(de::Error::custom("an item that is not an object")),
        }
    }
}

/// A field's value as a serde `Deserializer`.
struct LeafDe<'a, 'de>(&'a Leaf<'de>);

impl<'de> Deserializer<'de> for LeafDe<'_, 'de> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.0 {
            Leaf::Null => visitor.visit_unit(),
            Leaf::Bool(b) => visitor.visit_bool(*b),
            Leaf::Num(n) => n.deserialize_any(visitor).map_err(de::Error::custom),
            Leaf::Str(s) => visitor.visit_str(s),
            Leaf::Array(items) => visitor.visit_seq(de::value::SeqDeserializer::new(items.iter().map(LeafDe))),
            Leaf::Object(members) => visitor.visit_map(de::value::MapDeserializer::new(
                members.iter().map(|(key, value)| (key.as_ref(), LeafDe(value))),
            )),
            Leaf::Nested => Err(de::Error::custom("a nested container")),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.0 {
            Leaf::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match self.0 {
            Leaf::Str(s) => s.as_ref().into_deserializer().deserialize_enum(name, variants, visitor),
            _ => self.deserialize_any(visitor),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit
        unit_struct newtype_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

impl<'de> IntoDeserializer<'de, DeError> for LeafDe<'_, 'de> {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}
