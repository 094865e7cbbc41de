//! Staff accounts, roles scoped to a commission (or, for a party's authorised representative,
//! to one party), sessions, and who acts ([`Actor`]). What each role may do is
//! [`authz`](crate::authz)'s.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use shailoo_domain::candidate::PartyId;
use shailoo_domain::{CommissionId, ErrorCode, Pin};
use std::fmt;

/// A log-in name: 3–32 characters of a–z, 0–9, '.', '_' or '-'.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Username(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UserError {
    #[error("a username has 3 to 32 characters: a–z, 0–9, '.', '_' or '-'")]
    BadUsername,
    #[error("unknown role {0:?}: use cec_admin, tec_member, pec_member or party_representative")]
    UnknownRole(String),
    #[error("a password has at least 10 characters")]
    WeakPassword,
}

impl UserError {
    pub fn code(&self) -> ErrorCode {
        match self {
            UserError::BadUsername => ErrorCode::BadUsername,
            UserError::UnknownRole(_) => ErrorCode::UnknownRole,
            UserError::WeakPassword => ErrorCode::WeakPassword,
        }
    }
}

impl Username {
    pub fn parse(s: &str) -> Result<Self, UserError> {
        let ok = (3..=32).contains(&s.len())
            && s.chars().all(|c| {
                c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-')
            });
        if ok {
            Ok(Username(s.to_owned()))
        } else {
            Err(UserError::BadUsername)
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
impl TryFrom<String> for Username {
    type Error = UserError;
    fn try_from(s: String) -> Result<Self, UserError> {
        Username::parse(&s)
    }
}
impl From<Username> for String {
    fn from(u: Username) -> String {
        u.0
    }
}
impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
impl fmt::Debug for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Username({})", self.0)
    }
}

/// A staff role. Each is scoped to one commission and, through it, to the territory below.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Administrator at the CEC: the whole election.
    CecAdmin,
    /// Member of a territorial commission: its PECs and stations.
    TecMember,
    /// Member of a precinct commission: its own station.
    PecMember,
    /// A party's authorised representative (ыйгарым укуктуу өкүл / уполномоченный
    /// представитель): files and withdraws that party's nominations, and nothing else. Made by
    /// the CEC, whose commission the account belongs to; its scope is [`User::party`].
    PartyRepresentative,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::CecAdmin => "cec_admin",
            Role::TecMember => "tec_member",
            Role::PecMember => "pec_member",
            Role::PartyRepresentative => "party_representative",
        }
    }
    pub fn parse(s: &str) -> Result<Self, UserError> {
        match s {
            "cec_admin" => Ok(Role::CecAdmin),
            "tec_member" => Ok(Role::TecMember),
            "pec_member" => Ok(Role::PecMember),
            "party_representative" => Ok(Role::PartyRepresentative),
            other => Err(UserError::UnknownRole(other.to_owned())),
        }
    }
    /// The commission level the role belongs to (a party's representative is accredited by
    /// the CEC).
    pub fn level(self) -> shailoo_domain::territory::CommissionLevel {
        use shailoo_domain::territory::CommissionLevel;
        match self {
            Role::CecAdmin | Role::PartyRepresentative => CommissionLevel::Cec,
            Role::TecMember => CommissionLevel::Tec,
            Role::PecMember => CommissionLevel::Pec,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub username: Username,
    pub display_name: String,
    pub role: Role,
    pub commission: CommissionId,
    /// The party a [`Role::PartyRepresentative`] acts for; `None` for every other role (the
    /// store keeps the two together).
    pub party: Option<PartyId>,
    /// Argon2id PHC string; never leaves the server.
    #[serde(skip_serializing)]
    pub password_hash: String,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: Username,
    pub display_name: String,
    pub role: Role,
    pub commission: CommissionId,
    pub password_hash: String,
}

/// A log-in session. The cookie holds a random token; the store keeps only its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub token_hash: String,
    pub username: Username,
    /// The synchronizer token every form of this session must echo (CSRF protection).
    pub csrf_token: String,
    pub expires_at: Timestamp,
}

/// Who is acting: a logged-in user, or the operator at the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// A member of a commission.
    User {
        username: Username,
        role: Role,
        commission: CommissionId,
    },
    /// A party's authorised representative, signed in like staff: acts for that party only.
    Representative { username: Username, party: PartyId },
    /// The CLI, run by whoever has access to the server and its database.
    System,
    /// A voter signed in to the voter cabinet (PIN + passport + one-time code): may act only on
    /// their own entry, never on anyone else's.
    Voter { pin: Pin },
}

impl Actor {
    /// The actor a signed-in account is. A representative account without its party (which
    /// the store never returns) is a user of that role, which holds no power over anything.
    pub fn from_user(user: &User) -> Self {
        match (user.role, &user.party) {
            (Role::PartyRepresentative, Some(party)) => Actor::Representative {
                username: user.username.clone(),
                party: party.clone(),
            },
            _ => Actor::User {
                username: user.username.clone(),
                role: user.role,
                commission: user.commission.clone(),
            },
        }
    }

    /// The name written to the audit log.
    pub fn audit_name(&self) -> &str {
        match self {
            Actor::User { username, .. } | Actor::Representative { username, .. } => {
                username.as_str()
            }
            Actor::System => "system",
            Actor::Voter { .. } => "voter",
        }
    }
}

/// Minimum password length for staff accounts.
pub const MIN_PASSWORD_LEN: usize = 10;

pub fn check_password_strength(password: &str) -> Result<(), UserError> {
    if password.chars().count() >= MIN_PASSWORD_LEN {
        Ok(())
    } else {
        Err(UserError::WeakPassword)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_checked() {
        assert!(Username::parse("admin").is_ok());
        assert!(Username::parse("ab").is_err());
        assert!(Username::parse("Admin").is_err());
    }
}
