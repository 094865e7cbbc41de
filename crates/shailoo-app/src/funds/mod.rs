//! Election funds (CMP-04; шайлоо фонду / избирательный фонд): one per filed nomination,
//! i.e. per city party list and per aiyl district candidate.
//!
//! - Keeping the accounts: income and expenses typed in one at a time, or a bank statement of
//!   the fund's special account imported whole (the web reads the CSV with
//!   `shailoo_formats::bank_statement`; a malformed row names its line). Who: the party's
//!   representative for its own nominations, the TEC of the council for a self-nominee who
//!   brings the papers (`Power::KeepFundAccounts`).
//! - The donor rules and the ceiling are rule parameters (`fund_*`, on `/rules`): an entry or
//!   a statement that brings a breach is refused whole, each finding naming CMP-04, its code
//!   and the statement lines ([`transitions::admit`]).
//! - Reports: the first no later than `fund_first_report_days_before_voting` days before
//!   voting, the final within `fund_final_report_days_after_voting` days after; a late one is
//!   taken and flagged with its days late, a missing one past its date is flagged overdue.
//! - The public summary ([`summaries`]): totals, income by kind of donor, the reports.

mod model;
mod port;
pub mod transitions;

pub use model::{
    Batch, Breach, FiledReport, Fund, FundError, FundMovement, FundSummary, ReportState, Source,
};
pub use port::FundStore;

use crate::audit::{AuditAction, AuditEvent};
use crate::authz::{self, Power, Target};
use crate::candidates::{CandidateStore, NominationId};
use crate::params::RuleParameterStore;
use crate::setup::{self, SetupStore};
use crate::users::{Actor, Filer};
use jiff::Timestamp;
use shailoo_domain::ElectionId;
use shailoo_domain::funds::{DonorKind, Movement, MovementKind, Report};
use shailoo_domain::media::Money;
use std::collections::BTreeMap;
use transitions::FundClock;

/// The calendar (with the CEC's overrides) and the rule parameters in force.
pub async fn clock<S: SetupStore + RuleParameterStore + ?Sized>(
    store: &S,
    election: &ElectionId,
) -> Result<FundClock, FundError> {
    Ok(FundClock {
        calendar: setup::calendar(store, election).await?,
        params: crate::params::parameters(store, election).await?,
    })
}

/// Refuses unless `actor` keeps the accounts of this nomination's fund: its party's
/// representative, or staff over the council's TEC.
async fn authorize<S: SetupStore + CandidateStore + ?Sized>(
    store: &S,
    actor: &Actor,
    election: &ElectionId,
    nomination: NominationId,
) -> Result<(), FundError> {
    let record = store
        .nomination(election, nomination)
        .await?
        .ok_or(FundError::UnknownNomination(nomination))?;
    let n = &record.nomination;
    let chain = match actor {
        Actor::User { .. } => setup::council_chain(store, &n.council).await?,
        _ => Vec::new(),
    };
    let target = Target::Nomination {
        chain: &chain,
        party: n.kind.party(),
    };
    authz::authorize(actor, Power::KeepFundAccounts, target).map_err(|_| FundError::Forbidden)
}

/// Adds movements typed in or read from a bank statement: all of them, or none when one
/// breaks a rule.
pub async fn add_movements<S>(
    store: &S,
    actor: &Actor,
    election: &ElectionId,
    nomination: NominationId,
    movements: Vec<Movement>,
    source: Source,
    now: Timestamp,
) -> Result<Fund, FundError>
where
    S: SetupStore + RuleParameterStore + CandidateStore + FundStore + ?Sized,
{
    authorize(store, actor, election, nomination).await?;
    let clock = clock(store, election).await?;
    let action = match source {
        Source::Entry => AuditAction::FundMovementEntered,
        Source::Statement => AuditAction::FundStatementImported,
    };
    let subject = format!("{election}/funds/{nomination}");
    let event = AuditEvent::new(actor.audit_name(), action, subject, now);
    store
        .add_fund_movements(
            election,
            nomination,
            Batch { movements, source },
            &Filer::of(actor),
            &clock,
            event,
        )
        .await
}

/// Submits the first or the final report.
pub async fn submit_report<S>(
    store: &S,
    actor: &Actor,
    election: &ElectionId,
    nomination: NominationId,
    report: Report,
    now: Timestamp,
) -> Result<Fund, FundError>
where
    S: SetupStore + RuleParameterStore + CandidateStore + FundStore + ?Sized,
{
    authorize(store, actor, election, nomination).await?;
    let clock = clock(store, election).await?;
    let subject = format!("{election}/funds/{nomination}");
    let event = AuditEvent::new(
        actor.audit_name(),
        AuditAction::FundReportSubmitted,
        subject,
        now,
    );
    store
        .submit_fund_report(
            election,
            nomination,
            report,
            &Filer::of(actor),
            &clock,
            event,
        )
        .await
}

/// The public summary of a fund at `now`.
pub fn summary(fund: &Fund, clock: &FundClock, now: Timestamp) -> FundSummary {
    let mut by_donor: BTreeMap<DonorKind, u64> = BTreeMap::new();
    for m in &fund.movements {
        if let MovementKind::Income { donor_kind, .. } = m.movement.kind {
            let t = by_donor.entry(donor_kind).or_default();
            *t = t.saturating_add(m.movement.amount.tyiyn());
        }
    }
    FundSummary {
        nomination: fund.nomination,
        council: fund.council.clone(),
        party: fund.party.clone(),
        district: fund.district.clone(),
        holder: fund.holder.clone(),
        income: fund.income(),
        expenses: fund.expenses(),
        income_by_donor: by_donor
            .into_iter()
            .map(|(k, t)| (k, Money::from_tyiyn(t)))
            .collect(),
        reports: transitions::report_states(fund, clock, now),
    }
}

/// The public summaries of every fund of an election at `now`.
pub async fn summaries<S>(
    store: &S,
    election: &ElectionId,
    now: Timestamp,
) -> Result<Vec<FundSummary>, FundError>
where
    S: SetupStore + RuleParameterStore + FundStore + ?Sized,
{
    let clock = clock(store, election).await?;
    let funds = store.funds(election).await?;
    Ok(funds.iter().map(|f| summary(f, &clock, now)).collect())
}

/// The public summary of one nomination's fund (i16-cases2: the candidate portal's panel),
/// `None` when the nomination has no fund in this election.
pub async fn public_summary<S>(
    store: &S,
    election: &ElectionId,
    nomination: NominationId,
    now: Timestamp,
) -> Result<Option<FundSummary>, FundError>
where
    S: SetupStore + RuleParameterStore + FundStore + ?Sized,
{
    let Some(fund) = store.fund(election, nomination).await? else {
        return Ok(None);
    };
    let clock = clock(store, election).await?;
    Ok(Some(summary(&fund, &clock, now)))
}

/// One fund with its movements, for whoever keeps its accounts.
pub async fn fund<S>(
    store: &S,
    actor: &Actor,
    election: &ElectionId,
    nomination: NominationId,
) -> Result<Fund, FundError>
where
    S: SetupStore + CandidateStore + FundStore + ?Sized,
{
    authorize(store, actor, election, nomination).await?;
    store
        .fund(election, nomination)
        .await?
        .ok_or(FundError::UnknownNomination(nomination))
}
