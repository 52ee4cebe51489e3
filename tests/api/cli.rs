//! The command line and the repository's own rules.

use std::process::Command;

use crate::helpers::providers_dir;

fn habilis() -> Command {
    Command::new(env!("CARGO_BIN_EXE_habilis"))
}

#[test]
fn providers_check_accepts_the_shipped_providers() {
    let out = habilis()
        .args(["providers", "check"])
        .arg(providers_dir())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("5 fournisseur(s) valide(s)"));
}

#[test]
fn providers_check_names_file_and_key_of_a_broken_file() {
    let dir = std::env::temp_dir().join(format!("habilis-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = std::fs::read_to_string(providers_dir().join("api-particulier.toml")).unwrap();
    let broken = good.replacen("type = \"", "type = \"txt", 1);
    assert_ne!(good, broken, "the file has a field type to break");
    std::fs::write(dir.join("api-particulier.toml"), broken).unwrap();
    let out = habilis()
        .args(["providers", "check"])
        .arg(&dir)
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("api-particulier.toml: steps["), "{stderr}");
    assert!(stderr.contains("].type : type inconnu « txt"), "{stderr}");
}

#[test]
fn migration_folders_have_identical_names() {
    let names = |backend: &str| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("migrations")
            .join(backend);
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let (pg, sqlite) = (names("postgres"), names("sqlite"));
    assert!(!pg.is_empty());
    assert_eq!(pg, sqlite);
}

#[test]
fn production_without_an_identity_provider_does_not_start_and_says_what_is_missing() {
    let key = habilis::config::random_key();
    let out = habilis()
        .env("HABILIS_ENV", "prod")
        .env("HABILIS_BIND", "127.0.0.1:0")
        .env("HABILIS_SESSION_KEY", &key)
        .env("HABILIS_AUDIT_KEY", &key)
        .env("HABILIS_SMTP_HOST", "127.0.0.1")
        .env("DATABASE_URL", "/nonexistent/habilis.db")
        .env_remove("HABILIS_OIDC_ISSUER")
        .env_remove("HABILIS_OIDC_CLIENT_ID")
        .env_remove("HABILIS_OIDC_CLIENT_SECRET")
        .arg("serve")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "HABILIS_OIDC_ISSUER, HABILIS_OIDC_CLIENT_ID et HABILIS_OIDC_CLIENT_SECRET sont obligatoires en production"
        ),
        "{stderr}"
    );
}
