//! The file formats shailoo reads and writes (`docs/data-formats.md`), apart from any producer.
//!
//! A dataset directory holds the election setup ([`setup`]: territories, councils, commissions,
//! polling stations, station areas, the election), the population register extract
//! ([`register`]), the districting units of the aiyl councils ([`district_units`]) and their
//! district schemes ([`district_schemes`]), the parties, nominations and candidates
//! ([`candidates`]) and a [`manifest`]; uploads outside a dataset: a media outlet's price
//! list ([`media_prices`]) and an election fund's bank statement ([`bank_statement`]). Each module owns one format: its columns or fields, a strict reader that
//! parses straight into domain types, and the writer that produces exactly what the reader
//! accepts.
//!
//! Production reads uploads and datasets through this crate (`shailoo load`, `shailoo register
//! import`, the CEC's register page); the demo data generator writes through it. Readers guess
//! nothing: a wrong header, a missing or malformed field or a contradiction with the PIN is an
//! error naming the file, the line, the column and the reason ([`RowError`]), and the caller
//! stops the import (all or nothing).

pub mod bank_statement;
pub mod candidates;
pub mod district_schemes;
pub mod district_units;
mod error;
pub mod manifest;
pub mod media_prices;
pub mod open_data;
pub mod protocols;
pub mod register;
pub mod setup;
mod table;

pub use bank_statement::{BANK_STATEMENT_COLUMNS, read_bank_statement};
pub use candidates::{
    CANDIDATES_COLUMNS, Candidacies, CandidateRow, NOMINATIONS_COLUMNS, NominationKey,
    NominationRow, NominationStage, PARTIES_COLUMNS, read_candidacies, write_candidacies,
};
pub use district_schemes::{CouncilScheme, read_district_schemes, write_district_schemes};
pub use district_units::{CouncilUnits, DistrictUnit, read_district_units, write_district_units};
pub use error::{FormatError, RowError, RowErrorKind, WriteError};
pub use manifest::{Counts, FileSummary, Manifest, write_manifest};
pub use media_prices::{MEDIA_PRICES_COLUMNS, read_media_prices, write_media_prices};
pub use protocols::{ProtocolLine, ProtocolLineError, read_protocols, write_protocols};
pub use register::{REGISTER_COLUMNS, RegisterReader, RegisterRow, RegisterWriter};
pub use setup::{
    COMMISSIONS_COLUMNS, COUNCILS_COLUMNS, Dataset, STATION_AREAS_COLUMNS, STATIONS_COLUMNS,
    TERRITORIES_COLUMNS, read_setup, write_setup,
};

/// Version of the file formats (`manifest.json` → `format_version`); bumped on any
/// incompatible change.
pub const FORMAT_VERSION: u32 = 1;

/// The files a dataset directory holds, in the order they are written.
pub mod files {
    pub const TERRITORIES: &str = "territories.csv";
    pub const COUNCILS: &str = "councils.csv";
    pub const COMMISSIONS: &str = "commissions.csv";
    pub const STATIONS: &str = "stations.csv";
    pub const STATION_AREAS: &str = "station_areas.csv";
    pub const ELECTION: &str = "election.json";
    pub const REGISTER: &str = "register.csv";
    /// The registered parties (issue 14).
    pub const PARTIES: &str = "parties.csv";
    /// City party lists and aiyl district nominations, each at its stage (issue 14).
    pub const NOMINATIONS: &str = "nominations.csv";
    /// The candidates of each nomination, by PIN, in list order (issue 14).
    pub const CANDIDATES: &str = "candidates.csv";
    pub const MANIFEST: &str = "manifest.json";
    /// The districting units of every aiyl council with their borders (issue 5): a JSON array
    /// of [`crate::CouncilUnits`]. Not listed in the manifest; optional on loading.
    pub const DISTRICT_UNITS: &str = "district_units.json";
    /// A district scheme of every aiyl council (issue 14): a JSON array of
    /// [`crate::CouncilScheme`]. Not listed in the manifest; optional on loading.
    pub const DISTRICT_SCHEMES: &str = "district_schemes.json";
    /// The PEC results protocols of every regular station and contest (issue 15): JSON lines
    /// of [`crate::ProtocolLine`]. Not listed in the manifest; optional on loading.
    pub const PROTOCOLS: &str = "protocols.jsonl";
}
