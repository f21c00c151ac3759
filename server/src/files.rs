//! Uploaded files: kept in an object store — a local directory by default, S3-compatible storage (MinIO,
//! Ceph, AWS) by configuration — addressed by the SHA-256 the phone computed.

pub mod media;

use std::{path::Path, sync::Arc};

use anyhow::Context as _;
use bytes::Bytes;
use futures::TryStreamExt as _;
use object_store::{ObjectStore, PutPayload, local::LocalFileSystem, path::Path as ObjectPath};

/// Where files go.
#[derive(Clone)]
pub struct Storage {
    store: Arc<dyn ObjectStore>,
    /// For logs and errors.
    describe: String,
}

impl std::fmt::Debug for Storage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe)
    }
}

impl Storage {
    /// A local directory (created when missing).
    ///
    /// # Errors
    /// When the directory cannot be created.
    pub fn local(dir: &Path) -> anyhow::Result<Self> {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let store = LocalFileSystem::new_with_prefix(dir)
            .with_context(|| format!("cannot use {} for files", dir.display()))?;
        Ok(Self {
            store: Arc::new(store),
            describe: format!("local directory {}", dir.display()),
        })
    }

    /// S3-compatible storage: `s3://bucket`; endpoint, region and credentials from the usual
    /// `AWS_ENDPOINT`, `AWS_REGION`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` (and `AWS_ALLOW_HTTP=true` for a
    /// plain-HTTP MinIO on a private network).
    ///
    /// # Errors
    /// When the URL is not `s3://<bucket>` or the settings are incomplete.
    pub fn from_url(url: &str) -> anyhow::Result<Self> {
        let bucket = url
            .strip_prefix("s3://")
            .map(|b| b.trim_end_matches('/'))
            .filter(|b| !b.is_empty() && !b.contains('/'))
            .context("MOTCUA_FILES_URL must be s3://<bucket>")?;
        let store = object_store::aws::AmazonS3Builder::from_env()
            .with_bucket_name(bucket)
            .build()
            .context("incomplete S3 settings")?;
        Ok(Self {
            store: Arc::new(store),
            describe: format!("S3 bucket {bucket}"),
        })
    }

    /// Stores an object (replacing one of the same key).
    ///
    /// # Errors
    /// When the store fails.
    pub async fn put(&self, key: &str, bytes: Bytes) -> anyhow::Result<()> {
        self.store
            .put(&ObjectPath::from(key), PutPayload::from_bytes(bytes))
            .await
            .with_context(|| format!("cannot store {key} in the {self:?}"))?;
        Ok(())
    }

    /// Reads a whole object.
    ///
    /// # Errors
    /// When it is missing or the store fails.
    pub async fn get(&self, key: &str) -> anyhow::Result<Bytes> {
        let result = self
            .store
            .get(&ObjectPath::from(key))
            .await
            .with_context(|| format!("cannot read {key} from the {self:?}"))?;
        Ok(result.bytes().await?)
    }

    /// The keys under a prefix with their sizes, sorted.
    ///
    /// # Errors
    /// When the store fails.
    pub async fn list(&self, prefix: &str) -> anyhow::Result<Vec<(String, u64)>> {
        let mut items: Vec<(String, u64)> = self
            .store
            .list(Some(&ObjectPath::from(prefix)))
            .map_ok(|meta| (meta.location.to_string(), meta.size))
            .try_collect()
            .await
            .with_context(|| format!("cannot list {prefix} in the {self:?}"))?;
        items.sort();
        Ok(items)
    }

    /// The keys under a prefix with their sizes and when each was last written, sorted.
    ///
    /// # Errors
    /// When the store fails.
    pub async fn list_modified(
        &self,
        prefix: &str,
    ) -> anyhow::Result<Vec<(String, u64, chrono::DateTime<chrono::Utc>)>> {
        let mut items: Vec<(String, u64, chrono::DateTime<chrono::Utc>)> = self
            .store
            .list(Some(&ObjectPath::from(prefix)))
            .map_ok(|meta| (meta.location.to_string(), meta.size, meta.last_modified))
            .try_collect()
            .await
            .with_context(|| format!("cannot list {prefix} in the {self:?}"))?;
        items.sort();
        Ok(items)
    }

    /// Deletes an object; a missing one is not an error.
    ///
    /// # Errors
    /// When the store fails.
    pub async fn delete(&self, key: &str) -> anyhow::Result<()> {
        match self.store.delete(&ObjectPath::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e).with_context(|| format!("cannot delete {key} from the {self:?}")),
        }
    }
}
