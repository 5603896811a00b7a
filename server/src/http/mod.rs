//! The HTTP surface: plain axum routes next to the Leptos pages, and the middleware stack
//! every response goes through.

pub mod api;
mod auth_forms;
pub(crate) mod body_limit;
mod client_meta;
mod csrf;
mod health;
mod platform_sso;
mod request_trace;
mod security_headers;
pub mod server_fn_guard;
mod sso;
mod static_files;

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
    /// The public origin, the only one allowed to send state-changing requests.
    pub public_origin: String,
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The site bundle `/readyz` checks (none for a binary built without one).
    pub site_bundle: Option<crate::site_bundle::SiteBundle>,
}

impl HttpSettings {
    pub fn from_config(config: &Config) -> Self {
        Self {
            max_body_bytes: config.max_body_bytes,
            hsts: config.public_url.starts_with("https://"),
            public_origin: config.public_url.clone(),
            trusted_proxies: config.trusted_proxies.clone(),
            site_bundle: crate::site_bundle::SiteBundle::of_this_build(
                &config.site_root,
                crate::PKG_DIR,
                crate::OUTPUT_NAME,
            ),
        }
    }
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            max_body_bytes: 2 * 1024 * 1024,
            hsts: false,
            public_origin: "http://127.0.0.1:3000".into(),
            trusted_proxies: Vec::new(),
            site_bundle: None,
        }
    }
}

/// Time allowed to produce response headers (streams may then run longer).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The whole application as a router, so tests can drive it without a socket.
pub fn build_router(state: AppState, settings: &HttpSettings) -> Router {
    build_router_with(state, settings, api::endpoints())
}

/// As `build_router`, with a given table of REST endpoints (tests add unguarded ones to
/// prove the auth sweep notices).
pub fn build_router_with(
    state: AppState,
    settings: &HttpSettings,
    endpoints: Vec<api::Endpoint>,
) -> Router {
    let csrf_policy = std::sync::Arc::new(csrf::CsrfPolicy {
        public_origin: settings.public_origin.clone(),
        session_cookies: ["__Host-parley_session", "parley_session"],
    });
    let trusted_proxies = std::sync::Arc::new(settings.trusted_proxies.clone());
    let routes = generate_route_list(app::App);
    let leptos_options = state.leptos_options().clone();
    let context_state = state.clone();
    let provide_state = move || leptos::prelude::provide_context(context_state.clone());

    let pages = Router::new()
        .merge(health::routes(settings.site_bundle.clone()))
        .merge(static_files::pkg_routes(&leptos_options))
        .merge(auth_forms::routes())
        .merge(sso::routes())
        .merge(platform_sso::routes())
        .leptos_routes_with_context(&state, routes, provide_state.clone(), {
            let options = leptos_options.clone();
            move || app::shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(provide_state, app::shell))
        // Everything above; the REST API compresses per endpoint (not its streams).
        .layer(CompressionLayer::new())
        .merge(api::router(endpoints))
        // Sign-in is the default for every server function (see server_fn_guard).
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            server_fn_guard::require_caller,
        ))
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
            .layer(axum::middleware::from_fn_with_state(
                trusted_proxies,
                client_meta::attach,
            ))
            .layer(axum::middleware::from_fn_with_state(
                csrf_policy,
                csrf::protect,
            ))
            .layer(axum::middleware::map_response_with_state(
                security_headers::Policy {
                    hsts: settings.hsts,
                },
                security_headers::apply,
            ))
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
