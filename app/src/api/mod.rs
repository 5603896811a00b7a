//! `#[server]` functions, one file per area. Each is a public HTTP endpoint: it names its
//! endpoint explicitly and stays a thin adapter over a backend service.

pub mod system;
