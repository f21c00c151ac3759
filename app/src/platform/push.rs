//! Web Push on the phone: whether the browser can take notifications, and subscribing this browser
//! to a dossier's notices (permission, `PushManager.subscribe` with the server's VAPID key, the
//! subscription sent to `POST /api/v1/me/push-subscriptions?code=…`).
//!
//! The button that asks ([`PushAsk`]) is a small state machine in plain Rust with native tests; the
//! browser calls are behind `hydrate`. Permission is asked only when the reader presses the button,
//! never on load.

use domain::Lang;

use super::PlatformError;

/// Where the "notify me" button stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushAsk {
    /// This browser has no Web Push (or no service worker): the button is not offered.
    Unsupported,
    /// Not asked yet (or asked and dismissed): the button is offered.
    Ready,
    /// Asking the browser, then the server.
    Asking,
    /// This browser gets the dossier's notices.
    Subscribed,
    /// The reader refused notifications in the browser; only the browser's settings can undo it.
    Denied,
    /// Something failed; the message says what, the button is offered again.
    Failed(String),
}

/// What happened to the button.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushEvent {
    /// The reader pressed it.
    Pressed,
    /// Permission and subscription done, the server kept it.
    Done,
    /// The reader (or the browser) refused the permission.
    Refused,
    /// The reader closed the permission prompt without answering.
    Dismissed,
    /// Another failure, with its message.
    Error(String),
}

impl PushAsk {
    /// The state on opening, from what the browser supports and its permission
    /// (`Notification.permission`: `granted`, `denied`, `default`).
    #[must_use]
    pub fn initial(supported: bool, permission: &str) -> Self {
        match (supported, permission) {
            (false, _) => Self::Unsupported,
            (true, "denied") => Self::Denied,
            _ => Self::Ready,
        }
    }

    /// The state after `event`. A press counts only when the button is offered, so a double tap does
    /// not ask twice.
    #[must_use]
    pub fn next(&self, event: PushEvent) -> Self {
        match (self, event) {
            (Self::Ready | Self::Failed(_) | Self::Subscribed, PushEvent::Pressed) => Self::Asking,
            (Self::Asking, PushEvent::Done) => Self::Subscribed,
            (Self::Asking, PushEvent::Refused) => Self::Denied,
            (Self::Asking, PushEvent::Dismissed) => Self::Ready,
            (Self::Asking, PushEvent::Error(m)) => Self::Failed(m),
            (state, _) => state.clone(),
        }
    }

    /// Whether the button can be pressed.
    #[must_use]
    pub const fn offered(&self) -> bool {
        matches!(self, Self::Ready | Self::Failed(_) | Self::Subscribed)
    }

    /// What to tell the reader in this state (none while the button alone says it).
    #[must_use]
    pub fn message(&self, lang: Lang) -> Option<String> {
        match self {
            Self::Unsupported => Some(
                lang.pick(
                    "Trình duyệt này không nhận được thông báo. Bạn vẫn nhận tin nhắn SMS và có thể tra cứu hồ sơ bất kỳ lúc nào.",
                    "This browser cannot receive notifications. You still get an SMS and can look the dossier up at any time.",
                )
                .to_owned(),
            ),
            Self::Ready => None,
            Self::Asking => Some(lang.pick("Đang đăng ký nhận thông báo…", "Turning notifications on…").to_owned()),
            Self::Subscribed => Some(
                lang.pick(
                    "Đã bật: máy này sẽ nhận thông báo khi hồ sơ thay đổi tình trạng.",
                    "On: this phone will be notified when the dossier's status changes.",
                )
                .to_owned(),
            ),
            Self::Denied => Some(
                lang.pick(
                    "Bạn đã chặn thông báo của trang này. Để bật lại, mở cài đặt trang web của trình duyệt và cho phép Thông báo.",
                    "Notifications from this site are blocked. To turn them on, open the browser's site settings and allow Notifications.",
                )
                .to_owned(),
            ),
            Self::Failed(m) => Some(m.clone()),
        }
    }
}

/// Whether this browser has Web Push (service worker, `PushManager`, `Notification`). `false` on the
/// server.
#[must_use]
pub fn supported() -> bool {
    #[cfg(feature = "hydrate")]
    {
        let Some(window) = web_sys::window() else {
            return false;
        };
        let has = |object: &wasm_bindgen::JsValue, name: &str| {
            js_sys::Reflect::has(object, &wasm_bindgen::JsValue::from_str(name)).unwrap_or(false)
        };
        has(&window, "PushManager")
            && has(&window, "Notification")
            && has(&window.navigator(), "serviceWorker")
    }
    #[cfg(not(feature = "hydrate"))]
    {
        false
    }
}

/// `Notification.permission` (`granted`, `denied`, `default`); `default` when unknown.
#[must_use]
pub fn permission() -> String {
    #[cfg(feature = "hydrate")]
    {
        use js_sys::Reflect;
        use wasm_bindgen::JsValue;
        web_sys::window()
            .and_then(|w| Reflect::get(&w, &JsValue::from_str("Notification")).ok())
            .and_then(|n| Reflect::get(&n, &JsValue::from_str("permission")).ok())
            .and_then(|p| p.as_string())
            .unwrap_or_else(|| "default".to_owned())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        "default".to_owned()
    }
}

/// The path the subscription is sent to: the dossier whose phone gets the notices (the owner's session
/// or the dossier-scoped access proves it may). The phone is no longer sent: it proves nothing, and a
/// URL ends up in logs (the parameter stays for the callers).
#[must_use]
pub fn subscribe_url(code: &str, _phone: &str) -> String {
    format!(
        "/api/v1/me/push-subscriptions?code={}",
        super::net::encode_component(code)
    )
}

/// base64url (with or without padding) → bytes; `None` on a bad character.
#[must_use]
pub fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let mut bits: u32 = 0;
    let mut count = 0;
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    for c in text.trim_end_matches('=').bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        };
        bits = (bits << 6) | u32::from(v);
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push(u8::try_from((bits >> count) & 0xff).unwrap_or_default());
        }
    }
    Some(out)
}

/// Asks the permission, subscribes this browser with the server's key and gives the subscription to
/// the server for the dossier `code` of `phone`. The event says how it ended.
pub async fn subscribe(code: &str, phone: &str, lang: Lang) -> PushEvent {
    #[cfg(feature = "hydrate")]
    {
        match subscribe_in_browser(code, phone, lang).await {
            Ok(event) => event,
            Err(e) => PushEvent::Error(e.message(lang)),
        }
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (code, phone);
        PushEvent::Error(PlatformError::Unavailable.message(lang))
    }
}

#[cfg(feature = "hydrate")]
async fn subscribe_in_browser(
    code: &str,
    phone: &str,
    lang: Lang,
) -> Result<PushEvent, PlatformError> {
    use js_sys::{Function, Object, Reflect, Uint8Array};
    use wasm_bindgen::{JsCast as _, JsValue};

    use super::js;

    let failed = |e: &JsValue| PlatformError::Network(js::error_text(e));
    let get =
        |o: &JsValue, name: &str| Reflect::get(o, &JsValue::from_str(name)).map_err(|e| failed(&e));
    let call0 = |o: &JsValue, name: &str| -> Result<JsValue, PlatformError> {
        let f: Function = get(o, name)?.dyn_into().map_err(|e| failed(&e))?;
        f.call0(o).map_err(|e| failed(&e))
    };

    // The permission, asked now that the reader pressed the button.
    let window = js::window()?;
    let notification = get(&window, "Notification")?;
    let answer = call0(&notification, "requestPermission")?;
    let answer = match answer.dyn_into::<js_sys::Promise>() {
        Ok(promise) => js::wait(promise).await.map_err(|e| failed(&e))?,
        Err(value) => value,
    };
    match answer.as_string().as_deref() {
        Some("granted") => {}
        Some("denied") => return Ok(PushEvent::Refused),
        _ => return Ok(PushEvent::Dismissed),
    }

    // The server's key, then the browser's subscription with it.
    let key: domain::api::PushPublicKey =
        super::net::get_json("/api/v1/push/public-key", lang).await?;
    let key = base64url_decode(&key.public_key).ok_or_else(|| {
        PlatformError::Decode("the server's push key is not base64url".to_owned())
    })?;
    let container = get(&window.navigator(), "serviceWorker")?;
    let ready: js_sys::Promise = get(&container, "ready")?
        .dyn_into()
        .map_err(|e| failed(&e))?;
    let registration = js::wait(ready).await.map_err(|e| failed(&e))?;
    let manager = get(&registration, "pushManager")?;
    let options = Object::new();
    Reflect::set(&options, &"userVisibleOnly".into(), &JsValue::TRUE).map_err(|e| failed(&e))?;
    Reflect::set(
        &options,
        &"applicationServerKey".into(),
        &Uint8Array::from(key.as_slice()),
    )
    .map_err(|e| failed(&e))?;
    let subscribe: Function = get(&manager, "subscribe")?
        .dyn_into()
        .map_err(|e| failed(&e))?;
    let subscription: js_sys::Promise = subscribe
        .call1(&manager, &options)
        .map_err(|e| failed(&e))?
        .dyn_into()
        .map_err(|e| failed(&e))?;
    let subscription = js::wait(subscription).await.map_err(|e| failed(&e))?;
    let json = call0(&subscription, "toJSON")?;
    let body: domain::api::PushSubscription = js::to_rust(&json)?;
    let text = serde_json::to_string(&body).map_err(|e| PlatformError::Decode(e.to_string()))?;
    // A signed-in browser's session token is added by `net::send`.
    let answer = super::net::send(
        "POST",
        &subscribe_url(code, phone),
        &[],
        super::net::Body::Json(text),
        lang,
        15_000,
    )
    .await?;
    if answer.status == 204 {
        Ok(PushEvent::Done)
    } else {
        Err(super::net::http_error(answer.status, &answer.body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_button_asks_once_and_ends_in_the_browsers_answer() {
        let ready = PushAsk::initial(true, "default");
        assert_eq!(ready, PushAsk::Ready);
        let asking = ready.next(PushEvent::Pressed);
        assert_eq!(asking, PushAsk::Asking);
        assert_eq!(
            asking.next(PushEvent::Pressed),
            PushAsk::Asking,
            "a double tap asks once"
        );
        assert!(!asking.offered());
        assert_eq!(asking.next(PushEvent::Done), PushAsk::Subscribed);
        assert_eq!(asking.next(PushEvent::Refused), PushAsk::Denied);
        assert_eq!(asking.next(PushEvent::Dismissed), PushAsk::Ready);
        let failed = asking.next(PushEvent::Error("mất mạng".to_owned()));
        assert_eq!(failed, PushAsk::Failed("mất mạng".to_owned()));
        assert!(failed.offered(), "a failure can be tried again");
        assert_eq!(failed.next(PushEvent::Pressed), PushAsk::Asking);
        assert_eq!(PushAsk::Denied.next(PushEvent::Pressed), PushAsk::Denied);
    }

    #[test]
    fn the_start_follows_support_and_permission() {
        assert_eq!(PushAsk::initial(false, "granted"), PushAsk::Unsupported);
        assert_eq!(PushAsk::initial(true, "denied"), PushAsk::Denied);
        // Granted before: the button subscribes this dossier too, without a prompt.
        assert_eq!(PushAsk::initial(true, "granted"), PushAsk::Ready);
        assert!(
            PushAsk::Denied
                .message(Lang::Vi)
                .is_some_and(|m| m.contains("cài đặt"))
        );
        assert!(PushAsk::Unsupported.message(Lang::En).is_some());
    }

    #[test]
    fn base64url_decodes_what_the_server_sends() {
        assert_eq!(base64url_decode("AQID"), Some(vec![1, 2, 3]));
        assert_eq!(base64url_decode("_-8"), Some(vec![0xff, 0xef]));
        assert_eq!(base64url_decode("AQ=="), Some(vec![1]));
        assert_eq!(base64url_decode("A Q"), None);
        assert_eq!(
            subscribe_url("000.00.01.H01-261123-0001", "0905 123 456"),
            "/api/v1/me/push-subscriptions?code=000.00.01.H01-261123-0001"
        );
    }
}
