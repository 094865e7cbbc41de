//! [`shailoo_app::FundStore`] on both engines (migration `20261207000500_funds_violations`):
//! a fund is a filed nomination's, with its `fund_movements` (numbered from 1 in the fund)
//! and its `fund_reports` (each once, with its days late).
//!
//! The writers follow the capability template: open the write transaction, lock the audit
//! head, read the fund, call `shailoo_app::funds::transitions`, write what it returns and the
//! audit entry — a statement's movements all, or none.

use crate::rows::{corrupt, date, enum_field, field, timestamp};
use crate::{Db, Tx, WritePool, db_err};
use async_trait::async_trait;
use shailoo_app::audit::AuditEvent;
use shailoo_app::candidates::NominationId;
use shailoo_app::funds::transitions::{self, FundClock};
use shailoo_app::funds::{Batch, FiledReport, Fund, FundError, FundMovement, Source};
use shailoo_app::users::Filer;
use shailoo_app::{FundStore, StoreError};
use shailoo_domain::candidate::PartyId;
use shailoo_domain::funds::{DonorKind, FundRules, Movement, MovementKind, Report};
use shailoo_domain::media::Money;
use shailoo_domain::{CouncilId, DistrictId, ElectionId};
use std::collections::BTreeMap;

const M: &str = "fund_movements";
const R: &str = "fund_reports";
const N: &str = "nominations";

/// Filed nominations (a draft has no fund yet) with their first candidate's name.
const NOMINATIONS: &str = "SELECT n.id, n.council, n.party, n.district, \
     (SELECT e.surname || ' ' || e.given_name FROM nomination_entries e \
      WHERE e.nomination = n.id ORDER BY e.position LIMIT 1) AS holder \
     FROM nominations n WHERE n.election = $1 AND n.status <> 'draft' \
     AND ($2 IS NULL OR n.id = $2) ORDER BY n.id";

const MOVEMENTS: &str = "SELECT m.nomination, m.seq, m.on_date, m.direction, m.amount, \
     m.donor_kind, m.counterparty, m.purpose, m.source, m.statement_line, m.entered_by, \
     m.entered_at FROM fund_movements m JOIN nominations n ON n.id = m.nomination \
     WHERE n.election = $1 AND ($2 IS NULL OR m.nomination = $2) ORDER BY m.nomination, m.seq";

const REPORTS: &str = "SELECT r.nomination, r.report, r.submitted_at, r.submitted_by, \
     r.late_days FROM fund_reports r JOIN nominations n ON n.id = r.nomination \
     WHERE n.election = $1 AND ($2 IS NULL OR r.nomination = $2) ORDER BY r.nomination";

const INSERT_MOVEMENT: &str = "INSERT INTO fund_movements (nomination, seq, on_date, \
     direction, amount, donor_kind, counterparty, purpose, source, statement_line, \
     entered_by, entered_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";

const INSERT_REPORT: &str = "INSERT INTO fund_reports (nomination, report, submitted_at, \
     submitted_by, late_days) VALUES ($1, $2, $3, $4, $5)";

#[derive(sqlx::FromRow)]
struct NominationRow {
    id: i64,
    council: String,
    party: Option<String>,
    district: Option<String>,
    holder: Option<String>,
}

#[derive(sqlx::FromRow)]
struct MovementRow {
    nomination: i64,
    seq: i64,
    on_date: String,
    direction: String,
    amount: i64,
    donor_kind: Option<String>,
    counterparty: String,
    purpose: Option<String>,
    source: String,
    statement_line: Option<i64>,
    entered_by: String,
    entered_at: String,
}

#[derive(sqlx::FromRow)]
struct ReportRow {
    nomination: i64,
    report: String,
    submitted_at: String,
    submitted_by: String,
    late_days: Option<i64>,
}

fn report_code(r: Report) -> &'static str {
    match r {
        Report::First => "first",
        Report::Final => "final",
    }
}

fn report_of(s: &str) -> Option<Report> {
    [Report::First, Report::Final]
        .into_iter()
        .find(|r| report_code(*r) == s)
}

fn filer(table: &str, key: &str, column: &str, value: &str) -> Result<Filer, StoreError> {
    field(table, key, column, value, |v| Filer::try_from(v.to_owned()))
}

impl MovementRow {
    fn into_domain(self) -> Result<FundMovement, StoreError> {
        let key = format!("{}/{}", self.nomination, self.seq);
        let key = key.as_str();
        let kind = match (self.direction.as_str(), &self.donor_kind, self.purpose) {
            ("in", Some(k), _) => MovementKind::Income {
                donor_kind: enum_field(M, key, "donor_kind", k, DonorKind::from_code)?,
                donor: self.counterparty,
            },
            ("out", None, Some(purpose)) => MovementKind::Expense { purpose },
            _ => {
                return Err(corrupt(
                    M,
                    key,
                    "direction, donor kind and purpose disagree",
                ));
            }
        };
        Ok(FundMovement {
            movement: Movement {
                line: u64::try_from(self.seq).map_err(|_| corrupt(M, key, "seq"))?,
                on: date(M, key, "on_date", &self.on_date)?,
                amount: Money::from_tyiyn(
                    u64::try_from(self.amount).map_err(|_| corrupt(M, key, "amount"))?,
                ),
                kind,
            },
            source: enum_field(M, key, "source", &self.source, Source::from_code)?,
            statement_line: self.statement_line.and_then(|l| u64::try_from(l).ok()),
            entered_by: filer(M, key, "entered_by", &self.entered_by)?,
            entered_at: timestamp(M, key, "entered_at", &self.entered_at)?,
        })
    }
}

impl ReportRow {
    fn into_domain(self) -> Result<FiledReport, StoreError> {
        let key = format!("{}/{}", self.nomination, self.report);
        let key = key.as_str();
        Ok(FiledReport {
            report: enum_field(R, key, "report", &self.report, report_of)?,
            submitted_at: timestamp(R, key, "submitted_at", &self.submitted_at)?,
            submitted_by: filer(R, key, "submitted_by", &self.submitted_by)?,
            late_days: self
                .late_days
                .map(|d| u32::try_from(d).map_err(|_| corrupt(R, key, "late_days")))
                .transpose()?,
        })
    }
}

fn assemble(
    election: &ElectionId,
    nominations: Vec<NominationRow>,
    movements: Vec<MovementRow>,
    reports: Vec<ReportRow>,
) -> Result<Vec<Fund>, StoreError> {
    let mut moved: BTreeMap<i64, Vec<FundMovement>> = BTreeMap::new();
    for m in movements {
        moved
            .entry(m.nomination)
            .or_default()
            .push(m.into_domain()?);
    }
    let mut reported: BTreeMap<i64, Vec<FiledReport>> = BTreeMap::new();
    for r in reports {
        reported
            .entry(r.nomination)
            .or_default()
            .push(r.into_domain()?);
    }
    nominations
        .into_iter()
        .map(|n| {
            let key = n.id.to_string();
            let key = key.as_str();
            Ok(Fund {
                election: election.clone(),
                nomination: NominationId::new(n.id).ok_or_else(|| corrupt(N, key, "id"))?,
                council: field(N, key, "council", &n.council, CouncilId::parse)?,
                party: n
                    .party
                    .as_deref()
                    .map(|p| field(N, key, "party", p, PartyId::parse))
                    .transpose()?,
                district: n
                    .district
                    .as_deref()
                    .map(|d| field(N, key, "district", d, DistrictId::parse))
                    .transpose()?,
                holder: n.district.as_ref().and(n.holder),
                movements: moved.remove(&n.id).unwrap_or_default(),
                reports: reported.remove(&n.id).unwrap_or_default(),
            })
        })
        .collect()
}

/// Reads the funds of `$election` (one nomination's, or all: `$one` is `Option<i64>`) on
/// `$exec`.
macro_rules! read_funds {
    ($exec:expr, $election:expr, $one:expr) => {{
        let nominations: Vec<NominationRow> = sqlx::query_as(NOMINATIONS)
            .bind($election.as_str())
            .bind($one)
            .fetch_all(&mut *$exec)
            .await
            .map_err(db_err)?;
        let movements: Vec<MovementRow> = sqlx::query_as(MOVEMENTS)
            .bind($election.as_str())
            .bind($one)
            .fetch_all(&mut *$exec)
            .await
            .map_err(db_err)?;
        let reports: Vec<ReportRow> = sqlx::query_as(REPORTS)
            .bind($election.as_str())
            .bind($one)
            .fetch_all(&mut *$exec)
            .await
            .map_err(db_err)?;
        assemble($election, nominations, movements, reports)?
    }};
}

#[async_trait]
impl FundStore for Db {
    async fn add_fund_movements(
        &self,
        election: &ElectionId,
        nomination: NominationId,
        batch: Batch,
        by: &Filer,
        clock: &FundClock,
        event: AuditEvent,
    ) -> Result<Fund, FundError> {
        let mut tx = self.begin_tx().await?;
        let head = tx.lock_head().await?;
        let mut fund = tx
            .fund_in_tx(election, nomination)
            .await?
            .ok_or(FundError::UnknownNomination(nomination))?;
        let rules = FundRules::of(&clock.params);
        let added = transitions::admit(&fund, batch.movements, batch.source, by, event.at, &rules)?;
        for m in &added {
            tx.insert_fund_movement(nomination, m).await?;
        }
        let count = added.len();
        fund.movements.extend(added);
        let after = serde_json::json!({ "movements": count, "income": fund.income(),
            "expenses": fund.expenses() });
        tx.append_audit(head, event.after(&after)).await?;
        tx.commit().await?;
        Ok(fund)
    }

    async fn submit_fund_report(
        &self,
        election: &ElectionId,
        nomination: NominationId,
        report: Report,
        by: &Filer,
        clock: &FundClock,
        event: AuditEvent,
    ) -> Result<Fund, FundError> {
        let mut tx = self.begin_tx().await?;
        let head = tx.lock_head().await?;
        let mut fund = tx
            .fund_in_tx(election, nomination)
            .await?
            .ok_or(FundError::UnknownNomination(nomination))?;
        let filed = transitions::submit(&fund, report, by, event.at, clock)?;
        tx.insert_fund_report(nomination, &filed).await?;
        tx.append_audit(head, event.after(&filed)).await?;
        fund.reports.push(filed);
        tx.commit().await?;
        Ok(fund)
    }

    async fn fund(
        &self,
        election: &ElectionId,
        nomination: NominationId,
    ) -> Result<Option<Fund>, StoreError> {
        on_db!(self, |pool, d| {
            let mut tx = pool.begin_read().await?;
            let mut funds = read_funds!(tx, election, Some(nomination.get()));
            tx.commit().await.map_err(db_err)?;
            Ok(funds.pop())
        })
    }

    async fn funds(&self, election: &ElectionId) -> Result<Vec<Fund>, StoreError> {
        on_db!(self, |pool, d| {
            let mut tx = pool.begin_read().await?;
            let funds = read_funds!(tx, election, Option::<i64>::None);
            tx.commit().await.map_err(db_err)?;
            Ok(funds)
        })
    }
}

/// The steps of the fund writers.
impl Tx {
    async fn fund_in_tx(
        &mut self,
        election: &ElectionId,
        nomination: NominationId,
    ) -> Result<Option<Fund>, StoreError> {
        Ok(on_tx!(self, |t, d| {
            let mut funds = read_funds!(*t, election, Some(nomination.get()));
            funds.pop()
        }))
    }

    async fn insert_fund_movement(
        &mut self,
        nomination: NominationId,
        m: &FundMovement,
    ) -> Result<(), StoreError> {
        let (direction, donor_kind, counterparty, purpose) = match &m.movement.kind {
            MovementKind::Income { donor_kind, donor } => {
                ("in", Some(donor_kind.code()), donor.as_str(), None)
            }
            MovementKind::Expense { purpose } => ("out", None, "", Some(purpose.as_str())),
        };
        on_tx!(self, |t, d| {
            sqlx::query(INSERT_MOVEMENT)
                .bind(nomination.get())
                .bind(i64::try_from(m.movement.line).unwrap_or(i64::MAX))
                .bind(m.movement.on.to_string())
                .bind(direction)
                .bind(i64::try_from(m.movement.amount.tyiyn()).unwrap_or(i64::MAX))
                .bind(donor_kind)
                .bind(counterparty)
                .bind(purpose)
                .bind(m.source.code())
                .bind(
                    m.statement_line
                        .map(|l| i64::try_from(l).unwrap_or(i64::MAX)),
                )
                .bind(m.entered_by.to_string())
                .bind(m.entered_at.to_string())
                .execute(&mut **t)
                .await
                .map_err(db_err)?;
        });
        Ok(())
    }

    async fn insert_fund_report(
        &mut self,
        nomination: NominationId,
        r: &FiledReport,
    ) -> Result<(), StoreError> {
        on_tx!(self, |t, d| {
            sqlx::query(INSERT_REPORT)
                .bind(nomination.get())
                .bind(report_code(r.report))
                .bind(r.submitted_at.to_string())
                .bind(r.submitted_by.to_string())
                .bind(r.late_days.map(i64::from))
                .execute(&mut **t)
                .await
                .map_err(db_err)?;
        });
        Ok(())
    }
}
