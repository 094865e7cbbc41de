//! An election's calendar as the pages and the API see it (the statutory deadlines with the
//! CEC's stored overrides), and the reader's wording of a closed calendar window.

use crate::AppState;
use crate::kit::fail::Refusal;
use crate::kit::format::{fmt_date, fmt_instant};
use crate::kit::i18n::Lang;
use axum::http::StatusCode;
use shailoo_app::StoreError;
use shailoo_app::setup::{self, ElectionCalendarError};
use shailoo_domain::ErrorCode;
use shailoo_domain::calendar::{ActionClosed, Calendar};
use shailoo_domain::territory::Election;

impl Refusal for ElectionCalendarError {
    fn status(&self) -> StatusCode {
        match self {
            ElectionCalendarError::Store(e) => e.status(),
            ElectionCalendarError::UnknownElection(_) => StatusCode::NOT_FOUND,
            // The overrides are checked when they are stored, so only a database changed
            // behind our back (or a newer rule) gets here.
            ElectionCalendarError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }
    fn error_code(&self) -> ErrorCode {
        match self {
            ElectionCalendarError::Store(e) => e.code(),
            ElectionCalendarError::UnknownElection(_) => ErrorCode::UnknownElection,
            ElectionCalendarError::Invalid(e) => e.code(),
        }
    }
    fn store_error(&self) -> Option<&StoreError> {
        match self {
            ElectionCalendarError::Store(e) => Some(e),
            _ => None,
        }
    }
}

/// The calendar of an election with the CEC's stored overrides applied (the app's one loader,
/// [`setup::calendar_of`]); an invalid stored calendar is logged.
pub(crate) async fn election_calendar(
    state: &AppState,
    election: &Election,
) -> Result<Calendar, ElectionCalendarError> {
    setup::calendar_of(&*state.store, election)
        .await
        .inspect_err(|e| {
            if let ElectionCalendarError::Invalid(e) = e {
                tracing::error!(error = %e, "stored calendar overrides are invalid");
            }
        })
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
