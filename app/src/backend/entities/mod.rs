//! SeaORM entities. Private to `backend`: other code sees DTOs and service functions only.

pub(crate) mod user;
