//! Where attached files' bytes live, through the `object_store` crate: a local folder by
//! default (nothing to install), an S3-compatible bucket when several instances share them.
//! The database holds each file's metadata; this holds bytes under random keys only.

pub mod clamd;

use std::sync::Arc;

use anyhow::Context;
use bytes::Bytes;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::{ObjectStore, PutPayload};
use secrecy::ExposeSecret;

use crate::config::FileStore;

/// The store of attached files' bytes.
#[derive(Clone)]
pub struct Files {
    store: Arc<dyn ObjectStore>,
    /// Where, as the logs and `habilis` at start-up tell it (no secret).
    pub place: String,
}

impl std::fmt::Debug for Files {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Files").field("place", &self.place).finish()
    }
}

impl Files {
    /// Opens the folder (created when absent) or the bucket the settings name.
    pub fn open(settings: &FileStore) -> anyhow::Result<Files> {
        match settings {
            FileStore::Dir(dir) => {
                std::fs::create_dir_all(dir).with_context(|| {
                    format!(
                        "dossier des pièces jointes {} : création impossible",
                        dir.display()
                    )
                })?;
                let store = LocalFileSystem::new_with_prefix(dir)
                    .with_context(|| format!("dossier des pièces jointes {}", dir.display()))?;
                Ok(Files {
                    store: Arc::new(store),
                    place: format!("dossier {}", dir.display()),
                })
            }
            FileStore::S3(s3) => {
                let mut builder = AmazonS3Builder::new()
                    .with_bucket_name(&s3.bucket)
                    .with_region(&s3.region);
                if let Some(endpoint) = &s3.endpoint {
                    builder = builder
                        .with_endpoint(endpoint)
                        .with_allow_http(endpoint.starts_with("http://"))
                        // Path-style requests: what S3-compatible services answer.
                        .with_virtual_hosted_style_request(false);
                }
                if let Some(id) = &s3.access_key_id {
                    builder = builder.with_access_key_id(id);
                }
                if let Some(secret) = &s3.secret_access_key {
                    builder = builder.with_secret_access_key(secret.expose_secret());
                }
                let store = builder
                    .build()
                    .with_context(|| format!("bucket S3 « {} »", s3.bucket))?;
                Ok(Files {
                    store: Arc::new(store),
                    place: format!(
                        "bucket S3 « {} »{}",
                        s3.bucket,
                        s3.endpoint
                            .as_deref()
                            .map(|e| format!(" sur {e}"))
                            .unwrap_or_default()
                    ),
                })
            }
        }
    }

    /// A fresh key for new bytes: random, so nothing about the file shows in storage.
    pub fn new_key(demande_id: i64) -> String {
        format!(
            "demandes/{demande_id}/{}",
            &crate::config::random_key()[..32]
        )
    }

    pub async fn put(&self, key: &str, bytes: Bytes) -> anyhow::Result<()> {
        self.store
            .put(&Path::from(key), PutPayload::from_bytes(bytes))
            .await
            .with_context(|| format!("pièce jointe {key} : écriture ({})", self.place))?;
        Ok(())
    }

    /// The bytes under `key`; `None` when they are gone.
    pub async fn get(&self, key: &str) -> anyhow::Result<Option<Bytes>> {
        let read = async {
            let got = self.store.get(&Path::from(key)).await?;
            got.bytes().await
        };
        match read.await {
            Ok(bytes) => Ok(Some(bytes)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(anyhow::Error::from(e)
                .context(format!("pièce jointe {key} : lecture ({})", self.place))),
        }
    }

    /// Removes the bytes under `key`; already gone is fine.
    pub async fn delete(&self, key: &str) -> anyhow::Result<()> {
        match self.store.delete(&Path::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(anyhow::Error::from(e)
                .context(format!("pièce jointe {key} : suppression ({})", self.place))),
        }
    }
}
