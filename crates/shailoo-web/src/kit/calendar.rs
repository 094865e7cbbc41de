//! An election's calendar as the pages and the API see it (the statutory deadlines with the
//! CEC's stored overrides), and the reader's wording of a closed calendar window.

use crate::AppState;
use crate::kit::fail::Refusal;
use crate::kit::format::{fmt_date, fmt_instant};
use crate::kit::i18n::Lang;
use axum::http::StatusCode;
use shailoo_app::{CalendarOverrideRecord, StoreError};
use shailoo_domain::calendar::{ActionClosed, Calendar, CalendarError, CalendarOverride};
use shailoo_domain::territory::Election;

/// Why an election's calendar could not be built.
pub(crate) enum CalendarFail {
    Store(StoreError),
    /// The stored overrides make an invalid calendar (they are checked before they are stored,
    /// so only a database changed behind our back gets here).
    Calendar(CalendarError),
}

impl Refusal for CalendarFail {
    fn status(&self) -> StatusCode {
        match self {
            CalendarFail::Store(e) => e.status(),
            CalendarFail::Calendar(_) => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }
    fn error_code(&self) -> &'static str {
        match self {
            CalendarFail::Store(e) => e.code(),
            CalendarFail::Calendar(e) => e.code(),
        }
    }
    fn store_error(&self) -> Option<&StoreError> {
        match self {
            CalendarFail::Store(e) => Some(e),
            CalendarFail::Calendar(_) => None,
        }
    }
}

/// The calendar of an election with the CEC's stored overrides applied.
pub(crate) async fn election_calendar(
    state: &AppState,
    e: &Election,
) -> Result<Calendar, CalendarFail> {
    let overrides = state
        .store
        .calendar_overrides(&e.id)
        .await
        .map_err(CalendarFail::Store)?;
    Calendar::for_election(e, &to_overrides(&overrides)).map_err(|e| {
        tracing::error!(error = %e, "stored calendar overrides are invalid");
        CalendarFail::Calendar(e)
    })
}

/// Stored overrides as the domain's calendar takes them.
pub(crate) fn to_overrides(records: &[CalendarOverrideRecord]) -> Vec<CalendarOverride> {
    records
        .iter()
        .map(|r| CalendarOverride {
            id: r.rule_id.clone(),
            date: r.date,
            time: r.time,
        })
        .collect()
}

/// The day a deadline of the calendar falls on, `dd.mm.yyyy` (`None` when the calendar cannot
/// be built or has no such rule: the caller words its message without the date).
pub(crate) async fn deadline_date(
    state: &AppState,
    election: &Election,
    rule: &str,
) -> Option<String> {
    let calendar = election_calendar(state, election)
        .await
        .map_err(|e| crate::kit::fail::log(&e))
        .ok()?;
    calendar.get(rule).map(|d| fmt_date(d.date))
}

/// A closed (or not yet open) calendar window in the reader's language, naming the rule, e.g.
/// "… closed at 01.11.2024 24:00 (CAL-11)".
pub(crate) fn closed_message(lang: Lang, closed: &ActionClosed) -> String {
    let at = match closed {
        ActionClosed::NotYetOpen { opens_at, .. } => *opens_at,
        ActionClosed::Closed { closed_at, .. } => *closed_at,
    };
    format!(
        "{} ({})",
        lang.t_args(
            closed.message_key(),
            &[
                ("action", lang.t(closed.action().message_key())),
                ("at", fmt_instant(at)),
            ],
        ),
        closed.rule()
    )
}
