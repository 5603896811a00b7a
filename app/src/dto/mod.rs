//! Types that cross the wire between server functions and the browser. Never entities.

pub mod account;
pub mod chat;
pub mod sso;
pub mod system;
