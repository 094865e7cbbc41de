//! Staff accounts on the web: the log-in and log-out pages and the log-in throttle (passwords
//! are hashed and checked by `shailoo_app::accounts`). Sessions themselves (cookie, CSRF
//! token, the signed-in staff member of a request) are in [`crate::kit::session`], since every
//! staff page needs them.

mod pages;
mod throttle;

pub use throttle::{LoginThrottle, ThrottleLimits};

use crate::features::Feature;
use axum::Router;
use axum::routing::{get, post};
use utoipa_axum::router::OpenApiRouter;

pub(crate) fn feature() -> Feature {
    Feature {
        name: "accounts",
        pages: Router::new()
            .route("/login", get(pages::login_form).post(pages::login_submit))
            .route("/logout", post(pages::logout)),
        api: OpenApiRouter::new(),
    }
}
