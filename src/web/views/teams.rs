//! Page models of teams: an organisation's teams, and one team with its members.

use askama::Template;

use crate::db::models::Organisation;
use crate::services::teams::TeamFile;
use crate::web::ctx::PageCtx;

use super::Layout;

const SECTION: &str = "equipes";

/// A member as the pages list them.
#[derive(Debug, Clone)]
pub struct MemberView {
    pub name: String,
    pub email: String,
    pub is_admin: bool,
}

#[derive(Debug, Clone)]
pub struct TeamView {
    pub id: i64,
    pub name: String,
    pub members: Vec<MemberView>,
    pub manage: bool,
}

impl TeamView {
    fn of(file: TeamFile) -> TeamView {
        TeamView {
            id: file.team.id,
            name: file.team.name,
            members: file
                .members
                .into_iter()
                .map(|m| MemberView {
                    name: m.user.full_name(),
                    email: m.user.email,
                    is_admin: m.is_admin,
                })
                .collect(),
            manage: file.manage,
        }
    }

    pub fn admins(&self) -> String {
        let names: Vec<&str> = self
            .members
            .iter()
            .filter(|m| m.is_admin)
            .map(|m| m.name.as_str())
            .collect();
        names.join(", ")
    }
}

#[derive(Template)]
#[template(path = "equipes/list.html")]
pub struct TeamsPage {
    pub layout: Layout,
    pub organisation: String,
    pub teams: Vec<TeamView>,
    /// Why the team typed was not made, and what was typed.
    pub error: Option<String>,
    pub typed: String,
}

impl TeamsPage {
    pub fn new(
        ctx: &PageCtx,
        (organisation, files): (Organisation, Vec<TeamFile>),
        refused: Option<(String, String)>,
    ) -> TeamsPage {
        let (error, typed) = match refused {
            Some((message, typed)) => (Some(message), typed),
            None => (None, String::new()),
        };
        TeamsPage {
            layout: ctx.layout(SECTION),
            organisation: organisation.name,
            teams: files.into_iter().map(TeamView::of).collect(),
            error,
            typed,
        }
    }
}

#[derive(Template)]
#[template(path = "equipes/show.html")]
pub struct TeamPage {
    pub layout: Layout,
    pub team: TeamView,
    pub error: Option<String>,
    pub typed: String,
}

impl TeamPage {
    pub fn new(ctx: &PageCtx, file: TeamFile, refused: Option<(String, String)>) -> TeamPage {
        let (error, typed) = match refused {
            Some((message, typed)) => (Some(message), typed),
            None => (None, String::new()),
        };
        TeamPage {
            layout: ctx.layout(SECTION),
            team: TeamView::of(file),
            error,
            typed,
        }
    }
}

/// Who may use the demande's habilitation besides its applicant, and the forms to change it.
#[derive(Debug, Clone, Default)]
pub struct SharingView {
    /// (share id, "Équipe « Cantine »" or "Paul Martin (paul.martin@…)").
    pub shares: Vec<(i64, String)>,
    /// (id, name) of the organisation's teams.
    pub teams: Vec<(i64, String)>,
}

impl SharingView {
    pub fn new(
        (shares, teams): (Vec<crate::db::teams::ShareRow>, Vec<crate::db::teams::Team>),
    ) -> SharingView {
        SharingView {
            shares: shares
                .into_iter()
                .map(|s| {
                    let label = match (s.team, s.user) {
                        (Some((_, name)), _) => format!("Équipe « {name} »"),
                        (None, Some(u)) => format!("{} ({})", u.full_name(), u.email),
                        (None, None) => String::new(),
                    };
                    (s.id, label)
                })
                .collect(),
            teams: teams.into_iter().map(|t| (t.id, t.name)).collect(),
        }
    }
}
