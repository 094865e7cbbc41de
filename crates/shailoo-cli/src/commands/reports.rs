//! The demo's election funds (CMP-04) and violation reports (CMP-07), through the use cases
//! as a party's representative and the hotline would enter them: the first filed funds with
//! income and expenses, one first report in time and one late; violation reports in several
//! categories, channels and regions, triaged, one dismissed and one still waiting.

use anyhow::{Context, Result};
use jiff::civil::{Date, time};
use jiff::{Span, Timestamp};
use shailoo_app::funds::{self, Source};
use shailoo_app::users::Actor;
use shailoo_app::violations::{self, Place, ReportText, ViolationDraft};
use shailoo_app::{PageRequest, StationFilter, Store};
use shailoo_domain::ElectionId;
use shailoo_domain::funds::{DonorKind, Movement, MovementKind, Report};
use shailoo_domain::media::Money;
use shailoo_domain::time::{from_bishkek, to_bishkek};
use shailoo_domain::violation::{Category, Intake, Status};

fn at(day: Date, hour: i8) -> Timestamp {
    from_bishkek(day, time(hour, 0, 0, 0))
}

fn before(day: Date, days: i64) -> Date {
    day.checked_sub(Span::new().days(days)).unwrap_or(day)
}

fn movement(on: Date, som: u64, kind: MovementKind) -> Movement {
    Movement {
        line: 0,
        on,
        amount: Money::from_tyiyn(som * 100),
        kind,
    }
}

/// What a demo fund received and spent: its own money, a citizen's, posters.
fn demo_movements(fund: &shailoo_app::funds::Fund, i: u64, voting: Date) -> Vec<Movement> {
    let own = fund
        .party
        .as_ref()
        .map_or_else(|| "candidate".to_owned(), ToString::to_string);
    vec![
        movement(
            before(voting, 40),
            400_000 + 50_000 * i,
            MovementKind::Income {
                donor_kind: DonorKind::Own,
                donor: own,
            },
        ),
        movement(
            before(voting, 35),
            25_000,
            MovementKind::Income {
                donor_kind: DonorKind::Person,
                donor: format!("2010119800012{i}"),
            },
        ),
        movement(
            before(voting, 30),
            180_000 + 20_000 * i,
            MovementKind::Expense {
                purpose: "posters and leaflets".into(),
            },
        ),
    ]
}

/// Funds of the first three filed nominations; the second one's first report comes late. Only
/// what happened by `now` is entered: the story is never dated after the demo's clock.
async fn load_funds(
    store: &dyn Store,
    election: &ElectionId,
    voting: Date,
    now: Timestamp,
) -> Result<(usize, usize)> {
    let all = store.funds(election).await?;
    let mut reports = 0;
    for (i, fund) in all.iter().take(3).enumerate() {
        let entries: Vec<Movement> = demo_movements(fund, i as u64, voting)
            .into_iter()
            .filter(|m| at(m.on, 10) <= now)
            .collect();
        if entries.is_empty() {
            continue;
        }
        funds::add_movements(
            store,
            &Actor::System,
            election,
            fund.nomination,
            entries,
            Source::Statement,
            at(before(voting, 29), 10).min(now),
        )
        .await
        .with_context(|| format!("the demo fund of nomination {}", fund.nomination))?;
        // The first report is due 10 days before voting: the second fund's comes 4 days late.
        let submitted = if i == 1 {
            at(before(voting, 6), 11)
        } else {
            at(before(voting, 12), 11)
        };
        if submitted > now {
            continue;
        }
        reports += 1;
        funds::submit_report(
            store,
            &Actor::System,
            election,
            fund.nomination,
            Report::First,
            submitted,
        )
        .await
        .context("a demo fund's first report")?;
    }
    Ok((all.len().min(3), reports))
}

/// What the demo's reports say, through which channel, and how far they got.
const REPORTS: [(Intake, Category, &str, Option<Status>); 8] = [
    (
        Intake::Hotline1255,
        Category::VoteBuying,
        "Flour and sugar handed out near the school for votes",
        Some(Status::Triaged),
    ),
    (
        Intake::Email,
        Category::AdministrativeResource,
        "Teachers told to attend a candidate's meeting during lessons",
        Some(Status::Triaged),
    ),
    (
        Intake::InPerson,
        Category::UnlawfulCampaigning,
        "Campaign posters on the polling station's door",
        Some(Status::Triaged),
    ),
    (
        Intake::Hotline1255,
        Category::PressureOnVoters,
        "Market traders told to photograph their ballots",
        Some(Status::Triaged),
    ),
    (
        Intake::TrustLine,
        Category::ObstructionOfObservers,
        "An observer was not let into the polling station",
        Some(Status::Triaged),
    ),
    (
        Intake::Hotline1255,
        Category::VotingIrregularity,
        "The same people came back to vote twice",
        Some(Status::Triaged),
    ),
    (
        Intake::Email,
        Category::Other,
        "A duplicate of an earlier call",
        Some(Status::Dismissed),
    ),
    (
        Intake::Hotline1255,
        Category::Damage,
        "Campaign boards broken overnight",
        None,
    ),
];

fn text(s: &str) -> Result<ReportText> {
    ReportText::parse(s).map_err(|e| anyhow::anyhow!("{e}"))
}

/// Reports at stations spread over the country (so over regions), on the days around voting.
async fn load_violations(
    store: &dyn Store,
    election: &ElectionId,
    last_day: Date,
) -> Result<usize> {
    let stations = store
        .stations(&StationFilter {
            council: None,
            commission: None,
            remote_voting: Some(false),
            query: None,
            page: PageRequest {
                page: 1,
                per_page: PageRequest::MAX_PER_PAGE,
            },
        })
        .await?
        .items;
    if stations.is_empty() {
        return Ok(0);
    }
    let step = (stations.len() / REPORTS.len()).max(1);
    for (i, (intake, category, what, stage)) in REPORTS.into_iter().enumerate() {
        let station = &stations[(i * step) % stations.len()];
        let day = before(last_day, (i % 3) as i64);
        let draft = ViolationDraft {
            intake,
            text: text(what)?,
            place: Place {
                station: Some(station.number),
                location: None,
            },
            contact: None,
            evidence: None,
            external_id: None,
        };
        let secret = 0x1255_0000 + i as u32;
        let r = violations::take(store, &Actor::System, election, draft, secret, at(day, 9))
            .await
            .context("a demo violation report")?;
        let later = at(day, 11);
        match stage {
            Some(Status::Dismissed) => {
                let why = text("The same report came in twice")?;
                violations::close(
                    store,
                    &Actor::System,
                    election,
                    r.id,
                    Status::Dismissed,
                    why,
                    later,
                )
                .await?;
            }
            Some(_) => {
                violations::triage(store, &Actor::System, election, r.id, category, None, later)
                    .await?;
            }
            None => {}
        }
    }
    Ok(REPORTS.len())
}

/// Loads the demo's funds and violation reports for the first election, dated no later than
/// the demo's clock `now`.
pub async fn load_demo(store: &dyn Store, now: Timestamp) -> Result<()> {
    let Some(election) = store.elections().await?.into_iter().next() else {
        return Ok(());
    };
    let voting = election.voting_day;
    let (funds, first_reports) = load_funds(store, &election.id, voting, now).await?;
    // The reports come in over the story's last days: up to voting day, or the day before the
    // clock's (their hours are in the morning) when the clock is earlier.
    let yesterday = before(to_bishkek(now).date(), 1);
    let reports = load_violations(store, &election.id, voting.min(yesterday)).await?;
    println!(
        "loaded {funds} election funds with {first_reports} first reports by the clock (one of \
         them 4 days late once the clock has passed it) and {reports} violation reports"
    );
    Ok(())
}
