//! The complaint's workflow as pure functions over facts (CMP-05, CMP-06): the store reads the
//! facts in its write transaction, calls [`file()`] or [`apply`], and writes what they return.
//!
//! ```mermaid
//! stateDiagram-v2
//!     [*] --> Filed: file (clock CMP-06; late refused)
//!     Filed --> Assigned: assign (a member of the commission heard)
//!     Assigned --> Assigned: assign (another member)
//!     Filed --> Decided: decide (with its document; never by the filer)
//!     Assigned --> Decided: decide
//!     Decided --> Filed: appeal to the next commission (PEC → TEC → CEC; late refused)
//!     Decided --> InCourt: appeal to the court (after the CEC)
//!     InCourt --> Closed: the court's act recorded
//!     Closed --> [*]
//! ```
//!
//! No I/O and no clock: instants are parameters (the audit event's), as are the calendar and
//! the rule parameters in force ([`Clocks`]).

use super::model::{
    AppealDraft, Channel, Complaint, ComplaintDraft, ComplaintError, ComplaintId, Decision,
    DecisionDraft, Filer, Forum, Step,
};
use crate::users::Username;
use jiff::Timestamp;
use shailoo_domain::calendar::Calendar;
use shailoo_domain::complaint::{self, Level, Subject};
use shailoo_domain::params::RuleParameters;
use shailoo_domain::territory::CommissionLevel;
use shailoo_domain::time::to_bishkek;
use shailoo_domain::{CommissionId, ElectionId};

/// What the clocks are computed from: the election's calendar with the CEC's overrides and
/// its rule parameters in force.
#[derive(Debug, Clone)]
pub struct Clocks {
    pub calendar: Calendar,
    pub params: RuleParameters,
}

/// A complaint being filed.
#[derive(Debug, Clone, Copy)]
pub struct Filing<'a> {
    pub election: &'a ElectionId,
    pub draft: &'a ComplaintDraft,
    pub channel: Channel,
    pub by: &'a Filer,
    pub at: Timestamp,
}

/// What the store knows about what a filing names, read under the lock.
#[derive(Debug, Clone)]
pub struct FilingFacts {
    /// The level of the commission complained of; `None`: no such commission.
    pub commission: Option<CommissionLevel>,
    /// The chain (its PEC first, up to the CEC) of the station named; `None`: no such station.
    pub station_chain: Option<Vec<CommissionId>>,
    pub nomination_exists: bool,
    pub claim_exists: bool,
    pub next_id: ComplaintId,
}

/// Files a complaint: the commission and what it names exist, the station lies in the
/// commission's area, and the clock (CMP-06) admits it.
pub fn file(
    filing: Filing<'_>,
    clocks: &Clocks,
    facts: &FilingFacts,
) -> Result<Complaint, ComplaintError> {
    let draft = filing.draft;
    let level = facts
        .commission
        .ok_or_else(|| ComplaintError::UnknownCommission(draft.commission.clone()))?;
    if let Some(station) = draft.about.station {
        let chain = facts
            .station_chain
            .as_ref()
            .ok_or(ComplaintError::UnknownStation(station))?;
        if !chain.contains(&draft.commission) {
            return Err(ComplaintError::StationOutsideCommission(station));
        }
    }
    if let Some(n) = draft.about.nomination
        && !facts.nomination_exists
    {
        return Err(ComplaintError::UnknownNomination(n));
    }
    if let Some(c) = draft.about.claim
        && !facts.claim_exists
    {
        return Err(ComplaintError::UnknownClaim(c));
    }
    let clock = complaint::clock(
        &clocks.calendar,
        draft.subject,
        draft.act_on,
        filing.at,
        &clocks.params,
    )?;
    Ok(Complaint {
        id: facts.next_id,
        election: filing.election.clone(),
        subject: draft.subject,
        act_on: draft.act_on,
        about: draft.about.clone(),
        complainant: draft.complainant.clone(),
        channel: filing.channel,
        summary: draft.summary.clone(),
        steps: vec![Step {
            seq: 1,
            level: Level::of(level),
            forum: Forum::Commission(draft.commission.clone()),
            grounds: None,
            filed_by: filing.by.clone(),
            filed_at: filing.at,
            clock: Some(clock),
            assigned_to: None,
            decision: None,
            attachment: draft.document.as_ref().map(super::model::Document::info),
        }],
    })
}

/// A step taken on a filed complaint.
#[derive(Debug, Clone)]
pub enum Change {
    /// A member of the commission hearing the step takes it.
    Assign { to: Username },
    /// The commission decides the step.
    Decide(DecisionDraft),
    /// The decision is appealed to the next level.
    Appeal(AppealDraft),
    /// The court's act on the appeal to it.
    CourtAct(DecisionDraft),
}

/// What the store knows for a change, read under the lock.
#[derive(Debug, Clone, Default)]
pub struct ChangeFacts {
    /// For an assignment: the commission of the member assigned (`None`: no such account).
    pub assignee_commission: Option<CommissionId>,
    /// For an appeal: the commission above the one that decided, with its level (`None` above
    /// the CEC: the court is next).
    pub parent: Option<(CommissionId, CommissionLevel)>,
}

/// Applies `change` by `by` at `at` to `complaint` (CMP-05, CMP-06). One person never both
/// files and decides: neither the complainant's filer nor the filer of the step decides it or
/// is assigned it.
pub fn apply(
    mut complaint: Complaint,
    change: &Change,
    by: &Filer,
    at: Timestamp,
    clocks: &Clocks,
    facts: &ChangeFacts,
) -> Result<Complaint, ComplaintError> {
    let filer = complaint.filer().clone();
    let n = complaint.steps.len();
    let step = &mut complaint.steps[n - 1];
    match change {
        Change::Assign { to } => assign(step, &filer, to, facts)?,
        Change::Decide(draft) => decide(step, &filer, draft, false, by, at)?,
        Change::CourtAct(draft) => decide(step, &filer, draft, true, by, at)?,
        Change::Appeal(draft) => {
            let next = appeal(step, draft, by, at, clocks, facts)?;
            complaint.steps.push(next);
        }
    }
    Ok(complaint)
}

/// Whether `who` filed the complaint (`filer`) or the step.
fn filed_it(filer: &Filer, step: &Step, who: &Filer) -> bool {
    who == filer || *who == step.filed_by
}

/// A member of the commission hearing the step takes it; never who filed it.
fn assign(
    step: &mut Step,
    filer: &Filer,
    to: &Username,
    facts: &ChangeFacts,
) -> Result<(), ComplaintError> {
    let Forum::Commission(commission) = &step.forum else {
        return Err(ComplaintError::InCourt);
    };
    if step.decision.is_some() {
        return Err(ComplaintError::AlreadyDecided);
    }
    if facts.assignee_commission.as_ref() != Some(commission) {
        return Err(ComplaintError::AssigneeNotMember);
    }
    if filed_it(filer, step, &Filer::Account(to.clone())) {
        return Err(ComplaintError::OwnComplaint);
    }
    step.assigned_to = Some(to.clone());
    Ok(())
}

/// The commission's decision, or (`in_court`) the court's act, on the step; never by who
/// filed it.
fn decide(
    step: &mut Step,
    filer: &Filer,
    draft: &DecisionDraft,
    in_court: bool,
    by: &Filer,
    at: Timestamp,
) -> Result<(), ComplaintError> {
    match (&step.forum, in_court) {
        (Forum::Court(_), false) => return Err(ComplaintError::InCourt),
        (Forum::Commission(_), true) => return Err(ComplaintError::NotInCourt),
        _ => {}
    }
    if step.decision.is_some() {
        return Err(ComplaintError::AlreadyDecided);
    }
    if filed_it(filer, step, by) {
        return Err(ComplaintError::OwnComplaint);
    }
    step.decision = Some(Decision {
        outcome: draft.outcome,
        reasons: draft.reasons.clone(),
        number: draft.number.clone(),
        document: draft.document.info(),
        decided_by: by.clone(),
        decided_at: at,
    });
    Ok(())
}

/// The step an appeal of `step`'s decision opens at the next level, with its clock.
fn appeal(
    step: &Step,
    draft: &AppealDraft,
    by: &Filer,
    at: Timestamp,
    clocks: &Clocks,
    facts: &ChangeFacts,
) -> Result<Step, ComplaintError> {
    let decided = step.decision.as_ref().ok_or(ComplaintError::NotDecided)?;
    let next = step.level.next().ok_or(ComplaintError::NoFurtherAppeal)?;
    // The appeal's clock runs from the day of the decision appealed (CMP-06).
    let decided_on = to_bishkek(decided.decided_at).date();
    let clock = complaint::clock(
        &clocks.calendar,
        Subject::Decision,
        Some(decided_on),
        at,
        &clocks.params,
    )?;
    let (forum, clock) = match (next, &facts.parent) {
        (Level::Court, _) => (
            Forum::Court(draft.court.clone().ok_or(ComplaintError::CourtRequired)?),
            None,
        ),
        (level, Some((parent, parent_level))) if Level::of(*parent_level) == level => {
            (Forum::Commission(parent.clone()), Some(clock))
        }
        // The commission tree has no parent of the expected level: the setup is wrong.
        (_, _) => {
            return Err(ComplaintError::Store(crate::store::StoreError::Corrupt(
                format!(
                    "the commission above step {} has no {:?} level",
                    step.seq, next
                ),
            )));
        }
    };
    Ok(Step {
        seq: step.seq + 1,
        level: next,
        forum,
        grounds: Some(draft.grounds.clone()),
        filed_by: by.clone(),
        filed_at: at,
        clock,
        assigned_to: None,
        decision: None,
        attachment: draft.document.as_ref().map(super::model::Document::info),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;
    use crate::complaints::model::{
        About, AppealDraft, Complainant, ComplainantKind, ComplaintStatus, Document, Outcome, Text,
    };
    use jiff::civil::date;
    use shailoo_domain::ErrorCode;
    use shailoo_domain::complaint::{ClockError, DecisionDue};
    use shailoo_domain::time::from_bishkek;

    fn at(m: i8, d: i8, h: i8) -> Timestamp {
        from_bishkek(
            date(2024, m, d),
            jiff::civil::Time::new(h, 0, 0, 0).unwrap(),
        )
    }

    fn clocks() -> Clocks {
        Clocks {
            calendar: Calendar::statutory(date(2024, 9, 6), date(2024, 11, 17)).unwrap(),
            params: RuleParameters::default(),
        }
    }

    fn cid(s: &str) -> CommissionId {
        CommissionId::parse(s).unwrap()
    }

    fn account(s: &str) -> Filer {
        Filer::Account(Username::parse(s).unwrap())
    }

    fn draft() -> ComplaintDraft {
        ComplaintDraft {
            commission: cid("pec-1"),
            subject: Subject::Decision,
            act_on: Some(date(2024, 10, 10)),
            about: About::default(),
            complainant: Complainant {
                kind: ComplainantKind::Observer,
                name: Text::parse("Ассоциация «Таза шайлоо»").unwrap(),
                contact: None,
            },
            summary: Text::parse("The PEC refused to post the list").unwrap(),
            document: None,
        }
    }

    fn facts() -> FilingFacts {
        FilingFacts {
            commission: Some(CommissionLevel::Pec),
            station_chain: Some(vec![cid("pec-1"), cid("tec-1"), cid("cec")]),
            nomination_exists: true,
            claim_exists: true,
            next_id: ComplaintId::new(1).unwrap(),
        }
    }

    fn filed() -> Complaint {
        let d = draft();
        file(
            Filing {
                election: &ElectionId::parse("local-2024").unwrap(),
                draft: &d,
                channel: Channel::Paper,
                by: &account("clerk"),
                at: at(10, 11, 10),
            },
            &clocks(),
            &facts(),
        )
        .unwrap()
    }

    /// The smallest PDF the claims' structural check accepts.
    fn pdf() -> Document {
        Document::parse(b"%PDF-1.4\n1 0 obj<<>>endobj\nstartxref\n0\n%%EOF\n".to_vec()).unwrap()
    }

    fn decision() -> DecisionDraft {
        DecisionDraft {
            outcome: Outcome::Rejected,
            reasons: Text::parse("The list was posted on time").unwrap(),
            number: Text::parse("12/3").unwrap(),
            document: pdf(),
        }
    }

    fn step(
        c: Complaint,
        change: Change,
        by: &str,
        when: Timestamp,
    ) -> Result<Complaint, ComplaintError> {
        let facts = ChangeFacts {
            assignee_commission: Some(cid("pec-1")),
            parent: Some((cid("tec-1"), CommissionLevel::Tec)),
        };
        apply(c, &change, &account(by), when, &clocks(), &facts)
    }

    #[test]
    fn cmp_05_a_complaint_is_filed_with_its_clock() {
        let c = filed();
        assert_eq!(c.status(), ComplaintStatus::Filed);
        let clock = c.current().clock.unwrap();
        assert_eq!(clock.filing_deadline, Some(at(10, 14, 0)));
        assert_eq!(clock.decision_due, DecisionDue::By(at(10, 15, 0)));
        assert!(!c.is_overdue(at(10, 14, 23)));
        assert!(c.is_overdue(at(10, 15, 0)));
    }

    #[test]
    fn cmp_05_what_a_complaint_names_must_exist_in_the_commissions_area() {
        let d = ComplaintDraft {
            about: About {
                station: Some(shailoo_domain::StationNumber::new(7).unwrap()),
                ..About::default()
            },
            ..draft()
        };
        let filing = Filing {
            election: &ElectionId::parse("local-2024").unwrap(),
            draft: &d,
            channel: Channel::Paper,
            by: &account("clerk"),
            at: at(10, 11, 10),
        };
        let elsewhere = FilingFacts {
            station_chain: Some(vec![cid("pec-2"), cid("tec-1"), cid("cec")]),
            ..facts()
        };
        assert!(matches!(
            file(filing, &clocks(), &elsewhere),
            Err(ComplaintError::StationOutsideCommission(_))
        ));
        let unknown = FilingFacts {
            station_chain: None,
            ..facts()
        };
        assert!(matches!(
            file(filing, &clocks(), &unknown),
            Err(ComplaintError::UnknownStation(_))
        ));
        let no_commission = FilingFacts {
            commission: None,
            ..facts()
        };
        assert!(matches!(
            file(filing, &clocks(), &no_commission),
            Err(ComplaintError::UnknownCommission(_))
        ));
    }

    #[test]
    fn cmp_06_a_late_complaint_is_refused_naming_the_rule() {
        let d = draft();
        let err = file(
            Filing {
                election: &ElectionId::parse("local-2024").unwrap(),
                draft: &d,
                channel: Channel::Paper,
                by: &account("clerk"),
                at: at(10, 14, 0),
            },
            &clocks(),
            &facts(),
        )
        .unwrap_err();
        assert_eq!(err.code(), ErrorCode::ComplaintFiledTooLate);
        assert_eq!(err.rule(), Some("CMP-06"));
    }

    #[test]
    fn cmp_05_the_filer_never_decides_nor_is_assigned() {
        let c = filed();
        assert!(matches!(
            step(
                c.clone(),
                Change::Decide(decision()),
                "clerk",
                at(10, 12, 9)
            ),
            Err(ComplaintError::OwnComplaint)
        ));
        assert!(matches!(
            step(
                c.clone(),
                Change::Assign {
                    to: Username::parse("clerk").unwrap()
                },
                "chair",
                at(10, 12, 9)
            ),
            Err(ComplaintError::OwnComplaint)
        ));
        let c = step(
            c,
            Change::Assign {
                to: Username::parse("member").unwrap(),
            },
            "chair",
            at(10, 12, 9),
        )
        .unwrap();
        assert_eq!(c.status(), ComplaintStatus::Assigned);
        let c = step(c, Change::Decide(decision()), "member", at(10, 12, 10)).unwrap();
        assert_eq!(c.status(), ComplaintStatus::Decided);
        assert!(matches!(
            step(c, Change::Decide(decision()), "chair", at(10, 12, 11)),
            Err(ComplaintError::AlreadyDecided)
        ));
    }

    #[test]
    fn cmp_06_a_decision_is_appealed_up_the_chain_within_its_clock() {
        let c = filed();
        assert!(matches!(
            step(
                c.clone(),
                Change::Appeal(AppealDraft {
                    grounds: Text::parse("wrong").unwrap(),
                    court: None,
                    document: None,
                }),
                "clerk",
                at(10, 12, 9)
            ),
            Err(ComplaintError::NotDecided)
        ));
        let c = step(c, Change::Decide(decision()), "member", at(10, 12, 10)).unwrap();
        let appeal = Change::Appeal(AppealDraft {
            grounds: Text::parse("The decision ignores the photos").unwrap(),
            court: None,
            document: None,
        });
        // Decided on 12 October: the appeal may be filed until the end of 15 October.
        let late = step(c.clone(), appeal.clone(), "clerk.tec", at(10, 16, 0)).unwrap_err();
        assert!(matches!(
            late,
            ComplaintError::Clock(ClockError::FiledTooLate { .. })
        ));
        let c = step(c, appeal, "clerk.tec", at(10, 15, 20)).unwrap();
        assert_eq!(c.steps.len(), 2);
        assert_eq!(c.current().level, Level::Tec);
        assert_eq!(c.current().forum, Forum::Commission(cid("tec-1")));
        assert_eq!(c.status(), ComplaintStatus::Filed);
        assert_eq!(
            c.current().clock.unwrap().decision_due,
            DecisionDue::By(at(10, 19, 0))
        );
    }

    #[test]
    fn cmp_06_after_the_cec_the_court_and_its_act_close_the_case() {
        let mut c = filed();
        // Pretend the complaint already climbed to the CEC and was decided there.
        c.steps[0].level = Level::Cec;
        c.steps[0].forum = Forum::Commission(cid("cec"));
        let c = step(c, Change::Decide(decision()), "cec.lawyer", at(10, 12, 10)).unwrap();
        let no_court = Change::Appeal(AppealDraft {
            grounds: Text::parse("unlawful").unwrap(),
            court: None,
            document: None,
        });
        assert!(matches!(
            step(c.clone(), no_court, "clerk.cec", at(10, 13, 10)),
            Err(ComplaintError::CourtRequired)
        ));
        let to_court = Change::Appeal(AppealDraft {
            grounds: Text::parse("unlawful").unwrap(),
            court: Some(Text::parse("Бишкек шаарынын административдик соту").unwrap()),
            document: None,
        });
        let c = step(c, to_court, "clerk.cec", at(10, 13, 10)).unwrap();
        assert_eq!(c.status(), ComplaintStatus::InCourt);
        assert_eq!(c.current().clock, None);
        assert!(!c.is_overdue(at(12, 31, 0)));
        assert!(matches!(
            step(
                c.clone(),
                Change::Decide(decision()),
                "cec.lawyer",
                at(10, 20, 10)
            ),
            Err(ComplaintError::InCourt)
        ));
        let c = step(
            c,
            Change::CourtAct(decision()),
            "cec.lawyer",
            at(10, 20, 10),
        )
        .unwrap();
        assert_eq!(c.status(), ComplaintStatus::Closed);
        let again = Change::Appeal(AppealDraft {
            grounds: Text::parse("again").unwrap(),
            court: None,
            document: None,
        });
        assert!(matches!(
            step(c, again, "clerk.cec", at(10, 21, 10)),
            Err(ComplaintError::NoFurtherAppeal)
        ));
    }

    #[test]
    fn cmp_05_the_public_view_holds_no_personal_data() {
        let c = step(
            filed(),
            Change::Decide(decision()),
            "member",
            at(10, 12, 10),
        )
        .unwrap();
        let public = serde_json::to_string(&c.public()).unwrap();
        assert!(!public.contains("Таза шайлоо"));
        assert!(!public.contains("clerk"));
        assert!(!public.contains("member"));
        assert!(public.contains("\"complainant\":\"observer\""));
        assert!(public.contains("12/3"));
    }
}
