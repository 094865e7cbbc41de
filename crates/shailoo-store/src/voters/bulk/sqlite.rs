//! SQLite's bulk statements, run on the handle of the import's own connection.
//!
//! sqlx's SQLite driver sends every statement to its worker thread and binds each value through
//! its argument buffer: even in 1000-row `INSERT … VALUES (?,…),…` statements that cost about
//! 2 µs a `persons` row here, most of the write time of an import. One prepared statement
//! stepped once per row directly on the handle does the same work several times faster
//! (`docs/stack.md`: 1.4 M rows/s against 0.7 M). sqlx lends the handle for this
//! ([`sqlx::sqlite::LockedSqliteHandle`]); rusqlite, built on the same `libsqlite3-sys`, wraps
//! it without owning it. The statements run inside the transaction sqlx began, so sqlx still
//! commits or rolls back all of it: all-or-nothing is unchanged.
//!
//! This file holds the store's only `unsafe` code: borrowing the raw handle, and one call to
//! `sqlite3_config` before SQLite starts ([`disable_memory_statistics`]).
#![allow(unsafe_code)]

use crate::db_err;
use rusqlite::Connection;
use rusqlite::types::ToSql;
use shailoo_app::StoreError;
use shailoo_domain::Pin;
use sqlx::{Sqlite, Transaction};

/// Runs `work` on the transaction's connection through rusqlite, off the async executor's
/// reactor when the runtime has threads to spare.
pub(super) async fn on_handle<R>(
    tx: &mut Transaction<'static, Sqlite>,
    work: impl FnOnce(&Connection) -> Result<R, StoreError>,
) -> Result<R, StoreError> {
    let mut locked = tx.lock_handle().await.map_err(db_err)?;
    let raw = locked.as_raw_handle();
    // SAFETY: while `locked` lives, sqlx's worker thread makes no call on this handle or its
    // statements. `from_handle` does not take ownership: dropping `conn` finalizes only the
    // statements prepared through it and leaves the handle open. `conn` is dropped before
    // `locked`, and no await point lies between them, so cancelling this future cannot leave
    // the handle shared.
    let conn = unsafe { Connection::from_handle(raw.as_ptr()) }.map_err(raw_err)?;
    let result = blocking(|| work(&conn));
    drop(conn);
    drop(locked);
    result
}

/// The page cache of bulk statements, in KiB. Their rows come in key order, so each write
/// touches only the right edge of a B-tree and a larger cache only holds pages that are done
/// with; and `CREATE INDEX` sorts a cache-full of keys at a time, so small runs sort in the
/// CPU's cache (and, with `PRAGMA threads`, on the second core) and merge once. Measured on the
/// national lists' station index: 2.4 s with 2 MiB, 5.0 s with the connection's 64 MiB.
const BULK_CACHE_KIB: i64 = 2048;

/// [`on_handle`] with the page cache of bulk statements; the connection's own comes back after,
/// whatever `work` returned.
pub(super) async fn bulk_on_handle<R>(
    tx: &mut Transaction<'static, Sqlite>,
    work: impl FnOnce(&Connection) -> Result<R, StoreError>,
) -> Result<R, StoreError> {
    on_handle(tx, |conn| {
        let before: i64 = conn
            .pragma_query_value(None, "cache_size", |row| row.get(0))
            .map_err(raw_err)?;
        conn.pragma_update(None, "cache_size", -BULK_CACHE_KIB)
            .map_err(raw_err)?;
        let result = work(conn);
        let restored = conn.pragma_update(None, "cache_size", before);
        let result = result?;
        restored.map_err(raw_err)?;
        Ok(result)
    })
    .await
}

/// Turns off SQLite's memory statistics, which nothing here reads: with them on, every
/// allocation of every connection takes one process-wide mutex (a bulk import makes several
/// per row). SQLite accepts this only before its first connection in the process; later it
/// answers `SQLITE_MISUSE` and keeps counting, which is harmless.
pub(crate) fn disable_memory_statistics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: `sqlite3_config` must not run while another thread uses SQLite. It runs
        // once, from the store's only way to open SQLite, before that opens any connection;
        // nothing else in the process opens SQLite.
        let code =
            unsafe { rusqlite::ffi::sqlite3_config(rusqlite::ffi::SQLITE_CONFIG_MEMSTATUS, 0) };
        if code != rusqlite::ffi::SQLITE_OK {
            tracing::debug!(code, "SQLite keeps its memory statistics");
        }
    });
}

/// Runs blocking work: on a multi-threaded runtime the worker hands its other tasks on first
/// (the web server stays responsive during an import); on a current-thread runtime (tests)
/// there is nobody to hand them to.
fn blocking<R>(work: impl FnOnce() -> R) -> R {
    use tokio::runtime::{Handle, RuntimeFlavor};
    match Handle::try_current().map(|h| h.runtime_flavor()) {
        Ok(RuntimeFlavor::MultiThread) => tokio::task::block_in_place(work),
        _ => work(),
    }
}

pub(super) fn raw_err(e: rusqlite::Error) -> StoreError {
    StoreError::Backend(format!("SQLite: {e}"))
}

/// Whether a failed step broke a primary-key or unique constraint.
pub(super) fn is_unique_violation(e: &rusqlite::Error) -> bool {
    e.sqlite_error().is_some_and(|f| {
        f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
            || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
    })
}

/// Rows per execution of a bulk `INSERT`. Each execution opens a cursor and seeks from the
/// root; with many rows it seeks once and then appends along the right edge.
pub(super) const ROWS_PER_STATEMENT: usize = 64;

/// A prepared `INSERT INTO table (columns) VALUES (…),(…),…` of [`ROWS_PER_STATEMENT`] rows,
/// bound value by value and run when full; the last, shorter statement is prepared for what
/// is left of the `rows` announced.
pub(super) struct Insert<'c> {
    conn: &'c Connection,
    sql_head: String,
    columns: usize,
    statement: rusqlite::Statement<'c>,
    /// Rows the current statement takes.
    batch: usize,
    /// Rows not yet run, the current statement's included.
    left: usize,
    /// The next parameter (1-based) of the current statement.
    next: usize,
}

impl<'c> Insert<'c> {
    /// An insert of `rows` rows into `table`.
    pub(super) fn prepare(
        conn: &'c Connection,
        table: &str,
        columns: &str,
        rows: usize,
    ) -> Result<Insert<'c>, StoreError> {
        let count = columns.split(',').count();
        let sql_head = format!("INSERT INTO {table} ({columns}) VALUES ");
        let batch = rows.clamp(1, ROWS_PER_STATEMENT);
        let statement = prepare_rows(conn, &sql_head, count, batch)?;
        Ok(Insert {
            conn,
            sql_head,
            columns: count,
            statement,
            batch,
            left: rows,
            next: 1,
        })
    }

    /// Binds the next column of the current row.
    pub(super) fn bind(&mut self, value: impl ToSql) -> Result<(), StoreError> {
        if self.left == 0 || self.row_done() {
            return Err(StoreError::Backend(format!(
                "more values than the rows announced ({} columns each)",
                self.columns
            )));
        }
        self.statement
            .raw_bind_parameter(self.next, value)
            .map_err(raw_err)?;
        self.next += 1;
        Ok(())
    }

    /// Whether the current statement has all its values.
    fn row_done(&self) -> bool {
        self.next - 1 == self.batch * self.columns
    }

    /// Ends the bound row; runs the statement when it has all its rows. The error is SQLite's
    /// own, for the caller to name (a duplicate key is a duplicated PIN in `persons`); it
    /// stands for the statement's rows, all of which are then left out.
    pub(super) fn end_row(&mut self) -> Result<(), StepError> {
        if !(self.next - 1).is_multiple_of(self.columns) || self.next == 1 {
            return Err(StepError::Store(StoreError::Backend(format!(
                "a row of other than {} values",
                self.columns
            ))));
        }
        if !self.row_done() {
            return Ok(());
        }
        self.next = 1;
        self.left -= self.batch;
        let rows = self.batch;
        let ran = self.statement.raw_execute().map(|_| ());
        if self.left > 0 && self.left < self.batch {
            self.batch = self.left;
            self.statement = prepare_rows(self.conn, &self.sql_head, self.columns, self.batch)
                .map_err(StepError::Store)?;
        }
        ran.map_err(|error| StepError::Sqlite { error, rows })
    }

    /// Checks that every announced row went in.
    pub(super) fn finish(self) -> Result<(), StoreError> {
        if self.left != 0 {
            return Err(StoreError::Backend(format!(
                "{} announced rows were not given",
                self.left
            )));
        }
        Ok(())
    }
}

fn prepare_rows<'c>(
    conn: &'c Connection,
    sql_head: &str,
    columns: usize,
    rows: usize,
) -> Result<rusqlite::Statement<'c>, StoreError> {
    let mut sql = String::with_capacity(sql_head.len() + rows * columns * 6);
    sql.push_str(sql_head);
    for row in 0..rows {
        if row > 0 {
            sql.push(',');
        }
        sql.push('(');
        for column in 0..columns {
            if column > 0 {
                sql.push(',');
            }
            sql.push('?');
        }
        sql.push(')');
    }
    conn.prepare(&sql).map_err(raw_err)
}

/// The first of `pins` that `persons` holds: which PIN a failed insert repeated.
pub(super) fn stored_pin(
    conn: &Connection,
    pins: impl Iterator<Item = Pin>,
) -> Result<Option<Pin>, StoreError> {
    let mut select = conn
        .prepare("SELECT 1 FROM persons WHERE pin = ?1")
        .map_err(raw_err)?;
    for pin in pins {
        if select.exists([pin.as_str()]).map_err(raw_err)? {
            return Ok(Some(pin));
        }
    }
    Ok(None)
}

/// Why rows did not go in.
pub(super) enum StepError {
    /// SQLite refused the statement of the last `rows` rows.
    Sqlite {
        error: rusqlite::Error,
        rows: usize,
    },
    Store(StoreError),
}

impl From<StepError> for StoreError {
    fn from(e: StepError) -> StoreError {
        match e {
            StepError::Sqlite { error, .. } => raw_err(error),
            StepError::Store(e) => e,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Connection {
        let conn = Connection::open_in_memory().expect("in-memory database");
        conn.execute_batch("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)")
            .expect("table");
        conn
    }

    fn insert_rows(conn: &Connection, announced: usize, given: usize) -> Result<(), StoreError> {
        let mut insert = Insert::prepare(conn, "t", "k, v", announced)?;
        for k in 0..given {
            insert.bind(k as i64)?;
            insert.bind(format!("row {k}"))?;
            insert.end_row().map_err(StoreError::from)?;
        }
        insert.finish()
    }

    #[test]
    fn full_statements_and_a_shorter_last_one_insert_every_row_once() {
        for rows in [
            1,
            ROWS_PER_STATEMENT - 1,
            ROWS_PER_STATEMENT,
            2 * ROWS_PER_STATEMENT + 2,
        ] {
            let conn = table();
            insert_rows(&conn, rows, rows).expect("insert");
            let (count, sum, last): (i64, i64, String) = conn
                .query_row("SELECT count(*), sum(k), max(v) FROM t", [], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })
                .expect("count");
            let n = rows as i64;
            assert_eq!((count, sum), (n, n * (n - 1) / 2), "{rows} rows");
            assert!(last.starts_with("row "));
        }
    }

    #[test]
    fn fewer_or_more_rows_than_announced_are_refused() {
        let conn = table();
        assert!(insert_rows(&conn, 10, 9).is_err(), "a row missing");
        let conn = table();
        assert!(insert_rows(&conn, 10, 11).is_err(), "a row too many");
        let conn = table();
        let mut insert = Insert::prepare(&conn, "t", "k, v", 2).expect("prepare");
        insert.bind(1).expect("bind");
        assert!(insert.end_row().is_err(), "half a row");
    }

    #[test]
    fn a_refused_statement_names_its_rows() {
        let conn = table();
        conn.execute("INSERT INTO t VALUES (70, 'there')", [])
            .expect("seed");
        let mut insert =
            Insert::prepare(&conn, "t", "k, v", 2 * ROWS_PER_STATEMENT).expect("prepare");
        let mut refused = None;
        for k in 0..2 * ROWS_PER_STATEMENT {
            insert.bind(k as i64).expect("bind");
            insert.bind("x").expect("bind");
            if let Err(StepError::Sqlite { error, rows }) = insert.end_row() {
                assert!(is_unique_violation(&error));
                refused = Some((k, rows));
                break;
            }
        }
        // Key 70 lies in the second statement, which ends at its last row.
        assert_eq!(
            refused,
            Some((2 * ROWS_PER_STATEMENT - 1, ROWS_PER_STATEMENT))
        );
    }
}
