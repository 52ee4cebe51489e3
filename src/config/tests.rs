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
