//! Attached files against real companions: an S3-compatible bucket (moto's server, as in
//! production behind several instances) and the clamd antivirus (Debian's, with a signature
//! the test writes).

use diesel::{ExpressionMethods, QueryDsl, RunQueryDsl};
use habilis::config::Environment;
use habilis::db::schema::audit_log;
use reqwest::StatusCode;

use crate::attachments::pdf;
use crate::helpers::companions::{Clamd, S3Server};
use crate::helpers::{TestApp, spawn_app_with};

const PROVIDER: &str = "api-particulier";
const LEGAL: usize = 2;
const MARIE: &str = "marie.dupont@mairie-lyon.fr";

/// The link to the only file of a demande's legal step.
async fn file_link(app: &TestApp, who: &crate::helpers::Browser, id: i64) -> String {
    let page = who.get(&format!("/demandes/{id}/etapes/{LEGAL}")).await;
    let marker = format!("/demandes/{id}/pieces-jointes/");
    let start = page
        .body
        .find(&marker)
        .unwrap_or_else(|| panic!("no file on the step ({}):\n{}", app.address, page.body));
    let rest = &page.body[start..];
    rest[..rest.find('"').unwrap()].to_string()
}

#[tokio::test]
#[cfg_attr(
    habilis_no_moto,
    ignore = "needs moto's S3 server (tests/s3/.venv/bin/moto_server or HABILIS_MOTO_SERVER, `pip install 'moto[server]'`); CI sets HABILIS_REQUIRE_S3=1"
)]
async fn files_live_in_an_s3_bucket_when_one_is_set() {
    let s3 = S3Server::start().await;
    let settings = s3.settings();
    let extra: Vec<(&str, &str)> = settings.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let app = spawn_app_with(Environment::Dev, &extra).await;
    let marie = app.login_as(MARIE).await;
    let id = marie.start_demande(PROVIDER, "").await;
    let sent = marie
        .send_files(
            id,
            LEGAL,
            &[("cadre_juridique_nature", "Délibération")],
            &[("cadre_juridique_document", "délibération.pdf", pdf("s3"))],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);

    // In the bucket under a random key of the demande, not under its name.
    let keys = s3.keys().await;
    assert_eq!(keys.len(), 1, "{keys:?}");
    assert!(keys[0].starts_with(&format!("demandes/{id}/")), "{keys:?}");
    assert!(!keys[0].contains("lib"), "{keys:?}");
    let link = file_link(&app, &marie, id).await;
    let download = marie
        .client
        .get(format!("{}{link}", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(download.status(), StatusCode::OK);
    assert_eq!(download.bytes().await.unwrap().as_ref(), pdf("s3"));

    // Removed from the draft: gone from the bucket.
    let piece = link.rsplit('/').next().unwrap();
    let step = format!("/demandes/{id}/etapes/{LEGAL}");
    let csrf = marie.get(&step).await.csrf();
    let removed = marie
        .post(&step, &[("_csrf", &csrf), ("_retirer_fichier", piece)])
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    assert!(s3.keys().await.is_empty());
}

/// The audit entries of refused files.
fn infected_entries(app: &TestApp) -> Vec<(String, Option<String>)> {
    let mut conn = app.conn();
    audit_log::table
        .filter(audit_log::action.eq("file.infected"))
        .select((audit_log::actor, audit_log::new_value))
        .load(&mut conn)
        .unwrap()
}

#[tokio::test]
#[cfg_attr(
    habilis_no_clamd,
    ignore = "needs clamd (Debian's clamav-daemon, /usr/sbin/clamd or HABILIS_CLAMD_BIN); CI sets HABILIS_REQUIRE_CLAMD=1"
)]
async fn the_antivirus_refuses_an_infected_file_and_keeps_a_clean_one() {
    let infected = pdf("le fichier que la signature du test reconnaît");
    let clamd = Clamd::start(&infected);
    let app = spawn_app_with(Environment::Dev, &[("HABILIS_CLAMD", &clamd.socket)]).await;
    let marie = app.login_as(MARIE).await;
    let id = marie.start_demande(PROVIDER, "").await;

    let refused = marie
        .send_files(
            id,
            LEGAL,
            &[("cadre_juridique_nature", "Délibération")],
            &[("cadre_juridique_document", "piege.pdf", infected)],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    refused.assert_contains(
        "Le fichier « piege.pdf » a été refusé : l'antivirus y a détecté un contenu malveillant.",
    );
    refused.assert_contains("Vos autres réponses ont été enregistrées.");
    let entries = infected_entries(&app);
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0].0, MARIE);
    assert!(
        entries[0]
            .1
            .as_deref()
            .unwrap_or_default()
            .contains("Habilis.Test.Fichier"),
        "{entries:?}"
    );

    let clean = marie
        .send_files(
            id,
            LEGAL,
            &[("cadre_juridique_nature", "Délibération")],
            &[("cadre_juridique_document", "deliberation.pdf", pdf("sain"))],
        )
        .await;
    assert_eq!(clean.status, StatusCode::SEE_OTHER, "{}", clean.body);
    file_link(&app, &marie, id).await;
}

#[tokio::test]
async fn an_antivirus_that_does_not_answer_accepts_nothing() {
    // A socket path nobody listens on: clamd is down.
    let missing = std::env::temp_dir().join("habilis-no-clamd-here.sock");
    let app = spawn_app_with(
        Environment::Dev,
        &[("HABILIS_CLAMD", &missing.display().to_string())],
    )
    .await;
    let marie = app.login_as(MARIE).await;
    let id = marie.start_demande(PROVIDER, "").await;
    let refused = marie
        .send_files(
            id,
            LEGAL,
            &[("cadre_juridique_nature", "Délibération")],
            &[("cadre_juridique_document", "deliberation.pdf", pdf("x"))],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    refused.assert_contains("n'a pas pu être vérifié par l'antivirus pour le moment");
    refused.assert_contains("Réessayez plus tard.");
    let step = marie.get(&format!("/demandes/{id}/etapes/{LEGAL}")).await;
    assert!(!step.body.contains("/pieces-jointes/"), "{}", step.body);
    step.assert_contains("Délibération");
}
