//! The compiled site bundle (`/pkg`: wasm, JS, CSS), served precompressed (brotli, gzip).
//! File names carry a content hash when the build wrote one, so they may be cached for a
//! year; without hashes they must be revalidated.

use app::backend::state::AppState;
use axum::Router;
use http::{header, HeaderValue};
use leptos::prelude::LeptosOptions;
use tower::ServiceBuilder;
use tower_http::{services::ServeDir, set_header::SetResponseHeaderLayer};

pub fn pkg_routes(options: &LeptosOptions) -> Router<AppState> {
    let cache = if options.hash_files {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let service = ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static(cache),
        ))
        .service(
            ServeDir::new(std::path::Path::new(&*options.site_root).join(&*options.site_pkg_dir))
                .precompressed_br()
                .precompressed_gzip(),
        );
    Router::new().nest_service(&format!("/{}", options.site_pkg_dir), service)
}
