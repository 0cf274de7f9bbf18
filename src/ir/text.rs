//! [`Text`]: a text in the form's languages, kept compactly.
//!
//! A catalogue's IR holds millions of texts (every label of every code of every code list), most
//! in one or two languages. A `BTreeMap` allocates a node for eleven entries even for one (about
//! 540 bytes), so a text is a sorted boxed slice of (language, text) pairs instead, with the
//! map's methods, and serialised, deserialised and described (JSON Schema) exactly as the map.

use std::borrow::Borrow;
use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A text in the form's languages: `{"de": "Vorname", "en": "First name"}`, ordered by
/// language. The labels and hints of fields, groups and repeats and the text of an info are
/// templates that may name other answers (`{antragsteller.vorname}`, literal braces `{{` `}}`;
/// see [`super::template`]).
///
/// It behaves as a `BTreeMap<String, String>` (the methods of the map that the compiler uses,
/// iteration in language order, the same JSON and the same schema), in a fraction of the memory.
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Text {
    /// Sorted by language, each language once.
    entries: Box<[(String, String)]>,
}

impl Text {
    /// An empty text.
    pub fn new() -> Text {
        Text::default()
    }

    fn find<Q: Ord + ?Sized>(&self, lang: &Q) -> Result<usize, usize>
    where
        String: Borrow<Q>,
    {
        self.entries.binary_search_by(|(key, _)| key.borrow().cmp(lang))
    }

    /// The text in `lang`.
    pub fn get<Q: Ord + ?Sized>(&self, lang: &Q) -> Option<&String>
    where
        String: Borrow<Q>,
    {
        self.find(lang).ok().map(|index| &self.entries[index].1)
    }

    /// The text in `lang`, to change.
    pub fn get_mut<Q: Ord + ?Sized>(&mut self, lang: &Q) -> Option<&mut String>
    where
        String: Borrow<Q>,
    {
        self.find(lang).ok().map(|index| &mut self.entries[index].1)
    }

    pub fn contains_key<Q: Ord + ?Sized>(&self, lang: &Q) -> bool
    where
        String: Borrow<Q>,
    {
        self.find(lang).is_ok()
    }

    /// Sets the text in `lang`, returning the one it replaces.
    pub fn insert(&mut self, lang: String, text: String) -> Option<String> {
        match self.find(&lang) {
            Ok(index) => Some(std::mem::replace(&mut self.entries[index].1, text)),
            Err(index) => {
                let mut entries = std::mem::take(&mut self.entries).into_vec();
                entries.reserve_exact(1);
                entries.insert(index, (lang, text));
                self.entries = entries.into_boxed_slice();
                None
            }
        }
    }

    /// Removes the text in `lang`, returning it.
    pub fn remove<Q: Ord + ?Sized>(&mut self, lang: &Q) -> Option<String>
    where
        String: Borrow<Q>,
    {
        let index = self.find(lang).ok()?;
        let mut entries = std::mem::take(&mut self.entries).into_vec();
        let (_, text) = entries.remove(index);
        self.entries = entries.into_boxed_slice();
        Some(text)
    }

    /// Keeps only the languages for which `keep` holds.
    pub fn retain(&mut self, mut keep: impl FnMut(&String, &mut String) -> bool) {
        let mut entries = std::mem::take(&mut self.entries).into_vec();
        entries.retain_mut(|(lang, text)| keep(lang, text));
        self.entries = entries.into_boxed_slice();
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// (language, text), in language order.
    pub fn iter(&self) -> Iter<'_> {
        Iter(self.entries.iter())
    }

    /// (language, text to change), in language order.
    pub fn iter_mut(&mut self) -> impl DoubleEndedIterator<Item = (&String, &mut String)> + ExactSizeIterator {
        self.entries.iter_mut().map(|(lang, text)| (&*lang, text))
    }

    /// The languages, in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &String> + ExactSizeIterator + Clone {
        self.entries.iter().map(|(lang, _)| lang)
    }

    /// The texts, in language order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &String> + ExactSizeIterator + Clone {
        self.entries.iter().map(|(_, text)| text)
    }

    /// The texts, to change, in language order.
    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut String> + ExactSizeIterator {
        self.entries.iter_mut().map(|(_, text)| text)
    }

    /// The first language with its text.
    pub fn first_key_value(&self) -> Option<(&String, &String)> {
        self.entries.first().map(|(lang, text)| (lang, text))
    }

    /// The last language with its text.
    pub fn last_key_value(&self) -> Option<(&String, &String)> {
        self.entries.last().map(|(lang, text)| (lang, text))
    }

    /// Removes every language.
    pub fn clear(&mut self) {
        self.entries = Box::default();
    }
}

/// The entries of a [`Text`], as `BTreeMap::iter` gives them.
#[derive(Clone, Debug)]
pub struct Iter<'t>(std::slice::Iter<'t, (String, String)>);

impl<'t> Iterator for Iter<'t> {
    type Item = (&'t String, &'t String);

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(lang, text)| (lang, text))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|(lang, text)| (lang, text))
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl<'t> IntoIterator for &'t Text {
    type Item = (&'t String, &'t String);
    type IntoIter = Iter<'t>;

    fn into_iter(self) -> Iter<'t> {
        self.iter()
    }
}

impl IntoIterator for Text {
    type Item = (String, String);
    type IntoIter = std::vec::IntoIter<(String, String)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_vec().into_iter()
    }
}

impl FromIterator<(String, String)> for Text {
    /// As a map collects: a language given twice keeps its last text.
    fn from_iter<I: IntoIterator<Item = (String, String)>>(iter: I) -> Text {
        let mut entries: Vec<(String, String)> = iter.into_iter().collect();
        // Stable: among equal languages the last stays last, and is kept by the reverse dedup.
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        entries.reverse();
        entries.dedup_by(|later, earlier| later.0 == earlier.0);
        entries.reverse();
        Text { entries: entries.into_boxed_slice() }
    }
}

impl Extend<(String, String)> for Text {
    fn extend<I: IntoIterator<Item = (String, String)>>(&mut self, iter: I) {
        for (lang, text) in iter {
            self.insert(lang, text);
        }
    }
}

impl<const N: usize> From<[(String, String); N]> for Text {
    fn from(entries: [(String, String); N]) -> Text {
        entries.into_iter().collect()
    }
}

impl From<BTreeMap<String, String>> for Text {
    fn from(map: BTreeMap<String, String>) -> Text {
        Text { entries: map.into_iter().collect() }
    }
}

impl From<Text> for BTreeMap<String, String> {
    fn from(text: Text) -> BTreeMap<String, String> {
        text.into_iter().collect()
    }
}

impl<Q: Ord + ?Sized> std::ops::Index<&Q> for Text
where
    String: Borrow<Q>,
{
    type Output = String;

    /// The text in `lang`; panics if there is none, as a map's index does.
    fn index(&self, lang: &Q) -> &String {
        self.get(lang).expect("no text in this language")
    }
}

impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Text, D::Error> {
        BTreeMap::<String, String>::deserialize(deserializer).map(Text::from)
    }
}

impl schemars::JsonSchema for Text {
    fn inline_schema() -> bool {
        <BTreeMap<String, String> as schemars::JsonSchema>::inline_schema()
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        <BTreeMap<String, String> as schemars::JsonSchema>::schema_name()
    }

    fn schema_id() -> std::borrow::Cow<'static, str> {
        <BTreeMap<String, String> as schemars::JsonSchema>::schema_id()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        <BTreeMap<String, String> as schemars::JsonSchema>::json_schema(generator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(entries: &[(&str, &str)]) -> BTreeMap<String, String> {
        entries.iter().map(|(l, t)| (l.to_string(), t.to_string())).collect()
    }

    #[test]
    fn behaves_as_the_map() {
        let mut text = Text::new();
        let mut reference = BTreeMap::new();
        for (lang, value) in [("en", "a"), ("de", "b"), ("fr", "c"), ("de", "d"), ("ar", "e")] {
            assert_eq!(text.insert(lang.into(), value.into()), reference.insert(lang.to_string(), value.to_string()));
            assert!(text.iter().eq(reference.iter()));
        }
        assert_eq!(text.get("de"), reference.get("de"));
        assert_eq!(text.get("xx"), None);
        assert_eq!(text.len(), 4);
        assert_eq!(text.first_key_value(), reference.first_key_value());
        assert_eq!(text.remove("fr"), reference.remove("fr"));
        assert!(text.keys().eq(reference.keys()) && text.values().eq(reference.values()));
        assert_eq!(BTreeMap::from(text.clone()), reference);
        let collected: Text = [("de".to_string(), "1".to_string()), ("de".to_string(), "2".to_string())].into();
        assert_eq!(collected.get("de").map(String::as_str), Some("2"), "the last of a language wins, as in a map");
    }

    #[test]
    fn reads_and_writes_the_json_of_the_map_and_has_its_schema() {
        let reference = map(&[("de", "Vorname"), ("en", "First name"), ("ar", "الاسم")]);
        let text = Text::from(reference.clone());
        assert_eq!(serde_json::to_string(&text).unwrap(), serde_json::to_string(&reference).unwrap());
        let back: Text = serde_json::from_str(r#"{"en":"x","de":"y"}"#).unwrap();
        assert_eq!(back, Text::from(map(&[("de", "y"), ("en", "x")])));
        assert_eq!(
            serde_json::to_value(schemars::schema_for!(Text)).unwrap(),
            serde_json::to_value(schemars::schema_for!(BTreeMap<String, String>)).unwrap()
        );
    }
}
