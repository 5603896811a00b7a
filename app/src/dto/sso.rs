//! Single sign-on as it crosses the wire: connections (never their secret), role mappings,
//! the tenant sign-in page, and the problems a sign-in can end with, each with the sentence
//! the person sees.

use crate::roles::Role;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What kind of identity provider a connection talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SsoKind {
    /// Microsoft Entra ID (Azure AD): the authority comes from the directory id.
    Entra,
    /// Any OpenID Connect provider, found through its issuer's discovery document.
    Oidc,
}

impl SsoKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Entra => "entra",
            Self::Oidc => "oidc",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "entra" => Some(Self::Entra),
            "oidc" => Some(Self::Oidc),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Entra => "Microsoft Entra ID",
            Self::Oidc => "OpenID Connect",
        }
    }
}

/// One rule of the claim → role mapping: a token whose role claim holds `value` gets `role`.
/// Rules are tried in order; the first that matches wins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleMapping {
    pub value: String,
    pub role: Role,
}

/// Role mappings as the settings form edits them: one `claim value = role` per line, in
/// priority order.
pub fn format_mappings(mappings: &[RoleMapping]) -> String {
    mappings
        .iter()
        .map(|m| format!("{} = {}", m.value, m.role.as_str()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Parses [`format_mappings`]'s text. The value may itself contain `=`: the role is after
/// the last one.
///
/// # Errors
/// A sentence naming the first line that is not `value = role`.
pub fn parse_mappings(text: &str) -> Result<Vec<RoleMapping>, String> {
    text.lines()
        .map(str::trim)
        .enumerate()
        .filter(|(_, line)| !line.is_empty())
        .map(|(n, line)| {
            let bad = || {
                format!(
                    "Line {}: write `claim value = role`, where role is viewer, member, admin or owner.",
                    n + 1
                )
            };
            let (value, role) = line.rsplit_once('=').ok_or_else(bad)?;
            let role = Role::parse(&role.trim().to_ascii_lowercase()).ok_or_else(bad)?;
            let value = value.trim();
            if value.is_empty() {
                return Err(bad());
            }
            Ok(RoleMapping {
                value: value.to_string(),
                role,
            })
        })
        .collect()
}

/// A connection as its admins see it. The client secret is write-only: only its last four
/// characters come back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SsoConnectionDto {
    pub id: Uuid,
    pub name: String,
    pub kind: SsoKind,
    pub directory_id: Option<String>,
    pub issuer: String,
    pub client_id: String,
    pub client_secret_hint: Option<String>,
    pub scopes: String,
    pub role_claim: String,
    pub role_mappings: Vec<RoleMapping>,
    pub jit: bool,
    /// The role when no mapping matches; `None` refuses the sign-in.
    pub default_role: Option<Role>,
    pub enabled: bool,
    /// To paste into the identity provider's app registration.
    pub redirect_uri: String,
}

/// What an admin sends to create or change a connection. An empty or absent
/// `client_secret` keeps the stored one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SsoConnectionInput {
    pub name: String,
    pub kind: SsoKind,
    #[serde(default)]
    pub directory_id: Option<String>,
    #[serde(default)]
    pub issuer: Option<String>,
    pub client_id: String,
    #[serde(default)]
    pub client_secret: Option<String>,
    #[serde(default)]
    pub scopes: Option<String>,
    #[serde(default)]
    pub role_claim: Option<String>,
    #[serde(default)]
    pub role_mappings: Vec<RoleMapping>,
    #[serde(default)]
    pub jit: bool,
    #[serde(default)]
    pub default_role: Option<Role>,
    #[serde(default = "enabled_by_default")]
    pub enabled: bool,
}

fn enabled_by_default() -> bool {
    true
}

/// The tenant's SSO settings page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SsoSettingsDto {
    pub connections: Vec<SsoConnectionDto>,
    pub require_sso: bool,
    /// E-mail domains a platform admin verified for this tenant.
    pub verified_domains: Vec<String>,
    pub redirect_uri: String,
}

/// What "test this connection" found, in plain words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SsoTestReport {
    pub ok: bool,
    /// One line per check, e.g. "Discovery document found at …".
    pub findings: Vec<String>,
}

/// A connection as the sign-in page offers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SsoButton {
    pub id: Uuid,
    pub label: String,
    pub kind: SsoKind,
}

/// `/t/{slug}/login`: the tenant's name and its sign-in buttons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantLoginDto {
    pub slug: String,
    pub name: String,
    pub buttons: Vec<SsoButton>,
    pub require_sso: bool,
}

/// How a single sign-on ended when it did not sign the person in. The code travels in the
/// error page's URL; the sentences are ours, never the identity provider's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SsoProblem {
    /// No such organisation or enabled connection.
    NotConfigured,
    /// Discovery, the code exchange or the client credentials failed.
    Misconfigured,
    /// The identity provider answered with an error (e.g. the person cancelled).
    Refused,
    /// The sign-in attempt is unknown, used, expired or from another browser.
    Expired,
    /// The identity provider's token failed our checks.
    InvalidToken,
    /// No role mapping matched and the connection denies such sign-ins.
    NoRole,
    /// Just-in-time provisioning is off and this identity has no account.
    NotProvisioned,
    /// An account with this e-mail exists already; it is not linked automatically.
    EmailTaken,
    /// The identity is linked to another Parley account.
    LinkedElsewhere,
    AccountDisabled,
    MemberLimit,
    /// Parley itself failed for a moment (e.g. the database was busy).
    TryAgain,
}

impl SsoProblem {
    pub const ALL: [SsoProblem; 12] = [
        Self::NotConfigured,
        Self::Misconfigured,
        Self::Refused,
        Self::Expired,
        Self::InvalidToken,
        Self::NoRole,
        Self::NotProvisioned,
        Self::EmailTaken,
        Self::LinkedElsewhere,
        Self::AccountDisabled,
        Self::MemberLimit,
        Self::TryAgain,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::NotConfigured => "not_configured",
            Self::Misconfigured => "misconfigured",
            Self::Refused => "refused",
            Self::Expired => "expired",
            Self::InvalidToken => "invalid_token",
            Self::NoRole => "no_role",
            Self::NotProvisioned => "not_provisioned",
            Self::EmailTaken => "email_taken",
            Self::LinkedElsewhere => "linked_elsewhere",
            Self::AccountDisabled => "account_disabled",
            Self::MemberLimit => "member_limit",
            Self::TryAgain => "try_again",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == code)
    }

    pub fn title(self) -> &'static str {
        match self {
            Self::NotConfigured => "Single sign-on is not available here",
            Self::Misconfigured => "Single sign-on is not set up correctly",
            Self::Refused => "The sign-in was not completed",
            Self::Expired => "This sign-in link has expired",
            Self::InvalidToken => "We could not verify your sign-in",
            Self::NoRole => "You have no access to this organisation",
            Self::NotProvisioned => "Your account has not been set up",
            Self::EmailTaken => "An account with your e-mail address exists",
            Self::LinkedElsewhere => "This sign-in belongs to another account",
            Self::AccountDisabled => "Your account is disabled",
            Self::MemberLimit => "This organisation is full",
            Self::TryAgain => "The sign-in could not finish",
        }
    }

    /// What happened and what to do next.
    pub fn advice(self) -> &'static str {
        match self {
            Self::NotConfigured => "This organisation has no single sign-on connection switched on. Sign in with your e-mail and password, or ask the organisation's administrator.",
            Self::Misconfigured => "Parley could not complete the sign-in with your identity provider. Ask the organisation's administrator to run \"Test this connection\" in the single sign-on settings.",
            Self::Refused => "Your identity provider ended the sign-in without signing you in (for example because it was cancelled). Try again.",
            Self::Expired => "Sign-in attempts are valid for ten minutes, once, in the browser that started them. Start again from the sign-in page.",
            Self::InvalidToken => "The answer from your identity provider did not pass Parley's security checks, so you were not signed in. Try again; if it keeps happening, tell the organisation's administrator.",
            Self::NoRole => "Your identity provider did not give you a role that this organisation accepts. Ask your administrator to assign you the Parley app role or group.",
            Self::NotProvisioned => "This organisation only lets in people whose Parley account already exists. Ask an administrator for an invitation.",
            Self::EmailTaken => "For your safety, single sign-on never takes over an existing account. Sign in with your password, then link single sign-on from your account page.",
            Self::LinkedElsewhere => "This identity is already linked to a different Parley account. Sign in with that account, or ask an administrator.",
            Self::AccountDisabled => "Your Parley account has been disabled. Contact your administrator.",
            Self::MemberLimit => "The organisation has reached its member limit. Ask its administrator to make room.",
            Self::TryAgain => "Parley had a temporary problem while finishing your sign-in, so you were not signed in. Start again from the sign-in page; if it keeps happening, tell your administrator.",
        }
    }

    /// [`Self::title`] for a sign-in through the platform's own connection.
    pub fn platform_title(self) -> &'static str {
        match self {
            Self::NotConfigured => "Platform sign-in is not available here",
            Self::NoRole => "You have no access to the platform",
            other => other.title(),
        }
    }

    /// [`Self::advice`] for a sign-in through the platform's own connection, where the
    /// operator, not an organisation, is the one to ask.
    pub fn platform_advice(self) -> &'static str {
        match self {
            Self::NotConfigured => "This server has no platform sign-in configured. Sign in with your e-mail and password.",
            Self::Misconfigured => "Parley could not complete the sign-in with the platform's identity provider. Tell the server's operator: the details are in the server log.",
            Self::NoRole => "Platform sign-in lets in people who hold the platform administrator role at the identity provider, and accounts linked to it from their account page. You have neither.",
            Self::InvalidToken => "The answer from the identity provider did not pass Parley's security checks, so you were not signed in. Try again; if it keeps happening, tell the server's operator.",
            other => other.advice(),
        }
    }
}

/// A connection of one of the caller's organisations, as the account page offers it for
/// linking to the caller's own account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkableSso {
    pub slug: String,
    pub tenant_name: String,
    pub connection_id: Uuid,
    pub connection_name: String,
    /// The caller already has an identity at this connection.
    pub linked: bool,
    /// Where the "Link" form posts.
    pub link_url: String,
}

/// The answer to "continue with your work e-mail".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SsoDiscovery {
    /// Where to go: the tenant's SSO start URL, or `None` when the domain is not known.
    pub redirect: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problem_codes_round_trip_and_every_problem_has_words() {
        for problem in SsoProblem::ALL {
            assert_eq!(SsoProblem::parse(problem.code()), Some(problem));
            assert!(problem.title().len() > 10 && problem.advice().len() > 40);
            assert!(problem.platform_title().len() > 10 && problem.platform_advice().len() > 40);
        }
        assert_eq!(SsoProblem::parse("<script>"), None);
    }

    #[test]
    fn mappings_round_trip_through_their_text_form() {
        let text = "Parley.Admin = admin\n\n  group=with=equals = Member \nParley.User=member";
        let parsed = parse_mappings(text).unwrap();
        assert_eq!(parsed.len(), 3);
        assert_eq!(parsed[1].value, "group=with=equals");
        assert_eq!(parsed[1].role, Role::Member);
        assert_eq!(parse_mappings(&format_mappings(&parsed)).unwrap(), parsed);
        assert!(parse_mappings("Parley.Admin = king")
            .unwrap_err()
            .starts_with("Line 1"));
        assert!(parse_mappings("ok = admin\n = admin")
            .unwrap_err()
            .starts_with("Line 2"));
    }
}
