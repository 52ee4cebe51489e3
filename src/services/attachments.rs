//! Files attached to a demande: received with a step (judged by their bytes, scanned when an
//! antivirus is set, stored, then listed in the answers in the step's transaction), read back
//! by whoever may read the demande, and deleted with the draft or by the retention rule.

use bytes::Bytes;
use chrono::{Duration, NaiveDateTime};
use sha2::{Digest, Sha256};

use crate::catalog::Provider;
use crate::db::attachments::{self, Attachment, NewAttachment};
use crate::db::{DbConnection, write_transaction};
use crate::domain::attachment::{self, FileKind, Refusal};
use crate::domain::form::{Answers, FieldKind, Value};
use crate::domain::policy::{self, Action};
use crate::error::AppError;
use crate::files::clamd::{self, Verdict};

use super::accounts::CurrentUser;
use super::{App, facts, now};

/// A file as the browser sent it, with the name it gave; `too_large` when the form's reader
/// stopped keeping its bytes.
#[derive(Debug, Clone)]
pub struct Upload {
    pub field: String,
    pub file_name: String,
    pub bytes: Bytes,
    pub too_large: bool,
}

/// A file judged, scanned and stored: what the step's transaction records.
#[derive(Debug, Clone)]
pub struct Received {
    pub field: String,
    pub name: String,
    pub kind: FileKind,
    pub size: i64,
    pub sha256: String,
    pub key: String,
}

/// What came of a step's uploads: the files kept, and why the others were not (by field).
#[derive(Debug, Default)]
pub struct Reception {
    pub received: Vec<Received>,
    pub refused: Vec<(String, String)>,
}

/// Judges, scans and stores the files sent on step `step`. Bytes are stored before the step's
/// transaction; [`discard`] removes them if that transaction does not record them.
pub(super) async fn receive(
    app: &App,
    current: &CurrentUser,
    provider: &Provider,
    step: usize,
    demande_id: i64,
    answers: &Answers,
    uploads: Vec<Upload>,
) -> Result<Reception, AppError> {
    let mut reception = Reception::default();
    let Some(step) = provider.form.steps.get(step) else {
        return Ok(reception);
    };
    for upload in uploads {
        let Some(field) = step
            .fields
            .iter()
            .find(|f| f.id == upload.field && f.kind == FieldKind::File)
        else {
            continue;
        };
        let rule = field.file.clone().unwrap_or_else(attachment::FileRule::pdf);
        let already = count(answers, &field.id)
            + reception
                .received
                .iter()
                .filter(|r| r.field == field.id)
                .count();
        let judged = match upload.too_large {
            true => Err(Refusal::TooLarge {
                max: rule.max_bytes,
            }),
            false => attachment::judge(&rule, &upload.bytes, already),
        };
        let kind = match judged {
            Ok(kind) => kind,
            Err(refusal) => {
                reception
                    .refused
                    .push((field.id.clone(), refusal.message(&upload.file_name)));
                continue;
            }
        };
        let name = attachment::sanitize_name(&upload.file_name, kind);
        if let Some(refusal) = scan(app, current, demande_id, &name, &upload.bytes).await? {
            reception
                .refused
                .push((field.id.clone(), refusal.message(&name)));
            continue;
        }
        let key = crate::files::Files::new_key(demande_id);
        let sha256 = hex(&Sha256::digest(&upload.bytes));
        let size = upload.bytes.len() as i64;
        app.files.put(&key, upload.bytes).await?;
        reception.received.push(Received {
            field: field.id.clone(),
            name,
            kind,
            size,
            sha256,
            key,
        });
    }
    Ok(reception)
}

/// Asks the antivirus, when one is set. An infected file is refused and recorded in the audit
/// log; an antivirus that does not answer refuses every file until it does.
async fn scan(
    app: &App,
    current: &CurrentUser,
    demande_id: i64,
    name: &str,
    bytes: &[u8],
) -> Result<Option<Refusal>, AppError> {
    let Some(address) = app.settings.clamd.as_deref() else {
        return Ok(None);
    };
    match clamd::scan(address, bytes).await {
        Ok(Verdict::Clean) => Ok(None),
        Ok(Verdict::Infected(signature)) => {
            tracing::warn!(demande = demande_id, %signature, "infected file refused");
            let key = app.settings.audit_key.clone();
            let actor = current.user.email.clone();
            let resource = format!("demande:{demande_id}");
            let detail = format!("{name} ({signature})");
            app.db
                .run(move |conn| {
                    write_transaction(conn, |conn| {
                        super::audit::record(
                            conn,
                            &key,
                            &actor,
                            "file.infected",
                            &resource,
                            None,
                            Some(&detail),
                        )
                    })
                })
                .await?;
            Ok(Some(Refusal::Infected))
        }
        Err(e) => {
            tracing::error!(
                error = format!("{e:#}"),
                "antivirus unavailable: file refused"
            );
            Ok(Some(Refusal::ScannerUnavailable))
        }
    }
}

/// How many files an answer lists.
fn count(answers: &Answers, field: &str) -> usize {
    answers.get(field).map_or(0, |v| v.items().len())
}

/// Records the received files and lists them in their answers; takes the file `remove` out
/// of its answer. Returns the files whose bytes may go now: removed ones that no submission
/// ever held (a submitted version keeps its files for the instructor and the history).
pub(super) fn record(
    conn: &mut DbConnection,
    current: &CurrentUser,
    demande: &crate::db::models::Demande,
    received: &[Received],
    remove: Option<i64>,
    answers: &mut Answers,
    at: NaiveDateTime,
) -> Result<Vec<Attachment>, AppError> {
    for r in received {
        let id = attachments::insert(
            conn,
            &NewAttachment {
                demande_id: demande.id,
                field: &r.field,
                name: &r.name,
                content_type: r.kind.mime(),
                size_bytes: r.size,
                sha256: &r.sha256,
                storage_key: &r.key,
                added_by: Some(current.user.id),
                added_by_name: &current.user.full_name(),
                added_at: at,
            },
        )?;
        let mut items: Vec<String> = answers
            .get(&r.field)
            .map(|v| v.items().into_iter().map(str::to_string).collect())
            .unwrap_or_default();
        items.push(attachment::item(id, &r.name));
        answers.insert(r.field.clone(), Value::Many(items));
    }
    let Some(remove) = remove else {
        return Ok(vec![]);
    };
    let Some(file) = attachments::find(conn, remove)?.filter(|a| a.demande_id == demande.id) else {
        return Ok(vec![]);
    };
    if let Some(value) = answers.get(&file.field) {
        let kept: Vec<String> = value
            .items()
            .into_iter()
            .filter(|i| attachment::parse_item(i).is_none_or(|(id, _)| id != remove))
            .map(str::to_string)
            .collect();
        match kept.is_empty() {
            true => answers.remove(&file.field),
            false => answers.insert(file.field.clone(), Value::Many(kept)),
        };
    }
    let never_submitted = demande
        .last_submitted_at
        .is_none_or(|submitted| file.added_at > submitted);
    if never_submitted {
        attachments::mark_deleted(conn, &[file.id], at)?;
        return Ok(vec![file]);
    }
    Ok(vec![])
}

/// Deletes bytes from the store, after the transaction that no longer needs them; a failure
/// is logged (an orphan in the store costs space, never data).
pub(super) async fn discard(app: &App, keys: Vec<String>) {
    for key in keys {
        if let Err(e) = app.files.delete(&key).await {
            tracing::error!(error = format!("{e:#}"), "attachment bytes not deleted");
        }
    }
}

/// Deletes these files' bytes and records it (the rows stay: the history names them).
pub(super) async fn delete_all(app: &App, files: &[Attachment]) -> Result<(), AppError> {
    let kept: Vec<&Attachment> = files.iter().filter(|a| a.deleted_at.is_none()).collect();
    if kept.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = kept.iter().map(|a| a.id).collect();
    app.db
        .run(move |conn| Ok::<_, AppError>(attachments::mark_deleted(conn, &ids, now())?))
        .await?;
    discard(app, kept.iter().map(|a| a.storage_key.clone()).collect()).await;
    Ok(())
}

/// A file and its bytes, for whoever may read its demande (as applicant or in instruction).
pub async fn download(
    app: &App,
    current: &CurrentUser,
    demande_id: i64,
    attachment_id: i64,
) -> Result<(Attachment, Bytes), AppError> {
    let actor = current.actor.clone();
    let file = app
        .db
        .run(move |conn| {
            let Some(demande) = crate::db::demandes::find(conn, demande_id)? else {
                return Ok(None);
            };
            let facts = facts(&demande);
            if !policy::can(&actor, Action::ViewAsApplicant, &facts)
                && !policy::can(&actor, Action::ViewInInstruction, &facts)
            {
                return Ok(None);
            }
            Ok::<_, AppError>(
                attachments::find(conn, attachment_id)?.filter(|a| a.demande_id == demande_id),
            )
        })
        .await?
        .ok_or(AppError::NotFound)?;
    if file.deleted_at.is_some() {
        return Err(AppError::Gone(format!(
            "Le fichier « {} » a été supprimé : il n'est plus conservé par le portail.",
            file.name
        )));
    }
    let bytes = app.files.get(&file.storage_key).await?.ok_or_else(|| {
        AppError::Internal(anyhow::anyhow!(
            "pièce jointe {} : octets absents du stockage",
            file.id
        ))
    })?;
    Ok((file, bytes))
}

/// Deletes the files of refused and archived demandes untouched for the retention period;
/// returns how many went.
pub async fn apply_retention(app: &App, at: NaiveDateTime) -> Result<usize, AppError> {
    let before = at - Duration::days(app.settings.files_retention_days);
    let mut deleted = 0;
    loop {
        let batch = app
            .db
            .run(move |conn| {
                Ok::<_, AppError>(attachments::expired(
                    conn,
                    &["refused", "archived"],
                    before,
                    100,
                )?)
            })
            .await?;
        if batch.is_empty() {
            return Ok(deleted);
        }
        discard(app, batch.iter().map(|a| a.storage_key.clone()).collect()).await;
        let ids: Vec<i64> = batch.iter().map(|a| a.id).collect();
        deleted += app
            .db
            .run(move |conn| Ok::<_, AppError>(attachments::mark_deleted(conn, &ids, now())?))
            .await?;
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
