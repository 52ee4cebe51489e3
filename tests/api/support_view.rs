//! Support without passwords, second half: an admin sees the portal as a person sees it,
//! read-only (every change refused, a banner on every page), for thirty minutes at most, with a
//! reason; start and end audited; the person emailed afterwards (read from the SMTP server).

use chrono::Duration;
use diesel::{ExpressionMethods, QueryDsl, RunQueryDsl, TextExpressionMethods};
use habilis::db::schema::audit_log;
use reqwest::StatusCode;

use crate::helpers::{TestApp, spawn_app, spawn_app_with_smtp};
use crate::smtp_sink::SmtpSink;

const MARIE: &str = "marie.dupont@mairie-lyon.fr";
const ADMIN: &str = "admin@habilis.example";
const REASON: &str = "Assistance n° 4512 : elle ne trouve pas sa demande.";

fn actions(app: &TestApp) -> Vec<String> {
    audit_log::table
        .filter(audit_log::action.like("support.view_as.%"))
        .filter(audit_log::actor.eq(ADMIN))
        .order(audit_log::id)
        .select(audit_log::action)
        .load(&mut app.conn())
        .unwrap()
}

async fn start_view(admin: &crate::helpers::Browser, email: &str) -> crate::helpers::Page {
    let csrf = admin.get("/admin/comptes").await.csrf();
    admin
        .post(
            "/admin/voir-comme",
            &[("_csrf", &csrf), ("email", email), ("motif", REASON)],
        )
        .await
}

#[tokio::test]
async fn an_admin_sees_the_portal_as_a_person_read_only_and_the_person_is_told_afterwards() {
    let sink = SmtpSink::start().await;
    let app = spawn_app_with_smtp(sink.port).await;
    let marie = app.login_as(MARIE).await;
    let id = app.submitted_demande(&marie, "api-particulier").await;
    app.deliver().await;
    let before = sink.mails().len();

    let admin = app.login_as(ADMIN).await;
    let started = start_view(&admin, MARIE).await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);

    // Her pages, as she sees them, under a banner.
    let list = admin.get("/demandes").await;
    assert_eq!(list.status, StatusCode::OK);
    list.assert_contains("Vous voyez habilis comme Marie Dupont");
    list.assert_contains("en lecture seule");
    list.assert_contains(&format!("D{id}"));
    let page = admin.get(&format!("/demandes/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("Quitter ce mode");
    // The admin's own pages are out of reach meanwhile: she is no admin.
    assert_eq!(
        admin.get("/admin/comptes").await.status,
        StatusCode::FORBIDDEN
    );

    // Nothing can be done in her name, not even by a form the admin kept from before.
    let csrf = page.csrf();
    for (path, pairs) in [
        (
            format!("/demandes/{id}/messages"),
            vec![("body", "Bonjour")],
        ),
        (format!("/demandes/{id}/archiver"), vec![]),
        ("/compte/deconnexion-partout".to_string(), vec![]),
        (
            "/admin/comptes/bloquer".to_string(),
            vec![("email", MARIE), ("motif", "x")],
        ),
    ] {
        let mut form = vec![("_csrf", csrf.as_str())];
        form.extend(pairs);
        let tried = admin.post(&path, &form).await;
        assert_eq!(tried.status, StatusCode::FORBIDDEN, "{path}");
        tried.assert_contains("en lecture seule : aucune action n'est possible");
        // The refusal keeps the banner and the way out.
        tried.assert_contains("Quitter ce mode");
    }
    let messages: i64 = habilis::db::schema::messages::table
        .filter(habilis::db::schema::messages::demande_id.eq(id))
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(messages, 0);

    // The admin leaves: back to their own pages; the person is emailed with the reason.
    let left = admin
        .post("/admin/voir-comme/fin", &[("_csrf", &csrf)])
        .await;
    assert_eq!(left.status, StatusCode::SEE_OTHER);
    assert_eq!(
        left.location.as_deref(),
        Some("/admin/comptes?fait=vue-terminee")
    );
    let back = admin.get(left.location.as_deref().unwrap()).await;
    assert_eq!(back.status, StatusCode::OK);
    back.assert_contains("Vous avez quitté la consultation");
    assert!(!back.text().contains("Vous voyez habilis comme"));
    assert_eq!(
        actions(&app),
        vec!["support.view_as.start", "support.view_as.end"]
    );
    app.deliver().await;
    let mails = sink.wait_for(before + 1).await;
    let told = mails
        .iter()
        .find(|m| m.to == vec![MARIE.to_string()] && m.subject().contains("a consulté"))
        .expect("Marie is told");
    assert_eq!(
        told.subject(),
        "[habilis] Un administrateur a consulté habilis comme vous le voyez"
    );
    let text = told.text();
    assert!(text.contains(ADMIN) && text.contains(REASON), "{text}");
    assert!(text.contains("en lecture seule"), "{text}");
}

#[tokio::test]
async fn a_view_ends_by_itself_after_thirty_minutes_and_the_worker_tells_the_person_once() {
    let app = spawn_app().await;
    let admin = app.login_as(ADMIN).await;
    let started = start_view(&admin, MARIE).await;
    assert_eq!(started.status, StatusCode::SEE_OTHER);
    let services = app.services();
    let now = habilis::services::now();
    let closed = habilis::services::support::close_over(services.clone(), now)
        .await
        .unwrap();
    assert_eq!(closed, 0, "still under way");
    assert!(
        admin
            .get("/")
            .await
            .text()
            .contains("Vous voyez habilis comme")
    );
    let closed =
        habilis::services::support::close_over(services.clone(), now + Duration::minutes(31))
            .await
            .unwrap();
    assert_eq!(closed, 1);
    let again =
        habilis::services::support::close_over(services.clone(), now + Duration::minutes(32))
            .await
            .unwrap();
    assert_eq!(again, 0, "once");
    let told: Vec<_> = app
        .outbox()
        .into_iter()
        .filter(|r| r.topic == "support_view")
        .collect();
    assert_eq!(told.len(), 1);
    assert_eq!(told[0].recipient, MARIE);
    // The admin is themselves again.
    let home = admin.get("/admin/comptes").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(!home.text().contains("Vous voyez habilis comme"));
}

#[tokio::test]
async fn only_admins_view_as_someone_else_with_a_reason_and_never_as_themselves() {
    let app = spawn_app().await;
    let admin = app.login_as(ADMIN).await;
    let csrf = admin.get("/admin/comptes").await.csrf();
    for (email, reason, told) in [
        (ADMIN, REASON, "Vous voyez déjà le portail comme vous-même"),
        (MARIE, " ", "Indiquez le motif de la consultation"),
        (
            "personne@nulle-part.fr",
            REASON,
            "Aucun compte habilis n'a l'adresse personne@nulle-part.fr.",
        ),
    ] {
        let page = admin
            .post(
                "/admin/voir-comme",
                &[("_csrf", &csrf), ("email", email), ("motif", reason)],
            )
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{email}");
        page.assert_contains(told);
        page.assert_contains(&format!("value=\"{email}\""));
    }
    let manager = app.login_as("gestion@api-particulier.example").await;
    let csrf = manager.get("/compte").await.csrf();
    let tried = manager
        .post(
            "/admin/voir-comme",
            &[("_csrf", &csrf), ("email", MARIE), ("motif", REASON)],
        )
        .await;
    assert_eq!(tried.status, StatusCode::FORBIDDEN);
    assert!(actions(&app).is_empty());
}
