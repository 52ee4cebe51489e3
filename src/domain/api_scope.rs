//! What a rights-API token may read: each route asks for one scope, and a token carries
//! those it was made with.

use strum::{EnumString, IntoStaticStr, VariantArray};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, IntoStaticStr, EnumString, VariantArray,
)]
pub enum ApiScope {
    /// Habilitations, and what an organisation may use now.
    #[strum(serialize = "habilitations:read")]
    HabilitationsRead,
    /// Demandes, with their answers and files.
    #[strum(serialize = "demandes:read")]
    DemandesRead,
    /// What one agent may use, through which habilitation and team.
    #[strum(serialize = "agents:read")]
    AgentsRead,
}

impl ApiScope {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn label(self) -> &'static str {
        match self {
            ApiScope::HabilitationsRead => "Lire les habilitations et les droits des organisations",
            ApiScope::DemandesRead => "Lire les demandes, leurs réponses et leurs pièces jointes",
            ApiScope::AgentsRead => "Lire les droits de chaque agent",
        }
    }

    /// The scopes a stored list names (space-separated); unknown names are ignored.
    pub fn parse_list(stored: &str) -> Vec<ApiScope> {
        let mut scopes: Vec<ApiScope> = stored
            .split_whitespace()
            .filter_map(|s| s.parse().ok())
            .collect();
        scopes.sort();
        scopes.dedup();
        scopes
    }

    pub fn to_list(scopes: &[ApiScope]) -> String {
        scopes
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// What a token reads when made without saying: what the API served before tokens had
/// scopes, so a token made then reads what it read.
pub const DEFAULT: [ApiScope; 2] = [ApiScope::HabilitationsRead, ApiScope::DemandesRead];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_round_trip_and_ignore_the_unknown() {
        let stored = "demandes:read  habilitations:read inconnu demandes:read";
        let scopes = ApiScope::parse_list(stored);
        assert_eq!(scopes, DEFAULT);
        assert_eq!(
            ApiScope::to_list(&scopes),
            "habilitations:read demandes:read"
        );
        assert_eq!(ApiScope::parse_list("agents:read"), [ApiScope::AgentsRead]);
    }
}
