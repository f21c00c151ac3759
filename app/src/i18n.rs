//! The reader's language: Vietnamese by default, English by a switch that is remembered in a cookie, so
//! that the server renders the next page in the same language and hydration finds the same text.

use domain::Lang;
use leptos::prelude::*;

/// The cookie that remembers the chosen language (`vi` or `en`).
pub const LANG_COOKIE: &str = "lang";

/// The language the server found in the request; the server provides it as context before rendering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RequestLang(pub Lang);

/// The current language, shared by every component.
#[derive(Debug, Clone, Copy)]
struct Locale(RwSignal<Lang>);

/// Reads the language from a `Cookie` header value; anything missing or unknown is Vietnamese.
#[must_use]
pub fn lang_from_cookie_header(header: &str) -> Lang {
    header
        .split(';')
        .filter_map(|pair| pair.split_once('='))
        .find(|(name, _)| name.trim() == LANG_COOKIE)
        .and_then(|(_, value)| value.trim().parse().ok())
        .unwrap_or_default()
}

thread_local! {
    static CURRENT: std::cell::Cell<Lang> = const { std::cell::Cell::new(Lang::Vi) };
}

/// The language of the moment, outside any reactive owner (in a task after an `await`, where context
/// cannot be read). Kept in step by [`provide_locale`] and the language switch.
#[must_use]
pub fn current_lang() -> Lang {
    CURRENT.with(std::cell::Cell::get)
}

/// Puts the language signal in context; called once by [`crate::App`].
pub fn provide_locale() {
    let lang = initial_lang();
    CURRENT.with(|c| c.set(lang));
    provide_context(Locale(RwSignal::new(lang)));
}

/// The current language as a signal.
pub fn use_lang() -> Signal<Lang> {
    let Locale(lang) = expect_context::<Locale>();
    lang.into()
}

#[cfg(feature = "hydrate")]
fn initial_lang() -> Lang {
    use wasm_bindgen::JsCast;
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok())
        .and_then(|d| d.cookie().ok())
        .map(|cookie| lang_from_cookie_header(&cookie))
        .unwrap_or_default()
}

#[cfg(not(feature = "hydrate"))]
fn initial_lang() -> Lang {
    use_context::<RequestLang>().unwrap_or_default().0
}

/// Remembers the choice for a year and tells the browser (screen readers, hyphenation) the page's language.
#[cfg(feature = "hydrate")]
fn remember(lang: Lang) {
    use wasm_bindgen::JsCast;
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Some(root) = document.document_element() {
        // Only the attribute's value changes; a failure leaves the old value, which is harmless.
        let _ = root.set_attribute("lang", lang.tag());
    }
    if let Ok(html) = document.dyn_into::<web_sys::HtmlDocument>() {
        let cookie = format!(
            "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
            lang.tag()
        );
        let _ = html.set_cookie(&cookie);
    }
}

#[cfg(not(feature = "hydrate"))]
fn remember(_lang: Lang) {}

/// A button that switches between Vietnamese and English.
#[component]
pub fn LangSwitch() -> impl IntoView {
    let Locale(lang) = expect_context::<Locale>();
    let switch = move |_| {
        let next = lang.get_untracked().other();
        CURRENT.with(|c| c.set(next));
        lang.set(next);
        remember(next);
    };
    view! {
        <button
            type="button"
            class="lang-switch"
            on:click=switch
            lang=move || lang.get().other().tag()
        >
            {move || lang.get().other().native_name()}
        </button>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_header_picks_the_lang_cookie() {
        assert_eq!(lang_from_cookie_header("a=1; lang=en; b=2"), Lang::En);
        assert_eq!(lang_from_cookie_header("lang=vi"), Lang::Vi);
        assert_eq!(lang_from_cookie_header("xlang=en"), Lang::Vi);
        assert_eq!(lang_from_cookie_header("lang=fr"), Lang::Vi);
        assert_eq!(lang_from_cookie_header(""), Lang::Vi);
    }
}
