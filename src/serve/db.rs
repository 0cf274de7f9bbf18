//! The server's one SQLite database: opened in WAL mode with full synchronisation, its schema
//! (sessions, journeys, uploads, submissions) created or checked on start. Every other module
//! of `serve` reaches the database through the [`Db`] handle and its own tables.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use rusqlite::Connection;

/// The schema; `IF NOT EXISTS` so that a restart keeps everything.
const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    csrf TEXT NOT NULL,
    expires INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS journeys (
    session TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    form TEXT NOT NULL,
    answers TEXT NOT NULL,
    show_errors INTEGER,
    focus TEXT,
    notice TEXT,
    reference TEXT,
    PRIMARY KEY (session, form)
);
CREATE TABLE IF NOT EXISTS uploads (
    session TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    form TEXT NOT NULL,
    name TEXT NOT NULL,
    token TEXT NOT NULL UNIQUE,
    original TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    PRIMARY KEY (session, form, name)
);
CREATE TABLE IF NOT EXISTS submissions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    reference TEXT NOT NULL UNIQUE,
    form TEXT NOT NULL,
    version TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    lang TEXT NOT NULL,
    received TEXT NOT NULL,
    data TEXT NOT NULL,
    report TEXT NOT NULL,
    files TEXT NOT NULL
);
";

/// The database handle shared by the server's tasks (one connection: SQLite serialises
/// writers anyway, and every statement is short).
pub struct Db {
    conn: Mutex<Connection>,
}

impl Db {
    /// Opens (or creates) the database at `path` in WAL mode with `synchronous=FULL`, so an
    /// acknowledged transaction survives a crash of the process or the machine.
    pub fn open(path: &Path) -> Result<Db, String> {
        let conn = Connection::open(path).map_err(|e| format!("cannot open database `{}`: {e}", path.display()))?;
        Db::setup(conn).map_err(|e| format!("cannot prepare database `{}`: {e}", path.display()))
    }

    /// Opens an existing database only for reading (`formwerk submissions`).
    pub fn open_existing(path: &Path) -> Result<Db, String> {
        if !path.is_file() {
            return Err(format!("no database at `{}` (see `--db`)", path.display()));
        }
        Db::open(path)
    }

    fn setup(conn: Connection) -> rusqlite::Result<Db> {
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.execute_batch(SCHEMA)?;
        Ok(Db { conn: Mutex::new(conn) })
    }

    /// The connection; a panic while it was held does not make the database unusable.
    pub fn lock(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Seconds since the Unix epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

/// `2026-11-30T22:57:14Z` for a Unix time.
pub fn rfc3339(unix_seconds: i64) -> String {
    use crate::value::Date;
    let epoch = Date::new(1970, 1, 1).map_or(0, Date::day_number);
    let day = Date::from_day_number(epoch + unix_seconds.div_euclid(86_400));
    let second = unix_seconds.rem_euclid(86_400);
    match day {
        Some(day) => format!("{day}T{:02}:{:02}:{:02}Z", second / 3600, second / 60 % 60, second % 60),
        None => "1970-01-01T00:00:00Z".to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn timestamps_are_utc() {
        assert_eq!(super::rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(super::rfc3339(1_796_079_434), "2026-11-30T22:57:14Z");
    }
}
