//! Who may do what over which commissions: the one statement of staff powers.
//!
//! Every mutating staff action and every staff-only read is a [`Power`]. [`Power::grant`] is
//! THE table: for each power, which roles hold it and over what reach, either
//! [`Reach::Anywhere`] or [`Reach::Below`] (the member's own commission and every commission
//! under it: a TEC member covers the TEC and its PECs, a PEC member its own PEC). Use cases and
//! handlers ask [`authorize`] (or [`allowed`], [`holds`], [`listing_scope`]) and never look at
//! roles themselves. The operator at the command line ([`Actor::System`]) may do everything;
//! a voter signed in to the cabinet holds no staff power (what a voter may do for their own
//! PIN is the capability's own rule).
//!
//! The table states today's behaviour. Some grants are wider than the law needs; they are
//! marked `wide:` below and left for the trust issue to narrow.

use crate::users::{Actor, Role};
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
}

/// How far a role's power reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reach {
    /// The member's own commission and every commission under it.
    Below,
    /// Every commission.
    Anywhere,
}

/// Which roles hold a power, and over what: one column per role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grant {
    pub cec_admin: Option<Reach>,
    pub tec_member: Option<Reach>,
    pub pec_member: Option<Reach>,
}

impl Grant {
    /// The reach of `role`, if it holds the power.
    pub fn of(self, role: Role) -> Option<Reach> {
        match role {
            Role::CecAdmin => self.cec_admin,
            Role::TecMember => self.tec_member,
            Role::PecMember => self.pec_member,
        }
    }
}

const ANY: Option<Reach> = Some(Reach::Anywhere);
const BELOW: Option<Reach> = Some(Reach::Below);
const NONE: Option<Reach> = None;

/// A row of the table: (CEC admin, TEC member, PEC member).
const fn grant(
    cec_admin: Option<Reach>,
    tec_member: Option<Reach>,
    pec_member: Option<Reach>,
) -> Grant {
    Grant {
        cec_admin,
        tec_member,
        pec_member,
    }
}

impl Power {
    pub const ALL: [Power; 27] = [
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
    ];

    /// THE table: who holds this power, and over what (CEC admin, TEC member, PEC member).
    pub const fn grant(self) -> Grant {
        match self {
            Power::AddStation => grant(ANY, BELOW, NONE),
            Power::OverrideDeadline => grant(ANY, NONE, NONE),
            // Accounts are made by the operator at the command line only.
            Power::AddUser => grant(NONE, NONE, NONE),
            Power::ViewRegister => grant(ANY, ANY, ANY),
            Power::ImportRegister => grant(ANY, NONE, NONE),
            Power::ViewRegisterJobs => grant(ANY, NONE, NONE),
            Power::CompileLists => grant(ANY, NONE, NONE),
            Power::PublishLists => grant(ANY, NONE, NONE),
            Power::PostLists => grant(ANY, NONE, NONE),
            Power::FreezeLists => grant(ANY, NONE, NONE),
            Power::PrintVoterList => grant(ANY, BELOW, BELOW),
            // The TEC drafts; the CEC decides and may look, but drafts nothing.
            Power::DraftDistricts => grant(NONE, BELOW, NONE),
            Power::ViewDistrictDrafts => grant(ANY, BELOW, NONE),
            Power::DecideDistricts => grant(ANY, NONE, NONE),
            // wide: any TEC sees every application in the country.
            Power::ViewRemoteApplications => grant(ANY, ANY, NONE),
            // wide: any TEC files or cancels for any voter (the voter applies at a TEC).
            Power::FileRemoteApplication => grant(ANY, ANY, NONE),
            Power::DecideRemoteApplication => grant(ANY, BELOW, NONE),
            Power::SetRemoteCapacity => grant(ANY, NONE, NONE),
            Power::FileClaim => grant(ANY, BELOW, BELOW),
            Power::DecideClaim => grant(ANY, BELOW, BELOW),
            Power::ViewClaims => grant(ANY, BELOW, BELOW),
            // wide: the target is any station where the voter claimed or is listed, and the
            // history shown is the voter's whole history, wherever it was made.
            Power::ViewAmendments => grant(ANY, BELOW, BELOW),
            Power::ViewPassportCopy => grant(ANY, BELOW, BELOW),
            Power::CheckInVoters => grant(ANY, BELOW, BELOW),
            // The PEC, its TEC or the CEC records what the local government found.
            Power::RecordAccessSurvey => grant(ANY, BELOW, BELOW),
            // The findings are public on every station's page; the overview gathers them for
            // the commissions that see to the premises.
            Power::ViewAccessOverview => grant(ANY, ANY, ANY),
            Power::SetRuleParameters => grant(ANY, NONE, NONE),
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
            (Some(Reach::Below), Target::Within(chain)) => chain.contains(commission),
            (Some(Reach::Below), Target::Nationwide) => false,
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
            None => Err(Denied { power }),
            Some(Reach::Anywhere) => Ok(None),
            Some(Reach::Below) => Ok(Some(commission.clone())),
        },
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

    /// What each role may do, written out independently of [`Power::grant`]: for the CEC
    /// admin, a TEC member and a PEC member, whether they may act in their own area, in
    /// another TEC's area, and nationwide. A new power fails this test until it is added here.
    fn expected(power: Power) -> [(bool, bool, bool); 3] {
        use Power::*;
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
        match power {
            AddStation => [
                (true, true, true),
                (true, false, false),
                (false, false, false),
            ],
            OverrideDeadline | ImportRegister | ViewRegisterJobs | CompileLists | PublishLists
            | PostLists | FreezeLists | DecideDistricts | SetRemoteCapacity | SetRuleParameters => {
                CEC_ONLY
            }
            AddUser => [(false, false, false); 3],
            ViewRegister => [(true, true, true); 3],
            PrintVoterList | FileClaim | DecideClaim | ViewClaims | ViewAmendments
            | ViewPassportCopy | CheckInVoters | RecordAccessSurvey => ALL_BELOW,
            ViewAccessOverview => [(true, true, true); 3],
            DraftDistricts => [
                (false, false, false),
                (true, false, false),
                (false, false, false),
            ],
            ViewDistrictDrafts | DecideRemoteApplication => [
                (true, true, true),
                (true, false, false),
                (false, false, false),
            ],
            ViewRemoteApplications | FileRemoteApplication => [
                (true, true, true),
                (true, true, true),
                (false, false, false),
            ],
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
