//! A provider's logo: `providers/<slug>/logo.png` (or `.jpg`, `.webp`), beside its TOML, read
//! at start-up and served by the portal. Its type is read from its bytes, not its name; SVG is
//! not taken (a drawing that can carry scripts, served from the portal's own address).

use std::path::Path;
use std::sync::Arc;

use super::CatalogError;

/// The largest logo taken: a card's image, not a poster.
pub const MAX_LOGO_BYTES: usize = 200 * 1024;

const NAMES: [&str; 3] = ["logo.png", "logo.jpg", "logo.webp"];
const TYPES: [&str; 3] = ["image/png", "image/jpeg", "image/webp"];

/// An image and its type, as read from its bytes.
#[derive(Debug, Clone)]
pub struct Logo {
    pub bytes: Arc<[u8]>,
    pub content_type: &'static str,
}

/// Reads the provider's logo, when it has one; a file that is not a small PNG, JPEG or WebP
/// image is refused with its name.
pub fn load(dir: &Path, slug: &str) -> Result<Option<Logo>, Vec<CatalogError>> {
    let folder = dir.join(slug);
    let found: Vec<_> = NAMES
        .iter()
        .map(|name| folder.join(name))
        .filter(|path| path.is_file())
        .collect();
    let error = |file: &Path, message: String| CatalogError {
        file: file.to_path_buf(),
        key: String::new(),
        message,
    };
    let file = match found.as_slice() {
        [] => return Ok(None),
        [file] => file,
        [first, ..] => {
            return Err(vec![error(
                first,
                format!("un seul logo par fournisseur ({} trouvés)", found.len()),
            )]);
        }
    };
    let bytes =
        std::fs::read(file).map_err(|e| vec![error(file, format!("fichier illisible ({e})"))])?;
    if bytes.len() > MAX_LOGO_BYTES {
        return Err(vec![error(
            file,
            format!(
                "le logo pèse {} ko : {} ko au plus",
                bytes.len().div_ceil(1024),
                MAX_LOGO_BYTES / 1024
            ),
        )]);
    }
    let content_type = infer::get(&bytes)
        .map(|kind| kind.mime_type())
        .and_then(|mime| TYPES.iter().find(|t| **t == mime).copied())
        .ok_or_else(|| {
            vec![error(
                file,
                "ce fichier n'est pas une image PNG, JPEG ou WebP (d'après son contenu)"
                    .to_string(),
            )]
        })?;
    Ok(Some(Logo {
        bytes: bytes.into(),
        content_type,
    }))
}
