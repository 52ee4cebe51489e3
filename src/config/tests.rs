//! Settings from files and environment variables, and what production requires.

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

/// A config directory of its own, with these files.
fn config_dir(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("habilis-config-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (file, text) in files {
        std::fs::write(dir.join(file), text).unwrap();
    }
    dir
}

#[test]
fn environment_variables_win_over_files() {
    let dir = config_dir(
        "layers",
        &[
            ("base.toml", "bind = \"127.0.0.2:9000\"\ndb_pool_size = 3\n"),
            ("dev.toml", "db_pool_size = 4\n"),
        ],
    );
    let s = Settings::from_sources(&dir, &vars(&[("DATABASE_URL", "postgres://x/y")])).unwrap();
    assert_eq!(s.bind, "127.0.0.2:9000");
    assert_eq!(s.db_pool_size, 4);
    assert_eq!(s.database_url(), "postgres://x/y");
    let s = Settings::from_sources(&dir, &vars(&[("HABILIS_BIND", "127.0.0.1:1")])).unwrap();
    assert_eq!(s.bind, "127.0.0.1:1");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn sections_merge_key_by_key_across_layers() {
    let dir = config_dir(
        "sections",
        &[
            (
                "base.toml",
                "[smtp]\nhost = \"smtp.base\"\ntls = \"none\"\n[outbox]\nmax_attempts = 3\npoll_ms = 500\n",
            ),
            ("dev.toml", "[outbox]\npoll_ms = 200\n"),
        ],
    );
    let s = Settings::from_sources(
        &dir,
        &vars(&[
            ("HABILIS_SMTP_PORT", "2525"),
            ("HABILIS_OUTBOX_BACKOFF_MS", "70"),
        ]),
    )
    .unwrap();
    let smtp = s.smtp.unwrap();
    assert_eq!(smtp.host, "smtp.base");
    assert_eq!(smtp.tls, SmtpTls::None);
    assert_eq!(smtp.port, 2525);
    assert_eq!(s.outbox.max_attempts, 3);
    assert_eq!(s.outbox.poll_ms, 200);
    assert_eq!(s.outbox.backoff_ms, 70);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_production_file_is_read_only_in_production() {
    let dir = config_dir("prod", &[("prod.toml", "db_pool_size = 30\n")]);
    let dev = Settings::from_sources(&dir, &vars(&[])).unwrap();
    assert_eq!(dev.db_pool_size, 10);
    let prod = Settings::from_sources(&dir, &prod_vars_without("-")).unwrap();
    assert_eq!(prod.db_pool_size, 30);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn every_variable_operators_use_still_sets_its_key() {
    // The names the README, docker-compose and the tests have always used.
    let names = [
        "DATABASE_URL",
        "HABILIS_BIND",
        "HABILIS_PROVIDERS_DIR",
        "HABILIS_SESSION_KEY",
        "HABILIS_AUDIT_KEY",
        "HABILIS_BASE_URL",
        "HABILIS_DB_POOL_SIZE",
        "HABILIS_SEED_DEMO",
        "HABILIS_SMTP_HOST",
        "HABILIS_SMTP_PORT",
        "HABILIS_SMTP_TLS",
        "HABILIS_SMTP_USERNAME",
        "HABILIS_SMTP_PASSWORD",
        "HABILIS_MAIL_FROM",
        "HABILIS_OUTBOX_MAX_ATTEMPTS",
        "HABILIS_OUTBOX_POLL_MS",
        "HABILIS_OUTBOX_BACKOFF_MS",
        "HABILIS_OUTBOX_LEASE_SECONDS",
        "HABILIS_WORKER",
        "HABILIS_DASHBOARD_CACHE",
        "HABILIS_COMPANY_API_URL",
        "HABILIS_COMPANY_API_TIMEOUT_MS",
        "HABILIS_SESSION_IDLE_SECONDS",
        "HABILIS_SESSION_MAX_SECONDS",
        "HABILIS_LOGIN_RATE_PER_MINUTE",
        "HABILIS_API_RATE_PER_MINUTE",
        "HABILIS_API_INVALID_TOKENS_PER_MINUTE",
        "HABILIS_OIDC_ISSUER",
        "HABILIS_OIDC_CLIENT_ID",
        "HABILIS_OIDC_CLIENT_SECRET",
        "HABILIS_OIDC_REDIRECT_URL",
        "HABILIS_OIDC_POST_LOGOUT_URL",
        "HABILIS_OIDC_SCOPES",
        "HABILIS_THEME",
        "HABILIS_OPERATOR_NAME",
        "HABILIS_CLAMD",
        "HABILIS_FILES_DIR",
        "HABILIS_FILES_S3_BUCKET",
        "HABILIS_FILES_S3_ENDPOINT",
        "HABILIS_FILES_S3_REGION",
        "HABILIS_FILES_S3_ACCESS_KEY_ID",
        "HABILIS_FILES_S3_SECRET_ACCESS_KEY",
        "HABILIS_FILES_RETENTION_DAYS",
        "HABILIS_API_READS_RETENTION_DAYS",
        "HABILIS_METRICS_TOKEN",
        "HABILIS_ACCOUNTS_IDLE_DAYS",
        "HABILIS_ACCOUNTS_ERASE_AFTER_DAYS",
        "HABILIS_LEGAL_DIR",
        "HABILIS_BEHIND_PROXY",
        "HABILIS_STATS_PUBLIC",
        "HABILIS_ACCESS_REVIEW_YEARLY_ON",
        "HABILIS_ACCESS_REVIEW_DAYS",
        "HABILIS_ACCESS_REVIEW_SUSPEND",
        "HABILIS_ARCHIVING_DRAFTS_AFTER_DAYS",
        "HABILIS_ARCHIVING_CHANGES_AFTER_DAYS",
    ];
    let known: Vec<String> = key_paths().iter().map(|k| env_name(k)).collect();
    for name in names {
        assert!(known.iter().any(|k| k == name), "{name} no longer read");
    }
    assert_eq!(
        known.len(),
        names.len(),
        "a new key: add its row to the README"
    );
    assert!(key_paths().contains(&"smtp.host".to_string()));
    assert!(key_paths().contains(&"oidc.client_secret".to_string()));
}

#[test]
fn variables_are_typed_by_their_key() {
    let s = Settings::from_sources(
        Path::new("/nonexistent"),
        &vars(&[
            ("HABILIS_SMTP_HOST", "127.0.0.1"),
            ("HABILIS_SMTP_PASSWORD", "123456"),
            ("HABILIS_SMTP_USERNAME", "42"),
            ("HABILIS_SEED_DEMO", "false"),
            ("HABILIS_DB_POOL_SIZE", "7"),
            ("HABILIS_OIDC_ISSUER", "https://auth.example"),
            ("HABILIS_OIDC_CLIENT_ID", "1234"),
            ("HABILIS_OIDC_CLIENT_SECRET", "5678"),
        ]),
    )
    .unwrap();
    let smtp = s.smtp.unwrap();
    assert_eq!(smtp.password.unwrap().expose_secret(), "123456");
    assert_eq!(smtp.username.as_deref(), Some("42"));
    assert!(!s.seed_demo);
    assert_eq!(s.db_pool_size, 7);
    assert_eq!(s.oidc.unwrap().client_id, "1234");
}

#[test]
fn a_wrong_value_names_its_key_and_variable_in_french() {
    let err = Settings::from_sources(
        Path::new("/nonexistent"),
        &vars(&[("HABILIS_SMTP_PORT", "vingt-cinq")]),
    )
    .unwrap_err()
    .to_string();
    assert!(err.starts_with("configuration invalide"), "{err}");
    assert!(err.contains("smtp.port"), "{err}");
    assert!(err.contains("HABILIS_SMTP_PORT"), "{err}");
    let dir = config_dir("unknown", &[("base.toml", "[smtp]\nhots = \"x\"\n")]);
    let err = Settings::from_sources(&dir, &vars(&[]))
        .unwrap_err()
        .to_string();
    assert!(err.contains("« smtp.hots »"), "{err}");
    assert!(err.contains("clé inconnue"), "{err}");
    assert!(err.contains("base.toml"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_file_that_is_not_toml_is_named() {
    let dir = config_dir("syntax", &[("base.toml", "bind = \n")]);
    let err = Settings::from_sources(&dir, &vars(&[]))
        .unwrap_err()
        .to_string();
    assert!(err.contains("base.toml invalide"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_example_file_holds_every_key_and_loads() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("config");
    let text = std::fs::read_to_string(dir.join("example.toml")).unwrap();
    let table: toml::Table = toml::from_str(&text).unwrap();
    for key in key_paths() {
        let found = match key.split_once('.') {
            Some((section, name)) => table
                .get(section)
                .and_then(|s| s.as_table())
                .is_some_and(|s| s.contains_key(name)),
            None => table.contains_key(&key),
        };
        // Commented-out keys count: the example shows them without setting them.
        assert!(
            found || text.contains(&format!("# {} =", key.rsplit('.').next().unwrap_or(&key))),
            "{key} missing from config/example.toml"
        );
    }
    let copy = config_dir("example", &[("base.toml", &text)]);
    Settings::from_sources(&copy, &vars(&[])).unwrap();
    std::fs::remove_dir_all(&copy).unwrap();
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

/// What production requires, but for `without`.
fn prod_vars_without(without: &str) -> HashMap<String, String> {
    let key = "k".repeat(64);
    let mut all = vars(&[
        ("HABILIS_ENV", "prod"),
        ("HABILIS_SESSION_KEY", &key),
        ("HABILIS_AUDIT_KEY", &key),
        ("HABILIS_SMTP_HOST", "smtp.example"),
        ("HABILIS_OIDC_ISSUER", "https://auth.example"),
        ("HABILIS_OIDC_CLIENT_ID", "habilis"),
        ("HABILIS_OIDC_CLIENT_SECRET", "secret"),
    ]);
    all.retain(|k, _| !k.starts_with(without));
    all
}

#[test]
fn production_needs_an_identity_provider() {
    assert!(Settings::from_sources(Path::new("/nonexistent"), &prod_vars_without("-")).is_ok());
    let err = Settings::from_sources(
        Path::new("/nonexistent"),
        &prod_vars_without("HABILIS_OIDC_"),
    )
    .unwrap_err();
    assert!(
        err.to_string().contains(
            "HABILIS_OIDC_ISSUER, HABILIS_OIDC_CLIENT_ID et HABILIS_OIDC_CLIENT_SECRET sont obligatoires en production"
        ),
        "{err}"
    );
}

#[test]
fn production_needs_an_audit_key_and_dev_has_a_fixed_one() {
    let err = Settings::from_sources(
        Path::new("/nonexistent"),
        &prod_vars_without("HABILIS_AUDIT_KEY"),
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("HABILIS_AUDIT_KEY est obligatoire en production"),
        "{err}"
    );
    let dev = Settings::from_sources(Path::new("/nonexistent"), &vars(&[])).unwrap();
    assert_eq!(dev.audit_key.expose_secret(), DEV_AUDIT_KEY);
    assert!(!format!("{dev:?}").contains(DEV_AUDIT_KEY), "never in logs");
    assert!(
        Settings::from_sources(
            Path::new("/nonexistent"),
            &vars(&[("HABILIS_AUDIT_KEY", "court")])
        )
        .is_err()
    );
}

#[test]
fn production_needs_an_smtp_server() {
    let err = Settings::from_sources(
        Path::new("/nonexistent"),
        &prod_vars_without("HABILIS_SMTP_HOST"),
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("HABILIS_SMTP_HOST est obligatoire en production"),
        "{err}"
    );
}

#[test]
fn production_needs_a_real_session_key() {
    let err = Settings::from_sources(Path::new("/nonexistent"), &vars(&[("HABILIS_ENV", "prod")]))
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("HABILIS_SESSION_KEY est obligatoire")
    );
    let s = Settings::from_sources(Path::new("/nonexistent"), &prod_vars_without("-")).unwrap();
    assert!(!s.seed_demo);
    assert!(
        Settings::from_sources(
            Path::new("/nonexistent"),
            &vars(&[("HABILIS_ENV", "staging")])
        )
        .is_err()
    );
}
