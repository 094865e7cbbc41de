//! [`shailoo_app::VoterListStore`] on both engines: register imports with their history, the
//! compiled voter lists and their publication state.
//!
//! The bulk work (imports, compiles) lives in [`bulk`]; this file holds the small reads and the
//! state transitions, written once with `$N` placeholders and expanded per engine by `on_db!`.

mod bulk;

use crate::{Db, WritePool, db_err};
use async_trait::async_trait;
pub(crate) use bulk::disable_sqlite_memory_statistics;
use bulk::{PersonTuple, parse_instant, person_record};
use jiff::Timestamp;
use shailoo_app::audit::AuditEvent;
use shailoo_app::voters::{
    CompileProgressFn, CompileReport, Compiler, CountBy, DuplicatedPin, ImportOptions,
    ImportRecord, ListCount, ListState, ListStep, PersonChange, Placement, RegisterImport,
    ServedArea, StationVoter, VoterListError, VoterStatus,
};
use shailoo_app::{StoreError, VoterListStore};
use shailoo_domain::territory::LocalizedName;
use shailoo_domain::voter::Reasons;
use shailoo_domain::{CouncilId, ElectionId, Pin, StationNumber, TerritoryId};
use std::collections::HashMap;
use std::sync::Arc;

type StateRow = (
    String,
    Option<String>,
    Option<i64>,
    i64,
    i64,
    Option<String>,
    Option<String>,
    Option<String>,
);

const STATE_COLUMNS: &str = "SELECT election, compiled_at, register_import, eligible, \
     ineligible, published_at, posted_at, frozen_at FROM voter_list_state WHERE election = $1";

fn instant(text: Option<String>) -> Result<Option<Timestamp>, StoreError> {
    text.as_deref().map(parse_instant).transpose()
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

fn state_of(row: StateRow) -> Result<ListState, StoreError> {
    let (election, compiled, import, eligible, ineligible, published, posted, frozen) = row;
    Ok(ListState {
        election: ElectionId::parse(&election)
            .map_err(|e| StoreError::Corrupt(format!("voter_list_state: {e}")))?,
        compiled_at: instant(compiled)?,
        register_import: import,
        eligible: count(eligible),
        ineligible: count(ineligible),
        published_at: instant(published)?,
        posted_at: instant(posted)?,
        frozen_at: instant(frozen)?,
    })
}

fn station(n: i64) -> Result<StationNumber, StoreError> {
    u32::try_from(n)
        .ok()
        .and_then(|n| StationNumber::new(n).ok())
        .ok_or_else(|| StoreError::Corrupt(format!("station number {n}")))
}

fn council(s: &str) -> Result<CouncilId, StoreError> {
    CouncilId::parse(s).map_err(|e| StoreError::Corrupt(format!("council {s:?}: {e}")))
}

/// A list step may be taken once, after compiling, before freezing, and after publishing
/// (which comes first).
fn check_step(
    state: &ListState,
    election: &ElectionId,
    step: ListStep,
) -> Result<(), VoterListError> {
    if let Some(frozen_at) = state.frozen_at {
        return Err(VoterListError::Frozen {
            election: election.clone(),
            frozen_at,
        });
    }
    if let Some(at) = state.step_at(step) {
        return Err(VoterListError::AlreadyDone {
            election: election.clone(),
            step,
            at,
        });
    }
    if step != ListStep::Published && state.published_at.is_none() {
        return Err(VoterListError::NotPublished(election.clone()));
    }
    Ok(())
}

/// The person's 15 columns (as `PersonTuple`) and the entry's home station.
type StationVoterRow = (
    String,
    String,
    String,
    Option<String>,
    String,
    String,
    bool,
    bool,
    String,
    String,
    String,
    String,
    bool,
    bool,
    bool,
    i64,
);

/// The directory's names of streets by (settlement, Kyrgyz name); the Kyrgyz form where a
/// translation is missing.
fn street_names(
    rows: Vec<(String, String, Option<String>, Option<String>)>,
) -> HashMap<(String, String), LocalizedName> {
    rows.into_iter()
        .map(|(settlement, ky, ru, en)| {
            let name = LocalizedName {
                ru: ru.unwrap_or_else(|| ky.clone()),
                en: en.unwrap_or_else(|| ky.clone()),
                ky: ky.clone(),
            };
            ((settlement, ky), name)
        })
        .collect()
}

#[async_trait]
impl VoterListStore for Db {
    async fn register_count(&self) -> Result<u64, StoreError> {
        let n: i64 = on_db!(self, |pool, d| {
            sqlx::query_scalar("SELECT COUNT(*) FROM persons")
                .fetch_one(pool)
                .await
                .map_err(db_err)?
        });
        u64::try_from(n).map_err(|_| StoreError::Corrupt(format!("persons: count {n}")))
    }

    async fn served_areas(&self) -> Result<Vec<ServedArea>, StoreError> {
        let rows: Vec<(String, String, i64, String)> = on_db!(self, |pool, d| {
            sqlx::query_as(
                "SELECT a.settlement, a.street, a.station, s.council FROM station_areas a \
                 JOIN stations s ON s.number = a.station ORDER BY a.settlement, a.street",
            )
            .fetch_all(pool)
            .await
            .map_err(db_err)?
        });
        rows.into_iter()
            .map(|(settlement, street, number, c)| {
                Ok(ServedArea {
                    settlement: TerritoryId::parse(&settlement).map_err(|e| {
                        StoreError::Corrupt(format!("station_areas settlement: {e}"))
                    })?,
                    street,
                    station: station(number)?,
                    council: council(&c)?,
                })
            })
            .collect()
    }

    async fn territory_ids(&self) -> Result<Vec<TerritoryId>, StoreError> {
        let rows: Vec<String> = on_db!(self, |pool, d| {
            sqlx::query_scalar("SELECT id FROM territories ORDER BY id")
                .fetch_all(pool)
                .await
                .map_err(db_err)?
        });
        rows.iter()
            .map(|id| {
                TerritoryId::parse(id)
                    .map_err(|e| StoreError::Corrupt(format!("territories id {id:?}: {e}")))
            })
            .collect()
    }

    async fn begin_register_import(
        &self,
        options: ImportOptions,
    ) -> Result<Box<dyn RegisterImport>, VoterListError> {
        match self {
            Db::Sqlite(pool) => bulk::Import::begin_sqlite(pool, options).await,
            Db::Postgres(pool) => bulk::Import::begin_postgres(pool, options).await,
        }
    }

    async fn compile_voter_lists(
        &self,
        compiler: Arc<Compiler>,
        actor: &str,
        at: Timestamp,
        progress: CompileProgressFn<'_>,
    ) -> Result<CompileReport, VoterListError> {
        match self {
            Db::Sqlite(pool) => bulk::compile_sqlite(pool, compiler, actor, at, progress).await,
            Db::Postgres(pool) => bulk::compile_postgres(pool, compiler, actor, at, progress).await,
        }
    }

    async fn voter_list_state(
        &self,
        election: &ElectionId,
    ) -> Result<Option<ListState>, StoreError> {
        let row: Option<StateRow> = on_db!(self, |pool, d| {
            sqlx::query_as(STATE_COLUMNS)
                .bind(election.as_str())
                .fetch_optional(pool)
                .await
                .map_err(db_err)?
        });
        row.map(state_of).transpose()
    }

    async fn record_list_step(
        &self,
        election: &ElectionId,
        step: ListStep,
        event: AuditEvent,
    ) -> Result<ListState, VoterListError> {
        on_db!(self, |pool, d| {
            let mut tx = pool.begin_write().await?;
            let head = lock_head!(tx, d);
            let row: Option<StateRow> = sqlx::query_as(STATE_COLUMNS)
                .bind(election.as_str())
                .fetch_optional(&mut *tx)
                .await
                .map_err(db_err)?;
            let state = match row.map(state_of).transpose()? {
                Some(s) if s.compiled_at.is_some() => s,
                _ => return Err(VoterListError::NotCompiled(election.clone())),
            };
            check_step(&state, election, step)?;
            let sql = match step {
                ListStep::Published => {
                    "UPDATE voter_list_state SET published_at = $2 WHERE election = $1"
                }
                ListStep::Posted => {
                    "UPDATE voter_list_state SET posted_at = $2 WHERE election = $1"
                }
                ListStep::Frozen => {
                    "UPDATE voter_list_state SET frozen_at = $2 WHERE election = $1"
                }
            };
            let at = event.at;
            sqlx::query(sql)
                .bind(election.as_str())
                .bind(at.to_string())
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            append_audit!(tx, head, event);
            tx.commit().await.map_err(db_err)?;
            let mut state = state;
            match step {
                ListStep::Published => state.published_at = Some(at),
                ListStep::Posted => state.posted_at = Some(at),
                ListStep::Frozen => state.frozen_at = Some(at),
            }
            Ok(state)
        })
    }

    async fn list_counts(
        &self,
        election: &ElectionId,
        by: CountBy,
    ) -> Result<Vec<ListCount>, StoreError> {
        Ok(match by {
            CountBy::Station => {
                let rows: Vec<(i64, i64)> = on_db!(self, |pool, d| {
                    sqlx::query_as(
                        "SELECT station, COUNT(*) FROM voter_list_entries WHERE election = $1 \
                         GROUP BY station ORDER BY station",
                    )
                    .bind(election.as_str())
                    .fetch_all(pool)
                    .await
                    .map_err(db_err)?
                });
                rows.into_iter()
                    .map(|(s, n)| ListCount {
                        key: s.to_string(),
                        voters: count(n),
                    })
                    .collect()
            }
            CountBy::Council => {
                let rows: Vec<(String, i64)> = on_db!(self, |pool, d| {
                    sqlx::query_as(
                        "SELECT council, COUNT(*) FROM voter_list_entries WHERE election = $1 \
                         GROUP BY council ORDER BY council",
                    )
                    .bind(election.as_str())
                    .fetch_all(pool)
                    .await
                    .map_err(db_err)?
                });
                rows.into_iter()
                    .map(|(key, n)| ListCount {
                        key,
                        voters: count(n),
                    })
                    .collect()
            }
        })
    }

    async fn voter_status(
        &self,
        election: &ElectionId,
        pin: &Pin,
    ) -> Result<Option<VoterStatus>, StoreError> {
        type Entry = (String, i64, i64);
        type Other = (i64, Option<String>, Option<i64>);
        let (person, entry, other): (Option<PersonTuple>, Option<Entry>, Option<Other>) =
            on_db!(self, |pool, d| {
                let person = sqlx::query_as(
                    "SELECT pin, surname, given_name, patronymic, sex, birth_date, citizen, \
                     biometrics, settlement, street, house, address_registered_on, \
                     residence_stamp, court_incapable, imprisoned FROM persons WHERE pin = $1",
                )
                .bind(pin.as_str())
                .fetch_optional(pool)
                .await
                .map_err(db_err)?;
                let entry = sqlx::query_as(
                    "SELECT council, home_station, station FROM voter_list_entries \
                     WHERE election = $1 AND pin = $2",
                )
                .bind(election.as_str())
                .bind(pin.as_str())
                .fetch_optional(pool)
                .await
                .map_err(db_err)?;
                let other = sqlx::query_as(
                    "SELECT reasons, council, home_station FROM voter_ineligible \
                     WHERE election = $1 AND pin = $2",
                )
                .bind(election.as_str())
                .bind(pin.as_str())
                .fetch_optional(pool)
                .await
                .map_err(db_err)?;
                (person, entry, other)
            });
        let Some(person) = person else {
            return Ok(None);
        };
        let placement = match (entry, other) {
            (Some((c, home, at)), _) => Placement::OnList {
                council: council(&c)?,
                home_station: station(home)?,
                station: station(at)?,
            },
            (None, Some((bits, c, home))) => Placement::NotOnList {
                reasons: u16::try_from(bits)
                    .ok()
                    .and_then(Reasons::from_bits)
                    .ok_or_else(|| StoreError::Corrupt(format!("reasons {bits}")))?,
                council: c.as_deref().map(council).transpose()?,
                home_station: home.map(station).transpose()?,
            },
            (None, None) => Placement::NotCompiled,
        };
        Ok(Some(VoterStatus {
            person: person_record(person)?,
            placement,
        }))
    }

    async fn register_imports(&self, limit: u32) -> Result<Vec<ImportRecord>, StoreError> {
        type Row = (i64, String, String, String, i64, i64, i64, i64, i64, i64);
        let rows: Vec<Row> = on_db!(self, |pool, d| {
            sqlx::query_as(
                "SELECT id, source, actor, imported_at, records, added, changed, removed, \
                 unchanged, duplicate_pins FROM register_imports ORDER BY id DESC LIMIT $1",
            )
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await
            .map_err(db_err)?
        });
        rows.into_iter()
            .map(
                |(id, source, actor, at, records, added, changed, removed, unchanged, dups)| {
                    Ok(ImportRecord {
                        import_id: id,
                        source,
                        actor,
                        imported_at: parse_instant(&at)?,
                        records: count(records),
                        added: count(added),
                        changed: count(changed),
                        removed: count(removed),
                        unchanged: count(unchanged),
                        duplicate_pins: count(dups),
                    })
                },
            )
            .collect()
    }

    async fn register_history(&self, pin: &Pin) -> Result<Vec<PersonChange>, StoreError> {
        let rows: Vec<(i64, String, String)> = on_db!(self, |pool, d| {
            sqlx::query_as(
                "SELECT c.import_id, i.imported_at, c.kind FROM register_changes c \
                 JOIN register_imports i ON i.id = c.import_id WHERE c.pin = $1 \
                 ORDER BY c.import_id",
            )
            .bind(pin.as_str())
            .fetch_all(pool)
            .await
            .map_err(db_err)?
        });
        rows.into_iter()
            .map(|(import_id, at, kind)| {
                Ok(PersonChange {
                    import_id,
                    imported_at: parse_instant(&at)?,
                    kind,
                })
            })
            .collect()
    }

    async fn register_duplicates(&self) -> Result<Vec<DuplicatedPin>, StoreError> {
        let rows: Vec<(String, i64)> = on_db!(self, |pool, d| {
            sqlx::query_as("SELECT pin, copies FROM register_duplicates ORDER BY pin")
                .fetch_all(pool)
                .await
                .map_err(db_err)?
        });
        rows.into_iter()
            .map(|(pin, copies)| {
                Ok(DuplicatedPin {
                    pin: Pin::parse(&pin)
                        .map_err(|e| StoreError::Corrupt(format!("register_duplicates: {e}")))?,
                    copies: u32::try_from(copies).unwrap_or(u32::MAX),
                })
            })
            .collect()
    }

    async fn station_voters(
        &self,
        election: &ElectionId,
        number: StationNumber,
    ) -> Result<Vec<StationVoter>, StoreError> {
        // The register's own data: accepted claim corrections (VOT-08) are overlaid by the
        // use case (`shailoo_app::voters::station_roll`), which every printout goes through.
        let rows: Vec<StationVoterRow> = on_db!(self, |pool, d| {
            sqlx::query_as(
                "SELECT p.pin, p.surname, p.given_name, p.patronymic, p.sex, p.birth_date, \
                 p.citizen, p.biometrics, p.settlement, p.street, p.house, \
                 p.address_registered_on, p.residence_stamp, p.court_incapable, p.imprisoned, \
                 e.home_station FROM voter_list_entries e JOIN persons p ON p.pin = e.pin \
                 WHERE e.election = $1 AND e.station = $2 ORDER BY p.pin",
            )
            .bind(election.as_str())
            .bind(i64::from(number.get()))
            .fetch_all(pool)
            .await
            .map_err(db_err)?
        });
        // The directory's names of the voters' streets (the register's form where a
        // translation is missing).
        let streets: Vec<(String, String, Option<String>, Option<String>)> =
            on_db!(self, |pool, d| {
                sqlx::query_as(
                    "SELECT DISTINCT a.settlement, a.street, a.street_ru, a.street_en \
                     FROM voter_list_entries e JOIN persons p ON p.pin = e.pin \
                     JOIN station_areas a ON a.settlement = p.settlement AND a.street = p.street \
                     WHERE e.election = $1 AND e.station = $2",
                )
                .bind(election.as_str())
                .bind(i64::from(number.get()))
                .fetch_all(pool)
                .await
                .map_err(db_err)?
            });
        let streets = street_names(streets);
        rows.into_iter()
            .map(|(a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, home)| {
                let person = person_record((a, b, c, d, e, f, g, h, i, j, k, l, m, n, o))?;
                let key = (person.settlement.to_string(), person.street.clone());
                Ok(StationVoter {
                    street: streets.get(&key).cloned(),
                    person,
                    home_station: station(home)?,
                })
            })
            .collect()
    }
}
