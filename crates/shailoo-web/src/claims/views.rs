//! How a claim reads on the staff pages (and, in part, in the voter cabinet).

use crate::kit::Lang;
use crate::kit::format::{fmt_date, fmt_instant};
use jiff::Timestamp;
use shailoo_app::claims::{
    Claim, ClaimRequest, ClaimStatus, DataCorrection, DecisionDeadlines, Field,
};
use shailoo_app::voters::ListedEntry;
use shailoo_domain::calendar::ClaimDecisionDue;

/// The corrected fields of a correction, "field: value; …".
pub(crate) fn correction_details(lang: Lang, d: &DataCorrection) -> String {
    d.values()
        .iter()
        .map(|(f, v)| format!("{}: {v}", lang.t(&format!("claims-field-{}", f.as_str()))))
        .collect::<Vec<_>>()
        .join("; ")
}

/// What a claim asks for besides its kind: the corrected fields (empty for an inclusion).
pub(crate) fn request_details(lang: Lang, r: &ClaimRequest) -> String {
    match r {
        ClaimRequest::Inclusion => String::new(),
        ClaimRequest::Correction(d) => correction_details(lang, d),
    }
}

/// A value as a claim row shows it: dates day first.
fn shown(field: Field, value: &str) -> String {
    match field {
        Field::BirthDate => value.parse().map_or_else(|_| value.to_owned(), fmt_date),
        _ => value.to_owned(),
    }
}

/// One corrected field of a pending claim beside what the list shows now.
pub(crate) struct CurrentValue {
    pub field: String,
    /// What the list shows now (with earlier accepted corrections); empty when nothing.
    pub now: String,
    pub claimed: String,
}

/// The fields a pending correction claims, each beside the list's current value.
pub(crate) fn current_values(
    lang: Lang,
    d: &DataCorrection,
    entry: &ListedEntry,
) -> Vec<CurrentValue> {
    d.values()
        .into_iter()
        .map(|(f, claimed)| CurrentValue {
            field: lang.t(&format!("claims-field-{}", f.as_str())),
            now: entry.value(f).map(|v| shown(f, &v)).unwrap_or_default(),
            claimed: shown(f, &claimed),
        })
        .collect()
}

/// One claim as a row of the staff list.
pub(crate) struct ClaimRow {
    pub id: i64,
    pub pin: String,
    pub station: String,
    pub kind: String,
    /// The corrected fields of a correction, "field: value; …".
    pub details: String,
    pub statement: String,
    pub channel: String,
    pub status: String,
    pub status_label: String,
    /// The rejection's reason or the acceptance's note.
    pub text: String,
    pub filed: String,
    pub decided: String,
    pub copy: String,
    pub pending: bool,
    /// "home station N" when the voter's home station is another than the claim's: the row is
    /// shown to the home commission too.
    pub home: String,
    /// Pending, and the reader may decide it (covers the station and did not file it).
    pub decidable: bool,
    /// Pending and not the reader's to decide: why, in words.
    pub waiting: String,
    /// For a pending correction: each claimed field beside the list's current value (then
    /// `details` is not shown).
    pub current: Vec<CurrentValue>,
    /// A waiting claim: when it must be decided (CAL-19), and whether that has passed.
    pub due: String,
    pub overdue: bool,
}

impl ClaimRow {
    pub(crate) fn new(lang: Lang, c: &Claim) -> ClaimRow {
        let state = c.status.state();
        ClaimRow {
            id: c.id.get(),
            pin: c.pin.as_str().to_owned(),
            station: c.station.to_string(),
            kind: lang.t(&format!("claims-kind-{}", c.request.kind().as_str())),
            details: request_details(lang, &c.request),
            statement: c
                .statement
                .as_ref()
                .map(|t| t.as_str().to_owned())
                .unwrap_or_default(),
            channel: lang.t(&format!("claims-channel-{}", c.channel.as_str())),
            status: state.as_str().to_owned(),
            status_label: lang.t(&format!("claims-status-{}", state.as_str())),
            text: c
                .status
                .text()
                .map(|t| t.as_str().to_owned())
                .unwrap_or_default(),
            filed: format!("{} · {}", fmt_instant(c.filed_at), c.filed_by),
            decided: c
                .status
                .decided()
                .map(|d| format!("{} · {}", fmt_instant(d.at), d.by))
                .unwrap_or_default(),
            copy: format!(
                "{} · {} KB",
                c.copy.format.extension().to_uppercase(),
                c.copy.size.div_ceil(1024)
            ),
            pending: c.status == ClaimStatus::Filed,
            home: c
                .home_station
                .filter(|h| *h != c.station)
                .map(|h| lang.t_args("claims-home", &[("station", h.to_string())]))
                .unwrap_or_default(),
            decidable: false,
            waiting: String::new(),
            current: Vec::new(),
            due: String::new(),
            overdue: false,
        }
    }

    /// The row for a reader who may or may not decide it (`own`: the reader filed it).
    pub(crate) fn for_reader(mut self, lang: Lang, may_decide: bool, own: bool) -> ClaimRow {
        self.decidable = self.pending && may_decide;
        if self.pending && !self.decidable {
            self.waiting = if own {
                lang.t("claims-own-claim")
            } else {
                lang.t_args("claims-awaiting", &[("station", self.station.clone())])
            };
        }
        self
    }

    /// The row with when its claim must be decided, if it waits for a decision (CAL-19, the
    /// election's parameters in force).
    pub(crate) fn with_due(
        mut self,
        lang: Lang,
        c: &Claim,
        d: &DecisionDeadlines,
        now: Timestamp,
    ) -> Self {
        if !self.pending {
            return self;
        }
        self.overdue = d.is_overdue(c, now);
        self.due = match d.due(c) {
            ClaimDecisionDue::Immediately => lang.t("claims-due-now"),
            ClaimDecisionDue::By(at) => {
                let key = if self.overdue {
                    "claims-overdue"
                } else {
                    "claims-due-by"
                };
                lang.t_args(key, &[("at", fmt_instant(at))])
            }
        };
        self
    }
}
