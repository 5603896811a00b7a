//! A throw-away PostgreSQL database per test, dropped when the test ends (even on panic).

use sea_orm::{ConnectionTrait, Database};

const DEFAULT_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

fn admin_url() -> String {
    std::env::var("PARLEY_TEST_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_ADMIN_URL.to_string())
}

pub struct PgDatabase {
    pub name: String,
}

impl PgDatabase {
    pub async fn create() -> Self {
        let name = format!("parley_test_{}", uuid::Uuid::new_v4().simple());
        let admin = Database::connect(admin_url())
            .await
            .expect("PostgreSQL must run at 127.0.0.1:5432 (or set PARLEY_TEST_POSTGRES_URL)");
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap();
        admin.close().await.unwrap();
        Self { name }
    }

    /// The URL of this database, on the same server as the admin URL.
    pub fn url(&self) -> String {
        self.url_via("127.0.0.1:5432")
    }

    /// The URL with another `host:port`, e.g. a proxy in front of the server.
    pub fn url_via(&self, host_port: &str) -> String {
        let admin = admin_url();
        let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
        let base = base.replace("127.0.0.1:5432", host_port);
        format!("{base}/{}", self.name)
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        // Drop cannot await: use a short-lived runtime on its own thread.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            rt.block_on(async {
                let admin = Database::connect(admin_url()).await.ok()?;
                admin.execute_unprepared(&sql).await.ok()?;
                admin.close().await.ok()
            })
        })
        .join();
    }
}
