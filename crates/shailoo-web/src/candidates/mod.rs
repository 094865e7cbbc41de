//! Candidates and parties in the open: "Talapker", the public candidate portal (per council,
//! district, party and candidate, searchable by name, in ky/ru/en), the ballots of each
//! council once registration closes (RES-02), the same as JSON under `/api/v1` and as CSV/JSON
//! open data.
//!
//! Only what `shailoo_app::candidates` publishes is shown: [`PublicCandidate`] (name, year of
//! birth, occupation, nominator, list position, status) and a filed nomination's history. No
//! PIN, address or personal document of a candidate ever reaches these pages.
//!
//! The TEC's queue of filed nominations with each check's result and evidence, and its
//! decision (register, or refuse naming the CAN-09 ground), is `queue.rs`.
//!
//! * `talapker.rs`: the pages; `api.rs`: the JSON API; `open_data.rs`: the CSV/JSON files;
//!   `views.rs`: what pages, API and files share.
//! * Filing: `party.rs`, a party representative's nominations and opening one; `self_nominee.rs`,
//!   a voter's own candidacy from the cabinet; `filing.rs`, the editor both use (add by PIN,
//!   remove, reorder, details, documents, submit, replace, withdraw).
//! * `tec.rs`: the TEC's re-run of checks that could not check, cancelling a registration,
//!   and the order of a city ballot.
//!
//! [`PublicCandidate`]: shailoo_app::candidates::PublicCandidate

mod api;
mod filing;
mod open_data;
mod party;
mod queue;
mod self_nominee;
mod talapker;
mod tec;
mod views;

use crate::features::{Access, Feature};
use crate::kit::calendar::closed_message;
use crate::kit::{Lang, Refusal};
use axum::http::{HeaderValue, StatusCode, header};
use shailoo_app::StoreError;
use shailoo_app::authz::Power;
use shailoo_app::candidates::CandidacyError;
use shailoo_domain::ErrorCode;
use shailoo_domain::candidate::transitions::TransitionError;
use shailoo_domain::params::Coded;
use tower_http::set_header::SetResponseHeaderLayer;
use utoipa_axum::routes;

pub(crate) fn feature() -> Feature {
    use Access::{Public, Staff};
    let queue = Feature::new("candidates")
        .get(
            "/candidacies/queue",
            Staff(Power::DecideNomination),
            queue::page,
        )
        .in_menu("menu-candidacies-queue")
        .post(
            "/candidacies/{election}/{id}/decision",
            Staff(Power::DecideNomination),
            queue::decide,
        );
    cabinet_routes(tec_routes(filing_routes(queue)))
        .get("/talapker", Public, talapker::home)
        .get("/talapker/{election}", Public, talapker::candidates)
        .get(
            "/talapker/{election}/candidates/{nomination}/{candidate}",
            Public,
            talapker::candidate,
        )
        .get(
            "/talapker/{election}/documents/{nomination}/{digest}",
            Public,
            talapker::document,
        )
        .get(
            "/talapker/{election}/ballots/{council}",
            Public,
            talapker::ballots,
        )
        .get(
            "/talapker/{election}/ballots/{council}/proof.pdf",
            Public,
            talapker::proof,
        )
        .get(
            "/open-data/elections/{election}/candidates.csv",
            Public,
            open_data::csv,
        )
        .get(
            "/open-data/elections/{election}/candidates.json",
            Public,
            open_data::json,
        )
        .api(Public, routes!(api::api_candidates))
        .api(Public, routes!(api::api_ballots))
}

/// A party representative's nominations and their editor (party.rs, filing.rs).
fn filing_routes(f: Feature) -> Feature {
    use Access::Staff;
    f.get("/candidacies", Staff(Power::FileNomination), party::page)
        .in_menu("menu-candidacies")
        .post(
            "/candidacies/open",
            Staff(Power::FileNomination),
            party::open,
        )
        .get(
            "/candidacies/{election}/{id}",
            Staff(Power::ViewNominations),
            party::nomination,
        )
        .post(
            "/candidacies/{election}/{id}/edit",
            Staff(Power::FileNomination),
            party::edit,
        )
        .post_upload(
            "/candidacies/{election}/{id}/documents",
            Staff(Power::FileNomination),
            filing::DOCUMENT_BODY_LIMIT,
            party::upload,
        )
        .post(
            "/candidacies/{election}/{id}/withdraw",
            Staff(Power::WithdrawNomination),
            party::withdraw,
        )
}

/// The TEC's steps besides deciding (tec.rs).
fn tec_routes(f: Feature) -> Feature {
    use Access::Staff;
    f.post(
        "/candidacies/{election}/{id}/checks",
        Staff(Power::RecheckNomination),
        tec::recheck,
    )
    .get(
        "/candidacies/registrations",
        Staff(Power::CancelRegistration),
        tec::registrations,
    )
    .in_menu("menu-candidacies-registrations")
    .post(
        "/candidacies/{election}/{id}/cancel",
        Staff(Power::CancelRegistration),
        tec::cancel,
    )
    .get(
        "/candidacies/ballot-order",
        Staff(Power::SetBallotOrder),
        tec::ballot_order,
    )
    .in_menu("menu-candidacies-ballot-order")
    .post(
        "/candidacies/{election}/ballots/{council}/order",
        Staff(Power::SetBallotOrder),
        tec::set_ballot_order,
    )
}

/// A self-nominee in the voter cabinet (self_nominee.rs). No answer of these or of the staff
/// pages declared before them is cached: they hold personal data.
fn cabinet_routes(f: Feature) -> Feature {
    use Access::Voter;
    f.get("/cabinet/candidacy", Voter, self_nominee::page)
        .post("/cabinet/candidacy", Voter, self_nominee::open)
        .post(
            "/cabinet/candidacy/{election}/{id}/edit",
            Voter,
            self_nominee::edit,
        )
        .post(
            "/cabinet/candidacy/{election}/{id}/withdraw",
            Voter,
            self_nominee::withdraw,
        )
        .post_upload(
            "/cabinet/candidacy/{election}/{id}/documents",
            Voter,
            filing::DOCUMENT_BODY_LIMIT,
            self_nominee::upload,
        )
        .layer_pages(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
}

/// The refusals of the candidacy use cases, for pages and the API alike.
impl Refusal for CandidacyError {
    fn status(&self) -> StatusCode {
        use CandidacyError as E;
        match self {
            E::Store(e) => e.status(),
            E::Forbidden => StatusCode::FORBIDDEN,
            E::UnknownElection(_)
            | E::UnknownNomination(_)
            | E::UnknownParty(_)
            | E::UnknownCouncil(_) => StatusCode::NOT_FOUND,
            E::Registry(_) => StatusCode::SERVICE_UNAVAILABLE,
            E::Transition(TransitionError::Calendar(_) | TransitionError::TimeLimit { .. })
            | E::ListAlreadyOpen(_)
            | E::ChecksPending
            | E::ChangedWhileChecked
            | E::Ballot(_) => StatusCode::CONFLICT,
            E::DocumentTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            E::CalendarInvalid(_) | E::Password(_) | E::CheckInput(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }

    fn error_code(&self) -> ErrorCode {
        self.code()
    }

    fn store_error(&self) -> Option<&StoreError> {
        match self {
            CandidacyError::Store(e) => Some(e),
            _ => None,
        }
    }

    /// A closed window names its deadline (CAL-07…CAL-10); a refusal on a rule names the rule
    /// and says it in words.
    fn message(&self, lang: Lang) -> String {
        match self {
            CandidacyError::Transition(TransitionError::Calendar(c)) => closed_message(lang, c),
            other => {
                let base = lang.error(other.code());
                match other.ground() {
                    Some((_, ground)) => {
                        format!("{base} {}: {}", ground.rule(), lang.t(ground.message_key()))
                    }
                    None => match other.rule() {
                        Some(rule) => format!("{base} ({rule})"),
                        None => base,
                    },
                }
            }
        }
    }
}
