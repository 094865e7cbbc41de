//! [`shailoo_app::ComplaintStore`] on both engines (migration `20261206001600_complaints`):
//! `complaints` (what was filed, with the complainant), `complaint_steps` (the complaint and
//! each appeal, with its clock, assignment and decision) and `complaint_documents` (decision
//! and court-act documents, and the documents filers hand in with a complaint or an appeal
//! (`complaint_steps.attachment`, migration `20261208000500`), once per BLAKE3 digest).
//!
//! The writers follow the capability template, each step a `Tx` method: open the write
//! transaction, lock the audit head, read the facts, call
//! `shailoo_app::complaints::transitions`, write what it returns and the audit entry. The status is not stored: it follows from the last step, so a listing
//! filters on the same expression the app's `Complaint::status` states.

use crate::rows::{corrupt, date, enum_field, field, station_number, timestamp};
use crate::{Db, Tx, WritePool, db_err};
use async_trait::async_trait;
use shailoo_app::audit::AuditEvent;
use shailoo_app::candidates::NominationId;
use shailoo_app::claims::{ClaimId, CopyFormat};
use shailoo_app::complaints::transitions::{
    self, Change, ChangeFacts, Clocks, Filing, FilingFacts,
};
use shailoo_app::complaints::{
    About, AppealDraft, Channel, Complainant, ComplainantKind, Complaint, ComplaintDraft,
    ComplaintError, ComplaintFilter, ComplaintId, ComplaintStatus, Decision, Document,
    DocumentInfo, Filer, Forum, Outcome, Step, Text,
};
use shailoo_app::users::Username;
use shailoo_app::{ComplaintStore, StoreError};
use shailoo_domain::complaint::{Clock, DecisionDue, Level, Subject};
use shailoo_domain::territory::CommissionLevel;
use shailoo_domain::{CommissionId, ElectionId, StationNumber};
use sqlx::AssertSqlSafe;

const T: &str = "complaints";
const S: &str = "complaint_steps";

const COLUMNS: &str = "SELECT c.id, c.election, c.subject, c.act_on, c.station, c.nomination, \
     c.claim_id, c.complainant_kind, c.complainant_name, c.complainant_contact, c.channel, \
     c.summary FROM complaints c";

const STEP_COLUMNS: &str = "SELECT s.complaint_id, s.seq, s.level, s.commission, s.court, \
     s.grounds, s.filed_by, s.filed_at, s.filing_deadline, s.due_at, s.due_immediately, \
     s.assigned_to, s.outcome, s.reasons, s.decision_number, s.document, d.content_type, \
     d.size, s.decided_by, s.decided_at, s.attachment, a.content_type AS attachment_type, \
     a.size AS attachment_size FROM complaint_steps s \
     LEFT JOIN complaint_documents d ON d.digest = s.document \
     LEFT JOIN complaint_documents a ON a.digest = s.attachment";

/// The status of a step `s`, as `Complaint::status` states it.
const STATUS: &str = "(CASE WHEN s.level = 'court' THEN (CASE WHEN s.outcome IS NULL \
     THEN 'in_court' ELSE 'closed' END) WHEN s.outcome IS NOT NULL THEN 'decided' \
     WHEN s.assigned_to IS NOT NULL THEN 'assigned' ELSE 'filed' END)";

const INSERT: &str = "INSERT INTO complaints (id, election, subject, act_on, station, \
     nomination, claim_id, complainant_kind, complainant_name, complainant_contact, channel, \
     summary) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";

const INSERT_STEP: &str = "INSERT INTO complaint_steps (complaint_id, seq, level, commission, \
     court, grounds, filed_by, filed_at, filing_deadline, due_at, due_immediately, attachment) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";

const UPDATE_STEP: &str = "UPDATE complaint_steps SET assigned_to = $3, outcome = $4, \
     reasons = $5, decision_number = $6, document = $7, decided_by = $8, decided_at = $9 \
     WHERE complaint_id = $1 AND seq = $2";

const INSERT_DOCUMENT: &str = "INSERT INTO complaint_documents (digest, content_type, size, \
     bytes) VALUES ($1, $2, $3, $4) ON CONFLICT (digest) DO NOTHING";

#[derive(sqlx::FromRow)]
struct ComplaintRow {
    id: i64,
    election: String,
    subject: String,
    act_on: Option<String>,
    station: Option<i64>,
    nomination: Option<i64>,
    claim_id: Option<i64>,
    complainant_kind: String,
    complainant_name: String,
    complainant_contact: Option<String>,
    channel: String,
    summary: String,
}

#[derive(sqlx::FromRow)]
struct StepRow {
    complaint_id: i64,
    seq: i64,
    level: String,
    commission: Option<String>,
    court: Option<String>,
    grounds: Option<String>,
    filed_by: String,
    filed_at: String,
    filing_deadline: Option<String>,
    due_at: Option<String>,
    due_immediately: Option<bool>,
    assigned_to: Option<String>,
    outcome: Option<String>,
    reasons: Option<String>,
    decision_number: Option<String>,
    document: Option<String>,
    content_type: Option<String>,
    size: Option<i64>,
    decided_by: Option<String>,
    decided_at: Option<String>,
    attachment: Option<String>,
    attachment_type: Option<String>,
    attachment_size: Option<i64>,
}

fn text(table: &str, key: &str, column: &str, value: &str) -> Result<Text, StoreError> {
    field(table, key, column, value, Text::parse)
}

fn opt_text(
    table: &str,
    key: &str,
    column: &str,
    value: Option<&str>,
) -> Result<Option<Text>, StoreError> {
    value.map(|v| text(table, key, column, v)).transpose()
}

fn filer(table: &str, key: &str, column: &str, value: &str) -> Result<Filer, StoreError> {
    field(table, key, column, value, |v| Filer::try_from(v.to_owned()))
}

impl StepRow {
    fn into_domain(self) -> Result<Step, StoreError> {
        let key = format!("{}/{}", self.complaint_id, self.seq);
        let key = key.as_str();
        Ok(Step {
            seq: u32::try_from(self.seq).map_err(|_| corrupt(S, key, "seq"))?,
            level: enum_field(S, key, "level", &self.level, Level::from_code)?,
            forum: self.forum(key)?,
            grounds: opt_text(S, key, "grounds", self.grounds.as_deref())?,
            filed_by: filer(S, key, "filed_by", &self.filed_by)?,
            filed_at: timestamp(S, key, "filed_at", &self.filed_at)?,
            clock: self.clock(key)?,
            assigned_to: self
                .assigned_to
                .as_deref()
                .map(|u| field(S, key, "assigned_to", u, Username::parse))
                .transpose()?,
            decision: self.decision(key)?,
            attachment: self.attachment(key)?,
        })
    }

    fn attachment(&self, key: &str) -> Result<Option<DocumentInfo>, StoreError> {
        let Some(digest) = &self.attachment else {
            return Ok(None);
        };
        let missing = || corrupt(S, key, "attachment without its document");
        Ok(Some(DocumentInfo {
            format: enum_field(
                "complaint_documents",
                key,
                "content_type",
                self.attachment_type.as_deref().ok_or_else(missing)?,
                CopyFormat::from_content_type,
            )?,
            digest: digest.clone(),
            size: self
                .attachment_size
                .and_then(|s| u64::try_from(s).ok())
                .ok_or_else(missing)?,
        }))
    }

    fn forum(&self, key: &str) -> Result<Forum, StoreError> {
        match (&self.commission, &self.court) {
            (Some(c), None) => Ok(Forum::Commission(field(
                S,
                key,
                "commission",
                c,
                CommissionId::parse,
            )?)),
            (None, Some(court)) => Ok(Forum::Court(text(S, key, "court", court)?)),
            _ => Err(corrupt(S, key, "neither a commission nor a court")),
        }
    }

    fn clock(&self, key: &str) -> Result<Option<Clock>, StoreError> {
        let Some(due) = &self.due_at else {
            return Ok(None);
        };
        let filing_deadline = self
            .filing_deadline
            .as_deref()
            .map(|t| timestamp(S, key, "filing_deadline", t))
            .transpose()?;
        let due = timestamp(S, key, "due_at", due)?;
        Ok(Some(Clock {
            filing_deadline,
            decision_due: if self.due_immediately.unwrap_or(false) {
                DecisionDue::Immediately(due)
            } else {
                DecisionDue::By(due)
            },
        }))
    }

    fn decision(&self, key: &str) -> Result<Option<Decision>, StoreError> {
        let (outcome, at) = match (&self.outcome, &self.decided_at) {
            (None, None) => return Ok(None),
            (Some(outcome), Some(at)) => (outcome, at),
            _ => return Err(corrupt(S, key, "outcome and decided_at disagree")),
        };
        let missing = |c: &str| corrupt(S, key, format!("decided without {c}"));
        let required = |v: &Option<String>, c: &str| v.clone().ok_or_else(|| missing(c));
        Ok(Some(Decision {
            outcome: enum_field(S, key, "outcome", outcome, Outcome::from_code)?,
            reasons: text(S, key, "reasons", &required(&self.reasons, "reasons")?)?,
            number: text(
                S,
                key,
                "decision_number",
                &required(&self.decision_number, "number")?,
            )?,
            document: DocumentInfo {
                format: enum_field(
                    "complaint_documents",
                    key,
                    "content_type",
                    &required(&self.content_type, "document")?,
                    CopyFormat::from_content_type,
                )?,
                digest: required(&self.document, "document")?,
                size: self
                    .size
                    .and_then(|s| u64::try_from(s).ok())
                    .ok_or_else(|| missing("size"))?,
            },
            decided_by: filer(
                S,
                key,
                "decided_by",
                &required(&self.decided_by, "decided_by")?,
            )?,
            decided_at: timestamp(S, key, "decided_at", at)?,
        }))
    }
}

impl ComplaintRow {
    fn into_domain(self, steps: Vec<Step>) -> Result<Complaint, StoreError> {
        let key = self.id.to_string();
        let key = key.as_str();
        if steps.is_empty() {
            return Err(corrupt(T, key, "a complaint without its step"));
        }
        Ok(Complaint {
            id: ComplaintId::new(self.id).ok_or_else(|| corrupt(T, key, "id"))?,
            election: field(T, key, "election", &self.election, ElectionId::parse)?,
            subject: enum_field(T, key, "subject", &self.subject, Subject::from_code)?,
            act_on: self
                .act_on
                .map(|d| date(T, key, "act_on", &d))
                .transpose()?,
            about: About {
                station: self
                    .station
                    .map(|s| station_number(T, key, s))
                    .transpose()?,
                nomination: self
                    .nomination
                    .map(|n| NominationId::new(n).ok_or_else(|| corrupt(T, key, "nomination")))
                    .transpose()?,
                claim: self
                    .claim_id
                    .map(|n| ClaimId::new(n).ok_or_else(|| corrupt(T, key, "claim_id")))
                    .transpose()?,
            },
            complainant: Complainant {
                kind: enum_field(
                    T,
                    key,
                    "complainant_kind",
                    &self.complainant_kind,
                    ComplainantKind::from_code,
                )?,
                name: text(T, key, "complainant_name", &self.complainant_name)?,
                contact: opt_text(
                    T,
                    key,
                    "complainant_contact",
                    self.complainant_contact.as_deref(),
                )?,
            },
            channel: enum_field(T, key, "channel", &self.channel, Channel::from_code)?,
            summary: text(T, key, "summary", &self.summary)?,
            steps,
        })
    }
}

/// Groups step rows (ordered by complaint and seq) under their complaints.
fn assemble(rows: Vec<ComplaintRow>, steps: Vec<StepRow>) -> Result<Vec<Complaint>, StoreError> {
    let mut by_id: std::collections::HashMap<i64, Vec<Step>> = std::collections::HashMap::new();
    for s in steps {
        let id = s.complaint_id;
        by_id.entry(id).or_default().push(s.into_domain()?);
    }
    rows.into_iter()
        .map(|r| {
            let steps = by_id.remove(&r.id).unwrap_or_default();
            r.into_domain(steps)
        })
        .collect()
}

/// Reads one complaint with its steps on `$exec` (a pool or a transaction).
macro_rules! read_complaint {
    ($exec:expr, $election:expr, $id:expr) => {{
        let row: Option<ComplaintRow> = sqlx::query_as(AssertSqlSafe(format!(
            "{COLUMNS} WHERE c.election = $1 AND c.id = $2"
        )))
        .bind($election.as_str())
        .bind($id.get())
        .fetch_optional(&mut *$exec)
        .await
        .map_err(db_err)?;
        match row {
            None => None,
            Some(row) => {
                let steps: Vec<StepRow> = sqlx::query_as(AssertSqlSafe(format!(
                    "{STEP_COLUMNS} WHERE s.complaint_id = $1 ORDER BY s.seq"
                )))
                .bind($id.get())
                .fetch_all(&mut *$exec)
                .await
                .map_err(db_err)?;
                assemble(vec![row], steps)?.pop()
            }
        }
    }};
}

/// The columns of a step as bound to [`INSERT_STEP`].
fn bind_step<'q, DB: sqlx::Database>(
    q: sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments>,
    id: ComplaintId,
    step: &'q Step,
) -> sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments>
where
    i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    String: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<String>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<bool>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    let (commission, court) = match &step.forum {
        Forum::Commission(c) => (Some(c.as_str().to_owned()), None),
        Forum::Court(t) => (None, Some(t.as_str().to_owned())),
    };
    q.bind(id.get())
        .bind(i64::from(step.seq))
        .bind(step.level.code().to_owned())
        .bind(commission)
        .bind(court)
        .bind(step.grounds.as_ref().map(|g| g.as_str().to_owned()))
        .bind(step.filed_by.to_string())
        .bind(step.filed_at.to_string())
        .bind(
            step.clock
                .and_then(|c| c.filing_deadline)
                .map(|t| t.to_string()),
        )
        .bind(step.clock.map(|c| c.decision_due.instant().to_string()))
        .bind(step.clock.map(|c| c.decision_due.is_immediate()))
        .bind(step.attachment.as_ref().map(|a| a.digest.clone()))
}

/// The assignment and decision columns of a step, bound to [`UPDATE_STEP`].
fn bind_update<'q, DB: sqlx::Database>(
    q: sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments>,
    id: ComplaintId,
    step: &'q Step,
) -> sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments>
where
    i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<String>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    let d = step.decision.as_ref();
    q.bind(id.get())
        .bind(i64::from(step.seq))
        .bind(step.assigned_to.as_ref().map(|u| u.as_str().to_owned()))
        .bind(d.map(|d| d.outcome.code().to_owned()))
        .bind(d.map(|d| d.reasons.as_str().to_owned()))
        .bind(d.map(|d| d.number.as_str().to_owned()))
        .bind(d.map(|d| d.document.digest.clone()))
        .bind(d.map(|d| d.decided_by.to_string()))
        .bind(d.map(|d| d.decided_at.to_string()))
}

#[async_trait]
impl ComplaintStore for Db {
    async fn file_complaint(
        &self,
        election: &ElectionId,
        draft: &ComplaintDraft,
        channel: Channel,
        by: &Filer,
        clocks: &Clocks,
        mut event: AuditEvent,
    ) -> Result<Complaint, ComplaintError> {
        let mut tx = self.begin_tx().await?;
        let head = tx.lock_head().await?;
        let facts = tx.filing_facts(election, draft).await?;
        let filing = Filing {
            election,
            draft,
            channel,
            by,
            at: event.at,
        };
        let filed = transitions::file(filing, clocks, &facts)?;
        if let Some(document) = &draft.document {
            tx.insert_document(document).await?;
        }
        tx.insert_complaint(election, &filed).await?;
        event.subject = format!("{election}/complaints/{}", filed.id);
        tx.append_audit(head, event.after(&filed)).await?;
        tx.commit().await?;
        Ok(filed)
    }

    async fn change_complaint(
        &self,
        election: &ElectionId,
        id: ComplaintId,
        change: &Change,
        by: &Filer,
        clocks: &Clocks,
        event: AuditEvent,
    ) -> Result<Complaint, ComplaintError> {
        let mut tx = self.begin_tx().await?;
        let head = tx.lock_head().await?;
        let before = tx
            .complaint(election, id)
            .await?
            .ok_or(ComplaintError::UnknownComplaint(id))?;
        let facts = tx.change_facts(&before, change).await?;
        let after = transitions::apply(before.clone(), change, by, event.at, clocks, &facts)?;
        match change {
            Change::Decide(draft) | Change::CourtAct(draft) => {
                tx.insert_document(&draft.document).await?;
            }
            Change::Appeal(AppealDraft {
                document: Some(document),
                ..
            }) => tx.insert_document(document).await?,
            Change::Appeal(_) | Change::Assign { .. } => {}
        }
        tx.write_steps(id, before.steps.len(), &after).await?;
        tx.append_audit(head, event.before(&before).after(&after))
            .await?;
        tx.commit().await?;
        Ok(after)
    }

    async fn complaint(
        &self,
        election: &ElectionId,
        id: ComplaintId,
    ) -> Result<Option<Complaint>, StoreError> {
        on_db!(self, |pool, d| {
            let mut tx = pool.begin_read().await?;
            let found = read_complaint!(tx, election, id);
            tx.commit().await.map_err(db_err)?;
            Ok(found)
        })
    }

    async fn complaints(
        &self,
        election: &ElectionId,
        filter: &ComplaintFilter,
    ) -> Result<Vec<Complaint>, StoreError> {
        // Absent filters bind NULL, which keeps the SQL text constant; each filters on the
        // current (last) step.
        let sql = format!(
            "WITH RECURSIVE below (id) AS (SELECT id FROM commissions WHERE id = $7 \
             UNION ALL SELECT m.id FROM commissions m JOIN below b ON m.parent = b.id) \
             {COLUMNS} JOIN complaint_steps s ON s.complaint_id = c.id AND s.seq = \
             (SELECT MAX(x.seq) FROM complaint_steps x WHERE x.complaint_id = c.id) \
             WHERE c.election = $1 AND ($2 IS NULL OR s.commission = $2) \
             AND ($3 IS NULL OR s.level = $3) AND ($4 IS NULL OR c.subject = $4) \
             AND ($5 IS NULL OR {STATUS} = $5) AND ($6 IS NULL OR c.station = $6) \
             AND ($7 IS NULL OR s.commission IN (SELECT id FROM below)) \
             ORDER BY c.id DESC LIMIT 500"
        );
        let commission = filter.commission.as_ref().map(|c| c.as_str());
        let level = filter.level.map(Level::code);
        let subject = filter.subject.map(Subject::code);
        let status = filter.status.map(ComplaintStatus::code);
        let station = filter.station.map(|s| i64::from(s.get()));
        let within = filter.within.as_ref().map(|c| c.as_str());
        on_db!(self, |pool, d| {
            let mut tx = pool.begin_read().await?;
            let rows: Vec<ComplaintRow> = sqlx::query_as(AssertSqlSafe(sql.clone()))
                .bind(election.as_str())
                .bind(commission)
                .bind(level)
                .bind(subject)
                .bind(status)
                .bind(station)
                .bind(within)
                .fetch_all(&mut *tx)
                .await
                .map_err(db_err)?;
            let (Some(low), Some(high)) = (rows.last().map(|r| r.id), rows.first().map(|r| r.id))
            else {
                tx.commit().await.map_err(db_err)?;
                return Ok(Vec::new());
            };
            let steps: Vec<StepRow> = sqlx::query_as(AssertSqlSafe(format!(
                "{STEP_COLUMNS} JOIN complaints c ON c.id = s.complaint_id \
                 WHERE c.election = $1 AND s.complaint_id BETWEEN $2 AND $3 \
                 ORDER BY s.complaint_id, s.seq"
            )))
            .bind(election.as_str())
            .bind(low)
            .bind(high)
            .fetch_all(&mut *tx)
            .await
            .map_err(db_err)?;
            tx.commit().await.map_err(db_err)?;
            let wanted: std::collections::HashSet<i64> = rows.iter().map(|r| r.id).collect();
            let steps = steps
                .into_iter()
                .filter(|s| wanted.contains(&s.complaint_id))
                .collect();
            assemble(rows, steps)
        })
    }

    async fn complaint_document(&self, digest: &str) -> Result<Option<Document>, StoreError> {
        on_db!(self, |pool, d| {
            let bytes: Option<Vec<u8>> =
                sqlx::query_scalar("SELECT bytes FROM complaint_documents WHERE digest = $1")
                    .bind(digest)
                    .fetch_optional(pool)
                    .await
                    .map_err(db_err)?;
            bytes
                .map(|b| {
                    Document::from_stored(b)
                        .map_err(|e| corrupt("complaint_documents", digest, e.to_string()))
                })
                .transpose()
        })
    }
}

const COMMISSION_LEVEL: &str = "SELECT level FROM commissions WHERE id = $1";
const STATION_COMMISSION: &str = "SELECT commission FROM stations WHERE number = $1";
const COMMISSION_PARENT: &str = "SELECT parent FROM commissions WHERE id = $1";
const NOMINATION_IN_ELECTION: &str =
    "SELECT CAST(1 AS BIGINT) FROM nominations WHERE id = $1 AND election = $2";
const CLAIM_IN_ELECTION: &str =
    "SELECT CAST(1 AS BIGINT) FROM voter_list_claims WHERE id = $1 AND election = $2";
const USER_COMMISSION: &str = "SELECT commission FROM users WHERE username = $1";
const PARENT_WITH_LEVEL: &str = "SELECT p.id, p.level FROM commissions c \
     JOIN commissions p ON p.id = c.parent WHERE c.id = $1";

fn commission_level(id: &str, level: &str) -> Result<CommissionLevel, StoreError> {
    enum_field("commissions", id, "level", level, |v| {
        CommissionLevel::parse(v)
    })
}

/// The steps of the complaint writers.
impl Tx {
    /// What a filing is checked against, read under the lock.
    async fn filing_facts(
        &mut self,
        election: &ElectionId,
        draft: &ComplaintDraft,
    ) -> Result<FilingFacts, StoreError> {
        let commission = self.commission_level(&draft.commission).await?;
        let station_chain = match draft.about.station {
            None => None,
            Some(station) => self.station_chain(station).await?,
        };
        let nomination_exists = match draft.about.nomination {
            None => false,
            Some(n) => {
                self.in_election(NOMINATION_IN_ELECTION, n.get(), election)
                    .await?
            }
        };
        let claim_exists = match draft.about.claim {
            None => false,
            Some(c) => {
                self.in_election(CLAIM_IN_ELECTION, c.get(), election)
                    .await?
            }
        };
        Ok(FilingFacts {
            commission,
            station_chain,
            nomination_exists,
            claim_exists,
            next_id: self.next_complaint_id().await?,
        })
    }

    async fn commission_level(
        &mut self,
        commission: &CommissionId,
    ) -> Result<Option<CommissionLevel>, StoreError> {
        let level: Option<String> = on_tx!(self, |t, d| {
            sqlx::query_scalar(COMMISSION_LEVEL)
                .bind(commission.as_str())
                .fetch_optional(&mut **t)
                .await
                .map_err(db_err)?
        });
        level
            .map(|l| commission_level(commission.as_str(), &l))
            .transpose()
    }

    /// The station's commission and those above it; `None` for an unknown station.
    async fn station_chain(
        &mut self,
        station: StationNumber,
    ) -> Result<Option<Vec<CommissionId>>, StoreError> {
        let first: Option<String> = on_tx!(self, |t, d| {
            sqlx::query_scalar(STATION_COMMISSION)
                .bind(i64::from(station.get()))
                .fetch_optional(&mut **t)
                .await
                .map_err(db_err)?
        });
        let Some(first) = first else {
            return Ok(None);
        };
        let mut chain = Vec::new();
        let mut next = Some(first);
        // A commission tree is three levels deep; the bound guards a cycle.
        while let Some(id) = next.take()
            && chain.len() < 8
        {
            next = on_tx!(self, |t, d| {
                sqlx::query_scalar::<_, Option<String>>(COMMISSION_PARENT)
                    .bind(id.as_str())
                    .fetch_optional(&mut **t)
                    .await
                    .map_err(db_err)?
                    .flatten()
            });
            chain.push(field("commissions", &id, "id", &id, CommissionId::parse)?);
        }
        Ok(Some(chain))
    }

    /// Whether the row `sql` selects by `id` belongs to `election`.
    async fn in_election(
        &mut self,
        sql: &'static str,
        id: i64,
        election: &ElectionId,
    ) -> Result<bool, StoreError> {
        Ok(on_tx!(self, |t, d| {
            sqlx::query_scalar::<_, i64>(sql)
                .bind(id)
                .bind(election.as_str())
                .fetch_optional(&mut **t)
                .await
                .map_err(db_err)?
                .is_some()
        }))
    }

    /// Numbers count from 1 per database; safe to compute under the write lock.
    async fn next_complaint_id(&mut self) -> Result<ComplaintId, StoreError> {
        let next: i64 = on_tx!(self, |t, d| {
            sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM complaints")
                .fetch_one(&mut **t)
                .await
                .map_err(db_err)?
        });
        ComplaintId::new(next).ok_or_else(|| corrupt(T, "max", "id"))
    }

    /// The complaint's row and its first step.
    async fn insert_complaint(
        &mut self,
        election: &ElectionId,
        c: &Complaint,
    ) -> Result<(), StoreError> {
        on_tx!(self, |t, d| {
            sqlx::query(INSERT)
                .bind(c.id.get())
                .bind(election.as_str())
                .bind(c.subject.code())
                .bind(c.act_on.map(|d| d.to_string()))
                .bind(c.about.station.map(|s| i64::from(s.get())))
                .bind(c.about.nomination.map(NominationId::get))
                .bind(c.about.claim.map(ClaimId::get))
                .bind(c.complainant.kind.code())
                .bind(c.complainant.name.as_str())
                .bind(c.complainant.contact.as_ref().map(Text::as_str))
                .bind(c.channel.code())
                .bind(c.summary.as_str())
                .execute(&mut **t)
                .await
                .map_err(db_err)?;
            bind_step(sqlx::query(INSERT_STEP), c.id, c.current())
                .execute(&mut **t)
                .await
                .map_err(db_err)?;
        });
        Ok(())
    }

    async fn complaint(
        &mut self,
        election: &ElectionId,
        id: ComplaintId,
    ) -> Result<Option<Complaint>, StoreError> {
        Ok(on_tx!(self, |t, d| read_complaint!(*t, election, id)))
    }

    /// What a change is checked against: the assignee's commission, or the commission above
    /// the one that decided.
    async fn change_facts(
        &mut self,
        before: &Complaint,
        change: &Change,
    ) -> Result<ChangeFacts, StoreError> {
        let mut facts = ChangeFacts::default();
        match change {
            Change::Assign { to } => {
                let commission: Option<String> = on_tx!(self, |t, d| {
                    sqlx::query_scalar(USER_COMMISSION)
                        .bind(to.as_str())
                        .fetch_optional(&mut **t)
                        .await
                        .map_err(db_err)?
                });
                facts.assignee_commission = commission
                    .map(|c| field("users", to.as_str(), "commission", &c, CommissionId::parse))
                    .transpose()?;
            }
            Change::Appeal(_) => {
                if let Some(commission) = before.current().forum.commission() {
                    facts.parent = self.parent_of(commission).await?;
                }
            }
            Change::Decide(_) | Change::CourtAct(_) => {}
        }
        Ok(facts)
    }

    async fn parent_of(
        &mut self,
        commission: &CommissionId,
    ) -> Result<Option<(CommissionId, CommissionLevel)>, StoreError> {
        let parent: Option<(String, String)> = on_tx!(self, |t, d| {
            sqlx::query_as(PARENT_WITH_LEVEL)
                .bind(commission.as_str())
                .fetch_optional(&mut **t)
                .await
                .map_err(db_err)?
        });
        parent
            .map(|(p, level)| {
                Ok((
                    field("commissions", &p, "id", &p, CommissionId::parse)?,
                    commission_level(&p, &level)?,
                ))
            })
            .transpose()
    }

    /// A decision's, a court act's or a filer's document, once per digest.
    async fn insert_document(&mut self, document: &Document) -> Result<(), StoreError> {
        let info = document.info();
        on_tx!(self, |t, d| {
            sqlx::query(INSERT_DOCUMENT)
                .bind(info.digest.as_str())
                .bind(info.format.content_type())
                .bind(i64::try_from(info.size).unwrap_or(i64::MAX))
                .bind(document.bytes())
                .execute(&mut **t)
                .await
                .map_err(db_err)?;
        });
        Ok(())
    }

    /// The last of the `known` steps as changed, and the steps after it (an appeal's).
    async fn write_steps(
        &mut self,
        id: ComplaintId,
        known: usize,
        after: &Complaint,
    ) -> Result<(), StoreError> {
        on_tx!(self, |t, d| {
            bind_update(sqlx::query(UPDATE_STEP), id, &after.steps[known - 1])
                .execute(&mut **t)
                .await
                .map_err(db_err)?;
            for step in &after.steps[known..] {
                bind_step(sqlx::query(INSERT_STEP), id, step)
                    .execute(&mut **t)
                    .await
                    .map_err(db_err)?;
            }
        });
        Ok(())
    }
}
