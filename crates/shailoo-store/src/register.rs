//! Bulk load of the population register extract, one transaction per load.
//!
//! The two engines need different fast paths (measured in `docs/stack.md`): one `INSERT` per
//! row through sqlx manages ~15k rows/s, so SQLite gets multi-row `INSERT … VALUES (?,…),(?,…)`
//! statements with plain `?` placeholders (numbered ones slow SQLite down quadratically in long
//! statements), and PostgreSQL gets `COPY persons (…) FROM STDIN` in text format.
//!
//! On SQLite the rows go first into a constraint-free temporary table and reach `persons` in one
//! `INSERT … SELECT … ORDER BY pin` at commit: inserting millions of random PINs straight into
//! the primary-key B-tree touches a random page per row and, once the tree outgrows the page
//! cache, ran at ~12k rows/s on the national register; sorted, it appends.
//!
//! PostgreSQL stages the same way: `COPY` into a temporary table without an index, then one
//! sorted `INSERT … SELECT` at commit.
//!
//! A load is all or nothing: the transaction is opened by `begin`, and only
//! [`RegisterLoader::commit`] commits it, together with its audit entry. Dropping a loader
//! drops the transaction, which rolls back. A duplicate PIN (inside the load or against a
//! person already stored) fails the load: the error names the PIN, and the loader refuses
//! everything afterwards, so nothing of it can be committed.

use crate::{Dialect, WritePool, db_err};
use async_trait::async_trait;
use shailoo_app::audit::AuditEvent;
use shailoo_app::store::{RegisterLoader, StoreError};
use shailoo_domain::register::RegisterRecord;
use sqlx::postgres::{PgDatabaseError, PgPool};
use sqlx::sqlite::SqlitePool;
use sqlx::{AssertSqlSafe, Postgres, Sqlite, Transaction};
use std::io::Write;
use std::sync::OnceLock;

const COLUMNS: &str = "pin, surname, given_name, patronymic, sex, birth_date, citizen, \
     biometrics, settlement, street, house, address_registered_on, residence_stamp, \
     court_incapable, imprisoned";
const COLUMN_COUNT: usize = 15;

/// Rows per SQLite statement: 15 columns × 1000 = 15,000 parameters, well under SQLite's limit
/// of 32,766, and past the point where longer statements stop paying off.
const SQLITE_ROWS_PER_STATEMENT: usize = 1000;
const _: () = assert!(SQLITE_ROWS_PER_STATEMENT * COLUMN_COUNT <= 32_766);

/// Bytes of COPY data gathered before they are sent as one `COPY` statement.
const PG_COPY_CHUNK: usize = 8 << 20;

fn duplicate_pin(pin: impl ToString) -> StoreError {
    StoreError::Duplicate {
        what: "PIN",
        key: pin.to_string(),
    }
}

fn refused() -> StoreError {
    StoreError::Backend("this register load has already failed; nothing of it is stored".into())
}

/// The `INSERT` for `rows` rows with `?` placeholders.
fn sqlite_insert_sql(rows: usize) -> String {
    let row = format!("({})", vec!["?"; COLUMN_COUNT].join(","));
    let mut sql = format!("INSERT INTO temp.persons_load ({COLUMNS}) VALUES ");
    sql.push_str(&vec![row.as_str(); rows].join(","));
    sql
}

/// The full-size statement, built once: sqlx caches the prepared statement by its text.
fn sqlite_full_insert() -> &'static str {
    static SQL: OnceLock<String> = OnceLock::new();
    SQL.get_or_init(|| sqlite_insert_sql(SQLITE_ROWS_PER_STATEMENT))
}

pub struct SqliteLoader {
    tx: Transaction<'static, Sqlite>,
    loaded: u64,
    failed: bool,
}

impl SqliteLoader {
    /// Takes SQLite's write lock at once (`BEGIN IMMEDIATE`): the load and its audit entry are
    /// one write, and no other writer can slip an entry into the chain in between.
    pub(crate) async fn begin(pool: &SqlitePool) -> Result<Box<dyn RegisterLoader>, StoreError> {
        let mut tx = pool.begin_write().await?;
        // The staging table lives in this connection's temporary database; a larger page cache
        // for the sorted copy at commit. Both are undone at commit (see `finish_staging`).
        for sql in [
            "DROP TABLE IF EXISTS temp.persons_load",
            "CREATE TEMP TABLE persons_load AS SELECT * FROM main.persons WHERE 0",
            "PRAGMA cache_size = -1048576",
            "PRAGMA temp.cache_size = -1048576",
        ] {
            sqlx::query(sql).execute(&mut *tx).await.map_err(db_err)?;
        }
        Ok(Box::new(SqliteLoader {
            tx,
            loaded: 0,
            failed: false,
        }))
    }

    async fn insert(&mut self, chunk: &[RegisterRecord]) -> Result<(), sqlx::Error> {
        let query = if chunk.len() == SQLITE_ROWS_PER_STATEMENT {
            sqlx::query(sqlite_full_insert())
        } else {
            // Built from constants and a row count only.
            sqlx::query(AssertSqlSafe(sqlite_insert_sql(chunk.len())))
        };
        let mut query = query;
        for r in chunk {
            query = query
                .bind(r.pin.as_str())
                .bind(r.surname.as_str())
                .bind(r.given_name.as_str())
                .bind(r.patronymic.as_deref())
                .bind(r.sex.as_str())
                .bind(r.birth_date.to_string())
                .bind(r.citizen)
                .bind(r.biometrics)
                .bind(r.settlement.as_str())
                .bind(r.street.as_str())
                .bind(r.house.as_str())
                .bind(r.address_registered_on.to_string())
                .bind(r.residence_stamp)
                .bind(r.court_incapable)
                .bind(r.imprisoned);
        }
        query.execute(&mut *self.tx).await.map(|_| ())
    }

    /// Moves the staged rows into `persons` in key order and drops the staging table.
    async fn finish_staging(&mut self) -> Result<(), StoreError> {
        let moved =
            sqlx::query("INSERT INTO main.persons SELECT * FROM temp.persons_load ORDER BY pin")
                .execute(&mut *self.tx)
                .await;
        if let Err(e) = moved {
            self.failed = true;
            if crate::is_unique_violation(&e) {
                return Err(duplicate_pin(self.find_staged_duplicate().await?));
            }
            return Err(db_err(e));
        }
        for sql in [
            "DROP TABLE temp.persons_load",
            "PRAGMA cache_size = -65536",
            "PRAGMA temp.cache_size = -2000",
        ] {
            sqlx::query(sql)
                .execute(&mut *self.tx)
                .await
                .map_err(db_err)?;
        }
        Ok(())
    }

    /// After the copy into `persons` failed on its key: a PIN twice in the load, or one already
    /// stored.
    async fn find_staged_duplicate(&mut self) -> Result<String, StoreError> {
        let found: Option<String> = sqlx::query_scalar(
            "SELECT pin FROM temp.persons_load GROUP BY pin HAVING count(*) > 1 \
             UNION ALL SELECT l.pin FROM temp.persons_load l JOIN main.persons p ON p.pin = l.pin \
             LIMIT 1",
        )
        .fetch_optional(&mut *self.tx)
        .await
        .map_err(db_err)?;
        Ok(found.unwrap_or_else(|| "?".to_owned()))
    }
}

#[async_trait]
impl RegisterLoader for SqliteLoader {
    async fn push(&mut self, batch: &[RegisterRecord]) -> Result<(), StoreError> {
        if self.failed {
            return Err(refused());
        }
        for chunk in batch.chunks(SQLITE_ROWS_PER_STATEMENT) {
            // The staging table has no key: duplicates surface at commit.
            if let Err(e) = self.insert(chunk).await {
                self.failed = true;
                return Err(db_err(e));
            }
            self.loaded += chunk.len() as u64;
        }
        Ok(())
    }

    async fn commit(mut self: Box<Self>, event: AuditEvent) -> Result<u64, StoreError> {
        if self.failed {
            return Err(refused());
        }
        self.finish_staging().await?;
        let head = lock_head!(self.tx, Dialect::Sqlite);
        append_audit!(self.tx, head, event);
        self.tx.commit().await.map_err(db_err)?;
        Ok(self.loaded)
    }
}

pub struct PgLoader {
    tx: Transaction<'static, Postgres>,
    /// COPY text-format rows not sent yet.
    buf: Vec<u8>,
    loaded: u64,
    failed: bool,
}

impl PgLoader {
    /// A plain transaction: unlike SQLite, other writers may proceed during the load. The audit
    /// head is locked only at commit, which still orders the chain.
    pub(crate) async fn begin(pool: &PgPool) -> Result<Box<dyn RegisterLoader>, StoreError> {
        let mut tx = pool.begin_write().await?;
        // COPY goes into an index-free temporary table; the rows reach `persons` sorted at
        // commit, so the primary-key index is built by appending instead of random inserts.
        sqlx::query(
            "CREATE TEMP TABLE persons_load (LIKE persons INCLUDING DEFAULTS) ON COMMIT DROP",
        )
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        Ok(Box::new(PgLoader {
            tx,
            buf: Vec::with_capacity(PG_COPY_CHUNK + (64 << 10)),
            loaded: 0,
            failed: false,
        }))
    }

    /// Sends the buffered rows as one `COPY` statement.
    async fn flush(&mut self) -> Result<(), StoreError> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let data = std::mem::take(&mut self.buf);
        let result = async {
            let mut copy = self
                .tx
                .copy_in_raw(&format!("COPY persons_load ({COLUMNS}) FROM STDIN"))
                .await?;
            if let Err(e) = copy.send(data).await {
                // Best effort: the transaction is lost anyway and rolls back when dropped.
                let _ = copy.abort(e.to_string()).await;
                return Err(e);
            }
            copy.finish().await
        }
        .await;
        self.buf = Vec::with_capacity(PG_COPY_CHUNK + (64 << 10));
        match result {
            Ok(rows) => {
                self.loaded += rows;
                Ok(())
            }
            Err(e) => {
                self.failed = true;
                Err(pg_copy_err(e))
            }
        }
    }
}

/// A unique violation names the key in its detail: `Key (pin)=(…) already exists.`
fn pg_copy_err(e: sqlx::Error) -> StoreError {
    if crate::is_unique_violation(&e) {
        let pin = match &e {
            sqlx::Error::Database(d) => d
                .try_downcast_ref::<PgDatabaseError>()
                .and_then(PgDatabaseError::detail)
                .and_then(|detail| detail.split_once(")=(").map(|(_, rest)| rest))
                .and_then(|rest| rest.split_once(')').map(|(pin, _)| pin.to_owned())),
            _ => None,
        };
        return duplicate_pin(pin.unwrap_or_else(|| "?".to_owned()));
    }
    db_err(e)
}

/// Appends a field in COPY text format: backslash, tab, newline and carriage return escaped.
/// Shared with the voter-list import (`voters/bulk.rs`).
pub(crate) fn copy_text(buf: &mut Vec<u8>, value: &str) {
    if !value
        .bytes()
        .any(|b| matches!(b, b'\\' | b'\t' | b'\n' | b'\r'))
    {
        buf.extend_from_slice(value.as_bytes());
        return;
    }
    for b in value.bytes() {
        match b {
            b'\\' => buf.extend_from_slice(b"\\\\"),
            b'\t' => buf.extend_from_slice(b"\\t"),
            b'\n' => buf.extend_from_slice(b"\\n"),
            b'\r' => buf.extend_from_slice(b"\\r"),
            other => buf.push(other),
        }
    }
}

fn copy_bool(buf: &mut Vec<u8>, value: bool) {
    buf.push(if value { b't' } else { b'f' });
}

/// One record as a COPY text-format line, columns in the order of `persons`.
pub(crate) fn copy_row(buf: &mut Vec<u8>, r: &RegisterRecord) {
    let tab = |buf: &mut Vec<u8>| buf.push(b'\t');
    copy_text(buf, r.pin.as_str());
    tab(buf);
    copy_text(buf, &r.surname);
    tab(buf);
    copy_text(buf, &r.given_name);
    tab(buf);
    match &r.patronymic {
        Some(p) => copy_text(buf, p),
        None => buf.extend_from_slice(b"\\N"),
    }
    tab(buf);
    buf.extend_from_slice(r.sex.as_str().as_bytes());
    tab(buf);
    // Writing into a Vec cannot fail.
    let _ = write!(buf, "{}", r.birth_date);
    tab(buf);
    copy_bool(buf, r.citizen);
    tab(buf);
    copy_bool(buf, r.biometrics);
    tab(buf);
    copy_text(buf, r.settlement.as_str());
    tab(buf);
    copy_text(buf, &r.street);
    tab(buf);
    copy_text(buf, &r.house);
    tab(buf);
    let _ = write!(buf, "{}", r.address_registered_on);
    tab(buf);
    copy_bool(buf, r.residence_stamp);
    tab(buf);
    copy_bool(buf, r.court_incapable);
    tab(buf);
    copy_bool(buf, r.imprisoned);
    buf.push(b'\n');
}

#[async_trait]
impl RegisterLoader for PgLoader {
    async fn push(&mut self, batch: &[RegisterRecord]) -> Result<(), StoreError> {
        if self.failed {
            return Err(refused());
        }
        for r in batch {
            copy_row(&mut self.buf, r);
            if self.buf.len() >= PG_COPY_CHUNK {
                self.flush().await?;
            }
        }
        Ok(())
    }

    async fn commit(mut self: Box<Self>, event: AuditEvent) -> Result<u64, StoreError> {
        if self.failed {
            return Err(refused());
        }
        self.flush().await?;
        sqlx::query("INSERT INTO persons SELECT * FROM persons_load ORDER BY pin")
            .execute(&mut *self.tx)
            .await
            .map_err(pg_copy_err)?;
        let head = lock_head!(self.tx, Dialect::Postgres);
        append_audit!(self.tx, head, event);
        self.tx.commit().await.map_err(db_err)?;
        Ok(self.loaded)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_text_escapes_control_characters() {
        let mut buf = Vec::new();
        copy_text(&mut buf, "a\\b\tc\nd\re");
        assert_eq!(buf, b"a\\\\b\\tc\\nd\\re");
    }

    #[test]
    fn sqlite_statements_stay_under_the_parameter_limit() {
        assert_eq!(sqlite_insert_sql(2).matches('?').count(), 2 * COLUMN_COUNT);
        assert_eq!(COLUMNS.split(',').count(), COLUMN_COUNT);
    }
}
