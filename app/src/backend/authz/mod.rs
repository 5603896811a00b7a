//! Authorization that cannot be forgotten.
//!
//! * `TenantCtx` (tenant, user, role) is built only here, from a signed-in `Caller` and a
//!   tenant slug resolved against the caller's memberships: a tenant the caller is not in is
//!   `NotFound`, exactly like a tenant that does not exist.
//! * `ctx.require::<G>()` checks the role matrix (`crate::roles`) and yields
//!   `Authorized<G>`; services that change data take an `Authorized<…>`, so calling one
//!   without the check does not compile.
//! * Queries run in a `TenantTx` that filters on the tenant (and on PostgreSQL sets it for
//!   row-level security). `SystemCtx` is the only cross-tenant path, and every use of it is
//!   written to the platform audit log. `SignInScope` lets an anonymous SSO sign-in reach
//!   the one tenant named in its URL.

mod ctx;
pub mod grants;
mod sign_in;
mod system;

pub use ctx::{Authorized, TenantCtx, TenantInfo};
pub use grants::Grant;
pub use sign_in::SignInScope;
pub use system::SystemCtx;
