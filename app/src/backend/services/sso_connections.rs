//! A tenant's SSO connections as its admins manage them: create, change, delete, test, and
//! the "members must use SSO" policy. The client secret is sealed and write-only; a role
//! mapping that grants `owner` needs an owner's rights, so an admin cannot map their way up.

use crate::backend::{
    auth::oidc::provider::{self, ProviderError},
    authz::{grants, Authorized},
    crypto::sealed::{self, Slot},
    error::DomainError,
    repo::{audit, scope::TenantTx, sso, tenants},
    request_meta::RequestMeta,
    state::AppState,
};
use crate::dto::sso::{
    RoleMapping, SsoConnectionDto, SsoConnectionInput, SsoKind, SsoSettingsDto, SsoTestReport,
};
use crate::roles::{Permission, Role};
use secrecy::SecretString;
use serde_json::json;
use uuid::Uuid;

const DEFAULT_SCOPES: &str = "openid profile email";
const DEFAULT_ROLE_CLAIM: &str = "roles";
const MAX_MAPPINGS: usize = 50;

/// Where a connection's client secret is sealed.
pub(crate) fn secret_slot(tenant_id: Uuid, id: Uuid) -> Slot<'static> {
    Slot {
        tenant_id: Some(tenant_id),
        table: "sso_connections",
        row_id: id,
        field: "client_secret",
    }
}

/// The redirect URI to register at the identity provider: one per tenant.
pub fn redirect_uri(state: &AppState, slug: &str) -> String {
    format!("{}/t/{slug}/sso/callback", state.auth().public_url)
}

/// Entra's v2.0 authority for a directory. Only a directory *id* (a GUID) is accepted: the
/// token's `tid` is always the GUID, and the `common`/`organizations` authorities have a
/// templated issuer that cannot be matched.
pub(crate) fn entra_issuer(state: &AppState, directory_id: &str) -> Result<String, DomainError> {
    let id = directory_id.trim().to_ascii_lowercase();
    if Uuid::parse_str(&id).is_err() || id.len() != 36 {
        return Err(DomainError::validation(
            "directory_id",
            "Enter the Directory (tenant) ID from the Entra admin center: a GUID like 72f988bf-86f1-41af-91ab-2d7cd011db47.",
        ));
    }
    Ok(format!("{}/{id}/v2.0", state.auth().entra_authority))
}

fn dto(state: &AppState, slug: &str, row: sso::Connection) -> SsoConnectionDto {
    SsoConnectionDto {
        id: row.id,
        kind: SsoKind::parse(&row.kind).unwrap_or(SsoKind::Oidc),
        name: row.name,
        directory_id: row.directory_id,
        issuer: row.issuer,
        client_id: row.client_id,
        client_secret_hint: row.client_secret_hint,
        scopes: row.scopes,
        role_claim: row.role_claim,
        role_mappings: mappings_of(&row.role_mappings),
        jit: row.jit,
        default_role: row.default_role.as_deref().and_then(Role::parse),
        enabled: row.enabled,
        redirect_uri: redirect_uri(state, slug),
    }
}

pub(crate) fn mappings_of(json: &str) -> Vec<RoleMapping> {
    serde_json::from_str(json).unwrap_or_default()
}

fn bounded(field: &'static str, raw: &str, max: usize, what: &str) -> Result<String, DomainError> {
    let value = raw.trim();
    if value.is_empty() {
        return Err(DomainError::validation(field, format!("Enter {what}.")));
    }
    if value.chars().count() > max || value.chars().any(char::is_control) {
        return Err(DomainError::validation(
            field,
            format!("{what} must be at most {max} characters, on one line."),
        ));
    }
    Ok(value.to_string())
}

fn scopes(raw: Option<&str>) -> Result<String, DomainError> {
    let raw = raw.map(str::trim).filter(|s| !s.is_empty());
    let Some(raw) = raw else {
        return Ok(DEFAULT_SCOPES.into());
    };
    let mut list: Vec<&str> = vec!["openid"];
    for scope in raw.split_whitespace() {
        if scope.len() > 100
            || !scope
                .chars()
                .all(|c| c.is_ascii_graphic() && c != '"' && c != '\\')
        {
            return Err(DomainError::validation(
                "scopes",
                format!("`{scope}` is not a valid scope."),
            ));
        }
        if !list.contains(&scope) {
            list.push(scope);
        }
    }
    let joined = list.join(" ");
    if joined.len() > 300 {
        return Err(DomainError::validation("scopes", "Too many scopes."));
    }
    Ok(joined)
}

fn role_claim(raw: Option<&str>) -> Result<String, DomainError> {
    let claim = raw
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or(DEFAULT_ROLE_CLAIM);
    if claim.len() > 100
        || !claim
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.:/".contains(c))
    {
        return Err(DomainError::validation(
            "role_claim",
            "The role claim is a claim name like roles, groups or department.",
        ));
    }
    Ok(claim.to_string())
}

fn mappings(raw: &[RoleMapping]) -> Result<Vec<RoleMapping>, DomainError> {
    if raw.len() > MAX_MAPPINGS {
        return Err(DomainError::validation(
            "role_mappings",
            format!("At most {MAX_MAPPINGS} role mappings."),
        ));
    }
    raw.iter()
        .map(|m| {
            Ok(RoleMapping {
                value: bounded(
                    "role_mappings",
                    &m.value,
                    200,
                    "a claim value for each mapping",
                )?,
                role: m.role,
            })
        })
        .collect()
}

/// Applies `input` to `row` (validated; the secret sealed when given). A stored secret is
/// bound to the issuer it was entered for: a new issuer or directory needs it again, so an
/// admin cannot make Parley send it to an identity provider of their choosing.
fn apply(
    state: &AppState,
    auth: &Authorized<grants::ManageSso>,
    row: &mut sso::Connection,
    input: SsoConnectionInput,
) -> Result<(), DomainError> {
    row.name = bounded(
        "name",
        &input.name,
        100,
        "a name people will see on the sign-in button",
    )?;
    let issuer_before = row.issuer.clone();
    row.kind = input.kind.as_str().into();
    match input.kind {
        SsoKind::Entra => {
            let directory = input.directory_id.unwrap_or_default();
            row.issuer = entra_issuer(state, &directory)?;
            row.directory_id = Some(directory.trim().to_ascii_lowercase());
        }
        SsoKind::Oidc => {
            let issuer = bounded(
                "issuer",
                input.issuer.as_deref().unwrap_or(""),
                500,
                "the issuer URL",
            )?;
            state
                .outbound()
                .policy
                .check_url(&issuer)
                .map_err(|e| DomainError::validation("issuer", e.to_string()))?;
            row.issuer = issuer;
            row.directory_id = None;
        }
    }
    row.client_id = bounded(
        "client_id",
        &input.client_id,
        300,
        "the client (application) ID",
    )?;
    let new_secret = input.client_secret.filter(|s| !s.trim().is_empty());
    if row.issuer != issuer_before && row.client_secret_sealed.is_some() && new_secret.is_none() {
        return Err(DomainError::validation(
            "client_secret",
            "You changed the identity provider: enter the client secret again. A stored secret is only sent to the issuer it was entered for.",
        ));
    }
    if let Some(secret) = new_secret {
        let secret = bounded("client_secret", &secret, 500, "the client secret")?;
        let secret = SecretString::from(secret);
        row.client_secret_sealed = Some(
            sealed::seal(state.keys(), secret_slot(row.tenant_id, row.id), &secret)
                .map_err(|e| DomainError::Internal(e.to_string()))?,
        );
        row.client_secret_hint = Some(sealed::hint(&secret));
    }
    if row.client_secret_sealed.is_none() {
        return Err(DomainError::validation(
            "client_secret",
            "Enter the client secret (a value from the app registration's Certificates & secrets).",
        ));
    }
    row.scopes = scopes(input.scopes.as_deref())?;
    row.role_claim = role_claim(input.role_claim.as_deref())?;
    let mappings = mappings(&input.role_mappings)?;
    let grants_owner =
        mappings.iter().any(|m| m.role == Role::Owner) || input.default_role == Some(Role::Owner);
    if grants_owner && !auth.ctx().role().can(Permission::ManageOwners) {
        return Err(DomainError::validation(
            "role_mappings",
            "Only an owner may map identities to the owner role.",
        ));
    }
    row.role_mappings =
        serde_json::to_string(&mappings).map_err(|e| DomainError::Internal(e.to_string()))?;
    row.jit = input.jit;
    row.default_role = input.default_role.map(|r| r.as_str().to_string());
    row.enabled = input.enabled;
    Ok(())
}

async fn audit_event(
    tx: &TenantTx,
    auth: &Authorized<grants::ManageSso>,
    action: &'static str,
    row: &sso::Connection,
    meta: &RequestMeta,
) -> Result<(), DomainError> {
    audit::tenant(
        tx,
        audit::TenantEvent {
            actor: Some(auth.ctx().user_id()),
            action,
            target: row.id.to_string(),
            ip: &meta.ip,
            details: json!({
                "name": row.name,
                "kind": row.kind,
                "issuer": row.issuer,
                "client_id": row.client_id,
                "role_mappings": mappings_of(&row.role_mappings),
                "jit": row.jit,
                "default_role": row.default_role,
                "enabled": row.enabled,
            }),
        },
    )
    .await?;
    Ok(())
}

/// # Errors
/// Database errors.
pub async fn settings(
    state: &AppState,
    auth: &Authorized<grants::ManageSso>,
) -> Result<SsoSettingsDto, DomainError> {
    let tx = auth.begin(state).await?;
    let rows = sso::connections(&tx).await?;
    let tenant = tenants::current(&tx).await?;
    tx.commit().await?;
    let slug = &auth.ctx().tenant().slug;
    Ok(SsoSettingsDto {
        connections: rows.into_iter().map(|r| dto(state, slug, r)).collect(),
        require_sso: tenant.require_sso,
        verified_domains: tenant
            .sso_domains
            .split_whitespace()
            .map(str::to_string)
            .collect(),
        redirect_uri: redirect_uri(state, slug),
    })
}

/// # Errors
/// Validation errors (each names its field); `Conflict` for a name already used.
pub async fn create(
    state: &AppState,
    auth: &Authorized<grants::ManageSso>,
    input: SsoConnectionInput,
    meta: &RequestMeta,
) -> Result<SsoConnectionDto, DomainError> {
    let now = chrono::Utc::now();
    let mut row = sso::Connection {
        tenant_id: auth.tenant_id(),
        id: Uuid::new_v4(),
        name: String::new(),
        kind: String::new(),
        directory_id: None,
        issuer: String::new(),
        client_id: String::new(),
        client_secret_sealed: None,
        client_secret_hint: None,
        scopes: DEFAULT_SCOPES.into(),
        role_claim: DEFAULT_ROLE_CLAIM.into(),
        role_mappings: "[]".into(),
        jit: false,
        default_role: None,
        enabled: true,
        created_at: now,
        updated_at: now,
    };
    apply(state, auth, &mut row, input)?;
    let tx = auth.begin(state).await?;
    let row = sso::insert_connection(&tx, row).await.map_err(|e| {
        if crate::backend::error::is_unique_violation(&e) {
            DomainError::taken("name", "A connection with this name exists already.")
        } else {
            e.into()
        }
    })?;
    audit_event(&tx, auth, "sso.connection_created", &row, meta).await?;
    tx.commit().await?;
    Ok(dto(state, &auth.ctx().tenant().slug, row))
}

/// # Errors
/// `NotFound` (also for another tenant's connection); validation errors; `Conflict`.
pub async fn update(
    state: &AppState,
    auth: &Authorized<grants::ManageSso>,
    id: Uuid,
    input: SsoConnectionInput,
    meta: &RequestMeta,
) -> Result<SsoConnectionDto, DomainError> {
    let tx = auth.begin(state).await?;
    let mut row = sso::connection(&tx, id)
        .await?
        .ok_or(DomainError::NotFound)?;
    // A mapping to `owner` already in place may only be changed by an owner as well.
    if !auth.ctx().role().can(Permission::ManageOwners)
        && (mappings_of(&row.role_mappings)
            .iter()
            .any(|m| m.role == Role::Owner)
            || row.default_role.as_deref() == Some("owner"))
    {
        return Err(DomainError::Forbidden);
    }
    let old_issuer = row.issuer.clone();
    apply(state, auth, &mut row, input)?;
    let row = sso::save_connection(&tx, row).await.map_err(|e| {
        if crate::backend::error::is_unique_violation(&e) {
            DomainError::taken("name", "A connection with this name exists already.")
        } else {
            e.into()
        }
    })?;
    if !row.enabled && !has_other_enabled(&tx, row.id).await? {
        tenants::set_require_sso(&tx, false).await?;
    }
    audit_event(&tx, auth, "sso.connection_updated", &row, meta).await?;
    tx.commit().await?;
    state.sso_providers().forget(&old_issuer);
    Ok(dto(state, &auth.ctx().tenant().slug, row))
}

async fn has_other_enabled(tx: &TenantTx, except: Uuid) -> Result<bool, DomainError> {
    Ok(sso::connections(tx)
        .await?
        .iter()
        .any(|c| c.enabled && c.id != except))
}

/// Deletes a connection and the identities bound through it. When it was the last enabled
/// one, "require SSO" is switched off so nobody is locked out.
///
/// # Errors
/// `NotFound`.
pub async fn delete(
    state: &AppState,
    auth: &Authorized<grants::ManageSso>,
    id: Uuid,
    meta: &RequestMeta,
) -> Result<(), DomainError> {
    let tx = auth.begin(state).await?;
    let row = sso::connection(&tx, id)
        .await?
        .ok_or(DomainError::NotFound)?;
    sso::delete_connection(&tx, id).await?;
    if !has_other_enabled(&tx, id).await? {
        tenants::set_require_sso(&tx, false).await?;
    }
    audit_event(&tx, auth, "sso.connection_deleted", &row, meta).await?;
    tx.commit().await?;
    state.sso_providers().forget(&row.issuer);
    Ok(())
}

/// Members must (or need no longer) sign in through SSO.
///
/// # Errors
/// Validation error when switching on without an enabled connection.
pub async fn set_require_sso(
    state: &AppState,
    auth: &Authorized<grants::ManageSso>,
    on: bool,
    meta: &RequestMeta,
) -> Result<(), DomainError> {
    let tx = auth.begin(state).await?;
    if on && !sso::connections(&tx).await?.iter().any(|c| c.enabled) {
        return Err(DomainError::validation(
            "require_sso",
            "Add and switch on a connection first, and check that you can sign in with it.",
        ));
    }
    tenants::set_require_sso(&tx, on).await?;
    audit::tenant(
        &tx,
        audit::TenantEvent {
            actor: Some(auth.ctx().user_id()),
            action: "sso.require_sso_changed",
            target: auth.ctx().tenant().slug.clone(),
            ip: &meta.ip,
            details: json!({ "require_sso": on }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Runs discovery for a connection and reports, in plain words, what works and what not.
///
/// # Errors
/// `NotFound`; database errors.
pub async fn test(
    state: &AppState,
    auth: &Authorized<grants::ManageSso>,
    id: Uuid,
) -> Result<SsoTestReport, DomainError> {
    let tx = auth.begin(state).await?;
    let row = sso::connection(&tx, id)
        .await?
        .ok_or(DomainError::NotFound)?;
    tx.commit().await?;
    let mut findings = vec![format!("Issuer: {}", row.issuer)];
    let metadata = match provider::discover(state.outbound(), &row.issuer).await {
        Ok(metadata) => metadata,
        Err(e) => {
            findings.push(explain(&row.issuer, &e));
            return Ok(SsoTestReport {
                ok: false,
                findings,
            });
        }
    };
    findings.push("Found the discovery document, and it names this issuer.".into());
    findings.push(format!(
        "Sign-in page: {}",
        metadata.authorization_endpoint().as_str()
    ));
    let mut ok = true;
    match metadata.token_endpoint() {
        Some(url) => findings.push(format!("Token endpoint: {}", url.as_str())),
        None => {
            ok = false;
            findings.push(
                "The provider publishes no token endpoint, so Parley cannot complete a sign-in."
                    .into(),
            );
        }
    }
    let keys = metadata.jwks().keys().len();
    if keys == 0 {
        ok = false;
        findings
            .push("The provider publishes no signing keys, so no token could be verified.".into());
    } else {
        findings.push(format!("{keys} signing key(s) published."));
    }
    if metadata
        .additional_metadata()
        .end_session_endpoint
        .is_some()
    {
        findings.push(
            "The provider offers sign-out: signing out of Parley also signs out there.".into(),
        );
    } else {
        findings.push(
            "The provider offers no sign-out endpoint: signing out ends the Parley session only."
                .into(),
        );
    }
    findings.push(format!(
        "Register this redirect URI at the provider: {}",
        redirect_uri(state, &auth.ctx().tenant().slug)
    ));
    findings.push("The client ID and secret are checked at the first sign-in.".into());
    Ok(SsoTestReport { ok, findings })
}

/// A discovery failure in words an admin can act on.
fn explain(issuer: &str, err: &ProviderError) -> String {
    use crate::backend::auth::oidc::http::HttpError as H;
    use openidconnect::DiscoveryError as D;
    match err {
        ProviderError::Issuer(e) => format!("The issuer is not a valid URL ({e})."),
        ProviderError::Discovery(D::Request(H::Refused(refused))) => refused.to_string(),
        ProviderError::Discovery(D::Request(H::Transport(e))) => {
            let reason = if e.is_timeout() {
                "it did not answer in time"
            } else if e.is_connect() {
                "the connection failed (wrong host name or port, or a firewall)"
            } else {
                "the request failed"
            };
            format!("Could not reach the issuer: {reason}.")
        }
        ProviderError::Discovery(D::Request(H::TooLarge)) => {
            "The discovery document is far too large to be one.".into()
        }
        ProviderError::Discovery(D::Response(status, _, _)) => format!(
            "{issuer}/.well-known/openid-configuration answered HTTP {status}. Check the issuer URL (for Entra: the directory ID)."
        ),
        ProviderError::Discovery(D::Parse(_)) => {
            "The discovery document is not valid OpenID Connect metadata.".into()
        }
        ProviderError::Discovery(D::Validation(detail)) => format!(
            "The discovery document does not match this issuer: {}",
            detail.chars().take(200).collect::<String>()
        ),
        ProviderError::Discovery(e) => format!("Discovery failed: {e}."),
    }
}
