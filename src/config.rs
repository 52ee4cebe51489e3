//! Settings: `config/base.toml` < `config/$HABILIS_ENV.toml` < environment variables.
//!
//! Environment names operators rely on: `DATABASE_URL`, `HABILIS_BIND`, `HABILIS_PROVIDERS_DIR`,
//! `HABILIS_ENV`, `HABILIS_SESSION_KEY`, `HABILIS_BASE_URL`, `HABILIS_DB_POOL_SIZE`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Dev,
    Prod,
}

impl Environment {
    pub fn parse(raw: &str) -> anyhow::Result<Self> {
        match raw {
            "dev" | "development" => Ok(Environment::Dev),
            "prod" | "production" => Ok(Environment::Prod),
            other => bail!("HABILIS_ENV « {other} » inconnu : attendu « dev » ou « prod »"),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Environment::Dev => "dev",
            Environment::Prod => "prod",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub env: Environment,
    pub database_url: SecretString,
    pub bind: String,
    pub providers_dir: PathBuf,
    /// Signs and encrypts the session cookie; at least 64 characters.
    pub session_key: SecretString,
    /// Public address of the portal, for links in emails.
    pub base_url: String,
    pub db_pool_size: u32,
    /// Fill an empty database with the demo accounts at start-up (dev only by default).
    pub seed_demo: bool,
}

/// The keys a settings file may hold (all optional).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    database_url: Option<String>,
    bind: Option<String>,
    providers_dir: Option<PathBuf>,
    session_key: Option<String>,
    base_url: Option<String>,
    db_pool_size: Option<u32>,
    seed_demo: Option<bool>,
}

impl FileSettings {
    fn read(path: &Path) -> anyhow::Result<FileSettings> {
        if !path.exists() {
            return Ok(FileSettings::default());
        }
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("lecture de {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("{} invalide", path.display()))
    }

    fn over(self, base: FileSettings) -> FileSettings {
        FileSettings {
            database_url: self.database_url.or(base.database_url),
            bind: self.bind.or(base.bind),
            providers_dir: self.providers_dir.or(base.providers_dir),
            session_key: self.session_key.or(base.session_key),
            base_url: self.base_url.or(base.base_url),
            db_pool_size: self.db_pool_size.or(base.db_pool_size),
            seed_demo: self.seed_demo.or(base.seed_demo),
        }
    }
}

impl Settings {
    /// Reads the settings from the process environment and `config/`.
    pub fn load() -> anyhow::Result<Settings> {
        let vars: HashMap<String, String> = std::env::vars().collect();
        Settings::from_sources(Path::new("config"), &vars)
    }

    /// Layered settings from a config directory and a set of environment variables.
    pub fn from_sources(
        config_dir: &Path,
        vars: &HashMap<String, String>,
    ) -> anyhow::Result<Settings> {
        let var = |name: &str| vars.get(name).filter(|v| !v.is_empty()).cloned();
        let env = Environment::parse(&var("HABILIS_ENV").unwrap_or_else(|| "dev".to_string()))?;
        let base = FileSettings::read(&config_dir.join("base.toml"))?;
        let layered =
            FileSettings::read(&config_dir.join(format!("{}.toml", env.as_str())))?.over(base);
        let from_env = FileSettings {
            database_url: var("DATABASE_URL"),
            bind: var("HABILIS_BIND"),
            providers_dir: var("HABILIS_PROVIDERS_DIR").map(PathBuf::from),
            session_key: var("HABILIS_SESSION_KEY"),
            base_url: var("HABILIS_BASE_URL"),
            db_pool_size: var("HABILIS_DB_POOL_SIZE")
                .map(|v| {
                    v.parse()
                        .context("HABILIS_DB_POOL_SIZE doit être un nombre")
                })
                .transpose()?,
            seed_demo: var("HABILIS_SEED_DEMO").map(|v| v == "true" || v == "1"),
        }
        .over(layered);

        let bind = from_env
            .bind
            .unwrap_or_else(|| "127.0.0.1:8080".to_string());
        // The dev login signs anyone in as anyone: never offer it beyond this machine.
        let loopback = bind.starts_with("127.")
            || bind.starts_with("localhost:")
            || bind.starts_with("[::1]:");
        if env == Environment::Dev && !loopback {
            bail!(
                "HABILIS_ENV=dev (connexion de démonstration sans mot de passe) n'écoute que sur 127.0.0.1 : \
                 « {bind} » demande HABILIS_ENV=prod"
            );
        }
        let session_key = match (from_env.session_key, env) {
            (Some(key), _) if key.len() >= 64 => key,
            (Some(_), _) => bail!("HABILIS_SESSION_KEY doit compter au moins 64 caractères"),
            // In dev a fresh key per start is fine: sessions simply end on restart.
            (None, Environment::Dev) => random_key(),
            (None, Environment::Prod) => {
                bail!(
                    "HABILIS_SESSION_KEY est obligatoire en production (64 caractères aléatoires au moins)"
                )
            }
        };
        Ok(Settings {
            env,
            database_url: SecretString::from(
                from_env
                    .database_url
                    .unwrap_or_else(|| "habilis.db".to_string()),
            ),
            base_url: from_env
                .base_url
                .unwrap_or_else(|| format!("http://{bind}")),
            bind,
            providers_dir: from_env
                .providers_dir
                .unwrap_or_else(|| PathBuf::from("providers")),
            session_key: SecretString::from(session_key),
            db_pool_size: from_env.db_pool_size.unwrap_or(10).max(1),
            seed_demo: from_env.seed_demo.unwrap_or(env == Environment::Dev),
        })
    }

    pub fn is_dev(&self) -> bool {
        self.env == Environment::Dev
    }

    pub fn database_url(&self) -> &str {
        self.database_url.expose_secret()
    }
}

/// 64 random alphanumeric characters.
pub fn random_key() -> String {
    use rand::Rng;
    use rand::distr::Alphanumeric;
    rand::rng()
        .sample_iter(&Alphanumeric)
        .take(64)
        .map(char::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_serve_the_demo_on_sqlite() {
        let s = Settings::from_sources(Path::new("/nonexistent"), &vars(&[])).unwrap();
        assert_eq!(s.env, Environment::Dev);
        assert_eq!(s.database_url(), "habilis.db");
        assert_eq!(s.bind, "127.0.0.1:8080");
        assert_eq!(s.providers_dir, PathBuf::from("providers"));
        assert!(s.seed_demo);
    }

    #[test]
    fn environment_variables_win_over_files() {
        let dir = std::env::temp_dir().join(format!("habilis-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("base.toml"),
            "bind = \"127.0.0.2:9000\"\ndb_pool_size = 3\n",
        )
        .unwrap();
        std::fs::write(dir.join("dev.toml"), "db_pool_size = 4\n").unwrap();
        let s = Settings::from_sources(&dir, &vars(&[("DATABASE_URL", "postgres://x/y")])).unwrap();
        assert_eq!(s.bind, "127.0.0.2:9000");
        assert_eq!(s.db_pool_size, 4);
        assert_eq!(s.database_url(), "postgres://x/y");
        let s = Settings::from_sources(&dir, &vars(&[("HABILIS_BIND", "127.0.0.1:1")])).unwrap();
        assert_eq!(s.bind, "127.0.0.1:1");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn dev_mode_stays_on_this_machine() {
        let err = Settings::from_sources(
            Path::new("/nonexistent"),
            &vars(&[("HABILIS_BIND", "0.0.0.0:8080")]),
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("demande HABILIS_ENV=prod"),
            "{err}"
        );
        assert!(
            Settings::from_sources(
                Path::new("/nonexistent"),
                &vars(&[("HABILIS_BIND", "127.0.0.1:0")])
            )
            .is_ok()
        );
    }

    #[test]
    fn production_needs_a_real_session_key() {
        let err =
            Settings::from_sources(Path::new("/nonexistent"), &vars(&[("HABILIS_ENV", "prod")]))
                .unwrap_err();
        assert!(
            err.to_string()
                .contains("HABILIS_SESSION_KEY est obligatoire")
        );
        let key = "k".repeat(64);
        let s = Settings::from_sources(
            Path::new("/nonexistent"),
            &vars(&[("HABILIS_ENV", "prod"), ("HABILIS_SESSION_KEY", &key)]),
        )
        .unwrap();
        assert!(!s.seed_demo);
        assert!(
            Settings::from_sources(
                Path::new("/nonexistent"),
                &vars(&[("HABILIS_ENV", "staging")])
            )
            .is_err()
        );
    }
}
