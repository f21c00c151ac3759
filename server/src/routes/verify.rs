//! `GET /api/v1/verify/{code}` — what an issued document says and whether it is in force, by the code
//! its QR code carries; the page `/verify/{code}` (rendered by `crate::pages` from the app's
//! `VerifyPage`) shows the same. Public: the code itself (128 random bits) is the permission.

use axum::{
    Json, Router,
    extract::{Path, State},
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
    routing::get,
};
use domain::{
    Lang,
    api::{ApiError, VerifiedDocument, VerifiedField},
    documents::DocumentKind,
    results::HkdStatus,
};

use crate::{
    AppState,
    error::AppError,
    issue::{Described, describe, is_verify_code, kind_of},
    routes::staff::vn_time,
};

pub(crate) fn router(limiter: crate::rate_limit::RateLimiter) -> Router<AppState> {
    // A code of 128 random bits cannot be guessed; limited per address anyway, as every route that
    // takes a code.
    Router::new()
        .route("/api/v1/verify/{code}", get(verify))
        .layer(axum::middleware::from_fn_with_state(
            limiter,
            crate::rate_limit::limit,
        ))
}

/// The document with this verification code, as the page and the API show it; `None` for a code no
/// document has (or that cannot be one).
///
/// # Errors
/// When the database fails or a stored document cannot be read.
pub(crate) async fn find(
    state: &AppState,
    code: &str,
) -> Result<Option<VerifiedDocument>, AppError> {
    let code = code.trim();
    if !is_verify_code(code) {
        return Ok(None);
    }
    let Some((dossier_code, row)) = state
        .store
        .documents_by_verify_code(code)
        .await?
        .into_iter()
        .next()
    else {
        return Ok(None);
    };
    let kind = kind_of(&row.kind)
        .ok_or_else(|| anyhow::anyhow!("unknown document kind {:?}", row.kind))?;
    let Described {
        issuer,
        form,
        fields,
    } = match &row.content_json {
        Some(json) => describe(kind, json)?,
        None => Described {
            issuer: String::new(),
            form: None,
            fields: Vec::new(),
        },
    };
    let business = match &row.hkd_code {
        Some(hkd) => state
            .store
            .find_hkd(hkd)
            .await?
            .and_then(|r| HkdStatus::parse(&r.status)),
        None => None,
    };
    let status = match (kind, row.is_current) {
        (DocumentKind::HkdCertificate, true) => {
            "Giấy chứng nhận này đang có hiệu lực: là giấy chứng nhận mới nhất của hộ kinh doanh."
        }
        (DocumentKind::HkdCertificate, false) if business == Some(HkdStatus::Terminated) => {
            "Giấy chứng nhận này không còn hiệu lực: hộ kinh doanh đã chấm dứt hoạt động."
        }
        (DocumentKind::HkdCertificate, false) => {
            "Giấy chứng nhận này không còn hiệu lực: đã được thay bằng giấy chứng nhận cấp sau \
             (Điều 85 khoản 5 Nghị định 168/2025/NĐ-CP)."
        }
        (DocumentKind::TerminationNotice, _) => {
            "Thông báo này do cơ quan đăng ký kinh doanh ban hành và được lưu trong hệ thống."
        }
        (_, _) => "Văn bản này do cơ quan có thẩm quyền ban hành và được lưu trong hệ thống.",
    };
    Ok(Some(VerifiedDocument {
        kind: row.kind.clone(),
        title: kind.name(Lang::Vi).to_owned(),
        number: row.number.clone(),
        form,
        issuer,
        issued_at: vn_time(row.issued_at),
        dossier_code,
        current: row.is_current,
        status: status.to_owned(),
        business_status: business.map(|s| s.label(Lang::Vi).to_owned()),
        fields: fields
            .into_iter()
            .map(|(label, value)| VerifiedField { label, value })
            .collect(),
    }))
}

#[utoipa::path(
    get,
    path = "/api/v1/verify/{code}",
    tag = "documents",
    params(("code" = String, Path, description = "The verification code printed as the document's QR code")),
    responses(
        (status = 200, description = "What the document says and whether it is in force", body = VerifiedDocument),
        (status = 404, description = "No document has this code", body = ApiError),
    )
)]
pub(crate) async fn verify(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    let document = find(&state, &code).await?.ok_or(AppError::NotFound)?;
    let mut res = Json(document).into_response();
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(res)
}
