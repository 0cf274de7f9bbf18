//! Built-in messages for citizens, in German and English, one per violation kind.
//! Form-specific texts (rule messages, pattern messages) come from the IR.

use std::collections::BTreeMap;

use super::date::Date;

/// A text in several languages, by language tag.
pub type Text = BTreeMap<String, String>;

/// Every kind of violation the reference validator reports, with what its message needs.
#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    Required,
    Hidden,
    UnknownProperty,
    Type(&'static str),
    Empty,
    LineBreak,
    /// A code point that no text may contain (`formats::TEXT_FORBIDDEN`), the first one.
    TextInvalidCharacter(char),
    MinLength(u64),
    MaxLength(u64),
    Pattern(Option<Text>),
    /// A bound as the form writes it, with the field's unit by language (empty: none).
    Minimum(String, Text),
    Maximum(String, Text),
    Decimals(u32),
    /// Money with cents where the form asks for whole euros (`decimals 0`).
    Cents,
    DateInvalid,
    DecimalInvalid,
    EmailInvalid,
    PhoneInvalid,
    IbanInvalid,
    PostcodeInvalid,
    CodeInvalid,
    CodesDuplicate,
    MinItems(u32),
    MaxItems(u32),
    FileInvalid,
    FileType(Vec<String>),
    FileSize(u64),
    Rule(String, Text),
    /// A declaration that must be confirmed (`must be true`) is absent or `false`.
    NotConfirmed,
    /// The submission could not be read as JSON (with the parser's explanation).
    Malformed(String),
}

impl Kind {
    /// The stable violation code, e.g. `max_length` or `rule:mindestalter`.
    pub fn code(&self) -> String {
        let code = match self {
            Kind::Required => "required",
            Kind::Hidden => "hidden",
            Kind::UnknownProperty => "unknown_property",
            Kind::Type(_) => "type",
            Kind::Empty => "empty",
            Kind::LineBreak => "line_break",
            Kind::TextInvalidCharacter(_) => "text_invalid_character",
            Kind::MinLength(_) => "min_length",
            Kind::MaxLength(_) => "max_length",
            Kind::Pattern(_) => "pattern",
            Kind::Minimum(..) => "minimum",
            Kind::Maximum(..) => "maximum",
            Kind::Decimals(_) | Kind::Cents => "decimals",
            Kind::DateInvalid => "date_invalid",
            Kind::DecimalInvalid => "decimal_invalid",
            Kind::EmailInvalid => "email_invalid",
            Kind::PhoneInvalid => "phone_invalid",
            Kind::IbanInvalid => "iban_invalid",
            Kind::PostcodeInvalid => "postcode_invalid",
            Kind::CodeInvalid => "code_invalid",
            Kind::CodesDuplicate => "codes_duplicate",
            Kind::MinItems(_) => "min_items",
            Kind::MaxItems(_) => "max_items",
            Kind::FileInvalid => "file_invalid",
            Kind::FileType(_) => "file_type",
            Kind::FileSize(_) => "file_size",
            Kind::Rule(name, _) => return format!("rule:{name}"),
            Kind::NotConfirmed => "not_confirmed",
            Kind::Malformed(_) => "malformed",
        };
        code.to_string()
    }

    /// The message in `lang` (`de` or `en`); `label` is the field's label in that language.
    pub fn message(&self, lang: &str, label: &str) -> String {
        let de = lang != "en";
        // A colon ends a label on a page ("Anschrift:"), not the name a message quotes.
        let label = label.trim_end();
        let label = label.strip_suffix(':').unwrap_or(label).trim_end();
        let quoted = if de { format!("„{label}“") } else { format!("“{label}”") };
        let mut message = self.sentence(de, lang, &quoted);
        // A label that ends a sentence itself ("Haben Sie Kinder?", "Ich versichere … sind.")
        // also ends the message that closes with it: no second mark after the quote.
        if label.ends_with(['?', '!', '.', '…']) && message.ends_with(&format!("{quoted}.")) {
            message.pop();
        }
        message
    }

    fn sentence(&self, de: bool, lang: &str, quoted: &str) -> String {
        match self {
            Kind::Required if de => format!("Bitte machen Sie eine Angabe zu {quoted}."),
            Kind::Required => format!("Please fill in {quoted}."),
            Kind::Hidden if de => format!("{quoted} darf bei Ihren übrigen Angaben nicht ausgefüllt sein."),
            Kind::Hidden => format!("{quoted} must be left empty given your other answers."),
            Kind::UnknownProperty if de => "Diese Angabe gehört nicht zum Formular.".into(),
            Kind::UnknownProperty => "This entry is not part of the form.".into(),
            Kind::Type(expected) if de => format!("{quoted} hat das falsche Format (erwartet: {}).", type_de(expected)),
            Kind::Type(expected) => format!("{quoted} has the wrong format (expected: {expected})."),
            Kind::Empty if de => format!("{quoted} ist leer; lassen Sie die Angabe weg oder füllen Sie sie aus."),
            Kind::Empty => format!("{quoted} is empty; leave it out or fill it in."),
            Kind::LineBreak if de => format!("{quoted} darf keinen Zeilenumbruch enthalten."),
            Kind::LineBreak => format!("{quoted} must not contain a line break."),
            Kind::TextInvalidCharacter(c) if de => {
                format!("{quoted} enthält ein unzulässiges Steuer- oder Sonderzeichen (U+{:04X}).", *c as u32)
            }
            Kind::TextInvalidCharacter(c) => {
                format!("{quoted} contains a control or special character that is not allowed (U+{:04X}).", *c as u32)
            }
            Kind::MinLength(n) if de => format!("{quoted} muss mindestens {n} Zeichen lang sein."),
            Kind::MinLength(1) => format!("{quoted} must be at least 1 character long."),
            Kind::MinLength(n) => format!("{quoted} must be at least {n} characters long."),
            Kind::MaxLength(n) if de => format!("{quoted} darf höchstens {n} Zeichen lang sein."),
            Kind::MaxLength(1) => format!("{quoted} must be at most 1 character long."),
            Kind::MaxLength(n) => format!("{quoted} must be at most {n} characters long."),
            Kind::Pattern(Some(text)) => text.get(lang).or_else(|| text.values().next()).cloned().unwrap_or_default(),
            Kind::Pattern(None) if de => format!("{quoted} hat nicht das erwartete Format."),
            Kind::Pattern(None) => format!("{quoted} does not have the expected format."),
            Kind::Minimum(bound, unit) | Kind::Maximum(bound, unit) => {
                let unit = unit.get(lang).or_else(|| unit.values().next()).map_or("", String::as_str);
                bound_message(self, bound, unit, de, quoted)
            }
            Kind::Decimals(0) if de => format!("{quoted} muss eine ganze Zahl sein."),
            Kind::Decimals(0) => format!("{quoted} must be a whole number."),
            Kind::Decimals(1) if de => format!("{quoted} darf höchstens eine Nachkommastelle haben."),
            Kind::Decimals(1) => format!("{quoted} may have at most 1 decimal place."),
            Kind::Decimals(n) if de => format!("{quoted} darf höchstens {n} Nachkommastellen haben."),
            Kind::Decimals(n) => format!("{quoted} may have at most {n} decimal places."),
            Kind::Cents if de => format!("{quoted} ist in ganzen Euro ohne Cent anzugeben."),
            Kind::Cents => format!("{quoted} must be in whole euros, without cents."),
            Kind::DateInvalid if de => format!("{quoted} ist kein gültiges Datum."),
            Kind::DateInvalid => format!("{quoted} is not a valid date."),
            Kind::DecimalInvalid if de => format!("{quoted} ist keine gültige Zahl."),
            Kind::DecimalInvalid => format!("{quoted} is not a valid number."),
            Kind::EmailInvalid if de => format!("{quoted} ist keine gültige E-Mail-Adresse."),
            Kind::EmailInvalid => format!("{quoted} is not a valid e-mail address."),
            Kind::PhoneInvalid if de => format!("{quoted} ist keine gültige Telefonnummer."),
            Kind::PhoneInvalid => format!("{quoted} is not a valid phone number."),
            Kind::IbanInvalid if de => format!("{quoted} ist keine gültige IBAN; bitte prüfen Sie die Angabe."),
            Kind::IbanInvalid => format!("{quoted} is not a valid IBAN; please check it."),
            Kind::PostcodeInvalid if de => format!("{quoted} muss eine fünfstellige Postleitzahl sein."),
            Kind::PostcodeInvalid => format!("{quoted} must be a five-digit German postcode."),
            Kind::CodeInvalid if de => format!("Bitte wählen Sie bei {quoted} eine der angebotenen Möglichkeiten."),
            Kind::CodeInvalid => format!("Please choose one of the options for {quoted}."),
            Kind::CodesDuplicate if de => format!("Bei {quoted} ist eine Möglichkeit mehrfach gewählt."),
            Kind::CodesDuplicate => format!("An option of {quoted} is chosen more than once."),
            Kind::MinItems(1) if de => format!("Bitte geben Sie bei {quoted} mindestens einen Eintrag an."),
            Kind::MinItems(1) => format!("Please add at least one entry to {quoted}."),
            Kind::MinItems(n) if de => format!("Bitte geben Sie bei {quoted} mindestens {n} Einträge an."),
            Kind::MinItems(n) => format!("Please add at least {n} entries to {quoted}."),
            Kind::MaxItems(1) if de => format!("Bei {quoted} ist höchstens ein Eintrag möglich."),
            Kind::MaxItems(1) => format!("{quoted} allows at most one entry."),
            Kind::MaxItems(n) if de => format!("Bei {quoted} sind höchstens {n} Einträge möglich."),
            Kind::MaxItems(n) => format!("{quoted} allows at most {n} entries."),
            Kind::FileInvalid if de => format!("{quoted} ist keine gültige Datei."),
            Kind::FileInvalid => format!("{quoted} is not a valid file."),
            Kind::FileType(accept) if de => {
                format!("{quoted} muss eine Datei dieser Art sein: {}.", file_types(accept, de))
            }
            Kind::FileType(accept) => format!("{quoted} must be a file of this type: {}.", file_types(accept, de)),
            Kind::FileSize(bytes) if de => format!("{quoted} darf höchstens {} groß sein.", size(*bytes, true)),
            Kind::FileSize(bytes) => format!("{quoted} must be at most {}.", size(*bytes, false)),
            Kind::NotConfirmed if de => format!("Bitte bestätigen Sie {quoted}."),
            Kind::NotConfirmed => format!("Please confirm {quoted}."),
            Kind::Rule(_, text) => text.get(lang).or_else(|| text.values().next()).cloned().unwrap_or_default(),
            Kind::Malformed(detail) if de => format!("Die Übermittlung ist kein gültiges JSON ({detail})."),
            Kind::Malformed(detail) => format!("The submission is not valid JSON ({detail})."),
        }
    }
}

/// The allowed file types as a citizen names them: `.pdf`, `.jpg`, `image/jpeg` → "PDF,
/// JPEG-Bild" ("PDF, JPEG image"), each name once, in the form's order.
pub fn file_types<S: AsRef<str>>(accept: &[S], de: bool) -> String {
    let mut names: Vec<String> = Vec::new();
    for entry in accept {
        let name = file_type(entry.as_ref(), de);
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names.join(", ")
}

/// One allowed file type (an extension `.pdf` or a media type `image/png`) by its name.
fn file_type(entry: &str, de: bool) -> String {
    let lower = entry.trim().to_ascii_lowercase();
    let known = match lower.as_str() {
        ".pdf" | "application/pdf" => Some(("PDF", "PDF")),
        ".jpg" | ".jpeg" | ".jpe" | "image/jpeg" => Some(("JPEG-Bild", "JPEG image")),
        ".png" | "image/png" => Some(("PNG-Bild", "PNG image")),
        ".gif" | "image/gif" => Some(("GIF-Bild", "GIF image")),
        ".tif" | ".tiff" | "image/tiff" => Some(("TIFF-Bild", "TIFF image")),
        ".webp" | "image/webp" => Some(("WebP-Bild", "WebP image")),
        ".heic" | ".heif" | "image/heic" | "image/heif" => Some(("HEIC-Bild", "HEIC image")),
        ".svg" | "image/svg+xml" => Some(("SVG-Grafik", "SVG graphic")),
        ".txt" | "text/plain" => Some(("Textdatei", "text file")),
        ".csv" | "text/csv" => Some(("CSV-Tabelle", "CSV table")),
        ".xml" | "application/xml" | "text/xml" => Some(("XML-Datei", "XML file")),
        ".doc" | ".docx" | "application/msword" => Some(("Word-Dokument", "Word document")),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => {
            Some(("Word-Dokument", "Word document"))
        }
        ".odt" | "application/vnd.oasis.opendocument.text" => Some(("OpenDocument-Text", "OpenDocument text")),
        ".zip" | "application/zip" => Some(("ZIP-Archiv", "ZIP archive")),
        "image/*" => Some(("Bild (jedes Format)", "image (any format)")),
        "text/*" => Some(("Textdatei (jedes Format)", "text file (any format)")),
        "audio/*" => Some(("Audiodatei (jedes Format)", "audio file (any format)")),
        "video/*" => Some(("Video (jedes Format)", "video (any format)")),
        _ => None,
    };
    if let Some((name_de, name_en)) = known {
        return if de { name_de } else { name_en }.to_string();
    }
    match lower.strip_prefix('.') {
        // Another extension: its letters, as people name such files ("XLSX").
        Some(extension) => extension.to_ascii_uppercase(),
        // Another media type: written as it is, in lower case.
        None => lower,
    }
}

/// "must be at least 3" (or "3 m²" with a unit) for numbers, "must not be before
/// 01.01.1900" for dates.
fn bound_message(kind: &Kind, bound: &str, unit: &str, de: bool, quoted: &str) -> String {
    let is_min = matches!(kind, Kind::Minimum(..));
    let number = |text: String| if unit.is_empty() { text } else { format!("{text} {unit}") };
    match (Date::parse(bound).is_some(), is_min, de) {
        (true, true, true) => format!("{quoted} darf nicht vor dem {} liegen.", bound_de(bound)),
        (true, false, true) => format!("{quoted} darf nicht nach dem {} liegen.", bound_de(bound)),
        (true, true, false) => format!("{quoted} must not be before {bound}."),
        (true, false, false) => format!("{quoted} must not be after {bound}."),
        (false, true, true) => format!("{quoted} muss mindestens {} sein.", number(bound_de(bound))),
        (false, false, true) => format!("{quoted} darf höchstens {} sein.", number(bound_de(bound))),
        (false, true, false) => format!("{quoted} must be at least {}.", number(bound.to_string())),
        (false, false, false) => format!("{quoted} must be at most {}.", number(bound.to_string())),
    }
}

fn type_de(expected: &str) -> &str {
    match expected {
        "text" => "Text",
        "whole number" => "ganze Zahl",
        "yes or no" => "ja oder nein",
        "object" => "Gruppe von Angaben",
        "list" => "Liste",
        "list of codes" => "Liste von Auswahlwerten",
        other => other,
    }
}

/// Dates `YYYY-MM-DD` become `DD.MM.YYYY` in German; numbers get a decimal comma.
fn bound_de(bound: &str) -> String {
    match Date::parse(bound) {
        Some(date) => format!("{:02}.{:02}.{:04}", date.day, date.month, date.year),
        None => bound.replace('.', ","),
    }
}

fn size(bytes: u64, de: bool) -> String {
    // A `match` rather than `is_multiple_of`: the generated crate supports Rust 1.85.
    let (value, unit) = match bytes % (1024 * 1024) {
        0 => (bytes / (1024 * 1024), "MB"),
        _ => (bytes / 1024, "KB"),
    };
    let _ = de;
    format!("{value} {unit}")
}
