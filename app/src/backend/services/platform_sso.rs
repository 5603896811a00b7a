//! Signing in to the platform itself through the operator's SSO connection
//! (`PARLEY_PLATFORM_SSO_*`), the same flow and checks as a tenant's connection.
//!
//! Who the verified identity becomes:
//! - found by (issuer, subject), never by e-mail;
//! - an unknown identity is linked only to the signed-in user who started a "link" attempt,
//!   or provisioned as a new super-admin when it holds the admin role — never when an
//!   account with its e-mail exists (no takeover); anyone else is refused;
//! - the super-admin right follows the admin role at every sign-in: granted when the role
//!   appears, taken away when it goes (the last enabled super-admin is kept, audited).
//!
//! Every outcome is audited on the platform; every failure ends on a page that says why.

use super::sso_sign_in::{
    accepted_code, new_account, verified_identity, Callback, SignedIn, SsoFailure, Started,
};
use crate::backend::{
    auth::{
        caller::Caller,
        oidc::{self, flow, verify::VerifiedIdentity, PlatformConnection},
        secret_token,
        sessions::{self, SsoOrigin},
    },
    error::DomainError,
    repo::{audit, platform_sso, scope::PlatformTx, users},
    request_meta::RequestMeta,
    state::AppState,
};
use crate::dto::sso::{LinkableSso, SsoProblem};
use chrono::Utc;
use sea_orm::DatabaseTransaction;
use serde_json::json;
use uuid::Uuid;

/// The label of the platform's "Sign in with …" button, when the operator configured it.
pub fn button_label(state: &AppState) -> Option<String> {
    state.auth().platform_sso.as_ref().map(|p| p.name.clone())
}

fn connection(state: &AppState) -> Result<&PlatformConnection, SsoFailure> {
    state
        .auth()
        .platform_sso
        .as_ref()
        .ok_or_else(|| SsoFailure::new(SsoProblem::NotConfigured, "no platform connection"))
}

fn client_config(state: &AppState) -> Result<flow::ClientConfig, SsoFailure> {
    Ok(connection(state)?.client_config(&state.auth().public_url))
}

/// Starts a platform sign-in. With `link_user`, the identity will be linked to that
/// (signed-in) user instead of signing someone in.
///
/// # Errors
/// [`SsoFailure`] when platform SSO is not configured or discovery fails.
pub async fn start(state: &AppState, link_user: Option<Uuid>) -> Result<Started, SsoFailure> {
    let config = client_config(state)?;
    let metadata = state
        .sso_providers()
        .metadata(state.outbound(), &config.issuer)
        .await
        .map_err(|e| SsoFailure::new(SsoProblem::Misconfigured, e.to_string()))?;
    let authorization = flow::authorize(&metadata, &config, None)
        .map_err(|e| SsoFailure::new(SsoProblem::Misconfigured, e.to_string()))?;
    let browser_token = secret_token::generate("");
    let now = Utc::now();
    // Abandoned attempts go as new ones come: the table stays small.
    platform_sso::purge_expired_attempts(state.db()).await?;
    platform_sso::insert_attempt(
        state.db(),
        platform_sso::Attempt {
            id: Uuid::new_v4(),
            state_hash: secret_token::hash(&authorization.state),
            browser_hash: secret_token::hash(&browser_token),
            nonce: authorization.nonce,
            pkce_verifier: authorization.pkce_verifier,
            link_user_id: link_user,
            created_at: now,
            expires_at: now + chrono::Duration::seconds(oidc::ATTEMPT_TTL_SECS),
        },
    )
    .await?;
    Ok(Started {
        redirect: authorization.url.to_string(),
        browser_token,
    })
}

/// Finishes the platform attempt the callback's `state` names. Failures are audited.
///
/// # Errors
/// [`SsoFailure`] naming the problem for the error page.
pub async fn finish(
    state: &AppState,
    callback: Callback,
    browser_token: Option<&str>,
    meta: &RequestMeta,
) -> Result<SignedIn, SsoFailure> {
    let outcome = complete(state, callback, browser_token, meta).await;
    if let Err(failure) = &outcome {
        tracing::warn!(
            problem = failure.problem.code(),
            detail = %failure.detail,
            "platform single sign-on refused"
        );
        audit::platform(
            state.db(),
            audit::PlatformEvent {
                actor: None,
                action: "platform_sso.sign_in_failed",
                target: failure.problem.code().to_string(),
                ip: meta.ip.clone(),
                details: json!({ "detail": failure.detail.chars().take(500).collect::<String>() }),
            },
        )
        .await?;
    }
    outcome
}

async fn complete(
    state: &AppState,
    callback: Callback,
    browser_token: Option<&str>,
    meta: &RequestMeta,
) -> Result<SignedIn, SsoFailure> {
    let platform = connection(state)?;
    let returned_state = callback
        .state
        .as_deref()
        .ok_or_else(|| SsoFailure::new(SsoProblem::Expired, "no state"))?;
    // Taking the attempt consumes it, whatever happens next: a state works once.
    let attempt = platform_sso::take_attempt(state.db(), &secret_token::hash(returned_state))
        .await?
        .ok_or_else(|| SsoFailure::new(SsoProblem::Expired, "unknown or used state"))?;
    let code = accepted_code(
        callback,
        attempt.expires_at,
        &attempt.browser_hash,
        browser_token,
    )?;
    let config = client_config(state)?;
    let identity = verified_identity(
        state,
        &config,
        &code,
        &attempt.pkce_verifier,
        &attempt.nonce,
    )
    .await?;
    let is_admin = identity
        .claim_values(&platform.role_claim)
        .contains(&platform.admin_role);

    // One transaction: a refusal after provisioning or linking leaves nothing behind.
    let txn = PlatformTx::begin(state).await?;
    let user = resolve_user(txn.conn(), &identity, attempt.link_user_id, is_admin, meta).await?;
    txn.commit().await?;

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
        SsoOrigin::Platform,
    )
    .await?;
    audit::platform(
        state.db(),
        audit::PlatformEvent {
            actor: Some(user.id),
            action: "auth.signed_in",
            target: user.email.clone(),
            ip: meta.ip.clone(),
            details: json!({ "method": "platform_sso", "super_admin": user.is_super_admin }),
        },
    )
    .await?;
    Ok(SignedIn {
        session_token: Some(token),
        redirect: if user.is_super_admin { "/admin" } else { "/" }.into(),
    })
}

/// The Parley user behind `identity`, with the super-admin right brought in line with the
/// admin role.
async fn resolve_user(
    txn: &DatabaseTransaction,
    identity: &VerifiedIdentity,
    link_user: Option<Uuid>,
    is_admin: bool,
    meta: &RequestMeta,
) -> Result<users::User, SsoFailure> {
    let record =
        |action: &'static str, user: Uuid, details: serde_json::Value| audit::PlatformEvent {
            actor: Some(user),
            action,
            target: user.to_string(),
            ip: meta.ip.clone(),
            details,
        };
    let known = platform_sso::identity(txn, &identity.issuer, &identity.subject).await?;
    let user_id = match (known, link_user) {
        (Some(known), Some(linker)) if known.user_id != linker => {
            return Err(SsoFailure::new(
                SsoProblem::LinkedElsewhere,
                "identity bound to another user",
            ))
        }
        (Some(known), _) => {
            platform_sso::touch_identity(txn, known.id, identity.email.clone()).await?;
            known.user_id
        }
        (None, Some(linker)) => {
            bind(txn, identity, linker).await?;
            audit::platform(
                txn,
                record(
                    "platform_sso.identity_linked",
                    linker,
                    json!({ "subject": identity.subject }),
                ),
            )
            .await?;
            linker
        }
        (None, None) => {
            if !is_admin {
                return Err(SsoFailure::new(
                    SsoProblem::NoRole,
                    "unknown identity without the platform admin role",
                ));
            }
            let user = new_account(txn, identity).await?;
            bind(txn, identity, user.id).await?;
            audit::platform(
                txn,
                record(
                    "platform_sso.user_provisioned",
                    user.id,
                    json!({ "email": user.email }),
                ),
            )
            .await?;
            user.id
        }
    };
    let user = users::by_id(txn, user_id)
        .await?
        .ok_or_else(|| SsoFailure::new(SsoProblem::NotProvisioned, "user vanished"))?;
    if user.disabled {
        return Err(SsoFailure::new(
            SsoProblem::AccountDisabled,
            "user disabled",
        ));
    }
    if link_user.is_some() {
        // Linking proves the identity; rights follow at the next sign-in through it.
        return Ok(user);
    }
    sync_super_admin(txn, user, is_admin, meta).await
}

async fn bind(
    txn: &DatabaseTransaction,
    identity: &VerifiedIdentity,
    user_id: Uuid,
) -> Result<(), SsoFailure> {
    let now = Utc::now();
    platform_sso::insert_identity(
        txn,
        platform_sso::Identity {
            id: Uuid::new_v4(),
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

/// Grants or takes away the super-admin right as the admin role says. The last enabled
/// super-admin keeps it (the platform would be left without one); that is audited instead.
async fn sync_super_admin(
    txn: &DatabaseTransaction,
    mut user: users::User,
    is_admin: bool,
    meta: &RequestMeta,
) -> Result<users::User, SsoFailure> {
    let record = |action: &'static str| audit::PlatformEvent {
        actor: None,
        action,
        target: user.email.clone(),
        ip: meta.ip.clone(),
        details: json!({ "user": user.id }),
    };
    match (is_admin, user.is_super_admin) {
        (true, false) => {
            users::set_super_admin(txn, user.id, true).await?;
            audit::platform(txn, record("platform_sso.super_admin_granted")).await?;
            user.is_super_admin = true;
        }
        (false, true) if users::count_active_super_admins(txn).await? <= 1 => {
            audit::platform(txn, record("platform_sso.last_super_admin_kept")).await?;
        }
        (false, true) => {
            users::set_super_admin(txn, user.id, false).await?;
            audit::platform(txn, record("platform_sso.super_admin_revoked")).await?;
            user.is_super_admin = false;
        }
        _ => {}
    }
    Ok(user)
}

/// The platform connection as the account page offers it for linking, when configured.
///
/// # Errors
/// Database errors.
pub async fn linkable(
    state: &AppState,
    caller: &Caller,
) -> Result<Option<LinkableSso>, DomainError> {
    let Some(platform) = state.auth().platform_sso.as_ref() else {
        return Ok(None);
    };
    Ok(Some(LinkableSso {
        slug: String::new(),
        tenant_name: "Platform".into(),
        connection_id: Uuid::nil(),
        connection_name: platform.name.clone(),
        linked: platform_sso::is_linked(state.db(), caller.user().id).await?,
        link_url: PLATFORM_LINK_PATH.into(),
    }))
}

/// Where the account page's "Link" form posts for the platform connection.
pub const PLATFORM_LINK_PATH: &str = "/sso/platform/link";
