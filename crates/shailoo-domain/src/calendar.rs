//! The statutory election calendar (`docs/domain-rules.md` §1, CAL-01..CAL-19), as data.
//!
//! The CEC approves a calendar plan («шайлоо календары» / «календарный план») for each election.
//! Here every deadline is a [`Rule`] in the table [`RULES`]: an anchor (the calling day C, voting
//! day V, or another rule), an offset in days, an optional time of day in Asia/Bishkek (UTC+6,
//! see [`crate::time`]) and a confidence. [`Calendar::statutory`] evaluates the table for one
//! election; [`Calendar::with_overrides`] applies CEC decisions that move single deadlines
//! ([`CalendarOverride`]), and rules anchored on a moved rule follow it (CAL-13 = CAL-08,
//! CAL-14 = CAL-10).
//!
//! Time semantics:
//! - a deadline with a time (CAL-07 18:00) closes at that instant;
//! - a whole-day deadline (`time` is `None`) is inclusive: the action stays open until 00:00
//!   (Bishkek) of the next day ([`Calendar::deadline_instant`]);
//! - an action that opens on a rule's day opens at 00:00 of that day, or at the rule's
//!   `opens_at` (CAL-16: voting opens at 08:00 and closes at 20:00).
//!
//! CAL-19 (a PEC decides a voter-list claim the same day; on V − 1 and V immediately) has no
//! calendar date ([`Anchor::Undated`]): it is in [`RULES`] with its description and message key,
//! but not in [`Calendar::deadlines`]; [`Calendar::claim_decision_due`] applies it to a filed
//! claim.
//!
//! Validation ([`CalendarError`]): voting day must be after the calling day, and no deadline may
//! fall before the calling day (the election does not exist yet). With the default offsets this
//! means V ≥ C + 55 (CAL-02 = V − 55); a shorter calendar needs overrides from the CEC. Every
//! action window must also open before it closes.
//!
//! Nothing here reads the clock: "now" is always a parameter.

mod action;
mod rules;
#[cfg(test)]
mod tests;

pub use action::{Action, ActionClosed, Bound};
pub use rules::{Anchor, Confidence, RULES, Rule, rule};

use crate::codes::ErrorCode;
use crate::params::RuleParameters;
use crate::territory::Election;
use crate::time::{from_bishkek, to_bishkek};
use jiff::Timestamp;
use jiff::civil::{Date, Time};
use serde::{Deserialize, Serialize};

/// One dated deadline of an election's calendar: a [`Rule`] evaluated for that election.
///
/// Serialises to exactly `{"id": "CAL-07", "name": "city_nomination_closes", "date":
/// "2024-10-07", "time": "18:00"}` (`"time": null` for a whole-day deadline); the other fields
/// are for Rust callers (see [`DeadlineJson`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    /// The rule id (`CAL-07`).
    pub id: &'static str,
    /// The rule's snake_case name (`city_nomination_closes`).
    pub name: &'static str,
    /// The day, in Asia/Bishkek.
    pub date: Date,
    /// The closing time of day; `None` is a whole-day deadline, open until the end of the day.
    pub time: Option<Time>,
    /// When the rule is a period within its day (CAL-16 voting), the time it starts.
    pub opens_at: Option<Time>,
    /// How sure we are of the rule.
    pub confidence: Confidence,
    /// The localisation key of the rule's description (`cal-07`).
    pub message_key: &'static str,
    /// Whether a CEC decision moved this deadline directly (not merely by following its anchor).
    pub overridden: bool,
}

impl Deadline {
    /// The exact closing instant: `date` at `time`, or 00:00 of the next day (Bishkek) for a
    /// whole-day deadline.
    pub fn closes_at(&self) -> Timestamp {
        match self.time {
            Some(time) => from_bishkek(self.date, time),
            None => match self.date.tomorrow() {
                Ok(next) => from_bishkek(next, Time::midnight()),
                // A calendar refuses such dates (CalendarError::OutOfRange).
                Err(_) => Timestamp::MAX,
            },
        }
    }

    /// The instant the rule starts: `date` at `opens_at`, or 00:00 (Bishkek) of `date`.
    pub fn starts_at(&self) -> Timestamp {
        from_bishkek(self.date, self.opens_at.unwrap_or(Time::midnight()))
    }

    /// The rule this deadline evaluates.
    pub fn rule(&self) -> Option<&'static Rule> {
        rule(self.id)
    }

    /// The four-key JSON shape the web and CLI consume.
    pub fn to_json(&self) -> DeadlineJson {
        DeadlineJson {
            id: self.id,
            name: self.name,
            date: self.date,
            time: self.time,
        }
    }
}

impl Serialize for Deadline {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(serializer)
    }
}

/// The JSON form of a [`Deadline`]: `{"id", "name", "date" ("YYYY-MM-DD"), "time" ("HH:MM" or
/// null)}`, nothing else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DeadlineJson {
    pub id: &'static str,
    pub name: &'static str,
    pub date: Date,
    #[serde(with = "hhmm")]
    pub time: Option<Time>,
}

/// A CEC decision moving one deadline of one election: the rule `id` now falls on `date` at
/// `time` (`None`: whole day). Rules anchored on it follow its new date. An override of CAL-16
/// may change the closing time of voting but not the day (change the voting day instead); its
/// opening time stays 08:00.
///
/// JSON: `{"id": "CAL-08", "date": "2024-10-20", "time": null}`; `time` is `"HH:MM"` (or
/// `"HH:MM:SS"`) and may be omitted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarOverride {
    pub id: String,
    pub date: Date,
    #[serde(default, with = "hhmm")]
    pub time: Option<Time>,
}

/// Why a calendar cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("voting day {voting_day} is not after the day the election is called, {called}")]
    VotingDayNotAfterCalling { called: Date, voting_day: Date },
    #[error(
        "{id} would fall on {date}, before the election is called on {called}; \
         the CEC must set it by an override"
    )]
    DeadlineBeforeCalling {
        id: &'static str,
        date: Date,
        called: Date,
    },
    #[error("no calendar rule has the id {0:?}")]
    UnknownOverride(String),
    #[error("{0} is overridden twice")]
    DuplicateOverride(&'static str),
    #[error("{0} has no calendar date and cannot be overridden")]
    UndatedOverride(&'static str),
    #[error(
        "CAL-16 is voting day itself ({voting_day}); an override may change its hours, \
         not move it to {date}"
    )]
    VotingDayMoved { voting_day: Date, date: Date },
    #[error("{action} would not open ({opens}) before it closes ({closes})")]
    WindowInverted {
        action: Action,
        opens: &'static str,
        closes: &'static str,
    },
    #[error("{0} falls outside the supported range of dates")]
    OutOfRange(&'static str),
}

impl CalendarError {
    /// A stable snake_case code for the error.
    pub fn code(&self) -> ErrorCode {
        match self {
            CalendarError::VotingDayNotAfterCalling { .. } => ErrorCode::VotingDayNotAfterCalling,
            CalendarError::DeadlineBeforeCalling { .. } => ErrorCode::DeadlineBeforeCalling,
            CalendarError::UnknownOverride(_) => ErrorCode::UnknownOverride,
            CalendarError::DuplicateOverride(_) => ErrorCode::DuplicateOverride,
            CalendarError::UndatedOverride(_) => ErrorCode::UndatedOverride,
            CalendarError::VotingDayMoved { .. } => ErrorCode::VotingDayMoved,
            CalendarError::WindowInverted { .. } => ErrorCode::WindowInverted,
            CalendarError::OutOfRange(_) => ErrorCode::OutOfRange,
        }
    }
}

/// Where a deadline stands at an instant, for display.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineState {
    /// Before the deadline's day (or before its `opens_at`).
    Upcoming,
    /// On the deadline's day (from `opens_at` if it has one), before it closes.
    Current,
    /// At or after its closing instant.
    Past,
}

/// A deadline and where it stands at an instant. Serialises as the four deadline keys plus
/// `"starts_at"`, `"closes_at"` (RFC 3339 instants) and `"state"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DeadlineStatus {
    #[serde(flatten)]
    pub deadline: Deadline,
    pub starts_at: Timestamp,
    pub closes_at: Timestamp,
    pub state: DeadlineState,
}

/// When a PEC must decide a voter-list claim (CAL-19, *unsure*).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimDecisionDue {
    /// By the end of the day the claim was filed (this instant, 00:00 of the next day).
    By(Timestamp),
    /// At once: the claim was filed on the day before voting or on voting day.
    Immediately,
}

/// The calendar of one election: every dated rule evaluated, overrides applied, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    called: Date,
    voting_day: Date,
    deadlines: Vec<Deadline>,
}

/// The CEC's overrides by rule id: each of a known, dated rule, once; voting day itself stays.
fn chosen_overrides(
    voting_day: Date,
    overrides: &[CalendarOverride],
) -> Result<Vec<(&'static str, &CalendarOverride)>, CalendarError> {
    let mut chosen: Vec<(&'static str, &CalendarOverride)> = Vec::new();
    for o in overrides {
        let r = rule(&o.id).ok_or_else(|| CalendarError::UnknownOverride(o.id.clone()))?;
        if r.anchor == Anchor::Undated {
            return Err(CalendarError::UndatedOverride(r.id));
        }
        if chosen.iter().any(|(id, _)| *id == r.id) {
            return Err(CalendarError::DuplicateOverride(r.id));
        }
        if r.id == "CAL-16" && o.date != voting_day {
            return Err(CalendarError::VotingDayMoved {
                voting_day,
                date: o.date,
            });
        }
        chosen.push((r.id, o));
    }
    Ok(chosen)
}

/// The dated deadlines in rule order: each from its anchor and offset, or as the CEC set it.
fn dated_deadlines(
    called: Date,
    voting_day: Date,
    chosen: &[(&'static str, &CalendarOverride)],
) -> Result<Vec<Deadline>, CalendarError> {
    let mut deadlines: Vec<Deadline> = Vec::with_capacity(RULES.len());
    for r in &RULES {
        let base = match r.anchor {
            Anchor::Undated => continue,
            Anchor::Called => called,
            Anchor::VotingDay => voting_day,
            Anchor::Rule(anchor) => match deadlines.iter().find(|d| d.id == anchor) {
                Some(d) => d.date,
                // The table lists anchors first (a test checks it); stay total anyway.
                None => return Err(CalendarError::OutOfRange(r.id)),
            },
        };
        let override_ = chosen.iter().find(|(id, _)| *id == r.id).map(|(_, o)| *o);
        let (date, time) = match override_ {
            Some(o) => (o.date, o.time),
            None => (
                base.checked_add(jiff::Span::new().days(r.offset_days))
                    .map_err(|_| CalendarError::OutOfRange(r.id))?,
                r.time,
            ),
        };
        if date.tomorrow().is_err() {
            return Err(CalendarError::OutOfRange(r.id));
        }
        if date < called {
            return Err(CalendarError::DeadlineBeforeCalling {
                id: r.id,
                date,
                called,
            });
        }
        deadlines.push(Deadline {
            id: r.id,
            name: r.name,
            date,
            time,
            opens_at: r.opens_at,
            confidence: r.confidence,
            message_key: r.message_key,
            overridden: override_.is_some(),
        });
    }
    Ok(deadlines)
}

impl Calendar {
    /// The statutory calendar for an election called on `called` with voting on `voting_day`.
    ///
    /// Errors: voting day not after the calling day; a deadline before the calling day (with the
    /// default offsets, whenever `voting_day < called + 55 days`).
    pub fn statutory(called: Date, voting_day: Date) -> Result<Calendar, CalendarError> {
        Calendar::with_overrides(called, voting_day, &[])
    }

    /// The statutory calendar with CEC decisions applied. Besides the errors of
    /// [`Calendar::statutory`]: an unknown rule id, a rule overridden twice, an override of
    /// undated CAL-19, moving CAL-16 off voting day, or an override making some action's window
    /// close before it opens.
    pub fn with_overrides(
        called: Date,
        voting_day: Date,
        overrides: &[CalendarOverride],
    ) -> Result<Calendar, CalendarError> {
        if voting_day <= called {
            return Err(CalendarError::VotingDayNotAfterCalling { called, voting_day });
        }
        let chosen = chosen_overrides(voting_day, overrides)?;
        let calendar = Calendar {
            called,
            voting_day,
            deadlines: dated_deadlines(called, voting_day, &chosen)?,
        };
        calendar.check_windows()?;
        Ok(calendar)
    }

    /// Every action's window opens before it closes.
    fn check_windows(&self) -> Result<(), CalendarError> {
        for action in Action::ALL {
            if let (Some(opens), Some(closes)) = (action.opens(), action.closes()) {
                let (Some(from), Some(until)) = self.window(action) else {
                    return Err(CalendarError::OutOfRange(opens.rule()));
                };
                if from >= until {
                    return Err(CalendarError::WindowInverted {
                        action,
                        opens: opens.rule(),
                        closes: closes.rule(),
                    });
                }
            }
        }
        Ok(())
    }

    /// The calendar of an election (its `called_on` and `voting_day`) with CEC decisions applied.
    pub fn for_election(
        election: &Election,
        overrides: &[CalendarOverride],
    ) -> Result<Calendar, CalendarError> {
        Calendar::with_overrides(election.called_on, election.voting_day, overrides)
    }

    /// Every rule, dated or not (CAL-19 included), in id order.
    pub fn rules() -> &'static [Rule] {
        &RULES
    }

    /// C: the day the election is called.
    pub fn called_on(&self) -> Date {
        self.called
    }

    /// V: voting day.
    pub fn voting_day(&self) -> Date {
        self.voting_day
    }

    /// The dated deadlines (CAL-01..CAL-18; not CAL-19), in id order.
    pub fn deadlines(&self) -> &[Deadline] {
        &self.deadlines
    }

    /// The deadline with this id; `None` for an unknown id and for undated CAL-19.
    pub fn get(&self, id: &str) -> Option<&Deadline> {
        self.deadlines.iter().find(|d| d.id == id)
    }

    /// The exact closing instant of a deadline: its date at its time, or 00:00 (Bishkek) of the
    /// next day for a whole-day deadline.
    pub fn deadline_instant(deadline: &Deadline) -> Timestamp {
        deadline.closes_at()
    }

    fn bound(&self, bound: Bound) -> Option<Timestamp> {
        match bound {
            Bound::Start(id) => self.get(id).map(Deadline::starts_at),
            Bound::End(id) => self.get(id).map(Deadline::closes_at),
        }
    }

    /// The instants an action opens and closes (`None`: unbounded on that side). The action is
    /// open at `t` when `opens <= t < closes`.
    pub fn window(&self, action: Action) -> (Option<Timestamp>, Option<Timestamp>) {
        (
            action.opens().and_then(|b| self.bound(b)),
            action.closes().and_then(|b| self.bound(b)),
        )
    }

    /// Whether `action` may be taken at `at`; if not, why, with the governing rule.
    pub fn check(&self, action: Action, at: Timestamp) -> Result<(), ActionClosed> {
        let (opens, closes) = self.window(action);
        if let (Some(bound), Some(opens_at)) = (action.opens(), opens)
            && at < opens_at
        {
            return Err(ActionClosed::NotYetOpen {
                action,
                rule: bound.rule(),
                opens_at,
            });
        }
        if let (Some(bound), Some(closed_at)) = (action.closes(), closes)
            && at >= closed_at
        {
            return Err(ActionClosed::Closed {
                action,
                rule: bound.rule(),
                closed_at,
            });
        }
        Ok(())
    }

    /// The actions open at `at`, in the order of [`Action::ALL`].
    pub fn open_actions(&self, at: Timestamp) -> Vec<Action> {
        Action::ALL
            .into_iter()
            .filter(|a| self.check(*a, at).is_ok())
            .collect()
    }

    /// Every dated deadline and where it stands at `at`, in id order.
    pub fn status_at(&self, at: Timestamp) -> Vec<DeadlineStatus> {
        self.deadlines
            .iter()
            .map(|d| {
                let (starts_at, closes_at) = (d.starts_at(), d.closes_at());
                let state = if at >= closes_at {
                    DeadlineState::Past
                } else if at >= starts_at {
                    DeadlineState::Current
                } else {
                    DeadlineState::Upcoming
                };
                DeadlineStatus {
                    deadline: *d,
                    starts_at,
                    closes_at,
                    state,
                }
            })
            .collect()
    }

    /// When a PEC must decide a voter-list claim filed at `filed_at` (CAL-19, *unsure*, with the
    /// election's parameters): by the end of the (Bishkek) day it was filed plus
    /// `claim_decision_days` (0: the same day), or immediately when filed in the last
    /// `claim_immediate_days_before_voting` days before voting day or on it (1: on V − 1 and
    /// V). A due date never runs into that immediate period: a claim still open when it begins
    /// is due then.
    pub fn claim_decision_due(
        &self,
        filed_at: Timestamp,
        params: &RuleParameters,
    ) -> ClaimDecisionDue {
        let day = to_bishkek(filed_at).date();
        let days_before = i64::from(params.claim_immediate_days_before_voting);
        let immediate_from = self
            .voting_day
            .checked_sub(jiff::Span::new().days(days_before))
            .unwrap_or(self.voting_day);
        if day >= immediate_from {
            return ClaimDecisionDue::Immediately;
        }
        let days_after = i64::from(params.claim_decision_days) + 1;
        let due = day
            .checked_add(jiff::Span::new().days(days_after))
            .map_or(immediate_from, |d| d.min(immediate_from));
        ClaimDecisionDue::By(from_bishkek(due, Time::midnight()))
    }
}

/// `Option<Time>` as `"HH:MM"` (seconds only when not zero) or null.
mod hhmm {
    use jiff::civil::Time;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(time: &Option<Time>, s: S) -> Result<S::Ok, S::Error> {
        match time {
            None => s.serialize_none(),
            Some(t) if t.second() == 0 && t.subsec_nanosecond() == 0 => {
                s.serialize_str(&format!("{:02}:{:02}", t.hour(), t.minute()))
            }
            Some(t) => s.serialize_str(&t.to_string()),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Time>, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(None),
            Some(text) => text
                .parse::<Time>()
                .map(Some)
                .map_err(serde::de::Error::custom),
        }
    }
}
