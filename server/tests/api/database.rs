//! Migrations, the first administrator and readiness, on both databases. Readiness with the database
//! gone is checked on the router in this process, whose pool the test can close; the real server's
//! `/readyz` and `/healthz` are checked while its database answers.

use std::sync::Arc;

use argon2::{Argon2, PasswordHash, PasswordVerifier as _};
use axum::{
    body::Body,
    http::{Request, StatusCode},
};
use futures::future::BoxFuture;
use server::{
    AppState, Backend, Config, HkdRecord, NewDossier, NewStaff, PageTemplate, Store, StoredDossier,
    SubmitOutcome, UploadRow, build_router, ensure_first_admin, store::ReceiptFn,
};
use tower::ServiceExt as _;

use crate::helpers::{Engine, TestDb, TestServer, both_backends};

both_backends!(
    migrations_are_a_no_op_when_applied_again,
    first_admin_is_created_once_with_a_password_that_verifies,
    readyz_is_200_when_the_database_answers_and_503_when_it_does_not,
    healthz_answers_while_the_database_is_gone,
);

async fn migrations_are_a_no_op_when_applied_again(engine: Engine) {
    // Arrange
    let t = TestDb::new(engine).await;
    assert_eq!(
        t.db.backend(),
        match engine {
            Engine::Sqlite => Backend::Sqlite,
            Engine::Postgres => Backend::Postgres,
        }
    );
    // Act
    t.db.migrate().await.expect("first migration");
    t.db.migrate().await.expect("second migration is a no-op");
    // Assert
    assert_eq!(count_staff(&t).await, 0, "migrations create no account");
    t.teardown().await;
}

async fn first_admin_is_created_once_with_a_password_that_verifies(engine: Engine) {
    // Arrange
    let t = TestDb::new(engine).await;
    t.db.migrate().await.expect("migrate");
    // Act
    let first = ensure_first_admin(t.db.as_ref())
        .await
        .expect("first start");
    let second = ensure_first_admin(t.db.as_ref())
        .await
        .expect("second start");
    // Assert
    let admin = first.expect("the first start creates an administrator");
    assert_eq!(admin.username, "admin");
    assert!(admin.password.len() >= 20, "a long random password");
    assert!(
        second.is_none(),
        "a second start creates no other administrator"
    );
    assert_eq!(count_staff(&t).await, 1);
    let stored = stored_hash(&t, "admin").await;
    assert!(
        stored.starts_with("$argon2id$"),
        "stored as an argon2id hash, not in clear"
    );
    assert!(!stored.contains(&admin.password));
    let parsed = PasswordHash::new(&stored).expect("PHC string");
    assert!(
        Argon2::default()
            .verify_password(admin.password.as_bytes(), &parsed)
            .is_ok(),
        "the printed password opens the account"
    );
    t.teardown().await;
}

async fn readyz_is_200_when_the_database_answers_and_503_when_it_does_not(engine: Engine) {
    // Arrange
    let t = TestDb::new(engine).await;
    let real = TestServer::start(&t).await;
    let app = router_on(&t);
    // Act
    let real_ready = crate::helpers::get(&real, "/readyz", &[]).await.status();
    let ready = get(&app, "/readyz").await;
    t.db.close().await;
    let gone = get(&app, "/readyz").await;
    // Assert
    assert_eq!(real_ready, StatusCode::OK, "the real server is ready");
    assert_eq!(ready, StatusCode::OK);
    assert_eq!(gone, StatusCode::SERVICE_UNAVAILABLE);
    t.teardown().await;
}

async fn healthz_answers_while_the_database_is_gone(engine: Engine) {
    let t = TestDb::new(engine).await;
    let real = TestServer::start(&t).await;
    assert_eq!(
        crate::helpers::get(&real, "/healthz", &[]).await.status(),
        StatusCode::OK
    );
    let app = router_on(&t);
    t.db.close().await;
    assert_eq!(
        get(&app, "/healthz").await,
        StatusCode::OK,
        "healthz is about the process only"
    );
    t.teardown().await;
}

/// The status of a GET on a router in this process.
async fn get(app: &axum::Router, uri: &str) -> StatusCode {
    app.clone()
        .oneshot(Request::get(uri).body(Body::empty()).expect("request"))
        .await
        .expect("infallible")
        .status()
}

/// The server's router in this process, on the test's own pool (so the test can close it).
/// A store whose database never answers: the seam a test double plugs into.
struct Unreachable;

fn down<'a, T: Send + 'a>() -> BoxFuture<'a, anyhow::Result<T>> {
    Box::pin(async { Err(anyhow::anyhow!("connection refused")) })
}

impl server::store::work::WorkStore for Unreachable {
    fn queue<'a>(
        &'a self,
        _: &'a [String],
        _: Option<&'a str>,
    ) -> BoxFuture<'a, anyhow::Result<Vec<server::store::work::QueueRow>>> {
        down()
    }
    fn queue_page<'a>(
        &'a self,
        _: &'a server::store::work::QueuePageQuery,
    ) -> BoxFuture<'a, anyhow::Result<(Vec<server::store::work::QueueRow>, i64)>> {
        down()
    }
    fn work_dossier<'a>(
        &'a self,
        _: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<Option<server::store::work::WorkDossier>>> {
        down()
    }
    fn apply_issuing<'a>(
        &'a self,
        _: &'a server::store::work::Transition,
        _: Option<server::store::work::Issuing<'a>>,
    ) -> BoxFuture<'a, anyhow::Result<server::store::work::TransitionOutcome>> {
        down()
    }
    fn append_audit<'a>(
        &'a self,
        _: &'a server::store::work::AuditEntry,
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        down()
    }
    fn audit_of<'a>(
        &'a self,
        _: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<Vec<server::store::work::StoredAudit>>> {
        down()
    }
    fn audit_of_jurisdiction<'a>(
        &'a self,
        _: &'a str,
        _: Option<i64>,
        _: i64,
    ) -> BoxFuture<'a, anyhow::Result<Vec<server::store::work::StoredAudit>>> {
        down()
    }
    fn lapse_candidates(
        &self,
        _: chrono::NaiveDate,
    ) -> BoxFuture<'_, anyhow::Result<Vec<(String, String)>>> {
        down()
    }
    fn documents_of_dossier<'a>(
        &'a self,
        _: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<Vec<server::store::work::DocumentRow>>> {
        down()
    }
    fn documents_by_verify_code<'a>(
        &'a self,
        _: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<Vec<(String, server::store::work::DocumentRow)>>> {
        down()
    }
    fn next_document_number<'a>(
        &'a self,
        _: &'a str,
        _: i32,
        _: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<u32>> {
        down()
    }
}

impl Store for Unreachable {
    fn backend(&self) -> Backend {
        Backend::Sqlite
    }
    fn migrate(&self) -> BoxFuture<'_, anyhow::Result<()>> {
        down()
    }
    fn ping(&self) -> BoxFuture<'_, anyhow::Result<()>> {
        down()
    }
    fn close(&self) -> BoxFuture<'_, ()> {
        Box::pin(async {})
    }
    fn find_upload<'a>(&'a self, _: &'a str) -> BoxFuture<'a, anyhow::Result<Option<UploadRow>>> {
        down()
    }
    fn insert_upload<'a>(&'a self, _: &'a UploadRow) -> BoxFuture<'a, anyhow::Result<()>> {
        down()
    }
    fn submission_exists<'a>(&'a self, _: &'a str) -> BoxFuture<'a, anyhow::Result<bool>> {
        down()
    }
    fn submit_dossier<'a>(
        &'a self,
        _: &'a NewDossier,
        _: ReceiptFn<'a>,
    ) -> BoxFuture<'a, anyhow::Result<SubmitOutcome>> {
        down()
    }
    fn find_dossier<'a>(
        &'a self,
        _: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<Option<StoredDossier>>> {
        down()
    }
    fn count_dossiers(&self) -> BoxFuture<'_, anyhow::Result<i64>> {
        down()
    }
    fn dossiers_by_state(&self) -> BoxFuture<'_, anyhow::Result<Vec<(String, String, i64)>>> {
        down()
    }
    fn hkd_name_taken<'a>(&'a self, _: &'a str, _: &'a str) -> BoxFuture<'a, anyhow::Result<bool>> {
        down()
    }
    fn find_hkd<'a>(&'a self, _: &'a str) -> BoxFuture<'a, anyhow::Result<Option<HkdRecord>>> {
        down()
    }
    fn insert_hkd<'a>(
        &'a self,
        _: &'a HkdRecord,
        _: Option<i64>,
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        down()
    }
    fn has_administrator(&self) -> BoxFuture<'_, anyhow::Result<bool>> {
        down()
    }
    fn insert_staff<'a>(&'a self, _: &'a NewStaff) -> BoxFuture<'a, anyhow::Result<bool>> {
        down()
    }
}

impl server::store::uploads::UploadStore for Unreachable {
    fn claim_upload<'a>(
        &'a self,
        _: &'a str,
        _: &'a str,
        _: chrono::DateTime<chrono::Utc>,
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        down()
    }
    fn renew_upload_claim<'a>(
        &'a self,
        _: &'a str,
        _: &'a str,
        _: chrono::DateTime<chrono::Utc>,
    ) -> BoxFuture<'a, anyhow::Result<bool>> {
        down()
    }
    fn upload_claimed_by<'a>(
        &'a self,
        _: &'a str,
        _: &'a [String],
    ) -> BoxFuture<'a, anyhow::Result<bool>> {
        down()
    }
    fn attached_to<'a>(&'a self, _: &'a str, _: &'a str) -> BoxFuture<'a, anyhow::Result<bool>> {
        down()
    }
    fn reserve_upload_bytes<'a>(
        &'a self,
        _: &'a str,
        _: &'a str,
        _: i64,
        _: i64,
    ) -> BoxFuture<'a, anyhow::Result<bool>> {
        down()
    }
    fn stale_uploads(
        &self,
        _: chrono::DateTime<chrono::Utc>,
        _: i64,
    ) -> BoxFuture<'_, anyhow::Result<Vec<(String, String)>>> {
        down()
    }
    fn forget_upload<'a>(
        &'a self,
        _: &'a str,
        _: chrono::DateTime<chrono::Utc>,
    ) -> BoxFuture<'a, anyhow::Result<bool>> {
        down()
    }
    fn prune_upload_usage<'a>(&'a self, _: &'a str) -> BoxFuture<'a, anyhow::Result<u64>> {
        down()
    }
}

impl server::store::access::AccessStore for Unreachable {
    fn insert_dossier_access<'a>(
        &'a self,
        _: &'a server::store::access::NewDossierAccess,
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        down()
    }
    fn dossier_access<'a>(
        &'a self,
        _: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<Option<server::store::access::ScopedDossier>>> {
        down()
    }
    fn dossier_codes_of_citizen<'a>(
        &'a self,
        _: uuid::Uuid,
        _: Option<&'a str>,
        _: Option<&'a str>,
    ) -> BoxFuture<'a, anyhow::Result<Vec<String>>> {
        down()
    }
}

impl server::store::auth::AuthStore for Unreachable {
    fn staff_by_username<'a>(
        &'a self,
        _: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<Option<server::store::auth::StaffRecord>>> {
        down()
    }
    fn staff_by_id(
        &self,
        _: uuid::Uuid,
    ) -> BoxFuture<'_, anyhow::Result<Option<server::store::auth::StaffRecord>>> {
        down()
    }
    fn store_key(
        &self,
        _: server::store::auth::AccountRef,
    ) -> BoxFuture<'_, anyhow::Result<Option<String>>> {
        down()
    }
    fn list_staff(&self) -> BoxFuture<'_, anyhow::Result<Vec<server::store::auth::StaffRecord>>> {
        down()
    }
    fn create_staff<'a>(
        &'a self,
        _: &'a NewStaff,
        _: &'a [String],
    ) -> BoxFuture<'a, anyhow::Result<bool>> {
        down()
    }
    fn set_staff_jurisdictions<'a>(
        &'a self,
        _: uuid::Uuid,
        _: &'a [String],
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        down()
    }
    fn set_staff_title<'a>(
        &'a self,
        _: uuid::Uuid,
        _: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        down()
    }
    fn set_staff_disabled(
        &self,
        _: uuid::Uuid,
        _: bool,
        _: chrono::DateTime<chrono::Utc>,
    ) -> BoxFuture<'_, anyhow::Result<bool>> {
        down()
    }
    fn claim_staff_try<'a>(
        &'a self,
        _: &'a str,
        _: &'a str,
        _: chrono::DateTime<chrono::Utc>,
        _: i32,
        _: i64,
    ) -> BoxFuture<'a, anyhow::Result<server::store::auth::StaffTry>> {
        down()
    }
    fn clear_staff_tries<'a>(
        &'a self,
        _: &'a str,
        _: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        down()
    }
    fn take_hit<'a>(
        &'a self,
        _: &'a str,
        _: chrono::DateTime<chrono::Utc>,
        _: i64,
        _: i64,
    ) -> BoxFuture<'a, anyhow::Result<server::store::auth::Hit>> {
        down()
    }
    fn give_back_hit<'a>(&'a self, _: &'a str, _: i64) -> BoxFuture<'a, anyhow::Result<()>> {
        down()
    }
    fn set_staff_password<'a>(
        &'a self,
        _: uuid::Uuid,
        _: &'a str,
        _: bool,
        _: Option<&'a str>,
        _: chrono::DateTime<chrono::Utc>,
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        down()
    }
    fn upsert_citizen<'a>(
        &'a self,
        _: &'a str,
        _: chrono::DateTime<chrono::Utc>,
    ) -> BoxFuture<'a, anyhow::Result<uuid::Uuid>> {
        down()
    }
    fn upsert_oidc_citizen<'a>(
        &'a self,
        _: &'a server::store::auth::OidcCitizen,
        _: chrono::DateTime<chrono::Utc>,
    ) -> BoxFuture<'a, anyhow::Result<server::store::auth::OidcUpsert>> {
        down()
    }
    fn insert_oidc_login<'a>(
        &'a self,
        _: &'a server::store::auth::OidcLogin,
        _: chrono::DateTime<chrono::Utc>,
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        down()
    }
    fn take_oidc_login<'a>(
        &'a self,
        _: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<Option<server::store::auth::OidcLogin>>> {
        down()
    }
    fn issue_otp<'a>(
        &'a self,
        _: &'a server::store::auth::NewOtp<'a>,
    ) -> BoxFuture<'a, anyhow::Result<server::store::auth::OtpIssue>> {
        down()
    }
    fn current_otp<'a>(
        &'a self,
        _: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<Option<server::store::auth::OtpRow>>> {
        down()
    }
    fn try_otp<'a>(
        &'a self,
        _: &'a str,
        _: chrono::DateTime<chrono::Utc>,
        _: i32,
    ) -> BoxFuture<'a, anyhow::Result<Option<server::store::auth::OtpRow>>> {
        down()
    }
    fn consume_otp(
        &self,
        _: i64,
        _: chrono::DateTime<chrono::Utc>,
    ) -> BoxFuture<'_, anyhow::Result<bool>> {
        down()
    }
    fn insert_session<'a>(
        &'a self,
        _: &'a server::store::auth::NewSession,
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        down()
    }
    fn find_session<'a>(
        &'a self,
        _: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<Option<server::store::auth::SessionRow>>> {
        down()
    }
    fn touch_session<'a>(
        &'a self,
        _: &'a str,
        _: chrono::DateTime<chrono::Utc>,
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        down()
    }
    fn revoke_session<'a>(
        &'a self,
        _: &'a str,
        _: chrono::DateTime<chrono::Utc>,
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        down()
    }
    fn identity_account_phone<'a>(
        &'a self,
        _: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<Option<Option<String>>>> {
        down()
    }
}

#[tokio::test]
async fn with_a_store_that_does_not_answer_readyz_is_503_metrics_say_so_and_look_ups_fail_cleanly()
{
    let t = TestDb::new(Engine::Sqlite).await;
    let app = router_with(&t, Arc::new(Unreachable));
    assert_eq!(get(&app, "/readyz").await, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(get(&app, "/healthz").await, StatusCode::OK);
    let metrics = app
        .clone()
        .oneshot(
            Request::get("/metrics")
                .header("authorization", "Bearer metrics-token-for-tests")
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("infallible");
    let text = http_body_util::BodyExt::collect(metrics.into_body())
        .await
        .expect("body")
        .to_bytes();
    assert!(
        String::from_utf8_lossy(&text).contains("motcua_database_up 0"),
        "metrics report the database down"
    );
    assert_eq!(
        get(&app, "/api/v1/dossiers/21025-261123-0001").await,
        StatusCode::INTERNAL_SERVER_ERROR,
        "a fault of the server, not a 404 that would say the dossier does not exist"
    );
    t.teardown().await;
}

fn router_on(t: &TestDb) -> axum::Router {
    router_with(t, t.db.clone())
}

fn router_with(t: &TestDb, store: Arc<dyn Store>) -> axum::Router {
    let dist = crate::helpers::fake_dist(t.dir.path());
    let html = std::fs::read_to_string(dist.join("index.html")).expect("index.html");
    let config = Config {
        bind: "127.0.0.1:0".parse().expect("address"),
        data_dir: t.dir.path().join("data"),
        database_url: Some(t.url.clone()),
        dist_dir: dist,
        metrics: server::MetricsSettings {
            token: Some("metrics-token-for-tests".to_owned()),
            bind: None,
        },
        ..Config::default()
    };
    let state = AppState {
        store,
        template: Arc::new(PageTemplate::parse(&html).expect("template")),
        storage: server::Storage::local(&t.dir.path().join("files")).expect("storage"),
        limits: server::Limits::default(),
        public_url: "http://127.0.0.1".into(),
        metrics: server::metrics::Metrics::default(),
        lookup_limiter: server::rate_limit::RateLimiter::new(30, false),
        sms: Arc::new(server::sms::DevSmsSink::new(t.dir.path().join("sms.log"))),
        auth: Arc::new(server::auth::AuthConfig::new(
            server::AuthSettings::default(),
            &[7; 32],
            false,
            false,
        )),
        oidc: None,
        oidc_limiter: server::rate_limit::RateLimiter::new(30, false),
        upload_memory: Arc::new(tokio::sync::Semaphore::new(64_000)),
        push_hosts: Arc::new(server::notify::PushHosts::default()),
    };
    build_router(state, &config)
}

async fn count_staff(t: &TestDb) -> i64 {
    t.raw.scalar("SELECT COUNT(*) FROM staff_accounts").await
}

async fn stored_hash(t: &TestDb, username: &str) -> String {
    t.raw
        .text(
            "SELECT password_hash FROM staff_accounts WHERE username = $1",
            username,
        )
        .await
}

impl server::store::notify::NotifyStore for Unreachable {
    fn claim_notifications(
        &self,
        _: chrono::DateTime<chrono::Utc>,
        _: chrono::DateTime<chrono::Utc>,
        _: i64,
    ) -> BoxFuture<'_, anyhow::Result<Vec<server::store::notify::ClaimedNotification>>> {
        down()
    }
    fn notification_deliveries(
        &self,
        _: i64,
    ) -> BoxFuture<'_, anyhow::Result<Vec<(String, String)>>> {
        down()
    }
    fn record_delivery<'a>(
        &'a self,
        _: i64,
        _: &'a str,
        _: &'a str,
        _: chrono::DateTime<chrono::Utc>,
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        down()
    }
    fn complete_notification(
        &self,
        _: i64,
        _: chrono::DateTime<chrono::Utc>,
    ) -> BoxFuture<'_, anyhow::Result<()>> {
        down()
    }
    fn reschedule_notification<'a>(
        &'a self,
        _: i64,
        _: chrono::DateTime<chrono::Utc>,
        _: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        down()
    }
    fn fail_notification<'a>(&'a self, _: i64, _: &'a str) -> BoxFuture<'a, anyhow::Result<()>> {
        down()
    }
    fn insert_inbox_item<'a>(
        &'a self,
        _: &'a server::store::notify::NewInboxItem,
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        down()
    }
    fn inbox_items<'a>(
        &'a self,
        _: &'a str,
        _: i64,
    ) -> BoxFuture<'a, anyhow::Result<Vec<server::store::notify::InboxRow>>> {
        down()
    }
    fn mark_inbox_read<'a>(
        &'a self,
        _: &'a str,
        _: Option<i64>,
        _: chrono::DateTime<chrono::Utc>,
    ) -> BoxFuture<'a, anyhow::Result<u64>> {
        down()
    }
    fn push_subscriptions<'a>(
        &'a self,
        _: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<Vec<server::store::notify::PushTarget>>> {
        down()
    }
    fn save_push_subscription<'a>(
        &'a self,
        _: &'a str,
        _: &'a server::store::notify::PushTarget,
        _: Option<&'a str>,
        _: chrono::DateTime<chrono::Utc>,
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        down()
    }
    fn delete_push_subscriptions_made_by<'a>(
        &'a self,
        _: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<u64>> {
        down()
    }
    fn delete_push_subscription<'a>(
        &'a self,
        _: &'a str,
        _: Option<&'a str>,
    ) -> BoxFuture<'a, anyhow::Result<bool>> {
        down()
    }
    fn vapid_keys(&self) -> BoxFuture<'_, anyhow::Result<Option<(String, String)>>> {
        down()
    }
    fn insert_vapid_keys<'a>(
        &'a self,
        _: &'a str,
        _: &'a str,
        _: chrono::DateTime<chrono::Utc>,
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        down()
    }
}
