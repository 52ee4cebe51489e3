//! Blocking an account (support, abuse): who may block whom, the reason it needs, and what the
//! person is told when sign-in is refused. Blocking is reversible, unlike the erasure of a
//! lapsed account.

use chrono::NaiveDateTime;

/// The longest reason kept (it is shown to the person on the sign-in page).
pub const REASON_MAX: usize = 500;

/// The account an admin acts on, as read in the transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    pub id: i64,
    pub banned: bool,
    pub erased: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BanError {
    #[error("Seuls les administrateurs de habilis peuvent bloquer ou débloquer un compte.")]
    NotAdmin,
    #[error("Vous ne pouvez pas bloquer votre propre compte.")]
    Oneself,
    #[error(
        "Indiquez le motif du blocage : il sera montré à la personne lorsqu'elle tentera de se connecter."
    )]
    NoReason,
    #[error("Le motif ne doit pas dépasser {REASON_MAX} caractères.")]
    ReasonTooLong,
    #[error("Ce compte est déjà bloqué.")]
    AlreadyBanned,
    #[error("Ce compte n'est pas bloqué.")]
    NotBanned,
    #[error("Ce compte a été supprimé : il ne peut plus être bloqué ni débloqué.")]
    Erased,
}

/// The reason typed, trimmed; required and bounded.
pub fn reason(typed: &str) -> Result<String, BanError> {
    let reason = typed.trim();
    if reason.is_empty() {
        return Err(BanError::NoReason);
    }
    if reason.chars().count() > REASON_MAX {
        return Err(BanError::ReasonTooLong);
    }
    Ok(reason.to_string())
}

/// Whether `actor` may block `target`: an admin, never themselves, an account not blocked yet
/// and not erased.
pub fn may_ban(actor_is_admin: bool, actor_id: i64, target: Target) -> Result<(), BanError> {
    if !actor_is_admin {
        return Err(BanError::NotAdmin);
    }
    if target.id == actor_id {
        return Err(BanError::Oneself);
    }
    if target.erased {
        return Err(BanError::Erased);
    }
    if target.banned {
        return Err(BanError::AlreadyBanned);
    }
    Ok(())
}

/// Whether `actor` may unblock `target`: an admin, an account blocked and not erased.
pub fn may_unban(actor_is_admin: bool, target: Target) -> Result<(), BanError> {
    if !actor_is_admin {
        return Err(BanError::NotAdmin);
    }
    if target.erased {
        return Err(BanError::Erased);
    }
    if !target.banned {
        return Err(BanError::NotBanned);
    }
    Ok(())
}

/// What a blocked person reads when signing in.
pub fn refusal(banned_at: NaiveDateTime, reason: &str) -> String {
    format!(
        "Votre compte habilis a été bloqué le {} par un administrateur. Motif : {reason} Pour en parler, écrivez à l'équipe de habilis.",
        banned_at.format("%d/%m/%Y"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACCOUNT: Target = Target {
        id: 7,
        banned: false,
        erased: false,
    };

    #[test]
    fn only_an_admin_blocks_and_never_themselves() {
        assert_eq!(may_ban(true, 1, ACCOUNT), Ok(()));
        assert_eq!(may_ban(false, 1, ACCOUNT), Err(BanError::NotAdmin));
        assert_eq!(may_ban(true, 7, ACCOUNT), Err(BanError::Oneself));
    }

    #[test]
    fn a_blocked_or_erased_account_is_not_blocked_again() {
        let banned = Target {
            banned: true,
            ..ACCOUNT
        };
        let erased = Target {
            erased: true,
            ..ACCOUNT
        };
        assert_eq!(may_ban(true, 1, banned), Err(BanError::AlreadyBanned));
        assert_eq!(may_ban(true, 1, erased), Err(BanError::Erased));
    }

    #[test]
    fn only_a_blocked_account_is_unblocked_by_an_admin() {
        let banned = Target {
            banned: true,
            ..ACCOUNT
        };
        assert_eq!(may_unban(true, banned), Ok(()));
        assert_eq!(may_unban(false, banned), Err(BanError::NotAdmin));
        assert_eq!(may_unban(true, ACCOUNT), Err(BanError::NotBanned));
        let erased = Target {
            erased: true,
            ..banned
        };
        assert_eq!(may_unban(true, erased), Err(BanError::Erased));
    }

    #[test]
    fn the_reason_is_required_trimmed_and_bounded() {
        assert_eq!(
            reason("  Usurpation signalée.  "),
            Ok("Usurpation signalée.".into())
        );
        assert_eq!(reason(" \n "), Err(BanError::NoReason));
        assert_eq!(
            reason(&"é".repeat(REASON_MAX)).map(|r| r.len()),
            Ok(REASON_MAX * 2)
        );
        assert_eq!(
            reason(&"é".repeat(REASON_MAX + 1)),
            Err(BanError::ReasonTooLong)
        );
    }

    #[test]
    fn the_person_reads_the_date_and_the_reason() {
        let at = chrono::NaiveDate::from_ymd_opt(2026, 12, 6)
            .and_then(|d| d.and_hms_opt(10, 0, 0))
            .unwrap();
        let told = refusal(at, "Usurpation signalée.");
        assert!(told.contains("bloqué le 06/12/2026"), "{told}");
        assert!(told.contains("Motif : Usurpation signalée."), "{told}");
    }
}
