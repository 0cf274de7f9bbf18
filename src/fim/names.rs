//! Readable Formwerk names from FIM labels: `Familienname des Kindes` → `familienname_kindes`.
//!
//! Umlauts become ae/oe/ue/ss, everything else outside `a-z 0-9` separates words, German
//! filler words are dropped, and at most four words are kept. Names are unique per scope
//! (`_2`, `_3`, … in order of appearance), so the same file always yields the same names.

use std::collections::BTreeSet;

/// Words that carry no meaning in a name.
const FILLER: &[&str] = &[
    "der", "die", "das", "des", "dem", "den", "ein", "eine", "einer", "eines", "einem", "einen", "und", "oder", "zu",
    "zur", "zum", "von", "vom", "mit", "fuer", "im", "in", "am", "an", "auf", "bei", "sie", "ihr", "ihre", "ihres",
    "ihren", "ihrem", "ihrer", "bitte", "geben", "ob", "wie", "ist", "sind", "wird", "werden", "haben", "hat", "es",
    "als", "aus", "nach", "ueber", "sowie", "bzw", "ggf", "z", "b",
];

/// Words of the readable name, without the filler.
fn words(label: &str) -> Vec<String> {
    let ascii = transliterate(&label.to_lowercase());
    let all: Vec<&str> = ascii.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let kept: Vec<String> = all.iter().filter(|w| !FILLER.contains(w)).map(|w| w.to_string()).collect();
    if kept.is_empty() {
        all.iter().map(|w| w.to_string()).collect()
    } else {
        kept
    }
}

/// `ä` → `ae`, `ß` → `ss`, common accents dropped, anything else kept for the splitter.
pub fn transliterate(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            'ä' | 'Ä' => out.push_str("ae"),
            'ö' | 'Ö' => out.push_str("oe"),
            'ü' | 'Ü' => out.push_str("ue"),
            'ß' | 'ẞ' => out.push_str("ss"),
            'é' | 'è' | 'ê' | 'ë' => out.push('e'),
            'á' | 'à' | 'â' => out.push('a'),
            'ó' | 'ò' | 'ô' => out.push('o'),
            'í' | 'ì' | 'î' | 'ï' => out.push('i'),
            'ú' | 'ù' | 'û' => out.push('u'),
            'ç' => out.push('c'),
            c => out.push(c),
        }
    }
    out
}

/// Names the checker reserves.
const RESERVED: &[&str] = &["and", "or", "not", "in", "is", "contains", "true", "false", "today"];

/// A `snake_case` name for a field, group or form; `fallback` when the label has no letters.
pub fn snake(label: &str, fallback: &str) -> String {
    let mut name = String::new();
    for word in words(label).iter().take(4) {
        if !name.is_empty() && name.len() + word.len() > 40 {
            break;
        }
        if !name.is_empty() {
            name.push('_');
        }
        name.push_str(word);
    }
    if name.is_empty() {
        name = fallback.to_string();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("{fallback}_{name}");
    }
    if RESERVED.contains(&name.as_str()) {
        name.push('_');
    }
    name
}

/// A `CamelCase` name for a code list.
pub fn camel(label: &str, fallback: &str) -> String {
    let mut name = String::new();
    for word in words(label).iter().take(4) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            name.push(first.to_ascii_uppercase());
            name.push_str(chars.as_str());
        }
    }
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("{fallback}{name}");
    }
    name
}

/// Names already taken in one scope.
#[derive(Default)]
pub struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    /// `name`, or `name_2`, `name_3`, … if it is taken.
    pub fn claim(&mut self, name: String) -> String {
        let mut candidate = name.clone();
        let mut n = 2;
        while self.taken.contains(&candidate) {
            candidate = format!("{name}_{n}");
            n += 1;
        }
        self.taken.insert(candidate.clone());
        candidate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_like_the_label() {
        assert_eq!(snake("Familienname des Kindes", "feld"), "familienname_kindes");
        assert_eq!(snake("Straße und Hausnummer", "feld"), "strasse_hausnummer");
        assert_eq!(
            snake("Möchten Sie eine neue unternehmensbezogene Anzeige einreichen?", "feld"),
            "moechten_neue_unternehmensbezogene"
        );
        assert_eq!(snake("§ 7", "feld"), "feld_7");
        assert_eq!(snake("In", "feld"), "in_");
        assert_eq!(camel("Art der Tätigkeit", "Liste"), "ArtTaetigkeit");
        let mut scope = Scope::default();
        assert_eq!(scope.claim("name".into()), "name");
        assert_eq!(scope.claim("name".into()), "name_2");
        assert_eq!(scope.claim("name".into()), "name_3");
    }
}
