//! The portal's statistics, from the events of its demandes: monthly volumes, the share
//! validated and refused, how long the first answer and the decision take (median and 90th
//! percentile), the backlog by age, and who decided what. Pure: the events and the instant in.

use chrono::{Datelike, NaiveDate, NaiveDateTime};

/// Months shown, the current one included.
pub const MONTHS: usize = 12;

/// What happened to a demande, as the statistics read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Submit,
    RequestChanges,
    Approve,
    Refuse,
}

impl Kind {
    /// The stored event names read.
    pub const NAMES: [&'static str; 4] = ["submit", "request_changes", "approve", "refuse"];

    pub fn parse(name: &str) -> Option<Kind> {
        match name {
            "submit" => Some(Kind::Submit),
            "request_changes" => Some(Kind::RequestChanges),
            "approve" => Some(Kind::Approve),
            "refuse" => Some(Kind::Refuse),
            _ => None,
        }
    }

    fn decides(self) -> bool {
        matches!(self, Kind::Approve | Kind::Refuse)
    }
}

/// One event: its demande, what, who, when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fact {
    pub demande: i64,
    pub kind: Kind,
    pub actor: Option<i64>,
    pub at: NaiveDateTime,
}

/// One month's figures.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Month {
    /// The month's first day.
    pub start: NaiveDate,
    /// Demandes submitted (a resubmission after changes counts again).
    pub submitted: usize,
    pub validated: usize,
    pub refused: usize,
    pub changes: usize,
    /// Days to decide, of the decisions made that month.
    pub decision: Option<Spread>,
}

/// A median and a 90th percentile, in days (to a tenth), over `count` waits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spread {
    pub median: f64,
    pub p90: f64,
    pub count: usize,
}

impl Eq for Spread {}

/// Waiting demandes by age: under 7 days, 7 to 30, 30 to 90, over 90.
pub const AGES: [&str; 4] = [
    "moins de 7 jours",
    "de 7 à 30 jours",
    "de 30 à 90 jours",
    "plus de 90 jours",
];

/// What one person decided in the period.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Workload {
    pub actor: i64,
    pub changes: usize,
    pub validated: usize,
    pub refused: usize,
    /// Days from submission to their decisions.
    pub decision: Option<Spread>,
}

/// Everything the statistics page shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    pub months: Vec<Month>,
    pub first_answer: Option<Spread>,
    pub decision: Option<Spread>,
    /// Demandes waiting for instruction, by [`AGES`].
    pub backlog: [usize; 4],
    pub workload: Vec<Workload>,
}

impl Stats {
    pub fn validated(&self) -> usize {
        self.months.iter().map(|m| m.validated).sum()
    }

    pub fn refused(&self) -> usize {
        self.months.iter().map(|m| m.refused).sum()
    }

    pub fn submitted(&self) -> usize {
        self.months.iter().map(|m| m.submitted).sum()
    }
}

/// The first day of the month `back` months before the one of `now`.
fn month_start(now: NaiveDateTime, back: u32) -> NaiveDate {
    let index = now.year() * 12 + now.month0() as i32 - back as i32;
    NaiveDate::from_ymd_opt(index.div_euclid(12), index.rem_euclid(12) as u32 + 1, 1)
        .unwrap_or_default()
}

/// The first instant the statistics read: the start of the oldest month shown.
pub fn since(now: NaiveDateTime) -> NaiveDateTime {
    month_start(now, MONTHS as u32 - 1)
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default()
}

/// The median and 90th percentile (nearest rank) of waits in minutes, in days.
fn spread(mut minutes: Vec<i64>) -> Option<Spread> {
    if minutes.is_empty() {
        return None;
    }
    minutes.sort_unstable();
    let rank = |p: f64| {
        let i = ((p * minutes.len() as f64).ceil() as usize).clamp(1, minutes.len()) - 1;
        (minutes[i] as f64 / 144.0).round() / 10.0
    };
    Some(Spread {
        median: rank(0.5),
        p90: rank(0.9),
        count: minutes.len(),
    })
}

/// The statistics of `facts` (events since [`since`], any order) and the submission times of
/// the demandes waiting now.
pub fn compute(facts: &[Fact], waiting: &[NaiveDateTime], now: NaiveDateTime) -> Stats {
    let mut months: Vec<Month> = (0..MONTHS as u32)
        .rev()
        .map(|back| Month {
            start: month_start(now, back),
            ..Month::default()
        })
        .collect();
    let month_of = |at: NaiveDateTime| months.iter().rposition(|m| at.date() >= m.start);
    let mut sorted = facts.to_vec();
    sorted.sort_by_key(|f| (f.demande, f.at));
    let mut first_answers = Vec::new();
    let mut decisions = Vec::new();
    let mut by_month: Vec<Vec<i64>> = vec![Vec::new(); MONTHS];
    let mut workload: Vec<(Workload, Vec<i64>)> = Vec::new();
    // Per demande: when its current cycle was first submitted, and the submission not yet
    // answered.
    let mut cycle: Option<(i64, NaiveDateTime)> = None;
    let mut unanswered: Option<NaiveDateTime> = None;
    let mut counts: Vec<(usize, Kind)> = Vec::new();
    for fact in &sorted {
        if cycle.is_some_and(|(d, _)| d != fact.demande) {
            cycle = None;
            unanswered = None;
        }
        if let Some(m) = month_of(fact.at) {
            counts.push((m, fact.kind));
        }
        if fact.kind == Kind::Submit {
            if cycle.is_none() {
                cycle = Some((fact.demande, fact.at));
            }
            unanswered = unanswered.or(Some(fact.at));
            continue;
        }
        // Answers and decisions made before the period only close their cycle.
        let shown = month_of(fact.at);
        if let Some(submitted) = unanswered.take()
            && shown.is_some()
        {
            first_answers.push((fact.at - submitted).num_minutes());
        }
        let mut wait = None;
        if fact.kind.decides()
            && let Some((_, start)) = cycle.take()
            && let Some(m) = shown
        {
            let minutes = (fact.at - start).num_minutes();
            decisions.push(minutes);
            by_month[m].push(minutes);
            wait = Some(minutes);
        }
        if let Some(actor) = fact.actor.filter(|_| shown.is_some()) {
            let at = match workload.iter().position(|(w, _)| w.actor == actor) {
                Some(i) => i,
                None => {
                    workload.push((
                        Workload {
                            actor,
                            ..Workload::default()
                        },
                        Vec::new(),
                    ));
                    workload.len() - 1
                }
            };
            let (w, waits) = &mut workload[at];
            match fact.kind {
                Kind::RequestChanges => w.changes += 1,
                Kind::Approve => w.validated += 1,
                Kind::Refuse => w.refused += 1,
                Kind::Submit => {}
            }
            waits.extend(wait);
        }
    }
    for (m, kind) in counts {
        let month = &mut months[m];
        match kind {
            Kind::Submit => month.submitted += 1,
            Kind::RequestChanges => month.changes += 1,
            Kind::Approve => month.validated += 1,
            Kind::Refuse => month.refused += 1,
        }
    }
    for (month, waits) in months.iter_mut().zip(by_month) {
        month.decision = spread(waits);
    }
    let mut backlog = [0; 4];
    for at in waiting {
        let days = (now - *at).num_days();
        let bucket = match days {
            d if d < 7 => 0,
            d if d < 30 => 1,
            d if d < 90 => 2,
            _ => 3,
        };
        backlog[bucket] += 1;
    }
    let mut workload: Vec<Workload> = workload
        .into_iter()
        .map(|(w, waits)| Workload {
            decision: spread(waits),
            ..w
        })
        .collect();
    workload.sort_by_key(|w| std::cmp::Reverse(w.changes + w.validated + w.refused));
    Stats {
        months,
        first_answer: spread(first_answers),
        decision: spread(decisions),
        backlog,
        workload,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(month: u32, day: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, month, day)
            .and_then(|d| d.and_hms_opt(10, 0, 0))
            .unwrap()
    }

    fn fact(demande: i64, kind: Kind, actor: Option<i64>, at: NaiveDateTime) -> Fact {
        Fact {
            demande,
            kind,
            actor,
            at,
        }
    }

    #[test]
    fn twelve_months_end_with_the_current_one_across_a_new_year() {
        let now = NaiveDate::from_ymd_opt(2027, 2, 10)
            .and_then(|d| d.and_hms_opt(8, 0, 0))
            .unwrap();
        let stats = compute(&[], &[], now);
        assert_eq!(stats.months.len(), 12);
        assert_eq!(
            stats.months[0].start,
            NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()
        );
        assert_eq!(
            stats.months[11].start,
            NaiveDate::from_ymd_opt(2027, 2, 1).unwrap()
        );
        assert_eq!(since(now), at(3, 1).date().and_hms_opt(0, 0, 0).unwrap());
        assert_eq!(stats.first_answer, None);
    }

    #[test]
    fn a_decision_after_changes_counts_from_the_first_submission() {
        let now = at(12, 6);
        let facts = [
            fact(1, Kind::Submit, Some(10), at(10, 1)),
            fact(1, Kind::RequestChanges, Some(20), at(10, 3)),
            fact(1, Kind::Submit, Some(10), at(10, 5)),
            fact(1, Kind::Approve, Some(20), at(10, 11)),
            fact(2, Kind::Submit, Some(11), at(11, 1)),
            fact(2, Kind::Refuse, Some(21), at(11, 2)),
        ];
        let stats = compute(&facts, &[], now);
        let october = &stats.months[9];
        assert_eq!(october.start, NaiveDate::from_ymd_opt(2026, 10, 1).unwrap());
        assert_eq!(
            (october.submitted, october.changes, october.validated),
            (2, 1, 1)
        );
        assert_eq!(stats.months[10].refused, 1);
        // First answers: 2 days (after the first submission), 6 days (after the second), 1 day.
        let first = stats.first_answer.unwrap();
        assert_eq!((first.median, first.p90, first.count), (2.0, 6.0, 3));
        // Decisions: 10 days (from the first submission, not the second) and 1 day.
        let decision = stats.decision.unwrap();
        assert_eq!(
            (decision.median, decision.p90, decision.count),
            (1.0, 10.0, 2)
        );
        assert_eq!(october.decision.unwrap().median, 10.0);
        assert_eq!(
            (stats.validated(), stats.refused(), stats.submitted()),
            (1, 1, 3)
        );
        // Who decided what, the busiest first; applicants' submissions are no workload.
        let twenty = &stats.workload[0];
        assert_eq!(
            (
                twenty.actor,
                twenty.changes,
                twenty.validated,
                twenty.refused
            ),
            (20, 1, 1, 0)
        );
        assert!(
            stats
                .workload
                .iter()
                .any(|w| w.actor == 21 && w.refused == 1)
        );
        assert_eq!(stats.workload.len(), 2);
    }

    #[test]
    fn the_backlog_is_counted_by_age() {
        let now = at(12, 6);
        let waiting = [at(12, 5), at(12, 1), at(11, 20), at(10, 1), at(1, 1)];
        assert_eq!(compute(&[], &waiting, now).backlog, [2, 1, 1, 1]);
    }

    #[test]
    fn the_90th_percentile_is_the_nearest_rank() {
        let minutes: Vec<i64> = (1..=10).map(|d| d * 1440).collect();
        let s = spread(minutes).unwrap();
        assert_eq!((s.median, s.p90, s.count), (5.0, 9.0, 10));
        // Under a day, to a tenth.
        assert_eq!(spread(vec![720]).unwrap().median, 0.5);
    }

    #[test]
    fn events_before_the_period_are_not_counted_but_close_their_cycle() {
        let now = at(12, 6);
        let old = NaiveDate::from_ymd_opt(2025, 11, 20)
            .and_then(|d| d.and_hms_opt(9, 0, 0))
            .unwrap();
        let facts = [
            fact(1, Kind::Submit, None, old),
            fact(1, Kind::Approve, Some(20), at(1, 10)),
        ];
        let stats = compute(&facts, &[], now);
        // The submission before the period is not counted; the decision in it is, from then.
        assert_eq!(stats.submitted(), 0);
        assert_eq!(stats.validated(), 1);
        assert!(stats.decision.unwrap().median > 50.0);
    }
}
