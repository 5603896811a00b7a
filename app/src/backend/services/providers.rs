//! AI providers of a tenant (admin+): add, change, remove, test, and the key sealed at
//! rest. Keys are write-only: nothing returns them, answers carry `…abcd` at most.

use super::{chat_view::provider_dto, validate};
use crate::backend::{
    authz::{grants, Authorized},
    crypto::sealed::{self, Slot},
    error::DomainError,
    llm::{Connection, PlatformAi},
    repo::{audit, providers, providers::Provider, scope::TenantTx},
    request_meta::RequestMeta,
    state::AppState,
};
use crate::dto::chat::{ConnectionTestDto, ProviderDto, ProviderKind, ProviderModelDto};
use secrecy::SecretString;
use serde_json::json;
use uuid::Uuid;

pub const DEFAULT_AZURE_API_VERSION: &str = "2024-10-21";
const MAX_MODELS: usize = 500;

/// What an admin submits; `None` leaves a field as it is when updating.
#[derive(Debug, Default)]
pub struct ProviderInput {
    pub name: Option<String>,
    pub kind: Option<ProviderKind>,
    pub base_url: Option<String>,
    pub api_version: Option<String>,
    /// `Some("")` removes the key.
    pub api_key: Option<SecretString>,
    /// Models typed by hand (replaces the previous hand-typed list).
    pub models: Option<Vec<String>>,
    /// Which models are enabled (by name); others are disabled.
    pub enabled_models: Option<Vec<String>>,
}

/// Where a provider's key is sealed: bound to its tenant and row.
pub(crate) fn key_slot(tenant_id: Uuid, provider_id: Uuid) -> Slot<'static> {
    Slot {
        tenant_id: Some(tenant_id),
        table: "ai_providers",
        row_id: provider_id,
        field: "api_key",
    }
}

fn model_name(raw: &str) -> Result<String, DomainError> {
    let name = raw.trim();
    if name.is_empty() || name.len() > 200 || name.chars().any(char::is_control) {
        return Err(DomainError::validation(
            "models",
            "Model names are 1–200 characters, one per entry.",
        ));
    }
    Ok(name.to_string())
}

/// Applies `input` to `row` and checks the result as a whole. A stored key is bound to the
/// address it was entered for: changing the kind or the address needs the key again (or
/// its removal), so an admin cannot send someone's key to a host of their choosing.
fn apply(state: &AppState, row: &mut Provider, input: ProviderInput) -> Result<(), DomainError> {
    let destination = (row.kind.clone(), row.base_url.clone());
    if let Some(name) = input.name {
        row.name = validate::display_text("name", &name, 100, "Give the provider a name.")?;
    }
    if let Some(kind) = input.kind {
        row.kind = kind.as_str().to_string();
    }
    let kind = ProviderKind::parse(&row.kind)
        .ok_or_else(|| DomainError::validation("kind", "Choose a provider kind."))?;
    if let Some(url) = input.base_url {
        let url = url.trim();
        row.base_url = (!url.is_empty()).then(|| url.to_string());
    }
    match (&row.base_url, kind.default_base_url()) {
        (Some(url), _) => {
            state
                .outbound()
                .policy
                .check_url(url)
                .map_err(|refused| DomainError::validation("base_url", refused.to_string()))?;
        }
        (None, Some(_)) => {}
        (None, None) => {
            return Err(DomainError::validation(
                "base_url",
                if kind == ProviderKind::AzureOpenai {
                    "Enter the resource endpoint, like https://my-resource.openai.azure.com."
                } else {
                    "Enter the server's OpenAI-compatible address, like https://llm.example.com/v1."
                },
            ))
        }
    }
    if let Some(version) = input.api_version {
        let version = version.trim();
        row.api_version = (!version.is_empty()).then(|| version.chars().take(32).collect());
    }
    if kind == ProviderKind::AzureOpenai && row.api_version.is_none() {
        row.api_version = Some(DEFAULT_AZURE_API_VERSION.into());
    }
    let moved = destination != (row.kind.clone(), row.base_url.clone());
    if moved && row.api_key_sealed.is_some() && input.api_key.is_none() {
        return Err(DomainError::validation(
            "api_key",
            "You changed where this provider connects: enter its API key again (or send an empty key to remove it). A stored key is only sent to the address it was entered for.",
        ));
    }
    if let Some(key) = input.api_key {
        use secrecy::ExposeSecret;
        let trimmed = key.expose_secret().trim();
        if trimmed.is_empty() {
            row.api_key_sealed = None;
            row.api_key_hint = None;
        } else {
            if trimmed.len() > 4096 || trimmed.chars().any(char::is_control) {
                return Err(DomainError::validation(
                    "api_key",
                    "That does not look like an API key.",
                ));
            }
            let key = SecretString::from(trimmed.to_string());
            row.api_key_sealed = Some(
                sealed::seal(state.keys(), key_slot(row.tenant_id, row.id), &key)
                    .map_err(|e| DomainError::Internal(e.to_string()))?,
            );
            row.api_key_hint = Some(sealed::hint(&key));
        }
    }
    let mut models: Vec<ProviderModelDto> = serde_json::from_str(&row.models).unwrap_or_default();
    if let Some(manual) = input.models {
        let manual: Vec<String> = manual
            .iter()
            .map(|m| model_name(m))
            .collect::<Result<_, _>>()?;
        models.retain(|m| !m.manual || manual.contains(&m.name));
        for name in manual {
            if !models.iter().any(|m| m.name == name) {
                models.push(ProviderModelDto {
                    name,
                    enabled: true,
                    manual: true,
                });
            }
        }
    }
    if let Some(enabled) = input.enabled_models {
        for model in &mut models {
            model.enabled = enabled.contains(&model.name);
        }
    }
    if models.len() > MAX_MODELS {
        return Err(DomainError::validation(
            "models",
            "Keep at most 500 models.",
        ));
    }
    models.sort_by(|a, b| a.name.cmp(&b.name));
    row.models = json!(models).to_string();
    Ok(())
}

/// # Errors
/// Validation errors (each names its field); `Conflict` for a name already used.
pub async fn create(
    state: &AppState,
    auth: &Authorized<grants::ManageAi>,
    input: ProviderInput,
    meta: &RequestMeta,
) -> Result<ProviderDto, DomainError> {
    if input.name.is_none() {
        return Err(DomainError::validation("name", "Give the provider a name."));
    }
    if input.kind.is_none() {
        return Err(DomainError::validation("kind", "Choose a provider kind."));
    }
    let now = chrono::Utc::now();
    let mut row = Provider {
        tenant_id: auth.tenant_id(),
        id: Uuid::new_v4(),
        name: String::new(),
        kind: String::new(),
        base_url: None,
        api_version: None,
        api_key_sealed: None,
        api_key_hint: None,
        models: "[]".into(),
        models_refreshed_at: None,
        created_at: now,
        updated_at: now,
    };
    apply(state, &mut row, input)?;
    let tx = auth.begin(state).await?;
    let row = providers::insert(&tx, row).await.map_err(|e| {
        if crate::backend::error::is_unique_violation(&e) {
            DomainError::taken("name", "A provider with this name exists already.")
        } else {
            e.into()
        }
    })?;
    audit_event(&tx, auth, "provider.created", &row, meta).await?;
    tx.commit().await?;
    Ok(provider_dto(row))
}

async fn audit_event(
    tx: &TenantTx,
    auth: &Authorized<grants::ManageAi>,
    action: &'static str,
    row: &Provider,
    meta: &RequestMeta,
) -> Result<(), DomainError> {
    audit::tenant(
        tx,
        audit::TenantEvent {
            actor: Some(auth.ctx().user_id()),
            action,
            target: row.id.to_string(),
            ip: &meta.ip,
            details: json!({ "name": row.name, "kind": row.kind, "base_url": row.base_url }),
        },
    )
    .await?;
    Ok(())
}

/// # Errors
/// Database errors.
pub async fn list(
    state: &AppState,
    auth: &Authorized<grants::ManageAi>,
) -> Result<Vec<ProviderDto>, DomainError> {
    let tx = auth.begin(state).await?;
    let rows = providers::list(&tx).await?;
    tx.commit().await?;
    Ok(rows.into_iter().map(provider_dto).collect())
}

/// # Errors
/// `NotFound` (also for another tenant's provider).
pub async fn get(
    state: &AppState,
    auth: &Authorized<grants::ManageAi>,
    id: Uuid,
) -> Result<ProviderDto, DomainError> {
    let tx = auth.begin(state).await?;
    let row = providers::get(&tx, id)
        .await?
        .ok_or(DomainError::NotFound)?;
    tx.commit().await?;
    Ok(provider_dto(row))
}

/// # Errors
/// `NotFound`; validation errors; `Conflict` for a name already used.
pub async fn update(
    state: &AppState,
    auth: &Authorized<grants::ManageAi>,
    id: Uuid,
    input: ProviderInput,
    meta: &RequestMeta,
) -> Result<ProviderDto, DomainError> {
    let tx = auth.begin(state).await?;
    let mut row = providers::get(&tx, id)
        .await?
        .ok_or(DomainError::NotFound)?;
    let key_changed = input.api_key.is_some();
    apply(state, &mut row, input)?;
    let row = providers::save(&tx, row).await.map_err(|e| {
        if crate::backend::error::is_unique_violation(&e) {
            DomainError::taken("name", "A provider with this name exists already.")
        } else {
            e.into()
        }
    })?;
    let action = if key_changed {
        "provider.key_changed"
    } else {
        "provider.updated"
    };
    audit_event(&tx, auth, action, &row, meta).await?;
    tx.commit().await?;
    Ok(provider_dto(row))
}

/// # Errors
/// `NotFound`.
pub async fn delete(
    state: &AppState,
    auth: &Authorized<grants::ManageAi>,
    id: Uuid,
    meta: &RequestMeta,
) -> Result<(), DomainError> {
    let tx = auth.begin(state).await?;
    let row = providers::get(&tx, id)
        .await?
        .ok_or(DomainError::NotFound)?;
    providers::delete(&tx, id).await?;
    audit_event(&tx, auth, "provider.deleted", &row, meta).await?;
    tx.commit().await?;
    Ok(())
}

/// A connection to a stored provider, its key opened for this call only.
///
/// # Errors
/// `Provider(…)` when the address is refused or the key cannot be opened.
pub fn connect(state: &AppState, row: &Provider) -> Result<Connection, DomainError> {
    let kind = ProviderKind::parse(&row.kind)
        .ok_or_else(|| DomainError::Internal(format!("unknown provider kind {}", row.kind)))?;
    let key = match &row.api_key_sealed {
        Some(sealed_key) => sealed::open(state.keys(), key_slot(row.tenant_id, row.id), sealed_key)
            .map_err(|e| {
                tracing::error!(provider = %row.id, error = %e, "cannot open a provider key");
                DomainError::Provider(crate::backend::llm::ProviderFailure::NotConfigured(
                    "This provider's key cannot be read (the server's master key changed). An admin should enter the key again.".into(),
                ))
            })?,
        None => SecretString::from(String::new()),
    };
    Connection::new(
        state.outbound(),
        kind,
        row.base_url.as_deref(),
        row.api_version.as_deref(),
        key,
    )
    .map_err(DomainError::Provider)
}

/// A connection to the platform's own provider (offered to this tenant by a super-admin).
///
/// # Errors
/// The outbound guard refusing its address.
pub fn connect_platform(
    state: &AppState,
    platform: &PlatformAi,
) -> Result<Connection, DomainError> {
    Connection::new(
        state.outbound(),
        ProviderKind::OpenaiCompatible,
        Some(&platform.base_url),
        None,
        platform.key.clone(),
    )
    .map_err(DomainError::Provider)
}

/// Lists the provider's models and caches them. The first successful test of a provider
/// without enabled models enables all it lists, so a new provider works at once.
///
/// # Errors
/// `NotFound`; database errors. Provider failures are reported in the result, not as errors.
pub async fn test_connection(
    state: &AppState,
    auth: &Authorized<grants::ManageAi>,
    id: Uuid,
) -> Result<ConnectionTestDto, DomainError> {
    let tx = auth.begin(state).await?;
    let row = providers::get(&tx, id)
        .await?
        .ok_or(DomainError::NotFound)?;
    tx.commit().await?;
    let listed = match connect(state, &row) {
        Ok(connection) => connection
            .list_models()
            .await
            .map_err(DomainError::Provider),
        Err(e) => Err(e),
    };
    let names = match listed {
        Ok(names) => names,
        Err(DomainError::Provider(failure)) => {
            return Ok(ConnectionTestDto {
                ok: false,
                message: failure.message(),
                models: Vec::new(),
            })
        }
        Err(e) => return Err(e),
    };
    let tx = auth.begin(state).await?;
    let mut row = providers::get(&tx, id)
        .await?
        .ok_or(DomainError::NotFound)?;
    let mut models: Vec<ProviderModelDto> = serde_json::from_str(&row.models).unwrap_or_default();
    let enable_new = !models.iter().any(|m| m.enabled);
    models.retain(|m| m.manual || names.contains(&m.name));
    for name in names.iter().take(MAX_MODELS) {
        if !models.iter().any(|m| &m.name == name) {
            models.push(ProviderModelDto {
                name: name.clone(),
                enabled: enable_new,
                manual: false,
            });
        }
    }
    models.sort_by(|a, b| a.name.cmp(&b.name));
    row.models = json!(models).to_string();
    row.models_refreshed_at = Some(chrono::Utc::now());
    providers::save(&tx, row).await?;
    tx.commit().await?;
    Ok(ConnectionTestDto {
        ok: true,
        message: format!(
            "Connected. The provider lists {} model{}.",
            names.len(),
            if names.len() == 1 { "" } else { "s" }
        ),
        models: names,
    })
}
