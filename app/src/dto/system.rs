//! The system status shown on the status page.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SystemReport {
    /// Whether the database answered a query just now.
    pub database_ok: bool,
    /// Round-trip time of that query, in microseconds.
    pub database_latency_us: u64,
    /// Migrations applied / known to this build.
    pub migrations_applied: usize,
    pub migrations_total: usize,
    /// Seconds since the server started.
    pub uptime_seconds: u64,
}
