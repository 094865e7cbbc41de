//! Results fixtures shared by the journey and browser tests: Bishkek's home stations on voting
//! evening, operators and TEC members, a protocol with one warning, and every other station's
//! protocol accepted through the import.

use crate::common::{TestApp, password_hash};
use jiff::Timestamp;
use shailoo_app::results;
use shailoo_app::{Actor, AuditAction, AuditEvent, NewUser, Role, Username};
use shailoo_domain::candidate::PartyId;
use shailoo_domain::protocol::{BallotOption, Contest, OptionVotes, Protocol};
use shailoo_domain::{CommissionId, CouncilId, ElectionId, StationNumber};

pub fn election() -> ElectionId {
    ElectionId::parse("local-2024").unwrap()
}

pub fn bishkek() -> CouncilId {
    CouncilId::parse("bishkek-city").unwrap()
}

/// 20:30 on voting day (17 November 2024) in Bishkek.
pub fn evening() -> Timestamp {
    "2024-11-17T14:30:00Z".parse().unwrap()
}

/// Bishkek's home stations, the first one the station of the journey with its PEC.
pub fn bishkek_stations(app: &TestApp) -> Vec<(StationNumber, CommissionId)> {
    let mut s: Vec<_> = app
        .data
        .setup
        .stations
        .iter()
        .filter(|s| s.council == bishkek() && !s.remote_voting)
        .map(|s| (s.number, s.commission.clone()))
        .collect();
    s.sort_by_key(|(n, _)| *n);
    s
}

pub async fn add_user(app: &TestApp, name: &str, role: Role, commission: &CommissionId) {
    app.store
        .add_user(
            &NewUser {
                username: Username::parse(name).unwrap(),
                display_name: name.to_owned(),
                role,
                commission: commission.clone(),
                password_hash: password_hash(),
            },
            AuditEvent::new("system", AuditAction::UserAdded, name, evening()),
        )
        .await
        .unwrap();
}

/// A consistent protocol with one warning (one voter more took part than ballots were
/// issued): `a` votes for Ak Zhol, the rest of 590 valid against all.
pub fn protocol(station: StationNumber, a: u32) -> Protocol {
    Protocol {
        station,
        contest: Contest::PartyList,
        voters_on_list: 1000,
        voters_on_additional_lists: 0,
        ballots_received: 700,
        ballots_issued_at_station: 600,
        ballots_issued_outside: 0,
        voters_took_part: 601,
        ballots_cancelled: 100,
        ballots_in_mobile_boxes: 0,
        ballots_in_stationary_boxes: 600,
        valid_ballots: 590,
        invalid_ballots: 10,
        votes: vec![OptionVotes {
            option: BallotOption::Party(PartyId::parse("ak-zhol").unwrap()),
            votes: a,
        }],
        against_all: Some(590 - a),
    }
}

/// Every other Bishkek station's protocol accepted through the import (the operator at the
/// command line), so that the journey's station is the last one the council waits for.
pub async fn import_the_others(app: &TestApp) {
    let ctx = results::council_context(app.store.as_ref(), &election(), &bishkek(), evening())
        .await
        .unwrap();
    for (n, _) in bishkek_stations(app).into_iter().skip(1) {
        let mut p = protocol(n, 400);
        p.voters_took_part = 600;
        results::import_protocol(app.store.as_ref(), &ctx, &Actor::System, p, "", evening())
            .await
            .unwrap();
    }
}

/// Bishkek's ballot fixed by the TEC once city registration closed (CAL-08): the registered
/// list of Ak Zhol, then "against all".
pub async fn fix_ballot(app: &TestApp) {
    let later: Timestamp = "2024-10-20T04:00:00Z".parse().unwrap();
    shailoo_app::candidates::set_ballot_order(
        app.store.as_ref(),
        &Actor::System,
        &election(),
        &bishkek(),
        vec![PartyId::parse("ak-zhol").unwrap()],
        later,
    )
    .await
    .unwrap();
}
