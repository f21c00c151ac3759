//! Acknowledged means durable: the real `motcua` process is killed with SIGKILL while submissions
//! stream in; after a restart every dossier that got a 201 is there, complete, and a replay of it
//! answers the same receipt; no dossier is half-written.

use std::time::Duration;

use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

use crate::helpers::{Engine, TestDb, TestServer, both_backends};

both_backends!(
    every_acknowledged_dossier_survives_kill_9,
    repeated_kill_9_under_uploads_submissions_and_officers_loses_nothing,
);

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
    each_is_there(&client, &url, &session, &acknowledged).await;
    let half_written = t.raw.scalar(HALF_WRITTEN).await;
    assert_eq!(
        half_written, 0,
        "every dossier has its first event and its notification job"
    );
    t.teardown().await;
}

/// Every acknowledged dossier is there after the restarts, with the receipt the phone was given, in
/// its first state at least; a replay of its submission answers that receipt (200), making nothing new.
async fn each_is_there(
    client: &reqwest::Client,
    url: &str,
    citizen: &crate::signin::Session,
    acknowledged: &[(String, Value, Value)],
) {
    for (key, body, receipt) in acknowledged {
        let code = receipt["code"].as_str().expect("code");
        let status: Value = client
            .get(format!("{url}/api/v1/dossiers/{code}"))
            .header("cookie", &citizen.cookie)
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
            .header("cookie", &citizen.cookie)
            .header("x-csrf-token", &citizen.csrf)
            .json(body)
            .send()
            .await
            .expect("replay");
        assert_eq!(
            replay.status(),
            reqwest::StatusCode::OK,
            "a replay finds {code}"
        );
        assert_eq!(&replay.json::<Value>().await.expect("JSON"), receipt);
    }
}

const HALF_WRITTEN: &str = "SELECT COUNT(*) FROM dossiers d \
    WHERE NOT EXISTS (SELECT 1 FROM dossier_events e WHERE e.dossier_id = d.id) \
       OR NOT EXISTS (SELECT 1 FROM notification_outbox o WHERE o.dossier_id = d.id)";

/// A small PDF, different for each `n`.
fn pdf(n: u128) -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n".to_vec();
    bytes.extend_from_slice(format!("giấy chứng tử số {n}\n").repeat(40).as_bytes());
    bytes.extend_from_slice(b"\n%%EOF\n");
    bytes
}

/// An heir's termination notice with the death certificate `sha256` attached.
fn heir_notice(n: u128, sha256: &str, size: usize) -> Value {
    let mut body = body(0);
    body["form"]["hkd_name"] = json!(format!("Hộ kinh doanh Số {n}"));
    body["form"]["signatory"] = json!("heir");
    body["form"]["filer"] = json!("heir");
    body["form"]["attachments"] = json!([{
        "kind": "death_certificate_or_court_decision",
        "media_type": "application/pdf",
        "size_bytes": size,
        "sha256": sha256,
        "file_name": "giay-chung-tu.pdf"
    }]);
    body
}

/// What the phones were told before a kill: dossiers (key, body, receipt) and uploads (hash).
#[derive(Default)]
struct Told {
    dossiers: Vec<(String, Value, Value)>,
    uploads: Vec<String>,
}

/// Cycles of SIGKILL at a random moment (issue 17): `MOTCUA_CRASH_CYCLES` (default 5; `cargo xtask soak`
/// runs 50) times, the real server is killed while four phones upload files and submit heirs' notices
/// with them and an officer receives and decides the dossiers (taking document numbers), then started
/// again on the same data. At the end every acknowledged dossier is there with its receipt (a replay
/// answers it), every acknowledged upload is whole for its sender, no dossier is half-written, every
/// document number taken belongs to a stored document, and SQLite's integrity check passes.
async fn repeated_kill_9_under_uploads_submissions_and_officers_loses_nothing(engine: Engine) {
    // Arrange
    let cycles: usize = std::env::var("MOTCUA_CRASH_CYCLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let t = TestDb::new(engine).await;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client");
    let mut told = Told::default();
    let mut sessions = None;
    let mut faults = 0;
    let mut asked = 0;

    // Act
    for cycle in 0..cycles {
        let mut server = TestServer::start(&t).await;
        // Sessions live in the database: signed in once, they outlive every kill.
        if sessions.is_none() {
            crate::helpers::seed_business(&t, "051085012345", "0912345678").await;
            let password =
                crate::signin::add_staff(&t, "can.bo.xa", "commune_officer", &["21025"]).await;
            sessions = Some((
                server.citizen("0912345678").await,
                crate::signin::staff_session(&server, "can.bo.xa", &password).await,
            ));
        }
        let (citizen, officer) = sessions.clone().expect("sessions");
        let url = server.url.clone();
        let mut phones = Vec::new();
        for phone in 0..4_u128 {
            let (client, url, citizen) = (client.clone(), url.clone(), citizen.clone());
            phones.push(tokio::spawn(async move {
                let mut mine = Told::default();
                for i in 0_u128.. {
                    let n = (cycle as u128) << 64 | phone << 32 | i;
                    let file = pdf(n);
                    let hash = hex::encode(Sha256::digest(&file));
                    let Ok(res) = client
                        .put(format!("{url}/api/v1/uploads/{hash}"))
                        .header("cookie", &citizen.cookie)
                        .header("x-csrf-token", &citizen.csrf)
                        .body(file.clone())
                        .send()
                        .await
                    else {
                        break;
                    };
                    if res.status() != reqwest::StatusCode::CREATED {
                        break;
                    }
                    mine.uploads.push(hash.clone());
                    let key = uuid::Uuid::new_v4().to_string();
                    let body = heir_notice(n, &hash, file.len());
                    let Ok(res) = client
                        .post(format!("{url}/api/v1/dossiers"))
                        .header("idempotency-key", &key)
                        .header("cookie", &citizen.cookie)
                        .header("x-csrf-token", &citizen.csrf)
                        .json(&body)
                        .send()
                        .await
                    else {
                        break;
                    };
                    if res.status() != reqwest::StatusCode::CREATED {
                        break;
                    }
                    let Ok(receipt) = res.json::<Value>().await else {
                        break;
                    };
                    mine.dossiers.push((key, body, receipt));
                }
                mine
            }));
        }
        // The officer works the queue meanwhile: receives each dossier and asks for a clearer death
        // certificate (a numbered notice, NĐ 30/2020: each takes a document number).
        let officer_task = {
            let (client, url, officer) = (client.clone(), url.clone(), officer.clone());
            tokio::spawn(async move {
                let mut numbered = 0_usize;
                loop {
                    let Ok(res) = client
                        .get(format!("{url}/api/v1/staff/dossiers"))
                        .header("cookie", &officer.cookie)
                        .send()
                        .await
                    else {
                        break;
                    };
                    let Ok(queue) = res.json::<Value>().await else {
                        break;
                    };
                    let waiting: Vec<String> = queue["items"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter(|d| d["state"] == "submitted")
                        .filter_map(|d| d["code"].as_str().map(str::to_owned))
                        .collect();
                    for code in waiting {
                        let actions = [
                            json!({"action": "receive"}),
                            json!({"action": "request_supplement", "items": [{
                                "target": "attachment:death_certificate_or_court_decision",
                                "note": "Ảnh giấy chứng tử bị mờ, hãy chụp lại."
                            }]}),
                        ];
                        for (i, action) in actions.iter().enumerate() {
                            let Ok(res) = client
                                .post(format!("{url}/api/v1/staff/dossiers/{code}/actions"))
                                .header("cookie", &officer.cookie)
                                .header("x-csrf-token", &officer.csrf)
                                .json(action)
                                .send()
                                .await
                            else {
                                return numbered;
                            };
                            if i == 1 && res.status() == reqwest::StatusCode::OK {
                                numbered += 1;
                            }
                        }
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                numbered
            })
        };
        // SIGKILL at a random moment between 0.3 and 1.5 s.
        let wait = 300 + u64::try_from(uuid::Uuid::new_v4().as_u128() % 1_200).expect("small");
        tokio::time::sleep(Duration::from_millis(wait)).await;
        server.kill_9().await;
        faults += 1;
        for phone in phones {
            let mine = phone.await.expect("phone task");
            told.dossiers.extend(mine.dossiers);
            told.uploads.extend(mine.uploads);
        }
        asked += officer_task.await.expect("officer task");
    }

    // Assert
    let server = TestServer::start(&t).await;
    let (citizen, _) = sessions.expect("sessions");
    let url = server.url.clone();
    eprintln!(
        "{engine:?}: {faults} kills, {} dossiers and {} uploads acknowledged",
        told.dossiers.len(),
        told.uploads.len()
    );
    assert!(
        told.dossiers.len() >= cycles,
        "submissions were acknowledged between the kills"
    );
    each_is_there(&client, &url, &citizen, &told.dossiers).await;
    for hash in &told.uploads {
        let status: Value = client
            .get(format!("{url}/api/v1/uploads/{hash}"))
            .header("cookie", &citizen.cookie)
            .send()
            .await
            .expect("upload status")
            .json()
            .await
            .expect("JSON");
        assert_eq!(
            status["complete"], true,
            "the upload {hash} is whole: {status}"
        );
    }
    assert_eq!(
        t.raw.scalar(HALF_WRITTEN).await,
        0,
        "no half-written dossier"
    );
    let taken = t
        .raw
        .scalar(
            "SELECT CAST(COALESCE(SUM(last_number), 0) AS BIGINT) FROM document_number_counters",
        )
        .await;
    let numbered = t
        .raw
        .scalar("SELECT COUNT(*) FROM dossier_documents WHERE number IS NOT NULL")
        .await;
    eprintln!(
        "{engine:?}: {asked} requests for amendments answered, {taken} document numbers taken, \
         {numbered} on stored documents"
    );
    assert!(
        asked > 0,
        "the officer's numbered letters went out between the kills"
    );
    assert_eq!(
        taken, numbered,
        "every number taken is on a stored document"
    );
    if let crate::helpers::Raw::Sqlite(pool) = &t.raw {
        let check: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(pool)
            .await
            .expect("integrity check");
        assert_eq!(check, "ok");
    }
    drop(server);
    t.teardown().await;
}
