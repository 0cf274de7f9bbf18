//! The fixed interface texts of a generated page ("(optional)", "Es gibt ein Problem", button
//! labels), in German and English. Form texts come from the IR; these are the only texts the
//! HTML backend writes itself. Languages other than `en` fall back to German.

/// The interface texts in one language.
pub struct Strings {
    pub optional: &'static str,
    pub error_prefix: &'static str,
    pub summary_title: &'static str,
    pub title_error_prefix: &'static str,
    pub step: &'static str,
    pub of: &'static str,
    pub day: &'static str,
    pub month: &'static str,
    pub year: &'static str,
    pub date_hint: &'static str,
    pub please_select: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub next: &'static str,
    pub submit: &'static str,
    pub back: &'static str,
    pub add: &'static str,
    pub remove: &'static str,
    pub removed: &'static str,
    pub at_most_items: &'static str,
    pub select_all: &'static str,
    pub max_chars: &'static str,
    pub file_types: &'static str,
    pub file_size: &'static str,
    pub uploaded: &'static str,
    pub remove_file: &'static str,
    pub at_least: &'static str,
    pub at_most: &'static str,
    pub euro_suffix: &'static str,
    /// `at_most_items` for a maximum of one.
    pub at_most_one_item: &'static str,
    /// `max_chars` for a limit of one.
    pub max_one_char: &'static str,
    pub unit: &'static str,
    pub whole_euros: &'static str,
}

const DE: Strings = Strings {
    optional: "(optional)",
    error_prefix: "Fehler:",
    summary_title: "Es gibt ein Problem",
    title_error_prefix: "Fehler: ",
    step: "Schritt",
    of: "von",
    day: "Tag",
    month: "Monat",
    year: "Jahr",
    date_hint: "Zum Beispiel: 27 3 2007",
    please_select: "Bitte auswählen",
    yes: "Ja",
    no: "Nein",
    next: "Weiter",
    submit: "Absenden",
    back: "Zurück",
    add: "{label}: weiteren Eintrag hinzufügen",
    remove: "{item} {n} entfernen",
    removed: "{item} {n} wurde entfernt.",
    at_most_items: "Sie können höchstens {n} Einträge angeben.",
    select_all: "Wählen Sie alle zutreffenden Optionen aus.",
    max_chars: "Sie können bis zu {n} Zeichen eingeben.",
    file_types: "Erlaubte Dateitypen: {types}.",
    file_size: "Höchstens {size} pro Datei.",
    uploaded: "Hochgeladen: {name}",
    remove_file: "Datei {name} entfernen",
    at_least: "Mindestens {n}.",
    at_most: "Höchstens {n}.",
    euro_suffix: "€",
    at_most_one_item: "Sie können höchstens einen Eintrag angeben.",
    max_one_char: "Sie können ein Zeichen eingeben.",
    unit: "Angabe in {unit}.",
    whole_euros: "In ganzen Euro, ohne Cent.",
};

const EN: Strings = Strings {
    optional: "(optional)",
    error_prefix: "Error:",
    summary_title: "There is a problem",
    title_error_prefix: "Error: ",
    step: "Step",
    of: "of",
    day: "Day",
    month: "Month",
    year: "Year",
    date_hint: "For example: 27 3 2007",
    please_select: "Please select",
    yes: "Yes",
    no: "No",
    next: "Continue",
    submit: "Submit",
    back: "Back",
    add: "{label}: add another entry",
    remove: "Remove {item} {n}",
    removed: "{item} {n} has been removed.",
    at_most_items: "You can enter at most {n} entries.",
    select_all: "Select all that apply.",
    max_chars: "You can enter up to {n} characters.",
    file_types: "Allowed file types: {types}.",
    file_size: "At most {size} per file.",
    uploaded: "Uploaded: {name}",
    remove_file: "Remove file {name}",
    at_least: "At least {n}.",
    at_most: "At most {n}.",
    euro_suffix: "€",
    at_most_one_item: "You can enter at most one entry.",
    max_one_char: "You can enter 1 character.",
    unit: "In {unit}.",
    whole_euros: "In whole euros, without cents.",
};

/// The interface texts for `lang`.
pub fn for_language(lang: &str) -> &'static Strings {
    if lang == "en" {
        &EN
    } else {
        &DE
    }
}

/// Replaces each `{key}` in `template` by its value.
pub fn fill(template: &str, pairs: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (key, value) in pairs {
        out = out.replace(&format!("{{{key}}}"), value);
    }
    out
}

/// `5242880` → `5 MB`, `1536` → `1,5 KB` (German) / `1.5 KB` (English).
pub fn file_size(bytes: u64, lang: &str) -> String {
    const UNITS: [(&str, u64); 3] = [("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)];
    for (unit, size) in UNITS {
        if bytes >= size {
            let tenths = (bytes * 10 + size / 2) / size;
            let text = if tenths.is_multiple_of(10) {
                format!("{}", tenths / 10)
            } else {
                let sep = if lang == "en" { "." } else { "," };
                format!("{}{sep}{}", tenths / 10, tenths % 10)
            };
            return format!("{text} {unit}");
        }
    }
    format!("{bytes} Bytes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(file_size(5 * 1024 * 1024, "de"), "5 MB");
        assert_eq!(file_size(1536, "de"), "1,5 KB");
        assert_eq!(file_size(1536, "en"), "1.5 KB");
        assert_eq!(file_size(100, "de"), "100 Bytes");
        assert_eq!(fill("{a} und {b}", &[("a", "x"), ("b", "y")]), "x und y");
    }
}
