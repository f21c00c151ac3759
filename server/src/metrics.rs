//! `GET /metrics` in the Prometheus text format: requests by method, route and status, their latency,
//! and the dossiers by state (counted in the database at most once every [`DOSSIER_COUNT_TTL`], so every
//! server reports the same and scrapes cost no query).
//!
//! Every label has a bounded set of values: the method is one of [`METHODS`] or `other`, the route is
//! the matched route's template (`/api/v1/dossiers/{code}`) or `other`, never the raw path. Who may
//! read it is decided by [`router`]: behind a bearer token (`MOTCUA_METRICS_TOKEN`) and/or on an
//! address of its own (`MOTCUA_METRICS_BIND`); with neither it is not served.

use std::{
    collections::BTreeMap,
    fmt::Write as _,
    sync::{Arc, Mutex, PoisonError},
    time::{Duration, Instant},
};

use axum::{
    Router,
    extract::{MatchedPath, Request, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use subtle::ConstantTimeEq as _;

use crate::AppState;

/// The methods counted under their own name; any other is `other` (a client can send any token as a
/// method, and each would be a new series).
pub const METHODS: [Method; 7] = [
    Method::GET,
    Method::HEAD,
    Method::POST,
    Method::PUT,
    Method::PATCH,
    Method::DELETE,
    Method::OPTIONS,
];

/// The dossier counts are taken from the database at most this often; scrapes in between get the last
/// counts.
pub const DOSSIER_COUNT_TTL: Duration = Duration::from_secs(60);

/// (procedure, state, count) rows, or `None` when the database did not answer.
type DossierCounts = Option<Vec<(String, String, i64)>>;

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
type Key = (&'static str, String, u16);

/// The process's request metrics.
#[derive(Debug, Clone, Default)]
pub struct Metrics {
    /// (method, route, status) → series.
    series: Arc<Mutex<BTreeMap<Key, Series>>>,
    /// The last dossier counts and when they were taken; one scrape counts while others wait.
    dossiers: Arc<tokio::sync::Mutex<Option<(Instant, DossierCounts)>>>,
}

/// The label of a method: its name when it is one of [`METHODS`], else `other`.
fn method_label(method: &Method) -> &'static str {
    METHODS
        .iter()
        .find(|m| *m == method)
        .map_or("other", Method::as_str)
}

impl Metrics {
    fn observe(&self, method: &'static str, route: &str, status: u16, seconds: f64) {
        let mut series = self.series.lock().unwrap_or_else(PoisonError::into_inner);
        let s = series
            .entry((method, route.to_owned(), status))
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
        let series = self.series.lock().unwrap_or_else(PoisonError::into_inner);
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
    let method = method_label(req.method());
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "other".to_owned(), |p| p.as_str().to_owned());
    let res = next.run(req).await;
    metrics.observe(
        method,
        &route,
        res.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    res
}

/// The dossier counts, from the database when the last ones are older than [`DOSSIER_COUNT_TTL`].
async fn dossier_counts(state: &AppState) -> DossierCounts {
    let mut cached = state.metrics.dossiers.lock().await;
    if let Some((at, counts)) = cached.as_ref()
        && at.elapsed() < DOSSIER_COUNT_TTL
    {
        return counts.clone();
    }
    let counts = match state.store.dossiers_by_state().await {
        Ok(rows) => Some(rows),
        Err(error) => {
            tracing::warn!(%error, "metrics: cannot count dossiers");
            None
        }
    };
    *cached = Some((Instant::now(), counts.clone()));
    counts
}

/// `GET /metrics`.
pub(crate) async fn endpoint(State(state): State<AppState>) -> Response {
    let mut out = String::new();
    state.metrics.render(&mut out);
    out.push_str("# HELP motcua_dossiers Dossiers by procedure and state.\n");
    out.push_str("# TYPE motcua_dossiers gauge\n");
    match dossier_counts(&state).await {
        Some(rows) => {
            for (procedure, dossier_state, count) in rows {
                let _ = writeln!(
                    out,
                    "motcua_dossiers{{procedure=\"{procedure}\",state=\"{dossier_state}\"}} {count}"
                );
            }
            out.push_str("motcua_database_up 1\n");
        }
        None => out.push_str("motcua_database_up 0\n"),
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

/// `Authorization: Bearer <token>` with exactly this token (compared in constant time).
fn bearer_matches(headers: &HeaderMap, token: &str) -> bool {
    headers
        .get_all(header::AUTHORIZATION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| {
            v.split_once(' ')
                .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        })
        .any(|(_, given)| bool::from(given.trim().as_bytes().ct_eq(token.as_bytes())))
}

/// `/metrics` alone: behind `token` when one is given.
pub fn router(state: AppState, token: Option<&str>) -> Router {
    let route = Router::new().route("/metrics", axum::routing::get(endpoint));
    let route = match token {
        Some(token) => {
            let token: Arc<str> = token.into();
            route.layer(axum::middleware::from_fn(
                move |req: Request, next: Next| {
                    let token = Arc::clone(&token);
                    async move {
                        if bearer_matches(req.headers(), &token) {
                            next.run(req).await
                        } else {
                            (
                                StatusCode::UNAUTHORIZED,
                                [(header::WWW_AUTHENTICATE, "Bearer")],
                                "/metrics cần tiêu đề Authorization: Bearer <MOTCUA_METRICS_TOKEN> / \
                                 /metrics needs the header Authorization: Bearer <MOTCUA_METRICS_TOKEN>\n",
                            )
                                .into_response()
                        }
                    }
                },
            ))
        }
        None => route,
    };
    route.with_state(state)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_methods_are_counted_as_other() {
        let made_up = Method::from_bytes(b"BREW").expect("a method token");

        let labels = [method_label(&Method::GET), method_label(&made_up)];

        assert_eq!(labels, ["GET", "other"]);
    }

    #[test]
    fn only_the_exact_bearer_token_opens_the_metrics() {
        let with = |value: &'static str| {
            let mut h = HeaderMap::new();
            h.insert(header::AUTHORIZATION, HeaderValue::from_static(value));
            h
        };
        assert!(bearer_matches(&with("Bearer s3cret-token"), "s3cret-token"));
        assert!(bearer_matches(&with("bearer s3cret-token"), "s3cret-token"));
        assert!(!bearer_matches(&with("Bearer s3cret-toke"), "s3cret-token"));
        assert!(!bearer_matches(&with("Basic s3cret-token"), "s3cret-token"));
        assert!(!bearer_matches(&HeaderMap::new(), "s3cret-token"));
    }
}
