//! Access review campaigns: who may confirm or remove which role, and what a campaign is due at
//! a given instant. Pure.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};

use super::policy::{Actor, Role};

/// The role name an admin's item carries (its provider is empty).
pub const ADMIN: &str = "admin";
/// Reviewers with roles left to decide are reminded this often.
pub const REMIND_EVERY_DAYS: i64 = 7;

/// When campaigns run and what happens to what nobody decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    /// A campaign starts by itself each year on this (month, day), if none started that year.
    pub yearly_on: Option<(u32, u32)>,
    /// Days from the start to the deadline.
    pub days: i64,
    /// Roles nobody confirmed by the deadline are suspended (removed); otherwise they stay,
    /// listed as not reviewed.
    pub suspend: bool,
}

/// "03-15" → (3, 15), a day every year has (29 February is refused).
pub fn parse_yearly_on(text: &str) -> Option<(u32, u32)> {
    let (month, day) = text.trim().split_once('-')?;
    let (month, day): (u32, u32) = (month.parse().ok()?, day.parse().ok()?);
    NaiveDate::from_ymd_opt(2026, month, day).map(|_| (month, day))
}

/// May `actor` decide on `holder`'s `role` for `provider` (empty for the admin role)? A
/// provider's roles by its managers or an admin; the admin role by another admin; never
/// one's own.
pub fn may_review(actor: &Actor, holder: i64, provider: &str) -> bool {
    if actor.user_id == holder {
        return false;
    }
    if provider.is_empty() {
        return actor.is_admin;
    }
    actor.is_admin || actor.has_role(provider, Role::Manager)
}

/// What a campaign is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    Nothing,
    /// Remind the reviewers who still have roles to decide.
    Remind,
    /// Close it: every role decided, or the deadline reached.
    Close,
}

/// What the open campaign started at `started_at` is due at `now`.
pub fn due(
    started_at: NaiveDateTime,
    deadline: NaiveDateTime,
    reminded_at: Option<NaiveDateTime>,
    undecided: usize,
    now: NaiveDateTime,
) -> Due {
    if undecided == 0 || now >= deadline {
        return Due::Close;
    }
    let last = reminded_at.unwrap_or(started_at);
    if now >= last + Duration::days(REMIND_EVERY_DAYS) {
        Due::Remind
    } else {
        Due::Nothing
    }
}

/// Whether the yearly campaign should start at `now`: its day of this year has come and no
/// campaign started since.
pub fn yearly_due(
    schedule: &Schedule,
    last_started: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> bool {
    let Some((month, day)) = schedule.yearly_on else {
        return false;
    };
    let Some(this_year) =
        NaiveDate::from_ymd_opt(now.year(), month, day).and_then(|d| d.and_hms_opt(0, 0, 0))
    else {
        return false;
    };
    now >= this_year && last_started.is_none_or(|last| last < this_year)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(month: u32, day: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2027, month, day)
            .and_then(|d| d.and_hms_opt(10, 0, 0))
            .unwrap()
    }

    fn actor(user_id: i64, admin: bool, roles: &[(&str, Role)]) -> Actor {
        Actor {
            user_id,
            is_admin: admin,
            organisations: vec![],
            roles: roles.iter().map(|(p, r)| (p.to_string(), *r)).collect(),
        }
    }

    #[test]
    fn managers_review_their_provider_admins_review_everyone_nobody_themselves() {
        let manager = actor(1, false, &[("api-particulier", Role::Manager)]);
        assert!(may_review(&manager, 5, "api-particulier"));
        assert!(!may_review(&manager, 5, "api-entreprise"));
        assert!(!may_review(&manager, 5, ""), "the admin role is for admins");
        assert!(!may_review(&manager, 1, "api-particulier"), "not their own");
        let instructor = actor(2, false, &[("api-particulier", Role::Instructor)]);
        assert!(!may_review(&instructor, 5, "api-particulier"));
        let admin = actor(3, true, &[]);
        assert!(may_review(&admin, 5, "api-particulier"));
        assert!(may_review(&admin, 4, ""));
        assert!(
            !may_review(&admin, 3, ""),
            "another admin confirms an admin"
        );
    }

    #[test]
    fn a_campaign_reminds_weekly_and_closes_when_done_or_at_its_deadline() {
        let (start, deadline) = (at(3, 1), at(3, 31));
        assert_eq!(due(start, deadline, None, 4, at(3, 7)), Due::Nothing);
        assert_eq!(due(start, deadline, None, 4, at(3, 8)), Due::Remind);
        assert_eq!(
            due(start, deadline, Some(at(3, 8)), 4, at(3, 14)),
            Due::Nothing
        );
        assert_eq!(
            due(start, deadline, Some(at(3, 8)), 4, at(3, 15)),
            Due::Remind
        );
        assert_eq!(
            due(start, deadline, Some(at(3, 29)), 4, at(3, 31)),
            Due::Close
        );
        assert_eq!(due(start, deadline, None, 0, at(3, 2)), Due::Close);
    }

    #[test]
    fn the_yearly_campaign_starts_once_on_its_day() {
        let schedule = Schedule {
            yearly_on: parse_yearly_on("03-15"),
            days: 30,
            suspend: true,
        };
        assert!(!yearly_due(&schedule, None, at(3, 14)));
        assert!(yearly_due(&schedule, None, at(3, 15)));
        assert!(yearly_due(
            &schedule,
            Some(at(3, 14) - Duration::days(365)),
            at(6, 1)
        ));
        assert!(
            !yearly_due(&schedule, Some(at(3, 15)), at(6, 1)),
            "started this year"
        );
        let never = Schedule {
            yearly_on: None,
            ..schedule
        };
        assert!(!yearly_due(&never, None, at(6, 1)));
    }

    #[test]
    fn a_yearly_day_is_month_then_day() {
        assert_eq!(parse_yearly_on("03-15"), Some((3, 15)));
        assert_eq!(parse_yearly_on("12-31"), Some((12, 31)));
        assert_eq!(parse_yearly_on("02-29"), None);
        assert_eq!(parse_yearly_on("15-03"), None);
        assert_eq!(parse_yearly_on("mars"), None);
    }
}
