//! (being written)

use crate::AppState;
use axum::Router;

/// The page routes; merged into the pages router.
pub fn routes() -> Router<AppState> {
    Router::new()
}
