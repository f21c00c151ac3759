//! The app's side of the offline layer (docs/ARCHITECTURE.md, "The offline layer"): registering the
//! service worker (`public/sw.js`, written into `dist/sw.js` by `cargo xtask build`), choosing between
//! hydrating the server's page and rendering on the phone, and the banner that offers a new version once
//! it has installed and waits.

use leptos::prelude::*;

use crate::i18n::use_lang;

/// The "update available" banner: empty until a new version of the app has installed and waits, then a
/// line and a button that switches to it and reloads. The live region is always there, so screen readers
/// announce the line when it appears.
#[component]
pub fn UpdateBanner() -> impl IntoView {
    let lang = use_lang();
    let waiting = update_waiting();
    view! {
        <div class="update-slot" role="status">
            {move || {
                waiting
                    .get()
                    .then(|| {
                        view! {
                            <div class="update-banner">
                                <p>{move || lang.get().pick("Đã có phiên bản mới.", "A new version is available.")}</p>
                                <button type="button" class="update-button" on:click=move |_| apply_update()>
                                    {move || lang.get().pick("Cập nhật", "Update")}
                                </button>
                            </div>
                        }
                    })
            }}
        </div>
    }
}

#[cfg(not(feature = "hydrate"))]
fn update_waiting() -> Signal<bool> {
    // The server never knows about the phone's worker; the banner starts empty on both sides.
    Signal::stored(false)
}

#[cfg(not(feature = "hydrate"))]
const fn apply_update() {}

#[cfg(feature = "hydrate")]
use client::{apply_update, update_waiting};
#[cfg(feature = "hydrate")]
pub use client::{hydratable, prepare_client_render, register, start, want_offline_app};

/// On the server's render nothing is precached.
#[cfg(not(feature = "hydrate"))]
pub const fn want_offline_app() {}

#[cfg(feature = "hydrate")]
mod client {
    use std::cell::{Cell, RefCell};

    use leptos::prelude::*;
    use wasm_bindgen::{JsCast as _, JsValue, closure::Closure};
    use web_sys::{ServiceWorkerRegistration, ServiceWorkerState, js_sys};

    use crate::i18n::lang_from_cookie_header;

    /// The worker's own message for "take over now" (`public/sw.js`).
    const SKIP_WAITING: &str = "SKIP_WAITING";
    /// The worker's message for "download the full app for use with no signal" (`public/sw.js`).
    const PRECACHE_APP: &str = "PRECACHE_APP";

    thread_local! {
        // Reference-counted rather than arena-owned: it outlives any component that reads it.
        static WAITING: ArcRwSignal<bool> = ArcRwSignal::new(false);
        static REGISTRATION: RefCell<Option<ServiceWorkerRegistration>> = const { RefCell::new(None) };
        // Set when this page asked the new version to take over, so only then does it reload.
        static RELOAD_ON_CHANGE: Cell<bool> = const { Cell::new(false) };
        // Set once this page has asked the worker for the full app.
        static APP_ASKED: Cell<bool> = const { Cell::new(false) };
    }

    /// Asks the service worker to download the full app (its bundle and the app shell) so that forms
    /// and drafts open with no signal. A first visit of the home page does not (it stays within the
    /// page-weight budget), nor do the look-up and verification pages (someone checking a certificate
    /// needs no forms); signs of someone about to file do: a procedure page (`Frame` watches the route),
    /// any page of the full app, coming back to the home page, the installed app. Once per page; the
    /// worker downloads once per version.
    pub fn want_offline_app() {
        if APP_ASKED.with(|a| a.replace(true)) {
            return;
        }
        let Some(window) = web_sys::window() else {
            return;
        };
        let navigator = window.navigator();
        if !js_sys::Reflect::has(&navigator, &JsValue::from_str("serviceWorker")).unwrap_or(false) {
            return;
        }
        let on_ready = Closure::<dyn FnMut(JsValue)>::new(|registration: JsValue| {
            let registration: ServiceWorkerRegistration = registration.unchecked_into();
            // The newest version: a waiting or installing one precaches into its own cache, which stays
            // when it takes over (the active one's goes then).
            let worker = registration
                .waiting()
                .or_else(|| registration.installing())
                .or_else(|| registration.active());
            if let Some(worker) = worker {
                // A refusal only means the app is precached at the next page.
                let _ = worker.post_message(&JsValue::from_str(PRECACHE_APP));
            }
        });
        // `ready` settles once a worker is active (at once after the first visit).
        if let Ok(ready) = navigator.service_worker().ready() {
            let _ = ready.then(&on_ready);
        }
        on_ready.forget();
    }

    /// Whether the app runs installed, from the home screen.
    fn installed() -> bool {
        web_sys::window()
            .and_then(|w| w.match_media("(display-mode: standalone)").ok().flatten())
            .is_some_and(|m| m.matches())
    }

    /// What each WASM bundle's `main` does: hydrates the HTML the server rendered from the same
    /// component, or, on the service worker's offline app shell, renders the route on the phone; marks the
    /// document as driven by the app; then registers the worker.
    pub fn start<N: IntoView + 'static>(app: fn() -> N) {
        console_error_panic_hook::set_once();
        let how = if hydratable() {
            leptos::mount::hydrate_body(app);
            "hydrated"
        } else {
            prepare_client_render();
            leptos::mount::mount_to_body(app);
            "client"
        };
        // Tells browser tests (and anyone curious) that the page is now driven by the WASM app, and how.
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = root.set_attribute("data-hydrated", "true");
            let _ = root.set_attribute("data-rendered", how);
        }
        register();
    }

    pub(super) fn update_waiting() -> Signal<bool> {
        WAITING.with(|w| Signal::from(w.clone()))
    }

    fn set_waiting() {
        WAITING.with(|w| w.set(true));
    }

    /// Whether the document holds a page the server rendered for this reader, which the app can
    /// hydrate: false for the offline app shell (an empty `<body>`) and for a page the worker kept in
    /// another language than the one the reader has chosen since.
    #[must_use]
    pub fn hydratable() -> bool {
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return false;
        };
        let has_page = document
            .body()
            .is_some_and(|b| b.first_element_child().is_some());
        let page_lang = document
            .document_element()
            .and_then(|e| e.get_attribute("lang"))
            .and_then(|l| l.parse::<domain::Lang>().ok());
        has_page && page_lang == Some(cookie_lang(&document))
    }

    /// Empties `<body>` and sets the document's language from the reader's choice, before the app
    /// renders the route on the phone.
    pub fn prepare_client_render() {
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        if let Some(body) = document.body() {
            body.set_inner_html("");
        }
        if let Some(root) = document.document_element() {
            // A failure leaves the template's language, which is only a hint to screen readers.
            let _ = root.set_attribute("lang", cookie_lang(&document).tag());
        }
    }

    fn cookie_lang(document: &web_sys::Document) -> domain::Lang {
        document
            .clone()
            .dyn_into::<web_sys::HtmlDocument>()
            .ok()
            .and_then(|d| d.cookie().ok())
            .map(|c| lang_from_cookie_header(&c))
            .unwrap_or_default()
    }

    /// Registers `/sw.js` and watches for a new version that installs and waits. Does nothing where the
    /// browser has no service workers (or the page is not on https or localhost): the app then simply
    /// works online.
    pub fn register() {
        let Some(window) = web_sys::window() else {
            return;
        };
        let navigator = window.navigator();
        if !js_sys::Reflect::has(&navigator, &JsValue::from_str("serviceWorker")).unwrap_or(false) {
            return;
        }
        let container = navigator.service_worker();
        // Back on the home page (a worker from an earlier visit controls it), or in the installed app.
        let home = window.location().pathname().is_ok_and(|p| p == "/");
        if (home && container.controller().is_some()) || installed() {
            want_offline_app();
        }

        let on_controller_change = Closure::<dyn FnMut()>::new(move || {
            if RELOAD_ON_CHANGE.with(Cell::get) {
                reload();
            }
        });
        container.set_oncontrollerchange(Some(on_controller_change.as_ref().unchecked_ref()));
        on_controller_change.forget();

        let on_registered = Closure::<dyn FnMut(JsValue)>::new(move |registration: JsValue| {
            let registration: ServiceWorkerRegistration = registration.unchecked_into();
            watch(&registration);
            REGISTRATION.with(|r| *r.borrow_mut() = Some(registration));
        });
        let on_failed = Closure::<dyn FnMut(JsValue)>::new(move |error: JsValue| {
            leptos::logging::warn!("the service worker could not be registered: {error:?}");
        });
        // The promise is handled by the two callbacks.
        let _ = container
            .register("/sw.js")
            .then2(&on_registered, &on_failed);
        on_registered.forget();
        on_failed.forget();

        // A phone keeps the app open for days: look for a new version whenever it comes back to view.
        if let Some(document) = window.document() {
            let doc = document.clone();
            let on_visible = Closure::<dyn FnMut()>::new(move || {
                if !doc.hidden() {
                    REGISTRATION.with(|r| {
                        if let Some(registration) = r.borrow().as_ref() {
                            // Offline the check fails; the next one will do.
                            let _ = registration.update();
                        }
                    });
                }
            });
            let _ = document.add_event_listener_with_callback(
                "visibilitychange",
                on_visible.as_ref().unchecked_ref(),
            );
            on_visible.forget();
        }
    }

    fn has_controller() -> bool {
        web_sys::window().is_some_and(|w| w.navigator().service_worker().controller().is_some())
    }

    fn watch(registration: &ServiceWorkerRegistration) {
        // A version that installed during an earlier visit may be waiting already.
        if registration.waiting().is_some() && has_controller() {
            set_waiting();
        }
        let watched = registration.clone();
        let on_update_found = Closure::<dyn FnMut()>::new(move || {
            let Some(installing) = watched.installing() else {
                return;
            };
            let worker = installing.clone();
            let on_state_change = Closure::<dyn FnMut()>::new(move || {
                // Installed while another version controls the page: it waits for the reader. (On the
                // first visit there is no controller and it simply activates.)
                if worker.state() == ServiceWorkerState::Installed && has_controller() {
                    set_waiting();
                }
            });
            installing.set_onstatechange(Some(on_state_change.as_ref().unchecked_ref()));
            on_state_change.forget();
        });
        registration.set_onupdatefound(Some(on_update_found.as_ref().unchecked_ref()));
        on_update_found.forget();
    }

    /// Asks the waiting version to take over; the page reloads when it has (`controllerchange`).
    pub(super) fn apply_update() {
        let waiting = REGISTRATION.with(|r| r.borrow().as_ref().and_then(|r| r.waiting()));
        match waiting {
            Some(worker) => {
                RELOAD_ON_CHANGE.with(|r| r.set(true));
                if worker
                    .post_message(&JsValue::from_str(SKIP_WAITING))
                    .is_err()
                {
                    reload();
                }
            }
            // Another tab has switched already: this page only needs the new files.
            None => reload(),
        }
    }

    fn reload() {
        if let Some(window) = web_sys::window() {
            // If the reload is refused, the reader can still reload by hand.
            let _ = window.location().reload();
        }
    }
}
