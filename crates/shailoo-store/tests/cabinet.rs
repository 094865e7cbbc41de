//! The voter cabinet's sign-in on both engines: the use cases of `shailoo_app::cabinet` over the
//! store, with an in-process registry and SMS gateway (the HTTP adapters are tested against
//! their doubles in `shailoo-registries` and end to end in the web tests). Codes are read from
//! the captured SMS text, as the voter reads them.

#![allow(
    clippy::too_many_lines,
    clippy::cognitive_complexity,
    reason = "a test reads as one scenario, top to bottom; the size limits are for production code"
)]
#![allow(clippy::unwrap_used)]

use async_trait::async_trait;
use jiff::{SignedDuration, Timestamp};
use shailoo_app::AuditAction;
use shailoo_app::cabinet::{
    self, CabinetError, Fresh, NotConfirmedReason, PassportRegistry, PassportVerdict,
    RegistryError, SmsError, SmsGateway,
};
use shailoo_app::remote::{self, Decision, RemoteVotingError, RemoteVotingStore};
use shailoo_app::users::Actor;
use shailoo_app::verify_audit;
use shailoo_app::{AuditStore, SetupStore};
use shailoo_domain::identity::{Msisdn, PassportNumber};
use shailoo_domain::{ErrorCode, Pin, StationNumber};
use shailoo_store::Db;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex};

#[macro_use]
mod harness;
use harness::fixtures::*;
use harness::*;

contract!(
    a_voter_signs_in_with_the_code_and_signs_out,
    five_wrong_codes_kill_the_challenge,
    parallel_guesses_never_exceed_five_attempts,
    an_expired_code_is_refused,
    unknown_pin_and_wrong_passport_get_the_same_answer_and_store_nothing,
    a_registry_outage_is_try_later_and_stores_nothing,
    sessions_end_when_idle_or_old,
    vot_07_a_signed_in_voter_files_and_cancels_only_their_own_application,
);

// ---------------------------------------------------------------------------------------------
// Fixtures

const A: &str = "20101199000123";
const B: &str = "11502199900007";
const PASSPORT: &str = "ID1234567";
const PHONE: &str = "+996555124567";

fn t0() -> Timestamp {
    "2024-10-01T06:00:00Z".parse().unwrap()
}

fn passport() -> PassportNumber {
    PassportNumber::parse(PASSPORT).unwrap()
}

/// Knows voter A (passport, phone); voter B exists without a phone; can be switched down.
#[derive(Default)]
struct Registry {
    down: std::sync::atomic::AtomicBool,
}

#[async_trait]
impl PassportRegistry for Registry {
    async fn check(
        &self,
        pin: &Pin,
        passport: &PassportNumber,
    ) -> Result<PassportVerdict, RegistryError> {
        if self.down.load(Ordering::SeqCst) {
            return Err(RegistryError::Timeout);
        }
        Ok(match pin.as_str() {
            A if passport.as_str() == PASSPORT => PassportVerdict::Confirmed {
                phone: Some(Msisdn::parse(PHONE).unwrap()),
            },
            A => PassportVerdict::NotConfirmed(NotConfirmedReason::NotTheHolder),
            B => PassportVerdict::Confirmed { phone: None },
            _ => PassportVerdict::NotConfirmed(NotConfirmedReason::UnknownPin),
        })
    }
}

/// Keeps every message.
#[derive(Default)]
struct Phone {
    inbox: Mutex<Vec<(String, String)>>,
}

#[async_trait]
impl SmsGateway for Phone {
    async fn send(&self, to: &Msisdn, text: &str) -> Result<(), SmsError> {
        self.inbox
            .lock()
            .unwrap()
            .push((to.e164(), text.to_owned()));
        Ok(())
    }
}

impl Phone {
    /// The six digits of the last message.
    fn last_code(&self) -> String {
        let inbox = self.inbox.lock().unwrap();
        let text = &inbox.last().expect("a message").1;
        text.split(|c: char| !c.is_ascii_digit())
            .find(|w| w.len() == 6)
            .expect("a code")
            .to_owned()
    }
}

/// Deterministic but distinct secrets per call.
fn fresh() -> Fresh {
    static N: AtomicU8 = AtomicU8::new(1);
    let n = N.fetch_add(1, Ordering::SeqCst);
    let mut i = 0u8;
    Fresh::draw(|b| {
        for x in b.iter_mut() {
            i = i.wrapping_add(1);
            *x = n.wrapping_mul(31).wrapping_add(i);
        }
    })
}

/// A wrong code for `right`.
fn wrong(right: &str) -> String {
    if right == "000000" {
        "111111".to_owned()
    } else {
        "000000".to_owned()
    }
}

async fn start(db: &Db, registry: &Registry, phone: &Phone, at: Timestamp) -> String {
    cabinet::start_sign_in(db, registry, phone, &pin(A), &passport(), at, fresh())
        .await
        .unwrap()
        .challenge_token
}

async fn actions(db: &Db) -> Vec<(String, String)> {
    db.audit_entries(0, 1000)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.event.action, e.event.subject))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Tests

async fn a_voter_signs_in_with_the_code_and_signs_out(ctx: Ctx) {
    let db = ctx.db().await;
    let (registry, phone) = (Registry::default(), Phone::default());
    let sent = cabinet::start_sign_in(&db, &registry, &phone, &pin(A), &passport(), t0(), fresh())
        .await
        .unwrap();
    assert_eq!(sent.phone.masked(), "+996 *** ** 45 67");
    assert_eq!(sent.expires_at, t0() + cabinet::CODE_TTL);
    assert_eq!(phone.inbox.lock().unwrap()[0].0, PHONE);
    let code = phone.last_code();

    // Only the salted hash of the code is stored, and only the hash of the challenge token.
    let stored = ctx
        .raw_text("SELECT code_hash || ' ' || id_hash FROM cabinet_challenges")
        .await;
    assert!(!stored.contains(&code));
    assert!(!stored.contains(&sent.challenge_token));

    let signed_in = cabinet::verify_code(&db, &sent.challenge_token, &code, t0(), fresh())
        .await
        .unwrap();
    assert_eq!(signed_in.session.pin, pin(A));
    // The challenge is consumed: the same code does not sign in twice.
    assert!(matches!(
        cabinet::verify_code(&db, &sent.challenge_token, &code, t0(), fresh()).await,
        Err(CabinetError::CodeExpired)
    ));
    let later = t0() + SignedDuration::from_mins(10);
    let session = cabinet::current_voter(&db, &signed_in.token, later)
        .await
        .unwrap()
        .expect("a live session");
    assert_eq!(session.last_seen_at, later, "the session was touched");
    assert!(
        cabinet::current_voter(&db, "not a token", later)
            .await
            .unwrap()
            .is_none()
    );

    cabinet::sign_out(&db, &session, later).await.unwrap();
    assert!(
        cabinet::current_voter(&db, &signed_in.token, later)
            .await
            .unwrap()
            .is_none()
    );

    let log = actions(&db).await;
    let names: Vec<&str> = log.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(
        names,
        [
            "cabinet_code_issued",
            "cabinet_signed_in",
            "cabinet_signed_out"
        ]
    );
    for (_, subject) in &log {
        assert!(!subject.contains(&code), "{subject}");
        assert!(!subject.contains(A), "{subject}");
    }
    // Sign-in and sign-out name the same session.
    assert_eq!(log[1].1, log[2].1);
    assert!(verify_audit(&db).await.unwrap().is_ok());
}

async fn five_wrong_codes_kill_the_challenge(ctx: Ctx) {
    let db = ctx.db().await;
    let (registry, phone) = (Registry::default(), Phone::default());
    let token = start(&db, &registry, &phone, t0()).await;
    let code = phone.last_code();
    let bad = wrong(&code);
    // A malformed code costs nothing.
    assert!(matches!(
        cabinet::verify_code(&db, &token, "12ab56", t0(), fresh()).await,
        Err(CabinetError::BadCode)
    ));
    for left in (1..=4).rev() {
        match cabinet::verify_code(&db, &token, &bad, t0(), fresh()).await {
            Err(CabinetError::WrongCode { attempts_left }) => assert_eq!(attempts_left, left),
            other => panic!("expected a wrong code, got {other:?}"),
        }
    }
    assert!(matches!(
        cabinet::verify_code(&db, &token, &bad, t0(), fresh()).await,
        Err(CabinetError::TooManyAttempts)
    ));
    // Dead: even the right code no longer works, and the row is gone.
    assert!(
        cabinet::verify_code(&db, &token, &code, t0(), fresh())
            .await
            .is_err()
    );
    assert_eq!(
        ctx.raw_text("SELECT CAST(COUNT(*) AS TEXT) FROM cabinet_challenges")
            .await,
        "0"
    );
    let log = actions(&db).await;
    assert_eq!(log.last().unwrap().0, "cabinet_challenge_locked");
    assert!(verify_audit(&db).await.unwrap().is_ok());
}

async fn parallel_guesses_never_exceed_five_attempts(ctx: Ctx) {
    let db = Arc::new(ctx.db().await);
    let (registry, phone) = (Registry::default(), Phone::default());
    let token = start(&db, &registry, &phone, t0()).await;
    let code = phone.last_code();
    let bad = wrong(&code);
    let mut tasks = Vec::new();
    for _ in 0..12 {
        let (db, token, bad) = (db.clone(), token.clone(), bad.clone());
        tasks.push(tokio::spawn(async move {
            cabinet::verify_code(db.as_ref(), &token, &bad, t0(), fresh()).await
        }));
    }
    let mut wrong_codes = 0;
    for t in tasks {
        match t.await.unwrap() {
            Err(CabinetError::WrongCode { .. }) => wrong_codes += 1,
            Err(CabinetError::TooManyAttempts | CabinetError::CodeExpired) => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    // Exactly five guesses were weighed: four said "wrong", the fifth locked the challenge.
    assert_eq!(wrong_codes, 4);
    assert!(
        cabinet::verify_code(db.as_ref(), &token, &code, t0(), fresh())
            .await
            .is_err()
    );
}

async fn an_expired_code_is_refused(ctx: Ctx) {
    let db = ctx.db().await;
    let (registry, phone) = (Registry::default(), Phone::default());
    let token = start(&db, &registry, &phone, t0()).await;
    let code = phone.last_code();
    let at_expiry = t0() + cabinet::CODE_TTL;
    assert!(matches!(
        cabinet::verify_code(&db, &token, &code, at_expiry, fresh()).await,
        Err(CabinetError::CodeExpired)
    ));
    // A second before, a fresh challenge works.
    let token = start(&db, &registry, &phone, t0()).await;
    let code = phone.last_code();
    let just_before = at_expiry - SignedDuration::from_secs(1);
    assert!(
        cabinet::verify_code(&db, &token, &code, just_before, fresh())
            .await
            .is_ok()
    );
}

async fn unknown_pin_and_wrong_passport_get_the_same_answer_and_store_nothing(ctx: Ctx) {
    let db = ctx.db().await;
    let (registry, phone) = (Registry::default(), Phone::default());
    let unknown = cabinet::start_sign_in(
        &db,
        &registry,
        &phone,
        &pin("20202199000999"),
        &passport(),
        t0(),
        fresh(),
    )
    .await
    .unwrap_err();
    let mismatch = cabinet::start_sign_in(
        &db,
        &registry,
        &phone,
        &pin(A),
        &PassportNumber::parse("AN7654321").unwrap(),
        t0(),
        fresh(),
    )
    .await
    .unwrap_err();
    assert_eq!(unknown.code(), ErrorCode::CabinetNotConfirmed);
    assert_eq!(unknown.code(), mismatch.code());
    assert_eq!(unknown.to_string(), mismatch.to_string());
    // A confirmed pair without a registered phone is told so (it already proved the pair).
    let no_phone =
        cabinet::start_sign_in(&db, &registry, &phone, &pin(B), &passport(), t0(), fresh())
            .await
            .unwrap_err();
    assert_eq!(no_phone.code(), ErrorCode::CabinetNoPhone);
    assert!(phone.inbox.lock().unwrap().is_empty());
    assert!(db.audit_head().await.unwrap().is_none());
}

async fn a_registry_outage_is_try_later_and_stores_nothing(ctx: Ctx) {
    let db = ctx.db().await;
    let (registry, phone) = (Registry::default(), Phone::default());
    registry.down.store(true, Ordering::SeqCst);
    let e = cabinet::start_sign_in(&db, &registry, &phone, &pin(A), &passport(), t0(), fresh())
        .await
        .unwrap_err();
    assert!(matches!(e, CabinetError::Registry(RegistryError::Timeout)));
    assert_ne!(e.code(), ErrorCode::CabinetNotConfirmed);
    assert!(phone.inbox.lock().unwrap().is_empty());
    assert!(db.audit_head().await.unwrap().is_none());
}

async fn sessions_end_when_idle_or_old(ctx: Ctx) {
    let db = ctx.db().await;
    let (registry, phone) = (Registry::default(), Phone::default());
    let token = start(&db, &registry, &phone, t0()).await;
    let signed_in = cabinet::verify_code(&db, &token, &phone.last_code(), t0(), fresh())
        .await
        .unwrap();
    let live = |at: Timestamp| {
        let (db, token) = (&db, signed_in.token.clone());
        async move {
            cabinet::current_voter(db, &token, at)
                .await
                .unwrap()
                .is_some()
        }
    };
    // Active every 20 minutes: alive until the absolute limit of 2 hours.
    let mut at = t0();
    for _ in 0..5 {
        at += SignedDuration::from_mins(20);
        assert!(live(at).await, "alive at {at}");
    }
    assert!(!live(t0() + SignedDuration::from_hours(2)).await);
    // Another session left alone for 30 minutes ends.
    let token = start(&db, &registry, &phone, t0()).await;
    let idle = cabinet::verify_code(&db, &token, &phone.last_code(), t0(), fresh())
        .await
        .unwrap();
    let after = t0() + SignedDuration::from_mins(30);
    assert!(
        cabinet::current_voter(&db, &idle.token, after)
            .await
            .unwrap()
            .is_none()
    );
}

async fn vot_07_a_signed_in_voter_files_and_cancels_only_their_own_application(ctx: Ctx) {
    let db = ctx.db().await;
    db.import_setup(&setup(), &[], event(AuditAction::SetupImported))
        .await
        .unwrap();
    ctx.raw(&format!(
        "INSERT INTO voter_list_entries (election, pin, council, home_station, station) VALUES \
         ('local-2024', '{A}', 'bishkek-city', 2001, 2001), \
         ('local-2024', '{B}', 'bishkek-city', 2001, 2001)"
    ))
    .await;
    let remote_station = StationNumber::new(2002).unwrap();
    let voter_a = Actor::Voter { pin: pin(A) };
    // Not for someone else…
    assert!(matches!(
        remote::file(&db, &voter_a, &election(), &pin(B), remote_station, t0()).await,
        Err(RemoteVotingError::Forbidden)
    ));
    // …but for themselves, recorded as filed by "voter".
    let own = remote::file(&db, &voter_a, &election(), &pin(A), remote_station, t0())
        .await
        .unwrap();
    assert_eq!(own.filed_by, "voter");
    let theirs = remote::file(
        &db,
        &Actor::System,
        &election(),
        &pin(B),
        remote_station,
        t0(),
    )
    .await
    .unwrap();
    assert!(matches!(
        remote::decide(
            &db,
            &voter_a,
            &election(),
            theirs.id,
            Decision::Cancel,
            t0()
        )
        .await,
        Err(RemoteVotingError::Forbidden)
    ));
    // A voter never decides, not even about their own application.
    assert!(matches!(
        remote::decide(
            &db,
            &voter_a,
            &election(),
            own.id,
            Decision::Approve {
                default_capacity: 10
            },
            t0()
        )
        .await,
        Err(RemoteVotingError::Forbidden)
    ));
    let cancelled = remote::decide(&db, &voter_a, &election(), own.id, Decision::Cancel, t0())
        .await
        .unwrap();
    assert_eq!(cancelled.status, remote::ApplicationStatus::Cancelled);
    let untouched = db
        .remote_application(&election(), theirs.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(untouched.status, remote::ApplicationStatus::Applied);
}
