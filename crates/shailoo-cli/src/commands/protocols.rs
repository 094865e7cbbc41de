//! The demo's protocols (issue 15): Bishkek's results protocols on voting evening, so that the
//! PEC's entry, the TEC's council page and the CEC's dashboard show realistic work.
//!
//! Protocols exist only from the close of voting (CAL-16, 20:00 on voting day). The demo's clock
//! starts during the campaign by default, and a protocol dated after "now" would be a story
//! told out of order: then nothing is loaded, and the demo says which `--clock-start` shows
//! them. From the close of voting on, every Bishkek station's party-list protocol goes through
//! the use cases of `shailoo_app::results` at instants between 20:30 and "now": most are
//! accepted (entered twice and accepted by the TEC's import), and a few are left at each stage
//! the staff act on: one entered once by the demo's `pec.8001` (the second operator,
//! `pec.8001b`, enters it again), one whose two entries differ, one entered with a warning and
//! waiting for the TEC (`tec.bishkek`), and one returned to its PEC. The council is therefore
//! not determined yet: that is the TEC's to do.
//!
//! The figures are made up from the station's number (no randomness: the same demo each time),
//! consistent with the control checks (RES-05).

use anyhow::Result;
use jiff::{Timestamp, ToSpan};
use shailoo_app::Store;
use shailoo_app::results::{self, CouncilContext, ProtocolKey};
use shailoo_app::users::{Actor, Role, Username};
use shailoo_domain::calendar::Action;
use shailoo_domain::protocol::{BallotOption, Contest, OptionVotes, Protocol};
use shailoo_domain::{CommissionId, CouncilId, StationNumber};

/// What the demo leaves at a stage the staff act on, by the station's place in Bishkek's list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Left {
    /// Entered once, by the demo's PEC member (its own station, the first).
    FirstEntered,
    /// Two entries that differ.
    Differs,
    /// Entered, with a warning, waiting for the TEC.
    Entered,
    /// Returned to the PEC with a reason.
    Returned,
    /// Accepted.
    Accepted,
}

fn left_at(place: usize) -> Left {
    match place {
        0 => Left::FirstEntered,
        1 => Left::Differs,
        2 => Left::Entered,
        3 => Left::Returned,
        _ => Left::Accepted,
    }
}

/// Loads Bishkek's demo protocols when the clock is past the close of voting; says how many
/// protocols it wrote (0, with a hint, before).
pub async fn load_demo_protocols(store: &dyn Store, now: Timestamp) -> Result<usize> {
    let Some(election) = store.elections().await?.into_iter().next() else {
        return Ok(0);
    };
    let calendar = shailoo_app::setup::calendar(store, &election.id).await?;
    let opens = calendar.window(Action::EnterProtocols).0;
    let Some(opens) = opens.filter(|o| *o <= now) else {
        println!(
            "protocols: entered from 20:00 on voting day (CAL-16, 17 November 2024); start the \
             demo with --clock-start 2024-11-17T22:00:00+06:00 to see them"
        );
        return Ok(0);
    };
    // The ballots were fixed when registration closed (CAL-08), as a loaded dataset's are: the
    // demo's clock, past voting, is after the window in which the TEC sets their order.
    super::candidacies::fix_ballots_when_registration_closes(store, now).await?;
    let council = CouncilId::parse("bishkek-city")?;
    let ctx = match results::council_context(store, &election.id, &council, now).await {
        Ok(ctx) => ctx,
        Err(e) => {
            println!("protocols: none loaded, Bishkek's ballot is not there ({e})");
            return Ok(0);
        }
    };
    // Instants from half an hour after the close of voting, never after "now".
    let start = opens.checked_add(30.minutes())?.min(now);
    let mut written = 0;
    for (place, (station, contest)) in ctx.facts.expected.iter().enumerate() {
        let at = start
            .checked_add((place as i64).seconds())
            .map_or(now, |t| t.min(now));
        let protocol = demo_protocol(&ctx, *station, contest);
        written += stage(store, &ctx, left_at(place), protocol, at).await?;
    }
    println!("protocols: {written} steps of Bishkek's protocols entered");
    Ok(written)
}

/// An operator of a station's PEC, as the demo names them (`pec.8001` is a demo log-in).
fn operator(ctx: &CouncilContext, station: StationNumber, n: u8) -> Result<Actor> {
    let commission = ctx
        .station_chains
        .get(&station)
        .and_then(|c| c.first().cloned())
        .unwrap_or(CommissionId::parse(&format!("pec-{station}"))?);
    let suffix = if n == 1 { "" } else { "b" };
    Ok(Actor::User {
        username: Username::parse(&format!("pec.{station}{suffix}"))?,
        role: Role::PecMember,
        commission,
    })
}

/// Takes one protocol to the stage the demo leaves it at; the steps it took.
async fn stage(
    store: &dyn Store,
    ctx: &CouncilContext,
    left: Left,
    protocol: Protocol,
    at: Timestamp,
) -> Result<usize> {
    let key = ProtocolKey::of(&ctx.election, &ctx.facts.council.id, &protocol);
    let station = protocol.station;
    let (first, second) = (operator(ctx, station, 1)?, operator(ctx, station, 2)?);
    let tec = Actor::User {
        username: Username::parse("tec.bishkek")?,
        role: Role::TecMember,
        commission: CommissionId::parse("tec-bishkek")?,
    };
    match left {
        Left::Accepted => {
            let note = "entered twice on the evening of voting day (demo)";
            results::import_protocol(store, ctx, &Actor::System, protocol, note, at).await?;
            return Ok(1);
        }
        Left::FirstEntered => {
            results::enter(store, ctx, &first, protocol, at).await?;
            return Ok(1);
        }
        Left::Differs => {
            let mut typo = protocol.clone();
            typo.invalid_ballots += 1;
            typo.valid_ballots -= 1;
            if let Some(v) = typo.votes.first_mut() {
                v.votes -= 1;
            }
            results::enter(store, ctx, &first, protocol, at).await?;
            results::enter(store, ctx, &second, typo, at).await?;
            return Ok(2);
        }
        Left::Entered | Left::Returned => {}
    }
    // One voter more took part than ballots were issued: a warning the TEC comments on.
    let mut warned = protocol;
    warned.voters_took_part += 1;
    results::enter(store, ctx, &first, warned.clone(), at).await?;
    results::enter(store, ctx, &second, warned, at).await?;
    if left == Left::Returned {
        let reason = "the chair's signature is missing on the paper protocol".to_owned();
        results::return_protocol(store, ctx, &tec, &key, reason, at).await?;
        return Ok(3);
    }
    Ok(2)
}

/// A station's made-up count: turnout and shares from the station's number, the votes split
/// over the ballot's options (and against all) by largest remainders, so the sums are exact.
pub(super) fn demo_protocol(
    ctx: &CouncilContext,
    station: StationNumber,
    contest: &Contest,
) -> Protocol {
    let n = station.get();
    let on_list = 1_200 + (n * 37) % 900;
    let took = on_list * (30 + n % 25) / 100;
    let invalid = took / 60;
    let valid = took - invalid;
    let options: Vec<BallotOption> = ctx.options(contest).unwrap_or_default();
    let against_all_line = matches!(contest, Contest::PartyList);
    let lines = options.len() + usize::from(against_all_line);
    let weights: Vec<u32> = (0..lines)
        .map(|i| {
            let i = i as u32;
            // Against all (the last line) small; the parties by a slowly falling scale.
            if against_all_line && i as usize == lines - 1 {
                1
            } else {
                (lines as u32 - i) * 3 + (n + i * 7) % 5
            }
        })
        .collect();
    let votes = split(valid, &weights);
    let (option_votes, against_all) = if against_all_line {
        let (o, a) = votes.split_at(lines - 1);
        (o.to_vec(), a.first().copied())
    } else {
        (votes, None)
    };
    Protocol {
        station,
        contest: contest.clone(),
        voters_on_list: on_list,
        voters_on_additional_lists: 0,
        ballots_received: on_list,
        ballots_issued_at_station: took,
        ballots_issued_outside: 0,
        voters_took_part: took,
        ballots_cancelled: on_list - took,
        ballots_in_mobile_boxes: 0,
        ballots_in_stationary_boxes: took,
        valid_ballots: valid,
        invalid_ballots: invalid,
        votes: options
            .into_iter()
            .zip(option_votes)
            .map(|(option, votes)| OptionVotes { option, votes })
            .collect(),
        against_all,
    }
}

/// `total` split in proportion to `weights` by largest remainders: the parts add up exactly.
fn split(total: u32, weights: &[u32]) -> Vec<u32> {
    let sum: u64 = weights.iter().map(|w| u64::from(*w)).sum();
    if sum == 0 {
        return vec![0; weights.len()];
    }
    let exact: Vec<(u32, u64)> = weights
        .iter()
        .map(|w| {
            let share = u64::from(total) * u64::from(*w);
            ((share / sum) as u32, share % sum)
        })
        .collect();
    let mut parts: Vec<u32> = exact.iter().map(|(q, _)| *q).collect();
    let mut left = total - parts.iter().sum::<u32>();
    let mut order: Vec<usize> = (0..parts.len()).collect();
    order.sort_by_key(|i| std::cmp::Reverse(exact[*i].1));
    for i in order {
        if left == 0 {
            break;
        }
        parts[i] += 1;
        left -= 1;
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_split_adds_up_exactly() {
        for total in [0, 1, 7, 589, 10_001] {
            let parts = split(total, &[13, 5, 5, 1]);
            assert_eq!(parts.iter().sum::<u32>(), total);
        }
        assert_eq!(split(10, &[1, 1]), [5, 5]);
        assert_eq!(split(3, &[0, 0]), [0, 0]);
    }
}
