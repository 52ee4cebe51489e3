//! Access review campaigns, with the clock passed in: started by the command line (or on the
//! yearly day), each provider's managers confirm or remove its role holders (the admins
//! confirm the managers, whom nobody else may), weekly reminders, and at the deadline what
//! nobody decided is suspended and its holder told. Every decision is audited with its actor.

use chrono::Duration;
use diesel::{ExpressionMethods, QueryDsl, RunQueryDsl};
use habilis::config::Environment;
use habilis::db::schema::{access_review_items, audit_log, users};
use habilis::services::access_review;
use reqwest::StatusCode;

use crate::helpers::{TestApp, email_to, spawn_app, spawn_app_with};

const MANAGER: &str = "gestion@api-particulier.example";
const INSTRUCTOR: &str = "instruction@api-particulier.example";
const REPORTER: &str = "rapport@api-particulier.example";
const SUBSCRIBER: &str = "abonnement@api-particulier.example";
const ADMIN: &str = "admin@habilis.example";

/// The item of the open campaign for this holder's role.
fn item(app: &TestApp, email: &str, role: &str) -> i64 {
    access_review_items::table
        .inner_join(users::table)
        .filter(users::email.eq(email))
        .filter(access_review_items::role.eq(role))
        .filter(access_review_items::provider.eq("api-particulier"))
        .select(access_review_items::id)
        .order(access_review_items::id.desc())
        .first(&mut app.conn())
        .unwrap()
}

fn audited(app: &TestApp, actor: &str, action: &str) -> i64 {
    audit_log::table
        .filter(audit_log::actor.eq(actor))
        .filter(audit_log::action.eq(action))
        .count()
        .get_result(&mut app.conn())
        .unwrap()
}

fn holds(app: &TestApp, email: &str, role: &str) -> bool {
    let user = habilis::db::users::find_by_email(&mut app.conn(), email)
        .unwrap()
        .unwrap();
    habilis::db::users::roles_of(&mut app.conn(), user.id)
        .unwrap()
        .iter()
        .any(|(p, r)| p == "api-particulier" && r.as_str() == role)
}

#[tokio::test]
async fn managers_review_their_provider_s_roles_and_what_nobody_confirmed_is_suspended() {
    let app = spawn_app().await;
    // A second admin, whom the first reviews (and who reviews the first).
    const SECOND: &str = "jeanne.roux@grenoble.fr";
    diesel::update(users::table.filter(users::email.eq(SECOND)))
        .set(users::is_admin.eq(true))
        .execute(&mut app.conn())
        .unwrap();
    let out = app.cli().args(["access-review", "start"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("revue des accès n° 1 commencée : "), "{said}");
    // One at a time.
    let again = app.cli().args(["access-review", "start"]).output().unwrap();
    assert!(!again.status.success());
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("Une revue des accès est déjà en cours")
    );

    // The provider's manager is asked about its roles; the admin about the manager's.
    let rows = app.outbox();
    let asked = email_to(&rows, "access_review", MANAGER);
    assert!(
        asked
            .subject
            .starts_with("[habilis] Revue des accès : 3 rôle(s) à revoir avant le "),
        "{}",
        asked.subject
    );
    assert!(asked.body_text.contains("Instructeur – API Particulier : Instructeur API Particulier (instruction@api-particulier.example)"), "{}", asked.body_text);
    assert!(
        !asked.body_text.contains(&format!("({MANAGER})")),
        "never their own role"
    );
    let admin_asked = email_to(&rows, "access_review", ADMIN);
    assert!(
        admin_asked.body_text.contains(&format!(
            "Gestionnaire – API Particulier : Gestionnaire API Particulier ({MANAGER})"
        )),
        "{}",
        admin_asked.body_text
    );

    // The manager's page: what is left, and the buttons.
    let manager = app.login_as(MANAGER).await;
    let page = manager.get("/revue-des-acces").await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("Il vous reste 3 rôles à revoir.");
    page.assert_contains(
        "Confirmer : Instructeur – API Particulier, instruction@api-particulier.example",
    );
    let csrf = page.csrf();
    let confirmed = manager
        .post(
            &format!(
                "/revue-des-acces/{}/confirmer",
                item(&app, INSTRUCTOR, "instructor")
            ),
            &[("_csrf", &csrf)],
        )
        .await;
    assert_eq!(confirmed.status, StatusCode::SEE_OTHER);
    let removed = manager
        .post(
            &format!(
                "/revue-des-acces/{}/retirer",
                item(&app, REPORTER, "reporter")
            ),
            &[("_csrf", &csrf)],
        )
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    manager
        .get("/revue-des-acces?fait=retire")
        .await
        .assert_contains("Le rôle est retiré à son titulaire.");
    assert!(holds(&app, INSTRUCTOR, "instructor"));
    assert!(!holds(&app, REPORTER, "reporter"));
    assert_eq!(audited(&app, MANAGER, "access_review.keep"), 1);
    assert_eq!(audited(&app, MANAGER, "access_review.remove"), 1);

    // Refused: deciding twice, one's own role, another provider's, and anyone but reviewers.
    let twice = manager
        .post(
            &format!(
                "/revue-des-acces/{}/retirer",
                item(&app, INSTRUCTOR, "instructor")
            ),
            &[("_csrf", &csrf)],
        )
        .await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    twice.assert_contains("a déjà été revu");
    let own = manager
        .post(
            &format!(
                "/revue-des-acces/{}/confirmer",
                item(&app, MANAGER, "manager")
            ),
            &[("_csrf", &csrf)],
        )
        .await;
    assert_eq!(own.status, StatusCode::FORBIDDEN);
    own.assert_contains("Vous ne pouvez pas revoir votre propre rôle");
    let other: i64 = access_review_items::table
        .filter(access_review_items::provider.eq("api-entreprise"))
        .select(access_review_items::id)
        .first(&mut app.conn())
        .unwrap();
    let foreign = manager
        .post(
            &format!("/revue-des-acces/{other}/retirer"),
            &[("_csrf", &csrf)],
        )
        .await;
    assert_eq!(foreign.status, StatusCode::FORBIDDEN);
    let instructor = app.login_as(INSTRUCTOR).await;
    assert_eq!(
        instructor.get("/revue-des-acces").await.status,
        StatusCode::FORBIDDEN
    );
    // The admin confirms the manager's role, which the manager may not.
    let admin = app.login_as(ADMIN).await;
    let page = admin.get("/revue-des-acces").await;
    let kept = admin
        .post(
            &format!(
                "/revue-des-acces/{}/confirmer",
                item(&app, MANAGER, "manager")
            ),
            &[("_csrf", &page.csrf())],
        )
        .await;
    assert_eq!(kept.status, StatusCode::SEE_OTHER);
    assert_eq!(audited(&app, ADMIN, "access_review.keep"), 1);
    // Admins review each other: the first removes the second's admin role; the second, no
    // longer an admin, cannot remove the first's in turn (the portal keeps an admin).
    let second = app.login_as(SECOND).await;
    let second_page = second.get("/revue-des-acces").await;
    let admin_item = |email: &str| -> i64 {
        access_review_items::table
            .inner_join(users::table)
            .filter(users::email.eq(email))
            .filter(access_review_items::role.eq("admin"))
            .select(access_review_items::id)
            .first(&mut app.conn())
            .unwrap()
    };
    let removed = admin
        .post(
            &format!("/revue-des-acces/{}/retirer", admin_item(SECOND)),
            &[("_csrf", &page.csrf())],
        )
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    let late = second
        .post(
            &format!("/revue-des-acces/{}/retirer", admin_item(ADMIN)),
            &[("_csrf", &second_page.csrf())],
        )
        .await;
    assert_eq!(late.status, StatusCode::FORBIDDEN);

    // A week on, those with roles left are reminded, once.
    let services = app.services();
    let now = habilis::services::now();
    let ran = access_review::run(services.clone(), now + Duration::days(8))
        .await
        .unwrap();
    assert!(ran.reminded > 0);
    let again = access_review::run(services.clone(), now + Duration::days(9))
        .await
        .unwrap();
    assert_eq!(again.reminded, 0);
    let reminders: Vec<_> = app
        .outbox()
        .into_iter()
        .filter(|r| {
            r.recipient == MANAGER
                && r.subject
                    .starts_with("[habilis] Rappel : 1 rôle(s) à revoir")
        })
        .collect();
    assert_eq!(reminders.len(), 1);

    // At the deadline, what nobody decided is suspended, and its holder told.
    let ran = access_review::run(services.clone(), now + Duration::days(31))
        .await
        .unwrap();
    assert!(ran.closed && ran.suspended > 0, "{ran:?}");
    assert!(!holds(&app, SUBSCRIBER, "subscriber"));
    assert!(holds(&app, INSTRUCTOR, "instructor"), "confirmed, kept");
    assert!(
        holds(&app, MANAGER, "manager"),
        "confirmed by the admin, kept"
    );
    // The only admin, whom nobody else could confirm, stays one.
    let admin_user = habilis::db::users::find_by_email(&mut app.conn(), ADMIN)
        .unwrap()
        .unwrap();
    assert!(admin_user.is_admin);
    let told = email_to(&app.outbox(), "access_review", SUBSCRIBER).clone();
    assert_eq!(
        told.subject,
        "[habilis] Vos rôles non confirmés ont été suspendus"
    );
    assert!(
        told.body_text.contains("Abonné – API Particulier"),
        "{}",
        told.body_text
    );
    assert!(audited(&app, "habilis (automatique)", "access_review.suspend") > 0);
    let closed = manager.get("/revue-des-acces").await;
    closed.assert_contains("s'est terminée le");
    closed.assert_contains("Suspendu à la fin de la revue");
    let late = manager
        .post(
            &format!(
                "/revue-des-acces/{}/confirmer",
                item(&app, SUBSCRIBER, "subscriber")
            ),
            &[("_csrf", &csrf)],
        )
        .await;
    assert_eq!(late.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn a_campaign_starts_by_itself_on_its_yearly_day() {
    let now = habilis::services::now();
    let day = now.format("%m-%d").to_string();
    let app = spawn_app_with(
        Environment::Dev,
        &[("HABILIS_ACCESS_REVIEW_YEARLY_ON", &day)],
    )
    .await;
    let services = app.services();
    let ran = access_review::run(services.clone(), now).await.unwrap();
    assert!(ran.started);
    // Not twice the same year, even closed.
    let ran = access_review::run(services.clone(), now + Duration::days(40))
        .await
        .unwrap();
    assert!(!ran.started && ran.closed);
    let ran = access_review::run(services.clone(), now + Duration::days(41))
        .await
        .unwrap();
    assert!(!ran.started);
    let admin = app.login_as(ADMIN).await;
    admin
        .get("/revue-des-acces")
        .await
        .assert_contains("s'est terminée le");
}
