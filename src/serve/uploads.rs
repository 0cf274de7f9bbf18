//! Uploads: a `multipart/form-data` body read as a stream (never whole in memory), each file
//! part of a file field written to `uploads/<token>.part` while its size, type and SHA-256 are
//! checked and computed, then renamed to `uploads/<token>` and recorded for the session in the
//! database, before the page is validated (so a file survives errors in other fields). The
//! limits come from the form: the field's `max size` (else [`DEFAULT_MAX_FILE`]), its accepted
//! types, one file per field (several for a field with `count`: each part under the field's
//! name takes the smallest free index `belege[i]` below its most files, with the session's
//! earlier uploads; one part more is consumed without being written and reported as the
//! file one past the maximum, any further ones only consumed; a file that would make the
//! field's files larger than its `max_total` together is refused while it streams), and the
//! whole body bounded by the form's file fields.
//! Submitted files move into the content-addressed store `files/<sha256>`.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use rusqlite::{params, OptionalExtension};
use sha2::{Digest, Sha256};

use super::db::Db;
use super::session::{hex, random_token};
use crate::ir::{Field, FieldType, Form, Item};

/// The largest file a field without `max size` accepts.
pub const DEFAULT_MAX_FILE: u64 = 10 * 1024 * 1024;
/// The most bytes of all text parts of one request.
pub const MAX_TEXT_BYTES: u64 = 1024 * 1024;
/// The most parts of one request.
const MAX_PARTS: usize = 10_000;

/// An upload recorded for a session.
#[derive(Clone, Debug)]
pub struct Upload {
    /// The posted name of the field (`kinder[0][nachweis]`).
    pub name: String,
    pub token: String,
    pub original: String,
    pub media_type: String,
    pub size: u64,
    pub sha256: String,
}

impl Upload {
    /// The pairs the form-data conversion reads for this file.
    pub fn pairs(&self) -> [(String, String); 3] {
        [
            (format!("{}[name]", self.name), self.original.clone()),
            (format!("{}[media_type]", self.name), self.media_type.clone()),
            (format!("{}[size]", self.name), self.size.to_string()),
        ]
    }
}

/// What a multipart body held: its text pairs, and per file part either the stored upload or
/// what the validator needs to report a refused file (its name, type and size).
pub struct Parsed {
    pub pairs: Vec<(String, String)>,
    /// Uploads stored (not yet recorded).
    pub stored: Vec<Upload>,
    /// Files refused while streaming, as pairs for the validator to report.
    pub refused: Vec<(String, String)>,
}

/// Why a body was refused as a whole.
#[derive(Debug)]
pub enum Refused {
    TooLarge,
    Malformed(String),
    Forbidden,
    Io(String),
}

/// The whole-body limit for a form: text, plus each file field's maximum as often as its
/// repeats allow (bounded by the form, not the request).
pub fn body_limit(form: &Form) -> u64 {
    fn walk(items: &[Item], times: u64, total: &mut u64) {
        for item in items {
            match item {
                Item::Field(field) if field.ty == crate::ir::FieldType::File => {
                    let max = field.constraints.max_size.unwrap_or(DEFAULT_MAX_FILE).min(DEFAULT_MAX_FILE * 10);
                    *total = total.saturating_add(times.saturating_mul(max + 4096));
                }
                Item::Field(field) if field.ty == crate::ir::FieldType::Files => {
                    // Each file within its own limit, together within the total; and the
                    // headers of one part past the maximum, which is consumed and reported.
                    let c = &field.constraints;
                    let count = u64::from(c.max_count.unwrap_or(1));
                    let each = c.max_size.unwrap_or(DEFAULT_MAX_FILE).min(DEFAULT_MAX_FILE * 10);
                    let files = each.saturating_mul(count).min(c.max_total.unwrap_or(u64::MAX));
                    let max = files.saturating_add((count + 1) * 4096);
                    *total = total.saturating_add(times.saturating_mul(max));
                }
                Item::Group(group) => walk(&group.items, times, total),
                Item::Repeat(repeat) => {
                    walk(&repeat.items, times.saturating_mul(repeat.max.unwrap_or(10) as u64), total)
                }
                _ => {}
            }
        }
    }
    let mut total = MAX_TEXT_BYTES;
    for page in &form.pages {
        walk(&page.items, 1, &mut total);
    }
    total.min(1024 * 1024 * 1024)
}

/// Whether a file's name or media type is among the field's accepted types (`.pdf`,
/// `image/png`, `image/*`); a field without a list accepts any.
pub fn accepted(field: &Field, name: &str, media_type: &str) -> bool {
    let accept = &field.constraints.accept;
    accept.is_empty()
        || accept.iter().any(|a| {
            let a = a.to_ascii_lowercase();
            if let Some(extension) = a.strip_prefix('.') {
                name.to_ascii_lowercase().rsplit_once('.').is_some_and(|(_, e)| e == extension)
            } else if let Some(major) = a.strip_suffix("/*") {
                media_type.split('/').next() == Some(major)
            } else {
                media_type == a
            }
        })
}

/// A file name as shown: the last path component, without control characters, at most 255
/// characters (escaped wherever it is written).
fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = base.chars().filter(|c| !c.is_control()).take(255).collect();
    if clean.trim().is_empty() {
        "datei".to_string()
    } else {
        clean
    }
}

fn clean_media_type(media_type: Option<&str>) -> String {
    let token = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b));
    match media_type.map(|m| m.split(';').next().unwrap_or("").trim().to_ascii_lowercase()) {
        Some(m) if m.split_once('/').is_some_and(|(a, b)| token(a) && token(b)) && m.len() <= 127 => m,
        _ => "application/octet-stream".to_string(),
    }
}

/// Reads a multipart body: the CSRF token must be the first part and equal `csrf` (checked
/// before any file is written), text parts become pairs, file parts of the form's file fields
/// are streamed to `dir`.
pub async fn read(
    form: &Form,
    body: axum::body::Body,
    boundary: String,
    csrf: &str,
    dir: &Path,
    existing: &[Upload],
) -> Result<Parsed, Refused> {
    let limit = body_limit(form);
    let constraints = multer::Constraints::new().size_limit(multer::SizeLimit::new().whole_stream(limit));
    let mut multipart = multer::Multipart::with_constraints(body.into_data_stream(), boundary, constraints);
    let mut parsed = Parsed { pairs: Vec::new(), stored: Vec::new(), refused: Vec::new() };
    let mut text_bytes = 0u64;
    let mut parts = 0usize;
    let mut first = true;
    // Of each field that takes several files: the indexes taken and the bytes together.
    let mut several: BTreeMap<String, Several> = BTreeMap::new();
    let result = async {
        while let Some(mut field) = multipart.next_field().await.map_err(refusal)? {
            parts += 1;
            if parts > MAX_PARTS {
                return Err(Refused::TooLarge);
            }
            let name = field.name().unwrap_or("").to_string();
            if first {
                first = false;
                let token = field.text().await.map_err(refusal)?;
                if name != "_csrf" || !super::security::same_token(&token, csrf) {
                    return Err(Refused::Forbidden);
                }
                continue;
            }
            let Some(file_name) = field.file_name().map(str::to_string) else {
                let mut value = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(refusal)? {
                    text_bytes += chunk.len() as u64;
                    if text_bytes > MAX_TEXT_BYTES {
                        return Err(Refused::TooLarge);
                    }
                    value.extend_from_slice(&chunk);
                }
                parsed.pairs.push((name, String::from_utf8_lossy(&value).into_owned()));
                continue;
            };
            // A file input left empty posts a part without a name and without bytes.
            let Some(ir) = crate::formdata::file_field(form, &name).filter(|_| !file_name.is_empty()) else {
                while field.chunk().await.map_err(refusal)?.is_some() {}
                continue;
            };
            let original = clean_name(&file_name);
            let media_type = clean_media_type(field.content_type().map(|m| m.essence_str()));
            let mut max = ir.constraints.max_size.unwrap_or(DEFAULT_MAX_FILE);
            let mut total_left = None;
            let name = if ir.ty == FieldType::Files {
                let state = several.entry(name.clone()).or_insert_with(|| Several::new(ir, &name, existing));
                let Some(index) = state.next_index() else {
                    // Past the most files: one part is reported as the file too many (its
                    // size unread), the rest are only consumed.
                    while field.chunk().await.map_err(refusal)?.is_some() {}
                    if !state.reported_too_many {
                        state.reported_too_many = true;
                        let over = format!("{name}[{}]", state.max);
                        parsed.refused.extend(file_pairs(&over, &original, &media_type, 0));
                    }
                    continue;
                };
                if let Some(total) = ir.constraints.max_total {
                    total_left = Some(total.saturating_sub(state.bytes));
                }
                format!("{name}[{index}]")
            } else {
                if parsed.stored.iter().any(|u| u.name == name) {
                    return Err(Refused::Malformed(format!("two files for `{name}`")));
                }
                name
            };
            // Of several files, one that would make them too large together is refused as it
            // streams; the validator reports the total.
            if let Some(left) = total_left {
                max = max.min(left);
            }
            let refuse = |size: u64| file_pairs(&name, &original, &media_type, size);
            if !accepted(ir, &original, &media_type) {
                while field.chunk().await.map_err(refusal)?.is_some() {}
                parsed.refused.extend(refuse(0));
                continue;
            }
            let token = random_token();
            let partial = dir.join(format!("{token}.part"));
            let mut file = std::fs::File::create(&partial).map_err(|e| Refused::Io(e.to_string()))?;
            let mut hasher = Sha256::new();
            let mut size = 0u64;
            let mut too_large = false;
            while let Some(chunk) = field.chunk().await.map_err(|e| {
                let _ = std::fs::remove_file(&partial);
                refusal(e)
            })? {
                size += chunk.len() as u64;
                if size > max {
                    too_large = true;
                    continue;
                }
                hasher.update(&chunk);
                file.write_all(&chunk).map_err(|e| Refused::Io(e.to_string()))?;
            }
            if too_large {
                drop(file);
                let _ = std::fs::remove_file(&partial);
                parsed.refused.extend(refuse(size));
                continue;
            }
            file.sync_all().map_err(|e| Refused::Io(e.to_string()))?;
            std::fs::rename(&partial, dir.join(&token)).map_err(|e| Refused::Io(e.to_string()))?;
            if let Some((field_name, _)) = name.split_once('[').filter(|_| ir.ty == FieldType::Files) {
                if let Some(state) = several.get_mut(field_name) {
                    state.bytes = state.bytes.saturating_add(size);
                }
            }
            parsed.stored.push(Upload { name, token, original, media_type, size, sha256: hex(&hasher.finalize()) });
        }
        if first {
            return Err(Refused::Forbidden);
        }
        Ok(())
    }
    .await;
    match result {
        Ok(()) => Ok(parsed),
        Err(refused) => {
            for upload in &parsed.stored {
                let _ = std::fs::remove_file(dir.join(&upload.token));
            }
            Err(refused)
        }
    }
}

/// The field and index of one of several files (`belege[1]` → `("belege", 1)`).
fn several_index(name: &str) -> Option<(&str, usize)> {
    let (field, rest) = name.rsplit_once('[')?;
    let index = rest.strip_suffix(']')?;
    index.bytes().all(|b| b.is_ascii_digit()).then_some(())?;
    Some((field, index.parse().ok()?))
}

/// The pairs of a file as the form-data conversion reads them.
fn file_pairs(name: &str, original: &str, media_type: &str, size: u64) -> [(String, String); 3] {
    [
        (format!("{name}[name]"), original.to_string()),
        (format!("{name}[media_type]"), media_type.to_string()),
        (format!("{name}[size]"), size.to_string()),
    ]
}

/// The files of a field that takes several, while a body is read: which indexes are taken
/// (by the session's earlier uploads and this body's files) and their bytes together.
struct Several {
    max: u32,
    taken: Vec<bool>,
    bytes: u64,
    reported_too_many: bool,
}

impl Several {
    fn new(field: &Field, name: &str, existing: &[Upload]) -> Several {
        let max = field.constraints.max_count.unwrap_or(1);
        let mut taken = vec![false; max as usize];
        let mut bytes = 0u64;
        for upload in existing {
            let index = upload.name.strip_prefix(name).and_then(|rest| rest.strip_prefix('[')?.strip_suffix(']'));
            if let Some(slot) = index.and_then(|i| i.parse::<usize>().ok()).and_then(|i| taken.get_mut(i)) {
                *slot = true;
                bytes = bytes.saturating_add(upload.size);
            }
        }
        Several { max, taken, bytes, reported_too_many: false }
    }

    /// The smallest free index, now taken; `None` when the field has its most files.
    fn next_index(&mut self) -> Option<usize> {
        let index = self.taken.iter().position(|taken| !taken)?;
        self.taken[index] = true;
        Some(index)
    }
}

fn refusal(error: multer::Error) -> Refused {
    match error {
        multer::Error::StreamSizeExceeded { .. } | multer::Error::FieldSizeExceeded { .. } => Refused::TooLarge,
        other => Refused::Malformed(other.to_string()),
    }
}

/// Exactly 64 lower-case hex digits.
pub fn is_sha256(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The JSON pointer of a posted name (`kinder[0][nachweis]` → `/kinder/0/nachweis`).
pub fn pointer_of(name: &str) -> String {
    name.split(['[', ']'])
        .filter(|s| !s.is_empty())
        .map(|s| format!("/{}", crate::validate::pointer_segment(s)))
        .collect()
}

/// The id the HTML backend gives the field of a posted name (`kinder-0-nachweis`).
pub fn id_of(name: &str) -> String {
    name.split(['[', ']']).filter(|s| !s.is_empty()).map(crate::emit::html::id_segment).collect::<Vec<_>>().join("-")
}

impl Db {
    /// Records uploads for a session's journey, replacing the file a field had; returns the
    /// tokens of the replaced files (to delete).
    pub fn record_uploads(&self, session: &str, form: &str, uploads: &[Upload]) -> Result<Vec<String>, String> {
        let mut conn = self.lock();
        let tx = conn.transaction().map_err(|e| e.to_string())?;
        let mut replaced = Vec::new();
        for upload in uploads {
            let old: Option<String> = tx
                .query_row(
                    "SELECT token FROM uploads WHERE session = ?1 AND form = ?2 AND name = ?3",
                    params![session, form, upload.name],
                    |row| row.get(0),
                )
                .optional()
                .map_err(|e| e.to_string())?;
            replaced.extend(old);
            tx.execute(
                "INSERT OR REPLACE INTO uploads (session, form, name, token, original, media_type, size, sha256)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    session,
                    form,
                    upload.name,
                    upload.token,
                    upload.original,
                    upload.media_type,
                    upload.size as i64,
                    upload.sha256
                ],
            )
            .map_err(|e| e.to_string())?;
        }
        tx.commit().map_err(|e| e.to_string())?;
        Ok(replaced)
    }

    /// The uploads of a session's journey.
    pub fn uploads(&self, session: &str, form: &str) -> Vec<Upload> {
        let conn = self.lock();
        let Ok(mut statement) = conn.prepare(
            "SELECT name, token, original, media_type, size, sha256 FROM uploads WHERE session = ?1 AND form = ?2
             ORDER BY name",
        ) else {
            return Vec::new();
        };
        let rows = statement.query_map(params![session, form], |row| {
            Ok(Upload {
                name: row.get(0)?,
                token: row.get(1)?,
                original: row.get(2)?,
                media_type: row.get(3)?,
                size: row.get::<_, i64>(4)? as u64,
                sha256: row.get(5)?,
            })
        });
        rows.map(|rows| rows.filter_map(Result::ok).collect()).unwrap_or_default()
    }

    /// The tokens of the uploads of expired sessions (whose rows the next new session deletes),
    /// so that their files can be deleted first.
    pub fn expired_uploads(&self) -> Vec<String> {
        let conn = self.lock();
        let Ok(mut statement) =
            conn.prepare("SELECT token FROM uploads WHERE session IN (SELECT id FROM sessions WHERE expires <= ?1)")
        else {
            return Vec::new();
        };
        let rows = statement.query_map(params![super::db::now()], |row| row.get(0));
        rows.map(|rows| rows.filter_map(Result::ok).collect()).unwrap_or_default()
    }

    /// Forgets the upload of field `id` (the HTML id); returns its token. Of several files
    /// (`belege[1]`), the later ones move up a place (`belege[2]` becomes `belege[1]`), as they
    /// do in the submission, so that indexes stay without gaps.
    pub fn remove_upload(&self, session: &str, form: &str, id: &str) -> Option<String> {
        let uploads = self.uploads(session, form);
        let upload = uploads.iter().find(|u| id_of(&u.name) == id)?;
        let mut conn = self.lock();
        let tx = conn.transaction().ok()?;
        tx.execute(
            "DELETE FROM uploads WHERE session = ?1 AND form = ?2 AND token = ?3",
            params![session, form, upload.token],
        )
        .ok()?;
        if let Some((field, index)) = several_index(&upload.name) {
            let mut later: Vec<(usize, &Upload)> = uploads
                .iter()
                .filter_map(|u| several_index(&u.name).filter(|(f, i)| *f == field && *i > index).map(|(_, i)| (i, u)))
                .collect();
            later.sort_by_key(|(i, _)| *i);
            for (i, moved) in later {
                tx.execute(
                    "UPDATE uploads SET name = ?1 WHERE session = ?2 AND form = ?3 AND token = ?4",
                    params![format!("{field}[{}]", i - 1), session, form, moved.token],
                )
                .ok()?;
            }
        }
        tx.commit().ok()?;
        Some(upload.token.clone())
    }
}

/// Makes a submitted file part of the content-addressed store (`files/<sha256>`, by a hard
/// link or a copy, synced), leaving the upload in place until the submission is committed.
pub fn keep(uploads_dir: &Path, files_dir: &Path, upload: &Upload) -> Result<PathBuf, String> {
    let to = files_dir.join(&upload.sha256);
    if to.is_file() {
        return Ok(to);
    }
    let from = uploads_dir.join(&upload.token);
    let temporary = files_dir.join(format!("{}.tmp", random_token()));
    std::fs::hard_link(&from, &temporary)
        .or_else(|_| std::fs::copy(&from, &temporary).map(|_| ()))
        .and_then(|()| std::fs::File::open(&temporary)?.sync_all())
        .and_then(|()| std::fs::rename(&temporary, &to))
        .map_err(|e| format!("cannot keep `{}`: {e}", from.display()))?;
    Ok(to)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_pointers() {
        assert_eq!(pointer_of("kinder[0][nachweis]"), "/kinder/0/nachweis");
        assert_eq!(id_of("kinder[0][nachweis]"), "kinder-0-nachweis");
        assert_eq!(clean_name("C:\\Users\\x\\Bild <1>.png"), "Bild <1>.png");
        assert_eq!(clean_name("../../"), "datei");
        assert_eq!(clean_media_type(Some("image/PNG; x=y")), "image/png");
        assert_eq!(clean_media_type(Some("text/html\"<")), "application/octet-stream");
    }
}
