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
pub use pools::Pools;

use plan::{FloatingNominator, PlannedNomination, Source};
use pools::Drawn;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use shailoo_domain::candidate::Nominator;
use shailoo_domain::candidate::nomination::{Ground, NominationKind};
use shailoo_domain::params::RuleParameters;
use shailoo_domain::register::RegisterRecord;
use shailoo_domain::territory::Setup;
use shailoo_domain::{Pin, Sex};
use shailoo_formats::{
    Candidacies, CandidateRow, CouncilScheme, NominationKey, NominationRow, NominationStage,
};
use std::collections::{HashMap, HashSet};

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

/// The persons taken so far, each once, with their sex (for CAN-06 counts).
#[derive(Default)]
struct Persons {
    records: Vec<RegisterRecord>,
}

impl Persons {
    fn push(&mut self, record: RegisterRecord) -> usize {
        self.records.push(record);
        self.records.len() - 1
    }

    fn sex(&self, i: usize) -> Sex {
        self.records[i].sex
    }
}

/// A nomination with its persons in place: (person, ground) in list order.
struct Placed {
    council: usize,
    kind: NominationKind,
    stage: NominationStage,
    entries: Vec<(usize, Option<Ground>)>,
    takes_faults: bool,
}

/// Whether a list of `men` men among `total` candidates keeps CAN-06's share of one sex.
fn composed(women: usize, total: usize, params: &RuleParameters) -> bool {
    let max = params.list_max_share_one_sex_percent as usize;
    let men = total - women;
    women * 100 <= max * total && men * 100 <= max * total
}

/// Puts the sampled persons in place (see the module documentation); deterministic in the
/// seed.
pub(crate) fn fill(
    setup: &Setup,
    plan: &CandidacyPlan,
    mut drawn: Drawn,
    seed: u64,
) -> (Candidacies, Vec<RegisterRecord>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(4);
    let params = RuleParameters::default();
    let mut persons = Persons::default();

    // 1. The planned candidates: drawn, or the person of an earlier entry (CAN-05).
    let mut resolved: Vec<Vec<Option<usize>>> = Vec::with_capacity(plan.nominations.len());
    let mut placed: Vec<Placed> = Vec::with_capacity(plan.nominations.len());
    for n in &plan.nominations {
        let mut ids = Vec::with_capacity(n.entries.len());
        let mut entries = Vec::with_capacity(n.entries.len());
        for e in &n.entries {
            let person = match e.source {
                Source::Draw { need, sex } => drawn
                    .take(n.council, need, sex)
                    .map(|record| persons.push(record)),
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
        placed.push(placed_of(n, entries));
    }

    // 2. Failing candidates added to city lists of invented parties.
    let mut lists: Vec<usize> = (0..placed.len())
        .filter(|&i| {
            placed[i].takes_faults && matches!(placed[i].stage, NominationStage::Registered { .. })
        })
        .collect();
    lists.shuffle(&mut rng);
    let mut cursor = 0;
    for fault in &plan.floating_entries {
        let candidates: Vec<usize> = match fault.target {
            Some(t) => vec![t],
            None => (0..lists.len())
                .map(|k| lists[(cursor + k) % lists.len()])
                .collect(),
        };
        let found = candidates.iter().enumerate().find_map(|(k, &i)| {
            let list = &placed[i];
            let seats = setup.councils[list.council].seats.get() as usize;
            let total = list.entries.len() + 1;
            let women = list
                .entries
                .iter()
                .filter(|(p, _)| persons.sex(*p) == Sex::Female)
                .count();
            let sex = [Sex::Male, Sex::Female].into_iter().find(|&sex| {
                let w = women + usize::from(sex == Sex::Female);
                total <= seats
                    && composed(w, total, &params)
                    && drawn.has(list.council, fault.need, sex)
            })?;
            Some((k, i, sex))
        });
        let Some((k, i, sex)) = found else {
            continue;
        };
        if fault.target.is_none() {
            cursor += k + 1;
        }
        if let Some(record) = drawn.take(placed[i].council, fault.need, sex) {
            let p = persons.push(record);
            let at = rng.random_range(0..=placed[i].entries.len());
            placed[i].entries.insert(at, (p, fault.need.ground()));
        }
    }

    // 3. Designed aiyl nominations, in councils whose register has the persons they need.
    let mut councils: Vec<usize> = (0..setup.councils.len())
        .filter(|&c| !plan.districts[c].is_empty())
        .collect();
    councils.shuffle(&mut rng);
    let mut extra: Vec<Vec<Placed>> = (0..setup.councils.len()).map(|_| Vec::new()).collect();
    let mut cursor = 0;
    for f in &plan.floating {
        let found = (0..councils.len()).find_map(|k| {
            let c = councils[(cursor + k) % councils.len()];
            let other = if f.sex == Sex::Male {
                Sex::Female
            } else {
                Sex::Male
            };
            [f.sex, other]
                .into_iter()
                .find(|&s| drawn.has(c, f.need, s))
                .map(|s| (k, c, s))
        });
        let Some((k, council, sex)) = found else {
            continue;
        };
        cursor += k + 1;
        let Some(record) = drawn.take(council, f.need, sex) else {
            continue;
        };
        let districts = &plan.districts[council];
        let district = districts[rng.random_range(0..districts.len())].0.clone();
        let nominator = match f.nominator {
            FloatingNominator::SelfNominated => Nominator::SelfNominated,
            FloatingNominator::Party(p) => Nominator::Party(plan.parties[p].id.clone()),
        };
        let p = persons.push(record);
        extra[council].push(Placed {
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

    // 4. The files: council by council, lists by party, aiyl nominations numbered.
    let mut by_council: Vec<Vec<Placed>> = (0..setup.councils.len()).map(|_| Vec::new()).collect();
    for p in placed {
        let c = p.council;
        by_council[c].push(p);
    }
    let mut out = Candidacies {
        parties: plan.parties.clone(),
        ..Candidacies::default()
    };
    for (c, (planned, more)) in by_council.into_iter().zip(extra).enumerate() {
        let council = &setup.councils[c];
        let mut k = 0;
        for n in planned.into_iter().chain(more) {
            if n.entries.is_empty() {
                continue;
            }
            let id = match &n.kind {
                NominationKind::CityList { party } => format!("{}.{party}", council.id),
                NominationKind::District { .. } => {
                    k += 1;
                    format!("{}.n{k}", council.id)
                }
            };
            let id = NominationKey::parse(&id).expect("council ids and party slugs make a slug");
            for (position, (person, ground)) in (1u32..).zip(&n.entries) {
                let record = &persons.records[*person];
                out.candidates.push(CandidateRow {
                    nomination: id.clone(),
                    position,
                    pin: record.pin,
                    occupation: occupation(record).to_owned(),
                    ground: *ground,
                });
            }
            out.nominations.push(NominationRow {
                id,
                council: council.id.clone(),
                kind: n.kind,
                stage: n.stage,
            });
        }
    }
    // Each candidate's record once, in the order of the files.
    let mut seen: HashSet<Pin> = HashSet::new();
    let index: HashMap<Pin, usize> = persons
        .records
        .iter()
        .enumerate()
        .map(|(i, r)| (r.pin, i))
        .collect();
    let mut records = Vec::with_capacity(index.len());
    for c in &out.candidates {
        if seen.insert(c.pin)
            && let Some(&i) = index.get(&c.pin)
        {
            records.push(persons.records[i].clone());
        }
    }
    (out, records)
}

fn placed_of(n: &PlannedNomination, entries: Vec<(usize, Option<Ground>)>) -> Placed {
    Placed {
        council: n.council,
        kind: n.kind.clone(),
        stage: n.stage,
        entries,
        takes_faults: n.takes_faults,
    }
}
