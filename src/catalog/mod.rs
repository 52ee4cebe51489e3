//! The providers' forms, loaded from `providers/*.toml` and checked at start-up.
//!
//! A broken file stops start-up with a message naming the file and the key:
//! `providers/api-particulier.toml: steps[2].fields[0].type : type inconnu « txt » (...)`.

mod blocks;
mod build;
mod check_eligibility;
mod check_form;
mod check_rights;
mod check_scopes;
mod check_stages;
mod check_templates;
mod error;
pub mod logo;
pub mod mails;
mod markdown;
mod provider;
mod raw;

use std::path::{Path, PathBuf};

pub use crate::domain::rights::{Rights, ScopeRights};
pub use blocks::{BLOCKS, CONTACT_KINDS};
pub use build::parse_provider;
pub use check_form::MAX_FILE_MB;
pub use error::{CatalogError, CatalogErrors};
pub use markdown::render_page;
pub use provider::{Provider, Stage, StageAt, Template, WEBHOOK_EVENTS, Webhook};

/// Every provider, sorted by slug.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    providers: Vec<Provider>,
    /// Each staged provider seen at each of its stages, and each provider (at each stage)
    /// as a demande of each of its forms that shapes it.
    staged: Vec<Provider>,
    /// The providers without stages.
    unstaged: Vec<Provider>,
}

impl Catalog {
    pub fn new(mut providers: Vec<Provider>) -> Self {
        providers.sort_by(|a, b| a.slug.cmp(&b.slug));
        let mut staged: Vec<Provider> = providers
            .iter()
            .flat_map(|p| (0..p.stages.len()).filter_map(|i| p.staged(i)))
            .collect();
        let stage_views: Vec<&Provider> = providers
            .iter()
            .filter(|p| p.stages.is_empty())
            .chain(staged.iter())
            .collect();
        let shaped: Vec<Provider> = stage_views
            .iter()
            .flat_map(|p| {
                p.templates
                    .iter()
                    .filter(|t| t.shapes_the_form())
                    .map(|t| p.shaped(t))
            })
            .collect();
        staged.extend(shaped);
        let unstaged = providers
            .iter()
            .filter(|p| p.stages.is_empty())
            .cloned()
            .collect();
        Catalog {
            providers,
            staged,
            unstaged,
        }
    }

    pub fn get(&self, slug: &str) -> Option<&Provider> {
        self.providers.iter().find(|p| p.slug == slug)
    }

    /// The provider as a demande of `stage` sees it: that stage's form and validity; the
    /// whole provider when it has no stages (or no longer this one).
    pub fn at_stage(&self, slug: &str, stage: Option<&str>) -> Option<&Provider> {
        self.view(slug, stage, None)
    }

    /// The provider as a demande of `stage` and of the form `template` sees it; what does not
    /// exist (any more) falls back to the stage's view, then to the whole provider.
    pub fn view(
        &self,
        slug: &str,
        stage: Option<&str>,
        template: Option<&str>,
    ) -> Option<&Provider> {
        let stage_is = |p: &Provider| p.stage.as_ref().map(|s| s.id.as_str()) == stage;
        let template_is = |p: &Provider| p.shaped_by.as_ref().map(|t| t.id.as_str()) == template;
        let found = |shaped: bool| {
            self.staged.iter().find(|p| {
                p.slug == slug
                    && stage_is(p)
                    && match shaped {
                        true => template_is(p),
                        false => p.shaped_by.is_none(),
                    }
            })
        };
        template
            .and_then(|_| found(true))
            .or_else(|| stage.and_then(|_| found(false)))
            .or_else(|| self.get(slug))
    }

    pub fn all(&self) -> &[Provider] {
        &self.providers
    }

    /// The providers without stages: what the benchmarks' synthetic demandes are spread over
    /// (a staged demande needs its chain, which the demo writes on its own).
    pub fn unstaged(&self) -> &[Provider] {
        &self.unstaged
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
                match logo::load(dir, &p.slug) {
                    Ok(found) => p.logo = found,
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

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_eligibility;
#[cfg(test)]
mod tests_procedure;
#[cfg(test)]
mod tests_rights;
