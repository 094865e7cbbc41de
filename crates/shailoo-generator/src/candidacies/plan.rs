//! The plan of the candidacies, made before any person is drawn: which party lists stand in
//! which city, how long they are and how many women they hold (CAN-06), how many candidates
//! each aiyl district gets, who nominates them, and the stage each nomination has reached on
//! [`AS_OF`] with its dates (CAN-07, CAN-09). Every count the manifest reports is fixed here.
//!
//! Each planned candidate says what it needs from a person ([`Need`]): a clean one, or one who
//! fails one rule on purpose. Designed faults whose persons are rare in a council (a newcomer
//! without a residence stamp, a given registry profile) are *floating*: their council is chosen
//! once the register has shown where such persons live ([`super::fill`]).

use crate::Scale;
use crate::parties::{BIR_BOL, BISHKEK_WINNERS, REAL_PARTIES, SOCIAL_DEMOCRATS, ULUU_ZHURT};
use crate::plan::apportion;
use jiff::civil::{Date, date};
use jiff::{SignedDuration, Timestamp, ToSpan};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use shailoo_domain::calendar::{Action, Calendar};
use shailoo_domain::candidate::nomination::{Ground, NominationKind};
use shailoo_domain::candidate::{CandidateCode, ListCode, Nominator, Party, PartyId};
use shailoo_domain::district::reserved_for_women;
use shailoo_domain::params::RuleParameters;
use shailoo_domain::territory::{CouncilKind, Setup};
use shailoo_domain::time::to_bishkek;
use shailoo_domain::{DistrictId, Sex};
use shailoo_formats::{CouncilScheme, NominationStage};

/// The day whose morning the candidacy files describe: the demo's clock starts on it (10:00).
/// City nomination has closed (CAL-07), city registration has not (CAL-08); aiyl nomination is
/// still open (CAL-09). Every filing and decision of the files is on an earlier day.
pub const AS_OF: Date = date(2024, 10, 15);

/// What a planned candidate needs from a person of the register (see [`super::pools`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Need {
    /// Passes every rule: an eligible voter, 21 or older on voting day, whose PIN gives the
    /// registry double's clean profile.
    Clean,
    /// Fails CAN-01 by age alone: an eligible voter of 18 to 20.
    UnderAge,
    /// Fails CAN-01's community test alone: lives in the council's territory but registered
    /// there after V − 60 without a residence stamp.
    Newcomer,
    /// Fails the one rule of the registry double's profile `1..=6` (the PIN's serial ends in
    /// it, `docs/registries.md`): not a citizen, a conviction, imprisoned, incapable, no
    /// secondary education, a member of another party (CAN-04, for party nominees only).
    Profile(u8),
}

impl Need {
    pub(crate) const COUNT: usize = 9;

    pub(crate) fn index(self) -> usize {
        match self {
            Need::Clean => 0,
            Need::UnderAge => 1,
            Need::Newcomer => 2,
            Need::Profile(k) => 2 + usize::from(k.clamp(1, 6)),
        }
    }

    /// The ground the rules find in a person of this need.
    pub(crate) fn ground(self) -> Option<Ground> {
        use CandidateCode as C;
        let code = match self {
            Need::Clean => return None,
            Need::UnderAge => C::UnderAge,
            Need::Newcomer => C::NotCommunityMember,
            Need::Profile(k) => match k {
                1 => C::NotCitizen,
                2 => C::UnexpungedConviction,
                3 => C::Imprisoned,
                4 => C::CourtIncapable,
                5 => C::NoSecondaryEducation,
                _ => C::MemberOfOtherParty,
            },
        };
        Ground::candidate(code)
    }

    /// The designed faults of candidates, each a refusal ground: the six registry profiles and
    /// the newcomer (the age of an under-age person is refused at the door instead).
    pub(crate) const FAULTS: [Need; 7] = [
        Need::Profile(1),
        Need::Profile(2),
        Need::Profile(3),
        Need::Profile(4),
        Need::Profile(5),
        Need::Profile(6),
        Need::Newcomer,
    ];
}

/// Where a planned candidate's person comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    /// A person of the council with this need and sex.
    Draw { need: Need, sex: Sex },
    /// The person of another planned nomination's entry (a designed CAN-05 duplicate).
    SameAs { nomination: usize, entry: usize },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PlannedEntry {
    pub source: Source,
    pub ground: Option<Ground>,
}

impl PlannedEntry {
    fn clean(sex: Sex) -> PlannedEntry {
        PlannedEntry {
            source: Source::Draw {
                need: Need::Clean,
                sex,
            },
            ground: None,
        }
    }

    pub(crate) fn sex(&self) -> Option<Sex> {
        match self.source {
            Source::Draw { sex, .. } => Some(sex),
            Source::SameAs { .. } => None,
        }
    }
}

/// A nomination placed in its council.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PlannedNomination {
    /// Index into the setup's councils.
    pub council: usize,
    pub kind: NominationKind,
    pub stage: NominationStage,
    pub entries: Vec<PlannedEntry>,
    /// A designed fault of an invented party may be added to this list (a registered list
    /// leaves the candidate out, a pending one shows the failing check).
    pub takes_faults: bool,
}

/// Who nominates a floating aiyl nomination.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FloatingNominator {
    SelfNominated,
    /// An invented party, by index into the parties.
    Party(usize),
}

/// A designed aiyl nomination whose council is chosen at fill.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FloatingNomination {
    pub need: Need,
    pub sex: Sex,
    pub nominator: FloatingNominator,
    pub stage: NominationStage,
}

/// A designed, failing candidate to add to a city list at fill: to a registered list of an
/// invented party (which then leaves them out), or to the list `target`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FloatingEntry {
    pub need: Need,
    pub target: Option<usize>,
}

/// The candidacies before persons are drawn.
#[derive(Debug, Clone)]
pub struct CandidacyPlan {
    pub(crate) parties: Vec<Party>,
    pub(crate) nominations: Vec<PlannedNomination>,
    pub(crate) floating: Vec<FloatingNomination>,
    pub(crate) floating_entries: Vec<FloatingEntry>,
    /// Per council (setup order): the districts of its scheme, with their seats.
    pub(crate) districts: Vec<Vec<(DistrictId, u32)>>,
}

/// What a [`CandidacyPlan`] holds, counted (CAN-10).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanCounts {
    pub parties: usize,
    /// City lists of every stage, and the registered ones with their standing candidates.
    pub city_lists: usize,
    pub city_lists_registered: usize,
    pub city_list_candidates_registered: usize,
    pub city_list_women_registered: usize,
    /// Aiyl nominations of every stage (one candidate each), designed ones included.
    pub aiyl_candidates: usize,
}

impl CandidacyPlan {
    pub fn counts(&self) -> PlanCounts {
        let lists = self.nominations.iter().filter(|n| n.kind.is_list());
        let registered: Vec<&PlannedNomination> = lists
            .clone()
            .filter(|n| matches!(n.stage, NominationStage::Registered { .. }))
            .collect();
        let standing = |n: &&PlannedNomination| {
            n.entries
                .iter()
                .filter(|e| e.ground.is_none())
                .map(|e| e.sex())
                .collect::<Vec<_>>()
        };
        PlanCounts {
            parties: self.parties.len(),
            city_lists: lists.count(),
            city_lists_registered: registered.len(),
            city_list_candidates_registered: registered.iter().map(|n| standing(n).len()).sum(),
            city_list_women_registered: registered
                .iter()
                .map(|n| {
                    standing(n)
                        .iter()
                        .filter(|s| **s == Some(Sex::Female))
                        .count()
                })
                .sum(),
            aiyl_candidates: self
                .nominations
                .iter()
                .filter(|n| !n.kind.is_list())
                .count()
                + self.floating.len(),
        }
    }
}

/// The figures a scale aims at.
struct Design {
    /// Registered city lists, their standing candidates and the women among them (CAN-10:
    /// 187, 4,928 and 1,745 in 2024); `None`: a few per council, as the persons allow.
    city_lists: Option<(usize, u32, u32)>,
    /// The longest list, when the scale has too few persons for lists as long as the seats.
    list_cap: Option<u32>,
    /// Aiyl nominations of every stage (CAN-10: about 10,000); `None`: a few per district.
    aiyl_total: Option<usize>,
    /// Designed aiyl nominations per fault: refused by the TEC, and pending with the failing
    /// check for the TEC to see.
    aiyl_refused_each: usize,
    aiyl_pending_each: usize,
    /// Aiyl nominations refused for deficient documents (CAN-08), of clean persons.
    aiyl_documents_refused: usize,
    /// Drafts whose filing is refused at the door: an under-age candidate (CAN-01), a person
    /// already standing in another district of the council (CAN-05).
    aiyl_under_age: usize,
    aiyl_duplicates: usize,
    /// The registry profiles of the candidates that registered lists leave out.
    excluded_profiles: &'static [u8],
}

const NATIONAL: Design = Design {
    city_lists: Some((187, 4_928, 1_745)),
    list_cap: None,
    aiyl_total: Some(10_000),
    aiyl_refused_each: 10,
    aiyl_pending_each: 3,
    aiyl_documents_refused: 10,
    aiyl_under_age: 5,
    aiyl_duplicates: 5,
    excluded_profiles: &[1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6],
};

const SMALL: Design = Design {
    city_lists: None,
    list_cap: Some(10),
    aiyl_total: None,
    aiyl_refused_each: 1,
    aiyl_pending_each: 1,
    aiyl_documents_refused: 1,
    aiyl_under_age: 1,
    aiyl_duplicates: 1,
    excluded_profiles: &[2, 6],
};

/// The city lists of invented parties that do not end registered, one of each, in towns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DesignedList {
    /// Refused for deficient documents (CAN-08).
    Refused,
    /// Pending, with a candidate failing a check ([`PENDING_LIST_FAULT`]).
    Pending,
    /// A draft with too few women to be filed (CAN-06).
    OneSex,
    /// A draft with a person already on a registered list of the council (CAN-05).
    Duplicate,
}

impl DesignedList {
    const ALL: [DesignedList; 4] = [
        DesignedList::Refused,
        DesignedList::Pending,
        DesignedList::OneSex,
        DesignedList::Duplicate,
    ];
}

/// The profile of the failing candidate on the pending city list of an invented party.
const PENDING_LIST_FAULT: Need = Need::Profile(3);

/// Share of self-nominees among aiyl candidates (not published; about half).
const SELF_NOMINATED_SHARE: f64 = 0.45;
/// Share of aiyl nominations still drafts on [`AS_OF`] (the window is open two more days).
const AIYL_DRAFT_SHARE: f64 = 0.04;

/// The days of the windows, from the election's statutory calendar.
struct Days {
    list_first: Date,
    list_last: Date,
    list_decided_last: Date,
    aiyl_first: Date,
    aiyl_last: Date,
    aiyl_decided_last: Date,
}

fn last_day(closes: Option<Timestamp>, fallback: Date) -> Date {
    closes
        .and_then(|t| t.checked_sub(SignedDuration::from_secs(1)).ok())
        .map_or(fallback, |t| to_bishkek(t).date())
}

impl Days {
    fn of(setup: &Setup) -> Days {
        let election = setup.elections.first();
        let (called, voting) = election.map_or((date(2024, 9, 6), crate::VOTING_DAY), |e| {
            (e.called_on, e.voting_day)
        });
        let calendar = Calendar::statutory(called, voting).ok();
        let window = |action: Action| calendar.as_ref().map_or((None, None), |c| c.window(action));
        let day_before = AS_OF.yesterday().unwrap_or(AS_OF);
        let first = |action| {
            // A few days after the window opens: documents take time to gather.
            let opens = window(action).0.map_or(called, |t| to_bishkek(t).date());
            opens.checked_add(3.days()).unwrap_or(opens)
        };
        let last = |action| last_day(window(action).1, day_before).min(day_before);
        Days {
            list_first: first(Action::NominateCityList),
            list_last: last(Action::NominateCityList),
            list_decided_last: last(Action::RegisterCityList),
            aiyl_first: first(Action::NominateAiylCandidate),
            aiyl_last: last(Action::NominateAiylCandidate),
            aiyl_decided_last: last(Action::RegisterAiylCandidate),
        }
    }
}

fn day_between(rng: &mut ChaCha8Rng, first: Date, last: Date) -> Date {
    let span = first.until(last).map_or(0, |s| s.get_days()).max(0);
    first
        .checked_add(rng.random_range(0..=span).days())
        .unwrap_or(first)
}

fn plus_days(d: Date, n: i64) -> Date {
    d.checked_add(n.days()).unwrap_or(d)
}

/// Registered on a day within CAN-09's ten days of the filing, before `last`.
fn registered(rng: &mut ChaCha8Rng, filed_on: Date, last: Date) -> NominationStage {
    let decided_on = plus_days(filed_on, rng.random_range(1..=10))
        .min(last)
        .max(filed_on);
    NominationStage::Registered {
        filed_on,
        decided_on,
    }
}

/// The smallest and largest number of women a list of `len` may hold (CAN-06: at most
/// `max_percent` of one sex, compared exactly as the domain does).
pub(crate) fn women_bounds(len: u32, max_percent: u8) -> (u32, u32) {
    let max = u64::from(max_percent);
    let fits = |count: u32| u64::from(count) * 100 <= max * u64::from(len);
    let most = (0..=len).rev().find(|w| fits(*w)).unwrap_or(0);
    let least = (0..=len).find(|w| fits(len - w)).unwrap_or(len);
    (least, most)
}

/// `w` women and `len - w` men in a random order.
fn sexes(rng: &mut ChaCha8Rng, len: u32, women: u32) -> Vec<Sex> {
    let mut out: Vec<Sex> = (0..len)
        .map(|i| if i < women { Sex::Female } else { Sex::Male })
        .collect();
    out.shuffle(rng);
    out
}

struct Builder<'a> {
    setup: &'a Setup,
    rng: ChaCha8Rng,
    design: &'static Design,
    days: Days,
    params: RuleParameters,
    parties: Vec<(Party, u32)>,
    nominations: Vec<PlannedNomination>,
}

impl Builder<'_> {
    fn party_index(&self, id: &str) -> Option<usize> {
        self.parties.iter().position(|(p, _)| p.id.as_str() == id)
    }

    fn party_id(&self, i: usize) -> PartyId {
        self.parties[i].0.id.clone()
    }

    /// `count` parties drawn by weight without replacement from `among`.
    fn draw_parties(&mut self, among: &[usize], count: usize) -> Vec<usize> {
        let mut left: Vec<usize> = among.to_vec();
        let mut out = Vec::with_capacity(count);
        while out.len() < count && !left.is_empty() {
            let total: u32 = left.iter().map(|&i| self.parties[i].1).sum();
            let mut x = self.rng.random_range(0..total.max(1));
            let k = left
                .iter()
                .position(|&i| {
                    let w = self.parties[i].1;
                    if x < w {
                        true
                    } else {
                        x -= w;
                        false
                    }
                })
                .unwrap_or(0);
            out.push(left.swap_remove(k));
        }
        out
    }

    fn invented(&self) -> Vec<usize> {
        (REAL_PARTIES..self.parties.len()).collect()
    }

    fn list(&self, council: usize, party: usize, stage: NominationStage) -> PlannedNomination {
        PlannedNomination {
            council,
            kind: NominationKind::CityList {
                party: self.party_id(party),
            },
            stage,
            entries: Vec::new(),
            takes_faults: false,
        }
    }

    fn list_filed(&mut self) -> Date {
        day_between(&mut self.rng, self.days.list_first, self.days.list_last)
    }

    fn list_registered(&mut self) -> NominationStage {
        let filed_on = self.list_filed();
        registered(&mut self.rng, filed_on, self.days.list_decided_last)
    }

    /// A list filed late enough that the TEC's ten days still run on [`AS_OF`].
    fn list_pending(&mut self) -> NominationStage {
        let first = plus_days(AS_OF, -10).max(self.days.list_first);
        NominationStage::Submitted {
            filed_on: day_between(&mut self.rng, first, self.days.list_last),
        }
    }

    /// Bishkek, Osh and the other city councils, by index.
    fn city_councils(&self) -> (Option<usize>, Option<usize>, Vec<usize>) {
        let councils = &self.setup.councils;
        let find = |id: &str| councils.iter().position(|c| c.id.as_str() == id);
        let (bishkek, osh) = (find("bishkek-city"), find("osh-city"));
        let towns = (0..councils.len())
            .filter(|&i| councils[i].kind == CouncilKind::City)
            .filter(|&i| Some(i) != bishkek && Some(i) != osh)
            .collect();
        (bishkek, osh, towns)
    }

    fn city_lists(&mut self) {
        let (bishkek, osh, towns) = self.city_councils();
        let first = self.nominations.len();
        for (council, parties) in self.registered_parties(bishkek, osh, &towns) {
            for party in parties {
                let stage = self.list_registered();
                let mut list = self.list(council, party, stage);
                list.takes_faults = party >= REAL_PARTIES;
                self.nominations.push(list);
            }
        }
        // Bir Bol's Osh list of 2024: 34 candidates for 51 seats.
        let bir_bol = self.party_index(BIR_BOL).map(|p| self.party_id(p));
        let fixed = self.nominations[first..]
            .iter()
            .position(|n| Some(n.council) == osh && n.kind.party() == bir_bol.as_ref())
            .map(|i| (first + i, 34));
        self.registered_entries(first, fixed);

        // The Social Democrats' Bishkek list is pending on the demo day (in 2024 it was
        // registered, then deregistered the day before voting, CAN-09).
        if let (Some(b), Some(sd)) = (bishkek, self.party_index(SOCIAL_DEMOCRATS)) {
            let stage = self.list_pending();
            let mut list = self.list(b, sd, stage);
            let len = self.length(b);
            list.entries = self.clean_entries(len, None);
            self.nominations.push(list);
        }
        self.designed_lists(towns);
    }

    /// The parties with a registered list in each city council: Bishkek's six of 2024 (RES-12's
    /// five and Uluu-Zhurt), Osh seven with Bir Bol, and the rest spread over the towns by
    /// council size; in council order.
    fn registered_parties(
        &mut self,
        bishkek: Option<usize>,
        osh: Option<usize>,
        towns: &[usize],
    ) -> Vec<(usize, Vec<usize>)> {
        let mut out: Vec<(usize, Vec<usize>)> = Vec::new();
        if let Some(b) = bishkek {
            let parties = BISHKEK_WINNERS
                .iter()
                .chain(&[ULUU_ZHURT])
                .filter_map(|id| self.party_index(id))
                .collect();
            out.push((b, parties));
        }
        let (sd, bir_bol) = (
            self.party_index(SOCIAL_DEMOCRATS),
            self.party_index(BIR_BOL),
        );
        let others: Vec<usize> = (0..self.parties.len())
            .filter(|&i| Some(i) != sd && Some(i) != bir_bol)
            .collect();
        if let Some(o) = osh {
            let mut parties: Vec<usize> = bir_bol.into_iter().collect();
            parties.extend(self.draw_parties(&others, 6));
            out.push((o, parties));
        }
        let counts: Vec<u64> = match self.design.city_lists {
            Some((total, _, _)) => {
                let taken: usize = out.iter().map(|(_, p)| p.len()).sum();
                let weights: Vec<f64> = towns
                    .iter()
                    .map(|&t| {
                        f64::from(self.setup.councils[t].seats.get())
                            * self.rng.random_range(0.7..1.3)
                    })
                    .collect();
                apportion(total.saturating_sub(taken) as u64, &weights, 3)
            }
            None => vec![2; towns.len()],
        };
        // Small data: the towns' lists are the invented parties', so that the designed faults
        // (given to invented parties only) have lists to go to.
        let pool = if self.design.city_lists.is_some() {
            others
        } else {
            self.invented()
        };
        for (&t, &n) in towns.iter().zip(&counts) {
            let parties = self.draw_parties(&pool, n as usize);
            out.push((t, parties));
        }
        out.sort_by_key(|(c, _)| *c);
        out
    }

    /// In towns, one invented party's list of each [`DesignedList`].
    fn designed_lists(&mut self, mut towns: Vec<usize>) {
        towns.shuffle(&mut self.rng);
        if towns.is_empty() {
            return;
        }
        for (k, which) in DesignedList::ALL.into_iter().enumerate() {
            let council = towns[k % towns.len()];
            let taken: Vec<&PartyId> = self
                .nominations
                .iter()
                .filter(|n| n.council == council)
                .filter_map(|n| n.kind.party())
                .collect();
            let free: Vec<usize> = self
                .invented()
                .into_iter()
                .filter(|&p| !taken.contains(&&self.parties[p].0.id))
                .collect();
            let Some(&party) = self.draw_parties(&free, 1).first() else {
                continue;
            };
            if let Some(list) = self.designed_list(which, council, party) {
                self.nominations.push(list);
            }
        }
    }

    fn designed_list(
        &mut self,
        which: DesignedList,
        council: usize,
        party: usize,
    ) -> Option<PlannedNomination> {
        let len = self.length(council).max(8);
        let list = match which {
            DesignedList::Refused => self.refused_list(council, party, len)?,
            DesignedList::Pending => {
                // One place is left for the failing candidate the fill adds.
                let stage = self.list_pending();
                let mut list = self.list(council, party, stage);
                list.entries = self.clean_entries(len - 1, None);
                list.takes_faults = true;
                list
            }
            DesignedList::OneSex => {
                let refused = Some(Ground::list(ListCode::OneSexOverShare));
                let mut list = self.list(
                    council,
                    party,
                    NominationStage::Draft {
                        refused_at_filing: refused,
                    },
                );
                // Fewer women than CAN-06 allows: the party cannot file it as it stands.
                let (least, _) = women_bounds(len, self.params.list_max_share_one_sex_percent);
                list.entries = sexes(&mut self.rng, len, least.saturating_sub(2))
                    .into_iter()
                    .map(PlannedEntry::clean)
                    .collect();
                list
            }
            DesignedList::Duplicate => self.duplicate_list(council, party, len)?,
        };
        Some(list)
    }

    /// A list the TEC refused on a ground of its documents.
    fn refused_list(
        &mut self,
        council: usize,
        party: usize,
        len: u32,
    ) -> Option<PlannedNomination> {
        let (filed_on, decided_on) = match self.list_registered() {
            NominationStage::Registered {
                filed_on,
                decided_on,
            } => (filed_on, decided_on),
            _ => return None,
        };
        let ground = Ground::candidate(CandidateCode::DocumentsDeficient)?;
        let mut list = self.list(
            council,
            party,
            NominationStage::Refused {
                filed_on,
                decided_on,
                ground,
            },
        );
        list.entries = self.clean_entries(len, None);
        Some(list)
    }

    /// A draft whose filing CAN-05 refuses: a person of a registered list of the same council.
    fn duplicate_list(
        &mut self,
        council: usize,
        party: usize,
        len: u32,
    ) -> Option<PlannedNomination> {
        // A person of a registered list of the same council, put on this one too.
        let other = self.nominations.iter().position(|n| {
            n.council == council
                && n.kind.is_list()
                && matches!(n.stage, NominationStage::Registered { .. })
        })?;
        let twice = Ground::candidate(CandidateCode::MultipleCandidacies);
        let mut list = self.list(
            council,
            party,
            NominationStage::Draft {
                refused_at_filing: twice,
            },
        );
        // One more woman than the least, so that the duplicate's sex cannot matter.
        list.entries = self.clean_entries(len - 1, Some(1));
        let entry = self
            .rng
            .random_range(0..self.nominations[other].entries.len());
        let at = self.rng.random_range(0..=list.entries.len());
        let source = Source::SameAs {
            nomination: other,
            entry,
        };
        list.entries.insert(
            at,
            PlannedEntry {
                source,
                ground: twice,
            },
        );
        Some(list)
    }

    /// A list length for a council of this size.
    fn length(&mut self, council: usize) -> u32 {
        let seats = self.setup.councils[council].seats.get();
        let cap = self.design.list_cap.map_or(seats, |c| c.min(seats));
        let share = if self.rng.random_bool(0.4) {
            1.0
        } else {
            self.rng.random_range(0.55..1.0)
        };
        ((f64::from(cap) * share).round() as u32).clamp(3.min(cap), cap)
    }

    /// `len` clean candidates with the least women CAN-06 allows plus `extra`, or a random
    /// number within the limits when `extra` is `None`.
    fn clean_entries(&mut self, len: u32, extra: Option<u32>) -> Vec<PlannedEntry> {
        let (least, most) = women_bounds(len, self.params.list_max_share_one_sex_percent);
        let women = match extra {
            Some(e) => (least + e).min(most),
            None => self
                .rng
                .random_range(least..=least.max(most.min(least + 3))),
        };
        sexes(&mut self.rng, len, women)
            .into_iter()
            .map(PlannedEntry::clean)
            .collect()
    }

    /// The candidates of the registered lists from `first` on: at most the seats (CAN-06),
    /// within the share of one sex, and on the national scale exactly the 2024 totals of
    /// candidates and women. `fixed` is a list whose length history gives.
    fn registered_entries(&mut self, first: usize, fixed: Option<(usize, u32)>) {
        let lists = first..self.nominations.len();
        let seats: Vec<u32> = lists
            .clone()
            .map(|i| self.setup.councils[self.nominations[i].council].seats.get())
            .collect();
        let mut len: Vec<u32> = lists
            .clone()
            .zip(&seats)
            .map(|(i, &s)| match fixed {
                Some((f, l)) if f == i => l.min(s),
                _ => self.length(self.nominations[i].council),
            })
            .collect();
        let max_percent = self.params.list_max_share_one_sex_percent;
        let bounds = |l: u32| women_bounds(l, max_percent);
        let mut women: Vec<u32> = len.iter().map(|&l| bounds(l).0).collect();
        if let Some((_, candidates, women_total)) = self.design.city_lists {
            // One candidate more or less at a time, on lists with room, to the exact totals.
            let adjustable: Vec<usize> = (0..len.len())
                .filter(|&k| fixed.is_none_or(|(f, _)| f != first + k))
                .collect();
            let mut sum: u32 = len.iter().sum();
            for _ in 0..10_000_000 {
                if sum == candidates || adjustable.is_empty() {
                    break;
                }
                let k = adjustable[self.rng.random_range(0..adjustable.len())];
                if sum < candidates && len[k] < seats[k] {
                    len[k] += 1;
                    sum += 1;
                } else if sum > candidates && len[k] > (seats[k] / 2).max(5) {
                    len[k] -= 1;
                    sum -= 1;
                }
            }
            for (w, &l) in women.iter_mut().zip(&len) {
                *w = bounds(l).0;
            }
            let mut sum: u32 = women.iter().sum();
            for _ in 0..1_000_000 {
                if sum >= women_total {
                    break;
                }
                let k = self.rng.random_range(0..len.len());
                if women[k] < bounds(len[k]).1 {
                    women[k] += 1;
                    sum += 1;
                }
            }
        } else {
            for (w, &l) in women.iter_mut().zip(&len) {
                *w = (*w + self.rng.random_range(0..=2)).min(bounds(l).1);
            }
        }
        for (k, i) in lists.enumerate() {
            self.nominations[i].entries = sexes(&mut self.rng, len[k], women[k])
                .into_iter()
                .map(PlannedEntry::clean)
                .collect();
        }
    }

    fn aiyl_nominator(&mut self) -> Nominator {
        if self.rng.random_bool(SELF_NOMINATED_SHARE) {
            return Nominator::SelfNominated;
        }
        let all: Vec<usize> = (0..self.parties.len()).collect();
        let p = self.draw_parties(&all, 1).first().copied().unwrap_or(0);
        Nominator::Party(self.party_id(p))
    }

    /// An aiyl nomination refused on `ground` a few days after its filing, before the demo day.
    fn aiyl_refused(&mut self, ground: Ground) -> NominationStage {
        let last_filed = plus_days(AS_OF, -11).max(self.days.aiyl_first);
        let filed_on = day_between(&mut self.rng, self.days.aiyl_first, last_filed);
        let decided_on = plus_days(filed_on, self.rng.random_range(3..=10))
            .min(self.days.aiyl_decided_last)
            .max(filed_on);
        NominationStage::Refused {
            filed_on,
            decided_on,
            ground,
        }
    }

    /// A filed aiyl nomination: registered, or pending when filed in the TEC's last ten days.
    fn aiyl_filed(&mut self) -> NominationStage {
        let filed_on = day_between(&mut self.rng, self.days.aiyl_first, self.days.aiyl_last);
        if filed_on >= plus_days(AS_OF, -10) && self.rng.random_bool(0.7) {
            NominationStage::Submitted { filed_on }
        } else {
            registered(&mut self.rng, filed_on, self.days.aiyl_decided_last)
        }
    }

    /// Aiyl nominations per council before the districts are known. Each council gets at
    /// least its seats plus one per district, for any scheme of its units (a scheme has at
    /// most as many districts as units, and as seats), so that [`PrePlan::complete`] can give
    /// every district one candidate more than its mandates. Refusals for deficient documents
    /// (CAN-08, clean persons) are placed in councils here too.
    fn aiyl_totals(&mut self, units: &[usize], designed: usize) -> Vec<AiylTotals> {
        let councils = &self.setup.councils;
        let mins: Vec<u64> = councils
            .iter()
            .zip(units)
            .map(|(c, &u)| {
                let seats = u64::from(c.seats.get());
                if c.kind == CouncilKind::Aiyl && u > 0 {
                    seats + (u as u64).min(seats)
                } else {
                    0
                }
            })
            .collect();
        let normal: Vec<u64> = match self.design.aiyl_total {
            Some(total) => {
                let weights: Vec<f64> = councils
                    .iter()
                    .zip(&mins)
                    .map(|(c, &m)| {
                        if m == 0 {
                            0.0
                        } else {
                            f64::from(c.seats.get()) * self.rng.random_range(0.8..1.25)
                        }
                    })
                    .collect();
                let floor: u64 = mins.iter().sum();
                let above = (total.saturating_sub(designed) as u64).saturating_sub(floor);
                apportion(above, &weights, 0)
                    .into_iter()
                    .zip(&mins)
                    .map(|(a, &m)| m + a)
                    .collect()
            }
            None => councils
                .iter()
                .zip(&mins)
                .map(|(c, &m)| {
                    if m == 0 {
                        0
                    } else {
                        m + self.rng.random_range(0..=u64::from(c.seats.get()))
                    }
                })
                .collect(),
        };
        let mut totals: Vec<AiylTotals> = normal
            .into_iter()
            .map(|n| AiylTotals {
                normal: n as u32,
                documents: 0,
            })
            .collect();
        let aiyl: Vec<usize> = (0..totals.len()).filter(|&c| mins[c] > 0).collect();
        if !aiyl.is_empty() {
            for _ in 0..self.design.aiyl_documents_refused {
                totals[aiyl[self.rng.random_range(0..aiyl.len())]].documents += 1;
            }
        }
        totals
    }

    /// The aiyl nominations of each council in its districts: one candidate more than the
    /// mandates at least, enough women for DIS-04's reserve and some more; then the refusals
    /// for deficient documents and the drafts of a person standing in another district of the
    /// council (CAN-05).
    fn aiyl(&mut self, totals: &[AiylTotals], districts: &[Vec<(DistrictId, u32)>]) {
        for (council, (t, ds)) in totals.iter().zip(districts).enumerate() {
            if ds.is_empty() || t.normal == 0 {
                continue;
            }
            let mins: u64 = ds.iter().map(|(_, m)| u64::from(*m) + 1).sum();
            let weights: Vec<f64> = ds
                .iter()
                .map(|(_, m)| f64::from(*m) * self.rng.random_range(0.8..1.25))
                .collect();
            let above = apportion(u64::from(t.normal).saturating_sub(mins), &weights, 0);
            for ((district, m), a) in ds.iter().zip(above) {
                let n = *m + 1 + a as u32;
                let reserved = reserved_for_women(*m, &self.params);
                let share = self.rng.random_range(0.28..0.45);
                let women = ((f64::from(n) * share).round() as u32)
                    .max(reserved + 1)
                    .min(n);
                for sex in sexes(&mut self.rng, n, women) {
                    let stage = if self.rng.random_bool(AIYL_DRAFT_SHARE) {
                        NominationStage::Draft {
                            refused_at_filing: None,
                        }
                    } else {
                        self.aiyl_filed()
                    };
                    let nominator = self.aiyl_nominator();
                    self.nominations.push(PlannedNomination {
                        council,
                        kind: NominationKind::District {
                            district: district.clone(),
                            nominator,
                        },
                        stage,
                        entries: vec![PlannedEntry::clean(sex)],
                        takes_faults: false,
                    });
                }
            }
            for _ in 0..t.documents {
                self.documents_refused(council, ds);
            }
        }
        self.duplicates(districts);
    }

    /// A district of the council, drawn.
    fn district_of(&mut self, districts: &[(DistrictId, u32)]) -> Option<DistrictId> {
        (!districts.is_empty()).then(|| {
            districts[self.rng.random_range(0..districts.len())]
                .0
                .clone()
        })
    }

    /// A nomination refused for deficient documents (CAN-08): the TEC's reading, no registry.
    fn documents_refused(&mut self, council: usize, districts: &[(DistrictId, u32)]) {
        let Some(district) = self.district_of(districts) else {
            return;
        };
        let Some(ground) = Ground::candidate(CandidateCode::DocumentsDeficient) else {
            return;
        };
        let stage = self.aiyl_refused(ground);
        let nominator = self.aiyl_nominator();
        let sex = if self.rng.random_bool(0.4) {
            Sex::Female
        } else {
            Sex::Male
        };
        self.nominations.push(PlannedNomination {
            council,
            kind: NominationKind::District {
                district,
                nominator,
            },
            stage,
            entries: vec![PlannedEntry::clean(sex)],
            takes_faults: false,
        });
    }

    /// Drafts of persons already registered in the council, in another (or the same) district:
    /// their filing is refused, the person holding a live candidacy (CAN-05).
    fn duplicates(&mut self, districts: &[Vec<(DistrictId, u32)>]) {
        let live: Vec<usize> = self
            .nominations
            .iter()
            .enumerate()
            .filter(|(_, n)| {
                !n.kind.is_list() && matches!(n.stage, NominationStage::Registered { .. })
            })
            .map(|(i, _)| i)
            .collect();
        for _ in 0..self.design.aiyl_duplicates {
            if live.is_empty() {
                break;
            }
            let other = live[self.rng.random_range(0..live.len())];
            let council = self.nominations[other].council;
            let Some(district) = self.district_of(&districts[council]) else {
                continue;
            };
            let nominator = self.aiyl_nominator();
            self.nominations.push(PlannedNomination {
                council,
                kind: NominationKind::District {
                    district,
                    nominator,
                },
                stage: NominationStage::Draft {
                    refused_at_filing: Ground::candidate(CandidateCode::MultipleCandidacies),
                },
                entries: vec![PlannedEntry {
                    source: Source::SameAs {
                        nomination: other,
                        entry: 0,
                    },
                    ground: Ground::candidate(CandidateCode::MultipleCandidacies),
                }],
                takes_faults: false,
            });
        }
    }

    /// The designed aiyl nominations whose councils the register decides.
    fn floating(&mut self) -> Vec<FloatingNomination> {
        let invented = self.invented();
        let mut out = Vec::new();
        let mut push = |b: &mut Self, need: Need, stage: NominationStage| {
            // CAN-04 binds party nominees only: a member of another party fails as one.
            let by_party = need == Need::Profile(6) || b.rng.random_bool(0.5);
            let nominator = if by_party {
                FloatingNominator::Party(invented[b.rng.random_range(0..invented.len())])
            } else {
                FloatingNominator::SelfNominated
            };
            let sex = if b.rng.random_bool(0.4) {
                Sex::Female
            } else {
                Sex::Male
            };
            out.push(FloatingNomination {
                need,
                sex,
                nominator,
                stage,
            });
        };
        for need in Need::FAULTS {
            for _ in 0..self.design.aiyl_refused_each {
                let ground = need.ground().expect("a fault has a ground");
                let stage = self.aiyl_refused(ground);
                push(self, need, stage);
            }
            for _ in 0..self.design.aiyl_pending_each {
                let filed_on = day_between(
                    &mut self.rng,
                    plus_days(AS_OF, -10).max(self.days.aiyl_first),
                    self.days.aiyl_last,
                );
                push(self, need, NominationStage::Submitted { filed_on });
            }
        }
        for _ in 0..self.design.aiyl_under_age {
            push(
                self,
                Need::UnderAge,
                NominationStage::Draft {
                    refused_at_filing: Need::UnderAge.ground(),
                },
            );
        }
        out
    }
}

/// Aiyl nominations of one council, before its districts are known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AiylTotals {
    /// Nominations of clean candidates, of any stage.
    pub normal: u32,
    /// Refusals for deficient documents (clean candidates too).
    pub documents: u32,
}

/// The part of the plan that does not depend on the district schemes: the city lists, the
/// aiyl nominations per council, the designed faults. Enough to size the pools, so that the
/// schemes can be drawn while the register streams.
#[derive(Debug, Clone)]
pub(crate) struct PrePlan {
    scale: Scale,
    seed: u64,
    parties: Vec<(Party, u32)>,
    /// The city lists.
    pub lists: Vec<PlannedNomination>,
    /// Per council (setup order).
    pub aiyl: Vec<AiylTotals>,
    floating: Vec<FloatingNomination>,
    floating_entries: Vec<FloatingEntry>,
}

fn design(scale: Scale) -> &'static Design {
    match scale {
        Scale::National => &NATIONAL,
        Scale::Small => &SMALL,
    }
}

fn builder(
    setup: &Setup,
    parties: Vec<(Party, u32)>,
    scale: Scale,
    seed: u64,
    stream: u64,
) -> Builder<'_> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    Builder {
        setup,
        rng,
        design: design(scale),
        days: Days::of(setup),
        params: RuleParameters::default(),
        parties,
        nominations: Vec::new(),
    }
}

/// Plans what does not depend on the schemes, for councils with `units` districting units
/// each (setup order; 0 for city councils); deterministic in (scale, seed).
pub(crate) fn pre_plan(
    setup: &Setup,
    units: &[usize],
    parties: Vec<(Party, u32)>,
    scale: Scale,
    seed: u64,
) -> PrePlan {
    // Streams: 0 the setup, 1 the register, 2 the districting geography, 3 and 5 the
    // candidacies (before and after the schemes), 4 the fill.
    let mut b = builder(setup, parties, scale, seed, 3);
    b.city_lists();
    let floating = b.floating();
    let design = b.design;
    let designed = floating.len() + design.aiyl_documents_refused + design.aiyl_duplicates;
    let aiyl = b.aiyl_totals(units, designed);
    let mut floating_entries: Vec<FloatingEntry> = design
        .excluded_profiles
        .iter()
        .map(|&k| FloatingEntry {
            need: Need::Profile(k),
            target: None,
        })
        .collect();
    if let Some(pending) = b
        .nominations
        .iter()
        .position(|n| n.takes_faults && matches!(n.stage, NominationStage::Submitted { .. }))
    {
        floating_entries.push(FloatingEntry {
            need: PENDING_LIST_FAULT,
            target: Some(pending),
        });
    }
    PrePlan {
        scale,
        seed,
        parties: b.parties,
        lists: b.nominations,
        aiyl,
        floating,
        floating_entries,
    }
}

impl PrePlan {
    /// The whole plan, with the aiyl nominations in the districts of `schemes`.
    pub(crate) fn complete(self, setup: &Setup, schemes: &[CouncilScheme]) -> CandidacyPlan {
        let districts: Vec<Vec<(DistrictId, u32)>> = setup
            .councils
            .iter()
            .map(|c| {
                schemes
                    .iter()
                    .find(|s| s.council == c.id)
                    .map(|s| {
                        s.districts
                            .iter()
                            .map(|d| (d.id.clone(), d.seats))
                            .collect()
                    })
                    .unwrap_or_default()
            })
            .collect();
        let mut b = builder(setup, self.parties, self.scale, self.seed, 5);
        b.nominations = self.lists;
        b.aiyl(&self.aiyl, &districts);
        CandidacyPlan {
            parties: b.parties.into_iter().map(|(p, _)| p).collect(),
            nominations: b.nominations,
            floating: self.floating,
            floating_entries: self.floating_entries,
            districts,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;
    use shailoo_domain::SeatCount;
    use shailoo_domain::candidate::check_party_list;

    #[test]
    fn can_06_women_bounds_are_those_of_the_domains_check() {
        let params = RuleParameters::default();
        for len in 1..=51u32 {
            let (least, most) = women_bounds(len, params.list_max_share_one_sex_percent);
            let seats = SeatCount::new(51).unwrap();
            let lawful = |women: u32| {
                let sexes = (0..len).map(|i| if i < women { Sex::Female } else { Sex::Male });
                check_party_list(sexes, seats, &params).is_empty()
            };
            let expected: Vec<u32> = (0..=len).filter(|&w| lawful(w)).collect();
            if expected.is_empty() {
                // A list of one or two has no lawful composition under 70 %.
                assert!(least > most, "{len}");
            } else {
                assert_eq!(
                    (least, most),
                    (expected[0], *expected.last().unwrap()),
                    "{len}"
                );
            }
        }
    }

    #[test]
    fn every_fault_names_its_rule() {
        let codes: Vec<&str> = Need::FAULTS
            .iter()
            .map(|n| shailoo_domain::params::Coded::rule(&n.ground().unwrap()))
            .collect();
        assert_eq!(
            codes,
            [
                "CAN-08", "CAN-02", "CAN-02", "CAN-02", "CAN-01", "CAN-04", "CAN-01"
            ]
        );
        assert_eq!(Need::Clean.ground(), None);
        let indexes: std::collections::HashSet<usize> = [Need::Clean, Need::UnderAge]
            .into_iter()
            .chain(Need::FAULTS)
            .map(Need::index)
            .collect();
        assert_eq!(indexes.len(), Need::COUNT);
    }
}
