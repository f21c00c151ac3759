//! The WASM entry built by Trunk: hydrates the HTML the server rendered from the same components, or,
//! on the service worker's offline app shell, renders the route on the phone; then registers the worker.

fn main() {
    console_error_panic_hook::set_once();
    let how = if app::pwa::hydratable() {
        leptos::mount::hydrate_body(app::App);
        "hydrated"
    } else {
        app::pwa::prepare_client_render();
        leptos::mount::mount_to_body(app::App);
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
    app::pwa::register();
}
