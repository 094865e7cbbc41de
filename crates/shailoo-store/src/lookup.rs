//! [`shailoo_app::VoterLookupStore`] on both engines: the point query behind "where do I
//! vote?" and the bulk reads the in-memory look-up index is built from.
//!
//! The point query is one statement over the primary key `(election, pin)` of
//! `voter_list_entries`, joined with the home station, its PEC and the council, and (only when
//! the voter votes away from home) the remote-voting station. It selects nothing about the
//! person: a look-up answer cannot leak what the query never read. A second one reads the
//! territory chain each station stands in, for its full address
//! ([`shailoo_domain::address::StationAddress`]).

use crate::rows::{TerritoryRow, corrupt, station_number};
use crate::setup::TERRITORY_CHAIN;
use crate::{Db, db_err};
use async_trait::async_trait;
use shailoo_app::StoreError;
use shailoo_app::VoterLookupStore;
use shailoo_app::lookup::{CouncilInfo, LookupDirectory, StationInfo, VoterListRow, VoterStation};
use shailoo_domain::address::{StationAddress, territory_chain};
use shailoo_domain::territory::{LocalizedName, Territory};
use shailoo_domain::{CommissionId, CouncilId, ElectionId, Pin, TerritoryId};
use std::collections::HashMap;
use std::sync::Arc;

const VOTER_STATION: &str = "SELECT e.council, e.home_station, e.station, \
     hs.address_ky, hs.address_ru, hs.address_en, hs.territory, hs.commission, \
     hs.remote_voting, \
     hc.name_ky AS pec_ky, hc.name_ru AS pec_ru, hc.name_en AS pec_en, \
     c.name_ky AS council_ky, c.name_ru AS council_ru, c.name_en AS council_en, \
     rs.address_ky AS r_address_ky, rs.address_ru AS r_address_ru, \
     rs.address_en AS r_address_en, rs.territory AS r_territory, \
     rs.commission AS r_commission, \
     rc.name_ky AS r_pec_ky, rc.name_ru AS r_pec_ru, rc.name_en AS r_pec_en \
     FROM voter_list_entries e \
     JOIN stations hs ON hs.number = e.home_station \
     JOIN commissions hc ON hc.id = hs.commission \
     JOIN councils c ON c.id = e.council \
     LEFT JOIN stations rs ON rs.number = e.station AND e.station <> e.home_station \
     LEFT JOIN commissions rc ON rc.id = rs.commission \
     WHERE e.election = $1 AND e.pin = $2";

const DIRECTORY_STATIONS: &str = "SELECT s.number, s.address_ky, s.address_ru, s.address_en, \
     s.territory, s.commission, s.remote_voting, c.name_ky AS pec_ky, c.name_ru AS pec_ru, \
     c.name_en AS pec_en \
     FROM stations s JOIN commissions c ON c.id = s.commission ORDER BY s.number";

const DIRECTORY_TERRITORIES: &str =
    "SELECT id, kind, parent, name_ky, name_ru, name_en FROM territories";

const DIRECTORY_COUNCILS: &str = "SELECT id, name_ky, name_ru, name_en FROM councils ORDER BY id";

const LIST_PAGE_FIRST: &str = "SELECT pin, council, home_station, station \
     FROM voter_list_entries WHERE election = $1 ORDER BY pin LIMIT $2";

const LIST_PAGE_AFTER: &str = "SELECT pin, council, home_station, station \
     FROM voter_list_entries WHERE election = $1 AND pin > $3 ORDER BY pin LIMIT $2";

#[derive(sqlx::FromRow)]
struct VoterStationRow {
    council: String,
    home_station: i64,
    station: i64,
    address_ky: String,
    address_ru: String,
    address_en: String,
    territory: String,
    commission: String,
    remote_voting: bool,
    pec_ky: String,
    pec_ru: String,
    pec_en: String,
    council_ky: String,
    council_ru: String,
    council_en: String,
    r_address_ky: Option<String>,
    r_address_ru: Option<String>,
    r_address_en: Option<String>,
    r_territory: Option<String>,
    r_commission: Option<String>,
    r_pec_ky: Option<String>,
    r_pec_ru: Option<String>,
    r_pec_en: Option<String>,
}

#[derive(sqlx::FromRow)]
struct DirectoryStationRow {
    number: i64,
    address_ky: String,
    address_ru: String,
    address_en: String,
    territory: String,
    commission: String,
    remote_voting: bool,
    pec_ky: String,
    pec_ru: String,
    pec_en: String,
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

impl VoterStationRow {
    /// `key` names the row in messages without the PIN, which stays out of logs. `chains`
    /// holds the territory chain of the home station and, for a remote voter, of the
    /// remote-voting station.
    fn into_domain(
        self,
        key: &str,
        chains: &HashMap<String, Vec<Territory>>,
    ) -> Result<VoterStation, StoreError> {
        const T: &str = "voter_list_entries";
        let chain = |territory: &str| chains.get(territory).map(Vec::as_slice).unwrap_or(&[]);
        let home = station_number(T, key, self.home_station)?;
        let votes_at = station_number(T, key, self.station)?;
        let remote = if votes_at == home {
            None
        } else {
            match (
                self.r_address_ky,
                self.r_address_ru,
                self.r_address_en,
                self.r_territory,
                self.r_commission,
                self.r_pec_ky,
                self.r_pec_ru,
                self.r_pec_en,
            ) {
                (
                    Some(ky),
                    Some(ru),
                    Some(en),
                    Some(territory),
                    Some(c),
                    Some(pky),
                    Some(pru),
                    Some(pen),
                ) => Some(Arc::new(StationInfo {
                    number: votes_at,
                    address: StationAddress::new(&name(ky, ru, en), chain(&territory)),
                    commission: commission_id(T, key, &c)?,
                    commission_name: name(pky, pru, pen),
                    remote_voting: true,
                })),
                _ => {
                    return Err(corrupt(
                        T,
                        key,
                        format!("station {votes_at} does not exist"),
                    ));
                }
            }
        };
        let address = name(self.address_ky, self.address_ru, self.address_en);
        Ok(VoterStation {
            station: Arc::new(StationInfo {
                number: home,
                address: StationAddress::new(&address, chain(&self.territory)),
                commission: commission_id(T, key, &self.commission)?,
                commission_name: name(self.pec_ky, self.pec_ru, self.pec_en),
                remote_voting: self.remote_voting,
            }),
            remote_voting_station: remote,
            council: Arc::new(CouncilInfo {
                id: council_id(T, key, &self.council)?,
                name: name(self.council_ky, self.council_ru, self.council_en),
            }),
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
        let row: Option<VoterStationRow> = on_db!(self, |pool, d| {
            sqlx::query_as(VOTER_STATION)
                .bind(election.as_str())
                .bind(pin.as_str())
                .fetch_optional(pool)
                .await
                .map_err(db_err)?
        });
        let Some(row) = row else { return Ok(None) };
        let mut chains = HashMap::new();
        for territory in [Some(&row.territory), row.r_territory.as_ref()]
            .into_iter()
            .flatten()
        {
            if chains.contains_key(territory) {
                continue;
            }
            let rows: Vec<TerritoryRow> = on_db!(self, |pool, d| {
                sqlx::query_as(TERRITORY_CHAIN)
                    .bind(territory.as_str())
                    .fetch_all(pool)
                    .await
                    .map_err(db_err)?
            });
            let chain = rows
                .into_iter()
                .map(TerritoryRow::into_domain)
                .collect::<Result<Vec<_>, _>>()?;
            chains.insert(territory.clone(), chain);
        }
        row.into_domain(&format!("{election}/<pin>"), &chains)
            .map(Some)
    }

    async fn lookup_directory(&self) -> Result<LookupDirectory, StoreError> {
        let (stations, councils, territories): (
            Vec<DirectoryStationRow>,
            Vec<DirectoryCouncilRow>,
            Vec<TerritoryRow>,
        ) = on_db!(self, |pool, d| {
            let stations = sqlx::query_as(DIRECTORY_STATIONS)
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
                let key = s.number.to_string();
                let territory = territory_id("stations", &key, &s.territory)?;
                let chain = territory_chain(&territory, |id| territories.get(id));
                Ok(StationInfo {
                    number: station_number("stations", &key, s.number)?,
                    address: StationAddress::new(
                        &name(s.address_ky, s.address_ru, s.address_en),
                        chain,
                    ),
                    commission: commission_id("stations", &key, &s.commission)?,
                    commission_name: name(s.pec_ky, s.pec_ru, s.pec_en),
                    remote_voting: s.remote_voting,
                })
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
