//! Assisted submission (issue 7): an officer at the counter files a dossier for a citizen on the tablet,
//! and the citizen confirms it with a code texted to their own phone (`POST /api/v1/staff/assisted/otp`),
//! which the officer types into the submission (`SubmitDossier::assisted`). The code is kept under its
//! own key (`assisted:<phone>`), so it never signs anyone in as the citizen, and the dossier records the
//! channel `assisted` and the officer.

use axum::{
    Json, Router,
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::post,
};
use domain::api::{ApiError, OtpRequest, OtpSent, Role};

use crate::{
    AppState,
    auth::{ClientIp, StaffUser},
    error::AppError,
    routes::auth::{issue_code, mobile},
};

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/api/v1/staff/assisted/otp", post(send_code))
}

/// The key the confirmation code of `phone` is kept under.
pub(crate) fn code_key(phone: &str) -> String {
    format!("assisted:{phone}")
}

fn confirmation_text(code: &str, minutes: u32) -> String {
    format!(
        "Một cửa Quảng Ngãi: mã xác nhận hồ sơ cán bộ đang nộp giúp bạn tại Bộ phận Một cửa là {code} \
         (hiệu lực {minutes} phút). Chỉ đọc mã này cho cán bộ khi bạn đồng ý nộp hồ sơ."
    )
}

/// Only officers who take dossiers in (not supervisors, not administrators) file for citizens.
pub(crate) fn may_assist(user: &StaffUser) -> Result<(), AppError> {
    if matches!(user.role, Role::CommuneOfficer | Role::TradeOfficer) {
        Ok(())
    } else {
        Err(AppError::forbidden(
            "Chỉ cán bộ tiếp nhận hồ sơ (cấp xã hoặc Sở Công Thương) mới nộp hồ sơ giúp người dân.",
            "Only officers who receive dossiers (commune or Department of Industry and Trade) file for citizens.",
        ))
    }
}

#[utoipa::path(
    post,
    path = "/api/v1/staff/assisted/otp",
    tag = "staff",
    request_body = OtpRequest,
    responses(
        (status = 202, description = "The confirmation code was texted to the citizen", body = OtpSent),
        (status = 401, description = "Not signed in as staff", body = ApiError),
        (status = 403, description = "Not an officer who receives dossiers, or no X-CSRF-Token", body = ApiError),
        (status = 422, description = "Not a mobile number", body = ApiError),
        (status = 429, description = "Too soon after the last code, or too many codes; Retry-After says when", body = ApiError),
        (status = 503, description = "The SMS gateway failed", body = ApiError),
    )
)]
pub(crate) async fn send_code(
    State(state): State<AppState>,
    user: StaffUser,
    ClientIp(client): ClientIp,
    Json(body): Json<OtpRequest>,
) -> Result<Response, AppError> {
    may_assist(&user)?;
    let phone = mobile("phone", &body.phone)?;
    let sent = issue_code(
        &state,
        &code_key(phone.as_str()),
        phone.as_str(),
        client,
        confirmation_text,
    )
    .await?;
    tracing::info!(staff.username = %user.username, "assisted-submission code sent");
    Ok((StatusCode::ACCEPTED, Json(sent)).into_response())
}
