//! The authorization matrix (issues 7 and 16): every API route × every kind of caller → allowed or
//! denied, in one table. The routes come from the OpenAPI document, so a route missing from [`MATRIX`]
//! fails the test. To add a route: one [`Row`] (its route as `METHOD /path`, who may call it, the concrete
//! path and body); the placeholders `{code}` (the owner's dossier, received and waiting for amendments),
//! `{phone}` (its phone), `{pdf}` (an uploaded file's hash, attached to the dossier), `{attachment_id}`
//! (that attachment), `{document_id}` and `{verify_code}` (the request-for-amendments letter) and
//! `{staff_id}` (a spare staff account) are filled in.
//!
//! The identity dimension (issue 16): besides staff, the callers are nobody (`Anonymous`), the dossier's
//! owner signed in with the dossier's phone, another citizen signed in, the business's owner and another
//! person signed in with the national e-identity (`IdentityOwner`, `OtherIdentity`), someone who knows the code and the dossier's phone and
//! nothing more (`CodeOnly`: every request of theirs carries `?phone=` and the phone in its body, the
//! old proof), and someone holding the dossier-scoped access (`Scoped`: the cookie of
//! `POST /api/v1/dossiers/{code}/access/verify`). The look-up is allowed to everyone; who sees the whole
//! status rather than the public view is checked at the end.
//!
//! Allowed: the answer is not 401/403 (nor 404 when the row says a denial looks like "not found").
//! Denied: 401, 403 or (for such rows) 404. Every request carries the caller's cookie and CSRF token.

use axum::http::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

use crate::{
    helpers::{Engine, TestDb, TestServer, body_json, both_backends, send},
    signin::{Session, add_staff, admin_session, staff_session},
};

/// Who calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Who {
    Anonymous,
    CitizenOwner,
    OtherCitizen,
    CodeOnly,
    Scoped,
    IdentityOwner,
    OtherIdentity,
    CommuneOfficer,
    OtherCommuneOfficer,
    TradeOfficer,
    Supervisor,
    Administrator,
}
use Who::*;

const EVERYONE: &[Who] = &[
    Anonymous,
    CitizenOwner,
    OtherCitizen,
    CodeOnly,
    Scoped,
    IdentityOwner,
    OtherIdentity,
    CommuneOfficer,
    OtherCommuneOfficer,
    TradeOfficer,
    Supervisor,
    Administrator,
];
const CITIZENS: &[Who] = &[CitizenOwner, OtherCitizen, IdentityOwner, OtherIdentity];
/// Who may send files (issue 17): anyone signed in, or holding a dossier-scoped access.
const UPLOADERS: &[Who] = &[
    CitizenOwner,
    OtherCitizen,
    Scoped,
    IdentityOwner,
    OtherIdentity,
    CommuneOfficer,
    OtherCommuneOfficer,
    TradeOfficer,
    Supervisor,
    Administrator,
];
const STAFF: &[Who] = &[
    CommuneOfficer,
    OtherCommuneOfficer,
    TradeOfficer,
    Supervisor,
    Administrator,
];
const ADMIN: &[Who] = &[Administrator];
/// Staff who read the dossier's commune.
const DOSSIER_READERS: &[Who] = &[CommuneOfficer, Supervisor];
/// Who may act on it.
const DOSSIER_OFFICER: &[Who] = &[CommuneOfficer];
/// Who reads the audit log of the dossier's commune.
const AUDITORS: &[Who] = &[Supervisor, Administrator];
/// Who reads and answers the whole dossier: its owner signed in (the phone on it, or the business
/// owner's identity number), or the dossier-scoped access.
const DOSSIER_OWNERS: &[Who] = &[CitizenOwner, IdentityOwner, Scoped];

/// What a request sends.
#[derive(Clone, Copy)]
pub(crate) enum Body {
    None,
    Json(fn(&Fixture, Who) -> Value),
    Pdf,
}

/// One route of the matrix.
pub(crate) struct Row {
    /// `METHOD /path` as in the OpenAPI document.
    pub(crate) route: &'static str,
    /// Who may call it.
    pub(crate) allow: &'static [Who],
    /// The concrete path, with placeholders.
    pub(crate) path: &'static str,
    /// The body.
    pub(crate) body: Body,
    /// A denial answers 404 (nothing tells the resource exists).
    pub(crate) deny_as_404: bool,
}

const fn row(route: &'static str, allow: &'static [Who], path: &'static str, body: Body) -> Row {
    Row {
        route,
        allow,
        path,
        body,
        deny_as_404: false,
    }
}

/// A row whose denials answer 404 (the dossier looks unknown to whoever may not see it).
const fn hidden(route: &'static str, allow: &'static [Who], path: &'static str, body: Body) -> Row {
    Row {
        route,
        allow,
        path,
        body,
        deny_as_404: true,
    }
}

/// The matrix. Rows run in this order; `DELETE /api/v1/session` ends the sessions, so it stays last.
pub(crate) const MATRIX: &[Row] = &[
    row(
        "GET /api/v1/procedures",
        EVERYONE,
        "/api/v1/procedures",
        Body::None,
    ),
    row(
        "POST /api/v1/validate/{procedure}",
        EVERYONE,
        "/api/v1/validate/cham-dut-ho-kinh-doanh",
        Body::Json(|_, _| json!({"form": {}})),
    ),
    row(
        "PUT /api/v1/uploads/{sha256}",
        UPLOADERS,
        "/api/v1/uploads/{pdf}",
        Body::Pdf,
    ),
    row(
        "GET /api/v1/uploads/{sha256}",
        UPLOADERS,
        "/api/v1/uploads/{pdf}",
        Body::None,
    ),
    row(
        "POST /api/v1/dossiers",
        // The termination of the owner's business, as its owner: only the owner signed in, by the
        // registry's phone or identity number. Another citizen or identity is refused (403), staff may
        // file only at the counter with the citizen's code (403), nobody signed in is told to sign in
        // (401).
        &[CitizenOwner, IdentityOwner],
        "/api/v1/dossiers",
        Body::Json(|f, who| {
            let mut body = crate::dossiers::termination_of(&f.owner_phone);
            if matches!(who, OtherCitizen | OtherIdentity) {
                body["form"]["filer_phone"] = json!(OTHER_PHONE);
                body["applicant"]["phone"] = json!(OTHER_PHONE);
            }
            body
        }),
    ),
    row(
        // Everyone reads the public view; who reads the whole status is checked after the matrix.
        "GET /api/v1/dossiers/{code}",
        EVERYONE,
        "/api/v1/dossiers/{code}",
        Body::None,
    ),
    row(
        "GET /api/v1/dossiers/{code}/receipt.pdf",
        DOSSIER_OWNERS,
        "/api/v1/dossiers/{code}/receipt.pdf",
        Body::None,
    ),
    row(
        // Anyone may have a code texted to the dossier's phone (limited per dossier and address).
        "POST /api/v1/dossiers/{code}/access",
        EVERYONE,
        "/api/v1/dossiers/{code}/access",
        Body::None,
    ),
    row(
        // Five digits: 422 for everyone, nothing spent.
        "POST /api/v1/dossiers/{code}/access/verify",
        EVERYONE,
        "/api/v1/dossiers/{code}/access/verify",
        Body::Json(|_, _| json!({"code": "12345"})),
    ),
    row(
        "GET /api/v1/hkd/names/check",
        EVERYONE,
        "/api/v1/hkd/names/check?commune=21025&name=H%E1%BB%99%20kinh%20doanh%20A",
        Body::None,
    ),
    row(
        "GET /api/v1/hkd/{code}",
        EVERYONE,
        "/api/v1/hkd/051085012345",
        Body::None,
    ),
    row(
        "POST /api/v1/auth/otp",
        EVERYONE,
        "/api/v1/auth/otp",
        Body::Json(|_, _| json!({"phone": "0900000009"})),
    ),
    row(
        "POST /api/v1/auth/otp/verify",
        EVERYONE,
        "/api/v1/auth/otp/verify",
        Body::Json(|_, _| json!({"phone": "0900000009", "code": "12345"})),
    ),
    row(
        "GET /api/v1/auth/vneid/start",
        EVERYONE,
        "/api/v1/auth/vneid/start?next=/ho-so",
        Body::None,
    ),
    row(
        "GET /api/v1/auth/vneid/callback",
        EVERYONE,
        "/api/v1/auth/vneid/callback?code=x&state=y",
        Body::None,
    ),
    row(
        "POST /api/v1/auth/staff",
        EVERYONE,
        "/api/v1/auth/staff",
        Body::Json(|f, _| json!({"username": "spare", "password": f.spare_password})),
    ),
    row(
        "POST /api/v1/auth/staff/password",
        STAFF,
        "/api/v1/auth/staff/password",
        // The caller's own password, a new one too short: 422 for staff, 401 for others.
        Body::Json(|f, who| json!({"current_password": f.password(who), "new_password": "ngắn"})),
    ),
    row(
        "GET /api/v1/session",
        EVERYONE,
        "/api/v1/session",
        Body::None,
    ),
    row(
        "GET /api/v1/me/dossiers",
        CITIZENS,
        "/api/v1/me/dossiers",
        Body::None,
    ),
    row(
        "GET /api/v1/admin/staff",
        ADMIN,
        "/api/v1/admin/staff",
        Body::None,
    ),
    row(
        "POST /api/v1/admin/staff",
        ADMIN,
        "/api/v1/admin/staff",
        // Invalid on purpose: 422 for the administrator, nothing created.
        Body::Json(|_, _| json!({"username": "x", "display_name": "", "role": "supervisor"})),
    ),
    row(
        "PATCH /api/v1/admin/staff/{id}",
        ADMIN,
        "/api/v1/admin/staff/{staff_id}",
        Body::Json(|_, _| json!({})),
    ),
    row(
        "POST /api/v1/admin/staff/{id}/password",
        ADMIN,
        "/api/v1/admin/staff/{staff_id}/password",
        Body::None,
    ),
    row(
        "GET /api/v1/push/public-key",
        EVERYONE,
        "/api/v1/push/public-key",
        Body::None,
    ),
    row(
        "POST /api/v1/me/push-subscriptions",
        // The notices of a dossier's phone: its owner or its scoped access, not a code and a phone.
        DOSSIER_OWNERS,
        "/api/v1/me/push-subscriptions?code={code}",
        Body::Json(|_, _| push_subscription()),
    ),
    row(
        "DELETE /api/v1/me/push-subscriptions",
        EVERYONE,
        "/api/v1/me/push-subscriptions",
        Body::Json(|_, _| push_subscription()),
    ),
    row(
        "GET /api/v1/me/inbox",
        CITIZENS,
        "/api/v1/me/inbox",
        Body::None,
    ),
    row(
        "POST /api/v1/me/inbox/read",
        CITIZENS,
        "/api/v1/me/inbox/read",
        Body::None,
    ),
    row(
        // Another citizen's message id changes nothing (204): the inbox is the caller's own.
        "POST /api/v1/me/inbox/{id}/read",
        CITIZENS,
        "/api/v1/me/inbox/1/read",
        Body::None,
    ),
    row(
        "POST /api/v1/staff/assisted/otp",
        // Officers who receive dossiers text a citizen at the counter a confirmation code (the
        // jurisdiction is checked when the dossier is submitted); supervisors and administrators do not.
        &[CommuneOfficer, OtherCommuneOfficer, TradeOfficer],
        "/api/v1/staff/assisted/otp",
        Body::Json(|_, _| json!({"phone": "0900000008"})),
    ),
    row(
        "GET /api/v1/staff/dossiers",
        // Every staff member gets the queue of their own jurisdictions (an administrator's is empty).
        STAFF,
        "/api/v1/staff/dossiers",
        Body::None,
    ),
    hidden(
        "GET /api/v1/staff/dossiers/{code}",
        DOSSIER_READERS,
        "/api/v1/staff/dossiers/{code}",
        Body::None,
    ),
    hidden(
        "POST /api/v1/staff/dossiers/{code}/actions",
        // The officer's answer is 409 (nothing to deliver yet): allowed, and nothing moves. The
        // supervisor reads the dossier but may not act (403).
        DOSSIER_OFFICER,
        "/api/v1/staff/dossiers/{code}/actions",
        Body::Json(|_, _| json!({"action": "deliver"})),
    ),
    hidden(
        "GET /api/v1/staff/dossiers/{code}/attachments/{id}",
        DOSSIER_READERS,
        "/api/v1/staff/dossiers/{code}/attachments/{attachment_id}",
        Body::None,
    ),
    row(
        "GET /api/v1/dossiers/{code}/documents/{id}",
        // The owner signed in, the scoped access, and the staff who read the dossier.
        &[
            CitizenOwner,
            IdentityOwner,
            Scoped,
            CommuneOfficer,
            Supervisor,
        ],
        "/api/v1/dossiers/{code}/documents/{document_id}",
        Body::None,
    ),
    row(
        "GET /api/v1/staff/audit",
        AUDITORS,
        "/api/v1/staff/audit?dossier={code}",
        Body::None,
    ),
    row(
        "GET /api/v1/dossiers/{code}/supplement",
        DOSSIER_OWNERS,
        "/api/v1/dossiers/{code}/supplement",
        Body::None,
    ),
    row(
        "POST /api/v1/dossiers/{code}/resubmissions",
        // The phone in the body proves nothing: the owner and the scoped access reach the form, which
        // is empty (422), so nothing moves.
        DOSSIER_OWNERS,
        "/api/v1/dossiers/{code}/resubmissions",
        Body::Json(|f, _| json!({"phone": f.owner_phone, "form_version": "tt68_mau4", "form": {}})),
    ),
    row(
        // The code (of the fixture's letter) is the permission.
        "GET /api/v1/verify/{code}",
        EVERYONE,
        "/api/v1/verify/{verify_code}",
        Body::None,
    ),
    row(
        "DELETE /api/v1/session",
        EVERYONE,
        "/api/v1/session",
        Body::None,
    ),
];

/// A well-formed browser subscription (a P-256 point's shape, a 16-byte secret) to a local endpoint.
fn push_subscription() -> Value {
    json!({
        "endpoint": "http://127.0.0.1:9/push/authz",
        "keys": {
            "p256dh": "BAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0-P0A",
            "auth": "AAECAwQFBgcICQoLDA0ODw"
        }
    })
}

/// The callers and what the rows refer to.
pub(crate) struct Fixture {
    sessions: Vec<(Who, Session, String)>,
    /// The owner's dossier code.
    pub(crate) code: String,
    /// The owner's phone.
    pub(crate) owner_phone: String,
    /// A PDF uploaded before.
    pub(crate) pdf: Vec<u8>,
    /// The spare staff account's id and password.
    pub(crate) spare_id: String,
    pub(crate) spare_password: String,
    /// The dossier's attachment and its letter (ids).
    pub(crate) attachment_id: i64,
    pub(crate) document_id: i64,
    /// The letter's verification code.
    pub(crate) verify_code: String,
}

impl Fixture {
    fn session(&self, who: Who) -> Option<&Session> {
        self.sessions
            .iter()
            .find(|(w, _, _)| *w == who)
            .map(|(_, s, _)| s)
    }

    /// The staff caller's password (empty for others).
    pub(crate) fn password(&self, who: Who) -> String {
        self.sessions
            .iter()
            .find(|(w, _, _)| *w == who)
            .map(|(_, _, p)| p.clone())
            .unwrap_or_default()
    }

    fn path(&self, template: &str) -> String {
        template
            .replace("{code}", &self.code)
            .replace("{phone}", &self.owner_phone)
            .replace("{pdf}", &hex::encode(Sha256::digest(&self.pdf)))
            .replace("{staff_id}", &self.spare_id)
            .replace("{attachment_id}", &self.attachment_id.to_string())
            .replace("{document_id}", &self.document_id.to_string())
            .replace("{verify_code}", &self.verify_code)
    }
}

/// The dossier's commune (the termination notice's office) and another one.
const DOSSIER_COMMUNE: &str = "21025";
/// The other citizen's phone.
const OTHER_PHONE: &str = "0987654321";

async fn fixture(app: &TestServer, t: &TestDb) -> Fixture {
    let owner_phone = "0912345678".to_owned();
    let mut pdf = b"%PDF-1.7\n".to_vec();
    pdf.extend_from_slice(&[b'0'; 2000]);
    pdf.extend_from_slice(b"\n%%EOF\n");
    let sha256 = hex::encode(Sha256::digest(&pdf));
    // The owner sends the file (uploads need a signed-in person, issue 17).
    let uploader = app.citizen(&owner_phone).await;
    let res = send(
        app,
        "PUT",
        &format!("/api/v1/uploads/{sha256}"),
        &uploader.headers(),
        pdf.clone(),
    )
    .await;
    assert!(res.status().is_success());
    // Filed by an heir, with the death certificate: a dossier with a file.
    let mut body = crate::dossiers::termination_of(&owner_phone);
    body["form"]["signatory"] = json!("heir");
    body["form"]["attachments"] = json!([{
        "kind": "death_certificate_or_court_decision",
        "media_type": "application/pdf",
        "size_bytes": pdf.len(),
        "sha256": sha256,
        "file_name": "giay-chung-tu.pdf"
    }]);
    crate::helpers::seed_business(t, "051085012345", &owner_phone).await;
    let owner = app.citizen(&owner_phone).await;
    let res = send(
        app,
        "POST",
        "/api/v1/dossiers",
        &crate::helpers::submit_headers(&owner, &uuid::Uuid::new_v4().to_string()),
        serde_json::to_vec(&body).expect("JSON"),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let receipt = body_json(res).await;
    let code = receipt["code"].as_str().expect("code").to_owned();
    assert_eq!(
        receipt["jurisdiction"]["code"]
            .as_str()
            .unwrap_or(DOSSIER_COMMUNE),
        DOSSIER_COMMUNE,
        "{receipt}"
    );
    let other_commune = domain::data::communes()
        .map(|c| c.code.to_string())
        .find(|c| c != DOSSIER_COMMUNE)
        .expect("another commune");

    let mut sessions = Vec::new();
    sessions.push((CitizenOwner, owner, String::new()));
    sessions.push((OtherCitizen, app.citizen(OTHER_PHONE).await, String::new()));
    // Signed in with the national e-identity: the business's owner, and someone else.
    sessions.push((
        IdentityOwner,
        crate::helpers::vneid_citizen(t, crate::helpers::SEEDED_OWNER_ID, None).await,
        String::new(),
    ));
    sessions.push((
        OtherIdentity,
        crate::helpers::vneid_citizen(t, "051090000145", None).await,
        String::new(),
    ));
    // The dossier-scoped access: the code texted to the dossier's phone, its cookie.
    let res = send(
        app,
        "POST",
        &format!("/api/v1/dossiers/{code}/access"),
        &[],
        vec![],
    )
    .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let texted = crate::signin::last_code(t, &owner_phone);
    let res = send(
        app,
        "POST",
        &format!("/api/v1/dossiers/{code}/access/verify"),
        &[("content-type", "application/json")],
        serde_json::to_vec(&json!({"code": texted})).expect("JSON"),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let scoped = crate::helpers::header(&res, "set-cookie")
        .split(';')
        .next()
        .expect("the cookie")
        .to_owned();
    sessions.push((
        Scoped,
        Session {
            cookie: scoped,
            csrf: String::new(),
        },
        String::new(),
    ));
    for (who, name, role, jurisdiction) in [
        (
            CommuneOfficer,
            "canbo.xa",
            "commune_officer",
            DOSSIER_COMMUNE,
        ),
        (
            OtherCommuneOfficer,
            "canbo.xakhac",
            "commune_officer",
            other_commune.as_str(),
        ),
        (TradeOfficer, "canbo.so", "trade_officer", "SCT"),
        (Supervisor, "giamsat", "supervisor", DOSSIER_COMMUNE),
    ] {
        let password = add_staff(t, name, role, &[jurisdiction]).await;
        sessions.push((who, staff_session(app, name, &password).await, password));
    }
    sessions.push((
        Administrator,
        admin_session(app).await,
        "quản trị viên 2026".to_owned(),
    ));
    let spare_password = add_staff(t, "spare", "supervisor", &[DOSSIER_COMMUNE]).await;
    let spare_id = t
        .raw
        .text(
            "SELECT CAST(id AS TEXT) FROM staff_accounts WHERE username = $1",
            "spare",
        )
        .await;
    // The officer receives the dossier and asks for amendments: it has a letter, and an open request.
    let officer = &sessions
        .iter()
        .find(|(w, _, _)| *w == CommuneOfficer)
        .expect("officer")
        .1;
    for action in [
        json!({"action": "receive"}),
        json!({"action": "request_supplement", "items": [
            {"target": "attachment:death_certificate_or_court_decision", "note": "Ảnh mờ, hãy chụp lại."}
        ]}),
    ] {
        let res = send(
            app,
            "POST",
            &format!("/api/v1/staff/dossiers/{code}/actions"),
            &[
                ("cookie", &officer.cookie),
                ("x-csrf-token", &officer.csrf),
                ("content-type", "application/json"),
            ],
            serde_json::to_vec(&action).expect("JSON"),
        )
        .await;
        assert_eq!(res.status(), StatusCode::OK, "{action}");
    }
    let attachment_id = t.raw.scalar("SELECT MAX(id) FROM attachments").await;
    let document_id = t.raw.scalar("SELECT MAX(id) FROM dossier_documents").await;
    let verify_code = t
        .raw
        .text(
            "SELECT verify_code FROM dossier_documents WHERE kind = $1",
            "supplement_request",
        )
        .await;
    Fixture {
        sessions,
        code,
        owner_phone,
        pdf,
        spare_id,
        spare_password,
        attachment_id,
        document_id,
        verify_code,
    }
}

both_backends!(
    every_api_route_allows_exactly_the_callers_of_its_row,
    only_the_owner_and_the_scoped_access_read_the_whole_status,
);

async fn every_api_route_allows_exactly_the_callers_of_its_row(engine: Engine) {
    let t = TestDb::new(engine).await;
    let app = TestServer::start(&t).await;

    // Every route of the OpenAPI document has a row, and every row a route.
    let doc = body_json(send(&app, "GET", "/api/v1/openapi.json", &[], vec![]).await).await;
    let mut documented: Vec<String> = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("operations").keys() {
            documented.push(format!("{} {path}", method.to_uppercase()));
        }
    }
    let missing: Vec<&String> = documented
        .iter()
        .filter(|r| !MATRIX.iter().any(|row| row.route == *r))
        .collect();
    assert!(
        missing.is_empty(),
        "routes without a row in the authorization matrix (server/tests/api/authz.rs, MATRIX): {missing:?}"
    );
    let stale: Vec<&str> = MATRIX
        .iter()
        .map(|row| row.route)
        .filter(|r| !documented.iter().any(|d| d == r))
        .collect();
    assert!(
        stale.is_empty(),
        "rows of routes that do not exist: {stale:?}"
    );

    let f = fixture(&app, &t).await;
    let mut wrong = Vec::new();
    for row in MATRIX {
        let (method, _) = row.route.split_once(' ').expect("METHOD /path");
        for &who in EVERYONE {
            let mut headers: Vec<(&str, &str)> = Vec::new();
            if let Some(session) = f.session(who) {
                headers.extend_from_slice(&session.headers());
            }
            let key = uuid::Uuid::new_v4().to_string();
            headers.push(("idempotency-key", &key));
            let body = match row.body {
                Body::None => Vec::new(),
                Body::Json(make) => {
                    headers.push(("content-type", "application/json"));
                    serde_json::to_vec(&make(&f, who)).expect("JSON")
                }
                Body::Pdf => f.pdf.clone(),
            };
            let mut path = f.path(row.path);
            if who == CodeOnly {
                // All that the code and the phone on the shop's sign gave before.
                path.push(if path.contains('?') { '&' } else { '?' });
                path.push_str(&format!("phone={}", f.owner_phone));
            }
            let res = send(&app, method, &path, &headers, body).await;
            let status = res.status();
            let denied = status == StatusCode::UNAUTHORIZED
                || status == StatusCode::FORBIDDEN
                || (row.deny_as_404 && status == StatusCode::NOT_FOUND);
            let allowed = row.allow.contains(&who);
            if allowed == denied {
                let text = res.text().await.unwrap_or_default();
                wrong.push(format!(
                    "{} as {who:?}: {status} (expected {}) {}",
                    row.route,
                    if allowed { "allowed" } else { "denied" },
                    text.chars().take(200).collect::<String>()
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "authorization matrix mismatches:\n{}",
        wrong.join("\n")
    );
    t.teardown().await;
}

/// The look-up answers everyone: the public view, or the whole status to the dossier's owner and its
/// scoped access.
async fn only_the_owner_and_the_scoped_access_read_the_whole_status(engine: Engine) {
    let t = TestDb::new(engine).await;
    let app = TestServer::start(&t).await;
    let f = fixture(&app, &t).await;
    for &who in EVERYONE {
        let mut headers: Vec<(&str, &str)> = Vec::new();
        if let Some(session) = f.session(who) {
            headers.extend_from_slice(&session.cookie());
        }
        let path = if who == CodeOnly {
            format!("/api/v1/dossiers/{}?phone={}", f.code, f.owner_phone)
        } else {
            format!("/api/v1/dossiers/{}", f.code)
        };
        let res = send(&app, "GET", &path, &headers, vec![]).await;
        assert_eq!(res.status(), StatusCode::OK, "{who:?}");
        let status = body_json(res).await;
        let expected = if DOSSIER_OWNERS.contains(&who) {
            "full"
        } else {
            "public"
        };
        assert_eq!(status["view"], expected, "{who:?}: {status}");
        if expected == "public" {
            assert!(status.get("documents").is_none(), "{who:?}: {status}");
            assert!(
                status["timeline"]
                    .as_array()
                    .expect("timeline")
                    .iter()
                    .all(|e| e.get("note").is_none()),
                "{who:?}: {status}"
            );
        } else {
            assert_eq!(
                status["documents"].as_array().map(Vec::len),
                Some(1),
                "{who:?}: the letter"
            );
        }
    }
    t.teardown().await;
}
