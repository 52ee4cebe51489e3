//! The audit log: every sensitive action with its actor, a chain keyed with a secret kept out
//! of the database, and a head operators record to catch the newest rows being deleted.

use diesel::{ExpressionMethods, QueryDsl, RunQueryDsl};
use habilis::config::{Environment, random_key};
use habilis::db::schema::audit_log;
use regex::Regex;
use reqwest::StatusCode;
use sha2::Digest;

use crate::helpers::{TestApp, spawn_app_with};

async fn app_with_audit_key() -> TestApp {
    let key = random_key();
    spawn_app_with(Environment::Dev, &[("HABILIS_AUDIT_KEY", &key)]).await
}

/// `habilis` with these arguments: (succeeded, stdout, stderr).
fn run(app: &TestApp, args: &[&str]) -> (bool, String, String) {
    let out = app.cli().args(args).output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn grant(app: &TestApp, email: &str) {
    let (ok, _, stderr) = run(
        app,
        &[
            "roles",
            "grant",
            email,
            "--provider",
            "api-entreprise",
            "--role",
            "reporter",
        ],
    );
    assert!(ok, "{stderr}");
}

/// The head `audit verify` prints, after checking it succeeds.
fn verified_head(app: &TestApp) -> String {
    let (ok, stdout, stderr) = run(app, &["audit", "verify"]);
    assert!(ok, "{stderr}");
    Regex::new(r"tête : (\d+:[0-9a-f]{64})")
        .unwrap()
        .captures(&stdout)
        .unwrap_or_else(|| panic!("no head in {stdout}"))[1]
        .to_string()
}

/// Rewrites every row's links as `hash` computes them from (previous hash, row).
fn recompute_chain(app: &TestApp, hash: impl Fn(&str, &[String]) -> String) {
    let mut conn = app.conn();
    let mut rows = habilis::db::audit::recent(&mut conn, 1000).unwrap();
    rows.reverse();
    let mut prev = habilis::db::audit::GENESIS.to_string();
    for row in rows {
        let parts = vec![
            row.actor.clone(),
            row.action.clone(),
            row.resource.clone(),
            row.old_value.clone().unwrap_or_else(|| "\u{0}".to_string()),
            row.new_value.clone().unwrap_or_else(|| "\u{0}".to_string()),
            row.created_at.format("%Y-%m-%dT%H:%M:%S%.6f").to_string(),
        ];
        let next = hash(&prev, &parts);
        diesel::update(audit_log::table.find(row.id))
            .set((audit_log::prev_hash.eq(&prev), audit_log::hash.eq(&next)))
            .execute(&mut conn)
            .unwrap();
        prev = next;
    }
}

/// The chain as it was computed before it had a key: SHA-256, parts separated by 0x1f.
fn unkeyed(prev: &str, parts: &[String]) -> String {
    let mut h = sha2::Sha256::new();
    for part in std::iter::once(prev).chain(parts.iter().map(String::as_str)) {
        h.update(part.as_bytes());
        h.update([0x1f]);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The same with HMAC under a key that is not the portal's (the public dev key).
fn keyed_with_dev_key(prev: &str, parts: &[String]) -> String {
    use hmac::Mac;
    let mut h =
        hmac::Hmac::<sha2::Sha256>::new_from_slice(habilis::config::DEV_AUDIT_KEY.as_bytes())
            .unwrap();
    for part in std::iter::once(prev).chain(parts.iter().map(String::as_str)) {
        h.update(part.as_bytes());
        h.update(&[0x1f]);
    }
    h.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[tokio::test]
async fn an_edited_row_fails_verify_even_with_the_chain_recomputed_without_the_key() {
    let app = app_with_audit_key().await;
    grant(&app, "premier@urssaf.example");
    grant(&app, "second@urssaf.example");
    let head = verified_head(&app);
    assert!(head.starts_with("2:"), "{head}");

    // Someone who holds the database itself (past the insert-only guards) edits the first row.
    app.drop_insert_only_guards();
    let first: i64 = audit_log::table
        .select(diesel::dsl::min(audit_log::id))
        .first::<Option<i64>>(&mut app.conn())
        .unwrap()
        .unwrap();
    diesel::update(audit_log::table.find(first))
        .set(audit_log::new_value.eq("[\"manager\"]"))
        .execute(&mut app.conn())
        .unwrap();
    let (ok, _, stderr) = run(&app, &["audit", "verify"]);
    assert!(!ok);
    assert!(
        stderr.contains(&format!(
            "journal d'audit altéré à partir de l'entrée {first}"
        )),
        "{stderr}"
    );

    // Recomputing the chain as the source code shows, but without the key, does not help.
    for forge in [unkeyed, keyed_with_dev_key] {
        recompute_chain(&app, forge);
        let (ok, _, stderr) = run(&app, &["audit", "verify"]);
        assert!(!ok, "a chain recomputed without the key verified");
        assert!(
            stderr.contains(&format!(
                "journal d'audit altéré à partir de l'entrée {first}"
            )),
            "{stderr}"
        );
    }
}

#[tokio::test]
async fn deleting_the_newest_rows_is_caught_by_the_head_recorded_earlier() {
    let app = app_with_audit_key().await;
    for email in ["a@urssaf.example", "b@urssaf.example", "c@urssaf.example"] {
        grant(&app, email);
    }
    let head = verified_head(&app);
    assert!(head.starts_with("3:"), "{head}");
    let (ok, stdout, stderr) = run(&app, &["audit", "verify", "--expect-head", &head]);
    assert!(ok, "{stderr}");
    assert!(
        stdout.contains("journal d'audit intègre : 3 entrée(s)"),
        "{stdout}"
    );

    // The newest row deleted by someone who holds the database itself: the rest still
    // chains, but not up to the recorded head.
    app.drop_insert_only_guards();
    let newest: i64 = audit_log::table
        .select(diesel::dsl::max(audit_log::id))
        .first::<Option<i64>>(&mut app.conn())
        .unwrap()
        .unwrap();
    diesel::delete(audit_log::table.find(newest))
        .execute(&mut app.conn())
        .unwrap();
    assert!(
        run(&app, &["audit", "verify"]).0,
        "the shorter chain is whole"
    );
    let (ok, _, stderr) = run(&app, &["audit", "verify", "--expect-head", &head]);
    assert!(!ok);
    assert!(
        stderr.contains(
            "journal d'audit tronqué : la tête attendue compte 3 entrée(s), il n'en reste que 2"
        ),
        "{stderr}"
    );

    // Writing another row in its place brings the count back, not the head.
    grant(&app, "d@urssaf.example");
    let (ok, _, stderr) = run(&app, &["audit", "verify", "--expect-head", &head]);
    assert!(!ok);
    assert!(
        stderr.contains("journal d'audit réécrit : l'entrée n° 3 n'a plus l'empreinte"),
        "{stderr}"
    );

    let (ok, _, stderr) = run(&app, &["audit", "verify", "--expect-head", "trois"]);
    assert!(!ok);
    assert!(stderr.contains("--expect-head"), "{stderr}");
}

/// (actor, action, resource) of the audit entries an admin sees, newest first.
async fn audit_entries(app: &TestApp) -> Vec<(String, String, String)> {
    let page = app
        .login_as("admin@habilis.example")
        .await
        .get("/admin/roles")
        .await;
    Regex::new(r"<tr[^>]*><td[^>]*>[^<]*</td><td[^>]*>([^<]*)</td><td[^>]*>([^<]*)</td><td[^>]*>([^<]*)</td>")
        .unwrap()
        .captures_iter(&page.text())
        .map(|c| (c[1].to_string(), c[2].to_string(), c[3].to_string()))
        .collect()
}

fn assert_audited(entries: &[(String, String, String)], actor: &str, action: &str, resource: &str) {
    assert!(
        entries
            .iter()
            .any(|(a, b, c)| a == actor && b == action && c.starts_with(resource)),
        "no « {action} » on « {resource} » by {actor} in {entries:#?}"
    );
}

#[tokio::test]
async fn sensitive_actions_are_audited_with_their_actor() {
    const MARIE: &str = "marie.dupont@mairie-lyon.fr";
    const INSTRUCTOR: &str = "instruction@api-particulier.example";
    const MANAGER: &str = "gestion@api-particulier.example";
    const ADMIN: &str = "admin@habilis.example";
    let app = app_with_audit_key().await;

    // Decisions: changes requested on one, refused another, approved then revoked a third.
    let marie = app.login_as(MARIE).await;
    let changes = app.submitted_demande(&marie, "api-particulier").await;
    let refused = app.submitted_demande(&marie, "api-particulier").await;
    let approved = app.submitted_demande(&marie, "api-particulier").await;
    let instructor = app.login_as(INSTRUCTOR).await;
    for (id, action, reason) in [
        (changes, "demander-modifications", "Précisez"),
        (refused, "refuser", "Hors cadre"),
        (approved, "valider", ""),
        (approved, "revoquer", "Fin du projet"),
    ] {
        let done = instructor.decide(id, action, reason).await;
        assert_eq!(
            done.status,
            StatusCode::SEE_OTHER,
            "{action}: {}",
            done.body
        );
    }

    // Sign-out.
    let csrf = marie.get("/demandes").await.csrf();
    assert_eq!(
        marie.post("/deconnexion", &[("_csrf", &csrf)]).await.status,
        StatusCode::SEE_OTHER
    );

    // A token created and revoked by the provider's manager.
    let manager = app.login_as(MANAGER).await;
    let page = manager.get("/instruction/api").await;
    let created = manager
        .post(
            "/instruction/api",
            &[
                ("_csrf", &page.csrf()),
                ("provider", "api-particulier"),
                ("name", "SI audité"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::OK);
    let token = Regex::new(r#"/instruction/api/(\d+)/revoquer"#)
        .unwrap()
        .captures(&created.body)
        .unwrap()[1]
        .to_string();
    let revoked = manager
        .post(
            &format!("/instruction/api/{token}/revoquer"),
            &[("_csrf", &created.csrf())],
        )
        .await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER);

    // A webhook replayed by an instructor, a dead letter sent again by an admin.
    let delivery = app.webhook_delivery(approved);
    let csrf = instructor.get("/instruction/webhooks").await.csrf();
    let replayed = instructor
        .post(
            &format!("/instruction/webhooks/{delivery}/rejouer"),
            &[("_csrf", &csrf)],
        )
        .await;
    assert_eq!(replayed.status, StatusCode::SEE_OTHER, "{}", replayed.body);
    let letter = app.dead_letter();
    let admin = app.login_as(ADMIN).await;
    let csrf = admin.get("/admin/outbox").await.csrf();
    let retried = admin
        .post(
            &format!("/admin/outbox/{letter}/relancer"),
            &[("_csrf", &csrf)],
        )
        .await;
    assert_eq!(retried.status, StatusCode::SEE_OTHER, "{}", retried.body);

    let entries = audit_entries(&app).await;
    for (actor, action, resource) in [
        (MARIE, "session.sign_in", "user:"),
        (MARIE, "session.sign_out", "user:"),
        (INSTRUCTOR, "session.sign_in", "user:"),
        (
            INSTRUCTOR,
            "demande.request_changes",
            format!("demande:D{changes}").as_str(),
        ),
        (INSTRUCTOR, "demande.refuse", &format!("demande:D{refused}")),
        (
            INSTRUCTOR,
            "demande.approve",
            &format!("demande:D{approved}"),
        ),
        (
            INSTRUCTOR,
            "demande.revoke",
            &format!("demande:D{approved}"),
        ),
        (MANAGER, "api_token.create", &format!("api_token:{token}")),
        (MANAGER, "api_token.revoke", &format!("api_token:{token}")),
        (INSTRUCTOR, "webhook.replay", &format!("outbox:{delivery}")),
        (ADMIN, "outbox.retry", &format!("outbox:{letter}")),
    ] {
        assert_audited(&entries, actor, action, resource);
    }
    // Nothing secret in it: the token's name, never the token.
    let page = app.login_as(ADMIN).await.get("/admin/roles").await;
    page.assert_contains("SI audité");
    assert!(!page.body.contains("hab_"), "a token in the audit log");

    // The whole chain verifies with the portal's key.
    assert!(run(&app, &["audit", "verify"]).0);
}
