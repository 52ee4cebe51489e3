//! Extending one habilitation: an instructor of its provider gives it a new end, counted from
//! today, at most the provider's validity, and later than its current end. Revoked and replaced
//! habilitations are never extended; an expired one may be (the organisation keeps its rights
//! without a new demande).

use chrono::{Months, NaiveDateTime};

use super::habilitation::Standing;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenewError {
    #[error("Seule une habilitation active ou expirée se prolonge : celle-ci est « {} ».", .0.label())]
    NotRenewable(Standing),
    #[error("La durée doit être un nombre de mois entre 1 et {0}.")]
    Months(u32),
    #[error(
        "Avec cette durée, l'habilitation finirait le {0}, pas après sa fin actuelle : choisissez une durée plus longue."
    )]
    NotLater(String),
}

/// The new end of a habilitation of this standing, ending at `expires_at`, extended at `now`
/// by `months` (typed; at most `max`, the provider's validity).
pub fn renewal(
    (standing, expires_at): (Standing, NaiveDateTime),
    now: NaiveDateTime,
    months: &str,
    max: u32,
) -> Result<NaiveDateTime, RenewError> {
    if !matches!(standing, Standing::Active | Standing::Expired) {
        return Err(RenewError::NotRenewable(standing));
    }
    let months = match months.trim().parse::<u32>() {
        Ok(m) if (1..=max).contains(&m) => m,
        _ => return Err(RenewError::Months(max)),
    };
    let until = now
        .checked_add_months(Months::new(months))
        .ok_or(RenewError::Months(max))?;
    // By day: a second click a second later moves nothing, and is refused.
    if until.date() <= expires_at.date() {
        return Err(RenewError::NotLater(until.format("%d/%m/%Y").to_string()));
    }
    Ok(until)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use strum::VariantArray;

    fn day(y: i32, m: u32, d: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .and_then(|d| d.and_hms_opt(12, 0, 0))
            .expect("a date")
    }

    #[test]
    fn an_active_or_expired_habilitation_gets_an_end_counted_from_today() {
        let now = day(2026, 12, 6);
        for standing in [Standing::Active, Standing::Expired] {
            assert_eq!(
                renewal((standing, day(2027, 1, 1)), now, "12", 12),
                Ok(day(2027, 12, 6))
            );
        }
    }

    #[test]
    fn the_same_extension_twice_is_refused_the_second_time() {
        let now = day(2026, 12, 6);
        let first = renewal((Standing::Active, day(2027, 1, 1)), now, "12", 12).unwrap();
        let a_second_later = now + chrono::Duration::seconds(1);
        assert_eq!(
            renewal((Standing::Active, first), a_second_later, "12", 12),
            Err(RenewError::NotLater("06/12/2027".to_string()))
        );
    }

    #[test]
    fn revoked_and_replaced_ones_are_not_extended() {
        for standing in Standing::VARIANTS {
            let got = renewal((*standing, day(2026, 1, 1)), day(2026, 12, 6), "6", 12);
            match standing {
                Standing::Active | Standing::Expired => assert!(got.is_ok(), "{standing:?}"),
                _ => assert_eq!(got, Err(RenewError::NotRenewable(*standing))),
            }
        }
    }

    #[test]
    fn the_duration_is_checked_and_must_move_the_end_later() {
        let now = day(2026, 12, 6);
        let end = day(2027, 6, 1);
        for typed in ["0", "13", "", "six", "-1"] {
            assert_eq!(
                renewal((Standing::Active, end), now, typed, 12),
                Err(RenewError::Months(12)),
                "{typed}"
            );
        }
        assert_eq!(
            renewal((Standing::Active, end), now, "3", 12),
            Err(RenewError::NotLater("06/03/2027".to_string()))
        );
        assert_eq!(
            RenewError::NotRenewable(Standing::Revoked).to_string(),
            "Seule une habilitation active ou expirée se prolonge : celle-ci est « Révoquée »."
        );
    }
}
