//! The SQLite database of workshops: schema migrations and the connection.
//!
//! One file (`workshops.sqlite` in `--data`), WAL journal with `synchronous = FULL`, so a
//! submission acknowledged to a phone survives a laptop crash. Migrations are numbered SQL
//! scripts applied in order inside one transaction each; `PRAGMA user_version` records the
//! last one applied, and a database from a newer build is refused rather than guessed at.
//! Deleting a workshop cascades to its participants, scores, impacts and submission keys.

use crate::error::{ApiError, ApiResult};
use rusqlite::Connection;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// The schema, one script per version (index + 1 = `user_version` after it runs).
const MIGRATIONS: &[&str] = &[
    // 1: workshops, participants, answers, idempotency keys
    "CREATE TABLE workshop (
        code TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        grp TEXT NOT NULL CHECK (grp IN ('citizens', 'experts')),
        descriptors TEXT NOT NULL,
        range_lo INTEGER NOT NULL,
        range_hi INTEGER NOT NULL,
        pairs_per_participant INTEGER NOT NULL,
        secret_hash TEXT NOT NULL,
        closed INTEGER NOT NULL DEFAULT 0,
        created TEXT NOT NULL DEFAULT (datetime('now'))
     );
     CREATE TABLE participant (
        id INTEGER PRIMARY KEY,
        workshop TEXT NOT NULL REFERENCES workshop(code) ON DELETE CASCADE,
        nickname TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        seat INTEGER NOT NULL,
        consent INTEGER NOT NULL,
        by_facilitator INTEGER NOT NULL,
        created TEXT NOT NULL DEFAULT (datetime('now')),
        UNIQUE (workshop, nickname)
     );
     CREATE TABLE force_score (
        participant INTEGER NOT NULL REFERENCES participant(id) ON DELETE CASCADE,
        descriptor INTEGER NOT NULL,
        importance INTEGER NOT NULL,
        uncertainty INTEGER NOT NULL,
        direction INTEGER NOT NULL,
        PRIMARY KEY (participant, descriptor)
     );
     CREATE TABLE impact (
        participant INTEGER NOT NULL REFERENCES participant(id) ON DELETE CASCADE,
        src INTEGER NOT NULL,
        dst INTEGER NOT NULL,
        value INTEGER NOT NULL,
        PRIMARY KEY (participant, src, dst)
     );
     CREATE TABLE submission (
        participant INTEGER NOT NULL REFERENCES participant(id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        received TEXT NOT NULL DEFAULT (datetime('now')),
        PRIMARY KEY (participant, key)
     );",
];

/// The shared connection. SQLite serialises writers anyway; one connection behind a mutex
/// keeps that explicit, and [`Db::call`] runs each use on tokio's blocking pool so an
/// `fsync` never stalls the async workers.
#[derive(Clone)]
pub struct Db {
    conn: Arc<Mutex<Connection>>,
}

impl Db {
    /// Open (creating if needed) `path` and bring its schema up to date.
    pub fn open(path: &Path) -> cohesion_io::Result<Db> {
        let conn = Connection::open(path).map_err(|e| {
            cohesion_io::Error::failure(format!("{}: cannot open database: {e}", path.display()))
        })?;
        Self::init(conn)
            .map_err(|e| cohesion_io::Error::failure(format!("{}: {e}", path.display())))
    }

    /// An in-memory database (tests).
    pub fn memory() -> Db {
        Self::init(Connection::open_in_memory().expect("in-memory SQLite"))
            .expect("migrations apply to an empty database")
    }

    fn init(mut conn: Connection) -> Result<Db, String> {
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;
             PRAGMA busy_timeout = 5000;",
        )
        .map_err(|e| e.to_string())?;
        migrate(&mut conn)?;
        Ok(Db {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// Run `f` with the connection on the blocking pool.
    pub async fn call<T, F>(&self, f: F) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> ApiResult<T> + Send + 'static,
    {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            f(&mut guard)
        })
        .await
        .map_err(ApiError::internal)?
    }
}

/// Apply the migrations the database has not seen yet.
pub fn migrate(conn: &mut Connection) -> Result<(), String> {
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| e.to_string())?;
    if version as usize > MIGRATIONS.len() {
        return Err(format!(
            "database schema version {version} is newer than this program's ({}); use a newer cohesion",
            MIGRATIONS.len()
        ));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        let tx = conn.transaction().map_err(|e| e.to_string())?;
        tx.execute_batch(sql)
            .map_err(|e| format!("migration {}: {e}", i + 1))?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)
            .map_err(|e| e.to_string())?;
        tx.commit().map_err(|e| e.to_string())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_run_once_and_record_the_version() {
        let mut c = Connection::open_in_memory().unwrap();
        migrate(&mut c).unwrap();
        migrate(&mut c).unwrap();
        let v: i64 = c
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v as usize, MIGRATIONS.len());
        let n: i64 = c
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name = 'submission'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 1);
    }

    #[test]
    fn a_newer_schema_is_refused() {
        let mut c = Connection::open_in_memory().unwrap();
        c.pragma_update(None, "user_version", 99).unwrap();
        let e = migrate(&mut c).unwrap_err();
        assert!(e.contains("newer"), "{e}");
    }

    #[test]
    fn data_survive_reopening_the_file() {
        let dir = std::env::temp_dir().join(format!("cohesion-serve-store-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("w.sqlite");
        let _ = std::fs::remove_file(&path);
        {
            let db = Db::open(&path).unwrap();
            let c = db.conn.lock().unwrap();
            c.execute(
                "INSERT INTO workshop (code, name, grp, descriptors, range_lo, range_hi, pairs_per_participant, secret_hash)
                 VALUES ('ABCDEFGHJK', 'x', 'citizens', '[]', -3, 3, 4, 'h')",
                [],
            )
            .unwrap();
        }
        let db = Db::open(&path).unwrap();
        let c = db.conn.lock().unwrap();
        let n: i64 = c
            .query_row("SELECT count(*) FROM workshop", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 1);
        drop(c);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
