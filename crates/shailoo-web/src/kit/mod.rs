//! The web kit: what every feature folder shares, so that every page and every API handler
//! reads requests, refuses and renders the same way.
//!
//! * [`access`]: the gate of every declared route and the page of a refused action.
//! * [`page`]: the page context, rendering, the error page; [`pager`]: listing pages' paging.
//! * [`fail`]: ONE failure type for pages ([`PageFail`]), ONE for the API ([`ApiError`]), and
//!   ONE mapping from a refusal to a response ([`Refusal`]), each refusal under a
//!   [`ErrorCode`](shailoo_domain::ErrorCode).
//! * [`input`]: THE way request text comes in: `Query`, `Form` and `Json` extractors and
//!   multipart text fields, refusing control and bidirectional formatting characters.
//! * [`session`]: staff sessions, tokens and cookies; [`forms`]: CSRF, the election of a page,
//!   multipart forms; [`api`]: the API's language and query parameters.
//! * [`calendar`]: an election's calendar with overrides, and a closed window's wording.
//! * [`format`]: dates, times, instants, names; [`i18n`]: languages and the catalogues.
//! * [`client`]: the client's address; [`rate_limit`]: GCRA limits per key.
//! * [`cache`]: public answers served from memory until the store's version changes.

pub(crate) mod access;
pub(crate) mod api;
pub(crate) mod bars;
pub(crate) mod cache;
pub(crate) mod calendar;
pub(crate) mod client;
pub(crate) mod fail;
pub(crate) mod format;
pub(crate) mod forms;
pub mod i18n;
pub(crate) mod input;
pub(crate) mod page;
pub(crate) mod pager;
pub mod rate_limit;
pub(crate) mod session;

pub(crate) use api::{ApiLang, ApiResult, LangQuery};
pub(crate) use fail::{ApiError, ErrorBody, OrRefused, PageFail, PageResult, Refusal};
pub(crate) use i18n::Lang;
pub(crate) use page::{PageCtx, render};
