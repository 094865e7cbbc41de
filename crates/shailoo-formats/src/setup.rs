//! The election setup files: `territories.csv`, `councils.csv`, `commissions.csv`,
//! `stations.csv`, `station_areas.csv` and `election.json`, read together into a checked
//! [`Setup`] with its station areas, and written from one.

use crate::error::{FormatError, RowErrorKind, WriteError};
use crate::files;
use crate::manifest::FileSummary;
use crate::table::{bool_str, read_json, read_rows, write_json, write_table};
use shailoo_domain::territory::{
    Accessibility, Commission, CommissionLevel, Council, CouncilKind, Election, PollingStation,
    Setup, StationArea, Territory, TerritoryKind,
};
use shailoo_domain::{CommissionId, CouncilId, SeatCount, StationNumber, TerritoryId};
use std::collections::HashSet;
use std::path::Path;

pub const TERRITORIES_COLUMNS: [&str; 6] =
    ["id", "kind", "parent", "name_ky", "name_ru", "name_en"];
pub const COUNCILS_COLUMNS: [&str; 7] = [
    "id",
    "kind",
    "territory",
    "seats",
    "name_ky",
    "name_ru",
    "name_en",
];
pub const COMMISSIONS_COLUMNS: [&str; 8] = [
    "id",
    "level",
    "parent",
    "territory",
    "name_ky",
    "name_ru",
    "name_en",
    "phone",
];
pub const STATIONS_COLUMNS: [&str; 15] = [
    "number",
    "commission",
    "council",
    "territory",
    "remote_voting",
    "address_ky",
    "address_ru",
    "address_en",
    "ramp",
    "ground_floor",
    "wide_doors",
    "parking",
    "tactile_signs",
    "call_button",
    "lighting",
];
pub const STATION_AREAS_COLUMNS: [&str; 5] =
    ["station", "settlement", "street", "street_ru", "street_en"];

/// The setup files of a dataset directory: the setup together with the station areas
/// (everything but the register).
#[derive(Debug, Clone)]
pub struct Dataset {
    pub setup: Setup,
    /// Every (settlement, street) of the register and the one regular station serving it.
    pub station_areas: Vec<StationArea>,
}

impl Dataset {
    /// The one election of the dataset (`election.json` holds one).
    pub fn election(&self) -> Option<&Election> {
        self.setup.elections.first()
    }
}

impl PartialEq for Dataset {
    // `Setup` has no `PartialEq` of its own; every part it holds does.
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (&self.setup, &other.setup);
        a.territories == b.territories
            && a.councils == b.councils
            && a.commissions == b.commissions
            && a.stations == b.stations
            && a.elections == b.elections
            && self.station_areas == other.station_areas
    }
}

/// Reads the setup files of a dataset directory (territories, councils, commissions, stations,
/// station areas, election) and checks them as an import would: [`Setup::check`], and every
/// station area names a regular station and a settlement that exist, each (settlement, street)
/// once.
pub fn read_setup(dir: &Path) -> Result<Dataset, FormatError> {
    // In the order of the files, so that the first faulty file is the one reported.
    let territories = read_territories(dir)?;
    let councils = read_councils(dir)?;
    let commissions = read_commissions(dir)?;
    let stations = read_stations(dir)?;
    let areas = read_station_areas(dir)?;
    let election = read_json(&dir.join(files::ELECTION))?;
    let setup = Setup {
        territories,
        councils,
        commissions,
        stations,
        elections: vec![election],
    };
    setup.check()?;
    check_station_areas(&areas, &setup)?;
    Ok(Dataset {
        setup,
        station_areas: values(areas),
    })
}

/// The rows without their line numbers (which only the station areas' check needs).
fn values<T>(rows: Vec<(u64, T)>) -> Vec<T> {
    rows.into_iter().map(|(_, value)| value).collect()
}

fn read_territories(dir: &Path) -> Result<Vec<Territory>, FormatError> {
    let rows = read_rows(dir, files::TERRITORIES, &TERRITORIES_COLUMNS, |f| {
        Ok(Territory {
            id: f.id(0, TerritoryId::parse)?,
            kind: f.enumerated(
                1,
                TerritoryKind::parse,
                "region, republican_city, raion, city, aiyl_aimak, settlement",
            )?,
            parent: f.optional_id(2, TerritoryId::parse)?,
            name: f.name(3)?,
        })
    })?;
    Ok(values(rows))
}

fn read_councils(dir: &Path) -> Result<Vec<Council>, FormatError> {
    let rows = read_rows(dir, files::COUNCILS, &COUNCILS_COLUMNS, |f| {
        let seats = f.number(3)?;
        Ok(Council {
            id: f.id(0, CouncilId::parse)?,
            kind: f.enumerated(1, CouncilKind::parse, "city, aiyl")?,
            territory: f.id(2, TerritoryId::parse)?,
            seats: SeatCount::new(seats).map_err(|e| f.err(3, RowErrorKind::BadId(e)))?,
            name: f.name(4)?,
        })
    })?;
    Ok(values(rows))
}

fn read_commissions(dir: &Path) -> Result<Vec<Commission>, FormatError> {
    let rows = read_rows(dir, files::COMMISSIONS, &COMMISSIONS_COLUMNS, |f| {
        Ok(Commission {
            id: f.id(0, CommissionId::parse)?,
            level: f.enumerated(1, CommissionLevel::parse, "cec, tec, pec")?,
            parent: f.optional_id(2, CommissionId::parse)?,
            territory: f.id(3, TerritoryId::parse)?,
            name: f.name(4)?,
            phone: f.optional_phone(7)?,
        })
    })?;
    Ok(values(rows))
}

fn read_stations(dir: &Path) -> Result<Vec<PollingStation>, FormatError> {
    let rows = read_rows(dir, files::STATIONS, &STATIONS_COLUMNS, |f| {
        Ok(PollingStation {
            number: f.id(0, StationNumber::parse)?,
            commission: f.id(1, CommissionId::parse)?,
            council: f.id(2, CouncilId::parse)?,
            territory: f.id(3, TerritoryId::parse)?,
            remote_voting: f.boolean(4)?,
            address: f.name(5)?,
            accessibility: Accessibility {
                ramp: f.boolean(8)?,
                ground_floor: f.boolean(9)?,
                wide_doors: f.boolean(10)?,
                parking: f.boolean(11)?,
                tactile_signs: f.boolean(12)?,
                call_button: f.boolean(13)?,
                lighting: f.boolean(14)?,
            },
        })
    })?;
    Ok(values(rows))
}

/// The station areas with the line of each, for [`check_station_areas`].
fn read_station_areas(dir: &Path) -> Result<Vec<(u64, StationArea)>, FormatError> {
    read_rows(dir, files::STATION_AREAS, &STATION_AREAS_COLUMNS, |f| {
        Ok(StationArea {
            station: f.id(0, StationNumber::parse)?,
            settlement: f.id(1, TerritoryId::parse)?,
            street: f.required(2)?.to_owned(),
            street_ru: f.optional(3)?.map(str::to_owned),
            street_en: f.optional(4)?.map(str::to_owned),
        })
    })
}

/// Every area names a regular station and a settlement of the (checked) setup, and each
/// (settlement, street) is served once.
fn check_station_areas(areas: &[(u64, StationArea)], setup: &Setup) -> Result<(), FormatError> {
    let regular: HashSet<StationNumber> = setup
        .stations
        .iter()
        .filter(|s| !s.remote_voting)
        .map(|s| s.number)
        .collect();
    let settlements: HashSet<&TerritoryId> = setup.territories.iter().map(|t| &t.id).collect();
    let mut seen: HashSet<(&TerritoryId, &str)> = HashSet::new();
    let bad = |line: u64, message: String| FormatError::BadArea {
        file: files::STATION_AREAS.into(),
        line,
        message,
    };
    for (line, a) in areas {
        if !regular.contains(&a.station) {
            return Err(bad(
                *line,
                format!(
                    "station {} is not a regular polling station of the setup",
                    a.station
                ),
            ));
        }
        if !settlements.contains(&a.settlement) {
            return Err(bad(
                *line,
                format!(
                    "settlement {} is not a territory of the setup",
                    a.settlement
                ),
            ));
        }
        if !seen.insert((&a.settlement, a.street.as_str())) {
            return Err(bad(
                *line,
                format!(
                    "{} / {} is served by more than one station",
                    a.settlement, a.street
                ),
            ));
        }
    }
    Ok(())
}

/// Writes the setup files of `setup` (whose first election goes to `election.json`) and the
/// station areas into `dir`, which must exist; returns what each file holds, in the order of
/// [`files`].
pub fn write_setup(
    dir: &Path,
    setup: &Setup,
    areas: &[StationArea],
) -> Result<Vec<FileSummary>, WriteError> {
    Ok(vec![
        write_territories(dir, &setup.territories)?,
        write_councils(dir, &setup.councils)?,
        write_commissions(dir, &setup.commissions)?,
        write_stations(dir, &setup.stations)?,
        write_station_areas(dir, areas)?,
        write_json(&dir.join(files::ELECTION), &setup.elections.first(), true)?,
    ])
}

fn write_territories(dir: &Path, territories: &[Territory]) -> Result<FileSummary, WriteError> {
    write_table(
        &dir.join(files::TERRITORIES),
        &TERRITORIES_COLUMNS,
        territories.iter().map(|t| {
            [
                t.id.as_str(),
                t.kind.as_str(),
                t.parent.as_ref().map_or("", |p| p.as_str()),
                &t.name.ky,
                &t.name.ru,
                &t.name.en,
            ]
        }),
    )
}

fn write_councils(dir: &Path, councils: &[Council]) -> Result<FileSummary, WriteError> {
    let seats: Vec<String> = councils.iter().map(|c| c.seats.to_string()).collect();
    write_table(
        &dir.join(files::COUNCILS),
        &COUNCILS_COLUMNS,
        councils.iter().zip(&seats).map(|(c, seats)| {
            [
                c.id.as_str(),
                c.kind.as_str(),
                c.territory.as_str(),
                seats,
                &c.name.ky,
                &c.name.ru,
                &c.name.en,
            ]
        }),
    )
}

fn write_commissions(dir: &Path, commissions: &[Commission]) -> Result<FileSummary, WriteError> {
    let phones: Vec<String> = commissions
        .iter()
        .map(|c| c.phone.map(|p| p.e164()).unwrap_or_default())
        .collect();
    write_table(
        &dir.join(files::COMMISSIONS),
        &COMMISSIONS_COLUMNS,
        commissions.iter().zip(&phones).map(|(c, phone)| {
            [
                c.id.as_str(),
                c.level.as_str(),
                c.parent.as_ref().map_or("", |p| p.as_str()),
                c.territory.as_str(),
                &c.name.ky,
                &c.name.ru,
                &c.name.en,
                phone.as_str(),
            ]
        }),
    )
}

fn write_stations(dir: &Path, stations: &[PollingStation]) -> Result<FileSummary, WriteError> {
    let numbers: Vec<String> = stations.iter().map(|s| s.number.to_string()).collect();
    write_table(
        &dir.join(files::STATIONS),
        &STATIONS_COLUMNS,
        stations.iter().zip(&numbers).map(|(s, number)| {
            let a = s.accessibility;
            [
                number.as_str(),
                s.commission.as_str(),
                s.council.as_str(),
                s.territory.as_str(),
                bool_str(s.remote_voting),
                &s.address.ky,
                &s.address.ru,
                &s.address.en,
                bool_str(a.ramp),
                bool_str(a.ground_floor),
                bool_str(a.wide_doors),
                bool_str(a.parking),
                bool_str(a.tactile_signs),
                bool_str(a.call_button),
                bool_str(a.lighting),
            ]
        }),
    )
}

fn write_station_areas(dir: &Path, areas: &[StationArea]) -> Result<FileSummary, WriteError> {
    let numbers: Vec<String> = areas.iter().map(|a| a.station.to_string()).collect();
    write_table(
        &dir.join(files::STATION_AREAS),
        &STATION_AREAS_COLUMNS,
        areas.iter().zip(&numbers).map(|(a, number)| {
            [
                number.as_str(),
                a.settlement.as_str(),
                a.street.as_str(),
                a.street_ru.as_deref().unwrap_or_default(),
                a.street_en.as_deref().unwrap_or_default(),
            ]
        }),
    )
}
