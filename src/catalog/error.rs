//! A problem in a provider file, named by file and key, and the collector the checks add to.

use std::fmt;
use std::path::{Path, PathBuf};

/// One problem in one file, at one key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogError {
    pub file: PathBuf,
    /// Dotted path to the key (`steps[2].fields[0].type`), empty for the whole file.
    pub key: String,
    pub message: String,
}

impl fmt::Display for CatalogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.key.is_empty() {
            write!(f, "{}: {}", self.file.display(), self.message)
        } else {
            write!(
                f,
                "{}: {} : {}",
                self.file.display(),
                self.key,
                self.message
            )
        }
    }
}

/// All the problems found, one per line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct CatalogErrors(pub Vec<CatalogError>);

impl fmt::Display for CatalogErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

/// The problems of one file, collected as the checks go.
pub(super) struct Errors<'a> {
    pub(super) file: &'a Path,
    pub(super) list: Vec<CatalogError>,
}

impl Errors<'_> {
    pub(super) fn add(&mut self, key: impl Into<String>, message: impl Into<String>) {
        self.list.push(CatalogError {
            file: self.file.to_path_buf(),
            key: key.into(),
            message: message.into(),
        });
    }
}
