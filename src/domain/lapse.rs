//! Accounts that lapse: an account unused for the configured time is disabled after an email
//! warning 15 days before, and a disabled account is erased after a further time. Pure: the
//! account's dates and the instant in, the next step out.

use chrono::{Duration, NaiveDateTime};

/// Days between the warning and the disabling, at least.
pub const WARNING_DAYS: i64 = 15;

/// How long accounts may stay unused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Days without a sign-in before an account is disabled; 0: accounts never lapse.
    pub idle_days: i64,
    /// Days a disabled account is kept before it is erased.
    pub erase_after_days: i64,
}

/// What the lapsing reads of an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Account {
    pub created_at: NaiveDateTime,
    pub last_sign_in_at: Option<NaiveDateTime>,
    pub reactivated_at: Option<NaiveDateTime>,
    pub warned_at: Option<NaiveDateTime>,
    pub disabled_at: Option<NaiveDateTime>,
    pub erased_at: Option<NaiveDateTime>,
}

impl Account {
    /// When the account was last used: its last sign-in, its creation, or its reactivation.
    pub fn last_used(&self) -> NaiveDateTime {
        [self.last_sign_in_at, self.reactivated_at]
            .into_iter()
            .flatten()
            .fold(self.created_at, NaiveDateTime::max)
    }
}

/// The next thing to do to an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Tell its holder it will be disabled on that day unless they sign in.
    Warn { disable_on: NaiveDateTime },
    /// Disable it: sessions ended, roles removed, sign-in refused.
    Disable,
    /// Erase its personal data.
    Erase,
}

impl Policy {
    /// The earliest instant an account unused since `last_used` may be disabled.
    fn lapses_at(&self, last_used: NaiveDateTime) -> NaiveDateTime {
        last_used + Duration::days(self.idle_days)
    }

    /// When a disabled account is erased.
    pub fn erased_at(&self, disabled_at: NaiveDateTime) -> NaiveDateTime {
        disabled_at + Duration::days(self.erase_after_days)
    }

    /// Whether accounts lapse at all.
    pub fn on(&self) -> bool {
        self.idle_days > 0
    }

    /// Accounts last used at or before this instant may be due a step (the worker lists them).
    pub fn unused_since(&self, now: NaiveDateTime) -> NaiveDateTime {
        now - Duration::days(self.idle_days - WARNING_DAYS)
    }

    /// What is due to `account` at `now`, if anything.
    pub fn next(&self, account: &Account, now: NaiveDateTime) -> Option<Step> {
        if account.erased_at.is_some() {
            return None;
        }
        if let Some(disabled) = account.disabled_at {
            return (now >= self.erased_at(disabled)).then_some(Step::Erase);
        }
        if !self.on() {
            return None;
        }
        let lapses = self.lapses_at(account.last_used());
        match account.warned_at {
            // Warned after its last use: disabled once the time is up and the holder had
            // their full notice, whenever the warning went out.
            Some(warned) if warned >= account.last_used() => {
                let notice_ends = warned + Duration::days(WARNING_DAYS);
                (now >= lapses.max(notice_ends)).then_some(Step::Disable)
            }
            _ if now >= lapses - Duration::days(WARNING_DAYS) => Some(Step::Warn {
                disable_on: lapses.max(now + Duration::days(WARNING_DAYS)),
            }),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    const POLICY: Policy = Policy {
        idle_days: 183,
        erase_after_days: 365,
    };

    fn day(n: i64) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 1, 1)
            .and_then(|d| d.and_hms_opt(9, 0, 0))
            .map(|t| t + Duration::days(n))
            .unwrap_or_default()
    }

    fn fresh() -> Account {
        Account {
            created_at: day(0),
            last_sign_in_at: Some(day(10)),
            reactivated_at: None,
            warned_at: None,
            disabled_at: None,
            erased_at: None,
        }
    }

    #[test]
    fn an_account_in_use_is_left_alone_until_15_days_before_its_time() {
        assert_eq!(POLICY.next(&fresh(), day(10 + 183 - 16)), None);
        assert_eq!(
            POLICY.next(&fresh(), day(10 + 183 - 15)),
            Some(Step::Warn {
                disable_on: day(10 + 183)
            })
        );
    }

    #[test]
    fn a_late_warning_still_gives_15_days() {
        // The worker was stopped: the warning goes out after the account's time is up.
        assert_eq!(
            POLICY.next(&fresh(), day(400)),
            Some(Step::Warn {
                disable_on: day(415)
            })
        );
        let warned = Account {
            warned_at: Some(day(400)),
            ..fresh()
        };
        assert_eq!(POLICY.next(&warned, day(414)), None);
        assert_eq!(POLICY.next(&warned, day(415)), Some(Step::Disable));
    }

    #[test]
    fn a_warned_account_is_disabled_on_its_day_unless_used_again() {
        let warned = Account {
            warned_at: Some(day(10 + 168)),
            ..fresh()
        };
        assert_eq!(POLICY.next(&warned, day(10 + 182)), None);
        assert_eq!(POLICY.next(&warned, day(10 + 183)), Some(Step::Disable));
        // Signed in after the warning: the warning no longer counts, the time starts again.
        let back = Account {
            last_sign_in_at: Some(day(10 + 170)),
            ..warned
        };
        assert_eq!(POLICY.next(&back, day(10 + 183)), None);
        assert!(matches!(
            POLICY.next(&back, day(10 + 170 + 168)),
            Some(Step::Warn { .. })
        ));
    }

    #[test]
    fn an_account_never_signed_in_counts_from_its_creation_or_reactivation() {
        let never = Account {
            last_sign_in_at: None,
            ..fresh()
        };
        assert!(matches!(
            POLICY.next(&never, day(168)),
            Some(Step::Warn { .. })
        ));
        let reactivated = Account {
            reactivated_at: Some(day(300)),
            ..never
        };
        assert_eq!(POLICY.next(&reactivated, day(400)), None);
    }

    #[test]
    fn a_disabled_account_is_erased_after_its_time_and_then_nothing() {
        let disabled = Account {
            warned_at: Some(day(178)),
            disabled_at: Some(day(193)),
            ..fresh()
        };
        assert_eq!(POLICY.next(&disabled, day(193 + 364)), None);
        assert_eq!(POLICY.next(&disabled, day(193 + 365)), Some(Step::Erase));
        let erased = Account {
            erased_at: Some(day(193 + 365)),
            ..disabled
        };
        assert_eq!(POLICY.next(&erased, day(5000)), None);
    }

    #[test]
    fn with_lapsing_off_nothing_is_warned_or_disabled() {
        let off = Policy {
            idle_days: 0,
            ..POLICY
        };
        assert!(POLICY.next(&fresh(), day(5000)).is_some());
        assert_eq!(off.next(&fresh(), day(5000)), None);
        // One disabled before is still erased on time.
        let disabled = Account {
            disabled_at: Some(day(200)),
            ..fresh()
        };
        assert_eq!(off.next(&disabled, day(200 + 365)), Some(Step::Erase));
    }

    #[test]
    fn every_day_of_an_unused_account_has_at_most_one_step_in_order() {
        // Walk an account through three years a day at a time, applying each step.
        let mut account = fresh();
        let mut steps = Vec::new();
        for n in 0..1100 {
            let now = day(n);
            match POLICY.next(&account, now) {
                Some(Step::Warn { disable_on }) => {
                    assert!(disable_on >= now + Duration::days(WARNING_DAYS));
                    account.warned_at = Some(now);
                    steps.push(("warn", n));
                }
                Some(Step::Disable) => {
                    account.disabled_at = Some(now);
                    steps.push(("disable", n));
                }
                Some(Step::Erase) => {
                    account.erased_at = Some(now);
                    steps.push(("erase", n));
                }
                None => {}
            }
        }
        assert_eq!(
            steps,
            [
                ("warn", 10 + 168),
                ("disable", 10 + 183),
                ("erase", 10 + 183 + 365)
            ]
        );
    }
}
