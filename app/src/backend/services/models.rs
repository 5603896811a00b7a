//! Which models members may use, and resolving a requested model to its provider.
//! A model id is `<provider id>/<model name>`; REST callers may also give a bare name.

use super::ai_config::{self, AiConfig};
use super::chat_view::provider_models;
use crate::backend::{
    authz::{grants, Authorized, TenantCtx},
    error::DomainError,
    llm::{
        platform::{PLATFORM_NAME, PLATFORM_PREFIX},
        PlatformAi,
    },
    repo::providers::Provider,
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

/// Where a tenant's models come from: its own providers, and the platform's provider when a
/// super-admin offers it to this tenant.
#[derive(Clone, Copy)]
pub struct Catalog<'a> {
    providers: &'a [Provider],
    platform: Option<&'a PlatformAi>,
}

impl<'a> Catalog<'a> {
    pub fn new(state: &'a AppState, config: &'a AiConfig, ctx: &TenantCtx) -> Self {
        let offered = ctx.tenant().platform_ai && ctx.tenant().id == config.tenant_id;
        Self {
            providers: &config.providers,
            platform: state.platform_ai().filter(|_| offered),
        }
    }

    /// Every enabled model: the tenant's, by provider then model name, then the platform's.
    pub fn enabled(&self) -> Vec<ModelDto> {
        let mut out = Vec::new();
        for provider in self.providers {
            for model in provider_models(provider).into_iter().filter(|m| m.enabled) {
                out.push(ModelDto {
                    id: model_id(provider.id, &model.name),
                    provider_id: provider.id,
                    name: model.name,
                    provider_name: provider.name.clone(),
                });
            }
        }
        for name in self.platform.iter().flat_map(|p| p.models.iter()) {
            out.push(ModelDto {
                id: format!("{PLATFORM_PREFIX}{name}"),
                provider_id: Uuid::nil(),
                name: name.clone(),
                provider_name: PLATFORM_NAME.into(),
            });
        }
        out
    }

    /// The first of [`Catalog::enabled`], resolved: the model an answer uses when neither
    /// the message, the chat nor the tenant names one.
    pub fn first(&self) -> Option<Resolved> {
        for provider in self.providers {
            if let Some(model) = provider_models(provider).into_iter().find(|m| m.enabled) {
                return Some(Resolved {
                    id: model_id(provider.id, &model.name),
                    name: model.name,
                    source: Source::Tenant(provider.clone()),
                });
            }
        }
        self.platform.and_then(|platform| {
            platform.models.first().map(|name| Resolved {
                id: format!("{PLATFORM_PREFIX}{name}"),
                name: name.clone(),
                source: Source::Platform(platform.clone()),
            })
        })
    }

    /// Finds an enabled model by id or bare name.
    ///
    /// # Errors
    /// A validation error on `model` naming what to do.
    pub fn resolve(&self, requested: &str) -> Result<Resolved, DomainError> {
        if let Some(platform) = self.platform {
            if let Some(name) = platform.offered(requested) {
                return Ok(Resolved {
                    id: requested.to_string(),
                    name: name.to_string(),
                    source: Source::Platform(platform.clone()),
                });
            }
        }
        let wanted = split_id(requested);
        for provider in self.providers {
            let matches_provider = wanted.is_none_or(|(id, _)| id == provider.id);
            let name = wanted.map_or(requested, |(_, name)| name);
            if matches_provider
                && provider_models(provider)
                    .iter()
                    .any(|m| m.enabled && m.name == name)
            {
                return Ok(Resolved {
                    id: model_id(provider.id, name),
                    name: name.to_string(),
                    source: Source::Tenant(provider.clone()),
                });
            }
        }
        // A bare name the platform offers (REST callers may omit the prefix).
        if let Some(platform) = self.platform {
            if platform.models.iter().any(|m| m == requested) {
                return Ok(Resolved {
                    id: format!("{PLATFORM_PREFIX}{requested}"),
                    name: requested.to_string(),
                    source: Source::Platform(platform.clone()),
                });
            }
        }
        Err(DomainError::validation(
            "model",
            format!("The model “{requested}” is not enabled in this organisation. Pick one from the list."),
        ))
    }
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
    let config = ai_config::for_caller(state, auth).await?;
    let settings = &config.settings;
    let mut models = Catalog::new(state, &config, auth.ctx()).enabled();
    if !settings.members_choose_model && auth.ctx().role() < Role::Admin {
        models.retain(|m| settings.default_model.as_deref() == Some(m.id.as_str()));
    }
    Ok(models)
}

/// Whose provider serves a model.
pub enum Source {
    Tenant(Provider),
    Platform(PlatformAi),
}

/// A usable model: where it is served and its name.
pub struct Resolved {
    pub source: Source,
    pub name: String,
    pub id: String,
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
