//! The HTTP surface: plain axum routes next to the Leptos pages, and the middleware stack
//! every response goes through.

mod body_limit;
mod health;
mod request_trace;
mod security_headers;
mod static_files;

pub use static_files::hash_file_present;

use crate::config::Config;
use app::backend::state::AppState;
use axum::Router;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::time::Duration;
use tower::ServiceBuilder;
use tower_http::{
    catch_panic::CatchPanicLayer,
    compression::CompressionLayer,
    limit::RequestBodyLimitLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    sensitive_headers::SetSensitiveRequestHeadersLayer,
    timeout::TimeoutLayer,
};

/// Settings of the HTTP stack taken from the configuration.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    pub max_body_bytes: usize,
    /// Send `Strict-Transport-Security` (the public URL is https).
    pub hsts: bool,
}

impl HttpSettings {
    pub fn from_config(config: &Config) -> Self {
        Self {
            max_body_bytes: config.max_body_bytes,
            hsts: config.public_url.starts_with("https://"),
        }
    }
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            max_body_bytes: 2 * 1024 * 1024,
            hsts: false,
        }
    }
}

/// Time allowed to produce response headers (streams may then run longer).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The whole application as a router, so tests can drive it without a socket.
pub fn build_router(state: AppState, settings: &HttpSettings) -> Router {
    let routes = generate_route_list(app::App);
    let leptos_options = state.leptos_options().clone();
    let context_state = state.clone();
    let provide_state = move || leptos::prelude::provide_context(context_state.clone());

    let pages = Router::new()
        .merge(health::routes())
        .merge(static_files::pkg_routes(&leptos_options))
        .leptos_routes_with_context(&state, routes, provide_state.clone(), {
            let options = leptos_options.clone();
            move || app::shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(provide_state, app::shell))
        .with_state(state);

    let request_id = http::HeaderName::from_static("x-request-id");
    pages.layer(
        ServiceBuilder::new()
            .layer(SetSensitiveRequestHeadersLayer::new([
                http::header::AUTHORIZATION,
                http::header::COOKIE,
            ]))
            .layer(SetRequestIdLayer::new(request_id.clone(), MakeRequestUuid))
            .layer(request_trace::layer())
            .layer(PropagateRequestIdLayer::new(request_id))
            .layer(CatchPanicLayer::custom(request_trace::panic_response))
            .layer(axum::middleware::map_response_with_state(
                security_headers::Policy {
                    hsts: settings.hsts,
                },
                security_headers::apply,
            ))
            .layer(CompressionLayer::new())
            .layer(TimeoutLayer::with_status_code(
                http::StatusCode::REQUEST_TIMEOUT,
                REQUEST_TIMEOUT,
            ))
            .layer(axum::middleware::map_response(
                body_limit::json_payload_too_large,
            ))
            .layer(RequestBodyLimitLayer::new(settings.max_body_bytes)),
    )
}
