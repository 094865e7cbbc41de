//! The adapters against the doubles, over real HTTP on loopback: what each answer of the
//! protocols becomes, and that outages, timeouts and malformed answers are never reported as a
//! verdict about a voter or a candidate.
#![allow(
    clippy::too_many_lines,
    clippy::cognitive_complexity,
    reason = "a test reads as one scenario, top to bottom; the size limits are for production code"
)]
#![allow(clippy::unwrap_used, reason = "tests fail loudly on purpose")]

mod cabinet;
mod candidates;

/// Port 0 on loopback: each double gets a free port of its own.
fn loopback() -> std::net::SocketAddr {
    "127.0.0.1:0".parse().unwrap()
}
