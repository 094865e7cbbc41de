//! The election setup: territory, councils, commissions, polling stations and the election.
//!
//! These are plain, already-validated values. Cross-record consistency (a station's PEC exists,
//! a council's territory exists, station numbers are unique) is checked by [`Setup::check`],
//! which every import goes through before anything is stored.

use crate::codes::ErrorCode;
use crate::ids::{CommissionId, CouncilId, ElectionId, SeatCount, StationNumber, TerritoryId};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// A name in the three languages of the interface. `en` is a Latin transliteration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalizedName {
    pub ky: String,
    pub ru: String,
    pub en: String,
}

impl LocalizedName {
    /// The name in a language code (`ky`, `ru`, `en`); Kyrgyz for anything else.
    pub fn get(&self, lang: &str) -> &str {
        match lang {
            "ru" => &self.ru,
            "en" => &self.en,
            _ => &self.ky,
        }
    }
}

/// Kinds of territorial unit (административдик-аймактык бирдик).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TerritoryKind {
    /// Облус / область.
    Region,
    /// Республикалык маанидеги шаар: Bishkek and Osh.
    RepublicanCity,
    /// Район.
    Raion,
    /// Шаар / город of regional or raion significance.
    City,
    /// Айыл аймагы / айыльный аймак: the unit an aiyl council serves.
    AiylAimak,
    /// Айыл, кыштак / село: a settlement inside an aiyl aimak or a city.
    Settlement,
}

impl TerritoryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TerritoryKind::Region => "region",
            TerritoryKind::RepublicanCity => "republican_city",
            TerritoryKind::Raion => "raion",
            TerritoryKind::City => "city",
            TerritoryKind::AiylAimak => "aiyl_aimak",
            TerritoryKind::Settlement => "settlement",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "region" => TerritoryKind::Region,
            "republican_city" => TerritoryKind::RepublicanCity,
            "raion" => TerritoryKind::Raion,
            "city" => TerritoryKind::City,
            "aiyl_aimak" => TerritoryKind::AiylAimak,
            "settlement" => TerritoryKind::Settlement,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Territory {
    pub id: TerritoryId,
    pub kind: TerritoryKind,
    pub name: LocalizedName,
    pub parent: Option<TerritoryId>,
}

/// City councils are elected by party lists, aiyl councils in multi-mandate districts (TER-04).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CouncilKind {
    /// Шаардык кеңеш / городской кенеш: proportional, one city-wide district.
    City,
    /// Айылдык кеңеш / айыльный кенеш: majoritarian, multi-mandate districts.
    Aiyl,
}

impl CouncilKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CouncilKind::City => "city",
            CouncilKind::Aiyl => "aiyl",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "city" => Some(CouncilKind::City),
            "aiyl" => Some(CouncilKind::Aiyl),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Council {
    pub id: CouncilId,
    pub kind: CouncilKind,
    /// The city or aiyl aimak the council serves.
    pub territory: TerritoryId,
    pub name: LocalizedName,
    pub seats: SeatCount,
}

/// Levels of the commission hierarchy: CEC → TEC → PEC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommissionLevel {
    /// Борбордук шайлоо комиссиясы (БШК) / ЦИК.
    Cec,
    /// Аймактык шайлоо комиссиясы (АШК) / ТИК.
    Tec,
    /// Участкалык шайлоо комиссиясы (УШК) / УИК.
    Pec,
}

impl CommissionLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            CommissionLevel::Cec => "cec",
            CommissionLevel::Tec => "tec",
            CommissionLevel::Pec => "pec",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "cec" => Some(CommissionLevel::Cec),
            "tec" => Some(CommissionLevel::Tec),
            "pec" => Some(CommissionLevel::Pec),
            _ => None,
        }
    }
    /// The level directly above, if any.
    pub fn parent_level(self) -> Option<CommissionLevel> {
        match self {
            CommissionLevel::Cec => None,
            CommissionLevel::Tec => Some(CommissionLevel::Cec),
            CommissionLevel::Pec => Some(CommissionLevel::Tec),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Commission {
    pub id: CommissionId,
    pub level: CommissionLevel,
    pub parent: Option<CommissionId>,
    /// The territory the commission is responsible for.
    pub territory: TerritoryId,
    pub name: LocalizedName,
}

/// Accessibility of the premises for voters with disabilities (seed: "State bodies").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Accessibility {
    pub ramp: bool,
    pub ground_floor: bool,
    pub wide_doors: bool,
    pub parking: bool,
    pub tactile_signs: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PollingStation {
    pub number: StationNumber,
    /// The PEC that runs the station.
    pub commission: CommissionId,
    /// The council whose voters it serves (a remote-voting station serves voters of any council).
    pub council: CouncilId,
    /// The settlement or city it stands in.
    pub territory: TerritoryId,
    pub address: LocalizedName,
    pub accessibility: Accessibility,
    /// A station for remote voting (VOT-07), not serving a home area of its own.
    pub remote_voting: bool,
}

/// An election: called by decree, held on one voting day, covering some councils.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Election {
    pub id: ElectionId,
    pub name: LocalizedName,
    pub decree_number: String,
    pub decree_date: Date,
    /// The day the election is called (C in the calendar rules).
    pub called_on: Date,
    /// Voting day (V in the calendar rules).
    pub voting_day: Date,
    pub councils: Vec<CouncilId>,
}

/// Everything the election setup holds, checked for cross-record consistency.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Setup {
    pub territories: Vec<Territory>,
    pub councils: Vec<Council>,
    pub commissions: Vec<Commission>,
    pub stations: Vec<PollingStation>,
    pub elections: Vec<Election>,
}

/// A reason the setup is inconsistent; the whole import is refused on the first one found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SetupError {
    #[error("territory {0} appears twice")]
    DuplicateTerritory(TerritoryId),
    #[error("territory {child} names an unknown parent {parent}")]
    UnknownParentTerritory {
        child: TerritoryId,
        parent: TerritoryId,
    },
    #[error("council {0} appears twice")]
    DuplicateCouncil(CouncilId),
    #[error("council {council} names an unknown territory {territory}")]
    CouncilUnknownTerritory {
        council: CouncilId,
        territory: TerritoryId,
    },
    #[error("commission {0} appears twice")]
    DuplicateCommission(CommissionId),
    #[error("commission {commission} names an unknown parent {parent}")]
    UnknownParentCommission {
        commission: CommissionId,
        parent: CommissionId,
    },
    #[error("commission {0} is at the wrong level for its parent")]
    WrongCommissionLevel(CommissionId),
    #[error("commission {commission} names an unknown territory {territory}")]
    CommissionUnknownTerritory {
        commission: CommissionId,
        territory: TerritoryId,
    },
    #[error("polling station number {0} appears twice")]
    DuplicateStationNumber(StationNumber),
    #[error(
        "polling station {station} names commission {commission}, which is not a PEC that exists"
    )]
    StationUnknownPec {
        station: StationNumber,
        commission: CommissionId,
    },
    #[error("polling station {station} names an unknown council {council}")]
    StationUnknownCouncil {
        station: StationNumber,
        council: CouncilId,
    },
    #[error("polling station {station} names an unknown territory {territory}")]
    StationUnknownTerritory {
        station: StationNumber,
        territory: TerritoryId,
    },
    #[error(
        "election {election}: voting day {voting_day} is not after the calling date {called_on}"
    )]
    VotingDayNotAfterCalling {
        election: ElectionId,
        called_on: Date,
        voting_day: Date,
    },
    #[error("election {election} names an unknown council {council}")]
    ElectionUnknownCouncil {
        election: ElectionId,
        council: CouncilId,
    },
}

impl SetupError {
    /// A stable code for clients and translations.
    pub fn code(&self) -> ErrorCode {
        match self {
            SetupError::DuplicateTerritory(_) => ErrorCode::DuplicateTerritory,
            SetupError::UnknownParentTerritory { .. } => ErrorCode::UnknownParentTerritory,
            SetupError::DuplicateCouncil(_) => ErrorCode::DuplicateCouncil,
            SetupError::CouncilUnknownTerritory { .. } => ErrorCode::CouncilUnknownTerritory,
            SetupError::DuplicateCommission(_) => ErrorCode::DuplicateCommission,
            SetupError::UnknownParentCommission { .. } => ErrorCode::UnknownParentCommission,
            SetupError::WrongCommissionLevel(_) => ErrorCode::WrongCommissionLevel,
            SetupError::CommissionUnknownTerritory { .. } => ErrorCode::CommissionUnknownTerritory,
            SetupError::DuplicateStationNumber(_) => ErrorCode::DuplicateStationNumber,
            SetupError::StationUnknownPec { .. } => ErrorCode::StationUnknownPec,
            SetupError::StationUnknownCouncil { .. } => ErrorCode::UnknownCouncil,
            SetupError::StationUnknownTerritory { .. } => ErrorCode::StationUnknownTerritory,
            SetupError::VotingDayNotAfterCalling { .. } => ErrorCode::VotingDayNotAfterCalling,
            SetupError::ElectionUnknownCouncil { .. } => ErrorCode::UnknownCouncil,
        }
    }
}

impl Setup {
    /// Checks that every reference points at something that exists and that keys are unique.
    /// Parents must come before children in `territories` and `commissions`.
    pub fn check(&self) -> Result<(), SetupError> {
        let mut territories = HashSet::new();
        for t in &self.territories {
            if let Some(parent) = &t.parent
                && !territories.contains(parent)
            {
                return Err(SetupError::UnknownParentTerritory {
                    child: t.id.clone(),
                    parent: parent.clone(),
                });
            }
            if !territories.insert(&t.id) {
                return Err(SetupError::DuplicateTerritory(t.id.clone()));
            }
        }
        let mut councils = HashSet::new();
        for c in &self.councils {
            if !territories.contains(&c.territory) {
                return Err(SetupError::CouncilUnknownTerritory {
                    council: c.id.clone(),
                    territory: c.territory.clone(),
                });
            }
            if !councils.insert(&c.id) {
                return Err(SetupError::DuplicateCouncil(c.id.clone()));
            }
        }
        let mut commissions: HashMap<&CommissionId, CommissionLevel> = HashMap::new();
        for c in &self.commissions {
            match (&c.parent, c.level.parent_level()) {
                (Some(parent), Some(expected)) => match commissions.get(parent) {
                    None => {
                        return Err(SetupError::UnknownParentCommission {
                            commission: c.id.clone(),
                            parent: parent.clone(),
                        });
                    }
                    Some(level) if *level != expected => {
                        return Err(SetupError::WrongCommissionLevel(c.id.clone()));
                    }
                    Some(_) => {}
                },
                (None, None) => {}
                _ => return Err(SetupError::WrongCommissionLevel(c.id.clone())),
            }
            if !territories.contains(&c.territory) {
                return Err(SetupError::CommissionUnknownTerritory {
                    commission: c.id.clone(),
                    territory: c.territory.clone(),
                });
            }
            if commissions.insert(&c.id, c.level).is_some() {
                return Err(SetupError::DuplicateCommission(c.id.clone()));
            }
        }
        let mut numbers = HashSet::new();
        for s in &self.stations {
            check_station(s, &territories, &councils, &commissions)?;
            if !numbers.insert(s.number) {
                return Err(SetupError::DuplicateStationNumber(s.number));
            }
        }
        for e in &self.elections {
            check_election(e, &councils)?;
        }
        Ok(())
    }
}

fn check_station(
    s: &PollingStation,
    territories: &HashSet<&TerritoryId>,
    councils: &HashSet<&CouncilId>,
    commissions: &HashMap<&CommissionId, CommissionLevel>,
) -> Result<(), SetupError> {
    if commissions.get(&s.commission) != Some(&CommissionLevel::Pec) {
        return Err(SetupError::StationUnknownPec {
            station: s.number,
            commission: s.commission.clone(),
        });
    }
    if !councils.contains(&s.council) {
        return Err(SetupError::StationUnknownCouncil {
            station: s.number,
            council: s.council.clone(),
        });
    }
    if !territories.contains(&s.territory) {
        return Err(SetupError::StationUnknownTerritory {
            station: s.number,
            territory: s.territory.clone(),
        });
    }
    Ok(())
}

/// Checks one election against the councils that exist.
pub fn check_election(e: &Election, councils: &HashSet<&CouncilId>) -> Result<(), SetupError> {
    if e.voting_day <= e.called_on {
        return Err(SetupError::VotingDayNotAfterCalling {
            election: e.id.clone(),
            called_on: e.called_on,
            voting_day: e.voting_day,
        });
    }
    if let Some(unknown) = e.councils.iter().find(|c| !councils.contains(c)) {
        return Err(SetupError::ElectionUnknownCouncil {
            election: e.id.clone(),
            council: unknown.clone(),
        });
    }
    Ok(())
}

/// One street of a settlement served by a polling station: how a registered address maps to its
/// station. Every (settlement, street) pair belongs to exactly one regular station.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StationArea {
    pub station: StationNumber,
    pub settlement: TerritoryId,
    pub street: String,
}
