//! Acknowledged means durable: the real `motcua` process is killed with SIGKILL while submissions
//! stream in; after a restart every dossier that got a 201 is there, complete, and a replay of it
//! answers the same receipt; no dossier is half-written.

use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::{Engine, TestDb, TestServer, both_backends};

both_backends!(every_acknowledged_dossier_survives_kill_9);

fn body(n: usize) -> Value {
    json!({
        "procedure": "hkd_termination",
        "form_version": "tt68_mau4",
        "form": {
            "office": "21025",
            "hkd_name": format!("Hộ kinh doanh Số {n}"),
            "hkd_code": "051085012345",
            "signatory": "owner",
            "signatory_name": "Nguyễn Thị Ba",
            "filer_phone": "0912345678",
            "commitments": {"debts_settled": true, "responsible": true}
        },
        "applicant": {"name": "Nguyễn Thị Ba", "phone": "0912345678"}
    })
}

async fn every_acknowledged_dossier_survives_kill_9(engine: Engine) {
    // Arrange: the real binary, and eight phones submitting as fast as they can.
    let t = TestDb::new(engine).await;
    let mut server = TestServer::start(&t).await;
    crate::helpers::seed_business(&t, "051085012345", "0912345678").await;
    // Signed in (the session is in the database: it outlives the process).
    let session = server.citizen("0912345678").await;
    let url = server.url.clone();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client");
    let mut phones = Vec::new();
    for phone in 0..8 {
        let (client, url, session) = (client.clone(), url.clone(), session.clone());
        phones.push(tokio::spawn(async move {
            let mut acknowledged = Vec::new();
            for i in 0.. {
                let key = uuid::Uuid::new_v4().to_string();
                let body = body(phone * 100_000 + i);
                let Ok(res) = client
                    .post(format!("{url}/api/v1/dossiers"))
                    .header("idempotency-key", &key)
                    .header("cookie", &session.cookie)
                    .header("x-csrf-token", &session.csrf)
                    .json(&body)
                    .send()
                    .await
                else {
                    break; // the server is gone
                };
                if res.status() != reqwest::StatusCode::CREATED {
                    break;
                }
                let Ok(receipt) = res.json::<Value>().await else {
                    break;
                };
                acknowledged.push((key, body, receipt));
            }
            acknowledged
        }));
    }

    // Act: SIGKILL in the middle of the stream, then start again on the same data.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    server.kill_9().await;
    let mut acknowledged = Vec::new();
    for phone in phones {
        acknowledged.extend(phone.await.expect("client task"));
    }
    assert!(
        acknowledged.len() >= 8,
        "some submissions were acknowledged before the kill"
    );
    let restarted = TestServer::start(&t).await;
    let url = restarted.url.clone();

    // Assert
    for (key, body, receipt) in &acknowledged {
        let code = receipt["code"].as_str().expect("code");
        let status: Value = client
            .get(format!("{url}/api/v1/dossiers/{code}"))
            .header("cookie", &session.cookie)
            .send()
            .await
            .expect("look-up")
            .json()
            .await
            .expect("JSON");
        assert_eq!(
            &status["receipt"], receipt,
            "dossier {code} is there after the restart"
        );
        assert_eq!(status["timeline"][0]["state"], "submitted");
        let replay = client
            .post(format!("{url}/api/v1/dossiers"))
            .header("idempotency-key", key)
            .header("cookie", &session.cookie)
            .header("x-csrf-token", &session.csrf)
            .json(body)
            .send()
            .await
            .expect("replay");
        assert_eq!(
            replay.status(),
            reqwest::StatusCode::OK,
            "a replay finds it"
        );
        assert_eq!(&replay.json::<Value>().await.expect("JSON"), receipt);
    }
    let half_written = t.raw.scalar(HALF_WRITTEN).await;
    assert_eq!(
        half_written, 0,
        "every dossier has its first event and its notification job"
    );
    t.teardown().await;
}

const HALF_WRITTEN: &str = "SELECT COUNT(*) FROM dossiers d \
    WHERE NOT EXISTS (SELECT 1 FROM dossier_events e WHERE e.dossier_id = d.id) \
       OR NOT EXISTS (SELECT 1 FROM notification_outbox o WHERE o.dossier_id = d.id)";
