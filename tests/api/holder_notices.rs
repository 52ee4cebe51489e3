//! Notices to holders: a provider's managers email every organisation holding an active
//! habilitation of theirs, after a preview and a count; through the outbox (read from the SMTP
//! server), once even when the form is sent twice; audited. Refused to instructors and to
//! managers of another provider; nothing to send without holders.

use diesel::{ExpressionMethods, QueryDsl, RunQueryDsl};
use habilis::db::schema::audit_log;
use reqwest::StatusCode;

use crate::helpers::{spawn_app, spawn_app_with_smtp};
use crate::smtp_sink::SmtpSink;

const PROVIDER: &str = "api-particulier";
const MANAGER: &str = "gestion@api-particulier.example";
const SUBJECT: &str = "Version 3 de l'API au 1er mars";
const BODY: &str = "Bonjour,\nLa version 3 remplace la version 2 le 1er mars.\nL'équipe";

fn form<'a>(csrf: &'a str, token: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("_csrf", csrf),
        ("provider", PROVIDER),
        ("subject", SUBJECT),
        ("body", BODY),
        ("jeton", token),
    ]
}

#[tokio::test]
async fn a_manager_previews_counts_and_sends_once_to_every_holder() {
    let sink = SmtpSink::start().await;
    let app = spawn_app_with_smtp(sink.port).await;
    // Two organisations hold an active habilitation; a refused demande holds none.
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    app.validated_demande(&marie, PROVIDER).await;
    let jeanne = app.login_as("jeanne.roux@grenoble.fr").await;
    app.validated_demande(&jeanne, PROVIDER).await;
    app.deliver().await;
    let before = sink.mails().len();
    let holders =
        habilis::db::holder_notices::holders(&mut app.conn(), PROVIDER, habilis::services::now())
            .unwrap();
    let expected = holders.len();
    assert!(expected >= 2, "{holders:?}");

    let manager = app.login_as(MANAGER).await;
    let page = manager.get("/instruction/annonces").await;
    let csrf = page.csrf();
    let preview = manager
        .post("/instruction/annonces", &form(&csrf, "")[..4])
        .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    preview.assert_contains(&format!(
        "Ce courriel partira à <strong>{expected} destinataires</strong>"
    ));
    preview.assert_contains("[habilis] API Particulier : Version 3 de l'API au 1er mars");
    preview.assert_contains("La version 3 remplace la version 2 le 1er mars.");
    assert_eq!(sink.mails().len(), before, "the preview sends nothing");
    let token = preview
        .body
        .split("name=\"jeton\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_string();

    // Sent twice (a double click): once.
    for _ in 0..2 {
        let sent = manager
            .post("/instruction/annonces/envoyer", &form(&csrf, &token))
            .await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    }
    let page = manager.get("/instruction/annonces").await;
    page.assert_contains(SUBJECT);
    app.deliver().await;
    let mails = sink.wait_for(before + expected).await;
    let notices: Vec<_> = mails
        .iter()
        .filter(|m| m.subject().contains("Version 3 de l'API"))
        .collect();
    assert_eq!(notices.len(), expected);
    let to_marie = notices
        .iter()
        .find(|m| m.to == vec!["marie.dupont@mairie-lyon.fr".to_string()])
        .expect("Lyon's holder");
    assert!(
        to_marie.text().contains("pour Mairie de Lyon"),
        "{}",
        to_marie.text()
    );
    assert!(
        to_marie
            .text()
            .contains("La version 3 remplace la version 2")
    );
    let audited: i64 = audit_log::table
        .filter(audit_log::action.eq("provider.notice"))
        .filter(audit_log::actor.eq(MANAGER))
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(audited, 1);
}

#[tokio::test]
async fn notices_are_for_the_provider_s_managers_and_need_holders_and_words() {
    let app = spawn_app().await;
    let manager = app.login_as(MANAGER).await;
    let csrf = manager.get("/instruction/annonces").await.csrf();
    // No holder yet: nobody to tell.
    let nobody = manager
        .post("/instruction/annonces", &form(&csrf, "")[..4])
        .await;
    assert_eq!(nobody.status, StatusCode::UNPROCESSABLE_ENTITY);
    nobody.assert_contains("il n'y a personne à prévenir");
    nobody.assert_contains(SUBJECT);
    let empty = manager
        .post(
            "/instruction/annonces",
            &[
                ("_csrf", &csrf),
                ("provider", PROVIDER),
                ("subject", " "),
                ("body", BODY),
            ],
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    empty.assert_contains("Donnez un objet au courriel.");
    // A manager of API Particulier writes to no other provider's holders.
    let other = manager
        .post(
            "/instruction/annonces",
            &[
                ("_csrf", &csrf),
                ("provider", "api-entreprise"),
                ("subject", SUBJECT),
                ("body", BODY),
            ],
        )
        .await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
    for who in [
        "instruction@api-particulier.example",
        "marie.dupont@mairie-lyon.fr",
    ] {
        let person = app.login_as(who).await;
        assert_eq!(
            person.get("/instruction/annonces").await.status,
            StatusCode::FORBIDDEN,
            "{who}"
        );
        let csrf = person.get("/compte").await.csrf();
        let tried = person
            .post(
                "/instruction/annonces/envoyer",
                &form(&csrf, "un-jeton-de-seize-caracteres"),
            )
            .await;
        assert_eq!(tried.status, StatusCode::FORBIDDEN, "{who}");
    }
}
