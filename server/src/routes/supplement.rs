//! The applicant's side of a request for amendments (issue 7):
//! `GET /api/v1/dossiers/{code}/supplement` — the open request, with the officer's note on each flagged
//! field or file and the letter (TT 68/2025 Mẫu 10 / TT 03/2025 Mẫu 02);
//! `POST /api/v1/dossiers/{code}/resubmissions` — the amended dossier, exactly once.
//!
//! Both are the owner's (signed in) or a dossier-scoped access's (`routes::access`); anyone else is
//! refused (401 or 403), and both count against the per-address look-up limit.
//!
//! A resubmission carries the phone's `Idempotency-Key` (its own, not the first submission's). It is
//! validated again by `domain` like a first submission — the same rules, the files it lists must have
//! been uploaded — and must stay with the same office. The first one moves the dossier back to
//! `processing` in one transaction (the form and files as amended, the request closed, the event, the
//! notification, a new due date counted from this receipt) and answers 201 with the dossier's status; the
//! same key and body again answer 200 with the status as it is now; the key with another body, or a
//! second resubmission under another key once the first was taken, answer 409.

use axum::{
    Json, Router,
    body::Bytes,
    extract::{Path, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use chrono::Utc;
use domain::{
    FormVersion, Procedure,
    api::{ApiError, DossierStatus, Resubmission, StateNotice, SupplementRequest},
    calendar::{self, VIETNAM_OFFSET},
    lifecycle::{Action, Actor, State as DState, TransitionError},
};
use sha2::{Digest as _, Sha256};

use crate::{
    AppState,
    auth::Viewer,
    error::AppError,
    rate_limit::{self, RateLimiter},
    routes::{
        dossiers::{idempotency_key, status_of, stored_attachments, validate_form},
        staff::{api_name, open_supplement, parse, refused, vn_time},
    },
    store::work::{NewResubmission, Transition, TransitionOutcome, WorkDossier},
};

pub(crate) fn router(limiter: RateLimiter) -> Router<AppState> {
    Router::new()
        .route("/api/v1/dossiers/{code}/supplement", get(supplement))
        .route("/api/v1/dossiers/{code}/resubmissions", post(resubmit))
        .layer(axum::middleware::from_fn_with_state(
            limiter,
            rate_limit::limit,
        ))
}

/// The dossier of a code when the caller owns it (signed in) or holds its dossier-scoped access.
pub(crate) async fn owned_dossier(
    state: &AppState,
    viewer: &Viewer,
    headers: &HeaderMap,
    code: &str,
) -> Result<WorkDossier, AppError> {
    crate::routes::access::private_dossier(state, viewer, headers, code).await?;
    state
        .store
        .work_dossier(&code.trim().to_uppercase())
        .await?
        .ok_or(AppError::NotFound)
}

#[utoipa::path(
    get,
    path = "/api/v1/dossiers/{code}/supplement",
    tag = "dossiers",
    params(("code" = String, Path, description = "The dossier code")),
    responses(
        (status = 200, description = "The open request for amendments", body = SupplementRequest),
        (status = 401, description = "Nobody signed in and no dossier-scoped access", body = ApiError),
        (status = 403, description = "Signed in, but not the dossier's owner", body = ApiError),
        (status = 404, description = "No such dossier, or no open request", body = ApiError),
        (status = 429, description = "Too many look-ups from this address", body = ApiError),
    )
)]
pub(crate) async fn supplement(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    let d = owned_dossier(&state, &viewer, &headers, &code).await?;
    let request = open_supplement(&d).ok_or(AppError::NotFound)?;
    Ok(no_store(Json(request).into_response()))
}

fn no_store(mut res: Response) -> Response {
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// The answer to a resubmission: the dossier's status as the look-up shows it.
async fn status(state: &AppState, d: &WorkDossier, code: StatusCode) -> Result<Response, AppError> {
    let status: DossierStatus = status_of(state, &d.row.code, true).await?;
    Ok(no_store((code, Json(status)).into_response()))
}

/// What a key the dossier has seen before answers: the status again for the same body, 409 for
/// another; `None` for a new key.
async fn replay(
    state: &AppState,
    d: &WorkDossier,
    key: &str,
    hash: &str,
) -> Result<Option<Response>, AppError> {
    match d.resubmissions.iter().find(|(k, _)| k == key) {
        None => Ok(None),
        Some((_, h)) if h == hash => Ok(Some(status(state, d, StatusCode::OK).await?)),
        Some(_) => Err(AppError::conflict(
            "Mã gửi này đã được dùng cho một lần gửi bổ sung khác. Ứng dụng sẽ tạo mã mới khi bạn gửi lại.",
            "This submission id was already used for another resubmission. The app makes a new one when you send again.",
        )),
    }
}

/// The note on the timeline and in the notification.
const RESUBMITTED: &str = "Người nộp đã gửi hồ sơ sửa đổi, bổ sung; cơ quan tiếp tục giải quyết.";

#[utoipa::path(
    post,
    path = "/api/v1/dossiers/{code}/resubmissions",
    tag = "dossiers",
    params(
        ("code" = String, Path, description = "The dossier code"),
        ("Idempotency-Key" = String, Header, description = "The phone's id of this resubmission (a UUID)"),
    ),
    request_body = Resubmission,
    responses(
        (status = 201, description = "Resubmitted: the dossier is being processed again", body = DossierStatus),
        (status = 200, description = "The same resubmission again: the dossier's status now", body = DossierStatus),
        (status = 400, description = "No or malformed Idempotency-Key, or a body that is not a resubmission", body = ApiError),
        (status = 401, description = "Nobody signed in and no dossier-scoped access", body = ApiError),
        (status = 403, description = "Signed in, but not the dossier's owner", body = ApiError),
        (status = 404, description = "No such dossier", body = ApiError),
        (status = 409, description = "Nothing to resubmit now (no open request, or already resubmitted), or the key was used with another body", body = ApiError),
        (status = 422, description = "Every broken rule of the amended form, each with its field and legal basis", body = ApiError),
        (status = 429, description = "Too many look-ups from this address", body = ApiError),
    )
)]
pub(crate) async fn resubmit(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(code): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let key = idempotency_key(&headers)?;
    let value: serde_json::Value = serde_json::from_slice(&body).map_err(|e| {
        AppError::bad_request(
            format!("Nội dung gửi lên không phải JSON hợp lệ: {e}."),
            format!("The body is not valid JSON: {e}."),
        )
    })?;
    // serde_json's maps are ordered by key, so the same content always hashes the same.
    let hash = hex::encode(Sha256::digest(value.to_string().as_bytes()));
    let request: Resubmission = serde_json::from_value(value).map_err(|e| {
        AppError::bad_request(
            format!("Hồ sơ bổ sung thiếu phần bắt buộc hoặc sai kiểu: {e}."),
            format!("The resubmission lacks a required part or has a wrong type: {e}."),
        )
    })?;
    let d = owned_dossier(&state, &viewer, &headers, &code).await?;
    if let Some(answer) = replay(&state, &d, &key, &hash).await? {
        return Ok(answer);
    }
    let procedure: Procedure = parse(&d.row.procedure)?;
    let from: DState = parse(&d.row.state)?;
    let to = from
        .apply(procedure, Action::Resubmit, Actor::Applicant)
        .map_err(|e| refused(e, procedure))?;
    if request.form_version != FormVersion::current(procedure) {
        return Err(AppError::unprocessable(
            format!(
                "Mẫu đơn gửi lên không phải mẫu của thủ tục «{}». Hãy sửa trên bản sao của hồ sơ đã nộp.",
                procedure.name(domain::Lang::Vi)
            ),
            format!(
                "The form sent is not the form of “{}”. Correct the copy of the dossier as sent.",
                procedure.name(domain::Lang::En)
            ),
        ));
    }
    let now = Utc::now();
    let local = now.with_timezone(&VIETNAM_OFFSET);
    let mut field_errors = Vec::new();
    let submission = validate_form(
        procedure,
        &request.form,
        local.date_naive(),
        &mut field_errors,
    );
    let mut attachments = Vec::new();
    if let Some(submission) = &submission {
        let uploaders = crate::routes::uploads::uploaders(&state, &viewer, &headers).await?;
        attachments = stored_attachments(
            &state,
            submission,
            &uploaders,
            Some(d.row.code.as_str()),
            &mut field_errors,
        )
        .await?;
    }
    let Some(submission) = submission.filter(|_| field_errors.is_empty()) else {
        return Err(AppError::Invalid(field_errors));
    };
    same_parties(&d, &submission)?;
    if submission.jurisdiction().agency_code() != d.row.jurisdiction {
        return Err(AppError::unprocessable(
            "Hồ sơ sửa đổi, bổ sung phải gửi cùng cơ quan đã nhận hồ sơ; để nộp cho cơ quan khác, hãy nộp một hồ sơ mới.",
            "The amended dossier must go to the office that received it; to file with another office, submit a new dossier.",
        ));
    }
    // The time limit counts again from the receipt of the amended dossier (NĐ 168/2025 art. 99.3: from
    // receipt of the dossier, the amended one included).
    let due_date = match procedure.processing_time() {
        domain::ProcessingTime::ReceiptOnly => None,
        domain::ProcessingTime::WorkingDays(n) => {
            Some(calendar::due_date(&local, u32::from(n), true))
        }
    };
    let notice = StateNotice {
        code: d.row.code.clone(),
        procedure,
        state: to,
        at: vn_time(now),
        note: Some(RESUBMITTED.to_owned()),
    };
    let transition = Transition {
        code: d.row.code.clone(),
        from: d.row.state.clone(),
        to: api_name(&to),
        actor: "applicant",
        actor_id: None,
        note: Some(RESUBMITTED.to_owned()),
        at: now,
        due_date,
        notice_json: serde_json::to_string(&notice).map_err(anyhow::Error::from)?,
        documents: Vec::new(),
        supplement: None,
        resolve_supplement: Some("resubmitted"),
        resubmission: Some(NewResubmission {
            key: key.clone(),
            hash: hash.clone(),
            form_json: serde_json::to_string(&submission).map_err(anyhow::Error::from)?,
            draft_json: request.form.to_string(),
            form_version: api_name(&request.form_version),
            attachments,
        }),
        registry: None,
        audit: None,
    };
    match state.store.apply_transition(&transition).await? {
        TransitionOutcome::Applied => {
            tracing::info!(dossier.procedure = %procedure, "dossier resubmitted");
            status(&state, &d, StatusCode::CREATED).await
        }
        TransitionOutcome::NotFound => Err(AppError::NotFound),
        TransitionOutcome::Moved(now_state) => {
            // Another request moved it first: the same resubmission (a retry that raced) answers as a
            // replay, anything else is refused as the state now says.
            let d = owned_dossier(&state, &viewer, &headers, &code).await?;
            if let Some(answer) = replay(&state, &d, &key, &hash).await? {
                return Ok(answer);
            }
            Err(refused(
                TransitionError::NotAllowed {
                    from: parse(&now_state)?,
                    action: Action::Resubmit,
                },
                procedure,
            ))
        }
        TransitionOutcome::RegistryConflict => Err(AppError::Unexpected(anyhow::anyhow!(
            "a resubmission touched the registry"
        ))),
    }
}

/// An amended dossier corrects what the office asked; it never changes whom it is about or who files it:
/// the business a change or termination names, the owner a registration declares, and the filer's role
/// (owner, authorised person, heir) stay those the ownership check accepted at submission. Otherwise a
/// request for amendments would let anyone re-aim their own dossier at a neighbour's business.
fn same_parties(d: &WorkDossier, amended: &domain::Submission) -> Result<(), AppError> {
    let filed: domain::Submission =
        serde_json::from_str(&d.form_json).map_err(anyhow::Error::from)?;
    let owner_id = |s: &domain::Submission| match s {
        domain::Submission::HkdRegistration(f) => Some(f.owner.id.as_str().to_owned()),
        _ => None,
    };
    let business_changed =
        filed.hkd_code().map(ToString::to_string) != amended.hkd_code().map(ToString::to_string);
    if business_changed || owner_id(&filed) != owner_id(amended) {
        return Err(AppError::forbidden(
            "Hồ sơ sửa đổi, bổ sung không được đổi hộ kinh doanh hay chủ hộ kinh doanh mà hồ sơ đã nộp nói đến. Để nộp cho hộ kinh doanh hoặc chủ hộ khác, hãy nộp một hồ sơ mới.",
            "An amended dossier may not change the household business or the owner the dossier filed is about. To file for another business or owner, submit a new dossier.",
        ));
    }
    if filed.filer() != amended.filer() {
        return Err(AppError::forbidden(
            "Hồ sơ sửa đổi, bổ sung không được đổi người nộp (chủ hộ, người được ủy quyền, người thừa kế). Nếu người nộp đã khác, hãy nộp một hồ sơ mới.",
            "An amended dossier may not change who files it (the owner, an authorised person, an heir). If someone else files now, submit a new dossier.",
        ));
    }
    Ok(())
}
