//! Prometheus metrics of one portal: requests by route (count and latency), recorded by a
//! middleware, and at each scrape the outbox's depth, its dead letters, the webhook attempts
//! that failed and the reminders sent, read from the database. Each portal keeps its own
//! recorder (not the process-wide one), so several portals in one process never mix.

use std::time::Duration;

use metrics_exporter_prometheus::{
    Matcher, PrometheusBuilder, PrometheusHandle, PrometheusRecorder,
};

use crate::error::AppError;

use super::App;

const REQUESTS: &str = "habilis_http_requests_total";
const LATENCY: &str = "habilis_http_request_duration_seconds";

pub struct Metrics {
    recorder: PrometheusRecorder,
    handle: PrometheusHandle,
}

impl Metrics {
    pub fn new() -> anyhow::Result<Metrics> {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(
                Matcher::Full(LATENCY.to_string()),
                &[
                    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
                ],
            )?
            .build_recorder();
        let handle = recorder.handle();
        Ok(Metrics { recorder, handle })
    }

    /// One request answered: its method, its route's pattern (never the path, which holds
    /// ids), its status and how long it took.
    pub fn request(&self, method: &str, route: &str, status: u16, took: Duration) {
        let (method, route) = (method.to_string(), route.to_string());
        ::metrics::with_local_recorder(&self.recorder, || {
            ::metrics::counter!(REQUESTS, "method" => method.clone(), "route" => route.clone(), "status" => status.to_string())
                .increment(1);
            ::metrics::histogram!(LATENCY, "method" => method, "route" => route)
                .record(took.as_secs_f64());
        });
    }
}

/// The metrics as Prometheus reads them, the database's figures read now.
pub async fn render(app: &App) -> Result<String, AppError> {
    let figures = app
        .db
        .run(|conn| Ok::<_, AppError>(crate::db::outbox::figures(conn)?))
        .await?;
    let metrics = &app.metrics;
    ::metrics::with_local_recorder(&metrics.recorder, || {
        // A kind whose rows all left reads 0, not its last count.
        for kind in ["email", "webhook"] {
            ::metrics::gauge!("habilis_outbox_pending", "kind" => kind).set(0.0);
            ::metrics::gauge!("habilis_outbox_dead_letters", "kind" => kind).set(0.0);
        }
        for (kind, n) in &figures.pending {
            ::metrics::gauge!("habilis_outbox_pending", "kind" => kind.clone()).set(*n as f64);
        }
        for (kind, n) in &figures.dead {
            ::metrics::gauge!("habilis_outbox_dead_letters", "kind" => kind.clone()).set(*n as f64);
        }
        ::metrics::counter!("habilis_webhook_failures_total").absolute(figures.webhook_failures);
        ::metrics::counter!("habilis_reminders_sent_total").absolute(figures.reminders);
    });
    Ok(metrics.handle.render())
}
