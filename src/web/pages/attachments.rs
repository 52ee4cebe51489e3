//! Attached files, downloaded by whoever may read their demande: always as a download
//! (`Content-Disposition: attachment`), never sniffed, never cached by a shared cache.

use actix_web::http::header::{
    self, Charset, ContentDisposition, DispositionParam, DispositionType, ExtendedValue,
};
use actix_web::{HttpResponse, web};

use crate::error::AppError;
use crate::services::{App, attachments};
use crate::web::session::SignedIn;

use super::{demande_id, row_id};

pub async fn download_attachment(
    app: web::Data<App>,
    SignedIn(current): SignedIn,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (id, piece) = (demande_id(&path.0)?, row_id(&path.1)?);
    let (file, bytes) = attachments::download(&app, &current, id, piece).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, file.content_type.as_str()))
        .insert_header(disposition(&file.name))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .body(bytes))
}

/// `attachment`, with the name in UTF-8 (RFC 6266) and an ASCII fallback for old clients.
fn disposition(name: &str) -> ContentDisposition {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .filter(|c| *c != '"' && *c != '\\')
        .collect();
    ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![
            DispositionParam::Filename(ascii),
            DispositionParam::FilenameExt(ExtendedValue {
                charset: Charset::Ext("UTF-8".to_string()),
                language_tag: None,
                value: name.as_bytes().to_vec(),
            }),
        ],
    }
}
