use domain::api::{DossierStatus, StatusView};
use leptos::{either::EitherOf5, prelude::*};
use leptos_router::hooks::{use_location, use_query_map};

use crate::{
    i18n::use_lang,
    page_data::{LookupOutcome, use_page_data},
};

/// `/tra-cuu`: find a dossier by its code. Anyone with the code sees its public status (state, dates,
/// office); its owner signed in, or a dossier-scoped access, sees the rest on their dossier's page. The
/// form works without JavaScript (a plain GET); the server renders the result, and the receipt's QR code
/// lands here.
#[component]
pub fn LookupPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let location = use_location();
    let code = move || {
        query
            .read()
            .get("code")
            .or_else(|| {
                location
                    .pathname
                    .read()
                    .strip_prefix("/tra-cuu/")
                    .map(str::to_owned)
            })
            .unwrap_or_default()
    };
    let phone = move || query.read().get("phone").unwrap_or_default();
    let data = use_page_data();
    // Only the look-up this URL asked for (after navigating inside the app, an older one may be in context).
    let outcome = move || {
        data.lookup
            .clone()
            .filter(|l| l.code == code() && l.phone == phone())
            .map(|l| l.outcome)
    };
    view! {
        <h1>{move || lang.get().pick("Tra cứu hồ sơ", "Find a dossier")}</h1>
        <p class="lead">
            {move || lang.get().pick(
                "Nhập mã hồ sơ (in trên giấy tiếp nhận) để xem hồ sơ đang ở bước nào. Chi tiết và văn bản của hồ sơ chỉ người nộp xem được.",
                "Enter the dossier code (printed on the receipt) to see where it stands. Its details and documents are for the person who filed it.",
            )}
        </p>
        <form class="lookup-form" method="get" action="/tra-cuu">
            <label for="lookup-code">{move || lang.get().pick("Mã hồ sơ", "Dossier code")}</label>
            <input
                id="lookup-code"
                name="code"
                required
                autocomplete="off"
                autocapitalize="characters"
                spellcheck="false"
                value=code
            />
            <button type="submit" class="button-primary">
                {move || lang.get().pick("Tra cứu", "Look up")}
            </button>
        </form>
        {move || match outcome() {
            None => EitherOf5::A(()),
            Some(LookupOutcome::Found(status)) => {
                EitherOf5::B(view! { <DossierResult status=*status /> })
            }
            Some(LookupOutcome::NotFound) => EitherOf5::C(view! {
                <p class="notice notice-error" role="alert">
                    {move || lang.get().pick(
                        "Không tìm thấy hồ sơ với mã này. Hãy kiểm tra lại mã in trên giấy tiếp nhận.",
                        "No dossier has this code. Check the code printed on the receipt.",
                    )}
                </p>
            }),
            Some(LookupOutcome::RateLimited) => EitherOf5::D(view! {
                <p class="notice notice-error" role="alert">
                    {move || lang.get().pick(
                        "Bạn đã tra cứu quá nhiều lần. Vui lòng thử lại sau một phút.",
                        "Too many look-ups. Please try again in a minute.",
                    )}
                </p>
            }),
            Some(LookupOutcome::Unavailable) => EitherOf5::E(view! {
                <p class="notice notice-error" role="alert">
                    {move || lang.get().pick(
                        "Máy chủ tạm thời không tra cứu được. Vui lòng thử lại sau.",
                        "The server cannot look dossiers up right now. Please try again later.",
                    )}
                </p>
            }),
        }}
    }
}

/// `dd/mm/yyyy` of an ISO date or RFC 3339 time.
pub(crate) fn vietnamese_date(iso: &str) -> String {
    let date = iso.get(..10).unwrap_or(iso);
    let mut parts = date.split('-');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(y), Some(m), Some(d)) => format!("{d}/{m}/{y}"),
        _ => iso.to_owned(),
    }
}

/// `HH:MM dd/mm/yyyy` of an RFC 3339 time written in Vietnam time.
pub(crate) fn vietnamese_time(rfc3339: &str) -> String {
    let time = rfc3339.get(11..16).unwrap_or_default();
    format!("{time} {}", vietnamese_date(rfc3339))
}

/// A found dossier: what it is, where it stands, its history, and — for its owner or a dossier-scoped
/// access (`view` = full) — its documents and receipt (the links work with that session or access).
#[component]
pub(crate) fn DossierResult(
    /// The dossier.
    status: DossierStatus,
) -> impl IntoView {
    let lang = use_lang();
    let full = status.view == StatusView::Full;
    let receipt = status.receipt;
    let pdf = receipt.receipt_pdf_url.clone();
    let detail = format!("/tra-cuu/{}/chi-tiet", receipt.code);
    let documents: Vec<(String, Option<String>, String, String)> = status
        .documents
        .iter()
        .map(|d| {
            (
                d.title.clone(),
                d.number.clone(),
                vietnamese_date(&d.issued_at),
                d.url.clone(),
            )
        })
        .collect();
    let due = receipt.due_date.map(|d| vietnamese_date(&d.to_string()));
    let fee = receipt.fee.amount;
    let timeline = status.timeline;
    let state = status.state;
    view! {
        <section class="lookup-result" aria-labelledby="result-title">
            <h2 id="result-title" tabindex="-1">{receipt.code.clone()}</h2>
            <dl class="facts">
                <div>
                    <dt>{move || lang.get().pick("Thủ tục", "Procedure")}</dt>
                    <dd>{move || receipt.procedure.name(lang.get())}</dd>
                </div>
                <div>
                    <dt>{move || lang.get().pick("Trạng thái", "Status")}</dt>
                    <dd><strong>{move || state.label(lang.get())}</strong></dd>
                </div>
                <div>
                    <dt>{move || lang.get().pick("Nhận lúc", "Received")}</dt>
                    <dd>{vietnamese_time(&receipt.received_at)}</dd>
                </div>
                <div>
                    <dt>{move || lang.get().pick("Hẹn trả kết quả", "Result due")}</dt>
                    <dd>
                        {move || due.clone().unwrap_or_else(|| {
                            lang.get().pick("Không có thời hạn giải quyết", "No processing time").to_owned()
                        })}
                    </dd>
                </div>
                <div>
                    <dt>{move || lang.get().pick("Lệ phí", "Fee")}</dt>
                    <dd>
                        {move || if fee.dong() == 0 {
                            lang.get().pick("Miễn phí", "Free").to_owned()
                        } else {
                            format!("{} đồng", fee.grouped())
                        }}
                    </dd>
                </div>
            </dl>
            <h3>{move || lang.get().pick("Quá trình xử lý", "History")}</h3>
            <ol class="timeline">
                {timeline
                    .into_iter()
                    .map(|entry| {
                        view! {
                            <li>
                                <span class="timeline-when">{vietnamese_time(&entry.at)}</span>
                                " "
                                <span class="timeline-what">{move || entry.state.label(lang.get())}</span>
                                {entry.note.clone().map(|note| view! { <p class="timeline-note">{note}</p> })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
            {(!documents.is_empty()).then(|| view! {
                <h3>{move || lang.get().pick("Văn bản, kết quả đã ban hành", "Documents and results issued")}</h3>
                <ul class="issued-documents">
                    {documents.into_iter().map(|(title, number, date, href)| view! {
                        <li>
                            <a href=href rel="external" download>{title}" (PDF)"</a>
                            {number.map(|n| view! { " — "{move || lang.get().pick("Số: ", "No. ")}{n} })}
                            " — "{date}
                        </li>
                    }).collect_view()}
                </ul>
            })}
            {if full {
                view! {
                    <p>
                        <a href=pdf rel="external" download>
                            {move || lang.get().pick("Tải giấy tiếp nhận (PDF)", "Download the receipt (PDF)")}
                        </a>
                    </p>
                }
                .into_any()
            } else {
                view! {
                    <p class="notice">
                        {move || lang.get().pick(
                            "Đây là thông tin công khai của hồ sơ. Để xem chi tiết, văn bản và giấy tiếp nhận, hãy ",
                            "This is the dossier's public status. To see its details, documents and receipt, ",
                        )}
                        <a href="/dang-nhap?next=/ho-so">
                            {move || lang.get().pick(
                                "đăng nhập bằng tài khoản đã nộp hồ sơ",
                                "sign in with the account that filed it",
                            )}
                        </a>
                        {move || lang.get().pick(", hoặc nhận mã xác nhận gửi đến số điện thoại của hồ sơ: ", ", or get a code sent to the dossier's phone: ")}
                        <a href=detail rel="external" class="button">
                            {move || lang.get().pick("Xem chi tiết", "See details")}
                        </a>
                    </p>
                }
                .into_any()
            }}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_the_vietnamese_way() {
        assert_eq!(vietnamese_date("2026-11-26"), "26/11/2026");
        assert_eq!(
            vietnamese_time("2026-11-23T09:30:00+07:00"),
            "09:30 23/11/2026"
        );
    }
}
