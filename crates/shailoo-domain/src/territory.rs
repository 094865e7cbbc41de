//! The election setup: territory, councils, commissions, polling stations and the election.
//!
//! These are plain, already-validated values. Cross-record consistency (a station's PEC exists,
//! a council's territory exists, station numbers are unique) is checked by [`Setup::check`],
//! which every import goes through before anything is stored.

use crate::codes::ErrorCode;
use crate::identity::PhoneNumber;
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
    /// The public phone voters call (for a PEC: the station's premises on voting day).
    #[serde(default)]
    pub phone: Option<PhoneNumber>,
}

/// Accessibility of the premises for voters with disabilities (мүмкүнчүлүгү чектелген
/// шайлоочулар үчүн жеткиликтүүлүк / доступность для избирателей с инвалидностью): the
/// findings of the local government's survey. The seed ("State bodies and local government")
/// requires "ramps or call buttons, wide doors, parking, ground floor or lift, tactile signs,
/// lighting": [`AccessRequirement`] is that list, and [`Accessibility::missing`] says which of
/// it a station lacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Accessibility {
    /// A ramp at the entrance (пандус).
    pub ramp: bool,
    /// A call button at the entrance (чакыруу баскычы / кнопка вызова), where there is no ramp.
    #[serde(default)]
    pub call_button: bool,
    /// The voting room on the ground floor, or reached by a lift.
    pub ground_floor: bool,
    /// Doors wide enough for a wheelchair.
    pub wide_doors: bool,
    /// Parking for voters with disabilities.
    pub parking: bool,
    /// Tactile signs for blind voters.
    pub tactile_signs: bool,
    /// Lighting enough for voters with low vision (жарык / освещение).
    #[serde(default)]
    pub lighting: bool,
}

/// One requirement of the seed's list of what polling premises need for voters with
/// disabilities. A ramp and a call button are alternatives: either meets [`Self::Entrance`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccessRequirement {
    /// A ramp or a call button at the entrance.
    Entrance,
    WideDoors,
    Parking,
    /// The ground floor or a lift.
    GroundFloor,
    TactileSigns,
    Lighting,
}

impl AccessRequirement {
    /// Every requirement, in the seed's order.
    pub const ALL: [AccessRequirement; 6] = [
        AccessRequirement::Entrance,
        AccessRequirement::WideDoors,
        AccessRequirement::Parking,
        AccessRequirement::GroundFloor,
        AccessRequirement::TactileSigns,
        AccessRequirement::Lighting,
    ];

    /// A stable code (`entrance`, `wide_doors`…) for URLs, CSV and translations.
    pub fn as_str(self) -> &'static str {
        match self {
            AccessRequirement::Entrance => "entrance",
            AccessRequirement::WideDoors => "wide_doors",
            AccessRequirement::Parking => "parking",
            AccessRequirement::GroundFloor => "ground_floor",
            AccessRequirement::TactileSigns => "tactile_signs",
            AccessRequirement::Lighting => "lighting",
        }
    }

    pub fn parse(s: &str) -> Option<AccessRequirement> {
        AccessRequirement::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

impl Accessibility {
    /// Whether the premises meet one requirement.
    pub fn meets(&self, requirement: AccessRequirement) -> bool {
        match requirement {
            AccessRequirement::Entrance => self.ramp || self.call_button,
            AccessRequirement::WideDoors => self.wide_doors,
            AccessRequirement::Parking => self.parking,
            AccessRequirement::GroundFloor => self.ground_floor,
            AccessRequirement::TactileSigns => self.tactile_signs,
            AccessRequirement::Lighting => self.lighting,
        }
    }

    /// The requirements the premises do not meet, in the seed's order.
    pub fn missing(&self) -> Vec<AccessRequirement> {
        AccessRequirement::ALL
            .into_iter()
            .filter(|r| !self.meets(*r))
            .collect()
    }

    /// Whether the premises suit a voter with a disability: every requirement is met.
    pub fn is_accessible(&self) -> bool {
        AccessRequirement::ALL.into_iter().all(|r| self.meets(r))
    }
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
        let territories = check_territories(&self.territories)?;
        let councils = check_councils(&self.councils, &territories)?;
        let commissions = check_commissions(&self.commissions, &territories)?;
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

/// The territories' ids, each once, each parent listed before its children.
fn check_territories(territories: &[Territory]) -> Result<HashSet<&TerritoryId>, SetupError> {
    let mut ids = HashSet::new();
    for t in territories {
        if let Some(parent) = &t.parent
            && !ids.contains(parent)
        {
            return Err(SetupError::UnknownParentTerritory {
                child: t.id.clone(),
                parent: parent.clone(),
            });
        }
        if !ids.insert(&t.id) {
            return Err(SetupError::DuplicateTerritory(t.id.clone()));
        }
    }
    Ok(ids)
}

/// The councils' ids, each once, each of a known territory.
fn check_councils<'a>(
    councils: &'a [Council],
    territories: &HashSet<&TerritoryId>,
) -> Result<HashSet<&'a CouncilId>, SetupError> {
    let mut ids = HashSet::new();
    for c in councils {
        if !territories.contains(&c.territory) {
            return Err(SetupError::CouncilUnknownTerritory {
                council: c.id.clone(),
                territory: c.territory.clone(),
            });
        }
        if !ids.insert(&c.id) {
            return Err(SetupError::DuplicateCouncil(c.id.clone()));
        }
    }
    Ok(ids)
}

/// The commissions' levels by id: each once, of a known territory, under a listed commission
/// of the level above (the CEC under none).
fn check_commissions<'a>(
    commissions: &'a [Commission],
    territories: &HashSet<&TerritoryId>,
) -> Result<HashMap<&'a CommissionId, CommissionLevel>, SetupError> {
    let mut levels: HashMap<&CommissionId, CommissionLevel> = HashMap::new();
    for c in commissions {
        match (&c.parent, c.level.parent_level()) {
            (Some(parent), Some(expected)) => match levels.get(parent) {
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
        if levels.insert(&c.id, c.level).is_some() {
            return Err(SetupError::DuplicateCommission(c.id.clone()));
        }
    }
    Ok(levels)
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
    /// The street exactly as the register writes it (its Kyrgyz form): the key.
    pub street: String,
    /// The street's name on Russian and English documents (`ул. Гагарина`, `Gagarin St`), so
    /// that a printed list speaks one language; `None` where the directory has none, and the
    /// register's form is printed.
    #[serde(default)]
    pub street_ru: Option<String>,
    #[serde(default)]
    pub street_en: Option<String>,
}

impl StationArea {
    /// The street's name in the three languages (the register's form where one is missing).
    pub fn street_name(&self) -> LocalizedName {
        LocalizedName {
            ky: self.street.clone(),
            ru: self
                .street_ru
                .clone()
                .unwrap_or_else(|| self.street.clone()),
            en: self
                .street_en
                .clone()
                .unwrap_or_else(|| self.street.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(f: impl Fn(&mut Accessibility)) -> Accessibility {
        let mut a = Accessibility::default();
        f(&mut a);
        a
    }

    #[test]
    fn a_ramp_or_a_call_button_makes_the_entrance_accessible() {
        assert!(with(|a| a.ramp = true).meets(AccessRequirement::Entrance));
        assert!(with(|a| a.call_button = true).meets(AccessRequirement::Entrance));
        assert!(!Accessibility::default().meets(AccessRequirement::Entrance));
    }

    #[test]
    fn premises_suit_voters_with_disabilities_only_when_nothing_is_missing() {
        let all = with(|a| {
            a.call_button = true;
            a.wide_doors = true;
            a.parking = true;
            a.ground_floor = true;
            a.tactile_signs = true;
            a.lighting = true;
        });
        assert!(all.is_accessible());
        assert!(all.missing().is_empty());
        let dark = Accessibility {
            lighting: false,
            ..all
        };
        assert!(!dark.is_accessible());
        assert_eq!(dark.missing(), vec![AccessRequirement::Lighting]);
        assert_eq!(
            Accessibility::default().missing(),
            AccessRequirement::ALL.to_vec()
        );
    }

    #[test]
    fn requirement_codes_round_trip() {
        for r in AccessRequirement::ALL {
            assert_eq!(AccessRequirement::parse(r.as_str()), Some(r));
        }
        assert_eq!(AccessRequirement::parse("ramp"), None);
    }

    #[test]
    fn a_street_without_translations_keeps_the_register_form() {
        let area = StationArea {
            station: StationNumber::new(1).expect("a number"),
            settlement: TerritoryId::parse("x").expect("an id"),
            street: "Гагарин көчөсү".into(),
            street_ru: Some("ул. Гагарина".into()),
            street_en: None,
        };
        let name = area.street_name();
        assert_eq!(name.get("ru"), "ул. Гагарина");
        assert_eq!(name.get("en"), "Гагарин көчөсү");
        assert_eq!(name.get("ky"), "Гагарин көчөсү");
    }
}
