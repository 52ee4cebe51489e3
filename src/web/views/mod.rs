//! View models: what templates receive, computed in advance (flags, labels, never a
//! connection). The layout lives here; page models are built by `XPage::new` in one module per
//! area, from pieces shared in `form` (the demande's fields) and `file` (its history).

pub mod account;
pub mod accounts;
pub mod admin;
pub mod bulk;
pub mod dashboard;
pub mod decision_preview;
pub mod demandes;
pub mod done;
pub mod eligibility;
pub mod file;
pub mod form;
pub mod habilitations;
pub mod home;
pub mod instruction;
pub mod mail;
pub mod notices;
pub mod opinions;
pub mod prepared;
pub mod rights;
pub mod stats;
pub mod steps;
pub mod subscription;
pub mod summary;
pub mod teams;
pub mod templates;
pub mod transparency;
pub mod webhooks;

use chrono::NaiveDateTime;

use crate::catalog::Catalog;
use crate::services::accounts::CurrentUser;

/// What the base layout shows around every page.
#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    #[test]
    fn days_are_written_in_french() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(super::format_day(day(2026, 3, 12)), "12 mars 2026");
        assert_eq!(super::format_day(day(2026, 4, 1)), "1er avril 2026");
        assert_eq!(super::format_date_answer("2026-12-31"), "31 décembre 2026");
        assert_eq!(super::format_date_answer("31/02/2027"), "31/02/2027");
    }
}

#[derive(Debug, Clone, Default)]
pub struct Layout {
    pub user: Option<UserBox>,
    pub csrf: String,
    pub dev: bool,
    /// The navigation entry of the page ("accueil", "demandes", "instruction").
    pub section: &'static str,
    pub site: Site,
}

/// Who runs the portal and in which look: the state's (the Marianne block naming the
/// operator) or a neutral one (the operator's name in plain text, no Marianne).
#[derive(Debug, Clone)]
pub struct Site {
    pub etat: bool,
    pub operator: String,
    /// The Marianne block's first line ("République") and the rest ("française").
    pub logo_first: String,
    pub logo_rest: Option<String>,
    /// "non conforme"…: what the accessibility statement declares, as the footer says it.
    pub accessibility: &'static str,
}

impl Site {
    pub fn new(app: &crate::services::App) -> Site {
        let settings = &app.settings;
        let operator = settings.operator_name.clone();
        let (first, rest) = match operator.split_once(' ') {
            Some((first, rest)) => (first.to_string(), Some(rest.to_string())),
            None => (operator.clone(), None),
        };
        Site {
            etat: settings.theme == crate::config::Theme::Etat,
            operator,
            logo_first: first,
            logo_rest: rest,
            accessibility: app.legal.conformity.label(),
        }
    }
}

impl Default for Site {
    fn default() -> Site {
        Site {
            etat: true,
            operator: "République française".to_string(),
            logo_first: "République".to_string(),
            logo_rest: Some("française".to_string()),
            accessibility: crate::legal::Conformity::Non.label(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct UserBox {
    pub name: String,
    pub email: String,
    pub organisation: Option<String>,
    pub sees_instruction: bool,
    pub manages_roles: bool,
    /// (id, name, current) when the person belongs to several organisations.
    pub organisations: Vec<(i64, String, bool)>,
    /// (admin, until) when an admin sees the portal as this person.
    pub viewing: Option<(String, String)>,
}

impl Layout {
    /// For error pages, rendered without the request.
    pub fn bare() -> Layout {
        Layout::default()
    }

    pub fn new(
        current: Option<&CurrentUser>,
        csrf: String,
        dev: bool,
        section: &'static str,
        site: Site,
    ) -> Layout {
        let user = current.map(|c| UserBox {
            name: c.user.full_name(),
            email: c.user.email.clone(),
            organisation: c.current_organisation().map(|o| o.name.clone()),
            organisations: if c.organisations.len() > 1 {
                let current = c.current_organisation().map(|o| o.id);
                c.organisations
                    .iter()
                    .map(|o| (o.id, o.name.clone(), Some(o.id) == current))
                    .collect()
            } else {
                vec![]
            },
            viewing: c.viewing.as_ref().map(|v| {
                let admin = format!("{} ({})", v.admin_name, v.admin_email);
                (admin, v.until.format("%H:%M").to_string())
            }),
            sees_instruction: c.actor.sees_instruction(),
            manages_roles: c.actor.is_admin
                || c.actor
                    .roles
                    .iter()
                    .any(|(_, r)| *r == crate::domain::policy::Role::Manager),
        });
        Layout {
            user,
            csrf,
            dev,
            section,
            site,
        }
    }
}

/// French date and time, in UTC (the portal's clock): `04/12/2026 à 09:05`. Written field by
/// field: a list formats two per row, and chrono's `format` parses its pattern on every call.
pub fn format_datetime(at: &NaiveDateTime) -> String {
    use chrono::{Datelike, Timelike};
    format!(
        "{:02}/{:02}/{:04} à {:02}:{:02}",
        at.day(),
        at.month(),
        at.year(),
        at.hour(),
        at.minute()
    )
}

/// A SIRET as people read it, `216 901 231 00011` (as stored when it is not a valid one).
pub fn format_siret(raw: &str) -> String {
    crate::domain::siret::Siret::parse(raw).map_or_else(|_| raw.to_string(), |s| s.to_string())
}

const MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// A count as French people write it: digits grouped by three with a (non-breaking) space.
pub fn format_count(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{a0}');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// A day as French people write it in full: `12 mars 2026`, `1er avril 2026`.
pub fn format_day(day: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    let month = MONTHS[day.month0() as usize % 12];
    match day.day() {
        1 => format!("1er {month} {}", day.year()),
        d => format!("{d} {month} {}", day.year()),
    }
}

/// A date answer (stored as the browser sends it, `2026-03-12`) as people read it; a value that
/// is not a date is shown as typed.
pub fn format_date_answer(raw: &str) -> String {
    chrono::NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .map_or_else(|_| raw.to_string(), format_day)
}

pub fn format_date(at: &NaiveDateTime) -> String {
    at.format("%d/%m/%Y").to_string()
}

/// A provider's name, or its slug when the catalog no longer knows it.
pub fn provider_name(catalog: &Catalog, slug: &str) -> String {
    catalog
        .get(slug)
        .map_or(slug.to_string(), |p| p.name.clone())
}

/// The provider a listed demande is for, with its stage when the provider has stages
/// ("API R2P – Production").
pub fn provider_at_stage(catalog: &Catalog, slug: &str, stage: Option<&str>) -> String {
    let name = provider_name(catalog, slug);
    let stage_name = stage.and_then(|id| {
        catalog
            .get(slug)
            .and_then(|p| p.stages.iter().find(|s| s.id == id))
            .map(|s| s.name.clone())
    });
    match stage_name {
        Some(stage) => format!("{name} – {stage}"),
        None => name,
    }
}

/// A French message naming a form field whose text could not be read.
pub fn unreadable(key: &str) -> String {
    format!(
        "Le critère « {} » contient des caractères invalides (caractère nul ou encodage non UTF-8) : ignoré.",
        key.chars().take(40).collect::<String>()
    )
}

/// Where an outbox row stands: "`done` le …" once delivered, abandoned, or waiting.
pub fn delivery_status(row: &crate::db::outbox::OutboxRow, done: &str) -> String {
    match (row.delivered_at, row.failed_at) {
        (Some(at), _) => format!("{done} le {}", format_datetime(&at)),
        (None, Some(at)) => format!("abandonné le {}", format_datetime(&at)),
        (None, None) => "en attente".to_string(),
    }
}
