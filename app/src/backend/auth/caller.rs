//! `Caller`: the signed-in user behind a request, from the session cookie or a personal API
//! token (`Authorization: Bearer …`). Everything authorization checks starts here.

use super::{api_tokens, sessions};
use crate::backend::{error::DomainError, repo::credentials::TenantLookup, state::AppState};
use http::{header, HeaderMap};
use uuid::Uuid;

/// The user, as guards and pages need them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallerUser {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub is_super_admin: bool,
    pub last_tenant_id: Option<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    Session {
        session_id: Uuid,
    },
    ApiToken {
        token_id: Uuid,
        restricted_to: Option<Uuid>,
    },
}

#[derive(Debug, Clone)]
pub struct Caller {
    user: CallerUser,
    credential: Credential,
    /// The tenant of the request's URL, when it was read with the credential.
    tenant: Option<TenantLookup>,
}

impl Caller {
    pub(in crate::backend) fn new(
        user: CallerUser,
        credential: Credential,
        tenant: Option<TenantLookup>,
    ) -> Self {
        Self {
            user,
            credential,
            tenant,
        }
    }

    pub fn user(&self) -> &CallerUser {
        &self.user
    }

    pub fn credential(&self) -> &Credential {
        &self.credential
    }

    /// The one tenant an API token is limited to, if any.
    pub fn restricted_to(&self) -> Option<Uuid> {
        match self.credential {
            Credential::ApiToken { restricted_to, .. } => restricted_to,
            Credential::Session { .. } => None,
        }
    }

    /// The caller acting on their whole account rather than inside one tenant.
    ///
    /// # Errors
    /// `TokenLimitedToTenant` for an API token limited to one tenant: such a token acts in
    /// its tenant only, so it cannot reach its owner's password, tokens, sessions or
    /// profile, nor create organisations.
    pub fn account_wide(&self) -> Result<AccountCaller, DomainError> {
        match self.restricted_to() {
            Some(_) => Err(DomainError::TokenLimitedToTenant),
            None => Ok(AccountCaller(self.clone())),
        }
    }

    /// The tenant `slug` as read with the credential, if it was.
    pub(in crate::backend) fn tenant_read_along(&self, slug: &str) -> Option<&TenantLookup> {
        self.tenant.as_ref().filter(|t| t.slug == slug)
    }

    /// Resolves the request's credentials. A bearer token, when present, is authoritative:
    /// a bad one is an error even if a cookie is also sent.
    ///
    /// # Errors
    /// `Unauthenticated` when no valid credential is present; database errors.
    pub async fn from_headers(state: &AppState, headers: &HeaderMap) -> Result<Self, DomainError> {
        Self::from_headers_in(state, headers, None).await
    }

    /// Like `from_headers`, for a request to the tenant `slug`: where the database allows
    /// it, the caller's membership there is read in the same statement (see
    /// `repo::credentials`), and `TenantCtx::resolve` needs no query of its own.
    ///
    /// # Errors
    /// As `from_headers`.
    pub async fn from_headers_in(
        state: &AppState,
        headers: &HeaderMap,
        slug: Option<&str>,
    ) -> Result<Self, DomainError> {
        if let Some(auth) = headers.get(header::AUTHORIZATION) {
            let token = auth
                .to_str()
                .ok()
                .and_then(|v| v.strip_prefix("Bearer "))
                .ok_or(DomainError::Unauthenticated)?;
            return api_tokens::authenticate(state, token.trim(), slug).await;
        }
        let token = sessions::token_from_cookies(headers, state.session_cookie_name())
            .ok_or(DomainError::Unauthenticated)?;
        sessions::authenticate(state, &token, slug).await
    }
}

/// Proof that the caller may act on their whole account (a session, or an API token with no
/// tenant limit); services that change the account take it instead of a `Caller`.
#[derive(Debug, Clone)]
pub struct AccountCaller(Caller);

impl std::ops::Deref for AccountCaller {
    type Target = Caller;

    fn deref(&self) -> &Caller {
        &self.0
    }
}
