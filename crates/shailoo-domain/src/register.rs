//! A record of the population register extract (Бирдиктүү калк каттоо реестри / ЕГРН) as the
//! CEC receives it from the state registry: the input of voter eligibility (VOT-01…VOT-06).
//! The file format is documented in `docs/data-formats.md`.

use crate::ids::TerritoryId;
use crate::pin::{Pin, Sex};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterRecord {
    pub pin: Pin,
    pub surname: String,
    pub given_name: String,
    /// Атасынын аты / отчество; not everyone has one.
    pub patronymic: Option<String>,
    pub sex: Sex,
    pub birth_date: Date,
    /// VOT-01.
    pub citizen: bool,
    /// VOT-03: biometric data registered.
    pub biometrics: bool,
    /// The settlement (or city) of the registered address.
    pub settlement: TerritoryId,
    /// Street and house, as written in the register.
    pub street: String,
    pub house: String,
    /// The date the address was registered in the passport register (VOT-04: ≤ V − 60).
    pub address_registered_on: Date,
    /// VOT-04: a permanent-residence stamp in the passport for this address.
    pub residence_stamp: bool,
    /// VOT-05: declared legally incapable by a court.
    pub court_incapable: bool,
    /// VOT-05: held in a place of deprivation of liberty by a sentence in force.
    pub imprisoned: bool,
}
