//! Notifications as the phone sees them: the server's VAPID public key, the browser's push subscription
//! (`POST`/`DELETE /api/v1/me/push-subscriptions`) and the in-app inbox (`/api/v1/me/inbox`).
//!
//! A subscription belongs to a phone number. A browser proves the number either by a citizen's session
//! or, before anyone signs in, the way the look-up does: a dossier's code and the phone number on it
//! (`?code=…&phone=…`, rate-limited per address like every look-up). Whoever holds a subscription's
//! endpoint (an unguessable URL the push service made for that browser) may delete it.

use axum::{
    Json, Router,
    body::Bytes,
    extract::{Query, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use base64::Engine as _;
use chrono::Utc;
use domain::{
    SoDienThoai,
    api::{ApiError, PushPublicKey, PushSubscription},
};
use serde::Deserialize;

use crate::{
    AppState,
    error::AppError,
    notify::VapidKeys,
    rate_limit::{self, RateLimiter},
    store::notify::PushTarget,
};

pub(crate) fn router(limiter: RateLimiter) -> Router<AppState> {
    Router::new()
        .route("/api/v1/push/public-key", get(public_key))
        .route(
            "/api/v1/me/push-subscriptions",
            post(subscribe).delete(unsubscribe),
        )
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

/// Which phone a subscription is for, when nobody is signed in.
#[derive(Debug, Deserialize)]
pub(crate) struct ProofQuery {
    /// A dossier code of that phone.
    code: Option<String>,
    /// The phone number on that dossier.
    phone: Option<String>,
}

#[utoipa::path(
    post,
    path = "/api/v1/me/push-subscriptions",
    tag = "notifications",
    params(
        ("code" = Option<String>, Query, description = "Without a citizen session: a dossier code of the phone"),
        ("phone" = Option<String>, Query, description = "Without a citizen session: the phone number on that dossier"),
    ),
    request_body = PushSubscription,
    responses(
        (status = 204, description = "Kept: the phone's notices now also come to this browser"),
        (status = 400, description = "Not a push subscription", body = ApiError),
        (status = 404, description = "No dossier of that code for that phone", body = ApiError),
        (status = 429, description = "Too many attempts from this address", body = ApiError),
    )
)]
pub(crate) async fn subscribe(
    State(state): State<AppState>,
    Query(proof): Query<ProofQuery>,
    body: Bytes,
) -> Result<StatusCode, AppError> {
    let target = target_of(&body)?;
    let phone = proven_phone(&state, proof).await?;
    state
        .store
        .save_push_subscription(&phone, &target, Utc::now())
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

/// The phone number a request proves: a dossier code with the phone on it.
async fn proven_phone(state: &AppState, proof: ProofQuery) -> Result<String, AppError> {
    let (Some(code), Some(phone)) = (proof.code, proof.phone) else {
        return Err(AppError::bad_request(
            "Cần mã hồ sơ và số điện thoại đã khai trong hồ sơ (tham số code và phone) để nhận thông báo.",
            "A dossier code and the phone number given in it (parameters code and phone) are needed to get notices.",
        ));
    };
    let phone = SoDienThoai::try_from(phone).map_err(|_| AppError::NotFound)?;
    state
        .store
        .dossier_status(&code.trim().to_uppercase(), phone.as_ref())
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(phone.as_ref().to_owned())
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
