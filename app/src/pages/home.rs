use domain::Procedure;
use leptos::prelude::*;

use crate::{AppRoute, i18n::use_lang};

/// The home page: the four procedures the province accepts online only.
#[component]
pub fn Home() -> impl IntoView {
    let lang = use_lang();
    view! {
        <section class="intro">
            <h1>{move || lang.get().pick("Dịch vụ công trực tuyến tỉnh Quảng Ngãi", "Quảng Ngãi online public services")}</h1>
            <p class="lead">
                {move || lang.get().pick(
                    "Bốn thủ tục dưới đây chỉ nhận hồ sơ trực tuyến. Chọn thủ tục để xem cần chuẩn bị gì, thời hạn giải quyết và căn cứ pháp lý.",
                    "The four procedures below are accepted online only. Choose one to see what to prepare, how long it takes and its legal basis.",
                )}
            </p>
        </section>
        <p class="lookup-link">
            <a href=AppRoute::Lookup.path()>
                {move || lang.get().pick("Đã nộp hồ sơ? Tra cứu tình trạng hồ sơ", "Already filed? Find your dossier")}
            </a>
        </p>
        <p class="lookup-link">
            <a href=AppRoute::MyDossiers.path()>
                {move || lang.get().pick("Hồ sơ đang soạn và đã nộp trên máy này", "Drafts and dossiers on this phone")}
            </a>
        </p>
        <h2 class="section-title">{move || lang.get().pick("Các thủ tục", "Procedures")}</h2>
        <ul class="procedure-list">
            {Procedure::ALL
                .into_iter()
                .map(|procedure| view! { <ProcedureCard procedure /> })
                .collect_view()}
        </ul>
    }
}

/// A procedure in the home page's list, linking to its page.
#[component]
fn ProcedureCard(
    /// The procedure shown.
    procedure: Procedure,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <li class="procedure-card">
            <a href=AppRoute::Procedure(procedure).path()>
                <h3 class="procedure-name">{move || procedure.name(lang.get())}</h3>
            </a>
            <p>{move || procedure.summary(lang.get())}</p>
            <dl class="facts">
                <div>
                    <dt>{move || lang.get().pick("Cơ quan giải quyết", "Decided by")}</dt>
                    <dd>{move || procedure.authority().name(lang.get())}</dd>
                </div>
                <div>
                    <dt>{move || lang.get().pick("Thời hạn", "Time")}</dt>
                    <dd>{move || procedure.processing_time().describe(lang.get())}</dd>
                </div>
                <div>
                    <dt>{move || lang.get().pick("Lệ phí", "Fee")}</dt>
                    <dd>{move || super::procedure::fee_text(procedure, lang.get())}</dd>
                </div>
            </dl>
        </li>
    }
}
