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
//! This is the store's one use of `unsafe`: borrowing the raw handle.
#![allow(unsafe_code)]

use crate::db_err;
use rusqlite::Connection;
use rusqlite::types::ToSql;
use shailoo_app::StoreError;
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

/// One prepared `INSERT INTO table (columns) VALUES (?1,…)`, bound and stepped once per row.
pub(super) struct Insert<'c> {
    statement: rusqlite::Statement<'c>,
    columns: usize,
    next: usize,
}

impl<'c> Insert<'c> {
    pub(super) fn prepare(
        conn: &'c Connection,
        table: &str,
        columns: &str,
    ) -> Result<Insert<'c>, StoreError> {
        let count = columns.split(',').count();
        let placeholders: Vec<String> = (1..=count).map(|i| format!("?{i}")).collect();
        let sql = format!(
            "INSERT INTO {table} ({columns}) VALUES ({})",
            placeholders.join(",")
        );
        Ok(Insert {
            statement: conn.prepare(&sql).map_err(raw_err)?,
            columns: count,
            next: 1,
        })
    }

    /// Binds the next column of the current row.
    pub(super) fn bind(&mut self, value: impl ToSql) -> Result<(), StoreError> {
        if self.next > self.columns {
            return Err(StoreError::Backend(format!(
                "a row of more than {} values",
                self.columns
            )));
        }
        self.statement
            .raw_bind_parameter(self.next, value)
            .map_err(raw_err)?;
        self.next += 1;
        Ok(())
    }

    /// Inserts the bound row. The error is SQLite's own, for the caller to name (a duplicate
    /// key is a duplicated PIN in `persons`).
    pub(super) fn step(&mut self) -> Result<(), StepError> {
        if self.next != self.columns + 1 {
            return Err(StepError::Store(StoreError::Backend(format!(
                "a row of {} values, not {}",
                self.next - 1,
                self.columns
            ))));
        }
        self.next = 1;
        self.statement
            .raw_execute()
            .map(|_| ())
            .map_err(StepError::Sqlite)
    }
}

/// Why a row did not go in.
pub(super) enum StepError {
    Sqlite(rusqlite::Error),
    Store(StoreError),
}

impl From<StepError> for StoreError {
    fn from(e: StepError) -> StoreError {
        match e {
            StepError::Sqlite(e) => raw_err(e),
            StepError::Store(e) => e,
        }
    }
}
