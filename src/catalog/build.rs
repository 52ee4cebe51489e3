//! From the TOML text to a checked [`Provider`], with errors that name the key: the file's
//! own keys here, its steps, scopes and templates in the `check_*` modules beside.

use std::path::Path;

use regex::Regex;

use super::blocks::{CONTACT_KINDS, DEFAULT_CONTACTS};
use super::check_eligibility::check_eligibility;
use super::check_form::check_steps;
use super::check_scopes::{check_scope_rules, check_scopes};
use super::check_templates::{check_cross_references, check_templates};
use super::error::CatalogError;
use super::error::Errors;
use super::markdown;
use super::provider::{Provider, WEBHOOK_EVENTS, Webhook};
use super::raw::RawProvider;
use crate::domain::email::Email;
use crate::domain::form::Form;

/// Parses and checks one provider file.
pub fn parse_provider(file: &Path, text: &str) -> Result<Provider, Vec<CatalogError>> {
    let mut errors = Errors {
        file,
        list: Vec::new(),
    };
    let raw = match deserialize(text) {
        Ok(raw) => raw,
        Err((key, message)) => {
            errors.add(key, message);
            return Err(errors.list);
        }
    };
    let provider = check(raw, file, &mut errors);
    if errors.list.is_empty() {
        Ok(provider)
    } else {
        Err(errors.list)
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset)
        .map_or(0, |before| before.matches('\n').count())
        + 1
}

/// Deserialises, turning serde's English into a French message and a key path.
fn deserialize(text: &str) -> Result<RawProvider, (String, String)> {
    let de = toml::Deserializer::parse(text).map_err(|e| {
        let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(1);
        (
            String::new(),
            format!("syntaxe TOML invalide à la ligne {line} : {}", e.message()),
        )
    })?;
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let path = if path == "." { String::new() } else { path };
        let inner = e.into_inner();
        let line = inner
            .span()
            .map(|s| format!(" (ligne {})", line_of(text, s.start)))
            .unwrap_or_default();
        let message = inner.message().to_string();
        let join = |name: &str| {
            if path.is_empty() {
                name.to_string()
            } else {
                format!("{path}.{name}")
            }
        };
        let quoted = message.split('`').nth(1).unwrap_or("").to_string();
        if message.starts_with("missing field") {
            (join(&quoted), format!("clé obligatoire manquante{line}"))
        } else if message.starts_with("unknown field") {
            let key = if path.ends_with(&quoted) {
                path.clone()
            } else {
                join(&quoted)
            };
            (key, format!("clé inconnue « {quoted} »{line}"))
        } else if message.starts_with("invalid type") {
            (path, format!("type de valeur invalide{line} : {message}"))
        } else {
            (path, format!("valeur invalide{line} : {message}"))
        }
    })
}

fn check(raw: RawProvider, file: &Path, errors: &mut Errors) -> Provider {
    let stem = file
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    if raw.slug != stem {
        errors.add(
            "slug",
            format!(
                "« {} » doit être identique au nom du fichier (« {stem} »)",
                raw.slug
            ),
        );
    }
    if raw.slug.is_empty()
        || !raw
            .slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        errors.add(
            "slug",
            "seuls les minuscules, chiffres et tirets sont permis",
        );
    }
    for (key, value) in [
        ("name", &raw.name),
        ("provider", &raw.provider),
        ("description", &raw.description),
    ] {
        if value.trim().is_empty() {
            errors.add(key, "ne peut pas être vide");
        }
    }
    if Email::parse(&raw.contact_email).is_err() {
        errors.add(
            "contact_email",
            format!("adresse électronique invalide « {} »", raw.contact_email),
        );
    }
    if !(1..=120).contains(&raw.validity_months) {
        errors.add("validity_months", "doit être compris entre 1 et 120 mois");
    }
    if raw
        .usual_delay_days
        .is_some_and(|d| !(1..=365).contains(&d))
    {
        errors.add("usual_delay_days", "doit être compris entre 1 et 365 jours");
    }
    if !(raw.cgu_url.starts_with("https://") || raw.cgu_url.starts_with("http://")) {
        errors.add("cgu_url", "doit être un lien commençant par https://");
    }
    let naf = Regex::new(r"^\d{2}\.\d{2}[A-Z]$").ok();
    for (i, code) in raw.eligible_naf.iter().enumerate() {
        if !naf.as_ref().is_some_and(|re| re.is_match(code)) {
            errors.add(
                format!("eligible_naf[{i}]"),
                format!("code NAF invalide « {code} » (attendu : 84.11Z)"),
            );
        }
    }
    let contacts: Vec<String> = match &raw.contacts {
        Some(list) => {
            for (i, kind) in list.iter().enumerate() {
                if !CONTACT_KINDS.iter().any(|(k, _)| k == kind) {
                    let known: Vec<&str> = CONTACT_KINDS.iter().map(|(k, _)| *k).collect();
                    errors.add(
                        format!("contacts[{i}]"),
                        format!(
                            "contact inconnu « {kind} » (attendus : {})",
                            known.join(", ")
                        ),
                    );
                }
            }
            list.clone()
        }
        None => DEFAULT_CONTACTS.iter().map(|s| s.to_string()).collect(),
    };

    let scopes = check_scopes(&raw, errors);
    let steps = check_steps(&raw, &contacts, &scopes, errors);
    let scope_rules = check_scope_rules(&raw, &scopes, errors);
    let rights = super::check_rights::check_rights(&raw, errors);
    for (i, step) in raw.steps.iter().enumerate() {
        for (j, field) in step.fields.iter().enumerate() {
            if let Some(level) = &field.level
                && rights.level_index(level).is_none()
            {
                errors.add(
                    format!("steps[{i}].fields[{j}].level"),
                    format!("niveau inconnu « {level} » (voir [rights].levels)"),
                );
            }
        }
    }
    let form = Form {
        steps,
        scopes,
        scope_rules,
        rights,
    };
    check_cross_references(&form, &raw, errors);
    let templates = check_templates(&raw, &form, errors);
    let stages = super::check_stages::check_stages(&raw, &form, errors);
    let webhook = raw.webhook.as_ref().map(|w| {
        let valid_env = |name: &str| !name.is_empty() && name.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
        for (key, name) in [("webhook.url_env", &w.url_env), ("webhook.secret_env", &w.secret_env)] {
            if !valid_env(name) {
                errors.add(key, format!("nom de variable d'environnement invalide « {name} » (majuscules, chiffres, _)"));
            }
        }
        let events = w.events.clone().unwrap_or_else(|| WEBHOOK_EVENTS.iter().map(|e| e.to_string()).collect());
        for (i, e) in events.iter().enumerate() {
            if !WEBHOOK_EVENTS.contains(&e.as_str()) {
                errors.add(format!("webhook.events[{i}]"), format!("événement inconnu « {e} » (attendus : {})", WEBHOOK_EVENTS.join(", ")));
            }
        }
        Webhook { url_env: w.url_env.clone(), secret_env: w.secret_env.clone(), events }
    });

    let eligibility = check_eligibility(&raw, &form, errors);
    let introduction = raw
        .introduction
        .as_deref()
        .and_then(|text| markdown::render(text, "introduction", errors));
    Provider {
        slug: raw.slug,
        name: raw.name,
        provider: raw.provider,
        description: raw.description,
        contact_email: raw.contact_email,
        validity_months: raw.validity_months,
        usual_delay_days: raw.usual_delay_days,
        public_list: raw.public_list,
        cgu_url: raw.cgu_url,
        introduction,
        eligible_naf: raw.eligible_naf,
        eligibility,
        form,
        templates,
        webhook,
        // Read beside the file by the caller.
        logo: None,
        mails: Default::default(),
        stages,
        stage: None,
        shaped_by: None,
    }
}
