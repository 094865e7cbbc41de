//! The bulk half of the voter register: register imports (staging table and set-based diff) and
//! compiling the voter lists, both inside one transaction on either engine.
//!
//! Rows go in the way each engine takes them fastest: multi-row `INSERT … VALUES (?,…),…` with
//! plain `?` placeholders on SQLite (numbered ones slow SQLite down quadratically in long
//! statements), `COPY … FROM STDIN` in text format on PostgreSQL. Everything else (the diff of a
//! re-import, the bookkeeping) is shared SQL with `$N` placeholders, written once and expanded
//! per engine by `on_tx!`.
//!
//! The first import into an empty register goes straight into `persons`; later imports load a
//! temporary staging table and then diff it against `persons` with three set-based statements
//! (added, removed, changed) whose results are kept in `register_changes`.
//!
//! SQLite: the register arrives in household order, not PIN order, and inserting 4.3 million
//! rows in random key order into B-trees far larger than the page cache costs a page write per
//! row (measured: ~250 s for the national register). So on SQLite every row first goes to an
//! append-only temporary table without index, and one `INSERT … SELECT … ORDER BY pin` per
//! table moves it at the end: SQLite sorts once (external merge) and appends to the B-tree in
//! key order. The lists' secondary index is dropped and built again after the move for the same
//! reason. PostgreSQL appends COPY rows to heaps and copes with its index inserts well enough.

use crate::register::{copy_row, copy_text};
use crate::{Dialect, WritePool, db_err};
use jiff::Timestamp;
use shailoo_app::StoreError;
use shailoo_app::voters::{
    Assessment, CompileReport, Compiler, DuplicatedPin, ImportBatch, ImportOptions, ImportReport,
    RegisterImport, VoterListError,
};
use shailoo_domain::register::RegisterRecord;
use shailoo_domain::voter::Reasons;
use shailoo_domain::{ElectionId, Pin, Sex, TerritoryId};
use sqlx::postgres::{PgDatabaseError, PgPool};
use sqlx::sqlite::SqlitePool;
use sqlx::{AssertSqlSafe, Postgres, Sqlite, Transaction};
use std::collections::HashSet;
use std::io::Write;
use std::str::FromStr;
use std::sync::{Arc, OnceLock};

/// A writing transaction on either engine.
pub(crate) enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// Expands `$body` once per engine with `$t` bound to `&mut Transaction<'static, _>` and `$d`
/// to its [`Dialect`], like `on_db!` for pools.
macro_rules! on_tx {
    ($tx:expr, |$t:ident, $d:ident| $body:expr) => {
        match $tx {
            Tx::Sqlite($t) => {
                #[allow(unused_variables)]
                let $d = Dialect::Sqlite;
                $body
            }
            Tx::Postgres($t) => {
                #[allow(unused_variables)]
                let $d = Dialect::Postgres;
                $body
            }
        }
    };
}

pub(crate) const PERSON_COLUMNS: &str = "pin, surname, given_name, patronymic, sex, birth_date, \
     citizen, biometrics, settlement, street, house, address_registered_on, residence_stamp, \
     court_incapable, imprisoned";
const PERSON_COLUMN_COUNT: usize = 15;
const ENTRY_COLUMNS: &str = "election, pin, council, home_station, station";
/// SQLite's append-only holding tables (see the module docs), created per transaction.
const SQLITE_HOLDING: [&str; 3] = [
    "CREATE TEMP TABLE person_rows (pin TEXT, surname TEXT, given_name TEXT, patronymic TEXT, \
     sex TEXT, birth_date TEXT, citizen INTEGER, biometrics INTEGER, settlement TEXT, \
     street TEXT, house TEXT, address_registered_on TEXT, residence_stamp INTEGER, \
     court_incapable INTEGER, imprisoned INTEGER)",
    "CREATE TEMP TABLE entry_rows (pin TEXT, council TEXT, station INTEGER)",
    "CREATE TEMP TABLE ineligible_rows (pin TEXT, reasons INTEGER, council TEXT, \
     home_station INTEGER)",
];
const HOLDING_ENTRY_COLUMNS: &str = "pin, council, station";
const HOLDING_INELIGIBLE_COLUMNS: &str = "pin, reasons, council, home_station";
/// Above this many list rows in one move, rebuilding the station index beats maintaining it.
const SQLITE_REINDEX_ABOVE: u64 = 50_000;
const INELIGIBLE_COLUMNS: &str = "election, pin, reasons, council, home_station";

/// Rows per SQLite statement: 15 × 1000 and 5 × 3000 parameters stay well under SQLite's limit
/// of 32,766, past the point where longer statements stop paying off.
const SQLITE_PERSON_ROWS: usize = 1000;
const SQLITE_OUTCOME_ROWS: usize = 3000;
const _: () = assert!(SQLITE_PERSON_ROWS * PERSON_COLUMN_COUNT <= 32_766);
const _: () = assert!(SQLITE_OUTCOME_ROWS * 5 <= 32_766);

/// Bytes of COPY data gathered per table before they are sent as one `COPY` statement.
const PG_COPY_CHUNK: usize = 8 << 20;

/// Persons read back per page when compiling from the stored register.
const COMPILE_PAGE: i64 = 20_000;

/// A stored person, as selected with [`PERSON_COLUMNS`].
pub(crate) type PersonTuple = (
    String,
    String,
    String,
    Option<String>,
    String,
    String,
    bool,
    bool,
    String,
    String,
    String,
    String,
    bool,
    bool,
    bool,
);

fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Corrupt(format!("persons: {what} {value:?} does not parse"))
}

/// A stored person back as a domain record: loud if anything was altered outside shailoo.
pub(crate) fn person_record(row: PersonTuple) -> Result<RegisterRecord, StoreError> {
    let (
        pin,
        surname,
        given_name,
        patronymic,
        sex,
        birth_date,
        citizen,
        biometrics,
        settlement,
        street,
        house,
        registered,
        residence_stamp,
        court_incapable,
        imprisoned,
    ) = row;
    Ok(RegisterRecord {
        pin: Pin::parse(&pin).map_err(|_| corrupt("pin", &pin))?,
        surname,
        given_name,
        patronymic,
        sex: Sex::from_str(&sex).map_err(|_| corrupt("sex", &sex))?,
        birth_date: birth_date
            .parse()
            .map_err(|_| corrupt("birth_date", &birth_date))?,
        citizen,
        biometrics,
        settlement: TerritoryId::parse(&settlement)
            .map_err(|_| corrupt("settlement", &settlement))?,
        street,
        house,
        address_registered_on: registered
            .parse()
            .map_err(|_| corrupt("address_registered_on", &registered))?,
        residence_stamp,
        court_incapable,
        imprisoned,
    })
}

/// `INSERT INTO table (columns) VALUES (?,…),…` for `rows` rows.
fn multi_row_sql(table: &str, columns: &str, rows: usize) -> String {
    let count = columns.split(',').count();
    let row = format!("({})", vec!["?"; count].join(","));
    let mut sql = format!("INSERT INTO {table} ({columns}) VALUES ");
    sql.push_str(&vec![row.as_str(); rows].join(","));
    sql
}

/// The full-size statement of a table, built once: sqlx caches prepared statements by text.
fn full_sql(
    slot: &'static OnceLock<String>,
    table: &str,
    columns: &str,
    rows: usize,
) -> &'static str {
    slot.get_or_init(|| multi_row_sql(table, columns, rows))
}

fn sqlite_query(
    slot: &'static OnceLock<String>,
    table: &str,
    columns: &str,
    full: usize,
    rows: usize,
) -> sqlx::query::Query<'static, Sqlite, sqlx::sqlite::SqliteArguments> {
    if rows == full {
        sqlx::query(full_sql(slot, table, columns, full))
    } else {
        // Built from constants and a row count only.
        sqlx::query(AssertSqlSafe(multi_row_sql(table, columns, rows)))
    }
}

static SQL_PERSONS: OnceLock<String> = OnceLock::new();
static SQL_STAGE: OnceLock<String> = OnceLock::new();
static SQL_ENTRIES: OnceLock<String> = OnceLock::new();
static SQL_INELIGIBLE: OnceLock<String> = OnceLock::new();

/// Where the persons of an import go.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum PersonTarget {
    /// The register is empty: straight into `persons`.
    Direct,
    /// The temporary `register_stage`, diffed against `persons` at the end.
    Stage,
}

impl PersonTarget {
    fn table(self) -> &'static str {
        match self {
            PersonTarget::Direct => "persons",
            PersonTarget::Stage => "register_stage",
        }
    }

    /// Where SQLite appends the rows first.
    fn sqlite_table(self) -> &'static str {
        match self {
            PersonTarget::Direct => "temp.person_rows",
            PersonTarget::Stage => "temp.register_stage",
        }
    }
}

/// The writing half shared by import and compile: a transaction and, on PostgreSQL, the COPY
/// buffers of each table.
pub(crate) struct Writer {
    tx: Tx,
    /// List rows not written yet. SQLite: fewer than a full statement's worth; PostgreSQL:
    /// every entry, sent sorted by PIN at the end.
    pending_entries: Vec<(Pin, i64)>,
    pending_ineligible: Vec<(Pin, Assessment)>,
    /// SQLite: list rows in the holding tables, and whether the station index is dropped.
    held_list_rows: u64,
    index_dropped: bool,
    /// PostgreSQL: COPY data not sent yet, per table.
    persons: Vec<u8>,
    entries: Vec<u8>,
    ineligible: Vec<u8>,
}

impl Writer {
    async fn begin_sqlite(pool: &SqlitePool) -> Result<Writer, StoreError> {
        // BEGIN IMMEDIATE: the write lock at once, so nothing slips into the chain meanwhile.
        let mut tx = pool.begin_write().await?;
        for create in SQLITE_HOLDING {
            // The table name is the fourth word; a rolled-back transaction took it already, but
            // a committed one leaves it on the pooled connection.
            let name = create.split_whitespace().nth(3).unwrap_or_default();
            sqlx::query(AssertSqlSafe(format!("DROP TABLE IF EXISTS temp.{name}")))
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            sqlx::query(create)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
        }
        Ok(Writer::new(Tx::Sqlite(tx)))
    }

    async fn begin_postgres(pool: &PgPool) -> Result<Writer, StoreError> {
        Ok(Writer::new(Tx::Postgres(pool.begin_write().await?)))
    }

    fn new(tx: Tx) -> Writer {
        Writer {
            tx,
            pending_entries: Vec::new(),
            pending_ineligible: Vec::new(),
            held_list_rows: 0,
            index_dropped: false,
            persons: Vec::new(),
            entries: Vec::new(),
            ineligible: Vec::new(),
        }
    }

    /// Writes persons into `target`.
    async fn persons(
        &mut self,
        target: PersonTarget,
        records: &[RegisterRecord],
    ) -> Result<(), StoreError> {
        match &mut self.tx {
            Tx::Sqlite(tx) => {
                let slot = match target {
                    PersonTarget::Direct => &SQL_PERSONS,
                    PersonTarget::Stage => &SQL_STAGE,
                };
                for chunk in records.chunks(SQLITE_PERSON_ROWS) {
                    let mut q = sqlite_query(
                        slot,
                        target.sqlite_table(),
                        PERSON_COLUMNS,
                        SQLITE_PERSON_ROWS,
                        chunk.len(),
                    );
                    for r in chunk {
                        q = q
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
                    q.execute(&mut **tx).await.map_err(person_err)?;
                }
                Ok(())
            }
            Tx::Postgres(_) => {
                for r in records {
                    copy_row(&mut self.persons, r);
                    if self.persons.len() >= PG_COPY_CHUNK {
                        self.flush_persons(target).await?;
                    }
                }
                Ok(())
            }
        }
    }

    /// Writes the lists' rows for `records`: an entry for each eligible one, a row of reasons
    /// for each other.
    async fn outcomes(
        &mut self,
        compiler: &Compiler,
        records: &[RegisterRecord],
        assessed: &[Assessment],
        report: &mut CompileReport,
    ) -> Result<(), StoreError> {
        if records.len() != assessed.len() {
            return Err(StoreError::Backend(format!(
                "{} records came with {} assessments",
                records.len(),
                assessed.len()
            )));
        }
        let election = compiler.election().as_str();
        for a in assessed {
            report.count(a.reasons, true);
        }
        match &mut self.tx {
            Tx::Sqlite(_) => {
                // Buffered, so that every statement but the last has the full size and sqlx
                // reuses one prepared statement per table.
                for (r, a) in records.iter().zip(assessed) {
                    if a.is_eligible() {
                        self.pending_entries.push((r.pin, placed(compiler, a)?.1));
                    } else {
                        self.pending_ineligible.push((r.pin, *a));
                    }
                }
                self.write_sqlite_outcomes(compiler, false).await
            }
            Tx::Postgres(_) => {
                for (r, a) in records.iter().zip(assessed) {
                    if a.is_eligible() {
                        // Held (24 bytes a voter) and sent in PIN order at the end: the primary
                        // key then grows at its right edge instead of at random pages, which
                        // with a small shared_buffers made the list writes cost twice the
                        // persons' COPY.
                        self.pending_entries.push((r.pin, placed(compiler, a)?.1));
                    } else {
                        let b = &mut self.ineligible;
                        copy_text(b, election);
                        b.push(b'\t');
                        b.extend_from_slice(r.pin.as_str().as_bytes());
                        let _ = write!(b, "\t{}\t", a.reasons.bits());
                        match a.station.and_then(|s| compiler.council_of(s)) {
                            Some(c) => copy_text(b, c.as_str()),
                            None => b.extend_from_slice(b"\\N"),
                        }
                        match a.station {
                            Some(s) => {
                                let _ = writeln!(b, "\t{}", s.get());
                            }
                            None => b.extend_from_slice(b"\t\\N\n"),
                        }
                    }
                }
                if self.ineligible.len() >= PG_COPY_CHUNK {
                    self.flush_table("voter_ineligible", INELIGIBLE_COLUMNS)
                        .await?;
                }
                Ok(())
            }
        }
    }

    /// Writes the buffered SQLite list rows: full statements only, or everything with `all`.
    async fn write_sqlite_outcomes(
        &mut self,
        compiler: &Compiler,
        all: bool,
    ) -> Result<(), StoreError> {
        let Tx::Sqlite(tx) = &mut self.tx else {
            return Ok(());
        };
        let keep = |n: usize| if all { 0 } else { n % SQLITE_OUTCOME_ROWS };
        let cut = self.pending_entries.len() - keep(self.pending_entries.len());
        for chunk in self.pending_entries[..cut].chunks(SQLITE_OUTCOME_ROWS) {
            let mut q = sqlite_query(
                &SQL_ENTRIES,
                "temp.entry_rows",
                HOLDING_ENTRY_COLUMNS,
                SQLITE_OUTCOME_ROWS,
                chunk.len(),
            );
            for (pin, station) in chunk {
                let number = u32::try_from(*station)
                    .ok()
                    .and_then(|n| shailoo_domain::StationNumber::new(n).ok());
                let council = number
                    .and_then(|n| compiler.council_of(n))
                    .map(|c| c.as_str());
                q = q.bind(pin.as_str()).bind(council).bind(*station);
            }
            q.execute(&mut **tx).await.map_err(db_err)?;
        }
        self.pending_entries.drain(..cut);
        self.held_list_rows += cut as u64;
        let cut = self.pending_ineligible.len() - keep(self.pending_ineligible.len());
        for chunk in self.pending_ineligible[..cut].chunks(SQLITE_OUTCOME_ROWS) {
            let mut q = sqlite_query(
                &SQL_INELIGIBLE,
                "temp.ineligible_rows",
                HOLDING_INELIGIBLE_COLUMNS,
                SQLITE_OUTCOME_ROWS,
                chunk.len(),
            );
            for (pin, a) in chunk {
                q = q
                    .bind(pin.as_str())
                    .bind(i64::from(a.reasons.bits()))
                    .bind(
                        a.station
                            .and_then(|s| compiler.council_of(s))
                            .map(|c| c.as_str()),
                    )
                    .bind(a.station.map(|s| i64::from(s.get())));
            }
            q.execute(&mut **tx).await.map_err(db_err)?;
        }
        self.pending_ineligible.drain(..cut);
        self.held_list_rows += cut as u64;
        Ok(())
    }

    async fn flush_persons(&mut self, target: PersonTarget) -> Result<(), StoreError> {
        let data = std::mem::take(&mut self.persons);
        self.copy(target.table(), PERSON_COLUMNS, data)
            .await
            .map_err(person_err)
    }

    async fn flush_table(&mut self, table: &str, columns: &str) -> Result<(), StoreError> {
        let data = match table {
            "voter_list_entries" => std::mem::take(&mut self.entries),
            _ => std::mem::take(&mut self.ineligible),
        };
        self.copy(table, columns, data).await.map_err(db_err)
    }

    /// Sends buffered rows as one `COPY` statement (PostgreSQL only; SQLite buffers nothing).
    async fn copy(&mut self, table: &str, columns: &str, data: Vec<u8>) -> Result<(), sqlx::Error> {
        let Tx::Postgres(tx) = &mut self.tx else {
            return Ok(());
        };
        if data.is_empty() {
            return Ok(());
        }
        let mut copy = tx
            .copy_in_raw(&format!("COPY {table} ({columns}) FROM STDIN"))
            .await?;
        if let Err(e) = copy.send(data).await {
            // Best effort: the transaction is lost anyway and rolls back when dropped.
            let _ = copy.abort(e.to_string()).await;
            return Err(e);
        }
        copy.finish().await.map(|_| ())
    }

    /// Writes everything buffered (PostgreSQL: before any other statement may run on the
    /// connection; SQLite: the last short statements, then the holding tables moved into the
    /// real ones in PIN order).
    async fn flush(
        &mut self,
        target: PersonTarget,
        compiler: Option<&Compiler>,
    ) -> Result<(), StoreError> {
        self.flush_persons(target).await?;
        self.flush_table("voter_list_entries", ENTRY_COLUMNS)
            .await?;
        self.flush_table("voter_ineligible", INELIGIBLE_COLUMNS)
            .await?;
        if !matches!(self.tx, Tx::Sqlite(_)) {
            if let Some(c) = compiler {
                self.send_pg_entries(c).await?;
            }
            return Ok(());
        }
        self.move_sqlite_persons(target).await?;
        if let Some(c) = compiler {
            self.write_sqlite_outcomes(c, true).await?;
            self.move_sqlite_lists(c.election()).await?;
        }
        Ok(())
    }

    /// PostgreSQL: the held list entries, sorted by PIN, as COPY chunks.
    async fn send_pg_entries(&mut self, compiler: &Compiler) -> Result<(), StoreError> {
        let mut held = std::mem::take(&mut self.pending_entries);
        held.sort_unstable_by_key(|(pin, _)| *pin);
        let election = compiler.election().as_str();
        for (pin, station) in held {
            let number = u32::try_from(station)
                .ok()
                .and_then(|n| shailoo_domain::StationNumber::new(n).ok());
            let council = number
                .and_then(|n| compiler.council_of(n))
                .ok_or_else(|| StoreError::Backend(format!("station {station} has no council")))?;
            let b = &mut self.entries;
            copy_text(b, election);
            b.push(b'\t');
            b.extend_from_slice(pin.as_str().as_bytes());
            b.push(b'\t');
            copy_text(b, council.as_str());
            let _ = writeln!(b, "\t{station}\t{station}");
            if self.entries.len() >= PG_COPY_CHUNK {
                self.flush_table("voter_list_entries", ENTRY_COLUMNS)
                    .await?;
            }
        }
        self.flush_table("voter_list_entries", ENTRY_COLUMNS).await
    }

    /// SQLite: the held persons into `persons` in PIN order, or an index on the staging table
    /// for the diff.
    async fn move_sqlite_persons(&mut self, target: PersonTarget) -> Result<(), StoreError> {
        let Tx::Sqlite(tx) = &mut self.tx else {
            return Ok(());
        };
        let sql = match target {
            PersonTarget::Direct => {
                "INSERT INTO persons (pin, surname, given_name, patronymic, sex, birth_date, \
                 citizen, biometrics, settlement, street, house, address_registered_on, \
                 residence_stamp, court_incapable, imprisoned) \
                 SELECT pin, surname, given_name, patronymic, sex, birth_date, citizen, \
                 biometrics, settlement, street, house, address_registered_on, residence_stamp, \
                 court_incapable, imprisoned FROM temp.person_rows ORDER BY pin"
            }
            PersonTarget::Stage => {
                "CREATE INDEX IF NOT EXISTS temp.register_stage_pin ON register_stage (pin)"
            }
        };
        sqlx::query(sql)
            .execute(&mut **tx)
            .await
            .map_err(person_err)?;
        sqlx::query("DELETE FROM temp.person_rows")
            .execute(&mut **tx)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    /// SQLite: the held list rows into the lists in PIN order; the station index is rebuilt
    /// after a large move rather than updated row by row.
    async fn move_sqlite_lists(&mut self, election: &ElectionId) -> Result<(), StoreError> {
        let big = self.held_list_rows > SQLITE_REINDEX_ABOVE;
        let Tx::Sqlite(tx) = &mut self.tx else {
            return Ok(());
        };
        if big && !self.index_dropped {
            sqlx::query("DROP INDEX IF EXISTS voter_list_entries_station")
                .execute(&mut **tx)
                .await
                .map_err(db_err)?;
            self.index_dropped = true;
        }
        for sql in [
            "INSERT INTO voter_list_entries (election, pin, council, home_station, station) \
             SELECT $1, pin, council, station, station FROM temp.entry_rows ORDER BY pin",
            "INSERT INTO voter_ineligible (election, pin, reasons, council, home_station) \
             SELECT $1, pin, reasons, council, home_station FROM temp.ineligible_rows \
             ORDER BY pin",
        ] {
            sqlx::query(sql)
                .bind(election.as_str())
                .execute(&mut **tx)
                .await
                .map_err(db_err)?;
        }
        for sql in [
            "DELETE FROM temp.entry_rows",
            "DELETE FROM temp.ineligible_rows",
        ] {
            sqlx::query(sql).execute(&mut **tx).await.map_err(db_err)?;
        }
        self.held_list_rows = 0;
        if self.index_dropped {
            sqlx::query(
                "CREATE INDEX voter_list_entries_station ON voter_list_entries (election, station)",
            )
            .execute(&mut **tx)
            .await
            .map_err(db_err)?;
            self.index_dropped = false;
        }
        Ok(())
    }

    /// Locks the audit head (PostgreSQL: the row; SQLite already holds the write lock).
    async fn lock_head(&mut self) -> Result<(i64, String), StoreError> {
        Ok(on_tx!(&mut self.tx, |t, d| lock_head!(*t, d)))
    }

    async fn audit(
        &mut self,
        head: &mut (i64, String),
        event: shailoo_app::AuditEvent,
    ) -> Result<(), StoreError> {
        let entry = event.clone().seal(head.0 + 1, &head.1);
        on_tx!(&mut self.tx, |t, d| append_audit!(*t, head.clone(), event));
        *head = (entry.seq, entry.hash);
        Ok(())
    }

    async fn commit(self) -> Result<(), StoreError> {
        match self.tx {
            Tx::Sqlite(tx) => tx.commit().await.map_err(db_err),
            Tx::Postgres(tx) => tx.commit().await.map_err(db_err),
        }
    }

    /// Refuses when the election is unknown or its lists are frozen; then empties its lists.
    async fn clear_lists(&mut self, election: &ElectionId) -> Result<(), VoterListError> {
        let (known, frozen): (bool, Option<String>) = on_tx!(&mut self.tx, |t, d| {
            // `1` is an INT4 on PostgreSQL, an INTEGER on SQLite: i32 reads both.
            let known: Option<i32> = sqlx::query_scalar("SELECT 1 FROM elections WHERE id = $1")
                .bind(election.as_str())
                .fetch_optional(&mut **t)
                .await
                .map_err(db_err)?;
            let frozen: Option<Option<String>> =
                sqlx::query_scalar("SELECT frozen_at FROM voter_list_state WHERE election = $1")
                    .bind(election.as_str())
                    .fetch_optional(&mut **t)
                    .await
                    .map_err(db_err)?;
            (known.is_some(), frozen.flatten())
        });
        if !known {
            return Err(VoterListError::UnknownElection(election.clone()));
        }
        if let Some(at) = frozen {
            return Err(VoterListError::Frozen {
                election: election.clone(),
                frozen_at: parse_instant(&at)?,
            });
        }
        if let Tx::Sqlite(tx) = &mut self.tx {
            // Deleting millions of entries would update the index row by row; the move that
            // follows every clear builds it again.
            sqlx::query("DROP INDEX IF EXISTS voter_list_entries_station")
                .execute(&mut **tx)
                .await
                .map_err(db_err)?;
            self.index_dropped = true;
        }
        on_tx!(&mut self.tx, |t, d| {
            sqlx::query("DELETE FROM voter_list_entries WHERE election = $1")
                .bind(election.as_str())
                .execute(&mut **t)
                .await
                .map_err(db_err)?;
            sqlx::query("DELETE FROM voter_ineligible WHERE election = $1")
                .bind(election.as_str())
                .execute(&mut **t)
                .await
                .map_err(db_err)?;
        });
        Ok(())
    }

    /// Records a compile in `voter_list_state` and the audit log.
    async fn finish_compile(
        &mut self,
        head: &mut (i64, String),
        report: &CompileReport,
        actor: &str,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        on_tx!(&mut self.tx, |t, d| {
            sqlx::query(
                "INSERT INTO voter_list_state (election, compiled_at, register_import, eligible, \
                 ineligible) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (election) DO UPDATE SET \
                 compiled_at = excluded.compiled_at, register_import = excluded.register_import, \
                 eligible = excluded.eligible, ineligible = excluded.ineligible",
            )
            .bind(report.election.as_str())
            .bind(at.to_string())
            .bind(report.register_import)
            .bind(count_i64(report.eligible))
            .bind(count_i64(report.ineligible))
            .execute(&mut **t)
            .await
            .map_err(db_err)?;
        });
        self.audit(head, report.audit_event(actor, at)).await
    }

    /// The stored records of these PINs.
    async fn persons_by_pin(&mut self, pins: &[Pin]) -> Result<Vec<RegisterRecord>, StoreError> {
        let mut out = Vec::with_capacity(pins.len());
        for pin in pins {
            let row: Option<PersonTuple> = on_tx!(&mut self.tx, |t, d| {
                sqlx::query_as(PERSON_BY_PIN)
                    .bind(pin.as_str())
                    .fetch_optional(&mut **t)
                    .await
                    .map_err(db_err)?
            });
            if let Some(row) = row {
                out.push(person_record(row)?);
            }
        }
        Ok(out)
    }

    /// Replaces the list rows of some persons by a new assessment (duplicated PINs, found only
    /// once the whole extract was read), keeping the report's counts right.
    async fn reassess(
        &mut self,
        compiler: &Compiler,
        records: &[RegisterRecord],
        assessed: &[Assessment],
        report: &mut CompileReport,
    ) -> Result<(), StoreError> {
        let election = compiler.election().as_str();
        for r in records {
            let old: Option<i64> = on_tx!(&mut self.tx, |t, d| {
                let gone =
                    sqlx::query("DELETE FROM voter_list_entries WHERE election = $1 AND pin = $2")
                        .bind(election)
                        .bind(r.pin.as_str())
                        .execute(&mut **t)
                        .await
                        .map_err(db_err)?
                        .rows_affected();
                if gone > 0 {
                    Some(0)
                } else {
                    sqlx::query_scalar(
                        "DELETE FROM voter_ineligible WHERE election = $1 AND pin = $2 \
                         RETURNING reasons",
                    )
                    .bind(election)
                    .bind(r.pin.as_str())
                    .fetch_optional(&mut **t)
                    .await
                    .map_err(db_err)?
                }
            });
            if let Some(bits) = old {
                let reasons = u16::try_from(bits)
                    .ok()
                    .and_then(Reasons::from_bits)
                    .ok_or_else(|| {
                        StoreError::Corrupt(format!("voter_ineligible: reasons {bits}"))
                    })?;
                report.count(reasons, false);
            }
        }
        self.outcomes(compiler, records, assessed, report).await?;
        // Buffered rows (COPY data, short SQLite statements) go out now.
        self.flush(PersonTarget::Direct, Some(compiler)).await
    }
}

const PERSON_BY_PIN: &str = "SELECT pin, surname, given_name, patronymic, sex, birth_date, \
     citizen, biometrics, settlement, street, house, address_registered_on, residence_stamp, \
     court_incapable, imprisoned FROM persons WHERE pin = $1";

fn count_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

pub(crate) fn parse_instant(text: &str) -> Result<Timestamp, StoreError> {
    text.parse()
        .map_err(|_| StoreError::Corrupt(format!("instant {text:?} does not parse")))
}

/// The council and station of an eligible assessment.
fn placed<'c>(compiler: &'c Compiler, a: &Assessment) -> Result<(&'c str, i64), StoreError> {
    let station = a
        .station
        .ok_or_else(|| StoreError::Backend("an eligible voter without a station".into()))?;
    let council = compiler.council_of(station).ok_or_else(|| {
        StoreError::Backend(format!("station {station} serves no area of this compile"))
    })?;
    Ok((council.as_str(), i64::from(station.get())))
}

/// A unique violation while writing persons is a PIN given twice.
fn person_err(e: sqlx::Error) -> StoreError {
    if crate::is_unique_violation(&e) {
        let pin = match &e {
            sqlx::Error::Database(d) => d
                .try_downcast_ref::<PgDatabaseError>()
                .and_then(PgDatabaseError::detail)
                .and_then(|detail| detail.split_once(")=(").map(|(_, rest)| rest))
                .and_then(|rest| rest.split_once(')').map(|(pin, _)| pin.to_owned())),
            _ => None,
        };
        return StoreError::Duplicate {
            what: "PIN",
            key: pin.unwrap_or_else(|| "?".to_owned()),
        };
    }
    db_err(e)
}

/// The staging table: the columns of `persons`, keyed by PIN, private to the transaction.
/// (SQLite: no key while loading, so that rows append; the index on `pin` comes before the
/// diff. The batcher already dropped second copies of a PIN.)
const SQLITE_STAGE: &str = "CREATE TEMP TABLE register_stage (pin TEXT NOT NULL, \
     surname TEXT NOT NULL, given_name TEXT NOT NULL, patronymic TEXT, sex TEXT NOT NULL, \
     birth_date TEXT NOT NULL, citizen INTEGER NOT NULL, biometrics INTEGER NOT NULL, \
     settlement TEXT NOT NULL, street TEXT NOT NULL, house TEXT NOT NULL, \
     address_registered_on TEXT NOT NULL, residence_stamp INTEGER NOT NULL, \
     court_incapable INTEGER NOT NULL, imprisoned INTEGER NOT NULL)";
const POSTGRES_STAGE: &str =
    "CREATE TEMP TABLE register_stage (LIKE persons INCLUDING ALL) ON COMMIT DROP";

/// An import in progress.
pub(crate) struct Import {
    w: Writer,
    target: PersonTarget,
    options: ImportOptions,
    staged: u64,
    report: Option<CompileReport>,
    failed: bool,
}

impl Import {
    pub(crate) async fn begin_sqlite(
        pool: &SqlitePool,
        options: ImportOptions,
    ) -> Result<Box<dyn RegisterImport>, VoterListError> {
        Import::begin(Writer::begin_sqlite(pool).await?, options).await
    }

    pub(crate) async fn begin_postgres(
        pool: &PgPool,
        options: ImportOptions,
    ) -> Result<Box<dyn RegisterImport>, VoterListError> {
        Import::begin(Writer::begin_postgres(pool).await?, options).await
    }

    async fn begin(
        mut w: Writer,
        options: ImportOptions,
    ) -> Result<Box<dyn RegisterImport>, VoterListError> {
        if let Some(compiler) = &options.compile {
            w.clear_lists(compiler.election()).await?;
        }
        let empty: bool = on_tx!(&mut w.tx, |t, d| {
            let any: Option<i32> = sqlx::query_scalar("SELECT 1 FROM persons LIMIT 1")
                .fetch_optional(&mut **t)
                .await
                .map_err(db_err)?;
            any.is_none()
        });
        let target = if empty {
            PersonTarget::Direct
        } else {
            on_tx!(&mut w.tx, |t, d| {
                let create = match d {
                    Dialect::Sqlite => SQLITE_STAGE,
                    Dialect::Postgres => POSTGRES_STAGE,
                };
                if d == Dialect::Sqlite {
                    // Defensive: a rolled-back import took its table with it already.
                    sqlx::query("DROP TABLE IF EXISTS temp.register_stage")
                        .execute(&mut **t)
                        .await
                        .map_err(db_err)?;
                }
                sqlx::query(create)
                    .execute(&mut **t)
                    .await
                    .map_err(db_err)?;
            });
            PersonTarget::Stage
        };
        let report = options
            .compile
            .as_ref()
            .map(|c| CompileReport::new(c.election()));
        Ok(Box::new(Import {
            w,
            target,
            options,
            staged: 0,
            report,
            failed: false,
        }))
    }

    /// The diff of the staged extract against `persons`, recorded as import `id` and applied.
    /// Returns (added, changed, removed).
    async fn diff(&mut self, id: i64) -> Result<(u64, u64, u64), StoreError> {
        Ok(on_tx!(&mut self.w.tx, |t, d| {
            let added = sqlx::query(
                "INSERT INTO register_changes (import_id, pin, kind) SELECT $1, s.pin, 'added' \
                 FROM register_stage s WHERE NOT EXISTS \
                 (SELECT 1 FROM persons p WHERE p.pin = s.pin)",
            )
            .bind(id)
            .execute(&mut **t)
            .await
            .map_err(db_err)?
            .rows_affected();
            let removed = sqlx::query(
                "INSERT INTO register_changes (import_id, pin, kind) SELECT $1, p.pin, 'removed' \
                 FROM persons p WHERE NOT EXISTS \
                 (SELECT 1 FROM register_stage s WHERE s.pin = p.pin)",
            )
            .bind(id)
            .execute(&mut **t)
            .await
            .map_err(db_err)?
            .rows_affected();
            // IS DISTINCT FROM: NULL-safe (patronymic is optional); SQLite has it since 3.39.
            let changed = sqlx::query(
                "INSERT INTO register_changes (import_id, pin, kind) SELECT $1, s.pin, 'changed' \
                 FROM register_stage s JOIN persons p ON p.pin = s.pin WHERE \
                 s.surname <> p.surname OR s.given_name <> p.given_name \
                 OR s.patronymic IS DISTINCT FROM p.patronymic OR s.sex <> p.sex \
                 OR s.birth_date <> p.birth_date OR s.citizen <> p.citizen \
                 OR s.biometrics <> p.biometrics OR s.settlement <> p.settlement \
                 OR s.street <> p.street OR s.house <> p.house \
                 OR s.address_registered_on <> p.address_registered_on \
                 OR s.residence_stamp <> p.residence_stamp \
                 OR s.court_incapable <> p.court_incapable OR s.imprisoned <> p.imprisoned",
            )
            .bind(id)
            .execute(&mut **t)
            .await
            .map_err(db_err)?
            .rows_affected();
            sqlx::query(
                "DELETE FROM persons WHERE pin IN (SELECT pin FROM register_changes \
                 WHERE import_id = $1 AND kind IN ('changed', 'removed'))",
            )
            .bind(id)
            .execute(&mut **t)
            .await
            .map_err(db_err)?;
            sqlx::query(
                "INSERT INTO persons (pin, surname, given_name, patronymic, sex, birth_date, \
                 citizen, biometrics, settlement, street, house, address_registered_on, \
                 residence_stamp, court_incapable, imprisoned) \
                 SELECT pin, surname, given_name, patronymic, sex, birth_date, \
                 citizen, biometrics, settlement, street, house, address_registered_on, \
                 residence_stamp, court_incapable, imprisoned FROM register_stage \
                 WHERE pin IN (SELECT pin FROM register_changes \
                 WHERE import_id = $1 AND kind IN ('added', 'changed')) ORDER BY pin",
            )
            .bind(id)
            .execute(&mut **t)
            .await
            .map_err(db_err)?;
            sqlx::query("DROP TABLE register_stage")
                .execute(&mut **t)
                .await
                .map_err(db_err)?;
            (added, changed, removed)
        }))
    }
}

#[async_trait::async_trait]
impl RegisterImport for Import {
    async fn push(&mut self, batch: &ImportBatch) -> Result<(), VoterListError> {
        if self.failed {
            return Err(refused().into());
        }
        let result = async {
            self.w.persons(self.target, &batch.records).await?;
            if let (Some(compiler), Some(report)) = (&self.options.compile, &mut self.report) {
                self.w
                    .outcomes(compiler, &batch.records, &batch.assessed, report)
                    .await?;
            }
            Ok::<(), StoreError>(())
        }
        .await;
        if result.is_err() {
            self.failed = true;
        }
        result?;
        self.staged += batch.records.len() as u64;
        Ok(())
    }

    async fn finish(
        mut self: Box<Self>,
        duplicates: &[DuplicatedPin],
    ) -> Result<ImportReport, VoterListError> {
        if self.failed {
            return Err(refused().into());
        }
        let started = std::time::Instant::now();
        let compiler = self.options.compile.clone();
        self.w.flush(self.target, compiler.as_deref()).await?;
        // Where an import's time goes, for the benchmark (SHAILOO_LOG=shailoo_store=info).
        tracing::info!(
            seconds = started.elapsed().as_secs_f64(),
            "import: buffered rows written"
        );
        let mut head = self.w.lock_head().await?;
        if let Some(compiler) = &self.options.compile {
            // PostgreSQL: another writer may have frozen the lists since `begin`.
            if let Some(frozen_at) = frozen_at(&mut self.w, compiler.election()).await? {
                return Err(VoterListError::Frozen {
                    election: compiler.election().clone(),
                    frozen_at,
                });
            }
        }
        let id: i64 = on_tx!(&mut self.w.tx, |t, d| {
            let id: i64 =
                sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM register_imports")
                    .fetch_one(&mut **t)
                    .await
                    .map_err(db_err)?;
            // The row first, so that register_changes can refer to it; counts follow.
            sqlx::query(
                "INSERT INTO register_imports (id, source, actor, imported_at, records, added, \
                 changed, removed, unchanged, duplicate_pins) \
                 VALUES ($1, $2, $3, $4, 0, 0, 0, 0, 0, 0)",
            )
            .bind(id)
            .bind(self.options.source.as_str())
            .bind(self.options.actor.as_str())
            .bind(self.options.at.to_string())
            .execute(&mut **t)
            .await
            .map_err(db_err)?;
            id
        });
        let (added, changed, removed) = match self.target {
            PersonTarget::Direct => (self.staged, 0, 0),
            PersonTarget::Stage => self.diff(id).await?,
        };
        let copies: u64 = duplicates
            .iter()
            .map(|d| u64::from(d.copies.saturating_sub(1)))
            .sum();
        let report = ImportReport {
            import_id: id,
            source: self.options.source.clone(),
            records: self.staged + copies,
            persons: self.staged,
            added,
            changed,
            removed,
            unchanged: self.staged.saturating_sub(added + changed),
            duplicate_pins: duplicates.len() as u64,
            compiled: None,
        };
        on_tx!(&mut self.w.tx, |t, d| {
            sqlx::query(
                "UPDATE register_imports SET records = $2, added = $3, changed = $4, \
                 removed = $5, unchanged = $6, duplicate_pins = $7 WHERE id = $1",
            )
            .bind(id)
            .bind(count_i64(report.records))
            .bind(count_i64(report.added))
            .bind(count_i64(report.changed))
            .bind(count_i64(report.removed))
            .bind(count_i64(report.unchanged))
            .bind(count_i64(report.duplicate_pins))
            .execute(&mut **t)
            .await
            .map_err(db_err)?;
            sqlx::query("DELETE FROM register_duplicates")
                .execute(&mut **t)
                .await
                .map_err(db_err)?;
            for dup in duplicates {
                sqlx::query("INSERT INTO register_duplicates (pin, copies) VALUES ($1, $2)")
                    .bind(dup.pin.as_str())
                    .bind(i64::from(dup.copies))
                    .execute(&mut **t)
                    .await
                    .map_err(db_err)?;
            }
        });
        let ImportOptions {
            actor, at, compile, ..
        } = self.options.clone();
        self.w
            .audit(&mut head, report.audit_event(&actor, at))
            .await?;
        let mut report = report;
        if let (Some(compiler), Some(mut compiled)) = (compile, self.report.take()) {
            // VOT-06: the first copy of a duplicated PIN went in as if it were alone.
            let pins: Vec<Pin> = duplicates.iter().map(|d| d.pin).collect();
            let records = self.w.persons_by_pin(&pins).await?;
            let assessed: Vec<Assessment> =
                records.iter().map(|r| compiler.assess(r, true)).collect();
            self.w
                .reassess(&compiler, &records, &assessed, &mut compiled)
                .await?;
            compiled.register_import = Some(id);
            self.w
                .finish_compile(&mut head, &compiled, &actor, at)
                .await?;
            report.compiled = Some(compiled);
        }
        self.w.commit().await?;
        tracing::info!(
            seconds = started.elapsed().as_secs_f64(),
            "import: committed"
        );
        Ok(report)
    }
}

fn refused() -> StoreError {
    StoreError::Backend("this register import has already failed; nothing of it is stored".into())
}

async fn frozen_at(w: &mut Writer, election: &ElectionId) -> Result<Option<Timestamp>, StoreError> {
    let frozen: Option<Option<String>> = on_tx!(&mut w.tx, |t, d| {
        sqlx::query_scalar("SELECT frozen_at FROM voter_list_state WHERE election = $1")
            .bind(election.as_str())
            .fetch_optional(&mut **t)
            .await
            .map_err(db_err)?
    });
    frozen.flatten().map(|s| parse_instant(&s)).transpose()
}

/// Recompiles an election's lists from the stored register, page by page in PIN order, in one
/// transaction.
pub(crate) async fn compile(
    mut w: Writer,
    compiler: Arc<Compiler>,
    actor: &str,
    at: Timestamp,
) -> Result<CompileReport, VoterListError> {
    // The head first: on PostgreSQL this orders us after any writer that froze the lists.
    let mut head = w.lock_head().await?;
    w.clear_lists(compiler.election()).await?;
    let (duplicates, import): (HashSet<String>, Option<i64>) = on_tx!(&mut w.tx, |t, d| {
        let pins: Vec<String> = sqlx::query_scalar("SELECT pin FROM register_duplicates")
            .fetch_all(&mut **t)
            .await
            .map_err(db_err)?;
        let import: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM register_imports")
            .fetch_one(&mut **t)
            .await
            .map_err(db_err)?;
        (pins.into_iter().collect(), import)
    });
    let mut report = CompileReport::new(compiler.election());
    let mut after = String::new();
    loop {
        let rows: Vec<PersonTuple> = on_tx!(&mut w.tx, |t, d| {
            sqlx::query_as(
                "SELECT pin, surname, given_name, patronymic, sex, birth_date, citizen, \
                 biometrics, settlement, street, house, address_registered_on, residence_stamp, \
                 court_incapable, imprisoned FROM persons WHERE pin > $1 ORDER BY pin LIMIT $2",
            )
            .bind(after.as_str())
            .bind(COMPILE_PAGE)
            .fetch_all(&mut **t)
            .await
            .map_err(db_err)?
        });
        let Some(last) = rows.last() else { break };
        after = last.0.clone();
        let records = rows
            .into_iter()
            .map(person_record)
            .collect::<Result<Vec<_>, _>>()?;
        let assessed: Vec<Assessment> = records
            .iter()
            .map(|r| compiler.assess(r, duplicates.contains(r.pin.as_str())))
            .collect();
        w.outcomes(&compiler, &records, &assessed, &mut report)
            .await?;
        // PostgreSQL: the next page is read on the same connection, so send what is buffered
        // once it is large (`outcomes` does), and always before the end.
    }
    w.flush(PersonTarget::Direct, Some(&compiler)).await?;
    report.register_import = import;
    w.finish_compile(&mut head, &report, actor, at).await?;
    w.commit().await?;
    Ok(report)
}

pub(crate) async fn compile_sqlite(
    pool: &SqlitePool,
    compiler: Arc<Compiler>,
    actor: &str,
    at: Timestamp,
) -> Result<CompileReport, VoterListError> {
    compile(Writer::begin_sqlite(pool).await?, compiler, actor, at).await
}

pub(crate) async fn compile_postgres(
    pool: &PgPool,
    compiler: Arc<Compiler>,
    actor: &str,
    at: Timestamp,
) -> Result<CompileReport, VoterListError> {
    compile(Writer::begin_postgres(pool).await?, compiler, actor, at).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_statements_have_one_placeholder_per_value() {
        assert_eq!(
            multi_row_sql("persons", PERSON_COLUMNS, 2)
                .matches('?')
                .count(),
            2 * PERSON_COLUMN_COUNT
        );
        assert_eq!(
            multi_row_sql("voter_list_entries", ENTRY_COLUMNS, 3)
                .matches('?')
                .count(),
            15
        );
    }
}
