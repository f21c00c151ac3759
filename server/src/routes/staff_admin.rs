//! The administrator's staff accounts: list, add (with a temporary password shown once), disable or
//! enable, change jurisdictions, reset a password. Administrators only.

use axum::{
    Json, Router,
    extract::{Path, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, patch, post},
};
use chrono::Utc;
use domain::{
    Lang,
    accounts::Title,
    api::{ApiError, CreatedStaffAccount, NewStaffAccount, Role, StaffAccount, StaffAccountUpdate},
    calendar::VIETNAM_OFFSET,
};

use crate::{
    AppState, add_staff, auth::StaffUser, error::AppError, staff::AddStaffError,
    store::auth::StaffRecord,
};

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/admin/staff", get(list).post(create))
        .route("/api/v1/admin/staff/{id}", patch(update))
        .route("/api/v1/admin/staff/{id}/password", post(reset_password))
}

fn admin_only(user: &StaffUser) -> Result<(), AppError> {
    if user.role == Role::Administrator {
        Ok(())
    } else {
        Err(AppError::forbidden(
            "Chỉ quản trị viên mới quản lý được tài khoản cán bộ.",
            "Only an administrator manages staff accounts.",
        ))
    }
}

/// The wire form of an account.
pub(crate) fn account(record: &StaffRecord) -> Result<StaffAccount, AppError> {
    Ok(StaffAccount {
        id: record.id.hyphenated().to_string(),
        username: record.username.clone(),
        display_name: record.display_name.clone(),
        role: Role::parse(&record.role)
            .ok_or_else(|| anyhow::anyhow!("unknown role {:?}", record.role))?,
        title: Title::parse(&record.title)
            .ok_or_else(|| anyhow::anyhow!("unknown position {:?}", record.title))?,
        jurisdictions: record.jurisdictions.clone(),
        disabled: record.disabled,
        must_change_password: record.must_change_password,
        created_at: record
            .created_at
            .with_timezone(&VIETNAM_OFFSET)
            .to_rfc3339(),
    })
}

fn no_store(body: impl IntoResponse) -> Response {
    (
        [(
            header::CACHE_CONTROL,
            axum::http::HeaderValue::from_static("no-store"),
        )],
        body,
    )
        .into_response()
}

fn invalid(e: &domain::accounts::AccountError) -> AppError {
    AppError::Unprocessable {
        vi: e.message(Lang::Vi),
        en: e.message(Lang::En),
    }
}

#[utoipa::path(
    get,
    path = "/api/v1/admin/staff",
    tag = "admin",
    responses(
        (status = 200, description = "Every staff account", body = Vec<StaffAccount>),
        (status = 401, description = "Not signed in as staff", body = ApiError),
        (status = 403, description = "Not an administrator", body = ApiError),
    )
)]
pub(crate) async fn list(
    State(state): State<AppState>,
    user: StaffUser,
) -> Result<Response, AppError> {
    admin_only(&user)?;
    let accounts = state
        .store
        .list_staff()
        .await?
        .iter()
        .map(account)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(no_store(Json(accounts)))
}

#[utoipa::path(
    post,
    path = "/api/v1/admin/staff",
    tag = "admin",
    request_body = NewStaffAccount,
    responses(
        (status = 201, description = "Added; the temporary password, shown once", body = CreatedStaffAccount),
        (status = 401, description = "Not signed in as staff", body = ApiError),
        (status = 403, description = "Not an administrator, or no X-CSRF-Token", body = ApiError),
        (status = 409, description = "The login name is taken", body = ApiError),
        (status = 422, description = "A bad login name, name, jurisdiction for the role or position for the jurisdictions", body = ApiError),
    )
)]
pub(crate) async fn create(
    State(state): State<AppState>,
    user: StaffUser,
    Json(body): Json<NewStaffAccount>,
) -> Result<Response, AppError> {
    admin_only(&user)?;
    let (record, password) = match add_staff(state.store.as_ref(), &body).await {
        Ok(done) => done,
        Err(AddStaffError::Invalid(e)) => return Err(invalid(&e)),
        Err(AddStaffError::Taken(name)) => {
            return Err(AppError::conflict(
                format!("Tên đăng nhập «{name}» đã có người dùng. Hãy chọn tên khác."),
                format!("The login name “{name}” is taken. Choose another."),
            ));
        }
        Err(AddStaffError::Unexpected(e)) => return Err(e.into()),
    };
    tracing::info!(admin = %user.username, staff.username = %record.username, "administrator added a staff account");
    Ok((
        StatusCode::CREATED,
        no_store(Json(CreatedStaffAccount {
            account: account(&record)?,
            password,
        })),
    )
        .into_response())
}

fn parse_id(raw: &str) -> Result<uuid::Uuid, AppError> {
    uuid::Uuid::parse_str(raw).map_err(|_| AppError::NotFound)
}

#[utoipa::path(
    patch,
    path = "/api/v1/admin/staff/{id}",
    tag = "admin",
    params(("id" = String, Path, description = "The account id")),
    request_body = StaffAccountUpdate,
    responses(
        (status = 200, description = "Changed", body = StaffAccount),
        (status = 401, description = "Not signed in as staff", body = ApiError),
        (status = 403, description = "Not an administrator, or no X-CSRF-Token", body = ApiError),
        (status = 404, description = "No such account", body = ApiError),
        (status = 422, description = "Bad jurisdictions for the role, a position the jurisdictions do not allow, or disabling oneself", body = ApiError),
    )
)]
pub(crate) async fn update(
    State(state): State<AppState>,
    user: StaffUser,
    Path(id): Path<String>,
    Json(body): Json<StaffAccountUpdate>,
) -> Result<Response, AppError> {
    admin_only(&user)?;
    let id = parse_id(&id)?;
    let record = state
        .store
        .staff_by_id(id)
        .await?
        .ok_or(AppError::NotFound)?;
    let role = Role::parse(&record.role)
        .ok_or_else(|| anyhow::anyhow!("unknown role {:?}", record.role))?;
    let jurisdictions = body
        .jurisdictions
        .as_deref()
        .map(|j| domain::accounts::parse_jurisdictions(role, j))
        .transpose()
        .map_err(|e| invalid(&e))?;
    // The position must fit the jurisdictions the account has after the change.
    let title = Title::parse(&record.title)
        .ok_or_else(|| anyhow::anyhow!("unknown position {:?}", record.title))?;
    let new_title = body.title.unwrap_or(title);
    if body.title.is_some() || jurisdictions.is_some() {
        domain::accounts::check_title(
            new_title,
            jurisdictions.as_deref().unwrap_or(&record.jurisdictions),
        )
        .map_err(|e| invalid(&e))?;
    }
    if body.disabled == Some(true) && id == user.id {
        return Err(AppError::unprocessable(
            "Bạn không thể tự vô hiệu hoá tài khoản của mình.",
            "You cannot disable your own account.",
        ));
    }
    if let Some(jurisdictions) = &jurisdictions {
        state
            .store
            .set_staff_jurisdictions(id, jurisdictions)
            .await?;
    }
    if new_title != title {
        state.store.set_staff_title(id, new_title.as_str()).await?;
    }
    if let Some(disabled) = body.disabled {
        state
            .store
            .set_staff_disabled(id, disabled, Utc::now())
            .await?;
    }
    let record = state
        .store
        .staff_by_id(id)
        .await?
        .ok_or(AppError::NotFound)?;
    tracing::info!(admin = %user.username, staff.username = %record.username, disabled = ?body.disabled, jurisdictions = ?jurisdictions, title = ?body.title, "administrator changed a staff account");
    Ok(no_store(Json(account(&record)?)))
}

#[utoipa::path(
    post,
    path = "/api/v1/admin/staff/{id}/password",
    tag = "admin",
    params(("id" = String, Path, description = "The account id")),
    responses(
        (status = 200, description = "A new temporary password, shown once; the account's sessions end", body = CreatedStaffAccount),
        (status = 401, description = "Not signed in as staff", body = ApiError),
        (status = 403, description = "Not an administrator, or no X-CSRF-Token", body = ApiError),
        (status = 404, description = "No such account", body = ApiError),
    )
)]
pub(crate) async fn reset_password(
    State(state): State<AppState>,
    user: StaffUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    admin_only(&user)?;
    let id = parse_id(&id)?;
    state
        .store
        .staff_by_id(id)
        .await?
        .ok_or(AppError::NotFound)?;
    let password = crate::staff::generate_password();
    let hash = {
        let password = password.clone();
        tokio::task::spawn_blocking(move || crate::staff::hash_password(&password))
            .await
            .map_err(anyhow::Error::from)??
    };
    state
        .store
        .set_staff_password(id, &hash, true, None, Utc::now())
        .await?;
    let record = state
        .store
        .staff_by_id(id)
        .await?
        .ok_or(AppError::NotFound)?;
    tracing::info!(admin = %user.username, staff.username = %record.username, "administrator reset a staff password");
    Ok(no_store(Json(CreatedStaffAccount {
        account: account(&record)?,
        password,
    })))
}
