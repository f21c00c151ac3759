//! Who may read a dossier (issue 16). A dossier code is printed on receipts and letters and counts up
//! per office and day, so it is public: with it alone, `GET /api/v1/dossiers/{code}` shows the state,
//! the dates and the office, nothing personal. Everything else of a dossier — the timeline's notes, the
//! documents, the receipt PDF, the open request for amendments, a resubmission, a push subscription for
//! its phone — needs one of:
//!
//! - the **owner**: a signed-in citizen whose account filed it, whose verified identity number is the
//!   filer's or the business owner's on it, or whose proved phone is the dossier's;
//! - a **dossier-scoped access**: `POST /api/v1/dossiers/{code}/access` texts a one-time code to the
//!   dossier's phone (the limits of sign-in codes, under the key `dossier:<CODE>`), and
//!   `POST /api/v1/dossiers/{code}/access/verify` with it sets a cookie `motcua_dossier_<CODE>` (a random
//!   token, kept only as its SHA-256 in `dossier_access`) that reads that dossier only, for an hour.
//!
//! Both routes count against the per-address look-up limit, like every route that takes a code.

use axum::{
    Json, Router,
    extract::{Path, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
    routing::post,
};
use chrono::Utc;
use domain::api::{ApiError, DossierAccessGranted, DossierAccessVerify, OtpSent};

use crate::{
    AppState,
    auth::{ClientIp, Viewer},
    error::AppError,
    rate_limit::{self, RateLimiter},
    store::{StoredDossier, access::NewDossierAccess},
};

/// How long a dossier-scoped access lasts.
pub(crate) const ACCESS_MINUTES: i64 = 60;

pub(crate) fn router(limiter: RateLimiter) -> Router<AppState> {
    Router::new()
        .route("/api/v1/dossiers/{code}/access", post(request_access))
        .route("/api/v1/dossiers/{code}/access/verify", post(verify_access))
        .layer(axum::middleware::from_fn_with_state(
            limiter,
            rate_limit::limit,
        ))
}

/// How a reader came to see a whole dossier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reader {
    /// The owner, signed in.
    Owner,
    /// A dossier-scoped access to this dossier.
    Scoped,
}

/// The code as stored (upper case, no spaces around).
pub(crate) fn normalise(code: &str) -> String {
    code.trim().to_uppercase()
}

/// Whether a signed-in citizen owns a dossier: their account filed it, their verified identity number
/// is its filer's or its business owner's, or their proved phone is its phone.
pub(crate) fn owns(viewer: &Viewer, d: &StoredDossier) -> bool {
    let Viewer::Citizen(c) = viewer else {
        return false;
    };
    let account = c.account_id.hyphenated().to_string();
    let by_account = d
        .filer_account_id
        .as_deref()
        .is_some_and(|a| a.eq_ignore_ascii_case(&account));
    let by_identity = c.identity.as_ref().is_some_and(|id| {
        let n = id.identity_number.trim();
        !n.is_empty()
            && (d.filer_identity.as_deref() == Some(n) || d.owner_identity.as_deref() == Some(n))
    });
    by_account || by_identity || c.has_phone(&d.applicant_phone)
}

/// Whether the request carries a live dossier-scoped access to this dossier.
pub(crate) async fn has_scoped_access(
    state: &AppState,
    headers: &HeaderMap,
    code: &str,
) -> Result<bool, AppError> {
    let Some(name) = crate::auth::access_cookie_name(code) else {
        return Ok(false);
    };
    let Some(token) = crate::auth::cookie_value(headers, &name) else {
        return Ok(false);
    };
    let found = state
        .store
        .dossier_access(&crate::auth::token_hash(&token))
        .await?;
    Ok(found.is_some_and(|(scoped, until)| scoped == normalise(code) && until > Utc::now()))
}

/// How this request may read the whole dossier, if at all.
pub(crate) async fn reader(
    state: &AppState,
    viewer: &Viewer,
    headers: &HeaderMap,
    d: &StoredDossier,
    code: &str,
) -> Result<Option<Reader>, AppError> {
    if owns(viewer, d) {
        return Ok(Some(Reader::Owner));
    }
    if has_scoped_access(state, headers, code).await? {
        return Ok(Some(Reader::Scoped));
    }
    Ok(None)
}

/// The refusal of a private part of a dossier to someone who is neither its owner nor holds its scoped
/// access: 401 for nobody signed in, 403 for someone else.
pub(crate) fn not_yours(viewer: &Viewer) -> AppError {
    let vi = "Chỉ người nộp hồ sơ xem được phần này. Hãy đăng nhập bằng tài khoản đã nộp hồ sơ, \
              hoặc bấm «Xem chi tiết» để nhận mã xác nhận gửi đến số điện thoại của hồ sơ.";
    let en = "Only the dossier's owner may see this. Sign in with the account that filed it, or press \
              “See details” to get a confirmation code sent to the dossier's phone.";
    match viewer {
        Viewer::Anonymous => AppError::unauthorized(vi, en),
        _ => AppError::forbidden(vi, en),
    }
}

/// The dossier of a code, for its owner or a scoped access; 404 for an unknown code, [`not_yours`]
/// otherwise.
pub(crate) async fn private_dossier(
    state: &AppState,
    viewer: &Viewer,
    headers: &HeaderMap,
    code: &str,
) -> Result<(StoredDossier, Reader), AppError> {
    let d = state
        .store
        .find_dossier(&normalise(code))
        .await?
        .ok_or(AppError::NotFound)?;
    match reader(state, viewer, headers, &d, code).await? {
        Some(reader) => Ok((d, reader)),
        None => Err(not_yours(viewer)),
    }
}

/// The text with the code.
fn access_text(code: &str, minutes: u32) -> String {
    format!(
        "Một cửa Quảng Ngãi: mã xem hồ sơ của bạn là {code}, có hiệu lực {minutes} phút. \
         Không đưa mã này cho bất kỳ ai."
    )
}

fn key(code: &str) -> String {
    format!("dossier:{}", normalise(code))
}

#[utoipa::path(
    post,
    path = "/api/v1/dossiers/{code}/access",
    tag = "dossiers",
    params(("code" = String, Path, description = "The dossier code")),
    responses(
        (status = 202, description = "A code was texted to the dossier's phone", body = OtpSent),
        (status = 404, description = "No such dossier", body = ApiError),
        (status = 429, description = "Too many codes for this dossier or from this address, too soon after the last one, or too many look-ups", body = ApiError),
        (status = 503, description = "The SMS gateway failed", body = ApiError),
    )
)]
pub(crate) async fn request_access(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    let d = state
        .store
        .find_dossier(&normalise(&code))
        .await?
        .ok_or(AppError::NotFound)?;
    let sent = crate::routes::auth::issue_code(
        &state,
        &key(&code),
        &d.applicant_phone,
        client,
        access_text,
    )
    .await?;
    Ok((StatusCode::ACCEPTED, Json(sent)).into_response())
}

#[utoipa::path(
    post,
    path = "/api/v1/dossiers/{code}/access/verify",
    tag = "dossiers",
    params(("code" = String, Path, description = "The dossier code")),
    request_body = DossierAccessVerify,
    responses(
        (status = 200, description = "The access cookie is set; it reads this dossier only", body = DossierAccessGranted),
        (status = 401, description = "Wrong, expired or used code", body = ApiError),
        (status = 404, description = "No such dossier", body = ApiError),
        (status = 422, description = "Not 6 digits", body = ApiError),
        (status = 429, description = "Too many wrong codes, or too many look-ups from this address", body = ApiError),
    )
)]
pub(crate) async fn verify_access(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    Path(code): Path<String>,
    Json(body): Json<DossierAccessVerify>,
) -> Result<Response, AppError> {
    let code = normalise(&code);
    if state.store.find_dossier(&code).await?.is_none() {
        return Err(AppError::NotFound);
    }
    crate::routes::auth::spend_code(&state, &key(&code), &body.code).await?;
    let token = crate::auth::random_token();
    let now = Utc::now();
    let expires_at = now + chrono::Duration::minutes(ACCESS_MINUTES);
    state
        .store
        .insert_dossier_access(&NewDossierAccess {
            token_hash: crate::auth::token_hash(&token),
            dossier_code: code.clone(),
            client_ip: client.map(|ip| ip.to_string()),
            created_at: now,
            expires_at,
        })
        .await?;
    let cookie = state.auth.access_cookie(&code, &token, ACCESS_MINUTES * 60);
    Ok((
        [
            (header::SET_COOKIE, cookie),
            (
                header::CACHE_CONTROL,
                axum::http::HeaderValue::from_static("no-store"),
            ),
        ],
        Json(DossierAccessGranted {
            code,
            expires_at: expires_at.to_rfc3339(),
        }),
    )
        .into_response())
}
