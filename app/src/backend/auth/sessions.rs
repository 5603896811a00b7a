//! Server-side sessions. The cookie carries a random token; the database keeps its hash with
//! idle and absolute expiry. Signing out deletes the row, so an old cookie is worthless.

use super::{
    caller::{Caller, CallerUser, Credential},
    secret_token,
};
use crate::backend::{entities::session, error::DomainError, repo::credentials, state::AppState};
use chrono::Utc;
use http::{header, HeaderMap};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

/// Writes to `last_seen_at` at most this often per session.
const TOUCH_EVERY_SECS: i64 = 60;

/// The SSO connection that signed a session in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SsoOrigin {
    /// A tenant's connection.
    Tenant {
        tenant_id: Uuid,
        connection_id: Uuid,
    },
    /// The platform's own connection, from the configuration.
    Platform,
}

/// Starts a session and returns the token for the cookie (the only copy).
///
/// # Errors
/// Database errors.
pub async fn create(
    state: &AppState,
    user_id: Uuid,
    ip: &str,
    user_agent: &str,
) -> Result<String, DomainError> {
    start(state, user_id, ip, user_agent, None).await
}

/// [`create`] for a sign-in through an SSO connection, remembered for the IdP's logout.
///
/// # Errors
/// Database errors.
pub async fn create_for_sso(
    state: &AppState,
    user_id: Uuid,
    ip: &str,
    user_agent: &str,
    origin: SsoOrigin,
) -> Result<String, DomainError> {
    start(state, user_id, ip, user_agent, Some(origin)).await
}

async fn start(
    state: &AppState,
    user_id: Uuid,
    ip: &str,
    user_agent: &str,
    origin: Option<SsoOrigin>,
) -> Result<String, DomainError> {
    let token = secret_token::generate("");
    let now = Utc::now();
    let absolute = chrono::Duration::from_std(state.auth().session_absolute)
        .map_err(|e| DomainError::Internal(e.to_string()))?;
    session::ActiveModel {
        id: Set(Uuid::new_v4()),
        token_hash: Set(secret_token::hash(&token)),
        user_id: Set(user_id),
        created_at: Set(now),
        last_seen_at: Set(now),
        expires_at: Set(now + absolute),
        ip: Set(ip.chars().take(64).collect()),
        user_agent: Set(user_agent.chars().take(300).collect()),
        sso_tenant_id: Set(match origin {
            Some(SsoOrigin::Tenant { tenant_id, .. }) => Some(tenant_id),
            _ => None,
        }),
        sso_connection_id: Set(match origin {
            Some(SsoOrigin::Tenant { connection_id, .. }) => Some(connection_id),
            _ => None,
        }),
        sso_platform: Set(origin == Some(SsoOrigin::Platform)),
    }
    .insert(state.db())
    .await?;
    Ok(token)
}

/// The SSO connection behind a session, if it was signed in through one.
///
/// # Errors
/// Database errors.
pub async fn sso_origin(
    state: &AppState,
    session_id: Uuid,
) -> Result<Option<SsoOrigin>, DomainError> {
    let row = session::Entity::find_by_id(session_id)
        .one(state.db())
        .await?;
    Ok(row.and_then(|s| {
        if s.sso_platform {
            return Some(SsoOrigin::Platform);
        }
        Some(SsoOrigin::Tenant {
            tenant_id: s.sso_tenant_id?,
            connection_id: s.sso_connection_id?,
        })
    }))
}

/// The SQL that finds a session with its user.
static LOOKUP_SQL: credentials::LookupSql = credentials::LookupSql::new();

/// The caller behind a session token, if the session is alive and the user enabled.
///
/// # Errors
/// `Unauthenticated` for unknown, expired or disabled; database errors.
pub async fn authenticate(
    state: &AppState,
    token: &str,
    in_tenant: Option<&str>,
) -> Result<Caller, DomainError> {
    let credentials::Found {
        credential: row,
        user,
        tenant,
    } = credentials::find::<session::Entity>(
        &state.statement_reader(),
        &LOOKUP_SQL,
        session::Column::TokenHash,
        secret_token::hash(token),
        session::Column::UserId,
        in_tenant,
    )
    .await?
    .ok_or(DomainError::Unauthenticated)?;
    let now = Utc::now();
    let idle = chrono::Duration::from_std(state.auth().session_idle)
        .map_err(|e| DomainError::Internal(e.to_string()))?;
    if row.expires_at <= now || row.last_seen_at + idle <= now {
        session::Entity::delete_by_id(row.id)
            .exec(state.db())
            .await?;
        return Err(DomainError::Unauthenticated);
    }
    if user.disabled {
        return Err(DomainError::Unauthenticated);
    }
    if (now - row.last_seen_at).num_seconds() >= TOUCH_EVERY_SECS {
        let mut active: session::ActiveModel = row.clone().into();
        active.last_seen_at = Set(now);
        active.update(state.db()).await?;
    }
    Ok(Caller::new(
        CallerUser {
            id: user.id,
            email: user.email,
            name: user.name,
            is_super_admin: user.is_super_admin,
            last_tenant_id: user.last_tenant_id,
        },
        Credential::Session { session_id: row.id },
        tenant,
    ))
}

/// Ends one session.
///
/// # Errors
/// Database errors.
pub async fn revoke(state: &AppState, session_id: Uuid) -> Result<(), DomainError> {
    session::Entity::delete_by_id(session_id)
        .exec(state.db())
        .await?;
    Ok(())
}

/// Ends every session of a user except `keep`; returns how many ended.
///
/// # Errors
/// Database errors.
pub async fn revoke_all(
    state: &AppState,
    user_id: Uuid,
    keep: Option<Uuid>,
) -> Result<u64, DomainError> {
    let mut delete = session::Entity::delete_many().filter(session::Column::UserId.eq(user_id));
    if let Some(keep) = keep {
        delete = delete.filter(session::Column::Id.ne(keep));
    }
    Ok(delete.exec(state.db()).await?.rows_affected)
}

/// A session as the account page lists it.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub id: Uuid,
    pub created_at: chrono::DateTime<Utc>,
    pub last_seen_at: chrono::DateTime<Utc>,
    pub ip: String,
    pub user_agent: String,
}

/// # Errors
/// Database errors.
pub async fn list(state: &AppState, user_id: Uuid) -> Result<Vec<SessionInfo>, DomainError> {
    Ok(session::Entity::find()
        .filter(session::Column::UserId.eq(user_id))
        .order_by_desc(session::Column::LastSeenAt)
        .all(state.db())
        .await?
        .into_iter()
        .map(|s| SessionInfo {
            id: s.id,
            created_at: s.created_at,
            last_seen_at: s.last_seen_at,
            ip: s.ip,
            user_agent: s.user_agent,
        })
        .collect())
}

/// The session token from the request's cookies.
pub fn token_from_cookies(headers: &HeaderMap, cookie_name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == cookie_name)
        .map(|(_, value)| value.to_string())
        .filter(|v| !v.is_empty())
}

/// `Set-Cookie` for a new session: HttpOnly, SameSite=Lax (Strict would drop the cookie on
/// the SSO return), `Secure` and the `__Host-` name when served over https.
pub fn set_cookie(state: &AppState, token: &str) -> String {
    let secure = if state.auth().secure_cookies {
        "; Secure"
    } else {
        ""
    };
    format!(
        "{}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        state.session_cookie_name(),
        state.auth().session_absolute.as_secs()
    )
}

/// `Set-Cookie` that removes the session cookie.
pub fn clear_cookie(state: &AppState) -> String {
    let secure = if state.auth().secure_cookies {
        "; Secure"
    } else {
        ""
    };
    format!(
        "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}",
        state.session_cookie_name()
    )
}
