//! Drives the provider over real HTTP, the way Parley's OpenAI client does. One binary with a
//! module per area (link time is scarce on 2 cores).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod azure;
mod chat;
mod failures;
mod models;
mod process;
mod recording;
mod streaming;
mod support;
