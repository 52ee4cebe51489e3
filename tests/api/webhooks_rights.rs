//! The provider's system hears of what changes the rights it holds beyond decisions: a
//! habilitation extended (its new end in the payload) and a demande moved to another
//! organisation in a merger (the new SIRET), signed like every webhook.

use diesel::{ExpressionMethods, QueryDsl, RunQueryDsl};
use habilis::db::schema::habilitations;
use reqwest::StatusCode;

use crate::webhooks::{app_notifying, receiver};

const PROVIDER: &str = "api-particulier";

#[tokio::test]
async fn an_extension_and_a_merger_reach_the_provider_s_system() {
    let (port, seen) = receiver(0).await;
    let app = app_notifying(
        "API_PARTICULIER",
        &format!("http://127.0.0.1:{port}/habilis"),
    )
    .await;
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    let id = app.validated_demande(&marie, PROVIDER).await;
    let h = habilis::db::habilitations::for_demande(&mut app.conn(), id).unwrap()[0].id;
    let soon = habilis::services::now() + chrono::Duration::days(20);
    diesel::update(habilitations::table.filter(habilitations::id.eq(h)))
        .set(habilitations::expires_at.eq(soon))
        .execute(&mut app.conn())
        .unwrap();
    app.deliver().await;

    let instructor = app.login_as("instruction@api-particulier.example").await;
    let page = instructor
        .get(&format!("/instruction/habilitations/{h}"))
        .await;
    let done = instructor
        .post(
            &format!("/instruction/habilitations/{h}/prolonger"),
            &[("_csrf", &page.csrf()), ("mois", "12")],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let admin = app.login_as("admin@habilis.example").await;
    let page = admin.get(&format!("/instruction/demandes/{id}")).await;
    let moved = admin
        .post(
            &format!("/instruction/demandes/{id}/rattacher"),
            &[
                ("_csrf", &page.csrf()),
                ("siret", "21380055400007"),
                ("email", "jeanne.roux@grenoble.fr"),
                ("motif", "Fusion des services."),
            ],
        )
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);
    app.deliver().await;

    let calls = seen.lock().unwrap().clone();
    assert!(calls.iter().all(|c| c.signature_ok), "{calls:?}");
    let renew = calls
        .iter()
        .find(|c| c.body["event"] == "renew")
        .expect("the extension is sent");
    let end = habilis::services::now()
        .checked_add_months(chrono::Months::new(12))
        .unwrap()
        .format("%Y-%m-%d")
        .to_string();
    let sent_end = renew.body["data"]["habilitations"][0]["expires_at"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(sent_end.starts_with(&end), "{sent_end} / {end}");
    let merged = calls
        .iter()
        .find(|c| c.body["event"] == "move_organisation")
        .expect("the merger is sent");
    assert_eq!(
        merged.body["data"]["organisation"]["siret"],
        "21380055400007"
    );
    assert_eq!(
        merged.body["data"]["applicant"]["email"],
        "jeanne.roux@grenoble.fr"
    );
    assert_eq!(merged.body["data"]["state"], "validated");
}
