//! [`shailoo_app::RemoteVotingStore`] on both engines.
//!
//! Every writer takes the audit head lock first (the `lock_head!` pattern of `db.rs`), so the
//! checks that follow — frozen lists, one live application per voter, free places at the
//! station — read a state no other writer can change before the commit. That is what keeps two
//! concurrent approvals from both taking a station's last place.

use crate::rows::{corrupt, station_number, timestamp};
use crate::{Db, Tx, WritePool, db_err};
use async_trait::async_trait;
use shailoo_app::RemoteVotingStore;
use shailoo_app::StoreError;
use shailoo_app::audit::AuditEvent;
use shailoo_app::remote::{
    ApplicationFilter, ApplicationStatus, Decision, RemoteApplication, RemoteStationCount,
    RemoteVotingError,
};
use shailoo_domain::{CommissionId, ElectionId, Pin, StationNumber};
use sqlx::AssertSqlSafe;

const T: &str = "remote_applications";

const COLUMNS: &str = "SELECT id, election, pin, remote_station, status, reason, filed_by, \
     filed_at, decided_by, decided_at FROM remote_applications";

const FROZEN_AT: &str = "SELECT frozen_at FROM voter_list_state WHERE election = $1";

/// Puts every voter with an approved application back at its remote-voting station, after a
/// compile has rebuilt the lists from the register at the home stations: an approval is a
/// decision about the voter (VOT-07) and must outlive a newer register extract. Voters no
/// longer on a list stay off it; their application keeps its status for the record.
pub(crate) const REAPPLY_APPROVED: &str = "UPDATE voter_list_entries SET station = \
     (SELECT a.remote_station FROM remote_applications a WHERE a.election = \
     voter_list_entries.election AND a.pin = voter_list_entries.pin AND a.status = 'approved') \
     WHERE election = $1 AND pin IN (SELECT pin FROM remote_applications \
     WHERE election = $1 AND status = 'approved')";

/// Ends the live applications (applied or approved) of voters who are on no list after a
/// compile (they left the register, or it now makes them ineligible): an approval that moves
/// nobody would still hold a place of the remote station's capacity. Cancelled by the system,
/// with [`LAPSED_REASON`]; the voter may apply again once back on a list.
pub(crate) const LAPSE_OFF_LIST: &str = "UPDATE remote_applications SET status = 'cancelled', \
     reason = $2, decided_by = $3, decided_at = $4 \
     WHERE election = $1 AND status IN ('applied', 'approved') AND NOT EXISTS \
     (SELECT 1 FROM voter_list_entries e WHERE e.election = remote_applications.election \
        AND e.pin = remote_applications.pin) \
     RETURNING pin";

/// The reason recorded on a lapsed application, in the three languages of the pages, since it
/// is shown as written (as a TEC's own reasons are).
pub(crate) const LAPSED_REASON: &str = "Шайлоочулардын тизмесинде жок (реестр жаңыланды) / \
     Нет в списках избирателей (реестр обновлён) / Not on the voter lists (register updated)";

const ENTRY: &str =
    "SELECT home_station, station FROM voter_list_entries WHERE election = $1 AND pin = $2";

const IS_REMOTE: &str = "SELECT remote_voting FROM stations WHERE number = $1";

const LIVE_EXISTS: &str = "SELECT CAST(1 AS BIGINT) FROM remote_applications \
     WHERE election = $1 AND pin = $2 AND status IN ('applied', 'approved')";

const CAPACITY: &str =
    "SELECT capacity FROM remote_station_capacity WHERE election = $1 AND station = $2";

const APPROVED_AT: &str = "SELECT COUNT(*) FROM remote_applications \
     WHERE election = $1 AND remote_station = $2 AND status = 'approved'";

const MOVE_VOTER: &str =
    "UPDATE voter_list_entries SET station = $3 WHERE election = $1 AND pin = $2";

const MOVE_HOME: &str =
    "UPDATE voter_list_entries SET station = home_station WHERE election = $1 AND pin = $2";

const SET_DECISION: &str = "UPDATE remote_applications SET status = $2, reason = $3, \
     decided_by = $4, decided_at = $5 WHERE id = $1";

const COUNTS: &str = "SELECT s.number, s.commission, \
     (SELECT COUNT(*) FROM remote_applications a WHERE a.election = $1 \
        AND a.remote_station = s.number AND a.status = 'applied') AS applied, \
     (SELECT COUNT(*) FROM remote_applications a WHERE a.election = $1 \
        AND a.remote_station = s.number AND a.status = 'approved') AS approved, \
     (SELECT c.capacity FROM remote_station_capacity c WHERE c.election = $1 \
        AND c.station = s.number) AS capacity \
     FROM stations s WHERE s.remote_voting = TRUE ORDER BY s.number";

const SET_CAPACITY: &str = "INSERT INTO remote_station_capacity (election, station, capacity) \
     VALUES ($1, $2, $3) ON CONFLICT (election, station) DO UPDATE SET capacity = $3";

type Row = (
    i64,
    String,
    String,
    i64,
    String,
    Option<String>,
    String,
    String,
    Option<String>,
    Option<String>,
);

fn application(row: Row) -> Result<RemoteApplication, StoreError> {
    let (id, election, pin, station, status, reason, filed_by, filed_at, decided_by, decided_at) =
        row;
    // The key names the row by id: the PIN stays out of messages and logs.
    let key = id.to_string();
    Ok(RemoteApplication {
        id,
        election: ElectionId::parse(&election)
            .map_err(|e| corrupt(T, &key, format!("election {election:?}: {e}")))?,
        pin: Pin::parse(&pin).map_err(|e| corrupt(T, &key, format!("pin: {e}")))?,
        remote_station: station_number(T, &key, station)?,
        status: ApplicationStatus::parse(&status)
            .ok_or_else(|| corrupt(T, &key, format!("status {status:?}")))?,
        reason,
        filed_by,
        filed_at: timestamp(T, &key, "filed_at", &filed_at)?,
        decided_by,
        decided_at: decided_at
            .map(|v| timestamp(T, &key, "decided_at", &v))
            .transpose()?,
    })
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

#[async_trait]
impl RemoteVotingStore for Db {
    async fn file_remote_application(
        &self,
        election: &ElectionId,
        pin: &Pin,
        station: StationNumber,
        mut event: AuditEvent,
    ) -> Result<RemoteApplication, RemoteVotingError> {
        let mut tx = self.begin_tx().await?;
        let head = tx.lock_head().await?;
        tx.refuse_frozen(election).await?;
        tx.check_can_apply(election, pin, station).await?;
        // Ids count from 1 per database; safe to compute under the write lock.
        let id: i64 = on_tx!(&mut tx, |t, d| {
            sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM remote_applications")
                .fetch_one(&mut **t)
                .await
                .map_err(db_err)?
        });
        let created = RemoteApplication {
            id,
            election: election.clone(),
            pin: *pin,
            remote_station: station,
            status: ApplicationStatus::Applied,
            reason: None,
            filed_by: event.actor.clone(),
            filed_at: event.at,
            decided_by: None,
            decided_at: None,
        };
        on_tx!(&mut tx, |t, d| {
            sqlx::query(
                "INSERT INTO remote_applications (id, election, pin, remote_station, status, \
                 filed_by, filed_at) VALUES ($1, $2, $3, $4, 'applied', $5, $6)",
            )
            .bind(id)
            .bind(election.as_str())
            .bind(pin.as_str())
            .bind(i64::from(station.get()))
            .bind(created.filed_by.as_str())
            .bind(created.filed_at.to_string())
            .execute(&mut **t)
            .await
            .map_err(db_err)?;
        });
        event.subject = format!("{election}/remote/{id}");
        tx.append_audit(head, event.after(&created)).await?;
        tx.commit().await?;
        Ok(created)
    }

    async fn decide_remote_application(
        &self,
        election: &ElectionId,
        id: i64,
        decision: &Decision,
        event: AuditEvent,
    ) -> Result<RemoteApplication, RemoteVotingError> {
        let mut tx = self.begin_tx().await?;
        let head = tx.lock_head().await?;
        tx.refuse_frozen(election).await?;
        let before = tx
            .application(election, id)
            .await?
            .ok_or(RemoteVotingError::UnknownApplication(id))?;
        let (status, reason) = match decision {
            Decision::Approve { default_capacity } => {
                if before.status != ApplicationStatus::Applied {
                    return Err(RemoteVotingError::WrongStatus(before.status));
                }
                tx.move_to_remote_station(election, &before, *default_capacity)
                    .await?;
                (ApplicationStatus::Approved, None)
            }
            Decision::Reject { reason } => {
                if before.status != ApplicationStatus::Applied {
                    return Err(RemoteVotingError::WrongStatus(before.status));
                }
                (ApplicationStatus::Rejected, Some(reason.trim().to_owned()))
            }
            Decision::Cancel => {
                if !before.status.is_live() {
                    return Err(RemoteVotingError::WrongStatus(before.status));
                }
                if before.status == ApplicationStatus::Approved {
                    tx.move_home(election, &before.pin).await?;
                }
                (ApplicationStatus::Cancelled, None)
            }
        };
        let after = RemoteApplication {
            status,
            reason,
            decided_by: Some(event.actor.clone()),
            decided_at: Some(event.at),
            ..before.clone()
        };
        on_tx!(&mut tx, |t, d| {
            sqlx::query(SET_DECISION)
                .bind(id)
                .bind(status.as_str())
                .bind(after.reason.as_deref())
                .bind(event.actor.as_str())
                .bind(event.at.to_string())
                .execute(&mut **t)
                .await
                .map_err(db_err)?;
        });
        tx.append_audit(head, event.before(&before).after(&after))
            .await?;
        tx.commit().await?;
        Ok(after)
    }

    async fn remote_application(
        &self,
        election: &ElectionId,
        id: i64,
    ) -> Result<Option<RemoteApplication>, StoreError> {
        on_db!(self, |pool, d| {
            let row: Option<Row> = sqlx::query_as(AssertSqlSafe(format!(
                "{COLUMNS} WHERE election = $1 AND id = $2"
            )))
            .bind(election.as_str())
            .bind(id)
            .fetch_optional(pool)
            .await
            .map_err(db_err)?;
            row.map(application).transpose()
        })
    }

    async fn remote_applications(
        &self,
        election: &ElectionId,
        filter: &ApplicationFilter,
    ) -> Result<Vec<RemoteApplication>, StoreError> {
        // Absent filters bind NULL, which keeps the SQL text constant. `within` walks down
        // the commission tree from the account's commission (a recursive CTE, the same on both
        // engines): the remote-voting station, or the voter's home station, lies below it.
        let sql = format!(
            "WITH RECURSIVE below (id) AS (SELECT id FROM commissions WHERE id = $5 \
             UNION ALL SELECT m.id FROM commissions m JOIN below b ON m.parent = b.id) \
             {COLUMNS} a WHERE a.election = $1 AND ($2 IS NULL OR a.status = $2) \
             AND ($3 IS NULL OR a.remote_station = $3) AND ($4 IS NULL OR a.pin = $4) \
             AND ($5 IS NULL OR a.remote_station IN (SELECT s.number FROM stations s \
                WHERE s.commission IN (SELECT id FROM below)) \
             OR EXISTS (SELECT 1 FROM voter_list_entries e JOIN stations h \
                ON h.number = e.home_station WHERE e.election = a.election \
                AND e.pin = a.pin AND h.commission IN (SELECT id FROM below))) \
             ORDER BY a.id DESC LIMIT 500"
        );
        let status = filter.status.map(ApplicationStatus::as_str);
        let station = filter.station.map(|s| i64::from(s.get()));
        let pin = filter.pin.as_ref().map(Pin::as_str);
        let within = filter.within.as_ref().map(|c| c.as_str());
        on_db!(self, |pool, d| {
            let rows: Vec<Row> = sqlx::query_as(AssertSqlSafe(sql.clone()))
                .bind(election.as_str())
                .bind(status)
                .bind(station)
                .bind(pin)
                .bind(within)
                .fetch_all(pool)
                .await
                .map_err(db_err)?;
            rows.into_iter().map(application).collect()
        })
    }

    async fn remote_station_counts(
        &self,
        election: &ElectionId,
        default_capacity: u64,
    ) -> Result<Vec<RemoteStationCount>, StoreError> {
        on_db!(self, |pool, d| {
            let rows: Vec<(i64, String, i64, i64, Option<i64>)> = sqlx::query_as(COUNTS)
                .bind(election.as_str())
                .fetch_all(pool)
                .await
                .map_err(db_err)?;
            rows.into_iter()
                .map(|(number, commission, applied, approved, capacity)| {
                    let key = number.to_string();
                    Ok(RemoteStationCount {
                        station: station_number("stations", &key, number)?,
                        commission: CommissionId::parse(&commission).map_err(|e| {
                            corrupt("stations", &key, format!("commission {commission:?}: {e}"))
                        })?,
                        applied: count(applied),
                        approved: count(approved),
                        capacity: capacity.map_or(default_capacity, count),
                    })
                })
                .collect()
        })
    }

    async fn set_remote_station_capacity(
        &self,
        election: &ElectionId,
        station: StationNumber,
        capacity: u64,
        event: AuditEvent,
    ) -> Result<(), RemoteVotingError> {
        let capacity = i64::try_from(capacity).unwrap_or(i64::MAX);
        on_db!(self, |pool, d| {
            let mut tx = pool.begin_write().await?;
            let head = lock_head!(tx, d);
            let remote: Option<bool> = sqlx::query_scalar(IS_REMOTE)
                .bind(i64::from(station.get()))
                .fetch_optional(&mut *tx)
                .await
                .map_err(db_err)?;
            if remote != Some(true) {
                return Err(RemoteVotingError::NotRemoteStation(station));
            }
            let known: Option<i64> =
                sqlx::query_scalar("SELECT CAST(1 AS BIGINT) FROM elections WHERE id = $1")
                    .bind(election.as_str())
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(db_err)?;
            if known.is_none() {
                return Err(RemoteVotingError::UnknownElection(election.clone()));
            }
            sqlx::query(SET_CAPACITY)
                .bind(election.as_str())
                .bind(i64::from(station.get()))
                .bind(capacity)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            append_audit!(tx, head, event);
            tx.commit().await.map_err(db_err)?;
            Ok(())
        })
    }
}

/// The steps of the remote-voting writers.
impl Tx {
    /// Back on the home station's list (a cancelled approval).
    async fn move_home(&mut self, election: &ElectionId, pin: &Pin) -> Result<(), StoreError> {
        on_tx!(self, |t, d| {
            sqlx::query(MOVE_HOME)
                .bind(election.as_str())
                .bind(pin.as_str())
                .execute(&mut **t)
                .await
                .map_err(db_err)?;
        });
        Ok(())
    }

    /// Refuses once the lists are frozen.
    async fn refuse_frozen(&mut self, election: &ElectionId) -> Result<(), RemoteVotingError> {
        let frozen: Option<Option<String>> = on_tx!(self, |t, d| {
            sqlx::query_scalar(FROZEN_AT)
                .bind(election.as_str())
                .fetch_optional(&mut **t)
                .await
                .map_err(db_err)?
        });
        match frozen {
            Some(Some(at)) => Err(RemoteVotingError::Frozen {
                election: election.clone(),
                frozen_at: timestamp("voter_list_state", election.as_str(), "frozen_at", &at)?,
            }),
            _ => Ok(()),
        }
    }

    /// The voter is on a list, the station takes remote voters, and no application of theirs
    /// is live.
    async fn check_can_apply(
        &mut self,
        election: &ElectionId,
        pin: &Pin,
        station: StationNumber,
    ) -> Result<(), RemoteVotingError> {
        let (entry, remote, live): (Option<(i64, i64)>, Option<bool>, Option<i64>) =
            on_tx!(self, |t, d| {
                let entry = sqlx::query_as(ENTRY)
                    .bind(election.as_str())
                    .bind(pin.as_str())
                    .fetch_optional(&mut **t)
                    .await
                    .map_err(db_err)?;
                let remote = sqlx::query_scalar(IS_REMOTE)
                    .bind(i64::from(station.get()))
                    .fetch_optional(&mut **t)
                    .await
                    .map_err(db_err)?;
                let live = sqlx::query_scalar(LIVE_EXISTS)
                    .bind(election.as_str())
                    .bind(pin.as_str())
                    .fetch_optional(&mut **t)
                    .await
                    .map_err(db_err)?;
                (entry, remote, live)
            });
        if entry.is_none() {
            return Err(RemoteVotingError::NotOnList);
        }
        if remote != Some(true) {
            return Err(RemoteVotingError::NotRemoteStation(station));
        }
        if live.is_some() {
            return Err(RemoteVotingError::AlreadyApplied);
        }
        Ok(())
    }

    async fn application(
        &mut self,
        election: &ElectionId,
        id: i64,
    ) -> Result<Option<RemoteApplication>, StoreError> {
        let row: Option<Row> = on_tx!(self, |t, d| {
            sqlx::query_as(AssertSqlSafe(format!(
                "{COLUMNS} WHERE election = $1 AND id = $2"
            )))
            .bind(election.as_str())
            .bind(id)
            .fetch_optional(&mut **t)
            .await
            .map_err(db_err)?
        });
        row.map(application).transpose()
    }

    /// VOT-07: moves an approved applicant onto the remote station's list, while it has room.
    /// The council column is left alone: they vote for their own council.
    async fn move_to_remote_station(
        &mut self,
        election: &ElectionId,
        application: &RemoteApplication,
        default_capacity: u64,
    ) -> Result<(), RemoteVotingError> {
        let station = i64::from(application.remote_station.get());
        let (set, approved): (Option<i64>, i64) = on_tx!(self, |t, d| {
            let set = sqlx::query_scalar(CAPACITY)
                .bind(election.as_str())
                .bind(station)
                .fetch_optional(&mut **t)
                .await
                .map_err(db_err)?;
            let approved = sqlx::query_scalar(APPROVED_AT)
                .bind(election.as_str())
                .bind(station)
                .fetch_one(&mut **t)
                .await
                .map_err(db_err)?;
            (set, approved)
        });
        let capacity = set.map_or(default_capacity, count);
        if count(approved) >= capacity {
            return Err(RemoteVotingError::Full {
                station: application.remote_station,
                capacity,
            });
        }
        let moved = on_tx!(self, |t, d| {
            sqlx::query(MOVE_VOTER)
                .bind(election.as_str())
                .bind(application.pin.as_str())
                .bind(station)
                .execute(&mut **t)
                .await
                .map_err(db_err)?
                .rows_affected()
        });
        if moved != 1 {
            return Err(RemoteVotingError::NotOnList);
        }
        Ok(())
    }
}
