//! Answers being generated. A generation runs as its own task, detached from the request
//! that started it: closing the browser tab does not stop it, a reload re-attaches to it,
//! and the text is written to the database as it streams, so a crash loses at most the
//! last fraction of a second. REST callers that asked for a stream stop it by disconnecting.

mod follower;
mod live;
mod registry;
mod runner;
pub mod sweep;

pub use follower::{FollowEvent, Follower};
pub use live::{Live, StopReason};
pub use registry::Generations;
pub use runner::{spawn, Answer, Job};
