//! Readable Formwerk names from FIM labels: `Familienname des Kindes` → `familienname_kindes`.
//!
//! Umlauts become ae/oe/ue/ss, everything else outside `a-z 0-9` separates words, German
//! filler words are dropped, and at most four words are kept. Names are unique per scope
//! (`_2`, `_3`, … in order of appearance), so the same file always yields the same names.
//! Every name is a [`Name`], so it is an identifier the grammar accepts.

use std::collections::{BTreeMap, BTreeSet};

use super::source::Name;

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

/// A `snake_case` name for a field, group or form; `fallback` when the label has no letters.
/// The most words of a label that still names an element well; a longer label is a sentence.
const MAX_LABEL_WORDS: usize = 8;

/// The text an element's name is derived from: its label, unless the label is a question
/// ("Weicht die Ausgabestelle … ab?") or a sentence longer than [`MAX_LABEL_WORDS`] words and
/// FIM's technical name is neither ("Abweichende Ausgabestelle" → `abweichende_ausgabestelle`).
pub fn naming_text<'a>(label: &'a str, technical: &'a str) -> &'a str {
    let wordy = |text: &str| text.trim_end().ends_with('?') || text.split_whitespace().count() > MAX_LABEL_WORDS;
    if wordy(label) && !technical.trim().is_empty() && !wordy(technical) && !words(technical).is_empty() {
        technical
    } else {
        label
    }
}

pub fn snake(label: &str, fallback: &'static str) -> Name {
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
    // A reserved word (`in`) gets a trailing `_`.
    Name::new(&name).or_else(|| Name::new(&format!("{name}_"))).unwrap_or_else(|| Name::fallback(fallback))
}

/// A `CamelCase` name for a code list.
pub fn camel(label: &str, fallback: &'static str) -> Name {
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
    Name::new(&name).unwrap_or_else(|| Name::fallback(fallback))
}

/// Names already taken in one scope.
#[derive(Default)]
pub struct Scope {
    taken: BTreeSet<Name>,
    /// Per wanted name, the suffix to try next (1: the name itself). Names are never given
    /// back, so the suffixes tried before stay taken: n claims of one name cost O(n), not O(n²).
    next: BTreeMap<Name, usize>,
    /// Candidates looked at, for the test that claiming is linear.
    #[cfg(test)]
    attempts: usize,
}

impl Scope {
    /// `name`, or `name_2`, `name_3`, … if it is taken.
    pub fn claim(&mut self, name: Name) -> Name {
        let next = self.next.entry(name.clone()).or_insert(1);
        loop {
            let candidate = if *next == 1 { name.clone() } else { name.numbered(*next) };
            *next += 1;
            #[cfg(test)]
            {
                self.attempts += 1;
            }
            if !self.taken.contains(&candidate) {
                self.taken.insert(candidate.clone());
                return candidate;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_question_or_a_sentence_is_named_after_the_technical_name() {
        assert_eq!(
            naming_text("Weicht die Ausgabestelle ab?", "Abweichende Ausgabestelle"),
            "Abweichende Ausgabestelle"
        );
        let sentence = "Geben Sie hier bitte den Namen der zuständigen Behörde an";
        assert_eq!(naming_text(sentence, "Behörde"), "Behörde");
        assert_eq!(naming_text("Familienname", "Name der Person"), "Familienname");
        // No better text: the label stays.
        assert_eq!(naming_text("Weicht die Ausgabestelle ab?", ""), "Weicht die Ausgabestelle ab?");
        assert_eq!(naming_text("Wohnt die Person hier?", "Wohnt sie hier?"), "Wohnt die Person hier?");
    }

    fn name(text: &str) -> Name {
        Name::new(text).unwrap()
    }

    #[test]
    fn names_read_like_the_label() {
        let snake = |label: &str| snake(label, "feld").to_string();
        assert_eq!(snake("Familienname des Kindes"), "familienname_kindes");
        assert_eq!(snake("Straße und Hausnummer"), "strasse_hausnummer");
        assert_eq!(
            snake("Möchten Sie eine neue unternehmensbezogene Anzeige einreichen?"),
            "moechten_neue_unternehmensbezogene"
        );
        assert_eq!(snake("§ 7"), "feld_7");
        assert_eq!(snake("In"), "in_");
        assert_eq!(snake("\u{202E}\n\"}"), "feld");
        assert_eq!(camel("Art der Tätigkeit", "Liste").to_string(), "ArtTaetigkeit");
        let mut scope = Scope::default();
        assert_eq!(scope.claim(name("name")), name("name"));
        assert_eq!(scope.claim(name("name")), name("name_2"));
        assert_eq!(scope.claim(name("name")), name("name_3"));
    }

    #[test]
    fn numbered_names_skip_names_taken_otherwise() {
        let mut scope = Scope::default();
        assert_eq!(scope.claim(name("name_2")), name("name_2"));
        assert_eq!(scope.claim(name("name")), name("name"));
        assert_eq!(scope.claim(name("name")), name("name_3"));
        assert_eq!(scope.claim(name("name_3")), name("name_3_2"));
    }

    #[test]
    fn claiming_one_name_many_times_is_linear() {
        // 2,000 fields with one label: claiming from `_2` each time looks at 2 × 10⁶ candidates.
        let mut scope = Scope::default();
        for _ in 0..2_000 {
            scope.claim(name("feld"));
        }
        assert_eq!(scope.claim(name("feld")), name("feld_2001"));
        assert_eq!(scope.attempts, 2_001);
    }
}
