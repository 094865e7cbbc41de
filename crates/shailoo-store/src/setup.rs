//! [`shailoo_app::SetupStore`] on both engines: the election setup, stations and calendar
//! overrides, each method written once and expanded per engine by `on_db!`.
//!
//! Writers follow one pattern (every writer of the store does): open a writing transaction (`WritePool::begin_write`), lock and
//! read the audit head, check references explicitly (so that the error names the missing key
//! whichever engine runs), make the change, append the audit entry, commit. Any error returns
//! before the commit, and dropping the transaction rolls everything back.

use crate::rows::{
    CommissionRow, CouncilRow, ElectionRow, OverrideRow, StationRow, TerritoryRow, corrupt,
};
use crate::text::{like_pattern, name_search, search_text, sort_key};
use crate::{Db, Tx, WritePool, db_err, insert_err};
use async_trait::async_trait;
use shailoo_app::audit::AuditEvent;
use shailoo_app::setup::{
    CalendarOverrideRecord, CommissionFilter, CouncilFilter, DecisionNumber, ImportSummary,
    OverrideError, SetupStore, StationFilter, Totals, check_override,
};
use shailoo_app::store::{Entity, Page, PageRequest, StoreError};
use shailoo_domain::territory::{
    Commission, Council, Election, PollingStation, Setup, SetupError, StationArea, Territory,
};
use shailoo_domain::{CommissionId, CouncilId, ElectionId, StationNumber, TerritoryId};
use sqlx::AssertSqlSafe;
use std::collections::{HashMap, HashSet};

/// A bind value of a dynamically built query.
enum Arg {
    Text(String),
    Bool(bool),
}

/// Binds `$args` in order onto a query built from dynamic SQL text.
macro_rules! bind_args {
    ($query:expr, $args:expr) => {{
        let mut query = $query;
        for arg in $args {
            query = match arg {
                Arg::Text(s) => query.bind(s.as_str()),
                Arg::Bool(b) => query.bind(*b),
            };
        }
        query
    }};
}

/// Counts and fetches one page of a listing on either engine: listings differ only in their
/// table, columns, filters and order, so the two queries and the row parsing live here once.
macro_rules! fetch_page {
    ($db:expr, $w:expr, $page:expr, $row:ty, $columns:expr, $from:expr, $order:expr) => {{
        let w = &$w;
        let count_sql = format!("SELECT COUNT(*) FROM {}{}", $from, w.sql());
        let list_sql = format!(
            "SELECT {} FROM {}{} ORDER BY {}{}",
            $columns,
            $from,
            w.sql(),
            $order,
            w.paging()
        );
        let (total, rows): (i64, Vec<$row>) = on_db!($db, |pool, d| {
            let total = bind_args!(sqlx::query_scalar(AssertSqlSafe(count_sql)), &w.args)
                .fetch_one(pool)
                .await
                .map_err(db_err)?;
            let rows = bind_args!(sqlx::query_as(AssertSqlSafe(list_sql)), &w.args)
                .bind($page.limit())
                .bind($page.offset())
                .fetch_all(pool)
                .await
                .map_err(db_err)?;
            (total, rows)
        });
        let items = rows
            .into_iter()
            .map(<$row>::into_domain)
            .collect::<Result<_, _>>()?;
        page(items, total, &$page)
    }};
}

/// A `WHERE` clause built from optional filters. Only placeholders carry values; the clause
/// text comes from constants in this file, which is why wrapping it in `AssertSqlSafe` is sound.
#[derive(Default)]
struct Where {
    clauses: Vec<String>,
    args: Vec<Arg>,
}

impl Where {
    /// Adds a condition; `clause` receives the number of its placeholder.
    fn and(&mut self, clause: impl FnOnce(usize) -> String, arg: Arg) {
        self.args.push(arg);
        self.clauses.push(clause(self.args.len()));
    }

    fn sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.clauses.join(" AND "))
        }
    }

    /// Placeholders for `LIMIT` and `OFFSET`, after the filter's own.
    fn paging(&self) -> String {
        let n = self.args.len();
        format!(" LIMIT ${} OFFSET ${}", n + 1, n + 2)
    }

    /// A case-insensitive substring match of `query` on a `search` column, if not blank.
    fn search(&mut self, column: &'static str, query: Option<&str>) {
        if let Some(q) = query.map(str::trim).filter(|q| !q.is_empty()) {
            self.and(
                |n| format!("{column} LIKE ${n} ESCAPE '\\'"),
                Arg::Text(like_pattern(q)),
            );
        }
    }
}

fn count(table: &str, n: i64) -> Result<u64, StoreError> {
    u64::try_from(n).map_err(|_| corrupt(table, "count", format!("negative count {n}")))
}

pub(crate) fn page<T>(
    items: Vec<T>,
    total: i64,
    request: &PageRequest,
) -> Result<Page<T>, StoreError> {
    Ok(Page {
        items,
        total: count("page", total)?,
        page: request.page.max(1),
        per_page: u32::try_from(request.limit()).unwrap_or(PageRequest::MAX_PER_PAGE),
    })
}

const TERRITORY_COLUMNS: &str =
    "SELECT id, kind, parent, name_ky, name_ru, name_en FROM territories";
/// A territory's ancestors are the territories whose path starts its path; the longest path
/// (the territory itself) first.
pub(crate) const TERRITORY_CHAIN: &str = "SELECT t.id, t.kind, t.parent, t.name_ky, \
     t.name_ru, t.name_en FROM territories s \
     JOIN territories t ON substr(s.path, 1, length(t.path)) = t.path \
     WHERE s.id = $1 ORDER BY length(t.path) DESC";
const COUNCIL_COLUMNS: &str = "c.id, c.kind, c.territory, c.name_ky, c.name_ru, c.name_en, c.seats";
const COMMISSION_COLUMNS: &str =
    "c.id, c.level, c.parent, c.territory, c.name_ky, c.name_ru, c.name_en, c.phone";
const STATION_COLUMNS: &str = "s.number, s.commission, s.council, s.territory, s.address_ky, \
     s.address_ru, s.address_en, s.ramp, s.ground_floor, s.wide_doors, s.parking, \
     s.tactile_signs, s.call_button, s.lighting, s.remote_voting";
const ELECTION_COLUMNS: &str = "SELECT id, name_ky, name_ru, name_en, decree_number, decree_date, \
     called_on, voting_day FROM elections";

const INSERT_STATION: &str = "INSERT INTO stations (number, commission, council, territory, \
     address_ky, address_ru, address_en, search, ramp, ground_floor, wide_doors, parking, \
     tactile_signs, call_button, lighting, remote_voting) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)";

/// Inserts one station in the caller's transaction; a taken number is `Duplicate`.
macro_rules! insert_station {
    ($tx:expr, $s:expr) => {{
        let s: &PollingStation = $s;
        let number = i64::from(s.number.get());
        sqlx::query(INSERT_STATION)
            .bind(number)
            .bind(s.commission.as_str())
            .bind(s.council.as_str())
            .bind(s.territory.as_str())
            .bind(s.address.ky.as_str())
            .bind(s.address.ru.as_str())
            .bind(s.address.en.as_str())
            .bind(search_text(&[
                &number.to_string(),
                &s.address.ky,
                &s.address.ru,
                &s.address.en,
            ]))
            .bind(s.accessibility.ramp)
            .bind(s.accessibility.ground_floor)
            .bind(s.accessibility.wide_doors)
            .bind(s.accessibility.parking)
            .bind(s.accessibility.tactile_signs)
            .bind(s.accessibility.call_button)
            .bind(s.accessibility.lighting)
            .bind(s.remote_voting)
            .execute(&mut *$tx)
            .await
            .map_err(|e| insert_err(e, Entity::Station, s.number))?;
    }};
}

const TERRITORY_EXISTS: &str = "SELECT CAST(1 AS BIGINT) FROM territories WHERE id = $1";
const COUNCIL_EXISTS: &str = "SELECT CAST(1 AS BIGINT) FROM councils WHERE id = $1";
const STATION_EXISTS: &str = "SELECT CAST(1 AS BIGINT) FROM stations WHERE number = $1";
const PEC_EXISTS: &str =
    "SELECT CAST(1 AS BIGINT) FROM commissions WHERE id = $1 AND level = 'pec'";

/// Reads election `$id` (with its councils in order) with `$exec`, a pool or `&mut *tx`.
macro_rules! read_election {
    ($exec:expr, $id:expr) => {{
        let row: Option<ElectionRow> =
            sqlx::query_as(AssertSqlSafe(format!("{ELECTION_COLUMNS} WHERE id = $1")))
                .bind($id.as_str())
                .fetch_optional($exec)
                .await
                .map_err(db_err)?;
        let links: Vec<String> = sqlx::query_scalar(
            "SELECT council FROM election_councils WHERE election = $1 ORDER BY position",
        )
        .bind($id.as_str())
        .fetch_all($exec)
        .await
        .map_err(db_err)?;
        row.map(|r| r.into_domain(links)).transpose()?
    }};
}

/// Reads the calendar overrides of election `$id` with `$exec`.
macro_rules! read_overrides {
    ($exec:expr, $id:expr) => {{
        let rows: Vec<OverrideRow> = sqlx::query_as(
            "SELECT rule_id, date, time, decision_number FROM calendar_overrides \
             WHERE election = $1 ORDER BY rule_id",
        )
        .bind($id.as_str())
        .fetch_all($exec)
        .await
        .map_err(db_err)?;
        rows.into_iter()
            .map(OverrideRow::into_domain)
            .collect::<Result<Vec<_>, StoreError>>()?
    }};
}

/// `/a/b/c/`: the ids from the top down, ending with the territory's own.
fn territory_paths(setup: &Setup) -> Result<Vec<String>, StoreError> {
    let mut paths: HashMap<&TerritoryId, String> = HashMap::new();
    let mut out = Vec::with_capacity(setup.territories.len());
    for t in &setup.territories {
        let prefix = match &t.parent {
            None => "/",
            // `Setup::check` guarantees parents come first; stay defensive all the same.
            Some(parent) => paths.get(parent).map(String::as_str).ok_or_else(|| {
                StoreError::Invalid(SetupError::UnknownParentTerritory {
                    child: t.id.clone(),
                    parent: parent.clone(),
                })
            })?,
        };
        let path = format!("{prefix}{}/", t.id);
        paths.insert(&t.id, path.clone());
        out.push(path);
    }
    Ok(out)
}

#[async_trait]
impl SetupStore for Db {
    async fn import_setup(
        &self,
        setup: &Setup,
        areas: &[StationArea],
        event: AuditEvent,
    ) -> Result<ImportSummary, StoreError> {
        setup.check()?;
        let paths = territory_paths(setup)?;
        let setup_stations: HashSet<StationNumber> =
            setup.stations.iter().map(|s| s.number).collect();
        let setup_territories: HashSet<&TerritoryId> =
            setup.territories.iter().map(|t| &t.id).collect();
        let mut tx = self.begin_tx().await?;
        let head = tx.lock_head().await?;
        tx.insert_territories(&setup.territories, &paths).await?;
        tx.insert_councils(&setup.councils).await?;
        tx.insert_commissions(&setup.commissions).await?;
        for st in &setup.stations {
            on_tx!(&mut tx, |t, d| insert_station!(*t, st));
        }
        for a in areas {
            // Areas are not part of `Setup::check`: they may also name stations and
            // settlements stored by an earlier import. Check those explicitly so that the
            // error names the key (a foreign-key failure would not, on SQLite).
            if !setup_stations.contains(&a.station)
                && !on_tx!(&mut tx, |t, d| exists!(
                    &mut **t,
                    STATION_EXISTS,
                    i64::from(a.station.get())
                ))
            {
                return Err(StoreError::unknown(Entity::Station, a.station));
            }
            if !setup_territories.contains(&a.settlement) {
                tx.require(TERRITORY_EXISTS, Entity::Territory, a.settlement.as_str())
                    .await?;
            }
            tx.insert_area(a).await?;
        }
        tx.insert_elections(&setup.elections).await?;
        tx.append_audit(head, event).await?;
        tx.commit().await?;
        Ok(ImportSummary {
            territories: setup.territories.len() as u64,
            councils: setup.councils.len() as u64,
            commissions: setup.commissions.len() as u64,
            stations: setup.stations.len() as u64,
            station_areas: areas.len() as u64,
            elections: setup.elections.len() as u64,
        })
    }

    async fn totals(&self) -> Result<Totals, StoreError> {
        // SUM of BIGINT is NUMERIC on PostgreSQL: cast back so both engines return BIGINT.
        const SQL: &str = "SELECT \
            (SELECT COUNT(*) FROM councils WHERE kind = 'city'), \
            (SELECT COUNT(*) FROM councils WHERE kind = 'aiyl'), \
            (SELECT CAST(COALESCE(SUM(seats), 0) AS BIGINT) FROM councils WHERE kind = 'city'), \
            (SELECT CAST(COALESCE(SUM(seats), 0) AS BIGINT) FROM councils WHERE kind = 'aiyl'), \
            (SELECT COUNT(*) FROM commissions), \
            (SELECT COUNT(*) FROM stations WHERE remote_voting = $1), \
            (SELECT COUNT(*) FROM stations WHERE remote_voting = $2), \
            (SELECT COUNT(*) FROM persons)";
        type Row = (i64, i64, i64, i64, i64, i64, i64, i64);
        let row: Row = on_db!(self, |pool, d| {
            sqlx::query_as(SQL)
                .bind(false)
                .bind(true)
                .fetch_one(pool)
                .await
                .map_err(db_err)?
        });
        Ok(Totals {
            councils_city: count("councils", row.0)?,
            councils_aiyl: count("councils", row.1)?,
            seats_city: count("councils", row.2)?,
            seats_aiyl: count("councils", row.3)?,
            commissions: count("commissions", row.4)?,
            stations_regular: count("stations", row.5)?,
            stations_remote: count("stations", row.6)?,
            register_persons: count("persons", row.7)?,
        })
    }

    async fn elections(&self) -> Result<Vec<Election>, StoreError> {
        let (rows, links): (Vec<ElectionRow>, Vec<(String, String)>) = on_db!(self, |pool, d| {
            let rows = sqlx::query_as(AssertSqlSafe(format!(
                "{ELECTION_COLUMNS} ORDER BY voting_day, id"
            )))
            .fetch_all(pool)
            .await
            .map_err(db_err)?;
            let links = sqlx::query_as(
                "SELECT election, council FROM election_councils ORDER BY election, position",
            )
            .fetch_all(pool)
            .await
            .map_err(db_err)?;
            (rows, links)
        });
        let mut councils: HashMap<String, Vec<String>> = HashMap::new();
        for (election, council) in links {
            councils.entry(election).or_default().push(council);
        }
        rows.into_iter()
            .map(|row| {
                let list = councils.remove(&row.id).unwrap_or_default();
                row.into_domain(list)
            })
            .collect()
    }

    async fn election(&self, id: &ElectionId) -> Result<Option<Election>, StoreError> {
        Ok(on_db!(self, |pool, d| read_election!(pool, id)))
    }

    async fn territory(&self, id: &TerritoryId) -> Result<Option<Territory>, StoreError> {
        let row: Option<TerritoryRow> = on_db!(self, |pool, d| {
            sqlx::query_as(AssertSqlSafe(format!("{TERRITORY_COLUMNS} WHERE id = $1")))
                .bind(id.as_str())
                .fetch_optional(pool)
                .await
                .map_err(db_err)?
        });
        row.map(TerritoryRow::into_domain).transpose()
    }

    async fn territory_chain(&self, id: &TerritoryId) -> Result<Vec<Territory>, StoreError> {
        let rows: Vec<TerritoryRow> = on_db!(self, |pool, d| {
            sqlx::query_as(TERRITORY_CHAIN)
                .bind(id.as_str())
                .fetch_all(pool)
                .await
                .map_err(db_err)?
        });
        rows.into_iter().map(TerritoryRow::into_domain).collect()
    }

    async fn territory_children(
        &self,
        parent: Option<&TerritoryId>,
    ) -> Result<Vec<Territory>, StoreError> {
        let rows: Vec<TerritoryRow> = on_db!(self, |pool, d| {
            match parent {
                Some(p) => sqlx::query_as(AssertSqlSafe(format!(
                    "{TERRITORY_COLUMNS} WHERE parent = $1 ORDER BY sort_key, id"
                )))
                .bind(p.as_str())
                .fetch_all(pool)
                .await
                .map_err(db_err)?,
                None => sqlx::query_as(AssertSqlSafe(format!(
                    "{TERRITORY_COLUMNS} WHERE parent IS NULL ORDER BY sort_key, id"
                )))
                .fetch_all(pool)
                .await
                .map_err(db_err)?,
            }
        });
        rows.into_iter().map(TerritoryRow::into_domain).collect()
    }

    async fn councils(&self, filter: &CouncilFilter) -> Result<Page<Council>, StoreError> {
        let mut w = Where::default();
        if let Some(kind) = filter.kind {
            w.and(
                |n| format!("c.kind = ${n}"),
                Arg::Text(kind.as_str().to_owned()),
            );
        }
        if let Some(within) = &filter.within {
            // Every territory whose path starts with the path of `within` (itself included).
            w.and(
                |n| {
                    format!(
                        "c.territory IN (SELECT t.id FROM territories t WHERE t.path LIKE \
                         ((SELECT w.path FROM territories w WHERE w.id = ${n}) || '%'))"
                    )
                },
                Arg::Text(within.as_str().to_owned()),
            );
        }
        w.search("c.search", filter.query.as_deref());
        fetch_page!(
            self,
            w,
            filter.page,
            CouncilRow,
            COUNCIL_COLUMNS,
            "councils c",
            "c.sort_key, c.id"
        )
    }

    async fn council(&self, id: &CouncilId) -> Result<Option<Council>, StoreError> {
        let row: Option<CouncilRow> = on_db!(self, |pool, d| {
            sqlx::query_as(AssertSqlSafe(format!(
                "SELECT {COUNCIL_COLUMNS} FROM councils c WHERE c.id = $1"
            )))
            .bind(id.as_str())
            .fetch_optional(pool)
            .await
            .map_err(db_err)?
        });
        row.map(CouncilRow::into_domain).transpose()
    }

    async fn commissions(&self, filter: &CommissionFilter) -> Result<Page<Commission>, StoreError> {
        let mut w = Where::default();
        if let Some(level) = filter.level {
            w.and(
                |n| format!("c.level = ${n}"),
                Arg::Text(level.as_str().to_owned()),
            );
        }
        if let Some(parent) = &filter.parent {
            w.and(
                |n| format!("c.parent = ${n}"),
                Arg::Text(parent.as_str().to_owned()),
            );
        }
        w.search("c.search", filter.query.as_deref());
        fetch_page!(
            self,
            w,
            filter.page,
            CommissionRow,
            COMMISSION_COLUMNS,
            "commissions c",
            "c.sort_key, c.id"
        )
    }

    async fn commission(&self, id: &CommissionId) -> Result<Option<Commission>, StoreError> {
        let row: Option<CommissionRow> = on_db!(self, |pool, d| {
            sqlx::query_as(AssertSqlSafe(format!(
                "SELECT {COMMISSION_COLUMNS} FROM commissions c WHERE c.id = $1"
            )))
            .bind(id.as_str())
            .fetch_optional(pool)
            .await
            .map_err(db_err)?
        });
        row.map(CommissionRow::into_domain).transpose()
    }

    async fn commission_chain(&self, id: &CommissionId) -> Result<Vec<CommissionId>, StoreError> {
        // CEC → TEC → PEC: three levels; a longer walk means a cycle written behind our back.
        const MAX_DEPTH: usize = 8;
        let mut chain = Vec::new();
        let mut current = Some(id.as_str().to_owned());
        while let Some(cid) = current.take() {
            if chain.len() == MAX_DEPTH {
                return Err(corrupt(
                    "commissions",
                    id.as_str(),
                    "parent chain has a cycle",
                ));
            }
            let row: Option<(Option<String>,)> = on_db!(self, |pool, d| {
                sqlx::query_as("SELECT parent FROM commissions WHERE id = $1")
                    .bind(cid.as_str())
                    .fetch_optional(pool)
                    .await
                    .map_err(db_err)?
            });
            let Some((parent,)) = row else {
                if chain.is_empty() {
                    return Ok(Vec::new());
                }
                return Err(corrupt("commissions", &cid, "parent does not exist"));
            };
            chain.push(CommissionId::parse(&cid).map_err(|e| corrupt("commissions", &cid, e))?);
            current = parent;
        }
        Ok(chain)
    }

    async fn stations(&self, filter: &StationFilter) -> Result<Page<PollingStation>, StoreError> {
        let mut w = Where::default();
        if let Some(council) = &filter.council {
            w.and(
                |n| format!("s.council = ${n}"),
                Arg::Text(council.as_str().to_owned()),
            );
        }
        if let Some(commission) = &filter.commission {
            w.and(
                |n| format!("s.commission = ${n}"),
                Arg::Text(commission.as_str().to_owned()),
            );
        }
        if let Some(remote) = filter.remote_voting {
            w.and(|n| format!("s.remote_voting = ${n}"), Arg::Bool(remote));
        }
        w.search("s.search", filter.query.as_deref());
        fetch_page!(
            self,
            w,
            filter.page,
            StationRow,
            STATION_COLUMNS,
            "stations s",
            "s.number"
        )
    }

    async fn station(&self, number: StationNumber) -> Result<Option<PollingStation>, StoreError> {
        let row: Option<StationRow> = on_db!(self, |pool, d| {
            sqlx::query_as(AssertSqlSafe(format!(
                "SELECT {STATION_COLUMNS} FROM stations s WHERE s.number = $1"
            )))
            .bind(i64::from(number.get()))
            .fetch_optional(pool)
            .await
            .map_err(db_err)?
        });
        row.map(StationRow::into_domain).transpose()
    }

    async fn add_station(
        &self,
        station: &PollingStation,
        event: AuditEvent,
    ) -> Result<(), StoreError> {
        on_db!(self, |pool, d| {
            let mut tx = pool.begin_write().await?;
            let head = lock_head!(tx, d);
            if !exists!(&mut *tx, PEC_EXISTS, station.commission.as_str()) {
                return Err(StoreError::unknown(Entity::Commission, &station.commission));
            }
            if !exists!(&mut *tx, COUNCIL_EXISTS, station.council.as_str()) {
                return Err(StoreError::unknown(Entity::Council, &station.council));
            }
            if !exists!(&mut *tx, TERRITORY_EXISTS, station.territory.as_str()) {
                return Err(StoreError::unknown(Entity::Territory, &station.territory));
            }
            insert_station!(tx, station);
            append_audit!(tx, head, event);
            tx.commit().await.map_err(db_err)
        })
    }

    async fn calendar_overrides(
        &self,
        election: &ElectionId,
    ) -> Result<Vec<CalendarOverrideRecord>, StoreError> {
        Ok(on_db!(self, |pool, d| read_overrides!(pool, election)))
    }

    /// The whole calendar with the new override is checked on what this transaction reads
    /// under the write lock ([`check_override`]), so two overrides set at once cannot make an
    /// invalid calendar together.
    async fn set_calendar_override(
        &self,
        election: &ElectionId,
        record: &CalendarOverrideRecord,
        event: AuditEvent,
    ) -> Result<(), OverrideError> {
        let mut tx = self.begin_tx().await?;
        let head = tx.lock_head().await?;
        let (found, stored) = tx.election_and_overrides(election).await?;
        let found = found.ok_or_else(|| OverrideError::UnknownElection(election.clone()))?;
        let event = match check_override(&found, &stored, record)? {
            Some(previous) => event.before(&previous),
            None => event,
        };
        tx.put_override(election, record).await?;
        tx.append_audit(head, event).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// The steps of a calendar override.
impl Tx {
    /// The election and the overrides it holds, read under the write lock.
    async fn election_and_overrides(
        &mut self,
        election: &ElectionId,
    ) -> Result<(Option<Election>, Vec<CalendarOverrideRecord>), StoreError> {
        Ok(on_tx!(self, |t, d| {
            let found: Option<Election> = read_election!(&mut **t, election);
            let stored = read_overrides!(&mut **t, election);
            (found, stored)
        }))
    }

    /// Writes the override, with the CEC decision behind it, over the rule's earlier one.
    async fn put_override(
        &mut self,
        election: &ElectionId,
        record: &CalendarOverrideRecord,
    ) -> Result<(), StoreError> {
        on_tx!(self, |t, d| {
            sqlx::query(
                "INSERT INTO calendar_overrides (election, rule_id, date, time, \
                 decision_number) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (election, rule_id) DO UPDATE SET date = excluded.date, \
                 time = excluded.time, decision_number = excluded.decision_number",
            )
            .bind(election.as_str())
            .bind(record.rule_id.as_str())
            .bind(record.date.to_string())
            .bind(record.time.map(|t| t.to_string()))
            .bind(record.decision.as_ref().map(DecisionNumber::as_str))
            .execute(&mut **t)
            .await
            .map_err(db_err)?;
        });
        Ok(())
    }
}

/// The steps of the setup import.
impl Tx {
    async fn insert_territories(
        &mut self,
        territories: &[Territory],
        paths: &[String],
    ) -> Result<(), StoreError> {
        on_tx!(self, |tx, d| {
            for (t, path) in territories.iter().zip(paths) {
                sqlx::query(
                    "INSERT INTO territories (id, kind, parent, path, name_ky, name_ru, name_en, \
                     search, sort_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(t.id.as_str())
                .bind(t.kind.as_str())
                .bind(t.parent.as_ref().map(TerritoryId::as_str))
                .bind(path.as_str())
                .bind(t.name.ky.as_str())
                .bind(t.name.ru.as_str())
                .bind(t.name.en.as_str())
                .bind(name_search(&t.name))
                .bind(sort_key(&t.name.ky))
                .execute(&mut **tx)
                .await
                .map_err(|e| insert_err(e, Entity::Territory, &t.id))?;
            }
        });
        Ok(())
    }

    async fn insert_councils(&mut self, councils: &[Council]) -> Result<(), StoreError> {
        on_tx!(self, |tx, d| {
            for c in councils {
                sqlx::query(
                    "INSERT INTO councils (id, kind, territory, name_ky, name_ru, name_en, \
                     search, sort_key, seats) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(c.id.as_str())
                .bind(c.kind.as_str())
                .bind(c.territory.as_str())
                .bind(c.name.ky.as_str())
                .bind(c.name.ru.as_str())
                .bind(c.name.en.as_str())
                .bind(name_search(&c.name))
                .bind(sort_key(&c.name.ky))
                .bind(i64::from(c.seats.get()))
                .execute(&mut **tx)
                .await
                .map_err(|e| insert_err(e, Entity::Council, &c.id))?;
            }
        });
        Ok(())
    }

    async fn insert_commissions(&mut self, commissions: &[Commission]) -> Result<(), StoreError> {
        on_tx!(self, |tx, d| {
            for c in commissions {
                sqlx::query(
                    "INSERT INTO commissions (id, level, parent, territory, name_ky, name_ru, \
                     name_en, search, sort_key, phone) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                )
                .bind(c.id.as_str())
                .bind(c.level.as_str())
                .bind(c.parent.as_ref().map(CommissionId::as_str))
                .bind(c.territory.as_str())
                .bind(c.name.ky.as_str())
                .bind(c.name.ru.as_str())
                .bind(c.name.en.as_str())
                .bind(name_search(&c.name))
                .bind(sort_key(&c.name.ky))
                .bind(c.phone.map(|p| p.e164()))
                .execute(&mut **tx)
                .await
                .map_err(|e| insert_err(e, Entity::Commission, &c.id))?;
            }
        });
        Ok(())
    }

    async fn insert_area(&mut self, a: &StationArea) -> Result<(), StoreError> {
        on_tx!(self, |tx, d| {
            sqlx::query(
                "INSERT INTO station_areas (station, settlement, street, street_ru, \
                 street_en) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(i64::from(a.station.get()))
            .bind(a.settlement.as_str())
            .bind(a.street.as_str())
            .bind(a.street_ru.as_deref())
            .bind(a.street_en.as_deref())
            .execute(&mut **tx)
            .await
            .map_err(|e| {
                insert_err(
                    e,
                    Entity::StationArea,
                    format!("{}/{}", a.settlement, a.street),
                )
            })?;
        });
        Ok(())
    }

    /// The elections and their councils, in order.
    async fn insert_elections(&mut self, elections: &[Election]) -> Result<(), StoreError> {
        on_tx!(self, |tx, d| {
            for e in elections {
                sqlx::query(
                    "INSERT INTO elections (id, name_ky, name_ru, name_en, decree_number, \
                     decree_date, called_on, voting_day) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(e.id.as_str())
                .bind(e.name.ky.as_str())
                .bind(e.name.ru.as_str())
                .bind(e.name.en.as_str())
                .bind(e.decree_number.as_str())
                .bind(e.decree_date.to_string())
                .bind(e.called_on.to_string())
                .bind(e.voting_day.to_string())
                .execute(&mut **tx)
                .await
                .map_err(|err| insert_err(err, Entity::Election, &e.id))?;
                for (position, council) in (0_i64..).zip(&e.councils) {
                    sqlx::query(
                        "INSERT INTO election_councils (election, council, position) \
                         VALUES ($1, $2, $3)",
                    )
                    .bind(e.id.as_str())
                    .bind(council.as_str())
                    .bind(position)
                    .execute(&mut **tx)
                    .await
                    .map_err(|err| {
                        insert_err(err, Entity::ElectionCouncil, format!("{}/{council}", e.id))
                    })?;
                }
            }
        });
        Ok(())
    }
}
