//! Answers as an applicant fills a provider's form: every field of its steps, read from the
//! catalog, with plausible French values; scopes chosen among the provider's, within its rules.

use crate::catalog::Provider;
use crate::domain::form::{
    Answers, CONTACT_PARTS, Field, FieldKind, LEVEL_KEY, SCOPES_KEY, Value, actions_key,
    bound_keys, broken_scope_rule, chosen_scopes, filter_key, number_label,
};
use crate::domain::rights::{FilterKind, territory};

use super::rng::Rng;

const GIVEN: [&str; 12] = [
    "Claire", "Julien", "Sophie", "Nicolas", "Camille", "Thomas", "Élodie", "Mathieu", "Nathalie",
    "Karim", "Isabelle", "Hugo",
];
const FAMILY: [&str; 12] = [
    "Martin",
    "Bernard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Lefèvre",
    "Garnier",
    "Chevalier",
    "Benali",
    "Fontaine",
    "Rousseau",
];
const JOBS: [&str; 6] = [
    "Directrice des systèmes d'information",
    "Responsable du service enfance",
    "Chef de projet numérique",
    "Déléguée à la protection des données",
    "Développeur",
    "Directeur général des services",
];
const DESCRIPTIONS: [&str; 4] = [
    "Le téléservice « {p} » permet aux familles de faire leur démarche en ligne sans fournir de justificatif : les agents instructeurs de {o} obtiennent directement les données nécessaires au calcul du tarif ou de l'aide.",
    "Dans le cadre du projet « {p} », {o} souhaite supprimer les pièces justificatives demandées aux usagers. Les données sont consultées au moment de l'instruction du dossier, puis conservées le temps de la décision.",
    "Projet porté par {o} : simplifier la démarche « {p} » pour environ quatre mille foyers par an, en récupérant les données auprès de l'administration qui les détient plutôt qu'en les demandant aux usagers.",
    "Les agents de {o} instruisent chaque année les dossiers « {p} ». L'accès aux données évite les allers-retours avec les usagers et réduit le délai de traitement de trois semaines à quelques jours.",
];
const LEGAL: [(&str, &str); 4] = [
    (
        "Délibération du conseil municipal fixant la tarification sociale des services municipaux, article L. 2121-29 du Code général des collectivités territoriales.",
        "https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000006390116",
    ),
    (
        "Article L. 114-8 du Code des relations entre le public et l'administration (échanges de données entre administrations).",
        "https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000037307658",
    ),
    (
        "Article L. 123-5 du Code de l'action sociale et des familles, relatif aux missions des centres communaux d'action sociale.",
        "https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000006797091",
    ),
    (
        "Article R2143-13 du Code de la commande publique, relatif à l'accès des acheteurs aux documents justificatifs.",
        "https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000037730589",
    ),
];
const RECIPIENTS: [&str; 4] = [
    "Agents instructeurs du service enfance et éducation.",
    "Agents habilités du CCAS, chargés de l'instruction des aides facultatives.",
    "Agents du guichet unique et leur responsable hiérarchique.",
    "Agents habilités du service de la commande publique.",
];
const SENTENCES: [&str; 3] = [
    "Les dossiers restent ouverts pendant toute la durée de l'aide, renouvelée chaque année.",
    "Le volume correspond au pic de la rentrée scolaire, où la plupart des dossiers sont déposés.",
    "Aucun autre usage des données n'est prévu ; les agents sont formés à leur confidentialité.",
];

/// What to write the answers with, for one demande.
pub struct Context<'a> {
    pub intitule: &'a str,
    pub organisation: &'a str,
    pub siret: &'a str,
    /// The domain of the organisation's email addresses (`mairie-lyon.fr`).
    pub domain: &'a str,
}

/// Answers to every field of the provider's form and the scopes they ask for, starting from
/// one of its templates about half the time, as applicants do; the template's id if so.
pub fn fill(
    provider: &Provider,
    rng: &mut Rng,
    ctx: &Context<'_>,
) -> (Answers, Vec<String>, Option<usize>) {
    let template = (!provider.templates.is_empty() && rng.below(2) == 0)
        .then(|| rng.below(provider.templates.len()));
    let mut answers = template
        .map(|t| provider.templates[t].values.clone())
        .unwrap_or_default();
    answers.insert("intitule".to_string(), one(ctx.intitule));
    for field in provider.form.steps.iter().flat_map(|s| &s.fields) {
        let filled = answers.get(&field.keys()[0]).is_some_and(|v| !v.is_blank());
        // Optional fields stay empty a third of the time, unless a condition may require them.
        let optional =
            !field.required && field.required_if.is_none() && field.required_unless.is_none();
        if filled || (optional && rng.below(3) == 0) {
            continue;
        }
        if field.kind == FieldKind::Contact {
            contact(&mut answers, field, rng, ctx.domain);
        } else if field.kind == FieldKind::Scopes {
            let scopes = pick_scopes(provider, rng);
            answers.insert(SCOPES_KEY.to_string(), Value::Many(scopes));
        } else if let Some(value) = value_for(field, rng, ctx) {
            answers.insert(field.id.clone(), value);
        }
    }
    let scopes = chosen_scopes(&provider.form, &answers);
    if !scopes.is_empty() {
        answers.insert(SCOPES_KEY.to_string(), Value::Many(scopes.clone()));
    }
    rights(provider, &scopes, &mut answers, rng);
    (answers, scopes, template)
}

/// The rights asked beside the scopes: some actions, the required filters and a few others, a
/// level.
fn rights(provider: &Provider, scopes: &[String], answers: &mut Answers, rng: &mut Rng) {
    let rights = &provider.form.rights;
    for scope in scopes {
        let requestable = rights.requestable_of(scope);
        if !requestable.is_empty() && rng.below(2) == 0 {
            let n = 1 + rng.below(requestable.len());
            let ticked = requestable.iter().take(n).map(|(id, _)| id.clone());
            answers.insert(actions_key(scope), Value::Many(ticked.collect()));
        }
        for (filter, required) in rights.filters_of(scope) {
            if !required && rng.below(3) != 0 {
                continue;
            }
            match &filter.kind {
                FilterKind::Enumeration(options) => {
                    let value = options[rng.below(options.len())].0.clone();
                    answers.insert(filter_key(scope, &filter.id), Value::Many(vec![value]));
                }
                FilterKind::Territory => {
                    let (code, _) = territory::DEPARTMENTS[rng.below(territory::DEPARTMENTS.len())];
                    answers.insert(filter_key(scope, &filter.id), one(code));
                }
                FilterKind::Range { min, max } => {
                    let [from, to] = bound_keys(scope, &filter.id);
                    answers.insert(from, one(&number_label(*min)));
                    answers.insert(to, one(&number_label(*max)));
                }
                FilterKind::Dates => {
                    let [from, to] = bound_keys(scope, &filter.id);
                    let year = 2015 + rng.below(10);
                    answers.insert(from, one(&format!("{year}-01-01")));
                    answers.insert(to, one(&format!("{year}-12-31")));
                }
            }
        }
    }
    if !rights.levels.is_empty() {
        let (level, _) = &rights.levels[rng.below(rights.levels.len())];
        answers.insert(LEVEL_KEY.to_string(), one(level));
    }
}

fn one(s: &str) -> Value {
    Value::One(s.to_string())
}

fn pick<'a>(rng: &mut Rng, items: &[&'a str]) -> &'a str {
    items[rng.below(items.len())]
}

/// Lower-case ASCII for an email address: `Élodie` -> `elodie`.
fn ascii(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            'é' | 'è' | 'ê' | 'É' => Some('e'),
            'ï' | 'î' => Some('i'),
            c if c.is_ascii_alphanumeric() => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

fn contact(answers: &mut Answers, field: &Field, rng: &mut Rng, domain: &str) {
    let given = pick(rng, &GIVEN);
    let family = pick(rng, &FAMILY);
    for (part, _, _) in CONTACT_PARTS {
        let value = match part {
            "family_name" => family.to_string(),
            "given_name" => given.to_string(),
            "email" => format!("{}.{}@{domain}", ascii(given), ascii(family)),
            "phone_number" => phone(rng),
            _ => pick(rng, &JOBS).to_string(),
        };
        answers.insert(format!("{}_{part}", field.id), Value::One(value));
    }
}

fn phone(rng: &mut Rng) -> String {
    format!(
        "0{} {:02} {:02} {:02} {:02}",
        1 + rng.below(5),
        rng.below(100),
        rng.below(100),
        rng.below(100),
        rng.below(100)
    )
}

fn value_for(field: &Field, rng: &mut Rng, ctx: &Context<'_>) -> Option<Value> {
    let id = field.id.as_str();
    let text = match field.kind {
        FieldKind::Text if id == "intitule" => ctx.intitule.to_string(),
        FieldKind::Text if id.contains("volumetrie") => {
            format!("{} dossiers par an", 500 + 500 * rng.below(40))
        }
        FieldKind::Text if id.contains("name") || id.contains("nom") => {
            format!("{} {}", pick(rng, &GIVEN), pick(rng, &FAMILY))
        }
        FieldKind::Text => format!("Service {} – {}", pick(rng, &JOBS), ctx.organisation),
        FieldKind::Textarea if id == "description" => {
            let (project, _) = ctx.intitule.split_once(" – ").unwrap_or((ctx.intitule, ""));
            pick(rng, &DESCRIPTIONS)
                .replace("{p}", project)
                .replace("{o}", ctx.organisation)
        }
        FieldKind::Textarea if id.starts_with("cadre_juridique") => {
            LEGAL[rng.below(LEGAL.len())].0.to_string()
        }
        FieldKind::Textarea if id.starts_with("destinataire") => pick(rng, &RECIPIENTS).to_string(),
        FieldKind::Textarea => pick(rng, &SENTENCES).to_string(),
        FieldKind::Email => format!("{}@{}", pick(rng, &["contact", "dsi", "dpo"]), ctx.domain),
        FieldKind::Phone => phone(rng),
        FieldKind::Url => LEGAL[rng.below(LEGAL.len())].1.to_string(),
        FieldKind::Number if id.starts_with("duree") => pick(rng, &["12", "24", "36"]).to_string(),
        FieldKind::Number => {
            let low = field.min.unwrap_or(1.0).max(0.0) as u64;
            let high = field.max.map_or(low + 100, |m| m as u64).max(low);
            (low + rng.below((high - low + 1) as usize) as u64).to_string()
        }
        FieldKind::Date => format!("2027-{:02}-{:02}", 1 + rng.below(12), 1 + rng.below(28)),
        FieldKind::Select | FieldKind::Radio if !field.options.is_empty() => {
            field.options[rng.below(field.options.len())].value.clone()
        }
        FieldKind::Checkbox => "oui".to_string(),
        FieldKind::Checkboxes if !field.options.is_empty() => {
            let mut chosen: Vec<String> = field
                .options
                .iter()
                .filter(|_| rng.below(2) == 0)
                .map(|o| o.value.clone())
                .collect();
            if chosen.is_empty() {
                chosen.push(field.options[0].value.clone());
            }
            return Some(Value::Many(chosen));
        }
        FieldKind::Siret => ctx.siret.to_string(),
        _ => return None,
    };
    let text = match field.max_length {
        Some(max) => text.chars().take(max).collect(),
        None => text,
    };
    Some(Value::One(text))
}

/// A few of the provider's scopes that its rules accept (the included ones come on top).
fn pick_scopes(provider: &Provider, rng: &mut Rng) -> Vec<String> {
    let form = &provider.form;
    let open: Vec<&str> = form
        .scopes
        .iter()
        .filter(|s| !s.deprecated && !s.included)
        .map(|s| s.id.as_str())
        .collect();
    if open.is_empty() {
        return Vec::new();
    }
    let with_included = |mut ids: Vec<String>| {
        for id in form.included_scopes() {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        ids
    };
    for _ in 0..16 {
        let wanted = 1 + rng.below(6);
        let mut ids: Vec<String> = Vec::new();
        for _ in 0..wanted {
            let id = open[rng.below(open.len())].to_string();
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        if broken_scope_rule(form, &with_included(ids.clone())).is_none() {
            return ids;
        }
    }
    // Rules too tight for chance: the first scope of each group, then alone.
    let mut ids: Vec<String> = Vec::new();
    for scope in form.scopes.iter().filter(|s| !s.deprecated && !s.included) {
        if !ids
            .iter()
            .any(|i| form.scope(i).is_some_and(|s2| s2.group == scope.group))
        {
            ids.push(scope.id.clone());
        }
        if broken_scope_rule(form, &with_included(ids.clone())).is_none() {
            return ids;
        }
    }
    ids
}
