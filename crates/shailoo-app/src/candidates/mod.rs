//! Candidates and parties ("Electronic candidate", CAN-01…CAN-10): the use cases that file,
//! check, decide and publish nominations build on the rules of
//! `shailoo_domain::candidate`. So far this module holds the ports to the state registries
//! that the CAN-08 checks ask through Tunduk ([`registries`]); `shailoo-registries` implements
//! them over HTTP, with test doubles that speak the same protocol.

pub mod registries;

pub use registries::{
    CandidateRegistries, CitizenshipRegistry, CivilRegistry, CriminalRecordRegistry,
    EducationRegistry, PartyMembershipRegistry, RegistryError, RegistryResult, into_reply,
};
