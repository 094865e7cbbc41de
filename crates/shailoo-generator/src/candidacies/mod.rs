//! Parties, nominations and candidates at the 2024 scale (CAN-10), drawn from the generated
//! register, written as `parties.csv`, `nominations.csv` and `candidates.csv`.
//!
//! Three steps, so that writing the national dataset streams the register only once:
//! 1. [`plan`]: the lists and aiyl nominations with their stages, dates and the needs of their
//!    candidates, from the setup and the district schemes alone (every count is fixed here);
//! 2. [`pools`]: while the register is written, the persons each council can give are sampled;
//! 3. [`fill`]: the sampled persons are put in place, and the designed faults whose persons are
//!    rare go where the register has them.
//!
//! The candidates are eligible persons of the register living in the council's territory; no
//! one stands twice but the few designed CAN-05 duplicates. A small designed share fails each
//! rule: through the registry double's PIN profiles (`docs/registries.md`: not a citizen, a
//! conviction, imprisoned, incapable, no secondary education, a member of another party), by
//! a residence registered too late without a stamp (CAN-01 community), by age (CAN-01, refused
//! at the door), twice in one election (CAN-05), a list composed against CAN-06, deficient
//! documents (CAN-08); so the demo shows every refusal ground.

pub(crate) mod plan;
pub(crate) mod pools;

pub use plan::{AS_OF, CandidacyPlan, PlanCounts};
pub(crate) use pools::Pools;

use plan::{FloatingNominator, Need, Source};
use pools::Drawn;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use shailoo_domain::Sex;
use shailoo_domain::candidate::Nominator;
use shailoo_domain::candidate::nomination::{Ground, NominationKind};
use shailoo_domain::params::RuleParameters;
use shailoo_domain::register::RegisterRecord;
use shailoo_domain::territory::Setup;
use shailoo_formats::{
    Candidacies, CandidateRow, CouncilScheme, NominationKey, NominationRow, NominationStage,
};

/// The candidacies of a dataset with what the demo needs besides the files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedCandidacies {
    /// The district schemes the aiyl nominations stand in (`district_schemes.json`).
    pub schemes: Vec<CouncilScheme>,
    pub candidacies: Candidacies,
    /// The register records of every candidate, once each: a demo that loads a sample of the
    /// register adds these, so that the registries know every candidate.
    pub persons: Vec<RegisterRecord>,
}

/// Occupations as filers state them (Kyrgyz); the last ones suit the elderly.
const OCCUPATIONS: [&str; 32] = [
    "Мугалим",
    "Дарыгер",
    "Юрист",
    "Жеке ишкер",
    "Фермер",
    "Инженер",
    "Экономист",
    "Бухгалтер",
    "Айыл өкмөтүнүн адиси",
    "Журналист",
    "Медайым",
    "Куруучу",
    "Айдоочу",
    "Ветеринар",
    "Агроном",
    "Мектеп директору",
    "Программист",
    "Социалдык кызматкер",
    "Спорт машыктыруучусу",
    "Банк кызматкери",
    "Соода кызматкери",
    "Архитектор",
    "Маданият үйүнүн директору",
    "Коомдук ишмер",
    "Жергиликтүү кеңештин депутаты",
    "Китепканачы",
    "Үй кожойкеси",
    "Фермер чарбасынын башчысы",
    "Ишкана жетекчиси",
    "Ардагер",
    "Пенсионер",
    "Ардактуу пенсионер",
];

/// The first occupation that only the elderly (63 and older) are given.
const ELDERLY_FROM: usize = 29;

/// Keeps the occupation independent of the sampling key, which uses the same mix.
const OCCUPATION_SALT: u64 = 0x6f63_6375_7061_7469;

fn occupation(record: &RegisterRecord) -> &'static str {
    let pin = record.pin.as_u64();
    let age = i32::from(crate::VOTING_DAY.year()) - i32::from(record.birth_date.year());
    let pick = pools::mix(OCCUPATION_SALT, pin) as usize;
    if age >= 63 && pick.is_multiple_of(3) {
        OCCUPATIONS[ELDERLY_FROM + pick % (OCCUPATIONS.len() - ELDERLY_FROM)]
    } else {
        OCCUPATIONS[pick % ELDERLY_FROM]
    }
}

/// A nomination with its persons in place: (index into [`Fill::persons`], ground) in list
/// order.
struct Placed {
    council: usize,
    kind: NominationKind,
    stage: NominationStage,
    entries: Vec<(usize, Option<Ground>)>,
    takes_faults: bool,
}

/// Whether `women` among `total` candidates keep CAN-06's share of one sex.
fn composed(women: usize, total: usize, params: &RuleParameters) -> bool {
    let max = usize::from(params.list_max_share_one_sex_percent);
    women * 100 <= max * total && (total - women) * 100 <= max * total
}

/// The fill's state: the sampled persons left, those taken, and the nominations placed.
struct Fill<'a> {
    setup: &'a Setup,
    plan: &'a CandidacyPlan,
    drawn: Drawn,
    rng: ChaCha8Rng,
    params: RuleParameters,
    /// Every person taken, once.
    persons: Vec<RegisterRecord>,
    /// The planned nominations, in plan order, then the floating ones.
    placed: Vec<Placed>,
}

/// Puts the sampled persons in place (see the module documentation); deterministic in the
/// seed. Returns the files' content and the register record of every candidate, once each.
pub(crate) fn fill(
    setup: &Setup,
    plan: &CandidacyPlan,
    drawn: Drawn,
    seed: u64,
) -> (Candidacies, Vec<RegisterRecord>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(4);
    let mut fill = Fill {
        setup,
        plan,
        drawn,
        rng,
        params: RuleParameters::default(),
        persons: Vec::new(),
        placed: Vec::with_capacity(plan.nominations.len() + plan.floating.len()),
    };
    fill.planned();
    fill.list_faults();
    fill.floating();
    fill.files()
}

impl Fill<'_> {
    fn take(&mut self, council: usize, need: Need, sex: Sex) -> Option<usize> {
        let record = self.drawn.take(council, need, sex)?;
        self.persons.push(record);
        Some(self.persons.len() - 1)
    }

    /// The planned candidates: drawn, or the person of an earlier entry (CAN-05). A candidate
    /// the council's persons cannot give is left out (never on the national data).
    fn planned(&mut self) {
        let plan = self.plan;
        let mut resolved: Vec<Vec<Option<usize>>> = Vec::with_capacity(plan.nominations.len());
        for n in &plan.nominations {
            let mut ids = Vec::with_capacity(n.entries.len());
            let mut entries = Vec::with_capacity(n.entries.len());
            for e in &n.entries {
                let person = match e.source {
                    Source::Draw { need, sex } => self.take(n.council, need, sex),
                    Source::SameAs { nomination, entry } => resolved
                        .get(nomination)
                        .and_then(|r| r.get(entry))
                        .copied()
                        .flatten(),
                };
                ids.push(person);
                if let Some(p) = person {
                    entries.push((p, e.ground));
                }
            }
            resolved.push(ids);
            self.placed.push(Placed {
                council: n.council,
                kind: n.kind.clone(),
                stage: n.stage,
                entries,
                takes_faults: n.takes_faults,
            });
        }
    }

    /// The sex a failing candidate added to list `i` may have: the list stays within the seats
    /// and CAN-06 with them, and the council has such a person.
    fn fault_fits(&self, i: usize, need: Need) -> Option<Sex> {
        let list = &self.placed[i];
        let seats = self.setup.councils[list.council].seats.get() as usize;
        let total = list.entries.len() + 1;
        let women = list
            .entries
            .iter()
            .filter(|(p, _)| self.persons[*p].sex == Sex::Female)
            .count();
        [Sex::Male, Sex::Female].into_iter().find(|&sex| {
            let w = women + usize::from(sex == Sex::Female);
            total <= seats
                && composed(w, total, &self.params)
                && self.drawn.has(list.council, need, sex)
        })
    }

    /// Failing candidates added to city lists of invented parties: registered lists in turn
    /// (which leave them out), or the list the plan names.
    fn list_faults(&mut self) {
        let mut lists: Vec<usize> = (0..self.placed.len())
            .filter(|&i| {
                let p = &self.placed[i];
                p.takes_faults && matches!(p.stage, NominationStage::Registered { .. })
            })
            .collect();
        lists.shuffle(&mut self.rng);
        let mut cursor = 0;
        for fault in &self.plan.floating_entries {
            let turn: Vec<usize> = match fault.target {
                Some(t) => vec![t],
                None => (0..lists.len())
                    .map(|k| lists[(cursor + k) % lists.len()])
                    .collect(),
            };
            let Some((k, i, sex)) = turn
                .iter()
                .enumerate()
                .find_map(|(k, &i)| self.fault_fits(i, fault.need).map(|sex| (k, i, sex)))
            else {
                continue;
            };
            if fault.target.is_none() {
                cursor += k + 1;
            }
            if let Some(p) = self.take(self.placed[i].council, fault.need, sex) {
                let at = self.rng.random_range(0..=self.placed[i].entries.len());
                self.placed[i].entries.insert(at, (p, fault.need.ground()));
            }
        }
    }

    /// The floating aiyl nominations, each in the next council (in a seeded order) whose
    /// register has a person of its need, preferably of its sex.
    fn floating(&mut self) {
        let plan = self.plan;
        let mut councils: Vec<usize> = (0..self.setup.councils.len())
            .filter(|&c| !plan.districts[c].is_empty())
            .collect();
        councils.shuffle(&mut self.rng);
        let mut cursor = 0;
        for f in &plan.floating {
            let other = if f.sex == Sex::Male {
                Sex::Female
            } else {
                Sex::Male
            };
            let found = (0..councils.len()).find_map(|k| {
                let c = councils[(cursor + k) % councils.len()];
                [f.sex, other]
                    .into_iter()
                    .find(|&s| self.drawn.has(c, f.need, s))
                    .map(|s| (k, c, s))
            });
            let Some((k, council, sex)) = found else {
                continue;
            };
            cursor += k + 1;
            let Some(p) = self.take(council, f.need, sex) else {
                continue;
            };
            let districts = &plan.districts[council];
            let district = districts[self.rng.random_range(0..districts.len())]
                .0
                .clone();
            let nominator = match f.nominator {
                FloatingNominator::SelfNominated => Nominator::SelfNominated,
                FloatingNominator::Party(i) => Nominator::Party(plan.parties[i].id.clone()),
            };
            self.placed.push(Placed {
                council,
                kind: NominationKind::District {
                    district,
                    nominator,
                },
                stage: f.stage,
                entries: vec![(p, f.need.ground())],
                takes_faults: false,
            });
        }
    }

    /// The files' rows, council by council in setup order: lists named by their party, aiyl
    /// nominations numbered; and each candidate's record once, in the order of the files.
    fn files(self) -> (Candidacies, Vec<RegisterRecord>) {
        let mut by_council: Vec<Vec<Placed>> =
            (0..self.setup.councils.len()).map(|_| Vec::new()).collect();
        for p in self.placed {
            let c = p.council;
            by_council[c].push(p);
        }
        let mut out = Candidacies {
            parties: self.plan.parties.clone(),
            ..Candidacies::default()
        };
        let mut used = vec![false; self.persons.len()];
        let mut records = Vec::with_capacity(self.persons.len());
        for (council, placed) in self.setup.councils.iter().zip(by_council) {
            let mut k = 0;
            for n in placed.into_iter().filter(|n| !n.entries.is_empty()) {
                let id = match &n.kind {
                    NominationKind::CityList { party } => format!("{}.{party}", council.id),
                    NominationKind::District { .. } => {
                        k += 1;
                        format!("{}.n{k}", council.id)
                    }
                };
                let id =
                    NominationKey::parse(&id).expect("council ids and party slugs make a slug");
                for (position, (person, ground)) in (1u32..).zip(n.entries) {
                    let record = &self.persons[person];
                    out.candidates.push(CandidateRow {
                        nomination: id.clone(),
                        position,
                        pin: record.pin,
                        occupation: occupation(record).to_owned(),
                        ground,
                    });
                    if !std::mem::replace(&mut used[person], true) {
                        records.push(record.clone());
                    }
                }
                out.nominations.push(NominationRow {
                    id,
                    council: council.id.clone(),
                    kind: n.kind,
                    stage: n.stage,
                });
            }
        }
        (out, records)
    }
}
