//! The CEC's national results dashboard ([`Power::ViewResultsDashboard`]): per council and
//! region, the stations that reported, the turnout of the counted protocols, the protocols
//! with warnings, returned or with differing entries, the councils determined or failed; and
//! what observers would look for (the domain's [`forensics`]): the stations whose official
//! count differs from the ballot-counting box's preliminary count by more than the election's
//! `preliminary_margin_percent`, and each council's turnout/vote-share fingerprint with its
//! outlying stations.

use super::{ProtocolRecord, ResultsError, ResultsPorts, all_stations};
use crate::authz::{self, Power, Target};
use crate::checkin::CheckInStore;
use shailoo_domain::forensics::{self, Fingerprint};
use shailoo_domain::protocol::{Contest, Protocol};
use shailoo_domain::results::{Difference, ResultStatus, Stage};
use shailoo_domain::territory::LocalizedName;
use shailoo_domain::{CouncilId, ElectionId, StationNumber, TerritoryId};
use std::collections::{BTreeSet, HashMap};

/// A station whose official count differs from its box's preliminary count beyond the margin.
#[derive(Debug, Clone, PartialEq)]
pub struct PreliminaryGap {
    pub station: StationNumber,
    pub contest: Contest,
    /// `first` the official figure, `second` the preliminary one.
    pub differences: Vec<Difference>,
}

/// One council on the dashboard.
#[derive(Debug, Clone, PartialEq)]
pub struct CouncilFigures {
    pub council: CouncilId,
    pub name: LocalizedName,
    pub region: TerritoryId,
    /// Its regular (home) polling stations.
    pub stations: u64,
    /// Home stations with at least one counted protocol.
    pub reported: u64,
    /// Over the counted protocols: voters on the lists and voters who took part.
    pub listed: u64,
    pub took_part: u64,
    /// Protocols whose current version's checks gave warnings.
    pub warnings: u64,
    /// Protocols sent back to the PEC and not entered again yet.
    pub returned: u64,
    /// Protocols whose two entries differ, waiting for the TEC.
    pub differing: u64,
    /// The stored determination's status, if determined.
    pub determined: Option<ResultStatus>,
    pub late: bool,
    pub gaps: Vec<PreliminaryGap>,
    pub fingerprint: Fingerprint,
}

/// One region's sums.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionFigures {
    pub region: TerritoryId,
    pub name: LocalizedName,
    pub councils: u64,
    pub stations: u64,
    pub reported: u64,
    pub listed: u64,
    pub took_part: u64,
    pub determined: u64,
    pub failed: u64,
}

/// The national dashboard.
#[derive(Debug, Clone, PartialEq)]
pub struct Dashboard {
    pub councils: Vec<CouncilFigures>,
    pub regions: Vec<RegionFigures>,
    /// The margin in force (RES-01 flag).
    pub margin_percent: u8,
}

/// The dashboard of an election, for the CEC.
pub async fn dashboard<S: ResultsPorts + CheckInStore + ?Sized>(
    store: &S,
    actor: &crate::users::Actor,
    election: &ElectionId,
) -> Result<Dashboard, ResultsError> {
    authz::authorize(actor, Power::ViewResultsDashboard, Target::Nationwide)
        .map_err(|_| ResultsError::Forbidden)?;
    if store.election(election).await?.is_none() {
        return Err(ResultsError::UnknownElection(election.clone()));
    }
    let params = crate::params::parameters(store, election).await?;
    let turnouts = store.council_turnout(election).await?;
    let mut home: HashMap<CouncilId, BTreeSet<StationNumber>> = HashMap::new();
    for s in all_stations(store, None).await? {
        if !s.remote_voting {
            home.entry(s.council).or_default().insert(s.number);
        }
    }
    let mut councils = Vec::with_capacity(turnouts.councils.len());
    for c in &turnouts.councils {
        let records = store.council_protocols(election, &c.council).await?;
        let preliminary = store.preliminary(election, &c.council).await?;
        let determination = store.determination(election, &c.council).await?;
        let stations = home.remove(&c.council).unwrap_or_default();
        let counted: Vec<Protocol> = records
            .iter()
            .filter_map(|r| r.history.counted().map(|(_, p)| p.clone()))
            .collect();
        let mut figures = CouncilFigures {
            council: c.council.clone(),
            name: c.name.clone(),
            region: c.region.clone(),
            stations: stations.len() as u64,
            reported: counted
                .iter()
                .map(|p| p.station)
                .filter(|s| stations.contains(s))
                .collect::<BTreeSet<_>>()
                .len() as u64,
            listed: counted.iter().map(Protocol::voters_on_lists).sum(),
            took_part: counted.iter().map(|p| u64::from(p.voters_took_part)).sum(),
            warnings: 0,
            returned: 0,
            differing: 0,
            determined: determination.as_ref().map(|d| d.result.status),
            late: determination.as_ref().is_some_and(|d| d.late),
            gaps: gaps(&counted, &preliminary, params.preliminary_margin_percent),
            fingerprint: forensics::fingerprint(&counted),
        };
        for r in &records {
            tally(&mut figures, r);
        }
        councils.push(figures);
    }
    Ok(Dashboard {
        regions: regions(&councils, &turnouts.regions),
        councils,
        margin_percent: params.preliminary_margin_percent,
    })
}

/// Counts a protocol's current stage into its council's figures.
fn tally(figures: &mut CouncilFigures, r: &ProtocolRecord) {
    match &r.history.current().stage {
        Stage::AwaitingEntry {
            returned: Some(_), ..
        } => figures.returned += 1,
        Stage::Differs { .. } => figures.differing += 1,
        Stage::Entered { checks, .. } | Stage::Accepted { checks, .. }
            if !checks.warnings.is_empty() =>
        {
            figures.warnings += 1;
        }
        _ => {}
    }
}

fn gaps(
    counted: &[Protocol],
    preliminary: &[super::PreliminaryCount],
    margin: u8,
) -> Vec<PreliminaryGap> {
    preliminary
        .iter()
        .filter_map(|pre| {
            let p = &pre.protocol;
            let official = counted
                .iter()
                .find(|o| o.station == p.station && o.contest == p.contest)?;
            let differences = forensics::preliminary_gaps(official, p, margin);
            (!differences.is_empty()).then(|| PreliminaryGap {
                station: p.station,
                contest: p.contest.clone(),
                differences,
            })
        })
        .collect()
}

fn regions(councils: &[CouncilFigures], names: &[crate::access::Region]) -> Vec<RegionFigures> {
    names
        .iter()
        .map(|r| {
            let mut f = RegionFigures {
                region: r.id.clone(),
                name: r.name.clone(),
                councils: 0,
                stations: 0,
                reported: 0,
                listed: 0,
                took_part: 0,
                determined: 0,
                failed: 0,
            };
            for c in councils.iter().filter(|c| c.region == r.id) {
                f.councils += 1;
                f.stations += c.stations;
                f.reported += c.reported;
                f.listed += c.listed;
                f.took_part += c.took_part;
                f.determined += u64::from(c.determined.is_some());
                f.failed += u64::from(c.determined == Some(ResultStatus::Failed));
            }
            f
        })
        .collect()
}
