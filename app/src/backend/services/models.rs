//! Which models members may use, and resolving a requested model to its provider.
//! A model id is `<provider id>/<model name>`; REST callers may also give a bare name.

use super::chat_settings;
use super::chat_view::provider_models;
use crate::backend::{
    authz::{grants, Authorized},
    error::DomainError,
    repo::{providers, providers::Provider, scope::TenantTx},
    state::AppState,
};
use crate::dto::chat::ModelDto;
use crate::roles::Role;
use uuid::Uuid;

pub fn model_id(provider_id: Uuid, name: &str) -> String {
    format!("{provider_id}/{name}")
}

/// Splits `<uuid>/<name>`; model names may themselves contain `/`.
fn split_id(id: &str) -> Option<(Uuid, &str)> {
    let (provider, name) = id.split_at_checked(36)?;
    Some((Uuid::parse_str(provider).ok()?, name.strip_prefix('/')?))
}

/// Every enabled model of the tenant, by provider name then model name.
///
/// # Errors
/// Database errors.
pub async fn enabled(tx: &TenantTx) -> Result<Vec<ModelDto>, DomainError> {
    let mut out = Vec::new();
    for provider in providers::list(tx).await? {
        for model in provider_models(&provider).into_iter().filter(|m| m.enabled) {
            out.push(ModelDto {
                id: model_id(provider.id, &model.name),
                provider_id: provider.id,
                name: model.name,
                provider_name: provider.name.clone(),
            });
        }
    }
    Ok(out)
}

/// The models this caller may pick: all enabled ones, or only the default when the
/// tenant lets only admins choose.
///
/// # Errors
/// Database errors.
pub async fn available(
    state: &AppState,
    auth: &Authorized<grants::UseWorkspace>,
) -> Result<Vec<ModelDto>, DomainError> {
    let tx = auth.begin(state).await?;
    let settings = chat_settings::load(&tx).await?;
    let mut models = enabled(&tx).await?;
    tx.commit().await?;
    if !settings.members_choose_model && auth.ctx().role() < Role::Admin {
        models.retain(|m| settings.default_model.as_deref() == Some(m.id.as_str()));
    }
    Ok(models)
}

/// A usable model: its provider row and name.
pub struct Resolved {
    pub provider: Provider,
    pub name: String,
    pub id: String,
}

/// Finds an enabled model by id or bare name.
///
/// # Errors
/// A validation error on `model` naming what to do.
pub async fn resolve(tx: &TenantTx, requested: &str) -> Result<Resolved, DomainError> {
    let unknown = || {
        DomainError::validation(
            "model",
            format!("The model “{requested}” is not enabled in this organisation. Pick one from the list."),
        )
    };
    let providers = providers::list(tx).await?;
    let wanted = split_id(requested);
    for provider in providers {
        let matches_provider = wanted.is_none_or(|(id, _)| id == provider.id);
        let name = wanted.map_or(requested, |(_, name)| name);
        if matches_provider
            && provider_models(&provider)
                .iter()
                .any(|m| m.enabled && m.name == name)
        {
            return Ok(Resolved {
                id: model_id(provider.id, name),
                name: name.to_string(),
                provider,
            });
        }
    }
    Err(unknown())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_split_at_the_provider_even_with_slashes_in_names() {
        let provider = Uuid::new_v4();
        let id = model_id(provider, "meta-llama/Llama-3.1-8B");
        assert_eq!(split_id(&id), Some((provider, "meta-llama/Llama-3.1-8B")));
        assert_eq!(split_id("gpt-4o-mini"), None);
    }
}
