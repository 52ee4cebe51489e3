//! What tests start from: demandes in every state, made as people make them, and people,
//! roles and memberships put straight in the database.

use habilis::domain::form::{
    CONTACT_PARTS, FieldKind, LEVEL_KEY, SCOPES_KEY, bound_keys, filter_key,
};
use habilis::domain::rights::{FilterDef, FilterKind};
use reqwest::StatusCode;

use super::{Browser, TestApp};

/// The provider's instructor among the demo accounts.
pub fn instructor_of(provider: &str) -> String {
    format!("instruction@{provider}.example")
}

/// A valid restriction of one filter of a scope, as its inputs post it.
pub fn filter_answer(scope: &str, filter: &FilterDef) -> Vec<(String, String)> {
    match &filter.kind {
        FilterKind::Enumeration(options) => {
            vec![(filter_key(scope, &filter.id), options[0].0.clone())]
        }
        FilterKind::Territory => vec![(filter_key(scope, &filter.id), "69".to_string())],
        FilterKind::Range { min, max } => {
            let [from, to] = bound_keys(scope, &filter.id);
            vec![(from, min.to_string()), (to, max.to_string())]
        }
        FilterKind::Dates => {
            let [from, to] = bound_keys(scope, &filter.id);
            vec![
                (from, "2024-01-01".to_string()),
                (to, "2024-12-31".to_string()),
            ]
        }
    }
}

impl TestApp {
    /// Valid answers for every field of a provider's new demande (its first stage, if it has
    /// stages), step by step.
    pub fn complete_answers(&self, provider: &str) -> Vec<Vec<(String, String)>> {
        let first = self.catalog.get(provider).unwrap().first_stage();
        self.complete_answers_at(provider, first)
    }

    /// Valid answers for every field of a provider's form at `stage`, step by step.
    pub fn complete_answers_at(
        &self,
        provider: &str,
        stage: Option<&str>,
    ) -> Vec<Vec<(String, String)>> {
        let provider = self.catalog.at_stage(provider, stage).unwrap();
        let form = &provider.form;
        provider
            .form
            .steps
            .iter()
            .map(|step| {
                let mut pairs = Vec::new();
                for field in &step.fields {
                    let value = |kind: FieldKind| -> String {
                        match kind {
                            FieldKind::Text | FieldKind::Textarea => "Tarification sociale de la cantine".to_string(),
                            FieldKind::Email => "marie.dupont@mairie-lyon.fr".to_string(),
                            FieldKind::Phone => "04 72 10 30 30".to_string(),
                            FieldKind::Url => "https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000031366350".to_string(),
                            FieldKind::Number => field.min.map_or(12.0, |m| m.max(12.0)).to_string(),
                            FieldKind::Date => "2027-01-31".to_string(),
                            FieldKind::Checkbox => "oui".to_string(),
                            FieldKind::Siret => "21690123100011".to_string(),
                            _ => field.options.first().map(|o| o.value.clone()).unwrap_or_default(),
                        }
                    };
                    match field.kind {
                        FieldKind::Contact => {
                            for (part, _, kind) in CONTACT_PARTS {
                                pairs.push((format!("{}_{part}", field.id), value(kind)));
                            }
                        }
                        FieldKind::Scopes => {
                            // The first scope of each group with a minimum, or the first scope.
                            let mut chosen: Vec<String> = form
                                .scope_rules
                                .group_min
                                .iter()
                                .filter_map(|(g, _)| form.scopes.iter().find(|s| &s.group == g && !s.deprecated))
                                .map(|s| s.id.clone())
                                .collect();
                            if chosen.is_empty() {
                                chosen.push(form.scopes.iter().find(|s| !s.deprecated).unwrap().id.clone());
                            }
                            // What a submission needs of their rights: the required
                            // filters, and the highest level (an instructor may lower it).
                            for id in &chosen {
                                for (filter, required) in form.rights.filters_of(id) {
                                    if required {
                                        pairs.extend(filter_answer(id, filter));
                                    }
                                }
                            }
                            if let Some((level, _)) = form.rights.levels.last() {
                                pairs.push((LEVEL_KEY.to_string(), level.clone()));
                            }
                            for id in chosen {
                                pairs.push((SCOPES_KEY.to_string(), id));
                            }
                        }
                        // Files are sent as files (tests/api/attachments.rs); the legal basis
                        // is given by its URL.
                        FieldKind::File => {}
                        kind => pairs.push((field.id.clone(), value(kind))),
                    }
                }
                pairs
            })
            .collect()
    }

    /// Saves every step of a demande with `answers`, each saved. A fixture: the session's one
    /// CSRF token serves every step, without loading each step's page first as `fill` does.
    async fn fill_every_step(&self, who: &Browser, id: i64, answers: &[Vec<(String, String)>]) {
        let csrf = who.get("/demandes").await.csrf();
        for (step, pairs) in answers.iter().enumerate() {
            let mut body = vec![("_csrf", csrf.as_str()), ("_action", "enregistrer")];
            body.extend(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
            let page = who
                .post(&format!("/demandes/{id}/etapes/{}", step + 1), &body)
                .await;
            assert_eq!(page.status, StatusCode::SEE_OTHER, "step {}", step + 1);
        }
    }

    /// A demande of `provider` started and completed on every step by `applicant`, not
    /// submitted.
    pub async fn filled_draft(&self, applicant: &Browser, provider: &str) -> i64 {
        let id = applicant.start_demande(provider, "").await;
        self.fill_every_step(applicant, id, &self.complete_answers(provider))
            .await;
        id
    }

    /// A complete draft of `provider` whose DPO is dpo@mairie-lyon.fr; returns its id.
    pub async fn complete_draft(&self, applicant: &Browser, provider: &str) -> i64 {
        let id = applicant.start_demande(provider, "").await;
        let answers: Vec<Vec<(String, String)>> = self
            .complete_answers(provider)
            .into_iter()
            .map(|step| {
                step.into_iter()
                    .map(|(k, v)| {
                        if k == "delegue_protection_donnees_email" {
                            (k, "dpo@mairie-lyon.fr".to_string())
                        } else {
                            (k, v)
                        }
                    })
                    .collect()
            })
            .collect();
        self.fill_every_step(applicant, id, &answers).await;
        id
    }

    /// A demande of `provider` started, completed on every step and submitted by `applicant`.
    pub async fn submitted_demande(&self, applicant: &Browser, provider: &str) -> i64 {
        let id = self.filled_draft(applicant, provider).await;
        assert_eq!(
            applicant.submit(id, true).await.status,
            StatusCode::SEE_OTHER
        );
        id
    }

    /// A demande started from a provider's template, completed on every step but the scopes
    /// (the template's are kept) and submitted by `applicant`.
    pub async fn submitted_from_template(
        &self,
        applicant: &Browser,
        provider: &str,
        template: &str,
    ) -> i64 {
        let id = applicant.start_demande(provider, template).await;
        for (step, pairs) in self.complete_answers(provider).iter().enumerate() {
            if !pairs.iter().any(|(key, _)| key == SCOPES_KEY) {
                assert_eq!(
                    applicant.fill(id, step + 1, pairs).await.status,
                    StatusCode::SEE_OTHER
                );
            }
        }
        assert_eq!(
            applicant.submit(id, true).await.status,
            StatusCode::SEE_OTHER
        );
        id
    }

    /// A submitted demande that the provider's instructor then decided on ("valider",
    /// "refuser", ...), with this reason.
    pub async fn decided_demande(
        &self,
        applicant: &Browser,
        provider: &str,
        action: &str,
        reason: &str,
    ) -> i64 {
        let id = self.submitted_demande(applicant, provider).await;
        let instructor = self.login_as(&instructor_of(provider)).await;
        let done = instructor.decide(id, action, reason).await;
        assert_eq!(
            done.status,
            StatusCode::SEE_OTHER,
            "{action}: {}",
            done.body
        );
        id
    }

    /// A demande validated by the provider's instructor, with a habilitation.
    pub async fn validated_demande(&self, applicant: &Browser, provider: &str) -> i64 {
        self.decided_demande(applicant, provider, "valider", "")
            .await
    }

    /// A draft the provider's instructor prepared for the organisation `siret`, inviting
    /// `email`, through the instruction page's form; its id.
    pub async fn prepared_draft(&self, provider: &str, siret: &str, email: &str) -> i64 {
        let instructor = self.login_as(&instructor_of(provider)).await;
        let csrf = instructor.get("/instruction/brouillons").await.csrf();
        let done = instructor
            .post(
                "/instruction/brouillons",
                &[
                    ("_csrf", &csrf),
                    ("formulaire", &format!("{provider}:")),
                    ("siret", siret),
                    ("email", email),
                    ("intitule", "Tarification de la cantine 2027"),
                    ("note", "Complétez le cadre juridique, le reste est prêt."),
                ],
            )
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        use diesel::{ExpressionMethods, QueryDsl, RunQueryDsl};
        use habilis::db::schema::prepared_drafts;
        prepared_drafts::table
            .filter(prepared_drafts::invited_email.eq(email))
            .order(prepared_drafts::id.desc())
            .select(prepared_drafts::demande_id)
            .first(&mut self.conn())
            .unwrap()
    }

    /// The id of the account at `email`.
    pub fn user_id(&self, email: &str) -> i64 {
        habilis::db::users::find_by_email(&mut self.conn(), email)
            .unwrap()
            .unwrap()
            .id
    }

    /// Gives a role to a (new) person, straight in the database.
    pub fn grant_role(&self, email: &str, provider: &str, role: &str) {
        let mut conn = self.conn();
        let user = person(&mut conn, email, "Second", "Instructeur");
        habilis::db::users::grant_role(
            &mut conn,
            user.id,
            provider,
            habilis::domain::policy::Role::parse(role).expect("a role name"),
            habilis::services::now(),
        )
        .unwrap();
    }

    /// Makes a (new) person a member of an organisation, straight in the database.
    pub fn add_member(&self, email: &str, siret: &str) {
        let mut conn = self.conn();
        let user = person(&mut conn, email, "Agent", "Municipal");
        let org = self.organisation(siret).id;
        habilis::db::users::add_membership(&mut conn, user.id, org, true, habilis::services::now())
            .unwrap();
    }

    /// Ends a person's membership of an organisation, as a sign-in elsewhere does.
    pub fn lapse_member(&self, email: &str, siret: &str) {
        let mut conn = self.conn();
        let user = habilis::db::users::find_by_email(&mut conn, email)
            .unwrap()
            .unwrap();
        let org = self.organisation(siret).id;
        assert!(
            habilis::db::users::lapse_membership(&mut conn, user.id, org, habilis::services::now())
                .unwrap()
        );
    }

    /// An organisation, by SIRET.
    pub fn organisation(&self, siret: &str) -> habilis::db::models::Organisation {
        habilis::db::organisations::find_by_siret(&mut self.conn(), siret)
            .unwrap()
            .unwrap()
    }

    /// The id of an organisation, by SIRET.
    pub fn organisation_id(&self, siret: &str) -> i64 {
        self.organisation(siret).id
    }

    /// A rights-API token of a provider, with the default scopes: (its id, the token).
    pub async fn api_token(&self, provider: &str, name: &str) -> (i64, String) {
        self.api_token_with(provider, name, &habilis::domain::api_scope::DEFAULT)
            .await
    }

    /// A rights-API token of a provider that may read only `scopes`.
    pub async fn api_token_with(
        &self,
        provider: &str,
        name: &str,
        scopes: &[habilis::domain::api_scope::ApiScope],
    ) -> (i64, String) {
        habilis::services::api::create_token(&self.services(), provider, name, scopes)
            .await
            .unwrap()
    }
}

/// The person with this address, made with these names when there is none.
fn person(
    conn: &mut habilis::db::DbConnection,
    email: &str,
    given_name: &str,
    family_name: &str,
) -> habilis::db::models::User {
    match habilis::db::users::find_by_email(conn, email).unwrap() {
        Some(u) => u,
        None => habilis::db::users::insert(
            conn,
            &habilis::db::models::NewUser {
                email,
                given_name,
                family_name,
                is_admin: false,
                created_at: habilis::services::now(),
            },
        )
        .unwrap(),
    }
}
