//! `/verify/{code}`: what a document the office issued says and whether it is in force. Every issued
//! document's QR code opens this page; the server renders it with the document (`PageData::verify`)
//! and answers 404 for a code no document has. Opened inside the app without that data (a link
//! followed on the phone), it asks `GET /api/v1/verify/{code}` for the same.

use domain::api::VerifiedDocument;
use leptos::{either::EitherOf5, prelude::*, task::spawn_local};
use leptos_router::hooks::use_location;

use super::lookup::vietnamese_time;
use crate::{
    i18n::use_lang,
    page_data::{VerifyOutcome, use_page_data},
    platform::{self, net},
};

/// The verification page.
#[component]
pub fn VerifyPage() -> impl IntoView {
    let lang = use_lang();
    let location = use_location();
    let code = move || {
        location
            .pathname
            .read()
            .strip_prefix("/verify/")
            .unwrap_or_default()
            .trim_end_matches('/')
            .to_owned()
    };
    let data = use_page_data();
    let served = data.verify.clone();
    let fetched: RwSignal<Option<(String, VerifyOutcome)>> = RwSignal::new(None);
    // What the server found for this code, else what the API answered.
    let outcome = move || {
        let code = code();
        data.verify
            .clone()
            .filter(|v| v.code == code)
            .map(|v| v.outcome)
            .or_else(|| fetched.get().filter(|(c, _)| *c == code).map(|(_, o)| o))
    };
    Effect::new(move |_| {
        let code = code();
        if code.is_empty() || served.as_ref().is_some_and(|v| v.code == code) {
            return;
        }
        spawn_local(async move {
            let url = format!("{}/verify/{}", net::API, net::encode_component(&code));
            let l = crate::i18n::current_lang();
            let answer = platform::net::get_json::<VerifiedDocument>(&url, l).await;
            let outcome = match answer {
                Ok(doc) => VerifyOutcome::Found(Box::new(doc)),
                Err(platform::PlatformError::Http { status: 404, .. }) => VerifyOutcome::NotFound,
                Err(platform::PlatformError::Http { status: 429, .. }) => {
                    VerifyOutcome::RateLimited
                }
                Err(_) => VerifyOutcome::Unavailable,
            };
            fetched.try_set(Some((code, outcome)));
        });
    });
    view! {
        <h1>{move || lang.get().pick("Kiểm tra văn bản", "Check a document")}</h1>
        {move || match outcome() {
            None => EitherOf5::A(view! {
                <p class="loading" role="status">{move || lang.get().pick("Đang kiểm tra…", "Checking…")}</p>
            }),
            Some(VerifyOutcome::Found(doc)) => EitherOf5::B(view! { <VerifiedView doc=*doc /> }),
            Some(VerifyOutcome::NotFound) => EitherOf5::C(view! {
                <div class="notice notice-error" role="alert">
                    <h2>{move || lang.get().pick("Không tìm thấy văn bản", "No such document")}</h2>
                    <p>
                        {move || lang.get().pick(
                            "Không có văn bản nào do hệ thống cấp mang mã kiểm tra này. Hãy quét lại mã QR trên văn bản, \
                             hoặc kiểm tra địa chỉ đã nhập. Nếu văn bản được giao cho bạn là bản giấy, hãy liên hệ \
                             cơ quan đã ban hành để xác minh.",
                            "No document issued by this system has this code. Scan the QR code on the document again, \
                             or check the address typed. For a paper document, ask the office that issued it.",
                        )}
                    </p>
                </div>
            }),
            Some(VerifyOutcome::RateLimited) => EitherOf5::D(view! {
                <p class="notice notice-error" role="alert">
                    {move || lang.get().pick(
                        "Bạn đã kiểm tra văn bản quá nhiều lần trong một phút. Vui lòng đợi một phút rồi tải lại trang.",
                        "Too many checks from your connection in a minute. Please wait a minute, then reload the page.",
                    )}
                </p>
            }),
            Some(VerifyOutcome::Unavailable) => EitherOf5::E(view! {
                <p class="notice notice-error" role="alert">
                    {move || lang.get().pick(
                        "Máy chủ tạm thời không kiểm tra được. Vui lòng thử lại sau.",
                        "The server cannot check documents right now. Please try again later.",
                    )}
                </p>
            }),
        }}
    }
}

/// A found document: in force or not, and what it says.
#[component]
fn VerifiedView(
    /// The document.
    doc: VerifiedDocument,
) -> impl IntoView {
    let lang = use_lang();
    let (class, verdict) = if doc.current {
        ("notice notice-ok", ("Còn hiệu lực", "In force"))
    } else {
        (
            "notice notice-warn",
            ("Không còn hiệu lực", "No longer in force"),
        )
    };
    let issued = vietnamese_time(&doc.issued_at);
    view! {
        <section class="lookup-result verify-result" aria-labelledby="verify-title">
            <h2 id="verify-title" class="verify-title">{doc.title.clone()}</h2>
            {doc.form.clone().map(|f| view! { <p class="hint">{f}</p> })}
            <div class=class role="status">
                <p><strong>{move || lang.get().pick(verdict.0, verdict.1)}</strong></p>
                <p>{doc.status.clone()}</p>
                {doc.business_status.clone().map(|s| view! {
                    <p>
                        {move || lang.get().pick("Tình trạng hộ kinh doanh hiện nay: ", "The business's status now: ")}
                        <strong>{s}</strong>
                    </p>
                })}
            </div>
            <dl class="facts">
                {doc.number.clone().map(|n| view! {
                    <div>
                        <dt>{move || lang.get().pick("Số, ký hiệu", "Number")}</dt>
                        <dd>{n}</dd>
                    </div>
                })}
                <div>
                    <dt>{move || lang.get().pick("Cơ quan ban hành", "Issued by")}</dt>
                    <dd>{doc.issuer.clone()}</dd>
                </div>
                <div>
                    <dt>{move || lang.get().pick("Thời điểm ban hành", "Issued")}</dt>
                    <dd>{issued}</dd>
                </div>
                {doc.fields.iter().map(|f| view! {
                    <div>
                        <dt>{f.label.clone()}</dt>
                        <dd>{f.value.clone()}</dd>
                    </div>
                }).collect_view()}
            </dl>
        </section>
    }
}
