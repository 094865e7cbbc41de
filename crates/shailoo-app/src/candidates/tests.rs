//! Tests of the candidacy steps on facts (`transitions`) and of the registry runner, named
//! after the rules they check. The store's contract suite (`shailoo-store/tests/candidates.rs`)
//! runs the use cases over both engines.
#![allow(clippy::unwrap_used, reason = "tests fail loudly on a broken fixture")]

use super::*;
use crate::candidates::transitions::{ChangeFacts, apply, document_slot};
use async_trait::async_trait;
use futures::executor::block_on;
use jiff::civil::{date, time};
use shailoo_domain::calendar::Calendar;
use shailoo_domain::candidate::CandidateCode;
use shailoo_domain::candidate::checks::{CheckOutcome, CheckResult};
use shailoo_domain::candidate::nomination::{Ground, NominationStatus};
use shailoo_domain::candidate::registry::{
    Answered, CitizenshipAnswer, CivilAnswer, CivilRecord, CriminalRecordAnswer, EducationAnswer,
    EducationLevel, Evidence, PartyMembershipAnswer, PersonName, Registry, RegistryRequestId,
    ResponseDigest, UnansweredReason,
};
use shailoo_domain::candidate::transitions::Draft;
use shailoo_domain::params::RuleParameters;
use shailoo_domain::territory::{Council, LocalizedName};
use shailoo_domain::time::from_bishkek;
use shailoo_domain::{ErrorCode, SeatCount, Sex};
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

fn at(y: i16, mo: i8, d: i8, h: i8) -> Timestamp {
    from_bishkek(date(y, mo, d), time(h, 0, 0, 0))
}

fn evidence(registry: Registry) -> Evidence {
    Evidence {
        registry,
        request_id: RegistryRequestId::parse("KG-unit-1").unwrap(),
        answered_at: at(2024, 9, 20, 12),
        digest: ResponseDigest::parse(&"ab".repeat(32)).unwrap(),
    }
}

fn pin(sex: Sex, serial: u32) -> Pin {
    Pin::compose(sex, date(1980, 1, 1), serial)
}

fn record_of(pin: Pin) -> CivilRecord {
    CivilRecord {
        pin,
        name: PersonName::new("Асанов", "Айбек", None).unwrap(),
        sex: pin.sex(),
        birth_date: pin.birth_date(),
        residence: None,
    }
}

fn identity(pin: Pin) -> CandidateIdentity {
    CandidateIdentity::from_answer(
        pin,
        Answered {
            answer: CivilAnswer::Found(record_of(pin)),
            evidence: evidence(Registry::Civil),
        },
    )
    .unwrap()
}

fn bishkek() -> Council {
    Council {
        id: CouncilId::parse("bishkek").unwrap(),
        kind: CouncilKind::City,
        territory: TerritoryId::parse("bishkek").unwrap(),
        name: LocalizedName {
            ky: "Бишкек".into(),
            ru: "Бишкек".into(),
            en: "Bishkek".into(),
        },
        seats: SeatCount::new(45).unwrap(),
    }
}

fn rule_set() -> RuleSet {
    RuleSet {
        calendar: Calendar::statutory(date(2024, 9, 6), date(2024, 11, 17)).unwrap(),
        params: RuleParameters::default(),
    }
}

fn party() -> PartyId {
    PartyId::parse("ata-jurt").unwrap()
}

/// Nomination 7: a draft Bishkek list of a woman, a man and a woman, ids `7-1`…`7-3`.
fn draft_record(rules: &RuleSet) -> NominationRecord {
    let id = NominationId::new(7).unwrap();
    let c = bishkek();
    let r = rules.rules(c.seats);
    let now = at(2024, 9, 20, 12);
    let mut d = Draft::new(
        ElectionId::parse("local-2024").unwrap(),
        &c,
        NominationKind::CityList { party: party() },
        now,
    )
    .unwrap();
    for (k, p) in [
        (1, pin(Sex::Female, 1)),
        (2, pin(Sex::Male, 1)),
        (3, pin(Sex::Female, 2)),
    ] {
        d = d.add(id.candidate(k), identity(p), &r, now).unwrap();
    }
    NominationRecord {
        id,
        reference: None,
        nomination: d.record().clone(),
        filed_by: "rep.ata-jurt".into(),
        details: Default::default(),
        checks: Vec::new(),
    }
}

fn facts(holders: Vec<Candidacy>, next: CandidateId) -> ChangeFacts {
    ChangeFacts {
        holders,
        next_candidate: next,
    }
}

fn held_by(nomination: i64, p: Pin) -> Candidacy {
    let id = NominationId::new(nomination).unwrap();
    Candidacy {
        pin: p,
        nomination: id,
        candidate: id.candidate(1),
    }
}

fn ground(code: CandidateCode) -> Ground {
    Ground::candidate(code).unwrap()
}

#[test]
fn can_05_a_person_holding_a_candidacy_elsewhere_is_refused_at_the_door_and_at_submission() {
    let rules = rule_set();
    let seats = bishkek().seats;
    let d = draft_record(&rules);
    let now = at(2024, 9, 21, 12);
    let add = Change::Edit(DraftEdit::Add {
        identity: identity(pin(Sex::Female, 5)),
        details: CandidateDetails::default(),
    });
    let elsewhere = facts(vec![held_by(3, pin(Sex::Female, 5))], d.id.candidate(4));
    let refused = apply(&d, &add, &elsewhere, &rules.rules(seats), "rep", now).unwrap_err();
    assert_eq!(refused.rule(), Some("CAN-05"));
    assert_eq!(refused.code(), ErrorCode::CandidacyIneligible);
    // Held by this very nomination (a repeat) is no candidacy elsewhere.
    let here = facts(vec![held_by(7, pin(Sex::Female, 5))], d.id.candidate(4));
    let added = apply(&d, &add, &here, &rules.rules(seats), "rep", now).unwrap();
    assert_eq!(added.record.nomination.entries[3].candidate.as_str(), "7-4");
    // Submitting, every standing candidate is checked against the candidacies elsewhere.
    let submit = Change::Submit {
        seen: d.nomination.content(),
    };
    let taken = facts(vec![held_by(3, pin(Sex::Male, 1))], d.id.candidate(4));
    let refused = apply(&d, &submit, &taken, &rules.rules(seats), "rep", now).unwrap_err();
    assert_eq!(refused.ground().unwrap().0.unwrap().as_str(), "7-2");
    let filed = apply(
        &d,
        &submit,
        &facts(vec![], d.id.candidate(4)),
        &rules.rules(seats),
        "rep",
        now,
    )
    .unwrap();
    assert_eq!(filed.record.nomination.status, NominationStatus::Submitted);
    assert_eq!(filed.record.candidacies().len(), 3);
    assert_eq!(filed.history.len(), 1);
    assert_eq!(filed.history[0].status, "submitted");
    // The same content again is a repeat: nothing to write.
    let again = apply(
        &filed.record,
        &submit,
        &facts(vec![], d.id.candidate(4)),
        &rules.rules(seats),
        "rep",
        now,
    )
    .unwrap();
    assert!(again.repeated && again.history.is_empty());
}

#[test]
fn can_07_a_draft_is_edited_only_while_the_nomination_window_is_open() {
    let rules = rule_set();
    let d = draft_record(&rules);
    let reorder = Change::Edit(DraftEdit::Reorder {
        order: vec![d.id.candidate(2), d.id.candidate(1), d.id.candidate(3)],
    });
    let late = from_bishkek(date(2024, 10, 7), time(18, 0, 0, 0));
    let r = rules.rules(bishkek().seats);
    let e = apply(
        &d,
        &reorder,
        &facts(vec![], d.id.candidate(4)),
        &r,
        "rep",
        late,
    )
    .unwrap_err();
    assert_eq!(e.rule(), Some("CAL-07"));
}

/// `d` filed, with its checks as stored: every check passed but `failing`'s conviction.
fn filed_with_checks(rules: &RuleSet, failing: Option<u32>) -> NominationRecord {
    let d = draft_record(rules);
    let r = rules.rules(bishkek().seats);
    let submit = Change::Submit {
        seen: d.nomination.content(),
    };
    let mut filed = apply(
        &d,
        &submit,
        &facts(vec![], d.id.candidate(4)),
        &r,
        "rep",
        at(2024, 9, 21, 12),
    )
    .unwrap()
    .record;
    for k in [1, 2, 3] {
        for check in [Check::Age, Check::Conviction, Check::Citizenship] {
            let outcome = if failing == Some(k) && check == Check::Conviction {
                CheckOutcome::Fail {
                    ground: ground(CandidateCode::UnexpungedConviction),
                }
            } else {
                CheckOutcome::Pass
            };
            filed.checks.push(StoredCheck {
                run: 1,
                candidate: Some(d.id.candidate(k)),
                result: CheckResult {
                    check,
                    outcome,
                    evidence: Some(evidence(Registry::CriminalRecord)),
                },
                checked_at: at(2024, 9, 21, 12),
            });
        }
    }
    filed
}

use shailoo_domain::candidate::checks::Check;

#[test]
fn can_09_a_refusal_or_an_exclusion_rests_on_a_failed_check_showing_its_ground() {
    let rules = rule_set();
    let r = rules.rules(bishkek().seats);
    let now = at(2024, 9, 25, 12);
    let no_facts = |rec: &NominationRecord| facts(vec![], rec.id.candidate(3));
    let clean = filed_with_checks(&rules, None);
    let refuse = |code| {
        Change::Decide(Decision::Refuse {
            ground: ground(code),
        })
    };
    let e = apply(
        &clean,
        &refuse(CandidateCode::UnexpungedConviction),
        &no_facts(&clean),
        &r,
        "tec",
        now,
    )
    .unwrap_err();
    assert!(matches!(e, CandidacyError::GroundNotShown(_)));
    // Deficient documents are read by the TEC, not answered by a registry.
    let refused = apply(
        &clean,
        &refuse(CandidateCode::DocumentsDeficient),
        &no_facts(&clean),
        &r,
        "tec",
        now,
    )
    .unwrap();
    assert_eq!(
        refused.history[0].detail.as_deref(),
        Some("CAN-08_documents_deficient")
    );
    let failing = filed_with_checks(&rules, Some(3));
    apply(
        &failing,
        &refuse(CandidateCode::UnexpungedConviction),
        &no_facts(&failing),
        &r,
        "tec",
        now,
    )
    .unwrap();
    // An exclusion names the very candidate whose check failed.
    let exclude = |k: u32| {
        Change::Decide(Decision::Register {
            excluded: vec![(
                failing.id.candidate(k),
                ground(CandidateCode::UnexpungedConviction),
            )],
        })
    };
    let wrong = apply(&failing, &exclude(1), &no_facts(&failing), &r, "tec", now).unwrap_err();
    assert!(matches!(wrong, CandidacyError::GroundNotShown(_)));
    let registered = apply(&failing, &exclude(3), &no_facts(&failing), &r, "tec", now).unwrap();
    assert_eq!(
        registered.record.nomination.status,
        NominationStatus::Registered
    );
    let statuses: Vec<&str> = registered
        .history
        .iter()
        .map(|h| h.status.as_str())
        .collect();
    assert_eq!(statuses, ["registered", "excluded"]);
    // Unchecked candidates: no decision yet.
    let mut unchecked = filed_with_checks(&rules, None);
    unchecked
        .checks
        .retain(|c| c.candidate != Some(unchecked.id.candidate(2)));
    let pending = apply(
        &unchecked,
        &Change::Decide(Decision::Register { excluded: vec![] }),
        &no_facts(&unchecked),
        &r,
        "tec",
        now,
    )
    .unwrap_err();
    assert!(matches!(pending, CandidacyError::ChecksPending));
    assert_eq!(unchecked.unchecked(), [unchecked.id.candidate(2)]);
}

#[test]
fn can_08_documents_go_where_they_belong() {
    let rules = rule_set();
    let d = draft_record(&rules);
    let n = &d.nomination;
    let one = d.id.candidate(1);
    assert!(document_slot(n, Some(&one), DocumentKind::Consent).is_ok());
    assert!(document_slot(n, None, DocumentKind::PartyDecision).is_ok());
    assert!(document_slot(n, None, DocumentKind::Program).is_ok());
    assert!(document_slot(n, Some(&one), DocumentKind::Program).is_ok());
    assert!(matches!(
        document_slot(n, None, DocumentKind::Photo),
        Err(CandidacyError::DocumentMisplaced)
    ));
    assert!(matches!(
        document_slot(n, Some(&one), DocumentKind::PartyDecision),
        Err(CandidacyError::DocumentMisplaced)
    ));
    assert!(matches!(
        document_slot(n, Some(&d.id.candidate(9)), DocumentKind::Photo),
        Err(CandidacyError::Transition(_))
    ));
}

// --- the registry runner ---

/// A future that is pending once: lets the stream start its other calls meanwhile.
struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = ();
    fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

/// Registries that count the calls in flight, one of which may be down.
#[derive(Default)]
struct Counting {
    in_flight: AtomicUsize,
    most: AtomicUsize,
    calls: AtomicUsize,
    down: Mutex<Option<Registry>>,
}

impl Counting {
    async fn answer<T>(&self, registry: Registry, answer: T) -> RegistryResult<T> {
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.most.fetch_max(now, Ordering::SeqCst);
        self.calls.fetch_add(1, Ordering::SeqCst);
        YieldOnce(false).await;
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
        if *self.down.lock().unwrap() == Some(registry) {
            return Err(RegistryError::Unavailable("down".into()));
        }
        Ok(Answered {
            answer,
            evidence: evidence(registry),
        })
    }
}

#[async_trait]
impl CivilRegistry for Counting {
    async fn person(&self, pin: &Pin) -> RegistryResult<CivilAnswer> {
        let answer = if pin.as_u64() % 100_000 == 99 {
            CivilAnswer::NotFound
        } else {
            CivilAnswer::Found(record_of(*pin))
        };
        self.answer(Registry::Civil, answer).await
    }
}

#[async_trait]
impl CitizenshipRegistry for Counting {
    async fn citizenship(&self, _: &Pin) -> RegistryResult<CitizenshipAnswer> {
        self.answer(Registry::Citizenship, CitizenshipAnswer { citizen: true })
            .await
    }
}

#[async_trait]
impl CriminalRecordRegistry for Counting {
    async fn criminal_record(&self, _: &Pin) -> RegistryResult<CriminalRecordAnswer> {
        let clean = CriminalRecordAnswer {
            unexpunged_conviction: false,
            imprisoned: false,
            court_incapable: false,
        };
        self.answer(Registry::CriminalRecord, clean).await
    }
}

#[async_trait]
impl EducationRegistry for Counting {
    async fn education(&self, _: &Pin) -> RegistryResult<EducationAnswer> {
        let higher = EducationAnswer {
            highest: EducationLevel::Higher,
        };
        self.answer(Registry::Education, higher).await
    }
}

#[async_trait]
impl PartyMembershipRegistry for Counting {
    async fn party_membership(&self, _: &Pin) -> RegistryResult<PartyMembershipAnswer> {
        let none = PartyMembershipAnswer { member_of: None };
        self.answer(Registry::PartyMembership, none).await
    }
}

fn asked(n: u32, party_nominee: bool) -> Vec<Asked> {
    let id = NominationId::new(1).unwrap();
    (1..=n)
        .map(|k| Asked {
            candidate: id.candidate(k),
            pin: pin(Sex::Female, k),
            party_nominee,
        })
        .collect()
}

#[test]
fn can_08_the_runner_keeps_at_most_its_concurrency_in_flight_and_answers_in_order() {
    let counting = Arc::new(Counting::default());
    let runner = CheckRunner::new(CandidateRegistries::all(counting.clone()), 5);
    let now = at(2024, 9, 20, 12);
    let answers = block_on(runner.answers(&asked(20, true), now));
    assert_eq!(answers.len(), 20);
    assert_eq!(
        counting.calls.load(Ordering::SeqCst),
        80,
        "four registries each"
    );
    let most = counting.most.load(Ordering::SeqCst);
    assert!((2..=5).contains(&most), "{most} calls in flight");
    assert!(
        answers
            .iter()
            .all(|a| a.citizenship.is_ok() && a.party_membership.is_some())
    );
    // A self-nominee's party membership is not asked (CAN-04 binds party nominees).
    let selfs = block_on(runner.answers(&asked(3, false), now));
    assert!(selfs.iter().all(|a| a.party_membership.is_none()));
    assert_eq!(counting.calls.load(Ordering::SeqCst), 89);
}

#[test]
fn can_08_a_registry_down_is_could_not_check_never_a_verdict() {
    let counting = Arc::new(Counting::default());
    *counting.down.lock().unwrap() = Some(Registry::Education);
    let runner = CheckRunner::new(CandidateRegistries::all(counting.clone()), 3);
    let now = at(2024, 9, 20, 12);
    let answers = block_on(runner.answers(&asked(2, true), now));
    for a in &answers {
        let unanswered = a.education.as_ref().unwrap_err();
        assert_eq!(unanswered.registry, Registry::Education);
        assert_eq!(unanswered.reason, UnansweredReason::Unavailable);
        assert_eq!(unanswered.at, now);
        assert!(a.citizenship.is_ok() && a.criminal_record.is_ok());
    }
    // Identities: an unknown PIN is the filer's field error; a registry down is "try later".
    let unknown = Pin::compose(Sex::Male, date(1970, 1, 1), 99);
    let found = block_on(runner.identities(&[pin(Sex::Female, 1), unknown]));
    assert_eq!(found[0].as_ref().unwrap().pin(), pin(Sex::Female, 1));
    assert_eq!(
        found[1].as_ref().unwrap_err().code(),
        ErrorCode::CandidateUnknownPin
    );
    *counting.down.lock().unwrap() = Some(Registry::Civil);
    let down = block_on(identify(runner.registries(), pin(Sex::Female, 1))).unwrap_err();
    assert_eq!(down.code(), ErrorCode::RegistryUnavailable);
}
