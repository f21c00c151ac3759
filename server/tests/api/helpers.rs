use std::{path::Path, str::FromStr};

use axum::{Router, body::Body, http::Request, response::Response};
use http_body_util::BodyExt as _;
use server::{Config, Db, FirstAdmin};
use sqlx::postgres::PgConnectOptions;
use tempfile::TempDir;
use tower::ServiceExt as _;

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
    pub(crate) db: Db,
    pub(crate) url: String,
    schema: Option<(String, Db)>,
    pub(crate) dir: TempDir,
}

impl TestDb {
    pub(crate) async fn new(engine: Engine) -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        match engine {
            Engine::Sqlite => {
                let url = format!("sqlite://{}", dir.path().join("motcua.sqlite").display());
                let db = Db::connect(&url).await.expect("open SQLite");
                Self {
                    db,
                    url,
                    schema: None,
                    dir,
                }
            }
            Engine::Postgres => {
                let base = std::env::var("MOTCUA_TEST_POSTGRES")
                    .unwrap_or_else(|_| DEFAULT_TEST_POSTGRES.to_owned());
                let admin = Db::connect(&base).await.unwrap_or_else(|e| {
                    panic!(
                        "PostgreSQL is required for this test and is not reachable at {base}: {e:#}. \
                         Start it or set MOTCUA_TEST_POSTGRES (cargo xtask test starts the machine's cluster)"
                    )
                });
                let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
                let Db::Postgres(pool) = &admin else {
                    unreachable!("a postgres URL gives a PostgreSQL pool")
                };
                sqlx::query(&format!("CREATE SCHEMA {schema}"))
                    .execute(pool)
                    .await
                    .expect("create a fresh schema");
                let options = PgConnectOptions::from_str(&base)
                    .expect("valid URL")
                    .options([("search_path", schema.as_str())]);
                let db = Db::connect_postgres(options)
                    .await
                    .expect("connect to the schema");
                let url = format!("{base}?options=-c%20search_path%3D{schema}");
                Self {
                    db,
                    url,
                    schema: Some((schema, admin)),
                    dir,
                }
            }
        }
    }

    pub(crate) async fn teardown(self) {
        self.db.close().await;
        if let Some((schema, Db::Postgres(pool))) = &self.schema {
            sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
                .execute(pool)
                .await
                .expect("drop the test schema");
            pool.close().await;
        }
    }
}

/// A built-looking `dist/`: an `index.html` like Trunk's, one hashed script with a brotli copy, a manifest.
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

/// The app as `motcua serve` builds it, on a test database, and the first administrator it created.
pub(crate) async fn test_app(test_db: &TestDb) -> (Router, Option<FirstAdmin>) {
    let config = Config {
        bind: "127.0.0.1:0".parse().expect("address"),
        data_dir: test_db.dir.path().join("data"),
        database_url: Some(test_db.url.clone()),
        dist_dir: fake_dist(test_db.dir.path()),
        ..Config::default()
    };
    server::build_app(&config).await.expect("build the app")
}

pub(crate) async fn get(app: &Router, uri: &str, headers: &[(&str, &str)]) -> Response {
    let mut req = Request::get(uri);
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    app.clone()
        .oneshot(req.body(Body::empty()).expect("request"))
        .await
        .expect("infallible")
}

pub(crate) async fn body_text(res: Response) -> String {
    let bytes = res.into_body().collect().await.expect("body").to_bytes();
    String::from_utf8(bytes.to_vec()).expect("UTF-8 body")
}

pub(crate) fn header<'a>(res: &'a Response, name: &str) -> &'a str {
    res.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

pub(crate) async fn send(
    app: &Router,
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> Response {
    let mut req = Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    app.clone()
        .oneshot(req.body(Body::from(body)).expect("request"))
        .await
        .expect("infallible")
}

pub(crate) async fn body_json(res: Response) -> serde_json::Value {
    serde_json::from_str(&body_text(res).await).expect("JSON body")
}

/// The app with chosen limits.
pub(crate) async fn test_app_with(test_db: &TestDb, limits: server::Limits) -> Router {
    let config = Config {
        bind: "127.0.0.1:0".parse().expect("address"),
        data_dir: test_db.dir.path().join("data"),
        database_url: Some(test_db.url.clone()),
        dist_dir: fake_dist(test_db.dir.path()),
        limits,
        ..Config::default()
    };
    server::build_app(&config).await.expect("build the app").0
}
