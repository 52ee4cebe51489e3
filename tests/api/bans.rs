//! Support without passwords, first half: an admin blocks an account (its sessions end at once,
//! sign-in is refused with the reason), audited, and unblocks it; the refusals are in French.

use diesel::{ExpressionMethods, QueryDsl, RunQueryDsl};
use habilis::db::schema::audit_log;
use reqwest::StatusCode;

use crate::helpers::{demo_login_path, demo_user_id, spawn_app};

const MARIE: &str = "marie.dupont@mairie-lyon.fr";
const ADMIN: &str = "admin@habilis.example";
const REASON: &str = "Usurpation d'identité signalée par la mairie.";

fn audited(app: &crate::helpers::TestApp, action: &str) -> Vec<(String, Option<String>)> {
    audit_log::table
        .filter(audit_log::action.eq(action))
        .select((audit_log::actor, audit_log::new_value))
        .load(&mut app.conn())
        .unwrap()
}

#[tokio::test]
async fn an_admin_blocks_an_account_which_is_signed_out_and_refused_then_unblocks_it() {
    let app = spawn_app().await;
    let marie = app.login_as(MARIE).await;
    let id = app.submitted_demande(&marie, "api-particulier").await;
    let admin = app.login_as(ADMIN).await;

    let page = admin.get("/admin/comptes").await;
    page.assert_contains("Bloquer un compte");
    let blocked = admin
        .post(
            "/admin/comptes/bloquer",
            &[
                ("_csrf", &page.csrf()),
                ("email", " Marie.Dupont@mairie-lyon.fr "),
                ("motif", REASON),
            ],
        )
        .await;
    assert_eq!(blocked.status, StatusCode::SEE_OTHER, "{}", blocked.body);
    let page = admin.get(blocked.location.as_deref().unwrap()).await;
    page.assert_contains("Le compte est bloqué");
    page.assert_contains(MARIE);
    page.assert_contains(REASON);

    // Her session is over: the next page asks her to sign in.
    let after = marie.get(&format!("/demandes/{id}")).await;
    assert_ne!(after.status, StatusCode::OK);
    assert!(
        !after.text().contains(&format!("D{id} ")),
        "{}",
        after.text()
    );
    // Signing in again is refused with the date and the reason.
    let login = marie.get(&demo_login_path(MARIE)).await;
    let refused = marie
        .post(
            "/connexion/demo",
            &[
                ("_csrf", &login.csrf()),
                ("user_id", &demo_user_id(&login, MARIE)),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    refused.assert_contains("Votre compte habilis a été bloqué le ");
    refused.assert_contains(&format!("Motif : {REASON}"));

    let bans = audited(&app, "account.ban");
    assert_eq!(bans.len(), 1);
    assert_eq!(bans[0].0, ADMIN);
    let detail = bans[0].1.clone().unwrap();
    assert!(
        detail.contains(MARIE) && detail.contains(REASON),
        "{detail}"
    );
    assert!(detail.contains("\"sessions_ended\":1"), "{detail}");

    // Unblocked, she signs in again and finds her demande.
    let marie_id = habilis::db::users::find_by_email(&mut app.conn(), MARIE)
        .unwrap()
        .unwrap()
        .id;
    let page = admin.get("/admin/comptes").await;
    page.assert_contains(&format!("Débloquer le compte {MARIE}"));
    let lifted = admin
        .post(
            &format!("/admin/comptes/{marie_id}/debloquer"),
            &[("_csrf", &page.csrf())],
        )
        .await;
    assert_eq!(lifted.status, StatusCode::SEE_OTHER);
    admin
        .get(lifted.location.as_deref().unwrap())
        .await
        .assert_contains("Le compte est débloqué");
    marie.sign_in_as(MARIE).await;
    assert_eq!(
        marie.get(&format!("/demandes/{id}")).await.status,
        StatusCode::OK
    );
    let unbans = audited(&app, "account.unban");
    assert_eq!(unbans.len(), 1);
    assert_eq!(unbans[0].0, ADMIN);
}

#[tokio::test]
async fn blocking_is_refused_in_french_for_oneself_nobody_a_missing_reason_and_non_admins() {
    let app = spawn_app().await;
    let admin = app.login_as(ADMIN).await;
    let csrf = admin.get("/admin/comptes").await.csrf();
    for (email, reason, told) in [
        (
            ADMIN,
            REASON,
            "Vous ne pouvez pas bloquer votre propre compte.",
        ),
        (
            "personne@nulle-part.fr",
            REASON,
            "Aucun compte habilis n'a l'adresse personne@nulle-part.fr.",
        ),
        (MARIE, "   ", "Indiquez le motif du blocage"),
        ("pas-une-adresse", REASON, "adresse"),
    ] {
        let page = admin
            .post(
                "/admin/comptes/bloquer",
                &[("_csrf", &csrf), ("email", email), ("motif", reason)],
            )
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{email}");
        page.assert_contains("Action impossible");
        page.assert_contains(told);
        // What was typed is kept.
        page.assert_contains(&format!("value=\"{email}\""));
    }
    // Twice: the second is told it is done already.
    let first = admin
        .post(
            "/admin/comptes/bloquer",
            &[("_csrf", &csrf), ("email", MARIE), ("motif", REASON)],
        )
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    let again = admin
        .post(
            "/admin/comptes/bloquer",
            &[("_csrf", &csrf), ("email", MARIE), ("motif", REASON)],
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    again.assert_contains("Ce compte est déjà bloqué.");
    assert_eq!(audited(&app, "account.ban").len(), 1);

    // A manager (not an admin) may neither block nor unblock.
    let manager = app.login_as("gestion@api-particulier.example").await;
    let csrf = manager.get("/compte").await.csrf();
    let tried = manager
        .post(
            "/admin/comptes/bloquer",
            &[
                ("_csrf", &csrf),
                ("email", "paul.martin@mairie-lyon.fr"),
                ("motif", REASON),
            ],
        )
        .await;
    assert_eq!(tried.status, StatusCode::FORBIDDEN);
    let marie_id = habilis::db::users::find_by_email(&mut app.conn(), MARIE)
        .unwrap()
        .unwrap()
        .id;
    let tried = manager
        .post(
            &format!("/admin/comptes/{marie_id}/debloquer"),
            &[("_csrf", &csrf)],
        )
        .await;
    assert_eq!(tried.status, StatusCode::FORBIDDEN);
    assert!(audited(&app, "account.unban").is_empty());
}
