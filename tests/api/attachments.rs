//! Files attached to a demande: sent with their step, judged by their bytes, listed with who
//! added them, downloaded only by whoever may read the demande, removed while editable, and
//! deleted with the retention rule.

use habilis::config::FileStore;
use reqwest::StatusCode;

use crate::helpers::{Browser, TestApp, instructor_of, spawn_app};

const PROVIDER: &str = "api-particulier";
/// The legal-basis step of API Particulier.
const LEGAL: usize = 2;
const MARIE: &str = "marie.dupont@mairie-lyon.fr";

/// A small but real PDF (its magic number is what counts).
pub fn pdf(text: &str) -> Vec<u8> {
    format!("%PDF-1.4\n1 0 obj\n<< /Title ({text}) >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
        .into_bytes()
}

/// Every file kept in the app's folder.
fn stored_files(app: &TestApp) -> Vec<std::path::PathBuf> {
    let FileStore::Dir(dir) = app.settings().files else {
        panic!("these tests keep files in a folder");
    };
    fn walk(dir: &std::path::Path, into: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            if entry.path().is_dir() {
                walk(&entry.path(), into);
            } else {
                into.push(entry.path());
            }
        }
    }
    let mut files = Vec::new();
    walk(&dir, &mut files);
    files
}

/// The download link of the file named `name` on a page.
fn download_link(body: &str, name: &str) -> String {
    let marker = format!("{name}<span class=\"fr-link__detail\">");
    let end = body
        .find(&marker)
        .unwrap_or_else(|| panic!("no link to {name} in:\n{body}"));
    let start = body[..end].rfind("href=\"").unwrap() + 6;
    let stop = start + body[start..].find('"').unwrap();
    body[start..stop].to_string()
}

async fn draft_with_deliberation(app: &TestApp, marie: &Browser) -> (i64, String) {
    let id = marie.start_demande(PROVIDER, "").await;
    let sent = marie
        .send_files(
            id,
            LEGAL,
            &[
                ("_action", "enregistrer"),
                (
                    "cadre_juridique_nature",
                    "Délibération du conseil municipal",
                ),
            ],
            &[(
                "cadre_juridique_document",
                "C:\\Documents\\Délibération n°12 <2026>.pdf",
                pdf("deliberation"),
            )],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let step = marie.get(&format!("/demandes/{id}/etapes/{LEGAL}")).await;
    let link = download_link(&step.body, "Délibération n°12 _2026_.pdf");
    assert_eq!(stored_files(app).len(), 1);
    (id, link)
}

#[tokio::test]
async fn a_pdf_joins_the_draft_listed_with_who_added_it_and_downloads_as_an_attachment() {
    let app = spawn_app().await;
    let marie = app.login_as(MARIE).await;
    let (id, link) = draft_with_deliberation(&app, &marie).await;

    let step = marie.get(&format!("/demandes/{id}/etapes/{LEGAL}")).await;
    // Its name without the path or reserved characters, its kind and size, who added it.
    step.assert_contains("Délibération n°12 _2026_.pdf");
    step.assert_contains("PDF – ");
    step.assert_contains("par Marie Dupont");
    step.assert_contains("Retirer");
    step.assert_contains(r#"enctype="multipart/form-data""#);
    // The text typed beside it was saved with it.
    step.assert_contains("Délibération du conseil municipal");

    let download = marie
        .client
        .get(format!("{}{link}", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(download.status(), StatusCode::OK);
    let headers = download.headers().clone();
    assert_eq!(headers["content-type"], "application/pdf");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(disposition.starts_with("attachment"), "{disposition}");
    assert!(
        disposition.contains("filename*=UTF-8''D%C3%A9lib%C3%A9ration"),
        "{disposition}"
    );
    assert_eq!(
        download.bytes().await.unwrap().as_ref(),
        pdf("deliberation")
    );

    // A colleague of the organisation reads it; another organisation and the provider's
    // instructor (the draft was never submitted) see nothing.
    let paul = app.login_as("paul.martin@mairie-lyon.fr").await;
    assert_eq!(paul.get(&link).await.status, StatusCode::OK);
    let jeanne = app.login_as("jeanne.roux@grenoble.fr").await;
    assert_eq!(jeanne.get(&link).await.status, StatusCode::NOT_FOUND);
    let instructor = app.login_as(&instructor_of(PROVIDER)).await;
    assert_eq!(instructor.get(&link).await.status, StatusCode::NOT_FOUND);
    // Nobody signed in: the sign-in page.
    assert_eq!(app.browser().get(&link).await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_pdf_may_stand_for_the_texts_url_and_the_instructor_reads_it_once_submitted() {
    let app = spawn_app().await;
    let marie = app.login_as(MARIE).await;
    let id = app.filled_draft(&marie, PROVIDER).await;
    // Neither the URL nor the text: the summary says what is missing.
    marie
        .fill(
            id,
            LEGAL,
            &[(
                "cadre_juridique_nature".to_string(),
                "Délibération".to_string(),
            )],
        )
        .await;
    let summary = marie.get(&format!("/demandes/{id}/resume")).await;
    summary.assert_contains("URL du texte relatif au traitement : Ce champ est obligatoire.");
    summary.assert_contains("Le texte relatif au traitement, en PDF : Joignez un fichier.");
    assert_eq!(
        marie.submit(id, true).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    // The PDF alone is enough.
    let sent = marie
        .send_files(
            id,
            LEGAL,
            &[("cadre_juridique_nature", "Délibération")],
            &[("cadre_juridique_document", "deliberation.pdf", pdf("d"))],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    assert_eq!(marie.submit(id, true).await.status, StatusCode::SEE_OTHER);

    let instructor = app.login_as(&instructor_of(PROVIDER)).await;
    let page = instructor.get(&format!("/instruction/demandes/{id}")).await;
    let link = download_link(&page.body, "deliberation.pdf");
    page.assert_contains("par Marie Dupont");
    let download = instructor
        .client
        .get(format!("{}{link}", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(download.status(), StatusCode::OK);
    assert_eq!(download.bytes().await.unwrap().as_ref(), pdf("d"));
    // The provider's system reads it in the rights API, with its digest.
    let (_, token) = app.api_token(PROVIDER, "SI du fournisseur").await;
    let json: serde_json::Value = reqwest::Client::new()
        .get(format!("{}/api/v1/demandes/{id}", app.address))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let files = json["attachments"].as_array().unwrap();
    assert_eq!(files.len(), 1, "{json}");
    assert_eq!(files[0]["name"], "deliberation.pdf");
    assert_eq!(files[0]["content_type"], "application/pdf");
    assert_eq!(files[0]["sha256"].as_str().unwrap().len(), 64);
    let item = json["answers"]["cadre_juridique_document"][0]
        .as_str()
        .unwrap();
    assert_eq!(item, format!("{}:deliberation.pdf", files[0]["id"]));
    // The applicant's page lists it too, read-only.
    let show = marie.get(&format!("/demandes/{id}")).await;
    assert_eq!(download_link(&show.body, "deliberation.pdf"), link);
    assert!(!show.body.contains("_retirer_fichier"));
}

#[tokio::test]
async fn a_file_that_is_not_what_it_claims_too_large_or_one_too_many_is_refused_on_its_step() {
    let app = spawn_app().await;
    let marie = app.login_as(MARIE).await;
    let id = marie.start_demande(PROVIDER, "").await;

    // Named .pdf, sent as application/pdf, but text inside.
    let fake = marie
        .send_files(
            id,
            LEGAL,
            &[("cadre_juridique_nature", "Arrêté du maire")],
            &[(
                "cadre_juridique_document",
                "arrete.pdf",
                b"bonjour, je suis un texte".to_vec(),
            )],
        )
        .await;
    assert_eq!(fake.status, StatusCode::UNPROCESSABLE_ENTITY);
    fake.assert_contains("Le fichier « arrete.pdf » n'est pas un fichier PDF");
    fake.assert_contains("Vos autres réponses ont été enregistrées.");
    // What was typed beside it is kept, and nothing was stored.
    let step = marie.get(&format!("/demandes/{id}/etapes/{LEGAL}")).await;
    step.assert_contains("Arrêté du maire");
    assert!(stored_files(&app).is_empty());

    // Over the 10 MB the field accepts.
    let mut big = pdf("gros");
    big.resize(10 * 1024 * 1024 + 1, b' ');
    let oversize = marie
        .send_files(
            id,
            LEGAL,
            &[],
            &[("cadre_juridique_document", "gros.pdf", big)],
        )
        .await;
    assert_eq!(oversize.status, StatusCode::UNPROCESSABLE_ENTITY);
    oversize.assert_contains("Le fichier « gros.pdf » dépasse 10 Mo");
    assert!(stored_files(&app).is_empty());

    // One file for this question: a second is refused, the first stays.
    let first = marie
        .send_files(
            id,
            LEGAL,
            &[],
            &[("cadre_juridique_document", "un.pdf", pdf("1"))],
        )
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    let second = marie
        .send_files(
            id,
            LEGAL,
            &[],
            &[("cadre_juridique_document", "deux.pdf", pdf("2"))],
        )
        .await;
    assert_eq!(second.status, StatusCode::UNPROCESSABLE_ENTITY);
    second.assert_contains("1 fichier au maximum pour cette question");
    second.assert_contains("un.pdf");
    assert_eq!(stored_files(&app).len(), 1);
}

#[tokio::test]
async fn a_file_removed_from_a_draft_leaves_the_store_and_the_history_names_it() {
    let app = spawn_app().await;
    let marie = app.login_as(MARIE).await;
    let (id, link) = draft_with_deliberation(&app, &marie).await;
    let piece = link.rsplit('/').next().unwrap().to_string();

    // Someone else's file id is nothing to remove here.
    let other = marie.start_demande(PROVIDER, "").await;
    let csrf = marie.get("/demandes").await.csrf();
    let stranger = marie
        .post(
            &format!("/demandes/{other}/etapes/{LEGAL}"),
            &[("_csrf", &csrf), ("_retirer_fichier", &piece)],
        )
        .await;
    assert_eq!(stranger.status, StatusCode::SEE_OTHER);
    assert_eq!(stored_files(&app).len(), 1);
    // Nothing changed there: its history says nothing either.
    let other_page = marie.get(&format!("/demandes/{other}")).await;
    assert!(
        !other_page.text().contains("Demande modifiée"),
        "{}",
        other_page.body
    );

    let step = format!("/demandes/{id}/etapes/{LEGAL}");
    let csrf = marie.get(&step).await.csrf();
    let removed = marie
        .post(&step, &[("_csrf", &csrf), ("_retirer_fichier", &piece)])
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    assert_eq!(
        removed.location.as_deref(),
        Some(format!("{step}?enregistre=1").as_str())
    );
    let page = marie.get(&step).await;
    assert!(!page.body.contains("Délibération n°12"), "{}", page.body);
    // Never submitted: its bytes are gone, and its link says so.
    assert!(stored_files(&app).is_empty());
    let gone = marie.get(&link).await;
    assert_eq!(gone.status, StatusCode::GONE);
    gone.assert_contains("a été supprimé");
}

#[tokio::test]
async fn the_files_of_a_refused_demande_are_deleted_after_the_retention_period() {
    let app = spawn_app().await;
    let marie = app.login_as(MARIE).await;
    let (id, link) = draft_with_deliberation(&app, &marie).await;
    let filled = app.complete_answers(PROVIDER);
    for (step, pairs) in filled.iter().enumerate() {
        if step + 1 != LEGAL {
            marie.fill(id, step + 1, pairs).await;
        }
    }
    assert_eq!(marie.submit(id, true).await.status, StatusCode::SEE_OTHER);
    let instructor = app.login_as(&instructor_of(PROVIDER)).await;
    let refused = instructor.decide(id, "refuser", "Hors périmètre").await;
    assert_eq!(refused.status, StatusCode::SEE_OTHER);

    let services = app.services();
    let now = habilis::services::now();
    // Within the year: kept.
    let kept = habilis::services::attachments::apply_retention(&services, now)
        .await
        .unwrap();
    assert_eq!(kept, 0);
    assert_eq!(marie.get(&link).await.status, StatusCode::OK);
    let later = now + chrono::Duration::days(366);
    let deleted = habilis::services::attachments::apply_retention(&services, later)
        .await
        .unwrap();
    assert_eq!(deleted, 1);
    assert!(stored_files(&app).is_empty());
    assert_eq!(marie.get(&link).await.status, StatusCode::GONE);
    let page = marie.get(&format!("/demandes/{id}")).await;
    page.assert_contains("Délibération n°12 _2026_.pdf");
    page.assert_contains("Fichier supprimé (durée de conservation écoulée)");
}

#[tokio::test]
async fn archiving_a_draft_never_submitted_deletes_its_files() {
    let app = spawn_app().await;
    let marie = app.login_as(MARIE).await;
    let (id, link) = draft_with_deliberation(&app, &marie).await;
    let csrf = marie.get(&format!("/demandes/{id}")).await.csrf();
    let archived = marie
        .post(&format!("/demandes/{id}/archiver"), &[("_csrf", &csrf)])
        .await;
    assert_eq!(archived.status, StatusCode::SEE_OTHER);
    assert!(stored_files(&app).is_empty());
    assert_eq!(marie.get(&link).await.status, StatusCode::GONE);
}

#[tokio::test]
async fn a_file_replaced_after_changes_were_asked_shows_in_the_diff_and_the_old_one_stays() {
    let app = spawn_app().await;
    let marie = app.login_as(MARIE).await;
    let (id, old_link) = draft_with_deliberation(&app, &marie).await;
    for (step, pairs) in app.complete_answers(PROVIDER).iter().enumerate() {
        if step + 1 != LEGAL {
            marie.fill(id, step + 1, pairs).await;
        }
    }
    assert_eq!(marie.submit(id, true).await.status, StatusCode::SEE_OTHER);
    let instructor = app.login_as(&instructor_of(PROVIDER)).await;
    let asked = instructor
        .decide(
            id,
            "demander-modifications",
            "Joignez la délibération signée.",
        )
        .await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER);

    // The submitted file is removed from the answer, the signed one joins.
    let piece = old_link.rsplit('/').next().unwrap().to_string();
    let step = format!("/demandes/{id}/etapes/{LEGAL}");
    let csrf = marie.get(&step).await.csrf();
    let removed = marie
        .post(
            &step,
            &[
                ("_csrf", &csrf),
                ("_retirer_fichier", &piece),
                (
                    "cadre_juridique_nature",
                    "Délibération du conseil municipal",
                ),
            ],
        )
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    let sent = marie
        .send_files(
            id,
            LEGAL,
            &[(
                "cadre_juridique_nature",
                "Délibération du conseil municipal",
            )],
            &[(
                "cadre_juridique_document",
                "deliberation-signee.pdf",
                pdf("signée"),
            )],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    assert_eq!(marie.submit(id, true).await.status, StatusCode::SEE_OTHER);

    let page = instructor.get(&format!("/instruction/demandes/{id}")).await;
    page.assert_contains("Ce qui a changé depuis la soumission précédente");
    page.assert_contains(
        "<td>Le texte relatif au traitement, en PDF</td><td>Délibération n°12 _2026_.pdf</td><td>deliberation-signee.pdf</td>",
    );
    // The version the instructor read first is still there to compare.
    assert_eq!(instructor.get(&old_link).await.status, StatusCode::OK);
    assert_eq!(stored_files(&app).len(), 2);
}
