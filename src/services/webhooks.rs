//! Webhook deliveries as people see them: attempts on a demande, the deliveries page with
//! replay, and a signed test delivery for operators.

use serde_json::json;

use crate::error::AppError;

/// What a test delivery got back.
#[derive(Debug)]
pub struct TestDelivery {
    pub url: String,
    pub status: Option<u16>,
    pub response: String,
}

/// Sends a signed test payload to a provider's webhook (`habilis webhooks test`).
pub async fn send_test(app: &super::App, provider: &str) -> anyhow::Result<TestDelivery> {
    let provider = app
        .catalog
        .get(provider)
        .ok_or_else(|| anyhow::anyhow!("fournisseur inconnu « {provider} »"))?;
    let hook = provider
        .webhook
        .as_ref()
        .ok_or_else(|| anyhow::anyhow!("{} n'a pas de section [webhook]", provider.slug))?;
    let url = app
        .links
        .webhook_env
        .get(&hook.url_env)
        .ok_or_else(|| anyhow::anyhow!("variable {} non définie", hook.url_env))?;
    let secret = app
        .links
        .webhook_env
        .get(&hook.secret_env)
        .ok_or_else(|| anyhow::anyhow!("variable {} non définie", hook.secret_env))?;
    let now = super::now();
    let body = json!({"event": "test", "test": true, "fired_at": now.and_utc().to_rfc3339(), "model_type": format!("demande/{}", provider.slug)}).to_string();
    let row = crate::db::outbox::OutboxRow {
        id: 0,
        kind: crate::db::outbox::Kind::Webhook.as_ref().to_string(),
        topic: "test".into(),
        demande_id: None,
        recipient: url.clone(),
        subject: String::new(),
        body_text: body,
        body_html: String::new(),
        unsubscribe_url: None,
        attempts: 1,
        next_attempt_at: now,
        locked_until: None,
        last_error: None,
        delivered_at: None,
        failed_at: None,
        created_at: now,
        secret_env: Some(hook.secret_env.clone()),
    };
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(15))
        .build()?;
    let answer = crate::outbox::webhook::post(&client, &row, secret).await;
    Ok(TestDelivery {
        url: url.clone(),
        status: answer.status,
        response: answer.response,
    })
}

/// Providers whose webhooks the person follows: those they instruct (managers included).
fn instructed(app: &super::App, current: &super::accounts::CurrentUser) -> Vec<String> {
    app.catalog
        .all()
        .iter()
        .filter(|p| {
            current
                .actor
                .has_role(&p.slug, crate::domain::policy::Role::Instructor)
        })
        .map(|p| p.slug.clone())
        .collect()
}

/// Recent deliveries, for the providers the person instructs.
pub async fn deliveries(
    app: &super::App,
    current: &super::accounts::CurrentUser,
) -> Result<Vec<(crate::db::outbox::OutboxRow, String)>, AppError> {
    let providers = instructed(app, current);
    if providers.is_empty() {
        return Err(AppError::Forbidden);
    }
    app.db
        .run(move |conn| Ok(crate::db::webhooks::deliveries(conn, &providers, 200)?))
        .await
}

/// Sends a delivery again, for an instructor of its provider.
pub async fn replay(
    app: &super::App,
    current: &super::accounts::CurrentUser,
    outbox_id: i64,
) -> Result<(), AppError> {
    let provider = app
        .db
        .run(move |conn| Ok::<_, AppError>(crate::db::webhooks::provider_of(conn, outbox_id)?))
        .await?
        .ok_or(AppError::NotFound)?;
    if !instructed(app, current).contains(&provider) {
        return Err(AppError::Forbidden);
    }
    let (key, actor) = (app.settings.audit_key.clone(), current.user.email.clone());
    app.db
        .run(move |conn| {
            crate::db::write_transaction(conn, |conn| {
                crate::db::webhooks::replay(conn, outbox_id, super::now())?;
                let new = serde_json::json!({ "provider": provider }).to_string();
                let resource = format!("outbox:{outbox_id}");
                super::audit::record(
                    conn,
                    &key,
                    &actor,
                    "webhook.replay",
                    &resource,
                    None,
                    Some(&new),
                )
            })
        })
        .await
}
