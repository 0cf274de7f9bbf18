//! The intake: a submitted form as one row of the `submissions` table (validated JSON, the
//! validator's report, form id, version and content hash, the files with their hashes, the
//! time of receipt), written in the same transaction that ends the journey, so a crash loses
//! nothing acknowledged, stores nothing half and a repeated POST finds nothing left to submit.
//! Also what `formwerk submissions` reads: the list, one record, and the export as files.

use std::path::Path;

use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use serde_json::Value;

use super::db::{now, rfc3339, Db};

/// One stored file of a submission.
#[derive(Clone, Debug, Serialize, serde::Deserialize, PartialEq)]
pub struct StoredFile {
    /// Where the file is in the submission (a JSON pointer).
    pub pointer: String,
    pub name: String,
    pub media_type: String,
    pub size: u64,
    pub sha256: String,
}

/// A stored submission.
#[derive(Clone, Debug, Serialize)]
pub struct Record {
    pub id: i64,
    pub reference: String,
    pub form: String,
    pub version: String,
    pub content_hash: String,
    pub lang: String,
    pub received: String,
    pub data: Value,
    pub report: Value,
    pub files: Vec<StoredFile>,
}

/// What a submission is stored with.
pub struct New<'a> {
    pub form: &'a str,
    pub version: &'a str,
    pub content_hash: &'a str,
    pub lang: &'a str,
    pub data: &'a Value,
    pub report: &'a Value,
    pub files: &'a [StoredFile],
}

/// A reference citizens can read out: `FW-` and 12 characters of Crockford's base 32 (no I, L,
/// O, U), random, so references say nothing about how many came before.
pub fn new_reference() -> String {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let mut bytes = [0u8; 12];
    getrandom::getrandom(&mut bytes).expect("the operating system provides random numbers");
    let chars: String = bytes.iter().map(|b| ALPHABET[(b % 32) as usize] as char).collect();
    format!("FW-{}-{}-{}", &chars[0..4], &chars[4..8], &chars[8..12])
}

impl Db {
    /// Stores a submission and ends the journey of `session` through its form (answers and
    /// uploads cleared, the reference kept for the confirmation page) in one transaction.
    pub fn submit(&self, session: &str, new: &New) -> Result<String, String> {
        let mut conn = self.lock();
        let tx = conn.transaction().map_err(|e| e.to_string())?;
        let reference = new_reference();
        tx.execute(
            "INSERT INTO submissions (reference, form, version, content_hash, lang, received, data, report, files)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                reference,
                new.form,
                new.version,
                new.content_hash,
                new.lang,
                rfc3339(now()),
                new.data.to_string(),
                new.report.to_string(),
                serde_json::to_string(new.files).map_err(|e| e.to_string())?,
            ],
        )
        .map_err(|e| e.to_string())?;
        tx.execute("DELETE FROM uploads WHERE session = ?1 AND form = ?2", params![session, new.form])
            .map_err(|e| e.to_string())?;
        tx.execute(
            "INSERT INTO journeys (session, form, answers, reference) VALUES (?1, ?2, '{}', ?3)
             ON CONFLICT (session, form) DO UPDATE SET answers = '{}', show_errors = NULL, focus = NULL,
             notice = NULL, reference = ?3",
            params![session, new.form, reference],
        )
        .map_err(|e| e.to_string())?;
        tx.commit().map_err(|e| e.to_string())?;
        Ok(reference)
    }

    /// Every submission (of `form`, if given), oldest first.
    pub fn submissions(&self, form: Option<&str>) -> Result<Vec<Record>, String> {
        let conn = self.lock();
        let mut statement = conn
            .prepare(
                "SELECT id, reference, form, version, content_hash, lang, received, data, report, files
                 FROM submissions WHERE ?1 IS NULL OR form = ?1 ORDER BY id",
            )
            .map_err(|e| e.to_string())?;
        let rows = statement.query_map(params![form], record).map_err(|e| e.to_string())?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| e.to_string())
    }

    /// The submission with `reference`.
    pub fn submission(&self, reference: &str) -> Result<Option<Record>, String> {
        let conn = self.lock();
        conn.query_row(
            "SELECT id, reference, form, version, content_hash, lang, received, data, report, files
             FROM submissions WHERE reference = ?1",
            params![reference],
            record,
        )
        .optional()
        .map_err(|e| e.to_string())
    }
}

fn record(row: &rusqlite::Row) -> rusqlite::Result<Record> {
    let json = |n: usize| -> rusqlite::Result<Value> {
        let text: String = row.get(n)?;
        Ok(serde_json::from_str(&text).unwrap_or(Value::Null))
    };
    let files: String = row.get(9)?;
    Ok(Record {
        id: row.get(0)?,
        reference: row.get(1)?,
        form: row.get(2)?,
        version: row.get(3)?,
        content_hash: row.get(4)?,
        lang: row.get(5)?,
        received: row.get(6)?,
        data: json(7)?,
        report: json(8)?,
        files: serde_json::from_str(&files).unwrap_or_default(),
    })
}

/// Writes each record as `<out>/<reference>/submission.json` (the validated data, as the
/// generated crate's `from_json` reads it), `meta.json` (everything else) and `files/<sha256>`
/// (copied from the server's content-addressed store `files_dir`). Returns how many.
pub fn export(records: &[Record], files_dir: &Path, out: &Path) -> Result<usize, String> {
    for record in records {
        // References are made by `new_reference`; anything else in a database is not followed.
        if !record.reference.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return Err(format!("submission {} has a malformed reference", record.id));
        }
        let dir = out.join(&record.reference);
        let files = dir.join("files");
        std::fs::create_dir_all(&files).map_err(|e| format!("cannot create `{}`: {e}", files.display()))?;
        let data = serde_json::to_vec_pretty(&record.data).map_err(|e| e.to_string())?;
        write(&dir.join("submission.json"), &data)?;
        let meta = serde_json::json!({
            "reference": record.reference,
            "form": record.form,
            "version": record.version,
            "content_hash": record.content_hash,
            "lang": record.lang,
            "received": record.received,
            "report": record.report,
            "files": record.files,
        });
        write(&dir.join("meta.json"), &serde_json::to_vec_pretty(&meta).map_err(|e| e.to_string())?)?;
        for file in &record.files {
            if !super::uploads::is_sha256(&file.sha256) {
                return Err(format!("submission {} lists a malformed file hash", record.reference));
            }
            let from = files_dir.join(&file.sha256);
            let to = files.join(&file.sha256);
            std::fs::copy(&from, &to).map_err(|e| format!("cannot copy `{}`: {e}", from.display()))?;
        }
    }
    Ok(records.len())
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let temporary = path.with_extension("tmp");
    std::fs::write(&temporary, bytes)
        .and_then(|()| std::fs::rename(&temporary, path))
        .map_err(|e| format!("cannot write `{}`: {e}", path.display()))
}
