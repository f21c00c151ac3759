//! Sign-in and sessions: a citizen by phone and one-time code (`POST /api/v1/auth/otp`, `…/verify`), a
//! staff member by login name and password (`POST /api/v1/auth/staff`), the password change, who is
//! signed in (`GET /api/v1/session`) and sign-out (`DELETE /api/v1/session`); the citizen's own
//! dossiers (`GET /api/v1/me/dossiers`).
//!
//! Codes: 6 random digits, valid for a few minutes, single use, stored only as HMAC-SHA-256 keyed with
//! the server's secret (a code has only a million values, so a slow hash would not stop someone holding
//! the database from trying them all; a key they do not hold does), a limited number of wrong tries per
//! code, a limited number of codes per phone and per client address an hour, and a wait before resending.

use argon2::{Argon2, PasswordHash, PasswordVerifier as _};
use axum::{
    Json, Router,
    extract::State,
    http::{StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use chrono::{DateTime, Utc};
use domain::{
    PhoneKind, SoDienThoai,
    api::{
        ApiError, DossierStatus, MIN_PASSWORD_CHARS, OtpRequest, OtpSent, OtpVerify,
        PasswordChange, Principal, SessionInfo, StaffLogin,
    },
    validation::Errors,
};
use rand::Rng as _;

use crate::{
    AppState,
    auth::{CitizenUser, ClientIp, CurrentSession, StaffUser, Viewer, start_session},
    error::AppError,
    store::auth::{NewSession, NewSessionOwner, StaffRecord},
};

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/auth/otp", post(request_otp))
        .route("/api/v1/auth/otp/verify", post(verify_otp))
        .route("/api/v1/auth/staff", post(staff_login))
        .route(crate::auth::PASSWORD_CHANGE_PATH, post(change_password))
        .route("/api/v1/session", get(session).delete(sign_out))
        .route("/api/v1/me/dossiers", get(my_dossiers))
}

/// The SMS with the code.
fn otp_text(code: &str, minutes: u32) -> String {
    format!(
        "Một cửa Quảng Ngãi: mã đăng nhập của bạn là {code}, có hiệu lực {minutes} phút. \
         Không đưa mã này cho bất kỳ ai, kể cả cán bộ."
    )
}

/// A phone for signing in: valid, and a mobile (codes come by SMS).
pub(crate) fn mobile(path: &str, raw: &str) -> Result<SoDienThoai, AppError> {
    let mut errors = Errors::new();
    let phone = errors.required(
        path,
        Some(raw),
        |s| SoDienThoai::try_from(s.to_owned()),
        None,
    );
    let Some(phone) = phone else {
        return Err(AppError::Invalid(errors.into_vec()));
    };
    if phone.kind() == PhoneKind::Landline {
        return Err(AppError::unprocessable(
            "Mã đăng nhập được gửi bằng tin nhắn, nên cần số điện thoại di động (bắt đầu bằng 03, 05, 07, 08 hoặc 09), không phải số cố định.",
            "The sign-in code comes by text message, so enter a mobile number (starting 03, 05, 07, 08 or 09), not a landline.",
        ));
    }
    Ok(phone)
}

fn minutes_text(secs: u64) -> u64 {
    secs.div_ceil(60).max(1)
}

#[utoipa::path(
    post,
    path = "/api/v1/auth/otp",
    tag = "auth",
    request_body = OtpRequest,
    responses(
        (status = 202, description = "A code was sent by SMS", body = OtpSent),
        (status = 422, description = "Not a mobile number", body = ApiError),
        (status = 429, description = "Too soon after the last code, or too many codes for this number or from this address; Retry-After says when", body = ApiError),
        (status = 503, description = "The SMS gateway failed", body = ApiError),
    )
)]
pub(crate) async fn request_otp(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    Json(body): Json<OtpRequest>,
) -> Result<Response, AppError> {
    let phone = mobile("phone", &body.phone)?;
    let sent = issue_code(&state, phone.as_str(), phone.as_str(), client, otp_text).await?;
    Ok((StatusCode::ACCEPTED, Json(sent)).into_response())
}

/// Makes a one-time code for `key` (the phone for a sign-in, another key for another purpose, so a code
/// of one purpose never works for another), within the limits per key, per address and on resends,
/// and texts `text(code, minutes)` to `phone`.
pub(crate) async fn issue_code(
    state: &AppState,
    key: &str,
    phone: &str,
    client: Option<std::net::IpAddr>,
    text: fn(&str, u32) -> String,
) -> Result<OtpSent, AppError> {
    let settings = &state.auth.settings;
    let now = Utc::now();
    if let Some(last) = state.store.last_otp_at(key).await? {
        let ready = last + chrono::Duration::seconds(i64::from(settings.otp_resend_secs));
        if ready > now {
            let wait = u64::try_from((ready - now).num_seconds())
                .unwrap_or(0)
                .max(1);
            return Err(AppError::too_many(
                format!(
                    "Mã vừa được gửi tới số này. Vui lòng đợi {wait} giây rồi bấm «Gửi lại mã»."
                ),
                format!(
                    "A code was just sent to this number. Wait {wait} seconds, then press “Resend code”."
                ),
                wait,
            ));
        }
    }
    let hour_ago = now - chrono::Duration::hours(1);
    let sent = state.store.otp_count_for_phone(key, hour_ago).await?;
    if sent >= i64::from(settings.otp_per_phone_per_hour) {
        return Err(AppError::too_many(
            format!(
                "Số điện thoại này đã nhận {sent} mã trong một giờ qua, là mức tối đa. Vui lòng thử lại sau một giờ."
            ),
            format!(
                "This number got {sent} codes in the past hour, the most allowed. Try again in an hour."
            ),
            3600,
        ));
    }
    let client_text = client.map(|ip| ip.to_string());
    if let Some(ip) = &client_text {
        let from_here = state.store.otp_count_for_client(ip, hour_ago).await?;
        if from_here >= i64::from(settings.otp_per_ip_per_hour) {
            return Err(AppError::too_many(
                "Có quá nhiều yêu cầu gửi mã từ mạng của bạn trong một giờ qua. Vui lòng thử lại sau.",
                "Too many codes were asked for from your network in the past hour. Try again later.",
                3600,
            ));
        }
    }
    // `domain::accounts::ONE_TIME_CODE_DIGITS` digits.
    let code = format!("{:06}", rand::rng().random_range(0..1_000_000_u32));
    let ttl = settings.otp_ttl_secs;
    state
        .store
        .insert_otp(
            key,
            &state.auth.otp_hash(key, &code),
            client_text.as_deref(),
            now,
            now + chrono::Duration::seconds(i64::from(ttl)),
        )
        .await?;
    let minutes = u32::try_from(minutes_text(u64::from(ttl))).unwrap_or(5);
    if let Err(e) = state.sms.send(phone, &text(&code, minutes)).await {
        tracing::error!(error = format!("{e:#}"), "cannot send a one-time code");
        return Err(AppError::Unavailable {
            vi: "Không gửi được tin nhắn chứa mã lúc này. Vui lòng thử lại sau ít phút.".into(),
            en: "The text message with the code could not be sent now. Please try again in a few minutes."
                .into(),
        });
    }
    Ok(OtpSent {
        resend_after_seconds: settings.otp_resend_secs,
        expires_in_seconds: ttl,
    })
}

/// Checks and spends the code typed for `key`: wrong tries are counted and lock the code after the
/// limit.
pub(crate) async fn spend_code(state: &AppState, key: &str, typed: &str) -> Result<(), AppError> {
    let Some(code) = domain::accounts::parse_one_time_code(typed) else {
        return Err(AppError::unprocessable(
            "Mã xác thực gồm đúng 6 chữ số, như trong tin nhắn.",
            "The code has exactly 6 digits, as in the text message.",
        ));
    };
    let now = Utc::now();
    let Some(otp) = state.store.current_otp(key).await? else {
        return Err(no_code());
    };
    if otp.expires_at <= now {
        return Err(no_code());
    }
    let max = i32::try_from(state.auth.settings.otp_max_attempts).unwrap_or(5);
    if otp.attempts >= max {
        return Err(locked_code(max));
    }
    let expected = state.auth.otp_hash(key, &code);
    if !crate::auth::constant_time_eq(&expected, &otp.code_hash) {
        let attempts = state.store.otp_failed_attempt(otp.id).await?;
        let left = max - attempts;
        if left <= 0 {
            return Err(locked_code(max));
        }
        return Err(AppError::unauthorized(
            format!("Mã không đúng. Bạn còn {left} lần thử; hãy kiểm tra lại tin nhắn mới nhất."),
            format!("Wrong code. {left} tries left; check the latest text message."),
        ));
    }
    if !state.store.consume_otp(otp.id, now).await? {
        return Err(no_code());
    }
    Ok(())
}

/// The answer to a sign-in: the session's info and its cookie.
fn signed_in(
    state: &AppState,
    token: &str,
    session: &NewSession,
    principal: Principal,
) -> Response {
    let max_age = (session.expires_at - session.created_at).num_seconds();
    let info = SessionInfo {
        principal,
        methods: state.sign_in_methods(),
        csrf_token: Some(session.csrf_token.clone()),
        expires_at: Some(
            (session.created_at + chrono::Duration::seconds(session.idle_seconds))
                .min(session.expires_at)
                .to_rfc3339(),
        ),
    };
    (
        [
            (
                header::SET_COOKIE,
                state.auth.session_cookie(token, max_age),
            ),
            (
                header::CACHE_CONTROL,
                axum::http::HeaderValue::from_static("no-store"),
            ),
        ],
        Json(info),
    )
        .into_response()
}

fn no_code() -> AppError {
    AppError::unauthorized(
        "Không có mã nào còn hiệu lực cho số này (mã đã hết hạn hoặc đã được dùng). Hãy bấm «Gửi lại mã» để nhận mã mới.",
        "No valid code for this number (it expired or was used). Press “Resend code” to get a new one.",
    )
}

#[utoipa::path(
    post,
    path = "/api/v1/auth/otp/verify",
    tag = "auth",
    request_body = OtpVerify,
    responses(
        (status = 200, description = "Signed in; the session cookie is set", body = SessionInfo),
        (status = 401, description = "Wrong, expired or used code", body = ApiError),
        (status = 422, description = "Not a mobile number, or not 6 digits", body = ApiError),
        (status = 429, description = "Too many wrong codes: ask for a new one", body = ApiError),
    )
)]
pub(crate) async fn verify_otp(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    Json(body): Json<OtpVerify>,
) -> Result<Response, AppError> {
    let phone = mobile("phone", &body.phone)?;
    spend_code(&state, phone.as_str(), &body.code).await?;
    let now = Utc::now();
    let account = state.store.upsert_citizen(phone.as_str(), now).await?;
    let (token, session) = start_session(&state, NewSessionOwner::Citizen(account), client).await?;
    Ok(signed_in(
        &state,
        &token,
        &session,
        Principal::Citizen {
            phone: Some(phone.as_str().to_owned()),
            identity: None,
        },
    ))
}

fn locked_code(max: i32) -> AppError {
    AppError::too_many(
        format!(
            "Đã nhập sai mã {max} lần nên mã này bị vô hiệu. Hãy bấm «Gửi lại mã» để nhận mã mới."
        ),
        format!(
            "The code was entered wrong {max} times and no longer works. Press “Resend code” for a new one."
        ),
        1,
    )
}

/// A valid argon2id hash of a random password, checked when the login name is unknown so that the
/// answer takes as long as for a known one.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| {
        crate::staff::hash_password(&crate::auth::random_token()).unwrap_or_default()
    })
}

/// Checks a password against a PHC hash off the async threads (argon2 takes tens of milliseconds).
async fn password_matches(hash: String, password: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash).is_ok_and(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
    })
    .await
    .unwrap_or(false)
}

fn wrong_password() -> AppError {
    AppError::unauthorized(
        "Tên đăng nhập hoặc mật khẩu không đúng. Kiểm tra lại (chữ hoa, chữ thường) rồi thử lại.",
        "Wrong login name or password. Check them (upper and lower case) and try again.",
    )
}

fn staff_principal(record: &StaffRecord, role: domain::api::Role) -> Principal {
    Principal::Staff {
        username: record.username.clone(),
        display_name: record.display_name.clone(),
        role,
        jurisdictions: record.jurisdictions.clone(),
        must_change_password: record.must_change_password,
    }
}

#[utoipa::path(
    post,
    path = "/api/v1/auth/staff",
    tag = "auth",
    request_body = StaffLogin,
    responses(
        (status = 200, description = "Signed in; the session cookie is set", body = SessionInfo),
        (status = 401, description = "Wrong login name or password", body = ApiError),
        (status = 403, description = "The account is disabled", body = ApiError),
        (status = 429, description = "Locked for a while after repeated wrong passwords", body = ApiError),
    )
)]
pub(crate) async fn staff_login(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    Json(body): Json<StaffLogin>,
) -> Result<Response, AppError> {
    let username = body.username.trim();
    let record = if username.is_empty() {
        None
    } else {
        state.store.staff_by_username(username).await?
    };
    let Some(record) = record else {
        // As long as for a real account, then the same answer.
        let _ = password_matches(dummy_hash().to_owned(), body.password).await;
        return Err(wrong_password());
    };
    let now = Utc::now();
    if let Some(until) = record.locked_until.filter(|until| *until > now) {
        return Err(locked_account(until, now));
    }
    if !password_matches(record.password_hash.clone(), body.password).await {
        let settings = &state.auth.settings;
        let max = i32::try_from(settings.staff_max_failures).unwrap_or(5);
        let until = now + chrono::Duration::minutes(i64::from(settings.staff_lock_minutes));
        let count = state
            .store
            .record_login_failure(record.id, max, until)
            .await?;
        tracing::warn!(staff.username = %record.username, client = ?client, "wrong staff password");
        if count == 0 {
            return Err(locked_account(until, now));
        }
        return Err(wrong_password());
    }
    if record.disabled {
        return Err(AppError::forbidden(
            "Tài khoản này đã bị quản trị viên vô hiệu hoá. Hãy liên hệ quản trị viên.",
            "This account was disabled by the administrator. Contact the administrator.",
        ));
    }
    let Some(role) = domain::api::Role::parse(&record.role) else {
        return Err(anyhow::anyhow!("unknown role {:?}", record.role).into());
    };
    state.store.record_login_success(record.id).await?;
    let (token, session) = start_session(&state, NewSessionOwner::Staff(record.id), client).await?;
    tracing::info!(staff.username = %record.username, client = ?client, "staff signed in");
    Ok(signed_in(
        &state,
        &token,
        &session,
        staff_principal(&record, role),
    ))
}

fn locked_account(until: DateTime<Utc>, now: DateTime<Utc>) -> AppError {
    let secs = u64::try_from((until - now).num_seconds())
        .unwrap_or(0)
        .max(1);
    let minutes = minutes_text(secs);
    AppError::too_many(
        format!(
            "Tài khoản tạm khoá do nhập sai mật khẩu nhiều lần. Vui lòng thử lại sau {minutes} phút hoặc liên hệ quản trị viên."
        ),
        format!(
            "The account is locked for a while after repeated wrong passwords. Try again in {minutes} minutes or contact the administrator."
        ),
        secs,
    )
}

#[utoipa::path(
    post,
    path = "/api/v1/auth/staff/password",
    tag = "auth",
    request_body = PasswordChange,
    responses(
        (status = 204, description = "Changed; other sessions of the account are ended"),
        (status = 401, description = "Not signed in as staff, or the current password is wrong", body = ApiError),
        (status = 403, description = "No or wrong X-CSRF-Token", body = ApiError),
        (status = 422, description = "The new password is too short, the login name or the old one", body = ApiError),
    )
)]
pub(crate) async fn change_password(
    State(state): State<AppState>,
    user: StaffUser,
    CurrentSession(session): CurrentSession,
    Json(body): Json<PasswordChange>,
) -> Result<Response, AppError> {
    let record = state
        .store
        .staff_by_id(user.id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("signed-in staff account {} is gone", user.id))?;
    if !password_matches(record.password_hash.clone(), body.current_password.clone()).await {
        return Err(AppError::unauthorized(
            "Mật khẩu hiện tại không đúng.",
            "The current password is wrong.",
        ));
    }
    let new = body.new_password;
    if new.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AppError::unprocessable(
            format!("Mật khẩu mới cần ít nhất {MIN_PASSWORD_CHARS} ký tự."),
            format!("The new password needs at least {MIN_PASSWORD_CHARS} characters."),
        ));
    }
    if new.trim().eq_ignore_ascii_case(record.username.trim()) {
        return Err(AppError::unprocessable(
            "Mật khẩu mới không được trùng tên đăng nhập.",
            "The new password must not be the login name.",
        ));
    }
    if new == body.current_password {
        return Err(AppError::unprocessable(
            "Mật khẩu mới phải khác mật khẩu hiện tại.",
            "The new password must differ from the current one.",
        ));
    }
    let hash = tokio::task::spawn_blocking(move || crate::staff::hash_password(&new))
        .await
        .map_err(anyhow::Error::from)??;
    let keep = session.as_ref().map(|s| s.token_hash.as_str());
    state
        .store
        .set_staff_password(user.id, &hash, false, keep, Utc::now())
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[utoipa::path(
    get,
    path = "/api/v1/session",
    tag = "auth",
    responses((status = 200, description = "Who is signed in, and the CSRF token to send", body = SessionInfo))
)]
pub(crate) async fn session(
    State(state): State<AppState>,
    CurrentSession(session): CurrentSession,
) -> Result<Response, AppError> {
    let info = match session {
        None => SessionInfo {
            principal: Principal::Anonymous,
            methods: state.sign_in_methods(),
            csrf_token: None,
            expires_at: None,
        },
        Some(session) => {
            let principal = match &session.viewer {
                Viewer::Anonymous => Principal::Anonymous,
                Viewer::Citizen(c) => Principal::Citizen {
                    phone: c.phone.clone(),
                    identity: c.identity.clone(),
                },
                Viewer::Staff(s) => {
                    let record = state
                        .store
                        .staff_by_id(s.id)
                        .await?
                        .ok_or(AppError::NotFound)?;
                    staff_principal(&record, s.role)
                }
            };
            SessionInfo {
                principal,
                methods: state.sign_in_methods(),
                csrf_token: Some(session.csrf_token.clone()),
                expires_at: Some(session.ends_at.to_rfc3339()),
            }
        }
    };
    Ok((
        [(
            header::CACHE_CONTROL,
            axum::http::HeaderValue::from_static("no-store"),
        )],
        Json(info),
    )
        .into_response())
}

#[utoipa::path(
    delete,
    path = "/api/v1/session",
    tag = "auth",
    responses(
        (status = 204, description = "Signed out; the cookie is removed"),
        (status = 403, description = "No or wrong X-CSRF-Token", body = ApiError),
    )
)]
pub(crate) async fn sign_out(
    State(state): State<AppState>,
    CurrentSession(session): CurrentSession,
) -> Result<Response, AppError> {
    if let Some(session) = session {
        state
            .store
            .revoke_session(&session.token_hash, Utc::now())
            .await?;
    }
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, state.auth.clear_cookie())],
    )
        .into_response())
}

#[utoipa::path(
    get,
    path = "/api/v1/me/dossiers",
    tag = "auth",
    responses(
        (status = 200, description = "The signed-in citizen's dossiers, newest first: those the account filed, those whose filer or business owner has the verified identity number, and those sent with the proved phone (also before signing in)", body = Vec<DossierStatus>),
        (status = 401, description = "Not signed in as a citizen", body = ApiError),
    )
)]
pub(crate) async fn my_dossiers(
    State(state): State<AppState>,
    user: CitizenUser,
) -> Result<Response, AppError> {
    let codes = state
        .store
        .dossier_codes_of_citizen(
            user.account_id,
            user.identity.as_ref().map(|i| i.identity_number.as_str()),
            user.phone.as_deref(),
        )
        .await?;
    let mut out = Vec::with_capacity(codes.len());
    for code in codes {
        out.push(super::dossiers::status_of(&state, &code, true).await?);
    }
    Ok((
        [(
            header::CACHE_CONTROL,
            axum::http::HeaderValue::from_static("no-store"),
        )],
        Json(out),
    )
        .into_response())
}
