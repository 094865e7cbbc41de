//! [`shailoo_app::DistrictSchemeStore`] on both engines: districting units with their borders,
//! and the district schemes of DIS-02 (one row per council and election, its districts and
//! their units), written whole on every transition with the audit entry in the same
//! transaction.

use crate::rows::{corrupt, station_number, timestamp};
use crate::{Db, Tx, db_err, insert_err};
use async_trait::async_trait;
use jiff::Timestamp;
use shailoo_app::audit::AuditEvent;
use shailoo_app::districts::{
    CouncilDistrictingUnits, DistrictingUnit, SchemeRecord, SchemeStatus,
};
use shailoo_app::{DistrictSchemeStore, Entity, StoreError};
use shailoo_domain::district::{District, DistrictId, UnitId};
use shailoo_domain::territory::LocalizedName;
use shailoo_domain::{CouncilId, ElectionId, TerritoryId};
use std::collections::{BTreeMap, HashMap, HashSet};

/// A unit row with its settlement's names (NULL when the unit names no settlement).
type UnitRow = (
    String,
    Option<String>,
    Option<i64>,
    i64,
    bool,
    f64,
    f64,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// A scheme row: id, council, election, version, status, comment, author, created, updated,
/// submitted, decided, decided by.
type SchemeRow = (
    i64,
    String,
    String,
    i64,
    String,
    Option<String>,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

const SCHEME_COLUMNS: &str = "SELECT id, council, election, version, status, comment, author, \
     created_at, updated_at, submitted_at, decided_at, decided_by FROM district_schemes";

fn unit_id(key: &str, s: &str) -> Result<UnitId, StoreError> {
    UnitId::parse(s).map_err(|e| corrupt("district_units", key, e))
}

fn opt_time(key: &str, column: &str, v: Option<String>) -> Result<Option<Timestamp>, StoreError> {
    v.map(|v| timestamp("district_schemes", key, column, &v))
        .transpose()
}

fn scheme_from_row(row: SchemeRow, districts: Vec<District>) -> Result<SchemeRecord, StoreError> {
    let key = row.0.to_string();
    let k = key.as_str();
    Ok(SchemeRecord {
        id: row.0,
        council: CouncilId::parse(&row.1).map_err(|e| corrupt("district_schemes", k, e))?,
        election: ElectionId::parse(&row.2).map_err(|e| corrupt("district_schemes", k, e))?,
        version: u32::try_from(row.3).map_err(|e| corrupt("district_schemes", k, e))?,
        status: SchemeStatus::parse(&row.4)
            .ok_or_else(|| corrupt("district_schemes", k, format!("status {:?}", row.4)))?,
        comment: row.5,
        author: row.6,
        created_at: timestamp("district_schemes", k, "created_at", &row.7)?,
        updated_at: timestamp("district_schemes", k, "updated_at", &row.8)?,
        submitted_at: opt_time(k, "submitted_at", row.9)?,
        decided_at: opt_time(k, "decided_at", row.10)?,
        decided_by: row.11,
        districts,
    })
}

/// Builds the districts of schemes from `(scheme, number, seats, remote)` rows in order and
/// `(scheme, number, unit)` rows in order.
fn districts_of(
    districts: Vec<(i64, String, i64, bool)>,
    units: Vec<(i64, String, String)>,
) -> Result<HashMap<i64, Vec<District>>, StoreError> {
    let mut members: HashMap<(i64, String), Vec<UnitId>> = HashMap::new();
    for (scheme, number, unit) in units {
        let id = unit_id(&format!("{scheme}/{number}"), &unit)?;
        members.entry((scheme, number)).or_default().push(id);
    }
    let mut out: HashMap<i64, Vec<District>> = HashMap::new();
    for (scheme, number, seats, remote) in districts {
        let key = format!("{scheme}/{number}");
        let id = DistrictId::parse(&number).map_err(|e| corrupt("scheme_districts", &key, e))?;
        let seats = u32::try_from(seats).map_err(|e| corrupt("scheme_districts", &key, e))?;
        let units = members.remove(&(scheme, number)).unwrap_or_default();
        out.entry(scheme).or_default().push(District {
            id,
            units,
            seats,
            remote,
        });
    }
    Ok(out)
}

#[async_trait]
impl DistrictSchemeStore for Db {
    async fn import_district_units(
        &self,
        councils: &[CouncilDistrictingUnits],
        event: AuditEvent,
    ) -> Result<u64, StoreError> {
        check_borders(councils)?;
        let mut tx = self.begin_tx().await?;
        let head = tx.lock_head().await?;
        let mut stored = 0_u64;
        for c in councils {
            tx.require(COUNCIL_EXISTS, Entity::Council, c.council.as_str())
                .await?;
            if tx.council_has_units(&c.council).await? {
                return Err(StoreError::Duplicate {
                    entity: Entity::CouncilUnits,
                    key: c.council.to_string(),
                });
            }
            for (position, u) in (0_i64..).zip(&c.units) {
                tx.insert_unit(&c.council, position, u).await?;
                stored += 1;
            }
            tx.insert_borders(c).await?;
        }
        tx.append_audit(head, event).await?;
        tx.commit().await?;
        Ok(stored)
    }

    async fn district_units(
        &self,
        council: &CouncilId,
        election: Option<&ElectionId>,
    ) -> Result<Vec<DistrictingUnit>, StoreError> {
        let (rows, borders, counted): (
            Vec<UnitRow>,
            Vec<(String, String)>,
            Option<Vec<(i64, String, i64)>>,
        ) = on_db!(self, |pool, d| {
            let rows: Vec<UnitRow> = sqlx::query_as(
                "SELECT u.id, u.settlement, u.station, u.voters, u.remote, u.x_km, u.y_km, \
                 t.name_ky, t.name_ru, t.name_en FROM district_units u \
                 LEFT JOIN territories t ON t.id = u.settlement \
                 WHERE u.council = $1 ORDER BY u.position",
            )
            .bind(council.as_str())
            .fetch_all(pool)
            .await
            .map_err(db_err)?;
            let borders: Vec<(String, String)> = sqlx::query_as(
                "SELECT unit, neighbor FROM district_unit_neighbors WHERE council = $1 \
                 ORDER BY unit, neighbor",
            )
            .bind(council.as_str())
            .fetch_all(pool)
            .await
            .map_err(db_err)?;
            let compiled = match election {
                Some(e) => {
                    let at: Option<Option<String>> = sqlx::query_scalar(
                        "SELECT compiled_at FROM voter_list_state WHERE election = $1",
                    )
                    .bind(e.as_str())
                    .fetch_optional(pool)
                    .await
                    .map_err(db_err)?;
                    at.flatten().is_some()
                }
                None => false,
            };
            // A unit is one station's part of one settlement: count the list entries by home
            // station and the settlement of the person's registered address.
            let counted = if let (true, Some(e)) = (compiled, election) {
                let counts: Vec<(i64, String, i64)> = sqlx::query_as(
                    "SELECT v.home_station, p.settlement, COUNT(*) FROM voter_list_entries v \
                     JOIN persons p ON p.pin = v.pin WHERE v.election = $1 AND v.council = $2 \
                     GROUP BY v.home_station, p.settlement",
                )
                .bind(e.as_str())
                .bind(council.as_str())
                .fetch_all(pool)
                .await
                .map_err(db_err)?;
                Some(counts)
            } else {
                None
            };
            (rows, borders, counted)
        });
        units_from_rows(council, rows, borders, counted)
    }

    async fn district_scheme(
        &self,
        council: &CouncilId,
        election: &ElectionId,
    ) -> Result<Option<SchemeRecord>, StoreError> {
        let (row, districts, units): (
            Option<SchemeRow>,
            Vec<(i64, String, i64, bool)>,
            Vec<(i64, String, String)>,
        ) = on_db!(self, |pool, d| {
            let row: Option<SchemeRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "{SCHEME_COLUMNS} WHERE council = $1 AND election = $2"
            )))
            .bind(council.as_str())
            .bind(election.as_str())
            .fetch_optional(pool)
            .await
            .map_err(db_err)?;
            match &row {
                None => (row, Vec::new(), Vec::new()),
                Some(r) => {
                    let districts = sqlx::query_as(
                        "SELECT scheme, number, seats, remote FROM scheme_districts \
                         WHERE scheme = $1 ORDER BY position",
                    )
                    .bind(r.0)
                    .fetch_all(pool)
                    .await
                    .map_err(db_err)?;
                    let units = sqlx::query_as(
                        "SELECT scheme, number, unit FROM scheme_district_units \
                         WHERE scheme = $1 ORDER BY number, position",
                    )
                    .bind(r.0)
                    .fetch_all(pool)
                    .await
                    .map_err(db_err)?;
                    (row, districts, units)
                }
            }
        });
        let Some(row) = row else { return Ok(None) };
        let mut all = districts_of(districts, units)?;
        let ds = all.remove(&row.0).unwrap_or_default();
        scheme_from_row(row, ds).map(Some)
    }

    async fn district_schemes(
        &self,
        status: Option<SchemeStatus>,
    ) -> Result<Vec<SchemeRecord>, StoreError> {
        let (rows, districts, units): (
            Vec<SchemeRow>,
            Vec<(i64, String, i64, bool)>,
            Vec<(i64, String, String)>,
        ) = on_db!(self, |pool, d| {
            let rows: Vec<SchemeRow> = match status {
                Some(s) => sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "{SCHEME_COLUMNS} WHERE status = $1 ORDER BY council, election"
                )))
                .bind(s.as_str())
                .fetch_all(pool)
                .await
                .map_err(db_err)?,
                None => sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "{SCHEME_COLUMNS} ORDER BY council, election"
                )))
                .fetch_all(pool)
                .await
                .map_err(db_err)?,
            };
            let districts = sqlx::query_as(
                "SELECT scheme, number, seats, remote FROM scheme_districts \
                 ORDER BY scheme, position",
            )
            .fetch_all(pool)
            .await
            .map_err(db_err)?;
            let units = sqlx::query_as(
                "SELECT scheme, number, unit FROM scheme_district_units \
                 ORDER BY scheme, number, position",
            )
            .fetch_all(pool)
            .await
            .map_err(db_err)?;
            (rows, districts, units)
        });
        let mut all = districts_of(districts, units)?;
        rows.into_iter()
            .map(|r| {
                let ds = all.remove(&r.0).unwrap_or_default();
                scheme_from_row(r, ds)
            })
            .collect()
    }

    async fn put_district_scheme(
        &self,
        scheme: &SchemeRecord,
        event: AuditEvent,
    ) -> Result<SchemeRecord, StoreError> {
        let mut tx = self.begin_tx().await?;
        let head = tx.lock_head().await?;
        let id = if scheme.id == 0 {
            tx.require(COUNCIL_EXISTS, Entity::Council, scheme.council.as_str())
                .await?;
            tx.require(ELECTION_EXISTS, Entity::Election, scheme.election.as_str())
                .await?;
            tx.insert_scheme(scheme).await?
        } else {
            tx.update_scheme(scheme).await?;
            scheme.id
        };
        tx.insert_scheme_districts(id, scheme).await?;
        tx.append_audit(head, event).await?;
        tx.commit().await?;
        let mut stored = scheme.clone();
        stored.id = id;
        Ok(stored)
    }
}

const COUNCIL_EXISTS: &str = "SELECT CAST(1 AS BIGINT) FROM councils WHERE id = $1";
const ELECTION_EXISTS: &str = "SELECT CAST(1 AS BIGINT) FROM elections WHERE id = $1";
const TERRITORY_EXISTS: &str = "SELECT CAST(1 AS BIGINT) FROM territories WHERE id = $1";
const STATION_EXISTS: &str = "SELECT CAST(1 AS BIGINT) FROM stations WHERE number = $1";

/// Every border names a unit of its council. Checked before anything is written, so that the
/// error names the unit (a foreign-key failure would not, on SQLite).
fn check_borders(councils: &[CouncilDistrictingUnits]) -> Result<(), StoreError> {
    for c in councils {
        let ids: HashSet<&UnitId> = c.units.iter().map(|u| &u.id).collect();
        for u in &c.units {
            if let Some(n) = u.neighbors.iter().find(|n| !ids.contains(n)) {
                return Err(StoreError::UnknownReference {
                    entity: Entity::DistrictingUnit,
                    key: format!("{}/{n}", c.council),
                });
            }
        }
    }
    Ok(())
}

/// The steps of the district writers.
impl Tx {
    async fn council_has_units(&mut self, council: &CouncilId) -> Result<bool, StoreError> {
        let taken: i64 = on_tx!(self, |t, d| {
            sqlx::query_scalar("SELECT COUNT(*) FROM district_units WHERE council = $1")
                .bind(council.as_str())
                .fetch_one(&mut **t)
                .await
                .map_err(db_err)?
        });
        Ok(taken > 0)
    }

    /// A unit, after its settlement and station (if named) are known.
    async fn insert_unit(
        &mut self,
        council: &CouncilId,
        position: i64,
        u: &DistrictingUnit,
    ) -> Result<(), StoreError> {
        if let Some(s) = &u.settlement {
            self.require(TERRITORY_EXISTS, Entity::Territory, s.as_str())
                .await?;
        }
        if let Some(s) = u.station {
            let found = on_tx!(self, |t, d| exists!(
                &mut **t,
                STATION_EXISTS,
                i64::from(s.get())
            ));
            if !found {
                return Err(StoreError::UnknownReference {
                    entity: Entity::Station,
                    key: s.to_string(),
                });
            }
        }
        let voters = i64::try_from(u.voters)
            .map_err(|_| StoreError::Backend(format!("unit {}: voter count out of range", u.id)))?;
        on_tx!(self, |t, d| {
            sqlx::query(
                "INSERT INTO district_units (council, id, position, settlement, station, \
                 voters, remote, x_km, y_km) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(council.as_str())
            .bind(u.id.as_str())
            .bind(position)
            .bind(u.settlement.as_ref().map(TerritoryId::as_str))
            .bind(u.station.map(|s| i64::from(s.get())))
            .bind(voters)
            .bind(u.remote)
            .bind(u.x_km)
            .bind(u.y_km)
            .execute(&mut **t)
            .await
            .map_err(|e| insert_err(e, Entity::DistrictingUnit, format!("{council}/{}", u.id)))?;
        });
        Ok(())
    }

    /// The council's borders, symmetric (DIS-03 reads them so): both directions, once each.
    async fn insert_borders(&mut self, c: &CouncilDistrictingUnits) -> Result<(), StoreError> {
        let mut pairs: HashSet<(&UnitId, &UnitId)> = HashSet::new();
        for u in &c.units {
            for n in &u.neighbors {
                if n != &u.id {
                    pairs.insert((&u.id, n));
                    pairs.insert((n, &u.id));
                }
            }
        }
        let mut pairs: Vec<_> = pairs.into_iter().collect();
        pairs.sort();
        for (a, b) in pairs {
            on_tx!(self, |t, d| {
                sqlx::query(
                    "INSERT INTO district_unit_neighbors (council, unit, neighbor) \
                     VALUES ($1, $2, $3)",
                )
                .bind(c.council.as_str())
                .bind(a.as_str())
                .bind(b.as_str())
                .execute(&mut **t)
                .await
                .map_err(db_err)?;
            });
        }
        Ok(())
    }

    /// A new scheme's row: its id. Writers are serialized by the audit head, so MAX + 1 cannot
    /// race.
    async fn insert_scheme(&mut self, scheme: &SchemeRecord) -> Result<i64, StoreError> {
        let key = format!("{}/{}", scheme.election, scheme.council);
        Ok(on_tx!(self, |t, d| {
            let id: i64 = sqlx::query_scalar(
                "SELECT CAST(COALESCE(MAX(id), 0) + 1 AS BIGINT) FROM district_schemes",
            )
            .fetch_one(&mut **t)
            .await
            .map_err(db_err)?;
            sqlx::query(
                "INSERT INTO district_schemes (id, council, election, version, status, \
                 comment, author, created_at, updated_at, submitted_at, decided_at, \
                 decided_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            )
            .bind(id)
            .bind(scheme.council.as_str())
            .bind(scheme.election.as_str())
            .bind(i64::from(scheme.version))
            .bind(scheme.status.as_str())
            .bind(scheme.comment.as_deref())
            .bind(scheme.author.as_str())
            .bind(scheme.created_at.to_string())
            .bind(scheme.updated_at.to_string())
            .bind(scheme.submitted_at.map(|t| t.to_string()))
            .bind(scheme.decided_at.map(|t| t.to_string()))
            .bind(scheme.decided_by.as_deref())
            .execute(&mut **t)
            .await
            .map_err(|e| insert_err(e, Entity::DistrictScheme, &key))?;
            id
        }))
    }

    /// A stored scheme's next version, if nobody saved a newer one in between; its districts
    /// are removed, to be written again.
    async fn update_scheme(&mut self, scheme: &SchemeRecord) -> Result<(), StoreError> {
        let done = on_tx!(self, |t, d| {
            sqlx::query(
                "UPDATE district_schemes SET version = $1, status = $2, comment = $3, \
                 author = $4, updated_at = $5, submitted_at = $6, decided_at = $7, \
                 decided_by = $8 WHERE id = $9 AND version = $10",
            )
            .bind(i64::from(scheme.version))
            .bind(scheme.status.as_str())
            .bind(scheme.comment.as_deref())
            .bind(scheme.author.as_str())
            .bind(scheme.updated_at.to_string())
            .bind(scheme.submitted_at.map(|t| t.to_string()))
            .bind(scheme.decided_at.map(|t| t.to_string()))
            .bind(scheme.decided_by.as_deref())
            .bind(scheme.id)
            .bind(i64::from(scheme.version) - 1)
            .execute(&mut **t)
            .await
            .map_err(db_err)?
            .rows_affected()
        });
        if done != 1 {
            // Someone saved a newer version in between (or the scheme is gone).
            return Err(StoreError::Duplicate {
                entity: Entity::DistrictSchemeVersion,
                key: format!("{}/{}@{}", scheme.election, scheme.council, scheme.version),
            });
        }
        on_tx!(self, |t, d| {
            for table in ["scheme_district_units", "scheme_districts"] {
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "DELETE FROM {table} WHERE scheme = $1"
                )))
                .bind(scheme.id)
                .execute(&mut **t)
                .await
                .map_err(db_err)?;
            }
        });
        Ok(())
    }

    /// The scheme's districts and their units, in order.
    async fn insert_scheme_districts(
        &mut self,
        id: i64,
        scheme: &SchemeRecord,
    ) -> Result<(), StoreError> {
        let key = format!("{}/{}", scheme.election, scheme.council);
        for (position, district) in (0_i64..).zip(&scheme.districts) {
            on_tx!(self, |t, d| {
                sqlx::query(
                    "INSERT INTO scheme_districts (scheme, number, position, seats, remote) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(id)
                .bind(district.id.as_str())
                .bind(position)
                .bind(i64::from(district.seats))
                .bind(district.remote)
                .execute(&mut **t)
                .await
                .map_err(|e| insert_err(e, Entity::District, format!("{key}/{}", district.id)))?;
                for (p, unit) in (0_i64..).zip(&district.units) {
                    sqlx::query(
                        "INSERT INTO scheme_district_units (scheme, number, unit, position) \
                         VALUES ($1, $2, $3, $4)",
                    )
                    .bind(id)
                    .bind(district.id.as_str())
                    .bind(unit.as_str())
                    .bind(p)
                    .execute(&mut **t)
                    .await
                    .map_err(|e| {
                        insert_err(
                            e,
                            Entity::DistrictUnit,
                            format!("{key}/{}/{unit}", district.id),
                        )
                    })?;
                }
            });
        }
        Ok(())
    }
}

/// The units as read: their borders, and their voters counted on the compiled lists when
/// `counted` (by home station and settlement) is given, else as imported.
fn units_from_rows(
    council: &CouncilId,
    rows: Vec<UnitRow>,
    borders: Vec<(String, String)>,
    counted: Option<Vec<(i64, String, i64)>>,
) -> Result<Vec<DistrictingUnit>, StoreError> {
    let counted: Option<HashMap<(i64, String), i64>> = counted.map(|c| {
        c.into_iter()
            .map(|(station, settlement, n)| ((station, settlement), n))
            .collect()
    });
    let mut neighbors: BTreeMap<String, Vec<UnitId>> = BTreeMap::new();
    for (unit, n) in borders {
        let id = unit_id(&unit, &n)?;
        neighbors.entry(unit).or_default().push(id);
    }
    rows.into_iter()
        .map(|r| {
            let (id, settlement, station, voters, remote, x, y, ky, ru, en) = r;
            let key = format!("{council}/{id}");
            let voters = match (&counted, station, &settlement) {
                (Some(c), Some(st), Some(s)) => c.get(&(st, s.clone())).copied().unwrap_or(0),
                _ => voters,
            };
            Ok(DistrictingUnit {
                id: unit_id(&key, &id)?,
                settlement: settlement
                    .map(|s| TerritoryId::parse(&s).map_err(|e| corrupt("district_units", &key, e)))
                    .transpose()?,
                station: station
                    .map(|s| station_number("district_units", &key, s))
                    .transpose()?,
                voters: u64::try_from(voters).map_err(|e| corrupt("district_units", &key, e))?,
                remote,
                neighbors: neighbors.remove(&id).unwrap_or_default(),
                x_km: x,
                y_km: y,
                name: match (ky, ru, en) {
                    (Some(ky), Some(ru), Some(en)) => Some(LocalizedName { ky, ru, en }),
                    _ => None,
                },
            })
        })
        .collect()
}
