//! The store of verified identities (issue 16), on both databases: a citizen account made or updated by
//! an OpenID provider's issuer + subject, one account per identity number, a phone account linked only
//! when the provider verified that very phone, and the session carrying the identity.

use chrono::Utc;
use domain::api::VerifiedIdentity;
use server::store::auth::{NewSession, NewSessionOwner, OidcCitizen, OidcUpsert, SessionOwner};

use crate::helpers::{Engine, TestDb, both_backends};

both_backends!(
    an_identity_account_is_made_once_per_subject_and_kept_up_to_date,
    an_identity_number_belongs_to_one_account,
    a_phone_account_is_linked_only_when_the_provider_verified_that_phone,
    a_session_of_an_identity_account_carries_the_identity,
    phone_accounts_and_their_sessions_survive_the_migration,
);

const ISSUER: &str = "https://sso.example.gov.vn";

fn citizen(subject: &str, number: &str, phone: Option<&str>) -> OidcCitizen {
    OidcCitizen {
        issuer: ISSUER.into(),
        subject: subject.into(),
        identity: VerifiedIdentity {
            identity_number: number.into(),
            full_name: "Nguyễn Văn An".into(),
            birth_date: Some("1990-05-17".into()),
            gender: Some("nam".into()),
            address: Some("Thôn 1, xã Tịnh Khê, tỉnh Quảng Ngãi".into()),
            assurance_level: Some("2".into()),
        },
        verified_phone: phone.map(str::to_owned),
    }
}

fn account(outcome: OidcUpsert) -> (uuid::Uuid, bool, bool) {
    match outcome {
        OidcUpsert::Account {
            id,
            created,
            linked,
        } => (id, created, linked),
        OidcUpsert::IdentityNumberTaken => panic!("expected an account, got IdentityNumberTaken"),
    }
}

async fn session_of(t: &TestDb, id: uuid::Uuid) -> SessionOwner {
    let now = Utc::now();
    let token = format!("t-{}", uuid::Uuid::new_v4());
    t.db.insert_session(&NewSession {
        token_hash: token.clone(),
        owner: NewSessionOwner::Citizen(id),
        csrf_token: "csrf".into(),
        client_ip: None,
        created_at: now,
        idle_seconds: 3600,
        expires_at: now + chrono::Duration::hours(1),
    })
    .await
    .expect("insert session");
    t.db.find_session(&token)
        .await
        .expect("find session")
        .expect("the session is live")
        .owner
}

async fn an_identity_account_is_made_once_per_subject_and_kept_up_to_date(engine: Engine) {
    // Arrange
    let t = TestDb::new(engine).await;
    t.db.migrate().await.expect("migrate");
    let first = citizen("sub-1", "051090000145", None);
    // Act
    let (id, created, linked) = account(
        t.db.upsert_oidc_citizen(&first, Utc::now())
            .await
            .expect("upsert"),
    );
    let mut moved = first.clone();
    moved.identity.address = Some("Phường Nghĩa Lộ, tỉnh Quảng Ngãi".into());
    let (again, created_again, _) = account(
        t.db.upsert_oidc_citizen(&moved, Utc::now())
            .await
            .expect("upsert again"),
    );
    // Assert
    assert!(created && !linked, "the first sign-in makes the account");
    assert_eq!(again, id, "the same subject is the same account");
    assert!(!created_again);
    assert_eq!(
        t.raw.scalar("SELECT COUNT(*) FROM citizen_accounts").await,
        1
    );
    assert_eq!(
        t.raw
            .text(
                "SELECT address FROM citizen_accounts WHERE identity_number = $1",
                "051090000145"
            )
            .await,
        "Phường Nghĩa Lộ, tỉnh Quảng Ngãi",
        "the claims are brought up to date"
    );
    assert_eq!(
        t.raw
            .scalar("SELECT COUNT(*) FROM citizen_accounts WHERE phone IS NULL")
            .await,
        1,
        "an account made by the e-identity needs no phone"
    );
    t.teardown().await;
}

async fn an_identity_number_belongs_to_one_account(engine: Engine) {
    // Arrange
    let t = TestDb::new(engine).await;
    t.db.migrate().await.expect("migrate");
    account(
        t.db.upsert_oidc_citizen(&citizen("sub-1", "051090000145", None), Utc::now())
            .await
            .expect("upsert"),
    );
    // Act
    let other =
        t.db.upsert_oidc_citizen(&citizen("sub-2", "051090000145", None), Utc::now())
            .await
            .expect("upsert another subject");
    let bad_number = t
        .raw
        .exec(
            "INSERT INTO citizen_accounts (id, created_at, last_sign_in_at, identity_number, \
             full_name, oidc_issuer, oidc_subject) VALUES ('00000000-0000-0000-0000-000000000009', \
             '2026-12-07T00:00:00Z', '2026-12-07T00:00:00Z', '05109000014', 'X', 'i', 's')",
        )
        .await;
    let nobody = t
        .raw
        .exec(
            "INSERT INTO citizen_accounts (id, created_at, last_sign_in_at) VALUES \
             ('00000000-0000-0000-0000-000000000008', '2026-12-07T00:00:00Z', '2026-12-07T00:00:00Z')",
        )
        .await;
    // Assert
    assert_eq!(other, OidcUpsert::IdentityNumberTaken);
    assert_eq!(
        t.raw.scalar("SELECT COUNT(*) FROM citizen_accounts").await,
        1
    );
    assert!(bad_number.is_err(), "11 digits are refused by the table");
    assert!(
        nobody.is_err(),
        "an account with neither phone nor identity is refused"
    );
    t.teardown().await;
}

async fn a_phone_account_is_linked_only_when_the_provider_verified_that_phone(engine: Engine) {
    // Arrange
    let t = TestDb::new(engine).await;
    t.db.migrate().await.expect("migrate");
    let phone_account =
        t.db.upsert_citizen("0912345678", Utc::now())
            .await
            .expect("phone account");
    let other_phone =
        t.db.upsert_citizen("0987654321", Utc::now())
            .await
            .expect("another phone account");
    // Act: no verified phone, then a verified phone of that account, then a second subject with
    // the phone of an account already linked.
    let (separate, _, _) = account(
        t.db.upsert_oidc_citizen(&citizen("sub-a", "051090000001", None), Utc::now())
            .await
            .expect("upsert"),
    );
    let (linked, created, was_linked) = account(
        t.db.upsert_oidc_citizen(
            &citizen("sub-b", "051090000002", Some("0987654321")),
            Utc::now(),
        )
        .await
        .expect("upsert with a verified phone"),
    );
    let (third, _, third_linked) = account(
        t.db.upsert_oidc_citizen(
            &citizen("sub-c", "051090000003", Some("0987654321")),
            Utc::now(),
        )
        .await
        .expect("upsert with a phone already linked"),
    );
    // Assert
    assert_ne!(
        separate, phone_account,
        "no verified phone: a separate account"
    );
    assert_eq!(
        linked, other_phone,
        "the verified phone's account is linked"
    );
    assert!(!created && was_linked);
    assert!(third != other_phone && !third_linked);
    assert_eq!(
        t.raw
            .text(
                "SELECT COALESCE(phone, '-') FROM citizen_accounts WHERE identity_number = $1",
                "051090000003"
            )
            .await,
        "-",
        "the phone stays with the account that has it"
    );
    t.teardown().await;
}

async fn a_session_of_an_identity_account_carries_the_identity(engine: Engine) {
    // Arrange
    let t = TestDb::new(engine).await;
    t.db.migrate().await.expect("migrate");
    let who = citizen("sub-1", "051090000145", None);
    let (id, _, _) = account(
        t.db.upsert_oidc_citizen(&who, Utc::now())
            .await
            .expect("upsert"),
    );
    let phone_only =
        t.db.upsert_citizen("0912345678", Utc::now())
            .await
            .expect("phone account");
    // Act
    let owner = session_of(&t, id).await;
    let phone_owner = session_of(&t, phone_only).await;
    let deleted = t
        .raw
        .exec("DELETE FROM citizen_accounts WHERE phone = '0912345678'")
        .await;
    // Assert
    assert_eq!(
        owner,
        SessionOwner::Citizen {
            id,
            phone: None,
            identity: Some(who.identity.clone()),
        }
    );
    assert_eq!(
        phone_owner,
        SessionOwner::Citizen {
            id: phone_only,
            phone: Some("0912345678".into()),
            identity: None,
        }
    );
    assert_eq!(deleted, Ok(1));
    assert_eq!(
        t.raw
            .scalar("SELECT COUNT(*) FROM sessions WHERE kind = 'citizen'")
            .await,
        1,
        "sessions still follow their account (ON DELETE CASCADE after the rebuild)"
    );
    t.teardown().await;
}

async fn phone_accounts_and_their_sessions_survive_the_migration(engine: Engine) {
    // Arrange: the database as it was before this migration, with a phone account signed in.
    let t = TestDb::new(engine).await;
    let dir = match engine {
        Engine::Sqlite => "sqlite",
        Engine::Postgres => "postgres",
    };
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(dir);
    let mut before = sqlx::migrate::Migrator::new(source)
        .await
        .expect("the migrations");
    let older: Vec<_> = before
        .migrations
        .iter()
        .filter(|m| m.version < 20261207000001)
        .cloned()
        .collect();
    before.migrations = std::borrow::Cow::Owned(older);
    match &t.raw {
        crate::helpers::Raw::Sqlite(pool) => before.run(pool).await,
        crate::helpers::Raw::Postgres(pool) => before.run(pool).await,
    }
    .expect("the older migrations");
    let id =
        t.db.upsert_citizen("0912345678", Utc::now())
            .await
            .expect("phone account");
    let now = Utc::now();
    t.db.insert_session(&NewSession {
        token_hash: "before".into(),
        owner: NewSessionOwner::Citizen(id),
        csrf_token: "csrf".into(),
        client_ip: None,
        created_at: now,
        idle_seconds: 3600,
        expires_at: now + chrono::Duration::hours(1),
    })
    .await
    .expect("session");
    // Act
    t.db.migrate().await.expect("this migration");
    let owner = t.db.find_session("before").await.expect("find");
    let deleted = t
        .raw
        .exec("DELETE FROM citizen_accounts WHERE phone = '0912345678'")
        .await;
    // Assert
    assert_eq!(
        owner.map(|s| s.owner),
        Some(SessionOwner::Citizen {
            id,
            phone: Some("0912345678".into()),
            identity: None,
        }),
        "the account and its session are kept"
    );
    assert_eq!(deleted, Ok(1));
    assert_eq!(
        t.raw.scalar("SELECT COUNT(*) FROM sessions").await,
        0,
        "the session still follows its account"
    );
    t.teardown().await;
}
