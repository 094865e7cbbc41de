//! The population register extract, generated street by street from the plan as a stream.
//!
//! Persons come in households (a shared surname, ethnicity and address) so that a house looks
//! like a family. The PIN is composed from sex and birth date (VOT-10) with a serial that counts
//! per (sex, birth date), so PINs are unique. A fixed share of persons is not eligible, each for
//! one reason the voter rules name (VOT-01…VOT-05); `ELIGIBLE_SHARE` is what remains.

use crate::plan::Plan;
use crate::tables::{ETHNIC_GROUPS, EthnicNames, NAMES, UZBEK};
use jiff::civil::{Date, date};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use shailoo_domain::register::RegisterRecord;
use shailoo_domain::{Pin, Sex};
use shailoo_formats::RegisterRow;
use std::fmt::Write as _;

/// Shares of persons who are not eligible on voting day, each drawn independently.
/// Minors: under 18 on voting day (the extract includes those who turn 18 soon after).
pub const SHARE_MINOR: f64 = 0.016;
pub const SHARE_NON_CITIZEN: f64 = 0.0015;
pub const SHARE_NO_BIOMETRICS: f64 = 0.013;
/// Address registered after V − 60 and no residence stamp (VOT-04 not met).
pub const SHARE_RECENT_UNSTAMPED: f64 = 0.005;
/// Address registered after V − 60 but with a residence stamp: still eligible.
pub const SHARE_RECENT_STAMPED: f64 = 0.004;
pub const SHARE_COURT_INCAPABLE: f64 = 0.0015;
pub const SHARE_IMPRISONED: f64 = 0.0025;
/// Share of adults with no residence stamp (eligible through an old enough registration).
const SHARE_NO_STAMP: f64 = 0.15;
/// Share of adults who turned 18 in the month before voting day (boundary cases).
const SHARE_JUST_ADULT: f64 = 0.002;
/// Share registered exactly on V − 60 without a stamp (boundary case, eligible).
const SHARE_REGISTERED_ON_LIMIT: f64 = 0.0005;

/// The expected share of eligible persons; the plan sizes councils so that the eligible count
/// matches VOT-11 (4,135,039 of about 4.3 million).
pub const ELIGIBLE_SHARE: f64 = (1.0 - SHARE_MINOR)
    * (1.0 - SHARE_NON_CITIZEN)
    * (1.0 - SHARE_NO_BIOMETRICS)
    * (1.0 - SHARE_RECENT_UNSTAMPED)
    * (1.0 - SHARE_COURT_INCAPABLE)
    * (1.0 - SHARE_IMPRISONED);

/// Weights of the adult age structure, by age from 18, in bands of (first age, weight per year).
const AGE_BANDS: [(u32, f64); 9] = [
    (18, 1.0),
    (30, 0.95),
    (40, 0.75),
    (50, 0.60),
    (60, 0.42),
    (70, 0.17),
    (80, 0.05),
    (90, 0.008),
    (96, 0.0),
];

/// Household sizes (persons in the extract sharing an address and surname), 1…6.
const HOUSEHOLD_WEIGHTS: [f64; 6] = [0.18, 0.30, 0.22, 0.15, 0.10, 0.05];

/// First day of the date table; every birth and registration date falls after it.
const DAY_ZERO: Date = date(1900, 1, 1);
const LAST_DAY: Date = date(2025, 12, 31);

/// Name forms of one ethnic group, expanded once so that rows only borrow.
struct GroupBook {
    male: &'static [&'static str],
    female: &'static [&'static str],
    /// (male, female) surname forms.
    surnames: Vec<(String, String)>,
    /// Per father: [son, daughter] in the -ович form, then [son, daughter] in the Turkic form.
    patronymics: Vec<[String; 4]>,
    turkic: f64,
    none: f64,
}

/// Everything the person stream needs that does not change while it runs.
pub struct Tables {
    groups: Vec<GroupBook>,
    /// Cumulative ethnic weights per plan profile.
    profiles: Vec<[f64; ETHNIC_GROUPS]>,
    /// Every day from 1900-01-01 to 2025-12-31, indexed by day number.
    days: Vec<Date>,
    /// Cumulative weight per age from 18 (index 0) upwards.
    ages: Vec<f64>,
    voting_day: u32,
    /// Day number of the last birth date that makes a person 18 on voting day.
    eighteen: u32,
    /// Day number of V − 60: a registration on or before it counts (VOT-04).
    registration_limit: u32,
    day_2000: u32,
}

fn female_surname(male: &str) -> String {
    if ["ов", "ев", "ёв", "ин"].iter().any(|s| male.ends_with(s)) {
        format!("{male}а")
    } else {
        male.to_owned()
    }
}

fn group_book(group: usize, names: &EthnicNames) -> GroupBook {
    let (son, daughter) = if group == UZBEK {
        ("угли", "кизи")
    } else {
        ("уулу", "кызы")
    };
    let mut patronymics: Vec<[String; 4]> = names
        .patronymics
        .iter()
        .map(|(father, m, f)| {
            [
                (*m).to_owned(),
                (*f).to_owned(),
                format!("{father} {son}"),
                format!("{father} {daughter}"),
            ]
        })
        .collect();
    for father in names.fathers {
        let soft = ["ж", "ш", "ч", "щ", "ц"]
            .iter()
            .any(|s| father.ends_with(s));
        let (m, f) = if soft {
            ("евич", "евна")
        } else {
            ("ович", "овна")
        };
        patronymics.push([
            format!("{father}{m}"),
            format!("{father}{f}"),
            format!("{father} {son}"),
            format!("{father} {daughter}"),
        ]);
    }
    GroupBook {
        male: names.male,
        female: names.female,
        surnames: names
            .surnames
            .iter()
            .map(|s| ((*s).to_owned(), female_surname(s)))
            .collect(),
        patronymics,
        turkic: names.turkic_patronymic,
        none: names.no_patronymic,
    }
}

impl Tables {
    pub fn new(plan: &Plan) -> Tables {
        let mut days = Vec::with_capacity(46_100);
        let mut d = DAY_ZERO;
        loop {
            days.push(d);
            match d.tomorrow() {
                Ok(next) if next <= LAST_DAY => d = next,
                _ => break,
            }
        }
        let index = |day: Date| days.iter().position(|x| *x == day).unwrap_or(0) as u32;
        let voting_day = index(crate::VOTING_DAY);
        let eighteen = index(date(2006, 11, 17));
        let registration_limit = index(date(2024, 9, 18));
        let day_2000 = index(date(2000, 1, 1));
        let mut ages = Vec::new();
        let mut acc = 0.0;
        for band in AGE_BANDS.windows(2) {
            for _ in band[0].0..band[1].0 {
                acc += band[0].1;
                ages.push(acc);
            }
        }
        let profiles = plan
            .profiles
            .iter()
            .map(|mix| {
                let mut cum = [0.0; ETHNIC_GROUPS];
                let mut acc = 0.0;
                for (c, w) in cum.iter_mut().zip(mix) {
                    acc += w;
                    *c = acc;
                }
                cum
            })
            .collect();
        Tables {
            groups: NAMES
                .iter()
                .enumerate()
                .map(|(g, n)| group_book(g, n))
                .collect(),
            profiles,
            days,
            ages,
            voting_day,
            eighteen,
            registration_limit,
            day_2000,
        }
    }
}

/// Eligible on voting day by the simple reading of VOT-01…VOT-05 used for the targets.
pub(crate) fn row_is_eligible(row: &RegisterRow<'_>) -> bool {
    is_eligible(
        row.citizen,
        row.birth_date,
        row.biometrics,
        row.residence_stamp,
        row.address_registered_on,
        row.court_incapable,
        row.imprisoned,
    )
}

/// VOT-01…VOT-05 as the generator aims at them: a citizen, 18 on voting day, biometrics, a
/// stamp or a registration no later than V − 60, not incapable, not imprisoned.
pub fn is_eligible(
    citizen: bool,
    birth_date: Date,
    biometrics: bool,
    residence_stamp: bool,
    registered_on: Date,
    court_incapable: bool,
    imprisoned: bool,
) -> bool {
    citizen
        && birth_date <= date(2006, 11, 17)
        && biometrics
        && (residence_stamp || registered_on <= date(2024, 9, 18))
        && !court_incapable
        && !imprisoned
}

/// The household being emitted on the current street.
struct Household {
    group: usize,
    surname: usize,
    left: u32,
}

impl Tables {
    /// A day of birth (as a day number): a minor is born after the 18th-birthday limit (a
    /// quarter turn 18 within a month of voting day), some adults just before it, the others
    /// by the age table.
    fn birth_day(&self, rng: &mut ChaCha8Rng, minor: bool) -> u32 {
        if minor {
            let span = if rng.random_bool(0.25) { 30 } else { 548 };
            self.eighteen + rng.random_range(1..=span)
        } else if rng.random_bool(SHARE_JUST_ADULT) {
            self.eighteen - rng.random_range(0..=30)
        } else {
            let x = rng.random_range(0.0..self.ages[self.ages.len() - 1]);
            let years = self.ages.iter().position(|c| x < *c).unwrap_or(0) as u32;
            self.eighteen - (years * 365 + years / 4 + rng.random_range(0..365))
        }
    }

    /// The day the address was registered and whether the passport carries the residence
    /// stamp: some registered after the limit (with and without the stamp), some on it, the
    /// others between their passport at 16 (and 2000, where the register's addresses begin)
    /// and the limit.
    fn registration(&self, rng: &mut ChaCha8Rng, birth: u32) -> (u32, bool) {
        if rng.random_bool(SHARE_RECENT_UNSTAMPED) {
            (
                rng.random_range(self.registration_limit + 1..=self.voting_day - 5),
                false,
            )
        } else if rng.random_bool(SHARE_RECENT_STAMPED) {
            (
                rng.random_range(self.registration_limit + 1..=self.voting_day - 5),
                true,
            )
        } else if rng.random_bool(SHARE_REGISTERED_ON_LIMIT) {
            (self.registration_limit, false)
        } else {
            let lo = (birth + 16 * 365 + 4)
                .max(self.day_2000)
                .min(self.registration_limit);
            (
                rng.random_range(lo..=self.registration_limit),
                !rng.random_bool(SHARE_NO_STAMP),
            )
        }
    }
}

/// The stream of persons; see [`crate::Generator::persons`].
pub struct PersonStream<'g> {
    plan: &'g Plan,
    tables: &'g Tables,
    rng: ChaCha8Rng,
    /// Per (sex, birth day) the last serial used.
    serials: Vec<u32>,
    street: usize,
    left_on_street: u32,
    household: Household,
    house: String,
}

impl<'g> PersonStream<'g> {
    pub fn new(plan: &'g Plan, tables: &'g Tables, seed: u64) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        // Stream 0 built the plan; persons use their own stream so the setup does not depend
        // on how many random numbers the register consumes, and vice versa.
        rng.set_stream(1);
        PersonStream {
            plan,
            tables,
            rng,
            serials: vec![0; 2 * tables.days.len()],
            street: 0,
            left_on_street: plan.streets.first().map_or(0, |s| s.persons),
            household: Household {
                group: 0,
                surname: 0,
                left: 0,
            },
            house: String::with_capacity(32),
        }
    }

    fn pick<T: Copy>(rng: &mut ChaCha8Rng, items: &[T]) -> T {
        items[rng.random_range(0..items.len())]
    }

    fn new_household(&mut self) {
        let street = self.plan.streets[self.street];
        let rng = &mut self.rng;
        let cum = &self.tables.profiles[street.profile as usize];
        let x = rng.random_range(0.0..cum[ETHNIC_GROUPS - 1]);
        let group = cum.iter().position(|c| x < *c).unwrap_or(0);
        let surname = rng.random_range(0..self.tables.groups[group].surnames.len());
        let y = rng.random_range(0.0..1.0);
        let mut acc = 0.0;
        let mut size = HOUSEHOLD_WEIGHTS.len() as u32;
        for (i, w) in HOUSEHOLD_WEIGHTS.iter().enumerate() {
            acc += w;
            if y < acc {
                size = i as u32 + 1;
                break;
            }
        }
        // Houses: about four registered persons per village house; apartment blocks in towns.
        self.house.clear();
        let persons = street.persons;
        if street.urban && rng.random_bool(0.7) {
            let blocks = (persons / 45).max(1);
            let _ = write!(
                self.house,
                "{}, кв. {}",
                rng.random_range(1..=blocks),
                rng.random_range(1..=120)
            );
        } else {
            let houses = (persons / 4).max(1);
            let _ = write!(self.house, "{}", rng.random_range(1..=houses));
            if rng.random_bool(0.04) {
                self.house.push(Self::pick(rng, &['а', 'б', 'в']));
            }
        }
        self.household = Household {
            group,
            surname,
            left: size,
        };
    }

    /// A person's given name, the household's surname in the person's form, and a patronymic
    /// (of the Turkic or the Russian form), if the group gives one.
    fn names<'b>(
        rng: &mut ChaCha8Rng,
        book: &'b GroupBook,
        surname: usize,
        sex: Sex,
    ) -> (&'b str, &'b str, Option<&'b str>) {
        let (given_name, surname) = match sex {
            Sex::Male => (
                Self::pick(rng, book.male),
                book.surnames[surname].0.as_str(),
            ),
            Sex::Female => (
                Self::pick(rng, book.female),
                book.surnames[surname].1.as_str(),
            ),
        };
        let patronymic = if rng.random_bool(book.none) {
            None
        } else {
            let forms = &book.patronymics[rng.random_range(0..book.patronymics.len())];
            let turkic = usize::from(rng.random_bool(book.turkic)) * 2;
            Some(forms[turkic + usize::from(sex == Sex::Female)].as_str())
        };
        (given_name, surname, patronymic)
    }

    /// The next person, borrowing text from the stream; `None` after the last street.
    pub fn next_row(&mut self) -> Option<RegisterRow<'_>> {
        self.next_located().map(|(_, row)| row)
    }

    /// The next person with the index of their street in the plan (and in the station areas).
    pub(crate) fn next_located(&mut self) -> Option<(usize, RegisterRow<'_>)> {
        while self.left_on_street == 0 {
            self.street += 1;
            self.household.left = 0;
            self.left_on_street = self.plan.streets.get(self.street)?.persons;
        }
        if self.household.left == 0 {
            self.new_household();
        }
        self.left_on_street -= 1;
        self.household.left -= 1;

        let t = self.tables;
        let rng = &mut self.rng;
        let book = &t.groups[self.household.group];
        let sex = if rng.random_bool(0.51) {
            Sex::Female
        } else {
            Sex::Male
        };
        let minor = rng.random_bool(SHARE_MINOR);
        let birth = t.birth_day(rng, minor);
        let birth_date = t.days[birth as usize];
        let key = birth as usize * 2 + usize::from(sex == Sex::Male);
        self.serials[key] += 1;
        // Serials look scattered rather than 00001, 00002…, yet stay unique per (sex, birth
        // date): multiplying by a number coprime to 100,000 is a bijection modulo 100,000.
        let serial = (key as u64 * 40_503 + u64::from(self.serials[key]) * 7_919) % 100_000;
        let pin = Pin::compose(sex, birth_date, serial as u32);

        let (given_name, surname, patronymic) = Self::names(rng, book, self.household.surname, sex);

        let citizen = !rng.random_bool(SHARE_NON_CITIZEN);
        let biometrics = !rng.random_bool(SHARE_NO_BIOMETRICS);
        let (registered, residence_stamp) = t.registration(rng, birth);
        // Incapacity and sentences concern adults only; the eligible share is unchanged by it
        // because a minor is ineligible anyway.
        let (court_incapable, imprisoned) = if minor {
            (false, false)
        } else {
            (
                rng.random_bool(SHARE_COURT_INCAPABLE),
                rng.random_bool(SHARE_IMPRISONED),
            )
        };

        let street = self.plan.streets[self.street];
        Some((
            self.street,
            RegisterRow {
                pin,
                surname,
                given_name,
                patronymic,
                sex,
                birth_date,
                citizen,
                biometrics,
                settlement: &self.plan.setup.territories[street.settlement as usize].id,
                street: &self.plan.areas[self.street].street,
                house: &self.house,
                address_registered_on: t.days[registered as usize],
                residence_stamp,
                court_incapable,
                imprisoned,
            },
        ))
    }
}

impl Iterator for PersonStream<'_> {
    type Item = RegisterRecord;
    fn next(&mut self) -> Option<RegisterRecord> {
        self.next_row().map(|row| row.to_record())
    }
}
