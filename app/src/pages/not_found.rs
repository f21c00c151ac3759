use leptos::prelude::*;

use crate::{AppRoute, i18n::use_lang};

/// Shown for an address that is not a page of the app (the server answers 404 with it).
#[component]
pub fn NotFound() -> impl IntoView {
    let lang = use_lang();
    view! {
        <h1>{move || lang.get().pick("Không tìm thấy trang", "Page not found")}</h1>
        <p>
            {move || lang.get().pick(
                "Địa chỉ này không có trong ứng dụng. Hãy kiểm tra lại đường dẫn hoặc quay về trang chủ để chọn thủ tục.",
                "This address is not part of the app. Check the link, or go back to the home page to choose a procedure.",
            )}
        </p>
        <p>
            <a href=AppRoute::Home.path()>{move || lang.get().pick("Về trang chủ", "Go to the home page")}</a>
        </p>
    }
}
