//! The life of a voter-list claim (VOT-08) as pure functions: filing checks the facts about the
//! voter, the station and the lists, and a filed claim is accepted or rejected once.
//!
//! ```mermaid
//! stateDiagram-v2
//!     [*] --> Filed: file (covering staff, or the voter in the cabinet; until the end of CAL-11)
//!     Filed --> Accepted: accept (staff covering the station, not the filer; until the lists are frozen)
//!     Filed --> Rejected: reject with a reason (the same staff, the same time)
//!     Accepted --> [*]: the list changed, one amendment row per changed field
//!     Rejected --> [*]: nothing changed, the reason is kept
//! ```
//!
//! Where an inclusion may put a voter ([`inclusion_place`], at filing and again at the
//! decision): VOT-04 makes a voter a member of the community of their registered address, and
//! VOT-08 lets the PEC put a voter missing from the list (or listed at the wrong station) on it.
//! So an inclusion goes only to the station whose area holds the voter's registered address
//! (for an address whose street no station area lists yet, a station whose area holds the
//! address's settlement); a voter listed elsewhere in the same council moves only to that
//! station; and no claim moves a voter to another council's list: a change of address is the
//! register's, and a recompile follows it. The one who files a claim never decides it
//! ([`ClaimError::OwnClaim`]; compared by account, the only identity the system knows: one
//! account per person is the operator's rule when making accounts).
//!
//! The store runs these inside its write transaction, on the facts it read there under the
//! audit head's lock ([`FilingFacts`], [`VoterFacts`]), and writes what they return: the filed
//! claim; or the decided claim with its [`ListEffect`] and [`FieldChange`]s. So no concurrent
//! writer can change a fact between the check and the write, and the rules live here, not in
//! SQL. Who may file or decide, and the calendar, are the use cases' ([`super::file`],
//! [`super::decide`]).

use super::model::{
    Channel, Claim, ClaimDecision, ClaimDraft, ClaimError, ClaimId, ClaimKind, ClaimRequest,
    ClaimStatus, CopyInfo, DataCorrection, Decided, Field, Text,
};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use shailoo_domain::voter::Reasons;
use shailoo_domain::{CouncilId, ElectionId, StationNumber};

/// A station as a claim sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StationFacts {
    pub council: CouncilId,
    pub remote_voting: bool,
    /// Whether the station's council holds this election.
    pub electing: bool,
}

impl StationFacts {
    /// A claim changes the list of a regular station whose council holds the election; a
    /// remote-voting station's list is made of applications (VOT-07).
    fn keeps_a_list(&self) -> bool {
        !self.remote_voting && self.electing
    }
}

/// Where the lists hold a voter now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListEntry {
    pub council: CouncilId,
    /// The station of the voter's own list.
    pub home_station: StationNumber,
    /// Where they vote: the home station, or a remote-voting station (VOT-07).
    pub station: StationNumber,
}

/// Where the voter's registered address (the register's settlement and street) lies, as the
/// station areas say, relative to the claim's station.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AddressFacts {
    /// The station whose area holds the settlement and street (`None`: no area lists them).
    pub station: Option<StationNumber>,
    /// Whether the claim's station's area holds the address's settlement.
    pub settlement_served: bool,
}

/// What the store reads under the lock before a claim is filed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilingFacts {
    pub election_exists: bool,
    /// When the election's lists became final, if they did.
    pub frozen_at: Option<Timestamp>,
    /// Whether the PIN is in the population register.
    pub in_register: bool,
    /// Where the registered address lies (meaningless when not in the register).
    pub address: AddressFacts,
    /// The claim's station, if it exists.
    pub station: Option<StationFacts>,
    /// Where the lists hold the voter now.
    pub entry: Option<ListEntry>,
    /// Whether the voter has an open (filed) claim of the same kind.
    pub open_claim_of_kind: bool,
    /// The number the claim gets.
    pub next_id: ClaimId,
}

/// A claim being filed: what was asked, through which channel, by whom and when.
#[derive(Debug, Clone, Copy)]
pub struct Filing<'a> {
    pub election: &'a ElectionId,
    pub draft: &'a ClaimDraft,
    pub channel: Channel,
    pub copy: &'a CopyInfo,
    /// The audit name of who files.
    pub by: &'a str,
    pub at: Timestamp,
}

/// The personal data the lists show of a person of the register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonalData {
    pub surname: String,
    pub given_name: String,
    pub patronymic: Option<String>,
    pub birth_date: Date,
    pub street: String,
    pub house: String,
}

impl PersonalData {
    fn value(&self, field: Field) -> Option<String> {
        match field {
            Field::Surname => Some(self.surname.clone()),
            Field::GivenName => Some(self.given_name.clone()),
            Field::Patronymic => self.patronymic.clone(),
            Field::BirthDate => Some(self.birth_date.to_string()),
            Field::Street => Some(self.street.clone()),
            Field::House => Some(self.house.clone()),
            Field::Station | Field::Council => None,
        }
    }
}

/// What the store reads under the lock about the voter of a claim being decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoterFacts {
    /// The voter in the register (`None`: the PIN left it since the claim was filed).
    pub person: Option<PersonalData>,
    /// Where the registered address lies now.
    pub address: AddressFacts,
    /// The claim's station.
    pub station: Option<StationFacts>,
    /// Where the lists hold the voter now.
    pub entry: Option<ListEntry>,
    /// Why the lists keep the voter off, if they do.
    pub ineligible: Option<Reasons>,
    /// The corrected data an earlier accepted correction gave.
    pub correction: Option<DataCorrection>,
}

/// What an accepted claim does to the lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ListEffect {
    /// Put the voter on the list of `station` for `council` (inserted, or moved from another
    /// station) and off the ineligible rows. `overruled`: the reasons the PEC overruled, which
    /// a recompile keeps overruling (`None`: every reason, the lists not holding the voter at
    /// all, as before any compile).
    Include {
        council: CouncilId,
        station: StationNumber,
        overruled: Option<Reasons>,
    },
    /// Show these data over the register's (the claim's fields over the earlier correction).
    Correct(DataCorrection),
}

/// One changed field of a list entry: a row of the amendment history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: Field,
    /// `None`: the voter was on no list (an inclusion), or the field was empty.
    pub before: Option<String>,
    pub after: String,
}

/// The lists of an election can change until they are frozen.
pub fn lists_open(election: &ElectionId, frozen_at: Option<Timestamp>) -> Result<(), ClaimError> {
    match frozen_at {
        Some(frozen_at) => Err(ClaimError::Frozen {
            election: election.clone(),
            frozen_at,
        }),
        None => Ok(()),
    }
}

/// VOT-04, VOT-08: where an inclusion at `station` may put the voter: never onto the list of
/// another council than the one listing them, and only at the station whose area holds their
/// registered address (a station whose area holds the address's settlement, when no area lists
/// its street).
pub fn inclusion_place(
    station: StationNumber,
    facts: &StationFacts,
    address: AddressFacts,
    entry: Option<&ListEntry>,
) -> Result<(), ClaimError> {
    if let Some(e) = entry
        && e.council != facts.council
    {
        return Err(ClaimError::OtherCouncil {
            listed: e.council.clone(),
        });
    }
    match address.station {
        Some(at) if at == station => Ok(()),
        Some(at) => Err(ClaimError::AddressServedElsewhere(at)),
        None if address.settlement_served => Ok(()),
        None => Err(ClaimError::AddressOutsideArea(station)),
    }
}

/// VOT-08: files a claim, if the facts allow it: the election exists and its lists are not
/// final, the PIN is in the register, the station keeps a list of this election, an inclusion
/// goes where [`inclusion_place`] allows and does not ask for the station that lists the voter
/// already, and the voter has no open claim of this kind. The claim keeps the voter's home
/// station, whose commission sees it.
pub fn file(filing: Filing<'_>, facts: &FilingFacts) -> Result<Filed, ClaimError> {
    let draft = filing.draft;
    if !facts.election_exists {
        return Err(ClaimError::UnknownElection(filing.election.clone()));
    }
    lists_open(filing.election, facts.frozen_at)?;
    if !facts.in_register {
        return Err(ClaimError::NotInRegister);
    }
    let station = match &facts.station {
        None => return Err(ClaimError::UnknownStation(draft.station)),
        Some(s) if !s.keeps_a_list() => return Err(ClaimError::StationNotForClaims(draft.station)),
        Some(s) => s,
    };
    if draft.request.kind() == ClaimKind::Inclusion {
        if facts
            .entry
            .as_ref()
            .is_some_and(|e| e.home_station == draft.station)
        {
            return Err(ClaimError::AlreadyListed(draft.station));
        }
        inclusion_place(draft.station, station, facts.address, facts.entry.as_ref())?;
    }
    if facts.open_claim_of_kind {
        return Err(ClaimError::AlreadyOpen);
    }
    Ok(Filed(Claim {
        id: facts.next_id,
        election: filing.election.clone(),
        pin: draft.pin,
        station: draft.station,
        home_station: facts
            .entry
            .as_ref()
            .map(|e| e.home_station)
            .or(facts.address.station),
        request: draft.request.clone(),
        statement: draft.statement.clone(),
        channel: filing.channel,
        filed_by: filing.by.to_owned(),
        filed_at: filing.at,
        copy: filing.copy.clone(),
        status: ClaimStatus::Filed,
    }))
}

/// A filed claim, waiting for the PEC: the only state a decision leaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filed(Claim);

/// An accepted claim and what it does to the lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    claim: Claim,
    effect: ListEffect,
    changes: Vec<FieldChange>,
}

/// A rejected claim: nothing changes but the claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected(Claim);

/// Where a decision took the claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Accepted(Accepted),
    Rejected(Rejected),
}

impl Filed {
    /// The stored claim `id` as a filed claim: refused when there is none or it is decided.
    pub fn from_stored(id: ClaimId, stored: Option<Claim>) -> Result<Filed, ClaimError> {
        let claim = stored.ok_or(ClaimError::UnknownClaim(id))?;
        if claim.status != ClaimStatus::Filed {
            return Err(ClaimError::AlreadyDecided);
        }
        Ok(Filed(claim))
    }

    pub fn claim(&self) -> &Claim {
        &self.0
    }

    pub fn into_claim(self) -> Claim {
        self.0
    }

    /// VOT-08: the PEC's decision, accepting or rejecting, by someone else than the filer.
    pub fn decide(
        self,
        decision: &ClaimDecision,
        facts: &VoterFacts,
        decided: Decided,
    ) -> Result<Outcome, ClaimError> {
        if decided.by == self.0.filed_by {
            return Err(ClaimError::OwnClaim);
        }
        Ok(match decision {
            ClaimDecision::Accept { note } => {
                Outcome::Accepted(self.accept(facts, decided, note.clone())?)
            }
            ClaimDecision::Reject { reason } => {
                Outcome::Rejected(self.reject(decided, reason.clone()))
            }
        })
    }

    /// VOT-08: accepts the claim. An inclusion puts the voter on the list of the claim's
    /// station (which must still keep a list of this election, and be where
    /// [`inclusion_place`] allows on today's facts) and records the station and council it
    /// changed; a correction shows its fields over the earlier correction and records each
    /// field whose shown value changes. The voter must still be in the register. Who decides
    /// is [`Filed::decide`]'s check.
    pub fn accept(
        self,
        facts: &VoterFacts,
        decided: Decided,
        note: Option<Text>,
    ) -> Result<Accepted, ClaimError> {
        let person = facts.person.as_ref().ok_or(ClaimError::NotInRegister)?;
        let (effect, changes) = match &self.0.request {
            ClaimRequest::Inclusion => include(self.0.station, facts)?,
            ClaimRequest::Correction(claimed) => correct(claimed, person, facts),
        };
        Ok(Accepted {
            claim: Claim {
                status: ClaimStatus::Accepted { decided, note },
                ..self.0
            },
            effect,
            changes,
        })
    }

    /// VOT-08: rejects the claim with its reason; no list changes.
    pub fn reject(self, decided: Decided, reason: Text) -> Rejected {
        Rejected(Claim {
            status: ClaimStatus::Rejected { decided, reason },
            ..self.0
        })
    }
}

fn include(
    station: StationNumber,
    facts: &VoterFacts,
) -> Result<(ListEffect, Vec<FieldChange>), ClaimError> {
    let facts_of_station = match &facts.station {
        Some(s) if s.keeps_a_list() => s,
        _ => return Err(ClaimError::StationNotForClaims(station)),
    };
    inclusion_place(
        station,
        facts_of_station,
        facts.address,
        facts.entry.as_ref(),
    )?;
    let council = facts_of_station.council.clone();
    let mut changes = Vec::new();
    let was = facts.entry.as_ref();
    if was.map(|e| e.home_station) != Some(station) {
        changes.push(FieldChange {
            field: Field::Station,
            before: was.map(|e| e.home_station.to_string()),
            after: station.to_string(),
        });
    }
    if was.map(|e| &e.council) != Some(&council) {
        changes.push(FieldChange {
            field: Field::Council,
            before: was.map(|e| e.council.to_string()),
            after: council.to_string(),
        });
    }
    // What the PEC overrules: the reasons the lists keep the voter off for now; none when
    // listed elsewhere; every reason when the lists do not hold the voter at all.
    let overruled = facts
        .ineligible
        .or(facts.entry.as_ref().map(|_| Reasons::EMPTY));
    Ok((
        ListEffect::Include {
            council,
            station,
            overruled,
        },
        changes,
    ))
}

fn correct(
    claimed: &DataCorrection,
    person: &PersonalData,
    facts: &VoterFacts,
) -> (ListEffect, Vec<FieldChange>) {
    let earlier = facts.correction.as_ref();
    let shown = |field: Field| {
        let corrected = earlier.and_then(|c| {
            c.values()
                .into_iter()
                .find(|(f, _)| *f == field)
                .map(|(_, v)| v)
        });
        corrected.or_else(|| person.value(field))
    };
    let changes = claimed
        .values()
        .into_iter()
        .filter_map(|(field, after)| {
            let before = shown(field);
            (before.as_deref() != Some(after.as_str())).then_some(FieldChange {
                field,
                before,
                after,
            })
        })
        .collect();
    let merged = earlier.map_or_else(|| claimed.clone(), |e| claimed.over(e));
    (ListEffect::Correct(merged), changes)
}

impl Accepted {
    pub fn claim(&self) -> &Claim {
        &self.claim
    }
    pub fn effect(&self) -> &ListEffect {
        &self.effect
    }
    pub fn changes(&self) -> &[FieldChange] {
        &self.changes
    }
}

impl Rejected {
    pub fn claim(&self) -> &Claim {
        &self.0
    }
}

impl Outcome {
    /// The claim as decided.
    pub fn claim(&self) -> &Claim {
        match self {
            Outcome::Accepted(a) => a.claim(),
            Outcome::Rejected(r) => r.claim(),
        }
    }

    /// What the lists do, if anything.
    pub fn effect(&self) -> Option<&ListEffect> {
        match self {
            Outcome::Accepted(a) => Some(a.effect()),
            Outcome::Rejected(_) => None,
        }
    }

    /// The amendment rows: one per changed field (none for a rejection).
    pub fn changes(&self) -> &[FieldChange] {
        match self {
            Outcome::Accepted(a) => a.changes(),
            Outcome::Rejected(_) => &[],
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;
    use crate::claims::model::CopyFormat;
    use jiff::civil::date;
    use shailoo_domain::Pin;
    use shailoo_domain::voter::IneligibilityReason;

    fn station(n: u32) -> StationNumber {
        StationNumber::new(n).unwrap()
    }
    fn council(s: &str) -> CouncilId {
        CouncilId::parse(s).unwrap()
    }
    fn election() -> ElectionId {
        ElectionId::parse("local-2024").unwrap()
    }
    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }
    fn text(s: &str) -> Text {
        Text::parse(s).unwrap()
    }
    fn copy() -> CopyInfo {
        CopyInfo {
            format: CopyFormat::Pdf,
            digest: "d".into(),
            size: 1,
        }
    }
    fn regular(c: &str) -> Option<StationFacts> {
        Some(StationFacts {
            council: council(c),
            remote_voting: false,
            electing: true,
        })
    }
    fn draft(request: ClaimRequest, n: u32) -> ClaimDraft {
        ClaimDraft {
            pin: Pin::parse("20101199000123").unwrap(),
            station: station(n),
            request,
            statement: None,
        }
    }
    /// A registered address in the area of station 5001.
    fn at_5001() -> AddressFacts {
        AddressFacts {
            station: Some(station(5001)),
            settlement_served: true,
        }
    }
    fn listed(council_id: &str, n: u32) -> ListEntry {
        ListEntry {
            council: council(council_id),
            home_station: station(n),
            station: station(n),
        }
    }
    /// A voter in the register, on no list, claiming at a regular station of an electing
    /// council with nothing frozen or open.
    fn open_facts() -> FilingFacts {
        FilingFacts {
            election_exists: true,
            frozen_at: None,
            in_register: true,
            address: at_5001(),
            station: regular("kara-suu"),
            entry: None,
            open_claim_of_kind: false,
            next_id: ClaimId::new(7).unwrap(),
        }
    }
    fn filing<'a>(d: &'a ClaimDraft, e: &'a ElectionId, c: &'a CopyInfo) -> Filing<'a> {
        Filing {
            election: e,
            draft: d,
            channel: Channel::Commission,
            copy: c,
            by: "pec.one",
            at: at("2024-10-20T06:00:00Z"),
        }
    }
    fn filed(request: ClaimRequest) -> Filed {
        let (e, c, d) = (election(), copy(), draft(request, 5001));
        file(filing(&d, &e, &c), &open_facts()).unwrap()
    }
    /// Another member than the filer `pec.one`.
    fn decided() -> Decided {
        Decided {
            by: "pec.two".into(),
            at: at("2024-10-21T06:00:00Z"),
        }
    }
    fn person() -> PersonalData {
        PersonalData {
            surname: "Асанова".into(),
            given_name: "Айгүл".into(),
            patronymic: None,
            birth_date: date(1980, 5, 17),
            street: "Ленин көчөсү".into(),
            house: "1".into(),
        }
    }
    fn voter(entry: Option<ListEntry>, ineligible: Option<Reasons>) -> VoterFacts {
        VoterFacts {
            person: Some(person()),
            address: at_5001(),
            station: regular("kara-suu"),
            entry,
            ineligible,
            correction: None,
        }
    }
    fn refused(facts: FilingFacts, request: ClaimRequest) -> ClaimError {
        let (e, c, d) = (election(), copy(), draft(request, 5001));
        file(filing(&d, &e, &c), &facts).unwrap_err()
    }

    #[test]
    fn vot_08_a_claim_is_filed_with_its_number_channel_and_copy() {
        let f = filed(ClaimRequest::Inclusion);
        let c = f.claim();
        assert_eq!(c.id.get(), 7);
        assert_eq!(c.status, ClaimStatus::Filed);
        assert_eq!(
            (c.filed_by.as_str(), c.channel),
            ("pec.one", Channel::Commission)
        );
        assert_eq!(c.copy, copy());
    }

    #[test]
    fn vot_08_a_claim_needs_an_election_whose_lists_can_change_and_a_person_of_the_register() {
        let unknown = FilingFacts {
            election_exists: false,
            ..open_facts()
        };
        assert!(matches!(
            refused(unknown, ClaimRequest::Inclusion),
            ClaimError::UnknownElection(_)
        ));
        let frozen_at = at("2024-11-02T00:00:00Z");
        let frozen = FilingFacts {
            frozen_at: Some(frozen_at),
            ..open_facts()
        };
        assert!(matches!(
            refused(frozen, ClaimRequest::Inclusion),
            ClaimError::Frozen { frozen_at: t, .. } if t == frozen_at
        ));
        let stranger = FilingFacts {
            in_register: false,
            ..open_facts()
        };
        assert!(matches!(
            refused(stranger, ClaimRequest::Inclusion),
            ClaimError::NotInRegister
        ));
    }

    #[test]
    fn vot_08_a_claim_goes_to_a_regular_station_of_a_council_holding_the_election() {
        let none = FilingFacts {
            station: None,
            ..open_facts()
        };
        assert!(matches!(
            refused(none, ClaimRequest::Inclusion),
            ClaimError::UnknownStation(_)
        ));
        for (remote_voting, electing) in [(true, true), (false, false)] {
            let facts = FilingFacts {
                station: Some(StationFacts {
                    council: council("kara-suu"),
                    remote_voting,
                    electing,
                }),
                ..open_facts()
            };
            assert!(matches!(
                refused(facts, ClaimRequest::Inclusion),
                ClaimError::StationNotForClaims(_)
            ));
        }
    }

    #[test]
    fn vot_08_an_inclusion_at_the_station_listing_the_voter_and_a_second_open_claim_are_refused() {
        let listed = FilingFacts {
            entry: Some(listed("kara-suu", 5001)),
            ..open_facts()
        };
        assert!(matches!(
            refused(listed.clone(), ClaimRequest::Inclusion),
            ClaimError::AlreadyListed(_)
        ));
        // A correction of a listed voter is what corrections are for.
        let correction =
            DataCorrection::new(Some(text("Усенова")), None, None, None, None, None).unwrap();
        let (e, c, d) = (
            election(),
            copy(),
            draft(ClaimRequest::Correction(correction), 5001),
        );
        assert!(file(filing(&d, &e, &c), &listed).is_ok());
        let open = FilingFacts {
            open_claim_of_kind: true,
            ..open_facts()
        };
        assert!(matches!(
            refused(open, ClaimRequest::Inclusion),
            ClaimError::AlreadyOpen
        ));
    }

    #[test]
    fn vot_08_a_claim_is_decided_once() {
        let id = ClaimId::new(7).unwrap();
        assert!(matches!(
            Filed::from_stored(id, None),
            Err(ClaimError::UnknownClaim(_))
        ));
        let rejected = filed(ClaimRequest::Inclusion).reject(decided(), text("not a resident"));
        assert!(matches!(
            Filed::from_stored(id, Some(rejected.claim().clone())),
            Err(ClaimError::AlreadyDecided)
        ));
        assert!(matches!(
            lists_open(&election(), Some(at("2024-11-02T00:00:00Z"))),
            Err(ClaimError::Frozen { .. })
        ));
    }

    #[test]
    fn vot_08_a_rejection_changes_no_list_and_keeps_its_reason() {
        let outcome = filed(ClaimRequest::Inclusion)
            .decide(
                &ClaimDecision::Reject {
                    reason: text("not a resident"),
                },
                &voter(None, None),
                decided(),
            )
            .unwrap();
        assert_eq!(outcome.effect(), None);
        assert!(outcome.changes().is_empty());
        assert_eq!(
            outcome.claim().status.text().map(Text::as_str),
            Some("not a resident")
        );
    }

    #[test]
    fn vot_08_an_accepted_inclusion_puts_an_unlisted_voter_on_the_list_overruling_every_reason() {
        let a = filed(ClaimRequest::Inclusion)
            .accept(&voter(None, None), decided(), Some(text("moved in")))
            .unwrap();
        assert_eq!(
            a.effect(),
            &ListEffect::Include {
                council: council("kara-suu"),
                station: station(5001),
                overruled: None,
            }
        );
        assert_eq!(
            a.changes(),
            [
                FieldChange {
                    field: Field::Station,
                    before: None,
                    after: "5001".into()
                },
                FieldChange {
                    field: Field::Council,
                    before: None,
                    after: "kara-suu".into()
                },
            ]
        );
        assert_eq!(a.claim().status.text().map(Text::as_str), Some("moved in"));
    }

    #[test]
    fn vot_08_an_inclusion_overrules_the_reasons_the_pec_saw_and_moves_a_voter_listed_elsewhere() {
        let reasons = Reasons::EMPTY.with(IneligibilityReason::AddressOutsideCommunity);
        let off = filed(ClaimRequest::Inclusion)
            .accept(&voter(None, Some(reasons)), decided(), None)
            .unwrap();
        assert!(matches!(
            off.effect(),
            ListEffect::Include { overruled: Some(r), .. } if *r == reasons
        ));
        // Listed at 5002 while the address is in the area of 5001 (the areas changed since
        // the lists were compiled).
        let elsewhere = listed("kara-suu", 5002);
        let moved = filed(ClaimRequest::Inclusion)
            .accept(&voter(Some(elsewhere), None), decided(), None)
            .unwrap();
        assert!(matches!(
            moved.effect(),
            ListEffect::Include { overruled: Some(r), .. } if r.is_empty()
        ));
        // Same council: only the station changes.
        assert_eq!(
            moved.changes(),
            [FieldChange {
                field: Field::Station,
                before: Some("5002".into()),
                after: "5001".into()
            }]
        );
    }

    #[test]
    fn vot_08_an_acceptance_needs_the_voter_in_the_register_and_a_station_keeping_a_list() {
        let gone = VoterFacts {
            person: None,
            ..voter(None, None)
        };
        assert!(matches!(
            filed(ClaimRequest::Inclusion).accept(&gone, decided(), None),
            Err(ClaimError::NotInRegister)
        ));
        let remote = VoterFacts {
            station: Some(StationFacts {
                council: council("kara-suu"),
                remote_voting: true,
                electing: true,
            }),
            ..voter(None, None)
        };
        assert!(matches!(
            filed(ClaimRequest::Inclusion).accept(&remote, decided(), None),
            Err(ClaimError::StationNotForClaims(_))
        ));
    }

    #[test]
    fn vot_08_an_accepted_correction_records_only_the_fields_whose_shown_value_changes() {
        let earlier =
            DataCorrection::new(None, None, None, None, Some(text("Манас көчөсү")), None).unwrap();
        // The surname is new, the street what the earlier correction shows already, the
        // birth date what the register says already.
        let claimed = DataCorrection::new(
            Some(text("Усенова")),
            None,
            None,
            Some(date(1980, 5, 17)),
            Some(text("Манас көчөсү")),
            None,
        )
        .unwrap();
        let facts = VoterFacts {
            correction: Some(earlier.clone()),
            ..voter(None, None)
        };
        let a = filed(ClaimRequest::Correction(claimed.clone()))
            .accept(&facts, decided(), None)
            .unwrap();
        assert_eq!(
            a.changes(),
            [FieldChange {
                field: Field::Surname,
                before: Some("Асанова".into()),
                after: "Усенова".into()
            }]
        );
        assert_eq!(a.effect(), &ListEffect::Correct(claimed.over(&earlier)));
    }

    fn refused_inclusion(facts: FilingFacts) -> ClaimError {
        refused(facts, ClaimRequest::Inclusion)
    }

    #[test]
    fn vot_04_vot_08_an_inclusion_never_moves_a_voter_to_another_councils_list() {
        // Listed at an Osh station, claimed at a station of Kara-Suu: refused at filing…
        let osh = FilingFacts {
            entry: Some(listed("osh-city", 9001)),
            address: AddressFacts {
                station: Some(station(9001)),
                settlement_served: false,
            },
            ..open_facts()
        };
        assert!(matches!(
            refused_inclusion(osh),
            ClaimError::OtherCouncil { listed } if listed.as_str() == "osh-city"
        ));
        // …and at the decision, when the lists changed since the filing.
        let now_in_osh = VoterFacts {
            entry: Some(listed("osh-city", 9001)),
            ..voter(None, None)
        };
        assert!(matches!(
            filed(ClaimRequest::Inclusion).accept(&now_in_osh, decided(), None),
            Err(ClaimError::OtherCouncil { .. })
        ));
    }

    #[test]
    fn vot_04_vot_08_an_inclusion_goes_only_to_the_station_of_the_registered_address() {
        let elsewhere = AddressFacts {
            station: Some(station(5002)),
            settlement_served: true,
        };
        let facts = FilingFacts {
            address: elsewhere,
            ..open_facts()
        };
        assert!(matches!(
            refused_inclusion(facts),
            ClaimError::AddressServedElsewhere(s) if s == station(5002)
        ));
        // A listed voter moves only to the station of the address, not away from it.
        let away = FilingFacts {
            address: elsewhere,
            entry: Some(listed("kara-suu", 5002)),
            ..open_facts()
        };
        assert!(matches!(
            refused_inclusion(away),
            ClaimError::AddressServedElsewhere(_)
        ));
        // A street no area lists: a station whose area holds the settlement, and no other.
        let unmapped = |settlement_served| FilingFacts {
            address: AddressFacts {
                station: None,
                settlement_served,
            },
            ..open_facts()
        };
        let (e, c, d) = (election(), copy(), draft(ClaimRequest::Inclusion, 5001));
        assert!(file(filing(&d, &e, &c), &unmapped(true)).is_ok());
        assert!(matches!(
            refused_inclusion(unmapped(false)),
            ClaimError::AddressOutsideArea(s) if s == station(5001)
        ));
        // The decision asks again, on the facts of its day.
        let moved = VoterFacts {
            address: elsewhere,
            ..voter(None, None)
        };
        assert!(matches!(
            filed(ClaimRequest::Inclusion).accept(&moved, decided(), None),
            Err(ClaimError::AddressServedElsewhere(_))
        ));
        // A correction changes no list: the address does not bound it.
        let correction =
            DataCorrection::new(Some(text("Усенова")), None, None, None, None, None).unwrap();
        let (e, c, d) = (
            election(),
            copy(),
            draft(ClaimRequest::Correction(correction), 5001),
        );
        let facts = FilingFacts {
            address: elsewhere,
            ..open_facts()
        };
        assert!(file(filing(&d, &e, &c), &facts).is_ok());
    }

    #[test]
    fn vot_08_the_one_who_files_never_decides() {
        let own = Decided {
            by: "pec.one".into(),
            at: at("2024-10-21T06:00:00Z"),
        };
        for decision in [
            ClaimDecision::Accept { note: None },
            ClaimDecision::Reject {
                reason: text("not a resident"),
            },
        ] {
            assert!(matches!(
                filed(ClaimRequest::Inclusion).decide(&decision, &voter(None, None), own.clone()),
                Err(ClaimError::OwnClaim)
            ));
        }
        assert!(
            filed(ClaimRequest::Inclusion)
                .decide(
                    &ClaimDecision::Accept { note: None },
                    &voter(None, None),
                    decided()
                )
                .is_ok()
        );
    }

    #[test]
    fn vot_08_a_claim_keeps_the_voters_home_station_for_its_commission_to_see() {
        let (e, c, d) = (election(), copy(), draft(ClaimRequest::Inclusion, 5001));
        // Unlisted: the station of the address.
        let unlisted = file(filing(&d, &e, &c), &open_facts()).unwrap();
        assert_eq!(unlisted.claim().home_station, Some(station(5001)));
        // Listed (the areas moved the street since): the list that holds the voter.
        let moved = FilingFacts {
            entry: Some(listed("kara-suu", 5002)),
            ..open_facts()
        };
        let claim = file(filing(&d, &e, &c), &moved).unwrap();
        assert_eq!(claim.claim().home_station, Some(station(5002)));
        // A street no area lists, off every list: no home station but the claim's.
        let unmapped = FilingFacts {
            address: AddressFacts {
                station: None,
                settlement_served: true,
            },
            ..open_facts()
        };
        assert_eq!(
            file(filing(&d, &e, &c), &unmapped)
                .unwrap()
                .claim()
                .home_station,
            None
        );
    }
}
