//! The guard of a register import: a re-import shows its difference before it is stored, is
//! stored only on a confirmation of exactly that difference, and may not remove more than
//! [`RuleParameters::register_removal_limit_percent`] of the register unless the CEC overrides
//! that limit by name. An import into an empty register removes and changes nothing and needs
//! no confirmation.
//!
//! The difference is computed where the import runs, in its own transaction (the store merges
//! the sorted extract with the stored register); a preview rolls that transaction back, and the
//! confirmed import computes it again and compares it with the confirmed one by its
//! [`DifferenceId`]: the register and the extract must be what they were when it was shown.
//! The store calls [`admit`] on what it found, as it calls the claims' transitions: the rule is
//! here, not in SQL.
//!
//! [`RuleParameters::register_removal_limit_percent`]: shailoo_domain::params::RuleParameters::register_removal_limit_percent

use super::VoterListError;
use serde::{Deserialize, Serialize};
use shailoo_domain::Pin;
use std::fmt;

/// How an import is made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportMode {
    /// Compute the difference and roll the import back: nothing is stored, the report says what
    /// storing it would do.
    Preview,
    /// Store the import; a re-import needs the confirmation of the difference its preview
    /// showed (`None`: none given, which only an import into an empty register may do).
    Apply(Option<Confirmation>),
}

/// What the CEC confirmed after seeing a preview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confirmation {
    /// The difference the preview showed.
    pub difference: DifferenceId,
    /// The CEC overrides the removal limit (`register_removal_limit_percent`) for this import,
    /// by name: recorded in the import's audit entry.
    pub override_removal_limit: bool,
}

/// A difference, named: a BLAKE3 digest of the register's state (its latest import) and of
/// every change (the PIN, added / changed / removed, and an added or changed person's new row),
/// 32 hex digits. Two previews of the same extract against the same register have the same id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DifferenceId(String);

impl DifferenceId {
    const LEN: usize = 32;

    pub fn parse(s: &str) -> Result<DifferenceId, VoterListError> {
        let s = s.trim();
        if s.len() == Self::LEN && s.bytes().all(|b| b.is_ascii_hexdigit()) {
            Ok(DifferenceId(s.to_ascii_lowercase()))
        } else {
            Err(VoterListError::BadDifference)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DifferenceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for DifferenceId {
    type Error = VoterListError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        DifferenceId::parse(&s)
    }
}

impl From<DifferenceId> for String {
    fn from(d: DifferenceId) -> String {
        d.0
    }
}

/// What a change does to one person, as the difference names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Added,
    Changed,
    Removed,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Changed => "changed",
            ChangeKind::Removed => "removed",
        }
    }
}

/// Builds a [`DifferenceId`] as the store walks the difference, in PIN order.
pub struct DifferenceHasher(blake3::Hasher);

impl DifferenceHasher {
    /// `base`: the latest import of the register the extract is compared with.
    pub fn new(base: Option<i64>) -> DifferenceHasher {
        let mut h = blake3::Hasher::new();
        h.update(b"shailoo register difference v1\0");
        h.update(&base.unwrap_or(0).to_le_bytes());
        DifferenceHasher(h)
    }

    /// One change; `row` is the person's new row (empty for a removal).
    pub fn change(&mut self, pin: &Pin, kind: ChangeKind, row: &[u8]) {
        self.0.update(pin.as_str().as_bytes());
        self.0.update(kind.as_str().as_bytes());
        self.0.update(&(row.len() as u64).to_le_bytes());
        self.0.update(row);
    }

    pub fn finish(self) -> DifferenceId {
        let hex = self.0.finalize().to_hex();
        DifferenceId(hex.as_str()[..DifferenceId::LEN].to_owned())
    }
}

/// What an import does to the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Difference {
    /// Persons in the register before the import.
    pub persons_before: u64,
    pub added: u64,
    pub changed: u64,
    pub removed: u64,
    pub unchanged: u64,
    /// `None` for an import into an empty register (nothing to confirm).
    pub id: Option<DifferenceId>,
}

impl Difference {
    /// VOT-11 guard: whether the import removes more than `limit_percent` of the register.
    pub fn removal_over_limit(&self, limit_percent: u8) -> bool {
        u128::from(self.removed) * 100 > u128::from(limit_percent) * u128::from(self.persons_before)
    }
}

/// What [`admit`] lets the import do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admitted {
    /// Report the difference and store nothing.
    Preview,
    /// Store it; `override_used`: the removal limit was overridden to let it through.
    Apply { override_used: bool },
}

/// Whether an import with `difference` may be stored: a preview never is; an import into an
/// empty register always is; a re-import only with the confirmation of this very difference,
/// and, when it removes more than `limit_percent` of the register, with the limit overridden
/// by name.
pub fn admit(
    difference: &Difference,
    mode: &ImportMode,
    limit_percent: u8,
) -> Result<Admitted, VoterListError> {
    let confirmation = match mode {
        ImportMode::Preview => return Ok(Admitted::Preview),
        ImportMode::Apply(confirmation) => confirmation.as_ref(),
    };
    let Some(id) = &difference.id else {
        return Ok(Admitted::Apply {
            override_used: false,
        });
    };
    let confirmation = confirmation.ok_or(VoterListError::ConfirmationRequired)?;
    if &confirmation.difference != id {
        return Err(VoterListError::DifferenceChanged);
    }
    let over = difference.removal_over_limit(limit_percent);
    if over && !confirmation.override_removal_limit {
        return Err(VoterListError::RemovalOverLimit {
            removed: difference.removed,
            persons: difference.persons_before,
            limit_percent,
        });
    }
    Ok(Admitted::Apply {
        override_used: over,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;

    fn id(n: u8) -> DifferenceId {
        DifferenceId::parse(&format!("{n:032x}")).unwrap()
    }

    fn reimport(persons_before: u64, removed: u64) -> Difference {
        Difference {
            persons_before,
            added: 0,
            changed: 0,
            removed,
            unchanged: persons_before - removed,
            id: Some(id(1)),
        }
    }

    fn confirmed(id: DifferenceId, override_removal_limit: bool) -> ImportMode {
        ImportMode::Apply(Some(Confirmation {
            difference: id,
            override_removal_limit,
        }))
    }

    #[test]
    fn vot_11_a_reimport_is_stored_only_on_the_confirmation_of_its_difference() {
        let d = reimport(1000, 10);
        assert_eq!(
            admit(&d, &ImportMode::Preview, 5).unwrap(),
            Admitted::Preview
        );
        assert!(matches!(
            admit(&d, &ImportMode::Apply(None), 5),
            Err(VoterListError::ConfirmationRequired)
        ));
        assert!(matches!(
            admit(&d, &confirmed(id(2), false), 5),
            Err(VoterListError::DifferenceChanged)
        ));
        assert_eq!(
            admit(&d, &confirmed(id(1), false), 5).unwrap(),
            Admitted::Apply {
                override_used: false
            }
        );
        // Into an empty register: nothing removed or changed, nothing to confirm.
        let first = Difference {
            persons_before: 0,
            added: 1000,
            changed: 0,
            removed: 0,
            unchanged: 0,
            id: None,
        };
        assert!(matches!(
            admit(&first, &ImportMode::Apply(None), 5),
            Ok(Admitted::Apply { .. })
        ));
    }

    #[test]
    fn vot_11_a_removal_beyond_the_limit_needs_the_limit_overridden_by_name() {
        // 5 % of 1000 is 50: 50 passes, 51 does not.
        assert!(admit(&reimport(1000, 50), &confirmed(id(1), false), 5).is_ok());
        let cut = reimport(1000, 51);
        assert!(matches!(
            admit(&cut, &confirmed(id(1), false), 5),
            Err(VoterListError::RemovalOverLimit {
                removed: 51,
                persons: 1000,
                limit_percent: 5
            })
        ));
        assert_eq!(
            admit(&cut, &confirmed(id(1), true), 5).unwrap(),
            Admitted::Apply {
                override_used: true
            }
        );
        // The review's extract: a header line only, everyone removed.
        let empty = reimport(215_079, 215_079);
        assert!(empty.removal_over_limit(5));
        assert!(admit(&empty, &confirmed(id(1), false), 5).is_err());
        // An override where none is needed is not used.
        assert_eq!(
            admit(&reimport(1000, 0), &confirmed(id(1), true), 5).unwrap(),
            Admitted::Apply {
                override_used: false
            }
        );
    }

    #[test]
    fn a_difference_id_names_the_base_and_every_change() {
        let pin = Pin::parse("20101199000123").unwrap();
        let of = |base, kind, row: &[u8]| {
            let mut h = DifferenceHasher::new(base);
            h.change(&pin, kind, row);
            h.finish()
        };
        let a = of(Some(1), ChangeKind::Changed, b"row");
        assert_eq!(a, of(Some(1), ChangeKind::Changed, b"row"));
        assert_ne!(a, of(Some(2), ChangeKind::Changed, b"row"));
        assert_ne!(a, of(Some(1), ChangeKind::Added, b"row"));
        assert_ne!(a, of(Some(1), ChangeKind::Changed, b"other"));
        assert_eq!(DifferenceId::parse(a.as_str()).unwrap(), a);
        assert_eq!(
            DifferenceId::parse(&a.as_str().to_ascii_uppercase()).unwrap(),
            a
        );
        assert!(DifferenceId::parse("xyz").is_err());
    }
}
