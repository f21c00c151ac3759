//! `GET /api/v1/hkd/names/check?commune=…&name=…` — is a household-business name free in a commune
//! (NĐ 168/2025 art. 86.6: identical Vietnamese names, ignoring case, among businesses not terminated);
//! `GET /api/v1/hkd/{code}` — the public part of a registered business, to prefill change and
//! termination. Both are rate-limited per address.

use axum::{
    Json, Router,
    extract::{Path, Query, State},
    response::{IntoResponse, Response},
    routing::get,
};
use domain::{MaXa, TenHoKinhDoanh, validation::Errors};
use serde::{Deserialize, Serialize};

use domain::api::ApiError;

use crate::{
    AppState,
    error::AppError,
    rate_limit::{self, RateLimiter},
};

pub(crate) fn router(limiter: RateLimiter) -> Router<AppState> {
    Router::new()
        .route("/api/v1/hkd/names/check", get(check_name))
        .route("/api/v1/hkd/{code}", get(find))
        .layer(axum::middleware::from_fn_with_state(
            limiter,
            rate_limit::limit,
        ))
}

#[derive(Debug, Deserialize)]
pub(crate) struct NameQuery {
    commune: Option<String>,
    name: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct NameCheck {
    /// The name as it would be registered.
    name: String,
    /// Commune code.
    commune: u32,
    /// Commune name.
    commune_name: &'static str,
    /// Whether no business (not terminated) of the commune has it.
    available: bool,
    /// The rule.
    citation: &'static str,
}

#[utoipa::path(
    get,
    path = "/api/v1/hkd/names/check",
    tag = "household businesses",
    params(
        ("commune" = String, Query, description = "Commune code"),
        ("name" = String, Query, description = "The Vietnamese name, \"Hộ kinh doanh …\""),
    ),
    responses(
        (status = 200, description = "Whether the name is free in the commune", body = NameCheck),
        (status = 422, description = "The commune or the name is invalid", body = ApiError),
        (status = 429, description = "Too many checks from this address", body = ApiError),
    )
)]
pub(crate) async fn check_name(
    State(state): State<AppState>,
    Query(query): Query<NameQuery>,
) -> Result<Response, AppError> {
    let mut errors = Errors::new();
    let commune = errors.required(
        "commune",
        query.commune.as_deref(),
        |s| MaXa::try_from(s.to_owned()),
        None,
    );
    let name = errors.required(
        "name",
        query.name.as_deref(),
        |s| TenHoKinhDoanh::try_from(s.to_owned()),
        None,
    );
    let (Some(commune), Some(name)) = (commune, name) else {
        return Err(AppError::Invalid(errors.into_vec()));
    };
    let taken = state
        .store
        .hkd_name_taken(&commune.code().to_string(), name.key().as_str())
        .await?;
    Ok(Json(NameCheck {
        name: name.as_ref().to_owned(),
        commune: commune.code(),
        commune_name: commune.name(),
        available: !taken,
        citation: "NĐ 168/2025 art. 86.6",
    })
    .into_response())
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct PublicHkd {
    code: String,
    name: String,
    commune: String,
    status: String,
}

#[utoipa::path(
    get,
    path = "/api/v1/hkd/{code}",
    tag = "household businesses",
    params(("code" = String, Path, description = "Mã số hộ kinh doanh")),
    responses(
        (status = 200, description = "The public part of the registration", body = PublicHkd),
        (status = 404, description = "No such household business", body = ApiError),
        (status = 429, description = "Too many look-ups from this address", body = ApiError),
    )
)]
pub(crate) async fn find(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    let record = state
        .store
        .find_hkd(code.trim())
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Json(PublicHkd {
        code: record.code,
        name: record.name,
        commune: record.commune,
        status: record.status,
    })
    .into_response())
}
