//! [`shailoo_app::CampaignPlaceStore`] on both engines (migration
//! `20261208000401_campaign_places`): one row per election and station, replaced when the TEC
//! records the place again. The writer's steps are `Tx` methods: lock, require the election
//! and the station, read the place replaced, write, audit (before and after).

use crate::rows::{corrupt, field, station_number, timestamp};
use crate::{Db, Tx, db_err};
use async_trait::async_trait;
use shailoo_app::audit::AuditEvent;
use shailoo_app::campaign_places::{
    CampaignPlace, CampaignPlaceStore, PlaceDescription, StationPlace,
};
use shailoo_app::{Entity, StoreError};
use shailoo_domain::{CommissionId, ElectionId, StationNumber};

const T: &str = "campaign_places";

const ELECTION_EXISTS: &str = "SELECT CAST(1 AS BIGINT) FROM elections WHERE id = $1";

const STATION_EXISTS: &str = "SELECT CAST(1 AS BIGINT) FROM stations WHERE number = $1";

const PLACE: &str = "SELECT election, station, description, recorded_by, recorded_at \
     FROM campaign_places WHERE election = $1 AND station = $2";

const UPSERT: &str = "INSERT INTO campaign_places (election, station, description, \
     recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5) \
     ON CONFLICT (election, station) DO UPDATE SET description = excluded.description, \
     recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at";

/// Every station with its PEC, the TEC above, and its place in the election (`$1`).
const BOARD: &str = "SELECT s.number, s.commission, c.parent, p.description, p.recorded_by, \
     p.recorded_at FROM stations s JOIN commissions c ON c.id = s.commission \
     LEFT JOIN campaign_places p ON p.station = s.number AND p.election = $1 \
     ORDER BY s.number";

#[derive(sqlx::FromRow)]
struct PlaceRow {
    election: String,
    station: i64,
    description: String,
    recorded_by: String,
    recorded_at: String,
}

impl PlaceRow {
    fn into_domain(self) -> Result<CampaignPlace, StoreError> {
        let key = format!("{}/{}", self.election, self.station);
        Ok(CampaignPlace {
            election: field(T, &key, "election", &self.election, ElectionId::parse)?,
            station: station_number(T, &key, self.station)?,
            description: field(
                T,
                &key,
                "description",
                &self.description,
                PlaceDescription::parse,
            )?,
            recorded_by: self.recorded_by,
            recorded_at: timestamp(T, &key, "recorded_at", &self.recorded_at)?,
        })
    }
}

#[derive(sqlx::FromRow)]
struct BoardRow {
    number: i64,
    commission: String,
    parent: Option<String>,
    description: Option<String>,
    recorded_by: Option<String>,
    recorded_at: Option<String>,
}

impl BoardRow {
    fn into_domain(self, election: &ElectionId) -> Result<StationPlace, StoreError> {
        let key = self.number.to_string();
        let commission = |c: &str| field("stations", &key, "commission", c, CommissionId::parse);
        let place = match (self.description, self.recorded_by, self.recorded_at) {
            (Some(description), Some(recorded_by), Some(recorded_at)) => Some(
                PlaceRow {
                    election: election.to_string(),
                    station: self.number,
                    description,
                    recorded_by,
                    recorded_at,
                }
                .into_domain()?,
            ),
            (None, None, None) => None,
            _ => return Err(corrupt(T, &key, "a place without all of its fields")),
        };
        Ok(StationPlace {
            station: station_number("stations", &key, self.number)?,
            pec: commission(&self.commission)?,
            tec: self.parent.as_deref().map(commission).transpose()?,
            place,
        })
    }
}

#[async_trait]
impl CampaignPlaceStore for Db {
    async fn record_campaign_place(
        &self,
        place: &CampaignPlace,
        event: AuditEvent,
    ) -> Result<CampaignPlace, StoreError> {
        let mut tx = self.begin_tx().await?;
        let head = tx.lock_head().await?;
        tx.require(ELECTION_EXISTS, Entity::Election, place.election.as_str())
            .await?;
        tx.require_station(place.station).await?;
        let before = tx.campaign_place(&place.election, place.station).await?;
        tx.put_campaign_place(place).await?;
        let event = match &before {
            Some(b) => event.before(b),
            None => event,
        };
        tx.append_audit(head, event.after(place)).await?;
        tx.commit().await?;
        Ok(place.clone())
    }

    async fn campaign_places(
        &self,
        election: &ElectionId,
    ) -> Result<Vec<StationPlace>, StoreError> {
        on_db!(self, |pool, d| {
            let rows: Vec<BoardRow> = sqlx::query_as(BOARD)
                .bind(election.as_str())
                .fetch_all(pool)
                .await
                .map_err(db_err)?;
            rows.into_iter().map(|r| r.into_domain(election)).collect()
        })
    }
}

/// The steps of the places' writer.
impl Tx {
    async fn require_station(&mut self, station: StationNumber) -> Result<(), StoreError> {
        let found: Option<i64> = on_tx!(self, |t, d| {
            sqlx::query_scalar(STATION_EXISTS)
                .bind(i64::from(station.get()))
                .fetch_optional(&mut **t)
                .await
                .map_err(db_err)?
        });
        match found {
            Some(_) => Ok(()),
            None => Err(StoreError::unknown(Entity::Station, station)),
        }
    }

    async fn campaign_place(
        &mut self,
        election: &ElectionId,
        station: StationNumber,
    ) -> Result<Option<CampaignPlace>, StoreError> {
        let row: Option<PlaceRow> = on_tx!(self, |t, d| {
            sqlx::query_as(PLACE)
                .bind(election.as_str())
                .bind(i64::from(station.get()))
                .fetch_optional(&mut **t)
                .await
                .map_err(db_err)?
        });
        row.map(PlaceRow::into_domain).transpose()
    }

    async fn put_campaign_place(&mut self, place: &CampaignPlace) -> Result<(), StoreError> {
        on_tx!(self, |t, d| {
            sqlx::query(UPSERT)
                .bind(place.election.as_str())
                .bind(i64::from(place.station.get()))
                .bind(place.description.as_str())
                .bind(place.recorded_by.as_str())
                .bind(place.recorded_at.to_string())
                .execute(&mut **t)
                .await
                .map_err(db_err)?;
        });
        Ok(())
    }
}
