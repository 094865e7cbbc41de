//! What the Talapker pages, the API and the open data share: a public candidate in the
//! reader's words, and the names of the parties and councils they refer to.

use crate::kit::Lang;
use crate::kit::format::name;
use shailoo_app::candidates::{CandidateFilter, PublicCandidate, PublicStatus};
use shailoo_app::{Store, StoreError};
use shailoo_domain::candidate::nomination::CandidateStatus;
use shailoo_domain::candidate::{Party, PartyId};
use shailoo_domain::params::Coded;
use shailoo_domain::territory::{Council, LocalizedName};
use shailoo_domain::{CouncilId, DistrictId};
use std::collections::HashMap;

/// The parties (all of them: 39 in 2024) and the councils named on a page, by id.
pub(crate) struct Names {
    parties: HashMap<PartyId, LocalizedName>,
    councils: HashMap<CouncilId, Council>,
}

impl Names {
    /// The names the `candidates` refer to.
    pub(crate) async fn of(
        store: &dyn Store,
        candidates: &[PublicCandidate],
    ) -> Result<Names, StoreError> {
        let parties = store
            .parties()
            .await?
            .into_iter()
            .map(|p: Party| (p.id, p.name))
            .collect();
        let mut councils = HashMap::new();
        for c in candidates {
            if !councils.contains_key(&c.council)
                && let Some(found) = store.council(&c.council).await?
            {
                councils.insert(c.council.clone(), found);
            }
        }
        Ok(Names { parties, councils })
    }

    pub(crate) fn party(&self, id: &PartyId, lang: Lang) -> String {
        self.parties
            .get(id)
            .map_or_else(|| id.to_string(), |n| name(n, lang))
    }

    pub(crate) fn council(&self, id: &CouncilId, lang: Lang) -> String {
        self.councils
            .get(id)
            .map_or_else(|| id.to_string(), |c| name(&c.name, lang))
    }
}

/// The nominator in words: the party's name, or "self-nominated".
pub(crate) fn nominator(c: &PublicCandidate, names: &Names, lang: Lang) -> String {
    match &c.party {
        Some(p) => names.party(p, lang),
        None => lang.t("talapker-self-nominated"),
    }
}

/// The status's code (`registered`, `refused`…) and, for a refusal or a cancellation, the
/// rule it names (`CAN-02_imprisoned`).
pub(crate) fn status_code(status: &CandidateStatus) -> (&'static str, Option<&'static str>) {
    let public = PublicStatus::of(status).map_or("draft", PublicStatus::as_str);
    let detail = match status {
        CandidateStatus::Refused { ground } => Some(ground.code()),
        CandidateStatus::Cancelled { reason } => Some(reason.code()),
        _ => None,
    };
    (public, detail)
}

/// The status in words, with the rule of a refusal or the reason of a cancellation.
pub(crate) fn status_text(status: &CandidateStatus, lang: Lang) -> String {
    let (code, _) = status_code(status);
    let label = lang.t(&format!("talapker-status-{code}"));
    match status {
        CandidateStatus::Refused { ground } => {
            format!(
                "{label}: {} ({})",
                lang.t(ground.message_key()),
                ground.rule()
            )
        }
        CandidateStatus::Cancelled { reason } => {
            format!(
                "{label}: {} ({})",
                lang.t(reason.message_key()),
                reason.rule()
            )
        }
        _ => label,
    }
}

/// A candidate's row on a page.
pub(crate) struct CandidateRow {
    pub href: String,
    pub name: String,
    pub birth_year: i16,
    pub occupation: String,
    pub council: String,
    pub council_id: String,
    pub district: String,
    pub nominator: String,
    pub position: String,
    pub status: &'static str,
    pub status_text: String,
}

impl CandidateRow {
    pub(crate) fn new(c: &PublicCandidate, names: &Names, lang: Lang) -> CandidateRow {
        CandidateRow {
            href: format!(
                "/talapker/{}/candidates/{}/{}",
                c.election, c.nomination, c.candidate
            ),
            name: c.name.to_string(),
            birth_year: c.birth_year,
            occupation: c
                .occupation
                .as_ref()
                .map(|o| o.as_str().to_owned())
                .unwrap_or_default(),
            council: names.council(&c.council, lang),
            council_id: c.council.to_string(),
            district: c
                .district
                .as_ref()
                .map(|d| d.to_string())
                .unwrap_or_default(),
            nominator: nominator(c, names, lang),
            position: c.position.map(|p| p.to_string()).unwrap_or_default(),
            status: status_code(&c.status).0,
            status_text: status_text(&c.status, lang),
        }
    }
}

/// The filter of a listing from its query parameters, each checked (`None`: malformed, named
/// by the caller).
pub(crate) struct Filters {
    pub council: Option<CouncilId>,
    pub district: Option<DistrictId>,
    pub party: Option<PartyId>,
    pub status: Option<PublicStatus>,
    pub name: Option<String>,
}

impl Filters {
    pub(crate) fn into_filter(self, page: shailoo_app::PageRequest) -> CandidateFilter {
        CandidateFilter {
            council: self.council,
            district: self.district,
            party: self.party,
            status: self.status,
            candidate: None,
            name: self.name,
            page,
        }
    }
}
