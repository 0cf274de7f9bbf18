//! Server-side sessions: a random id in a signed cookie (HMAC-SHA-256 with a random key kept
//! in the data folder, `HttpOnly; SameSite=Lax; Path=/`), the session's CSRF token and expiry
//! in the database, and per form the journey: the answers so far, which step shows its errors,
//! the focus or note of the next page, and the reference of the last submission. Everything is
//! in SQLite, so a journey survives a restart of the server.

use std::path::Path;

use hmac::{Hmac, Mac};
use rusqlite::{params, OptionalExtension};
use serde_json::Value;
use sha2::Sha256;

use super::db::{now, Db};

pub const COOKIE: &str = "formwerk_sitzung";

/// The key that signs session cookies.
pub struct Key([u8; 32]);

impl Key {
    /// Reads the key from `path`, or makes a random one and writes it there (mode 0600,
    /// through a temporary file renamed into place, so a crash never leaves half a key).
    pub fn load_or_create(path: &Path) -> Result<Key, String> {
        if let Ok(text) = std::fs::read_to_string(path) {
            let bytes = unhex(text.trim()).filter(|b| b.len() == 32);
            let bytes = bytes.ok_or_else(|| format!("`{}` is not a session key (64 hex digits)", path.display()))?;
            let mut key = [0u8; 32];
            key.copy_from_slice(&bytes);
            return Ok(Key(key));
        }
        let mut key = [0u8; 32];
        getrandom::getrandom(&mut key).map_err(|e| format!("no random numbers: {e}"))?;
        let temporary = path.with_extension("tmp");
        write_private(&temporary, hex(&key).as_bytes())
            .and_then(|()| std::fs::rename(&temporary, path))
            .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
        Ok(Key(key))
    }

    fn mac(&self, id: &str) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes keys of any length");
        mac.update(id.as_bytes());
        mac
    }

    /// The cookie value of session `id`.
    pub fn sign(&self, id: &str) -> String {
        format!("{id}.{}", hex(&self.mac(id).finalize().into_bytes()))
    }

    /// The session id of a cookie value, if its signature is right (compared in constant time).
    pub fn verify<'c>(&self, cookie: &'c str) -> Option<&'c str> {
        let (id, signature) = cookie.split_once('.')?;
        if !is_token(id) {
            return None;
        }
        self.mac(id).verify_slice(&unhex(signature)?).ok()?;
        Some(id)
    }
}

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// 16 random bytes as 32 lower-case hex digits: session ids, CSRF and file tokens.
pub fn random_token() -> String {
    let mut bytes = [0u8; 16];
    // Without random numbers the server cannot be secure; getrandom fails only on systems
    // that lack a source, where nothing can be done.
    getrandom::getrandom(&mut bytes).expect("the operating system provides random numbers");
    hex(&bytes)
}

/// Exactly 32 lower-case hex digits: the shape of every token the server hands out.
pub fn is_token(text: &str) -> bool {
    text.len() == 32 && text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || text.len() > 128 {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok()).collect()
}

/// A live session.
#[derive(Clone, Debug)]
pub struct Session {
    pub id: String,
    pub csrf: String,
}

/// The journey through one form in a session.
#[derive(Clone, Debug, Default)]
pub struct Journey {
    pub answers: Value,
    /// The step (0-based page) whose GET shows the errors of its last POST.
    pub show_errors: Option<usize>,
    pub focus: Option<String>,
    pub notice: Option<String>,
    /// The reference of the last submission, for the confirmation page.
    pub reference: Option<String>,
}

impl Db {
    /// The session of a verified id, if it has not expired; its expiry moves on by `ttl`.
    pub fn session(&self, id: &str, ttl: i64) -> Option<Session> {
        let conn = self.lock();
        let now = now();
        let csrf: Option<String> = conn
            .query_row("SELECT csrf FROM sessions WHERE id = ?1 AND expires > ?2", params![id, now], |row| row.get(0))
            .optional()
            .ok()
            .flatten();
        let csrf = csrf?;
        conn.execute("UPDATE sessions SET expires = ?2 WHERE id = ?1", params![id, now + ttl]).ok()?;
        Some(Session { id: id.to_string(), csrf })
    }

    /// A new session (expired ones are deleted on the way, with their journeys and uploads).
    pub fn new_session(&self, ttl: i64) -> Result<Session, String> {
        let conn = self.lock();
        let now = now();
        let session = Session { id: random_token(), csrf: random_token() };
        conn.execute("DELETE FROM sessions WHERE expires <= ?1", params![now]).map_err(|e| e.to_string())?;
        conn.execute(
            "INSERT INTO sessions (id, csrf, expires) VALUES (?1, ?2, ?3)",
            params![session.id, session.csrf, now + ttl],
        )
        .map_err(|e| e.to_string())?;
        Ok(session)
    }

    /// The journey of `session` through `form` (empty if there is none yet).
    pub fn journey(&self, session: &str, form: &str) -> Journey {
        let conn = self.lock();
        conn.query_row(
            "SELECT answers, show_errors, focus, notice, reference FROM journeys WHERE session = ?1 AND form = ?2",
            params![session, form],
            |row| {
                let answers: String = row.get(0)?;
                let show_errors: Option<i64> = row.get(1)?;
                Ok(Journey {
                    answers: serde_json::from_str(&answers).unwrap_or_else(|_| Value::Object(Default::default())),
                    show_errors: show_errors.and_then(|n| usize::try_from(n).ok()),
                    focus: row.get(2)?,
                    notice: row.get(3)?,
                    reference: row.get(4)?,
                })
            },
        )
        .optional()
        .ok()
        .flatten()
        .unwrap_or_else(|| Journey { answers: Value::Object(Default::default()), ..Journey::default() })
    }

    pub fn save_journey(&self, session: &str, form: &str, journey: &Journey) -> Result<(), String> {
        let conn = self.lock();
        conn.execute(
            "INSERT INTO journeys (session, form, answers, show_errors, focus, notice, reference)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (session, form) DO UPDATE SET answers = ?3, show_errors = ?4, focus = ?5, notice = ?6,
             reference = ?7",
            params![
                session,
                form,
                journey.answers.to_string(),
                journey.show_errors.map(|n| n as i64),
                journey.focus,
                journey.notice,
                journey.reference
            ],
        )
        .map(|_| ())
        .map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_signed() {
        let key = Key([7; 32]);
        let id = random_token();
        let cookie = key.sign(&id);
        assert_eq!(key.verify(&cookie), Some(id.as_str()));
        let other = random_token();
        let forged = format!("{other}{}", &cookie[32..]);
        assert_eq!(key.verify(&forged), None);
        assert_eq!(Key([8; 32]).verify(&cookie), None);
        assert_eq!(key.verify("../../etc.00"), None);
        assert_eq!(key.verify(&id), None);
    }

    #[test]
    fn sessions_expire_and_keep_their_journeys_until_then() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("db.sqlite")).unwrap();
        let alive = db.new_session(600).unwrap();
        let journey = Journey { answers: serde_json::json!({"name": "x"}), show_errors: Some(1), ..Journey::default() };
        db.save_journey(&alive.id, "f", &journey).unwrap();
        assert_eq!(db.session(&alive.id, 600).map(|s| s.csrf), Some(alive.csrf.clone()));
        assert_eq!(db.journey(&alive.id, "f").answers, journey.answers);
        assert_eq!(db.journey(&alive.id, "f").show_errors, Some(1));
        let expired = db.new_session(0).unwrap();
        assert!(db.session(&expired.id, 600).is_none(), "an expired session is gone");
        // A new session deletes the expired ones, with their journeys and uploads, whose files
        // the server deletes first (`expired_uploads`).
        db.save_journey(&expired.id, "f", &journey).unwrap();
        let upload = super::super::uploads::Upload {
            name: "nachweis".into(),
            token: random_token(),
            original: "a.pdf".into(),
            media_type: "application/pdf".into(),
            size: 1,
            sha256: "0".repeat(64),
        };
        db.record_uploads(&expired.id, "f", std::slice::from_ref(&upload)).unwrap();
        assert_eq!(db.expired_uploads(), vec![upload.token.clone()]);
        db.new_session(600).unwrap();
        assert_eq!(db.journey(&expired.id, "f").answers, serde_json::json!({}));
        assert!(db.uploads(&expired.id, "f").is_empty());
        assert!(db.expired_uploads().is_empty());
        assert!(db.session(&alive.id, 600).is_some());
    }

    #[test]
    fn the_key_is_kept_and_a_broken_one_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("session.key");
        let cookie = Key::load_or_create(&path).unwrap().sign("0123456789abcdef0123456789abcdef");
        assert!(Key::load_or_create(&path).unwrap().verify(&cookie).is_some(), "the same key after a restart");
        std::fs::write(&path, "not a key").unwrap();
        assert!(Key::load_or_create(&path).is_err());
    }
}
