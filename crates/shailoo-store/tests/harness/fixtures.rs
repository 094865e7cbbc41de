//! A small Bishkek election shared by the store tests of look-up, remote voting and check-in:
//! the council, CEC → TEC → two PECs, a regular station (2001) and a remote-voting station
//! (2002).

#![allow(clippy::unwrap_used, reason = "fixtures are valid by construction")]

use jiff::Timestamp;
use jiff::civil::date;
use shailoo_app::audit::{AuditAction, AuditEvent};
use shailoo_domain::identity::PhoneNumber;
use shailoo_domain::territory::{
    Accessibility, Commission, CommissionLevel, Council, CouncilKind, Election, LocalizedName,
    PollingStation, Setup, Territory, TerritoryKind,
};
use shailoo_domain::{
    CommissionId, CouncilId, ElectionId, Pin, SeatCount, StationNumber, TerritoryId,
};

pub fn name(ky: &str, ru: &str, en: &str) -> LocalizedName {
    LocalizedName {
        ky: ky.into(),
        ru: ru.into(),
        en: en.into(),
    }
}

pub fn mid(s: &str) -> CommissionId {
    CommissionId::parse(s).unwrap()
}

pub fn station(number: u32, pec: &str, address: LocalizedName, remote: bool) -> PollingStation {
    PollingStation {
        number: StationNumber::new(number).unwrap(),
        commission: mid(pec),
        council: CouncilId::parse("bishkek-city").unwrap(),
        territory: TerritoryId::parse("bishkek").unwrap(),
        address,
        accessibility: Accessibility::default(),
        remote_voting: remote,
    }
}

pub fn pec(id: &str, n: u32) -> Commission {
    Commission {
        id: mid(id),
        level: CommissionLevel::Pec,
        parent: Some(mid("tec-bishkek")),
        territory: TerritoryId::parse("bishkek").unwrap(),
        name: name(
            &format!("УШК {n}"),
            &format!("УИК {n}"),
            &format!("PEC {n}"),
        ),
        phone: PhoneNumber::parse(&format!("0700{n:06}")).ok(),
    }
}

/// Bishkek with its council, CEC → TEC → two PECs, a regular and a remote-voting station,
/// and the 2024 election.
pub fn setup() -> Setup {
    Setup {
        territories: vec![Territory {
            id: TerritoryId::parse("bishkek").unwrap(),
            kind: TerritoryKind::RepublicanCity,
            name: name("Бишкек шаары", "город Бишкек", "Bishkek City"),
            parent: None,
        }],
        councils: vec![Council {
            id: CouncilId::parse("bishkek-city").unwrap(),
            kind: CouncilKind::City,
            territory: TerritoryId::parse("bishkek").unwrap(),
            name: name(
                "Бишкек шаардык кеңеши",
                "Бишкекский городской кенеш",
                "Bishkek City Council",
            ),
            seats: SeatCount::new(45).unwrap(),
        }],
        commissions: vec![
            Commission {
                id: mid("cec"),
                level: CommissionLevel::Cec,
                parent: None,
                territory: TerritoryId::parse("bishkek").unwrap(),
                name: name("БШК", "ЦИК", "CEC"),
                phone: PhoneNumber::parse("0312 62-62-46").ok(),
            },
            Commission {
                id: mid("tec-bishkek"),
                level: CommissionLevel::Tec,
                parent: Some(mid("cec")),
                territory: TerritoryId::parse("bishkek").unwrap(),
                name: name("Бишкек ШК", "Бишкекская ТИК", "Bishkek TEC"),
                phone: None,
            },
            pec("pec-2001", 2001),
            pec("pec-2002", 2002),
        ],
        stations: vec![
            station(
                2001,
                "pec-2001",
                name(
                    "Бишкек, Чүй проспекти 1",
                    "Бишкек, проспект Чуй 1",
                    "Bishkek, Chui Avenue 1",
                ),
                false,
            ),
            station(
                2002,
                "pec-2002",
                name(
                    "Бишкек, Эркиндик бульвары 5",
                    "Бишкек, бульвар Эркиндик 5",
                    "Bishkek, Erkindik Boulevard 5",
                ),
                true,
            ),
        ],
        elections: vec![Election {
            id: ElectionId::parse("local-2024").unwrap(),
            name: name("Шайлоо 2024", "Выборы 2024", "Election 2024"),
            decree_number: "256".into(),
            decree_date: date(2024, 9, 6),
            called_on: date(2024, 9, 6),
            voting_day: date(2024, 11, 17),
            councils: vec![CouncilId::parse("bishkek-city").unwrap()],
        }],
    }
}

pub fn event(action: AuditAction) -> AuditEvent {
    AuditEvent::new("system", action, "test", Timestamp::now())
}

pub fn election() -> ElectionId {
    ElectionId::parse("local-2024").unwrap()
}

pub fn pin(s: &str) -> Pin {
    Pin::parse(s).unwrap()
}
