//! Sign-in with the national e-identity (VNeID) by OpenID Connect: `GET /api/v1/auth/vneid/start`
//! sends the browser to the provider, `GET /api/v1/auth/vneid/callback` checks its answer, makes or
//! updates the citizen's account and starts a session, then goes back to the page the citizen came
//! from. Every failure goes to the sign-in page with a short reason code (`/dang-nhap?loi=…`) that the
//! page explains; no raw error reaches the citizen.
//!
//! The sign-in in progress is kept in the database (the `state` only as SHA-256, 10 minutes, taken
//! once), bound to the browser that started it by a cookie (`motcua_oidc`, only its SHA-256 stored):
//! a callback URL carried to another browser does not sign that browser in.

use axum::{
    Router,
    extract::{Query, State},
    http::{HeaderMap, HeaderValue, header},
    response::{IntoResponse, Response},
    routing::get,
};
use chrono::Utc;
use serde::Deserialize;

use crate::{
    AppState,
    auth::{ClientIp, CurrentSession, random_token, start_session, token_hash},
    oidc::{Failure, safe_next},
    store::auth::{NewSessionOwner, OidcCitizen, OidcLogin, OidcUpsert},
};

/// The cookie that binds a sign-in in progress to the browser.
const BINDING_COOKIE: &str = "motcua_oidc";
/// Its path: only the two routes see it.
const BINDING_PATH: &str = "/api/v1/auth/vneid";
/// The callback's path (its query is never logged).
pub(crate) const CALLBACK_PATH: &str = "/api/v1/auth/vneid/callback";
/// How long a sign-in may take at the provider.
const LOGIN_MINUTES: i64 = 10;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/auth/vneid/start", get(start))
        .route(CALLBACK_PATH, get(callback))
}

/// `302` to `location`, never cached.
fn redirect(location: &str) -> Response {
    (
        axum::http::StatusCode::FOUND,
        [
            (
                header::LOCATION,
                HeaderValue::from_str(location).unwrap_or(HeaderValue::from_static("/dang-nhap")),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
    )
        .into_response()
}

/// To the sign-in page, which explains the reason.
fn failed(why: Failure) -> Response {
    redirect(&format!("/dang-nhap?loi={}", why.code()))
}

fn binding_cookie(headers: &HeaderMap) -> Option<String> {
    crate::auth::cookies(headers)
        .find(|(k, v)| *k == BINDING_COOKIE && v.len() == 43)
        .map(|(_, v)| v.to_owned())
}

/// Query of the start.
#[derive(Debug, Deserialize)]
pub(crate) struct StartQuery {
    /// The page of this site to go back to.
    next: Option<String>,
}

#[utoipa::path(
    get,
    path = "/api/v1/auth/vneid/start",
    tag = "auth",
    params(("next" = Option<String>, Query, description = "A path of this site to go back to after signing in (default /dang-nhap); anything else is ignored")),
    responses(
        (status = 302, description = "To the OpenID provider (VNeID) with a fresh state, nonce and PKCE challenge; a short-lived cookie binds the sign-in to this browser. When the method is off, the provider cannot be reached or too many sign-ins start from this address: to /dang-nhap?loi=<reason>"),
    )
)]
pub(crate) async fn start(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    headers: HeaderMap,
    Query(query): Query<StartQuery>,
) -> Response {
    let Some(rp) = state.oidc.as_ref() else {
        return failed(Failure::Off);
    };
    if state.oidc_limiter.check(client).is_err() {
        return failed(Failure::TooMany);
    }
    let started = match rp.start().await {
        Ok(started) => started,
        Err(why) => return failed(why),
    };
    // One binding per browser (several tabs may sign in at once), renewed on each start.
    let binding = binding_cookie(&headers).unwrap_or_else(random_token);
    let now = Utc::now();
    let login = OidcLogin {
        state_hash: token_hash(&started.state),
        browser_hash: token_hash(&binding),
        nonce: started.nonce,
        pkce_verifier: started.pkce_verifier,
        next_path: safe_next(query.next.as_deref()),
        created_at: now,
        expires_at: now + chrono::Duration::minutes(LOGIN_MINUTES),
    };
    if let Err(e) = state.store.insert_oidc_login(&login, now).await {
        tracing::error!(error = %format!("{e:#}"), "cannot store the sign-in in progress");
        return failed(Failure::Internal);
    }
    let secure = if state.auth.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let mut res = redirect(&started.url);
    if let Ok(cookie) = HeaderValue::from_str(&format!(
        "{BINDING_COOKIE}={binding}; Path={BINDING_PATH}; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        LOGIN_MINUTES * 60
    )) {
        res.headers_mut().append(header::SET_COOKIE, cookie);
    }
    res
}

/// Query of the callback (RFC 6749 §4.1.2).
#[derive(Debug, Deserialize)]
pub(crate) struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

#[utoipa::path(
    get,
    path = "/api/v1/auth/vneid/callback",
    tag = "auth",
    params(
        ("code" = Option<String>, Query, description = "The provider's authorization code"),
        ("state" = Option<String>, Query, description = "The state of the sign-in this browser started"),
        ("error" = Option<String>, Query, description = "The provider's error (e.g. access_denied when the citizen cancelled)"),
    ),
    responses(
        (status = 302, description = "Signed in: the session cookie is set and the browser goes to the page it came from. Otherwise to /dang-nhap?loi=<reason>: chua_ho_tro, nha_cung_cap, da_huy, het_han (unknown, used or expired state), trinh_duyet_khac (started in another browser), khong_hop_le (ID token signature, issuer, audience, time or nonce), thieu_thong_tin, muc_dam_bao (assurance level too low), trung_dinh_danh, he_thong"),
    )
)]
pub(crate) async fn callback(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    CurrentSession(current): CurrentSession,
    headers: HeaderMap,
    Query(query): Query<CallbackQuery>,
) -> Response {
    match finish(&state, client, current.as_deref(), &headers, query).await {
        Ok(res) => res,
        Err(why) => {
            tracing::info!(reason = why.code(), "VNeID sign-in refused");
            failed(why)
        }
    }
}

async fn finish(
    state: &AppState,
    client: Option<std::net::IpAddr>,
    current: Option<&crate::auth::ActiveSession>,
    headers: &HeaderMap,
    query: CallbackQuery,
) -> Result<Response, Failure> {
    let rp = state.oidc.as_ref().ok_or(Failure::Off)?;
    let raw_state = query
        .state
        .filter(|s| !s.is_empty() && s.len() <= 512)
        .ok_or(Failure::Expired)?;
    // Taken once, whatever follows: a replayed or concurrent callback finds nothing.
    let login = state
        .store
        .take_oidc_login(&token_hash(&raw_state))
        .await
        .map_err(|e| {
            tracing::error!(error = %format!("{e:#}"), "cannot read the sign-in in progress");
            Failure::Internal
        })?
        .ok_or(Failure::Expired)?;
    let now = Utc::now();
    if login.expires_at <= now {
        return Err(Failure::Expired);
    }
    let bound = binding_cookie(headers)
        .is_some_and(|b| crate::auth::constant_time_eq(&token_hash(&b), &login.browser_hash));
    if !bound {
        return Err(Failure::OtherBrowser);
    }
    if query.error.is_some() {
        return Err(Failure::Cancelled);
    }
    let code = query
        .code
        .filter(|c| !c.is_empty() && c.len() <= 2048)
        .ok_or(Failure::Invalid)?;
    let vouched = rp.finish(&code, &login.nonce, &login.pkce_verifier).await?;
    let citizen = OidcCitizen {
        issuer: vouched.issuer,
        subject: vouched.subject,
        identity: vouched.identity,
        verified_phone: vouched.verified_phone,
    };
    let account = match state.store.upsert_oidc_citizen(&citizen, now).await {
        Ok(OidcUpsert::Account {
            id,
            created,
            linked,
        }) => {
            tracing::info!(created, linked, "citizen signed in with VNeID");
            id
        }
        Ok(OidcUpsert::IdentityNumberTaken) => {
            tracing::warn!("VNeID sign-in: the identity number belongs to another account");
            return Err(Failure::IdentityTaken);
        }
        Err(e) => {
            tracing::error!(error = %format!("{e:#}"), "cannot store the citizen account");
            return Err(Failure::Internal);
        }
    };
    // The session this browser had (a phone sign-in, a staff member) ends: one person at a time.
    if let Some(old) = current
        && let Err(e) = state.store.revoke_session(&old.token_hash, now).await
    {
        tracing::warn!(error = %format!("{e:#}"), "cannot end the previous session");
    }
    let (token, session) =
        start_session(state, NewSessionOwner::CitizenByIdentity(account), client)
            .await
            .map_err(|_| Failure::Internal)?;
    let max_age = (session.expires_at - session.created_at).num_seconds();
    let mut res = redirect(&login.next_path);
    res.headers_mut().append(
        header::SET_COOKIE,
        state.auth.session_cookie(&token, max_age),
    );
    Ok(res)
}
