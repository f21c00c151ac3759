//! Graceful shutdown of the real `motcua serve`: on SIGTERM (or Ctrl-C, SIGINT) it stops taking
//! connections, finishes the request in flight — here an upload whose body is still arriving — and
//! exits with status 0.

use std::{process::Command, time::Duration};

use sha2::{Digest as _, Sha256};
use tokio::{
    io::{AsyncReadExt as _, AsyncWriteExt as _},
    net::TcpStream,
};

use crate::helpers::{Engine, TestDb, TestServer};

#[tokio::test]
async fn sigterm_finishes_the_upload_in_flight_refuses_new_connections_and_exits_0() {
    finishes_in_flight_requests_on("TERM").await;
}

#[tokio::test]
async fn ctrl_c_finishes_the_upload_in_flight_refuses_new_connections_and_exits_0() {
    finishes_in_flight_requests_on("INT").await;
}

async fn finishes_in_flight_requests_on(signal: &str) {
    // Arrange: the real server, logging when it starts on a request; a 300 kB PDF.
    let t = TestDb::new(Engine::Sqlite).await;
    let mut server = TestServer::start_logging(&t, "info,sqlx=warn,tower_http=debug").await;
    let mut file = b"%PDF-1.7\n".to_vec();
    file.extend((0..300_000).map(|i| b"0123456789abcdef\n"[i % 17]));
    file.extend_from_slice(b"\n%%EOF\n");
    let hash = hex::encode(Sha256::digest(&file));
    let (first_half, second_half) = file.split_at(file.len() / 2);

    // The request head and half of the body (a signed-in citizen's): the server is now reading it.
    let citizen = server.citizen("0912345678").await;
    let mut phone = TcpStream::connect(server.addr()).await.expect("connect");
    let head = format!(
        "PUT /api/v1/uploads/{hash} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/pdf\r\n\
         Cookie: {}\r\nX-CSRF-Token: {}\r\nContent-Length: {}\r\n\r\n",
        server.addr(),
        citizen.cookie,
        citizen.csrf,
        file.len()
    );
    phone.write_all(head.as_bytes()).await.expect("send head");
    phone.write_all(first_half).await.expect("send half");
    server
        .wait_for_log(
            &format!("path=/api/v1/uploads/{hash}"),
            Duration::from_secs(10),
        )
        .await;

    // Act: the signal, while the upload is half sent.
    let sent = Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(server.pid().to_string())
        .status()
        .expect("run kill");
    assert!(sent.success(), "kill -{signal} {}", server.pid());
    server
        .wait_for_log(
            "shutting down: finishing requests in flight",
            Duration::from_secs(10),
        )
        .await;

    // Assert: no new connection is taken while the upload is still open…
    let refused = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match TcpStream::connect(server.addr()).await {
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => break,
                Err(e) => panic!("connecting failed other than refused: {e}"),
                // Accepted before the listener was closed: try again.
                Ok(stream) => drop(stream),
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await;
    assert!(
        refused.is_ok(),
        "the server still takes new connections after {signal}; its log:\n{}",
        server.log()
    );

    // …the rest of the upload arrives and is answered 201…
    phone.write_all(second_half).await.expect("send the rest");
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(30), phone.read_to_end(&mut answer))
        .await
        .expect("the answer comes, then the server closes the connection")
        .expect("read the answer");
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.starts_with("HTTP/1.1 201"),
        "the upload in flight was finished: {answer}"
    );
    let stored = std::fs::read_dir(t.dir.path().join("data/files/files"))
        .expect("the files directory")
        .filter_map(Result::ok)
        .find(|e| e.file_name().to_string_lossy().starts_with(&hash))
        .map(|e| std::fs::read(e.path()).expect("read"))
        .expect("the uploaded file is stored");
    assert_eq!(hex::encode(Sha256::digest(&stored)), hash);

    // …and the process ends on its own with status 0, and nothing listens any more.
    let status = server.exit_status(Duration::from_secs(30)).await;
    assert!(
        status.success(),
        "exit status {status}; its log:\n{}",
        server.log()
    );
    let after = TcpStream::connect(server.addr()).await;
    assert!(after.is_err(), "nothing listens once the server has exited");
    t.teardown().await;
}
