//! Reading the complaint forms: a complaint (paper intake and online filing share it), a
//! decision or court act with its document, an appeal. Each field is parsed into its type or
//! refused naming what is wrong, in the reader's language.

use crate::kit::forms::{FileTooLarge, MultipartForm, non_empty, station_number};
use crate::kit::{Lang, Refusal};
use axum::http::StatusCode;
use shailoo_app::candidates::NominationId;
use shailoo_app::claims::ClaimId;
use shailoo_app::complaints::{
    About, AppealDraft, Complainant, ComplainantKind, ComplaintDraft, ComplaintError,
    DecisionDraft, Document, Outcome, Text,
};
use shailoo_domain::complaint::Subject;
use shailoo_domain::{CommissionId, ErrorCode};
use std::collections::HashMap;

/// Why a form was refused: its status and message.
pub(crate) struct Refused {
    pub status: StatusCode,
    pub message: String,
}

impl Refused {
    fn of(lang: Lang, e: &ComplaintError) -> Refused {
        Refused {
            status: e.status(),
            message: e.message(lang),
        }
    }
    fn field(lang: Lang, code: ErrorCode, field: &str) -> Refused {
        Refused {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            message: format!("{}: {field}", lang.error(code)),
        }
    }
}

/// A form's fields, whichever encoding they came in.
pub(crate) trait Fields {
    fn value(&self, name: &str) -> &str;
}

impl Fields for HashMap<String, String> {
    fn value(&self, name: &str) -> &str {
        self.get(name).map_or("", String::as_str)
    }
}

impl Fields for MultipartForm {
    fn value(&self, name: &str) -> &str {
        self.get(name)
    }
}

fn code<T>(
    lang: Lang,
    f: &impl Fields,
    name: &str,
    parse: fn(&str) -> Option<T>,
) -> Result<T, Refused> {
    parse(f.value(name).trim())
        .ok_or_else(|| Refused::field(lang, ErrorCode::ComplaintUnknownValue, name))
}

/// The complaint the form asks for. `kind` is the complainant's kind when the filer's account
/// decides it (a voter in the cabinet), else the form's.
pub(crate) fn complaint(
    lang: Lang,
    f: &impl Fields,
    kind: Option<ComplainantKind>,
) -> Result<ComplaintDraft, Refused> {
    let text = |name: &str| Text::parse(f.value(name)).map_err(|e| Refused::of(lang, &e));
    let commission = CommissionId::parse(f.value("commission").trim())
        .map_err(|_| Refused::field(lang, ErrorCode::UnknownCommission, "commission"))?;
    let subject = code(lang, f, "subject", Subject::from_code)?;
    let act_on = match f.value("act_on").trim() {
        "" => None,
        d => Some(
            d.parse::<jiff::civil::Date>()
                .map_err(|_| Refused::field(lang, ErrorCode::BadDate, "act_on"))?,
        ),
    };
    let about = About {
        station: match non_empty(Some(f.value("station"))) {
            None => None,
            Some(s) => Some(
                station_number(Some(&s))
                    .ok_or_else(|| Refused::field(lang, ErrorCode::BadStationNumber, "station"))?,
            ),
        },
        nomination: match non_empty(Some(f.value("nomination"))) {
            None => None,
            Some(n) => Some(NominationId::parse(&n).map_err(|_| {
                Refused::field(lang, ErrorCode::ComplaintUnknownNomination, "nomination")
            })?),
        },
        claim: match non_empty(Some(f.value("claim"))) {
            None => None,
            Some(n) => Some(
                ClaimId::parse(&n)
                    .map_err(|_| Refused::field(lang, ErrorCode::ComplaintUnknownClaim, "claim"))?,
            ),
        },
    };
    let kind = match kind {
        Some(k) => k,
        None => code(lang, f, "complainant_kind", ComplainantKind::from_code)?,
    };
    Ok(ComplaintDraft {
        commission,
        subject,
        act_on,
        about,
        complainant: Complainant {
            kind,
            name: text("complainant_name")?,
            contact: Text::optional(f.value("contact")).map_err(|e| Refused::of(lang, &e))?,
        },
        summary: text("summary")?,
        document: None,
    })
}

/// The optional document handed in with a complaint or an appeal, checked by its bytes
/// (413, 415): none when no file was chosen.
pub(crate) fn attachment(lang: Lang, f: &MultipartForm) -> Result<Option<Document>, Refused> {
    match f.file() {
        Some(Ok(b)) if !b.is_empty() => Document::parse(b.to_vec())
            .map(Some)
            .map_err(|e| Refused::of(lang, &e)),
        Some(Err(FileTooLarge)) => Err(Refused::of(lang, &ComplaintError::DocumentTooLarge)),
        _ => Ok(None),
    }
}

/// A complaint with its optional document, the document looked at first.
pub(crate) fn complaint_with_document(
    lang: Lang,
    f: &MultipartForm,
    kind: Option<ComplainantKind>,
) -> Result<ComplaintDraft, Refused> {
    let document = attachment(lang, f)?;
    Ok(ComplaintDraft {
        document,
        ..complaint(lang, f, kind)?
    })
}

/// A decision (or the court's act) with its document, the document looked at first: its
/// refusal decides the status (413, 415).
pub(crate) fn decision(lang: Lang, f: &MultipartForm) -> Result<DecisionDraft, Refused> {
    let refused = |e: ComplaintError| Refused::of(lang, &e);
    let document = match f.file() {
        Some(Ok(b)) if !b.is_empty() => Document::parse(b.to_vec()).map_err(refused)?,
        Some(Err(FileTooLarge)) => return Err(refused(ComplaintError::DocumentTooLarge)),
        _ => return Err(refused(ComplaintError::DocumentMissing)),
    };
    Ok(DecisionDraft {
        outcome: code(lang, f, "outcome", Outcome::from_code)?,
        reasons: Text::parse(f.get("reasons")).map_err(refused)?,
        number: Text::parse(f.get("number")).map_err(refused)?,
        document,
    })
}

/// An appeal: its grounds, and the court when the CEC's decision is appealed.
pub(crate) fn appeal(lang: Lang, f: &impl Fields) -> Result<AppealDraft, Refused> {
    let refused = |e: ComplaintError| Refused::of(lang, &e);
    Ok(AppealDraft {
        grounds: Text::parse(f.value("grounds")).map_err(refused)?,
        court: Text::optional(f.value("court")).map_err(refused)?,
        document: None,
    })
}

/// An appeal with its optional document, the document looked at first.
pub(crate) fn appeal_with_document(lang: Lang, f: &MultipartForm) -> Result<AppealDraft, Refused> {
    let document = attachment(lang, f)?;
    Ok(AppealDraft {
        document,
        ..appeal(lang, f)?
    })
}
