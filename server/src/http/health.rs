//! `/healthz`: the process answers. `/readyz`: the database answers too and the site
//! bundle this binary links to is there, else 503 with a reason (load balancers take the
//! instance out until it recovers, without a restart).

use crate::site_bundle::SiteBundle;
use app::backend::{error::DomainError, services::status, state::AppState};
use axum::{extract::State, http::StatusCode, response::IntoResponse, routing::get, Json, Router};
use serde_json::json;

pub fn routes(bundle: Option<SiteBundle>) -> Router<AppState> {
    Router::new().route("/healthz", get(healthz)).route(
        "/readyz",
        get(move |state: State<AppState>| readyz(state, bundle.clone())),
    )
}

async fn healthz() -> impl IntoResponse {
    Json(json!({ "status": "ok" }))
}

async fn readyz(State(state): State<AppState>, bundle: Option<SiteBundle>) -> impl IntoResponse {
    if let Some(bundle) = bundle.as_ref() {
        let missing = bundle.missing();
        if !missing.is_empty() {
            let problem = bundle.problem();
            tracing::warn!(missing = ?missing, "not ready: {problem}");
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "status": "unavailable", "site": "missing", "reason": problem })),
            );
        }
    }
    match status::readiness(&state).await {
        Ok(latency) => (
            StatusCode::OK,
            Json(json!({
                "status": "ready",
                "database": "ok",
                "database_latency_ms": latency.as_secs_f64() * 1000.0,
            })),
        ),
        Err(err) => {
            let reason = match &err {
                DomainError::Internal(_) => "the database did not answer in time",
                DomainError::Db(sea_orm::DbErr::Conn(_) | sea_orm::DbErr::ConnectionAcquire(_)) => {
                    "the database cannot be reached"
                }
                _ => "the database answered with an error",
            };
            tracing::warn!(error = %err, "not ready");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "status": "unavailable", "database": "error", "reason": reason })),
            )
        }
    }
}
