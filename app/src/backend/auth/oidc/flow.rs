//! The authorization-code flow with PKCE (S256), `state` and `nonce`, on top of the
//! `openidconnect` crate: the redirect to the identity provider, the code exchange, the ID
//! token check with one key refetch for an unknown `kid`, and the IdP's logout URL.
//!
//! The crate does not compare `state`; the caller does, by finding the single-use attempt
//! through the hash of the `state` it got back.

use super::{
    http,
    provider::{Metadata, ProviderCache, ProviderError},
    verify::{self, Expected, VerifiedIdentity, VerifyError},
};
use crate::backend::llm::Outbound;
use openidconnect::{
    core::{CoreAuthenticationFlow, CoreClient},
    url::Url,
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, LoginHint, Nonce, PkceCodeChallenge,
    PkceCodeVerifier, PostLogoutRedirectUrl, RedirectUrl, Scope, TokenResponse,
};
use secrecy::{ExposeSecret, SecretString};

/// One connection's client settings, secret opened.
pub struct ClientConfig {
    pub issuer: String,
    pub client_id: String,
    pub client_secret: SecretString,
    /// Space-separated; `openid` is always sent.
    pub scopes: String,
    pub redirect_uri: String,
    pub directory_id: Option<String>,
}

impl std::fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientConfig")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &"[redacted]")
            .finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum FlowError {
    #[error(transparent)]
    Provider(#[from] ProviderError),
    #[error("the connection settings are invalid: {0}")]
    Config(String),
    #[error("the code exchange failed: {0}")]
    Exchange(String),
    #[error("the identity provider's answer holds no ID token")]
    NoIdToken,
    #[error("the ID token failed verification: {0}")]
    Verify(VerifyError),
}

/// Where to send the browser, and what to remember until it comes back.
pub struct Authorization {
    pub url: Url,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
}

fn client(
    metadata: &Metadata,
    config: &ClientConfig,
) -> Result<
    CoreClient<
        openidconnect::EndpointSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointMaybeSet,
        openidconnect::EndpointMaybeSet,
    >,
    FlowError,
> {
    let redirect = RedirectUrl::new(config.redirect_uri.clone())
        .map_err(|e| FlowError::Config(format!("redirect URI: {e}")))?;
    Ok(CoreClient::from_provider_metadata(
        metadata.clone(),
        ClientId::new(config.client_id.clone()),
        Some(ClientSecret::new(
            config.client_secret.expose_secret().to_string(),
        )),
    )
    .set_redirect_uri(redirect))
}

/// The identity provider's authorization URL for a new attempt.
///
/// # Errors
/// [`FlowError::Config`] when the redirect URI is invalid.
pub fn authorize(
    metadata: &Metadata,
    config: &ClientConfig,
    login_hint: Option<&str>,
) -> Result<Authorization, FlowError> {
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let client = client(metadata, config)?;
    let mut request = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .set_pkce_challenge(challenge);
    for scope in config.scopes.split_whitespace().filter(|s| *s != "openid") {
        request = request.add_scope(Scope::new(scope.to_string()));
    }
    if let Some(hint) = login_hint {
        request = request.set_login_hint(LoginHint::new(hint.to_string()));
    }
    let (url, state, nonce) = request.url();
    Ok(Authorization {
        url,
        state: state.secret().clone(),
        nonce: nonce.secret().clone(),
        pkce_verifier: verifier.secret().clone(),
    })
}

/// Exchanges the code and verifies the ID token it brings.
///
/// # Errors
/// [`FlowError`] for discovery, exchange or verification failures.
pub async fn finish(
    cache: &ProviderCache,
    outbound: &Outbound,
    config: &ClientConfig,
    code: &str,
    pkce_verifier: &str,
    nonce: &str,
) -> Result<VerifiedIdentity, FlowError> {
    let metadata = cache.metadata(outbound, &config.issuer).await?;
    let client = client(&metadata, config)?;
    let http_client = http::client(outbound);
    let response = client
        .exchange_code(AuthorizationCode::new(code.to_string()))
        .map_err(|e| FlowError::Config(e.to_string()))?
        .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.to_string()))
        .request_async(&http_client)
        .await
        .map_err(|e| FlowError::Exchange(exchange_error(&e)))?;
    let raw = response
        .id_token()
        .and_then(|t| serde_json::to_value(t).ok())
        .and_then(|v| v.as_str().map(str::to_string))
        .ok_or(FlowError::NoIdToken)?;
    let expected = Expected {
        issuer: &config.issuer,
        client_id: &config.client_id,
        directory_id: config.directory_id.as_deref(),
        nonce,
    };
    match verify::verify(&metadata, &raw, &expected) {
        Err(VerifyError::UnknownKey) => {
            let Some(refreshed) = cache.refetch_keys(outbound, &config.issuer).await? else {
                return Err(FlowError::Verify(VerifyError::UnknownKey));
            };
            verify::verify(&refreshed, &raw, &expected).map_err(FlowError::Verify)
        }
        other => other.map_err(FlowError::Verify),
    }
}

/// A description of a failed exchange for the log: the error type and the IdP's error
/// code, never the response body (it could echo the secret back).
fn exchange_error<E: std::error::Error>(
    err: &openidconnect::RequestTokenError<
        E,
        openidconnect::StandardErrorResponse<openidconnect::core::CoreErrorResponseType>,
    >,
) -> String {
    use openidconnect::RequestTokenError as R;
    match err {
        R::ServerResponse(answer) => format!("the identity provider answered {}", answer.error()),
        R::Request(e) => format!("request failed: {e}"),
        R::Parse(e, _) => format!("unreadable answer: {e}"),
        R::Other(e) => e.clone(),
    }
}

/// The identity provider's logout URL (RP-initiated logout), when it offers one.
pub fn logout_url(metadata: &Metadata, client_id: &str, after: &str) -> Option<Url> {
    let endpoint = metadata
        .additional_metadata()
        .end_session_endpoint
        .clone()?;
    let mut request = openidconnect::LogoutRequest::from(endpoint)
        .set_client_id(ClientId::new(client_id.to_string()));
    if let Ok(after) = PostLogoutRedirectUrl::new(after.to_string()) {
        request = request.set_post_logout_redirect_uri(after);
    }
    Some(request.http_get_url())
}
