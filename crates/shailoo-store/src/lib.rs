//! The storage port of `shailoo-app` ([`shailoo_app::Store`]) on SQLite and PostgreSQL.
//!
//! One crate, one [`Db`] enum with a `Sqlite` and a `Postgres` arm, and one copy of each use
//! case: the `on_db!` macro expands the same method body once per pool type, so the SQL text
//! (written with `$N` placeholders, which both engines accept) and the row decoding are shared.
//! What does differ lives in a few places only:
//!
//! * the migrations (`migrations/sqlite` and `migrations/postgres`: same file names, same table
//!   and constraint names, different column types), embedded with `sqlx::migrate!`;
//! * how a writer takes the lock that serializes the audit chain (`Dialect`): SQLite writers
//!   open their transaction with `BEGIN IMMEDIATE`, PostgreSQL writers lock the single
//!   `audit_head` row with `SELECT … FOR UPDATE` before anything else;
//! * the register bulk load (`voters/bulk.rs`, the one path of imports, `load` and `demo`):
//!   the extract is held and sorted by PIN in memory, then written in key order with
//!   multi-row `INSERT` (plain `?` placeholders) on SQLite and `COPY … FROM STDIN` on
//!   PostgreSQL (the row encoding is module `register`).
//!
//! URLs: `sqlite://PATH` or `sqlite:PATH` (the file is created on first use; `sqlite::memory:`
//! for throwaway stores) and `postgres://…` / `postgresql://…`.

use async_trait::async_trait;
use shailoo_app::{Entity, Store, StoreError};
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Connection, Postgres, Sqlite, Transaction};
use std::collections::HashSet;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

/// Expands `$body` once per engine with `$pool` bound to the concrete pool (`&SqlitePool` or
/// `&PgPool`) and `$d` to its [`Dialect`]: one source text, two type-checked instantiations.
macro_rules! on_db {
    ($db:expr, |$pool:ident, $d:ident| $body:expr) => {
        match $db {
            $crate::Db::Sqlite($pool) => {
                #[allow(unused_variables)]
                let $d = $crate::Dialect::Sqlite;
                $body
            }
            $crate::Db::Postgres($pool) => {
                #[allow(unused_variables)]
                let $d = $crate::Dialect::Postgres;
                $body
            }
        }
    };
}

/// Reads (and on PostgreSQL locks) the audit head inside a writing transaction:
/// `(count, last_hash)`. Every writer does this before its first change, so concurrent writers
/// queue on the chain instead of forking it.
macro_rules! lock_head {
    ($tx:expr, $d:expr) => {{
        let head: Option<(i64, String)> = sqlx::query_as($d.lock_head_sql())
            .fetch_optional(&mut *$tx)
            .await
            .map_err($crate::db_err)?;
        head.ok_or_else(|| {
            shailoo_app::StoreError::Corrupt("the audit_head row is missing".to_owned())
        })?
    }};
}

/// Seals `$event` after `$head` and writes it and the new head, in the caller's transaction.
macro_rules! append_audit {
    ($tx:expr, $head:expr, $event:expr) => {{
        let (count, last_hash): (i64, String) = $head;
        let entry = $event.seal(count + 1, &last_hash);
        sqlx::query(
            "INSERT INTO audit_log (seq, actor, action, subject, before_digest, after_digest, \
             at, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(entry.seq)
        .bind(entry.event.actor.as_str())
        .bind(entry.event.action.as_str())
        .bind(entry.event.subject.as_str())
        .bind(entry.event.before_digest.as_deref())
        .bind(entry.event.after_digest.as_deref())
        .bind(entry.event.at.to_string())
        .bind(entry.prev_hash.as_str())
        .bind(entry.hash.as_str())
        .execute(&mut *$tx)
        .await
        .map_err($crate::db_err)?;
        sqlx::query("UPDATE audit_head SET count = $1, last_hash = $2 WHERE id = 1")
            .bind(entry.seq)
            .bind(entry.hash.as_str())
            .execute(&mut *$tx)
            .await
            .map_err($crate::db_err)?;
    }};
}

/// Whether a row with this key exists, in the caller's transaction or pool.
macro_rules! exists {
    ($executor:expr, $sql:expr, $key:expr) => {{
        let found: Option<i64> = sqlx::query_scalar($sql)
            .bind($key)
            .fetch_optional($executor)
            .await
            .map_err(db_err)?;
        found.is_some()
    }};
}

/// Expands `$body` once per engine with `$t` bound to `&mut Transaction<'static, _>` and `$d`
/// to its [`Dialect`], like `on_db!` for pools.
macro_rules! on_tx {
    ($tx:expr, |$t:ident, $d:ident| $body:expr) => {
        match $tx {
            $crate::Tx::Sqlite($t) => {
                #[allow(unused_variables)]
                let $d = $crate::Dialect::Sqlite;
                $body
            }
            $crate::Tx::Postgres($t) => {
                #[allow(unused_variables)]
                let $d = $crate::Dialect::Postgres;
                $body
            }
        }
    };
}

mod access;
mod accounts;
mod audit;
// i16-badges: journalists' badges.
mod badges;
mod cabinet;
// i16-badges: places for campaign material (CAL-06).
mod campaign_places;
mod candidates;
mod checkin;
mod claims;
mod complaints;
mod districts;
mod funds;
mod lookup;
mod media;
mod multi_row;
mod params;
mod register;
mod remote;
mod results;
mod results_log;
mod rows;
mod setup;
mod text;
mod violations;
mod voters;

/// How long a caller waits for a connection (and for a server to answer at all) before the
/// store reports [`StoreError::Unavailable`].
pub const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

/// How long an SQLite writer waits for another writer's lock before giving up.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(30);

static SQLITE_MIGRATOR: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATOR: Migrator = sqlx::migrate!("./migrations/postgres");

/// A connected store. Cloning is cheap (the pools are shared).
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// The engine-specific bits of SQL text that the shared method bodies need.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    /// Reads the audit head. On PostgreSQL it also row-locks it until the transaction ends; on
    /// SQLite the transaction already holds the database's write lock (`BEGIN IMMEDIATE`).
    fn lock_head_sql(self) -> &'static str {
        match self {
            Dialect::Sqlite => "SELECT count, last_hash FROM audit_head WHERE id = 1",
            Dialect::Postgres => "SELECT count, last_hash FROM audit_head WHERE id = 1 FOR UPDATE",
        }
    }
}

/// A migration that [`migrate`] applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedMigration {
    pub version: i64,
    pub description: String,
}

/// Opens the database at `url`, applies pending migrations and returns it as the port.
pub async fn connect(url: &str) -> Result<Arc<dyn shailoo_app::Store>, StoreError> {
    Db::connect(url).await.map(Db::into_dyn)
}

/// [`connect`] for a command that is the database's only user while it runs: the CLI's bulk
/// loads (`register import`, `register compile`, `load`, `bench register-floor`). See
/// [`Db::connect_sole`].
pub async fn connect_sole(url: &str) -> Result<Arc<dyn shailoo_app::Store>, StoreError> {
    Db::connect_sole(url).await.map(Db::into_dyn)
}

/// Opens the database at `url` and applies pending migrations, returning those it applied
/// (empty when the schema was up to date): the `shailoo migrate` command.
pub async fn migrate(url: &str) -> Result<Vec<AppliedMigration>, StoreError> {
    let db = Db::open(url).await?;
    let applied = db.migrate().await;
    db.close().await;
    applied
}

impl Db {
    /// Opens the database at `url` without touching its schema.
    pub async fn open(url: &str) -> Result<Db, StoreError> {
        if url.starts_with("sqlite:") {
            open_sqlite(url, Users::Many).await
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            open_postgres(url).await
        } else {
            Err(StoreError::BadUrl(redact(url)))
        }
    }

    /// Opens the database at `url` and applies pending migrations.
    pub async fn connect(url: &str) -> Result<Db, StoreError> {
        let db = Db::open(url).await?;
        db.migrate().await?;
        Ok(db)
    }

    /// Opens the database at `url` for a command that is its only user while it runs, and
    /// applies pending migrations.
    ///
    /// An SQLite file then leaves write-ahead logging for the rollback journal until
    /// [`Db::close`]: a bulk write stores each page once, where the log stores it twice (in
    /// the log, then in the checkpoint that copies the log into the database). Measured on the
    /// national register import, the checkpoint alone was 2.2 s of 21.5. Readers in other
    /// processes would wait for the whole of a write meanwhile, so a database that another
    /// process has open keeps its log (SQLite refuses the switch at once, and it is logged).
    /// PostgreSQL is opened as by [`Db::connect`].
    pub async fn connect_sole(url: &str) -> Result<Db, StoreError> {
        if !url.starts_with("sqlite:") || is_in_memory(url) {
            return Db::connect(url).await;
        }
        let db = open_sqlite(url, Users::Sole).await?;
        db.migrate().await?;
        if let Db::Sqlite(pool) = &db {
            leave_write_ahead_log(pool).await;
        }
        Ok(db)
    }

    /// Applies pending migrations; returns those applied. Running it again applies nothing.
    pub async fn migrate(&self) -> Result<Vec<AppliedMigration>, StoreError> {
        let (migrator, before, run) = on_db!(self, |pool, d| {
            let migrator = match d {
                Dialect::Sqlite => &SQLITE_MIGRATOR,
                Dialect::Postgres => &POSTGRES_MIGRATOR,
            };
            // Empty when the migrations table does not exist yet (a new database).
            let before: HashSet<i64> =
                sqlx::query_scalar::<_, i64>("SELECT version FROM _sqlx_migrations")
                    .fetch_all(pool)
                    .await
                    .map(|v| v.into_iter().collect())
                    .unwrap_or_default();
            (migrator, before, migrator.run(pool).await)
        });
        run.map_err(|e| match e {
            sqlx::migrate::MigrateError::Execute(e) => db_err(e),
            other => StoreError::Backend(format!("migration failed: {other}")),
        })?;
        let applied: Vec<AppliedMigration> = migrator
            .iter()
            .filter(|m| m.migration_type.is_up_migration() && !before.contains(&m.version))
            .map(|m| AppliedMigration {
                version: m.version,
                description: m.description.to_string(),
            })
            .collect();
        for m in &applied {
            tracing::info!(engine = self.engine(), version = m.version, description = %m.description, "applied migration");
        }
        Ok(applied)
    }

    /// The store as the application's port.
    pub fn into_dyn(self) -> Arc<dyn shailoo_app::Store> {
        Arc::new(self)
    }

    /// `sqlite` or `postgres`.
    pub fn engine(&self) -> &'static str {
        match self {
            Db::Sqlite(_) => "sqlite",
            Db::Postgres(_) => "postgres",
        }
    }

    /// Closes every connection (waits for those in use to come back). An SQLite file is left
    /// in write-ahead-log mode, as the server uses it, also after [`Db::connect_sole`].
    pub async fn close(&self) {
        match self {
            Db::Sqlite(pool) => {
                // Best effort: a database that another process holds cannot switch, and is
                // in that mode already.
                if let Err(e) = sqlx::query("PRAGMA journal_mode = WAL").execute(pool).await {
                    tracing::debug!(error = %e, "SQLite stays in its journal mode");
                }
                pool.close().await
            }
            Db::Postgres(pool) => pool.close().await,
        }
    }
}

/// The umbrella port; each sub-port is implemented in the module of the same name.
#[async_trait]
impl Store for Db {
    fn engine(&self) -> &'static str {
        Db::engine(self)
    }

    async fn close(&self) {
        Db::close(self).await;
    }

    async fn ping(&self) -> Result<(), StoreError> {
        on_db!(self, |pool, d| {
            sqlx::query("SELECT 1")
                .execute(pool)
                .await
                .map(|_| ())
                .map_err(db_err)
        })
    }
}

/// Who uses an SQLite file while it is open.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Users {
    /// The server and anyone else: write-ahead logging, so that readers never wait.
    Many,
    /// One command alone ([`Db::connect_sole`]), on one connection, which keeps whatever mode
    /// the file has.
    Sole,
}

fn is_in_memory(url: &str) -> bool {
    url.contains(":memory:") || url.contains("mode=memory")
}

async fn open_sqlite(url: &str, users: Users) -> Result<Db, StoreError> {
    voters::disable_sqlite_memory_statistics();
    let options = SqliteConnectOptions::from_str(url)
        .map_err(|e| StoreError::BadUrl(format!("{}: {e}", redact(url))))?;
    let in_memory = is_in_memory(url);
    let options = options
        .foreign_keys(true)
        .busy_timeout(SQLITE_BUSY_TIMEOUT)
        // For new databases only (an existing file keeps its page size). 16 KiB pages halve
        // the B-tree pages of the 4-million-row register tables against the 4 KiB default:
        // measured on the national import, the write-ahead-log checkpoint at commit fell from
        // 3.7 s to 2.3 s and the lists' writes by a second.
        .page_size(16384)
        .pragma("cache_size", "-65536")
        // The write-ahead log grows to the size of the largest transaction (2 GB after a
        // national register import) and would otherwise keep that size on disk; after each
        // checkpoint it is cut back to 64 MiB.
        .pragma("journal_size_limit", "67108864");
    let pool = if in_memory {
        // An in-memory database lives as long as a connection to it: keep exactly one, forever.
        // (So a register load in progress holds the only connection; fine for throwaway use.)
        SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(options)
            .await
    } else {
        let options = options.create_if_missing(true);
        // FULL on every connection: an acknowledged write must survive a power cut. With the
        // log, NORMAL syncs only at checkpoints, so a power cut may lose the last commits (a
        // check-in the PEC saw accepted, and with it the one-ballot guarantee); FULL syncs the
        // log at each commit (BENCHMARKS.md, "Voting-day check-ins", measures what it costs).
        // With the rollback journal NORMAL may even leave a corrupt file.
        let options = options.synchronous(SqliteSynchronous::Full);
        let options = match users {
            Users::Many => options.journal_mode(SqliteJournalMode::Wal),
            // No journal mode in the options: every new connection would switch the file back
            // to the log.
            Users::Sole => options,
        };
        // A sole user's one connection is the only one that may leave the log.
        let connections = match users {
            Users::Many => 4,
            Users::Sole => 1,
        };
        SqlitePoolOptions::new()
            .max_connections(connections)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(options)
            .await
    };
    pool.map(Db::Sqlite).map_err(|e| unavailable(url, e))
}

async fn open_postgres(url: &str) -> Result<Db, StoreError> {
    let options = PgConnectOptions::from_str(url)
        .map_err(|e| StoreError::BadUrl(format!("{}: {e}", redact(url))))?;
    // One direct attempt first: the pool retries a refused connection until its timeout and
    // then reports only "timed out", while the operator needs the cause.
    match tokio::time::timeout(ACQUIRE_TIMEOUT, PgConnection::connect_with(&options)).await {
        Err(_) => {
            return Err(StoreError::Unavailable(format!(
                "{}: no answer within {} s",
                redact(url),
                ACQUIRE_TIMEOUT.as_secs()
            )));
        }
        Ok(Err(e)) => return Err(unavailable(url, e)),
        Ok(Ok(mut conn)) => {
            warn_unless_durable(&mut conn).await;
            // Best effort: the probe connection is not needed any more.
            let _ = conn.close().await;
        }
    }
    PgPoolOptions::new()
        .max_connections(10)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .after_connect(|conn, _| {
            Box::pin(async move {
                // An acknowledged write must survive a power cut, whatever the server's,
                // database's or role's configuration says: `off` acknowledges a commit before
                // its log record is on disk. A stricter level (`remote_apply`) is kept.
                sqlx::query(
                    "SELECT set_config('synchronous_commit', 'on', false) \
                     WHERE current_setting('synchronous_commit') = 'off'",
                )
                .execute(conn)
                .await
                .map(drop)
            })
        })
        .connect_with(options)
        .await
        .map(Db::Postgres)
        .map_err(|e| unavailable(url, e))
}

/// A server with `fsync = off` acknowledges commits that a power cut may lose, and no session
/// can change that: the operator is told. (The test cluster of `scripts/postgres-test-server.sh`
/// runs so, on purpose: it holds throwaway data.)
async fn warn_unless_durable(conn: &mut PgConnection) {
    let fsync: Result<String, _> = sqlx::query_scalar("SELECT current_setting('fsync')")
        .fetch_one(conn)
        .await;
    if matches!(fsync.as_deref(), Ok("off")) {
        tracing::warn!(
            "PostgreSQL runs with fsync = off: acknowledged writes may be lost at a power cut \
             (fine for a test cluster, never for an election)"
        );
    }
}

fn unavailable(url: &str, e: sqlx::Error) -> StoreError {
    StoreError::Unavailable(format!("{}: {e}", redact(url)))
}

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            // Setting a password fails only for URLs that cannot have one.
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

/// Maps a database error that no use case expects: connection trouble is `Unavailable`,
/// anything else `Backend`.
pub(crate) fn db_err(e: sqlx::Error) -> StoreError {
    match e {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::WorkerCrashed => StoreError::Unavailable(e.to_string()),
        other => StoreError::Backend(other.to_string()),
    }
}

/// Whether `e` is a unique-key violation.
pub(crate) fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.kind() == sqlx::error::ErrorKind::UniqueViolation)
}

/// Maps an insert's error: a taken key is `Duplicate { entity, key }`.
pub(crate) fn insert_err(e: sqlx::Error, entity: Entity, key: impl ToString) -> StoreError {
    if is_unique_violation(&e) {
        StoreError::duplicate(entity, key)
    } else {
        db_err(e)
    }
}

/// Switches an SQLite database to the rollback journal, if no other process has it open
/// (see [`Db::connect_sole`]); says so in the log when it stays.
async fn leave_write_ahead_log(pool: &SqlitePool) {
    let mode: Result<String, _> = sqlx::query_scalar("PRAGMA journal_mode = DELETE")
        .fetch_one(pool)
        .await;
    match mode {
        Ok(mode) if mode.eq_ignore_ascii_case("delete") => {}
        Ok(mode) => tracing::info!(%mode, "SQLite kept its journal mode"),
        Err(e) => tracing::info!(
            error = %e,
            "another process has the database open: writes go through the write-ahead log"
        ),
    }
}

/// A writing transaction on either engine: a writer's steps are methods of it (each expands
/// per engine with `on_tx!`), so that a use case's transaction reads as its steps.
pub(crate) enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

impl Db {
    /// A writing transaction ([`WritePool::begin_write`]).
    pub(crate) async fn begin_tx(&self) -> Result<Tx, StoreError> {
        Ok(match self {
            Db::Sqlite(pool) => Tx::Sqlite(pool.begin_write().await?),
            Db::Postgres(pool) => Tx::Postgres(pool.begin_write().await?),
        })
    }
}

impl Tx {
    /// Reads (and on PostgreSQL locks) the audit head: every writer does this before its first
    /// change.
    pub(crate) async fn lock_head(&mut self) -> Result<(i64, String), StoreError> {
        Ok(on_tx!(self, |t, d| lock_head!(*t, d)))
    }

    /// Seals `event` after `head` and writes it and the new head.
    pub(crate) async fn append_audit(
        &mut self,
        head: (i64, String),
        event: shailoo_app::AuditEvent,
    ) -> Result<(), StoreError> {
        on_tx!(self, |t, d| append_audit!(*t, head, event));
        Ok(())
    }

    /// Writes entries already sealed after the locked head, in multi-row `INSERT`s, and moves
    /// the head to the last of them (a batch's audit entries, `results.rs`).
    pub(crate) async fn insert_audit_entries(
        &mut self,
        entries: &[shailoo_app::audit::AuditEntry],
    ) -> Result<(), StoreError> {
        const HEAD: &str = "INSERT INTO audit_log (seq, actor, action, subject, before_digest, \
             after_digest, at, prev_hash, hash)";
        let Some(last) = entries.last() else {
            return Ok(());
        };
        for chunk in multi_row::chunks(entries) {
            let sql = multi_row::insert_sql(HEAD, 9, chunk.len());
            on_tx!(self, |t, d| {
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                for entry in chunk {
                    q = q
                        .bind(entry.seq)
                        .bind(entry.event.actor.as_str())
                        .bind(entry.event.action.as_str())
                        .bind(entry.event.subject.as_str())
                        .bind(entry.event.before_digest.as_deref())
                        .bind(entry.event.after_digest.as_deref())
                        .bind(entry.event.at.to_string())
                        .bind(entry.prev_hash.as_str())
                        .bind(entry.hash.as_str());
                }
                q.execute(&mut **t).await.map_err(db_err)?;
            });
        }
        on_tx!(self, |t, d| {
            sqlx::query("UPDATE audit_head SET count = $1, last_hash = $2 WHERE id = 1")
                .bind(last.seq)
                .bind(last.hash.as_str())
                .execute(&mut **t)
                .await
                .map_err(db_err)?;
        });
        Ok(())
    }

    pub(crate) async fn commit(self) -> Result<(), StoreError> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await.map_err(db_err),
            Tx::Postgres(tx) => tx.commit().await.map_err(db_err),
        }
    }

    /// [`StoreError::UnknownReference`] naming `entity` unless the row `sql` selects by `key`
    /// (text) exists.
    pub(crate) async fn require(
        &mut self,
        sql: &'static str,
        entity: Entity,
        key: &str,
    ) -> Result<(), StoreError> {
        let found = on_tx!(self, |t, d| exists!(&mut **t, sql, key));
        if found {
            Ok(())
        } else {
            Err(StoreError::UnknownReference {
                entity,
                key: key.to_owned(),
            })
        }
    }
}

/// Opens a writing (or a consistent reading) transaction the way each engine needs it.
pub(crate) trait WritePool {
    type Database: sqlx::Database;
    async fn begin_write(&self) -> Result<Transaction<'static, Self::Database>, StoreError>;
    /// A transaction whose reads all see one snapshot: a record read in several statements
    /// (a nomination, its candidates, its checks) is never half old, half new.
    async fn begin_read(&self) -> Result<Transaction<'static, Self::Database>, StoreError>;
}

impl WritePool for SqlitePool {
    type Database = Sqlite;
    /// `BEGIN IMMEDIATE` takes the write lock at once, so two writers never both read the same
    /// audit head (a deferred transaction would upgrade its lock later and could fail with
    /// SQLITE_BUSY half-way, or let the chain fork).
    async fn begin_write(&self) -> Result<Transaction<'static, Sqlite>, StoreError> {
        self.begin_with("BEGIN IMMEDIATE").await.map_err(db_err)
    }
    /// A deferred transaction reads one snapshot of the write-ahead log from its first read.
    async fn begin_read(&self) -> Result<Transaction<'static, Sqlite>, StoreError> {
        self.begin().await.map_err(db_err)
    }
}

impl WritePool for PgPool {
    type Database = Postgres;
    /// A plain transaction; the first statement of every writer locks the audit head row.
    async fn begin_write(&self) -> Result<Transaction<'static, Postgres>, StoreError> {
        self.begin().await.map_err(db_err)
    }
    async fn begin_read(&self) -> Result<Transaction<'static, Postgres>, StoreError> {
        self.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .await
            .map_err(db_err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Migrations that change a constraint of an existing table: SQLite cannot, so it rebuilds
    /// the table (naming every constraint again, and the rebuild's scaffolding), where
    /// PostgreSQL alters it in place. For these, every object the PostgreSQL file names must
    /// be named by the SQLite file; the store's contract tests check the constraints at work.
    const REBUILT_ON_SQLITE: &[&str] = &["20261206000400_party_representatives.sql"];

    /// Both migration trees must list the same migrations (same file names) and create the same
    /// tables, indexes and constraints, so that the two engines never drift apart.
    #[test]
    fn both_migration_trees_match() {
        let names = |engine: &str| {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("migrations")
                .join(engine);
            let mut names: Vec<String> = std::fs::read_dir(&dir)
                .expect("migration directory exists")
                .map(|e| {
                    e.expect("readable entry")
                        .file_name()
                        .to_string_lossy()
                        .into_owned()
                })
                .collect();
            names.sort();
            (dir, names)
        };
        let (sqlite_dir, sqlite) = names("sqlite");
        let (pg_dir, pg) = names("postgres");
        assert!(!sqlite.is_empty());
        assert_eq!(sqlite, pg, "the two migration trees list different files");
        for file in &sqlite {
            let objects = |dir: &std::path::Path| {
                let sql = std::fs::read_to_string(dir.join(file)).expect("readable migration");
                let mut found: Vec<String> = sql
                    .split(|c: char| c.is_whitespace() || c == '(')
                    .collect::<Vec<_>>()
                    .windows(2)
                    .filter(|w| matches!(w[0], "TABLE" | "INDEX" | "CONSTRAINT"))
                    .map(|w| format!("{} {}", w[0], w[1].trim_end_matches([';', ','])))
                    .collect();
                found.sort();
                found
            };
            if REBUILT_ON_SQLITE.contains(&file.as_str()) {
                let sqlite: HashSet<String> = objects(&sqlite_dir).into_iter().collect();
                let missing: Vec<String> = objects(&pg_dir)
                    .into_iter()
                    .filter(|o| !sqlite.contains(o))
                    .collect();
                assert!(missing.is_empty(), "{file}: SQLite lacks {missing:?}");
            } else {
                assert_eq!(
                    objects(&sqlite_dir),
                    objects(&pg_dir),
                    "{file}: objects differ"
                );
            }
        }
        let versions = |m: &Migrator| m.iter().map(|m| m.version).collect::<Vec<_>>();
        assert_eq!(versions(&SQLITE_MIGRATOR), versions(&POSTGRES_MIGRATOR));
    }

    #[test]
    fn urls_lose_their_password_in_messages() {
        assert_eq!(
            redact("postgres://u:secret@localhost/db"),
            "postgres://u:***@localhost/db"
        );
        assert_eq!(redact("sqlite://x.db"), "sqlite://x.db");
    }
}
