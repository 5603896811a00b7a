//! Business logic, shared by server functions and REST handlers.

pub mod first_admin;
pub mod migrations;
pub mod status;
