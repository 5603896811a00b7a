//! The Parley server: configuration, the HTTP stack and the process lifecycle around the
//! `app` crate. `build_router` is public so integration tests drive it without a socket.

pub mod config;
pub mod connections;
pub mod http;
pub mod serve;
pub mod shutdown;
pub mod site_bundle;
pub mod telemetry;

pub use http::{build_router, HttpSettings};

use leptos::prelude::LeptosOptions;
use std::{net::SocketAddr, path::Path};

/// The name cargo-leptos gives the bundle's files, and the folder under the site root
/// they are served from (`[workspace.metadata.leptos]` in Cargo.toml).
pub const OUTPUT_NAME: &str = "parley";
pub const PKG_DIR: &str = "pkg";

/// Leptos settings for this build: the site cargo-leptos wrote under `site_root`, with
/// hashed file names when the build left its hash file next to the binary.
pub fn leptos_options(site_root: &Path, addr: SocketAddr, production: bool) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name(OUTPUT_NAME)
        .site_root(site_root.to_string_lossy().as_ref())
        .site_pkg_dir(PKG_DIR)
        .site_addr(addr)
        .env(if production {
            leptos::config::Env::PROD
        } else {
            leptos::config::Env::DEV
        })
        .hash_file(site_bundle::HASH_FILE.into())
        .hash_files(site_bundle::hash_file().is_some())
        .build()
}
