//! Notifications as the phone sees them: the server's VAPID public key, the browser's push subscription
//! (`POST`/`DELETE /api/v1/me/push-subscriptions`) and the in-app inbox (`/api/v1/me/inbox`).
//!
//! A subscription belongs to a phone number: the signed-in citizen's proved phone, or, with `?code=…`,
//! the phone of that dossier for its owner signed in or a dossier-scoped access (`routes::access`;
//! rate-limited per address like every look-up). A code and a phone number prove nothing any more.
//! Whoever holds a subscription's endpoint (an unguessable URL the push service made for that browser)
//! may delete it. A subscription remembers the sign-in it was made under (the session, else the
//! dossier-scoped access), and signing out removes it (`routes::auth::sign_out`): on a shared device
//! the next person does not receive the previous citizen's notices.

use axum::{
    Json, Router,
    body::Bytes,
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use base64::Engine as _;
use chrono::Utc;
use domain::{
    Lang, Procedure,
    api::{ApiError, InboxItem, PushPublicKey, PushSubscription},
    calendar::VIETNAM_OFFSET,
    lifecycle::State as DossierState,
};
use serde::Deserialize;

use crate::{
    AppState,
    auth::{CitizenUser, CurrentSession, Viewer},
    error::AppError,
    notify::VapidKeys,
    rate_limit::{self, RateLimiter},
    store::notify::{InboxRow, PushTarget},
};

pub(crate) fn router(limiter: RateLimiter) -> Router<AppState> {
    Router::new()
        .route("/api/v1/push/public-key", get(public_key))
        .route(
            "/api/v1/me/push-subscriptions",
            post(subscribe).delete(unsubscribe),
        )
        .route("/api/v1/me/inbox", get(inbox))
        .route("/api/v1/me/inbox/read", post(read_all))
        .route("/api/v1/me/inbox/{id}/read", post(read_one))
        .layer(axum::middleware::from_fn_with_state(
            limiter,
            rate_limit::limit,
        ))
}

#[utoipa::path(
    get,
    path = "/api/v1/push/public-key",
    tag = "notifications",
    responses((status = 200, description = "The VAPID public key to subscribe with", body = PushPublicKey))
)]
pub(crate) async fn public_key(State(state): State<AppState>) -> Result<Response, AppError> {
    let keys = VapidKeys::load_or_create(state.store.as_ref()).await?;
    Ok((
        [(header::CACHE_CONTROL, "no-cache")],
        Json(PushPublicKey {
            public_key: keys.public_key,
        }),
    )
        .into_response())
}

#[utoipa::path(
    get,
    path = "/api/v1/me/inbox",
    tag = "notifications",
    responses(
        (status = 200, description = "The signed-in citizen's notices, newest first (at most 100), in the reader's language", body = Vec<InboxItem>),
        (status = 401, description = "No citizen is signed in", body = ApiError),
    )
)]
pub(crate) async fn inbox(
    State(state): State<AppState>,
    user: CitizenUser,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let lang = crate::error::request_lang(&headers);
    // Notices go to a dossier's phone: an account without a proved phone has none yet.
    let rows = match &user.phone {
        Some(phone) => state.store.inbox_items(phone, 100).await?,
        None => Vec::new(),
    };
    let items = rows
        .into_iter()
        .map(|row| inbox_item(row, lang))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(items)).into_response())
}

/// A stored message as the reader reads it.
fn inbox_item(row: InboxRow, lang: Lang) -> Result<InboxItem, AppError> {
    let parse = |what: &str, value: &str| {
        anyhow::anyhow!("unknown {what} {value:?} in the inbox of the database")
    };
    let procedure: Procedure =
        serde_json::from_value(serde_json::Value::String(row.procedure.clone()))
            .map_err(|_| parse("procedure", &row.procedure))?;
    let state: DossierState = serde_json::from_value(serde_json::Value::String(row.state.clone()))
        .map_err(|_| parse("state", &row.state))?;
    Ok(InboxItem {
        id: row.id,
        title: format!("{} {}", lang.pick("Hồ sơ", "Dossier"), row.code),
        body: crate::notify::body(procedure, state, row.note.as_deref(), lang),
        code: row.code,
        at: row.at.with_timezone(&VIETNAM_OFFSET).to_rfc3339(),
        read: row.read,
    })
}

#[utoipa::path(
    post,
    path = "/api/v1/me/inbox/{id}/read",
    tag = "notifications",
    params(("id" = i64, Path, description = "The message")),
    responses(
        (status = 204, description = "Read (also when it was read already or is not the citizen's)"),
        (status = 401, description = "No citizen is signed in", body = ApiError),
    )
)]
pub(crate) async fn read_one(
    State(state): State<AppState>,
    user: CitizenUser,
    Path(id): Path<i64>,
) -> Result<StatusCode, AppError> {
    if let Some(phone) = &user.phone {
        state
            .store
            .mark_inbox_read(phone, Some(id), Utc::now())
            .await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    post,
    path = "/api/v1/me/inbox/read",
    tag = "notifications",
    responses(
        (status = 204, description = "Every message of the citizen read"),
        (status = 401, description = "No citizen is signed in", body = ApiError),
    )
)]
pub(crate) async fn read_all(
    State(state): State<AppState>,
    user: CitizenUser,
) -> Result<StatusCode, AppError> {
    if let Some(phone) = &user.phone {
        state.store.mark_inbox_read(phone, None, Utc::now()).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Which dossier's phone a subscription is for.
#[derive(Debug, Deserialize)]
pub(crate) struct ProofQuery {
    /// A dossier code the caller owns or holds a scoped access to.
    code: Option<String>,
}

#[utoipa::path(
    post,
    path = "/api/v1/me/push-subscriptions",
    tag = "notifications",
    params(
        ("code" = Option<String>, Query, description = "A dossier whose phone's notices to receive: its owner signed in or a dossier-scoped access. Without it, the signed-in citizen's proved phone"),
    ),
    request_body = PushSubscription,
    responses(
        (status = 204, description = "Kept: the phone's notices now also come to this browser"),
        (status = 400, description = "Not a push subscription", body = ApiError),
        (status = 401, description = "Nobody signed in and no dossier-scoped access", body = ApiError),
        (status = 403, description = "Signed in, but not the dossier's owner (or no proved phone and no code)", body = ApiError),
        (status = 404, description = "No dossier of that code", body = ApiError),
        (status = 429, description = "Too many attempts from this address", body = ApiError),
    )
)]
pub(crate) async fn subscribe(
    State(state): State<AppState>,
    viewer: Viewer,
    CurrentSession(session): CurrentSession,
    headers: HeaderMap,
    Query(proof): Query<ProofQuery>,
    body: Bytes,
) -> Result<StatusCode, AppError> {
    let target = target_of(&body)?;
    let phone = match (&proof.code, &viewer) {
        (Some(code), _) => {
            let (d, _) =
                crate::routes::access::private_dossier(&state, &viewer, &headers, code).await?;
            d.applicant_phone
        }
        (
            None,
            Viewer::Citizen(CitizenUser {
                phone: Some(phone), ..
            }),
        ) => phone.clone(),
        (None, _) => return Err(crate::routes::access::not_yours(&viewer)),
    };
    // The sign-in it is made under, so that signing out on a shared device removes it: the session,
    // else the dossier-scoped access that proved the code.
    let made_by = session.map(|s| s.token_hash.clone()).or_else(|| {
        let code = proof.code.as_deref()?;
        let name = crate::auth::access_cookie_name(code)?;
        crate::auth::cookie_value(&headers, &name).map(|token| crate::auth::token_hash(&token))
    });
    state
        .store
        .save_push_subscription(&phone, &target, made_by.as_deref(), Utc::now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    delete,
    path = "/api/v1/me/push-subscriptions",
    tag = "notifications",
    request_body = PushSubscription,
    responses(
        (status = 204, description = "This browser gets no more notices (also when it had none)"),
        (status = 400, description = "Not a push subscription", body = ApiError),
    )
)]
pub(crate) async fn unsubscribe(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<StatusCode, AppError> {
    let target = target_of(&body)?;
    state
        .store
        .delete_push_subscription(&target.endpoint, None)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Checks a subscription as the browser sent it.
fn target_of(body: &[u8]) -> Result<PushTarget, AppError> {
    let Ok(sub) = serde_json::from_slice::<PushSubscription>(body) else {
        return Err(AppError::bad_request(
            "Thiếu thông tin đăng ký nhận thông báo (JSON của PushSubscription: endpoint và keys).",
            "The push subscription is missing (the JSON of a PushSubscription: endpoint and keys).",
        ));
    };
    let endpoint = sub.endpoint.trim();
    let local = ["http://127.0.0.1:", "http://localhost:", "http://[::1]:"]
        .iter()
        .any(|p| endpoint.starts_with(p));
    if !(endpoint.starts_with("https://") || local) || endpoint.len() > 2_000 {
        return Err(AppError::bad_request(
            "Địa chỉ dịch vụ thông báo (endpoint) phải là một địa chỉ https do trình duyệt cấp.",
            "The push endpoint must be an https address given by the browser.",
        ));
    }
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let decoded = |s: &str| b64.decode(s.trim().trim_end_matches('='));
    if !decoded(&sub.keys.p256dh).is_ok_and(|k| k.len() == 65 && k[0] == 4) {
        return Err(AppError::bad_request(
            "Khóa p256dh không hợp lệ: cần khóa công khai P-256 (65 byte, base64url) của trình duyệt.",
            "The p256dh key is invalid: the browser's P-256 public key (65 bytes, base64url) is expected.",
        ));
    }
    if !decoded(&sub.keys.auth).is_ok_and(|k| k.len() == 16) {
        return Err(AppError::bad_request(
            "Khóa auth không hợp lệ: cần 16 byte, base64url, như trình duyệt cấp.",
            "The auth secret is invalid: 16 bytes, base64url, as the browser gives it, are expected.",
        ));
    }
    Ok(PushTarget {
        endpoint: endpoint.to_owned(),
        p256dh: sub.keys.p256dh.trim().to_owned(),
        auth: sub.keys.auth.trim().to_owned(),
    })
}
