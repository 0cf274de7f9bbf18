//! The fixed interface texts of a generated page ("(optional)", "Es gibt ein Problem", button
//! labels), from the catalogue of the page's language (`crate::catalogue`: built in for `de`
//! and `en`, else the project's, carried in the IR). Form texts come from the IR; these are
//! the only texts the HTML backend writes itself. Like every text, they are escaped where
//! they are written.

use crate::catalogue::{self, Texts};
use crate::ir::Form;

/// The interface texts in one language (templates where they have placeholders).
#[derive(Clone, Copy)]
pub struct Strings<'a> {
    pub optional: &'a str,
    pub error_prefix: &'a str,
    pub summary_title: &'a str,
    /// The title and introduction of the summary of warnings, and the button that confirms them.
    pub warning_title: &'a str,
    pub warning_intro: &'a str,
    pub confirm: &'a str,
    pub title_error_prefix: &'a str,
    pub step: &'a str,
    pub day: &'a str,
    pub month: &'a str,
    pub year: &'a str,
    pub date_hint: &'a str,
    pub please_select: &'a str,
    pub yes: &'a str,
    pub no: &'a str,
    pub next: &'a str,
    pub submit: &'a str,
    pub back: &'a str,
    pub add: &'a str,
    pub remove: &'a str,
    pub removed: &'a str,
    pub select_all: &'a str,
    pub file_types: &'a str,
    pub file_size: &'a str,
    pub uploaded: &'a str,
    pub remove_file: &'a str,
    pub at_least: &'a str,
    pub at_most: &'a str,
    pub euro_suffix: &'a str,
    pub unit: &'a str,
    pub whole_euros: &'a str,
    /// `at_most_items` for a maximum of one, and for any other maximum.
    pub at_most_one_item: &'a str,
    pub at_most_items: &'a str,
    /// `max_chars` for a limit of one, and for any other limit.
    pub max_one_char: &'a str,
    pub max_chars: &'a str,
    /// `files_up_to` for a maximum of one, and for any other maximum.
    pub files_up_to_one: &'a str,
    pub files_up_to: &'a str,
    pub files_between: &'a str,
    pub files_total: &'a str,
    pub decimal_separator: &'a str,
    /// `{day}.{month}.{year}`.
    pub date: &'a str,
    /// The language is written right to left.
    pub rtl: bool,
}

impl<'a> Strings<'a> {
    pub fn of(texts: &'a Texts) -> Strings<'a> {
        let get = |key: &str| texts.get(key).map_or("", String::as_str);
        let counted = |key: &str, one: bool| {
            let form = if one { texts.get(&format!("{key}.one")) } else { None };
            form.or_else(|| texts.get(&format!("{key}.other"))).or_else(|| texts.get(key)).map_or("", String::as_str)
        };
        Strings {
            optional: get("interface.optional"),
            error_prefix: get("interface.error_prefix"),
            summary_title: get("interface.summary_title"),
            warning_title: get("interface.warning_title"),
            warning_intro: get("interface.warning_intro"),
            confirm: get("interface.confirm"),
            title_error_prefix: get("interface.title_error_prefix"),
            step: get("interface.step"),
            day: get("interface.day"),
            month: get("interface.month"),
            year: get("interface.year"),
            date_hint: get("interface.date_hint"),
            please_select: get("interface.please_select"),
            yes: get("interface.yes"),
            no: get("interface.no"),
            next: get("interface.next"),
            submit: get("interface.submit"),
            back: get("interface.back"),
            add: get("interface.add"),
            remove: get("interface.remove"),
            removed: get("interface.removed"),
            select_all: get("interface.select_all"),
            file_types: get("interface.file_types"),
            file_size: get("interface.file_size"),
            uploaded: get("interface.uploaded"),
            remove_file: get("interface.remove_file"),
            at_least: get("interface.at_least"),
            at_most: get("interface.at_most"),
            euro_suffix: get("interface.euro_suffix"),
            unit: get("interface.unit"),
            whole_euros: get("interface.whole_euros"),
            at_most_one_item: counted("interface.at_most_items", true),
            at_most_items: counted("interface.at_most_items", false),
            max_one_char: counted("interface.max_chars", true),
            max_chars: counted("interface.max_chars", false),
            files_up_to_one: counted("interface.files_up_to", true),
            files_up_to: counted("interface.files_up_to", false),
            files_between: get("interface.files_between"),
            files_total: get("interface.files_total"),
            decimal_separator: get("format.decimal_separator"),
            date: get("format.date"),
            rtl: catalogue::is_right_to_left(texts),
        }
    }
}

/// The interface texts of `form` in `lang`.
pub fn for_language<'a>(form: &'a Form, lang: &str) -> Strings<'a> {
    Strings::of(catalogue::texts(form, lang))
}

/// Fills each `{key}` of `template` with its value (in one pass: a value is never read as
/// a template).
pub fn fill(template: &str, pairs: &[(&str, &str)]) -> String {
    crate::runtime::messages::fill(template, pairs)
}

/// `5242880` → `5 MB`, `1536` → `1,5 KB` (German) / `1.5 KB` (English).
pub fn file_size(bytes: u64, decimal_separator: &str) -> String {
    const UNITS: [(&str, u64); 3] = [("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)];
    for (unit, size) in UNITS {
        if bytes >= size {
            let tenths = (bytes * 10 + size / 2) / size;
            let text = if tenths.is_multiple_of(10) {
                format!("{}", tenths / 10)
            } else {
                format!("{}{decimal_separator}{}", tenths / 10, tenths % 10)
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
        assert_eq!(file_size(5 * 1024 * 1024, ","), "5 MB");
        assert_eq!(file_size(1536, ","), "1,5 KB");
        assert_eq!(file_size(1536, "."), "1.5 KB");
        assert_eq!(file_size(100, ","), "100 Bytes");
        assert_eq!(fill("{a} und {b}", &[("a", "x"), ("b", "y")]), "x und y");
        // A value is not read as a template, and doubled braces are literal.
        assert_eq!(fill("{a} {b} {{b}}", &[("a", "{b}"), ("b", "y")]), "{b} y {b}");
    }
}
