//! What logs may hold of a look-up: a keyed tag instead of a PIN or a sender, and request
//! traces without the PIN-bearing parts of a URI.

use axum::http::Request;
use shailoo_domain::Pin;
use std::sync::OnceLock;

/// A short, unlinkable tag of a PIN for logs: the first 8 hex digits of a BLAKE3 hash keyed
/// with a random key drawn at process start. It lets an operator see that two log lines are
/// about the same PIN, within one process's lifetime; unlike an unkeyed hash, it cannot be
/// reversed by hashing every possible PIN.
pub(crate) fn pin_tag(pin: &Pin) -> String {
    tag(pin.as_str())
}

pub(crate) fn tag(value: &str) -> String {
    static KEY: OnceLock<[u8; 32]> = OnceLock::new();
    let key = KEY.get_or_init(rand::random);
    let hash = blake3::keyed_hash(key, value.as_bytes());
    hash.to_hex()[..8].to_owned()
}

/// The request span of the trace layer, without PINs, senders or SMS texts: for the look-up
/// paths, the PIN segment is replaced and the query left out. The URI is only formatted when
/// the span is enabled (debug level), so the hot path pays nothing for the redaction.
pub(crate) fn redacted_span<B>(req: &Request<B>) -> tracing::Span {
    tracing::debug_span!(
        "request",
        method = %req.method(),
        uri = %RedactedUri(req.uri()),
        version = ?req.version()
    )
}

/// A URI as logs may show it.
struct RedactedUri<'a>(&'a axum::http::Uri);

impl std::fmt::Display for RedactedUri<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let path = self.0.path();
        if path.starts_with("/api/v1/voters/") {
            f.write_str("/api/v1/voters/{pin}/station")
        } else if path.starts_with("/lookup")
            || path.starts_with("/sms/")
            || path.starts_with("/api/v1/sms/")
        {
            f.write_str(path)
        } else {
            write!(f, "{}", self.0)
        }
    }
}
