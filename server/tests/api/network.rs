//! Hostile clients at the network's edge, on both databases: forged `X-Forwarded-For`, IPv6 address
//! rotation, `/metrics` for strangers and made-up methods, a client that sends its request head
//! slowly, query strings with personal data in the logs; and the JSON log format.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::Value;
use tokio::{
    io::{AsyncReadExt as _, AsyncWriteExt as _},
    net::TcpStream,
};

use crate::helpers::{Engine, TestDb, TestServer, both_backends, get, seed_business, send};

both_backends!(
    spoofed_left_most_forwarded_entries_do_not_escape_the_look_up_limit,
    ipv6_addresses_in_one_64_share_a_look_up_limit,
    ipv6_addresses_in_one_64_share_the_sign_in_code_allowances,
    an_untrusted_peers_forwarded_for_is_ignored,
    metrics_are_not_served_without_a_token_or_an_address_of_their_own,
    metrics_on_the_main_address_need_the_bearer_token,
    metrics_on_their_own_address_are_served_there_only,
    made_up_methods_are_counted_as_other_and_dossiers_are_not_counted_on_every_scrape,
    a_client_that_sends_its_request_head_slowly_is_cut_off,
    logs_record_paths_never_query_strings,
    logs_can_be_json_lines,
);

const PHONE: &str = "0912345678";
const TOKEN: &str = "metrics-token-for-tests-0123456789";
const LOOK_UP: &str = "/api/v1/dossiers/21025-261123-0001?phone=0912345678";

/// A server limiting look-ups to 3 a minute, with these more arguments.
async fn limited(t: &TestDb, args: &[&str]) -> TestServer {
    TestServer::start_with_args(
        t,
        server::Limits {
            lookups_per_minute: 3,
            ..server::Limits::default()
        },
        args,
    )
    .await
}

/// The statuses of look-ups sent with these `X-Forwarded-For` values, one each.
async fn look_ups(app: &TestServer, forwarded_for: &[String]) -> Vec<StatusCode> {
    let mut statuses = Vec::new();
    for value in forwarded_for {
        let res = get(app, LOOK_UP, &[("x-forwarded-for", value)]).await;
        statuses.push(res.status());
    }
    statuses
}

async fn spoofed_left_most_forwarded_entries_do_not_escape_the_look_up_limit(engine: Engine) {
    // Arrange: a proxy on this machine (the tests' connections come from 127.0.0.1) that appends the
    // client's address 203.0.113.7 to whatever the client sent.
    let t = TestDb::new(engine).await;
    let app = limited(&t, &["--trusted-proxies", "127.0.0.1/32"]).await;
    let forged: Vec<String> = (1..=4)
        .map(|i| format!("198.51.100.{i}, 203.0.113.7"))
        .collect();

    // Act: the client writes a fresh address in front on every request.
    let statuses = look_ups(&app, &forged).await;

    // Assert
    assert_eq!(
        statuses,
        [
            StatusCode::NOT_FOUND,
            StatusCode::NOT_FOUND,
            StatusCode::NOT_FOUND,
            StatusCode::TOO_MANY_REQUESTS
        ],
        "one client, one limit, whatever it writes in front"
    );
    let other_client = look_ups(&app, &["198.51.100.1, 203.0.113.8".to_owned()]).await;
    assert_eq!(
        other_client,
        [StatusCode::NOT_FOUND],
        "another client is not limited"
    );
    t.teardown().await;
}

async fn ipv6_addresses_in_one_64_share_a_look_up_limit(engine: Engine) {
    // Arrange: the legacy switch, a proxy on this machine.
    let t = TestDb::new(engine).await;
    let app = limited(&t, &["--trust-forwarded"]).await;
    let one_network: Vec<String> = [
        "2001:db8:7:1::1",
        "2001:db8:7:1::2",
        "2001:db8:7:1:a::3",
        "2001:db8:7:1:ffff::4",
    ]
    .map(str::to_owned)
    .to_vec();

    // Act
    let statuses = look_ups(&app, &one_network).await;

    // Assert
    assert_eq!(statuses[3], StatusCode::TOO_MANY_REQUESTS, "{statuses:?}");
    let next_network = look_ups(&app, &["2001:db8:7:2::1".to_owned()]).await;
    assert_eq!(
        next_network,
        [StatusCode::NOT_FOUND],
        "the next /64 is another client"
    );
    t.teardown().await;
}

async fn ipv6_addresses_in_one_64_share_the_sign_in_code_allowances(engine: Engine) {
    // Arrange: 3 codes asked for and 3 wrong codes typed an hour per address (counted in the
    // database).
    let t = TestDb::new(engine).await;
    let app = TestServer::start_args(
        &t,
        &[
            "--trust-forwarded",
            "--otp-resend-secs",
            "0",
            "--otp-per-ip-per-hour",
            "3",
            "--otp-verify-per-ip-per-hour",
            "3",
        ],
    )
    .await;
    let from = |i: usize| format!("2001:db8:9:1:{i:x}::{i:x}");

    // Act: codes for five numbers, each asked for from a fresh address of one /64…
    let mut asked = Vec::new();
    for i in 1..=5 {
        let (status, _, _) = crate::signin::post_json(
            &app,
            "/api/v1/auth/otp",
            &[("x-forwarded-for", &from(i))],
            &serde_json::json!({"phone": format!("09870001{i:02}")}),
        )
        .await;
        asked.push(status);
    }
    // …and five wrong codes for one number, each from a fresh address of another /64.
    let (status, body, _) = crate::signin::post_json(
        &app,
        "/api/v1/auth/otp",
        &[("x-forwarded-for", "2001:db8:9:2::1")],
        &serde_json::json!({"phone": PHONE}),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let code = crate::signin::last_code(&t, PHONE);
    let mut typed = Vec::new();
    for i in 1..=4 {
        let (status, _, _) = crate::signin::post_json(
            &app,
            "/api/v1/auth/otp/verify",
            &[("x-forwarded-for", &format!("2001:db8:9:3:{i:x}::1"))],
            &serde_json::json!({"phone": PHONE, "code": crate::signin::wrong(&code)}),
        )
        .await;
        typed.push(status);
    }

    // Assert
    assert_eq!(
        asked.iter().filter(|s| **s == StatusCode::ACCEPTED).count(),
        3,
        "{asked:?}"
    );
    assert_eq!(asked[3], StatusCode::TOO_MANY_REQUESTS, "{asked:?}");
    assert_eq!(typed[3], StatusCode::TOO_MANY_REQUESTS, "{typed:?}");
    assert!(
        typed[..3]
            .iter()
            .all(|s| *s != StatusCode::TOO_MANY_REQUESTS),
        "{typed:?}"
    );
    t.teardown().await;
}

async fn an_untrusted_peers_forwarded_for_is_ignored(engine: Engine) {
    // Arrange: the trusted proxies are elsewhere; the tests connect from 127.0.0.1.
    let t = TestDb::new(engine).await;
    let app = limited(&t, &["--trusted-proxies", "10.0.0.0/8,2001:db8::/32"]).await;
    let rotating: Vec<String> = (1..=4).map(|i| format!("203.0.113.{i}")).collect();

    // Act
    let statuses = look_ups(&app, &rotating).await;

    // Assert
    assert_eq!(
        statuses[3],
        StatusCode::TOO_MANY_REQUESTS,
        "the connection's address is the client: {statuses:?}"
    );
    t.teardown().await;
}

async fn scrape(url: &str, token: Option<&str>) -> (StatusCode, String) {
    let mut req = reqwest::Client::new().get(url);
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    let res = req.send().await.expect("an answer");
    let status = res.status();
    (status, res.text().await.expect("text"))
}

async fn metrics_are_not_served_without_a_token_or_an_address_of_their_own(engine: Engine) {
    // Arrange
    let t = TestDb::new(engine).await;
    let app = TestServer::start(&t).await;

    // Act
    let (status, body) = scrape(&format!("{}/metrics", app.url), None).await;

    // Assert
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!body.contains("motcua_http_requests_total"), "{body}");
    t.teardown().await;
}

async fn metrics_on_the_main_address_need_the_bearer_token(engine: Engine) {
    // Arrange
    let t = TestDb::new(engine).await;
    let app = TestServer::start_args(&t, &["--metrics-token", TOKEN]).await;
    let url = format!("{}/metrics", app.url);

    // Act
    let anonymous = scrape(&url, None).await;
    let wrong = scrape(&url, Some("metrics-token-for-tests-012345678")).await;
    let right = scrape(&url, Some(TOKEN)).await;

    // Assert
    assert_eq!(anonymous.0, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.0, StatusCode::UNAUTHORIZED);
    assert!(!wrong.1.contains("motcua_"), "{}", wrong.1);
    assert_eq!(right.0, StatusCode::OK);
    assert!(right.1.contains("motcua_database_up 1"), "{}", right.1);
    t.teardown().await;
}

async fn metrics_on_their_own_address_are_served_there_only(engine: Engine) {
    // Arrange
    let t = TestDb::new(engine).await;
    let app = TestServer::start_args(&t, &["--metrics-bind", "127.0.0.1:0"]).await;
    let own = app
        .metrics_url
        .clone()
        .expect("the server names the metrics address");
    let _ = get(&app, "/healthz", &[]).await;

    // Act
    let there = scrape(&own, None).await;
    let main = scrape(&format!("{}/metrics", app.url), None).await;
    let other_path = scrape(&own.replace("/metrics", "/healthz"), None).await;

    // Assert
    assert_eq!(there.0, StatusCode::OK);
    assert!(
        there.1.contains(r#"route="/healthz",status="200"} 1"#),
        "{}",
        there.1
    );
    assert_eq!(main.0, StatusCode::NOT_FOUND, "not on the public address");
    assert_eq!(other_path.0, StatusCode::NOT_FOUND, "only /metrics there");
    t.teardown().await;
}

async fn made_up_methods_are_counted_as_other_and_dossiers_are_not_counted_on_every_scrape(
    engine: Engine,
) {
    // Arrange
    let t = TestDb::new(engine).await;
    let app = TestServer::start_args(&t, &["--metrics-token", TOKEN]).await;
    seed_business(&t, "051085012345", PHONE).await;
    let url = format!("{}/metrics", app.url);
    let first = scrape(&url, Some(TOKEN)).await.1;

    // Act: made-up methods, each a would-be series; a dossier filed after the first scrape.
    for method in ["BREW", "WHEN", "X-ANYTHING"] {
        let _ = send(&app, method, "/healthz", &[], vec![]).await;
    }
    let _ = send(&app, "BREW", "/no/such/page/0912345678", &[], vec![]).await;
    let _ = crate::approvals::submit(&app, &crate::dossiers::termination_of(PHONE)).await;
    let second = scrape(&url, Some(TOKEN)).await.1;

    // Assert
    assert!(
        second.contains(
            r#"motcua_http_requests_total{method="other",route="/healthz",status="405"} 3"#
        ),
        "{second}"
    );
    for made_up in ["BREW", "WHEN", "X-ANYTHING", "/no/such", "0912345678"] {
        assert!(
            !second.contains(made_up),
            "{made_up} in the metrics: {second}"
        );
    }
    let dossier_lines = |text: &str| {
        text.lines()
            .filter(|l| l.starts_with("motcua_dossiers{"))
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    assert!(dossier_lines(&first).is_empty(), "{first}");
    assert_eq!(
        dossier_lines(&second),
        dossier_lines(&first),
        "the counts of the first scrape are reused within a minute: {second}"
    );
    t.teardown().await;
}

async fn a_client_that_sends_its_request_head_slowly_is_cut_off(engine: Engine) {
    // Arrange: a one-second allowance for a request head.
    let t = TestDb::new(engine).await;
    let app = TestServer::start_args(&t, &["--header-read-timeout-secs", "1"]).await;
    let stream = TcpStream::connect(app.addr()).await.expect("connect");
    let (mut read, mut write) = stream.into_split();
    let head = format!("GET /healthz HTTP/1.1\r\nHost: {}\r\n", app.addr());
    write
        .write_all(head.as_bytes())
        .await
        .expect("start the head");

    // Act: a header line every 200 ms, for up to 10 s, never the blank line that ends the head.
    let started = Instant::now();
    let trickle = tokio::spawn(async move {
        for i in 0..50 {
            tokio::time::sleep(Duration::from_millis(200)).await;
            if write
                .write_all(format!("X-Slow-{i}: a\r\n").as_bytes())
                .await
                .is_err()
            {
                break;
            }
        }
    });
    let mut answer = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(10), read.read_to_end(&mut answer)).await;
    let elapsed = started.elapsed();
    trickle.abort();

    // Assert: closed (an end of stream or a reset) after about a second, not served.
    assert!(closed.is_ok(), "the connection was still open after 10 s");
    assert!(
        elapsed < Duration::from_secs(5),
        "closed only after {elapsed:?}"
    );
    assert!(
        !String::from_utf8_lossy(&answer).contains(" 200 "),
        "{}",
        String::from_utf8_lossy(&answer)
    );
    // A connection that sends nothing at all is closed too; a normal client is served.
    let mut idle = TcpStream::connect(app.addr()).await.expect("connect");
    let mut nothing = Vec::new();
    let idle_closed =
        tokio::time::timeout(Duration::from_secs(5), idle.read_to_end(&mut nothing)).await;
    assert!(idle_closed.is_ok(), "an idle connection stays open");
    assert_eq!(get(&app, "/healthz", &[]).await.status(), StatusCode::OK);
    t.teardown().await;
}

async fn logs_record_paths_never_query_strings(engine: Engine) {
    // Arrange: the request log on (tower_http's spans and events).
    let t = TestDb::new(engine).await;
    let app = TestServer::start_logging(&t, "info,sqlx=warn,tower_http=debug").await;

    // Act: a look-up with a phone number in its query, a page with a code in its query.
    let _ = get(&app, LOOK_UP, &[]).await;
    let _ = get(
        &app,
        "/tra-cuu?code=21025-261123-0001&phone=0987654321",
        &[],
    )
    .await;
    app.wait_for_log("/tra-cuu", Duration::from_secs(10)).await;
    app.wait_for_log("finished processing request", Duration::from_secs(10))
        .await;

    // Assert
    let log = app.log();
    assert!(
        log.contains("/api/v1/dossiers/21025-261123-0001"),
        "the path is logged: {log}"
    );
    for secret in ["0912345678", "0987654321", "phone=", "?code"] {
        assert!(!log.contains(secret), "{secret} in the log: {log}");
    }
    t.teardown().await;
}

async fn logs_can_be_json_lines(engine: Engine) {
    // Arrange
    let t = TestDb::new(engine).await;
    let app = TestServer::start_logging_args(
        &t,
        "info,sqlx=warn,tower_http=debug",
        &["--log-format", "json"],
    )
    .await;

    // Act
    let _ = get(&app, "/healthz?phone=0912345678", &[]).await;
    app.wait_for_log("finished processing request", Duration::from_secs(10))
        .await;

    // Assert: every line is a JSON object; the request's carries its method and path.
    let log = app.log();
    let lines: Vec<Value> = log
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let finished = lines
        .iter()
        .find(|l| l["fields"]["message"] == "finished processing request")
        .unwrap_or_else(|| panic!("no request line: {log}"));
    assert_eq!(finished["span"]["path"], "/healthz", "{finished}");
    assert_eq!(finished["span"]["method"], "GET", "{finished}");
    assert!(!log.contains("0912345678"), "{log}");
    t.teardown().await;
}
