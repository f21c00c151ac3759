//! Talking to motcua's server (same origin, `/api/v1/...`) with `fetch`: JSON in and out, the reader's
//! language as `Accept-Language` (the server answers its error messages in it), never cached by the
//! browser (`cache: "no-store"`: personal answers stay out of HTTP caches), and a time limit so a dead
//! connection on a weak signal ends as [`PlatformError::Network`] instead of hanging.
//!
//! Any answer outside 2xx becomes [`PlatformError::Http`] with the server's `ApiError` envelope when the
//! body is one ([`decode_answer`], pure and unit-tested).

use domain::{
    Lang,
    api::{ApiError, DossierStatus},
};
use serde::{Deserialize, Serialize, de::DeserializeOwned};

use super::PlatformError;

/// The API's root, relative to the page's origin.
pub const API: &str = "/api/v1";

/// Time limit of one JSON request, in ms.
pub const JSON_TIMEOUT_MS: i32 = 30_000;

/// The public part of a registered household business (`GET /api/v1/hkd/{code}`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicHkd {
    /// Mã số hộ kinh doanh.
    pub code: String,
    /// The registered Vietnamese name.
    pub name: String,
    /// The commune's code.
    pub commune: String,
    /// Registration status as the registry keeps it (e.g. `active`, `terminated`).
    pub status: String,
}

/// Reads an answer: a 2xx body as `T`; anything else as [`PlatformError::Http`] with the server's
/// `ApiError` when the body is one.
///
/// # Errors
/// [`PlatformError::Http`] for a non-2xx status, [`PlatformError::Decode`] for a 2xx body that is not `T`.
pub fn decode_answer<T: DeserializeOwned>(status: u16, body: &str) -> Result<T, PlatformError> {
    if (200..300).contains(&status) {
        serde_json::from_str(body).map_err(|e| PlatformError::Decode(e.to_string()))
    } else {
        Err(http_error(status, body))
    }
}

/// The error of a non-2xx answer.
#[must_use]
pub fn http_error(status: u16, body: &str) -> PlatformError {
    PlatformError::Http {
        status,
        body: serde_json::from_str::<ApiError>(body).ok(),
    }
}

/// Percent-encodes a URL path segment or query value (everything but `A-Z a-z 0-9 - _ . ~`).
#[must_use]
pub fn encode_component(s: &str) -> String {
    use std::fmt::Write as _;
    s.bytes()
        .fold(String::with_capacity(s.len()), |mut out, b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                out.push(char::from(b));
            } else {
                let _ = write!(out, "%{b:02X}");
            }
            out
        })
}

/// The look-up URL of a dossier. No phone number in it: a phone proves nothing (the owner's session
/// cookie or the dossier-scoped access does), and a URL ends up in logs.
#[must_use]
pub fn dossier_status_url(code: &str, _phone: &str) -> String {
    format!("{API}/dossiers/{}", encode_component(code.trim()))
}

/// What a request carries.
#[cfg(feature = "hydrate")]
pub(crate) enum Body<'a> {
    /// Nothing.
    Empty,
    /// JSON text.
    Json(String),
    /// Raw bytes (an upload chunk).
    Blob(&'a web_sys::Blob),
}

/// An answer, read whole.
#[cfg(feature = "hydrate")]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) body: String,
    pub(crate) headers: web_sys::Headers,
}

#[cfg(feature = "hydrate")]
impl Answer {
    /// A header's value.
    pub(crate) fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).ok().flatten()
    }
}

#[cfg(feature = "hydrate")]
thread_local! {
    /// The session's anti-forgery token as last read from `GET /api/v1/session`: `None` until read,
    /// `Some(None)` when nobody is signed in.
    static CSRF: std::cell::RefCell<Option<Option<String>>> = const { std::cell::RefCell::new(None) };
}

/// Keeps the token of a session just read, started or ended, so the next write carries the right one
/// without asking the server again.
pub fn remember_session(info: &domain::api::SessionInfo) {
    #[cfg(feature = "hydrate")]
    CSRF.with(|c| *c.borrow_mut() = Some(info.csrf_token.clone()));
    #[cfg(not(feature = "hydrate"))]
    let _ = info;
}

/// The session's anti-forgery token (read once per page, `fresh` reads it again).
#[cfg(feature = "hydrate")]
async fn csrf_token(lang: Lang, fresh: bool) -> Option<String> {
    if !fresh && let Some(known) = CSRF.with(|c| c.borrow().clone()) {
        return known;
    }
    let answer = send_once(
        "GET",
        &format!("{API}/session"),
        &[],
        Body::Empty,
        lang,
        JSON_TIMEOUT_MS,
    )
    .await
    .ok()?;
    let token = decode_answer::<domain::api::SessionInfo>(answer.status, &answer.body)
        .ok()
        .and_then(|s| s.csrf_token);
    CSRF.with(|c| *c.borrow_mut() = Some(token.clone()));
    token
}

/// Sends one request and reads the whole answer within `timeout_ms`. A state-changing request to the API
/// carries the session's `X-CSRF-Token` when someone is signed in (the server refuses it otherwise), and
/// is sent once more with a fresh token when the server refused the one it had (signed in or out since).
#[cfg(feature = "hydrate")]
pub(crate) async fn send(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: Body<'_>,
    lang: Lang,
    timeout_ms: i32,
) -> Result<Answer, PlatformError> {
    let writes = !matches!(method, "GET" | "HEAD" | "OPTIONS");
    let explicit = headers
        .iter()
        .any(|(name, _)| name.eq_ignore_ascii_case("x-csrf-token"));
    if !writes || explicit || !url.starts_with(API) {
        return send_once(method, url, headers, body, lang, timeout_ms).await;
    }
    let with_token = |token: &Option<String>| {
        let mut all: Vec<(&str, &str)> = headers.to_vec();
        if let Some(token) = token {
            all.push(("X-CSRF-Token", token.as_str()));
        }
        all.into_iter()
            .map(|(n, v)| (n.to_owned(), v.to_owned()))
            .collect::<Vec<_>>()
    };
    let token = csrf_token(lang, false).await;
    let first = with_token(&token);
    let refs: Vec<(&str, &str)> = first
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let answer = send_once(method, url, &refs, body.again(), lang, timeout_ms).await?;
    if answer.status != 403 {
        return Ok(answer);
    }
    let fresh = csrf_token(lang, true).await;
    if fresh == token {
        return Ok(answer);
    }
    let second = with_token(&fresh);
    let refs: Vec<(&str, &str)> = second
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    send_once(method, url, &refs, body, lang, timeout_ms).await
}

#[cfg(feature = "hydrate")]
impl Body<'_> {
    /// The same body, to send again.
    fn again(&self) -> Self {
        match self {
            Self::Empty => Self::Empty,
            Self::Json(text) => Self::Json(text.clone()),
            Self::Blob(blob) => Self::Blob(blob),
        }
    }
}

/// Sends one request as it is and reads the whole answer within `timeout_ms`.
#[cfg(feature = "hydrate")]
async fn send_once(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: Body<'_>,
    lang: Lang,
    timeout_ms: i32,
) -> Result<Answer, PlatformError> {
    use super::js;
    use wasm_bindgen::{JsCast as _, closure::Closure};
    use web_sys::{AbortController, Headers, Request, RequestCache, RequestInit, Response};

    let window = js::window()?;
    let h = Headers::new().map_err(|e| PlatformError::Network(js::error_text(&e)))?;
    let set = |name: &str, value: &str| {
        h.set(name, value)
            .map_err(|e| PlatformError::Network(js::error_text(&e)))
    };
    set("Accept", "application/json")?;
    set("Accept-Language", lang.tag())?;
    for (name, value) in headers {
        set(name, value)?;
    }
    let init = RequestInit::new();
    init.set_method(method);
    init.set_cache(RequestCache::NoStore);
    match &body {
        Body::Empty => {}
        Body::Json(text) => {
            set("Content-Type", "application/json")?;
            init.set_body(&wasm_bindgen::JsValue::from_str(text));
        }
        Body::Blob(blob) => {
            set("Content-Type", "application/octet-stream")?;
            init.set_body(blob);
        }
    }
    init.set_headers(&h);
    let controller = AbortController::new().ok();
    if let Some(c) = &controller {
        init.set_signal(Some(&c.signal()));
    }
    let timer = controller.as_ref().and_then(|c| {
        let c = c.clone();
        let abort = Closure::once_into_js(move || c.abort());
        window
            .set_timeout_with_callback_and_timeout_and_arguments_0(
                abort.unchecked_ref(),
                timeout_ms,
            )
            .ok()
    });
    let request = Request::new_with_str_and_init(url, &init)
        .map_err(|e| PlatformError::Network(js::error_text(&e)))?;

    let result = async {
        let response: Response = js::wait(window.fetch_with_request(&request))
            .await
            .map_err(|e| network_error(&e))?
            .unchecked_into();
        let text = response.text().map_err(|e| network_error(&e))?;
        let body = js::wait(text)
            .await
            .map_err(|e| network_error(&e))?
            .as_string()
            .unwrap_or_default();
        Ok(Answer {
            status: response.status(),
            body,
            headers: response.headers(),
        })
    }
    .await;
    if let Some(timer) = timer {
        window.clear_timeout_with_handle(timer);
    }
    result
}

#[cfg(feature = "hydrate")]
fn network_error(e: &wasm_bindgen::JsValue) -> PlatformError {
    if super::js::error_name(e).as_deref() == Some("AbortError") {
        PlatformError::Network("no answer in time".to_owned())
    } else {
        PlatformError::Network(super::js::error_text(e))
    }
}

/// `GET` a JSON answer.
///
/// # Errors
/// [`PlatformError::Network`] when offline or without an answer in time, [`PlatformError::Http`] for an
/// error status, [`PlatformError::Decode`] for an answer of another shape.
pub async fn get_json<T: DeserializeOwned>(url: &str, lang: Lang) -> Result<T, PlatformError> {
    #[cfg(feature = "hydrate")]
    {
        let answer = send("GET", url, &[], Body::Empty, lang, JSON_TIMEOUT_MS).await?;
        decode_answer(answer.status, &answer.body)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (url, lang);
        Err(PlatformError::Unavailable)
    }
}

/// `POST` a JSON body (with extra headers) and read a JSON answer.
///
/// # Errors
/// As [`get_json`].
pub async fn post_json<B: Serialize, T: DeserializeOwned>(
    url: &str,
    body: &B,
    headers: &[(&str, &str)],
    lang: Lang,
) -> Result<T, PlatformError> {
    let text = serde_json::to_string(body).map_err(|e| PlatformError::Decode(e.to_string()))?;
    #[cfg(feature = "hydrate")]
    {
        let answer = send(
            "POST",
            url,
            headers,
            Body::Json(text),
            lang,
            JSON_TIMEOUT_MS,
        )
        .await?;
        decode_answer(answer.status, &answer.body)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (url, text, headers, lang);
        Err(PlatformError::Unavailable)
    }
}

/// Whether the browser believes it is online (`navigator.onLine`; `true` can still mean a dead network,
/// `false` is reliable). `true` on the server.
#[must_use]
pub fn is_online() -> bool {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window().is_none_or(|w| w.navigator().on_line())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        true
    }
}

/// Where a dossier stands (`GET /api/v1/dossiers/{code}`): the whole status for its owner signed in (or
/// a dossier-scoped access), the public view otherwise. The whole status is also kept for offline
/// reading ([`super::store::put_status`], best effort); a public view never replaces it.
///
/// # Errors
/// [`PlatformError::Http`] 404 for an unknown code, 429 when looked up too often; otherwise as
/// [`get_json`].
pub async fn dossier_status(
    code: &str,
    phone: &str,
    lang: Lang,
) -> Result<DossierStatus, PlatformError> {
    let status: DossierStatus = get_json(&dossier_status_url(code, phone), lang).await?;
    if status.view == domain::api::StatusView::Full {
        let _ = super::store::put_status(&status.receipt.code, &status).await;
    }
    Ok(status)
}

/// The public part of a registered household business, to prefill change and termination.
///
/// # Errors
/// [`PlatformError::Http`] 404 when there is no such business; otherwise as [`get_json`].
pub async fn hkd(code: &str, lang: Lang) -> Result<PublicHkd, PlatformError> {
    get_json(
        &format!("{API}/hkd/{}", encode_component(code.trim())),
        lang,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_decoded_or_become_http_errors() {
        let ok: Result<PublicHkd, _> = decode_answer(
            200,
            r#"{"code":"51A8000123","name":"Hộ kinh doanh An","commune":"21025","status":"active"}"#,
        );
        assert_eq!(ok.expect("decodes").name, "Hộ kinh doanh An");
        let e = decode_answer::<PublicHkd>(
            404,
            r#"{"code":"not_found","message":"Không tìm thấy.","fields":[]}"#,
        )
        .expect_err("404");
        let PlatformError::Http {
            status: 404,
            body: Some(body),
        } = e
        else {
            panic!("{e:?}")
        };
        assert_eq!(body.code, "not_found");
        assert_eq!(
            decode_answer::<PublicHkd>(502, "<html>Bad gateway</html>"),
            Err(PlatformError::Http {
                status: 502,
                body: None
            })
        );
        assert!(matches!(
            decode_answer::<PublicHkd>(200, "{}"),
            Err(PlatformError::Decode(_))
        ));
    }

    #[test]
    fn lookup_urls_are_encoded() {
        assert_eq!(
            dossier_status_url(" HKD-51-2026/01 ", "+84 905 123 456"),
            "/api/v1/dossiers/HKD-51-2026%2F01"
        );
        assert_eq!(encode_component("Bán lẻ"), "B%C3%A1n%20l%E1%BA%BB");
    }
}
