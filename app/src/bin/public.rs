//! The small WASM bundle built by Trunk (`public.html`): hydrates the public pages the server rendered
//! (home, procedures, look-up, not found) and registers the service worker. It links none of the forms,
//! the outbox, IndexedDB or the catalogues, so the first visit of the home page stays light.

fn main() {
    app::pwa::start(app::PublicApp);
}
