//! Who may do what over which commissions: the one statement of staff powers.
//!
//! Every mutating staff action and every staff-only read is a [`Power`]. [`Power::grant`] is
//! THE table: for each power, which roles hold it and over what reach, either
//! [`Reach::Anywhere`], [`Reach::Below`] (the member's own commission and every commission
//! under it: a TEC member covers the TEC and its PECs, a PEC member its own PEC) or
//! [`Reach::OwnParty`] (a party's authorised representative: that party's nominations, and
//! nothing of anyone else). Use cases and handlers ask [`authorize`] (or [`allowed`],
//! [`holds`], [`listing_scope`], [`nomination_listing`]) and never look at roles themselves.
//! The operator at the command line ([`Actor::System`]) may do everything; a voter signed in
//! to the cabinet holds no staff power (what a voter may do for their own PIN, such as
//! nominating themself, is the capability's own rule).
//!
//! Who files never decides: no role holds both [`Power::FileNomination`] and
//! [`Power::DecideNomination`] (a test says so).
//!
//! Every grant is as narrow as the law has it (issue 12 narrowed the `wide:` ones): a TEC
//! acts on the remote-voting applications of its own area, a PEC sees what happens to its own
//! voters and no one else's, only a PEC issues ballots, and the register is the CEC's desk.
//! The web declares, for each mutating route, the power it needs (`shailoo-web`'s route
//! table); a journey test walks every such route for every role over its own and a foreign
//! commission against this table.

use crate::users::{Actor, Role};
use shailoo_domain::candidate::PartyId;
use shailoo_domain::{CommissionId, ErrorCode};

/// A staff power: one kind of action or staff-only read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Power {
    // --- the election setup ---
    /// Add a polling station under a PEC.
    AddStation,
    /// Move a deadline of an election's calendar.
    OverrideDeadline,
    /// Add a staff account.
    AddUser,
    // --- the register and the voter lists ---
    /// See the register page: imports, list counts and steps.
    ViewRegister,
    /// Import an extract of the population register.
    ImportRegister,
    /// Follow a register job (its failure may quote a row: personal data).
    ViewRegisterJobs,
    /// Compile an election's voter lists from the register.
    CompileLists,
    /// Publish the preliminary lists online (CAL-02).
    PublishLists,
    /// Record the posting of the lists at the stations (CAL-04).
    PostLists,
    /// Freeze the final lists (after CAL-12).
    FreezeLists,
    /// Print (or read) one station's list with personal data.
    PrintVoterList,
    // --- district schemes (DIS-02) ---
    /// Draft, edit and submit an aiyl council's scheme.
    DraftDistricts,
    /// Look at a council's draft scheme.
    ViewDistrictDrafts,
    /// Approve or return a submitted scheme.
    DecideDistricts,
    // --- remote voting (VOT-07) ---
    /// See the remote-voting applications and station counts.
    ViewRemoteApplications,
    /// File (or cancel) an application on a voter's behalf.
    FileRemoteApplication,
    /// Approve or reject an application to a remote-voting station.
    DecideRemoteApplication,
    /// Set a remote-voting station's capacity.
    SetRemoteCapacity,
    // --- voter-list claims (VOT-08) ---
    /// File a claim on a voter's behalf at a station.
    FileClaim,
    /// Accept or reject a claim filed at a station.
    DecideClaim,
    /// See the claims filed at a station.
    ViewClaims,
    /// See a voter's amendment history.
    ViewAmendments,
    /// Download a claim's passport copy.
    ViewPassportCopy,
    // --- voting day ---
    /// Check voters in at a station (VOT-06).
    CheckInVoters,
    // --- polling premises ---
    /// Record the local government's survey of a station's premises for voters with
    /// disabilities.
    RecordAccessSurvey,
    /// See which stations lack what voters with disabilities need, with counts and as CSV.
    ViewAccessOverview,
    // --- the rules ---
    /// Set an election's rule parameters (`shailoo_app::params`).
    SetRuleParameters,
    // --- candidates and parties (CAN-01…CAN-10) ---
    /// Register a political party with its names and registration number.
    ManageParties,
    /// Accredit a party's authorised representative (an account scoped to the party).
    AddPartyRepresentative,
    /// Prepare, edit and submit a party's nominations, with their documents (CAN-03, CAN-07).
    FileNomination,
    /// Withdraw a party's nomination or one of its candidates.
    WithdrawNomination,
    /// See nominations beyond what is public: drafts, check results with their evidence,
    /// documents, who filed and decided.
    ViewNominations,
    /// Register or refuse a submitted nomination with its legal ground (CAN-09).
    DecideNomination,
    /// Run a nomination's registry checks again (those that could not check, CAN-08).
    RecheckNomination,
    /// Cancel a registration with its reason (CAN-09).
    CancelRegistration,
    /// Set the order of the parties on a city council's ballot (RES-02).
    SetBallotOrder,
    // --- complaints and appeals (CMP-05, CMP-06) ---
    /// Enter a complaint or an appeal handed in on paper.
    FileComplaint,
    /// Assign a complaint to a member of the commission that hears it.
    AssignComplaint,
    /// Decide a complaint addressed to one's own commission, with the decision's document.
    DecideComplaint,
    /// Record an appeal to the court and the court's act.
    RecordCourtAct,
    /// See complaints with the complainant's name and contact.
    ViewComplaints,
    // --- media (CMP-01…CMP-03) ---
    /// Enter a media outlet's written application for accreditation with its price list.
    FileMediaApplication,
    /// Accredit, refuse or revoke a media outlet's accreditation.
    DecideMediaAccreditation,
    // --- i16-badges: journalists' badges ---
    /// Register a journalist of an accredited outlet and issue, print or revoke the badge.
    IssueMediaBadges,
    /// Record the place for printed campaign material at a station (CAL-06), and see which
    /// stations still have none.
    RecordCampaignPlaces,
    // --- results (RES-01…RES-11) ---
    /// Enter a station's protocol (one of the two operators of the double entry).
    EnterProtocol,
    /// Resolve a double entry's difference, accept, return or correct a protocol.
    DecideProtocol,
    /// Determine a council's result, with the drawings of lots it needs (RES-08).
    DetermineResults,
    /// Enter protocols as accepted ones from a file (`shailoo results import`).
    ImportProtocols,
    /// Import the ballot-counting boxes' preliminary counts (RES-01).
    ImportPreliminaryResults,
    // --- results: the CEC's dashboard (i15-entry) ---
    /// See the national results dashboard with its flags (preliminary gaps, fingerprints).
    ViewResultsDashboard,
    // --- election funds and violation reports (CMP-04, CMP-07) ---
    /// Enter a fund's income and expenses, import its bank statement, submit its reports: a
    /// party's representative for its lists, the TEC for a self-nominee who brings them.
    KeepFundAccounts,
    /// Take a violation report from the hotline 1255, an e-mail or in person.
    TakeViolationReport,
    /// Triage a violation report, assign it to the rapid-response group, record its outcome.
    HandleViolationReport,
    // --- i15-public: open data and the public results log ---
    /// Sign a checkpoint of the public results log with the commission's key and export the
    /// open data (`shailoo results export`).
    PublishResults,
}

/// How far a role's power reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reach {
    /// The member's own commission and every commission under it.
    Below,
    /// Every commission.
    Anywhere,
    /// The nominations of the representative's own party, wherever they are filed.
    OwnParty,
}

/// Which roles hold a power, and over what: one column per role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grant {
    pub cec_admin: Option<Reach>,
    pub tec_member: Option<Reach>,
    pub pec_member: Option<Reach>,
    pub party_representative: Option<Reach>,
}

impl Grant {
    /// The reach of `role`, if it holds the power.
    pub fn of(self, role: Role) -> Option<Reach> {
        match role {
            Role::CecAdmin => self.cec_admin,
            Role::TecMember => self.tec_member,
            Role::PecMember => self.pec_member,
            Role::PartyRepresentative => self.party_representative,
        }
    }
}

const ANY: Option<Reach> = Some(Reach::Anywhere);
const BELOW: Option<Reach> = Some(Reach::Below);
const OWN: Option<Reach> = Some(Reach::OwnParty);
const NONE: Option<Reach> = None;

/// A row of the table: (CEC admin, TEC member, PEC member, party representative).
const fn grant(
    cec_admin: Option<Reach>,
    tec_member: Option<Reach>,
    pec_member: Option<Reach>,
    party_representative: Option<Reach>,
) -> Grant {
    Grant {
        cec_admin,
        tec_member,
        pec_member,
        party_representative,
    }
}

impl Power {
    pub const ALL: [Power; 55] = [
        Power::AddStation,
        Power::OverrideDeadline,
        Power::AddUser,
        Power::ViewRegister,
        Power::ImportRegister,
        Power::ViewRegisterJobs,
        Power::CompileLists,
        Power::PublishLists,
        Power::PostLists,
        Power::FreezeLists,
        Power::PrintVoterList,
        Power::DraftDistricts,
        Power::ViewDistrictDrafts,
        Power::DecideDistricts,
        Power::ViewRemoteApplications,
        Power::FileRemoteApplication,
        Power::DecideRemoteApplication,
        Power::SetRemoteCapacity,
        Power::FileClaim,
        Power::DecideClaim,
        Power::ViewClaims,
        Power::ViewAmendments,
        Power::ViewPassportCopy,
        Power::CheckInVoters,
        Power::RecordAccessSurvey,
        Power::ViewAccessOverview,
        Power::SetRuleParameters,
        Power::ManageParties,
        Power::AddPartyRepresentative,
        Power::FileNomination,
        Power::WithdrawNomination,
        Power::ViewNominations,
        Power::DecideNomination,
        Power::RecheckNomination,
        Power::CancelRegistration,
        Power::SetBallotOrder,
        Power::FileComplaint,
        Power::AssignComplaint,
        Power::DecideComplaint,
        Power::RecordCourtAct,
        Power::ViewComplaints,
        Power::FileMediaApplication,
        Power::DecideMediaAccreditation,
        // i16-badges
        Power::IssueMediaBadges,
        Power::RecordCampaignPlaces,
        Power::EnterProtocol,
        Power::DecideProtocol,
        Power::DetermineResults,
        Power::ImportProtocols,
        Power::ImportPreliminaryResults,
        Power::ViewResultsDashboard,
        // Funds and violation reports (CMP-04, CMP-07).
        Power::KeepFundAccounts,
        Power::TakeViolationReport,
        Power::HandleViolationReport,
        Power::PublishResults,
    ];

    /// THE table: who holds this power, and over what (CEC admin, TEC member, PEC member,
    /// party representative).
    pub const fn grant(self) -> Grant {
        match self {
            Power::AddStation => grant(ANY, BELOW, NONE, NONE),
            Power::OverrideDeadline => grant(ANY, NONE, NONE, NONE),
            // Accounts are made by the operator at the command line only.
            Power::AddUser => grant(NONE, NONE, NONE, NONE),
            // The register page is the CEC's desk (imports with their files and actors,
            // national counts, the list steps); a TEC or PEC reads its stations' lists through
            // the printed lists and the look-up.
            Power::ViewRegister => grant(ANY, NONE, NONE, NONE),
            Power::ImportRegister => grant(ANY, NONE, NONE, NONE),
            Power::ViewRegisterJobs => grant(ANY, NONE, NONE, NONE),
            Power::CompileLists => grant(ANY, NONE, NONE, NONE),
            Power::PublishLists => grant(ANY, NONE, NONE, NONE),
            Power::PostLists => grant(ANY, NONE, NONE, NONE),
            Power::FreezeLists => grant(ANY, NONE, NONE, NONE),
            Power::PrintVoterList => grant(ANY, BELOW, BELOW, NONE),
            // The TEC drafts; the CEC decides and may look, but drafts nothing.
            Power::DraftDistricts => grant(NONE, BELOW, NONE, NONE),
            Power::ViewDistrictDrafts => grant(ANY, BELOW, NONE, NONE),
            Power::DecideDistricts => grant(ANY, NONE, NONE, NONE),
            // VOT-07: a TEC sees the applications to the remote-voting stations of its area and
            // those of the voters listed in its area (their home TEC follows them), and files or
            // cancels at the remote-voting stations of its area only; the CEC everywhere.
            Power::ViewRemoteApplications => grant(ANY, BELOW, NONE, NONE),
            Power::FileRemoteApplication => grant(ANY, BELOW, NONE, NONE),
            Power::DecideRemoteApplication => grant(ANY, BELOW, NONE, NONE),
            Power::SetRemoteCapacity => grant(ANY, NONE, NONE, NONE),
            Power::FileClaim => grant(ANY, BELOW, BELOW, NONE),
            Power::DecideClaim => grant(ANY, BELOW, BELOW, NONE),
            Power::ViewClaims => grant(ANY, BELOW, BELOW, NONE),
            // The target is a claim: its station (where it is decided) or the voter's home
            // station (whose commission sees what happens to its voter); only the amendments of
            // such claims are shown, never the voter's history elsewhere.
            Power::ViewAmendments => grant(ANY, BELOW, BELOW, NONE),
            Power::ViewPassportCopy => grant(ANY, BELOW, BELOW, NONE),
            // VOT-06: ballots are issued by the PEC of the station, and by no commission above
            // it (the CEC or a TEC checking a voter in anywhere would defeat the one-ballot
            // record of the station's list).
            Power::CheckInVoters => grant(NONE, NONE, BELOW, NONE),
            // The PEC, its TEC or the CEC records what the local government found.
            Power::RecordAccessSurvey => grant(ANY, BELOW, BELOW, NONE),
            // The findings are public on every station's page; the overview gathers them for
            // the commissions that see to the premises.
            Power::ViewAccessOverview => grant(ANY, ANY, ANY, NONE),
            Power::SetRuleParameters => grant(ANY, NONE, NONE, NONE),
            // The CEC registers the parties and accredits their representatives.
            Power::ManageParties => grant(ANY, NONE, NONE, NONE),
            Power::AddPartyRepresentative => grant(ANY, NONE, NONE, NONE),
            // Nominations are filed by the nominator (a self-nominee files in the cabinet, as
            // the capability's own rule): no commission member files, so none decides on what
            // they filed.
            Power::FileNomination => grant(NONE, NONE, NONE, OWN),
            Power::WithdrawNomination => grant(NONE, NONE, NONE, OWN),
            Power::ViewNominations => grant(ANY, BELOW, NONE, OWN),
            // CAN-09: the TEC of the council decides.
            Power::DecideNomination => grant(NONE, BELOW, NONE, NONE),
            Power::RecheckNomination => grant(NONE, BELOW, NONE, NONE),
            Power::CancelRegistration => grant(ANY, BELOW, NONE, NONE),
            Power::SetBallotOrder => grant(NONE, BELOW, NONE, NONE),
            // CMP-05: every commission takes in paper complaints about itself and those under
            // it. Assigning and deciding are asked over the addressed commission alone
            // (`complaints::decide`), so that only its own members hear it and an appeal keeps
            // its level; who filed a complaint never decides it (`complaints::transitions`).
            Power::FileComplaint => grant(ANY, BELOW, BELOW, NONE),
            Power::AssignComplaint => grant(BELOW, BELOW, BELOW, NONE),
            Power::DecideComplaint => grant(BELOW, BELOW, BELOW, NONE),
            // CMP-06: the CEC's decisions go to court; the CEC records the appeal and the act.
            Power::RecordCourtAct => grant(ANY, NONE, NONE, NONE),
            Power::ViewComplaints => grant(ANY, BELOW, BELOW, NONE),
            // CMP-01: the CEC accredits the media; its staff enter the written applications
            // (who entered one does not decide it: `media::transitions`).
            Power::FileMediaApplication => grant(ANY, NONE, NONE, NONE),
            Power::DecideMediaAccreditation => grant(ANY, NONE, NONE, NONE),
            // i16-badges: the CEC that accredits the outlet registers its journalists and
            // signs their badges (CMP-01 has no outlet account: the outlet hands in its list).
            Power::IssueMediaBadges => grant(ANY, NONE, NONE, NONE),
            // i16-badges, CAL-06: the TEC records what the local governments of its area
            // provide at each station; the CEC anywhere (and sees the whole country).
            Power::RecordCampaignPlaces => grant(ANY, BELOW, NONE, NONE),
            // RES-04: the PEC's operators enter its own station's protocols; the TEC above
            // it decides on them (so no one decides on what they entered, which the domain
            // also refuses by name) and determines its councils' results (RES-11).
            Power::EnterProtocol => grant(NONE, NONE, BELOW, NONE),
            Power::DecideProtocol => grant(NONE, BELOW, NONE, NONE),
            Power::DetermineResults => grant(NONE, BELOW, NONE, NONE),
            // Bulk entry of accepted protocols is the operator's, at the command line only.
            Power::ImportProtocols => grant(NONE, NONE, NONE, NONE),
            // RES-01: the boxes' counts come to the CEC nationwide.
            Power::ImportPreliminaryResults => grant(ANY, NONE, NONE, NONE),
            // The national picture is the CEC's.
            Power::ViewResultsDashboard => grant(ANY, NONE, NONE, NONE),
            // CMP-04: the nominator keeps its fund's accounts; a self-nominee brings them to
            // the TEC of the council.
            Power::KeepFundAccounts => grant(NONE, BELOW, NONE, OWN),
            // CMP-07: the CEC's hotline 1255 and the TECs take reports; the rapid-response
            // group of the territory (its TEC, or the CEC) handles them.
            Power::TakeViolationReport => grant(ANY, BELOW, NONE, NONE),
            Power::HandleViolationReport => grant(ANY, BELOW, NONE, NONE),
            // i15-public: the commission's key is the operator's, at the command line only.
            Power::PublishResults => grant(NONE, NONE, NONE, NONE),
        }
    }
}

/// What an action is about, for the reach of a power.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target<'a> {
    /// The whole country (the register, an election's calendar or lists as a whole): only an
    /// `Anywhere` reach covers it.
    Nationwide,
    /// One commission's area: its chain, itself first, up to the CEC (empty when the thing
    /// acted on is unknown, which only an `Anywhere` reach covers).
    Within(&'a [CommissionId]),
    /// A nomination: filed in one commission's area (the chain of the council's TEC, as for
    /// `Within`) by a party (`None`: a self-nominee). A `Below` reach covers it by the chain,
    /// an `OwnParty` reach by the party.
    Nomination {
        chain: &'a [CommissionId],
        party: Option<&'a PartyId>,
    },
}

/// A refused power. Use cases map it to their own `Forbidden`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not allowed for this account ({power:?})")]
pub struct Denied {
    pub power: Power,
}

impl Denied {
    /// A stable code for clients and translations.
    pub fn code(&self) -> ErrorCode {
        ErrorCode::Forbidden
    }
}

/// Whether `actor` may use `power` on `target`.
pub fn allowed(actor: &Actor, power: Power, target: Target<'_>) -> bool {
    match actor {
        Actor::System => true,
        Actor::Voter { .. } => false,
        Actor::User {
            role, commission, ..
        } => match (power.grant().of(*role), target) {
            (None, _) => false,
            (Some(Reach::Anywhere), _) => true,
            (Some(Reach::Below), Target::Within(chain) | Target::Nomination { chain, .. }) => {
                chain.contains(commission)
            }
            (Some(Reach::Below), Target::Nationwide) => false,
            // A representative's reach needs the party, which only `Actor::Representative`
            // carries.
            (Some(Reach::OwnParty), _) => false,
        },
        Actor::Representative { party, .. } => match (power.grant().party_representative, target) {
            (Some(Reach::OwnParty), Target::Nomination { party: Some(p), .. }) => p == party,
            _ => false,
        },
    }
}

/// [`allowed`], as a `Result` for `?`.
pub fn authorize(actor: &Actor, power: Power, target: Target<'_>) -> Result<(), Denied> {
    if allowed(actor, power, target) {
        Ok(())
    } else {
        Err(Denied { power })
    }
}

/// Whether `actor` holds `power` over some commission at least: whether to show a menu entry
/// or a form. The action itself still asks [`authorize`] about its target.
pub fn holds(actor: &Actor, power: Power) -> bool {
    match actor {
        Actor::System => true,
        Actor::Voter { .. } => false,
        Actor::User { role, .. } => power.grant().of(*role).is_some(),
        Actor::Representative { .. } => power.grant().party_representative.is_some(),
    }
}

/// How far a listing of `power` reaches for `actor`: `Ok(None)` everywhere, `Ok(Some(c))`
/// only commission `c` and below it.
pub fn listing_scope(actor: &Actor, power: Power) -> Result<Option<CommissionId>, Denied> {
    match actor {
        Actor::System => Ok(None),
        Actor::Voter { .. } => Err(Denied { power }),
        Actor::User {
            role, commission, ..
        } => match power.grant().of(*role) {
            None | Some(Reach::OwnParty) => Err(Denied { power }),
            Some(Reach::Anywhere) => Ok(None),
            Some(Reach::Below) => Ok(Some(commission.clone())),
        },
        // A party's scope is no commission's: see [`nomination_listing`].
        Actor::Representative { .. } => Err(Denied { power }),
    }
}

/// How far a listing of nominations reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NominationListing {
    /// Every nomination.
    All,
    /// The nominations of councils whose TEC is this commission or below it.
    Below(CommissionId),
    /// The nominations of one party.
    Party(PartyId),
}

/// How far a listing of nominations under `power` reaches for `actor`.
pub fn nomination_listing(actor: &Actor, power: Power) -> Result<NominationListing, Denied> {
    match actor {
        Actor::Representative { party, .. } => match power.grant().party_representative {
            Some(Reach::OwnParty) => Ok(NominationListing::Party(party.clone())),
            _ => Err(Denied { power }),
        },
        _ => Ok(match listing_scope(actor, power)? {
            None => NominationListing::All,
            Some(c) => NominationListing::Below(c),
        }),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;
    use crate::users::Username;
    use shailoo_domain::Pin;

    fn id(s: &str) -> CommissionId {
        CommissionId::parse(s).unwrap()
    }

    fn member(role: Role, commission: &str) -> Actor {
        Actor::User {
            username: Username::parse("staff").unwrap(),
            role,
            commission: id(commission),
        }
    }

    const CEC_ONLY: [(bool, bool, bool); 3] = [
        (true, true, true),
        (false, false, false),
        (false, false, false),
    ];
    const ALL_BELOW: [(bool, bool, bool); 3] = [
        (true, true, true),
        (true, false, false),
        (true, false, false),
    ];

    /// What each role may do, written out independently of [`Power::grant`]: for the CEC
    /// admin, a TEC member and a PEC member, whether they may act in their own area, in
    /// another TEC's area, and nationwide. A new power fails this test until it is added here.
    fn expected(power: Power) -> [(bool, bool, bool); 3] {
        use Power::*;
        match power {
            AddStation | RecordCampaignPlaces => [
                (true, true, true),
                (true, false, false),
                (false, false, false),
            ],
            OverrideDeadline | ViewRegister | ImportRegister | ViewRegisterJobs | CompileLists
            | PublishLists | PostLists | FreezeLists | DecideDistricts | SetRemoteCapacity
            | SetRuleParameters => CEC_ONLY,
            ManageParties | AddPartyRepresentative | IssueMediaBadges => CEC_ONLY,
            RecordCourtAct | FileMediaApplication | DecideMediaAccreditation => CEC_ONLY,
            AddUser => [(false, false, false); 3],
            PrintVoterList | FileClaim | DecideClaim | ViewClaims | ViewAmendments
            | ViewPassportCopy | RecordAccessSurvey | FileComplaint | ViewComplaints => ALL_BELOW,
            // A `Below` reach of the CEC: over a chain it is part of, never nationwide (the use
            // case narrows the target to the addressed commission).
            AssignComplaint | DecideComplaint => [
                (true, true, false),
                (true, false, false),
                (true, false, false),
            ],
            ViewAccessOverview => [(true, true, true); 3],
            CheckInVoters => [
                (false, false, false),
                (false, false, false),
                (true, false, false),
            ],
            DraftDistricts => [
                (false, false, false),
                (true, false, false),
                (false, false, false),
            ],
            ViewDistrictDrafts
            | DecideRemoteApplication
            | ViewRemoteApplications
            | FileRemoteApplication => [
                (true, true, true),
                (true, false, false),
                (false, false, false),
            ],
            // Only the nominator files and withdraws.
            FileNomination | WithdrawNomination => [(false, false, false); 3],
            ViewNominations | CancelRegistration | TakeViolationReport | HandleViolationReport => [
                (true, true, true),
                (true, false, false),
                (false, false, false),
            ],
            DecideNomination | RecheckNomination | SetBallotOrder | DecideProtocol
            | DetermineResults | KeepFundAccounts => [
                (false, false, false),
                (true, false, false),
                (false, false, false),
            ],
            EnterProtocol => [
                (false, false, false),
                (false, false, false),
                (true, false, false),
            ],
            // The operator at the command line only.
            ImportProtocols => [(false, false, false); 3],
            ImportPreliminaryResults | ViewResultsDashboard => CEC_ONLY,
            PublishResults => [(false, false, false); 3],
        }
    }

    #[test]
    fn the_table_says_who_may_do_what_in_their_own_area_another_tecs_area_and_nationwide() {
        // The CEC; TEC A with PEC A1; TEC B with PEC B1.
        let own_pec = [id("pec-a1"), id("tec-a"), id("cec")];
        let other_pec = [id("pec-b1"), id("tec-b"), id("cec")];
        let actors = [
            member(Role::CecAdmin, "cec"),
            member(Role::TecMember, "tec-a"),
            member(Role::PecMember, "pec-a1"),
        ];
        for power in Power::ALL {
            for (actor, want) in actors.iter().zip(expected(power)) {
                let got = (
                    allowed(actor, power, Target::Within(&own_pec)),
                    allowed(actor, power, Target::Within(&other_pec)),
                    allowed(actor, power, Target::Nationwide),
                );
                assert_eq!(got, want, "{power:?} for {actor:?}");
                assert_eq!(
                    holds(actor, power),
                    want.0 || want.2,
                    "{power:?} for {actor:?}"
                );
            }
        }
    }

    /// What a representative of party `a` may do with a nomination of their own party in some
    /// TEC's area, with one of party `b`, with a self-nominee's, in a commission's area and
    /// nationwide: written out independently of [`Power::grant`].
    fn expected_of_representative(power: Power) -> [bool; 5] {
        use Power::*;
        match power {
            FileNomination | WithdrawNomination | ViewNominations | KeepFundAccounts => {
                [true, false, false, false, false]
            }
            _ => [false; 5],
        }
    }

    #[test]
    fn a_party_representative_acts_for_their_own_party_only() {
        let chain = [id("tec-a"), id("cec")];
        let (a, b) = (PartyId::parse("a").unwrap(), PartyId::parse("b").unwrap());
        let rep = Actor::Representative {
            username: Username::parse("rep.a").unwrap(),
            party: a.clone(),
        };
        let nomination = |party| Target::Nomination {
            chain: &chain,
            party,
        };
        for power in Power::ALL {
            let got = [
                allowed(&rep, power, nomination(Some(&a))),
                allowed(&rep, power, nomination(Some(&b))),
                allowed(&rep, power, nomination(None)),
                allowed(&rep, power, Target::Within(&chain)),
                allowed(&rep, power, Target::Nationwide),
            ];
            assert_eq!(got, expected_of_representative(power), "{power:?}");
            assert_eq!(holds(&rep, power), got[0], "{power:?}");
        }
        // The same account as a bare user of the role (no party known) may nothing.
        let bare = member(Role::PartyRepresentative, "cec");
        assert!(!allowed(&bare, Power::FileNomination, nomination(Some(&a))));
        assert!(listing_scope(&rep, Power::ViewNominations).is_err());
        assert_eq!(
            nomination_listing(&rep, Power::ViewNominations),
            Ok(NominationListing::Party(a))
        );
        assert_eq!(
            nomination_listing(&member(Role::TecMember, "tec-a"), Power::ViewNominations),
            Ok(NominationListing::Below(id("tec-a")))
        );
        assert_eq!(
            nomination_listing(&member(Role::CecAdmin, "cec"), Power::ViewNominations),
            Ok(NominationListing::All)
        );
        assert!(
            nomination_listing(&member(Role::PecMember, "pec-a1"), Power::ViewNominations).is_err()
        );
    }

    #[test]
    fn can_09_who_files_a_nomination_never_decides_it() {
        let roles = [
            Role::CecAdmin,
            Role::TecMember,
            Role::PecMember,
            Role::PartyRepresentative,
        ];
        for role in roles {
            let files = Power::FileNomination.grant().of(role).is_some();
            for decides in [Power::DecideNomination, Power::RecheckNomination] {
                assert!(
                    !(files && decides.grant().of(role).is_some()),
                    "{role:?} both files and decides"
                );
            }
        }
    }

    #[test]
    fn cmp_05_only_the_commission_complained_of_hears_a_complaint() {
        // The use case asks over the addressed commission alone.
        for power in [Power::AssignComplaint, Power::DecideComplaint] {
            let pec = [id("pec-a1")];
            assert!(allowed(
                &member(Role::PecMember, "pec-a1"),
                power,
                Target::Within(&pec)
            ));
            assert!(!allowed(
                &member(Role::TecMember, "tec-a"),
                power,
                Target::Within(&pec)
            ));
            assert!(!allowed(
                &member(Role::CecAdmin, "cec"),
                power,
                Target::Within(&pec)
            ));
            let cec = [id("cec")];
            assert!(allowed(
                &member(Role::CecAdmin, "cec"),
                power,
                Target::Within(&cec)
            ));
        }
    }

    #[test]
    fn res_04_who_enters_a_protocol_never_decides_it() {
        let roles = [
            Role::CecAdmin,
            Role::TecMember,
            Role::PecMember,
            Role::PartyRepresentative,
        ];
        for role in roles {
            let enters = Power::EnterProtocol.grant().of(role).is_some();
            let decides = Power::DecideProtocol.grant().of(role).is_some();
            assert!(!(enters && decides), "{role:?} both enters and decides");
        }
    }

    #[test]
    fn the_operator_may_everything_and_a_voter_no_staff_power() {
        let voter = Actor::Voter {
            pin: Pin::parse("20101199000123").unwrap(),
        };
        let chain = [id("pec-a1"), id("tec-a"), id("cec")];
        for power in Power::ALL {
            assert!(allowed(&Actor::System, power, Target::Nationwide));
            assert!(!allowed(&voter, power, Target::Within(&chain)));
            assert!(!holds(&voter, power));
            assert!(listing_scope(&voter, power).is_err());
        }
    }

    #[test]
    fn an_unknown_target_is_covered_only_by_an_anywhere_reach() {
        assert!(allowed(
            &member(Role::CecAdmin, "cec"),
            Power::FileClaim,
            Target::Within(&[])
        ));
        assert!(!allowed(
            &member(Role::TecMember, "tec-a"),
            Power::FileClaim,
            Target::Within(&[])
        ));
    }

    #[test]
    fn a_listing_reaches_as_far_as_the_role() {
        assert_eq!(
            listing_scope(&member(Role::CecAdmin, "cec"), Power::ViewClaims),
            Ok(None)
        );
        assert_eq!(
            listing_scope(&member(Role::PecMember, "pec-a1"), Power::ViewClaims),
            Ok(Some(id("pec-a1")))
        );
        assert_eq!(
            listing_scope(
                &member(Role::PecMember, "pec-a1"),
                Power::ViewRemoteApplications
            ),
            Err(Denied {
                power: Power::ViewRemoteApplications
            })
        );
    }
}
