//! Issue 16 (review): the key that names a person's store on the device. The phone's IndexedDB database
//! of a signed-in person used to be named from a SHA-256 of their phone or identity number, which anyone
//! holding the device could reverse by hashing every 10-digit number; the server now issues each account
//! an opaque random key in the session info, and the phone names the database from it.

use axum::http::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

use crate::{
    helpers::{Engine, TestDb, TestServer, body_json, both_backends, send, vneid_citizen},
    signin::{add_staff, last_code_in, post_json, staff_session},
};

both_backends!(each_account_has_a_random_store_key_of_its_own_in_its_session_info);

const PHONE: &str = "0912345678";

async fn whoami(app: &TestServer, headers: &[(&str, &str)]) -> Value {
    let res = send(app, "GET", "/api/v1/session", headers, vec![]).await;
    assert_eq!(res.status(), StatusCode::OK);
    body_json(res).await
}

fn key_of(info: &Value) -> String {
    info["store_key"]
        .as_str()
        .unwrap_or_else(|| panic!("a store key: {info}"))
        .to_owned()
}

fn is_hex_64(key: &str) -> bool {
    key.len() == 64
        && key
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

async fn each_account_has_a_random_store_key_of_its_own_in_its_session_info(engine: Engine) {
    // Arrange
    let t = TestDb::new(engine).await;
    let app = TestServer::start(&t).await;
    let officer_password = add_staff(&t, "canbo.store", "commune_officer", &["21028"]).await;

    // Act: a citizen signs in by phone (the answer to the sign-in itself), then asks who is signed in
    // twice; another citizen; the same account through the national e-identity (the provider verified
    // that phone, so the account is linked); an officer; nobody.
    let (status, _, _) = post_json(&app, "/api/v1/auth/otp", &[], &json!({"phone": PHONE})).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let code = last_code_in(&t.dir.path().join("data"), PHONE);
    let (status, signed_in, cookie) = post_json(
        &app,
        "/api/v1/auth/otp/verify",
        &[],
        &json!({"phone": PHONE, "code": code}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{signed_in}");
    let cookie = cookie.expect("a session cookie");
    let first = whoami(&app, &[("cookie", &cookie)]).await;
    let again = whoami(&app, &[("cookie", &cookie)]).await;
    let other = app.citizen("0987654321").await;
    let other = whoami(&app, &other.cookie()).await;
    let by_identity = vneid_citizen(&t, "051090001234", Some(PHONE)).await;
    let by_identity = whoami(&app, &by_identity.cookie()).await;
    let officer = staff_session(&app, "canbo.store", &officer_password).await;
    let officer = whoami(&app, &officer.cookie()).await;
    let nobody = whoami(&app, &[]).await;

    // Assert
    let mine = key_of(&first);
    assert!(is_hex_64(&mine), "64 lowercase hex digits: {mine}");
    assert_eq!(key_of(&signed_in), mine, "the sign-in's answer carries it");
    assert_eq!(key_of(&again), mine, "it stays the same");
    // Not derived from anything the device could guess: no hash of the phone (the old naming).
    for guessable in [format!("citizen:{PHONE}"), PHONE.to_owned()] {
        assert_ne!(mine, hex::encode(Sha256::digest(guessable.as_bytes())));
    }
    assert!(!mine.contains(PHONE));
    assert_ne!(key_of(&other), mine, "each account has its own");
    assert_eq!(
        by_identity["principal"]["identity"]["identity_number"], "051090001234",
        "{by_identity}"
    );
    assert_eq!(
        key_of(&by_identity),
        mine,
        "one account, one store, whichever way the person signed in"
    );
    let staff_key = key_of(&officer);
    assert!(is_hex_64(&staff_key), "{staff_key}");
    assert_ne!(staff_key, mine);
    assert!(nobody.get("store_key").is_none(), "{nobody}");
    // Every account has one, those the first administrator's start made included.
    assert_eq!(
        t.raw
            .scalar("SELECT COUNT(*) FROM citizen_accounts WHERE store_key IS NULL")
            .await,
        0
    );
    assert_eq!(
        t.raw
            .scalar("SELECT COUNT(*) FROM staff_accounts WHERE store_key IS NULL")
            .await,
        0
    );
    assert_eq!(
        t.raw
            .scalar("SELECT COUNT(DISTINCT store_key) FROM staff_accounts")
            .await,
        t.raw.scalar("SELECT COUNT(*) FROM staff_accounts").await
    );
    t.teardown().await;
}
