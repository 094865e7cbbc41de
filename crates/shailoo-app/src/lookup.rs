//! The voter look-up: "where do I vote?" by PIN, for the portal, the API and SMS 119 (VOT-09).
//!
//! Two layers:
//!
//! * the port [`VoterLookupStore`], implemented by `shailoo-store` (`src/lookup.rs`): an exact
//!   point query on `voter_list_entries`, plus the bulk reads the index below is built from;
//! * [`VoterLookup`], a read-through in-memory index over that port. Look-ups are the one
//!   request that four million people make, mostly in the last days before voting day; a
//!   database round trip per request cannot reach the target rate (≥ 50,000 look-ups/s on two
//!   cores), a sorted array of 16-byte entries can (4.1 million voters: about 66 MB).
//!
//! # Consistency of the index
//!
//! Voter lists, stations and councils change only through the store, and every change writes
//! an entry of the hash-chained audit log in the same transaction, which bumps the audit head's
//! count. That count is the index's version: a snapshot remembers the count it was built at.
//! [`VoterLookup::refresh`] (run every second or so by the web layer) reads the head; when it
//! moved, it reads the new audit entries and, unless every one of them is known not to touch
//! lists, stations or councils ([`IRRELEVANT_ACTIONS`]), marks the snapshot stale — from then
//! on look-ups go to the database again, exactly — and rebuilds it. So an answer is never older
//! than one refresh interval, and a change is never hidden behind a rebuild. The version lives
//! in the database, so several server processes over one PostgreSQL database stay correct too.
//!
//! A new audit action that does not change lists, stations or councils should be added to
//! [`IRRELEVANT_ACTIONS`]; until it is, each such change costs a rebuild (correct, only slower).
//!
//! # What an answer says besides the station
//!
//! * the voting hours (CAL-16), from the election's calendar with the CEC's overrides (an
//!   override is a relevant change: it rebuilds the index);
//! * the PEC's phone and the premises' accessibility (the latest survey), with the station;
//! * for a voter of an aiyl council with an approved district scheme, the electoral district
//!   ([`DistrictMap`]). A district is a set of units, a unit the part of one settlement that
//!   one station serves; a station serving villages in different districts needs the voter's
//!   settlement, which the index does not hold (it holds nothing about the person), so those
//!   few look-ups read it from the register.

use crate::audit::{AuditAction, AuditStore};
use crate::districts::{DistrictSchemeStore, DistrictingUnit, SchemeRecord, SchemeStatus};
use crate::setup::SetupStore;
use crate::store::{Store, StoreError};
use crate::voters::VoterListStore;
use async_trait::async_trait;
use jiff::civil::{Date, Time};
use shailoo_domain::address::StationAddress;
use shailoo_domain::calendar::Calendar;
use shailoo_domain::district::DistrictId;
use shailoo_domain::identity::PhoneNumber;
use shailoo_domain::territory::{
    Accessibility, Election, LocalizedName, PollingStation, Territory,
};
use shailoo_domain::{CommissionId, CouncilId, ElectionId, Pin, StationNumber, TerritoryId};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// A polling station as a look-up answer names it: number, address and the PEC running it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StationInfo {
    pub number: StationNumber,
    /// The full address, naming the settlement (built from the station's territory chain).
    pub address: StationAddress,
    /// The PEC (УШК / УИК) that runs the station.
    pub commission: CommissionId,
    pub commission_name: LocalizedName,
    /// The PEC's public phone, when the setup gives one.
    pub commission_phone: Option<PhoneNumber>,
    /// A station for remote voting (VOT-07).
    pub remote_voting: bool,
    /// The premises' accessibility for voters with disabilities (the latest survey).
    pub accessibility: Accessibility,
}

/// A council as a look-up answer names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CouncilInfo {
    pub id: CouncilId,
    pub name: LocalizedName,
}

/// Where a voter votes. Deliberately nothing about the person: a look-up reveals only the
/// station and the council, whoever asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoterStation {
    /// The home polling station: the one serving the voter's address.
    pub station: Arc<StationInfo>,
    /// The remote-voting station, once an application was approved (VOT-07): the voter is on
    /// its list instead of the home station's.
    pub remote_voting_station: Option<Arc<StationInfo>>,
    /// The voter's own council (also when voting remotely).
    pub council: Arc<CouncilInfo>,
    /// The voter's electoral district, for an aiyl council whose district scheme is approved.
    pub district: Option<Arc<DistrictInfo>>,
    /// When voting day's polls are open (CAL-16), `None` if the calendar cannot be built.
    pub hours: Option<VotingHours>,
}

/// An electoral district of an aiyl council (шайлоо округу / избирательный округ) as an
/// answer names it: its number in the approved scheme and its mandates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DistrictInfo {
    pub id: DistrictId,
    pub seats: u32,
}

/// When the polls are open on voting day (CAL-16), Bishkek time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VotingHours {
    pub day: Date,
    pub opens: Time,
    pub closes: Time,
}

impl VotingHours {
    /// The hours in `calendar`'s CAL-16 (08:00–20:00 unless the CEC moved the closing time).
    pub fn of(calendar: &Calendar) -> Option<VotingHours> {
        let voting = calendar.get("CAL-16")?;
        Some(VotingHours {
            day: voting.date,
            opens: voting.opens_at?,
            closes: voting.time?,
        })
    }

    /// The hours of `election` with the CEC's stored overrides (`None` when they make no valid
    /// calendar: the answer then leaves the hours out rather than failing).
    pub async fn read<S: SetupStore + ?Sized>(
        store: &S,
        election: &Election,
    ) -> Result<Option<VotingHours>, StoreError> {
        match crate::setup::calendar_of(store, election).await {
            Ok(calendar) => Ok(VotingHours::of(&calendar)),
            Err(crate::setup::ElectionCalendarError::Store(e)) => Err(e),
            // Overrides are checked when they are set; a calendar that a newer rule makes
            // invalid leaves the hours out of the answer rather than failing the look-up.
            Err(_) => Ok(None),
        }
    }
}

/// Where the districts of approved schemes lie, by the home station; where a station serves
/// units of more than one district, by the settlement too.
#[derive(Debug, Default)]
pub struct DistrictMap {
    by_station: HashMap<u32, StationDistricts>,
}

/// A unit's settlement and its district; a unit without a settlement is its station's default.
type UnitDistrict = (Option<TerritoryId>, Arc<DistrictInfo>);

#[derive(Debug)]
enum StationDistricts {
    One(Arc<DistrictInfo>),
    /// The settlement decides: the district of each unit of the station.
    BySettlement(Vec<UnitDistrict>),
}

/// What a [`DistrictMap`] says of a station.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DistrictAt {
    /// No approved district holds the station.
    None,
    One(Arc<DistrictInfo>),
    /// The voter's settlement decides.
    NeedsSettlement,
}

impl DistrictMap {
    /// The map of `schemes` (approved ones only are read) with their councils' `units`.
    pub fn of(schemes: &[SchemeRecord], units: &HashMap<CouncilId, Vec<DistrictingUnit>>) -> Self {
        let mut places: HashMap<u32, Vec<UnitDistrict>> = HashMap::new();
        for scheme in schemes
            .iter()
            .filter(|s| s.status == SchemeStatus::Approved)
        {
            let Some(units) = units.get(&scheme.council) else {
                continue;
            };
            let by_id: HashMap<_, _> = units.iter().map(|u| (&u.id, u)).collect();
            for d in &scheme.districts {
                let info = Arc::new(DistrictInfo {
                    id: d.id.clone(),
                    seats: d.seats,
                });
                for unit in d.units.iter().filter_map(|id| by_id.get(id)) {
                    if let Some(station) = unit.station {
                        places
                            .entry(station.get())
                            .or_default()
                            .push((unit.settlement.clone(), info.clone()));
                    }
                }
            }
        }
        let by_station = places
            .into_iter()
            .map(|(station, list)| {
                let first = list[0].1.clone();
                let place = if list.iter().all(|(_, d)| *d == first) {
                    StationDistricts::One(first)
                } else {
                    StationDistricts::BySettlement(list)
                };
                (station, place)
            })
            .collect();
        DistrictMap { by_station }
    }

    /// The district of a voter whose home is `station`.
    pub fn at(&self, station: StationNumber) -> DistrictAt {
        match self.by_station.get(&station.get()) {
            None => DistrictAt::None,
            Some(StationDistricts::One(d)) => DistrictAt::One(d.clone()),
            Some(StationDistricts::BySettlement(_)) => DistrictAt::NeedsSettlement,
        }
    }

    /// The district of a voter living in `settlement` whose home is `station`.
    pub fn at_settlement(
        &self,
        station: StationNumber,
        settlement: &TerritoryId,
    ) -> Option<Arc<DistrictInfo>> {
        match self.by_station.get(&station.get())? {
            StationDistricts::One(d) => Some(d.clone()),
            StationDistricts::BySettlement(list) => list
                .iter()
                .find(|(s, _)| s.as_ref() == Some(settlement))
                .or_else(|| list.iter().find(|(s, _)| s.is_none()))
                .map(|(_, d)| d.clone()),
        }
    }

    /// The map of one council's approved scheme for `election`, read from the store.
    pub async fn of_council<S: DistrictSchemeStore + ?Sized>(
        store: &S,
        election: &ElectionId,
        council: &CouncilId,
    ) -> Result<DistrictMap, StoreError> {
        let Some(scheme) = store.district_scheme(council, election).await? else {
            return Ok(DistrictMap::default());
        };
        if scheme.status != SchemeStatus::Approved {
            return Ok(DistrictMap::default());
        }
        let units = HashMap::from([(council.clone(), store.district_units(council, None).await?)]);
        Ok(DistrictMap::of(&[scheme], &units))
    }
}

impl VoterStation {
    /// The station where the voter actually votes.
    pub fn votes_at(&self) -> &StationInfo {
        self.remote_voting_station
            .as_deref()
            .unwrap_or(&self.station)
    }
}

/// One entry of a voter list, as the index reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoterListRow {
    pub pin: Pin,
    pub council: CouncilId,
    pub home_station: StationNumber,
    /// Equal to `home_station` unless the voter votes remotely.
    pub station: StationNumber,
}

/// Every station and council, for the index.
#[derive(Debug, Clone, Default)]
pub struct LookupDirectory {
    pub stations: Vec<StationInfo>,
    pub councils: Vec<CouncilInfo>,
}

/// What look-ups need from a database.
#[async_trait]
pub trait VoterLookupStore: Send + Sync {
    /// Where the voter with `pin` votes in `election`; `None` when the PIN is on no list of it.
    async fn voter_station(
        &self,
        election: &ElectionId,
        pin: &Pin,
    ) -> Result<Option<VoterStation>, StoreError>;

    /// All stations (with their PEC's name) and councils.
    async fn lookup_directory(&self) -> Result<LookupDirectory, StoreError>;

    /// Up to `limit` entries of `election`'s lists in PIN order, starting after `after`
    /// (keyset paging: memory stays flat however long the lists are).
    async fn voter_list_page(
        &self,
        election: &ElectionId,
        after: Option<&Pin>,
        limit: u32,
    ) -> Result<Vec<VoterListRow>, StoreError>;
}

/// Audit actions known not to change voter lists, stations or councils: they move the audit
/// version without invalidating the index. Anything else (including actions added later and
/// not listed here, and an entry whose action is no [`AuditAction`]) makes the index rebuild.
pub const IRRELEVANT_ACTIONS: &[AuditAction] = &[
    AuditAction::UserAdded,
    // Loading the register changes persons; the lists change when they are compiled.
    AuditAction::RegisterImported,
    AuditAction::RegisterLoaded,
    // A voter-list claim changes the lists only when accepted (VOT-08).
    AuditAction::VoterListClaimFiled,
    AuditAction::VoterListClaimRejected,
    // The voter cabinet's sign-ins (shailoo_app::cabinet).
    AuditAction::CabinetCodeIssued,
    AuditAction::CabinetChallengeLocked,
    AuditAction::CabinetSignedIn,
    AuditAction::CabinetSignedOut,
    // Complaints and media accreditation touch no list, station or council.
    AuditAction::ComplaintFiled,
    AuditAction::ComplaintAssigned,
    AuditAction::ComplaintDecided,
    AuditAction::ComplaintAppealed,
    AuditAction::ComplaintCourtActRecorded,
    AuditAction::MediaApplied,
    AuditAction::MediaAccredited,
    AuditAction::MediaRefused,
    AuditAction::MediaRevoked,
    // i16-badges: journalists' badges.
    AuditAction::MediaBadgeIssued,
    AuditAction::MediaBadgeRevoked,
    AuditAction::CampaignPlaceRecorded,
    // Results: protocols, determinations and preliminary counts change no list or station
    // (an import of every national protocol would otherwise rebuild the index after each).
    AuditAction::ProtocolEntered,
    AuditAction::ProtocolDifferenceResolved,
    AuditAction::ProtocolAccepted,
    AuditAction::ProtocolReturned,
    AuditAction::ProtocolCorrected,
    AuditAction::ProtocolImported,
    AuditAction::CouncilResultDetermined,
    AuditAction::PreliminaryCountsImported,
    // Election funds and violation reports touch no list, station or council.
    AuditAction::FundMovementEntered,
    AuditAction::FundStatementImported,
    AuditAction::FundReportSubmitted,
    AuditAction::ViolationReported,
    AuditAction::ViolationTriaged,
    AuditAction::ViolationAssigned,
    AuditAction::ViolationClosed,
    // i15-public: a signed checkpoint of the public results log.
    AuditAction::ResultsLogCheckpointed,
    // Not remote voting's applications: the decisions move voters, and a rebuild after
    // filing is cheap.
];

/// Beyond this many audit entries since the snapshot, rebuild without reading them.
const MAX_ENTRIES_TO_INSPECT: i64 = 2_000;

/// List entries read per page while building the index.
const BUILD_PAGE: u32 = 50_000;

/// The full addresses of `stations`, in order: each station's record with the territory
/// chain it stands in (one read per distinct territory).
pub async fn station_addresses<S: SetupStore + ?Sized>(
    store: &S,
    stations: &[PollingStation],
) -> Result<Vec<StationAddress>, StoreError> {
    let mut chains: HashMap<&TerritoryId, Vec<Territory>> = HashMap::new();
    for s in stations {
        if !chains.contains_key(&s.territory) {
            chains.insert(&s.territory, store.territory_chain(&s.territory).await?);
        }
    }
    Ok(stations
        .iter()
        .map(|s| {
            let chain = chains.get(&s.territory).map_or(&[][..], Vec::as_slice);
            StationAddress::new(&s.address, chain)
        })
        .collect())
}

/// The result of a look-up.
#[derive(Debug, Clone)]
pub enum LookupOutcome {
    Found {
        election: Arc<Election>,
        station: VoterStation,
    },
    /// The PIN is well-formed but on no list of this election.
    NotOnList { election: Arc<Election> },
    /// The election asked for does not exist.
    UnknownElection,
    /// There is no election at all.
    NoElection,
}

/// What [`VoterLookup::refresh`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refreshed {
    /// The snapshot was current.
    UpToDate,
    /// The version moved, but only through changes that do not concern look-ups.
    Advanced { version: i64 },
    /// The snapshot was (re)built.
    Rebuilt {
        version: i64,
        entries: usize,
        took: Duration,
    },
}

/// One index entry: 16 bytes. The PIN's 14 digits fit in a `u64` (10^14 < 2^47) and keep
/// their order, so a sorted array can be binary-searched.
#[derive(Debug, Clone, Copy)]
struct Entry {
    pin: u64,
    home: u32,
    council: u32,
}

/// Entries per block of the sparse index.
const BLOCK: usize = 64;

#[derive(Debug, Default)]
struct ListIndex {
    /// Sorted by PIN.
    entries: Vec<Entry>,
    /// The first PIN of every block of [`BLOCK`] entries: 4.1 million voters make 65,000 keys
    /// (512 KB), which stay in the CPU cache, so that a look-up touches two or three cache
    /// lines of the 66 MB array instead of the twenty-odd of a plain binary search.
    sparse: Vec<u64>,
    /// PIN → remote-voting station, for the few voters voting away from home (2024: 9,050).
    remote: HashMap<u64, u32>,
}

/// Everything a look-up needs.
#[derive(Debug)]
struct IndexData {
    /// Ordered by voting day, then id (the store's order): the last one is the default.
    elections: Vec<Arc<Election>>,
    lists: HashMap<ElectionId, ListIndex>,
    stations: HashMap<u32, Arc<StationInfo>>,
    councils: Vec<Arc<CouncilInfo>>,
    hours: HashMap<ElectionId, VotingHours>,
    districts: HashMap<ElectionId, DistrictMap>,
}

/// The index as of one audit version. Advancing the version without a relevant change shares
/// the data.
#[derive(Debug)]
struct Snapshot {
    version: i64,
    data: Arc<IndexData>,
}

fn pin_key(pin: &Pin) -> u64 {
    pin.as_str()
        .bytes()
        .fold(0u64, |acc, d| acc * 10 + u64::from(d - b'0'))
}

/// The election a look-up is about: the one named, or the latest.
fn pick_election(
    elections: &[Arc<Election>],
    wanted: Option<&ElectionId>,
) -> Result<Arc<Election>, LookupOutcome> {
    match wanted {
        Some(id) => elections
            .iter()
            .find(|e| &e.id == id)
            .cloned()
            .ok_or(LookupOutcome::UnknownElection),
        None => elections.last().cloned().ok_or(LookupOutcome::NoElection),
    }
}

impl ListIndex {
    /// Adds a row of the lists; a council or station the directory lacks is corruption.
    fn push(
        &mut self,
        row: &VoterListRow,
        council_index: &HashMap<&CouncilId, u32>,
        stations: &HashMap<u32, Arc<StationInfo>>,
    ) -> Result<(), StoreError> {
        let council = *council_index.get(&row.council).ok_or_else(|| {
            StoreError::Corrupt(format!(
                "voter_list_entries names unknown council {}",
                row.council
            ))
        })?;
        for n in [row.home_station, row.station] {
            if !stations.contains_key(&n.get()) {
                return Err(StoreError::Corrupt(format!(
                    "voter_list_entries names unknown station {n}"
                )));
            }
        }
        let key = pin_key(&row.pin);
        self.entries.push(Entry {
            pin: key,
            home: row.home_station.get(),
            council,
        });
        if row.station != row.home_station {
            self.remote.insert(key, row.station.get());
        }
        Ok(())
    }

    fn get(&self, key: u64) -> Option<Entry> {
        let block = self.sparse.partition_point(|&first| first <= key);
        let start = block.checked_sub(1)? * BLOCK;
        let end = (start + BLOCK).min(self.entries.len());
        let slice = &self.entries[start..end];
        slice
            .binary_search_by_key(&key, |e| e.pin)
            .ok()
            .map(|i| slice[i])
    }
}

impl IndexData {
    fn find(&self, wanted: Option<&ElectionId>, pin: &Pin) -> Result<LookupOutcome, StoreError> {
        let election = match pick_election(&self.elections, wanted) {
            Ok(e) => e,
            Err(outcome) => return Ok(outcome),
        };
        let Some(list) = self.lists.get(&election.id) else {
            return Ok(LookupOutcome::NotOnList { election });
        };
        let key = pin_key(pin);
        let Some(entry) = list.get(key) else {
            return Ok(LookupOutcome::NotOnList { election });
        };
        // Build checked every reference, so a miss here is a bug, reported rather than hidden.
        let station = |n: u32| {
            self.stations.get(&n).cloned().ok_or_else(|| {
                StoreError::Corrupt(format!("look-up index names unknown station {n}"))
            })
        };
        let council = self
            .councils
            .get(entry.council as usize)
            .cloned()
            .ok_or_else(|| StoreError::Corrupt("look-up index names unknown council".into()))?;
        let remote = list.remote.get(&key).map(|n| station(*n)).transpose()?;
        let home = station(entry.home)?;
        let district = self
            .districts
            .get(&election.id)
            .map_or(DistrictAt::None, |m| m.at(home.number));
        let hours = self.hours.get(&election.id).copied();
        Ok(LookupOutcome::Found {
            station: VoterStation {
                station: home,
                remote_voting_station: remote,
                council,
                district: match district {
                    DistrictAt::One(d) => Some(d),
                    DistrictAt::None | DistrictAt::NeedsSettlement => None,
                },
                hours,
            },
            election,
        })
    }

    /// Whether the district of the voter at `home` in `election` needs their settlement.
    fn needs_settlement(&self, election: &ElectionId, home: StationNumber) -> bool {
        self.districts
            .get(election)
            .is_some_and(|m| m.at(home) == DistrictAt::NeedsSettlement)
    }
}

/// The settlement of a listed voter's registered address (with an accepted correction's
/// street, the settlement stays the register's), to place them in a district.
async fn settlement_of<S: VoterListStore + ?Sized>(
    store: &S,
    election: &ElectionId,
    pin: &Pin,
) -> Result<Option<TerritoryId>, StoreError> {
    Ok(store
        .voter_status(election, pin)
        .await?
        .map(|s| s.person.settlement))
}

/// The read-through look-up index over a store (the elections of its setup, its look-up
/// directory and lists, and its audit head to notice changes). Cheap to share behind an `Arc`;
/// the web layer calls [`VoterLookup::find`] per request and [`VoterLookup::refresh`]
/// periodically.
pub struct VoterLookup<
    S: SetupStore + VoterLookupStore + AuditStore + VoterListStore + DistrictSchemeStore + ?Sized = dyn Store,
> {
    store: Arc<S>,
    snapshot: RwLock<Option<Arc<Snapshot>>>,
    /// Set between noticing a relevant change and finishing the rebuild: look-ups then go to
    /// the database.
    stale: AtomicBool,
    /// When false, every look-up is a database query (the index is never built).
    enabled: bool,
}

impl<S: SetupStore + VoterLookupStore + AuditStore + VoterListStore + DistrictSchemeStore + ?Sized>
    VoterLookup<S>
{
    pub fn new(store: Arc<S>, index_enabled: bool) -> Self {
        VoterLookup {
            store,
            snapshot: RwLock::new(None),
            stale: AtomicBool::new(false),
            enabled: index_enabled,
        }
    }

    fn current(&self) -> Option<Arc<Snapshot>> {
        // A poisoned lock only means a writer panicked between two whole assignments.
        match self.snapshot.read() {
            Ok(g) => g.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn install(&self, snapshot: Snapshot) {
        let snapshot = Some(Arc::new(snapshot));
        match self.snapshot.write() {
            Ok(mut g) => *g = snapshot,
            Err(poisoned) => *poisoned.into_inner() = snapshot,
        }
    }

    /// Whether look-ups are currently answered from memory.
    pub fn index_ready(&self) -> bool {
        self.enabled && !self.stale.load(Ordering::Acquire) && self.current().is_some()
    }

    /// Entries in the index (0 before it is built).
    pub fn index_entries(&self) -> usize {
        self.current()
            .map_or(0, |s| s.data.lists.values().map(|l| l.entries.len()).sum())
    }

    /// Where the voter with `pin` votes in the named election, or the latest one.
    pub async fn find(
        &self,
        election: Option<&ElectionId>,
        pin: &Pin,
    ) -> Result<LookupOutcome, StoreError> {
        if self.enabled
            && !self.stale.load(Ordering::Acquire)
            && let Some(snapshot) = self.current()
        {
            let mut outcome = snapshot.data.find(election, pin)?;
            if let LookupOutcome::Found { election, station } = &mut outcome
                && snapshot
                    .data
                    .needs_settlement(&election.id, station.station.number)
                && let Some(settlement) = settlement_of(&*self.store, &election.id, pin).await?
                && let Some(map) = snapshot.data.districts.get(&election.id)
            {
                station.district = map.at_settlement(station.station.number, &settlement);
            }
            return Ok(outcome);
        }
        self.find_in_store(election, pin).await
    }

    /// The exact answer from the database, without the index.
    pub async fn find_in_store(
        &self,
        election: Option<&ElectionId>,
        pin: &Pin,
    ) -> Result<LookupOutcome, StoreError> {
        let elections: Vec<Arc<Election>> = self
            .store
            .elections()
            .await?
            .into_iter()
            .map(Arc::new)
            .collect();
        let election = match pick_election(&elections, election) {
            Ok(e) => e,
            Err(outcome) => return Ok(outcome),
        };
        let Some(mut station) = self.store.voter_station(&election.id, pin).await? else {
            return Ok(LookupOutcome::NotOnList { election });
        };
        let store = &*self.store;
        station.hours = VotingHours::read(store, &election).await?;
        let map = DistrictMap::of_council(store, &election.id, &station.council.id).await?;
        let home = station.station.number;
        station.district = match map.at(home) {
            DistrictAt::None => None,
            DistrictAt::One(d) => Some(d),
            DistrictAt::NeedsSettlement => settlement_of(store, &election.id, pin)
                .await?
                .and_then(|s| map.at_settlement(home, &s)),
        };
        Ok(LookupOutcome::Found { election, station })
    }

    /// Brings the index up to date with the store (see the module documentation). Does
    /// nothing when the index is disabled. Not meant to run concurrently with itself: one
    /// maintenance task calls it.
    pub async fn refresh(&self) -> Result<Refreshed, StoreError> {
        if !self.enabled {
            return Ok(Refreshed::UpToDate);
        }
        let version = self.store.audit_head().await?.map_or(0, |(count, _)| count);
        if let Some(current) = self.current() {
            if current.version == version && !self.stale.load(Ordering::Acquire) {
                return Ok(Refreshed::UpToDate);
            }
            if !self.stale.load(Ordering::Acquire)
                && !self.changes_matter(current.version, version).await?
            {
                // Same data, newer version.
                self.install(Snapshot {
                    version,
                    data: current.data.clone(),
                });
                return Ok(Refreshed::Advanced { version });
            }
            self.stale.store(true, Ordering::Release);
        }
        let started = Instant::now();
        let data = self.build().await?;
        let entries = data.lists.values().map(|l| l.entries.len()).sum();
        self.install(Snapshot {
            version,
            data: Arc::new(data),
        });
        self.stale.store(false, Ordering::Release);
        Ok(Refreshed::Rebuilt {
            version,
            entries,
            took: started.elapsed(),
        })
    }

    /// Whether the audit entries after `from` up to `to` include a change that concerns
    /// look-ups.
    async fn changes_matter(&self, from: i64, to: i64) -> Result<bool, StoreError> {
        if to < from || to - from > MAX_ENTRIES_TO_INSPECT {
            return Ok(true);
        }
        let entries = self.store.audit_entries(from, to - from).await?;
        Ok(entries.iter().any(|e| {
            e.event
                .known_action()
                .is_none_or(|a| !IRRELEVANT_ACTIONS.contains(&a))
        }))
    }

    async fn build(&self) -> Result<IndexData, StoreError> {
        let elections: Vec<Arc<Election>> = self
            .store
            .elections()
            .await?
            .into_iter()
            .map(Arc::new)
            .collect();
        let directory = self.store.lookup_directory().await?;
        let stations: HashMap<u32, Arc<StationInfo>> = directory
            .stations
            .into_iter()
            .map(|s| (s.number.get(), Arc::new(s)))
            .collect();
        let councils: Vec<Arc<CouncilInfo>> =
            directory.councils.into_iter().map(Arc::new).collect();
        let council_index: HashMap<&CouncilId, u32> = councils
            .iter()
            .enumerate()
            .map(|(i, c)| (&c.id, u32::try_from(i).unwrap_or(u32::MAX)))
            .collect();
        let mut lists = HashMap::new();
        for election in &elections {
            let list = self
                .list_index(&election.id, &council_index, &stations)
                .await?;
            if !list.entries.is_empty() {
                lists.insert(election.id.clone(), list);
            }
        }
        let mut hours = HashMap::new();
        for election in &elections {
            if let Some(h) = VotingHours::read(&*self.store, election).await? {
                hours.insert(election.id.clone(), h);
            }
        }
        Ok(IndexData {
            districts: self.district_maps(&elections).await?,
            elections,
            lists,
            stations,
            councils,
            hours,
        })
    }

    /// The lists of `election`, read page by page in PIN order.
    async fn list_index(
        &self,
        election: &ElectionId,
        council_index: &HashMap<&CouncilId, u32>,
        stations: &HashMap<u32, Arc<StationInfo>>,
    ) -> Result<ListIndex, StoreError> {
        let mut list = ListIndex::default();
        let mut after: Option<Pin> = None;
        loop {
            let page = self
                .store
                .voter_list_page(election, after.as_ref(), BUILD_PAGE)
                .await?;
            let Some(last) = page.last() else { break };
            after = Some(last.pin);
            for row in &page {
                list.push(row, council_index, stations)?;
            }
            if page.len() < BUILD_PAGE as usize {
                break;
            }
        }
        // The store returns PIN order already; sorting a sorted array is linear.
        list.entries.sort_unstable_by_key(|e| e.pin);
        list.entries.shrink_to_fit();
        list.sparse = list.entries.iter().step_by(BLOCK).map(|e| e.pin).collect();
        Ok(list)
    }

    /// The district maps of the approved schemes of `elections`.
    async fn district_maps(
        &self,
        elections: &[Arc<Election>],
    ) -> Result<HashMap<ElectionId, DistrictMap>, StoreError> {
        let approved = self
            .store
            .district_schemes(Some(SchemeStatus::Approved))
            .await?;
        let mut units = HashMap::new();
        for scheme in &approved {
            if !units.contains_key(&scheme.council) {
                let read = self.store.district_units(&scheme.council, None).await?;
                units.insert(scheme.council.clone(), read);
            }
        }
        Ok(elections
            .iter()
            .map(|e| {
                let schemes: Vec<SchemeRecord> = approved
                    .iter()
                    .filter(|s| s.election == e.id)
                    .cloned()
                    .collect();
                (e.id.clone(), DistrictMap::of(&schemes, &units))
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(id: &str, station: u32, settlement: &str) -> DistrictingUnit {
        DistrictingUnit {
            id: shailoo_domain::district::UnitId::parse(id).expect("unit id"),
            settlement: Some(TerritoryId::parse(settlement).expect("id")),
            station: Some(StationNumber::new(station).expect("number")),
            voters: 100,
            remote: false,
            neighbors: Vec::new(),
            x_km: 0.0,
            y_km: 0.0,
            name: None,
        }
    }

    fn scheme(status: SchemeStatus, districts: &[(&str, &[&str])]) -> SchemeRecord {
        let at: jiff::Timestamp = "2024-09-20T00:00:00Z".parse().expect("instant");
        SchemeRecord {
            id: 1,
            council: CouncilId::parse("c").expect("id"),
            election: ElectionId::parse("e").expect("id"),
            version: 3,
            status,
            comment: None,
            author: "tec".into(),
            created_at: at,
            updated_at: at,
            submitted_at: Some(at),
            decided_at: Some(at),
            decided_by: Some("admin".into()),
            districts: districts
                .iter()
                .map(|(id, units)| shailoo_domain::district::District {
                    id: DistrictId::parse(id).expect("id"),
                    units: units
                        .iter()
                        .map(|u| shailoo_domain::district::UnitId::parse(u).expect("id"))
                        .collect(),
                    seats: 2,
                    remote: false,
                })
                .collect(),
        }
    }

    #[test]
    fn a_voter_s_district_comes_from_the_station_or_else_the_settlement() {
        // Station 1 serves two villages in different districts, station 2 one village.
        let units = HashMap::from([(
            CouncilId::parse("c").expect("id"),
            vec![
                unit("u1", 1, "v1"),
                unit("u2", 1, "v2"),
                unit("u3", 2, "v2"),
            ],
        )]);
        let approved = scheme(
            SchemeStatus::Approved,
            &[("1", &["u1"]), ("2", &["u2", "u3"])],
        );
        let map = DistrictMap::of(std::slice::from_ref(&approved), &units);
        let n = |x| StationNumber::new(x).expect("number");
        let v = |x| TerritoryId::parse(x).expect("id");
        match map.at(n(2)) {
            DistrictAt::One(d) => assert_eq!(d.id.as_str(), "2"),
            other => panic!("{other:?}"),
        }
        assert_eq!(map.at(n(1)), DistrictAt::NeedsSettlement);
        let id = |d: Option<Arc<DistrictInfo>>| d.map(|d| d.id.to_string());
        assert_eq!(id(map.at_settlement(n(1), &v("v1"))).as_deref(), Some("1"));
        assert_eq!(id(map.at_settlement(n(1), &v("v2"))).as_deref(), Some("2"));
        assert_eq!(map.at(n(3)), DistrictAt::None);
        // A scheme that is not approved places nobody.
        let draft = scheme(SchemeStatus::Submitted, &[("1", &["u1", "u2", "u3"])]);
        assert_eq!(DistrictMap::of(&[draft], &units).at(n(2)), DistrictAt::None);
    }

    #[test]
    fn the_sparse_index_finds_every_entry_and_nothing_else() {
        for n in [0usize, 1, 63, 64, 65, 1000] {
            let entries: Vec<Entry> = (0..n as u64)
                .map(|i| Entry {
                    pin: 10 + 3 * i,
                    home: i as u32,
                    council: 0,
                })
                .collect();
            let sparse = entries.iter().step_by(BLOCK).map(|e| e.pin).collect();
            let list = ListIndex {
                entries,
                sparse,
                remote: HashMap::new(),
            };
            for i in 0..n as u64 {
                assert_eq!(list.get(10 + 3 * i).map(|e| e.home), Some(i as u32));
                assert!(list.get(11 + 3 * i).is_none());
            }
            assert!(list.get(0).is_none() && list.get(9).is_none());
            assert!(list.get(u64::MAX).is_none());
        }
    }

    #[test]
    fn pin_keys_keep_the_order_of_pins() {
        let a = Pin::parse("10101199000001").expect("pin");
        let b = Pin::parse("20101199000001").expect("pin");
        assert!(pin_key(&a) < pin_key(&b));
        assert_eq!(pin_key(&a), 10_101_199_000_001);
    }
}
