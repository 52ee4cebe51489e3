//! SIRET: the 14-digit identifier of a French establishment.

use std::fmt;

/// SIREN of La Poste, whose establishments may follow a digit-sum rule instead of Luhn
/// (their digits sum to a multiple of 5).
const LA_POSTE_SIREN: &str = "356000000";

/// A SIRET that exists is valid: 14 digits passing the Luhn check (or La Poste's rule).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Siret(String);

/// Why a string is not a SIRET, worded for the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SiretError {
    #[error("Le numéro SIRET doit compter 14 chiffres.")]
    Length,
    #[error("Le numéro SIRET ne doit contenir que des chiffres.")]
    NotDigits,
    #[error("Ce numéro SIRET n'existe pas : vérifiez les chiffres (clé de contrôle invalide).")]
    Checksum,
}

impl Siret {
    /// Parses a SIRET, ignoring the spaces people type between groups of digits.
    pub fn parse(raw: &str) -> Result<Self, SiretError> {
        let compact: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
        if !compact.chars().all(|c| c.is_ascii_digit()) {
            return Err(SiretError::NotDigits);
        }
        if compact.len() != 14 {
            return Err(SiretError::Length);
        }
        let digits: Vec<u32> = compact.bytes().map(|b| u32::from(b - b'0')).collect();
        // La Poste's establishments outnumber what Luhn allows: theirs may pass a
        // digit-sum rule instead (its head office passes Luhn itself).
        let la_poste =
            compact.starts_with(LA_POSTE_SIREN) && digits.iter().sum::<u32>().is_multiple_of(5);
        let valid = luhn(&digits) || la_poste;
        if valid {
            Ok(Self(compact))
        } else {
            Err(SiretError::Checksum)
        }
    }

    /// The 14 digits, without spaces.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The first 9 digits: the company (unité légale).
    pub fn siren(&self) -> &str {
        &self.0[..9]
    }
}

fn luhn(digits: &[u32]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

impl fmt::Display for Siret {
    /// Shown as people read it: `216 901 231 00011`, grouped 3 3 3 5.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = &self.0;
        write!(f, "{} {} {} {}", &s[..3], &s[3..6], &s[6..9], &s[9..])
    }
}

/// Whether an organisation may be a person, whose name publishing would disclose: a legal form
/// of SIRENE's first family (1000, a sole trader, and the like); with none known yet, any SIREN
/// but a public body's (public bodies' numbers start with 1 or 2).
pub fn may_be_a_person(siret: &str, legal_form: Option<&str>) -> bool {
    match legal_form.map(str::trim).filter(|f| !f.is_empty()) {
        Some(form) => form.starts_with('1'),
        None => !siret.starts_with(['1', '2']),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sole_trader_or_an_unknown_private_body_may_be_a_person() {
        assert!(may_be_a_person("53930425300013", Some("1000")));
        assert!(!may_be_a_person("53930425300013", Some("5710")));
        // Not looked up yet: public bodies (SIREN 1… or 2…) are not persons, others may be.
        assert!(!may_be_a_person("21690123100011", None));
        assert!(!may_be_a_person("13002526500013", None));
        assert!(may_be_a_person("53930425300013", None));
        assert!(may_be_a_person("53930425300013", Some(" ")));
    }

    #[test]
    fn a_real_siret_parses_with_or_without_spaces() {
        // Mairie de Lyon
        assert!(Siret::parse("21690123100011").is_ok());
        let s = Siret::parse("216 901 231 00011").unwrap();
        assert_eq!(s.as_str(), "21690123100011");
        assert_eq!(s.siren(), "216901231");
        assert_eq!(s.to_string(), "216 901 231 00011");
    }

    #[test]
    fn a_wrong_check_digit_is_refused() {
        assert_eq!(Siret::parse("21690123100012"), Err(SiretError::Checksum));
    }

    #[test]
    fn wrong_length_and_letters_are_refused() {
        assert_eq!(Siret::parse("2169012310001"), Err(SiretError::Length));
        assert_eq!(Siret::parse("216901231000111"), Err(SiretError::Length));
        assert_eq!(Siret::parse("2169012310001A"), Err(SiretError::NotDigits));
        assert_eq!(Siret::parse(""), Err(SiretError::Length));
    }

    #[test]
    fn la_poste_follows_its_own_rule() {
        // The head office passes Luhn (its digit sum, 26, is no multiple of 5).
        assert!(Siret::parse("35600000000048").is_ok());
        // Fails Luhn, but its digits sum to 40: a valid La Poste establishment.
        assert!(!luhn(&[3, 5, 6, 0, 0, 0, 0, 0, 0, 4, 9, 8, 3, 7]));
        assert!(Siret::parse("35600000049837").is_ok());
        // Fails both.
        assert_eq!(Siret::parse("35600000010001"), Err(SiretError::Checksum));
        // The digit-sum rule is La Poste's only: elsewhere a sum of 25 is no excuse.
        assert_eq!(Siret::parse("21690123100000"), Err(SiretError::Checksum));
    }
}
