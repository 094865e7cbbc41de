//! The voter cabinet (шайлоочунун жеке кабинети / личный кабинет избирателя): a voter signs in
//! with PIN + passport number + a one-time code sent by SMS, then sees their entry, files claims
//! (VOT-08) and remote-voting applications (VOT-07) online.
//!
//! The passport check and the SMS delivery go through the ports [`PassportRegistry`] and
//! [`SmsGateway`]; `shailoo-registries` implements them over HTTP (Tunduk, Kannel), with test
//! doubles that speak the same protocols. The state (challenges, sessions) goes through
//! [`CabinetStore`], implemented by `shailoo-store` in `src/cabinet.rs`.
//!
//! The rules of signing in:
//!
//! * A wrong PIN/passport pair, an unknown PIN and an invalid document get the same answer
//!   ([`CabinetError::NotConfirmed`]): the cabinet must not tell a stranger which PINs exist.
//!   A registry that is down or slow is a different answer ([`CabinetError::Registry`], "try
//!   later"), never a false "wrong passport".
//! * The code has six digits, lives [`CODE_TTL`], and is stored only as a salted hash (a fresh
//!   salt per challenge). Every guess first claims one of [`MAX_CODE_ATTEMPTS`] attempts
//!   atomically in the store, so parallel guesses cannot exceed the budget; after the last
//!   wrong one the challenge is deleted.
//! * A session is a random token whose hash alone is stored; it ends after [`SESSION_IDLE`]
//!   without a request or [`SESSION_ABSOLUTE`] after sign-in, whichever comes first.
//! * Codes and PINs never reach the log; audit entries name a challenge or session by a prefix
//!   of its hash and carry the PIN only inside the digest (as check-ins do).
//!
//! Rate limits (codes per PIN and per client address) are the web layer's, in front of these
//! use cases.

use crate::audit::{AuditAction, AuditEvent};
use crate::store::StoreError;
use async_trait::async_trait;
use jiff::{SignedDuration, Timestamp};
use shailoo_domain::identity::{Msisdn, PassportNumber};
use shailoo_domain::{ErrorCode, Pin};

/// How long a one-time code may be used.
pub const CODE_TTL: SignedDuration = SignedDuration::from_mins(5);
/// Guesses per code; after the last wrong one the challenge dies.
pub const MAX_CODE_ATTEMPTS: u32 = 5;
/// A session ends after this long without a request…
pub const SESSION_IDLE: SignedDuration = SignedDuration::from_mins(30);
/// …and this long after sign-in in any case.
pub const SESSION_ABSOLUTE: SignedDuration = SignedDuration::from_hours(2);
/// A session's last-seen time is written at most this often (a write per page is waste).
const TOUCH_EVERY: SignedDuration = SignedDuration::from_mins(1);

// --- the ports to the outside world ---

/// What the passport registry says about a PIN and a document number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PassportVerdict {
    /// The document is valid and belongs to the PIN; `phone` is the mobile number registered
    /// to that PIN, if any.
    Confirmed { phone: Option<Msisdn> },
    /// The PIN is unknown, or the document is not that person's, or it is no longer valid
    /// (lost, expired, replaced). Deliberately one case towards the voter.
    NotConfirmed(NotConfirmedReason),
}

/// Why the registry did not confirm: for the log and the tests, never for the voter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotConfirmedReason {
    UnknownPin,
    NotTheHolder,
    DocumentInvalid,
}

/// The registry could not answer. Never a verdict about the voter.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistryError {
    #[error("the passport registry is unavailable: {0}")]
    Unavailable(String),
    #[error("the passport registry did not answer in time")]
    Timeout,
    #[error("the passport registry answered something unexpected: {0}")]
    Protocol(String),
}

impl RegistryError {
    pub fn code(&self) -> ErrorCode {
        match self {
            RegistryError::Unavailable(_) => ErrorCode::RegistryUnavailable,
            RegistryError::Timeout => ErrorCode::RegistryTimeout,
            RegistryError::Protocol(_) => ErrorCode::RegistryProtocol,
        }
    }
}

/// The state passport registry (ГРС, reached over Tunduk in production).
#[async_trait]
pub trait PassportRegistry: Send + Sync {
    /// Whether `passport` is a valid document of the person with `pin`, and their mobile
    /// number.
    async fn check(
        &self,
        pin: &Pin,
        passport: &PassportNumber,
    ) -> Result<PassportVerdict, RegistryError>;
}

/// The SMS gateway could not take the message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SmsError {
    #[error("the SMS gateway is unavailable: {0}")]
    Unavailable(String),
    #[error("the SMS gateway did not answer in time")]
    Timeout,
    /// Credentials or parameters refused: a configuration fault, not the voter's.
    #[error("the SMS gateway refused the message: {0}")]
    Rejected(String),
}

impl SmsError {
    pub fn code(&self) -> ErrorCode {
        match self {
            SmsError::Unavailable(_) => ErrorCode::SmsUnavailable,
            SmsError::Timeout => ErrorCode::SmsTimeout,
            SmsError::Rejected(_) => ErrorCode::SmsRejected,
        }
    }
}

/// Sends text messages (Kannel's `sendsms` in production).
#[async_trait]
pub trait SmsGateway: Send + Sync {
    async fn send(&self, to: &Msisdn, text: &str) -> Result<(), SmsError>;
}

// --- codes, secrets, challenges and sessions ---

/// A six-digit one-time code.
#[derive(Clone, PartialEq, Eq)]
pub struct OneTimeCode([u8; 6]);

impl OneTimeCode {
    /// Parses what the voter typed: six digits, spaces ignored.
    pub fn parse(input: &str) -> Option<OneTimeCode> {
        let digits: Vec<u8> = input
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.is_ascii_digit().then_some(c as u8))
            .collect::<Option<_>>()?;
        <[u8; 6]>::try_from(digits).ok().map(OneTimeCode)
    }

    /// A code from random bytes: uniform up to a bias of 10^6 / 2^64.
    pub fn from_random(bytes: [u8; 8]) -> OneTimeCode {
        let n = u64::from_le_bytes(bytes) % 1_000_000;
        let s = format!("{n:06}");
        let mut out = [0u8; 6];
        out.copy_from_slice(s.as_bytes());
        OneTimeCode(out)
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

/// Never printed by accident.
impl std::fmt::Debug for OneTimeCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OneTimeCode(******)")
    }
}

/// The salted hash of a code, as stored.
pub fn code_hash(salt: &str, code: &OneTimeCode) -> String {
    let mut h = blake3::Hasher::new();
    h.update(b"shailoo cabinet code v1\0");
    h.update(salt.as_bytes());
    h.update(b"\0");
    h.update(code.as_str().as_bytes());
    h.finalize().to_hex().to_string()
}

/// What the store keeps of a bearer token (challenge or session): its BLAKE3 hash.
pub fn token_hash(token: &str) -> String {
    blake3::hash(token.as_bytes()).to_hex().to_string()
}

/// Equality of two hashes in constant time (BLAKE3's `Hash` compares so).
fn same_hash(a: &str, b: &str) -> bool {
    blake3::hash(a.as_bytes()) == blake3::hash(b.as_bytes())
}

/// The random values a use case needs, drawn by the caller (this crate has no randomness of
/// its own, which also makes the rules testable with fixed values).
#[derive(Clone)]
pub struct Fresh {
    pub code: OneTimeCode,
    pub salt: String,
    pub token: String,
    pub csrf: String,
}

impl Fresh {
    /// Draws everything from `fill`, a cryptographically secure source of random bytes.
    pub fn draw(mut fill: impl FnMut(&mut [u8])) -> Fresh {
        let mut code = [0u8; 8];
        fill(&mut code);
        let mut salt = [0u8; 16];
        fill(&mut salt);
        let mut token = [0u8; 32];
        fill(&mut token);
        let mut csrf = [0u8; 32];
        fill(&mut csrf);
        Fresh {
            code: OneTimeCode::from_random(code),
            salt: hex::encode(salt),
            token: hex::encode(token),
            csrf: hex::encode(csrf),
        }
    }
}

impl std::fmt::Debug for Fresh {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Fresh(..)")
    }
}

/// A sign-in waiting for its code. Keyed by the hash of the challenge token the voter's
/// browser holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CabinetChallenge {
    pub id_hash: String,
    pub pin: Pin,
    pub phone: Msisdn,
    pub code_hash: String,
    pub salt: String,
    /// Guesses claimed so far.
    pub attempts: u32,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
}

/// The result of claiming a guess.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttemptClaim {
    /// One more attempt was counted; `attempts` includes it.
    Claimed(CabinetChallenge),
    /// The attempts were used up before this one: nothing was counted.
    Exhausted(CabinetChallenge),
}

/// A signed-in voter. Keyed by the hash of the cookie's token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoterSession {
    pub token_hash: String,
    pub pin: Pin,
    /// The synchronizer token every cabinet form echoes.
    pub csrf_token: String,
    pub created_at: Timestamp,
    pub last_seen_at: Timestamp,
}

impl VoterSession {
    /// The end: idle time after the last request, capped by the absolute lifetime.
    pub fn expires_at(&self) -> Timestamp {
        let idle = self.last_seen_at + SESSION_IDLE;
        let absolute = self.created_at + SESSION_ABSOLUTE;
        idle.min(absolute)
    }

    pub fn is_live(&self, now: Timestamp) -> bool {
        now < self.expires_at()
    }

    /// A short public name for audit subjects: a prefix of the token hash.
    pub fn subject(&self) -> String {
        format!("cabinet/session/{}", &self.token_hash[..16])
    }
}

/// What this capability needs from a database. Challenges and sessions are security state:
/// the changes that matter (a code issued, a challenge locked, a sign-in, a sign-out) are
/// audited; the counters in between (an attempt claimed, a session's last-seen time) are not,
/// like the staff log-in throttle and staff sessions.
#[async_trait]
pub trait CabinetStore: Send + Sync {
    /// Stores a new challenge, with its audit entry; forgets challenges and sessions that
    /// ended long ago.
    async fn create_cabinet_challenge(
        &self,
        challenge: &CabinetChallenge,
        event: AuditEvent,
    ) -> Result<(), StoreError>;

    /// Counts one guess against the challenge, atomically: at most `max` are ever counted.
    /// `None` when there is no such challenge.
    async fn claim_code_attempt(
        &self,
        id_hash: &str,
        max: u32,
    ) -> Result<Option<AttemptClaim>, StoreError>;

    /// Deletes a challenge whose attempts are used up, with its audit entry.
    async fn lock_cabinet_challenge(
        &self,
        id_hash: &str,
        event: AuditEvent,
    ) -> Result<(), StoreError>;

    /// Consumes the challenge and opens the session, in one transaction with the audit entry.
    /// `false` (and nothing changed) when the challenge was already consumed or deleted.
    async fn open_voter_session(
        &self,
        challenge_id_hash: &str,
        session: &VoterSession,
        event: AuditEvent,
    ) -> Result<bool, StoreError>;

    /// The session with this token hash, live or not.
    async fn voter_session(&self, token_hash: &str) -> Result<Option<VoterSession>, StoreError>;

    /// Records a request of the session at `at`.
    async fn touch_voter_session(&self, token_hash: &str, at: Timestamp) -> Result<(), StoreError>;

    /// Ends a session, with its audit entry. `false` when there was none.
    async fn close_voter_session(
        &self,
        token_hash: &str,
        event: AuditEvent,
    ) -> Result<bool, StoreError>;
}

// --- the use cases ---

/// Why signing in did not go on. Nothing was changed when it is returned, except for the
/// counted attempt of a wrong code.
#[derive(Debug, thiserror::Error)]
pub enum CabinetError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Registry(#[from] RegistryError),
    #[error(transparent)]
    Sms(#[from] SmsError),
    /// Unknown PIN, wrong pair or invalid document: one answer for all three.
    #[error("the PIN and passport number were not confirmed")]
    NotConfirmed,
    #[error("no mobile number is registered to this PIN")]
    NoPhone,
    #[error("a code has six digits")]
    BadCode,
    #[error("wrong code; {attempts_left} attempts left")]
    WrongCode { attempts_left: u32 },
    #[error("too many wrong codes; ask for a new one")]
    TooManyAttempts,
    #[error("the code has expired or was never sent; ask for a new one")]
    CodeExpired,
}

impl CabinetError {
    /// A stable code for clients and translations.
    pub fn code(&self) -> ErrorCode {
        match self {
            CabinetError::Store(e) => e.code(),
            CabinetError::Registry(e) => e.code(),
            CabinetError::Sms(e) => e.code(),
            CabinetError::NotConfirmed => ErrorCode::CabinetNotConfirmed,
            CabinetError::NoPhone => ErrorCode::CabinetNoPhone,
            CabinetError::BadCode => ErrorCode::CabinetBadCode,
            CabinetError::WrongCode { .. } => ErrorCode::CabinetWrongCode,
            CabinetError::TooManyAttempts => ErrorCode::CabinetTooManyAttempts,
            CabinetError::CodeExpired => ErrorCode::CabinetCodeExpired,
        }
    }
}

/// The text of the code message, in Kyrgyz and Russian, within one UCS-2 segment (70
/// characters): a second segment costs money and can arrive out of order.
pub fn code_text(code: &OneTimeCode) -> String {
    format!(
        "Код {}: шайлоочунун кабинети / кабинет избирателя. 5 мин.",
        code.as_str()
    )
}

/// A code was sent: what the next form needs.
#[derive(Debug, Clone)]
pub struct CodeSent {
    /// The challenge's bearer token for the voter's browser (stored only hashed).
    pub challenge_token: String,
    pub phone: Msisdn,
    pub expires_at: Timestamp,
}

/// Step one: checks PIN + passport with the registry, stores a challenge and sends the code to
/// the number registered to the PIN.
pub async fn start_sign_in<S: CabinetStore + ?Sized>(
    store: &S,
    registry: &dyn PassportRegistry,
    sms: &dyn SmsGateway,
    pin: &Pin,
    passport: &PassportNumber,
    now: Timestamp,
    fresh: Fresh,
) -> Result<CodeSent, CabinetError> {
    let phone = match registry.check(pin, passport).await? {
        PassportVerdict::Confirmed { phone: Some(phone) } => phone,
        PassportVerdict::Confirmed { phone: None } => return Err(CabinetError::NoPhone),
        PassportVerdict::NotConfirmed(_) => return Err(CabinetError::NotConfirmed),
    };
    let id_hash = token_hash(&fresh.token);
    let challenge = CabinetChallenge {
        id_hash: id_hash.clone(),
        pin: *pin,
        phone,
        code_hash: code_hash(&fresh.salt, &fresh.code),
        salt: fresh.salt.clone(),
        attempts: 0,
        created_at: now,
        expires_at: now + CODE_TTL,
    };
    let event = AuditEvent::new(
        "voter",
        AuditAction::CabinetCodeIssued,
        format!("cabinet/challenge/{}", &id_hash[..16]),
        now,
    )
    .after(&(pin.as_str(), phone.e164(), now.to_string()));
    store.create_cabinet_challenge(&challenge, event).await?;
    // Stored first, sent second: a failed send leaves a challenge nobody can answer, which
    // simply expires; the other order could deliver a code the store never accepted.
    sms.send(&phone, &code_text(&fresh.code)).await?;
    Ok(CodeSent {
        challenge_token: fresh.token,
        phone,
        expires_at: challenge.expires_at,
    })
}

/// A voter signed in: the cookie's token and the session.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub token: String,
    pub session: VoterSession,
}

/// Step two: checks the code typed for the challenge whose token the browser holds, and opens
/// a session. A malformed code costs no attempt; a wrong one does.
pub async fn verify_code<S: CabinetStore + ?Sized>(
    store: &S,
    challenge_token: &str,
    typed: &str,
    now: Timestamp,
    fresh: Fresh,
) -> Result<SignedIn, CabinetError> {
    let code = OneTimeCode::parse(typed).ok_or(CabinetError::BadCode)?;
    let id_hash = token_hash(challenge_token);
    let challenge = match store
        .claim_code_attempt(&id_hash, MAX_CODE_ATTEMPTS)
        .await?
    {
        None => return Err(CabinetError::CodeExpired),
        Some(AttemptClaim::Exhausted(_)) => return Err(CabinetError::TooManyAttempts),
        Some(AttemptClaim::Claimed(c)) => c,
    };
    if now >= challenge.expires_at {
        return Err(CabinetError::CodeExpired);
    }
    if !same_hash(&code_hash(&challenge.salt, &code), &challenge.code_hash) {
        let left = MAX_CODE_ATTEMPTS.saturating_sub(challenge.attempts);
        if left == 0 {
            let event = AuditEvent::new(
                "voter",
                AuditAction::CabinetChallengeLocked,
                format!("cabinet/challenge/{}", &id_hash[..16]),
                now,
            )
            .after(&(challenge.pin.as_str(), challenge.attempts, now.to_string()));
            store.lock_cabinet_challenge(&id_hash, event).await?;
            return Err(CabinetError::TooManyAttempts);
        }
        return Err(CabinetError::WrongCode {
            attempts_left: left,
        });
    }
    let session = VoterSession {
        token_hash: token_hash(&fresh.token),
        pin: challenge.pin,
        csrf_token: fresh.csrf,
        created_at: now,
        last_seen_at: now,
    };
    let event = AuditEvent::new(
        "voter",
        AuditAction::CabinetSignedIn,
        session.subject(),
        now,
    )
    .after(&(challenge.pin.as_str(), now.to_string()));
    if !store.open_voter_session(&id_hash, &session, event).await? {
        // Another request with the right code consumed the challenge first.
        return Err(CabinetError::CodeExpired);
    }
    Ok(SignedIn {
        token: fresh.token,
        session,
    })
}

/// The live session of the cookie's token at `now`, its last-seen time moved on. `None` when
/// there is none or it has ended.
pub async fn current_voter<S: CabinetStore + ?Sized>(
    store: &S,
    token: &str,
    now: Timestamp,
) -> Result<Option<VoterSession>, StoreError> {
    let hash = token_hash(token);
    let Some(mut session) = store.voter_session(&hash).await? else {
        return Ok(None);
    };
    if !session.is_live(now) {
        return Ok(None);
    }
    if now - session.last_seen_at >= TOUCH_EVERY {
        store.touch_voter_session(&hash, now).await?;
        session.last_seen_at = now;
    }
    Ok(Some(session))
}

/// Ends the session.
pub async fn sign_out<S: CabinetStore + ?Sized>(
    store: &S,
    session: &VoterSession,
    now: Timestamp,
) -> Result<(), StoreError> {
    let event = AuditEvent::new(
        "voter",
        AuditAction::CabinetSignedOut,
        session.subject(),
        now,
    )
    .after(&(session.pin.as_str(), now.to_string()));
    store
        .close_voter_session(&session.token_hash, event)
        .await
        .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(byte: u8) -> Fresh {
        Fresh::draw(|b| b.fill(byte))
    }

    #[test]
    fn codes_have_six_digits_and_parse_with_spaces() {
        for byte in [0u8, 1, 7, 255] {
            let code = fixed(byte).code;
            assert_eq!(code.as_str().len(), 6);
            assert!(code.as_str().chars().all(|c| c.is_ascii_digit()));
        }
        assert_eq!(
            OneTimeCode::parse(" 123 456 ").map(|c| c.as_str().to_owned()),
            Some("123456".to_owned())
        );
        assert!(OneTimeCode::parse("12345").is_none());
        assert!(OneTimeCode::parse("1234567").is_none());
        assert!(OneTimeCode::parse("12345a").is_none());
        assert!(!format!("{:?}", OneTimeCode::parse("123456")).contains("123456"));
    }

    #[test]
    fn a_code_is_stored_only_as_a_salted_hash() {
        let code = OneTimeCode::parse("123456").expect("code");
        let a = code_hash("salt-a", &code);
        let b = code_hash("salt-b", &code);
        assert_ne!(a, b, "the salt changes the hash");
        assert!(!a.contains("123456"));
        assert_eq!(a, code_hash("salt-a", &code));
        let other = OneTimeCode::parse("123457").expect("code");
        assert_ne!(a, code_hash("salt-a", &other));
    }

    #[test]
    fn fresh_secrets_differ_in_kind_and_hide_in_debug() {
        let mut counter = 0u8;
        let f = Fresh::draw(|b| {
            for x in b.iter_mut() {
                counter = counter.wrapping_add(1);
                *x = counter;
            }
        });
        assert_eq!(f.salt.len(), 32);
        assert_eq!(f.token.len(), 64);
        assert_ne!(f.token, f.csrf);
        assert_eq!(format!("{f:?}"), "Fresh(..)");
    }

    #[test]
    fn the_code_message_fits_one_ucs2_segment_in_kyrgyz_and_russian() {
        let text = code_text(&OneTimeCode::parse("987654").expect("code"));
        assert!(text.chars().count() <= 70, "{} chars", text.chars().count());
        assert!(text.contains("987654"));
        assert!(text.contains("шайлоочунун")); // Kyrgyz
        assert!(text.contains("избирателя")); // Russian
    }

    #[test]
    fn sessions_end_after_30_idle_minutes_or_2_hours() {
        let t0: Timestamp = "2024-10-01T06:00:00Z".parse().expect("ts");
        let mut s = VoterSession {
            token_hash: "a".repeat(64),
            pin: Pin::parse("20101199000123").expect("pin"),
            csrf_token: String::new(),
            created_at: t0,
            last_seen_at: t0,
        };
        assert!(s.is_live(t0 + SignedDuration::from_mins(29)));
        assert!(!s.is_live(t0 + SignedDuration::from_mins(30)));
        // Active all the time: still ends at two hours.
        s.last_seen_at = t0 + SignedDuration::from_mins(115);
        assert!(s.is_live(t0 + SignedDuration::from_mins(119)));
        assert!(!s.is_live(t0 + SignedDuration::from_mins(120)));
        assert_eq!(s.expires_at(), t0 + SESSION_ABSOLUTE);
    }

    #[test]
    fn every_error_has_a_distinct_code_and_the_registry_never_says_wrong_passport() {
        let errors = [
            CabinetError::NotConfirmed,
            CabinetError::NoPhone,
            CabinetError::BadCode,
            CabinetError::WrongCode { attempts_left: 1 },
            CabinetError::TooManyAttempts,
            CabinetError::CodeExpired,
            CabinetError::Registry(RegistryError::Timeout),
            CabinetError::Registry(RegistryError::Unavailable(String::new())),
            CabinetError::Sms(SmsError::Timeout),
        ];
        let codes: std::collections::BTreeSet<_> = errors.iter().map(|e| e.code()).collect();
        assert_eq!(codes.len(), errors.len());
        assert_ne!(
            CabinetError::Registry(RegistryError::Timeout).code(),
            CabinetError::NotConfirmed.code()
        );
    }
}
