//! Message templates: a provider's managers (and admins) write them; its instructors pick one
//! in the decision block or the message box and edit it before sending.

use crate::db::message_templates::{self as db, MessageTemplate};
use crate::db::write_transaction;
use crate::domain::demande::public_id;
use crate::domain::message_template::{self as rules, Kind, Values};
use crate::error::AppError;

use super::accounts::CurrentUser;
use super::roles::managed_providers;
use super::{App, now};

/// The templates of the providers the person manages (forbidden to anyone managing none).
pub async fn managed(
    app: &App,
    current: &CurrentUser,
) -> Result<(Vec<String>, Vec<MessageTemplate>), AppError> {
    let providers = managed_providers(app, current);
    if providers.is_empty() {
        return Err(AppError::Forbidden);
    }
    let list = providers.clone();
    let templates = app
        .db
        .run(move |conn| Ok::<_, AppError>(db::of_providers(conn, &list)?))
        .await?;
    Ok((providers, templates))
}

/// Saves a template for a provider the person manages, its variables checked.
pub async fn create(
    app: &App,
    current: &CurrentUser,
    (provider, kind): (&str, &str),
    (title, body): (&str, &str),
) -> Result<(), AppError> {
    if !managed_providers(app, current)
        .iter()
        .any(|p| p == provider)
    {
        return Err(AppError::Forbidden);
    }
    let kind = Kind::parse(kind)
        .ok_or_else(|| AppError::Unprocessable("Choisissez le type du modèle.".to_string()))?;
    let (provider, title, body, user) = (
        provider.to_string(),
        title.to_string(),
        body.to_string(),
        current.user.id,
    );
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                // Two saves at the same instant count one after the other: never one too many.
                crate::db::lock_named(
                    conn,
                    &format!("message_templates:{provider}:{}", kind.as_str()),
                )?;
                let count = db::count(conn, &provider, kind.as_str())?;
                let count = usize::try_from(count).unwrap_or(usize::MAX);
                let (title, body) = rules::check(&title, &body, count)
                    .map_err(|e| AppError::Unprocessable(e.to_string()))?;
                db::insert(
                    conn,
                    (&provider, kind.as_str()),
                    (&title, &body),
                    user,
                    now(),
                )?;
                Ok(())
            })
        })
        .await
}

/// Deletes a template of a provider the person manages.
pub async fn delete(app: &App, current: &CurrentUser, id: i64) -> Result<(), AppError> {
    let providers = managed_providers(app, current);
    app.db
        .run(move |conn| {
            let found = db::find(conn, id)?.ok_or(AppError::NotFound)?;
            if !providers.contains(&found.provider) {
                return Err(AppError::NotFound);
            }
            db::delete(conn, id)?;
            Ok(())
        })
        .await
}

/// The templates an instructor may pick on a demande of `provider`.
pub async fn for_provider(app: &App, provider: &str) -> Result<Vec<MessageTemplate>, AppError> {
    let list = vec![provider.to_string()];
    app.db
        .run(move |conn| Ok(db::of_providers(conn, &list)?))
        .await
}

/// The text of template `id` for the demande (of its provider), variables filled in, and the
/// kind it is for; none for a template of another provider or one deleted.
pub async fn picked(
    app: &App,
    demande: &crate::db::models::Demande,
    provider_name: &str,
    id: i64,
) -> Result<Option<(Kind, String)>, AppError> {
    let (demande, provider_name) = (demande.clone(), provider_name.to_string());
    app.db
        .run(move |conn| {
            let Some(template) = db::find(conn, id)?.filter(|t| t.provider == demande.provider)
            else {
                return Ok(None);
            };
            let Some(kind) = Kind::parse(&template.kind) else {
                return Ok(None);
            };
            let applicant = crate::db::users::find(conn, demande.applicant_id)?
                .map(|u| u.full_name().trim().to_string())
                .unwrap_or_default();
            Ok(Some((
                kind,
                filled(&template, &demande, &provider_name, &applicant),
            )))
        })
        .await
}

/// A template's text for one demande, its variables filled in.
pub fn filled(
    template: &MessageTemplate,
    demande: &crate::db::models::Demande,
    provider_name: &str,
    applicant_name: &str,
) -> String {
    let numero = public_id(demande.id);
    rules::render(
        &template.body,
        &Values {
            demandeur: applicant_name,
            numero: &numero,
            fournisseur: provider_name,
            intitule: &demande.intitule,
        },
    )
}
