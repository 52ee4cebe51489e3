//! The whole journey of a demande, as people live it.

use chrono::{Months, Utc};
use reqwest::StatusCode;

use crate::helpers::spawn_app;

const APPLICANT: &str = "marie.dupont@mairie-lyon.fr";
const INSTRUCTOR: &str = "instruction@api-impot-particulier.example";
const PROVIDER: &str = "api-impot-particulier";

#[tokio::test]
async fn a_demande_goes_from_draft_to_validated_with_every_step_in_its_timeline() {
    let app = spawn_app().await;

    // The home page lists the providers.
    let home = app.browser().get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    for name in ["API Impôt particulier", "API Particulier", "API Entreprise"] {
        home.assert_contains(name);
    }

    // The applicant starts from the "cantine" template: answers and scopes are prefilled.
    let marie = app.login_as(APPLICANT).await;
    let id = marie.start_demande(PROVIDER, "cantine").await;
    let step1 = marie.get(&format!("/demandes/{id}/etapes/1")).await;
    step1.assert_contains("value=\"Dites-le-nous une fois – Cantine scolaire\"");
    let scopes_step = marie.get(&format!("/demandes/{id}/etapes/5")).await;
    assert!(
        scopes_step.body.contains(r#"value="dgfip_rfr" checked"#),
        "{}",
        scopes_step.body
    );

    // An invalid value is kept in the draft and flagged.
    let saved = marie
        .fill(
            id,
            1,
            &[
                ("intitule".into(), "Cantine scolaire".into()),
                ("date_prevue_mise_en_production".into(), "31/02/2027".into()),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let step1 = marie.get(&format!("/demandes/{id}/etapes/1")).await;
    step1.assert_contains("value=\"31/02/2027\"");
    step1.assert_contains("Saisissez une date valide, au format jj/mm/aaaa");

    // Leaving and coming back: what was typed is still there.
    let later = app.login_as(APPLICANT).await;
    later
        .get(&format!("/demandes/{id}/etapes/1"))
        .await
        .assert_contains("value=\"Cantine scolaire\"");

    // Submitting an incomplete form is refused, field by field, with the summary focused.
    let refused = marie.submit(id, true).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    refused.assert_contains(
        r#"class="fr-alert fr-alert--error error-summary" role="alert" tabindex="-1" autofocus"#,
    );
    refused.assert_contains("Date de mise en production prévue : Saisissez une date valide");
    refused.assert_contains(
        "Responsable de traitement – Adresse électronique : Ce champ est obligatoire.",
    );
    refused.assert_contains("Erreur : Ce champ est obligatoire.");

    // Filling every step with valid answers (keeping the template's scopes), then submitting
    // without the terms: refused.
    for (step, pairs) in app.complete_answers(PROVIDER).iter().enumerate() {
        if pairs.iter().any(|(key, _)| key == "scopes") {
            continue;
        }
        let page = marie.fill(id, step + 1, pairs).await;
        assert_eq!(
            page.status,
            StatusCode::SEE_OTHER,
            "step {}: {}",
            step + 1,
            page.body
        );
    }
    let no_cgu = marie.submit(id, false).await;
    assert_eq!(no_cgu.status, StatusCode::UNPROCESSABLE_ENTITY);
    no_cgu
        .assert_contains("Cochez cette case pour accepter les conditions générales d'utilisation.");

    let submitted = marie.submit(id, true).await;
    assert_eq!(
        submitted.status,
        StatusCode::SEE_OTHER,
        "{}",
        submitted.body
    );
    marie
        .get(&format!("/demandes/{id}"))
        .await
        .assert_contains("En cours d'instruction");

    // The instructor sees it, and asks for changes (a reason is required).
    let instructor = app.login_as(INSTRUCTOR).await;
    let dashboard = instructor.get("/instruction").await;
    dashboard.assert_contains(&format!(">D{id}<"));
    dashboard.assert_contains("Mairie de Lyon");
    let page = instructor.get(&format!("/instruction/demandes/{id}")).await;
    page.assert_contains(">Valider</button>");
    page.assert_contains("Revenu fiscal de référence");
    let no_reason = instructor.decide(id, "demander-modifications", "  ").await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    no_reason.assert_contains("Erreur : Un motif est obligatoire.");
    let reason = "Précisez la délibération du conseil municipal.";
    assert_eq!(
        instructor
            .decide(id, "demander-modifications", reason)
            .await
            .status,
        StatusCode::SEE_OTHER
    );

    // The applicant reads the reason, edits and resubmits.
    let show = marie.get(&format!("/demandes/{id}")).await;
    show.assert_contains("Modifications demandées");
    show.assert_contains(reason);
    marie
        .get(&format!("/demandes/{id}/etapes/3"))
        .await
        .assert_contains(reason);
    let edited = marie
        .fill(
            id,
            3,
            &[
                (
                    "cadre_juridique_nature".into(),
                    "Délibération n° 2026-114 du 12 mars 2026".into(),
                ),
                (
                    "cadre_juridique_url".into(),
                    "https://www.lyon.fr/deliberation-2026-114".into(),
                ),
            ],
        )
        .await;
    assert_eq!(edited.status, StatusCode::SEE_OTHER);
    assert_eq!(marie.submit(id, true).await.status, StatusCode::SEE_OTHER);

    // The instructor approves.
    let approved = instructor.decide(id, "valider", "Conforme.").await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER, "{}", approved.body);

    // The habilitation exists with its scopes and expiry (36 months for this provider).
    let show = marie.get(&format!("/demandes/{id}")).await;
    show.assert_contains("Validée");
    show.assert_contains("– Active");
    show.assert_contains("Dernière année de revenu (N-1)");
    show.assert_contains("Revenu fiscal de référence");
    let expiry = Utc::now()
        .naive_utc()
        .checked_add_months(Months::new(36))
        .unwrap()
        .format("%d/%m/%Y")
        .to_string();
    show.assert_contains(&format!("valable jusqu'au <strong>{expiry}</strong>"));

    // The timeline holds every step, with actor and reason.
    let page = instructor.get(&format!("/instruction/demandes/{id}")).await;
    let text = page.text();
    let timeline = &text[text.find("Historique").unwrap()..];
    // Newest first; the draft saves made in a row are one line ("Demande modifiée (3 enregistrements)").
    let order = [
        "Demande validée",
        "Demande soumise",
        "Demande modifiée",
        "Modifications demandées",
        "Demande soumise",
        "Demande modifiée",
        "Demande créée",
    ];
    let mut from = 0;
    for label in order {
        let at = timeline[from..]
            .find(&format!("<strong>{label}"))
            .unwrap_or_else(|| panic!("{label} after {from} in {timeline}"));
        from += at + label.len();
    }
    assert!(timeline.contains("par Marie Dupont (marie.dupont@mairie-lyon.fr)"));
    assert!(timeline.contains(&format!(
        "par Instructeur API Impôt particulier ({INSTRUCTOR})"
    )));
    assert!(timeline.contains(&format!(
        "<blockquote class=\"reason\">{reason}</blockquote>"
    )));
    assert!(timeline.contains("<blockquote class=\"reason\">Conforme.</blockquote>"));
    assert!(
        timeline.contains("En cours d'instruction → Validée"),
        "{timeline}"
    );

    // "Mes demandes" lists it, validated, with the habilitation; a colleague sees it too.
    let mine = marie.get("/demandes").await;
    mine.assert_contains(&format!(">D{id}<"));
    mine.assert_contains("state-validated");
    mine.assert_contains("Habilitations");
    let colleague = app.login_as("paul.martin@mairie-lyon.fr").await;
    colleague
        .get("/demandes")
        .await
        .assert_contains(&format!(">D{id}<"));
}

#[tokio::test]
async fn a_refused_demande_shows_the_reason_and_can_be_archived() {
    let app = spawn_app().await;
    let marie = app.login_as(APPLICANT).await;
    let reason = "Le cadre juridique ne couvre pas la cantine.";
    let id = app
        .decided_demande(&marie, PROVIDER, "refuser", reason)
        .await;

    let show = marie.get(&format!("/demandes/{id}")).await;
    show.assert_contains("Refusée");
    show.assert_contains(reason);
    // A refused demande is no longer editable.
    assert_eq!(
        marie.get(&format!("/demandes/{id}/etapes/1")).await.status,
        StatusCode::CONFLICT
    );

    let csrf = show.csrf();
    let archived = marie
        .post(&format!("/demandes/{id}/archiver"), &[("_csrf", &csrf)])
        .await;
    assert_eq!(archived.status, StatusCode::SEE_OTHER);
    marie.get("/demandes").await.assert_contains("Archivée");
}

#[tokio::test]
async fn an_instructor_grants_less_for_less_time_sees_what_changed_and_can_revoke() {
    let app = spawn_app().await;
    let marie = app.login_as(APPLICANT).await;
    let id = app
        .submitted_from_template(&marie, PROVIDER, "cantine")
        .await;
    let instructor = app.login_as(INSTRUCTOR).await;
    assert_eq!(
        instructor
            .decide(id, "demander-modifications", "Précisez le nom.")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let renamed = marie
        .fill(
            id,
            1,
            &[
                ("intitule".into(), "Cantine scolaire 2027".into()),
                ("description".into(), "Nouvelle description".into()),
            ],
        )
        .await;
    assert_eq!(renamed.status, StatusCode::SEE_OTHER);
    assert_eq!(marie.submit(id, true).await.status, StatusCode::SEE_OTHER);

    // What changed since the first submission, field by field.
    let page = instructor.get(&format!("/instruction/demandes/{id}")).await;
    page.assert_contains("Ce qui a changé depuis la soumission précédente");
    page.assert_contains("<td>Nom du projet</td><td>Tarification sociale de la cantine</td><td>Cantine scolaire 2027</td>");

    // Granting a scope that was not asked, or for too long, is refused with a reason.
    let csrf = page.csrf();
    let path = format!("/instruction/demandes/{id}/valider");
    let base = [
        ("_csrf", csrf.as_str()),
        ("_scopes_listed", "1"),
        ("reason", ""),
    ];
    let stranger = instructor
        .post(
            &path,
            &[&base[..], &[("scopes", "dgfip_IndLep"), ("duree", "12")]].concat(),
        )
        .await;
    assert_eq!(stranger.status, StatusCode::UNPROCESSABLE_ENTITY);
    stranger.assert_contains("La donnée « dgfip_IndLep » n'a pas été demandée");
    let too_long = instructor
        .post(
            &path,
            &[
                &base[..],
                &[
                    ("scopes", "dgfip_annee_n_moins_1"),
                    ("scopes", "dgfip_rfr"),
                    ("duree", "48"),
                ],
            ]
            .concat(),
        )
        .await;
    assert_eq!(too_long.status, StatusCode::UNPROCESSABLE_ENTITY);
    too_long.assert_contains("La durée de validité doit être un nombre de mois entre 1 et 36.");
    let none = instructor
        .post(&path, &[&base[..], &[("duree", "12")]].concat())
        .await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Two of the three scopes asked, for 12 months.
    let approved = instructor
        .post(
            &path,
            &[
                &base[..],
                &[
                    ("scopes", "dgfip_rfr"),
                    ("scopes", "dgfip_annee_n_moins_1"),
                    ("duree", "12"),
                ],
            ]
            .concat(),
        )
        .await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER, "{}", approved.body);
    let show = marie.get(&format!("/demandes/{id}")).await;
    let text = show.text();
    let start = text.find("Habilitation H").unwrap();
    let habilitation = &text[start..start + text[start..].find("</section>").unwrap()];
    assert!(
        habilitation.contains("Revenu fiscal de référence"),
        "{habilitation}"
    );
    assert!(
        !habilitation.contains("Nombre de parts"),
        "the scope not granted is not listed"
    );
    let expiry = Utc::now()
        .naive_utc()
        .checked_add_months(Months::new(12))
        .unwrap()
        .format("%d/%m/%Y")
        .to_string();
    show.assert_contains(&format!("valable jusqu'au <strong>{expiry}</strong>"));

    // Revoking needs a reason, then ends the habilitation.
    let no_reason = instructor.decide(id, "revoquer", "").await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    no_reason.assert_contains("Un motif est obligatoire.");
    assert_eq!(
        instructor
            .decide(id, "revoquer", "Usage non conforme constaté.")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let show = marie.get(&format!("/demandes/{id}")).await;
    show.assert_contains("Révoquée");
    show.assert_contains("Usage non conforme constaté.");
}

#[tokio::test]
async fn a_validated_demande_is_updated_while_its_habilitation_stays_active() {
    let app = spawn_app().await;
    let marie = app.login_as(APPLICANT).await;
    let id = app
        .submitted_from_template(&marie, PROVIDER, "cantine")
        .await;
    let instructor = app.login_as(INSTRUCTOR).await;
    assert_eq!(
        instructor.decide(id, "valider", "").await.status,
        StatusCode::SEE_OTHER
    );
    let update = |what: &'static str| {
        let marie = &marie;
        async move {
            let csrf = marie.get(&format!("/demandes/{id}")).await.csrf();
            marie
                .post(&format!("/demandes/{id}/{what}"), &[("_csrf", &csrf)])
                .await
        }
    };

    // Reopened: a draft again, marked as an update; the habilitation is still active.
    assert_eq!(update("mettre-a-jour").await.status, StatusCode::SEE_OTHER);
    let show = marie.get(&format!("/demandes/{id}")).await;
    show.assert_contains("Brouillon");
    show.assert_contains("Mise à jour en cours : l'habilitation reste active");
    show.assert_contains("– Active");

    // Cancelled: validated again, with the answers of the habilitation.
    let renamed = marie
        .fill(
            id,
            1,
            &[
                ("intitule".into(), "Nom provisoire".into()),
                ("description".into(), "D".into()),
            ],
        )
        .await;
    assert_eq!(renamed.status, StatusCode::SEE_OTHER);
    assert_eq!(
        update("annuler-mise-a-jour").await.status,
        StatusCode::SEE_OTHER
    );
    let show = marie.get(&format!("/demandes/{id}")).await;
    show.assert_contains("Validée");
    assert!(
        !show.text().contains("Nom provisoire"),
        "the validated answers came back"
    );

    // Updated and refused: still validated, the old habilitation kept.
    assert_eq!(update("mettre-a-jour").await.status, StatusCode::SEE_OTHER);
    assert_eq!(marie.submit(id, true).await.status, StatusCode::SEE_OTHER);
    assert_eq!(
        instructor
            .decide(id, "refuser", "Pas de changement justifié.")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let show = marie.get(&format!("/demandes/{id}")).await;
    show.assert_contains("Validée");
    assert_eq!(show.body.matches("– Active").count(), 1);

    // Updated and approved: a new habilitation, the previous one replaced.
    assert_eq!(update("mettre-a-jour").await.status, StatusCode::SEE_OTHER);
    assert_eq!(marie.submit(id, true).await.status, StatusCode::SEE_OTHER);
    assert_eq!(
        instructor.decide(id, "valider", "").await.status,
        StatusCode::SEE_OTHER
    );
    let show = marie.get(&format!("/demandes/{id}")).await;
    assert_eq!(show.body.matches("– Active").count(), 1);
    assert_eq!(show.body.matches("– Remplacée").count(), 1);
    let page = instructor
        .get("/instruction/habilitations?statut=remplacee")
        .await;
    page.assert_contains(&format!(">D{id}</a>"));
}
