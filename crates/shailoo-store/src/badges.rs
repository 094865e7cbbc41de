//! [`shailoo_app::media::BadgeStore`] on both engines (migration
//! `20261208000400_media_badges`): `media_badges`, one row per journalist's badge with its
//! signed payload. The writers follow the capability template, each step a `Tx` method: lock,
//! read the outlet or the badge, `shailoo_app::media::badge`'s step, write with the audit entry.

use crate::rows::{corrupt, enum_field, field, timestamp};
use crate::{Db, Tx, db_err};
use async_trait::async_trait;
use shailoo_app::StoreError;
use shailoo_app::audit::AuditEvent;
use shailoo_app::media::badge::{self, Badge, BadgeId, BadgeStatus, RevokedBadge, RevokedFor};
use shailoo_app::media::{BadgeStore, MediaError, OutletId, Text};
use shailoo_app::signing::Signer;
use shailoo_app::users::Filer;
use shailoo_domain::ElectionId;
use sqlx::AssertSqlSafe;

const T: &str = "media_badges";

const COLUMNS: &str = "SELECT id, election, outlet_id, outlet_name, name, status, reason, \
     issued_by, issued_at, revoked_by, revoked_at, payload FROM media_badges";

const INSERT: &str = "INSERT INTO media_badges (id, election, outlet_id, outlet_name, name, \
     status, issued_by, issued_at, payload) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";

const REVOKE: &str = "UPDATE media_badges SET status = $2, reason = $3, revoked_by = $4, \
     revoked_at = $5 WHERE id = $1";

const REVOKED: &str = "SELECT b.id, b.status FROM media_badges b \
     JOIN media_outlets o ON o.id = b.outlet_id \
     WHERE b.election = $1 AND (b.status = 'revoked' OR o.status = 'revoked') ORDER BY b.id";

#[derive(sqlx::FromRow)]
struct BadgeRow {
    id: i64,
    election: String,
    outlet_id: i64,
    outlet_name: String,
    name: String,
    status: String,
    reason: Option<String>,
    issued_by: String,
    issued_at: String,
    revoked_by: Option<String>,
    revoked_at: Option<String>,
    payload: String,
}

fn text(key: &str, column: &str, value: &str) -> Result<Text, StoreError> {
    field(T, key, column, value, Text::parse)
}

fn filer(key: &str, column: &str, value: &str) -> Result<Filer, StoreError> {
    field(T, key, column, value, |v| Filer::try_from(v.to_owned()))
}

impl BadgeRow {
    fn into_domain(self) -> Result<Badge, StoreError> {
        let key = self.id.to_string();
        let key = key.as_str();
        Ok(Badge {
            id: BadgeId::new(self.id).ok_or_else(|| corrupt(T, key, "id"))?,
            election: field(T, key, "election", &self.election, ElectionId::parse)?,
            outlet: OutletId::new(self.outlet_id).ok_or_else(|| corrupt(T, key, "outlet_id"))?,
            outlet_name: text(key, "outlet_name", &self.outlet_name)?,
            name: text(key, "name", &self.name)?,
            status: enum_field(T, key, "status", &self.status, BadgeStatus::from_code)?,
            reason: self.reason.map(|r| text(key, "reason", &r)).transpose()?,
            issued_by: filer(key, "issued_by", &self.issued_by)?,
            issued_at: timestamp(T, key, "issued_at", &self.issued_at)?,
            revoked_by: self
                .revoked_by
                .map(|r| filer(key, "revoked_by", &r))
                .transpose()?,
            revoked_at: self
                .revoked_at
                .map(|t| timestamp(T, key, "revoked_at", &t))
                .transpose()?,
            payload: self.payload,
        })
    }
}

#[async_trait]
impl BadgeStore for Db {
    async fn issue_media_badge(
        &self,
        election: &ElectionId,
        outlet: OutletId,
        name: Text,
        signer: &Signer,
        by: &Filer,
        mut event: AuditEvent,
    ) -> Result<Badge, MediaError> {
        let mut tx = self.begin_tx().await?;
        let head = tx.lock_head().await?;
        let found = tx
            .media_outlet_in_tx(election, outlet)
            .await?
            .ok_or(MediaError::UnknownOutlet(outlet))?;
        let id = tx.next_badge_id().await?;
        let issued = badge::issue(&found, id, name, signer, by, event.at)?;
        tx.insert_badge(&issued).await?;
        event.subject = format!("{election}/media/badges/{id}");
        tx.append_audit(head, event.after(&issued)).await?;
        tx.commit().await?;
        Ok(issued)
    }

    async fn revoke_media_badge(
        &self,
        election: &ElectionId,
        id: BadgeId,
        reason: Text,
        by: &Filer,
        event: AuditEvent,
    ) -> Result<Badge, MediaError> {
        let mut tx = self.begin_tx().await?;
        let head = tx.lock_head().await?;
        let before = tx
            .badge_in_tx(election, id)
            .await?
            .ok_or(MediaError::UnknownBadge(id))?;
        let after = badge::revoke(before.clone(), reason, by, event.at)?;
        tx.set_badge_revoked(&after).await?;
        tx.append_audit(head, event.before(&before).after(&after))
            .await?;
        tx.commit().await?;
        Ok(after)
    }

    async fn media_badge(
        &self,
        election: &ElectionId,
        id: BadgeId,
    ) -> Result<Option<Badge>, StoreError> {
        on_db!(self, |pool, d| {
            let row: Option<BadgeRow> = sqlx::query_as(AssertSqlSafe(format!(
                "{COLUMNS} WHERE election = $1 AND id = $2"
            )))
            .bind(election.as_str())
            .bind(id.get())
            .fetch_optional(pool)
            .await
            .map_err(db_err)?;
            row.map(BadgeRow::into_domain).transpose()
        })
    }

    async fn media_badges(
        &self,
        election: &ElectionId,
        outlet: OutletId,
    ) -> Result<Vec<Badge>, StoreError> {
        on_db!(self, |pool, d| {
            let rows: Vec<BadgeRow> = sqlx::query_as(AssertSqlSafe(format!(
                "{COLUMNS} WHERE election = $1 AND outlet_id = $2 ORDER BY id"
            )))
            .bind(election.as_str())
            .bind(outlet.get())
            .fetch_all(pool)
            .await
            .map_err(db_err)?;
            rows.into_iter().map(BadgeRow::into_domain).collect()
        })
    }

    async fn revoked_media_badges(
        &self,
        election: &ElectionId,
    ) -> Result<Vec<RevokedBadge>, StoreError> {
        on_db!(self, |pool, d| {
            let rows: Vec<(i64, String)> = sqlx::query_as(REVOKED)
                .bind(election.as_str())
                .fetch_all(pool)
                .await
                .map_err(db_err)?;
            rows.into_iter()
                .map(|(id, status)| {
                    let badge =
                        BadgeId::new(id).ok_or_else(|| corrupt(T, &id.to_string(), "id"))?;
                    let revoked_for = if status == BadgeStatus::Revoked.code() {
                        RevokedFor::Badge
                    } else {
                        RevokedFor::Outlet
                    };
                    Ok(RevokedBadge { badge, revoked_for })
                })
                .collect()
        })
    }
}

/// The steps of the badges' writers.
impl Tx {
    /// Numbers count from 1 per database; safe to compute under the write lock.
    async fn next_badge_id(&mut self) -> Result<BadgeId, StoreError> {
        let next: i64 = on_tx!(self, |t, d| {
            sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM media_badges")
                .fetch_one(&mut **t)
                .await
                .map_err(db_err)?
        });
        BadgeId::new(next).ok_or_else(|| corrupt(T, "max", "id"))
    }

    async fn badge_in_tx(
        &mut self,
        election: &ElectionId,
        id: BadgeId,
    ) -> Result<Option<Badge>, StoreError> {
        let row: Option<BadgeRow> = on_tx!(self, |t, d| {
            sqlx::query_as(AssertSqlSafe(format!(
                "{COLUMNS} WHERE election = $1 AND id = $2"
            )))
            .bind(election.as_str())
            .bind(id.get())
            .fetch_optional(&mut **t)
            .await
            .map_err(db_err)?
        });
        row.map(BadgeRow::into_domain).transpose()
    }

    async fn insert_badge(&mut self, b: &Badge) -> Result<(), StoreError> {
        on_tx!(self, |t, d| {
            sqlx::query(INSERT)
                .bind(b.id.get())
                .bind(b.election.as_str())
                .bind(b.outlet.get())
                .bind(b.outlet_name.as_str())
                .bind(b.name.as_str())
                .bind(b.status.code())
                .bind(b.issued_by.to_string())
                .bind(b.issued_at.to_string())
                .bind(b.payload.as_str())
                .execute(&mut **t)
                .await
                .map_err(db_err)?;
        });
        Ok(())
    }

    async fn set_badge_revoked(&mut self, b: &Badge) -> Result<(), StoreError> {
        on_tx!(self, |t, d| {
            sqlx::query(REVOKE)
                .bind(b.id.get())
                .bind(b.status.code())
                .bind(b.reason.as_ref().map(Text::as_str))
                .bind(b.revoked_by.as_ref().map(Filer::to_string))
                .bind(b.revoked_at.map(|t| t.to_string()))
                .execute(&mut **t)
                .await
                .map_err(db_err)?;
        });
        Ok(())
    }
}
