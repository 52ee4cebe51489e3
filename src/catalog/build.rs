//! From the TOML text to a checked [`Provider`], with errors that name the key.

use std::path::Path;

use regex::Regex;

use super::blocks::{self, CONTACT_KINDS, DEFAULT_CONTACTS};
use super::raw::{RawChoice, RawField, RawProvider};
use super::{CatalogError, Provider, Template};
use crate::domain::email::Email;
use crate::domain::form::{
    Choice, Condition, Field, FieldKind, Form, Pattern, SCOPES_KEY, ScopeDef, ScopeRules, Step,
    Value,
};

struct Errors<'a> {
    file: &'a Path,
    list: Vec<CatalogError>,
}

impl Errors<'_> {
    fn add(&mut self, key: impl Into<String>, message: impl Into<String>) {
        self.list.push(CatalogError {
            file: self.file.to_path_buf(),
            key: key.into(),
            message: message.into(),
        });
    }
}

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

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !id.starts_with('_')
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
    let form = Form {
        steps,
        scopes,
        scope_rules,
    };
    check_cross_references(&form, &raw, errors);
    let templates = check_templates(&raw, &form, errors);
    let webhook = raw.webhook.as_ref().map(|w| {
        let valid_env = |name: &str| !name.is_empty() && name.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
        for (key, name) in [("webhook.url_env", &w.url_env), ("webhook.secret_env", &w.secret_env)] {
            if !valid_env(name) {
                errors.add(key, format!("nom de variable d'environnement invalide « {name} » (majuscules, chiffres, _)"));
            }
        }
        let events = w.events.clone().unwrap_or_else(|| super::WEBHOOK_EVENTS.iter().map(|e| e.to_string()).collect());
        for (i, e) in events.iter().enumerate() {
            if !super::WEBHOOK_EVENTS.contains(&e.as_str()) {
                errors.add(format!("webhook.events[{i}]"), format!("événement inconnu « {e} » (attendus : {})", super::WEBHOOK_EVENTS.join(", ")));
            }
        }
        super::Webhook { url_env: w.url_env.clone(), secret_env: w.secret_env.clone(), events }
    });

    Provider {
        slug: raw.slug,
        name: raw.name,
        provider: raw.provider,
        description: raw.description,
        contact_email: raw.contact_email,
        validity_months: raw.validity_months,
        usual_delay_days: raw.usual_delay_days,
        cgu_url: raw.cgu_url,
        eligible_naf: raw.eligible_naf,
        form,
        templates,
        webhook,
        // Read beside the file by the caller.
        mails: Default::default(),
    }
}

fn check_scopes(raw: &RawProvider, errors: &mut Errors) -> Vec<ScopeDef> {
    let mut out: Vec<ScopeDef> = Vec::new();
    for (i, s) in raw.scopes.iter().enumerate() {
        if s.id.is_empty()
            || s.id.len() > 100
            || s.id.chars().any(|c| c.is_whitespace() || c == ',')
        {
            errors.add(
                format!("scopes[{i}].id"),
                format!("identifiant invalide « {} »", s.id),
            );
        }
        if out.iter().any(|o| o.id == s.id) {
            errors.add(
                format!("scopes[{i}].id"),
                format!("la donnée « {} » est déclarée deux fois", s.id),
            );
            continue;
        }
        out.push(ScopeDef {
            id: s.id.clone(),
            label: s.label.clone(),
            group: s.group.clone(),
            sensitive: s.sensitive,
            included: s.included,
            deprecated: s.deprecated,
        });
    }
    out
}

fn check_steps(
    raw: &RawProvider,
    contacts: &[String],
    scopes: &[ScopeDef],
    errors: &mut Errors,
) -> Vec<Step> {
    if raw.steps.is_empty() {
        errors.add("steps", "le formulaire doit avoir au moins une étape");
    }
    let mut steps: Vec<Step> = Vec::new();
    // Where each input key was first defined, to name both places of a duplicate.
    let mut seen: Vec<(String, String)> = Vec::new();
    for (si, raw_step) in raw.steps.iter().enumerate() {
        if !valid_id(&raw_step.id) {
            errors.add(
                format!("steps[{si}].id"),
                format!(
                    "identifiant invalide « {} » (minuscules, chiffres, _)",
                    raw_step.id
                ),
            );
        }
        if steps.iter().any(|s| s.id == raw_step.id) {
            errors.add(
                format!("steps[{si}].id"),
                format!("l'étape « {} » est déclarée deux fois", raw_step.id),
            );
        }
        let mut fields = Vec::new();
        for (bi, block) in raw_step.blocks.iter().enumerate() {
            match blocks::fields(block, contacts) {
                Some(mut list) => {
                    for f in &list {
                        note_keys(f, &format!("steps[{si}].blocks[{bi}]"), &mut seen, errors);
                    }
                    fields.append(&mut list);
                }
                None => errors.add(
                    format!("steps[{si}].blocks[{bi}]"),
                    format!(
                        "bloc inconnu « {block} » (attendus : {})",
                        blocks::BLOCKS.join(", ")
                    ),
                ),
            }
        }
        for (fi, raw_field) in raw_step.fields.iter().enumerate() {
            let key = format!("steps[{si}].fields[{fi}]");
            if let Some(field) = check_field(raw_field, &key, errors) {
                note_keys(&field, &format!("{key}.id"), &mut seen, errors);
                fields.push(field);
            }
        }
        if fields.is_empty() {
            errors.add(
                format!("steps[{si}]"),
                "l'étape ne contient ni bloc ni champ",
            );
        }
        steps.push(Step {
            id: raw_step.id.clone(),
            title: raw_step.title.clone(),
            fields,
        });
    }
    let scope_fields = steps
        .iter()
        .flat_map(|s| &s.fields)
        .filter(|f| f.kind == FieldKind::Scopes)
        .count();
    if !scopes.is_empty() && scope_fields == 0 {
        errors.add(
            "scopes",
            "des données sont déclarées mais aucune étape ne contient le bloc « scopes »",
        );
    }
    if scopes.is_empty() && scope_fields > 0 {
        errors.add(
            "scopes",
            "le bloc « scopes » est utilisé mais aucune donnée n'est déclarée",
        );
    }
    steps
}

fn note_keys(field: &Field, key: &str, seen: &mut Vec<(String, String)>, errors: &mut Errors) {
    for input in field.keys() {
        if let Some((_, first)) = seen.iter().find(|(k, _)| *k == input) {
            errors.add(
                key,
                format!("identifiant de champ « {input} » en double (déjà défini en {first})"),
            );
        } else {
            seen.push((input, key.to_string()));
        }
    }
}

fn check_field(raw: &RawField, key: &str, errors: &mut Errors) -> Option<Field> {
    let Some(kind) = FieldKind::parse(&raw.kind) else {
        let expected: Vec<&str> = FieldKind::ALL.iter().map(|k| k.as_str()).collect();
        errors.add(
            format!("{key}.type"),
            format!(
                "type inconnu « {} » (attendus : {})",
                raw.kind,
                expected.join(", ")
            ),
        );
        return None;
    };
    if !valid_id(&raw.id) {
        errors.add(
            format!("{key}.id"),
            format!(
                "identifiant invalide « {} » (minuscules, chiffres, _)",
                raw.id
            ),
        );
    }
    if kind == FieldKind::Scopes && raw.id != SCOPES_KEY {
        errors.add(
            format!("{key}.id"),
            format!("un champ de type scopes doit s'appeler « {SCOPES_KEY} »"),
        );
    }
    if raw.label.trim().is_empty() {
        errors.add(format!("{key}.label"), "ne peut pas être vide");
    }
    let options: Vec<Choice> = raw
        .options
        .iter()
        .map(|o| match o {
            RawChoice::Plain(v) => Choice {
                value: v.clone(),
                label: v.clone(),
            },
            RawChoice::Full { value, label } => Choice {
                value: value.clone(),
                label: label.clone(),
            },
        })
        .collect();
    if kind.has_options() && options.is_empty() {
        errors.add(
            format!("{key}.options"),
            format!(
                "un champ de type {} doit proposer des options",
                kind.as_str()
            ),
        );
    }
    if !kind.has_options() && !options.is_empty() {
        errors.add(
            format!("{key}.options"),
            format!("un champ de type {} ne prend pas d'options", kind.as_str()),
        );
    }
    if let (Some(min), Some(max)) = (raw.min_length, raw.max_length)
        && min > max
    {
        errors.add(format!("{key}.min_length"), "min_length dépasse max_length");
    }
    let pattern = match &raw.pattern {
        // Anchored: the whole answer must match, not a part of it.
        Some(p) => match Regex::new(&format!("^(?:{p})$")) {
            Ok(regex) => Some(Pattern {
                regex,
                message: raw
                    .pattern_message
                    .clone()
                    .unwrap_or_else(|| "Le format n'est pas valide.".to_string()),
            }),
            Err(e) => {
                errors.add(
                    format!("{key}.pattern"),
                    format!("expression régulière invalide : {e}"),
                );
                None
            }
        },
        None => None,
    };
    let mut field = Field::new(&raw.id, kind, &raw.label);
    field.hint = raw.hint.clone();
    field.required = raw.required;
    field.min_length = raw.min_length;
    field.max_length = raw.max_length;
    field.min = raw.min;
    field.max = raw.max;
    field.pattern = pattern;
    field.options = options;
    field.required_if_scope = raw.required_if_scope.clone();
    field.required_if = raw.required_if.as_ref().map(|c| Condition {
        field: c.field.clone(),
        greater_than: c.greater_than,
    });
    Some(field)
}

fn check_scope_rules(raw: &RawProvider, scopes: &[ScopeDef], errors: &mut Errors) -> ScopeRules {
    let rules = &raw.scope_rules;
    let known = |id: &str| scopes.iter().any(|s| s.id == id);
    for (i, g) in rules.groups.iter().enumerate() {
        if !scopes.iter().any(|s| s.group == g.group) {
            errors.add(
                format!("scope_rules.groups[{i}].group"),
                format!("groupe inconnu « {} »", g.group),
            );
        }
    }
    for (i, pair) in rules.incompatible.iter().enumerate() {
        for (j, id) in pair.iter().enumerate() {
            if !known(id) {
                errors.add(
                    format!("scope_rules.incompatible[{i}][{j}]"),
                    format!("donnée inconnue « {id} »"),
                );
            }
        }
    }
    for (i, id) in rules.exclusive.iter().enumerate() {
        if !known(id) {
            errors.add(
                format!("scope_rules.exclusive[{i}]"),
                format!("donnée inconnue « {id} »"),
            );
        }
    }
    ScopeRules {
        min: rules.min.unwrap_or(1),
        group_min: rules
            .groups
            .iter()
            .map(|g| (g.group.clone(), g.min))
            .collect(),
        incompatible: rules
            .incompatible
            .iter()
            .map(|[a, b]| (a.clone(), b.clone()))
            .collect(),
        exclusive: rules.exclusive.clone(),
    }
}

/// References between fields, once every field is known.
fn check_cross_references(form: &Form, raw: &RawProvider, errors: &mut Errors) {
    for (si, raw_step) in raw.steps.iter().enumerate() {
        for (fi, f) in raw_step.fields.iter().enumerate() {
            let key = format!("steps[{si}].fields[{fi}]");
            if let Some(scope) = &f.required_if_scope
                && form.scope(scope).is_none()
            {
                errors.add(
                    format!("{key}.required_if_scope"),
                    format!("donnée inconnue « {scope} »"),
                );
            }
            if let Some(cond) = &f.required_if {
                let numeric = form.field(&cond.field).is_some_and(|other| {
                    matches!(
                        other.kind,
                        FieldKind::Number | FieldKind::Select | FieldKind::Radio
                    )
                });
                if !numeric {
                    errors.add(
                        format!("{key}.required_if.field"),
                        format!(
                            "« {} » n'est pas un champ numérique de ce formulaire",
                            cond.field
                        ),
                    );
                }
            }
        }
    }
}

fn check_templates(raw: &RawProvider, form: &Form, errors: &mut Errors) -> Vec<Template> {
    let mut out: Vec<Template> = Vec::new();
    for (ti, t) in raw.templates.iter().enumerate() {
        let key = format!("templates[{ti}]");
        if !valid_id(&t.id) {
            errors.add(
                format!("{key}.id"),
                format!("identifiant invalide « {} »", t.id),
            );
        }
        if out.iter().any(|o| o.id == t.id) {
            errors.add(
                format!("{key}.id"),
                format!("le modèle « {} » est déclaré deux fois", t.id),
            );
        }
        let mut values = t.values.clone();
        for name in t.values.keys() {
            if name == SCOPES_KEY {
                errors.add(
                    format!("{key}.values.{name}"),
                    "les données se déclarent dans « scopes », pas dans « values »",
                );
            } else if form.field_for_key(name).is_none() {
                errors.add(
                    format!("{key}.values.{name}"),
                    format!("champ inconnu « {name} »"),
                );
            }
        }
        for (si, scope) in t.scopes.iter().enumerate() {
            match form.scope(scope) {
                None => errors.add(
                    format!("{key}.scopes[{si}]"),
                    format!("donnée inconnue « {scope} »"),
                ),
                Some(s) if s.deprecated => errors.add(
                    format!("{key}.scopes[{si}]"),
                    format!("la donnée « {scope} » est obsolète"),
                ),
                Some(_) => {}
            }
        }
        if !t.scopes.is_empty() {
            values.insert(SCOPES_KEY.to_string(), Value::Many(t.scopes.clone()));
        }
        out.push(Template {
            id: t.id.clone(),
            name: t.name.clone(),
            description: t.description.clone(),
            values,
        });
    }
    out
}
