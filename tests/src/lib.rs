//! The harness of the browser tests in `tests/`: the real server (as a library, on SQLite in a temporary
//! directory) serving the real release build, and one `tests/browser/*.mjs` script driving Debian's
//! Chromium against it through playwright-core. A missing piece fails the test with what to do
//! (`cargo xtask test` builds `dist/` and installs Chromium and the npm packages first).

use std::{
    path::{Path, PathBuf},
    process::Output,
    sync::Arc,
};

use server::{Config, Db, Store};
use tokio::{process::Command, sync::oneshot};

/// The workspace's root.
#[must_use]
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate sits in the workspace")
        .to_path_buf()
}

/// Debian's Chromium, or `CHROMIUM`.
///
/// # Panics
/// When it is not there.
#[must_use]
pub fn chromium() -> PathBuf {
    let chromium =
        std::env::var_os("CHROMIUM").map_or_else(|| "/usr/bin/chromium".into(), PathBuf::from);
    assert!(
        chromium.is_file(),
        "Chromium is missing at {}: install Debian's chromium (`cargo xtask test` does) or set CHROMIUM",
        chromium.display()
    );
    chromium
}

/// The release build, checked to be complete.
///
/// # Panics
/// When `dist/` is not built or playwright-core is not installed.
#[must_use]
pub fn release_build() -> PathBuf {
    let root = root();
    let dist = root.join("dist");
    assert!(
        dist.join("index.html").is_file() && dist.join("sw.js").is_file(),
        "{} is incomplete: build the release app first (`cargo xtask build`, which `cargo xtask test` runs)",
        dist.display()
    );
    assert!(
        root.join("tests/browser/node_modules/playwright-core")
            .is_dir(),
        "playwright-core is not installed: run `npm ci` in tests/browser (`cargo xtask test` does)"
    );
    dist
}

/// What one script run left behind.
pub struct ScriptRun {
    /// The script's exit status and output.
    pub output: Output,
    /// The server's data directory (its SQLite file is `motcua.sqlite`), kept until this is dropped.
    pub data: tempfile::TempDir,
}

impl ScriptRun {
    /// What the script printed.
    #[must_use]
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }

    /// Asserts the script succeeded and printed `marker`.
    ///
    /// # Panics
    /// With everything the script printed, when it failed.
    pub fn assert_passed(&self, marker: &str) {
        let stdout = self.stdout();
        let stderr = String::from_utf8_lossy(&self.output.stderr);
        assert!(
            self.output.status.success() && stdout.contains(marker),
            "the browser script failed ({}):\n{stdout}\n{stderr}",
            self.output.status
        );
    }

    /// The SQLite URL of the server's database.
    #[must_use]
    pub fn database_url(&self) -> String {
        format!(
            "sqlite://{}",
            self.data.path().join("motcua.sqlite").display()
        )
    }
}

/// Starts the server on `dist` and a fresh SQLite database, runs `tests/browser/{script}` with
/// `MOTCUA_URL`, `CHROMIUM`, `SCREENSHOT_DIR` (`target/browser`), `MOTCUA_DATA_DIR` (where the
/// development SMS sink writes `sms.log`), `MOTCUA_ADMIN_USERNAME` / `MOTCUA_ADMIN_PASSWORD` (the first
/// administrator the server created) and `env`, then stops the server.
///
/// # Panics
/// When the server does not start or stop cleanly, or node cannot run.
pub async fn run_script(script: &str, dist: &Path, env: &[(&str, &Path)]) -> ScriptRun {
    run_script_seeded(script, dist, env, async |_| {}).await
}

/// [`run_script`], with `seed` given the fresh, migrated database before the server starts (e.g. a
/// household business in the registry for the change and termination forms to prefill).
///
/// # Panics
/// As [`run_script`], or when the database cannot be made.
pub async fn run_script_seeded(
    script: &str,
    dist: &Path,
    env: &[(&str, &Path)],
    seed: impl AsyncFnOnce(Arc<dyn Store>),
) -> ScriptRun {
    run_script_configured(script, dist, env, seed, None).await
}

/// [`run_script`] with sign-in by the national e-identity on: a real OpenID provider
/// (`node tests/oidc/provider.mjs`, its test citizens) started on a free port, the server configured
/// with it; the script gets `OIDC_ISSUER` too.
///
/// # Panics
/// As [`run_script`], or when the provider's npm packages are missing or it does not start.
pub async fn run_script_with_oidc_provider(script: &str, dist: &Path) -> ScriptRun {
    let dir = root().join("tests/oidc");
    assert!(
        dir.join("node_modules/oidc-provider").is_dir(),
        "the test OpenID provider's npm packages are missing: run `npm ci` in {} (cargo xtask test does)",
        dir.display()
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let oidc = server::OidcSettings {
        issuer: Some(format!("http://127.0.0.1:{port}")),
        client_id: Some("motcua".into()),
        client_secret: Some("browser-test-secret".into()),
        ..server::OidcSettings::default()
    };
    run_script_configured(script, dist, &[], async |_| {}, Some((oidc, port))).await
}

async fn start_oidc_provider(port: u16, redirect_uri: &str) -> tokio::process::Child {
    use tokio::io::AsyncBufReadExt as _;
    let mut child = Command::new("node")
        .current_dir(root().join("tests/oidc"))
        .arg("provider.mjs")
        .args(["--port", &port.to_string(), "--redirect-uri", redirect_uri])
        .args([
            "--client-id",
            "motcua",
            "--client-secret",
            "browser-test-secret",
        ])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("node runs (Node.js is needed for the test OpenID provider)");
    let mut lines = tokio::io::BufReader::new(child.stdout.take().expect("stdout")).lines();
    let ready = tokio::time::timeout(std::time::Duration::from_secs(30), async {
        while let Ok(Some(line)) = lines.next_line().await {
            if line.starts_with("issuer: ") {
                return true;
            }
        }
        false
    })
    .await;
    assert!(
        matches!(ready, Ok(true)),
        "the test OpenID provider did not print its issuer within 30 s"
    );
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    child
}

async fn run_script_configured(
    script: &str,
    dist: &Path,
    env: &[(&str, &Path)],
    seed: impl AsyncFnOnce(Arc<dyn Store>),
    oidc: Option<(server::OidcSettings, u16)>,
) -> ScriptRun {
    let root = root();
    let chromium = chromium();
    let data = tempfile::tempdir().expect("temporary directory");
    let (oidc, provider_port) = oidc.map_or((server::OidcSettings::default(), None), |(o, p)| {
        (o, Some(p))
    });
    let issuer = oidc.issuer.clone();
    let config = Config {
        bind: "127.0.0.1:0".parse().expect("address"),
        data_dir: data.path().to_path_buf(),
        dist_dir: dist.to_path_buf(),
        oidc,
        ..Config::default()
    };
    {
        let store = Db::connect(&config.database_url())
            .await
            .expect("the test database opens");
        store.migrate().await.expect("the test database migrates");
        seed(store).await;
    }
    let (stop, stopped) = oneshot::channel::<()>();
    let running = server::spawn(config, async {
        let _ = stopped.await;
    })
    .await
    .expect("the server starts on the release build");
    let _provider = match provider_port {
        Some(port) => Some(
            start_oidc_provider(
                port,
                &format!("http://{}/api/v1/auth/vneid/callback", running.addr),
            )
            .await,
        ),
        None => None,
    };
    let mut command = Command::new("node");
    command
        .arg(root.join("tests/browser").join(script))
        .env("MOTCUA_URL", format!("http://{}", running.addr))
        .env("CHROMIUM", &chromium)
        .env("SCREENSHOT_DIR", root.join("target/browser"))
        .env("MOTCUA_DATA_DIR", data.path());
    if let Some(admin) = &running.first_admin {
        command
            .env("MOTCUA_ADMIN_USERNAME", &admin.username)
            .env("MOTCUA_ADMIN_PASSWORD", &admin.password);
    }
    for (name, value) in env {
        command.env(name, value);
    }
    if let Some(issuer) = &issuer {
        command.env("OIDC_ISSUER", issuer);
    }
    let output = command
        .output()
        .await
        .expect("node runs (Node.js is needed for the browser tests)");
    let _ = stop.send(());
    running
        .task
        .await
        .expect("server task")
        .expect("server stops cleanly");
    ScriptRun { output, data }
}

/// The household business the scripts' termination notices name (`051085012345`, commune 21025), with
/// `0912345678` as its owner's phone on record: a citizen signed in with that phone files its
/// termination as the owner (issue 16). For [`run_script_seeded`].
///
/// # Panics
/// When the database refuses it.
pub async fn seed_business(store: Arc<dyn Store>) {
    let name = domain::TenHoKinhDoanh::try_from("Hộ kinh doanh Bánh mì Cô Ba".to_owned())
        .expect("a valid name");
    store
        .insert_hkd(
            &server::HkdRecord {
                code: "051085012345".to_owned(),
                commune: "21025".to_owned(),
                name: name.as_ref().to_owned(),
                name_key: name.key().as_str().to_owned(),
                status: "active".to_owned(),
                data_json: "{}".to_owned(),
                owner_phone: Some("0912345678".to_owned()),
            },
            None,
        )
        .await
        .expect("the business is in the registry");
}
