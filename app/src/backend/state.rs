//! `AppState`: what every request handler and server function can reach. It holds the
//! database pool privately: only `backend` modules can touch it, `api/` code calls services.

use super::{
    auth::{oidc::ProviderCache, password::PasswordHasher},
    crypto::key_ring::KeyRing,
    db::{DbKind, HeldStatements},
    generation::Generations,
    llm::Outbound,
    repo::{scope::ScopeConn, write_gate::WriteGate},
    services::ai_config::AiConfigCache,
};
use crate::error::AppError;
use axum::extract::FromRef;
use leptos::prelude::{use_context, LeptosOptions};
use sea_orm::DatabaseConnection;
use std::{
    sync::Arc,
    time::{Duration, Instant},
};

/// Who may sign up without an invitation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignupMode {
    Open,
    InviteOnly,
}

/// Sign-ups from one client address before each further one waits (`throttle::Key::signup`).
pub const DEFAULT_SIGNUPS_PER_ADDRESS: u32 = 10;

/// Microsoft's global identity platform.
pub const ENTRA_AUTHORITY: &str = "https://login.microsoftonline.com";

/// Settings of the authentication layer, from the configuration.
#[derive(Debug, Clone)]
pub struct AuthSettings {
    /// Served over https: `Secure` cookies with the `__Host-` prefix.
    pub secure_cookies: bool,
    pub session_idle: Duration,
    pub session_absolute: Duration,
    /// The initial sign-up mode (a platform setting after the first start).
    pub signup: SignupMode,
    /// Sign-ups from one client address before each further one waits a doubling delay.
    pub signups_per_address: u32,
    /// The public origin (`https://host[:port]`), for CSRF checks and links.
    pub public_url: String,
    /// Where Entra ID connections find their authority: the global cloud unless a national
    /// cloud (e.g. `https://login.microsoftonline.us`) is configured.
    pub entra_authority: String,
    /// The operator's SSO connection for signing in to the platform itself.
    pub platform_sso: Option<crate::backend::auth::oidc::PlatformConnection>,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            secure_cookies: false,
            session_idle: Duration::from_secs(12 * 3600),
            session_absolute: Duration::from_secs(7 * 24 * 3600),
            signup: SignupMode::Open,
            signups_per_address: DEFAULT_SIGNUPS_PER_ADDRESS,
            public_url: "http://127.0.0.1:3000".into(),
            entra_authority: ENTRA_AUTHORITY.into(),
            platform_sso: None,
        }
    }
}

/// What the AI features need beyond the database: the master keys that seal provider keys,
/// the guarded client for outbound calls, and the platform's own provider if configured.
#[derive(Debug, Clone)]
pub struct AiRuntime {
    pub keys: KeyRing,
    pub outbound: Outbound,
    pub platform: Option<crate::backend::llm::PlatformAi>,
}

#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    db: DatabaseConnection,
    writer: DatabaseConnection,
    held: Option<HeldStatements>,
    db_kind: DbKind,
    write_gate: WriteGate,
    leptos_options: LeptosOptions,
    passwords: PasswordHasher,
    auth: AuthSettings,
    ai: AiRuntime,
    generations: Generations,
    ai_configs: AiConfigCache,
    sso_providers: ProviderCache,
    started_at: Instant,
}

impl AppState {
    pub fn new(
        db: DatabaseConnection,
        writer: DatabaseConnection,
        held: Option<HeldStatements>,
        db_kind: DbKind,
        leptos_options: LeptosOptions,
        auth: AuthSettings,
        ai: AiRuntime,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                db,
                writer,
                held,
                db_kind,
                write_gate: WriteGate::for_kind(db_kind),
                leptos_options,
                passwords: PasswordHasher::new(),
                auth,
                ai,
                generations: Generations::default(),
                ai_configs: AiConfigCache::default(),
                sso_providers: ProviderCache::default(),
                started_at: Instant::now(),
            }),
        }
    }

    /// The state provided to server functions by the router.
    ///
    /// # Errors
    /// Only if the router was built without providing the state, a programming error.
    pub fn from_context() -> Result<Self, AppError> {
        use_context::<Self>().ok_or_else(|| {
            tracing::error!("AppState missing from the server-function context");
            AppError::new(
                crate::error::ErrorCode::Internal,
                "Something went wrong on our side. Please try again.",
            )
        })
    }

    pub(in crate::backend) fn db(&self) -> &DatabaseConnection {
        &self.inner.db
    }

    /// Where writes go (`db::connect_writer`): on SQLite one connection, used in turn.
    pub(in crate::backend) fn writer(&self) -> &DatabaseConnection {
        &self.inner.writer
    }

    /// Where a single statement that only reads runs, outside any transaction.
    pub(in crate::backend) fn statement_reader(&self) -> ScopeConn {
        match &self.inner.held {
            Some(held) => ScopeConn::Held(held.reads.clone()),
            None => ScopeConn::Pool(self.inner.db.clone()),
        }
    }

    /// Where a single statement that writes runs, outside any transaction, once it holds
    /// the writers' turn.
    pub(in crate::backend) fn statement_writer(&self) -> ScopeConn {
        match &self.inner.held {
            Some(held) => ScopeConn::Held(held.write.clone()),
            None => ScopeConn::Pool(self.inner.writer.clone()),
        }
    }

    pub(in crate::backend) fn write_gate(&self) -> &WriteGate {
        &self.inner.write_gate
    }

    pub fn db_kind(&self) -> DbKind {
        self.inner.db_kind
    }

    pub fn leptos_options(&self) -> &LeptosOptions {
        &self.inner.leptos_options
    }

    pub fn passwords(&self) -> &PasswordHasher {
        &self.inner.passwords
    }

    pub fn auth(&self) -> &AuthSettings {
        &self.inner.auth
    }

    /// `__Host-parley_session` over https; browsers refuse that prefix on plain http, so
    /// development on http://localhost uses `parley_session`.
    pub fn session_cookie_name(&self) -> &'static str {
        if self.inner.auth.secure_cookies {
            "__Host-parley_session"
        } else {
            "parley_session"
        }
    }

    pub fn keys(&self) -> &KeyRing {
        &self.inner.ai.keys
    }

    pub fn outbound(&self) -> &Outbound {
        &self.inner.ai.outbound
    }

    /// The platform's own AI provider, when the operator configured one.
    pub fn platform_ai(&self) -> Option<&crate::backend::llm::PlatformAi> {
        self.inner.ai.platform.as_ref()
    }

    /// Answers being generated in this process.
    pub fn generations(&self) -> &Generations {
        &self.inner.generations
    }

    /// Tenants' AI configurations, by version (see `services::ai_config`).
    pub(in crate::backend) fn ai_configs(&self) -> &AiConfigCache {
        &self.inner.ai_configs
    }

    /// Identity-provider metadata and signing keys, cached per issuer.
    pub fn sso_providers(&self) -> &ProviderCache {
        &self.inner.sso_providers
    }

    pub fn started_at(&self) -> Instant {
        self.inner.started_at
    }

    /// Closes the pool and the held SQLite connections (graceful shutdown): in-flight
    /// queries finish, new ones fail fast.
    ///
    /// # Errors
    /// When the driver reports an error while closing.
    pub async fn close(&self) -> Result<(), sea_orm::DbErr> {
        if let Some(held) = &self.inner.held {
            held.reads.close().await;
            held.write.close().await;
        }
        self.inner.db.clone().close().await
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.inner.leptos_options.clone()
    }
}
