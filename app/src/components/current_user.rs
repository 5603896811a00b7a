//! The signed-in user, loaded once per page by the shell and shared through context.

use crate::{api::session::current_user, dto::account::MeDto, error::AppError};
use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct CurrentUser(pub Resource<Result<Option<MeDto>, AppError>>);

pub fn provide_current_user() {
    provide_context(CurrentUser(Resource::new(|| (), |_| current_user())));
}

/// The shell's user resource (a fresh one if the shell did not provide it).
pub fn use_current_user() -> Resource<Result<Option<MeDto>, AppError>> {
    use_context::<CurrentUser>()
        .map(|c| c.0)
        .unwrap_or_else(|| Resource::new(|| (), |_| current_user()))
}

/// The tenant slug of the current URL (`/t/{slug}/…`), if any.
pub fn tenant_slug_of(path: &str) -> Option<String> {
    let rest = path.strip_prefix("/t/")?;
    let slug = rest.split('/').next()?;
    (!slug.is_empty()).then(|| slug.to_string())
}

#[cfg(test)]
mod tests {
    use super::tenant_slug_of;

    #[test]
    fn finds_the_slug_in_tenant_paths_only() {
        assert_eq!(tenant_slug_of("/t/acme/members").as_deref(), Some("acme"));
        assert_eq!(tenant_slug_of("/t/acme").as_deref(), Some("acme"));
        assert_eq!(tenant_slug_of("/account"), None);
        assert_eq!(tenant_slug_of("/t/"), None);
    }
}
