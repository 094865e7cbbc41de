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

use crate::audit::{AuditAction, AuditStore};
use crate::setup::SetupStore;
use crate::store::{Store, StoreError};
use async_trait::async_trait;
use shailoo_domain::address::StationAddress;
use shailoo_domain::territory::{Election, LocalizedName, PollingStation, Territory};
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
    /// A station for remote voting (VOT-07).
    pub remote_voting: bool,
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
    AuditAction::CalendarOverrideSet,
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
        Ok(LookupOutcome::Found {
            election,
            station: VoterStation {
                station: station(entry.home)?,
                remote_voting_station: remote,
                council,
            },
        })
    }
}

/// The read-through look-up index over a store (the elections of its setup, its look-up
/// directory and lists, and its audit head to notice changes). Cheap to share behind an `Arc`;
/// the web layer calls [`VoterLookup::find`] per request and [`VoterLookup::refresh`]
/// periodically.
pub struct VoterLookup<S: SetupStore + VoterLookupStore + AuditStore + ?Sized = dyn Store> {
    store: Arc<S>,
    snapshot: RwLock<Option<Arc<Snapshot>>>,
    /// Set between noticing a relevant change and finishing the rebuild: look-ups then go to
    /// the database.
    stale: AtomicBool,
    /// When false, every look-up is a database query (the index is never built).
    enabled: bool,
}

impl<S: SetupStore + VoterLookupStore + AuditStore + ?Sized> VoterLookup<S> {
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
            return snapshot.data.find(election, pin);
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
        Ok(match self.store.voter_station(&election.id, pin).await? {
            Some(station) => LookupOutcome::Found { election, station },
            None => LookupOutcome::NotOnList { election },
        })
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
            let mut list = ListIndex::default();
            let mut after: Option<Pin> = None;
            loop {
                let page = self
                    .store
                    .voter_list_page(&election.id, after.as_ref(), BUILD_PAGE)
                    .await?;
                let Some(last) = page.last() else { break };
                after = Some(last.pin);
                let full = page.len() == BUILD_PAGE as usize;
                for row in &page {
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
                    list.entries.push(Entry {
                        pin: key,
                        home: row.home_station.get(),
                        council,
                    });
                    if row.station != row.home_station {
                        list.remote.insert(key, row.station.get());
                    }
                }
                if !full {
                    break;
                }
            }
            // The store returns PIN order already; sorting a sorted array is linear.
            list.entries.sort_unstable_by_key(|e| e.pin);
            list.entries.shrink_to_fit();
            list.sparse = list.entries.iter().step_by(BLOCK).map(|e| e.pin).collect();
            if !list.entries.is_empty() {
                lists.insert(election.id.clone(), list);
            }
        }
        Ok(IndexData {
            elections,
            lists,
            stations,
            councils,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
