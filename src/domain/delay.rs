//! The time a provider takes to decide, as observed: the median wait between a demande's last
//! submission and its decision.

use chrono::NaiveDateTime;

/// Fewer decisions say too little to be told.
pub const MIN_DECISIONS: usize = 5;

/// The median wait of a provider's recent decisions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Observed {
    /// Whole days, rounded up; 0 when under a day.
    pub days: i64,
    pub decisions: usize,
}

/// The median of the waits (decided at, last submitted at); decisions without a submission
/// before them (a demande updated since) are left out.
pub fn observed(waits: &[(NaiveDateTime, Option<NaiveDateTime>)]) -> Option<Observed> {
    let mut minutes: Vec<i64> = waits
        .iter()
        .filter_map(|(decided, submitted)| Some((*decided - (*submitted)?).num_minutes()))
        .filter(|m| *m >= 0)
        .collect();
    if minutes.len() < MIN_DECISIONS {
        return None;
    }
    minutes.sort_unstable();
    let median = minutes[minutes.len() / 2];
    let day = 24 * 60;
    let days = if median < day {
        0
    } else {
        (median + day - 1) / day
    };
    Some(Observed {
        days,
        decisions: minutes.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(day: u32, hour: u32) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 11, day)
            .and_then(|d| d.and_hms_opt(hour, 0, 0))
            .unwrap()
    }

    #[test]
    fn the_median_wait_in_days_rounded_up_from_enough_decisions() {
        let waits: Vec<_> = [(3, 1), (5, 1), (12, 1), (2, 1), (30, 1)]
            .iter()
            .map(|(decided, submitted)| (at(*decided, 10), Some(at(*submitted, 9))))
            .collect();
        // Waits of 1, 2, 4, 11 and 29 days and an hour: the median, 4 days and an hour, is 5.
        assert_eq!(
            observed(&waits),
            Some(Observed {
                days: 5,
                decisions: 5
            })
        );
        assert_eq!(observed(&waits[..4]), None, "four decisions are too few");
    }

    #[test]
    fn waits_under_a_day_and_decisions_without_submission() {
        let mut waits: Vec<_> = (0..5).map(|_| (at(2, 12), Some(at(2, 9)))).collect();
        assert_eq!(observed(&waits).map(|o| o.days), Some(0));
        waits.push((at(2, 12), None));
        waits.push((at(2, 12), Some(at(3, 9))));
        assert_eq!(observed(&waits).map(|o| o.decisions), Some(5));
    }
}
