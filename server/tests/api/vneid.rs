//! Sign-in with the national e-identity (VNeID) by OpenID Connect, against a real OpenID provider: the
//! certified `oidc-provider` package run by node (`tests/oidc/provider.mjs`, its npm packages installed
//! by `cargo xtask test`), and the real server configured with it, on both databases. The browser is
//! played by hand: redirects followed one by one, cookies kept per origin, the provider's login form
//! submitted.

use std::{collections::HashMap, process::Stdio, time::Duration};

use tokio::{
    io::{AsyncBufReadExt as _, BufReader},
    process::{Child, Command},
};

use crate::helpers::{Engine, TestDb, TestServer, both_backends};

both_backends!(
    a_citizen_signs_in_with_vneid_and_is_the_same_account_the_next_time,
    replayed_forged_and_foreign_callbacks_are_refused,
    an_assurance_level_below_the_minimum_is_refused_and_the_method_is_off_without_a_provider,
    a_sign_in_after_the_provider_rotated_its_keys_succeeds,
);

const CLIENT_ID: &str = "motcua";
const CLIENT_SECRET: &str = "test-client-secret-3f9a1c";

/// `node tests/oidc/provider.mjs` on a port of 127.0.0.1 chosen here; killed when dropped.
struct Provider {
    child: Child,
    issuer: String,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

impl Provider {
    /// The provider on `port`, or its error output when it could not start (e.g. the port was taken
    /// meanwhile).
    async fn start(port: u16, redirect_uri: &str) -> Result<Self, String> {
        Self::start_with_kid(port, redirect_uri, "test-1").await
    }

    /// The provider on `port`, signing with a new key published under `kid`.
    async fn start_with_kid(port: u16, redirect_uri: &str, kid: &str) -> Result<Self, String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/oidc");
        assert!(
            dir.join("node_modules/oidc-provider").is_dir(),
            "the test OpenID provider's npm packages are missing: run `npm ci` in {} (cargo xtask test does)",
            dir.display()
        );
        let mut child = Command::new("node")
            .current_dir(&dir)
            .arg("provider.mjs")
            .args(["--port", &port.to_string()])
            .args(["--redirect-uri", redirect_uri])
            .args(["--client-id", CLIENT_ID, "--client-secret", CLIENT_SECRET])
            .args(["--kid", kid])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "node is required for the VNeID tests (a real OpenID provider) and cannot be started: {e}. \
                     Install Node.js 20.19 or later"
                )
            });
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let mut errors = BufReader::new(child.stderr.take().expect("stderr")).lines();
        let issuer = tokio::time::timeout(Duration::from_secs(30), async {
            while let Ok(Some(line)) = lines.next_line().await {
                if let Some(issuer) = line.strip_prefix("issuer: ") {
                    return Some(issuer.trim().to_owned());
                }
            }
            None
        })
        .await
        .ok()
        .flatten();
        let Some(issuer) = issuer else {
            let _ = child.start_kill();
            let mut text = String::new();
            while let Ok(Ok(Some(line))) =
                tokio::time::timeout(Duration::from_secs(2), errors.next_line()).await
            {
                text.push_str(&line);
                text.push('\n');
            }
            return Err(text);
        };
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        tokio::spawn(async move { while let Ok(Some(_)) = errors.next_line().await {} });
        Ok(Self { child, issuer })
    }
}

impl Provider {
    /// Stops the provider and waits until it is gone (its port free again).
    async fn stop(mut self) {
        self.child.kill().await.expect("the provider stops");
    }
}

/// The server's arguments for the provider at `issuer`, with this file's client.
fn oidc_args(issuer: &str) -> Vec<&str> {
    vec![
        "--oidc-issuer",
        issuer,
        "--oidc-client-id",
        CLIENT_ID,
        "--oidc-client-secret",
        CLIENT_SECRET,
    ]
}

/// The server configured with a provider that will listen on a port chosen now, and the provider
/// (started once the server's callback URL is known). When another process took the port meanwhile,
/// both start again on another.
async fn server_and_provider(t: &TestDb, more: &[&str]) -> (TestServer, Provider) {
    let mut last = String::new();
    for _ in 0..5 {
        let port = free_port();
        let issuer = format!("http://127.0.0.1:{port}");
        let mut args = oidc_args(&issuer);
        args.extend_from_slice(more);
        let app = TestServer::start_args(t, &args).await;
        match Provider::start(port, &format!("{}/api/v1/auth/vneid/callback", app.url)).await {
            Ok(provider) => {
                assert_eq!(provider.issuer, issuer);
                return (app, provider);
            }
            Err(errors) => last = errors,
        }
    }
    panic!("the test OpenID provider (node tests/oidc/provider.mjs) did not start:\n{last}");
}

/// A browser: cookies per origin (host:port), no redirects followed by itself.
struct Browser {
    http: reqwest::Client,
    jar: HashMap<String, HashMap<String, String>>,
}

impl Browser {
    fn new() -> Self {
        Self {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(Duration::from_secs(30))
                .build()
                .expect("HTTP client"),
            jar: HashMap::new(),
        }
    }

    fn origin(url: &reqwest::Url) -> String {
        format!(
            "{}:{}",
            url.host_str().unwrap_or_default(),
            url.port_or_known_default().unwrap_or_default()
        )
    }

    fn cookie(&self, url: &str, name: &str) -> Option<String> {
        let url = reqwest::Url::parse(url).expect("URL");
        self.jar.get(&Self::origin(&url))?.get(name).cloned()
    }

    async fn send(
        &mut self,
        method: reqwest::Method,
        url: &str,
        form: Option<&[(&str, &str)]>,
    ) -> reqwest::Response {
        let parsed = reqwest::Url::parse(url).unwrap_or_else(|e| panic!("{url}: {e}"));
        let origin = Self::origin(&parsed);
        let mut req = self.http.request(method, parsed);
        if let Some(cookies) = self.jar.get(&origin).filter(|c| !c.is_empty()) {
            let header = cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ");
            req = req.header("cookie", header);
        }
        if let Some(form) = form {
            req = req.form(form);
        }
        let res = req.send().await.unwrap_or_else(|e| panic!("{url}: {e}"));
        let jar = self.jar.entry(origin).or_default();
        for set in res.headers().get_all("set-cookie") {
            let set = set.to_str().expect("ASCII cookie");
            let Some((name, value)) = set.split(';').next().and_then(|p| p.split_once('=')) else {
                continue;
            };
            let gone = set.to_ascii_lowercase().contains("max-age=0")
                || set
                    .to_ascii_lowercase()
                    .contains("expires=thu, 01 jan 1970")
                || value.is_empty();
            if gone {
                jar.remove(name.trim());
            } else {
                jar.insert(name.trim().to_owned(), value.trim().to_owned());
            }
        }
        res
    }

    async fn get(&mut self, url: &str) -> reqwest::Response {
        self.send(reqwest::Method::GET, url, None).await
    }
}

fn location(res: &reqwest::Response, base: &str) -> String {
    let raw = res
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("a redirect, got {}", res.status()));
    reqwest::Url::parse(base)
        .and_then(|b| b.join(raw))
        .expect("a URL")
        .to_string()
}

/// Starts a sign-in at the server: the provider's authorization URL.
async fn start(b: &mut Browser, app: &TestServer, next: &str) -> String {
    let url = format!(
        "{}/api/v1/auth/vneid/start?next={}",
        app.url,
        urlencode(next)
    );
    let res = b.get(&url).await;
    assert_eq!(res.status(), 302, "start redirects; log:\n{}", app.log());
    let to = location(&res, &app.url);
    assert!(
        to.starts_with("http://127.0.0.1:") && !to.starts_with(&app.url),
        "to the provider: {to}"
    );
    to
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// At the provider: follows its redirects, signs in as `account` when it asks, and answers the URL of
/// motcua's callback it sends the browser to.
async fn authorize(b: &mut Browser, app: &TestServer, auth_url: &str, account: &str) -> String {
    let mut url = auth_url.to_owned();
    for _ in 0..10 {
        if url.starts_with(&format!("{}/api/v1/auth/vneid/callback", app.url)) {
            return url;
        }
        let res = b.get(&url).await;
        if res.status().is_redirection() {
            url = location(&res, &url);
            continue;
        }
        assert_eq!(res.status(), 200, "the provider's page at {url}");
        let page = res.text().await.expect("HTML");
        let action = page
            .split("action=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .expect("the provider's login form");
        let post = reqwest::Url::parse(&url)
            .and_then(|u| u.join(action))
            .expect("form action")
            .to_string();
        let res = b
            .send(reqwest::Method::POST, &post, Some(&[("account", account)]))
            .await;
        assert!(
            res.status().is_redirection(),
            "the login form is accepted: {}",
            res.status()
        );
        url = location(&res, &post);
    }
    panic!("the provider did not send the browser back to motcua");
}

/// The value of a query parameter.
fn param(url: &str, name: &str) -> String {
    reqwest::Url::parse(url)
        .expect("URL")
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| panic!("{name} in {url}"))
}

/// The URL with one query parameter replaced.
fn with_param(url: &str, name: &str, value: &str) -> String {
    let mut parsed = reqwest::Url::parse(url).expect("URL");
    let pairs: Vec<(String, String)> = parsed
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == name {
                value.to_owned()
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    parsed.query_pairs_mut().clear().extend_pairs(pairs);
    parsed.to_string()
}

/// Goes to the callback; the redirect's target and whether a session cookie was set.
async fn callback(b: &mut Browser, app: &TestServer, url: &str) -> (String, bool) {
    let res = b.get(url).await;
    assert_eq!(
        res.status(),
        302,
        "the callback redirects; log:\n{}",
        app.log()
    );
    let session_set = res.headers().get_all("set-cookie").iter().any(|v| {
        let v = v.to_str().unwrap_or_default();
        v.starts_with("motcua_session=") && !v.contains("Max-Age=0")
    });
    let to = res
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("location")
        .to_owned();
    (to, session_set)
}

async fn session(b: &mut Browser, app: &TestServer) -> serde_json::Value {
    let res = b.get(&format!("{}/api/v1/session", app.url)).await;
    assert_eq!(res.status(), 200);
    res.json().await.expect("JSON")
}

async fn a_citizen_signs_in_with_vneid_and_is_the_same_account_the_next_time(engine: Engine) {
    // Arrange
    let t = TestDb::new(engine).await;
    let (app, _provider) = server_and_provider(&t, &[]).await;
    let mut b = Browser::new();
    // Act: sign in, going back to /ho-so.
    let auth = start(&mut b, &app, "/ho-so?tab=1").await;
    assert_eq!(param(&auth, "code_challenge_method"), "S256");
    assert!(!param(&auth, "nonce").is_empty() && !param(&auth, "state").is_empty());
    let back = authorize(&mut b, &app, &auth, "nguyen-van-an").await;
    let (to, signed_in) = callback(&mut b, &app, &back).await;
    let info = session(&mut b, &app).await;
    // Act: sign out, then in again (the provider remembers the citizen), asking for a foreign `next`.
    let csrf = info["csrf_token"].as_str().expect("csrf").to_owned();
    let out = b
        .http
        .delete(format!("{}/api/v1/session", app.url))
        .header("x-csrf-token", csrf)
        .header(
            "cookie",
            format!(
                "motcua_session={}",
                b.cookie(&app.url, "motcua_session")
                    .expect("session cookie")
            ),
        )
        .send()
        .await
        .expect("sign out");
    assert!(out.status().is_success(), "signed out: {}", out.status());
    let auth = start(&mut b, &app, "https://evil.example/steal").await;
    let back = authorize(&mut b, &app, &auth, "nguyen-van-an").await;
    let (to_again, signed_in_again) = callback(&mut b, &app, &back).await;
    // Assert
    assert!(signed_in && signed_in_again, "each sign-in sets a session");
    assert_eq!(to, "/ho-so?tab=1", "back to the page the citizen came from");
    assert_eq!(to_again, "/dang-nhap", "a foreign next is not followed");
    assert_eq!(info["principal"]["kind"], "citizen", "{info}");
    let identity = &info["principal"]["identity"];
    assert_eq!(identity["identity_number"], "051090000145");
    assert_eq!(identity["full_name"], "Nguyễn Văn An");
    assert_eq!(identity["birth_date"], "1990-05-17");
    assert_eq!(identity["gender"], "nam");
    assert_eq!(
        identity["address"],
        "Thôn Phú Lộc, xã Tịnh Khê, tỉnh Quảng Ngãi"
    );
    assert_eq!(identity["assurance_level"], "2");
    assert!(
        info["principal"]["phone"].is_null(),
        "no phone was verified"
    );
    assert_eq!(info["methods"]["vneid"], true);
    assert_eq!(info["methods"]["phone"], true);
    assert_eq!(
        t.raw.scalar("SELECT COUNT(*) FROM citizen_accounts").await,
        1,
        "the second sign-in is the same account"
    );
    let log = app.log();
    for secret in ["051090000145", CLIENT_SECRET, "Nguyễn Văn An"] {
        assert!(!log.contains(secret), "the log holds {secret:?}:\n{log}");
    }
    assert!(
        !log.contains(&param(&back, "code")),
        "the log holds the code"
    );
    t.teardown().await;
}

async fn replayed_forged_and_foreign_callbacks_are_refused(engine: Engine) {
    // Arrange
    let t = TestDb::new(engine).await;
    let (app, _provider) = server_and_provider(&t, &[]).await;
    let mut b = Browser::new();
    // Act 1: a good sign-in, then its callback replayed.
    let auth = start(&mut b, &app, "/").await;
    let back = authorize(&mut b, &app, &auth, "tran-thi-binh").await;
    let (first, first_signed_in) = callback(&mut b, &app, &back).await;
    let (replayed, replay_signed_in) = callback(&mut b, &app, &back).await;
    // Act 2: a state this server never gave.
    let auth = start(&mut b, &app, "/").await;
    let back = authorize(&mut b, &app, &auth, "tran-thi-binh").await;
    let (wrong_state, wrong_state_signed_in) = callback(
        &mut b,
        &app,
        &with_param(&back, "state", "forged-state-value"),
    )
    .await;
    // Act 3: the nonce changed on the way to the provider.
    let auth = start(&mut b, &app, "/").await;
    let tampered = with_param(&auth, "nonce", "attacker-chosen-nonce");
    let back = authorize(&mut b, &app, &tampered, "tran-thi-binh").await;
    let (tampered_nonce, tampered_signed_in) = callback(&mut b, &app, &back).await;
    // Act 4: the provider's answer for one sign-in (its nonce) used with the state and PKCE
    // challenge of another.
    let auth_a = start(&mut b, &app, "/").await;
    let auth_b = start(&mut b, &app, "/").await;
    let crossed = with_param(&auth_a, "state", &param(&auth_b, "state"));
    let crossed = with_param(
        &crossed,
        "code_challenge",
        &param(&auth_b, "code_challenge"),
    );
    let back = authorize(&mut b, &app, &crossed, "tran-thi-binh").await;
    let (foreign_nonce, foreign_signed_in) = callback(&mut b, &app, &back).await;
    // Act 4b: the same with the other's state only: the code is bound to another PKCE challenge.
    let auth_a = start(&mut b, &app, "/").await;
    let auth_b = start(&mut b, &app, "/").await;
    let crossed = with_param(&auth_a, "state", &param(&auth_b, "state"));
    let back = authorize(&mut b, &app, &crossed, "tran-thi-binh").await;
    let (foreign_pkce, foreign_pkce_signed_in) = callback(&mut b, &app, &back).await;
    // Act 5: a callback URL carried to another browser (a login-CSRF attempt).
    let auth = start(&mut b, &app, "/").await;
    let back = authorize(&mut b, &app, &auth, "tran-thi-binh").await;
    let mut other = Browser::new();
    let (other_browser, other_signed_in) = callback(&mut other, &app, &back).await;
    // Act 6: the citizen cancels at the provider (a browser the provider does not know yet).
    let mut c = Browser::new();
    let auth = start(&mut c, &app, "/").await;
    let interaction = location(&c.get(&auth).await, &auth);
    let page = c.get(&interaction).await.text().await.expect("HTML");
    let abort = page
        .split("action=\"")
        .filter_map(|s| s.split('"').next())
        .find(|a| a.ends_with("/abort"))
        .expect("a cancel form")
        .to_owned();
    let abort = reqwest::Url::parse(&interaction)
        .and_then(|u| u.join(&abort))
        .expect("URL")
        .to_string();
    let mut url = location(
        &c.send(reqwest::Method::POST, &abort, Some(&[])).await,
        &abort,
    );
    while !url.starts_with(&app.url) {
        url = location(&c.get(&url).await, &url);
    }
    let (cancelled, cancelled_signed_in) = callback(&mut c, &app, &url).await;
    // Act 7: one good callback sent 8 times at once.
    let auth = start(&mut b, &app, "/").await;
    let back = authorize(&mut b, &app, &auth, "tran-thi-binh").await;
    let binding = format!(
        "motcua_oidc={}",
        b.cookie(&app.url, "motcua_oidc").expect("binding cookie")
    );
    let racing = futures::future::join_all((0..8).map(|_| {
        b.http
            .get(back.as_str())
            .header("cookie", binding.as_str())
            .send()
    }))
    .await;
    let raced_sessions = racing
        .iter()
        .map(|r| r.as_ref().expect("answer"))
        .filter(|r| {
            r.headers().get_all("set-cookie").iter().any(|v| {
                v.to_str()
                    .unwrap_or_default()
                    .starts_with("motcua_session=")
            })
        })
        .count();
    // Assert
    assert_eq!(raced_sessions, 1, "a callback raced 8 times signs in once");
    assert_eq!(first, "/");
    assert!(first_signed_in);
    assert_eq!(replayed, "/dang-nhap?loi=het_han");
    assert_eq!(wrong_state, "/dang-nhap?loi=het_han");
    assert_eq!(tampered_nonce, "/dang-nhap?loi=khong_hop_le");
    assert_eq!(foreign_nonce, "/dang-nhap?loi=khong_hop_le");
    assert_eq!(
        foreign_pkce, "/dang-nhap?loi=nha_cung_cap",
        "the provider refuses a code whose PKCE challenge was not this sign-in's"
    );
    assert_eq!(other_browser, "/dang-nhap?loi=trinh_duyet_khac");
    assert_eq!(cancelled, "/dang-nhap?loi=da_huy");
    assert!(
        !(replay_signed_in
            || wrong_state_signed_in
            || tampered_signed_in
            || foreign_signed_in
            || foreign_pkce_signed_in
            || other_signed_in
            || cancelled_signed_in),
        "no refused callback starts a session"
    );
    assert_eq!(
        t.raw.scalar("SELECT COUNT(*) FROM sessions").await,
        2,
        "only the good sign-in and one of the raced callbacks made a session"
    );
    // The provider verified Bình's phone: her account carries it.
    assert_eq!(
        t.raw
            .text(
                "SELECT phone FROM citizen_accounts WHERE identity_number = $1",
                "051185001234"
            )
            .await,
        "0912345678"
    );
    t.teardown().await;
}

async fn an_assurance_level_below_the_minimum_is_refused_and_the_method_is_off_without_a_provider(
    engine: Engine,
) {
    // Arrange
    let t = TestDb::new(engine).await;
    let (app, _provider) = server_and_provider(&t, &["--oidc-min-acr", "2"]).await;
    let mut b = Browser::new();
    // Act
    let auth = start(&mut b, &app, "/").await;
    let asked = param(&auth, "acr_values");
    let back = authorize(&mut b, &app, &auth, "le-van-cuong").await;
    let (low, low_signed_in) = callback(&mut b, &app, &back).await;
    let mut fresh = Browser::new();
    let auth = start(&mut fresh, &app, "/").await;
    let back = authorize(&mut fresh, &app, &auth, "nguyen-van-an").await;
    let (enough, enough_signed_in) = callback(&mut fresh, &app, &back).await;
    drop(app);
    let plain = TestServer::start(&t).await;
    let mut c = Browser::new();
    let off = c
        .get(&format!("{}/api/v1/auth/vneid/start?next=/", plain.url))
        .await;
    let off_to = location(&off, &plain.url);
    let off_callback = c
        .get(&format!(
            "{}/api/v1/auth/vneid/callback?code=x&state=y",
            plain.url
        ))
        .await;
    let off_callback_to = location(&off_callback, &plain.url);
    let methods = session(&mut c, &plain).await;
    // Assert
    assert_eq!(asked, "2", "the minimum is asked for");
    assert_eq!(low, "/dang-nhap?loi=muc_dam_bao");
    assert!(!low_signed_in);
    assert_eq!(enough, "/");
    assert!(enough_signed_in);
    assert_eq!(off_to, format!("{}/dang-nhap?loi=chua_ho_tro", plain.url));
    assert_eq!(
        off_callback_to,
        format!("{}/dang-nhap?loi=chua_ho_tro", plain.url)
    );
    assert_eq!(methods["methods"]["vneid"], false);
    t.teardown().await;
}

/// VNeID configured without a minimum assurance level accepts any account the provider vouches for:
/// the server says so at start (naming the setting, never the client secret); with the level set it
/// says nothing. No provider is needed: the server discovers it at the first sign-in.
#[tokio::test]
async fn vneid_without_a_minimum_assurance_level_is_warned_about_at_start() {
    let t = TestDb::new(Engine::Sqlite).await;
    let issuer = format!("http://127.0.0.1:{}", free_port());
    let args = oidc_args(&issuer);
    let app = TestServer::start_args(&t, &args).await;
    app.wait_for_log("MOTCUA_OIDC_MIN_ACR", Duration::from_secs(10))
        .await;
    let log = app.log();
    assert!(log.contains("without a minimum assurance level"), "{log}");
    assert!(!log.contains(CLIENT_SECRET), "no secret in the log");
    drop(app);
    t.teardown().await;

    let t = TestDb::new(Engine::Sqlite).await;
    let mut with_level = args;
    with_level.extend(["--oidc-min-acr", "2"]);
    let app = TestServer::start_args(&t, &with_level).await;
    let res = app
        .request("GET", "/healthz")
        .send()
        .await
        .expect("the server answers");
    assert!(res.status().is_success());
    assert!(!app.log().contains("MOTCUA_OIDC_MIN_ACR"), "{}", app.log());
    drop(app);
    t.teardown().await;
}

/// The provider rotates its signing keys (here: starts again on the same port with a new key under a
/// new `kid`) while the server still holds the old keys in its 10-minute cache: the next sign-in's ID
/// token names a key the server does not know, the server fetches the keys again once, and the citizen
/// signs in (the at_hash checked with the fresh keys too).
async fn a_sign_in_after_the_provider_rotated_its_keys_succeeds(engine: Engine) {
    // Arrange: a sign-in with the first key, so the server caches the provider's metadata and keys.
    let t = TestDb::new(engine).await;
    let (app, provider) = server_and_provider(&t, &[]).await;
    let port = reqwest::Url::parse(&provider.issuer)
        .expect("issuer URL")
        .port()
        .expect("a port");
    let mut b = Browser::new();
    let auth = start(&mut b, &app, "/").await;
    let back = authorize(&mut b, &app, &auth, "nguyen-van-an").await;
    let (_, first) = callback(&mut b, &app, &back).await;
    assert!(first, "the first sign-in works; log:\n{}", app.log());
    provider.stop().await;
    let redirect = format!("{}/api/v1/auth/vneid/callback", app.url);
    let mut rotated = None;
    for _ in 0..50 {
        match Provider::start_with_kid(port, &redirect, "test-2").await {
            Ok(p) => {
                rotated = Some(p);
                break;
            }
            // The port is released a moment after the process ends.
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    let _rotated = rotated.expect("the provider starts again on its port with a new key");

    // Act: another browser signs in with the rotated provider.
    let mut b = Browser::new();
    let auth = start(&mut b, &app, "/ho-so").await;
    let back = authorize(&mut b, &app, &auth, "tran-thi-binh").await;
    let (to, signed_in) = callback(&mut b, &app, &back).await;

    // Assert
    assert!(
        signed_in,
        "signed in after the rotation; log:\n{}",
        app.log()
    );
    assert_eq!(to, "/ho-so");
    let info = session(&mut b, &app).await;
    assert_eq!(
        info["principal"]["identity"]["identity_number"], "051185001234",
        "{info}"
    );
    t.teardown().await;
}
