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

use crate::features::Feature;
use axum::Router;
use axum::routing::get;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn feature() -> Feature {
    let pages = Router::new()
        .route("/", get(home::home))
        .route("/calendar", get(calendar::calendar_redirect))
        .route("/elections/{id}/calendar", get(calendar::calendar_page))
        .route(
            "/elections/{id}/calendar/override",
            get(calendar::override_form).post(calendar::override_submit),
        )
        .route("/councils", get(councils::councils))
        .route("/councils/{id}", get(councils::council))
        .route("/commissions", get(commissions::commissions))
        .route("/commissions/{id}", get(commissions::commission))
        .route("/stations", get(stations::stations))
        .route(
            "/stations/new",
            get(station_form::station_form).post(station_form::station_submit),
        )
        .route("/stations/{number}", get(stations::station));
    let api = OpenApiRouter::new()
        .routes(routes!(api::list_elections))
        .routes(routes!(api::get_election))
        .routes(routes!(api::get_calendar))
        .routes(routes!(api::list_councils))
        .routes(routes!(api::get_council))
        .routes(routes!(api::list_commissions))
        .routes(routes!(api::get_commission))
        .routes(routes!(api::list_stations))
        .routes(routes!(api::get_station));
    Feature {
        name: "setup",
        pages,
        api,
    }
}
