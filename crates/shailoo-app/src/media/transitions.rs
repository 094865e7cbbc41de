//! Media accreditation as pure functions over facts (CMP-01…CMP-03): the store reads the
//! facts in its write transaction, calls [`file()`] or [`decide`], and writes what they return.
//!
//! ```mermaid
//! stateDiagram-v2
//!     [*] --> Applied: file (until CAL-03, with election prices)
//!     Applied --> Accredited: accredit (no CMP-02 breach; never by who entered it)
//!     Applied --> Refused: refuse with a reason
//!     Accredited --> Revoked: revoke with a reason
//!     Refused --> [*]
//!     Revoked --> [*]
//! ```

use super::model::{MediaDecision, MediaError, MediaStatus, Outlet, OutletDraft, OutletId};
use crate::users::Filer;
use jiff::Timestamp;
use jiff::civil::Date;
use shailoo_domain::ElectionId;
use shailoo_domain::media::{PriceFinding, check_prices};
use shailoo_domain::params::RuleParameters;

/// What the CMP-02 check needs: the day the election was called and the parameters in force.
#[derive(Debug, Clone)]
pub struct PriceRules {
    pub called_on: Date,
    pub params: RuleParameters,
}

impl PriceRules {
    /// The CMP-02 findings on an outlet's price list.
    pub fn findings(&self, outlet: &Outlet) -> Vec<PriceFinding> {
        check_prices(&outlet.prices, self.called_on, &self.params)
    }
}

/// Files an application: it states election prices (CMP-01). Breaches of CMP-02 do not stop
/// the filing (the CEC sees them and refuses); they stop the accreditation.
pub fn file(
    election: &ElectionId,
    draft: &OutletDraft,
    next_id: OutletId,
    by: &Filer,
    at: Timestamp,
) -> Result<Outlet, MediaError> {
    if draft.prices.election.is_empty() {
        return Err(MediaError::NoPrices);
    }
    Ok(Outlet {
        id: next_id,
        election: election.clone(),
        name: draft.name.clone(),
        kind: draft.kind,
        contact: draft.contact.clone(),
        prices: draft.prices.clone(),
        status: MediaStatus::Applied,
        reason: None,
        filed_by: by.clone(),
        filed_at: at,
        decided_by: None,
        decided_at: None,
    })
}

/// Decides on an outlet: accredits an application whose price list breaches nothing, refuses
/// one, or revokes an accreditation; never by who entered the application.
pub fn decide(
    mut outlet: Outlet,
    decision: &MediaDecision,
    rules: &PriceRules,
    by: &Filer,
    at: Timestamp,
) -> Result<Outlet, MediaError> {
    if outlet.filed_by == *by {
        return Err(MediaError::OwnApplication);
    }
    let (status, reason) = match decision {
        MediaDecision::Accredit | MediaDecision::Refuse { .. }
            if outlet.status != MediaStatus::Applied =>
        {
            return Err(MediaError::AlreadyDecided);
        }
        MediaDecision::Revoke { .. } if outlet.status != MediaStatus::Accredited => {
            return Err(MediaError::NotAccredited);
        }
        MediaDecision::Accredit => {
            let breaches: Vec<PriceFinding> = rules
                .findings(&outlet)
                .into_iter()
                .filter(PriceFinding::is_breach)
                .collect();
            if !breaches.is_empty() {
                return Err(MediaError::PriceBreaches(breaches));
            }
            (MediaStatus::Accredited, None)
        }
        MediaDecision::Refuse { reason } => (MediaStatus::Refused, Some(reason.clone())),
        MediaDecision::Revoke { reason } => (MediaStatus::Revoked, Some(reason.clone())),
    };
    outlet.status = status;
    outlet.reason = reason;
    outlet.decided_by = Some(by.clone());
    outlet.decided_at = Some(at);
    Ok(outlet)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;
    use crate::media::model::Text;
    use crate::users::Username;
    use jiff::civil::date;
    use shailoo_domain::ErrorCode;
    use shailoo_domain::media::{Buyer, EarlierPrice, ElectionPrice, MediaKind, Money, PriceList};

    fn prices(election_som: u64) -> PriceList {
        PriceList {
            election: vec![ElectionPrice {
                line: 2,
                service: "airtime_prime".into(),
                unit: "minute".into(),
                buyer: Buyer::All,
                price: Money::from_tyiyn(election_som * 100),
            }],
            earlier: vec![EarlierPrice {
                line: 3,
                service: "airtime_prime".into(),
                unit: "minute".into(),
                price: Money::from_tyiyn(150_000),
                charged_on: date(2024, 6, 1),
            }],
        }
    }

    fn account(s: &str) -> Filer {
        Filer::Account(Username::parse(s).unwrap())
    }

    fn outlet(som: u64) -> Outlet {
        let draft = OutletDraft {
            name: Text::parse("ЭлТР").unwrap(),
            kind: MediaKind::Tv,
            contact: None,
            prices: prices(som),
        };
        file(
            &ElectionId::parse("local-2024").unwrap(),
            &draft,
            OutletId::new(1).unwrap(),
            &account("cec.clerk"),
            Timestamp::UNIX_EPOCH,
        )
        .unwrap()
    }

    fn rules() -> PriceRules {
        PriceRules {
            called_on: date(2024, 9, 6),
            params: RuleParameters::default(),
        }
    }

    #[test]
    fn cmp_01_an_application_states_election_prices() {
        let draft = OutletDraft {
            name: Text::parse("ЭлТР").unwrap(),
            kind: MediaKind::Tv,
            contact: None,
            prices: PriceList::default(),
        };
        let err = file(
            &ElectionId::parse("local-2024").unwrap(),
            &draft,
            OutletId::new(1).unwrap(),
            &account("cec.clerk"),
            Timestamp::UNIX_EPOCH,
        )
        .unwrap_err();
        assert_eq!(
            (err.code(), err.rule()),
            (ErrorCode::MediaNoPrices, Some("CMP-01"))
        );
    }

    #[test]
    fn cmp_02_an_outlet_with_a_price_breach_is_not_accredited() {
        let err = decide(
            outlet(2000),
            &MediaDecision::Accredit,
            &rules(),
            &account("cec.chair"),
            Timestamp::UNIX_EPOCH,
        )
        .unwrap_err();
        let MediaError::PriceBreaches(found) = &err else {
            panic!("{err:?}")
        };
        assert_eq!(found[0].lines, [2, 3]);
        // Refusing it, with the reason, is the CEC's way.
        let refused = decide(
            outlet(2000),
            &MediaDecision::Refuse {
                reason: Text::parse("CMP-02: price above the earlier one").unwrap(),
            },
            &rules(),
            &account("cec.chair"),
            Timestamp::UNIX_EPOCH,
        )
        .unwrap();
        assert_eq!(refused.status, MediaStatus::Refused);
        assert!(!refused.may_carry_campaign());
    }

    #[test]
    fn cmp_03_accredited_carries_campaign_material_until_revoked() {
        let chair = account("cec.chair");
        let at = Timestamp::UNIX_EPOCH;
        assert!(matches!(
            decide(
                outlet(1500),
                &MediaDecision::Accredit,
                &rules(),
                &account("cec.clerk"),
                at
            ),
            Err(MediaError::OwnApplication)
        ));
        let o = decide(outlet(1500), &MediaDecision::Accredit, &rules(), &chair, at).unwrap();
        assert!(o.may_carry_campaign());
        assert!(matches!(
            decide(o.clone(), &MediaDecision::Accredit, &rules(), &chair, at),
            Err(MediaError::AlreadyDecided)
        ));
        let revoke = MediaDecision::Revoke {
            reason: Text::parse("Campaign material without the payer's name").unwrap(),
        };
        let o = decide(o, &revoke, &rules(), &chair, at).unwrap();
        assert_eq!(o.status, MediaStatus::Revoked);
        assert!(!o.may_carry_campaign());
        assert!(matches!(
            decide(o, &revoke, &rules(), &chair, at),
            Err(MediaError::NotAccredited)
        ));
    }
}
