//! Support without passwords: an admin sees the portal as a given person sees it, read-only,
//! for a limited time, with a reason; what may be done meanwhile, and who may start it.

use chrono::{Duration, NaiveDateTime};

/// How long a view lasts before it ends by itself.
pub const VIEW_MINUTES: i64 = 30;

/// The longest reason kept.
pub const REASON_MAX: usize = 500;

/// The person an admin asks to see the portal as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    pub id: i64,
    pub erased: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SupportError {
    #[error(
        "Seuls les administrateurs de habilis peuvent voir le portail comme une autre personne."
    )]
    NotAdmin,
    #[error(
        "Vous voyez déjà le portail comme vous-même : indiquez l'adresse d'une autre personne."
    )]
    Oneself,
    #[error("Ce compte a été supprimé : il n'y a plus rien à voir à sa place.")]
    Erased,
    #[error(
        "Indiquez le motif de la consultation (la demande d'assistance, par exemple) : la personne le recevra par courriel."
    )]
    NoReason,
    #[error("Le motif ne doit pas dépasser {REASON_MAX} caractères.")]
    ReasonTooLong,
}

/// The reason typed, trimmed; required and bounded.
pub fn reason(typed: &str) -> Result<String, SupportError> {
    let reason = typed.trim();
    if reason.is_empty() {
        return Err(SupportError::NoReason);
    }
    if reason.chars().count() > REASON_MAX {
        return Err(SupportError::ReasonTooLong);
    }
    Ok(reason.to_string())
}

/// Whether `actor` may see the portal as `target`: an admin, another person, not erased.
pub fn may_view_as(
    actor_is_admin: bool,
    actor_id: i64,
    target: Target,
) -> Result<(), SupportError> {
    if !actor_is_admin {
        return Err(SupportError::NotAdmin);
    }
    if target.id == actor_id {
        return Err(SupportError::Oneself);
    }
    if target.erased {
        return Err(SupportError::Erased);
    }
    Ok(())
}

/// When a view started at `at` ends by itself.
pub fn until(at: NaiveDateTime) -> NaiveDateTime {
    at + Duration::minutes(VIEW_MINUTES)
}

/// The path that ends a view: the one request that changes something while it lasts (with
/// signing out, which ends the whole session).
pub const STOP_PATH: &str = "/admin/voir-comme/fin";

/// Whether a request may go through while an admin views the portal as someone else: reading
/// only, save ending the view or signing out.
pub fn allowed_while_viewing(method: &str, path: &str) -> bool {
    matches!(method, "GET" | "HEAD") || path == STOP_PATH || path == "/deconnexion"
}

#[cfg(test)]
mod tests {
    use super::*;

    const PERSON: Target = Target {
        id: 7,
        erased: false,
    };

    #[test]
    fn only_an_admin_views_as_another_person_not_erased() {
        assert_eq!(may_view_as(true, 1, PERSON), Ok(()));
        assert_eq!(may_view_as(false, 1, PERSON), Err(SupportError::NotAdmin));
        assert_eq!(may_view_as(true, 7, PERSON), Err(SupportError::Oneself));
        let erased = Target {
            erased: true,
            ..PERSON
        };
        assert_eq!(may_view_as(true, 1, erased), Err(SupportError::Erased));
    }

    #[test]
    fn the_reason_is_required_and_bounded() {
        assert_eq!(reason("  Ticket 4512  "), Ok("Ticket 4512".to_string()));
        assert_eq!(reason(""), Err(SupportError::NoReason));
        assert_eq!(
            reason(&"a".repeat(REASON_MAX + 1)),
            Err(SupportError::ReasonTooLong)
        );
    }

    #[test]
    fn a_view_lasts_thirty_minutes() {
        let at = chrono::NaiveDate::from_ymd_opt(2026, 12, 6)
            .and_then(|d| d.and_hms_opt(10, 0, 0))
            .unwrap();
        assert_eq!(until(at), at + Duration::minutes(30));
    }

    #[test]
    fn while_viewing_only_reading_ending_the_view_and_signing_out_go_through() {
        assert!(allowed_while_viewing("GET", "/demandes/12"));
        assert!(allowed_while_viewing("HEAD", "/"));
        assert!(allowed_while_viewing("POST", "/admin/voir-comme/fin"));
        assert!(allowed_while_viewing("POST", "/deconnexion"));
        for path in [
            "/demandes/12/soumettre",
            "/instruction/demandes/12/valider",
            "/admin/voir-comme",
            "/admin/comptes/bloquer",
        ] {
            assert!(!allowed_while_viewing("POST", path), "{path}");
        }
        assert!(!allowed_while_viewing("PUT", "/demandes/12"));
        assert!(!allowed_while_viewing("DELETE", "/demandes/12"));
    }
}
