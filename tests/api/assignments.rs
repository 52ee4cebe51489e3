//! Actions on several demandes from the dashboard: instructors tick demandes and assign them
//! to a colleague of the provider (emailed once for the lot, read from the SMTP server) or
//! archive them; "assigned to me" narrows the list; the assignee shows in the list and on the
//! demande. Refusals: the applicant, a reporter, nothing ticked, a demande already decided, a
//! person who does not instruct the provider.

use diesel::{ExpressionMethods, QueryDsl, RunQueryDsl};
use habilis::db::schema::{audit_log, outbox};
use reqwest::StatusCode;

use crate::helpers::{spawn_app, spawn_app_with_smtp};
use crate::smtp_sink::SmtpSink;

const PROVIDER: &str = "api-particulier";
const MARIE: &str = "marie.dupont@mairie-lyon.fr";
const INSTRUCTOR: &str = "instruction@api-particulier.example";
const CLAIRE: &str = "claire.instruction@api-particulier.example";
const REPORTER: &str = "rapport@api-particulier.example";

/// The rows of the dashboard page that name a demande, as `D12` words.
fn listed(text: &str, id: i64) -> bool {
    text.split(|c: char| !c.is_alphanumeric())
        .any(|w| w == format!("D{id}"))
}

#[tokio::test]
async fn an_instructor_assigns_several_demandes_to_a_colleague_who_is_emailed_once() {
    let sink = SmtpSink::start().await;
    let app = spawn_app_with_smtp(sink.port).await;
    app.grant_role(CLAIRE, PROVIDER, "instructor");
    let marie = app.login_as(MARIE).await;
    let (a, b, c) = (
        app.submitted_demande(&marie, PROVIDER).await,
        app.submitted_demande(&marie, PROVIDER).await,
        app.submitted_demande(&marie, PROVIDER).await,
    );
    app.deliver().await;
    let before = sink.mails().len();

    let instructor = app.login_as(INSTRUCTOR).await;
    let board = instructor.get("/instruction").await;
    board.assert_contains("Pour les demandes cochées");
    board.assert_contains(&format!(
        "Choisir</span><span class=\"fr-sr-only\"> la demande D{a}<"
    ));
    board.assert_contains(&format!("Second Instructeur ({CLAIRE})"));
    let claire_id = app.user_id(CLAIRE).to_string();
    let done = instructor
        .post(
            "/instruction/lot",
            &[
                ("_csrf", &board.csrf()),
                ("ids", &a.to_string()),
                ("ids", &format!("D{b}")),
                ("action", "assigner"),
                ("instructeur", &claire_id),
                ("retour", "etat=submitted"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    done.assert_contains("2 demandes assignées à Second Instructeur");
    assert!(done.body.contains("href=\"/instruction?etat=submitted\""));

    // The list and the demande say who; "assigned to me" is Claire's two, not the third.
    let board = instructor.get("/instruction").await;
    board.assert_contains("Assignée à");
    assert_eq!(board.text().matches("Second Instructeur").count(), 3);
    let page = instructor.get(&format!("/instruction/demandes/{a}")).await;
    page.assert_contains("<dt>Assignée à</dt><dd>Second Instructeur</dd>");
    let claire = app.login_as(CLAIRE).await;
    let mine = claire.get("/instruction?assignation=moi").await;
    let text = mine.text();
    assert!(listed(&text, a) && listed(&text, b), "{text}");
    assert!(!listed(&text, c), "{text}");
    assert!(
        mine.body
            .contains("id=\"assignation\" name=\"assignation\" value=\"moi\" checked")
    );
    let everyone = claire.get("/instruction").await;
    assert!(listed(&everyone.text(), c));

    // One email for the lot, to Claire.
    app.deliver().await;
    let mails = sink.wait_for(before + 1).await;
    let to_claire: Vec<_> = mails[before..]
        .iter()
        .filter(|m| m.to == vec![CLAIRE.to_string()])
        .collect();
    assert_eq!(to_claire.len(), 1, "{to_claire:?}");
    assert_eq!(
        to_claire[0].subject(),
        "[habilis] 2 demandes vous sont assignées"
    );
    let text = to_claire[0].text();
    assert!(text.contains(&format!("D{a} : API Particulier")), "{text}");
    assert!(
        text.contains(&format!("/instruction/demandes/{b}")),
        "{text}"
    );
    assert!(text.contains(INSTRUCTOR), "{text}");
    let audited: Vec<String> = audit_log::table
        .filter(audit_log::action.eq("demande.assign"))
        .order(audit_log::id)
        .select(audit_log::resource)
        .load(&mut app.conn())
        .unwrap();
    assert_eq!(
        audited,
        vec![format!("demande:D{a}"), format!("demande:D{b}")]
    );
}

#[tokio::test]
async fn taking_a_demande_from_its_page_lands_back_on_it_and_emails_nobody() {
    let app = spawn_app().await;
    let marie = app.login_as(MARIE).await;
    let id = app.submitted_demande(&marie, PROVIDER).await;
    let instructor = app.login_as(INSTRUCTOR).await;
    let page = instructor.get(&format!("/instruction/demandes/{id}")).await;
    page.assert_contains("<dt>Assignée à</dt><dd>Personne</dd>");
    page.assert_contains("Assigner cette demande à");
    let done = instructor
        .post(
            "/instruction/lot",
            &[
                ("_csrf", &page.csrf()),
                ("ids", &id.to_string()),
                ("depuis", &id.to_string()),
                ("action", "assigner"),
                ("instructeur", &app.user_id(INSTRUCTOR).to_string()),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let page = instructor.get(done.location.as_deref().unwrap()).await;
    page.assert_contains("L'assignation de la demande a changé");
    assert!(!page.text().contains("<dt>Assignée à</dt><dd>Personne</dd>"));
    let emailed: i64 = outbox::table
        .filter(outbox::topic.eq("assigned"))
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(emailed, 0, "nobody is emailed of what they took themselves");

    // Taken off again.
    let done = instructor
        .post(
            "/instruction/lot",
            &[
                ("_csrf", &page.csrf()),
                ("ids", &id.to_string()),
                ("action", "assigner"),
                ("instructeur", "personne"),
            ],
        )
        .await;
    done.assert_contains("Assignation retirée : 1 demande");
    instructor
        .get(&format!("/instruction/demandes/{id}"))
        .await
        .assert_contains("<dt>Assignée à</dt><dd>Personne</dd>");
}

#[tokio::test]
async fn assignments_are_refused_to_applicants_reporters_and_for_decided_demandes() {
    let app = spawn_app().await;
    let marie = app.login_as(MARIE).await;
    let open = app.submitted_demande(&marie, PROVIDER).await;
    let validated = app.validated_demande(&marie, PROVIDER).await;
    let csrf = marie.get("/demandes").await.csrf();
    let tried = marie
        .post(
            "/instruction/lot",
            &[
                ("_csrf", &csrf),
                ("ids", &open.to_string()),
                ("action", "assigner"),
                ("instructeur", "moi"),
            ],
        )
        .await;
    assert_eq!(tried.status, StatusCode::FORBIDDEN);

    let reporter = app.login_as(REPORTER).await;
    let board = reporter.get("/instruction").await;
    assert!(!board.text().contains("Pour les demandes cochées"));
    let tried = reporter
        .post(
            "/instruction/lot",
            &[
                ("_csrf", &board.csrf()),
                ("ids", &open.to_string()),
                ("action", "archiver"),
            ],
        )
        .await;
    assert_eq!(tried.status, StatusCode::FORBIDDEN);
    tried.assert_contains("Seuls les instructeurs d'un fournisseur et les administrateurs");

    let instructor = app.login_as(INSTRUCTOR).await;
    let csrf = instructor.get("/instruction").await.csrf();
    let nothing = instructor
        .post(
            "/instruction/lot",
            &[
                ("_csrf", &csrf),
                ("action", "assigner"),
                ("instructeur", "moi"),
            ],
        )
        .await;
    assert_eq!(nothing.status, StatusCode::UNPROCESSABLE_ENTITY);
    nothing.assert_contains("Cochez au moins une demande dans la liste.");

    let reporter_id = app.user_id(REPORTER).to_string();
    let mixed = instructor
        .post(
            "/instruction/lot",
            &[
                ("_csrf", &csrf),
                ("ids", &open.to_string()),
                ("ids", &validated.to_string()),
                ("action", "assigner"),
                ("instructeur", &reporter_id),
            ],
        )
        .await;
    assert_eq!(mixed.status, StatusCode::OK);
    mixed.assert_contains("Aucune des demandes cochées n'a pu être traitée");
    mixed.assert_contains(&format!(
        "D{open}</a> : Cette personne n'instruit pas les demandes de ce fournisseur."
    ));
    mixed.assert_contains(&format!(
        "D{validated}</a> : Une demande « Validée » n'est plus en instruction : elle ne s'assigne pas."
    ));
    let assigned: Vec<Option<i64>> = habilis::db::schema::demandes::table
        .select(habilis::db::schema::demandes::assigned_to)
        .load(&mut app.conn())
        .unwrap();
    assert!(assigned.iter().all(Option::is_none), "{assigned:?}");
}

#[tokio::test]
async fn archiving_several_archives_what_may_be_and_says_why_not_for_the_others() {
    let app = spawn_app().await;
    let marie = app.login_as(MARIE).await;
    let changes = app
        .decided_demande(
            &marie,
            PROVIDER,
            "demander-modifications",
            "Précisez le cadre.",
        )
        .await;
    let open = app.submitted_demande(&marie, PROVIDER).await;
    let instructor = app.login_as(INSTRUCTOR).await;
    let csrf = instructor.get("/instruction").await.csrf();
    let done = instructor
        .post(
            "/instruction/lot",
            &[
                ("_csrf", &csrf),
                ("ids", &changes.to_string()),
                ("ids", &open.to_string()),
                ("action", "archiver"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    done.assert_contains("1 demande archivée");
    done.assert_contains("Non faites (1)");
    done.assert_contains(&format!("D{open}</a> :"));
    marie
        .get(&format!("/demandes/{changes}"))
        .await
        .assert_contains("Archivée");
    let still = instructor
        .get(&format!("/instruction/demandes/{open}"))
        .await;
    still.assert_contains("En cours d'instruction");
}

#[tokio::test]
async fn an_unknown_assignment_filter_is_said_and_ignored() {
    let app = spawn_app().await;
    let instructor = app.login_as(INSTRUCTOR).await;
    let page = instructor.get("/instruction?assignation=tous").await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("Assignation inconnue « tous » : ignorée.");
}

#[tokio::test]
async fn an_instructor_of_the_applicant_s_organisation_neither_assigns_nor_is_offered() {
    let app = spawn_app().await;
    let own = "instructrice.lyon@mairie-lyon.fr";
    app.grant_role(own, PROVIDER, "instructor");
    app.add_member(own, "21690123100011");
    let marie = app.login_as(MARIE).await;
    let id = app.submitted_demande(&marie, PROVIDER).await;

    // Offered to the provider's other instructors, never to an agent of Marie's organisation.
    let instructor = app.login_as(INSTRUCTOR).await;
    let page = instructor.get(&format!("/instruction/demandes/{id}")).await;
    page.assert_contains("Assigner cette demande à");
    assert!(!page.text().contains(own), "{}", page.body);

    let colleague = app.login_as(own).await;
    let csrf = colleague.get("/instruction").await.csrf();
    let tried = colleague
        .post(
            "/instruction/lot",
            &[
                ("_csrf", &csrf),
                ("ids", &id.to_string()),
                ("action", "assigner"),
                ("instructeur", "moi"),
            ],
        )
        .await;
    assert_eq!(tried.status, StatusCode::OK);
    tried.assert_contains("Vous êtes membre de l'organisation qui a fait cette demande");
}
