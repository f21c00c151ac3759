//! Sign-in and sessions: a citizen by phone and one-time code (`POST /api/v1/auth/otp`, `…/verify`), a
//! staff member by login name and password (`POST /api/v1/auth/staff`), the password change, who is
//! signed in (`GET /api/v1/session`) and sign-out (`DELETE /api/v1/session`); the citizen's own
//! dossiers (`GET /api/v1/me/dossiers`).
//!
//! Codes: 6 random digits, valid for a few minutes, single use, stored only as HMAC-SHA-256 keyed with
//! the server's secret (a code has only a million values, so a slow hash would not stop someone holding
//! the database from trying them all; a key they do not hold does), a limited number of tries per code
//! (each counted before the comparison), a limited number of codes per phone and per client address an
//! hour and a wait before resending (checked and recorded in one serialised transaction), and a limited
//! number of wrong codes per client address an hour — all counted in the database, so that parallel
//! requests and several servers cannot get past them.

use argon2::{Argon2, PasswordHash, PasswordVerifier as _};
use axum::{
    Json, Router,
    extract::State,
    http::{HeaderMap, StatusCode, header},
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
    store::auth::{
        AccountRef, Hit, NewOtp, NewSession, NewSessionOwner, OtpIssue, StaffRecord, StaffTry,
    },
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
    // `domain::accounts::ONE_TIME_CODE_DIGITS` digits.
    let code = format!("{:06}", rand::rng().random_range(0..1_000_000_u32));
    let ttl = settings.otp_ttl_secs;
    // Counted per address, an IPv6 one by its /64.
    let client_text = client.map(|ip| crate::rate_limit::limit_key(ip).to_string());
    let code_hash = state.auth.otp_hash(key, &code);
    // The limits are checked and the code recorded in one transaction serialised per key and per
    // address: of parallel requests, only those the limits allow get a code.
    let outcome = state
        .store
        .issue_otp(&NewOtp {
            key,
            code_hash: &code_hash,
            client_ip: client_text.as_deref(),
            now,
            expires_at: now + chrono::Duration::seconds(i64::from(ttl)),
            resend_secs: i64::from(settings.otp_resend_secs),
            per_key_per_hour: i64::from(settings.otp_per_phone_per_hour),
            per_client_per_hour: i64::from(settings.otp_per_ip_per_hour),
        })
        .await?;
    match outcome {
        OtpIssue::Recorded => {}
        OtpIssue::TooSoon { wait_secs } => {
            let wait = u64::try_from(wait_secs).unwrap_or(1).max(1);
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
        OtpIssue::KeyLimit { sent } => {
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
        OtpIssue::ClientLimit => {
            return Err(AppError::too_many(
                "Có quá nhiều yêu cầu gửi mã từ mạng của bạn trong một giờ qua. Vui lòng thử lại sau.",
                "Too many codes were asked for from your network in the past hour. Try again later.",
                3600,
            ));
        }
    }
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

/// Checks and spends the code typed for `key`: every try is counted before the comparison, and the
/// code stops working after the limit.
pub(crate) async fn spend_code(state: &AppState, key: &str, typed: &str) -> Result<(), AppError> {
    spend_code_from(state, key, typed, None).await
}

/// [`spend_code`], and when the client's address is known, within its allowance of wrong codes an
/// hour (`otp_verify_per_ip_per_hour`, whatever the number; a right code gives its try back).
pub(crate) async fn spend_code_from(
    state: &AppState,
    key: &str,
    typed: &str,
    client: Option<std::net::IpAddr>,
) -> Result<(), AppError> {
    let Some(code) = domain::accounts::parse_one_time_code(typed) else {
        return Err(AppError::unprocessable(
            "Mã xác thực gồm đúng 6 chữ số, như trong tin nhắn.",
            "The code has exactly 6 digits, as in the text message.",
        ));
    };
    let now = Utc::now();
    let allowance = match client {
        Some(ip) => Some(
            take_allowance(
                state,
                "otp-verify",
                ip,
                state.auth.settings.otp_verify_per_ip_per_hour,
                now,
                |minutes| {
                    AppError::too_many(
                        format!(
                            "Có quá nhiều mã sai được nhập từ mạng của bạn trong một giờ qua. Vui lòng thử lại sau {minutes} phút."
                        ),
                        format!(
                            "Too many wrong codes were typed from your network in the past hour. Try again in {minutes} minutes."
                        ),
                        minutes * 60,
                    )
                },
            )
            .await?,
        ),
        None => None,
    };
    let judged = judge_code(state, key, &code, now).await;
    if judged.is_ok()
        && let Some(allowance) = allowance
    {
        allowance.give_back(state).await?;
    }
    judged
}

/// A try taken from a client address's hourly allowance (a slot of a bucket of `auth_counters`).
struct Allowance {
    bucket: String,
    slot: i64,
}

impl Allowance {
    /// The try was right: it does not count.
    async fn give_back(self, state: &AppState) -> Result<(), AppError> {
        state.store.give_back_hit(&self.bucket, self.slot).await?;
        Ok(())
    }
}

/// Takes a try from `client`'s allowance of `limit` an hour (sliding) of `kind`, counted in the
/// database (serialised, so that parallel requests cannot overdraw it, and for every server on the
/// database); `refused(minutes until a try is free)` when none is left.
async fn take_allowance(
    state: &AppState,
    kind: &str,
    client: std::net::IpAddr,
    limit: u32,
    now: DateTime<Utc>,
    refused: impl FnOnce(u64) -> AppError,
) -> Result<Allowance, AppError> {
    let bucket = format!("{kind}:{}", crate::rate_limit::limit_key(client));
    match state
        .store
        .take_hit(&bucket, now, 3600, i64::from(limit))
        .await?
    {
        Hit::Taken(slot) => Ok(Allowance { bucket, slot }),
        Hit::Refused { until } => {
            let secs = u64::try_from((until - now).num_seconds()).unwrap_or(60);
            Err(refused(minutes_text(secs)))
        }
    }
}

/// Counts a try against the live code of `key`, then compares (in constant time) and spends it.
async fn judge_code(
    state: &AppState,
    key: &str,
    code: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let max = i32::try_from(state.auth.settings.otp_max_attempts).unwrap_or(5);
    let Some(otp) = state.store.try_otp(key, now, max).await? else {
        // Nothing was counted or compared: say why.
        return Err(match state.store.current_otp(key).await? {
            Some(otp) if otp.expires_at > now && otp.attempts >= max => locked_code(max),
            _ => no_code(),
        });
    };
    let expected = state.auth.otp_hash(key, code);
    if !crate::auth::constant_time_eq(&expected, &otp.code_hash) {
        let left = max - otp.attempts;
        if left <= 0 {
            return Err(locked_code(max));
        }
        return Err(AppError::unauthorized(
            format!("Mã không đúng. Bạn còn {left} lần thử; hãy kiểm tra lại tin nhắn mới nhất."),
            format!("Wrong code. {left} tries left; check the latest text message."),
        ));
    }
    // Two right tries at once: one spends it, the other finds it spent.
    if !state.store.consume_otp(otp.id, now).await? {
        return Err(no_code());
    }
    Ok(())
}

/// The answer to a sign-in: the session's info and its cookie.
async fn signed_in(
    state: &AppState,
    token: &str,
    session: &NewSession,
    principal: Principal,
) -> Result<Response, AppError> {
    let max_age = (session.expires_at - session.created_at).num_seconds();
    let store_key = state.store.store_key(session.owner.into()).await?;
    let info = SessionInfo {
        principal,
        methods: state.sign_in_methods(),
        csrf_token: Some(session.csrf_token.clone()),
        expires_at: Some(
            (session.created_at + chrono::Duration::seconds(session.idle_seconds))
                .min(session.expires_at)
                .to_rfc3339(),
        ),
        store_key,
    };
    Ok((
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
        .into_response())
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
        (status = 429, description = "Too many wrong codes for this code (ask for a new one) or from this address in the past hour; Retry-After says when", body = ApiError),
    )
)]
pub(crate) async fn verify_otp(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    Json(body): Json<OtpVerify>,
) -> Result<Response, AppError> {
    let phone = mobile("phone", &body.phone)?;
    spend_code_from(&state, phone.as_str(), &body.code, client).await?;
    let now = Utc::now();
    let account = state.store.upsert_citizen(phone.as_str(), now).await?;
    let (token, session) = start_session(&state, NewSessionOwner::Citizen(account), client).await?;
    signed_in(
        &state,
        &token,
        &session,
        Principal::Citizen {
            phone: Some(phone.as_str().to_owned()),
            identity: None,
        },
    )
    .await
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

/// The one answer to a wrong login name, a wrong password and a disabled account alike, so that
/// nobody learns which names exist.
fn wrong_password() -> AppError {
    AppError::unauthorized(
        "Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản không còn được dùng. Kiểm tra lại (chữ hoa, chữ thường) rồi thử lại; nếu vẫn không được, hãy liên hệ quản trị viên.",
        "Wrong login name or password, or the account is no longer in use. Check them (upper and lower case) and try again; if it still fails, contact the administrator.",
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
        (status = 401, description = "Wrong login name or password, or a disabled account (one answer for all three)", body = ApiError),
        (status = 429, description = "This address must wait after repeated wrong passwords for this login name, or made too many wrong tries in the past hour; Retry-After says when", body = ApiError),
    )
)]
/// Staff sign-in. Nothing here depends on whether the login name exists: unknown names, wrong
/// passwords and disabled accounts get the same answer after the same work (an argon2 check), and the
/// back-off is kept per (login name as typed, client address), so a stranger's guesses slow down the
/// stranger's address only, never the account: the administrator still signs in from elsewhere. An
/// address also has an hourly allowance of wrong passwords over all names. Both are counted in the
/// database before the password is checked, so parallel guesses cannot slip past them.
pub(crate) async fn staff_login(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    Json(body): Json<StaffLogin>,
) -> Result<Response, AppError> {
    let settings = &state.auth.settings;
    let username = body.username.trim();
    let name_key = username.to_lowercase();
    let address = client
        .map(|ip| crate::rate_limit::limit_key(ip).to_string())
        .unwrap_or_default();
    let now = Utc::now();
    let allowance = match client {
        Some(ip) => Some(
            take_allowance(
                &state,
                "staff-login",
                ip,
                settings.staff_failures_per_ip_per_hour,
                now,
                |minutes| {
                    AppError::too_many(
                        format!(
                            "Có quá nhiều lần đăng nhập sai từ mạng của bạn trong một giờ qua. Vui lòng thử lại sau {minutes} phút hoặc liên hệ quản trị viên."
                        ),
                        format!(
                            "Too many wrong sign-ins from your network in the past hour. Try again in {minutes} minutes or contact the administrator."
                        ),
                        minutes * 60,
                    )
                },
            )
            .await?,
        ),
        None => None,
    };
    let max = i32::try_from(settings.staff_max_failures).unwrap_or(5);
    let max_wait = i64::from(settings.staff_lock_minutes).max(1) * 60;
    let blocked_until = match state
        .store
        .claim_staff_try(&name_key, &address, now, max, max_wait)
        .await?
    {
        StaffTry::Waiting { until } => {
            // Nothing was checked: it does not use up the address's allowance.
            if let Some(allowance) = allowance {
                allowance.give_back(&state).await?;
            }
            return Err(backing_off(until, now));
        }
        StaffTry::Counted { blocked_until, .. } => blocked_until,
    };
    let record = if username.is_empty() {
        None
    } else {
        state.store.staff_by_username(username).await?
    };
    // The same argon2 work for an unknown name (a decoy hash) as for a known one.
    let hash = record
        .as_ref()
        .map_or_else(|| dummy_hash().to_owned(), |r| r.password_hash.clone());
    let matches = password_matches(hash, body.password).await;
    let Some(record) = record.filter(|r| matches && !r.disabled) else {
        tracing::warn!(client = ?client, "failed staff sign-in");
        if let Some(until) = blocked_until {
            return Err(backing_off(until, now));
        }
        return Err(wrong_password());
    };
    let Some(role) = domain::api::Role::parse(&record.role) else {
        return Err(anyhow::anyhow!("unknown role {:?}", record.role).into());
    };
    state.store.clear_staff_tries(&name_key, &address).await?;
    if let Some(allowance) = allowance {
        allowance.give_back(&state).await?;
    }
    let (token, session) = start_session(&state, NewSessionOwner::Staff(record.id), client).await?;
    tracing::info!(staff.username = %record.username, client = ?client, "staff signed in");
    signed_in(&state, &token, &session, staff_principal(&record, role)).await
}

/// Wrong passwords from this address for this login name: wait until `until`.
fn backing_off(until: DateTime<Utc>, now: DateTime<Utc>) -> AppError {
    let secs = u64::try_from((until - now).num_seconds())
        .unwrap_or(0)
        .max(1);
    let (vi, en) = if secs < 120 {
        (format!("{secs} giây"), format!("{secs} seconds"))
    } else {
        let minutes = minutes_text(secs);
        (format!("{minutes} phút"), format!("{minutes} minutes"))
    };
    AppError::too_many(
        format!(
            "Đã nhập sai mật khẩu nhiều lần. Để bảo vệ tài khoản, vui lòng đợi {vi} rồi thử lại; nếu quên mật khẩu, hãy liên hệ quản trị viên."
        ),
        format!(
            "The password was entered wrong several times. To protect the account, wait {en} and try again; if you forgot the password, contact the administrator."
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
            store_key: None,
        },
        Some(session) => {
            let (principal, account) = match &session.viewer {
                Viewer::Anonymous => (Principal::Anonymous, None),
                Viewer::Citizen(c) => (
                    Principal::Citizen {
                        phone: c.phone.clone(),
                        identity: c.identity.clone(),
                    },
                    Some(AccountRef::Citizen(c.account_id)),
                ),
                Viewer::Staff(s) => {
                    let record = state
                        .store
                        .staff_by_id(s.id)
                        .await?
                        .ok_or(AppError::NotFound)?;
                    (
                        staff_principal(&record, s.role),
                        Some(AccountRef::Staff(s.id)),
                    )
                }
            };
            let store_key = match account {
                Some(account) => state.store.store_key(account).await?,
                None => None,
            };
            SessionInfo {
                principal,
                methods: state.sign_in_methods(),
                csrf_token: Some(session.csrf_token.clone()),
                expires_at: Some(session.ends_at.to_rfc3339()),
                store_key,
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
    headers: HeaderMap,
) -> Result<Response, AppError> {
    // A shared device: the push subscriptions made under this session, or under a dossier-scoped
    // access it ends, go with it, so the next person's device gets none of this person's notices.
    let accesses: Vec<(&str, &str)> = crate::auth::cookies(&headers)
        .filter(|(k, _)| k.starts_with(crate::auth::ACCESS_COOKIE_PREFIX))
        .collect();
    let mut made_by: Vec<String> = accesses
        .iter()
        .filter(|(_, token)| !token.is_empty())
        .map(|(_, token)| crate::auth::token_hash(token))
        .collect();
    if let Some(session) = session {
        state
            .store
            .revoke_session(&session.token_hash, Utc::now())
            .await?;
        made_by.push(session.token_hash.clone());
    }
    for hash in &made_by {
        state.store.delete_push_subscriptions_made_by(hash).await?;
    }
    let mut res = (
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, state.auth.clear_cookie())],
    )
        .into_response();
    // A shared tablet: the dossier-scoped accesses opened in this browser end with the person's
    // session, so the next person cannot read those dossiers.
    for (name, _) in accesses {
        let code = &name[crate::auth::ACCESS_COOKIE_PREFIX.len()..];
        if crate::auth::access_cookie_name(code).as_deref() == Some(name) {
            res.headers_mut()
                .append(header::SET_COOKIE, state.auth.access_cookie(code, "", 0));
        }
    }
    Ok(res)
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
