//! Turning stored text into HTML for pages. Everything here treats its input as untrusted.

pub mod markdown;
