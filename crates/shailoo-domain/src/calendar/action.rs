//! The actions the calendar governs, each open over a window between two calendar rules.
//!
//! Later capabilities (nomination, registration, voter-list claims, remote voting, protocol entry,
//! …) call [`Calendar::check`](super::Calendar::check) with the action and the current instant
//! before they do anything; the web shows [`Calendar::open_actions`](super::Calendar::open_actions).

use crate::codes::ErrorCode;
use crate::time::to_bishkek;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::fmt;

/// One end of an action's window, as a point of a calendar rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bound {
    /// The start of the rule: its `opens_at` time if it has one (CAL-16: 08:00), otherwise
    /// 00:00 (Asia/Bishkek) of its date.
    Start(&'static str),
    /// The end of the rule, its deadline instant: its time of day if it has one, otherwise 00:00
    /// of the next day (a whole-day deadline is inclusive).
    End(&'static str),
}

impl Bound {
    /// The id of the rule this bound is a point of.
    pub fn rule(self) -> &'static str {
        match self {
            Bound::Start(id) | Bound::End(id) => id,
        }
    }
}

/// An action whose lawful period the calendar sets.
///
/// Each action opens at one rule's point and closes at another's (see [`Action::opens`] and
/// [`Action::closes`]); a missing end is unbounded. Windows are half-open: open at the opening
/// instant, closed at the closing instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Nominate a party list for a city council (CAN-03, CAN-07): from CAL-01 until CAL-07,
    /// 18:00. «Тизмени көрсөтүү» / «выдвижение списка».
    NominateCityList,
    /// Register a city list (TEC decision, CAN-09): from CAL-01 until the end of CAL-08.
    /// «Каттоо» / «регистрация».
    RegisterCityList,
    /// Nominate an aiyl council candidate (party or self-nomination): from CAL-01 until
    /// CAL-09, 18:00.
    NominateAiylCandidate,
    /// Register an aiyl candidate (TEC decision): from CAL-01 until the end of CAL-10.
    RegisterAiylCandidate,
    /// Apply for media accreditation (CMP-01): from the calling (CAL-01) until the end of CAL-03.
    ApplyMediaAccreditation,
    /// Publish a media outlet's price list (CMP-02; CAL-18 is *likely*): from CAL-01 until the
    /// end of CAL-18.
    PublishMediaPrices,
    /// Publish the preliminary voter lists online (Tizme): opens at CAL-02; no closing (the lists
    /// stay public, and must also be posted at stations by CAL-04).
    PublishPreliminaryVoterLists,
    /// File a voter-list claim (VOT-08): from CAL-02, when the lists are public (online claims
    /// through the voter cabinet are possible from then; CAL-04 only adds the lists posted at
    /// the stations), until the end of CAL-11.
    FileVoterListClaim,
    /// Apply for remote voting (VOT-07): from CAL-02 (the voter must be on a list, and the lists
    /// exist from then) until the end of CAL-12.
    ApplyRemoteVoting,
    /// Submit a TEC's aiyl district scheme to the CEC (DIS-02): from CAL-01 until the end of
    /// CAL-05.
    SubmitDistrictScheme,
    /// Campaign for a city council: from the start of CAL-13 until CAL-15, 08:00.
    /// «Үгүт» / «агитация».
    CityCampaign,
    /// Campaign for an aiyl council: from the start of CAL-14 until CAL-15, 08:00.
    AiylCampaign,
    /// Compile (or recompile) the voter lists from the register, and re-import the register
    /// under compiled lists: from the calling (CAL-01) until the lists become final at the end
    /// of CAL-12 (remote-voting applications close). From then on the lists are frozen by the
    /// calendar, whether or not anyone clicked "freeze": on voting day nothing recompiles them.
    CompileVoterLists,
    /// Finalise the voter lists: from the close of remote-voting applications (the end of
    /// CAL-12, the same instant as CAL-11 by default) until voting opens (CAL-16, 08:00).
    FinalizeVoterLists,
    /// Vote: CAL-16, 08:00 to 20:00 on voting day.
    Voting,
    /// Enter PEC protocols (RES-04): from the close of voting (CAL-16, 20:00) until the end of
    /// CAL-17.
    EnterProtocols,
    /// Determine and publish the results (RES-11): from the close of voting until the end of
    /// CAL-17.
    DetermineResults,
    /// Set the election's rule parameters (the CEC): from the calling (CAL-01) until voting
    /// opens (CAL-16, 08:00), so that the rules of the count are fixed before the first ballot.
    SetRuleParameters,
    /// Set the order of the parties on a city council's ballot (RES-02, the TEC's drawing of
    /// lots): from the close of city registration (the end of CAL-08), when the registered
    /// lists are known, until voting opens (CAL-16, 08:00).
    SetBallotOrder,
    // --- i16-badges: journalists' badges ---
    /// Issue or revoke a journalist's badge of an accredited outlet (CMP-01): from the calling
    /// (CAL-01) until results are determined (the end of CAL-17), when journalists no longer
    /// need to enter the stations.
    IssueMediaBadges,
    // --- i16-badges: places for campaign material (CAL-06) ---
    /// Record the place a local government provides for printed campaign material at a
    /// polling station: from the calling (CAL-01) until voting opens (CAL-16, 08:00). The
    /// places are due by CAL-06; one recorded later is still recorded, and the station stood
    /// out as missing until then.
    RecordCampaignPlaces,
}

impl Action {
    /// Every action, in a stable order (the order of [`Calendar::open_actions`](super::Calendar::open_actions)).
    pub const ALL: [Action; 21] = [
        Action::NominateCityList,
        Action::RegisterCityList,
        Action::NominateAiylCandidate,
        Action::RegisterAiylCandidate,
        Action::ApplyMediaAccreditation,
        Action::PublishMediaPrices,
        Action::PublishPreliminaryVoterLists,
        Action::FileVoterListClaim,
        Action::ApplyRemoteVoting,
        Action::SubmitDistrictScheme,
        Action::CityCampaign,
        Action::AiylCampaign,
        Action::CompileVoterLists,
        Action::FinalizeVoterLists,
        Action::Voting,
        Action::EnterProtocols,
        Action::DetermineResults,
        Action::SetRuleParameters,
        Action::SetBallotOrder,
        Action::IssueMediaBadges,
        Action::RecordCampaignPlaces,
    ];

    /// The stable snake_case code (`nominate_city_list`), as serialised.
    pub fn code(self) -> &'static str {
        match self {
            Action::NominateCityList => "nominate_city_list",
            Action::RegisterCityList => "register_city_list",
            Action::NominateAiylCandidate => "nominate_aiyl_candidate",
            Action::RegisterAiylCandidate => "register_aiyl_candidate",
            Action::ApplyMediaAccreditation => "apply_media_accreditation",
            Action::PublishMediaPrices => "publish_media_prices",
            Action::PublishPreliminaryVoterLists => "publish_preliminary_voter_lists",
            Action::FileVoterListClaim => "file_voter_list_claim",
            Action::ApplyRemoteVoting => "apply_remote_voting",
            Action::SubmitDistrictScheme => "submit_district_scheme",
            Action::CityCampaign => "city_campaign",
            Action::AiylCampaign => "aiyl_campaign",
            Action::CompileVoterLists => "compile_voter_lists",
            Action::FinalizeVoterLists => "finalize_voter_lists",
            Action::Voting => "voting",
            Action::EnterProtocols => "enter_protocols",
            Action::DetermineResults => "determine_results",
            Action::SetRuleParameters => "set_rule_parameters",
            Action::SetBallotOrder => "set_ballot_order",
            Action::IssueMediaBadges => "issue_media_badges",
            Action::RecordCampaignPlaces => "record_campaign_places",
        }
    }

    /// The localisation key of the action's name (`action-nominate-city-list`).
    pub fn message_key(self) -> &'static str {
        match self {
            Action::NominateCityList => "action-nominate-city-list",
            Action::RegisterCityList => "action-register-city-list",
            Action::NominateAiylCandidate => "action-nominate-aiyl-candidate",
            Action::RegisterAiylCandidate => "action-register-aiyl-candidate",
            Action::ApplyMediaAccreditation => "action-apply-media-accreditation",
            Action::PublishMediaPrices => "action-publish-media-prices",
            Action::PublishPreliminaryVoterLists => "action-publish-preliminary-voter-lists",
            Action::FileVoterListClaim => "action-file-voter-list-claim",
            Action::ApplyRemoteVoting => "action-apply-remote-voting",
            Action::SubmitDistrictScheme => "action-submit-district-scheme",
            Action::CityCampaign => "action-city-campaign",
            Action::AiylCampaign => "action-aiyl-campaign",
            Action::CompileVoterLists => "action-compile-voter-lists",
            Action::FinalizeVoterLists => "action-finalize-voter-lists",
            Action::Voting => "action-voting",
            Action::EnterProtocols => "action-enter-protocols",
            Action::DetermineResults => "action-determine-results",
            Action::SetRuleParameters => "action-set-rule-parameters",
            Action::SetBallotOrder => "action-set-ballot-order",
            Action::IssueMediaBadges => "action-issue-media-badges",
            Action::RecordCampaignPlaces => "action-record-campaign-places",
        }
    }

    /// The action with this code, if any.
    pub fn from_code(code: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.code() == code)
    }

    /// Where the window opens; `None` is open from the beginning of time.
    pub fn opens(self) -> Option<Bound> {
        use Bound::{End, Start};
        Some(match self {
            Action::NominateCityList
            | Action::RegisterCityList
            | Action::NominateAiylCandidate
            | Action::RegisterAiylCandidate
            | Action::ApplyMediaAccreditation
            | Action::PublishMediaPrices
            | Action::SubmitDistrictScheme
            | Action::CompileVoterLists
            | Action::SetRuleParameters
            | Action::IssueMediaBadges
            | Action::RecordCampaignPlaces => Start("CAL-01"),
            Action::PublishPreliminaryVoterLists
            | Action::FileVoterListClaim
            | Action::ApplyRemoteVoting => Start("CAL-02"),
            Action::CityCampaign => Start("CAL-13"),
            Action::AiylCampaign => Start("CAL-14"),
            Action::FinalizeVoterLists => End("CAL-12"),
            Action::SetBallotOrder => End("CAL-08"),
            Action::Voting => Start("CAL-16"),
            Action::EnterProtocols | Action::DetermineResults => End("CAL-16"),
        })
    }

    /// Where the window closes; `None` never closes.
    pub fn closes(self) -> Option<Bound> {
        use Bound::{End, Start};
        match self {
            Action::NominateCityList => Some(End("CAL-07")),
            Action::RegisterCityList => Some(End("CAL-08")),
            Action::NominateAiylCandidate => Some(End("CAL-09")),
            Action::RegisterAiylCandidate => Some(End("CAL-10")),
            Action::ApplyMediaAccreditation => Some(End("CAL-03")),
            Action::PublishMediaPrices => Some(End("CAL-18")),
            Action::PublishPreliminaryVoterLists => None,
            Action::FileVoterListClaim => Some(End("CAL-11")),
            Action::ApplyRemoteVoting => Some(End("CAL-12")),
            Action::SubmitDistrictScheme => Some(End("CAL-05")),
            Action::CityCampaign | Action::AiylCampaign => Some(End("CAL-15")),
            Action::CompileVoterLists => Some(End("CAL-12")),
            Action::FinalizeVoterLists
            | Action::SetRuleParameters
            | Action::SetBallotOrder
            | Action::RecordCampaignPlaces => Some(Start("CAL-16")),
            Action::Voting => Some(End("CAL-16")),
            Action::EnterProtocols | Action::DetermineResults | Action::IssueMediaBadges => {
                Some(End("CAL-17"))
            }
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Why an action may not be taken at an instant. Serialises as
/// `{"code": "action_closed", "action": "nominate_city_list", "rule": "CAL-07", "closed_at": "2024-10-07T12:00:00Z"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum ActionClosed {
    /// The window has not opened yet.
    #[error("{action} is not open yet: it opens at {} Asia/Bishkek ({rule})", local(*opens_at))]
    #[serde(rename = "action_not_yet_open")]
    NotYetOpen {
        action: Action,
        rule: &'static str,
        opens_at: Timestamp,
    },
    /// The window has closed.
    #[error("{action} closed at {} Asia/Bishkek ({rule})", local(*closed_at))]
    #[serde(rename = "action_closed")]
    Closed {
        action: Action,
        rule: &'static str,
        closed_at: Timestamp,
    },
}

impl ActionClosed {
    /// The stable code: `action_not_yet_open` or `action_closed`.
    pub fn code(&self) -> ErrorCode {
        match self {
            ActionClosed::NotYetOpen { .. } => ErrorCode::ActionNotYetOpen,
            ActionClosed::Closed { .. } => ErrorCode::ActionClosed,
        }
    }

    /// The localisation key of the message: `calendar-not-yet-open` or `calendar-closed`.
    pub fn message_key(&self) -> &'static str {
        match self {
            ActionClosed::NotYetOpen { .. } => "calendar-not-yet-open",
            ActionClosed::Closed { .. } => "calendar-closed",
        }
    }

    /// The action refused.
    pub fn action(&self) -> Action {
        match self {
            ActionClosed::NotYetOpen { action, .. } | ActionClosed::Closed { action, .. } => {
                *action
            }
        }
    }

    /// The id of the calendar rule that opens or closed the window (`CAL-07`).
    pub fn rule(&self) -> &'static str {
        match self {
            ActionClosed::NotYetOpen { rule, .. } | ActionClosed::Closed { rule, .. } => rule,
        }
    }

    /// The instant the window opens or closed.
    pub fn instant(&self) -> Timestamp {
        match self {
            ActionClosed::NotYetOpen { opens_at, .. } => *opens_at,
            ActionClosed::Closed { closed_at, .. } => *closed_at,
        }
    }
}

/// An instant as Bishkek local time, `2024-10-07 18:00`.
fn local(instant: Timestamp) -> String {
    to_bishkek(instant).strftime("%Y-%m-%d %H:%M").to_string()
}
