//! Per-address limits on the requests that could be used to guess (dossier look-ups, and later name
//! checks and one-time codes): a fixed one-minute window per client address. The counts live in this
//! process; behind a load balancer each server limits on its own, which only makes guessing slower.

use std::{
    collections::HashMap,
    net::{IpAddr, SocketAddr},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use axum::{
    extract::{ConnectInfo, Request, State},
    http::{HeaderMap, HeaderValue},
    middleware::Next,
    response::{IntoResponse, Response},
};

use crate::error::AppError;

/// Per client address (unknown when the server cannot tell): when its window began and how many
/// requests came in it.
type Windows = HashMap<Option<IpAddr>, (Instant, u32)>;

/// A limiter for one kind of request.
#[derive(Debug, Clone)]
pub struct RateLimiter {
    per_minute: u32,
    /// Use the first address of `X-Forwarded-For` (only when a trusted proxy sets it).
    trust_forwarded: bool,
    windows: Arc<Mutex<Windows>>,
}

const WINDOW: Duration = Duration::from_secs(60);

impl RateLimiter {
    /// At most `per_minute` requests a minute from one address.
    #[must_use]
    pub fn new(per_minute: u32, trust_forwarded: bool) -> Self {
        Self {
            per_minute,
            trust_forwarded,
            windows: Arc::default(),
        }
    }

    /// The client's address: the connection's, or the first `X-Forwarded-For` entry when trusted.
    pub(crate) fn client(&self, headers: &HeaderMap, peer: Option<SocketAddr>) -> Option<IpAddr> {
        client_addr(headers, peer, self.trust_forwarded)
    }

    /// Counts a request; `Err(seconds to wait)` when over the limit.
    pub(crate) fn check(&self, client: Option<IpAddr>) -> Result<(), u64> {
        let now = Instant::now();
        let Ok(mut windows) = self.windows.lock() else {
            return Ok(());
        };
        if windows.len() > 100_000 {
            windows.retain(|_, (start, _)| now.duration_since(*start) < WINDOW);
        }
        let (start, count) = windows.entry(client).or_insert((now, 0));
        if now.duration_since(*start) >= WINDOW {
            *start = now;
            *count = 0;
        }
        if *count >= self.per_minute {
            return Err(WINDOW
                .saturating_sub(now.duration_since(*start))
                .as_secs()
                .max(1));
        }
        *count += 1;
        Ok(())
    }
}

/// The client's address: the connection's (`peer`), or the first `X-Forwarded-For` entry when
/// `trust_forwarded` (only behind a proxy that sets it).
#[must_use]
pub fn client_addr(
    headers: &HeaderMap,
    peer: Option<SocketAddr>,
    trust_forwarded: bool,
) -> Option<IpAddr> {
    if trust_forwarded
        && let Some(ip) = headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .and_then(|v| v.trim().parse().ok())
    {
        return Some(ip);
    }
    peer.map(|addr| addr.ip())
}

/// The middleware: 429 with `Retry-After` once an address is over the limit.
pub(crate) async fn limit(
    State(limiter): State<RateLimiter>,
    req: Request,
    next: Next,
) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| *addr);
    match limiter.check(limiter.client(req.headers(), peer)) {
        Ok(()) => next.run(req).await,
        Err(wait) => {
            let mut res = AppError::RateLimited.into_response();
            if let Ok(v) = HeaderValue::from_str(&wait.to_string()) {
                res.headers_mut().insert("retry-after", v);
            }
            res
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_address_has_its_own_window() {
        let limiter = RateLimiter::new(2, false);
        let a = Some(IpAddr::from([10, 0, 0, 1]));
        let b = Some(IpAddr::from([10, 0, 0, 2]));
        assert!(limiter.check(a).is_ok());
        assert!(limiter.check(a).is_ok());
        assert!(
            limiter.check(a).is_err(),
            "the third in a minute is refused"
        );
        assert!(limiter.check(b).is_ok(), "another address is not affected");
    }
}
