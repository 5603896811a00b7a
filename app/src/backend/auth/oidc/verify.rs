//! ID token verification: signature with an allowed asymmetric algorithm (never `none`,
//! never a MAC keyed with the client secret), `iss`, `aud`, `exp`, `iat` within bounds,
//! `nonce`, and for Entra the directory (`tid`). The identity it yields is keyed by
//! (issuer, subject) — Entra's object id (`oid`) as subject — and never by e-mail.

use super::{
    claims::{payload_of_verified, ParleyIdToken},
    provider::Metadata,
    role_map::claim_values,
};
use chrono::{Duration, Utc};
use openidconnect::{
    core::CoreJwsSigningAlgorithm, ClaimsVerificationError, ClientId, IdTokenVerifier, IssuerUrl,
    Nonce, SignatureVerificationError,
};
use serde_json::Value;

/// How far in the future `iat` may lie (clock skew between us and the IdP).
const IAT_SKEW: i64 = 5 * 60;
/// How old a freshly exchanged token may be.
const IAT_MAX_AGE: i64 = 60 * 60;

/// Algorithms Parley accepts when the IdP declares them. RS256 is OpenID's default.
const ASYMMETRIC: [CoreJwsSigningAlgorithm; 8] = [
    CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
    CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha384,
    CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha512,
    CoreJwsSigningAlgorithm::RsaSsaPssSha256,
    CoreJwsSigningAlgorithm::RsaSsaPssSha384,
    CoreJwsSigningAlgorithm::RsaSsaPssSha512,
    CoreJwsSigningAlgorithm::EcdsaP256Sha256,
    CoreJwsSigningAlgorithm::EcdsaP384Sha384,
];

/// What the token must match.
#[derive(Debug)]
pub struct Expected<'a> {
    pub issuer: &'a str,
    pub client_id: &'a str,
    /// Entra's directory id; the `tid` claim must equal it.
    pub directory_id: Option<&'a str>,
    pub nonce: &'a str,
}

/// A verified identity.
#[derive(Debug, Clone)]
pub struct VerifiedIdentity {
    pub issuer: String,
    pub subject: String,
    pub email: Option<String>,
    pub name: Option<String>,
    /// The whole verified payload, for the role mapping.
    pub payload: Value,
}

impl VerifiedIdentity {
    pub fn claim_values(&self, claim: &str) -> Vec<String> {
        claim_values(&self.payload, claim)
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum VerifyError {
    /// Signed with a key id we do not hold: worth one refetch of the keys.
    #[error("the token names a signing key the identity provider does not publish")]
    UnknownKey,
    #[error("{0}")]
    Invalid(String),
}

/// The algorithms the IdP declares that Parley accepts; RS256 when it declares none of them.
fn allowed_algs(metadata: &Metadata) -> Vec<CoreJwsSigningAlgorithm> {
    let declared: Vec<_> = metadata
        .id_token_signing_alg_values_supported()
        .iter()
        .filter(|alg| ASYMMETRIC.contains(alg))
        .cloned()
        .collect();
    if declared.is_empty() {
        vec![CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256]
    } else {
        declared
    }
}

/// Verifies `raw` against the IdP's keys in `metadata`.
///
/// # Errors
/// [`VerifyError::UnknownKey`] for an unknown `kid`; [`VerifyError::Invalid`] for every
/// other failed check.
pub fn verify(
    metadata: &Metadata,
    raw: &str,
    expected: &Expected<'_>,
) -> Result<VerifiedIdentity, VerifyError> {
    let token: ParleyIdToken = raw
        .parse()
        .map_err(|e| VerifyError::Invalid(format!("not a signed JWT: {e}")))?;
    let issuer = IssuerUrl::new(expected.issuer.to_string())
        .map_err(|e| VerifyError::Invalid(format!("issuer: {e}")))?;
    let verifier = IdTokenVerifier::new_public_client(
        ClientId::new(expected.client_id.to_string()),
        issuer,
        metadata.jwks().clone(),
    )
    .set_allowed_algs(allowed_algs(metadata))
    .set_issue_time_verifier_fn(|iat| {
        let now = Utc::now();
        if iat > now + Duration::seconds(IAT_SKEW) {
            Err(format!("issued in the future ({iat})"))
        } else if iat < now - Duration::seconds(IAT_MAX_AGE) {
            Err(format!("issued too long ago ({iat})"))
        } else {
            Ok(())
        }
    });
    let nonce = Nonce::new(expected.nonce.to_string());
    let claims = match token.claims(&verifier, &nonce) {
        Ok(claims) => claims,
        Err(ClaimsVerificationError::SignatureVerification(
            SignatureVerificationError::NoMatchingKey,
        )) => return Err(VerifyError::UnknownKey),
        Err(e) => return Err(VerifyError::Invalid(e.to_string())),
    };
    let extra = claims.additional_claims();
    let subject = match expected.directory_id {
        Some(directory) => {
            let tid = extra.tid.as_deref().unwrap_or_default();
            if !tid.eq_ignore_ascii_case(directory) {
                return Err(VerifyError::Invalid(format!(
                    "the token's directory (tid {tid:?}) is not the connection's"
                )));
            }
            extra
                .oid
                .clone()
                .filter(|oid| !oid.is_empty())
                .ok_or_else(|| VerifyError::Invalid("the token has no object id (oid)".into()))?
        }
        None => claims.subject().to_string(),
    };
    let payload = payload_of_verified(raw)
        .ok_or_else(|| VerifyError::Invalid("the payload is not JSON".into()))?;
    let text = |name: &str| {
        payload
            .get(name)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    // Entra puts the sign-in name (usually the address) in preferred_username when the
    // optional `email` claim is not configured. Used only as the new account's address.
    let email = text("email")
        .or_else(|| text("preferred_username").filter(|u| u.contains('@')))
        .map(|e| e.to_lowercase());
    Ok(VerifiedIdentity {
        issuer: claims.issuer().to_string(),
        subject,
        email,
        name: text("name"),
        payload,
    })
}
