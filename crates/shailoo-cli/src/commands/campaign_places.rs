//! The demo's places for printed campaign material (i16-badges, CAL-06; `shailoo demo`): the
//! local governments provided one at most polling stations before CAL-06 (11 October 2024),
//! recorded by the operator for the TECs; every eighth station has none, so that with the
//! demo's clock (15 October) those stand out on the TECs' pages and in the CEC's overview.

use anyhow::{Context, Result};
use jiff::civil::{date, time};
use shailoo_app::Store;
use shailoo_app::campaign_places::{self, PlaceDescription};
use shailoo_app::users::Actor;
use shailoo_domain::time::from_bishkek;

/// The kinds of place the demo names, in turn.
const PLACES: [&str; 4] = [
    "Стенд у входа в школу (мектептин кире беришиндеги такта)",
    "Доска объявлений у айыл окмоту",
    "Стенд у дома культуры",
    "Информационный щит на остановке у рынка",
];

/// Records the demo's places for the demo's first election.
pub async fn load(store: &dyn Store) -> Result<()> {
    let election = store
        .elections()
        .await?
        .into_iter()
        .next()
        .context("the demo has no election")?
        .id;
    let stations = store.campaign_places(&election).await?;
    let at = from_bishkek(date(2024, 10, 4), time(10, 0, 0, 0));
    let mut recorded = 0;
    for (i, s) in stations.iter().enumerate() {
        if i % 8 == 7 {
            continue;
        }
        let description = PlaceDescription::parse(PLACES[i % PLACES.len()])?;
        campaign_places::record_place(store, &Actor::System, &election, s.station, description, at)
            .await
            .with_context(|| format!("recording the demo place at station {}", s.station))?;
        recorded += 1;
    }
    println!(
        "recorded places for campaign material at {recorded} of {} stations (CAL-06)",
        stations.len()
    );
    Ok(())
}
