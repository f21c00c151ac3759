//! The full WASM bundle built by Trunk (`index.html`): every page, the forms, drafts and the outbox. It
//! hydrates the pages of the full app the server rendered, or, on the service worker's offline app shell,
//! renders any route on the phone; then registers the worker. The public pages have their own, smaller
//! bundle (`src/bin/public.rs`).

fn main() {
    app::pwa::start(app::App);
    // Whoever opens a page of the full app will want it with no signal too.
    app::pwa::want_offline_app();
}
