//! The staff workspace (issue 7): the queue of a staff member's jurisdictions, the dossier with
//! everything needed to decide, the actions that move it through the lifecycle (each one transaction:
//! state, event, notification, documents, audit), the files and documents of a dossier, and the audit
//! log. Every read of a dossier by staff is audited.

use axum::{
    Json, Router,
    body::Body,
    extract::{Path, Query, State},
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
    routing::get,
};
use bytes::Bytes;
use chrono::{NaiveDate, Utc};
use domain::{
    Lang, Procedure,
    api::{
        AttachmentView, AuditQuery, AuditRecord, IssuedDocument, QueueItem, QueuePage, QueueQuery,
        Receipt, StaffAction, StaffDossier, StateNotice, SupplementItem, SupplementRequest,
        TimelineEntry,
    },
    calendar::VIETNAM_OFFSET,
    documents as doc,
    lifecycle::{Action, Actor, State as DState, TransitionError},
};
use serde::Serialize;

use crate::{
    AppState,
    auth::{ClientIp, StaffUser, Viewer},
    error::AppError,
    issue::{Draft, Office, Pending},
    store::work::{
        AuditEntry, DocumentRow, NewSupplement, QueuePageQuery, QueueRow, StoredAudit, Transition,
        TransitionOutcome, WorkDossier,
    },
};

pub(crate) fn router(limiter: crate::rate_limit::RateLimiter) -> Router<AppState> {
    // The owner's download of a document takes a dossier code: limited per address like every look-up.
    let documents = Router::new()
        .route("/api/v1/dossiers/{code}/documents/{id}", get(document))
        .layer(axum::middleware::from_fn_with_state(
            limiter,
            crate::rate_limit::limit,
        ));
    Router::new()
        .merge(documents)
        .route("/api/v1/staff/dossiers", get(queue))
        .route("/api/v1/staff/dossiers/{code}", get(dossier))
        .route(
            "/api/v1/staff/dossiers/{code}/actions",
            axum::routing::post(act),
        )
        .route(
            "/api/v1/staff/dossiers/{code}/attachments/{id}",
            get(attachment),
        )
        .route("/api/v1/staff/audit", get(audit))
}

/// The state and procedure of a stored row.
pub(crate) fn parse<T: serde::de::DeserializeOwned>(stored: &str) -> Result<T, AppError> {
    serde_json::from_value(serde_json::Value::String(stored.to_owned()))
        .map_err(|e| AppError::Unexpected(anyhow::anyhow!("stored value {stored}: {e}")))
}

pub(crate) fn api_name(value: &impl Serialize) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

pub(crate) fn today() -> NaiveDate {
    Utc::now().with_timezone(&VIETNAM_OFFSET).date_naive()
}

pub(crate) fn vn_time(at: chrono::DateTime<Utc>) -> String {
    at.with_timezone(&VIETNAM_OFFSET).to_rfc3339()
}

/// The queue row as the wire shows it.
fn queue_item(row: &QueueRow, today: NaiveDate) -> Result<QueueItem, AppError> {
    let state: DState = parse(&row.state)?;
    let overdue = state.is_overdue(row.due_date, today);
    let due_soon = !overdue
        && matches!(state, DState::Received | DState::Processing)
        && row.due_date.is_some_and(|due| {
            due >= today
                && domain::calendar::Calendar::official().working_days_between(today, due) <= 2
        });
    Ok(QueueItem {
        code: row.code.clone(),
        procedure: parse(&row.procedure)?,
        jurisdiction: row.jurisdiction.clone(),
        applicant_name: row.applicant_name.clone(),
        applicant_phone: row.applicant_phone.clone(),
        state,
        received_at: vn_time(row.received_at),
        due_date: row.due_date,
        overdue,
        due_soon,
    })
}

/// The last day a dossier due then is "due soon" today: within two working days.
fn soon_until(today: NaiveDate) -> NaiveDate {
    let calendar = domain::calendar::Calendar::official();
    today
        .iter_days()
        .take(60)
        .take_while(|day| calendar.working_days_between(today, *day) <= 2)
        .last()
        .unwrap_or(today)
}

#[utoipa::path(
    get,
    path = "/api/v1/staff/dossiers",
    tag = "staff",
    params(
        ("state" = Option<String>, Query, description = "Only this state"),
        ("procedure" = Option<String>, Query, description = "Only this procedure"),
        ("q" = Option<String>, Query, description = "Code, applicant name (accents ignored) or phone"),
        ("page" = Option<u32>, Query, description = "The page, from 1 (50 dossiers a page)"),
    ),
    responses(
        (status = 200, description = "One page (at most 50) of the dossiers of the staff member's jurisdictions, overdue then due soon first, with the number of pages and of dossiers", body = QueuePage),
        (status = 401, description = "Not signed in as staff", body = domain::api::ApiError),
    )
)]
pub(crate) async fn queue(
    State(state): State<AppState>,
    user: StaffUser,
    ip: ClientIp,
    Query(query): Query<QueueQuery>,
) -> Result<Json<QueuePage>, AppError> {
    let readable: Vec<String> = user
        .jurisdictions
        .iter()
        .filter(|j| user.can_read(j))
        .cloned()
        .collect();
    let state_filter = query.state.map(|s| api_name(&s));
    let page = query.page.unwrap_or(1).max(1);
    let size = domain::api::QUEUE_PAGE_SIZE;
    let offset = u64::from(page - 1) * u64::from(size);
    let today = today();
    let folded_query = query
        .q
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .map(|q| {
            (
                q.to_uppercase(),
                q.replace([' ', '.', '-'], ""),
                domain::text::fold(q),
            )
        });
    let (items, total) = if let Some((upper, digits, folded)) = &folded_query {
        // A search compares names without accents, which the database cannot: the jurisdictions'
        // rows are matched here, then sorted and cut like a page of the database's.
        let rows = state
            .store
            .queue(&readable, state_filter.as_deref())
            .await?;
        let mut items = Vec::new();
        for row in &rows {
            let item = queue_item(row, today)?;
            if query.procedure.is_some_and(|p| p != item.procedure) {
                continue;
            }
            let hit = item.code.contains(upper.as_str())
                || (!digits.is_empty()
                    && digits.chars().all(|c| c.is_ascii_digit())
                    && item.applicant_phone.contains(digits.as_str()))
                || domain::text::matches_words(folded, &domain::text::fold(&item.applicant_name));
            if hit {
                items.push(item);
            }
        }
        // Overdue first, then due soon, then by due date, the newest first.
        items.sort_by(|a, b| {
            (!a.overdue, !a.due_soon, a.due_date.is_none(), a.due_date)
                .cmp(&(!b.overdue, !b.due_soon, b.due_date.is_none(), b.due_date))
                .then_with(|| b.received_at.cmp(&a.received_at))
                .then_with(|| a.code.cmp(&b.code))
        });
        let total = items.len() as u64;
        let items: Vec<QueueItem> = items
            .into_iter()
            .skip(usize::try_from(offset).unwrap_or(usize::MAX))
            .take(size as usize)
            .collect();
        (items, total)
    } else {
        let (rows, total) = state
            .store
            .queue_page(&QueuePageQuery {
                jurisdictions: readable.clone(),
                state: state_filter,
                procedure: query.procedure.map(|p| api_name(&p)),
                today,
                soon_until: soon_until(today),
                limit: i64::from(size),
                offset: i64::try_from(offset).unwrap_or(i64::MAX),
            })
            .await?;
        let items = rows
            .iter()
            .map(|row| queue_item(row, today))
            .collect::<Result<Vec<_>, _>>()?;
        (items, u64::try_from(total).unwrap_or_default())
    };
    // The queue shows names and phone numbers: a read of personal data, audited per jurisdiction.
    let filters = [
        query.state.map(|s| format!("state={}", api_name(&s))),
        query
            .procedure
            .map(|p| format!("procedure={}", api_name(&p))),
        query
            .q
            .as_deref()
            .map(str::trim)
            .filter(|q| !q.is_empty())
            .map(|q| format!("q={q}")),
        (page > 1).then(|| format!("page={page}")),
    ];
    let filters: Vec<String> = filters.into_iter().flatten().collect();
    for jurisdiction in &readable {
        let shown = items
            .iter()
            .filter(|i| &i.jurisdiction == jurisdiction)
            .count();
        if shown == 0 {
            continue;
        }
        let mut detail = format!("{shown} hồ sơ");
        if !filters.is_empty() {
            detail.push_str(&format!(" ({})", filters.join("; ")));
        }
        state
            .store
            .append_audit(&AuditEntry {
                at: Utc::now(),
                staff_id: user.id.hyphenated().to_string(),
                staff_name: user.display_name.clone(),
                action: "queue".to_owned(),
                dossier_code: String::new(),
                jurisdiction: jurisdiction.clone(),
                client_addr: ip.0.map(|a| a.to_string()),
                detail: Some(detail),
            })
            .await?;
    }
    let pages = u32::try_from(total.div_ceil(u64::from(size)))
        .unwrap_or(u32::MAX)
        .max(1);
    Ok(Json(QueuePage {
        items,
        page,
        pages,
        total,
    }))
}

/// The dossier if this staff member may read it; another jurisdiction's looks unknown.
async fn readable(state: &AppState, user: &StaffUser, code: &str) -> Result<WorkDossier, AppError> {
    state
        .store
        .work_dossier(&code.trim().to_uppercase())
        .await?
        .filter(|d| user.can_read(&d.row.jurisdiction))
        .ok_or(AppError::NotFound)
}

fn audit_entry(
    user: &StaffUser,
    ip: ClientIp,
    dossier: &WorkDossier,
    action: String,
    detail: Option<String>,
) -> AuditEntry {
    AuditEntry {
        at: Utc::now(),
        staff_id: user.id.hyphenated().to_string(),
        staff_name: user.display_name.clone(),
        action,
        dossier_code: dossier.row.code.clone(),
        jurisdiction: dossier.row.jurisdiction.clone(),
        client_addr: ip.0.map(|a| a.to_string()),
        detail,
    }
}

pub(crate) fn issued(state: &AppState, code: &str, d: &DocumentRow) -> IssuedDocument {
    IssuedDocument {
        kind: d.kind.clone(),
        title: d.title.clone(),
        number: d.number.clone(),
        issued_at: vn_time(d.issued_at),
        url: format!("/api/v1/dossiers/{code}/documents/{}", d.id),
        verify_url: d
            .verify_code
            .as_ref()
            .map(|v| crate::issue::verify_url(state, v)),
    }
}

/// The open request for amendments of a dossier, as the wire shows it.
pub(crate) fn open_supplement(dossier: &WorkDossier) -> Option<SupplementRequest> {
    let s = dossier.supplement.as_ref()?;
    if s.resolved_at.is_some() {
        return None;
    }
    Some(SupplementRequest {
        requested_at: vn_time(s.requested_at),
        deadline: s.deadline,
        note: s.note.clone(),
        items: serde_json::from_str(&s.items_json).unwrap_or_default(),
        document_url: s
            .document_id
            .map(|id| format!("/api/v1/dossiers/{}/documents/{id}", dossier.row.code)),
    })
}

fn staff_view(state: &AppState, d: &WorkDossier, lang: Lang) -> Result<StaffDossier, AppError> {
    let summary = queue_item(&d.row, today())?;
    // A registration's owner is only what the form says unless the owner's VNeID session filed it.
    let owner_identity_verified =
        (summary.procedure != Procedure::PromotionNotice).then_some(d.owner_verified);
    let owner_identity_warning = (summary.procedure == Procedure::HkdRegistration
        && !d.owner_verified)
        .then(|| domain::forms::filer::unverified_owner_warning(lang).to_owned());
    let allowed_actions = [
        Action::Receive,
        Action::RefuseIntake,
        Action::StartProcessing,
        Action::RequestSupplement,
        Action::Approve,
        Action::Reject,
        Action::Deliver,
        Action::Extend,
    ]
    .into_iter()
    .filter(|a| {
        summary
            .state
            .apply(summary.procedure, *a, Actor::Staff)
            .is_ok()
            && (*a != Action::Extend || summary.overdue)
    })
    .collect();
    Ok(StaffDossier {
        form: filed_form(d)?,
        channel: d.channel.clone(),
        attachments: d
            .attachments
            .iter()
            .filter(|a| a.current)
            .map(|a| AttachmentView {
                kind: a.kind.clone(),
                media_type: a.media_type.clone(),
                size: a.size,
                original_name: a.original_name.clone(),
                url: format!("/api/v1/staff/dossiers/{}/attachments/{}", d.row.code, a.id),
            })
            .collect(),
        timeline: d
            .timeline
            .iter()
            .map(|(s, at, note)| {
                Ok(TimelineEntry {
                    state: parse(s)?,
                    at: vn_time(*at),
                    note: note.clone(),
                })
            })
            .collect::<Result<_, AppError>>()?,
        documents: d
            .documents
            .iter()
            .map(|x| issued(state, &d.row.code, x))
            .collect(),
        supplement: open_supplement(d),
        allowed_actions,
        summary,
        owner_identity_verified,
        owner_identity_warning,
    })
}

#[utoipa::path(
    get,
    path = "/api/v1/staff/dossiers/{code}",
    tag = "staff",
    params(("code" = String, Path, description = "The dossier code")),
    responses(
        (status = 200, description = "The dossier, its files, timeline, documents and allowed actions", body = StaffDossier),
        (status = 401, description = "Not signed in as staff", body = domain::api::ApiError),
        (status = 404, description = "No such dossier in the staff member's jurisdictions", body = domain::api::ApiError),
    )
)]
pub(crate) async fn dossier(
    State(state): State<AppState>,
    user: StaffUser,
    ip: ClientIp,
    headers: axum::http::HeaderMap,
    Path(code): Path<String>,
) -> Result<Json<StaffDossier>, AppError> {
    let d = readable(&state, &user, &code).await?;
    state
        .store
        .append_audit(&audit_entry(&user, ip, &d, "view".into(), None))
        .await?;
    Ok(Json(staff_view(
        &state,
        &d,
        crate::error::request_lang(&headers),
    )?))
}

/// The message of a refused move: the state and the action, in words.
pub(crate) fn refused(e: TransitionError, procedure: Procedure) -> AppError {
    match e {
        TransitionError::NotAllowed { from, action } => {
            let extra_vi = if from.is_final(procedure) {
                " Hồ sơ đã kết thúc, không thể thao tác thêm."
            } else {
                ""
            };
            let extra_en = if from.is_final(procedure) {
                " The dossier is finished; nothing more can be done."
            } else {
                ""
            };
            AppError::conflict(
                format!(
                    "Không thể {} hồ sơ đang ở trạng thái «{}».{extra_vi}",
                    action.label(Lang::Vi),
                    from.label(Lang::Vi)
                ),
                format!(
                    "Cannot {} a dossier that is “{}”.{extra_en}",
                    action.label(Lang::En),
                    from.label(Lang::En)
                ),
            )
        }
        TransitionError::WrongActor { action, .. } => AppError::conflict(
            format!(
                "Cán bộ không thể {}: việc này do người nộp hồ sơ hoặc hệ thống thực hiện.",
                action.label(Lang::Vi)
            ),
            format!(
                "Staff cannot {}: the applicant or the system does this.",
                action.label(Lang::En)
            ),
        ),
    }
}

fn required_reason(action: &StaffAction) -> Result<String, AppError> {
    action
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(|r| r.chars().take(2000).collect())
        .ok_or_else(|| {
            AppError::unprocessable(
                format!(
                    "Cần ghi lý do để {}: hãy nhập lý do (người nộp sẽ nhận được nội dung này).",
                    action.action.label(Lang::Vi)
                ),
                format!(
                    "A reason is required to {}: type the reason (the applicant receives it).",
                    action.action.label(Lang::En)
                ),
            )
        })
}

/// The form as the applicant filed it, with the draft's keys (what requests for amendments name); for
/// a dossier filed before that was kept, the validated form.
fn filed_form(d: &WorkDossier) -> Result<serde_json::Value, AppError> {
    if let Some(draft) = &d.draft_json {
        return Ok(serde_json::from_str(draft).map_err(anyhow::Error::from)?);
    }
    let mut submission: serde_json::Value =
        serde_json::from_str(&d.form_json).map_err(anyhow::Error::from)?;
    Ok(submission
        .get_mut("form")
        .map(serde_json::Value::take)
        .unwrap_or(submission))
}

/// The segments of a field path: `owner.id`, `business_lines[1].code` or `business_lines.1.code`.
fn path_segments(path: &str) -> Option<Vec<&str>> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let (key, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !key.is_empty() {
            out.push(key);
        }
        while let Some(inner) = rest.strip_prefix('[') {
            let close = inner.find(']')?;
            out.push(&inner[..close]);
            rest = &inner[close + 1..];
        }
        if !rest.is_empty() || key.contains(']') || (key.is_empty() && !part.starts_with('[')) {
            return None;
        }
    }
    (!out.is_empty()).then_some(out)
}

/// Whether `target` names a field of the filed form (a path in the draft's keys, with or without the
/// API's `form.` prefix) or an attachment, `attachment:<kind>`. A missing sub-field of an object that
/// is there (an optional field left empty) may be named too.
fn target_exists(form: &serde_json::Value, attachments: &[String], target: &str) -> bool {
    if let Some(kind) = target.strip_prefix("attachment:") {
        return !kind.is_empty()
            && (attachments.iter().any(|a| a == kind)
                || serde_json::from_value::<domain::attachments::DocumentKind>(
                    serde_json::Value::String(kind.to_owned()),
                )
                .is_ok());
    }
    let path = target.strip_prefix("form.").unwrap_or(target);
    if path.len() > 200
        || !path
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '[' | ']'))
    {
        return false;
    }
    let Some(segments) = path_segments(path) else {
        return false;
    };
    let mut at = form;
    for (i, part) in segments.iter().enumerate() {
        let next = match at {
            serde_json::Value::Object(map) => map.get(*part),
            serde_json::Value::Array(items) => {
                part.parse::<usize>().ok().and_then(|n| items.get(n))
            }
            _ => None,
        };
        match next {
            Some(v) => at = v,
            None => {
                return i + 1 == segments.len() && i > 0 && at.is_object();
            }
        }
    }
    true
}

/// Who issues the dossier's documents, and the header of one issued today by `user`: signed as their
/// position at that body says (`Signer::of`), without a number yet (the move's transaction takes it,
/// `crate::issue::Pending`).
fn letter_context(
    d: &WorkDossier,
    user: &StaffUser,
    procedure: Procedure,
) -> Result<(Office, doc::Issuance, doc::DossierRef), AppError> {
    let receipt: Receipt = serde_json::from_str(&d.receipt_json).map_err(anyhow::Error::from)?;
    let body = domain::results::issuing_body(receipt.jurisdiction);
    let office = Office {
        body,
        key: receipt.jurisdiction.agency_code(),
    };
    Ok((
        office,
        doc::Issuance {
            issuer: domain::results::issuer(receipt.jurisdiction),
            number: None,
            issued_on: today(),
            signer: doc::Signer::of(body, user.title, &user.display_name),
        },
        doc::DossierRef {
            code: d.row.code.clone(),
            procedure,
            received_on: d
                .row
                .received_at
                .with_timezone(&VIETNAM_OFFSET)
                .date_naive(),
            applicant: d.row.applicant_name.clone(),
            applicant_phone: Some(d.row.applicant_phone.clone()),
            subject: None,
        },
    ))
}

#[utoipa::path(
    post,
    path = "/api/v1/staff/dossiers/{code}/actions",
    tag = "staff",
    params(("code" = String, Path, description = "The dossier code")),
    request_body = StaffAction,
    responses(
        (status = 200, description = "Done: the dossier as it is now", body = StaffDossier),
        (status = 401, description = "Not signed in as staff", body = domain::api::ApiError),
        (status = 403, description = "The role may not act on this dossier", body = domain::api::ApiError),
        (status = 404, description = "No such dossier in the staff member's jurisdictions", body = domain::api::ApiError),
        (status = 409, description = "The lifecycle does not allow this action now", body = domain::api::ApiError),
        (status = 422, description = "A reason, item or date is missing or wrong", body = domain::api::ApiError),
    )
)]
pub(crate) async fn act(
    State(state): State<AppState>,
    user: StaffUser,
    ip: ClientIp,
    headers: axum::http::HeaderMap,
    Path(code): Path<String>,
    Json(action): Json<StaffAction>,
) -> Result<Json<StaffDossier>, AppError> {
    let d = readable(&state, &user, &code).await?;
    let procedure: Procedure = parse(&d.row.procedure)?;
    if !user.can_act(&d.row.jurisdiction, procedure) {
        return Err(AppError::forbidden(
            "Tài khoản của bạn chỉ được xem hồ sơ này, không được thao tác (cần vai trò cán bộ xử lý của đơn vị).",
            "Your account may read this dossier but not act on it (an officer of the office must).",
        ));
    }
    let from: DState = parse(&d.row.state)?;
    let to = from
        .apply(procedure, action.action, Actor::Staff)
        .map_err(|e| refused(e, procedure))?;
    let now = Utc::now();
    let note: Option<String>;
    let mut due_date = None;
    let mut supplement = None;
    let mut registry = None;
    let (office, issuance, dossier_ref) = letter_context(&d, &user, procedure)?;
    // The documents the move issues: numbered, set and stored only in its transaction.
    let mut pending = Pending::new(office, procedure, issuance.issued_on);
    match action.action {
        Action::RefuseIntake => {
            let reason = required_reason(&action)?;
            let verify = crate::issue::verify_code();
            let url = Some(crate::issue::verify_url(&state, &verify));
            let text = reason.clone();
            pending.add(
                Draft {
                    kind: doc::DocumentKind::IntakeRefusal,
                    verify_code: verify,
                    hkd_code: None,
                    content: move |number| doc::IntakeRefusal {
                        issuance: doc::Issuance { number, ..issuance },
                        dossier: dossier_ref,
                        reason: text,
                        verify_url: url,
                    },
                },
                crate::documents::intake_refusal_pdf,
            );
            note = Some(reason);
        }
        Action::Reject => note = Some(required_reason(&action)?),
        Action::RequestSupplement => {
            if action.items.is_empty() {
                return Err(AppError::unprocessable(
                    "Cần chọn ít nhất một mục (trường thông tin hoặc giấy tờ) phải sửa đổi, bổ sung, kèm ghi chú.",
                    "Choose at least one field or document to amend, with a note.",
                ));
            }
            let form = filed_form(&d)?;
            let kinds: Vec<String> = d.attachments.iter().map(|a| a.kind.clone()).collect();
            let mut items = Vec::new();
            for item in &action.items {
                let target = item.target.trim();
                if !target_exists(&form, &kinds, target) {
                    return Err(AppError::unprocessable(
                        format!(
                            "Mục «{target}» không có trong hồ sơ: hãy chọn một trường thông tin hoặc giấy tờ của hồ sơ."
                        ),
                        format!(
                            "“{target}” is not part of the dossier: choose one of its fields or documents."
                        ),
                    ));
                }
                let text = item.note.trim();
                if text.is_empty() {
                    return Err(AppError::unprocessable(
                        format!(
                            "Mục «{target}» chưa có ghi chú: hãy ghi rõ cần sửa gì, bổ sung gì."
                        ),
                        format!("“{target}” has no note: say what to amend or send."),
                    ));
                }
                items.push(SupplementItem {
                    target: target.to_owned(),
                    note: text.chars().take(1000).collect(),
                });
            }
            let deadline = (procedure.authority() == domain::Authority::CommuneRegistrationOffice)
                .then(|| domain::lifecycle::lapse_after(today()));
            let verify = crate::issue::verify_code();
            let url = Some(crate::issue::verify_url(&state, &verify));
            let listed: Vec<doc::SupplementItem> = items
                .iter()
                .map(|i| doc::SupplementItem {
                    // Named as the phone's form names it (step › field, or the document).
                    item: app::pages::supplement::target_label(procedure, &i.target, Lang::Vi),
                    note: i.note.clone(),
                })
                .collect();
            pending.add(
                Draft {
                    kind: doc::DocumentKind::SupplementRequest,
                    verify_code: verify,
                    hkd_code: None,
                    content: move |number| doc::SupplementRequest {
                        issuance: doc::Issuance { number, ..issuance },
                        dossier: dossier_ref,
                        items: listed,
                        verify_url: url,
                    },
                },
                crate::documents::supplement_request_pdf,
            );
            let overall = action
                .reason
                .as_deref()
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .map(str::to_owned);
            note = Some(overall.clone().unwrap_or_else(|| {
                items
                    .iter()
                    .map(|i| format!("{}: {}", i.target, i.note))
                    .collect::<Vec<_>>()
                    .join("; ")
            }));
            supplement = Some(NewSupplement {
                deadline,
                note: overall,
                items_json: serde_json::to_string(&items).map_err(anyhow::Error::from)?,
            });
        }
        Action::Extend => {
            let reason = required_reason(&action)?;
            let old = d.row.due_date.ok_or_else(|| {
                AppError::conflict(
                    "Hồ sơ này không có hạn giải quyết nên không cần gia hạn.",
                    "This dossier has no due date, so it cannot be extended.",
                )
            })?;
            if !from.is_overdue(Some(old), today()) {
                return Err(AppError::conflict(
                    format!(
                        "Hồ sơ chưa quá hạn (hạn trả kết quả {}): chỉ gia hạn khi đã quá hạn.",
                        old.format("%d/%m/%Y")
                    ),
                    format!("The dossier is not overdue (due {old}): extend only when overdue."),
                ));
            }
            let new = action.new_due_date.ok_or_else(|| {
                AppError::unprocessable(
                    "Cần chọn ngày hẹn trả kết quả mới.",
                    "Choose the new due date.",
                )
            })?;
            if new <= old || new < today() {
                return Err(AppError::unprocessable(
                    format!(
                        "Ngày hẹn mới ({}) phải sau hạn cũ ({}) và không trước hôm nay.",
                        new.format("%d/%m/%Y"),
                        old.format("%d/%m/%Y")
                    ),
                    format!(
                        "The new due date ({new}) must be after the old one ({old}) and not before today."
                    ),
                ));
            }
            let verify = crate::issue::verify_code();
            let url = Some(crate::issue::verify_url(&state, &verify));
            let text = reason.clone();
            pending.add(
                Draft {
                    kind: doc::DocumentKind::Apology,
                    verify_code: verify,
                    hkd_code: None,
                    content: move |number| doc::Apology {
                        issuance: doc::Issuance { number, ..issuance },
                        dossier: dossier_ref,
                        old_due_date: old,
                        new_due_date: new,
                        reason: text,
                        verify_url: url,
                    },
                },
                crate::documents::apology_pdf,
            );
            due_date = Some(new);
            note = Some(format!(
                "{reason} (hẹn trả mới: {})",
                new.format("%d/%m/%Y")
            ));
        }
        Action::Approve | Action::Receive => {
            let effects = if action.action == Action::Approve {
                crate::issue::approve(
                    &state,
                    &d,
                    &mut pending,
                    issuance,
                    dossier_ref,
                    action.hkd_code.as_deref(),
                )
                .await?
            } else {
                crate::issue::receive(&state, &d, &mut pending, issuance, dossier_ref)?
            };
            registry = effects.registry;
            let typed = action
                .reason
                .as_deref()
                .map(str::trim)
                .filter(|r| !r.is_empty());
            note = match (typed, effects.note) {
                (Some(t), Some(n)) => Some(format!("{t} {n}")),
                (t, n) => n.or_else(|| t.map(str::to_owned)),
            };
        }
        Action::StartProcessing
        | Action::Deliver
        | Action::Resubmit
        | Action::Lapse
        | Action::Withdraw => {
            note = action
                .reason
                .as_deref()
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .map(str::to_owned);
        }
    }
    let notice = StateNotice {
        code: d.row.code.clone(),
        procedure,
        state: to,
        at: vn_time(now),
        note: note.clone(),
    };
    let transition = Transition {
        code: d.row.code.clone(),
        from: d.row.state.clone(),
        to: api_name(&to),
        actor: "staff",
        actor_id: Some(user.id.hyphenated().to_string()),
        note: note.clone(),
        at: now,
        due_date,
        notice_json: serde_json::to_string(&notice).map_err(anyhow::Error::from)?,
        documents: Vec::new(),
        supplement,
        resolve_supplement: None,
        resubmission: None,
        registry,
        audit: Some(audit_entry(
            &user,
            ip,
            &d,
            format!("action:{}", api_name(&action.action)),
            note,
        )),
    };
    match crate::issue::apply(&state, &transition, pending).await? {
        TransitionOutcome::Applied => {}
        TransitionOutcome::NotFound => return Err(AppError::NotFound),
        TransitionOutcome::Moved(now_state) => {
            let now_state: DState = parse(&now_state)?;
            return Err(AppError::conflict(
                format!(
                    "Hồ sơ vừa được chuyển sang trạng thái «{}» bởi người khác; hãy tải lại hồ sơ rồi thao tác lại.",
                    now_state.label(Lang::Vi)
                ),
                format!(
                    "The dossier has just moved to “{}”; reload it and try again.",
                    now_state.label(Lang::En)
                ),
            ));
        }
        TransitionOutcome::RegistryConflict => {
            return Err(AppError::conflict(
                "Tên hộ kinh doanh đã được một hộ kinh doanh khác (chưa chấm dứt hoạt động) đăng ký trong xã, phường                  (Điều 86 khoản 6 Nghị định 168/2025/NĐ-CP), hoặc mã số hộ kinh doanh đã có: không thể cấp kết quả.",
                "The business name is taken in the commune by a business not terminated (Decree 168/2025, art.                  86.6), or the code exists: the result cannot be issued.",
            ));
        }
    }
    let d = readable(&state, &user, &code).await?;
    Ok(Json(staff_view(
        &state,
        &d,
        crate::error::request_lang(&headers),
    )?))
}

fn file_response(media_type: &str, bytes: Bytes) -> Response {
    let mut res = Body::from(bytes).into_response();
    let headers = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(media_type) {
        headers.insert(header::CONTENT_TYPE, v);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    res
}

#[utoipa::path(
    get,
    path = "/api/v1/staff/dossiers/{code}/attachments/{id}",
    tag = "staff",
    params(
        ("code" = String, Path, description = "The dossier code"),
        ("id" = i64, Path, description = "The attachment's id"),
    ),
    responses(
        (status = 200, description = "The file, with its content type"),
        (status = 401, description = "Not signed in as staff", body = domain::api::ApiError),
        (status = 404, description = "No such file on a dossier of the staff member's jurisdictions", body = domain::api::ApiError),
    )
)]
pub(crate) async fn attachment(
    State(state): State<AppState>,
    user: StaffUser,
    ip: ClientIp,
    Path((code, id)): Path<(String, i64)>,
) -> Result<Response, AppError> {
    let d = readable(&state, &user, &code).await?;
    let a = d
        .attachments
        .iter()
        .find(|a| a.id == id)
        .ok_or(AppError::NotFound)?;
    let bytes = state.storage.get(&a.storage_key).await?;
    state
        .store
        .append_audit(&audit_entry(
            &user,
            ip,
            &d,
            "attachment".into(),
            Some(format!("{} ({})", a.kind, a.original_name)),
        ))
        .await?;
    Ok(file_response(&a.media_type, bytes))
}

#[utoipa::path(
    get,
    path = "/api/v1/dossiers/{code}/documents/{id}",
    tag = "dossiers",
    params(
        ("code" = String, Path, description = "The dossier code"),
        ("id" = i64, Path, description = "The document's id"),
    ),
    responses(
        (status = 200, description = "The PDF: to staff who read the dossier's office, its owner signed in, or a dossier-scoped access", content_type = "application/pdf"),
        (status = 401, description = "Nobody signed in and no dossier-scoped access", body = domain::api::ApiError),
        (status = 403, description = "Signed in, but neither staff of the office nor the dossier's owner", body = domain::api::ApiError),
        (status = 404, description = "No such dossier or document", body = domain::api::ApiError),
        (status = 429, description = "Too many look-ups from this address", body = domain::api::ApiError),
    )
)]
pub(crate) async fn document(
    State(state): State<AppState>,
    viewer: Viewer,
    ip: ClientIp,
    headers: axum::http::HeaderMap,
    Path((code, id)): Path<(String, i64)>,
) -> Result<Response, AppError> {
    let d = state
        .store
        .work_dossier(&code.trim().to_uppercase())
        .await?
        .ok_or(AppError::NotFound)?;
    let x = d
        .documents
        .iter()
        .find(|x| x.id == id)
        .ok_or(AppError::NotFound)?;
    match &viewer {
        Viewer::Staff(user) if user.can_read(&d.row.jurisdiction) => {
            state
                .store
                .append_audit(&audit_entry(
                    user,
                    ip,
                    &d,
                    "document".into(),
                    Some(x.kind.clone()),
                ))
                .await?;
        }
        _ => {
            crate::routes::access::private_dossier(&state, &viewer, &headers, &code).await?;
        }
    }
    let bytes = state.storage.get(&x.storage_key).await?;
    let mut res = file_response("application/pdf", bytes);
    // The name a download keeps: the kind and the dossier (ASCII only, as the code is).
    let name: String = format!("{}-{}.pdf", x.kind.replace('_', "-"), d.row.code)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if let Ok(v) = HeaderValue::from_str(&format!("inline; filename=\"{name}\"")) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}

/// Rows of the audit log, on the wire.
fn audit_records(rows: Vec<StoredAudit>) -> Vec<AuditRecord> {
    rows.into_iter()
        .map(|StoredAudit { id, entry: a }| AuditRecord {
            id,
            at: vn_time(a.at),
            staff_id: a.staff_id,
            staff_name: a.staff_name,
            action: a.action,
            dossier: Some(a.dossier_code).filter(|c| !c.is_empty()),
            jurisdiction: a.jurisdiction,
            client_addr: a.client_addr,
            detail: a.detail,
        })
        .collect()
}

fn audit_forbidden() -> AppError {
    AppError::forbidden(
        "Chỉ lãnh đạo, giám sát của đơn vị và quản trị viên được xem nhật ký truy cập hồ sơ.",
        "Only supervisors of the office and administrators may read the audit log.",
    )
}

/// The most rows `?jurisdiction=` answers.
const AUDIT_PAGE: i64 = 500;

#[utoipa::path(
    get,
    path = "/api/v1/staff/audit",
    tag = "staff",
    params(
        ("dossier" = Option<String>, Query, description = "The dossier code: its rows, oldest first"),
        ("jurisdiction" = Option<String>, Query, description = "A commune code (or SCT): its latest rows (at most 500), newest first"),
        ("before" = Option<i64>, Query, description = "With jurisdiction: only rows older than this row id (the last id of the previous page)"),
    ),
    responses(
        (status = 200, description = "Who read or did what, when and from which address", body = Vec<AuditRecord>),
        (status = 400, description = "Neither a dossier nor a jurisdiction", body = domain::api::ApiError),
        (status = 401, description = "Not signed in as staff", body = domain::api::ApiError),
        (status = 403, description = "Only supervisors of the jurisdiction and administrators read the audit log", body = domain::api::ApiError),
        (status = 404, description = "No such dossier", body = domain::api::ApiError),
    )
)]
pub(crate) async fn audit(
    State(state): State<AppState>,
    user: StaffUser,
    Query(query): Query<AuditQuery>,
) -> Result<Json<Vec<AuditRecord>>, AppError> {
    let may_read = |jurisdiction: &str| match user.role {
        domain::api::Role::Administrator => true,
        domain::api::Role::Supervisor => user.can_read(jurisdiction),
        domain::api::Role::CommuneOfficer | domain::api::Role::TradeOfficer => false,
    };
    let dossier = query
        .dossier
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    let jurisdiction = query
        .jurisdiction
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    match (dossier, jurisdiction) {
        (Some(code), _) => {
            let code = code.to_uppercase();
            let d = state
                .store
                .work_dossier(&code)
                .await?
                .ok_or(AppError::NotFound)?;
            if !may_read(&d.row.jurisdiction) {
                return Err(audit_forbidden());
            }
            Ok(Json(audit_records(state.store.audit_of(&code).await?)))
        }
        (None, Some(jurisdiction)) => {
            let jurisdiction = jurisdiction.to_uppercase();
            if !may_read(&jurisdiction) {
                return Err(audit_forbidden());
            }
            let rows = state
                .store
                .audit_of_jurisdiction(&jurisdiction, query.before, AUDIT_PAGE)
                .await?;
            Ok(Json(audit_records(rows)))
        }
        (None, None) => Err(AppError::bad_request(
            "Hãy chọn hồ sơ (dossier=…) hoặc đơn vị (jurisdiction=…) để xem nhật ký.",
            "Choose a dossier (dossier=…) or a jurisdiction (jurisdiction=…).",
        )),
    }
}

/// Moves every request for amendments whose deadline passed to `lapsed` (NĐ 168/2025 art. 95.4):
/// an event and a `dossier_state` notification each. Safe with several servers: each move is a
/// conditional update, so only one server applies it. Answers how many lapsed.
///
/// # Errors
/// When the database fails.
pub async fn lapse_sweep(store: &dyn crate::Store, today: NaiveDate) -> anyhow::Result<usize> {
    let mut n = 0;
    for (code, procedure) in store.lapse_candidates(today).await? {
        let procedure: Procedure = serde_json::from_value(serde_json::Value::String(procedure))?;
        let Ok(to) = DState::SupplementRequested.apply(procedure, Action::Lapse, Actor::System)
        else {
            continue;
        };
        let now = Utc::now();
        let note = "Quá hạn sửa đổi, bổ sung hồ sơ (60 ngày, Điều 95 khoản 4 Nghị định 168/2025/NĐ-CP): hồ sơ bị hủy.".to_owned();
        let notice = StateNotice {
            code: code.clone(),
            procedure,
            state: to,
            at: vn_time(now),
            note: Some(note.clone()),
        };
        let t = Transition {
            code,
            from: api_name(&DState::SupplementRequested),
            to: api_name(&to),
            actor: "system",
            actor_id: None,
            note: Some(note),
            at: now,
            due_date: None,
            notice_json: serde_json::to_string(&notice)?,
            documents: Vec::new(),
            supplement: None,
            resolve_supplement: Some("lapsed"),
            resubmission: None,
            registry: None,
            audit: None,
        };
        if store.apply_transition(&t).await? == TransitionOutcome::Applied {
            n += 1;
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn field_paths_split_on_dots_and_brackets() {
        assert_eq!(path_segments("owner.id"), Some(vec!["owner", "id"]));
        assert_eq!(
            path_segments("business_lines[1].code"),
            Some(vec!["business_lines", "1", "code"])
        );
        assert_eq!(
            path_segments("business_lines.1.code"),
            Some(vec!["business_lines", "1", "code"])
        );
        assert_eq!(path_segments("a[1"), None);
        assert_eq!(path_segments("a]"), None);
        assert_eq!(path_segments(""), None);
    }

    #[test]
    fn a_target_is_a_field_of_the_filed_form_or_an_attachment() {
        let form = json!({
            "hkd_name": "Hộ kinh doanh A",
            "owner": {"full_name": "Nguyễn Văn A"},
            "business_lines": [{"name": "Bán lẻ", "code": "4711"}],
        });
        let kinds = vec!["household_authorisation".to_owned()];
        for ok in [
            "hkd_name",
            "form.hkd_name",
            "owner.full_name",
            "owner.email",
            "business_lines[0].code",
            "business_lines.0.name",
            "attachment:household_authorisation",
            "attachment:death_certificate_or_court_decision",
        ] {
            assert!(target_exists(&form, &kinds, ok), "{ok}");
        }
        for bad in [
            "",
            "khong_co",
            "owner.address.street",
            "business_lines[3].code",
            "hkd_name.x",
            "attachment:",
            "attachment:khong_co",
            "owner; DROP",
        ] {
            assert!(!target_exists(&form, &kinds, bad), "{bad}");
        }
    }
}
