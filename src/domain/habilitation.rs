//! A habilitation's lifecycle: the state stored on its row, what it is worth at a given time
//! ([`Standing`]), and the lists people filter by ([`Status`]), both from one rule: an active
//! habilitation is expired from its end date on, read at the time asked, with no batch job.

use chrono::{Duration, NaiveDateTime};
use strum::{EnumString, IntoStaticStr, VariantArray};

/// The state written on the row: only a revocation or a renewal changes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    Active,
    Revoked,
    /// Replaced by the habilitation of a later demande (a renewal or a modification).
    Obsolete,
}

impl Stored {
    /// The column's value.
    pub fn as_str(self) -> &'static str {
        match self {
            Stored::Active => "active",
            Stored::Revoked => "revoked",
            Stored::Obsolete => "obsolete",
        }
    }

    /// Reads the column; anything unknown is taken as replaced, the state that grants nothing.
    pub fn parse(raw: &str) -> Stored {
        match raw {
            "active" => Stored::Active,
            "revoked" => Stored::Revoked,
            _ => Stored::Obsolete,
        }
    }
}

/// What a habilitation is worth at a given time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum Standing {
    Active,
    Expired,
    Revoked,
    Obsolete,
}

impl Standing {
    /// A habilitation stored as `stored`, ending at `expires_at`, read at `now`.
    pub fn at(stored: Stored, expires_at: NaiveDateTime, now: NaiveDateTime) -> Standing {
        match stored {
            Stored::Active if expires_at <= now => Standing::Expired,
            Stored::Active => Standing::Active,
            Stored::Revoked => Standing::Revoked,
            Stored::Obsolete => Standing::Obsolete,
        }
    }

    /// Reads the code of the API and webhooks.
    pub fn parse(code: &str) -> Option<Standing> {
        code.parse().ok()
    }

    /// The rows that have this standing at `now`, for the database to filter with.
    pub fn bounds(self, now: NaiveDateTime) -> Bounds {
        match self {
            Standing::Active => Status::Active.bounds(now),
            Standing::Expired => Status::Expired.bounds(now),
            Standing::Revoked => Status::Revoked.bounds(now),
            Standing::Obsolete => Status::Obsolete.bounds(now),
        }
    }

    /// The code of the API and webhooks.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn label(self) -> &'static str {
        match self {
            Standing::Active => "Active",
            Standing::Expired => "Expirée",
            Standing::Revoked => "Révoquée",
            Standing::Obsolete => "Remplacée",
        }
    }
}

/// How close to its end an active habilitation is listed as expiring.
pub const EXPIRING_WITHIN_DAYS: i64 = 60;

/// Which habilitations a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, IntoStaticStr, EnumString, VariantArray)]
pub enum Status {
    #[strum(serialize = "active")]
    Active,
    /// Active, ending within [`EXPIRING_WITHIN_DAYS`].
    #[strum(serialize = "expirant")]
    Expiring,
    #[strum(serialize = "expiree")]
    Expired,
    #[strum(serialize = "revoquee")]
    Revoked,
    #[strum(serialize = "remplacee")]
    Obsolete,
}

/// A [`Status`] as a query asks it: the stored state, and the end date's bounds
/// (`ends_after < expires_at <= ends_by`), for the database to filter with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    pub stored: Stored,
    pub ends_after: Option<NaiveDateTime>,
    pub ends_by: Option<NaiveDateTime>,
}

impl Bounds {
    pub fn admit(&self, stored: Stored, expires_at: NaiveDateTime) -> bool {
        stored == self.stored
            && self.ends_after.is_none_or(|after| expires_at > after)
            && self.ends_by.is_none_or(|by| expires_at <= by)
    }
}

impl Status {
    /// The URL's value.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(raw: &str) -> Option<Status> {
        raw.parse().ok()
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Active => "Actives",
            Status::Expiring => "Expirent dans 60 jours",
            Status::Expired => "Expirées",
            Status::Revoked => "Révoquées",
            Status::Obsolete => "Remplacées",
        }
    }

    /// The rows this list shows at `now`, the same rule as [`Standing::at`].
    pub fn bounds(self, now: NaiveDateTime) -> Bounds {
        let (stored, ends_after, ends_by) = match self {
            Status::Active => (Stored::Active, Some(now), None),
            Status::Expiring => (
                Stored::Active,
                Some(now),
                Some(now + Duration::days(EXPIRING_WITHIN_DAYS)),
            ),
            Status::Expired => (Stored::Active, None, Some(now)),
            Status::Revoked => (Stored::Revoked, None, None),
            Status::Obsolete => (Stored::Obsolete, None, None),
        };
        Bounds {
            stored,
            ends_after,
            ends_by,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::VariantArray;

    fn at(days: i64) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap()
            + Duration::days(days)
    }

    #[test]
    fn an_active_habilitation_is_expired_from_its_end_date_on() {
        let end = at(0);
        let before = end - Duration::seconds(1);
        assert_eq!(Standing::at(Stored::Active, end, before), Standing::Active);
        assert_eq!(Standing::at(Stored::Active, end, end), Standing::Expired);
        assert_eq!(
            Standing::at(Stored::Revoked, end, before),
            Standing::Revoked
        );
        assert_eq!(
            Standing::at(Stored::Obsolete, end, before),
            Standing::Obsolete
        );
        assert_eq!(Stored::parse("autre"), Stored::Obsolete);
        assert_eq!(Standing::Expired.label(), "Expirée");
        assert_eq!(Standing::Expired.as_str(), "expired");
    }

    #[test]
    fn every_list_shows_what_its_standing_says() {
        let now = at(0);
        let stored = [Stored::Active, Stored::Revoked, Stored::Obsolete];
        for status in Status::VARIANTS.iter().copied() {
            let bounds = status.bounds(now);
            for s in stored {
                for days in [
                    -400,
                    -1,
                    0,
                    1,
                    EXPIRING_WITHIN_DAYS,
                    EXPIRING_WITHIN_DAYS + 1,
                    400,
                ] {
                    let ends = at(days);
                    let standing = Standing::at(s, ends, now);
                    let expected = match status {
                        Status::Active => standing == Standing::Active,
                        Status::Expiring => {
                            standing == Standing::Active && days <= EXPIRING_WITHIN_DAYS
                        }
                        Status::Expired => standing == Standing::Expired,
                        Status::Revoked => standing == Standing::Revoked,
                        Status::Obsolete => standing == Standing::Obsolete,
                    };
                    assert_eq!(bounds.admit(s, ends), expected, "{status:?} {s:?} {days}");
                }
            }
        }
    }

    #[test]
    fn each_standing_bounds_exactly_its_rows() {
        let now = at(0);
        for standing in Standing::VARIANTS.iter().copied() {
            assert_eq!(Standing::parse(standing.as_str()), Some(standing));
            let bounds = standing.bounds(now);
            for s in [Stored::Active, Stored::Revoked, Stored::Obsolete] {
                for days in [-400, -1, 0, 1, 400] {
                    let ends = at(days);
                    assert_eq!(
                        bounds.admit(s, ends),
                        Standing::at(s, ends, now) == standing,
                        "{standing:?} {s:?} {days}"
                    );
                }
            }
        }
        assert_eq!(Standing::parse("expiree"), None);
    }

    #[test]
    fn statuses_read_back_from_their_url_value() {
        for status in Status::VARIANTS.iter().copied() {
            assert_eq!(Status::parse(status.as_str()), Some(status));
        }
        assert_eq!(Status::parse("toutes"), None);
    }
}
