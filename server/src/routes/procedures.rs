//! `GET /api/v1/procedures` — the four procedures as `domain` describes them: requirements, processing
//! time, fees online and at the counter, legal basis. `POST /api/v1/validate/{procedure}` — the same
//! validation the phone runs, without creating anything.

use axum::{
    Json, Router,
    body::Bytes,
    extract::Path,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use chrono::Utc;
use domain::{
    Channel, FeeSchedule, Procedure, ProcessingTime, calendar::VIETNAM_OFFSET, forms::Context,
};
use serde::Serialize;

use domain::api::ApiError;

use crate::{
    AppState,
    error::{AppError, request_lang},
};

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/procedures", get(list))
        .route("/api/v1/validate/{procedure}", post(validate))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct ProcedureInfo {
    /// API name (`hkd_registration`).
    id: Procedure,
    /// URL segment of its page.
    slug: &'static str,
    name: &'static str,
    summary: &'static str,
    authority: &'static str,
    /// Working days from receipt; absent when the office only receives the dossier.
    processing_working_days: Option<u8>,
    processing_time: String,
    fee_online_vnd: u64,
    fee_counter_vnd: u64,
    requirements: Vec<&'static str>,
    legal_basis: Vec<LegalBasis>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct LegalBasis {
    citation: &'static str,
    title: &'static str,
}

#[utoipa::path(
    get,
    path = "/api/v1/procedures",
    tag = "procedures",
    responses((status = 200, description = "The four procedures", body = Vec<ProcedureInfo>))
)]
pub(crate) async fn list(headers: HeaderMap) -> Json<Vec<ProcedureInfo>> {
    let lang = request_lang(&headers);
    let today = Utc::now().with_timezone(&VIETNAM_OFFSET).date_naive();
    let fees = FeeSchedule::default();
    Json(
        Procedure::ALL
            .into_iter()
            .map(|p| ProcedureInfo {
                id: p,
                slug: p.slug(),
                name: p.name(lang),
                summary: p.summary(lang),
                authority: p.authority().name(lang),
                processing_working_days: match p.processing_time() {
                    ProcessingTime::ReceiptOnly => None,
                    ProcessingTime::WorkingDays(n) => Some(n),
                },
                processing_time: p.processing_time().describe(lang),
                fee_online_vnd: fees.fee(p, Channel::Online, today).dong(),
                fee_counter_vnd: fees.fee(p, Channel::Counter, today).dong(),
                requirements: p.requirements().iter().map(|r| r.text(lang)).collect(),
                legal_basis: p
                    .legal_basis()
                    .iter()
                    .map(|l| LegalBasis {
                        citation: l.citation,
                        title: lang.pick(l.title_vi, l.title_en),
                    })
                    .collect(),
            })
            .collect(),
    )
}

#[utoipa::path(
    post,
    path = "/api/v1/validate/{procedure}",
    tag = "procedures",
    params(("procedure" = String, Path, description = "hkd_registration, hkd_change, hkd_termination, promotion_notice (or the page slug)")),
    request_body(content = Object, description = "The form, as the phone saves it"),
    responses(
        (status = 200, description = "Every rule holds"),
        (status = 422, description = "Every broken rule", body = ApiError),
        (status = 404, description = "No such procedure", body = ApiError),
    )
)]
pub(crate) async fn validate(
    Path(procedure): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let procedure = procedure
        .parse::<Procedure>()
        .ok()
        .or_else(|| serde_json::from_value(serde_json::Value::String(procedure)).ok())
        .ok_or(AppError::NotFound)?;
    let form: serde_json::Value = serde_json::from_slice(&body).map_err(|e| {
        AppError::bad_request(
            format!("Nội dung gửi lên không phải JSON hợp lệ: {e}."),
            format!("The body is not valid JSON: {e}."),
        )
    })?;
    let today = Utc::now().with_timezone(&VIETNAM_OFFSET).date_naive();
    match domain::validate(procedure, &form, &Context::on(today)) {
        Ok(_) => Ok((StatusCode::OK, Json(serde_json::json!({ "valid": true }))).into_response()),
        Err(errors) => Err(AppError::Invalid(errors)),
    }
}
