//! motcua's user interface, written once as Leptos components.
//!
//! The server renders these components to HTML with the `ssr` feature, so a public page shows on a slow
//! phone before any WASM arrives; the WASM entry (`src/bin/web.rs`, feature `hydrate`) then hydrates the
//! same components. What does not belong here: anything of the server (no axum, sqlx, tokio) — the
//! rules come from `domain`, the data from the server's JSON API.

pub mod forms;
pub mod i18n;
pub mod page_data;
pub mod pages;
pub mod platform;
pub mod pwa;
mod routes;

use leptos::prelude::*;
use leptos_router::{
    components::{Route, Router, Routes},
    path,
};

pub use i18n::{LANG_COOKIE, RequestLang, lang_from_cookie_header};
pub use page_data::{Lookup, LookupOutcome, PAGE_DATA_ID, PageData, Verify, VerifyOutcome};
pub use routes::AppRoute;

use crate::{
    i18n::{LangSwitch, provide_locale, use_lang},
    pages::{
        DossierPage, EditPage, Home, LookupPage, MyDossiers, NotFound, ProcedurePage, StartPage,
        VerifyPage,
    },
};

/// The whole application: the page frame and the router.
#[component]
pub fn App() -> impl IntoView {
    provide_locale();
    pages::account::provide_session();
    pages::notifications::provide_unread();
    #[cfg(feature = "hydrate")]
    page_data::provide_from_document();
    // Sends what waits in the outbox now, when the network returns, and with backoff (idempotent).
    #[cfg(feature = "hydrate")]
    Effect::new(|_| platform::outbox::start());
    let lang = use_lang();
    view! {
        <Router>
            <DocumentTitle />
            <a class="skip-link" href="#main">
                {move || lang.get().pick("Bỏ qua, đến nội dung chính", "Skip to main content")}
            </a>
            <pwa::UpdateBanner />
            <header class="site-header">
                <a class="brand" href="/">
                    <span class="brand-mark" aria-hidden="true">"MC"</span>
                    <span class="brand-text">
                        <span class="brand-name">"Một cửa Quảng Ngãi"</span>
                        <span class="brand-sub">
                            {move || lang.get().pick("Dịch vụ công trực tuyến", "Online public services")}
                        </span>
                    </span>
                </a>
                <nav class="site-nav" aria-label=move || lang.get().pick("Chính", "Main")>
                    <a href="/ho-so">{move || lang.get().pick("Hồ sơ của tôi", "My dossiers")}</a>
                    <pages::notifications::InboxLink />
                    <pages::account::AccountLink />
                </nav>
                <LangSwitch />
            </header>
            <main id="main" tabindex="-1">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=Home />
                    <Route path=path!("/thu-tuc/:slug") view=ProcedurePage />
                    <Route path=path!("/tra-cuu") view=LookupPage />
                    <Route path=path!("/tra-cuu/:code") view=LookupPage />
                    <Route path=path!("/nop/:slug") view=StartPage />
                    <Route path=path!("/soan/:id/:step") view=EditPage />
                    <Route path=path!("/ho-so") view=MyDossiers />
                    <Route path=path!("/ho-so/:id") view=DossierPage />
                    <Route path=path!("/thong-bao") view=pages::notifications::InboxPage />
                    <Route path=path!("/dang-nhap") view=pages::account::SignInPage />
                    <Route path=path!("/can-bo/dang-nhap") view=pages::account::StaffSignInPage />
                    <Route path=path!("/can-bo/mat-khau") view=pages::account::PasswordPage />
                    <Route path=path!("/quan-tri/can-bo") view=pages::admin::StaffAdminPage />
                    <Route path=path!("/can-bo") view=pages::staff::StaffQueuePage />
                    <Route path=path!("/can-bo/ho-so/:code") view=pages::staff::StaffDossierPage />
                    <Route path=path!("/verify/:code") view=VerifyPage />
                </Routes>
            </main>
            <footer class="site-footer">
                <p>
                    {move || lang.get().pick(
                        "Ủy ban nhân dân tỉnh Quảng Ngãi · Bộ phận Một cửa",
                        "Quảng Ngãi Provincial People's Committee · One-stop service",
                    )}
                </p>
            </footer>
        </Router>
    }
}

/// Keeps `document.title` in step with the route and the language on the phone. The server writes the
/// first title into the HTML from the same [`AppRoute::title`].
#[component]
fn DocumentTitle() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    {
        let lang = use_lang();
        let location = leptos_router::hooks::use_location();
        Effect::new(move || {
            let title = AppRoute::parse(&location.pathname.get()).title(lang.get());
            if let Some(document) = web_sys::window().and_then(|w| w.document()) {
                document.set_title(&title);
            }
        });
    }
}
