//! Staff accounts on the web: the log-in and log-out pages and the log-in throttle (passwords
//! are hashed and checked by `shailoo_app::accounts`). Sessions themselves (cookie, CSRF
//! token, the signed-in staff member of a request) are in [`crate::kit::session`], since every
//! staff page needs them.

mod pages;
mod throttle;

pub use throttle::{LoginThrottle, ThrottleLimits};

use crate::features::{Access, Feature};

/// Anyone may log in, and log out of their own session.
pub(crate) fn feature() -> Feature {
    use Access::Public;
    Feature::new("accounts")
        .get("/login", Public, pages::login_form)
        .post("/login", Public, pages::login_submit)
        .post("/logout", Public, pages::logout)
}
