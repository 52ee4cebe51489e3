//! Pages a civil servant trusts at first sight: the summary says what is missing before
//! anyone presses "Soumettre", each action is confirmed where it lands with who was told, an
//! applicant lands on the demandes still in progress, and the demo login lists people by name.

use reqwest::StatusCode;

use crate::helpers::{TestApp, demo_login_path, demo_user_id, recipients_of, spawn_app};

const MARIE: &str = "marie.dupont@mairie-lyon.fr";
/// DINUM's, answers in 15 days usually.
const PROVIDER: &str = "api-particulier";
/// No usual delay in its TOML.
const WITHOUT_DELAY: &str = "api-entreprise";
const INSTRUCTOR: &str = "instruction@api-particulier.example";

/// The links (`href`) of the block of `body` that starts at `from` and ends at its `</div>`.
fn links_in_block(body: &str, from: &str) -> Vec<String> {
    let start = body
        .find(from)
        .unwrap_or_else(|| panic!("no « {from} »:\n{body}"));
    let block = &body[start..];
    let block = &block[..block.find("</div>").unwrap()];
    let mut links: Vec<String> = block
        .split("href=\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].replace("&amp;", "&"))
        .collect();
    links.sort();
    links
}

#[tokio::test]
async fn the_summary_lists_what_is_missing_before_the_submit_button_is_pressed() {
    let app = spawn_app().await;
    let marie = app.login_as(MARIE).await;
    let id = marie.start_demande(PROVIDER, "").await;

    let summary = marie.get(&format!("/demandes/{id}/resume")).await;
    assert_eq!(summary.status, StatusCode::OK);
    let text = summary.text();
    // Every step says, in words, that it is not complete yet.
    let steps = app.catalog.get(PROVIDER).unwrap().form.steps.len();
    assert_eq!(
        text.matches("fr-badge--warning\">À compléter<").count(),
        steps,
        "{text}"
    );
    // The problems are listed above the button, each linked to its step and field, the terms
    // box with them.
    let block = text.find("points à régler avant de soumettre").unwrap();
    assert!(block < text.find("Soumettre la demande</button>").unwrap());
    let listed = links_in_block(&summary.body, "points à régler avant de soumettre");
    assert!(listed.contains(&"#cgu".to_string()), "{listed:?}");
    summary.assert_contains(
        "Conditions générales d'utilisation : Cochez la case d'acceptation des conditions générales d'utilisation avant de soumettre.",
    );
    let prefix = format!("/demandes/{id}/etapes/1?verifier=1#intitule");
    assert!(listed.iter().any(|l| l.starts_with(&prefix)), "{listed:?}");
    assert!(!text.contains("Votre demande est complète"));

    // Submitting refuses exactly what the summary listed: the same rules.
    let refused = marie.submit(id, false).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let refused_links = links_in_block(&refused.body, "error-summary\" role=\"alert\"");
    assert_eq!(refused_links, listed);

    // A complete demande says so, every step complete, nothing to fix but the terms to accept.
    let complete = app.filled_draft(&marie, PROVIDER).await;
    let summary = marie.get(&format!("/demandes/{complete}/resume")).await;
    let text = summary.text();
    summary.assert_contains("Votre demande est complète");
    assert_eq!(text.matches("fr-badge--success\">Complète<").count(), steps);
    assert!(!text.contains("À compléter"), "{text}");
    assert!(!text.contains("href=\"#cgu\""));
}

/// The page a redirect leads to, checking where it leads.
async fn landing(
    who: &crate::helpers::Browser,
    done: &crate::helpers::Page,
    expected: &str,
) -> String {
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location.as_deref(), Some(expected));
    let page = who.get(expected).await;
    assert_eq!(page.status, StatusCode::OK);
    page.text()
}

/// An alert announced to screen readers and titled `title`.
fn assert_success_alert(text: &str, title: &str) {
    let at = text
        .find("role=\"status\" id=\"fait\">")
        .unwrap_or_else(|| panic!("no alert:\n{text}"));
    let tag = &text[text[..at].rfind('<').unwrap_or(0)..at];
    assert!(tag.contains("fr-alert fr-alert--success"), "{tag}");
    assert!(
        text[at..].contains(&format!(">{title}</h")),
        "{title}:\n{text}"
    );
}

#[tokio::test]
async fn a_submission_says_who_was_told_and_the_provider_s_usual_delay() {
    let app = spawn_app().await;
    let marie = app.login_as(MARIE).await;
    let id = app.filled_draft(&marie, PROVIDER).await;
    let done = marie.submit(id, true).await;
    let text = landing(&marie, &done, &format!("/demandes/{id}?fait=soumise")).await;
    assert_success_alert(&text, "Votre demande a été soumise");
    assert!(text.contains("Les instructeurs de DINUM ont été prévenus par courriel."));
    assert!(text.contains("Ils répondent habituellement sous 15 jours."));
    // What the alert says is true: DINUM's instructor got the email.
    let told = recipients_of(&app.outbox(), "submitted");
    assert!(told.contains(&INSTRUCTOR.to_string()), "{told:?}");

    // The demande page itself, visited later, confirms nothing.
    let later = marie.get(&format!("/demandes/{id}")).await.text();
    assert!(!later.contains("Votre demande a été soumise"));
    // Only known words select a message; nothing typed in the link is shown.
    let forged = marie
        .get(&format!("/demandes/{id}?fait=Votre+compte+est+bloqu%C3%A9"))
        .await
        .text();
    assert!(!forged.contains("fr-alert--success"));
    assert!(!forged.contains("bloqué"));

    // A provider with no usual delay: nothing is said about one.
    let id = app.filled_draft(&marie, WITHOUT_DELAY).await;
    let done = marie.submit(id, true).await;
    let text = landing(&marie, &done, &format!("/demandes/{id}?fait=soumise")).await;
    assert_success_alert(&text, "Votre demande a été soumise");
    assert!(text.contains("prévenus par courriel"));
    assert!(!text.contains("habituellement"), "{text}");
}

/// Posts a message on the demande page (`/demandes/...` or `/instruction/demandes/...`).
async fn write(who: &crate::helpers::Browser, page: &str, body: &str) -> crate::helpers::Page {
    let csrf = who.get(page).await.csrf();
    who.post(
        &format!("{page}/messages"),
        &[("_csrf", csrf.as_str()), ("body", body)],
    )
    .await
}

#[tokio::test]
async fn messages_and_decisions_are_confirmed_where_they_land_with_who_was_told() {
    let app = spawn_app().await;
    let marie = app.login_as(MARIE).await;
    let instructor = app.login_as(INSTRUCTOR).await;
    let id = app.submitted_demande(&marie, PROVIDER).await;

    let sent = write(&marie, &format!("/demandes/{id}"), "Une question ?").await;
    let text = landing(
        &marie,
        &sent,
        &format!("/demandes/{id}?fait=message#messages"),
    )
    .await;
    assert_success_alert(&text, "Votre message a été envoyé");
    assert!(text.contains("Les instructeurs de DINUM ont été prévenus par courriel."));
    // Beside the messages, where the page scrolls to.
    assert!(text.find("id=\"fait\"").unwrap() > text.find("id=\"messages\"").unwrap());

    let page = format!("/instruction/demandes/{id}");
    let sent = write(&instructor, &page, "Voici la réponse.").await;
    let text = landing(&instructor, &sent, &format!("{page}?fait=message#messages")).await;
    assert_success_alert(&text, "Votre message a été envoyé");
    assert!(text.contains("Le demandeur a été prévenu par courriel."));
    let outbox = app.outbox();
    assert!(recipients_of(&outbox, "message_to_applicant").contains(&MARIE.to_string()));

    let decided = instructor
        .decide(id, "demander-modifications", "Précisez le cadre juridique.")
        .await;
    let text = landing(&instructor, &decided, &format!("{page}?fait=modifications")).await;
    assert_success_alert(&text, "Des modifications ont été demandées");
    assert!(text.contains("Le demandeur a été prévenu par courriel."));

    assert_eq!(marie.submit(id, true).await.status, StatusCode::SEE_OTHER);
    let decided = instructor.decide(id, "valider", "").await;
    let text = landing(&instructor, &decided, &format!("{page}?fait=validee")).await;
    assert_success_alert(&text, "La demande a été validée");
    assert!(text.contains("Le demandeur a été prévenu par courriel."));
    assert!(recipients_of(&app.outbox(), "approved").contains(&MARIE.to_string()));

    let other = app.submitted_demande(&marie, PROVIDER).await;
    let decided = instructor.decide(other, "refuser", "Hors périmètre.").await;
    let text = landing(
        &instructor,
        &decided,
        &format!("/instruction/demandes/{other}?fait=refusee"),
    )
    .await;
    assert_success_alert(&text, "La demande a été refusée");
    assert!(text.contains("Le demandeur a été prévenu par courriel, avec le motif du refus."));
}

/// Signs in with the dev login; returns the browser and where the sign-in led.
async fn sign_in(app: &TestApp, email: &str) -> (crate::helpers::Browser, String) {
    let browser = app.browser();
    let page = browser.get(&demo_login_path(email)).await;
    let id = demo_user_id(&page, email);
    let done = browser
        .post(
            "/connexion/demo",
            &[("_csrf", &page.csrf()), ("user_id", &id)],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    (browser, done.location.unwrap())
}

#[tokio::test]
async fn an_applicant_lands_on_the_demandes_in_progress_first() {
    let app = spawn_app().await;
    let (marie, home) = sign_in(&app, MARIE).await;
    assert_eq!(home, "/demandes");
    let (_, home) = sign_in(&app, INSTRUCTOR).await;
    assert_eq!(home, "/instruction", "instructors keep their workspace");

    let draft = marie.start_demande(PROVIDER, "").await;
    let submitted = app.submitted_demande(&marie, PROVIDER).await;
    let validated = app.validated_demande(&marie, PROVIDER).await;
    let refused = app
        .decided_demande(&marie, PROVIDER, "refuser", "Hors périmètre.")
        .await;

    let list = marie.get("/demandes").await;
    let text = list.text();
    let current = text
        .find("<h2 id=\"en-cours\">Mes demandes en cours</h2>")
        .unwrap_or_else(|| panic!("{text}"));
    let done = text
        .find("<h2 id=\"traitees\">Demandes traitées ou archivées</h2>")
        .unwrap_or_else(|| panic!("{text}"));
    assert!(current < done);
    let first_link = |id: i64| text.find(&format!("href=\"/demandes/{id}\"")).unwrap();
    for id in [draft, submitted] {
        assert!(
            (current..done).contains(&first_link(id)),
            "D{id} in progress"
        );
    }
    let in_progress = &text[current..current + text[current..].find("</section>").unwrap()];
    for id in [validated, refused] {
        let link = format!("href=\"/demandes/{id}\"");
        assert!(text[done..].contains(&link), "D{id} decided");
        assert!(!in_progress.contains(&link), "D{id} not in progress");
    }
}

#[tokio::test]
async fn the_demo_login_lists_named_accounts_and_finds_generated_ones_by_search() {
    let app = spawn_app().await;
    habilis::services::seed::seed_demandes(&mut app.conn(), &app.catalog, 20).unwrap();
    let browser = app.browser();

    let login = browser.get("/connexion").await;
    let text = login.text();
    let named = habilis::services::seed::named_demo_emails(&app.catalog);
    assert_eq!(text.matches("name=\"user_id\"").count(), named.len());
    for email in &named {
        assert!(
            text.contains(&format!("<p class=\"muted\">{email}</p>")),
            "{email}"
        );
    }
    assert!(text.contains("Marie Dupont"));
    assert!(text.find(MARIE).unwrap() < text.find(INSTRUCTOR).unwrap());
    assert!(
        !text.contains("agent12@"),
        "generated accounts only in a search"
    );
    login.assert_contains("Chercher un compte par nom, adresse électronique ou organisation");

    // A search by place: the generated agents of Rennes's 20 organisations.
    let found = browser.get("/connexion?q=rennes").await;
    found.assert_contains("20 comptes correspondent à « rennes ».");
    assert_eq!(
        found.text().matches("name=\"user_id\"").count(),
        named.len() + 20
    );
    // By email, then signing in as the one found.
    let agent = "agent12@rennes.example";
    let found = browser.get(&demo_login_path(agent)).await;
    found.assert_contains("1 compte correspond à « agent12@rennes.example ».");
    let (_, home) = sign_in(&app, agent).await;
    assert_eq!(home, "/demandes");
    // Too many matches are cut, and said so; what was typed is shown escaped, never run.
    let many = browser.get("/connexion?q=agent").await;
    many.assert_contains("200 comptes correspondent à « agent ».");
    many.assert_contains("Seuls les 30 premiers sont affichés");
    let none = browser.get("/connexion?q=%3Cscript%3E").await;
    none.assert_contains("Aucun compte ne correspond");
    assert!(!none.body.contains("<script>"));
}

/// The DSFR stepper says where the person is without a link per step (no row of tab stops
/// before the first field); the summary stays one button away, saving the step on the way,
/// and a check names the other steps to fix.
#[tokio::test]
async fn the_stepper_has_no_link_and_the_summary_stays_one_button_away() {
    let app = spawn_app().await;
    let marie = app.login_as(MARIE).await;
    let id = marie.start_demande(PROVIDER, "").await;
    let steps = app.catalog.get(PROVIDER).unwrap().form.steps.len();

    let page = marie
        .get(&format!("/demandes/{id}/etapes/2?verifier=1"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains(&format!(
        "<span class=\"fr-stepper__state\">Étape 2 sur {steps}</span>"
    ));
    page.assert_contains(&format!(
        "data-fr-current-step=\"2\" data-fr-steps=\"{steps}\""
    ));
    assert!(
        !page
            .body
            .contains(&format!("href=\"/demandes/{id}/etapes/")),
        "{}",
        page.body
    );
    // Step 1's missing title is named, not linked.
    page.assert_contains("à corriger :</span> 1. ");
    page.assert_contains("name=\"_action\" value=\"resume\"");

    let csrf = page.csrf();
    let done = marie
        .post(
            &format!("/demandes/{id}/etapes/2"),
            &[("_csrf", &csrf), ("_action", "resume")],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(
        done.location.as_deref(),
        Some(format!("/demandes/{id}/resume").as_str())
    );

    // The last step's main button already leads there: no second one.
    let last = marie.get(&format!("/demandes/{id}/etapes/{steps}")).await;
    assert!(!last.body.contains("value=\"resume\""));
    assert!(!last.body.contains("Étape suivante"));
    last.assert_contains("Enregistrer et vérifier</button>");
}
