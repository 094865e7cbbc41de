//! The election setup in the open: the home page, elections and their calendars (with the CEC's
//! override form), councils, commissions and polling stations (with the form that adds one),
//! as pages and as the read-only JSON API.

mod api;
mod calendar;
mod commissions;
mod councils;
mod home;
mod station_form;
mod stations;
mod views;

pub(crate) use stations::stations_covered;

use crate::features::{Access, Feature};
use shailoo_app::authz::Power;
use utoipa_axum::routes;

pub(crate) fn feature() -> Feature {
    use Access::{Public, Staff};
    Feature::new("setup")
        .get("/", Public, home::home)
        .get("/calendar", Public, calendar::calendar_redirect)
        .get("/elections/{id}/calendar", Public, calendar::calendar_page)
        .get(
            "/elections/{id}/calendar/override",
            Staff(Power::OverrideDeadline),
            calendar::override_form,
        )
        .in_menu_via("menu-override", "/calendar")
        .post(
            "/elections/{id}/calendar/override",
            Staff(Power::OverrideDeadline),
            calendar::override_submit,
        )
        .get("/councils", Public, councils::councils)
        .get("/councils/{id}", Public, councils::council)
        .get("/commissions", Public, commissions::commissions)
        .get("/commissions/{id}", Public, commissions::commission)
        .get("/stations", Public, stations::stations)
        .get(
            "/stations/new",
            Staff(Power::AddStation),
            station_form::station_form,
        )
        .in_menu("nav-add-station")
        .post(
            "/stations/new",
            Staff(Power::AddStation),
            station_form::station_submit,
        )
        .get("/stations/{number}", Public, stations::station)
        .api(Public, routes!(api::list_elections))
        .api(Public, routes!(api::get_election))
        .api(Public, routes!(api::get_calendar))
        .api(Public, routes!(api::list_councils))
        .api(Public, routes!(api::get_council))
        .api(Public, routes!(api::list_commissions))
        .api(Public, routes!(api::get_commission))
        .api(Public, routes!(api::list_stations))
        .api(Public, routes!(api::get_station))
}
