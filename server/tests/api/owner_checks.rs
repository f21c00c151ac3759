//! Who files for a business, after the attacker-minded review of issue 16, on both databases: the
//! owner on record is told when someone else (an authorised person, an heir) files the change or
//! termination of their business, and is not when they file it themselves; a registration whose owner
//! no VNeID session vouched for is recorded so and officers are warned; a phone cannot register as
//! the owner an identity that the national e-identity linked to another phone.

use std::time::Duration;

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::{
    approvals::{OWNER_ID, PHONE, officer, registration},
    helpers::{
        Engine, SEEDED_OWNER_ID, TestDb, TestServer, body_json, both_backends, seed_business, send,
        vneid_citizen,
    },
    ownership::{message, post, termination, upload},
};

both_backends!(
    the_owner_on_record_is_told_when_someone_else_files_for_their_business,
    a_registration_by_phone_is_unverified_and_officers_are_warned,
    a_phone_cannot_register_as_owner_an_identity_linked_to_vneid_with_another_phone,
);

/// The business of these tests, in commune 21025.
const HKD: &str = "051085012345";
/// The owner's phone on record (the registry's).
const OWNER_PHONE: &str = "0905100200";
/// The phone of the owner's VNeID account (another one).
const OWNER_ACCOUNT_PHONE: &str = "0905100300";
/// The authorised person.
const AGENT_ID: &str = "051090000145";
const AGENT_PHONE: &str = "0987654321";

/// The texts the development SMS sink sent to `phone`, oldest first.
fn texts_to(t: &TestDb, phone: &str) -> Vec<String> {
    std::fs::read_to_string(t.dir.path().join("data").join("sms.log"))
        .unwrap_or_default()
        .lines()
        .filter(|l| l.split('\t').nth(1) == Some(phone))
        .filter_map(|l| l.split('\t').nth(2).map(str::to_owned))
        .collect()
}

/// Waits (the notification worker runs every few seconds) for a text to `phone` containing `needle`.
async fn text_with(t: &TestDb, phone: &str, needle: &str) -> String {
    for _ in 0..300 {
        if let Some(text) = texts_to(t, phone).into_iter().find(|x| x.contains(needle)) {
            return text;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "no text to {phone} with {needle:?}: {:?}",
        texts_to(t, phone)
    );
}

const SOMEONE_ELSE: &str = "vừa được người khác nộp";

async fn the_owner_on_record_is_told_when_someone_else_files_for_their_business(engine: Engine) {
    // Arrange: a business whose owner's phone on record is OWNER_PHONE; the owner also has a VNeID
    // account with another phone; a person the owner (perhaps) authorised, signed in with VNeID.
    let t = TestDb::new(engine).await;
    let app = TestServer::start(&t).await;
    seed_business(&t, HKD, OWNER_PHONE).await;
    let owner = vneid_citizen(&t, SEEDED_OWNER_ID, Some(OWNER_ACCOUNT_PHONE)).await;
    let agent = vneid_citizen(&t, AGENT_ID, None).await;
    let mut by_agent = termination(HKD, AGENT_PHONE);
    by_agent["form"]["filer"] = json!("authorised");
    by_agent["form"]["attachments"] = json!([upload(&app, &agent, "filing_authorisation").await]);

    // Act: the authorised person files the termination.
    let (s, b) = post(&app, &agent.headers(), &by_agent).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let code = b["code"].as_str().expect("code").to_owned();

    // Assert: the owner's phone on record is texted which business, which procedure, the dossier,
    // who filed it (as what) and whom to contact — and nothing of the filer.
    let text = text_with(&t, OWNER_PHONE, &code).await;
    for part in [
        SOMEONE_ELSE,
        HKD,
        "Hộ kinh doanh Tạp hóa 051085012345",
        "Chấm dứt hoạt động hộ kinh doanh",
        "người được chủ hộ ủy quyền",
        "Nếu bạn không ủy quyền cho ai nộp hồ sơ này, hãy liên hệ ngay Phòng Kinh tế, Hạ tầng và Đô thị thuộc \
         UBND phường Cẩm Thành.",
    ] {
        assert!(text.contains(part), "{part:?} missing in {text:?}");
    }
    for filer in [AGENT_ID, AGENT_PHONE, "Người Thử Nghiệm", "Nguyễn Thị Ba"] {
        assert!(!text.contains(filer), "{filer:?} in {text:?}");
    }
    // The owner's account (by the identity number) is texted too, and finds it in the inbox.
    let to_account = text_with(&t, OWNER_ACCOUNT_PHONE, &code).await;
    assert!(to_account.contains(SOMEONE_ELSE), "{to_account}");
    let inbox =
        body_json(send(&app, "GET", "/api/v1/me/inbox", &owner.cookie(), vec![]).await).await;
    let item = inbox
        .as_array()
        .expect("inbox")
        .iter()
        .find(|i| i["code"] == code.as_str())
        .unwrap_or_else(|| panic!("no notice of {code} in {inbox}"));
    let body = item["body"].as_str().expect("body");
    assert!(
        body.contains("do người khác nộp với tư cách người được chủ hộ ủy quyền"),
        "{body}"
    );
    assert!(
        body.contains(
            "hãy liên hệ ngay Phòng Kinh tế, Hạ tầng và Đô thị thuộc UBND phường Cẩm Thành"
        ),
        "{body}"
    );
    // The phone on record has it in its inbox as well (for when it signs in).
    let on_record = t.db.inbox_items(OWNER_PHONE, 10).await.expect("inbox");
    assert_eq!(on_record.len(), 1, "{on_record:?}");
    assert_eq!(on_record[0].code, code);
    // No personal data of the filer in the server's log.
    assert!(!app.log().contains(AGENT_ID), "{}", app.log());

    // The owner's own filing tells nobody that someone else filed.
    let (s, b) = post(
        &app,
        &owner.headers(),
        &termination(HKD, OWNER_ACCOUNT_PHONE),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let own = b["code"].as_str().expect("code").to_owned();
    text_with(&t, OWNER_ACCOUNT_PHONE, &own).await;
    assert_eq!(
        t.raw
            .scalar("SELECT COUNT(*) FROM notification_outbox WHERE kind = 'owner_notice'")
            .await,
        2,
        "only the authorised person's filing, to the two phones"
    );
    for phone in [OWNER_PHONE, OWNER_ACCOUNT_PHONE] {
        assert_eq!(
            texts_to(&t, phone)
                .iter()
                .filter(|x| x.contains(SOMEONE_ELSE))
                .count(),
            1,
            "{phone}"
        );
    }
    t.teardown().await;
}

/// The staff view of a dossier.
async fn staff_view(app: &TestServer, officer: &crate::signin::Session, code: &str) -> Value {
    let res = send(
        app,
        "GET",
        &format!("/api/v1/staff/dossiers/{code}"),
        &officer.cookie(),
        vec![],
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    body_json(res).await
}

async fn a_registration_by_phone_is_unverified_and_officers_are_warned(engine: Engine) {
    // Arrange
    let t = TestDb::new(engine).await;
    let app = TestServer::start(&t).await;
    let officer = officer(&t, &app, "canbo").await;
    let by_phone = app.citizen(PHONE).await;

    // Act: the same owner's business registered with a phone sign-in (before the owner has a VNeID
    // account), and by the owner's VNeID.
    let (s, b) = post(
        &app,
        &by_phone.headers(),
        &registration("Bánh mì Cô Ba", OWNER_ID),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let unverified = b["code"].as_str().expect("code").to_owned();
    let owner = vneid_citizen(&t, OWNER_ID, None).await;
    let (s, b) = post(
        &app,
        &owner.headers(),
        &registration("Bánh mì Cô Tư", OWNER_ID),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let verified = b["code"].as_str().expect("code").to_owned();

    // Assert: recorded on the dossier…
    let recorded =
        |code: &str| format!("SELECT owner_verified FROM dossiers WHERE code = '{code}'");
    assert_eq!(t.raw.scalar(&recorded(&unverified)).await, 0);
    assert_eq!(t.raw.scalar(&recorded(&verified)).await, 1);
    // … and the officer is warned about the one no e-identity vouched for.
    let view = staff_view(&app, &officer, &unverified).await;
    assert_eq!(view["owner_identity_verified"], false, "{view}");
    let warning = view["owner_identity_warning"].as_str().unwrap_or_default();
    assert!(
        warning.starts_with(
            "Số định danh cá nhân của chủ hộ kinh doanh trong hồ sơ này chưa được xác thực bằng tài khoản \
             định danh điện tử (VNeID)"
        ),
        "{view}"
    );
    assert!(
        warning.contains("đối chiếu giấy tờ tùy thân của chủ hộ"),
        "{warning}"
    );
    let view = staff_view(&app, &officer, &verified).await;
    assert_eq!(view["owner_identity_verified"], true, "{view}");
    assert!(view.get("owner_identity_warning").is_none(), "{view}");
    t.teardown().await;
}

async fn a_phone_cannot_register_as_owner_an_identity_linked_to_vneid_with_another_phone(
    engine: Engine,
) {
    // Arrange: the owner has a VNeID account with their phone; a stranger signs in with a phone.
    let t = TestDb::new(engine).await;
    let app = TestServer::start(&t).await;
    vneid_citizen(&t, OWNER_ID, Some(OWNER_ACCOUNT_PHONE)).await;
    let stranger = app.citizen(AGENT_PHONE).await;
    let with_phone = |name: &str, owner_id: &str, phone: &str| {
        let mut body = registration(name, owner_id);
        body["form"]["owner"]["phone"] = json!(phone);
        body["applicant"]["phone"] = json!(phone);
        body
    };

    // Act + Assert: the stranger names the owner's identity number as the owner: refused, saying to
    // sign in with VNeID.
    let (s, b) = post(
        &app,
        &stranger.headers(),
        &with_phone("Bánh mì Cô Ba", OWNER_ID, AGENT_PHONE),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{b}");
    assert!(
        message(&b).contains("đăng nhập bằng tài khoản định danh điện tử VNeID"),
        "{b}"
    );
    assert_eq!(t.raw.scalar("SELECT COUNT(*) FROM dossiers").await, 0);
    // An identity number no VNeID account has: accepted (and recorded unverified, as above).
    let (s, b) = post(
        &app,
        &stranger.headers(),
        &with_phone("Bánh mì Cô Tư", "051185099321", AGENT_PHONE),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    // The owner signed in with the account's own phone: accepted.
    let owner_by_phone = app.citizen(OWNER_ACCOUNT_PHONE).await;
    let (s, b) = post(
        &app,
        &owner_by_phone.headers(),
        &with_phone("Bánh mì Cô Năm", OWNER_ID, OWNER_ACCOUNT_PHONE),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    t.teardown().await;
}
