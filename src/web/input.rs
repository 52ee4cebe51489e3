//! Reading an url-encoded form body: capped in size, strictly UTF-8, repeated keys kept
//! (checkboxes), CSRF token checked.

use actix_session::Session;
use actix_web::web;
use futures_util::StreamExt;

use crate::error::AppError;

/// No form of habilis needs more than this.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// The posted pairs, in order.
pub struct FormInput(pub Vec<(String, String)>);

impl FormInput {
    /// Reads the body, refusing it whole when too large or not UTF-8, then checks the CSRF token.
    pub async fn read(mut payload: web::Payload, session: &Session) -> Result<FormInput, AppError> {
        let mut body = web::BytesMut::new();
        while let Some(chunk) = payload.next().await {
            let chunk = chunk.map_err(|_| {
                AppError::BadRequest("L'envoi du formulaire a été interrompu.".to_string())
            })?;
            if body.len() + chunk.len() > MAX_BODY_BYTES {
                return Err(AppError::PayloadTooLarge);
            }
            body.extend_from_slice(&chunk);
        }
        let pairs = parse(&body)?;
        super::csrf::verify(session, &pairs)?;
        Ok(FormInput(pairs))
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// Decodes `application/x-www-form-urlencoded`, refusing invalid UTF-8 instead of mangling it.
pub fn parse(body: &[u8]) -> Result<Vec<(String, String)>, AppError> {
    let invalid = || {
        AppError::BadRequest(
            "Le formulaire contient des caractères invalides (encodage non UTF-8).".to_string(),
        )
    };
    let mut out = Vec::new();
    for pair in body.split(|b| *b == b'&').filter(|p| !p.is_empty()) {
        let mut parts = pair.splitn(2, |b| *b == b'=');
        let key = parts.next().unwrap_or_default();
        let value = parts.next().unwrap_or_default();
        let decode = |raw: &[u8]| -> Result<String, AppError> {
            let spaced: Vec<u8> = raw
                .iter()
                .map(|b| if *b == b'+' { b' ' } else { *b })
                .collect();
            let bytes: Vec<u8> = percent_encoding::percent_decode(&spaced).collect();
            String::from_utf8(bytes).map_err(|_| invalid())
        };
        out.push((decode(key)?, decode(value)?));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_keys_and_encodings_are_kept() {
        let pairs = parse(b"scopes=a&scopes=b&intitule=Cantine+%C3%A9t%C3%A9&vide=").unwrap();
        assert_eq!(
            pairs,
            vec![
                ("scopes".into(), "a".into()),
                ("scopes".into(), "b".into()),
                ("intitule".into(), "Cantine été".into()),
                ("vide".into(), "".into())
            ]
        );
    }

    #[test]
    fn invalid_utf8_is_refused() {
        assert!(matches!(
            parse(b"intitule=%FF%FE"),
            Err(AppError::BadRequest(_))
        ));
    }
}
