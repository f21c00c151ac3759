//! motcua's server: the JSON API, the public pages rendered from the `app` crate's components, the
//! database (SQLite by default, PostgreSQL for scale) and the built WASM app.
//!
//! `main.rs` only parses the command line and calls [`run`]; tests build a [`Config`] by hand and call
//! [`build_app`] or [`spawn`].

mod assets;
pub mod auth;
mod config;
pub mod documents;
pub mod error;
pub mod files;
mod issue;
pub mod metrics;
pub mod notify;
pub mod oidc;
pub mod openapi;
mod pages;
pub mod rate_limit;
mod routes;
pub mod rules;
mod security;
mod serve;
pub mod sms;
mod staff;
pub mod store;

use std::{net::SocketAddr, sync::Arc, time::Duration};

use anyhow::Context as _;
use axum::Router;
use tokio::net::TcpListener;
use tower_http::{
    compression::CompressionLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    timeout::TimeoutLayer,
    trace::TraceLayer,
};

pub use config::{
    AuthSettings, Config, DEFAULT_BIND, DEFAULT_HEADER_READ_TIMEOUT, Limits, MetricsSettings,
    OidcSettings,
};
pub use files::Storage;
pub use pages::{PageTemplate, render_page};
pub use routes::staff::lapse_sweep;
pub use routes::uploads::{PARTIAL_TTL, UNATTACHED_TTL, UploadSweep, upload_sweep};
pub use staff::{AddStaffError, FirstAdmin, add_staff, ensure_first_admin};
pub use store::{
    Backend, HkdRecord, NewAttachment, NewDossier, NewStaff, PgStore, SqliteStore, Store,
    StoredDossier, SubmitOutcome, UploadRow,
};

/// The database named by a URL, for tools and tests: `Db::connect(url)` is [`store::connect`].
#[derive(Debug, Clone, Copy)]
pub struct Db;

impl Db {
    /// Connects by URL (`sqlite:…` or `postgres:…`); see [`store::connect`].
    ///
    /// # Errors
    /// When the URL names another scheme or the database cannot be reached.
    pub async fn connect(url: &str) -> anyhow::Result<Arc<dyn Store>> {
        store::connect(url).await
    }
}

/// What every request handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub store: Arc<dyn Store>,
    /// The built app's page templates (`index.html` of the full app, `public.html` of the public pages),
    /// split where the server puts the rendered page.
    pub template: Arc<PageTemplate>,
    /// Uploaded files.
    pub storage: Storage,
    /// Upload limits.
    pub limits: Limits,
    /// The address citizens reach the server at, for links in receipts and QR codes.
    pub public_url: Arc<str>,
    /// Request metrics of this process.
    pub metrics: metrics::Metrics,
    /// The per-address limit shared by every kind of look-up (API and page).
    pub lookup_limiter: rate_limit::RateLimiter,
    /// Text messages to phones.
    pub sms: Arc<dyn sms::SmsGateway>,
    /// Sign-in and session settings, with the server's secret.
    pub auth: Arc<auth::AuthConfig>,
    /// The OpenID provider of sign-in with the national e-identity (VNeID), when configured.
    pub oidc: Option<Arc<oidc::RelyingParty>>,
    /// Sign-ins with it started from one address a minute.
    pub oidc_limiter: rate_limit::RateLimiter,
    /// The memory budget of uploads in progress, in KiB (`Limits::upload_memory_bytes`).
    pub upload_memory: Arc<tokio::sync::Semaphore>,
}

impl AppState {
    /// The ways to sign in this server offers (`GET /api/v1/session`): the phone's one-time code always;
    /// the national e-identity when an OpenID provider is configured.
    #[must_use]
    pub fn sign_in_methods(&self) -> domain::api::SignInMethods {
        domain::api::SignInMethods {
            phone: true,
            vneid: self.oidc.is_some(),
        }
    }
}

/// Sign-ins with the national e-identity one address may start a minute (each stores a row for 10
/// minutes).
pub const OIDC_STARTS_PER_MINUTE: u32 = 30;

/// A running server, as started by [`spawn`].
pub struct Running {
    /// The address it listens on (the real port when the config asked for port 0).
    pub addr: SocketAddr,
    /// The address serving `/metrics` alone, when configured.
    pub metrics_addr: Option<SocketAddr>,
    /// The administrator created on this start, if there was none before.
    pub first_admin: Option<FirstAdmin>,
    /// Finishes when the server has stopped.
    pub task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

/// Everything the server does before it listens: data directory, database, migrations, first
/// administrator, the built app's template.
///
/// # Errors
/// When the data directory cannot be created, the database cannot be reached or migrated, or the built
/// app is missing.
pub async fn build_app(config: &Config) -> anyhow::Result<(Router, Option<FirstAdmin>)> {
    let (state, first_admin) = build_state(config).await?;
    Ok((build_router(state, config), first_admin))
}

/// What [`build_app`] does before it makes the router: the shared state, and the administrator made on
/// this start.
///
/// # Errors
/// As [`build_app`].
pub async fn build_state(config: &Config) -> anyhow::Result<(AppState, Option<FirstAdmin>)> {
    let storage = match &config.files_url {
        Some(url) => Storage::from_url(url)?,
        None => Storage::local(&config.files_dir())?,
    };
    let store = store::connect(&config.database_url()).await?;
    store.migrate().await?;
    let first_admin = ensure_first_admin(store.as_ref()).await?;
    let template = PageTemplate::load(&config.dist_dir).await?;
    let state = AppState {
        store,
        template: Arc::new(template),
        storage,
        limits: config.limits,
        public_url: config.public_url().into(),
        metrics: metrics::Metrics::default(),
        lookup_limiter: rate_limit::RateLimiter::new(
            config.limits.lookups_per_minute,
            config.trusted_proxies.clone(),
        ),
        sms: config.sms.gateway(&config.data_dir)?,
        auth: Arc::new(auth::AuthConfig::from_config(config).await?),
        oidc: oidc::RelyingParty::from_settings(&config.oidc, &config.public_url())?.map(Arc::new),
        oidc_limiter: rate_limit::RateLimiter::new(
            OIDC_STARTS_PER_MINUTE,
            config.trusted_proxies.clone(),
        ),
        upload_memory: Arc::new(tokio::sync::Semaphore::new(
            usize::try_from(config.limits.upload_memory_bytes / 1024)
                .unwrap_or(usize::MAX)
                .clamp(1, tokio::sync::Semaphore::MAX_PERMITS),
        )),
    };
    Ok((state, first_admin))
}

/// The routes and the layers around them.
pub fn build_router(state: AppState, config: &Config) -> Router {
    let api = Router::new()
        .merge(routes::uploads::router(config.limits.max_file_bytes))
        .merge(routes::dossiers::router(state.lookup_limiter.clone()))
        .merge(routes::hkd::router(state.lookup_limiter.clone()))
        .merge(routes::notify::router(state.lookup_limiter.clone()))
        .merge(routes::supplement::router(state.lookup_limiter.clone()))
        .merge(routes::access::router(state.lookup_limiter.clone()))
        .route(
            "/api/v1/openapi.json",
            axum::routing::get(openapi::endpoint),
        )
        .merge(routes::procedures::router())
        .merge(routes::auth::router())
        .merge(routes::vneid::router())
        .merge(routes::staff_admin::router())
        .merge(routes::staff::router(state.lookup_limiter.clone()))
        .merge(routes::assisted::router())
        .merge(routes::verify::router(state.lookup_limiter.clone()))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::sessions,
        ))
        .layer(axum::middleware::from_fn(error::render));
    let metrics = state.metrics.clone();
    // `/metrics` on the main address only behind its token; without one, only on its own address.
    let metrics_route = config
        .metrics
        .token
        .as_deref()
        .map(|token| metrics::router(state.clone(), Some(token)));
    let mut router = Router::new()
        .merge(routes::health::router())
        .merge(api)
        .merge(pages::router())
        .fallback_service(assets::service(&config.dist_dir, state.clone()))
        .with_state(state);
    if let Some(metrics_route) = metrics_route {
        router = router.merge(metrics_route);
    }
    router
        .layer(axum::middleware::from_fn_with_state(
            metrics,
            metrics::record,
        ))
        .layer(axum::middleware::from_fn(security::headers))
        // A request that takes longer than this is cut off (a phone on 2G uploads in chunks).
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(60),
        ))
        .layer(CompressionLayer::new())
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
                let id = req
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default();
                // The path only: queries carry phone numbers, look-up codes, the sign-in callback's
                // authorization code. The method as sent only when it is a known one.
                let method = metrics::METHODS
                    .iter()
                    .find(|m| *m == req.method())
                    .map_or("other", axum::http::Method::as_str);
                tracing::info_span!("request", method = %method, path = %req.uri().path(), request.id = %id)
            }),
        )
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
}

/// Builds the app and serves it in a background task until `shutdown` completes; in-flight requests
/// are finished first.
///
/// # Errors
/// As [`build_app`], or when the address cannot be bound.
pub async fn spawn(
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<Running> {
    let listener = TcpListener::bind(config.bind)
        .await
        .with_context(|| format!("cannot listen on {}", config.bind))?;
    let addr = listener.local_addr()?;
    let metrics_listener = match config.metrics.bind {
        Some(bind) => Some(
            TcpListener::bind(bind)
                .await
                .with_context(|| format!("cannot listen on {bind} for /metrics"))?,
        ),
        None => None,
    };
    let metrics_addr = match &metrics_listener {
        Some(l) => Some(l.local_addr()?),
        None => None,
    };
    // With port 0 the system chose the port: links on receipts name the real one.
    let config = Config {
        bind: addr,
        ..config
    };
    let (state, first_admin) = build_state(&config).await?;
    let (stop_worker, worker_stop) = tokio::sync::watch::channel(false);
    let worker = start_notifier(&state, &config).await?.spawn(worker_stop);
    let store = state.store.clone();
    let storage = state.storage.clone();
    // The HKD 60-day lapse (NĐ 168/2025 art. 95.4): every few minutes; uploads nobody needs, hourly.
    // Several servers may run them at once: each move is a conditional update.
    let sweeper = tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(300));
        for round in 0_u64.. {
            tick.tick().await;
            if round % 12 == 0 {
                match upload_sweep(store.as_ref(), &storage, chrono::Utc::now()).await {
                    Ok(s) if s == routes::uploads::UploadSweep::default() => {}
                    Ok(s) => {
                        tracing::info!(chunks = s.chunks, files = s.files, "stale uploads removed")
                    }
                    Err(e) => tracing::warn!(error = %format!("{e:#}"), "upload sweep failed"),
                }
            }
            let today = chrono::Utc::now()
                .with_timezone(&domain::calendar::VIETNAM_OFFSET)
                .date_naive();
            match lapse_sweep(store.as_ref(), today).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(lapsed = n, "requests for amendments lapsed"),
                Err(e) => tracing::warn!(error = %format!("{e:#}"), "lapse sweep failed"),
            }
        }
    });
    let metrics_router = metrics::router(state.clone(), config.metrics.token.as_deref());
    let router = build_router(state, &config);
    let header_timeout = config.header_read_timeout;
    let task = tokio::spawn(async move {
        let (stop_metrics, metrics_stop) = tokio::sync::watch::channel(false);
        let metrics_server = metrics_listener.map(|listener| {
            let mut stop = metrics_stop;
            tokio::spawn(serve::serve(
                listener,
                metrics_router,
                header_timeout,
                async move {
                    let _ = stop.wait_for(|s| *s).await;
                },
            ))
        });
        serve::serve(listener, router, header_timeout, shutdown).await;
        stop_metrics.send_replace(true);
        if let Some(metrics_server) = metrics_server {
            let _ = metrics_server.await;
        }
        // The worker finishes the batch in hand, then stops.
        stop_worker.send_replace(true);
        if let Err(e) = worker.await {
            tracing::warn!(error = %e, "the notification worker ended abnormally");
        }
        sweeper.abort();
        Ok(())
    });
    Ok(Running {
        addr,
        metrics_addr,
        first_admin,
        task,
    })
}

/// The notification worker of this server: the database's outbox, SMS through the configured gateway
/// (`AppState::sms`), Web Push signed with the database's VAPID key.
async fn start_notifier(state: &AppState, config: &Config) -> anyhow::Result<notify::Notifier> {
    let keys = notify::VapidKeys::load_or_create(state.store.as_ref()).await?;
    let push = notify::PushSender::new(keys, &config.public_url())?;
    Ok(notify::Notifier::new(
        state.store.clone(),
        state.sms.clone(),
        Some(push),
    ))
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut sig) => {
                sig.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
