//! The cache of public answers (issue 15, "fast under load"): a page or a JSON answer computed
//! once and served from memory until the data under it change.
//!
//! **Invariant: a cached answer is never older than the store.** Every entry is keyed by a
//! [`Version`]: the audit log's head (every change of election data appends an audit entry in
//! the transaction that makes it, so a new head is the only way the data can change, whichever
//! process wrote it) and the calendar's phase, how many of the elections' deadline instants
//! (with the CEC's overrides) the app's clock has passed: an answer depends on time only
//! through the calendar (a window open or closed, as a ballot fixed once registration closes,
//! RES-02), so it changes the moment a deadline passes and never in between. A request reads
//! the version first and is answered from an entry of exactly that version, or computes a new
//! one; entries of older versions are never served and age out.
//!
//! The head is one single-row read. A server reads it at most once per
//! [`CacheConfig::version_memo`] (one second, [`CacheConfig::serving`]: a protocol accepted
//! through another server process shows within that second), and forgets it as soon as it
//! handles a request that may write (its own writes show at once). Concurrent misses of one key wait
//! for a single computation.
//!
//! A page uses it with one call: [`PublicCache::answer`] with the page's key and a future that
//! renders it.

use crate::AppState;
use crate::kit::{Lang, PageCtx, Refusal};
use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use shailoo_app::StoreError;
use shailoo_app::setup::ElectionCalendarError;
use shailoo_domain::ErrorCode;
use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// How long an entry nobody asks for is kept: an entry of an older version is never asked for
/// again, so this is how long it takes memory.
const IDLE: Duration = Duration::from_secs(60);

/// How long a reader (or a cache on the way) may reuse a public answer without asking again:
/// short, as protocols keep arriving on voting night. Asking again costs little: the answer
/// carries an `ETag`, and a reader who has it gets `304 Not Modified`.
pub(crate) const MAX_AGE: &str = "public, max-age=15";

/// Says whether an answer came from memory (`hit`) or was computed (`miss`), for operators
/// and tests.
pub(crate) const X_CACHE: HeaderName = HeaderName::from_static("x-cache");

/// How long a reader may keep an answer served while a newer one was being made: a second,
/// so that they come back for the new one.
const STALE_MAX_AGE: &str = "public, max-age=1";

/// Where an answer came from, said in `x-cache`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Served {
    /// Made for this request.
    Miss,
    /// From memory, at the version the request read.
    Hit,
    /// The previous version's, from memory, while another request makes this version's.
    Stale,
}

impl Served {
    fn as_str(self) -> &'static str {
        match self {
            Served::Miss => "miss",
            Served::Hit => "hit",
            Served::Stale => "stale",
        }
    }
}

/// The cache's settings.
#[derive(Debug, Clone)]
pub struct CacheConfig {
    /// How long a read of the store's version is reused before it is read again. Zero (the
    /// default, what tests use) reads it on every request; a server under load uses
    /// [`CacheConfig::serving`].
    pub version_memo: Duration,
    /// The most bytes of answers kept (older versions go first, then the least used).
    pub max_bytes: u64,
}

impl CacheConfig {
    /// A server's settings: the version read at most once a second, so that a change made by
    /// another process (or behind the web's back) shows within that second, while a stream of
    /// accepted protocols makes each answer computed at most once a second.
    pub fn serving() -> Self {
        CacheConfig {
            version_memo: Duration::from_secs(1),
            ..CacheConfig::default()
        }
    }
}

impl Default for CacheConfig {
    fn default() -> Self {
        CacheConfig {
            version_memo: Duration::ZERO,
            max_bytes: 64 * 1024 * 1024,
        }
    }
}

/// What a cached answer depends on besides its key: the store's audit head and the calendar's
/// phase (how many of the elections' deadline instants have passed by the app's clock).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Version {
    audit: i64,
    phase: usize,
}

impl Version {
    /// Whether the store has moved on from `self` to `other` (the audit head only grows, and
    /// the clock only passes more deadlines).
    fn before(self, other: Version) -> bool {
        (self.audit, self.phase) < (other.audit, other.phase)
    }
}

/// An answer ready to send: its body, type and `ETag` (a hash of the body).
#[derive(Debug)]
pub(crate) struct Rendered {
    body: Bytes,
    content_type: &'static str,
    etag: HeaderValue,
}

impl Rendered {
    /// An HTML page.
    pub fn html(body: String) -> Rendered {
        Rendered::new(body.into(), "text/html; charset=utf-8")
    }

    /// A JSON answer.
    pub fn json(body: Vec<u8>) -> Rendered {
        Rendered::new(body.into(), "application/json")
    }

    fn new(body: Bytes, content_type: &'static str) -> Rendered {
        let tag = format!("\"{}\"", &blake3::hash(&body).to_hex()[..32]);
        Rendered {
            etag: HeaderValue::from_str(&tag).unwrap_or(HeaderValue::from_static("\"\"")),
            body,
            content_type,
        }
    }

    /// The answer to a request with `request`'s headers: `304 Not Modified` when the reader
    /// already holds this body, with the cache headers either way.
    pub fn respond(&self, request: &HeaderMap, served: Served) -> Response {
        let etag = self.etag.to_str().unwrap_or_default();
        let fresh = request
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
        let mut response = if fresh {
            StatusCode::NOT_MODIFIED.into_response()
        } else {
            (
                [(header::CONTENT_TYPE, self.content_type)],
                self.body.clone(),
            )
                .into_response()
        };
        let h = response.headers_mut();
        h.insert(header::ETAG, self.etag.clone());
        h.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(if served == Served::Stale {
                STALE_MAX_AGE
            } else {
                MAX_AGE
            }),
        );
        h.insert(
            header::VARY,
            HeaderValue::from_static("Cookie, Accept-Language"),
        );
        h.insert(X_CACHE, HeaderValue::from_static(served.as_str()));
        response
    }

    fn weight(&self) -> u32 {
        u32::try_from(self.body.len()).unwrap_or(u32::MAX)
    }
}

/// Values kept per key and version, each computed once however many ask at the same time.
pub(crate) struct Versioned<K, V> {
    entries: moka::future::Cache<(K, Version), V>,
}

impl<K, V> Versioned<K, V>
where
    K: Hash + Eq + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    fn new(entries: moka::future::Cache<(K, Version), V>) -> Self {
        Versioned { entries }
    }

    /// A cache of at most `capacity` values.
    pub fn with_capacity(capacity: u64) -> Self {
        Versioned::new(
            moka::future::Cache::builder()
                .max_capacity(capacity)
                .time_to_idle(IDLE)
                .build(),
        )
    }

    /// The value of `key` at `version` if it is there.
    async fn get(&self, key: K, version: Version) -> Option<V> {
        self.entries.get(&(key, version)).await
    }

    /// The value of `key` at `version`, and whether it was already there; computed by `make`
    /// otherwise (a failure is not kept, the next request tries again).
    pub async fn get_or_try<E, F>(
        &self,
        key: K,
        version: Version,
        make: F,
    ) -> Result<(V, bool), Arc<E>>
    where
        E: Send + Sync + 'static,
        F: Future<Output = Result<V, E>>,
    {
        let entry = self
            .entries
            .entry((key, version))
            .or_try_insert_with(make)
            .await?;
        let hit = !entry.is_fresh();
        Ok((entry.into_value(), hit))
    }
}

/// The store's version, read at most once per memo.
struct VersionMemo {
    memo: Duration,
    /// The last read (when it started, what it found) and the instant before which no read
    /// may be kept (the last [`PublicCache::written`]).
    last: Mutex<(Option<Read>, Option<Instant>)>,
}

/// A read of the version: when it started, what it found.
type Read = (Instant, i64);

impl VersionMemo {
    fn new(memo: Duration) -> Self {
        VersionMemo {
            memo,
            last: Mutex::new((None, None)),
        }
    }

    fn recent(&self) -> Option<i64> {
        let last = self.last.lock().unwrap_or_else(PoisonError::into_inner);
        last.0
            .filter(|(at, _)| at.elapsed() < self.memo)
            .map(|(_, v)| v)
    }

    /// Keeps what a read that started `at` found, unless a newer read is kept or a write was
    /// seen after the read started (it may have missed the write).
    fn keep(&self, at: Instant, version: i64) {
        let mut last = self.last.lock().unwrap_or_else(PoisonError::into_inner);
        let newer_read = last.0.is_some_and(|(t, _)| t > at);
        let written_since = last.1.is_some_and(|w| w >= at);
        if !newer_read && !written_since {
            last.0 = Some((at, version));
        }
    }

    fn forget(&self) {
        let mut last = self.last.lock().unwrap_or_else(PoisonError::into_inner);
        *last = (None, Some(Instant::now()));
    }
}

/// The public answers of this server process and the version they are keyed by.
pub(crate) struct PublicCache {
    version: VersionMemo,
    /// Every election's deadline instants (opening and closing), sorted, per audit head.
    instants: Versioned<(), Arc<Vec<Timestamp>>>,
    answers: Versioned<String, Arc<Rendered>>,
    /// The newest answer made of each key, served to the readers who come while a newer one
    /// of the same key is being made: a stream of accepted protocols is a new version every
    /// few milliseconds, and the election's whole count takes a second to remake, so without
    /// it every reader would wait for a recount. It is never kept as a newer version's answer,
    /// and a reader who comes when nothing is being made gets the version they read.
    previous: moka::future::Cache<String, (Version, Arc<Rendered>)>,
    /// How many requests are making an answer of each key now (a key leaves at zero).
    making: Arc<Mutex<HashMap<String, usize>>>,
}

/// One request making an answer of a key; counted in [`PublicCache::making`] until dropped,
/// whether it finished, failed or was abandoned (the reader went away).
struct Making {
    making: Arc<Mutex<HashMap<String, usize>>>,
    key: String,
}

impl Drop for Making {
    fn drop(&mut self) {
        let mut making = self.making.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(n) = making.get_mut(&self.key) {
            *n -= 1;
            if *n == 0 {
                making.remove(&self.key);
            }
        }
    }
}

impl PublicCache {
    pub fn new(config: &CacheConfig) -> Arc<Self> {
        Arc::new(PublicCache {
            version: VersionMemo::new(config.version_memo),
            instants: Versioned::with_capacity(4),
            answers: Versioned::new(
                moka::future::Cache::builder()
                    .weigher(|_, v: &Arc<Rendered>| v.weight())
                    .max_capacity(config.max_bytes)
                    .time_to_idle(IDLE)
                    .build(),
            ),
            previous: moka::future::Cache::builder()
                .weigher(|_, (_, v): &(Version, Arc<Rendered>)| v.weight())
                .max_capacity(config.max_bytes / 4)
                .time_to_idle(IDLE)
                .build(),
            making: Arc::default(),
        })
    }

    /// The version the store is at now (see the module documentation).
    pub async fn version(&self, state: &AppState) -> Result<Version, Arc<ElectionCalendarError>> {
        let audit = match self.version.recent() {
            Some(v) => v,
            None => {
                let at = Instant::now();
                let v = state
                    .store
                    .audit_head()
                    .await
                    .map_err(|e| Arc::new(e.into()))?
                    .map_or(0, |(count, _)| count);
                self.version.keep(at, v);
                v
            }
        };
        let at_audit = Version { audit, phase: 0 };
        let (instants, _) = self
            .instants
            .get_or_try((), at_audit, deadline_instants(state.store.as_ref()))
            .await?;
        let now = state.now();
        Ok(Version {
            audit,
            phase: instants.partition_point(|t| *t <= now),
        })
    }

    /// Forgets the memoised version: this process is about to write (or just wrote), and the
    /// next reader must see it.
    pub fn written(&self) {
        self.version.forget();
    }

    /// The answer `key` names at `version`, from memory or made by `make` (once, however many
    /// ask at the same time), as a response to a request with `request`'s headers. Without a
    /// key (a page that carries a signed-in staff member's name and menu) it is made for this
    /// request alone.
    pub async fn answer<E, F>(
        &self,
        key: Option<String>,
        version: Version,
        request: &HeaderMap,
        make: F,
    ) -> Result<Response, Arc<E>>
    where
        E: Send + Sync + 'static,
        F: Future<Output = Result<Rendered, E>>,
    {
        let Some(key) = key else {
            return Ok(make.await.map_err(Arc::new)?.respond(request, Served::Miss));
        };
        if let Some(found) = self.answers.get(key.clone(), version).await {
            return Ok(found.respond(request, Served::Hit));
        }
        let making = self.start_making(&key);
        if making.is_none()
            && let Some((_, previous)) = self.previous.get(&key).await
        {
            return Ok(previous.respond(request, Served::Stale));
        }
        let (rendered, hit) = self
            .answers
            .get_or_try(key.clone(), version, async { make.await.map(Arc::new) })
            .await?;
        let newest = self
            .previous
            .get(&key)
            .await
            .is_none_or(|(kept, _)| kept.before(version));
        if newest {
            self.previous.insert(key, (version, rendered.clone())).await;
        }
        drop(making);
        let served = if hit { Served::Hit } else { Served::Miss };
        Ok(rendered.respond(request, served))
    }

    /// Counts this request as making `key`'s answer, unless another request is making it
    /// already (then `None`: the previous answer may be served meanwhile).
    fn start_making(&self, key: &str) -> Option<Making> {
        let mut making = self.making.lock().unwrap_or_else(PoisonError::into_inner);
        if making.contains_key(key) {
            return None;
        }
        making.insert(key.to_owned(), 1);
        Some(Making {
            making: Arc::clone(&self.making),
            key: key.to_owned(),
        })
    }

    /// The key of a page that is the same for every visitor in a language (its address and
    /// language); none for a signed-in staff member, whose copy carries their name and menu.
    pub fn page_key(ctx: &PageCtx) -> Option<String> {
        ctx.staff
            .is_none()
            .then(|| format!("page {} {}", ctx.lang.code(), ctx.here()))
    }

    /// The key of a JSON answer: its address and the language of its names.
    pub fn api_key(lang: Lang, path: &str) -> Option<String> {
        Some(format!("api {} {path}", lang.code()))
    }
}

/// Every election's deadline instants, opening and closing, with the CEC's overrides, sorted:
/// what a public answer can depend on time through (a window open or closed, as a ballot fixed
/// once registration closes, RES-02).
async fn deadline_instants(
    store: &dyn shailoo_app::Store,
) -> Result<Arc<Vec<Timestamp>>, ElectionCalendarError> {
    let mut instants = Vec::new();
    for election in store.elections().await? {
        let calendar = shailoo_app::setup::calendar_of(store, &election).await?;
        for d in calendar.deadlines() {
            instants.extend([d.starts_at(), d.closes_at()]);
        }
    }
    instants.sort_unstable();
    Ok(Arc::new(instants))
}

/// Why an answer could not be made: the use case refused (or its store failed), or the
/// answer did not render (a bug, logged; the reader gets the error page).
#[derive(Debug)]
pub(crate) enum Unanswered<E> {
    Refused(E),
    Render(String),
}

impl<E> From<E> for Unanswered<E> {
    fn from(e: E) -> Self {
        Unanswered::Refused(e)
    }
}

impl<E: Refusal> Refusal for Unanswered<E> {
    fn status(&self) -> StatusCode {
        match self {
            Unanswered::Refused(e) => e.status(),
            Unanswered::Render(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
    fn error_code(&self) -> ErrorCode {
        match self {
            Unanswered::Refused(e) => e.error_code(),
            Unanswered::Render(why) => {
                tracing::error!(error = %why, "a public answer failed to render");
                ErrorCode::Internal
            }
        }
    }
    fn store_error(&self) -> Option<&StoreError> {
        match self {
            Unanswered::Refused(e) => e.store_error(),
            Unanswered::Render(_) => None,
        }
    }
    fn message(&self, lang: Lang) -> String {
        match self {
            Unanswered::Refused(e) => e.message(lang),
            Unanswered::Render(_) => lang.error(ErrorCode::Internal),
        }
    }
}

/// A refusal shared by every reader who waited for the same computation.
impl<E: Refusal> Refusal for Arc<E> {
    fn status(&self) -> StatusCode {
        self.as_ref().status()
    }
    fn error_code(&self) -> ErrorCode {
        self.as_ref().error_code()
    }
    fn store_error(&self) -> Option<&StoreError> {
        self.as_ref().store_error()
    }
    fn message(&self, lang: Lang) -> String {
        self.as_ref().message(lang)
    }
}

/// After a request that may write (any but GET, HEAD, OPTIONS, TRACE), the next public
/// answer reads the store's version again, so that this process's own writes show at once.
pub(crate) async fn forget_after_writes(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let writes = !request.method().is_safe();
    let response = next.run(request).await;
    if writes {
        state.public_cache.written();
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(audit: i64) -> Version {
        Version { audit, phase: 0 }
    }

    #[tokio::test]
    async fn a_value_is_computed_once_per_version_and_never_served_for_another() {
        let cache: Versioned<&str, u32> = Versioned::with_capacity(16);
        let make = |n| async move { Ok::<_, ()>(n) };
        assert_eq!(
            cache
                .get_or_try("k", v(1), make(1))
                .await
                .expect("computed"),
            (1, false)
        );
        assert_eq!(
            cache
                .get_or_try("k", v(1), make(9))
                .await
                .expect("computed"),
            (1, true)
        );
        assert_eq!(
            cache
                .get_or_try("k", v(2), make(2))
                .await
                .expect("computed"),
            (2, false)
        );
        let failed = cache
            .get_or_try("k", v(3), async { Err::<u32, _>("down") })
            .await;
        assert!(failed.is_err());
        assert_eq!(
            cache
                .get_or_try("k", v(3), make(3))
                .await
                .expect("computed"),
            (3, false),
            "a failure is not kept"
        );
    }

    #[test]
    fn the_answer_is_not_modified_for_a_reader_who_holds_it() {
        let page = Rendered::html("<p>results</p>".to_owned());
        let mut request = HeaderMap::new();
        let first = page.respond(&request, Served::Miss);
        assert_eq!(first.status(), StatusCode::OK);
        assert_eq!(first.headers()[X_CACHE], "miss");
        let tag = first.headers()[header::ETAG].clone();
        request.insert(header::IF_NONE_MATCH, tag);
        let again = page.respond(&request, Served::Hit);
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(again.headers()[header::CACHE_CONTROL], MAX_AGE);
    }

    #[tokio::test]
    async fn the_previous_answer_is_served_only_while_a_newer_one_is_being_made() {
        let cache = PublicCache::new(&CacheConfig::default());
        let request = HeaderMap::new();
        let key = || Some("page en /results".to_owned());
        let made = |body: &str| {
            let body = body.to_owned();
            async move { Ok::<_, ()>(Rendered::html(body)) }
        };
        let first = cache
            .answer(key(), v(1), &request, made("one"))
            .await
            .expect("made");
        assert_eq!(first.headers()[X_CACHE], "miss");
        // While a request makes version 2 (held open here), another reader of version 2 gets
        // version 1's answer, marked stale and kept by the reader for a second only.
        let (release, hold) = tokio::sync::oneshot::channel::<()>();
        let slow = async {
            hold.await.ok();
            Ok::<_, ()>(Rendered::html("two".to_owned()))
        };
        let maker = cache.answer(key(), v(2), &request, slow);
        let reader = async {
            tokio::task::yield_now().await;
            let stale = tokio::time::timeout(
                Duration::from_secs(5),
                cache.answer(key(), v(2), &request, made("never")),
            )
            .await
            .expect("served without waiting for the maker")
            .expect("served");
            release.send(()).ok();
            stale
        };
        let (made_two, stale) = tokio::join!(maker, reader);
        assert_eq!(stale.headers()[X_CACHE], "stale");
        assert_eq!(stale.headers()[header::CACHE_CONTROL], STALE_MAX_AGE);
        let body = axum::body::to_bytes(stale.into_body(), 1024)
            .await
            .expect("body");
        assert_eq!(&body[..], b"one");
        assert_eq!(made_two.expect("made").headers()[X_CACHE], "miss");
        // Nothing being made: a reader gets the version they read, never the previous one.
        let fresh = cache
            .answer(key(), v(3), &request, made("three"))
            .await
            .expect("made");
        assert_eq!(fresh.headers()[X_CACHE], "miss");
        let body = axum::body::to_bytes(fresh.into_body(), 1024)
            .await
            .expect("body");
        assert_eq!(&body[..], b"three");
    }

    #[test]
    fn a_read_of_the_version_is_kept_only_if_nothing_newer_was_seen() {
        let memo = VersionMemo::new(Duration::from_secs(60));
        let earlier = Instant::now();
        let later = earlier + Duration::from_millis(5);
        memo.keep(later, 7);
        memo.keep(earlier, 6);
        assert_eq!(memo.recent(), Some(7));
        memo.forget();
        assert_eq!(memo.recent(), None);
        memo.keep(earlier, 7);
        assert_eq!(
            memo.recent(),
            None,
            "a read that began before the write is not kept"
        );
    }
}
