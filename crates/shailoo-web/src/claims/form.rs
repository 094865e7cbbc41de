//! The claim form (multipart, with the passport copy), as PEC staff file it on `/claims` and
//! the voter in the cabinet: one reading, so that both refuse the same things the same way.

use crate::kit::forms::{FileTooLarge, MultipartForm};
use crate::kit::page::Feedback;
use crate::kit::{Lang, Refusal};
use axum::http::StatusCode;
use shailoo_app::claims::{
    ClaimDraft, ClaimError, ClaimKind, ClaimRequest, DataCorrection, PassportCopy, Text,
};
use shailoo_domain::{ErrorCode, Pin, StationNumber};

/// The claim the form asks for with its passport copy, or the first thing wrong with it, to
/// show beside the form. The copy is looked at first: its refusal decides the status (413,
/// 415). `pin` and `station` are what the form says or what the caller knows (the cabinet's
/// voter, the station they are listed at); `None` when the form's value does not parse.
pub(crate) fn parse_claim(
    lang: Lang,
    form: &MultipartForm,
    pin: Option<Pin>,
    station: Option<StationNumber>,
) -> Result<(ClaimDraft, PassportCopy), Feedback> {
    let refused = |e: ClaimError| Feedback::refused(e.status(), e.message(lang));
    let unprocessable = |m: String| Feedback::refused(StatusCode::UNPROCESSABLE_ENTITY, m);
    let bytes = match form.file() {
        Some(Ok(b)) => b.to_vec(),
        Some(Err(FileTooLarge)) => return Err(refused(ClaimError::CopyTooLarge)),
        None => return Err(refused(ClaimError::CopyMissing)),
    };
    let copy = PassportCopy::parse(bytes).map_err(refused)?;
    let pin = pin.ok_or_else(|| unprocessable(lang.t("claims-error-bad-pin")))?;
    let station = station.ok_or_else(|| unprocessable(lang.error(ErrorCode::BadStationNumber)))?;
    let request = match ClaimKind::parse(form.get("kind")) {
        Some(ClaimKind::Inclusion) => ClaimRequest::Inclusion,
        Some(ClaimKind::Correction) => correction(lang, form)?,
        None => return Err(unprocessable(lang.error(ErrorCode::BadForm))),
    };
    let statement = Text::optional(form.get("statement")).map_err(refused)?;
    let draft = ClaimDraft {
        pin,
        station,
        request,
        statement,
    };
    Ok((draft, copy))
}

/// The corrected data the form asks for (blank fields are left as they are).
fn correction(lang: Lang, form: &MultipartForm) -> Result<ClaimRequest, Feedback> {
    let refused = |e: ClaimError| Feedback::refused(e.status(), e.message(lang));
    let text = |name: &str| Text::optional(form.get(name)).map_err(refused);
    let birth_date = match form.get("birth_date").trim() {
        "" => None,
        d => Some(d.parse::<jiff::civil::Date>().map_err(|_| {
            Feedback::refused(
                StatusCode::UNPROCESSABLE_ENTITY,
                lang.error(ErrorCode::BadDate),
            )
        })?),
    };
    let data = DataCorrection::new(
        text("surname")?,
        text("given_name")?,
        text("patronymic")?,
        birth_date,
        text("street")?,
        text("house")?,
    )
    .map_err(refused)?;
    Ok(ClaimRequest::Correction(data))
}
