//! Start-up and the serve loop: open the database, migrate, make sure an administrator
//! exists, bind, serve until a signal, then wind down within the deadline.

use crate::{config::Config, connections::Limits, shutdown::Shutdown, HttpSettings};
use anyhow::Context;
use app::backend::{
    db::{self, DbKind},
    services::{first_admin, migrations},
    state::AppState,
};
use secrecy::ExposeSecret;

/// Opens an owner connection (for the schema), creating a SQLite file's directory first.
///
/// # Errors
/// When the database cannot be opened.
pub async fn open_owner(config: &Config) -> anyhow::Result<sea_orm::DatabaseConnection> {
    if DbKind::from_url(&config.database_url) == Some(DbKind::Sqlite) {
        ensure_sqlite_dir(&config.database_url)?;
    }
    db::connect_owner(&config.database_url)
        .await
        .context("cannot open the database (check PARLEY_DATABASE_URL)")
}

/// Applies pending migrations on an owner connection, then closes it.
///
/// # Errors
/// When the database cannot be opened or a migration fails.
pub async fn migrate_up(config: &Config) -> anyhow::Result<()> {
    let owner = open_owner(config).await?;
    migrations::up(&owner)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))
        .context("migrations failed")?;
    owner.close().await.ok();
    Ok(())
}

/// Opens the application pool and builds the state, without touching the schema.
///
/// # Errors
/// When the database cannot be opened.
pub async fn open_state(config: &Config) -> anyhow::Result<AppState> {
    let kind = DbKind::from_url(&config.database_url).context("unsupported database URL")?;
    if kind == DbKind::Sqlite {
        ensure_sqlite_dir(&config.database_url)?;
    }
    let conn = db::connect(&config.database_url, config.db_max_connections)
        .await
        .context("cannot open the database (check PARLEY_DATABASE_URL)")?;
    let writer = db::connect_writer(&config.database_url, &conn)
        .await
        .context("cannot open the database (check PARLEY_DATABASE_URL)")?;
    let held = db::connect_held(&config.database_url, config.db_max_connections)
        .await
        .context("cannot open the database (check PARLEY_DATABASE_URL)")?;
    let options = crate::leptos_options(
        &config.site_root,
        config.bind,
        config.environment == crate::config::Environment::Production,
    );
    Ok(AppState::new(
        conn,
        writer,
        held,
        kind,
        options,
        config.auth_settings(),
        config.ai_runtime()?,
    ))
}

/// Creates the directory of a SQLite file URL such as `sqlite://data/parley.db`.
fn ensure_sqlite_dir(url: &str) -> anyhow::Result<()> {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:")
        .split('?')
        .next()
        .unwrap_or_default();
    if path.is_empty() || path.contains(":memory:") {
        return Ok(());
    }
    if let Some(dir) = std::path::Path::new(path).parent() {
        if !dir.as_os_str().is_empty() {
            std::fs::create_dir_all(dir).with_context(|| {
                format!("cannot create the database directory {}", dir.display())
            })?;
        }
    }
    Ok(())
}

/// Runs the server until SIGTERM/SIGINT.
///
/// # Errors
/// Start-up failures: database, migrations, first administrator, binding the address.
pub async fn run(config: Config) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    migrate_up(&config).await?;
    let state = open_state(&config).await?;
    announce_first_admin(
        first_admin::ensure(&state, &config.admin_email, config.admin_password.clone())
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))
            .context("cannot create the first administrator")?,
    );

    app::backend::generation::sweep::at_startup(&state)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))
        .context("cannot mark abandoned answers as interrupted")?;
    tokio::spawn(app::backend::generation::sweep::periodically(state.clone()));

    let settings = HttpSettings::from_config(&config);
    if let Some(bundle) = settings.site_bundle.as_ref() {
        let missing = bundle.missing();
        if !missing.is_empty() {
            tracing::error!(missing = ?missing, "{}", bundle.problem());
        }
    }
    let router = crate::build_router(state.clone(), &settings);
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .with_context(|| format!("cannot listen on {} (PARLEY_BIND)", config.bind))?;
    tracing::info!(
        address = %config.bind,
        public_url = %config.public_url,
        database = ?state.db_kind(),
        startup_ms = started.elapsed().as_millis() as u64,
        "Parley is listening"
    );

    let shutdown = Shutdown::new();
    tokio::spawn({
        let shutdown = shutdown.clone();
        let state = state.clone();
        let deadline = config.shutdown_timeout / 2;
        async move {
            crate::shutdown::signal().await;
            tracing::info!("shutting down: no new connections, finishing open requests");
            shutdown.trigger();
            // Open answer streams would hold the graceful shutdown open: end them, each
            // stored as `interrupted` with its text so far.
            state.generations().interrupt_all(deadline).await;
        }
    });
    let server = crate::connections::serve(listener, router, Limits::default(), {
        let shutdown = shutdown.clone();
        async move { shutdown.triggered().await }
    });
    tokio::select! {
        () = server => {}
        () = shutdown.deadline_passed(config.shutdown_timeout) => {
            tracing::warn!(deadline_secs = config.shutdown_timeout.as_secs(), "open requests did not finish in time; exiting");
        }
    }
    if let Err(err) = state.close().await {
        tracing::warn!(error = %err, "closing the database pool failed");
    }
    tracing::info!("stopped");
    Ok(())
}

/// Tells the operator about a newly created administrator. A generated password goes to
/// standard error once, never into the structured log.
fn announce_first_admin(outcome: first_admin::FirstAdmin) {
    match outcome {
        first_admin::FirstAdmin::AlreadyPresent => {}
        first_admin::FirstAdmin::Created { email } => {
            tracing::info!(%email, "first administrator created from PARLEY_ADMIN_EMAIL / PARLEY_ADMIN_PASSWORD");
        }
        first_admin::FirstAdmin::CreatedWithGeneratedPassword { email, password } => {
            eprintln!(
                "\n  First administrator created.\n    e-mail:   {email}\n    password: {}\n  \
                 This password is shown only once: sign in and change it.\n",
                password.expose_secret()
            );
        }
    }
}
