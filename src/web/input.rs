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
    pub async fn read(payload: web::Payload, session: &Session) -> Result<FormInput, AppError> {
        let body = read_body(payload).await?;
        let pairs = parse(&body)?;
        super::csrf::verify(session, &pairs)?;
        Ok(FormInput(pairs))
    }

    /// Like [`FormInput::read`], but a field whose text is not UTF-8 is set aside and named,
    /// so the valid fields of a draft can still be saved.
    pub async fn read_keeping_valid(
        payload: web::Payload,
        session: &Session,
    ) -> Result<(FormInput, Vec<String>), AppError> {
        let body = read_body(payload).await?;
        let decoded = decode(&body);
        super::csrf::verify(session, &decoded.pairs)?;
        Ok((FormInput(decoded.pairs), decoded.undecodable))
    }
}

/// The body, refused whole beyond [`MAX_BODY_BYTES`].
async fn read_body(mut payload: web::Payload) -> Result<web::BytesMut, AppError> {
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| {
            // The client's doing (a dropped connection), not ours: noted, not an error log.
            tracing::info!(error = %e, "form body interrupted");
            AppError::BadRequest("L'envoi du formulaire a été interrompu.".to_string())
        })?;
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(AppError::PayloadTooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Pairs decoded from a form body, and the names of fields whose text could not be kept: not
/// UTF-8, or holding a NUL character (U+0000), which PostgreSQL refuses in text and no person
/// types on purpose.
pub struct Decoded {
    pub pairs: Vec<(String, String)>,
    pub undecodable: Vec<String>,
}

/// Decodes `application/x-www-form-urlencoded`, setting aside (never mangling) invalid UTF-8
/// and NUL characters.
pub fn decode(body: &[u8]) -> Decoded {
    let mut decoded = Decoded {
        pairs: Vec::new(),
        undecodable: Vec::new(),
    };
    for pair in body.split(|b| *b == b'&').filter(|p| !p.is_empty()) {
        let mut parts = pair.splitn(2, |b| *b == b'=');
        let raw_key = unplus(parts.next().unwrap_or_default());
        let raw_value = unplus(parts.next().unwrap_or_default());
        let key: Vec<u8> = percent_encoding::percent_decode(&raw_key).collect();
        let value: Vec<u8> = percent_encoding::percent_decode(&raw_value).collect();
        match (String::from_utf8(key), String::from_utf8(value)) {
            (Ok(k), Ok(v)) if k.contains('\0') || v.contains('\0') => {
                decoded.undecodable.push(k.replace('\0', ""));
            }
            (Ok(k), Ok(v)) => decoded.pairs.push((k, v)),
            (key, _) => {
                let name =
                    key.unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
                decoded.undecodable.push(name);
            }
        }
    }
    decoded
}

fn unplus(raw: &[u8]) -> Vec<u8> {
    raw.iter()
        .map(|b| if *b == b'+' { b' ' } else { *b })
        .collect()
}

/// Decodes strictly: any invalid UTF-8 refuses the whole form.
pub fn parse(body: &[u8]) -> Result<Vec<(String, String)>, AppError> {
    let decoded = decode(body);
    if decoded.undecodable.is_empty() {
        Ok(decoded.pairs)
    } else {
        Err(AppError::BadRequest(format!(
            "Le formulaire contient des caractères invalides (caractère nul ou encodage non UTF-8) dans : {}. Rien n'a été enregistré : revenez en arrière pour corriger votre saisie.",
            decoded
                .undecodable
                .iter()
                .map(|k| format!("« {} »", k.chars().take(40).collect::<String>()))
                .collect::<Vec<_>>()
                .join(", ")
        )))
    }
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
    fn a_nul_character_sets_its_field_aside() {
        let decoded = decode(b"intitule=Cantine&description=a%00b&q%00=x");
        assert_eq!(decoded.pairs, vec![("intitule".into(), "Cantine".into())]);
        assert_eq!(decoded.undecodable, vec!["description", "q"]);
        assert!(matches!(
            parse(b"body=bonjour%00"),
            Err(AppError::BadRequest(m)) if m.contains("« body »")
        ));
    }

    #[test]
    fn invalid_utf8_is_refused() {
        assert!(matches!(
            parse(b"intitule=%FF%FE"),
            Err(AppError::BadRequest(_))
        ));
    }
}
