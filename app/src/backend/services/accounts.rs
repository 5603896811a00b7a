//! Accounts: register, sign in and out, passwords, profile, `/me`.

use super::{platform_settings, validate};
use crate::backend::{
    auth::{
        caller::{AccountCaller, Caller, Credential},
        password_policy, sessions,
        throttle::{self, Key},
    },
    error::DomainError,
    repo::{audit, memberships, scope::UserTx, users},
    request_meta::RequestMeta,
    state::{AppState, SignupMode},
};
use crate::dto::account::{MeDto, MyTenantDto, UserDto};
use secrecy::SecretString;
use serde_json::json;

pub struct Registration {
    pub email: String,
    pub password: SecretString,
    pub name: String,
    /// Needed when sign-up is invite-only.
    pub invitation: Option<String>,
}

fn dto(u: &users::User) -> UserDto {
    UserDto {
        id: u.id,
        email: u.email.clone(),
        name: u.name.clone(),
        is_super_admin: u.is_super_admin,
    }
}

/// Creates an account. With invite-only sign-up a valid invitation token is required (it is
/// accepted by the caller afterwards).
///
/// # Errors
/// `Forbidden` when sign-up is closed; validation errors; `Conflict` for a taken e-mail.
#[tracing::instrument(skip_all)]
pub async fn register(
    state: &AppState,
    reg: Registration,
    meta: &RequestMeta,
) -> Result<UserDto, DomainError> {
    if platform_settings::signup_mode(state).await? == SignupMode::InviteOnly {
        let valid = match reg.invitation.as_deref() {
            Some(token) => super::invitations::is_valid(state, token).await?,
            None => false,
        };
        if !valid {
            return Err(DomainError::SignupClosed);
        }
    }
    let email = validate::email(&reg.email)?;
    let name = validate::person_name(&reg.name)?;
    password_policy::check("password", &reg.password)?;
    throttle::count(
        state,
        &[Key::signup(&meta.ip, state.auth().signups_per_address)],
    )
    .await?;
    // Hashed before the address is looked up, so that a taken address answers no faster
    // than a new one.
    let hash = state.passwords().hash(reg.password).await?;
    let taken = || {
        DomainError::taken(
            "email",
            "An account with this e-mail address already exists. Sign in instead.",
        )
    };
    if users::by_email(state.db(), &email).await?.is_some() {
        return Err(taken());
    }
    let user = users::insert(state.db(), &email, &name, Some(hash), false)
        .await
        .map_err(|e| match e.sql_err() {
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => taken(),
            _ => DomainError::Db(e),
        })?;
    audit::platform(
        state.db(),
        audit::PlatformEvent {
            actor: Some(user.id),
            action: "user.registered",
            target: user.email.clone(),
            ip: meta.ip.clone(),
            details: json!({}),
        },
    )
    .await?;
    Ok(dto(&user))
}

/// Signs in: the same answer, in about the same time, for an unknown e-mail and a wrong
/// password. Returns the user and the new session's token.
///
/// # Errors
/// `InvalidCredentials`; `RateLimited` while throttled; `AccountDisabled` (only after the
/// right password); database errors.
#[tracing::instrument(skip_all)]
pub async fn login(
    state: &AppState,
    email: &str,
    password: SecretString,
    meta: &RequestMeta,
) -> Result<(UserDto, String), DomainError> {
    let email = email.trim().to_lowercase();
    let admission = throttle::admit(state, &[Key::account(&email), Key::address(&meta.ip)]).await?;
    let user = users::by_email(state.db(), &email).await?;
    let hash = user.as_ref().and_then(|u| u.password_hash.clone());
    let ok = state
        .passwords()
        .verify_or_dummy(password.clone(), hash.clone())
        .await?;
    let Some(user) = user.filter(|_| ok) else {
        audit::platform(
            state.db(),
            audit::PlatformEvent {
                actor: None,
                action: "auth.sign_in_failed",
                target: email,
                ip: meta.ip.clone(),
                details: json!({}),
            },
        )
        .await?;
        return Err(DomainError::InvalidCredentials);
    };
    admission.succeeded(state).await?;
    if user.disabled {
        return Err(DomainError::AccountDisabled);
    }
    // Super-admins keep the password path: the way back in when an IdP is misconfigured.
    if !user.is_super_admin {
        if let Some(tenant) = requiring_sso(state, user.id).await? {
            audit::platform(
                state.db(),
                audit::PlatformEvent {
                    actor: Some(user.id),
                    action: "auth.password_refused_sso_required",
                    target: user.email.clone(),
                    ip: meta.ip.clone(),
                    details: json!({ "tenant": tenant.slug }),
                },
            )
            .await?;
            return Err(DomainError::SsoRequired {
                slug: tenant.slug,
                name: tenant.name,
            });
        }
    }
    if hash
        .as_deref()
        .is_some_and(crate::backend::auth::password::needs_rehash)
    {
        let fresh = state.passwords().hash(password).await?;
        users::set_password_hash(state.db(), user.id, fresh).await?;
    }
    let token = sessions::create(state, user.id, &meta.ip, &meta.user_agent).await?;
    audit::platform(
        state.db(),
        audit::PlatformEvent {
            actor: Some(user.id),
            action: "auth.signed_in",
            target: user.email.clone(),
            ip: meta.ip.clone(),
            details: json!({ "method": "password" }),
        },
    )
    .await?;
    Ok((dto(&user), token))
}

/// The first of the user's tenants that requires single sign-on.
async fn requiring_sso(
    state: &AppState,
    user_id: uuid::Uuid,
) -> Result<Option<crate::backend::repo::memberships::MyTenant>, DomainError> {
    let tx = crate::backend::repo::scope::UserTx::begin(state, user_id).await?;
    let tenants = crate::backend::repo::memberships::of_user(&tx).await?;
    tx.commit().await?;
    Ok(tenants.into_iter().find(|t| t.require_sso))
}

/// Ends the caller's session (or, for an API token, nothing: tokens are revoked instead).
/// Returns the identity provider's logout URL when the session came from SSO and the IdP
/// offers one; our session is gone either way.
///
/// # Errors
/// Database errors.
pub async fn logout(
    state: &AppState,
    caller: &Caller,
    meta: &RequestMeta,
) -> Result<Option<String>, DomainError> {
    let mut origin = None;
    if let Credential::Session { session_id } = caller.credential() {
        origin = sessions::sso_origin(state, *session_id).await?;
        sessions::revoke(state, *session_id).await?;
    }
    audit::platform(
        state.db(),
        audit::PlatformEvent {
            actor: Some(caller.user().id),
            action: "auth.signed_out",
            target: caller.user().email.clone(),
            ip: meta.ip.clone(),
            details: json!({ "sso": origin.is_some() }),
        },
    )
    .await?;
    Ok(match origin {
        Some(origin) => super::sso_sign_in::idp_logout_url(state, origin).await,
        None => None,
    })
}

/// Ends every session of the caller, this one included.
///
/// # Errors
/// Database errors.
pub async fn logout_everywhere(
    state: &AppState,
    caller: &AccountCaller,
    meta: &RequestMeta,
) -> Result<u64, DomainError> {
    let ended = sessions::revoke_all(state, caller.user().id, None).await?;
    audit::platform(
        state.db(),
        audit::PlatformEvent {
            actor: Some(caller.user().id),
            action: "auth.signed_out_everywhere",
            target: caller.user().email.clone(),
            ip: meta.ip.clone(),
            details: json!({ "sessions": ended }),
        },
    )
    .await?;
    Ok(ended)
}

/// Changes the caller's password after checking the current one, which is throttled as
/// sign-in is (a stolen session must not become a way to guess it); every other session
/// ends.
///
/// # Errors
/// `validation` on `current_password` when it is wrong; `RateLimited` while throttled;
/// policy errors on `new_password`.
#[tracing::instrument(skip_all)]
pub async fn change_password(
    state: &AppState,
    caller: &AccountCaller,
    current: SecretString,
    new: SecretString,
    meta: &RequestMeta,
) -> Result<(), DomainError> {
    let user = users::by_id(state.db(), caller.user().id)
        .await?
        .ok_or(DomainError::Unauthenticated)?;
    let admission =
        throttle::admit(state, &[Key::account(&user.email), Key::address(&meta.ip)]).await?;
    if !state
        .passwords()
        .verify_or_dummy(current, user.password_hash.clone())
        .await?
    {
        return Err(DomainError::validation(
            "current_password",
            "The current password is not right.",
        ));
    }
    admission.succeeded(state).await?;
    password_policy::check("new_password", &new)?;
    let hash = state.passwords().hash(new).await?;
    users::set_password_hash(state.db(), user.id, hash).await?;
    let keep = match caller.credential() {
        Credential::Session { session_id } => Some(*session_id),
        Credential::ApiToken { .. } => None,
    };
    sessions::revoke_all(state, user.id, keep).await?;
    audit::platform(
        state.db(),
        audit::PlatformEvent {
            actor: Some(user.id),
            action: "auth.password_changed",
            target: user.email,
            ip: meta.ip.clone(),
            details: json!({}),
        },
    )
    .await?;
    Ok(())
}

/// # Errors
/// Validation errors on `name`.
pub async fn update_profile(
    state: &AppState,
    caller: &AccountCaller,
    name: &str,
) -> Result<(), DomainError> {
    let name = validate::person_name(name)?;
    users::set_name(state.db(), caller.user().id, &name).await?;
    Ok(())
}

/// The caller and their tenants (an API token limited to one tenant sees only that one).
///
/// # Errors
/// Database errors.
pub async fn me(state: &AppState, caller: &Caller) -> Result<MeDto, DomainError> {
    let tx = UserTx::begin(state, caller.user().id).await?;
    let mine = memberships::of_user(&tx).await?;
    tx.commit().await?;
    let visible: Vec<_> = mine
        .into_iter()
        .filter(|t| {
            caller
                .restricted_to()
                .is_none_or(|only| only == t.tenant_id)
        })
        .collect();
    let last_tenant = caller
        .user()
        .last_tenant_id
        .and_then(|id| visible.iter().find(|t| t.tenant_id == id))
        .map(|t| t.slug.clone());
    let user = caller.user();
    Ok(MeDto {
        id: user.id,
        email: user.email.clone(),
        name: user.name.clone(),
        is_super_admin: user.is_super_admin,
        tenants: visible
            .into_iter()
            .map(|t| MyTenantDto {
                slug: t.slug,
                name: t.name,
                role: t.role,
                suspended: t.suspended,
            })
            .collect(),
        last_tenant,
    })
}
