//! Who files what (issue 16), on both databases, tried as an attacker would: nobody signed in files
//! nothing; a citizen signed in with a phone texts only that phone; another identity cannot terminate
//! someone's business as its owner (clear refusal), an authorised person must attach the
//! authorisation, and the owner — by identity number or by the registry's phone — can; a citizen with a
//! verified identity texts other phones a few times a day at most, also in parallel; the owner by
//! identity reads a dossier an authorised person filed.

use axum::http::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

use crate::{
    approvals::{OWNER_ID, PHONE, approve, officer, registration, submit},
    helpers::{Engine, TestDb, TestServer, body_json, both_backends, send, submit_headers},
    signin::{Session, sms_count},
};

both_backends!(
    nobody_signed_in_files_nothing_and_a_phone_texts_only_itself,
    another_identity_cannot_terminate_someones_business_and_the_owner_can,
    a_verified_identity_texts_other_phones_a_few_times_a_day_even_in_parallel,
);

/// Someone else's identity number.
const OTHER_ID: &str = "051090000145";
const STRANGER: &str = "0987654321";

pub(crate) async fn post(
    app: &TestServer,
    who: &[(&str, &str)],
    body: &Value,
) -> (StatusCode, Value) {
    let key = uuid::Uuid::new_v4().to_string();
    let mut headers = vec![
        ("idempotency-key", key.as_str()),
        ("content-type", "application/json"),
    ];
    headers.extend_from_slice(who);
    let res = send(
        app,
        "POST",
        "/api/v1/dossiers",
        &headers,
        serde_json::to_vec(body).expect("JSON"),
    )
    .await;
    let status = res.status();
    (status, body_json(res).await)
}

pub(crate) fn message(body: &Value) -> &str {
    body["message"].as_str().unwrap_or_default()
}

/// The termination of `hkd_code` with the contact `phone`.
pub(crate) fn termination(hkd_code: &str, phone: &str) -> Value {
    let mut body = crate::dossiers::termination_of(phone);
    body["form"]["hkd_code"] = json!(hkd_code);
    body
}

async fn dossiers(t: &TestDb) -> i64 {
    t.raw.scalar("SELECT COUNT(*) FROM dossiers").await
}

async fn nobody_signed_in_files_nothing_and_a_phone_texts_only_itself(engine: Engine) {
    let t = TestDb::new(engine).await;
    let app = TestServer::start(&t).await;
    crate::helpers::seed_business(&t, "051085012345", PHONE).await;

    // 25 registrations from one address, each naming another phone, nobody signed in: all refused,
    // nobody texted.
    for n in 0..25 {
        let phone = format!("09{:08}", 10_000_000 + n);
        let mut body = registration(&format!("Số {n}"), OWNER_ID);
        body["applicant"]["phone"] = json!(phone);
        let (s, b) = post(&app, &[], &body).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}");
        assert!(message(&b).starts_with("Đăng nhập để nộp hồ sơ"), "{b}");
        assert_eq!(sms_count(&t, &phone), 0);
    }
    assert_eq!(dossiers(&t).await, 0);

    // Signed in with a phone, naming another phone as the dossier's: refused, the stranger is not
    // texted.
    let me = app.citizen(PHONE).await;
    let mut body = crate::dossiers::termination_of(PHONE);
    body["applicant"]["phone"] = json!(STRANGER);
    let (s, b) = post(&app, &me.headers(), &body).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{b}");
    assert!(message(&b).contains("phải là số bạn đã đăng nhập"), "{b}");
    assert_eq!(dossiers(&t).await, 0);
    assert_eq!(sms_count(&t, STRANGER), 0);

    // An officer without a citizen's confirmation code files nothing.
    let officer = officer(&t, &app, "canbo").await;
    let (s, b) = post(
        &app,
        &officer.headers(),
        &crate::dossiers::termination_of(PHONE),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{b}");
    assert!(message(&b).contains("tại quầy"), "{b}");

    // With the phone: filed, and the account recorded as its filer.
    let (s, b) = post(&app, &me.headers(), &crate::dossiers::termination_of(PHONE)).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert_eq!(
        t.raw
            .scalar(
                "SELECT COUNT(*) FROM dossiers WHERE filer_account_id IS NOT NULL \
                 AND filer_identity IS NULL AND filer_role = 'owner'"
            )
            .await,
        1
    );
    t.teardown().await;
}

/// Uploads a small PDF; its attachment entry as `kind`.
pub(crate) async fn upload(app: &TestServer, who: &Session, kind: &str) -> Value {
    let mut pdf = b"%PDF-1.7\n".to_vec();
    pdf.extend_from_slice(kind.repeat(100).as_bytes());
    pdf.extend_from_slice(b"\n%%EOF\n");
    let sha256 = hex::encode(Sha256::digest(&pdf));
    let res = send(
        app,
        "PUT",
        &format!("/api/v1/uploads/{sha256}"),
        &who.headers(),
        pdf.clone(),
    )
    .await;
    assert!(res.status().is_success(), "upload");
    json!({
        "kind": kind,
        "media_type": "application/pdf",
        "size_bytes": pdf.len(),
        "sha256": sha256,
        "file_name": format!("{kind}.pdf")
    })
}

async fn another_identity_cannot_terminate_someones_business_and_the_owner_can(engine: Engine) {
    let t = TestDb::new(engine).await;
    let app = TestServer::start(&t).await;
    let officer = officer(&t, &app, "canbo").await;
    // The owner registers the business with the phone; approved: the registry's owner is OWNER_ID,
    // the owner's phone PHONE.
    let dossier = submit(&app, &registration("Bánh mì Cô Ba", OWNER_ID)).await;
    let (s, b) = approve(&app, &officer, &dossier).await;
    assert_eq!(s, StatusCode::OK, "{b}");

    // Another identity, as the owner: refused with what to do.
    let other = crate::helpers::vneid_citizen(&t, OTHER_ID, None).await;
    let (s, b) = post(&app, &other.headers(), &termination(OWNER_ID, STRANGER)).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{b}");
    assert_eq!(
        message(&b),
        format!(
            "Số định danh của bạn không phải của chủ hộ kinh doanh {OWNER_ID}. Nếu bạn nộp thay, chọn \
             «Người được ủy quyền» và đính kèm văn bản ủy quyền."
        )
    );
    // A change too.
    let mut change = termination(OWNER_ID, STRANGER);
    change["procedure"] = json!("hkd_change");
    change["form_version"] = json!("tt68_mau2");
    change["form"] = json!({
        "office": "21025", "hkd_name": "Hộ kinh doanh Bánh mì Cô Ba", "hkd_code": OWNER_ID,
        "contact_phone": STRANGER, "signatory_name": "Trần Văn Hai", "commitments": {"truthful": true},
        "change_capital": {"capital": "10.000.000", "changed_on": "2026-11-20", "method": "decrease"}
    });
    let (s, b) = post(&app, &other.headers(), &change).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{b}");
    // Another phone, as the owner: refused.
    let stranger = app.citizen(STRANGER).await;
    let (s, b) = post(&app, &stranger.headers(), &termination(OWNER_ID, STRANGER)).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{b}");
    assert!(
        message(&b).contains("không phải số của chủ hộ kinh doanh"),
        "{b}"
    );
    // As an heir of a registration: no such thing.
    let mut as_heir = registration("Bánh mì Cô Tư", OTHER_ID);
    as_heir["form"]["filer"] = json!("heir");
    let (s, b) = post(&app, &other.headers(), &as_heir).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert!(
        b["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .any(|f| f["path"] == "form.filer" && f["key"] == "heir_not_allowed"),
        "{b}"
    );
    // As an authorised person without the authorisation: 422 naming it (art. 93).
    let mut authorised = termination(OWNER_ID, STRANGER);
    authorised["form"]["filer"] = json!("authorised");
    authorised["form"]["signatory"] = json!("owner");
    let (s, b) = post(&app, &other.headers(), &authorised).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert!(
        b["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .any(|f| f["citation"] == "NĐ 168/2025 art. 93"),
        "{b}"
    );
    // … and without the owner's ID card when the owner has no e-identity account (art. 93.5).
    authorised["form"]["attachments"] = json!([upload(&app, &other, "filing_authorisation").await]);
    authorised["form"]["principal_without_eid"] = json!(true);
    let (s, b) = post(&app, &other.headers(), &authorised).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert!(
        b["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .any(|f| f["citation"] == "NĐ 168/2025 art. 93.5"),
        "{b}"
    );
    assert_eq!(dossiers(&t).await, 1, "only the registration");
    // With both: filed, the filer's identity and role recorded, the owner's identity too.
    authorised["form"]["attachments"] = json!([
        upload(&app, &other, "filing_authorisation").await,
        upload(&app, &other, "identity_card_copy").await
    ]);
    let (s, b) = post(&app, &other.headers(), &authorised).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let by_agent = b["code"].as_str().expect("code").to_owned();
    assert_eq!(
        t.raw
            .scalar(&format!(
                "SELECT COUNT(*) FROM dossiers WHERE code = '{by_agent}' AND filer_role = 'authorised' \
                 AND filer_identity = '{OTHER_ID}' AND owner_identity = '{OWNER_ID}'"
            ))
            .await,
        1
    );

    // The owner by identity: filed; and reads the dossier the authorised person filed, which the
    // registration's phone does too, and another identity does not.
    let owner = crate::helpers::vneid_citizen(&t, OWNER_ID, None).await;
    let (s, b) = post(&app, &owner.headers(), &termination(OWNER_ID, STRANGER)).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let view = |who: Session| {
        let app = &app;
        let code = by_agent.clone();
        async move {
            body_json(
                send(
                    app,
                    "GET",
                    &format!("/api/v1/dossiers/{code}"),
                    &who.cookie(),
                    vec![],
                )
                .await,
            )
            .await["view"]
                .clone()
        }
    };
    assert_eq!(view(owner.clone()).await, "full");
    assert_eq!(view(other.clone()).await, "full", "the filer");
    assert_eq!(view(stranger.clone()).await, "full", "the dossier's phone");
    let third = crate::helpers::vneid_citizen(&t, "051095000321", None).await;
    assert_eq!(view(third).await, "public");
    // The owner by the registry's phone, as the owner: filed.
    let by_phone = app.citizen(PHONE).await;
    let (s, b) = post(&app, &by_phone.headers(), &termination(OWNER_ID, PHONE)).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    // The owner's dossiers: the one filed by the agent is among them.
    let res = send(&app, "GET", "/api/v1/me/dossiers", &owner.cookie(), vec![]).await;
    let mine = body_json(res).await;
    assert!(
        mine.as_array()
            .expect("list")
            .iter()
            .any(|d| d["receipt"]["code"] == by_agent.as_str()),
        "{mine}"
    );
    t.teardown().await;
}

async fn a_verified_identity_texts_other_phones_a_few_times_a_day_even_in_parallel(engine: Engine) {
    let t = TestDb::new(engine).await;
    let app = TestServer::start(&t).await;
    let helper = crate::helpers::vneid_citizen(&t, OTHER_ID, None).await;
    // Promotion notices (anyone signed in files one for the trader they name), each to another phone,
    // twelve at once.
    let url = format!("{}/api/v1/dossiers", app.url);
    let start = std::sync::Arc::new(tokio::sync::Barrier::new(12));
    let tasks: Vec<_> = (0..12)
        .map(|n| {
            let mut body = crate::approvals::promotion_notice();
            body["applicant"]["phone"] = json!(format!("09{:08}", 20_000_000 + n));
            let (url, start, helper) = (url.clone(), start.clone(), helper.clone());
            tokio::spawn(async move {
                let key = uuid::Uuid::new_v4().to_string();
                start.wait().await;
                let mut req = reqwest::Client::new().post(url);
                for (k, v) in submit_headers(&helper, &key) {
                    req = req.header(k, v);
                }
                req.body(serde_json::to_vec(&body).expect("JSON"))
                    .send()
                    .await
                    .expect("an answer")
                    .status()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.expect("client task"));
    }
    let count = |s: StatusCode| statuses.iter().filter(|x| **x == s).count();
    assert_eq!(
        (
            count(StatusCode::CREATED),
            count(StatusCode::TOO_MANY_REQUESTS)
        ),
        (5, 7),
        "{statuses:?}"
    );
    assert_eq!(dossiers(&t).await, 5);
    t.teardown().await;
}
