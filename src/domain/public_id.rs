//! The ids people read, type and quote: `D123` for a demande, `H45` for a habilitation.

use std::fmt;

/// What a public id names; its letter comes first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Demande,
    Habilitation,
}

impl Kind {
    fn letter(self) -> char {
        match self {
            Kind::Demande => 'D',
            Kind::Habilitation => 'H',
        }
    }
}

/// A demande's or a habilitation's id as shown: the kind's letter, then the row's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PublicId {
    kind: Kind,
    id: i64,
}

impl PublicId {
    pub fn demande(id: i64) -> PublicId {
        PublicId {
            kind: Kind::Demande,
            id,
        }
    }

    pub fn habilitation(id: i64) -> PublicId {
        PublicId {
            kind: Kind::Habilitation,
            id,
        }
    }

    pub fn kind(self) -> Kind {
        self.kind
    }

    /// The row's id.
    pub fn id(self) -> i64 {
        self.id
    }

    /// Reads an id of that kind as people type it: `D123`, `d123`, ` 123 ` (the letter may be
    /// left out); `None` for anything else, zero and negative numbers included.
    pub fn parse(kind: Kind, raw: &str) -> Option<PublicId> {
        let raw = raw.trim();
        let letter = kind.letter();
        let digits = raw
            .strip_prefix(letter)
            .or_else(|| raw.strip_prefix(letter.to_ascii_lowercase()))
            .unwrap_or(raw);
        digits
            .parse::<i64>()
            .ok()
            .filter(|id| *id > 0)
            .map(|id| PublicId { kind, id })
    }
}

impl fmt::Display for PublicId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.kind.letter(), self.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_show_their_kind_letter() {
        assert_eq!(PublicId::demande(123).to_string(), "D123");
        assert_eq!(PublicId::habilitation(45).to_string(), "H45");
    }

    #[test]
    fn ids_read_with_or_without_their_letter() {
        let d = |raw| PublicId::parse(Kind::Demande, raw).map(PublicId::id);
        assert_eq!(d("D123"), Some(123));
        assert_eq!(d(" d7 "), Some(7));
        assert_eq!(d("123"), Some(123));
        assert_eq!(d("D-1"), None);
        assert_eq!(d("abc"), None);
        assert_eq!(d("0"), None);
        assert_eq!(d("H5"), None, "a habilitation's id is not a demande's");
        let h = PublicId::parse(Kind::Habilitation, "h45").unwrap();
        assert_eq!((h.kind(), h.id()), (Kind::Habilitation, 45));
        assert_eq!(h.to_string(), "H45");
    }
}
