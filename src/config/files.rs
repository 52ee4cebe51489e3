//! Where attached files' bytes are kept: a folder, or an S3-compatible bucket.

use std::path::{Path, PathBuf};

use anyhow::bail;
use secrecy::{ExposeSecret, SecretString};

use super::{FileStore, S3Settings};

/// The folder beside the SQLite file (`habilis.db` → `habilis-fichiers/`), or in the working
/// directory for PostgreSQL; a bucket when one is named.
pub(super) fn resolve(
    raw: &super::raw::RawFiles,
    database_url: &SecretString,
) -> anyhow::Result<FileStore> {
    let given = |v: &Option<String>| v.clone().filter(|v| !v.trim().is_empty());
    if let Some(bucket) = given(&raw.s3_bucket) {
        if raw.dir.as_ref().is_some_and(|d| !d.as_os_str().is_empty()) {
            bail!(
                "HABILIS_FILES_DIR et HABILIS_FILES_S3_BUCKET s'excluent : choisissez un dossier ou un bucket"
            );
        }
        let endpoint = given(&raw.s3_endpoint);
        if let Some(e) = &endpoint
            && !(e.starts_with("https://") || e.starts_with("http://"))
        {
            bail!("HABILIS_FILES_S3_ENDPOINT doit commencer par https:// ou http:// (« {e} »)");
        }
        return Ok(FileStore::S3(S3Settings {
            bucket,
            endpoint,
            region: given(&raw.s3_region).unwrap_or_else(|| "us-east-1".to_string()),
            access_key_id: given(&raw.s3_access_key_id),
            secret_access_key: raw.s3_secret_access_key.clone(),
        }));
    }
    if let Some(dir) = raw.dir.clone().filter(|d| !d.as_os_str().is_empty()) {
        return Ok(FileStore::Dir(dir));
    }
    let url = database_url.expose_secret();
    let is_postgres = url.starts_with("postgres://") || url.starts_with("postgresql://");
    let sqlite_path = url.strip_prefix("sqlite://").unwrap_or(url);
    Ok(FileStore::Dir(
        if is_postgres || sqlite_path == ":memory:" {
            PathBuf::from("habilis-fichiers")
        } else {
            let path = Path::new(sqlite_path);
            let stem = path
                .file_stem()
                .map_or_else(|| "habilis".into(), |s| s.to_string_lossy().into_owned());
            path.with_file_name(format!("{stem}-fichiers"))
        },
    ))
}
