//! [`shailoo_app::VoterLookupStore`] on both engines: the point query behind "where do I
//! vote?" and the bulk reads the in-memory look-up index is built from.
//!
//! The point query reads the entry by the primary key `(election, pin)` of
//! `voter_list_entries` with the council, then the home station (and, only when the voter
//! votes away from home, the remote-voting station) with its PEC, its accessibility and the
//! territory chain it stands in, for its full address
//! ([`shailoo_domain::address::StationAddress`]). It selects nothing about the person: a
//! look-up answer cannot leak what the query never read.

use crate::rows::{TerritoryRow, corrupt, phone, station_number};
use crate::setup::TERRITORY_CHAIN;
use crate::{Db, db_err};
use async_trait::async_trait;
use shailoo_app::StoreError;
use shailoo_app::VoterLookupStore;
use shailoo_app::lookup::{CouncilInfo, LookupDirectory, StationInfo, VoterListRow, VoterStation};
use shailoo_domain::address::{StationAddress, territory_chain};
use shailoo_domain::territory::{Accessibility, LocalizedName, Territory};
use shailoo_domain::{CommissionId, CouncilId, ElectionId, Pin, StationNumber, TerritoryId};
use sqlx::AssertSqlSafe;
use std::collections::HashMap;
use std::sync::Arc;

/// The entry and the voter's council; the stations are read by [`STATIONS`].
const VOTER_ENTRY: &str = "SELECT e.council, e.home_station, e.station, \
     c.name_ky AS council_ky, c.name_ru AS council_ru, c.name_en AS council_en \
     FROM voter_list_entries e JOIN councils c ON c.id = e.council \
     WHERE e.election = $1 AND e.pin = $2";

/// A station as an answer names it: the columns of [`StationInfoRow`].
const STATION_INFO_COLUMNS: &str = "SELECT s.number, s.address_ky, s.address_ru, \
     s.address_en, s.territory, s.commission, s.remote_voting, s.ramp, s.call_button, \
     s.ground_floor, s.wide_doors, s.parking, s.tactile_signs, s.lighting, \
     c.name_ky AS pec_ky, c.name_ru AS pec_ru, c.name_en AS pec_en, c.phone AS pec_phone \
     FROM stations s JOIN commissions c ON c.id = s.commission";

const DIRECTORY_TERRITORIES: &str =
    "SELECT id, kind, parent, name_ky, name_ru, name_en FROM territories";

const DIRECTORY_COUNCILS: &str = "SELECT id, name_ky, name_ru, name_en FROM councils ORDER BY id";

const LIST_PAGE_FIRST: &str = "SELECT pin, council, home_station, station \
     FROM voter_list_entries WHERE election = $1 ORDER BY pin LIMIT $2";

const LIST_PAGE_AFTER: &str = "SELECT pin, council, home_station, station \
     FROM voter_list_entries WHERE election = $1 AND pin > $3 ORDER BY pin LIMIT $2";

#[derive(sqlx::FromRow)]
struct VoterEntryRow {
    council: String,
    home_station: i64,
    station: i64,
    council_ky: String,
    council_ru: String,
    council_en: String,
}

#[derive(sqlx::FromRow)]
struct StationInfoRow {
    number: i64,
    address_ky: String,
    address_ru: String,
    address_en: String,
    territory: String,
    commission: String,
    remote_voting: bool,
    ramp: bool,
    call_button: bool,
    ground_floor: bool,
    wide_doors: bool,
    parking: bool,
    tactile_signs: bool,
    lighting: bool,
    pec_ky: String,
    pec_ru: String,
    pec_en: String,
    pec_phone: Option<String>,
}

#[derive(sqlx::FromRow)]
struct DirectoryCouncilRow {
    id: String,
    name_ky: String,
    name_ru: String,
    name_en: String,
}

#[derive(sqlx::FromRow)]
struct ListRow {
    pin: String,
    council: String,
    home_station: i64,
    station: i64,
}

fn name(ky: String, ru: String, en: String) -> LocalizedName {
    LocalizedName { ky, ru, en }
}

fn commission_id(table: &str, key: &str, value: &str) -> Result<CommissionId, StoreError> {
    CommissionId::parse(value)
        .map_err(|e| corrupt(table, key, format!("commission {value:?}: {e}")))
}

fn council_id(table: &str, key: &str, value: &str) -> Result<CouncilId, StoreError> {
    CouncilId::parse(value).map_err(|e| corrupt(table, key, format!("council {value:?}: {e}")))
}

fn territory_id(table: &str, key: &str, value: &str) -> Result<TerritoryId, StoreError> {
    TerritoryId::parse(value).map_err(|e| corrupt(table, key, format!("territory {value:?}: {e}")))
}

impl StationInfoRow {
    /// The station with its full address, `chain` being the territory chain it stands in.
    fn into_domain(self, chain: Vec<&Territory>) -> Result<StationInfo, StoreError> {
        const T: &str = "stations";
        let key = self.number.to_string();
        Ok(StationInfo {
            number: station_number(T, &key, self.number)?,
            address: StationAddress::new(
                &name(self.address_ky, self.address_ru, self.address_en),
                chain,
            ),
            commission: commission_id(T, &key, &self.commission)?,
            commission_name: name(self.pec_ky, self.pec_ru, self.pec_en),
            commission_phone: phone("commissions", &self.commission, self.pec_phone.as_deref())?,
            remote_voting: self.remote_voting,
            accessibility: Accessibility {
                ramp: self.ramp,
                call_button: self.call_button,
                ground_floor: self.ground_floor,
                wide_doors: self.wide_doors,
                parking: self.parking,
                tactile_signs: self.tactile_signs,
                lighting: self.lighting,
            },
        })
    }
}

#[async_trait]
impl VoterLookupStore for Db {
    async fn voter_station(
        &self,
        election: &ElectionId,
        pin: &Pin,
    ) -> Result<Option<VoterStation>, StoreError> {
        const T: &str = "voter_list_entries";
        // Names the row in messages without the PIN, which stays out of logs.
        let key = format!("{election}/<pin>");
        let entry: Option<VoterEntryRow> = on_db!(self, |pool, d| {
            sqlx::query_as(VOTER_ENTRY)
                .bind(election.as_str())
                .bind(pin.as_str())
                .fetch_optional(pool)
                .await
                .map_err(db_err)?
        });
        let Some(entry) = entry else { return Ok(None) };
        let home = station_number(T, &key, entry.home_station)?;
        let votes_at = station_number(T, &key, entry.station)?;
        let station = self.station_info(home).await?;
        let remote = if votes_at == home {
            None
        } else {
            Some(Arc::new(self.station_info(votes_at).await?))
        };
        Ok(Some(VoterStation {
            station: Arc::new(station),
            remote_voting_station: remote,
            council: Arc::new(CouncilInfo {
                id: council_id(T, &key, &entry.council)?,
                name: name(entry.council_ky, entry.council_ru, entry.council_en),
            }),
            // The use case adds what the entry does not hold (`shailoo_app::lookup`).
            district: None,
            hours: None,
        }))
    }

    async fn lookup_directory(&self) -> Result<LookupDirectory, StoreError> {
        let (stations, councils, territories): (
            Vec<StationInfoRow>,
            Vec<DirectoryCouncilRow>,
            Vec<TerritoryRow>,
        ) = on_db!(self, |pool, d| {
            let stations = sqlx::query_as(AssertSqlSafe(format!(
                "{STATION_INFO_COLUMNS} ORDER BY s.number"
            )))
            .fetch_all(pool)
            .await
            .map_err(db_err)?;
            let councils = sqlx::query_as(DIRECTORY_COUNCILS)
                .fetch_all(pool)
                .await
                .map_err(db_err)?;
            let territories = sqlx::query_as(DIRECTORY_TERRITORIES)
                .fetch_all(pool)
                .await
                .map_err(db_err)?;
            (stations, councils, territories)
        });
        let territories: HashMap<TerritoryId, Territory> = territories
            .into_iter()
            .map(|t| t.into_domain().map(|t| (t.id.clone(), t)))
            .collect::<Result<_, StoreError>>()?;
        let stations = stations
            .into_iter()
            .map(|s| {
                let territory = territory_id("stations", &s.number.to_string(), &s.territory)?;
                let chain = territory_chain(&territory, |id| territories.get(id));
                s.into_domain(chain)
            })
            .collect::<Result<_, StoreError>>()?;
        let councils = councils
            .into_iter()
            .map(|c| {
                Ok(CouncilInfo {
                    id: council_id("councils", &c.id, &c.id)?,
                    name: name(c.name_ky, c.name_ru, c.name_en),
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(LookupDirectory { stations, councils })
    }

    async fn voter_list_page(
        &self,
        election: &ElectionId,
        after: Option<&Pin>,
        limit: u32,
    ) -> Result<Vec<VoterListRow>, StoreError> {
        let rows: Vec<ListRow> = on_db!(self, |pool, d| {
            let query = match after {
                None => sqlx::query_as(LIST_PAGE_FIRST),
                Some(_) => sqlx::query_as(LIST_PAGE_AFTER),
            }
            .bind(election.as_str())
            .bind(i64::from(limit));
            let query = match after {
                None => query,
                Some(pin) => query.bind(pin.as_str()),
            };
            query.fetch_all(pool).await.map_err(db_err)?
        });
        const T: &str = "voter_list_entries";
        rows.into_iter()
            .map(|r| {
                let key = format!("{election}/<pin>");
                Ok(VoterListRow {
                    pin: Pin::parse(&r.pin)
                        .map_err(|e| corrupt(T, &key, format!("column pin: {}", e.code())))?,
                    council: council_id(T, &key, &r.council)?,
                    home_station: station_number(T, &key, r.home_station)?,
                    station: station_number(T, &key, r.station)?,
                })
            })
            .collect()
    }
}

impl Db {
    /// One station as an answer names it, with the territory chain of its address.
    async fn station_info(&self, number: StationNumber) -> Result<StationInfo, StoreError> {
        let row: Option<StationInfoRow> = on_db!(self, |pool, d| {
            sqlx::query_as(AssertSqlSafe(format!(
                "{STATION_INFO_COLUMNS} WHERE s.number = $1"
            )))
            .bind(i64::from(number.get()))
            .fetch_optional(pool)
            .await
            .map_err(db_err)?
        });
        let row = row.ok_or_else(|| {
            corrupt(
                "voter_list_entries",
                "<pin>",
                format!("station {number} does not exist"),
            )
        })?;
        let chain: Vec<TerritoryRow> = on_db!(self, |pool, d| {
            sqlx::query_as(TERRITORY_CHAIN)
                .bind(row.territory.as_str())
                .fetch_all(pool)
                .await
                .map_err(db_err)?
        });
        let chain = chain
            .into_iter()
            .map(TerritoryRow::into_domain)
            .collect::<Result<Vec<_>, _>>()?;
        row.into_domain(chain.iter().collect())
    }

    /// Writes voter-list entries directly, **without an audit entry**, in one transaction.
    ///
    /// For tests and benchmark set-ups that need lists without running the list compiler.
    /// Production code changes lists through the voter-list use cases, which audit every
    /// change; the look-up index relies on that (see `shailoo_app::lookup`), so entries written
    /// here after an index was built stay invisible to it until the next audited change.
    #[doc(hidden)]
    pub async fn put_voter_list_entries_unaudited(
        &self,
        election: &ElectionId,
        rows: &[VoterListRow],
    ) -> Result<(), StoreError> {
        on_db!(self, |pool, d| {
            let mut tx = pool.begin().await.map_err(db_err)?;
            for r in rows {
                sqlx::query(
                    "INSERT INTO voter_list_entries (election, pin, council, home_station, \
                     station) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(election.as_str())
                .bind(r.pin.as_str())
                .bind(r.council.as_str())
                .bind(i64::from(r.home_station.get()))
                .bind(i64::from(r.station.get()))
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            }
            tx.commit().await.map_err(db_err)?;
        });
        Ok(())
    }
}
