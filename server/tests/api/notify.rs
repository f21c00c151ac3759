//! The notification worker on both databases: claims, one delivery per channel and target, retries
//! with backoff, failure after N attempts, two workers sharing one database; Web Push checked against
//! a push service run by the test (it decrypts each message with the subscriber's keys, RFC 8291); the
//! push key and subscription routes of the real server.

use std::{
    collections::HashSet,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, AtomicUsize, Ordering},
    },
    time::Duration,
};

use axum::{
    Router,
    body::Bytes,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
};
use base64::Engine as _;
use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use server::{
    NewDossier, Store, SubmitOutcome,
    notify::{Notifier, PushSender, RetryPolicy, SmsGateway, VapidKeys},
    store::notify::PushTarget,
};

use crate::helpers::{Engine, Raw, TestDb, TestServer, body_json, body_text, both_backends, send};

both_backends!(
    each_notice_reaches_inbox_sms_and_push_once,
    a_failed_channel_is_retried_later_without_sending_the_others_again,
    a_job_fails_after_the_last_attempt_with_its_error,
    a_gone_subscription_is_forgotten,
    two_workers_on_one_database_never_send_one_job_twice,
    a_claim_holds_a_job_until_its_lease_ends,
    push_key_and_subscriptions_through_the_api,
    the_inbox_is_each_phones_own_and_marks_read,
    the_inbox_api_shows_the_citizens_notices_and_marks_them_read,
    signing_out_removes_the_push_subscriptions_made_under_that_sign_in,
    a_subscription_names_a_browsers_push_service_and_nothing_else,
    a_phone_keeps_its_ten_newest_subscriptions,
    a_push_follows_no_redirect_and_calls_no_endpoint_off_the_list,
    a_slow_push_service_does_not_stall_the_worker,
);

const PHONE: &str = "0905123456";

/// The SMS gateway of the tests: keeps what it sent; can fail the next N sends, or every send.
#[derive(Default)]
struct FakeSms {
    sent: Mutex<Vec<(String, String)>>,
    fail_next: AtomicUsize,
    always_fail: AtomicBool,
}

impl FakeSms {
    fn sent(&self) -> Vec<(String, String)> {
        self.sent.lock().expect("sms").clone()
    }
}

impl SmsGateway for FakeSms {
    fn send<'a>(&'a self, to: &'a str, text: &'a str) -> BoxFuture<'a, anyhow::Result<()>> {
        Box::pin(async move {
            if self.always_fail.load(Ordering::SeqCst)
                || self
                    .fail_next
                    .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                    .is_ok()
            {
                anyhow::bail!("gateway down");
            }
            self.sent
                .lock()
                .expect("sms")
                .push((to.to_owned(), text.to_owned()));
            Ok(())
        })
    }
}

/// One request the push service received.
#[derive(Debug, Clone)]
struct Pushed {
    path: String,
    headers: HeaderMap,
    body: Vec<u8>,
}

/// A push service on a local port: `/push/gone…` answers 410, `/push/redirect…` sends the push on to
/// `/push/internal` (307), `/push/slow…` answers after two minutes, anything else 201.
struct PushService {
    url: String,
    received: Arc<Mutex<Vec<Pushed>>>,
}

impl PushService {
    async fn start() -> Self {
        let received: Arc<Mutex<Vec<Pushed>>> = Arc::default();
        let app = Router::new()
            .route(
                "/push/{id}",
                axum::routing::post(
                    |State(received): State<Arc<Mutex<Vec<Pushed>>>>,
                     Path(id): Path<String>,
                     headers: HeaderMap,
                     body: Bytes| async move {
                        received.lock().expect("received").push(Pushed {
                            path: format!("/push/{id}"),
                            headers,
                            body: body.to_vec(),
                        });
                        if id.starts_with("slow") {
                            tokio::time::sleep(Duration::from_secs(120)).await;
                        }
                        if id.starts_with("gone") {
                            (StatusCode::GONE, HeaderMap::new())
                        } else if id.starts_with("redirect") {
                            let mut to = HeaderMap::new();
                            to.insert(
                                "location",
                                "/push/internal".parse().expect("a header value"),
                            );
                            (StatusCode::TEMPORARY_REDIRECT, to)
                        } else {
                            (StatusCode::CREATED, HeaderMap::new())
                        }
                    },
                ),
            )
            .with_state(received.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the push service");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { url, received }
    }

    fn received(&self) -> Vec<Pushed> {
        self.received.lock().expect("received").clone()
    }
}

/// A browser's subscription: the push service's endpoint and the browser's own keys.
struct Browser {
    target: PushTarget,
    keys: Box<dyn ece::LocalKeyPair>,
    auth: [u8; 16],
}

impl Browser {
    fn new(endpoint: String) -> Self {
        let (keys, auth) = ece::generate_keypair_and_auth_secret().expect("browser keys");
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        Self {
            target: PushTarget {
                endpoint,
                p256dh: b64.encode(keys.pub_as_raw().expect("public key")),
                auth: b64.encode(auth),
            },
            keys,
            auth,
        }
    }

    /// What the browser reads of a message: decrypted with its private key and auth secret.
    fn open(&self, body: &[u8]) -> serde_json::Value {
        let clear = ece::decrypt(
            &self.keys.raw_components().expect("components"),
            &self.auth,
            body,
        )
        .expect("a message encrypted for this browser (RFC 8291 aes128gcm)");
        serde_json::from_slice(&clear).expect("a JSON payload")
    }
}

/// A dossier of `PHONE` in the database (with the `dossier_submitted` job the submission queues), as
/// one filed at the counter before any sign-in; its code.
pub(crate) async fn dossier(t: &TestDb, phone: &str) -> String {
    let now = Utc::now();
    let new = NewDossier {
        submission_id: uuid::Uuid::new_v4().to_string(),
        request_hash: "hash".to_owned(),
        procedure: "promotion_notice".to_owned(),
        form_version: "test".to_owned(),
        jurisdiction: "SCT".to_owned(),
        applicant_name: "Nguyễn Văn An".to_owned(),
        applicant_phone: phone.to_owned(),
        form_json: "{}".to_owned(),
        draft_json: "{}".to_owned(),
        channel: "online",
        assisted_by: None,
        filer_account_id: None,
        filer_identity: None,
        filer_role: "owner",
        owner_identity: None,
        owner_verified: false,
        owner_notices: Vec::new(),
        other_phone_limit: None,
        received_at: now,
        code_day: now.date_naive(),
        due_date: None,
        fee_vnd: 0,
        attachments: Vec::new(),
        filing_limits: Vec::new(),
    };
    let receipt = |code: &str| {
        serde_json::json!({
            "code": code,
            "procedure": "promotion_notice",
            "jurisdiction": {"kind": "provincial_trade_department"},
            "received_at": now.to_rfc3339(),
            "due_date": null,
            "fee": {"amount": 0, "counter_amount": 0},
            "lookup_url": format!("http://127.0.0.1/tra-cuu/{code}"),
            "receipt_pdf_url": format!("/api/v1/dossiers/{code}/receipt.pdf"),
        })
        .to_string()
    };
    match t.db.submit_dossier(&new, &receipt).await.expect("submit") {
        SubmitOutcome::Created(json) => serde_json::from_str::<serde_json::Value>(&json)
            .expect("receipt")["code"]
            .as_str()
            .expect("code")
            .to_owned(),
        other => panic!("not created: {other:?}"),
    }
}

/// Queues a `dossier_state` job as a staff action does.
async fn state_notice(t: &TestDb, code: &str, state: &str, note: &str) {
    let payload = serde_json::json!({
        "code": code,
        "procedure": "promotion_notice",
        "state": state,
        "at": Utc::now().to_rfc3339(),
        "note": note,
    })
    .to_string();
    let sql = "INSERT INTO notification_outbox (dossier_id, kind, payload_json, next_attempt_at, created_at) \
               VALUES ((SELECT id FROM dossiers WHERE code = $1), 'dossier_state', $2, $3, $3)";
    let now = Utc::now();
    match &t.raw {
        Raw::Sqlite(pool) => sqlx::query(sql)
            .bind(code)
            .bind(&payload)
            .bind(now)
            .execute(pool)
            .await
            .map(drop),
        Raw::Postgres(pool) => sqlx::query(sql)
            .bind(code)
            .bind(&payload)
            .bind(now)
            .execute(pool)
            .await
            .map(drop),
    }
    .expect("queue a state notice");
}

/// A worker whose Web Push goes to the push services of `push_hosts` (a test's push service on a
/// local port is listed as `http://127.0.0.1:<port>`: never a bypass of the list).
async fn notifier(t: &TestDb, sms: &Arc<FakeSms>, push_hosts: &str) -> Notifier {
    let keys = VapidKeys::load_or_create(t.db.as_ref())
        .await
        .expect("VAPID keys");
    let push = PushSender::new(
        keys,
        "https://motcua.example",
        push_hosts.parse().expect("a list of push hosts"),
    )
    .expect("push sender");
    Notifier::new(t.db.clone(), sms.clone(), Some(push))
}

/// A moment after every job queued so far is due.
fn soon() -> DateTime<Utc> {
    Utc::now() + chrono::Duration::seconds(1)
}

async fn outbox_states(t: &TestDb) -> Vec<String> {
    let sql = "SELECT state FROM notification_outbox ORDER BY id";
    match &t.raw {
        Raw::Sqlite(pool) => sqlx::query_scalar(sql).fetch_all(pool).await,
        Raw::Postgres(pool) => sqlx::query_scalar(sql).fetch_all(pool).await,
    }
    .expect("outbox")
}

async fn each_notice_reaches_inbox_sms_and_push_once(engine: Engine) {
    // Arrange
    let t = TestDb::new(engine).await;
    t.db.migrate().await.expect("migrate");
    let push_service = PushService::start().await;
    let browser = Browser::new(format!("{}/push/browser-1", push_service.url));
    t.db.save_push_subscription(PHONE, &browser.target, None, Utc::now())
        .await
        .expect("subscribe");
    let code = dossier(&t, PHONE).await;
    state_notice(
        &t,
        &code,
        "refused_intake",
        "Nội dung khuyến mại chưa ghi thời gian",
    )
    .await;
    let sms = Arc::new(FakeSms::default());
    let worker = notifier(&t, &sms, &push_service.url).await;
    let public_key = VapidKeys::load_or_create(t.db.as_ref())
        .await
        .expect("keys")
        .public_key;

    // Act
    let first = worker.run_due(soon()).await.expect("run");
    let second = worker.run_due(soon()).await.expect("run again");

    // Assert: both jobs sent, nothing left.
    assert_eq!((first.claimed, first.sent), (2, 2), "{first:?}");
    assert_eq!(second.claimed, 0, "nothing is sent twice: {second:?}");
    assert_eq!(outbox_states(&t).await, ["sent", "sent"]);
    // SMS: to the applicant, with the code and the state's label.
    let texts = sms.sent();
    assert_eq!(texts.len(), 2, "{texts:?}");
    assert!(
        texts
            .iter()
            .all(|(to, text)| to == PHONE && text.contains(&code))
    );
    assert!(texts[1].1.contains("Từ chối tiếp nhận"), "{texts:?}");
    // Inbox: newest first, in the reader's language later.
    let inbox = t.db.inbox_items(PHONE, 50).await.expect("inbox");
    assert_eq!(inbox.len(), 2);
    assert_eq!(inbox[0].state, "refused_intake");
    assert_eq!(
        inbox[0].note.as_deref(),
        Some("Nội dung khuyến mại chưa ghi thời gian")
    );
    assert_eq!(inbox[1].state, "submitted");
    assert!(inbox.iter().all(|i| !i.read && i.code == code));
    // Web Push: two real encrypted messages, signed with the server's VAPID key.
    let pushed = push_service.received();
    assert_eq!(pushed.len(), 2);
    for message in &pushed {
        assert_eq!(message.path, "/push/browser-1");
        let h = |name: &str| {
            message
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        assert_eq!(h("content-encoding"), "aes128gcm");
        assert_eq!(h("content-type"), "application/octet-stream");
        assert!(h("ttl").parse::<u32>().is_ok_and(|ttl| ttl > 0), "TTL");
        let authorization = h("authorization");
        assert!(authorization.starts_with("vapid t="), "{authorization}");
        assert!(
            authorization.contains(&format!("k={public_key}")),
            "signed with the server's key: {authorization}"
        );
        // The JWT's claims: audience is the push service's origin, the contact, an expiry.
        let jwt = authorization["vapid t=".len()..]
            .split(',')
            .next()
            .expect("token");
        let claims = jwt.split('.').nth(1).expect("claims");
        let claims: serde_json::Value = serde_json::from_slice(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(claims)
                .expect("base64url claims"),
        )
        .expect("JSON claims");
        assert_eq!(claims["aud"], push_service.url.as_str());
        assert_eq!(claims["sub"], "https://motcua.example");
        assert!(
            claims["exp"]
                .as_i64()
                .is_some_and(|exp| exp > Utc::now().timestamp())
        );
        // The body is not the plain text, and opens with the browser's keys only.
        assert!(!String::from_utf8_lossy(&message.body).contains(&code));
    }
    let opened: Vec<serde_json::Value> = pushed.iter().map(|m| browser.open(&m.body)).collect();
    assert_eq!(opened[0]["title"], format!("Hồ sơ {code}"));
    assert_eq!(opened[0]["tag"], code.as_str());
    assert_eq!(opened[0]["url"], format!("/ho-so/{code}"));
    assert!(
        opened[1]["body"]
            .as_str()
            .is_some_and(|b| b.contains("Từ chối tiếp nhận") && b.contains("chưa ghi thời gian")),
        "{:?}",
        opened[1]
    );
    t.teardown().await;
}

async fn a_failed_channel_is_retried_later_without_sending_the_others_again(engine: Engine) {
    // Arrange: the SMS gateway fails once.
    let t = TestDb::new(engine).await;
    t.db.migrate().await.expect("migrate");
    let push_service = PushService::start().await;
    let browser = Browser::new(format!("{}/push/b", push_service.url));
    t.db.save_push_subscription(PHONE, &browser.target, None, Utc::now())
        .await
        .expect("subscribe");
    let code = dossier(&t, PHONE).await;
    let sms = Arc::new(FakeSms::default());
    sms.fail_next.store(1, Ordering::SeqCst);
    let mut worker = notifier(&t, &sms, &push_service.url).await;
    worker.policy = RetryPolicy {
        base: Duration::from_secs(30),
        cap: Duration::from_secs(600),
        max_attempts: 5,
    };
    let now = soon();

    // Act
    let first = worker.run_due(now).await.expect("first attempt");
    let too_early = worker
        .run_due(now + chrono::Duration::seconds(29))
        .await
        .expect("early");
    let second = worker
        .run_due(now + chrono::Duration::seconds(30))
        .await
        .expect("second");

    // Assert
    assert_eq!((first.claimed, first.retried), (1, 1), "{first:?}");
    assert_eq!(
        too_early.claimed, 0,
        "not before the backoff: {too_early:?}"
    );
    assert_eq!((second.claimed, second.sent), (1, 1), "{second:?}");
    assert_eq!(sms.sent().len(), 1, "the SMS went out once, on the retry");
    assert!(sms.sent()[0].1.contains(&code));
    assert_eq!(
        push_service.received().len(),
        1,
        "the push is not sent again"
    );
    assert_eq!(t.db.inbox_items(PHONE, 50).await.expect("inbox").len(), 1);
    assert_eq!(outbox_states(&t).await, ["sent"]);
    t.teardown().await;
}

async fn a_job_fails_after_the_last_attempt_with_its_error(engine: Engine) {
    // Arrange: the gateway is down for good.
    let t = TestDb::new(engine).await;
    t.db.migrate().await.expect("migrate");
    dossier(&t, PHONE).await;
    let sms = Arc::new(FakeSms::default());
    sms.always_fail.store(true, Ordering::SeqCst);
    let mut worker = notifier(&t, &sms, "").await;
    worker.policy = RetryPolicy {
        base: Duration::from_secs(10),
        cap: Duration::from_secs(60),
        max_attempts: 3,
    };
    let start = soon();

    // Act: each run an hour after the last, past any backoff.
    let mut reports = Vec::new();
    for hour in 0..4 {
        reports.push(
            worker
                .run_due(start + chrono::Duration::hours(hour))
                .await
                .expect("run"),
        );
    }

    // Assert
    let claimed: Vec<usize> = reports.iter().map(|r| r.claimed).collect();
    assert_eq!(claimed, [1, 1, 1, 0], "{reports:?}");
    assert_eq!(reports[2].failed, 1);
    assert_eq!(outbox_states(&t).await, ["failed"]);
    assert_eq!(
        t.raw
            .scalar("SELECT attempts FROM notification_outbox")
            .await,
        3
    );
    let error = t
        .raw
        .text(
            "SELECT last_error FROM notification_outbox WHERE kind = $1",
            "dossier_submitted",
        )
        .await;
    assert!(error.contains("sms: gateway down"), "{error}");
    assert_eq!(
        t.db.inbox_items(PHONE, 50).await.expect("inbox").len(),
        1,
        "the inbox got it on the first attempt, once"
    );
    t.teardown().await;
}

async fn a_gone_subscription_is_forgotten(engine: Engine) {
    // Arrange: one live browser, one whose subscription the push service dropped.
    let t = TestDb::new(engine).await;
    t.db.migrate().await.expect("migrate");
    let push_service = PushService::start().await;
    let live = Browser::new(format!("{}/push/live", push_service.url));
    let gone = Browser::new(format!("{}/push/gone-1", push_service.url));
    for b in [&live, &gone] {
        t.db.save_push_subscription(PHONE, &b.target, None, Utc::now())
            .await
            .expect("subscribe");
    }
    dossier(&t, PHONE).await;
    let sms = Arc::new(FakeSms::default());
    let worker = notifier(&t, &sms, &push_service.url).await;

    // Act
    let report = worker.run_due(soon()).await.expect("run");

    // Assert
    assert_eq!(
        report.sent, 1,
        "a gone subscription is no failure: {report:?}"
    );
    let left = t.db.push_subscriptions(PHONE).await.expect("subscriptions");
    assert_eq!(left, std::slice::from_ref(&live.target));
    assert_eq!(push_service.received().len(), 2);
    t.teardown().await;
}

async fn two_workers_on_one_database_never_send_one_job_twice(engine: Engine) {
    // Arrange: 24 jobs; two workers, each with its own connection pool, as two servers would.
    let t = TestDb::new(engine).await;
    t.db.migrate().await.expect("migrate");
    let mut codes = HashSet::new();
    for i in 0..24 {
        codes.insert(dossier(&t, &format!("09051234{i:02}")).await);
    }
    let other_server: Arc<dyn Store> = server::Db::connect(&t.url).await.expect("second pool");
    let sms = Arc::new(FakeSms::default());
    let mut a = notifier(&t, &sms, "").await;
    let keys = VapidKeys::load_or_create(other_server.as_ref())
        .await
        .expect("keys");
    let mut b = Notifier::new(
        other_server.clone(),
        sms.clone(),
        Some(
            PushSender::new(
                keys,
                "https://motcua.example",
                server::notify::PushHosts::none(),
            )
            .expect("sender"),
        ),
    );
    a.batch = 2;
    b.batch = 2;
    let now = soon();

    // Act: both drain the outbox at once.
    let drain = |w: Notifier| async move {
        let mut sent = 0;
        loop {
            let report = w.run_due(now).await.expect("run");
            if report.claimed == 0 {
                return sent;
            }
            sent += report.sent;
        }
    };
    let (sent_a, sent_b) = tokio::join!(tokio::spawn(drain(a)), tokio::spawn(drain(b)));
    let (sent_a, sent_b) = (sent_a.expect("worker a"), sent_b.expect("worker b"));

    // Assert: every job sent once, by one of them.
    assert_eq!(sent_a + sent_b, 24, "a: {sent_a}, b: {sent_b}");
    let texts = sms.sent();
    assert_eq!(texts.len(), 24, "one SMS per job");
    let sent_codes: HashSet<String> = codes
        .iter()
        .filter(|code| texts.iter().any(|(_, text)| text.contains(code.as_str())))
        .cloned()
        .collect();
    assert_eq!(sent_codes, codes);
    assert!(outbox_states(&t).await.iter().all(|s| s == "sent"));
    other_server.close().await;
    t.teardown().await;
}

async fn a_claim_holds_a_job_until_its_lease_ends(engine: Engine) {
    // Arrange
    let t = TestDb::new(engine).await;
    t.db.migrate().await.expect("migrate");
    dossier(&t, PHONE).await;
    let now = soon();
    let lease_end = now + chrono::Duration::minutes(5);

    // Act: a worker claims and dies; another looks during the lease and after it.
    let first =
        t.db.claim_notifications(now, lease_end, 10)
            .await
            .expect("claim");
    let during =
        t.db.claim_notifications(now + chrono::Duration::minutes(4), lease_end, 10)
            .await
            .expect("claim during the lease");
    let after =
        t.db.claim_notifications(lease_end, lease_end + chrono::Duration::minutes(5), 10)
            .await
            .expect("claim after the lease");

    // Assert
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].attempts, 1);
    assert_eq!(first[0].kind, "dossier_submitted");
    assert_eq!(
        first[0]
            .dossier
            .as_ref()
            .map(|d| d.applicant_phone.as_str()),
        Some(PHONE)
    );
    assert!(during.is_empty(), "held by the first worker");
    assert_eq!(after.len(), 1, "a dead worker's job is taken over");
    assert_eq!(after[0].attempts, 2);
    t.teardown().await;
}

async fn push_key_and_subscriptions_through_the_api(engine: Engine) {
    // Arrange
    let t = TestDb::new(engine).await;
    t.db.migrate().await.expect("migrate");
    let code = dossier(&t, PHONE).await;
    let app = TestServer::start_args(&t, &["--push-hosts", "push.example"]).await;
    let browser = Browser::new("https://push.example/send/abc".to_owned());
    let subscription = serde_json::json!({
        "endpoint": browser.target.endpoint,
        "keys": {"p256dh": browser.target.p256dh, "auth": browser.target.auth},
    })
    .to_string()
    .into_bytes();
    let json = [("content-type", "application/json")];

    // Act + Assert: the key is stable and is a P-256 point.
    let key1 = body_json(send(&app, "GET", "/api/v1/push/public-key", &[], Vec::new()).await).await;
    let key2 = body_json(send(&app, "GET", "/api/v1/push/public-key", &[], Vec::new()).await).await;
    assert_eq!(key1, key2);
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(key1["public_key"].as_str().expect("public_key"))
        .expect("base64url");
    assert_eq!((raw.len(), raw[0]), (65, 4), "an uncompressed P-256 point");

    // Nobody signed in, with or without the code and the phone (no proof any more): 401 saying what to
    // do.
    for path in [
        "/api/v1/me/push-subscriptions".to_owned(),
        format!("/api/v1/me/push-subscriptions?code={code}&phone={PHONE}"),
    ] {
        let res = send(&app, "POST", &path, &json, subscription.clone()).await;
        assert_eq!(res.status(), 401, "{path}");
        assert!(body_text(res).await.contains("Chỉ người nộp hồ sơ"));
    }
    // Another citizen signed in, naming the dossier: 403.
    let stranger = app.citizen("0905999999").await;
    let mut as_stranger = json.to_vec();
    as_stranger.extend_from_slice(&stranger.headers());
    let res = send(
        &app,
        "POST",
        &format!("/api/v1/me/push-subscriptions?code={code}"),
        &as_stranger,
        subscription.clone(),
    )
    .await;
    assert_eq!(res.status(), 403);
    // Broken keys: 400 naming the key.
    let broken = serde_json::json!({
        "endpoint": browser.target.endpoint,
        "keys": {"p256dh": "abc", "auth": browser.target.auth},
    })
    .to_string()
    .into_bytes();
    let owner = app.citizen(PHONE).await;
    let mut as_owner = json.to_vec();
    as_owner.extend_from_slice(&owner.headers());
    let path = format!("/api/v1/me/push-subscriptions?code={code}");
    let res = send(&app, "POST", &path, &as_owner, broken).await;
    assert_eq!(res.status(), 400);
    assert!(body_text(res).await.contains("p256dh"));
    // The owner signed in: kept for the dossier's phone.
    let res = send(&app, "POST", &path, &as_owner, subscription.clone()).await;
    assert_eq!(res.status(), 204, "{}", body_text(res).await);
    assert_eq!(
        t.db.push_subscriptions(PHONE).await.expect("subscriptions"),
        std::slice::from_ref(&browser.target)
    );
    // Unsubscribe.
    let res = send(
        &app,
        "DELETE",
        "/api/v1/me/push-subscriptions",
        &json,
        subscription,
    )
    .await;
    assert_eq!(res.status(), 204);
    assert!(
        t.db.push_subscriptions(PHONE)
            .await
            .expect("subscriptions")
            .is_empty()
    );
    t.teardown().await;
}

async fn the_inbox_is_each_phones_own_and_marks_read(engine: Engine) {
    // Arrange: two notices for one phone, one for another.
    let t = TestDb::new(engine).await;
    t.db.migrate().await.expect("migrate");
    let mine = dossier(&t, PHONE).await;
    state_notice(&t, &mine, "received", "").await;
    dossier(&t, "0905999999").await;
    let sms = Arc::new(FakeSms::default());
    notifier(&t, &sms, "")
        .await
        .run_due(soon())
        .await
        .expect("run");
    let items = t.db.inbox_items(PHONE, 50).await.expect("inbox");
    assert_eq!(items.len(), 2);
    let other = t.db.inbox_items("0905999999", 50).await.expect("inbox");
    assert_eq!(other.len(), 1);

    // Act: another phone cannot mark mine; then mine one by one, then all.
    let by_other =
        t.db.mark_inbox_read("0905999999", Some(items[0].id), Utc::now())
            .await
            .expect("mark");
    let one =
        t.db.mark_inbox_read(PHONE, Some(items[0].id), Utc::now())
            .await
            .expect("mark one");
    let again =
        t.db.mark_inbox_read(PHONE, Some(items[0].id), Utc::now())
            .await
            .expect("mark again");
    let after_one = t.db.inbox_items(PHONE, 50).await.expect("inbox");
    let rest =
        t.db.mark_inbox_read(PHONE, None, Utc::now())
            .await
            .expect("mark all");

    // Assert
    assert_eq!((by_other, one, again, rest), (0, 1, 0, 1));
    assert!(after_one[0].read && !after_one[1].read);
    assert!(
        t.db.inbox_items(PHONE, 50)
            .await
            .expect("inbox")
            .iter()
            .all(|i| i.read)
    );
    assert!(!t.db.inbox_items("0905999999", 50).await.expect("inbox")[0].read);
    // The note of a notice without one is none, not an empty text.
    assert_eq!(items[0].note, None);
    t.teardown().await;
}

/// Signs a citizen in through the real flow (code by the development SMS sink); (cookie, CSRF token).
async fn sign_in(t: &TestDb, app: &TestServer, phone: &str) -> (String, String) {
    let json = [("content-type", "application/json")];
    let res = send(
        app,
        "POST",
        "/api/v1/auth/otp",
        &json,
        serde_json::json!({ "phone": phone })
            .to_string()
            .into_bytes(),
    )
    .await;
    assert!(res.status().is_success(), "{}", body_text(res).await);
    let log = std::fs::read_to_string(t.dir.path().join("data").join("sms.log")).expect("sms.log");
    let line = log
        .lines()
        .rev()
        .find(|l| l.split('\t').nth(1) == Some(phone) && l.contains("mã đăng nhập"))
        .expect("the code's SMS");
    let code: String = line
        .split("mã đăng nhập của bạn là ")
        .nth(1)
        .expect("code")
        .chars()
        .take(6)
        .collect();
    let res = send(
        app,
        "POST",
        "/api/v1/auth/otp/verify",
        &json,
        serde_json::json!({ "phone": phone, "code": code })
            .to_string()
            .into_bytes(),
    )
    .await;
    assert_eq!(res.status(), 200);
    let cookie = res
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .expect("session cookie")
        .to_owned();
    let session = body_json(res).await;
    let csrf = session["csrf_token"].as_str().expect("csrf").to_owned();
    (cookie, csrf)
}

async fn the_inbox_api_shows_the_citizens_notices_and_marks_them_read(engine: Engine) {
    // Arrange: a dossier of the phone, its notice delivered; the server; the citizen signed in.
    let t = TestDb::new(engine).await;
    t.db.migrate().await.expect("migrate");
    let code = dossier(&t, PHONE).await;
    state_notice(
        &t,
        &code,
        "supplement_requested",
        "Bổ sung bản sao giấy ủy quyền",
    )
    .await;
    let sms = Arc::new(FakeSms::default());
    notifier(&t, &sms, "")
        .await
        .run_due(soon())
        .await
        .expect("run");
    let app = TestServer::start_args(&t, &["--push-hosts", "push.example"]).await;
    let (cookie, csrf) = sign_in(&t, &app, PHONE).await;
    let (other_cookie, _) = sign_in(&t, &app, "0905999999").await;

    // Act + Assert: nobody signed in → 401 with a message.
    let res = send(&app, "GET", "/api/v1/me/inbox", &[], Vec::new()).await;
    assert_eq!(res.status(), 401);
    assert!(body_text(res).await.contains("đăng nhập"));
    // The citizen: both notices, newest first, in Vietnamese; in English on request.
    let res = send(
        &app,
        "GET",
        "/api/v1/me/inbox",
        &[("cookie", &cookie)],
        Vec::new(),
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let items = body_json(res).await;
    let items = items.as_array().expect("a list");
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["title"], format!("Hồ sơ {code}"));
    let body = items[0]["body"].as_str().expect("body");
    assert!(
        body.contains("Cần sửa đổi, bổ sung") && body.contains("giấy ủy quyền"),
        "{body}"
    );
    assert!(
        items[1]["body"]
            .as_str()
            .is_some_and(|b| b.contains("Đã nộp, chờ tiếp nhận"))
    );
    assert!(
        items
            .iter()
            .all(|i| i["read"] == false && i["code"] == code.as_str())
    );
    assert!(
        items[0]["at"]
            .as_str()
            .is_some_and(|a| a.ends_with("+07:00"))
    );
    let english = body_json(
        send(
            &app,
            "GET",
            "/api/v1/me/inbox",
            &[("cookie", &cookie), ("accept-language", "en")],
            Vec::new(),
        )
        .await,
    )
    .await;
    assert!(
        english[0]["body"]
            .as_str()
            .is_some_and(|b| b.contains("Amendments requested"))
    );
    // Another citizen sees none of it and cannot mark it.
    let theirs = body_json(
        send(
            &app,
            "GET",
            "/api/v1/me/inbox",
            &[("cookie", &other_cookie)],
            Vec::new(),
        )
        .await,
    )
    .await;
    assert_eq!(theirs.as_array().map(Vec::len), Some(0));
    // Marking read needs the session's CSRF token.
    let id = items[0]["id"].as_i64().expect("id");
    let path = format!("/api/v1/me/inbox/{id}/read");
    let res = send(&app, "POST", &path, &[("cookie", &cookie)], Vec::new()).await;
    assert_eq!(res.status(), 403);
    let res = send(
        &app,
        "POST",
        &path,
        &[("cookie", &cookie), ("x-csrf-token", &csrf)],
        Vec::new(),
    )
    .await;
    assert_eq!(res.status(), 204);
    let after = body_json(
        send(
            &app,
            "GET",
            "/api/v1/me/inbox",
            &[("cookie", &cookie)],
            Vec::new(),
        )
        .await,
    )
    .await;
    assert_eq!(
        (after[0]["read"].clone(), after[1]["read"].clone()),
        (true.into(), false.into())
    );
    let res = send(
        &app,
        "POST",
        "/api/v1/me/inbox/read",
        &[("cookie", &cookie), ("x-csrf-token", &csrf)],
        Vec::new(),
    )
    .await;
    assert_eq!(res.status(), 204);
    let after = body_json(
        send(
            &app,
            "GET",
            "/api/v1/me/inbox",
            &[("cookie", &cookie)],
            Vec::new(),
        )
        .await,
    )
    .await;
    assert!(
        after
            .as_array()
            .expect("list")
            .iter()
            .all(|i| i["read"] == true)
    );
    // A signed-in citizen subscribes without a dossier code: the session proves the phone.
    let browser = Browser::new("https://push.example/send/signed-in".to_owned());
    let subscription = serde_json::json!({
        "endpoint": browser.target.endpoint,
        "keys": {"p256dh": browser.target.p256dh, "auth": browser.target.auth},
    })
    .to_string()
    .into_bytes();
    let res = send(
        &app,
        "POST",
        "/api/v1/me/push-subscriptions",
        &[
            ("cookie", &cookie),
            ("x-csrf-token", &csrf),
            ("content-type", "application/json"),
        ],
        subscription,
    )
    .await;
    assert_eq!(res.status(), 204, "{}", body_text(res).await);
    assert_eq!(
        t.db.push_subscriptions(PHONE).await.expect("subs"),
        std::slice::from_ref(&browser.target)
    );
    t.teardown().await;
}

/// A shared tablet: citizen A subscribes this browser (signed in, and with a dossier-scoped access),
/// then signs out; the next person's notices must not be A's. The subscriptions made under A's
/// session and access are gone; A's other device (subscribed under another sign-in) keeps its own.
async fn signing_out_removes_the_push_subscriptions_made_under_that_sign_in(engine: Engine) {
    // Arrange: A signed in with a phone subscribes this browser; a dossier of another phone, read
    // with a dossier-scoped access, subscribes a second browser profile of the tablet.
    let t = TestDb::new(engine).await;
    t.db.migrate().await.expect("migrate");
    let other_phone = "0905777888";
    let code = dossier(&t, other_phone).await;
    let app = TestServer::start_args(&t, &["--push-hosts", "push.example"]).await;
    let body = |b: &Browser| {
        serde_json::json!({
            "endpoint": b.target.endpoint,
            "keys": {"p256dh": b.target.p256dh, "auth": b.target.auth},
        })
        .to_string()
        .into_bytes()
    };
    let tablet = Browser::new("https://push.example/send/tablet".to_owned());
    let tablet_guest = Browser::new("https://push.example/send/tablet-guest".to_owned());
    let elsewhere = Browser::new("https://push.example/send/own-phone".to_owned());
    t.db.save_push_subscription(
        PHONE,
        &elsewhere.target,
        Some("another-session"),
        Utc::now(),
    )
    .await
    .expect("A's own phone, subscribed under another session");
    let a = app.citizen(PHONE).await;
    let mut as_a = vec![("content-type", "application/json")];
    as_a.extend_from_slice(&a.headers());
    let res = send(
        &app,
        "POST",
        "/api/v1/me/push-subscriptions",
        &as_a,
        body(&tablet),
    )
    .await;
    assert_eq!(res.status(), 204, "{}", body_text(res).await);
    let res = send(
        &app,
        "POST",
        &format!("/api/v1/dossiers/{code}/access"),
        &[],
        vec![],
    )
    .await;
    assert_eq!(res.status(), 202, "{}", body_text(res).await);
    let texted = crate::signin::last_code(&t, other_phone);
    let res = send(
        &app,
        "POST",
        &format!("/api/v1/dossiers/{code}/access/verify"),
        &[("content-type", "application/json")],
        serde_json::to_vec(&serde_json::json!({"code": texted})).expect("JSON"),
    )
    .await;
    assert_eq!(res.status(), 200, "{}", body_text(res).await);
    let access = crate::helpers::header(&res, "set-cookie")
        .split(';')
        .next()
        .expect("the access cookie")
        .to_owned();
    let res = send(
        &app,
        "POST",
        &format!("/api/v1/me/push-subscriptions?code={code}"),
        &[("content-type", "application/json"), ("cookie", &access)],
        body(&tablet_guest),
    )
    .await;
    assert_eq!(res.status(), 204, "{}", body_text(res).await);
    assert_eq!(
        t.db.push_subscriptions(PHONE)
            .await
            .expect("subscriptions")
            .len(),
        2
    );
    assert_eq!(
        t.db.push_subscriptions(other_phone)
            .await
            .expect("subscriptions"),
        std::slice::from_ref(&tablet_guest.target)
    );

    // Act: A signs out on the tablet (the session and the access cookie both sent).
    let cookies = format!("{}; {access}", a.cookie);
    let res = send(
        &app,
        "DELETE",
        "/api/v1/session",
        &[("cookie", &cookies), ("x-csrf-token", &a.csrf)],
        vec![],
    )
    .await;
    assert_eq!(res.status(), 204, "{}", body_text(res).await);

    // Assert: the tablet's subscriptions are gone; A's own phone keeps its own.
    assert_eq!(
        t.db.push_subscriptions(PHONE).await.expect("subscriptions"),
        std::slice::from_ref(&elsewhere.target)
    );
    assert!(
        t.db.push_subscriptions(other_phone)
            .await
            .expect("subscriptions")
            .is_empty()
    );
    t.teardown().await;
}

/// The subscription a browser sends for `endpoint`, with real keys.
fn subscription_json(endpoint: &str) -> Vec<u8> {
    let b = Browser::new(endpoint.to_owned());
    serde_json::json!({
        "endpoint": b.target.endpoint,
        "keys": {"p256dh": b.target.p256dh, "auth": b.target.auth},
    })
    .to_string()
    .into_bytes()
}

/// SSRF: the server posts to a subscription's endpoint, so an endpoint that is not a browser's push
/// service (an internal address, a metadata service, a name with a user or a port of its own) is
/// refused with what is wrong; the browsers' real push services are kept (the default list).
async fn a_subscription_names_a_browsers_push_service_and_nothing_else(engine: Engine) {
    // Arrange: the server with its default list of push services; the owner signed in.
    let t = TestDb::new(engine).await;
    t.db.migrate().await.expect("migrate");
    let app = TestServer::start(&t).await;
    let owner = app.citizen(PHONE).await;
    let mut headers = vec![("content-type", "application/json")];
    headers.extend_from_slice(&owner.headers());
    let refused = [
        ("http://127.0.0.1:5432/x", "không được là một địa chỉ IP"),
        ("https://127.0.0.1/x", "không được là một địa chỉ IP"),
        (
            "http://localhost:8080/admin",
            "không phải dịch vụ thông báo",
        ),
        ("https://[::1]/x", "không được là một địa chỉ IP"),
        (
            "https://169.254.169.254/latest/meta-data",
            "không được là một địa chỉ IP",
        ),
        ("https://2130706433/x", "không được là một địa chỉ IP"),
        ("https://internal.example/x", "không phải dịch vụ thông báo"),
        (
            "https://fcm.googleapis.com.evil.example/fcm/send/x",
            "không phải dịch vụ thông báo",
        ),
        (
            "https://admin:pw@fcm.googleapis.com/fcm/send/x",
            "tên đăng nhập hay mật khẩu",
        ),
        ("https://fcm.googleapis.com:8443/fcm/send/x", "cổng 8443"),
        (
            "http://updates.push.services.mozilla.com/wpush/v2/x",
            "phải là một địa chỉ https",
        ),
        ("ftp://fcm.googleapis.com/x", "phải là một địa chỉ https"),
    ];
    let accepted = [
        "https://fcm.googleapis.com/fcm/send/dGVzdA:APA91bH",
        "https://updates.push.services.mozilla.com/wpush/v2/gAAAAABn",
        "https://web.push.apple.com/QGuQyavXutnMH7ys",
        "https://wns2-par02p.notify.windows.com/w/?token=BQYAAAB",
    ];

    // Act + Assert
    for (endpoint, says) in refused {
        let res = send(
            &app,
            "POST",
            "/api/v1/me/push-subscriptions",
            &headers,
            subscription_json(endpoint),
        )
        .await;
        assert_eq!(res.status(), 400, "{endpoint}");
        let text = body_text(res).await;
        assert!(text.contains(says), "{endpoint}: {text}");
    }
    assert!(
        t.db.push_subscriptions(PHONE)
            .await
            .expect("subscriptions")
            .is_empty(),
        "nothing refused is kept"
    );
    for endpoint in accepted {
        let res = send(
            &app,
            "POST",
            "/api/v1/me/push-subscriptions",
            &headers,
            subscription_json(endpoint),
        )
        .await;
        assert_eq!(res.status(), 204, "{endpoint}: {}", body_text(res).await);
    }
    let kept: Vec<String> =
        t.db.push_subscriptions(PHONE)
            .await
            .expect("subscriptions")
            .into_iter()
            .map(|s| s.endpoint)
            .collect();
    assert_eq!(kept, accepted);
    t.teardown().await;
}

/// Subscriptions per phone are bounded: the eleventh and twelfth replace the two oldest.
async fn a_phone_keeps_its_ten_newest_subscriptions(engine: Engine) {
    // Arrange
    let t = TestDb::new(engine).await;
    t.db.migrate().await.expect("migrate");
    let app = TestServer::start(&t).await;
    let owner = app.citizen(PHONE).await;
    let mut headers = vec![("content-type", "application/json")];
    headers.extend_from_slice(&owner.headers());
    let endpoints: Vec<String> = (1..=12)
        .map(|i| format!("https://fcm.googleapis.com/fcm/send/device-{i:02}"))
        .collect();

    // Act
    for endpoint in &endpoints {
        let res = send(
            &app,
            "POST",
            "/api/v1/me/push-subscriptions",
            &headers,
            subscription_json(endpoint),
        )
        .await;
        assert_eq!(res.status(), 204, "{}", body_text(res).await);
    }

    // Assert
    let kept: Vec<String> =
        t.db.push_subscriptions(PHONE)
            .await
            .expect("subscriptions")
            .into_iter()
            .map(|s| s.endpoint)
            .collect();
    assert_eq!(
        kept.len(),
        usize::try_from(server::store::notify::MAX_PUSH_SUBSCRIPTIONS).expect("small")
    );
    assert_eq!(kept, endpoints[2..], "the two oldest were replaced");
    t.teardown().await;
}

/// A push service that redirects is not followed (the redirect could lead anywhere), and a
/// subscription stored with an endpoint off the list (before the list existed) is never called and
/// is forgotten.
async fn a_push_follows_no_redirect_and_calls_no_endpoint_off_the_list(engine: Engine) {
    // Arrange: the listed push service redirects this browser's push; another local service (an
    // "internal" one) is not on the list.
    let t = TestDb::new(engine).await;
    t.db.migrate().await.expect("migrate");
    let push_service = PushService::start().await;
    let internal = PushService::start().await;
    let redirected = Browser::new(format!("{}/push/redirect-1", push_service.url));
    let off_list = Browser::new(format!("{}/push/metadata", internal.url));
    for b in [&redirected, &off_list] {
        t.db.save_push_subscription(PHONE, &b.target, None, Utc::now())
            .await
            .expect("subscribe");
    }
    dossier(&t, PHONE).await;
    let sms = Arc::new(FakeSms::default());
    let worker = notifier(&t, &sms, &push_service.url).await;

    // Act
    let report = worker.run_due(soon()).await.expect("run");

    // Assert: the redirect was answered to, not followed; the job is tried again later.
    let paths: Vec<String> = push_service
        .received()
        .into_iter()
        .map(|p| p.path)
        .collect();
    assert_eq!(paths, ["/push/redirect-1"], "no request after the redirect");
    assert_eq!(report.retried, 1, "{report:?}");
    // The endpoint off the list was never called, and is forgotten.
    assert!(internal.received().is_empty());
    let left = t.db.push_subscriptions(PHONE).await.expect("subscriptions");
    assert_eq!(left, std::slice::from_ref(&redirected.target));
    t.teardown().await;
}

/// One push service that never answers holds up neither the notice's other pushes nor the worker for
/// longer than one push's timeout, whatever the number of its subscriptions.
async fn a_slow_push_service_does_not_stall_the_worker(engine: Engine) {
    // Arrange: three browsers behind a push service that answers after two minutes, one that answers
    // at once.
    let t = TestDb::new(engine).await;
    t.db.migrate().await.expect("migrate");
    let push_service = PushService::start().await;
    let fast = Browser::new(format!("{}/push/fast", push_service.url));
    t.db.save_push_subscription(PHONE, &fast.target, None, Utc::now())
        .await
        .expect("subscribe");
    for i in 0..3 {
        let slow = Browser::new(format!("{}/push/slow-{i}", push_service.url));
        t.db.save_push_subscription(PHONE, &slow.target, None, Utc::now())
            .await
            .expect("subscribe");
    }
    dossier(&t, PHONE).await;
    let sms = Arc::new(FakeSms::default());
    let worker = notifier(&t, &sms, &push_service.url).await;
    let limit = server::notify::push::SEND_TIMEOUT * 2;

    // Act
    let started = std::time::Instant::now();
    let report = tokio::time::timeout(limit, worker.run_due(soon()))
        .await
        .unwrap_or_else(|_| panic!("the worker was held up longer than {limit:?}"))
        .expect("run");

    // Assert: done within about one push's timeout; the fast browser got its push, the SMS went out,
    // the slow pushes are tried again later.
    assert!(started.elapsed() < limit, "{:?}", started.elapsed());
    let reached: Vec<String> = push_service
        .received()
        .into_iter()
        .map(|p| p.path)
        .collect();
    assert!(reached.contains(&"/push/fast".to_owned()), "{reached:?}");
    assert_eq!(sms.sent().len(), 1);
    assert_eq!(report.retried, 1, "{report:?}");
    t.teardown().await;
}
