//! Page models of administration: roles (with the audit trail for admins) and the rights
//! API's tokens.

use askama::Template;
use strum::VariantArray;

use crate::db::audit::AuditRow;
use crate::domain::policy::Role;
use crate::services::App;
use crate::services::roles::Holder;
use crate::web::ctx::PageCtx;

use super::{Layout, format_datetime, provider_name};

pub struct RoleChoice {
    pub value: &'static str,
    pub label: &'static str,
}

pub struct AuditLine {
    pub when: String,
    pub actor: String,
    pub action: String,
    pub resource: String,
    pub before: String,
    pub after: String,
}

impl AuditLine {
    fn new(r: AuditRow) -> AuditLine {
        AuditLine {
            when: format_datetime(&r.created_at),
            actor: r.actor,
            action: r.action,
            resource: r.resource,
            before: r.old_value.unwrap_or_default(),
            after: r.new_value.unwrap_or_default(),
        }
    }
}

#[derive(Template)]
#[template(path = "admin/roles.html")]
pub struct RolesPage {
    pub layout: Layout,
    /// (slug, name) of the providers the person manages.
    pub providers: Vec<(String, String)>,
    pub roles: Vec<RoleChoice>,
    /// (provider name, holders).
    pub groups: Vec<(String, String, Vec<Holder>)>,
    pub done: Option<&'static str>,
    pub error: Option<String>,
    pub email: String,
    pub audit: Vec<AuditLine>,
}

/// What the roles service found for the page.
pub struct Roles {
    pub holders: Vec<Holder>,
    /// The providers the person manages.
    pub managed: Vec<String>,
    pub audit: Vec<AuditRow>,
}

/// What the roles page says about the last change: done, or refused with the email typed.
#[derive(Default)]
pub struct RolesFeedback {
    pub done: Option<&'static str>,
    pub error: Option<String>,
    pub email: String,
}

impl RolesPage {
    pub fn new(ctx: &PageCtx, app: &App, roles: Roles, feedback: RolesFeedback) -> RolesPage {
        let Roles {
            holders,
            managed,
            audit,
        } = roles;
        let name = |slug: &str| provider_name(&app.catalog, slug);
        let held = |slug: &String| {
            let mine = holders.iter().filter(|h| &h.provider == slug);
            mine.cloned().collect()
        };
        RolesPage {
            layout: ctx.layout("admin"),
            providers: managed.iter().map(|s| (s.clone(), name(s))).collect(),
            roles: Role::VARIANTS
                .iter()
                .map(|r| RoleChoice {
                    value: r.as_str(),
                    label: r.label(),
                })
                .collect(),
            groups: managed
                .iter()
                .map(|s| (s.clone(), name(s), held(s)))
                .collect(),
            done: feedback.done,
            error: feedback.error,
            email: feedback.email,
            audit: audit.into_iter().map(AuditLine::new).collect(),
        }
    }
}

pub struct TokenView {
    pub id: i64,
    pub provider: String,
    pub name: String,
    pub created: String,
    pub last_used: String,
    pub revoked: Option<String>,
    /// What it may read, as its scopes' names.
    pub scopes: Vec<&'static str>,
}

#[derive(Template)]
#[template(path = "instruction/tokens.html")]
pub struct TokensPage {
    pub layout: Layout,
    pub providers: Vec<(String, String)>,
    /// (scope, label, ticked by default) offered for a new token.
    pub scope_choices: Vec<(&'static str, &'static str, bool)>,
    pub tokens: Vec<TokenView>,
    /// The newest reads of the API: (when, token, route, what it returned).
    pub reads: Vec<(String, String, String, String)>,
    pub reads_days: i64,
    /// The token just created: shown this once.
    pub created: Option<String>,
    pub error: Option<String>,
}

impl TokensPage {
    /// The tokens of the providers the person manages, with the token just created or the
    /// reason one was not.
    pub fn new(
        ctx: &PageCtx,
        app: &App,
        (rows, managed, reads): (
            Vec<crate::db::api::TokenRow>,
            Vec<String>,
            Vec<crate::db::api::ReadRow>,
        ),
        (created, error): (Option<String>, Option<String>),
    ) -> TokensPage {
        let name = |slug: &str| provider_name(&app.catalog, slug);
        let tokens = rows
            .into_iter()
            .map(|t| TokenView {
                scopes: crate::domain::api_scope::ApiScope::parse_list(&t.scopes)
                    .into_iter()
                    .map(|s| s.as_str())
                    .collect(),
                id: t.id,
                provider: name(&t.provider),
                name: t.name,
                created: format_datetime(&t.created_at),
                last_used: t
                    .last_used_at
                    .as_ref()
                    .map_or_else(|| "jamais".to_string(), format_datetime),
                revoked: t.revoked_at.as_ref().map(format_datetime),
            })
            .collect();
        TokensPage {
            layout: ctx.layout("instruction"),
            providers: managed.iter().map(|s| (s.clone(), name(s))).collect(),
            scope_choices: {
                use crate::domain::api_scope::{ApiScope, DEFAULT};
                use strum::VariantArray;
                ApiScope::VARIANTS
                    .iter()
                    .map(|s| (s.as_str(), s.label(), DEFAULT.contains(s)))
                    .collect()
            },
            tokens,
            reads_days: app.settings.api_reads_retention_days,
            reads: reads
                .into_iter()
                .map(|r| {
                    let ids: Vec<&str> = r.returned.split_whitespace().collect();
                    let returned = match ids.len() {
                        0 => "rien".to_string(),
                        n if n > 12 => format!("{} … ({n} au total)", ids[..12].join(", ")),
                        _ => ids.join(", "),
                    };
                    (format_datetime(&r.at), r.token_name, r.route, returned)
                })
                .collect(),
            created,
            error,
        }
    }
}

/// The report of risky rights, as admins read it.
#[derive(askama::Template)]
#[template(path = "admin/risks.html")]
pub struct RisksPage {
    pub layout: Layout,
    pub many_providers: Vec<(String, String)>,
    /// (email, provider, role, granted on).
    pub never_used: Vec<(String, String, String, String)>,
    /// (email, provider, demandes).
    pub managers_applying: Vec<(String, String, i64)>,
    /// (provider, token name, last used).
    pub idle_tokens: Vec<(String, String, String)>,
    pub many: usize,
    pub idle_days: i64,
}

impl RisksPage {
    pub fn new(ctx: &PageCtx, app: &App, report: crate::services::risks::Report) -> RisksPage {
        let name = |slug: &str| provider_name(&app.catalog, slug);
        let role = |r: &str| {
            crate::domain::policy::Role::parse(r).map_or(r.to_string(), |r| r.label().to_string())
        };
        RisksPage {
            layout: ctx.layout("admin"),
            many_providers: report
                .many_providers
                .into_iter()
                .map(|(email, providers)| {
                    let names: Vec<String> = providers.iter().map(|p| name(p)).collect();
                    (email, names.join(", "))
                })
                .collect(),
            never_used: report
                .never_used
                .into_iter()
                .map(|(email, provider, r, at)| {
                    (email, name(&provider), role(&r), format_datetime(&at))
                })
                .collect(),
            managers_applying: report
                .managers_applying
                .into_iter()
                .map(|(email, provider, n)| (email, name(&provider), n))
                .collect(),
            idle_tokens: report
                .idle_tokens
                .into_iter()
                .map(|(_, provider, token, used)| {
                    (
                        name(&provider),
                        token,
                        used.as_ref()
                            .map_or_else(|| "jamais".to_string(), format_datetime),
                    )
                })
                .collect(),
            many: crate::services::risks::MANY_PROVIDERS,
            idle_days: crate::services::risks::IDLE_TOKEN_DAYS,
        }
    }
}

/// Accounts on their way out: warned, disabled (with a button to give them back).
/// One role of an access review, as its reviewer reads it.
pub struct ReviewLine {
    pub id: i64,
    pub holder: String,
    pub email: String,
    pub role: String,
    /// "Confirmé par …", "Retiré par …", "Suspendu"; none while undecided.
    pub decided: Option<String>,
}

/// The access review: the campaign, its progress, the roles the person reviews.
#[derive(askama::Template)]
#[template(path = "admin/review.html")]
pub struct ReviewPage {
    pub layout: Layout,
    /// (started on, deadline, closed on).
    pub review: Option<(String, String, Option<String>)>,
    /// (provider, decided, total).
    pub progress: Vec<(String, usize, usize)>,
    /// (provider, its roles).
    pub groups: Vec<(String, Vec<ReviewLine>)>,
    pub pending: usize,
    pub suspend: bool,
    pub done: Option<&'static str>,
}

impl ReviewPage {
    pub fn new(
        ctx: &PageCtx,
        app: &App,
        board: crate::services::access_review::Board,
        done: Option<&'static str>,
    ) -> ReviewPage {
        let day = |at: &chrono::NaiveDateTime| at.format("%d/%m/%Y").to_string();
        let name = |slug: &str| {
            if slug.is_empty() {
                "Administrateurs".to_string()
            } else {
                provider_name(&app.catalog, slug)
            }
        };
        let mut groups: Vec<(String, Vec<ReviewLine>)> = Vec::new();
        let pending = board.mine.iter().filter(|i| i.decision.is_none()).count();
        for item in board.mine {
            let decided = item.decision.as_deref().map(|d| {
                let by = item.decided_by.clone().unwrap_or_default();
                match d {
                    "kept" => format!("Confirmé par {by}"),
                    "removed" => format!("Retiré par {by}"),
                    _ => "Suspendu à la fin de la revue".to_string(),
                }
            });
            let line = ReviewLine {
                id: item.id,
                holder: format!("{} {}", item.given_name, item.family_name)
                    .trim()
                    .to_string(),
                email: item.email.clone(),
                role: crate::services::access_review::role_label(
                    &app.catalog,
                    &item.provider,
                    &item.role,
                ),
                decided,
            };
            let group = name(&item.provider);
            match groups.iter_mut().find(|(g, _)| *g == group) {
                Some((_, lines)) => lines.push(line),
                None => groups.push((group, vec![line])),
            }
        }
        ReviewPage {
            layout: ctx.layout("admin"),
            review: board.review.as_ref().map(|r| {
                (
                    day(&r.started_at),
                    day(&r.deadline),
                    r.closed_at.as_ref().map(day),
                )
            }),
            progress: board
                .progress
                .into_iter()
                .map(|(p, decided, total)| (name(&p), decided, total))
                .collect(),
            groups,
            pending,
            suspend: app.settings.access_review.suspend,
            done,
        }
    }
}
