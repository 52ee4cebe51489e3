//! Accounts that lapse, with the clock passed in: warned 15 days before, disabled (sessions
//! ended, roles removed, sign-in refused with the reason), erased later (their demandes stay
//! with their organisation); the organisation's other agents are told when the account holds
//! active habilitations; admins see it all and may give an account back.

use chrono::Duration;
use diesel::{ExpressionMethods, QueryDsl, RunQueryDsl};
use habilis::db::schema::{audit_log, users};
use habilis::services::lapsing;
use reqwest::StatusCode;

use crate::helpers::{TestApp, demo_login_path, demo_user_id, spawn_app};

const PROVIDER: &str = "api-particulier";
const MARIE: &str = "marie.dupont@mairie-lyon.fr";
const PAUL: &str = "paul.martin@mairie-lyon.fr";
const JEANNE: &str = "jeanne.roux@grenoble.fr";
const ADMIN: &str = "admin@habilis.example";

fn subjects_to(app: &TestApp, to: &str) -> Vec<String> {
    app.outbox()
        .into_iter()
        .filter(|r| r.recipient == to && r.topic == "account_lapse")
        .map(|r| r.subject)
        .collect()
}

fn body_to(app: &TestApp, to: &str, subject_start: &str) -> String {
    app.outbox()
        .into_iter()
        .find(|r| r.recipient == to && r.subject.starts_with(subject_start))
        .map(|r| r.body_text)
        .unwrap_or_else(|| panic!("no email to {to} starting {subject_start:?}"))
}

#[tokio::test]
async fn an_unused_account_is_warned_then_disabled_and_its_colleagues_told() {
    let app = spawn_app().await;
    let marie = app.login_as(MARIE).await;
    let id = app.validated_demande(&marie, PROVIDER).await;
    app.grant_role(MARIE, "biodiversite", "reporter");
    let start = habilis::services::now();
    // Paul and the admin sign in a hundred days later: their accounts are in use.
    diesel::update(users::table.filter(users::email.eq_any([PAUL, ADMIN])))
        .set(users::last_sign_in_at.eq(Some(start + Duration::days(100))))
        .execute(&mut app.conn())
        .unwrap();
    let services = app.services();

    lapsing::run(services.clone(), start + Duration::days(167))
        .await
        .unwrap();
    assert!(subjects_to(&app, MARIE).is_empty(), "not yet");

    // 15 days before the six months: Marie is warned, and her colleagues, since she holds an
    // active habilitation; not Jeanne, of another organisation.
    lapsing::run(services.clone(), start + Duration::days(169))
        .await
        .unwrap();
    let warned = subjects_to(&app, MARIE);
    assert_eq!(warned.len(), 1, "{warned:?}");
    assert!(warned[0].starts_with("[habilis] Votre compte sera désactivé le "));
    let own = body_to(&app, MARIE, "[habilis] Votre compte sera désactivé");
    assert!(
        own.contains("il vous suffit de vous connecter avant cette date"),
        "{own}"
    );
    assert!(own.contains(&format!("D{id}")), "{own}");
    let theirs = body_to(
        &app,
        PAUL,
        "[habilis] Le compte de Marie Dupont sera désactivé le ",
    );
    assert!(theirs.contains("marie.dupont@mairie-lyon.fr"), "{theirs}");
    assert!(theirs.contains(&format!("D{id}")), "{theirs}");
    assert!(
        subjects_to(&app, JEANNE)
            .iter()
            .all(|s| !s.contains("Marie Dupont"))
    );
    assert!(
        subjects_to(&app, PAUL)
            .iter()
            .all(|s| !s.starts_with("[habilis] Votre compte")),
        "Paul signed in: not warned"
    );
    // Run again: nothing twice.
    lapsing::run(services.clone(), start + Duration::days(170))
        .await
        .unwrap();
    assert_eq!(subjects_to(&app, MARIE).len(), 1);

    // The admins see who is on the way out; nobody else.
    let admin = app.login_as(ADMIN).await;
    let page = admin.get("/admin/comptes").await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("Comptes prévenus");
    assert!(page.text().contains(MARIE));
    let paul = app.login_as(PAUL).await;
    assert_eq!(
        paul.get("/admin/comptes").await.status,
        StatusCode::FORBIDDEN
    );

    // Six months on: disabled. Her session ends, her role goes, and she cannot sign in.
    lapsing::run(services.clone(), start + Duration::days(184))
        .await
        .unwrap();
    assert!(
        subjects_to(&app, MARIE).contains(&"[habilis] Votre compte a été désactivé".to_string())
    );
    let theirs = body_to(
        &app,
        PAUL,
        "[habilis] Le compte de Marie Dupont a été désactivé",
    );
    assert!(
        theirs.contains("Ses données personnelles seront effacées le"),
        "{theirs}"
    );
    let gone = marie.get("/demandes").await;
    assert_eq!(gone.location.as_deref(), Some("/connexion"));
    let marie_id = app.user_id(MARIE);
    assert!(
        habilis::db::users::roles_of(&mut app.conn(), marie_id)
            .unwrap()
            .is_empty()
    );
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
    refused.assert_contains("Votre compte habilis a été désactivé le ");
    refused.assert_contains("Demandez à un administrateur de habilis de le réactiver");
    // Her colleagues still see the organisation's demande.
    assert_eq!(
        paul.get(&format!("/demandes/{id}")).await.status,
        StatusCode::OK
    );
    let (old, new): (Option<String>, Option<String>) = audit_log::table
        .filter(audit_log::action.eq("account.disable"))
        .filter(audit_log::resource.eq(format!("user:{marie_id}")))
        .select((audit_log::old_value, audit_log::new_value))
        .first(&mut app.conn())
        .unwrap();
    assert!(old.unwrap().contains("biodiversite:reporter"));
    assert_eq!(new.as_deref(), Some("désactivé faute de connexion"));

    // An admin gives the account back (its roles are not): Marie signs in again.
    let page = admin.get("/admin/comptes").await;
    page.assert_contains("Comptes désactivés");
    page.assert_contains("Réactiver le compte marie.dupont@mairie-lyon.fr");
    let done = admin
        .post(
            &format!("/admin/comptes/{marie_id}/reactiver"),
            &[("_csrf", &page.csrf())],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    admin
        .get("/admin/comptes?fait=reactive")
        .await
        .assert_contains("Le compte est réactivé");
    marie.sign_in_as(MARIE).await;
    assert_eq!(marie.get("/demandes").await.status, StatusCode::OK);
    let reactivated: i64 = audit_log::table
        .filter(audit_log::action.eq("account.reactivate"))
        .filter(audit_log::actor.eq(ADMIN))
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(reactivated, 1);
    // Reactivating twice is nothing to reactivate.
    assert_eq!(
        admin
            .post(
                &format!("/admin/comptes/{marie_id}/reactiver"),
                &[("_csrf", &page.csrf())],
            )
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_disabled_account_is_erased_later_and_its_demandes_stay_with_its_organisation() {
    let app = spawn_app().await;
    let marie = app.login_as(MARIE).await;
    let id = app.validated_demande(&marie, PROVIDER).await;
    let marie_id = app.user_id(MARIE);
    let start = habilis::services::now();
    // Paul kept signing in.
    diesel::update(users::table.filter(users::email.eq(PAUL)))
        .set(users::last_sign_in_at.eq(Some(start + Duration::days(540))))
        .execute(&mut app.conn())
        .unwrap();
    let services = app.services();
    for day in [169, 184] {
        lapsing::run(services.clone(), start + Duration::days(day))
            .await
            .unwrap();
    }
    let before = lapsing::run(services.clone(), start + Duration::days(184 + 364))
        .await
        .unwrap();
    assert_eq!(before.erased, 0, "not yet");
    lapsing::run(services.clone(), start + Duration::days(184 + 366))
        .await
        .unwrap();

    // Her personal data is gone: no account under her address, none in the sign-in list.
    assert!(
        habilis::db::users::find_by_email(&mut app.conn(), MARIE)
            .unwrap()
            .is_none()
    );
    let erased = habilis::db::users::find(&mut app.conn(), marie_id)
        .unwrap()
        .unwrap();
    assert_eq!(erased.full_name(), "Compte supprimé");
    assert_eq!(erased.oidc_sub, None);
    let browser = app.browser();
    let login = browser.get(&demo_login_path(MARIE)).await;
    assert!(!login.text().contains("Marie Dupont"));
    // Her colleagues are told, and keep the demande and its habilitation.
    let theirs = body_to(
        &app,
        PAUL,
        "[habilis] Le compte de Marie Dupont a été supprimé",
    );
    assert!(
        theirs.contains("ses données personnelles ont été effacées"),
        "{theirs}"
    );
    assert!(theirs.contains(&format!("D{id}")), "{theirs}");
    let paul = app.login_as(PAUL).await;
    let demande = paul.get(&format!("/demandes/{id}")).await;
    assert_eq!(demande.status, StatusCode::OK);
    // The organisation's list names the applicant by the erased account, not by her address
    // (the answers are the organisation's declaration and are kept as they were).
    let list = paul.get("/demandes").await.text();
    assert!(list.contains(&format!("D{id}")), "{list}");
    assert!(!list.contains(MARIE), "{list}");
    assert!(
        list.contains(&habilis::db::lapse::erased_address(marie_id)),
        "{list}"
    );
    let audited: i64 = audit_log::table
        .filter(audit_log::action.eq("account.erase"))
        .filter(audit_log::resource.eq(format!("user:{marie_id}")))
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(audited, 1);
    // Erased once.
    let again = lapsing::run(services.clone(), start + Duration::days(184 + 400))
        .await
        .unwrap();
    assert_eq!(again.erased, 0);
}
