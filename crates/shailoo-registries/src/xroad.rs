//! X-Road identifiers as the REST protocol writes them: `INSTANCE/CLASS/MEMBER/SUBSYSTEM` for a
//! client, the same plus `/SERVICE` (and optionally `/VERSION`) for a service.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum XRoadIdError {
    #[error(
        "an X-Road client id is INSTANCE/CLASS/MEMBER/SUBSYSTEM, e.g. KG/GOV/70000001/shailoo; got {0:?}"
    )]
    BadClient(String),
    #[error("an X-Road service id is INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE[/VERSION]; got {0:?}")]
    BadService(String),
}

impl XRoadIdError {
    pub fn code(&self) -> &'static str {
        match self {
            XRoadIdError::BadClient(_) => "xroad_bad_client",
            XRoadIdError::BadService(_) => "xroad_bad_service",
        }
    }
}

/// Identifier parts may hold letters, digits, `.`, `_` and `-` (a subset of what X-Road
/// allows, chosen so that no part ever needs percent-encoding in a URL path).
fn parts(s: &str) -> Option<Vec<&str>> {
    let parts: Vec<&str> = s.split('/').collect();
    let ok = parts.iter().all(|p| {
        !p.is_empty()
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    });
    ok.then_some(parts)
}

/// The calling subsystem, sent in the `X-Road-Client` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XRoadClientId(String);

impl XRoadClientId {
    pub fn parse(s: &str) -> Result<Self, XRoadIdError> {
        match parts(s.trim()) {
            Some(p) if p.len() == 4 => Ok(XRoadClientId(s.trim().to_owned())),
            _ => Err(XRoadIdError::BadClient(s.to_owned())),
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for XRoadClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The service called, the path segment after `/r1/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XRoadServiceId(String);

impl XRoadServiceId {
    pub fn parse(s: &str) -> Result<Self, XRoadIdError> {
        match parts(s.trim()) {
            Some(p) if p.len() == 5 || p.len() == 6 => Ok(XRoadServiceId(s.trim().to_owned())),
            _ => Err(XRoadIdError::BadService(s.to_owned())),
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for XRoadServiceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_their_number_of_parts_and_safe_characters() {
        assert!(XRoadClientId::parse("KG/GOV/70000001/shailoo").is_ok());
        assert!(XRoadClientId::parse("KG/GOV/70000001").is_err());
        assert!(XRoadClientId::parse("KG/GOV//shailoo").is_err());
        assert!(XRoadClientId::parse("KG/GOV/7000 0001/shailoo").is_err());
        assert!(XRoadServiceId::parse("KG/GOV/70000002/grs/passport-check").is_ok());
        assert!(XRoadServiceId::parse("KG/GOV/70000002/grs/passport-check/v1").is_ok());
        assert!(XRoadServiceId::parse("KG/GOV/70000002/grs").is_err());
        assert!(XRoadServiceId::parse("KG/GOV/70000002/grs/a?b").is_err());
    }
}
