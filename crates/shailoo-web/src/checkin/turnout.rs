//! `GET /elections/{id}/turnout[?region=…|council=…]`: the public turnout, a page to quote and
//! to screenshot: the share of the voters on the lists who have taken part, by reporting hour
//! as a chart and a table, then per region, per council (of the chosen region) and per station
//! (of the chosen council).
//!
//! * Only hours that have passed show a figure (`shailoo_app::checkin::hours_passed`): before
//!   10:00 on voting day there is none, at 13:00 those of 10:00 and 12:00. The final total is
//!   shown once voting has closed (CAL-16, with the CEC's overrides).
//! * Percentages are exact integer arithmetic until they are written
//!   ([`crate::kit::format::percent`]); a voter counts for their own council, also when they
//!   voted at a remote-voting station (VOT-07).
//! * The page fits a phone: four narrow columns per table, the chart scales to the width.

use crate::AppState;
use crate::checkin::chart;
use crate::kit::calendar::election_calendar;
use crate::kit::format::{fmt_date, fmt_time, percent};
use crate::kit::input::Query;
use crate::kit::{Lang, OrRefused, PageCtx, PageFail, PageResult, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jiff::civil::Date;
use serde::Deserialize;
use shailoo_app::checkin::{AreaTurnout, TURNOUT_HOURS, TurnoutReport, hours_passed};
use shailoo_app::lookup::VotingHours;
use shailoo_app::voters::CountBy;
use shailoo_app::{PageRequest, StationFilter};
use shailoo_domain::{CouncilId, ElectionId, ErrorCode};
use std::collections::HashMap;

#[derive(Debug, Default, Deserialize)]
pub(super) struct TurnoutQuery {
    region: Option<String>,
    council: Option<String>,
}

/// One reporting hour of the table.
struct HourRow {
    hour: String,
    /// `None` for an hour still to come.
    figures: Option<(u64, String)>,
}

/// One area (region, council, station) of a table.
struct AreaRow {
    /// The query that narrows the page to it (none for a station).
    href: Option<String>,
    name: String,
    listed: u64,
    /// Voters who took part by the latest figure, and their share; `None` before any.
    voted: Option<(u64, String)>,
}

#[derive(Template)]
#[template(path = "checkin/templates/turnout.html")]
struct TurnoutTemplate {
    ctx: PageCtx,
    election_id: String,
    election: String,
    /// "Voting day 17.11.2024, 08:00–20:00".
    day: String,
    /// Where the figures stand: before the first hour, as of an hour, final.
    status: String,
    /// The latest share of the whole election, large.
    headline: Option<String>,
    chart: String,
    hours: Vec<HourRow>,
    /// The heading of the tables' turnout column: "Turnout, 12:00", or "Turnout" when final.
    as_of: String,
    regions: Vec<AreaRow>,
    /// The chosen region's name, when one is chosen.
    region: Option<String>,
    councils: Vec<AreaRow>,
    /// The chosen council's name, when one is chosen.
    council: Option<String>,
    stations: Vec<AreaRow>,
}

/// Which figure an area shows: the final total once voting closed, else the latest hour that
/// has passed, else none.
#[derive(Clone, Copy)]
enum Latest {
    None,
    Hour(usize),
    Final,
}

impl Latest {
    /// The final total once voting closed, else the last of the `passed` hours, if any.
    fn at(closed: bool, passed: usize) -> Latest {
        if closed {
            Latest::Final
        } else if passed > 0 {
            Latest::Hour(passed - 1)
        } else {
            Latest::None
        }
    }

    /// What the figures show, in words.
    fn status(self, lang: Lang) -> String {
        match self {
            Latest::None => lang.t("turnout-before"),
            Latest::Hour(i) => lang.t_args(
                "turnout-as-of",
                &[("hour", format!("{:02}:00", TURNOUT_HOURS[i]))],
            ),
            Latest::Final => lang.t("turnout-final"),
        }
    }

    /// The heading of the share column: at which hour.
    fn column(self, lang: Lang) -> String {
        match self {
            Latest::Hour(i) => format!(
                "{}, {:02}:00",
                lang.t("turnout-col-share"),
                TURNOUT_HOURS[i]
            ),
            Latest::None | Latest::Final => lang.t("turnout-col-share"),
        }
    }

    fn of(&self, by_hour: &[u64; 6], total: u64) -> Option<u64> {
        match *self {
            Latest::None => None,
            Latest::Hour(i) => by_hour.get(i).copied(),
            Latest::Final => Some(total),
        }
    }
}

fn area_row(lang: Lang, latest: Latest, href: Option<String>, a: &AreaTurnout) -> AreaRow {
    AreaRow {
        href,
        name: a.name.get(lang.code()).to_owned(),
        listed: a.listed,
        voted: latest
            .of(&a.by_hour, a.total)
            .map(|n| (n, percent(lang, n, a.listed).unwrap_or_else(|| "—".into()))),
    }
}

/// Voting day with its hours (or the day alone).
fn day_text(lang: Lang, hours: Option<&VotingHours>, voting_day: Date) -> String {
    match hours {
        Some(h) => lang.t_args(
            "turnout-day",
            &[
                ("day", fmt_date(h.day)),
                ("opens", fmt_time(h.opens)),
                ("closes", fmt_time(h.closes)),
            ],
        ),
        None => fmt_date(voting_day),
    }
}

/// The reporting hours of the whole election, with figures for the `passed` ones.
fn hour_rows(lang: Lang, all: &AreaTurnout, passed: usize) -> Vec<HourRow> {
    TURNOUT_HOURS
        .iter()
        .enumerate()
        .map(|(i, h)| HourRow {
            hour: format!("{h:02}:00"),
            figures: (i < passed).then(|| {
                let n = all.by_hour[i];
                (
                    n,
                    percent(lang, n, all.listed).unwrap_or_else(|| "—".into()),
                )
            }),
        })
        .collect()
}

fn query(key: &str, value: &str) -> String {
    let mut q = url::form_urlencoded::Serializer::new(String::new());
    q.append_pair(key, value);
    q.finish()
}

/// The tables below the election's figures: every region, the councils (of the region
/// asked for), and the stations of the council asked for.
struct Areas {
    regions: Vec<AreaRow>,
    region: Option<String>,
    councils: Vec<AreaRow>,
    council: Option<String>,
    stations: Vec<AreaRow>,
}

impl Areas {
    async fn of(
        state: &AppState,
        lang: Lang,
        latest: Latest,
        (election, report): (&ElectionId, &TurnoutReport),
        q: &TurnoutQuery,
    ) -> Result<Areas, PageFail> {
        let region = q.region.as_deref().map(str::trim).filter(|s| !s.is_empty());
        let council = q
            .council
            .as_deref()
            .map(str::trim)
            .and_then(|s| CouncilId::parse(s).ok());
        let regions = report
            .regions
            .iter()
            .map(|r| area_row(lang, latest, Some(query("region", &r.id)), r))
            .collect();
        let region_area = region.and_then(|r| report.regions.iter().find(|a| a.id == r));
        let mut councils: Vec<AreaRow> = report
            .councils
            .iter()
            .filter(|(r, _)| region.is_none_or(|want| r.as_str() == want))
            .map(|(_, c)| area_row(lang, latest, Some(query("council", &c.id)), c))
            .collect();
        councils.sort_by(|a, b| a.name.cmp(&b.name));
        let council_area = council
            .as_ref()
            .and_then(|c| report.councils.iter().find(|(_, a)| a.id == c.as_str()));
        let stations = match &council {
            Some(c) if council_area.is_some() => {
                station_rows(state, lang, latest, election, c).await?
            }
            _ => Vec::new(),
        };
        Ok(Areas {
            regions,
            region: region_area.map(|r| r.name.get(lang.code()).to_owned()),
            councils,
            council: council_area.map(|(_, a)| a.name.get(lang.code()).to_owned()),
            stations,
        })
    }
}

/// `GET /elections/{id}/turnout`.
pub(super) async fn turnout_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Query(q): Query<TurnoutQuery>,
) -> PageResult {
    let lang = ctx.lang;
    let id = ElectionId::parse(&id)
        .map_err(|_| PageFail::new(lang, StatusCode::BAD_REQUEST, ErrorCode::BadId))?;
    let store = &*state.store;
    let election = store
        .election(&id)
        .await
        .or_page(lang)?
        .ok_or_else(|| PageFail::not_found(lang))?;
    let calendar = election_calendar(&state, &election).await.or_page(lang)?;
    let hours = VotingHours::of(&calendar);
    let now = state.now();
    let passed = hours_passed(election.voting_day, now);
    let closed = calendar.get("CAL-16").is_some_and(|d| now >= d.closes_at());
    let latest = Latest::at(closed, passed);
    let report = TurnoutReport::of(
        &id,
        &election.name,
        &store.council_turnout(&id).await.or_page(lang)?,
    );
    let all = &report.all;
    let hour_rows = hour_rows(lang, all, passed);

    let areas = Areas::of(&state, lang, latest, (&id, &report), &q).await?;
    let t = TurnoutTemplate {
        election_id: id.to_string(),
        election: election.name.get(lang.code()).to_owned(),
        day: day_text(lang, hours.as_ref(), election.voting_day),
        status: latest.status(lang),
        headline: latest
            .of(&all.by_hour, all.total)
            .and_then(|n| percent(lang, n, all.listed)),
        chart: chart::svg(
            lang,
            "turnout-chart",
            "turnout-hours",
            &TURNOUT_HOURS,
            &all.by_hour,
            all.listed,
            passed,
        ),
        hours: hour_rows,
        as_of: latest.column(lang),
        regions: areas.regions,
        region: areas.region,
        councils: areas.councils,
        council: areas.council,
        stations: areas.stations,
        ctx,
    };
    Ok(render(StatusCode::OK, &t))
}

/// The stations of a council with their voters on the lists and who took part there.
async fn station_rows(
    state: &AppState,
    lang: Lang,
    latest: Latest,
    election: &ElectionId,
    council: &CouncilId,
) -> Result<Vec<AreaRow>, PageFail> {
    let store = &*state.store;
    let filter = StationFilter {
        council: Some(council.clone()),
        page: PageRequest {
            page: 1,
            per_page: PageRequest::MAX_PER_PAGE,
        },
        ..StationFilter::default()
    };
    let stations = store.stations(&filter).await.or_page(lang)?.items;
    let listed: HashMap<String, u64> = store
        .list_counts(election, CountBy::Station)
        .await
        .or_page(lang)?
        .into_iter()
        .map(|c| (c.key, c.voters))
        .collect();
    let turnout: HashMap<u32, ([u64; 6], u64)> = store
        .turnout(election, None)
        .await
        .or_page(lang)?
        .into_iter()
        .map(|s| (s.station.get(), (s.by_hour, s.total)))
        .collect();
    Ok(stations
        .iter()
        .map(|s| {
            let n = s.number.get();
            let (by_hour, total) = turnout.get(&n).copied().unwrap_or(([0; 6], 0));
            let listed = listed.get(&n.to_string()).copied().unwrap_or(0);
            AreaRow {
                href: None,
                name: format!("№ {n}"),
                listed,
                voted: latest
                    .of(&by_hour, total)
                    .map(|v| (v, percent(lang, v, listed).unwrap_or_else(|| "—".into()))),
            }
        })
        .collect())
}
