//! Small helpers over wasm-bindgen shared by the platform modules (WASM only).

use js_sys::{Promise, Reflect};
use wasm_bindgen::{JsCast as _, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::PlatformError;

/// The page's window.
pub(super) fn window() -> Result<web_sys::Window, PlatformError> {
    web_sys::window().ok_or(PlatformError::Unavailable)
}

/// Awaits a JavaScript promise.
pub(super) async fn wait(promise: Promise) -> Result<JsValue, JsValue> {
    JsFuture::from(promise).await
}

/// `name: message` of a thrown JavaScript value (a `DOMException`, an `Error`, or anything else).
pub(super) fn error_text(error: &JsValue) -> String {
    let field = |name: &str| {
        Reflect::get(error, &JsValue::from_str(name))
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default()
    };
    let (name, message) = (field("name"), field("message"));
    match (name.is_empty(), message.is_empty()) {
        (false, false) => format!("{name}: {message}"),
        (false, true) => name,
        (true, false) => message,
        (true, true) => error.as_string().unwrap_or_else(|| format!("{error:?}")),
    }
}

/// The JavaScript error name (`QuotaExceededError`, `AbortError`, …), if it has one.
pub(super) fn error_name(error: &JsValue) -> Option<String> {
    Reflect::get(error, &JsValue::from_str("name"))
        .ok()
        .and_then(|v| v.as_string())
}

/// A property of a JavaScript object, if it is an object of type `T`.
pub(super) fn get_as<T: wasm_bindgen::JsCast>(object: &JsValue, name: &str) -> Option<T> {
    Reflect::get(object, &JsValue::from_str(name))
        .ok()
        .and_then(|v| v.dyn_into::<T>().ok())
}

/// JSON text → a JavaScript value (so records are real objects in IndexedDB, readable in dev tools).
pub(super) fn from_json<T: serde::Serialize>(value: &T) -> Result<JsValue, PlatformError> {
    let text = serde_json::to_string(value).map_err(|e| PlatformError::Decode(e.to_string()))?;
    js_sys::JSON::parse(&text).map_err(|e| PlatformError::Decode(error_text(&e)))
}

/// A JavaScript value → a Rust value through JSON.
pub(super) fn to_rust<T: serde::de::DeserializeOwned>(value: &JsValue) -> Result<T, PlatformError> {
    let text: String = js_sys::JSON::stringify(value)
        .map_err(|e| PlatformError::Decode(error_text(&e)))?
        .into();
    serde_json::from_str(&text).map_err(|e| PlatformError::Decode(e.to_string()))
}
