//! Email addresses people type.

use std::fmt;
use validator::ValidateEmail;

/// A syntactically valid email address, trimmed and lower-cased.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Saisissez une adresse électronique valide, par exemple prenom.nom@exemple.fr.")]
pub struct EmailError;

impl Email {
    pub fn parse(raw: &str) -> Result<Self, EmailError> {
        let value = raw.trim().to_lowercase();
        // The HTML rule accepts a host without a dot ("a@b"), which no one can receive mail at
        // from here: a domain needs a top-level part of two letters or more.
        let real_domain = value.rsplit_once('@').is_some_and(|(_, domain)| {
            domain
                .rsplit_once('.')
                .is_some_and(|(name, tld)| !name.is_empty() && tld.len() >= 2)
        });
        if value.len() <= 254 && value.validate_email() && real_domain {
            Ok(Self(value))
        } else {
            Err(EmailError)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_normalised() {
        assert_eq!(
            Email::parse(" Marie.Dupont@Mairie-Lyon.fr ")
                .unwrap()
                .as_str(),
            "marie.dupont@mairie-lyon.fr"
        );
    }

    #[test]
    fn malformed_addresses_are_refused() {
        for bad in [
            "",
            "marie",
            "marie@",
            "@lyon.fr",
            "marie dupont@lyon.fr",
            "a@b",
            "a@b.",
            "a@.fr",
            "a@b.c",
        ] {
            assert_eq!(Email::parse(bad), Err(EmailError), "{bad}");
        }
    }
}
