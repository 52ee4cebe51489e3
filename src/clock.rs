//! The portal's clock: UTC, to the microsecond (what both backends store). Code that acts on
//! time is given a [`Clock`] (or the instant itself), so tests can choose it.

use chrono::{NaiveDateTime, Timelike, Utc};

/// Where "now" comes from.
pub type Clock = fn() -> NaiveDateTime;

/// The system's time, truncated to the microsecond.
pub fn now() -> NaiveDateTime {
    let now = Utc::now().naive_utc();
    let micros = now.nanosecond() / 1_000 * 1_000;
    now.with_nanosecond(micros).unwrap_or(now)
}
