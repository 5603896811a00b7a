//! Configuration: environment variables (`PARLEY_*`) over an optional `parley.toml` over
//! defaults. Every value is checked at start-up; a bad one stops Parley with a message that
//! names the setting and what is wrong, and never echoes a secret.

mod platform_sso;

use app::backend::{crypto::master_key::MasterKey, state::SignupMode};
use secrecy::SecretString;
use std::{
    collections::HashMap,
    fmt,
    net::{IpAddr, SocketAddr},
    path::{Path, PathBuf},
    time::Duration,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Development,
    Production,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug)]
pub struct Config {
    pub environment: Environment,
    pub bind: SocketAddr,
    pub database_url: String,
    /// Origin users reach Parley at, without a trailing slash (e.g. `https://parley.example`).
    pub public_url: String,
    pub master_key: MasterKey,
    /// Older master keys: they still open what they sealed (`parley rotate-keys`).
    pub previous_master_keys: Vec<MasterKey>,
    /// Hosts AI providers may reach over plain http and on private addresses.
    pub allow_private_provider_hosts: String,
    pub provider_connect_timeout: Duration,
    /// Per read, not in total: long answers stream for minutes.
    pub provider_read_timeout: Duration,
    /// The platform's own provider (`PARLEY_OPENAI_API_KEY`), offered to tenants by a
    /// super-admin.
    pub platform_ai: Option<app::backend::llm::PlatformAi>,
    pub admin_email: String,
    pub admin_password: Option<SecretString>,
    pub log: String,
    pub log_format: LogFormat,
    pub data_dir: PathBuf,
    pub site_root: PathBuf,
    pub max_body_bytes: usize,
    pub db_max_connections: u32,
    pub shutdown_timeout: Duration,
    /// Initial sign-up mode (`open` or `invite_only`).
    pub signup: SignupMode,
    /// Sign-ups from one client address before each further one waits a doubling delay.
    pub signups_per_address: u32,
    /// Peers whose `X-Forwarded-For` is believed (a reverse proxy in front of Parley).
    pub trusted_proxies: Vec<IpAddr>,
    pub session_idle: Duration,
    pub session_max: Duration,
    /// The Entra ID authority host (`PARLEY_ENTRA_AUTHORITY`): Microsoft's global cloud by
    /// default, a national cloud's host, or a test identity provider.
    pub entra_authority: String,
    /// The operator's SSO connection for the platform itself (`PARLEY_PLATFORM_SSO_*`).
    pub platform_sso: Option<app::backend::auth::oidc::PlatformConnection>,
}

/// A setting that could not be used. `Display` is the message printed at start-up.
#[derive(Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub setting: String,
    pub problem: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "configuration error: {} {}", self.setting, self.problem)
    }
}

impl std::error::Error for ConfigError {}

/// Where settings come from: a snapshot of the environment and the parsed file.
pub struct Sources {
    env: HashMap<String, String>,
    file: toml::Table,
    file_path: Option<PathBuf>,
}

impl Sources {
    /// The process environment and `PARLEY_CONFIG` (default `./parley.toml` when present).
    ///
    /// # Errors
    /// When the file named by `PARLEY_CONFIG` is missing or the file is not valid TOML.
    pub fn from_process() -> Result<Self, ConfigError> {
        let env: HashMap<String, String> = std::env::vars().collect();
        let (path, required) = match env.get("PARLEY_CONFIG") {
            Some(p) => (PathBuf::from(p), true),
            None => (PathBuf::from("parley.toml"), false),
        };
        if !path.exists() {
            if required {
                return Err(ConfigError {
                    setting: "PARLEY_CONFIG".into(),
                    problem: format!("names {} which does not exist", path.display()),
                });
            }
            return Ok(Self::new(env, toml::Table::new(), None));
        }
        let text = std::fs::read_to_string(&path).map_err(|e| ConfigError {
            setting: path.display().to_string(),
            problem: format!("cannot be read: {e}"),
        })?;
        let file = text.parse::<toml::Table>().map_err(|e| ConfigError {
            setting: path.display().to_string(),
            problem: format!("is not valid TOML: {}", e.message()),
        })?;
        Ok(Self::new(env, file, Some(path)))
    }

    pub fn new(
        env: HashMap<String, String>,
        file: toml::Table,
        file_path: Option<PathBuf>,
    ) -> Self {
        Self {
            env,
            file,
            file_path,
        }
    }

    /// The raw value of `key` (`bind` ↔ `PARLEY_BIND`) and the name to blame if it is bad.
    fn get(&self, key: &str) -> Option<(String, String)> {
        let var = format!("PARLEY_{}", key.to_uppercase());
        if let Some(value) = self.env.get(&var) {
            return Some((value.clone(), var));
        }
        let value = self.file.get(key)?;
        let text = match value {
            toml::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let file = self
            .file_path
            .as_deref()
            .map_or_else(|| "parley.toml".to_string(), |p| p.display().to_string());
        Some((text, format!("`{key}` in {file}")))
    }

    fn parse<T>(
        &self,
        key: &str,
        default: impl FnOnce() -> T,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Result<T, ConfigError> {
        match self.get(key) {
            None => Ok(default()),
            Some((raw, setting)) => {
                parse(raw.trim()).map_err(|problem| ConfigError { setting, problem })
            }
        }
    }
}

impl Config {
    /// Reads and checks every setting. In development a missing master key is generated
    /// into `<data dir>/master.key`; in production it is required.
    ///
    /// # Errors
    /// The first setting that is missing or wrong.
    pub fn load(sources: &Sources) -> Result<Self, ConfigError> {
        let environment = sources.parse(
            "env",
            || Environment::Development,
            |v| match v {
                "development" | "dev" => Ok(Environment::Development),
                "production" | "prod" => Ok(Environment::Production),
                other => Err(format!(
                    "must be `development` or `production`, not `{other}`"
                )),
            },
        )?;
        let bind = sources.parse(
            "bind",
            || SocketAddr::from(([127, 0, 0, 1], 3000)),
            |v| {
                v.parse::<SocketAddr>().map_err(|_| {
                    format!("must be an address and port like 127.0.0.1:3000, not `{v}`")
                })
            },
        )?;
        let database_url = sources.parse(
            "database_url",
            || "sqlite://data/parley.db".to_string(),
            parse_database_url,
        )?;
        let public_url =
            sources.parse("public_url", || format!("http://{bind}"), parse_public_url)?;
        if environment == Environment::Production && !public_url.starts_with("https://") {
            return Err(ConfigError {
                setting: "PARLEY_PUBLIC_URL".into(),
                problem: "must be an https:// URL in production".into(),
            });
        }
        let data_dir = sources.parse(
            "data_dir",
            || PathBuf::from("data"),
            |v| Ok(PathBuf::from(v)),
        )?;
        let site_root = sources.parse("site_root", default_site_root, |v| Ok(PathBuf::from(v)))?;
        let master_key = match sources.get("master_key") {
            Some((raw, setting)) => MasterKey::from_base64(&raw).map_err(|problem| ConfigError { setting, problem })?,
            None if environment == Environment::Production => {
                return Err(ConfigError {
                    setting: "PARLEY_MASTER_KEY".into(),
                    problem: "is required in production (32 random bytes in base64: `openssl rand -base64 32`)".into(),
                })
            }
            None => development_master_key(&data_dir)?,
        };
        let admin_email = sources.parse(
            "admin_email",
            || "admin@localhost".to_string(),
            |v| {
                app::backend::services::validate::email(v)
                    .map_err(|_| "must be an e-mail address like admin@example.com".to_string())
            },
        )?;
        let admin_password = sources.parse(
            "admin_password",
            || None,
            |v| {
                let n = v.chars().count();
                if (8..=128).contains(&n) {
                    Ok(Some(SecretString::from(v.to_string())))
                } else {
                    Err(format!("must be 8 to 128 characters long (it has {n})"))
                }
            },
        )?;
        let log = sources.parse(
            "log",
            || "info".to_string(),
            |v| {
                tracing_subscriber::EnvFilter::try_new(v)
                    .map(|_| v.to_string())
                    .map_err(|e| {
                        format!(
                            "is not a valid log filter (like `info` or `info,parley=debug`): {e}"
                        )
                    })
            },
        )?;
        let log_format = sources.parse(
            "log_format",
            || LogFormat::Text,
            |v| match v {
                "text" | "pretty" => Ok(LogFormat::Text),
                "json" => Ok(LogFormat::Json),
                other => Err(format!("must be `text` or `json`, not `{other}`")),
            },
        )?;
        let max_body_bytes = sources.parse(
            "max_body_bytes",
            || 2 * 1024 * 1024,
            |v| {
                v.parse::<usize>()
                    .ok()
                    .filter(|n| (1024..=1024 * 1024 * 1024).contains(n))
                    .ok_or_else(|| {
                        format!("must be a byte count between 1024 and 1073741824, not `{v}`")
                    })
            },
        )?;
        let db_max_connections = sources.parse(
            "db_max_connections",
            || default_pool_size(&database_url),
            |v| {
                v.parse::<u32>()
                    .ok()
                    .filter(|n| (1..=1000).contains(n))
                    .ok_or_else(|| format!("must be a number from 1 to 1000, not `{v}`"))
            },
        )?;
        let shutdown_timeout = sources.parse(
            "shutdown_timeout_secs",
            || Duration::from_secs(10),
            |v| {
                v.parse::<u64>()
                    .ok()
                    .filter(|n| (1..=600).contains(n))
                    .map(Duration::from_secs)
                    .ok_or_else(|| format!("must be a number of seconds from 1 to 600, not `{v}`"))
            },
        )?;
        let signup = sources.parse(
            "signup",
            || SignupMode::Open,
            |v| match v {
                "open" => Ok(SignupMode::Open),
                "invite_only" => Ok(SignupMode::InviteOnly),
                other => Err(format!("must be `open` or `invite_only`, not `{other}`")),
            },
        )?;
        let signups_per_address = sources.parse(
            "signups_per_address",
            || app::backend::state::DEFAULT_SIGNUPS_PER_ADDRESS,
            |v| {
                v.parse::<u32>()
                    .ok()
                    .filter(|n| (1..=100_000).contains(n))
                    .ok_or_else(|| format!("must be a number from 1 to 100000, not `{v}`"))
            },
        )?;
        let trusted_proxies = sources.parse("trusted_proxies", Vec::new, |v| {
            v.split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(|p| {
                    p.parse::<IpAddr>().map_err(|_| {
                        format!("must be a comma-separated list of IP addresses; `{p}` is not one")
                    })
                })
                .collect()
        })?;
        let minutes = |key: &str, default: u64, max: u64| {
            sources.parse(
                key,
                || Duration::from_secs(default * 60),
                |v| {
                    v.parse::<u64>()
                        .ok()
                        .filter(|n| (1..=max).contains(n))
                        .map(|n| Duration::from_secs(n * 60))
                        .ok_or_else(|| {
                            format!("must be a number of minutes from 1 to {max}, not `{v}`")
                        })
                },
            )
        };
        let previous_master_keys = sources.parse("previous_master_keys", Vec::new, |v| {
            v.split(',')
                .map(str::trim)
                .filter(|k| !k.is_empty())
                .map(|k| {
                    MasterKey::from_base64(k)
                        .map_err(|problem| format!("lists a key that {problem}"))
                })
                .collect()
        })?;
        let allow_private_provider_hosts =
            sources.parse("allow_private_provider_hosts", String::new, |v| {
                Ok(v.to_string())
            })?;
        let seconds = |key: &str, default: u64, max: u64| {
            sources.parse(
                key,
                || Duration::from_secs(default),
                |v| {
                    v.parse::<u64>()
                        .ok()
                        .filter(|n| (1..=max).contains(n))
                        .map(Duration::from_secs)
                        .ok_or_else(|| {
                            format!("must be a number of seconds from 1 to {max}, not `{v}`")
                        })
                },
            )
        };
        let provider_connect_timeout = seconds("provider_connect_timeout_secs", 10, 300)?;
        let provider_read_timeout = seconds("provider_read_timeout_secs", 60, 3600)?;
        let platform_ai = platform_ai(sources)?;
        let session_idle = minutes("session_idle_minutes", 12 * 60, 30 * 24 * 60)?;
        let session_max = minutes("session_max_minutes", 7 * 24 * 60, 90 * 24 * 60)?;
        let entra_authority = sources.parse(
            "entra_authority",
            || app::backend::state::ENTRA_AUTHORITY.to_string(),
            |v| {
                let v = v.trim_end_matches('/');
                if v.starts_with("https://") || v.starts_with("http://") {
                    Ok(v.to_string())
                } else {
                    Err(format!(
                        "must be a URL like https://login.microsoftonline.us, not `{v}`"
                    ))
                }
            },
        )?;
        let platform_sso = platform_sso::load(sources, &entra_authority)?;
        Ok(Self {
            environment,
            bind,
            database_url,
            public_url,
            master_key,
            previous_master_keys,
            allow_private_provider_hosts,
            provider_connect_timeout,
            provider_read_timeout,
            platform_ai,
            admin_email,
            admin_password,
            log,
            log_format,
            data_dir,
            site_root,
            max_body_bytes,
            db_max_connections,
            shutdown_timeout,
            signup,
            signups_per_address,
            trusted_proxies,
            session_idle,
            session_max,
            entra_authority,
            platform_sso,
        })
    }
}

/// SQLite admits one writer (Parley queues its writers) and its readers run on this
/// machine's cores, each connection with its own thread and page cache: more connections
/// only add threads and memory. PostgreSQL serves many clients in parallel.
fn default_pool_size(database_url: &str) -> u32 {
    match app::backend::db::DbKind::from_url(database_url) {
        Some(app::backend::db::DbKind::Sqlite) => 4,
        _ => 10,
    }
}

fn parse_database_url(v: &str) -> Result<String, String> {
    if app::backend::db::DbKind::from_url(v).is_some() {
        Ok(v.to_string())
    } else {
        Err("must start with sqlite:// (e.g. sqlite://data/parley.db) or postgres://".to_string())
    }
}

fn parse_public_url(v: &str) -> Result<String, String> {
    let v = v.trim_end_matches('/');
    let rest = v
        .strip_prefix("https://")
        .or_else(|| v.strip_prefix("http://"))
        .ok_or_else(|| format!("must start with http:// or https://, not `{v}`"))?;
    if rest.is_empty()
        || rest.contains('/')
        || rest.contains('?')
        || rest.contains('#')
        || rest.contains('@')
    {
        return Err(format!(
            "must be an origin like https://parley.example.com, without a path (got `{v}`)"
        ));
    }
    Ok(v.to_string())
}

/// Where this binary's build wrote the site (see `site_bundle`).
fn default_site_root() -> PathBuf {
    crate::site_bundle::default_root()
}

/// Reads `<data dir>/master.key`, creating it (mode 0600) on first run.
/// `PARLEY_OPENAI_API_KEY` (with `PARLEY_OPENAI_BASE_URL` and `PARLEY_OPENAI_MODELS`):
/// the platform's own OpenAI-compatible provider, or `None` without a key.
fn platform_ai(sources: &Sources) -> Result<Option<app::backend::llm::PlatformAi>, ConfigError> {
    let Some((key, _)) = sources
        .get("openai_api_key")
        .filter(|(k, _)| !k.trim().is_empty())
    else {
        return Ok(None);
    };
    let base_url = sources.parse(
        "openai_base_url",
        || "https://api.openai.com/v1".to_string(),
        |v| {
            if v.starts_with("https://") || v.starts_with("http://") {
                Ok(v.trim_end_matches('/').to_string())
            } else {
                Err(format!(
                    "must be an http(s) address like https://api.openai.com/v1, not `{v}`"
                ))
            }
        },
    )?;
    let models = sources.parse(
        "openai_models",
        || vec!["gpt-4o-mini".to_string()],
        |v| {
            let models: Vec<String> = v
                .split(',')
                .map(str::trim)
                .filter(|m| !m.is_empty())
                .map(str::to_string)
                .collect();
            if models.is_empty() {
                Err("must name at least one model, like `gpt-4o-mini,gpt-4o`".into())
            } else {
                Ok(models)
            }
        },
    )?;
    Ok(Some(app::backend::llm::PlatformAi {
        base_url,
        key: SecretString::from(key.trim().to_string()),
        models,
    }))
}

fn development_master_key(data_dir: &Path) -> Result<MasterKey, ConfigError> {
    let path = data_dir.join("master.key");
    let fail = |problem: String| ConfigError {
        setting: "PARLEY_MASTER_KEY".into(),
        problem,
    };
    if path.exists() {
        let text = std::fs::read_to_string(&path).map_err(|e| {
            fail(format!(
                "is unset and {} cannot be read: {e}",
                path.display()
            ))
        })?;
        return MasterKey::from_base64(&text)
            .map_err(|p| fail(format!("is unset and {} {p}", path.display())));
    }
    std::fs::create_dir_all(data_dir).map_err(|e| {
        fail(format!(
            "is unset and {} cannot be created: {e}",
            data_dir.display()
        ))
    })?;
    let key = MasterKey::generate();
    write_private(&path, &key.to_base64()).map_err(|e| {
        fail(format!(
            "is unset and {} cannot be written: {e}",
            path.display()
        ))
    })?;
    tracing::warn!(path = %path.display(), "generated a development master key; set PARLEY_MASTER_KEY in production");
    Ok(key)
}

fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(contents.as_bytes())?;
    file.write_all(b"\n")
}

impl Config {
    /// The master keys and the guarded outbound client for AI providers.
    ///
    /// # Errors
    /// When the TLS stack cannot be initialised.
    pub fn ai_runtime(&self) -> anyhow::Result<app::backend::state::AiRuntime> {
        let policy = parley_outbound::Policy::from_list(&self.allow_private_provider_hosts)
            .with_timeouts(self.provider_connect_timeout, self.provider_read_timeout);
        Ok(app::backend::state::AiRuntime {
            keys: app::backend::crypto::key_ring::KeyRing::new(
                self.master_key.clone(),
                self.previous_master_keys.iter().cloned(),
            ),
            outbound: app::backend::llm::Outbound::new(policy)?,
            platform: self.platform_ai.clone(),
        })
    }

    /// The authentication settings the app state carries.
    pub fn auth_settings(&self) -> app::backend::state::AuthSettings {
        app::backend::state::AuthSettings {
            secure_cookies: self.public_url.starts_with("https://"),
            session_idle: self.session_idle,
            session_absolute: self.session_max,
            signup: self.signup,
            signups_per_address: self.signups_per_address,
            public_url: self.public_url.clone(),
            entra_authority: self.entra_authority.clone(),
            platform_sso: self.platform_sso.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources(vars: &[(&str, &str)], file: &str) -> Sources {
        let env = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Sources::new(
            env,
            file.parse().unwrap(),
            Some(PathBuf::from("parley.toml")),
        )
    }

    fn with_key(vars: &[(&str, &str)]) -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = vars
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        v.push((
            "PARLEY_MASTER_KEY".into(),
            MasterKey::generate().to_base64(),
        ));
        v
    }

    fn load(vars: &[(&str, &str)], file: &str) -> Result<Config, ConfigError> {
        let vars = with_key(vars);
        let refs: Vec<(&str, &str)> = vars.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        Config::load(&sources(&refs, file))
    }

    #[test]
    fn defaults_give_a_local_sqlite_development_server() {
        let c = load(&[], "").unwrap();
        assert_eq!(c.bind.to_string(), "127.0.0.1:3000");
        assert_eq!(c.database_url, "sqlite://data/parley.db");
        assert_eq!(c.public_url, "http://127.0.0.1:3000");
        assert_eq!(c.environment, Environment::Development);
        assert_eq!(c.log_format, LogFormat::Text);
        assert!(c.admin_password.is_none());
        assert_eq!(c.db_max_connections, 4);
    }

    #[test]
    fn the_pool_size_defaults_by_database_and_can_be_set() {
        let pg = load(
            &[("PARLEY_DATABASE_URL", "postgres://localhost/parley")],
            "",
        )
        .unwrap();
        assert_eq!(pg.db_max_connections, 10);
        let set = load(&[("PARLEY_DB_MAX_CONNECTIONS", "12")], "").unwrap();
        assert_eq!(set.db_max_connections, 12);
        let err = load(&[("PARLEY_DB_MAX_CONNECTIONS", "0")], "").unwrap_err();
        assert_eq!(err.setting, "PARLEY_DB_MAX_CONNECTIONS");
    }

    #[test]
    fn environment_wins_over_the_file() {
        let c = load(
            &[("PARLEY_BIND", "0.0.0.0:8080")],
            "bind = \"127.0.0.1:9999\"\nlog_format = \"json\"",
        )
        .unwrap();
        assert_eq!(c.bind.to_string(), "0.0.0.0:8080");
        assert_eq!(c.log_format, LogFormat::Json);
    }

    #[test]
    fn bad_values_name_the_setting_and_the_problem() {
        let err = load(&[("PARLEY_BIND", "localhost")], "").unwrap_err();
        assert_eq!(err.setting, "PARLEY_BIND");
        assert!(err.problem.contains("127.0.0.1:3000"));

        let err = load(&[], "database_url = \"mysql://x\"").unwrap_err();
        assert_eq!(err.setting, "`database_url` in parley.toml");

        let err = load(&[("PARLEY_LOG_FORMAT", "xml")], "").unwrap_err();
        assert_eq!(
            err.to_string(),
            "configuration error: PARLEY_LOG_FORMAT must be `text` or `json`, not `xml`"
        );

        let err = load(&[("PARLEY_PUBLIC_URL", "https://x.example/app")], "").unwrap_err();
        assert_eq!(err.setting, "PARLEY_PUBLIC_URL");
    }

    #[test]
    fn auth_settings_parse() {
        let c = load(
            &[
                ("PARLEY_SIGNUP", "invite_only"),
                ("PARLEY_TRUSTED_PROXIES", "10.0.0.1, ::1"),
                ("PARLEY_SIGNUPS_PER_ADDRESS", "50"),
            ],
            "",
        )
        .unwrap();
        assert_eq!(c.signup, SignupMode::InviteOnly);
        assert_eq!(c.signups_per_address, 50);
        let err = load(&[("PARLEY_SIGNUPS_PER_ADDRESS", "0")], "").unwrap_err();
        assert_eq!(err.setting, "PARLEY_SIGNUPS_PER_ADDRESS");
        assert_eq!(c.trusted_proxies.len(), 2);
        let err = load(&[("PARLEY_TRUSTED_PROXIES", "proxy.local")], "").unwrap_err();
        assert!(err.problem.contains("proxy.local"));
        let err = load(&[("PARLEY_SESSION_IDLE_MINUTES", "0")], "").unwrap_err();
        assert_eq!(err.setting, "PARLEY_SESSION_IDLE_MINUTES");
    }

    #[test]
    fn secrets_are_never_echoed() {
        let err = load(&[("PARLEY_ADMIN_PASSWORD", "hunter2")], "").unwrap_err();
        assert_eq!(err.setting, "PARLEY_ADMIN_PASSWORD");
        assert!(!err.to_string().contains("hunter2"));

        let err =
            Config::load(&sources(&[("PARLEY_MASTER_KEY", "c2VjcmV0LXZhbHVl")], "")).unwrap_err();
        assert_eq!(err.setting, "PARLEY_MASTER_KEY");
        assert!(!err.to_string().contains("c2VjcmV0LXZhbHVl"));
    }

    #[test]
    fn production_requires_a_master_key_and_https() {
        let err = Config::load(&sources(&[("PARLEY_ENV", "production")], "")).unwrap_err();
        assert_eq!(err.setting, "PARLEY_PUBLIC_URL");
        let err = Config::load(&sources(
            &[
                ("PARLEY_ENV", "production"),
                ("PARLEY_PUBLIC_URL", "https://parley.example"),
            ],
            "",
        ))
        .unwrap_err();
        assert_eq!(err.setting, "PARLEY_MASTER_KEY");
        assert!(err.problem.contains("required in production"));
    }

    #[test]
    fn development_key_is_generated_once_and_kept_private() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().to_str().unwrap();
        let first = Config::load(&sources(&[("PARLEY_DATA_DIR", data)], "")).unwrap();
        let second = Config::load(&sources(&[("PARLEY_DATA_DIR", data)], "")).unwrap();
        assert_eq!(
            first.master_key.expose_bytes(),
            second.master_key.expose_bytes()
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("master.key"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn platform_sso_is_off_by_default_and_complete_when_on() {
        assert!(load(&[], "").unwrap().platform_sso.is_none());
        let err = load(&[("PARLEY_PLATFORM_SSO_CLIENT_ID", "parley")], "").unwrap_err();
        assert_eq!(err.setting, "PARLEY_PLATFORM_SSO_ISSUER");
        let err = load(
            &[
                ("PARLEY_PLATFORM_SSO_CLIENT_ID", "parley"),
                ("PARLEY_PLATFORM_SSO_DIRECTORY_ID", "contoso"),
            ],
            "",
        )
        .unwrap_err();
        assert_eq!(err.setting, "PARLEY_PLATFORM_SSO_DIRECTORY_ID");
        let err = load(
            &[
                ("PARLEY_PLATFORM_SSO_CLIENT_ID", "parley"),
                ("PARLEY_PLATFORM_SSO_ISSUER", "https://idp.example"),
                ("PARLEY_PLATFORM_SSO_CLIENT_SECRET", "s3cret-canary"),
            ],
            "",
        )
        .unwrap_err();
        assert_eq!(err.setting, "PARLEY_PLATFORM_SSO_ADMIN_ROLE");
        assert!(!err.to_string().contains("s3cret-canary"));

        let entra = load(
            &[
                ("PARLEY_PLATFORM_SSO_CLIENT_ID", "parley"),
                (
                    "PARLEY_PLATFORM_SSO_DIRECTORY_ID",
                    "72F988BF-86F1-41AF-91AB-2D7CD011DB47",
                ),
                ("PARLEY_PLATFORM_SSO_CLIENT_SECRET", "s3cret-canary"),
                ("PARLEY_PLATFORM_SSO_ADMIN_ROLE", "Parley.PlatformAdmin"),
            ],
            "",
        )
        .unwrap()
        .platform_sso
        .unwrap();
        assert_eq!(
            entra.issuer,
            "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0"
        );
        assert_eq!(entra.name, "Microsoft");
        assert_eq!(entra.role_claim, "roles");
        assert!(!format!("{entra:?}").contains("s3cret-canary"));
    }
}
