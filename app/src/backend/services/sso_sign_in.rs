//! Single sign-on from the browser's side: start an attempt, finish it when the identity
//! provider sends the browser back, and sign out at the IdP too.
//!
//! Finishing decides who the verified identity is in Parley:
//! - the identity is found by (issuer, subject) in this tenant, never by e-mail;
//! - an unknown identity is linked only to the signed-in user who started a "link"
//!   attempt, or provisioned as a new account when the connection allows it — and never
//!   when an account with its e-mail exists (no takeover);
//! - the role comes from the claim mapping at every sign-in: a removed role downgrades or
//!   removes the membership (the last owner is kept), no mapping and no default refuses.
//!
//! Every outcome is audited in the tenant; every failure ends on a page that says why.

use crate::backend::{
    auth::{
        oidc::{self, flow, role_map, verify::VerifiedIdentity},
        secret_token,
        sessions::{self, SsoOrigin},
    },
    authz::SignInScope,
    crypto::sealed,
    error::DomainError,
    repo::{audit, memberships, scope::TenantTx, sso, users},
    request_meta::RequestMeta,
    services::sso_connections::{mappings_of, redirect_uri, secret_slot},
    state::AppState,
};
use crate::{dto::sso::SsoProblem, roles::Role};
use chrono::Utc;
use serde_json::json;
use uuid::Uuid;

/// A sign-in that did not happen: what the person is told, and what the log keeps.
#[derive(Debug)]
pub struct SsoFailure {
    pub problem: SsoProblem,
    pub detail: String,
    /// The refusal changed something that must stay changed (a membership removed).
    keep_changes: bool,
}

impl SsoFailure {
    pub(super) fn new(problem: SsoProblem, detail: impl Into<String>) -> Self {
        Self {
            problem,
            detail: detail.into(),
            keep_changes: false,
        }
    }

    pub(super) fn keeping_changes(mut self) -> Self {
        self.keep_changes = true;
        self
    }
}

impl From<DomainError> for SsoFailure {
    fn from(err: DomainError) -> Self {
        match err {
            DomainError::NotFound => Self::new(SsoProblem::NotConfigured, "not found"),
            // Our own failure (a busy database, say), not the connection's: worth a retry.
            err @ (DomainError::Db(_) | DomainError::Internal(_)) => {
                Self::new(SsoProblem::TryAgain, err.to_string())
            }
            other => Self::new(SsoProblem::Misconfigured, other.to_string()),
        }
    }
}

impl From<sea_orm::DbErr> for SsoFailure {
    fn from(err: sea_orm::DbErr) -> Self {
        DomainError::from(err).into()
    }
}

/// Where to send the browser, and the cookie value binding the attempt to it.
#[derive(Debug)]
pub struct Started {
    pub redirect: String,
    pub browser_token: String,
}

/// Starts a sign-in at `connection_id` of the tenant `slug`. With `link_user`, the
/// identity will be linked to that (signed-in) user instead of signing someone in.
///
/// # Errors
/// [`SsoFailure`] when the tenant or connection is unknown or disabled, or discovery fails.
pub async fn start(
    state: &AppState,
    slug: &str,
    connection_id: Uuid,
    link_user: Option<Uuid>,
    login_hint: Option<&str>,
) -> Result<Started, SsoFailure> {
    let scope = SignInScope::resolve(state, slug).await?;
    let tx = scope.begin(state).await?;
    let connection = sso::connection(&tx, connection_id)
        .await?
        .filter(|c| c.enabled)
        .ok_or_else(|| SsoFailure::new(SsoProblem::NotConfigured, "no enabled connection"))?;
    tx.commit().await?;
    let config = client_config(state, &scope, &connection)?;
    let metadata = state
        .sso_providers()
        .metadata(state.outbound(), &config.issuer)
        .await
        .map_err(|e| SsoFailure::new(SsoProblem::Misconfigured, e.to_string()))?;
    let hint = login_hint.filter(|h| h.len() <= 320 && !h.chars().any(char::is_control));
    let authorization = flow::authorize(&metadata, &config, hint)
        .map_err(|e| SsoFailure::new(SsoProblem::Misconfigured, e.to_string()))?;
    let browser_token = secret_token::generate("");
    let now = Utc::now();
    let tx = scope.begin(state).await?;
    // Abandoned attempts of this tenant go as new ones come: the table stays small.
    sso::purge_expired_attempts(&tx).await?;
    sso::insert_attempt(
        &tx,
        sso::Attempt {
            tenant_id: scope.tenant_id(),
            id: Uuid::new_v4(),
            connection_id: connection.id,
            state_hash: secret_token::hash(&authorization.state),
            browser_hash: secret_token::hash(&browser_token),
            nonce: authorization.nonce,
            pkce_verifier: authorization.pkce_verifier,
            link_user_id: link_user,
            return_to: None,
            created_at: now,
            expires_at: now + chrono::Duration::seconds(oidc::ATTEMPT_TTL_SECS),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Started {
        redirect: authorization.url.to_string(),
        browser_token,
    })
}

fn client_config(
    state: &AppState,
    scope: &SignInScope,
    connection: &sso::Connection,
) -> Result<flow::ClientConfig, SsoFailure> {
    let sealed_secret = connection
        .client_secret_sealed
        .as_deref()
        .ok_or_else(|| SsoFailure::new(SsoProblem::Misconfigured, "no client secret"))?;
    let client_secret = sealed::open(
        state.keys(),
        secret_slot(connection.tenant_id, connection.id),
        sealed_secret,
    )
    .map_err(|e| SsoFailure::new(SsoProblem::Misconfigured, format!("client secret: {e}")))?;
    Ok(flow::ClientConfig {
        issuer: connection.issuer.clone(),
        client_id: connection.client_id.clone(),
        client_secret,
        scopes: connection.scopes.clone(),
        redirect_uri: redirect_uri(state, scope.slug()),
        directory_id: connection.directory_id.clone(),
    })
}

/// What the identity provider sent back on the redirect URI.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct Callback {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
}

/// A finished sign-in (or link).
#[derive(Debug)]
pub struct SignedIn {
    /// A new session's token; `None` after linking (the user's session goes on).
    pub session_token: Option<String>,
    pub redirect: String,
}

/// Finishes the attempt the callback's `state` names. Failures are audited in the tenant.
///
/// # Errors
/// [`SsoFailure`] naming the problem for the error page.
pub async fn finish(
    state: &AppState,
    slug: &str,
    callback: Callback,
    browser_token: Option<&str>,
    meta: &RequestMeta,
) -> Result<SignedIn, SsoFailure> {
    let scope = SignInScope::resolve(state, slug).await?;
    let outcome = complete(state, &scope, callback, browser_token, meta).await;
    if let Err(failure) = &outcome {
        tracing::warn!(
            tenant = %scope.tenant_id(),
            problem = failure.problem.code(),
            detail = %failure.detail,
            "single sign-on refused"
        );
        let tx = scope.begin(state).await?;
        audit::tenant(
            &tx,
            audit::TenantEvent {
                actor: None,
                action: "sso.sign_in_failed",
                target: failure.problem.code().to_string(),
                ip: &meta.ip,
                details: json!({ "detail": failure.detail.chars().take(500).collect::<String>() }),
            },
        )
        .await?;
        tx.commit().await?;
    }
    outcome
}

async fn complete(
    state: &AppState,
    scope: &SignInScope,
    callback: Callback,
    browser_token: Option<&str>,
    meta: &RequestMeta,
) -> Result<SignedIn, SsoFailure> {
    let returned_state = callback
        .state
        .as_deref()
        .ok_or_else(|| SsoFailure::new(SsoProblem::Expired, "no state"))?;
    // Taking the attempt consumes it, whatever happens next: a state works once.
    let tx = scope.begin(state).await?;
    let attempt = sso::take_attempt(&tx, &secret_token::hash(returned_state)).await?;
    tx.commit().await?;
    let attempt =
        attempt.ok_or_else(|| SsoFailure::new(SsoProblem::Expired, "unknown or used state"))?;
    let code = accepted_code(
        callback,
        attempt.expires_at,
        &attempt.browser_hash,
        browser_token,
    )?;

    let tx = scope.begin(state).await?;
    let connection = sso::connection(&tx, attempt.connection_id)
        .await?
        .filter(|c| c.enabled)
        .ok_or_else(|| SsoFailure::new(SsoProblem::NotConfigured, "connection gone or off"))?;
    tx.commit().await?;
    let config = client_config(state, scope, &connection)?;
    let identity = verified_identity(
        state,
        &config,
        &code,
        &attempt.pkce_verifier,
        &attempt.nonce,
    )
    .await?;

    let role = role_map::evaluate(
        &identity.claim_values(&connection.role_claim),
        &mappings_of(&connection.role_mappings),
        connection.default_role.as_deref().and_then(Role::parse),
    );
    let tx = scope.begin(state).await?;
    let user = match resolve_user(
        &tx,
        &connection,
        &identity,
        attempt.link_user_id,
        role,
        meta,
    )
    .await
    {
        Ok(user) => user,
        Err(failure) => {
            // A membership removed because the role went away stays removed; anything
            // else (say, an account provisioned just before the member limit) is undone.
            if failure.keep_changes {
                tx.commit().await?;
            }
            return Err(failure);
        }
    };
    tx.commit().await?;

    let redirect = format!("/t/{}", scope.slug());
    if attempt.link_user_id.is_some() {
        return Ok(SignedIn {
            session_token: None,
            redirect: "/account".into(),
        });
    }
    let token = sessions::create_for_sso(
        state,
        user.id,
        &meta.ip,
        &meta.user_agent,
        SsoOrigin::Tenant {
            tenant_id: scope.tenant_id(),
            connection_id: connection.id,
        },
    )
    .await?;
    users::set_last_tenant(state.db(), user.id, scope.tenant_id()).await?;
    audit::platform(
        state.db(),
        audit::PlatformEvent {
            actor: Some(user.id),
            action: "auth.signed_in",
            target: user.email.clone(),
            ip: meta.ip.clone(),
            details: json!({ "method": "sso", "tenant": scope.slug(), "connection": connection.id }),
        },
    )
    .await?;
    Ok(SignedIn {
        session_token: Some(token),
        redirect,
    })
}

/// The authorization code of a callback whose attempt (already taken) is still valid, came
/// back to the browser that started it, and was not refused by the identity provider.
///
/// # Errors
/// [`SsoProblem::Expired`] or [`SsoProblem::Refused`].
pub(super) fn accepted_code(
    callback: Callback,
    expires_at: chrono::DateTime<Utc>,
    browser_hash: &str,
    browser_token: Option<&str>,
) -> Result<String, SsoFailure> {
    let expired = |detail: &str| SsoFailure::new(SsoProblem::Expired, detail);
    if expires_at <= Utc::now() {
        return Err(expired("attempt expired"));
    }
    let same_browser = browser_token.is_some_and(|token| secret_token::hash(token) == browser_hash);
    if !same_browser {
        return Err(expired("the browser cookie does not match the attempt"));
    }
    if let Some(error) = callback.error {
        let code: String = error
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
            .take(64)
            .collect();
        return Err(SsoFailure::new(
            SsoProblem::Refused,
            format!("the identity provider answered {code}"),
        ));
    }
    callback
        .code
        .ok_or_else(|| SsoFailure::new(SsoProblem::Refused, "no code"))
}

/// [`flow::finish`] with its failures named for the problem page.
pub(super) async fn verified_identity(
    state: &AppState,
    config: &flow::ClientConfig,
    code: &str,
    pkce_verifier: &str,
    nonce: &str,
) -> Result<VerifiedIdentity, SsoFailure> {
    flow::finish(
        state.sso_providers(),
        state.outbound(),
        config,
        code,
        pkce_verifier,
        nonce,
    )
    .await
    .map_err(|e| match e {
        flow::FlowError::Verify(v) => SsoFailure::new(SsoProblem::InvalidToken, v.to_string()),
        other => SsoFailure::new(SsoProblem::Misconfigured, other.to_string()),
    })
}

/// The Parley user behind `identity`, with their membership brought in line with `role`.
async fn resolve_user(
    tx: &TenantTx,
    connection: &sso::Connection,
    identity: &VerifiedIdentity,
    link_user: Option<Uuid>,
    role: Option<Role>,
    meta: &RequestMeta,
) -> Result<users::User, SsoFailure> {
    let event = |action: &'static str, user: Uuid, details: serde_json::Value| audit::TenantEvent {
        actor: Some(user),
        action,
        target: user.to_string(),
        ip: &meta.ip,
        details,
    };
    let known = sso::identity(tx, &identity.issuer, &identity.subject).await?;
    let user_id = match (known, link_user) {
        (Some(known), Some(linker)) if known.user_id != linker => {
            return Err(SsoFailure::new(
                SsoProblem::LinkedElsewhere,
                "identity bound to another user",
            ))
        }
        (Some(known), _) => {
            sso::touch_identity(tx, known.id, identity.email.clone()).await?;
            known.user_id
        }
        (None, Some(linker)) => {
            bind(tx, connection, identity, linker).await?;
            audit::tenant(
                tx,
                event(
                    "sso.identity_linked",
                    linker,
                    json!({ "connection": connection.id, "subject": identity.subject }),
                ),
            )
            .await?;
            linker
        }
        (None, None) => {
            if !connection.jit {
                return Err(SsoFailure::new(
                    SsoProblem::NotProvisioned,
                    "unknown identity and just-in-time provisioning is off",
                ));
            }
            if role.is_none() {
                return Err(SsoFailure::new(
                    SsoProblem::NoRole,
                    "no role mapping matched",
                ));
            }
            let user = new_account(tx.conn(), identity).await?;
            bind(tx, connection, identity, user.id).await?;
            audit::tenant(
                tx,
                event(
                    "sso.user_provisioned",
                    user.id,
                    json!({ "connection": connection.id, "email": user.email }),
                ),
            )
            .await?;
            user.id
        }
    };
    let user = users::by_id(tx.conn(), user_id)
        .await?
        .ok_or_else(|| SsoFailure::new(SsoProblem::NotProvisioned, "user vanished"))?;
    if user.disabled {
        return Err(SsoFailure::new(
            SsoProblem::AccountDisabled,
            "user disabled",
        ));
    }
    sync_membership(tx, &user, role, meta).await?;
    Ok(user)
}

/// A new account for a verified identity. It needs the token's e-mail, and never takes over
/// an account that already has that e-mail: its owner links SSO explicitly instead.
pub(super) async fn new_account(
    db: &impl sea_orm::ConnectionTrait,
    identity: &VerifiedIdentity,
) -> Result<users::User, SsoFailure> {
    let email = identity.email.clone().ok_or_else(|| {
        SsoFailure::new(
            SsoProblem::Misconfigured,
            "the ID token carries no e-mail address for a new account",
        )
    })?;
    if users::by_email(db, &email).await?.is_some() {
        return Err(SsoFailure::new(
            SsoProblem::EmailTaken,
            "an account with this e-mail exists",
        ));
    }
    let name = identity
        .name
        .clone()
        .unwrap_or_else(|| email.split('@').next().unwrap_or(&email).to_string());
    let name: String = name.chars().take(100).collect();
    Ok(users::insert(db, &email, &name, None, false).await?)
}

async fn bind(
    tx: &TenantTx,
    connection: &sso::Connection,
    identity: &VerifiedIdentity,
    user_id: Uuid,
) -> Result<(), SsoFailure> {
    let now = Utc::now();
    sso::insert_identity(
        tx,
        sso::Identity {
            tenant_id: tx.tenant_id(),
            id: Uuid::new_v4(),
            connection_id: connection.id,
            user_id,
            issuer: identity.issuer.clone(),
            subject: identity.subject.clone(),
            email: identity.email.clone(),
            created_at: now,
            last_sign_in_at: now,
        },
    )
    .await?;
    Ok(())
}

/// Brings the membership in line with the mapped role. The last owner is never demoted or
/// removed here (the tenant would be left without one); that is audited instead.
async fn sync_membership(
    tx: &TenantTx,
    user: &users::User,
    role: Option<Role>,
    meta: &RequestMeta,
) -> Result<(), SsoFailure> {
    let current = memberships::role(tx, user.id).await?;
    let last_owner =
        current == Some(Role::Owner) && memberships::count_role(tx, Role::Owner).await? <= 1;
    let record = |action: &'static str, details: serde_json::Value| audit::TenantEvent {
        actor: None,
        action,
        target: user.email.clone(),
        ip: &meta.ip,
        details,
    };
    match (role, current) {
        (None, Some(_)) if last_owner => {
            audit::tenant(tx, record("sso.last_owner_kept", json!({ "mapped": null }))).await?;
            Err(SsoFailure::new(
                SsoProblem::NoRole,
                "no role mapping matched (last owner kept)",
            )
            .keeping_changes())
        }
        (None, Some(old)) => {
            memberships::delete(tx, user.id).await?;
            audit::tenant(
                tx,
                record("member.removed_by_sso", json!({ "old_role": old.as_str() })),
            )
            .await?;
            Err(SsoFailure::new(
                SsoProblem::NoRole,
                "no role mapping matched; membership removed",
            )
            .keeping_changes())
        }
        (None, None) => Err(SsoFailure::new(
            SsoProblem::NoRole,
            "no role mapping matched",
        )),
        (Some(new), None) => {
            let tenant = crate::backend::repo::tenants::current(tx).await?;
            if let Some(max) = tenant.max_users {
                if memberships::count(tx).await? >= u64::try_from(max).unwrap_or(0) {
                    return Err(SsoFailure::new(
                        SsoProblem::MemberLimit,
                        "member limit reached",
                    ));
                }
            }
            memberships::insert(tx, user.id, new).await?;
            audit::tenant(
                tx,
                record("member.joined_by_sso", json!({ "role": new.as_str() })),
            )
            .await?;
            Ok(())
        }
        (Some(new), Some(old)) if new == old => Ok(()),
        (Some(new), Some(old)) if last_owner && new < old => {
            audit::tenant(
                tx,
                record("sso.last_owner_kept", json!({ "mapped": new.as_str() })),
            )
            .await?;
            Ok(())
        }
        (Some(new), Some(old)) => {
            memberships::set_role(tx, user.id, new).await?;
            audit::tenant(
                tx,
                record(
                    "member.role_changed_by_sso",
                    json!({ "old_role": old.as_str(), "new_role": new.as_str() }),
                ),
            )
            .await?;
            Ok(())
        }
    }
}

/// The identity provider's logout URL for a session signed in through SSO, when the IdP
/// offers one. Our own session must already be gone; failures here only skip the IdP.
pub async fn idp_logout_url(state: &AppState, origin: SsoOrigin) -> Option<String> {
    let (issuer, client_id) = match origin {
        SsoOrigin::Tenant {
            tenant_id,
            connection_id,
        } => {
            let tx = TenantTx::begin(state, tenant_id).await.ok()?;
            let row = sso::connection(&tx, connection_id).await.ok()??;
            tx.commit().await.ok()?;
            (row.issuer, row.client_id)
        }
        SsoOrigin::Platform => {
            let platform = state.auth().platform_sso.as_ref()?;
            (platform.issuer.clone(), platform.client_id.clone())
        }
    };
    let metadata = state
        .sso_providers()
        .metadata(state.outbound(), &issuer)
        .await
        .ok()?;
    let after = format!("{}/login?signed_out=1", state.auth().public_url);
    flow::logout_url(&metadata, &client_id, &after).map(|u| u.to_string())
}

/// The tenant's sign-in page: its name and the enabled connections.
///
/// # Errors
/// `NotFound` when no tenant has this slug.
pub async fn tenant_login(
    state: &AppState,
    slug: &str,
) -> Result<crate::dto::sso::TenantLoginDto, DomainError> {
    let scope = SignInScope::resolve(state, slug).await?;
    let tx = scope.begin(state).await?;
    let connections = sso::connections(&tx).await?;
    tx.commit().await?;
    let tenant = scope.tenant().clone();
    Ok(crate::dto::sso::TenantLoginDto {
        slug: tenant.slug,
        name: tenant.name,
        require_sso: tenant.require_sso,
        buttons: connections
            .into_iter()
            .filter(|c| c.enabled)
            .map(|c| crate::dto::sso::SsoButton {
                id: c.id,
                kind: crate::dto::sso::SsoKind::parse(&c.kind)
                    .unwrap_or(crate::dto::sso::SsoKind::Oidc),
                label: c.name,
            })
            .collect(),
    })
}

/// "Continue with your work e-mail": the SSO start URL of the tenant a platform admin
/// verified the address's domain for, when it has an enabled connection.
///
/// # Errors
/// Database errors.
pub async fn discover(state: &AppState, email: &str) -> Result<Option<String>, DomainError> {
    let email = email.trim().to_lowercase();
    let Some((_, domain)) = email.rsplit_once('@') else {
        return Ok(None);
    };
    if domain.is_empty() || domain.len() > 253 {
        return Ok(None);
    }
    let Some(tenant) = crate::backend::repo::tenants::by_sso_domain(state.db(), domain).await?
    else {
        return Ok(None);
    };
    let login = tenant_login(state, &tenant.slug).await?;
    Ok(login.buttons.first().map(|button| {
        let query = openidconnect::url::form_urlencoded::Serializer::new(String::new())
            .append_pair("login_hint", &email)
            .finish();
        format!("/t/{}/sso/{}/start?{query}", login.slug, button.id)
    }))
}

/// The SSO connections of the caller's organisations, and whether the caller's account is
/// linked to an identity there (the account page's "Single sign-on" section).
///
/// # Errors
/// Database errors.
pub async fn linkable(
    state: &AppState,
    caller: &crate::backend::auth::caller::Caller,
) -> Result<Vec<crate::dto::sso::LinkableSso>, DomainError> {
    use crate::backend::authz::{grants::ViewTenant, TenantCtx};
    let tx = crate::backend::repo::scope::UserTx::begin(state, caller.user().id).await?;
    let tenants = memberships::of_user(&tx).await?;
    tx.commit().await?;
    let mut out = Vec::new();
    for tenant in tenants {
        let auth = TenantCtx::resolve(state, caller, &tenant.slug)
            .await?
            .require::<ViewTenant>()?;
        let tx = auth.begin(state).await?;
        let connections = sso::connections(&tx).await?;
        let mine = sso::identities_of(&tx, caller.user().id).await?;
        tx.commit().await?;
        out.extend(connections.into_iter().filter(|c| c.enabled).map(|c| {
            crate::dto::sso::LinkableSso {
                slug: tenant.slug.clone(),
                tenant_name: tenant.name.clone(),
                connection_id: c.id,
                linked: mine.iter().any(|i| i.connection_id == c.id),
                link_url: format!("/t/{}/sso/{}/link", tenant.slug, c.id),
                connection_name: c.name,
            }
        }));
    }
    Ok(out)
}
