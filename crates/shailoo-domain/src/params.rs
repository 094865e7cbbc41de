//! The rule parameters: every rule of `docs/domain-rules.md` whose exact content the sources leave
//! open ("unsure"), or that needs a choice ("likely"), as a named, configurable value with the
//! documented default, in one struct, [`RuleParameters`].
//!
//! The rules read their parameters from here and nowhere else, so that a user can see (through
//! [`RuleParameters::catalogue`]) exactly which choices the system made on their behalf, and the
//! CEC can set any of them for an election (stored per election by the application, with who
//! set it and when). Each catalogue row names what applies the parameter ([`Consumer`]): a
//! parameter of a stage shailoo does not run yet (protocols)
//! has none, and cannot be set until it has.
//!
//! RES-08 (ties) is not a parameter: its only lawful content is that the commission draws lots,
//! so a setting would be a switch with one position. The seat allocation states the rule in
//! its explanation instead.
//!
//! This module also holds the vocabulary every rule check shares: the [`Confidence`] of a rule and
//! the [`Coded`] trait of stable finding codes, with their message keys for the ky/ru/en catalogues.

use crate::codes::ErrorCode;
use serde::{Deserialize, Serialize};
use std::fmt;

/// How sure we are of a rule, as in `docs/domain-rules.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// Stated in the CEC's appeal itself.
    Seed,
    /// Stated by official or several consistent sources.
    Sure,
    /// Inferred from official figures, or one secondary source.
    Likely,
    /// Not found; a named, configurable choice.
    Unsure,
}

impl Confidence {
    /// The stable snake_case code (`seed`, `sure`, `likely`, `unsure`).
    pub fn code(self) -> &'static str {
        self.as_str()
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Seed => "seed",
            Confidence::Sure => "sure",
            Confidence::Likely => "likely",
            Confidence::Unsure => "unsure",
        }
    }
}

/// Whether a finding blocks (an invalid scheme, a protocol that cannot be accepted) or asks for a
/// second look and a comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
}

/// A finding with a stable code: what crosses to clients, stores and translations.
///
/// Clients translate by [`Coded::message_key`] and never match on prose; the English text is the
/// default for logs and for a catalogue that lacks the key.
pub trait Coded {
    /// The stable code, e.g. `RES-05.received_balance`; it starts with the rule id.
    fn code(&self) -> &'static str;
    /// The rule id implemented, e.g. `RES-05`.
    fn rule(&self) -> &'static str;
    /// The Fluent message key, e.g. `check-res-05-received-balance`.
    fn message_key(&self) -> &'static str;
    /// An English default text.
    fn default_text(&self) -> &'static str;
}

/// Defines a closed enum of finding codes with their rule id, message key and English text.
/// Serde uses the code, so the wire form and [`Coded::code`] cannot drift apart.
macro_rules! coded_enum {
    (
        $(#[$emeta:meta])*
        $vis:vis enum $name:ident {
            $(
                $(#[$vmeta:meta])*
                $variant:ident = ($code:literal, $rule:literal, $key:literal, $text:literal)
            ),+ $(,)?
        }
    ) => {
        $(#[$emeta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize,
        )]
        $vis enum $name {
            $( $(#[$vmeta])* #[serde(rename = $code)] $variant, )+
        }
        impl $name {
            /// Every code, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The code with this stable string, if any.
            pub fn from_code(code: &str) -> Option<Self> {
                match code {
                    $($code => Some($name::$variant),)+
                    _ => None,
                }
            }
        }
        impl $crate::params::Coded for $name {
            fn code(&self) -> &'static str {
                match self { $($name::$variant => $code,)+ }
            }
            fn rule(&self) -> &'static str {
                match self { $($name::$variant => $rule,)+ }
            }
            fn message_key(&self) -> &'static str {
                match self { $($name::$variant => $key,)+ }
            }
            fn default_text(&self) -> &'static str {
                match self { $($name::$variant => $text,)+ }
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str($crate::params::Coded::code(self))
            }
        }
    };
}
pub(crate) use coded_enum;

/// VOT-02 (unsure): the day a person born on 29 February reaches an age in a non-leap year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeapDayBirthday {
    /// The last day of February (the usual reading of the civil code): default.
    #[default]
    February28,
    /// The day after 28 February.
    March1,
}

/// DIS-04: how the reserved share of a district's mandates is rounded to whole mandates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    /// Up to the next whole number ("at least 30%"): default, and what the 2024 figures show.
    #[default]
    Up,
    /// Down to the whole number below.
    Down,
    /// To the nearest whole number, halves up.
    Nearest,
}

/// RES-06: what the city threshold is a share of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ThresholdBase {
    /// The voters who took part in voting (the 2024 law): default.
    #[default]
    VotersWhoTookPart,
    /// The valid votes.
    ValidVotes,
}

/// RES-09 (unsure): where the seats go that a list is too short to fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnfilledListSeats {
    /// To the parties with the next largest remainders.
    #[default]
    NextLargestRemainders,
    /// They stay vacant.
    Vacant,
}

/// RES-02 (unsure): the order of the candidates on an aiyl district ballot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BallotOrder {
    /// By surname, given name and patronymic in Kyrgyz alphabetical order (Ң after Н, Ө after
    /// О, Ү after У): default, the usual practice of Kyrgyz ballots.
    #[default]
    Alphabetical,
    /// In the order the TEC registered the candidates.
    Registration,
}

/// CMP-02 (unsure): which of an outlet's prices of the six months before the calling an
/// election price may not exceed, when it charged several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferencePrice {
    /// The highest it charged: default, so that a breach shown is a breach under every reading.
    #[default]
    Highest,
    /// The last it charged before the calling (the price in force when the election was called).
    Latest,
}

/// A fraction of whole numbers, e.g. the reserved share 3/10 (DIS-04). Exact: no floats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Fraction {
    pub numerator: u32,
    pub denominator: u32,
}

impl Fraction {
    pub const fn new(numerator: u32, denominator: u32) -> Fraction {
        Fraction {
            numerator,
            denominator,
        }
    }

    /// `self × n`, rounded as asked. A zero denominator gives zero (validation refuses it).
    pub fn of(self, n: u32, rounding: Rounding) -> u32 {
        let num = u64::from(self.numerator) * u64::from(n);
        let den = u64::from(self.denominator);
        if den == 0 {
            return 0;
        }
        let q = match rounding {
            Rounding::Up => num.div_ceil(den),
            Rounding::Down => num / den,
            Rounding::Nearest => (2 * num + den) / (2 * den),
        };
        u32::try_from(q).unwrap_or(u32::MAX)
    }
}

impl fmt::Display for Fraction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.numerator, self.denominator)
    }
}

/// Text that is not a fraction written `3/10`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a fraction written like 3/10: {0:?}")]
pub struct BadFraction(pub String);

impl std::str::FromStr for Fraction {
    type Err = BadFraction;

    /// `3/10` (spaces around the numbers allowed), as [`Fraction`]'s `Display` writes it.
    fn from_str(s: &str) -> Result<Fraction, BadFraction> {
        let bad = || BadFraction(s.to_owned());
        let (n, d) = s.split_once('/').ok_or_else(bad)?;
        let n = n.trim().parse().map_err(|_| bad())?;
        let d = d.trim().parse().map_err(|_| bad())?;
        Ok(Fraction::new(n, d))
    }
}

/// What in shailoo applies a parameter: changing the parameter changes its behaviour there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Consumer {
    /// Compiling the voter lists from the register (VOT-02, VOT-04).
    VoterLists,
    /// Checking and designing district schemes (DIS-01, DIS-04, DIS-05).
    DistrictSchemes,
    /// Allocating seats (RES-06, RES-09, and DIS-04's reserve in a district).
    SeatAllocation,
    /// Placing voters at remote-voting stations (VOT-07).
    RemoteVoting,
    /// The deadlines of a PEC's decision on a voter-list claim (CAL-19).
    VoterListClaims,
    /// The guard of a re-import of the register (how much of it one extract may remove).
    RegisterImports,
    /// Filing and deciding nominations of candidates (CAN-01, CAN-06, CAN-08, CAN-09).
    Candidacies,
    /// Fixing the ballots from the registered nominations (RES-02).
    Ballots,
    /// Checking media price lists (CMP-02).
    MediaAccreditation,
    // results (i15-entry)
    /// The flags of the CEC's results dashboard (RES-01).
    ResultsFlags,
    /// The clocks of complaints and appeals (CMP-06).
    Complaints,
    /// The donor rules, ceiling and report dates of election funds (CMP-04).
    ElectionFunds,
}

impl Consumer {
    /// The stable snake_case code.
    pub fn code(self) -> &'static str {
        match self {
            Consumer::VoterLists => "voter_lists",
            Consumer::DistrictSchemes => "district_schemes",
            Consumer::SeatAllocation => "seat_allocation",
            Consumer::RemoteVoting => "remote_voting",
            Consumer::VoterListClaims => "voter_list_claims",
            Consumer::RegisterImports => "register_imports",
            Consumer::Candidacies => "candidacies",
            Consumer::Ballots => "ballots",
            Consumer::Complaints => "complaints",
            Consumer::MediaAccreditation => "media_accreditation",
            Consumer::ResultsFlags => "results_flags",
            Consumer::ElectionFunds => "election_funds",
        }
    }

    /// The Fluent key of its name, e.g. `param-consumer-voter-lists`.
    pub fn message_key(self) -> &'static str {
        match self {
            Consumer::VoterLists => "param-consumer-voter-lists",
            Consumer::DistrictSchemes => "param-consumer-district-schemes",
            Consumer::SeatAllocation => "param-consumer-seat-allocation",
            Consumer::RemoteVoting => "param-consumer-remote-voting",
            Consumer::VoterListClaims => "param-consumer-voter-list-claims",
            Consumer::RegisterImports => "param-consumer-register-imports",
            Consumer::Candidacies => "param-consumer-candidacies",
            Consumer::Ballots => "param-consumer-ballots",
            Consumer::Complaints => "param-consumer-complaints",
            Consumer::MediaAccreditation => "param-consumer-media-accreditation",
            Consumer::ResultsFlags => "param-consumer-results-flags",
            Consumer::ElectionFunds => "param-consumer-election-funds",
        }
    }
}

/// The key of [`RuleParameters::register_removal_limit_percent`]: what an override of the
/// removal limit must name (the register page's checkbox, the CLI's `--override`).
pub const REMOVAL_LIMIT_KEY: &str = "register_removal_limit_percent";

/// Every configurable rule, with the defaults of `docs/domain-rules.md`.
///
/// Deserializing fills missing fields with their defaults, so an election's configuration names
/// only what it changes; unknown fields are refused, so a misspelt key is not silently ignored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RuleParameters {
    /// VOT-02 (seed): minimum voter age on voting day.
    pub voter_min_age: u8,
    /// VOT-02 (unsure): when a person born on 29 February has a birthday in a non-leap year.
    pub leap_day_birthday: LeapDayBirthday,
    /// VOT-04 (seed): an address registered no later than this many days before voting day makes
    /// its holder a member of the local community (registration date ≤ V − 60).
    pub registration_days_before_voting: u16,
    /// CAN-01 (seed): minimum candidate age on voting day.
    pub candidate_min_age: u8,
    /// CAN-06 (sure): the largest share, in percent, of one sex on a city party list.
    pub list_max_share_one_sex_percent: u8,
    /// CAN-06 (likely): a list may have at most as many candidates as the council has seats.
    pub list_max_length_is_seats: bool,
    /// CAN-06 (unsure): the minimum number of candidates on a list; 0 = no minimum.
    pub list_min_length: u32,
    /// CAN-08 (sure): the TEC decides on a nomination within this many calendar days of its
    /// filing (and before CAL-08 / CAL-10).
    pub candidacy_decision_days: u16,
    /// CAN-09 (unsure): a nomination or a candidate may be withdrawn until the end of the day
    /// this many days before voting day.
    pub withdrawal_days_before_voting: u16,
    /// RES-02 (unsure): the order of the candidates on an aiyl district ballot.
    pub aiyl_ballot_order: BallotOrder,
    /// DIS-01 (seed): the largest deviation, in percent, of a district's voters per mandate from
    /// the council's norm of representation.
    pub max_deviation_percent: u8,
    /// DIS-01 (seed): the same for a hard-to-reach or remote district.
    pub max_deviation_percent_remote: u8,
    /// DIS-04 (seed): the share of each district's mandates reserved for women.
    pub reserved_share: Fraction,
    /// DIS-04 (likely): how that share is rounded to whole mandates.
    pub reserved_rounding: Rounding,
    /// DIS-05 (unsure): the fewest mandates a district may have.
    pub district_min_seats: u32,
    /// DIS-05 (unsure): the most mandates a district may have; `None` = the council's size.
    pub district_max_seats: Option<u32>,
    /// RES-03 (unsure): how many marks a valid aiyl ballot carries at most.
    pub aiyl_ballot_marks: u8,
    /// RES-06 (sure): the city threshold, in percent.
    pub threshold_percent: u8,
    /// RES-06 (sure): what the threshold is a share of.
    pub threshold_base: ThresholdBase,
    /// RES-09 (unsure): where seats go that a short list cannot fill.
    pub unfilled_list_seats: UnfilledListSeats,
    /// RES-05 (plausibility, our choice): warn when turnout exceeds this percent of the lists.
    pub turnout_warning_percent: u8,
    /// VOT-11 (our choice, a guard): a re-import of the register that would remove more than
    /// this percent of the persons it holds is refused unless the CEC overrides this limit by
    /// name (a whole country's register does not lose a twentieth of its people between two
    /// extracts; an extract that says so is cut short or wrong).
    pub register_removal_limit_percent: u8,
    /// CAL-19 (unsure): days a PEC has to decide a voter-list claim; 0 = the same day.
    pub claim_decision_days: u16,
    /// CAL-19 (unsure): from this many days before voting day on, claims are decided immediately
    /// (1 = on V − 1 and V).
    pub claim_immediate_days_before_voting: u16,
    /// CMP-06 (likely): days to file an appeal against a decision.
    pub appeal_filing_days: u16,
    /// CMP-06 (likely): days to decide an appeal.
    pub appeal_decision_days: u16,
    /// CMP-06 (unsure): appeals on and just after voting day are decided immediately.
    pub appeal_immediate_around_voting: bool,
    /// CMP-06 (unsure): how many days after voting day "just after" lasts (1 = voting day and
    /// the day after).
    pub appeal_immediate_days_after_voting: u16,
    /// CMP-02 (unsure): the price of the six months before the calling an election price is
    /// compared with, when the outlet charged several.
    pub media_reference_price: ReferencePrice,
    /// CMP-04 (unsure: not found): the most a fund may receive, in som; `None` = no ceiling.
    pub fund_ceiling_som: Option<u32>,
    /// CMP-04 (unsure: not found): the most one citizen may give a fund, in som.
    pub fund_max_donation_person_som: Option<u32>,
    /// CMP-04 (unsure: not found): the most one Kyrgyz legal entity may give a fund, in som.
    pub fund_max_donation_legal_entity_som: Option<u32>,
    /// CMP-04 (unsure): foreign and anonymous money is refused.
    pub fund_refuse_foreign_and_anonymous: bool,
    /// CMP-04 (likely): the first report is due no later than this many days before voting.
    pub fund_first_report_days_before_voting: u16,
    /// CMP-04 (likely): the final report is due within this many days after voting.
    pub fund_final_report_days_after_voting: u16,
    /// VOT-07 (unsure): how many voters a remote-voting station takes when the CEC set no
    /// capacity for the station itself.
    pub remote_station_capacity: u32,
    // results (i15-entry)
    /// RES-01 (our choice, a flag for observers): the CEC's dashboard flags a station whose
    /// official count differs from its ballot-counting box's preliminary count by more than
    /// this percent of its valid ballots.
    pub preliminary_margin_percent: u8,
}

impl Default for RuleParameters {
    fn default() -> Self {
        RuleParameters {
            voter_min_age: 18,
            leap_day_birthday: LeapDayBirthday::February28,
            registration_days_before_voting: 60,
            candidate_min_age: 21,
            list_max_share_one_sex_percent: 70,
            list_max_length_is_seats: true,
            list_min_length: 0,
            candidacy_decision_days: 10,
            withdrawal_days_before_voting: 5,
            aiyl_ballot_order: BallotOrder::Alphabetical,
            max_deviation_percent: 15,
            max_deviation_percent_remote: 20,
            reserved_share: Fraction::new(3, 10),
            reserved_rounding: Rounding::Up,
            district_min_seats: 1,
            district_max_seats: None,
            aiyl_ballot_marks: 1,
            threshold_percent: 5,
            threshold_base: ThresholdBase::VotersWhoTookPart,
            unfilled_list_seats: UnfilledListSeats::NextLargestRemainders,
            turnout_warning_percent: 95,
            register_removal_limit_percent: 5,
            claim_decision_days: 0,
            claim_immediate_days_before_voting: 1,
            appeal_filing_days: 3,
            appeal_decision_days: 3,
            appeal_immediate_around_voting: true,
            appeal_immediate_days_after_voting: 1,
            media_reference_price: ReferencePrice::Highest,
            fund_ceiling_som: None,
            fund_max_donation_person_som: None,
            fund_max_donation_legal_entity_som: None,
            fund_refuse_foreign_and_anonymous: true,
            fund_first_report_days_before_voting: 10,
            fund_final_report_days_after_voting: 10,
            remote_station_capacity: 1_000,
            preliminary_margin_percent: 2,
        }
    }
}

/// One row of the parameter catalogue shown to users: what the system decided, and on what ground.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParameterInfo {
    /// The stable key: the field name in the configuration.
    pub key: &'static str,
    /// The rule id of `docs/domain-rules.md`.
    pub rule: &'static str,
    pub confidence: Confidence,
    /// The current value, rendered as text (enums in snake_case, fractions as `3/10`).
    pub value: String,
    /// The documented default, rendered the same way.
    pub default: String,
    /// The Fluent key of its description, e.g. `param-vot-02-leap-day-birthday`.
    pub message_key: &'static str,
    /// What applies it; empty for a parameter of a stage shailoo does not run yet.
    pub applied_by: &'static [Consumer],
    /// The values it can take, as configuration text, when they are a closed list (the words
    /// of an enumeration, `true`/`false`); empty for a number or a fraction.
    pub choices: &'static [&'static str],
}

impl ParameterInfo {
    /// Whether some part of shailoo applies the parameter, so that setting it means something.
    pub fn is_applied(&self) -> bool {
        !self.applied_by.is_empty()
    }
}

/// A configuration that no rule can work with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParamError {
    #[error("{key}: a percentage is at most 100, not {value}")]
    PercentOver100 { key: &'static str, value: u8 },
    #[error("{key}: must be at least {min}, not {value}")]
    TooSmall {
        key: &'static str,
        min: u32,
        value: u32,
    },
    #[error("reserved_share: a share needs 0 < denominator and numerator ≤ denominator, not {0}")]
    BadShare(Fraction),
    #[error("district_max_seats {max} is less than district_min_seats {min}")]
    MagnitudeRange { min: u32, max: u32 },
    #[error(
        "list_max_share_one_sex_percent: below 50 no list could comply, {0} is not a usable value"
    )]
    ShareBelowHalf(u8),
}

impl ParamError {
    /// The configuration key the problem is about.
    pub fn key(&self) -> &'static str {
        match self {
            ParamError::PercentOver100 { key, .. } | ParamError::TooSmall { key, .. } => key,
            ParamError::BadShare(_) => "reserved_share",
            ParamError::MagnitudeRange { .. } => "district_max_seats",
            ParamError::ShareBelowHalf(_) => "list_max_share_one_sex_percent",
        }
    }

    /// A stable code for clients and translations.
    pub fn code(&self) -> ErrorCode {
        match self {
            ParamError::PercentOver100 { .. } => ErrorCode::ParamPercentOver100,
            ParamError::TooSmall { .. } => ErrorCode::ParamTooSmall,
            ParamError::BadShare(_) => ErrorCode::ParamBadShare,
            ParamError::MagnitudeRange { .. } => ErrorCode::ParamMagnitudeRange,
            ParamError::ShareBelowHalf(_) => ErrorCode::ParamShareBelowHalf,
        }
    }
}

/// How a parameter's value is shown in the catalogue: as its configuration text, so a user can
/// copy it into a configuration file.
trait Render {
    fn render(&self) -> String;
    /// The closed list of values of the type, as configuration text; empty when it is open.
    fn choices() -> &'static [&'static str] {
        &[]
    }
}

macro_rules! render_display {
    ($($t:ty),*) => {
        $(impl Render for $t {
            fn render(&self) -> String {
                self.to_string()
            }
        })*
    };
}
render_display!(u8, u16, u32, Fraction);

impl Render for bool {
    fn render(&self) -> String {
        self.to_string()
    }
    fn choices() -> &'static [&'static str] {
        &["true", "false"]
    }
}

impl Render for Option<u32> {
    fn render(&self) -> String {
        match self {
            Some(n) => n.to_string(),
            None => "none".to_owned(),
        }
    }
}

macro_rules! render_enum {
    ($($t:ty { $($variant:ident => $text:literal),+ })*) => {
        $(impl Render for $t {
            fn render(&self) -> String {
                match self { $(<$t>::$variant => $text,)+ }.to_owned()
            }
            fn choices() -> &'static [&'static str] {
                &[$($text),+]
            }
        })*
    };
}
// The texts are the serde names; a test checks they agree.
render_enum! {
    LeapDayBirthday { February28 => "february28", March1 => "march1" }
    Rounding { Up => "up", Down => "down", Nearest => "nearest" }
    ThresholdBase { VotersWhoTookPart => "voters_who_took_part", ValidVotes => "valid_votes" }
    UnfilledListSeats { NextLargestRemainders => "next_largest_remainders", Vacant => "vacant" }
    BallotOrder { Alphabetical => "alphabetical", Registration => "registration" }
    ReferencePrice { Highest => "highest", Latest => "latest" }
}

/// The closed list of values of a field's type (inferred from the field).
fn render_choices<T: Render>(_: &T) -> &'static [&'static str] {
    T::choices()
}

/// [`ParamError::TooSmall`] for a count that must be at least 1 and is 0.
fn at_least_one(key: &'static str, value: u32) -> Option<ParamError> {
    (value < 1).then_some(ParamError::TooSmall { key, min: 1, value })
}

impl RuleParameters {
    /// Checks that every value is usable; collects every problem rather than the first.
    pub fn validate(&self) -> Result<(), Vec<ParamError>> {
        let mut problems = Vec::new();
        self.check_shares(&mut problems);
        self.check_counts(&mut problems);
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }

    /// Percentages at most 100, the one-sex share at least half, the reserved share a fraction
    /// of at most 1.
    fn check_shares(&self, problems: &mut Vec<ParamError>) {
        for (key, value) in [
            (
                "list_max_share_one_sex_percent",
                self.list_max_share_one_sex_percent,
            ),
            ("max_deviation_percent", self.max_deviation_percent),
            (
                "max_deviation_percent_remote",
                self.max_deviation_percent_remote,
            ),
            ("threshold_percent", self.threshold_percent),
            ("turnout_warning_percent", self.turnout_warning_percent),
            (
                "preliminary_margin_percent",
                self.preliminary_margin_percent,
            ),
            (
                "register_removal_limit_percent",
                self.register_removal_limit_percent,
            ),
        ] {
            if value > 100 {
                problems.push(ParamError::PercentOver100 { key, value });
            }
        }
        if self.list_max_share_one_sex_percent < 50 {
            problems.push(ParamError::ShareBelowHalf(
                self.list_max_share_one_sex_percent,
            ));
        }
        let share = self.reserved_share;
        if share.denominator == 0 || share.numerator > share.denominator {
            problems.push(ParamError::BadShare(share));
        }
    }

    /// Counts of at least 1, and a district's most mandates not below its fewest.
    fn check_counts(&self, problems: &mut Vec<ParamError>) {
        problems.extend(at_least_one("district_min_seats", self.district_min_seats));
        if let Some(max) = self.district_max_seats
            && max < self.district_min_seats
        {
            problems.push(ParamError::MagnitudeRange {
                min: self.district_min_seats,
                max,
            });
        }
        problems.extend(at_least_one(
            "remote_station_capacity",
            self.remote_station_capacity,
        ));
        problems.extend(at_least_one(
            "candidacy_decision_days",
            u32::from(self.candidacy_decision_days),
        ));
        problems.extend(at_least_one(
            "aiyl_ballot_marks",
            u32::from(self.aiyl_ballot_marks),
        ));
    }

    /// Every parameter, with its rule, confidence, current and default value and what applies
    /// it, for display; in the order of an election (voters, candidates, districts, results,
    /// claims and appeals).
    #[expect(
        clippy::too_many_lines,
        reason = "a table with one entry per parameter, read down; splitting it would only scatter it"
    )]
    pub fn catalogue(&self) -> Vec<ParameterInfo> {
        let d = RuleParameters::default();
        let mut rows = Vec::with_capacity(28);
        use Confidence::{Likely, Seed, Sure, Unsure};
        use Consumer::{
            Ballots, Candidacies, Complaints, DistrictSchemes, ElectionFunds, MediaAccreditation,
            RegisterImports, RemoteVoting, ResultsFlags, SeatAllocation, VoterListClaims,
            VoterLists,
        };
        macro_rules! p {
            ($field:ident, $rule:literal, $conf:expr, $key:literal, [$($by:expr),*]) => {
                rows.push(ParameterInfo {
                    key: stringify!($field),
                    rule: $rule,
                    confidence: $conf,
                    value: self.$field.render(),
                    default: d.$field.render(),
                    message_key: $key,
                    applied_by: &[$($by),*],
                    choices: render_choices(&self.$field),
                })
            };
        }
        p!(
            voter_min_age,
            "VOT-02",
            Seed,
            "param-vot-02-voter-min-age",
            [VoterLists]
        );
        p!(
            leap_day_birthday,
            "VOT-02",
            Unsure,
            "param-vot-02-leap-day-birthday",
            [VoterLists]
        );
        p!(
            registration_days_before_voting,
            "VOT-04",
            Seed,
            "param-vot-04-registration-days-before-voting",
            [VoterLists]
        );
        p!(
            remote_station_capacity,
            "VOT-07",
            Unsure,
            "param-vot-07-remote-station-capacity",
            [RemoteVoting]
        );
        p!(
            candidate_min_age,
            "CAN-01",
            Seed,
            "param-can-01-candidate-min-age",
            [Candidacies]
        );
        p!(
            list_max_share_one_sex_percent,
            "CAN-06",
            Sure,
            "param-can-06-list-max-share-one-sex",
            [Candidacies]
        );
        p!(
            list_max_length_is_seats,
            "CAN-06",
            Likely,
            "param-can-06-list-max-length-is-seats",
            [Candidacies]
        );
        p!(
            list_min_length,
            "CAN-06",
            Unsure,
            "param-can-06-list-min-length",
            [Candidacies]
        );
        p!(
            candidacy_decision_days,
            "CAN-08",
            Sure,
            "param-can-08-candidacy-decision-days",
            [Candidacies]
        );
        p!(
            withdrawal_days_before_voting,
            "CAN-09",
            Unsure,
            "param-can-09-withdrawal-days-before-voting",
            [Candidacies]
        );
        p!(
            aiyl_ballot_order,
            "RES-02",
            Unsure,
            "param-res-02-aiyl-ballot-order",
            [Ballots]
        );
        p!(
            max_deviation_percent,
            "DIS-01",
            Seed,
            "param-dis-01-max-deviation",
            [DistrictSchemes]
        );
        p!(
            max_deviation_percent_remote,
            "DIS-01",
            Seed,
            "param-dis-01-max-deviation-remote",
            [DistrictSchemes]
        );
        p!(
            reserved_share,
            "DIS-04",
            Seed,
            "param-dis-04-reserved-share",
            [DistrictSchemes, SeatAllocation]
        );
        p!(
            reserved_rounding,
            "DIS-04",
            Likely,
            "param-dis-04-reserved-rounding",
            [DistrictSchemes, SeatAllocation]
        );
        p!(
            district_min_seats,
            "DIS-05",
            Unsure,
            "param-dis-05-district-min-seats",
            [DistrictSchemes]
        );
        p!(
            district_max_seats,
            "DIS-05",
            Unsure,
            "param-dis-05-district-max-seats",
            [DistrictSchemes]
        );
        p!(
            aiyl_ballot_marks,
            "RES-03",
            Unsure,
            "param-res-03-aiyl-ballot-marks",
            []
        );
        p!(
            turnout_warning_percent,
            "RES-05",
            Unsure,
            "param-res-05-turnout-warning",
            []
        );
        p!(
            preliminary_margin_percent,
            "RES-01",
            Unsure,
            "param-res-01-preliminary-margin",
            [ResultsFlags]
        );
        p!(
            threshold_percent,
            "RES-06",
            Sure,
            "param-res-06-threshold",
            [SeatAllocation]
        );
        p!(
            threshold_base,
            "RES-06",
            Sure,
            "param-res-06-threshold-base",
            [SeatAllocation]
        );
        p!(
            unfilled_list_seats,
            "RES-09",
            Unsure,
            "param-res-09-unfilled-list-seats",
            [SeatAllocation]
        );
        p!(
            claim_decision_days,
            "CAL-19",
            Unsure,
            "param-cal-19-claim-decision-days",
            [VoterListClaims]
        );
        p!(
            register_removal_limit_percent,
            "VOT-11",
            Unsure,
            "param-vot-11-register-removal-limit",
            [RegisterImports]
        );
        p!(
            claim_immediate_days_before_voting,
            "CAL-19",
            Unsure,
            "param-cal-19-claim-immediate-days-before-voting",
            [VoterListClaims]
        );
        p!(
            appeal_filing_days,
            "CMP-06",
            Likely,
            "param-cmp-06-appeal-filing-days",
            [Complaints]
        );
        p!(
            appeal_decision_days,
            "CMP-06",
            Likely,
            "param-cmp-06-appeal-decision-days",
            [Complaints]
        );
        p!(
            appeal_immediate_around_voting,
            "CMP-06",
            Unsure,
            "param-cmp-06-appeal-immediate-around-voting",
            [Complaints]
        );
        p!(
            appeal_immediate_days_after_voting,
            "CMP-06",
            Unsure,
            "param-cmp-06-appeal-immediate-days-after-voting",
            [Complaints]
        );
        p!(
            media_reference_price,
            "CMP-02",
            Unsure,
            "param-cmp-02-media-reference-price",
            [MediaAccreditation]
        );
        p!(
            fund_ceiling_som,
            "CMP-04",
            Unsure,
            "param-cmp-04-fund-ceiling",
            [ElectionFunds]
        );
        p!(
            fund_max_donation_person_som,
            "CMP-04",
            Unsure,
            "param-cmp-04-fund-max-donation-person",
            [ElectionFunds]
        );
        p!(
            fund_max_donation_legal_entity_som,
            "CMP-04",
            Unsure,
            "param-cmp-04-fund-max-donation-legal-entity",
            [ElectionFunds]
        );
        p!(
            fund_refuse_foreign_and_anonymous,
            "CMP-04",
            Unsure,
            "param-cmp-04-fund-refuse-foreign-and-anonymous",
            [ElectionFunds]
        );
        p!(
            fund_first_report_days_before_voting,
            "CMP-04",
            Likely,
            "param-cmp-04-fund-first-report-days",
            [ElectionFunds]
        );
        p!(
            fund_final_report_days_after_voting,
            "CMP-04",
            Likely,
            "param-cmp-04-fund-final-report-days",
            [ElectionFunds]
        );
        rows
    }

    /// The keys whose values differ between `self` and `other`, in catalogue order.
    pub fn differences(&self, other: &RuleParameters) -> Vec<&'static str> {
        self.catalogue()
            .into_iter()
            .zip(other.catalogue())
            .filter(|(a, b)| a.value != b.value)
            .map(|(a, _)| a.key)
            .collect()
    }

    /// The catalogue row of one key, if it is a parameter.
    pub fn info(&self, key: &str) -> Option<ParameterInfo> {
        self.catalogue().into_iter().find(|r| r.key == key)
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::cognitive_complexity,
    reason = "tests fail loudly, and a test reads as one scenario (the size limits are for production code)"
)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn defaults_are_the_documented_ones() {
        let p = RuleParameters::default();
        assert_eq!(p.voter_min_age, 18);
        assert_eq!(p.leap_day_birthday, LeapDayBirthday::February28);
        assert_eq!(p.registration_days_before_voting, 60);
        assert_eq!(p.candidate_min_age, 21);
        assert_eq!(p.list_max_share_one_sex_percent, 70);
        assert!(p.list_max_length_is_seats);
        assert_eq!(p.candidacy_decision_days, 10);
        assert_eq!(p.withdrawal_days_before_voting, 5);
        assert_eq!(p.aiyl_ballot_order, BallotOrder::Alphabetical);
        assert_eq!(
            (p.max_deviation_percent, p.max_deviation_percent_remote),
            (15, 20)
        );
        assert_eq!(p.reserved_share, Fraction::new(3, 10));
        assert_eq!(p.reserved_rounding, Rounding::Up);
        assert_eq!((p.district_min_seats, p.district_max_seats), (1, None));
        assert_eq!(p.aiyl_ballot_marks, 1);
        assert_eq!(p.threshold_percent, 5);
        assert_eq!(p.remote_station_capacity, 1_000);
        assert_eq!(p.appeal_filing_days, 3);
        assert_eq!(p.claim_decision_days, 0);
        assert_eq!(p.register_removal_limit_percent, 5);
        assert_eq!(p.validate(), Ok(()));
    }

    #[test]
    fn catalogue_lists_every_field_once_under_its_config_key() {
        let p = RuleParameters::default();
        let rows = p.catalogue();
        let keys: BTreeSet<&str> = rows.iter().map(|r| r.key).collect();
        assert_eq!(keys.len(), rows.len(), "a key appears twice");
        let json = serde_json::to_value(&p).unwrap();
        let fields: BTreeSet<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, fields);
        for r in &rows {
            assert!(r.message_key.starts_with("param-"), "{}", r.message_key);
            let rule = r.rule.to_ascii_lowercase();
            assert!(
                r.message_key.contains(&rule),
                "{} vs {}",
                r.message_key,
                r.rule
            );
            assert_eq!(r.value, r.default, "{}", r.key);
        }
        let leap = rows.iter().find(|r| r.key == "leap_day_birthday").unwrap();
        assert_eq!(leap.value, "february28");
        assert_eq!(leap.confidence, Confidence::Unsure);
        let share = rows.iter().find(|r| r.key == "reserved_share").unwrap();
        assert_eq!(share.value, "3/10");
        let max = rows.iter().find(|r| r.key == "district_max_seats").unwrap();
        assert_eq!(max.value, "none");
    }

    #[test]
    fn rendered_enum_values_are_their_configuration_text() {
        fn same<T: Serialize + Render>(v: T) {
            assert_eq!(
                serde_json::to_value(&v).unwrap(),
                serde_json::Value::String(v.render())
            );
        }
        same(LeapDayBirthday::February28);
        same(LeapDayBirthday::March1);
        same(Rounding::Up);
        same(Rounding::Down);
        same(Rounding::Nearest);
        same(ThresholdBase::VotersWhoTookPart);
        same(ThresholdBase::ValidVotes);
        same(UnfilledListSeats::NextLargestRemainders);
        same(UnfilledListSeats::Vacant);
        same(BallotOrder::Alphabetical);
        same(BallotOrder::Registration);
        same(ReferencePrice::Highest);
        same(ReferencePrice::Latest);
    }

    #[test]
    fn catalogue_shows_a_changed_value_beside_its_default() {
        let p = RuleParameters {
            leap_day_birthday: LeapDayBirthday::March1,
            registration_days_before_voting: 30,
            ..RuleParameters::default()
        };
        let rows = p.catalogue();
        let leap = rows.iter().find(|r| r.key == "leap_day_birthday").unwrap();
        assert_eq!(
            (leap.value.as_str(), leap.default.as_str()),
            ("march1", "february28")
        );
        let days = rows
            .iter()
            .find(|r| r.key == "registration_days_before_voting")
            .unwrap();
        assert_eq!((days.value.as_str(), days.default.as_str()), ("30", "60"));
    }

    #[test]
    fn partial_configuration_keeps_the_other_defaults_and_refuses_unknown_keys() {
        let p: RuleParameters =
            serde_json::from_str(r#"{"leap_day_birthday": "march1", "threshold_percent": 7}"#)
                .unwrap();
        assert_eq!(p.leap_day_birthday, LeapDayBirthday::March1);
        assert_eq!(p.threshold_percent, 7);
        assert_eq!(p.voter_min_age, 18);
        assert!(serde_json::from_str::<RuleParameters>(r#"{"treshold_percent": 7}"#).is_err());
    }

    #[test]
    fn validation_collects_every_problem() {
        let p = RuleParameters {
            threshold_percent: 101,
            reserved_share: Fraction::new(1, 0),
            district_min_seats: 5,
            district_max_seats: Some(3),
            list_max_share_one_sex_percent: 40,
            candidacy_decision_days: 0,
            ..RuleParameters::default()
        };
        let problems = p.validate().unwrap_err();
        let codes: Vec<&str> = problems.iter().map(|p| p.code().as_str()).collect();
        assert_eq!(
            codes,
            [
                "param_percent_over_100",
                "param_share_below_half",
                "param_bad_share",
                "param_magnitude_range",
                "param_too_small"
            ]
        );
    }

    #[test]
    fn applied_parameters_name_their_consumer_and_stages_not_run_yet_have_none() {
        let rows = RuleParameters::default().catalogue();
        let applied = |key: &str| rows.iter().find(|r| r.key == key).unwrap().applied_by;
        assert_eq!(applied("threshold_base"), [Consumer::SeatAllocation]);
        assert_eq!(applied("unfilled_list_seats"), [Consumer::SeatAllocation]);
        assert_eq!(applied("claim_decision_days"), [Consumer::VoterListClaims]);
        assert_eq!(applied("remote_station_capacity"), [Consumer::RemoteVoting]);
        assert_eq!(applied("candidacy_decision_days"), [Consumer::Candidacies]);
        assert_eq!(applied("aiyl_ballot_order"), [Consumer::Ballots]);
        assert_eq!(applied("appeal_filing_days"), [Consumer::Complaints]);
        assert_eq!(applied("fund_ceiling_som"), [Consumer::ElectionFunds]);
        assert!(applied("turnout_warning_percent").is_empty());
        assert!(rows.iter().all(|r| r.key != "tie_break"));
    }

    #[test]
    fn closed_lists_of_values_are_the_configuration_texts() {
        let rows = RuleParameters::default().catalogue();
        let choices = |key: &str| rows.iter().find(|r| r.key == key).unwrap().choices;
        assert_eq!(
            choices("threshold_base"),
            ["voters_who_took_part", "valid_votes"]
        );
        assert_eq!(choices("reserved_rounding"), ["up", "down", "nearest"]);
        assert_eq!(choices("list_max_length_is_seats"), ["true", "false"]);
        assert!(choices("threshold_percent").is_empty());
        assert!(choices("reserved_share").is_empty());
        for r in &rows {
            assert!(
                r.choices.is_empty() || r.choices.contains(&r.value.as_str()),
                "{}",
                r.key
            );
        }
    }

    #[test]
    fn differences_and_fraction_text() {
        let a = RuleParameters::default();
        let b = RuleParameters {
            threshold_percent: 7,
            reserved_share: "2/5".parse().unwrap(),
            ..RuleParameters::default()
        };
        assert_eq!(a.differences(&b), ["reserved_share", "threshold_percent"]);
        assert_eq!(
            " 3 / 10 ".trim().parse::<Fraction>(),
            Ok(Fraction::new(3, 10))
        );
        assert!("3:10".parse::<Fraction>().is_err());
        assert!("x/10".parse::<Fraction>().is_err());
    }

    #[test]
    fn dis_04_fraction_rounds_as_asked() {
        let share = Fraction::new(3, 10);
        assert_eq!(share.of(5, Rounding::Up), 2);
        assert_eq!(share.of(5, Rounding::Down), 1);
        assert_eq!(share.of(5, Rounding::Nearest), 2); // 1.5 rounds up
        assert_eq!(share.of(4, Rounding::Nearest), 1); // 1.2
        assert_eq!(share.of(10, Rounding::Up), 3);
        assert_eq!(Fraction::new(1, 0).of(5, Rounding::Up), 0);
    }
}
