//! A submission as validators read it, without building a `serde_json::Value`: field values
//! ([`Leaf`]), groups ([`Group`]) and repeats ([`Many`]) that keep exactly what the meaning of
//! a form depends on — including the shape of a value of the wrong type — and borrow strings
//! from the input where they can.
//!
//! Every type here deserializes from any JSON, so reading never fails on a well-formed
//! document. What no check looks at is only consumed, never kept: containers inside a
//! field's value past its entries (`Leaf::Nested`), the values of unknown members (of which only the first
//! key is kept), and the items of a repeat past its maximum ([`ManySeed`]). serde_json skips
//! a value without recursion, so a submission may nest to any depth; the recursion and the
//! memory of reading are bounded by the form, not by the input.
//!
//! The readers are seeds as well as `Deserialize` types, so that the reference validator
//! reads a submission with exactly these visitors, driven by the IR instead of by generated
//! structs: both then accept the same texts and see the same values.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::fmt;

use std::marker::PhantomData;

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Number;

/// A string of the input, borrowed when it has no escapes (object keys, mostly).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Str<'de>(pub Cow<'de, str>);

impl<'de> Deserialize<'de> for Str<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct StrVisitor;
        impl<'de> Visitor<'de> for StrVisitor {
            type Value = Str<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Borrowed(s)))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Owned(s.to_string())))
            }
            fn visit_string<E: de::Error>(self, s: String) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Owned(s)))
            }
        }
        deserializer.deserialize_str(StrVisitor)
    }
}

/// Reads a code of a code list (a string) as the list's entry: for the `Deserialize` of the
/// code-list enums of a generated crate, which are written as their codes.
pub fn code<'de, D: Deserializer<'de>, T>(deserializer: D, from_code: fn(&str) -> Option<T>) -> Result<T, D::Error> {
    let Str(text) = Str::deserialize(deserializer)?;
    from_code(&text).ok_or_else(|| de::Error::invalid_value(de::Unexpected::Str(&text), &"a code of the list"))
}

/// An entry of a code list's enum in a generated crate (`code_list!` implements it), so that
/// [`Open`] can read and write the entries of any list.
pub trait CodeEntry: Sized {
    /// The entry with this code, if the list has it.
    fn from_code(code: &str) -> Option<Self>;
    /// The code as it appears in a submission.
    fn code(&self) -> &'static str;
}

/// A code of an `extensible` code list in typed data: an entry of the list as this crate was
/// generated (`Known`), or a code that a newer version of the list added (`Other`), which only
/// the tolerant read ([`tolerant`], a form's `read_tolerant`) accepts. Written as its code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Open<T> {
    Known(T),
    Other(String),
}

impl<T: CodeEntry> Open<T> {
    /// The code as it appears in a submission.
    pub fn code(&self) -> &str {
        match self {
            Open::Known(entry) => entry.code(),
            Open::Other(code) => code,
        }
    }

    /// The entry of the list, if the code is one this crate knows.
    pub fn known(&self) -> Option<&T> {
        match self {
            Open::Known(entry) => Some(entry),
            Open::Other(_) => None,
        }
    }
}

impl<T: CodeEntry> serde::Serialize for Open<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl<'de, T: CodeEntry> Deserialize<'de> for Open<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let Str(text) = Str::deserialize(deserializer)?;
        match T::from_code(&text) {
            Some(entry) => Ok(Open::Known(entry)),
            None if is_tolerant() => Ok(Open::Other(text.into_owned())),
            None => Err(de::Error::invalid_value(de::Unexpected::Str(&text), &"a code of the list")),
        }
    }
}

thread_local! {
    /// Set while [`tolerant`] runs on this thread.
    static TOLERANT: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn is_tolerant() -> bool {
    TOLERANT.with(std::cell::Cell::get)
}

/// Runs `read` (a `Deserialize` of a generated crate's typed data) as a reader that must
/// tolerate data of newer versions of the form: members the struct does not have are skipped
/// (their values only consumed, never kept), and a code that an `extensible` list does not
/// have reads as [`Open::Other`]. Everything else stays as strict as the plain read: a member
/// given twice, a missing required one, a wrong type, a code outside a list that is not
/// extensible. It does not validate: use the form's `from_json` for what the intake accepts.
pub fn tolerant<R>(read: impl FnOnce() -> R) -> R {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            TOLERANT.with(|flag| flag.set(self.0));
        }
    }
    let _restore = Restore(TOLERANT.with(|flag| flag.replace(true)));
    read()
}

/// The members of a JSON object by name, for the `Deserialize` of the typed structs of a
/// generated crate: each read as a `serde_json::Value` first and converted when it is taken,
/// so that a struct's impl is one line per member instead of serde's derived visitors.
pub struct Members {
    names: &'static [&'static str],
    values: Vec<Option<serde_json::Value>>,
}

impl Members {
    /// Reads an object whose members are `names`; another member, or one given twice, is an
    /// error (as `#[serde(deny_unknown_fields)]` derives make it), except that inside
    /// [`tolerant`] another member is skipped.
    pub fn read<'de, D: Deserializer<'de>>(
        deserializer: D,
        names: &'static [&'static str],
    ) -> Result<Members, D::Error> {
        struct Visit(&'static [&'static str]);
        impl<'de> Visitor<'de> for Visit {
            type Value = Members;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Members, A::Error> {
                let mut values: Vec<Option<serde_json::Value>> = vec![None; self.0.len()];
                while let Some(Str(key)) = map.next_key()? {
                    let Some(index) = self.0.iter().position(|name| *name == key) else {
                        if is_tolerant() {
                            map.next_value::<IgnoredAny>()?;
                            continue;
                        }
                        return Err(de::Error::unknown_field(&key, self.0));
                    };
                    if values[index].is_some() {
                        return Err(de::Error::duplicate_field(self.0[index]));
                    }
                    values[index] = Some(map.next_value()?);
                }
                Ok(Members { names: self.0, values })
            }
        }
        deserializer.deserialize_map(Visit(names))
    }

    /// [`Members::read`] of a whole document: compiled once, here, so that the tolerant read
    /// of a generated crate instantiates none of serde_json's reader per form.
    pub fn from_slice(bytes: &[u8], names: &'static [&'static str]) -> Result<Members, serde_json::Error> {
        let mut deserializer = serde_json::Deserializer::from_slice(bytes);
        let members = Members::read(&mut deserializer, names)?;
        deserializer.end()?;
        Ok(members)
    }

    /// [`Members::read`] of an object already read (whose members are each given once).
    pub fn from_map(
        map: serde_json::Map<String, serde_json::Value>,
        names: &'static [&'static str],
    ) -> Result<Members, serde_json::Error> {
        let mut values: Vec<Option<serde_json::Value>> = vec![None; names.len()];
        for (key, value) in map {
            match names.iter().position(|name| *name == key) {
                Some(index) => values[index] = Some(value),
                None if is_tolerant() => {}
                None => return Err(de::Error::unknown_field(&key, names)),
            }
        }
        Ok(Members { names, values })
    }

    /// A member that must be present, converted with [`FromValue`].
    pub fn take<T: FromValue>(&mut self, index: usize) -> Result<T, serde_json::Error> {
        match self.values[index].take() {
            Some(value) => T::from_value(value),
            None => Err(de::Error::missing_field(self.names[index])),
        }
    }

    /// A member that may be absent (or `null`), converted with [`FromValue`].
    pub fn take_optional<T: FromValue>(&mut self, index: usize) -> Result<Option<T>, serde_json::Error> {
        match self.values[index].take() {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(value) => T::from_value(value).map(Some),
        }
    }

    /// A member that must be present.
    pub fn required<T: de::DeserializeOwned, E: de::Error>(&mut self, index: usize) -> Result<T, E> {
        match self.values[index].take() {
            Some(value) => T::deserialize(value).map_err(E::custom),
            None => Err(E::missing_field(self.names[index])),
        }
    }

    /// A member that may be absent (or `null`).
    pub fn optional<T: de::DeserializeOwned, E: de::Error>(&mut self, index: usize) -> Result<Option<T>, E> {
        match self.values[index].take() {
            Some(value) => Option::<T>::deserialize(value).map_err(E::custom),
            None => Ok(None),
        }
    }
}

/// Typed data from a member's `serde_json::Value`, for the tolerant read of a generated crate
/// (a form's `read_tolerant`): the typed structs and code-list enums implement it with one line
/// per member (`object!`, `code_list!`), the rest is here. It gives the errors serde's
/// `Deserialize` from a `Value` gives, but a form's crate instantiates one small function per
/// type instead of serde's visitors and serde_json's reader, which made a form's crate take
/// twice as long to compile.
pub trait FromValue: Sized {
    fn from_value(value: serde_json::Value) -> Result<Self, serde_json::Error>;
}

impl FromValue for String {
    fn from_value(value: serde_json::Value) -> Result<String, serde_json::Error> {
        String::deserialize(value)
    }
}

impl FromValue for bool {
    fn from_value(value: serde_json::Value) -> Result<bool, serde_json::Error> {
        bool::deserialize(value)
    }
}

impl FromValue for i64 {
    fn from_value(value: serde_json::Value) -> Result<i64, serde_json::Error> {
        i64::deserialize(value)
    }
}

impl<T: FromValue> FromValue for Vec<T> {
    fn from_value(value: serde_json::Value) -> Result<Vec<T>, serde_json::Error> {
        let items = match value {
            serde_json::Value::Array(items) => items,
            other => return Err(de::Error::invalid_type(unexpected(&other), &"a sequence")),
        };
        // A plain loop: instantiated per item type of every form.
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            out.push(T::from_value(item)?);
        }
        Ok(out)
    }
}

impl<T: CodeEntry> FromValue for Open<T> {
    fn from_value(value: serde_json::Value) -> Result<Open<T>, serde_json::Error> {
        let text = code_text(value)?;
        match T::from_code(&text) {
            Some(entry) => Ok(Open::Known(entry)),
            None if is_tolerant() => Ok(Open::Other(text)),
            None => Err(not_a_code(&text)),
        }
    }
}

/// A code of a code list's enum from a `Value` (see [`FromValue`]; `code_list!` calls it).
pub fn code_from_value<T>(value: serde_json::Value, from_code: fn(&str) -> Option<T>) -> Result<T, serde_json::Error> {
    let text = code_text(value)?;
    from_code(&text).ok_or_else(|| not_a_code(&text))
}

/// A typed struct from a `Value` (see [`FromValue`]; `object!` calls it with its members'
/// names and its constructor from them).
pub fn object_from_value<T>(
    value: serde_json::Value,
    names: &'static [&'static str],
    from_members: fn(Members) -> Result<T, serde_json::Error>,
) -> Result<T, serde_json::Error> {
    match value {
        serde_json::Value::Object(map) => from_members(Members::from_map(map, names)?),
        other => Err(de::Error::invalid_type(unexpected(&other), &"an object")),
    }
}

/// The text of a code, as [`code`] reads it.
fn code_text(value: serde_json::Value) -> Result<String, serde_json::Error> {
    match value {
        serde_json::Value::String(text) => Ok(text),
        other => Err(de::Error::invalid_type(unexpected(&other), &"a string")),
    }
}

fn not_a_code(text: &str) -> serde_json::Error {
    de::Error::invalid_value(de::Unexpected::Str(text), &"a code of the list")
}

/// What serde calls a value in its errors, as serde_json's `Value` deserializer does.
fn unexpected(value: &serde_json::Value) -> de::Unexpected<'_> {
    use serde_json::Value;
    match value {
        Value::Null => de::Unexpected::Unit,
        Value::Bool(b) => de::Unexpected::Bool(*b),
        Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), _, _) => de::Unexpected::Unsigned(u),
            (None, Some(i), _) => de::Unexpected::Signed(i),
            (None, None, Some(f)) => de::Unexpected::Float(f),
            (None, None, None) => de::Unexpected::Other("number"),
        },
        Value::String(s) => de::Unexpected::Str(s),
        Value::Array(_) => de::Unexpected::Seq,
        Value::Object(_) => de::Unexpected::Map,
    }
}

/// Values that can be "given": present, not `null`, not `""`, not `[]`.
pub trait Given {
    fn given(&self) -> bool;
}

impl<T: Given> Given for Option<&T> {
    fn given(&self) -> bool {
        self.is_some_and(|value| value.given())
    }
}

/// The value of a field, any JSON. Containers two levels down (inside the entries of an
/// array or the members of an object) are `Nested`: no field's meaning looks into them (the
/// deepest a meaning looks is a member of a file in a list of files).
#[derive(Clone, Debug, PartialEq)]
pub enum Leaf<'de> {
    Null,
    Bool(bool),
    Num(Number),
    Str(Cow<'de, str>),
    Array(Vec<Leaf<'de>>),
    /// Members in document order; a repeated key keeps its first place and its last value.
    Object(Vec<(Cow<'de, str>, Leaf<'de>)>),
    Nested,
}

impl<'de> Leaf<'de> {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Leaf::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_number(&self) -> Option<&Number> {
        match self {
            Leaf::Num(n) => Some(n),
            _ => None,
        }
    }

    /// An object's member.
    pub fn get(&self, key: &str) -> Option<&Leaf<'de>> {
        match self {
            Leaf::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// A string's text (for typed data).
    pub fn into_string(self) -> Option<String> {
        match self {
            Leaf::Str(s) => Some(s.into_owned()),
            _ => None,
        }
    }

    /// A whole number that fits `i64` (for typed data).
    pub fn into_i64(self) -> Option<i64> {
        self.as_number().and_then(super::logic::whole_number)
    }

    pub fn into_bool(self) -> Option<bool> {
        match self {
            Leaf::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// A code as the code list's entry, through its `from_code`.
    pub fn into_code<T>(self, from_code: impl Fn(&str) -> Option<T>) -> Option<T> {
        self.as_str().and_then(from_code)
    }

    /// Chosen codes as the code list's entries.
    pub fn into_codes<T>(self, from_code: impl Fn(&str) -> Option<T>) -> Option<Vec<T>> {
        match self {
            Leaf::Array(items) => items.iter().map(|item| item.as_str().and_then(&from_code)).collect(),
            _ => None,
        }
    }

    /// Reads a field's value from a JSON value (what the reference validator does).
    pub fn of(value: &'de serde_json::Value) -> Leaf<'de> {
        Leaf::deserialize(value).unwrap_or(Leaf::Nested)
    }
}

impl Given for Leaf<'_> {
    fn given(&self) -> bool {
        match self {
            Leaf::Null => false,
            Leaf::Str(s) => !s.is_empty(),
            Leaf::Array(items) => !items.is_empty(),
            _ => true,
        }
    }
}

impl<'de> Deserialize<'de> for Leaf<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        LeafSeed { levels: LEAF_LEVELS }.deserialize(deserializer)
    }
}

/// How many levels of containers a field's value keeps: the value itself and its entries
/// (several files are an array of objects); anything deeper is only consumed.
const LEAF_LEVELS: u8 = 2;

/// Reads a value keeping `levels` levels of containers.
#[derive(Clone, Copy)]
struct LeafSeed {
    levels: u8,
}

impl<'de> DeserializeSeed<'de> for LeafSeed {
    type Value = Leaf<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Leaf<'de>, D::Error> {
        deserializer.deserialize_any(LeafVisitor { levels: self.levels })
    }
}

struct LeafVisitor {
    /// Levels of containers still kept; at 0 a container is `Nested`.
    levels: u8,
}

impl<'de> Visitor<'de> for LeafVisitor {
    type Value = Leaf<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Leaf<'de>, E> {
        Ok(Leaf::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Leaf<'de>, E> {
        Ok(Leaf::Null)
    }
    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Leaf<'de>, E> {
        Ok(Leaf::Bool(b))
    }
    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Leaf<'de>, E> {
        Ok(Leaf::Num(n.into()))
    }
    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Leaf<'de>, E> {
        Ok(Leaf::Num(n.into()))
    }
    fn visit_f64<E: de::Error>(self, n: f64) -> Result<Leaf<'de>, E> {
        Ok(Number::from_f64(n).map_or(Leaf::Nested, Leaf::Num))
    }
    fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Leaf<'de>, E> {
        Ok(Leaf::Str(Cow::Borrowed(s)))
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Leaf<'de>, E> {
        Ok(Leaf::Str(Cow::Owned(s.to_string())))
    }
    fn visit_string<E: de::Error>(self, s: String) -> Result<Leaf<'de>, E> {
        Ok(Leaf::Str(Cow::Owned(s)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Leaf<'de>, A::Error> {
        if self.levels == 0 {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            return Ok(Leaf::Nested);
        }
        let inner = LeafSeed { levels: self.levels - 1 };
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(inner)? {
            items.push(item);
        }
        Ok(Leaf::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Leaf<'de>, A::Error> {
        if self.levels == 0 {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            return Ok(Leaf::Nested);
        }
        let inner = LeafSeed { levels: self.levels - 1 };
        let mut members: Vec<(Cow<'de, str>, Leaf<'de>)> = Vec::new();
        let mut seen = BTreeSet::new();
        while let Some(Str(key)) = map.next_key()? {
            let value = map.next_value_seed(inner)?;
            if seen.insert(key.clone()) {
                members.push((key, value));
            } else if let Some(member) = members.iter_mut().find(|(k, _)| *k == key) {
                member.1 = value;
            }
        }
        Ok(Leaf::Object(members))
    }
}

/// The value of a group (or of a repeat's item): the object read as `T`, or another value.
#[derive(Clone, Debug, PartialEq)]
pub enum Group<T> {
    Object(T),
    /// Not an object; `given` as for [`Given`].
    Other {
        given: bool,
    },
}

impl<T> Group<T> {
    pub fn object(&self) -> Option<&T> {
        match self {
            Group::Object(object) => Some(object),
            Group::Other { .. } => None,
        }
    }
}

impl<T> Given for Group<T> {
    fn given(&self) -> bool {
        match self {
            Group::Object(_) => true,
            Group::Other { given } => *given,
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Group<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        GroupSeed(PhantomData::<T>).deserialize(deserializer)
    }
}

/// Reads a group's value, its object with the seed `S` (`PhantomData<T>` for a type `T`).
#[derive(Clone, Copy, Debug)]
pub struct GroupSeed<S>(pub S);

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for GroupSeed<S> {
    type Value = Group<S::Value>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Group<S::Value>, D::Error> {
        deserializer.deserialize_any(GroupVisitor(self.0))
    }
}

struct GroupVisitor<S>(S);

impl<'de, S: DeserializeSeed<'de>> Visitor<'de> for GroupVisitor<S> {
    type Value = Group<S::Value>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Group<S::Value>, A::Error> {
        self.0.deserialize(de::value::MapAccessDeserializer::new(map)).map(Group::Object)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Group<S::Value>, A::Error> {
        Ok(Group::Other { given: skip_seq(seq)? })
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Group<S::Value>, E> {
        Ok(Group::Other { given: !s.is_empty() })
    }
    fn visit_unit<E: de::Error>(self) -> Result<Group<S::Value>, E> {
        Ok(Group::Other { given: false })
    }
    fn visit_none<E: de::Error>(self) -> Result<Group<S::Value>, E> {
        Ok(Group::Other { given: false })
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Group<S::Value>, E> {
        Ok(Group::Other { given: true })
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Group<S::Value>, E> {
        Ok(Group::Other { given: true })
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Group<S::Value>, E> {
        Ok(Group::Other { given: true })
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Group<S::Value>, E> {
        Ok(Group::Other { given: true })
    }
}

/// Consumes a sequence, returning whether it had an element.
fn skip_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<bool, A::Error> {
    let mut any = false;
    while seq.next_element::<IgnoredAny>()?.is_some() {
        any = true;
    }
    Ok(any)
}

/// The value of a repeat: its items, or another value.
#[derive(Clone, Debug, PartialEq)]
pub enum Many<T> {
    /// The items up to the repeat's maximum; `more` when the array has items past it, which
    /// are only consumed: they are not checked, and expressions do not see them.
    Items { items: Vec<Group<T>>, more: bool },
    /// Not an array; `given` as for [`Given`].
    Other { given: bool },
}

impl<T> Many<T> {
    /// The number of items read (at most the maximum; 0 when the value is not an array).
    pub fn len(&self) -> usize {
        match self {
            Many::Items { items, .. } => items.len(),
            Many::Other { .. } => 0,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether the array has more items than the repeat's maximum.
    pub fn more(&self) -> bool {
        matches!(self, Many::Items { more: true, .. })
    }

    pub fn item(&self, index: usize) -> Option<&Group<T>> {
        match self {
            Many::Items { items, .. } => items.get(index),
            Many::Other { .. } => None,
        }
    }
}

impl<T> Given for Many<T> {
    fn given(&self) -> bool {
        match self {
            Many::Items { items, more } => !items.is_empty() || *more,
            Many::Other { given } => *given,
        }
    }
}

/// A repeat without a maximum.
impl<'de, T: Deserialize<'de>> Deserialize<'de> for Many<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        ManySeed { max: None, item: PhantomData::<T> }.deserialize(deserializer)
    }
}

/// Reads a repeat's value: at most `max` items, each an object read with the seed `item`;
/// the items past `max` are only consumed.
#[derive(Clone, Copy, Debug)]
pub struct ManySeed<S> {
    pub max: Option<usize>,
    pub item: S,
}

impl<'de, S: DeserializeSeed<'de> + Clone> DeserializeSeed<'de> for ManySeed<S> {
    type Value = Many<S::Value>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Many<S::Value>, D::Error> {
        deserializer.deserialize_any(ManyVisitor(self))
    }
}

struct ManyVisitor<S>(ManySeed<S>);

impl<'de, S: DeserializeSeed<'de> + Clone> Visitor<'de> for ManyVisitor<S> {
    type Value = Many<S::Value>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Many<S::Value>, A::Error> {
        let ManySeed { max, item } = self.0;
        let mut items = Vec::new();
        while max.is_none_or(|max| items.len() < max) {
            match seq.next_element_seed(GroupSeed(item.clone()))? {
                Some(entry) => items.push(entry),
                None => return Ok(Many::Items { items, more: false }),
            }
        }
        let more = skip_seq(seq)?;
        Ok(Many::Items { items, more })
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Many<S::Value>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Many::Other { given: true })
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Many<S::Value>, E> {
        Ok(Many::Other { given: !s.is_empty() })
    }
    fn visit_unit<E: de::Error>(self) -> Result<Many<S::Value>, E> {
        Ok(Many::Other { given: false })
    }
    fn visit_none<E: de::Error>(self) -> Result<Many<S::Value>, E> {
        Ok(Many::Other { given: false })
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Many<S::Value>, E> {
        Ok(Many::Other { given: true })
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Many<S::Value>, E> {
        Ok(Many::Other { given: true })
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Many<S::Value>, E> {
        Ok(Many::Other { given: true })
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Many<S::Value>, E> {
        Ok(Many::Other { given: true })
    }
}

/// Escapes a key for a JSON pointer (RFC 6901).
pub fn pointer_segment(key: &str) -> Cow<'_, str> {
    if key.contains(['~', '/']) {
        Cow::Owned(key.replace('~', "~0").replace('/', "~1"))
    } else {
        Cow::Borrowed(key)
    }
}

/// Appends an array index to a JSON pointer.
pub fn push_index(pointer: &mut String, index: usize) {
    use std::fmt::Write;
    let _ = write!(pointer, "/{index}");
}

/// The first member of an object that its form does not have (document order). Only the
/// first is reported, so that a report is bounded by the form, not by the input.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Unknown<'de> {
    first: Option<Cow<'de, str>>,
}

impl<'de> Unknown<'de> {
    pub fn add(&mut self, key: Cow<'de, str>) {
        if self.first.is_none() {
            self.first = Some(key);
        }
    }

    pub fn first(&self) -> Option<&str> {
        self.first.as_deref()
    }
}

/// Why bytes are not a submission: not UTF-8, or not one JSON value.
#[derive(Debug)]
pub enum ReadError {
    /// Valid UTF-8 up to this byte.
    NotUtf8(usize),
    Json(serde_json::Error),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            ReadError::NotUtf8(valid_up_to) => write!(f, "not UTF-8 after byte {valid_up_to}"),
            ReadError::Json(error) => error.fmt(f),
        }
    }
}

/// Reads one JSON text (UTF-8, nothing after the value) with `seed`.
pub fn read_seed<'de, S: DeserializeSeed<'de>>(bytes: &'de [u8], seed: S) -> Result<S::Value, ReadError> {
    let text = std::str::from_utf8(bytes).map_err(|e| ReadError::NotUtf8(e.valid_up_to()))?;
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = seed.deserialize(&mut deserializer).map_err(ReadError::Json)?;
    deserializer.end().map_err(ReadError::Json)?;
    Ok(value)
}

/// Reads a submission from bytes as `Group<T>`: a JSON text (UTF-8, nothing after the value),
/// or the parser's explanation of why it is not one.
pub fn read<'de, T: Deserialize<'de>>(bytes: &'de [u8]) -> Result<Group<T>, String> {
    read_seed(bytes, GroupSeed(PhantomData::<T>)).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    #[derive(Debug, Clone, Copy, PartialEq)]
    enum Art {
        A,
        B,
    }

    impl CodeEntry for Art {
        fn from_code(code: &str) -> Option<Art> {
            match code {
                "A" => Some(Art::A),
                "B" => Some(Art::B),
                _ => None,
            }
        }
        fn code(&self) -> &'static str {
            match self {
                Art::A => "A",
                Art::B => "B",
            }
        }
    }

    impl FromValue for Art {
        fn from_value(value: Value) -> Result<Art, serde_json::Error> {
            code_from_value(value, Art::from_code)
        }
    }

    /// What serde's `Deserialize` from a `Value` says (or reads), as text.
    fn by_serde<T: for<'de> Deserialize<'de> + fmt::Debug>(value: &Value) -> String {
        match T::deserialize(value.clone()) {
            Ok(read) => format!("{read:?}"),
            Err(error) => error.to_string(),
        }
    }

    fn by_value<T: FromValue + fmt::Debug>(value: &Value) -> String {
        match T::from_value(value.clone()) {
            Ok(read) => format!("{read:?}"),
            Err(error) => error.to_string(),
        }
    }

    /// Values of every JSON type, and codes in and out of the list.
    fn values() -> Vec<Value> {
        vec![
            json!(null),
            json!(true),
            json!(7),
            json!(-7),
            json!(1.5),
            json!(18446744073709551615u64),
            json!("A"),
            json!("XX"),
            json!(""),
            json!([]),
            json!(["A", "B"]),
            json!(["A", "XX"]),
            json!(["A", 7]),
            json!({}),
            json!({"a": 1}),
        ]
    }

    #[test]
    fn from_value_reads_and_refuses_as_serde_does() {
        for value in values() {
            assert_eq!(by_value::<String>(&value), by_serde::<String>(&value), "{value}");
            assert_eq!(by_value::<bool>(&value), by_serde::<bool>(&value), "{value}");
            assert_eq!(by_value::<i64>(&value), by_serde::<i64>(&value), "{value}");
            assert_eq!(by_value::<Vec<String>>(&value), by_serde::<Vec<String>>(&value), "{value}");
        }
    }

    /// Codes read as `code` and `Open`'s `Deserialize` read them, strictly and tolerantly.
    #[test]
    fn codes_from_a_value_read_as_the_deserializer_reads_them() {
        let by_code = |value: &Value| match code(value.clone(), Art::from_code) {
            Ok(read) => format!("{read:?}"),
            Err(error) => error.to_string(),
        };
        for value in values() {
            assert_eq!(by_value::<Art>(&value), by_code(&value), "{value}");
            assert_eq!(by_value::<Open<Art>>(&value), by_serde::<Open<Art>>(&value), "{value}");
            tolerant(|| assert_eq!(by_value::<Open<Art>>(&value), by_serde::<Open<Art>>(&value), "{value}"));
        }
        assert_eq!(tolerant(|| Open::<Art>::from_value(json!("XX")).unwrap()), Open::Other("XX".to_string()));
        assert!(Open::<Art>::from_value(json!("XX")).unwrap_err().to_string().contains("a code of the list"));
    }

    /// An object's members, strictly and tolerantly, from bytes and from a `Value`.
    #[test]
    fn members_of_an_object() {
        const NAMES: &[&str] = &["a", "b"];
        let from_value = |value: Value| {
            object_from_value(value, NAMES, |mut m| Ok((m.take::<i64>(0)?, m.take_optional::<String>(1)?)))
        };
        assert_eq!(from_value(json!({"a": 1, "b": null})).unwrap(), (1, None));
        assert_eq!(from_value(json!({"a": 1, "b": "x"})).unwrap(), (1, Some("x".to_string())));
        assert_eq!(from_value(json!({"b": "x"})).unwrap_err().to_string(), "missing field `a`");
        assert!(from_value(json!({"a": 1, "c": 2})).unwrap_err().to_string().starts_with("unknown field `c`"));
        assert_eq!(tolerant(|| from_value(json!({"a": 1, "c": 2}))).unwrap(), (1, None));
        assert_eq!(from_value(json!([1])).unwrap_err().to_string(), "invalid type: sequence, expected an object");
        let twice = Members::from_slice(br#"{"a": 1, "a": 2}"#, NAMES).err().unwrap().to_string();
        assert!(twice.starts_with("duplicate field `a`"), "{twice}");
        assert!(Members::from_slice(br#"{"a": 1} x"#, NAMES).is_err(), "trailing characters");
        let mut members = Members::from_slice(br#"{"b": "x", "a": 1}"#, NAMES).unwrap();
        assert_eq!(members.take::<i64>(0).unwrap(), 1);
    }
}
