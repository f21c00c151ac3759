//! Who is asking: sessions (a random token in the `motcua_session` cookie, stored only as its SHA-256),
//! CSRF protection of state-changing requests that carry a session, and the extractors handlers use:
//! [`Viewer`] (never rejects), [`StaffUser`] and [`CitizenUser`] (401 when not signed in as one).
//!
//! The [`sessions`] middleware runs on every API request: it reads the cookie once, checks the session
//! (revoked, idle, absolute end, staff account disabled), refuses a POST/PUT/PATCH/DELETE whose
//! `X-CSRF-Token` is not the session's (403), and leaves the result in the request's extensions. A
//! request without the cookie, or with one that names no live session, is anonymous: it reads public
//! things (procedures, a dossier's public status) and drafts nothing on the server; submitting a dossier
//! needs a citizen (or an officer at the counter).

use std::{
    net::{IpAddr, SocketAddr},
    sync::Arc,
};

use anyhow::Context as _;
use axum::{
    extract::{ConnectInfo, FromRequestParts, Request, State},
    http::{HeaderMap, HeaderValue, Method, header, request::Parts},
    middleware::Next,
    response::{IntoResponse, Response},
};
use base64::Engine as _;
use chrono::{DateTime, Utc};
use domain::{Authority, Procedure, api::Role};
use hmac::{Hmac, Mac as _};
use rand::RngCore as _;
use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;

use crate::{
    AppState, Config,
    config::AuthSettings,
    error::AppError,
    store::auth::{NewSession, NewSessionOwner, SessionOwner, StaffRecord},
};

/// The session cookie.
pub const SESSION_COOKIE: &str = "motcua_session";
/// The prefix of a dossier-scoped access cookie; the dossier's code follows (`motcua_dossier_<CODE>`).
pub const ACCESS_COOKIE_PREFIX: &str = "motcua_dossier_";
/// The header a signed-in client echoes its CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// The one route a staff member who must change the password may use (besides the session routes).
pub const PASSWORD_CHANGE_PATH: &str = "/api/v1/auth/staff/password";
/// The jurisdiction of the Sở Công Thương (promotion notices).
pub const TRADE_DEPARTMENT: &str = "SCT";

/// A signed-in staff member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffUser {
    /// Account id.
    pub id: uuid::Uuid,
    /// Login name.
    pub username: String,
    /// Name shown.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Position: how the documents they issue are signed.
    pub title: domain::accounts::Title,
    /// Commune codes (or `SCT`) whose dossiers the role reaches.
    pub jurisdictions: Vec<String>,
}

impl StaffUser {
    /// May read dossiers of this jurisdiction (commune code or "SCT"): officers and supervisors of it.
    #[must_use]
    pub fn can_read(&self, jurisdiction: &str) -> bool {
        matches!(
            self.role,
            Role::CommuneOfficer | Role::TradeOfficer | Role::Supervisor
        ) && self.jurisdictions.iter().any(|j| j == jurisdiction)
    }

    /// May act on them: commune officers (HKD procedures) and trade officers ("SCT", promotion
    /// notices) of it.
    #[must_use]
    pub fn can_act(&self, jurisdiction: &str, procedure: Procedure) -> bool {
        let reaches = self.jurisdictions.iter().any(|j| j == jurisdiction);
        reaches
            && match self.role {
                Role::CommuneOfficer => {
                    jurisdiction != TRADE_DEPARTMENT
                        && procedure.authority() == Authority::CommuneRegistrationOffice
                }
                Role::TradeOfficer => {
                    jurisdiction == TRADE_DEPARTMENT
                        && procedure.authority() == Authority::ProvincialTradeDepartment
                }
                Role::Administrator | Role::Supervisor => false,
            }
    }

    /// The account as a session carries it; `None` for a role the code does not know.
    #[must_use]
    pub fn from_record(record: &StaffRecord) -> Option<Self> {
        Some(Self {
            id: record.id,
            username: record.username.clone(),
            display_name: record.display_name.clone(),
            role: Role::parse(&record.role)?,
            // The column's CHECK allows only known positions.
            title: domain::accounts::Title::parse(&record.title).unwrap_or_default(),
            jurisdictions: record.jurisdictions.clone(),
        })
    }
}

/// A signed-in citizen: the phone number they proved with a one-time code, the identity the national
/// e-identity (VNeID) vouched for, or both. Identity comes from here, never from a field the client typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitizenUser {
    /// Account id.
    pub account_id: uuid::Uuid,
    /// Normalised phone number (`0xxxxxxxxx`), when the account has a proved one.
    pub phone: Option<String>,
    /// The verified identity, when the citizen signed in with the national e-identity.
    pub identity: Option<domain::api::VerifiedIdentity>,
}

impl CitizenUser {
    /// The proved phone number is this one.
    #[must_use]
    pub fn has_phone(&self, phone: &str) -> bool {
        self.phone.as_deref() == Some(phone)
    }
}

/// Whoever sent the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Viewer {
    /// Nobody signed in.
    Anonymous,
    /// A citizen.
    Citizen(CitizenUser),
    /// A staff member.
    Staff(StaffUser),
}

/// The live session of a request, as the [`sessions`] middleware found it.
#[derive(Debug, Clone)]
pub struct ActiveSession {
    /// SHA-256 (hex) of the cookie's token.
    pub token_hash: String,
    /// The CSRF token.
    pub csrf_token: String,
    /// When it ends if nothing more happens.
    pub ends_at: DateTime<Utc>,
    /// Whose it is.
    pub viewer: Viewer,
    /// A staff member who must change the password before anything else.
    pub must_change_password: bool,
    /// This request recorded activity and moved the end of the session: the cookie is sent again with
    /// the new lifetime (a citizen's session slides; the browser would otherwise drop the cookie at the
    /// first sign-in's Max-Age).
    pub renewed: bool,
}

/// The request extension the middleware leaves: the live session, if any.
#[derive(Debug, Clone, Default)]
pub struct CurrentSession(pub Option<Arc<ActiveSession>>);

/// Sign-in settings with the server's secret.
pub struct AuthConfig {
    /// The configured limits and lifetimes.
    pub settings: AuthSettings,
    secret: Vec<u8>,
    /// Cookies carry `Secure` (the public URL is https).
    pub secure_cookies: bool,
    /// The proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: crate::rate_limit::TrustedProxies,
}

impl std::fmt::Debug for AuthConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthConfig")
            .field("settings", &self.settings)
            .field("secure_cookies", &self.secure_cookies)
            .field("trusted_proxies", &self.trusted_proxies)
            .finish_non_exhaustive()
    }
}

impl AuthConfig {
    /// Settings, secret and cookie flags by hand (tests); `trusted_proxies`: `false` for none.
    #[must_use]
    pub fn new(
        settings: AuthSettings,
        secret: &[u8],
        secure_cookies: bool,
        trusted_proxies: impl Into<crate::rate_limit::TrustedProxies>,
    ) -> Self {
        Self {
            settings,
            secret: secret.to_vec(),
            secure_cookies,
            trusted_proxies: trusted_proxies.into(),
        }
    }

    /// From the server's configuration; without a configured secret, the one in
    /// `<data-dir>/secret.key` (made on the first start).
    ///
    /// # Errors
    /// When the secret is too short or its file cannot be read or written.
    pub async fn from_config(config: &Config) -> anyhow::Result<Self> {
        let secret = match &config.auth.secret {
            Some(s) if s.len() >= 32 => s.as_bytes().to_vec(),
            Some(_) => anyhow::bail!("MOTCUA_SECRET must have at least 32 characters"),
            None => secret_file(&config.data_dir.join("secret.key")).await?,
        };
        Ok(Self {
            settings: config.auth.clone(),
            secret,
            secure_cookies: config.public_url().starts_with("https://"),
            trusted_proxies: config.trusted_proxies.clone(),
        })
    }

    /// HMAC-SHA-256 (hex) of a sign-in code for a phone, keyed with the server's secret.
    #[must_use]
    pub fn otp_hash(&self, phone: &str, code: &str) -> String {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.secret) else {
            unreachable!("HMAC takes a key of any length")
        };
        mac.update(phone.as_bytes());
        mac.update(b"\0");
        mac.update(code.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// The `Set-Cookie` value of a new session.
    #[must_use]
    pub fn session_cookie(&self, token: &str, max_age_secs: i64) -> HeaderValue {
        let secure = if self.secure_cookies { "; Secure" } else { "" };
        HeaderValue::from_str(&format!(
            "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}"
        ))
        .unwrap_or_else(|_| HeaderValue::from_static("motcua_session=; Path=/; Max-Age=0"))
    }

    /// The `Set-Cookie` value of a dossier-scoped access: sent to the API only, never by another site
    /// (`SameSite=Strict`, which is its protection against forged requests: it carries no CSRF token).
    #[must_use]
    pub fn access_cookie(&self, code: &str, token: &str, max_age_secs: i64) -> HeaderValue {
        let secure = if self.secure_cookies { "; Secure" } else { "" };
        HeaderValue::from_str(&format!(
            "{}={token}; Path=/api/v1; HttpOnly; SameSite=Strict; Max-Age={max_age_secs}{secure}",
            access_cookie_name(code).unwrap_or_default()
        ))
        .unwrap_or_else(|_| HeaderValue::from_static("motcua_dossier_=; Path=/api/v1; Max-Age=0"))
    }

    /// The `Set-Cookie` value that removes the session cookie.
    #[must_use]
    pub fn clear_cookie(&self) -> HeaderValue {
        if self.secure_cookies {
            HeaderValue::from_static(
                "motcua_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0; Secure",
            )
        } else {
            HeaderValue::from_static("motcua_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
        }
    }
}

/// Reads the secret file, or makes it (32 random bytes, hex, readable by the owner only).
async fn secret_file(path: &std::path::Path) -> anyhow::Result<Vec<u8>> {
    if let Ok(text) = tokio::fs::read_to_string(path).await {
        let text = text.trim();
        anyhow::ensure!(
            text.len() >= 32,
            "{} is shorter than 32 characters",
            path.display()
        );
        return Ok(text.as_bytes().to_vec());
    }
    if let Some(dir) = path.parent() {
        tokio::fs::create_dir_all(dir)
            .await
            .with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let mut bytes = [0_u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let text = hex::encode(bytes);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(mut file) => {
            std::io::Write::write_all(&mut file, text.as_bytes())
                .with_context(|| format!("cannot write {}", path.display()))?;
            file.sync_all()?;
            Ok(text.into_bytes())
        }
        // Another server made it first.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            Ok(tokio::fs::read_to_string(path)
                .await?
                .trim()
                .as_bytes()
                .to_vec())
        }
        Err(e) => Err(e).with_context(|| format!("cannot create {}", path.display())),
    }
}

/// 32 random bytes, base64url without padding (256 bits).
#[must_use]
pub fn random_token() -> String {
    let mut bytes = [0_u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// SHA-256 (hex) of a session token, as stored.
#[must_use]
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Equal, in time that does not depend on where they differ.
#[must_use]
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// The session token in the request's cookies.
fn cookie_token(headers: &HeaderMap) -> Option<String> {
    cookie_value(headers, SESSION_COOKIE)
}

/// The cookies of the request: (name, value), trimmed, in order.
pub fn cookies(headers: &HeaderMap) -> impl Iterator<Item = (&str, &str)> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|c| c.split(';'))
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.trim(), v.trim()))
}

/// The value of a cookie of the request, if it has one that is not empty.
#[must_use]
pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    cookies(headers)
        .find(|(k, v)| *k == name && !v.is_empty())
        .map(|(_, v)| v.to_owned())
}

/// The tokens of every dossier-scoped access cookie the request carries (at most 20 are read).
#[must_use]
pub fn access_cookie_values(headers: &HeaderMap) -> Vec<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|c| c.split(';'))
        .filter_map(|p| p.split_once('='))
        .filter(|(k, v)| k.trim().starts_with(ACCESS_COOKIE_PREFIX) && !v.trim().is_empty())
        .map(|(_, v)| v.trim().to_owned())
        .take(20)
        .collect()
}

/// The name of the dossier-scoped access cookie of a dossier code (normalised to upper case); `None`
/// for a code with characters a cookie name cannot have (no dossier has such a code).
#[must_use]
pub fn access_cookie_name(code: &str) -> Option<String> {
    let code = code.trim().to_uppercase();
    (!code.is_empty()
        && code.len() <= 64
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_')))
    .then(|| format!("{ACCESS_COOKIE_PREFIX}{code}"))
}

/// The client's address, as the rate limits see it.
#[must_use]
pub fn client_ip(
    parts_headers: &HeaderMap,
    peer: Option<SocketAddr>,
    state: &AppState,
) -> Option<IpAddr> {
    crate::rate_limit::client_addr(parts_headers, peer, &state.auth.trusted_proxies)
}

/// The client's address (the connection's, or the one a trusted proxy names in `X-Forwarded-For`: see
/// [`crate::rate_limit::client_addr`]), for audit and rate limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| *addr);
        Ok(Self(client_ip(&parts.headers, peer, state)))
    }
}

/// Starts a session: stores it and answers the token for the cookie and the stored row.
///
/// # Errors
/// When the database fails.
pub async fn start_session(
    state: &AppState,
    owner: NewSessionOwner,
    client: Option<IpAddr>,
) -> Result<(String, NewSession), AppError> {
    let settings = &state.auth.settings;
    let now = Utc::now();
    let (idle, max) = match owner {
        NewSessionOwner::Staff(_) => (
            i64::from(settings.staff_idle_minutes) * 60,
            i64::from(settings.staff_max_minutes) * 60,
        ),
        // A citizen's session slides: it ends after `citizen_days` without use, each use renews it
        // (the cookie too, see `sessions`), and at the latest CITIZEN_MAX_DAYS after sign-in.
        NewSessionOwner::Citizen(_) | NewSessionOwner::CitizenByIdentity(_) => {
            let idle = i64::from(settings.citizen_days) * 86_400;
            (idle, idle.max(i64::from(CITIZEN_MAX_DAYS) * 86_400))
        }
    };
    let token = random_token();
    let session = NewSession {
        token_hash: token_hash(&token),
        owner,
        csrf_token: random_token(),
        client_ip: client.map(|ip| ip.to_string()),
        created_at: now,
        idle_seconds: idle,
        expires_at: now + chrono::Duration::seconds(max),
    };
    state.store.insert_session(&session).await?;
    Ok((token, session))
}

/// The longest a citizen's session lasts however often it is used, in days: a phone signs in again
/// about twice a year.
pub const CITIZEN_MAX_DAYS: u32 = 180;

/// Records activity at most once a minute.
const TOUCH_EVERY: chrono::Duration = chrono::Duration::seconds(60);

/// Resolves the session cookie, if any, to a live session.
async fn resolve(state: &AppState, token: &str) -> Result<Option<ActiveSession>, AppError> {
    let hash = token_hash(token);
    let Some(row) = state.store.find_session(&hash).await? else {
        return Ok(None);
    };
    let now = Utc::now();
    if row.ends_at() <= now {
        return Ok(None);
    }
    let renewed = now - row.last_seen_at >= TOUCH_EVERY;
    if renewed {
        state.store.touch_session(&hash, now).await?;
    }
    let ends_at = (now + chrono::Duration::seconds(row.idle_seconds)).min(row.expires_at);
    let (viewer, must_change_password) = match row.owner {
        SessionOwner::Citizen {
            id,
            phone,
            identity,
        } => (
            Viewer::Citizen(CitizenUser {
                account_id: id,
                phone,
                identity,
            }),
            false,
        ),
        SessionOwner::Staff(record) => {
            let Some(user) = StaffUser::from_record(&record) else {
                return Ok(None);
            };
            (Viewer::Staff(user), record.must_change_password)
        }
    };
    Ok(Some(ActiveSession {
        token_hash: hash,
        csrf_token: row.csrf_token,
        ends_at,
        viewer,
        must_change_password,
        renewed,
    }))
}

fn changes_state(method: &Method) -> bool {
    matches!(
        *method,
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    )
}

/// The middleware: finds the session of the cookie, enforces CSRF on state-changing requests that
/// carry a live session, leaves [`CurrentSession`] in the request, and removes a dead cookie.
pub(crate) async fn sessions(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let Some(token) = cookie_token(req.headers()) else {
        req.extensions_mut().insert(CurrentSession(None));
        return next.run(req).await;
    };
    let session = match resolve(&state, &token).await {
        Ok(session) => session,
        Err(e) => return e.into_response(),
    };
    let Some(session) = session else {
        // A cookie of no live session: anonymous, and the browser forgets it (unless the handler
        // sets a new one, as sign-in does).
        req.extensions_mut().insert(CurrentSession(None));
        let mut res = next.run(req).await;
        if !res.headers().contains_key(header::SET_COOKIE) {
            res.headers_mut()
                .insert(header::SET_COOKIE, state.auth.clear_cookie());
        }
        return res;
    };
    if changes_state(req.method()) {
        let sent = req
            .headers()
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if !constant_time_eq(sent.trim(), &session.csrf_token) {
            return AppError::forbidden(
                "Yêu cầu thiếu mã chống giả mạo (X-CSRF-Token) của phiên đăng nhập. Hãy tải lại trang rồi thử lại.",
                "The request lacks the session's anti-forgery token (X-CSRF-Token). Reload the page and try again.",
            )
            .into_response();
        }
    }
    let renew = session
        .renewed
        .then(|| (session.ends_at - Utc::now()).num_seconds().max(0));
    req.extensions_mut()
        .insert(CurrentSession(Some(Arc::new(session))));
    let mut res = next.run(req).await;
    if let Some(max_age) = renew
        && !res.headers().contains_key(header::SET_COOKIE)
    {
        res.headers_mut().insert(
            header::SET_COOKIE,
            state.auth.session_cookie(&token, max_age),
        );
    }
    res
}

fn current(parts: &Parts) -> Option<Arc<ActiveSession>> {
    parts
        .extensions
        .get::<CurrentSession>()
        .and_then(|c| c.0.clone())
}

impl FromRequestParts<AppState> for CurrentSession {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        Ok(Self(current(parts)))
    }
}

/// Whoever sent the request, through the one gate every staff action passes: a staff member who must
/// still change the temporary password the administrator gave is refused everything but the password
/// change ([`PASSWORD_CHANGE_PATH`]) — whichever extractor reads the session ([`StaffUser`] for the
/// staff routes, [`Viewer`] for the routes staff share with citizens: documents, counter filings).
/// The session routes read [`CurrentSession`] and stay open (who am I, sign out).
fn viewer_of(parts: &Parts) -> Result<Viewer, AppError> {
    let Some(session) = current(parts) else {
        return Ok(Viewer::Anonymous);
    };
    if session.must_change_password
        && matches!(session.viewer, Viewer::Staff(_))
        && parts.uri.path() != PASSWORD_CHANGE_PATH
    {
        return Err(AppError::forbidden(
            "Bạn cần đổi mật khẩu trước khi tiếp tục (mật khẩu hiện tại là mật khẩu tạm do quản trị viên cấp).",
            "Change your password before going on (the current one is a temporary password from the administrator).",
        ));
    }
    Ok(session.viewer.clone())
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        viewer_of(parts)
    }
}

fn not_signed_in_staff() -> AppError {
    AppError::unauthorized(
        "Bạn cần đăng nhập bằng tài khoản cán bộ để dùng chức năng này.",
        "Sign in with a staff account to use this.",
    )
}

impl FromRequestParts<AppState> for StaffUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        match viewer_of(parts)? {
            Viewer::Staff(user) => Ok(user),
            Viewer::Anonymous | Viewer::Citizen(_) => Err(not_signed_in_staff()),
        }
    }
}

impl FromRequestParts<AppState> for CitizenUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        match current(parts).map(|s| s.viewer.clone()) {
            Some(Viewer::Citizen(user)) => Ok(user),
            _ => Err(AppError::unauthorized(
                "Bạn cần đăng nhập bằng số điện thoại (mã xác thực gửi qua tin nhắn) để xem mục này.",
                "Sign in with your phone number (a code sent by text message) to see this.",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn staff(role: Role, jurisdictions: &[&str]) -> StaffUser {
        StaffUser {
            id: uuid::Uuid::new_v4(),
            username: "u".into(),
            display_name: "U".into(),
            role,
            title: domain::accounts::Title::ChuyenVien,
            jurisdictions: jurisdictions.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    #[test]
    fn roles_reach_their_jurisdictions_only() {
        let officer = staff(Role::CommuneOfficer, &["51001"]);
        assert!(officer.can_read("51001"));
        assert!(!officer.can_read("51004"));
        assert!(officer.can_act("51001", Procedure::HkdRegistration));
        assert!(!officer.can_act("51001", Procedure::PromotionNotice));
        assert!(!officer.can_act("51004", Procedure::HkdChange));

        let trade = staff(Role::TradeOfficer, &[TRADE_DEPARTMENT]);
        assert!(trade.can_read(TRADE_DEPARTMENT));
        assert!(trade.can_act(TRADE_DEPARTMENT, Procedure::PromotionNotice));
        assert!(!trade.can_act(TRADE_DEPARTMENT, Procedure::HkdRegistration));
        assert!(!trade.can_read("51001"));

        let supervisor = staff(Role::Supervisor, &["51001"]);
        assert!(supervisor.can_read("51001"));
        assert!(!supervisor.can_act("51001", Procedure::HkdRegistration));

        let admin = staff(Role::Administrator, &["51001"]);
        assert!(!admin.can_read("51001"));
        assert!(!admin.can_act("51001", Procedure::HkdRegistration));
    }

    #[test]
    fn otp_hashes_depend_on_secret_phone_and_code() {
        let a = AuthConfig::new(
            AuthSettings::default(),
            b"0123456789abcdef0123456789abcdef",
            false,
            false,
        );
        let b = AuthConfig::new(
            AuthSettings::default(),
            b"fedcba9876543210fedcba9876543210",
            false,
            false,
        );
        let h = a.otp_hash("0912345678", "123456");
        assert_eq!(h.len(), 64);
        assert_eq!(h, a.otp_hash("0912345678", "123456"));
        assert_ne!(h, a.otp_hash("0912345678", "123457"));
        assert_ne!(h, a.otp_hash("0912345679", "123456"));
        assert_ne!(h, b.otp_hash("0912345678", "123456"));
    }

    #[test]
    fn session_cookies_are_http_only_lax_and_secure_on_https() {
        let plain = AuthConfig::new(AuthSettings::default(), &[7; 32], false, false);
        let tls = AuthConfig::new(AuthSettings::default(), &[7; 32], true, false);
        let c = plain.session_cookie("abc", 60);
        let c = c.to_str().expect("ascii");
        assert!(c.starts_with("motcua_session=abc;"), "{c}");
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && c.contains("Path=/"));
        assert!(!c.contains("Secure"));
        let c = tls.session_cookie("abc", 60);
        assert!(c.to_str().expect("ascii").ends_with("; Secure"));
    }

    #[test]
    fn tokens_are_long_and_random() {
        let a = random_token();
        assert_eq!(a.len(), 43, "256 bits in base64url");
        assert_ne!(a, random_token());
        assert!(constant_time_eq(&a, &a.clone()));
        assert!(!constant_time_eq(&a, &random_token()));
    }
}
