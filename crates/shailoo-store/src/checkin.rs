//! [`shailoo_app::CheckInStore`] on both engines.
//!
//! A check-in first reads, without any lock, the voter's list entry and any check-in already
//! recorded: refusals (not listed, wrong station, already voted) end there and write nothing.
//! Otherwise one writing transaction takes the audit head lock and runs
//! `INSERT … ON CONFLICT (election, pin) DO NOTHING`: the primary key decides who got the
//! ballot, and when the insert affects no row (a concurrent request won), the winning row is
//! read back and reported as `AlreadyVoted`. The audit entry is appended in the same
//! transaction, only for a recorded check-in.

use crate::rows::{TerritoryRow, corrupt, station_number, top_territory};
use crate::{Db, Tx, db_err};
use async_trait::async_trait;
use jiff::Timestamp;
use jiff::civil::{Date, Time};
use shailoo_app::CheckInStore;
use shailoo_app::access::Region;
use shailoo_app::checkin::{
    CheckInOutcome, CouncilTurnout, CouncilTurnouts, StationTurnout, TURNOUT_HOURS, check_in_event,
};
use shailoo_app::{Entity, StoreError};
use shailoo_domain::territory::LocalizedName;
use shailoo_domain::time::from_bishkek;
use shailoo_domain::{CouncilId, ElectionId, Pin, StationNumber, TerritoryId};
use std::collections::HashMap;

/// The stored form of a check-in instant: fixed-width UTC text, so that text order is time
/// order on both engines (RFC 3339 with optional fractions is not: `…:00.5Z` < `…:00Z`).
pub(crate) fn instant_text(at: Timestamp) -> String {
    at.strftime("%Y-%m-%dT%H:%M:%S.%6fZ").to_string()
}

const LIST_STATION: &str =
    "SELECT station FROM voter_list_entries WHERE election = $1 AND pin = $2";

const INSERT_CHECK_IN: &str = "INSERT INTO check_ins (election, pin, station, at, by_user) \
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (election, pin) DO NOTHING";

const EXISTING_CHECK_IN: &str =
    "SELECT station, at FROM check_ins WHERE election = $1 AND pin = $2";

const TURNOUT: &str = "SELECT station, \
     SUM(CASE WHEN at < $2 THEN 1 ELSE 0 END), SUM(CASE WHEN at < $3 THEN 1 ELSE 0 END), \
     SUM(CASE WHEN at < $4 THEN 1 ELSE 0 END), SUM(CASE WHEN at < $5 THEN 1 ELSE 0 END), \
     SUM(CASE WHEN at < $6 THEN 1 ELSE 0 END), SUM(CASE WHEN at < $7 THEN 1 ELSE 0 END), \
     COUNT(*) FROM check_ins WHERE election = $1 AND ($8 < 0 OR station = $8) \
     GROUP BY station ORDER BY station";

type TurnoutRow = (i64, i64, i64, i64, i64, i64, i64, i64);

/// The councils of an election with their names and the path of their territory.
const ELECTION_COUNCILS: &str = "SELECT ec.council, c.name_ky, c.name_ru, c.name_en, t.path \
     FROM election_councils ec JOIN councils c ON c.id = ec.council \
     JOIN territories t ON t.id = c.territory WHERE ec.election = $1 ORDER BY ec.position";

const LISTED_BY_COUNCIL: &str = "SELECT council, COUNT(*) FROM voter_list_entries \
     WHERE election = $1 GROUP BY council";

/// Check-ins by the voter's own council (a remote voter's too), by hour.
const TURNOUT_BY_COUNCIL: &str = "SELECT e.council, \
     SUM(CASE WHEN k.at < $2 THEN 1 ELSE 0 END), SUM(CASE WHEN k.at < $3 THEN 1 ELSE 0 END), \
     SUM(CASE WHEN k.at < $4 THEN 1 ELSE 0 END), SUM(CASE WHEN k.at < $5 THEN 1 ELSE 0 END), \
     SUM(CASE WHEN k.at < $6 THEN 1 ELSE 0 END), SUM(CASE WHEN k.at < $7 THEN 1 ELSE 0 END), \
     COUNT(*) FROM check_ins k JOIN voter_list_entries e \
     ON e.election = k.election AND e.pin = k.pin WHERE k.election = $1 GROUP BY e.council";

const REGIONS: &str =
    "SELECT id, kind, parent, name_ky, name_ru, name_en FROM territories WHERE parent IS NULL";

type CouncilRow = (String, String, String, String, String);
type CouncilCountRow = (String, i64, i64, i64, i64, i64, i64, i64);

fn count(n: i64) -> Result<u64, StoreError> {
    u64::try_from(n).map_err(|_| corrupt("check_ins", "count", format!("negative count {n}")))
}

#[async_trait]
impl CheckInStore for Db {
    async fn check_in(
        &self,
        election: &ElectionId,
        pin: &Pin,
        station: StationNumber,
        actor_name: &str,
        at: Timestamp,
    ) -> Result<CheckInOutcome, StoreError> {
        let key = format!("{election}/<pin>");
        // Reads first, without the write lock: refusals write nothing, so they never queue on
        // the audit chain. The list entry is final on voting day (lists freeze after CAL-12),
        // and a check-in row, once there, is never removed, so both answers hold.
        let Some(listed) = self.listed_station(election, pin, &key).await? else {
            return Ok(CheckInOutcome::NotOnAnyList);
        };
        let existing: Option<(i64, String)> = on_db!(self, |pool, d| {
            sqlx::query_as(EXISTING_CHECK_IN)
                .bind(election.as_str())
                .bind(pin.as_str())
                .fetch_optional(pool)
                .await
                .map_err(db_err)?
        });
        // At another station, "already voted there" says more than "wrong station".
        let elsewhere = CheckInOutcome::NotOnThisStationsList { station: listed };
        if existing.is_some() || listed != station {
            return existing_or(existing, &key, elsewhere);
        }
        // The decision itself: the primary key, under the audit head lock.
        let mut tx = self.begin_tx().await?;
        let head = tx.lock_head().await?;
        if !tx
            .insert_check_in(election, pin, station, actor_name, at)
            .await?
        {
            // Lost a race with a concurrent check-in of the same voter.
            let row: Option<(i64, String)> = on_tx!(&mut tx, |t, d| {
                sqlx::query_as(EXISTING_CHECK_IN)
                    .bind(election.as_str())
                    .bind(pin.as_str())
                    .fetch_optional(&mut **t)
                    .await
                    .map_err(db_err)?
            });
            return existing_or(row, &key, elsewhere);
        }
        tx.append_audit(head, check_in_event(election, pin, station, actor_name, at))
            .await?;
        tx.commit().await?;
        Ok(CheckInOutcome::CheckedIn)
    }

    async fn turnout(
        &self,
        election: &ElectionId,
        station: Option<StationNumber>,
    ) -> Result<Vec<StationTurnout>, StoreError> {
        let date = self.voting_day(election).await?;
        let rows: Vec<TurnoutRow> = on_db!(self, |pool, d| {
            let mut query = sqlx::query_as(TURNOUT).bind(election.as_str());
            for hour in TURNOUT_HOURS {
                let cutoff = from_bishkek(date, Time::constant(hour, 0, 0, 0));
                query = query.bind(instant_text(cutoff));
            }
            query
                .bind(station.map_or(-1, |s| i64::from(s.get())))
                .fetch_all(pool)
                .await
                .map_err(db_err)?
        });
        rows.into_iter()
            .map(|r| {
                Ok(StationTurnout {
                    station: station_number("check_ins", election.as_str(), r.0)?,
                    by_hour: [
                        count(r.1)?,
                        count(r.2)?,
                        count(r.3)?,
                        count(r.4)?,
                        count(r.5)?,
                        count(r.6)?,
                    ],
                    total: count(r.7)?,
                })
            })
            .collect()
    }

    async fn council_turnout(&self, election: &ElectionId) -> Result<CouncilTurnouts, StoreError> {
        let date = self.voting_day(election).await?;
        let (councils, listed, turnout, regions): (
            Vec<CouncilRow>,
            Vec<(String, i64)>,
            Vec<CouncilCountRow>,
            Vec<TerritoryRow>,
        ) = on_db!(self, |pool, d| {
            let councils = sqlx::query_as(ELECTION_COUNCILS)
                .bind(election.as_str())
                .fetch_all(pool)
                .await
                .map_err(db_err)?;
            let listed = sqlx::query_as(LISTED_BY_COUNCIL)
                .bind(election.as_str())
                .fetch_all(pool)
                .await
                .map_err(db_err)?;
            let mut query = sqlx::query_as(TURNOUT_BY_COUNCIL).bind(election.as_str());
            for hour in TURNOUT_HOURS {
                let cutoff = from_bishkek(date, Time::constant(hour, 0, 0, 0));
                query = query.bind(instant_text(cutoff));
            }
            let turnout = query.fetch_all(pool).await.map_err(db_err)?;
            let regions = sqlx::query_as(REGIONS)
                .fetch_all(pool)
                .await
                .map_err(db_err)?;
            (councils, listed, turnout, regions)
        });
        let regions = regions
            .into_iter()
            .map(|r| {
                r.into_domain().map(|t| Region {
                    id: t.id,
                    name: t.name,
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(CouncilTurnouts {
            councils: council_turnouts(councils, listed, turnout)?,
            regions,
        })
    }
}

/// Each council of the election with its voters on the lists and its check-ins by hour.
fn council_turnouts(
    councils: Vec<CouncilRow>,
    listed: Vec<(String, i64)>,
    turnout: Vec<CouncilCountRow>,
) -> Result<Vec<CouncilTurnout>, StoreError> {
    const T: &str = "councils";
    let listed: HashMap<String, i64> = listed.into_iter().collect();
    let turnout: HashMap<String, CouncilCountRow> =
        turnout.into_iter().map(|r| (r.0.clone(), r)).collect();
    councils
        .into_iter()
        .map(|(id, ky, ru, en, path)| {
            let region = top_territory(&path)
                .and_then(|r| TerritoryId::parse(r).ok())
                .ok_or_else(|| corrupt(T, &id, format!("territory path {path:?}")))?;
            let (by_hour, total) = match turnout.get(&id) {
                Some(r) => (
                    [
                        count(r.1)?,
                        count(r.2)?,
                        count(r.3)?,
                        count(r.4)?,
                        count(r.5)?,
                        count(r.6)?,
                    ],
                    count(r.7)?,
                ),
                None => ([0; 6], 0),
            };
            Ok(CouncilTurnout {
                council: CouncilId::parse(&id).map_err(|e| corrupt(T, &id, format!("id: {e}")))?,
                name: LocalizedName { ky, ru, en },
                region,
                listed: count(listed.get(&id).copied().unwrap_or(0))?,
                by_hour,
                total,
            })
        })
        .collect()
}

impl Db {
    /// The voting day of an election; `UnknownReference` when there is none.
    async fn voting_day(&self, election: &ElectionId) -> Result<Date, StoreError> {
        let day: Option<String> = on_db!(self, |pool, d| {
            sqlx::query_scalar("SELECT voting_day FROM elections WHERE id = $1")
                .bind(election.as_str())
                .fetch_optional(pool)
                .await
                .map_err(db_err)?
        });
        let Some(day) = day else {
            return Err(StoreError::unknown(Entity::Election, election));
        };
        day.parse()
            .map_err(|e| corrupt("elections", election.as_str(), format!("voting_day: {e}")))
    }
}

/// `AlreadyVoted` from the check-in row that holds the key, else `otherwise`.
fn existing_or(
    row: Option<(i64, String)>,
    key: &str,
    otherwise: CheckInOutcome,
) -> Result<CheckInOutcome, StoreError> {
    match row {
        None => Ok(otherwise),
        Some((station, at)) => Ok(CheckInOutcome::AlreadyVoted {
            station: station_number("check_ins", key, station)?,
            at: at
                .parse()
                .map_err(|e| corrupt("check_ins", key, format!("at {at:?}: {e}")))?,
        }),
    }
}

impl Db {
    /// The station whose list holds the voter, if any.
    async fn listed_station(
        &self,
        election: &ElectionId,
        pin: &Pin,
        key: &str,
    ) -> Result<Option<StationNumber>, StoreError> {
        let listed: Option<i64> = on_db!(self, |pool, d| {
            sqlx::query_scalar(LIST_STATION)
                .bind(election.as_str())
                .bind(pin.as_str())
                .fetch_optional(pool)
                .await
                .map_err(db_err)?
        });
        listed
            .map(|s| station_number("voter_list_entries", key, s))
            .transpose()
    }
}

impl Tx {
    /// Records the check-in; `false` when the voter's row is there already.
    async fn insert_check_in(
        &mut self,
        election: &ElectionId,
        pin: &Pin,
        station: StationNumber,
        actor_name: &str,
        at: Timestamp,
    ) -> Result<bool, StoreError> {
        let inserted = on_tx!(self, |t, d| {
            sqlx::query(INSERT_CHECK_IN)
                .bind(election.as_str())
                .bind(pin.as_str())
                .bind(i64::from(station.get()))
                .bind(instant_text(at))
                .bind(actor_name)
                .execute(&mut **t)
                .await
                .map_err(db_err)?
                .rows_affected()
        });
        Ok(inserted == 1)
    }
}

impl Db {
    /// `(rows, distinct PINs)` of an election's check-ins: equal unless the one-ballot key
    /// were broken. For the benchmark's after-check, which trusts nothing it measured.
    #[doc(hidden)]
    pub async fn check_in_counts(&self, election: &ElectionId) -> Result<(u64, u64), StoreError> {
        let (rows, pins): (i64, i64) = on_db!(self, |pool, d| {
            sqlx::query_as(
                "SELECT COUNT(*), COUNT(DISTINCT pin) FROM check_ins WHERE election = $1",
            )
            .bind(election.as_str())
            .fetch_one(pool)
            .await
            .map_err(db_err)?
        });
        Ok((count(rows)?, count(pins)?))
    }
}
