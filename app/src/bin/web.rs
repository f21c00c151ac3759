//! The WASM entry built by Trunk: hydrates the HTML the server rendered from the same components.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
    // Tells browser tests (and anyone curious) that the page is now driven by the WASM app.
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("data-hydrated", "true");
    }
}
