//! SMS 119 (VOT-09): a voter texts their PIN to the short number 119 and gets back the number
//! and address of their polling station, free of charge.
//!
//! # The gateway side
//!
//! Two HTTP endpoints, for two kinds of gateway:
//!
//! * `GET /sms/119?sender=…&text=…`, in the style of the Kannel SMS gateway's `sms-service`:
//!   the reply is the response body (`text/plain; charset=utf-8`, always 200: smsbox sends a
//!   body only with 200 or 202), with `X-Kannel-Coding: 2` so that it goes out as UCS-2.
//!   The whole Kannel configuration is `docs/kannel.conf`; what matters here:
//!
//!   ```text
//!   group = smsbox
//!   mo-recode = true                # UCS-2 messages (Cyrillic "РУ") reach us as UTF-8
//!   ...
//!   group = sms-service
//!   keyword = default
//!   get-url = "http://HOST/sms/119?sender=%p&text=%a&token=SECRET"
//!   accept-x-kannel-headers = true  # or smsbox ignores X-Kannel-Coding: GSM 7-bit, "?????"
//!   concatenation = true            # up to 134 characters as two segments of 67
//!   max-messages = 2
//!   omit-empty = true
//!   ```
//!
//!   smsbox sends a reply in GSM 7-bit unless told otherwise, and GSM 7-bit has no Cyrillic:
//!   without the header (or with `accept-x-kannel-headers = false`, which makes smsbox ignore
//!   it) every Kyrgyz and Russian letter reaches the phone as "?". The test
//!   `tests/web/kannel.rs` runs that file through a real bearerbox, smsbox and fake SMSC.
//!
//! * `POST /api/v1/sms/119` with `{"from": "+996…", "text": "…"}`, answering
//!   `{"reply": "…", "outcome": "found", "language": "ky"}`, for gateways that speak JSON
//!   webhooks. It is in the OpenAPI document.
//!
//! When [`crate::LookupConfig::sms_gateway_token`] is set, both endpoints require it
//! (`token=` in the query, or `Authorization: Bearer …`): the sender number is only worth
//! limiting if it comes from the operator's gateway and not from whoever calls the URL. Set
//! it for a gateway: without it every message counts against the gateway's own address too,
//! like a look-up from the portal.
//!
//! # The message
//!
//! The text is the PIN, 14 digits, spaces tolerated; a leading `PIN`/`ПИН`/`ИНН` is ignored.
//! A leading keyword picks the language of the reply: `RU`/`РУ` Russian, `KY`/`КЫ`/`KG`/`КГ`
//! Kyrgyz; without one the reply is in Kyrgyz, the state language — or in Russian for a sender
//! who chose Russian before. That choice is remembered in memory ([`SmsLanguages`]): per
//! process, lost on restart, bounded in size; `KY` forgets it.
//!
//! # The reply
//!
//! The station number and address of where the voter votes (the remote-voting station after an
//! approved application), the address naming its settlement
//! ([`shailoo_domain::address::StationAddress`]). Every reply fits a two-part concatenated
//! UCS-2 SMS, 2 × 67 = [`SMS_MAX_CHARS`] characters: a long address is shortened by the rule of
//! [`AddressForm`] (unit words abbreviated, then without the aiyl aimak, then without the
//! raion), the settlement and the station number never. A malformed PIN gets a short help, an
//! unknown one "not on any list" with the claims deadline (CAL-11), a sender over the limit a
//! polite request to wait, a database outage "write again later".

use crate::AppState;
use crate::kit::client::ClientIp;
use crate::kit::format::fmt_time;
use crate::kit::i18n::Lang;
use crate::kit::input::{InputRejection, Json, Query};
use crate::kit::rate_limit::{Decision, set_retry_after};
use crate::kit::session::same_secret;
use crate::kit::{ApiError, ApiLang, ErrorBody};
use crate::lookup::{claims_deadline, tag};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use shailoo_app::lookup::{LookupOutcome, VoterStation, VotingHours};
use shailoo_domain::ErrorCode;
use shailoo_domain::Pin;
use shailoo_domain::address::{AddressForm, StationAddress};
use shailoo_domain::district::DistrictId;
use shailoo_domain::identity::PhoneNumber;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use utoipa::ToSchema;

/// The most a reply may hold: two UCS-2 segments of a concatenated SMS, 67 characters each
/// (UTF-16 code units; every Kyrgyz and Russian letter is one).
pub const SMS_MAX_CHARS: usize = 134;

/// Length of a text as an SMS counts it in UCS-2.
pub fn sms_len(s: &str) -> usize {
    s.encode_utf16().count()
}

/// Which senders asked for Russian. Only explicit choices are stored (Kyrgyz is the default),
/// at most `capacity` of them; when full, an arbitrary entry makes room.
pub struct SmsLanguages {
    map: Mutex<HashMap<String, Lang>>,
    capacity: usize,
}

impl SmsLanguages {
    pub fn new(capacity: usize) -> Self {
        SmsLanguages {
            map: Mutex::new(HashMap::new()),
            capacity: capacity.max(1),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Lang>> {
        match self.map.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    pub fn get(&self, sender: &str) -> Option<Lang> {
        self.lock().get(sender).copied()
    }

    pub fn set(&self, sender: &str, lang: Lang) {
        let mut map = self.lock();
        if lang == Lang::Ky {
            map.remove(sender);
            return;
        }
        if map.len() >= self.capacity
            && !map.contains_key(sender)
            && let Some(k) = map.keys().next().cloned()
        {
            map.remove(&k);
        }
        map.insert(sender.to_owned(), lang);
    }

    /// Senders remembered.
    #[cfg(test)]
    pub fn remembered(&self) -> usize {
        self.lock().len()
    }
}

/// The sender as a key: digits only, a national `0XXXXXXXXX` as `996XXXXXXXXX`.
pub fn normalize_sender(sender: &str) -> String {
    let digits: String = sender.chars().filter(char::is_ascii_digit).collect();
    match digits.strip_prefix('0') {
        Some(rest) if digits.len() == 10 => format!("996{rest}"),
        _ => digits,
    }
}

/// Splits off leading words: a language keyword, and `PIN`-like words, which are ignored.
/// Returns the chosen language, if any, and the rest (the PIN, presumably).
pub fn parse_message(text: &str) -> (Option<Lang>, &str) {
    let mut rest = text.trim();
    let mut lang = None;
    // At most two leading words ("РУ ПИН 2…"), so that garbage is not silently eaten.
    for _ in 0..2 {
        let word_end = rest
            .char_indices()
            .find(|(_, c)| !c.is_alphabetic())
            .map_or(rest.len(), |(i, _)| i);
        if word_end == 0 {
            break;
        }
        let word = rest[..word_end].to_uppercase();
        match word.as_str() {
            "RU" | "РУ" | "RUS" | "РУС" => lang = Some(Lang::Ru),
            "KY" | "КЫ" | "KG" | "КГ" | "KYR" | "КЫР" => lang = Some(Lang::Ky),
            "PIN" | "ПИН" | "ИНН" | "INN" => {}
            _ => break,
        }
        rest = rest[word_end..]
            .trim_start_matches(|c: char| c.is_whitespace() || c == ':' || c == '.' || c == ',');
    }
    (lang, rest)
}

/// The last resort for an address that no [`AddressForm`] fits: `message(address)` with the
/// address's last words left out for "…", whole words only (only a single word longer than
/// the whole room could be cut). The rest of the message (with the station number) is kept.
pub fn fit_address(message: impl Fn(&str) -> String, address: &str) -> String {
    let full = message(address);
    if sms_len(&full) <= SMS_MAX_CHARS {
        return full;
    }
    let fixed = sms_len(&message(""));
    let budget = SMS_MAX_CHARS.saturating_sub(fixed + 1); // one for the ellipsis
    let words_end = address
        .char_indices()
        .rev()
        .find(|&(i, c)| (c == ' ' || c == ',') && sms_len(&address[..i]) <= budget)
        .map(|(i, _)| i);
    let cut = match words_end {
        Some(i) => address[..i].trim_end_matches([' ', ',']),
        None => {
            let mut end = 0;
            for (i, c) in address.char_indices() {
                if sms_len(&address[..i]) + c.len_utf16() > budget {
                    break;
                }
                end = i + c.len_utf8();
            }
            &address[..end]
        }
    };
    message(&format!("{cut}…"))
}

/// The reply naming the station where the voter votes: its number and address in `lang`.
/// The address is the longest of its [`AddressForm`]s with which the whole fits
/// [`SMS_MAX_CHARS`] (unit words abbreviated, then without the aiyl aimak, then without the
/// raion; the settlement always stays); [`fit_address`] only if none does.
pub fn station_reply(lang: Lang, number: u32, address: &StationAddress, remote: bool) -> String {
    let key = if remote {
        "sms-found-remote"
    } else {
        "sms-found"
    };
    let number = number.to_string();
    let message = |address: &str| {
        lang.t_args(
            key,
            &[("number", number.clone()), ("address", address.to_owned())],
        )
    };
    let mut shortest = String::new();
    for form in AddressForm::ALL {
        shortest = address.render(lang.code(), form);
        let text = message(&shortest);
        if sms_len(&text) <= SMS_MAX_CHARS {
            return text;
        }
    }
    fit_address(message, &shortest)
}

/// What a reply adds after the station where it fits: the voting hours (CAL-16), the aiyl
/// voter's district, the PEC's phone.
#[derive(Debug, Clone, Default)]
pub struct Extras {
    pub hours: Option<VotingHours>,
    pub district: Option<DistrictId>,
    pub pec_phone: Option<PhoneNumber>,
}

impl Extras {
    /// What the look-up answer `v` has to add.
    pub fn of(v: &VoterStation) -> Extras {
        Extras {
            hours: v.hours,
            district: v.district.as_deref().map(|d| d.id.clone()),
            pec_phone: v.votes_at().commission_phone,
        }
    }
}

/// The reply naming the station and, each only where the whole still fits [`SMS_MAX_CHARS`],
/// the voting hours, the district and the PEC's phone. The hours are worth abbreviating the
/// unit words for ([`AddressForm::Abbreviated`]), never leaving a unit out: when they do not
/// fit beside the abbreviated address, the reply is [`station_reply`] alone. The premises'
/// accessibility is left to the page and the API: no wording of it fits beside an address.
pub fn station_reply_with(
    lang: Lang,
    number: u32,
    address: &StationAddress,
    remote: bool,
    extras: &Extras,
) -> String {
    let key = if remote {
        "sms-found-remote"
    } else {
        "sms-found"
    };
    let message = |address: &str| {
        lang.t_args(
            key,
            &[
                ("number", number.to_string()),
                ("address", address.to_owned()),
            ],
        )
    };
    let fits = |s: &str| sms_len(s) <= SMS_MAX_CHARS;
    let hours = extras.hours.map(|h| {
        lang.t_args(
            "sms-hours",
            &[
                ("day", h.day.strftime("%d.%m").to_string()),
                ("opens", fmt_time(h.opens)),
                ("closes", fmt_time(h.closes)),
            ],
        )
    });
    let mut text = hours
        .as_ref()
        .and_then(|hours| {
            [AddressForm::Full, AddressForm::Abbreviated]
                .iter()
                .map(|form| format!("{}. {hours}", message(&address.render(lang.code(), *form))))
                .find(|with| fits(with))
        })
        .unwrap_or_else(|| station_reply(lang, number, address, remote));
    let district = extras
        .district
        .as_ref()
        .map(|d| lang.t_args("sms-district", &[("district", d.to_string())]));
    let phone = extras
        .pec_phone
        .map(|p| lang.t_args("sms-pec-phone", &[("phone", p.e164())]));
    for extra in [district, phone].into_iter().flatten() {
        let with = format!("{text}. {extra}");
        if fits(&with) {
            text = with;
        }
    }
    text
}

/// The reply to a voter on a list: where they vote, with what else fits.
fn voter_reply(lang: Lang, v: &VoterStation) -> String {
    let at = v.votes_at();
    let remote = v.remote_voting_station.is_some();
    station_reply_with(lang, at.number.get(), &at.address, remote, &Extras::of(v))
}

/// Why a reply was sent, for the gateway's statistics and for tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Found,
    NotFound,
    Malformed,
    Help,
    RateLimited,
    Unavailable,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Found => "found",
            Outcome::NotFound => "not_found",
            Outcome::Malformed => "malformed",
            Outcome::Help => "help",
            Outcome::RateLimited => "rate_limited",
            Outcome::Unavailable => "unavailable",
        }
    }
}

/// A reply to one SMS.
pub struct Reply {
    pub text: String,
    pub outcome: Outcome,
    pub lang: Lang,
}

fn reply(lang: Lang, outcome: Outcome, text: String) -> Reply {
    // The catalogue's messages are tested to fit; this is the last guard, never hit in tests.
    let text = if sms_len(&text) > SMS_MAX_CHARS {
        let mut s: String = text.chars().take(SMS_MAX_CHARS - 1).collect();
        s.push('…');
        s
    } else {
        text
    };
    Reply {
        text,
        outcome,
        lang,
    }
}

/// Answers one SMS from `sender` (already authenticated as coming through the gateway).
pub async fn answer(state: &AppState, sender: &str, text: &str) -> Reply {
    let service = &state.lookup;
    let (keyword, rest) = parse_message(text);
    if let Some(l) = keyword {
        service.sms_languages.set(sender, l);
    }
    let lang = keyword
        .or_else(|| service.sms_languages.get(sender))
        .unwrap_or(Lang::Ky);
    if let Decision::Limited { .. } = service.senders.check(&sender.to_owned()) {
        metrics::counter!("shailoo_lookup_rate_limited_total", "by" => "sender").increment(1);
        tracing::debug!(sender = %tag(sender), "SMS sender over the limit");
        return reply(lang, Outcome::RateLimited, lang.t("sms-rate-limited"));
    }
    if rest.is_empty() {
        return reply(lang, Outcome::Help, lang.t("sms-help"));
    }
    let pin = match Pin::parse(rest) {
        Ok(pin) => pin,
        Err(_) => return reply(lang, Outcome::Malformed, lang.t("sms-malformed")),
    };
    match service.find(None, &pin).await {
        Ok(LookupOutcome::Found { station, .. }) => {
            reply(lang, Outcome::Found, voter_reply(lang, &station))
        }
        Ok(LookupOutcome::NotOnList { election }) => {
            let text = match claims_deadline(state, &election).await {
                Some(date) => lang.t_args("sms-not-found", &[("date", date)]),
                None => lang.t("sms-not-found-undated"),
            };
            reply(lang, Outcome::NotFound, text)
        }
        Ok(LookupOutcome::UnknownElection | LookupOutcome::NoElection) => {
            reply(lang, Outcome::NotFound, lang.t("sms-not-found-undated"))
        }
        Err(e) => {
            crate::kit::fail::log(&e);
            reply(lang, Outcome::Unavailable, lang.t("sms-unavailable"))
        }
    }
}

/// Whether the request carries the gateway's token (or none is configured).
fn authorized(state: &AppState, query_token: Option<&str>, headers: &HeaderMap) -> bool {
    let Some(expected) = state.lookup.config.sms_gateway_token.as_deref() else {
        return true;
    };
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    query_token
        .or(bearer)
        .is_some_and(|t| same_secret(t.trim(), expected))
}

/// Without a gateway token anyone can call the endpoints: then the caller's address is
/// limited too, so SMS 119 is no way around the portal's limit.
fn address_limit(state: &AppState, ip: Option<IpAddr>) -> Option<std::time::Duration> {
    if state.lookup.config.sms_gateway_token.is_some() {
        return None;
    }
    state.lookup.ip.check_ip(ip).retry_after()
}

/// A reply as Kannel's smsbox takes it: the body is the message, in the `Content-Type`'s
/// charset. `X-Kannel-Coding: 2` makes smsbox send it as UCS-2: left at its default (GSM
/// 7-bit, which has no Cyrillic), smsbox would turn every Kyrgyz and Russian letter into "?".
/// smsbox honours the header only with `accept-x-kannel-headers = true` (module docs).
fn plain(status: StatusCode, body: String) -> Response {
    let mut r = (status, body).into_response();
    let headers = r.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    headers.insert(KANNEL_CODING, HeaderValue::from_static(KANNEL_UCS2));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// The reply header that sets the data coding of Kannel's answer to the phone.
pub const KANNEL_CODING: &str = "x-kannel-coding";
/// Kannel's coding value for UCS-2 (0 is GSM 7-bit, 1 is 8-bit data).
pub const KANNEL_UCS2: &str = "2";

/// `GET /sms/119?sender=…&text=…[&token=…]`: Kannel `sms-service` style, the reply is the body.
pub(crate) async fn kannel(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    q: Result<Query<HashMap<String, String>>, InputRejection>,
) -> Response {
    // Kannel shows the phone whatever body comes back: plain text, never the error page.
    let q = match q {
        Ok(Query(q)) => q,
        Err(refused) => return plain(refused.status(), Lang::Ky.error(refused.code())),
    };
    if !authorized(&state, q.get("token").map(String::as_str), &headers) {
        return plain(StatusCode::FORBIDDEN, Lang::Ky.error(ErrorCode::Forbidden));
    }
    let sender = normalize_sender(
        q.get("sender")
            .or_else(|| q.get("from"))
            .map(String::as_str)
            .unwrap_or_default(),
    );
    let text = q.get("text").map(String::as_str).unwrap_or_default();
    if let Some(after) = address_limit(&state, ip) {
        let (lang, _) = parse_message(text);
        let mut r = plain(
            StatusCode::TOO_MANY_REQUESTS,
            lang.unwrap_or(Lang::Ky).t("sms-rate-limited"),
        );
        set_retry_after(&mut r, after);
        return r;
    }
    if sender.is_empty() {
        return plain(StatusCode::BAD_REQUEST, Lang::Ky.error(ErrorCode::Required));
    }
    // Always 200: smsbox delivers a body only with 200 or 202, and sends its own English
    // "could not fetch" otherwise. An outage says "write again later" in the voter's language.
    let answer = answer(&state, &sender, text).await;
    plain(StatusCode::OK, answer.text)
}

/// An incoming SMS, as a JSON webhook delivers it.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SmsIn {
    /// The sender's number, e.g. `+996555123456`.
    #[schema(example = "+996555123456")]
    pub from: String,
    /// The message: the PIN, optionally after a language keyword (`RU`, `РУ`, `KY`, `КЫ`).
    #[schema(example = "РУ 20101199000123")]
    pub text: String,
}

/// The reply to send back to the sender.
#[derive(Debug, Serialize, ToSchema)]
pub struct SmsOut {
    /// At most 134 characters: two UCS-2 SMS segments.
    pub reply: String,
    /// `found`, `not_found`, `malformed`, `help`, `rate_limited` or `unavailable`.
    #[schema(example = "found")]
    pub outcome: String,
    /// `ky` or `ru`.
    #[schema(example = "ky")]
    pub language: String,
}

/// SMS 119 as a JSON webhook: the gateway posts an incoming message and sends `reply` back.
///
/// Limited per sender (the reply then asks politely to wait, `outcome` `rate_limited`). When
/// the server has a gateway token, it is required as `Authorization: Bearer …`.
#[utoipa::path(post, path = "/api/v1/sms/119", tag = "voters",
    request_body = SmsIn,
    responses(
        (status = 200, description = "The reply to send", body = SmsOut),
        (status = 400, description = "Malformed body or no sender (`field` names it)", body = ErrorBody),
        (status = 415, description = "The body is not `application/json` (`not_json`)", body = ErrorBody),
        (status = 403, description = "Missing or wrong gateway token", body = ErrorBody),
        (status = 429, description = "Too many messages from this address (no gateway token configured)", body = ErrorBody),
        (status = 503, description = "Database unavailable; `reply` says to try later", body = SmsOut),
    ))]
pub(crate) async fn webhook(
    State(state): State<AppState>,
    ApiLang(lang): ApiLang,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: Result<Json<SmsIn>, InputRejection>,
) -> Response {
    if !authorized(&state, None, &headers) {
        return ApiError::new(lang, StatusCode::FORBIDDEN, ErrorCode::Forbidden).into_response();
    }
    if let Some(after) = address_limit(&state, ip) {
        let mut r = ApiError::new(lang, StatusCode::TOO_MANY_REQUESTS, ErrorCode::RateLimited)
            .into_response();
        set_retry_after(&mut r, after);
        return r;
    }
    let sms = match body {
        Ok(Json(sms)) => sms,
        Err(refused) => return refused.into_response(),
    };
    let sender = normalize_sender(&sms.from);
    if sender.is_empty() {
        return ApiError::bad(lang, ErrorCode::Required, "from").into_response();
    }
    let answer = answer(&state, &sender, &sms.text).await;
    let status = match answer.outcome {
        Outcome::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::OK,
    };
    let mut r = (
        status,
        Json(SmsOut {
            reply: answer.text,
            outcome: answer.outcome.as_str().to_owned(),
            language: answer.lang.code().to_owned(),
        }),
    )
        .into_response();
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_pick_the_language_and_pin_words_are_ignored() {
        assert_eq!(
            parse_message(" РУ 2 0101 1990 00123"),
            (Some(Lang::Ru), "2 0101 1990 00123")
        );
        assert_eq!(
            parse_message("ru20101199000123"),
            (Some(Lang::Ru), "20101199000123")
        );
        assert_eq!(parse_message("КЫ ПИН: 201"), (Some(Lang::Ky), "201"));
        assert_eq!(parse_message("20101199000123"), (None, "20101199000123"));
        assert_eq!(parse_message("hello 2010"), (None, "hello 2010"));
        assert_eq!(parse_message("RU"), (Some(Lang::Ru), ""));
    }

    #[test]
    fn senders_are_normalized() {
        assert_eq!(normalize_sender("+996 555 123-456"), "996555123456");
        assert_eq!(normalize_sender("0555123456"), "996555123456");
        assert_eq!(normalize_sender(""), "");
    }

    #[test]
    fn long_addresses_lose_whole_words_and_the_number_stays() {
        let prefix = "Шайлоо участогу №12345: ";
        let msg = |a: &str| format!("{prefix}{a}");
        let long = "Чүй облусу, Аламүдүн району, Лебединовка айылы, Кыргызстан көчөсү 123, \
                    орто мектеби, спорт залы, биринчи кабат, оң жагындагы эшик";
        let out = fit_address(msg, long);
        assert!(
            sms_len(&out) <= SMS_MAX_CHARS,
            "{} > 134: {out}",
            sms_len(&out)
        );
        let kept = out
            .strip_prefix(prefix)
            .and_then(|a| a.strip_suffix('…'))
            .expect("the number whole, an ellipsis at the end");
        assert!(long.starts_with(kept), "{kept}");
        assert!(
            long[kept.len()..].starts_with([' ', ',']),
            "cut between words: {out}"
        );
        assert_eq!(fit_address(msg, "Бишкек"), "Шайлоо участогу №12345: Бишкек");
        // One word longer than the room is the only thing ever cut inside.
        let word = "А".repeat(200);
        assert_eq!(sms_len(&fit_address(msg, &word)), SMS_MAX_CHARS);
    }

    #[test]
    fn the_language_memory_is_bounded() {
        let m = SmsLanguages::new(2);
        m.set("1", Lang::Ru);
        m.set("2", Lang::Ru);
        m.set("3", Lang::Ru);
        assert_eq!(m.remembered(), 2);
        assert_eq!(m.get("3"), Some(Lang::Ru));
        m.set("3", Lang::Ky);
        assert_eq!(m.get("3"), None);
    }
}
