//! The page that starts a demande tells how long the provider takes to decide: the median of its
//! decisions of the last 90 days, or, with too few of them, the delay its file announces.

use reqwest::StatusCode;

use crate::helpers::spawn_app;

#[tokio::test]
async fn the_observed_time_to_decide_is_told_once_there_are_enough_decisions() {
    let app = spawn_app().await;
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    for _ in 0..5 {
        app.validated_demande(&marie, "api-entreprise").await;
    }
    let page = marie.get("/demandes/nouvelle/api-entreprise").await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains(
        "Délai de décision constaté ces 90 derniers jours : moins d'un jour (médiane de 5 décisions).",
    );

    // A provider without enough decisions: the delay its file announces.
    let other = marie.get("/demandes/nouvelle/api-particulier").await;
    other.assert_contains("Délai de décision habituel annoncé par DINUM : 15 jours.");
    assert!(!other.body.contains("constaté"));
}
