//! The statistics at `/stats`: public aggregates per provider and overall, read from the
//! events at most every ten minutes per view; the instructors of a provider (and admins) also
//! see who decided what.

use std::sync::Arc;
use std::time::Duration;

use crate::catalog::Provider;
use crate::domain::policy;
use crate::domain::stats::{self, Stats, Workload};
use crate::error::AppError;

use super::accounts::CurrentUser;
use super::{App, now};

/// How long figures are kept before they are read again.
pub const KEPT: Duration = Duration::from_secs(600);
/// Events before the period are read this far back, so that a decision early in the period
/// counts from the submission that started it.
const CYCLE_DAYS: i64 = 365;

/// Each view's last figures, by provider slug ("" for all).
pub type StatsCache = super::kept::Kept<Arc<Stats>>;

/// What the page shows.
#[derive(Debug, Clone)]
pub struct Report {
    /// The provider looked at; none: every provider.
    pub provider: Option<Provider>,
    pub stats: Arc<Stats>,
    /// Who decided what, by name, for whom may see it.
    pub workload: Option<Vec<(String, Workload)>>,
}

/// The provider a `fournisseur` parameter names: none for all; unknown → 404.
fn provider_named(app: &App, slug: Option<&str>) -> Result<Option<Provider>, AppError> {
    match slug.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(slug) => app
            .catalog
            .get(slug)
            .cloned()
            .map(Some)
            .ok_or(AppError::NotFound),
    }
}

/// The figures of one provider or all, kept ten minutes.
async fn figures(app: &App, provider: Option<&Provider>) -> Result<Arc<Stats>, AppError> {
    let key = provider.map_or(String::new(), |p| p.slug.clone());
    if let Some(stats) = app.stats.get(&key) {
        return Ok(stats);
    }
    let at = now();
    let slug = provider.map(|p| p.slug.clone());
    let computed = app
        .db
        .run(move |conn| {
            let since = stats::since(at) - chrono::Duration::days(CYCLE_DAYS);
            let facts = crate::db::stats::facts(conn, slug.as_deref(), since)?;
            let waiting = crate::db::stats::waiting(conn, slug.as_deref())?;
            Ok::<_, AppError>(stats::compute(&facts, &waiting, at))
        })
        .await?;
    let computed = Arc::new(computed);
    app.stats.put(&key, computed.clone());
    Ok(computed)
}

/// The statistics of the provider `slug` names, or of all; with the workload for its
/// instructors (every provider's for admins).
pub async fn report(
    app: &App,
    current: Option<&CurrentUser>,
    slug: Option<&str>,
) -> Result<Report, AppError> {
    // Aggregates are public unless the operator says otherwise.
    if !app.settings.stats_public {
        match current {
            None => return Err(AppError::Unauthenticated),
            Some(c) if !c.actor.sees_instruction() => return Err(AppError::Forbidden),
            Some(_) => {}
        }
    }
    let provider = provider_named(app, slug)?;
    let stats = figures(app, provider.as_ref()).await?;
    let actor = current.map(|c| &c.actor);
    let workload = match actor {
        Some(actor) if policy::sees_workload(actor, provider.as_ref().map(|p| p.slug.as_str())) => {
            let ids: Vec<i64> = stats.workload.iter().map(|w| w.actor).collect();
            let names = app
                .db
                .run(move |conn| Ok::<_, AppError>(crate::db::stats::names(conn, &ids)?))
                .await?;
            Some(
                stats
                    .workload
                    .iter()
                    .map(|w| {
                        let name = names.iter().find(|(id, _, _)| *id == w.actor).map_or_else(
                            || format!("compte {}", w.actor),
                            |(_, given, family)| format!("{given} {family}"),
                        );
                        (name, w.clone())
                    })
                    .collect(),
            )
        }
        _ => None,
    };
    Ok(Report {
        provider,
        stats,
        workload,
    })
}

fn days(spread: Option<stats::Spread>, pick: fn(&stats::Spread) -> f64) -> String {
    spread.map_or(String::new(), |s| {
        format!("{:.1}", pick(&s)).replace('.', ",")
    })
}

/// The monthly figures as CSV (UTF-8 with a byte order mark, `;`-separated as French
/// spreadsheets expect, decimals with a comma).
pub fn csv(report: &Report) -> Result<Vec<u8>, AppError> {
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer("\u{feff}".as_bytes().to_vec());
    let scope = report
        .provider
        .as_ref()
        .map_or("Tous les fournisseurs".to_string(), |p| p.name.clone());
    writer
        .write_record([
            "fournisseur",
            "mois",
            "demandes_deposees",
            "demandes_validees",
            "demandes_refusees",
            "modifications_demandees",
            "decisions_mesurees",
            "delai_decision_median_jours",
            "delai_decision_90e_centile_jours",
        ])
        .map_err(anyhow::Error::from)?;
    for m in &report.stats.months {
        let cells = [
            super::export::neutralise(&scope),
            m.start.format("%Y-%m").to_string(),
            m.submitted.to_string(),
            m.validated.to_string(),
            m.refused.to_string(),
            m.changes.to_string(),
            m.decision.map_or(0, |s| s.count).to_string(),
            days(m.decision, |s| s.median),
            days(m.decision, |s| s.p90),
        ];
        writer.write_record(cells).map_err(anyhow::Error::from)?;
    }
    writer
        .into_inner()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))
}
