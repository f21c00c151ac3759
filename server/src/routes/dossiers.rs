//! `POST /api/v1/dossiers` — exactly-once submission; `GET /api/v1/dossiers/{code}` — the look-up.
//!
//! Submitting needs a signed-in citizen (VNeID identity or a proved phone) or an officer filing at the
//! counter (`assisted`); drafts never reach the server. The filer is recorded on the dossier, and
//! `domain::forms::filer::check` decides whether they may file in the role the form names (the owner, an
//! authorised person, an heir). A citizen signed in with a phone only gives that phone as the dossier's
//! (no texting strangers); a citizen with a verified identity may give another phone (someone who helps
//! them), at most [`OTHER_PHONES_PER_DAY`] dossiers a day, since each is traceable to them.
//!
//! The look-up answers anyone with the code the public view (state, dates, office); the owner or a
//! dossier-scoped access (`routes::access`) gets the whole status.
//!
//! The phone sends its submission id as `Idempotency-Key`. The first request creates the dossier and
//! answers 201 with the receipt, only after the commit; the same request again answers 200 with the very
//! same receipt; the key with another body answers 409. The form is validated again by `domain` — the
//! server never trusts the phone's verdict — and every file it lists must have been uploaded.

use axum::{
    Router,
    body::Bytes,
    extract::{Path, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use chrono::Utc;
use domain::{
    Channel, FieldError, MessageKey, SoDienThoai,
    api::{DossierStatus, FeeQuote, Receipt, StatusView, SubmitDossier, TimelineEntry},
    calendar::{self, VIETNAM_OFFSET},
    forms::Context,
    validation::Errors,
};
use sha2::{Digest as _, Sha256};

use domain::api::ApiError;

use crate::{
    AppState,
    auth::{CitizenUser, ClientIp, StaffUser, Viewer},
    documents::{FilingChannel, ReceiptDocument},
    error::AppError,
    rate_limit::{self, RateLimiter},
    routes::{self, access, dossier_limits as limits},
    store::{NewAttachment, NewDossier, SubmitOutcome},
};

/// How many dossiers a day a citizen with a verified identity may file with a phone number other than
/// their own proved one.
pub(crate) const OTHER_PHONES_PER_DAY: i64 = 5;

/// The most files one dossier (or one resubmission) may list.
pub(crate) const MAX_ATTACHMENTS: usize = domain::attachments::MAX_ATTACHMENTS;

pub(crate) fn router(limiter: RateLimiter) -> Router<AppState> {
    let lookups = Router::new()
        .route("/api/v1/dossiers/{code}", get(lookup))
        .route("/api/v1/dossiers/{code}/receipt.pdf", get(receipt_pdf))
        .layer(axum::middleware::from_fn_with_state(
            limiter,
            rate_limit::limit,
        ));
    Router::new()
        .route("/api/v1/dossiers", post(submit))
        .merge(lookups)
}

pub(crate) fn idempotency_key(headers: &HeaderMap) -> Result<String, AppError> {
    headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| uuid::Uuid::parse_str(v.trim()).ok())
        .map(|id| id.hyphenated().to_string())
        .ok_or_else(|| {
            AppError::bad_request(
                "Thiếu mã gửi hồ sơ (tiêu đề Idempotency-Key, một UUID do ứng dụng tạo khi bấm Nộp).",
                "Missing submission id (the Idempotency-Key header, a UUID the app makes when Submit is pressed).",
            )
        })
}

fn json_response(status: StatusCode, receipt_json: String) -> Response {
    (
        status,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        receipt_json,
    )
        .into_response()
}

#[utoipa::path(
    post,
    path = "/api/v1/dossiers",
    tag = "dossiers",
    params(("Idempotency-Key" = String, Header, description = "The phone's submission id (a UUID made when Submit is pressed)")),
    request_body = SubmitDossier,
    responses(
        (status = 201, description = "Created; the receipt, sent only after the commit", body = Receipt),
        (status = 200, description = "The same submission again: the same receipt", body = Receipt),
        (status = 400, description = "No or malformed Idempotency-Key, or a body that is not a dossier", body = ApiError),
        (status = 401, description = "Nobody signed in: sign in to submit (drafts stay on the phone)", body = ApiError),
        (status = 403, description = "The signed-in person may not file in the role the form names, or (phone sign-in) the dossier's phone is not theirs", body = ApiError),
        (status = 409, description = "The key was used with another body", body = ApiError),
        (status = 422, description = "Every broken rule, each with its field and legal basis; or a change or termination of a business the registry does not have, filed as its owner", body = ApiError),
        (status = 429, description = "Too many dossiers to other people's phone numbers today", body = ApiError),
    )
)]
pub(crate) async fn submit(
    State(state): State<AppState>,
    viewer: Viewer,
    ClientIp(client): ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let submission_id = idempotency_key(&headers)?;
    let value: serde_json::Value = serde_json::from_slice(&body).map_err(|e| {
        AppError::bad_request(
            format!("Nội dung gửi lên không phải JSON hợp lệ: {e}."),
            format!("The body is not valid JSON: {e}."),
        )
    })?;
    // serde_json's maps are ordered by key, so the same content always hashes the same.
    let request_hash = hex::encode(Sha256::digest(value.to_string().as_bytes()));
    let request: SubmitDossier = serde_json::from_value(value).map_err(|e| {
        AppError::bad_request(
            format!("Hồ sơ thiếu phần bắt buộc hoặc sai kiểu: {e}."),
            format!("The dossier lacks a required part or has a wrong type: {e}."),
        )
    })?;
    // Who files: a citizen, or an officer at the counter (checked with the citizen's code below).
    let citizen = match (&viewer, &request.assisted) {
        (_, Some(_)) => None,
        (Viewer::Citizen(c), None) => Some(c.clone()),
        (Viewer::Staff(_), None) => {
            return Err(AppError::forbidden(
                "Cán bộ chỉ nộp hồ sơ giúp người dân tại quầy, với mã xác nhận gửi đến điện thoại của người dân (nút «Gửi mã xác nhận»).",
                "An officer files only for a citizen at the counter, with the confirmation code texted to the citizen's phone (the “Send confirmation code” button).",
            ));
        }
        (Viewer::Anonymous, None) => {
            let refusal = domain::forms::filer::Refusal::NotSignedIn;
            return Err(AppError::unauthorized(
                refusal.message(domain::Lang::Vi),
                refusal.message(domain::Lang::En),
            ));
        }
    };

    let received_at = Utc::now();
    let today = received_at.with_timezone(&VIETNAM_OFFSET).date_naive();
    let mut errors = Errors::new();
    let applicant_name = errors.text("applicant.name", Some(&request.applicant.name), 200, None);
    let applicant_phone = errors.required(
        "applicant.phone",
        Some(&request.applicant.phone),
        |s| SoDienThoai::try_from(s.to_owned()),
        None,
    );
    let mut field_errors = errors.into_vec();
    let submission = validate_form(request.procedure, &request.form, today, &mut field_errors);
    let mut attachments = Vec::new();
    if let Some(submission) = &submission {
        let uploaders = crate::routes::uploads::uploaders(&state, &viewer, &headers).await?;
        attachments =
            stored_attachments(&state, submission, &uploaders, None, &mut field_errors).await?;
    }
    let (Some(submission), Some(applicant_name), Some(applicant_phone), true) = (
        submission,
        applicant_name,
        applicant_phone,
        field_errors.is_empty(),
    ) else {
        return Err(AppError::Invalid(field_errors));
    };

    let procedure = request.procedure;
    let jurisdiction = submission.jurisdiction();
    let owner = owner_on_record(&state, &submission).await?;
    if let Some(c) = &citizen {
        may_file(c, &submission, owner.as_ref(), applicant_phone.as_str())?;
        not_an_eid_owner_by_phone(&state, c, &submission, owner.as_ref()).await?;
    } else {
        // At the counter the citizen proves the dossier's phone with the code the officer texted it
        // (checked below): the same rule as a citizen signed in with that phone, so an officer cannot
        // file "as the owner" of a business whose owner on record has another phone.
        let at_counter = CitizenUser {
            account_id: uuid::Uuid::nil(),
            phone: Some(applicant_phone.as_str().to_owned()),
            identity: None,
        };
        may_file(
            &at_counter,
            &submission,
            owner.as_ref(),
            applicant_phone.as_str(),
        )?;
    }
    let assisted_by = match &request.assisted {
        None => None,
        Some(confirmation) => Some(
            confirm_assisted(
                &state,
                &viewer,
                &submission_id,
                &jurisdiction.agency_code(),
                procedure,
                applicant_phone.as_str(),
                &confirmation.code,
            )
            .await?,
        ),
    };
    let due_date = match procedure.processing_time() {
        domain::ProcessingTime::ReceiptOnly => None,
        domain::ProcessingTime::WorkingDays(n) => Some(calendar::due_date(
            &received_at.with_timezone(&VIETNAM_OFFSET),
            u32::from(n),
            true,
        )),
    };
    let fees = domain::FeeSchedule::default();
    let fee = FeeQuote {
        amount: fees.fee(procedure, Channel::Online, today),
        counter_amount: fees.fee(procedure, Channel::Counter, today),
    };
    // Whether the national e-identity vouched for the owner: a VNeID session of the owner's number.
    let owner_verified = owner
        .as_ref()
        .and_then(|o| o.identity_number.as_deref())
        .zip(citizen.as_ref().and_then(|c| c.identity.as_ref()))
        .is_some_and(|(owner_id, me)| owner_id.trim() == me.identity_number.trim());
    let owner_notices = owner_notices(
        &state,
        &submission,
        owner.as_ref(),
        jurisdiction,
        received_at,
    )
    .await?;
    let new = NewDossier {
        submission_id,
        request_hash,
        procedure: api_name(&procedure),
        form_version: api_name(&request.form_version),
        jurisdiction: jurisdiction.agency_code(),
        applicant_name,
        applicant_phone: applicant_phone.as_ref().to_owned(),
        form_json: serde_json::to_string(&submission).map_err(anyhow::Error::from)?,
        draft_json: request.form.to_string(),
        channel: if assisted_by.is_some() {
            "assisted"
        } else {
            "online"
        },
        assisted_by: assisted_by.as_ref().map(|u| u.id),
        filer_account_id: citizen.as_ref().map(|c| c.account_id),
        filer_identity: citizen
            .as_ref()
            .and_then(|c| c.identity.as_ref())
            .map(|i| i.identity_number.trim().to_owned()),
        filer_role: submission.filer().as_str(),
        owner_identity: owner.as_ref().and_then(|o| o.identity_number.clone()),
        owner_verified,
        owner_notices,
        other_phone_limit: citizen
            .as_ref()
            .filter(|c| c.identity.is_some() && !c.has_phone(applicant_phone.as_str()))
            .map(|c| crate::store::OtherPhoneLimit {
                own_phone: c.phone.clone(),
                since: received_at - chrono::Duration::days(1),
                max: OTHER_PHONES_PER_DAY,
            }),
        filing_limits: if citizen.is_some() {
            limits::per_account(&state)
        } else {
            Vec::new()
        },
        received_at,
        code_day: today,
        due_date,
        fee_vnd: i64::try_from(fee.amount.dong()).map_err(anyhow::Error::from)?,
        attachments,
    };
    // Online, one of the client address's hourly allowance (a replay takes none); at the counter the
    // citizen's confirmation code limits it.
    let allowance = match (&citizen, client) {
        (Some(_), Some(ip)) => limits::take_address(&state, ip, &new.submission_id).await?,
        _ => None,
    };
    let public_url = state.public_url.trim_end_matches('/').to_owned();
    let received_text = received_at.with_timezone(&VIETNAM_OFFSET).to_rfc3339();
    let outcome = state
        .store
        .submit_dossier(&new, &|code: &str| {
            let lookup_url = format!("{public_url}/tra-cuu/{code}");
            let receipt = Receipt {
                code: code.to_owned(),
                procedure,
                jurisdiction,
                received_at: received_text.clone(),
                due_date,
                fee,
                // Stored with the receipt: a replay and every look-up answer the very same code.
                lookup_qr_svg: crate::documents::qr_svg(&lookup_url),
                lookup_url,
                receipt_pdf_url: format!("{public_url}/api/v1/dossiers/{code}/receipt.pdf"),
            };
            serde_json::to_string(&receipt).unwrap_or_default()
        })
        .await?;
    if let Some(allowance) = allowance
        && !matches!(outcome, SubmitOutcome::Created(_))
    {
        allowance.give_back(&state).await?;
    }
    match outcome {
        SubmitOutcome::Created(receipt) => {
            tracing::info!(dossier.procedure = %procedure, "dossier submitted");
            if let Some(officer) = &assisted_by {
                audit_assisted(&state, officer, client, &receipt).await;
            }
            Ok(json_response(StatusCode::CREATED, receipt))
        }
        SubmitOutcome::Replayed(receipt) => Ok(json_response(StatusCode::OK, receipt)),
        SubmitOutcome::TooMany => Err(AppError::too_many(
            format!(
                "Bạn đã nộp {OTHER_PHONES_PER_DAY} hồ sơ với số điện thoại của người khác trong 24 giờ qua, là mức tối đa. Hãy dùng số điện thoại của chính bạn, hoặc thử lại vào ngày mai."
            ),
            format!(
                "You filed {OTHER_PHONES_PER_DAY} dossiers with other people's phone numbers in the past 24 hours, the most allowed. Use your own number, or try again tomorrow."
            ),
            3600,
        )),
        SubmitOutcome::AccountLimit {
            limit,
            retry_after_secs,
        } => Err(limits::account_refusal(limit, retry_after_secs)),
        SubmitOutcome::KeyReused => Err(AppError::conflict(
            "Mã gửi hồ sơ này đã được dùng cho một hồ sơ khác. Ứng dụng sẽ tạo mã mới khi bạn nộp lại.",
            "This submission id was already used for another dossier. The app makes a new one when you submit again.",
        )),
    }
}

/// The owner a dossier is about, as [`domain::forms::filer::check`] compares it: the registration's
/// owner as the form declares them; the registry's owner of the business a change or termination names
/// (`None` when the registry does not have it). A promotion notice has none to compare.
pub(crate) struct Owner {
    hkd_code: Option<String>,
    /// The business's name as registered (a change or termination).
    hkd_name: Option<String>,
    identity_number: Option<String>,
    phone: Option<String>,
}

async fn owner_on_record(
    state: &AppState,
    submission: &domain::Submission,
) -> Result<Option<Owner>, AppError> {
    Ok(match submission {
        domain::Submission::PromotionNotice(_) => None,
        domain::Submission::HkdRegistration(f) => Some(Owner {
            hkd_code: None,
            hkd_name: None,
            identity_number: Some(f.owner.id.as_str().to_owned()),
            phone: f.owner.phone.as_ref().map(|p| p.as_str().to_owned()),
        }),
        domain::Submission::HkdChange(_) | domain::Submission::HkdTermination(_) => {
            let Some(code) = submission.hkd_code().map(ToString::to_string) else {
                return Ok(None);
            };
            let Some(record) = state.store.find_hkd(&code).await? else {
                return Ok(None);
            };
            // The owner's identity number in the registered data (the certificate's item 6), read
            // on its own so that data of an older shape still names its owner.
            let data: Option<serde_json::Value> = serde_json::from_str(&record.data_json).ok();
            let identity_number = data
                .as_ref()
                .and_then(|d| d.pointer("/owner/id_number"))
                .and_then(serde_json::Value::as_str)
                .map(str::to_owned);
            Some(Owner {
                hkd_code: Some(record.code),
                hkd_name: Some(record.name),
                identity_number,
                phone: record.owner_phone,
            })
        }
    })
}

/// Whether this citizen may file this dossier: `domain::forms::filer::check` for the role the form
/// names, and, signed in with a phone only, the dossier's phone must be that phone.
fn may_file(
    citizen: &CitizenUser,
    submission: &domain::Submission,
    owner: Option<&Owner>,
    applicant_phone: &str,
) -> Result<(), AppError> {
    use domain::forms::filer::{self, OwnerOnRecord, Refusal, SignedIn};
    if citizen.identity.is_none() && !citizen.has_phone(applicant_phone) {
        return Err(AppError::forbidden(
            "Số điện thoại của người nộp trong hồ sơ phải là số bạn đã đăng nhập, vì mọi tin nhắn về hồ sơ gửi đến số đó. Hãy sửa số điện thoại trong hồ sơ, hoặc đăng nhập bằng số đó (hoặc bằng tài khoản định danh điện tử VNeID).",
            "The applicant's phone in the dossier must be the number you signed in with, since every message about the dossier goes there. Correct the number in the dossier, or sign in with that number (or with your VNeID e-identity account).",
        ));
    }
    let who = SignedIn {
        identity_number: citizen
            .identity
            .as_ref()
            .map(|i| i.identity_number.as_str()),
        phone: citizen.phone.as_deref(),
    };
    let on_record = owner.map(|o| OwnerOnRecord {
        hkd_code: o.hkd_code.as_deref(),
        identity_number: o.identity_number.as_deref(),
        phone: o.phone.as_deref(),
    });
    let procedure = submission.procedure();
    match filer::check(procedure, submission.filer(), who, on_record) {
        Ok(()) => Ok(()),
        Err(refusal) => {
            let refusal = match refusal {
                Refusal::UnknownBusiness { .. } => Refusal::UnknownBusiness {
                    hkd_code: submission.hkd_code().map(ToString::to_string),
                },
                other => other,
            };
            let (vi, en) = (
                refusal.message(domain::Lang::Vi),
                refusal.message(domain::Lang::En),
            );
            Err(match refusal {
                Refusal::NotSignedIn => AppError::unauthorized(vi, en),
                Refusal::UnknownBusiness { .. } => AppError::unprocessable(vi, en),
                _ => AppError::forbidden(vi, en),
            })
        }
    }
}

/// A citizen signed in with a phone only may not register a business as its owner when the owner's
/// identity number belongs to an account the national e-identity linked to another phone (or to none):
/// that owner signs in with VNeID. (The phone proves the SIM, not the identity the form names.)
async fn not_an_eid_owner_by_phone(
    state: &AppState,
    citizen: &CitizenUser,
    submission: &domain::Submission,
    owner: Option<&Owner>,
) -> Result<(), AppError> {
    if citizen.identity.is_some()
        || submission.procedure() != domain::Procedure::HkdRegistration
        || submission.filer() != domain::forms::filer::FilerRole::Owner
    {
        return Ok(());
    }
    let Some(owner_id) = owner.and_then(|o| o.identity_number.as_deref()) else {
        return Ok(());
    };
    match state.store.identity_account_phone(owner_id).await? {
        Some(account_phone) if account_phone.as_deref() != citizen.phone.as_deref() => {
            Err(AppError::forbidden(
                "Số định danh cá nhân của chủ hộ trong hồ sơ đã gắn với một tài khoản định danh điện tử (VNeID) \
                 có số điện thoại khác số bạn đang đăng nhập, nên không thể nộp với tư cách chủ hộ bằng số điện \
                 thoại này. Nếu bạn là chủ hộ, hãy đăng xuất rồi đăng nhập bằng tài khoản định danh điện tử \
                 VNeID để nộp. Nếu bạn nộp thay chủ hộ, chọn «Người được ủy quyền» và đính kèm văn bản ủy quyền.",
                "The owner's identity number in the dossier is linked to a VNeID e-identity account with another \
                 phone number than the one you signed in with, so you cannot file as the owner with this phone. \
                 If you are the owner, sign out and sign in with your VNeID e-identity account to file. If you \
                 file for the owner, choose “An authorised person” and attach the authorisation.",
            ))
        }
        _ => Ok(()),
    }
}

/// The `owner_notice` payloads of a change or termination that someone other than the owner filed
/// (an authorised person, an heir), for a business in the registry: one for the owner's phone on
/// record, and one for the phone of the account the national e-identity linked to the owner's
/// identity number when that is another.
async fn owner_notices(
    state: &AppState,
    submission: &domain::Submission,
    owner: Option<&Owner>,
    jurisdiction: domain::Jurisdiction,
    received_at: chrono::DateTime<Utc>,
) -> Result<Vec<String>, AppError> {
    let filer_role = submission.filer();
    let (Some(owner), Some(hkd_code), Some(hkd_name)) = (
        owner,
        owner.and_then(|o| o.hkd_code.as_ref()),
        owner.and_then(|o| o.hkd_name.as_ref()),
    ) else {
        return Ok(Vec::new());
    };
    if filer_role == domain::forms::filer::FilerRole::Owner
        || !matches!(
            submission.procedure(),
            domain::Procedure::HkdChange | domain::Procedure::HkdTermination
        )
    {
        return Ok(Vec::new());
    }
    let mut phones: Vec<String> = owner.phone.iter().cloned().collect();
    if let Some(id) = &owner.identity_number
        && let Some(Some(phone)) = state.store.identity_account_phone(id).await?
        && !phones.contains(&phone)
    {
        phones.push(phone);
    }
    let issuer = domain::results::issuer(jurisdiction);
    let office = match &issuer.parent {
        Some(parent) => format!("{} thuộc {parent}", issuer.name),
        None => issuer.name.clone(),
    };
    phones
        .into_iter()
        .map(|phone| {
            serde_json::to_string(&crate::notify::OwnerNotice {
                phone,
                hkd_code: hkd_code.clone(),
                hkd_name: hkd_name.clone(),
                filer_role,
                office: office.clone(),
                at: received_at.with_timezone(&VIETNAM_OFFSET).to_rfc3339(),
            })
            .map_err(|e| AppError::Unexpected(e.into()))
        })
        .collect()
}

/// The officer filing at the counter, once the citizen's confirmation code is right: a staff session
/// of an officer who may act on the dossier's office. A replay of a dossier already made (same
/// `Idempotency-Key`) does not spend a code again: the store answers it with its receipt.
async fn confirm_assisted(
    state: &AppState,
    viewer: &Viewer,
    submission_id: &str,
    agency: &str,
    procedure: domain::Procedure,
    phone: &str,
    code: &str,
) -> Result<StaffUser, AppError> {
    let Viewer::Staff(user) = viewer else {
        return Err(AppError::unauthorized(
            "Hồ sơ nộp giúp tại quầy cần cán bộ đăng nhập. Hãy đăng nhập tài khoản cán bộ rồi nộp lại.",
            "A dossier filed at the counter needs a signed-in officer. Sign in with a staff account and submit again.",
        ));
    };
    routes::assisted::may_assist(user)?;
    if !user.can_act(agency, procedure) {
        return Err(AppError::forbidden(
            format!(
                "Hồ sơ này thuộc {} — ngoài địa bàn bạn phụ trách, nên bạn không nộp giúp được. Hãy hướng dẫn người dân nộp đúng nơi.",
                place_name(agency, domain::Lang::Vi)
            ),
            format!(
                "This dossier belongs to {}, outside your jurisdiction, so you cannot file it. Direct the citizen to the right office.",
                place_name(agency, domain::Lang::En)
            ),
        ));
    }
    if !state.store.submission_exists(submission_id).await? {
        routes::auth::spend_code(state, &routes::assisted::code_key(phone), code).await?;
    }
    Ok(user.clone())
}

fn place_name(agency: &str, lang: domain::Lang) -> String {
    if agency == crate::auth::TRADE_DEPARTMENT {
        lang.pick("Sở Công Thương", "the Department of Industry and Trade")
            .to_owned()
    } else {
        domain::MaXa::parse(agency).map_or_else(|_| agency.to_owned(), |c| c.name().to_owned())
    }
}

/// The audit log's record of an assisted submission (best effort: the dossier is made already).
async fn audit_assisted(
    state: &AppState,
    officer: &StaffUser,
    client: Option<std::net::IpAddr>,
    receipt_json: &str,
) {
    let Ok(receipt) = serde_json::from_str::<Receipt>(receipt_json) else {
        return;
    };
    let entry = crate::store::work::AuditEntry {
        at: Utc::now(),
        staff_id: officer.id.to_string(),
        staff_name: officer.display_name.clone(),
        action: "action:assisted_submission".to_owned(),
        dossier_code: receipt.code,
        jurisdiction: receipt.jurisdiction.agency_code(),
        client_addr: client.map(|ip| ip.to_string()),
        detail: Some("nộp giúp tại quầy, người dân xác nhận bằng mã gửi đến điện thoại".to_owned()),
    };
    if let Err(e) = crate::store::work::WorkStore::append_audit(state.store.as_ref(), &entry).await
    {
        tracing::error!(
            error = format!("{e:#}"),
            "cannot record the assisted submission in the audit log"
        );
    }
}

/// `domain::validate` of a form, its errors (if any) added to `field_errors` under `form.`.
pub(crate) fn validate_form(
    procedure: domain::Procedure,
    form: &serde_json::Value,
    today: chrono::NaiveDate,
    field_errors: &mut Vec<FieldError>,
) -> Option<domain::Submission> {
    match domain::validate(procedure, form, &Context::on(today)) {
        Ok(submission) => Some(submission),
        Err(form_errors) => {
            field_errors.extend(form_errors.into_iter().map(|mut e| {
                e.path = if e.path.is_empty() {
                    "form".to_owned()
                } else {
                    format!("form.{}", e.path)
                };
                e
            }));
            None
        }
    }
}

/// The files a validated form lists, as stored uploads; a file never uploaded, or files over the
/// dossier's limit together, add their errors to `field_errors`.
///
/// # Errors
/// When the database fails.
pub(crate) async fn stored_attachments(
    state: &AppState,
    submission: &domain::Submission,
    uploaders: &[String],
    amending: Option<&str>,
    field_errors: &mut Vec<FieldError>,
) -> Result<Vec<NewAttachment>, AppError> {
    let mut attachments = Vec::new();
    let mut total: u64 = 0;
    // Each file is a database read: more than a dossier can need are refused unread.
    if submission.attachments().len() > MAX_ATTACHMENTS {
        field_errors.push(
            FieldError::new("form.attachments", MessageKey::TooManyAttachments, None)
                .with("max", MAX_ATTACHMENTS),
        );
        return Ok(attachments);
    }
    for (i, listed) in submission.attachments().iter().enumerate() {
        let upload = state.store.find_upload(&listed.sha256).await?;
        // A file is this request's to attach when its sender is one of the request's uploaders
        // (`uploads::uploaders`), or, for a resubmission, when the dossier holds it already: a hash
        // alone attaches nobody's document.
        let theirs = match &upload {
            None => false,
            Some(_)
                if state
                    .store
                    .upload_claimed_by(&listed.sha256, uploaders)
                    .await? =>
            {
                true
            }
            Some(_) => match amending {
                Some(code) => state.store.attached_to(&listed.sha256, code).await?,
                None => false,
            },
        };
        let Some(upload) = upload.filter(|_| theirs) else {
            field_errors.push(FieldError::new(
                format!("form.attachments[{i}].sha256"),
                MessageKey::AttachmentNotUploaded,
                None,
            ));
            continue;
        };
        total += u64::try_from(upload.size).unwrap_or_default();
        attachments.push(NewAttachment {
            sha256: upload.sha256,
            kind: api_name(&listed.kind),
            // What the server found by content, not what the phone claimed.
            media_type: upload.media_type,
            size: upload.size,
            original_name: listed.file_name.clone(),
            storage_key: upload.storage_key,
        });
    }
    if total > state.limits.max_dossier_bytes {
        field_errors.push(
            FieldError::new("form.attachments", MessageKey::DossierFilesTooLarge, None)
                .with("max_mb", state.limits.max_dossier_bytes / 1_000_000),
        );
    }
    Ok(attachments)
}

/// The API spelling (serde's snake_case) of a unit enum value.
pub(crate) fn api_name(value: &impl serde::Serialize) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

#[utoipa::path(
    get,
    path = "/api/v1/dossiers/{code}",
    tag = "dossiers",
    params(("code" = String, Path, description = "The dossier code")),
    responses(
        (status = 200, description = "Where the dossier stands: to anyone the public view (state, dates, office; `view` = `public`), to its owner signed in or a dossier-scoped access everything (`view` = `full`)", body = DossierStatus),
        (status = 404, description = "No such dossier", body = ApiError),
        (status = 429, description = "Too many look-ups from this address", body = ApiError),
    )
)]
pub(crate) async fn lookup(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    let d = state
        .store
        .find_dossier(&access::normalise(&code))
        .await?
        .ok_or(AppError::NotFound)?;
    let full = access::reader(&state, &viewer, &headers, &d, &code)
        .await?
        .is_some();
    // The receipt goes out as it was stored and first answered, not parsed and written again: the
    // look-up is the busiest request, and the receipt (with its QR code) most of its bytes. It names
    // no one (code, procedure, office, dates, fee, links), so the public view has it too.
    let timeline = timeline(&d.timeline, full)?;
    let documents = if full {
        issued_documents(&state, &code).await?
    } else {
        Vec::new()
    };
    let mut body = Vec::with_capacity(d.receipt_json.len() + 64 + 96 * timeline.len());
    body.extend_from_slice(b"{\"receipt\":");
    body.extend_from_slice(d.receipt_json.as_bytes());
    body.extend_from_slice(b",\"state\":");
    serde_json::to_writer(&mut body, &parse_state(&d.state)?).map_err(anyhow::Error::from)?;
    body.extend_from_slice(b",\"timeline\":");
    serde_json::to_writer(&mut body, &timeline).map_err(anyhow::Error::from)?;
    if !documents.is_empty() {
        body.extend_from_slice(b",\"documents\":");
        serde_json::to_writer(&mut body, &documents).map_err(anyhow::Error::from)?;
    }
    body.extend_from_slice(b",\"view\":");
    serde_json::to_writer(&mut body, &view_of(full)).map_err(anyhow::Error::from)?;
    body.push(b'}');
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        body,
    )
        .into_response())
}

const fn view_of(full: bool) -> StatusView {
    if full {
        StatusView::Full
    } else {
        StatusView::Public
    }
}

/// A state as stored (its API spelling).
fn parse_state(stored: &str) -> Result<domain::lifecycle::State, AppError> {
    serde_json::from_value(serde_json::Value::String(stored.to_owned())).map_err(|e| {
        anyhow::anyhow!("unknown dossier state {stored:?} in the database: {e}").into()
    })
}

/// The timeline as a reader sees it: the public view has the states and dates only (an office's note
/// may name people or say what is wrong with the dossier).
fn timeline(
    stored: &[(String, chrono::DateTime<Utc>, Option<String>)],
    full: bool,
) -> Result<Vec<TimelineEntry>, AppError> {
    stored
        .iter()
        .map(|(to_state, at, note)| {
            Ok(TimelineEntry {
                state: parse_state(to_state)?,
                at: at.with_timezone(&VIETNAM_OFFSET).to_rfc3339(),
                note: if full { note.clone() } else { None },
            })
        })
        .collect()
}

/// The status of a dossier: whole (`full`, for its owner or a scoped access) or the public view.
///
/// # Errors
/// [`AppError::NotFound`] for an unknown code; others when the database fails.
pub(crate) async fn status_of(
    state: &AppState,
    code: &str,
    full: bool,
) -> Result<DossierStatus, AppError> {
    let d = state
        .store
        .find_dossier(&access::normalise(code))
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(DossierStatus {
        receipt: serde_json::from_str(&d.receipt_json).map_err(anyhow::Error::from)?,
        state: parse_state(&d.state)?,
        timeline: timeline(&d.timeline, full)?,
        documents: if full {
            issued_documents(state, code).await?
        } else {
            Vec::new()
        },
        view: view_of(full),
    })
}

/// The documents issued on a dossier, for its owner (called once the owner is known).
async fn issued_documents(
    state: &AppState,
    code: &str,
) -> Result<Vec<domain::api::IssuedDocument>, AppError> {
    let code = code.trim().to_uppercase();
    Ok(state
        .store
        .documents_of_dossier(&code)
        .await?
        .iter()
        .map(|d| crate::routes::staff::issued(state, &code, d))
        .collect())
}

/// `GET /api/v1/dossiers/{code}/receipt.pdf`: the receipt (TT 68 Mẫu 18 or TT 03 Mẫu 01), for the owner
/// or a dossier-scoped access (it names the applicant and their phone).
#[utoipa::path(
    get,
    path = "/api/v1/dossiers/{code}/receipt.pdf",
    tag = "dossiers",
    params(("code" = String, Path, description = "The dossier code")),
    responses(
        (status = 200, description = "The receipt (TT 68/2025 Mẫu 18 or TT 03/2025 Mẫu 01) with its QR code", content_type = "application/pdf"),
        (status = 401, description = "Nobody signed in and no dossier-scoped access", body = ApiError),
        (status = 403, description = "Signed in, but not the dossier's owner", body = ApiError),
        (status = 404, description = "No such dossier", body = ApiError),
        (status = 429, description = "Too many look-ups from this address", body = ApiError),
    )
)]
pub(crate) async fn receipt_pdf(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    let (dossier, _) = access::private_dossier(&state, &viewer, &headers, &code).await?;
    let phone = SoDienThoai::try_from(dossier.applicant_phone.clone())
        .map_err(|e| anyhow::anyhow!("a stored applicant phone does not parse: {e}"))?;
    let receipt: Receipt =
        serde_json::from_str(&dossier.receipt_json).map_err(anyhow::Error::from)?;
    let agency = match receipt.jurisdiction {
        domain::Jurisdiction::Commune(commune) => {
            format!("Cơ quan đăng ký kinh doanh — {}", commune.name())
        }
        domain::Jurisdiction::ProvincialTradeDepartment => {
            domain::Authority::ProvincialTradeDepartment
                .name(domain::Lang::Vi)
                .to_owned()
        }
    };
    let mut documents = vec![
        domain::FormVersion::current(receipt.procedure)
            .title()
            .to_owned(),
    ];
    documents.extend(dossier.attachments.iter().map(|(kind, name)| {
        let kind_name = serde_json::from_value::<domain::attachments::DocumentKind>(
            serde_json::Value::String(kind.clone()),
        )
        .map(|k| k.name(domain::Lang::Vi).to_owned())
        .unwrap_or_else(|_| kind.clone());
        if name.is_empty() {
            kind_name
        } else {
            format!("{kind_name} ({name})")
        }
    }));
    let doc = ReceiptDocument {
        code: receipt.code.clone(),
        procedure: receipt.procedure,
        agency,
        applicant_name: dossier.applicant_name,
        applicant_phone: phone,
        subject: None,
        received_at: chrono::DateTime::parse_from_rfc3339(&receipt.received_at)
            .map_err(anyhow::Error::from)?,
        due_date: receipt.due_date,
        fee: receipt.fee,
        documents,
        channel: if dossier.channel == "assisted" {
            FilingChannel::Assisted
        } else {
            FilingChannel::Online
        },
        lookup_url: receipt.lookup_url,
    };
    // Rendering is CPU work of a few milliseconds: keep it off the request threads.
    let pdf = tokio::task::spawn_blocking(move || crate::documents::receipt_pdf(&doc))
        .await
        .map_err(anyhow::Error::from)??;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/pdf"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&format!("inline; filename=\"giay-tiep-nhan-{code}.pdf\""))
                    .unwrap_or_else(|_| HeaderValue::from_static("inline")),
            ),
        ],
        pdf,
    )
        .into_response())
}
