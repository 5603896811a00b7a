//! Dates and times spelt out by hand, in English, for the few fixed shapes pages show. The
//! browser bundle then carries no format-string engine: chrono's (`format("%-d %b")`) brings
//! a parser for the pattern and, through it, the Unicode case tables (24 KB) along.

use chrono::{Datelike, NaiveDateTime, Timelike, Weekday};

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn month(at: NaiveDateTime) -> &'static str {
    MONTHS[at.month0() as usize]
}

fn weekday(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

/// `09:05`
pub fn hour_minute(at: NaiveDateTime) -> String {
    format!("{:02}:{:02}", at.hour(), at.minute())
}

/// `4 Nov`
pub fn day_month(at: NaiveDateTime) -> String {
    format!("{} {}", at.day(), &month(at)[..3])
}

/// `2025-11-04`
pub fn iso_date(at: NaiveDateTime) -> String {
    format!("{:04}-{:02}-{:02}", at.year(), at.month(), at.day())
}

/// `Tuesday 4 November 2025, 09:05:07`
pub fn long(at: NaiveDateTime) -> String {
    format!(
        "{} {} {} {}, {}:{:02}",
        weekday(at.weekday()),
        at.day(),
        month(at),
        at.year(),
        hour_minute(at),
        at.second()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    /// Each shape reads exactly as chrono's own formatting of the same pattern.
    #[test]
    fn shapes_match_the_patterns_they_replace() {
        let mut day = NaiveDate::from_ymd_opt(1999, 12, 31).unwrap();
        for i in 0..400 {
            let at = day
                .and_hms_opt(i % 24, (i * 7) % 60, (i * 13) % 60)
                .unwrap();
            assert_eq!(hour_minute(at), at.format("%H:%M").to_string());
            assert_eq!(day_month(at), at.format("%-d %b").to_string());
            assert_eq!(iso_date(at), at.format("%Y-%m-%d").to_string());
            assert_eq!(long(at), at.format("%A %-d %B %Y, %H:%M:%S").to_string());
            day = day.succ_opt().unwrap();
        }
    }
}
