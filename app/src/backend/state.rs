//! `AppState`: what every request handler and server function can reach. It holds the
//! database pool privately: only `backend` modules can touch it, `api/` code calls services.

use super::{auth::password::PasswordHasher, db::DbKind};
use crate::error::AppError;
use axum::extract::FromRef;
use leptos::prelude::{use_context, LeptosOptions};
use sea_orm::DatabaseConnection;
use std::{sync::Arc, time::Instant};

#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    db: DatabaseConnection,
    db_kind: DbKind,
    leptos_options: LeptosOptions,
    passwords: PasswordHasher,
    started_at: Instant,
}

impl AppState {
    pub fn new(db: DatabaseConnection, db_kind: DbKind, leptos_options: LeptosOptions) -> Self {
        Self {
            inner: Arc::new(Inner {
                db,
                db_kind,
                leptos_options,
                passwords: PasswordHasher::new(),
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

    pub fn db_kind(&self) -> DbKind {
        self.inner.db_kind
    }

    pub fn leptos_options(&self) -> &LeptosOptions {
        &self.inner.leptos_options
    }

    pub fn passwords(&self) -> &PasswordHasher {
        &self.inner.passwords
    }

    pub fn started_at(&self) -> Instant {
        self.inner.started_at
    }

    /// Closes the pool (graceful shutdown): in-flight queries finish, new ones fail fast.
    ///
    /// # Errors
    /// When the driver reports an error while closing.
    pub async fn close(&self) -> Result<(), sea_orm::DbErr> {
        self.inner.db.clone().close().await
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.inner.leptos_options.clone()
    }
}
