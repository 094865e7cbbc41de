//! The setup plan: territory, councils, commissions, polling stations, station areas, and how
//! many persons live on every street. The register is generated from this plan street by street.
//!
//! Construction goes top-down, as the real administration does: voters per council → polling
//! stations per council → settlements and their streets → streets grouped into station areas of
//! nearly equal size. Totals the law fixes (councils, seats, stations) are hit exactly by
//! largest-remainder apportionment; everything else is drawn from the seeded RNG.

use crate::Scale;
use crate::persons::ELIGIBLE_SHARE;
use crate::tables::Region;
use crate::tables::{
    self, BISHKEK_PARTS, BUILDINGS, ETHNIC_GROUPS, OSH_PARTS, RAIONS, REGIONS, REMOTE_TOWNS,
    REPUBLICAN_CITIES, STREETS, TOPONYM_PREFIXES, TOPONYM_ROOTS, TOPONYM_SINGLES, TOWNS,
};
use crate::translit::{ky_to_ru, slug, to_latin};
use jiff::civil::date;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use shailoo_domain::identity::PhoneNumber;
use shailoo_domain::territory::{
    Accessibility, Commission, CommissionLevel, Council, CouncilKind, Election, LocalizedName,
    PollingStation, Setup, StationArea, Territory, TerritoryKind,
};
use shailoo_domain::{CommissionId, CouncilId, ElectionId, SeatCount, StationNumber, TerritoryId};
use std::collections::HashSet;

/// National targets (TER-01, TER-03, VOT-11).
pub const NATIONAL_REGULAR_STATIONS: u32 = 2_437;
pub const NATIONAL_REMOTE_STATIONS: u32 = 10;
pub const CITY_SEATS: u32 = 993;
pub const AIYL_SEATS: u32 = 5_391;
pub const AIYL_COUNCILS: usize = 231;
/// Eligible voters the generated register aims at: 1.62 M in cities, 2.514 M in aiyl aimaks.
const CITY_VOTERS: f64 = 1_620_000.0;
const AIYL_VOTERS: f64 = 2_514_000.0;
const BISHKEK_VOTERS: f64 = 640_000.0;
const OSH_VOTERS: f64 = 225_000.0;
/// Bishkek: 268 stations including 4 remote; Osh: 102 including 1 remote (TER-03).
const BISHKEK_REGULAR: u32 = 264;
const OSH_REGULAR: u32 = 101;
/// Typical voters per regular station, which spreads the remaining stations over councils.
const TOWN_VOTERS_PER_STATION: f64 = 2_050.0;
const AIYL_VOTERS_PER_STATION: f64 = 1_480.0;

/// Aiyl council sizes for the national scale, smallest first, with how many councils have each:
/// 231 councils, 5,391 seats (TER-01). Sizes go to councils in order of voters (the law ties
/// council size to population); the full legal size table was not found.
const AIYL_SIZE_HISTOGRAM: [(u32, usize); 11] = [
    (7, 2),
    (9, 3),
    (11, 8),
    (13, 10),
    (15, 14),
    (17, 16),
    (19, 20),
    (21, 30),
    (23, 8),
    (25, 44),
    (31, 76),
];

/// How many persons live on one street of a city district or of a village, on average.
const URBAN_STREET_PERSONS: (f64, f64) = (260.0, 420.0);
const RURAL_STREET_PERSONS: (f64, f64) = (140.0, 260.0);

/// One street of the plan: the persons registered there. Index-aligned with `Plan::areas`.
#[derive(Debug, Clone, Copy)]
pub struct StreetPlan {
    /// Index into `setup.territories` of the settlement.
    pub settlement: u32,
    pub persons: u32,
    /// Index into `Plan::profiles` (ethnic mix).
    pub profile: u16,
    /// In a city (apartment blocks) rather than a village (houses).
    pub urban: bool,
}

/// Everything but the persons themselves.
#[derive(Debug, Clone)]
pub struct Plan {
    pub setup: Setup,
    pub areas: Vec<StationArea>,
    pub streets: Vec<StreetPlan>,
    pub profiles: Vec<[f64; ETHNIC_GROUPS]>,
}

/// A place name in the three languages plus its id slug.
#[derive(Debug, Clone)]
struct Place {
    ky: String,
    ru: String,
    en: String,
    slug: String,
}

impl Place {
    fn new(ky: &str, ru: &str, en: &str) -> Place {
        Place {
            ky: ky.to_owned(),
            ru: ru.to_owned(),
            en: en.to_owned(),
            slug: slug(en, 20),
        }
    }
    fn from_ky(ky: &str) -> Place {
        let en = to_latin(ky);
        Place {
            ky: ky.to_owned(),
            ru: ky_to_ru(ky),
            slug: slug(&en, 20),
            en,
        }
    }
}

/// A council to build: its unit, size, voters and stations.
struct CouncilSpec {
    place: Place,
    seats: u32,
    voters: f64,
    stations: u32,
    remote: u32,
    /// Settlements (aimak) or districts (city), with relative population.
    parts: Vec<(Place, f64)>,
}

/// Where a council's stations go: its station number block, TEC and council.
struct StationsOf<'a> {
    block: u32,
    tec: &'a CommissionId,
    council: &'a CouncilId,
    urban: bool,
}

struct RegionSpec {
    region: usize,
    towns: Vec<(usize, CouncilSpec)>,
    raions: Vec<(usize, Vec<CouncilSpec>)>,
}

struct Spec {
    republican: Vec<(usize, CouncilSpec)>,
    regions: Vec<RegionSpec>,
}

/// Builds the plan for a scale; deterministic in the RNG.
pub fn build(scale: Scale, rng: &mut ChaCha8Rng) -> Plan {
    let spec = match scale {
        Scale::National => national_spec(rng),
        Scale::Small => small_spec(rng),
    };
    Builder::new(rng).run(spec)
}

/// Splits `total` into integer parts proportional to `weights`, each at least `min`, by largest
/// remainder (ties to the lower index), so that the parts sum to `total` exactly.
pub fn apportion(total: u64, weights: &[f64], min: u64) -> Vec<u64> {
    let n = weights.len();
    if n == 0 {
        return Vec::new();
    }
    let sum: f64 = weights.iter().sum();
    let quotas: Vec<f64> = weights
        .iter()
        .map(|w| {
            if sum > 0.0 {
                total as f64 * w / sum
            } else {
                total as f64 / n as f64
            }
        })
        .collect();
    let mut out: Vec<u64> = quotas.iter().map(|q| (q.floor() as u64).max(min)).collect();
    let mut assigned: u64 = out.iter().sum();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| {
        let ra = quotas[a] - out[a] as f64;
        let rb = quotas[b] - out[b] as f64;
        rb.total_cmp(&ra).then(a.cmp(&b))
    });
    while assigned < total {
        for &i in &order {
            if assigned == total {
                break;
            }
            out[i] += 1;
            assigned += 1;
        }
    }
    while assigned > total {
        let before = assigned;
        for &i in order.iter().rev() {
            if assigned == total {
                break;
            }
            if out[i] > min {
                out[i] -= 1;
                assigned -= 1;
            }
        }
        if assigned == before {
            // Every part is at its minimum: the total cannot be met; keep the minimums.
            break;
        }
    }
    out
}

fn uniform(rng: &mut ChaCha8Rng, (lo, hi): (f64, f64)) -> f64 {
    rng.random_range(lo..hi)
}

/// A toponym not yet in `taken` (by slug), composed from Kyrgyz roots or picked from real names.
fn toponym(rng: &mut ChaCha8Rng, taken: &mut HashSet<String>) -> Place {
    loop {
        let ky = if rng.random_bool(0.12) {
            TOPONYM_SINGLES[rng.random_range(0..TOPONYM_SINGLES.len())].to_owned()
        } else {
            let prefix = TOPONYM_PREFIXES[rng.random_range(0..TOPONYM_PREFIXES.len())];
            let root = TOPONYM_ROOTS[rng.random_range(0..TOPONYM_ROOTS.len())];
            format!("{prefix}-{root}")
        };
        let place = Place::from_ky(&ky);
        if taken.insert(place.slug.clone()) {
            return place;
        }
    }
}

/// The council size of an aiyl council from its voters, for scales without a fixed total.
fn aiyl_seats_for(voters: f64) -> u32 {
    const BANDS: [(f64, u32); 10] = [
        (3_000.0, 7),
        (4_000.0, 9),
        (5_000.0, 11),
        (6_000.0, 13),
        (7_000.0, 15),
        (8_000.0, 17),
        (9_000.0, 19),
        (10_000.0, 21),
        (11_000.0, 23),
        (13_000.0, 25),
    ];
    BANDS
        .iter()
        .find(|(limit, _)| voters <= *limit)
        .map_or(31, |(_, seats)| *seats)
}

fn aimak_parts(rng: &mut ChaCha8Rng, center: &Place, voters: f64, max: usize) -> Vec<(Place, f64)> {
    let count = (2 + (voters / 5_000.0).round() as usize + rng.random_range(0..=2)).clamp(2, max);
    let mut taken = HashSet::from([center.slug.clone()]);
    let mut parts = vec![(center.clone(), uniform(rng, (1.5, 3.0)))];
    while parts.len() < count {
        let place = toponym(rng, &mut taken);
        parts.push((place, uniform(rng, (0.3, 1.2))));
    }
    parts
}

fn numbered_district(n: usize) -> Place {
    Place {
        ky: format!("{n}-кичи району"),
        ru: format!("{n}-й микрорайон"),
        en: format!("Microdistrict {n}"),
        slug: format!("mkr-{n}"),
    }
}

fn town_parts(rng: &mut ChaCha8Rng, stations: u32) -> Vec<(Place, f64)> {
    let count = (stations as usize / 3 + 1).clamp(2, 12);
    let mut parts = vec![(
        Place::new("Борбор", "Центр", "Centre"),
        uniform(rng, (1.2, 2.0)),
    )];
    let mut taken = HashSet::from(["centre".to_owned()]);
    let mut numbered = 0;
    while parts.len() < count {
        let place = if rng.random_bool(0.5) {
            numbered += 1;
            numbered_district(numbered)
        } else {
            toponym(rng, &mut taken)
        };
        taken.insert(place.slug.clone());
        parts.push((place, uniform(rng, (0.6, 1.4))));
    }
    parts
}

fn named_parts(rng: &mut ChaCha8Rng, names: &[(&str, &str, &str)]) -> Vec<(Place, f64)> {
    names
        .iter()
        .enumerate()
        .map(|(i, (ky, ru, en))| {
            let weight = if i == 0 {
                1.6
            } else {
                uniform(rng, (0.6, 1.4))
            };
            (Place::new(ky, ru, en), weight)
        })
        .collect()
}

fn remote_for(en: &str) -> u32 {
    u32::from(REMOTE_TOWNS.contains(&en))
}

fn national_spec(rng: &mut ChaCha8Rng) -> Spec {
    // Towns share what Bishkek and Osh leave of the city voters, by population.
    let town_voters = CITY_VOTERS - BISHKEK_VOTERS - OSH_VOTERS;
    let town_pop: f64 = TOWNS.iter().map(|t| t.population).sum();
    let town_v: Vec<f64> = TOWNS
        .iter()
        .map(|t| town_voters * t.population / town_pop)
        .collect();
    let aimak_v = aimak_voters(rng);

    // The stations left after Bishkek and Osh go to towns and aimaks by voters and density.
    let mut weights: Vec<f64> = town_v.iter().map(|v| v / TOWN_VOTERS_PER_STATION).collect();
    weights.extend(aimak_v.iter().map(|(_, v)| v / AIYL_VOTERS_PER_STATION));
    let rest = NATIONAL_REGULAR_STATIONS - BISHKEK_REGULAR - OSH_REGULAR;
    let stations = apportion(u64::from(rest), &weights, 1);
    let (town_st, aimak_st) = stations.split_at(TOWNS.len());
    let aimak_seats = aimak_seats(&aimak_v);
    let republican = republican_councils(rng);
    let mut regions: Vec<RegionSpec> = (0..REGIONS.len())
        .map(|region| RegionSpec {
            region,
            towns: Vec::new(),
            raions: Vec::new(),
        })
        .collect();
    for (i, t) in TOWNS.iter().enumerate() {
        let stations = town_st[i] as u32;
        let parts = town_parts(rng, stations);
        regions[t.region].towns.push((
            i,
            CouncilSpec {
                place: Place::new(t.ky, t.ru, t.en),
                seats: t.seats,
                voters: town_v[i],
                stations,
                remote: remote_for(t.en),
                parts,
            },
        ));
    }
    add_aimaks(rng, &mut regions, &aimak_v, &aimak_seats, aimak_st);
    Spec {
        republican,
        regions,
    }
}

/// The councils of Bishkek and Osh.
fn republican_councils(rng: &mut ChaCha8Rng) -> Vec<(usize, CouncilSpec)> {
    vec![
        (
            0,
            CouncilSpec {
                place: Place::new("Бишкек", "Бишкек", "Bishkek"),
                seats: 51,
                voters: BISHKEK_VOTERS,
                stations: BISHKEK_REGULAR,
                remote: 4,
                parts: named_parts(rng, &BISHKEK_PARTS),
            },
        ),
        (
            1,
            CouncilSpec {
                place: Place::new("Ош", "Ош", "Osh"),
                seats: 51,
                voters: OSH_VOTERS,
                stations: OSH_REGULAR,
                remote: 1,
                parts: named_parts(rng, &OSH_PARTS),
            },
        ),
    ]
}

/// Aiyl councils per raion by rural population, then voters per aimak with local variation:
/// (raion, voters).
fn aimak_voters(rng: &mut ChaCha8Rng) -> Vec<(usize, f64)> {
    let rural: Vec<f64> = RAIONS.iter().map(|r| r.rural).collect();
    let rural_sum: f64 = rural.iter().sum();
    let per_raion = apportion(AIYL_COUNCILS as u64, &rural, 1);
    let mut aimak_v: Vec<(usize, f64)> = Vec::with_capacity(AIYL_COUNCILS);
    for (r, &count) in per_raion.iter().enumerate() {
        let raion_voters = AIYL_VOTERS * rural[r] / rural_sum;
        let w: Vec<f64> = (0..count).map(|_| uniform(rng, (0.55, 1.6))).collect();
        let ws: f64 = w.iter().sum();
        aimak_v.extend(w.iter().map(|x| (r, raion_voters * x / ws)));
    }
    aimak_v
}

/// Aiyl council sizes by rank of voters.
fn aimak_seats(aimak_v: &[(usize, f64)]) -> Vec<u32> {
    let mut by_voters: Vec<usize> = (0..aimak_v.len()).collect();
    by_voters.sort_by(|&a, &b| aimak_v[a].1.total_cmp(&aimak_v[b].1).then(a.cmp(&b)));
    let mut seats = vec![0u32; aimak_v.len()];
    let mut rank = by_voters.into_iter();
    for (size, count) in AIYL_SIZE_HISTOGRAM {
        for i in rank.by_ref().take(count) {
            seats[i] = size;
        }
    }
    seats
}

/// Each aimak's council, named and divided into settlements, under its raion.
fn add_aimaks(
    rng: &mut ChaCha8Rng,
    regions: &mut [RegionSpec],
    aimak_v: &[(usize, f64)],
    aimak_seats: &[u32],
    aimak_st: &[u64],
) {
    let mut taken_per_raion: Vec<HashSet<String>> = vec![HashSet::new(); RAIONS.len()];
    for (i, &(r, voters)) in aimak_v.iter().enumerate() {
        let place = toponym(rng, &mut taken_per_raion[r]);
        let parts = aimak_parts(rng, &place, voters, 8);
        let spec = CouncilSpec {
            place,
            seats: aimak_seats[i],
            voters,
            stations: aimak_st[i] as u32,
            remote: 0,
            parts,
        };
        let region = &mut regions[RAIONS[r].region];
        match region.raions.iter_mut().find(|(raion, _)| *raion == r) {
            Some((_, list)) => list.push(spec),
            None => region.raions.push((r, vec![spec])),
        }
    }
}

fn small_spec(rng: &mut ChaCha8Rng) -> Spec {
    // Bishkek plus Chui region: two towns and four aiyl aimaks in two raions; 19 regular
    // stations and one remote, about 5,000 persons.
    let voters = |persons: f64| persons * ELIGIBLE_SHARE;
    let bishkek = CouncilSpec {
        place: Place::new("Бишкек", "Бишкек", "Bishkek"),
        seats: 51,
        voters: voters(1_600.0),
        stations: 6,
        remote: 1,
        parts: named_parts(rng, &BISHKEK_PARTS[..4]),
    };
    let chui = 6;
    let town = |rng: &mut ChaCha8Rng, name: &str, persons: f64, stations: u32| {
        let (i, t) = TOWNS
            .iter()
            .enumerate()
            .find(|(_, t)| t.en == name)
            .map_or((24, &TOWNS[24]), |(i, t)| (i, t));
        let parts = town_parts(rng, stations);
        (
            i,
            CouncilSpec {
                place: Place::new(t.ky, t.ru, t.en),
                seats: t.seats,
                voters: voters(persons),
                stations,
                remote: 0,
                parts,
            },
        )
    };
    let towns = vec![town(rng, "Tokmok", 700.0, 3), town(rng, "Kant", 450.0, 2)];
    let raions = small_raions(rng, chui);
    Spec {
        republican: vec![(0, bishkek)],
        regions: vec![RegionSpec {
            region: chui,
            towns,
            raions,
        }],
    }
}

/// The small scale's two raions of Chui, two aiyl aimaks each.
fn small_raions(rng: &mut ChaCha8Rng, chui: usize) -> Vec<(usize, Vec<CouncilSpec>)> {
    let voters = |persons: f64| persons * ELIGIBLE_SHARE;
    let mut raions = Vec::new();
    for raion in ["alamudun", "sokuluk"] {
        let r = RAIONS
            .iter()
            .position(|x| x.region == chui && x.slug == raion)
            .unwrap_or(32);
        let mut taken = HashSet::new();
        let aimaks = (0..2)
            .map(|_| {
                let place = toponym(rng, &mut taken);
                let v = voters(uniform(rng, (480.0, 640.0)));
                let parts = aimak_parts(rng, &place, v, 3);
                CouncilSpec {
                    place,
                    seats: aiyl_seats_for(v),
                    voters: v,
                    stations: 2,
                    remote: 0,
                    parts,
                }
            })
            .collect();
        raions.push((r, aimaks));
    }
    raions
}

fn tid(s: &str) -> TerritoryId {
    // Ids are assembled from `slug` output and fixed ASCII, so they always parse.
    TerritoryId::parse(s).expect("generated territory ids are valid slugs")
}

fn name(ky: String, ru: String, en: String) -> LocalizedName {
    LocalizedName { ky, ru, en }
}

struct Builder<'r> {
    rng: &'r mut ChaCha8Rng,
    setup: Setup,
    pecs: Vec<Commission>,
    areas: Vec<StationArea>,
    streets: Vec<StreetPlan>,
    profiles: Vec<[f64; ETHNIC_GROUPS]>,
    /// Next station number per block of a thousand.
    next_number: [u32; 10],
    /// Highest school number in the current council: schools are numbered per town, so a
    /// small town has no school No. 88.
    school_max: u32,
}

impl<'r> Builder<'r> {
    fn new(rng: &'r mut ChaCha8Rng) -> Self {
        Builder {
            rng,
            setup: Setup::default(),
            pecs: Vec::new(),
            areas: Vec::new(),
            streets: Vec::new(),
            profiles: Vec::new(),
            next_number: [1; 10],
            school_max: 10,
        }
    }

    fn territory(
        &mut self,
        id: &str,
        kind: TerritoryKind,
        name: LocalizedName,
        parent: Option<&str>,
    ) -> usize {
        self.setup.territories.push(Territory {
            id: tid(id),
            kind,
            name,
            parent: parent.map(tid),
        });
        self.setup.territories.len() - 1
    }

    fn tec(&mut self, territory: &str, name: LocalizedName) -> CommissionId {
        let id = CommissionId::parse(&format!("tec-{territory}")).expect("tec ids are valid slugs");
        self.setup.commissions.push(Commission {
            id: id.clone(),
            level: CommissionLevel::Tec,
            parent: Some(cec_id()),
            territory: tid(territory),
            name,
            phone: None,
        });
        id
    }

    fn run(mut self, spec: Spec) -> Plan {
        // The CEC is responsible for the whole republic, but the territory model has no unit
        // for the republic; it is attached to the capital, where it sits.
        let mut cec_pending = true;
        for (r, council) in spec.republican {
            self.republican_city(r, &council, &mut cec_pending);
        }
        for rs in spec.regions {
            self.region(&rs, &mut cec_pending);
        }
        self.setup.commissions.append(&mut self.pecs);
        let councils = self.setup.councils.iter().map(|c| c.id.clone()).collect();
        self.setup.elections.push(election(councils));
        Plan {
            setup: self.setup,
            areas: self.areas,
            streets: self.streets,
            profiles: self.profiles,
        }
    }

    /// A republican city (the first one also seats the CEC), its TEC and its council.
    fn republican_city(&mut self, r: usize, council: &CouncilSpec, cec_pending: &mut bool) {
        let region = &REPUBLICAN_CITIES[r];
        self.territory(
            region.id,
            TerritoryKind::RepublicanCity,
            name(region.ky.into(), region.ru.into(), region.en.into()),
            None,
        );
        if *cec_pending {
            self.setup.commissions.push(Commission {
                id: cec_id(),
                level: CommissionLevel::Cec,
                parent: None,
                territory: tid(REPUBLICAN_CITIES[0].id),
                name: name(
                    "Шайлоо жана референдум өткөрүү боюнча борбордук комиссия".into(),
                    "Центральная комиссия по выборам и проведению референдумов".into(),
                    "Central Commission for Elections and Referendums".into(),
                ),
                phone: Some(cec_phone()),
            });
            *cec_pending = false;
        }
        let tec = self.tec(
            region.id,
            name(
                format!("{} аймактык шайлоо комиссиясы", region.ky),
                format!(
                    "Территориальная избирательная комиссия г. {}",
                    council.place.ru
                ),
                format!("Territorial Election Commission of {}", region.en),
            ),
        );
        let profile = self.profile(region.ethnic);
        self.council(
            CouncilKind::City,
            region.id,
            council,
            tec,
            profile,
            region.station_block,
            true,
        );
    }

    /// A region: its towns, then its raions with their aiyl aimaks.
    fn region(&mut self, rs: &RegionSpec, cec_pending: &mut bool) {
        let region = &REGIONS[rs.region];
        self.territory(
            region.id,
            TerritoryKind::Region,
            name(region.ky.into(), region.ru.into(), region.en.into()),
            None,
        );
        // Towns are a little more Russian-speaking than the countryside around them.
        let mut urban_mix = region.ethnic;
        urban_mix[tables::RUSSIAN] *= 1.8;
        let town_profile = self.profile(urban_mix);
        let rural_profile = self.profile(region.ethnic);
        for (t, council) in &rs.towns {
            self.town(region, *t, council, town_profile, cec_pending);
        }
        for (r, aimaks) in &rs.raions {
            self.raion(region, *r, aimaks, rural_profile);
        }
    }

    /// A town of `region`, its TEC and its council.
    fn town(
        &mut self,
        region: &Region,
        t: usize,
        council: &CouncilSpec,
        profile: u16,
        cec_pending: &mut bool,
    ) {
        let town = &TOWNS[t];
        let mut id = slug(town.en, 30);
        if REGIONS.iter().any(|r| r.id == id) || REPUBLICAN_CITIES.iter().any(|r| r.id == id) {
            id.push_str("-city");
        }
        self.territory(
            &id,
            TerritoryKind::City,
            name(
                format!("{} шаары", town.ky),
                format!("город {}", town.ru),
                town.en.into(),
            ),
            Some(region.id),
        );
        if *cec_pending {
            *cec_pending = false;
            self.setup.commissions.insert(0, cec_commission(&id));
        }
        let tec = self.tec(
            &id,
            name(
                format!("{} шаардык аймактык шайлоо комиссиясы", town.ky),
                format!("Территориальная избирательная комиссия г. {}", town.ru),
                format!("Territorial Election Commission of {}", town.en),
            ),
        );
        self.council(
            CouncilKind::City,
            &id,
            council,
            tec,
            profile,
            region.station_block,
            true,
        );
    }

    /// A raion of `region`, its TEC, and each aiyl aimak's council.
    fn raion(&mut self, region: &Region, r: usize, aimaks: &[CouncilSpec], profile: u16) {
        let raion = &RAIONS[r];
        let raion_id = format!("{}-{}", region.raion_prefix, raion.slug);
        self.territory(
            &raion_id,
            TerritoryKind::Raion,
            name(raion.ky.into(), raion.ru.into(), raion.en.into()),
            Some(region.id),
        );
        let tec = self.tec(
            &raion_id,
            name(
                format!("{} аймактык шайлоо комиссиясы", raion.ky),
                format!(
                    "Территориальная избирательная комиссия {}",
                    raion.ru.replace("ий район", "ого района")
                ),
                format!("Territorial Election Commission of {}", raion.en),
            ),
        );
        for aimak in aimaks {
            let id = format!("{raion_id}.{}", aimak.place.slug);
            self.territory(
                &id,
                TerritoryKind::AiylAimak,
                name(
                    format!("{} айыл аймагы", aimak.place.ky),
                    format!("айыльный аймак {}", aimak.place.ru),
                    format!("{} Aiyl Aimak", aimak.place.en),
                ),
                Some(&raion_id),
            );
            self.council(
                CouncilKind::Aiyl,
                &id,
                aimak,
                tec.clone(),
                profile,
                region.station_block,
                false,
            );
        }
    }

    fn profile(&mut self, mix: [f64; ETHNIC_GROUPS]) -> u16 {
        self.profiles.push(mix);
        (self.profiles.len() - 1) as u16
    }

    #[allow(
        clippy::too_many_arguments,
        reason = "one call site per council kind; a struct would only rename them"
    )]
    fn council(
        &mut self,
        kind: CouncilKind,
        territory: &str,
        spec: &CouncilSpec,
        tec: CommissionId,
        profile: u16,
        block: u32,
        urban: bool,
    ) {
        let council_id = match kind {
            CouncilKind::City => format!("{}-city", spec.place.slug),
            CouncilKind::Aiyl => territory.to_owned(),
        };
        let council_id = CouncilId::parse(&council_id).expect("council ids are valid slugs");
        let council_name = match kind {
            CouncilKind::City => name(
                format!("{} шаардык кеңеши", spec.place.ky),
                format!("Городской кенеш г. {}", spec.place.ru),
                format!("{} City Kenesh", spec.place.en),
            ),
            CouncilKind::Aiyl => name(
                format!("{} айылдык кеңеши", spec.place.ky),
                format!("Айыльный кенеш {}", spec.place.ru),
                format!("{} Aiyl Kenesh", spec.place.en),
            ),
        };
        self.setup.councils.push(Council {
            id: council_id.clone(),
            kind,
            territory: tid(territory),
            name: council_name,
            seats: SeatCount::new(spec.seats).expect("council sizes in the tables are 1..=101"),
        });

        // Settlements (villages, or city districts) and their persons.
        let persons = (spec.voters / ELIGIBLE_SHARE).round() as u64;
        let weights: Vec<f64> = spec.parts.iter().map(|(_, w)| *w).collect();
        let part_persons = apportion(persons, &weights, 1);
        let settlements = self.settlements(territory, spec, urban);
        let streets = self.streets_of(spec, &part_persons, urban);
        self.school_max = if urban {
            (spec.stations / 2).clamp(4, 100)
        } else {
            12
        };
        let place = StationsOf {
            block,
            tec: &tec,
            council: &council_id,
            urban,
        };
        self.stations_on_streets(&place, spec, &settlements, &streets, profile);
        // Remote-voting stations stand in the centre, on its first street.
        for _ in 0..spec.remote {
            let street = &streets[0].1;
            self.station(
                block,
                &tec,
                &council_id,
                settlements[0],
                street,
                urban,
                true,
            );
        }
    }

    /// The council's settlements (villages, or city districts): their territory indices.
    fn settlements(&mut self, territory: &str, spec: &CouncilSpec, urban: bool) -> Vec<usize> {
        let mut settlements = Vec::with_capacity(spec.parts.len());
        for (place, _) in &spec.parts {
            let id = format!("{territory}.{}", place.slug);
            let tname = if urban {
                name(
                    place.ky.clone(),
                    format!("мкр. {}", place.ru),
                    place.en.clone(),
                )
            } else {
                name(
                    format!("{} айылы", place.ky),
                    format!("село {}", place.ru),
                    format!("{} village", place.en),
                )
            };
            let idx = self.territory(&id, TerritoryKind::Settlement, tname, Some(territory));
            settlements.push(idx);
        }
        settlements
    }

    /// Streets: about one per few hundred persons, at least one per station overall; each
    /// (settlement slot, street name, persons).
    fn streets_of(
        &mut self,
        spec: &CouncilSpec,
        part_persons: &[u64],
        urban: bool,
    ) -> Vec<(usize, StreetName, u32)> {
        let range = if urban {
            URBAN_STREET_PERSONS
        } else {
            RURAL_STREET_PERSONS
        };
        let mut street_counts: Vec<usize> = part_persons
            .iter()
            .map(|&p| {
                let avg = uniform(self.rng, range);
                ((p as f64 / avg).round() as usize).max(1)
            })
            .collect();
        let total_streets: usize = street_counts.iter().sum();
        if total_streets < spec.stations as usize {
            street_counts[0] += spec.stations as usize - total_streets;
        }
        let mut streets: Vec<(usize, StreetName, u32)> = Vec::new();
        for (slot, (&count, &p)) in street_counts.iter().zip(part_persons).enumerate() {
            let names = street_names(self.rng, count);
            let w: Vec<f64> = (0..count).map(|_| uniform(self.rng, (0.5, 1.5))).collect();
            let per_street = apportion(p, &w, 1);
            for (n, q) in names.into_iter().zip(per_street) {
                streets.push((slot, n, q as u32));
            }
        }
        streets
    }

    /// Groups consecutive streets into stations of nearly equal size; each street is a
    /// station's area and a street of persons to generate.
    fn stations_on_streets(
        &mut self,
        place: &StationsOf<'_>,
        spec: &CouncilSpec,
        settlements: &[usize],
        streets: &[(usize, StreetName, u32)],
        profile: u16,
    ) {
        let chunk = partition(
            &streets.iter().map(|s| u64::from(s.2)).collect::<Vec<_>>(),
            spec.stations as usize,
        );
        let mut first_street_of_station = vec![usize::MAX; spec.stations as usize];
        for (i, &c) in chunk.iter().enumerate() {
            if first_street_of_station[c] == usize::MAX {
                first_street_of_station[c] = i;
            }
        }
        let mut numbers = Vec::with_capacity(spec.stations as usize);
        for &first in &first_street_of_station {
            let (slot, street, _) = &streets[first];
            let number = self.station(
                place.block,
                place.tec,
                place.council,
                settlements[*slot],
                street,
                place.urban,
                false,
            );
            numbers.push(number);
        }
        for (i, (slot, street, persons)) in streets.iter().enumerate() {
            let settlement = settlements[*slot];
            self.areas.push(StationArea {
                station: numbers[chunk[i]],
                settlement: self.setup.territories[settlement].id.clone(),
                street: street.ky.clone(),
                street_ru: Some(street.ru.clone()),
                street_en: Some(street.en.clone()),
            });
            self.streets.push(StreetPlan {
                settlement: settlement as u32,
                persons: *persons,
                profile,
                urban: place.urban,
            });
        }
    }

    #[allow(
        clippy::too_many_arguments,
        reason = "internal helper mirroring the station's fields"
    )]
    fn station(
        &mut self,
        block: u32,
        tec: &CommissionId,
        council: &CouncilId,
        settlement: usize,
        street: &StreetName,
        urban: bool,
        remote: bool,
    ) -> StationNumber {
        let n = block * 1000 + self.next_number[block as usize];
        self.next_number[block as usize] += 1;
        let number = StationNumber::new(n).expect("station numbers stay within 1001..=9999");
        let pec = CommissionId::parse(&format!("pec-{n}")).expect("pec ids are valid slugs");
        let place = &self.setup.territories[settlement];
        let (place_id, place_name) = (place.id.clone(), place.name.clone());
        self.pecs.push(Commission {
            id: pec.clone(),
            level: CommissionLevel::Pec,
            parent: Some(tec.clone()),
            territory: place_id.clone(),
            name: name(
                format!("№{n} участкалык шайлоо комиссиясы"),
                format!("Участковая избирательная комиссия №{n}"),
                format!("Precinct Election Commission No. {n}"),
            ),
            phone: Some(pec_phone(n)),
        });
        let address = self.address(&place_name, street, urban);
        let rng = &mut *self.rng;
        let p = |rng: &mut ChaCha8Rng, urban_share: f64, rural_share: f64| {
            rng.random_bool(if urban { urban_share } else { rural_share })
        };
        let mut accessibility = Accessibility {
            ramp: p(rng, 0.70, 0.45),
            ground_floor: p(rng, 0.88, 0.96),
            wide_doors: p(rng, 0.65, 0.50),
            parking: p(rng, 0.60, 0.35),
            tactile_signs: p(rng, 0.12, 0.03),
            call_button: false,
            lighting: false,
        };
        // Drawn from a stream of the station's own, so that the plan's stream (and with it
        // every later station, street and person) stays what it was before these two findings
        // were recorded.
        let mut own = ChaCha8Rng::seed_from_u64(u64::from(n));
        own.set_stream(3);
        accessibility.call_button = !accessibility.ramp && p(&mut own, 0.30, 0.15);
        accessibility.lighting = p(&mut own, 0.85, 0.60);
        self.setup.stations.push(PollingStation {
            number,
            commission: pec,
            council: council.clone(),
            territory: place_id,
            address,
            accessibility,
            remote_voting: remote,
        });
        number
    }

    fn address(
        &mut self,
        settlement: &LocalizedName,
        street: &StreetName,
        urban: bool,
    ) -> LocalizedName {
        let weights: Vec<f64> = BUILDINGS
            .iter()
            .map(|b| {
                if urban {
                    b.urban_weight
                } else {
                    b.rural_weight
                }
            })
            .collect();
        let total: f64 = weights.iter().sum();
        let mut pick = self.rng.random_range(0.0..total);
        let mut building = &BUILDINGS[0];
        for (b, w) in BUILDINGS.iter().zip(&weights) {
            if pick < *w {
                building = b;
                break;
            }
            pick -= w;
        }
        let n = self.rng.random_range(1..=self.school_max);
        let house = self.rng.random_range(1..=120);
        let fill = |s: &str| {
            if building.numbered {
                s.replace("{n}", &n.to_string())
            } else {
                s.to_owned()
            }
        };
        name(
            format!(
                "{}, {}, {house}, {}",
                settlement.ky,
                street.ky,
                fill(building.ky)
            ),
            format!(
                "{}, {}, {house}, {}",
                settlement.ru,
                street.ru,
                fill(building.ru)
            ),
            format!(
                "{}, {house} {}, {}",
                fill(building.en),
                street.en,
                settlement.en
            ),
        )
    }
}

fn cec_id() -> CommissionId {
    CommissionId::parse("cec").expect("`cec` is a valid slug")
}

fn cec_commission(territory: &str) -> Commission {
    Commission {
        id: cec_id(),
        level: CommissionLevel::Cec,
        parent: None,
        territory: tid(territory),
        name: name(
            "Шайлоо жана референдум өткөрүү боюнча борбордук комиссия".into(),
            "Центральная комиссия по выборам и проведению референдумов".into(),
            "Central Commission for Elections and Referendums".into(),
        ),
        phone: Some(cec_phone()),
    }
}

/// The CEC's trust line, as its 2024 appeal gives it.
fn cec_phone() -> PhoneNumber {
    PhoneNumber::parse("0312 62-62-46").expect("a valid landline")
}

/// A PEC's phone: a made-up mobile number that names the station (`0700 008 001` for
/// PEC No. 8001), plainly synthetic.
fn pec_phone(n: u32) -> PhoneNumber {
    PhoneNumber::parse(&format!("0700{n:06}")).expect("nine national digits")
}

fn election(councils: Vec<CouncilId>) -> Election {
    Election {
        id: ElectionId::parse("local-2024").expect("valid slug"),
        name: name(
            "Жергиликтүү кеңештердин депутаттарын шайлоо 2024".into(),
            "Выборы депутатов местных кенешей 2024".into(),
            "Local council elections 17 November 2024".into(),
        ),
        decree_number: "256".into(),
        decree_date: date(2024, 9, 6),
        called_on: date(2024, 9, 6),
        voting_day: crate::VOTING_DAY,
        councils,
    }
}

/// A street name in the three languages; `ky` is the form the register and station areas use.
#[derive(Debug, Clone)]
struct StreetName {
    ky: String,
    ru: String,
    en: String,
}

/// `count` distinct street names for one settlement: named streets first, then numbered ones.
fn street_names(rng: &mut ChaCha8Rng, count: usize) -> Vec<StreetName> {
    let mut order: Vec<usize> = (0..STREETS.len()).collect();
    order.shuffle(rng);
    (0..count)
        .map(|i| match order.get(i) {
            Some(&s) => {
                let (ky, ru, en) = STREETS[s];
                StreetName {
                    ky: ky.into(),
                    ru: ru.into(),
                    en: en.into(),
                }
            }
            None => {
                let n = i - STREETS.len() + 1;
                StreetName {
                    ky: format!("{n}-көчө"),
                    ru: format!("{n}-я улица"),
                    en: format!("Street {n}"),
                }
            }
        })
        .collect()
}

/// Assigns consecutive items (street sizes) to `k` chunks of nearly equal total, every chunk
/// non-empty when there are at least `k` items. Returns the chunk of each item, non-decreasing.
pub fn partition(sizes: &[u64], k: usize) -> Vec<usize> {
    let n = sizes.len();
    let total: u64 = sizes.iter().sum::<u64>().max(1);
    let mut out = Vec::with_capacity(n);
    let mut before = 0u64;
    let mut prev: Option<usize> = None;
    for (i, &s) in sizes.iter().enumerate() {
        // The chunk the street's midpoint falls in…
        let raw = (((2 * before + s) as u128 * k as u128) / (2 * total as u128)) as usize;
        let raw = raw.min(k.saturating_sub(1));
        // …but never skipping a chunk, and leaving enough streets for the chunks still to come.
        let lower = (k + i).saturating_sub(n);
        let c = match prev {
            None => 0,
            Some(p) => raw.max(lower).max(p).min(p + 1),
        };
        out.push(c);
        prev = Some(c);
        before += s;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apportion_hits_totals_with_minimums() {
        let parts = apportion(10, &[1.0, 1.0, 1.0], 1);
        assert_eq!(parts.iter().sum::<u64>(), 10);
        assert_eq!(parts, vec![4, 3, 3]);
        let parts = apportion(5, &[100.0, 0.0, 0.0], 1);
        assert_eq!(parts, vec![3, 1, 1]);
    }

    #[test]
    fn partition_keeps_every_chunk_non_empty() {
        let sizes = [500, 10, 10, 10, 10, 10];
        let chunks = partition(&sizes, 4);
        assert_eq!(chunks.first(), Some(&0));
        assert_eq!(chunks.last(), Some(&3));
        assert!(chunks.windows(2).all(|w| w[1] == w[0] || w[1] == w[0] + 1));
        let even = partition(&[100; 12], 3);
        assert_eq!(even, vec![0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]);
    }

    #[test]
    fn aiyl_histogram_totals_are_the_2024_ones() {
        let councils: usize = AIYL_SIZE_HISTOGRAM.iter().map(|(_, n)| n).sum();
        let seats: u32 = AIYL_SIZE_HISTOGRAM.iter().map(|(s, n)| s * *n as u32).sum();
        assert_eq!(councils, AIYL_COUNCILS);
        assert_eq!(seats, AIYL_SEATS);
        let town_seats: u32 = TOWNS.iter().map(|t| t.seats).sum();
        assert_eq!(town_seats + 51 + 51, CITY_SEATS);
    }
}
