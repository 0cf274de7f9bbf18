//! Reading files that may be hostile: only regular files, never through a symbolic link,
//! never more than a bound, and text only as UTF-8.
//!
//! Every file Formwerk reads from a project goes through here: form sources (the driver and
//! `source::DirLoader`), and anything else that wants the same guarantees (theme files, FIM
//! files). A FIFO, a device or a socket is refused before it is opened, so reading never
//! blocks; a symbolic link is refused, not followed (its target may be `/proc/self/environ`);
//! a file larger than the bound is refused before it is read.
//!
//! [`decode`] turns bytes into text. It accepts UTF-8 only; a UTF-8 byte order mark is
//! skipped (and reported, so that a warning can say so). UTF-16 and UTF-32 (by their byte
//! order mark, or UTF-16 by its pattern of NUL bytes), NUL bytes (a binary file) and bytes
//! that are not UTF-8 (Latin-1, Windows-1252, encoded surrogates) are problems that name a
//! position, never the contents.
//!
//! This module knows nothing of forms, diagnostics or the IR, so every layer may use it.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The largest file Formwerk reads as a source: 16 MiB, far more than any form needs.
pub const MAX_SOURCE_BYTES: u64 = 16 * 1024 * 1024;

/// The bytes of a file, or why it was not read.
pub type Contents = Result<Vec<u8>, FileProblem>;

/// Why a file was not read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileProblem {
    /// Nothing is at the path (or a directory on the way to it is missing).
    Missing,
    /// The path, or the directory `at` on the way to it, is a symbolic link.
    SymbolicLink { at: PathBuf },
    /// Something other than a regular file: `kind` is "a directory", "a FIFO", "a socket", …
    NotRegular { kind: &'static str },
    /// The file has more than `limit` bytes.
    TooLarge { limit: u64 },
    /// Any other failure (permissions, I/O), as the operating system describes it.
    Unreadable { reason: String },
}

impl FileProblem {
    /// A sentence about the file shown as `name`, e.g. "`forms/x.form` is a FIFO, not a
    /// regular file; only regular files are read".
    pub fn describe(&self, name: &str) -> String {
        match self {
            FileProblem::Missing => format!("`{name}` does not exist"),
            FileProblem::SymbolicLink { at } if at.as_os_str().is_empty() || at.ends_with(name) => {
                format!("`{name}` is a symbolic link; Formwerk does not follow links")
            }
            FileProblem::SymbolicLink { at } => format!(
                "`{name}` is reached through `{}`, a symbolic link; Formwerk does not follow links",
                at.display()
            ),
            FileProblem::NotRegular { kind } => {
                format!("`{name}` is {kind}, not a regular file; only regular files are read")
            }
            FileProblem::TooLarge { limit } => {
                format!("`{name}` is larger than {}; Formwerk does not read larger files", size_text(*limit))
            }
            FileProblem::Unreadable { reason } => format!("cannot read `{name}`: {reason}"),
        }
    }
}

/// "16 MiB", "512 bytes".
pub fn size_text(bytes: u64) -> String {
    if bytes >= 1024 * 1024 && bytes.is_multiple_of(1024 * 1024) {
        format!("{} MiB", bytes / (1024 * 1024))
    } else {
        format!("{bytes} bytes")
    }
}

/// What a file system entry is, in words, without following a link.
fn kind_of(file_type: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO";
        }
        if file_type.is_socket() {
            return "a socket";
        }
        if file_type.is_char_device() || file_type.is_block_device() {
            return "a device";
        }
    }
    if file_type.is_dir() {
        "a directory"
    } else if file_type.is_symlink() {
        "a symbolic link"
    } else {
        "a special file"
    }
}

fn unreadable(error: &std::io::Error) -> FileProblem {
    if error.kind() == std::io::ErrorKind::NotFound {
        return FileProblem::Missing;
    }
    // The message of an `io::Error` without the "(os error 13)" suffix.
    let reason = error.to_string();
    let reason = reason.split(" (os error").next().unwrap_or_default().to_string();
    FileProblem::Unreadable { reason }
}

/// Reads the regular file at `path`, at most `limit` bytes.
///
/// The type is checked before the file is opened (without following a link), the file is
/// opened without following a link and without blocking, and what was opened is checked to
/// be the file that was looked at, so a FIFO or a link swapped in meanwhile is refused too.
pub fn read_regular(path: &Path, limit: u64) -> Contents {
    let metadata = std::fs::symlink_metadata(path).map_err(|e| unreadable(&e))?;
    let file_type = metadata.file_type();
    if file_type.is_symlink() {
        return Err(FileProblem::SymbolicLink { at: path.to_path_buf() });
    }
    if !file_type.is_file() {
        return Err(FileProblem::NotRegular { kind: kind_of(&file_type) });
    }
    if metadata.len() > limit {
        return Err(FileProblem::TooLarge { limit });
    }
    let file = open_without_following(path).map_err(|e| {
        if is_link_error(&e) {
            FileProblem::SymbolicLink { at: path.to_path_buf() }
        } else {
            unreadable(&e)
        }
    })?;
    let opened = file.metadata().map_err(|e| unreadable(&e))?;
    if !opened.file_type().is_file() || !same_file(&metadata, &opened) {
        return Err(FileProblem::Unreadable { reason: "the file changed while it was opened".to_string() });
    }
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    file.take(limit + 1).read_to_end(&mut bytes).map_err(|e| unreadable(&e))?;
    if bytes.len() as u64 > limit {
        return Err(FileProblem::TooLarge { limit });
    }
    Ok(bytes)
}

/// Reads `relative` below `root` (both as given; `relative` has only normal components):
/// no directory on the way below `root` may be a symbolic link, and the file is read with
/// [`read_regular`]. A missing directory on the way is [`FileProblem::Missing`].
pub fn read_below(root: &Path, relative: &Path, limit: u64) -> Contents {
    let mut path = root.to_path_buf();
    let mut components = relative.components().peekable();
    while let Some(component) = components.next() {
        let std::path::Component::Normal(part) = component else {
            return Err(FileProblem::Missing);
        };
        path.push(part);
        if components.peek().is_none() {
            break;
        }
        let metadata = std::fs::symlink_metadata(&path).map_err(|e| unreadable(&e))?;
        if metadata.file_type().is_symlink() {
            return Err(FileProblem::SymbolicLink { at: path });
        }
        if !metadata.is_dir() {
            return Err(FileProblem::Missing);
        }
    }
    read_regular(&path, limit)
}

/// Reads a text file as [`read_regular`] and [`decode`] do: the text without a byte order
/// mark, or a sentence saying why not (naming the file as `path` shows it, never its bytes).
/// For callers outside the compiler's front end, e.g. theme files.
pub fn read_text(path: &Path, limit: u64) -> Result<String, String> {
    let name = path.display().to_string();
    let bytes = read_regular(path, limit).map_err(|problem| problem.describe(&name))?;
    decode(bytes).map(|text| text.text).map_err(|problem| problem.describe(&name))
}

#[cfg(unix)]
fn open_without_following(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_NOCTTY | libc::O_CLOEXEC)
        .open(path)
}

#[cfg(not(unix))]
fn open_without_following(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

#[cfg(unix)]
fn is_link_error(error: &std::io::Error) -> bool {
    error.raw_os_error() == Some(libc::ELOOP)
}

#[cfg(not(unix))]
fn is_link_error(_: &std::io::Error) -> bool {
    false
}

#[cfg(unix)]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    a.len() == b.len()
}

/// Text decoded from UTF-8.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Text {
    pub text: String,
    /// The file started with a UTF-8 byte order mark, which is not part of `text`.
    pub bom: bool,
}

/// A place in a file: byte offset from the start of the file, 1-based line and column
/// (the column counts characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    pub offset: usize,
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {} (byte {})", self.line, self.column, self.offset)
    }
}

/// Why bytes are not UTF-8 text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EncodingProblem {
    /// UTF-16, recognised by its byte order mark or by NUL bytes in every other place.
    Utf16 { big_endian: bool },
    /// UTF-32, recognised by its byte order mark.
    Utf32 { big_endian: bool },
    /// A NUL byte: a binary file, not text.
    Nul { at: Position },
    /// Bytes that are not UTF-8 (e.g. Latin-1 or Windows-1252); `surrogate` when they
    /// encode a UTF-16 surrogate (U+D800 to U+DFFF), which UTF-8 does not allow.
    InvalidUtf8 { at: Position, surrogate: bool },
}

impl EncodingProblem {
    /// A sentence about the file shown as `name`.
    pub fn describe(&self, name: &str) -> String {
        let endian = |big: bool| if big { "big-endian" } else { "little-endian" };
        match self {
            EncodingProblem::Utf16 { big_endian } => {
                format!("`{name}` is UTF-16 ({}); Formwerk reads only UTF-8", endian(*big_endian))
            }
            EncodingProblem::Utf32 { big_endian } => {
                format!("`{name}` is UTF-32 ({}); Formwerk reads only UTF-8", endian(*big_endian))
            }
            EncodingProblem::Nul { at } => {
                format!("`{name}` contains a NUL byte at {at}; it is a binary file, not UTF-8 text")
            }
            EncodingProblem::InvalidUtf8 { at, surrogate: true } => format!(
                "`{name}` is not UTF-8: the bytes at {at} encode a lone UTF-16 surrogate; Formwerk reads only UTF-8"
            ),
            EncodingProblem::InvalidUtf8 { at, surrogate: false } => {
                format!("`{name}` is not UTF-8: the bytes at {at} are not UTF-8; Formwerk reads only UTF-8")
            }
        }
    }
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Decodes a file's bytes as UTF-8 (see the module documentation).
pub fn decode(mut bytes: Vec<u8>) -> Result<Text, EncodingProblem> {
    for (mark, problem) in [
        (&b"\xFF\xFE\x00\x00"[..], EncodingProblem::Utf32 { big_endian: false }),
        (&b"\x00\x00\xFE\xFF"[..], EncodingProblem::Utf32 { big_endian: true }),
        (&b"\xFF\xFE"[..], EncodingProblem::Utf16 { big_endian: false }),
        (&b"\xFE\xFF"[..], EncodingProblem::Utf16 { big_endian: true }),
    ] {
        if bytes.starts_with(mark) {
            return Err(problem);
        }
    }
    let bom = bytes.starts_with(UTF8_BOM);
    let skipped = if bom { UTF8_BOM.len() } else { 0 };
    let body = &bytes[skipped..];
    if let Some(nul) = body.iter().position(|&b| b == 0) {
        return Err(match utf16_without_mark(body) {
            Some(big_endian) => EncodingProblem::Utf16 { big_endian },
            None => EncodingProblem::Nul { at: position(body, nul, skipped) },
        });
    }
    if let Err(error) = std::str::from_utf8(body) {
        let offset = error.valid_up_to();
        let surrogate = body[offset] == 0xED && body.get(offset + 1).is_some_and(|b| (0xA0..=0xBF).contains(b));
        return Err(EncodingProblem::InvalidUtf8 { at: position(body, offset, skipped), surrogate });
    }
    bytes.drain(..skipped);
    let text = String::from_utf8(bytes).unwrap_or_default();
    Ok(Text { text, bom })
}

/// UTF-16 without a byte order mark: in text that is mostly ASCII, every other byte is NUL.
/// `Some(big_endian)` when the first 4 KiB look like that.
fn utf16_without_mark(bytes: &[u8]) -> Option<bool> {
    let sample = &bytes[..bytes.len().min(4096) & !1];
    let n_pairs = sample.len() / 2;
    if n_pairs == 0 {
        return None;
    }
    let n_even = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    let n_odd = sample.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
    // Most code units have a NUL high byte, and almost none a NUL low byte.
    let looks = |high: usize, low: usize| high * 2 >= n_pairs && low * 16 <= n_pairs;
    if looks(n_odd, n_even) {
        Some(false)
    } else if looks(n_even, n_odd) {
        Some(true)
    } else {
        None
    }
}

/// The position of byte `offset` of `body`, which starts `skipped` bytes into the file.
fn position(body: &[u8], offset: usize, skipped: usize) -> Position {
    let before = &body[..offset];
    let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    // Characters, counted as bytes that do not continue a UTF-8 sequence.
    let column = before[line_start..].iter().filter(|&&b| b & 0xC0 != 0x80).count() + 1;
    Position { offset: offset + skipped, line, column }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
        text.encode_utf16().flat_map(|u| if big_endian { u.to_be_bytes() } else { u.to_le_bytes() }).collect()
    }

    #[test]
    fn utf8_with_and_without_a_byte_order_mark() {
        assert_eq!(decode(b"form x {}".to_vec()), Ok(Text { text: "form x {}".into(), bom: false }));
        assert_eq!(decode(b"\xEF\xBB\xBFform \xC3\xA4".to_vec()), Ok(Text { text: "form ä".into(), bom: true }));
        assert_eq!(decode(Vec::new()), Ok(Text { text: String::new(), bom: false }));
    }

    #[test]
    fn utf16_and_utf32_by_mark_or_pattern() {
        let text = "form antrag {\n  title \"Führungszeugnis\"\n}\n";
        for big_endian in [false, true] {
            let mut marked = if big_endian { vec![0xFE, 0xFF] } else { vec![0xFF, 0xFE] };
            marked.extend(utf16(text, big_endian));
            assert_eq!(decode(marked), Err(EncodingProblem::Utf16 { big_endian }));
            assert_eq!(decode(utf16(text, big_endian)), Err(EncodingProblem::Utf16 { big_endian }));
        }
        assert_eq!(
            decode(b"\xFF\xFE\x00\x00f\x00\x00\x00".to_vec()),
            Err(EncodingProblem::Utf32 { big_endian: false })
        );
        assert_eq!(decode(b"\x00\x00\xFE\xFF\x00\x00\x00f".to_vec()), Err(EncodingProblem::Utf32 { big_endian: true }));
    }

    #[test]
    fn latin1_nul_and_surrogates_name_the_position() {
        let latin1 = b"form x {\n  title \"F\xFChrung\"\n}".to_vec();
        let at = Position { offset: 19, line: 2, column: 11 };
        assert_eq!(decode(latin1), Err(EncodingProblem::InvalidUtf8 { at, surrogate: false }));
        let surrogate = b"// \xC3\xA4\n\"\xED\xA0\x80\"".to_vec();
        let at = Position { offset: 7, line: 2, column: 2 };
        assert_eq!(decode(surrogate), Err(EncodingProblem::InvalidUtf8 { at, surrogate: true }));
        let binary = b"\xEF\xBB\xBFSECRET=1\x00PATH=/bin\x00".to_vec();
        let at = Position { offset: 11, line: 1, column: 9 };
        assert_eq!(decode(binary), Err(EncodingProblem::Nul { at }));
        let message = EncodingProblem::Nul { at }.describe("x.form");
        assert!(!message.contains("SECRET") && message.contains("line 1, column 9 (byte 11)"), "{message}");
    }

    #[test]
    fn sizes_read_as_people_say_them() {
        assert_eq!(size_text(MAX_SOURCE_BYTES), "16 MiB");
        assert_eq!(size_text(1000), "1000 bytes");
    }
}
