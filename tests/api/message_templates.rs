//! Message templates: a provider's managers write them (variables checked when saved), its
//! instructors pick one in the decision block or the message box, filled in for the demande,
//! edit it and send; the applicant's email carries what was sent.

use reqwest::StatusCode;

use crate::helpers::spawn_app;

const PROVIDER: &str = "api-particulier";
const MARIE: &str = "marie.dupont@mairie-lyon.fr";
const MANAGER: &str = "gestion@api-particulier.example";
const INSTRUCTOR: &str = "instruction@api-particulier.example";

fn template_id(page: &str, title: &str) -> String {
    page.split("<option value=\"")
        .skip(1)
        .find(|option| option.contains(title))
        .and_then(|option| option.split('"').next())
        .unwrap_or_else(|| panic!("no template {title:?} to pick"))
        .to_string()
}

#[tokio::test]
async fn a_manager_writes_templates_an_instructor_picks_one_filled_in_and_sends_it() {
    let app = spawn_app().await;
    let marie = app.login_as(MARIE).await;
    let id = app.submitted_demande(&marie, PROVIDER).await;

    let manager = app.login_as(MANAGER).await;
    let page = manager.get("/instruction/modeles").await;
    page.assert_contains("Nouveau modèle");
    page.assert_contains("{{demandeur}}");
    let save = |kind: &'static str, title: &'static str, body: &'static str| {
        let manager = &manager;
        let csrf = page.csrf();
        async move {
            manager
                .post(
                    "/instruction/modeles",
                    &[
                        ("_csrf", &csrf),
                        ("provider", PROVIDER),
                        ("kind", kind),
                        ("title", title),
                        ("body", body),
                    ],
                )
                .await
        }
    };
    let saved = save(
        "request_changes",
        "Délibération manquante",
        "Bonjour {{demandeur}}, pour la demande {{numero}} ({{intitule}}), joignez la délibération. L'équipe {{fournisseur}}.",
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(
        save(
            "message",
            "Relance",
            "Bonjour {{demandeur}}, où en êtes-vous ?"
        )
        .await
        .status,
        StatusCode::SEE_OTHER
    );
    // A variable that does not exist is named, and what was typed is kept.
    let refused = save("refuse", "Hors périmètre", "Bonjour {{nom}}.").await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    refused.assert_contains("La variable « {{nom}} » n'existe pas");
    refused.assert_contains("Hors périmètre");
    let unclosed = save("refuse", "Hors périmètre", "Bonjour {{demandeur.").await;
    assert_eq!(unclosed.status, StatusCode::UNPROCESSABLE_ENTITY);
    unclosed.assert_contains("Une variable n'est pas refermée");
    let list = manager.get("/instruction/modeles").await;
    list.assert_contains("Demande de modifications : Délibération manquante");

    // The instructor picks it: the reason is the template, filled in for this demande.
    let instructor = app.login_as(INSTRUCTOR).await;
    let page = instructor.get(&format!("/instruction/demandes/{id}")).await;
    page.assert_contains("Partir d'un modèle");
    let chosen = template_id(&page.body, "Délibération manquante");
    let page = instructor
        .get(&format!("/instruction/demandes/{id}?modele={chosen}"))
        .await;
    let intitule = habilis::db::demandes::find(&mut app.conn(), id)
        .unwrap()
        .unwrap()
        .intitule;
    let filled = format!(
        "Bonjour Marie Dupont, pour la demande D{id} ({intitule}), joignez la délibération. L'équipe API Particulier."
    );
    page.assert_contains(&filled);
    // Edited, then sent: the applicant reads what was sent.
    let sent = format!("{filled} Merci.");
    let decided = instructor
        .post(
            &format!("/instruction/demandes/{id}/demander-modifications"),
            &[("_csrf", &page.csrf()), ("reason", &sent)],
        )
        .await;
    assert_eq!(decided.status, StatusCode::SEE_OTHER, "{}", decided.body);
    let email = app
        .outbox()
        .into_iter()
        .find(|r| r.recipient == MARIE && r.topic == "changes_requested")
        .expect("the applicant is told");
    assert!(email.body_text.contains(&sent), "{}", email.body_text);

    // A message template fills the message box instead.
    let relance = template_id(&page.body, "Relance");
    let page = instructor
        .get(&format!("/instruction/demandes/{id}?modele={relance}"))
        .await;
    page.assert_contains(">Bonjour Marie Dupont, où en êtes-vous ?</textarea>");
}

#[tokio::test]
async fn only_managers_write_templates_and_each_kind_holds_five() {
    let app = spawn_app().await;
    for who in [INSTRUCTOR, "rapport@api-particulier.example", MARIE] {
        let person = app.login_as(who).await;
        assert_eq!(
            person.get("/instruction/modeles").await.status,
            StatusCode::FORBIDDEN,
            "{who}"
        );
        let csrf = person.get("/compte").await.csrf();
        let tried = person
            .post(
                "/instruction/modeles",
                &[
                    ("_csrf", &csrf),
                    ("provider", PROVIDER),
                    ("kind", "message"),
                    ("title", "T"),
                    ("body", "x"),
                ],
            )
            .await;
        assert_eq!(tried.status, StatusCode::FORBIDDEN, "{who}");
    }
    // A manager of another provider neither writes nor deletes this one's.
    let manager = app.login_as(MANAGER).await;
    let csrf = manager.get("/instruction/modeles").await.csrf();
    let tried = manager
        .post(
            "/instruction/modeles",
            &[
                ("_csrf", &csrf),
                ("provider", "api-entreprise"),
                ("kind", "message"),
                ("title", "T"),
                ("body", "x"),
            ],
        )
        .await;
    assert_eq!(tried.status, StatusCode::FORBIDDEN);
    for n in 1..=5 {
        let title = format!("Modèle {n}");
        let saved = manager
            .post(
                "/instruction/modeles",
                &[
                    ("_csrf", &csrf),
                    ("provider", PROVIDER),
                    ("kind", "message"),
                    ("title", &title),
                    ("body", "x"),
                ],
            )
            .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER);
    }
    let sixth = manager
        .post(
            "/instruction/modeles",
            &[
                ("_csrf", &csrf),
                ("provider", PROVIDER),
                ("kind", "message"),
                ("title", "Modèle 6"),
                ("body", "x"),
            ],
        )
        .await;
    assert_eq!(sixth.status, StatusCode::UNPROCESSABLE_ENTITY);
    sixth.assert_contains("a déjà 5 modèles de ce type");
}
