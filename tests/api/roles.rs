//! Roles: admins grant and remove everywhere, managers for their providers, all audited.

use diesel::RunQueryDsl;
use reqwest::StatusCode;

use crate::helpers::spawn_app;

#[tokio::test]
async fn an_admin_grants_and_removes_a_role_and_both_are_audited() {
    let app = spawn_app().await;
    let admin = app.login_as("admin@habilis.example").await;
    let page = admin.get("/admin/roles").await;
    assert_eq!(page.status, StatusCode::OK);
    for name in ["API Entreprise", "API Impôt particulier", "API Particulier"] {
        page.assert_contains(name);
    }
    let csrf = page.csrf();
    let email = "nouvelle.instructrice@dgfip.example";
    let grant = [
        ("_csrf", csrf.as_str()),
        ("email", email),
        ("provider", "api-impot-particulier"),
        ("role", "instructor"),
    ];
    let done = admin.post("/admin/roles", &grant).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let page = admin.get("/admin/roles?fait=ajout").await;
    page.assert_contains("Le rôle a été attribué.");
    page.assert_contains(email);
    page.assert_contains(&format!("roles:api-impot-particulier:{email}"));
    page.assert_contains(
        "<code>[]</code></td><td role=\"cell\" data-label=\"Après\"><code>[\"instructor\"]</code>",
    );

    // Granting twice says so.
    let again = admin.post("/admin/roles", &grant).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    again.assert_contains("nouvelle.instructrice@dgfip.example a déjà ce rôle.");

    // The new instructor sees the instruction workspace.
    assert_eq!(
        app.login_as(email).await.get("/instruction").await.status,
        StatusCode::OK
    );

    let revoke = admin.post("/admin/roles/retirer", &grant).await;
    assert_eq!(revoke.status, StatusCode::SEE_OTHER);
    let page = admin.get("/admin/roles").await;
    page.assert_contains("role.revoke");
    page.assert_contains(
        "<code>[\"instructor\"]</code></td><td role=\"cell\" data-label=\"Après\"><code>[]</code>",
    );
    assert_eq!(
        app.login_as(email).await.get("/instruction").await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn a_manager_manages_only_their_provider() {
    let app = spawn_app().await;
    let manager = app.login_as("gestion@api-particulier.example").await;
    let page = manager.get("/admin/roles").await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("rapport@api-particulier.example");
    assert!(!page.body.contains("rapport@api-entreprise.example"));
    assert!(
        !page.body.contains("Journal d'audit"),
        "the audit log is for admins"
    );
    let csrf = page.csrf();
    let forged = manager
        .post(
            "/admin/roles",
            &[
                ("_csrf", &csrf),
                ("email", "x@y.fr"),
                ("provider", "api-entreprise"),
                ("role", "manager"),
            ],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let ok = manager
        .post(
            "/admin/roles",
            &[
                ("_csrf", &csrf),
                ("email", "x@y.fr"),
                ("provider", "api-particulier"),
                ("role", "reporter"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn people_without_management_rights_cannot_reach_roles() {
    let app = spawn_app().await;
    for email in [
        "instruction@api-particulier.example",
        "marie.dupont@mairie-lyon.fr",
    ] {
        let browser = app.login_as(email).await;
        assert_eq!(
            browser.get("/admin/roles").await.status,
            StatusCode::FORBIDDEN,
            "{email}"
        );
        let csrf = browser.get("/").await.csrf();
        let forged = browser
            .post(
                "/admin/roles",
                &[
                    ("_csrf", &csrf),
                    ("email", "x@y.fr"),
                    ("provider", "api-particulier"),
                    ("role", "manager"),
                ],
            )
            .await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN, "{email}");
    }
}

#[tokio::test]
async fn bad_role_requests_get_french_messages() {
    let app = spawn_app().await;
    let admin = app.login_as("admin@habilis.example").await;
    let csrf = admin.get("/admin/roles").await.csrf();
    for (email, provider, role, message) in [
        (
            "pas-une-adresse",
            "api-particulier",
            "reporter",
            "Saisissez une adresse électronique valide",
        ),
        (
            "a@b.fr",
            "api-inconnue",
            "reporter",
            "Le fournisseur de données « api-inconnue » n'existe pas.",
        ),
        ("a@b.fr", "api-particulier", "chef", "Rôle inconnu « chef »"),
        // No mail reaches a host without a domain: no nameless account is made for it.
        (
            "a@b",
            "api-particulier",
            "reporter",
            "Saisissez une adresse électronique valide",
        ),
    ] {
        let page = admin
            .post(
                "/admin/roles",
                &[
                    ("_csrf", &csrf),
                    ("email", email),
                    ("provider", provider),
                    ("role", role),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        page.assert_contains(message);
    }
    let page = admin
        .post(
            "/admin/roles/retirer",
            &[
                ("_csrf", &csrf),
                ("email", "personne@b.fr"),
                ("provider", "api-particulier"),
                ("role", "reporter"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains("personne@b.fr n'a pas ce rôle.");
}

#[tokio::test]
async fn the_command_line_grants_roles_and_verifies_the_audit_chain() {
    let app = spawn_app().await;
    let habilis = || app.cli();
    let out = habilis()
        .args([
            "roles",
            "grant",
            "cli.rapporteur@urssaf.example",
            "--provider",
            "api-entreprise",
            "--role",
            "reporter",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("rôle attribué"));
    assert_eq!(
        app.login_as("cli.rapporteur@urssaf.example")
            .await
            .get("/instruction")
            .await
            .status,
        StatusCode::OK
    );

    let out = habilis()
        .args([
            "roles",
            "grant",
            "x@y.fr",
            "--provider",
            "api-entreprise",
            "--role",
            "chef",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("Rôle inconnu « chef »"));

    let out = habilis().args(["audit", "verify"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Editing a row (past the insert-only guards) breaks the chain, and verify says where.
    app.drop_insert_only_guards();
    diesel::sql_query("UPDATE audit_log SET new_value = '[\"manager\"]'")
        .execute(&mut app.conn())
        .unwrap();
    let out = habilis().args(["audit", "verify"]).output().unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("journal d'audit altéré à partir de l'entrée 1")
    );
}

#[tokio::test]
async fn an_account_made_by_a_role_grant_is_named_by_its_address_until_its_first_sign_in() {
    let app = spawn_app().await;
    let admin = app.login_as("admin@habilis.example").await;
    let csrf = admin.get("/admin/roles").await.csrf();
    let granted = admin
        .post(
            "/admin/roles",
            &[
                ("_csrf", &csrf),
                ("email", "nouvelle.rapporteuse@exemple.fr"),
                ("provider", "api-particulier"),
                ("role", "reporter"),
            ],
        )
        .await;
    assert_eq!(granted.status, StatusCode::SEE_OTHER);
    // Not a named demo account: the dev login finds it by search.
    let login = app
        .browser()
        .get(&crate::helpers::demo_login_path(
            "nouvelle.rapporteuse@exemple.fr",
        ))
        .await;
    assert!(
        !login.body.contains("fr-card__title\"></h3>"),
        "a nameless heading"
    );
    login.assert_contains("<h3 class=\"fr-card__title\">nouvelle.rapporteuse@exemple.fr</h3>");
}
