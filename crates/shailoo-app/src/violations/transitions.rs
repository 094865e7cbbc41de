//! The workflow of a violation report (CMP-07), pure: the store reads the facts in its write
//! transaction, these functions decide, and the store writes what they return.
//!
//! ```mermaid
//! stateDiagram-v2
//!     [*] --> received: take in (hotline, e-mail, web form, messaging)
//!     received --> triaged: category and territory
//!     triaged --> triaged: triaged again
//!     triaged --> assigned: a member of the territory's group
//!     assigned --> assigned: reassigned
//!     assigned --> resolved: measures taken
//!     assigned --> referred: to the police or prosecutor
//!     received --> dismissed
//!     triaged --> dismissed
//!     assigned --> dismissed
//! ```
//!
//! Who took a report in (an operator) never closes it: one person never both files and
//! decides.

use super::model::{
    ReportText, Update, ViolationDraft, ViolationError, ViolationId, ViolationReport,
};
use crate::users::{Filer, Username};
use jiff::Timestamp;
use shailoo_domain::violation::{Category, Status};
use shailoo_domain::{CommissionId, ElectionId};

/// A step on a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A category and the territory (`None`: the station's TEC).
    Triage {
        category: Category,
        territory: Option<CommissionId>,
    },
    /// To a member of the territory's rapid-response group.
    Assign { to: Username },
    /// Resolved, referred or dismissed, with the note the reporter reads.
    Close { status: Status, note: ReportText },
}

impl Change {
    pub fn status(&self) -> Status {
        match self {
            Change::Triage { .. } => Status::Triaged,
            Change::Assign { .. } => Status::Assigned,
            Change::Close { status, .. } => *status,
        }
    }
}

/// What a filing is checked against, read under the lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilingFacts {
    /// Whether the station named exists.
    pub station_exists: bool,
    pub next_id: ViolationId,
}

/// A new report.
pub fn file(
    election: &ElectionId,
    draft: &ViolationDraft,
    secret: u32,
    by: &Filer,
    at: Timestamp,
    facts: &FilingFacts,
) -> Result<ViolationReport, ViolationError> {
    if draft.place.station.is_none() && draft.place.location.is_none() {
        return Err(ViolationError::PlaceRequired);
    }
    if let Some(s) = draft.place.station
        && !facts.station_exists
    {
        return Err(ViolationError::UnknownStation(s));
    }
    Ok(ViolationReport {
        id: facts.next_id,
        secret,
        election: election.clone(),
        intake: draft.intake,
        text: draft.text.clone(),
        place: draft.place.clone(),
        contact: draft.contact.clone(),
        evidence: draft.evidence.as_ref().map(|e| e.info()),
        category: None,
        territory: None,
        region: None,
        assigned_to: None,
        received_at: at,
        received_by: by.clone(),
        updates: vec![Update {
            status: Status::Received,
            note: None,
            by: by.clone(),
            at,
        }],
    })
}

/// What a change is checked against, read under the lock.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeFacts {
    /// Triage: the territory (given, or the station's TEC) and its region, if it exists.
    pub territory: Option<(CommissionId, Option<String>)>,
    /// Assign: the assignee's commission.
    pub assignee_commission: Option<CommissionId>,
}

/// Applies `change` by `by` at `at`.
pub fn apply(
    mut report: ViolationReport,
    change: &Change,
    by: &Filer,
    at: Timestamp,
    facts: &ChangeFacts,
) -> Result<ViolationReport, ViolationError> {
    let from = report.status();
    let to = change.status();
    if !from.may_become(to) {
        return Err(ViolationError::StatusNotAllowed { from, to });
    }
    let mut note = None;
    match change {
        Change::Triage { category, .. } => {
            let (territory, region) = facts
                .territory
                .clone()
                .ok_or(ViolationError::TerritoryRequired)?;
            report.category = Some(*category);
            if report.territory.as_ref() != Some(&territory) {
                report.assigned_to = None;
            }
            report.territory = Some(territory);
            report.region = region;
        }
        Change::Assign { to } => {
            if facts.assignee_commission.is_none() || facts.assignee_commission != report.territory
            {
                return Err(ViolationError::AssigneeNotInGroup);
            }
            report.assigned_to = Some(to.clone());
        }
        Change::Close { note: n, .. } => {
            if report.received_by == *by && *by != Filer::System {
                return Err(ViolationError::OwnReport);
            }
            note = Some(n.clone());
        }
    }
    report.updates.push(Update {
        status: to,
        note,
        by: by.clone(),
        at,
    });
    Ok(report)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;
    use crate::violations::Place;
    use shailoo_domain::StationNumber;
    use shailoo_domain::violation::Intake;

    fn draft(station: Option<u32>, location: Option<&str>) -> ViolationDraft {
        ViolationDraft {
            intake: Intake::Hotline1255,
            text: ReportText::parse("gifts for votes").unwrap(),
            place: Place {
                station: station.map(|s| StationNumber::new(s).unwrap()),
                location: location.map(|l| ReportText::parse(l).unwrap()),
            },
            contact: None,
            evidence: None,
            external_id: None,
        }
    }

    fn operator() -> Filer {
        Filer::Account(Username::parse("operator").unwrap())
    }

    fn filed() -> ViolationReport {
        let facts = FilingFacts {
            station_exists: true,
            next_id: ViolationId::new(7).unwrap(),
        };
        let e = ElectionId::parse("local-2024").unwrap();
        file(
            &e,
            &draft(Some(1001), None),
            99,
            &operator(),
            Timestamp::UNIX_EPOCH,
            &facts,
        )
        .unwrap()
    }

    #[test]
    fn cmp_07_a_report_names_a_station_or_a_place() {
        let facts = FilingFacts {
            station_exists: false,
            next_id: ViolationId::new(1).unwrap(),
        };
        let e = ElectionId::parse("local-2024").unwrap();
        let at = Timestamp::UNIX_EPOCH;
        assert!(matches!(
            file(&e, &draft(None, None), 1, &operator(), at, &facts),
            Err(ViolationError::PlaceRequired)
        ));
        assert!(matches!(
            file(&e, &draft(Some(9), None), 1, &operator(), at, &facts),
            Err(ViolationError::UnknownStation(_))
        ));
        assert!(
            file(
                &e,
                &draft(None, Some("the bazaar")),
                1,
                &operator(),
                at,
                &facts
            )
            .is_ok()
        );
    }

    #[test]
    fn cmp_07_triage_assignment_and_closing_by_someone_else() {
        let tec = CommissionId::parse("tec-a").unwrap();
        let handler = Filer::Account(Username::parse("group").unwrap());
        let at = Timestamp::UNIX_EPOCH;
        let triage = Change::Triage {
            category: Category::VoteBuying,
            territory: None,
        };
        assert!(matches!(
            apply(filed(), &triage, &handler, at, &ChangeFacts::default()),
            Err(ViolationError::TerritoryRequired)
        ));
        let facts = ChangeFacts {
            territory: Some((tec.clone(), Some("chui".into()))),
            assignee_commission: Some(CommissionId::parse("tec-b").unwrap()),
        };
        let r = apply(filed(), &triage, &handler, at, &facts).unwrap();
        assert_eq!(
            (r.status(), r.region.as_deref()),
            (Status::Triaged, Some("chui"))
        );
        let assign = Change::Assign {
            to: Username::parse("group").unwrap(),
        };
        assert!(matches!(
            apply(r.clone(), &assign, &handler, at, &facts),
            Err(ViolationError::AssigneeNotInGroup)
        ));
        let ok = ChangeFacts {
            assignee_commission: Some(tec),
            ..facts
        };
        let r = apply(r, &assign, &handler, at, &ok).unwrap();
        let close = Change::Close {
            status: Status::Resolved,
            note: ReportText::parse("the gifts were seized").unwrap(),
        };
        assert!(matches!(
            apply(r.clone(), &close, &operator(), at, &ok),
            Err(ViolationError::OwnReport)
        ));
        let r = apply(r, &close, &handler, at, &ok).unwrap();
        assert_eq!(r.status(), Status::Resolved);
        assert!(matches!(
            apply(r, &close, &handler, at, &ok),
            Err(ViolationError::StatusNotAllowed { .. })
        ));
    }
}
