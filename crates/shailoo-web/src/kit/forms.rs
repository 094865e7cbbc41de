//! Reading what staff and voters send: the CSRF check of a form that is not read by
//! [`PageCtx::require_staff_csrf`](crate::kit::page::PageCtx::require_staff_csrf), the election
//! a page or form is about, text fields, and multipart forms with one file.

use crate::AppState;
use crate::kit::fail::{OrRefused, PageFail};
use crate::kit::i18n::Lang;
use crate::kit::input::{self, Multipart};
use crate::kit::session::{Staff, same_secret};
use axum::http::StatusCode;
use shailoo_domain::ErrorCode;
use shailoo_domain::StationNumber;
use shailoo_domain::territory::Election;
use std::collections::HashMap;

/// A staff POST must carry its session's CSRF token (for forms whose token arrives after the
/// session was looked up: multipart bodies).
pub(crate) fn check_csrf(lang: Lang, staff: &Staff, token: Option<&str>) -> Result<(), PageFail> {
    if same_secret(token.unwrap_or_default(), &staff.session.csrf_token) {
        Ok(())
    } else {
        Err(PageFail::new(
            lang,
            StatusCode::FORBIDDEN,
            ErrorCode::CsrfFailed,
        ))
    }
}

/// The election a staff page or form is about: the one named (`?election=`, a hidden field),
/// else the first one; 404 when the name matches none. A blank name is no name: the forms send
/// `election=` when the page had none.
pub(crate) async fn election_of(
    state: &AppState,
    lang: Lang,
    wanted: Option<&str>,
) -> Result<Election, PageFail> {
    let all = state.store.elections().await.or_page(lang)?;
    pick_election(all, wanted).ok_or_else(|| PageFail::not_found(lang))
}

fn pick_election(all: Vec<Election>, wanted: Option<&str>) -> Option<Election> {
    match non_empty(wanted) {
        Some(id) => all.into_iter().find(|e| e.id.as_str() == id),
        None => all.into_iter().next(),
    }
}

/// A text field trimmed, `None` when blank.
pub(crate) fn non_empty(s: Option<&str>) -> Option<String> {
    s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// A station number typed into a form (`None` when it is not one).
pub(crate) fn station_number(s: Option<&str>) -> Option<StationNumber> {
    s.and_then(|s| s.trim().parse::<u32>().ok())
        .and_then(|n| StationNumber::new(n).ok())
}

/// The file part of a multipart form was cut off by the route's body limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FileTooLarge;

/// A multipart form read whole: its text fields and one file, held in memory (a passport copy
/// of a few megabytes; the route's body limit bounds it). What the file is comes from its
/// bytes, never from its name or declared type.
#[derive(Debug, Default)]
pub(crate) struct MultipartForm {
    fields: HashMap<String, String>,
    file: Option<Result<Vec<u8>, FileTooLarge>>,
}

impl MultipartForm {
    /// Reads every part; the one named `file_field` is the file, every other one a text field
    /// held to the text rule ([`input::text`]). A malformed body is the "bad form" page, a
    /// refused text field the page naming it. A body over the route's limit makes the file
    /// [`FileTooLarge`].
    pub(crate) async fn read(
        lang: Lang,
        mut multipart: Multipart,
        file_field: &str,
    ) -> Result<MultipartForm, PageFail> {
        let mut form = MultipartForm::default();
        loop {
            let field = match multipart.next_field().await {
                Ok(Some(field)) => field,
                Ok(None) => break,
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    form.file = Some(Err(FileTooLarge));
                    break;
                }
                Err(_) => return Err(PageFail::bad_form(lang)),
            };
            let name = field.name().unwrap_or_default().to_owned();
            let bytes = match field.bytes().await {
                Ok(b) => b.to_vec(),
                Err(e) if name == file_field && e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    form.file = Some(Err(FileTooLarge));
                    continue;
                }
                Err(_) => return Err(PageFail::bad_form(lang)),
            };
            if name == file_field {
                form.file = Some(Ok(bytes));
            } else {
                let text = input::text(&name, bytes).map_err(|e| PageFail::bad_text(lang, &e))?;
                form.fields.insert(name, text);
            }
        }
        Ok(form)
    }

    /// A text field, empty when absent.
    pub(crate) fn get(&self, name: &str) -> &str {
        self.fields.get(name).map_or("", String::as_str)
    }

    /// A text field, `None` when absent.
    pub(crate) fn field(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(String::as_str)
    }

    /// The file: absent, cut off, or its bytes.
    pub(crate) fn file(&self) -> Option<Result<&[u8], FileTooLarge>> {
        self.file.as_ref().map(|f| f.as_deref().map_err(|e| *e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shailoo_domain::ElectionId;
    use shailoo_domain::territory::LocalizedName;

    fn election(id: &str) -> Election {
        let day = jiff::civil::date(2024, 11, 17);
        Election {
            id: ElectionId::parse(id).expect("id"),
            name: LocalizedName {
                ky: id.into(),
                ru: id.into(),
                en: id.into(),
            },
            decree_number: "1".into(),
            decree_date: day,
            called_on: day,
            voting_day: day,
            councils: Vec::new(),
        }
    }

    #[test]
    fn a_blank_election_is_no_election_and_an_unknown_one_is_none() {
        let all = || vec![election("local-2024"), election("local-2025")];
        let id = |e: Option<Election>| e.map(|e| e.id.to_string());
        assert_eq!(id(pick_election(all(), None)), Some("local-2024".into()));
        for blank in ["", "  "] {
            assert_eq!(
                id(pick_election(all(), Some(blank))),
                Some("local-2024".into()),
                "{blank:?}"
            );
        }
        assert_eq!(
            id(pick_election(all(), Some(" local-2025 "))),
            Some("local-2025".into())
        );
        assert_eq!(id(pick_election(all(), Some("local-1999"))), None);
        assert_eq!(id(pick_election(Vec::new(), None)), None);
    }

    #[test]
    fn station_numbers_and_blank_fields() {
        assert_eq!(station_number(Some(" 1001 ")).map(|s| s.get()), Some(1001));
        assert_eq!(station_number(Some("0")), None);
        assert_eq!(station_number(Some("x")), None);
        assert_eq!(station_number(None), None);
        assert_eq!(non_empty(Some("  a ")), Some("a".into()));
        assert_eq!(non_empty(Some("  ")), None);
    }
}
