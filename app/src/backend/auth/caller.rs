//! `Caller`: the signed-in user behind a request, from the session cookie or a personal API
//! token (`Authorization: Bearer …`). Everything authorization checks starts here.

use super::{api_tokens, sessions};
use crate::backend::{error::DomainError, state::AppState};
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
}

impl Caller {
    pub(in crate::backend) fn new(user: CallerUser, credential: Credential) -> Self {
        Self { user, credential }
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

    /// Resolves the request's credentials. A bearer token, when present, is authoritative:
    /// a bad one is an error even if a cookie is also sent.
    ///
    /// # Errors
    /// `Unauthenticated` when no valid credential is present; database errors.
    pub async fn from_headers(state: &AppState, headers: &HeaderMap) -> Result<Self, DomainError> {
        if let Some(auth) = headers.get(header::AUTHORIZATION) {
            let token = auth
                .to_str()
                .ok()
                .and_then(|v| v.strip_prefix("Bearer "))
                .ok_or(DomainError::Unauthenticated)?;
            return api_tokens::authenticate(state, token.trim()).await;
        }
        let token = sessions::token_from_cookies(headers, state.session_cookie_name())
            .ok_or(DomainError::Unauthenticated)?;
        sessions::authenticate(state, &token).await
    }
}
