//! Deterministic, realistic demo data for shailoo.
//!
//! A [`Generator`] is built from a [`Scale`] and a seed; the same pair always gives the same
//! data, byte for byte. It yields the election setup (territory, councils, commissions, polling
//! stations, the 2024 local election), the station areas that map addresses to stations, and a
//! population register extract as a stream. [`write_dataset`] writes all of it as the files
//! documented in `docs/data-formats.md`, through the writers of `shailoo-formats`, whose
//! strict readers are what imports use to parse them back.
//!
//! The national scale reproduces the 2024 figures: 264 councils (33 city with 993 seats, 231
//! aiyl with 5,391), 2,437 regular and 10 remote-voting stations, about 4.3 million persons of
//! whom about 4.13 million are eligible (TER-01, TER-03, VOT-11), 39 parties, 187 registered
//! city lists with 4,928 candidates and 10,000 aiyl candidates in the districts of a scheme per
//! aiyl council (CAN-10, TER-04). Names of regions, raions and towns are real; aiyl aimaks,
//! villages and streets are plausible compositions, and so are 31 of the parties.

mod candidacies;
mod parties;
mod persons;
mod plan;
pub mod protocols;
mod schemes;
mod tables;
mod translit;
mod units;
mod write;

pub use candidacies::{AS_OF, CandidacyPlan, GeneratedCandidacies, PlanCounts};
pub use parties::{BIR_BOL, BISHKEK_WINNERS, SOCIAL_DEMOCRATS, ULUU_ZHURT};
pub use persons::{ELIGIBLE_SHARE, PersonStream, is_eligible};
pub use plan::{
    AIYL_COUNCILS, AIYL_SEATS, CITY_SEATS, NATIONAL_REGULAR_STATIONS, NATIONAL_REMOTE_STATIONS,
};
// The generator's results are values of the file formats' types.
pub use shailoo_formats::{
    Candidacies, CouncilScheme, CouncilUnits, Dataset, DistrictUnit, Manifest,
};
pub use units::{district_units, district_units_counted, eligible_per_street};
pub use write::write_dataset;

use jiff::civil::{Date, date};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use shailoo_domain::StationNumber;
use shailoo_domain::candidate::Party;
use shailoo_domain::register::RegisterRecord;
use shailoo_domain::territory::{Setup, StationArea};

/// Voting day of the 2024 local council elections (CAL-16); ages and the 60-day registration
/// limit are computed against it.
pub const VOTING_DAY: Date = date(2024, 11, 17);

/// How much data to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scale {
    /// The whole country at its 2024 size.
    National,
    /// Bishkek and part of Chui region: 20 stations and about 5,000 persons, for tests.
    Small,
}

impl Scale {
    pub fn as_str(self) -> &'static str {
        match self {
            Scale::National => "national",
            Scale::Small => "small",
        }
    }
    pub fn parse(s: &str) -> Option<Scale> {
        match s {
            "national" => Some(Scale::National),
            "small" => Some(Scale::Small),
            _ => None,
        }
    }
}

impl std::str::FromStr for Scale {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Scale::parse(s).ok_or_else(|| format!("unknown scale {s:?}: expected national or small"))
    }
}

impl std::fmt::Display for Scale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A deterministic data generator: everything it yields is a function of (scale, seed).
pub struct Generator {
    scale: Scale,
    seed: u64,
    plan: plan::Plan,
    tables: persons::Tables,
}

impl Generator {
    /// Plans the setup (fast: no persons are generated until asked for).
    pub fn new(scale: Scale, seed: u64) -> Generator {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let plan = plan::build(scale, &mut rng);
        let tables = persons::Tables::new(&plan);
        Generator {
            scale,
            seed,
            plan,
            tables,
        }
    }

    pub fn scale(&self) -> Scale {
        self.scale
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The election setup; passes [`Setup::check`].
    pub fn setup(&self) -> Setup {
        self.plan.setup.clone()
    }

    /// The setup and the station areas.
    pub fn dataset(&self) -> Dataset {
        Dataset {
            setup: self.plan.setup.clone(),
            station_areas: self.plan.areas.clone(),
        }
    }

    /// Borrowed views, without cloning.
    pub fn setup_ref(&self) -> &Setup {
        &self.plan.setup
    }

    pub fn station_areas(&self) -> &[StationArea] {
        &self.plan.areas
    }

    /// How many persons [`Generator::persons`] will yield (known before generating them).
    pub fn person_count(&self) -> u64 {
        self.plan.streets.iter().map(|s| u64::from(s.persons)).sum()
    }

    /// Persons registered in each regular station's area, in the order of the stations: the
    /// station sizes the plan aimed at (about `ELIGIBLE_SHARE` of them are eligible).
    pub fn station_persons(&self) -> Vec<(StationNumber, u64)> {
        let mut out: Vec<(StationNumber, u64)> = Vec::new();
        for (area, street) in self.plan.areas.iter().zip(&self.plan.streets) {
            match out.last_mut() {
                Some((number, persons)) if *number == area.station => {
                    *persons += u64::from(street.persons)
                }
                _ => out.push((area.station, u64::from(street.persons))),
            }
        }
        out
    }

    /// The register extract as a stream, street by street; nothing is held in memory.
    pub fn persons(&self) -> PersonStream<'_> {
        PersonStream::new(&self.plan, &self.tables, self.seed)
    }

    /// The registered parties (CAN-10: 39).
    pub fn parties(&self) -> Vec<Party> {
        parties::parties().into_iter().map(|(p, _)| p).collect()
    }

    /// A district scheme for each council of `units` (from [`district_units`]), drawn by the
    /// automatic designer (DIS-01…DIS-05); deterministic in the seed.
    pub fn district_schemes(&self, units: &[CouncilUnits]) -> Vec<CouncilScheme> {
        schemes::district_schemes(units, self.seed)
    }

    /// The candidacies planned for councils with these schemes (drawn on [`district_units`]):
    /// every list and nomination with its stage and its count of candidates, before any person
    /// is drawn (fast).
    pub fn candidacy_plan(&self, schemes: &[CouncilScheme]) -> CandidacyPlan {
        self.pre_plan(&district_units(self))
            .complete(&self.plan.setup, schemes)
    }

    /// What [`Generator::candidacy_plan`] knows without the schemes, for councils with these
    /// units.
    fn pre_plan(&self, units: &[CouncilUnits]) -> candidacies::plan::PrePlan {
        let per_council: Vec<usize> = self
            .plan
            .setup
            .councils
            .iter()
            .map(|c| {
                units
                    .iter()
                    .find(|u| u.council == c.id)
                    .map_or(0, |u| u.units.len())
            })
            .collect();
        candidacies::plan::pre_plan(
            &self.plan.setup,
            &per_council,
            parties::parties(),
            self.scale,
            self.seed,
        )
    }

    /// The district schemes, parties, nominations and candidates, drawn from one pass over
    /// [`Generator::persons`], while the schemes are drawn on a second thread (a few seconds
    /// for the national data in release): what [`write_dataset`] writes, for a caller that
    /// does not write the files.
    pub fn candidacies(&self) -> GeneratedCandidacies {
        let Ok(((), generated)) = self.with_candidacies(|pools| {
            let mut stream = self.persons();
            while let Some((street, row)) = stream.next_located() {
                pools.observe(street, &row);
            }
            Ok::<(), std::convert::Infallible>(())
        });
        generated
    }

    /// Runs `pass`, which offers the register to the pools, beside the drawing of the district
    /// schemes, then (unless the pass failed) fills the candidacies.
    pub(crate) fn with_candidacies<T, E>(
        &self,
        pass: impl FnOnce(&mut candidacies::Pools) -> Result<T, E>,
    ) -> Result<(T, GeneratedCandidacies), E> {
        let units = district_units(self);
        let pre = self.pre_plan(&units);
        let mut pools = candidacies::Pools::new(&self.plan, &pre, self.seed);
        let (passed, schemes) = std::thread::scope(|scope| {
            let schemes = scope.spawn(|| self.district_schemes(&units));
            let passed = pass(&mut pools);
            let schemes = schemes
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (passed, schemes)
        });
        let passed = passed?;
        let plan = pre.complete(&self.plan.setup, &schemes);
        let (candidacies, persons) =
            candidacies::fill(&self.plan.setup, &plan, pools.drain(), self.seed);
        Ok((
            passed,
            GeneratedCandidacies {
                schemes,
                candidacies,
                persons,
            },
        ))
    }

    /// Every `every_nth` person of [`Generator::persons`] (the first, then every n-th after
    /// it), for a demo's register sample. Skipped persons are generated but not copied.
    pub fn persons_sample(&self, every_nth: usize) -> impl Iterator<Item = RegisterRecord> + '_ {
        let step = every_nth.max(1);
        let mut stream = self.persons();
        std::iter::from_fn(move || {
            let record = stream.next_row()?.to_record();
            for _ in 1..step {
                if stream.next_row().is_none() {
                    break;
                }
            }
            Some(record)
        })
    }
}
