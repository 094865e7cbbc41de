//! The client's address, as the log-in throttle and the rate limits count it.

use crate::AppState;
use crate::kit::rate_limit::client_ip;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use std::net::IpAddr;

/// The client address, when the server was started with connect info (tests using `oneshot`
/// have none; such requests share one bucket). Behind a reverse proxy listed in
/// `LookupConfig::trusted_proxies`, the address the proxy forwarded: otherwise every log-in and
/// every look-up would count against the proxy's own address, and one client could lock
/// everyone out.
pub(crate) struct ClientIp(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(client_ip(
            parts,
            &state.config.lookup.trusted_proxies,
        )))
    }
}
