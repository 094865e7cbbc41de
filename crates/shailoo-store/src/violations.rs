//! [`shailoo_app::ViolationStore`] on both engines (migration
//! `20261207000500_funds_violations`): `violation_reports` (what was reported, its triage and
//! assignment, the current status), `violation_updates` (the history the reporter follows)
//! and `violation_evidence` (photos and videos, once per BLAKE3 digest).
//!
//! The writers follow the capability template, each step a `Tx` method: open the write
//! transaction, lock the audit head, read the facts, call
//! `shailoo_app::violations::transitions`, write what it returns and the audit entry.

use crate::rows::{corrupt, enum_field, field, station_number, timestamp, top_territory};
use crate::{Db, Tx, WritePool, db_err};
use async_trait::async_trait;
use jiff::civil::Date;
use shailoo_app::audit::AuditEvent;
use shailoo_app::users::{Filer, Username};
use shailoo_app::violations::transitions::{self, Change, ChangeFacts, FilingFacts};
use shailoo_app::violations::{
    Evidence, EvidenceFormat, EvidenceInfo, Place, ReportText, StatRow, Update, ViolationDraft,
    ViolationError, ViolationFilter, ViolationId, ViolationReport,
};
use shailoo_app::{StoreError, ViolationStore};
use shailoo_domain::violation::{Category, Intake, Status};
use shailoo_domain::{CommissionId, ElectionId};
use sqlx::AssertSqlSafe;
use std::collections::HashMap;

const T: &str = "violation_reports";
const U: &str = "violation_updates";

const COLUMNS: &str = "SELECT r.id, r.secret, r.election, r.intake, r.text, r.station, \
     r.location, r.contact, r.evidence, e.content_type, e.size, r.category, r.territory, \
     r.region, r.assigned_to, r.received_at, r.received_by FROM violation_reports r \
     LEFT JOIN violation_evidence e ON e.digest = r.evidence";

const UPDATE_COLUMNS: &str = "SELECT u.report, u.seq, u.status, u.note, u.by_whom, u.at \
     FROM violation_updates u";

const INSERT: &str = "INSERT INTO violation_reports (id, secret, election, intake, text, \
     station, location, contact, evidence, external_id, received_at, received_by, status) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";

const INSERT_UPDATE: &str = "INSERT INTO violation_updates (report, seq, status, note, \
     by_whom, at) VALUES ($1, $2, $3, $4, $5, $6)";

const WRITE_TRIAGE: &str = "UPDATE violation_reports SET category = $2, territory = $3, \
     region = $4, assigned_to = $5, status = $6 WHERE id = $1";

const INSERT_EVIDENCE: &str = "INSERT INTO violation_evidence (digest, content_type, size, \
     bytes) VALUES ($1, $2, $3, $4) ON CONFLICT (digest) DO NOTHING";

#[derive(sqlx::FromRow)]
struct ReportRow {
    id: i64,
    secret: i64,
    election: String,
    intake: String,
    text: String,
    station: Option<i64>,
    location: Option<String>,
    contact: Option<String>,
    evidence: Option<String>,
    content_type: Option<String>,
    size: Option<i64>,
    category: Option<String>,
    territory: Option<String>,
    region: Option<String>,
    assigned_to: Option<String>,
    received_at: String,
    received_by: String,
}

#[derive(sqlx::FromRow)]
struct UpdateRow {
    report: i64,
    seq: i64,
    status: String,
    note: Option<String>,
    by_whom: String,
    at: String,
}

fn text(table: &str, key: &str, column: &str, value: &str) -> Result<ReportText, StoreError> {
    field(table, key, column, value, ReportText::parse)
}

fn opt_text(
    table: &str,
    key: &str,
    column: &str,
    value: Option<&str>,
) -> Result<Option<ReportText>, StoreError> {
    value.map(|v| text(table, key, column, v)).transpose()
}

fn filer(table: &str, key: &str, column: &str, value: &str) -> Result<Filer, StoreError> {
    field(table, key, column, value, |v| Filer::try_from(v.to_owned()))
}

impl UpdateRow {
    fn into_domain(self) -> Result<Update, StoreError> {
        let key = format!("{}/{}", self.report, self.seq);
        let key = key.as_str();
        Ok(Update {
            status: enum_field(U, key, "status", &self.status, Status::from_code)?,
            note: opt_text(U, key, "note", self.note.as_deref())?,
            by: filer(U, key, "by_whom", &self.by_whom)?,
            at: timestamp(U, key, "at", &self.at)?,
        })
    }
}

impl ReportRow {
    fn evidence(&self, key: &str) -> Result<Option<EvidenceInfo>, StoreError> {
        let Some(digest) = &self.evidence else {
            return Ok(None);
        };
        let (Some(ct), Some(size)) = (&self.content_type, self.size) else {
            return Err(corrupt(T, key, "evidence without its row"));
        };
        Ok(Some(EvidenceInfo {
            format: enum_field(
                T,
                key,
                "content_type",
                ct,
                EvidenceFormat::from_content_type,
            )?,
            digest: digest.clone(),
            size: u64::try_from(size).map_err(|_| corrupt(T, key, "size"))?,
        }))
    }

    fn into_domain(self, updates: Vec<Update>) -> Result<ViolationReport, StoreError> {
        let key = self.id.to_string();
        let key = key.as_str();
        if updates.is_empty() {
            return Err(corrupt(T, key, "a report without its history"));
        }
        Ok(ViolationReport {
            id: ViolationId::new(self.id).ok_or_else(|| corrupt(T, key, "id"))?,
            secret: u32::try_from(self.secret).map_err(|_| corrupt(T, key, "secret"))?,
            election: field(T, key, "election", &self.election, ElectionId::parse)?,
            intake: enum_field(T, key, "intake", &self.intake, Intake::from_code)?,
            text: text(T, key, "text", &self.text)?,
            place: Place {
                station: self
                    .station
                    .map(|s| station_number(T, key, s))
                    .transpose()?,
                location: opt_text(T, key, "location", self.location.as_deref())?,
            },
            contact: opt_text(T, key, "contact", self.contact.as_deref())?,
            evidence: self.evidence(key)?,
            category: self
                .category
                .as_deref()
                .map(|c| enum_field(T, key, "category", c, Category::from_code))
                .transpose()?,
            territory: self
                .territory
                .as_deref()
                .map(|c| field(T, key, "territory", c, CommissionId::parse))
                .transpose()?,
            region: self.region,
            assigned_to: self
                .assigned_to
                .as_deref()
                .map(|u| field(T, key, "assigned_to", u, Username::parse))
                .transpose()?,
            received_at: timestamp(T, key, "received_at", &self.received_at)?,
            received_by: filer(T, key, "received_by", &self.received_by)?,
            updates,
        })
    }
}

fn assemble(
    rows: Vec<ReportRow>,
    updates: Vec<UpdateRow>,
) -> Result<Vec<ViolationReport>, StoreError> {
    let mut by_id: HashMap<i64, Vec<Update>> = HashMap::new();
    for u in updates {
        by_id.entry(u.report).or_default().push(u.into_domain()?);
    }
    rows.into_iter()
        .map(|r| {
            let updates = by_id.remove(&r.id).unwrap_or_default();
            r.into_domain(updates)
        })
        .collect()
}

/// Reads one report with its history on `$exec` (a pool's read transaction or a `Tx`).
macro_rules! read_report {
    ($exec:expr, $id:expr) => {{
        let row: Option<ReportRow> =
            sqlx::query_as(AssertSqlSafe(format!("{COLUMNS} WHERE r.id = $1")))
                .bind(i64::from($id.get()))
                .fetch_optional(&mut *$exec)
                .await
                .map_err(db_err)?;
        match row {
            None => None,
            Some(row) => {
                let updates: Vec<UpdateRow> = sqlx::query_as(AssertSqlSafe(format!(
                    "{UPDATE_COLUMNS} WHERE u.report = $1 ORDER BY u.seq"
                )))
                .bind(i64::from($id.get()))
                .fetch_all(&mut *$exec)
                .await
                .map_err(db_err)?;
                assemble(vec![row], updates)?.pop()
            }
        }
    }};
}

#[async_trait]
impl ViolationStore for Db {
    async fn file_violation(
        &self,
        election: &ElectionId,
        draft: &ViolationDraft,
        secret: u32,
        by: &Filer,
        mut event: AuditEvent,
    ) -> Result<ViolationReport, ViolationError> {
        let mut tx = self.begin_tx().await?;
        let head = tx.lock_head().await?;
        if let Some(external) = &draft.external_id
            && let Some(id) = tx.violation_by_external_id(external).await?
            && let Some(known) = tx.violation_report(id).await?
        {
            // Delivered before: the same report, nothing written.
            tx.commit().await?;
            return Ok(known);
        }
        let facts = FilingFacts {
            station_exists: match draft.place.station {
                Some(s) => tx.violation_station_exists(i64::from(s.get())).await?,
                None => false,
            },
            next_id: tx.next_violation_id().await?,
        };
        let report = transitions::file(election, draft, secret, by, event.at, &facts)?;
        if let Some(evidence) = &draft.evidence {
            tx.insert_violation_evidence(evidence).await?;
        }
        tx.insert_violation(&report, draft.external_id.as_deref())
            .await?;
        event.subject = format!("{election}/violations/{}", report.id);
        tx.append_audit(head, event.after(&report.public())).await?;
        tx.commit().await?;
        Ok(report)
    }

    async fn change_violation(
        &self,
        election: &ElectionId,
        id: ViolationId,
        change: &Change,
        by: &Filer,
        event: AuditEvent,
    ) -> Result<ViolationReport, ViolationError> {
        let mut tx = self.begin_tx().await?;
        let head = tx.lock_head().await?;
        let before = tx
            .violation_report(id)
            .await?
            .filter(|r| r.election == *election)
            .ok_or(ViolationError::UnknownReport(id))?;
        let facts = tx.violation_change_facts(&before, change).await?;
        let after = transitions::apply(before.clone(), change, by, event.at, &facts)?;
        tx.write_violation_change(&after).await?;
        tx.append_audit(head, event.before(&before.public()).after(&after.public()))
            .await?;
        tx.commit().await?;
        Ok(after)
    }

    async fn violation(&self, id: ViolationId) -> Result<Option<ViolationReport>, StoreError> {
        on_db!(self, |pool, d| {
            let mut tx = pool.begin_read().await?;
            let found = read_report!(tx, id);
            tx.commit().await.map_err(db_err)?;
            Ok(found)
        })
    }

    async fn violations(
        &self,
        election: &ElectionId,
        filter: &ViolationFilter,
    ) -> Result<Vec<ViolationReport>, StoreError> {
        // Absent filters bind NULL, which keeps the SQL text constant.
        let sql = format!(
            "WITH RECURSIVE below (id) AS (SELECT id FROM commissions WHERE id = $4 \
             UNION ALL SELECT m.id FROM commissions m JOIN below b ON m.parent = b.id) \
             {COLUMNS} WHERE r.election = $1 AND ($2 IS NULL OR r.status = $2) \
             AND ($3 IS NULL OR r.category = $3) \
             AND ($4 IS NULL OR r.territory IS NULL OR r.territory IN (SELECT id FROM below)) \
             ORDER BY r.id DESC LIMIT 500"
        );
        let status = filter.status.map(Status::code);
        let category = filter.category.map(Category::code);
        let within = filter.within.as_ref().map(|c| c.as_str());
        on_db!(self, |pool, d| {
            let mut tx = pool.begin_read().await?;
            let rows: Vec<ReportRow> = sqlx::query_as(AssertSqlSafe(sql.clone()))
                .bind(election.as_str())
                .bind(status)
                .bind(category)
                .bind(within)
                .fetch_all(&mut *tx)
                .await
                .map_err(db_err)?;
            let (Some(low), Some(high)) = (rows.last().map(|r| r.id), rows.first().map(|r| r.id))
            else {
                tx.commit().await.map_err(db_err)?;
                return Ok(Vec::new());
            };
            let updates: Vec<UpdateRow> = sqlx::query_as(AssertSqlSafe(format!(
                "{UPDATE_COLUMNS} WHERE u.report BETWEEN $1 AND $2 ORDER BY u.report, u.seq"
            )))
            .bind(low)
            .bind(high)
            .fetch_all(&mut *tx)
            .await
            .map_err(db_err)?;
            tx.commit().await.map_err(db_err)?;
            assemble(rows, updates)
        })
    }

    async fn violation_stats(&self, election: &ElectionId) -> Result<Vec<StatRow>, StoreError> {
        // The day in Bishkek (UTC+6, no daylight saving) of each report: its instant's date
        // after six hours, grouped in Rust (the text functions of the two engines differ).
        let rows: Vec<(String, Option<String>, Option<String>)> = on_db!(self, |pool, d| {
            sqlx::query_as(
                "SELECT received_at, category, region FROM violation_reports \
                 WHERE election = $1 ORDER BY id",
            )
            .bind(election.as_str())
            .fetch_all(pool)
            .await
            .map_err(db_err)?
        });
        let mut counts: std::collections::BTreeMap<(Date, Option<String>, Option<String>), u64> =
            std::collections::BTreeMap::new();
        for (at, category, region) in rows {
            let at = timestamp(T, "stats", "received_at", &at)?;
            let day = shailoo_domain::time::to_bishkek(at).date();
            *counts.entry((day, category, region)).or_default() += 1;
        }
        counts
            .into_iter()
            .map(|((day, category, region), count)| {
                Ok(StatRow {
                    day,
                    category: category
                        .as_deref()
                        .map(|c| enum_field(T, "stats", "category", c, Category::from_code))
                        .transpose()?,
                    region,
                    count,
                })
            })
            .collect()
    }

    async fn violation_evidence(&self, digest: &str) -> Result<Option<Evidence>, StoreError> {
        let row: Option<(String, Vec<u8>)> = on_db!(self, |pool, d| {
            sqlx::query_as("SELECT content_type, bytes FROM violation_evidence WHERE digest = $1")
                .bind(digest)
                .fetch_optional(pool)
                .await
                .map_err(db_err)?
        });
        row.map(|(ct, bytes)| {
            let format = enum_field(
                "violation_evidence",
                digest,
                "content_type",
                &ct,
                EvidenceFormat::from_content_type,
            )?;
            Ok(Evidence::from_stored(format, bytes))
        })
        .transpose()
    }
}

/// The steps of the violation-report writers.
impl Tx {
    async fn violation_by_external_id(
        &mut self,
        external: &str,
    ) -> Result<Option<ViolationId>, StoreError> {
        let id: Option<i64> = on_tx!(self, |t, d| {
            sqlx::query_scalar("SELECT id FROM violation_reports WHERE external_id = $1")
                .bind(external)
                .fetch_optional(&mut **t)
                .await
                .map_err(db_err)?
        });
        Ok(id.and_then(ViolationId::new))
    }

    async fn violation_report(
        &mut self,
        id: ViolationId,
    ) -> Result<Option<ViolationReport>, StoreError> {
        Ok(on_tx!(self, |t, d| read_report!(*t, id)))
    }

    async fn violation_station_exists(&mut self, station: i64) -> Result<bool, StoreError> {
        Ok(on_tx!(self, |t, d| {
            sqlx::query_scalar::<_, i64>("SELECT CAST(1 AS BIGINT) FROM stations WHERE number = $1")
                .bind(station)
                .fetch_optional(&mut **t)
                .await
                .map_err(db_err)?
                .is_some()
        }))
    }

    /// Numbers count from 1 per database; safe to compute under the write lock.
    async fn next_violation_id(&mut self) -> Result<ViolationId, StoreError> {
        let next: i64 = on_tx!(self, |t, d| {
            sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM violation_reports")
                .fetch_one(&mut **t)
                .await
                .map_err(db_err)?
        });
        ViolationId::new(next).ok_or_else(|| corrupt(T, "max", "id"))
    }

    async fn insert_violation_evidence(&mut self, evidence: &Evidence) -> Result<(), StoreError> {
        let info = evidence.info();
        on_tx!(self, |t, d| {
            sqlx::query(INSERT_EVIDENCE)
                .bind(info.digest.as_str())
                .bind(info.format.content_type())
                .bind(i64::try_from(info.size).unwrap_or(i64::MAX))
                .bind(evidence.bytes())
                .execute(&mut **t)
                .await
                .map_err(db_err)?;
        });
        Ok(())
    }

    async fn insert_violation(
        &mut self,
        r: &ViolationReport,
        external_id: Option<&str>,
    ) -> Result<(), StoreError> {
        on_tx!(self, |t, d| {
            sqlx::query(INSERT)
                .bind(i64::from(r.id.get()))
                .bind(i64::from(r.secret))
                .bind(r.election.as_str())
                .bind(r.intake.code())
                .bind(r.text.as_str())
                .bind(r.place.station.map(|s| i64::from(s.get())))
                .bind(r.place.location.as_ref().map(ReportText::as_str))
                .bind(r.contact.as_ref().map(ReportText::as_str))
                .bind(r.evidence.as_ref().map(|e| e.digest.as_str()))
                .bind(external_id)
                .bind(r.received_at.to_string())
                .bind(r.received_by.to_string())
                .bind(r.status().code())
                .execute(&mut **t)
                .await
                .map_err(db_err)?;
        });
        self.insert_violation_update(r, 0).await
    }

    /// The update at index `i` of the report's history.
    async fn insert_violation_update(
        &mut self,
        r: &ViolationReport,
        i: usize,
    ) -> Result<(), StoreError> {
        let u = &r.updates[i];
        on_tx!(self, |t, d| {
            sqlx::query(INSERT_UPDATE)
                .bind(i64::from(r.id.get()))
                .bind(i as i64 + 1)
                .bind(u.status.code())
                .bind(u.note.as_ref().map(ReportText::as_str))
                .bind(u.by.to_string())
                .bind(u.at.to_string())
                .execute(&mut **t)
                .await
                .map_err(db_err)?;
        });
        Ok(())
    }

    /// What a change wrote: the report's columns and its newest update.
    async fn write_violation_change(&mut self, r: &ViolationReport) -> Result<(), StoreError> {
        on_tx!(self, |t, d| {
            sqlx::query(WRITE_TRIAGE)
                .bind(i64::from(r.id.get()))
                .bind(r.category.map(Category::code))
                .bind(r.territory.as_ref().map(CommissionId::as_str))
                .bind(r.region.as_deref())
                .bind(r.assigned_to.as_ref().map(Username::as_str))
                .bind(r.status().code())
                .execute(&mut **t)
                .await
                .map_err(db_err)?;
        });
        self.insert_violation_update(r, r.updates.len() - 1).await
    }

    /// The territory of a triage (given, or the TEC above the station's PEC) with its region,
    /// and an assignee's commission.
    async fn violation_change_facts(
        &mut self,
        before: &ViolationReport,
        change: &Change,
    ) -> Result<ChangeFacts, ViolationError> {
        let mut facts = ChangeFacts::default();
        match change {
            Change::Triage { territory, .. } => {
                let commission = match (territory, before.place.station) {
                    (Some(t), _) => Some(t.as_str().to_owned()),
                    (None, Some(s)) => self.violation_station_tec(i64::from(s.get())).await?,
                    (None, None) => None,
                };
                if let Some(c) = commission {
                    let path = self.violation_commission_path(&c).await?;
                    let Some(path) = path else {
                        return Err(ViolationError::UnknownCommission(field(
                            "commissions",
                            &c,
                            "id",
                            &c,
                            CommissionId::parse,
                        )?));
                    };
                    let id = field("commissions", &c, "id", &c, CommissionId::parse)?;
                    facts.territory = Some((id, top_territory(&path).map(str::to_owned)));
                }
            }
            Change::Assign { to } => {
                let c: Option<String> = on_tx!(self, |t, d| {
                    sqlx::query_scalar("SELECT commission FROM users WHERE username = $1")
                        .bind(to.as_str())
                        .fetch_optional(&mut **t)
                        .await
                        .map_err(db_err)?
                });
                facts.assignee_commission = c
                    .map(|c| field("users", to.as_str(), "commission", &c, CommissionId::parse))
                    .transpose()?;
            }
            Change::Close { .. } => {}
        }
        Ok(facts)
    }

    /// The commission above the station's PEC (its TEC), or the PEC itself at the top.
    async fn violation_station_tec(&mut self, station: i64) -> Result<Option<String>, StoreError> {
        let row: Option<(String, Option<String>)> = on_tx!(self, |t, d| {
            sqlx::query_as(
                "SELECT c.id, c.parent FROM stations s JOIN commissions c \
                 ON c.id = s.commission WHERE s.number = $1",
            )
            .bind(station)
            .fetch_optional(&mut **t)
            .await
            .map_err(db_err)?
        });
        Ok(row.map(|(pec, parent)| parent.unwrap_or(pec)))
    }

    /// The territory path of a commission (`None`: no such commission).
    async fn violation_commission_path(
        &mut self,
        commission: &str,
    ) -> Result<Option<String>, StoreError> {
        Ok(on_tx!(self, |t, d| {
            sqlx::query_scalar(
                "SELECT t.path FROM commissions c JOIN territories t ON t.id = c.territory \
                 WHERE c.id = $1",
            )
            .bind(commission)
            .fetch_optional(&mut **t)
            .await
            .map_err(db_err)?
        }))
    }
}
