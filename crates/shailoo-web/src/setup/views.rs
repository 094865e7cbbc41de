//! The rows and views the setup pages show: plain strings in the reader's language.

use crate::AppState;
use crate::kit::Lang;
use crate::kit::format::{fmt_date, name};
use shailoo_app::StoreError;
use shailoo_domain::territory::{Commission, Council, Election, PollingStation};

pub(crate) struct ElectionView {
    pub id: String,
    pub name: String,
    pub decree_number: String,
    pub decree_date: String,
    pub decree_date_iso: String,
    pub voting_day: String,
    pub voting_day_iso: String,
}

impl ElectionView {
    pub(crate) fn new(e: &Election, lang: Lang) -> Self {
        ElectionView {
            id: e.id.to_string(),
            name: name(&e.name, lang),
            decree_number: e.decree_number.clone(),
            decree_date: fmt_date(e.decree_date),
            decree_date_iso: e.decree_date.to_string(),
            voting_day: fmt_date(e.voting_day),
            voting_day_iso: e.voting_day.to_string(),
        }
    }
}

pub(crate) struct CouncilRow {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub seats: u32,
}

impl CouncilRow {
    pub(crate) fn new(c: &Council, lang: Lang) -> Self {
        CouncilRow {
            id: c.id.to_string(),
            name: name(&c.name, lang),
            kind: lang.t(&format!("kind-{}", c.kind.as_str())),
            seats: c.seats.get(),
        }
    }
}

pub(crate) struct CommissionRow {
    pub id: String,
    pub name: String,
    pub level: String,
}

impl CommissionRow {
    pub(crate) fn new(c: &Commission, lang: Lang) -> Self {
        CommissionRow {
            id: c.id.to_string(),
            name: name(&c.name, lang),
            level: lang.t(&format!("level-{}", c.level.as_str())),
        }
    }
}

pub(crate) struct StationRow {
    pub number: u32,
    pub address: String,
    pub remote: bool,
}

impl StationRow {
    /// The rows of `stations`, each with its full address (the settlement named with what
    /// tells it apart: `shailoo_domain::address::StationAddress`).
    pub(crate) async fn all(
        state: &AppState,
        stations: &[PollingStation],
        lang: Lang,
    ) -> Result<Vec<StationRow>, StoreError> {
        let addresses = shailoo_app::lookup::station_addresses(&*state.store, stations).await?;
        Ok(stations
            .iter()
            .zip(addresses)
            .map(|(s, a)| StationRow {
                number: s.number.get(),
                address: a.get(lang.code()).to_owned(),
                remote: s.remote_voting,
            })
            .collect())
    }
}
