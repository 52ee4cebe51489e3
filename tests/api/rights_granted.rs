//! Narrowing at the approval: an instructor grants fewer actions, tighter filters, a lower
//! level and less time than asked, never more; the timeline, the emails, the webhook and the
//! rights API say what was granted versus asked.

use habilis::domain::api_scope::ApiScope;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{Browser, email_to, instructor_of};
use crate::rights_asked::{PROVIDER, submitted_with_rights};
use crate::webhooks::{app_notifying, received, receiver};

const MARIE: &str = "marie.dupont@mairie-lyon.fr";

/// The approval form as the instructor's page posts it, with these rights.
async fn approve(
    instructor: &Browser,
    id: i64,
    rights: &[(&str, &str)],
    months: &str,
) -> crate::helpers::Page {
    let path = format!("/instruction/demandes/{id}");
    let csrf = instructor.get(&path).await.csrf();
    let mut body = vec![
        ("_csrf", csrf.as_str()),
        ("reason", ""),
        ("_scopes_listed", "1"),
        ("scopes", "synthese"),
        ("_rights_listed", "1"),
        ("duree", months),
    ];
    body.extend_from_slice(rights);
    instructor.post(&format!("{path}/valider"), &body).await
}

#[tokio::test]
async fn an_instructor_narrows_never_widens_and_everyone_hears_what_was_granted() {
    let (port, seen) = receiver(0).await;
    let app = app_notifying("BIODIVERSITE", &format!("http://127.0.0.1:{port}/hook")).await;
    let marie = app.login_as(MARIE).await;
    let id = submitted_with_rights(&app, &marie).await;
    let instructor = app.login_as(&instructor_of(PROVIDER)).await;
    let (_, reader) = app
        .api_token_with(PROVIDER, "SI lecteur", &[ApiScope::DemandesRead])
        .await;
    let read_demande = || async {
        reqwest::Client::new()
            .get(format!("{}/api/v1/demandes/{id}", app.address))
            .bearer_auth(&reader)
            .send()
            .await
            .unwrap()
            .json::<serde_json::Value>()
            .await
            .unwrap()
    };
    // Asked at the highest level, the field marked "confidentiel" is told.
    let before = read_demande().await;
    assert_eq!(before["withheld"], json!([]));
    assert_eq!(before["answers"]["sites_etude"], "Marais de la Dombes");

    // The approval form offers what was asked, as asked.
    let page = instructor.get(&format!("/instruction/demandes/{id}")).await;
    page.assert_contains("Droits accordés");
    assert!(
        page.body
            .contains(r#"name="droits.synthese.actions" value="export" checked"#)
    );
    assert!(page.body.contains(r#"value="38, 73""#));
    // Only what the module allows and was asked: no "Saisir" for the synthesis.
    assert!(
        !page
            .body
            .contains(r#"name="droits.synthese.actions" value="create""#)
    );

    // Widening is refused, in French, and nothing is granted.
    let wider = approve(
        &instructor,
        id,
        &[
            ("droits.synthese.actions", "read"),
            ("droits.synthese.territoire", "38, 74"),
            ("droits.synthese.taxons", "oiseaux"),
            ("droits.synthese.periode.de", "2020-01-01"),
            ("droits.synthese.periode.a", "2025-12-31"),
            ("droits.niveau", "confidentiel"),
        ],
        "24",
    )
    .await;
    assert_eq!(wider.status, StatusCode::UNPROCESSABLE_ENTITY);
    wider.assert_contains(
        "Le filtre « Territoire » de « Synthèse des observations » ne peut qu'être resserré, pas élargi.",
    );
    // The provider's rules hold after narrowing: the territory stays required.
    let unruly = approve(
        &instructor,
        id,
        &[
            ("droits.synthese.actions", "read"),
            ("droits.niveau", "public"),
        ],
        "24",
    )
    .await;
    assert_eq!(unruly.status, StatusCode::UNPROCESSABLE_ENTITY);
    unruly.assert_contains("Territoire – Synthèse des observations : ce filtre est obligatoire.");
    let state = marie.get(&format!("/demandes/{id}")).await;
    state.assert_contains("En cours d'instruction");

    // Narrowed: one action, one department, one taxon, a shorter period, a lower level, a year.
    let narrowed = approve(
        &instructor,
        id,
        &[
            ("droits.synthese.actions", "read"),
            ("droits.synthese.territoire", "38"),
            ("droits.synthese.taxons", "oiseaux"),
            ("droits.synthese.periode.de", "01/01/2024"),
            ("droits.synthese.periode.a", "31/12/2024"),
            ("droits.niveau", "restreint"),
        ],
        "12",
    )
    .await;
    assert_eq!(narrowed.status, StatusCode::SEE_OTHER, "{}", narrowed.body);

    // The timeline says what was granted versus asked.
    let lines = [
        "Synthèse des observations : action(s) non accordée(s) : Exporter",
        "Synthèse des observations : Territoire restreint à Isère (38) (demandé : Isère (38), Savoie (73))",
        "Synthèse des observations : Groupes taxonomiques restreint à Oiseaux (demandé : Oiseaux, Mammifères)",
        "Niveau de confidentialité accordé : Restreint (localisation à la maille de 1 km) (demandé : Confidentiel (localisation exacte))",
        "Durée : 12 mois (au lieu de 24)",
    ];
    let applicant_page = marie.get(&format!("/demandes/{id}")).await;
    applicant_page.assert_contains("Accordé avec ces restrictions");
    for line in lines {
        applicant_page.assert_contains(line);
    }

    // So does the applicant's email.
    let rows = app.deliver().await;
    let mail = email_to(&rows, "approved", MARIE);
    for line in lines {
        assert!(
            mail.body_text.contains(line),
            "{line} in {}",
            mail.body_text
        );
    }

    // The webhook carries both.
    let calls = received(&seen, 1);
    let approval = calls.iter().find(|c| c.body["event"] == "approve").unwrap();
    assert_eq!(
        approval.body["data"]["rights_asked"]["scopes"]["synthese"]["actions"],
        json!(["export", "read"])
    );
    let granted = json!({
        "scopes": {"synthese": {"actions": ["read"], "filters": {
            "periode": {"from": "2024-01-01", "to": "2024-12-31"},
            "taxons": ["oiseaux"],
            "territoire": ["38"]
        }}},
        "max_level": "restreint"
    });
    assert_eq!(approval.body["data"]["habilitations"][0]["rights"], granted);
    // The field marked "confidentiel" is no longer told: the level granted is lower.
    assert_eq!(approval.body["data"]["withheld"], json!(["sites_etude"]));
    assert!(
        approval.body["data"]["answers"]
            .get("sites_etude")
            .is_none()
    );

    // And the rights API, per habilitation.
    let (_, token) = app
        .api_token_with(PROVIDER, "SI biodiversité", &[ApiScope::HabilitationsRead])
        .await;
    let answer: serde_json::Value = reqwest::Client::new()
        .get(format!("{}/api/v1/habilitations", app.address))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(answer["items"][0]["rights"], granted);
    let demande = read_demande().await;
    assert_eq!(demande["withheld"], json!(["sites_etude"]));
    assert!(demande["answers"].get("sites_etude").is_none());
    assert_eq!(demande["answers"]["droits.niveau"], "confidentiel");
}
