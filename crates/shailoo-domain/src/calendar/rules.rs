//! The statutory calendar rules CAL-01..CAL-19 as a table of data (`docs/domain-rules.md` §1).
//!
//! Each rule says where its date comes from (an [`Anchor`] and an offset in days), whether it
//! closes at a time of day or at the end of the day, and how sure we are of it. The defaults
//! reproduce the CEC's calendar plan for the local elections of 17 November 2024
//! (C = 2024-09-06, V = 2024-11-17) exactly.

use jiff::civil::Time;

/// What a rule's date is counted from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Anchor {
    /// C: the day the election is called (the presidential decree; «шайлоону дайындоо» /
    /// «назначение выборов»).
    Called,
    /// V: voting day («добуш берүү күнү» / «день голосования»).
    VotingDay,
    /// The date of another rule, after any override of that rule (CAL-13 = CAL-08,
    /// CAL-14 = CAL-10). The referenced rule comes earlier in [`RULES`].
    Rule(&'static str),
    /// No calendar date: a time limit counted from some other event (CAL-19: the day a claim is
    /// filed). Such a rule is listed in [`RULES`] with its description but produces no
    /// [`Deadline`](super::Deadline).
    Undated,
}

pub use crate::params::Confidence;

/// One statutory calendar rule, as data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// The stable rule id, `CAL-01`..`CAL-19`.
    pub id: &'static str,
    /// A stable snake_case name (`city_nomination_closes`).
    pub name: &'static str,
    /// What the date is counted from.
    pub anchor: Anchor,
    /// Days after (positive) or before (negative) the anchor.
    pub offset_days: i32,
    /// The time of day (Asia/Bishkek) the deadline falls at; `None` is a whole-day deadline,
    /// inclusive: open until 00:00 of the next day.
    pub time: Option<Time>,
    /// For a rule that is a period within its day rather than a point (CAL-16, voting
    /// 08:00–20:00): the time it starts. `time` is then the time it ends.
    pub opens_at: Option<Time>,
    /// How sure we are of the rule.
    pub confidence: Confidence,
    /// The localisation key of the rule's description (`cal-07`).
    pub message_key: &'static str,
    /// A one-line English description, for logs and documentation; the UI uses `message_key`.
    pub summary: &'static str,
}

const fn hm(hour: i8, minute: i8) -> Option<Time> {
    Some(Time::constant(hour, minute, 0, 0))
}

/// The statutory calendar, CAL-01..CAL-19, in id order. An [`Anchor::Rule`] always refers to an
/// earlier entry (a test checks it), so the table can be evaluated in one pass.
pub static RULES: [Rule; 19] = [
    Rule {
        id: "CAL-01",
        name: "nomination_opens",
        anchor: Anchor::Called,
        offset_days: 0,
        time: None,
        opens_at: None,
        confidence: Confidence::Seed,
        message_key: "cal-01",
        summary: "Nomination opens for city lists and aiyl candidates (= C); also the start of \
                  every action open 'from the calling of the election'",
    },
    Rule {
        id: "CAL-02",
        name: "preliminary_voter_lists_online",
        anchor: Anchor::VotingDay,
        offset_days: -55,
        time: None,
        opens_at: None,
        confidence: Confidence::Seed,
        message_key: "cal-02",
        summary: "Preliminary voter lists published online on tizme.gov.kg (V - 55)",
    },
    Rule {
        id: "CAL-03",
        name: "media_accreditation_closes",
        anchor: Anchor::VotingDay,
        offset_days: -51,
        time: None,
        opens_at: None,
        confidence: Confidence::Seed,
        message_key: "cal-03",
        summary: "Media accreditation applications close, end of day (V - 51)",
    },
    Rule {
        id: "CAL-04",
        name: "preliminary_voter_lists_posted",
        anchor: Anchor::VotingDay,
        offset_days: -50,
        time: None,
        opens_at: None,
        confidence: Confidence::Seed,
        message_key: "cal-04",
        summary: "Preliminary voter lists posted at the stations; voter checks open (V - 50)",
    },
    Rule {
        id: "CAL-05",
        name: "district_schemes_submitted",
        anchor: Anchor::VotingDay,
        offset_days: -50,
        time: None,
        opens_at: None,
        confidence: Confidence::Seed,
        message_key: "cal-05",
        summary: "TECs submit the aiyl district schemes to the CEC (V - 50)",
    },
    Rule {
        id: "CAL-06",
        name: "campaign_material_places_provided",
        anchor: Anchor::Called,
        offset_days: 35,
        time: None,
        opens_at: None,
        confidence: Confidence::Seed,
        message_key: "cal-06",
        summary: "Local government provides places for printed campaign material (C + 35)",
    },
    Rule {
        id: "CAL-07",
        name: "city_nomination_closes",
        anchor: Anchor::VotingDay,
        offset_days: -41,
        time: hm(18, 0),
        opens_at: None,
        confidence: Confidence::Seed,
        message_key: "cal-07",
        summary: "City list nomination closes at 18:00 ('40 days before', V - 41)",
    },
    Rule {
        id: "CAL-08",
        name: "city_registration_closes",
        anchor: Anchor::VotingDay,
        offset_days: -30,
        time: None,
        opens_at: None,
        confidence: Confidence::Seed,
        message_key: "cal-08",
        summary: "City list registration closes (V - 30)",
    },
    Rule {
        id: "CAL-09",
        name: "aiyl_nomination_closes",
        anchor: Anchor::VotingDay,
        offset_days: -31,
        time: hm(18, 0),
        opens_at: None,
        confidence: Confidence::Seed,
        message_key: "cal-09",
        summary: "Aiyl candidate nomination closes at 18:00 ('30 days before', V - 31)",
    },
    Rule {
        id: "CAL-10",
        name: "aiyl_registration_closes",
        anchor: Anchor::VotingDay,
        offset_days: -20,
        time: None,
        opens_at: None,
        confidence: Confidence::Seed,
        message_key: "cal-10",
        summary: "Aiyl candidate registration closes (V - 20)",
    },
    Rule {
        id: "CAL-11",
        name: "voter_list_claims_close",
        anchor: Anchor::VotingDay,
        offset_days: -16,
        time: None,
        opens_at: None,
        confidence: Confidence::Seed,
        message_key: "cal-11",
        summary: "Voter-list claims (corrections, inclusion) close, end of day ('no later than \
                  15 days before', inclusive, V - 16)",
    },
    Rule {
        id: "CAL-12",
        name: "remote_voting_applications_close",
        anchor: Anchor::VotingDay,
        offset_days: -16,
        time: None,
        opens_at: None,
        confidence: Confidence::Seed,
        message_key: "cal-12",
        summary: "Remote-voting applications close, end of day (V - 16)",
    },
    Rule {
        id: "CAL-13",
        name: "city_campaign_opens",
        anchor: Anchor::Rule("CAL-08"),
        offset_days: 0,
        time: None,
        opens_at: None,
        confidence: Confidence::Seed,
        message_key: "cal-13",
        summary: "City campaign opens (= CAL-08)",
    },
    Rule {
        id: "CAL-14",
        name: "aiyl_campaign_opens",
        anchor: Anchor::Rule("CAL-10"),
        offset_days: 0,
        time: None,
        opens_at: None,
        confidence: Confidence::Seed,
        message_key: "cal-14",
        summary: "Aiyl campaign opens (= CAL-10)",
    },
    Rule {
        id: "CAL-15",
        name: "campaign_closes",
        anchor: Anchor::VotingDay,
        offset_days: -1,
        time: hm(8, 0),
        opens_at: None,
        confidence: Confidence::Seed,
        message_key: "cal-15",
        summary: "Campaign closes at 08:00 on V - 1 (24 hours before voting opens)",
    },
    Rule {
        id: "CAL-16",
        name: "voting",
        anchor: Anchor::VotingDay,
        offset_days: 0,
        time: hm(20, 0),
        opens_at: hm(8, 0),
        confidence: Confidence::Sure,
        message_key: "cal-16",
        summary: "Voting, 08:00 to 20:00 on V",
    },
    Rule {
        id: "CAL-17",
        name: "results_determined",
        anchor: Anchor::VotingDay,
        offset_days: 21,
        time: None,
        opens_at: None,
        confidence: Confidence::Seed,
        message_key: "cal-17",
        summary: "Results determined ('no later than 20 days after', V + 21)",
    },
    Rule {
        id: "CAL-18",
        name: "media_price_lists_published",
        anchor: Anchor::Called,
        offset_days: 10,
        time: None,
        opens_at: None,
        confidence: Confidence::Likely,
        message_key: "cal-18",
        summary: "Media price lists published (C + 10)",
    },
    Rule {
        id: "CAL-19",
        name: "voter_list_claim_decided",
        anchor: Anchor::Undated,
        offset_days: 0,
        time: None,
        opens_at: None,
        confidence: Confidence::Unsure,
        message_key: "cal-19",
        summary: "The PEC decides a voter-list claim the day it is filed; on V - 1 and V \
                  immediately (no calendar date)",
    },
];

/// The rule with this id (`CAL-07`), if there is one.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}
