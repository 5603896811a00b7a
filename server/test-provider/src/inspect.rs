//! Endpoints for tests that drive the provider over HTTP (Playwright, scripts) rather than
//! through a [`crate::Handle`]: the request log and live counters.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Json;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use crate::record::RecordedRequest;
use crate::state::SharedState;

pub(crate) fn routes() -> Router<SharedState> {
    Router::new()
        .route("/__requests", get(requests).delete(clear))
        .route("/__stats", get(stats))
}

async fn requests(State(state): State<SharedState>) -> Json<Vec<RecordedRequest>> {
    Json(state.requests())
}

async fn clear(State(state): State<SharedState>) -> StatusCode {
    state.clear_requests();
    StatusCode::NO_CONTENT
}

async fn stats(State(state): State<SharedState>) -> Json<Value> {
    Json(json!({
        "open_streams": state.open_streams(),
        "requests": state.request_count(),
    }))
}
