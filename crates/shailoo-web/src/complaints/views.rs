//! How a complaint reads on a page: its row in a list (level, commission, subject, status, and
//! the clock of the step being heard as the time left or overdue) and its history step by step.
//! The public registry and the staff pages share these; only the staff's add the complainant.

use crate::kit::Lang;
use crate::kit::format::{fmt_date, fmt_instant};
use crate::kit::page::Choice;
use jiff::{SignedDuration, Timestamp};
use shailoo_app::complaints::{
    ComplainantKind, Complaint, ComplaintStatus, Forum, Outcome, PublicComplaint, PublicStep,
};
use shailoo_domain::complaint::{Clock, Level, Subject};

/// The clock of a step at `now`: what it says, and whether it is overdue.
pub(crate) struct ClockView {
    pub text: String,
    pub overdue: bool,
    /// The decision due as an instant (RFC 3339), for a `<time>` element.
    pub due: String,
}

/// "2 d 5 h" (days and hours, at least one hour shown when less than a day is left).
fn span(lang: Lang, d: SignedDuration) -> String {
    let hours = (d.as_secs().unsigned_abs()).div_ceil(3600);
    let (days, hours) = (hours / 24, hours % 24);
    lang.t_args(
        "complaints-span",
        &[("days", days.to_string()), ("hours", hours.to_string())],
    )
}

/// The clock of an undecided step: the time left to decide, or how long it is overdue; a
/// decided step or one before the court has none.
pub(crate) fn clock_view(
    lang: Lang,
    clock: Option<&Clock>,
    decided: bool,
    now: Timestamp,
) -> Option<ClockView> {
    let clock = clock?;
    if decided {
        return None;
    }
    let due = clock.decision_due.instant();
    let overdue = clock.is_overdue(now);
    let left = span(lang, due.duration_since(now));
    let at = fmt_instant(due);
    let key = match (overdue, clock.decision_due.is_immediate()) {
        (true, _) => "complaints-clock-overdue",
        (false, true) => "complaints-clock-immediate",
        (false, false) => "complaints-clock-left",
    };
    Some(ClockView {
        text: lang.t_args(key, &[("left", left), ("due", at)]),
        overdue,
        due: due.to_string(),
    })
}

pub(crate) fn level_label(lang: Lang, level: Level) -> String {
    lang.t(&format!("complaints-level-{}", level.code()))
}

pub(crate) fn forum_label(lang: Lang, level: Level, forum: &Forum) -> String {
    match forum {
        Forum::Commission(c) => format!("{} {c}", level_label(lang, level)),
        Forum::Court(name) => name.to_string(),
    }
}

pub(crate) fn status_label(lang: Lang, s: ComplaintStatus) -> String {
    lang.t(&format!("complaints-status-{}", s.code()))
}

pub(crate) fn subject_label(lang: Lang, s: Subject) -> String {
    lang.t(&format!("complaints-subject-{}", s.code()))
}

pub(crate) fn outcome_label(lang: Lang, o: Outcome) -> String {
    lang.t(&format!("complaints-outcome-{}", o.code()))
}

pub(crate) fn kind_label(lang: Lang, k: ComplainantKind) -> String {
    lang.t(&format!("complaints-kind-{}", k.code()))
}

/// Options of a `<select>` of codes, labelled from `prefix` + code.
pub(crate) fn choices(
    lang: Lang,
    prefix: &str,
    codes: &[&str],
    selected: Option<&str>,
) -> Vec<Choice> {
    codes
        .iter()
        .map(|c| Choice {
            value: (*c).to_owned(),
            label: lang.t(&format!("{prefix}{c}")),
            selected: selected == Some(*c),
        })
        .collect()
}

/// A complaint in a list.
pub(crate) struct Row {
    pub id: String,
    pub election: String,
    pub filed: String,
    pub subject: String,
    pub forum: String,
    pub status: String,
    pub status_label: String,
    pub summary: String,
    pub about: String,
    pub clock: Option<ClockView>,
}

/// What the complaint names besides the commission, in words.
fn about(lang: Lang, c: &PublicComplaint) -> String {
    let mut parts = Vec::new();
    if let Some(s) = c.about.station {
        parts.push(lang.t_args("complaints-about-station", &[("station", s.to_string())]));
    }
    if let Some(n) = c.about.nomination {
        parts.push(lang.t_args("complaints-about-nomination", &[("id", n.to_string())]));
    }
    if let Some(k) = c.about.claim {
        parts.push(lang.t_args("complaints-about-claim", &[("id", k.to_string())]));
    }
    parts.join(", ")
}

impl Row {
    pub(crate) fn new(lang: Lang, c: &PublicComplaint, now: Timestamp) -> Row {
        let step = current(c);
        Row {
            id: c.id.to_string(),
            election: c.election.to_string(),
            filed: c
                .steps
                .first()
                .map(|s| fmt_instant(s.filed_at))
                .unwrap_or_default(),
            subject: subject_label(lang, c.subject),
            forum: step
                .map(|s| forum_label(lang, s.level, &s.forum))
                .unwrap_or_default(),
            status: c.status.code().to_owned(),
            status_label: status_label(lang, c.status),
            summary: c.summary.to_string(),
            about: about(lang, c),
            clock: step.and_then(|s| clock_view(lang, s.clock.as_ref(), s.decision.is_some(), now)),
        }
    }
}

fn current(c: &PublicComplaint) -> Option<&PublicStep> {
    c.steps.last()
}

/// One step of a case's history.
pub(crate) struct StepView {
    pub seq: u32,
    pub forum: String,
    pub filed: String,
    pub grounds: String,
    pub filing_deadline: String,
    pub clock: Option<ClockView>,
    pub decision: Option<DecisionView>,
    /// Whether the filer handed in a document with the step (public), and its link for
    /// whoever may read it (the complainant, the commissions' staff).
    pub attachment: bool,
    pub attachment_link: Option<String>,
}

pub(crate) struct DecisionView {
    pub outcome: String,
    pub reasons: String,
    pub number: String,
    pub decided: String,
    /// The document's link (under the case's page).
    pub document: String,
    pub late: bool,
}

/// The history of a case, first step first; `base` is the case's URL the documents hang from.
pub(crate) fn history(
    lang: Lang,
    c: &PublicComplaint,
    base: &str,
    now: Timestamp,
) -> Vec<StepView> {
    c.steps
        .iter()
        .map(|s| StepView {
            seq: s.seq,
            forum: forum_label(lang, s.level, &s.forum),
            filed: fmt_instant(s.filed_at),
            grounds: s
                .grounds
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            filing_deadline: s
                .clock
                .and_then(|k| k.filing_deadline)
                .map(fmt_instant)
                .unwrap_or_default(),
            clock: clock_view(lang, s.clock.as_ref(), s.decision.is_some(), now),
            attachment: s.attachment,
            attachment_link: None,
            decision: s.decision.as_ref().map(|d| DecisionView {
                outcome: outcome_label(lang, d.outcome),
                reasons: d.reasons.to_string(),
                number: d.number.to_string(),
                decided: fmt_instant(d.decided_at),
                document: format!("{base}/documents/{}", d.document.digest),
                late: s
                    .clock
                    .is_some_and(|k| d.decided_at >= k.decision_due.instant()),
            }),
        })
        .collect()
}

/// Links the filers' documents of `c` under `base` (a route that lets in only the
/// complainant or the commissions' staff).
pub(crate) fn link_attachments(steps: &mut [StepView], c: &Complaint, base: &str) {
    for (view, step) in steps.iter_mut().zip(&c.steps) {
        view.attachment_link = step
            .attachment
            .as_ref()
            .map(|a| format!("{base}/documents/{}", a.digest));
    }
}

/// The facts of a case shown above its history.
pub(crate) struct CaseView {
    pub id: String,
    pub election: String,
    pub subject: String,
    pub act_on: String,
    pub about: String,
    pub complainant_kind: String,
    pub channel: String,
    pub summary: String,
    pub status: String,
    pub status_label: String,
}

impl CaseView {
    pub(crate) fn new(lang: Lang, c: &PublicComplaint) -> CaseView {
        CaseView {
            id: c.id.to_string(),
            election: c.election.to_string(),
            subject: subject_label(lang, c.subject),
            act_on: c.act_on.map(fmt_date).unwrap_or_default(),
            about: about(lang, c),
            complainant_kind: kind_label(lang, c.complainant),
            channel: lang.t(&format!("complaints-channel-{}", c.channel.code())),
            summary: c.summary.to_string(),
            status: c.status.code().to_owned(),
            status_label: status_label(lang, c.status),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;
    use shailoo_domain::complaint::DecisionDue;

    #[test]
    fn the_clock_reads_as_time_left_and_stands_out_once_overdue() {
        let now: Timestamp = "2024-10-01T06:00:00Z".parse().unwrap();
        let due: Timestamp = "2024-10-03T11:00:00Z".parse().unwrap();
        let clock = Clock {
            filing_deadline: None,
            decision_due: DecisionDue::By(due),
        };
        let v = clock_view(Lang::En, Some(&clock), false, now).unwrap();
        assert!(!v.overdue);
        assert!(v.text.contains("2 d 5 h"), "{}", v.text);
        let later: Timestamp = "2024-10-04T11:00:00Z".parse().unwrap();
        let v = clock_view(Lang::En, Some(&clock), false, later).unwrap();
        assert!(v.overdue, "{}", v.text);
        assert!(v.text.contains("1 d 0 h"), "{}", v.text);
        assert!(clock_view(Lang::En, Some(&clock), true, later).is_none());
    }
}
