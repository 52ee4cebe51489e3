//! The statistics: public aggregates per provider and overall, a chart and its data table for
//! each figure, the monthly CSV; who decided what for the provider's instructors only.

use reqwest::StatusCode;

use crate::helpers::{instructor_of, spawn_app};

const PROVIDER: &str = "api-particulier";
const MARIE: &str = "marie.dupont@mairie-lyon.fr";

fn month_row(text: &str, cells: &[usize]) -> String {
    let now = habilis::services::now();
    let names = [
        "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
        "déc.",
    ];
    use chrono::Datelike;
    let name = format!("{} {}", names[now.month0() as usize], now.year() % 100);
    let cells: String = cells.iter().map(|n| format!("<td>{n}</td>")).collect();
    let row = format!("<th scope=\"row\">{name}</th>{cells}");
    assert!(text.contains(&row), "expected the row {row}");
    row
}

#[tokio::test]
async fn anyone_reads_the_statistics_and_the_instructors_also_see_who_decided() {
    let app = spawn_app().await;
    let marie = app.login_as(MARIE).await;
    app.decided_demande(&marie, PROVIDER, "valider", "").await;
    app.decided_demande(&marie, PROVIDER, "refuser", "Pas de base légale.")
        .await;
    app.decided_demande(&marie, PROVIDER, "demander-modifications", "Précisez.")
        .await;
    app.submitted_demande(&marie, "api-entreprise").await;

    // Everyone's figures, for a visitor: four submitted, two decisions, one of each kind.
    let visitor = app.browser();
    let page = visitor.get("/stats").await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.text();
    assert!(
        text.contains(
            "<p class=\"habilis-figure__value\">4</p><p>demandes déposées en douze mois</p>"
        ),
        "{text}"
    );
    assert!(text.contains("<p class=\"habilis-figure__value\">50 %</p><p>des 2 décisions sont des validations (50 % de refus)</p>"));
    // The month's volumes: submitted, validated, refused.
    month_row(&text, &[4, 1, 1]);
    // Each chart is an image with a title and a description, followed by its table.
    assert!(text.contains(
        "role=\"img\" aria-labelledby=\"volumes-graphique-titre volumes-graphique-desc\""
    ));
    assert!(text.contains("<title id=\"volumes-graphique-titre\">Demandes déposées, validées et refusées par mois</title>"));
    assert!(text.contains("<caption>Demandes par mois</caption>"));
    // One demande waits for instruction, submitted today.
    assert!(text.contains("<th scope=\"row\">moins de 7 jours</th><td>1</td>"));
    assert!(
        !text.contains("Décisions par instructeur"),
        "no workload for visitors"
    );

    // One provider's, for its instructor: with who decided what.
    let instructor = app.login_as(&instructor_of(PROVIDER)).await;
    let page = instructor.get("/stats?fournisseur=api-particulier").await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.text();
    assert!(text.contains("pour API Particulier"));
    month_row(&text, &[3, 1, 1]);
    assert!(text.contains("<th scope=\"row\">moins de 7 jours</th><td>0</td>"));
    assert!(text.contains("Décisions par instructeur"));
    assert!(
        text.contains(
            "<td role=\"cell\" class=\"habilis-card-title\">Instructeur API Particulier</td><td role=\"cell\" data-label=\"Modifications demandées\">1</td><td role=\"cell\" data-label=\"Validées\">1</td><td role=\"cell\" data-label=\"Refusées\">1</td>"
        ),
        "{text}"
    );
    // Another provider's instructor, a reporter, or everyone's figures: aggregates only.
    for (who, path) in [
        (
            instructor_of("api-entreprise"),
            "/stats?fournisseur=api-particulier",
        ),
        (
            "rapport@api-particulier.example".to_string(),
            "/stats?fournisseur=api-particulier",
        ),
        (instructor_of(PROVIDER), "/stats"),
    ] {
        let browser = app.login_as(&who).await;
        let page = browser.get(path).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            !page.text().contains("Décisions par instructeur"),
            "{who} {path}"
        );
    }
    // An admin sees everyone's.
    let admin = app.login_as("admin@habilis.example").await;
    assert!(
        admin
            .get("/stats")
            .await
            .text()
            .contains("Décisions par instructeur")
    );

    // The monthly CSV, for spreadsheets.
    let csv = visitor.get("/stats.csv?fournisseur=api-particulier").await;
    assert_eq!(csv.status, StatusCode::OK);
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(
        lines[0],
        "\u{feff}fournisseur;mois;demandes_deposees;demandes_validees;demandes_refusees;modifications_demandees;decisions_mesurees;delai_decision_median_jours;delai_decision_90e_centile_jours"
    );
    assert_eq!(lines.len(), 13, "a header and twelve months");
    let month = habilis::services::now().format("%Y-%m").to_string();
    assert!(
        lines[12].starts_with(&format!("API Particulier;{month};3;1;1;1;2;0")),
        "{}",
        lines[12]
    );

    // A provider that does not exist.
    assert_eq!(
        visitor.get("/stats?fournisseur=inconnu").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        visitor.get("/stats.csv?fournisseur=inconnu").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn an_operator_may_keep_the_statistics_for_the_instruction_teams() {
    let app = crate::helpers::spawn_app_with(
        habilis::config::Environment::Dev,
        &[("HABILIS_STATS_PUBLIC", "false")],
    )
    .await;
    let visitor = app.browser().get("/stats").await;
    assert_eq!(visitor.location.as_deref(), Some("/connexion"));
    let marie = app.login_as(MARIE).await;
    assert_eq!(marie.get("/stats").await.status, StatusCode::FORBIDDEN);
    assert_eq!(marie.get("/stats.csv").await.status, StatusCode::FORBIDDEN);
    let reporter = app.login_as("rapport@api-particulier.example").await;
    assert_eq!(reporter.get("/stats").await.status, StatusCode::OK);
}
