//! An in-memory store for the use cases' own tests: the setup and account sub-ports over a
//! small election (the CEC, two TECs with a PEC each, one council, one station), behind one
//! mutex that plays the write lock. Methods no use case under test calls answer
//! `StoreError::Backend`, so that a test reaching one fails loudly. The store crate's contract
//! suite tests the real thing on both engines.

#![allow(clippy::unwrap_used, reason = "test data")]

use crate::accounts::AccountStore;
use crate::audit::AuditEvent;
use crate::setup::{
    CalendarOverrideRecord, CommissionFilter, CouncilFilter, ImportSummary, OverrideError,
    SetupStore, StationFilter, Totals, check_override,
};
use crate::store::{Entity, Page, StoreError};
use crate::users::{NewUser, Session, User, Username};
use async_trait::async_trait;
use jiff::Timestamp;
use jiff::civil::date;
use shailoo_domain::address::territory_chain;
use shailoo_domain::territory::{
    Accessibility, Commission, CommissionLevel, Council, CouncilKind, Election, LocalizedName,
    PollingStation, Setup, StationArea, Territory, TerritoryKind,
};
use shailoo_domain::{CommissionId, CouncilId, ElectionId, SeatCount, StationNumber, TerritoryId};
use std::sync::Mutex;

pub fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn name(s: &str) -> LocalizedName {
    LocalizedName {
        ky: s.into(),
        ru: s.into(),
        en: s.into(),
    }
}

#[derive(Default)]
struct State {
    territories: Vec<Territory>,
    commissions: Vec<Commission>,
    councils: Vec<Council>,
    stations: Vec<PollingStation>,
    elections: Vec<Election>,
    overrides: Vec<(ElectionId, CalendarOverrideRecord)>,
    users: Vec<User>,
    events: Vec<AuditEvent>,
}

pub struct FakeStore {
    state: Mutex<State>,
}

fn unsupported<T>() -> Result<T, StoreError> {
    Err(StoreError::Backend("not in the fake store".into()))
}

impl FakeStore {
    /// The CEC `cec`; TECs `tec-a` and `tec-b`, each with a PEC (`pec-a1`, `pec-b1`); the city
    /// council `council-a` of territory `town-a`, electing in `local-2024` (called 6 September
    /// 2024, voting 17 November); station 1001 of `pec-a1`.
    pub fn with_commissions() -> FakeStore {
        let commission = |id: &str, level, parent: Option<&str>| Commission {
            id: CommissionId::parse(id).unwrap(),
            level,
            parent: parent.map(|p| CommissionId::parse(p).unwrap()),
            territory: TerritoryId::parse("town-a").unwrap(),
            name: name(id),
            phone: None,
        };
        let state = State {
            territories: vec![Territory {
                id: TerritoryId::parse("town-a").unwrap(),
                kind: TerritoryKind::City,
                name: name("Town A"),
                parent: None,
            }],
            commissions: vec![
                commission("cec", CommissionLevel::Cec, None),
                commission("tec-a", CommissionLevel::Tec, Some("cec")),
                commission("tec-b", CommissionLevel::Tec, Some("cec")),
                commission("pec-a1", CommissionLevel::Pec, Some("tec-a")),
                commission("pec-b1", CommissionLevel::Pec, Some("tec-b")),
            ],
            councils: vec![Council {
                id: CouncilId::parse("council-a").unwrap(),
                kind: CouncilKind::City,
                territory: TerritoryId::parse("town-a").unwrap(),
                name: name("Council A"),
                seats: SeatCount::new(21).unwrap(),
            }],
            stations: vec![PollingStation {
                number: StationNumber::new(1001).unwrap(),
                commission: CommissionId::parse("pec-a1").unwrap(),
                council: CouncilId::parse("council-a").unwrap(),
                territory: TerritoryId::parse("town-a").unwrap(),
                address: name("School 1"),
                accessibility: Accessibility::default(),
                remote_voting: false,
            }],
            elections: vec![Election {
                id: ElectionId::parse("local-2024").unwrap(),
                name: name("Local 2024"),
                decree_number: "1".into(),
                decree_date: date(2024, 9, 6),
                called_on: date(2024, 9, 6),
                voting_day: date(2024, 11, 17),
                councils: vec![CouncilId::parse("council-a").unwrap()],
            }],
            ..State::default()
        };
        FakeStore {
            state: Mutex::new(state),
        }
    }

    /// The audit events written so far, in order.
    pub fn events(&self) -> Vec<AuditEvent> {
        self.state.lock().unwrap().events.clone()
    }
}

#[async_trait]
impl SetupStore for FakeStore {
    async fn import_setup(
        &self,
        _: &Setup,
        _: &[StationArea],
        _: AuditEvent,
    ) -> Result<ImportSummary, StoreError> {
        unsupported()
    }
    async fn totals(&self) -> Result<Totals, StoreError> {
        unsupported()
    }
    async fn elections(&self) -> Result<Vec<Election>, StoreError> {
        Ok(self.state.lock().unwrap().elections.clone())
    }
    async fn election(&self, id: &ElectionId) -> Result<Option<Election>, StoreError> {
        let s = self.state.lock().unwrap();
        Ok(s.elections.iter().find(|e| &e.id == id).cloned())
    }
    async fn territory(&self, id: &TerritoryId) -> Result<Option<Territory>, StoreError> {
        let s = self.state.lock().unwrap();
        Ok(s.territories.iter().find(|t| &t.id == id).cloned())
    }
    async fn territory_chain(&self, id: &TerritoryId) -> Result<Vec<Territory>, StoreError> {
        let s = self.state.lock().unwrap();
        let chain = territory_chain(id, |t| s.territories.iter().find(|x| &x.id == t));
        Ok(chain.into_iter().cloned().collect())
    }
    async fn territory_children(
        &self,
        _: Option<&TerritoryId>,
    ) -> Result<Vec<Territory>, StoreError> {
        unsupported()
    }
    async fn councils(&self, _: &CouncilFilter) -> Result<Page<Council>, StoreError> {
        unsupported()
    }
    async fn council(&self, id: &CouncilId) -> Result<Option<Council>, StoreError> {
        let s = self.state.lock().unwrap();
        Ok(s.councils.iter().find(|c| &c.id == id).cloned())
    }
    async fn commissions(&self, _: &CommissionFilter) -> Result<Page<Commission>, StoreError> {
        unsupported()
    }
    async fn commission(&self, id: &CommissionId) -> Result<Option<Commission>, StoreError> {
        let s = self.state.lock().unwrap();
        Ok(s.commissions.iter().find(|c| &c.id == id).cloned())
    }
    async fn commission_chain(&self, id: &CommissionId) -> Result<Vec<CommissionId>, StoreError> {
        let s = self.state.lock().unwrap();
        let mut chain = Vec::new();
        let mut current = s.commissions.iter().find(|c| &c.id == id);
        while let Some(c) = current {
            chain.push(c.id.clone());
            current = c
                .parent
                .as_ref()
                .and_then(|p| s.commissions.iter().find(|x| &x.id == p));
        }
        Ok(chain)
    }
    async fn stations(&self, _: &StationFilter) -> Result<Page<PollingStation>, StoreError> {
        unsupported()
    }
    async fn station(&self, number: StationNumber) -> Result<Option<PollingStation>, StoreError> {
        let s = self.state.lock().unwrap();
        Ok(s.stations.iter().find(|x| x.number == number).cloned())
    }
    async fn add_station(
        &self,
        station: &PollingStation,
        event: AuditEvent,
    ) -> Result<(), StoreError> {
        let mut s = self.state.lock().unwrap();
        if s.stations.iter().any(|x| x.number == station.number) {
            return Err(StoreError::duplicate(Entity::Station, station.number));
        }
        if !s.territories.iter().any(|t| t.id == station.territory) {
            return Err(StoreError::unknown(Entity::Territory, &station.territory));
        }
        s.stations.push(station.clone());
        s.events.push(event);
        Ok(())
    }
    async fn calendar_overrides(
        &self,
        election: &ElectionId,
    ) -> Result<Vec<CalendarOverrideRecord>, StoreError> {
        let s = self.state.lock().unwrap();
        Ok(s.overrides
            .iter()
            .filter(|(e, _)| e == election)
            .map(|(_, r)| r.clone())
            .collect())
    }
    async fn set_calendar_override(
        &self,
        election: &ElectionId,
        record: &CalendarOverrideRecord,
        event: AuditEvent,
    ) -> Result<(), OverrideError> {
        let mut s = self.state.lock().unwrap();
        let found = s
            .elections
            .iter()
            .find(|e| &e.id == election)
            .cloned()
            .ok_or_else(|| OverrideError::UnknownElection(election.clone()))?;
        let stored: Vec<CalendarOverrideRecord> = s
            .overrides
            .iter()
            .filter(|(e, _)| e == election)
            .map(|(_, r)| r.clone())
            .collect();
        let event = match check_override(&found, &stored, record)? {
            Some(previous) => event.before(&previous),
            None => event,
        };
        s.overrides
            .retain(|(e, r)| !(e == election && r.rule_id == record.rule_id));
        s.overrides.push((election.clone(), record.clone()));
        s.events.push(event);
        Ok(())
    }
}

#[async_trait]
impl AccountStore for FakeStore {
    async fn add_user(&self, user: &NewUser, event: AuditEvent) -> Result<(), StoreError> {
        let mut s = self.state.lock().unwrap();
        if s.users.iter().any(|u| u.username == user.username) {
            return Err(StoreError::duplicate(Entity::User, &user.username));
        }
        s.users.push(User {
            username: user.username.clone(),
            display_name: user.display_name.clone(),
            role: user.role,
            commission: user.commission.clone(),
            party: None,
            password_hash: user.password_hash.clone(),
            created_at: event.at,
        });
        s.events.push(event);
        Ok(())
    }
    async fn user(&self, username: &Username) -> Result<Option<User>, StoreError> {
        let s = self.state.lock().unwrap();
        Ok(s.users.iter().find(|u| &u.username == username).cloned())
    }
    async fn create_session(&self, _: &Session) -> Result<(), StoreError> {
        unsupported()
    }
    async fn session(&self, _: &str, _: Timestamp) -> Result<Option<Session>, StoreError> {
        unsupported()
    }
    async fn delete_session(&self, _: &str) -> Result<(), StoreError> {
        unsupported()
    }
}
