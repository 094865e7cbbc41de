//! [`shailoo_app::MediaStore`] on both engines (migration `20261206001601_media`):
//! `media_outlets` (the application and its status) and `media_prices` (its price list, one
//! row per line of the file, money in whole tyiyn). The writers follow the capability
//! template, each step a `Tx` method: lock, read, `shailoo_app::media::transitions`, write with
//! the audit entry.

use crate::rows::{corrupt, date, enum_field, field, timestamp};
use crate::{Db, Tx, WritePool, db_err};
use async_trait::async_trait;
use shailoo_app::audit::AuditEvent;
use shailoo_app::media::transitions::{self, PriceRules};
use shailoo_app::media::{
    MediaDecision, MediaError, MediaStatus, Outlet, OutletDraft, OutletId, Text,
};
use shailoo_app::users::Filer;
use shailoo_app::{MediaStore, StoreError};
use shailoo_domain::ElectionId;
use shailoo_domain::media::{Buyer, EarlierPrice, ElectionPrice, MediaKind, Money, PriceList};
use sqlx::AssertSqlSafe;

const T: &str = "media_outlets";
const P: &str = "media_prices";

const COLUMNS: &str = "SELECT id, election, name, kind, contact, status, reason, filed_by, \
     filed_at, decided_by, decided_at FROM media_outlets";

const PRICES: &str = "SELECT p.outlet_id, p.line, p.period, p.service, p.unit, p.buyer, \
     p.price_tyiyn, p.charged_on FROM media_prices p JOIN media_outlets o ON o.id = p.outlet_id";

const INSERT: &str = "INSERT INTO media_outlets (id, election, name, kind, contact, status, \
     filed_by, filed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

const INSERT_PRICE: &str = "INSERT INTO media_prices (outlet_id, line, period, service, unit, \
     buyer, price_tyiyn, charged_on) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

const SET_STATUS: &str = "UPDATE media_outlets SET status = $2, reason = $3, decided_by = $4, \
     decided_at = $5 WHERE id = $1";

#[derive(sqlx::FromRow)]
struct OutletRow {
    id: i64,
    election: String,
    name: String,
    kind: String,
    contact: Option<String>,
    status: String,
    reason: Option<String>,
    filed_by: String,
    filed_at: String,
    decided_by: Option<String>,
    decided_at: Option<String>,
}

#[derive(sqlx::FromRow)]
struct PriceRow {
    outlet_id: i64,
    line: i64,
    period: String,
    service: String,
    unit: String,
    buyer: Option<String>,
    price_tyiyn: i64,
    charged_on: Option<String>,
}

fn text(table: &str, key: &str, column: &str, value: &str) -> Result<Text, StoreError> {
    field(table, key, column, value, Text::parse)
}

fn filer(key: &str, column: &str, value: &str) -> Result<Filer, StoreError> {
    field(T, key, column, value, |v| Filer::try_from(v.to_owned()))
}

impl PriceRow {
    fn add_to(self, list: &mut PriceList) -> Result<(), StoreError> {
        let key = format!("{}/{}", self.outlet_id, self.line);
        let line = u64::try_from(self.line).map_err(|_| corrupt(P, &key, "line"))?;
        let price = u64::try_from(self.price_tyiyn)
            .map(Money::from_tyiyn)
            .map_err(|_| corrupt(P, &key, "price_tyiyn"))?;
        match (self.period.as_str(), self.buyer, self.charged_on) {
            ("election", Some(buyer), None) => list.election.push(ElectionPrice {
                line,
                service: self.service,
                unit: self.unit,
                buyer: Buyer::parse(&buyer),
                price,
            }),
            ("earlier", None, Some(on)) => list.earlier.push(EarlierPrice {
                line,
                service: self.service,
                unit: self.unit,
                price,
                charged_on: date(P, &key, "charged_on", &on)?,
            }),
            _ => return Err(corrupt(P, &key, "period, buyer and charged_on disagree")),
        }
        Ok(())
    }
}

impl OutletRow {
    fn into_domain(self, prices: PriceList) -> Result<Outlet, StoreError> {
        let key = self.id.to_string();
        let key = key.as_str();
        Ok(Outlet {
            id: OutletId::new(self.id).ok_or_else(|| corrupt(T, key, "id"))?,
            election: field(T, key, "election", &self.election, ElectionId::parse)?,
            name: text(T, key, "name", &self.name)?,
            kind: enum_field(T, key, "kind", &self.kind, MediaKind::from_code)?,
            contact: self
                .contact
                .map(|c| text(T, key, "contact", &c))
                .transpose()?,
            prices,
            status: enum_field(T, key, "status", &self.status, MediaStatus::from_code)?,
            reason: self
                .reason
                .map(|r| text(T, key, "reason", &r))
                .transpose()?,
            filed_by: filer(key, "filed_by", &self.filed_by)?,
            filed_at: timestamp(T, key, "filed_at", &self.filed_at)?,
            decided_by: self
                .decided_by
                .map(|d| filer(key, "decided_by", &d))
                .transpose()?,
            decided_at: self
                .decided_at
                .map(|t| timestamp(T, key, "decided_at", &t))
                .transpose()?,
        })
    }
}

/// Puts the price rows (ordered by outlet and line) under their outlets.
fn assemble(rows: Vec<OutletRow>, prices: Vec<PriceRow>) -> Result<Vec<Outlet>, StoreError> {
    let mut lists: std::collections::HashMap<i64, PriceList> = std::collections::HashMap::new();
    for p in prices {
        let outlet = p.outlet_id;
        p.add_to(lists.entry(outlet).or_default())?;
    }
    rows.into_iter()
        .map(|r| {
            let list = lists.remove(&r.id).unwrap_or_default();
            r.into_domain(list)
        })
        .collect()
}

/// Reads one outlet with its prices on `$exec`.
macro_rules! read_outlet {
    ($exec:expr, $election:expr, $id:expr) => {{
        let row: Option<OutletRow> = sqlx::query_as(AssertSqlSafe(format!(
            "{COLUMNS} WHERE election = $1 AND id = $2"
        )))
        .bind($election.as_str())
        .bind($id.get())
        .fetch_optional(&mut *$exec)
        .await
        .map_err(db_err)?;
        match row {
            None => None,
            Some(row) => {
                let prices: Vec<PriceRow> = sqlx::query_as(AssertSqlSafe(format!(
                    "{PRICES} WHERE p.outlet_id = $1 ORDER BY p.line"
                )))
                .bind($id.get())
                .fetch_all(&mut *$exec)
                .await
                .map_err(db_err)?;
                assemble(vec![row], prices)?.pop()
            }
        }
    }};
}

fn tyiyn(key: &str, m: Money) -> Result<i64, StoreError> {
    i64::try_from(m.tyiyn()).map_err(|_| corrupt(P, key, "a price beyond the column's range"))
}

#[async_trait]
impl MediaStore for Db {
    async fn file_media_application(
        &self,
        election: &ElectionId,
        draft: &OutletDraft,
        by: &Filer,
        mut event: AuditEvent,
    ) -> Result<Outlet, MediaError> {
        let mut tx = self.begin_tx().await?;
        let head = tx.lock_head().await?;
        let id = tx.next_outlet_id().await?;
        let outlet = transitions::file(election, draft, id, by, event.at)?;
        tx.insert_outlet(&outlet).await?;
        tx.insert_prices(id, &outlet.prices).await?;
        event.subject = format!("{election}/media/{id}");
        tx.append_audit(head, event.after(&outlet)).await?;
        tx.commit().await?;
        Ok(outlet)
    }

    async fn decide_media_outlet(
        &self,
        election: &ElectionId,
        id: OutletId,
        decision: &MediaDecision,
        rules: &PriceRules,
        by: &Filer,
        event: AuditEvent,
    ) -> Result<Outlet, MediaError> {
        let mut tx = self.begin_tx().await?;
        let head = tx.lock_head().await?;
        let before: Outlet = on_tx!(&mut tx, |t, d| read_outlet!(*t, election, id))
            .ok_or(MediaError::UnknownOutlet(id))?;
        let after = transitions::decide(before.clone(), decision, rules, by, event.at)?;
        tx.set_status(&after).await?;
        tx.append_audit(head, event.before(&before).after(&after))
            .await?;
        tx.commit().await?;
        Ok(after)
    }

    async fn media_outlet(
        &self,
        election: &ElectionId,
        id: OutletId,
    ) -> Result<Option<Outlet>, StoreError> {
        on_db!(self, |pool, d| {
            let mut tx = pool.begin_read().await?;
            let found = read_outlet!(tx, election, id);
            tx.commit().await.map_err(db_err)?;
            Ok(found)
        })
    }

    async fn media_outlets(
        &self,
        election: &ElectionId,
        status: Option<MediaStatus>,
    ) -> Result<Vec<Outlet>, StoreError> {
        let status = status.map(MediaStatus::code);
        on_db!(self, |pool, d| {
            let mut tx = pool.begin_read().await?;
            let rows: Vec<OutletRow> = sqlx::query_as(AssertSqlSafe(format!(
                "{COLUMNS} WHERE election = $1 AND ($2 IS NULL OR status = $2) ORDER BY id"
            )))
            .bind(election.as_str())
            .bind(status)
            .fetch_all(&mut *tx)
            .await
            .map_err(db_err)?;
            let prices: Vec<PriceRow> = sqlx::query_as(AssertSqlSafe(format!(
                "{PRICES} WHERE o.election = $1 AND ($2 IS NULL OR o.status = $2) \
                 ORDER BY p.outlet_id, p.line"
            )))
            .bind(election.as_str())
            .bind(status)
            .fetch_all(&mut *tx)
            .await
            .map_err(db_err)?;
            tx.commit().await.map_err(db_err)?;
            assemble(rows, prices)
        })
    }
}

/// The steps of the media writers.
impl Tx {
    /// An outlet read in the writer's transaction (the badges' writer reads it under the lock).
    pub(crate) async fn media_outlet_in_tx(
        &mut self,
        election: &ElectionId,
        id: OutletId,
    ) -> Result<Option<Outlet>, StoreError> {
        Ok(on_tx!(self, |t, d| read_outlet!(*t, election, id)))
    }

    /// Numbers count from 1 per database; safe to compute under the write lock.
    async fn next_outlet_id(&mut self) -> Result<OutletId, StoreError> {
        let next: i64 = on_tx!(self, |t, d| {
            sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM media_outlets")
                .fetch_one(&mut **t)
                .await
                .map_err(db_err)?
        });
        OutletId::new(next).ok_or_else(|| corrupt(T, "max", "id"))
    }

    async fn insert_outlet(&mut self, outlet: &Outlet) -> Result<(), StoreError> {
        on_tx!(self, |t, d| {
            sqlx::query(INSERT)
                .bind(outlet.id.get())
                .bind(outlet.election.as_str())
                .bind(outlet.name.as_str())
                .bind(outlet.kind.code())
                .bind(outlet.contact.as_ref().map(Text::as_str))
                .bind(outlet.status.code())
                .bind(outlet.filed_by.to_string())
                .bind(outlet.filed_at.to_string())
                .execute(&mut **t)
                .await
                .map_err(db_err)?;
        });
        Ok(())
    }

    /// The price list, one row per line of the file.
    async fn insert_prices(&mut self, id: OutletId, prices: &PriceList) -> Result<(), StoreError> {
        let key = id.to_string();
        for p in &prices.election {
            let price = tyiyn(&key, p.price)?;
            on_tx!(self, |t, d| {
                sqlx::query(INSERT_PRICE)
                    .bind(id.get())
                    .bind(i64::try_from(p.line).unwrap_or(i64::MAX))
                    .bind("election")
                    .bind(p.service.as_str())
                    .bind(p.unit.as_str())
                    .bind(Some(p.buyer.as_str()))
                    .bind(price)
                    .bind(None::<String>)
                    .execute(&mut **t)
                    .await
                    .map_err(db_err)?;
            });
        }
        for p in &prices.earlier {
            let price = tyiyn(&key, p.price)?;
            on_tx!(self, |t, d| {
                sqlx::query(INSERT_PRICE)
                    .bind(id.get())
                    .bind(i64::try_from(p.line).unwrap_or(i64::MAX))
                    .bind("earlier")
                    .bind(p.service.as_str())
                    .bind(p.unit.as_str())
                    .bind(None::<&str>)
                    .bind(price)
                    .bind(Some(p.charged_on.to_string()))
                    .execute(&mut **t)
                    .await
                    .map_err(db_err)?;
            });
        }
        Ok(())
    }

    async fn set_status(&mut self, after: &Outlet) -> Result<(), StoreError> {
        on_tx!(self, |t, d| {
            sqlx::query(SET_STATUS)
                .bind(after.id.get())
                .bind(after.status.code())
                .bind(after.reason.as_ref().map(Text::as_str))
                .bind(after.decided_by.as_ref().map(Filer::to_string))
                .bind(after.decided_at.map(|t| t.to_string()))
                .execute(&mut **t)
                .await
                .map_err(db_err)?;
        });
        Ok(())
    }
}
