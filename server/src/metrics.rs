//! `GET /metrics` in the Prometheus text format: requests by route and status, their latency, and the
//! dossiers by state (counted in the database at scrape time, so every server reports the same).

use std::{
    collections::BTreeMap,
    fmt::Write as _,
    sync::{Arc, Mutex},
    time::Instant,
};

use axum::{
    extract::{MatchedPath, Request, State},
    http::{HeaderValue, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

use crate::AppState;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 10] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

#[derive(Debug, Default)]
struct Series {
    count: u64,
    sum_seconds: f64,
    /// Cumulative counts per bucket of [`BUCKETS`].
    buckets: [u64; BUCKETS.len()],
}

/// (method, route pattern, status).
type Key = (String, String, u16);

/// The process's request metrics.
#[derive(Debug, Clone, Default)]
pub struct Metrics {
    /// (method, route, status) → series.
    series: Arc<Mutex<BTreeMap<Key, Series>>>,
}

impl Metrics {
    fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let Ok(mut series) = self.series.lock() else {
            return;
        };
        let s = series
            .entry((method.to_owned(), route.to_owned(), status))
            .or_default();
        s.count += 1;
        s.sum_seconds += seconds;
        for (bucket, bound) in s.buckets.iter_mut().zip(BUCKETS) {
            if seconds <= bound {
                *bucket += 1;
            }
        }
    }

    fn render(&self, out: &mut String) {
        let Ok(series) = self.series.lock() else {
            return;
        };
        out.push_str("# HELP motcua_http_requests_total HTTP requests answered.\n");
        out.push_str("# TYPE motcua_http_requests_total counter\n");
        for ((method, route, status), s) in series.iter() {
            let _ = writeln!(
                out,
                "motcua_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {}",
                s.count
            );
        }
        out.push_str("# HELP motcua_http_request_duration_seconds Time to answer HTTP requests.\n");
        out.push_str("# TYPE motcua_http_request_duration_seconds histogram\n");
        for ((method, route, status), s) in series.iter() {
            let labels = format!("method=\"{method}\",route=\"{route}\",status=\"{status}\"");
            for (count, bound) in s.buckets.iter().zip(BUCKETS) {
                let _ = writeln!(
                    out,
                    "motcua_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {count}"
                );
            }
            let _ = writeln!(
                out,
                "motcua_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                s.count
            );
            let _ = writeln!(
                out,
                "motcua_http_request_duration_seconds_sum{{{labels}}} {}",
                s.sum_seconds
            );
            let _ = writeln!(
                out,
                "motcua_http_request_duration_seconds_count{{{labels}}} {}",
                s.count
            );
        }
    }
}

/// Times every request; the route label is the matched route pattern (never the raw path, which would
/// put dossier codes into the metrics).
pub(crate) async fn record(State(metrics): State<Metrics>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "other".to_owned(), |p| p.as_str().to_owned());
    let res = next.run(req).await;
    metrics.observe(
        &method,
        &route,
        res.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    res
}

/// `GET /metrics`.
pub(crate) async fn endpoint(State(state): State<AppState>) -> Response {
    let mut out = String::new();
    state.metrics.render(&mut out);
    out.push_str("# HELP motcua_dossiers Dossiers by procedure and state.\n");
    out.push_str("# TYPE motcua_dossiers gauge\n");
    match state.store.dossiers_by_state().await {
        Ok(rows) => {
            for (procedure, dossier_state, count) in rows {
                let _ = writeln!(
                    out,
                    "motcua_dossiers{{procedure=\"{procedure}\",state=\"{dossier_state}\"}} {count}"
                );
            }
            out.push_str("motcua_database_up 1\n");
        }
        Err(error) => {
            tracing::warn!(%error, "metrics: cannot count dossiers");
            out.push_str("motcua_database_up 0\n");
        }
    }
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        out,
    )
        .into_response()
}
