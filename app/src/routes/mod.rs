//! Pages, one module per page or page group.

pub mod error_page;
pub mod home;
pub mod not_found;
pub mod status;
