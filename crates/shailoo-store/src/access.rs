//! [`shailoo_app::AccessStore`] on both engines: the local government's surveys of polling
//! premises and the overview of every station's accessibility.
//!
//! A survey takes the audit head lock first, reads the station's findings, stores the survey,
//! replaces the station's findings and appends the audit entry (before: the findings replaced;
//! after: the survey), all in one transaction.

use crate::rows::{TerritoryRow, corrupt, date, station_number, timestamp, top_territory};
use crate::{Db, WritePool, db_err};
use async_trait::async_trait;
use shailoo_app::access::{
    AccessDirectory, AccessStore, AccessSurvey, NewSurvey, Region, StationAccess,
};
use shailoo_app::audit::AuditEvent;
use shailoo_app::{Entity, StoreError};
use shailoo_domain::territory::{Accessibility, LocalizedName};
use shailoo_domain::{CouncilId, StationNumber, TerritoryId};

const T: &str = "station_access_surveys";

const FINDINGS: &str = "SELECT ramp, call_button, ground_floor, wide_doors, parking, \
     tactile_signs, lighting FROM stations WHERE number = $1";

const INSERT: &str = "INSERT INTO station_access_surveys (id, station, surveyed_on, surveyor, \
     ramp, call_button, ground_floor, wide_doors, parking, tactile_signs, lighting, note, \
     recorded_by, recorded_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)";

const UPDATE_STATION: &str = "UPDATE stations SET ramp = $2, call_button = $3, \
     ground_floor = $4, wide_doors = $5, parking = $6, tactile_signs = $7, lighting = $8 \
     WHERE number = $1";

const SURVEYS: &str = "SELECT id, station, surveyed_on, surveyor, ramp, call_button, \
     ground_floor, wide_doors, parking, tactile_signs, lighting, note, recorded_by, recorded_at \
     FROM station_access_surveys WHERE station = $1 ORDER BY id DESC";

const DIRECTORY: &str = "SELECT s.number, s.council, c.name_ky, c.name_ru, c.name_en, t.path, \
     s.ramp, s.call_button, s.ground_floor, s.wide_doors, s.parking, s.tactile_signs, \
     s.lighting, s.remote_voting, \
     (SELECT MAX(v.surveyed_on) FROM station_access_surveys v WHERE v.station = s.number) \
     AS surveyed_on \
     FROM stations s JOIN councils c ON c.id = s.council \
     JOIN territories t ON t.id = s.territory ORDER BY s.number";

const REGIONS: &str =
    "SELECT id, kind, parent, name_ky, name_ru, name_en FROM territories WHERE parent IS NULL";

/// The seven findings, in the columns' order.
type Findings = (bool, bool, bool, bool, bool, bool, bool);

fn findings(
    (ramp, call_button, ground_floor, wide_doors, parking, tactile_signs, lighting): Findings,
) -> Accessibility {
    Accessibility {
        ramp,
        call_button,
        ground_floor,
        wide_doors,
        parking,
        tactile_signs,
        lighting,
    }
}

#[derive(sqlx::FromRow)]
struct SurveyRow {
    id: i64,
    station: i64,
    surveyed_on: String,
    surveyor: String,
    ramp: bool,
    call_button: bool,
    ground_floor: bool,
    wide_doors: bool,
    parking: bool,
    tactile_signs: bool,
    lighting: bool,
    note: Option<String>,
    recorded_by: String,
    recorded_at: String,
}

impl SurveyRow {
    fn into_domain(self) -> Result<AccessSurvey, StoreError> {
        let key = self.id.to_string();
        Ok(AccessSurvey {
            id: self.id,
            survey: NewSurvey {
                station: station_number(T, &key, self.station)?,
                surveyed_on: date(T, &key, "surveyed_on", &self.surveyed_on)?,
                surveyor: self.surveyor,
                findings: findings((
                    self.ramp,
                    self.call_button,
                    self.ground_floor,
                    self.wide_doors,
                    self.parking,
                    self.tactile_signs,
                    self.lighting,
                )),
                note: self.note,
            },
            recorded_by: self.recorded_by,
            recorded_at: timestamp(T, &key, "recorded_at", &self.recorded_at)?,
        })
    }
}

#[derive(sqlx::FromRow)]
struct DirectoryRow {
    number: i64,
    council: String,
    name_ky: String,
    name_ru: String,
    name_en: String,
    path: String,
    ramp: bool,
    call_button: bool,
    ground_floor: bool,
    wide_doors: bool,
    parking: bool,
    tactile_signs: bool,
    lighting: bool,
    remote_voting: bool,
    surveyed_on: Option<String>,
}

impl DirectoryRow {
    fn into_domain(self) -> Result<StationAccess, StoreError> {
        const S: &str = "stations";
        let key = self.number.to_string();
        let region = top_territory(&self.path)
            .ok_or_else(|| corrupt("territories", &key, format!("path {:?}", self.path)))?;
        Ok(StationAccess {
            number: station_number(S, &key, self.number)?,
            council: CouncilId::parse(&self.council)
                .map_err(|e| corrupt(S, &key, format!("council: {e}")))?,
            council_name: LocalizedName {
                ky: self.name_ky,
                ru: self.name_ru,
                en: self.name_en,
            },
            region: TerritoryId::parse(region)
                .map_err(|e| corrupt("territories", &key, format!("path: {e}")))?,
            accessibility: findings((
                self.ramp,
                self.call_button,
                self.ground_floor,
                self.wide_doors,
                self.parking,
                self.tactile_signs,
                self.lighting,
            )),
            remote_voting: self.remote_voting,
            surveyed_on: self
                .surveyed_on
                .map(|d| date(S, &key, "surveyed_on", &d))
                .transpose()?,
        })
    }
}

#[async_trait]
impl AccessStore for Db {
    async fn record_access_survey(
        &self,
        survey: &NewSurvey,
        event: AuditEvent,
    ) -> Result<AccessSurvey, StoreError> {
        let station = i64::from(survey.station.get());
        let a = &survey.findings;
        on_db!(self, |pool, d| {
            let mut tx = pool.begin_write().await?;
            let head = lock_head!(tx, d);
            let before: Option<Findings> = sqlx::query_as(FINDINGS)
                .bind(station)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db_err)?;
            let Some(before) = before else {
                return Err(StoreError::unknown(Entity::Station, survey.station));
            };
            // Ids count from 1 per database; safe to compute under the write lock.
            let id: i64 = sqlx::query_scalar(
                "SELECT CAST(COALESCE(MAX(id), 0) + 1 AS BIGINT) FROM station_access_surveys",
            )
            .fetch_one(&mut *tx)
            .await
            .map_err(db_err)?;
            let recorded = AccessSurvey {
                id,
                survey: survey.clone(),
                recorded_by: event.actor.clone(),
                recorded_at: event.at,
            };
            sqlx::query(INSERT)
                .bind(id)
                .bind(station)
                .bind(survey.surveyed_on.to_string())
                .bind(survey.surveyor.as_str())
                .bind(a.ramp)
                .bind(a.call_button)
                .bind(a.ground_floor)
                .bind(a.wide_doors)
                .bind(a.parking)
                .bind(a.tactile_signs)
                .bind(a.lighting)
                .bind(survey.note.as_deref())
                .bind(recorded.recorded_by.as_str())
                .bind(recorded.recorded_at.to_string())
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            sqlx::query(UPDATE_STATION)
                .bind(station)
                .bind(a.ramp)
                .bind(a.call_button)
                .bind(a.ground_floor)
                .bind(a.wide_doors)
                .bind(a.parking)
                .bind(a.tactile_signs)
                .bind(a.lighting)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            let event = event.before(&findings(before)).after(&recorded);
            append_audit!(tx, head, event);
            tx.commit().await.map_err(db_err)?;
            Ok(recorded)
        })
    }

    async fn access_surveys(
        &self,
        station: StationNumber,
    ) -> Result<Vec<AccessSurvey>, StoreError> {
        let rows: Vec<SurveyRow> = on_db!(self, |pool, d| {
            sqlx::query_as(SURVEYS)
                .bind(i64::from(station.get()))
                .fetch_all(pool)
                .await
                .map_err(db_err)?
        });
        rows.into_iter().map(SurveyRow::into_domain).collect()
    }

    async fn access_directory(&self) -> Result<AccessDirectory, StoreError> {
        let (stations, regions): (Vec<DirectoryRow>, Vec<TerritoryRow>) =
            on_db!(self, |pool, d| {
                let stations = sqlx::query_as(DIRECTORY)
                    .fetch_all(pool)
                    .await
                    .map_err(db_err)?;
                let regions = sqlx::query_as(REGIONS)
                    .fetch_all(pool)
                    .await
                    .map_err(db_err)?;
                (stations, regions)
            });
        Ok(AccessDirectory {
            stations: stations
                .into_iter()
                .map(DirectoryRow::into_domain)
                .collect::<Result<_, _>>()?,
            regions: regions
                .into_iter()
                .map(|r| {
                    r.into_domain().map(|t| Region {
                        id: t.id,
                        name: t.name,
                    })
                })
                .collect::<Result<_, _>>()?,
        })
    }
}
