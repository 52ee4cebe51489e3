//! Opinions (avis): an instructor asks a reporter of the provider, with a question; the reporter
//! answers on the instruction page; both are emailed (read from the SMTP server); one open
//! request at a time; the applicant never sees them, on any page. Refusals: a reporter asking,
//! someone else answering, asking twice, asking someone outside the provider.

use reqwest::StatusCode;

use crate::helpers::{spawn_app, spawn_app_with_smtp};
use crate::smtp_sink::SmtpSink;

const PROVIDER: &str = "api-particulier";
const MARIE: &str = "marie.dupont@mairie-lyon.fr";
const INSTRUCTOR: &str = "instruction@api-particulier.example";
const REPORTER: &str = "rapport@api-particulier.example";
const QUESTION: &str = "La délibération jointe couvre-t-elle la tarification sociale ?";
const ANSWER: &str = "Oui : son article 2 vise la tarification sociale de la cantine.";

#[tokio::test]
async fn an_instructor_asks_a_reporter_who_answers_and_the_applicant_never_sees_it() {
    let sink = SmtpSink::start().await;
    let app = spawn_app_with_smtp(sink.port).await;
    let marie = app.login_as(MARIE).await;
    let id = app.submitted_demande(&marie, PROVIDER).await;
    app.deliver().await;
    let before = sink.mails().len();
    let path = format!("/instruction/demandes/{id}");

    let instructor = app.login_as(INSTRUCTOR).await;
    let page = instructor.get(&path).await;
    page.assert_contains("Demander un avis");
    let reporter_id = app.user_id(REPORTER).to_string();
    let asked = instructor
        .post(
            &format!("{path}/avis"),
            &[
                ("_csrf", &page.csrf()),
                ("a", &reporter_id),
                ("texte", QUESTION),
            ],
        )
        .await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER, "{}", asked.body);
    let page = instructor.get(&path).await;
    page.assert_contains(QUESTION);
    page.assert_contains("En attente de réponse");
    // One open request at a time: the form is gone, and a second ask is refused.
    assert!(!page.text().contains("Demander un avis"));
    let again = instructor
        .post(
            &format!("{path}/avis"),
            &[
                ("_csrf", &page.csrf()),
                ("a", &reporter_id),
                ("texte", "Et ?"),
            ],
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    again.assert_contains("Un avis est déjà demandé sur cette demande");

    // The reporter is emailed, opens the page and answers.
    app.deliver().await;
    let mails = sink.wait_for(before + 1).await;
    let ask_mail = mails
        .iter()
        .find(|m| m.to == vec![REPORTER.to_string()] && m.subject().contains("avis"))
        .expect("the reporter is asked by email");
    assert_eq!(
        ask_mail.subject(),
        format!("[habilis] Votre avis est demandé sur la demande D{id}")
    );
    assert!(ask_mail.text().contains(QUESTION));
    let reporter = app.login_as(REPORTER).await;
    let page = reporter.get(&path).await;
    page.assert_contains("Votre avis");
    let opinion = page
        .body
        .split(&format!("{path}/avis/"))
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .expect("the answer form")
        .to_string();
    // Someone else cannot answer it.
    let tried = instructor
        .post(
            &format!("{path}/avis/{opinion}/repondre"),
            &[("_csrf", &page.csrf()), ("texte", "Non.")],
        )
        .await;
    assert_eq!(tried.status, StatusCode::FORBIDDEN);
    let empty = reporter
        .post(
            &format!("{path}/avis/{opinion}/repondre"),
            &[("_csrf", &page.csrf()), ("texte", "  ")],
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    empty.assert_contains("Écrivez votre avis.");
    let answered = reporter
        .post(
            &format!("{path}/avis/{opinion}/repondre"),
            &[("_csrf", &page.csrf()), ("texte", ANSWER)],
        )
        .await;
    assert_eq!(answered.status, StatusCode::SEE_OTHER);
    let page = instructor.get(&path).await;
    page.assert_contains(ANSWER);
    page.assert_contains("Avis rendu le");
    // And in the instruction page's timeline, asked then given.
    page.assert_contains("Avis demandé à ");
    page.assert_contains("Avis rendu</");
    app.deliver().await;
    let mails = sink.wait_for(before + 2).await;
    let given = mails
        .iter()
        .find(|m| m.to == vec![INSTRUCTOR.to_string()] && m.subject().contains("Avis rendu"))
        .expect("the instructor is told");
    assert!(given.text().contains(ANSWER));

    // Never on the applicant's side, nor in what was emailed to her.
    for page in [
        marie.get(&format!("/demandes/{id}")).await,
        marie.get(&format!("/demandes/{id}/resume")).await,
    ] {
        assert!(!page.text().contains(QUESTION), "{}", page.text());
        assert!(!page.text().contains(ANSWER));
    }
    assert_eq!(
        marie.get(&path).await.status,
        StatusCode::NOT_FOUND,
        "the applicant has no instruction page"
    );
    // Nor an agent of her organisation who also reports on the provider.
    app.grant_role("paul.martin@mairie-lyon.fr", PROVIDER, "reporter");
    let paul = app.login_as("paul.martin@mairie-lyon.fr").await;
    let his = paul.get(&path).await;
    assert_eq!(his.status, StatusCode::OK);
    assert!(!his.text().contains(QUESTION) && !his.text().contains(ANSWER));
    assert!(
        sink.mails()
            .iter()
            .filter(|m| m.to == vec![MARIE.to_string()])
            .all(|m| !m.text().contains(QUESTION) && !m.text().contains(ANSWER))
    );
}

#[tokio::test]
async fn opinions_are_asked_by_instructors_only_of_the_provider_s_people() {
    let app = spawn_app().await;
    let marie = app.login_as(MARIE).await;
    let id = app.submitted_demande(&marie, PROVIDER).await;
    let path = format!("/instruction/demandes/{id}/avis");

    // A reporter does not ask.
    let reporter = app.login_as(REPORTER).await;
    let csrf = reporter
        .get(&format!("/instruction/demandes/{id}"))
        .await
        .csrf();
    let tried = reporter
        .post(
            &path,
            &[
                ("_csrf", &csrf),
                ("a", &app.user_id(INSTRUCTOR).to_string()),
                ("texte", QUESTION),
            ],
        )
        .await;
    assert_eq!(tried.status, StatusCode::FORBIDDEN);
    tried.assert_contains("Seuls les instructeurs de ce fournisseur");

    // An instructor asks no one outside the provider, nor themselves, nor without a question.
    let instructor = app.login_as(INSTRUCTOR).await;
    let csrf = instructor
        .get(&format!("/instruction/demandes/{id}"))
        .await
        .csrf();
    for (to, question, told) in [
        (
            app.user_id("rapport@api-entreprise.example").to_string(),
            QUESTION,
            "Un avis ne se demande qu'à un rapporteur ou à un autre instructeur",
        ),
        (
            app.user_id(INSTRUCTOR).to_string(),
            QUESTION,
            "Demandez l'avis d'une autre personne que vous-même.",
        ),
        (
            app.user_id(REPORTER).to_string(),
            "  ",
            "Écrivez votre question.",
        ),
        ("x".to_string(), QUESTION, "Choisissez la personne"),
    ] {
        let page = instructor
            .post(&path, &[("_csrf", &csrf), ("a", &to), ("texte", question)])
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{told}");
        page.assert_contains(told);
    }
    // Not once it is decided.
    assert_eq!(
        instructor
            .decide(id, "demander-modifications", "Précisez.")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let page = instructor
        .post(
            &path,
            &[
                ("_csrf", &csrf),
                ("a", &app.user_id(REPORTER).to_string()),
                ("texte", QUESTION),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains("Un avis ne se demande pas sur une demande « Modifications demandées »");
}

#[tokio::test]
async fn an_opinion_nobody_answers_is_withdrawn_and_another_may_be_asked() {
    let sink = SmtpSink::start().await;
    let app = spawn_app_with_smtp(sink.port).await;
    let marie = app.login_as(MARIE).await;
    let id = app.submitted_demande(&marie, PROVIDER).await;
    let path = format!("/instruction/demandes/{id}");
    let instructor = app.login_as(INSTRUCTOR).await;
    let page = instructor.get(&path).await;
    let asked = instructor
        .post(
            &format!("{path}/avis"),
            &[
                ("_csrf", &page.csrf()),
                ("a", &app.user_id(REPORTER).to_string()),
                ("texte", QUESTION),
            ],
        )
        .await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER, "{}", asked.body);
    let opinion: i64 = {
        use diesel::{QueryDsl, RunQueryDsl};
        habilis::db::schema::opinions::table
            .select(habilis::db::schema::opinions::id)
            .first(&mut app.conn())
            .unwrap()
    };
    app.deliver().await;
    let before = sink.mails().len();

    // The reporter asked may not withdraw it.
    let reporter = app.login_as(REPORTER).await;
    let seen = reporter.get(&path).await;
    assert!(!seen.text().contains("Retirer cette demande d'avis"));
    let withdraw = format!("{path}/avis/{opinion}/retirer");
    let tried = reporter.post(&withdraw, &[("_csrf", &seen.csrf())]).await;
    assert_eq!(tried.status, StatusCode::FORBIDDEN);

    // The instructor withdraws it: the reporter is told, and may no longer answer.
    let page = instructor.get(&path).await;
    page.assert_contains("Retirer cette demande d'avis");
    let done = instructor.post(&withdraw, &[("_csrf", &page.csrf())]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let page = instructor.get(&path).await;
    page.assert_contains("sans réponse");
    page.assert_contains("Demande d'avis retirée");
    page.assert_contains("Demander un avis");
    let late = reporter
        .post(
            &format!("{path}/avis/{opinion}/repondre"),
            &[("_csrf", &seen.csrf()), ("texte", ANSWER)],
        )
        .await;
    assert_eq!(late.status, StatusCode::UNPROCESSABLE_ENTITY);
    late.assert_contains("Cette demande d'avis a été retirée par un instructeur");
    let twice = instructor.post(&withdraw, &[("_csrf", &page.csrf())]).await;
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);
    twice.assert_contains("Cette demande d'avis a été retirée");

    app.deliver().await;
    let mails = sink.wait_for(before + 1).await;
    let told = mails[before..]
        .iter()
        .find(|m| m.to == vec![REPORTER.to_string()])
        .expect("the person asked is told");
    assert_eq!(
        told.subject(),
        format!("[habilis] Demande d'avis retirée sur la demande D{id}")
    );
    assert!(told.text().contains("vous n'avez plus à y répondre"));

    // Another may now be asked: here an instructor of the provider, who, asked, answers
    // rather than withdraws.
    let manager = "gestion@api-particulier.example";
    let asked_again = instructor
        .post(
            &format!("{path}/avis"),
            &[
                ("_csrf", &page.csrf()),
                ("a", &app.user_id(manager).to_string()),
                ("texte", QUESTION),
            ],
        )
        .await;
    assert_eq!(
        asked_again.status,
        StatusCode::SEE_OTHER,
        "{}",
        asked_again.body
    );
    let second: i64 = {
        use diesel::{QueryDsl, RunQueryDsl};
        habilis::db::schema::opinions::table
            .select(diesel::dsl::max(habilis::db::schema::opinions::id))
            .first::<Option<i64>>(&mut app.conn())
            .unwrap()
            .unwrap()
    };
    let asked = app.login_as(manager).await;
    let csrf = asked.get(&path).await.csrf();
    let own = asked
        .post(
            &format!("{path}/avis/{second}/retirer"),
            &[("_csrf", &csrf)],
        )
        .await;
    assert_eq!(own.status, StatusCode::FORBIDDEN);
    own.assert_contains("Cet avis vous est demandé : répondez-y");
}
