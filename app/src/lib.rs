//! motcua's user interface, written once as Leptos components.
//!
//! The server renders these components to HTML with the `ssr` feature, so a public page shows on a slow
//! phone before any WASM arrives; the WASM entry (`src/bin/web.rs`, feature `hydrate`) then hydrates the
//! same components. What does not belong here: anything of the server (no axum, sqlx, tokio) — the
//! rules come from `domain`, the data from the server's JSON API.

// The server renders and the phone hydrates the same components only when both are built with the same
// Leptos type erasure; .cargo/config.toml sets it for every build, and a RUSTFLAGS variable would silently
// replace it on one side. Refuse to build rather than ship pages that do not hydrate.
#[cfg(not(erase_components))]
compile_error!(
    "motcua's app must be built with `--cfg erase_components` (.cargo/config.toml sets it): do not set \
     RUSTFLAGS, or add `--cfg erase_components` to it"
);

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
pub use routes::{AppRoute, Bundle};

use crate::{
    i18n::{LangSwitch, provide_locale, use_lang},
    pages::{
        DossierPage, EditPage, Home, LookupPage, MyDossiers, NotFound, ProcedurePage, StartPage,
        VerifyPage,
    },
};

/// The whole application: every page, the forms, drafts and the outbox. The server renders it for the
/// pages of [`Bundle::Full`]; the full WASM bundle (`src/bin/web.rs`) hydrates them, and renders any route
/// on the service worker's offline app shell.
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
    let left_drafts = pages::left_drafts::provide_left_drafts();
    // The phone's stores belong to whoever the server says is signed in (until it has answered, to the
    // last known person): switch to theirs, moving the drafts started in this visit before signing in;
    // older anonymous drafts are asked about (`LeftDraftsQuestion`).
    #[cfg(feature = "hydrate")]
    {
        let session = pages::account::use_session();
        Effect::new(move |_| {
            if let Some(info) = session.get() {
                if matches!(info.principal, domain::api::Principal::Anonymous) {
                    left_drafts.set(Vec::new());
                }
                leptos::task::spawn_local(async move {
                    match platform::owner::adopt(&info).await {
                        Ok(left) if !left.is_empty() => {
                            left_drafts.try_set(left);
                        }
                        Ok(_) => {}
                        Err(e) => web_sys::console::warn_1(
                            &format!("motcua: could not move the drafts: {e}").into(),
                        ),
                    }
                });
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = left_drafts;
    view! {
        <Router>
            <Frame>
                <pages::left_drafts::LeftDraftsQuestion />
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=Home />
                    <Route path=path!("/thu-tuc/:slug") view=ProcedurePage />
                    <Route path=path!("/tra-cuu") view=LookupPage />
                    <Route path=path!("/tra-cuu/:code") view=LookupPage />
                    <Route path=path!("/tra-cuu/:code/chi-tiet") view=pages::lookup_detail::LookupDetailPage />
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
                    <Route path=path!("/can-bo/nhat-ky") view=pages::audit_log::StaffAuditPage />
                    <Route path=path!("/verify/:code") view=VerifyPage />
                </Routes>
            </Frame>
        </Router>
    }
}

/// The public pages only ([`Bundle::Public`]): what the small WASM bundle (`src/bin/public.rs`) hydrates.
/// It links none of the forms, the outbox, IndexedDB or the catalogues; a link to a page of the full app
/// becomes a full page load ([`OtherBundle`]).
#[component]
pub fn PublicApp() -> impl IntoView {
    provide_locale();
    pages::account::provide_session();
    // The header's unread count is the same on every page.
    pages::notifications::provide_unread();
    #[cfg(feature = "hydrate")]
    page_data::provide_from_document();
    view! {
        <Router>
            <Frame>
                <Routes fallback=OtherBundle>
                    <Route path=path!("/") view=Home />
                    <Route path=path!("/thu-tuc/:slug") view=ProcedurePage />
                    <Route path=path!("/tra-cuu") view=LookupPage />
                    <Route path=path!("/tra-cuu/:code") view=LookupPage />
                    <Route path=path!("/verify/:code") view=VerifyPage />
                </Routes>
            </Frame>
        </Router>
    }
}

/// The public bundle's fallback: a page of the full app is loaded from the server (or, offline, from the
/// service worker) as a whole new page, which brings the full bundle; anything else is "not found".
#[component]
fn OtherBundle() -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    let route = AppRoute::parse(&location.pathname.get_untracked());
    if route.bundle() == Bundle::Public {
        return leptos::either::Either::Left(NotFound());
    }
    let lang = use_lang();
    #[cfg(feature = "hydrate")]
    {
        let target = format!(
            "{}{}",
            location.pathname.get_untracked(),
            location.search.get_untracked()
        );
        if let Some(window) = web_sys::window() {
            // `replace`: the router has already pushed this address onto the history. Should the
            // browser refuse, the line below stays, with a link that loads the page.
            let _ = window.location().replace(&target);
        }
    }
    let href = location.pathname.get_untracked();
    leptos::either::Either::Right(view! {
        <p role="status">
            <a href=href rel="external">
                {move || lang.get().pick("Đang mở trang…", "Opening the page…")}
            </a>
        </p>
    })
}

/// The frame of every page: skip link, update banner, header, the page, footer.
#[component]
fn Frame(children: Children) -> impl IntoView {
    let lang = use_lang();
    // On a procedure page the reader is about to file: the worker downloads the full app for use with
    // no signal (a first visit of the home page alone stays light; the full bundle asks at start). The
    // public pages' router moves between pages without a load, hence an effect on the path.
    let location = leptos_router::hooks::use_location();
    Effect::new(move |_| {
        if matches!(
            AppRoute::parse(&location.pathname.get()),
            AppRoute::Procedure(_)
        ) {
            pwa::want_offline_app();
        }
    });
    view! {
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
            {children()}
        </main>
        <footer class="site-footer">
            <p>
                {move || lang.get().pick(
                    "Ủy ban nhân dân tỉnh Quảng Ngãi · Bộ phận Một cửa",
                    "Quảng Ngãi Provincial People's Committee · One-stop service",
                )}
            </p>
        </footer>
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
