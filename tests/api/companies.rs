//! The company directory, played by a local HTTP server: found, not found, closed, timeout,
//! malformed answer. Lookups never block anyone; a closed establishment cannot submit.

use habilis::config::Environment;
use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::helpers::spawn_app_with;

const SLOW: &str = "13002526500005";
const GARBLED: &str = "55210055400005";
const UNKNOWN: &str = "35600000000048";

fn establishment(siret: &str, naf: &str, state: &str, name: &str) -> String {
    format!(
        r#"{{"results":[{{"nom_complet":"{name}","nom_raison_sociale":"{name}","matching_etablissements":[{{"siret":"{siret}","activite_principale":"{naf}","etat_administratif":"{state}","adresse":"1 PLACE DE LA MAIRIE"}}]}}],"total_results":1}}"#
    )
}

/// A directory on loopback answering by SIRET.
async fn directory() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = vec![0u8; 4096];
                let n = socket.read(&mut buf).await.unwrap_or(0);
                let request = String::from_utf8_lossy(&buf[..n]).to_string();
                let siret = request
                    .split("q=")
                    .nth(1)
                    .map(|s| s.chars().take(14).collect::<String>())
                    .unwrap_or_default();
                let body = match siret.as_str() {
                    "21690123100011" => establishment(&siret, "47.11F", "A", "COMMUNE DE LYON"),
                    "21380055400007" => establishment(&siret, "84.11Z", "F", "COMMUNE DE GRENOBLE"),
                    GARBLED => "<html>Erreur</html>".to_string(),
                    SLOW => {
                        tokio::time::sleep(std::time::Duration::from_secs(3)).await;
                        r#"{"results":[]}"#.to_string()
                    }
                    _ => r#"{"results":[],"total_results":0}"#.to_string(),
                };
                let response = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(response.as_bytes()).await;
            });
        }
    });
    port
}

#[tokio::test]
async fn organisations_are_looked_up_and_a_closed_one_cannot_submit() {
    let port = directory().await;
    let url = format!("http://127.0.0.1:{port}");
    let extra = [
        ("HABILIS_COMPANY_API_URL", url.as_str()),
        ("HABILIS_COMPANY_API_TIMEOUT_MS", "300"),
        ("HABILIS_WORKER", "false"),
    ];
    let app = spawn_app_with(Environment::Dev, &extra).await;
    {
        let mut conn = app.conn();
        for siret in [SLOW, GARBLED, UNKNOWN] {
            habilis::db::organisations::insert(
                &mut conn,
                &habilis::db::models::NewOrganisation {
                    siret,
                    name: siret,
                    naf: None,
                    created_at: habilis::services::now(),
                },
            )
            .unwrap();
        }
    }
    let services = app.services();

    let done = habilis::services::companies::refresh_pending(&services)
        .await
        .unwrap();
    assert_eq!(
        (done.found, done.failed),
        (2, 4),
        "CCAS de Lyon is unknown to this directory"
    );
    let lyon = app.organisation("21690123100011");
    assert_eq!(lyon.name, "COMMUNE DE LYON");
    assert_eq!(lyon.naf.as_deref(), Some("47.11F"));
    assert_eq!(lyon.address.as_deref(), Some("1 PLACE DE LA MAIRIE"));
    assert_eq!(lyon.active, Some(true));
    assert_eq!(app.organisation("21380055400007").active, Some(false));
    for (siret, error) in [
        (SLOW, "répertoire des entreprises injoignable"),
        (GARBLED, "réponse illisible du répertoire des entreprises"),
        (UNKNOWN, "établissement introuvable"),
    ] {
        let org = app.organisation(siret);
        assert!(
            org.lookup_error
                .as_deref()
                .unwrap_or_default()
                .contains(error),
            "{siret}: {org:?}"
        );
        assert!(org.looked_up_at.is_none(), "kept for a later try");
        assert_eq!(org.name, siret, "the SIRET is kept");
    }
    // Later, only the failed ones are asked again.
    let again = habilis::services::companies::refresh_pending(&services)
        .await
        .unwrap();
    assert_eq!((again.found, again.failed), (0, 4));

    // Outside the provider's NAF codes: a warning, not a block.
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    let page = marie.get("/demandes/nouvelle/api-particulier").await;
    page.assert_contains(
        "Votre organisme (code NAF 47.11F) ne semble pas éligible à API Particulier",
    );
    marie.start_demande("api-particulier", "").await;

    // A closed establishment cannot submit, and is told why.
    let jeanne = app.login_as("jeanne.roux@grenoble.fr").await;
    let id = app.filled_draft(&jeanne, "api-particulier").await;
    let refused = jeanne.submit(id, true).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    refused.assert_contains(
        "est fermé selon le répertoire des entreprises : il ne peut pas soumettre de demande.",
    );
}
