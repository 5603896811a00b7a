//! `PARLEY_PLATFORM_SSO_*`: the operator's SSO connection for signing in to the platform
//! itself. Off unless a client id is set; then every required setting must be present.

use super::{ConfigError, Sources};
use app::backend::auth::oidc::PlatformConnection;
use secrecy::SecretString;

/// The platform connection, or `None` when `PARLEY_PLATFORM_SSO_CLIENT_ID` is unset.
/// `entra_authority` turns a directory id into Entra's issuer.
///
/// # Errors
/// A missing or malformed setting, named.
pub fn load(
    sources: &Sources,
    entra_authority: &str,
) -> Result<Option<PlatformConnection>, ConfigError> {
    let Some((client_id, _)) = sources
        .get("platform_sso_client_id")
        .filter(|(v, _)| !v.trim().is_empty())
    else {
        return Ok(None);
    };
    let required = |key: &str, what: &str| -> Result<String, ConfigError> {
        sources
            .get(key)
            .map(|(v, _)| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .ok_or_else(|| ConfigError {
                setting: format!("PARLEY_{}", key.to_uppercase()),
                problem: format!("is required with PARLEY_PLATFORM_SSO_CLIENT_ID: {what}"),
            })
    };
    let directory_id = sources.parse(
        "platform_sso_directory_id",
        || None,
        |v| {
            if v.len() == 36 && v.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
                Ok(Some(v.to_lowercase()))
            } else {
                Err(format!(
                    "must be an Entra ID directory (tenant) id like 72f988bf-86f1-41af-91ab-2d7cd011db47, not `{v}`"
                ))
            }
        },
    )?;
    let issuer = match &directory_id {
        Some(directory) => format!("{entra_authority}/{directory}/v2.0"),
        None => {
            let issuer = required(
                "platform_sso_issuer",
                "the identity provider's issuer URL (or PARLEY_PLATFORM_SSO_DIRECTORY_ID for Entra ID)",
            )?;
            if !(issuer.starts_with("https://") || issuer.starts_with("http://")) {
                return Err(ConfigError {
                    setting: "PARLEY_PLATFORM_SSO_ISSUER".into(),
                    problem: format!("must be a URL like https://idp.example.com, not `{issuer}`"),
                });
            }
            issuer.trim_end_matches('/').to_string()
        }
    };
    let client_secret = required(
        "platform_sso_client_secret",
        "the client secret from the app registration",
    )?;
    let admin_role = required(
        "platform_sso_admin_role",
        "the role (or group id) that makes a platform super-admin",
    )?;
    let text = |key: &str, default: &str| {
        sources
            .get(key)
            .map(|(v, _)| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| default.to_string())
    };
    let default_name = if directory_id.is_some() {
        "Microsoft"
    } else {
        "single sign-on"
    };
    Ok(Some(PlatformConnection {
        name: text("platform_sso_name", default_name)
            .chars()
            .take(100)
            .collect(),
        issuer,
        directory_id,
        client_id: client_id.trim().to_string(),
        client_secret: SecretString::from(client_secret),
        scopes: text("platform_sso_scopes", "openid profile email"),
        role_claim: text("platform_sso_role_claim", "roles"),
        admin_role,
    }))
}
