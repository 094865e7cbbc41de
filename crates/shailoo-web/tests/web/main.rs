//! Integration tests of the web crate, one binary: user journeys over `oneshot` against a
//! fresh SQLite store loaded with the generator's small dataset.
#![allow(
    clippy::too_many_lines,
    clippy::cognitive_complexity,
    reason = "a test reads as one scenario, top to bottom; the size limits are for production code"
)]
#![allow(clippy::unwrap_used, reason = "tests fail loudly on purpose")]

mod access;
mod accounts;
mod api;
mod authz;
// i16-badges: journalists' badges.
mod badges;
mod cabinet;
mod candidacies_fixture;
// i16-badges: places for campaign material (CAL-06).
mod campaign_places;
mod candidates;
mod checkin;
mod claims;
mod common;
mod complaint_cases;
mod complaints;
mod districts;
mod filing;
mod fund_panels;
mod i18n;
mod input;
mod kannel;
mod lookup;
mod media;
mod menu;
mod ops;
mod pages;
mod print;
mod register;
mod remote;
mod results;
// The cache of public answers (issue 15).
mod results_cache;
mod results_fixture;
mod results_public;
mod results_scans;
mod rules;
mod staff;
mod violations;
