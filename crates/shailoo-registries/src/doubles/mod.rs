//! Local stand-ins for the external systems, speaking their protocols over HTTP (feature
//! `doubles`): a Tunduk security server answering the passport service from seeded records,
//! another answering the five candidate registries ([`candidates`]), and a Kannel smsbox that
//! accepts `sendsms`, checks the credentials and keeps an outbox (`GET /outbox`, JSON) where
//! tests and the demo user read the code.
//!
//! Each binds to a given address (port 0 for tests) and stops when its [`Running`] handle is
//! dropped. Each can be switched "down" to exercise the adapters' failure paths.

pub mod candidates;

pub use candidates::{Behaviour, CandidateRegistryDouble, Person, Profile};

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;
use shailoo_domain::Pin;
use shailoo_domain::identity::{Msisdn, PassportNumber};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;
use tokio::sync::oneshot;

/// A double serving on a port; dropping it stops the server.
pub struct Running {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
}

impl Running {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

async fn serve(router: Router, addr: SocketAddr) -> std::io::Result<Running> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(async move {
        let shutdown = async {
            let _ = stopped.await;
        };
        if let Err(e) = axum::serve(listener, router)
            .with_graceful_shutdown(shutdown)
            .await
        {
            tracing::warn!(error = %e, "test double stopped");
        }
    });
    Ok(Running {
        addr,
        stop: Some(stop),
    })
}

fn poison<T>(r: Result<T, std::sync::PoisonError<T>>) -> T {
    r.unwrap_or_else(std::sync::PoisonError::into_inner)
}

// --- the passport registry ---

/// What the registry knows about one PIN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryRecord {
    pub passport: PassportNumber,
    /// `VALID`, `EXPIRED`, `LOST` or `REPLACED`.
    pub status: &'static str,
    pub phone: Option<Msisdn>,
}

impl RegistryRecord {
    pub fn valid(passport: PassportNumber, phone: Option<Msisdn>) -> Self {
        RegistryRecord {
            passport,
            status: "VALID",
            phone,
        }
    }
}

/// The demo's derivation, documented in `docs/registries.md`: passport `ID` + the PIN's last
/// seven digits, phone `+996 700` + the PIN's last six digits. (A PIN has 14 digits, so both
/// always parse; `None` is unreachable in practice.)
pub fn demo_record(pin: &Pin) -> Option<RegistryRecord> {
    let digits = pin.as_str();
    let passport = PassportNumber::parse(&format!("ID{}", &digits[7..])).ok()?;
    let phone = Msisdn::parse(&format!("+996700{}", &digits[8..])).ok()?;
    Some(RegistryRecord::valid(passport, Some(phone)))
}

/// A Tunduk security server with the passport service behind it.
pub struct RegistryDouble {
    service: String,
    records: RwLock<HashMap<Pin, RegistryRecord>>,
    up: AtomicBool,
    delay: Mutex<Duration>,
    requests: AtomicU64,
}

impl RegistryDouble {
    /// A registry answering for `service` (an X-Road service id), with no records.
    pub fn new(service: &str) -> Arc<Self> {
        Arc::new(RegistryDouble {
            service: service.to_owned(),
            records: RwLock::new(HashMap::new()),
            up: AtomicBool::new(true),
            delay: Mutex::new(Duration::ZERO),
            requests: AtomicU64::new(0),
        })
    }

    pub fn insert(&self, pin: Pin, record: RegistryRecord) {
        poison(self.records.write()).insert(pin, record);
    }

    pub fn extend(&self, records: impl IntoIterator<Item = (Pin, RegistryRecord)>) {
        poison(self.records.write()).extend(records);
    }

    pub fn len(&self) -> usize {
        poison(self.records.read()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Down: every request gets X-Road's `Server.ServerProxy.NetworkError`.
    pub fn set_available(&self, up: bool) {
        self.up.store(up, Ordering::SeqCst);
    }

    /// Answers only after `delay` (to exercise the client's timeout).
    pub fn set_delay(&self, delay: Duration) {
        *poison(self.delay.lock()) = delay;
    }

    /// Requests served so far.
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::SeqCst)
    }

    pub async fn serve(self: &Arc<Self>, addr: SocketAddr) -> std::io::Result<Running> {
        let router = Router::new()
            .route("/r1/{*rest}", get(registry_answer))
            .with_state(self.clone());
        serve(router, addr).await
    }
}

#[derive(Serialize)]
struct Fault {
    #[serde(rename = "type")]
    kind: &'static str,
    message: String,
    detail: String,
}

/// Whether a request names its calling subsystem, as every X-Road request must.
fn x_road_client_ok(headers: &HeaderMap) -> bool {
    headers
        .get("X-Road-Client")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| crate::XRoadClientId::parse(c).is_ok())
}

fn fault(status: StatusCode, kind: &'static str, message: &str) -> Response {
    (
        status,
        [("X-Road-Error", kind), ("Content-Type", "application/json")],
        serde_json::to_string(&Fault {
            kind,
            message: message.to_owned(),
            detail: "shailoo registry double".to_owned(),
        })
        .unwrap_or_default(),
    )
        .into_response()
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Answer {
    pin: String,
    document: String,
    document_status: &'static str,
    holder_matches: bool,
    mobile_phone: Option<String>,
}

impl RegistryDouble {
    /// The PIN and passport number a request asks about, or the answer that refuses it: the
    /// service down, no X-Road client, another service, another resource, a malformed id.
    fn request_of(
        &self,
        headers: &HeaderMap,
        rest: &str,
    ) -> Result<(Pin, PassportNumber), Box<Response>> {
        if !self.up.load(Ordering::SeqCst) {
            return Err(Box::new(fault(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Server.ServerProxy.NetworkError",
                "the service provider's security server cannot be reached",
            )));
        }
        if !x_road_client_ok(headers) {
            return Err(Box::new(fault(
                StatusCode::BAD_REQUEST,
                "Client.BadRequest",
                "the X-Road-Client header is missing or malformed",
            )));
        }
        let Some(path) = rest
            .strip_prefix(self.service.as_str())
            .and_then(|p| p.strip_prefix('/'))
        else {
            return Err(Box::new(fault(
                StatusCode::NOT_FOUND,
                "Server.ServerProxy.UnknownService",
                "unknown service",
            )));
        };
        let segments: Vec<&str> = path.split('/').collect();
        let (pin, document) = match segments.as_slice() {
            ["persons", pin, "documents", document] => (*pin, *document),
            _ => {
                return Err(Box::new(
                    (StatusCode::NOT_FOUND, "{\"error\":\"NO_SUCH_RESOURCE\"}").into_response(),
                ));
            }
        };
        let (Ok(pin), Ok(document)) = (Pin::parse(pin), PassportNumber::parse(document)) else {
            return Err(Box::new(
                (StatusCode::BAD_REQUEST, "{\"error\":\"BAD_IDENTIFIER\"}").into_response(),
            ));
        };
        Ok((pin, document))
    }
}

async fn registry_answer(
    State(double): State<Arc<RegistryDouble>>,
    headers: HeaderMap,
    Path(rest): Path<String>,
) -> Response {
    double.requests.fetch_add(1, Ordering::SeqCst);
    let delay = *poison(double.delay.lock());
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let (pin, document) = match double.request_of(&headers, &rest) {
        Ok(asked) => asked,
        Err(refused) => return *refused,
    };
    let record = poison(double.records.read()).get(&pin).cloned();
    let Some(record) = record else {
        return (
            StatusCode::NOT_FOUND,
            [("Content-Type", "application/json")],
            "{\"error\":\"PERSON_NOT_FOUND\"}",
        )
            .into_response();
    };
    let holder = record.passport == document;
    let answer = Answer {
        pin: pin.as_str().to_owned(),
        document: document.as_str().to_owned(),
        document_status: if holder { record.status } else { "VALID" },
        holder_matches: holder,
        mobile_phone: record.phone.map(|p| p.e164()),
    };
    (
        StatusCode::OK,
        [
            ("Content-Type", "application/json"),
            ("X-Road-Id", "shailoo-double"),
        ],
        serde_json::to_string(&answer).unwrap_or_default(),
    )
        .into_response()
}

// --- the SMS gateway ---

/// One message the gateway accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutboxMessage {
    pub to: String,
    pub from: String,
    pub text: String,
    pub charset: String,
    pub coding: String,
}

/// A Kannel smsbox with an outbox.
pub struct SmsDouble {
    username: String,
    password: String,
    outbox: Mutex<Vec<OutboxMessage>>,
    up: AtomicBool,
}

impl SmsDouble {
    pub fn new(username: &str, password: &str) -> Arc<Self> {
        Arc::new(SmsDouble {
            username: username.to_owned(),
            password: password.to_owned(),
            outbox: Mutex::new(Vec::new()),
            up: AtomicBool::new(true),
        })
    }

    /// Down: `sendsms` answers 503 "Sending failed." as Kannel does without an SMSC.
    pub fn set_available(&self, up: bool) {
        self.up.store(up, Ordering::SeqCst);
    }

    /// Every message accepted so far, oldest first.
    pub fn outbox(&self) -> Vec<OutboxMessage> {
        poison(self.outbox.lock()).clone()
    }

    pub async fn serve(self: &Arc<Self>, addr: SocketAddr) -> std::io::Result<Running> {
        let router = Router::new()
            .route("/cgi-bin/sendsms", get(sendsms))
            .route("/outbox", get(outbox))
            .with_state(self.clone());
        serve(router, addr).await
    }
}

async fn sendsms(
    State(double): State<Arc<SmsDouble>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let text_reply = |status: StatusCode, body: &'static str| {
        (status, [("Content-Type", "text/html")], body).into_response()
    };
    let field = |k: &str| q.get(k).cloned().unwrap_or_default();
    if field("username") != double.username || field("password") != double.password {
        return text_reply(StatusCode::FORBIDDEN, "Authorization failed for sendsms");
    }
    if field("to").is_empty() {
        return text_reply(
            StatusCode::BAD_REQUEST,
            "Missing receiver number for sendsms",
        );
    }
    if !q.contains_key("text") {
        return text_reply(StatusCode::BAD_REQUEST, "Missing text for sendsms");
    }
    if !double.up.load(Ordering::SeqCst) {
        return text_reply(StatusCode::SERVICE_UNAVAILABLE, "Sending failed.");
    }
    poison(double.outbox.lock()).push(OutboxMessage {
        to: field("to"),
        from: field("from"),
        text: field("text"),
        charset: field("charset"),
        coding: field("coding"),
    });
    text_reply(StatusCode::ACCEPTED, "0: Accepted for delivery")
}

async fn outbox(State(double): State<Arc<SmsDouble>>) -> Response {
    axum::Json(double.outbox()).into_response()
}
