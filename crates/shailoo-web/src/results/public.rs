//! The public results (issue 15, "the public"): `GET /results`, each election's councils with
//! how many protocols are accepted of those awaited and the turnout; `GET
//! /results/{election}/{council}`, one council's count: a city council's votes per list and
//! "against all", an aiyl council's per district with the elected (the reserved mandates
//! flagged, RES-10), the seats once allocated, the status and the allocation's explanation,
//! with a bar chart of the votes. Only accepted protocols are counted; the count is labelled
//! official once the TEC determined it (RES-11) and "not final" before. The ballot-counting
//! boxes' preliminary counts (RES-01) are not shown here: they serve the CEC's comparison.
//!
//! The computed results are kept per store version ([`ResultsCache`]), and the pages a visitor
//! sees are kept rendered (`kit::cache`): both are served from memory until the store changes
//! (a protocol accepted, a result determined, anything else), and are never older than it.
//! Readers may reuse a page briefly, and one who has it gets `304 Not Modified` (its `ETag`).

use crate::AppState;
use crate::kit::bars::{self, Datum};
use crate::kit::cache::{PublicCache, Rendered, Unanswered, Version, Versioned};
use crate::kit::format::{fmt_instant, name, percent};
use crate::kit::{Lang, OrRefused, PageCtx, PageFail, PageResult};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use shailoo_app::results::ResultsError;
use shailoo_app::results::open_data::{self, CouncilResults};
use shailoo_domain::protocol::{Contest, Line, Protocol};
use shailoo_domain::results::ResultStatus;
use shailoo_domain::territory::CouncilKind;
use shailoo_domain::{CouncilId, ElectionId};
use std::sync::Arc;

/// Why a public results answer could not be made.
pub(super) type Failed = Unanswered<Arc<ResultsError>>;

/// The computed results the public answers are made from, per store version (`kit::cache`):
/// one computation serves the page and the API in every language.
pub(crate) struct ResultsCache {
    councils: Versioned<(ElectionId, CouncilId), Arc<Counted>>,
    elections: Versioned<ElectionId, Arc<Vec<Counted>>>,
}

impl ResultsCache {
    pub fn new() -> Arc<Self> {
        Arc::new(ResultsCache {
            // Every council of a national election, a few versions each.
            councils: Versioned::with_capacity(2048),
            elections: Versioned::with_capacity(8),
        })
    }
}

/// A council's results with the voters on the lists of its counted protocols (for turnout).
pub(super) struct Counted {
    pub results: CouncilResults,
    /// Voters on the lists and the additional lists, over the counted protocols.
    pub listed: u64,
    /// The valid ballots of each contest, over the counted protocols.
    pub valid: Vec<(Contest, u64)>,
    /// The stations with a counted protocol, per contest (i15-scan-map: the station pages).
    pub stations: Vec<(Contest, Vec<u32>)>,
}

impl Counted {
    /// The stations with a counted protocol of `contest`.
    pub fn stations_of(&self, contest: &Contest) -> Vec<u32> {
        self.stations
            .iter()
            .find(|(c, _)| c == contest)
            .map_or_else(Vec::new, |(_, s)| s.clone())
    }

    /// The valid ballots of `contest` over the counted protocols.
    pub fn valid_of(&self, contest: &Contest) -> u64 {
        self.valid
            .iter()
            .find(|(c, _)| c == contest)
            .map_or(0, |(_, v)| *v)
    }
}

fn counted(results: CouncilResults, protocols: &[Protocol]) -> Counted {
    let listed = protocols
        .iter()
        .map(|p| p.line(Line::VotersOnList) + p.line(Line::VotersOnAdditionalLists))
        .sum();
    let valid = results
        .contests
        .iter()
        .map(|c| {
            let v = protocols
                .iter()
                .filter(|p| p.contest == c.contest)
                .map(|p| p.line(Line::ValidBallots))
                .sum();
            (c.contest.clone(), v)
        })
        .collect();
    let stations = results
        .contests
        .iter()
        .map(|c| {
            let mut numbers: Vec<u32> = protocols
                .iter()
                .filter(|p| p.contest == c.contest)
                .map(|p| p.station.get())
                .collect();
            numbers.sort_unstable();
            numbers.dedup();
            (c.contest.clone(), numbers)
        })
        .collect();
    Counted {
        results,
        listed,
        valid,
        stations,
    }
}

/// One council's results as they stand at `version`: its accepted protocols summed, official
/// once determined.
pub(super) async fn council(
    state: &AppState,
    version: Version,
    election: &ElectionId,
    council: &CouncilId,
) -> Result<Arc<Counted>, Arc<ResultsError>> {
    let key = (election.clone(), council.clone());
    let make = async {
        let store = state.store.as_ref();
        let protocols: Vec<Protocol> = store
            .counted_protocols(election, Some(council))
            .await?
            .into_iter()
            .map(|(_, p)| p)
            .collect();
        let results =
            open_data::council_results(store, election, council, &protocols, state.now()).await?;
        Ok(Arc::new(counted(results, &protocols)))
    };
    let (c, _) = state
        .results_cache
        .councils
        .get_or_try(key, version, make)
        .await?;
    Ok(c)
}

/// Every council of an election with a ballot, in the election's order, at `version`.
pub(super) async fn election(
    state: &AppState,
    version: Version,
    election: &ElectionId,
) -> Result<Arc<Vec<Counted>>, Arc<ResultsError>> {
    let make = async {
        let store = state.store.as_ref();
        let all = store.counted_protocols(election, None).await?;
        let results = open_data::election_results(store, election, &all, state.now()).await?;
        let mut by_council: std::collections::HashMap<CouncilId, Vec<Protocol>> =
            std::collections::HashMap::new();
        for (id, p) in all {
            by_council.entry(id).or_default().push(p);
        }
        let councils = results
            .councils
            .into_iter()
            .map(|c| {
                let mine = by_council.remove(&c.council).unwrap_or_default();
                counted(c, &mine)
            })
            .collect();
        Ok(Arc::new(councils))
    };
    let (all, _) = state
        .results_cache
        .elections
        .get_or_try(election.clone(), version, make)
        .await?;
    Ok(all)
}

/// The store's version, for a page.
pub(super) async fn version(state: &AppState, lang: Lang) -> Result<Version, PageFail> {
    state.public_cache.version(state).await.or_page(lang)
}

/// A page that could not be made: a council or election that does not exist is "not found".
pub(super) fn page_fail(lang: Lang, failed: &Failed) -> PageFail {
    match failed {
        Unanswered::Refused(e)
            if matches!(
                e.as_ref(),
                ResultsError::UnknownElection(_) | ResultsError::UnknownCouncil(_)
            ) =>
        {
            PageFail::not_found(lang)
        }
        other => PageFail::refused(lang, other),
    }
}

/// A page rendered for the cache.
pub(super) fn html(t: &impl Template) -> Result<Rendered, Failed> {
    t.render()
        .map(Rendered::html)
        .map_err(|e| Unanswered::Render(e.to_string()))
}

/// A status in words (the staff pages' words).
fn status_label(lang: Lang, s: ResultStatus) -> String {
    lang.t(&format!(
        "protocols-status-{}",
        s.as_str().replace('_', "-")
    ))
}

struct CouncilRow {
    id: String,
    name: String,
    kind: String,
    accepted: u64,
    expected: u64,
    turnout: String,
    status: String,
    status_code: &'static str,
    official: bool,
}

struct ElectionBlock {
    id: String,
    name: String,
    councils: Vec<CouncilRow>,
}

#[derive(Template)]
#[template(path = "results/templates/public_list.html")]
struct ListTemplate {
    ctx: PageCtx,
    elections: Vec<ElectionBlock>,
}

fn kind_label(lang: Lang, kind: CouncilKind) -> String {
    lang.t(&format!("results-public-kind-{}", kind.as_str()))
}

/// `GET /results`: every election's councils with their progress and turnout.
pub(super) async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    headers: HeaderMap,
) -> PageResult {
    let lang = ctx.lang;
    let version = version(&state, lang).await?;
    let key = PublicCache::page_key(&ctx);
    let make = async {
        let mut elections = Vec::new();
        for e in state
            .store
            .elections()
            .await
            .map_err(ResultsError::from)
            .map_err(Arc::new)?
        {
            let councils = election(&state, version, &e.id).await?;
            elections.push(ElectionBlock {
                id: e.id.to_string(),
                name: name(&e.name, lang),
                councils: councils
                    .iter()
                    .map(|c| {
                        let r = &c.results;
                        CouncilRow {
                            id: r.council.to_string(),
                            name: name(&r.name, lang),
                            kind: kind_label(lang, r.kind),
                            accepted: r.protocols_accepted,
                            expected: r.protocols_expected,
                            turnout: percent(lang, r.took_part, c.listed).unwrap_or_default(),
                            status: status_label(lang, r.status),
                            status_code: r.status.as_str(),
                            official: r.determined.is_some(),
                        }
                    })
                    .collect(),
            });
        }
        html(&ListTemplate { ctx, elections })
    };
    state
        .public_cache
        .answer(key, version, &headers, make)
        .await
        .map_err(|f| page_fail(lang, &f))
}

struct OptionRow {
    id: String,
    name: String,
    votes: u64,
    share: String,
    /// `None` while the result is incomplete.
    seats: Option<u64>,
    elected: bool,
    reserved: bool,
}

struct ContestBlock {
    id: String,
    label: String,
    status: String,
    status_code: &'static str,
    seats: u32,
    took_part: u64,
    options: Vec<OptionRow>,
    against_all: Option<(u64, String)>,
    chart: String,
    /// The seats per list or candidate, once allocated.
    seats_chart: Option<String>,
    /// The stations with a counted protocol of this contest (i15-scan-map).
    stations: Vec<u32>,
}

#[derive(Template)]
#[template(path = "results/templates/public_council.html")]
struct CouncilTemplate {
    ctx: PageCtx,
    election: String,
    council: String,
    council_name: String,
    kind: String,
    seats: u32,
    status: String,
    status_code: &'static str,
    determined: Option<String>,
    late: bool,
    accepted: u64,
    expected: u64,
    turnout: String,
    contests: Vec<ContestBlock>,
    explanation: Vec<String>,
}

/// A contest's heading: "party lists" or "district № 3".
fn contest_label(lang: Lang, contest: &Contest) -> String {
    super::views::contest_label(lang, contest)
}

/// The longest label a bar carries: the full names are in the table beside it.
const BAR_LABEL: usize = 14;

/// The chart of a contest's votes ("against all" in the second colour) and, once seats are
/// allocated, the chart of the seats won.
fn charts(
    ctx: &PageCtx,
    id: &str,
    label: &str,
    options: &[OptionRow],
    against_all: Option<&(u64, String)>,
) -> (String, Option<String>) {
    let bar = |o: &OptionRow, value: u64| Datum {
        label: o.name.chars().take(BAR_LABEL).collect(),
        value,
        shown: value.to_string(),
        second: false,
    };
    let mut votes: Vec<Datum> = options.iter().map(|o| bar(o, o.votes)).collect();
    if let Some((a, _)) = against_all {
        votes.push(Datum {
            label: ctx.t("results-public-against-all"),
            value: *a,
            shown: a.to_string(),
            second: true,
        });
    }
    let chart = bars::svg(
        &format!("chart-{id}"),
        &format!("{} · {label}", ctx.t("results-public-chart")),
        &format!("table-{id}"),
        &votes,
    );
    let won: Vec<Datum> = options
        .iter()
        .filter(|o| o.elected)
        .map(|o| bar(o, o.seats.unwrap_or(0)))
        .collect();
    let seats = (!won.is_empty()).then(|| {
        bars::svg(
            &format!("seats-{id}"),
            &format!("{} · {label}", ctx.t("results-public-seats")),
            &format!("table-{id}"),
            &won,
        )
    });
    (chart, seats)
}

fn contest_block(
    ctx: &PageCtx,
    c: &open_data::ContestResults,
    valid: u64,
    stations: Vec<u32>,
) -> ContestBlock {
    let lang = ctx.lang;
    let id = match &c.contest {
        Contest::PartyList => "party-list".to_owned(),
        Contest::District { district } => format!("district-{district}"),
    };
    let options: Vec<OptionRow> = c
        .options
        .iter()
        .map(|o| OptionRow {
            id: o.id.clone(),
            name: name(&o.name, lang),
            votes: o.votes,
            share: percent(lang, o.votes, valid).unwrap_or_default(),
            seats: o.seats,
            elected: o.seats.is_some_and(|s| s > 0),
            reserved: o.reserved,
        })
        .collect();
    let against_all = c
        .against_all
        .map(|a| (a, percent(lang, a, valid).unwrap_or_default()));
    let label = contest_label(lang, &c.contest);
    let (chart, seats_chart) = charts(ctx, &id, &label, &options, against_all.as_ref());
    ContestBlock {
        stations,
        seats_chart,
        status: status_label(lang, c.status),
        status_code: c.status.as_str(),
        seats: c.seats,
        took_part: c.took_part,
        options,
        against_all,
        chart,
        label,
        id,
    }
}

/// `GET /results/{election}/{council}`: one council's count, official once determined.
pub(super) async fn page(
    State(state): State<AppState>,
    ctx: PageCtx,
    headers: HeaderMap,
    Path((election_id, council_id)): Path<(String, String)>,
) -> PageResult {
    let lang = ctx.lang;
    let election = ElectionId::parse(&election_id).map_err(|_| PageFail::not_found(lang))?;
    let council_id = CouncilId::parse(&council_id).map_err(|_| PageFail::not_found(lang))?;
    let version = version(&state, lang).await?;
    let key = PublicCache::page_key(&ctx);
    let make = async {
        let c = council(&state, version, &election, &council_id).await?;
        let r = &c.results;
        let contests = r
            .contests
            .iter()
            .map(|k| contest_block(&ctx, k, c.valid_of(&k.contest), c.stations_of(&k.contest)))
            .collect();
        html(&CouncilTemplate {
            election: election.to_string(),
            council: r.council.to_string(),
            council_name: name(&r.name, lang),
            kind: kind_label(lang, r.kind),
            seats: r.seats,
            status: status_label(lang, r.status),
            status_code: r.status.as_str(),
            determined: r.determined.as_ref().map(|d| fmt_instant(d.at)),
            late: r.determined.as_ref().is_some_and(|d| d.late),
            accepted: r.protocols_accepted,
            expected: r.protocols_expected,
            turnout: percent(lang, r.took_part, c.listed).unwrap_or_default(),
            contests,
            explanation: super::explain::in_lang(lang, r),
            ctx,
        })
    };
    state
        .public_cache
        .answer(key, version, &headers, make)
        .await
        .map_err(|f| page_fail(lang, &f))
}

#[cfg(test)]
mod tests {
    use super::*;
    use open_data::{ContestResults, OptionResults};
    use shailoo_domain::DistrictId;
    use shailoo_domain::territory::LocalizedName;

    fn named(n: &str) -> LocalizedName {
        LocalizedName {
            ky: n.to_owned(),
            ru: n.to_owned(),
            en: n.to_owned(),
        }
    }

    fn candidate(id: &str, votes: u64, seats: u64, reserved: bool) -> OptionResults {
        OptionResults {
            id: id.to_owned(),
            name: named(id),
            votes,
            seats: Some(seats),
            reserved,
            list_size: None,
            sex: None,
        }
    }

    /// RES-10 on the public page: an aiyl district lists its candidates with their votes, the
    /// elected marked and the one who took a reserved mandate flagged; no "against all" line.
    #[test]
    fn res_10_an_aiyl_district_shows_the_elected_and_the_reserved_mandate() {
        let district = ContestResults {
            contest: Contest::District {
                district: DistrictId::parse("3").expect("a district id"),
            },
            seats: 2,
            status: ResultStatus::Completed,
            took_part: 300,
            against_all: None,
            threshold_percent: None,
            threshold_base: None,
            unfilled_list_seats: None,
            reserved_for_women: Some(1),
            votes_allowed: 1,
            options: vec![
                candidate("n1-1", 150, 1, false),
                candidate("n2-1", 90, 0, false),
                candidate("n3-1", 60, 1, true),
            ],
        };
        let ctx = PageCtx::anonymous(Lang::En);
        let block = contest_block(&ctx, &district, 300, vec![7]);
        assert_eq!(block.id, "district-3");
        assert!(block.against_all.is_none());
        assert!(block.seats_chart.is_some(), "two were elected");
        let elected: Vec<_> = block
            .options
            .iter()
            .filter(|o| o.elected)
            .map(|o| (o.id.as_str(), o.reserved))
            .collect();
        assert_eq!(elected, [("n1-1", false), ("n3-1", true)]);
        assert_eq!(block.options[0].share, "50.0%");
        let page = CouncilTemplate {
            election: "local-2024".into(),
            council: "ak-suu".into(),
            council_name: "Ak-Suu".into(),
            kind: kind_label(Lang::En, CouncilKind::Aiyl),
            seats: 2,
            status: status_label(Lang::En, ResultStatus::Completed),
            status_code: "completed",
            determined: None,
            late: false,
            accepted: 1,
            expected: 1,
            turnout: String::new(),
            contests: vec![block],
            explanation: vec![],
            ctx,
        }
        .render()
        .expect("the page renders");
        assert!(page.contains("id=\"option-n3-1\" data-elected=\"true\" data-reserved=\"true\""));
        assert!(page.contains(&Lang::En.t("results-public-reserved")));
        assert!(!page.contains("option-against-all"));
        assert!(page.contains("href=\"/results/local-2024/ak-suu/stations/7\""));
    }
}
