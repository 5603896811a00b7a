//! The Parley server: configuration, the HTTP stack and the process lifecycle around the
//! `app` crate. `build_router` is public so integration tests drive it without a socket.

pub mod config;
pub mod connections;
pub mod http;
pub mod serve;
pub mod shutdown;
pub mod telemetry;

pub use http::{build_router, HttpSettings};

use leptos::prelude::LeptosOptions;
use std::{net::SocketAddr, path::Path};

/// Leptos settings for this build: the site cargo-leptos wrote under `site_root`, with
/// hashed file names when the build left its hash file next to the binary.
pub fn leptos_options(site_root: &Path, addr: SocketAddr, production: bool) -> LeptosOptions {
    let hash_file = "hash.txt";
    LeptosOptions::builder()
        .output_name("parley")
        .site_root(site_root.to_string_lossy().as_ref())
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .env(if production {
            leptos::config::Env::PROD
        } else {
            leptos::config::Env::DEV
        })
        .hash_file(hash_file.into())
        .hash_files(http::hash_file_present(hash_file))
        .build()
}
