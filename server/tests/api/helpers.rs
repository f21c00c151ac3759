use std::{
    path::Path,
    process::{ExitStatus, Stdio},
    str::FromStr,
    sync::{Arc, Mutex},
    time::Duration,
};

use server::{PgStore, SqliteStore, Store};
use sqlx::{PgPool, SqlitePool, postgres::PgConnectOptions};
use tempfile::TempDir;
use tokio::{
    io::{AsyncBufReadExt as _, AsyncRead, BufReader},
    process::{Child, Command},
};

pub(crate) const DEFAULT_TEST_POSTGRES: &str = "postgres://postgres@127.0.0.1:5432/test";

/// Which database a test runs on.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Engine {
    Sqlite,
    Postgres,
}

/// Declares a test once and runs it on both databases:
/// `both_backends!(name);` expects `async fn name(engine: Engine)`.
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name($crate::helpers::Engine::Sqlite).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name($crate::helpers::Engine::Postgres).await;
                }
            )*
        }
    };
}
pub(crate) use both_backends;

/// A database of its own for one test: a SQLite file in a temporary directory, or a fresh PostgreSQL
/// schema that is dropped by [`TestDb::teardown`].
pub(crate) struct TestDb {
    /// The store on it, as the server builds it.
    pub(crate) db: Arc<dyn Store>,
    /// The same database for SQL of the test's own.
    pub(crate) raw: Raw,
    pub(crate) url: String,
    /// The fresh schema and a pool outside it, to drop it.
    schema: Option<(String, PgPool)>,
    pub(crate) dir: TempDir,
}

/// A test's own pool on its database.
pub(crate) enum Raw {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

impl Raw {
    /// The one integer a query answers.
    pub(crate) async fn scalar(&self, sql: &str) -> i64 {
        match self {
            Self::Sqlite(pool) => sqlx::query_scalar(sql).fetch_one(pool).await,
            Self::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await,
        }
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    /// Runs a statement; its error, if any, as text.
    pub(crate) async fn exec(&self, sql: &str) -> Result<u64, String> {
        match self {
            Self::Sqlite(pool) => sqlx::query(sql)
                .execute(pool)
                .await
                .map(|r| r.rows_affected()),
            Self::Postgres(pool) => sqlx::query(sql)
                .execute(pool)
                .await
                .map(|r| r.rows_affected()),
        }
        .map_err(|e| e.to_string())
    }

    /// The one text a query with one text parameter answers.
    pub(crate) async fn text(&self, sql: &str, param: &str) -> String {
        match self {
            Self::Sqlite(pool) => sqlx::query_scalar(sql).bind(param).fetch_one(pool).await,
            Self::Postgres(pool) => sqlx::query_scalar(sql).bind(param).fetch_one(pool).await,
        }
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }
}

impl TestDb {
    pub(crate) async fn new(engine: Engine) -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        match engine {
            Engine::Sqlite => {
                let url = format!("sqlite://{}", dir.path().join("motcua.sqlite").display());
                let store = SqliteStore::connect(&url).await.expect("open SQLite");
                Self {
                    raw: Raw::Sqlite(store.pool().clone()),
                    db: Arc::new(store),
                    url,
                    schema: None,
                    dir,
                }
            }
            Engine::Postgres => {
                let base = std::env::var("MOTCUA_TEST_POSTGRES")
                    .unwrap_or_else(|_| DEFAULT_TEST_POSTGRES.to_owned());
                let admin = PgPool::connect(&base).await.unwrap_or_else(|e| {
                    panic!(
                        "PostgreSQL is required for this test and is not reachable at {base}: {e:#}. \
                         Start it or set MOTCUA_TEST_POSTGRES (cargo xtask test starts the machine's cluster)"
                    )
                });
                let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
                sqlx::query(&format!("CREATE SCHEMA {schema}"))
                    .execute(&admin)
                    .await
                    .expect("create a fresh schema");
                let options = PgConnectOptions::from_str(&base)
                    .expect("valid URL")
                    .options([("search_path", schema.as_str())]);
                let store = PgStore::connect_with(options)
                    .await
                    .expect("connect to the schema");
                let url = format!("{base}?options=-c%20search_path%3D{schema}");
                Self {
                    raw: Raw::Postgres(store.pool().clone()),
                    db: Arc::new(store),
                    url,
                    schema: Some((schema, admin)),
                    dir,
                }
            }
        }
    }

    pub(crate) async fn teardown(self) {
        self.db.close().await;
        if let Some((schema, admin)) = &self.schema {
            // A server killed with SIGKILL may leave a connection PostgreSQL has not reaped yet, whose
            // locks make the drop fail (deadlock) for a moment: try again a few times.
            let mut tries = 0;
            loop {
                match sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
                    .execute(admin)
                    .await
                {
                    Ok(_) => break,
                    Err(e) if tries < 5 => {
                        tries += 1;
                        eprintln!("dropping the test schema failed ({e}); trying again");
                        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                    }
                    Err(e) => panic!("drop the test schema: {e}"),
                }
            }
            admin.close().await;
        }
    }
}

/// A built-looking `dist/`: an `index.html` (the full app) and a `public.html` (the public pages) like Trunk's, one hashed script with a brotli copy, a manifest.
pub(crate) fn fake_dist(dir: &Path) -> std::path::PathBuf {
    let dist = dir.join("dist");
    std::fs::create_dir_all(&dist).expect("dist");
    std::fs::write(
        dist.join("index.html"),
        r#"<!doctype html>
<html lang="vi">
<head><meta charset="utf-8"><title>Một cửa Quảng Ngãi</title>
<script type="module">import init from '/motcua-web-0123456789abcdef.js'; await init();</script></head>
<body>
</body>
</html>"#,
    )
    .expect("index.html");
    std::fs::write(
        dist.join("public.html"),
        r#"<!doctype html>
<html lang="vi">
<head><meta charset="utf-8"><title>Một cửa Quảng Ngãi</title>
<script type="module">import init from '/motcua-public-0123456789abcdef.js'; await init();</script></head>
<body>
</body>
</html>"#,
    )
    .expect("public.html");
    let js = "export default function init() { return 'motcua'; }\n".repeat(20);
    std::fs::write(dist.join("motcua-web-0123456789abcdef.js"), &js).expect("js");
    std::fs::write(
        dist.join("motcua-web-0123456789abcdef.js.br"),
        b"pretend-brotli",
    )
    .expect("br");
    std::fs::write(dist.join("manifest.webmanifest"), r#"{"name":"Một cửa"}"#).expect("manifest");
    dist
}

/// The default limits, except look-ups and new dossiers: not limited.
pub(crate) fn unlimited() -> server::Limits {
    server::Limits {
        lookups_per_minute: 1_000_000,
        dossiers_per_account_per_hour: 1_000_000,
        dossiers_per_account_per_day: 1_000_000,
        dossiers_per_address_per_hour: 1_000_000,
        ..server::Limits::default()
    }
}

/// The real `motcua serve` (the binary Cargo built for these tests) on a test database, listening on a
/// port of 127.0.0.1 the system chose, with its data directory and a fake `dist/` in the test's
/// temporary directory. Requests go over real sockets. The process is killed when this is dropped.
pub(crate) struct TestServer {
    child: Child,
    /// `http://127.0.0.1:<port>`, as the server printed it.
    pub(crate) url: String,
    /// `http://…/metrics` on the address of its own (`--metrics-bind`), as the server printed it.
    pub(crate) metrics_url: Option<String>,
    /// The first administrator's password, when this start printed one.
    pub(crate) first_admin_password: Option<String>,
    /// Everything the server wrote to stderr so far (its log).
    log: Arc<Mutex<String>>,
    client: reqwest::Client,
    /// Its data directory (the development SMS sink writes `sms.log` there).
    data_dir: std::path::PathBuf,
    /// Citizens signed in through [`TestServer::citizen`], by phone.
    citizens: Mutex<std::collections::HashMap<String, crate::signin::Session>>,
}

impl TestServer {
    /// Starts the server with the default limits, except look-ups and new dossiers, which are not
    /// limited (only the rate-limit tests, through [`TestServer::start_with`], keep a limit).
    pub(crate) async fn start(t: &TestDb) -> Self {
        Self::start_with(t, unlimited()).await
    }

    /// Starts the server with these limits.
    pub(crate) async fn start_with(t: &TestDb, limits: server::Limits) -> Self {
        Self::spawn(t, limits, "info,sqlx=warn", &[]).await
    }

    /// Starts the server like [`TestServer::start`], with these more command-line arguments.
    pub(crate) async fn start_args(t: &TestDb, args: &[&str]) -> Self {
        Self::spawn(t, unlimited(), "info,sqlx=warn", args).await
    }

    /// Starts the server with these limits and these more command-line arguments.
    pub(crate) async fn start_with_args(t: &TestDb, limits: server::Limits, args: &[&str]) -> Self {
        Self::spawn(t, limits, "info,sqlx=warn", args).await
    }

    /// Starts the server with the default limits and this log filter (`RUST_LOG`).
    pub(crate) async fn start_logging(t: &TestDb, filter: &str) -> Self {
        Self::spawn(t, server::Limits::default(), filter, &[]).await
    }

    /// Starts the server with the default limits, this log filter and these more arguments.
    pub(crate) async fn start_logging_args(t: &TestDb, filter: &str, args: &[&str]) -> Self {
        Self::spawn(t, server::Limits::default(), filter, args).await
    }

    async fn spawn(t: &TestDb, limits: server::Limits, filter: &str, args: &[&str]) -> Self {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_motcua"));
        cmd.arg("serve")
            .args(["--bind", "127.0.0.1:0"])
            .arg("--data-dir")
            .arg(t.dir.path().join("data"))
            .arg("--dist-dir")
            .arg(fake_dist(t.dir.path()))
            .arg("--database-url")
            .arg(&t.url)
            .arg("--max-file-bytes")
            .arg(limits.max_file_bytes.to_string())
            .arg("--max-dossier-bytes")
            .arg(limits.max_dossier_bytes.to_string())
            .arg("--lookups-per-minute")
            .arg(limits.lookups_per_minute.to_string())
            .arg("--dossiers-per-account-per-hour")
            .arg(limits.dossiers_per_account_per_hour.to_string())
            .arg("--dossiers-per-account-per-day")
            .arg(limits.dossiers_per_account_per_day.to_string())
            .arg("--dossiers-per-address-per-hour")
            .arg(limits.dossiers_per_address_per_hour.to_string())
            .arg("--upload-bytes-per-day")
            .arg(limits.upload_bytes_per_day.to_string())
            .arg("--upload-bytes-per-address-day")
            .arg(limits.upload_bytes_per_address_day.to_string())
            .arg("--upload-memory-bytes")
            .arg(limits.upload_memory_bytes.to_string());
        cmd.args(args);
        // Only what the command line says: nothing from the environment the tests run in.
        cmd.env_clear()
            .env("RUST_LOG", filter)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let mut child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", env!("CARGO_BIN_EXE_motcua")));
        let log = Arc::new(Mutex::new(String::new()));
        collect(child.stderr.take().expect("stderr"), Arc::clone(&log));
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let started = tokio::time::timeout(Duration::from_secs(60), async {
            let mut password = None;
            let mut metrics_url = None;
            while let Ok(Some(line)) = lines.next_line().await {
                if let Some(p) = line.split("mật khẩu / password:").nth(1) {
                    password = Some(p.trim().to_owned());
                }
                if line.starts_with("/metrics") {
                    metrics_url = line.split(" at ").nth(1).map(|u| u.trim().to_owned());
                } else if let Some(rest) = line.split("http://").nth(1) {
                    return Some((
                        format!("http://{}", rest.trim_end_matches('/')),
                        password,
                        metrics_url,
                    ));
                }
            }
            None
        })
        .await;
        // Keep reading stdout, so the server never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        let Ok(Some((url, first_admin_password, metrics_url))) = started else {
            let _ = child.start_kill();
            let _ = child.wait().await;
            panic!(
                "motcua serve did not say where it listens within a minute; its log:\n{}",
                log.lock().expect("log").as_str()
            );
        };
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .build()
            .expect("HTTP client");
        Self {
            child,
            url,
            metrics_url,
            first_admin_password,
            log,
            client,
            data_dir: t.dir.path().join("data"),
            citizens: Mutex::default(),
        }
    }

    /// A citizen signed in with this phone through the real routes (the code read from the development
    /// SMS sink), once per server and phone: submitting a dossier needs a session, and a second code
    /// for the same phone within a minute would be refused.
    pub(crate) async fn citizen(&self, phone: &str) -> crate::signin::Session {
        let normalised = domain::SoDienThoai::parse(phone).expect("a phone number");
        let key = normalised.as_str().to_owned();
        if let Some(session) = self.citizens.lock().expect("citizens").get(&key) {
            return session.clone();
        }
        let (status, body, _) = crate::signin::post_json(
            self,
            "/api/v1/auth/otp",
            &[],
            &serde_json::json!({"phone": phone}),
        )
        .await;
        assert_eq!(status, reqwest::StatusCode::ACCEPTED, "{body}");
        let code = crate::signin::last_code_in(&self.data_dir, normalised.as_str());
        let (status, body, cookie) = crate::signin::post_json(
            self,
            "/api/v1/auth/otp/verify",
            &[],
            &serde_json::json!({"phone": phone, "code": code}),
        )
        .await;
        assert_eq!(status, reqwest::StatusCode::OK, "{body}");
        let session = crate::signin::Session {
            cookie: cookie.expect("session cookie"),
            csrf: body["csrf_token"].as_str().expect("csrf token").to_owned(),
        };
        self.citizens
            .lock()
            .expect("citizens")
            .insert(key, session.clone());
        session
    }

    /// The server's process id.
    pub(crate) fn pid(&self) -> u32 {
        self.child.id().expect("the server is running")
    }

    /// `host:port` it listens on.
    pub(crate) fn addr(&self) -> &str {
        self.url.trim_start_matches("http://")
    }

    /// A request builder for a path of this server.
    pub(crate) fn request(&self, method: &str, path: &str) -> reqwest::RequestBuilder {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("HTTP method");
        self.client.request(method, format!("{}{path}", self.url))
    }

    /// The server's log so far.
    pub(crate) fn log(&self) -> String {
        self.log.lock().expect("log").clone()
    }

    /// Waits until the log contains `text`.
    pub(crate) async fn wait_for_log(&self, text: &str, within: Duration) {
        let found = tokio::time::timeout(within, async {
            while !self.log().contains(text) {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        })
        .await;
        assert!(
            found.is_ok(),
            "the server did not log {text:?} within {within:?}; its log:\n{}",
            self.log()
        );
    }

    /// SIGKILL, and wait until the process is gone.
    pub(crate) async fn kill_9(&mut self) {
        self.child.start_kill().expect("SIGKILL");
        self.child.wait().await.expect("the server died");
    }

    /// Waits for the process to end by itself.
    pub(crate) async fn exit_status(&mut self, within: Duration) -> ExitStatus {
        tokio::time::timeout(within, self.child.wait())
            .await
            .unwrap_or_else(|_| {
                panic!(
                    "the server did not exit within {within:?}; its log:\n{}",
                    self.log()
                )
            })
            .expect("wait for the server")
    }
}

/// Appends a pipe's lines to `log` in the background.
fn collect(pipe: impl AsyncRead + Unpin + Send + 'static, log: Arc<Mutex<String>>) {
    tokio::spawn(async move {
        let mut lines = BufReader::new(pipe).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            let mut log = log.lock().expect("log");
            log.push_str(&line);
            log.push('\n');
        }
    });
}

pub(crate) async fn get(
    app: &TestServer,
    uri: &str,
    headers: &[(&str, &str)],
) -> reqwest::Response {
    send(app, "GET", uri, headers, Vec::new()).await
}

pub(crate) async fn send(
    app: &TestServer,
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> reqwest::Response {
    let mut req = app.request(method, uri);
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    if !body.is_empty() {
        req = req.body(body);
    }
    req.send()
        .await
        .unwrap_or_else(|e| panic!("{method} {uri}: {e}; the server's log:\n{}", app.log()))
}

pub(crate) async fn body_text(res: reqwest::Response) -> String {
    res.text().await.expect("UTF-8 body")
}

pub(crate) async fn body_json(res: reqwest::Response) -> serde_json::Value {
    serde_json::from_str(&body_text(res).await).expect("JSON body")
}

pub(crate) fn header<'a>(res: &'a reqwest::Response, name: &str) -> &'a str {
    res.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// The identity number of the owner of the businesses [`seed_business`] puts in the registry.
pub(crate) const SEEDED_OWNER_ID: &str = "051085099999";

/// Puts a household business in the registry (commune 21025, active) whose owner's phone on record is
/// `owner_phone` and whose owner's identity number is [`SEEDED_OWNER_ID`], unless the registry has the
/// code already: who may file its change or termination as its owner.
pub(crate) async fn seed_business(t: &TestDb, code: &str, owner_phone: &str) {
    if t.db.find_hkd(code).await.expect("registry").is_some() {
        return;
    }
    let name = domain::TenHoKinhDoanh::try_from(format!("Hộ kinh doanh Tạp hóa {code}"))
        .expect("a valid name");
    t.db.insert_hkd(
        &server::HkdRecord {
            code: code.to_owned(),
            commune: "21025".to_owned(),
            name: name.as_ref().to_owned(),
            name_key: name.key().as_str().to_owned(),
            status: "active".to_owned(),
            data_json: serde_json::json!({"owner": {"id_number": SEEDED_OWNER_ID}}).to_string(),
            owner_phone: Some(owner_phone.to_owned()),
        },
        None,
    )
    .await
    .expect("insert the business");
}

/// Headers of a JSON request with an `Idempotency-Key`, from a session: cookie, CSRF token, key.
pub(crate) fn submit_headers<'a>(
    session: &'a crate::signin::Session,
    key: &'a str,
) -> [(&'a str, &'a str); 4] {
    [
        ("cookie", &session.cookie),
        ("x-csrf-token", &session.csrf),
        ("idempotency-key", key),
        ("content-type", "application/json"),
    ]
}

/// A citizen signed in with the national e-identity: the account made as the OpenID sign-in makes it
/// (`upsert_oidc_citizen`) and a session row with a known token, straight in the database (the sign-in
/// flow itself is tested with a real provider in the OIDC tests). `phone`: a phone the provider
/// verified, if any.
pub(crate) async fn vneid_citizen(
    t: &TestDb,
    identity_number: &str,
    phone: Option<&str>,
) -> crate::signin::Session {
    use server::store::auth::{NewSession, NewSessionOwner, OidcCitizen, OidcUpsert};
    let now = chrono::Utc::now();
    let outcome =
        t.db.upsert_oidc_citizen(
            &OidcCitizen {
                issuer: "https://sso.test.gov.vn".to_owned(),
                subject: format!("sub-{identity_number}"),
                identity: domain::api::VerifiedIdentity {
                    identity_number: identity_number.to_owned(),
                    full_name: "Người Thử Nghiệm".to_owned(),
                    birth_date: Some("1985-03-02".to_owned()),
                    gender: Some("nu".to_owned()),
                    address: None,
                    assurance_level: Some("2".to_owned()),
                },
                verified_phone: phone.map(str::to_owned),
            },
            now,
        )
        .await
        .expect("the identity account");
    let OidcUpsert::Account { id, .. } = outcome else {
        panic!("identity number {identity_number} taken: {outcome:?}");
    };
    let token = server::auth::random_token();
    let csrf = server::auth::random_token();
    t.db.insert_session(&NewSession {
        token_hash: server::auth::token_hash(&token),
        owner: NewSessionOwner::CitizenByIdentity(id),
        csrf_token: csrf.clone(),
        client_ip: None,
        created_at: now,
        idle_seconds: 86_400,
        expires_at: now + chrono::Duration::days(1),
    })
    .await
    .expect("the session");
    crate::signin::Session {
        cookie: format!("motcua_session={token}"),
        csrf,
    }
}
