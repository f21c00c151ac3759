use domain::Procedure;
use leptos::{either::Either, prelude::*};
use leptos_router::hooks::use_params_map;

use crate::{AppRoute, i18n::use_lang, pages::NotFound};

/// A procedure's page: what to prepare, who decides, how long it takes, the legal basis.
#[component]
pub fn ProcedurePage() -> impl IntoView {
    let params = use_params_map();
    let procedure = move || {
        params
            .read()
            .get("slug")
            .and_then(|slug| slug.parse::<Procedure>().ok())
    };
    move || match procedure() {
        Some(procedure) => Either::Left(view! { <ProcedureDetails procedure /> }),
        None => Either::Right(view! { <NotFound /> }),
    }
}

/// The fee online, and at the counter when it differs (NĐ 168/2025 fee schedule as configured).
pub(crate) fn fee_text(procedure: Procedure, lang: domain::Lang) -> String {
    let fees = domain::FeeSchedule::default();
    let today = crate::pages::form::today();
    let online = fees.fee(procedure, domain::Channel::Online, today);
    let counter = fees.fee(procedure, domain::Channel::Counter, today);
    let amount = |v: domain::Vnd| {
        if v.dong() == 0 {
            lang.pick("miễn phí", "free").to_owned()
        } else {
            format!("{} đồng", v.grouped())
        }
    };
    if online == counter {
        let text = amount(online);
        let mut chars = text.chars();
        chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect())
            .unwrap_or_default()
    } else {
        match lang {
            domain::Lang::Vi => format!(
                "Nộp trực tuyến: {} (tại quầy: {})",
                amount(online),
                amount(counter)
            ),
            domain::Lang::En => format!(
                "Online: {} (at the counter: {})",
                amount(online),
                amount(counter)
            ),
        }
    }
}

/// The facts of one procedure.
#[component]
fn ProcedureDetails(
    /// The procedure shown.
    procedure: Procedure,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <nav class="breadcrumb" aria-label=move || lang.get().pick("Đường dẫn", "Breadcrumb")>
            <a href=AppRoute::Home.path()>{move || lang.get().pick("Trang chủ", "Home")}</a>
        </nav>
        <h1>{move || procedure.name(lang.get())}</h1>
        <p class="lead">{move || procedure.summary(lang.get())}</p>
        <dl class="facts">
            <div>
                <dt>{move || lang.get().pick("Cơ quan giải quyết", "Decided by")}</dt>
                <dd>{move || procedure.authority().name(lang.get())}</dd>
            </div>
            <div>
                <dt>{move || lang.get().pick("Thời hạn giải quyết", "Processing time")}</dt>
                <dd>{move || procedure.processing_time().describe(lang.get())}</dd>
            </div>
            <div>
                <dt>{move || lang.get().pick("Cách nộp", "How to file")}</dt>
                <dd>{move || lang.get().pick("Chỉ nộp trực tuyến", "Online only")}</dd>
            </div>
            <div>
                <dt>{move || lang.get().pick("Lệ phí", "Fee")}</dt>
                <dd>{move || fee_text(procedure, lang.get())}</dd>
            </div>
        </dl>
        <p class="start-button">
            <a href=AppRoute::Start(procedure).path() class="button">
                {move || lang.get().pick("Nộp hồ sơ trực tuyến", "Apply online")}
            </a>
        </p>
        <p class="hint">
            {move || lang.get().pick(
                "Hồ sơ được lưu trên máy khi bạn điền, kể cả khi không có mạng.",
                "Your answers are kept on the phone as you type, even without a connection.",
            )}
        </p>
        <h2>{move || lang.get().pick("Hồ sơ cần chuẩn bị", "What to prepare")}</h2>
        <ul class="requirements">
            {procedure
                .requirements()
                .iter()
                .map(|req| view! { <li>{move || req.text(lang.get())}</li> })
                .collect_view()}
        </ul>
        <h2>{move || lang.get().pick("Căn cứ pháp lý", "Legal basis")}</h2>
        <ul class="legal-basis">
            {procedure
                .legal_basis()
                .iter()
                .map(|law| {
                    view! {
                        <li>
                            <strong>{law.citation}</strong>
                            " — "
                            {move || lang.get().pick(law.title_vi, law.title_en)}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
