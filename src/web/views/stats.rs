//! The statistics page's model: figures in French, and the geometry of its SVG charts (drawn
//! on the server, so they need no JavaScript; each has its data table under it).

use askama::Template;

use crate::domain::stats::{AGES, Spread, Stats};
use crate::services::stats::Report;
use crate::web::ctx::VisitorCtx;

use super::Layout;

/// A bar of a chart, in the chart's units.
pub struct Bar {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    pub fill: &'static str,
    /// What a pointer hovering it reads.
    pub title: String,
}

/// A label of an axis, where it goes.
pub struct Label {
    pub x: f64,
    pub y: f64,
    pub text: String,
}

/// A chart: its bars, the value axis's ticks, the category labels.
pub struct Chart {
    pub width: f64,
    pub height: f64,
    pub bars: Vec<Bar>,
    /// Horizontal lines with their value, on the left.
    pub ticks: Vec<Label>,
    pub labels: Vec<Label>,
    /// The bottom of the plot (the zero line).
    pub base: f64,
    pub left: f64,
    pub right: f64,
}

const BLUE: &str = "#000091";
const GREEN: &str = "#18753c";
const RED: &str = "#ce0500";

/// A round top for the value axis: 1, 2 or 5 times a power of ten, at least `max`.
fn ceiling(max: f64) -> f64 {
    if max <= 0.0 {
        return 1.0;
    }
    let power = 10f64.powf(max.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * power)
        .find(|top| *top >= max)
        .unwrap_or(10.0 * power)
}

fn month_name(start: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    const NAMES: [&str; 12] = [
        "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
        "déc.",
    ];
    format!("{} {}", NAMES[start.month0() as usize], start.year() % 100)
}

fn number(n: f64) -> String {
    if n.fract() == 0.0 {
        format!("{n:.0}")
    } else {
        format!("{n:.1}").replace('.', ",")
    }
}

/// Vertical bars, `series` per category, grouped.
fn columns(categories: &[String], series: &[(&'static str, &str, Vec<f64>)], unit: &str) -> Chart {
    let (width, height, left, top, bottom) = (720.0, 260.0, 48.0, 12.0, 36.0);
    let base = height - bottom;
    let max = series
        .iter()
        .flat_map(|(_, _, values)| values.iter().copied())
        .fold(0.0, f64::max);
    let top_value = ceiling(max);
    let scale = (base - top) / top_value;
    let group = (width - left - 8.0) / categories.len().max(1) as f64;
    let bar = (group - 8.0) / series.len().max(1) as f64;
    let mut bars = Vec::new();
    for (i, category) in categories.iter().enumerate() {
        for (s, (fill, name, values)) in series.iter().enumerate() {
            let value = values.get(i).copied().unwrap_or(0.0);
            let h = value * scale;
            bars.push(Bar {
                x: left + 4.0 + i as f64 * group + s as f64 * bar,
                y: base - h,
                w: (bar - 1.0).max(1.0),
                h,
                fill,
                title: format!("{category} : {} {name}{unit}", number(value)),
            });
        }
    }
    Chart {
        width,
        height,
        bars,
        ticks: [0.0, 0.5, 1.0]
            .iter()
            .map(|f| Label {
                x: left - 6.0,
                y: base - f * top_value * scale,
                text: number(f * top_value),
            })
            .collect(),
        labels: categories
            .iter()
            .enumerate()
            .map(|(i, c)| Label {
                x: left + (i as f64 + 0.5) * group,
                y: base + 20.0,
                text: c.clone(),
            })
            .collect(),
        base,
        left,
        right: width - 4.0,
    }
}

/// Horizontal bars, one per category.
fn rows(categories: &[&str], values: &[usize]) -> Chart {
    let (width, left, row) = (720.0, 150.0, 34.0);
    let height = row * categories.len() as f64 + 8.0;
    let top_value = ceiling(values.iter().copied().max().unwrap_or(0) as f64);
    let scale = (width - left - 60.0) / top_value;
    Chart {
        width,
        height,
        bars: values
            .iter()
            .enumerate()
            .map(|(i, v)| Bar {
                x: left,
                y: 4.0 + i as f64 * row + 6.0,
                w: (*v as f64 * scale).max(1.0),
                h: row - 12.0,
                fill: BLUE,
                title: format!("{} : {v}", categories[i]),
            })
            .collect(),
        // The values, after each bar.
        ticks: values
            .iter()
            .enumerate()
            .map(|(i, v)| Label {
                x: left + (*v as f64 * scale).max(1.0) + 6.0,
                y: 4.0 + i as f64 * row + row / 2.0 + 4.0,
                text: v.to_string(),
            })
            .collect(),
        labels: categories
            .iter()
            .enumerate()
            .map(|(i, c)| Label {
                x: left - 8.0,
                y: 4.0 + i as f64 * row + row / 2.0 + 4.0,
                text: c.to_string(),
            })
            .collect(),
        base: height,
        left,
        right: width,
    }
}

/// One month's line of the tables.
pub struct MonthRow {
    pub name: String,
    pub submitted: usize,
    pub validated: usize,
    pub refused: usize,
    pub decisions: usize,
    pub median: String,
    pub p90: String,
}

/// One person's line of the workload table.
pub struct WorkRow {
    pub name: String,
    pub changes: usize,
    pub validated: usize,
    pub refused: usize,
    pub median: String,
}

#[derive(Template)]
#[template(path = "stats.html")]
pub struct StatsPage {
    pub layout: Layout,
    /// (slug, name) of every provider, for the choice.
    pub providers: Vec<(String, String)>,
    pub chosen: String,
    /// "API Particulier", or "tous les fournisseurs".
    pub scope: String,
    pub submitted: usize,
    pub decided: usize,
    /// "78 %", or "–" without decisions.
    pub validated_share: String,
    pub refused_share: String,
    /// (median, 90th percentile, how many), in words.
    pub first_answer: Option<(String, String, usize)>,
    pub decision: Option<(String, String, usize)>,
    pub months: Vec<MonthRow>,
    pub volumes: Chart,
    pub delays: Chart,
    pub backlog: Chart,
    /// (age, demandes).
    pub backlog_rows: Vec<(&'static str, usize)>,
    pub waiting: usize,
    pub workload: Option<Vec<WorkRow>>,
    pub csv: String,
}

fn days(s: &Spread) -> (String, String, usize) {
    let word = |d: f64| {
        if d <= 1.0 {
            format!("{} jour", number(d))
        } else {
            format!("{} jours", number(d))
        }
    };
    (word(s.median), word(s.p90), s.count)
}

fn share(part: usize, whole: usize) -> String {
    (part * 100 + whole / 2)
        .checked_div(whole)
        .map_or("–".to_string(), |p| format!("{p} %"))
}

impl StatsPage {
    pub fn new(ctx: &VisitorCtx, app: &crate::services::App, report: Report) -> StatsPage {
        let stats: &Stats = &report.stats;
        let names: Vec<String> = stats.months.iter().map(|m| month_name(m.start)).collect();
        let as_f = |f: fn(&crate::domain::stats::Month) -> usize| -> Vec<f64> {
            stats.months.iter().map(|m| f(m) as f64).collect()
        };
        let volumes = columns(
            &names,
            &[
                (BLUE, "déposées", as_f(|m| m.submitted)),
                (GREEN, "validées", as_f(|m| m.validated)),
                (RED, "refusées", as_f(|m| m.refused)),
            ],
            "",
        );
        let delays = columns(
            &names,
            &[(
                BLUE,
                "jours (médiane)",
                stats
                    .months
                    .iter()
                    .map(|m| m.decision.map_or(0.0, |s| s.median))
                    .collect(),
            )],
            "",
        );
        let (validated, refused) = (stats.validated(), stats.refused());
        let decided = validated + refused;
        let slug = report.provider.as_ref().map(|p| p.slug.clone());
        StatsPage {
            layout: ctx.layout("stats"),
            providers: app
                .catalog
                .all()
                .iter()
                .map(|p| (p.slug.clone(), p.name.clone()))
                .collect(),
            chosen: slug.clone().unwrap_or_default(),
            scope: report
                .provider
                .as_ref()
                .map_or("tous les fournisseurs".to_string(), |p| p.name.clone()),
            submitted: stats.submitted(),
            decided,
            validated_share: share(validated, decided),
            refused_share: share(refused, decided),
            first_answer: stats.first_answer.as_ref().map(days),
            decision: stats.decision.as_ref().map(days),
            months: stats
                .months
                .iter()
                .zip(&names)
                .map(|(m, name)| MonthRow {
                    name: name.clone(),
                    submitted: m.submitted,
                    validated: m.validated,
                    refused: m.refused,
                    decisions: m.decision.map_or(0, |s| s.count),
                    median: m.decision.map_or("–".to_string(), |s| number(s.median)),
                    p90: m.decision.map_or("–".to_string(), |s| number(s.p90)),
                })
                .collect(),
            volumes,
            delays,
            backlog: rows(&AGES, &stats.backlog),
            backlog_rows: AGES.iter().copied().zip(stats.backlog).collect(),
            waiting: stats.backlog.iter().sum(),
            workload: report.workload.map(|rows| {
                rows.into_iter()
                    .map(|(name, w)| WorkRow {
                        name,
                        changes: w.changes,
                        validated: w.validated,
                        refused: w.refused,
                        median: w.decision.map_or("–".to_string(), |s| number(s.median)),
                    })
                    .collect()
            }),
            csv: match slug {
                Some(s) => format!("/stats.csv?fournisseur={s}"),
                None => "/stats.csv".to_string(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_value_axis_tops_at_a_round_number() {
        assert_eq!(ceiling(0.0), 1.0);
        assert_eq!(ceiling(3.0), 5.0);
        assert_eq!(ceiling(7.0), 10.0);
        assert_eq!(ceiling(12.0), 20.0);
        assert_eq!(ceiling(480.0), 500.0);
    }

    #[test]
    fn bars_stand_on_the_base_and_the_tallest_fits() {
        let chart = columns(
            &["a".to_string(), "b".to_string()],
            &[(BLUE, "x", vec![2.0, 5.0])],
            "",
        );
        for bar in &chart.bars {
            assert!((bar.y + bar.h - chart.base).abs() < 1e-9);
            assert!(bar.y >= 0.0 && bar.x + bar.w <= chart.width);
        }
        assert_eq!(chart.bars[1].title, "b : 5 x");
        assert_eq!(number(2.5), "2,5");
    }
}
