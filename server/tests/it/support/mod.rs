//! Test harness: an app built by `build_router` on a real database, and helpers to call it.

pub mod api;
pub mod binary;
pub mod browser;
pub mod idp;
pub mod logs;
pub mod postgres;
pub mod sse;
pub mod tcp_proxy;

use app::backend::{
    db,
    db::DbKind,
    services::migrations,
    state::{AppState, AuthSettings},
};
use axum::{body::Body, Router};
use http::{Request, StatusCode};
use http_body_util::BodyExt;
use server::HttpSettings;
use std::path::Path;
use tower::ServiceExt;

pub struct TestApp {
    pub router: Router,
    pub database_url: String,
    // Dropped last: removes the temporary database.
    _db: TestDb,
}

/// Owns the temporary database; dropping it removes the database.
#[allow(dead_code)]
pub enum TestDb {
    Sqlite(tempfile::TempDir),
    Postgres(postgres::PgDatabase),
    /// Another `TestApp` owns the database (see `TestApp::sibling`).
    Borrowed,
}

/// A fresh, migrated SQLite database file.
pub async fn sqlite_url() -> (String, TestDb) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/parley.db", dir.path().display());
    (url, TestDb::Sqlite(dir))
}

/// A fresh PostgreSQL database.
pub async fn postgres_url() -> (String, TestDb) {
    let pg = postgres::PgDatabase::create().await;
    (pg.url(), TestDb::Postgres(pg))
}

impl TestApp {
    pub async fn sqlite() -> Self {
        let (url, db) = sqlite_url().await;
        Self::start(url, db).await
    }

    pub async fn on(backend: Backend) -> Self {
        let (url, db) = backend.url().await;
        Self::start(url, db).await
    }

    pub async fn postgres() -> Self {
        let (url, db) = postgres_url().await;
        Self::start(url, db).await
    }

    /// Migrates the database as its owner, then builds the app on the application pool.
    pub async fn start(database_url: String, db: TestDb) -> Self {
        Self::start_with(database_url, db, server::http::api::endpoints()).await
    }

    /// As `start`, with a given table of REST endpoints.
    pub async fn start_with(
        database_url: String,
        db: TestDb,
        endpoints: Vec<server::http::api::Endpoint>,
    ) -> Self {
        Self::launch(database_url, db, endpoints, None, test_auth()).await
    }

    /// As `start`, with these sign-in settings (say, a test identity provider standing in
    /// for Entra's authority).
    pub async fn with_auth(database_url: String, db: TestDb, auth: AuthSettings) -> Self {
        Self::launch(database_url, db, server::http::api::endpoints(), None, auth).await
    }

    /// As `start`, for an operator who configured the platform's own AI provider.
    pub async fn with_platform_ai(
        database_url: String,
        db: TestDb,
        platform: app::backend::llm::PlatformAi,
    ) -> Self {
        Self::launch(
            database_url,
            db,
            server::http::api::endpoints(),
            Some(platform),
            test_auth(),
        )
        .await
    }

    async fn launch(
        database_url: String,
        db: TestDb,
        endpoints: Vec<server::http::api::Endpoint>,
        platform: Option<app::backend::llm::PlatformAi>,
        auth: AuthSettings,
    ) -> Self {
        let owner = owner_connection(&database_url).await;
        migrations::up(&owner).await.unwrap();
        owner.close().await.unwrap();
        let state = state_with_auth(&database_url, test_policy(), platform, auth).await;
        let router = server::http::build_router_with(state.clone(), &test_settings(), endpoints);
        Self {
            router,
            database_url,
            _db: db,
        }
    }

    /// A second app on this app's database, as another instance whose outbound policy is
    /// `policy` (sessions are shared; provider keys sealed by this app cannot be opened there,
    /// each state has its own master key).
    pub async fn sibling(&self, policy: parley_outbound::Policy) -> Self {
        let state = state_for(&self.database_url, policy).await;
        Self {
            router: server::http::build_router(state, &test_settings()),
            database_url: self.database_url.clone(),
            _db: TestDb::Borrowed,
        }
    }

    /// A connection as the schema owner (the PostgreSQL superuser in tests): no RLS.
    pub async fn owner(&self) -> sea_orm::DatabaseConnection {
        owner_connection(&self.database_url).await
    }

    pub async fn send(&self, request: Request<Body>) -> TestResponse {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec();
        TestResponse {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str) -> TestResponse {
        self.send(Request::get(path).body(Body::empty()).unwrap())
            .await
    }
}

pub async fn owner_connection(database_url: &str) -> sea_orm::DatabaseConnection {
    db::connect_owner(database_url).await.unwrap()
}

pub const PUBLIC_ORIGIN: &str = "http://parley.test";

pub fn test_settings() -> HttpSettings {
    HttpSettings {
        public_origin: PUBLIC_ORIGIN.into(),
        ..HttpSettings::default()
    }
}

/// The outbound policy of test apps: plain http to 127.0.0.1 (where test providers listen)
/// and nowhere else private; short timeouts so a silent provider fails a test quickly.
pub fn test_policy() -> parley_outbound::Policy {
    parley_outbound::Policy::from_list("127.0.0.1").with_timeouts(
        std::time::Duration::from_secs(2),
        std::time::Duration::from_secs(3),
    )
}

/// Production's policy (no private host allowed), with the test timeouts.
pub fn strict_policy() -> parley_outbound::Policy {
    parley_outbound::Policy::default().with_timeouts(
        std::time::Duration::from_secs(2),
        std::time::Duration::from_secs(3),
    )
}

pub async fn state_for(database_url: &str, policy: parley_outbound::Policy) -> AppState {
    state_with(database_url, policy, None).await
}

/// The sign-in settings of test apps: plain http at `PUBLIC_ORIGIN`. Every request of a
/// test comes from the same (unknown) address, so sign-ups are not throttled here; the
/// throttle's own tests use the default.
pub fn test_auth() -> AuthSettings {
    AuthSettings {
        public_url: PUBLIC_ORIGIN.into(),
        signups_per_address: 100_000,
        ..AuthSettings::default()
    }
}

pub async fn state_with(
    database_url: &str,
    policy: parley_outbound::Policy,
    platform: Option<app::backend::llm::PlatformAi>,
) -> AppState {
    state_with_auth(database_url, policy, platform, test_auth()).await
}

pub async fn state_with_auth(
    database_url: &str,
    policy: parley_outbound::Policy,
    platform: Option<app::backend::llm::PlatformAi>,
    auth: AuthSettings,
) -> AppState {
    let kind = DbKind::from_url(database_url).unwrap();
    let conn = db::connect(database_url, 4).await.unwrap();
    let options = server::leptos_options(
        Path::new("target/site"),
        "127.0.0.1:0".parse().unwrap(),
        false,
    );
    let ai = app::backend::state::AiRuntime {
        keys: app::backend::crypto::key_ring::KeyRing::new(
            app::backend::crypto::master_key::MasterKey::generate(),
            [],
        ),
        outbound: app::backend::llm::Outbound::new(policy).unwrap(),
        platform,
    };
    let writer = db::connect_writer(database_url, &conn).await.unwrap();
    let held = db::connect_held(database_url, 4).await.unwrap();
    AppState::new(conn, writer, held, kind, options, auth, ai)
}

pub struct TestResponse {
    pub status: StatusCode,
    pub headers: http::HeaderMap,
    pub body: Vec<u8>,
}

impl TestResponse {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

/// How long one database's run of a test may take: a test that waits forever (an answer
/// that never ends, say) fails under its own name instead of stalling the suite.
pub const TEST_DEADLINE: std::time::Duration = std::time::Duration::from_secs(180);

/// The database a test runs on.
#[derive(Debug, Clone, Copy)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// A fresh database of this kind: its URL and what keeps it alive.
    pub async fn url(self) -> (String, TestDb) {
        match self {
            Self::Sqlite => sqlite_url().await,
            Self::Postgres => postgres_url().await,
        }
    }
}

/// Runs an async test body once on SQLite and once on PostgreSQL, each within
/// [`TEST_DEADLINE`]. The body takes a `TestApp`, or with `with Type::new;` first, what
/// `Type::new(Backend)` builds (a world with its own identity provider, say).
macro_rules! on_both_databases {
    (with $ty:ident :: $new:ident; $($name:ident => $body:ident;)+) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let run = async {
                        super::$body(super::$ty::$new($crate::support::Backend::Sqlite).await).await;
                    };
                    tokio::time::timeout($crate::support::TEST_DEADLINE, run)
                        .await
                        .expect("the test ends within its deadline");
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    let run = async {
                        super::$body(super::$ty::$new($crate::support::Backend::Postgres).await).await;
                    };
                    tokio::time::timeout($crate::support::TEST_DEADLINE, run)
                        .await
                        .expect("the test ends within its deadline");
                }
            }
        )+
    };
    ($($name:ident => $body:ident;)+) => {
        $crate::support::on_both_databases! { with TestApp::on; $($name => $body;)+ }
    };
}
pub(crate) use on_both_databases;
