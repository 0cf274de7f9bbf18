//! Positions as the protocol counts them: zero-based lines and UTF-16 code units within a line,
//! converted to and from the byte offsets of spans. Total: a position past the end of a line or
//! of the text, or inside a character, is clamped to the nearest character boundary before it.

use serde_json::{json, Value};

/// The byte offsets at which the lines of one text start.
pub struct LineIndex<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

impl<'t> LineIndex<'t> {
    pub fn new(text: &'t str) -> LineIndex<'t> {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { text, starts }
    }

    /// The byte offset of a protocol position (`line`, `character` in UTF-16 code units).
    pub fn offset(&self, line: u64, character: u64) -> usize {
        let Some(&start) = usize::try_from(line).ok().and_then(|l| self.starts.get(l)) else {
            return self.text.len();
        };
        let rest = &self.text[start..];
        let line_text = rest.split('\n').next().unwrap_or("");
        let line_text = line_text.strip_suffix('\r').unwrap_or(line_text);
        let mut units = 0u64;
        for (i, c) in line_text.char_indices() {
            if units >= character {
                return start + i;
            }
            units += c.len_utf16() as u64;
            if units > character {
                // Inside a surrogate pair: the character's start.
                return start + i;
            }
        }
        start + line_text.len()
    }

    /// The protocol position (line, UTF-16 column) of a byte offset, clamped to the text and
    /// to a character boundary.
    pub fn position(&self, offset: usize) -> (u64, u64) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let column: usize = self.text[start..offset].chars().map(char::len_utf16).sum();
        (line as u64, column as u64)
    }

    /// The protocol `Range` of a byte range.
    pub fn range(&self, start: usize, end: usize) -> Value {
        let (sl, sc) = self.position(start);
        let (el, ec) = self.position(end.max(start));
        json!({"start": {"line": sl, "character": sc}, "end": {"line": el, "character": ec}})
    }

    /// The byte offset of a protocol `Position` object (missing fields read as 0).
    pub fn offset_of(&self, position: &Value) -> usize {
        let line = position["line"].as_u64().unwrap_or(0);
        let character = position["character"].as_u64().unwrap_or(0);
        self.offset(line, character)
    }

    /// The byte range of a protocol `Range` object, ordered.
    pub fn span_of(&self, range: &Value) -> (usize, usize) {
        let a = self.offset_of(&range["start"]);
        let b = self.offset_of(&range["end"]);
        (a.min(b), a.max(b))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_utf16_code_units() {
        let text = "a ü 😀 b\nzweite Zeile\r\nx";
        let index = LineIndex::new(text);
        // `😀` is two UTF-16 units and four bytes; `ü` one unit and two bytes.
        let b = text.find('b').unwrap();
        assert_eq!(index.position(b), (0, 7));
        assert_eq!(index.offset(0, 7), b);
        // Inside the surrogate pair: the emoji's start.
        let emoji = text.find('😀').unwrap();
        assert_eq!(index.offset(0, 5), emoji);
        // Past the end of a line: its end (before `\r\n`).
        assert_eq!(index.offset(1, 99), text.find('\r').unwrap());
        assert_eq!(index.offset(9, 0), text.len());
        assert_eq!(index.position(text.len() + 5), (2, 1));
        // Inside a multi-byte character: its start.
        assert_eq!(index.position(text.find('ü').unwrap() + 1), (0, 2));
    }
}
