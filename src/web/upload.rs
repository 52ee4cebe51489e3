//! Reading a multipart step body (a step with file fields): text parts as the url-encoded
//! reader gives them, files kept in memory up to the largest size a field may accept, the
//! CSRF token checked like every form's.

use actix_multipart::Multipart;
use actix_session::Session;
use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;

use crate::catalog::MAX_FILE_MB;
use crate::domain::attachment::MB;
use crate::error::AppError;
use crate::services::attachments::Upload;

use super::input::MAX_BODY_BYTES;

/// Beyond this a body is refused whole (413): far above any file a field accepts, so that an
/// oversize file is normally told on its step, with the rest of the step saved.
const MAX_MULTIPART_BYTES: u64 = 256 * MB;

/// A file's bytes are kept up to this; beyond, only the fact that it was too large is.
const KEEP_FILE_BYTES: usize = (MAX_FILE_MB * MB) as usize;

/// The files of one body kept in memory at most, all together: a step has few file fields.
const KEEP_ALL_FILES_BYTES: usize = 2 * KEEP_FILE_BYTES;

/// What a multipart step body holds.
pub struct MultipartStep {
    pub pairs: Vec<(String, String)>,
    pub undecodable: Vec<String>,
    pub uploads: Vec<Upload>,
}

pub async fn read(mut multipart: Multipart, session: &Session) -> Result<MultipartStep, AppError> {
    let mut step = MultipartStep {
        pairs: Vec::new(),
        undecodable: Vec::new(),
        uploads: Vec::new(),
    };
    let (mut total, mut text_bytes, mut files_bytes) = (0u64, 0usize, 0usize);
    while let Some(part) = multipart.next().await {
        let mut part = part.map_err(malformed)?;
        let name = part.name().unwrap_or_default().to_string();
        let file_name = part
            .content_disposition()
            .and_then(|cd| cd.get_filename())
            .map(str::to_string);
        let mut kept = BytesMut::new();
        let mut too_large = false;
        while let Some(chunk) = part.next().await {
            let chunk = chunk.map_err(malformed)?;
            total += chunk.len() as u64;
            if total > MAX_MULTIPART_BYTES {
                return Err(AppError::PayloadTooLarge);
            }
            let limit = match file_name {
                Some(_) => KEEP_FILE_BYTES,
                None => MAX_BODY_BYTES,
            };
            let room = file_name.is_none() || files_bytes + chunk.len() <= KEEP_ALL_FILES_BYTES;
            if too_large || kept.len() + chunk.len() > limit || !room {
                too_large = true;
                files_bytes -= if file_name.is_some() { kept.len() } else { 0 };
                kept.clear();
                continue;
            }
            if file_name.is_some() {
                files_bytes += chunk.len();
            }
            kept.extend_from_slice(&chunk);
        }
        match file_name {
            // A file input left empty still sends a part, nameless and empty.
            Some(file_name) if file_name.is_empty() && kept.is_empty() && !too_large => {}
            Some(file_name) => step.uploads.push(Upload {
                field: name,
                file_name,
                bytes: Bytes::from(kept),
                too_large,
            }),
            None => {
                text_bytes += kept.len();
                if too_large || text_bytes > MAX_BODY_BYTES {
                    return Err(AppError::PayloadTooLarge);
                }
                match String::from_utf8(kept.to_vec()) {
                    Ok(value) if !value.contains('\0') && !name.contains('\0') => {
                        step.pairs.push((name, value))
                    }
                    _ => step.undecodable.push(name.replace('\0', "")),
                }
            }
        }
    }
    super::csrf::verify(session, &step.pairs)?;
    Ok(step)
}

fn malformed(e: actix_multipart::MultipartError) -> AppError {
    tracing::info!(error = %e, "multipart body unreadable");
    AppError::BadRequest(
        "L'envoi du formulaire a été interrompu ou est illisible : rien n'a été enregistré, recommencez."
            .to_string(),
    )
}
