//! The CSV files of the results' open data (`shailoo results export`, the public pages'
//! downloads; `docs/open-data.md`): one row per counted protocol (station × contest) with the
//! RES-04 lines, one per protocol and ballot option with its votes, one per council, contest
//! and option with the sums and seats. Written from what the caller passes, byte for byte the
//! same for the same input, so that `shailoo verify` recomputes each file and compares.

use csv::Writer;
use shailoo_domain::CouncilId;
use shailoo_domain::protocol::Protocol;

pub const PROTOCOLS_CSV: &str = "protocols.csv";
pub const VOTES_CSV: &str = "votes.csv";
pub const RESULTS_CSV: &str = "results.csv";

pub const PROTOCOLS_CSV_COLUMNS: [&str; 14] = [
    "council",
    "station",
    "contest",
    "voters_on_list",
    "voters_on_additional_lists",
    "ballots_received",
    "ballots_issued_at_station",
    "ballots_issued_outside",
    "voters_took_part",
    "ballots_cancelled",
    "ballots_in_mobile_boxes",
    "ballots_in_stationary_boxes",
    "valid_ballots",
    "invalid_ballots",
];

pub const VOTES_CSV_COLUMNS: [&str; 5] = ["council", "station", "contest", "option", "votes"];

pub const RESULTS_CSV_COLUMNS: [&str; 11] = [
    "council", "contest", "status", "official", "option", "name_ky", "name_ru", "name_en", "votes",
    "seats", "reserved",
];

/// One counted protocol: its council, its contest as text (`party_list`, `district/<id>`).
pub struct ProtocolRow<'a> {
    pub council: &'a CouncilId,
    pub contest: &'a str,
    pub protocol: &'a Protocol,
}

/// One line of `results.csv`; `option` is `against_all` for that line.
pub struct ResultRow<'a> {
    pub council: &'a str,
    pub contest: &'a str,
    pub status: &'a str,
    pub official: bool,
    pub option: &'a str,
    pub name: [&'a str; 3],
    pub votes: u64,
    pub seats: Option<u64>,
    pub reserved: bool,
}

fn finish(w: Writer<Vec<u8>>) -> Vec<u8> {
    // Writing to memory cannot fail.
    w.into_inner().unwrap_or_default()
}

fn writer(header: &[&str]) -> Writer<Vec<u8>> {
    let mut w = Writer::from_writer(Vec::new());
    w.write_record(header).unwrap_or_default();
    w
}

/// `protocols.csv`.
pub fn protocols_csv(rows: &[ProtocolRow<'_>]) -> Vec<u8> {
    let mut w = writer(&PROTOCOLS_CSV_COLUMNS);
    for r in rows {
        let p = r.protocol;
        let numbers = [
            p.voters_on_list,
            p.voters_on_additional_lists,
            p.ballots_received,
            p.ballots_issued_at_station,
            p.ballots_issued_outside,
            p.voters_took_part,
            p.ballots_cancelled,
            p.ballots_in_mobile_boxes,
            p.ballots_in_stationary_boxes,
            p.valid_ballots,
            p.invalid_ballots,
        ];
        let mut record = vec![
            r.council.to_string(),
            p.station.to_string(),
            r.contest.to_owned(),
        ];
        record.extend(numbers.iter().map(u32::to_string));
        w.write_record(&record).unwrap_or_default();
    }
    finish(w)
}

/// `votes.csv`: each option's votes, then "against all" where the ballot has it.
pub fn votes_csv(rows: &[ProtocolRow<'_>]) -> Vec<u8> {
    let mut w = writer(&VOTES_CSV_COLUMNS);
    for r in rows {
        let p = r.protocol;
        let (council, station) = (r.council.to_string(), p.station.to_string());
        for v in &p.votes {
            let option = match &v.option {
                shailoo_domain::protocol::BallotOption::Party(id) => id.to_string(),
                shailoo_domain::protocol::BallotOption::Candidate(id) => id.to_string(),
            };
            let record = [&council, &station, r.contest, &option, &v.votes.to_string()];
            w.write_record(record).unwrap_or_default();
        }
        if let Some(a) = p.against_all {
            let record = [&council, &station, r.contest, "against_all", &a.to_string()];
            w.write_record(record).unwrap_or_default();
        }
    }
    finish(w)
}

/// `results.csv`.
pub fn results_csv(rows: &[ResultRow<'_>]) -> Vec<u8> {
    let mut w = writer(&RESULTS_CSV_COLUMNS);
    for r in rows {
        let record = [
            r.council.to_owned(),
            r.contest.to_owned(),
            r.status.to_owned(),
            r.official.to_string(),
            r.option.to_owned(),
            r.name[0].to_owned(),
            r.name[1].to_owned(),
            r.name[2].to_owned(),
            r.votes.to_string(),
            r.seats.map(|s| s.to_string()).unwrap_or_default(),
            r.reserved.to_string(),
        ];
        w.write_record(&record).unwrap_or_default();
    }
    finish(w)
}
