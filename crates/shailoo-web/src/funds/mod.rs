//! Election funds (CMP-04) on the web: the public page of an election's funds (income,
//! expenses, income by kind of donor, the two reports with late ones flagged, a chart),
//! linked from Talapker; the same as JSON under `/api/v1` and as CSV/JSON open data; and the
//! accounts page where a party's representative (or the TEC, for a self-nominee) enters
//! income and expenses, imports the bank statement (all or nothing, a malformed row named by
//! line and column, a breach of the donor rules by rule and line) and submits the reports.
//!
//! * `public.rs`: the public page and the open data; `accounts.rs`: keeping a fund;
//!   `api.rs`: the JSON API.

mod accounts;
mod api;
mod public;

pub(crate) use public::{FundPanel, panel};

use crate::features::{Access, Feature};
use crate::kit::{Lang, Refusal};
use axum::http::StatusCode;
use shailoo_app::StoreError;
use shailoo_app::authz::Power;
use shailoo_app::funds::FundError;
use shailoo_domain::ErrorCode;
use shailoo_domain::params::Coded;
use utoipa_axum::routes;

/// A bank statement of a few thousand lines, with room for the multipart framing.
const STATEMENT_BODY_LIMIT: usize = 2 * 1024 * 1024;

pub(crate) fn feature() -> Feature {
    use Access::{Public, Staff};
    Feature::new("funds")
        .get("/funds/{election}", Public, public::page)
        .get(
            "/open-data/elections/{election}/funds.csv",
            Public,
            public::csv,
        )
        .get(
            "/open-data/elections/{election}/funds.json",
            Public,
            public::json,
        )
        .get("/funds", Staff(Power::KeepFundAccounts), accounts::desk)
        .in_menu("menu-funds")
        .get(
            "/funds/{election}/{nomination}/accounts",
            Staff(Power::KeepFundAccounts),
            accounts::page,
        )
        .post(
            "/funds/{election}/{nomination}/movements",
            Staff(Power::KeepFundAccounts),
            accounts::enter,
        )
        .post_upload(
            "/funds/{election}/{nomination}/statement",
            Staff(Power::KeepFundAccounts),
            STATEMENT_BODY_LIMIT,
            accounts::import,
        )
        .post(
            "/funds/{election}/{nomination}/reports",
            Staff(Power::KeepFundAccounts),
            accounts::submit,
        )
        .api(Public, routes!(api::api_funds))
}

/// The refusals of the fund use cases, for pages and the API alike.
impl Refusal for FundError {
    fn status(&self) -> StatusCode {
        use FundError as E;
        match self {
            E::Store(e) => e.status(),
            E::Forbidden => StatusCode::FORBIDDEN,
            E::UnknownElection(_) | E::UnknownNomination(_) => StatusCode::NOT_FOUND,
            E::ReportAlreadySubmitted(_) | E::ReportTooEarly => StatusCode::CONFLICT,
            E::CalendarInvalid(_) => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }

    fn error_code(&self) -> ErrorCode {
        self.code()
    }

    fn store_error(&self) -> Option<&StoreError> {
        match self {
            FundError::Store(e) => Some(e),
            _ => None,
        }
    }

    /// A breach names each finding's rule and what it says, with the statement's lines; a
    /// statement that does not read names its line and column.
    fn message(&self, lang: Lang) -> String {
        let base = lang.error(self.code());
        match self {
            FundError::Breach(breaches) => {
                let each: Vec<String> = breaches
                    .iter()
                    .map(|b| {
                        let lines = if b.statement_lines.is_empty() {
                            String::new()
                        } else {
                            let l: Vec<String> =
                                b.statement_lines.iter().map(u64::to_string).collect();
                            format!(" ({} {})", lang.t("fund-lines"), l.join(", "))
                        };
                        format!(
                            "{}: {}{lines}",
                            b.finding.code.rule(),
                            lang.t(b.finding.code.message_key())
                        )
                    })
                    .collect();
                format!("{base} {}", each.join("; "))
            }
            FundError::BadStatement(detail) => format!("{base} {detail}"),
            other => match other.rule() {
                Some(rule) => format!("{base} ({rule})"),
                None => base,
            },
        }
    }
}
