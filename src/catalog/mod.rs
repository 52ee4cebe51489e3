//! The providers' forms, loaded from `providers/*.toml` and checked at start-up.
//!
//! A broken file stops start-up with a message naming the file and the key:
//! `providers/api-particulier.toml: steps[2].fields[0].type : type inconnu « txt » (...)`.

mod blocks;
mod build;
pub mod mails;
mod raw;

use std::fmt;
use std::path::{Path, PathBuf};

use crate::domain::form::{Answers, Form};

pub use blocks::{BLOCKS, CONTACT_KINDS};

/// One provider's form and its settings.
#[derive(Debug, Clone)]
pub struct Provider {
    pub slug: String,
    pub name: String,
    /// The organisation that holds the data (DGFiP, DINUM...).
    pub provider: String,
    pub description: String,
    pub contact_email: String,
    pub validity_months: u32,
    /// The usual time to decide, in days, told to applicants in their receipt.
    pub usual_delay_days: Option<u32>,
    pub cgu_url: String,
    pub eligible_naf: Vec<String>,
    pub form: Form,
    pub templates: Vec<Template>,
    pub webhook: Option<Webhook>,
    /// The provider's own wording of emails, by event (`providers/<slug>/mails/`).
    pub mails: std::collections::BTreeMap<String, mails::MailText>,
}

/// Events the provider's systems hear of, signed with the secret.
#[derive(Debug, Clone)]
pub struct Webhook {
    pub url_env: String,
    pub secret_env: String,
    pub events: Vec<String>,
}

/// Events a webhook may ask for.
pub const WEBHOOK_EVENTS: [&str; 11] = [
    "create",
    "submit",
    "request_changes",
    "approve",
    "refuse",
    "revoke",
    "archive",
    "reopen",
    "cancel_reopening",
    "transfer",
    "update",
];

impl Provider {
    pub fn template(&self, id: &str) -> Option<&Template> {
        self.templates.iter().find(|t| t.id == id)
    }
}

/// A prefilled use case ("démarche").
#[derive(Debug, Clone)]
pub struct Template {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    /// Prefilled answers, scopes included under [`crate::domain::form::SCOPES_KEY`].
    pub values: Answers,
}

/// Every provider, sorted by slug.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    providers: Vec<Provider>,
}

impl Catalog {
    pub fn new(mut providers: Vec<Provider>) -> Self {
        providers.sort_by(|a, b| a.slug.cmp(&b.slug));
        Catalog { providers }
    }

    pub fn get(&self, slug: &str) -> Option<&Provider> {
        self.providers.iter().find(|p| p.slug == slug)
    }

    pub fn all(&self) -> &[Provider] {
        &self.providers
    }
}

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

/// Loads and checks every `*.toml` of a directory.
pub fn load_dir(dir: &Path) -> Result<Catalog, CatalogErrors> {
    let whole = |message: String| {
        CatalogErrors(vec![CatalogError {
            file: dir.to_path_buf(),
            key: String::new(),
            message,
        }])
    };
    let entries = std::fs::read_dir(dir)
        .map_err(|e| whole(format!("dossier des fournisseurs illisible ({e})")))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(whole(
            "aucun fichier .toml de fournisseur trouvé".to_string(),
        ));
    }
    let mut providers: Vec<Provider> = Vec::new();
    let mut errors = Vec::new();
    for file in files {
        let text = match std::fs::read_to_string(&file) {
            Ok(text) => text,
            Err(e) => {
                errors.push(CatalogError {
                    file,
                    key: String::new(),
                    message: format!("fichier illisible ({e})"),
                });
                continue;
            }
        };
        match build::parse_provider(&file, &text) {
            Ok(mut p) => {
                match mails::load(dir, &p.slug) {
                    Ok(found) => p.mails = found,
                    Err(mut e) => errors.append(&mut e),
                }
                if providers.iter().any(|other| other.slug == p.slug) {
                    errors.push(CatalogError {
                        file,
                        key: "slug".to_string(),
                        message: format!(
                            "le fournisseur « {} » est déjà défini par un autre fichier",
                            p.slug
                        ),
                    });
                } else {
                    providers.push(p);
                }
            }
            Err(mut e) => errors.append(&mut e),
        }
    }
    if errors.is_empty() {
        Ok(Catalog::new(providers))
    } else {
        Err(CatalogErrors(errors))
    }
}

pub use build::parse_provider;

#[cfg(test)]
mod tests;
