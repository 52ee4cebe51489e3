//! The restore drill: `habilis backup` while the portal runs, the copy restored into a fresh
//! database (SQLite: the file itself; PostgreSQL: pg_restore into a new database), and the
//! audit chain of the copy verifies up to the head recorded before the backup.

use diesel::{Connection, PgConnection, RunQueryDsl};
use habilis::config::{Environment, random_key};
use regex::Regex;

use crate::helpers::{TestApp, spawn_app_with};

fn run(app: &TestApp, url: Option<&str>, args: &[&str]) -> (bool, String, String) {
    let mut cmd = app.cli();
    if let Some(url) = url {
        cmd.env("DATABASE_URL", url);
    }
    let out = cmd.args(args).output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn a_backup_restores_into_a_fresh_database_whose_audit_chain_verifies() {
    let key = random_key();
    let app = spawn_app_with(Environment::Dev, &[("HABILIS_AUDIT_KEY", &key)]).await;
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    let id = app.validated_demande(&marie, "api-particulier").await;
    for email in ["a@urssaf.example", "b@urssaf.example"] {
        let args = [
            "roles",
            "grant",
            email,
            "--provider",
            "api-entreprise",
            "--role",
            "reporter",
        ];
        assert!(run(&app, None, &args).0);
    }
    let (ok, stdout, stderr) = run(&app, None, &["audit", "verify"]);
    assert!(ok, "{stderr}");
    let head = Regex::new(r"tête : (\d+:[0-9a-f]{64})")
        .unwrap()
        .captures(&stdout)
        .unwrap()[1]
        .to_string();

    let dir = std::env::temp_dir().join(format!("habilis-backup-{}", &random_key()[..12]));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("habilis.sauvegarde");
    let (ok, stdout, stderr) = run(&app, None, &["backup", &file.display().to_string()]);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("sauvegarde écrite : "), "{stdout}");
    // Never over an existing file.
    let (ok, _, stderr) = run(&app, None, &["backup", &file.display().to_string()]);
    assert!(!ok);
    assert!(stderr.contains("existe déjà"), "{stderr}");

    // Restored into a fresh database.
    let (restored, cleanup) = if app.database_url.starts_with("postgres") {
        let name = format!("habilis_restore_{}", &random_key()[..12].to_lowercase());
        let mut admin = PgConnection::establish(&app.database_url).unwrap();
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .unwrap();
        let (base, params) = app
            .database_url
            .split_once('?')
            .unwrap_or((&app.database_url, ""));
        let (server, _) = base.rsplit_once('/').unwrap();
        let url = format!("{server}/{name}?{params}");
        let out = std::process::Command::new("pg_restore")
            .args(["--no-owner", "--exit-on-error", "--dbname"])
            .arg(format!("{server}/{name}"))
            .arg(&file)
            .output()
            .expect("pg_restore (postgresql-client)");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        (url, Some(name))
    } else {
        (file.display().to_string(), None)
    };
    let (ok, stdout, stderr) = run(
        &app,
        Some(&restored),
        &["audit", "verify", "--expect-head", &head],
    );
    assert!(ok, "the restored chain: {stderr}");
    assert!(stdout.contains(&format!("tête : {head}")), "{stdout}");
    // And the portal's data came along: the validated demande and its habilitation.
    let db = habilis::db::Db::connect(&restored, 1).unwrap();
    let demande = habilis::db::demandes::find(&mut db.get().unwrap(), id)
        .unwrap()
        .expect("the demande restored");
    assert_eq!(demande.state, "validated");
    drop(db);

    if let Some(name) = cleanup {
        let mut admin = PgConnection::establish(&app.database_url).unwrap();
        let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut admin);
    }
    let _ = std::fs::remove_dir_all(dir);
}
