//! Timestamps in the reader's own time zone. Only the browser knows it, so pages that show
//! times render them after hydration; the server falls back to UTC.

use super::date_text::{day_month, hour_minute, long};
use chrono::{DateTime, Datelike, Duration, Utc};

/// The browser's offset from UTC (zero on the server).
fn offset() -> Duration {
    #[cfg(feature = "hydrate")]
    {
        // JavaScript gives minutes *behind* UTC.
        let minutes = web_sys::js_sys::Date::new_0().get_timezone_offset();
        #[allow(clippy::cast_possible_truncation)]
        Duration::minutes(-(minutes as i64))
    }
    #[cfg(not(feature = "hydrate"))]
    Duration::zero()
}

/// `14:05` today, `12 Nov 14:05` this year, `12 Nov 2025` before.
pub fn short(at: DateTime<Utc>) -> String {
    let now = Utc::now().naive_utc() + offset();
    let local = at.naive_utc() + offset();
    if local.date() == now.date() {
        hour_minute(local)
    } else if local.year() == now.year() {
        format!("{} {}", day_month(local), hour_minute(local))
    } else {
        format!("{} {}", day_month(local), local.year())
    }
}

/// The full time, for a tooltip.
pub fn full(at: DateTime<Utc>) -> String {
    long(at.naive_utc() + offset())
}
