//! Teams of an organisation's agents and the sharing of habilitations with them: who may do
//! what, and through what an agent may use a habilitation. Pure: the facts come from the
//! caller, current memberships included, so an agent who left the organisation leaves every
//! share at once.

/// Through what an agent may use a habilitation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Through {
    /// They made the demande.
    Applicant,
    /// It is shared with them by name.
    Agent,
    /// It is shared with a team of theirs (its name).
    Team(String),
}

impl Through {
    /// How the rights API names it.
    pub fn kind(&self) -> &'static str {
        match self {
            Through::Applicant => "applicant",
            Through::Agent => "agent",
            Through::Team(_) => "team",
        }
    }
}

/// A share of a habilitation: with a team (id, name) or with an agent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Share {
    Team(i64, String),
    Agent(i64),
}

/// An agent as the rules see them: their current organisations and their teams.
#[derive(Debug, Clone, Default)]
pub struct Agent {
    pub user_id: i64,
    pub organisations: Vec<i64>,
    pub teams: Vec<i64>,
}

/// Every way `agent` may use a habilitation of `organisation` made by `applicant` and shared
/// as `shares`; none when they are not (or no longer) an agent of that organisation.
pub fn reach(
    agent: &Agent,
    organisation: i64,
    applicant: Option<i64>,
    shares: &[Share],
) -> Vec<Through> {
    if !agent.organisations.contains(&organisation) {
        return vec![];
    }
    let mut ways = Vec::new();
    if applicant == Some(agent.user_id) {
        ways.push(Through::Applicant);
    }
    for share in shares {
        match share {
            Share::Agent(id) if *id == agent.user_id => ways.push(Through::Agent),
            Share::Team(id, name) if agent.teams.contains(id) => {
                ways.push(Through::Team(name.clone()))
            }
            _ => {}
        }
    }
    ways.dedup();
    ways
}

/// A team's name as typed, trimmed; or why it cannot be one, in French.
pub fn team_name(raw: &str) -> Result<String, &'static str> {
    let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        return Err("Donnez un nom à l'équipe.");
    }
    if name.chars().count() > 80 {
        return Err("Le nom d'une équipe ne doit pas dépasser 80 caractères.");
    }
    Ok(name)
}

/// Whether someone may manage a team's members: an admin of the team still in its
/// organisation, or an admin of the portal.
pub fn may_manage(
    agent: &Agent,
    is_portal_admin: bool,
    organisation: i64,
    team_admin: bool,
) -> bool {
    is_portal_admin || (team_admin && agent.organisations.contains(&organisation))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agent(teams: &[i64]) -> Agent {
        Agent {
            user_id: 7,
            organisations: vec![1],
            teams: teams.to_vec(),
        }
    }

    #[test]
    fn an_agent_reaches_a_habilitation_through_each_share_of_theirs() {
        let shares = [
            Share::Team(3, "Cantine".into()),
            Share::Agent(7),
            Share::Team(4, "RH".into()),
        ];
        assert_eq!(
            reach(&agent(&[3]), 1, Some(7), &shares),
            [
                Through::Applicant,
                Through::Team("Cantine".into()),
                Through::Agent
            ]
        );
        // Outside the team and not named: nothing.
        assert!(reach(&agent(&[5]), 1, Some(9), &shares[..1]).is_empty());
    }

    #[test]
    fn an_agent_who_left_the_organisation_leaves_every_share() {
        let left = Agent {
            organisations: vec![2],
            ..agent(&[3])
        };
        let shares = [Share::Team(3, "Cantine".into()), Share::Agent(7)];
        assert!(reach(&left, 1, Some(7), &shares).is_empty());
    }

    #[test]
    fn team_names_are_trimmed_and_bounded() {
        assert_eq!(
            team_name("  Service   cantine ").unwrap(),
            "Service cantine"
        );
        assert!(team_name("   ").is_err());
        assert!(team_name(&"x".repeat(81)).is_err());
    }

    #[test]
    fn only_team_admins_still_in_the_organisation_and_portal_admins_manage() {
        assert!(may_manage(&agent(&[3]), false, 1, true));
        assert!(!may_manage(&agent(&[3]), false, 1, false));
        assert!(!may_manage(&agent(&[3]), false, 2, true));
        assert!(may_manage(&agent(&[]), true, 2, false));
    }
}
