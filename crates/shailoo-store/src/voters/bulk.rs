//! The bulk half of the voter register: register imports (with the change history of a
//! re-import) and compiling the voter lists, both inside one transaction on either engine. This
//! is the one bulk-load path of the register: `shailoo register import`, `load`, `demo` and
//! `bench register-floor` all come through [`Import`].
//!
//! Pushed persons go to one of two sinks, chosen at `begin`:
//! - **held** (SQLite, and PostgreSQL re-imports): each record encoded once as a `COPY` text
//!   row (about 180 bytes a person, in 32 MB blocks) plus an index entry with its PIN and, when
//!   compiling, its outcome (40 bytes). At `finish` the index is sorted by PIN and `persons` is
//!   written once, in key order, so the B-tree grows at its right edge: the register arrives in
//!   household order, and 4.3 million inserts in random key order cost SQLite a page write each
//!   (measured: ~250 s; with a page cache big enough for the whole tree, still 5 µs a row).
//! - **streaming** ([`PersonStream`], PostgreSQL's first import): rows go to the server through
//!   one open `COPY` while the reader is still parsing, into `persons` without its primary key,
//!   which is built once at the end; only the index entries are held.
//!
//! The lists (`voter_list_entries`, `voter_ineligible`) are written last, in PIN order, with
//! the station index dropped and built again by sorting. SQLite's statements run on the
//! connection's own handle through rusqlite ([`sqlite`]): sqlx's statements cost about 2 µs a
//! `persons` row and read back far slower. PostgreSQL takes `COPY … FROM STDIN` in text format,
//! the form the held rows are already in.
//!
//! A re-import (the register is not empty) is diffed in Rust: the stored register is read in
//! PIN order (SQLite: one ordered scan; PostgreSQL: `COPY (SELECT … ORDER BY pin) TO STDOUT`)
//! and merged with the sorted extract; only added and changed persons are written, every change
//! is kept in `register_changes`.

mod sqlite;

pub(crate) use sqlite::disable_memory_statistics as disable_sqlite_memory_statistics;

use crate::register::{copy_bytes, copy_row, copy_text};
use crate::{Dialect, Tx, WritePool, db_err};
use futures::TryStreamExt;
use jiff::Timestamp;
use rusqlite::types::{ToSqlOutput, ValueRef};
use shailoo_app::AuditAction;
use shailoo_app::voters::{
    self, Admitted, Assessment, ChangeKind, CompileProgress, CompileProgressFn, CompileReport,
    Compiler, Difference, DifferenceHasher, DifferenceId, DuplicatedPin, ImportBatch, ImportMode,
    ImportOptions, ImportReport, RegisterImport, VoterListError,
};
use shailoo_app::{Entity, StoreError};
use shailoo_domain::register::RegisterRecord;
use shailoo_domain::voter::{IneligibilityReason, Reasons};
use shailoo_domain::{ElectionId, Pin, Sex, TerritoryId};
use sqlx::postgres::{PgDatabaseError, PgPool};
use sqlx::sqlite::SqlitePool;
use sqlx::{AssertSqlSafe, Postgres, Transaction};
use std::borrow::Cow;
use std::collections::HashSet;
use std::io::Write;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Instant;

pub(crate) const PERSON_COLUMNS: &str = "pin, surname, given_name, patronymic, sex, birth_date, \
     citizen, biometrics, settlement, street, house, address_registered_on, residence_stamp, \
     court_incapable, imprisoned";
const PERSON_COLUMN_COUNT: usize = 15;
/// The boolean columns of `persons` (0-based), `t`/`f` in COPY text.
const PERSON_BOOLEANS: [usize; 5] = [6, 7, 12, 13, 14];
const ENTRY_COLUMNS: &str = "election, pin, council, home_station, station";
const INELIGIBLE_COLUMNS: &str = "election, pin, reasons, council, home_station";
const CHANGE_COLUMNS: &str = "import_id, pin, kind";

/// Held rows copied together into PIN order before SQLite takes them.
const GATHER_ROWS: usize = 4096;
// A refused statement's rows all lie in one gather: the duplicated PIN is found among them.
const _: () = assert!(GATHER_ROWS.is_multiple_of(sqlite::ROWS_PER_STATEMENT));

/// Bytes of COPY data gathered per table before they are sent as one `COPY` statement.
const PG_COPY_CHUNK: usize = 8 << 20;

/// Persons assessed between two progress reports of a compile from the stored register.
const PROGRESS_EVERY: usize = 20_000;

/// Bytes per block of the held extract: rows never straddle blocks, and blocks are allocated
/// once at their full size, so holding 800 MB never copies it to grow.
const HELD_BLOCK: usize = 32 << 20;

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

/// A stored person's columns as read, before the typed ones are parsed: from sqlx rows
/// ([`PersonTuple`]) or from `COPY` text rows ([`person_from_copy_row`]).
struct StoredColumns<'a> {
    pin: Cow<'a, str>,
    surname: String,
    given_name: String,
    patronymic: Option<String>,
    sex: Cow<'a, str>,
    birth_date: Cow<'a, str>,
    citizen: bool,
    biometrics: bool,
    settlement: Cow<'a, str>,
    street: String,
    house: String,
    registered: Cow<'a, str>,
    residence_stamp: bool,
    court_incapable: bool,
    imprisoned: bool,
}

impl StoredColumns<'_> {
    /// The domain record: loud if anything was altered outside shailoo.
    fn parse(self) -> Result<RegisterRecord, StoreError> {
        let StoredColumns {
            pin,
            sex,
            birth_date,
            settlement,
            registered,
            ..
        } = &self;
        Ok(RegisterRecord {
            pin: Pin::parse(pin).map_err(|_| corrupt("pin", pin))?,
            sex: Sex::from_str(sex).map_err(|_| corrupt("sex", sex))?,
            birth_date: birth_date
                .parse()
                .map_err(|_| corrupt("birth_date", birth_date))?,
            settlement: TerritoryId::parse(settlement)
                .map_err(|_| corrupt("settlement", settlement))?,
            address_registered_on: registered
                .parse()
                .map_err(|_| corrupt("address_registered_on", registered))?,
            surname: self.surname,
            given_name: self.given_name,
            patronymic: self.patronymic,
            citizen: self.citizen,
            biometrics: self.biometrics,
            street: self.street,
            house: self.house,
            residence_stamp: self.residence_stamp,
            court_incapable: self.court_incapable,
            imprisoned: self.imprisoned,
        })
    }
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
    StoredColumns {
        pin: pin.into(),
        surname,
        given_name,
        patronymic,
        sex: sex.into(),
        birth_date: birth_date.into(),
        citizen,
        biometrics,
        settlement: settlement.into(),
        street,
        house,
        registered: registered.into(),
        residence_stamp,
        court_incapable,
        imprisoned,
    }
    .parse()
}

// ---------------------------------------------------------------------------------------------
// The held extract

/// One held person: where its COPY row is, and its outcome when the import compiles.
#[derive(Clone, Copy)]
struct HeldRow {
    pin: Pin,
    block: u32,
    start: u32,
    len: u32,
    outcome: Assessment,
}

/// The extract of an import, held until `finish`: COPY text rows in blocks, and the index.
#[derive(Default)]
struct Held {
    blocks: Vec<Vec<u8>>,
    rows: Vec<HeldRow>,
    scratch: Vec<u8>,
}

impl Held {
    fn push(&mut self, record: &RegisterRecord, outcome: Assessment) -> Result<(), StoreError> {
        self.scratch.clear();
        copy_row(&mut self.scratch, record);
        let len = self.scratch.len();
        let room = self
            .blocks
            .last()
            .is_some_and(|b| b.capacity() - b.len() >= len);
        if !room {
            self.blocks.push(Vec::with_capacity(HELD_BLOCK.max(len)));
        }
        let too_big = || StoreError::Backend("the register extract is too large to hold".into());
        let block_index = u32::try_from(self.blocks.len() - 1).map_err(|_| too_big())?;
        let block = self.blocks.last_mut().ok_or_else(too_big)?;
        let start = u32::try_from(block.len()).map_err(|_| too_big())?;
        block.extend_from_slice(&self.scratch);
        self.rows.push(HeldRow {
            pin: record.pin,
            block: block_index,
            start,
            len: u32::try_from(len).map_err(|_| too_big())?,
            outcome,
        });
        Ok(())
    }

    /// A person already written elsewhere (streamed): its PIN and outcome only.
    fn push_index(&mut self, pin: Pin, outcome: Assessment) {
        self.rows.push(HeldRow {
            pin,
            block: 0,
            start: 0,
            len: 0,
            outcome,
        });
    }

    /// The COPY row of `h`, newline included (empty for a streamed person).
    fn row(&self, h: &HeldRow) -> &[u8] {
        let start = h.start as usize;
        &self.blocks[h.block as usize][start..start + h.len as usize]
    }
}

/// The fields of a COPY text row (its newline, if any, dropped): `None` for `\N`, escapes
/// undone (those shailoo writes and those PostgreSQL's `COPY TO` writes).
fn copy_fields(row: &[u8]) -> impl Iterator<Item = Option<Cow<'_, [u8]>>> {
    let row = row.strip_suffix(b"\n").unwrap_or(row);
    // Every stored person passes through here (writes on SQLite, diffs, recompiles): memchr
    // finds tabs and backslashes a word at a time.
    let mut rest = Some(row);
    std::iter::from_fn(move || {
        let r = rest?;
        let (field, next) = match memchr::memchr(b'\t', r) {
            Some(end) => (&r[..end], Some(&r[end + 1..])),
            None => (r, None),
        };
        rest = next;
        Some(field)
    })
    .map(|field| {
        if field == b"\\N" {
            return None;
        }
        if memchr::memchr(b'\\', field).is_none() {
            return Some(Cow::Borrowed(field));
        }
        let mut out = Vec::with_capacity(field.len());
        let mut bytes = field.iter();
        while let Some(&b) = bytes.next() {
            if b != b'\\' {
                out.push(b);
                continue;
            }
            match bytes.next() {
                Some(b'b') => out.push(8),
                Some(b'f') => out.push(12),
                Some(b'n') => out.push(b'\n'),
                Some(b'r') => out.push(b'\r'),
                Some(b't') => out.push(b'\t'),
                Some(b'v') => out.push(11),
                Some(&other) => out.push(other),
                None => out.push(b'\\'),
            }
        }
        Some(Cow::Owned(out))
    })
}

/// Hands `each` every stored person as a `COPY` text row (newline dropped), in PIN order when
/// `by_pin` (SQLite's table is in PIN order anyway: one scan on the handle, which sqlx's row
/// by row decoding made five times slower).
async fn persons_as_copy_rows(
    tx: &mut Tx,
    by_pin: bool,
    mut each: impl FnMut(&[u8]) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    match tx {
        Tx::Sqlite(tx) => {
            sqlite::on_handle(tx, move |conn| {
                let mut select = conn
                    .prepare(&format!(
                        "SELECT {PERSON_COLUMNS} FROM persons ORDER BY pin"
                    ))
                    .map_err(sqlite::raw_err)?;
                let mut rows = select.raw_query();
                let mut line = Vec::with_capacity(512);
                while let Some(row) = rows.next().map_err(sqlite::raw_err)? {
                    line.clear();
                    for i in 0..PERSON_COLUMN_COUNT {
                        if i > 0 {
                            line.push(b'\t');
                        }
                        use rusqlite::types::ValueRef;
                        match row.get_ref(i).map_err(sqlite::raw_err)? {
                            ValueRef::Null => line.extend_from_slice(b"\\N"),
                            ValueRef::Integer(v) if PERSON_BOOLEANS.contains(&i) => {
                                line.push(if v != 0 { b't' } else { b'f' });
                            }
                            // Checked as UTF-8 where the row is parsed.
                            ValueRef::Text(text) => copy_bytes(&mut line, text),
                            other => {
                                return Err(corrupt(
                                    "column",
                                    &format!("{i}: {:?}", other.data_type()),
                                ));
                            }
                        }
                    }
                    each(&line)?;
                }
                Ok(())
            })
            .await
        }
        Tx::Postgres(tx) => {
            let order = if by_pin { " ORDER BY pin" } else { "" };
            copy_out_lines(
                tx,
                &format!("COPY (SELECT {PERSON_COLUMNS} FROM persons{order}) TO STDOUT"),
                each,
            )
            .await
        }
    }
}

/// Runs a `COPY … TO STDOUT` (PostgreSQL) and hands `each` its rows, newline dropped.
async fn copy_out_lines(
    tx: &mut Transaction<'static, Postgres>,
    statement: &str,
    mut each: impl FnMut(&[u8]) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    let mut stream = tx.copy_out_raw(statement).await.map_err(db_err)?;
    let mut carry: Vec<u8> = Vec::new();
    while let Some(chunk) = stream.try_next().await.map_err(db_err)? {
        let mut rest: &[u8] = &chunk;
        while let Some(end) = rest.iter().position(|b| *b == b'\n') {
            if carry.is_empty() {
                each(&rest[..end])?;
            } else {
                carry.extend_from_slice(&rest[..end]);
                each(&carry)?;
                carry.clear();
            }
            rest = &rest[end + 1..];
        }
        carry.extend_from_slice(rest);
    }
    if !carry.is_empty() {
        each(&carry)?;
    }
    Ok(())
}

/// A stored person straight from its `COPY` text row (columns as in [`PERSON_COLUMNS`]):
/// fields parsed where they lie, only the names and the address copied out. Loud if anything
/// was altered outside shailoo, as [`person_record`] is.
fn person_from_copy_row(row: &[u8]) -> Result<RegisterRecord, StoreError> {
    let mut fields = copy_fields(row);
    let mut next = |name: &str| -> Result<Option<Cow<'_, [u8]>>, StoreError> {
        fields
            .next()
            .ok_or_else(|| corrupt("row", &format!("without {name}")))
    };
    fn text<'a>(name: &str, f: Option<Cow<'a, [u8]>>) -> Result<Cow<'a, str>, StoreError> {
        let f = f.ok_or_else(|| corrupt(name, "NULL"))?;
        match f {
            Cow::Borrowed(b) => std::str::from_utf8(b).map(Cow::Borrowed),
            Cow::Owned(v) => String::from_utf8(v)
                .map(Cow::Owned)
                .map_err(|e| e.utf8_error()),
        }
        .map_err(|_| corrupt(name, "(not UTF-8)"))
    }
    fn flag(name: &str, f: Option<Cow<'_, [u8]>>) -> Result<bool, StoreError> {
        match f.as_deref() {
            Some(b"t") => Ok(true),
            Some(b"f") => Ok(false),
            _ => Err(corrupt(name, "(not t or f)")),
        }
    }
    let columns = StoredColumns {
        pin: text("pin", next("pin")?)?,
        surname: text("surname", next("surname")?)?.into_owned(),
        given_name: text("given_name", next("given_name")?)?.into_owned(),
        patronymic: match next("patronymic")? {
            None => None,
            some => Some(text("patronymic", some)?.into_owned()),
        },
        sex: text("sex", next("sex")?)?,
        birth_date: text("birth_date", next("birth_date")?)?,
        citizen: flag("citizen", next("citizen")?)?,
        biometrics: flag("biometrics", next("biometrics")?)?,
        settlement: text("settlement", next("settlement")?)?,
        street: text("street", next("street")?)?.into_owned(),
        house: text("house", next("house")?)?.into_owned(),
        registered: text("address_registered_on", next("address_registered_on")?)?,
        residence_stamp: flag("residence_stamp", next("residence_stamp")?)?,
        court_incapable: flag("court_incapable", next("court_incapable")?)?,
        imprisoned: flag("imprisoned", next("imprisoned")?)?,
    };
    if next("nothing").is_ok() {
        return Err(corrupt("row", "(more fields than persons has)"));
    }
    columns.parse()
}

/// Whether a held row and a stored one (both COPY text) hold the same person.
fn same_person(held: &[u8], stored: &[u8]) -> bool {
    let held = held.strip_suffix(b"\n").unwrap_or(held);
    let stored = stored.strip_suffix(b"\n").unwrap_or(stored);
    // PostgreSQL escapes a few more control characters than shailoo does: compare the fields
    // when the bytes differ.
    held == stored || copy_fields(held).eq(copy_fields(stored))
}

/// What a re-import does to one person.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Change {
    Added,
    Changed,
    Removed,
}

impl Change {
    fn as_str(self) -> &'static str {
        match self {
            Change::Added => "added",
            Change::Changed => "changed",
            Change::Removed => "removed",
        }
    }
}

/// The merge of the sorted extract with the stored register.
#[derive(Default)]
struct Diff {
    /// Every change, in PIN order.
    changes: Vec<(Pin, Change)>,
    /// Indices into the held rows of the persons to write (added and changed), in PIN order.
    write: Vec<usize>,
}

impl Diff {
    fn count(&self, kind: Change) -> u64 {
        self.changes.iter().filter(|(_, c)| *c == kind).count() as u64
    }

    /// The id of this difference against the register as of import `base`: every change in PIN
    /// order, with the new row of each added or changed person.
    fn id(&self, held: &Held, base: Option<i64>) -> DifferenceId {
        let mut h = DifferenceHasher::new(base);
        let mut written = self.write.iter();
        for (pin, change) in &self.changes {
            let kind = match change {
                Change::Added => ChangeKind::Added,
                Change::Changed => ChangeKind::Changed,
                Change::Removed => ChangeKind::Removed,
            };
            let row = match change {
                Change::Removed => &[][..],
                _ => written.next().map_or(&[][..], |&i| held.row(&held.rows[i])),
            };
            h.change(pin, kind, row);
        }
        h.finish()
    }
}

/// The latest import of the register, the base a difference is computed against.
async fn latest_import(w: &mut Writer) -> Result<Option<i64>, StoreError> {
    Ok(on_tx!(&mut w.tx, |t, d| {
        sqlx::query_scalar::<_, Option<i64>>("SELECT MAX(id) FROM register_imports")
            .fetch_one(&mut **t)
            .await
            .map_err(db_err)?
    }))
}

/// The merge step: `stored` is the next stored row (PIN order); held rows before it are new.
struct Merge<'h> {
    held: &'h Held,
    next: usize,
    diff: Diff,
}

impl<'h> Merge<'h> {
    fn stored(&mut self, row: &[u8]) -> Result<(), StoreError> {
        let pin_bytes = row.split(|b| *b == b'\t').next().unwrap_or_default();
        let text = std::str::from_utf8(pin_bytes).unwrap_or_default();
        let pin = Pin::parse(text).map_err(|_| corrupt("pin", text))?;
        while let Some(h) = self.held.rows.get(self.next) {
            if h.pin >= pin {
                break;
            }
            self.diff.changes.push((h.pin, Change::Added));
            self.diff.write.push(self.next);
            self.next += 1;
        }
        match self.held.rows.get(self.next) {
            Some(h) if h.pin == pin => {
                if !same_person(self.held.row(h), row) {
                    self.diff.changes.push((pin, Change::Changed));
                    self.diff.write.push(self.next);
                }
                self.next += 1;
            }
            _ => self.diff.changes.push((pin, Change::Removed)),
        }
        Ok(())
    }

    fn finish(mut self) -> Diff {
        for i in self.next..self.held.rows.len() {
            self.diff
                .changes
                .push((self.held.rows[i].pin, Change::Added));
            self.diff.write.push(i);
        }
        self.diff
    }
}

// ---------------------------------------------------------------------------------------------
// The writer

/// The writing half shared by import and compile: a transaction, and on SQLite whether the
/// lists' station index is dropped for the bulk write.
pub(crate) struct Writer {
    tx: Tx,
    index_dropped: bool,
    /// PostgreSQL: the lists' primary key is dropped for the bulk write, built again after.
    list_key_dropped: bool,
}

impl Writer {
    async fn begin_sqlite(pool: &SqlitePool) -> Result<Writer, StoreError> {
        // BEGIN IMMEDIATE: the write lock at once, so nothing slips into the chain meanwhile.
        let tx = pool.begin_write().await?;
        Ok(Writer::new(Tx::Sqlite(tx)))
    }

    async fn begin_postgres(pool: &PgPool) -> Result<Writer, StoreError> {
        let mut tx = pool.begin_write().await?;
        // The index builds of a bulk write sort in memory, not in temporary files.
        sqlx::query("SET LOCAL maintenance_work_mem = '512MB'")
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        Ok(Writer::new(Tx::Postgres(tx)))
    }

    fn new(tx: Tx) -> Writer {
        Writer {
            tx,
            index_dropped: false,
            list_key_dropped: false,
        }
    }

    /// Sends `data` as one `COPY table (columns) FROM STDIN` (PostgreSQL only).
    async fn copy(&mut self, table: &str, columns: &str, data: Vec<u8>) -> Result<(), StoreError> {
        self.copy_raw(table, columns, data).await.map_err(db_err)
    }

    async fn copy_raw(
        &mut self,
        table: &str,
        columns: &str,
        data: Vec<u8>,
    ) -> Result<(), sqlx::Error> {
        let Tx::Postgres(tx) = &mut self.tx else {
            return Err(sqlx::Error::Protocol("COPY on SQLite".into()));
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

    /// Writes the held persons `which` (indices in PIN order) into `persons`.
    async fn put_persons(
        &mut self,
        held: &Held,
        which: Option<&[usize]>,
    ) -> Result<(), StoreError> {
        match &mut self.tx {
            Tx::Sqlite(tx) => {
                sqlite::bulk_on_handle(tx, |conn| insert_persons(conn, held, which)).await
            }
            Tx::Postgres(_) => {
                let mut buf = Vec::with_capacity(PG_COPY_CHUNK + (64 << 10));
                let count = which.map_or(held.rows.len(), <[usize]>::len);
                for k in 0..count {
                    let i = which.map_or(k, |w| w[k]);
                    buf.extend_from_slice(held.row(&held.rows[i]));
                    if buf.len() >= PG_COPY_CHUNK {
                        let full = std::mem::replace(
                            &mut buf,
                            Vec::with_capacity(PG_COPY_CHUNK + (64 << 10)),
                        );
                        self.copy_raw("persons", PERSON_COLUMNS, full)
                            .await
                            .map_err(person_err)?;
                    }
                }
                self.copy_raw("persons", PERSON_COLUMNS, buf)
                    .await
                    .map_err(person_err)
            }
        }
    }

    /// Writes an election's lists from outcomes in PIN order: an entry for each eligible
    /// person, a row of reasons for each other; counts them into `report`.
    async fn put_lists(
        &mut self,
        compiler: &Compiler,
        outcomes: &dyn Outcomes,
        report: &mut CompileReport,
    ) -> Result<(), StoreError> {
        for i in 0..outcomes.len() {
            let a = outcomes.get(i).1;
            if a.is_eligible() {
                placed(compiler, &a)?;
            }
            report.count(a.reasons, true);
        }
        match &mut self.tx {
            Tx::Sqlite(tx) => {
                sqlite::bulk_on_handle(tx, |conn| insert_lists(conn, compiler, outcomes)).await?;
                self.restore_station_index().await
            }
            Tx::Postgres(tx) => {
                // One `COPY` per table, sent in small chunks as they are encoded: the server
                // stores one chunk while the next is built.
                for eligible in [true, false] {
                    let (table, columns) = if eligible {
                        ("voter_list_entries", ENTRY_COLUMNS)
                    } else {
                        ("voter_ineligible", INELIGIBLE_COLUMNS)
                    };
                    let mut copy = tx
                        .copy_in_raw(&format!("COPY {table} ({columns}) FROM STDIN"))
                        .await
                        .map_err(db_err)?;
                    let sent = async {
                        let mut b = Vec::with_capacity(STREAM_CHUNK + (64 << 10));
                        for i in 0..outcomes.len() {
                            let (pin, a) = outcomes.get(i);
                            if a.is_eligible() != eligible {
                                continue;
                            }
                            list_row(&mut b, compiler, pin, &a);
                            if b.len() >= STREAM_CHUNK {
                                copy.send(std::mem::take(&mut b)).await?;
                            }
                        }
                        if !b.is_empty() {
                            copy.send(b).await?;
                        }
                        Ok::<(), sqlx::Error>(())
                    }
                    .await;
                    if let Err(e) = sent {
                        // Best effort: the transaction is lost anyway.
                        let _ = copy.abort(e.to_string()).await;
                        return Err(db_err(e));
                    }
                    copy.finish().await.map_err(db_err)?;
                }
                self.restore_station_index().await
            }
        }
    }

    /// Builds the lists' primary key (PostgreSQL) and station index again after a bulk write
    /// without them.
    async fn restore_station_index(&mut self) -> Result<(), StoreError> {
        if let (true, Tx::Postgres(tx)) = (self.list_key_dropped, &mut self.tx) {
            let started = Instant::now();
            sqlx::query(
                "ALTER TABLE voter_list_entries ADD CONSTRAINT voter_list_entries_pkey \
                 PRIMARY KEY (election, pin)",
            )
            .execute(&mut **tx)
            .await
            .map_err(db_err)?;
            self.list_key_dropped = false;
            tracing::info!(
                seconds = started.elapsed().as_secs_f64(),
                "import: list key built"
            );
        }
        if !self.index_dropped {
            return Ok(());
        }
        let started = Instant::now();
        const CREATE: &str =
            "CREATE INDEX voter_list_entries_station ON voter_list_entries (station)";
        match &mut self.tx {
            Tx::Sqlite(tx) => {
                sqlite::bulk_on_handle(tx, |conn| {
                    // The build sorts 4 million keys: let SQLite's sorter use the second core.
                    conn.pragma_update(None, "threads", 2)
                        .map_err(sqlite::raw_err)?;
                    conn.execute_batch(CREATE).map_err(sqlite::raw_err)
                })
                .await?;
            }
            Tx::Postgres(tx) => {
                sqlx::query(CREATE)
                    .execute(&mut **tx)
                    .await
                    .map_err(db_err)?;
            }
        }
        tracing::info!(
            seconds = started.elapsed().as_secs_f64(),
            "import: station index built"
        );
        self.index_dropped = false;
        Ok(())
    }

    /// PostgreSQL: the primary key of `persons` again, after a first import streamed without
    /// it; a PIN given twice fails here.
    async fn add_person_key(&mut self) -> Result<(), StoreError> {
        if let Tx::Postgres(tx) = &mut self.tx {
            sqlx::query("ALTER TABLE persons ADD CONSTRAINT persons_pkey PRIMARY KEY (pin)")
                .execute(&mut **tx)
                .await
                .map_err(person_err)?;
        }
        Ok(())
    }

    /// Writes the changes of import `id`, in PIN order.
    async fn put_changes(&mut self, id: i64, changes: &[(Pin, Change)]) -> Result<(), StoreError> {
        match &mut self.tx {
            Tx::Sqlite(tx) => {
                sqlite::on_handle(tx, |conn| {
                    let mut insert = sqlite::Insert::prepare(
                        conn,
                        "register_changes",
                        CHANGE_COLUMNS,
                        changes.len(),
                    )?;
                    for (pin, change) in changes {
                        insert.bind(id)?;
                        insert.bind(pin.as_str())?;
                        insert.bind(change.as_str())?;
                        insert.end_row()?;
                    }
                    insert.finish()
                })
                .await
            }
            Tx::Postgres(_) => {
                let mut buf = Vec::new();
                for (pin, change) in changes {
                    let _ = writeln!(buf, "{id}\t{}\t{}", pin.as_str(), change.as_str());
                    if buf.len() >= PG_COPY_CHUNK {
                        let full = std::mem::take(&mut buf);
                        self.copy("register_changes", CHANGE_COLUMNS, full).await?;
                    }
                }
                self.copy("register_changes", CHANGE_COLUMNS, buf).await
            }
        }
    }

    /// Reads the stored register in PIN order and merges it with the sorted extract.
    async fn diff(&mut self, held: &Held) -> Result<Diff, StoreError> {
        let mut merge = Merge {
            held,
            next: 0,
            diff: Diff::default(),
        };
        persons_as_copy_rows(&mut self.tx, true, |row| merge.stored(row)).await?;
        Ok(merge.finish())
    }

    /// Applies a diff to `persons`: removed and changed persons out, added and changed in.
    async fn apply(&mut self, id: i64, held: &Held, diff: Diff) -> Result<(), StoreError> {
        self.put_changes(id, &diff.changes).await?;
        on_tx!(&mut self.tx, |t, d| {
            sqlx::query(
                "DELETE FROM persons WHERE pin IN (SELECT pin FROM register_changes \
                 WHERE import_id = $1 AND kind IN ('changed', 'removed'))",
            )
            .bind(id)
            .execute(&mut **t)
            .await
            .map_err(db_err)?;
        });
        self.put_persons(held, Some(&diff.write)).await
    }

    /// Locks the audit head (PostgreSQL: the row; SQLite already holds the write lock).
    async fn lock_head(&mut self) -> Result<(i64, String), StoreError> {
        self.tx.lock_head().await
    }

    async fn audit(
        &mut self,
        head: &mut (i64, String),
        event: shailoo_app::AuditEvent,
    ) -> Result<(), StoreError> {
        let entry = event.clone().seal(head.0 + 1, &head.1);
        self.tx.append_audit(head.clone(), event).await?;
        *head = (entry.seq, entry.hash);
        Ok(())
    }

    async fn commit(self) -> Result<(), StoreError> {
        self.tx.commit().await
    }

    /// Refuses when the election is unknown or its lists are frozen; then empties its lists.
    async fn clear_lists(&mut self, election: &ElectionId) -> Result<(), VoterListError> {
        self.check_lists_open(election).await?;
        // Deleting millions of entries would update the station index row by row, and filling
        // it in station order as the entries come in PIN order would touch a random page per
        // row: the write that follows every clear builds it again, by sorting. On PostgreSQL
        // this keeps readers off the lists until commit, which replaces them anyway.
        on_tx!(&mut self.tx, |t, d| {
            sqlx::query("DROP INDEX IF EXISTS voter_list_entries_station")
                .execute(&mut **t)
                .await
                .map_err(db_err)?;
        });
        self.index_dropped = true;
        for table in ["voter_list_entries", "voter_ineligible"] {
            self.empty_lists_table(table, election).await?;
        }
        Ok(())
    }

    /// The election exists and its lists are not frozen.
    async fn check_lists_open(&mut self, election: &ElectionId) -> Result<(), VoterListError> {
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
        Ok(())
    }

    /// Removes `election`'s rows of a lists table. When the table holds this election only
    /// (the usual case), the whole table goes at once: SQLite frees the tree instead of
    /// deleting 4 million rows one by one, and PostgreSQL's TRUNCATE (transactional, under the
    /// lock taken above) leaves no dead rows behind, which the next write's key checks would
    /// otherwise visit one by one.
    async fn empty_lists_table(
        &mut self,
        table: &'static str,
        election: &ElectionId,
    ) -> Result<(), StoreError> {
        let only_this: bool = on_tx!(&mut self.tx, |t, d| {
            let (low, high): (Option<String>, Option<String>) = sqlx::query_as(AssertSqlSafe(
                format!("SELECT min(election), max(election) FROM {table}"),
            ))
            .fetch_one(&mut **t)
            .await
            .map_err(db_err)?;
            [low, high]
                .iter()
                .all(|e| e.as_deref().is_none_or(|e| e == election.as_str()))
        });
        on_tx!(&mut self.tx, |t, d| {
            let query = match (only_this, d) {
                (true, Dialect::Sqlite) => format!("DELETE FROM {table}"),
                (true, Dialect::Postgres) => format!("TRUNCATE {table}"),
                (false, _) => format!("DELETE FROM {table} WHERE election = $1"),
            };
            let query = sqlx::query(AssertSqlSafe(query));
            let query = if only_this {
                query
            } else {
                query.bind(election.as_str())
            };
            query.execute(&mut **t).await.map_err(db_err)?;
        });
        if only_this
            && table == "voter_list_entries"
            && let Tx::Postgres(tx) = &mut self.tx
        {
            // Emptied: one build of the key after the write costs less than keeping it up to
            // date row by row during the COPY (measured on the national lists: 2.7 s of COPY
            // and a 2.8 s build, against a 6.2 s COPY).
            sqlx::query("ALTER TABLE voter_list_entries DROP CONSTRAINT voter_list_entries_pkey")
                .execute(&mut **tx)
                .await
                .map_err(db_err)?;
            self.list_key_dropped = true;
        }
        Ok(())
    }

    /// Re-applies the PECs' decisions, then records the compile in `voter_list_state` and the
    /// audit log with counts of what the lists now hold.
    async fn finish_compile(
        &mut self,
        head: &mut (i64, String),
        report: &mut CompileReport,
        actor: &str,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        let included = on_tx!(&mut self.tx, |t, d| crate::claims::reapply_accepted(
            &mut **t,
            &report.election
        )
        .await?);
        // VOT-08: a voter put on a list by an accepted claim counts there, not under reasons.
        for reasons in included {
            report.count(reasons, false);
            report.count(Reasons::EMPTY, true);
        }
        // VOT-07: approved remote-voting applications outlive a recompile; those of voters now
        // on no list lapse, and say so in the audit log.
        let lapsed: Vec<String> = on_tx!(&mut self.tx, |t, d| {
            sqlx::query(crate::remote::REAPPLY_APPROVED)
                .bind(report.election.as_str())
                .execute(&mut **t)
                .await
                .map_err(db_err)?;
            sqlx::query_scalar(crate::remote::LAPSE_OFF_LIST)
                .bind(report.election.as_str())
                .bind(crate::remote::LAPSED_REASON)
                .bind(actor)
                .bind(at.to_string())
                .fetch_all(&mut **t)
                .await
                .map_err(db_err)?
        });
        if !lapsed.is_empty() {
            let event = shailoo_app::AuditEvent::new(
                actor,
                AuditAction::RemoteApplicationsLapsed,
                report.election.as_str(),
                at,
            )
            .after(&(&lapsed, "not_on_lists"));
            self.audit(head, event).await?;
        }
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
}

/// Outcomes in PIN order, shared with the statement builder's thread.
trait Outcomes: Send + Sync {
    fn len(&self) -> usize;
    fn get(&self, i: usize) -> (Pin, Assessment);
}

impl Outcomes for Held {
    fn len(&self) -> usize {
        self.rows.len()
    }
    fn get(&self, i: usize) -> (Pin, Assessment) {
        let h = &self.rows[i];
        (h.pin, h.outcome)
    }
}

impl Outcomes for Vec<(Pin, Assessment)> {
    fn len(&self) -> usize {
        self.as_slice().len()
    }
    fn get(&self, i: usize) -> (Pin, Assessment) {
        self[i]
    }
}

fn count_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

pub(crate) fn parse_instant(text: &str) -> Result<Timestamp, StoreError> {
    text.parse()
        .map_err(|_| StoreError::Corrupt(format!("instant {text:?} does not parse")))
}

/// Inserts the held persons `which` (indices in PIN order; all when `None`) on SQLite's own
/// handle. Rows in PIN order lie all over the held blocks: gathered a few thousand at a time
/// in a tight loop, their cache misses overlap instead of stalling SQLite row by row.
fn insert_persons(
    conn: &rusqlite::Connection,
    held: &Held,
    which: Option<&[usize]>,
) -> Result<(), StoreError> {
    let count = which.map_or(held.rows.len(), <[usize]>::len);
    let mut insert = sqlite::Insert::prepare(conn, "persons", PERSON_COLUMNS, count)?;
    let mut gathered: Vec<u8> = Vec::with_capacity(GATHER_ROWS * 256);
    let mut ends: Vec<(usize, Pin)> = Vec::with_capacity(GATHER_ROWS);
    for first in (0..count).step_by(GATHER_ROWS) {
        gathered.clear();
        ends.clear();
        for k in first..count.min(first + GATHER_ROWS) {
            let h = &held.rows[which.map_or(k, |w| w[k])];
            gathered.extend_from_slice(held.row(h));
            ends.push((gathered.len(), h.pin));
        }
        let mut start = 0;
        for (j, &(end, _)) in ends.iter().enumerate() {
            let row = &gathered[start..end];
            start = end;
            for (i, field) in copy_fields(row).enumerate() {
                match field {
                    None => insert.bind(rusqlite::types::Null)?,
                    Some(f) if PERSON_BOOLEANS.contains(&i) => {
                        insert.bind(f.as_ref() == b"t")?;
                    }
                    // Held rows are encoded from `String`s: UTF-8 already, and SQLite takes
                    // text as bytes.
                    Some(f) => insert.bind(ToSqlOutput::Borrowed(ValueRef::Text(&f)))?,
                }
            }
            insert
                .end_row()
                .map_err(|e| person_conflict(conn, e, &ends[..=j]))?;
        }
    }
    insert.finish()
}

/// A refused statement of persons: a PIN stored already names the duplicate. The statement's
/// rows end with the last of `upto` (statements never straddle gathers).
fn person_conflict(
    conn: &rusqlite::Connection,
    e: sqlite::StepError,
    upto: &[(usize, Pin)],
) -> StoreError {
    match e {
        sqlite::StepError::Sqlite { error, rows } if sqlite::is_unique_violation(&error) => {
            let rows = &upto[upto.len().saturating_sub(rows)..];
            match sqlite::stored_pin(conn, rows.iter().map(|r| r.1)) {
                Ok(pin) => StoreError::Duplicate {
                    entity: Entity::Person,
                    key: pin.map_or_else(String::new, |p| p.as_str().to_owned()),
                },
                Err(e) => e,
            }
        }
        other => other.into(),
    }
}

/// Inserts an election's list entries and reasons of ineligibility on SQLite's own handle.
fn insert_lists(
    conn: &rusqlite::Connection,
    compiler: &Compiler,
    outcomes: &dyn Outcomes,
) -> Result<(), StoreError> {
    let election = compiler.election().as_str();
    let eligible = (0..outcomes.len())
        .filter(|&i| outcomes.get(i).1.is_eligible())
        .count();
    let mut entries = sqlite::Insert::prepare(conn, "voter_list_entries", ENTRY_COLUMNS, eligible)?;
    let mut ineligible = sqlite::Insert::prepare(
        conn,
        "voter_ineligible",
        INELIGIBLE_COLUMNS,
        outcomes.len() - eligible,
    )?;
    for i in 0..outcomes.len() {
        let (pin, a) = outcomes.get(i);
        let council = a.station.and_then(|s| compiler.council_of(s));
        let station = a.station.map(|s| i64::from(s.get()));
        if a.is_eligible() {
            entries.bind(election)?;
            entries.bind(pin.as_str())?;
            entries.bind(council.map(|c| c.as_str()))?;
            entries.bind(station)?;
            entries.bind(station)?;
            entries.end_row()?;
        } else {
            ineligible.bind(election)?;
            ineligible.bind(pin.as_str())?;
            ineligible.bind(i64::from(a.reasons.bits()))?;
            ineligible.bind(council.map(|c| c.as_str()))?;
            ineligible.bind(station)?;
            ineligible.end_row()?;
        }
    }
    entries.finish()?;
    ineligible.finish()
}

/// One row of COPY text: a list entry for an eligible person, else their reasons.
fn list_row(b: &mut Vec<u8>, compiler: &Compiler, pin: Pin, a: &Assessment) {
    let council = a.station.and_then(|s| compiler.council_of(s));
    copy_text(b, compiler.election().as_str());
    b.push(b'\t');
    b.extend_from_slice(pin.as_str().as_bytes());
    if a.is_eligible() {
        b.push(b'\t');
        copy_text(b, council.map_or("", |c| c.as_str()));
        let station = a.station.map_or(0, |s| s.get());
        let _ = writeln!(b, "\t{station}\t{station}");
    } else {
        let _ = write!(b, "\t{}\t", a.reasons.bits());
        match council {
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
            entity: Entity::Person,
            key: pin.unwrap_or_else(|| "?".to_owned()),
        };
    }
    db_err(e)
}

// ---------------------------------------------------------------------------------------------
// Import

/// An import in progress.
pub(crate) struct Import {
    sink: Sink,
    /// The register was empty at `begin`: everything is added, nothing to diff.
    empty: bool,
    options: ImportOptions,
    /// The pushed persons: their COPY rows when held, only PINs and outcomes when streamed.
    held: Held,
    failed: bool,
}

/// Where pushed persons go until `finish`.
enum Sink {
    /// Held in memory, written in PIN order at `finish` (SQLite; PostgreSQL re-imports, which
    /// are diffed against the stored register).
    Held(Writer),
    /// Streamed into `persons` as they come (PostgreSQL's first import).
    Streaming(PersonStream),
    /// Taken by `finish`.
    Gone,
}

/// PostgreSQL's first import: persons stream into `persons` while the extract is still being
/// read, through one `COPY` that a task of its own keeps open (it owns the transaction
/// meanwhile), so the server stores rows on one core while the reader parses on the other.
/// `persons` has no primary key meanwhile: rows come in household order, and one index build
/// (a sort) at the end is far cheaper than 4.3 million B-tree inserts in random key order.
/// Dropping the key takes `persons`' exclusive lock until commit; the register was empty, so no
/// reader is kept from anything.
struct PersonStream {
    buf: Vec<u8>,
    chunks: tokio::sync::mpsc::Sender<Vec<u8>>,
    copier: tokio::task::JoinHandle<Result<Writer, StoreError>>,
}

/// Bytes of COPY data per message to the streaming task: small, so the server starts early and
/// the reader never waits long.
const STREAM_CHUNK: usize = 1 << 20;

impl PersonStream {
    async fn start(mut w: Writer) -> Result<PersonStream, StoreError> {
        on_tx!(&mut w.tx, |t, d| {
            sqlx::query("ALTER TABLE persons DROP CONSTRAINT persons_pkey")
                .execute(&mut **t)
                .await
                .map_err(db_err)?;
        });
        let (chunks, mut receive) = tokio::sync::mpsc::channel::<Vec<u8>>(4);
        let copier = tokio::spawn(async move {
            {
                let Tx::Postgres(tx) = &mut w.tx else {
                    return Err(StoreError::Backend("a COPY stream on SQLite".into()));
                };
                let mut copy = tx
                    .copy_in_raw(&format!("COPY persons ({PERSON_COLUMNS}) FROM STDIN"))
                    .await
                    .map_err(db_err)?;
                while let Some(chunk) = receive.recv().await {
                    if let Err(e) = copy.send(chunk).await {
                        // Best effort: the transaction is lost anyway.
                        let _ = copy.abort(e.to_string()).await;
                        return Err(db_err(e));
                    }
                }
                copy.finish().await.map_err(db_err)?;
            }
            Ok(w)
        });
        Ok(PersonStream {
            buf: Vec::with_capacity(STREAM_CHUNK + (64 << 10)),
            chunks,
            copier,
        })
    }

    /// Sends the buffered rows once there are enough of them (all of them when `all`).
    async fn flush(&mut self, all: bool) -> Result<(), StoreError> {
        let due = self.buf.len() >= STREAM_CHUNK || (all && !self.buf.is_empty());
        if !due {
            return Ok(());
        }
        let full = std::mem::replace(&mut self.buf, Vec::with_capacity(STREAM_CHUNK + (64 << 10)));
        if self.chunks.send(full).await.is_err() {
            // The copier stopped: its own error says why.
            return Err(match (&mut self.copier).await {
                Ok(Err(e)) => e,
                Ok(Ok(_)) => StoreError::Backend("the COPY stream ended early".into()),
                Err(e) => StoreError::Backend(format!("the COPY stream stopped: {e}")),
            });
        }
        Ok(())
    }

    /// Ends the `COPY` and gives the transaction back.
    async fn close(mut self) -> Result<Writer, StoreError> {
        self.flush(true).await?;
        drop(self.chunks);
        self.copier
            .await
            .map_err(|e| StoreError::Backend(format!("the COPY stream stopped: {e}")))?
    }
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
        let mut w = Writer::begin_postgres(pool).await?;
        if let Tx::Postgres(tx) = &mut w.tx {
            // One import at a time: the emptiness seen below holds until commit. Readers go on.
            sqlx::query("LOCK TABLE persons IN EXCLUSIVE MODE")
                .execute(&mut **tx)
                .await
                .map_err(db_err)?;
        }
        Import::begin(w, options).await
    }

    async fn begin(
        mut w: Writer,
        options: ImportOptions,
    ) -> Result<Box<dyn RegisterImport>, VoterListError> {
        if let Some(compiler) = &options.compile {
            // Refused before a byte is read; the lists are replaced at `finish`, once the
            // import is admitted.
            w.check_lists_open(compiler.election()).await?;
        }
        let empty: bool = on_tx!(&mut w.tx, |t, d| {
            let any: Option<i32> = sqlx::query_scalar("SELECT 1 FROM persons LIMIT 1")
                .fetch_optional(&mut **t)
                .await
                .map_err(db_err)?;
            any.is_none()
        });
        // A preview writes nothing: its persons are held, never streamed.
        let preview = options.mode == ImportMode::Preview;
        let sink = match &w.tx {
            Tx::Postgres(_) if empty && !preview => Sink::Streaming(PersonStream::start(w).await?),
            _ => Sink::Held(w),
        };
        Ok(Box::new(Import {
            sink,
            empty,
            options,
            held: Held::default(),
            failed: false,
        }))
    }

    fn hold(&mut self, batch: &ImportBatch) -> Result<(), StoreError> {
        let compiling = self.options.compile.is_some();
        if compiling && batch.records.len() != batch.assessed.len() {
            return Err(StoreError::Backend(format!(
                "{} records came with {} assessments",
                batch.records.len(),
                batch.assessed.len()
            )));
        }
        for (i, r) in batch.records.iter().enumerate() {
            let outcome = batch.assessed.get(i).copied().unwrap_or(Assessment {
                station: None,
                reasons: Reasons::EMPTY,
            });
            match &mut self.sink {
                Sink::Streaming(stream) => {
                    copy_row(&mut stream.buf, r);
                    self.held.push_index(r.pin, outcome);
                }
                _ => self.held.push(r, outcome)?,
            }
        }
        Ok(())
    }

    async fn stream(&mut self) -> Result<(), StoreError> {
        match &mut self.sink {
            Sink::Streaming(stream) => stream.flush(false).await,
            _ => Ok(()),
        }
    }
}

#[async_trait::async_trait]
impl RegisterImport for Import {
    async fn push(&mut self, batch: &ImportBatch) -> Result<(), VoterListError> {
        if self.failed {
            return Err(refused().into());
        }
        let mut result = self.hold(batch);
        if result.is_ok() {
            result = self.stream().await;
        }
        if result.is_err() {
            self.failed = true;
        }
        Ok(result?)
    }

    async fn finish(
        mut self: Box<Self>,
        duplicates: &[DuplicatedPin],
    ) -> Result<ImportReport, VoterListError> {
        if self.failed {
            return Err(refused().into());
        }
        // Where an import's time goes, for the benchmark (SHAILOO_LOG=shailoo_store=info).
        let started = Instant::now();
        let phase = |what: &str| {
            tracing::info!(seconds = started.elapsed().as_secs_f64(), "import: {what}");
        };
        let (mut w, streamed) = self.take_writer().await?;
        if streamed {
            phase("persons streamed");
        }
        let held = self.sorted_held(duplicates)?;
        phase("extract sorted");
        let mut head = w.lock_head().await?;
        if let Some(compiler) = &self.options.compile {
            // PostgreSQL: another writer may have frozen the lists since `begin`.
            refuse_frozen(&mut w, compiler.election()).await?;
        }
        // The difference first, written nowhere: the guard decides whether it is stored.
        let (diff, difference) = w.difference(&held, self.empty, &phase).await?;
        let limit = self.options.removal_limit_percent;
        let admitted = voters::admit(&difference, &self.options.mode, limit);
        let mut report = import_report(&self.options, &held, &difference, duplicates);
        match admitted? {
            // Dropping the transaction rolls it back: nothing of the preview is stored.
            Admitted::Preview => return Ok(report),
            Admitted::Apply { override_used } => report.removal_override = override_used,
        }
        report.applied = true;
        let id = w.open_import(&self.options).await?;
        report.import_id = id;
        match diff {
            None if streamed => w.add_person_key().await?,
            None => w.put_persons(&held, None).await?,
            Some(diff) => w.apply(id, &held, diff).await?,
        }
        phase("persons written");
        w.close_import(&report, duplicates).await?;
        let ImportOptions {
            actor, at, compile, ..
        } = self.options.clone();
        w.audit(&mut head, report.audit_event(&actor, at)).await?;
        if let Some(compiler) = compile {
            w.clear_lists(compiler.election()).await?;
            let mut compiled = CompileReport::new(compiler.election());
            w.put_lists(&compiler, &held, &mut compiled).await?;
            phase("lists written");
            compiled.register_import = Some(id);
            w.finish_compile(&mut head, &mut compiled, &actor, at)
                .await?;
            report.compiled = Some(compiled);
        }
        w.commit().await?;
        phase("committed");
        Ok(report)
    }
}

impl Import {
    /// The import's writer, once its persons are streamed (and whether they were).
    async fn take_writer(&mut self) -> Result<(Writer, bool), StoreError> {
        let streamed = matches!(self.sink, Sink::Streaming(_));
        let w = match std::mem::replace(&mut self.sink, Sink::Gone) {
            Sink::Held(w) => w,
            Sink::Streaming(stream) => stream.close().await?,
            Sink::Gone => return Err(refused()),
        };
        Ok((w, streamed))
    }

    /// The held extract in PIN order, each PIN once; with the lists compiled, the first copy
    /// of a PIN the batcher found more than once is marked (VOT-06: it went in as if alone).
    fn sorted_held(&mut self, duplicates: &[DuplicatedPin]) -> Result<Held, StoreError> {
        let mut held = std::mem::take(&mut self.held);
        held.scratch = Vec::new();
        held.rows.sort_unstable_by_key(|h| h.pin);
        if let Some(w) = held.rows.windows(2).find(|w| w[0].pin == w[1].pin) {
            // The batcher drops later copies; two here would be a caller's mistake.
            return Err(StoreError::Duplicate {
                entity: Entity::Person,
                key: w[0].pin.as_str().to_owned(),
            });
        }
        if self.options.compile.is_some() {
            for d in duplicates {
                if let Ok(i) = held.rows.binary_search_by_key(&d.pin, |h| h.pin) {
                    held.rows[i]
                        .outcome
                        .reasons
                        .insert(IneligibilityReason::DuplicatePin);
                }
            }
        }
        Ok(held)
    }
}

impl Writer {
    /// What the held extract changes in the stored register, written nowhere yet: the rows'
    /// difference (none into an empty register, where every person is added), and its counts
    /// and id (the id the CEC confirms).
    async fn difference(
        &mut self,
        held: &Held,
        empty: bool,
        phase: &(dyn Fn(&str) + Sync),
    ) -> Result<(Option<Diff>, Difference), StoreError> {
        let persons = held.rows.len() as u64;
        if empty {
            let difference = Difference {
                persons_before: 0,
                added: persons,
                changed: 0,
                removed: 0,
                unchanged: 0,
                id: None,
            };
            return Ok((None, difference));
        }
        let diff = self.diff(held).await?;
        phase("diffed against the stored register");
        let (added, changed, removed) = (
            diff.count(Change::Added),
            diff.count(Change::Changed),
            diff.count(Change::Removed),
        );
        let unchanged = persons.saturating_sub(added + changed);
        let difference = Difference {
            persons_before: unchanged + changed + removed,
            added,
            changed,
            removed,
            unchanged,
            id: Some(diff.id(held, latest_import(self).await?)),
        };
        Ok((Some(diff), difference))
    }

    /// The import's row, so that register_changes can refer to it; its counts follow in
    /// [`Writer::close_import`]. Its id.
    async fn open_import(&mut self, options: &ImportOptions) -> Result<i64, StoreError> {
        Ok(on_tx!(&mut self.tx, |t, d| {
            let id: i64 =
                sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM register_imports")
                    .fetch_one(&mut **t)
                    .await
                    .map_err(db_err)?;
            sqlx::query(
                "INSERT INTO register_imports (id, source, actor, imported_at, records, added, \
                 changed, removed, unchanged, duplicate_pins) \
                 VALUES ($1, $2, $3, $4, 0, 0, 0, 0, 0, 0)",
            )
            .bind(id)
            .bind(options.source.as_str())
            .bind(options.actor.as_str())
            .bind(options.at.to_string())
            .execute(&mut **t)
            .await
            .map_err(db_err)?;
            id
        }))
    }

    /// The import's counts, and the PINs the extract held more than once.
    async fn close_import(
        &mut self,
        report: &ImportReport,
        duplicates: &[DuplicatedPin],
    ) -> Result<(), StoreError> {
        on_tx!(&mut self.tx, |t, d| {
            sqlx::query(
                "UPDATE register_imports SET records = $2, added = $3, changed = $4, \
                 removed = $5, unchanged = $6, duplicate_pins = $7 WHERE id = $1",
            )
            .bind(report.import_id)
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
        Ok(())
    }
}

/// The report of an import, before it is stored (a preview stores nothing): `persons` in the
/// extract once each (its records count every copy of a repeated PIN), the difference against
/// the stored register and whether it removes more than the limit allows.
fn import_report(
    options: &ImportOptions,
    held: &Held,
    difference: &Difference,
    duplicates: &[DuplicatedPin],
) -> ImportReport {
    let persons = held.rows.len() as u64;
    let copies: u64 = duplicates
        .iter()
        .map(|d| u64::from(d.copies.saturating_sub(1)))
        .sum();
    let limit = options.removal_limit_percent;
    ImportReport {
        applied: false,
        import_id: 0,
        source: options.source.clone(),
        records: persons + copies,
        persons,
        added: difference.added,
        changed: difference.changed,
        removed: difference.removed,
        unchanged: difference.unchanged,
        duplicate_pins: duplicates.len() as u64,
        persons_before: difference.persons_before,
        difference: difference.id.clone(),
        removal_limit_percent: limit,
        removal_over_limit: difference.removal_over_limit(limit),
        removal_override: false,
        no_station_area: options.compile.as_ref().map(|_| {
            held.rows
                .iter()
                .filter(|h| h.outcome.station.is_none())
                .count() as u64
        }),
        compiled: None,
    }
}

fn refused() -> StoreError {
    StoreError::Backend("this register import has already failed; nothing of it is stored".into())
}

/// Refuses once `election`'s lists are frozen.
async fn refuse_frozen(w: &mut Writer, election: &ElectionId) -> Result<(), VoterListError> {
    match frozen_at(w, election).await? {
        Some(frozen_at) => Err(VoterListError::Frozen {
            election: election.clone(),
            frozen_at,
        }),
        None => Ok(()),
    }
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
    progress: CompileProgressFn<'_>,
) -> Result<CompileReport, VoterListError> {
    // The head first: on PostgreSQL this orders us after any writer that froze the lists.
    let mut head = w.lock_head().await?;
    w.clear_lists(compiler.election()).await?;
    let (duplicates, import, persons): (HashSet<String>, Option<i64>, i64) =
        on_tx!(&mut w.tx, |t, d| {
            let pins: Vec<String> = sqlx::query_scalar("SELECT pin FROM register_duplicates")
                .fetch_all(&mut **t)
                .await
                .map_err(db_err)?;
            // The latest import says how many persons the register holds, without a count.
            let latest: Option<(i64, i64)> = sqlx::query_as(
                "SELECT id, added + changed + unchanged FROM register_imports \
                 ORDER BY id DESC LIMIT 1",
            )
            .fetch_optional(&mut **t)
            .await
            .map_err(db_err)?;
            (
                pins.into_iter().collect(),
                latest.map(|l| l.0),
                latest.map_or(0, |l| l.1),
            )
        });
    let mut told = CompileProgress {
        assessed: 0,
        persons: u64::try_from(persons).unwrap_or(0),
    };
    progress(told);
    let mut report = CompileReport::new(compiler.election());
    let mut outcomes: Vec<(Pin, Assessment)> = Vec::with_capacity(told.persons as usize);
    let mut assess = |r: RegisterRecord| -> Result<(), StoreError> {
        let duplicated = duplicates.contains(r.pin.as_str());
        outcomes.push((r.pin, compiler.assess(&r, duplicated)));
        if outcomes.len().is_multiple_of(PROGRESS_EVERY) {
            told.assessed = outcomes.len() as u64;
            progress(told);
        }
        Ok(())
    };
    // In table order: after a streamed first import PostgreSQL's table is in household order,
    // and reading it by PIN would visit a random page per person; sorted here after.
    persons_as_copy_rows(&mut w.tx, false, |row| assess(person_from_copy_row(row)?)).await?;
    if !outcomes.is_sorted_by_key(|o| o.0) {
        outcomes.sort_unstable_by_key(|o| o.0);
    }
    told.assessed = outcomes.len() as u64;
    progress(told);
    w.put_lists(&compiler, &outcomes, &mut report).await?;
    report.register_import = import;
    w.finish_compile(&mut head, &mut report, actor, at).await?;
    w.commit().await?;
    Ok(report)
}

pub(crate) async fn compile_sqlite(
    pool: &SqlitePool,
    compiler: Arc<Compiler>,
    actor: &str,
    at: Timestamp,
    progress: CompileProgressFn<'_>,
) -> Result<CompileReport, VoterListError> {
    compile(
        Writer::begin_sqlite(pool).await?,
        compiler,
        actor,
        at,
        progress,
    )
    .await
}

pub(crate) async fn compile_postgres(
    pool: &PgPool,
    compiler: Arc<Compiler>,
    actor: &str,
    at: Timestamp,
    progress: CompileProgressFn<'_>,
) -> Result<CompileReport, VoterListError> {
    compile(
        Writer::begin_postgres(pool).await?,
        compiler,
        actor,
        at,
        progress,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_row_reads_back_as_the_same_person() {
        let mut record = RegisterRecord {
            pin: Pin::parse("21502199900123").expect("pin"),
            surname: "Өмүрбеков\tтаб".to_owned(),
            given_name: "Ңурлан\\".to_owned(),
            patronymic: Some("Үсөнович".to_owned()),
            sex: Sex::Male,
            birth_date: jiff::civil::date(1999, 2, 15),
            citizen: true,
            biometrics: false,
            settlement: TerritoryId::parse("bishkek").expect("id"),
            street: "Чүй\nпроспекти".to_owned(),
            house: "1".to_owned(),
            address_registered_on: jiff::civil::date(2020, 1, 2),
            residence_stamp: true,
            court_incapable: false,
            imprisoned: true,
        };
        for patronymic in [record.patronymic.clone(), None] {
            record.patronymic = patronymic;
            let mut row = Vec::new();
            copy_row(&mut row, &record);
            let back = person_from_copy_row(&row).expect("record");
            assert_eq!(back, record);
        }
        assert!(person_from_copy_row(b"too\tfew").is_err());
        let mut row = Vec::new();
        copy_row(&mut row, &record);
        row.pop();
        row.extend_from_slice(b"\textra");
        assert!(person_from_copy_row(&row).is_err());
    }

    #[test]
    fn copy_fields_undo_both_engines_escapes() {
        let fields: Vec<Option<Vec<u8>>> = copy_fields(b"a\\tb\t\\N\tc\\\\d\\v\n")
            .map(|f| f.map(Cow::into_owned))
            .collect();
        assert_eq!(
            fields,
            vec![Some(b"a\tb".to_vec()), None, Some(b"c\\d\x0b".to_vec())]
        );
        // PostgreSQL writes a vertical tab as `\v`, shailoo leaves it raw: the same person.
        assert!(same_person(b"x\x0by\tz\n", b"x\\vy\tz"));
        assert!(!same_person(b"x\ty\n", b"x\t\\N"));
    }
}
