//! Names of pages as the navigation shows them, for sentences that send people there: one
//! spelling, so a message never points to a page by a name the sidebar does not use.

pub const AI_SETTINGS: &str = "AI settings";
